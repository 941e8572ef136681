/* check_plan.c - the plan file: round trips, every malformed plan refused
 * with FILE:LINE, saving that never loses a plan (also under kill -9). */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "addr.h"
#include "escape.h"
#include "ini.h"
#include "lab_loop.h"
#include "lab_world.h"
#include "plan.h"
#include "probe.h"
#include "util.h"
#include "unit.h"

static char tmpdir[64];

static char *
tpath(const char *name)
{
	static char buf[4][256];
	static unsigned slot;
	char *b = buf[slot++ & 3];

	snprintf(b, sizeof buf[0], "%s/%s", tmpdir, name);
	return b;
}

static void
write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static char *
read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* A specific-domains plan like the one in exdns-plan(5). */
static plan *
sample_plan(void)
{
	plan *p = plan_new();
	plan_connector *c;

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->branch = BRANCH_SPECIFIC_DOMAINS;
	p->resolver = xstrdup("10.0.0.10");
	strv_push(&p->transport_servers, &p->ntransport, "EX01");
	strv_push(&p->transport_servers, &p->ntransport, "EX02");
	p->internet_connector = xstrdup("Internet");
	c = plan_add_connector(p, "contoso.com");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.21");
	strv_push(&c->smart_hosts, &c->nsmart, "192.0.2.22");
	strv_push(&c->mx, &c->nmx, "mail.contoso.com");
	c->verdict = VERDICT_AAAA_DROPPED;
	strv_push(&c->evidence, &c->nevidence,
	    "ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: no answer, 3 tries");
	c = plan_add_connector(p, "fabrikam.example");
	strv_push(&c->smart_hosts, &c->nsmart, "198.51.100.25");
	strv_push(&c->mx, &c->nmx, "mx1.fabrikam.example");
	strv_push(&c->mx, &c->nmx, "mx2.fabrikam.example");
	c->verdict = VERDICT_AAAA_BAD_RESPONSE;
	strv_push(&c->evidence, &c->nevidence, "first ; with # comment marks");
	strv_push(&c->evidence, &c->nevidence, "second 'quoted' = sign");
	strv_push(&c->evidence, &c->nevidence, "third");
	return p;
}

static plan *
external_plan(void)
{
	plan *p = plan_new();

	snprintf(p->created, sizeof p->created, "2026-11-25T10:00:00Z");
	p->branch = BRANCH_ALL_DOMAINS;
	p->resolver = xstrdup("127.0.53.55@10053");
	strv_push(&p->transport_servers, &p->ntransport, "ex01.corp.example");
	p->internet_connector = xstrdup("Internet Send (main)");
	p->has_external = true;
	strv_push(&p->external_servers, &p->nexternal, "192.0.2.53");
	strv_push(&p->external_servers, &p->nexternal, "2001:db8::53");
	strv_push(&p->external_servers, &p->nexternal, "127.0.55.1@10053");
	strv_push(&p->external_evidence, &p->nexternal_evidence,
	    "resolver 127.0.53.55@10053: timeout");
	return p;
}

