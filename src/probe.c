/* probe.c - the diagnosis of many domains at once over one dnsq engine.
 *
 * Work per domain: MX through the resolver (no MX: the domain itself, as
 * RFC 5321 says); for every MX host, A and AAAA through the resolver and,
 * at the same time, the host's zone and authoritative servers (SOA and NS
 * through the resolver; when the resolver fails, a referral asked of the
 * parent zone's servers), then A and AAAA asked directly (RD=0) of each of
 * those servers. When the resolver fails the MX query itself, the domain's
 * own servers are found the same way and asked for the MX.
 *
 * Every question is asked once per run (a cache keyed by server, name, type
 * and RD) and kept as evidence; the verdicts are made from the evidence when
 * all work is done (probe_classify). */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "defaults.h"
#include "dname.h"
#include "probe.h"
#include "util.h"

#define NOSLOT ((size_t)-1)
#define PROBE_SLAB 1024     /* queries allocated at once */

typedef void (*qdone_fn)(probe_run *r, probe_query *q, void *ctx);

typedef struct probe_waiter {
	struct probe_waiter *next;
	qdone_fn fn;
	void *ctx;
	probe_domain *d;       /* whose pending count this holds, or NULL */
	probe_query *q;
} probe_waiter;

/* A zone finder: the zone and authoritative servers of one name. */
typedef struct zfind zfind;
typedef void (*zf_done_fn)(probe_run *r, zfind *z);
struct zfind {
	probe_domain *d;
	char *name;            /* the name whose zone we want */
	char *walk;            /* parent walk: the name being tried */
	char *zone;            /* result */
	char **nsnames; size_t nns;
	char **srv_names; char **srv_addrs; size_t nsrv;
	bool referral_taken;
	unsigned pending;      /* address lookups / referral queries */
	zf_done_fn done;
	void *ctx;
};

typedef struct host_server {
	size_t server;         /* index into d->servers */
	size_t qa, qaaaa;      /* direct queries */
} host_server;

typedef struct host_work {
	size_t ra, raaaa;      /* through the resolver */
	host_server *hs; size_t nhs;
} host_work;

typedef struct probe_dwork {
	struct probe_run *run;
	unsigned pending;
	bool done;
	size_t qmx;            /* MX through the resolver */
	bool mx_failed;        /* resolver failed the MX query */
	bool mx_nx;            /* NXDOMAIN (resolver or authoritative) */
	bool null_mx;
	bool hosts_set;
	size_t qauth_mx;       /* the authoritative MX answer used, or NOSLOT */
	host_work **hw; size_t nhw;
	bool zone_done;        /* the domain's own servers are known */
	bool domain_zone_failed;
	char **zone_addrs; size_t nzone;  /* the domain's own servers */
	bool auth_mx_asked;
} probe_dwork;

struct probe_run {
	probe_opts o;
	dnsq_engine *dnsq;
	probe_query **q; size_t nq, qcap;
	size_t *htab; size_t hcap;        /* open addressing: index + 1 */
	probe_domain **d; size_t nd, dcap;
	size_t *dtab; size_t dtcap;       /* domains by name: index + 1 */
	char **names; size_t nnames, ncap;  /* interned names (query names,
	                                       zones), freed with the run */
	probe_query *slab; size_t slab_used;  /* queries are cut from slabs */
	probe_query **slabs; size_t nslabs;
	size_t ndone;
	size_t nstarted;       /* domains started, in order */
	size_t active_cap;     /* domains in progress at once */
	probe_waiter *deferred;
	probe_resolver_check resolver;
	probe_resolver_check *ext; size_t next_;
	bool started, cancelled, finished;
	char current[160];
};

void
probe_opts_init(probe_opts *o)
{
	memset(o, 0, sizeof *o);
	addr_from_ip("127.0.0.1", DEFAULT_DNS_PORT, &o->resolver);
	o->auth_port = DEFAULT_DNS_PORT;
	o->dnsq.timeout_ms = DEFAULT_TIMEOUT_MS;
	o->dnsq.tries = DEFAULT_TRIES;
	o->dnsq.max_inflight = DEFAULT_MAX_INFLIGHT;
	o->dnsq.edns_bufsize = DEFAULT_EDNS_BUFSIZE;
	o->dnsq.loopback_only = getenv("EXDNS_LOOPBACK_ONLY") != NULL &&
	    strcmp(getenv("EXDNS_LOOPBACK_ONLY"), "0") != 0;
}

/* ---- names from packets ---------------------------------------------- */

/* A name from a parsed packet as text: lowercase, no trailing dot ("."
 * for the root), bytes other than letters, digits, '-' and '_' as \DDD the
 * way ldns writes them, so the text is printable ASCII. */
static char *
probe_rdf_name(const ldns_rdf *rdf)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t len = ldns_rdf_size(rdf), i = 0, j, pos = 0;
	char buf[LDNS_MAX_DOMAINLEN * 4 + 8];

	if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return xstrdup("?");
	while (i < len && d[i] != 0) {
		size_t l = d[i];
		if (l > 63 || i + 1 + l > len)
			return xstrdup("?");
		if (pos > 0)
			buf[pos++] = '.';
		for (j = 0; j < l; j++) {
			uint8_t c = d[i + 1 + j];
			if (pos + 5 >= sizeof buf)
				return xstrdup("?");
			if (c >= 'A' && c <= 'Z')
				buf[pos++] = (char)(c - 'A' + 'a');
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_')
				buf[pos++] = (char)c;
			else
				pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "\\%03u", c);
		}
		i += l + 1;
	}
	if (pos == 0)
		buf[pos++] = '.';
	buf[pos] = '\0';
	return xstrdup(buf);
}

/* An A or AAAA record's address as text, or NULL. */
static char *
probe_rdf_addr(const ldns_rdf *rdf)
{
	char buf[INET6_ADDRSTRLEN];

	if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_A && ldns_rdf_size(rdf) == 4)
		return inet_ntop(AF_INET, ldns_rdf_data(rdf), buf, sizeof buf) ?
		    xstrdup(buf) : NULL;
	if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_AAAA && ldns_rdf_size(rdf) == 16)
		return inet_ntop(AF_INET6, ldns_rdf_data(rdf), buf, sizeof buf) ?
		    xstrdup(buf) : NULL;
	return NULL;
}

/* n strings in one allocation: the array of pointers, then the text, so a
 * query's answers cost one malloc and one free. Takes ownership of v's
 * strings (freed) and of v. */
static char **
probe_pack(char **v, size_t n)
{
	size_t i, bytes = n * sizeof(char *);
	char **out, *p;

	if (n == 0) {
		free(v);
		return NULL;
	}
	for (i = 0; i < n; i++)
		bytes += strlen(v[i]) + 1;
	out = xmalloc(bytes);
	p = (char *)(out + n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		memcpy(p, v[i], len);
		out[i] = p;
		p += len;
		free(v[i]);
	}
	free(v);
	return out;
}

