/* classify.c - the verdict table: a domain's verdict from its facts alone
 * (see classify.h). The order of the rules is the table's order; each
 * returns at once with the answer it rests on. */
#include <config.h>

#include <string.h>

#include "classify.h"
#include "util.h"

#define NOHOST ((size_t)-1)

static const char *const facts[FACT_COUNT] = {
	[FACT_UNASKED] = "unasked",
	[FACT_DATA] = "data",
	[FACT_NODATA] = "nodata",
	[FACT_NXDOMAIN] = "nxdomain",
	[FACT_SERVFAIL] = "servfail",
	[FACT_REFUSED] = "refused",
	[FACT_FORMERR] = "formerr",
	[FACT_NOTIMP] = "notimp",
	[FACT_RCODE] = "rcode",
	[FACT_BADREPLY] = "badreply",
	[FACT_TIMEOUT] = "timeout",
	[FACT_UNREACHABLE] = "unreachable",
};

const char *
fact_to_string(fact f)
{
	return enum_name(facts, FACT_COUNT, (unsigned)f, "unknown");
}

static const char *const vantages[VANTAGE_COUNT] = {
	[VANTAGE_UNKNOWN] = "unknown",
	[VANTAGE_DIRECT] = "reachable",
	[VANTAGE_BLOCKED] = "blocked",
};

const char *
vantage_to_string(vantage v)
{
	return enum_name(vantages, VANTAGE_COUNT, (unsigned)v, "unknown");
}

int
vantage_from_string(const char *s, vantage *out)
{
	int i = enum_index(vantages, VANTAGE_COUNT, s);

	if (i < 0)
		return -1;
	*out = (vantage)i;
	return 0;
}

static const char *const bases[BASIS_COUNT] = {
	[BASIS_NONE] = "none",
	[BASIS_DIRECT] = "direct",
	[BASIS_RESOLVER] = "resolver",
};

const char *
cf_basis_to_string(cf_basis b)
{
	return enum_name(bases, BASIS_COUNT, (unsigned)b, "none");
}

