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
 * anything else is dropped and counted against the query it was meant for.
 *
 * Politeness: every server (address and port, kept for the whole run
 * across its channels) has its own queue, so queries to a slow server
 * never hold up the others, and a congestion state in the spirit of TCP:
 * a window of queries in flight (slow start, then additive increase,
 * halved at most once per loss episode) under a ceiling, and a send rate
 * paced by a token bucket (none until the first loss, then AIMD: cut to
 * 0.7, grown by a quarter a second) or capped by the caller. A try counts
 * as lost for congestion only when the server answers that type at all,
 * and early: unanswered after max(a floor, srtt + 4 rttvar) while later
 * tries were answered or while the window is full. The query itself
 * still waits for its real timeout and retry; one whose tries all timed
 * out while the server showed overload is asked once more at low load
 * before it counts. A recursive resolver is judged otherwise: its late
 * answers are its recursion, so its window is its ceiling and its pace
 * alone adapts, from a low start doubling while its send slots are
 * answered in time, settling under the rate answered when over a quarter
 * of a slot was not. */
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

#include "defaults.h"
#include "dnswire.h"
#include "dnsq.h"
#include "util.h"

#define DNSQ_MAX_UDP   65535
#define CHAN_MAX       512       /* queries sharing one UDP socket */
#define CHAN_RCVBUF    (1 << 20)
#define EPOLL_BATCH    256
#define DONE_MAX       256       /* parsed replies waiting for callbacks */
#define STRAY_SCAN     64        /* queries looked at to blame a stray reply */
#define SLOT_MS        100       /* sends and answers counted per slot */
#define RATE_SLOTS     10        /* slots kept: the last second */
#define RECENT_SLOTS   5         /* slots a loss episode's rates are read from */
#define LOSS_EPISODES  3         /* episodes loss_qps is drawn from */

typedef enum dq_state {
	DQ_UDP,           /* sent over UDP, waiting for a reply or a retry */
	DQ_TCP_CONNECT,   /* connecting */
	DQ_TCP_WRITE,     /* sending the length-prefixed query */
	DQ_TCP_READ,      /* reading length, then the message */
	DQ_DONE
} dq_state;

enum { EV_CHAN = 1, EV_TCP = 2 };   /* what an epoll event points at */

typedef struct chan chan;
typedef struct srv srv;
struct dq_list;

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
	struct dq *next, *prev;      /* in the list "on" points at: the deadline
	                                list, done, or its server's resend or
	                                re-ask list */
	struct dq_list *on;
	struct dq *cnext, *cprev;    /* in its channel's list */
	struct dq *snext, *sprev;    /* in its server's tries out, sent order */
	dnsq_engine *e;
	srv *s;                      /* its server */
	uint64_t seq;                /* its latest try's number at the server */
	uint64_t sent;               /* when that try was sent */
	unsigned timeouts;           /* tries that reached their timeout */
	bool flying;                 /* counted in flight */
	bool slisted;                /* on its server's tries out */
	bool try_lost;               /* its latest try deemed lost early */
	float sent_qps;              /* when the latest try was sent: the
	                                server's send rate (q/s) */
	unsigned sent_live;          /* and its tries out */
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

/* A server and its congestion state. */
struct srv {
	srv *hnext;                  /* in its hash bucket */
	srv *rnext, *rprev;          /* in the ring of servers with work */
	bool in_ring;
	exaddr addr;
	qent_list queue;             /* new queries waiting for room */
	dq_list resend;              /* in flight: timed-out tries waiting for
	                                a token to be sent again */
	dq_list reask;               /* final timeouts waiting for low load (not
	                                in flight) */
	dq *shead, *stail;           /* tries out, not deemed lost, sent order */
	unsigned inflight;           /* its queries in flight */
	unsigned lost;               /* of those, latest try deemed lost early */
	unsigned reasks_out;         /* of those, re-asks */
	unsigned ceiling, rate_cap;  /* rate_cap 0: none */
	double cwnd, ssthresh, undo_cwnd;
	double rate;                 /* adaptive send rate, q/s; 0: none yet */
	double tokens;
	uint64_t tok_ms, reask_ms;   /* last refill; next re-ask not before */
	uint64_t seq, recover_seq;   /* tries sent; the last of a loss episode */
	double srtt, rttvar;         /* ms */
	bool has_rtt;
	uint32_t types;              /* a bit per question type answered */
	uint64_t slot, first_ms;     /* newest slot (now / SLOT_MS); first send */
	unsigned sent_slots[RATE_SLOTS], ans_slots[RATE_SLOTS];
	unsigned episodes, loss_inflight;
	uint64_t persistent;         /* queries whose tries all timed out (a
	                                re-ask answered takes it back) */
	uint64_t transient_from, transient_to;  /* the first sends of the
	                                earliest and latest queries that lost
	                                tries and were answered later */
	unsigned ntransient;         /* such queries */
	/* A recursive resolver (dnsq_server_recursive): per send slot, the
	 * tries sent and those answered in time (rs[0..nrs) and
	 * rs[nrs..2 nrs)), kept until the slot is judged. */
	bool recursive;
	unsigned nrs, *rs;
	uint64_t rs_slot, rs_judge;  /* newest slot; next to be judged */
	uint64_t ramp_ms, cut_ms;    /* last doubling; last loss episode */
	double undo_rate;            /* the pace before the first episode */
	dnsq_server_stats st;
};

