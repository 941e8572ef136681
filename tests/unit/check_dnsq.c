/* check_dnsq.c - the query engine against a real responder on loopback
 * (a thread with its own UDP and TCP sockets) that answers, misanswers or
 * stays silent according to the name asked, or drops what comes too fast
 * (rl*: above a rate) or too many at once (kd*: above K in flight). */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "dnsq.h"
#include "probe.h"
#include "util.h"
#include "unit.h"

static int udp_fd = -1, tcp_fd = -1, stop_pipe[2];
static uint16_t port;
static pthread_t thread;
static unsigned retry_seen;           /* retry.test: tries seen */
static uint16_t seen_ids[64];
static unsigned nseen;
static unsigned edns_size_seen;
static char case_asked[300], case_sent[300];   /* case.test */

/* rl*.test: a token bucket, as unbound's ip-ratelimit (answered while a
 * token is left, else silently dropped). */
#define RL_RATE   300
#define RL_BURST  20
static double rl_tokens;
static uint64_t rl_ms;
static unsigned rl_dropped;
/* kd*.test: each answer is sent KD_HOLD_MS after its query; a query that
 * finds KD_MAX held already is dropped. */
#define KD_MAX     6
#define KD_HOLD_MS 2
#define KD_SLOTS   64
/* slow*.test: a recursive resolver that must recurse for some names: one
 * query in SLOW_EVERY is answered SLOW_HOLD_MS late, the others after
 * SLOW_FAST_MS. */
#define SLOW_EVERY   20
#define SLOW_HOLD_MS 600
#define SLOW_FAST_MS 20
static unsigned slow_seen;
static struct held {
	uint64_t due;
	struct sockaddr_storage to;
	socklen_t tolen;
	uint8_t *wire;
	size_t len;
} kd_held[KD_SLOTS];
static unsigned kd_n;

static ldns_pkt *
reply_for(const ldns_pkt *q, const char *owner, ldns_rr_type type)
{
	ldns_pkt *r = ldns_pkt_new();
	ldns_rr *rr = NULL;
	char txt[300];

	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_aa(r, true);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	snprintf(txt, sizeof txt, "%s 300 IN %s", owner,
	    type == LDNS_RR_TYPE_A ? "A" : "AAAA");
	ldns_rr_new_question_frm_str(&rr, txt, NULL, NULL);
	ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, rr);
	return r;
}

static void
add_a(ldns_pkt *r, const char *owner, const char *ip)
{
	ldns_rr *rr = NULL;
	char txt[300];

	snprintf(txt, sizeof txt, "%s 300 IN A %s", owner, ip);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, txt, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr);
}

static void
send_pkt(int fd, const struct sockaddr *to, socklen_t tolen, ldns_pkt *p,
         bool tcp)
{
	uint8_t *wire;
	size_t len;

	ldns_pkt2wire(&wire, p, &len);
	if (tcp) {
		uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
		(void)!write(fd, hdr, 2);
		(void)!write(fd, wire, len);
	} else
		sendto(fd, wire, len, 0, to, tolen);
	free(wire);
	ldns_pkt_free(p);
}

/* Hold a UDP answer for KD_HOLD_MS (the responder's loop sends it). */
static void
hold_pkt(const struct sockaddr *to, socklen_t tolen, ldns_pkt *p,
         unsigned hold_ms)
{
	struct held *h = &kd_held[kd_n++];

	ldns_pkt2wire(&h->wire, p, &h->len);
	h->due = now_ms() + hold_ms;
	memcpy(&h->to, to, tolen);
	h->tolen = tolen;
	ldns_pkt_free(p);
}

