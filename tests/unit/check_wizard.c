/* check_wizard.c - the wizard's state machine without curses or probes:
 * every transition of the walk, going back at every step, quitting with
 * and without an unsaved plan, restoring a saved session; and the session
 * file's round trip. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "escape.h"
#include "results.h"
#include "session.h"
#include "tree.h"
#include "util.h"
#include "wizard.h"
#include "unit.h"

static const char tree_text[] =
    "[tree]\nversion = 1\nstart = welcome\n"
    "[step welcome]\nkind = welcome\ntitle = W\nnext = which\n"
    "[step which]\nkind = question\ntitle = Which\n"
    "choice = domains | Some\nchoice = external | All\nchoice = test | ?\n"
    "[step test]\nkind = check\ntitle = T\non-healthy = domains\n"
    "on-broken = external\n"
    "[step domains]\nkind = domains\ntitle = D\nnext = probe\n"
    "[step probe]\nkind = probe\ntitle = P\nnext = results\n"
    "[step results]\nkind = results\ntitle = R\nnext = save\n"
    "on-resolver-broken = external\n"
    "[step external]\nkind = external\ntitle = E\nnext = save\n"
    "[step save]\nkind = save\ntitle = S\nnext = done\n"
    "[step done]\nkind = done\ntitle = Done\n";

static tree *t;
static wizard w;

static void
setup(void)
{
	char err[400];

	t = tree_load_mem("t.ini", tree_text, strlen(tree_text), err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	ck_assert_int_eq(wizard_init(&w, t), WZA_NONE);
}

static void
teardown(void)
{
	wizard_free(&w);
	tree_free(t);
}

/* Feeds an event and checks the action and the state (and step). */
#define EV(ev, arg, act, st, stepname) do { \
	wz_action got_ = wizard_event(&w, (ev), (arg)); \
	ck_assert_msg(got_ == (act), "%s in %s: action %s, want %s", \
	    wz_event_to_string(ev), wz_state_to_string(w.state), \
	    wz_action_to_string(got_), wz_action_to_string(act)); \
	ck_assert_msg(w.state == (st), "after %s: state %s, want %s", \
	    wz_event_to_string(ev), wz_state_to_string(w.state), \
	    wz_state_to_string(st)); \
	ck_assert_str_eq(wizard_step(&w)->name, (stepname)); \
} while (0)

START_TEST(test_names)
{
	unsigned i, j;
	wz_state s;

	/* The words a session file holds after "state ": sessions saved by
	 * earlier builds hold them, so they are a file format, written down
	 * here and not taken from ui/wizard.c (a swapped pair there passed a
	 * to_string/from_string round trip and resumed in the wrong state).
	 * The terminal tests read the same words in the wizard's log. */
	static const struct { wz_state s; const char *word; } session_words[] = {
		{ WZ_WELCOME, "welcome" }, { WZ_QUESTION, "question" },
		{ WZ_CHECKING, "checking" }, { WZ_CHECKED, "checked" },
		{ WZ_DOMAINS, "domains" }, { WZ_PROBING, "probing" },
		{ WZ_RESULTS, "results" }, { WZ_EVIDENCE, "evidence" },
		{ WZ_EXTERNAL_PROBING, "external-probing" },
		{ WZ_EXTERNAL, "external" }, { WZ_SAVE, "save" },
		{ WZ_CONFIRM, "confirm" }, { WZ_DONE, "done" },
		{ WZ_QUIT_ASK, "quit-ask" }, { WZ_QUIT, "quit" },
	};

	ck_assert_uint_eq(sizeof session_words / sizeof session_words[0],
	    WZ_STATE_COUNT);
	for (i = 0; i < WZ_STATE_COUNT; i++) {
		ck_assert_str_eq(wz_state_to_string(session_words[i].s),
		    session_words[i].word);
		ck_assert_int_eq(wz_state_from_string(session_words[i].word,
		    &s), 0);
		ck_assert_int_eq(s, session_words[i].s);
		for (j = 0; j < i; j++)
			ck_assert_int_ne(session_words[i].s, session_words[j].s);
	}
	for (i = 0; i < WZE_COUNT; i++)
		ck_assert_str_ne(wz_event_to_string((wz_event)i), "unknown");
	for (i = 0; i < WZA_COUNT; i++)
		ck_assert_str_ne(wz_action_to_string((wz_action)i), "unknown");
	ck_assert_str_eq(wz_state_to_string(WZ_STATE_COUNT), "unknown");
	ck_assert_int_eq(wz_state_from_string("nonsense", &s), -1);
}
END_TEST

