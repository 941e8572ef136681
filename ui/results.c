/* results.c - copies a finished probe run into the wizard's own results
 * (printable lines, health, verdicts) and builds the plan to save. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dname.h"
#include "escape.h"
#include "report_msg.h"
#include "results.h"
#include "util.h"

static const char *const kind_names[RESULTS_KIND_COUNT] = {
	[RESULTS_CHECK] = "check",
	[RESULTS_DOMAINS] = "domains",
	[RESULTS_EXTERNAL] = "external",
};

const char *
results_kind_to_string(results_kind k)
{
	return (unsigned)k < RESULTS_KIND_COUNT ? kind_names[k] : "unknown";
}

int
results_kind_from_string(const char *s, results_kind *out)
{
	unsigned i;

	for (i = 0; i < RESULTS_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (results_kind)i;
			return 0;
		}
	return -1;
}

static void
push_safe(char ***v, size_t *n, const char *s)
{
	char *c = esc_dup(ESC_TERMINAL, s, 1000);

	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = c;
}

static void
push_fmt(char ***v, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
push_fmt(char ***v, size_t *n, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	push_safe(v, n, buf);
}

/* One query's lines: who was asked and the description, then its answers,
 * escaped. who: the server's name, or NULL to find it among the domain's
 * servers (d) or say "resolver" for a recursive query. */
static void
query_lines(const probe_run *r, const probe_query *q, const probe_domain *d,
            const char *who, const char *mark, char ***v, size_t *n)
{
	char buf[600], esc[400], ip[ADDR_TEXT_MAX];
	size_t i;

	if (who == NULL && q->rd)
		who = "resolver";
	if (who == NULL && d != NULL) {
		const probe_server *s;
		addr_ip(probe_query_server(r, q), ip, sizeof ip);
		if ((s = probe_domain_server(d, ip)) != NULL)
			who = s->name;
	}
	probe_query_describe(r, q, buf, sizeof buf);
	if (who != NULL)
		push_fmt(v, n, "%s%s %s", mark, dname_printable(who, esc,
		    sizeof esc), buf);
	else
		push_fmt(v, n, "%s%s", mark, buf);
	for (i = 0; i < q->nanswers && i < 8; i++) {
		const char *a = probe_query_answer(q, i);
		push_fmt(v, n, "      -> %s", dname_printable(a, esc, sizeof esc));
	}
	if (q->nanswers > 8)
		push_fmt(v, n, "      (%zu more)", (size_t)q->nanswers - 8);
}

static void
server_copy(probe_run *r, const probe_resolver_check *c, results_server *s,
            const char *who)
{
	char addr[ADDR_TEXT_MAX];
	size_t i;

	addr_format(&c->addr, addr, sizeof addr);
	s->addr = xstrdup(addr);
	s->status = c->status;
	s->why = c->why;
	s->usable = c->usable;
	s->selected = c->usable;
	for (i = 0; i < c->nevidence; i++) {
		const probe_query *q;
		if (c->evidence[i] >= probe_nqueries(r))
			continue;
		q = probe_query_at(r, c->evidence[i]);
		/* The well-known domains are counted by their MX; their AAAA,
		 * localhost and an MX again with CD=1 (asked too) are
		 * evidence. */
		if (q->qtype == LDNS_RR_TYPE_MX && !q->cd) {
			s->asked++;
			if (q->outcome == DNSQ_ANSWER && (q->rcode == LDNS_RCODE_NOERROR ||
			    q->rcode == LDNS_RCODE_NXDOMAIN))
				s->answered++;
		}
		query_lines(r, q, NULL, who, "", &s->evidence, &s->nevidence);
	}
}

static void
server_free(results_server *s)
{
	free(s->addr);
	strv_free(s->evidence, s->nevidence);
}

