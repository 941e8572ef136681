/* results.h - what the wizard keeps of a finished probe run: verdicts,
 * evidence as printable lines, resolver and external candidates' health,
 * and the plan built from it. A copy, so it outlives the run and can be
 * saved with the session (session.c) and shown after --resume. No curses.
 * Every string in it is printable ASCII: untrusted DNS text is escaped
 * when the copy is made. */
#ifndef EXDNS_RESULTS_H
#define EXDNS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "plan.h"
#include "probe.h"
#include "verdict.h"

typedef enum results_kind {
	RESULTS_CHECK = 0,      /* resolver + canaries only */
	RESULTS_DOMAINS,        /* domains (and the resolver) */
	RESULTS_EXTERNAL,       /* resolver + external candidates */
	RESULTS_KIND_COUNT
} results_kind;
const char *results_kind_to_string(results_kind k);
int results_kind_from_string(const char *s, results_kind *out);

typedef struct results_server {
	char *addr;                         /* ADDR[@PORT] */
	rstatus status;
	rwhy why;                           /* why it fails, when known */
	bool usable;
	bool selected;                      /* external: ticked for the plan */
	unsigned asked, answered;           /* canaries */
	char **evidence; size_t nevidence;  /* one line a query */
} results_server;

typedef struct results_domain {
	char *name;                         /* normalised host name */
	verdict verdict;
	char *reason;                       /* one line */
	char *brief;                        /* a few words: "AAAA: no answer" */
	char **smart; size_t nsmart;        /* IPv4 smart hosts */
	char **mx; size_t nmx;              /* MX host names */
	char **detail; size_t ndetail;      /* MX hosts with addresses, servers */
	char **evidence; size_t nevidence;  /* the proof first ("* "), then all */
	char *message;                      /* the message for the domain's DNS
	                                       operator (exdns report), or NULL:
	                                       no fault of theirs, or a resumed
	                                       session (not kept in it) */
} results_domain;

typedef struct results {
	results_kind kind;
	results_server resolver;
	results_domain *domains; size_t ndomains;
	results_server *externals; size_t nexternals;
	branch branch;                      /* the run's branch */
	vantage vantage;                    /* could this host ask remote
	                                       servers directly? */
	plan *plan;                         /* NULL when none could be built */
	char *plan_err;                     /* why not (NULL when plan) */
	char **notes; size_t nnotes;        /* remarks from plan_from_probe */
	uint64_t queries;                   /* queries asked */
	unsigned ms;                        /* how long the run took */
} results;

/* Copies a finished run (probe_step returned false). For RESULTS_EXTERNAL
 * the plan is always an all-domains plan with the usable candidates
 * ticked (even when the resolver looks healthy: the administrator said
 * every domain fails). Free with results_free. */
results *results_from_run(probe_run *r, results_kind kind, unsigned ms);
/* The same a slice at a time, so that a terminal stays answered while
 * thousands of domains' evidence is formatted: results_build_step copies
 * for about budget_ms and says whether it is done; results_build_finish
 * (any time: it completes the copy) gives the results and frees the
 * build; results_build_free abandons it. The run must outlive the build. */
typedef struct results_build results_build;
results_build *results_build_new(probe_run *r, results_kind kind, unsigned ms);
bool results_build_step(results_build *b, unsigned budget_ms);
void results_build_progress(const results_build *b, size_t *done,
                            size_t *total);
results *results_build_finish(results_build *b);
void results_build_free(results_build *b);
results *results_new(results_kind kind);   /* empty, for session loading */
void results_free(results *res);

/* Domains whose verdict calls for a connector. */
size_t results_nconnectors(const results *res);
/* Ticked external servers. */
size_t results_nselected(const results *res);
/* "a, b, c" of the ticked servers' addresses (caller frees). */
char *results_selected_text(const results *res, const char *sep);

/* The all-domains plan of an external run, whatever the resolver's
 * health (the administrator said every domain fails), made from the
 * results alone: the servers are the ones ticked when it is saved
 * (results_plan), so it is never written as it is (the session makes it
 * again when it is read). */
plan *results_external_plan(const results *res);

/* The plan to write: a copy of res->plan with the transport server names,
 * the Internet connector name (NULL: none), the creation time and, for an
 * external run, the ticked servers. NULL with a message in err when there
 * is no plan or it is not valid. Caller frees with plan_free. */
plan *results_plan(const results *res, char *const *servers, size_t nservers,
                   const char *connector, time_t now, char *err,
                   size_t errlen);


#endif
