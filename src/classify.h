/* classify.h - a domain's verdict as a pure function of a small facts
 * structure: what the resolver and each authoritative server said, per
 * question, what this host could reach (the vantage) and the resolver's
 * health. probe.c draws the facts from its evidence; nothing here does I/O
 * or reads the engine, so every row of the verdict table is tested alone
 * (tests/unit/check_classify.c). */
#ifndef EXDNS_CLASSIFY_H
#define EXDNS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "verdict.h"

/* What one question got. */
typedef enum fact {
	FACT_UNASKED = 0,  /* not asked, or no outcome */
	FACT_DATA,         /* NOERROR with records of the type asked */
	FACT_NODATA,       /* NOERROR, none of that type */
	FACT_NXDOMAIN,
	FACT_SERVFAIL,
	FACT_REFUSED,
	FACT_FORMERR,
	FACT_NOTIMP,
	FACT_RCODE,        /* another rcode */
	FACT_BADREPLY,     /* no valid reply, only mismatched or malformed ones */
	FACT_TIMEOUT,      /* no reply at all after every try (the engine asked
	                      again at low load first where it may have caused it) */
	FACT_UNREACHABLE,  /* ICMP unreachable, refused, or a local error */
	FACT_COUNT
} fact;

const char *fact_to_string(fact f);

/* Can this host ask authoritative servers directly? */
typedef enum vantage {
	VANTAGE_UNKNOWN = 0,   /* not found out (the resolver failed) */
	VANTAGE_DIRECT,        /* direct questions are answered */
	VANTAGE_BLOCKED,       /* only the resolver answers: servers that must
	                          answer did not */
	VANTAGE_COUNT
} vantage;

const char *vantage_to_string(vantage v);       /* "reachable"... */
int vantage_from_string(const char *s, vantage *out);

#define CLASSIFY_NOQ UINT32_MAX
/* A reply later than this is slow: many resolvers give a server about a
 * second before they try another or give up. */
#define CLASSIFY_SLOW_MS 1500
/* Exchange gives a DNS server 5 s. */
#define CLASSIFY_EXCHANGE_MS 5000

/* A question's outcome and the caller's handle for it (a query index,
 * handed back as the proof; CLASSIFY_NOQ when not asked). */
typedef struct cf_answer {
	fact f;
	uint32_t q;
} cf_answer;

typedef struct cf_server {     /* asked directly, RD=0 */
	cf_answer a, aaaa;
	unsigned a_ms, aaaa_ms;    /* how long each reply took, when known (an
	                              answer to the first try); else 0 */
	bool lame;                 /* its A reply says it is not authoritative
	                              for the zone the parent says it serves:
	                              REFUSED or NOTAUTH, or no AA (an upward
	                              referral, an answer from a cache) */
	cf_answer a_plain, aaaa_plain;  /* A (or AAAA) again without EDNS,
	                              asked when it timed out or got FORMERR */
	bool a_tcp_failed, aaaa_tcp_failed;  /* its reply was truncated (TC=1)
	                              and over TCP there was none (refused,
	                              reset, stalled): a or aaaa is that */
	bool a_large, aaaa_large;  /* a_plain (aaaa_plain) came truncated,
	                              over 512 bytes, and was answered over
	                              TCP, while the server answers small
	                              questions with EDNS over UDP: what the
	                              question with EDNS lost was its size */
} cf_server;

typedef struct cf_host {
	cf_answer ra, raaaa;       /* through the resolver */
	cf_answer ra_cd;           /* A again with CD=1 after a SERVFAIL */
	const cf_server *srv;      /* the servers of its zone */
	size_t nsrv;
	unsigned nv4;              /* IPv4 addresses learned for it that may
	                              be smart hosts */
	unsigned nbad4;            /* ones that may not (loopback, private,
	                              multicast...: addr_is_smart_host_v4; or
	                              this host's own) */
	unsigned nv6;              /* IPv6 addresses learned for it */
	bool cname;                /* the MX target is an alias */
} cf_host;

