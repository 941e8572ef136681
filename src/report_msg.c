/* report_msg.c - the message for a remote domain's postmaster or DNS
 * operator: the failing queries of a probed domain, server by server, with
 * why they break mail and the dig commands that show them. */
#include <config.h>

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "escape.h"
#include "report_msg.h"
#include "util.h"

#define MSG_WIDTH     72   /* columns a paragraph is wrapped to */
#define MSG_MAX_FAILS 16   /* failing queries listed */
#define MSG_MAX_DIG   12   /* dig commands listed */

bool
report_msg_wanted(verdict v)
{
	return v == VERDICT_AAAA_DROPPED || v == VERDICT_AAAA_BAD_RESPONSE ||
	    v == VERDICT_NULL_MX || v == VERDICT_MX_NO_ADDRESS ||
	    v == VERDICT_UNREACHABLE;
}

const char *
report_shell_word(const char *name, char *buf, size_t len)
{
	char esc[1200];
	const char *s = dname_printable(name, esc, sizeof esc);

	return esc_buf(ESC_SHELL, s, strlen(s), buf, len);
}

/* text wrapped to MSG_WIDTH columns, each line indented by indent; the
 * first line goes on from column col (0: a new line). */
static void
msg_wrap_at(FILE *out, int indent, int col, const char *text)
{
	const char *p = text, *w;
	size_t n;

	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *w && *w != ' '; w++)
			;
		n = (size_t)(w - p);
		if (col > 0 && col + 1 + (int)n > MSG_WIDTH) {
			fputc('\n', out);
			col = 0;
		}
		if (col == 0)
			col = fprintf(out, "%*s", indent, "");
		else
			col += fprintf(out, " ");
		col += (int)fwrite(p, 1, n, out);
		p = w;
	}
	if (col > 0)
		fputc('\n', out);
}

static void
msg_wrap(FILE *out, int indent, const char *text)
{
	msg_wrap_at(out, indent, 0, text);
}

/* "  - " and text wrapped under it. */
static void
msg_item(FILE *out, const char *text)
{
	fputs("  -", out);
	msg_wrap_at(out, 4, 3, text);
}

static bool
msg_failed(const probe_query *q)
{
	return q->outcome != DNSQ_ANSWER || q->rcode != LDNS_RCODE_NOERROR;
}

/* The name of the domain's server at ip, or NULL. */
static const char *
msg_server_name(const probe_domain *d, const char *ip)
{
	size_t i;

	for (i = 0; i < d->nservers; i++)
		if (d->servers[i].name != NULL && strcmp(d->servers[i].addr, ip) == 0)
			return d->servers[i].name;
	return NULL;
}

/* The answered A query for q's name at q's server (q->rd alike), or NULL. */
static const probe_query *
msg_a_answer(probe_run *r, const probe_domain *d, const probe_query *q)
{
	size_t i;

	for (i = 0; i < d->nevidence; i++) {
		const probe_query *a = probe_query_at(r, d->evidence[i]);
		if (a->qtype == LDNS_RR_TYPE_A && a->rd == q->rd &&
		    a->outcome == DNSQ_ANSWER && a->rcode == LDNS_RCODE_NOERROR &&
		    a->nanswers > 0 && strcmp(a->qname, q->qname) == 0 &&
		    addr_equal(probe_query_server(r, a), probe_query_server(r, q)))
			return a;
	}
	return NULL;
}