/* What the proof query got, in a few words, for the table. */
static char *
domain_brief(probe_run *r, const probe_domain *d)
{
	const probe_query *q;
	char buf[120];
	const char *what;

	switch (d->verdict) {
	case VERDICT_OK: return xstrdup("");
	case VERDICT_NULL_MX: return xstrdup("MX: null (takes no mail)");
	case VERDICT_MX_NO_ADDRESS: return xstrdup("MX hosts: no A record");
	case VERDICT_MX_LOOPBACK: return xstrdup("MX host: a private address");
	case VERDICT_IPV6_ONLY_MX: return xstrdup("MX hosts: AAAA, no A");
	case VERDICT_MX_CNAME: return xstrdup("MX host: an alias (CNAME)");
	default: break;
	}
	if (d->proof < 0 || (size_t)d->proof >= probe_nqueries(r))
		return xstrdup(verdict_to_string(d->verdict));
	q = probe_query_at(r, (size_t)d->proof);
	switch (q->outcome) {
	case DNSQ_ANSWER:
		what = q->rcode == LDNS_RCODE_NOERROR ? (q->nanswers ? "answered" :
		    "no records") : dnsq_rcode_name(q->rcode);
		break;
	case DNSQ_TIMEOUT:
		what = q->mismatched || q->malformed ? "bad replies" : "no answer";
		break;
	case DNSQ_UNREACHABLE:
		what = "unreachable";
		break;
	default:
		what = dnsq_outcome_to_string(q->outcome);
		break;
	}
	if (d->verdict == VERDICT_SLOW)
		snprintf(buf, sizeof buf, "%s: %s after %u ms",
		    dnsq_type_name(q->qtype), what, (unsigned)q->ms);
	else if (d->verdict == VERDICT_TCP_BLOCKED)
		snprintf(buf, sizeof buf, "%s: truncated, %s over TCP",
		    dnsq_type_name(q->qtype), what);
	else if (d->verdict == VERDICT_EDNS_BROKEN)
		snprintf(buf, sizeof buf, "%s: %s with EDNS, answered without",
		    dnsq_type_name(q->qtype), what);
	else if (d->verdict == VERDICT_LARGE_DROPPED)
		snprintf(buf, sizeof buf, "%s: %s with EDNS; without, truncated "
		    "and answered over TCP", dnsq_type_name(q->qtype), what);
	else
		snprintf(buf, sizeof buf, "%s: %s%s", dnsq_type_name(q->qtype),
		    what, q->rd ? " (resolver)" : "");
	return esc_dup(ESC_TERMINAL, buf, sizeof buf);
}

static void
domain_copy(probe_run *r, probe_domain *d, results_domain *o)
{
	char esc[400], line[1200];
	size_t i, j;

	o->name = esc_dup(ESC_TERMINAL, d->name, DNAME_MAX);
	o->verdict = d->verdict;
	o->reason = esc_dup(ESC_TERMINAL, d->reason, strlen(d->reason) + 1);
	o->brief = domain_brief(r, d);
	o->message = report_msg_text(r, d, plan_now());
	for (i = 0; i < d->nsmart; i++)
		push_safe(&o->smart, &o->nsmart, d->smart_hosts[i]);
	for (i = 0; i < d->nmx; i++) {
		const probe_mx *m = &d->mx[i];
		size_t used;
		if (m->host == NULL)
			continue;
		push_safe(&o->mx, &o->nmx, m->host);
		used = (size_t)snprintf(line, sizeof line, "MX %u %s:", m->pref,
		    dname_printable(m->host, esc, sizeof esc));
		for (j = 0; j < m->nv4 && used < sizeof line - 60; j++)
			used += (size_t)snprintf(line + used, sizeof line - used,
			    " %s", m->v4[j]);
		for (j = 0; j < m->nv6 && used < sizeof line - 60; j++)
			used += (size_t)snprintf(line + used, sizeof line - used,
			    " %s", m->v6[j]);
		if (m->nv4 + m->nv6 == 0)
			snprintf(line + used, sizeof line - used, " (no address)");
		push_safe(&o->detail, &o->ndetail, line);
	}
	if (d->implicit_mx)
		push_safe(&o->detail, &o->ndetail,
		    "no MX records: the domain's own address is its mail host");
	for (i = 0; i < d->nservers; i++) {
		const probe_server *s = &d->servers[i];
		char zone[300];
		snprintf(line, sizeof line, "DNS server of %s: %s %s",
		    s->zone ? dname_printable(s->zone, zone, sizeof zone) : "?",
		    s->name ? dname_printable(s->name, esc, sizeof esc) : "?",
		    s->addr);
		push_safe(&o->detail, &o->ndetail, line);
	}
	if (d->proof >= 0 && (size_t)d->proof < probe_nqueries(r))
		query_lines(r, probe_query_at(r, (size_t)d->proof), d, NULL, "* ",
		    &o->evidence, &o->nevidence);
	for (i = 0; i < d->nevidence; i++) {
		if (d->evidence[i] >= probe_nqueries(r) ||
		    (d->proof >= 0 && d->evidence[i] == (size_t)d->proof))
			continue;
		query_lines(r, probe_query_at(r, d->evidence[i]), d, NULL, "  ",
		    &o->evidence, &o->nevidence);
	}
}