static void
check_round_trip(plan *p)
{
	char err[1024], *text, *saved;
	plan *q;
	const char *path = tpath("rt.ini");

	unlink(path);
	text = plan_format(p, err, sizeof err);
	ck_assert_msg(text != NULL, "%s", err);
	ck_assert_int_eq(plan_save(path, p, 0, err, sizeof err), PLAN_SAVE_OK);
	saved = read_bytes(path, NULL);
	ck_assert_str_eq(saved, text);
	q = plan_load(path, err, sizeof err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert(plan_equal(p, q, false));
	free(text);
	/* and writing what was read gives the same bytes */
	text = plan_format(q, err, sizeof err);
	ck_assert_msg(text != NULL, "%s", err);
	ck_assert_str_eq(text, saved);
	free(text);
	free(saved);
	plan_free(q);
}

START_TEST(test_round_trip_specific)
{
	plan *p = sample_plan();

	check_round_trip(p);
	plan_free(p);
}
END_TEST

START_TEST(test_round_trip_external)
{
	plan *p = external_plan();

	snprintf(p->updated, sizeof p->updated, "2026-12-01T00:00:00Z");
	check_round_trip(p);
	p->use_external_dns_lookups = false;
	check_round_trip(p);
	plan_free(p);
}
END_TEST

START_TEST(test_round_trip_no_fault)
{
	plan *p = plan_new();

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->resolver = xstrdup("::1@5353");
	check_round_trip(p);
	plan_free(p);
}
END_TEST


/* The writer's choices: quoted free text, numbered evidence only when there
 * are several, the header and the end mark. */
START_TEST(test_writer_text)
{
	plan *p = sample_plan();
	char err[512], *t = plan_format(p, err, sizeof err);

	ck_assert_msg(t != NULL, "%s", err);
	{
		static const char head[] = "; Remediation plan for \"451 4.4.0 "
		    "DNS query failed\" \xe2\x80\x94 exdns " PACKAGE_VERSION "\n";
		ck_assert_msg(strncmp(t, head, strlen(head)) == 0, "%s", t);
	}
	ck_assert_ptr_nonnull(strstr(t, "\n[plan]\nformat = 1\n"
	    "created = \"2026-11-25T09:30:00Z\"\nbranch = specific-domains\n"
	    "resolver = 10.0.0.10\nsource_transport_servers = EX01, EX02\n"
	    "internet_connector = \"Internet\"\n"));
	ck_assert_ptr_nonnull(strstr(t, "\n[connector contoso.com]\n"
	    "address_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21, 192.0.2.22\nsmart_host_auth = None\n"
	    "dns_routing = false\nmx = mail.contoso.com\nverdict = aaaa-dropped\n"
	    "evidence = \"ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: "
	    "no answer, 3 tries\"\n"));
	ck_assert_ptr_nonnull(strstr(t, "evidence1 = \"first ; with # comment "
	    "marks\"\nevidence2 = \"second 'quoted' = sign\"\n"
	    "evidence3 = \"third\"\n"));
	ck_assert_ptr_nonnull(strstr(t, "\n; end of plan\n"));
	ck_assert_ptr_null(strstr(t, "[external-dns]"));
	free(t);
	plan_free(p);
}
END_TEST

/* The example of exdns-plan(5), as a person would write it. */
static const char manual_example[] =
    "; Remediation plan for \"451 4.4.0 DNS query failed\" \xe2\x80\x94 exdns 0.1.0\n"
    "[plan]\n"
    "format = 1\n"
    "created = \"2026-11-25T09:30:00Z\"\n"
    "branch = specific-domains            ; specific-domains | all-domains\n"
    "resolver = 10.0.0.10\n"
    "source_transport_servers = EX01, EX02 ; optional\n"
    "internet_connector = \"Internet\"       ; optional\n"
    "\n"
    "[connector contoso.com]\n"
    "address_space = contoso.com\n"
    "smart_hosts = 192.0.2.21, 192.0.2.22\n"
    "smart_host_auth = None\n"
    "dns_routing = false\n"
    "mx = mail.contoso.com\n"
    "verdict = aaaa-dropped\n"
    "evidence = \"ns1.contoso.com (198.51.100.53): AAAA mail.contoso.com: no answer, 3 tries\"\n";

START_TEST(test_load_manual_example)
{
	char err[512];
	plan *p, *want = sample_plan();

	write_bytes(tpath("ex.ini"), manual_example, strlen(manual_example));
	p = plan_load(tpath("ex.ini"), err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	plan_remove_connector(want, 1);
	ck_assert(plan_equal(p, want, false));
	ck_assert_uint_eq(p->connectors[0].line, 10);
	ck_assert_uint_eq(p->connectors[0].line_smart_hosts, 12);
	plan_free(p);
	plan_free(want);
}
END_TEST

/* Windows line ends, single quotes, quoted lists, keys in capitals, evidence
 * numbered by hand out of order. */
START_TEST(test_load_tolerated_forms)
{
	static const char text[] =
	    "[Plan]\r\n"
	    "Format = 1\r\n"
	    "created = '2026-11-25T09:30:00Z'\r\n"
	    "branch = specific-domains\r\n"
	    "resolver = \"10.0.0.10@5353\"\r\n"
	    "[connector Contoso.COM.]\r\n"
	    "address_space = contoso.com\r\n"
	    "smart_hosts = \"192.0.2.21,192.0.2.22\"\r\n"
	    "verdict = aaaa-bad-response\r\n"
	    "evidence10 = 'ten'\r\n"
	    "evidence2 = two\r\n"
	    "evidence = zero # a comment\r\n";
	char err[512];
	plan *p;

	write_bytes(tpath("tol.ini"), text, sizeof text - 1);
	p = plan_load(tpath("tol.ini"), err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_str_eq(p->resolver, "10.0.0.10@5353");
	ck_assert_str_eq(p->connectors[0].domain, "contoso.com");
	ck_assert_uint_eq(p->connectors[0].nsmart, 2);
	ck_assert_str_eq(p->connectors[0].smart_hosts[1], "192.0.2.22");
	ck_assert_int_eq(p->connectors[0].verdict, VERDICT_AAAA_BAD_RESPONSE);
	ck_assert_uint_eq(p->connectors[0].nevidence, 3);
	ck_assert_str_eq(p->connectors[0].evidence[0], "zero");
	ck_assert_str_eq(p->connectors[0].evidence[1], "two");
	ck_assert_str_eq(p->connectors[0].evidence[2], "ten");
	ck_assert_uint_eq(p->ntransport, 0);
	ck_assert_ptr_null(p->internet_connector);
	plan_free(p);
}
END_TEST

/* ---- malformed plans ------------------------------------------------- */

static const char good_head[] =
    "[plan]\n"                                  /* 1 */
    "format = 1\n"                              /* 2 */
    "created = \"2026-11-25T09:30:00Z\"\n"      /* 3 */
    "branch = specific-domains\n"               /* 4 */
    "resolver = 10.0.0.10\n";                   /* 5 */
static const char good_conn[] =
    "[connector contoso.com]\n"                 /* 6 */
    "address_space = contoso.com\n"             /* 7 */
    "smart_hosts = 192.0.2.21, 192.0.2.22\n"    /* 8 */
    "verdict = aaaa-dropped\n";                 /* 9 */

/* Loads bytes that must be refused: the message starts with PATH:LINE: and
 * says what is wrong; the file is left as it was. */
static void
refuse(const char *data, size_t len, unsigned line, const char *what)
{
	char err[1024], want[300], *after;
	const char *path = tpath("bad.ini");
	struct stat st1, st2;
	size_t alen;
	plan *p;

	write_bytes(path, data, len);
	ck_assert_int_eq(stat(path, &st1), 0);
	p = plan_load(path, err, sizeof err);
	ck_assert_msg(p == NULL, "accepted a plan with %s", what);
	snprintf(want, sizeof want, "%s:%u: ", path, line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "wanted '%s...', got '%s'", want, err);
	ck_assert_msg(strstr(err, what) != NULL, "wanted '%s' in '%s'", what, err);
	ck_assert_msg(strchr(err, '\n') == NULL, "multi-line message '%s'", err);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_eq(st1.st_mtime, st2.st_mtime);
	ck_assert_int_eq(st1.st_size, st2.st_size);
	after = read_bytes(path, &alen);
	ck_assert_uint_eq(alen, len);
	ck_assert(memcmp(after, data, len) == 0);
	free(after);
}

static void
refuse_text(const char *text, unsigned line, const char *what)
{
	refuse(text, strlen(text), line, what);
}

static char *
cat3(const char *a, const char *b, const char *c)
{
	char *s = xmalloc(strlen(a) + strlen(b) + strlen(c) + 1);

	strcpy(s, a);
	strcat(s, b);
	strcat(s, c);
	return s;
}

#define REFUSE3(a, b, c, line, what) do { \
	char *t_ = cat3((a), (b), (c)); \
	refuse_text(t_, (line), (what)); \
	free(t_); \
} while (0)

START_TEST(test_refuse_syntax)
{
	REFUSE3(good_head, good_conn, "this line has no equals sign\n", 10,
	    "expected 'key = value'");
	REFUSE3(good_head, "[connector contoso.com\n", "", 6,
	    "section line");
	REFUSE3(good_head, "[plan] junk\n", "", 6, "section line");
	REFUSE3(good_head, "[plan]; comment\n", "", 6, "section line");
	REFUSE3(good_head, "[]\n", "", 6, "empty section name");
	REFUSE3(good_head, " = 5\n", "", 6, "no key before '='");
	REFUSE3(good_head, "bad key = 5\n", "", 6, "is not a key name");
	REFUSE3("format = 1\n", good_head, "", 1, "before the first [section]");
	REFUSE3(good_head, good_conn, "evidence = \"never closed\n", 10,
	    "no closing \" quote");
	REFUSE3(good_head, good_conn, "evidence = \"closed\" junk\n", 10,
	    "text after the closing quote");
	REFUSE3(good_head, good_conn, "evidence = continued \\\n", 10,
	    "continuation lines are not allowed");
	REFUSE3(good_head, good_conn, "evidence = caf\xc3\xa9\n", 10,
	    "non-ASCII text outside a comment");
}
END_TEST

START_TEST(test_refuse_versions_and_keys)
{
	refuse_text("[plan]\nformat = 2\ncreated = \"2026-11-25T09:30:00Z\"\n", 2,
	    "plan format 2 is newer than this exdns reads (1)");
	refuse_text("[plan]\nformat = 0\n", 2, "unknown plan format 0");
	refuse_text("[plan]\nformat = one\n", 2, "'one' is not a version number");
	/* missing [plan], missing keys */
	refuse_text("; nothing but a comment\n", 1, "no [plan] section");
	refuse_text(good_conn, 1, "no [plan] section");
	refuse_text("", 1, "empty file");
	refuse_text("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = no-dns-fault\n", 1, "[plan] has no 'resolver' key");
	refuse_text("[plan]\nformat = 1\nbranch = no-dns-fault\n"
	    "resolver = 10.0.0.10\n", 1, "[plan] has no 'created' key");
	refuse_text("\n\n[plan]\ncreated = \"2026-11-25T09:30:00Z\"\n", 3,
	    "[plan] has no 'format' key");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "verdict = aaaa-dropped\n", "", 6,
	    "[connector contoso.com] has no 'smart_hosts' key");
	REFUSE3(good_head, "[connector contoso.com]\n"
	    "smart_hosts = 192.0.2.1\nverdict = aaaa-dropped\n", "", 6,
	    "has no 'address_space' key");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.1\n", "", 6, "has no 'verdict' key");
	REFUSE3(good_head, good_conn, "colour = blue\n", 10,
	    "unknown key 'colour' in [connector contoso.com]");
	REFUSE3(good_head, "[extras]\n", "", 6, "unknown section [extras]");
	/* the branch and the sections must agree */
	refuse_text(good_head, 4, "specific-domains needs at least one "
	    "[connector DOMAIN]");
	REFUSE3(good_head, good_conn, "[external-dns]\nservers = 192.0.2.53\n",
	    10, "[external-dns] belongs only to branch all-domains");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = all-domains\nresolver = 10.0.0.10\n", "", "", 4,
	    "all-domains needs an [external-dns] section");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = all-domains\nresolver = 10.0.0.10\n[external-dns]\n",
	    "use_external_dns_lookups = true\n", "", 6,
	    "[external-dns] has no 'servers' key");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = sideways\n", "", "", 4, "branch: 'sideways' is not");
	REFUSE3("[plan]\nformat = 1\ncreated = \"yesterday\"\n", "", "", 3,
	    "not a UTC time");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-13-25T09:30:00Z\"\n", "",
	    "", 3, "not a UTC time");
}
END_TEST

