/* check_replay.c - judging a saved plan against what the probes see now:
 * states, exit statuses, the summary line, JSON and the refreshed plan. */
#include <config.h>

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "util.h"
#include "unit.h"

static plan *
three_connectors(void)
{
	plan *p = plan_new();
	plan_connector *c;

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->branch = BRANCH_SPECIFIC_DOMAINS;
	p->resolver = xstrdup("10.0.0.10");
	c = plan_add_connector(p, "same.example");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.1");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.2");
	c = plan_add_connector(p, "moved.example");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.10");
	strv_push(&c->mx, &c->nmx, "mail.moved.example");
	strv_push(&c->evidence, &c->nevidence, "old evidence");
	c = plan_add_connector(p, "fixed.example");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.20");
	return p;
}

static replay_seen *
seen(replay_obs *o, const char *domain, verdict v, const char *ip1,
     const char *ip2)
{
	replay_seen *s;

	o->domains = xrealloc(o->domains, (o->ndomains + 1) * sizeof *o->domains);
	s = &o->domains[o->ndomains++];
	memset(s, 0, sizeof *s);
	s->domain = xstrdup(domain);
	s->verdict = v;
	if (ip1)
		strv_push(&s->smart_hosts, &s->nsmart, ip1);
	if (ip2)
		strv_push(&s->smart_hosts, &s->nsmart, ip2);
	strv_push(&s->evidence, &s->nevidence, "ns1 (192.0.2.53): AAAA mail: no answer");
	return s;
}

static replay_obs *
obs_new(rstatus resolver)
{
	replay_obs *o = xcalloc(1, sizeof *o);

	o->anything_answered = true;
	o->resolver.addr = xstrdup("10.0.0.10");
	o->resolver.status = resolver;
	o->resolver.usable = resolver == RSTATUS_OK;
	return o;
}

static void
obs_external(replay_obs *o, const char *addr, rstatus st)
{
	o->externals = xrealloc(o->externals,
	    (o->nexternals + 1) * sizeof *o->externals);
	o->externals[o->nexternals].addr = xstrdup(addr);
	o->externals[o->nexternals].status = st;
	o->externals[o->nexternals].usable = st == RSTATUS_OK;
	o->nexternals++;
}

/* --update would write nothing. */
static void
no_update(const replay_result *rr)
{
	char **notes = NULL;
	size_t nnotes = 0;

	ck_assert_ptr_null(replay_updated_plan(rr, 0, &notes, &nnotes));
	strv_free(notes, nnotes);
}

START_TEST(test_states_and_summary)
{
	plan *p = three_connectors();
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	replay_seen *m;
	char line[512];

	/* the same two addresses in another order: still the same set */
	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.2", "192.0.2.1");
	m = seen(o, "moved.example", VERDICT_AAAA_DROPPED, "192.0.2.11", "192.0.2.12");
	strv_push(&m->mx, &m->nmx, "mail2.moved.example");
	seen(o, "fixed.example", VERDICT_OK, NULL, NULL);
	rr = replay_judge(p, o);
	ck_assert_int_eq(rr->items[0].state, REPLAY_STILL_NEEDED);
	ck_assert_int_eq(rr->items[1].state, REPLAY_STALE);
	ck_assert_int_eq(rr->items[2].state, REPLAY_NOT_NEEDED);
	/* stale names both sets */
	ck_assert_ptr_nonnull(strstr(rr->items[1].note, "192.0.2.11, 192.0.2.12"));
	ck_assert_ptr_nonnull(strstr(rr->items[1].note, "192.0.2.10"));
	ck_assert_ptr_nonnull(strstr(rr->items[2].note, "remove the connector "
	    "'exdns fixed.example'"));
	ck_assert_int_eq(rr->exit_status, 1);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: plan.ini: 3 connectors: 1 still "
	    "needed, 1 stale, 1 no longer needed -> needs change");
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_plan_holds)
{
	plan *p = three_connectors();
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	char line[512];

	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.1", "192.0.2.2");
	seen(o, "moved.example", VERDICT_AAAA_BAD_RESPONSE, "192.0.2.10", NULL);
	seen(o, "fixed.example", VERDICT_AAAA_DROPPED, "192.0.2.20", NULL);
	rr = replay_judge(p, o);
	ck_assert_int_eq(rr->exit_status, 0);
	ck_assert_uint_eq(rr->count[REPLAY_STILL_NEEDED], 3);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: plan.ini: 3 connectors: 3 still "
	    "needed -> holds");
	/* nothing to update */
	no_update(rr);
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_unknown_and_nothing_probed)
{
	plan *p = three_connectors();
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	char line[512];

	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.1", "192.0.2.2");
	seen(o, "moved.example", VERDICT_UNREACHABLE, NULL, NULL);
	/* fixed.example not probed at all */
	rr = replay_judge(p, o);
	ck_assert_int_eq(rr->items[1].state, REPLAY_UNKNOWN);
	ck_assert_int_eq(rr->items[2].state, REPLAY_UNKNOWN);
	ck_assert_int_eq(rr->exit_status, 3);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: plan.ini: 3 connectors: 1 still "
	    "needed, 2 unknown -> unknown");
	replay_result_free(rr);

	/* no reply from anyone: the network is down, whatever the verdicts */
	o->anything_answered = false;
	rr = replay_judge(p, o);
	ck_assert_int_eq(rr->exit_status, 3);
	ck_assert(rr->nothing_probed);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_ptr_nonnull(strstr(line, "-> unknown (nothing could be probed)"));
	{
		char **notes = NULL;
		size_t nnotes = 0;
		ck_assert_ptr_null(replay_updated_plan(rr, 0, &notes, &nnotes));
		strv_free(notes, nnotes);
	}
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

