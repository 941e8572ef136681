/* report.c - a finished probe run as a readable report or one JSON document
 * (jansson for the few top-level objects, a small writer of our own for
 * the domains and their evidence; DNS text reaches the terminal only
 * through dname_printable). */
#include <config.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "idn.h"
#include "report.h"
#include "util.h"

#define REPORT_MAX_MX 6   /* MX hosts listed in the text report */

/* Query i of the run (a resolver check's why_proof or why_retry)
 * described into buf; false when there is none (-1). */
static bool
report_describe_at(const probe_run *r, ssize_t i, char *buf, size_t len)
{
	if (i < 0 || (size_t)i >= probe_nqueries(r))
		return false;
	probe_query_describe(r, probe_query_at(r, (size_t)i), buf, len);
	return true;
}

static void
report_resolver_line(FILE *out, probe_run *r, const char *label,
                     const probe_resolver_check *c)
{
	char a[ADDR_TEXT_MAX], desc[600], e[700];

	addr_format(&c->addr, a, sizeof a);
	fprintf(out, "%s %s: %s%s%s\n", label, a, rstatus_to_string(c->status),
	    c->why != RWHY_NONE ? ", " : "", c->why != RWHY_NONE ?
	    rwhy_to_string(c->why) : "");
	if (c->why == RWHY_NONE && c->status == RSTATUS_OK &&
	    c->largest_udp <= 512)
		fprintf(out, "  Not tested: UDP answers over 512 bytes (no "
		    "canary's answer over UDP was that large: %u bytes at "
		    "most)\n", c->largest_udp);
	if (c->why == RWHY_NONE)
		return;
	fprintf(out, "  Why: %s\n", rwhy_meaning(c->why));
	if (report_describe_at(r, c->why_proof, desc, sizeof desc))
		fprintf(out, "  Evidence: %s\n", dname_printable(desc, e, sizeof e));
	if (report_describe_at(r, c->why_retry, desc, sizeof desc))
		fprintf(out, "  Then: %s\n", dname_printable(desc, e, sizeof e));
	fprintf(out, "  Fix: %s\n", rwhy_fix(c->why));
}

static void
report_vantage_text(FILE *out, const probe_vantage *v)
{
	switch (v->direct) {
	case VANTAGE_DIRECT:
		fprintf(out, "Vantage: this host can ask authoritative servers "
		    "directly\n");
		break;
	case VANTAGE_BLOCKED:
		fprintf(out, "Vantage: blocked: only the resolver answers this host "
		    "(%zu of %zu direct questions to\n"
		    "  servers that must answer were answered); verdicts are judged "
		    "from the\n"
		    "  resolver's answers, as nslookup would\n", v->answered, v->asked);
		break;
	default:
		fprintf(out, "Vantage: unknown: no authoritative server could be "
		    "asked directly\n");
		break;
	}
}

/* For a verdict judged from the resolver's answers: how to see the remote
 * servers' own answers from a host that may ask them. */
static void
report_dig_hint(FILE *out, const probe_domain *d)
{
	char e1[600], e2[600];
	const probe_mx *m;
	const char *host;

	if (d->basis != BASIS_RESOLVER || d->nmx == 0)
		return;
	m = &d->mx[0];
	host = dname_printable(m->cname ? m->cname : m->host, e2, sizeof e2);
	fprintf(out, "  Check from a host that may query the internet: dig +short "
	    "NS %s; then\n  dig +norecurse @SERVER A %s and dig +norecurse "
	    "@SERVER AAAA %s for each\n",
	    dname_printable(m->zone ? m->zone : d->name, e1, sizeof e1), host, host);
}

/* How hard the run pushed the resolver, under its status: "Resolver
 * load: peak 96 in flight, 2410 q/s; no sign of overload". Overload is
 * only said on evidence: tries lost and then answered. */
static void
report_load_line(FILE *out, const probe_run *r, const exaddr *a)
{
	dnsq_server_stats st;

	if (probe_server_load(r, a, &st) != 0)
		return;
	fprintf(out, "Resolver load: peak %u in flight, %u q/s; ", st.peak_inflight,
	    st.peak_qps);
	if (st.lost_then_answered == 0 && st.reasked_answered == 0) {
		fputs("no sign of overload\n", out);
		return;
	}
	fprintf(out, "overload: %llu quer%s lost then answered on retry",
	    (unsigned long long)st.lost_then_answered,
	    st.lost_then_answered == 1 ? "y" : "ies");
	if (st.reasked > 0)
		fprintf(out, ", %llu asked again at low load (%llu answered)",
		    (unsigned long long)st.reasked,
		    (unsigned long long)st.reasked_answered);
	if (st.loss_qps > 0)
		fprintf(out, "; it starts dropping queries above ~%u q/s", st.loss_qps);
	fputc('\n', out);
}

