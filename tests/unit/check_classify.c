/* check_classify.c - the verdict table, row by row: every verdict, the
 * rows judged from the resolver's answers alone, the blocked-vantage rows;
 * then properties that must hold for any facts at all (random ones). */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "unit.h"

#define NOQ CLASSIFY_NOQ
#define F(kind, q) {FACT_##kind, q}
#define NONE {FACT_UNASKED, NOQ}

enum { MXQ = 1, AUTHQ = 2, RA = 10, RAAAA = 11, SA = 20, SAAAA = 21,
       SA2 = 22, SAAAA2 = 23, RA1 = 30, RAAAA1 = 31, SA1 = 40, SAAAA1 = 41 };

typedef struct hostrow {
	cf_answer ra, raaaa;
	size_t nsrv;
	cf_server srv[2];
	unsigned nv4;
	bool cname;
	unsigned nbad4;
	unsigned nv6;
	cf_answer ra_cd;
} hostrow;

typedef struct row {
	const char *name;
	cf_answer mx, auth_mx;
	bool null_mx, hosts_known, zone_found;
	rstatus resolver;
	vantage van;
	size_t nhosts;
	hostrow h[2];
	/* expected */
	verdict v;
	uint32_t proof;
	cf_basis basis;
	cf_note note;
	bool all_lame;     /* the domain's own servers all answered lame */
	cf_answer mx_cd;
	bool tcp_works;    /* a server answered this host over TCP */
	bool large_udp;    /* a UDP answer over 512 bytes reached this host */
	cf_answer auth_mx_edns, auth_mx_plain;   /* its own servers' MX with
	                                            EDNS failed, without */
	bool auth_mx_large;
} row;

/* A row names the facts up to the last one it needs; the facts after
 * it are zero (false, unasked). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* One healthy host seen directly. */