static void
probe_extract(probe_query *q, const ldns_pkt *pkt)
{
	ldns_rr_list *sec;
	size_t i, n;
	char **tmp = NULL;
	probe_referral *ref = NULL;

	q->aa = ldns_pkt_aa(pkt);
	sec = ldns_pkt_answer(pkt);
	n = sec ? ldns_rr_list_rr_count(sec) : 0;
	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(sec, i);
		char *txt = NULL, buf[300];
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && q->soa_zone == NULL)
			q->soa_zone = probe_rdf_name(ldns_rr_owner(rr));
		if (ldns_rr_get_type(rr) != q->qtype)
			continue;
		switch (q->qtype) {
		case LDNS_RR_TYPE_MX:
			if (ldns_rr_rd_count(rr) == 2) {
				char *host = probe_rdf_name(ldns_rr_rdf(rr, 1));
				snprintf(buf, sizeof buf, "%u %s",
				    (unsigned)ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)), host);
				free(host);
				txt = xstrdup(buf);
			}
			break;
		case LDNS_RR_TYPE_NS:
			if (ldns_rr_rd_count(rr) == 1)
				txt = probe_rdf_name(ldns_rr_rdf(rr, 0));
			break;
		case LDNS_RR_TYPE_SOA:
			txt = probe_rdf_name(ldns_rr_owner(rr));
			break;
		default:   /* A, AAAA */
			if (ldns_rr_rd_count(rr) == 1)
				txt = probe_rdf_addr(ldns_rr_rdf(rr, 0));
			break;
		}
		if (txt) {
			if (tmp == NULL)
				tmp = xmalloc(n * sizeof *tmp);
			tmp[q->nanswers++] = txt;
		}
	}
	q->answers = probe_pack(tmp, q->nanswers);
	sec = ldns_pkt_authority(pkt);
	for (i = 0; sec && i < ldns_rr_list_rr_count(sec); i++) {
		ldns_rr *rr = ldns_rr_list_rr(sec, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && q->soa_zone == NULL)
			q->soa_zone = probe_rdf_name(ldns_rr_owner(rr));
		/* Referrals and glue matter only for the questions that look
		 * for them (NS, not recursive); keep nothing for the rest. */
		if (q->qtype != LDNS_RR_TYPE_NS || q->rd)
			continue;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && ldns_rr_rd_count(rr) == 1) {
			char *owner = probe_rdf_name(ldns_rr_owner(rr));
			if (ref == NULL) {
				ref = xcalloc(1, sizeof *ref);
				ref->zone = xstrdup(owner);
			}
			if (strcmp(owner, ref->zone) == 0) {
				ref->ns = xrealloc(ref->ns, (ref->nns + 1) * sizeof *ref->ns);
				ref->ns[ref->nns++] = probe_rdf_name(ldns_rr_rdf(rr, 0));
			}
			free(owner);
		}
	}
	sec = q->qtype == LDNS_RR_TYPE_NS && !q->rd ? ldns_pkt_additional(pkt) : NULL;
	for (i = 0; sec && i < ldns_rr_list_rr_count(sec); i++) {
		ldns_rr *rr = ldns_rr_list_rr(sec, i);
		char *owner, *ip, buf[600];
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A || ldns_rr_rd_count(rr) != 1)
			continue;
		owner = probe_rdf_name(ldns_rr_owner(rr));
		ip = probe_rdf_addr(ldns_rr_rdf(rr, 0));
		snprintf(buf, sizeof buf, "%s %s", owner, ip ? ip : "?");
		free(owner);
		free(ip);
		if (ref == NULL)
			ref = xcalloc(1, sizeof *ref);
		ref->glue = xrealloc(ref->glue, (ref->nglue + 1) * sizeof *ref->glue);
		ref->glue[ref->nglue++] = xstrdup(buf);
	}
	q->ref = ref;
}

/* ---- interned names ---------------------------------------------------- */

static size_t
probe_str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* One copy of each name for the whole run: a host's name is the question
 * of half a dozen queries, a zone's the SOA owner of many answers. */
static char *
probe_intern(probe_run *r, const char *s)
{
	size_t i;

	if ((r->nnames + 1) * 2 > r->ncap) {
		char **old = r->names;
		size_t ocap = r->ncap, j;
		r->ncap = r->ncap ? r->ncap * 2 : 4096;
		r->names = xcalloc(r->ncap, sizeof *r->names);
		for (j = 0; j < ocap; j++) {
			if (old[j] == NULL)
				continue;
			for (i = probe_str_hash(old[j]) & (r->ncap - 1); r->names[i];
			    i = (i + 1) & (r->ncap - 1))
				;
			r->names[i] = old[j];
		}
		free(old);
	}
	for (i = probe_str_hash(s) & (r->ncap - 1); r->names[i];
	    i = (i + 1) & (r->ncap - 1))
		if (strcmp(r->names[i], s) == 0)
			return r->names[i];
	r->nnames++;
	return r->names[i] = xstrdup(s);
}

/* ---- the query cache --------------------------------------------------- */

