/* check_escape.c - the escaping module: every context with control bytes,
 * ESC, invalid UTF-8, quotes, backslashes and very long input; escapes do
 * not pile up across layers. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"
#include "unit.h"

/* a bit of everything hostile */
static const char nasty[] = "a\x1b[2J\x07\"q'\\b\x01\x7f\xff\xc3(\xe2\x80\xae z";

static char *
dup_all(esc_ctx ctx, const char *s)
{
	char *t = esc_dup(ctx, s, SIZE_MAX);

	ck_assert_ptr_nonnull(t);
	return t;
}

/* No byte of the output is a control byte or above 0x7e. */
static void
assert_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			break;
	ck_assert_msg(*s == '\0', "byte 0x%02x in the output",
	    (unsigned char)*s);
}

START_TEST(test_terminal)
{
	char *t = dup_all(ESC_TERMINAL, nasty), *u;
	char out[16];

	ck_assert_str_eq(t, "a\\x1b[2J\\x07\"q'\\b\\x01\\x7f\\xff\\xc3(\\xe2\\x80"
	    "\\xae z");
	assert_ascii(t);
	/* idempotent: a second layer changes nothing */
	u = dup_all(ESC_TERMINAL, t);
	ck_assert_str_eq(u, t);
	free(u);
	free(t);
	/* an embedded NUL is shown, not an end */
	ck_assert_str_eq(esc_buf(ESC_TERMINAL, "a\0b", 3, out, sizeof out),
	    "a\\x00b");
	/* cut with "...", always terminated */
	esc_buf(ESC_TERMINAL, "\x1b\x1b\x1b\x1b\x1b\x1b", 6, out, 12);
	ck_assert_uint_lt(strlen(out), 12);
	ck_assert_ptr_nonnull(strstr(out, "..."));
	assert_ascii(out);
}
END_TEST

/* The layering of the issue: a DNS name with byte 23, as ldns writes it,
 * through the terminal, a message, JSON and a plan: "\027" everywhere,
 * never "\x5c027" or "\x5cx5c027". */
START_TEST(test_no_pile_up)
{
	const char *name = "m\\027x.example";
	char msg[100], *j, *p, *h;
	FILE *f;
	size_t len;

	esc_buf(ESC_TERMINAL, name, strlen(name), msg, sizeof msg);
	ck_assert_str_eq(msg, name);
	esc_buf(ESC_TERMINAL, msg, strlen(msg), msg, sizeof msg);
	ck_assert_str_eq(msg, name);
	p = dup_all(ESC_PLAN, msg);
	ck_assert_str_eq(p, name);
	f = open_memstream(&j, &len);
	ck_assert_int_eq(esc_put(f, ESC_JSON, p), 0);
	fclose(f);
	ck_assert_str_eq(j, "m\\\\027x.example");       /* JSON for one '\' */
	h = dup_all(ESC_HTML, p);
	ck_assert_str_eq(h, name);
	free(j);
	free(p);
	free(h);
	ck_assert_ptr_null(strstr(msg, "x5c"));
}
END_TEST

START_TEST(test_terminal_utf8)
{
	char *t = dup_all(ESC_TERMINAL_UTF8, "caf\xc3\xa9 \xe2\x80\x94 "
	    "\xe2\x80\xae\xc2\x85\xef\xbb\xbf\xc3(\xed\xa0\x80\x1b");

	/* é and the dash kept; RLO, NEL (C1), BOM, a broken sequence, a
	 * surrogate and ESC escaped */
	ck_assert_str_eq(t, "caf\xc3\xa9 \xe2\x80\x94 \\xe2\\x80\\xae\\xc2\\x85"
	    "\\xef\\xbb\\xbf\\xc3(\\xed\\xa0\\x80\\x1b");
	free(t);
	t = dup_all(ESC_TERMINAL_UTF8, "end\xe2\x80");     /* cut short */
	ck_assert_str_eq(t, "end\\xe2\\x80");
	free(t);
}
END_TEST

/* esc_utf8_char: one character, the rule ESC_TERMINAL_UTF8 keeps by
 * (the wizard's fields take what it takes). */
