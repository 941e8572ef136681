/* dnsq.c - asynchronous DNS queries over our own epoll loop.
 *
 * Queries to one server share a connected, non-blocking UDP socket (a
 * "channel": a random source port, ICMP errors seen, at most CHAN_MAX
 * queries each, closed when idle), so descriptors stay bounded by the
 * number of queries in flight and no query costs a socket of its own. A
 * truncated reply is asked again over TCP on a socket of the query's own.
 * Retries and timeouts come from one list kept in deadline order (every try
 * has the same timeout). Every reply is matched: channel (so source address
 * and port), random ID, question name (case-insensitive), type and class;
 * anything else is dropped and counted against the query it was meant for. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dnswire.h"
#include "dnsq.h"
#include "util.h"

#define DNSQ_MAX_UDP   65535
#define CHAN_MAX       512       /* queries sharing one UDP socket */
#define CHAN_RCVBUF    (1 << 20)
#define EPOLL_BATCH    256
#define DONE_MAX       256       /* parsed replies waiting for callbacks */
#define STRAY_SCAN     64        /* queries looked at to blame a stray reply */

typedef enum dq_state {
	DQ_UDP,           /* sent over UDP, waiting for a reply or a retry */
	DQ_TCP_CONNECT,   /* connecting */
	DQ_TCP_WRITE,     /* sending the length-prefixed query */
	DQ_TCP_READ,      /* reading length, then the message */
	DQ_DONE
} dq_state;

enum { EV_CHAN = 1, EV_TCP = 2 };   /* what an epoll event points at */

typedef struct chan chan;

/* A query waiting for a slot: only what it takes to start it later, in one
 * allocation, so thousands can wait for little memory. The query that
 * starts takes it over (its wire and name stay where they are). */
typedef struct qent {
	struct qent *next;
	dnsq_cb cb;
	void *arg;
	exaddr server;
	uint16_t qtype;
	uint16_t wirelen;
	bool rd;
	uint8_t data[];              /* the wire form, then the name (text) */
} qent;

typedef struct dq {
	int kind;                    /* EV_TCP: first, for epoll events */
	struct dq *next, *prev;      /* in the queue, the deadline list or done */
	struct dq *cnext, *cprev;    /* in its channel's list */
	dnsq_engine *e;
	dq_state state;
	chan *ch;                    /* UDP channel, while on it */
	int fd;                      /* TCP socket */
	uint16_t id;
	qent *qe;                    /* where it waited: owns wire and qname */
	uint8_t *wire;               /* the query message (in qe) */
	size_t wirelen;
	uint8_t *tcpbuf;             /* TCP: out, then in */
	size_t tcplen, tcpoff;
	uint64_t start, deadline;
	dnsq_result res;
	char *qname;
	uint8_t *reply;              /* the reply taken (checked), its length */
	size_t replylen;
	dnsq_cb cb;
	void *arg;
} dq;

typedef struct qent_list {
	qent *head, *tail;
	size_t n;
} qent_list;

struct chan {
	int kind;                    /* EV_CHAN: first, for epoll events */
	chan *hnext;                 /* in its hash bucket */
	exaddr server;
	int fd;
	unsigned n;                  /* queries on it */
	dq *head;                    /* those queries */
	bool dead;                   /* an ICMP error closed it for new work */
};

typedef struct dq_list {
	dq *head, *tail;
	size_t n;
} dq_list;

struct dnsq_engine {
	dnsq_opts o;
	qent_list queue;    /* waiting for a slot */
	dq_list active;     /* in flight, in deadline order */
	dq_list done;       /* finished, callbacks not run yet */
	uint64_t completed;
	uint16_t ids[256];
	unsigned nids;
	int ep;             /* epoll */
	chan **ctab;        /* channels by server */
	size_t ccap;
	dq **itab;          /* in-flight UDP queries by (channel, id) */
	size_t icap, in;
	uint8_t *rbuf;      /* UDP receive buffer */
	bool closing;       /* dnsq_free running: no new queries */
	void *user;         /* dnsq_set_user */
};

static const char *const outcome_names[] = {
	[DNSQ_PENDING] = "pending",
	[DNSQ_ANSWER] = "answer",
	[DNSQ_TIMEOUT] = "timeout",
	[DNSQ_UNREACHABLE] = "unreachable",
	[DNSQ_NETERR] = "network-error",
	[DNSQ_CANCELLED] = "cancelled",
};