static uint64_t
probe_hash(const exaddr *srv, const char *name, uint16_t type, bool rd)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *p;
	size_t i;

	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p)) * 1099511628211ull;
	h = (h ^ type) * 1099511628211ull;
	h = (h ^ rd) * 1099511628211ull;
	p = (const unsigned char *)&srv->ss;
	for (i = 0; i < srv->len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static bool
probe_key_eq(const probe_query *q, const exaddr *srv, const char *name,
             uint16_t type, bool rd)
{
	return q->qtype == type && q->rd == rd && addr_equal(&q->server, srv) &&
	    dname_equal(q->qname, name);
}

static void
probe_htab_insert(probe_run *r, size_t qi)
{
	const probe_query *q = r->q[qi];
	size_t mask = r->hcap - 1,
	    i = (size_t)probe_hash(&q->server, q->qname, q->qtype, q->rd) & mask;

	while (r->htab[i] != 0)
		i = (i + 1) & mask;
	r->htab[i] = qi + 1;
}

static probe_query *
probe_lookup(probe_run *r, const exaddr *srv, const char *name, uint16_t type,
             bool rd)
{
	size_t mask, i;

	if (r->hcap == 0)
		return NULL;
	mask = r->hcap - 1;
	i = (size_t)probe_hash(srv, name, type, rd) & mask;
	while (r->htab[i] != 0) {
		probe_query *q = r->q[r->htab[i] - 1];
		if (probe_key_eq(q, srv, name, type, rd))
			return q;
		i = (i + 1) & mask;
	}
	return NULL;
}

static void
probe_dnsq_cb(const dnsq_result *res, void *arg)
{
	probe_query *q = arg;
	probe_run *r = q->run;
	probe_waiter *w;

	q->outcome = (uint8_t)res->outcome;
	q->rcode = (int16_t)res->rcode;
	q->tries = (uint16_t)(res->tries > 65535 ? 65535 : res->tries);
	q->ms = res->ms;
	q->mismatched = (uint16_t)(res->mismatched > 65535 ? 65535 : res->mismatched);
	q->malformed = (uint16_t)(res->malformed > 65535 ? 65535 : res->malformed);
	q->tcp = res->tcp;
	if (res->reply) {
		probe_extract(q, res->reply);
		if (q->soa_zone != NULL) {
			char *z = q->soa_zone;
			q->soa_zone = probe_intern(r, z);
			free(z);
		}
	}
	/* Waiters run from probe_step, not from inside the engine. */
	while ((w = q->waiters) != NULL) {
		q->waiters = w->next;
		w->next = r->deferred;
		r->deferred = w;
	}
}

static void probe_evidence_add(probe_domain *d, size_t qi);

/* Ask a question (once per run) and call fn when it has an outcome. d, if
 * given, gets the query as evidence and is not finished until fn ran. */
static probe_query *
probe_ask(probe_run *r, probe_domain *d, const exaddr *srv, const char *name,
          uint16_t type, bool rd, qdone_fn fn, void *ctx)
{
	probe_query *q = probe_lookup(r, srv, name, type, rd);
	probe_waiter *w;

	if (q == NULL) {
		if (r->slab == NULL || r->slab_used == PROBE_SLAB) {
			r->slab = xcalloc(PROBE_SLAB, sizeof *r->slab);
			r->slab_used = 0;
			r->slabs = xrealloc(r->slabs, (r->nslabs + 1) * sizeof *r->slabs);
			r->slabs[r->nslabs++] = r->slab;
		}
		q = &r->slab[r->slab_used++];
		q->server = *srv;
		q->qname = probe_intern(r, name);
		q->qtype = type;
		q->rd = rd;
		q->rcode = -1;
		q->run = r;
		q->index = (uint32_t)r->nq;
		r->q = xgrow(r->q, sizeof *r->q, &r->qcap, r->nq + 1);
		r->q[r->nq++] = q;
		if ((r->nq + 1) * 2 > r->hcap) {
			size_t i;
			free(r->htab);
			r->hcap = r->hcap ? r->hcap * 2 : 1024;
			r->htab = xcalloc(r->hcap, sizeof *r->htab);
			for (i = 0; i < r->nq; i++)
				probe_htab_insert(r, i);
		} else
			probe_htab_insert(r, q->index);
		if (r->cancelled ||
		    dnsq_submit(r->dnsq, srv, name, type, rd, probe_dnsq_cb, q) != 0)
			q->outcome = DNSQ_NETERR;
	}
	if (d) {
		probe_evidence_add(d, q->index);
		d->work->pending++;
	}
	if (fn == NULL && d == NULL)
		return q;
	w = xcalloc(1, sizeof *w);
	w->fn = fn;
	w->ctx = ctx;
	w->d = d;
	w->q = q;
	if (q->outcome == DNSQ_PENDING) {
		w->next = q->waiters;
		q->waiters = w;
	} else {
		w->next = r->deferred;
		r->deferred = w;
	}
	return q;
}

static void
probe_evidence_add(probe_domain *d, size_t qi)
{
	size_t i;

	for (i = 0; i < d->nevidence; i++)
		if (d->evidence[i] == qi)
			return;
	d->evidence = xrealloc(d->evidence, (d->nevidence + 1) * sizeof *d->evidence);
	d->evidence[d->nevidence++] = qi;
}

static bool
q_answered(const probe_query *q)
{
	return q->outcome == DNSQ_ANSWER;
}

static bool
q_noerror(const probe_query *q)
{
	return q->outcome == DNSQ_ANSWER && q->rcode == LDNS_RCODE_NOERROR;
}

/* The resolver failed a question: no answer, or an rcode that is not an
 * answer (NOERROR and NXDOMAIN are answers). */
static bool
q_failed(const probe_query *q)
{
	return !q_answered(q) ||
	    (q->rcode != LDNS_RCODE_NOERROR && q->rcode != LDNS_RCODE_NXDOMAIN);
}

/* ---- zone finder ------------------------------------------------------ */

static void zf_ns_done(probe_run *r, probe_query *q, void *ctx);
static void probe_start_more(probe_run *r);

static void
zf_finish(probe_run *r, zfind *z)
{
	z->done(r, z);
	free(z->name);
	free(z->walk);
	free(z->zone);
	strv_free(z->nsnames, z->nns);
	strv_free(z->srv_names, z->nsrv);
	strv_free(z->srv_addrs, z->nsrv);
	free(z);
}

static void
zf_add_server(zfind *z, const char *name, const char *ip)
{
	size_t i;

	for (i = 0; i < z->nsrv; i++)
		if (strcmp(z->srv_addrs[i], ip) == 0)
			return;
	z->srv_names = xrealloc(z->srv_names, (z->nsrv + 1) * sizeof *z->srv_names);
	z->srv_addrs = xrealloc(z->srv_addrs, (z->nsrv + 1) * sizeof *z->srv_addrs);
	z->srv_names[z->nsrv] = xstrdup(name);
	z->srv_addrs[z->nsrv] = xstrdup(ip);
	z->nsrv++;
}

typedef struct zf_addr_ctx {
	zfind *z;
	char *nsname;
} zf_addr_ctx;

static void
zf_addr_done(probe_run *r, probe_query *q, void *ctx)
{
	zf_addr_ctx *c = ctx;
	zfind *z = c->z;
	size_t i;

	if (q_noerror(q))
		for (i = 0; i < q->nanswers; i++)
			zf_add_server(z, c->nsname, q->answers[i]);
	free(c->nsname);
	free(c);
	if (--z->pending == 0)
		zf_finish(r, z);
}

/* Resolve the addresses of NS names; glue (from a referral) first. */
static void
zf_resolve_ns(probe_run *r, zfind *z, char **glue, size_t nglue)
{
	size_t i, j;

	z->pending++;   /* hold while submitting */
	for (i = 0; i < z->nns; i++) {
		bool glued = false;
		size_t nl = strlen(z->nsnames[i]);
		for (j = 0; j < nglue; j++)
			if (strncmp(glue[j], z->nsnames[i], nl) == 0 && glue[j][nl] == ' ') {
				zf_add_server(z, z->nsnames[i], glue[j] + nl + 1);
				glued = true;
			}
		if (glued)
			continue;
		zf_addr_ctx *c = xcalloc(1, sizeof *c);
		c->z = z;
		c->nsname = xstrdup(z->nsnames[i]);
		z->pending++;
		probe_ask(r, z->d, &r->o.resolver, z->nsnames[i], LDNS_RR_TYPE_A,
		    true, zf_addr_done, c);
	}
	if (--z->pending == 0)
		zf_finish(r, z);
}

static void
zf_referral_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;
	size_t i;

	if (!z->referral_taken && q_answered(q) && q->ref != NULL &&
	    q->ref->zone != NULL && q->ref->nns > 0) {
		z->referral_taken = true;
		free(z->zone);
		z->zone = xstrdup(q->ref->zone);
		for (i = 0; i < q->ref->nns; i++)
			strv_push(&z->nsnames, &z->nns, q->ref->ns[i]);
		z->pending--;
		zf_resolve_ns(r, z, q->ref->glue, q->ref->nglue);
		return;
	}
	/* The parent's server also serves the zone itself: no referral but an
	 * authoritative answer with the zone's NS records. */
	if (!z->referral_taken && q_noerror(q) && q->aa && q->nanswers > 0) {
		z->referral_taken = true;
		free(z->zone);
		z->zone = xstrdup(q->qname);
		for (i = 0; i < q->nanswers; i++)
			strv_push(&z->nsnames, &z->nns, q->answers[i]);
		z->pending--;
		zf_resolve_ns(r, z, q->ref ? q->ref->glue : NULL,
		    q->ref ? q->ref->nglue : 0);
		return;
	}
	/* It serves the zone that holds the name (an authoritative NODATA or
	 * NXDOMAIN with the zone's SOA): ask it for that zone's NS. */
	if (!z->referral_taken && q_answered(q) && q->aa && q->soa_zone != NULL &&
	    !dname_equal(q->soa_zone, q->qname) &&
	    (q->rcode == LDNS_RCODE_NOERROR || q->rcode == LDNS_RCODE_NXDOMAIN)) {
		probe_ask(r, z->d, &q->server, q->soa_zone, LDNS_RR_TYPE_NS, false,
		    zf_referral_done, z);
		return;     /* the pending count passes to that query */
	}
	if (--z->pending == 0)
		zf_finish(r, z);
}