START_TEST(test_utf8_char)
{
	static const struct { const char *s; size_t len; } cases[] = {
		{ "\xc3\xbc", 2 },              /* u-umlaut */
		{ "\xe4\xbe\x8b", 3 },          /* a CJK ideograph */
		{ "\xf0\x9f\x98\x80", 4 },      /* an emoji */
		{ "\xc2\xa0", 2 },              /* no-break space */
		{ "a", 0 },                     /* ASCII is not its business */
		{ "\xc2\x85", 0 },              /* NEL, a C1 control */
		{ "\xe2\x80\xae", 0 },          /* RLO */
		{ "\xe2\x81\xa6", 0 },          /* LRI */
		{ "\xe2\x80\x8d", 0 },          /* ZWJ */
		{ "\xef\xbb\xbf", 0 },          /* BOM */
		{ "\xc0\xbc", 0 },              /* overlong '<' */
		{ "\xe0\x80\xaf", 0 },          /* overlong '/' */
		{ "\xed\xa0\x80", 0 },          /* a surrogate */
		{ "\xf4\x90\x80\x80", 0 },      /* past U+10FFFF */
		{ "\xbc", 0 },                  /* a stray continuation byte */
		{ "\xc3(", 0 },                 /* cut short */
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(esc_utf8_char(cases[i].s, strlen(cases[i].s)) ==
		    cases[i].len, "case %zu", i);
	/* fewer bytes there than the character needs */
	ck_assert_uint_eq(esc_utf8_char("\xe4\xbe\x8b", 2), 0);
	ck_assert_uint_eq(esc_utf8_char("\xc3\xbc", 0), 0);
}
END_TEST

START_TEST(test_plan)
{
	char *t = dup_all(ESC_PLAN, nasty), *u, *big;
	size_t i;

	ck_assert_str_eq(t, "a\\x1b[2J\\x07'q'\\b\\x01\\x7f\\xff\\xc3(\\xe2\\x80"
	    "\\xae z");
	assert_ascii(t);
	ck_assert_ptr_null(strchr(t, '"'));
	u = dup_all(ESC_PLAN, t);
	ck_assert_str_eq(u, t);
	free(u);
	free(t);
	t = dup_all(ESC_PLAN, "ends with a backslash \\\\ ");
	ck_assert_str_eq(t, "ends with a backslash");
	free(t);
	t = dup_all(ESC_PLAN, "  ");
	ck_assert_str_eq(t, "-");
	free(t);
	/* long: cut to ESC_PLAN_MAX - 1, never inside an escape */
	big = xmalloc(5000);
	for (i = 0; i < 4999; i++)
		big[i] = i % 3 == 0 ? '\x1b' : 'x';
	big[4999] = '\0';
	t = dup_all(ESC_PLAN, big);
	ck_assert_uint_le(strlen(t), ESC_PLAN_MAX - 1);
	ck_assert_uint_ge(strlen(t), ESC_PLAN_MAX - 5);
	ck_assert_msg(strlen(t) < 4 || strstr(t + strlen(t) - 4, "\\x1") == NULL ||
	    strcmp(t + strlen(t) - 4, "\\x1b") == 0, "cut in an escape: %s",
	    t + strlen(t) - 8);
	free(t);
	free(big);
}
END_TEST

START_TEST(test_json)
{
	char *j;
	size_t len;
	FILE *f = open_memstream(&j, &len);

	fputc('"', f);
	ck_assert_int_eq(esc_put(f, ESC_JSON, nasty), 0);
	fputc('"', f);
	fclose(f);
	ck_assert_str_eq(j, "\"a\\\\x1b[2J\\\\x07\\\"q'\\\\b\\\\x01\\\\x7f\\\\xff"
	    "\\\\xc3(\\\\xe2\\\\x80\\\\xae z\"");
	assert_ascii(j);
	free(j);
	/* a cut never leaves a lone backslash before "..." */
	{
		char out[9];
		esc_buf(ESC_JSON, "\\\\\\\\\\\\\\\\", 8, out, sizeof out);
		ck_assert_str_eq(out, "\\\\\\\\...");
	}
}
END_TEST

START_TEST(test_powershell)
{
	char *q = esc_dup(ESC_POWERSHELL, "it's $(Remove-Item x) `n \"", SIZE_MAX);

	ck_assert_str_eq(q, "'it''s $(Remove-Item x) `n \"'");
	free(q);
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "line\nbreak", SIZE_MAX));
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "smart\xe2\x80\x99q", SIZE_MAX));
	ck_assert_ptr_null(esc_dup(ESC_POWERSHELL, "\x1b[2J", SIZE_MAX));
	ck_assert(!esc_ok(ESC_POWERSHELL, "\x7f"));
	ck_assert(esc_ok(ESC_POWERSHELL, "''"));
	q = esc_dup(ESC_POWERSHELL, "''", SIZE_MAX);
	ck_assert_str_eq(q, "''''''");
	free(q);
}
END_TEST