START_TEST(test_specific_branch)
{
	ck_assert_int_eq(w.state, WZ_WELCOME);
	EV(WZE_BACK, 0, WZA_REJECTED, WZ_WELCOME, "welcome");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	ck_assert_int_eq(w.choice, 0);
	EV(WZE_CHOOSE, 3, WZA_REJECTED, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, -1, WZA_REJECTED, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	ck_assert(wizard_running(&w));
	EV(WZE_NEXT, 0, WZA_REJECTED, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_RESULTS, "results");
	ck_assert(!wizard_running(&w));
	ck_assert(w.unsaved);
	EV(WZE_OPEN, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_BACK, 0, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_SAVE, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_NO, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_YES, 0, WZA_WRITE_PLAN, WZ_CONFIRM, "save");
	EV(WZE_SAVE_FAILED, 0, WZA_NONE, WZ_SAVE, "save");
	ck_assert(w.unsaved);
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_NEXT, 0, WZA_WRITE_PLAN, WZ_CONFIRM, "save");
	EV(WZE_SAVED, 0, WZA_NONE, WZ_DONE, "done");
	ck_assert(!w.unsaved);
	ck_assert(w.saved);
	EV(WZE_NEXT, 0, WZA_EXIT, WZ_QUIT, "done");
}
END_TEST

START_TEST(test_back_everywhere)
{
	/* Walk to the end, then Esc all the way back to the start: every
	 * step comes back in its stable state, probes are not re-run, the
	 * probe step is skipped. */
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, 2, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_START_CHECK, WZ_CHECKING, "test");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_CHECKED, "test");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 0, WZA_NONE, WZ_RESULTS, "results");
	ck_assert(!w.unsaved);
	EV(WZE_OPEN, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_SAVE, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_YES, 0, WZA_WRITE_PLAN, WZ_CONFIRM, "save");
	EV(WZE_SAVED, 0, WZA_NONE, WZ_DONE, "done");

	EV(WZE_BACK, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_BACK, 0, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_BACK, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_BACK, 0, WZA_NONE, WZ_CHECKED, "test");
	EV(WZE_BACK, 0, WZA_NONE, WZ_QUESTION, "which");
	ck_assert_int_eq(w.choice, 2);          /* the answer is remembered */
	EV(WZE_BACK, 0, WZA_NONE, WZ_WELCOME, "welcome");
	EV(WZE_BACK, 0, WZA_REJECTED, WZ_WELCOME, "welcome");
	ck_assert_uint_eq(w.nhistory, 0);
	/* Forward again: the question shows the last answer. */
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	ck_assert_int_eq(w.choice, 2);
}
END_TEST

START_TEST(test_cancel_runs)
{
	/* Esc while probes run cancels them and goes back one step. */
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, 2, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_START_CHECK, WZ_CHECKING, "test");
	EV(WZE_BACK, 0, WZA_CANCEL_RUN, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, 1, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_START_EXTERNAL, WZ_EXTERNAL_PROBING, "external");
	EV(WZE_BACK, 0, WZA_CANCEL_RUN, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_BACK, 0, WZA_CANCEL_RUN, WZ_DOMAINS, "domains");
	ck_assert_uint_eq(w.nhistory, 2);
}
END_TEST

