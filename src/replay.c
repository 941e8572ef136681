/* replay.c - judging a saved plan against fresh probes: per connector
 * still needed / stale / no longer needed / unknown, per external DNS server
 * answering or not, the summary line for monitoring, JSON, and the
 * refreshed plan for --update. */
#include <config.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "replay.h"
#include "util.h"

static const char *const state_text[REPLAY_NSTATES] = {
	"still needed", "stale", "no longer needed", "unknown"
};
static const char *const state_key[REPLAY_NSTATES] = {
	"still-needed", "stale", "not-needed", "unknown"
};

const char *
replay_state_to_string(replay_state s)
{
	return (unsigned)s < REPLAY_NSTATES ? state_text[s] : "?";
}

const char *
replay_state_key(replay_state s)
{
	return (unsigned)s < REPLAY_NSTATES ? state_key[s] : "?";
}

int
replay_state_from_key(const char *s, replay_state *out)
{
	int i = enum_index(state_key, REPLAY_NSTATES, s);

	if (i < 0)
		return -1;
	*out = (replay_state)i;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Observations                                                        */

static void
server_from_check(replay_server *s, const probe_resolver_check *c)
{
	char a[ADDR_TEXT_MAX];

	addr_format(&c->addr, a, sizeof a);
	s->addr = xstrdup(a);
	s->status = c->status;
	s->usable = c->usable;
}

replay_obs *
replay_observe(probe_run *r)
{
	replay_obs *o = xcalloc(1, sizeof *o);
	size_t i, j;

	for (i = 0; i < probe_nqueries(r); i++)
		if (probe_query_at(r, i)->outcome == DNSQ_ANSWER) {
			o->anything_answered = true;
			break;
		}
	server_from_check(&o->resolver, probe_resolver(r));
	o->nexternals = probe_nexternals(r);
	o->externals = xcalloc(o->nexternals, sizeof *o->externals);
	for (i = 0; i < o->nexternals; i++)
		server_from_check(&o->externals[i], probe_external_at(r, i));
	o->ndomains = probe_ndomains(r);
	o->domains = xcalloc(o->ndomains, sizeof *o->domains);
	for (i = 0; i < o->ndomains; i++) {
		probe_domain *d = probe_domain_at(r, i);
		replay_seen *s = &o->domains[i];
		char norm[DNAME_MAX];

		s->domain = xstrdup(dname_normalize(d->name, norm) == 0 ? norm :
		    d->name);
		s->verdict = d->verdict;
		for (j = 0; j < d->nsmart && s->nsmart < PLAN_MAX_LIST; j++)
			if (addr_is_ipv4_text(d->smart_hosts[j]))
				strv_push(&s->smart_hosts, &s->nsmart,
				    d->smart_hosts[j]);
		for (j = 0; j < d->nmx && s->nmx < PLAN_MAX_LIST; j++)
			if (d->mx[j].host != NULL &&
			    dname_normalize(d->mx[j].host, norm) == 0)
				strv_push(&s->mx, &s->nmx, norm);
		plan_domain_evidence(r, d, 8, &s->evidence, &s->nevidence);
	}
	return o;
}

void
replay_obs_free(replay_obs *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->ndomains; i++) {
		free(o->domains[i].domain);
		strv_free(o->domains[i].smart_hosts, o->domains[i].nsmart);
		strv_free(o->domains[i].mx, o->domains[i].nmx);
		strv_free(o->domains[i].evidence, o->domains[i].nevidence);
	}
	free(o->domains);
	free(o->resolver.addr);
	for (i = 0; i < o->nexternals; i++)
		free(o->externals[i].addr);
	free(o->externals);
	free(o);
}

/* ------------------------------------------------------------------ */
/* Judging                                                             */

static bool
same_server(const char *a, const char *b)
{
	exaddr x, y;
	char e[128];

	if (addr_parse(a, DEFAULT_DNS_PORT, &x, e, sizeof e) != 0 ||
	    addr_parse(b, DEFAULT_DNS_PORT, &y, e, sizeof e) != 0)
		return strcasecmp(a, b) == 0;
	return addr_equal(&x, &y);
}

static void
join(char *buf, size_t len, char *const *v, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	if (n == 0) {
		snprintf(buf, len, "(none)");
		return;
	}
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", v[i]);
}

