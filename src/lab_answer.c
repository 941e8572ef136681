/* lab_answer.c - the lab's DNS logic: authoritative answers, referrals and
 * REFUSED for an authoritative server, with its misbehaviour applied; the
 * answers a recursive resolver in front of the world's servers would give;
 * EDNS0, the UDP size limit and TC. Replies are built with ldns from the
 * world's records, which are borrowed, not copied. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_answer.h"
#include "util.h"

#define SEC_ANSWER 0
#define SEC_AUTHORITY 1
#define SEC_ADDITIONAL 2

typedef struct rrvec {
	ldns_rr **v;
	size_t n, cap;
} rrvec;

struct lab_answerer {
	const lab_world *w;
	ldns_buffer *buf;
	rrvec sec[3];
	/* the reply being made */
	int rcode;                 /* may be > 15 (extended, EDNS) */
	bool aa, ra;
	char what[64];             /* for the note: "referral", "NODATA" */
};

lab_answerer *
lab_answerer_new(const lab_world *w)
{
	lab_answerer *a = xcalloc(1, sizeof *a);

	a->w = w;
	a->buf = ldns_buffer_new(4096);
	if (a->buf == NULL) {
		fputs("exdns: out of memory\n", stderr);
		abort();
	}
	return a;
}

void
lab_answerer_free(lab_answerer *a)
{
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < 3; i++)
		free(a->sec[i].v);
	ldns_buffer_free(a->buf);
	free(a);
}

static void
push(lab_answerer *a, int sec, ldns_rr *rr)
{
	rrvec *r = &a->sec[sec];

	r->v = xgrow(r->v, sizeof *r->v, &r->cap, r->n + 1);
	r->v[r->n++] = rr;
}

static void
push_list(lab_answerer *a, int sec, const ldns_rr_list *l)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		push(a, sec, ldns_rr_list_rr(l, i));
}

static void
reset(lab_answerer *a)
{
	a->sec[0].n = a->sec[1].n = a->sec[2].n = 0;
	a->rcode = LDNS_RCODE_NOERROR;
	a->aa = a->ra = false;
	a->what[0] = '\0';
}

/* Does zone z list server index s? (A zone has a handful of servers; a
 * server of a big world may serve thousands of zones.) */
static bool
zone_has_server(const lab_zone *z, size_t s)
{
	size_t i;

	for (i = 0; i < z->nservers; i++)
		if (z->servers[i] == s)
			return true;
	return false;
}

/* A/AAAA of the targets of MX, NS and SRV answers, when in the same zone. */
static void
add_additional(lab_answerer *a, size_t zi, const ldns_rr_list *l)
{
	const ldns_rdf *target;
	const lab_node *n;
	const lab_rrset *s;
	lab_dname d;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_MX: target = ldns_rr_rdf(rr, 1); break;
		case LDNS_RR_TYPE_NS: target = ldns_rr_rdf(rr, 0); break;
		case LDNS_RR_TYPE_SRV: target = ldns_rr_rdf(rr, 3); break;
		default: return;
		}
		if (lab_dname_from_rdf(target, &d) != 0 ||
		    (n = lab_world_node(a->w, zi, d.w, d.len)) == NULL)
			continue;
		if ((s = lab_node_rrset(n, LDNS_RR_TYPE_A)) != NULL)
			push_list(a, SEC_ADDITIONAL, s->rrs);
		if ((s = lab_node_rrset(n, LDNS_RR_TYPE_AAAA)) != NULL)
			push_list(a, SEC_ADDITIONAL, s->rrs);
	}
}

/* Follows the CNAME just answered (at most 8 links): an authoritative
 * server within its zone, a resolver anywhere in the world. */