START_TEST(test_dns_and_html)
{
	char *t = dup_all(ESC_DNS, "m\"q\\b\x07\x80x.y");

	ck_assert_str_eq(t, "m\\034q\\092b\\007\\128x\\046y");
	free(t);
	t = dup_all(ESC_HTML, "<a href=\"x\">'&'</a>\x1b");
	ck_assert_str_eq(t, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
	    "\\x1b");
	free(t);
}
END_TEST

/* Very long input in every context: bounded by max, all of it escaped. */
START_TEST(test_markdown)
{
	char *t = dup_all(ESC_MARKDOWN, nasty);

	ck_assert_str_eq(t, "a\\x1b\\[2J\\x07\"q'\\\\b\\x01\\x7f\\xff\\xc3\\(\\xe2"
	    "\\x80\\xae z");
	assert_ascii(t);
	free(t);
	t = dup_all(ESC_MARKDOWN, "1. | b\xc3\xbc");
	ck_assert_str_eq(t, "1\\. \\| b\xc3\xbc");
	free(t);
}
END_TEST

START_TEST(test_shell)
{
	char out[8], *t;

	t = dup_all(ESC_SHELL, "/srv/plans/a.ini");
	ck_assert_str_eq(t, "/srv/plans/a.ini");
	free(t);
	t = dup_all(ESC_SHELL, "it's $(x) `y`");
	ck_assert_str_eq(t, "'it'\\''s $(x) `y`'");
	free(t);
	t = dup_all(ESC_SHELL, "");
	ck_assert_str_eq(t, "''");
	free(t);
	/* a control byte or a newline is refused, never quoted */
	ck_assert_ptr_null(esc_dup(ESC_SHELL, "a\nb", SIZE_MAX));
	ck_assert_str_eq(esc_buf(ESC_SHELL, "a\x1b", 2, out, sizeof out), "");
	/* whole or nothing: a word that does not fit is not cut */
	ck_assert_str_eq(esc_buf(ESC_SHELL, "a b c d e", 9, out, sizeof out),
	    "");
	ck_assert_str_eq(esc_buf(ESC_SHELL, "a b", 3, out, sizeof out),
	    "'a b'");
	ck_assert(!esc_ok(ESC_SHELL, "a\tb"));
	ck_assert(esc_ok(ESC_SHELL, "a b"));
}
END_TEST

START_TEST(test_long_input)
{
	size_t n = 1 << 16, i;         /* long, and quick under valgrind */
	char *big = xmalloc(n + 1), *t;
	esc_ctx c;

	for (i = 0; i < n; i++)
		big[i] = i % 7 == 0 ? '\x1b' : i % 11 == 0 ? '"' : 'x';
	big[n] = '\0';
	for (c = 0; c < ESC_CTX_COUNT; c++) {
		if (c == ESC_POWERSHELL || c == ESC_SHELL)
			continue;       /* refused: not printable (test_shell) */
		t = dup_all(c, big);
		assert_ascii(t);
		ck_assert_ptr_null(strchr(t, '\x1b'));
		if (c == ESC_TERMINAL || c == ESC_TERMINAL_UTF8)
			ck_assert_uint_gt(strlen(t), n);
		free(t);
		t = esc_dup(c, big, 100);       /* at most 100 bytes read */
		ck_assert_uint_le(strlen(t), 6 * 100);
		free(t);
	}
	free(big);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_terminal);
	tcase_add_test(tc, test_no_pile_up);
	tcase_add_test(tc, test_terminal_utf8);
	tcase_add_test(tc, test_utf8_char);
	tcase_add_test(tc, test_plan);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_powershell);
	tcase_add_test(tc, test_dns_and_html);
	tcase_add_test(tc, test_markdown);
	tcase_add_test(tc, test_shell);
	tcase_add_test(tc, test_long_input);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
