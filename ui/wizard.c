/* wizard.c - the wizard's state machine over the decision tree: one
 * function per state takes the events that state knows. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "escape.h"
#include "util.h"
#include "wizard.h"

static const char *const state_names[WZ_STATE_COUNT] = {
	[WZ_WELCOME] = "welcome",
	[WZ_QUESTION] = "question",
	[WZ_CHECKING] = "checking",
	[WZ_CHECKED] = "checked",
	[WZ_DOMAINS] = "domains",
	[WZ_PROBING] = "probing",
	[WZ_RESULTS] = "results",
	[WZ_EVIDENCE] = "evidence",
	[WZ_EXTERNAL_PROBING] = "external-probing",
	[WZ_EXTERNAL] = "external",
	[WZ_SAVE] = "save",
	[WZ_CONFIRM] = "confirm",
	[WZ_DONE] = "done",
	[WZ_QUIT_ASK] = "quit-ask",
	[WZ_QUIT] = "quit",
};

static const char *const event_names[WZE_COUNT] = {
	[WZE_NEXT] = "next",
	[WZE_BACK] = "back",
	[WZE_CHOOSE] = "choose",
	[WZE_OPEN] = "open",
	[WZE_SAVE] = "save",
	[WZE_SWITCH] = "switch",
	[WZE_RUN_DONE] = "run-done",
	[WZE_SAVED] = "saved",
	[WZE_SAVE_FAILED] = "save-failed",
	[WZE_QUIT] = "quit",
	[WZE_YES] = "yes",
	[WZE_NO] = "no",
};

static const char *const action_names[WZA_COUNT] = {
	[WZA_NONE] = "none",
	[WZA_REJECTED] = "rejected",
	[WZA_START_CHECK] = "start-check",
	[WZA_START_PROBE] = "start-probe",
	[WZA_START_EXTERNAL] = "start-external",
	[WZA_CANCEL_RUN] = "cancel-run",
	[WZA_WRITE_PLAN] = "write-plan",
	[WZA_EXIT] = "exit",
};

const char *
wz_state_to_string(wz_state s)
{
	return (unsigned)s < WZ_STATE_COUNT ? state_names[s] : "unknown";
}

const char *
wz_event_to_string(wz_event e)
{
	return (unsigned)e < WZE_COUNT ? event_names[e] : "unknown";
}

const char *
wz_action_to_string(wz_action a)
{
	return (unsigned)a < WZA_COUNT ? action_names[a] : "unknown";
}

int
wz_state_from_string(const char *s, wz_state *out)
{
	unsigned i;

	for (i = 0; i < WZ_STATE_COUNT; i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (wz_state)i;
			return 0;
		}
	return -1;
}

const tree_step *
wizard_step(const wizard *w)
{
	return &w->tree->steps[w->step];
}

bool
wizard_running(const wizard *w)
{
	wz_state s = w->state == WZ_QUIT_ASK ? w->under : w->state;

	return s == WZ_CHECKING || s == WZ_PROBING || s == WZ_EXTERNAL_PROBING;
}

/* The state a step starts in when entered going forward, and the action. */
static wz_action
wizard_enter(wizard *w, size_t step)
{
	const tree_step *s = &w->tree->steps[step];

	w->step = step;
	switch (s->kind) {
	case TREE_WELCOME:
		w->state = WZ_WELCOME;
		return WZA_NONE;
	case TREE_QUESTION:
		w->state = WZ_QUESTION;
		w->choice = w->answers[step] >= 0 ? w->answers[step] : 0;
		return WZA_NONE;
	case TREE_CHECK:
		w->state = WZ_CHECKING;
		return WZA_START_CHECK;
	case TREE_DOMAINS:
		w->state = WZ_DOMAINS;
		return WZA_NONE;
	case TREE_PROBE:
		w->state = WZ_PROBING;
		return WZA_START_PROBE;
	case TREE_RESULTS:
		w->state = WZ_RESULTS;
		return WZA_NONE;
	case TREE_EXTERNAL:
		w->state = WZ_EXTERNAL_PROBING;
		return WZA_START_EXTERNAL;
	case TREE_SAVE:
		w->state = WZ_SAVE;
		return WZA_NONE;
	case TREE_DONE:
	default:
		w->state = WZ_DONE;
		return WZA_NONE;
	}
}

/* The state a step shows when come back to: its results are still there,
 * so nothing runs again. A probe step is never gone back to (it is not
 * kept in the history). */
static void
wizard_return(wizard *w, size_t step)
{
	const tree_step *s = &w->tree->steps[step];

	w->step = step;
	switch (s->kind) {
	case TREE_CHECK: w->state = WZ_CHECKED; break;
	case TREE_EXTERNAL: w->state = WZ_EXTERNAL; break;
	case TREE_QUESTION:
		w->state = WZ_QUESTION;
		w->choice = w->answers[step] >= 0 ? w->answers[step] : 0;
		break;
	default:
		wizard_enter(w, step);
		break;
	}
}