/* The same as a "load" object in the resolver's JSON (obj returned). */
static json_t *
report_load_json(const probe_run *r, const exaddr *a, json_t *obj)
{
	dnsq_server_stats st;
	json_t *l;

	if (probe_server_load(r, a, &st) != 0)
		return obj;
	l = json_object();
	json_object_set_new(l, "peak_inflight", json_integer(st.peak_inflight));
	json_object_set_new(l, "peak_qps", json_integer(st.peak_qps));
	json_object_set_new(l, "queries", json_integer((json_int_t)st.queries));
	json_object_set_new(l, "sent", json_integer((json_int_t)st.sent));
	json_object_set_new(l, "lost_then_answered",
	    json_integer((json_int_t)st.lost_then_answered));
	json_object_set_new(l, "reasked", json_integer((json_int_t)st.reasked));
	json_object_set_new(l, "reasked_answered",
	    json_integer((json_int_t)st.reasked_answered));
	json_object_set_new(l, "loss_qps", json_integer(st.loss_qps));
	json_object_set_new(l, "ceiling", json_integer(st.ceiling));
	json_object_set_new(obj, "load", l);
	return obj;
}

/* The name as probed, and its Unicode form when it has one. */
static const char *
report_name(const char *name, char *buf, size_t len)
{
	char uni[DNAME_MAX * 4];
	size_t a = strlen(name), b;

	if (!idn_to_unicode(name, uni, sizeof uni))
		return dname_printable(name, buf, len);
	/* an A-label name is printable ASCII */
	b = strlen(uni);
	if (a + b + 4 > len)
		return name;
	memcpy(buf, name, a);
	memcpy(buf + a, " (", 2);
	memcpy(buf + a + 2, uni, b);
	memcpy(buf + a + 2 + b, ")", 2);
	return buf;
}

/* What the queue said of a domain, and whether the probe agrees. */
static void
report_queue_domain(FILE *out, const queue_entry *e, verdict v)
{
	char esc[700];

	fprintf(out, "  Queue: %llu message%s", e->messages,
	    e->messages == 1 ? "" : "s");
	if (e->nqueues > 1)
		fprintf(out, " in %zu queues", e->nqueues);
	if (e->status[0] != '\0')
		fprintf(out, ", %s", dname_printable(e->status, esc, sizeof esc));
	if (e->last_error[0] != '\0')
		fprintf(out, ": %s", dname_printable(e->last_error, esc,
		    sizeof esc));
	fputc('\n', out);
	if (e->error == QUEUE_ERR_NONE)
		return;
	fprintf(out, "  Exchange's error: %s\n", queue_error_meaning(e->error));
	switch (queue_agrees(e->error, v)) {
	case QUEUE_AGREE_YES:
		fprintf(out, "  The probe agrees: %s\n", verdict_to_string(v));
		break;
	case QUEUE_AGREE_NO:
		fprintf(out, "  The probe does not agree: %s%s\n",
		    verdict_to_string(v), v == VERDICT_OK ? " (fixed since, "
		    "or Exchange asks another DNS server?)" : "");
		break;
	default:
		fprintf(out, "  The probe cannot tell (%s)\n",
		    verdict_to_string(v));
		break;
	}
}