#define HOST_OK {F(DATA, RA), F(DATA, RAAAA), 1, \
	{{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}
/* A host whose servers said nothing to us; the resolver said ra/raaaa. */
#define HOST_VIA(ra, raaaa) {ra, raaaa, 1, \
	{{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}
/* A host whose one server answered A with data and AAAA with aaaa. */
#define HOST_DIRECT(aaaa) {F(DATA, RA), F(TIMEOUT, RAAAA), 1, \
	{{F(DATA, SA), aaaa, 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}

static const row rows[] = {
	/* The domain itself. */
	{"nxdomain through the resolver", F(NXDOMAIN, MXQ), NONE, false, false,
	    false, RSTATUS_OK, VANTAGE_DIRECT, 0, {{.nsrv = 0}},
	    VERDICT_NXDOMAIN, MXQ, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"nxdomain from its own servers", F(SERVFAIL, MXQ), F(NXDOMAIN, AUTHQ),
	    false, false, true, RSTATUS_OK, VANTAGE_DIRECT, 0, {{.nsrv = 0}},
	    VERDICT_NXDOMAIN, AUTHQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"null MX", F(DATA, MXQ), NONE, true, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 0, {{.nsrv = 0}}, VERDICT_NULL_MX, MXQ, BASIS_RESOLVER,
	    NOTE_NONE, false, NONE, false},
	{"null MX from its own servers", F(TIMEOUT, MXQ), F(DATA, AUTHQ), true,
	    true, true, RSTATUS_OK, VANTAGE_DIRECT, 0, {{.nsrv = 0}}, VERDICT_NULL_MX,
	    AUTHQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"MX unknown, resolver failing", F(TIMEOUT, MXQ), NONE, false, false,
	    false, RSTATUS_SERVFAIL, VANTAGE_UNKNOWN, 0, {{.nsrv = 0}},
	    VERDICT_RESOLVER_FAILURE, MXQ, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"MX unknown, no server found, direct vantage", F(SERVFAIL, MXQ), NONE,
	    false, false, false, RSTATUS_OK, VANTAGE_DIRECT, 0, {{.nsrv = 0}},
	    VERDICT_UNREACHABLE, MXQ, BASIS_NONE, NOTE_NO_SERVERS, false, NONE, false},
	{"MX unknown, its servers silent, direct vantage", F(TIMEOUT, MXQ),
	    F(TIMEOUT, AUTHQ), false, false, true, RSTATUS_OK, VANTAGE_DIRECT, 0,
	    {{.nsrv = 0}}, VERDICT_UNREACHABLE, AUTHQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"MX unknown, its servers REFUSED, direct vantage", F(SERVFAIL, MXQ),
	    F(REFUSED, AUTHQ), false, false, true, RSTATUS_OK, VANTAGE_DIRECT, 0,
	    {{.nsrv = 0}}, VERDICT_UNREACHABLE, AUTHQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"MX unknown, every server of its zone lame, direct vantage",
	    F(SERVFAIL, MXQ), F(REFUSED, AUTHQ), false, false, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 0, {{.nsrv = 0}}, VERDICT_UNREACHABLE, AUTHQ,
	    BASIS_DIRECT, NOTE_ALL_LAME, true, NONE, false},
	{"MX unknown, every server lame, resolver failing: unreachable",
	    F(SERVFAIL, MXQ), F(REFUSED, AUTHQ), false, false, true,
	    RSTATUS_SERVFAIL, VANTAGE_DIRECT, 0, {{.nsrv = 0}}, VERDICT_UNREACHABLE,
	    AUTHQ, BASIS_DIRECT, NOTE_ALL_LAME, true, NONE, false},
	{"MX unknown, blocked vantage: inconclusive", F(TIMEOUT, MXQ),
	    F(TIMEOUT, AUTHQ), false, false, true, RSTATUS_OK, VANTAGE_BLOCKED, 0,
	    {{.nsrv = 0}}, VERDICT_INCONCLUSIVE, MXQ, BASIS_RESOLVER, NOTE_MISSING_MX, false, NONE, false},
	{"MX unknown, no server found, blocked: inconclusive", F(SERVFAIL, MXQ),
	    NONE, false, false, false, RSTATUS_OK, VANTAGE_BLOCKED, 0, {{.nsrv = 0}},
	    VERDICT_INCONCLUSIVE, MXQ, BASIS_RESOLVER, NOTE_MISSING_MX, false, NONE, false},
	{"MX unknown, vantage unknown: inconclusive", F(TIMEOUT, MXQ), NONE,
	    false, false, true, RSTATUS_OK, VANTAGE_UNKNOWN, 0, {{.nsrv = 0}},
	    VERDICT_INCONCLUSIVE, MXQ, BASIS_RESOLVER, NOTE_MISSING_MX, false, NONE, false},
	{"no usable MX host", F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 0, {{.nsrv = 0}}, VERDICT_MX_NO_ADDRESS, MXQ, BASIS_RESOLVER,
	    NOTE_NO_MX_HOST, false, NONE, false},

	/* Seen directly. */
	{"healthy, seen directly", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_OK},
	    VERDICT_OK, MXQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"AAAA dropped by a server", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(TIMEOUT, SAAAA))},
	    VERDICT_AAAA_DROPPED, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"AAAA SERVFAIL from a server", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(SERVFAIL, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA REFUSED from a server", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(REFUSED, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA FORMERR from a server", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(FORMERR, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA NOTIMP from a server", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(NOTIMP, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA with another rcode", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(RCODE, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA only bad replies", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {HOST_DIRECT(F(BADREPLY, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA NXDOMAIN for a name with A records", F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {HOST_DIRECT(F(NXDOMAIN, SAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	{"AAAA NXDOMAIN for a name without A records: no AAAA fault",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(NODATA, RAAAA), 2,
	    {{F(DATA, SA), F(NODATA, SAAAA), 0, 0, false, NONE, NONE, false, false}, {F(NODATA, SA2), F(NXDOMAIN, SAAAA2), 0, 0, false, NONE, NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_OK, MXQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"one server of two drops AAAA", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA), F(DATA, RAAAA), 2,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}, {F(DATA, SA2), F(TIMEOUT, SAAAA2), 0, 0, false, NONE, NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_AAAA_DROPPED, SAAAA2, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"a server that REFUSES but is not lame (no zone said) is no fault",
	    F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA),
	    F(DATA, RAAAA), 2, {{F(SERVFAIL, SA), F(SERVFAIL, SAAAA), 0, 0, false, NONE, NONE, false, false},
	    {F(DATA, SA2), F(NODATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_OK, MXQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"a lame server (REFUSED) beside a good one", F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA),
	    F(DATA, RAAAA), 2, {{F(REFUSED, SA), F(REFUSED, SAAAA), 0, 0, true, NONE, NONE, false, false},
	    {F(DATA, SA2), F(NODATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_LAME_DELEGATION, SA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"a lame server's upward referral (NOERROR, no AA) beside a good one",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 2, {{F(DATA, SA2), F(DATA, SAAAA2), 0, 0, false, NONE, NONE, false, false},
	    {F(NODATA, SA), F(NODATA, SAAAA), 0, 0, true, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_LAME_DELEGATION, SA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"a lame server's AAAA errors are no AAAA fault", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA),
	    F(DATA, RAAAA), 2, {{F(DATA, SA), F(SERVFAIL, SAAAA), 0, 0, true, NONE, NONE, false, false},
	    {F(DATA, SA2), F(DATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_LAME_DELEGATION, SA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"a lame server beside one that drops AAAA: the drop", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA),
	    F(TIMEOUT, RAAAA), 2, {{F(REFUSED, SA), F(REFUSED, SAAAA), 0, 0, true, NONE, NONE, false, false},
	    {F(DATA, SA2), F(TIMEOUT, SAAAA2), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_AAAA_DROPPED, SAAAA2, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"every server lame, the resolver SERVFAILs: unreachable", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(SERVFAIL, RA), F(SERVFAIL, RAAAA), 2,
	    {{F(REFUSED, SA), F(REFUSED, SAAAA), 0, 0, true, NONE, NONE, false, false},
	    {F(NODATA, SA2), F(NODATA, SAAAA2), 0, 0, true, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_UNREACHABLE, SA, BASIS_DIRECT, NOTE_ALL_LAME, false, NONE, false},
	{"every server lame, the resolver answers from elsewhere", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(REFUSED, SA), F(REFUSED, SAAAA), 0, 0, true, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_LAME_DELEGATION, SA, BASIS_DIRECT, NOTE_ALL_LAME, false, NONE, false},
	{"an alias MX host whose target's servers drop AAAA", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, true, 0, 0, NONE}},
	    VERDICT_AAAA_DROPPED, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"servers answer correctly, the resolver times out AAAA", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_RESOLVER_FAILURE, RAAAA, BASIS_DIRECT, NOTE_AUTH_CORRECT, false, NONE, false},
	{"servers answer correctly, the resolver SERVFAILs A", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(SERVFAIL, RA), F(DATA, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_RESOLVER_FAILURE, RA, BASIS_DIRECT, NOTE_AUTH_CORRECT, false, NONE, false},
	{"servers answer correctly, the resolver says NXDOMAIN for AAAA",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(NXDOMAIN, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_RESOLVER_FAILURE, RAAAA, BASIS_DIRECT, NOTE_AUTH_CORRECT, false, NONE, false},
	{"a drop seen directly while the resolver fails everything",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_SERVFAIL,
	    VANTAGE_DIRECT, 1, {HOST_DIRECT(F(TIMEOUT, SAAAA))},
	    VERDICT_AAAA_DROPPED, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"no MX host has an IPv4 address", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(NODATA, RA), F(DATA, RAAAA), 1,
	    {{F(NODATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_MX_NO_ADDRESS, RA, BASIS_RESOLVER, NOTE_NO_V4, false, NONE, false},
	{"the only IPv4 address is loopback: no smart host", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 1, 0, NONE}},
	    VERDICT_MX_LOOPBACK, RA, BASIS_RESOLVER, NOTE_BAD_V4, false, NONE, false},
	{"the only IPv4 address, from its servers, is private", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(NODATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 2, 0, NONE}},
	    VERDICT_MX_LOOPBACK, SA, BASIS_DIRECT, NOTE_BAD_V4, false, NONE, false},
	{"one MX host of two points back into a site", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 2, {HOST_OK,
	    {F(DATA, RA1), F(NODATA, RAAAA1), 1,
	    {{F(DATA, SA1), F(NODATA, SAAAA1), 0, 0, false, NONE, NONE, false, false}}, 0, false, 1, 0, NONE}},
	    VERDICT_MX_LOOPBACK, RA1, BASIS_RESOLVER, NOTE_SOME_BAD_V4, false, NONE, false},
	{"a loopback MX host beside a drop: the connector, to the good one",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 2,
	    {HOST_DIRECT(F(TIMEOUT, SAAAA)),
	    {F(DATA, RA1), F(NODATA, RAAAA1), 1,
	    {{F(DATA, SA1), F(NODATA, SAAAA1), 0, 0, false, NONE, NONE, false, false}}, 0, false, 1, 0, NONE}},
	    VERDICT_AAAA_DROPPED, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"AAAA but no A: IPv6 only", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(NODATA, RA), F(DATA, RAAAA), 1,
	    {{F(NODATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 1, NONE}},
	    VERDICT_IPV6_ONLY_MX, RA, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"IPv6 only, judged from the resolver", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_BLOCKED, 1, {{F(NODATA, RA), F(DATA, RAAAA),
	    1, {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 1, NONE}},
	    VERDICT_IPV6_ONLY_MX, RA, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"AAAA on one host, the other's A unknown: no IPv6-only claim",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_BLOCKED, 2,
	    {{F(NODATA, RA), F(DATA, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 1, NONE},
	    {F(TIMEOUT, RA1), F(TIMEOUT, RAAAA1), 1,
	    {{F(TIMEOUT, SA1), F(TIMEOUT, SAAAA1), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_MX_NO_ADDRESS, RA, BASIS_RESOLVER, NOTE_NO_V4, false, NONE, false},
	{"a healthy alias MX host: mx-cname", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, true, 0, 0, NONE}},
	    VERDICT_MX_CNAME, RA, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"a healthy alias MX host, judged from the resolver", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {{F(DATA, RA), F(NODATA, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, true, 0, 0, NONE}},
	    VERDICT_MX_CNAME, RA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"an alias beside a resolver failure: the failure", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, true, 0, 0, NONE}},
	    VERDICT_RESOLVER_FAILURE, RAAAA, BASIS_DIRECT, NOTE_AUTH_CORRECT, false, NONE, false},
	{"nothing answers A, direct vantage: unreachable", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_UNREACHABLE, SA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"nothing answers A, resolver failing", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_TIMEOUT, VANTAGE_DIRECT, 1,
	    {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_RESOLVER_FAILURE, RA, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},

	/* Judged from the resolver's answers: the KB's nslookup method. */
	{"blocked: A answered, AAAA times out", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(TIMEOUT, RAAAA))},
	    VERDICT_AAAA_DROPPED, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA SERVFAIL", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(SERVFAIL, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA NXDOMAIN for a name with A records", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(NXDOMAIN, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA REFUSED", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(REFUSED, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA FORMERR", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(FORMERR, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA NOTIMP", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(NOTIMP, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: AAAA mismatched replies", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(BADREPLY, RAAAA))},
	    VERDICT_AAAA_BAD_RESPONSE, RAAAA, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: healthy through the resolver", F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(NODATA, RAAAA))},
	    VERDICT_OK, MXQ, BASIS_RESOLVER, NOTE_VIA_RESOLVER, false, NONE, false},
	{"blocked: the resolver fails AAAA for every name", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_AAAA_FAILS, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(DATA, RA), F(TIMEOUT, RAAAA))},
	    VERDICT_RESOLVER_FAILURE, RAAAA, BASIS_RESOLVER, NOTE_RESOLVER_AAAA, false, NONE, false},
	{"blocked: a failing resolver's AAAA timeout is not the domain's",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_TIMEOUT,
	    VANTAGE_BLOCKED, 1, {HOST_VIA(F(DATA, RA), F(TIMEOUT, RAAAA))},
	    VERDICT_RESOLVER_FAILURE, RAAAA, BASIS_RESOLVER, NOTE_NONE, false, NONE, false},
	{"blocked: nothing answers A: inconclusive", F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {HOST_VIA(F(TIMEOUT, RA), F(TIMEOUT, RAAAA))},
	    VERDICT_INCONCLUSIVE, RA, BASIS_RESOLVER, NOTE_MISSING_ADDR, false, NONE, false},
	{"direct vantage, one host's servers silent: judged via the resolver",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {HOST_VIA(F(DATA, RA), F(TIMEOUT, RAAAA))},
	    VERDICT_AAAA_DROPPED, RAAAA, BASIS_RESOLVER, NOTE_SERVERS_SILENT, false, NONE, false},
	{"a second host fails and cannot be asked: inconclusive", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_BLOCKED, 2,
	    {HOST_VIA(F(DATA, RA), F(DATA, RAAAA)),
	    {F(SERVFAIL, RA1), F(SERVFAIL, RAAAA1), 1,
	    {{F(TIMEOUT, SA1), F(TIMEOUT, SAAAA1), 0, 0, false, NONE, NONE, false, false}}, 0, false, 0, 0, NONE}},
	    VERDICT_INCONCLUSIVE, RA1, BASIS_RESOLVER, NOTE_MISSING_HOST, false, NONE, false},
	{"a server answers after 1.7 s, the resolver gives up: slow",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 1700, 1650, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_SLOW, SA, BASIS_DIRECT, NOTE_SLOW, false, NONE, false},
	{"AAAA answered after 5 s when waited for: slow, not dropped",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 3, 5003, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_SLOW, SAAAA, BASIS_DIRECT, NOTE_SLOW_EXCHANGE, false, NONE, false},
	{"a slow server beside one that drops AAAA: the drop", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 2,
	    {{F(DATA, SA), F(DATA, SAAAA), 1800, 1800, false, NONE, NONE, false, false},
	    {F(DATA, SA2), F(TIMEOUT, SAAAA2), 2, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_AAAA_DROPPED, SAAAA2, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"answers just under the bound are not slow", F(DATA, MXQ), NONE, false,
	    true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 1499, 1499, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_OK, MXQ, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	/* EDNS: the same question without EDNS after a timeout or FORMERR
	 * (SA2, SAAAA2: those answers). */
	{"A silent with EDNS, answered without, the resolver fails: edns-broken",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, F(DATA, SA2), NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_EDNS_BROKEN, SA, BASIS_DIRECT,
	    NOTE_EDNS_PLAIN, false, NONE, false},
	{"AAAA silent with EDNS, answered without, the resolver's AAAA times "
	    "out: edns-broken, not aaaa-dropped", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, F(DATA, SAAAA2), false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_EDNS_BROKEN, SAAAA, BASIS_DIRECT,
	    NOTE_EDNS_PLAIN, false, NONE, false},
	{"FORMERR with EDNS, answered without, the resolver fails the MX: "
	    "edns-broken", F(SERVFAIL, MXQ), F(DATA, AUTHQ), false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(FORMERR, SA), F(FORMERR, SAAAA), 0, 0, false, F(DATA, SA2), NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_EDNS_BROKEN, SA, BASIS_DIRECT,
	    NOTE_EDNS_PLAIN, false, NONE, false},
	{"FORMERR with EDNS, answered without, the resolver answers: ok, said",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(FORMERR, SA), F(FORMERR, SAAAA), 0, 0, false, F(DATA, SA2), NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_OK, SA, BASIS_DIRECT,
	    NOTE_EDNS_RESOLVED, false, NONE, false},
	{"EDNS broken, the resolver failing for every name: resolver-failure",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_TIMEOUT, VANTAGE_DIRECT,
	    1, {{F(TIMEOUT, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, F(DATA, SA2), NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_RESOLVER_FAILURE, RA, BASIS_DIRECT,
	    NOTE_AUTH_CORRECT, false, NONE, false},
	{"AAAA silent with and without EDNS: aaaa-dropped", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE,
	    F(TIMEOUT, SAAAA2), false, false}}, 1, false, 0, 0, NONE}}, VERDICT_AAAA_DROPPED,
	    SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
	{"AAAA FORMERR with and without EDNS: aaaa-bad-response", F(DATA, MXQ),
	    NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(SERVFAIL, RAAAA), 1,
	    {{F(DATA, SA), F(FORMERR, SAAAA), 0, 0, false, NONE,
	    F(FORMERR, SAAAA2), false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_AAAA_BAD_RESPONSE, SAAAA, BASIS_DIRECT, NOTE_NONE, false, NONE,
	    false},
	/* Answers over 512 bytes: silent with EDNS, truncated without and
	 * answered over TCP, while the server answers small questions with
	 * EDNS (its aaaa_large). */
	{"AAAA over 512 bytes dropped, A answered with EDNS, the resolver "
	    "fails AAAA, large UDP answers reach this host: large-answer-dropped",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, F(DATA, SAAAA2),
	    false, false, false, true}}, 1, false, 0, 0, NONE}},
	    VERDICT_LARGE_DROPPED, SAAAA, BASIS_DIRECT, NOTE_LARGE_REMOTE, false,
	    NONE, true, true, NONE, NONE, false},
	{"the same, no UDP answer over 512 bytes reached this host at all: "
	    "inconclusive, maybe this network", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, F(DATA, SAAAA2),
	    false, false, false, true}}, 1, false, 0, 0, NONE}},
	    VERDICT_INCONCLUSIVE, SAAAA, BASIS_DIRECT, NOTE_LARGE_HERE, false,
	    NONE, true, false, NONE, NONE, false},
	{"the same, the resolver got the AAAA: ok, said", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, F(DATA, SAAAA2),
	    false, false, false, true}}, 1, false, 0, 0, NONE}},
	    VERDICT_OK, SAAAA, BASIS_DIRECT, NOTE_LARGE_RESOLVED, false,
	    NONE, true, true, NONE, NONE, false},
	{"the domain's own MX silent with EDNS, answered without (not "
	    "truncated), the resolver fails the MX: edns-broken on its MX",
	    F(TIMEOUT, MXQ), F(DATA, AUTHQ), false, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 1, {HOST_OK}, VERDICT_EDNS_BROKEN, AUTHQ + 50,
	    BASIS_DIRECT, NOTE_EDNS_PLAIN, false, NONE, true, true,
	    F(TIMEOUT, AUTHQ + 50), F(DATA, AUTHQ), false},
	{"the domain's own MX over 512 bytes: silent with EDNS, truncated "
	    "without and over TCP: large-answer-dropped on its MX",
	    F(SERVFAIL, MXQ), F(DATA, AUTHQ), false, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 1, {HOST_OK}, VERDICT_LARGE_DROPPED, AUTHQ + 50,
	    BASIS_DIRECT, NOTE_LARGE_REMOTE, false, NONE, true, true,
	    F(TIMEOUT, AUTHQ + 50), F(DATA, AUTHQ), true},
	/* TCP: a truncated answer (TC=1) not fetched over TCP from that
	 * server (its aaaa_tcp_failed). */
	{"AAAA truncated, TCP to it silent, another server answers, TCP "
	    "works from here: tcp-blocked", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 2,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, true},
	    {F(DATA, SA2), F(DATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_TCP_BLOCKED, SAAAA, BASIS_DIRECT,
	    NOTE_TCP_REMOTE, false, NONE, true},
	{"A truncated, TCP refused, the resolver answers, TCP works from here: "
	    "tcp-blocked", F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 1, {{F(DATA, RA), F(DATA, RAAAA), 1,
	    {{F(UNREACHABLE, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, true,
	    false}}, 1, false, 0, 0, NONE}}, VERDICT_TCP_BLOCKED, SA, BASIS_DIRECT,
	    NOTE_TCP_REMOTE, false, NONE, true},
	{"the same, the resolver answers, no TCP answered from here at all: "
	    "ok, maybe this network", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 1, {{F(DATA, RA), F(DATA, RAAAA), 2,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, true},
	    {F(DATA, SA2), F(DATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_OK, SAAAA, BASIS_DIRECT,
	    NOTE_TCP_HERE, false, NONE, false},
	{"the same, the resolver fails it too, no TCP answered from here: "
	    "inconclusive, maybe this network", F(DATA, MXQ), NONE, false, true,
	    true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(DATA, RA), F(TIMEOUT, RAAAA), 2,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, true},
	    {F(DATA, SA2), F(DATA, SAAAA2), 0, 0, false, NONE, NONE, false, false}},
	    1, false, 0, 0, NONE}}, VERDICT_INCONCLUSIVE, SAAAA, BASIS_DIRECT,
	    NOTE_TCP_HERE, false, NONE, false},
	{"AAAA truncated, TCP silent, nobody else answers: aaaa-dropped as "
	    "before", F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK,
	    VANTAGE_DIRECT, 1, {{F(DATA, RA), F(TIMEOUT, RAAAA), 1,
	    {{F(DATA, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false,
	    true}}, 1, false, 0, 0, NONE}}, VERDICT_AAAA_DROPPED, SAAAA,
	    BASIS_DIRECT, NOTE_NONE, false, NONE, true},
	{"MX SERVFAIL, with CD=1 answered: dnssec-bogus", F(SERVFAIL, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_BLOCKED, 1,
	    {{F(SERVFAIL, RA), F(SERVFAIL, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0,
	    F(DATA, RA1)}}, VERDICT_DNSSEC_BOGUS, MXQ, BASIS_RESOLVER,
	    NOTE_CD_WORKS, false, F(DATA, AUTHQ + 100), false},
	{"an MX host's A SERVFAIL, with CD=1 answered, its servers answer",
	    F(DATA, MXQ), NONE, false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(SERVFAIL, RA), F(SERVFAIL, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0,
	    F(DATA, RA1)}}, VERDICT_DNSSEC_BOGUS, RA, BASIS_RESOLVER,
	    NOTE_CD_WORKS, false, NONE, false},
	{"SERVFAIL and SERVFAIL with CD=1 too: not DNSSEC", F(DATA, MXQ), NONE,
	    false, true, true, RSTATUS_OK, VANTAGE_DIRECT, 1,
	    {{F(SERVFAIL, RA), F(SERVFAIL, RAAAA), 1,
	    {{F(DATA, SA), F(DATA, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0,
	    F(SERVFAIL, RA1)}}, VERDICT_RESOLVER_FAILURE, RA, BASIS_DIRECT,
	    NOTE_AUTH_CORRECT, false, NONE, false},
	{"CD=1 answered but the resolver fails everyone: its fault",
	    F(SERVFAIL, MXQ), NONE, false, true, true, RSTATUS_SERVFAIL,
	    VANTAGE_BLOCKED, 1, {{F(SERVFAIL, RA), F(SERVFAIL, RAAAA), 1,
	    {{F(TIMEOUT, SA), F(TIMEOUT, SAAAA), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0,
	    F(DATA, RA1)}}, VERDICT_RESOLVER_FAILURE, RA, BASIS_RESOLVER,
	    NOTE_NONE, false, F(DATA, AUTHQ + 100), false},
	{"the second host's drop counts", F(DATA, MXQ), NONE, false, true, true,
	    RSTATUS_OK, VANTAGE_DIRECT, 2, {HOST_OK,
	    {F(DATA, RA1), F(DATA, RAAAA1), 1,
	    {{F(DATA, SA1), F(TIMEOUT, SAAAA1), 0, 0, false, NONE, NONE, false, false}}, 1, false, 0, 0, NONE}},
	    VERDICT_AAAA_DROPPED, SAAAA1, BASIS_DIRECT, NOTE_NONE, false, NONE, false},
};
#pragma GCC diagnostic pop

#define NROWS (sizeof rows / sizeof rows[0])

static void
row_facts(const row *w, cf_domain *f, cf_host *hosts)
{
	size_t h;

	memset(f, 0, sizeof *f);
	f->mx = w->mx;
	f->auth_mx = w->auth_mx;
	f->null_mx = w->null_mx;
	f->hosts_known = w->hosts_known;
	f->zone_found = w->zone_found;
	f->auth_all_lame = w->all_lame;
	f->mx_cd = w->mx_cd;
	f->tcp_works = w->tcp_works;
	f->large_udp_works = w->large_udp;
	f->auth_mx_edns = w->auth_mx_edns;
	f->auth_mx_plain = w->auth_mx_plain;
	f->auth_mx_large = w->auth_mx_large;
	f->resolver = w->resolver;
	f->resolver_aaaa_fails = w->resolver == RSTATUS_AAAA_FAILS;
	f->vantage = w->van;
	for (h = 0; h < w->nhosts; h++) {
		hosts[h].ra = w->h[h].ra;
		hosts[h].raaaa = w->h[h].raaaa;
		hosts[h].srv = w->h[h].srv;
		hosts[h].nsrv = w->h[h].nsrv;
		hosts[h].nv4 = w->h[h].nv4;
		hosts[h].nbad4 = w->h[h].nbad4;
		hosts[h].cname = w->h[h].cname;
		hosts[h].nv6 = w->h[h].nv6;
		hosts[h].ra_cd = w->h[h].ra_cd;
	}
	f->hosts = hosts;
	f->nhosts = w->nhosts;
}

START_TEST(test_table_row)
{
	const row *w = &rows[_i];
	cf_domain f;
	cf_host hosts[2];
	cf_result res;

	row_facts(w, &f, hosts);
	memset(&res, 0xa5, sizeof res);
	classify_domain(&f, &res);
	ck_assert_msg(res.v == w->v, "%s: verdict %s, expected %s", w->name,
	    verdict_to_string(res.v), verdict_to_string(w->v));
	ck_assert_msg(res.proof == w->proof, "%s: proof %u, expected %u",
	    w->name, res.proof, w->proof);
	ck_assert_msg(res.basis == w->basis, "%s: basis %s, expected %s", w->name,
	    cf_basis_to_string(res.basis), cf_basis_to_string(w->basis));
	ck_assert_msg(res.note == w->note, "%s: note %d (%s), expected %d",
	    w->name, res.note, cf_note_text(res.note), w->note);
	/* An alias is named beside any verdict: the proof's host if it is
	 * one, else the first. */
	if (res.host < w->nhosts && w->h[res.host].cname)
		ck_assert_uint_eq(res.alias, res.host);
	else if (w->nhosts > 0 && w->h[0].cname)
		ck_assert_uint_eq(res.alias, 0);
	else if (w->nhosts > 1 && w->h[1].cname)
		ck_assert_uint_eq(res.alias, 1);
	else
		ck_assert_uint_eq(res.alias, (size_t)-1);
}
END_TEST

/* Every verdict has a row, and the blocked vantage has rows for both AAAA
 * verdicts: the table above is the whole table. */
START_TEST(test_every_verdict_has_a_row)
{
	bool seen[VERDICT_COUNT] = {false}, blocked_drop = false,
	    blocked_bad = false;
	size_t i;

	for (i = 0; i < NROWS; i++) {
		seen[rows[i].v] = true;
		if (rows[i].van == VANTAGE_BLOCKED && rows[i].v == VERDICT_AAAA_DROPPED)
			blocked_drop = true;
		if (rows[i].van == VANTAGE_BLOCKED &&
		    rows[i].v == VERDICT_AAAA_BAD_RESPONSE)
			blocked_bad = true;
	}
	for (i = 0; i < VERDICT_COUNT; i++)
		ck_assert_msg(seen[i], "no row for %s", verdict_to_string((verdict)i));
	ck_assert(blocked_drop && blocked_bad);
}
END_TEST

/* Random facts, the invariants a user relies on. */
#define REPLIED(f) ((f) >= FACT_DATA && (f) <= FACT_BADREPLY)
#define EDNS_FAILED(f) ((f) == FACT_TIMEOUT || (f) == FACT_FORMERR)
#define NOERROR(f) ((f) == FACT_DATA || (f) == FACT_NODATA)
#define SILENT(f) ((f) == FACT_TIMEOUT || (f) == FACT_UNREACHABLE)

/* A server's answer truncated and not fetched over TCP, the proof. */
static bool
tcp_fault(const cf_domain *f, uint32_t proof)
{
	size_t h, s;

	for (h = 0; h < f->nhosts; h++)
		for (s = 0; s < f->hosts[h].nsrv; s++) {
			const cf_server *v = &f->hosts[h].srv[s];
			if ((v->a_tcp_failed && (proof == CLASSIFY_NOQ ||
			    proof == v->a.q)) || (v->aaaa_tcp_failed &&
			    (proof == CLASSIFY_NOQ || proof == v->aaaa.q)))
				return true;
		}
	return false;
}

/* A server of the facts (or the domain's own, for its MX) that answered
 * without EDNS what it failed with EDNS, and the proof is that failure
 * (or any such server: NOQ); large: its answer without EDNS was large
 * (else: was not). */
static bool
edns_fault(const cf_domain *f, uint32_t proof, bool large)
{
	size_t h, s;

	if (EDNS_FAILED(f->auth_mx_edns.f) && NOERROR(f->auth_mx_plain.f) &&
	    f->auth_mx_large == large &&
	    (proof == CLASSIFY_NOQ || proof == f->auth_mx_edns.q))
		return true;
	for (h = 0; h < f->nhosts; h++)
		for (s = 0; s < f->hosts[h].nsrv; s++) {
			const cf_server *v = &f->hosts[h].srv[s];
			if (v->lame)
				continue;
			if (EDNS_FAILED(v->a.f) && NOERROR(v->a_plain.f) &&
			    v->a_large == large &&
			    (proof == CLASSIFY_NOQ || proof == v->a.q))
				return true;
			if (EDNS_FAILED(v->aaaa.f) && NOERROR(v->aaaa_plain.f) &&
			    v->aaaa_large == large &&
			    (proof == CLASSIFY_NOQ || proof == v->aaaa.q))
				return true;
		}
	return false;
}

static fact
rnd_fact(unsigned *seed)
{
	return (fact)(rand_r(seed) % FACT_COUNT);
}

static bool
q_in(uint32_t q, const cf_domain *f)
{
	size_t h, s;

	if (q == f->mx.q || q == f->auth_mx.q || q == f->mx_cd.q ||
	    q == f->auth_mx_edns.q || q == f->auth_mx_plain.q)
		return true;
	for (h = 0; h < f->nhosts; h++) {
		const cf_host *x = &f->hosts[h];
		if (q == x->ra.q || q == x->raaaa.q || q == x->ra_cd.q)
			return true;
		for (s = 0; s < x->nsrv; s++)
			if (q == x->srv[s].a.q || q == x->srv[s].aaaa.q ||
			    q == x->srv[s].a_plain.q || q == x->srv[s].aaaa_plain.q)
				return true;
	}
	return false;
}

START_TEST(test_invariants_random)
{
	unsigned seed = 12345, it;

	for (it = 0; it < 30000; it++) {
		cf_domain f;
		cf_host hosts[3];
		cf_server srv[3][3];
		cf_result res;
		size_t h, s;
		bool replied = false, any_v4 = false;
		uint32_t q = 1;

		memset(&f, 0, sizeof f);
		f.mx.f = rnd_fact(&seed);
		f.mx.q = q++;
		f.auth_mx.f = rnd_fact(&seed);
		f.auth_mx.q = q++;
		f.mx_cd.f = rand_r(&seed) % 3 == 0 ? rnd_fact(&seed) : FACT_UNASKED;
		f.mx_cd.q = q++;
		f.null_mx = rand_r(&seed) % 8 == 0;
		f.hosts_known = rand_r(&seed) % 4 != 0;
		f.zone_found = rand_r(&seed) % 2;
		f.auth_all_lame = f.zone_found && rand_r(&seed) % 4 == 0;
		f.resolver = (rstatus)(rand_r(&seed) % RSTATUS_COUNT);
		f.resolver_aaaa_fails = f.resolver == RSTATUS_AAAA_FAILS;
		f.vantage = (vantage)(rand_r(&seed) % VANTAGE_COUNT);
		f.tcp_works = rand_r(&seed) % 2;
		f.large_udp_works = rand_r(&seed) % 2;
		/* The domain's own MX again without EDNS, as the probe asks
		 * it: after a timeout or FORMERR. */
		if (rand_r(&seed) % 4 == 0) {
			f.auth_mx_edns.f = rand_r(&seed) % 2 ? FACT_TIMEOUT :
			    FACT_FORMERR;
			f.auth_mx_plain.f = rnd_fact(&seed);
			f.auth_mx_large = NOERROR(f.auth_mx_plain.f) &&
			    rand_r(&seed) % 2;
		}
		f.auth_mx_edns.q = q++;
		f.auth_mx_plain.q = q++;
		f.nhosts = f.hosts_known ? (size_t)(rand_r(&seed) % 4) : 0;
		for (h = 0; h < f.nhosts; h++) {
			hosts[h].ra.f = rnd_fact(&seed);
			hosts[h].ra.q = q++;
			hosts[h].raaaa.f = rnd_fact(&seed);
			hosts[h].raaaa.q = q++;
			hosts[h].ra_cd.f = rand_r(&seed) % 3 == 0 ? rnd_fact(&seed) :
			    FACT_UNASKED;
			hosts[h].ra_cd.q = q++;
			hosts[h].nsrv = (size_t)(rand_r(&seed) % 4);
			for (s = 0; s < hosts[h].nsrv; s++) {
				srv[h][s].a.f = rnd_fact(&seed);
				srv[h][s].a.q = q++;
				srv[h][s].aaaa.f = rnd_fact(&seed);
				srv[h][s].aaaa.q = q++;
				srv[h][s].a_ms = (unsigned)(rand_r(&seed) % 3 == 0 ?
				    rand_r(&seed) % 7000 : rand_r(&seed) % 200);
				srv[h][s].aaaa_ms = (unsigned)(rand_r(&seed) % 3 == 0 ?
				    rand_r(&seed) % 7000 : rand_r(&seed) % 200);
				/* Lame only by a reply (as the probe says it). */
				srv[h][s].lame = rand_r(&seed) % 4 == 0 &&
				    srv[h][s].a.f >= FACT_DATA &&
				    srv[h][s].a.f <= FACT_BADREPLY;
				/* Asked again without EDNS, as the probe does:
				 * after a timeout or FORMERR. */
				srv[h][s].a_plain.f = EDNS_FAILED(srv[h][s].a.f) &&
				    rand_r(&seed) % 2 ? rnd_fact(&seed) : FACT_UNASKED;
				srv[h][s].a_plain.q = q++;
				srv[h][s].aaaa_plain.f =
				    EDNS_FAILED(srv[h][s].aaaa.f) &&
				    srv[h][s].a_plain.f == FACT_UNASKED &&
				    rand_r(&seed) % 2 ? rnd_fact(&seed) : FACT_UNASKED;
				srv[h][s].aaaa_plain.q = q++;
				/* Large: only an answer without EDNS. */
				srv[h][s].a_large = NOERROR(srv[h][s].a_plain.f) &&
				    rand_r(&seed) % 2;
				srv[h][s].aaaa_large =
				    NOERROR(srv[h][s].aaaa_plain.f) && rand_r(&seed) % 2;
				/* Truncated, TCP failed: only when no reply. */
				srv[h][s].a_tcp_failed = SILENT(srv[h][s].a.f) &&
				    rand_r(&seed) % 3 == 0;
				srv[h][s].aaaa_tcp_failed =
				    SILENT(srv[h][s].aaaa.f) && rand_r(&seed) % 3 == 0;
				if (REPLIED(srv[h][s].a.f) || REPLIED(srv[h][s].aaaa.f) ||
				    REPLIED(srv[h][s].a_plain.f) ||
				    REPLIED(srv[h][s].aaaa_plain.f))
					replied = true;
			}
			hosts[h].srv = srv[h];
			hosts[h].nv4 = (unsigned)(rand_r(&seed) % 3);
			hosts[h].nbad4 = (unsigned)(rand_r(&seed) % 2);
			any_v4 |= hosts[h].nv4 > 0;
			hosts[h].nv6 = (unsigned)(rand_r(&seed) % 2);
			hosts[h].cname = rand_r(&seed) % 2;
		}
		f.hosts = hosts;
		classify_domain(&f, &res);
		{
			/* The same facts without the aliases, the bad addresses
			 * and the IPv6 addresses: what ok and aaaa-* were. */
			cf_domain f0 = f;
			cf_host h0[3];
			cf_result r0;
			bool anybad = false, anyv6 = false, anycname = false;
			unsigned v4 = 0;
			memcpy(h0, hosts, sizeof h0);
			for (h = 0; h < f.nhosts; h++) {
				anybad |= hosts[h].nbad4 > 0;
				anyv6 |= hosts[h].nv6 > 0;
				anycname |= hosts[h].cname;
				v4 += hosts[h].nv4;
				h0[h].cname = false;
				h0[h].nv6 = 0;
			}
			f0.hosts = h0;
			classify_domain(&f0, &r0);
			/* An alias alone never hides a verdict, it only turns
			 * ok into mx-cname. */
			if (r0.v != VERDICT_OK && !anyv6)
				ck_assert_int_eq(res.v, r0.v);
			if (res.v == VERDICT_MX_CNAME)
				ck_assert(r0.v == VERDICT_OK && anycname);
			if (res.v == VERDICT_OK || verdict_needs_connector(res.v))
				ck_assert_int_eq(res.v, r0.v);
			if (res.v == VERDICT_MX_LOOPBACK)
				ck_assert(anybad && res.host < f.nhosts &&
				    f.hosts[res.host].nbad4 > 0 &&
				    f.hosts[res.host].nv4 == 0);
			if (res.v == VERDICT_IPV6_ONLY_MX)
				ck_assert(anyv6 && v4 == 0 && !anybad);
			if (res.note == NOTE_ALL_LAME && res.host == (size_t)-1)
				ck_assert(f.auth_all_lame && res.proof == f.auth_mx.q);
			else if (res.v == VERDICT_LAME_DELEGATION ||
			    res.note == NOTE_ALL_LAME) {
				const cf_server *v = NULL;
				for (h = 0; h < f.nhosts && v == NULL; h++)
					for (s = 0; s < f.hosts[h].nsrv; s++)
						if (f.hosts[h].srv[s].a.q == res.proof)
							v = &f.hosts[h].srv[s];
				ck_assert(v != NULL && v->lame);
			}
			if (res.v == VERDICT_SLOW) {
				const cf_server *v = NULL;
				bool aaaa = false;
				for (h = 0; h < f.nhosts && v == NULL; h++)
					for (s = 0; s < f.hosts[h].nsrv; s++) {
						if (f.hosts[h].srv[s].a.q == res.proof)
							v = &f.hosts[h].srv[s];
						else if (f.hosts[h].srv[s].aaaa.q == res.proof) {
							v = &f.hosts[h].srv[s];
							aaaa = true;
						}
					}
				ck_assert(v != NULL && !v->lame);
				ck_assert_uint_ge(aaaa ? v->aaaa_ms : v->a_ms,
				    CLASSIFY_SLOW_MS);
			}
			/* edns-broken (and ok's note about it) only on a
			 * server's EDNS failure answered without EDNS, which
			 * is its proof; without such a server, the verdict
			 * is what it was before the EDNS retries. */
			if (res.v == VERDICT_EDNS_BROKEN ||
			    res.note == NOTE_EDNS_PLAIN ||
			    res.note == NOTE_EDNS_RESOLVED)
				ck_assert(edns_fault(&f, res.proof, false));
			/* large-answer-dropped (and its notes) only on such
			 * a failure whose answer without EDNS was large; the
			 * remote side only when large answers reach here. */
			if (res.v == VERDICT_LARGE_DROPPED ||
			    res.note == NOTE_LARGE_REMOTE ||
			    res.note == NOTE_LARGE_HERE ||
			    res.note == NOTE_LARGE_RESOLVED)
				ck_assert(edns_fault(&f, res.proof, true));
			if (res.v == VERDICT_LARGE_DROPPED ||
			    res.note == NOTE_LARGE_REMOTE ||
			    res.note == NOTE_LARGE_RESOLVED)
				ck_assert(f.large_udp_works);
			if (res.note == NOTE_LARGE_HERE)
				ck_assert(!f.large_udp_works &&
				    (res.v == VERDICT_OK ||
				    res.v == VERDICT_INCONCLUSIVE));
			if (res.note == NOTE_EDNS_RESOLVED)
				ck_assert_int_eq(res.v, VERDICT_OK);
			if (res.v == VERDICT_TCP_BLOCKED ||
			    res.note == NOTE_TCP_REMOTE || res.note == NOTE_TCP_HERE)
				ck_assert(tcp_fault(&f, res.proof));
			if (res.note == NOTE_TCP_HERE)
				ck_assert((res.v == VERDICT_OK ||
				    res.v == VERDICT_INCONCLUSIVE) && !f.tcp_works);
			if (res.v == VERDICT_TCP_BLOCKED)
				ck_assert(f.tcp_works);
			if (!edns_fault(&f, CLASSIFY_NOQ, false) &&
			    !edns_fault(&f, CLASSIFY_NOQ, true) &&
			    !tcp_fault(&f, CLASSIFY_NOQ)) {
				cf_server s1[3][3];
				cf_host h1[3];
				cf_domain f1 = f;
				cf_result r1;
				memcpy(h1, hosts, sizeof h1);
				memcpy(s1, srv, sizeof s1);
				for (h = 0; h < f.nhosts; h++) {
					for (s = 0; s < hosts[h].nsrv; s++)
						s1[h][s].a_plain.f =
						    s1[h][s].aaaa_plain.f = FACT_UNASKED;
					h1[h].srv = s1[h];
				}
				f1.hosts = h1;
				f1.auth_mx_plain.f = FACT_UNASKED;
				classify_domain(&f1, &r1);
				ck_assert_int_eq(res.v, r1.v);
				ck_assert_uint_eq(res.proof, r1.proof);
				ck_assert_int_ne(res.v, VERDICT_EDNS_BROKEN);
				ck_assert_int_ne(res.v, VERDICT_LARGE_DROPPED);
			}
			if (res.v == VERDICT_DNSSEC_BOGUS) {
				bool cdok = f.mx.f == FACT_SERVFAIL &&
				    (f.mx_cd.f == FACT_DATA || f.mx_cd.f == FACT_NODATA);
				for (h = 0; h < f.nhosts; h++)
					cdok |= f.hosts[h].ra.f == FACT_SERVFAIL &&
					    (f.hosts[h].ra_cd.f == FACT_DATA ||
					    f.hosts[h].ra_cd.f == FACT_NODATA);
				ck_assert(cdok);
			}
			/* No such facts: none of these verdicts. */
			if (!anybad)
				ck_assert_int_ne(res.v, VERDICT_MX_LOOPBACK);
			if (anycname)
				ck_assert(res.alias < f.nhosts &&
				    f.hosts[res.alias].cname);
			else
				ck_assert_uint_eq(res.alias, (size_t)-1);
		}
		ck_assert_int_lt(res.v, VERDICT_COUNT);
		/* The proof is one of the questions in the facts. */
		ck_assert(res.proof == CLASSIFY_NOQ || q_in(res.proof, &f));
		/* Never "answer correctly" without an answer seen. */
		if (res.note == NOTE_AUTH_CORRECT)
			ck_assert(replied);
		/* A connector needs an IPv4 smart host. */
		if (verdict_needs_connector(res.v))
			ck_assert(any_v4);
		/* Unreachable only from a host that could have reached them. */
		if (res.v == VERDICT_UNREACHABLE)
			ck_assert_int_eq(f.vantage, VANTAGE_DIRECT);
		/* A connector on the resolver's word is never asked for while
		 * the resolver fails for everyone. */
		if (verdict_needs_connector(res.v) && res.basis == BASIS_RESOLVER)
			ck_assert(f.resolver == RSTATUS_OK || f.resolver == RSTATUS_UNKNOWN);
		/* No MX host's server replied: a verdict resting on what
		 * servers said directly rests on the domain's own servers'
		 * MX answer, or on their silence (unreachable). */
		if (!replied && res.basis == BASIS_DIRECT)
			ck_assert(res.proof == f.auth_mx.q ||
			    res.proof == f.auth_mx_edns.q ||
			    res.v == VERDICT_UNREACHABLE ||
			    /* a truncated reply (TCP then failed) */
			    res.note == NOTE_TCP_REMOTE || res.note == NOTE_TCP_HERE);
	}
}
END_TEST

START_TEST(test_names)
{
	vantage v;
	unsigned i;

	for (i = 0; i < VANTAGE_COUNT; i++) {
		ck_assert_int_eq(vantage_from_string(vantage_to_string((vantage)i), &v), 0);
		ck_assert_int_eq(v, (vantage)i);
	}
	ck_assert_str_eq(vantage_to_string(VANTAGE_BLOCKED), "blocked");
	ck_assert_str_eq(vantage_to_string(VANTAGE_DIRECT), "reachable");
	ck_assert_int_eq(vantage_from_string("Blocked", &v), -1);
	ck_assert_str_eq(fact_to_string(FACT_TIMEOUT), "timeout");
	ck_assert_str_eq(cf_basis_to_string(BASIS_RESOLVER), "resolver");
	ck_assert_str_eq(cf_note_text(NOTE_NONE), "");
	for (i = 1; i < NOTE_COUNT; i++)
		ck_assert_uint_gt(strlen(cf_note_text((cf_note)i)), 10);
	/* The blocked-vantage note never claims what was not seen. */
	ck_assert_ptr_null(strstr(cf_note_text(NOTE_VIA_RESOLVER), "correctly"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("table");

	/* 30,000 random facts, each classified twice: seconds under
	 * valgrind. */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_table_row, 0, (int)NROWS);
	tcase_add_test(tc, test_every_verdict_has_a_row);
	tcase_add_test(tc, test_invariants_random);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
