/* lab_loop.c - the lab's I/O: non-blocking UDP and TCP sockets on every
 * server and resolver address, one epoll loop. UDP replies are sent at
 * once (dropped if the socket is full, as a busy server would); TCP
 * connections carry any number of length-prefixed queries, stop being read
 * while their replies pile up (backpressure), are closed after 10 s without
 * progress, and the least recently active is closed when too many are open. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "lab_answer.h"
#include "lab_loop.h"
#include "util.h"

#define LAB_MAX_CONNS       512
#define LAB_TCP_IDLE_MS     10000
#define LAB_TCP_WBUF_HIGH   (256u << 10) /* replies queued: stop reading */
#define LAB_TCP_RBUF_MAX    (128u << 10) /* queries buffered: stop reading */
#define LAB_TCP_READ        16384
#define LAB_UDP_BURST       128          /* datagrams per wakeup per socket */
#define LAB_SOCKBUF         (4 << 20)
#define LAB_EVENTS          64

enum { H_UDP, H_TCP_LISTEN, H_TCP_CONN };

typedef struct handle {
	int kind;
	int fd;
	lab_endpoint ep;
	char addr[ADDR_TEXT_MAX];      /* the address served, for the log */
} handle;

typedef struct conn {
	handle h;                      /* first: epoll data points here */
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;
	size_t wlen, woff, wcap;
	uint32_t events;               /* what epoll watches for */
	bool eof;                      /* the client closed its side */
	bool dead;                     /* closed, freed after the batch */
	uint64_t last;
	struct conn *prev, *next;      /* most recently active first */
} conn;

struct lab_loop {
	const lab_world *w;
	lab_answerer *ans;
	int epfd;
	handle *socks;
	size_t nsocks, capsocks;
	conn *head, *tail;
	conn *graveyard;               /* closed during this batch */
	size_t nconns;
	bool verbose;
	uint64_t last_sweep;
	lab_loop_stats st;
	uint8_t buf[65536];
};

static const char *
endpoint_name(const lab_loop *l, const lab_endpoint *ep)
{
	return ep->role == LAB_ROLE_SERVER ? l->w->servers[ep->index].name :
	    l->w->resolvers[ep->index].label;
}

static void
log_query(lab_loop *l, const handle *h, const char *proto,
          const struct sockaddr_storage *from, const char *note)
{
	exaddr a;
	char peer[ADDR_TEXT_MAX];

	if (!l->verbose)
		return;
	if (from != NULL) {
		memcpy(&a.ss, from, sizeof a.ss);
		a.len = sizeof a.ss;
		addr_ip(&a, peer, sizeof peer);
		snprintf(peer + strlen(peer), sizeof peer - strlen(peer), "#%u",
		    (unsigned)addr_port(&a));
	} else
		snprintf(peer, sizeof peer, "tcp");
	fprintf(stderr, "lab: %s %s (%s) from %s: %s\n", proto, h->addr,
	    endpoint_name(l, &h->ep), peer, note);
}

static int
bind_one(lab_loop *l, const exaddr *a, const lab_endpoint *ep, int type,
         char *err, size_t errlen)
{
	handle *h;
	char at[ADDR_TEXT_MAX];
	const char *what = ep->role == LAB_ROLE_SERVER ? "server" : "resolver";
	int fd, one = 1, size = LAB_SOCKBUF, e;

	addr_ip(a, at, sizeof at);
	fd = socket(a->ss.sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket for %s: %s", at, strerror(errno));
		return -1;
	}
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	else {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	}
	if (a->ss.sa.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) != 0)) {
		e = errno;
		close(fd);
		if (e == EADDRINUSE)
			snprintf(err, errlen, "cannot listen on %s port %u (%s) for "
			    "[%s %s]: the port is already in use (is another lab "
			    "running? choose another with --port N)", at,
			    (unsigned)addr_port(a), type == SOCK_STREAM ? "TCP" : "UDP",
			    what, endpoint_name(l, ep));
		else
			snprintf(err, errlen, "cannot listen on %s port %u (%s) for "
			    "[%s %s]: %s", at, (unsigned)addr_port(a),
			    type == SOCK_STREAM ? "TCP" : "UDP", what,
			    endpoint_name(l, ep), strerror(e));
		return -1;
	}
	l->socks = xgrow(l->socks, sizeof *l->socks, &l->capsocks, l->nsocks + 1);
	h = &l->socks[l->nsocks++];
	h->kind = type == SOCK_STREAM ? H_TCP_LISTEN : H_UDP;
	h->fd = fd;
	h->ep = *ep;
	snprintf(h->addr, sizeof h->addr, "%s", at);
	return 0;
}

