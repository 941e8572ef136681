/* check_verdict.c - verdict, branch and status names and what they ask for. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"
#include "unit.h"

START_TEST(test_names_roundtrip)
{
	unsigned i;
	verdict v;
	branch b;

	for (i = 0; i < VERDICT_COUNT; i++) {
		ck_assert_int_eq(verdict_from_string(verdict_to_string((verdict)i), &v), 0);
		ck_assert_int_eq(v, (verdict)i);
		ck_assert_uint_gt(strlen(verdict_meaning((verdict)i)), 10);
		ck_assert_uint_gt(strlen(verdict_advice((verdict)i)), 10);
	}
	for (i = 0; i < BRANCH_COUNT; i++) {
		ck_assert_int_eq(branch_from_string(branch_to_string((branch)i), &b), 0);
		ck_assert_int_eq(b, (branch)i);
	}
	ck_assert_int_eq(verdict_from_string("AAAA-DROPPED", &v), -1);
	ck_assert_int_eq(verdict_from_string("", &v), -1);
	ck_assert_str_eq(verdict_to_string((verdict)99), "unknown");
}
END_TEST

START_TEST(test_connector_table)
{
	/* The table: only the two AAAA verdicts need a connector. */
	ck_assert(!verdict_needs_connector(VERDICT_OK));
	ck_assert(verdict_needs_connector(VERDICT_AAAA_DROPPED));
	ck_assert(verdict_needs_connector(VERDICT_AAAA_BAD_RESPONSE));
	/* A connector works around broken DNSSEC too; the MX hosts' own
	 * faults and the rest need none. */
	ck_assert(verdict_needs_connector(VERDICT_DNSSEC_BOGUS));
	ck_assert(!verdict_needs_connector(VERDICT_MX_LOOPBACK));
	ck_assert(!verdict_needs_connector(VERDICT_IPV6_ONLY_MX));
	ck_assert(!verdict_needs_connector(VERDICT_MX_CNAME));
	ck_assert(!verdict_needs_connector(VERDICT_LAME_DELEGATION));
	ck_assert(!verdict_needs_connector(VERDICT_SLOW));
	ck_assert(!verdict_needs_connector(VERDICT_NXDOMAIN));
	ck_assert(!verdict_needs_connector(VERDICT_NULL_MX));
	ck_assert(!verdict_needs_connector(VERDICT_MX_NO_ADDRESS));
	ck_assert(!verdict_needs_connector(VERDICT_UNREACHABLE));
	ck_assert(!verdict_needs_connector(VERDICT_RESOLVER_FAILURE));
	ck_assert(!verdict_is_fault(VERDICT_OK));
	ck_assert(verdict_is_fault(VERDICT_UNREACHABLE));
	ck_assert_str_eq(rstatus_to_string(RSTATUS_SERVFAIL), "servfail");
	ck_assert_str_eq(branch_to_string(BRANCH_ALL_DOMAINS), "all-domains");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_names_roundtrip);
	tcase_add_test(tc, test_connector_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
