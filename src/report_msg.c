/* report_msg.c - the message for a remote domain's postmaster or DNS
 * operator: the failing queries of a probed domain, server by server, with
 * why they break mail and the dig commands that show them. */
#include <config.h>

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "classify.h"
#include "escape.h"
#include "report_msg.h"
#include "util.h"

#define MSG_WIDTH     72   /* columns a paragraph is wrapped to */
#define MSG_MAX_FAILS 16   /* failing queries listed */
#define MSG_MAX_DIG   12   /* dig commands listed */

bool
report_msg_wanted(verdict v)
{
	return report_msg_subject(v) != NULL;
}

/* How the message opens: what our site sees of the fault. */
typedef enum msg_intro {
	INTRO_HELD = 0,     /* mail waits in the queue */
	INTRO_AT_TIMES,     /* it fails some of the time */
	INTRO_LOOPBACK,     /* the MX host's address is unusable */
	INTRO_V6ONLY,       /* no IPv4 address to deliver to */
	INTRO_DELIVERED     /* mail arrives; the fault is worth fixing */
} msg_intro;

/* Each verdict that is a fault of the remote domain's own DNS: the
 * subject's few words, why it breaks mail, what fixes it. NULL subject:
 * no message (ok, nxdomain: a typo; resolver-failure, inconclusive: not
 * theirs). */