static void
chase(lab_answerer *a, size_t zi, const ldns_rr_list *cname, uint16_t qtype,
      bool resolver)
{
	const lab_node *n;
	const lab_rrset *s;
	lab_dname d;
	size_t p;
	ssize_t z;
	int hops;

	for (hops = 0; hops < 8; hops++) {
		if (ldns_rr_list_rr_count(cname) == 0 ||
		    lab_dname_from_rdf(ldns_rr_rdf(ldns_rr_list_rr(cname, 0), 0),
		    &d) != 0)
			return;
		if (resolver) {            /* the deepest zone of the target */
			for (p = 0, z = -1; p < d.len && z < 0; ) {
				z = lab_world_zone_at(a->w, d.w + p, d.len - p);
				if (d.w[p] == 0)
					break;
				p += (size_t)d.w[p] + 1;
			}
			if (z < 0)
				return;
			zi = (size_t)z;
		} else if (!lab_dname_under(&d, &a->w->zones[zi].apex))
			return;
		if ((n = lab_world_node(a->w, zi, d.w, d.len)) == NULL)
			return;
		if ((s = lab_node_rrset(n, qtype)) != NULL) {
			push_list(a, SEC_ANSWER, s->rrs);
			return;
		}
		if ((s = lab_node_rrset(n, LDNS_RR_TYPE_CNAME)) == NULL)
			return;
		push_list(a, SEC_ANSWER, s->rrs);
		cname = s->rrs;
	}
}

/* The answer from zone zi's own data (no delegations below it matter:
 * the caller found that qname is not delegated away). An authoritative
 * server adds the addresses of MX/NS/SRV targets; a resolver does not. */
static void
from_zone(lab_answerer *a, size_t zi, const lab_dname *qn, uint16_t qtype,
          bool resolver)
{
	const lab_zone *z = &a->w->zones[zi];
	const lab_node *n = lab_world_node(a->w, zi, qn->w, qn->len);
	const lab_rrset *s;
	size_t i;

	if (n == NULL) {
		a->rcode = LDNS_RCODE_NXDOMAIN;
		push(a, SEC_AUTHORITY, z->soa);
		snprintf(a->what, sizeof a->what, "NXDOMAIN");
		return;
	}
	if (qtype == LDNS_RR_TYPE_ANY) {
		for (i = 0; i < n->nsets; i++)
			push_list(a, SEC_ANSWER, n->sets[i].rrs);
	} else if ((s = lab_node_rrset(n, qtype)) != NULL) {
		push_list(a, SEC_ANSWER, s->rrs);
		if (!resolver)
			add_additional(a, zi, s->rrs);
	} else if ((s = lab_node_rrset(n, LDNS_RR_TYPE_CNAME)) != NULL) {
		push_list(a, SEC_ANSWER, s->rrs);
		chase(a, zi, s->rrs, qtype, resolver);
	}
	if (a->sec[SEC_ANSWER].n == 0) {
		push(a, SEC_AUTHORITY, z->soa);
		snprintf(a->what, sizeof a->what, "NODATA");
	}
}

/* The zone a server answers from for qname: the deepest zone it serves
 * above qname (*served), and the shallowest world zone between that and
 * qname (*below: a delegation), or -1s. */
static void
server_zones(const lab_world *w, size_t si, const lab_dname *qn,
             ssize_t *served, ssize_t *below)
{
	size_t p = 0;
	ssize_t z;

	*served = *below = -1;
	while (p < qn->len) {
		if ((z = lab_world_zone_at(w, qn->w + p, qn->len - p)) >= 0) {
			if (zone_has_server(&w->zones[z], si)) {
				*served = z;
				return;
			}
			*below = z;
		}
		if (qn->w[p] == 0)
			break;
		p += (size_t)qn->w[p] + 1;
	}
	*below = -1;
}

/* Returns false to stay silent; mutation: what to do to the rendered reply. */
typedef enum mutation { MUT_NONE, MUT_WRONG_ID, MUT_WRONG_QUESTION,
	MUT_MALFORMED } mutation;