const char *
dnsq_outcome_to_string(dnsq_outcome o)
{
	return (unsigned)o <= DNSQ_CANCELLED ? outcome_names[o] : "unknown";
}

const char *
dnsq_type_name(uint16_t qtype)
{
	static char buf[16];
	const ldns_rr_descriptor *d = ldns_rr_descript(qtype);

	if (d != NULL && d->_name != NULL)
		return d->_name;
	snprintf(buf, sizeof buf, "TYPE%u", (unsigned)qtype);
	return buf;
}

const char *
dnsq_rcode_name(int rcode)
{
	static char buf[16];
	ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);

	if (lt != NULL)
		return lt->name;
	snprintf(buf, sizeof buf, "RCODE%d", rcode);
	return buf;
}

static void
list_append(dq_list *l, dq *q)
{
	q->next = NULL;
	q->prev = l->tail;
	if (l->tail)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	l->n++;
}

static void
list_remove(dq_list *l, dq *q)
{
	if (q->prev)
		q->prev->next = q->next;
	else
		l->head = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		l->tail = q->prev;
	q->next = q->prev = NULL;
	l->n--;
}

static uint16_t
dnsq_random_id(dnsq_engine *e)
{
	if (e->nids == 0) {
		ssize_t got = getrandom(e->ids, sizeof e->ids, 0);
		if (got != (ssize_t)sizeof e->ids) {
			/* getrandom does not fail for small sizes after boot; fall
			 * back to random() rather than to a constant. */
			unsigned i;
			for (i = 0; i < 256; i++)
				e->ids[i] = (uint16_t)random();
		}
		e->nids = 256;
	}
	return e->ids[--e->nids];
}

/* ---- channels ------------------------------------------------------------ */

/* The (channel, id) table: open addressing with backward-shift deletion. */
static size_t
itab_slot(const dnsq_engine *e, const chan *c, uint16_t id)
{
	return (((uintptr_t)c >> 4) * 31u + id * 2654435761u) & (e->icap - 1);
}

static dq *
itab_find(const dnsq_engine *e, const chan *c, uint16_t id)
{
	size_t i = itab_slot(e, c, id);
	dq *q;

	while ((q = e->itab[i]) != NULL) {
		if (q->ch == c && q->id == id)
			return q;
		i = (i + 1) & (e->icap - 1);
	}
	return NULL;
}

static void
itab_insert(dnsq_engine *e, dq *q)
{
	size_t i = itab_slot(e, q->ch, q->id);

	while (e->itab[i] != NULL)
		i = (i + 1) & (e->icap - 1);
	e->itab[i] = q;
	e->in++;
}

static void
itab_delete(dnsq_engine *e, dq *q)
{
	size_t mask = e->icap - 1, i = itab_slot(e, q->ch, q->id), j, k;

	while (e->itab[i] != q)
		i = (i + 1) & mask;
	e->itab[i] = NULL;
	e->in--;
	/* Shift back the entries of the run that follows. */
	for (j = (i + 1) & mask; e->itab[j] != NULL; j = (j + 1) & mask) {
		k = itab_slot(e, e->itab[j]->ch, e->itab[j]->id);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			e->itab[i] = e->itab[j];
			e->itab[j] = NULL;
			i = j;
		}
	}
}

static void
chan_close(dnsq_engine *e, chan *c)
{
	chan **pp = &e->ctab[addr_hash(&c->server) & (e->ccap - 1)];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	close(c->fd);       /* also leaves the epoll set */
	free(c);
}

