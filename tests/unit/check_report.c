/* check_report.c - the report's escapers (HTML, Markdown, shell words),
 * its formats, and the replay history's records: format, parse, every
 * rule a line must keep, append and load (bad lines named FILE:LINE). */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "history.h"
#include "report_doc.h"
#include "report_msg.h"
#include "util.h"
#include "unit.h"

/* What an escaper writes for s (static buffer). */
static const char *
esc(esc_ctx ctx, const char *s)
{
	static char out[4096];
	char *t = esc_dup(ctx, s, SIZE_MAX);

	ck_assert_ptr_nonnull(t);
	snprintf(out, sizeof out, "%s", t);
	free(t);
	return out;
}

START_TEST(test_html_escape)
{
	ck_assert_str_eq(esc(ESC_HTML, "plain.example 192.0.2.1"),
	    "plain.example 192.0.2.1");
	ck_assert_str_eq(esc(ESC_HTML,
	    "<script>alert('x')</script>"),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	ck_assert_str_eq(esc(ESC_HTML, "a&amp;b \"q\""),
	    "a&amp;amp;b &quot;q&quot;");
	/* an attribute cannot be closed, a comment or CDATA opened */
	ck_assert_str_eq(esc(ESC_HTML, "\" onload=x <!-- ]]>"),
	    "&quot; onload=x &lt;!-- ]]&gt;");
	/* control bytes, DEL, invalid and overlong UTF-8, surrogates, bidi
	 * overrides: shown as \xNN, as on the terminal and in the plan */
	ck_assert_str_eq(esc(ESC_HTML, "a\nb\x01\x7f"),
	    "a\\x0ab\\x01\\x7f");
	ck_assert_str_eq(esc(ESC_HTML, "\xc0\xbc" "x\xff"),
	    "\\xc0\\xbcx\\xff");
	ck_assert_str_eq(esc(ESC_HTML, "\xed\xa0\x80"),
	    "\\xed\\xa0\\x80");
	ck_assert_str_eq(esc(ESC_HTML, "\xe0\x80\xbc"),
	    "\\xe0\\x80\\xbc");
	ck_assert_str_eq(esc(ESC_HTML, "a\xe2\x80\xae" "b"),
	    "a\\xe2\\x80\\xaeb");
	/* valid UTF-8 (a Unicode domain name) is kept */
	ck_assert_str_eq(esc(ESC_HTML, "b\xc3\xbc" "cher.example"),
	    "b\xc3\xbc" "cher.example");
	ck_assert_str_eq(esc(ESC_HTML, "\xf0\x9f\x98\x80<"),
	    "\xf0\x9f\x98\x80&lt;");
	ck_assert_str_eq(esc(ESC_HTML, ""), "");
}
END_TEST

START_TEST(test_md_escape)
{
	ck_assert_str_eq(esc(ESC_MARKDOWN, "mail.example.com 192.0.2.1"),
	    "mail.example.com 192.0.2.1");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "a|b *c* _d_ `e`"),
	    "a\\|b \\*c\\* \\_d\\_ \\`e\\`");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "[l](javascript:x) <img>"),
	    "\\[l\\]\\(javascript:x\\) \\<img\\>");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "&amp; #h !x ~y ^z \\"),
	    "\\&amp; \\#h \\!x \\~y \\^z \\\\");
	/* what starts a list or a heading underline at the start only */
	ck_assert_str_eq(esc(ESC_MARKDOWN, "- a-b"), "\\- a-b");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "+x"), "\\+x");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "==="), "\\===");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "12. item 3.4"), "12\\. item 3.4");
	/* a line break cannot end a table row or start a block */
	ck_assert_str_eq(esc(ESC_MARKDOWN, "a\n# b\r\tc"),
	    "a\\x0a\\# b\\x0d\\x09c");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "x\xff" "y"), "x\\xffy");
	ck_assert_str_eq(esc(ESC_MARKDOWN, "b\xc3\xbc" "cher"),
	    "b\xc3\xbc" "cher");
}
END_TEST

