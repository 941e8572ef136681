/* addr.h - server addresses: "ADDR[@PORT]" parsing and printing (IPv4, IPv6). */
#ifndef EXDNS_ADDR_H
#define EXDNS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <netinet/in.h>

/* An IPv4 or IPv6 address and port: 32 bytes, not a sockaddr_storage's
 * 128, since every query of a run keeps one. */
typedef struct exaddr {
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} ss;
	socklen_t len;
} exaddr;

#define ADDR_TEXT_MAX 64  /* "ffff:...:ffff@65535" fits */

/* Parse "192.0.2.1", "192.0.2.1@5300", "::1", "::1@5300" (also "[::1]:5300").
 * Returns 0, or -1 with a message in err. No name lookups. */
int addr_parse(const char *text, uint16_t default_port, exaddr *out,
               char *err, size_t errlen);
/* Build from an IP literal and a port; -1 if text is not an IP literal. */
int addr_from_ip(const char *ip, uint16_t port, exaddr *out);
/* "192.0.2.1" (no port). */
void addr_ip(const exaddr *a, char *buf, size_t len);
/* "192.0.2.1" when port is 53, else "192.0.2.1@5300". */
void addr_format(const exaddr *a, char *buf, size_t len);
uint16_t addr_port(const exaddr *a);
void addr_set_port(exaddr *a, uint16_t port);
bool addr_equal(const exaddr *a, const exaddr *b);    /* address and port */
/* A hash of address and port, for tables (equal addresses, equal hash). */
size_t addr_hash(const exaddr *a);
bool addr_is_loopback(const exaddr *a);
int addr_family(const exaddr *a);
/* True when text is a valid IPv4 dotted quad. */
bool addr_is_ipv4_text(const char *text);
/* True when text is an IPv4 address a DNS answer may make a smart host:
 * a valid dotted quad outside the ranges that point back into a site or
 * nowhere (0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12,
 * 192.168/16, 224/4, 240/4 with 255.255.255.255). The documentation and
 * benchmarking ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 198.18/15)
 * stay usable: test worlds stand in for the internet with them. */
bool addr_is_smart_host_v4(const char *text);
/* This host's own IPv4 addresses that addr_is_smart_host_v4 would accept
 * (the others are never smart hosts anyway), every interface's, from
 * getifaddrs: up to max into out (network byte order); how many. An MX
 * host at one of them points mail back at this server (Exchange:
 * SMTPSEND.DNS.MxLoopback). */
size_t addr_own_v4(uint32_t *out, size_t max);
/* text is a dotted quad equal to one of own[0..n). */
bool addr_v4_among(const char *text, const uint32_t *own, size_t n);

#endif