START_TEST(test_all_domains_branch)
{
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_CHOOSE, 2, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_START_CHECK, WZ_CHECKING, "test");
	EV(WZE_RUN_DONE, 0, WZA_NONE, WZ_CHECKED, "test");
	ck_assert(!w.healthy);
	EV(WZE_NEXT, 0, WZA_START_EXTERNAL, WZ_EXTERNAL_PROBING, "external");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_EXTERNAL, "external");
	ck_assert(w.unsaved);
	EV(WZE_OPEN, 0, WZA_REJECTED, WZ_EXTERNAL, "external");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_BACK, 0, WZA_NONE, WZ_EXTERNAL, "external");
	EV(WZE_SAVE, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_YES, 0, WZA_WRITE_PLAN, WZ_CONFIRM, "save");
	EV(WZE_SAVED, 0, WZA_NONE, WZ_DONE, "done");
	EV(WZE_BACK, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_BACK, 0, WZA_NONE, WZ_EXTERNAL, "external");
	EV(WZE_BACK, 0, WZA_NONE, WZ_CHECKED, "test");
}
END_TEST

START_TEST(test_switch_to_external)
{
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 0, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_SWITCH, 0, WZA_START_EXTERNAL, WZ_EXTERNAL_PROBING, "external");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_EXTERNAL, "external");
	EV(WZE_BACK, 0, WZA_NONE, WZ_RESULTS, "results");
}
END_TEST

START_TEST(test_quit)
{
	/* No plan yet: q leaves at once, whatever the step. */
	EV(WZE_QUIT, 0, WZA_EXIT, WZ_QUIT, "welcome");
	wizard_free(&w);
	wizard_init(&w, t);
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_QUIT, 0, WZA_EXIT, WZ_QUIT, "probe");
	wizard_free(&w);

	/* An unsaved plan: q asks; n (or Esc) stays where it was. */
	wizard_init(&w, t);
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_OPEN, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_QUIT, 0, WZA_NONE, WZ_QUIT_ASK, "results");
	ck_assert_int_eq(w.under, WZ_EVIDENCE);
	ck_assert_int_eq(wizard_resume_state(&w), WZ_EVIDENCE);
	EV(WZE_NEXT, 0, WZA_REJECTED, WZ_QUIT_ASK, "results");
	EV(WZE_NO, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_QUIT, 0, WZA_NONE, WZ_QUIT_ASK, "results");
	EV(WZE_BACK, 0, WZA_NONE, WZ_EVIDENCE, "results");
	EV(WZE_QUIT, 0, WZA_NONE, WZ_QUIT_ASK, "results");
	EV(WZE_YES, 0, WZA_EXIT, WZ_QUIT, "results");
	wizard_free(&w);

	/* After saving, nothing is lost: q leaves. */
	wizard_init(&w, t);
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_SAVE, 0, WZA_NONE, WZ_SAVE, "save");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_CONFIRM, "save");
	EV(WZE_YES, 0, WZA_WRITE_PLAN, WZ_CONFIRM, "save");
	EV(WZE_SAVED, 0, WZA_NONE, WZ_DONE, "done");
	EV(WZE_QUIT, 0, WZA_EXIT, WZ_QUIT, "done");
}
END_TEST

START_TEST(test_run_done_under_quit_question)
{
	/* A run that ends while "quit?" is asked lands under the question. */
	EV(WZE_NEXT, 0, WZA_NONE, WZ_QUESTION, "which");
	EV(WZE_NEXT, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_BACK, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_NEXT, 0, WZA_START_PROBE, WZ_PROBING, "probe");
	EV(WZE_QUIT, 0, WZA_NONE, WZ_QUIT_ASK, "probe");
	ck_assert(wizard_running(&w));
	EV(WZE_RUN_DONE, 1, WZA_NONE, WZ_QUIT_ASK, "results");
	ck_assert_int_eq(w.under, WZ_RESULTS);
	ck_assert(!wizard_running(&w));
	EV(WZE_NO, 0, WZA_NONE, WZ_RESULTS, "results");
}
END_TEST

