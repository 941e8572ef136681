/* cmd_emit.c - `exdns emit`: a plan as an Exchange Management Shell script
 * that applies it (or, with --undo, removes exactly what it applied). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dname.h"
#include "emit.h"
#include "escape.h"
#include "plan.h"

enum { OPT_UNDO = 2000, OPT_WHATIF, OPT_EXCHANGE };

void
cmd_emit_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns emit [--undo] [--whatif] [--exchange 2010|2013] FILE\n"
	    "Print an Exchange Management Shell script that applies the plan FILE:\n"
	    "a send connector per domain (New-SendConnector) with the Internet send\n"
	    "connector's Fqdn and TLS settings, read when the script runs; for the\n"
	    "external DNS fix, Set-TransportService -ExternalDNSAdapterEnabled $false\n"
	    "-ExternalDNSServers and Set-SendConnector -UseExternalDNSServersEnabled.\n"
	    "Every Exchange cmdlet has -ErrorAction Stop. The script first records the\n"
	    "settings it changes in a state file beside itself (never overwritten),\n"
	    "then reads back what it set and stops if anything differs, then resubmits\n"
	    "the affected queues (Retry-Queue -Resubmit $true). With an EdgeSync\n"
	    "Internet connector it is run in the organization and on each Edge.\n\n"
	    "      --undo               a script that changes back exactly what the\n"
	    "                           apply script recorded in its state file\n"
	    "      --whatif             add -WhatIf to every cmdlet that changes\n"
	    "                           something\n"
	    "      --exchange VERSION   2013 (default; also 2016, 2019, SE) or 2010\n"
	    "                           (Set-TransportServer)\n"
	    "  -h, --help               show this help\n\n"
	    "Every value is checked again and written in single quotes; a plan value\n"
	    "that fails is refused with FILE:LINE and no script is printed.\n"
	    "Exit status: 0 script printed, 2 bad usage or bad plan.\n");
}

int
cmd_emit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"undo", no_argument, NULL, OPT_UNDO},
		{"whatif", no_argument, NULL, OPT_WHATIF},
		{"exchange", required_argument, NULL, OPT_EXCHANGE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	emit_opts eo;
	plan *p;
	char err[1200], esc[64];
	int c;

	emit_opts_init(&eo);
	eo.warn = stderr;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_emit_usage(stdout);
			return 0;
		case OPT_UNDO:
			eo.undo = true;
			break;
		case OPT_WHATIF:
			eo.whatif = true;
			break;
		case OPT_EXCHANGE:
			if (emit_parse_exchange(optarg, &eo.exchange) != 0) {
				fprintf(stderr, "exdns: --exchange: '%s' is not 2010 "
				    "or 2013 (2016, 2019, SE)\n", esc_buf(ESC_TERMINAL, 
				    optarg, strlen(optarg), esc, sizeof esc));
				return EXIT_USAGE;
			}
			break;
		default:
			fprintf(stderr, "Try 'exdns help emit' for more "
			    "information.\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "exdns emit: give exactly one plan FILE\n"
		    "Try 'exdns help emit' for more information.\n");
		return EXIT_USAGE;
	}
	if ((p = plan_load(argv[optind], err, sizeof err)) == NULL) {
		fprintf(stderr, "exdns: %s\n", err);
		return EXIT_USAGE;
	}
	if (emit_script(stdout, p, &eo, err, sizeof err) != 0) {
		fprintf(stderr, "exdns: %s\n", err);
		plan_free(p);
		return EXIT_USAGE;
	}
	plan_free(p);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "exdns: write error on standard output\n");
		return EXIT_USAGE;
	}
	return 0;
}
