/* cmd_replay.c - `exdns replay`: re-run the probes a saved plan rests on
 * (no terminal needed, for cron) and say whether the plan still holds. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "history.h"
#include "opts.h"
#include "plan.h"
#include "replay.h"
#include "util.h"

enum { OPT_UPDATE = OPT_COMMON_LAST + 1, OPT_HISTORY };

void
cmd_replay_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns replay [--json] [--update] [OPTION]... FILE\n"
	    "Re-run the probes the plan FILE rests on (its connector domains, its\n"
	    "resolver, its external DNS servers) and say for each connector: still\n"
	    "needed, stale (the MX hosts now have other IPv4 addresses than\n"
	    "smart_hosts), no longer needed, or unknown; and for each external DNS\n"
	    "server whether it still answers. The last line is a one-line summary\n"
	    "for monitoring.\n\n"
	    "      --json               print one JSON document instead\n"
	    "      --update             write the refreshed plan to FILE (atomically;\n"
	    "                           the old one is kept as FILE.bak)\n"
	    "      --history DIR        append one line per connector to\n"
	    "                           DIR/history.jsonl (see 'exdns history')\n"
	    "  --resolver ADDR[@PORT]   resolver to test (default: the plan's)\n"
	    "  --auth-port PORT         port for direct authoritative queries (53)\n"
	    "  --timeout MS             time to wait for each try (2000)\n"
	    "  --tries N                tries per query over UDP (2)\n"
	    "  --max-inflight N         queries in flight at once (4096)\n"
	    "  --resolver-inflight N    most in flight to the resolver (256)\n"
	    "  --auth-inflight N        most in flight to each authoritative server (16)\n"
	    "  --rate N                 most queries/s to any one server (0: adaptive)\n"
	    "  --canary DOMAIN          domain the resolver must answer (repeatable)\n"
	    "  --external ADDR[@PORT],...  more external DNS candidates; --update\n"
	    "                           adds those that answer\n"
	    "  -h, --help               show this help\n\n"
	    "Exit status: 0 the plan holds, 1 it needs a change, 2 bad plan or\n"
	    "usage, 3 unknown: nothing could be probed (network down), or some\n"
	    "connector could not be judged and nothing calls for a change.\n");
}

int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		OPTS_PROBE_LONGOPTS,
		{"json", no_argument, NULL, OPT_JSON},
		{"update", no_argument, NULL, OPT_UPDATE},
		{"history", required_argument, NULL, OPT_HISTORY},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	opts_probe o;
	probe_run *r = NULL;
	replay_obs *obs = NULL;
	replay_result *rr = NULL;
	plan *p = NULL, *np = NULL;
	char err[1200], **notes = NULL;
	const char *path, *history = NULL;
	size_t nnotes = 0, i;
	bool json = false, update = false;
	int c, rc = EXIT_USAGE;

	opts_probe_init(&o);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			cmd_replay_usage(stdout);
			rc = 0;
			goto out;
		}
		if (c == OPT_JSON) {
			json = true;
			continue;
		}
		if (c == OPT_UPDATE) {
			update = true;
			continue;
		}
		if (c == OPT_HISTORY) {
			history = optarg;
			continue;
		}
		if (c == OPT_FILE) {
			fprintf(stderr, "exdns replay: the domains come from the "
			    "plan; --file is not used here\n");
			goto out;
		}
		if ((c = opts_probe_handle(&o, c, optarg)) == 1)
			continue;
		if (c == 0)
			fprintf(stderr, "Try 'exdns help replay' for more "
			    "information.\n");
		goto out;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "exdns replay: give exactly one plan FILE\n"
		    "Try 'exdns help replay' for more information.\n");
		goto out;
	}
	path = argv[optind];
	if ((p = plan_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "exdns: %s\n", err);
		goto out;
	}
	if (opts_probe_from_plan(&o, p) != 0)
		goto out;
	if (opts_probe_finish(&o, 0, argv + argc, false, false) != 0)
		goto out;

	r = probe_new(&o.probe);
	for (i = 0; i < p->nconnectors; i++)
		probe_add_domain(r, p->connectors[i].domain);
	for (i = 0; i < p->nchecked; i++)
		probe_add_domain(r, p->checked[i].domain);
	probe_run_all(r);
	if (probe_local_failure(r, stderr)) {
		rc = EXIT_NOPROBE;
		goto out;
	}
	obs = replay_observe(r);
	rr = replay_judge(p, obs);
	if (json) {
		if (replay_print_json(stdout, rr, path) != 0) {
			fprintf(stderr, "exdns: could not build the JSON document\n");
			goto out;
		}
	} else
		replay_print_text(stdout, rr, path);
	rc = rr->exit_status;
	if (history != NULL && history_append(history, rr, path, plan_now(),
	    err, sizeof err) != 0) {
		fprintf(stderr, "exdns: %s\n", err);
		rc = EXIT_USAGE;
	}

	if (update) {
		np = replay_updated_plan(rr, plan_now(), &notes, &nnotes);
		for (i = 0; i < nnotes; i++)
			fprintf(stderr, "exdns: note: %s\n", notes[i]);
		if (np == NULL)
			fprintf(stderr, "exdns: %s: nothing to update\n",
			    esc_buf(ESC_TERMINAL, path, strlen(path), err, 300));
		else if (plan_save(path, np, PLAN_SAVE_OVERWRITE, err,
		    sizeof err) != PLAN_SAVE_OK) {
			fprintf(stderr, "exdns: %s\n", err);
			rc = EXIT_USAGE;
		} else {
			char esc[300];
			esc_buf(ESC_TERMINAL, path, strlen(path), esc, sizeof esc);
			if (!rr->needs_change && rr->nextra == 0)
				fprintf(stderr, "exdns: %s updated (the previous "
				    "plan is %s.bak): only the [checked] domains' "
				    "verdicts changed; nothing to apply in "
				    "Exchange\n", esc, esc);
			else if (rr->count[REPLAY_NOT_NEEDED] > 0 ||
			    rr->resolver_recovered)
				fprintf(stderr, "exdns: %s updated (the previous "
				    "plan is %s.bak); to apply the change, run the "
				    "script of 'exdns emit --undo %s.bak', then the "
				    "one of 'exdns emit %s'\n", esc, esc, esc, esc);
			else
				fprintf(stderr, "exdns: %s updated (the previous "
				    "plan is %s.bak); to apply the change, run the "
				    "script of 'exdns emit %s' (it updates the "
				    "existing connectors)\n", esc, esc, esc);
		}
	}
	if (fflush(stdout) != 0)
		rc = EXIT_USAGE;
out:
	strv_free(notes, nnotes);
	replay_result_free(rr);
	replay_obs_free(obs);
	if (r != NULL)
		probe_free(r);
	plan_free(np);
	plan_free(p);
	opts_probe_free(&o);
	return rc;
}