/* The parent zone's servers are known: ask each for a referral. */
static void
zf_parent_servers_done(probe_run *r, zfind *parent)
{
	zfind *z = parent->ctx;
	exaddr a;
	size_t i;

	z->pending++;
	for (i = 0; i < parent->nsrv; i++) {
		if (addr_from_ip(parent->srv_addrs[i], r->o.auth_port, &a) != 0)
			continue;
		z->pending++;
		probe_ask(r, z->d, &a, z->name, LDNS_RR_TYPE_NS, false,
		    zf_referral_done, z);
	}
	if (--z->pending == 0)
		zf_finish(r, z);
}

static void zf_start(probe_run *r, probe_domain *d, const char *name,
                     zf_done_fn done, void *ctx);

/* The resolver cannot tell us about name's zone: find the zone above it
 * (walking up until the resolver answers) and ask its servers. */
static void
zf_walk_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;
	char up[DNAME_MAX + 2];

	if (!q_failed(q) && q->soa_zone != NULL && !dname_equal(q->soa_zone, z->name)) {
		zf_start(r, z->d, q->soa_zone, zf_parent_servers_done, z);
		return;
	}
	if (strcmp(z->walk, ".") == 0 || strchr(z->walk, '.') == NULL) {
		zf_finish(r, z);    /* nothing found */
		return;
	}
	dname_parent(z->walk, up, sizeof up);
	free(z->walk);
	z->walk = xstrdup(up);
	probe_ask(r, z->d, &r->o.resolver, z->walk, LDNS_RR_TYPE_SOA, true,
	    zf_walk_done, z);
}

static void
zf_walk_start(probe_run *r, zfind *z, const char *from)
{
	char up[DNAME_MAX + 2];

	dname_parent(from, up, sizeof up);
	if (strcmp(up, ".") == 0) {
		zf_finish(r, z);
		return;
	}
	free(z->walk);
	z->walk = xstrdup(up);
	probe_ask(r, z->d, &r->o.resolver, z->walk, LDNS_RR_TYPE_SOA, true,
	    zf_walk_done, z);
}

static void
zf_soa_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;

	if (!q_failed(q) && q->soa_zone != NULL) {
		z->zone = xstrdup(q->soa_zone);
		probe_ask(r, z->d, &r->o.resolver, z->zone, LDNS_RR_TYPE_NS, true,
		    zf_ns_done, z);
		return;
	}
	zf_walk_start(r, z, z->name);
}

static void
zf_ns_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;
	size_t i;

	if (q_noerror(q) && q->nanswers > 0) {
		for (i = 0; i < q->nanswers; i++)
			strv_push(&z->nsnames, &z->nns, q->answers[i]);
		zf_resolve_ns(r, z, NULL, 0);
		return;
	}
	/* The zone is known but not its servers: ask the parent. */
	free(z->name);
	z->name = xstrdup(z->zone);
	zf_walk_start(r, z, z->zone);
}

static void
zf_start(probe_run *r, probe_domain *d, const char *name, zf_done_fn done,
         void *ctx)
{
	zfind *z = xcalloc(1, sizeof *z);

	z->d = d;
	z->name = xstrdup(name);
	z->done = done;
	z->ctx = ctx;
	probe_ask(r, d, &r->o.resolver, name, LDNS_RR_TYPE_SOA, true,
	    zf_soa_done, z);
}

/* ---- per domain -------------------------------------------------------- */

static size_t
domain_server(probe_domain *d, const char *name, const char *zone,
              const char *ip)
{
	size_t i;

	for (i = 0; i < d->nservers; i++)
		if (strcmp(d->servers[i].addr, ip) == 0 &&
		    strcmp(d->servers[i].zone, zone) == 0)
			return i;
	d->servers = xrealloc(d->servers, (d->nservers + 1) * sizeof *d->servers);
	d->servers[i].name = probe_intern(d->work->run, name);
	d->servers[i].zone = probe_intern(d->work->run, zone);
	snprintf(d->servers[i].addr, sizeof d->servers[i].addr, "%s", ip);
	return d->nservers++;
}

static void
slot_done(probe_run *r, probe_query *q, void *ctx)
{
	*(size_t *)ctx = q->index;
}

typedef struct host_ctx {
	probe_domain *d;
	size_t h;
} host_ctx;