START_TEST(test_refuse_values)
{
	/* IPv4 addresses */
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21, 192.0.2.300\nverdict = aaaa-dropped\n", "",
	    8, "smart_hosts: '192.0.2.300' is not an IPv4 address");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 2001:db8::25\nverdict = aaaa-dropped\n", "",
	    8, "is not an IPv4 address");
	/* Addresses that point back into a site or nowhere: never a smart
	 * host, whatever a DNS answer or a hand-edited plan says. */
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21, 127.0.0.1\nverdict = aaaa-dropped\n", "",
	    8, "smart_hosts: '127.0.0.1' is not an IPv4 address that may be a "
	    "smart host");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 10.0.0.5\nverdict = aaaa-dropped\n", "",
	    8, "'10.0.0.5' is not an IPv4 address that may be a smart host");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 255.255.255.255\nverdict = aaaa-dropped\n", "",
	    8, "'255.255.255.255' is not an IPv4 address that may be");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21,,192.0.2.22\nverdict = aaaa-dropped\n", "",
	    8, "empty item");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21, 192.0.2.21\nverdict = aaaa-dropped\n", "",
	    8, "listed twice");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = no-dns-fault\nresolver = 10.0.0.300\n", "", "", 5,
	    "resolver: '10.0.0.300' is not an IP address");
	REFUSE3("[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = all-domains\nresolver = 10.0.0.10\n[external-dns]\n",
	    "servers = 192.0.2.53, dns.google\n", "", 7,
	    "servers: 'dns.google' is not an IP address");
	/* domain names */
	REFUSE3(good_head, "[connector exa_mple.com]\n", "", 6,
	    "'exa_mple.com' is not a domain name");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = fabrikam.com\n",
	    "", 7, "address_space 'fabrikam.com' is not the section's domain");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21\nmx = mail..contoso.com\n",
	    "verdict = aaaa-dropped\n", 9,
	    "mx: 'mail..contoso.com' is not a host name");
	/* verdicts and fixed values */
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21\nverdict = broken\n", "", 9,
	    "verdict: 'broken' is not a verdict name");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts = 192.0.2.21\nverdict = ok\n", "", 9,
	    "'ok' does not call for a connector");
	/* ... and the message names every verdict that does */
	{
		unsigned v;
		for (v = 0; v < VERDICT_COUNT; v++)
			if (verdict_needs_connector((verdict)v))
				REFUSE3(good_head, "[connector contoso.com]\n"
				    "address_space = contoso.com\nsmart_hosts = "
				    "192.0.2.21\nverdict = ok\n", "", 9,
				    verdict_to_string((verdict)v));
	}
	REFUSE3(good_head, good_conn, "smart_host_auth = BasicAuth\n", 10,
	    "only 'None' is supported");
	REFUSE3(good_head, good_conn, "dns_routing = true\n", 10,
	    "dns_routing: must be 'false'");
	/* names that could carry PowerShell */
	REFUSE3(good_head, "internet_connector = \"Internet'; Remove-Item C:\\ -Recurse; '\"\n",
	    good_conn, 6, "is not a connector name");
	REFUSE3(good_head, "internet_connector = \"$(Stop-Service MSExchangeTransport)\"\n",
	    good_conn, 6, "is not a connector name");
	REFUSE3(good_head, "source_transport_servers = EX01, EX02`nRemove-Item\n",
	    good_conn, 6, "is not a server name");
	REFUSE3(good_head, good_conn, "evidence = 'a \"quoted\" word'\n", 10,
	    "evidence: printable text without '\"'");
}
END_TEST

/* A key without a value is an error of the format (it once crashed
 * iniparser's number parsers, CVE-2023-33461, when iniparser read plans). */
START_TEST(test_refuse_valueless_keys)
{
	refuse_text("[plan]\nformat =\n", 2, "key 'format' has no value");
	refuse_text("[plan]\nformat = ; a comment only\n", 2,
	    "key 'format' has no value");
	refuse_text("[plan]\nformat = \"\"\n", 2, "key 'format' has no value");
	REFUSE3(good_head, good_conn, "dns_routing =\n", 10,
	    "key 'dns_routing' has no value");
	REFUSE3(good_head, "[connector contoso.com]\naddress_space = contoso.com\n"
	    "smart_hosts =   \n", "", 8, "key 'smart_hosts' has no value");
}
END_TEST

START_TEST(test_refuse_duplicates)
{
	REFUSE3(good_head, "format = 1\n", good_conn, 6,
	    "key 'format' given twice in [plan] (first at line 2)");
	REFUSE3(good_head, good_conn, "SMART_HOSTS = 192.0.2.99\n", 10,
	    "key 'smart_hosts' given twice in [connector contoso.com] "
	    "(first at line 8)");
	REFUSE3(good_head, good_conn, "[plan]\n", 10,
	    "section [plan] repeats line 1");
	REFUSE3(good_head, good_conn, "[Connector CONTOSO.com.]\n", 10,
	    "[connector contoso.com] repeats the domain of line 6");
}
END_TEST

START_TEST(test_refuse_binary)
{
	static const char nul[] = "[plan]\nformat = 1\0\n";
	static const char junk[] = "[plan]\nformat = 1\ncreated = \x01\x02\x03\n";
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0";
	static const char badutf8[] = "[plan]\n; caf\xe9 au lait\n";
	static const char bom[] = "\xef\xbb\xbf[plan]\nformat = 1\n";
	static const char cr[] = "[plan]\nformat = 1\rbranch = x\n";

	refuse(nul, sizeof nul - 1, 2, "NUL byte at column 11");
	refuse(junk, sizeof junk - 1, 3, "control byte 0x01 at column 11");
	refuse(elf, sizeof elf - 1, 1, "binary data");
	refuse(badutf8, sizeof badutf8 - 1, 2, "byte 0xe9 at column 6 is not UTF-8");
	refuse(bom, sizeof bom - 1, 1, "byte-order mark");
	refuse(cr, sizeof cr - 1, 2, "control byte 0x0d");
}
END_TEST

START_TEST(test_refuse_long_line_and_huge_file)
{
	char *t;
	size_t i, n;

	/* 1001 bytes on line 6 */
	n = strlen(good_head);
	t = xmalloc(n + 1100 + sizeof good_conn);
	memcpy(t, good_head, n);
	memcpy(t + n, "; ", 2);
	for (i = n + 2; i < n + 1001; i++)
		t[i] = 'x';
	t[i++] = '\n';
	refuse(t, i, 6, "line longer than 1000 bytes");
	/* exactly 1000 bytes is fine: the same plan, line 6 one byte
	 * shorter, followed by a connector, loads */
	t[n + 1000] = '\n';
	memcpy(t + n + 1001, good_conn, strlen(good_conn));
	write_bytes(tpath("ok.ini"), t, n + 1001 + strlen(good_conn));
	free(t);
	{
		char err[1024] = "";
		plan *p = plan_load(tpath("ok.ini"), err, sizeof err);
		ck_assert_msg(p != NULL, "a line of 1000 bytes refused: %s", err);
		ck_assert_uint_eq(p->nconnectors, 1);
		ck_assert_str_eq(p->connectors[0].domain, "contoso.com");
		plan_free(p);
	}

	/* 16 MiB of comments and one more line */
	n = PLAN_MAX_BYTES + 100;
	t = xmalloc(n);
	memcpy(t, "[plan]\n", 7);
	for (i = 7; i < n; i++)
		t[i] = (i % 100 == 99) ? '\n' : ';';
	refuse(t, n, 167774, "file larger than 16777216 bytes");
	free(t);
}
END_TEST

