/* plan.h - the remediation plan (exdns-plan(5), format 1): load with a
 * the one lexer (src/ini.h), validate, write with our own
 * quoting writer, save atomically, build from a probe run, compare. */
#ifndef EXDNS_PLAN_H
#define EXDNS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dname.h"
#include "probe.h"
#include "verdict.h"

#define PLAN_FORMAT        1
#define PLAN_MAX_BYTES     (16 * 1024 * 1024)  /* a bigger file is not a plan */
#define PLAN_LINE_MAX      1000           /* bytes, without the newline */
#define PLAN_TEXT_MAX      512            /* free text (evidence, names) */
#define PLAN_MAX_EVIDENCE  99             /* evidence lines per section */
#define PLAN_MAX_LIST      32             /* items in a list value */
#define PLAN_TIME_LEN      21             /* "2026-11-25T09:30:00Z" + NUL */
#define PLAN_MAX_CHECKED   10000          /* [checked DOMAIN] sections */

/* One [connector DOMAIN] section. The line numbers say where each value
 * came from (0 when the plan was built in memory). */
typedef struct plan_connector {
	char domain[DNAME_MAX];      /* normalised; also the address space */
	char **smart_hosts; size_t nsmart;   /* IPv4 text, in order */
	char **mx; size_t nmx;               /* MX host names (may be empty) */
	verdict verdict;                     /* one that needs a connector */
	char **evidence; size_t nevidence;   /* one line each, printable ASCII */
	unsigned line;                       /* the [connector ...] line */
	unsigned line_smart_hosts, line_mx, line_verdict;
} plan_connector;

/* One [checked DOMAIN] section: a domain probed that needs no connector,
 * kept so that replay re-checks it: every domain of a plan of branch
 * no-dns-fault, and in any branch each domain whose verdict is a fault
 * that no connector fixes (with the evidence that proves it; an ok domain
 * has none, so that a plan of many ok domains stays small). */
typedef struct plan_checked {
	char domain[DNAME_MAX];      /* normalised */
	verdict verdict;             /* then; never one that needs a connector */
	char **evidence; size_t nevidence;   /* as a connector's */
	unsigned line;               /* the [checked ...] line */
} plan_checked;

typedef struct plan {
	int format;                          /* PLAN_FORMAT */
	char created[PLAN_TIME_LEN];         /* RFC 3339 UTC */
	char updated[PLAN_TIME_LEN];         /* "" when never updated */
	branch branch;
	char *resolver;                      /* ADDR[@PORT] */
	char **transport_servers; size_t ntransport;   /* optional */
	char *internet_connector;            /* optional: NULL */
	plan_connector *connectors; size_t nconnectors;
	/* [external-dns]: present exactly when branch is all-domains */
	bool has_external;
	char **external_servers; size_t nexternal;     /* ADDR[@PORT] */
	bool use_external_dns_lookups;
	char **external_evidence; size_t nexternal_evidence;
	plan_checked *checked; size_t nchecked;        /* [checked DOMAIN] */
	size_t capconnectors, capchecked;   /* allocated (may be 0: unknown) */
	/* where it came from, for FILE:LINE messages (NULL: built in memory) */
	char *path;
	unsigned line_plan, line_branch;     /* [plan], branch = */
	unsigned line_resolver, line_transport, line_internet_connector;
	unsigned line_external, line_external_servers;
} plan;

/* An empty plan (format 1, no branch fault). Free with plan_free. */
plan *plan_new(void);
void plan_free(plan *p);
plan *plan_copy(const plan *p);
/* Adds a connector with a copy of domain (not validated here). */
plan_connector *plan_add_connector(plan *p, const char *domain);
/* Adds a [checked] section with a copy of domain (not validated here). */
plan_checked *plan_add_checked(plan *p, const char *domain, verdict v);
/* Removes connector i, keeping the order of the others. */
void plan_remove_connector(plan *p, size_t i);
/* Sets created (or updated) to the time t as RFC 3339 UTC. */
void plan_set_time(char out[PLAN_TIME_LEN], time_t t);
/* True for a time as plans write it: "2026-11-25T09:30:00Z", a real date. */
bool plan_valid_time(const char *s);
/* The time to write into plans: $SOURCE_DATE_EPOCH if set, else now. */
time_t plan_now(void);