/* How q failed, in words: "no answer after 2 tries over 4.0 seconds". */
static void
msg_how(probe_run *r, const probe_domain *d, const probe_query *q, char *buf,
        size_t len)
{
	const probe_query *a;
	char e[300];

	switch (q->outcome) {
	case DNSQ_TIMEOUT:
		if (q->mismatched || q->malformed)
			snprintf(buf, len, "no valid answer after %u tr%s over %u.%u "
			    "seconds (%u replies for another question, %u "
			    "malformed)", q->tries, q->tries == 1 ? "y" : "ies",
			    q->ms / 1000, q->ms % 1000 / 100, q->mismatched,
			    q->malformed);
		else
			snprintf(buf, len, "no answer after %u tr%s over %u.%u "
			    "seconds", q->tries, q->tries == 1 ? "y" : "ies",
			    q->ms / 1000, q->ms % 1000 / 100);
		return;
	case DNSQ_ANSWER:
		break;
	default:
		snprintf(buf, len, "%s", dnsq_outcome_to_string(q->outcome));
		return;
	}
	if (q->rcode == LDNS_RCODE_NOERROR) {
		size_t i, used;
		if (q->nanswers == 0) {
			snprintf(buf, len, "NOERROR with no %s records",
			    dnsq_type_name(q->qtype));
			return;
		}
		used = (size_t)snprintf(buf, len, "answered");
		for (i = 0; i < q->nanswers && i < 4 && used + 1 < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s \"%s\"",
			    i ? "," : "", dname_printable(probe_query_answer(q, i), e,
			    sizeof e));
		return;
	}
	a = q->qtype != LDNS_RR_TYPE_A ? msg_a_answer(r, d, q) : NULL;
	if (q->rcode == LDNS_RCODE_NXDOMAIN && a != NULL)
		snprintf(buf, len, "NXDOMAIN (\"no such name\"), although the same "
		    "server answers A %s with %s", dname_printable(q->qname, e,
		    sizeof e), probe_query_answer(a, 0));
	else if (a != NULL)
		snprintf(buf, len, "%s, although the same server answers A %s "
		    "with %s", dnsq_rcode_name(q->rcode), dname_printable(
		    q->qname, e, sizeof e), probe_query_answer(a, 0));
	else
		snprintf(buf, len, "%s", dnsq_rcode_name(q->rcode));
}

/* The queries to list: direct ones that failed (the resolver's when the
 * verdict rests on them), the proof first. Returns how many in out. */
static size_t
msg_failures(probe_run *r, const probe_domain *d, const probe_query **out,
             size_t max)
{
	bool resolver = d->basis == BASIS_RESOLVER;
	size_t i, n = 0;

	if (d->proof >= 0 && (size_t)d->proof < probe_nqueries(r) && n < max)
		out[n++] = probe_query_at(r, (size_t)d->proof);
	for (i = 0; i < d->nevidence && n < max; i++) {
		const probe_query *q = probe_query_at(r, d->evidence[i]);
		if ((ssize_t)d->evidence[i] == d->proof || !msg_failed(q))
			continue;
		if (q->rd != resolver)
			continue;
		out[n++] = q;
	}
	if (n == 1 && !msg_failed(out[0]) && d->verdict != VERDICT_NULL_MX &&
	    d->verdict != VERDICT_MX_NO_ADDRESS)
		n = 0;
	return n;
}

/* "dig +norecurse @192.0.2.53 -p 5353 'name' AAAA" */
static void
msg_dig(FILE *out, const char *indent, const char *ip, unsigned port,
        const char *name, const char *type)
{
	char w[1400];

	fprintf(out, "%sdig +norecurse @%s", indent, ip);
	if (port != 53)
		fprintf(out, " -p %u", port);
	fprintf(out, " %s %s\n", report_shell_word(name, w, sizeof w), type);
}

/* The subject's few words for the verdict. */
static const char *
msg_subject(verdict v)
{
	switch (v) {
	case VERDICT_AAAA_DROPPED:
		return "AAAA queries for its mail host go unanswered";
	case VERDICT_AAAA_BAD_RESPONSE:
		return "AAAA queries for its mail host get an error";
	case VERDICT_NULL_MX:
		return "it publishes a null MX and so accepts no mail";
	case VERDICT_MX_NO_ADDRESS:
		return "its MX hosts have no IPv4 address";
	case VERDICT_UNREACHABLE:
		return "its name servers answer nothing";
	default:
		return verdict_meaning(v);
	}
}