START_TEST(test_missing_file)
{
	char err[512];

	ck_assert_ptr_null(plan_load(tpath("no-such-plan.ini"), err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	ck_assert_ptr_null(plan_load(tmpdir, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

/* ---- the writer refuses what it could not write faithfully ----------- */

START_TEST(test_writer_refuses)
{
	plan *p = sample_plan();
	char err[512];
	char *t;

	free(p->connectors[0].evidence[0]);
	p->connectors[0].evidence[0] = xstrdup("two\nlines");
	ck_assert_ptr_null(plan_format(p, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "evidence line 1"));
	free(p->connectors[0].evidence[0]);
	p->connectors[0].evidence[0] = xstrdup("ends in a backslash\\");
	ck_assert_ptr_null(plan_format(p, err, sizeof err));
	free(p->connectors[0].evidence[0]);
	p->connectors[0].evidence[0] = xstrdup("fine again");
	t = plan_format(p, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	free(t);
	free(p->connectors[1].smart_hosts[0]);
	p->connectors[1].smart_hosts[0] = xstrdup("192.0.2.1; rm -rf /");
	ck_assert_ptr_null(plan_format(p, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "not an IPv4 address"));
	ck_assert_int_eq(plan_save(tpath("never.ini"), p, 0, err, sizeof err),
	    PLAN_SAVE_ERROR);
	ck_assert_int_eq(access(tpath("never.ini"), F_OK), -1);
	plan_free(p);
}
END_TEST

START_TEST(test_sanitize_and_names)
{
	char *s;

	s = esc_dup(ESC_PLAN, "say \"hi\"\tthere\\", SIZE_MAX);
	ck_assert_str_eq(s, "say 'hi'\\x09there");
	free(s);
	ck_assert(plan_valid_server_name("EX01"));
	ck_assert(plan_valid_server_name("ex01.corp.example"));
	ck_assert(!plan_valid_server_name("EX01'"));
	ck_assert(!plan_valid_server_name("-WhatIf"));
	ck_assert(!plan_valid_server_name("EX 01"));
	ck_assert(!plan_valid_server_name(""));
	ck_assert(plan_valid_connector_name("Internet"));
	ck_assert(plan_valid_connector_name("Internet Send (EX01)"));
	ck_assert(!plan_valid_connector_name("Internet$"));
	ck_assert(!plan_valid_connector_name(" Internet"));
	ck_assert(!plan_valid_connector_name("Internet\xe2\x80\x99"));
	ck_assert(!plan_valid_connector_name("a;b"));
}
END_TEST

/* ---- saving ----------------------------------------------------------- */

START_TEST(test_save_never_overwrites_silently)
{
	plan *p = sample_plan(), *q = external_plan();
	const char *path = tpath("keep.ini");
	char err[1024], bak[300], *before, *after, *b;
	struct stat st;

	unlink(path);
	snprintf(bak, sizeof bak, "%s.bak", path);
	unlink(bak);
	ck_assert_int_eq(plan_save(path, p, 0, err, sizeof err), PLAN_SAVE_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	before = read_bytes(path, NULL);
	ck_assert_int_eq(plan_save(path, q, 0, err, sizeof err),
	    PLAN_SAVE_EXISTS);
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	ck_assert_ptr_nonnull(strstr(err, "--force"));
	after = read_bytes(path, NULL);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(access(bak, F_OK), -1);
	free(after);
	/* with the overwrite flag the old plan becomes PATH.bak */
	chmod(path, 0640);
	ck_assert_int_eq(plan_save(path, q, PLAN_SAVE_OVERWRITE, err, sizeof err),
	    PLAN_SAVE_OK);
	b = read_bytes(bak, NULL);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b, before);
	after = plan_format(q, err, sizeof err);
	free(b);
	b = read_bytes(path, NULL);
	ck_assert_str_eq(b, after);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);   /* mode kept */
	free(b);
	free(after);
	free(before);
	plan_free(p);
	plan_free(q);
}
END_TEST

START_TEST(test_save_into_missing_folder)
{
	plan *p = sample_plan();
	char err[1024];

	ck_assert_int_eq(plan_save(tpath("nope/plan.ini"), p, 0, err, sizeof err),
	    PLAN_SAVE_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "nope/plan.ini: cannot create a "
	    "temporary file"));
	plan_free(p);
}
END_TEST

/* kill -9 a writer at random moments: the plan (and its .bak) is always
 * one of the two whole versions, and always loads. */
START_TEST(test_kill_during_save)
{
	plan *a = sample_plan(), *b = external_plan();
	const char *path = tpath("crash.ini");
	char err[1024], bak[300], *ta, *tb, *now;
	unsigned i, killed_mid = 0;
	int status;
	pid_t pid;

	snprintf(bak, sizeof bak, "%s.bak", path);
	ta = plan_format(a, err, sizeof err);
	tb = plan_format(b, err, sizeof err);
	ck_assert(ta != NULL && tb != NULL);
	unlink(path);
	ck_assert_int_eq(plan_save(path, a, 0, err, sizeof err), PLAN_SAVE_OK);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	setenv("EXDNS_TEST_SLOW_SAVE", "2", 1);
	for (i = 0; i < 60; i++) {
		struct timespec ts = {0, (long)(rand() % 45) * 1000000L};
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			_exit(plan_save(path, i % 2 ? a : b, PLAN_SAVE_OVERWRITE,
			    err, sizeof err) == PLAN_SAVE_OK ? 0 : 1);
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			killed_mid++;
		else
			ck_assert_int_eq(WEXITSTATUS(status), 0);
		now = read_bytes(path, NULL);
		ck_assert_msg(now != NULL, "round %u: the plan vanished", i);
		ck_assert_msg(strcmp(now, ta) == 0 || strcmp(now, tb) == 0,
		    "round %u: a partial plan:\n%s", i, now);
		free(now);
		if ((now = read_bytes(bak, NULL)) != NULL) {
			ck_assert_msg(strcmp(now, ta) == 0 || strcmp(now, tb) == 0,
			    "round %u: a partial backup", i);
			free(now);
		}
		{
			plan *loaded = plan_load(path, err, sizeof err);
			ck_assert_msg(loaded != NULL, "round %u: %s", i, err);
			plan_free(loaded);
		}
	}
	unsetenv("EXDNS_TEST_SLOW_SAVE");
	/* most rounds must really have been cut short, or the test proves
	 * nothing */
	ck_assert_msg(killed_mid >= 30, "only %u of 60 writers were killed "
	    "while saving", killed_mid);
	free(ta);
	free(tb);
	plan_free(a);
	plan_free(b);
}
END_TEST

/* ---- where a save may write (issue 10 #3, #10) ------------------------- */

/* A FIFO, a device or a folder is never replaced, even with the overwrite
 * flag: a clear error, the node left as it was. */
/* fsync as the one atomic writer sees it: this program's definition comes
 * before libc's. fsync_fails, when set, is the errno of the next call. */
static int fsync_fails;

int
fsync(int fd)
{
	if (fsync_fails != 0) {
		errno = fsync_fails;
		fsync_fails = 0;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* fsync failing (EIO from a dying disk): the save fails and says why, the
 * temporary file is closed and removed, the old plan is intact (issue 10
 * #10: session.c skipped close() when fsync failed). */
START_TEST(test_save_fsync_fails)
{
	char err[600], dir[300];
	const char *path = tpath("fsync.ini");
	size_t fds, entries, len;
	char *after;

	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	write_bytes(path, "old\n", 4);
	fds = count_entries("/proc/self/fd");
	entries = count_entries(dir);
	fsync_fails = EIO;
	ck_assert_int_eq(plan_save_text(path, "new\n", PLAN_SAVE_OVERWRITE, err,
	    sizeof err), PLAN_SAVE_ERROR);
	ck_assert_msg(strstr(err, "Input/output error") != NULL, "%s", err);
	ck_assert_uint_eq(count_entries("/proc/self/fd"), fds);
	/* no temporary file left: the one new entry is the old plan's .bak */
	ck_assert_uint_eq(count_entries(dir), entries + 1);
	ck_assert_int_eq(access(tpath("fsync.ini.bak"), F_OK), 0);
	after = read_bytes(path, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(after, "old\n", 4) == 0);
	free(after);
	/* and the next save works */
	ck_assert_int_eq(plan_save_text(path, "new\n", PLAN_SAVE_OVERWRITE, err,
	    sizeof err), PLAN_SAVE_OK);
}
END_TEST

START_TEST(test_save_only_regular_files)
{
	plan *p = sample_plan();
	const char *fifo = tpath("fifo.ini"), *dir = tpath("dir.ini");
	char err[1024];
	struct stat st;
	unsigned fl;

	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	mkdir(dir, 0700);
	for (fl = 0; fl <= PLAN_SAVE_OVERWRITE; fl += PLAN_SAVE_OVERWRITE) {
		ck_assert_int_eq(plan_save(fifo, p, fl, err, sizeof err),
		    PLAN_SAVE_ERROR);
		ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s",
		    err);
		ck_assert_int_eq(lstat(fifo, &st), 0);
		ck_assert(S_ISFIFO(st.st_mode));
		ck_assert_int_eq(plan_save(dir, p, fl, err, sizeof err),
		    PLAN_SAVE_ERROR);
		ck_assert_msg(strstr(err, "is a directory") != NULL, "%s", err);
		ck_assert_int_eq(plan_save("/dev/null", p, fl, err, sizeof err),
		    PLAN_SAVE_ERROR);
		ck_assert_msg(strstr(err, "/dev/null: not a regular file") != NULL,
		    "%s", err);
		ck_assert_int_eq(lstat("/dev/null", &st), 0);
		ck_assert(S_ISCHR(st.st_mode));
	}
	plan_free(p);
}
END_TEST

/* A plan reached through a symbolic link: the link's target is written,
 * the link stays a link, PATH.bak holds the previous plan. */
START_TEST(test_save_through_symlink)
{
	plan *p = sample_plan(), *q = external_plan();
	const char *target = tpath("target.ini"), *link = tpath("link.ini");
	char err[1024], bak[300], *tp, *tq, *now;
	struct stat st;

	unlink(target);
	unlink(link);
	snprintf(bak, sizeof bak, "%s.bak", link);
	unlink(bak);
	ck_assert_int_eq(plan_save(target, p, 0, err, sizeof err), PLAN_SAVE_OK);
	ck_assert_int_eq(symlink("target.ini", link), 0);
	ck_assert_int_eq(plan_save(link, q, 0, err, sizeof err),
	    PLAN_SAVE_EXISTS);
	ck_assert_int_eq(plan_save(link, q, PLAN_SAVE_OVERWRITE, err,
	    sizeof err), PLAN_SAVE_OK);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert_msg(S_ISLNK(st.st_mode), "the link was replaced by a file");
	tp = plan_format(p, err, sizeof err);
	tq = plan_format(q, err, sizeof err);
	now = read_bytes(target, NULL);
	ck_assert_str_eq(now, tq);
	free(now);
	ck_assert_int_eq(lstat(bak, &st), 0);
	ck_assert_msg(S_ISREG(st.st_mode), "the backup is not a file of its own");
	now = read_bytes(bak, NULL);
	ck_assert_str_eq(now, tp);
	free(now);
	/* a link to nowhere is refused, not turned into a file */
	unlink(target);
	ck_assert_int_eq(plan_save(link, p, PLAN_SAVE_OVERWRITE, err,
	    sizeof err), PLAN_SAVE_ERROR);
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(access(target, F_OK), -1);
	free(tp);
	free(tq);
	plan_free(p);
	plan_free(q);
}
END_TEST

/* Names of the files in the test folder that start with prefix. */
static unsigned
count_prefixed(const char *prefix)
{
	char cmd[400], line[300];
	unsigned n = 0;
	FILE *f;

	snprintf(cmd, sizeof cmd, "ls -A '%s'", tmpdir);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL)
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	pclose(f);
	return n;
}

/* SIGTERM, SIGHUP or SIGINT while a plan is saved: the writer dies by that
 * signal and leaves no temporary file; the plan is whole. */
START_TEST(test_signal_during_save_leaves_no_temp)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT };
	plan *a = sample_plan(), *b = external_plan();
	const char *path = tpath("sig.ini");
	char err[1024], *ta, *tb, *now;
	unsigned i, tries;
	int status;
	pid_t pid;

	ta = plan_format(a, err, sizeof err);
	tb = plan_format(b, err, sizeof err);
	unlink(path);
	ck_assert_int_eq(plan_save(path, a, 0, err, sizeof err), PLAN_SAVE_OK);
	setenv("EXDNS_TEST_SLOW_SAVE", "20", 1);
	for (i = 0; i < 3; i++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			/* as exdns runs: Check's own handlers are not ours */
			signal(sigs[i], SIG_DFL);
			_exit(plan_save(path, b, PLAN_SAVE_OVERWRITE, err,
			    sizeof err) == PLAN_SAVE_OK ? 0 : 1);
		}
		/* wait until the temporary file is there */
		for (tries = 0; tries < 2000 && count_prefixed(".sig.ini.") == 0;
		    tries++)
			usleep(1000);
		ck_assert_msg(tries < 2000, "no temporary file appeared");
		kill(pid, sigs[i]);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i],
		    "the writer did not die by signal %d (status 0x%x)", sigs[i],
		    status);
		ck_assert_msg(count_prefixed(".sig.ini.") == 0,
		    "signal %d left a temporary file", sigs[i]);
		now = read_bytes(path, NULL);
		ck_assert(strcmp(now, ta) == 0 || strcmp(now, tb) == 0);
		free(now);
	}
	unsetenv("EXDNS_TEST_SLOW_SAVE");
	free(ta);
	free(tb);
	plan_free(a);
	plan_free(b);
}
END_TEST