static void
judge_connector(replay_item *it, const plan_connector *c,
                const replay_seen *s, bool resolver_failing)
{
	char now[300], was[300];

	it->seen = s;
	if (s == NULL) {
		it->state = REPLAY_UNKNOWN;
		snprintf(it->note, sizeof it->note, "not probed");
		return;
	}
	join(now, sizeof now, s->smart_hosts, s->nsmart);
	join(was, sizeof was, c->smart_hosts, c->nsmart);
	switch (s->verdict) {
	case VERDICT_AAAA_DROPPED:
	case VERDICT_AAAA_BAD_RESPONSE:
	case VERDICT_DNSSEC_BOGUS:
	case VERDICT_EDNS_BROKEN:
	case VERDICT_LARGE_DROPPED:
		if (plan_same_set(c->smart_hosts, c->nsmart, s->smart_hosts,
		    s->nsmart)) {
			it->state = REPLAY_STILL_NEEDED;
			snprintf(it->note, sizeof it->note, "%s%s%s",
			    verdict_to_string(s->verdict),
			    s->nevidence ? ": " : "",
			    s->nevidence ? s->evidence[0] : "");
		} else {
			it->state = REPLAY_STALE;
			snprintf(it->note, sizeof it->note, "the MX hosts now "
			    "resolve to %s; the plan has smart_hosts %s", now, was);
		}
		break;
	case VERDICT_MX_NO_ADDRESS:
	case VERDICT_MX_LOOPBACK:
	case VERDICT_IPV6_ONLY_MX:
		it->state = REPLAY_STALE;
		snprintf(it->note, sizeof it->note, "the MX hosts now have no "
		    "IPv4 address a smart host may have (verdict %s); the plan "
		    "has smart_hosts %s", verdict_to_string(s->verdict), was);
		break;
	case VERDICT_OK:
	case VERDICT_MX_CNAME:
		it->state = REPLAY_NOT_NEEDED;
		snprintf(it->note, sizeof it->note, "the domain resolves normally "
		    "now (verdict %s): remove the connector 'exdns %s'",
		    verdict_to_string(s->verdict), c->domain);
		break;
	case VERDICT_NXDOMAIN:
	case VERDICT_NULL_MX:
		it->state = REPLAY_NOT_NEEDED;
		snprintf(it->note, sizeof it->note, "verdict now %s (%s): remove "
		    "the connector 'exdns %s'", verdict_to_string(s->verdict),
		    verdict_meaning(s->verdict), c->domain);
		break;
	default:       /* unreachable, resolver-failure */
		it->state = REPLAY_UNKNOWN;
		snprintf(it->note, sizeof it->note, "verdict now %s (%s)%s",
		    verdict_to_string(s->verdict), verdict_meaning(s->verdict),
		    resolver_failing ? "; the resolver fails" : "");
		break;
	}
}

