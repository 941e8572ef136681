/* app.h - the wizard program's state shared by the driver (wizard_main.c)
 * and the screens (screen_*.c): the tree, the state machine, options,
 * fields, the running probe and the results. One screen per wizard state;
 * each draws from this and turns keys into wizard events. */
#ifndef EXDNS_APP_H
#define EXDNS_APP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "field.h"
#include "opts.h"
#include "probe.h"
#include "queue.h"
#include "results.h"
#include "tree.h"
#include "wizard.h"

typedef struct app {
	tree *tree;
	wizard wz;
	opts_probe opts;                 /* starting values; resolver edited */
	bool canary_given;               /* --canary (or a resumed session's) */
	char resolver[ADDR_TEXT_MAX];    /* as shown */
	char resolver_source[160];       /* "first nameserver of /etc/resolv.conf" */

	/* welcome */
	bool editing;                    /* the resolver field has the keys */
	field f_resolver;

	/* domains */
	field f_domains, f_file;
	int focus;                       /* 0 domains, 1 file */
	bool pasting;                    /* inside a bracketed paste */
	char **domains; size_t ndomains; /* what the last probe run took */
	queue *queue;                    /* the Get-Queue export they came
	                                    from, or NULL */

	/* a run in progress */
	probe_run *run;
	results_kind run_kind;
	uint64_t run_start;              /* now_ms() at start */
	results_build *build;            /* the run ended: its results being
	                                    copied a slice at a time */
	unsigned run_ms;                 /* how long the run took */

	/* results */
	results *check, *res, *ext;
	size_t row, top;                 /* results table: row is the chosen
	                                    domain, top the first row shown */
	int res_order;                   /* 0 as tested, 1 name, 2 verdict */
	int res_verdict;                 /* only this verdict; -1 all */
	field f_search;                  /* only names holding this text */
	bool searching;                  /* the search field has the keys */
	size_t ev_top;                   /* evidence scroll */
	size_t ext_row;                  /* external candidates */
	size_t ext_top;                  /* their page's scroll: 0 on entry */

	/* save */
	field f_path, f_servers, f_connector;
	int save_focus;                  /* 0 path, 1 servers, 2 connector */
	bool exists;                     /* the plan path exists (confirm) */
	char *preview;                   /* the plan text (confirm) */
	size_t preview_top;
	char saved_path[PATH_MAX];       /* absolute, once saved */

	/* saving the message for a domain's DNS operator (m) */
	bool msg_saving;                 /* the prompt is open */
	field f_msgpath;

	/* overlays and messages */
	bool help;
	size_t help_top;
	char msg[400];
	bool msg_error;

	char session_dir[PATH_MAX];
	bool have_session_dir;
	bool resumed;                    /* started with --resume */
	bool wrote_session;
	bool old_session;                /* a saved session exists (new walk) */
	FILE *log;                       /* $EXDNS_WIZARD_LOG */
} app;

/* Messages on the line above the keys (printable text, kept short). */
void app_msg(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void app_error(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Feeds an event to the wizard and does what it asks (start or cancel
 * probes, write the plan, leave). */
wz_action app_event(app *a, wz_event ev, int arg);
/* Does what an action asks (wizard_init and wizard_restore return one). */
void app_act(app *a, wz_action act);

/* The loop calls this while a run is in progress: a probe step, or once
 * the probes are over a slice of copying their results, about budget_ms
 * either way. When the copy is complete it keeps the results and tells
 * the wizard. */
void app_run_step(app *a, int budget_ms);

/* Fills the placeholders of a tree text; domain is the results row the
 * text is about (SIZE_MAX: none). Caller frees. */
char *app_expand(app *a, const char *text, size_t domain);

/* The results a save would write (the step the save came from). */
const results *app_save_source(const app *a);

/* Domains of the fields, checked: 0, or -1 with the message shown. */
int app_collect_domains(app *a);
/* Validates the save form and makes the preview: 0, or -1 (message). */
int app_prepare_save(app *a);

/* What a plan path names, as the save form says it while it is typed. */
typedef enum app_path_kind {
	APP_PATH_EMPTY,        /* nothing typed */
	APP_PATH_NEW,          /* no such file; its folder exists */
	APP_PATH_EXISTS,       /* a file: replaced only after confirming */
	APP_PATH_IS_FOLDER,    /* a folder: a file name is missing */
	APP_PATH_NO_FOLDER,    /* its folder does not exist (or is no folder) */
} app_path_kind;
/* Looks path up (blanks around it ignored); folder gets the folder it
 * would go in, as typed ("." for none). */
app_path_kind app_path_check(const char *path, char *folder, size_t len);

/* Screens: one per state (see app_screens in screens.c). */
typedef struct screen {
	void (*draw)(app *a);
	bool (*key)(app *a, int key);    /* true: the key was used */
	bool (*typing)(const app *a);    /* a text field has the keys */
} screen;
const screen *app_screen(wz_state s);

#endif