static const char *const notes[NOTE_COUNT] = {
	[NOTE_NONE] = "",
	[NOTE_AUTH_CORRECT] = "its authoritative servers were asked directly "
	    "and answer correctly",
	[NOTE_VIA_RESOLVER] = "this host cannot ask the remote servers "
	    "directly: judged from the resolver's answers, as nslookup would",
	[NOTE_SERVERS_SILENT] = "the remote servers did not answer this host "
	    "directly: judged from the resolver's answers",
	[NOTE_RESOLVER_AAAA] = "the resolver fails AAAA queries for every "
	    "name, the canaries' too: not this domain's fault",
	[NOTE_NO_SERVERS] = "no authoritative server could be found",
	[NOTE_NO_MX_HOST] = "no usable MX host",
	[NOTE_NO_V4] = "no MX host has an IPv4 address",
	[NOTE_BAD_V4] = "the MX hosts' IPv4 addresses are loopback, private, "
	    "link-local, multicast, reserved or this host's own: never a smart "
	    "host",
	[NOTE_SOME_BAD_V4] = "this MX host's IPv4 addresses are loopback, "
	    "private, link-local, multicast, reserved or this host's own (never "
	    "a smart host); the other MX hosts' are usable",
	[NOTE_ALL_LAME] = "every server the parent zone lists for the MX "
	    "host's zone is lame: none is authoritative for it",
	[NOTE_CD_WORKS] = "the same question with CD=1 (checking disabled) is "
	    "answered: the domain's DNSSEC fails validation",
	[NOTE_EDNS_PLAIN] = "the same question without EDNS is answered: "
	    "that server answers plain queries, its EDNS path is broken (RFC "
	    "6891)",
	[NOTE_EDNS_RESOLVED] = "the same question without EDNS is answered: "
	    "that server answers plain queries, its EDNS path is broken (RFC "
	    "6891); the resolver got every answer all the same (it retried "
	    "without EDNS): tell the remote side",
	[NOTE_TCP_REMOTE] = "its answer is truncated (TC=1) and over TCP it "
	    "gives none (refused, reset or silent), while another server or "
	    "the resolver gives the answer and TCP to other servers works from "
	    "here: the remote side blocks TCP/53 to that server",
	[NOTE_TCP_HERE] = "its answer is truncated (TC=1) and over TCP it "
	    "gives none, but no server answered this host over TCP at all "
	    "while the resolver or another server gives the answer: TCP/53 "
	    "out may be blocked on this network, not the domain's fault",
	[NOTE_LARGE_REMOTE] = "the same question without EDNS comes "
	    "truncated (its answer is over 512 bytes) and is answered over TCP, "
	    "and that server answers small questions with EDNS: its UDP answers "
	    "over 512 bytes are dropped, while UDP answers that large from "
	    "other servers reach this host: the remote side",
	[NOTE_LARGE_HERE] = "the same question without EDNS comes truncated "
	    "(its answer is over 512 bytes) and is answered over TCP, and that "
	    "server answers small questions with EDNS; but no UDP answer over "
	    "512 bytes reached this host from any server: a firewall on this "
	    "network may drop them (DNS inspection limited to 512 bytes), not "
	    "the domain's fault",
	[NOTE_LARGE_RESOLVED] = "the same question without EDNS comes "
	    "truncated (its answer is over 512 bytes) and is answered over TCP, "
	    "and that server answers small questions with EDNS: its UDP answers "
	    "over 512 bytes are dropped on the remote side; the resolver got "
	    "every answer all the same: tell the remote side",
	[NOTE_SLOW] = "a server of its zone answered, but after more than "
	    "1.5 s: resolvers that wait less give up, as if it were dropped",
	[NOTE_SLOW_EXCHANGE] = "a server of its zone answered, but after more "
	    "than 5 s: later than Exchange waits for a DNS server",
	[NOTE_MISSING_MX] = "the resolver could not give the MX and the "
	    "domain's own servers could not be asked from this host",
	[NOTE_MISSING_ADDR] = "no MX host's address could be learned: the "
	    "resolver failed and the remote servers could not be asked from "
	    "this host",
	[NOTE_MISSING_HOST] = "an MX host failed through the resolver and "
	    "its servers did not answer this host",
};

const char *
cf_note_text(cf_note n)
{
	return enum_name(notes, NOTE_COUNT, (unsigned)n, "");
}

/* Any reply at all, even an unusable one. */
static bool
replied(fact f)
{
	return f >= FACT_DATA && f <= FACT_BADREPLY;
}

static bool
noerror(fact f)
{
	return f == FACT_DATA || f == FACT_NODATA;
}

static bool
silent(fact f)
{
	return f == FACT_TIMEOUT || f == FACT_UNREACHABLE;
}

/* An AAAA answer that makes a resolver (or Exchange) fail: an error rcode
 * or only bad replies; NXDOMAIN only for a name that has A records. */
static bool
aaaa_bad(fact aaaa, fact a)
{
	switch (aaaa) {
	case FACT_SERVFAIL:
	case FACT_REFUSED:
	case FACT_FORMERR:
	case FACT_NOTIMP:
	case FACT_RCODE:
	case FACT_BADREPLY:
		return true;
	case FACT_NXDOMAIN:
		return a == FACT_DATA;
	default:
		return false;
	}
}

/* The resolver failed a question it was asked: no answer, or an rcode
 * that is not an answer (NOERROR and NXDOMAIN are answers). */
static bool
resolver_failed(fact f)
{
	return f != FACT_UNASKED && !noerror(f) && f != FACT_NXDOMAIN;
}

/* Server v's answer that was truncated and not fetched over TCP, when
 * the resolver or another server of host x answered that question; or
 * NULL. */