/* A channel to server with room for one more query, or NULL (errno set). */
static chan *
chan_get(dnsq_engine *e, const exaddr *server)
{
	size_t b = addr_hash(server) & (e->ccap - 1);
	chan *c;
	int fd, size = CHAN_RCVBUF;
	struct epoll_event ev;

	for (c = e->ctab[b]; c; c = c->hnext)
		if (!c->dead && c->n < CHAN_MAX && addr_equal(&c->server, server))
			return c;
	fd = socket(server->ss.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	if (connect(fd, (const struct sockaddr *)&server->ss, server->len) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->kind = EV_CHAN;
	c->server = *server;
	c->fd = fd;
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int saved = errno;
		close(fd);
		free(c);
		errno = saved;
		return NULL;
	}
	c->hnext = e->ctab[b];
	e->ctab[b] = c;
	return c;
}

static void
chan_attach(dnsq_engine *e, chan *c, dq *q)
{
	q->ch = c;
	do
		q->id = dnsq_random_id(e);
	while (itab_find(e, c, q->id) != NULL);
	/* The ID is in the message already built: patch it. */
	q->wire[0] = (uint8_t)(q->id >> 8);
	q->wire[1] = (uint8_t)(q->id & 0xff);
	itab_insert(e, q);
	q->cprev = NULL;
	q->cnext = c->head;
	if (c->head)
		c->head->cprev = q;
	c->head = q;
	c->n++;
}

static void
chan_detach(dnsq_engine *e, dq *q)
{
	chan *c = q->ch;

	if (c == NULL)
		return;
	itab_delete(e, q);
	if (q->cprev)
		q->cprev->cnext = q->cnext;
	else
		c->head = q->cnext;
	if (q->cnext)
		q->cnext->cprev = q->cprev;
	q->cnext = q->cprev = NULL;
	q->ch = NULL;
	if (--c->n == 0)
		chan_close(e, c);
}

/* ---- the engine ------------------------------------------------------------ */

dnsq_engine *
dnsq_new(const dnsq_opts *opts)
{
	dnsq_engine *e = xcalloc(1, sizeof *e);
	struct rlimit rl;
	size_t want;

	e->o = *opts;
	if (e->o.tries < 1)
		e->o.tries = 1;
	if (e->o.timeout_ms < 1)
		e->o.timeout_ms = 1;
	if (e->o.max_inflight < 1)
		e->o.max_inflight = 1;
	/* Every query in flight may need a descriptor of its own (a channel to
	 * a server nobody else asks, or TCP): raise the soft limit as far as
	 * needed, and cap what is in flight by what we got. */
	want = (size_t)e->o.max_inflight + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
			    want : rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
			e->o.max_inflight = rl.rlim_cur > 96 ? (unsigned)(rl.rlim_cur - 64) : 32;
	}
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	e->ccap = 1024;
	e->ctab = xcalloc(e->ccap, sizeof *e->ctab);
	for (e->icap = 64; e->icap < 2 * (size_t)e->o.max_inflight; e->icap *= 2)
		;
	e->itab = xcalloc(e->icap, sizeof *e->itab);
	e->rbuf = xmalloc(DNSQ_MAX_UDP);
	return e;
}

/* Does the message in buf (len bytes) answer the query in wire form
 * qwire (qlen bytes, as dnsq_encode made it): a reply, one question, the
 * same name (ASCII case ignored, any byte), type and class? Read from the
 * wire, before any check of the rest: a reply for another question costs
 * nothing more. The ID is the caller's to compare. */
static bool
wire_answers_query(const uint8_t *buf, size_t len, const uint8_t *qwire,
                   size_t qlen)
{
	size_t nlen = 0;

	/* The query's name: well-formed, ldns encoded it. */
	while (DNSWIRE_HEADER + nlen < qlen && qwire[DNSWIRE_HEADER + nlen] != 0)
		nlen += (size_t)qwire[DNSWIRE_HEADER + nlen] + 1;
	nlen++;
	if (len < DNSWIRE_HEADER + nlen + 4 || !dnswire_qr(buf) ||
	    dnswire_u16(buf + 4) != 1)
		return false;
	if (!dnswire_name_equal(buf + DNSWIRE_HEADER, len - DNSWIRE_HEADER,
	    qwire + DNSWIRE_HEADER, nlen))
		return false;
	return memcmp(buf + DNSWIRE_HEADER + nlen, qwire + DNSWIRE_HEADER + nlen,
	    4) == 0;
}

static bool
wire_answers(const uint8_t *buf, size_t len, const dq *q)
{
	return wire_answers_query(buf, len, q->wire, q->wirelen);
}

static size_t dnsq_encode(const char *qname, uint16_t qtype, bool rd,
                          uint16_t edns, uint8_t *buf, size_t cap);

bool
dnsq_reply_matches(const uint8_t *reply, size_t len, uint16_t id,
                   const char *qname, uint16_t qtype)
{
	uint8_t q[512];
	size_t qlen = dnsq_encode(qname, qtype, true, 0, q, sizeof q);

	return qlen > 0 && len >= DNSWIRE_HEADER && dnswire_id(reply) == id &&
	    wire_answers_query(reply, len, q, qlen);
}


