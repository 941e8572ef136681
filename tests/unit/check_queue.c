/* check_queue.c - the queue as admins export or copy it: every shape and
 * encoding of tests/data/queue/, broken files with FILE:LINE errors, the
 * bounded reader, domain lists, IDN and Exchange's DNS errors. */
#include <config.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "defaults.h"
#include "domains.h"
#include "idn.h"
#include "queue.h"
#include "util.h"
#include "unit.h"

static char tmpdir[256];

static const char *
data(const char *name)
{
	static char buf[4][1024];
	static int slot;
	const char *top = getenv("top_srcdir");

	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/tests/data/queue/%s",
	    top ? top : "..", name);
	return buf[slot];
}

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/check_queue.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static queue *
must_read(const char *name)
{
	char err[600];
	queue *q = queue_read(data(name), err, sizeof err);

	ck_assert_msg(q != NULL, "%s: %s", name, err);
	ck_assert_msg(q->nerrors == 0, "%s: %s", name, q->nerrors ?
	    q->errors[0] : "");
	return q;
}

/* The failing external queues of gen.py, most messages first. */
static void
expect_order(const queue *q, const char *name)
{
	static const char *const want[] = {
		"servfail-aaaa.example", "dropaaaa.example", "missing.example",
		"xn--mnchen-3ya.example",
	};
	size_t i;

	ck_assert_msg(q->n == 4, "%s: %zu entries", name, q->n);
	for (i = 0; i < 4; i++)
		ck_assert_msg(strcmp(q->entries[i].domain, want[i]) == 0,
		    "%s: entry %zu is %s", name, i, q->entries[i].domain);
}

static const char *const full_files[] = {
	"ps51-ascii.csv", "ps51-utf8bom.csv", "ps51-utf16.csv", "ps7.csv",
	"ps7-lf.csv", "ps7-culture.csv", "format-list-utf16.txt",
	"format-list-utf8.txt",
};

START_TEST(test_full_exports)
{
	const char *name = full_files[_i];
	queue *q = must_read(name);
	const queue_entry *e;
	size_t i, sum = 0;

	ck_assert_int_eq(q->shape, strstr(name, ".csv") ? QUEUE_SHAPE_CSV :
	    QUEUE_SHAPE_LIST);
	expect_order(q, name);
	ck_assert_uint_eq(q->entries[0].messages, 130);
	/* the queues of two servers to one domain are merged */
	e = queue_find(q, "dropaaaa.example");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->messages, 45);
	ck_assert_uint_eq(e->nqueues, 2);
	ck_assert_str_eq(e->status, "Retry");
	ck_assert_int_eq(e->error, QUEUE_ERR_TIMEOUT);
	ck_assert_msg(strncmp(e->last_error, "451 4.4.0 DNS query failed", 26)
	    == 0, "%s: inner error '%s'", name, e->last_error);
	ck_assert_int_eq(queue_find(q, "missing.example")->error,
	    QUEUE_ERR_NXDOMAIN);
	ck_assert_int_eq(queue_find(q, "servfail-aaaa.example")->error,
	    QUEUE_ERR_SERVFAIL);
	ck_assert_int_eq(queue_find(q, "xn--mnchen-3ya.example")->error,
	    QUEUE_ERR_RETRY);
	ck_assert_ptr_null(queue_find(q, "healthy.example"));   /* Ready */
	ck_assert_uint_eq(q->nexternal, 6);
	ck_assert_uint_eq(q->nfailing, 5);
	ck_assert_uint_eq(q->nskipped, 6);
	for (i = 0; i < q->nkinds; i++)
		sum += q->skipped_counts[i];
	ck_assert_uint_eq(sum, 6);
	ck_assert_int_eq(queue_hint(q), BRANCH_SPECIFIC_DOMAINS);
	queue_free(q);
}
END_TEST

START_TEST(test_skipped_kinds)
{
	queue *q = must_read("ps7.csv");
	static const char *const kinds[] = {
		"Submission", "Shadow", "SmtpRelayToRemoteAdSite", "MapiDelivery",
		"Poison", "Unreachable",
	};
	size_t i, j;

	ck_assert_uint_eq(q->nkinds, 6);
	for (i = 0; i < 6; i++) {
		for (j = 0; j < q->nkinds; j++)
			if (strcmp(q->skipped_kinds[j], kinds[i]) == 0)
				break;
		ck_assert_msg(j < q->nkinds, "%s not counted", kinds[i]);
		ck_assert_uint_eq(q->skipped_counts[j], 1);
	}
	queue_free(q);
}
END_TEST