/* The queue file as a whole: what was taken and skipped, the hint. */
static void
report_queue_summary(FILE *out, const queue *q, branch b)
{
	branch hint = queue_hint(q);
	size_t i;

	fprintf(out, "Queue %s (%s): %zu external DNS-routed queue%s, %zu "
	    "failing: %zu domain%s, most messages first", q->path,
	    queue_shape_to_string(q->shape), q->nexternal,
	    q->nexternal == 1 ? "" : "s", q->nfailing, q->n,
	    q->n == 1 ? "" : "s");
	if (q->nexternal > q->nfailing)
		fprintf(out, "; %zu without a DNS error not probed",
		    q->nexternal - q->nfailing);
	if (q->nerrors > 0)
		fprintf(out, "; %zu bad entr%s skipped", q->nerrors,
		    q->nerrors == 1 ? "y" : "ies");
	fputc('\n', out);
	if (q->nskipped > 0) {
		fprintf(out, "  %zu internal queue%s skipped:", q->nskipped,
		    q->nskipped == 1 ? "" : "s");
		for (i = 0; i < q->nkinds; i++)
			fprintf(out, "%s %s %zu", i ? "," : "", q->skipped_kinds[i],
			    q->skipped_counts[i]);
		fputc('\n', out);
	}
	if (hint == BRANCH_COUNT)
		return;
	fprintf(out, "Queue hint: %s (%zu of %zu external queues failing); "
	    "the probes %s it%s%s\n", branch_to_string(hint), q->nfailing,
	    q->nexternal, hint == b ? "confirm" : "contradict",
	    hint == b ? "" : ": ", hint == b ? "" : branch_to_string(b));
}

void
report_externals(FILE *out, probe_run *r)
{
	size_t i;

	for (i = 0; i < probe_nexternals(r); i++) {
		const probe_resolver_check *c = probe_external_at(r, i);
		char a[ADDR_TEXT_MAX];
		addr_format(&c->addr, a, sizeof a);
		if (c->usable)
			fprintf(out, "  %s answers: usable\n", a);
		else if (c->status == RSTATUS_OK && c->why != RWHY_NONE)
			fprintf(out, "  %s answers, but %s: do not use (%s)\n", a,
			    rwhy_to_string(c->why), rwhy_meaning(c->why));
		else
			fprintf(out, "  %s does not answer correctly (%s): do not "
			    "use\n", a, rstatus_to_string(c->status));
	}
}

void
report_text(FILE *out, probe_run *r)
{
	report_text_queue(out, r, NULL);
}

void
report_text_queue(FILE *out, probe_run *r, const queue *q)
{
	size_t i, j, nd = probe_ndomains(r), nfault = 0, nconn = 0, ninc = 0;
	char e1[600], desc[600];
	const queue_entry *qe;
	branch b = probe_branch(r);
	const probe_resolver_check *rc = probe_resolver(r);

	report_resolver_line(out, r, "Resolver", rc);
	report_load_line(out, r, &rc->addr);
	for (i = 0; i < probe_nexternals(r); i++)
		report_resolver_line(out, r, "External candidate",
		    probe_external_at(r, i));
	report_vantage_text(out, probe_get_vantage(r));
	fputc('\n', out);

	for (i = 0; i < nd; i++) {
		probe_domain *d = probe_domain_at(r, i);
		fprintf(out, "%-32s %s\n", report_name(d->name, e1, sizeof e1),
		    verdict_to_string(d->verdict));
		fprintf(out, "  %s\n", verdict_meaning(d->verdict));
		if ((qe = queue_find(q, d->name)) != NULL)
			report_queue_domain(out, qe, d->verdict);
		if (d->nmx > 0 && d->verdict != VERDICT_NULL_MX) {
			fprintf(out, "  MX:");
			for (j = 0; j < d->nmx && j < REPORT_MAX_MX; j++) {
				fprintf(out, "%s %u %s", j ? "," : "", d->mx[j].pref,
				    dname_printable(d->mx[j].host, e1, sizeof e1));
				if (d->mx[j].cname)
					fprintf(out, " (an alias of %s)", dname_printable(
					    d->mx[j].cname, e1, sizeof e1));
			}
			if (d->nmx > REPORT_MAX_MX)
				fprintf(out, " and %zu more", d->nmx - REPORT_MAX_MX);
			if (d->mx_not_probed > 0)
				fprintf(out, "; %zu more not probed (at most %d MX hosts "
				    "a domain)", d->mx_not_probed, MAX_MX_HOSTS);
			fprintf(out, "%s\n", d->implicit_mx ? " (implicit: no MX record)" : "");
		}
		if (d->nsmart > 0 && verdict_needs_connector(d->verdict)) {
			fprintf(out, "  Smart hosts:");
			for (j = 0; j < d->nsmart; j++)
				fprintf(out, "%s %s", j ? "," : "", d->smart_hosts[j]);
			fputc('\n', out);
		}
		if (d->reason[0])
			fprintf(out, "  Evidence: %s\n", dname_printable(d->reason,
			    desc, sizeof desc));
		if (verdict_is_fault(d->verdict)) {
			nfault++;
			fprintf(out, "  To do: %s\n", verdict_advice(d->verdict));
			report_dig_hint(out, d);
		}
		if (d->verdict == VERDICT_INCONCLUSIVE)
			ninc++;
		if (verdict_needs_connector(d->verdict))
			nconn++;
		fputc('\n', out);
	}

	if (q != NULL)
		report_queue_summary(out, q, b);
	fprintf(out, "Branch: %s\n", branch_to_string(b));
	switch (b) {
	case BRANCH_ALL_DOMAINS:
		fprintf(out, rc->status == RSTATUS_AAAA_FAILS ?
		    "The resolver fails AAAA queries, the canary domains' too: all "
		    "remote domains fail.\n" :
		    "The resolver fails the canary domains: all remote domains fail.\n");
		fprintf(out,
		    "Fix that DNS server, or set External DNS Lookups on the transport\n"
		    "server to working DNS servers and tick \"use the external DNS lookup\n"
		    "settings\" on the Internet send connector.\n");
		report_externals(out, r);
		break;
	case BRANCH_SPECIFIC_DOMAINS:
		fprintf(out,
		    "Only specific remote domains fail: %zu domain%s need%s a send connector\n"
		    "(address space = the domain, smart hosts = the IPv4 addresses above,\n"
		    "smart-host authentication None).\n", nconn, nconn == 1 ? "" : "s",
		    nconn == 1 ? "s" : "");
		break;
	default:
		fprintf(out, "No DNS fault that a connector or external DNS can fix%s.\n",
		    nfault ? " (see the verdicts above)" : "");
		break;
	}
	if (ninc > 0)
		fprintf(out, "%zu domain%s inconclusive from this host: the "
		    "evidence cannot decide (see each reason).\n", ninc,
		    ninc == 1 ? " is" : "s are");
	fprintf(out, "Summary: %zu domain%s, %zu with a fault, %zu need%s a connector; resolver %s; vantage %s\n",
	    nd, nd == 1 ? "" : "s", nfault, nconn, nconn == 1 ? "s" : "",
	    rstatus_to_string(rc->status),
	    vantage_to_string(probe_get_vantage(r)->direct));
}