START_TEST(test_shell_word)
{
	char buf[600];

	ck_assert_str_eq(report_shell_word("mail.example.com", buf, sizeof buf),
	    "mail.example.com");
	ck_assert_str_eq(report_shell_word("a b", buf, sizeof buf), "'a b'");
	ck_assert_str_eq(report_shell_word("$(rm -rf ~)`x`;|&", buf,
	    sizeof buf), "'$(rm -rf ~)`x`;|&'");
	ck_assert_str_eq(report_shell_word("it's", buf, sizeof buf),
	    "'it'\\''s'");
	ck_assert_str_eq(report_shell_word("\\060x", buf, sizeof buf),
	    "'\\060x'");
	/* bytes outside printable ASCII escaped first: no newline gets in */
	ck_assert_ptr_null(strchr(report_shell_word("a\nb", buf, sizeof buf),
	    '\n'));
	ck_assert_str_eq(report_shell_word("", buf, sizeof buf), "''");
}
END_TEST

START_TEST(test_formats)
{
	report_format f;

	ck_assert_int_eq(report_format_from_string("message", &f), 0);
	ck_assert_int_eq(f, REPORT_FMT_MESSAGE);
	ck_assert_int_eq(report_format_from_string("markdown", &f), 0);
	ck_assert_int_eq(f, REPORT_FMT_MARKDOWN);
	ck_assert_int_eq(report_format_from_string("md", &f), 0);
	ck_assert_int_eq(report_format_from_string("html", &f), 0);
	ck_assert_int_eq(f, REPORT_FMT_HTML);
	ck_assert_int_eq(report_format_from_string("HTML", &f), -1);
	ck_assert_int_eq(report_format_from_string("pdf", &f), -1);
}
END_TEST

/* Which verdicts get a message: every fault of the remote domain's own
 * DNS (issue 12's causes too); not ok, not nxdomain (a typo), not the
 * resolver's failure or an inconclusive run (not theirs). */
START_TEST(test_msg_wanted)
{
	static const verdict yes[] = {
		VERDICT_AAAA_DROPPED, VERDICT_AAAA_BAD_RESPONSE, VERDICT_NULL_MX,
		VERDICT_MX_NO_ADDRESS, VERDICT_MX_LOOPBACK, VERDICT_IPV6_ONLY_MX,
		VERDICT_MX_CNAME, VERDICT_LAME_DELEGATION, VERDICT_SLOW,
		VERDICT_DNSSEC_BOGUS, VERDICT_EDNS_BROKEN, VERDICT_TCP_BLOCKED,
		VERDICT_LARGE_DROPPED, VERDICT_UNREACHABLE,
	};
	static const verdict no[] = {
		VERDICT_OK, VERDICT_NXDOMAIN, VERDICT_RESOLVER_FAILURE,
		VERDICT_INCONCLUSIVE,
	};
	size_t i;

	ck_assert_uint_eq(sizeof yes / sizeof yes[0] + sizeof no / sizeof no[0],
	    VERDICT_COUNT);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_msg(report_msg_wanted(yes[i]), "%s gets a message",
		    verdict_to_string(yes[i]));
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		ck_assert_msg(!report_msg_wanted(no[i]), "%s gets no message",
		    verdict_to_string(no[i]));
		ck_assert_ptr_null(report_msg_subject(no[i]));
		ck_assert_ptr_null(report_msg_why(no[i]));
		ck_assert_ptr_null(report_msg_fix(no[i]));
	}
	ck_assert(!report_msg_wanted(VERDICT_COUNT));
	ck_assert(!report_msg_wanted((verdict)-1));
}
END_TEST

/* Each message's own subject, why and fix: printable ASCII on one line
 * (they are wrapped and escaped by the writers), no two alike, and the
 * RFC where there is one. */
