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
#include "classify.h"
#include "dnsq.h"
#include "verdict.h"

typedef struct probe_opts {
	exaddr resolver;
	uint16_t auth_port;          /* port for direct authoritative queries */
	dnsq_opts dnsq;              /* server_ceiling: each authoritative
	                                server's */
	unsigned resolver_ceiling;   /* the resolver's and each external
	                                candidate's most in flight */
	char **canaries;             /* borrowed */
	size_t ncanaries;
	exaddr *externals;           /* borrowed */
	size_t nexternals;
} probe_opts;

void probe_opts_init(probe_opts *o);   /* defaults from defaults.h */

/* One query and its outcome: the unit of evidence. Queries are shared:
 * the same (server, name, type, rd) is asked once per run. Kept small
 * (a run of 10,000 domains keeps over 100,000): names are interned, the
 * server is an index, the answers live in the run's arena. */
typedef struct probe_query {
	const char *qname;           /* interned: lives as long as the run */
	const char *soa_zone;        /* owner of an SOA in answer/authority,
	                                or NULL (interned) */
	const char *cname;           /* where the answer's CNAME chain from
	                                qname ends, or NULL (interned) */
	union {
		const char *answers;     /* outcome known: the answer RRs of qtype
		                            as text, nanswers strings back to back;
		                            read with probe_query_answer() */
		struct probe_waiter *waiters;   /* private: while pending */
	} u;
	uint32_t server;             /* read with probe_query_server() */
	uint32_t index;              /* probe_query_at(run, index) is this */
	uint32_t ms;
	uint32_t ref;                /* private: referral index + 1, or 0 */
	uint16_t qtype;
	uint16_t nanswers;
	int16_t rcode;               /* -1 when no reply */
	uint16_t mismatched, malformed;
	uint16_t size;               /* the reply's length in bytes (over TCP
	                                when tcp), 0 when none */
	uint8_t tries;
	uint8_t outcome;             /* dnsq_outcome */
	bool rd, aa;
	bool tcp;                    /* the UDP reply was truncated (TC=1) and
	                                the question was asked over TCP */
	bool cd;                     /* asked with CD=1 (checking disabled) */
	bool plain;                  /* asked without EDNS (a retry) */
	bool ra;                     /* the reply had RA (recursion available) */
} probe_query;

typedef struct probe_run probe_run;

/* The server asked (valid as long as the run). */
const exaddr *probe_query_server(const probe_run *r, const probe_query *q);
/* Answer i (< q->nanswers): "10 mx.example.com" for MX, an address for
 * A/AAAA, a name for NS and SOA. */
const char *probe_query_answer(const probe_query *q, size_t i);
/* "(192.0.2.53): AAAA mail.example.com: no answer, 2 tries, 4000 ms";
 * a domain's reason puts the server's name or "resolver" in front. */
void probe_query_describe(const probe_run *r, const probe_query *q,
                          char *buf, size_t len);

/* Strings in the results below are the run's (interned or in its arena):
 * read them, copy them, never free them. */
typedef struct probe_server {
	const char *name;            /* NS host name */
	const char *zone;            /* the zone it serves */
	const char *addr;            /* IP (no port) */
} probe_server;

typedef struct probe_mx {
	const char *host;
	const char *cname;           /* host is an alias of this name (the
	                                name asked of its zone's servers), or
	                                NULL */
	unsigned pref;
	const char *zone;            /* zone of host, NULL until known */
	const char **v4; size_t nv4; /* addresses (resolver, else authoritative) */
	const char **v6; size_t nv6;
} probe_mx;

typedef struct probe_domain {
	const char *name;
	verdict verdict;
	char *reason;                /* one line naming server and query (never NULL) */
	bool implicit_mx;
	probe_mx *mx; size_t nmx;    /* preference order, at most MAX_MX_HOSTS */
	size_t mx_not_probed;        /* MX hosts beyond that, not probed */
	probe_server *servers; size_t nservers;
	uint32_t *evidence; size_t nevidence; /* indices for probe_query_at() */
	ssize_t proof;               /* the query that proves the verdict, or -1 */
	cf_basis basis;              /* what evidence the verdict rests on */
	const char **smart_hosts; size_t nsmart;  /* IPv4, MX preference order */
	/* private */
	struct probe_dwork *work;
} probe_domain;

typedef struct probe_resolver_check {
	exaddr addr;
	rstatus status;              /* from the canaries' MX and AAAA */
	rwhy why;                    /* why it fails (or is slow) */
	ssize_t why_proof;           /* the query that shows it, or -1 */
	ssize_t why_retry;           /* the same question asked again (without
	                                EDNS), whose outcome completes the
	                                proof; or -1 */
	bool usable;
	unsigned largest_udp;        /* its largest answer over UDP (bytes):
	                                UDP answers over 512 bytes were tested
	                                only when this is larger */
	uint32_t *evidence; size_t nevidence;
} probe_resolver_check;

probe_run *probe_new(const probe_opts *o);
/* True, with a message on err, when this host ran out of open files or
 * memory during the run: queries that could not be sent prove nothing, so
 * the caller gives no verdict (EXIT_NOPROBE). */
bool probe_local_failure(const probe_run *r, FILE *err);
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
/* After the run: checks external candidates with the canaries (as
 * probe_opts.externals would have at the start), runs until they are
 * known. For a caller that asks them only when the resolver fails. */
void probe_check_externals(probe_run *r, const exaddr *ext, size_t n);

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
/* The domain's authoritative server at address ip (text, no port): its
 * name and the zone the parent lists it for; or NULL. */
const probe_server *probe_domain_server(const probe_domain *d,
                                        const char *ip);
size_t probe_nqueries(const probe_run *r);
const probe_query *probe_query_at(const probe_run *r, size_t i);
const probe_resolver_check *probe_resolver(const probe_run *r);
size_t probe_nexternals(const probe_run *r);
const probe_resolver_check *probe_external_at(const probe_run *r, size_t i);
branch probe_branch(const probe_run *r);
const probe_opts *probe_get_opts(const probe_run *r);
/* How hard the run pushed server a (the resolver, a candidate...): 0, or
 * -1 if it was never asked. */
int probe_server_load(const probe_run *r, const exaddr *a,
                      dnsq_server_stats *out);

/* What this host can reach: the canaries' zone servers asked directly
 * (SOA, RD=0), and any direct answer seen in the run. */
typedef struct probe_vantage {
	vantage direct;
	size_t asked, answered;      /* direct vantage questions */
	uint32_t *evidence; size_t nevidence;   /* their queries */
} probe_vantage;
const probe_vantage *probe_get_vantage(const probe_run *r);

#endif