replay_result *
replay_judge(const plan *p, const replay_obs *o)
{
	replay_result *rr = xcalloc(1, sizeof *rr);
	size_t i, j;
	bool unknown = false;

	rr->p = p;
	rr->obs = o;
	rr->nothing_probed = !o->anything_answered;
	if (p->branch == BRANCH_ALL_DOMAINS)
		rr->resolver_recovered = o->resolver.status == RSTATUS_OK;
	else
		rr->resolver_failing = o->resolver.status != RSTATUS_OK &&
		    o->resolver.status != RSTATUS_UNKNOWN;

	rr->nitems = p->nconnectors;
	rr->items = xcalloc(rr->nitems ? rr->nitems : 1, sizeof *rr->items);
	for (i = 0; i < p->nconnectors; i++) {
		const replay_seen *s = NULL;
		for (j = 0; j < o->ndomains; j++)
			if (dname_equal(o->domains[j].domain,
			    p->connectors[i].domain)) {
				s = &o->domains[j];
				break;
			}
		rr->items[i].connector = i;
		judge_connector(&rr->items[i], &p->connectors[i], s,
		    rr->resolver_failing);
		rr->count[rr->items[i].state]++;
	}

	/* The domains a no-fault plan kept: does one need a connector now? */
	rr->nchecks = p->nchecked;
	rr->checks = xcalloc(rr->nchecks ? rr->nchecks : 1, sizeof *rr->checks);
	for (i = 0; i < p->nchecked; i++) {
		rr->checks[i].index = i;
		for (j = 0; j < o->ndomains; j++)
			if (dname_equal(o->domains[j].domain,
			    p->checked[i].domain)) {
				rr->checks[i].seen = &o->domains[j];
				break;
			}
		if (rr->checks[i].seen == NULL)
			continue;
		if (verdict_needs_connector(rr->checks[i].seen->verdict)) {
			rr->checks[i].now_failing = true;
			rr->nnow_failing++;
		} else if (rr->checks[i].seen->verdict !=
		    p->checked[i].verdict) {
			/* nothing to change in Exchange: reported, and
			 * --update records it */
			rr->checks[i].changed = true;
			rr->nchanged++;
		}
	}

	if (p->has_external) {
		rr->next = p->nexternal;
		rr->ext = xcalloc(rr->next ? rr->next : 1, sizeof *rr->ext);
		for (i = 0; i < p->nexternal; i++) {
			rr->ext[i].addr = p->external_servers[i];
			rr->ext[i].status = RSTATUS_UNKNOWN;
			for (j = 0; j < o->nexternals; j++)
				if (same_server(p->external_servers[i],
				    o->externals[j].addr)) {
					rr->ext[i].status = o->externals[j].status;
					rr->ext[i].answering = o->externals[j].usable;
					break;
				}
			rr->nanswering += rr->ext[i].answering;
		}
		/* answering candidates from --external that the plan lacks */
		for (j = 0; j < o->nexternals; j++) {
			bool known = false;
			for (i = 0; i < p->nexternal; i++)
				known |= same_server(p->external_servers[i],
				    o->externals[j].addr);
			if (!known && o->externals[j].usable) {
				rr->extra = xrealloc(rr->extra, (rr->nextra + 1) *
				    sizeof *rr->extra);
				rr->extra[rr->nextra++] = &o->externals[j];
			}
		}
	}

	rr->needs_change = rr->count[REPLAY_STALE] > 0 ||
	    rr->count[REPLAY_NOT_NEEDED] > 0 ||
	    (p->has_external && rr->nanswering < rr->next) ||
	    rr->resolver_recovered || rr->resolver_failing ||
	    rr->nnow_failing > 0;
	unknown = rr->count[REPLAY_UNKNOWN] > 0;
	if (rr->nothing_probed)
		rr->exit_status = 3;
	else if (rr->needs_change)
		rr->exit_status = 1;
	else if (unknown)
		rr->exit_status = 3;
	else
		rr->exit_status = 0;
	return rr;
}

void
replay_result_free(replay_result *rr)
{
	if (rr == NULL)
		return;
	free(rr->items);
	free(rr->checks);
	free(rr->ext);
	free(rr->extra);
	free(rr);
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */

static const char *
verdict_word(const replay_result *rr)
{
	if (rr->nothing_probed)
		return "unknown (nothing could be probed)";
	if (rr->exit_status == 1)
		return "needs change";
	if (rr->exit_status == 3)
		return "unknown";
	return "holds";
}

void
replay_summary(const replay_result *rr, const char *name, char *buf,
               size_t len)
{
	char esc[200];
	size_t used, s;
	bool first = true;

	used = (size_t)snprintf(buf, len, "exdns replay: %s: %zu connector%s",
	    esc_buf(ESC_TERMINAL, name, strlen(name), esc, sizeof esc), rr->nitems,
	    rr->nitems == 1 ? "" : "s");
	for (s = 0; s < REPLAY_NSTATES && used < len; s++) {
		if (rr->count[s] == 0)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%zu %s",
		    first ? ": " : ", ", rr->count[s],
		    replay_state_to_string((replay_state)s));
		first = false;
	}
	if (rr->nchecks > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    "; %zu checked domain%s, %zu now need%s a connector",
		    rr->nchecks, rr->nchecks == 1 ? "" : "s", rr->nnow_failing,
		    rr->nnow_failing == 1 ? "s" : "");
	if (rr->nchanged > 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    ", %zu with another verdict", rr->nchanged);
	if (rr->p->has_external && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    "; external DNS: %zu/%zu answering", rr->nanswering, rr->next);
	if (rr->resolver_recovered && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    "; resolver answers again");
	if (rr->resolver_failing && used < len)
		used += (size_t)snprintf(buf + used, len - used,
		    "; resolver fails");
	if (used < len)
		snprintf(buf + used, len - used, " -> %s", verdict_word(rr));
}