lab_loop *
lab_loop_new(const lab_world *w, bool verbose, char *err, size_t errlen)
{
	lab_loop *l = xcalloc(1, sizeof *l);
	lab_endpoint ep;
	struct epoll_event ev;
	size_t i, j;

	l->w = w;
	l->verbose = verbose;
	l->epfd = -1;
	for (i = 0; i < w->nservers; i++) {
		if (w->servers[i].behaviour == LAB_B_CLOSED)
			continue;
		ep.role = LAB_ROLE_SERVER;
		ep.index = i;
		for (j = 0; j < w->servers[i].naddrs; j++)
			if (bind_one(l, &w->servers[i].addrs[j], &ep, SOCK_DGRAM, err,
			    errlen) != 0 ||
			    bind_one(l, &w->servers[i].addrs[j], &ep, SOCK_STREAM, err,
			    errlen) != 0)
				goto fail;
	}
	for (i = 0; i < w->nresolvers; i++) {
		if (w->resolvers[i].mode == LAB_R_CLOSED)
			continue;
		ep.role = LAB_ROLE_RESOLVER;
		ep.index = i;
		for (j = 0; j < w->resolvers[i].naddrs; j++)
			if (bind_one(l, &w->resolvers[i].addrs[j], &ep, SOCK_DGRAM, err,
			    errlen) != 0 ||
			    bind_one(l, &w->resolvers[i].addrs[j], &ep, SOCK_STREAM,
			    err, errlen) != 0)
				goto fail;
	}
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	/* The socket array is final now: epoll may point into it. */
	for (i = 0; i < l->nsocks; i++) {
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.ptr = &l->socks[i];
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->socks[i].fd, &ev) != 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto fail;
		}
	}
	l->ans = lab_answerer_new(w);
	l->last_sweep = now_ms();
	return l;
fail:
	lab_loop_free(l);
	return NULL;
}

static void
conn_unlink(lab_loop *l, conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
conn_to_front(lab_loop *l, conn *c)
{
	if (l->head == c)
		return;
	if (c->prev || c->next || l->tail == c)
		conn_unlink(l, c);
	c->next = l->head;
	if (l->head)
		l->head->prev = c;
	l->head = c;
	if (l->tail == NULL)
		l->tail = c;
}

static void
conn_close(lab_loop *l, conn *c)
{
	conn_unlink(l, c);
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->h.fd, NULL);
	close(c->h.fd);
	c->dead = true;
	c->next = l->graveyard;          /* ev[] of this batch may name it */
	l->graveyard = c;
	l->nconns--;
}

static void
bury(lab_loop *l)
{
	conn *c;

	while ((c = l->graveyard) != NULL) {
		l->graveyard = c->next;
		free(c->rbuf);
		free(c->wbuf);
		free(c);
	}
}

/* Bytes of replies queued and not yet sent. */
static size_t
conn_pending(const conn *c)
{
	return c->wlen - c->woff;
}

/* Watch for input while there is room for it (not after EOF, not while
 * replies pile up: backpressure), for output while replies are queued. */
static void
conn_watch(lab_loop *l, conn *c)
{
	struct epoll_event ev;
	uint32_t want = 0;

	if (!c->eof && conn_pending(c) < LAB_TCP_WBUF_HIGH &&
	    c->rlen < LAB_TCP_RBUF_MAX)
		want |= EPOLLIN;
	if (conn_pending(c) > 0)
		want |= EPOLLOUT;
	if (c->events == want)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = want;
	ev.data.ptr = c;
	epoll_ctl(l->epfd, EPOLL_CTL_MOD, c->h.fd, &ev);
	c->events = want;
}

static void
conn_queue(conn *c, const uint8_t *msg, size_t len)
{
	if (c->woff > 0) {                 /* drop what was sent */
		memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
		c->wlen -= c->woff;
		c->woff = 0;
	}
	c->wbuf = xgrow(c->wbuf, 1, &c->wcap, c->wlen + len + 2);
	c->wbuf[c->wlen] = (uint8_t)(len >> 8);
	c->wbuf[c->wlen + 1] = (uint8_t)len;
	memcpy(c->wbuf + c->wlen + 2, msg, len);
	c->wlen += len + 2;
}

/* Answers the complete queries in the read buffer, while the replies
 * queued stay under the high-water mark. */