/* Answer one query according to its name. */
static void
respond(int fd, const struct sockaddr *from, socklen_t fromlen,
        const uint8_t *buf, size_t len, bool tcp)
{
	ldns_pkt *q = NULL, *r;
	char *name;
	ldns_rr *qrr;

	if (ldns_wire2pkt(&q, buf, len) != LDNS_STATUS_OK)
		return;
	qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	name = ldns_rdf2str(ldns_rr_owner(qrr));
	if (nseen < 64)
		seen_ids[nseen++] = ldns_pkt_id(q);
	edns_size_seen = ldns_pkt_edns(q) ? ldns_pkt_edns_udp_size(q) : 0;

	if (strcmp(name, "ok.test.") == 0 || strcmp(name, "OK.Test.") == 0) {
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		add_a(r, name, "192.0.2.1");
		send_pkt(fd, from, fromlen, r, tcp);
	} else if (strcasecmp(name, "case.test.") == 0) {
		/* Answers with every letter's case flipped: a name is the same
		 * name in any case (RFC 4343), and an engine that compares
		 * case-sensitively drops this reply. */
		char *c;
		snprintf(case_asked, sizeof case_asked, "%s", name);
		for (c = name; *c != '\0'; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
			else if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		snprintf(case_sent, sizeof case_sent, "%s", name);
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		add_a(r, name, "192.0.2.7");
		send_pkt(fd, from, fromlen, r, tcp);
	} else if (strcmp(name, "servfail.test.") == 0) {
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		ldns_pkt_set_rcode(r, LDNS_RCODE_SERVFAIL);
		send_pkt(fd, from, fromlen, r, tcp);
	} else if (strcmp(name, "wrongid.test.") == 0 ||
	    strcmp(name, "wrongid-then-ok.test.") == 0) {
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		ldns_pkt_set_id(r, (uint16_t)(ldns_pkt_id(q) + 1));
		add_a(r, name, "192.0.2.66");
		send_pkt(fd, from, fromlen, r, tcp);
		if (strcmp(name, "wrongid-then-ok.test.") == 0) {
			r = reply_for(q, name, LDNS_RR_TYPE_A);
			add_a(r, name, "192.0.2.1");
			send_pkt(fd, from, fromlen, r, tcp);
		}
	} else if (strcmp(name, "wrongname.test.") == 0) {
		r = reply_for(q, "other.test.", LDNS_RR_TYPE_A);
		add_a(r, "other.test.", "192.0.2.66");
		send_pkt(fd, from, fromlen, r, tcp);
	} else if (strcmp(name, "wrongtype.test.") == 0) {
		r = reply_for(q, name, LDNS_RR_TYPE_AAAA);
		send_pkt(fd, from, fromlen, r, tcp);
	} else if (strcmp(name, "garbage.test.") == 0) {
		uint8_t junk[5] = {0xde, 0xad, 0xbe, 0xef, 0x01};
		sendto(fd, junk, sizeof junk, 0, from, fromlen);
	} else if (strcmp(name, "retry.test.") == 0) {
		if (++retry_seen >= 2) {
			r = reply_for(q, name, LDNS_RR_TYPE_A);
			add_a(r, name, "192.0.2.2");
			send_pkt(fd, from, fromlen, r, tcp);
		}
	} else if (strncmp(name, "rl", 2) == 0) {
		uint64_t now = now_ms();
		rl_tokens += (double)(now - rl_ms) * RL_RATE / 1000.0;
		if (rl_tokens > RL_BURST)
			rl_tokens = RL_BURST;
		rl_ms = now;
		if (rl_tokens >= 1) {
			rl_tokens -= 1;
			r = reply_for(q, name, LDNS_RR_TYPE_A);
			add_a(r, name, "192.0.2.3");
			send_pkt(fd, from, fromlen, r, tcp);
		} else
			rl_dropped++;
	} else if (strncmp(name, "kd", 2) == 0) {
		if (kd_n < KD_MAX) {
			r = reply_for(q, name, LDNS_RR_TYPE_A);
			add_a(r, name, "192.0.2.4");
			hold_pkt(from, fromlen, r, KD_HOLD_MS);
		}
	} else if (strncmp(name, "slow", 4) == 0 && !tcp) {
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		add_a(r, name, "192.0.2.6");
		if (kd_n < KD_SLOTS)
			hold_pkt(from, fromlen, r, ++slow_seen % SLOW_EVERY == 0 ?
			    SLOW_HOLD_MS : SLOW_FAST_MS);
		else
			send_pkt(fd, from, fromlen, r, tcp);
	} else if (strncmp(name, "aonly", 5) == 0) {
		/* Answers A, never AAAA: the fault exdns diagnoses. */
		if (ldns_rr_get_type(qrr) == LDNS_RR_TYPE_A) {
			r = reply_for(q, name, LDNS_RR_TYPE_A);
			add_a(r, name, "192.0.2.5");
			send_pkt(fd, from, fromlen, r, tcp);
		}
	} else if (strcmp(name, "tc.test.") == 0) {
		r = reply_for(q, name, LDNS_RR_TYPE_A);
		if (!tcp)
			ldns_pkt_set_tc(r, true);
		else {
			int i;
			char ip[32];
			for (i = 1; i <= 100; i++) {
				snprintf(ip, sizeof ip, "192.0.2.%d", i);
				add_a(r, name, ip);
			}
		}
		send_pkt(fd, from, fromlen, r, tcp);
	}
	/* silent.test and anything else: no reply */
	free(name);
	ldns_pkt_free(q);
}

/* Send the held answers that are due; returns ms to the next (-1: none). */
static int
kd_flush(void)
{
	uint64_t now = now_ms();
	unsigned i = 0;
	int wait = -1;

	while (i < kd_n) {
		struct held *h = &kd_held[i];
		if (h->due <= now) {
			sendto(udp_fd, h->wire, h->len, 0, (struct sockaddr *)&h->to, h->tolen);
			free(h->wire);
			kd_held[i] = kd_held[--kd_n];
			continue;
		}
		if (wait < 0 || (int)(h->due - now) < wait)
			wait = (int)(h->due - now);
		i++;
	}
	return wait;
}

static void *
responder(void *arg)
{
	uint8_t buf[4096];

	for (;;) {
		struct pollfd p[3] = {
			{udp_fd, POLLIN, 0}, {tcp_fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
		if (poll(p, 3, kd_flush()) < 0)
			continue;
		if (p[2].revents)
			break;
		if (p[0].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(udp_fd, buf, sizeof buf, 0,
			    (struct sockaddr *)&from, &fl);
			if (n > 0)
				respond(udp_fd, (struct sockaddr *)&from, fl, buf, (size_t)n, false);
		}
		if (p[1].revents & POLLIN) {
			int c = accept(tcp_fd, NULL, NULL);
			uint8_t hdr[2];
			if (c >= 0 && read(c, hdr, 2) == 2) {
				size_t len = ((size_t)hdr[0] << 8) | hdr[1], got = 0;
				ssize_t n;
				while (got < len && (n = read(c, buf + got, len - got)) > 0)
					got += (size_t)n;
				if (got == len)
					respond(c, NULL, 0, buf, len, true);
			}
			if (c >= 0)
				close(c);
		}
	}
	return arg;
}

static void
setup(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_eq(bind(udp_fd, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(udp_fd, (struct sockaddr *)&sin, &len);
	port = ntohs(sin.sin_port);
	tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	ck_assert_int_eq(bind(tcp_fd, (struct sockaddr *)&sin, sizeof sin), 0);
	listen(tcp_fd, 16);
	ck_assert_int_eq(pipe(stop_pipe), 0);
	retry_seen = 0;
	nseen = 0;
	case_asked[0] = case_sent[0] = '\0';
	rl_tokens = RL_BURST;
	rl_ms = now_ms();
	rl_dropped = 0;
	kd_n = 0;
	slow_seen = 0;
	pthread_create(&thread, NULL, responder, NULL);
}

static void
teardown(void)
{
	(void)!write(stop_pipe[1], "x", 1);
	pthread_join(thread, NULL);
	while (kd_n > 0)
		free(kd_held[--kd_n].wire);
	close(udp_fd);
	close(tcp_fd);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
}

typedef struct got {
	dnsq_result res;
	bool called;
	unsigned nanswers;
	char first[64];
} got;

static void
on_result(const dnsq_result *res, void *arg)
{
	got *g = arg;

	g->res = *res;
	g->res.reply = NULL;
	g->called = true;
	if (res->reply) {
		/* The engine hands over the wire form: ldns, the reference,
		 * must read it too. */
		ldns_pkt *p = NULL;
		ldns_rr_list *an;
		ck_assert_int_eq(ldns_wire2pkt(&p, res->reply, res->replylen),
		    LDNS_STATUS_OK);
		an = ldns_pkt_answer(p);
		g->nanswers = (unsigned)ldns_rr_list_rr_count(an);
		if (g->nanswers > 0) {
			char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, 0), 0));
			snprintf(g->first, sizeof g->first, "%s", s);
			free(s);
		}
		ldns_pkt_free(p);
	}
}

static got
ask(const char *name, unsigned timeout_ms, unsigned tries)
{
	dnsq_opts o = {timeout_ms, tries, 16, 1232, true, 0, 0};
	dnsq_engine *e = dnsq_new(&o);
	exaddr srv;
	got g;

	memset(&g, 0, sizeof g);
	addr_from_ip("127.0.0.1", port, &srv);
	ck_assert_int_eq(dnsq_submit(e, &srv, name, LDNS_RR_TYPE_A, true, on_result, &g), 0);
	dnsq_run(e);
	dnsq_free(e);
	ck_assert(g.called);
	return g;
}

START_TEST(test_answer)
{
	got g = ask("ok.test", 1000, 2);

	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert_int_eq(g.res.rcode, LDNS_RCODE_NOERROR);
	ck_assert_uint_eq(g.nanswers, 1);
	ck_assert_str_eq(g.first, "192.0.2.1");
	ck_assert_uint_eq(g.res.tries, 1);
	ck_assert_uint_eq(edns_size_seen, 1232);
}
END_TEST

START_TEST(test_question_case_insensitive)
{
	got g = ask("CaSe.tEsT", 1000, 1);

	/* The reply's question is in another case than the query's. */
	ck_assert_str_eq(case_asked, "CaSe.tEsT.");
	ck_assert_str_eq(case_sent, "cAsE.TeSt.");
	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert_uint_eq(g.res.mismatched, 0);
	ck_assert_uint_eq(g.res.tries, 1);
	ck_assert_str_eq(g.first, "192.0.2.7");
}
END_TEST

START_TEST(test_rcode_is_an_answer)
{
	got g = ask("servfail.test", 1000, 2);

	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert_int_eq(g.res.rcode, LDNS_RCODE_SERVFAIL);
}
END_TEST

START_TEST(test_wrong_id_dropped)
{
	got g = ask("wrongid.test", 400, 2);

	ck_assert_int_eq(g.res.outcome, DNSQ_TIMEOUT);
	ck_assert_uint_eq(g.res.mismatched, 2);   /* one per try */
	ck_assert_uint_eq(g.res.tries, 2);
}
END_TEST

START_TEST(test_wrong_id_then_right)
{
	got g = ask("wrongid-then-ok.test", 1000, 1);

	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert_uint_eq(g.res.mismatched, 1);
	ck_assert_str_eq(g.first, "192.0.2.1");   /* not the spoofed .66 */
}
END_TEST

START_TEST(test_wrong_question_dropped)
{
	got g = ask("wrongname.test", 400, 1);

	ck_assert_int_eq(g.res.outcome, DNSQ_TIMEOUT);
	ck_assert_uint_eq(g.res.mismatched, 1);
	g = ask("wrongtype.test", 400, 1);
	ck_assert_int_eq(g.res.outcome, DNSQ_TIMEOUT);
	ck_assert_uint_eq(g.res.mismatched, 1);
}
END_TEST

START_TEST(test_malformed_dropped)
{
	got g = ask("garbage.test", 400, 1);

	ck_assert_int_eq(g.res.outcome, DNSQ_TIMEOUT);
	ck_assert_uint_eq(g.res.malformed, 1);
}
END_TEST

START_TEST(test_timeout_and_tries)
{
	uint64_t t0 = now_ms();
	got g = ask("silent.test", 100, 3);

	ck_assert_int_eq(g.res.outcome, DNSQ_TIMEOUT);
	ck_assert_uint_eq(g.res.tries, 3);
	ck_assert_uint_ge(now_ms() - t0, 300);
	ck_assert_uint_ge(g.res.ms, 300);
}
END_TEST

START_TEST(test_retry_answered)
{
	got g = ask("retry.test", 600, 3);   /* room for valgrind on a busy machine */

	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert_uint_eq(g.res.tries, 2);
}
END_TEST

START_TEST(test_truncated_uses_tcp)
{
	got g = ask("tc.test", 1000, 1);

	ck_assert_int_eq(g.res.outcome, DNSQ_ANSWER);
	ck_assert(g.res.truncated);
	ck_assert(g.res.tcp);
	ck_assert_uint_eq(g.nanswers, 100);
}
END_TEST

START_TEST(test_unreachable)
{
	dnsq_opts o = {1000, 2, 16, 1232, true, 0, 0};
	dnsq_engine *e = dnsq_new(&o);
	exaddr srv;
	got g;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	/* A port that was bound and closed: nothing listens there. */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof sin);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd);
	memset(&g, 0, sizeof g);
	addr_from_ip("127.0.0.1", ntohs(sin.sin_port), &srv);
	dnsq_submit(e, &srv, "ok.test", LDNS_RR_TYPE_A, true, on_result, &g);
	dnsq_run(e);
	dnsq_free(e);
	ck_assert_int_eq(g.res.outcome, DNSQ_UNREACHABLE);
	ck_assert_uint_lt(g.res.ms, 1000);    /* not a timeout */
}
END_TEST