/* DNS text is ASCII (ldns escapes the rest), but be safe: invalid UTF-8
 * makes json_string fail, so fall back to an escaped copy. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s);
	char buf[1200];

	if (j == NULL)
		j = json_string(esc_buf(ESC_TERMINAL, s, strlen(s), buf, sizeof buf));
	return j;
}

static json_t *
jaddr(const exaddr *a)
{
	char ip[ADDR_TEXT_MAX];

	addr_ip(a, ip, sizeof ip);
	return jstr(ip);
}

/* A resolver or external candidate, without its evidence. */
static json_t *
report_check_json(probe_run *r, const probe_resolver_check *c, bool usable)
{
	char desc[600];

	json_t *o = json_object();

	json_object_set_new(o, "address", jaddr(&c->addr));
	json_object_set_new(o, "port", json_integer(addr_port(&c->addr)));
	json_object_set_new(o, "status", jstr(rstatus_to_string(c->status)));
	json_object_set_new(o, "why", jstr(rwhy_to_string(c->why)));
	json_object_set_new(o, "largest_udp_answer",
	    json_integer(c->largest_udp));
	if (c->why != RWHY_NONE) {
		json_object_set_new(o, "why_text", jstr(rwhy_meaning(c->why)));
		json_object_set_new(o, "fix", jstr(rwhy_fix(c->why)));
		if (report_describe_at(r, c->why_proof, desc, sizeof desc))
			json_object_set_new(o, "why_evidence", jstr(desc));
		if (report_describe_at(r, c->why_retry, desc, sizeof desc))
			json_object_set_new(o, "why_evidence_retry", jstr(desc));
	}
	if (usable)
		json_object_set_new(o, "usable", json_boolean(c->usable));
	return o;
}

/* ---- the domains' part of the JSON document, written directly ---------
 * A run of 10,000 domains writes some 200,000 evidence objects: building
 * a jansson object for each cost most of the run's time, so these are
 * written here with a small writer of our own. Every string goes through
 * jw_str, that is esc_put(ESC_JSON): each value escaped once, the
 * document printable ASCII. */

