/* opts.c - the probe options shared by the commands, their checks and
 * defaults (resolver from resolv.conf, canaries and externals from data/). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "opts.h"
#include "plan.h"
#include "resolvconf.h"
#include "util.h"

void
opts_probe_init(opts_probe *o)
{
	memset(o, 0, sizeof *o);
	probe_opts_init(&o->probe);
}

void
opts_probe_free(opts_probe *o)
{
	free(o->resolv_conf);
	strv_free(o->canaries, o->ncanaries);
	free(o->externals);
	strv_free(o->domains, o->ndomains);
	queue_free(o->queue);
	domains_list_free(&o->given);
	memset(o, 0, sizeof *o);
}

static int
opts_number(const char *opt, const char *arg, long min, long max, long *out)
{
	char *end, esc[64];
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "exdns: --%s: '%s' is not a number from %ld to %ld\n",
		    opt, esc_buf(ESC_TERMINAL, arg, strlen(arg), esc, sizeof esc), min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
opts_add_external(opts_probe *o, const char *text)
{
	char **parts = NULL, err[160];
	size_t n = 0, i;
	int rc = 0;

	list_split(text, &parts, &n);
	for (i = 0; i < n; i++) {
		exaddr a;
		if (addr_parse(parts[i], DEFAULT_DNS_PORT, &a, err, sizeof err) != 0) {
			fprintf(stderr, "exdns: --external: %s\n", err);
			rc = -1;
			break;
		}
		o->externals = xrealloc(o->externals, (o->nexternals + 1) * sizeof *o->externals);
		o->externals[o->nexternals++] = a;
	}
	strv_free(parts, n);
	return rc;
}

static int
opts_add_canaries(opts_probe *o, char **list, size_t n, const char *where)
{
	size_t i;
	char norm[DNAME_MAX], esc[128];

	for (i = 0; i < n; i++) {
		if (dname_normalize(list[i], norm) != 0) {
			fprintf(stderr, "exdns: %s: '%s' is not a valid domain name\n", where,
			    esc_buf(ESC_TERMINAL, list[i], strlen(list[i]), esc, sizeof esc));
			return -1;
		}
		strv_push(&o->canaries, &o->ncanaries, norm);
	}
	return 0;
}

int
opts_probe_handle(opts_probe *o, int opt, const char *arg)
{
	char err[200];
	long v;
	char **list = NULL;
	size_t n = 0;
	int rc;

	switch (opt) {
	case OPT_RESOLVER:
		if (addr_parse(arg, DEFAULT_DNS_PORT, &o->probe.resolver, err, sizeof err) != 0) {
			fprintf(stderr, "exdns: --resolver: %s\n", err);
			return -1;
		}
		o->resolver_set = true;
		return 1;
	case OPT_AUTH_PORT:
		if (opts_number("auth-port", arg, 1, 65535, &v) != 0)
			return -1;
		o->probe.auth_port = (uint16_t)v;
		return 1;
	case OPT_TIMEOUT:
		if (opts_number("timeout", arg, 1, 60000, &v) != 0)
			return -1;
		o->probe.dnsq.timeout_ms = (unsigned)v;
		return 1;
	case OPT_TRIES:
		if (opts_number("tries", arg, 1, 10, &v) != 0)
			return -1;
		o->probe.dnsq.tries = (unsigned)v;
		return 1;
	case OPT_MAX_INFLIGHT:
		if (opts_number("max-inflight", arg, 1, 10000, &v) != 0)
			return -1;
		o->probe.dnsq.max_inflight = (unsigned)v;
		return 1;
	case OPT_RATE:
		if (opts_number("rate", arg, 0, 1000000, &v) != 0)
			return -1;
		o->probe.dnsq.rate = (unsigned)v;
		return 1;
	case OPT_RESOLVER_INFLIGHT:
		if (opts_number("resolver-inflight", arg, 1, 10000, &v) != 0)
			return -1;
		o->probe.resolver_ceiling = (unsigned)v;
		return 1;
	case OPT_AUTH_INFLIGHT:
		if (opts_number("auth-inflight", arg, 1, 10000, &v) != 0)
			return -1;
		o->probe.dnsq.server_ceiling = (unsigned)v;
		return 1;
	case OPT_CANARY:
		list_split(arg, &list, &n);
		rc = opts_add_canaries(o, list, n, "--canary");
		strv_free(list, n);
		return rc == 0 ? 1 : -1;
	case OPT_EXTERNAL:
		o->external_set = true;
		return opts_add_external(o, arg) == 0 ? 1 : -1;
	case OPT_FILE:
		if (domains_read_file(&o->given, arg, err, sizeof err) != 0) {
			fprintf(stderr, "exdns: --file: %s\n", err);
			return -1;
		}
		return 1;
	case OPT_QUEUE:
		if (o->queue != NULL) {
			fprintf(stderr, "exdns: --queue: one queue file at a time\n");
			return -1;
		}
		if ((o->queue = queue_read(arg, err, sizeof err)) == NULL) {
			fprintf(stderr, "exdns: --queue: %s\n", err);
			return -1;
		}
		return 1;
	case OPT_SKIP_BAD:
		o->skip_bad = true;
		return 1;
	case OPT_RESOLV_CONF:
		free(o->resolv_conf);
		o->resolv_conf = xstrdup(arg);
		return 1;
	default:
		return 0;
	}
}

/* Reads a list from data/, validated by add; a missing file is an error
 * naming it. */
