/* dnsq.h - asynchronous DNS queries: ldns encodes the names asked, replies
 * are checked and read in wire form (dnswire.h), our own epoll loop does
 * the I/O (UDP, TCP on truncation, EDNS0), with retries, timeouts, a cap on
 * queries in flight, strict reply matching and politeness: each server has
 * its own queue, a window of queries in flight that adapts (slow start,
 * additive increase, halved on a loss episode), a ceiling, and a send rate
 * that adapts too (AIMD: cut to 0.7 on loss) or is capped. */
#ifndef EXDNS_DNSQ_H
#define EXDNS_DNSQ_H

#include <stdbool.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "addr.h"

typedef enum dnsq_outcome {
	DNSQ_PENDING = 0,
	DNSQ_ANSWER,       /* a matching, parseable reply (any rcode) */
	DNSQ_TIMEOUT,      /* every try timed out (mismatched/malformed replies
	                      may have been seen: see the counters) */
	DNSQ_UNREACHABLE,  /* ICMP port/host unreachable, connection refused */
	DNSQ_NETERR,       /* local error: socket, send */
	DNSQ_CANCELLED
} dnsq_outcome;

const char *dnsq_outcome_to_string(dnsq_outcome o);
/* "A", "AAAA", "MX"... ("TYPE65" for others; static buffer). */
const char *dnsq_type_name(uint16_t qtype);
/* "NOERROR", "SERVFAIL"... ("RCODE12" for others; static buffer). */
const char *dnsq_rcode_name(int rcode);

typedef struct dnsq_opts {
	unsigned timeout_ms;     /* per try */
	unsigned tries;          /* >= 1 */
	unsigned max_inflight;   /* cap on queries (sockets) in flight */
	uint16_t edns_bufsize;   /* 0: no EDNS0 */
	bool loopback_only;      /* refuse non-loopback servers (tests, lab) */
	unsigned server_ceiling; /* default per-server max in flight
	                            (authoritative servers); 0: max_inflight */
	unsigned rate;           /* max queries/s to any one server; 0: found
	                            adaptively */
} dnsq_opts;

/* The outcome of one query, handed to its callback. The reply packet is
 * owned by the engine and freed after the callback returns. */
typedef struct dnsq_result {
	exaddr server;
	const char *qname;       /* as asked, no trailing dot */
	uint16_t qtype;
	bool rd;
	dnsq_outcome outcome;
	int rcode;               /* LDNS_RCODE_*; -1 when no answer */
	const uint8_t *reply;    /* the reply in wire form, well-formed
	                            (dnswire_check): NULL unless outcome ==
	                            DNSQ_ANSWER */
	size_t replylen;
	unsigned tries;          /* packets sent over UDP */
	unsigned ms;             /* from first send to outcome */
	unsigned mismatched;     /* replies dropped: wrong id/question/source */
	unsigned malformed;      /* replies dropped: not parseable */
	bool truncated;          /* UDP reply had TC; TCP was used */
	bool tcp;
	int sys_errno;           /* for UNREACHABLE / NETERR */
	bool reasked;            /* its last try was a low-load re-ask: its
	                            tries timed out while the server showed
	                            signs of overload */
	void *user;              /* the engine's, from dnsq_set_user */
} dnsq_result;

typedef void (*dnsq_cb)(const dnsq_result *res, void *arg);

typedef struct dnsq_engine dnsq_engine;

dnsq_engine *dnsq_new(const dnsq_opts *opts);
/* A pointer handed to every callback in dnsq_result.user, so a caller's
 * per-query argument need not carry its owner. */
void dnsq_set_user(dnsq_engine *e, void *user);
/* Cancels whatever is pending (callbacks run with DNSQ_CANCELLED). */
void dnsq_free(dnsq_engine *e);

/* Queue a query. It starts when its server's window, ceiling and rate and
 * the global cap let it (queries to other servers never wait behind it).
 * qname is copied. Returns 0, or -1 if qname cannot be encoded. */
int dnsq_submit(dnsq_engine *e, const exaddr *server, const char *qname,
                uint16_t qtype, bool rd, dnsq_cb cb, void *arg);
/* The same with CD=1 (checking disabled): a validating resolver answers
 * without validating, which tells a DNSSEC failure from others. */
int dnsq_submit_cd(dnsq_engine *e, const exaddr *server, const char *qname,
                   uint16_t qtype, bool rd, dnsq_cb cb, void *arg);
/* The same without EDNS0 (no OPT record, whatever opts.edns_bufsize): a
 * server that drops or FORMERRs EDNS queries answers it. */
int dnsq_submit_plain(dnsq_engine *e, const exaddr *server, const char *qname,
                      uint16_t qtype, bool rd, dnsq_cb cb, void *arg);

/* Limits for one server (e.g. the site's resolver), before or after its
 * first query: ceiling 0 keeps opts.server_ceiling, rate 0 keeps opts.rate
 * (0 there: adaptive). */
void dnsq_server_limits(dnsq_engine *e, const exaddr *server, unsigned ceiling,
                        unsigned rate);

/* The server is a recursive resolver (the site's, an external one): a
 * late answer is its recursion, no sign of load, so its window stays at
 * its ceiling; its pace starts low and doubles while what was sent is
 * answered in time, and a loss episode (over a quarter of a send slot's
 * tries unanswered after max(300 ms, srtt + 4 rttvar)) settles it under
 * the rate answered just before, while its losses are credible (one query
 * in five that lost tries came back: a resolver whose remote servers drop
 * AAAA never answers those, and then the cut is undone). Once it showed an
 * episode, every query whose tries all timed out is asked again at low
 * load before it counts. */
void dnsq_server_recursive(dnsq_engine *e, const exaddr *server);

/* What one server went through, for the report. */
typedef struct dnsq_server_stats {
	uint64_t queries, sent;      /* queries finished, packets sent */
	unsigned peak_inflight, peak_qps;   /* most in flight at once (tries
	                                       out and not deemed lost: those
	                                       leave window and ceiling); most
	                                       sent in any 1 s window */
	unsigned ceiling, window;    /* configured ceiling; window at the end */
	uint64_t lost_then_answered; /* tries that got no answer in time, their
	                                query answered later */
	uint64_t reasked, reasked_answered; /* final timeouts asked again at low
	                                       load; of those, answered */
	unsigned loss_qps;           /* send rate (q/s) around the first loss
	                                episodes: "starts dropping above N q/s";
	                                0 none */
} dnsq_server_stats;

/* Fills out: 0, or -1 for a server never asked nor limited. */
int dnsq_server_stats_get(const dnsq_engine *e, const exaddr *server,
                          dnsq_server_stats *out);

/* One round of the loop: waits at most timeout_ms (0: poll; -1: until
 * something happens) for replies and timers, runs callbacks. Returns the
 * number of queries still queued or in flight. */
size_t dnsq_step(dnsq_engine *e, int timeout_ms);
/* Runs until nothing is pending. */
void dnsq_run(dnsq_engine *e);
/* Queries queued or in flight; queries completed so far. */
size_t dnsq_pending(const dnsq_engine *e);
size_t dnsq_inflight(const dnsq_engine *e);
uint64_t dnsq_completed(const dnsq_engine *e);

/* The matching rule the engine uses, for tests: does the message reply
 * (len bytes, wire form) answer a query with this id, name (text, escapes
 * allowed), type and class IN? */
bool dnsq_reply_matches(const uint8_t *reply, size_t len, uint16_t id,
                        const char *qname, uint16_t qtype);

#endif