START_TEST(test_loopback_only_refuses)
{
	dnsq_opts o = {1000, 1, 16, 1232, true, 0, 0};
	dnsq_engine *e = dnsq_new(&o);
	exaddr srv;
	got g;

	memset(&g, 0, sizeof g);
	addr_from_ip("192.0.2.1", 53, &srv);
	dnsq_submit(e, &srv, "ok.test", LDNS_RR_TYPE_A, true, on_result, &g);
	dnsq_run(e);
	dnsq_free(e);
	ck_assert_int_eq(g.res.outcome, DNSQ_NETERR);
	ck_assert_int_eq(g.res.sys_errno, EPERM);
	ck_assert_uint_eq(g.res.tries, 0);
}
END_TEST

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

START_TEST(test_cap_and_random_ids)
{
	dnsq_opts o = {1000, 1, 4, 1232, true, 0, 0};
	dnsq_engine *e = dnsq_new(&o);
	exaddr srv;
	got g[40];
	size_t i, max_inflight = 0;
	unsigned distinct = 0, j;

	addr_from_ip("127.0.0.1", port, &srv);
	memset(g, 0, sizeof g);
	for (i = 0; i < 40; i++)
		dnsq_submit(e, &srv, "ok.test", LDNS_RR_TYPE_A, true, on_result, &g[i]);
	while (dnsq_step(e, -1) > 0)
		if (dnsq_inflight(e) > max_inflight)
			max_inflight = dnsq_inflight(e);
	ck_assert_uint_le(max_inflight, 4);
	ck_assert_uint_eq(dnsq_completed(e), 40);
	dnsq_free(e);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(g[i].res.outcome, DNSQ_ANSWER);
	for (i = 0; i < nseen; i++) {
		for (j = 0; j < i; j++)
			if (seen_ids[j] == seen_ids[i])
				break;
		distinct += j == i;
	}
	/* 40 random 16-bit IDs: a handful of collisions at most, never all 0. */
	ck_assert_uint_ge(distinct, 30);
	ck_assert_uint_ge(nseen, 40);
	/* Not a counter (nor any fixed stride, in any order): sorted, random
	 * IDs leave gaps of many sizes; a counter leaves one gap size. */
	{
		uint16_t s[64], gaps[64];
		unsigned k, same, most = 0, ones = 0, zeros = 0, bit;

		memcpy(s, seen_ids, nseen * sizeof s[0]);
		qsort(s, nseen, sizeof s[0], cmp_u16);
		for (k = 1; k < nseen; k++)
			gaps[k - 1] = (uint16_t)(s[k] - s[k - 1]);
		for (k = 0; k + 1 < nseen; k++) {
			if (gaps[k] == 0)
				continue;
			for (same = 0, j = 0; j + 1 < nseen; j++)
				same += gaps[j] == gaps[k];
			if (same > most)
				most = same;
		}
		ck_assert_msg(most <= 4, "%u IDs %u apart: a counter", most,
		    (unsigned)gaps[0]);
		/* Every bit of the ID takes both values (a counter from a
		 * small start never sets the high bits). */
		for (bit = 0; bit < 16; bit++) {
			ones = zeros = 0;
			for (k = 0; k < nseen; k++)
				if (seen_ids[k] & (1u << bit))
					ones++;
				else
					zeros++;
			ck_assert_msg(ones > 0 && zeros > 0,
			    "bit %u of every ID is the same", bit);
		}
	}
}
END_TEST