static volatile sig_atomic_t hup_seen;

static void
note_hup(int sig)
{
	(void)sig;
	hup_seen = 1;
}

/* A program that handles the signal itself (the wizard saves its session
 * when SIGHUP comes, and a second SIGHUP can come during that save: the
 * kernel's and tmux's) keeps its handler: the save is not undone under
 * it, and the handler sees the signal. */
START_TEST(test_signal_with_own_handler_keeps_the_save)
{
	plan *b = external_plan();
	const char *path = tpath("own.ini");
	char err[1024], *tb, *now;
	unsigned tries;
	int status;
	pid_t pid;

	tb = plan_format(b, err, sizeof err);
	unlink(path);
	setenv("EXDNS_TEST_SLOW_SAVE", "20", 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bool ok;

		signal(SIGHUP, note_hup);
		ok = plan_save(path, b, 0, err, sizeof err) == PLAN_SAVE_OK &&
		    hup_seen;
		free(tb);               /* valgrind checks this process too */
		plan_free(b);
		_exit(ok ? 0 : 1);
	}
	for (tries = 0; tries < 2000 && count_prefixed(".own.ini.") == 0;
	    tries++)
		usleep(1000);
	ck_assert_msg(tries < 2000, "no temporary file appeared");
	kill(pid, SIGHUP);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the save failed or the handler missed the signal (status 0x%x)",
	    status);
	now = read_bytes(path, NULL);
	ck_assert_str_eq(now, tb);
	free(now);
	ck_assert_int_eq(count_prefixed(".own.ini."), 0);
	unsetenv("EXDNS_TEST_SLOW_SAVE");
	free(tb);
	plan_free(b);
}
END_TEST