/* Finish a query: off its lists and channel, onto the done list. */
static void
dq_finish(dq *q, dnsq_outcome outcome, int err)
{
	dnsq_engine *e = q->e;

	list_remove(&e->active, q);
	chan_detach(e, q);
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	q->state = DQ_DONE;
	q->res.outcome = outcome;
	q->res.sys_errno = err;
	q->res.ms = q->start ? (unsigned)(now_ms() - q->start) : 0;
	if (outcome == DNSQ_ANSWER) {
		q->res.reply = q->reply;
		q->res.replylen = q->replylen;
		q->res.rcode = dnswire_rcode(q->reply);
	}
	list_append(&e->done, q);
}

static void
dq_rearm(dq *q)
{
	dnsq_engine *e = q->e;

	list_remove(&e->active, q);
	q->deadline = now_ms() + e->o.timeout_ms;
	list_append(&e->active, q);
}

static bool
errno_unreachable(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH;
}

/* An ICMP error on a channel: every query on it meets the same wall. */
static void
chan_fail(dnsq_engine *e, chan *c, int err)
{
	bool last;

	c->dead = true;
	do {   /* the last dq_finish closes and frees c */
		last = c->n == 1;
		dq_finish(c->head, errno_unreachable(err) ? DNSQ_UNREACHABLE :
		    DNSQ_NETERR, err);
	} while (!last);
}

static void
dq_udp_send(dq *q)
{
	if (send(q->ch->fd, q->wire, q->wirelen, 0) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK) {
		int err = errno;
		if (errno_unreachable(err))
			chan_fail(q->e, q->ch, err);
		else
			dq_finish(q, DNSQ_NETERR, err);
		return;
	}
	q->res.tries++;
}

/* The query for a queue entry (taking it over), on no list yet. */
static dq *
dq_new(dnsq_engine *e, qent *qe)
{
	dq *q = xcalloc(1, sizeof *q);

	q->kind = EV_TCP;
	q->e = e;
	q->fd = -1;
	q->qe = qe;
	q->wire = qe->data;
	q->wirelen = qe->wirelen;
	q->qname = (char *)qe->data + qe->wirelen;
	q->res.server = qe->server;
	q->res.qname = q->qname;
	q->res.qtype = qe->qtype;
	q->res.rd = qe->rd;
	q->res.rcode = -1;
	q->res.user = e->user;
	q->cb = qe->cb;
	q->arg = qe->arg;
	return q;
}

static qent *
queue_pop(qent_list *l)
{
	qent *qe = l->head;

	if (qe != NULL) {
		l->head = qe->next;
		if (l->head == NULL)
			l->tail = NULL;
		l->n--;
		qe->next = NULL;
	}
	return qe;
}

/* Move the first waiting query to the wire. */
static void
dq_start(dnsq_engine *e)
{
	dq *q = dq_new(e, queue_pop(&e->queue));
	chan *c;

	q->start = now_ms();
	q->deadline = q->start + e->o.timeout_ms;
	q->state = DQ_UDP;
	list_append(&e->active, q);
	if (e->o.loopback_only && !addr_is_loopback(&q->res.server)) {
		dq_finish(q, DNSQ_NETERR, EPERM);
		return;
	}
	if ((c = chan_get(e, &q->res.server)) == NULL) {
		dq_finish(q, errno_unreachable(errno) ? DNSQ_UNREACHABLE : DNSQ_NETERR,
		    errno);
		return;
	}
	chan_attach(e, c, q);
	dq_udp_send(q);
}