/* The rule the engine matches replies by (dnswire's suite has the names
 * with escapes). */
static bool
matches(ldns_pkt *p, uint16_t id, const char *qname, uint16_t qtype)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	bool m;

	ck_assert_int_eq(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	m = dnsq_reply_matches(wire, len, id, qname, qtype);
	free(wire);
	return m;
}

START_TEST(test_reply_matches)
{
	ldns_pkt *q = NULL;
	ldns_rdf *name = NULL;

	ldns_str2rdf_dname(&name, "Mail.Example.com.");
	q = ldns_pkt_query_new(name, LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_set_id(q, 4242);
	ldns_pkt_set_qr(q, true);
	ck_assert(matches(q, 4242, "mail.example.com", LDNS_RR_TYPE_AAAA));
	ck_assert(matches(q, 4242, "mail.example.com.", LDNS_RR_TYPE_AAAA));
	ck_assert(!matches(q, 4243, "mail.example.com", LDNS_RR_TYPE_AAAA));
	ck_assert(!matches(q, 4242, "mail.example.org", LDNS_RR_TYPE_AAAA));
	ck_assert(!matches(q, 4242, "mail.example.com", LDNS_RR_TYPE_A));
	ldns_pkt_set_qr(q, false);    /* a query is not a reply */
	ck_assert(!matches(q, 4242, "mail.example.com", LDNS_RR_TYPE_AAAA));
	ldns_pkt_free(q);
}
END_TEST


/* ---- politeness --------------------------------------------------------- */

/* Under valgrind (the second pass of ./quickstart test) everything, the
 * responder thread included, runs many times slower, and on a busy machine
 * a 500 ms timeout is a starved process's, not the server's: timeouts and
 * the time bounds below scale by this. */
static unsigned
slow(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL ? 4 : 1;
}

static dnsq_engine *
engine(unsigned timeout_ms, unsigned tries, unsigned ceiling, unsigned rate)
{
	dnsq_opts o = {timeout_ms * slow(), tries, 4096, 1232, true, ceiling,
	    rate};

	return dnsq_new(&o);
}

static exaddr
responder_addr(void)
{
	exaddr a;

	addr_from_ip("127.0.0.1", port, &a);
	return a;
}

/* n queries name<i>.test of type qtype, results in g[0..n). */
static void
submit_many(dnsq_engine *e, const exaddr *srv, const char *prefix,
            uint16_t qtype, got *g, unsigned n)
{
	char name[64];
	unsigned i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s%u.test", prefix, i);
		ck_assert_int_eq(dnsq_submit(e, srv, name, qtype, true, on_result,
		    &g[i]), 0);
	}
}