START_TEST(test_msg_texts)
{
	static const struct {
		verdict v;
		const char *subject, *why, *fix;
	} want[] = {
		{VERDICT_MX_LOOPBACK, "no one outside can reach", "RFC 1918",
		    "public IPv4 address"},
		{VERDICT_IPV6_ONLY_MX, "IPv6 addresses only", "IPv4-only senders",
		    "publish A records"},
		{VERDICT_MX_CNAME, "alias (CNAME)", "RFC 2181 section 10.3",
		    "RFC 2181 section 10.3"},
		{VERDICT_LAME_DELEGATION, "lame delegation", "RFC 8499",
		    "NS records"},
		{VERDICT_SLOW, "too late", "5 seconds", "delays the answers"},
		{VERDICT_DNSSEC_BOGUS, "DNSSEC fails validation", "RFC 4035, RFC "
		    "6840", "DS record"},
		{VERDICT_EDNS_BROKEN, "EDNS", "RFC 6891", "RFC 6891 section 7"},
		{VERDICT_TCP_BLOCKED, "over TCP", "RFC 7766", "TCP port 53"},
		{VERDICT_LARGE_DROPPED, "over 512 bytes",
		    "RFC 6891 sections 6.2.3 to 6.2.5", "1232 bytes"},
	};
	const char *seen[VERDICT_COUNT * 3];
	size_t i, j, n = 0;
	int v;

	for (v = 0; v < VERDICT_COUNT; v++) {
		const char *t[3];
		if (!report_msg_wanted((verdict)v))
			continue;
		t[0] = report_msg_subject((verdict)v);
		t[1] = report_msg_why((verdict)v);
		t[2] = report_msg_fix((verdict)v);
		for (i = 0; i < 3; i++) {
			const unsigned char *c;
			ck_assert_ptr_nonnull(t[i]);
			ck_assert_uint_gt(strlen(t[i]), i == 0 ? 10 : 60);
			for (c = (const unsigned char *)t[i]; *c; c++)
				ck_assert_msg(*c >= 0x20 && *c < 0x7f, "%s: byte %02x",
				    verdict_to_string((verdict)v), *c);
			for (j = 0; j < n; j++)
				ck_assert_msg(strcmp(seen[j], t[i]) != 0 ||
				    (i == 2 && (v == VERDICT_AAAA_BAD_RESPONSE)),
				    "%s: the same text as another", verdict_to_string(
				    (verdict)v));
			seen[n++] = t[i];
		}
	}
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		const char *name = verdict_to_string(want[i].v);
		ck_assert_msg(strstr(report_msg_subject(want[i].v),
		    want[i].subject) != NULL, "%s subject", name);
		ck_assert_msg(strstr(report_msg_why(want[i].v), want[i].why) !=
		    NULL, "%s why: %s", name, want[i].why);
		ck_assert_msg(strstr(report_msg_fix(want[i].v), want[i].fix) !=
		    NULL, "%s fix: %s", name, want[i].fix);
	}
}
END_TEST

static const char good[] =
    "{\"v\":1,\"time\":\"2026-11-30T08:00:00Z\",\"plan\":\"plan.ini\","
    "\"domain\":\"Example.COM\",\"state\":\"stale\",\"verdict\":"
    "\"aaaa-dropped\",\"smart_hosts\":[\"192.0.2.1\"],\"evidence\":\"x\"}";

START_TEST(test_history_roundtrip)
{
	history_rec h, back;
	char err[300], *line;

	ck_assert_int_eq(history_parse(good, &h, err, sizeof err), 0);
	ck_assert_str_eq(h.time, "2026-11-30T08:00:00Z");
	ck_assert_str_eq(h.domain, "example.com");
	ck_assert_int_eq(h.state, REPLAY_STALE);
	ck_assert_int_eq(h.verdict, VERDICT_AAAA_DROPPED);
	ck_assert_uint_eq(h.nsmart, 1);
	line = history_format(&h);
	ck_assert_ptr_nonnull(line);
	ck_assert_ptr_null(strchr(line, '\n'));
	ck_assert_int_eq(history_parse(line, &back, err, sizeof err), 0);
	ck_assert_str_eq(back.plan, "plan.ini");
	ck_assert_str_eq(back.smart_hosts[0], "192.0.2.1");
	free(line);
	history_rec_clear(&h);
	history_rec_clear(&back);
}
END_TEST

