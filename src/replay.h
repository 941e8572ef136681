/* replay.h - re-checking a saved plan: what the probes see now (an
 * observation, taken from a probe run or built by hand in tests), the
 * judgement of each connector and external DNS server against it, the
 * report (text with a one-line summary, or JSON) and the refreshed plan. */
#ifndef EXDNS_REPLAY_H
#define EXDNS_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"
#include "probe.h"

typedef enum replay_state {
	REPLAY_STILL_NEEDED = 0,  /* the remote DNS still fails; same smart hosts */
	REPLAY_STALE,             /* still fails, but the MX hosts' IPv4 changed */
	REPLAY_NOT_NEEDED,        /* the domain resolves now (or is gone): remove */
	REPLAY_UNKNOWN,           /* could not be judged (no answers) */
	REPLAY_NSTATES
} replay_state;

const char *replay_state_to_string(replay_state s);  /* "still needed" */
const char *replay_state_key(replay_state s);        /* "still-needed" */
int replay_state_from_key(const char *s, replay_state *out);   /* 0 or -1 */

/* What the probes saw for one domain. */
typedef struct replay_seen {
	char *domain;
	verdict verdict;
	char **smart_hosts; size_t nsmart;   /* IPv4, MX preference order */
	char **mx; size_t nmx;
	char **evidence; size_t nevidence;
} replay_seen;

/* What the probes saw for one DNS server (resolver or external). */
typedef struct replay_server {
	char *addr;                          /* ADDR[@PORT] */
	rstatus status;
	bool usable;
} replay_server;

typedef struct replay_obs {
	replay_seen *domains; size_t ndomains;
	replay_server resolver;
	replay_server *externals; size_t nexternals;
	bool anything_answered;              /* any reply at all, from anyone */
} replay_obs;

/* Takes what a finished probe run saw. */
replay_obs *replay_observe(probe_run *r);
void replay_obs_free(replay_obs *o);

typedef struct replay_item {
	size_t connector;                    /* index into the plan */
	replay_state state;
	const replay_seen *seen;             /* NULL if the domain was not probed */
	char note[1024];                     /* one line for people */
} replay_item;

/* A [checked DOMAIN] of the plan (a domain no connector fixed: ok, or a
 * fault such as lame-delegation), asked again. */
typedef struct replay_check {
	size_t index;                        /* into the plan's checked */
	const replay_seen *seen;             /* NULL if it was not probed */
	bool now_failing;                    /* needs a connector now */
	bool changed;                        /* another verdict, still one no
	                                        connector fixes */
} replay_check;

typedef struct replay_ext {
	const char *addr;                    /* the plan's text */
	bool answering;
	rstatus status;
} replay_ext;

typedef struct replay_result {
	const plan *p;                       /* borrowed */
	const replay_obs *obs;               /* borrowed */
	replay_item *items; size_t nitems;   /* one per connector, plan order */
	size_t count[REPLAY_NSTATES];
	replay_ext *ext; size_t next;        /* one per plan external server */
	size_t nanswering;
	const replay_server **extra;         /* answering candidates that are */
	size_t nextra;                       /* not in the plan (--external) */
	replay_check *checks; size_t nchecks;   /* one per [checked] domain */
	size_t nnow_failing;                 /* of those, needing a connector */
	size_t nchanged;                     /* of those, changed otherwise */
	bool resolver_recovered;             /* all-domains: resolver works again */
	bool resolver_failing;               /* other branches: it fails now */
	bool nothing_probed;
	bool needs_change;
	int exit_status;                     /* 0 holds, 1 change, 3 unknown */
} replay_result;

/* Judges a plan against an observation. Both must outlive the result. */
replay_result *replay_judge(const plan *p, const replay_obs *o);
void replay_result_free(replay_result *rr);

/* The last line of the text report, e.g. "exdns replay: plan.ini: 2
 * connectors: 1 still needed, 1 stale; external DNS: 2/2 answering ->
 * needs change". name is escaped. */
void replay_summary(const replay_result *rr, const char *name, char *buf,
                    size_t len);
void replay_print_text(FILE *out, const replay_result *rr, const char *name);
/* Returns 0, or -1 if the document could not be built. */
int replay_print_json(FILE *out, const replay_result *rr, const char *name);

/* The plan refreshed: stale connectors get the new smart hosts, mx and
 * evidence; connectors no longer needed are removed; external servers that
 * stopped answering are dropped (answering candidates added); the branch
 * follows; a [checked] domain whose verdict changed (to one that needs no
 * connector) gets the new verdict and evidence. Returns NULL when nothing would change. Remarks for the user go
 * to *notes. */
plan *replay_updated_plan(const replay_result *rr, time_t now,
                          char ***notes, size_t *nnotes);

#endif