static unsigned
count_outcome(const got *g, unsigned n, dnsq_outcome o)
{
	unsigned i, k = 0;

	for (i = 0; i < n; i++)
		k += g[i].called && g[i].res.outcome == o;
	return k;
}

/* n A queries prefix<i>.test to the responder (as a recursive resolver:
 * dnsq_server_recursive), run to the end on an engine with these options:
 * the results (the caller frees them) and the server's stats. */
static got *
run_server(const char *prefix, unsigned n, unsigned timeout_ms,
           unsigned tries, unsigned ceiling, bool recursive,
           dnsq_server_stats *st)
{
	dnsq_engine *e = engine(timeout_ms, tries, ceiling, 0);
	exaddr srv = responder_addr();
	got *g = xcalloc(n, sizeof *g);

	if (recursive)
		dnsq_server_recursive(e, &srv);
	submit_many(e, &srv, prefix, LDNS_RR_TYPE_A, g, n);
	dnsq_run(e);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(st->queries, n);
	return g;
}

/* A server that silently drops what comes above RL_RATE q/s: exdns finds
 * the rate and stays near it; no query is blamed on the server. */
START_TEST(test_rate_limited_server)
{
	enum { N = 1500 };
	dnsq_server_stats st;
	uint64_t t0 = now_ms();
	got *g = run_server("rl", N, 1000, 2, 0, false, &st);
	uint64_t ms = now_ms() - t0;

	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	ck_assert_uint_gt(rl_dropped, 0);             /* it was pushed... */
	ck_assert_uint_gt(st.loss_qps, RL_RATE / 2);  /* ... found the limit */
	ck_assert_uint_lt(st.loss_qps, 3 * RL_RATE);
	ck_assert_uint_le(st.sent, N + N / 5);        /* and kept under it */
	ck_assert_uint_le(st.peak_qps, 2 * RL_RATE);
	/* The sustained rate is near the limit (loosely: shared machines). */
	ck_assert_uint_ge(N * 1000 / ms, RL_RATE / 2 / slow());
	free(g);
}
END_TEST