struct dnsq_engine {
	dnsq_opts o;
	srv **stab;         /* servers by address */
	size_t scap, nsrv;
	srv *ring;          /* servers with queries waiting: a circle */
	size_t nqueued;     /* new queries waiting, every server */
	size_t inflight;    /* queries in flight (sent, not finished) */
	size_t nreask;      /* final timeouts waiting to be asked again */
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
	q->on = l;
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
	q->on = NULL;
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

/* ---- servers: queues and congestion state ----------------------------------- */

static srv *
srv_find(const dnsq_engine *e, const exaddr *a)
{
	srv *s;

	for (s = e->stab[addr_hash(a) & (e->scap - 1)]; s; s = s->hnext)
		if (addr_equal(&s->addr, a))
			return s;
	return NULL;
}

static srv *
srv_get(dnsq_engine *e, const exaddr *a)
{
	srv *s = srv_find(e, a);
	size_t b;

	if (s != NULL)
		return s;
	if (e->nsrv >= e->scap) {   /* keep chains short: double and rehash */
		size_t ncap = e->scap * 2, i;
		srv **nt = xcalloc(ncap, sizeof *nt), *next;
		for (i = 0; i < e->scap; i++)
			for (s = e->stab[i]; s; s = next) {
				next = s->hnext;
				b = addr_hash(&s->addr) & (ncap - 1);
				s->hnext = nt[b];
				nt[b] = s;
			}
		free(e->stab);
		e->stab = nt;
		e->scap = ncap;
	}
	s = xcalloc(1, sizeof *s);
	s->addr = *a;
	s->ceiling = e->o.server_ceiling;
	s->rate_cap = e->o.rate;
	s->cwnd = DEFAULT_INITIAL_WINDOW;
	s->ssthresh = 1e9;
	b = addr_hash(a) & (e->scap - 1);
	s->hnext = e->stab[b];
	e->stab[b] = s;
	e->nsrv++;
	return s;
}

static void
srv_ring_add(dnsq_engine *e, srv *s)
{
	if (s->in_ring)
		return;
	s->in_ring = true;
	if (e->ring == NULL) {
		s->rnext = s->rprev = s;
		e->ring = s;
		return;
	}
	s->rnext = e->ring;
	s->rprev = e->ring->rprev;
	s->rprev->rnext = s;
	e->ring->rprev = s;
}

static void
srv_ring_remove(dnsq_engine *e, srv *s)
{
	if (!s->in_ring)
		return;
	s->in_ring = false;
	if (s->rnext == s)
		e->ring = NULL;
	else {
		s->rprev->rnext = s->rnext;
		s->rnext->rprev = s->rprev;
		if (e->ring == s)
			e->ring = s->rnext;
	}
	s->rnext = s->rprev = NULL;
}

static bool
srv_has_work(const srv *s)
{
	return s->queue.head || s->resend.head || s->reask.head;
}

static void
srv_unlist(srv *s, dq *q)
{
	if (!q->slisted)
		return;
	if (q->sprev)
		q->sprev->snext = q->snext;
	else
		s->shead = q->snext;
	if (q->snext)
		q->snext->sprev = q->sprev;
	else
		s->stail = q->sprev;
	q->snext = q->sprev = NULL;
	q->slisted = false;
}

/* The latest try is out of the network: no longer "deemed lost". */
static void
srv_try_over(srv *s, dq *q)
{
	srv_unlist(s, q);
	if (q->try_lost) {
		q->try_lost = false;
		s->lost--;
	}
}

static uint32_t
srv_type_bit(uint16_t qtype)
{
	return 1u << (qtype < 31 ? qtype : 31);
}

static unsigned
srv_ceiling(const dnsq_engine *e, const srv *s)
{
	return s->ceiling < e->o.max_inflight ? s->ceiling : e->o.max_inflight;
}

/* Tries out it may have: a recursive resolver's pace alone adapts, under
 * its ceiling (its late answers are its recursion, no sign of load). */
static unsigned
srv_window(const dnsq_engine *e, const srv *s)
{
	unsigned c = srv_ceiling(e, s);

	return s->recursive || (unsigned)s->cwnd > c ? c : (unsigned)s->cwnd;
}

/* Queries whose try is (as far as we know) in the network. */
static unsigned
srv_live(const srv *s)
{
	return s->inflight - s->lost - (unsigned)s->resend.n;
}

/* Losses count as congestion while at least one in five of the queries
 * that lost tries came back: a server that only ever drops some questions
 * is not slowed down for them. */
static bool
srv_credible(const srv *s)
{
	return s->st.lost_then_answered * 4 >= s->persistent;
}

/* One more (or one fewer) query whose tries all timed out. Losses count
 * as congestion only while at least one in five such queries came back:
 * once the server's silences are mostly its own choice (a resolver whose
 * remote servers drop AAAA, say), the cuts they caused are undone. */
static void
srv_persistent(srv *s, int delta)
{
	if (delta < 0 && s->persistent > 0)
		s->persistent--;
	else if (delta > 0)
		s->persistent++;
	if (s->recursive && !srv_credible(s) && s->episodes > 0) {
		/* Its silences are its own: the ramp goes on from where the
		 * first episode cut it. */
		s->episodes = 0;
		s->st.loss_qps = 0;
		if (s->rate < s->undo_rate)
			s->rate = s->undo_rate;
		s->ramp_ms = 0;
	} else if (!srv_credible(s) && s->episodes > 0) {
		s->rate = 0;
		if (s->cwnd < s->undo_cwnd)
			s->cwnd = s->undo_cwnd;
		s->ssthresh = 1e9;
	}
}

/* A query that lost tries was answered: its loss was transient, the sign
 * of overload. Its first try's send time is kept, so that a final timeout
 * can tell whether the server was overloaded while it was asked. */
static void
srv_transient(srv *s, const dq *q)
{
	if (s->ntransient++ == 0 || q->start < s->transient_from)
		s->transient_from = q->start;
	if (q->start > s->transient_to)
		s->transient_to = q->start;
}

/* Were q's tries (from a timeout before its first to one after its last)
 * sent while the server was overloaded: between the first and the latest
 * query that lost tries and was answered later? One span, not each
 * loss: a query of a burst is never judged without a re-ask for want of
 * a record of its neighbours. */
static bool
srv_overloaded_during(const dnsq_engine *e, const srv *s, const dq *q)
{
	return s->ntransient > 0 &&
	    q->start <= s->transient_to + e->o.timeout_ms &&
	    q->sent + e->o.timeout_ms >= s->transient_from;
}

/* Slots older than a second are emptied as time moves on. */
static void
srv_roll(srv *s, uint64_t now)
{
	uint64_t slot = now / SLOT_MS, k;

	if (slot == s->slot)
		return;
	for (k = s->slot + 1; k <= slot && k <= s->slot + RATE_SLOTS; k++) {
		s->sent_slots[k % RATE_SLOTS] = 0;
		s->ans_slots[k % RATE_SLOTS] = 0;
	}
	s->slot = slot;
}

/* Per second, over the last RECENT_SLOTS slots (or since the first send). */
static double
srv_recent(const srv *s, const unsigned *slots, uint64_t now)
{
	double span = (double)((RECENT_SLOTS - 1) * SLOT_MS + now % SLOT_MS + 1);
	unsigned i, n = 0;

	for (i = 0; i < RECENT_SLOTS; i++)
		n += slots[(s->slot + RATE_SLOTS - i) % RATE_SLOTS];
	if ((double)(now - s->first_ms + 1) < span)
		span = (double)(now - s->first_ms + 1);
	if (span < 20)
		span = 20;
	return n * 1000.0 / span;
}

/* The rate sends are paced at: the adaptive one, under the cap; 0: none. */
static double
srv_pace(const srv *s)
{
	double r = s->rate;

	if (s->rate_cap > 0 && (r == 0 || s->rate_cap < r))
		r = s->rate_cap;
	return r;
}

static void
srv_refill(srv *s, uint64_t now)
{
	double r = srv_pace(s), cap;

	if (r > 0 && now > s->tok_ms) {
		cap = r * DEFAULT_PACE_BURST_MS / 1000.0;
		if (cap < 1)
			cap = 1;
		s->tokens += (double)(now - s->tok_ms) * r / 1000.0;
		if (s->tokens > cap)
			s->tokens = cap;
	} else if (r == 0)
		s->tokens = 1;
	s->tok_ms = now;
}

/* ---- a recursive resolver: pace from send slots answered in time ---------- */

/* A try to a recursive resolver answered later than this was lost, for the
 * count of its send slot (its query still waits for the real timeout). */
static uint64_t
rec_delay(const dnsq_engine *e, const srv *s)
{
	double d = s->has_rtt ? s->srtt + 4 * s->rttvar : 0;

	if (d < DEFAULT_RECURSIVE_FLOOR_MS)
		d = DEFAULT_RECURSIVE_FLOOR_MS;
	if (d > e->o.timeout_ms)
		d = e->o.timeout_ms;
	return (uint64_t)d;
}

/* A loss episode, judging the send slot rs_judge: the pace settles under
 * the rate answered in time over the second up to it (a rate limiter's
 * rate, a saturated resolver's capacity), never above the pace it had. */
static void
rec_episode(srv *s)
{
	uint64_t first = s->first_ms / SLOT_MS, k;
	unsigned sum = 0, n = 0;
	double got, nr;

	for (k = s->rs_judge; n < RATE_SLOTS && k + s->nrs > s->rs_slot &&
	    k >= first; k--) {
		sum += s->rs[s->nrs + k % s->nrs];
		n++;
		if (k == 0)
			break;
	}
	got = n > 0 ? sum * 1000.0 / (n * SLOT_MS) : 0;
	nr = DEFAULT_RECURSIVE_SETTLE * got;
	if (s->rate > 0 && nr > s->rate)
		nr = s->rate;
	if (nr < DEFAULT_RATE_MIN)
		nr = DEFAULT_RATE_MIN;
	if (s->episodes < LOSS_EPISODES)
		s->st.loss_qps = got >= 1 ? (unsigned)(got + 0.5) : 1;
	if (s->episodes == 0)
		s->undo_rate = s->rate;
	s->episodes++;
	s->rate = nr;
	if (s->tokens > 1)
		s->tokens = 1;
}

/* Judge the send slots whose tries have all had their time: one of which
 * more than a quarter went unanswered, sent since the last cut, is a loss
 * episode, while losses are credible (a resolver whose remote servers
 * drop AAAA never answers some questions, whatever the load). */
static void
rec_judge(const dnsq_engine *e, srv *s, uint64_t now)
{
	uint64_t d = rec_delay(e, s);
	unsigned sent, ok;

	while (s->rs_judge <= s->rs_slot &&
	    (s->rs_judge + 1) * SLOT_MS + d <= now) {
		sent = s->rs[s->rs_judge % s->nrs];
		ok = s->rs[s->nrs + s->rs_judge % s->nrs];
		if (sent >= 8 && (sent - ok) * 4 > sent &&
		    s->rs_judge * SLOT_MS >= s->cut_ms && srv_credible(s)) {
			rec_episode(s);
			s->cut_ms = now;
		}
		s->rs_judge++;
	}
}

/* A try went out to a recursive resolver: counted in its send slot (the
 * slots a second after it judged first, then emptied for reuse). */
static void
rec_sent(const dnsq_engine *e, srv *s, uint64_t now)
{
	uint64_t slot = now / SLOT_MS;

	if (s->st.sent == 0)
		s->rs_slot = s->rs_judge = slot;
	rec_judge(e, s, now);
	if (s->rs_judge + s->nrs <= slot)    /* idle for long */
		s->rs_judge = slot - s->nrs + 1;
	while (s->rs_slot < slot) {
		s->rs_slot++;
		s->rs[s->rs_slot % s->nrs] = 0;
		s->rs[s->nrs + s->rs_slot % s->nrs] = 0;
	}
	s->rs[slot % s->nrs]++;
}

/* q's latest try was answered (or truncated): in time for its slot? */
static void
rec_answered(const dnsq_engine *e, srv *s, const dq *q, uint64_t now)
{
	uint64_t slot = q->sent / SLOT_MS;

	if (slot >= s->rs_judge && slot <= s->rs_slot &&
	    now - q->sent <= rec_delay(e, s))
		s->rs[s->nrs + slot % s->nrs]++;
	if (s->episodes > 0 && s->rate > 0)
		s->rate += DEFAULT_RECURSIVE_AI_FRAC;
}

/* Before the first loss episode the pace starts low and doubles every
 * ramp, as long as it is what holds the sending back (at least half of
 * it sent over the latest whole slot). */
static void
rec_ramp(srv *s, uint64_t now)
{
	if (s->episodes > 0)
		return;
	if (s->rate == 0) {
		s->rate = DEFAULT_RECURSIVE_START_RATE;
		s->ramp_ms = now;
		return;
	}
	if (now < s->ramp_ms + DEFAULT_RECURSIVE_RAMP_MS)
		return;
	srv_roll(s, now);
	if (s->sent_slots[(s->slot + RATE_SLOTS - 1) % RATE_SLOTS] * 2000.0 /
	    SLOT_MS >= s->rate && s->rate < 1e6)
		s->rate *= 2;
	s->ramp_ms = now;
}

/* A try of q's went out. */
static void
srv_sent(const dnsq_engine *e, srv *s, dq *q, uint64_t now)
{
	unsigned i, sum = 0;

	srv_roll(s, now);
	if (s->recursive)
		rec_sent(e, s, now);
	if (s->st.sent == 0)
		s->first_ms = now;
	s->st.sent++;
	s->sent_slots[s->slot % RATE_SLOTS]++;
	for (i = 0; i < RATE_SLOTS; i++)
		sum += s->sent_slots[i];
	if (sum > s->st.peak_qps)
		s->st.peak_qps = sum;
	if (srv_pace(s) > 0)
		s->tokens -= 1;
	srv_try_over(s, q);
	q->seq = ++s->seq;
	q->sent = now;
	q->sprev = s->stail;
	q->snext = NULL;
	if (s->stail)
		s->stail->snext = q;
	else
		s->shead = q;
	s->stail = q;
	q->slisted = true;
	q->sent_qps = (float)srv_recent(s, s->sent_slots, now);
	q->sent_live = srv_live(s);
}

/* q's latest try is deemed lost early: a loss episode, unless
 * it is one already under way or no sign of congestion. */
static void
srv_loss(srv *s, dq *q, uint64_t now)
{
	double sent, got, base, nr;

	if (!(s->types & srv_type_bit(q->res.qtype)) || !srv_credible(s) ||
	    q->seq <= s->recover_seq)
		return;
	srv_roll(s, now);
	sent = srv_recent(s, s->sent_slots, now);
	got = srv_recent(s, s->ans_slots, now);
	/* Once paced, the pace is cut (what is sent at a quiet time says
	 * nothing of what the server takes). */
	base = s->rate > 0 ? s->rate : sent;
	nr = DEFAULT_RATE_DECREASE * base;
	/* The first time, what came back says what the server takes: a
	 * burst may have gone far above it, a full window of dropped tries
	 * may have stalled the sending below it. */
	if (s->episodes == 0) {
		nr = DEFAULT_RATE_DECREASE * (sent < 2 * got ? sent : 2 * got);
		if (nr < got)
			nr = got;
	}
	if (nr < DEFAULT_RATE_MIN)
		nr = DEFAULT_RATE_MIN;
	if (s->episodes == 0)
		s->undo_cwnd = s->cwnd;
	if (s->episodes < LOSS_EPISODES) {
		/* The send rate at the latest of the first episodes: the first
		 * may come after a burst far above the limit, or after a stall
		 * far below it. */
		unsigned lq = (unsigned)(sent + 0.5), li = srv_live(s) + 1;
		s->st.loss_qps = lq > 0 ? lq : 1;
		if (s->loss_inflight == 0 || li < s->loss_inflight)
			s->loss_inflight = li;
	}
	s->episodes++;
	s->recover_seq = s->seq;
	s->cwnd /= 2;
	if (s->cwnd < DEFAULT_MIN_WINDOW)
		s->cwnd = DEFAULT_MIN_WINDOW;
	s->ssthresh = s->cwnd;
	s->rate = nr;
	if (s->tokens > 1)
		s->tokens = 1;
}

/* How long after its send a try is deemed lost (with later ones answered
 * or the window full). A question of a type the server never answered,
 * while it answers others, is no sign of congestion: its floor is lower
 * (it only frees a slot). A server that never answered anything keeps
 * the higher one: it is sent no more than a window each floor. */
static uint64_t
srv_loss_delay(const dnsq_engine *e, const srv *s, uint16_t qtype)
{
	double floor = s->types == 0 || (s->types & srv_type_bit(qtype)) ?
	    DEFAULT_LOSS_FLOOR_MS : DEFAULT_UNANSWERED_FLOOR_MS, d;

	if (floor > e->o.timeout_ms / 2.0)
		floor = e->o.timeout_ms / 2.0;
	d = s->has_rtt ? s->srtt + 4 * s->rttvar : 0;
	if (d < floor)
		d = floor;
	if (d > e->o.timeout_ms)
		d = e->o.timeout_ms;
	return (uint64_t)d;
}

/* q was answered (its try already off the tries out). */
static void
srv_answered(dnsq_engine *e, srv *s, dq *q, uint64_t now)
{
	dq *h;

	srv_roll(s, now);
	s->ans_slots[s->slot % RATE_SLOTS]++;
	s->types |= srv_type_bit(q->res.qtype);
	if (s->recursive && !q->res.tcp)
		rec_answered(e, s, q, now);
	s->st.lost_then_answered += q->timeouts;
	if (q->timeouts > 0)
		srv_transient(s, q);
	if (q->res.reasked) {
		s->st.reasked_answered++;
		if (e->o.tries >= 2)
			srv_persistent(s, -1);   /* it came back after all */
	}
	if (q->res.tries == 1 && q->timeouts == 0 && !q->res.tcp) {
		/* RFC 6298, in ms; only from tries never sent twice (Karn). */
		double m = (double)(now - q->sent), dv;
		if (!s->has_rtt) {
			s->srtt = m;
			s->rttvar = m / 2;
			s->has_rtt = true;
		} else {
			dv = s->srtt > m ? s->srtt - m : m - s->srtt;
			s->rttvar = 0.75 * s->rttvar + 0.25 * dv;
			s->srtt = 0.875 * s->srtt + 0.125 * m;
		}
	}
	if (s->recursive)
		return;   /* no early loss: a late answer is its recursion */
	if (q->seq > s->recover_seq) {
		double ceil = srv_ceiling(e, s);
		s->cwnd += s->cwnd < s->ssthresh ? 1 : 1 / s->cwnd;
		if (s->cwnd > ceil)
			s->cwnd = ceil;
		if (s->rate > 0) {
			double ai = s->rate * DEFAULT_RATE_AI_FRAC;
			if (ai < DEFAULT_RATE_AI_MIN)
				ai = DEFAULT_RATE_AI_MIN;
			s->rate += ai / s->rate;
		}
	}
	/* Tries sent before this one, unanswered for long: lost. */
	while ((h = s->shead) != NULL && h->seq < q->seq &&
	    now >= h->sent + srv_loss_delay(e, s, h->res.qtype)) {
		srv_unlist(s, h);
		h->try_lost = true;
		s->lost++;
		srv_loss(s, h, now);
	}
}

/* s waits for room in its window: its tries out for longer than the loss
 * delay are deemed lost and leave the window, a loss for congestion if the
 * server answers their type. A rate limiter's bucket is empty whenever
 * an answer clocks out the next query, so a full window of dropped tries
 * would otherwise wait for their timeout; and a server that never answered
 * (silence from the start is no sign of our load) is not asked one window
 * per timeout. A recursive resolver's tries leave it after the delay of
 * its send slots' count, no loss for congestion: that is the slots' to
 * say (a question it never answers must not hold its slots either).
 * Returns when the next may be deemed lost, or UINT64_MAX. */
static uint64_t
srv_expire(const dnsq_engine *e, srv *s, uint64_t now)
{
	dq *h;

	while ((h = s->shead) != NULL && now >= h->sent + (s->recursive ?
	    rec_delay(e, s) : srv_loss_delay(e, s, h->res.qtype))) {
		srv_unlist(s, h);
		h->try_lost = true;
		s->lost++;
		if (!s->recursive)
			srv_loss(s, h, now);
	}
	if (h == NULL)
		return UINT64_MAX;
	return h->sent + (s->recursive ? rec_delay(e, s) :
	    srv_loss_delay(e, s, h->res.qtype));
}

/* q finished: out of its server's counts. */
static void
srv_finished(dnsq_engine *e, dq *q, dnsq_outcome outcome)
{
	srv *s = q->s;
	uint64_t now = now_ms();

	srv_try_over(s, q);
	if (q->flying) {
		q->flying = false;
		s->inflight--;
		e->inflight--;
		if (q->res.reasked)
			s->reasks_out--;
	}
	if (outcome == DNSQ_CANCELLED)
		return;
	s->st.queries++;
	if (outcome == DNSQ_ANSWER)
		srv_answered(e, s, q, now);
	else if (outcome == DNSQ_TIMEOUT && q->timeouts > 0 &&
	    (!q->res.reasked || e->o.tries < 2))
		srv_persistent(s, 1);   /* else counted when its re-ask was set */
}

/* Tries all timed out: ask once more at low load? Only when the server
 * showed overload: tries of its lost and then answered, or this query's
 * last try sent at or above the load (rate or in flight) at which it was
 * seen to drop. A server that drops some questions whatever the load
 * shows neither once its retries went out at low load. */
static bool
srv_should_reask(const dnsq_engine *e, const srv *s, const dq *q)
{
	if (q->res.reasked)
		return false;
	if (s->recursive)   /* it showed loss under load: its episodes */
		return s->episodes > 0 && srv_credible(s);
	if (srv_overloaded_during(e, s, q))
		return true;
	return s->episodes > 0 && srv_credible(s) &&
	    (q->sent_qps >= (float)s->st.loss_qps || q->sent_live >= s->loss_inflight);
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
	if (e->o.server_ceiling < 1)
		e->o.server_ceiling = e->o.max_inflight;
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
	e->scap = 1024;
	e->stab = xcalloc(e->scap, sizeof *e->stab);
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

	list_remove(q->on, q);
	chan_detach(e, q);
	srv_finished(e, q, outcome);
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

	list_remove(q->on, q);
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
	srv_sent(q->e, q->s, q, now_ms());
}

/* The query for a queue entry of server s (taking it over), on no list
 * yet. */
static dq *
dq_new(dnsq_engine *e, srv *s, qent *qe)
{
	dq *q = xcalloc(1, sizeof *q);

	q->kind = EV_TCP;
	q->e = e;
	q->s = s;
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

/* Put q (new, or a re-ask) on the wire: in flight from now on. */
static void
dq_launch(dnsq_engine *e, dq *q, uint64_t now)
{
	srv *s = q->s;
	chan *c;

	q->flying = true;
	e->inflight++;
	s->inflight++;
	if (srv_live(s) > s->st.peak_inflight)
		s->st.peak_inflight = srv_live(s);
	if (q->start == 0)
		q->start = now;
	q->deadline = now + e->o.timeout_ms;
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
	if (q->s->recursive)   /* a truncated reply is an answer in time */
		rec_answered(e, q->s, q, now_ms());
	srv_try_over(q->s, q);
	q->s->st.sent++;
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

/* q's try timed out: its server sends it again when its pace lets it,
 * asks it again at low load, or it finishes. */
static void
dq_timeout(dq *q)
{
	dnsq_engine *e = q->e;
	srv *s = q->s;

	if (q->state != DQ_UDP) {
		dq_finish(q, DNSQ_TIMEOUT, 0);
		return;
	}
	/* Congestion is read from early losses only: by its timeout a try
	 * tells nothing of the load it met (a server that fell silent, or had
	 * nothing else to answer, least of all). */
	srv_try_over(s, q);
	q->timeouts++;
	if (!q->res.reasked && q->res.tries < e->o.tries) {
		/* Still on its channel: a late reply is taken meanwhile. */
		list_remove(q->on, q);
		list_append(&s->resend, q);
		srv_ring_add(e, s);
	} else if (srv_should_reask(e, s, q)) {
		/* Asked twice and lost twice: so far the server's choice
		 * (taken back if the re-ask is answered). A single try lost
		 * says too little: it counts if its re-ask is lost too. */
		if (e->o.tries >= 2)
			srv_persistent(s, 1);
		list_remove(q->on, q);
		chan_detach(e, q);
		q->flying = false;
		s->inflight--;
		e->inflight--;
		list_append(&s->reask, q);
		e->nreask++;
		srv_ring_add(e, s);
	} else
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

static int dnsq_submit_flags(dnsq_engine *e, const exaddr *server,
                             const char *qname, uint16_t qtype, bool rd,
                             bool cd, bool plain, dnsq_cb cb, void *arg);

int
dnsq_submit(dnsq_engine *e, const exaddr *server, const char *qname,
            uint16_t qtype, bool rd, dnsq_cb cb, void *arg)
{
	return dnsq_submit_flags(e, server, qname, qtype, rd, false, false, cb,
	    arg);
}

int
dnsq_submit_cd(dnsq_engine *e, const exaddr *server, const char *qname,
               uint16_t qtype, bool rd, dnsq_cb cb, void *arg)
{
	return dnsq_submit_flags(e, server, qname, qtype, rd, true, false, cb,
	    arg);
}

int
dnsq_submit_plain(dnsq_engine *e, const exaddr *server, const char *qname,
                  uint16_t qtype, bool rd, dnsq_cb cb, void *arg)
{
	return dnsq_submit_flags(e, server, qname, qtype, rd, false, true, cb,
	    arg);
}

static int
dnsq_submit_flags(dnsq_engine *e, const exaddr *server, const char *qname,
                  uint16_t qtype, bool rd, bool cd, bool plain, dnsq_cb cb,
                  void *arg)
{
	uint8_t buf[512];
	qent *qe;
	srv *sv;
	char *name;
	size_t len = strlen(qname), wlen;

	if (e->closing || len == 0 || len > 1024 ||
	    (wlen = dnsq_encode(qname, qtype, rd, plain ? 0 : e->o.edns_bufsize,
	    buf, sizeof buf)) == 0)
		return -1;
	if (cd)
		buf[3] |= 0x10;                 /* CD */
	sv = srv_get(e, server);
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
	if (sv->queue.tail)
		sv->queue.tail->next = qe;
	else
		sv->queue.head = qe;
	sv->queue.tail = qe;
	sv->queue.n++;
	e->nqueued++;
	srv_ring_add(e, sv);
	return 0;
}

void
dnsq_server_limits(dnsq_engine *e, const exaddr *server, unsigned ceiling,
                   unsigned rate)
{
	srv *s = srv_get(e, server);

	if (ceiling > 0)
		s->ceiling = ceiling;
	if (rate > 0)
		s->rate_cap = rate;
}

void
dnsq_server_recursive(dnsq_engine *e, const exaddr *server)
{
	srv *s = srv_get(e, server);

	if (s->recursive)
		return;
	s->recursive = true;
	s->nrs = e->o.timeout_ms / SLOT_MS + RATE_SLOTS + 4;
	s->rs = xcalloc(2 * (size_t)s->nrs, sizeof *s->rs);
}

int
dnsq_server_stats_get(const dnsq_engine *e, const exaddr *server,
                      dnsq_server_stats *out)
{
	const srv *s = srv_find(e, server);

	if (s == NULL)
		return -1;
	*out = s->st;
	out->ceiling = srv_ceiling(e, s);
	out->window = srv_window(e, s);
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

/* A re-ask waits until its server has little else in flight and, once
 * it was seen to drop above some rate, until what was sent to it over
 * the last second is well under that rate: a limiter that counts queries
 * per second drops a re-ask sent alongside a full second's worth. */
static bool
srv_quiet(const dnsq_engine *e, srv *s, uint64_t now)
{
	unsigned others = s->inflight - s->reasks_out, i, sent = 0;

	if (s->queue.head != NULL || s->resend.head != NULL ||
	    others > (srv_window(e, s) / 4 > 1 ? srv_window(e, s) / 4 : 1))
		return false;
	if (s->st.loss_qps == 0)
		return true;
	srv_roll(s, now);
	for (i = 0; i < RATE_SLOTS; i++)
		sent += s->sent_slots[i];
	return sent * 2 < s->st.loss_qps;
}

/* Re-asks go at most at half the pace, at most DEFAULT_REASK_RATE. */
static uint64_t
srv_reask_gap(const srv *s)
{
	double r = srv_pace(s) / 2;

	if (r <= 0 || r > DEFAULT_REASK_RATE)
		r = DEFAULT_REASK_RATE;
	if (s->st.loss_qps > 0 && r > s->st.loss_qps / 4.0)
		r = s->st.loss_qps / 4.0 > 1 ? s->st.loss_qps / 4.0 : 1;
	return (uint64_t)(1000 / r);
}

/* Sends what s may send now: tries to send again first, then new queries
 * (window, ceiling, global cap), then re-asks (at low load, slowly).
 * Returns when its pace lets it send more (UINT64_MAX: when a query
 * finishes); *full when the global cap stopped it. */
static uint64_t
srv_pump(dnsq_engine *e, srv *s, uint64_t now, bool *full)
{
	dq *q;

	for (;;) {
		double pace = srv_pace(s);
		uint64_t expire;
		unsigned limit;
		bool room;

		if (s->recursive) {
			rec_judge(e, s, now);
			rec_ramp(s, now);
		}
		srv_refill(s, now);
		if (!srv_has_work(s))
			return UINT64_MAX;
		if (pace > 0 && s->tokens < 1)
			return now + 1 + (uint64_t)((1 - s->tokens) * 1000 / pace);
		if ((q = s->resend.head) != NULL) {
			list_remove(&s->resend, q);
			q->deadline = now + e->o.timeout_ms;
			list_append(&e->active, q);
			dq_udp_send(q);
			continue;
		}
		if (e->inflight >= e->o.max_inflight) {
			*full = true;
			return UINT64_MAX;
		}
		/* Window and ceiling bound the tries out: one deemed lost
		 * (the server dropped it) is no load on the server, and a
		 * server that never answers AAAA must not hold its slots for
		 * whole timeouts. */
		limit = srv_window(e, s);
		expire = srv_live(s) >= limit ? srv_expire(e, s, now) : UINT64_MAX;
		room = srv_live(s) < limit;
		if (s->queue.head != NULL) {
			if (!room)
				return expire;
			e->nqueued--;
			dq_launch(e, dq_new(e, s, queue_pop(&s->queue)), now);
			continue;
		}
		if (!room)
			return expire;
		if (!srv_quiet(e, s, now))
			return now + SLOT_MS;
		if (now < s->reask_ms)
			return s->reask_ms;
		s->reask_ms = now + srv_reask_gap(s);
		q = s->reask.head;
		list_remove(&s->reask, q);
		e->nreask--;
		q->res.reasked = true;
		s->st.reasked++;
		s->reasks_out++;
		dq_launch(e, q, now);
	}
}

/* One turn round the servers with work; the next turn starts where the
 * global cap stopped this one. Returns when a pace next lets one send. */
static uint64_t
dnsq_pump(dnsq_engine *e)
{
	uint64_t now = now_ms(), wake = UINT64_MAX, w;
	srv *s = e->ring, *next, *stop = e->ring ? e->ring->rprev : NULL;
	bool full = false, last = false;

	while (s != NULL && !last && !full) {
		last = s == stop;
		next = s->rnext;
		w = srv_pump(e, s, now, &full);
		if (w < wake)
			wake = w;
		if (full)
			e->ring = s;
		else if (!srv_has_work(s))
			srv_ring_remove(e, s);
		s = next;
	}
	return wake;
}

/* Run callbacks of finished queries and send what may be sent. Callbacks
 * may submit more; loop until both are settled. Returns when a pace next
 * lets a server send (UINT64_MAX: none waits for its pace). */
static uint64_t
dnsq_settle(dnsq_engine *e)
{
	uint64_t wake;
	dq *q;

	for (;;) {
		wake = dnsq_pump(e);
		if (e->done.head == NULL)
			return wake;
		while ((q = e->done.head) != NULL) {
			list_remove(&e->done, q);
			e->completed++;
			if (q->cb)
				q->cb(&q->res, q->arg);
			dq_free(q);
		}
	}
}

size_t
dnsq_step(dnsq_engine *e, int timeout_ms)
{
	struct epoll_event evs[EPOLL_BATCH];
	dq *q;
	uint64_t now, until;
	int wait, n, i;

	until = dnsq_settle(e);
	if (e->active.n > 0 || until != UINT64_MAX) {
		now = now_ms();
		if (e->active.head && e->active.head->deadline < until)
			until = e->active.head->deadline;
		wait = until > now ? (until - now > 60000 ? 60000 : (int)(until - now)) : 0;
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
	} else if (dnsq_pending(e) == 0 && timeout_ms > 0) {
		/* Nothing to do: behave like a sleep so callers can pace. */
		struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	(void)dnsq_settle(e);
	return dnsq_pending(e);
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
	return e->nqueued + e->inflight + e->nreask + e->done.n;
}

size_t
dnsq_inflight(const dnsq_engine *e)
{
	return e->inflight;
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
	srv *s, *next;
	size_t i;

	if (e == NULL)
		return;
	e->closing = true;
	while ((q = e->active.head) != NULL)
		dq_finish(q, DNSQ_CANCELLED, 0);
	for (i = 0; i < e->scap; i++)
		for (s = e->stab[i]; s; s = s->hnext) {
			while ((q = s->resend.head) != NULL)
				dq_finish(q, DNSQ_CANCELLED, 0);
			while ((q = s->reask.head) != NULL) {
				e->nreask--;
				dq_finish(q, DNSQ_CANCELLED, 0);
			}
			while (s->queue.head != NULL) {
				/* Never started: cancelled without touching the
				 * network. */
				q = dq_new(e, s, queue_pop(&s->queue));
				e->nqueued--;
				q->state = DQ_UDP;
				list_append(&e->active, q);
				dq_finish(q, DNSQ_CANCELLED, 0);
			}
		}
	while ((q = e->done.head) != NULL) {
		list_remove(&e->done, q);
		if (q->cb)
			q->cb(&q->res, q->arg);
		dq_free(q);
	}
	close(e->ep);
	for (i = 0; i < e->scap; i++)
		for (s = e->stab[i]; s; s = next) {
			next = s->hnext;
			free(s->rs);
			free(s);
		}
	free(e->stab);
	free(e->ctab);
	free(e->itab);
	free(e->rbuf);
	free(e);
}