static void
dq_tcp_start(dq *q)
{
	dnsq_engine *e = q->e;
	struct epoll_event ev;
	int fd;

	chan_detach(e, q);
	q->res.truncated = true;
	q->res.tcp = true;
	fd = socket(q->res.server.ss.sa.sa_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		dq_finish(q, DNSQ_NETERR, errno);
		return;
	}
	q->fd = fd;
	if (connect(fd, (const struct sockaddr *)&q->res.server.ss,
	    q->res.server.len) != 0 && errno != EINPROGRESS) {
		dq_finish(q, errno_unreachable(errno) ? DNSQ_UNREACHABLE : DNSQ_NETERR,
		    errno);
		return;
	}
	ev.events = EPOLLOUT;
	ev.data.ptr = q;
	if (epoll_ctl(e->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		dq_finish(q, DNSQ_NETERR, errno);
		return;
	}
	free(q->tcpbuf);
	q->tcpbuf = xmalloc(q->wirelen + 2);
	q->tcpbuf[0] = (uint8_t)(q->wirelen >> 8);
	q->tcpbuf[1] = (uint8_t)(q->wirelen & 0xff);
	memcpy(q->tcpbuf + 2, q->wire, q->wirelen);
	q->tcplen = q->wirelen + 2;
	q->tcpoff = 0;
	q->state = DQ_TCP_CONNECT;
	dq_rearm(q);
}

/* The message in buf is q's reply (ID and question matched): check the
 * whole of it and finish q, or go to TCP when it is truncated. Returns
 * false, with q still waiting, when it is malformed. */
static bool
dq_take(dq *q, const uint8_t *buf, size_t len)
{
	if (!dnswire_check(buf, len)) {
		q->res.malformed++;
		return false;
	}
	if (q->state == DQ_UDP && dnswire_tc(buf)) {
		dq_tcp_start(q);
		return true;
	}
	q->reply = xmalloc(len);
	memcpy(q->reply, buf, len);
	q->replylen = len;
	dq_finish(q, DNSQ_ANSWER, 0);
	return true;
}

/* A reply no query took: blame the query it was meant for, so the
 * evidence shows it (the only query of the channel, else one asking the
 * same question, looked for among the first STRAY_SCAN). */
static void
chan_stray(chan *c, const uint8_t *buf, size_t len, bool malformed)
{
	dq *q, *blame = NULL;
	unsigned n = 0;

	if (c->n == 1)
		blame = c->head;
	else if (buf != NULL)
		for (q = c->head; q && n < STRAY_SCAN && blame == NULL; q = q->cnext, n++)
			if (wire_answers(buf, len, q))
				blame = q;
	if (blame == NULL)
		return;
	if (malformed)
		blame->res.malformed++;
	else
		blame->res.mismatched++;
}

static void
chan_readable(dnsq_engine *e, chan *c)
{
	ssize_t n;
	unsigned budget = CHAN_MAX;   /* let other channels have a turn */

	/* The parsed replies wait on the done list for their callbacks:
	 * keep that list short (what is left is read next time round). */
	while (budget-- > 0 && e->done.n < DONE_MAX) {
		dq *q;
		bool last;

		/* A connected socket only hears its peer. */
		n = recv(c->fd, e->rbuf, DNSQ_MAX_UDP, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			chan_fail(e, c, errno);
			return;
		}
		q = n >= 2 ? itab_find(e, c, (uint16_t)((e->rbuf[0] << 8) |
		    e->rbuf[1])) : NULL;
		if (q != NULL && q->state == DQ_UDP &&
		    wire_answers(e->rbuf, (size_t)n, q)) {
			/* Taking the last query of c closes and frees c. */
			last = c->n == 1;
			if (dq_take(q, e->rbuf, (size_t)n) && last)
				return;
			continue;
		}
		/* Not the reply its ID says: another question, or not DNS. */
		if (!dnswire_check(e->rbuf, (size_t)n)) {
			if (q != NULL && q->state == DQ_UDP)
				q->res.malformed++;
			else
				chan_stray(c, NULL, 0, true);
		} else if (q != NULL && q->state == DQ_UDP)
			q->res.mismatched++;
		else
			chan_stray(c, e->rbuf, (size_t)n, false);
	}
}

static void
dq_tcp_event(dq *q, uint32_t events)
{
	dnsq_engine *e = q->e;
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof err;
	struct epoll_event ev;

	if (q->state == DQ_TCP_CONNECT) {
		if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err != 0) {
			dq_finish(q, errno_unreachable(err) ? DNSQ_UNREACHABLE : DNSQ_NETERR, err);
			return;
		}
		q->state = DQ_TCP_WRITE;
	}
	if (q->state == DQ_TCP_WRITE) {
		n = send(q->fd, q->tcpbuf + q->tcpoff, q->tcplen - q->tcpoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			dq_finish(q, DNSQ_NETERR, errno);
			return;
		}
		q->tcpoff += (size_t)n;
		if (q->tcpoff < q->tcplen)
			return;
		q->state = DQ_TCP_READ;
		q->tcplen = 2;     /* the length prefix first */
		q->tcpoff = 0;
		ev.events = EPOLLIN;
		ev.data.ptr = q;
		(void)epoll_ctl(e->ep, EPOLL_CTL_MOD, q->fd, &ev);
		return;
	}
	if (q->state != DQ_TCP_READ || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	for (;;) {
		n = recv(q->fd, q->tcpbuf + q->tcpoff, q->tcplen - q->tcpoff, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			dq_finish(q, DNSQ_NETERR, errno);
			return;
		}
		if (n == 0) {   /* closed before a whole message */
			if (q->tcpoff > 0 || q->tcplen > 2)
				q->res.malformed++;
			dq_finish(q, DNSQ_TIMEOUT, ECONNRESET);
			return;
		}
		q->tcpoff += (size_t)n;
		if (q->tcpoff < q->tcplen)
			continue;
		if (q->tcplen == 2 && q->tcpoff == 2) {
			size_t mlen = ((size_t)q->tcpbuf[0] << 8) | q->tcpbuf[1];
			if (mlen == 0) {
				q->res.malformed++;
				dq_finish(q, DNSQ_TIMEOUT, 0);
				return;
			}
			q->tcpbuf = xrealloc(q->tcpbuf, mlen + 2);
			q->tcplen = mlen + 2;
			continue;
		}
		{
			const uint8_t *m = q->tcpbuf + 2;
			size_t mlen = q->tcplen - 2;
			if (mlen >= 2 && ((m[0] << 8) | m[1]) == q->id &&
			    wire_answers(m, mlen, q)) {
				if (dq_take(q, m, mlen))
					return;
			} else if (dnswire_check(m, mlen))
				q->res.mismatched++;
			else
				q->res.malformed++;
		}
		/* Not ours: read the next message on the stream. */
		q->tcplen = 2;
		q->tcpoff = 0;
	}
}

static void
dq_timeout(dq *q)
{
	dnsq_engine *e = q->e;

	if (q->state == DQ_UDP && q->res.tries < e->o.tries) {
		dq_rearm(q);
		dq_udp_send(q);
		return;
	}
	dq_finish(q, DNSQ_TIMEOUT, 0);
}

/* The wire form of a query: ldns encodes the name (escapes included), we
 * put the header (ID 0 until the query gets its channel), type, class IN
 * and, with EDNS0, an OPT record around it: ldns_pkt2wire would allocate a
 * 64 KiB buffer per query. Returns the length, or 0. */
static size_t
dnsq_encode(const char *qname, uint16_t qtype, bool rd, uint16_t edns,
            uint8_t *buf, size_t cap)
{
	ldns_rdf *name = NULL;
	size_t pos = 12, nlen;

	if (ldns_str2rdf_dname(&name, qname) != LDNS_STATUS_OK || name == NULL)
		return 0;
	nlen = ldns_rdf_size(name);
	if (nlen > LDNS_MAX_DOMAINLEN + 1 || 12 + nlen + 4 + 11 > cap) {
		ldns_rdf_deep_free(name);
		return 0;
	}
	memset(buf, 0, 12);
	buf[2] = rd ? 0x01 : 0x00;              /* RD */
	buf[5] = 1;                             /* QDCOUNT */
	buf[11] = edns ? 1 : 0;                 /* ARCOUNT */
	memcpy(buf + pos, ldns_rdf_data(name), nlen);
	pos += nlen;
	ldns_rdf_deep_free(name);
	buf[pos++] = (uint8_t)(qtype >> 8);
	buf[pos++] = (uint8_t)qtype;
	buf[pos++] = 0;
	buf[pos++] = LDNS_RR_CLASS_IN;
	if (edns) {
		buf[pos++] = 0;                     /* root name */
		buf[pos++] = 0;
		buf[pos++] = LDNS_RR_TYPE_OPT;
		buf[pos++] = (uint8_t)(edns >> 8);  /* class: UDP payload size */
		buf[pos++] = (uint8_t)edns;
		memset(buf + pos, 0, 6);            /* TTL (flags) 0, RDLEN 0 */
		pos += 6;
	}
	return pos;
}

void
dnsq_set_user(dnsq_engine *e, void *user)
{
	e->user = user;
}

int
dnsq_submit(dnsq_engine *e, const exaddr *server, const char *qname,
            uint16_t qtype, bool rd, dnsq_cb cb, void *arg)
{
	uint8_t buf[512];
	qent *qe;
	char *name;
	size_t len = strlen(qname), wlen;

	if (e->closing || len == 0 || len > 1024 ||
	    (wlen = dnsq_encode(qname, qtype, rd, e->o.edns_bufsize, buf,
	    sizeof buf)) == 0)
		return -1;
	qe = xmalloc(sizeof *qe + wlen + len + 1);
	qe->next = NULL;
	qe->cb = cb;
	qe->arg = arg;
	qe->server = *server;
	qe->qtype = qtype;
	qe->rd = rd;
	qe->wirelen = (uint16_t)wlen;
	memcpy(qe->data, buf, wlen);
	name = (char *)qe->data + wlen;
	memcpy(name, qname, len + 1);
	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
	if (e->queue.tail)
		e->queue.tail->next = qe;
	else
		e->queue.head = qe;
	e->queue.tail = qe;
	e->queue.n++;
	return 0;
}

static void
dq_free(dq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->reply);
	free(q->tcpbuf);
	free(q->qe);
	free(q);
}