static const char *
msg_why(verdict v)
{
	switch (v) {
	case VERDICT_AAAA_DROPPED:
		return "A mail server looks up both the IPv4 (A) and the IPv6 "
		    "(AAAA) address of an MX host. When a name server answers the "
		    "A question but stays silent on AAAA, every resolver that asks "
		    "AAAA waits until it times out and then reports a failure "
		    "(SERVFAIL) to the mail server, which defers the message "
		    "(\"451 4.4.0 DNS query failed\") instead of using the IPv4 "
		    "address it was given. RFC 4074 describes this misbehaviour: a "
		    "server that has no AAAA record for a name that exists must "
		    "answer NOERROR with an empty answer section (NODATA), never "
		    "stay silent.";
	case VERDICT_AAAA_BAD_RESPONSE:
		return "A mail server looks up both the IPv4 (A) and the IPv6 "
		    "(AAAA) address of an MX host. An error, a wrong reply or "
		    "NXDOMAIN to the AAAA question makes resolvers report the whole "
		    "lookup as failed (NXDOMAIN even says that the name does not "
		    "exist, although it has A records), and the mail server defers "
		    "the message (\"451 4.4.0 DNS query failed\"). RFC 4074 "
		    "describes these misbehaviours: a server that has no AAAA record "
		    "for a name that exists must answer NOERROR with an empty answer "
		    "section (NODATA).";
	case VERDICT_NULL_MX:
		return "The domain publishes a null MX (\"MX 0 .\"): by RFC 7505 "
		    "that says the domain accepts no mail at all, so every sender "
		    "must give up on it. If the domain is meant to receive mail, the "
		    "null MX must be replaced by the real MX records.";
	case VERDICT_MX_NO_ADDRESS:
		return "A sender can only deliver to an MX host whose name has an "
		    "address. The MX hosts named below have no IPv4 (A) address "
		    "(and no usable IPv6 one), so mail to the domain cannot be "
		    "delivered and waits in the queue (\"451 4.4.0 DNS query "
		    "failed\").";
	case VERDICT_UNREACHABLE:
		return "None of the domain's name servers answered, so no "
		    "resolver can find where to deliver the domain's mail, and "
		    "the mail waits in the queue (\"451 4.4.0 DNS query "
		    "failed\").";
	default:
		return verdict_meaning(v);
	}
}

static const char *
msg_fix(verdict v)
{
	switch (v) {
	case VERDICT_AAAA_DROPPED:
	case VERDICT_AAAA_BAD_RESPONSE:
		return "Make every name server listed above answer AAAA questions "
		    "for the MX hosts: the IPv6 address when there is one, else "
		    "NOERROR with no records. This is often a firewall, load "
		    "balancer or DNS appliance that filters or mishandles AAAA "
		    "queries.";
	case VERDICT_NULL_MX:
		return "Remove the null MX record (\"MX 0 .\") and publish the "
		    "domain's real MX records, or confirm that the domain does not "
		    "receive mail.";
	case VERDICT_MX_NO_ADDRESS:
		return "Publish A records for the MX hosts (or point the MX "
		    "records at hosts that have them).";
	case VERDICT_UNREACHABLE:
		return "Bring the name servers back, or correct the delegation "
		    "(the NS records at the parent zone) to servers that answer.";
	default:
		return verdict_advice(v);
	}
}

/* "When and from where": the time, the resolver, and honestly whether
 * the remote servers could be asked directly. */
static void
msg_vantage(FILE *out, probe_run *r, const probe_domain *d, time_t seen)
{
	const probe_vantage *v = probe_get_vantage(r);
	char when[PLAN_TIME_LEN], res[ADDR_TEXT_MAX], buf[800];

	plan_set_time(when, seen);
	when[10] = ' ';             /* "2026-11-30 08:00:00" (UTC) */
	when[19] = '\0';
	addr_format(&probe_resolver(r)->addr, res, sizeof res);
	(void)d;
	if (v->direct == VANTAGE_DIRECT)
		snprintf(buf, sizeof buf, "Seen on %s (UTC) by exdns %s, from a "
		    "host that asked your name servers directly (without "
		    "recursion, as the dig commands below do), and through our "
		    "resolver %s.", when, PACKAGE_VERSION, res);
	else if (v->direct == VANTAGE_BLOCKED)
		snprintf(buf, sizeof buf, "Seen on %s (UTC) by exdns %s through "
		    "our resolver %s only: this host could not ask your name "
		    "servers directly (%zu of %zu direct test questions were "
		    "answered), so what follows is what our resolver answered. "
		    "Please run the dig commands below from a host that may query "
		    "your servers to see their own answers.", when,
		    PACKAGE_VERSION, res, v->answered, v->asked);
	else
		snprintf(buf, sizeof buf, "Seen on %s (UTC) by exdns %s through "
		    "our resolver %s; whether this host can ask name servers "
		    "directly is not known, so please check with the dig commands "
		    "below.", when, PACKAGE_VERSION, res);
	msg_wrap(out, 2, buf);
}