static bool
answer_server(lab_answerer *a, size_t si, const lab_dname *qn, uint16_t qtype,
              mutation *mut)
{
	const lab_world *w = a->w;
	const lab_server *srv = &w->servers[si];
	lab_behaviour b = srv->behaviour;
	ssize_t served, below;

	if (b == LAB_B_DEAD || b == LAB_B_CLOSED) {
		snprintf(a->what, sizeof a->what, "silent (dead server)");
		return false;
	}
	if (b != LAB_B_NORMAL && !lab_typeset_has(&srv->types, qtype))
		b = LAB_B_NORMAL;
	server_zones(w, si, qn, &served, &below);
	switch (b) {
	case LAB_B_DROP:
		snprintf(a->what, sizeof a->what, "dropped (behaviour drop)");
		return false;
	case LAB_B_SERVFAIL:
		a->rcode = LDNS_RCODE_SERVFAIL;
		return true;
	case LAB_B_FORMERR:
		a->rcode = LDNS_RCODE_FORMERR;
		return true;
	case LAB_B_NOTIMP:
		a->rcode = LDNS_RCODE_NOTIMPL;
		return true;
	case LAB_B_REFUSED:
		a->rcode = LDNS_RCODE_REFUSED;
		return true;
	case LAB_B_NXDOMAIN:
		a->rcode = LDNS_RCODE_NXDOMAIN;
		if (served >= 0) {
			a->aa = true;
			push(a, SEC_AUTHORITY, w->zones[served].soa);
		}
		snprintf(a->what, sizeof a->what, "NXDOMAIN (behaviour nxdomain)");
		return true;
	case LAB_B_WRONG_ID:
		*mut = MUT_WRONG_ID;
		break;
	case LAB_B_WRONG_QUESTION:
		*mut = MUT_WRONG_QUESTION;
		break;
	case LAB_B_MALFORMED:
		*mut = MUT_MALFORMED;
		break;
	default:
		break;
	}
	if (served < 0) {
		a->rcode = LDNS_RCODE_REFUSED;
		snprintf(a->what, sizeof a->what, "REFUSED (not my zone)");
		return true;
	}
	if (below >= 0 && !(qtype == LDNS_RR_TYPE_DS &&
	    qn->len == w->zones[below].apex.len)) {
		const lab_zone *c = &w->zones[below];
		push_list(a, SEC_AUTHORITY, c->ns);
		push_list(a, SEC_ADDITIONAL, c->glue);
		snprintf(a->what, sizeof a->what, "referral");
		return true;
	}
	a->aa = true;
	if (below >= 0) {                 /* DS at a delegation: no DS here */
		push(a, SEC_AUTHORITY, w->zones[served].soa);
		snprintf(a->what, sizeof a->what, "NODATA");
		return true;
	}
	from_zone(a, (size_t)served, qn, qtype, false);
	return true;
}

static bool
answer_resolver(lab_answerer *a, size_t ri, const lab_dname *qn,
                uint16_t qtype)
{
	const lab_world *w = a->w;
	const lab_resolver *r = &w->resolvers[ri];
	ssize_t z, deepest = -1;
	size_t p = 0, i;

	a->ra = true;
	switch (r->mode) {
	case LAB_R_SERVFAIL:
		a->rcode = LDNS_RCODE_SERVFAIL;
		return true;
	case LAB_R_REFUSED:
		a->rcode = LDNS_RCODE_REFUSED;
		return true;
	case LAB_R_DROP:
	case LAB_R_CLOSED:
		snprintf(a->what, sizeof a->what, "dropped (black hole)");
		return false;
	default:
		break;
	}
	while (p < qn->len) {
		size_t len = qn->len - p;
		for (i = 0; i < r->nservfail; i++)
			if (r->servfail[i].len == len &&
			    memcmp(r->servfail[i].w, qn->w + p, len) == 0) {
				a->rcode = LDNS_RCODE_SERVFAIL;
				snprintf(a->what, sizeof a->what,
				    "SERVFAIL (servfail-domains)");
				return true;
			}
		for (i = 0; i < r->ndrop; i++)
			if (r->drop[i].len == len &&
			    memcmp(r->drop[i].w, qn->w + p, len) == 0) {
				snprintf(a->what, sizeof a->what,
				    "dropped (drop-domains)");
				return false;
			}
		if (deepest < 0 &&
		    (z = lab_world_zone_at(w, qn->w + p, len)) >= 0) {
			deepest = z;
			if (r->nservfail == 0 && r->ndrop == 0)
				break;
		}
		if (qn->w[p] == 0)
			break;
		p += (size_t)qn->w[p] + 1;
	}
	if (deepest < 0) {
		a->rcode = LDNS_RCODE_NXDOMAIN;
		snprintf(a->what, sizeof a->what, "NXDOMAIN (outside the world)");
		return true;
	}
	{
		const lab_policy *pol = &w->zones[deepest].policy;
		if (pol->action != LAB_P_NORMAL &&
		    lab_typeset_has(&pol->types, qtype)) {
			if (pol->action == LAB_P_DROP) {
				snprintf(a->what, sizeof a->what,
				    "dropped (zone %s)", w->zones[deepest].name);
				return false;
			}
			a->rcode = LDNS_RCODE_SERVFAIL;
			snprintf(a->what, sizeof a->what, "SERVFAIL (zone %s)",
			    w->zones[deepest].name);
			return true;
		}
	}
	from_zone(a, (size_t)deepest, qn, qtype, true);
	return true;
}