static void
conn_process(lab_loop *l, conn *c)
{
	const uint8_t *out;
	size_t outlen, mlen, off = 0;
	char note[512];

	while (c->rlen - off >= 2 && conn_pending(c) < LAB_TCP_WBUF_HIGH) {
		mlen = (size_t)c->rbuf[off] << 8 | c->rbuf[off + 1];
		if (c->rlen - off - 2 < mlen)
			break;
		l->st.tcp_queries++;
		if (lab_answer(l->ans, &c->h.ep, c->rbuf + off + 2, mlen, true,
		    &out, &outlen, l->verbose ? note : NULL, sizeof note)) {
			conn_queue(c, out, outlen);
			l->st.replies++;
		} else
			l->st.silent++;
		if (l->verbose)
			log_query(l, &c->h, "tcp", NULL, note);
		off += mlen + 2;
	}
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

/* True when a complete query waits in the read buffer. */
static bool
conn_has_query(const conn *c)
{
	return c->rlen >= 2 &&
	    c->rlen - 2 >= ((size_t)c->rbuf[0] << 8 | c->rbuf[1]);
}

/* Sends what is queued, answers what waits, and decides what to watch.
 * Returns -1 when the connection must be closed: a send error, or EOF
 * with every reply sent. */
static int
conn_flush(lab_loop *l, conn *c)
{
	ssize_t n;

	for (;;) {
		while (c->woff < c->wlen) {
			n = send(c->h.fd, c->wbuf + c->woff, c->wlen - c->woff,
			    MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				return -1;
			}
			c->woff += (size_t)n;
			c->last = now_ms();
		}
		if (c->woff == c->wlen)
			c->woff = c->wlen = 0;
		if (conn_pending(c) >= LAB_TCP_WBUF_HIGH || !conn_has_query(c))
			break;
		conn_process(l, c);        /* room again: answer what waits */
	}
	if (c->eof && conn_pending(c) == 0 && !conn_has_query(c))
		return -1;
	conn_watch(l, c);
	return 0;
}

static void
conn_read(lab_loop *l, conn *c)
{
	ssize_t n;

	c->rbuf = xgrow(c->rbuf, 1, &c->rcap, c->rlen + LAB_TCP_READ);
	n = recv(c->h.fd, c->rbuf + c->rlen, LAB_TCP_READ, 0);
	if (n == 0)
		c->eof = true;                 /* answer what came, then close */
	else if (n < 0) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			conn_close(l, c);
			return;
		}
	} else
		c->rlen += (size_t)n;
	c->last = now_ms();
	conn_to_front(l, c);
	conn_process(l, c);
	if (conn_flush(l, c) != 0)
		conn_close(l, c);
}

static void
accept_all(lab_loop *l, handle *h)
{
	struct epoll_event ev;
	conn *c;
	int fd;

	for (;;) {
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;                    /* EAGAIN, or out of descriptors */
		}
		if (l->nconns >= LAB_MAX_CONNS && l->tail != NULL)
			conn_close(l, l->tail);
		c = xcalloc(1, sizeof *c);
		c->h.kind = H_TCP_CONN;
		c->h.fd = fd;
		c->h.ep = h->ep;
		memcpy(c->h.addr, h->addr, sizeof c->h.addr);
		c->last = now_ms();
		memset(&ev, 0, sizeof ev);
		ev.events = c->events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
			continue;
		}
		conn_to_front(l, c);
		l->nconns++;
		l->st.tcp_conns++;
	}
}

static void
udp_read(lab_loop *l, handle *h)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	const uint8_t *out;
	size_t outlen;
	ssize_t n;
	char note[512];
	int i;

	for (i = 0; i < LAB_UDP_BURST; i++) {
		fromlen = sizeof from;
		n = recvfrom(h->fd, l->buf, sizeof l->buf, 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		l->st.udp_queries++;
		if (lab_answer(l->ans, &h->ep, l->buf, (size_t)n, false, &out,
		    &outlen, l->verbose ? note : NULL, sizeof note)) {
			l->st.replies++;
			/* EAGAIN: the reply is lost, as with a busy server. */
			(void)sendto(h->fd, out, outlen, MSG_NOSIGNAL,
			    (struct sockaddr *)&from, fromlen);
		} else
			l->st.silent++;
		if (l->verbose)
			log_query(l, h, "udp", &from, note);
	}
}

static void
sweep(lab_loop *l)
{
	uint64_t now = now_ms();

	if (now - l->last_sweep < 1000)
		return;
	l->last_sweep = now;
	while (l->tail != NULL && now - l->tail->last > LAB_TCP_IDLE_MS)
		conn_close(l, l->tail);
}

int
lab_loop_run(lab_loop *l, volatile sig_atomic_t *stop, const sigset_t *waitmask)
{
	struct epoll_event ev[LAB_EVENTS];
	handle *h;
	int n, i;

	while (!*stop) {
		n = epoll_pwait(l->epfd, ev, LAB_EVENTS, 1000, waitmask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "exdns lab: epoll: %s\n", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++) {
			h = ev[i].data.ptr;
			switch (h->kind) {
			case H_UDP:
				udp_read(l, h);
				break;
			case H_TCP_LISTEN:
				accept_all(l, h);
				break;
			default: {
				conn *c = (conn *)h;
				if (c->dead)
					break;
				if (ev[i].events & (EPOLLERR | EPOLLHUP) &&
				    !(ev[i].events & EPOLLIN)) {
					conn_close(l, c);
					break;
				}
				if ((ev[i].events & EPOLLOUT) && conn_flush(l, c) != 0) {
					conn_close(l, c);
					break;
				}
				if (ev[i].events & EPOLLIN)
					conn_read(l, c);
				break;
			}
			}
		}
		sweep(l);
		bury(l);
	}
	return 0;
}

void
lab_loop_get_stats(const lab_loop *l, lab_loop_stats *out)
{
	*out = l->st;
}

void
lab_loop_free(lab_loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	while (l->head != NULL)
		conn_close(l, l->head);
	bury(l);
	for (i = 0; i < l->nsocks; i++)
		close(l->socks[i].fd);
	free(l->socks);
	if (l->epfd >= 0)
		close(l->epfd);
	lab_answerer_free(l->ans);
	free(l);
}