static plan *
external_plan(void)
{
	plan *p = plan_new();

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->branch = BRANCH_ALL_DOMAINS;
	p->resolver = xstrdup("127.0.53.55@10053");
	p->has_external = true;
	strv_push(&p->external_servers, &p->nexternal, "127.0.55.1@10053");
	strv_push(&p->external_servers, &p->nexternal, "127.0.55.2@10053");
	return p;
}

START_TEST(test_external_servers)
{
	plan *p = external_plan(), *np;
	replay_obs *o = obs_new(RSTATUS_TIMEOUT);
	replay_result *rr;
	char line[512], err[512], **notes = NULL;
	size_t nnotes = 0;

	obs_external(o, "127.0.55.1@10053", RSTATUS_OK);
	obs_external(o, "127.0.55.2@10053", RSTATUS_TIMEOUT);
	rr = replay_judge(p, o);
	ck_assert_uint_eq(rr->nanswering, 1);
	ck_assert(rr->ext[0].answering);
	ck_assert(!rr->ext[1].answering);
	ck_assert_int_eq(rr->exit_status, 1);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: plan.ini: 0 connectors; external "
	    "DNS: 1/2 answering -> needs change");
	/* the refreshed plan keeps only the server that answers */
	np = replay_updated_plan(rr, 1767225600, &notes, &nnotes);
	ck_assert_ptr_nonnull(np);
	ck_assert_uint_eq(np->nexternal, 1);
	ck_assert_str_eq(np->external_servers[0], "127.0.55.1@10053");
	ck_assert_str_eq(np->updated, "2026-01-01T00:00:00Z");
	ck_assert_msg(plan_validate(np, err, sizeof err) == 0, "%s", err);
	plan_free(np);
	replay_result_free(rr);
	strv_free(notes, nnotes);
	notes = NULL;
	nnotes = 0;

	/* both answer: holds */
	o->externals[1].status = RSTATUS_OK;
	o->externals[1].usable = true;
	rr = replay_judge(p, o);
	ck_assert_int_eq(rr->exit_status, 0);
	replay_summary(rr, "plan.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: plan.ini: 0 connectors; external "
	    "DNS: 2/2 answering -> holds");
	replay_result_free(rr);

	/* the resolver works again: the external setting is not needed */
	o->resolver.status = RSTATUS_OK;
	rr = replay_judge(p, o);
	ck_assert(rr->resolver_recovered);
	ck_assert_int_eq(rr->exit_status, 1);
	np = replay_updated_plan(rr, 0, &notes, &nnotes);
	ck_assert_ptr_nonnull(np);
	ck_assert(!np->has_external);
	ck_assert_int_eq(np->branch, BRANCH_NO_DNS_FAULT);
	ck_assert_msg(plan_validate(np, err, sizeof err) == 0, "%s", err);
	plan_free(np);
	replay_result_free(rr);
	strv_free(notes, nnotes);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_updated_plan)
{
	plan *p = three_connectors(), *np;
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	replay_seen *m;
	char err[512], **notes = NULL;
	size_t nnotes = 0;

	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.1", "192.0.2.2");
	m = seen(o, "moved.example", VERDICT_AAAA_DROPPED, "192.0.2.11", NULL);
	strv_push(&m->mx, &m->nmx, "mail2.moved.example");
	seen(o, "fixed.example", VERDICT_NXDOMAIN, NULL, NULL);
	rr = replay_judge(p, o);
	np = replay_updated_plan(rr, 0, &notes, &nnotes);
	ck_assert_ptr_nonnull(np);
	ck_assert_uint_eq(np->nconnectors, 2);
	ck_assert_str_eq(np->connectors[0].domain, "same.example");
	ck_assert_str_eq(np->connectors[1].domain, "moved.example");
	ck_assert_uint_eq(np->connectors[1].nsmart, 1);
	ck_assert_str_eq(np->connectors[1].smart_hosts[0], "192.0.2.11");
	ck_assert_str_eq(np->connectors[1].mx[0], "mail2.moved.example");
	ck_assert_str_eq(np->connectors[1].evidence[0],
	    "ns1 (192.0.2.53): AAAA mail: no answer");
	ck_assert_int_eq(np->branch, BRANCH_SPECIFIC_DOMAINS);
	ck_assert_msg(plan_validate(np, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(nnotes, 1);
	ck_assert_ptr_nonnull(strstr(notes[0], "fixed.example"));
	/* the plan judged is untouched */
	ck_assert_uint_eq(p->nconnectors, 3);
	ck_assert_str_eq(p->connectors[1].smart_hosts[0], "192.0.2.10");
	plan_free(np);
	strv_free(notes, nnotes);
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_all_removed_becomes_no_fault)
{
	plan *p = three_connectors(), *np;
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	char err[512], **notes = NULL;
	size_t nnotes = 0;

	seen(o, "same.example", VERDICT_OK, NULL, NULL);
	seen(o, "moved.example", VERDICT_NULL_MX, NULL, NULL);
	seen(o, "fixed.example", VERDICT_OK, NULL, NULL);
	rr = replay_judge(p, o);
	np = replay_updated_plan(rr, 0, &notes, &nnotes);
	ck_assert_ptr_nonnull(np);
	ck_assert_uint_eq(np->nconnectors, 0);
	ck_assert_int_eq(np->branch, BRANCH_NO_DNS_FAULT);
	ck_assert_msg(plan_validate(np, err, sizeof err) == 0, "%s", err);
	plan_free(np);
	strv_free(notes, nnotes);
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_resolver_now_failing)
{
	plan *p = three_connectors();
	replay_obs *o = obs_new(RSTATUS_SERVFAIL);
	replay_result *rr;
	char line[512];

	seen(o, "same.example", VERDICT_RESOLVER_FAILURE, NULL, NULL);
	seen(o, "moved.example", VERDICT_AAAA_DROPPED, "192.0.2.10", NULL);
	seen(o, "fixed.example", VERDICT_RESOLVER_FAILURE, NULL, NULL);
	rr = replay_judge(p, o);
	/* a failing resolver proves nothing about the remote domains */
	ck_assert_int_eq(rr->items[0].state, REPLAY_UNKNOWN);
	ck_assert_int_eq(rr->items[1].state, REPLAY_STILL_NEEDED);
	ck_assert(rr->resolver_failing);
	ck_assert_int_eq(rr->exit_status, 1);
	replay_summary(rr, "p.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: p.ini: 3 connectors: 1 still "
	    "needed, 2 unknown; resolver fails -> needs change");
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

START_TEST(test_json)
{
	plan *p = three_connectors();
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_t *doc, *c;
	json_error_t je;

	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.1", "192.0.2.2");
	seen(o, "moved.example", VERDICT_AAAA_DROPPED, "192.0.2.11", NULL);
	seen(o, "fixed.example", VERDICT_OK, NULL, NULL);
	rr = replay_judge(p, o);
	ck_assert_int_eq(replay_print_json(f, rr, "pl\"an.ini"), 0);
	fclose(f);
	doc = json_loads(text, 0, &je);
	ck_assert_msg(doc != NULL, "%s: %s", je.text, text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "plan")), "pl\"an.ini");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "exit_status")), 1);
	ck_assert(json_is_true(json_object_get(doc, "needs_change")));
	c = json_array_get(json_object_get(doc, "connectors"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(c, "state")), "stale");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c,
	    "smart_hosts"), 0)), "192.0.2.11");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c,
	    "plan_smart_hosts"), 0)), "192.0.2.10");
	c = json_array_get(json_object_get(doc, "connectors"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(c, "state")), "not-needed");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(doc,
	    "summary")), "-> needs change"));
	json_decref(doc);
	free(text);
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