static void
domain_free(results_domain *d)
{
	free(d->name);
	free(d->reason);
	free(d->brief);
	free(d->message);
	strv_free(d->smart, d->nsmart);
	strv_free(d->mx, d->nmx);
	strv_free(d->detail, d->ndetail);
	strv_free(d->evidence, d->nevidence);
}

results *
results_new(results_kind kind)
{
	results *res = xcalloc(1, sizeof *res);

	res->kind = kind;
	return res;
}

void
results_free(results *res)
{
	size_t i;

	if (res == NULL)
		return;
	server_free(&res->resolver);
	for (i = 0; i < res->ndomains; i++)
		domain_free(&res->domains[i]);
	free(res->domains);
	for (i = 0; i < res->nexternals; i++)
		server_free(&res->externals[i]);
	free(res->externals);
	plan_free(res->plan);
	free(res->plan_err);
	strv_free(res->notes, res->nnotes);
	free(res);
}

plan *
results_external_plan(const results *res)
{
	plan *p = plan_new();
	char buf[PLAN_TEXT_MAX];
	size_t i, j;

	plan_set_time(p->created, plan_now());
	p->resolver = xstrdup(res->resolver.addr);
	p->branch = BRANCH_ALL_DOMAINS;
	p->has_external = true;
	p->use_external_dns_lookups = true;
	snprintf(buf, sizeof buf, "resolver %s: %s (%u of %u canary domains "
	    "answered)", res->resolver.addr,
	    rstatus_to_string(res->resolver.status), res->resolver.answered,
	    res->resolver.asked);
	strv_push(&p->external_evidence, &p->nexternal_evidence, buf);
	for (i = 0; i < res->resolver.nevidence && p->nexternal_evidence < 6;
	    i++)
		if (strncmp(res->resolver.evidence[i], "resolver ", 9) == 0)
			strv_push(&p->external_evidence, &p->nexternal_evidence,
			    res->resolver.evidence[i]);
	for (i = 0; i < res->nexternals && p->nexternal_evidence < 20; i++) {
		snprintf(buf, sizeof buf, "candidate %s: %s (%u of %u canary "
		    "domains answered)", res->externals[i].addr,
		    rstatus_to_string(res->externals[i].status),
		    res->externals[i].answered, res->externals[i].asked);
		strv_push(&p->external_evidence, &p->nexternal_evidence, buf);
	}
	for (j = 0; j < p->nexternal_evidence; j++) {
		char *s = esc_dup(ESC_PLAN, p->external_evidence[j], SIZE_MAX);
		free(p->external_evidence[j]);
		p->external_evidence[j] = s;
	}
	return p;
}

struct results_build {
	probe_run *r;
	results *res;
	size_t next;                /* the next domain to copy */
};

results_build *
results_build_new(probe_run *r, results_kind kind, unsigned ms)
{
	results_build *b = xcalloc(1, sizeof *b);
	probe_progress pg;

	b->r = r;
	b->res = results_new(kind);
	probe_get_progress(r, &pg);
	b->res->queries = pg.queries_done;
	b->res->ms = ms;
	server_copy(r, probe_resolver(r), &b->res->resolver, "resolver");
	b->res->branch = probe_branch(r);
	b->res->vantage = probe_get_vantage(r)->direct;
	if (kind == RESULTS_DOMAINS) {
		b->res->ndomains = probe_ndomains(r);
		b->res->domains = xcalloc(b->res->ndomains ? b->res->ndomains : 1,
		    sizeof *b->res->domains);
	}
	return b;
}

bool
results_build_step(results_build *b, unsigned budget_ms)
{
	uint64_t until = now_ms() + budget_ms;

	/* A domain or sixteen between looks at the clock. */
	while (b->next < b->res->ndomains) {
		domain_copy(b->r, probe_domain_at(b->r, b->next), &b->res->domains[b->next]);
		b->next++;
		if (b->next % 16 == 0 && now_ms() >= until)
			break;
	}
	return b->next >= b->res->ndomains;
}

