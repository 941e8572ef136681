/* check_addr.c - server address parsing and printing. */
#include <config.h>

#include <arpa/inet.h>
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

START_TEST(test_smart_host_ranges)
{
	static const char *const bad[] = {
		"0.0.0.0", "0.255.1.2", "10.0.0.5", "10.255.255.255",
		"100.64.0.1", "100.127.255.255", "127.0.0.1", "127.255.0.9",
		"169.254.10.10", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"192.0.2.300", "2001:db8::1", "",
	};
	static const char *const good[] = {
		"192.0.2.21", "198.51.100.7", "203.0.113.9", "198.18.0.1",
		"198.19.255.254", "8.8.8.8", "100.63.255.255", "100.128.0.0",
		"172.15.255.255", "172.32.0.0", "192.169.0.1", "169.253.1.1",
		"11.0.0.1", "126.255.255.255", "128.0.0.1", "223.255.255.255",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!addr_is_smart_host_v4(bad[i]), "%s taken", bad[i]);
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(addr_is_smart_host_v4(good[i]), "%s refused", good[i]);
}
END_TEST

/* This host's own addresses: only usable ones (the rest are never smart
 * hosts anyway), no duplicates; and the lookup among them. */
START_TEST(test_own_v4)
{
	uint32_t own[8], set[2];
	char text[INET_ADDRSTRLEN];
	size_t n = addr_own_v4(own, 8), i, j;

	ck_assert_uint_le(n, 8);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, &own[i], text, sizeof text));
		ck_assert(addr_is_smart_host_v4(text));
		ck_assert(addr_v4_among(text, own, n));
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(own[i], own[j]);
	}
	ck_assert_uint_eq(addr_own_v4(own, 0), 0);
	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.250", &set[0]), 1);
	ck_assert_int_eq(inet_pton(AF_INET, "203.0.113.1", &set[1]), 1);
	ck_assert(addr_v4_among("192.0.2.250", set, 2));
	ck_assert(addr_v4_among("203.0.113.1", set, 2));
	ck_assert(!addr_v4_among("203.0.113.1", set, 1));
	ck_assert(!addr_v4_among("192.0.2.25", set, 2));
	ck_assert(!addr_v4_among("192.0.2.250x", set, 2));
	ck_assert(!addr_v4_among("::1", set, 2));
	ck_assert(!addr_v4_among("192.0.2.250", set, 0));
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
	tcase_add_test(tc, test_smart_host_ranges);
	tcase_add_test(tc, test_own_v4);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