/* Run callbacks of finished queries, then fill free slots from the queue.
 * Callbacks may submit more; loop until both are settled. */
static void
dnsq_settle(dnsq_engine *e)
{
	dq *q;

	for (;;) {
		while (e->queue.head && e->active.n < e->o.max_inflight)
			dq_start(e);
		if ((q = e->done.head) == NULL)
			break;
		list_remove(&e->done, q);
		e->completed++;
		if (q->cb)
			q->cb(&q->res, q->arg);
		dq_free(q);
	}
}

size_t
dnsq_step(dnsq_engine *e, int timeout_ms)
{
	struct epoll_event evs[EPOLL_BATCH];
	dq *q;
	uint64_t now;
	int wait, n, i;

	dnsq_settle(e);
	if (e->active.n > 0) {
		now = now_ms();
		wait = e->active.head->deadline > now ?
		    (int)(e->active.head->deadline - now) : 0;
		if (timeout_ms >= 0 && timeout_ms < wait)
			wait = timeout_ms;
		n = epoll_wait(e->ep, evs, EPOLL_BATCH, wait);
		/* No callback runs and nothing is sent during the batch, so an
		 * event can only close its own channel (when its last query
		 * finishes) or finish its own TCP query (freed later, in
		 * dnsq_settle): every pointer of the batch stays valid. Once
		 * DONE_MAX replies wait, the rest of the batch is left: epoll
		 * is level-triggered, so it is reported again. */
		for (i = 0; i < n && e->done.n < DONE_MAX; i++) {
			int kind = *(int *)evs[i].data.ptr;
			if (kind == EV_CHAN)
				chan_readable(e, evs[i].data.ptr);
			else if (kind == EV_TCP)
				dq_tcp_event(evs[i].data.ptr, evs[i].events);
		}
		now = now_ms();
		while ((q = e->active.head) != NULL && q->deadline <= now)
			dq_timeout(q);
	} else if (e->queue.n == 0 && e->done.n == 0 && timeout_ms > 0) {
		/* Nothing to do: behave like a sleep so callers can pace. */
		struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	dnsq_settle(e);
	return e->queue.n + e->active.n + e->done.n;
}

void
dnsq_run(dnsq_engine *e)
{
	while (dnsq_step(e, -1) > 0)
		;
}

size_t
dnsq_pending(const dnsq_engine *e)
{
	return e->queue.n + e->active.n + e->done.n;
}

size_t
dnsq_inflight(const dnsq_engine *e)
{
	return e->active.n;
}

uint64_t
dnsq_completed(const dnsq_engine *e)
{
	return e->completed;
}

void
dnsq_free(dnsq_engine *e)
{
	dq *q;

	if (e == NULL)
		return;
	e->closing = true;
	while ((q = e->active.head) != NULL)
		dq_finish(q, DNSQ_CANCELLED, 0);
	while (e->queue.head != NULL) {
		/* Never started: cancelled without touching the network. */
		q = dq_new(e, queue_pop(&e->queue));
		q->state = DQ_UDP;
		list_append(&e->active, q);
		dq_finish(q, DNSQ_CANCELLED, 0);
	}
	while ((q = e->done.head) != NULL) {
		list_remove(&e->done, q);
		if (q->cb)
			q->cb(&q->res, q->arg);
		dq_free(q);
	}
	close(e->ep);
	free(e->ctab);
	free(e->itab);
	free(e->rbuf);
	free(e);
}
