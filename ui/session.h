/* session.h - the wizard's session on disk: where the walk is, what was
 * typed, what the probes found, so that `exdns --resume` continues after a
 * dropped connection (SIGHUP) or Ctrl-C. Kept in $XDG_STATE_HOME/exdns/
 * (else ~/.local/state/exdns/), mode 0600. No curses. */
#ifndef EXDNS_SESSION_H
#define EXDNS_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "queue.h"
#include "results.h"
#include "wizard.h"

#define SESSION_FORMAT 1
#define SESSION_FILE   "session"

typedef struct session {
	char *step;                          /* tree step name */
	wz_state state;
	char **history; size_t nhistory;     /* step names */
	char **answer_step; int *answer; size_t nanswers;
	bool healthy, unsaved, saved;
	unsigned long row;                   /* the selected results row */
	/* what was typed */
	char *resolver;                      /* ADDR[@PORT] */
	char *domains;                       /* the text field, as typed */
	char *file;                          /* the file field */
	char *plan_path, *servers, *connector;
	/* probe options that are not in the fields */
	unsigned timeout_ms, tries, max_inflight;
	unsigned resolver_inflight, auth_inflight, rate;   /* politeness; 0:
	                                                     not saved */
	unsigned auth_port;
	char **canaries; size_t ncanaries;
	char **externals; size_t nexternals; /* ADDR[@PORT] */
	/* what the probes found (each may be NULL); owned */
	results *check, *domains_res, *external;
	/* the Get-Queue export the domains came from (NULL: none); owned.
	 * Its entries, counts and columns, not its file: --resume brings
	 * them back even when the export is gone. */
	queue *queue;
} session;

/* The folder: $XDG_STATE_HOME/exdns (absolute XDG_STATE_HOME only), else
 * $HOME/.local/state/exdns. -1 when neither can be found. */
int session_dir(char *buf, size_t len);

/* Writes the session atomically into dir (created 0700 if missing), with
 * the plans of the results in files next to it. 0, or -1 with err. */
int session_save(const char *dir, const session *s, char *err, size_t errlen);
/* Reads it back. 0; 1 when there is no session; -1 with "FILE:LINE: ..." in
 * err when it cannot be read. */
int session_load(const char *dir, session *s, char *err, size_t errlen);
/* Removes the session files (after the wizard ended normally). */
void session_remove(const char *dir);
void session_free(session *s);

#endif