/* Builds the wire reply into a->buf. The question and every record are
 * borrowed: the lists are emptied before the packet is freed. */
static bool
render(lab_answerer *a, const ldns_pkt *q, ldns_rr *question, bool edns,
       uint16_t udp_max, bool tc, bool with_records, bool with_additional)
{
	ldns_pkt *r = ldns_pkt_new();
	ldns_status st;
	size_t i;

	if (r == NULL)
		return false;
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
	ldns_pkt_set_aa(r, a->aa);
	ldns_pkt_set_tc(r, tc);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_ra(r, a->ra);
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_set_rcode(r, (uint8_t)(a->rcode & 0x0f));
	if (question != NULL)
		ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, question);
	if (with_records) {
		for (i = 0; i < a->sec[SEC_ANSWER].n; i++)
			ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, a->sec[SEC_ANSWER].v[i]);
		for (i = 0; i < a->sec[SEC_AUTHORITY].n; i++)
			ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY,
			    a->sec[SEC_AUTHORITY].v[i]);
	}
	if (with_records && with_additional)
		for (i = 0; i < a->sec[SEC_ADDITIONAL].n; i++)
			ldns_pkt_push_rr(r, LDNS_SECTION_ADDITIONAL,
			    a->sec[SEC_ADDITIONAL].v[i]);
	if (edns) {
		ldns_pkt_set_edns_udp_size(r, udp_max);
		ldns_pkt_set_edns_extended_rcode(r, (uint8_t)(a->rcode >> 4));
		ldns_pkt_set_edns_version(r, 0);
	}
	ldns_buffer_clear(a->buf);
	st = ldns_pkt2buffer_wire(a->buf, r);
	ldns_rr_list_set_rr_count(ldns_pkt_question(r), 0);
	ldns_rr_list_set_rr_count(ldns_pkt_answer(r), 0);
	ldns_rr_list_set_rr_count(ldns_pkt_authority(r), 0);
	ldns_rr_list_set_rr_count(ldns_pkt_additional(r), 0);
	ldns_pkt_free(r);
	return st == LDNS_STATUS_OK;
}

/* FORMERR for a query ldns cannot parse: the header alone. */
static bool
formerr_header(lab_answerer *a, const uint8_t *q, size_t len)
{
	uint8_t h[12];

	if (len < 12 || (q[2] & 0x80))
		return false;
	memset(h, 0, sizeof h);
	h[0] = q[0];
	h[1] = q[1];
	h[2] = (uint8_t)(0x80 | (q[2] & 0x79));   /* QR, opcode, RD */
	h[3] = LDNS_RCODE_FORMERR;
	ldns_buffer_clear(a->buf);
	ldns_buffer_write(a->buf, h, sizeof h);
	return true;
}

static const char *
rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < 6)
		return names[rcode];
	return rcode == 16 ? "BADVERS" : "RCODE?";
}