static const char *const table_files[] = {
	"table-utf16.txt", "table-copied.txt",
};

START_TEST(test_tables)
{
	queue *q = must_read(table_files[_i]);

	ck_assert_int_eq(q->shape, QUEUE_SHAPE_TABLE);
	expect_order(q, table_files[_i]);
	ck_assert_uint_eq(queue_find(q, "dropaaaa.example")->messages, 45);
	ck_assert_int_eq(queue_find(q, "dropaaaa.example")->error,
	    QUEUE_ERR_NONE);   /* no LastError column */
	ck_assert_uint_eq(q->nexternal, 6);   /* "DnsConnec..." */
	ck_assert_uint_eq(q->nfailing, 5);
	ck_assert_uint_eq(q->nskipped, 6);
	queue_free(q);
}
END_TEST

static const char *const plain_files[] = {
	"select-nexthop-utf16.txt", "select-nexthop-utf8bom.txt", "plain.txt",
};

START_TEST(test_plain)
{
	queue *q = must_read(plain_files[_i]);
	const char *const want[] = {
		"dropaaaa.example", "missing.example", "xn--mnchen-3ya.example",
		"servfail-aaaa.example",
	};
	size_t i;

	ck_assert_int_eq(q->shape, QUEUE_SHAPE_PLAIN);
	ck_assert_uint_eq(q->n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_msg(queue_find(q, want[i]) != NULL, "%s: no %s",
		    plain_files[_i], want[i]);
	ck_assert_int_eq(queue_hint(q), BRANCH_COUNT);   /* cannot tell */
	queue_free(q);
}
END_TEST

/* The same file as a domain list (--file). */
START_TEST(test_domain_lists)
{
	domains_list l;
	char err[600];

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(domains_read_file(&l, data(plain_files[_i]), err,
	    sizeof err), 0);
	ck_assert_msg(l.nerrors == 0, "%s", l.nerrors ? l.errors[0] : "");
	ck_assert_uint_ge(l.n, 4);
	ck_assert_str_eq(l.names[0], "dropaaaa.example");
	domains_list_free(&l);
}
END_TEST

START_TEST(test_bad_names)
{
	domains_list l;
	char err[600], want[700];
	static const struct { unsigned line; const char *why; } bad[] = {
		{2, "bad character '_'"}, {3, "empty label"},
		{4, "longer than 63"}, {5, "without a domain"},
		{7, "starts with '-'"},
	};
	size_t i;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(domains_read_file(&l, data("bad-names.txt"), err,
	    sizeof err), 0);
	ck_assert_uint_eq(l.n, 2);                  /* the good ones */
	ck_assert_uint_eq(l.nerrors, 5);            /* every bad line */
	for (i = 0; i < 5; i++) {
		snprintf(want, sizeof want, "%s:%u: ", data("bad-names.txt"),
		    bad[i].line);
		ck_assert_msg(strncmp(l.errors[i], want, strlen(want)) == 0 &&
		    strstr(l.errors[i], bad[i].why) != NULL, "got '%s'",
		    l.errors[i]);
	}
	domains_list_free(&l);
}
END_TEST

/* Broken files: FILE:LINE: and what is wrong, or the bad row listed. */
START_TEST(test_broken)
{
	char err[600], want[700];
	queue *q;

	ck_assert_ptr_null(queue_read(data("truncated.csv"), err, sizeof err));
	snprintf(want, sizeof want, "%s:12: a quoted field is never closed",
	    data("truncated.csv"));
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);

	ck_assert_ptr_null(queue_read(data("wrong-columns.csv"), err,
	    sizeof err));
	snprintf(want, sizeof want, "%s:1: no NextHopDomain column",
	    data("wrong-columns.csv"));
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);

	ck_assert_ptr_null(queue_read(data("binary.bin"), err, sizeof err));
	ck_assert_msg(strstr(err, "NUL byte") != NULL, "%s", err);

	q = queue_read(data("short-row.csv"), err, sizeof err);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(q->nerrors, 1);
	snprintf(want, sizeof want, "%s:4: 4 fields, the header has 6",
	    data("short-row.csv"));
	ck_assert_msg(strncmp(q->errors[0], want, strlen(want)) == 0, "%s",
	    q->errors[0]);
	ck_assert_uint_eq(q->n, 3);    /* the other rows are kept */
	queue_free(q);
}
END_TEST