static const struct {
	const char *subject, *why, *fix;
	msg_intro intro;
} msg_texts[VERDICT_COUNT] = {
	[VERDICT_AAAA_DROPPED] = {
	    "AAAA queries for its mail host go unanswered",
	    "A mail server looks up both the IPv4 (A) and the IPv6 "
	    "(AAAA) address of an MX host. When a name server answers the "
	    "A question but stays silent on AAAA, every resolver that asks "
	    "AAAA waits until it times out and then reports a failure "
	    "(SERVFAIL) to the mail server, which defers the message "
	    "(\"451 4.4.0 DNS query failed\") instead of using the IPv4 "
	    "address it was given. RFC 4074 describes this misbehaviour: a "
	    "server that has no AAAA record for a name that exists must "
	    "answer NOERROR with an empty answer section (NODATA), never "
	    "stay silent.",
	    "Make every name server listed above answer AAAA questions "
	    "for the MX hosts: the IPv6 address when there is one, else "
	    "NOERROR with no records. This is often a firewall, load "
	    "balancer or DNS appliance that filters or mishandles AAAA "
	    "queries.", INTRO_HELD},
	[VERDICT_AAAA_BAD_RESPONSE] = {
	    "AAAA queries for its mail host get an error",
	    "A mail server looks up both the IPv4 (A) and the IPv6 "
	    "(AAAA) address of an MX host. An error, a wrong reply or "
	    "NXDOMAIN to the AAAA question makes resolvers report the whole "
	    "lookup as failed (NXDOMAIN even says that the name does not "
	    "exist, although it has A records), and the mail server defers "
	    "the message (\"451 4.4.0 DNS query failed\"). RFC 4074 "
	    "describes these misbehaviours: a server that has no AAAA record "
	    "for a name that exists must answer NOERROR with an empty answer "
	    "section (NODATA).",
	    "Make every name server listed above answer AAAA questions "
	    "for the MX hosts: the IPv6 address when there is one, else "
	    "NOERROR with no records. This is often a firewall, load "
	    "balancer or DNS appliance that filters or mishandles AAAA "
	    "queries.", INTRO_HELD},
	[VERDICT_NULL_MX] = {
	    "it publishes a null MX and so accepts no mail",
	    "The domain publishes a null MX (\"MX 0 .\"): by RFC 7505 "
	    "that says the domain accepts no mail at all, so every sender "
	    "must give up on it. If the domain is meant to receive mail, the "
	    "null MX must be replaced by the real MX records.",
	    "Remove the null MX record (\"MX 0 .\") and publish the "
	    "domain's real MX records, or confirm that the domain does not "
	    "receive mail.", INTRO_HELD},
	[VERDICT_MX_NO_ADDRESS] = {
	    "its MX hosts have no IPv4 address",
	    "A sender can only deliver to an MX host whose name has an "
	    "address. The MX hosts named above have no IPv4 (A) address "
	    "(and no usable IPv6 one), so mail to the domain cannot be "
	    "delivered and waits in the queue (\"451 4.4.0 DNS query "
	    "failed\").",
	    "Publish A records for the MX hosts (or point the MX "
	    "records at hosts that have them).", INTRO_HELD},
	[VERDICT_MX_LOOPBACK] = {
	    "its MX host resolves to an address no one outside can reach",
	    "A sender delivers to the address of an MX host. The MX host "
	    "named above resolves only to addresses that cannot be reached "
	    "from the internet: loopback (127.0.0.0/8), private (RFC 1918), "
	    "link-local or another special-purpose address (RFC 6890), or an "
	    "address of our own mail server. A sender that connects there "
	    "reaches itself or nothing, so it cannot deliver the domain's "
	    "mail (Exchange reports SMTPSEND.DNS.MxLoopback) and the mail "
	    "waits in its queue.",
	    "Publish the MX host's public IPv4 address in its A record (or "
	    "point the MX record at a host that has one). An internal "
	    "address belongs in internal DNS only, never in the zone the "
	    "internet sees.", INTRO_LOOPBACK},
	[VERDICT_IPV6_ONLY_MX] = {
	    "its MX hosts have IPv6 addresses only (no A records)",
	    "The MX hosts named above have IPv6 (AAAA) addresses but no IPv4 "
	    "(A) address. A sender without IPv6 connectivity to the "
	    "internet, as many mail servers still are, finds no address it "
	    "can connect to and keeps the mail in its queue: mail from "
	    "IPv6-capable senders may arrive, mail from IPv4-only senders "
	    "never does.",
	    "If the domain is meant to receive mail from IPv4-only senders, "
	    "publish A records for its MX hosts next to the AAAA records (or "
	    "point the MX records at hosts that have IPv4 addresses).",
	    INTRO_V6ONLY},
	[VERDICT_MX_CNAME] = {
	    "its MX record points at an alias (CNAME)",
	    "The MX record names a host that is an alias (a CNAME record) of "
	    "another name. RFC 2181 section 10.3 says that the name in an MX "
	    "record must not be an alias. Our mail server follows the alias "
	    "and delivers, but other senders may refuse it, and every lookup "
	    "takes an extra step that can fail on its own.",
	    "Point the MX record at the host's own name (the target of the "
	    "alias, named above) instead of the alias (RFC 2181 section "
	    "10.3).", INTRO_DELIVERED},
	[VERDICT_LAME_DELEGATION] = {
	    "one of its name servers does not serve its zone (lame delegation)",
	    "The parent zone lists the name server named above for the zone "
	    "(RFC 1034: the NS records of a delegation), but that server "
	    "does not serve it: it answers REFUSED, or without the AA "
	    "(authoritative answer) flag, or with a referral. RFC 8499 calls "
	    "this a lame delegation. A resolver that asks that server gets "
	    "no usable answer and must try another one or give up, so "
	    "lookups of the domain fail or are delayed some of the time, "
	    "depending on the server a resolver picks.",
	    "Either serve the zone on that server (as a primary or a "
	    "secondary), or remove the server from the zone's NS records, "
	    "both in the zone and at the parent zone (the delegation, at the "
	    "registrar).", INTRO_AT_TIMES},
	[VERDICT_SLOW] = {
	    "its name server answers too late",
	    "The name server named above answers, but only after the time "
	    "shown. Many resolvers give one server well under that before "
	    "they ask another or give up (Exchange gives a DNS server 5 "
	    "seconds): a resolver that does not wait long enough reports "
	    "the lookup as failed, or answers nothing, which looks like a "
	    "dropped query. So lookups of the domain fail for some senders "
	    "and not others, and some of the time.",
	    "Find what delays the answers: an overloaded server, a slow "
	    "backend behind it, rate limiting, or a firewall or load "
	    "balancer in front of it. An authoritative server normally "
	    "answers within the network round trip and a few milliseconds.",
	    INTRO_AT_TIMES},
	[VERDICT_DNSSEC_BOGUS] = {
	    "its DNSSEC fails validation",
	    "The domain's zone is signed (or its parent publishes a DS "
	    "record for it), but its signatures cannot be validated: "
	    "signatures (RRSIG) that expired or are not yet valid, or a DS "
	    "record at the parent that matches no key (DNSKEY) of the zone. "
	    "A validating resolver must then answer SERVFAIL (RFC 4035, RFC "
	    "6840), and every sender that uses one cannot "
	    "find the MX hosts. Asked with CD=1 (checking disabled), the same "
	    "resolver gives the answer: the records are there, their "
	    "validation is what fails. The first two commands below ask our "
	    "resolver; any validating resolver shows the same.",
	    "Sign the zone again (and make sure signing runs before the "
	    "signatures expire), or, if the keys were changed, publish at "
	    "the parent a DS record that matches the zone's current key "
	    "signing key and remove the old one (RFC 6781 describes key "
	    "rollovers). If the zone is no longer meant to be signed, remove "
	    "its DS record at the parent first, and remove the signatures "
	    "only after the DS record's TTL has passed.", INTRO_HELD},
	[VERDICT_EDNS_BROKEN] = {
	    "its name server fails queries with EDNS",
	    "The name server named above answers a question sent without "
	    "EDNS, but not the same question with EDNS (an OPT record, RFC "
	    "6891): no answer at all, or FORMERR. Every current resolver "
	    "sends EDNS, and since the DNS flag day of 2019 resolvers no "
	    "longer retry without it when a server does not answer, so "
	    "lookups of the domain's mail hosts fail and the mail waits in "
	    "the queue. This is usually a firewall or load balancer in front "
	    "of the server that does not understand EDNS.",
	    "Make the server, and whatever is in front of it, answer queries "
	    "with EDNS as RFC 6891 requires (a server that does not "
	    "implement EDNS must answer FORMERR without an OPT record, RFC "
	    "6891 section 7, never stay silent): update or reconfigure the "
	    "device that drops them, or let DNS traffic to the server pass "
	    "it unfiltered.", INTRO_HELD},
	[VERDICT_TCP_BLOCKED] = {
	    "its name server cannot be asked over TCP",
	    "The name server named above truncates its answer over UDP (the "
	    "TC flag: the answer does not fit), and then gives no answer "
	    "over TCP (the connection is refused, reset or never answered). "
	    "A resolver must then ask over TCP to get the answer, and RFC "
	    "7766 requires every DNS server to answer over TCP as well as "
	    "over UDP. A resolver that asks this server gets nothing and "
	    "must try another one or give up, so lookups fail some of the "
	    "time. Other servers answer over TCP from here, so the block is "
	    "at or in front of this server.",
	    "Allow TCP port 53 to the server (a firewall or access list that "
	    "lets only UDP port 53 through is the usual cause), and make "
	    "sure the server itself accepts DNS over TCP (RFC 7766).",
	    INTRO_AT_TIMES},
	[VERDICT_LARGE_DROPPED] = {
	    "UDP answers over 512 bytes from its name server never arrive",
	    "The name server named above answers small questions, but its "
	    "UDP answers larger than 512 bytes never reach us, although our "
	    "questions offer a larger buffer with EDNS (RFC 6891 sections "
	    "6.2.3 to 6.2.5: a server may answer up to the size the client "
	    "offers). The same question without EDNS comes truncated (TC) "
	    "and is answered over TCP. So something on the server's side "
	    "drops large DNS packets: a firewall's DNS inspection limited "
	    "to 512 bytes, or a path that drops IP fragments. Resolvers that "
	    "do not get the answer report a failure, and the mail waits in "
	    "the queue.",
	    "Let DNS answers up to the size the client offers pass (at least "
	    "1232 bytes): raise or remove a 512-byte limit in a firewall's "
	    "DNS inspection, and do not drop IP fragments of DNS answers; or "
	    "make the server send at most 1232 bytes over UDP, so that larger "
	    "answers come truncated and are fetched over TCP (RFC 6891 "
	    "section 6.2.5).", INTRO_HELD},
	[VERDICT_UNREACHABLE] = {
	    "its name servers answer nothing",
	    "None of the domain's name servers answered, so no "
	    "resolver can find where to deliver the domain's mail, and "
	    "the mail waits in the queue (\"451 4.4.0 DNS query "
	    "failed\").",
	    "Bring the name servers back, or correct the delegation "
	    "(the NS records at the parent zone) to servers that answer.",
	    INTRO_HELD},
};

