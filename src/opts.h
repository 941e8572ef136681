/* opts.h - the probe options shared by probe, plan, replay and wizard:
 * --resolver, --auth-port, --timeout, --tries, --canary, --external,
 * --max-inflight, --rate, --resolver-inflight, --auth-inflight, --file,
 * --queue, --skip-bad, --resolv-conf. */
#ifndef EXDNS_OPTS_H
#define EXDNS_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include "domains.h"
#include "probe.h"
#include "queue.h"

enum {
	OPT_RESOLVER = 1000, OPT_AUTH_PORT, OPT_TIMEOUT, OPT_TRIES, OPT_CANARY,
	OPT_EXTERNAL, OPT_MAX_INFLIGHT, OPT_FILE, OPT_RESOLV_CONF, OPT_JSON,
	OPT_RATE, OPT_RESOLVER_INFLIGHT, OPT_AUTH_INFLIGHT,
	OPT_QUEUE, OPT_SKIP_BAD,
	OPT_COMMON_LAST
};

/* Entries for a getopt_long table. */
#define OPTS_PROBE_LONGOPTS \
	{"resolver", required_argument, NULL, OPT_RESOLVER}, \
	{"auth-port", required_argument, NULL, OPT_AUTH_PORT}, \
	{"timeout", required_argument, NULL, OPT_TIMEOUT}, \
	{"tries", required_argument, NULL, OPT_TRIES}, \
	{"canary", required_argument, NULL, OPT_CANARY}, \
	{"external", required_argument, NULL, OPT_EXTERNAL}, \
	{"max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT}, \
	{"rate", required_argument, NULL, OPT_RATE}, \
	{"resolver-inflight", required_argument, NULL, OPT_RESOLVER_INFLIGHT}, \
	{"auth-inflight", required_argument, NULL, OPT_AUTH_INFLIGHT}, \
	{"file", required_argument, NULL, OPT_FILE}, \
	{"queue", required_argument, NULL, OPT_QUEUE}, \
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD}, \
	{"resolv-conf", required_argument, NULL, OPT_RESOLV_CONF}

typedef struct opts_probe {
	probe_opts probe;
	bool resolver_set;
	char *resolv_conf;             /* --resolv-conf */
	char **canaries; size_t ncanaries;
	exaddr *externals; size_t nexternals;
	char **domains; size_t ndomains;   /* from --queue (most messages
	                                      first), --file, arguments, stdin:
	                                      A-labels */
	bool external_set;
	queue *queue;                  /* --queue FILE, or NULL (owned) */
	domains_list given;            /* --file entries, checked */
	bool skip_bad;                 /* --skip-bad: probe the good ones */
} opts_probe;

void opts_probe_init(opts_probe *o);
void opts_probe_free(opts_probe *o);
/* Handles one option of OPTS_PROBE_LONGOPTS. Returns 1 if handled, 0 if
 * not ours, -1 on a bad value (message printed to stderr, naming it). */
int opts_probe_handle(opts_probe *o, int opt, const char *arg);
/* After getopt: collects domain arguments ("-" reads stdin), validates them
 * (every bad entry listed with FILE:LINE and why; any makes it fail unless
 * --skip-bad), puts the queue's domains first, fills defaults (resolver from
 * resolv.conf, canaries and externals from data files when unset).
 * need_domains: at least one domain required. Returns 0 or -1 (printed). */
int opts_probe_finish(opts_probe *o, int argc, char **argv, bool need_domains,
                      bool load_external_defaults);

/* The help lines of OPTS_PROBE_LONGOPTS, for a command's usage. */
/* The engine's options (resolver, timeouts, politeness) for --help. */
void opts_engine_usage(FILE *out);
void opts_probe_usage(FILE *out);

/* For a command that re-probes a plan (replay, report PLAN): the plan's
 * resolver unless --resolver was given; its external servers first, then
 * any --external candidates. Returns 0, or -1 (printed). */
struct plan;
int opts_probe_from_plan(opts_probe *o, const struct plan *p);

#endif