START_TEST(test_copy_and_equal)
{
	plan *p = sample_plan(), *q = plan_copy(p);

	ck_assert(plan_equal(p, q, false));
	snprintf(q->updated, sizeof q->updated, "2027-01-01T00:00:00Z");
	ck_assert(!plan_equal(p, q, false));
	ck_assert(plan_equal(p, q, true));
	free(q->connectors[1].smart_hosts[0]);
	q->connectors[1].smart_hosts[0] = xstrdup("198.51.100.26");
	ck_assert(!plan_equal(p, q, true));
	plan_remove_connector(q, 0);
	ck_assert_uint_eq(q->nconnectors, 1);
	ck_assert_str_eq(q->connectors[0].domain, "fabrikam.example");
	ck_assert(plan_same_set((char *[]){"a", "b"}, 2, (char *[]){"b", "a"}, 2));
	ck_assert(!plan_same_set((char *[]){"a", "b"}, 2, (char *[]){"a"}, 1));
	plan_free(p);
	plan_free(q);
}
END_TEST

/* A no-fault plan keeps the domains it probed, for replay; the loader
 * checks them. */
START_TEST(test_checked_domains)
{
	static const char head[] =
	    "[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
	    "branch = no-dns-fault\nresolver = 192.0.2.53\n";
	plan *p = plan_new(), *q;
	char *t, err[600];

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->resolver = xstrdup("192.0.2.53");
	p->checked = xcalloc(2, sizeof *p->checked);
	p->nchecked = 2;
	strcpy(p->checked[0].domain, "contoso.com");
	p->checked[0].verdict = VERDICT_OK;
	strcpy(p->checked[1].domain, "xn--mnchen-3ya.de");
	p->checked[1].verdict = VERDICT_NXDOMAIN;
	check_round_trip(p);
	t = plan_format(p, err, sizeof err);
	ck_assert_ptr_nonnull(strstr(t, "\n[checked contoso.com]\nverdict = ok\n"
	    "[checked xn--mnchen-3ya.de]\nverdict = nxdomain\n"));
	free(t);
	q = plan_copy(p);
	ck_assert(plan_equal(p, q, false));
	q->checked[1].verdict = VERDICT_OK;
	ck_assert(!plan_equal(p, q, false));
	plan_free(q);
	plan_free(p);

	t = cat3(head, "[checked contoso.com]\nverdict = aaaa-dropped\n", "");
	refuse_text(t, 6, "calls for a connector");
	free(t);
	t = cat3(head, "[checked contoso.com]\nsmart_hosts = 192.0.2.1\n", "");
	refuse_text(t, 7, "unknown key 'smart_hosts' in [checked contoso.com]");
	free(t);
	t = cat3(head, "[checked contoso.com]\n", "");
	refuse_text(t, 6, "has no 'verdict' key");
	free(t);
	t = cat3(head, "[checked bad_name.com]\nverdict = ok\n", "");
	refuse_text(t, 6, "is not a domain name");
	free(t);
}
END_TEST

/* A [checked] domain whose verdict is a fault keeps its evidence, in the
 * form, limits and order of a connector's; an ok one stays bare. */
static const char checked_head[] =
    "[plan]\nformat = 1\ncreated = \"2026-11-25T09:30:00Z\"\n"
    "branch = specific-domains\nresolver = 192.0.2.53\n"
    "[connector contoso.com]\naddress_space = contoso.com\n"
    "smart_hosts = 192.0.2.21\nverdict = aaaa-dropped\n";

/* checked_head, [checked] sections with evidence (cname.example's last
 * line: alias), loaded from the file name. */