const char *
report_msg_subject(verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? msg_texts[v].subject : NULL;
}

const char *
report_msg_why(verdict v)
{
	return report_msg_subject(v) != NULL ? msg_texts[v].why : NULL;
}

const char *
report_msg_fix(verdict v)
{
	return report_msg_subject(v) != NULL ? msg_texts[v].fix : NULL;
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

/* The answered A query for q's name at q's server (q->rd alike), or NULL. */
static const probe_query *
msg_a_answer(probe_run *r, const probe_domain *d, const probe_query *q)
{
	size_t i;

	for (i = 0; i < d->nevidence; i++) {
		const probe_query *a = probe_query_at(r, d->evidence[i]);
		if (a->qtype == LDNS_RR_TYPE_A && a->rd == q->rd &&
		    a->cd == q->cd && a->plain == q->plain &&
		    a->outcome == DNSQ_ANSWER && a->rcode == LDNS_RCODE_NOERROR &&
		    a->nanswers > 0 && strcmp(a->qname, q->qname) == 0 &&
		    addr_equal(probe_query_server(r, a), probe_query_server(r, q)))
			return a;
	}
	return NULL;
}

/* How q was asked, beyond the name and type: " without EDNS", " with
 * CD=1 (checking disabled)", and for the EDNS verdicts " with EDNS". */
static void
msg_asked(probe_run *r, const probe_domain *d, const probe_query *q,
          char *buf, size_t len)
{
	unsigned bufsize = probe_get_opts(r)->dnsq.edns_bufsize;

	if (q->cd)
		snprintf(buf, len, " with CD=1 (checking disabled)");
	else if (q->plain)
		snprintf(buf, len, " without EDNS");
	else if (!q->rd && bufsize > 0 && (d->verdict == VERDICT_EDNS_BROKEN ||
	    d->verdict == VERDICT_LARGE_DROPPED))
		snprintf(buf, len, " with EDNS (a %u-byte buffer)", bufsize);
	else
		buf[0] = '\0';
}

/* What an answer adds: its size when over 512 bytes or fetched over TCP,
 * its time when slow (known only for an answer to the first try). */
static void
msg_extra(const probe_query *q, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (q->tcp)
		used = (size_t)snprintf(buf, len, ", %u bytes over TCP after a "
		    "truncated UDP answer", q->size);
	else if (q->size > 512)
		used = (size_t)snprintf(buf, len, ", %u bytes", q->size);
	if (q->tries == 1 && q->ms >= CLASSIFY_SLOW_MS && used < len)
		snprintf(buf + used, len - used, ", after %u.%u seconds",
		    q->ms / 1000, q->ms % 1000 / 100);
}

/* How q failed (or what it got), in words: "no answer after 2 tries over
 * 4.0 seconds". */
static void
msg_how(probe_run *r, const probe_domain *d, const probe_query *q, char *buf,
        size_t len)
{
	const probe_query *a;
	char e[300], x[120];
	bool noaa = !q->rd && !q->aa;

	switch (q->outcome) {
	case DNSQ_TIMEOUT:
		if (q->tcp)
			snprintf(buf, len, "a truncated answer (TC=1) over UDP, then "
			    "no answer over TCP within %u.%u seconds", q->ms / 1000,
			    q->ms % 1000 / 100);
		else if (q->mismatched || q->malformed)
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
		snprintf(buf, len, "%s%s", q->tcp ? "a truncated answer (TC=1) "
		    "over UDP, then over TCP: " : "",
		    dnsq_outcome_to_string(q->outcome));
		return;
	}
	msg_extra(q, x, sizeof x);
	if (q->rcode == LDNS_RCODE_NOERROR) {
		size_t i, used;
		if (q->nanswers == 0) {
			snprintf(buf, len, "%s with no %s records%s", noaa ?
			    "a referral or an answer without the AA (authoritative) "
			    "flag," : "NOERROR", dnsq_type_name(q->qtype), x);
			return;
		}
		used = (size_t)snprintf(buf, len, "answered");
		for (i = 0; i < q->nanswers && i < 4 && used + 1 < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s \"%s\"",
			    i ? "," : "", dname_printable(probe_query_answer(q, i), e,
			    sizeof e));
		if (used + 1 < len)
			snprintf(buf + used, len - used, "%s%s", noaa ? ", without "
			    "the AA (authoritative answer) flag" : "", x);
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
		snprintf(buf, len, "%s%s", dnsq_rcode_name(q->rcode), x);
}

static bool
msg_same_question(const probe_query *a, const probe_query *b)
{
	return a->qtype == b->qtype && strcmp(a->qname, b->qname) == 0;
}

static bool
msg_noerror(const probe_query *q)
{
	return q->outcome == DNSQ_ANSWER && q->rcode == LDNS_RCODE_NOERROR;
}

/* out[0..*n) plus q, unless it is there or out is full. */
static void
msg_add(const probe_query **out, size_t *n, size_t max, const probe_query *q)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (out[i] == q)
			return;
	if (*n < max)
		out[(*n)++] = q;
}

/* Is e, beside the proof p, part of what shows the verdict v? The query
 * without EDNS after a failed one with EDNS (and, for large answers, a
 * small question with EDNS the server answered); the CD=1 question the
 * validating resolver answered; another server's answer (and over TCP)
 * to the question a server fails over TCP or answers lame; the direct
 * answers behind an MX host's addresses. */
static bool
msg_companion(probe_run *r, verdict v, const probe_query *p,
              const probe_query *e)
{
	bool same_srv = addr_equal(probe_query_server(r, e),
	    probe_query_server(r, p));

	switch (v) {
	case VERDICT_LARGE_DROPPED:
		if (same_srv && !e->rd && !e->plain && msg_noerror(e) &&
		    e->qtype == LDNS_RR_TYPE_SOA)
			return true;
		/* FALLTHROUGH */
	case VERDICT_EDNS_BROKEN:
		return same_srv && e->plain && !p->plain && msg_same_question(e, p);
	case VERDICT_DNSSEC_BOGUS:
		return same_srv && e->rd && e->cd && msg_same_question(e, p);
	case VERDICT_TCP_BLOCKED:
	case VERDICT_LAME_DELEGATION:
		return !same_srv && !e->rd && msg_noerror(e) && e->aa &&
		    msg_same_question(e, p);
	case VERDICT_IPV6_ONLY_MX:
		if (e->qtype == LDNS_RR_TYPE_AAAA && msg_noerror(e) &&
		    e->nanswers > 0 && strcmp(e->qname, p->qname) == 0)
			return true;
		/* FALLTHROUGH */
	case VERDICT_MX_LOOPBACK:
	case VERDICT_MX_CNAME:
		return !e->rd && msg_noerror(e) && msg_same_question(e, p);
	default:
		return false;
	}
}

/* The queries to list: the proof first, what shows the verdict beside it,
 * then the direct ones that failed (the resolver's when the verdict rests
 * on them). Returns how many in out. */
static size_t
msg_failures(probe_run *r, const probe_domain *d, const probe_query **out,
             size_t max)
{
	bool resolver = d->basis == BASIS_RESOLVER;
	const probe_query *p = NULL;
	size_t i, n = 0;

	if (d->proof >= 0 && (size_t)d->proof < probe_nqueries(r))
		msg_add(out, &n, max, p = probe_query_at(r, (size_t)d->proof));
	for (i = 0; p != NULL && i < d->nevidence; i++) {
		const probe_query *q = probe_query_at(r, d->evidence[i]);
		if (q != p && msg_companion(r, d->verdict, p, q))
			msg_add(out, &n, max, q);
	}
	for (i = 0; i < d->nevidence; i++) {
		const probe_query *q = probe_query_at(r, d->evidence[i]);
		if (msg_failed(q) && q->rd == resolver)
			msg_add(out, &n, max, q);
	}
	if (n == 1 && !msg_failed(out[0]) &&
	    (d->verdict == VERDICT_AAAA_DROPPED ||
	    d->verdict == VERDICT_AAAA_BAD_RESPONSE ||
	    d->verdict == VERDICT_UNREACHABLE))
		n = 0;
	return n;
}

/* "dig +norecurse @192.0.2.53 -p 5353 'name' AAAA": opts, then the
 * server (none: the reader's own resolver), the name as one shell word. */
static void
msg_dig(FILE *out, const char *indent, const char *opts, const char *ip,
        unsigned port, const char *name, const char *type)
{
	char w[1400];

	fprintf(out, "%sdig", indent);
	if (opts != NULL && *opts)
		fprintf(out, " %s", opts);
	if (ip != NULL)
		fprintf(out, " @%s", ip);
	if (ip != NULL && port != 53)
		fprintf(out, " -p %u", port);
	fprintf(out, " %s %s\n", report_shell_word(name, w, sizeof w), type);
}

/* The same at the server q was asked of. */
static void
msg_qdig(FILE *out, const char *indent, probe_run *r, const char *opts,
         const probe_query *q, const char *name, const char *type)
{
	const exaddr *s = probe_query_server(r, q);
	char ip[ADDR_TEXT_MAX];

	addr_ip(s, ip, sizeof ip);
	msg_dig(out, indent, opts, ip, addr_port(s), name ? name : q->qname,
	    type ? type : dnsq_type_name(q->qtype));
}

/* The domain's servers of the zone that holds name (the deepest zone of
 * theirs it is under), as indices into d->servers; how many. */
static size_t
msg_zone_servers(const probe_domain *d, const char *name, size_t *idx,
                 size_t max)
{
	size_t i, n = 0, best = 0;

	for (i = 0; i < d->nservers; i++) {
		size_t l = strlen(d->servers[i].zone);
		if (d->servers[i].name == NULL ||
		    !dname_under(name, d->servers[i].zone) || l < best)
			continue;
		if (l > best) {
			best = l;
			n = 0;
		}
		if (n < max)
			idx[n++] = i;
	}
	return n;
}

/* A question at each server of name's zone; or, none known, through the
 * reader's own resolver. Returns how many lines. */
static size_t
msg_zone_dig(FILE *out, const char *in, probe_run *r, const probe_domain *d,
             const char *opts, const char *name, const char *type)
{
	unsigned port = probe_get_opts(r)->auth_port;
	size_t idx[4], i, n = msg_zone_servers(d, name, idx, 4);

	for (i = 0; i < n; i++)
		msg_dig(out, in, opts, d->servers[idx[i]].addr, port, name, type);
	if (n == 0)
		msg_dig(out, in, NULL, NULL, 0, name, type);
	return n ? n : 1;
}

/* The dig commands of the verdicts that show at one query, the proof p:
 * each the way that makes the fault show (and the way that works next to
 * it). Returns how many lines (0: none of these verdicts). */
static size_t
msg_digs_proof(FILE *out, probe_run *r, const probe_domain *d,
               const probe_query *p, const probe_query *const *fails,
               size_t nf, const char *in)
{
	unsigned bufsize = probe_get_opts(r)->dnsq.edns_bufsize;
	char opts[64], ip[ADDR_TEXT_MAX];
	const probe_server *srv;
	size_t i, n = 0, h;

	switch (d->verdict) {
	case VERDICT_EDNS_BROKEN:
		if (p->rd)
			return 0;
		msg_qdig(out, in, r, "+norecurse", p, NULL, NULL);
		msg_qdig(out, in, r, "+norecurse +noedns", p, NULL, NULL);
		return 2;
	case VERDICT_LARGE_DROPPED:
		if (p->rd)
			return 0;
		snprintf(opts, sizeof opts, "+norecurse +bufsize=%u",
		    bufsize ? bufsize : 1232);
		msg_qdig(out, in, r, opts, p, NULL, NULL);
		msg_qdig(out, in, r, "+norecurse +noedns +ignore", p, NULL, NULL);
		msg_qdig(out, in, r, "+norecurse +tcp", p, NULL, NULL);
		return 3;
	case VERDICT_TCP_BLOCKED:
		if (p->rd)
			return 0;
		msg_qdig(out, in, r, "+norecurse +ignore", p, NULL, NULL);
		msg_qdig(out, in, r, "+norecurse +tcp", p, NULL, NULL);
		n = 2;
		for (i = 0; i < nf; i++)
			if (fails[i] != p && !fails[i]->rd &&
			    msg_companion(r, d->verdict, p, fails[i])) {
				msg_qdig(out, in, r, "+norecurse +tcp", fails[i], NULL,
				    NULL);
				n++;
				break;
			}
		return n;
	case VERDICT_LAME_DELEGATION:
		if (p->rd)
			return 0;
		msg_qdig(out, in, r, "+norecurse", p, NULL, NULL);
		addr_ip(probe_query_server(r, p), ip, sizeof ip);
		if ((srv = probe_domain_server(d, ip)) != NULL) {
			msg_qdig(out, in, r, "+norecurse", p, srv->zone, "SOA");
			n++;
		}
		return n + 1;
	case VERDICT_SLOW:
		if (p->rd)
			return 0;
		msg_qdig(out, in, r, "+norecurse", p, NULL, NULL);
		msg_qdig(out, in, r, "+norecurse +tries=1 +time=1", p, NULL, NULL);
		return 2;
	case VERDICT_DNSSEC_BOGUS:
		if (!p->rd)
			return 0;
		msg_qdig(out, in, r, "+dnssec", p, NULL, NULL);
		msg_qdig(out, in, r, "+cd", p, NULL, NULL);
		n = 2;
		{
			size_t idx[2], k = msg_zone_servers(d, p->qname, idx, 2);
			unsigned port = probe_get_opts(r)->auth_port;
			for (i = 0; i < k; i++) {
				msg_dig(out, in, "+norecurse +dnssec",
				    d->servers[idx[i]].addr, port, p->qname,
				    dnsq_type_name(p->qtype));
				msg_dig(out, in, "+norecurse", d->servers[idx[i]].addr,
				    port, d->servers[idx[i]].zone, "DNSKEY");
				n += 2;
			}
		}
		return n;
	case VERDICT_MX_LOOPBACK:
	case VERDICT_IPV6_ONLY_MX:
		/* The address records, at the servers that gave them. */
		for (i = 0; i < nf; i++) {
			const probe_query *q = fails[i];
			if (q->rd || !msg_same_question(q, p))
				continue;
			msg_qdig(out, in, r, "+norecurse", q, NULL, NULL);
			n++;
			if (d->verdict == VERDICT_IPV6_ONLY_MX) {
				msg_qdig(out, in, r, "+norecurse", q, NULL, "AAAA");
				n++;
			}
		}
		if (n > 0)
			return n;
		n = msg_zone_dig(out, in, r, d, "+norecurse", p->qname,
		    dnsq_type_name(p->qtype));
		if (d->verdict == VERDICT_IPV6_ONLY_MX)
			n += msg_zone_dig(out, in, r, d, "+norecurse", p->qname,
			    "AAAA");
		return n;
	case VERDICT_MX_CNAME:
		for (h = 0; h < d->nmx; h++)
			if (d->mx[h].cname != NULL)
				break;
		if (h == d->nmx)
			return 0;
		n = msg_zone_dig(out, in, r, d, "+norecurse", d->name, "MX");
		return n + msg_zone_dig(out, in, r, d, "+norecurse",
		    d->mx[h].host, "CNAME");
	default:
		return 0;
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

/* The dig commands: for the verdicts that show at one query, those of
 * msg_digs_proof; else each failing query at its own server, with A for
 * the same name next to a failing AAAA; for a verdict judged through the
 * resolver, the domain's servers (or how to find them). */
static void
msg_digs(FILE *out, probe_run *r, const probe_domain *d,
         const probe_query *const *fails, size_t nf, const char *in)
{
	unsigned port = probe_get_opts(r)->auth_port;
	char ip[ADDR_TEXT_MAX], w[1400];
	size_t i, j, n = 0;
	const char *name;

	if (nf > 0 && d->proof >= 0 && fails[0] == probe_query_at(r,
	    (size_t)d->proof) && msg_digs_proof(out, r, d, fails[0], fails, nf,
	    in) > 0)
		return;
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
		msg_dig(out, in, "+norecurse", ip, addr_port(s), q->qname,
		    dnsq_type_name(q->qtype));
		n++;
		if (q->qtype == LDNS_RR_TYPE_AAAA) {
			msg_dig(out, in, "+norecurse", ip, addr_port(s), q->qname,
			    "A");
			n++;
		}
	}
	if (n > 0)
		return;
	/* Nothing asked directly: the servers and the names to ask. */
	name = d->nmx > 0 ? (d->mx[0].cname ? d->mx[0].cname : d->mx[0].host) :
	    d->name;
	if (d->verdict == VERDICT_NULL_MX || d->verdict == VERDICT_UNREACHABLE ||
	    d->verdict == VERDICT_EDNS_BROKEN ||
	    d->verdict == VERDICT_LARGE_DROPPED)
		name = d->name;
	for (i = 0; i < d->nservers && n < MSG_MAX_DIG; i++, n++)
		msg_dig(out, in, "+norecurse", d->servers[i].addr, port, name,
		    d->verdict == VERDICT_NULL_MX ? "MX" :
		    d->verdict == VERDICT_UNREACHABLE ? "SOA" :
		    d->verdict == VERDICT_AAAA_DROPPED ||
		    d->verdict == VERDICT_AAAA_BAD_RESPONSE ? "AAAA" : "A");
	if (n > 0)
		return;
	fprintf(out, "%sdig +short NS %s\n", in, report_shell_word(
	    d->nmx > 0 && d->mx[0].zone ? d->mx[0].zone : d->name, w,
	    sizeof w));
	if (d->verdict == VERDICT_AAAA_DROPPED ||
	    d->verdict == VERDICT_AAAA_BAD_RESPONSE) {
		fprintf(out, "%sdig +norecurse @SERVER %s AAAA   (for each server "
		    "listed)\n", in, report_shell_word(name, w, sizeof w));
		fprintf(out, "%sdig +norecurse @SERVER %s A\n", in,
		    report_shell_word(name, w, sizeof w));
	} else
		fprintf(out, "%sdig +norecurse @SERVER %s %s   (for each server "
		    "listed)\n", in, report_shell_word(name, w, sizeof w),
		    d->verdict == VERDICT_NULL_MX ? "MX" :
		    d->verdict == VERDICT_UNREACHABLE ? "SOA" : "A");
}

bool
report_msg_write(FILE *out, probe_run *r, const probe_domain *d, time_t seen,
                 const plan *p)
{
	char *const *recorded = NULL;
	size_t nrecorded = 0;
	const probe_query *fails[MSG_MAX_FAILS];
	char e1[600], e2[600], dnbuf[600], ip[ADDR_TEXT_MAX], how[900];
	char buf[2400], asked[64];
	const char *dn;
	size_t nf, i, j;

	if (!report_msg_wanted(d->verdict))
		return false;
	dn = dname_printable(d->name, dnbuf, sizeof dnbuf);
	fprintf(out, "Subject: DNS fault at %s: %s\n\n", dn,
	    report_msg_subject(d->verdict));
	fprintf(out, "To the postmaster and the DNS operator of %s,\n\n", dn);
	switch (msg_texts[d->verdict].intro) {
	case INTRO_AT_TIMES:
		snprintf(buf, sizeof buf, "mail from our site to %s is held at "
		    "times in our mail server's queue with \"451 4.4.0 DNS query "
		    "failed\", depending on which name server a resolver asks. We "
		    "looked into it, and found a fault in the DNS of %s that "
		    "explains it. The details follow, with the commands to see it "
		    "yourself.", dn, dn);
		break;
	case INTRO_LOOPBACK:
		snprintf(buf, sizeof buf, "mail from our site to %s cannot be "
		    "delivered: its MX host resolves to an address that cannot be "
		    "reached from outside your network. The details follow, with "
		    "the commands to see it yourself.", dn);
		break;
	case INTRO_V6ONLY:
		snprintf(buf, sizeof buf, "mail from our site to %s cannot be "
		    "delivered: our mail server delivers over IPv4, and the MX "
		    "hosts of %s have no IPv4 address. The details follow, with "
		    "the commands to see it yourself.", dn, dn);
		break;
	case INTRO_DELIVERED:
		snprintf(buf, sizeof buf, "mail from our site to %s is delivered, "
		    "but while looking into the DNS of %s we found a fault worth "
		    "fixing. The details follow, with the commands to see it "
		    "yourself.", dn, dn);
		break;
	default:
		snprintf(buf, sizeof buf, "mail from our site to %s cannot be "
		    "delivered: our mail server holds it in its queue with \"451 "
		    "4.4.0 DNS query failed\". We looked into it, and the fault is "
		    "in the DNS of %s. The details follow, with the commands to see "
		    "it yourself.", dn, dn);
		break;
	}
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
		const probe_server *srv = NULL;
		const char *who;
		addr_ip(probe_query_server(r, q), ip, sizeof ip);
		if (!q->rd)
			srv = probe_domain_server(d, ip);
		who = q->rd ? "Our resolver" : srv != NULL ? srv->name : NULL;
		msg_how(r, d, q, how, sizeof how);
		msg_asked(r, d, q, asked, sizeof asked);
		if (q->rd)
			snprintf(buf, sizeof buf, "Our resolver (%s), asked %s %s%s: "
			    "%s.", ip, dnsq_type_name(q->qtype), dname_printable(
			    q->qname, e2, sizeof e2), asked, how);
		else {
			char port[16] = "";
			unsigned pn = addr_port(probe_query_server(r, q));
			if (pn != 53)
				snprintf(port, sizeof port, " port %u", pn);
			snprintf(buf, sizeof buf, "%s%s at %s%s, asked %s %s%s: %s.",
			    who ? "Name server " : "The name server",
			    who ? dname_printable(who, e1, sizeof e1) : "",
			    ip, port, dnsq_type_name(q->qtype), dname_printable(
			    q->qname, e2, sizeof e2), asked, how);
		}
		msg_item(out, buf);
	}
	if (nf == 0) {
		msg_item(out, dname_printable(d->reason, e2, sizeof e2));
	}
	if (p != NULL)
		plan_recorded_evidence(p, d->name, &recorded, &nrecorded);
	if (nrecorded > 0) {
		fprintf(out, "\nFirst recorded on %s (UTC):\n", p->created);
		for (i = 0; i < nrecorded && i < MSG_MAX_FAILS; i++)
			msg_item(out, recorded[i]);
	}

	fprintf(out, "\nWhen and from where:\n");
	msg_vantage(out, r, d, seen);
	fprintf(out, "\nWhy this breaks mail:\n");
	msg_wrap(out, 2, report_msg_why(d->verdict));
	fprintf(out, "\nTo see it yourself:\n");
	msg_digs(out, r, d, fails, nf, "  ");
	fprintf(out, "\nWhat would fix it:\n");
	msg_wrap(out, 2, report_msg_fix(d->verdict));
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
	wrote = report_msg_write(f, r, d, seen, NULL);
	if (fclose(f) != 0 || !wrote) {
		free(text);
		return NULL;
	}
	return text;
}