START_TEST(test_restore)
{
	char err[300];
	char *hist[] = { "welcome", "which", "domains" };
	char *bad_hist[] = { "welcome", "probe" };

	ck_assert_int_eq(wizard_restore(&w, "results", WZ_EVIDENCE, hist, 3,
	    err, sizeof err), WZA_NONE);
	ck_assert_int_eq(w.state, WZ_EVIDENCE);
	EV(WZE_BACK, 0, WZA_NONE, WZ_RESULTS, "results");
	EV(WZE_BACK, 0, WZA_NONE, WZ_DOMAINS, "domains");
	EV(WZE_BACK, 0, WZA_NONE, WZ_QUESTION, "which");

	/* A running state runs again. */
	ck_assert_int_eq(wizard_restore(&w, "probe", WZ_PROBING, hist, 3, err,
	    sizeof err), WZA_START_PROBE);
	ck_assert_int_eq(w.state, WZ_PROBING);
	ck_assert_int_eq(wizard_restore(&w, "external", WZ_EXTERNAL_PROBING,
	    hist, 2, err, sizeof err), WZA_START_EXTERNAL);
	/* The confirmation comes back as the form. */
	ck_assert_int_eq(wizard_restore(&w, "save", WZ_CONFIRM, hist, 3, err,
	    sizeof err), WZA_NONE);
	ck_assert_int_eq(w.state, WZ_SAVE);

	ck_assert_int_eq(wizard_restore(&w, "nowhere", WZ_RESULTS, hist, 3,
	    err, sizeof err), WZA_REJECTED);
	ck_assert_msg(strstr(err, "'nowhere' is not in the decision tree")
	    != NULL, "%s", err);
	ck_assert_int_eq(wizard_restore(&w, "domains", WZ_RESULTS, hist, 3,
	    err, sizeof err), WZA_REJECTED);
	ck_assert_msg(strstr(err, "is a domains step") != NULL, "%s", err);
	ck_assert_int_eq(wizard_restore(&w, "results", WZ_RESULTS, bad_hist, 2,
	    err, sizeof err), WZA_REJECTED);
	ck_assert_int_eq(wizard_restore(&w, "results", WZ_QUIT_ASK, hist, 3,
	    err, sizeof err), WZA_REJECTED);
}
END_TEST

/* ---- the session file --------------------------------------------------- */

static char tmpdir[64];