static plan *
load_checked(const char *name, const char *alias)
{
	char err[600], *t, *u;
	plan *p;

	u = cat3("[checked cname.example]\nverdict = mx-cname\nevidence = '",
	    alias, "'\n");
	t = cat3(checked_head, "[checked lame.example]\n"
	    "verdict = lame-delegation\nevidence2 = \"second ; # = 'q'\"\n"
	    "evidence = \"ns2.lame.example (127.0.54.91): A mail.lame.example: "
	    "REFUSED\"\n[checked ok.example]\nverdict = ok\n", u);
	write_bytes(tpath(name), t, strlen(t));
	free(t);
	free(u);
	p = plan_load(tpath(name), err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	return p;
}

START_TEST(test_checked_evidence_round_trip)
{
	char err[600], *t, *want;
	plan *p, *q;

	/* both key forms, mixed and out of order, as for a connector */
	p = load_checked("ck.ini", "an alias of host.cname.example");
	free(p->path);
	p->path = NULL;
	t = plan_format(p, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	want = "[checked lame.example]\nverdict = lame-delegation\n"
	    "evidence1 = \"ns2.lame.example (127.0.54.91): A mail.lame.example: "
	    "REFUSED\"\nevidence2 = \"second ; # = 'q'\"\n"
	    "[checked ok.example]\nverdict = ok\n"
	    "[checked cname.example]\nverdict = mx-cname\n"
	    "evidence = \"an alias of host.cname.example\"\n";
	ck_assert_msg(strstr(t, want) != NULL, "wanted\n%s\nin\n%s", want, t);
	free(t);
	check_round_trip(p);
	q = plan_copy(p);
	ck_assert(plan_equal(p, q, false));
	plan_free(q);

	/* another evidence line: another plan */
	q = load_checked("ck2.ini", "an alias of another host");
	ck_assert(!plan_equal(p, q, true));
	plan_free(q);
	plan_free(p);
}
END_TEST

/* A bad evidence line in [checked] is refused as in a connector: FILE:LINE
 * of the line, the file untouched. */
START_TEST(test_checked_evidence_refused)
{
	char line512[600], *t;

	memset(line512, 'x', 512);
	line512[512] = '\0';
	/* the same message as in a connector, at the same line */
	REFUSE3(checked_head, "[checked lame.example]\nverdict = lame-delegation\n"
	    "evidence = 'a \" quote'\n", "", 12,
	    "evidence: printable text without '\"', at most 511 bytes");
	REFUSE3(checked_head, "evidence = 'a \" quote'\n", "", 10,
	    "evidence: printable text without '\"', at most 511 bytes");
	t = cat3("[checked lame.example]\nverdict = lame-delegation\n"
	    "evidence1 = fine\nevidence7 = \"", line512, "\"\n");
	REFUSE3(checked_head, t, "", 13,
	    "evidence7: printable text without '\"', at most 511 bytes");
	free(t);
	REFUSE3(checked_head, "[checked lame.example]\nverdict = lame-delegation\n",
	    "evidence100 = \"one too many digits\"\n", 12,
	    "unknown key 'evidence100' in [checked lame.example]");
	REFUSE3(checked_head, "[checked lame.example]\nverdict = lame-delegation\n",
	    "evidence = \"one\"\nEvidence = \"twice\"\n", 13,
	    "given twice");
	/* a domain is a [connector] or [checked], never both */
	REFUSE3(checked_head, "[checked contoso.com]\nverdict = mx-cname\n",
	    "evidence = \"an alias\"\n", 10,
	    "[checked contoso.com]: the domain has a [connector] section too");
	/* an old plan: no evidence in [checked] */
	t = cat3(checked_head, "[checked lame.example]\nverdict = lame-delegation\n",
	    "");
	write_bytes(tpath("old.ini"), t, strlen(t));
	free(t);
	{
		char err[600];
		plan *p = plan_load(tpath("old.ini"), err, sizeof err);
		ck_assert_msg(p != NULL, "%s", err);
		ck_assert_uint_eq(p->nchecked, 1);
		plan_free(p);
	}
}
END_TEST

/* The writer checks [checked] evidence as a connector's. */
START_TEST(test_checked_evidence_writer)
{
	plan *p = plan_new();
	plan_checked *k;
	char err[600];

	snprintf(p->created, sizeof p->created, "2026-11-25T09:30:00Z");
	p->resolver = xstrdup("192.0.2.53");
	k = plan_add_checked(p, "lame.example", VERDICT_LAME_DELEGATION);
	strv_push(&k->evidence, &k->nevidence, "fine");
	strv_push(&k->evidence, &k->nevidence, "bell\a");
	ck_assert_ptr_null(plan_format(p, err, sizeof err));
	ck_assert_str_eq(err, "plan: [checked lame.example]: evidence line 2 "
	    "is not printable text without '\"'");
	free(k->evidence[1]);
	k->evidence[1] = xstrdup("fixed");
	check_round_trip(p);
	plan_free(p);
}
END_TEST

/* ---- plans built from a probe run, against a lab in a child process ---- */

static volatile sig_atomic_t lab_stop;

static void
lab_on_term(int sig)
{
	(void)sig;
	lab_stop = 1;
}

/* drop.example needs a connector; lame.example has a server that refuses
 * (REFUSED: not authoritative); cname.example's MX host is an alias;
 * healthy.example is ok. */
static const char lab_text[] =
    "[resolver standin]\naddress = 127.0.53.53\nmode = recursive\n"
    "role = local\n"
    "[server ns1.example]\naddress = 127.0.54.1\n"
    "[server ns1.drop.example]\naddress = 127.0.54.2\n"
    "[server ns2.drop.example]\naddress = 127.0.54.3\nbehaviour = drop\n"
    "[server ns1.lame.example]\naddress = 127.0.54.4\n"
    "[server ns2.lame.example]\naddress = 127.0.54.5\nbehaviour = refused\n"
    "types = all\n"
    "[zone example]\nservers = ns1.example\n"
    "canary A 192.0.2.1\ncanary MX 10 canary\n"
    "[zone healthy.example]\nservers = ns1.example\n"
    "@ MX 10 mail\nmail A 192.0.2.10\nmail AAAA 2001:db8::10\n"
    "[zone cname.example]\nservers = ns1.example\n"
    "@ MX 10 mx\nmx CNAME host\nhost A 192.0.2.11\n"
    "[zone drop.example]\nservers = ns1.drop.example ns2.drop.example\n"
    "@ MX 10 mail\nmail A 192.0.2.12\n"
    "[zone lame.example]\nservers = ns1.lame.example ns2.lame.example\n"
    "resolver = normal\n@ MX 10 mail\nmail A 192.0.2.13\n";

/* The lab on a free port, served by a child until SIGTERM. */
static pid_t
lab_fork(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	sigset_t block, old, waitmask;
	char err[600];
	int attempt, fd;

	write_bytes(tpath("lab.ini"), lab_text, strlen(lab_text));
	for (attempt = 0; attempt < 20; attempt++) {
		lab_world *w;
		lab_loop *l;
		pid_t pid;

		fd = socket(AF_INET, SOCK_DGRAM, 0);
		ck_assert_int_ge(fd, 0);
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
		ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &salen),
		    0);
		close(fd);
		*port = ntohs(sa.sin_port);
		w = lab_world_load(tpath("lab.ini"), err, sizeof err);
		ck_assert_msg(w != NULL, "%s", err);
		lab_world_set_port(w, *port);
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigprocmask(SIG_BLOCK, &block, &old);
		if ((l = lab_loop_new(w, false, err, sizeof err)) == NULL) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			lab_world_free(w);
			continue;                 /* the port was taken meanwhile */
		}
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct sigaction act;
			memset(&act, 0, sizeof act);
			act.sa_handler = lab_on_term;
			sigemptyset(&act.sa_mask);
			sigaction(SIGTERM, &act, NULL);
			waitmask = old;
			sigdelset(&waitmask, SIGTERM);
			lab_loop_run(l, &lab_stop, &waitmask);
			lab_loop_free(l);
			lab_world_free(w);
			_exit(0);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		lab_loop_free(l);             /* the child has the sockets */
		lab_world_free(w);
		return pid;
	}
	ck_abort_msg("no free port for the lab");
	return -1;
}

