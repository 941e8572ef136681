/* dnsq.c - asynchronous DNS queries over our own poll loop: one connected
 * non-blocking UDP socket per query in flight (random port, ICMP errors
 * seen), TCP when a reply is truncated, retries and timeouts from one list
 * kept in deadline order, and strict matching of every reply. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dname.h"
#include "dnsq.h"
#include "util.h"

#define DNSQ_MAX_UDP 65535

typedef enum dq_state {
	DQ_QUEUED,
	DQ_UDP,           /* sent over UDP, waiting for a reply or a retry */
	DQ_TCP_CONNECT,   /* connecting */
	DQ_TCP_WRITE,     /* sending the length-prefixed query */
	DQ_TCP_READ,      /* reading length, then the message */
	DQ_DONE
} dq_state;

typedef struct dq {
	struct dq *next, *prev;      /* in the queue, the deadline list or done */
	dnsq_engine *e;
	dq_state state;
	int fd;
	uint16_t id;
	uint8_t *wire;               /* the query message */
	size_t wirelen;
	uint8_t *tcpbuf;             /* TCP: out, then in */
	size_t tcplen, tcpoff;
	uint64_t start, deadline;
	dnsq_result res;
	char *qname;
	ldns_pkt *reply;
	dnsq_cb cb;
	void *arg;
} dq;

typedef struct dq_list {
	dq *head, *tail;
	size_t n;
} dq_list;

struct dnsq_engine {
	dnsq_opts o;
	dq_list queue;      /* waiting for a slot */
	dq_list active;     /* in flight, in deadline order */
	dq_list done;       /* finished, callbacks not run yet */
	uint64_t completed;
	uint16_t ids[256];
	unsigned nids;
	struct pollfd *pfd;
	dq **pdq;
	size_t pcap;
	uint8_t *rbuf;      /* UDP receive buffer */
	bool closing;       /* dnsq_free running: no new queries */
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
			/* getrandom on Linux does not fail for small sizes after
			 * boot; fall back to random() rather than to a constant. */
			unsigned i;
			for (i = 0; i < 256; i++)
				e->ids[i] = (uint16_t)random();
		}
		e->nids = 256;
	}
	return e->ids[--e->nids];
}

dnsq_engine *
dnsq_new(const dnsq_opts *opts)
{
	dnsq_engine *e = xcalloc(1, sizeof *e);

	e->o = *opts;
	if (e->o.tries < 1)
		e->o.tries = 1;
	if (e->o.timeout_ms < 1)
		e->o.timeout_ms = 1;
	if (e->o.max_inflight < 1)
		e->o.max_inflight = 1;
	e->rbuf = xmalloc(DNSQ_MAX_UDP);
	return e;
}

bool
dnsq_reply_matches(const ldns_pkt *reply, uint16_t id, const char *qname,
                   uint16_t qtype)
{
	ldns_rr_list *ql;
	ldns_rr *q;
	char *owner;
	bool ok;

	if (ldns_pkt_id(reply) != id || !ldns_pkt_qr(reply))
		return false;
	ql = ldns_pkt_question(reply);
	if (ql == NULL || ldns_rr_list_rr_count(ql) != 1)
		return false;
	q = ldns_rr_list_rr(ql, 0);
	if (ldns_rr_get_type(q) != qtype || ldns_rr_get_class(q) != LDNS_RR_CLASS_IN)
		return false;
	owner = ldns_rdf2str(ldns_rr_owner(q));
	if (owner == NULL)
		return false;
	ok = dname_equal(owner, qname);
	free(owner);
	return ok;
}

static void
dq_close(dq *q)
{
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
}