/* Forward to step `to`; the current step is kept for going back unless it
 * only ran probes. */
static wz_action
wizard_forward(wizard *w, size_t to)
{
	if (to == TREE_NONE)
		return WZA_REJECTED;
	if (wizard_step(w)->kind != TREE_PROBE) {
		w->history = xgrow(w->history, sizeof *w->history, &w->caphistory,
		    w->nhistory + 1);
		w->history[w->nhistory++] = w->step;
	}
	return wizard_enter(w, to);
}

static wz_action
wizard_back(wizard *w)
{
	if (w->nhistory == 0)
		return WZA_REJECTED;
	wizard_return(w, w->history[--w->nhistory]);
	return WZA_NONE;
}

static wz_action
wizard_quit(wizard *w)
{
	if (w->unsaved) {
		w->under = w->state;
		w->state = WZ_QUIT_ASK;
		return WZA_NONE;
	}
	w->state = WZ_QUIT;
	return WZA_EXIT;
}

wz_action
wizard_init(wizard *w, const tree *t)
{
	size_t i;

	memset(w, 0, sizeof *w);
	w->tree = t;
	w->answers = xmalloc(t->nsteps * sizeof *w->answers);
	for (i = 0; i < t->nsteps; i++)
		w->answers[i] = -1;
	return wizard_enter(w, t->start);
}

void
wizard_free(wizard *w)
{
	free(w->history);
	free(w->answers);
	memset(w, 0, sizeof *w);
}

static wz_action
wizard_event_in(wizard *w, wz_event ev, int arg)
{
	const tree_step *s = wizard_step(w);

	if (ev == WZE_QUIT && w->state != WZ_QUIT_ASK && w->state != WZ_QUIT)
		return wizard_quit(w);

	switch (w->state) {
	case WZ_WELCOME:
		if (ev == WZE_NEXT)
			return wizard_forward(w, s->next);
		if (ev == WZE_BACK)
			return WZA_REJECTED;            /* nothing before it */
		break;

	case WZ_QUESTION:
		if (ev == WZE_CHOOSE) {
			if (arg < 0 || (size_t)arg >= s->nchoices)
				return WZA_REJECTED;
			w->choice = arg;
			return WZA_NONE;
		}
		if (ev == WZE_NEXT) {
			w->answers[w->step] = w->choice;
			return wizard_forward(w, s->choices[w->choice].next);
		}
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_CHECKING:
		if (ev == WZE_RUN_DONE) {
			w->healthy = arg != 0;
			w->state = WZ_CHECKED;
			return WZA_NONE;
		}
		if (ev == WZE_BACK) {
			wizard_back(w);
			return WZA_CANCEL_RUN;
		}
		break;

	case WZ_CHECKED:
		if (ev == WZE_NEXT)
			return wizard_forward(w, w->healthy ? s->on_healthy :
			    s->on_broken);
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_DOMAINS:
		if (ev == WZE_NEXT)
			return wizard_forward(w, s->next);
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_PROBING:
		if (ev == WZE_RUN_DONE) {
			w->unsaved = arg != 0;
			return wizard_forward(w, s->next);
		}
		if (ev == WZE_BACK) {
			wizard_back(w);
			return WZA_CANCEL_RUN;
		}
		break;

	case WZ_RESULTS:
		if (ev == WZE_OPEN || ev == WZE_NEXT) {
			w->state = WZ_EVIDENCE;
			return WZA_NONE;
		}
		if (ev == WZE_SAVE)
			return wizard_forward(w, s->next);
		if (ev == WZE_SWITCH)
			return wizard_forward(w, s->on_resolver_broken);
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_EVIDENCE:
		if (ev == WZE_BACK) {
			w->state = WZ_RESULTS;
			return WZA_NONE;
		}
		if (ev == WZE_SAVE)
			return wizard_forward(w, s->next);
		break;

	case WZ_EXTERNAL_PROBING:
		if (ev == WZE_RUN_DONE) {
			w->unsaved = arg != 0;
			w->state = WZ_EXTERNAL;
			return WZA_NONE;
		}
		if (ev == WZE_BACK) {
			wizard_back(w);
			return WZA_CANCEL_RUN;
		}
		break;

	case WZ_EXTERNAL:
		if (ev == WZE_NEXT || ev == WZE_SAVE)
			return wizard_forward(w, s->next);
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_SAVE:
		if (ev == WZE_NEXT) {
			w->state = WZ_CONFIRM;
			return WZA_NONE;
		}
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_CONFIRM:
		if (ev == WZE_NEXT || ev == WZE_YES)
			return WZA_WRITE_PLAN;
		if (ev == WZE_BACK || ev == WZE_NO || ev == WZE_SAVE_FAILED) {
			w->state = WZ_SAVE;
			return WZA_NONE;
		}
		if (ev == WZE_SAVED) {
			w->unsaved = false;
			w->saved = true;
			return wizard_forward(w, s->next);
		}
		break;

	case WZ_DONE:
		if (ev == WZE_NEXT) {
			w->state = WZ_QUIT;
			return WZA_EXIT;
		}
		if (ev == WZE_BACK)
			return wizard_back(w);
		break;

	case WZ_QUIT_ASK:
		if (ev == WZE_YES || ev == WZE_QUIT) {
			w->state = WZ_QUIT;
			return WZA_EXIT;
		}
		if (ev == WZE_NO || ev == WZE_BACK) {
			w->state = w->under;
			return WZA_NONE;
		}
		if (ev == WZE_RUN_DONE || ev == WZE_SAVED ||
		    ev == WZE_SAVE_FAILED) {
			/* Something finished under the question: apply it there. */
			wz_action a;
			w->state = w->under;
			a = wizard_event_in(w, ev, arg);
			w->under = w->state;
			if (w->state == WZ_QUIT)
				return a;
			w->state = WZ_QUIT_ASK;
			return a;
		}
		break;

	case WZ_QUIT:
		return WZA_EXIT;

	default:
		break;
	}
	return WZA_REJECTED;
}