/* [checked] domains whose verdict is a fault no connector fixes (a plan of
 * any branch keeps them, with evidence): still the same fault, the plan
 * holds; another verdict is reported and --update records it; the
 * evidence reaches the text and the JSON. */
START_TEST(test_checked_faults)
{
	plan *p = three_connectors(), *np;
	replay_obs *o = obs_new(RSTATUS_OK);
	replay_result *rr;
	plan_checked *k;
	replay_seen *sn;
	char line[512], err[512], **notes = NULL, *text = NULL;
	size_t nnotes = 0, len = 0;
	json_t *doc, *c;
	json_error_t je;
	FILE *f;

	k = plan_add_checked(p, "lame.example", VERDICT_LAME_DELEGATION);
	strv_push(&k->evidence, &k->nevidence, "ns2.lame.example: REFUSED");
	k = plan_add_checked(p, "cname.example", VERDICT_MX_CNAME);
	strv_push(&k->evidence, &k->nevidence, "mx is an alias");
	plan_add_checked(p, "healthy.example", VERDICT_OK);
	seen(o, "same.example", VERDICT_AAAA_DROPPED, "192.0.2.1", "192.0.2.2");
	seen(o, "moved.example", VERDICT_AAAA_DROPPED, "192.0.2.10", NULL);
	seen(o, "fixed.example", VERDICT_AAAA_DROPPED, "192.0.2.20", NULL);
	sn = seen(o, "lame.example", VERDICT_LAME_DELEGATION, NULL, NULL);
	free(sn->evidence[0]);
	sn->evidence[0] = xstrdup("ns2.lame.example: REFUSED, 3 ms");
	sn = seen(o, "cname.example", VERDICT_OK, NULL, NULL);
	strv_free(sn->evidence, sn->nevidence);
	sn->evidence = NULL;
	sn->nevidence = 0;
	seen(o, "healthy.example", VERDICT_OK, NULL, NULL);
	rr = replay_judge(p, o);
	/* the fault still there (other timings) is not a change */
	ck_assert(!rr->checks[0].changed && !rr->checks[0].now_failing);
	ck_assert(rr->checks[1].changed && !rr->checks[1].now_failing);
	ck_assert(!rr->checks[2].changed);
	ck_assert_uint_eq(rr->nchanged, 1);
	ck_assert(!rr->needs_change);
	ck_assert_int_eq(rr->exit_status, 0);
	replay_summary(rr, "p.ini", line, sizeof line);
	ck_assert_str_eq(line, "exdns replay: p.ini: 3 connectors: 3 still "
	    "needed; 3 checked domains, 0 now need a connector, 1 with another "
	    "verdict -> holds");

	f = open_memstream(&text, &len);
	replay_print_text(f, rr, "p.ini");
	fclose(f);
	ck_assert_msg(strstr(text, "\nlame.example: checked (lame-delegation "
	    "when planned): lame-delegation, no connector needed: "
	    "ns2.lame.example: REFUSED, 3 ms\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\ncname.example: checked (mx-cname when "
	    "planned): now ok, no connector needed\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\nhealthy.example: checked (ok when "
	    "planned): ok, no connector needed\n") != NULL, "%s", text);
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_int_eq(replay_print_json(f, rr, "p.ini"), 0);
	fclose(f);
	doc = json_loads(text, 0, &je);
	ck_assert_msg(doc != NULL, "%s: %s", je.text, text);
	c = json_array_get(json_object_get(doc, "checked"), 0);
	ck_assert(json_is_false(json_object_get(c, "changed")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c,
	    "planned_evidence"), 0)), "ns2.lame.example: REFUSED");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c,
	    "evidence"), 0)), "ns2.lame.example: REFUSED, 3 ms");
	c = json_array_get(json_object_get(doc, "checked"), 1);
	ck_assert(json_is_true(json_object_get(c, "changed")));
	ck_assert_str_eq(json_string_value(json_object_get(c, "verdict")), "ok");
	json_decref(doc);
	free(text);

	/* --update: the changed verdict recorded, an ok domain bare; the
	 * unchanged fault keeps the evidence it was planned with */
	np = replay_updated_plan(rr, 0, &notes, &nnotes);
	ck_assert_ptr_nonnull(np);
	ck_assert_msg(plan_validate(np, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(np->checked[1].verdict, VERDICT_OK);
	ck_assert_uint_eq(np->checked[1].nevidence, 0);
	ck_assert_uint_eq(np->checked[0].nevidence, 1);
	ck_assert_str_eq(np->checked[0].evidence[0], "ns2.lame.example: REFUSED");
	ck_assert_uint_eq(nnotes, 1);
	ck_assert_str_eq(notes[0], "[checked cname.example]: verdict ok (was "
	    "mx-cname)");
	ck_assert_int_eq(p->checked[1].verdict, VERDICT_MX_CNAME);
	plan_free(np);
	strv_free(notes, nnotes);
	replay_result_free(rr);

	/* nothing changed: nothing to update */
	o->domains[4].verdict = VERDICT_MX_CNAME;
	rr = replay_judge(p, o);
	ck_assert_uint_eq(rr->nchanged, 0);
	ck_assert_int_eq(rr->exit_status, 0);
	no_update(rr);
	replay_result_free(rr);
	replay_obs_free(o);
	plan_free(p);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_states_and_summary);
	tcase_add_test(tc, test_plan_holds);
	tcase_add_test(tc, test_unknown_and_nothing_probed);
	tcase_add_test(tc, test_external_servers);
	tcase_add_test(tc, test_updated_plan);
	tcase_add_test(tc, test_all_removed_becomes_no_fault);
	tcase_add_test(tc, test_resolver_now_failing);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_checked_faults);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