/* Reads and validates a plan. Returns the plan, or NULL with
 * "PATH:LINE: what is wrong" in err. The file is only read. */
plan *plan_load(const char *path, char *err, size_t errlen);

/* Checks every rule of exdns-plan(5) on a plan in memory (what the loader
 * checks after parsing, and what the writer checks before writing).
 * Returns 0, or -1 with "PATH:LINE: ..." (or "plan: ...") in err. */
int plan_validate(const plan *p, char *err, size_t errlen);

/* The plan as text, exactly as plan_save writes it (caller frees), or NULL
 * with a message in err if the plan is not valid. */
char *plan_format(const plan *p, char *err, size_t errlen);

/* Saving, through util_atomic_write (src/atomic.h): a crash at any moment
 * leaves the old or the new plan whole; only a regular file is written (a
 * device, FIFO or directory is refused, PLAN_SAVE_ERROR, even with
 * PLAN_SAVE_OVERWRITE); a symbolic link's target is written, the link
 * kept. Without PLAN_SAVE_OVERWRITE an existing path is never replaced
 * (PLAN_SAVE_EXISTS); with it the previous file is kept as PATH.bak
 * first. */
#define PLAN_SAVE_OVERWRITE 1u
enum { PLAN_SAVE_OK = 0, PLAN_SAVE_EXISTS = -2, PLAN_SAVE_ERROR = -1 };
int plan_save(const char *path, const plan *p, unsigned flags,
              char *err, size_t errlen);
/* The same for any text (a report, a message): written and renamed the
 * same atomic way, never replacing path without PLAN_SAVE_OVERWRITE. */
int plan_save_text(const char *path, const char *text, unsigned flags,
                   char *err, size_t errlen);

/* The evidence the plan recorded for domain (its [connector] or [checked]
 * section; none: *n = 0). The lines belong to the plan. */
void plan_recorded_evidence(const plan *p, const char *domain,
                            char *const **ev, size_t *n);

/* Compare two plans as their files would (text of every value, order of
 * connectors and lists); created/updated are ignored when ignore_times. */
bool plan_equal(const plan *a, const plan *b, bool ignore_times);
/* True when two lists of addresses hold the same set. */
bool plan_same_set(char *const *a, size_t na, char *const *b, size_t nb);

/* Names: a transport server (NetBIOS or DNS name: letters, digits, '-',
 * '.', '_', 1..253, starting with a letter or digit) and a send connector
 * (letters, digits, space, '-', '.', '_', '(', ')', 1..64, no leading or
 * trailing space). Anything else is refused so no plan can carry shell
 * syntax. */
bool plan_valid_server_name(const char *s);
bool plan_valid_connector_name(const char *s);

/* Building a plan from a finished probe run. */
typedef struct plan_meta {
	char **transport_servers; size_t ntransport;   /* borrowed */
	const char *internet_connector;                /* NULL: none */
	time_t now;
	const struct queue *queue;     /* borrowed, or NULL: what the queue
	                                  said of each connector's domain
	                                  goes into its evidence */
} plan_meta;
/* Returns the plan, or NULL with the reason in err (e.g. all-domains with
 * no usable external DNS server). Remarks for the user (a domain left out
 * and why) are appended to *notes (free with strv_free). */
plan *plan_from_probe(probe_run *r, const plan_meta *m, char ***notes,
                      size_t *nnotes, char *err, size_t errlen);
/* Evidence lines for a probed domain (the proof first, then every query
 * that failed), at most max. Appended to *out. */
void plan_domain_evidence(probe_run *r, const probe_domain *d, size_t max,
                          char ***out, size_t *n);

#endif