/* The dig commands: each failing query at its own server, with A for the
 * same name next to a failing AAAA; for a verdict judged through the
 * resolver, the domain's servers (or how to find them). */
static void
msg_digs(FILE *out, probe_run *r, const probe_domain *d,
         const probe_query *const *fails, size_t nf, const char *in)
{
	unsigned port = probe_get_opts(r)->auth_port;
	char ip[ADDR_TEXT_MAX], w[1400];
	size_t i, j, n = 0;
	const char *name;

	for (i = 0; i < nf && n < MSG_MAX_DIG; i++) {
		const probe_query *q = fails[i];
		const exaddr *s = probe_query_server(r, q);
		bool seen = false;
		if (q->rd)
			continue;
		for (j = 0; j < i; j++)
			seen |= !fails[j]->rd && fails[j]->qtype == q->qtype &&
			    strcmp(fails[j]->qname, q->qname) == 0 &&
			    addr_equal(probe_query_server(r, fails[j]), s);
		if (seen)
			continue;
		addr_ip(s, ip, sizeof ip);
		msg_dig(out, in, ip, addr_port(s), q->qname,
		    dnsq_type_name(q->qtype));
		n++;
		if (q->qtype == LDNS_RR_TYPE_AAAA) {
			msg_dig(out, in, ip, addr_port(s), q->qname, "A");
			n++;
		}
	}
	if (n > 0)
		return;
	/* Nothing asked directly: the servers and the names to ask. */
	name = d->nmx > 0 ? (d->mx[0].cname ? d->mx[0].cname : d->mx[0].host) :
	    d->name;
	if (d->verdict == VERDICT_NULL_MX || d->verdict == VERDICT_UNREACHABLE)
		name = d->name;
	for (i = 0; i < d->nservers && n < MSG_MAX_DIG; i++, n++)
		msg_dig(out, in, d->servers[i].addr, port, name,
		    d->verdict == VERDICT_NULL_MX ? "MX" :
		    d->verdict == VERDICT_UNREACHABLE ? "SOA" :
		    d->verdict == VERDICT_MX_NO_ADDRESS ? "A" : "AAAA");
	if (n > 0)
		return;
	fprintf(out, "%sdig +short NS %s\n", in, report_shell_word(
	    d->nmx > 0 && d->mx[0].zone ? d->mx[0].zone : d->name, w,
	    sizeof w));
	fprintf(out, "%sdig +norecurse @SERVER %s AAAA   (for each server "
	    "listed)\n", in, report_shell_word(name, w, sizeof w));
	if (d->verdict == VERDICT_AAAA_DROPPED ||
	    d->verdict == VERDICT_AAAA_BAD_RESPONSE)
		fprintf(out, "%sdig +norecurse @SERVER %s A\n", in,
		    report_shell_word(name, w, sizeof w));
}