void
replay_print_text(FILE *out, const replay_result *rr, const char *name)
{
	const plan *p = rr->p;
	const replay_obs *o = rr->obs;
	char line[1200];
	size_t i;

	fprintf(out, "Plan: created %s%s%s, branch %s, resolver %s\n",
	    p->created, p->updated[0] ? ", updated " : "", p->updated,
	    branch_to_string(p->branch), p->resolver);
	fprintf(out, "Resolver %s: %s\n", o->resolver.addr ? o->resolver.addr :
	    p->resolver, rstatus_to_string(o->resolver.status));
	if (rr->resolver_recovered)
		fprintf(out, "  answers again: the external DNS lookups are no "
		    "longer needed (undo them: exdns emit --undo)\n");
	if (rr->resolver_failing)
		fprintf(out, "  fails now: the plan's branch no longer fits; run "
		    "exdns plan again\n");
	for (i = 0; i < rr->nitems; i++) {
		const replay_item *it = &rr->items[i];
		fprintf(out, "%s: %s: %s\n", p->connectors[it->connector].domain,
		    replay_state_to_string(it->state), it->note);
	}
	for (i = 0; i < rr->nchecks; i++) {
		const replay_check *k = &rr->checks[i];
		const plan_checked *pc = &p->checked[k->index];
		if (k->seen == NULL)
			fprintf(out, "%s: checked (%s when planned): not probed\n",
			    pc->domain, verdict_to_string(pc->verdict));
		else if (k->now_failing)
			fprintf(out, "%s: checked (%s when planned): now %s: it "
			    "needs a connector; run exdns plan again\n",
			    pc->domain, verdict_to_string(pc->verdict),
			    verdict_to_string(k->seen->verdict));
		else
			fprintf(out, "%s: checked (%s when planned): %s%s, no "
			    "connector needed%s%s\n", pc->domain,
			    verdict_to_string(pc->verdict), k->changed ? "now " :
			    "", verdict_to_string(k->seen->verdict),
			    verdict_is_fault(k->seen->verdict) &&
			    k->seen->nevidence > 0 ? ": " : "",
			    verdict_is_fault(k->seen->verdict) &&
			    k->seen->nevidence > 0 ? k->seen->evidence[0] : "");
	}
	for (i = 0; i < rr->next; i++)
		fprintf(out, "external DNS %s: %s\n", rr->ext[i].addr,
		    rr->ext[i].answering ? "answering" : rr->ext[i].status ==
		    RSTATUS_UNKNOWN ? "not checked" : rr->ext[i].status ==
		    RSTATUS_TIMEOUT || rr->ext[i].status == RSTATUS_UNREACHABLE ?
		    (rr->ext[i].status == RSTATUS_TIMEOUT ?
		    "not answering (timeout)" : "not answering (unreachable)") :
		    rr->ext[i].status == RSTATUS_SERVFAIL ?
		    "not answering correctly (servfail)" :
		    rr->ext[i].status == RSTATUS_REFUSED ?
		    "not answering correctly (refused)" :
		    "not answering correctly (broken)");
	replay_summary(rr, name, line, sizeof line);
	fprintf(out, "%s\n", line);
}

static json_t *
jstrv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

