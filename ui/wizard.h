/* wizard.h - the wizard's state machine: walks the decision tree, takes
 * events (keys turned into meanings, probes finishing, a save done) and
 * says what the driver must do next (start a probe, write the plan...).
 * No curses and no probing here, so it is tested on its own. */
#ifndef EXDNS_WIZARD_H
#define EXDNS_WIZARD_H

#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

typedef enum wz_state {
	WZ_WELCOME = 0,       /* welcome step */
	WZ_QUESTION,          /* a question step: choice in wizard.choice */
	WZ_CHECKING,          /* check step, probes running */
	WZ_CHECKED,           /* check step, outcome shown */
	WZ_DOMAINS,           /* domains step: text field */
	WZ_PROBING,           /* probe step, probes running */
	WZ_RESULTS,           /* results step: the table */
	WZ_EVIDENCE,          /* results step: one domain's evidence */
	WZ_EXTERNAL_PROBING,  /* external step, probes running */
	WZ_EXTERNAL,          /* external step: candidates to tick */
	WZ_SAVE,              /* save step: the form */
	WZ_CONFIRM,           /* save step: what will be written */
	WZ_DONE,              /* done step */
	WZ_QUIT_ASK,          /* "quit without saving?" over wizard.under */
	WZ_QUIT,              /* the end: leave the program */
	WZ_STATE_COUNT
} wz_state;

typedef enum wz_event {
	WZE_NEXT = 0,         /* Enter: go on */
	WZE_BACK,             /* Esc, Backspace: one step back (cancels probes) */
	WZE_CHOOSE,           /* a digit or arrow on a question: arg = index */
	WZE_OPEN,             /* open the selected row's evidence */
	WZE_SAVE,             /* s: go on to saving */
	WZE_SWITCH,           /* a: results -> the on-resolver-broken step */
	WZE_RUN_DONE,         /* probes finished: arg = 1 healthy (check) or
	                         1 a plan worth saving (probe, external) */
	WZE_SAVED,            /* the plan was written */
	WZE_SAVE_FAILED,      /* writing failed: back to the form */
	WZE_QUIT,             /* q */
	WZE_YES,
	WZE_NO,
	WZE_COUNT
} wz_event;

typedef enum wz_action {
	WZA_NONE = 0,
	WZA_REJECTED,         /* the event means nothing here */
	WZA_START_CHECK,      /* start the resolver check */
	WZA_START_PROBE,      /* start probing the domains */
	WZA_START_EXTERNAL,   /* start the resolver + external candidates run */
	WZA_CANCEL_RUN,       /* cancel the running probes */
	WZA_WRITE_PLAN,       /* write the plan, then send SAVED or SAVE_FAILED */
	WZA_EXIT,             /* leave (cancel whatever runs) */
	WZA_COUNT
} wz_action;

const char *wz_state_to_string(wz_state s);
const char *wz_event_to_string(wz_event e);
const char *wz_action_to_string(wz_action a);
/* 0 and the state, or -1. */
int wz_state_from_string(const char *s, wz_state *out);

typedef struct wizard {
	const tree *tree;          /* borrowed */
	size_t step;               /* current tree step */
	wz_state state;
	wz_state under;            /* the state below WZ_QUIT_ASK */
	size_t *history; size_t nhistory, caphistory;   /* steps to go back to */
	int choice;                /* selected choice on a question */
	int *answers;              /* per step: last choice, -1 none */
	bool healthy;              /* outcome of the last check */
	bool unsaved;              /* a plan from the last run is not saved */
	bool saved;                /* a plan was saved in this session */
} wizard;

/* Starts at the tree's start step. Returns the action entering it needs. */
wz_action wizard_init(wizard *w, const tree *t);
void wizard_free(wizard *w);

/* Feeds one event; returns what the driver must do. */
wz_action wizard_event(wizard *w, wz_event ev, int arg);

/* The step the wizard is on. */
const tree_step *wizard_step(const wizard *w);
/* True while probes of the current step run. */
bool wizard_running(const wizard *w);
/* The stable state a running or transient state falls back to when a
 * session is saved (CHECKING -> the check is re-run on resume, CONFIRM ->
 * SAVE, QUIT_ASK -> what is under it). */
wz_state wizard_resume_state(const wizard *w);

/* Puts the wizard at step (by name) in state with the given history (step
 * names), as a saved session had it. Returns the action that state needs
 * (a running state starts its probes again), or WZA_REJECTED with a message
 * in err when the names do not fit the tree. */
wz_action wizard_restore(wizard *w, const char *step, wz_state state,
                         char *const *history, size_t nhistory,
                         char *err, size_t errlen);

#endif