/* good with one member replaced: "key":value */
static int
history_bad(const char *key, const char *value, char *err, size_t errlen)
{
	char line[1200], *p, *q;
	history_rec h;
	int rc;

	snprintf(line, sizeof line, "%s", good);
	p = strstr(line, key);
	ck_assert_ptr_nonnull(p);
	p += strlen(key) + 1;           /* past "key": */
	q = p;
	if (*q == '"')
		q = strchr(q + 1, '"') + 1;
	else if (*q == '[')
		q = strchr(q, ']') + 1;
	else
		while (*q != ',' && *q != '}')
			q++;
	memmove(p + strlen(value), q, strlen(q) + 1);
	memcpy(p, value, strlen(value));
	rc = history_parse(line, &h, err, errlen);
	if (rc == 0)
		history_rec_clear(&h);
	return rc;
}

START_TEST(test_history_rules)
{
	history_rec h;
	char err[300], big[HISTORY_LINE_MAX + 100];

	ck_assert_int_eq(history_bad("\"v\"", "2", err, sizeof err), -1);
	ck_assert_int_eq(history_bad("\"time\"", "\"2026-13-40T08:00:00Z\"",
	    err, sizeof err), -1);
	ck_assert_int_eq(history_bad("\"time\"", "12", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"time\""));
	ck_assert_int_eq(history_bad("\"plan\"", "\"\"", err, sizeof err), -1);
	ck_assert_int_eq(history_bad("\"plan\"", "\"a\\nb\"", err, sizeof err),
	    -1);
	ck_assert_int_eq(history_bad("\"plan\"", "\"a\\u0000b\"", err,
	    sizeof err), -1);
	ck_assert_int_eq(history_bad("\"domain\"", "\"<b>.example\"", err,
	    sizeof err), -1);
	ck_assert_int_eq(history_bad("\"state\"", "\"gone\"", err, sizeof err),
	    -1);
	ck_assert_int_eq(history_bad("\"verdict\"", "\"fine\"", err, sizeof err),
	    -1);
	ck_assert_int_eq(history_bad("\"smart_hosts\"", "[\"127.0.0.1 x\"]", err,
	    sizeof err), -1);
	ck_assert_int_eq(history_bad("\"smart_hosts\"", "\"192.0.2.1\"", err,
	    sizeof err), -1);
	ck_assert_int_eq(history_bad("\"evidence\"", "\"\\u00e9\"", err,
	    sizeof err), -1);
	ck_assert_int_eq(history_bad("\"evidence\"", "\"fine\"", err,
	    sizeof err), 0);
	ck_assert_int_eq(history_parse("[1,2]", &h, err, sizeof err), -1);
	ck_assert_int_eq(history_parse("{\"v\":1", &h, err, sizeof err), -1);
	ck_assert_int_eq(history_parse(
	    "{\"v\":1,\"v\":1,\"time\":\"2026-11-30T08:00:00Z\"}", &h, err,
	    sizeof err), -1);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(history_parse(big, &h, err, sizeof err), -1);
}
END_TEST

START_TEST(test_history_load)
{
	char dir[] = "/tmp/check_report.XXXXXX", path[600], err[600];
	history_rec *recs;
	char **bad = NULL;
	size_t n, nbad = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, HISTORY_FILE);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n\nnot json\n%s\r\n{\"v\":1}\n%s", good, good, good);
	fclose(f);
	ck_assert_int_eq(history_load(dir, &recs, &n, &bad, &nbad, err,
	    sizeof err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(recs[0].line, 1);
	ck_assert_uint_eq(recs[1].line, 4);
	ck_assert_uint_eq(recs[2].line, 6);
	ck_assert_uint_eq(nbad, 2);
	ck_assert_ptr_nonnull(strstr(bad[0], "history.jsonl:3: not JSON"));
	ck_assert_ptr_nonnull(strstr(bad[1], "history.jsonl:5: "));
	history_free(recs, n);
	strv_free(bad, nbad);
	unlink(path);
	rmdir(dir);
	/* no file: an error naming it */
	ck_assert_int_eq(history_load(dir, &recs, &n, &bad, &nbad, err,
	    sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "history.jsonl"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_html_escape);
	tcase_add_test(tc, test_md_escape);
	tcase_add_test(tc, test_shell_word);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_msg_wanted);
	tcase_add_test(tc, test_msg_texts);
	tcase_add_test(tc, test_history_roundtrip);
	tcase_add_test(tc, test_history_rules);
	tcase_add_test(tc, test_history_load);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