START_TEST(test_bounded)
{
	char path[400], err[600];
	size_t len;
	int fd;

	/* 50 MB: refused, with the file named, never read whole */
	snprintf(path, sizeof path, "%s/big.csv", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 50 * 1024 * 1024), 0);
	close(fd);
	ck_assert_ptr_null(queue_read(path, err, sizeof err));
	ck_assert_msg(strstr(err, path) == err && strstr(err, "larger than"),
	    "%s", err);
	ck_assert_ptr_null(util_read_file("/dev/zero", MAX_INPUT_BYTES, &len,
	    err, sizeof err));
	ck_assert_str_eq(err, "/dev/zero: not a regular file");
	/* a FIFO nobody writes to: refused at once, no hang */
	snprintf(path, sizeof path, "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(5);
	ck_assert_ptr_null(queue_read(path, err, sizeof err));
	alarm(0);
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
}
END_TEST

START_TEST(test_idn)
{
	char out[DNAME_MAX], why[200], uni[DNAME_MAX * 4];

	ck_assert_int_eq(idn_to_ascii("M\xc3\xbcnchen.DE", out, why,
	    sizeof why), 0);
	ck_assert_str_eq(out, "xn--mnchen-3ya.de");
	ck_assert_int_eq(idn_to_ascii("xn--mnchen-3ya.de.", out, why,
	    sizeof why), 0);
	ck_assert_str_eq(out, "xn--mnchen-3ya.de");
	ck_assert(idn_to_unicode(out, uni, sizeof uni));
	ck_assert_str_eq(uni, "m\xc3\xbcnchen.de");
	ck_assert(!idn_to_unicode("contoso.com", uni, sizeof uni));
	/* A-labels from DNS or a file that decode to what must never reach
	 * a terminal: a bidi override (U+202E), a C1 control (U+0085), a
	 * zero-width joiner (U+200D): they do not survive the IDNA 2008
	 * round trip, so there is no U-label; the A-label is shown alone. */
	ck_assert(!idn_to_unicode("xn--ab-g4t.example", uni, sizeof uni));
	ck_assert(!idn_to_unicode("xn--elpmaxe-z76c.example", uni, sizeof uni));
	ck_assert(!idn_to_unicode("xn--abc-wa.example", uni, sizeof uni));
	ck_assert(!idn_to_unicode("xn--caf-dma4790b.example", uni, sizeof uni));
	ck_assert(idn_to_unicode("mail.xn--mnchen-3ya.example", uni, sizeof uni));
	ck_assert_str_eq(uni, "mail.m\xc3\xbcnchen.example");
	/* not an A-label: "xn--" and garbage */
	ck_assert_int_eq(idn_to_ascii("xn--zz-.de", out, why, sizeof why), -1);
	/* invalid UTF-8 */
	ck_assert_int_eq(idn_to_ascii("m\xfcnchen.de", out, why, sizeof why),
	    -1);
	ck_assert_int_eq(domains_parse("Anna <anna@M\xc3\xbcnchen.de>", out,
	    why, sizeof why), -1);   /* a space: not one entry */
	ck_assert_int_eq(domains_parse("<anna@M\xc3\xbcnchen.de>", out, why,
	    sizeof why), 0);
	ck_assert_str_eq(out, "xn--mnchen-3ya.de");
	ck_assert_int_eq(domains_parse("user@contoso.com", out, why,
	    sizeof why), 0);
	ck_assert_str_eq(out, "contoso.com");
}
END_TEST

START_TEST(test_errors)
{
	static const struct { const char *text; queue_dns_error e; } t[] = {
		{"[{LRT=};{LED=451 4.4.0 DNS query failed. The error was: DNS "
		 "query failed with error ErrorRetry};{FQDN=};{IP=}]",
		 QUEUE_ERR_RETRY},
		{"451 4.4.0 DNS query failed. The error was: DNS query failed "
		 "with error ServerFailure", QUEUE_ERR_SERVFAIL},
		{"DNS query failed with error ErrorTimeout", QUEUE_ERR_TIMEOUT},
		{"DNS query failed with error InfoNoRecords",
		 QUEUE_ERR_NO_RECORDS},
		{"SMTPSEND.DNS.NonExistentDomain; nonexistent domain",
		 QUEUE_ERR_NXDOMAIN},
		{"SMTPSEND.DNS.MxLoopback", QUEUE_ERR_MX_LOOPBACK},
		{"SMTPSEND.DNS.InvalidData", QUEUE_ERR_INVALID_DATA},
		{"451 4.4.0 DNS query failed", QUEUE_ERR_OTHER},
		{"421 4.4.2 Connection dropped", QUEUE_ERR_NONE},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(queue_error_classify(t[i].text) == t[i].e,
		    "'%s'", t[i].text);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_AAAA_DROPPED),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_OK),
	    QUEUE_AGREE_NO);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_NXDOMAIN, VERDICT_NXDOMAIN),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_RETRY, VERDICT_NXDOMAIN),
	    QUEUE_AGREE_NO);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_NO_RECORDS,
	    VERDICT_MX_NO_ADDRESS), QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_INCONCLUSIVE),
	    QUEUE_AGREE_UNKNOWN);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_MX_LOOPBACK, VERDICT_MX_LOOPBACK),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_NO_RECORDS, VERDICT_IPV6_ONLY_MX),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_MX_CNAME),
	    QUEUE_AGREE_NO);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_SERVFAIL, VERDICT_LAME_DELEGATION),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_SLOW),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_SERVFAIL, VERDICT_DNSSEC_BOGUS),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_EDNS_BROKEN),
	    QUEUE_AGREE_YES);
	ck_assert_int_eq(queue_agrees(QUEUE_ERR_TIMEOUT, VERDICT_TCP_BLOCKED),
	    QUEUE_AGREE_YES);
	ck_assert(strstr(queue_error_meaning(QUEUE_ERR_MX_LOOPBACK),
	    "MxLoopback") != NULL);
}
END_TEST