wz_action
wizard_event(wizard *w, wz_event ev, int arg)
{
	return wizard_event_in(w, ev, arg);
}

wz_state
wizard_resume_state(const wizard *w)
{
	wz_state s = w->state == WZ_QUIT_ASK ? w->under : w->state;

	switch (s) {
	case WZ_CONFIRM: return WZ_SAVE;
	case WZ_QUIT: return WZ_DONE;
	default: return s;
	}
}

wz_action
wizard_restore(wizard *w, const char *step, wz_state state,
               char *const *history, size_t nhistory, char *err,
               size_t errlen)
{
	size_t i, idx, *hist;
	tree_kind want;
	char esc[200];

	/* The names come from a file: escaped for the terminal. */
	idx = tree_find(w->tree, step);
	if (idx == TREE_NONE) {
		snprintf(err, errlen, "the saved step '%s' is not in the "
		    "decision tree", esc_buf(ESC_TERMINAL, step,
		    strnlen(step, 40), esc, sizeof esc));
		return WZA_REJECTED;
	}
	switch (state) {
	case WZ_WELCOME: want = TREE_WELCOME; break;
	case WZ_QUESTION: want = TREE_QUESTION; break;
	case WZ_CHECKING: case WZ_CHECKED: want = TREE_CHECK; break;
	case WZ_DOMAINS: want = TREE_DOMAINS; break;
	case WZ_PROBING: want = TREE_PROBE; break;
	case WZ_RESULTS: case WZ_EVIDENCE: want = TREE_RESULTS; break;
	case WZ_EXTERNAL_PROBING: case WZ_EXTERNAL: want = TREE_EXTERNAL; break;
	case WZ_SAVE: case WZ_CONFIRM: want = TREE_SAVE; break;
	case WZ_DONE: want = TREE_DONE; break;
	default:
		snprintf(err, errlen, "a session cannot be resumed in state %s",
		    wz_state_to_string(state));
		return WZA_REJECTED;
	}
	if (w->tree->steps[idx].kind != want) {
		snprintf(err, errlen, "the saved step '%s' is a %s step, not "
		    "one for state %s", esc_buf(ESC_TERMINAL, step,
		    strnlen(step, 40), esc, sizeof esc),
		    tree_kind_to_string(w->tree->steps[idx].kind),
		    wz_state_to_string(state));
		return WZA_REJECTED;
	}
	hist = xmalloc((nhistory ? nhistory : 1) * sizeof *hist);
	for (i = 0; i < nhistory; i++) {
		hist[i] = tree_find(w->tree, history[i]);
		if (hist[i] == TREE_NONE ||
		    w->tree->steps[hist[i]].kind == TREE_PROBE) {
			snprintf(err, errlen, "the saved history names '%s', "
			    "not a step to go back to", esc_buf(ESC_TERMINAL,
			    history[i], strnlen(history[i], 40), esc, sizeof esc));
			free(hist);
			return WZA_REJECTED;
		}
	}
	free(w->history);
	w->history = hist;
	w->nhistory = w->caphistory = nhistory;
	if (w->caphistory == 0)
		w->caphistory = 1;
	w->step = idx;
	switch (state) {
	case WZ_CHECKING:
	case WZ_PROBING:
	case WZ_EXTERNAL_PROBING:
		return wizard_enter(w, idx);      /* run it again */
	case WZ_CONFIRM:
		w->state = WZ_SAVE;
		return WZA_NONE;
	case WZ_QUESTION:
		w->state = state;
		w->choice = w->answers[idx] >= 0 ? w->answers[idx] : 0;
		return WZA_NONE;
	default:
		w->state = state;
		return WZA_NONE;
	}
}
