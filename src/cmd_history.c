/* cmd_history.c - `exdns history DIR`: the replay history kept by
 * 'exdns replay --history DIR', connector by connector. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "history.h"
#include "util.h"

void
cmd_history_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns history DIR\n"
	    "Print the replay history that 'exdns replay --history DIR' keeps in\n"
	    "DIR/" HISTORY_FILE " (one JSON object a line, one line per run per\n"
	    "connector): for each plan and connector, every change of its state\n"
	    "(still needed, stale, no longer needed, unknown) with the time and the\n"
	    "evidence, and where it stands now: since when it is still needed, when\n"
	    "it went stale.\n\n"
	    "  -h, --help               show this help\n\n"
	    "A bad line is reported as FILE:LINE and skipped; the others are\n"
	    "printed.\n"
	    "Exit status: 0 printed, 2 bad usage, the file cannot be read, or it\n"
	    "has bad lines.\n");
}

int
cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	history_rec *recs = NULL;
	char **bad = NULL, err[1200];
	size_t n = 0, nbad = 0, i;
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			cmd_history_usage(stdout);
			return 0;
		}
		fprintf(stderr, "Try 'exdns help history' for more information.\n");
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "exdns history: give exactly one DIR\n"
		    "Try 'exdns help history' for more information.\n");
		return EXIT_USAGE;
	}
	if (history_load(argv[optind], &recs, &n, &bad, &nbad, err,
	    sizeof err) != 0) {
		fprintf(stderr, "exdns: %s\n", err);
		return EXIT_USAGE;
	}
	for (i = 0; i < nbad; i++)
		fprintf(stderr, "exdns: %s (line skipped)\n", bad[i]);
	history_print(stdout, recs, n);
	history_free(recs, n);
	strv_free(bad, nbad);
	return nbad > 0 ? EXIT_USAGE : 0;
}