static void
jw_raw(FILE *out, const char *s)
{
	fputs_unlocked(s, out);
}

static void
jw_uint(FILE *out, unsigned long long v)
{
	char buf[24], *p = buf + sizeof buf;

	*--p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	fputs_unlocked(p, out);
}

static void
jw_str(FILE *out, const char *s)
{
	putc_unlocked('"', out);
	esc_put(out, ESC_JSON, s);
	putc_unlocked('"', out);
}

/* "key": (with a comma before unless first) */
static void
jw_key(FILE *out, const char *key, bool first)
{
	if (!first)
		putc_unlocked(',', out);
	putc_unlocked('"', out);
	fputs_unlocked(key, out);
	fputs_unlocked("\":", out);
}

static void
jw_strs(FILE *out, const char *const *v, size_t n)
{
	size_t i;

	putc_unlocked('[', out);
	for (i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', out);
		jw_str(out, v[i]);
	}
	putc_unlocked(']', out);
}

/* One query of the evidence: server, port, name, type, recursive,
 * outcome, rcode, authoritative (when answered), tries, ms, mismatched,
 * malformed, tcp, answers, and proof when proof is 0 or 1 (-1: no key). */
static void
report_write_query(FILE *out, const probe_run *r, const probe_query *q,
                   int proof)
{
	char ip[ADDR_TEXT_MAX];
	const exaddr *srv = probe_query_server(r, q);
	size_t i;

	addr_ip(srv, ip, sizeof ip);
	putc_unlocked('{', out);
	jw_key(out, "server", true);
	jw_str(out, ip);
	jw_key(out, "port", false);
	jw_uint(out, addr_port(srv));
	jw_key(out, "name", false);
	jw_str(out, q->qname);
	jw_key(out, "type", false);
	jw_str(out, dnsq_type_name(q->qtype));
	jw_key(out, "recursive", false);
	jw_raw(out, q->rd ? "true" : "false");
	jw_key(out, "checking_disabled", false);
	jw_raw(out, q->cd ? "true" : "false");
	jw_key(out, "without_edns", false);
	jw_raw(out, q->plain ? "true" : "false");
	jw_key(out, "outcome", false);
	jw_str(out, dnsq_outcome_to_string(q->outcome));
	jw_key(out, "rcode", false);
	if (q->outcome == DNSQ_ANSWER) {
		jw_str(out, dnsq_rcode_name(q->rcode));
		jw_key(out, "authoritative", false);
		jw_raw(out, q->aa ? "true" : "false");
	} else
		jw_raw(out, "null");
	jw_key(out, "tries", false);
	jw_uint(out, q->tries);
	jw_key(out, "ms", false);
	jw_uint(out, q->ms);
	jw_key(out, "mismatched", false);
	jw_uint(out, q->mismatched);
	jw_key(out, "malformed", false);
	jw_uint(out, q->malformed);
	jw_key(out, "tcp", false);
	jw_raw(out, q->tcp ? "true" : "false");
	jw_key(out, "size", false);
	jw_uint(out, q->size);
	jw_key(out, "answers", false);
	putc_unlocked('[', out);
	for (i = 0; i < q->nanswers; i++) {
		if (i)
			putc_unlocked(',', out);
		jw_str(out, probe_query_answer(q, i));
	}
	putc_unlocked(']', out);
	if (proof >= 0) {
		jw_key(out, "proof", false);
		jw_raw(out, proof ? "true" : "false");
	}
	putc_unlocked('}', out);
}

/* The evidence array: the queries ev[0..n), each marked as the proof or
 * not when mark_proof. */
static void
report_write_evidence(FILE *out, probe_run *r, const uint32_t *ev, size_t n,
                      bool mark_proof, ssize_t proof)
{
	size_t j;

	jw_key(out, "evidence", false);
	putc_unlocked('[', out);
	for (j = 0; j < n; j++) {
		if (j)
			putc_unlocked(',', out);
		report_write_query(out, r, probe_query_at(r, ev[j]),
		    mark_proof ? (ssize_t)ev[j] == proof : -1);
	}
	putc_unlocked(']', out);
}