static void
lab_end(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Probes domains against the lab and builds the plan; its text. */
static char *
plan_text_from_lab(uint16_t port, const char *const *domains, size_t n,
                   plan **out)
{
	char *canaries[] = { "canary.example" }, addr[64], err[600], *t;
	char **notes = NULL;
	size_t i, nnotes = 0;
	probe_opts o;
	probe_run *r;
	plan_meta m;

	setenv("EXDNS_LOOPBACK_ONLY", "1", 1);
	probe_opts_init(&o);
	snprintf(addr, sizeof addr, "127.0.53.53@%u", port);
	ck_assert_int_eq(addr_parse(addr, 53, &o.resolver, err, sizeof err), 0);
	o.auth_port = port;
	o.canaries = canaries;
	o.ncanaries = 1;
	o.dnsq.timeout_ms = 300;
	o.dnsq.tries = 2;
	r = probe_new(&o);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(probe_add_domain(r, domains[i]), 0);
	probe_run_all(r);
	memset(&m, 0, sizeof m);
	m.now = 1764495000;
	*out = plan_from_probe(r, &m, &notes, &nnotes, err, sizeof err);
	ck_assert_msg(*out != NULL, "%s", err);
	strv_free(notes, nnotes);
	probe_free(r);
	t = plan_format(*out, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* A specific-domains plan keeps the faults no connector fixes as [checked]
 * with their evidence (issue 12: their proof reaches the plan), and not
 * the ok domains; a no-dns-fault plan keeps every domain, ok ones bare. */
START_TEST(test_from_probe_keeps_checked_faults)
{
	static const char *const all[] = { "drop.example", "lame.example",
	    "cname.example", "healthy.example" };
	static const char *const nofault[] = { "healthy.example",
	    "cname.example" };
	char *t, *sec, *next;
	uint16_t port;
	plan *p;
	pid_t lab = lab_fork(&port);

	t = plan_text_from_lab(port, all, 4, &p);
	ck_assert_msg(p->branch == BRANCH_SPECIFIC_DOMAINS, "%s", t);
	ck_assert_uint_eq(p->nconnectors, 1);
	ck_assert_str_eq(p->connectors[0].domain, "drop.example");
	/* lame.example: the refusing server named in the evidence */
	sec = strstr(t, "\n[checked lame.example]\nverdict = lame-delegation\n"
	    "evidence");
	ck_assert_msg(sec != NULL, "%s", t);
	next = strstr(sec + 1, "\n[");
	ck_assert_ptr_nonnull(next);
	*next = '\0';
	ck_assert_msg(strstr(sec, "ns2.lame.example (127.0.54.5@") != NULL &&
	    strstr(sec, ": A mail.lame.example: REFUSED") != NULL, "%s", sec);
	*next = '\n';
	/* cname.example: the alias in the evidence */
	sec = strstr(t, "\n[checked cname.example]\nverdict = mx-cname\n"
	    "evidence = \"");
	ck_assert_msg(sec != NULL, "%s", t);
	ck_assert_msg(strstr(sec, "the MX host mx.cname.example is an alias of "
	    "host.cname.example") != NULL, "%s", sec);
	ck_assert_msg(strstr(t, "healthy.example") == NULL, "%s", t);
	/* what was written loads back the same */
	check_round_trip(p);
	free(t);
	plan_free(p);

	t = plan_text_from_lab(port, nofault, 2, &p);
	lab_end(lab);
	ck_assert_msg(p->branch == BRANCH_NO_DNS_FAULT, "%s", t);
	ck_assert_msg(strstr(t, "\n[checked healthy.example]\nverdict = ok\n"
	    "[checked cname.example]\nverdict = mx-cname\nevidence = \"") !=
	    NULL, "%s", t);
	check_round_trip(p);
	free(t);
	plan_free(p);
}
END_TEST


/* ---- big plans load correctly (issue 10 #6: loading was quadratic) ---- */

static void
b36(char *out, unsigned v)
{
	static const char d[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char t[16];
	int n = 0;

	do {
		t[n++] = d[v % 36];
		v /= 36;
	} while (v != 0);
	while (n > 0)
		*out++ = t[--n];
	*out = '\0';
}

#define BIG_CONNECTORS 12400

/* 12,400 connectors: every one read, in order, with its lines; a domain
 * repeated at the end is found and named with both lines. */
START_TEST(test_load_12400_connectors)
{
	static const char head[] = "[plan]\nformat=1\ncreated=2026-11-25T09:30:00Z"
	    "\nbranch=specific-domains\nresolver=10.0.0.10\n";
	size_t cap = PLAN_MAX_BYTES, n = 0;
	char *t = xmalloc(cap + 1), name[16], err[600], want[64];
	plan *p, *q;
	char *text;
	unsigned i;

	n = (size_t)snprintf(t, cap, "%s", head);
	for (i = 0; i < BIG_CONNECTORS; i++) {
		b36(name, i);
		n += (size_t)snprintf(t + n, cap - n, "[connector %s.io]\n"
		    "address_space=%s.io\nsmart_hosts=192.0.2.%u\n"
		    "verdict=aaaa-dropped\n", name, name, 1 + i % 200);
		ck_assert_uint_lt(n, cap);
	}
	write_bytes(tpath("big.ini"), t, n);
	p = plan_load(tpath("big.ini"), err, sizeof err);
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_uint_eq(p->nconnectors, BIG_CONNECTORS);
	for (i = 0; i < BIG_CONNECTORS; i += 1237) {
		b36(name, i);
		strcat(name, ".io");
		ck_assert_str_eq(p->connectors[i].domain, name);
		ck_assert_uint_eq(p->connectors[i].line, 6 + 4 * i);
		ck_assert_uint_eq(p->connectors[i].line_smart_hosts, 8 + 4 * i);
		ck_assert_uint_eq(p->connectors[i].nsmart, 1);
	}
	ck_assert_str_eq(p->connectors[BIG_CONNECTORS - 1].smart_hosts[0],
	    "192.0.2.200");
	/* as exdns writes it (spaces, defaults, comments) it still fits, and
	 * is read back the same */
	text = plan_format(p, err, sizeof err);
	ck_assert_msg(text != NULL, "%s", err);
	write_bytes(tpath("big2.ini"), text, strlen(text));
	free(text);
	q = plan_load(tpath("big2.ini"), err, sizeof err);
	ck_assert_msg(q != NULL, "%s", err);
	ck_assert(plan_equal(p, q, false));
	plan_free(q);
	plan_free(p);

	/* the first domain again, written another way, at the end */
	n += (size_t)snprintf(t + n, cap + 1 - n, "[connector 0.IO.]\n");
	ck_assert_uint_le(n, cap);
	snprintf(want, sizeof want, "[connector 0.io] repeats the domain of "
	    "line 6");
	refuse(t, n, 6 + 4 * BIG_CONNECTORS, want);
	free(t);
}
END_TEST

#define BIG_KEYS 115000

/* 115,000 keys in one section: the lexer sees each (the loader then names
 * the first unknown one), and a key repeated at the very end is found. */
START_TEST(test_load_115k_keys_in_one_section)
{
	size_t cap = PLAN_MAX_BYTES, n;
	char *t = xmalloc(cap + 1), name[16], err[600];
	const char *path = tpath("keys.ini");
	ini_file f;
	static const ini_rules rules = { INI_SECTIONS | INI_UNIQUE, 100, 64,
	    "_-", "test file" };
	unsigned i;

	n = (size_t)snprintf(t, cap, "[plan]\n");
	for (i = 0; i < BIG_KEYS; i++) {
		b36(name, i);
		n += (size_t)snprintf(t + n, cap - n, "k%s=%c\n", name,
		    "xyz"[i % 3]);
		ck_assert_uint_lt(n, cap);
	}
	ck_assert_int_eq(ini_parse(&f, path, t, n, &rules, err, sizeof err), 0);
	ck_assert_uint_eq(f.nsecs, 1);
	ck_assert_uint_eq(f.secs[0].n, BIG_KEYS);
	for (i = 0; i < BIG_KEYS; i += 97) {
		const ini_entry *e;
		char v[2] = { "xyz"[i % 3], '\0' };
		b36(name + 1, i);
		name[0] = 'k';
		ck_assert_ptr_nonnull(e = ini_get(&f, 0, name));
		ck_assert_str_eq(e->value, v);
		ck_assert_uint_eq(e->line, i + 2);
	}
	ck_assert_ptr_null(ini_get(&f, 0, "format"));
	ini_free(&f);

	write_bytes(path, t, n);
	ck_assert_ptr_null(plan_load(path, err, sizeof err));
	ck_assert_msg(strstr(err, "keys.ini:2: unknown key 'k0' in [plan]") !=
	    NULL, "%s", err);

	n += (size_t)snprintf(t + n, cap - n, "K0 = again\n");
	refuse(t, n, BIG_KEYS + 2, "key 'k0' given twice in [plan] (first at "
	    "line 2)");
	free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");
	int rc;
	char cmd[128];

	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_plan.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	unsetenv("EXDNS_TEST_SLOW_SAVE");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_specific);
	tcase_add_test(tc, test_round_trip_external);
	tcase_add_test(tc, test_round_trip_no_fault);
	tcase_add_test(tc, test_checked_domains);
	tcase_add_test(tc, test_checked_evidence_round_trip);
	tcase_add_test(tc, test_checked_evidence_refused);
	tcase_add_test(tc, test_checked_evidence_writer);
	tcase_add_test(tc, test_from_probe_keeps_checked_faults);
	tcase_add_test(tc, test_writer_text);
	tcase_add_test(tc, test_load_manual_example);
	tcase_add_test(tc, test_load_tolerated_forms);
	tcase_add_test(tc, test_refuse_syntax);
	tcase_add_test(tc, test_refuse_versions_and_keys);
	tcase_add_test(tc, test_refuse_values);
	tcase_add_test(tc, test_refuse_valueless_keys);
	tcase_add_test(tc, test_refuse_duplicates);
	tcase_add_test(tc, test_refuse_binary);
	tcase_add_test(tc, test_refuse_long_line_and_huge_file);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_writer_refuses);
	tcase_add_test(tc, test_sanitize_and_names);
	tcase_add_test(tc, test_save_never_overwrites_silently);
	tcase_add_test(tc, test_save_into_missing_folder);
	tcase_add_test(tc, test_kill_during_save);
	tcase_add_test(tc, test_save_only_regular_files);
	tcase_add_test(tc, test_save_fsync_fails);
	tcase_add_test(tc, test_signal_with_own_handler_keeps_the_save);
	tcase_add_test(tc, test_save_through_symlink);
	tcase_add_test(tc, test_signal_during_save_leaves_no_temp);
	tcase_add_test(tc, test_copy_and_equal);
	suite_add_tcase(s, tc);
	tc = tcase_create("big");
	tcase_set_timeout(tc, 60);   /* a hang guard, not a measurement */
	tcase_add_test(tc, test_load_12400_connectors);
	tcase_add_test(tc, test_load_115k_keys_in_one_section);
	suite_add_tcase(s, tc);
	rc = unit_run(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return rc;
}