static int
opts_data_list(const char *file, char ***out, size_t *n)
{
	char path[4096], err[600];

	data_path(file, path, sizeof path);
	if (list_read_file(path, out, n, err, sizeof err) != 0) {
		fprintf(stderr, "exdns: %s\n", err);
		return -1;
	}
	return 0;
}

int
opts_probe_finish(opts_probe *o, int argc, char **argv, bool need_domains,
                  bool load_external_defaults)
{
	char err[600];
	char **list = NULL;
	size_t n = 0, i, nbad;
	int rc = 0;

	/* Domains a caller put in o->domains before are checked the same. */
	for (i = 0; i < o->ndomains; i++)
		domains_add(&o->given, o->domains[i], NULL);
	for (i = 0; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (domains_read_file(&o->given, "-", err, sizeof err) != 0) {
				fprintf(stderr, "exdns: %s\n", err);
				return -1;
			}
		} else
			domains_add(&o->given, argv[i], NULL);
	}
	/* Every domain is checked before anything is asked; every bad one
	 * is listed. The queue's come first: most messages first. */
	nbad = o->given.nerrors + (o->queue ? o->queue->nerrors : 0);
	for (i = 0; o->queue != NULL && i < o->queue->nerrors; i++)
		fprintf(stderr, "exdns: %s\n", o->queue->errors[i]);
	for (i = 0; i < o->given.nerrors; i++)
		fprintf(stderr, "exdns: %s\n", o->given.errors[i]);
	if (nbad > 0 && !o->skip_bad) {
		fprintf(stderr, "exdns: %zu bad entr%s; nothing probed (--skip-bad "
		    "probes the others)\n", nbad, nbad == 1 ? "y" : "ies");
		return -1;
	}
	if (nbad > 0)
		fprintf(stderr, "exdns: %zu bad entr%s skipped (--skip-bad)\n",
		    nbad, nbad == 1 ? "y" : "ies");
	strv_free(o->domains, o->ndomains);
	o->domains = NULL;
	o->ndomains = 0;
	for (i = 0; o->queue != NULL && i < o->queue->n; i++)
		strv_push(&o->domains, &o->ndomains, o->queue->entries[i].domain);
	for (i = 0; i < o->given.n; i++)
		strv_push(&o->domains, &o->ndomains, o->given.names[i]);
	if (o->ndomains > MAX_DOMAINS) {
		fprintf(stderr, "exdns: too many domains (at most %d)\n", MAX_DOMAINS);
		return -1;
	}
	if (need_domains && o->ndomains == 0) {
		fprintf(stderr, "exdns: no domain given (arguments, --file FILE, "
		    "--queue FILE, or - for standard input)%s\n", o->queue ?
		    "; the queue file has no failing external queue" : "");
		return -1;
	}
	if (!o->resolver_set) {
		const char *path = o->resolv_conf ? o->resolv_conf : resolvconf_path();
		if (resolvconf_first(path, &o->probe.resolver, err, sizeof err) != 0) {
			fprintf(stderr, "exdns: %s (use --resolver ADDR)\n", err);
			return -1;
		}
	}
	if (o->ncanaries == 0) {
		if (opts_data_list(DEFAULT_CANARY_FILE, &list, &n) != 0)
			return -1;
		rc = opts_add_canaries(o, list, n, DEFAULT_CANARY_FILE);
		strv_free(list, n);
		if (rc != 0)
			return -1;
	}
	if (!o->external_set && load_external_defaults) {
		list = NULL;
		n = 0;
		if (opts_data_list(DEFAULT_EXTERNAL_FILE, &list, &n) != 0)
			return -1;
		for (i = 0; i < n && rc == 0; i++)
			rc = opts_add_external(o, list[i]);
		strv_free(list, n);
		if (rc != 0)
			return -1;
	}
	o->probe.canaries = o->canaries;
	o->probe.ncanaries = o->ncanaries;
	o->probe.externals = o->externals;
	o->probe.nexternals = o->nexternals;
	return 0;
}