int
replay_print_json(FILE *out, const replay_result *rr, const char *name)
{
	const plan *p = rr->p;
	json_t *doc, *conns, *exts, *res;
	char line[1200];
	size_t i;
	int rc;

	doc = json_object();
	json_object_set_new(doc, "plan", json_string(name));
	json_object_set_new(doc, "branch", json_string(branch_to_string(
	    p->branch)));
	json_object_set_new(doc, "created", json_string(p->created));
	res = json_object();
	json_object_set_new(res, "address", json_string(
	    rr->obs->resolver.addr ? rr->obs->resolver.addr : p->resolver));
	json_object_set_new(res, "status", json_string(rstatus_to_string(
	    rr->obs->resolver.status)));
	json_object_set_new(res, "recovered", json_boolean(
	    rr->resolver_recovered));
	json_object_set_new(res, "failing", json_boolean(rr->resolver_failing));
	json_object_set_new(doc, "resolver", res);
	conns = json_array();
	for (i = 0; i < rr->nitems; i++) {
		const replay_item *it = &rr->items[i];
		const plan_connector *c = &p->connectors[it->connector];
		json_t *j = json_object();
		json_object_set_new(j, "domain", json_string(c->domain));
		json_object_set_new(j, "state", json_string(replay_state_key(
		    it->state)));
		json_object_set_new(j, "plan_smart_hosts", jstrv(c->smart_hosts,
		    c->nsmart));
		if (it->seen != NULL) {
			json_object_set_new(j, "verdict", json_string(
			    verdict_to_string(it->seen->verdict)));
			json_object_set_new(j, "smart_hosts", jstrv(
			    it->seen->smart_hosts, it->seen->nsmart));
			json_object_set_new(j, "mx", jstrv(it->seen->mx,
			    it->seen->nmx));
			json_object_set_new(j, "evidence", jstrv(
			    it->seen->evidence, it->seen->nevidence));
		} else
			json_object_set_new(j, "verdict", json_null());
		json_object_set_new(j, "note", json_string(it->note));
		json_array_append_new(conns, j);
	}
	json_object_set_new(doc, "connectors", conns);
	conns = json_array();
	for (i = 0; i < rr->nchecks; i++) {
		const replay_check *k = &rr->checks[i];
		const plan_checked *pc = &p->checked[k->index];
		json_t *j = json_object();
		json_object_set_new(j, "domain", json_string(pc->domain));
		json_object_set_new(j, "planned_verdict", json_string(
		    verdict_to_string(pc->verdict)));
		json_object_set_new(j, "verdict", k->seen ? json_string(
		    verdict_to_string(k->seen->verdict)) : json_null());
		json_object_set_new(j, "needs_connector", json_boolean(
		    k->now_failing));
		json_object_set_new(j, "changed", json_boolean(k->changed));
		json_object_set_new(j, "planned_evidence", jstrv(pc->evidence,
		    pc->nevidence));
		json_object_set_new(j, "evidence", k->seen ? jstrv(
		    k->seen->evidence, k->seen->nevidence) : json_null());
		json_array_append_new(conns, j);
	}
	json_object_set_new(doc, "checked", conns);
	exts = json_array();
	for (i = 0; i < rr->next; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "address", json_string(rr->ext[i].addr));
		json_object_set_new(j, "status", json_string(rstatus_to_string(
		    rr->ext[i].status)));
		json_object_set_new(j, "answering", json_boolean(
		    rr->ext[i].answering));
		json_array_append_new(exts, j);
	}
	json_object_set_new(doc, "external", exts);
	json_object_set_new(doc, "nothing_probed", json_boolean(
	    rr->nothing_probed));
	json_object_set_new(doc, "needs_change", json_boolean(rr->needs_change));
	json_object_set_new(doc, "exit_status", json_integer(rr->exit_status));
	replay_summary(rr, name, line, sizeof line);
	json_object_set_new(doc, "summary", json_string(line));
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENSURE_ASCII);
	fputc('\n', out);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The refreshed plan                                                  */

