/* verdict.h - the verdicts a domain can get, the branch of the run, and the
 * health of a resolver: names, meanings, and what each asks for. */
#ifndef EXDNS_VERDICT_H
#define EXDNS_VERDICT_H

#include <stdbool.h>

typedef enum verdict {
	VERDICT_OK = 0,
	VERDICT_AAAA_DROPPED,
	VERDICT_AAAA_BAD_RESPONSE,
	VERDICT_NXDOMAIN,
	VERDICT_NULL_MX,
	VERDICT_MX_NO_ADDRESS,
	VERDICT_MX_LOOPBACK,       /* MX hosts point back into a site */
	VERDICT_IPV6_ONLY_MX,      /* MX hosts have AAAA, no A */
	VERDICT_MX_CNAME,          /* an MX host is an alias, nothing worse */
	VERDICT_LAME_DELEGATION,   /* a listed server is not authoritative */
	VERDICT_SLOW,              /* servers answer, later than resolvers wait */
	VERDICT_DNSSEC_BOGUS,      /* SERVFAIL; with CD=1 answered */
	VERDICT_EDNS_BROKEN,       /* a server answers only without EDNS */
	VERDICT_TCP_BLOCKED,       /* truncated, and TCP to that server fails */
	VERDICT_LARGE_DROPPED,     /* answers over 512 bytes never arrive over
	                              UDP; small ones and TCP do */
	VERDICT_UNREACHABLE,
	VERDICT_RESOLVER_FAILURE,
	VERDICT_INCONCLUSIVE,      /* the evidence cannot decide */
	VERDICT_COUNT
} verdict;

const char *verdict_to_string(verdict v);        /* "aaaa-dropped" */
int verdict_from_string(const char *s, verdict *out); /* 0 or -1 */
bool verdict_needs_connector(verdict v);
bool verdict_is_fault(verdict v);                /* anything but ok */
const char *verdict_meaning(verdict v);          /* one line for a report */
const char *verdict_advice(verdict v);           /* what to do */

typedef enum branch {
	BRANCH_NO_DNS_FAULT = 0,
	BRANCH_SPECIFIC_DOMAINS,
	BRANCH_ALL_DOMAINS,
	BRANCH_COUNT
} branch;
const char *branch_to_string(branch b);
int branch_from_string(const char *s, branch *out);

typedef enum rstatus {
	RSTATUS_UNKNOWN = 0,   /* not checked */
	RSTATUS_OK,
	RSTATUS_TIMEOUT,
	RSTATUS_SERVFAIL,
	RSTATUS_REFUSED,
	RSTATUS_UNREACHABLE,
	RSTATUS_BROKEN,        /* answers, but wrongly (bad rcode, mismatch) */
	RSTATUS_AAAA_FAILS,    /* answers MX, but fails AAAA for every name */
	RSTATUS_COUNT
} rstatus;
const char *rstatus_to_string(rstatus s);
int rstatus_from_string(const char *s, rstatus *out);   /* 0, or -1 */

/* Why the resolver fails, in the DNS server's terms: a finding with its
 * fix, in Exchange's and the DNS server's words. */
typedef enum rwhy {
	RWHY_NONE = 0,
	RWHY_NOT_RECURSING,    /* REFUSED, or referrals without RA: an ACL */
	RWHY_UPSTREAM,         /* answers locally, internet names time out */
	RWHY_SILENT,           /* answers nothing at all */
	RWHY_DNSSEC_ALL,       /* SERVFAIL for every name, CD=1 answered */
	RWHY_SLOW,             /* answers, later than 1.5 s */
	RWHY_EDNS_DROPPED,     /* queries with EDNS get nothing or FORMERR,
	                          the same without EDNS are answered */
	RWHY_TCP_BLOCKED,      /* a truncated answer, and over TCP none */
	RWHY_LARGE_DROPPED,    /* UDP answers over 512 bytes never arrive;
	                          the same over TCP do */
	RWHY_LARGE_FAILS,      /* it fails questions with large answers
	                          (with and without EDNS), answers small ones */
	RWHY_COUNT
} rwhy;
const char *rwhy_to_string(rwhy w);              /* "not-recursing" */
int rwhy_from_string(const char *s, rwhy *out);  /* 0, or -1 */
const char *rwhy_meaning(rwhy w);
const char *rwhy_fix(rwhy w);

#endif