/* "queue": what the queue file said of the domain. */
static void
report_write_queue_entry(FILE *out, const queue_entry *e, verdict v)
{
	queue_agreement a = queue_agrees(e->error, v);

	jw_key(out, "queue", false);
	putc_unlocked('{', out);
	jw_key(out, "messages", true);
	jw_uint(out, e->messages);
	jw_key(out, "queues", false);
	jw_uint(out, e->nqueues);
	jw_key(out, "status", false);
	jw_str(out, e->status);
	jw_key(out, "last_error", false);
	jw_str(out, e->last_error);
	jw_key(out, "error", false);
	jw_str(out, queue_error_to_string(e->error));
	jw_key(out, "meaning", false);
	jw_str(out, queue_error_meaning(e->error));
	jw_key(out, "probe_agrees", false);
	jw_raw(out, a == QUEUE_AGREE_YES ? "true" : a == QUEUE_AGREE_NO ?
	    "false" : "null");
	putc_unlocked('}', out);
}

static int report_dump(FILE *out, json_t *v);

static void
report_write_domain(FILE *out, probe_run *r, const probe_domain *d,
                    const queue *q)
{
	char uni[DNAME_MAX * 4];
	const queue_entry *qe;
	size_t j;

	putc_unlocked('{', out);
	jw_key(out, "domain", true);
	jw_str(out, d->name);
	if (idn_to_unicode(d->name, uni, sizeof uni)) {
		/* valid UTF-8 from libidn2: \u escapes, not \x */
		jw_key(out, "unicode", false);
		(void)report_dump(out, jstr(uni));
	}
	if ((qe = queue_find(q, d->name)) != NULL)
		report_write_queue_entry(out, qe, d->verdict);
	jw_key(out, "verdict", false);
	jw_str(out, verdict_to_string(d->verdict));
	jw_key(out, "needs_connector", false);
	jw_raw(out, verdict_needs_connector(d->verdict) ? "true" : "false");
	jw_key(out, "basis", false);
	jw_str(out, cf_basis_to_string(d->basis));
	jw_key(out, "smart_hosts", false);
	jw_strs(out, d->smart_hosts, d->nsmart);
	jw_key(out, "implicit_mx", false);
	jw_raw(out, d->implicit_mx ? "true" : "false");
	jw_key(out, "mx_not_probed", false);
	jw_uint(out, d->mx_not_probed);
	jw_key(out, "mx", false);
	putc_unlocked('[', out);
	for (j = 0; j < d->nmx; j++) {
		const probe_mx *m = &d->mx[j];
		if (j)
			putc_unlocked(',', out);
		putc_unlocked('{', out);
		jw_key(out, "host", true);
		jw_str(out, m->host);
		jw_key(out, "preference", false);
		jw_uint(out, m->pref);
		jw_key(out, "zone", false);
		if (m->zone)
			jw_str(out, m->zone);
		else
			jw_raw(out, "null");
		jw_key(out, "cname", false);
		if (m->cname)
			jw_str(out, m->cname);
		else
			jw_raw(out, "null");
		jw_key(out, "ipv4", false);
		jw_strs(out, m->v4, m->nv4);
		jw_key(out, "ipv6", false);
		jw_strs(out, m->v6, m->nv6);
		putc_unlocked('}', out);
	}
	putc_unlocked(']', out);
	jw_key(out, "servers", false);
	putc_unlocked('[', out);
	for (j = 0; j < d->nservers; j++) {
		if (j)
			putc_unlocked(',', out);
		putc_unlocked('{', out);
		jw_key(out, "name", true);
		jw_str(out, d->servers[j].name);
		jw_key(out, "zone", false);
		jw_str(out, d->servers[j].zone);
		jw_key(out, "address", false);
		jw_str(out, d->servers[j].addr);
		putc_unlocked('}', out);
	}
	putc_unlocked(']', out);
	jw_key(out, "reason", false);
	jw_str(out, d->reason);
	report_write_evidence(out, r, d->evidence, d->nevidence, true, d->proof);
	putc_unlocked('}', out);
}

/* A resolver or external candidate: obj (freed here; it has keys) and
 * then its "evidence". */
static int
report_write_check(FILE *out, probe_run *r, json_t *obj,
                   const probe_resolver_check *c)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len = text ? strlen(text) : 0;

	json_decref(obj);
	if (len <= 2 || text[len - 1] != '}') {
		free(text);
		return -1;
	}
	/* The object without its closing brace, then the evidence. */
	fwrite(text, 1, len - 1, out);
	free(text);
	report_write_evidence(out, r, c->evidence, c->nevidence, false, -1);
	putc_unlocked('}', out);
	return 0;
}

