/* addr.c - server addresses: "ADDR[@PORT]" parsing and printing. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "escape.h"
#include "util.h"
#include "dname.h"

int
addr_from_ip(const char *ip, uint16_t port, exaddr *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		out->len = sizeof *sin;
		return 0;
	}
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		out->len = sizeof *sin6;
		return 0;
	}
	return -1;
}

static int
addr_parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
addr_parse(const char *text, uint16_t default_port, exaddr *out, char *err,
           size_t errlen)
{
	char buf[ADDR_TEXT_MAX + 8], esc[96];
	char *at, *host = buf;
	uint16_t port = default_port;
	size_t len = strlen(text);

	if (len == 0 || len >= sizeof buf) {
		snprintf(err, errlen, "'%s' is not an IP address",
		    esc_buf(ESC_TERMINAL, text, len, esc, sizeof esc));
		return -1;
	}
	memcpy(buf, text, len + 1);
	if (buf[0] == '[') {                 /* [::1]:53 or [::1]@53 */
		char *close = strchr(buf, ']');
		if (close == NULL)
			goto bad;
		*close = '\0';
		host = buf + 1;
		if (close[1] == ':' || close[1] == '@') {
			if (addr_parse_port(close + 2, &port) != 0)
				goto badport;
		} else if (close[1] != '\0')
			goto bad;
	} else if ((at = strrchr(buf, '@')) != NULL) {
		*at = '\0';
		if (addr_parse_port(at + 1, &port) != 0)
			goto badport;
	}
	if (addr_from_ip(host, port, out) != 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an IP address (ADDR or ADDR@PORT)",
	    esc_buf(ESC_TERMINAL, text, len, esc, sizeof esc));
	return -1;
badport:
	snprintf(err, errlen, "'%s': port must be a number from 1 to 65535",
	    esc_buf(ESC_TERMINAL, text, len, esc, sizeof esc));
	return -1;
}

void
addr_ip(const exaddr *a, char *buf, size_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&a->ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&a->ss;

	if (a->ss.sa.sa_family == AF_INET)
		inet_ntop(AF_INET, &sin->sin_addr, buf, (socklen_t)len);
	else if (a->ss.sa.sa_family == AF_INET6)
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, (socklen_t)len);
	else
		snprintf(buf, len, "?");
}

uint16_t
addr_port(const exaddr *a)
{
	if (a->ss.sa.sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.sa.sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

void
addr_set_port(exaddr *a, uint16_t port)
{
	if (a->ss.sa.sa_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.sa.sa_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

void
addr_format(const exaddr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	uint16_t port = addr_port(a);

	addr_ip(a, ip, sizeof ip);
	if (port == 53)
		snprintf(buf, len, "%s", ip);
	else
		snprintf(buf, len, "%s@%u", ip, (unsigned)port);
}

size_t
addr_hash(const exaddr *a)
{
	uint64_t h = fnv1a(FNV_INIT, &a->ss.sa.sa_family, sizeof a->ss.sa.sa_family);

	if (a->ss.sa.sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss;
		h = fnv1a(h, &x->sin_port, sizeof x->sin_port);
		h = fnv1a(h, &x->sin_addr, sizeof x->sin_addr);
	} else if (a->ss.sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss;
		h = fnv1a(h, &x->sin6_port, sizeof x->sin6_port);
		h = fnv1a(h, &x->sin6_addr, sizeof x->sin6_addr);
	}
	return (size_t)h;
}

bool
addr_equal(const exaddr *a, const exaddr *b)
{
	if (a->ss.sa.sa_family != b->ss.sa.sa_family)
		return false;
	if (a->ss.sa.sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;
		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;
		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	return false;
}

bool
addr_is_loopback(const exaddr *a)
{
	if (a->ss.sa.sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss;
		return (ntohl(x->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.sa.sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss;
		return IN6_IS_ADDR_LOOPBACK(&x->sin6_addr);
	}
	return false;
}

int
addr_family(const exaddr *a)
{
	return a->ss.sa.sa_family;
}

bool
addr_is_ipv4_text(const char *text)
{
	struct in_addr in;
	const char *p;
	int dots = 0;

	/* inet_pton is strict (no octal, no short forms); also insist on
	 * exactly three dots and digits only, so "1.2.3.4 " is refused. */
	for (p = text; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return dots == 3 && inet_pton(AF_INET, text, &in) == 1;
}

bool
addr_is_smart_host_v4(const char *text)
{
	static const struct { uint32_t net; unsigned bits; } bad[] = {
		{0x00000000u, 8},    /* 0/8: "this network" */
		{0x0a000000u, 8},    /* 10/8 */
		{0x64400000u, 10},   /* 100.64/10: carrier-grade NAT */
		{0x7f000000u, 8},    /* 127/8: loopback */
		{0xa9fe0000u, 16},   /* 169.254/16: link-local */
		{0xac100000u, 12},   /* 172.16/12 */
		{0xc0a80000u, 16},   /* 192.168/16 */
		{0xe0000000u, 4},    /* 224/4: multicast */
		{0xf0000000u, 4},    /* 240/4 and 255.255.255.255 */
	};
	struct in_addr in;
	uint32_t a;
	size_t i;

	if (!addr_is_ipv4_text(text) || inet_pton(AF_INET, text, &in) != 1)
		return false;
	a = ntohl(in.s_addr);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if ((a >> (32 - bad[i].bits)) == (bad[i].net >> (32 - bad[i].bits)))
			return false;
	return true;
}

size_t
addr_own_v4(uint32_t *out, size_t max)
{
	struct ifaddrs *ifa, *i;
	char text[INET_ADDRSTRLEN];
	size_t n = 0;

	if (getifaddrs(&ifa) != 0)
		return 0;
	for (i = ifa; i != NULL && n < max; i = i->ifa_next) {
		const struct sockaddr_in *sin;
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		sin = (const struct sockaddr_in *)(const void *)i->ifa_addr;
		if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text) == NULL ||
		    !addr_is_smart_host_v4(text) ||
		    addr_v4_among(text, out, n))
			continue;
		out[n++] = sin->sin_addr.s_addr;
	}
	freeifaddrs(ifa);
	return n;
}

bool
addr_v4_among(const char *text, const uint32_t *own, size_t n)
{
	struct in_addr in;
	size_t i;

	if (n == 0 || !addr_is_ipv4_text(text) || inet_pton(AF_INET, text, &in) != 1)
		return false;
	for (i = 0; i < n; i++)
		if (own[i] == in.s_addr)
			return true;
	return false;
}