static void
rmtree(const char *dir)
{
	char cmd[200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static results *
sample_results(void)
{
	results *r = results_new(RESULTS_DOMAINS);
	results_domain *d;

	r->resolver.addr = xstrdup("127.0.53.53@10053");
	r->resolver.status = RSTATUS_OK;
	r->resolver.usable = true;
	r->resolver.asked = 2;
	r->resolver.answered = 2;
	strv_push(&r->resolver.evidence, &r->resolver.nevidence,
	    "resolver (127.0.53.53@10053): MX canary1.example: NOERROR");
	r->branch = BRANCH_SPECIFIC_DOMAINS;
	r->vantage = VANTAGE_BLOCKED;
	r->queries = 42;
	r->ms = 1234;
	r->ndomains = 1;
	r->domains = xcalloc(1, sizeof *r->domains);
	d = &r->domains[0];
	d->name = xstrdup("dropaaaa.example");
	d->verdict = VERDICT_AAAA_DROPPED;
	d->reason = xstrdup("ns2 (127.0.54.13): AAAA mail: no answer \\ back");
	d->brief = xstrdup("AAAA: no answer");
	strv_push(&d->smart, &d->nsmart, "192.0.2.20");
	strv_push(&d->mx, &d->nmx, "mail.dropaaaa.example");
	strv_push(&d->evidence, &d->nevidence, "* line one");
	strv_push(&d->evidence, &d->nevidence, "      -> 10 mail.dropaaaa.example");
	r->plan = plan_new();
	plan_set_time(r->plan->created, 1700000000);
	r->plan->resolver = xstrdup("127.0.53.53@10053");
	r->plan->branch = BRANCH_SPECIFIC_DOMAINS;
	{
		plan_connector *c = plan_add_connector(r->plan, "dropaaaa.example");
		c->verdict = VERDICT_AAAA_DROPPED;
		strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.20");
	}
	return r;
}

START_TEST(test_session_round_trip)
{
	session s, l;
	char err[600], path[200];
	char *hist[] = { "welcome", "which", "domains" };
	int rc;
	FILE *f;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/exdns-check-wizard-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	memset(&s, 0, sizeof s);
	s.step = xstrdup("results");
	s.state = WZ_EVIDENCE;
	s.history = hist;
	s.nhistory = 3;
	s.resolver = xstrdup("127.0.53.53@10053");
	s.domains = xstrdup("dropaaaa.example,\nhealthy.example \\ x");
	s.plan_path = xstrdup("./plan one.ini");
	s.servers = xstrdup("EX01, EX02");
	s.unsaved = true;
	s.timeout_ms = 500;
	s.tries = 2;
	s.auth_port = 10053;
	s.resolver_inflight = 32;
	s.auth_inflight = 4;
	s.rate = 150;
	strv_push(&s.canaries, &s.ncanaries, "canary1.example");
	strv_push(&s.externals, &s.nexternals, "127.0.55.1@10053");
	s.domains_res = sample_results();
	snprintf(path, sizeof path, "%s/state/exdns", tmpdir);
	ck_assert_msg(session_save(path, &s, err, sizeof err) == 0, "%s", err);
	s.history = NULL;
	s.nhistory = 0;
	session_free(&s);

	rc = session_load(path, &l, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_str_eq(l.step, "results");
	ck_assert_int_eq(l.state, WZ_EVIDENCE);
	ck_assert_uint_eq(l.nhistory, 3);
	ck_assert_str_eq(l.history[2], "domains");
	ck_assert_str_eq(l.domains, "dropaaaa.example,\nhealthy.example \\ x");
	ck_assert_str_eq(l.plan_path, "./plan one.ini");
	ck_assert(l.unsaved);
	ck_assert_uint_eq(l.timeout_ms, 500);
	ck_assert_uint_eq(l.auth_port, 10053);
	ck_assert_uint_eq(l.resolver_inflight, 32);
	ck_assert_uint_eq(l.auth_inflight, 4);
	ck_assert_uint_eq(l.rate, 150);
	ck_assert_str_eq(l.canaries[0], "canary1.example");
	ck_assert_str_eq(l.externals[0], "127.0.55.1@10053");
	ck_assert_ptr_nonnull(l.domains_res);
	ck_assert_int_eq(l.domains_res->vantage, VANTAGE_BLOCKED);
	ck_assert_ptr_null(l.check);
	ck_assert_uint_eq(l.domains_res->ndomains, 1);
	ck_assert_str_eq(l.domains_res->domains[0].reason,
	    "ns2 (127.0.54.13): AAAA mail: no answer \\ back");
	ck_assert_str_eq(l.domains_res->domains[0].brief, "AAAA: no answer");
	ck_assert_int_eq(l.domains_res->domains[0].verdict, VERDICT_AAAA_DROPPED);
	ck_assert_uint_eq(l.domains_res->domains[0].nevidence, 2);
	ck_assert_str_eq(l.domains_res->resolver.addr, "127.0.53.53@10053");
	ck_assert_uint_eq(l.domains_res->queries, 42);
	ck_assert_ptr_nonnull(l.domains_res->plan);
	ck_assert_uint_eq(l.domains_res->plan->nconnectors, 1);
	ck_assert_str_eq(l.domains_res->plan->connectors[0].domain,
	    "dropaaaa.example");
	session_free(&l);

	/* The folder is private. */
	{
		struct stat st;
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_mode & 077, 0);
	}
	/* Nothing saved: 1. */
	session_remove(path);
	ck_assert_int_eq(session_load(path, &l, err, sizeof err), 1);

	/* A damaged session is refused with FILE:LINE. */
	snprintf(err, sizeof err, "%s/session", path);
	f = fopen(err, "w");
	fputs("exdns-session 1\nstep results\nstate flying\n", f);
	fclose(f);
	rc = session_load(path, &l, err, sizeof err);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "/session:3: unknown state 'flying'") != NULL,
	    "%s", err);
	snprintf(err, sizeof err, "%s/session", path);
	f = fopen(err, "w");
	fputs("not a session\n", f);
	fclose(f);
	ck_assert_int_eq(session_load(path, &l, err, sizeof err), -1);
	ck_assert_msg(strstr(err, ":1: not an exdns session") != NULL, "%s",
	    err);
	/* Escapes: control characters come back as printable text. */
	snprintf(err, sizeof err, "%s/session", path);
	f = fopen(err, "w");
	fputs("exdns-session 1\nstep results\nstate results\n"
	    "results domains\nresolver 127.0.0.1 ok 1 1 1 1\n"
	    "domain x.example ok\nd.reason a\\x1b[2Jb\nend\n", f);
	fclose(f);
	rc = session_load(path, &l, err, sizeof err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_str_eq(l.domains_res->domains[0].reason, "a\\x1b[2Jb");
	session_free(&l);
	rmtree(tmpdir);
}
END_TEST

/* A FIFO or a device where the session should be is refused at once, not
 * waited on or read forever (issue 10 #5); a plan that cannot be written
 * is named once ("plan: ...", not "plan: plan: ...", issue 10 #9/#10). */
START_TEST(test_session_hostile_files)
{
	char path[300], file[340], err[1024];
	session s, l;
	int rc;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/exdns-check-wizard-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/state", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(file, sizeof file, "%s/session", path);
	ck_assert_int_eq(mkfifo(file, 0600), 0);
	rc = session_load(path, &l, err, sizeof err);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "session: not a regular file") != NULL, "%s",
	    err);
	unlink(file);
	ck_assert_int_eq(symlink("/dev/zero", file), 0);
	ck_assert_int_eq(session_load(path, &l, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	unlink(file);

	memset(&s, 0, sizeof s);
	s.step = xstrdup("results");
	s.domains_res = sample_results();
	free(s.domains_res->plan->resolver);
	s.domains_res->plan->resolver = NULL;
	ck_assert_int_eq(session_save(path, &s, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, "plan: [plan] has no 'resolver'", 30) == 0,
	    "%s", err);
	session_free(&s);
	rmtree(tmpdir);
}
END_TEST

/* A crafted session file's bytes never reach the terminal raw through the
 * message that refuses it (found by tests/fuzz/fuzz_session: an unknown
 * key was quoted as it was). */
START_TEST(test_session_errors_escaped)
{
	static const char *const bad[] = {
		"exdns-session 1\nstep results\nhist\x1b]0;owned\x07ory x\n",
		"exdns-session 1\nstep results\nstate \x1b[2J\xee\n",
		"exdns-session 1\nstep results\nrow \x9b" "31m\n",
		"exdns-session \x1b[31m\n",
	};
	char path[128], file[160], err[1024];
	const unsigned char *c;
	session l;
	size_t i;
	FILE *f;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_wizard.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/exdns", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(file, sizeof file, "%s/session", path);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		f = fopen(file, "w");
		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		fclose(f);
		ck_assert_int_eq(session_load(path, &l, err, sizeof err), -1);
		ck_assert_msg(strncmp(err, file, strlen(file)) == 0, "%s", err);
		for (c = (const unsigned char *)err; *c != '\0'; c++)
			ck_assert_msg(*c >= 0x20 && *c < 0x7f,
			    "case %zu: byte 0x%02x in the message", i, *c);
	}
	rmtree(tmpdir);
}
END_TEST

