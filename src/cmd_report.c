/* cmd_report.c - `exdns report`: the message for a remote domain's
 * postmaster or DNS operator (the default), or the whole run as Markdown
 * or HTML for the records; from fresh probes of DOMAINs, or of the
 * domains of a plan FILE. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "dname.h"
#include "escape.h"
#include "opts.h"
#include "plan.h"
#include "report.h"
#include "report_doc.h"
#include "report_msg.h"
#include "util.h"

enum { OPT_FORMAT = OPT_COMMON_LAST + 1, OPT_OUTPUT, OPT_FORCE };

void
cmd_report_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns report [--format FORMAT] [-o FILE] [OPTION]... DOMAIN...\n"
	    "   or: exdns report [--format FORMAT] [-o FILE] [OPTION]... PLAN\n"
	    "Probe each DOMAIN (exactly like 'exdns probe'), or the domains of the\n"
	    "plan file PLAN again (its resolver and external servers unless given),\n"
	    "and write:\n"
	    "  message   (the default) for each domain whose own DNS is at fault, a\n"
	    "            plain-text message for its postmaster or DNS operator:\n"
	    "            which name server, at which address, fails which query\n"
	    "            and how, when and from where it was seen, why it breaks\n"
	    "            mail, and the dig commands to see it; with PLAN, the\n"
	    "            evidence the plan recorded is quoted too\n"
	    "  markdown  the whole run for records and change tickets: vantage,\n"
	    "            results table, each domain's evidence, and the plan\n"
	    "  html      the same as one self-contained HTML file (no scripts,\n"
	    "            no external assets)\n"
	    "A single argument that names an existing file is read as a PLAN: its\n"
	    "resolver and external servers are used unless given.\n\n"
	    "      --format FORMAT      message, markdown or html\n"
	    "  -o, --output FILE        write to FILE (atomically) instead of\n"
	    "                           standard output\n"
	    "      --force              replace an existing FILE (kept as FILE.bak)\n");
	opts_probe_usage(out);
	fprintf(out,
	    "  -h, --help               show this help\n\n"
	    "Exit status: 0 no DNS fault (no message written), 1 faults found,\n"
	    "2 bad usage or input, or FILE could not be written.\n");
}

/* A single argument naming an existing regular file: a plan. */
static bool
cmd_report_is_plan(int argc, char **argv)
{
	struct stat st;

	return argc == 1 && stat(argv[0], &st) == 0 && S_ISREG(st.st_mode);
}

/* The messages, one after another, separated by a line of dashes. */
static size_t
cmd_report_messages(FILE *out, probe_run *r, time_t when, const plan *p)
{
	size_t i, n = 0;
	char esc[600];

	for (i = 0; i < probe_ndomains(r); i++) {
		probe_domain *d = probe_domain_at(r, i);
		if (!report_msg_wanted(d->verdict)) {
			fprintf(stderr, "exdns: %s: %s: no fault of its own DNS to "
			    "report\n", dname_printable(d->name, esc, sizeof esc),
			    verdict_to_string(d->verdict));
			continue;
		}
		if (n++ > 0)
			fputs("\n------------------------------------------------"
			    "------------------------\n\n", out);
		report_msg_write(out, r, d, when, p);
	}
	return n;
}

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		OPTS_PROBE_LONGOPTS,
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"force", no_argument, NULL, OPT_FORCE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	report_format fmt = REPORT_FMT_MESSAGE;
	report_doc_input in;
	opts_probe o;
	probe_run *r = NULL;
	plan *p = NULL, *built = NULL;
	char err[1200], esc[300], **notes = NULL, *text = NULL;
	const char *output = NULL, *plan_path = NULL;
	size_t i, nnotes = 0, len = 0;
	bool force = false;
	time_t when;
	FILE *f = NULL;
	int c, rc = EXIT_USAGE;

	opts_probe_init(&o);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_report_usage(stdout);
			rc = 0;
			goto out;
		case OPT_FORMAT:
			if (report_format_from_string(optarg, &fmt) != 0) {
				fprintf(stderr, "exdns report: --format: '%s' is not "
				    "one of message, markdown, html\n", esc_buf(ESC_TERMINAL,
				    optarg, strlen(optarg), esc, sizeof esc));
				goto out;
			}
			continue;
		case 'o':
		case OPT_OUTPUT:
			output = optarg;
			continue;
		case OPT_FORCE:
			force = true;
			continue;
		default:
			break;
		}
		if ((c = opts_probe_handle(&o, c, optarg)) == 1)
			continue;
		if (c == 0)
			fprintf(stderr, "Try 'exdns help report' for more "
			    "information.\n");
		goto out;
	}
	if (output != NULL && *output == '\0') {
		fprintf(stderr, "exdns report: -o: an empty file name\n");
		goto out;
	}
	if (cmd_report_is_plan(argc - optind, argv + optind)) {
		plan_path = argv[optind];
		if ((p = plan_load(plan_path, err, sizeof err)) == NULL) {
			fprintf(stderr, "exdns: %s\n", err);
			goto out;
		}
		if (opts_probe_from_plan(&o, p) != 0 ||
		    opts_probe_finish(&o, 0, argv + argc, false, false) != 0)
			goto out;
	} else if (opts_probe_finish(&o, argc - optind, argv + optind, true,
	    o.external_set) != 0)
		goto out;

	when = plan_now();
	r = probe_new(&o.probe);
	for (i = 0; i < o.ndomains; i++)
		probe_add_domain(r, o.domains[i]);
	for (i = 0; p != NULL && i < p->nconnectors; i++)
		probe_add_domain(r, p->connectors[i].domain);
	for (i = 0; p != NULL && i < p->nchecked; i++)
		probe_add_domain(r, p->checked[i].domain);
	probe_run_all(r);
	if (probe_local_failure(r, stderr)) {
		rc = EXIT_NOPROBE;
		goto out;
	}
	if ((f = open_memstream(&text, &len)) == NULL) {
		fprintf(stderr, "exdns: out of memory\n");
		goto out;
	}
	if (fmt == REPORT_FMT_MESSAGE)
		cmd_report_messages(f, r, when, p);
	else {
		memset(&in, 0, sizeof in);
		in.run = r;
		in.queue = o.queue;
		in.when = when;
		if (p != NULL) {
			in.plan = p;
			in.plan_source = plan_path;
		} else {
			plan_meta meta;
			memset(&meta, 0, sizeof meta);
			meta.now = when;
			meta.queue = o.queue;
			built = plan_from_probe(r, &meta, &notes, &nnotes, err,
			    sizeof err);
			in.plan = built;
			in.plan_err = err;
		}
		report_doc_write(f, fmt, &in);
	}
	if (fclose(f) != 0) {
		f = NULL;
		fprintf(stderr, "exdns: out of memory\n");
		goto out;
	}
	f = NULL;
	if (output == NULL) {
		fwrite(text, 1, len, stdout);
		rc = report_exit_status(r);
	} else if (plan_save_text(output, text, force ? PLAN_SAVE_OVERWRITE : 0,
	    err, sizeof err) != PLAN_SAVE_OK)
		fprintf(stderr, "exdns: %s\n", err);
	else {
		fprintf(stderr, "exdns: report written to %s\n",
		    esc_buf(ESC_TERMINAL, output, strlen(output), esc, sizeof esc));
		rc = report_exit_status(r);
	}
out:
	free(text);
	strv_free(notes, nnotes);
	plan_free(built);
	plan_free(p);
	if (r != NULL)
		probe_free(r);
	opts_probe_free(&o);
	return rc;
}