bool
lab_answer(lab_answerer *a, const lab_endpoint *ep, const uint8_t *query,
           size_t len, bool tcp, const uint8_t **out, size_t *outlen,
           char *note, size_t notelen)
{
	ldns_pkt *q = NULL;
	ldns_rr *qrr = NULL, *wrong = NULL;
	lab_dname qn;
	uint16_t qtype = 0, udp_max, limit, client;
	mutation mut = MUT_NONE;
	bool ok, edns, reply;
	char qtext[320], nametext[300], *tname = NULL;
	size_t size;

	reset(a);
	if (note)
		note[0] = '\0';
	if (ldns_wire2pkt(&q, query, len) != LDNS_STATUS_OK) {
		if (note)
			snprintf(note, notelen, "unparseable query -> FORMERR");
		reply = formerr_header(a, query, len);
		goto done;
	}
	if (ldns_pkt_qr(q)) {                     /* a reply: never answer */
		if (note)
			snprintf(note, notelen, "a response, not a query -> ignored");
		ldns_pkt_free(q);
		return false;
	}
	edns = ldns_pkt_edns(q);
	udp_max = ep->role == LAB_ROLE_SERVER ?
	    a->w->servers[ep->index].udp_max : a->w->resolvers[ep->index].udp_max;
	if (ldns_pkt_qdcount(q) == 1)
		qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY) {
		a->rcode = LDNS_RCODE_NOTIMPL;
		snprintf(qtext, sizeof qtext, "opcode %d",
		    (int)ldns_pkt_get_opcode(q));
	} else if (qrr == NULL || lab_dname_from_rdf(ldns_rr_owner(qrr), &qn)) {
		a->rcode = LDNS_RCODE_FORMERR;
		qrr = NULL;
		snprintf(qtext, sizeof qtext, "%u questions",
		    (unsigned)ldns_pkt_qdcount(q));
	} else {
		qtype = (uint16_t)ldns_rr_get_type(qrr);
		if (note != NULL) {          /* only when logging: it allocates */
			tname = ldns_rr_type2str((ldns_rr_type)qtype);
			lab_dname_format(&qn, nametext, sizeof nametext);
			snprintf(qtext, sizeof qtext, "%s %s", tname ? tname : "?",
			    nametext);
			free(tname);
		}
		if (edns && ldns_pkt_edns_version(q) != 0) {
			a->rcode = 16;                  /* BADVERS */
			if (ep->role == LAB_ROLE_RESOLVER)
				a->ra = true;
		} else if (ldns_rr_get_class(qrr) != LDNS_RR_CLASS_IN ||
		    qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR) {
			a->rcode = LDNS_RCODE_REFUSED;
		} else if (ep->role == LAB_ROLE_SERVER) {
			if (!answer_server(a, ep->index, &qn, qtype, &mut)) {
				reply = false;
				goto log;
			}
		} else if (!answer_resolver(a, ep->index, &qn, qtype)) {
			reply = false;
			goto log;
		}
	}
	if (mut == MUT_WRONG_QUESTION && qrr != NULL) {
		uint8_t wire[LDNS_MAX_DOMAINLEN + 8];
		size_t n;
		ldns_rdf *old;
		if (qn.len + 6 <= LDNS_MAX_DOMAINLEN) {
			memcpy(wire, "\005wrong", 6);
			memcpy(wire + 6, qn.w, qn.len);
			n = 6 + qn.len;
		} else {                        /* too long: the root instead */
			wire[0] = 0;
			n = 1;
		}
		wrong = ldns_rr_clone(qrr);
		old = ldns_rr_owner(wrong);
		ldns_rr_set_owner(wrong, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME,
		    n, wire));
		ldns_rdf_deep_free(old);
	}
	/* The size limit: 512 without EDNS, the client's (at least 512) with
	 * it, and never more than this endpoint's udp-max; 64k over TCP. */
	client = edns ? ldns_pkt_edns_udp_size(q) : 512;
	if (client < 512)
		client = 512;
	limit = tcp ? 65535 : (client < udp_max ? client : udp_max);
	ok = render(a, q, wrong ? wrong : qrr, edns, udp_max, false, true, true);
	if (ok && ldns_buffer_position(a->buf) > limit)
		ok = render(a, q, wrong ? wrong : qrr, edns, udp_max, false, true,
		    false);
	if (ok && ldns_buffer_position(a->buf) > limit) {
		ok = render(a, q, wrong ? wrong : qrr, edns, udp_max, true, false,
		    false);
		snprintf(a->what, sizeof a->what, "truncated");
	}
	reply = ok;
log:
	if (note) {
		if (!reply)
			snprintf(note, notelen, "%s -> %s", qtext,
			    a->what[0] ? a->what : "no reply");
		else
			snprintf(note, notelen, "%s -> %s %zu/%zu/%zu%s%s%s%s%s",
			    qtext, rcode_name(a->rcode), a->sec[0].n, a->sec[1].n,
			    a->sec[2].n, a->aa ? " aa" : "",
			    a->what[0] ? " " : "", a->what,
			    mut == MUT_WRONG_ID ? " (wrong id)" :
			    mut == MUT_WRONG_QUESTION ? " (wrong question)" :
			    mut == MUT_MALFORMED ? " (malformed)" : "",
			    edns ? " edns" : "");
	}
	ldns_rr_free(wrong);
	ldns_pkt_free(q);
done:
	if (!reply)
		return false;
	size = ldns_buffer_position(a->buf);
	if (mut == MUT_WRONG_ID && size >= 2) {
		uint8_t *d = ldns_buffer_begin(a->buf);
		d[0] ^= 0x5a;
		d[1] ^= 0x5a;
	} else if (mut == MUT_MALFORMED && size > 12) {
		size = 12 + (size - 12) / 2;
	}
	*out = ldns_buffer_begin(a->buf);
	*outlen = size;
	return true;
}