void
results_build_progress(const results_build *b, size_t *done, size_t *total)
{
	*done = b->next;
	*total = b->res->ndomains;
}

results *
results_build_finish(results_build *b)
{
	results *res = b->res;
	probe_run *r = b->r;
	plan_meta meta;
	char err[600];
	size_t i;

	while (!results_build_step(b, 1000))
		;
	free(b);
	if (res->kind == RESULTS_EXTERNAL) {
		res->nexternals = probe_nexternals(r);
		res->externals = xcalloc(res->nexternals ? res->nexternals : 1,
		    sizeof *res->externals);
		for (i = 0; i < res->nexternals; i++)
			server_copy(r, probe_external_at(r, i), &res->externals[i],
			    "candidate");
		res->plan = results_external_plan(res);
		return res;
	}
	if (res->kind == RESULTS_DOMAINS) {
		memset(&meta, 0, sizeof meta);
		meta.now = plan_now();
		res->plan = plan_from_probe(r, &meta, &res->notes, &res->nnotes,
		    err, sizeof err);
		if (res->plan == NULL)
			res->plan_err = esc_dup(ESC_TERMINAL, err, sizeof err);
		for (i = 0; i < res->nnotes; i++) {
			char *s = esc_dup(ESC_TERMINAL, res->notes[i], 1000);
			free(res->notes[i]);
			res->notes[i] = s;
		}
	}
	return res;
}

void
results_build_free(results_build *b)
{
	if (b == NULL)
		return;
	results_free(b->res);
	free(b);
}

results *
results_from_run(probe_run *r, results_kind kind, unsigned ms)
{
	return results_build_finish(results_build_new(r, kind, ms));
}

size_t
results_nconnectors(const results *res)
{
	size_t i, n = 0;

	for (i = 0; i < res->ndomains; i++)
		if (verdict_needs_connector(res->domains[i].verdict))
			n++;
	return n;
}

size_t
results_nselected(const results *res)
{
	size_t i, n = 0;

	for (i = 0; i < res->nexternals; i++)
		if (res->externals[i].selected)
			n++;
	return n;
}

char *
results_selected_text(const results *res, const char *sep)
{
	size_t i, len = 1;
	char *out;

	for (i = 0; i < res->nexternals; i++)
		len += strlen(res->externals[i].addr) + strlen(sep);
	out = xmalloc(len);
	out[0] = '\0';
	for (i = 0; i < res->nexternals; i++) {
		if (!res->externals[i].selected)
			continue;
		if (out[0] != '\0')
			strcat(out, sep);
		strcat(out, res->externals[i].addr);
	}
	return out;
}

plan *
results_plan(const results *res, char *const *servers, size_t nservers,
             const char *connector, time_t now, char *err, size_t errlen)
{
	plan *p;
	size_t i;

	if (res == NULL || res->plan == NULL) {
		snprintf(err, errlen, "%s", res != NULL && res->plan_err != NULL ?
		    res->plan_err : "there is no plan to save yet");
		return NULL;
	}
	p = plan_copy(res->plan);
	plan_set_time(p->created, now);
	p->updated[0] = '\0';
	strv_free(p->transport_servers, p->ntransport);
	p->transport_servers = NULL;
	p->ntransport = 0;
	for (i = 0; i < nservers; i++)
		strv_push(&p->transport_servers, &p->ntransport, servers[i]);
	free(p->internet_connector);
	p->internet_connector = connector != NULL && *connector != '\0' ?
	    xstrdup(connector) : NULL;
	if (res->kind == RESULTS_EXTERNAL) {
		strv_free(p->external_servers, p->nexternal);
		p->external_servers = NULL;
		p->nexternal = 0;
		for (i = 0; i < res->nexternals; i++)
			if (res->externals[i].selected)
				strv_push(&p->external_servers, &p->nexternal,
				    res->externals[i].addr);
		if (p->nexternal == 0) {
			snprintf(err, errlen, "no external DNS server is ticked");
			plan_free(p);
			return NULL;
		}
	}
	if (plan_validate(p, err, errlen) != 0) {
		plan_free(p);
		return NULL;
	}
	return p;
}