/* Finish a query: off the active list (if on it), onto the done list. */
static void
dq_finish(dq *q, dnsq_outcome outcome, int err)
{
	dnsq_engine *e = q->e;

	if (q->state != DQ_QUEUED)
		list_remove(&e->active, q);
	else
		list_remove(&e->queue, q);
	dq_close(q);
	q->state = DQ_DONE;
	q->res.outcome = outcome;
	q->res.sys_errno = err;
	q->res.ms = (unsigned)(now_ms() - q->start);
	if (outcome == DNSQ_ANSWER) {
		q->res.reply = q->reply;
		q->res.rcode = ldns_pkt_get_rcode(q->reply);
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

static int
dq_socket(dq *q, int type)
{
	int fd = socket(q->res.server.ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&q->res.server.ss, q->res.server.len) != 0 &&
	    errno != EINPROGRESS) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
dq_udp_send(dq *q)
{
	if (send(q->fd, q->wire, q->wirelen, 0) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK) {
		if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
		    errno == ENETUNREACH)
			dq_finish(q, DNSQ_UNREACHABLE, errno);
		else
			dq_finish(q, DNSQ_NETERR, errno);
		return;
	}
	q->res.tries++;
}

/* Move a query from the queue to the wire. */
static void
dq_start(dq *q)
{
	dnsq_engine *e = q->e;

	list_remove(&e->queue, q);
	q->start = now_ms();
	q->deadline = q->start + e->o.timeout_ms;
	q->state = DQ_UDP;
	list_append(&e->active, q);
	if (e->o.loopback_only && !addr_is_loopback(&q->res.server)) {
		dq_finish(q, DNSQ_NETERR, EPERM);
		return;
	}
	if ((q->fd = dq_socket(q, SOCK_DGRAM)) < 0) {
		dq_finish(q, DNSQ_NETERR, errno);
		return;
	}
	dq_udp_send(q);
}

static void
dq_tcp_start(dq *q)
{
	dq_close(q);
	q->res.truncated = true;
	q->res.tcp = true;
	if ((q->fd = dq_socket(q, SOCK_STREAM)) < 0) {
		dq_finish(q, errno == ECONNREFUSED ? DNSQ_UNREACHABLE : DNSQ_NETERR,
		    errno);
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

/* A reply's bytes arrived: parse and match. Returns true when accepted. */
static bool
dq_accept(dq *q, const uint8_t *buf, size_t len)
{
	ldns_pkt *pkt = NULL;

	if (ldns_wire2pkt(&pkt, buf, len) != LDNS_STATUS_OK || pkt == NULL) {
		q->res.malformed++;
		return false;
	}
	if (!dnsq_reply_matches(pkt, q->id, q->qname, q->res.qtype)) {
		q->res.mismatched++;
		ldns_pkt_free(pkt);
		return false;
	}
	if (q->state == DQ_UDP && ldns_pkt_tc(pkt)) {
		ldns_pkt_free(pkt);
		dq_tcp_start(q);
		return true;
	}
	q->reply = pkt;
	dq_finish(q, DNSQ_ANSWER, 0);
	return true;
}

static void
dq_udp_readable(dq *q)
{
	dnsq_engine *e = q->e;
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	exaddr src;

	for (;;) {
		fromlen = sizeof from;
		n = recvfrom(q->fd, e->rbuf, DNSQ_MAX_UDP, 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				dq_finish(q, DNSQ_UNREACHABLE, errno);
			else
				dq_finish(q, DNSQ_NETERR, errno);
			return;
		}
		/* A connected socket only hears its peer; check anyway. */
		memcpy(&src.ss, &from, sizeof from);
		src.len = fromlen;
		if (!addr_equal(&src, &q->res.server)) {
			q->res.mismatched++;
			continue;
		}
		if (dq_accept(q, e->rbuf, (size_t)n))
			return;
	}
}

static void
dq_tcp_event(dq *q, short revents)
{
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof err;

	if (q->state == DQ_TCP_CONNECT) {
		if (getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err != 0) {
			dq_finish(q, err == ECONNREFUSED ? DNSQ_UNREACHABLE : DNSQ_NETERR, err);
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
		return;
	}
	if (q->state == DQ_TCP_READ && (revents & (POLLIN | POLLHUP | POLLERR))) {
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
			if (dq_accept(q, q->tcpbuf + 2, q->tcplen - 2))
				return;
			/* Not ours: read the next message on the stream. */
			q->tcplen = 2;
			q->tcpoff = 0;
		}
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

int
dnsq_submit(dnsq_engine *e, const exaddr *server, const char *qname,
            uint16_t qtype, bool rd, dnsq_cb cb, void *arg)
{
	ldns_rdf *name = NULL;
	ldns_pkt *pkt;
	dq *q;
	size_t len = strlen(qname);

	if (e->closing || len == 0 || len > 253 ||
	    ldns_str2rdf_dname(&name, qname) != LDNS_STATUS_OK)
		return -1;
	pkt = ldns_pkt_query_new(name, (ldns_rr_type)qtype, LDNS_RR_CLASS_IN,
	    rd ? LDNS_RD : 0);
	if (pkt == NULL)
		return -1;
	q = xcalloc(1, sizeof *q);
	q->e = e;
	q->fd = -1;
	q->id = dnsq_random_id(e);
	ldns_pkt_set_id(pkt, q->id);
	if (e->o.edns_bufsize > 0)
		ldns_pkt_set_edns_udp_size(pkt, e->o.edns_bufsize);
	if (ldns_pkt2wire(&q->wire, pkt, &q->wirelen) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		free(q);
		return -1;
	}
	ldns_pkt_free(pkt);
	q->qname = xstrdup(qname);
	if (len > 1 && q->qname[len - 1] == '.')
		q->qname[len - 1] = '\0';
	q->res.server = *server;
	q->res.qname = q->qname;
	q->res.qtype = qtype;
	q->res.rd = rd;
	q->res.rcode = -1;
	q->cb = cb;
	q->arg = arg;
	q->state = DQ_QUEUED;
	list_append(&e->queue, q);
	return 0;
}

static void
dq_free(dq *q)
{
	dq_close(q);
	if (q->reply)
		ldns_pkt_free(q->reply);
	free(q->wire);
	free(q->tcpbuf);
	free(q->qname);
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
			dq_start(e->queue.head);
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
	size_t n = 0, i;
	dq *q;
	uint64_t now;
	int wait, rc;

	dnsq_settle(e);
	if (e->active.n > 0) {
		e->pfd = xgrow(e->pfd, sizeof *e->pfd, &e->pcap, e->active.n);
		e->pdq = xrealloc(e->pdq, e->pcap * sizeof *e->pdq);
		for (q = e->active.head; q; q = q->next, n++) {
			e->pfd[n].fd = q->fd;
			e->pfd[n].events = q->state == DQ_TCP_CONNECT || q->state == DQ_TCP_WRITE ?
			    POLLOUT : POLLIN;
			e->pfd[n].revents = 0;
			e->pdq[n] = q;
		}
		now = now_ms();
		wait = e->active.head->deadline > now ?
		    (int)(e->active.head->deadline - now) : 0;
		if (timeout_ms >= 0 && timeout_ms < wait)
			wait = timeout_ms;
		rc = poll(e->pfd, n, wait);
		if (rc > 0) {
			/* Each entry is finished only by its own handling, so the
			 * snapshot stays valid while we walk it. */
			for (i = 0; i < n; i++) {
				if (e->pfd[i].revents == 0)
					continue;
				q = e->pdq[i];
				if (q->state == DQ_UDP)
					dq_udp_readable(q);
				else
					dq_tcp_event(q, e->pfd[i].revents);
			}
		}
		now = now_ms();
		while ((q = e->active.head) != NULL && q->deadline <= now)
			dq_timeout(q);
	} else if (e->queue.n == 0 && e->done.n == 0 && timeout_ms > 0) {
		/* Nothing to do: behave like a sleep so callers can pace. */
		poll(NULL, 0, timeout_ms);
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
	while ((q = e->queue.head) != NULL)
		dq_finish(q, DNSQ_CANCELLED, 0);
	while ((q = e->done.head) != NULL) {
		list_remove(&e->done, q);
		if (q->cb)
			q->cb(&q->res, q->arg);
		dq_free(q);
	}
	free(e->pfd);
	free(e->pdq);
	free(e->rbuf);
	free(e);
}