/* With one try, what the first burst lost is asked again at low load. */
START_TEST(test_overload_reasked)
{
	enum { N = 400 };
	dnsq_server_stats st;
	got *g = run_server("rl", N, 500, 1, 0, false, &st);
	unsigned i, reasked = 0;

	for (i = 0; i < N; i++) {
		reasked += g[i].res.reasked;
		if (g[i].res.reasked)
			ck_assert_uint_eq(g[i].res.tries, 2);
		/* No timeout of an overloaded server counts unless it was
		 * asked again at low load first. (Under valgrind on a busy
		 * machine the first single tries can time out before the
		 * server has shown any sign of overload: not checked there.) */
		if (g[i].res.outcome == DNSQ_TIMEOUT && slow() == 1)
			ck_assert(g[i].res.reasked);
	}
	if (slow() == 1 || reasked > 0)
		ck_assert_uint_gt(reasked, 0);
	else
		/* Under valgrind exdns may be too slow to overload the
		 * server at all: then nothing was lost, nothing re-asked. */
		ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	ck_assert_uint_eq(st.reasked, reasked);
	if (slow() == 1) {
		ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
		ck_assert_uint_eq(st.reasked_answered, reasked);
		ck_assert_uint_eq(st.lost_then_answered, reasked);
	} else {
		/* Starved by valgrind, the responder reads its socket in
		 * bursts that empty its bucket: most, not all, come back. */
		ck_assert_uint_ge(count_outcome(g, N, DNSQ_ANSWER), N / 2);
		ck_assert_uint_ge(st.reasked_answered, reasked / 2);
	}
	free(g);
}
END_TEST

/* A server that drops queries when more than KD_MAX are in flight. */
START_TEST(test_concurrency_limited_server)
{
	enum { N = 600 };
	dnsq_server_stats st;
	got *g = run_server("kd", N, 500, 2, 64, false, &st);

	/* (Whether it dropped any depends on the machine's speed: under
	 * valgrind the responder keeps up.) */
	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	ck_assert_uint_le(st.peak_inflight, 64);
	ck_assert_uint_le(st.sent, N + N / 5);
	free(g);
}
END_TEST

/* A server that answers every A and never AAAA shows no transient loss:
 * its AAAA queries finish as timeouts after their tries, not asked again,
 * in about one budget (400 ms x 2), though there are more of them than
 * its ceiling (16, an authoritative server's): dropped tries do not hold
 * its slots for whole timeouts. */
START_TEST(test_selective_drop_not_reasked)
{
	enum { N = 40 };
	dnsq_engine *e = engine(400, 2, 16, 0);
	exaddr srv = responder_addr();
	got *g4 = xcalloc(N, sizeof *g4), *g6 = xcalloc(N, sizeof *g6);
	dnsq_server_stats st;
	uint64_t t0 = now_ms(), ms;
	unsigned i;

	submit_many(e, &srv, "aonly", LDNS_RR_TYPE_A, g4, N);
	submit_many(e, &srv, "aonly", LDNS_RR_TYPE_AAAA, g6, N);
	dnsq_run(e);
	ms = now_ms() - t0;
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(count_outcome(g4, N, DNSQ_ANSWER), N);
	ck_assert_uint_eq(count_outcome(g6, N, DNSQ_TIMEOUT), N);
	for (i = 0; i < N; i++) {
		ck_assert(!g6[i].res.reasked);
		ck_assert_uint_eq(g6[i].res.tries, 2);
	}
	ck_assert_uint_eq(st.reasked, 0);
	ck_assert_uint_eq(st.lost_then_answered, 0);
	ck_assert_uint_eq(st.loss_qps, 0);
	ck_assert_uint_le(st.peak_inflight, 16);
	/* A re-ask would cost 400 ms more; slots held to the timeout, 3 x 800. */
	ck_assert_uint_lt(ms, 2000 * slow());
	free(g4);
	free(g6);
}
END_TEST

typedef struct counter {
	unsigned done, answered, cancelled;
} counter;

static void
on_count(const dnsq_result *res, void *arg)
{
	counter *c = arg;

	c->done++;
	c->answered += res->outcome == DNSQ_ANSWER;
	c->cancelled += res->outcome == DNSQ_CANCELLED;
}