plan *
replay_updated_plan(const replay_result *rr, time_t now, char ***notes,
                    size_t *nnotes)
{
	const plan *old = rr->p;
	plan *p;
	char buf[800];
	size_t i, k;
	bool changed = false;

	if (rr->nothing_probed)
		return NULL;
	p = plan_copy(old);
	/* Walk backwards so removals keep the indices of the rest. */
	for (i = rr->nitems; i-- > 0;) {
		const replay_item *it = &rr->items[i];
		plan_connector *c = &p->connectors[it->connector];
		if (it->state == REPLAY_NOT_NEEDED) {
			snprintf(buf, sizeof buf, "%s: connector removed from the "
			    "plan (remove 'exdns %s' from Exchange: exdns emit "
			    "--undo on the old plan)", c->domain, c->domain);
			strv_push(notes, nnotes, buf);
			plan_remove_connector(p, it->connector);
			changed = true;
		} else if (it->state == REPLAY_STALE && it->seen != NULL &&
		    it->seen->nsmart > 0) {
			strv_free(c->smart_hosts, c->nsmart);
			c->smart_hosts = NULL;
			c->nsmart = 0;
			for (k = 0; k < it->seen->nsmart; k++)
				strv_push(&c->smart_hosts, &c->nsmart,
				    it->seen->smart_hosts[k]);
			strv_free(c->mx, c->nmx);
			c->mx = NULL;
			c->nmx = 0;
			for (k = 0; k < it->seen->nmx; k++)
				strv_push(&c->mx, &c->nmx, it->seen->mx[k]);
			c->verdict = it->seen->verdict;
			strv_free(c->evidence, c->nevidence);
			c->evidence = NULL;
			c->nevidence = 0;
			for (k = 0; k < it->seen->nevidence; k++)
				strv_push(&c->evidence, &c->nevidence,
				    it->seen->evidence[k]);
			changed = true;
		} else if (it->state == REPLAY_STALE) {
			snprintf(buf, sizeof buf, "%s: left as it was (no IPv4 "
			    "address to route to)", c->domain);
			strv_push(notes, nnotes, buf);
		}
	}

	if (old->has_external && rr->resolver_recovered) {
		strv_free(p->external_servers, p->nexternal);
		strv_free(p->external_evidence, p->nexternal_evidence);
		p->external_servers = p->external_evidence = NULL;
		p->nexternal = p->nexternal_evidence = 0;
		p->has_external = false;
		strv_push(notes, nnotes, "[external-dns] removed: the resolver "
		    "answers again (undo the setting: exdns emit --undo on the "
		    "old plan)");
		changed = true;
	} else if (old->has_external && (rr->nanswering < rr->next ||
	    rr->nextra > 0)) {
		char **keep = NULL;
		size_t nkeep = 0;
		for (i = 0; i < rr->next; i++)
			if (rr->ext[i].answering)
				strv_push(&keep, &nkeep, rr->ext[i].addr);
		for (i = 0; i < rr->nextra && nkeep < PLAN_MAX_LIST; i++) {
			bool dup = false;
			for (k = 0; k < nkeep; k++)
				dup |= same_server(keep[k], rr->extra[i]->addr);
			if (!dup)
				strv_push(&keep, &nkeep, rr->extra[i]->addr);
		}
		if (nkeep == 0) {
			strv_push(notes, nnotes, "external DNS servers left as "
			    "they were: none answers (name working ones with "
			    "--external)");
			strv_free(keep, nkeep);
		} else if (nkeep == p->nexternal &&
		    plan_same_set(keep, nkeep, p->external_servers,
		    p->nexternal)) {
			strv_free(keep, nkeep);
		} else {
			strv_free(p->external_servers, p->nexternal);
			p->external_servers = keep;
			p->nexternal = nkeep;
			changed = true;
		}
	}

	if (p->branch == BRANCH_SPECIFIC_DOMAINS && p->nconnectors == 0)
		p->branch = BRANCH_NO_DNS_FAULT;
	if (p->branch == BRANCH_ALL_DOMAINS && !p->has_external)
		p->branch = p->nconnectors > 0 ? BRANCH_SPECIFIC_DOMAINS :
		    BRANCH_NO_DNS_FAULT;
	if (rr->resolver_failing)
		strv_push(notes, nnotes, "the resolver fails now: --update does "
		    "not change the branch; run exdns plan again");
	for (i = 0; i < rr->nchecks; i++) {
		const replay_check *ck = &rr->checks[i];
		plan_checked *pc = &p->checked[ck->index];
		if (ck->now_failing) {
			snprintf(buf, sizeof buf, "%s needs a connector now: "
			    "--update does not add one; run exdns plan again",
			    pc->domain);
			strv_push(notes, nnotes, buf);
		} else if (ck->changed) {
			snprintf(buf, sizeof buf, "[checked %s]: verdict %s "
			    "(was %s)", pc->domain, verdict_to_string(
			    ck->seen->verdict), verdict_to_string(pc->verdict));
			strv_push(notes, nnotes, buf);
			pc->verdict = ck->seen->verdict;
			strv_free(pc->evidence, pc->nevidence);
			pc->evidence = NULL;
			pc->nevidence = 0;
			for (k = 0; verdict_is_fault(pc->verdict) &&
			    k < ck->seen->nevidence; k++)
				strv_push(&pc->evidence, &pc->nevidence,
				    ck->seen->evidence[k]);
			changed = true;
		}
	}
	if (!changed) {
		plan_free(p);
		return NULL;
	}
	plan_set_time(p->updated, now);
	return p;
}