bool
report_msg_write(FILE *out, probe_run *r, const probe_domain *d, time_t seen,
                 const plan *p, const plan_connector *pc)
{
	const probe_query *fails[MSG_MAX_FAILS];
	char e1[600], e2[600], dnbuf[600], ip[ADDR_TEXT_MAX], how[900];
	char buf[2400];
	const char *dn;
	size_t nf, i, j;

	if (!report_msg_wanted(d->verdict))
		return false;
	dn = dname_printable(d->name, dnbuf, sizeof dnbuf);
	fprintf(out, "Subject: DNS fault at %s: %s\n\n", dn,
	    msg_subject(d->verdict));
	fprintf(out, "To the postmaster and the DNS operator of %s,\n\n", dn);
	snprintf(buf, sizeof buf, "mail from our site to %s cannot be "
	    "delivered: our mail server holds it in its queue with \"451 4.4.0 "
	    "DNS query failed\". We looked into it, and the fault is in the DNS "
	    "of %s. The details follow, with the commands to see it yourself.",
	    dn, dn);
	msg_wrap(out, 0, buf);

	if (d->nmx > 0 && d->verdict != VERDICT_NULL_MX) {
		fprintf(out, "\nThe mail hosts (MX) of %s:\n", dn);
		for (i = 0; i < d->nmx; i++) {
			fprintf(out, "  %u %s", d->mx[i].pref,
			    dname_printable(d->mx[i].host, e2, sizeof e2));
			if (d->mx[i].cname)
				fprintf(out, " (an alias of %s)", dname_printable(
				    d->mx[i].cname, e2, sizeof e2));
			for (j = 0; j < d->mx[i].nv4; j++)
				fprintf(out, "%s%s", j ? ", " : ": A ", d->mx[i].v4[j]);
			fputc('\n', out);
		}
	}
	if (d->nservers > 0) {
		fprintf(out, "\nTheir name servers:\n");
		for (i = 0; i < d->nservers; i++)
			fprintf(out, "  %s at %s (zone %s)\n",
			    d->servers[i].name ? dname_printable(d->servers[i].name,
			    e2, sizeof e2) : "(unnamed)", d->servers[i].addr,
			    dname_printable(d->servers[i].zone, e1, sizeof e1));
	}

	fprintf(out, "\nWhat we saw:\n");
	nf = msg_failures(r, d, fails, MSG_MAX_FAILS);
	for (i = 0; i < nf; i++) {
		const probe_query *q = fails[i];
		const char *who;
		addr_ip(probe_query_server(r, q), ip, sizeof ip);
		who = q->rd ? "Our resolver" : msg_server_name(d, ip);
		msg_how(r, d, q, how, sizeof how);
		if (q->rd)
			snprintf(buf, sizeof buf, "Our resolver (%s), asked %s %s: "
			    "%s.", ip, dnsq_type_name(q->qtype), dname_printable(
			    q->qname, e2, sizeof e2), how);
		else {
			char port[16] = "";
			unsigned pn = addr_port(probe_query_server(r, q));
			if (pn != 53)
				snprintf(port, sizeof port, " port %u", pn);
			snprintf(buf, sizeof buf, "%s%s at %s%s, asked %s %s: %s.",
			    who ? "Name server " : "The name server",
			    who ? dname_printable(who, e1, sizeof e1) : "",
			    ip, port, dnsq_type_name(q->qtype), dname_printable(
			    q->qname, e2, sizeof e2), how);
		}
		msg_item(out, buf);
	}
	if (nf == 0) {
		msg_item(out, dname_printable(d->reason, e2, sizeof e2));
	}
	if (pc != NULL && pc->nevidence > 0 && p != NULL) {
		fprintf(out, "\nFirst recorded on %s (UTC):\n", p->created);
		for (i = 0; i < pc->nevidence && i < MSG_MAX_FAILS; i++) {
			msg_item(out, pc->evidence[i]);
		}
	}

	fprintf(out, "\nWhen and from where:\n");
	msg_vantage(out, r, d, seen);
	fprintf(out, "\nWhy this breaks mail:\n");
	msg_wrap(out, 2, msg_why(d->verdict));
	fprintf(out, "\nTo see it yourself:\n");
	msg_digs(out, r, d, fails, nf, "  ");
	fprintf(out, "\nWhat would fix it:\n");
	msg_wrap(out, 2, msg_fix(d->verdict));
	fprintf(out, "\n-- \nexdns %s, verdict %s (%s)\n", PACKAGE_VERSION,
	    verdict_to_string(d->verdict), cf_basis_to_string(d->basis));
	return true;
}

void
report_msg_digs(FILE *out, probe_run *r, const probe_domain *d,
                const char *indent)
{
	const probe_query *fails[MSG_MAX_FAILS];

	msg_digs(out, r, d, fails, msg_failures(r, d, fails, MSG_MAX_FAILS),
	    indent);
}

char *
report_msg_text(probe_run *r, const probe_domain *d, time_t seen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	bool wrote;

	if (!report_msg_wanted(d->verdict))
		return NULL;
	if ((f = open_memstream(&text, &len)) == NULL)
		return NULL;
	wrote = report_msg_write(f, r, d, seen, NULL, NULL);
	if (fclose(f) != 0 || !wrote) {
		free(text);
		return NULL;
	}
	return text;
}