START_TEST(test_session_dir)
{
	char buf[300];

	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(session_dir(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/x/state/exdns");
	setenv("XDG_STATE_HOME", "relative/state", 1);   /* ignored: not absolute */
	ck_assert_int_eq(session_dir(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/home/u/.local/state/exdns");
	unsetenv("XDG_STATE_HOME");
	ck_assert_int_eq(session_dir(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/home/u/.local/state/exdns");
	unsetenv("HOME");
	ck_assert_int_eq(session_dir(buf, sizeof buf), -1);
}
END_TEST

START_TEST(test_results_plan)
{
	results *r = sample_results();
	char err[600];
	char *servers[] = { "EX01", "EX02" };
	plan *p;

	p = results_plan(r, servers, 2, "Internet", 1700000000, err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(p->ntransport, 2);
	ck_assert_str_eq(p->internet_connector, "Internet");
	plan_free(p);
	results_free(r);

	/* External: only ticked servers go in; none ticked is refused. */
	r = results_new(RESULTS_EXTERNAL);
	r->resolver.addr = xstrdup("127.0.53.55@10053");
	r->plan = plan_new();
	plan_set_time(r->plan->created, 1700000000);
	r->plan->resolver = xstrdup("127.0.53.55@10053");
	r->plan->branch = BRANCH_ALL_DOMAINS;
	r->plan->has_external = true;
	r->plan->use_external_dns_lookups = true;
	strv_push(&r->plan->external_servers, &r->plan->nexternal, "127.0.55.9");
	r->nexternals = 2;
	r->externals = xcalloc(2, sizeof *r->externals);
	r->externals[0].addr = xstrdup("127.0.55.1@10053");
	r->externals[1].addr = xstrdup("127.0.55.2@10053");
	r->externals[1].selected = true;
	p = results_plan(r, NULL, 0, NULL, 1700000000, err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(p->nexternal, 1);
	ck_assert_str_eq(p->external_servers[0], "127.0.55.2@10053");
	ck_assert_ptr_null(p->internet_connector);
	plan_free(p);
	r->externals[1].selected = false;
	ck_assert_ptr_null(results_plan(r, NULL, 0, NULL, 0, err, sizeof err));
	ck_assert_str_eq(err, "no external DNS server is ticked");
	results_free(r);

	ck_assert_ptr_null(results_plan(NULL, NULL, 0, NULL, 0, err, sizeof err));
}
END_TEST

START_TEST(test_safe_text)
{
	char *s = esc_dup(ESC_TERMINAL, "a\x1b[31mb\xc3\xa9\n", 100);

	ck_assert_str_eq(s, "a\\x1b[31mb\\xc3\\xa9\\x0a");
	free(s);
	s = esc_dup(ESC_TERMINAL_UTF8, "plan \xe2\x80\x94 x \xe2\x80\xae evil\x07", 100);
	ck_assert_str_eq(s, "plan \xe2\x80\x94 x \\xe2\\x80\\xae evil\\x07");
	free(s);
}
END_TEST

/* {plan_path} in the tree's texts is a shell command's argument: shown
 * whole, quoted, or not at all (a long path was cut, and its quote closed,
 * naming another file: issue 10 #10). */
START_TEST(test_plan_path_quoted_whole_or_not)
{
	app *a = xcalloc(1, sizeof *a);
	char *out;
	size_t i;

	a->wz = w;
	strcpy(a->saved_path, "/srv/it's here/plan.ini");
	out = app_expand(a, "exdns emit {plan_path}", 0);
	ck_assert_str_eq(out, "exdns emit '/srv/it'\\''s here/plan.ini'");
	free(out);
	/* 1,500 quotes: 6,000 bytes quoted, more than the 4 KiB buffer */
	strcpy(a->saved_path, "/srv/");
	for (i = 0; i < 1500; i++)
		strcat(a->saved_path, "'");
	out = app_expand(a, "exdns emit {plan_path}", 0);
	ck_assert_msg(strstr(out, "/srv/") == NULL, "a cut path: %.60s...", out);
	ck_assert_ptr_nonnull(strstr(out, "too long or unusual"));
	free(out);
	strcpy(a->saved_path, "/srv/\x1b]0;x\x07.ini");
	out = app_expand(a, "{plan_path}", 0);
	ck_assert_ptr_null(strchr(out, '\x1b'));
	free(out);
	free(a);
}
END_TEST

static Suite *
wizard_suite(void)
{
	Suite *s = suite_create("wizard");
	TCase *tc = tcase_create("states");
	TCase *ts = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_specific_branch);
	tcase_add_test(tc, test_back_everywhere);
	tcase_add_test(tc, test_cancel_runs);
	tcase_add_test(tc, test_all_domains_branch);
	tcase_add_test(tc, test_switch_to_external);
	tcase_add_test(tc, test_quit);
	tcase_add_test(tc, test_run_done_under_quit_question);
	tcase_add_test(tc, test_restore);
	tcase_add_test(tc, test_plan_path_quoted_whole_or_not);
	suite_add_tcase(s, tc);
	tcase_add_test(ts, test_session_round_trip);
	tcase_add_test(ts, test_session_errors_escaped);
	tcase_add_test(ts, test_session_dir);
	tcase_add_test(ts, test_session_hostile_files);
	tcase_add_test(ts, test_results_plan);
	tcase_add_test(ts, test_safe_text);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	return unit_run(wizard_suite());
}
