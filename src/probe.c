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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "defaults.h"
#include "dname.h"
#include "dnswire.h"
#include "escape.h"
#include "probe.h"
#include "util.h"

#define NOSLOT ((size_t)-1)
/* What a server showed in the run (probe_run.srvflag). */
#define SRV_EDNS_UDP 1u        /* answered a question with EDNS over UDP */
#define PROBE_CNAME_MAX 8      /* CNAMEs followed in one answer */
#define PROBE_SLAB_BITS 12
#define PROBE_SLAB (1u << PROBE_SLAB_BITS)   /* queries allocated at once */
#define QAT(r, i) (&(r)->slabs[(i) >> PROBE_SLAB_BITS][(i) & (PROBE_SLAB - 1)])

typedef void (*qdone_fn)(probe_run *r, probe_query *q, void *ctx);

/* Kept only for referral questions (NS, not recursive). */
typedef struct probe_referral {
	const char *zone;      /* owner of NS in authority (interned) */
	const char **ns;       /* its NS names (interned) */
	size_t nns;
	const char **glue;     /* "name address" from additional (arena) */
	size_t nglue;
} probe_referral;

typedef struct probe_waiter {
	struct probe_waiter *next;
	qdone_fn fn;
	void *ctx;
	probe_domain *d;       /* whose pending count this holds, or NULL */
	probe_query *q;
} probe_waiter;

/* A zone finder: the zone and authoritative servers of one name, an
 * explicit state machine (see "zone finder" below). */
typedef enum zf_state {
	ZF_SOA,                /* SOA of the name through the resolver */
	ZF_NS,                 /* NS of its zone through the resolver */
	ZF_ADDRS,              /* addresses of the NS names */
	ZF_WALK,               /* SOA of each ancestor through the resolver */
	ZF_PARENT,             /* a nested finder for the parent zone */
	ZF_REFERRAL,           /* referrals asked of the parent's servers */
	ZF_DONE
} zf_state;

#define ZF_MAX_STEPS 24        /* questions one finder asks in turn */
#define ZF_MAX_DEPTH 6         /* nested finders (parent of parent...) */
#define ZF_MAX_VISITED 8       /* zones asked for referrals */
#define ZF_MAX_NS 13           /* NS names used (as resolvers do) */

typedef struct zfind zfind;
typedef void (*zf_done_fn)(probe_run *r, zfind *z);
struct zfind {             /* every string in it is interned */
	probe_domain *d;       /* whose evidence its questions are, or NULL */
	const char *name;      /* the name whose zone we want */
	const char *canon;     /* where name's CNAME chain ends, or NULL */
	const char *walk;      /* parent walk: the name being tried */
	const char *zone;      /* result */
	const char **nsnames; size_t nns;
	const char **srv_names, **srv_addrs; size_t nsrv;
	const char *visited[ZF_MAX_VISITED]; size_t nvisited;
	zf_state state;
	unsigned steps, depth;
	bool referral_taken;
	unsigned pending;      /* address lookups / referral queries */
	zf_done_fn done;
	void *ctx;
};

typedef struct host_server {
	size_t qa, qaaaa;      /* direct queries */
	size_t qa_plain, qaaaa_plain;  /* one of them again without EDNS, when
	                                  it timed out or got FORMERR */
	const char *zone;      /* the zone it serves (interned), or NULL */
	struct probe_domain *d;
	exaddr addr;
} host_server;

typedef struct host_work {
	size_t ra, raaaa;      /* through the resolver */
	size_t ra_cd;          /* A again with CD=1, when ra was SERVFAIL */
	struct probe_domain *d;
	host_server *hs; size_t nhs;
} host_work;

typedef struct probe_dwork {
	struct probe_run *run;
	unsigned pending;
	bool done;
	size_t qmx;            /* MX through the resolver */
	size_t qmx_cd;         /* MX again with CD=1, when qmx was SERVFAIL */
	bool mx_failed;        /* resolver failed the MX query */
	bool mx_nx;            /* NXDOMAIN (resolver or authoritative) */
	bool null_mx;
	bool hosts_set;
	size_t qauth_mx;       /* the authoritative MX answer used, or NOSLOT */
	size_t qauth_silent;   /* an authoritative MX query not answered */
	size_t qauth_other;    /* another one asked */
	host_work **hw; size_t nhw;
	bool zone_done;        /* the domain's own servers are known */
	const char **zone_addrs; size_t nzone;  /* the domain's own servers */
	bool auth_mx_asked;
	size_t qauth_edns;     /* an MX query with EDNS that failed (no reply,
	                          FORMERR) whose retry without EDNS was answered */
	size_t qauth_plain;    /* that retry */
	unsigned nauth_lame;   /* of the domain's own servers, answered lame */
	size_t evcap;          /* of d->evidence */
} probe_dwork;

struct probe_run {
	probe_opts o;
	dnsq_engine *dnsq;
	probe_query **slabs; size_t nq;   /* query i: slabs[i / SLAB][i % SLAB] */
	uint32_t *htab; size_t hcap;      /* queries by key: index + 1 */
	probe_domain **d; size_t nd, dcap;
	uint32_t *dtab; size_t dtcap;     /* domains by name: index + 1 */
	arena text;                       /* interned names, answers, glue */
	const char **names; size_t nnames, ncap;  /* the intern set */
	exaddr *srv; size_t nsrv, srvcap; /* servers asked, by index */
	uint32_t *stab; size_t stcap;     /* servers by address: index + 1 */
	probe_referral **refs; size_t nrefs;
	char *scratch; size_t scratchcap; /* an answer section being built */
	size_t ndone;
	size_t nstarted;       /* domains started, in order */
	size_t active_cap;     /* domains in progress at once */
	probe_waiter *deferred;
	probe_resolver_check resolver;
	probe_resolver_check *ext; size_t next_;
	bool started, cancelled, finished;
	int local_errno;             /* this host ran out of sockets/memory */
	bool resolver_known;   /* its canaries answered: r->resolver classified */
	probe_vantage vant;
	unsigned vpending;     /* vantage finders and questions under way */
	bool vantage_known;
	bool ready;            /* resolver and vantage known: verdicts can be made */
	bool seen_direct;      /* a server asked directly answered */
	bool tcp_direct;       /* ... and one answered over TCP */
	bool large_udp;        /* a UDP reply over 512 bytes reached this
	                          host (from any server) */
	uint8_t *srvflag; size_t srvflagcap;   /* by server index: SRV_* */
	unsigned check_cbs;    /* canary callbacks not yet run */
	uint32_t own4[16]; size_t nown4;  /* this host's public IPv4 addresses */
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
	o->dnsq.server_ceiling = DEFAULT_AUTH_INFLIGHT;
	o->dnsq.rate = DEFAULT_RATE;
	o->resolver_ceiling = DEFAULT_RESOLVER_INFLIGHT;
	o->dnsq.edns_bufsize = DEFAULT_EDNS_BUFSIZE;
	o->dnsq.loopback_only = getenv("EXDNS_LOOPBACK_ONLY") != NULL &&
	    strcmp(getenv("EXDNS_LOOPBACK_ONLY"), "0") != 0;
}

/* Append a string of the run's (interned or in its arena) to a list: no
 * copy, nothing to free but the list. */
static void
ptrv_push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static void
u32_push(uint32_t **v, size_t *n, uint32_t x)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = x;
}

/* ---- addresses from replies ------------------------------------------ */

/* The RDATA of an A or AAAA record (rdlen checked by dnswire_check) as
 * text in buf (INET6_ADDRSTRLEN), or NULL. */
static const char *
wire_addr(const uint8_t *m, const dnswire_rr *rr, char *buf)
{
	if (rr->type == LDNS_RR_TYPE_A && rr->rdlen == 4)
		return inet_ntop(AF_INET, m + rr->rdata, buf, INET6_ADDRSTRLEN);
	if (rr->type == LDNS_RR_TYPE_AAAA && rr->rdlen == 16)
		return inet_ntop(AF_INET6, m + rr->rdata, buf, INET6_ADDRSTRLEN);
	return NULL;
}

/* ---- interned names ---------------------------------------------------- */

static size_t
probe_str_hash(const char *s)
{
	return (size_t)fnv1a(FNV_INIT, s, strlen(s));
}

/* One copy of each string for the whole run, in its arena: a host's name
 * is the question of half a dozen queries, a zone's the SOA owner of many
 * answers, a hoster's address the smart host of many domains. */