static const cf_answer *
tcp_blocked(const cf_host *x, const cf_server *v)
{
	const cf_answer *a = v->a_tcp_failed ? &v->a :
	    v->aaaa_tcp_failed ? &v->aaaa : NULL;
	bool six = a == &v->aaaa;
	size_t s;

	if (a == NULL || v->lame)
		return NULL;
	if (noerror(six ? x->raaaa.f : x->ra.f))
		return a;
	for (s = 0; s < x->nsrv; s++)
		if (&x->srv[s] != v && !x->srv[s].lame &&
		    noerror(six ? x->srv[s].aaaa.f : x->srv[s].a.f))
			return a;
	return NULL;
}

/* What a broken EDNS path does to a query with EDNS. */
static bool
edns_failed(fact f)
{
	return f == FACT_TIMEOUT || f == FACT_FORMERR;
}

/* The server's answer with EDNS that failed where the same question
 * without EDNS was answered, or NULL. */
static const cf_answer *
edns_broken(const cf_server *v)
{
	if (edns_failed(v->a.f) && noerror(v->a_plain.f))
		return &v->a;
	if (edns_failed(v->aaaa.f) && noerror(v->aaaa_plain.f))
		return &v->aaaa;
	return NULL;
}

static void
set(cf_result *o, verdict v, const cf_answer *a, cf_note note, cf_basis b,
    size_t host)
{
	o->v = v;
	o->proof = a != NULL ? a->q : CLASSIFY_NOQ;
	o->note = note;
	o->basis = b;
	o->host = host;
}

/* The answer that gave host x its addresses of a kind: the resolver's A
 * (or AAAA) when it answered, else the first server's that did. */
static const cf_answer *
addr_answer(const cf_host *x, bool v6)
{
	const cf_answer *r = v6 ? &x->raaaa : &x->ra;
	size_t s;

	if (noerror(r->f))
		return r;
	for (s = 0; s < x->nsrv; s++) {
		const cf_answer *a = v6 ? &x->srv[s].aaaa : &x->srv[s].a;
		if (noerror(a->f))
			return a;
	}
	return r;
}

/* A verdict about host h's addresses, resting on the answer that gave
 * them. */
static void
set_addr(cf_result *o, verdict v, const cf_domain *f, size_t h, cf_note note)
{
	const cf_answer *a = addr_answer(&f->hosts[h], false);

	set(o, v, a, note, a == &f->hosts[h].ra ? BASIS_RESOLVER : BASIS_DIRECT,
	    h);
}

/* Its A question was answered (NOERROR) by the resolver or a server. */
static bool
a_answered(const cf_host *x)
{
	return noerror(addr_answer(x, false)->f);
}

/* The first of a kind, kept with its host. */
typedef struct pick {
	const cf_answer *a;
	size_t host;
} pick;

static void
take(pick *p, const cf_answer *a, size_t host)
{
	if (p->a == NULL) {
		p->a = a;
		p->host = host;
	}
}