typedef struct cf_domain {
	cf_answer mx;              /* MX through the resolver */
	cf_answer mx_cd;           /* MX again with CD=1 after a SERVFAIL */
	cf_answer auth_mx;         /* an authoritative MX answer, or the last
	                              silent one when none answered */
	cf_answer auth_mx_edns;    /* a server's MX question with EDNS that
	                              failed (no reply, FORMERR) ... */
	cf_answer auth_mx_plain;   /* ... and the same without EDNS, answered */
	bool auth_mx_large;        /* that answer as cf_server.a_large */
	bool null_mx;
	bool hosts_known;          /* the MX hosts are known */
	bool zone_found;           /* the domain's own servers were found */
	bool auth_all_lame;        /* every one of them answered its MX
	                              question lame (see cf_server.lame) */
	const cf_host *hosts;
	size_t nhosts;
	/* of the run */
	rstatus resolver;          /* from the canaries' MX */
	bool resolver_aaaa_fails;  /* the canaries' AAAA fail through it too */
	vantage vantage;
	bool tcp_works;            /* a server answered this host over TCP */
	bool large_udp_works;      /* a UDP answer over 512 bytes reached this
	                              host from some server */
} cf_domain;

/* Why, in a few words, for the reason line; what evidence it rests on. */
typedef enum cf_note {
	NOTE_NONE = 0,
	NOTE_AUTH_CORRECT,     /* servers seen answering correctly */
	NOTE_VIA_RESOLVER,     /* the remote servers could not be asked from
	                          this host: judged from the resolver's answers */
	NOTE_SERVERS_SILENT,   /* the remote servers did not answer this host;
	                          judged from the resolver's answers */
	NOTE_RESOLVER_AAAA,    /* the resolver fails AAAA for every name */
	NOTE_NO_SERVERS,       /* no authoritative server could be found */
	NOTE_NO_MX_HOST,       /* no usable MX host */
	NOTE_NO_V4,            /* no MX host has an IPv4 address */
	NOTE_BAD_V4,           /* their IPv4 addresses point back into a site
	                          or nowhere: never a smart host */
	NOTE_SOME_BAD_V4,      /* one MX host's do, the others' do not */
	NOTE_ALL_LAME,         /* every server of a host's zone is lame */
	NOTE_CD_WORKS,         /* SERVFAIL, answered with CD=1 */
	NOTE_EDNS_PLAIN,       /* silent or FORMERR with EDNS, answered
	                          without */
	NOTE_EDNS_RESOLVED,    /* that, and the resolver worked around it */
	NOTE_TCP_REMOTE,       /* truncated, TCP to it fails, others answer,
	                          TCP to other servers works from here */
	NOTE_TCP_HERE,         /* the same, but no TCP works from here */
	NOTE_LARGE_REMOTE,     /* UDP answers over 512 bytes from that
	                          server never arrive; other servers' do */
	NOTE_LARGE_HERE,       /* the same, but none that large reached this
	                          host from any server: maybe this network */
	NOTE_LARGE_RESOLVED,   /* the same as remote, and the resolver got
	                          the answer all the same */
	NOTE_SLOW,             /* a reply after CLASSIFY_SLOW_MS */
	NOTE_SLOW_EXCHANGE,    /* after CLASSIFY_EXCHANGE_MS */
	NOTE_MISSING_MX,       /* inconclusive: the MX is unknown */
	NOTE_MISSING_ADDR,     /* inconclusive: no MX host's address learned */
	NOTE_MISSING_HOST,     /* inconclusive: a host failed through the
	                          resolver and its servers could not be asked */
	NOTE_COUNT
} cf_note;

typedef enum cf_basis {
	BASIS_NONE = 0,        /* the verdict rests on no query's answer */
	BASIS_DIRECT,          /* on what authoritative servers told us */
	BASIS_RESOLVER,        /* on the resolver's answers alone */
	BASIS_COUNT
} cf_basis;

const char *cf_basis_to_string(cf_basis b);    /* "direct", "resolver", "none" */

typedef struct cf_result {
	verdict v;
	uint32_t proof;            /* the q of the answer it rests on, or
	                              CLASSIFY_NOQ */
	cf_note note;
	cf_basis basis;
	size_t host;               /* the host the proof is about, or
	                              (size_t)-1 */
	size_t alias;              /* an MX host that is an alias (the proof's
	                              host if it is one), for a note beside any
	                              verdict; or (size_t)-1 */
} cf_result;

/* The verdict table. Pure: reads f, writes out, nothing else. */
void classify_domain(const cf_domain *f, cf_result *out);

/* The note as a phrase for the reason line ("" for NOTE_NONE). */
const char *cf_note_text(cf_note n);

#endif