/* Thousands queued for a black hole do not hold up another server. */
START_TEST(test_no_head_of_line_blocking)
{
	enum { NB = 3000, NOK = 50 };
	dnsq_engine *e = engine(1000, 2, 16, 0);
	exaddr srv = responder_addr(), bh;
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	counter cb = {0, 0, 0}, cok = {0, 0, 0};
	dnsq_server_stats st;
	char name[64];
	unsigned i;
	uint64_t t0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	addr_from_ip("127.0.0.1", ntohs(sin.sin_port), &bh);   /* never read */
	for (i = 0; i < NB; i++) {
		snprintf(name, sizeof name, "bh%u.test", i);
		dnsq_submit(e, &bh, name, LDNS_RR_TYPE_A, true, on_count, &cb);
	}
	for (i = 0; i < NOK; i++)
		dnsq_submit(e, &srv, "ok.test", LDNS_RR_TYPE_A, true, on_count, &cok);
	t0 = now_ms();
	while (cok.done < NOK && now_ms() - t0 < 10000)
		dnsq_step(e, 50);
	ck_assert_uint_eq(cok.answered, NOK);
	ck_assert_uint_eq(cb.done, 0);   /* the black hole's first still wait */
	ck_assert_int_eq(dnsq_server_stats_get(e, &bh, &st), 0);
	ck_assert_uint_le(st.peak_inflight, 16);
	ck_assert_uint_eq(st.ceiling, 16);
	dnsq_free(e);
	ck_assert_uint_eq(cb.done, NB);
	ck_assert_uint_eq(cb.cancelled, NB);
	close(fd);
}
END_TEST

/* A recursive resolver that answers some queries late (it recursed for
 * them) shows no loss: no episode, no re-ask, its window its ceiling. */
START_TEST(test_recursive_late_not_loss)
{
	enum { N = 600 };
	dnsq_server_stats st;
	got *g = run_server("slow", N, 1000, 2, 16, true, &st);
	unsigned i;

	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(g[i].res.tries, 1);
	ck_assert_uint_ge(slow_seen / SLOW_EVERY, N / SLOW_EVERY);  /* late ones */
	ck_assert_uint_eq(st.loss_qps, 0);
	ck_assert_uint_eq(st.reasked, 0);
	ck_assert_uint_eq(st.sent, N);
	ck_assert_uint_eq(st.window, 16);
	ck_assert_uint_le(st.peak_inflight, 16);
	free(g);
}
END_TEST

/* A recursive resolver that drops what comes above RL_RATE q/s (unbound's
 * ip-ratelimit): its pace, ramped up from a low start, settles near that
 * rate; every query is answered. */
START_TEST(test_recursive_rate_limited)
{
	enum { N = 1500 };
	dnsq_server_stats st;
	got *g = run_server("rl", N, 1000, 2, 256, true, &st);

	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	/* What the ramp sent above the limit before its send slots were
	 * judged (some 0.4 s), asked again; then kept under it. */
	ck_assert_uint_le(st.sent, N + N / 3);
	ck_assert_uint_le(st.peak_inflight, 256);
	/* (Under valgrind the engine may never send fast enough to meet
	 * the limit.) */
	if (slow() == 1) {
		ck_assert_uint_gt(rl_dropped, 0);          /* it was pushed... */
		ck_assert_uint_gt(st.loss_qps, RL_RATE / 2);   /* ... found it */
		ck_assert_uint_lt(st.loss_qps, 2 * RL_RATE);
		}
	free(g);
}
END_TEST

/* A recursive resolver that never answers AAAA for some names (their
 * servers drop it), a burst of them first: their silence is its own, not
 * load: no loss found, no re-ask but of the first final timeout (before
 * any came back, one was as likely overload), every A answered. */
START_TEST(test_recursive_selective_drop)
{
	enum { N = 200 };
	dnsq_engine *e = engine(400, 2, 64, 0);
	exaddr srv = responder_addr();
	got *g4 = xcalloc(N, sizeof *g4), *g6 = xcalloc(N, sizeof *g6);
	dnsq_server_stats st;
	unsigned i;

	dnsq_server_recursive(e, &srv);
	submit_many(e, &srv, "aonly", LDNS_RR_TYPE_AAAA, g6, N);
	submit_many(e, &srv, "aonly", LDNS_RR_TYPE_A, g4, N);
	dnsq_run(e);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(count_outcome(g4, N, DNSQ_ANSWER), N);
	ck_assert_uint_eq(count_outcome(g6, N, DNSQ_TIMEOUT), N);
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(g6[i].res.tries, g6[i].res.reasked ? 3 : 2);
	ck_assert_uint_le(st.reasked, 1);
	ck_assert_uint_eq(st.loss_qps, 0);
	ck_assert_uint_le(st.peak_inflight, 64);
	free(g4);
	free(g6);
}
END_TEST

/* n queries for ok.test, results in g[0..n). */
static void
submit_ok(dnsq_engine *e, const exaddr *srv, got *g, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(dnsq_submit(e, srv, "ok.test", LDNS_RR_TYPE_A, true,
		    on_result, &g[i]), 0);
}