static void
classify_table(const cf_domain *f, cf_result *o)
{
	bool rfailing = f->resolver != RSTATUS_OK && f->resolver != RSTATUS_UNKNOWN;
	bool any_a = false, all_seen = true;
	pick dropped = {NULL, NOHOST}, bad = {NULL, NOHOST};
	pick rdropped = {NULL, NOHOST}, rbad = {NULL, NOHOST};
	pick rfail = {NULL, NOHOST}, missing = {NULL, NOHOST};
	pick silent_direct = {NULL, NOHOST}, first_rfail = {NULL, NOHOST};
	pick lame = {NULL, NOHOST}, all_lame = {NULL, NOHOST};
	pick slow = {NULL, NOHOST}, bogus = {NULL, NOHOST};
	pick ednsbad = {NULL, NOHOST}, ednsok = {NULL, NOHOST};
	pick tcpremote = {NULL, NOHOST}, tcphere = {NULL, NOHOST};
	pick tcphere_rfail = {NULL, NOHOST};
	pick largebad = {NULL, NOHOST}, largeok = {NULL, NOHOST};
	bool mx_failed = resolver_failed(f->mx.f);
	unsigned slow_ms = 0;
	unsigned nv4 = 0, nbad4 = 0;
	size_t h, s, bad4h = NOHOST, v6h = NOHOST, onlybad = NOHOST;
	bool all_a_answered = true;

	/* The domain itself. */
	if (f->mx.f == FACT_NXDOMAIN) {
		set(o, VERDICT_NXDOMAIN, &f->mx, NOTE_NONE, BASIS_RESOLVER, NOHOST);
		return;
	}
	if (f->auth_mx.f == FACT_NXDOMAIN) {
		set(o, VERDICT_NXDOMAIN, &f->auth_mx, NOTE_NONE, BASIS_DIRECT, NOHOST);
		return;
	}
	if (f->null_mx) {
		if (noerror(f->mx.f))
			set(o, VERDICT_NULL_MX, &f->mx, NOTE_NONE, BASIS_RESOLVER, NOHOST);
		else
			set(o, VERDICT_NULL_MX, &f->auth_mx, NOTE_NONE, BASIS_DIRECT, NOHOST);
		return;
	}
	if (!f->hosts_known) {
		/* Seen directly: no server of its zone speaks for it. */
		if (f->vantage == VANTAGE_DIRECT && f->auth_all_lame &&
		    replied(f->auth_mx.f))
			set(o, VERDICT_UNREACHABLE, &f->auth_mx, NOTE_ALL_LAME,
			    BASIS_DIRECT, NOHOST);
		else if (rfailing)
			set(o, VERDICT_RESOLVER_FAILURE, &f->mx, NOTE_NONE,
			    BASIS_RESOLVER, NOHOST);
		else if (f->vantage == VANTAGE_DIRECT && !f->zone_found)
			set(o, VERDICT_UNREACHABLE, &f->mx, NOTE_NO_SERVERS,
			    BASIS_NONE, NOHOST);
		else if (f->vantage == VANTAGE_DIRECT &&
		    f->auth_mx.f != FACT_UNASKED)
			/* Its servers were asked and gave no MX. */
			set(o, VERDICT_UNREACHABLE, &f->auth_mx, NOTE_NONE,
			    BASIS_DIRECT, NOHOST);
		else
			set(o, VERDICT_INCONCLUSIVE, &f->mx, NOTE_MISSING_MX,
			    BASIS_RESOLVER, NOHOST);
		return;
	}
	if (f->nhosts == 0) {
		set(o, VERDICT_MX_NO_ADDRESS, &f->mx, NOTE_NO_MX_HOST,
		    BASIS_RESOLVER, NOHOST);
		return;
	}

	/* The domain's own servers: its MX with EDNS failed, without EDNS
	 * answered (asked only when the resolver failed the MX: it hurts). */
	if (edns_failed(f->auth_mx_edns.f) && noerror(f->auth_mx_plain.f))
		take(f->auth_mx_large ? &largebad : &ednsbad, &f->auth_mx_edns,
		    NOHOST);

	/* Each MX host: what its servers said directly, else what the
	 * resolver said. */
	for (h = 0; h < f->nhosts; h++) {
		const cf_host *x = &f->hosts[h];
		bool seen = false;
		size_t nlame = 0;
		const cf_answer *hlame = NULL;

		nv4 += x->nv4;
		nbad4 += x->nbad4;
		if (x->nbad4 > 0 && bad4h == NOHOST)
			bad4h = h;
		if (x->nbad4 > 0 && x->nv4 == 0 && onlybad == NOHOST)
			onlybad = h;
		if (x->nv6 > 0 && v6h == NOHOST)
			v6h = h;
		if (!a_answered(x))
			all_a_answered = false;
		if (x->ra.f == FACT_SERVFAIL && noerror(x->ra_cd.f))
			take(&bogus, &x->ra, h);
		if (noerror(x->ra.f))
			any_a = true;
		if (resolver_failed(x->ra.f))
			take(&first_rfail, &x->ra, h);
		else if (resolver_failed(x->raaaa.f))
			take(&first_rfail, &x->raaaa, h);
		for (s = 0; s < x->nsrv; s++) {
			const cf_server *v = &x->srv[s];
			const cf_answer *eb = v->lame ? NULL : edns_broken(v);
			const cf_answer *tb = tcp_blocked(x, v);
			if (tb != NULL) {
				/* Someone else gives what it cannot over TCP:
				 * no AAAA fault of the domain's. */
				if (replied(v->a.f) || replied(v->aaaa.f))
					seen = true;
				if (noerror(v->a.f))
					any_a = true;
				take(f->tcp_works ? &tcpremote :
				    noerror(tb == &v->a ? x->ra.f : x->raaaa.f) ?
				    &tcphere : &tcphere_rfail, tb, h);
				continue;
			}
			if (eb != NULL) {
				/* It answers, without EDNS: its silence or
				 * FORMERR with EDNS is no AAAA fault. Whether
				 * it hurts: the resolver failed this host or
				 * the MX. */
				bool hurts = mx_failed ||
				    resolver_failed(x->ra.f) ||
				    resolver_failed(x->raaaa.f);
				bool large = eb == &v->a ? v->a_large :
				    v->aaaa_large;
				seen = true;
				if (noerror(v->a.f) || noerror(v->a_plain.f))
					any_a = true;
				if (large)
					take(hurts ? &largebad : &largeok, eb, h);
				else
					take(hurts ? &ednsbad : &ednsok, eb, h);
				continue;
			}
			if (v->lame && replied(v->a.f)) {
				take(&lame, &v->a, h);
				if (hlame == NULL)
					hlame = &v->a;
				nlame++;
				continue;   /* it speaks for no zone */
			}
			if (replied(v->a.f) || replied(v->aaaa.f))
				seen = true;
			/* The slowest reply, of those after the bound. */
			if (replied(v->a.f) && v->a_ms >= CLASSIFY_SLOW_MS &&
			    v->a_ms > slow_ms) {
				slow.a = &v->a;
				slow.host = h;
				slow_ms = v->a_ms;
			}
			if (replied(v->aaaa.f) && v->aaaa_ms >= CLASSIFY_SLOW_MS &&
			    v->aaaa_ms > slow_ms) {
				slow.a = &v->aaaa;
				slow.host = h;
				slow_ms = v->aaaa_ms;
			}
			else if (silent(v->a.f))
				take(&silent_direct, &v->a, h);
			if (!noerror(v->a.f))
				continue;
			any_a = true;
			if (v->aaaa.f == FACT_TIMEOUT)
				take(&dropped, &v->aaaa, h);
			else if (aaaa_bad(v->aaaa.f, v->a.f))
				take(&bad, &v->aaaa, h);
		}
		if (nlame > 0 && nlame == x->nsrv)
			take(&all_lame, hlame, h);
		if (!seen) {
			all_seen = false;
			if (x->ra.f == FACT_DATA) {
				if (x->raaaa.f == FACT_TIMEOUT)
					take(&rdropped, &x->raaaa, h);
				else if (aaaa_bad(x->raaaa.f, x->ra.f))
					take(&rbad, &x->raaaa, h);
			} else if (resolver_failed(x->ra.f))
				take(&missing, &x->ra, h);
		} else if (resolver_failed(x->ra.f))
			take(&rfail, &x->ra, h);
		else if (resolver_failed(x->raaaa.f) ||
		    (x->raaaa.f == FACT_NXDOMAIN && x->ra.f == FACT_DATA))
			take(&rfail, &x->raaaa, h);
	}

	/* A validating resolver's SERVFAIL that CD=1 answers: the domain's
	 * DNSSEC (unless the resolver fails everything: the canaries). */
	if (f->mx.f == FACT_SERVFAIL && noerror(f->mx_cd.f)) {
		bogus.a = &f->mx;
		bogus.host = NOHOST;
	}
	if (bogus.a != NULL && !rfailing && nv4 > 0) {
		set(o, VERDICT_DNSSEC_BOGUS, bogus.a, NOTE_CD_WORKS,
		    BASIS_RESOLVER, bogus.host);
		return;
	}
	/* A server's EDNS path is broken and the resolver failed because of
	 * it (it did not retry without EDNS): a connector, as for a dropped
	 * AAAA. */
	if (ednsbad.a != NULL && !rfailing && nv4 > 0) {
		set(o, VERDICT_EDNS_BROKEN, ednsbad.a, NOTE_EDNS_PLAIN,
		    BASIS_DIRECT, ednsbad.host);
		return;
	}
	/* The same for its answers over 512 bytes: the remote side when
	 * UDP answers that large reach this host from other servers; else
	 * this network may drop them, and the domain is not blamed. */
	if (largebad.a != NULL && !rfailing && nv4 > 0) {
		if (f->large_udp_works)
			set(o, VERDICT_LARGE_DROPPED, largebad.a, NOTE_LARGE_REMOTE,
			    BASIS_DIRECT, largebad.host);
		else
			set(o, VERDICT_INCONCLUSIVE, largebad.a, NOTE_LARGE_HERE,
			    BASIS_DIRECT, largebad.host);
		return;
	}
	if (!any_a) {
		/* Nobody gave an address question an answer. */
		if (f->vantage == VANTAGE_DIRECT && all_lame.a != NULL)
			set(o, VERDICT_UNREACHABLE, all_lame.a, NOTE_ALL_LAME,
			    BASIS_DIRECT, all_lame.host);
		else if (rfailing)
			set(o, VERDICT_RESOLVER_FAILURE, first_rfail.a ? first_rfail.a :
			    &f->mx, NOTE_NONE, BASIS_RESOLVER, first_rfail.host);
		else if (f->vantage == VANTAGE_DIRECT && silent_direct.a != NULL)
			set(o, VERDICT_UNREACHABLE, silent_direct.a, NOTE_NONE,
			    BASIS_DIRECT, silent_direct.host);
		else
			set(o, VERDICT_INCONCLUSIVE, first_rfail.a ? first_rfail.a :
			    &f->hosts[0].ra, NOTE_MISSING_ADDR, BASIS_RESOLVER,
			    first_rfail.a ? first_rfail.host : 0);
		return;
	}
	if (nv4 == 0) {
		/* No IPv4 smart host: why. Every host's addresses point back
		 * into a site; or every host's A was answered, empty, and some
		 * have AAAA: reachable over IPv6 only. */
		if (nbad4 > 0)
			set_addr(o, VERDICT_MX_LOOPBACK, f, bad4h, NOTE_BAD_V4);
		else if (v6h != NOHOST && all_a_answered)
			set_addr(o, VERDICT_IPV6_ONLY_MX, f, v6h, NOTE_NONE);
		else
			set(o, VERDICT_MX_NO_ADDRESS, &f->hosts[0].ra, NOTE_NO_V4,
			    BASIS_RESOLVER, 0);
		return;
	}
	if (dropped.a != NULL) {
		set(o, VERDICT_AAAA_DROPPED, dropped.a, NOTE_NONE, BASIS_DIRECT,
		    dropped.host);
		return;
	}
	if (bad.a != NULL) {
		set(o, VERDICT_AAAA_BAD_RESPONSE, bad.a, NOTE_NONE, BASIS_DIRECT,
		    bad.host);
		return;
	}
	if (rdropped.a != NULL || rbad.a != NULL) {
		const pick *p = rdropped.a != NULL ? &rdropped : &rbad;
		if (f->resolver_aaaa_fails)
			set(o, VERDICT_RESOLVER_FAILURE, p->a, NOTE_RESOLVER_AAAA,
			    BASIS_RESOLVER, p->host);
		else if (rfailing)
			set(o, VERDICT_RESOLVER_FAILURE, p->a, NOTE_NONE,
			    BASIS_RESOLVER, p->host);
		else
			set(o, rdropped.a != NULL ? VERDICT_AAAA_DROPPED :
			    VERDICT_AAAA_BAD_RESPONSE, p->a,
			    f->vantage == VANTAGE_DIRECT ? NOTE_SERVERS_SILENT :
			    NOTE_VIA_RESOLVER, BASIS_RESOLVER, p->host);
		return;
	}
	/* A server seen answering late explains what the resolver made of
	 * it. */
	if (slow.a != NULL) {
		set(o, VERDICT_SLOW, slow.a, slow_ms >= CLASSIFY_EXCHANGE_MS ?
		    NOTE_SLOW_EXCHANGE : NOTE_SLOW, BASIS_DIRECT, slow.host);
		return;
	}
	/* A server that cannot be asked over TCP while others answer: the
	 * remote side (it explains a resolver that tried it first). */
	if (tcpremote.a != NULL) {
		set(o, VERDICT_TCP_BLOCKED, tcpremote.a, NOTE_TCP_REMOTE,
		    BASIS_DIRECT, tcpremote.host);
		return;
	}
	/* No TCP works from here and the resolver failed it too: this
	 * network may be at fault as much as the domain. */
	if (tcphere_rfail.a != NULL) {
		set(o, VERDICT_INCONCLUSIVE, tcphere_rfail.a, NOTE_TCP_HERE,
		    BASIS_DIRECT, tcphere_rfail.host);
		return;
	}
	if (rfail.a != NULL) {
		set(o, VERDICT_RESOLVER_FAILURE, rfail.a, NOTE_AUTH_CORRECT,
		    BASIS_DIRECT, rfail.host);
		return;
	}
	if (missing.a != NULL) {
		set(o, rfailing ? VERDICT_RESOLVER_FAILURE : VERDICT_INCONCLUSIVE,
		    missing.a, rfailing ? NOTE_NONE : NOTE_MISSING_HOST,
		    BASIS_RESOLVER, missing.host);
		return;
	}
	/* Nothing worse: one MX host that points back into a site, or an
	 * alias for an MX host. */
	if (onlybad != NOHOST) {
		set_addr(o, VERDICT_MX_LOOPBACK, f, onlybad, NOTE_SOME_BAD_V4);
		return;
	}
	if (lame.a != NULL) {
		set(o, VERDICT_LAME_DELEGATION, lame.a, all_lame.a != NULL ?
		    NOTE_ALL_LAME : NOTE_NONE, BASIS_DIRECT, lame.host);
		return;
	}
	for (h = 0; h < f->nhosts; h++)
		if (f->hosts[h].cname) {
			set_addr(o, VERDICT_MX_CNAME, f, h, all_seen ||
			    f->vantage == VANTAGE_DIRECT ? NOTE_NONE :
			    NOTE_VIA_RESOLVER);
			return;
		}
	/* ok, and the reason says what was seen: the resolver worked round
	 * a broken EDNS path (the remote side's fault); or TCP failed from
	 * here to that server and worked to none (maybe this network), the
	 * answer coming from elsewhere. */
	if (ednsok.a != NULL) {
		set(o, VERDICT_OK, ednsok.a, NOTE_EDNS_RESOLVED, BASIS_DIRECT,
		    ednsok.host);
		return;
	}
	if (largeok.a != NULL) {
		set(o, VERDICT_OK, largeok.a, f->large_udp_works ?
		    NOTE_LARGE_RESOLVED : NOTE_LARGE_HERE, BASIS_DIRECT,
		    largeok.host);
		return;
	}
	if (tcphere.a != NULL) {
		set(o, VERDICT_OK, tcphere.a, NOTE_TCP_HERE, BASIS_DIRECT,
		    tcphere.host);
		return;
	}
	set(o, VERDICT_OK, &f->mx, all_seen || f->vantage == VANTAGE_DIRECT ?
	    NOTE_NONE : NOTE_VIA_RESOLVER, all_seen ? BASIS_DIRECT :
	    BASIS_RESOLVER, NOHOST);
}

void
classify_domain(const cf_domain *f, cf_result *o)
{
	size_t h;

	classify_table(f, o);
	/* An alias among the MX hosts is said beside any verdict (the
	 * proof's host first): it is worth telling the remote side even
	 * when something worse is wrong. */
	o->alias = NOHOST;
	if (o->host < f->nhosts && f->hosts[o->host].cname)
		o->alias = o->host;
	for (h = 0; h < f->nhosts && o->alias == NOHOST; h++)
		if (f->hosts[h].cname)
			o->alias = h;
}
