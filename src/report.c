/* report.c - a finished probe run as a readable report or one JSON document
 * (jansson does the JSON escaping; DNS text is escaped for the terminal). */
#include <config.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "report.h"
#include "util.h"

#define REPORT_MAX_MX 6   /* MX hosts listed in the text report */

/* Escaped copy for the terminal: DNS data never reaches it raw. */
static const char *
esc(const char *s, char *buf, size_t len)
{
	return dname_escape(s, strlen(s), buf, len);
}

static void
report_resolver_line(FILE *out, const char *label,
                     const probe_resolver_check *c)
{
	char a[ADDR_TEXT_MAX];

	addr_format(&c->addr, a, sizeof a);
	fprintf(out, "%s %s: %s\n", label, a, rstatus_to_string(c->status));
}

void
report_text(FILE *out, probe_run *r)
{
	size_t i, j, nd = probe_ndomains(r), nfault = 0, nconn = 0;
	char e1[600], desc[600];
	branch b = probe_branch(r);
	const probe_resolver_check *rc = probe_resolver(r);

	report_resolver_line(out, "Resolver", rc);
	for (i = 0; i < probe_nexternals(r); i++)
		report_resolver_line(out, "External candidate",
		    probe_external_at(r, i));
	fputc('\n', out);

	for (i = 0; i < nd; i++) {
		probe_domain *d = probe_domain_at(r, i);
		fprintf(out, "%-32s %s\n", esc(d->name, e1, sizeof e1),
		    verdict_to_string(d->verdict));
		fprintf(out, "  %s\n", verdict_meaning(d->verdict));
		if (d->nmx > 0 && d->verdict != VERDICT_NULL_MX) {
			fprintf(out, "  MX:");
			for (j = 0; j < d->nmx && j < REPORT_MAX_MX; j++)
				fprintf(out, "%s %u %s", j ? "," : "", d->mx[j].pref,
				    esc(d->mx[j].host, e1, sizeof e1));
			if (d->nmx > REPORT_MAX_MX)
				fprintf(out, " and %zu more", d->nmx - REPORT_MAX_MX);
			fprintf(out, "%s\n", d->implicit_mx ? " (implicit: no MX record)" : "");
		}
		if (d->nsmart > 0 && verdict_needs_connector(d->verdict)) {
			fprintf(out, "  Smart hosts:");
			for (j = 0; j < d->nsmart; j++)
				fprintf(out, "%s %s", j ? "," : "", d->smart_hosts[j]);
			fputc('\n', out);
		}
		if (d->reason[0])
			fprintf(out, "  Evidence: %s\n", esc(d->reason, desc, sizeof desc));
		if (verdict_is_fault(d->verdict)) {
			nfault++;
			fprintf(out, "  To do: %s\n", verdict_advice(d->verdict));
		}
		if (verdict_needs_connector(d->verdict))
			nconn++;
		fputc('\n', out);
	}

	fprintf(out, "Branch: %s\n", branch_to_string(b));
	switch (b) {
	case BRANCH_ALL_DOMAINS:
		fprintf(out,
		    "The resolver fails the canary domains: all remote domains fail.\n"
		    "Fix that DNS server, or set External DNS Lookups on the transport\n"
		    "server to working DNS servers and tick \"use the external DNS lookup\n"
		    "settings\" on the Internet send connector.\n");
		for (i = 0; i < probe_nexternals(r); i++) {
			const probe_resolver_check *c = probe_external_at(r, i);
			char a[ADDR_TEXT_MAX];
			addr_format(&c->addr, a, sizeof a);
			fprintf(out, "  %s %s\n", a, c->usable ? "answers: usable" :
			    "does not answer correctly: do not use");
		}
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
	fprintf(out, "Summary: %zu domain%s, %zu with a fault, %zu need%s a connector; resolver %s\n",
	    nd, nd == 1 ? "" : "s", nfault, nconn, nconn == 1 ? "s" : "",
	    rstatus_to_string(rc->status));
}

/* DNS text is ASCII (ldns escapes the rest), but be safe: invalid UTF-8
 * makes json_string fail, so fall back to an escaped copy. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s);
	char buf[1200];

	if (j == NULL)
		j = json_string(dname_escape(s, strlen(s), buf, sizeof buf));
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
report_check_json(const probe_resolver_check *c, bool usable)
{
	json_t *o = json_object();

	json_object_set_new(o, "address", jaddr(&c->addr));
	json_object_set_new(o, "port", json_integer(addr_port(&c->addr)));
	json_object_set_new(o, "status", jstr(rstatus_to_string(c->status)));
	if (usable)
		json_object_set_new(o, "usable", json_boolean(c->usable));
	return o;
}

static json_t *
report_strv(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(v[i]));
	return a;
}

static json_t *
report_domain_json(probe_run *r, probe_domain *d)
{
	json_t *o = json_object(), *mx = json_array(), *srv = json_array();
	size_t j;

	json_object_set_new(o, "domain", jstr(d->name));
	json_object_set_new(o, "verdict", jstr(verdict_to_string(d->verdict)));
	json_object_set_new(o, "needs_connector",
	    json_boolean(verdict_needs_connector(d->verdict)));
	json_object_set_new(o, "smart_hosts", report_strv(d->smart_hosts, d->nsmart));
	json_object_set_new(o, "implicit_mx", json_boolean(d->implicit_mx));
	for (j = 0; j < d->nmx; j++) {
		json_t *m = json_object();
		json_object_set_new(m, "host", jstr(d->mx[j].host));
		json_object_set_new(m, "preference", json_integer(d->mx[j].pref));
		json_object_set_new(m, "zone", d->mx[j].zone ? jstr(d->mx[j].zone) : json_null());
		json_object_set_new(m, "ipv4", report_strv(d->mx[j].v4, d->mx[j].nv4));
		json_object_set_new(m, "ipv6", report_strv(d->mx[j].v6, d->mx[j].nv6));
		json_array_append_new(mx, m);
	}
	json_object_set_new(o, "mx", mx);
	for (j = 0; j < d->nservers; j++) {
		json_t *s = json_object();
		json_object_set_new(s, "name", jstr(d->servers[j].name));
		json_object_set_new(s, "zone", jstr(d->servers[j].zone));
		json_object_set_new(s, "address", jstr(d->servers[j].addr));
		json_array_append_new(srv, s);
	}
	json_object_set_new(o, "servers", srv);
	json_object_set_new(o, "reason", jstr(d->reason));
	return o;
}

/* A string value, escaped by jansson. */
static void
report_write_string(FILE *out, const char *s)
{
	char buf[2048];
	json_t *j = jstr(s);
	size_t n = json_dumpb(j, buf, sizeof buf, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);

	if (n > 0 && n <= sizeof buf)
		fwrite(buf, 1, n, out);
	else {
		char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
		fputs(text ? text : "null", out);
		free(text);
	}
	json_decref(j);
}

/* One query of the evidence: server, port, name, type, recursive,
 * outcome, rcode, authoritative (when answered), tries, ms, mismatched,
 * malformed, tcp, answers, and proof when proof is 0 or 1 (-1: no key).
 * Written directly: a domain cites a dozen or more queries and building a
 * jansson object for each cost most of a large run's time. Every value
 * from DNS (names, answers) still goes through jansson's escaping; the
 * rest are numbers and our own names (types, rcodes, outcomes, addresses
 * from inet_ntop). */
static void
report_write_query(FILE *out, const probe_run *r, const probe_query *q,
                   int proof)
{
	char ip[ADDR_TEXT_MAX];
	const exaddr *srv = probe_query_server(r, q);
	size_t i;

	addr_ip(srv, ip, sizeof ip);
	fprintf(out, "{\"server\":\"%s\",\"port\":%u,\"name\":", ip,
	    (unsigned)addr_port(srv));
	report_write_string(out, q->qname);
	fprintf(out, ",\"type\":\"%s\",\"recursive\":%s,\"outcome\":\"%s\",",
	    dnsq_type_name(q->qtype), q->rd ? "true" : "false",
	    dnsq_outcome_to_string(q->outcome));
	if (q->outcome == DNSQ_ANSWER)
		fprintf(out, "\"rcode\":\"%s\",\"authoritative\":%s,",
		    dnsq_rcode_name(q->rcode), q->aa ? "true" : "false");
	else
		fputs("\"rcode\":null,", out);
	fprintf(out, "\"tries\":%u,\"ms\":%u,\"mismatched\":%u,\"malformed\":%u,"
	    "\"tcp\":%s,\"answers\":[", q->tries, q->ms, q->mismatched,
	    q->malformed, q->tcp ? "true" : "false");
	for (i = 0; i < q->nanswers; i++) {
		if (i)
			fputc(',', out);
		report_write_string(out, probe_query_answer(q, i));
	}
	fputc(']', out);
	if (proof >= 0)
		fprintf(out, ",\"proof\":%s", proof ? "true" : "false");
	fputc('}', out);
}

/* obj (freed here) and then its "evidence": the queries ev[0..n), each
 * marked as the proof or not when mark_proof. */
static int
report_write_with_evidence(FILE *out, probe_run *r, json_t *obj,
                           const uint32_t *ev, size_t n, bool mark_proof,
                           ssize_t proof)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	size_t len = text ? strlen(text) : 0, j;

	json_decref(obj);
	if (len < 2 || text[len - 1] != '}') {
		free(text);
		return -1;
	}
	/* The object without its closing brace, then the evidence. */
	fwrite(text, 1, len - 1, out);
	free(text);
	fputs(len > 2 ? ",\"evidence\":[" : "\"evidence\":[", out);
	for (j = 0; j < n; j++) {
		if (j)
			fputc(',', out);
		report_write_query(out, r, probe_query_at(r, ev[j]),
		    mark_proof ? (ssize_t)ev[j] == proof : -1);
	}
	fputs("]}", out);
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
	const probe_resolver_check *c;
	size_t i;
	int rc = 0;

	fputs("{\"branch\":", out);
	rc |= report_dump(out, jstr(branch_to_string(probe_branch(r))));
	fputs(",\n\"resolver\":", out);
	c = probe_resolver(r);
	rc |= report_write_with_evidence(out, r, report_check_json(c, false),
	    c->evidence, c->nevidence, false, -1);
	fputs(",\n\"domains\":[", out);
	for (i = 0; i < probe_ndomains(r); i++) {
		probe_domain *d = probe_domain_at(r, i);
		fputs(i ? ",\n" : "\n", out);
		rc |= report_write_with_evidence(out, r, report_domain_json(r, d),
		    d->evidence, d->nevidence, true, d->proof);
	}
	fputs("],\n\"external\":[", out);
	for (i = 0; i < probe_nexternals(r); i++) {
		c = probe_external_at(r, i);
		fputs(i ? ",\n" : "\n", out);
		rc |= report_write_with_evidence(out, r, report_check_json(c, true),
		    c->evidence, c->nevidence, false, -1);
	}
	fputs("]}\n", out);
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