static const char *
probe_intern(probe_run *r, const char *s)
{
	size_t i;

	if ((r->nnames + 1) * 2 > r->ncap) {
		const char **old = r->names;
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
	return r->names[i] = arena_strdup(&r->text, s);
}

/* The index of a server in the run's table (added if new). */
static uint32_t
probe_server_id(probe_run *r, const exaddr *a)
{
	size_t i, mask;

	if ((r->nsrv + 1) * 2 > r->stcap) {
		free(r->stab);
		r->stcap = r->stcap ? r->stcap * 2 : 256;
		r->stab = xcalloc(r->stcap, sizeof *r->stab);
		mask = r->stcap - 1;
		for (i = 0; i < r->nsrv; i++) {
			size_t j = addr_hash(&r->srv[i]) & mask;
			while (r->stab[j] != 0)
				j = (j + 1) & mask;
			r->stab[j] = (uint32_t)(i + 1);
		}
	}
	mask = r->stcap - 1;
	for (i = addr_hash(a) & mask; r->stab[i] != 0; i = (i + 1) & mask)
		if (addr_equal(&r->srv[r->stab[i] - 1], a))
			return r->stab[i] - 1;
	r->srv = xgrow(r->srv, sizeof *r->srv, &r->srvcap, r->nsrv + 1);
	r->srvflag = xgrow(r->srvflag, 1, &r->srvflagcap, r->nsrv + 1);
	r->srvflag[r->nsrv] = 0;
	r->srv[r->nsrv] = *a;
	r->stab[i] = (uint32_t)(r->nsrv + 1);
	return (uint32_t)r->nsrv++;
}

const exaddr *
probe_query_server(const probe_run *r, const probe_query *q)
{
	return &r->srv[q->server];
}

const char *
probe_query_answer(const probe_query *q, size_t i)
{
	const char *p = q->u.answers;

	if (q->outcome == DNSQ_PENDING || i >= q->nanswers || p == NULL)
		return "";
	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

/* Walk a query's answers: for (a = ans_first(q); a; a = ans_next(q, a, &i)) */
static const char *
ans_first(const probe_query *q)
{
	return q->outcome != DNSQ_PENDING && q->nanswers > 0 ? q->u.answers : NULL;
}

static const char *
ans_next(const probe_query *q, const char *a, size_t *i)
{
	return ++*i < q->nanswers ? a + strlen(a) + 1 : NULL;
}

/* ---- replies ----------------------------------------------------------- */

/* Append text to the run's scratch buffer (the answers being built). */
static void
scratch_add(probe_run *r, size_t *len, const char *text)
{
	size_t n = strlen(text) + 1;

	r->scratch = xgrow(r->scratch, 1, &r->scratchcap, *len + n);
	memcpy(r->scratch + *len, text, n);
	*len += n;
}

/* Is name (text) one of the chain's (interned) names? */
static bool
chain_has(const char *const *chain, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dname_equal(chain[i], name))
			return true;
	return false;
}

/* The CNAME chain of the answer section from the name asked: chain[0] is
 * q->qname, then each target in turn (at most PROBE_CNAME_MAX; a loop
 * ends it). Returns the last target, or NULL when the name is no alias. */
static const char *
probe_cname_chain(probe_run *r, const probe_query *q, const uint8_t *m,
                  size_t mlen, const char **chain, size_t *n)
{
	dnswire_iter it;
	dnswire_rr rr;
	char owner[DNSWIRE_TEXT_MAX], target[DNSWIRE_TEXT_MAX];
	bool found = true;

	chain[0] = q->qname;
	*n = 1;
	if (q->qtype == LDNS_RR_TYPE_CNAME)
		return NULL;
	while (found && *n <= PROBE_CNAME_MAX) {
		found = false;
		dnswire_begin(&it, m, mlen);
		while (dnswire_next(&it, &rr)) {
			if (rr.section != DNSWIRE_ANSWER || rr.type != LDNS_RR_TYPE_CNAME)
				continue;
			if (dnswire_name_text(m, mlen, rr.owner, owner) == NULL ||
			    !dname_equal(owner, chain[*n - 1]) ||
			    dnswire_name_text(m, mlen, rr.rdata, target) == NULL)
				continue;
			if (chain_has(chain, *n, target))
				break;   /* a loop: the chain ends here */
			chain[(*n)++] = probe_intern(r, target);
			found = true;
			break;
		}
	}
	return *n > 1 ? chain[*n - 1] : NULL;
}

/* What a reply says, read from its wire form (checked by dnsq): the
 * answers of the type asked, the zone of an SOA, and for referral questions
 * (NS, not recursive) the NS records of the authority section and the glue.
 * Names are only decoded for the records used. */
static void
probe_extract(probe_run *r, probe_query *q, const uint8_t *m, size_t mlen)
{
	dnswire_iter it;
	dnswire_rr rr;
	size_t len = 0;
	probe_referral *ref = NULL;
	char name[DNSWIRE_TEXT_MAX], name2[DNSWIRE_TEXT_MAX];
	char ab[INET6_ADDRSTRLEN], buf[DNSWIRE_TEXT_MAX + 64];
	const char *soa = NULL, *txt, *t;
	const char *chain[PROBE_CNAME_MAX + 1];
	size_t nchain;
	bool referral = q->qtype == LDNS_RR_TYPE_NS && !q->rd;

	q->aa = dnswire_aa(m);
	q->ra = dnswire_ra(m);
	q->cname = probe_cname_chain(r, q, m, mlen, chain, &nchain);
	dnswire_begin(&it, m, mlen);
	while (dnswire_next(&it, &rr)) {
		txt = NULL;
		if (rr.section == DNSWIRE_QUESTION)
			continue;
		if (rr.section != DNSWIRE_ADDITIONAL &&
		    rr.type == LDNS_RR_TYPE_SOA && soa == NULL &&
		    (t = dnswire_name_text(m, mlen, rr.owner, name)) != NULL)
			soa = probe_intern(r, t);
		if (rr.section == DNSWIRE_ANSWER) {
			if (rr.type != q->qtype || q->nanswers == UINT16_MAX)
				continue;
			/* Only records of the name asked, or of the names its
			 * CNAME chain leads to: a stray record is no answer. */
			if ((t = dnswire_name_text(m, mlen, rr.owner, name)) == NULL ||
			    !chain_has(chain, nchain, t))
				continue;
			switch (q->qtype) {
			case LDNS_RR_TYPE_MX:
				if ((t = dnswire_name_text(m, mlen, rr.rdata + 2,
				    name)) != NULL) {
					snprintf(buf, sizeof buf, "%u %s",
					    (unsigned)dnswire_u16(m + rr.rdata), t);
					txt = buf;
				}
				break;
			case LDNS_RR_TYPE_NS:
				txt = dnswire_name_text(m, mlen, rr.rdata, name);
				break;
			case LDNS_RR_TYPE_SOA:
				txt = dnswire_name_text(m, mlen, rr.owner, name);
				break;
			case LDNS_RR_TYPE_TXT:
				/* a canary's: only its size matters, its text
				 * is nobody's business here */
				snprintf(buf, sizeof buf, "(TXT, %zu bytes)",
				    rr.rdlen);
				txt = buf;
				break;
			default:   /* A, AAAA */
				txt = wire_addr(m, &rr, ab);
				break;
			}
			if (txt) {
				scratch_add(r, &len, txt);
				q->nanswers++;
			}
		} else if (rr.section == DNSWIRE_AUTHORITY) {
			/* Referrals matter only for the questions that look for
			 * them; keep nothing for the rest. */
			const char *owner;
			if (!referral || rr.type != LDNS_RR_TYPE_NS ||
			    (t = dnswire_name_text(m, mlen, rr.owner, name)) == NULL ||
			    dnswire_name_text(m, mlen, rr.rdata, name2) == NULL)
				continue;
			owner = probe_intern(r, t);
			if (ref == NULL) {
				ref = xcalloc(1, sizeof *ref);
				ref->zone = owner;
			}
			if (owner == ref->zone) {
				ptrv_push(&ref->ns, &ref->nns, probe_intern(r, name2));
			}
		} else if (referral && rr.type == LDNS_RR_TYPE_A) {
			const char *ip = wire_addr(m, &rr, ab);
			if ((t = dnswire_name_text(m, mlen, rr.owner, name)) == NULL)
				continue;
			snprintf(buf, sizeof buf, "%s %s", t, ip ? ip : "?");
			if (ref == NULL)
				ref = xcalloc(1, sizeof *ref);
			ptrv_push(&ref->glue, &ref->nglue, arena_strdup(&r->text, buf));
		}
	}
	q->soa_zone = soa;
	q->u.answers = NULL;
	if (len > 0) {
		char *p = arena_alloc(&r->text, len);
		memcpy(p, r->scratch, len);
		q->u.answers = p;
	}
	if (ref != NULL) {
		r->refs = xrealloc(r->refs, (r->nrefs + 1) * sizeof *r->refs);
		r->refs[r->nrefs++] = ref;
		q->ref = (uint32_t)r->nrefs;
	}
}

static const probe_referral *
q_ref(const probe_run *r, const probe_query *q)
{
	return q->ref ? r->refs[q->ref - 1] : NULL;
}

/* ---- the query cache --------------------------------------------------- */

/* How a question is asked besides RD: with CD=1 (the resolver only), or
 * without EDNS (a retry of a direct question). */
#define PQ_CD 1u
#define PQ_PLAIN 2u

static unsigned
q_xflags(const probe_query *q)
{
	return (q->cd ? PQ_CD : 0) | (q->plain ? PQ_PLAIN : 0);
}

/* Names are interned, so the key is (server index, name pointer, type,
 * rd, the flags above). */
static size_t
probe_hash(uint32_t srv, const char *name, uint16_t type, bool rd,
           unsigned xf)
{
	uint64_t h = fnv1a(FNV_INIT, &srv, sizeof srv);
	uint8_t fl = (uint8_t)(rd | xf << 1);

	h = fnv1a(h, &name, sizeof name);
	h = fnv1a(h, &type, sizeof type);
	return (size_t)fnv1a(h, &fl, sizeof fl);
}

static void
probe_htab_insert(probe_run *r, size_t qi)
{
	const probe_query *q = QAT(r, qi);
	size_t mask = r->hcap - 1,
	    i = probe_hash(q->server, q->qname, q->qtype, q->rd, q_xflags(q)) &
	    mask;

	while (r->htab[i] != 0)
		i = (i + 1) & mask;
	r->htab[i] = (uint32_t)(qi + 1);
}

static probe_query *
probe_lookup(probe_run *r, uint32_t srv, const char *name, uint16_t type,
             bool rd, unsigned xf)
{
	size_t mask, i;

	if (r->hcap == 0)
		return NULL;
	mask = r->hcap - 1;
	i = probe_hash(srv, name, type, rd, xf) & mask;
	while (r->htab[i] != 0) {
		probe_query *q = QAT(r, r->htab[i] - 1);
		if (q->qname == name && q->server == srv && q->qtype == type &&
		    q->rd == rd && q_xflags(q) == xf)
			return q;
		i = (i + 1) & mask;
	}
	return NULL;
}

static void
probe_dnsq_cb(const dnsq_result *res, void *arg)
{
	probe_query *q = arg;
	probe_run *r = res->user;
	probe_waiter *w, *waiters = q->u.waiters;

	q->u.answers = NULL;
	q->rcode = (int16_t)res->rcode;
	q->tries = (uint8_t)(res->tries > 255 ? 255 : res->tries);
	q->ms = res->ms;
	q->mismatched = (uint16_t)(res->mismatched > 65535 ? 65535 : res->mismatched);
	q->malformed = (uint16_t)(res->malformed > 65535 ? 65535 : res->malformed);
	q->tcp = res->tcp;
	q->size = (uint16_t)(res->reply == NULL ? 0 : res->replylen > 65535 ?
	    65535 : res->replylen);
	if (res->outcome == DNSQ_ANSWER && !res->tcp && res->replylen > 512)
		r->large_udp = true;
	/* The server answered a question with EDNS over UDP: its EDNS path
	 * works (a FORMERR says the opposite). */
	if (res->outcome == DNSQ_ANSWER && !res->tcp && !q->plain &&
	    res->rcode != LDNS_RCODE_FORMERR && r->o.dnsq.edns_bufsize != 0)
		r->srvflag[q->server] |= SRV_EDNS_UDP;
	if (!res->rd && res->outcome == DNSQ_ANSWER)
		r->seen_direct = true;
	if (!res->rd && res->outcome == DNSQ_ANSWER && res->tcp)
		r->tcp_direct = true;
	if (res->reply)
		probe_extract(r, q, res->reply, res->replylen);
	q->outcome = (uint8_t)res->outcome;
	/* Out of sockets or memory here: the fault is this host's, and what
	 * was not asked proves nothing about the server. */
	if (res->outcome == DNSQ_NETERR && r->local_errno == 0 &&
	    (res->sys_errno == EMFILE || res->sys_errno == ENFILE ||
	    res->sys_errno == ENOBUFS || res->sys_errno == ENOMEM))
		r->local_errno = res->sys_errno;
	/* Waiters run from probe_step, not from inside the engine. */
	while ((w = waiters) != NULL) {
		waiters = w->next;
		w->next = r->deferred;
		r->deferred = w;
	}
}

static void probe_evidence_add(probe_domain *d, size_t qi);

/* Ask a question (once per run) and call fn when it has an outcome. d, if
 * given, gets the query as evidence and is not finished until fn ran.
 * xf: PQ_CD, with CD=1 (the resolver only); PQ_PLAIN, without EDNS. */
static probe_query *
probe_ask_x(probe_run *r, probe_domain *d, const exaddr *srv,
            const char *name, uint16_t type, bool rd, unsigned xf, qdone_fn fn,
            void *ctx)
{
	exaddr server = *srv;   /* srv may point into the server table */
	uint32_t sid = probe_server_id(r, &server);
	const char *iname = probe_intern(r, name);
	probe_query *q = probe_lookup(r, sid, iname, type, rd, xf);
	probe_waiter *w;

	if (q == NULL) {
		size_t qi = r->nq;
		if ((qi & (PROBE_SLAB - 1)) == 0) {
			r->slabs = xrealloc(r->slabs, ((qi >> PROBE_SLAB_BITS) + 1) *
			    sizeof *r->slabs);
			r->slabs[qi >> PROBE_SLAB_BITS] =
			    xcalloc(PROBE_SLAB, sizeof **r->slabs);
		}
		q = QAT(r, qi);
		q->server = sid;
		q->qname = iname;
		q->qtype = type;
		q->rd = rd;
		q->cd = (xf & PQ_CD) != 0;
		q->plain = (xf & PQ_PLAIN) != 0;
		q->rcode = -1;
		q->index = (uint32_t)qi;
		r->nq++;
		if ((r->nq + 1) * 2 > r->hcap) {
			size_t i;
			free(r->htab);
			r->hcap = r->hcap ? r->hcap * 2 : 1024;
			r->htab = xcalloc(r->hcap, sizeof *r->htab);
			for (i = 0; i < r->nq; i++)
				probe_htab_insert(r, i);
		} else
			probe_htab_insert(r, qi);
		if (r->cancelled || (q->cd ? dnsq_submit_cd : q->plain ?
		    dnsq_submit_plain : dnsq_submit)(r->dnsq, &server, iname,
		    type, rd, probe_dnsq_cb, q) != 0)
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
		w->next = q->u.waiters;
		q->u.waiters = w;
	} else {
		w->next = r->deferred;
		r->deferred = w;
	}
	return q;
}

static probe_query *
probe_ask(probe_run *r, probe_domain *d, const exaddr *srv, const char *name,
          uint16_t type, bool rd, qdone_fn fn, void *ctx)
{
	return probe_ask_x(r, d, srv, name, type, rd, 0, fn, ctx);
}

static void
probe_evidence_add(probe_domain *d, size_t qi)
{
	size_t i;

	for (i = 0; i < d->nevidence; i++)
		if (d->evidence[i] == qi)
			return;
	d->evidence = xgrow(d->evidence, sizeof *d->evidence, &d->work->evcap,
	    d->nevidence + 1);
	d->evidence[d->nevidence++] = (uint32_t)qi;
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
/*
 * One finder per name, an explicit state machine:
 *   ZF_SOA       SOA of the name through the resolver gives its zone (and,
 *                when the name is an alias, where its CNAME chain ends:
 *                the name the zone's servers are asked about)
 *   ZF_NS        NS of that zone through the resolver
 *   ZF_ADDRS     the NS names' addresses (glue first, else the resolver)
 *   ZF_WALK      the resolver failed: SOA of each ancestor in turn until
 *                one is answered with a zone above the name,
 *   ZF_PARENT    that zone's servers found by a nested finder (one level
 *                deeper),
 *   ZF_REFERRAL  each asked directly for a referral (NS, RD=0); a server
 *                that serves the zone holding the name says so with an
 *                authoritative NODATA whose SOA names that zone, which is
 *                asked next: it must be a zone above the name asked, and
 *                one not asked before
 *   ZF_DONE
 * Each question asked in turn is a step: a finder stops after
 * ZF_MAX_STEPS, nesting after ZF_MAX_DEPTH levels. So no remote server can
 * keep it walking (SOA owners that form a cycle, s1 -> s2 -> s1, end it).
 */

static void zf_ns_done(probe_run *r, probe_query *q, void *ctx);
static void probe_start_more(probe_run *r);

/* Move to state; false when the finder has taken all its steps. */
static bool
zf_step(zfind *z, zf_state state)
{
	z->state = state;
	return ++z->steps <= ZF_MAX_STEPS;
}

static void
zf_finish(probe_run *r, zfind *z)
{
	z->state = ZF_DONE;
	z->done(r, z);
	free(z->nsnames);
	free(z->srv_names);
	free(z->srv_addrs);
	free(z);
}

/* name and ip are interned. */
static void
zf_add_server(zfind *z, const char *name, const char *ip)
{
	size_t i;

	for (i = 0; i < z->nsrv; i++)
		if (z->srv_addrs[i] == ip)
			return;
	z->srv_names = xrealloc(z->srv_names, (z->nsrv + 1) * sizeof *z->srv_names);
	z->srv_addrs = xrealloc(z->srv_addrs, (z->nsrv + 1) * sizeof *z->srv_addrs);
	z->srv_names[z->nsrv] = name;
	z->srv_addrs[z->nsrv] = ip;
	z->nsrv++;
}

static void
zf_add_ns(zfind *z, const char *name)
{
	if (z->nns < ZF_MAX_NS)
		ptrv_push(&z->nsnames, &z->nns, name);
}

/* Has this finder asked for zone's referral already? If not, mark it. */
static bool
zf_visited(zfind *z, const char *zone)
{
	size_t i;

	for (i = 0; i < z->nvisited; i++)
		if (z->visited[i] == zone)
			return true;
	if (z->nvisited == ZF_MAX_VISITED)
		return true;   /* enough zones for one name */
	z->visited[z->nvisited++] = zone;
	return false;
}

typedef struct zf_addr_ctx {
	zfind *z;
	const char *nsname;
} zf_addr_ctx;

static void
zf_addr_done(probe_run *r, probe_query *q, void *ctx)
{
	zf_addr_ctx *c = ctx;
	zfind *z = c->z;
	const char *a;
	size_t i = 0;

	if (q_noerror(q))
		for (a = ans_first(q); a != NULL; a = ans_next(q, a, &i))
			zf_add_server(z, c->nsname, probe_intern(r, a));
	free(c);
	if (--z->pending == 0)
		zf_finish(r, z);
}

/* Resolve the addresses of NS names; glue (from a referral) first. */
static void
zf_resolve_ns(probe_run *r, zfind *z, const char *const *glue, size_t nglue)
{
	size_t i, j;

	z->state = ZF_ADDRS;
	z->pending++;   /* hold while submitting */
	for (i = 0; i < z->nns; i++) {
		bool glued = false;
		size_t nl = strlen(z->nsnames[i]);
		for (j = 0; j < nglue; j++)
			if (strncmp(glue[j], z->nsnames[i], nl) == 0 && glue[j][nl] == ' ') {
				zf_add_server(z, z->nsnames[i],
				    probe_intern(r, glue[j] + nl + 1));
				glued = true;
			}
		if (glued)
			continue;
		zf_addr_ctx *c = xcalloc(1, sizeof *c);
		c->z = z;
		c->nsname = z->nsnames[i];
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
	const probe_referral *ref = q_ref(r, q);
	const char *a;
	size_t i = 0;

	if (!z->referral_taken && q_answered(q) && ref != NULL &&
	    ref->zone != NULL && ref->nns > 0 && dname_under(z->name, ref->zone)) {
		z->referral_taken = true;
		z->zone = ref->zone;
		for (i = 0; i < ref->nns; i++)
			zf_add_ns(z, ref->ns[i]);
		z->pending--;
		zf_resolve_ns(r, z, ref->glue, ref->nglue);
		return;
	}
	/* The parent's server also serves the zone itself: no referral but an
	 * authoritative answer with the zone's NS records. */
	if (!z->referral_taken && q_noerror(q) && q->aa && q->nanswers > 0) {
		z->referral_taken = true;
		z->zone = q->qname;
		for (a = ans_first(q); a != NULL; a = ans_next(q, a, &i))
			zf_add_ns(z, probe_intern(r, a));
		z->pending--;
		zf_resolve_ns(r, z, ref ? ref->glue : NULL, ref ? ref->nglue : 0);
		return;
	}
	/* It serves the zone that holds the name (an authoritative NODATA or
	 * NXDOMAIN with the zone's SOA): ask it for that zone's NS. The zone
	 * must be above the name asked and new to this finder. */
	if (!z->referral_taken && q_answered(q) && q->aa && q->soa_zone != NULL &&
	    !dname_equal(q->soa_zone, q->qname) &&
	    dname_under(q->qname, q->soa_zone) &&
	    (q->rcode == LDNS_RCODE_NOERROR || q->rcode == LDNS_RCODE_NXDOMAIN) &&
	    !zf_visited(z, q->soa_zone) && zf_step(z, ZF_REFERRAL)) {
		probe_ask(r, z->d, probe_query_server(r, q), q->soa_zone,
		    LDNS_RR_TYPE_NS, false, zf_referral_done, z);
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

	z->state = ZF_REFERRAL;
	z->pending++;
	(void)zf_visited(z, z->name);
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
                     unsigned depth, zf_done_fn done, void *ctx);

/* The resolver cannot tell us about name's zone: find the zone above it
 * (walking up until the resolver answers) and ask its servers. */
static void
zf_walk_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;
	char up[DNAME_MAX + 2];

	if (!q_failed(q) && q->soa_zone != NULL &&
	    !dname_equal(q->soa_zone, z->name) && dname_under(z->name, q->soa_zone)) {
		if (z->depth + 1 >= ZF_MAX_DEPTH || !zf_step(z, ZF_PARENT)) {
			zf_finish(r, z);
			return;
		}
		zf_start(r, z->d, q->soa_zone, z->depth + 1, zf_parent_servers_done, z);
		return;
	}
	if (strcmp(z->walk, ".") == 0 || strchr(z->walk, '.') == NULL ||
	    !zf_step(z, ZF_WALK)) {
		zf_finish(r, z);    /* nothing found */
		return;
	}
	if (dname_parent(z->walk, up, sizeof up) != 0) {
		zf_finish(r, z);    /* a name too long to walk up: not cut */
		return;
	}
	z->walk = probe_intern(r, up);
	probe_ask(r, z->d, &r->o.resolver, z->walk, LDNS_RR_TYPE_SOA, true,
	    zf_walk_done, z);
}

static void
zf_walk_start(probe_run *r, zfind *z, const char *from)
{
	char up[DNAME_MAX + 2];

	if (dname_parent(from, up, sizeof up) != 0 || strcmp(up, ".") == 0 ||
	    !zf_step(z, ZF_WALK)) {
		zf_finish(r, z);
		return;
	}
	z->walk = probe_intern(r, up);
	probe_ask(r, z->d, &r->o.resolver, z->walk, LDNS_RR_TYPE_SOA, true,
	    zf_walk_done, z);
}

static void
zf_soa_done(probe_run *r, probe_query *q, void *ctx)
{
	zfind *z = ctx;

	if (q->cname != NULL)
		z->canon = q->cname;
	if (!q_failed(q) && q->soa_zone != NULL &&
	    dname_under(z->canon ? z->canon : z->name, q->soa_zone) &&
	    zf_step(z, ZF_NS)) {
		z->zone = q->soa_zone;
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
	const char *a;
	size_t i = 0;

	if (q_noerror(q) && q->nanswers > 0) {
		for (a = ans_first(q); a != NULL; a = ans_next(q, a, &i))
			zf_add_ns(z, probe_intern(r, a));
		zf_resolve_ns(r, z, NULL, 0);
		return;
	}
	/* The zone is known but not its servers: ask the parent. */
	z->name = z->zone;
	zf_walk_start(r, z, z->zone);
}

static void
zf_start(probe_run *r, probe_domain *d, const char *name, unsigned depth,
         zf_done_fn done, void *ctx)
{
	zfind *z = xcalloc(1, sizeof *z);

	z->d = d;
	z->name = probe_intern(r, name);
	z->depth = depth;
	z->done = done;
	z->ctx = ctx;
	(void)zf_step(z, ZF_SOA);
	probe_ask(r, d, &r->o.resolver, z->name, LDNS_RR_TYPE_SOA, true,
	    zf_soa_done, z);
}

/* ---- per domain -------------------------------------------------------- */

/* name, zone and ip are interned. */
static void
domain_server(probe_domain *d, const char *name, const char *zone,
              const char *ip)
{
	size_t i;

	for (i = 0; i < d->nservers; i++)
		if (d->servers[i].addr == ip && d->servers[i].zone == zone)
			return;
	d->servers = xrealloc(d->servers, (d->nservers + 1) * sizeof *d->servers);
	d->servers[i].name = name;
	d->servers[i].zone = zone;
	d->servers[i].addr = ip;
	d->nservers++;
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

/* What a server whose EDNS path is broken does to a query with EDNS (a
 * truncated reply came over UDP: not that). */
static bool
q_edns_failed(const probe_query *q)
{
	return (q->outcome == DNSQ_TIMEOUT && !q->tcp) ||
	    (q->outcome == DNSQ_ANSWER && q->rcode == LDNS_RCODE_FORMERR);
}

/* Truncated over UDP, and over TCP no answer (refused, reset, stalled). */
static bool
q_tcp_failed(const probe_query *q)
{
	return q->tcp && (q->outcome == DNSQ_TIMEOUT ||
	    q->outcome == DNSQ_UNREACHABLE);
}

/* Asked without EDNS, its answer came truncated (over 512 bytes) and was
 * fetched over TCP, while the server answers questions with EDNS over
 * UDP: the question with EDNS got no reply for its size, not its EDNS. */
static bool
q_large_dropped(const probe_run *r, const probe_query *plain)
{
	return plain->plain && plain->tcp && q_noerror(plain) &&
	    (r->srvflag[plain->server] & SRV_EDNS_UDP) != 0;
}

/* A retry without EDNS came truncated from a server not yet seen
 * answering a question with EDNS over UDP: one small question with EDNS
 * (the SOA of a zone it serves) tells "answers over 512 bytes are
 * dropped" from "EDNS is dropped". */
static void
probe_ask_small_edns(probe_run *r, probe_domain *d, const probe_query *plain,
                     const char *zone)
{
	exaddr a;

	if (!plain->tcp || zone == NULL || r->cancelled ||
	    (r->srvflag[plain->server] & SRV_EDNS_UDP) != 0)
		return;
	a = r->srv[plain->server];
	probe_ask(r, d, &a, zone, LDNS_RR_TYPE_SOA, false, NULL, NULL);
}

static void
hs_plain_done(probe_run *r, probe_query *q, void *ctx)
{
	host_server *hs = ctx;

	if (q->qtype == LDNS_RR_TYPE_A)
		hs->qa_plain = q->index;
	else
		hs->qaaaa_plain = q->index;
	probe_ask_small_edns(r, hs->d, q, hs->zone);
}

/* A direct A or AAAA has its outcome. Both in: if A (else AAAA, A being
 * answered) timed out or got FORMERR, the same question once more
 * without EDNS (at most one more query per server and host): answered,
 * the server's EDNS path is broken. */
static void
hs_done(probe_run *r, probe_query *q, void *ctx)
{
	host_server *hs = ctx;
	const probe_query *qa, *qaaaa;

	if (q->qtype == LDNS_RR_TYPE_A)
		hs->qa = q->index;
	else
		hs->qaaaa = q->index;
	if (hs->qa == NOSLOT || hs->qaaaa == NOSLOT ||
	    r->o.dnsq.edns_bufsize == 0 || r->cancelled)
		return;
	qa = QAT(r, hs->qa);
	qaaaa = QAT(r, hs->qaaaa);
	if (q_edns_failed(qa))
		probe_ask_x(r, hs->d, &hs->addr, qa->qname, LDNS_RR_TYPE_A, false,
		    PQ_PLAIN, hs_plain_done, hs);
	else if (q_noerror(qa) && q_edns_failed(qaaaa))
		probe_ask_x(r, hs->d, &hs->addr, qaaaa->qname, LDNS_RR_TYPE_AAAA,
		    false, PQ_PLAIN, hs_plain_done, hs);
}

static void
host_zone_done(probe_run *r, zfind *z)
{
	host_ctx *c = z->ctx;
	probe_domain *d = c->d;
	host_work *hw = d->work->hw[c->h];
	exaddr a;
	size_t i;

	const char *ask;

	if (z->zone && d->mx[c->h].zone == NULL)
		d->mx[c->h].zone = z->zone;
	/* An MX host that is an alias: its records live at the end of the
	 * CNAME chain, and only that name's zone servers can say. */
	if (z->canon != NULL)
		d->mx[c->h].cname = z->canon;
	ask = d->mx[c->h].cname ? d->mx[c->h].cname : d->mx[c->h].host;
	hw->hs = xcalloc(z->nsrv ? z->nsrv : 1, sizeof *hw->hs);
	for (i = 0; i < z->nsrv; i++) {
		host_server *hs = &hw->hs[hw->nhs];
		if (addr_from_ip(z->srv_addrs[i], r->o.auth_port, &a) != 0)
			continue;
		domain_server(d, z->srv_names[i], z->zone ? z->zone :
		    probe_intern(r, "?"), z->srv_addrs[i]);
		hs->qa = hs->qaaaa = hs->qa_plain = hs->qaaaa_plain = NOSLOT;
		hs->zone = z->zone;
		hs->d = d;
		hs->addr = a;
		hw->nhs++;
		probe_ask(r, d, &a, ask, LDNS_RR_TYPE_A, false, hs_done, hs);
		probe_ask(r, d, &a, ask, LDNS_RR_TYPE_AAAA, false, hs_done, hs);
	}
	free(c);
}

/* A validating resolver's SERVFAIL: the same question with CD=1 (one more
 * query) tells a DNSSEC failure (answered then) from others. */
static bool
q_servfail(const probe_query *q)
{
	return q->outcome == DNSQ_ANSWER && q->rcode == LDNS_RCODE_SERVFAIL;
}

static void
host_ra_done(probe_run *r, probe_query *q, void *ctx)
{
	host_work *hw = ctx;

	hw->ra = q->index;
	if (q_servfail(q))
		probe_ask_x(r, hw->d, &r->o.resolver, q->qname, LDNS_RR_TYPE_A,
		    true, PQ_CD, slot_done, &hw->ra_cd);
}

static void
host_start(probe_run *r, probe_domain *d, size_t h)
{
	host_work *hw = d->work->hw[h];
	host_ctx *c = xcalloc(1, sizeof *c);

	probe_ask(r, d, &r->o.resolver, d->mx[h].host, LDNS_RR_TYPE_A, true,
	    host_ra_done, hw);
	probe_ask(r, d, &r->o.resolver, d->mx[h].host, LDNS_RR_TYPE_AAAA, true,
	    slot_done, &hw->raaaa);
	c->d = d;
	c->h = h;
	/* The zone finder holds the domain open through its own queries; the
	 * domain cannot finish before host_zone_done has run because the last
	 * zone-finder query's waiter runs the callback before releasing. */
	zf_start(r, d, d->mx[h].host, 0, host_zone_done, c);
}

static int
mx_cmp(const void *a, const void *b)
{
	const probe_mx *x = a, *y = b;

	return x->pref < y->pref ? -1 : x->pref > y->pref;
}

/* At most MAX_MX_HOSTS distinct MX hosts, the most preferred (sorted
 * already): one remote MX answer must not make thousands of queries. The
 * rest are counted (d->mx_not_probed) and the report says so. */
static void
domain_cap_hosts(probe_domain *d)
{
	size_t i, j, kept = 0;

	for (i = 0; i < d->nmx; i++) {
		for (j = 0; j < kept; j++)
			if (d->mx[j].host == d->mx[i].host)
				break;
		if (j < kept)
			continue;    /* listed twice: names are interned */
		if (kept == MAX_MX_HOSTS) {
			d->mx_not_probed++;
			continue;
		}
		d->mx[kept++] = d->mx[i];
	}
	d->nmx = kept;
}

/* Set the MX hosts from an MX answer ("pref host" strings), or the
 * implicit MX when there is none; start work on each. */
static void
domain_set_hosts(probe_run *r, probe_domain *d, const probe_query *q)
{
	probe_dwork *w = d->work;
	size_t i, n = q->nanswers;

	if (w->hosts_set)
		return;
	w->hosts_set = true;
	if (n == 0) {
		d->implicit_mx = true;
		d->mx = xcalloc(1, sizeof *d->mx);
		d->mx[0].host = d->name;
		d->nmx = 1;
	} else {
		d->mx = xcalloc(n, sizeof *d->mx);
		for (i = 0; i < n; i++) {
			unsigned pref = 0;
			char host[DNSWIRE_TEXT_MAX];
			if (sscanf(probe_query_answer(q, i), "%u %1023s", &pref,
			    host) != 2)
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
		domain_cap_hosts(d);
	}
	w->hw = xcalloc(d->nmx ? d->nmx : 1, sizeof *w->hw);
	w->nhw = d->nmx;
	for (i = 0; i < d->nmx; i++) {
		w->hw[i] = xcalloc(1, sizeof *w->hw[i]);
		w->hw[i]->ra = w->hw[i]->raaaa = w->hw[i]->ra_cd = NOSLOT;
		w->hw[i]->d = d;
	}
	for (i = 0; i < d->nmx; i++)
		host_start(r, d, i);
}

/* A direct reply from a server the parent lists for the zone that says
 * it is not authoritative for it: REFUSED or NOTAUTH, or NOERROR or
 * NXDOMAIN without AA (an upward referral, an answer from its cache). */
static bool
q_lame(const probe_query *q)
{
	if (q->rd || q->outcome != DNSQ_ANSWER)
		return false;
	switch (q->rcode) {
	case LDNS_RCODE_REFUSED:
	case LDNS_RCODE_NOTAUTH:
		return true;
	case LDNS_RCODE_NOERROR:
	case LDNS_RCODE_NXDOMAIN:
		return !q->aa;
	default:
		return false;
	}
}

static void domain_auth_mx_plain_done(probe_run *r, probe_query *q,
                                      probe_domain *d);

static void
domain_auth_mx_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_domain *d = ctx;

	if (q->plain) {
		domain_auth_mx_plain_done(r, q, d);
		return;
	}
	if (q_lame(q))
		d->work->nauth_lame++;
	/* No reply or FORMERR with EDNS: the same question without (one more
	 * query per server), to tell a broken EDNS path from a dead server. */
	if (q_edns_failed(q) && r->o.dnsq.edns_bufsize != 0 && !r->cancelled)
		probe_ask_x(r, d, &r->srv[q->server], q->qname, LDNS_RR_TYPE_MX,
		    false, PQ_PLAIN, domain_auth_mx_done, d);
	/* The proof when no server gives the MX: a silent one first. */
	if (!q_answered(q) && d->work->qauth_silent == NOSLOT)
		d->work->qauth_silent = q->index;
	else if (d->work->qauth_other == NOSLOT)
		d->work->qauth_other = q->index;
	if (d->work->hosts_set || d->work->mx_nx || d->work->null_mx)
		return;
	if (q_noerror(q) && q->aa) {
		d->work->qauth_mx = q->index;
		domain_set_hosts(r, d, q);
	} else if (q_answered(q) && q->rcode == LDNS_RCODE_NXDOMAIN && q->aa) {
		d->work->qauth_mx = q->index;
		d->work->mx_nx = true;
	}
}

/* The domain's own MX asked again without EDNS: answered, the server's
 * EDNS path (or its UDP answers over 512 bytes) is broken, and its answer
 * gives the MX hosts if no server's did. */
static void
domain_auth_mx_plain_done(probe_run *r, probe_query *q, probe_domain *d)
{
	probe_dwork *w = d->work;

	if (q_noerror(q) && q->aa && w->qauth_plain == NOSLOT) {
		const probe_query *e = probe_lookup(r, q->server, q->qname,
		    LDNS_RR_TYPE_MX, false, 0);
		w->qauth_plain = q->index;
		w->qauth_edns = e != NULL ? e->index : NOSLOT;
		probe_ask_small_edns(r, d, q, d->name);
	}
	if (w->hosts_set || w->mx_nx || w->null_mx)
		return;
	if (q_noerror(q) && q->aa) {
		w->qauth_mx = q->index;
		domain_set_hosts(r, d, q);
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
	for (i = 0; i < z->nsrv; i++) {
		domain_server(d, z->srv_names[i], z->zone ? z->zone :
		    probe_intern(r, "?"), z->srv_addrs[i]);
		ptrv_push(&w->zone_addrs, &w->nzone, z->srv_addrs[i]);
	}
	domain_ask_auth_mx(r, d);
}

/* The MX with CD=1 answered: a DNSSEC failure; its MX hosts are what the
 * domain publishes (unless its own servers said first). */
static void
domain_mx_cd_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_domain *d = ctx;

	d->work->qmx_cd = q->index;
	if (q_noerror(q) && !d->work->mx_nx && !d->work->null_mx)
		domain_set_hosts(r, d, q);
}

static void
domain_mx_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_domain *d = ctx;

	d->work->qmx = q->index;
	if (q_noerror(q)) {
		domain_set_hosts(r, d, q);
		return;
	}
	if (q_answered(q) && q->rcode == LDNS_RCODE_NXDOMAIN) {
		d->work->mx_nx = true;
		return;
	}
	/* The resolver failed the MX: ask the domain's own servers. */
	d->work->mx_failed = true;
	domain_ask_auth_mx(r, d);
	if (q_servfail(q))
		probe_ask_x(r, d, &r->o.resolver, d->name, LDNS_RR_TYPE_MX, true,
		    PQ_CD, domain_mx_cd_done, d);
}

/* The MX through the resolver and, at the same time, the domain's own
 * servers, so a failed MX does not wait for a second round trip. */
static void
domain_start(probe_run *r, probe_domain *d)
{
	probe_ask(r, d, &r->o.resolver, d->name, LDNS_RR_TYPE_MX, true,
	    domain_mx_done, d);
	zf_start(r, d, d->name, 0, domain_zone_done, d);
}

/* ---- resolver health ---------------------------------------------------- */

/* Each canary's MX (does it recurse for us, and answer?) and AAAA (does it
 * answer AAAA at all? a resolver or a middlebox that fails AAAA for every
 * name must not be taken for remote domains that do). */
/* A canary's MX SERVFAIL: asked again with CD=1 (one query), to tell a
 * resolver whose validation fails for everything. ctx is the check: r->ext
 * is only grown (moved) once the checks before have finished. */
/* The same question once more without EDNS, kept as the check's
 * evidence. */
static void
check_plain_retry(probe_run *r, probe_resolver_check *c, const probe_query *q,
                  bool failed)
{
	probe_query *p;

	if (!failed || r->cancelled || r->o.dnsq.edns_bufsize == 0)
		return;
	p = probe_ask_x(r, NULL, &c->addr, q->qname, q->qtype, true, PQ_PLAIN,
	    NULL, NULL);
	u32_push(&c->evidence, &c->nevidence, p->index);
}

static void
check_mx_done(probe_run *r, probe_query *q, void *ctx)
{
	probe_resolver_check *c = ctx;
	probe_query *cd;

	r->check_cbs--;
	if (q_servfail(q) && !r->cancelled) {
		cd = probe_ask_x(r, NULL, &c->addr, q->qname, LDNS_RR_TYPE_MX, true,
		    PQ_CD, NULL, NULL);
		u32_push(&c->evidence, &c->nevidence, cd->index);
	}
	check_plain_retry(r, c, q, q_edns_failed(q));
}

/* A canary's TXT (an answer often over 512 bytes, sometimes over 1232:
 * SPF and site verification records): no reply or FORMERR with EDNS, or
 * SERVFAIL: the same without EDNS tells a dropped large answer (truncated
 * then, and fetched over TCP) from one the resolver cannot get at all. */
static void
check_txt_done(probe_run *r, probe_query *q, void *ctx)
{
	r->check_cbs--;
	check_plain_retry(r, ctx, q, q_edns_failed(q) || q_servfail(q));
}

static void
check_start(probe_run *r, probe_resolver_check *c)
{
	static const uint16_t types[] = {LDNS_RR_TYPE_MX, LDNS_RR_TYPE_AAAA,
	    LDNS_RR_TYPE_TXT};
	static const qdone_fn done[] = {check_mx_done, NULL, check_txt_done};
	size_t i, t;
	probe_query *q;

	for (t = 0; t < 3; t++)
		for (i = 0; i < r->o.ncanaries; i++) {
			if (done[t] != NULL)
				r->check_cbs++;
			q = probe_ask(r, NULL, &c->addr, r->o.canaries[i], types[t],
			    true, done[t], c);
			u32_push(&c->evidence, &c->nevidence, q->index);
		}
	/* A name every resolver holds itself: does it answer at all? */
	q = probe_ask(r, NULL, &c->addr, "localhost", LDNS_RR_TYPE_A, true, NULL,
	    NULL);
	u32_push(&c->evidence, &c->nevidence, q->index);
}

static rstatus
check_status_of(const probe_query *q)
{
	if (q->outcome == DNSQ_ANSWER) {
		if (q->rcode == LDNS_RCODE_NOERROR || q->rcode == LDNS_RCODE_NXDOMAIN)
			return RSTATUS_OK;
		if (q->rcode == LDNS_RCODE_SERVFAIL)
			return RSTATUS_SERVFAIL;
		if (q->rcode == LDNS_RCODE_REFUSED)
			return RSTATUS_REFUSED;
		return RSTATUS_BROKEN;
	}
	if (q->outcome == DNSQ_UNREACHABLE)
		return RSTATUS_UNREACHABLE;
	if (q->outcome == DNSQ_TIMEOUT && (q->mismatched || q->malformed))
		return RSTATUS_BROKEN;
	if (q->outcome == DNSQ_TIMEOUT)
		return RSTATUS_TIMEOUT;
	return RSTATUS_UNREACHABLE;   /* local error: cannot reach it */
}

/* Its canaries' TXT: the answers over 512 bytes, through it. One that
 * came truncated and not over TCP (tcp); one whose UDP answer with EDNS
 * never came while, without EDNS, it came truncated and over TCP (large);
 * one it failed with and without EDNS while it answered that canary's MX
 * (fails). */
typedef struct check_pair {
	ssize_t q, p;          /* the canary's TXT with EDNS, and without (or
	                          -1); -1, -1: none */
} check_pair;

typedef struct check_large {
	check_pair tcp, large, fail;
} check_large;

/* The first of a kind is kept. */
static void
check_take(check_pair *k, const probe_query *q, const probe_query *p)
{
	if (k->q >= 0)
		return;
	k->q = q->index;
	k->p = p != NULL ? (ssize_t)p->index : -1;
}

static void
check_large_of(probe_run *r, const probe_resolver_check *c, check_large *l)
{
	uint32_t sid = probe_server_id(r, &c->addr);
	size_t i;

	l->tcp.q = l->tcp.p = l->large.q = l->large.p = -1;
	l->fail.q = l->fail.p = -1;
	for (i = 0; i < c->nevidence; i++) {
		const probe_query *q = QAT(r, c->evidence[i]), *p, *mx;
		if (q->qtype != LDNS_RR_TYPE_TXT || q->plain || q->cd)
			continue;
		p = probe_lookup(r, sid, q->qname, LDNS_RR_TYPE_TXT, true, PQ_PLAIN);
		mx = probe_lookup(r, sid, q->qname, LDNS_RR_TYPE_MX, true, 0);
		if (q_tcp_failed(q))
			check_take(&l->tcp, q, NULL);
		else if (p != NULL && q_edns_failed(q) && q_tcp_failed(p))
			check_take(&l->tcp, q, p);
		else if (p != NULL && q_edns_failed(q) && p->tcp && q_noerror(p))
			check_take(&l->large, q, p);
		else if (p != NULL && (q_edns_failed(q) || q_servfail(q)) &&
		    (q_servfail(p) || (p->outcome == DNSQ_TIMEOUT && !p->tcp)) &&
		    mx != NULL && q_noerror(mx))
			check_take(&l->fail, q, p);
	}
}

static void
check_classify(probe_run *r, probe_resolver_check *c)
{
	unsigned count[RSTATUS_COUNT] = {0}, nmx = 0, naaaa = 0, aaaa_ok = 0;
	unsigned ncd = 0, nslow = 0, nplain = 0;
	size_t i;
	int best = RSTATUS_TIMEOUT;
	ssize_t local = -1, localq = -1, cdq = -1, refq = -1, toq = -1,
	    slowq = -1, ednsq = -1;
	check_large txt;

	c->why = RWHY_NONE;
	c->why_proof = c->why_retry = -1;
	c->largest_udp = 0;
	for (i = 0; i < c->nevidence; i++) {
		const probe_query *q = QAT(r, c->evidence[i]);
		rstatus s = check_status_of(q);
		if (q->outcome == DNSQ_ANSWER && !q->tcp &&
		    q->size > c->largest_udp)
			c->largest_udp = q->size;
		if (q->cd) {
			if (q_noerror(q)) {
				ncd++;
				cdq = q->index;
			}
			continue;
		}
		if (q->qtype == LDNS_RR_TYPE_TXT)
			continue;       /* check_large_of */
		if (q->plain) {
			/* an MX that failed with EDNS, answered without */
			if (q->qtype == LDNS_RR_TYPE_MX && s == RSTATUS_OK &&
			    (q->ra || q->aa || q->nanswers > 0))
				nplain++;
			continue;
		}
		if (q->qtype == LDNS_RR_TYPE_A) {    /* localhost */
			localq = q->index;
			if (q->outcome == DNSQ_ANSWER)
				local = q->index;
			continue;
		}
		/* A referral instead of an answer, without RA: not recursing
		 * for us (an authoritative-only server, or an ACL). */
		if (q->qtype == LDNS_RR_TYPE_MX && q_noerror(q) && !q->ra &&
		    !q->aa && q->nanswers == 0)
			s = RSTATUS_REFUSED;
		if (q->qtype == LDNS_RR_TYPE_MX) {
			if (s == RSTATUS_REFUSED && refq < 0)
				refq = q->index;
			if (s == RSTATUS_TIMEOUT && toq < 0)
				toq = q->index;
			if (q_edns_failed(q) && ednsq < 0)
				ednsq = q->index;
			if (s == RSTATUS_OK && q->ms >= CLASSIFY_SLOW_MS) {
				nslow++;
				if (slowq < 0 || q->ms > QAT(r, (size_t)slowq)->ms)
					slowq = q->index;
			}
		}
		if (q->qtype == LDNS_RR_TYPE_AAAA) {
			naaaa++;
			aaaa_ok += s == RSTATUS_OK;
			continue;
		}
		nmx++;
		count[s]++;
	}
	if (nmx == 0) {
		c->status = RSTATUS_UNKNOWN;
		c->usable = false;
		return;
	}
	/* Healthy when most canaries are answered; else the commonest failure. */
	if (count[RSTATUS_OK] * 2 > nmx) {
		c->status = naaaa > 0 && aaaa_ok * 2 <= naaaa ?
		    RSTATUS_AAAA_FAILS : RSTATUS_OK;
	} else {
		for (i = RSTATUS_TIMEOUT; i < RSTATUS_COUNT; i++)
			if (count[i] > count[best])
				best = (int)i;
		c->status = (rstatus)best;
	}
	check_large_of(r, c, &txt);
	/* Why, as far as its answers say. */
	if (c->status == RSTATUS_REFUSED) {
		c->why = RWHY_NOT_RECURSING;
		c->why_proof = refq;
	} else if (c->status != RSTATUS_OK && nplain * 2 > nmx) {
		/* Most canaries' MX failed with EDNS and came without. */
		const probe_query *p = ednsq < 0 ? NULL : probe_lookup(r,
		    probe_server_id(r, &c->addr), QAT(r, (size_t)ednsq)->qname,
		    LDNS_RR_TYPE_MX, true, PQ_PLAIN);
		c->why = RWHY_EDNS_DROPPED;
		c->why_proof = ednsq;
		c->why_retry = p != NULL ? (ssize_t)p->index : -1;
	} else if (c->status == RSTATUS_SERVFAIL && ncd * 2 > nmx) {
		c->why = RWHY_DNSSEC_ALL;
		c->why_proof = cdq;
	} else if (c->status == RSTATUS_TIMEOUT) {
		c->why = local >= 0 ? RWHY_UPSTREAM : RWHY_SILENT;
		c->why_proof = local >= 0 ? toq : localq;
	} else if (c->status == RSTATUS_OK && txt.tcp.q >= 0) {
		c->why = RWHY_TCP_BLOCKED;
		c->why_proof = txt.tcp.q;
		c->why_retry = txt.tcp.p;
	} else if (c->status == RSTATUS_OK && txt.large.q >= 0) {
		c->why = RWHY_LARGE_DROPPED;
		c->why_proof = txt.large.q;
		c->why_retry = txt.large.p;
	} else if (c->status == RSTATUS_OK && txt.fail.q >= 0) {
		c->why = RWHY_LARGE_FAILS;
		c->why_proof = txt.fail.q;
		c->why_retry = txt.fail.p;
	} else if (c->status == RSTATUS_OK && nslow * 2 > nmx) {
		c->why = RWHY_SLOW;
		c->why_proof = slowq;
	}
	/* A candidate is offered only without a fault of these. */
	c->usable = c->status == RSTATUS_OK && c->why == RWHY_NONE;
}

/* ---- vantage -------------------------------------------------------------- */

/* What this host can reach. The zone servers of the first few canaries
 * (found through the resolver) are asked for their zone's SOA directly;
 * servers that serve a zone must answer it. Any direct answer in the run
 * settles it too. Until it is known no verdict is made: a verdict from the
 * resolver's answers alone says so, and nothing is called unreachable
 * that this host could not have reached. */
#define VANTAGE_CANARIES 3
#define VANTAGE_SERVERS 2      /* asked per canary zone */

static void
vantage_direct_done(probe_run *r, probe_query *q, void *ctx)
{
	(void)ctx;
	if (q_answered(q))
		r->vant.answered++;
	r->vpending--;
}

static void
vantage_zone_done(probe_run *r, zfind *z)
{
	size_t i;
	exaddr a;
	probe_query *q;

	for (i = 0; i < z->nsrv && i < VANTAGE_SERVERS; i++) {
		if (addr_from_ip(z->srv_addrs[i], r->o.auth_port, &a) != 0)
			continue;
		r->vpending++;
		q = probe_ask(r, NULL, &a, z->zone ? z->zone : z->name,
		    LDNS_RR_TYPE_SOA, false, vantage_direct_done, NULL);
		u32_push(&r->vant.evidence, &r->vant.nevidence, q->index);
		r->vant.asked++;
	}
	r->vpending--;
}

static void
vantage_start(probe_run *r)
{
	size_t i;

	for (i = 0; i < r->o.ncanaries && i < VANTAGE_CANARIES; i++) {
		r->vpending++;
		zf_start(r, NULL, r->o.canaries[i], 0, vantage_zone_done, NULL);
	}
}

/* Known once a direct answer was seen, or once the vantage questions are
 * settled (at the end of the run when there are no canaries). */
static bool
probe_vantage_known(probe_run *r)
{
	if (r->vantage_known)
		return true;
	if (r->seen_direct)
		r->vant.direct = VANTAGE_DIRECT;
	else if (r->vpending == 0 && (r->o.ncanaries > 0 || r->finished))
		r->vant.direct = r->vant.asked > 0 ? VANTAGE_BLOCKED :
		    VANTAGE_UNKNOWN;
	else
		return false;
	r->vantage_known = true;
	return true;
}

/* ---- verdicts ----------------------------------------------------------- */

/* An MX host's IPv4 address that may be a smart host: not one that points
 * back into a site or nowhere, nor one of this host's own. */
static bool
probe_smart_v4(const probe_run *r, const char *ip)
{
	return addr_is_smart_host_v4(ip) && !addr_v4_among(ip, r->own4, r->nown4);
}

static void
domain_add_smart(const probe_run *r, probe_domain *d, const char *ip)
{
	size_t i;

	if (!probe_smart_v4(r, ip))
		return;   /* no DNS answer sends mail back into a site */
	for (i = 0; i < d->nsmart; i++)
		if (strcmp(d->smart_hosts[i], ip) == 0)
			return;
	ptrv_push(&d->smart_hosts, &d->nsmart, ip);
}

/* The proof of a verdict, as one line naming the server:
 * "ns2.contoso.com (192.0.2.53): AAAA mail.contoso.com: no answer, 2 tries, 4000 ms" */
static void
domain_reason(probe_run *r, probe_domain *d, size_t qi, const char *msg)
{
	char desc[400], ip[ADDR_TEXT_MAX], line[900];
	const probe_query *q;
	const char *who = NULL;

	d->proof = qi == NOSLOT ? -1 : (ssize_t)qi;
	if (qi == NOSLOT)
		snprintf(line, sizeof line, "%s", msg ? msg : "");
	else {
		q = QAT(r, qi);
		probe_query_describe(r, q, desc, sizeof desc);
		if (!q->rd) {
			const probe_server *s;
			addr_ip(probe_query_server(r, q), ip, sizeof ip);
			if ((s = probe_domain_server(d, ip)) != NULL)
				who = s->name;
		}
		if (who)
			snprintf(line, sizeof line, "%s %s", who, desc);
		else if (q->rd)
			snprintf(line, sizeof line, "resolver %s", desc);
		else
			snprintf(line, sizeof line, "%s", desc);
		if (msg && *msg) {
			size_t len = strlen(line);
			snprintf(line + len, sizeof line - len, "; %s", msg);
		}
	}
	free(d->reason);
	d->reason = xstrdup(line);
}

/* What a query got, as a fact for the verdict table. */
static fact
q_fact(const probe_query *q)
{
	switch (q->outcome) {
	case DNSQ_ANSWER:
		switch (q->rcode) {
		case LDNS_RCODE_NOERROR:
			return q->nanswers > 0 ? FACT_DATA : FACT_NODATA;
		case LDNS_RCODE_NXDOMAIN: return FACT_NXDOMAIN;
		case LDNS_RCODE_SERVFAIL: return FACT_SERVFAIL;
		case LDNS_RCODE_REFUSED: return FACT_REFUSED;
		case LDNS_RCODE_FORMERR: return FACT_FORMERR;
		case LDNS_RCODE_NOTIMPL: return FACT_NOTIMP;
		default: return FACT_RCODE;
		}
	case DNSQ_TIMEOUT:
		return q->mismatched || q->malformed ? FACT_BADREPLY : FACT_TIMEOUT;
	case DNSQ_UNREACHABLE:
	case DNSQ_NETERR:
		return FACT_UNREACHABLE;
	default:
		return FACT_UNASKED;
	}
}

/* How long a server took to answer, when that is known: an answer to the
 * first try. After a retry (same id) it cannot be told whether a slow
 * server answered the first try or a lost packet was answered at once: 0,
 * no claim. */
static unsigned
q_latency(const probe_query *q)
{
	return q->outcome == DNSQ_ANSWER && q->tries == 1 ? q->ms : 0;
}

static cf_answer
slot_fact(probe_run *r, size_t qi)
{
	cf_answer a = {FACT_UNASKED, CLASSIFY_NOQ};

	if (qi != NOSLOT) {
		a.f = q_fact(QAT(r, qi));
		a.q = (uint32_t)qi;
	}
	return a;
}

/* The addresses of MX host h: the resolver's, else what its zone's servers
 * answered directly. */
static void
domain_host_addrs(probe_run *r, probe_domain *d, size_t h)
{
	host_work *hw = d->work->hw[h];
	const probe_query *q;
	const char *a;
	size_t i, s;

	if (hw->ra != NOSLOT && q_noerror(q = QAT(r, hw->ra))) {
		if (q->cname != NULL && d->mx[h].cname == NULL)
			d->mx[h].cname = q->cname;
		i = 0;
		for (a = ans_first(q); a != NULL && i < MAX_HOST_ADDRS;
		    a = ans_next(q, a, &i)) {
			domain_add_smart(r, d, a);
			ptrv_push(&d->mx[h].v4, &d->mx[h].nv4, a);
		}
	}
	/* The resolver's answer with CD=1 when it failed validation. */
	if (d->mx[h].nv4 == 0 && hw->ra_cd != NOSLOT &&
	    q_noerror(q = QAT(r, hw->ra_cd))) {
		i = 0;
		for (a = ans_first(q); a != NULL && i < MAX_HOST_ADDRS;
		    a = ans_next(q, a, &i)) {
			domain_add_smart(r, d, a);
			ptrv_push(&d->mx[h].v4, &d->mx[h].nv4, a);
		}
	}
	if (hw->raaaa != NOSLOT && q_noerror(q = QAT(r, hw->raaaa))) {
		i = 0;
		for (a = ans_first(q); a != NULL && i < MAX_HOST_ADDRS;
		    a = ans_next(q, a, &i))
			ptrv_push(&d->mx[h].v6, &d->mx[h].nv6, a);
	}
	for (s = 0; s < 2 * hw->nhs && d->mx[h].nv4 == 0; s++) {
		/* The servers' answers, then their answers without EDNS. */
		size_t slot = s < hw->nhs ? hw->hs[s].qa :
		    hw->hs[s - hw->nhs].qa_plain;
		if (slot == NOSLOT || !q_noerror(q = QAT(r, slot)))
			continue;
		i = 0;
		for (a = ans_first(q); a != NULL && i < MAX_HOST_ADDRS;
		    a = ans_next(q, a, &i)) {
			domain_add_smart(r, d, a);
			ptrv_push(&d->mx[h].v4, &d->mx[h].nv4, a);
		}
	}
	for (s = 0; s < 2 * hw->nhs && d->mx[h].nv6 == 0; s++) {
		size_t slot = s < hw->nhs ? hw->hs[s].qaaaa :
		    hw->hs[s - hw->nhs].qaaaa_plain;
		if (slot == NOSLOT || !q_noerror(q = QAT(r, slot)))
			continue;
		i = 0;
		for (a = ans_first(q); a != NULL && i < MAX_HOST_ADDRS;
		    a = ans_next(q, a, &i))
			ptrv_push(&d->mx[h].v6, &d->mx[h].nv6, a);
	}
}

/* The facts of a domain, drawn from its evidence, then the verdict table
 * (classify.c) and the reason naming the query it rests on. */
static void
domain_classify(probe_run *r, probe_domain *d)
{
	probe_dwork *w = d->work;
	cf_domain f;
	cf_host *hosts = NULL;
	cf_server *srv = NULL;
	cf_result res;
	size_t h, s, nsrv = 0, k = 0;
	const char *note;
	char msg[600];

	memset(&f, 0, sizeof f);
	f.mx = slot_fact(r, w->qmx);
	f.mx_cd = slot_fact(r, w->qmx_cd);
	f.auth_mx = slot_fact(r, w->qauth_mx != NOSLOT ? w->qauth_mx :
	    w->qauth_silent != NOSLOT ? w->qauth_silent : w->qauth_other);
	f.null_mx = w->null_mx;
	f.hosts_known = w->hosts_set;
	f.zone_found = w->nzone > 0;
	f.auth_all_lame = w->auth_mx_asked && w->nzone > 0 &&
	    w->nauth_lame == w->nzone;
	f.resolver = r->resolver.status;
	f.resolver_aaaa_fails = r->resolver.status == RSTATUS_AAAA_FAILS;
	f.vantage = r->vant.direct;
	f.tcp_works = r->tcp_direct;
	f.large_udp_works = r->large_udp;
	if (w->qauth_plain != NOSLOT && w->qauth_edns != NOSLOT) {
		f.auth_mx_edns = slot_fact(r, w->qauth_edns);
		f.auth_mx_plain = slot_fact(r, w->qauth_plain);
		f.auth_mx_large = q_large_dropped(r, QAT(r, w->qauth_plain));
	}
	if (w->hosts_set && d->nmx > 0) {
		for (h = 0; h < d->nmx; h++)
			nsrv += w->hw[h]->nhs;
		hosts = xcalloc(d->nmx, sizeof *hosts);
		srv = xcalloc(nsrv ? nsrv : 1, sizeof *srv);
		for (h = 0; h < d->nmx; h++) {
			host_work *hw = w->hw[h];
			domain_host_addrs(r, d, h);
			hosts[h].ra = slot_fact(r, hw->ra);
			hosts[h].raaaa = slot_fact(r, hw->raaaa);
			hosts[h].ra_cd = slot_fact(r, hw->ra_cd);
			hosts[h].srv = srv + k;
			for (s = 0; s < hw->nhs; s++) {
				if (hw->hs[s].qa == NOSLOT || hw->hs[s].qaaaa == NOSLOT)
					continue;
				srv[k].a = slot_fact(r, hw->hs[s].qa);
				srv[k].lame = q_lame(QAT(r, hw->hs[s].qa));
				srv[k].a_ms = q_latency(QAT(r, hw->hs[s].qa));
				srv[k].aaaa_ms = q_latency(QAT(r, hw->hs[s].qaaaa));
				srv[k].aaaa = slot_fact(r, hw->hs[s].qaaaa);
				srv[k].a_plain = slot_fact(r, hw->hs[s].qa_plain);
				srv[k].aaaa_plain = slot_fact(r,
				    hw->hs[s].qaaaa_plain);
				srv[k].a_large = hw->hs[s].qa_plain != NOSLOT &&
				    q_large_dropped(r, QAT(r, hw->hs[s].qa_plain));
				srv[k].aaaa_large = hw->hs[s].qaaaa_plain != NOSLOT &&
				    q_large_dropped(r, QAT(r,
				    hw->hs[s].qaaaa_plain));
				srv[k].a_tcp_failed = q_tcp_failed(QAT(r,
				    hw->hs[s].qa));
				srv[k].aaaa_tcp_failed = q_tcp_failed(QAT(r,
				    hw->hs[s].qaaaa));
				k++;
				hosts[h].nsrv++;
			}
			for (s = 0; s < d->mx[h].nv4; s++)
				if (probe_smart_v4(r, d->mx[h].v4[s]))
					hosts[h].nv4++;
				else
					hosts[h].nbad4++;
			hosts[h].nv6 = (unsigned)d->mx[h].nv6;
			hosts[h].cname = d->mx[h].cname != NULL;
		}
		f.hosts = hosts;
		f.nhosts = d->nmx;
	}
	classify_domain(&f, &res);
	d->verdict = res.v;
	d->basis = res.basis;
	note = cf_note_text(res.note);
	if (res.alias < d->nmx && d->mx[res.alias].cname != NULL) {
		char a[300], b[300];
		snprintf(msg, sizeof msg, "%s%sthe MX host %s is an alias of %s%s",
		    note, *note ? "; " : "",
		    dname_printable(d->mx[res.alias].host, a, sizeof a),
		    dname_printable(d->mx[res.alias].cname, b, sizeof b),
		    res.v == VERDICT_MX_CNAME ? "" : " (against RFC 2181; "
		    "Exchange follows it)");
		note = msg;
	}
	if ((res.v == VERDICT_MX_LOOPBACK || res.v == VERDICT_IPV6_ONLY_MX) &&
	    res.host < d->nmx) {
		/* Name the addresses: they are the evidence. */
		const probe_mx *m = &d->mx[res.host];
		bool v4 = res.v == VERDICT_MX_LOOPBACK;
		char a[300], more[600];
		size_t i, n = v4 ? m->nv4 : m->nv6;
		int used = snprintf(more, sizeof more, "%s%s%s: %s", note,
		    *note ? "; " : "", dname_printable(m->host, a, sizeof a),
		    v4 ? "A" : "AAAA");
		for (i = 0; i < n && i < 8 && used >= 0 &&
		    (size_t)used < sizeof more; i++)
			used += snprintf(more + used, sizeof more - (size_t)used,
			    "%s %s", i ? "," : "", v4 ? m->v4[i] : m->v6[i]);
		if (used >= 0 && (size_t)used < sizeof more)
			snprintf(more + used, sizeof more - (size_t)used, "%s%s",
			    n > 8 ? ", ..." : "", v4 ? "" : ", no A");
		memcpy(msg, more, sizeof msg < sizeof more ? sizeof msg :
		    sizeof more);
		msg[sizeof msg - 1] = '\0';
		note = msg;
	}
	domain_reason(r, d, res.proof == CLASSIFY_NOQ ? NOSLOT : res.proof, note);
	free(hosts);
	free(srv);
}

/* ---- the run ------------------------------------------------------------ */

probe_run *
probe_new(const probe_opts *o)
{
	probe_run *r = xcalloc(1, sizeof *r);
	size_t i;

	r->o = *o;
	r->nown4 = addr_own_v4(r->own4, sizeof r->own4 / sizeof r->own4[0]);
	r->dnsq = dnsq_new(&o->dnsq);
	dnsq_set_user(r->dnsq, r);
	/* Each domain starts with two questions and rarely has more than a
	 * dozen in flight: half the query cap keeps the engine busy. */
	r->active_cap = o->dnsq.max_inflight / 2 > 64 ? o->dnsq.max_inflight / 2 : 64;
	r->resolver.addr = o->resolver;
	/* The resolver and the candidates take more than an authoritative
	 * server: they answer for everyone. */
	dnsq_server_limits(r->dnsq, &o->resolver, o->resolver_ceiling, 0);
	dnsq_server_recursive(r->dnsq, &o->resolver);
	r->ext = xcalloc(o->nexternals ? o->nexternals : 1, sizeof *r->ext);
	r->next_ = o->nexternals;
	for (i = 0; i < o->nexternals; i++) {
		r->ext[i].addr = o->externals[i];
		dnsq_server_limits(r->dnsq, &o->externals[i], o->resolver_ceiling, 0);
		dnsq_server_recursive(r->dnsq, &o->externals[i]);
	}
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
			r->dtab[j] = (uint32_t)(i + 1);
		}
	}
	for (i = probe_str_hash(norm) & (r->dtcap - 1); r->dtab[i] != 0;
	    i = (i + 1) & (r->dtcap - 1))
		if (strcmp(r->d[r->dtab[i] - 1]->name, norm) == 0)
			return 0;
	if (r->nd >= UINT32_MAX - 1)
		return -1;
	r->dtab[i] = (uint32_t)(r->nd + 1);
	r->d = xgrow(r->d, sizeof *r->d, &r->dcap, r->nd + 1);
	d = r->d[r->nd++] = xcalloc(1, sizeof *d);
	d->name = probe_intern(r, norm);
	d->reason = xstrdup("");
	d->proof = -1;
	d->work = xcalloc(1, sizeof *d->work);
	d->work->run = r;
	d->work->qmx = d->work->qauth_mx = d->work->qmx_cd = NOSLOT;
	d->work->qauth_edns = d->work->qauth_plain = NOSLOT;
	d->work->qauth_silent = d->work->qauth_other = NOSLOT;
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
	vantage_start(r);
	probe_start_more(r);
}

/* A domain's verdict is made as soon as its questions are answered and
 * the resolver's health is known; its work state goes then, so a run keeps
 * only the verdicts and the evidence of the domains it has finished. */
static void
dwork_free(probe_dwork *w)
{
	size_t j;

	if (w == NULL)
		return;
	for (j = 0; j < w->nhw; j++) {
		free(w->hw[j]->hs);
		free(w->hw[j]);
	}
	free(w->hw);
	free(w->zone_addrs);
	free(w);
}

static void
domain_finish(probe_run *r, probe_domain *d)
{
	probe_dwork *w = d->work;

	if (w == NULL)
		return;
	domain_classify(r, d);
	dwork_free(w);
	d->work = NULL;
	if (d->nevidence > 0)
		d->evidence = xrealloc(d->evidence, d->nevidence * sizeof *d->evidence);
}

/* Verdicts can be made once the resolver's health (its canaries have
 * outcomes) and the vantage are known. */
static bool
probe_ready(probe_run *r)
{
	size_t i;

	if (r->ready)
		return true;
	if (!r->resolver_known) {
		if (r->check_cbs > 0)
			return false;   /* a SERVFAIL may ask again with CD=1 */
		for (i = 0; i < r->resolver.nevidence; i++)
			if (QAT(r, r->resolver.evidence[i])->outcome == DNSQ_PENDING)
				return false;
		check_classify(r, &r->resolver);
		r->resolver_known = true;
	}
	if (!probe_vantage_known(r))
		return false;
	r->ready = true;
	/* Domains that finished before can have their verdicts now. */
	for (i = 0; i < r->nstarted; i++)
		if (r->d[i]->work != NULL && r->d[i]->work->done)
			domain_finish(r, r->d[i]);
	return true;
}

/* Run the waiters of finished queries; they may ask more questions. */
static void
probe_drain(probe_run *r)
{
	probe_waiter *w;

	while ((w = r->deferred) != NULL) {
		probe_domain *d = w->d;
		r->deferred = w->next;
		if (w->fn)
			w->fn(r, w->q, w->ctx);
		free(w);
		if (d && --d->work->pending == 0 && !d->work->done) {
			d->work->done = true;
			r->ndone++;
			if (probe_ready(r))
				domain_finish(r, d);
		} else if (!r->ready)
			(void)probe_ready(r);
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
	if (!r->resolver_known) {
		check_classify(r, &r->resolver);
		r->resolver_known = true;
	}
	if (!probe_vantage_known(r)) {   /* cancelled with questions out */
		r->vant.direct = VANTAGE_UNKNOWN;
		r->vantage_known = true;
	}
	r->ready = true;
	for (i = 0; i < r->next_; i++)
		check_classify(r, &r->ext[i]);
	for (i = 0; i < r->nd; i++)
		domain_finish(r, r->d[i]);
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
probe_check_externals(probe_run *r, const exaddr *ext, size_t n)
{
	size_t i, first = r->next_;

	if (n == 0 || r->cancelled)
		return;
	r->ext = xrealloc(r->ext, (first + n) * sizeof *r->ext);
	memset(r->ext + first, 0, n * sizeof *r->ext);
	for (i = 0; i < n; i++) {
		r->ext[first + i].addr = ext[i];
		check_start(r, &r->ext[first + i]);
	}
	r->next_ = first + n;
	probe_drain(r);
	while (dnsq_pending(r->dnsq) > 0) {
		dnsq_step(r->dnsq, -1);
		probe_drain(r);
	}
	for (i = first; i < r->next_; i++)
		check_classify(r, &r->ext[i]);
}

void
probe_cancel(probe_run *r)
{
	r->cancelled = true;
	/* Freeing the engine runs every pending callback as cancelled; a new
	 * engine takes no more queries from a cancelled run. */
	dnsq_free(r->dnsq);
	r->dnsq = dnsq_new(&r->o.dnsq);
	dnsq_set_user(r->dnsq, r);
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
		const probe_query *q = QAT(r, r->nq - 1);
		char ip[ADDR_TEXT_MAX], esc[120];
		addr_format(probe_query_server(r, q), ip, sizeof ip);
		snprintf(p->current, sizeof p->current, "%s %s @ %s",
		    dnsq_type_name(q->qtype),
		    esc_buf(ESC_TERMINAL, q->qname, strlen(q->qname), esc, sizeof esc), ip);
	}
}

size_t probe_ndomains(const probe_run *r) { return r->nd; }
probe_domain *probe_domain_at(probe_run *r, size_t i) { return r->d[i]; }

const probe_server *
probe_domain_server(const probe_domain *d, const char *ip)
{
	size_t i;

	for (i = 0; i < d->nservers; i++)
		if (strcmp(d->servers[i].addr, ip) == 0)
			return &d->servers[i];
	return NULL;
}
size_t probe_nqueries(const probe_run *r) { return r->nq; }
const probe_query *probe_query_at(const probe_run *r, size_t i) { return QAT(r, i); }
const probe_resolver_check *probe_resolver(const probe_run *r) { return &r->resolver; }
size_t probe_nexternals(const probe_run *r) { return r->next_; }
const probe_resolver_check *probe_external_at(const probe_run *r, size_t i) { return &r->ext[i]; }
const probe_opts *probe_get_opts(const probe_run *r) { return &r->o; }
const probe_vantage *probe_get_vantage(const probe_run *r) { return &r->vant; }

int
probe_server_load(const probe_run *r, const exaddr *a, dnsq_server_stats *out)
{
	return dnsq_server_stats_get(r->dnsq, a, out);
}

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
probe_query_describe(const probe_run *r, const probe_query *q, char *buf,
                     size_t len)
{
	char ip[ADDR_TEXT_MAX], name[300], what[200], size[64] = "";
	const char *type = dnsq_type_name(q->qtype);

	addr_format(probe_query_server(r, q), ip, sizeof ip);
	esc_buf(ESC_TERMINAL, q->qname, strlen(q->qname), name, sizeof name);
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
	/* How big, when that matters: over 512 bytes (what a UDP answer
	 * without EDNS can carry), or fetched over TCP after TC=1. */
	if (q->outcome == DNSQ_ANSWER && (q->size > 512 || q->tcp))
		snprintf(size, sizeof size, ", %u bytes", q->size);
	if (q->tcp)
		snprintf(size + strlen(size), sizeof size - strlen(size),
		    " over TCP after a truncated UDP answer");
	snprintf(buf, len, "(%s): %s %s%s: %s%s, %u tr%s, %u ms", ip, type, name,
	    q->cd ? " with CD=1" : q->plain ? " without EDNS" : "", what, size,
	    q->tries, q->tries == 1 ? "y" : "ies", q->ms);
}

void
probe_free(probe_run *r)
{
	size_t i, j;
	probe_waiter *w;

	if (r == NULL)
		return;
	/* The engine's pending callbacks run as it is freed: their waiters
	 * must not submit to it (probe_ask checks cancelled). */
	r->cancelled = true;
	dnsq_free(r->dnsq);
	r->dnsq = NULL;
	probe_drain(r);
	while ((w = r->deferred) != NULL) {
		r->deferred = w->next;
		free(w);
	}
	for (i = 0; i < r->nd; i++) {
		probe_domain *d = r->d[i];
		for (j = 0; j < d->nmx; j++) {
			free(d->mx[j].v4);
			free(d->mx[j].v6);
		}
		free(d->mx);
		free(d->servers);
		free(d->evidence);
		free(d->smart_hosts);
		dwork_free(d->work);
		free(d->reason);
		free(d);
	}
	free(r->d);
	free(r->dtab);
	for (i = 0; i < r->nq; i++) {
		probe_query *q = QAT(r, i);
		if (q->outcome != DNSQ_PENDING)
			continue;
		while ((w = q->u.waiters) != NULL) {
			q->u.waiters = w->next;
			free(w);
		}
	}
	for (i = 0; i < (r->nq + PROBE_SLAB - 1) / PROBE_SLAB; i++)
		free(r->slabs[i]);
	free(r->slabs);
	free(r->htab);
	for (i = 0; i < r->nrefs; i++) {
		free(r->refs[i]->ns);
		free(r->refs[i]->glue);
		free(r->refs[i]);
	}
	free(r->refs);
	free(r->srv);
	free(r->srvflag);
	free(r->stab);
	free(r->names);
	free(r->scratch);
	arena_free(&r->text);
	free(r->resolver.evidence);
	free(r->vant.evidence);
	for (i = 0; i < r->next_; i++)
		free(r->ext[i].evidence);
	free(r->ext);
	free(r);
}

bool
probe_local_failure(const probe_run *r, FILE *err)
{
	if (r->local_errno == 0)
		return false;
	fprintf(err, "exdns: this host ran out of %s while probing (%s): some "
	    "queries could not be sent, so no verdict is given; %s and run "
	    "again\n", r->local_errno == EMFILE || r->local_errno == ENFILE ?
	    "open files" : "memory", strerror(r->local_errno),
	    r->local_errno == EMFILE ? "raise the open-file limit (ulimit -n)" :
	    r->local_errno == ENFILE ? "close other programs' files" :
	    "free some memory");
	return true;
}
