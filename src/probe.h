/* probe.h - the diagnosis: for each domain, MX, the A/AAAA of every MX host
 * through the resolver, the zone and authoritative servers of each MX host,
 * and A/AAAA asked directly of those servers; resolver and external
 * candidates checked with canaries. All steps run at once over one dnsq
 * engine; every query is kept as evidence and verdicts are made from it. */
#ifndef EXDNS_PROBE_H
#define EXDNS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "addr.h"
#include "dnsq.h"
#include "verdict.h"

typedef struct probe_opts {
	exaddr resolver;
	uint16_t auth_port;          /* port for direct authoritative queries */
	dnsq_opts dnsq;
	char **canaries;             /* borrowed */
	size_t ncanaries;
	exaddr *externals;           /* borrowed */
	size_t nexternals;
} probe_opts;

void probe_opts_init(probe_opts *o);   /* defaults from defaults.h */

/* One query and its outcome: the unit of evidence. Queries are shared:
 * the same (server, name, type, rd) is asked once per run. */
/* Kept only for referral questions (NS, not recursive). */
typedef struct probe_referral {
	char *zone;                  /* owner of NS in authority */
	char **ns;                   /* its NS names */
	size_t nns;
	char **glue;                 /* "name address" from additional */
	size_t nglue;
} probe_referral;

typedef struct probe_query {
	exaddr server;
	char *qname;                 /* owned by the run (one copy per name) */
	char **answers;              /* answer RRs of qtype, rdata as text (one
	                                allocation: the array, then the text) */
	char *soa_zone;              /* owner of an SOA in answer/authority */
	probe_referral *ref;         /* NULL unless a referral question */
	/* private */
	struct probe_waiter *waiters;
	struct probe_run *run;
	uint32_t index;
	uint32_t nanswers;
	uint32_t ms;
	uint16_t qtype;
	int16_t rcode;               /* -1 when no reply */
	uint16_t tries, mismatched, malformed;
	uint8_t outcome;             /* dnsq_outcome */
	bool rd, aa, tcp;
} probe_query;

/* "(192.0.2.53): AAAA mail.example.com: no answer, 2 tries, 4000 ms";
 * a domain's reason puts the server's name or "resolver" in front. */
void probe_query_describe(const probe_query *q, char *buf, size_t len);

typedef struct probe_server {
	char *name;                  /* NS host name */
	char *zone;                  /* the zone it serves */
	char addr[ADDR_TEXT_MAX];    /* IP (no port) */
} probe_server;

typedef struct probe_mx {
	char *host;
	unsigned pref;
	char *zone;                  /* zone of host, NULL until known */
	char **v4; size_t nv4;       /* addresses (resolver, else authoritative) */
	char **v6; size_t nv6;
} probe_mx;

typedef struct probe_domain {
	char *name;
	verdict verdict;
	char *reason;                /* one line naming server and query (never NULL) */
	bool implicit_mx;
	probe_mx *mx; size_t nmx;    /* preference order */
	probe_server *servers; size_t nservers;
	size_t *evidence; size_t nevidence;   /* indices into probe_queries() */
	ssize_t proof;               /* the query that proves the verdict, or -1 */
	char **smart_hosts; size_t nsmart;    /* IPv4, MX preference order */
	/* private */
	struct probe_dwork *work;
} probe_domain;

typedef struct probe_resolver_check {
	exaddr addr;
	rstatus status;
	bool usable;
	size_t *evidence; size_t nevidence;
} probe_resolver_check;

typedef struct probe_run probe_run;

probe_run *probe_new(const probe_opts *o);
void probe_free(probe_run *r);
/* Adds a domain (validated, normalised, deduplicated). 0, or -1 if invalid. */
int probe_add_domain(probe_run *r, const char *name);
/* Starts every step that can start. */
void probe_start(probe_run *r);
/* Runs the loop for at most timeout_ms; returns true while work remains.
 * When it returns false the verdicts are final. */
bool probe_step(probe_run *r, int timeout_ms);
/* Start and run to the end. */
void probe_run_all(probe_run *r);
void probe_cancel(probe_run *r);

typedef struct probe_progress {
	size_t domains, domains_done;
	uint64_t queries_done;
	size_t inflight, queued;
	char current[160];           /* "AAAA mail.example.com @ 192.0.2.53" */
} probe_progress;
void probe_get_progress(const probe_run *r, probe_progress *p);

/* Results (valid after probe_step returned false). */
size_t probe_ndomains(const probe_run *r);
probe_domain *probe_domain_at(probe_run *r, size_t i);
size_t probe_nqueries(const probe_run *r);
const probe_query *probe_query_at(const probe_run *r, size_t i);
const probe_resolver_check *probe_resolver(const probe_run *r);
size_t probe_nexternals(const probe_run *r);
const probe_resolver_check *probe_external_at(const probe_run *r, size_t i);
branch probe_branch(const probe_run *r);
const probe_opts *probe_get_opts(const probe_run *r);

#endif
