/* cmd_plan.c - `exdns plan`: probe like `exdns probe`, then write the
 * remediation plan (exdns-plan(5)) without ever overwriting one silently. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "commands.h"
#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "opts.h"
#include "plan.h"
#include "report.h"
#include "util.h"

enum { OPT_OUTPUT = OPT_COMMON_LAST + 1, OPT_FORCE, OPT_TRANSPORT,
       OPT_INTERNET };

void
cmd_plan_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns plan [OPTION]... -o FILE DOMAIN...\n"
	    "Probe each DOMAIN exactly like 'exdns probe', print the report, and\n"
	    "write the remediation plan to FILE (see exdns-plan(5)): one send\n"
	    "connector per domain whose DNS fails AAAA queries, or external DNS\n"
	    "servers when the resolver itself fails.\n\n"
	    "  -o, --output FILE        the plan to write (required)\n"
	    "      --force              replace an existing FILE (kept as FILE.bak)\n"
	    "      --transport-server NAME  a transport server that applies the plan\n"
	    "                           (repeatable, or NAME,NAME)\n"
	    "      --internet-connector NAME  the Internet send connector, for the\n"
	    "                           external DNS fix\n");
	opts_engine_usage(out);
	fprintf(out,
	    "  --canary DOMAIN          domain the resolver must answer (repeatable)\n"
	    "  --external ADDR[@PORT],...  external DNS candidates (default: the\n"
	    "                           list in external.txt); only those that\n"
	    "                           answer correctly go into the plan\n"
	    "  --file FILE              read domains from FILE ('-': standard input)\n"
	    "  --queue FILE             the Exchange queue as exported (see 'exdns\n"
	    "                           help probe'); its evidence goes into the plan\n"
	    "  --skip-bad               probe the good domains when some are bad\n"
	    "  -h, --help               show this help\n\n"
	    "The plan is saved atomically; an existing FILE is never replaced\n"
	    "without --force.\n"
	    "External candidates are asked only when the resolver fails.\n"
	    "Exit status (the same as 'exdns probe'): 0 no DNS fault, 1 faults\n"
	    "found (the plan holds the fix when a connector or external DNS can\n"
	    "fix them), 2 bad usage or input, or the plan could not be written,\n"
	    "3 this host ran out of open files or memory (no verdict, no plan),\n"
	    "4 the report could not be written.\n");
}

static int
cmd_plan_names(char ***v, size_t *n, const char *arg)
{
	char **parts = NULL, esc[128];
	size_t np = 0, i;
	int rc = 0;

	list_split(arg, &parts, &np);
	if (np == 0)
		rc = -1;
	for (i = 0; i < np && rc == 0; i++) {
		if (!plan_valid_server_name(parts[i])) {
			fprintf(stderr, "exdns: --transport-server: '%s' is not a "
			    "server name (letters, digits, '-', '.', '_')\n",
			    esc_buf(ESC_TERMINAL, parts[i], strlen(parts[i]), esc,
			    sizeof esc));
			rc = -1;
		} else
			strv_push(v, n, parts[i]);
	}
	strv_free(parts, np);
	return rc;
}

/* Fails early (before probing) when the plan could not be written. */
static int
cmd_plan_check_output(const char *path, bool force)
{
	struct stat st;
	char *dir, *slash, esc[300], err[600], *target;
	int exists;

	esc_buf(ESC_TERMINAL, path, strlen(path), esc, sizeof esc);
	/* a directory, a device, a FIFO: never, even with --force */
	if ((exists = util_write_target(path, &target, &st, err,
	    sizeof err)) < 0) {
		fprintf(stderr, "exdns: %s\n", err);
		return -1;
	}
	free(target);
	if (exists) {
		if (!force) {
			fprintf(stderr, "exdns: %s: already exists; not overwriting "
			    "it (use --force: the old plan is kept as %s.bak)\n",
			    esc, esc);
			return -1;
		}
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "exdns: %s: cannot write in its folder: %s\n", esc,
		    strerror(errno));
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}

