/* check_dname.c - domain validation, normalisation, escaping. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "escape.h"
#include "util.h"
#include "unit.h"

START_TEST(test_valid)
{
	static const char *good[] = {
		"contoso.com", "CONTOSO.COM.", "mail-1.contoso.co.uk", "a.b",
		"xn--bcher-kva.example", "localhost",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(dname_valid_host(good[i]), "refused '%s'", good[i]);
}
END_TEST

START_TEST(test_invalid)
{
	char long_label[80], long_name[300];
	static const char *bad[] = {
		"", ".", "..", "a..b", ".a", "-a.com", "a-.com", "a_b.com",
		"a b.com", "a;b.com", "192.0.2.1", "a.123", "contoso.com..",
		"\xc3\xa9.com", "a\x01.com", "$(calc).com", "'x'.com",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!dname_valid_host(bad[i]), "accepted '%s'", bad[i]);
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".com");
	ck_assert(!dname_valid_host(long_label));
	strcpy(long_label + 63, ".com");   /* 63 is the limit */
	ck_assert(dname_valid_host(long_label));
	for (i = 0; i < 254; i += 2)
		memcpy(long_name + i, "a.", 2);
	memcpy(long_name + 252, "cc", 3);   /* 254 characters */
	ck_assert(!dname_valid_host(long_name));
}
END_TEST

START_TEST(test_normalize)
{
	char out[DNAME_MAX];

	ck_assert_int_eq(dname_normalize("Mail.Contoso.COM.", out), 0);
	ck_assert_str_eq(out, "mail.contoso.com");
	ck_assert_int_eq(dname_normalize("bad_name.com", out), -1);
}
END_TEST

START_TEST(test_escape)
{
	char out[64];
	const char nasty[] = "a\x1b[31m\"\\\n\xff";

	esc_buf(ESC_TERMINAL, nasty, sizeof nasty - 1, out, sizeof out);
	/* '"' and '\\' are printable: kept, so escaping is idempotent */
	ck_assert_str_eq(out, "a\\x1b[31m\"\\\\x0a\\xff");
	/* truncation keeps the NUL and says so */
	esc_buf(ESC_TERMINAL, "abcdefghijklmnopqrstuvwxyz", 26, out, 12);
	ck_assert_uint_lt(strlen(out), 12);
	ck_assert_ptr_nonnull(strstr(out, "..."));
	/* an embedded NUL byte is shown, not a string end */
	esc_buf(ESC_TERMINAL, "a\0b", 3, out, sizeof out);
	ck_assert_str_eq(out, "a\\x00b");
}
END_TEST

START_TEST(test_printable)
{
	char out[64];
	const char *dns = "m\\034q\\092b.example";   /* as probe writes names */

	/* Printable ASCII is shown as it is (no second escape)... */
	ck_assert_ptr_eq(dname_printable(dns, out, sizeof out), dns);
	/* ...anything else is escaped. */
	ck_assert_str_eq(dname_printable("a\x1b]0;x\x07", out, sizeof out),
	    "a\\x1b]0;x\\x07");
	ck_assert_str_eq(dname_printable("caf\xc3\xa9", out, sizeof out),
	    "caf\\xc3\\xa9");
}
END_TEST

START_TEST(test_parent_equal)
{
	char out[DNAME_MAX];

	dname_parent("mail.contoso.com", out, sizeof out);
	ck_assert_str_eq(out, "contoso.com");
	dname_parent("com", out, sizeof out);
	ck_assert_str_eq(out, ".");
	/* a name longer than the buffer is never cut into another name */
	{
		char name[400], up[DNAME_MAX + 2];
		memset(name, 'a', sizeof name - 1);
		name[sizeof name - 1] = '\0';
		name[1] = '.';
		ck_assert_int_eq(dname_parent(name, up, sizeof up), -1);
		ck_assert_str_eq(up, "");
		name[sizeof up + 1] = '\0';     /* the parent just fits */
		ck_assert_int_eq(dname_parent(name, up, sizeof up), 0);
		ck_assert_uint_eq(strlen(up), sizeof up - 1);
	}
	ck_assert(dname_equal("Contoso.COM.", "contoso.com"));
	ck_assert(!dname_equal("contoso.com", "contoso.co"));
}
END_TEST

START_TEST(test_list_split)
{
	char **v = NULL;
	size_t n = 0;

	list_split(" a.com, b.com\nc.com\t,,d.com ", &v, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(v[0], "a.com");
	ck_assert_str_eq(v[3], "d.com");
	strv_free(v, n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dname");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_printable);
	tcase_add_test(tc, test_parent_equal);
	tcase_add_test(tc, test_list_split);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