static void
host_zone_done(probe_run *r, zfind *z)
{
	host_ctx *c = z->ctx;
	probe_domain *d = c->d;
	host_work *hw = d->work->hw[c->h];
	exaddr a;
	size_t i;

	if (z->zone && d->mx[c->h].zone == NULL)
		d->mx[c->h].zone = probe_intern(r, z->zone);
	hw->hs = xcalloc(z->nsrv ? z->nsrv : 1, sizeof *hw->hs);
	for (i = 0; i < z->nsrv; i++) {
		host_server *hs = &hw->hs[hw->nhs];
		if (addr_from_ip(z->srv_addrs[i], r->o.auth_port, &a) != 0)
			continue;
		hs->server = domain_server(d, z->srv_names[i], z->zone ? z->zone : "?",
		    z->srv_addrs[i]);
		hs->qa = hs->qaaaa = NOSLOT;
		hw->nhs++;
		probe_ask(r, d, &a, d->mx[c->h].host, LDNS_RR_TYPE_A, false,
		    slot_done, &hs->qa);
		probe_ask(r, d, &a, d->mx[c->h].host, LDNS_RR_TYPE_AAAA, false,
		    slot_done, &hs->qaaaa);
	}
	free(c);
}

static void
host_start(probe_run *r, probe_domain *d, size_t h)
{
	host_work *hw = d->work->hw[h];
	host_ctx *c = xcalloc(1, sizeof *c);

	probe_ask(r, d, &r->o.resolver, d->mx[h].host, LDNS_RR_TYPE_A, true,
	    slot_done, &hw->ra);
	probe_ask(r, d, &r->o.resolver, d->mx[h].host, LDNS_RR_TYPE_AAAA, true,
	    slot_done, &hw->raaaa);
	c->d = d;
	c->h = h;
	/* The zone finder holds the domain open through its own queries; the
	 * domain cannot finish before host_zone_done has run because the last
	 * zone-finder query's waiter runs the callback before releasing. */
	zf_start(r, d, d->mx[h].host, host_zone_done, c);
}

static int
mx_cmp(const void *a, const void *b)
{
	const probe_mx *x = a, *y = b;

	return x->pref < y->pref ? -1 : x->pref > y->pref;
}

/* Set the MX hosts from an MX answer ("pref host" strings), or the
 * implicit MX when there is none; start work on each. */
static void
domain_set_hosts(probe_run *r, probe_domain *d, char **answers, size_t n)
{
	probe_dwork *w = d->work;
	size_t i;

	if (w->hosts_set)
		return;
	w->hosts_set = true;
	if (n == 0) {
		d->implicit_mx = true;
		d->mx = xcalloc(1, sizeof *d->mx);
		d->mx[0].host = probe_intern(r, d->name);
		d->nmx = 1;
	} else {
		d->mx = xcalloc(n, sizeof *d->mx);
		for (i = 0; i < n; i++) {
			unsigned pref = 0;
			char host[DNAME_MAX + 64];
			if (sscanf(answers[i], "%u %300s", &pref, host) != 2)
				continue;
			if (strcmp(host, ".") == 0 && n == 1) {
				w->null_mx = true;
				free(d->mx);
				d->mx = NULL;
				return;
			}
			if (strcmp(host, ".") == 0)
				continue;
			d->mx[d->nmx].host = probe_intern(r, host);
			d->mx[d->nmx].pref = pref;
			d->nmx++;
		}
		qsort(d->mx, d->nmx, sizeof *d->mx, mx_cmp);
	}
	w->hw = xcalloc(d->nmx ? d->nmx : 1, sizeof *w->hw);
	w->nhw = d->nmx;
	for (i = 0; i < d->nmx; i++) {
		w->hw[i] = xcalloc(1, sizeof *w->hw[i]);
		w->hw[i]->ra = w->hw[i]->raaaa = NOSLOT;
	}
	for (i = 0; i < d->nmx; i++)
		host_start(r, d, i);
}

static void
domain_auth_mx_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_domain *d = ctx;

	if (d->work->hosts_set || d->work->mx_nx || d->work->null_mx)
		return;
	if (q_noerror(q) && q->aa) {
		d->work->qauth_mx = q->index;
		domain_set_hosts(r, d, q->answers, q->nanswers);
	} else if (q_answered(q) && q->rcode == LDNS_RCODE_NXDOMAIN && q->aa) {
		d->work->qauth_mx = q->index;
		d->work->mx_nx = true;
	}
}

/* Ask the domain's own servers for its MX (the resolver failed it). */
static void
domain_ask_auth_mx(probe_run *r, probe_domain *d)
{
	probe_dwork *w = d->work;
	exaddr a;
	size_t i;

	if (w->auth_mx_asked || !w->zone_done || !w->mx_failed)
		return;
	w->auth_mx_asked = true;
	for (i = 0; i < w->nzone; i++) {
		if (addr_from_ip(w->zone_addrs[i], r->o.auth_port, &a) != 0)
			continue;
		probe_ask(r, d, &a, d->name, LDNS_RR_TYPE_MX, false,
		    domain_auth_mx_done, d);
	}
}

static void
domain_zone_done(probe_run *r, zfind *z)
{
	probe_domain *d = z->ctx;
	probe_dwork *w = d->work;
	size_t i;

	w->zone_done = true;
	if (z->nsrv == 0)
		w->domain_zone_failed = true;
	for (i = 0; i < z->nsrv; i++) {
		domain_server(d, z->srv_names[i], z->zone ? z->zone : "?", z->srv_addrs[i]);
		strv_push(&w->zone_addrs, &w->nzone, z->srv_addrs[i]);
	}
	domain_ask_auth_mx(r, d);
}

static void
domain_mx_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_domain *d = ctx;

	d->work->qmx = q->index;
	if (q_noerror(q)) {
		domain_set_hosts(r, d, q->answers, q->nanswers);
		return;
	}
	if (q_answered(q) && q->rcode == LDNS_RCODE_NXDOMAIN) {
		d->work->mx_nx = true;
		return;
	}
	/* The resolver failed the MX: ask the domain's own servers. */
	d->work->mx_failed = true;
	domain_ask_auth_mx(r, d);
}

/* The MX through the resolver and, at the same time, the domain's own
 * servers, so a failed MX does not wait for a second round trip. */
static void
domain_start(probe_run *r, probe_domain *d)
{
	probe_ask(r, d, &r->o.resolver, d->name, LDNS_RR_TYPE_MX, true,
	    domain_mx_done, d);
	zf_start(r, d, d->name, domain_zone_done, d);
}

/* ---- resolver health ---------------------------------------------------- */

static void
check_start(probe_run *r, probe_resolver_check *c)
{
	size_t i;
	probe_query *q;

	for (i = 0; i < r->o.ncanaries; i++) {
		q = probe_ask(r, NULL, &c->addr, r->o.canaries[i], LDNS_RR_TYPE_MX,
		    true, NULL, NULL);
		c->evidence = xrealloc(c->evidence, (c->nevidence + 1) * sizeof *c->evidence);
		c->evidence[c->nevidence++] = q->index;
	}
}