int
cmd_plan(int argc, char **argv)
{
	static const struct option longopts[] = {
		OPTS_PROBE_LONGOPTS,
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"force", no_argument, NULL, OPT_FORCE},
		{"transport-server", required_argument, NULL, OPT_TRANSPORT},
		{"internet-connector", required_argument, NULL, OPT_INTERNET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	opts_probe o;
	plan_meta meta;
	probe_run *r = NULL;
	plan *p = NULL;
	char **servers = NULL, **notes = NULL, err[1200], esc[300];
	size_t nservers = 0, nnotes = 0, i;
	const char *output = NULL, *internet = NULL;
	bool force = false;
	int c, rc = EXIT_USAGE;

	opts_probe_init(&o);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_plan_usage(stdout);
			rc = 0;
			goto out;
		case 'o':
		case OPT_OUTPUT:
			output = optarg;
			continue;
		case OPT_FORCE:
			force = true;
			continue;
		case OPT_TRANSPORT:
			if (cmd_plan_names(&servers, &nservers, optarg) != 0)
				goto out;
			continue;
		case OPT_INTERNET:
			if (!plan_valid_connector_name(optarg)) {
				fprintf(stderr, "exdns: --internet-connector: '%s' is "
				    "not a connector name (letters, digits, space, "
				    "'-', '.', '_', '(', ')'; at most 64)\n",
				    esc_buf(ESC_TERMINAL, optarg, strlen(optarg), esc,
				    sizeof esc));
				goto out;
			}
			internet = optarg;
			continue;
		default:
			break;
		}
		if ((c = opts_probe_handle(&o, c, optarg)) == 1)
			continue;
		if (c == 0)
			fprintf(stderr, "Try 'exdns help plan' for more "
			    "information.\n");
		goto out;
	}
	if (output == NULL || *output == '\0') {
		fprintf(stderr, "exdns plan: no plan file given (-o FILE)\n"
		    "Try 'exdns help plan' for more information.\n");
		goto out;
	}
	if (cmd_plan_check_output(output, force) != 0)
		goto out;
	if (opts_probe_finish(&o, argc - optind, argv + optind, true, true)
	    != 0)
		goto out;

	/* The external candidates are asked only when the resolver fails
	 * (the all-domains branch needs them), and the report says so
	 * first: no traffic the admin did not ask for. */
	o.probe.nexternals = 0;
	r = probe_new(&o.probe);
	for (i = 0; i < o.ndomains; i++)
		probe_add_domain(r, o.domains[i]);
	probe_run_all(r);
	if (probe_local_failure(r, stderr)) {
		rc = EXIT_NOPROBE;
		goto out;
	}
	report_text_queue(stdout, r, o.queue);
	if (probe_branch(r) == BRANCH_ALL_DOMAINS && o.nexternals > 0) {
		printf("\nThe resolver fails, so the plan needs working DNS "
		    "servers: asking the %zu external candidate%s (%s) now...\n",
		    o.nexternals, o.nexternals == 1 ? "" : "s", o.external_set ?
		    "--external" : DEFAULT_EXTERNAL_FILE);
		fflush(stdout);
		probe_check_externals(r, o.externals, o.nexternals);
		if (probe_local_failure(r, stderr)) {
			rc = EXIT_NOPROBE;
			goto out;
		}
		report_externals(stdout, r);
	}
	fflush(stdout);

	memset(&meta, 0, sizeof meta);
	meta.transport_servers = servers;
	meta.ntransport = nservers;
	meta.internet_connector = internet;
	meta.now = plan_now();
	meta.queue = o.queue;
	p = plan_from_probe(r, &meta, &notes, &nnotes, err, sizeof err);
	for (i = 0; i < nnotes; i++)
		fprintf(stderr, "exdns: note: %s\n", notes[i]);
	if (p == NULL) {
		fprintf(stderr, "exdns plan: %s; no plan written\n", err);
		rc = EXIT_FAULTS;
		goto out;
	}
	c = plan_save(output, p, force ? PLAN_SAVE_OVERWRITE : 0, err,
	    sizeof err);
	if (c != PLAN_SAVE_OK) {
		fprintf(stderr, "exdns: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	esc_buf(ESC_TERMINAL, output, strlen(output), esc, sizeof esc);
	switch (p->branch) {
	case BRANCH_NO_DNS_FAULT:
		/* The same exit status as `exdns probe` for the same run. */
		rc = report_exit_status(r);
		if (rc == EXIT_NO_FAULT)
			printf("\nPlan written to %s: no DNS fault found, so no "
			    "connectors and nothing to change.\n", esc);
		else
			printf("\nPlan written to %s: no connector and no external "
			    "DNS to set: the faults above are not ones a send "
			    "connector or external DNS servers can fix.\n", esc);
		break;
	case BRANCH_ALL_DOMAINS:
		printf("\nPlan written to %s: external DNS lookups through %zu "
		    "server%s.\n", esc, p->nexternal, p->nexternal == 1 ? "" : "s");
		rc = EXIT_FAULTS;
		break;
	default:
		printf("\nPlan written to %s: %zu connector%s.\n", esc,
		    p->nconnectors, p->nconnectors == 1 ? "" : "s");
		rc = EXIT_FAULTS;
		break;
	}
	if (p->branch != BRANCH_NO_DNS_FAULT)
		printf("Next: exdns emit %s > apply.ps1 (review it, then run it in "
		    "the Exchange Management Shell); re-check later with "
		    "exdns replay %s\n", esc, esc);
out:
	strv_free(notes, nnotes);
	strv_free(servers, nservers);
	plan_free(p);
	if (r != NULL)
		probe_free(r);
	opts_probe_free(&o);
	return rc;
}