/* The ceiling holds and the counts are right. */
START_TEST(test_ceiling_and_stats)
{
	enum { N = 200 };
	dnsq_engine *e = engine(1000, 1, 5, 0);
	exaddr srv = responder_addr(), other;
	got *g = xcalloc(N, sizeof *g);
	dnsq_server_stats st;
	size_t peak = 0;

	addr_from_ip("127.0.0.2", port, &other);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), -1);
	submit_ok(e, &srv, g, N);
	while (dnsq_step(e, -1) > 0)
		if (dnsq_inflight(e) > peak)
			peak = dnsq_inflight(e);
	ck_assert_uint_le(peak, 5);
	ck_assert_int_eq(dnsq_server_stats_get(e, &other, &st), -1);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	ck_assert_uint_eq(st.queries, N);
	ck_assert_uint_eq(st.sent, N);
	ck_assert_uint_eq(st.peak_inflight, peak);
	ck_assert_uint_eq(st.ceiling, 5);
	ck_assert_uint_le(st.window, 5);
	ck_assert_uint_ge(st.peak_qps, 1);
	ck_assert_uint_le(st.peak_qps, N);
	ck_assert_uint_eq(st.lost_then_answered, 0);
	ck_assert_uint_eq(st.reasked, 0);
	ck_assert_uint_eq(st.loss_qps, 0);

	/* A server's own ceiling. */
	e = engine(1000, 1, 5, 0);
	memset(g, 0, N * sizeof *g);
	dnsq_server_limits(e, &srv, 3, 0);
	submit_ok(e, &srv, g, 100);
	dnsq_run(e);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(count_outcome(g, 100, DNSQ_ANSWER), 100);
	ck_assert_uint_le(st.peak_inflight, 3);
	ck_assert_uint_eq(st.ceiling, 3);
	free(g);
}
END_TEST

/* A rate cap paces the sends: 60 queries at 100 q/s take over 0.4 s. */
START_TEST(test_rate_cap)
{
	enum { N = 60 };
	dnsq_engine *e = engine(1000, 1, 0, 100);
	exaddr srv = responder_addr();
	got *g = xcalloc(N, sizeof *g);
	dnsq_server_stats st;
	uint64_t t0 = now_ms();

	submit_ok(e, &srv, g, N);
	dnsq_run(e);
	ck_assert_uint_ge(now_ms() - t0, 400);
	ck_assert_int_eq(dnsq_server_stats_get(e, &srv, &st), 0);
	dnsq_free(e);
	ck_assert_uint_eq(count_outcome(g, N, DNSQ_ANSWER), N);
	ck_assert_uint_le(st.peak_qps, 100 + 2);
	free(g);
}
END_TEST

/* probe_free of a run with questions out, not cancelled first: freeing
 * the engine runs their callbacks, and the steps waiting on them must not
 * ask the engine being freed (issue 10 #10; ASan sees the use after
 * free). The resolver and the domain's servers are a socket that never
 * answers. */
START_TEST(test_probe_free_with_questions_out)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	char *canaries[] = { "canary.example" }, addr[64], msg[128];
	probe_opts o;
	probe_run *r;
	int i;

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	probe_opts_init(&o);
	snprintf(addr, sizeof addr, "127.0.0.1@%u", ntohs(sa.sin_port));
	ck_assert_int_eq(addr_parse(addr, 53, &o.resolver, msg, sizeof msg), 0);
	o.auth_port = ntohs(sa.sin_port);
	o.canaries = canaries;
	o.ncanaries = 1;
	o.dnsq.timeout_ms = 5000;
	r = probe_new(&o);
	for (i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof name, "d%d.example", i);
		ck_assert_int_eq(probe_add_domain(r, name), 0);
	}
	probe_start(r);
	ck_assert(probe_step(r, 50));          /* questions out, none answered */
	probe_free(r);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dnsq");
	TCase *tc = tcase_create("loopback");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_answer);
	tcase_add_test(tc, test_question_case_insensitive);
	tcase_add_test(tc, test_rcode_is_an_answer);
	tcase_add_test(tc, test_wrong_id_dropped);
	tcase_add_test(tc, test_wrong_id_then_right);
	tcase_add_test(tc, test_wrong_question_dropped);
	tcase_add_test(tc, test_malformed_dropped);
	tcase_add_test(tc, test_timeout_and_tries);
	tcase_add_test(tc, test_retry_answered);
	tcase_add_test(tc, test_truncated_uses_tcp);
	tcase_add_test(tc, test_unreachable);
	tcase_add_test(tc, test_loopback_only_refuses);
	tcase_add_test(tc, test_cap_and_random_ids);
	tcase_add_test(tc, test_reply_matches);
	suite_add_tcase(s, tc);
	tc = tcase_create("politeness");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rate_limited_server);
	tcase_add_test(tc, test_overload_reasked);
	tcase_add_test(tc, test_concurrency_limited_server);
	tcase_add_test(tc, test_selective_drop_not_reasked);
	tcase_add_test(tc, test_no_head_of_line_blocking);
	tcase_add_test(tc, test_ceiling_and_stats);
	tcase_add_test(tc, test_rate_cap);
	tcase_add_test(tc, test_recursive_late_not_loss);
	tcase_add_test(tc, test_recursive_rate_limited);
	tcase_add_test(tc, test_recursive_selective_drop);
	tcase_add_test(tc, test_probe_free_with_questions_out);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