static void
check_classify(probe_run *r, probe_resolver_check *c)
{
	unsigned count[RSTATUS_COUNT] = {0};
	size_t i;
	int best = RSTATUS_TIMEOUT;

	if (c->nevidence == 0) {
		c->status = RSTATUS_UNKNOWN;
		c->usable = false;
		return;
	}
	for (i = 0; i < c->nevidence; i++) {
		const probe_query *q = r->q[c->evidence[i]];
		rstatus s;
		if (q->outcome == DNSQ_ANSWER) {
			if (q->rcode == LDNS_RCODE_NOERROR || q->rcode == LDNS_RCODE_NXDOMAIN)
				s = RSTATUS_OK;
			else if (q->rcode == LDNS_RCODE_SERVFAIL)
				s = RSTATUS_SERVFAIL;
			else if (q->rcode == LDNS_RCODE_REFUSED)
				s = RSTATUS_REFUSED;
			else
				s = RSTATUS_BROKEN;
		} else if (q->outcome == DNSQ_UNREACHABLE)
			s = RSTATUS_UNREACHABLE;
		else if (q->outcome == DNSQ_TIMEOUT && (q->mismatched || q->malformed))
			s = RSTATUS_BROKEN;
		else if (q->outcome == DNSQ_TIMEOUT)
			s = RSTATUS_TIMEOUT;
		else
			s = RSTATUS_UNREACHABLE;   /* local error: cannot reach it */
		count[s]++;
	}
	/* Healthy when most canaries are answered; else the commonest failure. */
	if (count[RSTATUS_OK] * 2 > c->nevidence) {
		c->status = RSTATUS_OK;
	} else {
		for (i = RSTATUS_TIMEOUT; i < RSTATUS_COUNT; i++)
			if (count[i] > count[best])
				best = (int)i;
		c->status = (rstatus)best;
	}
	c->usable = c->status == RSTATUS_OK;
}

/* ---- verdicts ----------------------------------------------------------- */

static void
domain_add_smart(probe_domain *d, const char *ip)
{
	size_t i;

	if (!addr_is_ipv4_text(ip))
		return;
	for (i = 0; i < d->nsmart; i++)
		if (strcmp(d->smart_hosts[i], ip) == 0)
			return;
	strv_push(&d->smart_hosts, &d->nsmart, ip);
}

/* The proof of a verdict, as one line naming the server:
 * "ns2.contoso.com (192.0.2.53): AAAA mail.contoso.com: no answer, 2 tries, 4000 ms" */
static void
domain_reason(probe_run *r, probe_domain *d, size_t qi, const char *msg)
{
	char desc[400], ip[ADDR_TEXT_MAX], line[600];
	const probe_query *q;
	const char *who = NULL;
	size_t i;

	d->proof = qi == NOSLOT ? -1 : (ssize_t)qi;
	if (qi == NOSLOT)
		snprintf(line, sizeof line, "%s", msg ? msg : "");
	else {
		q = r->q[qi];
		probe_query_describe(q, desc, sizeof desc);
		if (!q->rd) {
			addr_ip(&q->server, ip, sizeof ip);
			for (i = 0; i < d->nservers && who == NULL; i++)
				if (strcmp(d->servers[i].addr, ip) == 0)
					who = d->servers[i].name;
		}
		if (who)
			snprintf(line, sizeof line, "%s %s", who, desc);
		else if (q->rd)
			snprintf(line, sizeof line, "resolver %s", desc);
		else
			snprintf(line, sizeof line, "%s", desc);
		if (msg) {
			size_t len = strlen(line);
			snprintf(line + len, sizeof line - len, "; %s", msg);
		}
	}
	free(d->reason);
	d->reason = xstrdup(line);
}

static bool
aaaa_bad_rcode(int rcode)
{
	return rcode == LDNS_RCODE_SERVFAIL || rcode == LDNS_RCODE_FORMERR ||
	    rcode == LDNS_RCODE_NOTIMPL || rcode == LDNS_RCODE_REFUSED ||
	    rcode == LDNS_RCODE_NXDOMAIN;
}