/* All failing: all-domains; a truncated next hop is a bad row. */
START_TEST(test_hint_and_cut)
{
	static const char csv[] =
	    "\"Identity\",\"DeliveryType\",\"Status\",\"MessageCount\","
	    "\"NextHopDomain\",\"LastError\"\n"
	    "\"EX01\\1\",\"DnsConnectorDelivery\",\"Retry\",\"3\",\"a.example\","
	    "\"451 4.4.0 DNS query failed\"\n"
	    "\"EX01\\2\",\"DnsConnectorDelivery\",\"Retry\",\"1\",\"b.example\","
	    "\"451 4.4.0 DNS query failed\"\n";
	static const char table[] =
	    "Identity DeliveryType Status MessageCount NextHopDomain\n"
	    "-------- ------------ ------ ------------ -------------\n"
	    "EX01\\3   DnsConnec... Retry             4 averyveryverylongna...\n";
	char err[600];
	queue *q = queue_parse(csv, sizeof csv - 1, "x.csv", err, sizeof err);

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(queue_hint(q), BRANCH_ALL_DOMAINS);
	queue_free(q);
	q = queue_parse(table, sizeof table - 1, "t.txt", err, sizeof err);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(q->n, 0);
	ck_assert_uint_eq(q->nerrors, 1);
	ck_assert_msg(strstr(q->errors[0], "t.txt:3: NextHopDomain "
	    "'averyveryverylongna...' was cut short") == q->errors[0], "%s",
	    q->errors[0]);
	queue_free(q);
}
END_TEST

/* Format-List wraps long values at the console's width, at a space or in
 * the middle of a word: both come back whole. */
START_TEST(test_format_list_wrap)
{
	static const char text[] =
	    "\r\n"
	    "Identity         : EX01\\7\r\n"
	    "DeliveryType     : DnsConnectorDelivery\r\n"
	    "Status           : Retry\r\n"
	    "MessageCount     : 12\r\n"
	    "NextHopDomain    : contoso.example\r\n"
	    "LastError        : [{LRT=};{LED=451 4.4.0 DNS query failed. The error "
	    "was: DNS query failed with \r\n"
	    "                   error ErrorTim\r\n"
	    "                   eout};{FQDN=};{IP=}]\r\n"
	    "\r\n";
	char err[600];
	queue *q = queue_parse(text, sizeof text - 1, "fl.txt", err, sizeof err);

	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(q->n, 1);
	ck_assert_str_eq(q->entries[0].last_error, "451 4.4.0 DNS query failed. "
	    "The error was: DNS query failed with error ErrorTimeout");
	ck_assert_int_eq(q->entries[0].error, QUEUE_ERR_TIMEOUT);
	ck_assert_uint_eq(q->entries[0].line, 2);
	queue_free(q);
}
END_TEST

static Suite *
queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_full_exports, 0,
	    sizeof full_files / sizeof full_files[0]);
	tcase_add_test(tc, test_skipped_kinds);
	tcase_add_loop_test(tc, test_tables, 0,
	    sizeof table_files / sizeof table_files[0]);
	tcase_add_loop_test(tc, test_plain, 0,
	    sizeof plain_files / sizeof plain_files[0]);
	tcase_add_loop_test(tc, test_domain_lists, 0,
	    sizeof plain_files / sizeof plain_files[0]);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_idn);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_hint_and_cut);
	tcase_add_test(tc, test_format_list_wrap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(queue_suite());
}