/* Writes one value (compact) and frees it; -1 on failure. */
static int
report_dump(FILE *out, json_t *v)
{
	/* One string, one write: json_dumpf writes a token at a time. */
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_ENCODE_ANY) : NULL;
	int rc = text && fputs(text, out) != EOF ? 0 : -1;

	free(text);
	json_decref(v);
	return rc;
}

/* One JSON document, written a domain at a time (a line each) so that
 * memory does not grow with the number of domains. */
int
report_json(FILE *out, probe_run *r)
{
	return report_json_queue(out, r, NULL);
}

/* The top-level "queue": counts, skipped kinds, the hint. */
static void
report_write_queue(FILE *out, const queue *q, branch b)
{
	branch hint = queue_hint(q);
	size_t i;

	fputs(",\n\"queue\":{", out);
	jw_key(out, "file", true);
	jw_str(out, q->path);
	jw_key(out, "shape", false);
	jw_str(out, queue_shape_to_string(q->shape));
	jw_key(out, "external", false);
	jw_uint(out, q->nexternal);
	jw_key(out, "failing", false);
	jw_uint(out, q->nfailing);
	jw_key(out, "domains", false);
	jw_uint(out, q->n);
	jw_key(out, "bad", false);
	jw_uint(out, q->nerrors);
	jw_key(out, "skipped", false);
	jw_uint(out, q->nskipped);
	jw_key(out, "skipped_by_kind", false);
	putc_unlocked('{', out);
	for (i = 0; i < q->nkinds; i++) {
		if (i)
			putc_unlocked(',', out);
		jw_str(out, q->skipped_kinds[i]);
		putc_unlocked(':', out);
		jw_uint(out, q->skipped_counts[i]);
	}
	putc_unlocked('}', out);
	jw_key(out, "hint", false);
	if (hint == BRANCH_COUNT)
		jw_raw(out, "null");
	else
		jw_str(out, branch_to_string(hint));
	jw_key(out, "hint_confirmed", false);
	jw_raw(out, hint == BRANCH_COUNT ? "null" : hint == b ? "true" :
	    "false");
	putc_unlocked('}', out);
}

int
report_json_queue(FILE *out, probe_run *r, const queue *q)
{
	const probe_resolver_check *c;
	const probe_vantage *v;
	size_t i;
	int rc = 0;

	fputs("{\"branch\":", out);
	rc |= report_dump(out, jstr(branch_to_string(probe_branch(r))));
	fputs(",\n\"resolver\":", out);
	c = probe_resolver(r);
	rc |= report_write_check(out, r, report_load_json(r, &c->addr,
	    report_check_json(r, c, false)), c);
	fputs(",\n\"vantage\":{", out);
	v = probe_get_vantage(r);
	jw_key(out, "direct", true);
	jw_str(out, vantage_to_string(v->direct));
	jw_key(out, "asked", false);
	jw_uint(out, v->asked);
	jw_key(out, "answered", false);
	jw_uint(out, v->answered);
	report_write_evidence(out, r, v->evidence, v->nevidence, false, -1);
	putc_unlocked('}', out);
	fputs(",\n\"domains\":[", out);
	for (i = 0; i < probe_ndomains(r); i++) {
		probe_domain *d = probe_domain_at(r, i);
		fputs(i ? ",\n" : "\n", out);
		report_write_domain(out, r, d, q);
	}
	fputs("],\n\"external\":[", out);
	for (i = 0; i < probe_nexternals(r); i++) {
		c = probe_external_at(r, i);
		fputs(i ? ",\n" : "\n", out);
		rc |= report_write_check(out, r, report_check_json(r, c, true), c);
	}
	putc_unlocked(']', out);
	if (q != NULL)
		report_write_queue(out, q, probe_branch(r));
	fputs("}\n", out);
	if (ferror(out))
		rc = -1;
	return rc == 0 ? 0 : -1;
}

int
report_exit_status(probe_run *r)
{
	size_t i;

	if (probe_branch(r) != BRANCH_NO_DNS_FAULT)
		return 1;
	for (i = 0; i < probe_ndomains(r); i++)
		if (verdict_is_fault(probe_domain_at(r, i)->verdict))
			return 1;
	return 0;
}