static void
domain_classify(probe_run *r, probe_domain *d)
{
	probe_dwork *w = d->work;
	size_t h, s, i, dropped = NOSLOT, bad = NOSLOT, rfail = NOSLOT,
	    auth_nothing = NOSLOT;
	bool any_auth_answer = false, any_a_answer = false;

	d->proof = -1;
	if (w->mx_nx) {
		d->verdict = VERDICT_NXDOMAIN;
		domain_reason(r, d, w->qauth_mx != NOSLOT ? w->qauth_mx : w->qmx, NULL);
		return;
	}
	if (w->null_mx) {
		d->verdict = VERDICT_NULL_MX;
		domain_reason(r, d, w->qmx, NULL);
		return;
	}
	if (!w->hosts_set) {
		/* The resolver failed the MX and no authoritative server gave it. */
		if (r->resolver.status != RSTATUS_OK && r->resolver.status != RSTATUS_UNKNOWN) {
			d->verdict = VERDICT_RESOLVER_FAILURE;
		} else
			d->verdict = VERDICT_UNREACHABLE;
		for (i = 0; i < d->nevidence; i++) {
			const probe_query *q = r->q[d->evidence[i]];
			if (!q->rd && !q_answered(q)) {
				auth_nothing = d->evidence[i];
				break;
			}
		}
		if (auth_nothing != NOSLOT && d->verdict == VERDICT_UNREACHABLE)
			domain_reason(r, d, auth_nothing, NULL);
		else if (w->domain_zone_failed && d->verdict == VERDICT_UNREACHABLE) {
			domain_reason(r, d, w->qmx, "no authoritative server could be found");
		} else
			domain_reason(r, d, w->qmx, NULL);
		return;
	}

	if (d->nmx == 0) {
		d->verdict = VERDICT_MX_NO_ADDRESS;
		domain_reason(r, d, w->qmx, "no usable MX host");
		return;
	}
	if (w->mx_failed)
		rfail = w->qmx;
	for (h = 0; h < d->nmx; h++) {
		host_work *hw = w->hw[h];
		const probe_query *ra = hw->ra != NOSLOT ? r->q[hw->ra] : NULL;
		const probe_query *raaaa = hw->raaaa != NOSLOT ? r->q[hw->raaaa] : NULL;
		bool host_has_a = false;

		if (ra && q_noerror(ra)) {
			any_a_answer = true;
			for (i = 0; i < ra->nanswers; i++) {
				domain_add_smart(d, ra->answers[i]);
				strv_push(&d->mx[h].v4, &d->mx[h].nv4, ra->answers[i]);
				host_has_a = true;
			}
		}
		if (raaaa && q_noerror(raaaa))
			for (i = 0; i < raaaa->nanswers; i++)
				strv_push(&d->mx[h].v6, &d->mx[h].nv6, raaaa->answers[i]);
		if (ra && q_failed(ra) && rfail == NOSLOT)
			rfail = hw->ra;
		if (raaaa && q_failed(raaaa) && rfail == NOSLOT)
			rfail = hw->raaaa;

		for (s = 0; s < hw->nhs; s++) {
			const host_server *hs = &hw->hs[s];
			const probe_query *qa = hs->qa != NOSLOT ? r->q[hs->qa] : NULL;
			const probe_query *q6 = hs->qaaaa != NOSLOT ? r->q[hs->qaaaa] : NULL;
			if (qa == NULL || q6 == NULL)
				continue;
			if (q_answered(qa) || q_answered(q6))
				any_auth_answer = true;
			else if (auth_nothing == NOSLOT)
				auth_nothing = hs->qa;
			if (!q_noerror(qa))
				continue;
			any_a_answer = true;
			/* Addresses from the authoritative servers when the
			 * resolver gave none. */
			if (!host_has_a)
				for (i = 0; i < qa->nanswers; i++) {
					domain_add_smart(d, qa->answers[i]);
					strv_push(&d->mx[h].v4, &d->mx[h].nv4, qa->answers[i]);
					host_has_a = true;
				}
			if (!q_answered(q6)) {
				if (q6->mismatched || q6->malformed) {
					if (bad == NOSLOT)
						bad = hs->qaaaa;
				} else if (q6->outcome == DNSQ_TIMEOUT && dropped == NOSLOT)
					dropped = hs->qaaaa;
			} else if (aaaa_bad_rcode(q6->rcode)) {
				/* NXDOMAIN counts only for a name that has A records. */
				if (q6->rcode != LDNS_RCODE_NXDOMAIN || qa->nanswers > 0)
					if (bad == NOSLOT)
						bad = hs->qaaaa;
			}
		}
	}

	if (!any_auth_answer && !any_a_answer) {
		d->verdict = r->resolver.status != RSTATUS_OK &&
		    r->resolver.status != RSTATUS_UNKNOWN ?
		    VERDICT_RESOLVER_FAILURE : VERDICT_UNREACHABLE;
		domain_reason(r, d, auth_nothing != NOSLOT ? auth_nothing :
		    (rfail != NOSLOT ? rfail : w->qmx), NULL);
		return;
	}
	if (d->nsmart == 0) {
		d->verdict = VERDICT_MX_NO_ADDRESS;
		domain_reason(r, d, w->hw[0]->ra != NOSLOT ? w->hw[0]->ra : NOSLOT,
		    "no MX host has an IPv4 address");
		return;
	}
	if (dropped != NOSLOT) {
		d->verdict = VERDICT_AAAA_DROPPED;
		domain_reason(r, d, dropped, NULL);
		return;
	}
	if (bad != NOSLOT) {
		d->verdict = VERDICT_AAAA_BAD_RESPONSE;
		domain_reason(r, d, bad, NULL);
		return;
	}
	if (rfail != NOSLOT) {
		d->verdict = VERDICT_RESOLVER_FAILURE;
		domain_reason(r, d, rfail, NULL);
		return;
	}
	d->verdict = VERDICT_OK;
	domain_reason(r, d, w->qmx, NULL);
}

/* ---- the run ------------------------------------------------------------ */

probe_run *
probe_new(const probe_opts *o)
{
	probe_run *r = xcalloc(1, sizeof *r);
	size_t i;

	r->o = *o;
	r->dnsq = dnsq_new(&o->dnsq);
	/* Each domain starts with two questions and rarely has more than a
	 * dozen in flight: half the query cap keeps the engine busy. */
	r->active_cap = o->dnsq.max_inflight / 2 > 64 ? o->dnsq.max_inflight / 2 : 64;
	r->resolver.addr = o->resolver;
	r->ext = xcalloc(o->nexternals ? o->nexternals : 1, sizeof *r->ext);
	r->next_ = o->nexternals;
	for (i = 0; i < o->nexternals; i++)
		r->ext[i].addr = o->externals[i];
	return r;
}

int
probe_add_domain(probe_run *r, const char *name)
{
	char norm[DNAME_MAX];
	size_t i;
	probe_domain *d;

	if (dname_normalize(name, norm) != 0)
		return -1;
	/* Duplicates are dropped: a hash set of names, not a scan. */
	if ((r->nd + 1) * 2 > r->dtcap) {
		free(r->dtab);
		r->dtcap = r->dtcap ? r->dtcap * 2 : 1024;
		r->dtab = xcalloc(r->dtcap, sizeof *r->dtab);
		for (i = 0; i < r->nd; i++) {
			size_t j = probe_str_hash(r->d[i]->name) & (r->dtcap - 1);
			while (r->dtab[j] != 0)
				j = (j + 1) & (r->dtcap - 1);
			r->dtab[j] = i + 1;
		}
	}
	for (i = probe_str_hash(norm) & (r->dtcap - 1); r->dtab[i] != 0;
	    i = (i + 1) & (r->dtcap - 1))
		if (strcmp(r->d[r->dtab[i] - 1]->name, norm) == 0)
			return 0;
	r->dtab[i] = r->nd + 1;
	r->d = xgrow(r->d, sizeof *r->d, &r->dcap, r->nd + 1);
	d = r->d[r->nd++] = xcalloc(1, sizeof *d);
	d->name = xstrdup(norm);
	d->reason = xstrdup("");
	d->proof = -1;
	d->work = xcalloc(1, sizeof *d->work);
	d->work->run = r;
	d->work->qmx = d->work->qauth_mx = NOSLOT;
	probe_start_more(r);
	return 0;
}

/* Start domains in order while fewer than active_cap are in progress:
 * the queries waiting for a slot, and what they hold, stay bounded. */
static void
probe_start_more(probe_run *r)
{
	while (r->started && !r->cancelled && r->nstarted < r->nd &&
	    r->nstarted - r->ndone < r->active_cap)
		domain_start(r, r->d[r->nstarted++]);
}

void
probe_start(probe_run *r)
{
	size_t i;

	if (r->started)
		return;
	r->started = true;
	check_start(r, &r->resolver);
	for (i = 0; i < r->next_; i++)
		check_start(r, &r->ext[i]);
	probe_start_more(r);
}

/* Run the waiters of finished queries; they may ask more questions. */
static void
probe_drain(probe_run *r)
{
	probe_waiter *w;

	while ((w = r->deferred) != NULL) {
		r->deferred = w->next;
		if (w->fn)
			w->fn(r, w->q, w->ctx);
		if (w->d && --w->d->work->pending == 0 && !w->d->work->done) {
			w->d->work->done = true;
			r->ndone++;
		}
		free(w);
		if (r->deferred == NULL)
			probe_start_more(r);
	}
}

