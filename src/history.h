/* history.h - the replay history (exdns replay --history DIR, exdns
 * history DIR): DIR/history.jsonl, one JSON object a line, one line per
 * replay run per connector: when, which plan, which domain, the verdict
 * (still-needed, stale, not-needed, unknown), what the probes saw, and the
 * first evidence line. Each line is appended with one write() to a file
 * opened O_APPEND, so runs at the same time never interleave; every line
 * is validated when read, and a bad one is reported FILE:LINE and
 * skipped. */
#ifndef EXDNS_HISTORY_H
#define EXDNS_HISTORY_H

#include <stdio.h>
#include <time.h>

#include "plan.h"
#include "replay.h"

#define HISTORY_FILE      "history.jsonl"
#define HISTORY_VERSION   1
#define HISTORY_MAX_BYTES (64 * 1024 * 1024)   /* a bigger file is refused */
#define HISTORY_LINE_MAX  4000                 /* bytes a record */

typedef struct history_rec {
	char time[PLAN_TIME_LEN];       /* RFC 3339 UTC */
	char *plan;                     /* the plan file as named to replay */
	char domain[DNAME_MAX];         /* normalised */
	replay_state state;
	verdict verdict;                /* what the probes saw (or the plan's
	                                   when the domain was not probed) */
	char **smart_hosts; size_t nsmart;   /* seen now (IPv4 text) */
	char *evidence;                 /* the first evidence line, or "" */
	unsigned line;                  /* in the file */
} history_rec;

/* One record as a line (no newline; caller frees), or NULL if it cannot
 * be encoded. */
char *history_format(const history_rec *h);
/* Parses one line; 0, or -1 with why (no FILE:LINE) in err. Free with
 * history_rec_clear. */
int history_parse(const char *line, history_rec *out, char *err,
                  size_t errlen);
void history_rec_clear(history_rec *h);

/* Appends one line per connector of rr's plan to DIR/history.jsonl
 * (DIR created 0755 and the file 0644 when missing). plan_name is the plan as given. Returns 0,
 * or -1 with "PATH: ..." in err. */
int history_append(const char *dir, const replay_result *rr,
                   const char *plan_name, time_t now, char *err,
                   size_t errlen);

/* Reads DIR/history.jsonl: the good records in *recs (history_free), each
 * bad line's "FILE:LINE: why" appended to *bad (strv_free). Returns 0, or
 * -1 with "PATH: ..." in err when the file cannot be read at all. */
int history_load(const char *dir, history_rec **recs, size_t *n,
                 char ***bad, size_t *nbad, char *err, size_t errlen);
void history_free(history_rec *recs, size_t n);

/* For each plan and domain, in the order first seen: its runs as
 * changes of state ("since when is it still needed", "when did it go
 * stale") and where it stands now. Every text from the file is escaped. */
void history_print(FILE *out, const history_rec *recs, size_t n);

#endif