/* See opts.h. */
int
opts_probe_from_plan(opts_probe *o, const plan *p)
{
	exaddr *all = NULL;
	size_t n = 0, i, j;
	char err[200];

	if (!o->resolver_set) {
		if (addr_parse(p->resolver, DEFAULT_DNS_PORT, &o->probe.resolver,
		    err, sizeof err) != 0) {
			fprintf(stderr, "exdns: %s\n", err);
			return -1;
		}
		o->resolver_set = true;
	}
	if (p->has_external)
		all = xcalloc(p->nexternal + o->nexternals + 1, sizeof *all);
	else
		return 0;
	for (i = 0; i < p->nexternal; i++) {
		if (addr_parse(p->external_servers[i], DEFAULT_DNS_PORT, &all[n],
		    err, sizeof err) != 0) {
			fprintf(stderr, "exdns: %s\n", err);
			free(all);
			return -1;
		}
		n++;
	}
	for (i = 0; i < o->nexternals; i++) {
		bool dup = false;
		for (j = 0; j < n; j++)
			dup |= addr_equal(&all[j], &o->externals[i]);
		if (!dup)
			all[n++] = o->externals[i];
	}
	free(o->externals);
	o->externals = all;
	o->nexternals = n;
	o->external_set = true;
	return 0;
}

/* The engine's options, the same for every command that probes. */
void
opts_engine_usage(FILE *out)
{
	fputs(
	    "  --resolver ADDR[@PORT]   resolver to test (default: first nameserver\n"
	    "                           of /etc/resolv.conf, or of $EXDNS_RESOLV_CONF)\n"
	    "  --resolv-conf FILE       read the default resolver from FILE\n"
	    "  --auth-port PORT         port for direct authoritative queries (53)\n"
	    "  --timeout MS             time to wait for each try (2000)\n"
	    "  --tries N                tries per query over UDP (2)\n"
	    "  --max-inflight N         queries in flight at once (4096)\n"
	    "  --resolver-inflight N    most in flight to the resolver (256)\n"
	    "  --auth-inflight N        most in flight to each authoritative server (16)\n"
	    "  --rate N                 most queries/s to any one server (0: adaptive)\n", out);
}

void
opts_probe_usage(FILE *out)
{
	opts_engine_usage(out);
	fprintf(out,
	    "  --canary DOMAIN          domain the resolver must answer (repeatable;\n"
	    "                           default: the list in canaries.txt)\n"
	    "  --external ADDR[@PORT],...  candidate external DNS servers to check\n"
	    "  --file FILE              read domains from FILE ('-': standard input)\n"
	    "  --queue FILE             the Exchange queue as exported (Get-Queue |\n"
	    "                           Export-Csv, Format-List, the table, or\n"
	    "                           Select-Object NextHopDomain): its failing\n"
	    "                           external queues, most messages first\n"
	    "  --skip-bad               probe the good domains when some are bad\n"
	    "                           (default: list every bad one, probe none)\n");
}