static void
probe_finish(probe_run *r)
{
	size_t i;

	if (r->finished)
		return;
	r->finished = true;
	check_classify(r, &r->resolver);
	for (i = 0; i < r->next_; i++)
		check_classify(r, &r->ext[i]);
	for (i = 0; i < r->nd; i++)
		domain_classify(r, r->d[i]);
}

bool
probe_step(probe_run *r, int timeout_ms)
{
	if (!r->started)
		probe_start(r);
	if (r->finished)
		return false;
	probe_drain(r);
	if (dnsq_pending(r->dnsq) > 0) {
		dnsq_step(r->dnsq, timeout_ms);
		probe_drain(r);
	}
	probe_start_more(r);
	if (dnsq_pending(r->dnsq) == 0 && r->deferred == NULL &&
	    (r->nstarted == r->nd || r->cancelled)) {
		probe_finish(r);
		return false;
	}
	return true;
}

void
probe_run_all(probe_run *r)
{
	while (probe_step(r, -1))
		;
}

void
probe_cancel(probe_run *r)
{
	r->cancelled = true;
	/* Freeing the engine runs every pending callback as cancelled; a new
	 * engine takes no more queries from a cancelled run. */
	dnsq_free(r->dnsq);
	r->dnsq = dnsq_new(&r->o.dnsq);
	probe_drain(r);
	probe_finish(r);
}

void
probe_get_progress(const probe_run *r, probe_progress *p)
{
	memset(p, 0, sizeof *p);
	p->domains = r->nd;
	p->domains_done = r->ndone;
	p->queries_done = dnsq_completed(r->dnsq);
	p->inflight = dnsq_inflight(r->dnsq);
	p->queued = dnsq_pending(r->dnsq) - p->inflight;
	if (r->nq > 0) {
		const probe_query *q = r->q[r->nq - 1];
		char ip[ADDR_TEXT_MAX], esc[120];
		addr_format(&q->server, ip, sizeof ip);
		snprintf(p->current, sizeof p->current, "%s %s @ %s",
		    dnsq_type_name(q->qtype),
		    dname_escape(q->qname, strlen(q->qname), esc, sizeof esc), ip);
	}
}

size_t probe_ndomains(const probe_run *r) { return r->nd; }
probe_domain *probe_domain_at(probe_run *r, size_t i) { return r->d[i]; }
size_t probe_nqueries(const probe_run *r) { return r->nq; }
const probe_query *probe_query_at(const probe_run *r, size_t i) { return r->q[i]; }
const probe_resolver_check *probe_resolver(const probe_run *r) { return &r->resolver; }
size_t probe_nexternals(const probe_run *r) { return r->next_; }
const probe_resolver_check *probe_external_at(const probe_run *r, size_t i) { return &r->ext[i]; }
const probe_opts *probe_get_opts(const probe_run *r) { return &r->o; }

branch
probe_branch(const probe_run *r)
{
	size_t i;

	if (r->resolver.status != RSTATUS_OK && r->resolver.status != RSTATUS_UNKNOWN)
		return BRANCH_ALL_DOMAINS;
	for (i = 0; i < r->nd; i++)
		if (verdict_needs_connector(r->d[i]->verdict))
			return BRANCH_SPECIFIC_DOMAINS;
	return BRANCH_NO_DNS_FAULT;
}

void
probe_query_describe(const probe_query *q, char *buf, size_t len)
{
	char ip[ADDR_TEXT_MAX], name[300], what[200];
	const char *type = dnsq_type_name(q->qtype);

	addr_format(&q->server, ip, sizeof ip);
	dname_escape(q->qname, strlen(q->qname), name, sizeof name);
	switch (q->outcome) {
	case DNSQ_ANSWER:
		if (q->rcode == LDNS_RCODE_NOERROR && q->nanswers == 0)
			snprintf(what, sizeof what, "NOERROR, no %s records", type);
		else if (q->rcode == LDNS_RCODE_NOERROR)
			snprintf(what, sizeof what, "NOERROR, %zu record%s", (size_t)q->nanswers,
			    q->nanswers == 1 ? "" : "s");
		else
			snprintf(what, sizeof what, "%s", dnsq_rcode_name(q->rcode));
		break;
	case DNSQ_TIMEOUT:
		if (q->mismatched || q->malformed)
			snprintf(what, sizeof what, "no valid answer (%u mismatched, %u malformed replies)",
			    q->mismatched, q->malformed);
		else
			snprintf(what, sizeof what, "no answer");
		break;
	default:
		snprintf(what, sizeof what, "%s", dnsq_outcome_to_string(q->outcome));
		break;
	}
	snprintf(buf, len, "(%s): %s %s: %s, %u tr%s, %u ms", ip, type, name,
	    what, q->tries, q->tries == 1 ? "y" : "ies", q->ms);
}

void
probe_free(probe_run *r)
{
	size_t i, j;
	probe_waiter *w;

	if (r == NULL)
		return;
	dnsq_free(r->dnsq);
	probe_drain(r);
	while ((w = r->deferred) != NULL) {
		r->deferred = w->next;
		free(w);
	}
	for (i = 0; i < r->nd; i++) {
		probe_domain *d = r->d[i];
		for (j = 0; j < d->nmx; j++) {
			strv_free(d->mx[j].v4, d->mx[j].nv4);
			strv_free(d->mx[j].v6, d->mx[j].nv6);
		}
		free(d->mx);
		free(d->servers);          /* names interned: freed with the run */
		free(d->evidence);
		strv_free(d->smart_hosts, d->nsmart);
		if (d->work) {
			for (j = 0; j < d->work->nhw; j++) {
				free(d->work->hw[j]->hs);
				free(d->work->hw[j]);
			}
			free(d->work->hw);
			strv_free(d->work->zone_addrs, d->work->nzone);
			free(d->work);
		}
		free(d->name);
		free(d->reason);
		free(d);
	}
	free(r->d);
	free(r->dtab);
	for (i = 0; i < r->ncap; i++)
		free(r->names[i]);
	free(r->names);
	for (i = 0; i < r->nq; i++) {
		probe_query *q = r->q[i];
		while ((w = q->waiters) != NULL) {
			q->waiters = w->next;
			free(w);
		}
		free(q->answers);          /* one allocation: probe_pack */
		if (q->ref) {
			free(q->ref->zone);
			strv_free(q->ref->ns, q->ref->nns);
			strv_free(q->ref->glue, q->ref->nglue);
			free(q->ref);
		}
	}
	for (i = 0; i < r->nslabs; i++)
		free(r->slabs[i]);
	free(r->slabs);
	free(r->q);
	free(r->htab);
	free(r->resolver.evidence);
	for (i = 0; i < r->next_; i++)
		free(r->ext[i].evidence);
	free(r->ext);
	free(r);
}
