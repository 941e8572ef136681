/* check_addr.c - server address parsing and printing. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "unit.h"

static void
roundtrip(const char *in, const char *want)
{
	exaddr a;
	char err[160], out[ADDR_TEXT_MAX];

	ck_assert_msg(addr_parse(in, 53, &a, err, sizeof err) == 0, "%s: %s", in, err);
	addr_format(&a, out, sizeof out);
	ck_assert_str_eq(out, want);
}

START_TEST(test_parse_forms)
{
	roundtrip("192.0.2.1", "192.0.2.1");
	roundtrip("192.0.2.1@53", "192.0.2.1");
	roundtrip("127.0.53.53@10053", "127.0.53.53@10053");
	roundtrip("::1", "::1");
	roundtrip("::1@5300", "::1@5300");
	roundtrip("[::1]:5300", "::1@5300");
	roundtrip("[2001:db8::1]", "2001:db8::1");
}
END_TEST

START_TEST(test_parse_rejects)
{
	static const char *bad[] = {
		"", "mail.example.com", "192.0.2", "192.0.2.1@", "192.0.2.1@0",
		"192.0.2.1@65536", "192.0.2.1@53x", "256.1.1.1", "[::1", "[::1]x",
		"192.0.2.1 ", "1.2.3.4@-1",
	};
	size_t i;
	exaddr a;
	char err[160];

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(addr_parse(bad[i], 53, &a, err, sizeof err) == -1,
		    "accepted '%s'", bad[i]);
		ck_assert_msg(strlen(err) > 0, "no message for '%s'", bad[i]);
	}
}
END_TEST

START_TEST(test_error_escapes_input)
{
	exaddr a;
	char err[200];

	ck_assert_int_eq(addr_parse("1.2.3.4\x1b[2J", 53, &a, err, sizeof err), -1);
	ck_assert_ptr_null(strchr(err, '\x1b'));
	ck_assert_ptr_nonnull(strstr(err, "\\x1b"));
}
END_TEST

START_TEST(test_loopback_and_equal)
{
	exaddr a, b;

	ck_assert_int_eq(addr_from_ip("127.1.2.3", 53, &a), 0);
	ck_assert(addr_is_loopback(&a));
	ck_assert_int_eq(addr_from_ip("::1", 53, &a), 0);
	ck_assert(addr_is_loopback(&a));
	ck_assert_int_eq(addr_from_ip("10.0.0.1", 53, &a), 0);
	ck_assert(!addr_is_loopback(&a));
	ck_assert_int_eq(addr_from_ip("10.0.0.1", 53, &b), 0);
	ck_assert(addr_equal(&a, &b));
	addr_set_port(&b, 54);
	ck_assert(!addr_equal(&a, &b));
	ck_assert_uint_eq(addr_port(&b), 54);
}
END_TEST

START_TEST(test_ipv4_text)
{
	ck_assert(addr_is_ipv4_text("192.0.2.21"));
	ck_assert(!addr_is_ipv4_text("192.0.2"));
	ck_assert(!addr_is_ipv4_text("192.0.2.21 "));
	ck_assert(!addr_is_ipv4_text("2001:db8::1"));
	ck_assert(!addr_is_ipv4_text("192.0.2.256"));
	ck_assert(!addr_is_ipv4_text("192.0.2.1;calc"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_forms);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_error_escapes_input);
	tcase_add_test(tc, test_loopback_and_equal);
	tcase_add_test(tc, test_ipv4_text);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
