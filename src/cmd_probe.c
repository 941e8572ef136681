/* cmd_probe.c - `exdns probe`: diagnose domains, print verdicts and evidence. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dname.h"
#include "opts.h"
#include "report.h"

void
cmd_probe_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns probe [OPTION]... DOMAIN...\n"
	    "Diagnose \"451 4.4.0 DNS query failed\" for each DOMAIN: its MX, the A and\n"
	    "AAAA records of every MX host through the resolver, and the same asked\n"
	    "directly of the authoritative servers; print a verdict and its evidence.\n"
	    "Domains also come from --file FILE, --queue FILE, or standard input\n"
	    "with '-'.\n\n");
	opts_probe_usage(out);
	fprintf(out,
	    "  --json                   print one JSON document\n"
	    "  -h, --help               show this help\n\n"
	    "Verdicts: ok, aaaa-dropped, aaaa-bad-response, dnssec-bogus,\n"
	    "edns-broken, large-answer-dropped (these five need a connector),\n"
	    "nxdomain, null-mx,\n"
	    "mx-no-address, mx-loopback, ipv6-only-mx, mx-cname, lame-delegation,\n"
	    "slow, tcp-blocked, unreachable, resolver-failure, inconclusive.\n"
	    "Exit status: 0 no DNS fault, 1 faults found, 2 bad usage or input.\n");
}

int
cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		OPTS_PROBE_LONGOPTS,
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	opts_probe o;
	probe_run *r;
	bool json = false;
	int c, rc;
	size_t i;

	opts_probe_init(&o);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			cmd_probe_usage(stdout);
			opts_probe_free(&o);
			return 0;
		}
		if (c == OPT_JSON) {
			json = true;
			continue;
		}
		rc = opts_probe_handle(&o, c, optarg);
		if (rc == 1)
			continue;
		if (rc == 0)
			fprintf(stderr, "Try 'exdns help probe' for more information.\n");
		opts_probe_free(&o);
		return EXIT_USAGE;
	}
	if (opts_probe_finish(&o, argc - optind, argv + optind, true,
	    o.external_set) != 0) {
		opts_probe_free(&o);
		return EXIT_USAGE;
	}
	r = probe_new(&o.probe);
	for (i = 0; i < o.ndomains; i++)
		probe_add_domain(r, o.domains[i]);
	probe_run_all(r);
	if (probe_local_failure(r, stderr)) {
		probe_free(r);
		opts_probe_free(&o);
		return EXIT_NOPROBE;
	}
	if (json)
		report_json_queue(stdout, r, o.queue);
	else
		report_text_queue(stdout, r, o.queue);
	rc = report_exit_status(r);
	probe_free(r);
	opts_probe_free(&o);
	return rc;
}
