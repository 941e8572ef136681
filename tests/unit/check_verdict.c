/* check_verdict.c - verdict, branch and status names and what they ask for,
 * against the manual pages that document them. */
#include <config.h>

#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verdict.h"
#include "unit.h"

/* The man page source (doc/NAME under top_srcdir), read whole. */
static char *
read_doc(const char *name)
{
	const char *src = getenv("top_srcdir");
	char path[4096], err[600];
	size_t len;
	char *t;

	snprintf(path, sizeof path, "%s/doc/%s", src ? src : ".", name);
	t = util_read_file(path, 1 << 20, &len, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	return t;
}

/* ".B aaaa\-dropped" -> "aaaa-dropped" */
static void
roff_word(const char *line, char *out, size_t len)
{
	size_t o = 0;

	for (; *line != '\0' && *line != '\n' && o + 1 < len; line++) {
		if (line[0] == '\\' && line[1] == '-')
			continue;
		out[o++] = *line;
	}
	out[o] = '\0';
}

/* Most words (four letters or more) of verdict_meaning in the page's
 * paragraph about the verdict: the meaning is the one documented. */
static void
meaning_matches(const char *name, const char *meaning, const char *para,
                size_t plen)
{
	char *doc = xmalloc(plen + 1), word[64];
	unsigned words = 0, found = 0;
	size_t i, w;

	memcpy(doc, para, plen);
	doc[plen] = '\0';
	for (i = 0; meaning[i] != '\0'; ) {
		for (w = 0; isalnum((unsigned char)meaning[i]) && w + 1 < sizeof word; i++)
			word[w++] = meaning[i];
		word[w] = '\0';
		if (w == 0) {
			i++;
			continue;
		}
		if (w < 4)
			continue;
		words++;
		found += strcasestr(doc, word) != NULL;
	}
	ck_assert_msg(words > 0 && found * 2 > words, "verdict '%s' means '%s', "
	    "not what the page says (%u of %u words)", name, meaning, found, words);
	free(doc);
}

/* The verdicts as exdns(1) documents them (.SH VERDICTS: ".TP", ".B NAME",
 * the meaning; "Needs a send connector." for the ones that do), against
 * the names and the table of src/verdict.c: name, meaning, connector. */
START_TEST(test_verdicts_as_documented)
{
	char *doc = read_doc("exdns.1"), *p, *end, name[64];
	bool seen[VERDICT_COUNT] = { false };
	unsigned n = 0;
	verdict v;

	p = strstr(doc, "\n.SH VERDICTS\n");
	ck_assert_ptr_nonnull(p);
	end = strstr(p + 1, "\n.PP\n");
	ck_assert_ptr_nonnull(end);
	while ((p = strstr(p, "\n.TP\n.B ")) != NULL && p < end) {
		char *next;
		bool needs;

		p += strlen("\n.TP\n.B ");
		roff_word(p, name, sizeof name);
		next = strstr(p, "\n.TP\n");
		if (next == NULL || next > end)
			next = end;
		needs = memmem(p, (size_t)(next - p), "Needs a send connector",
		    strlen("Needs a send connector")) != NULL;
		ck_assert_msg(verdict_from_string(name, &v) == 0,
		    "documented verdict '%s' unknown", name);
		ck_assert_str_eq(verdict_to_string(v), name);
		ck_assert_msg(!seen[v], "'%s' twice", name);
		seen[v] = true;
		ck_assert_msg(verdict_needs_connector(v) == needs,
		    "'%s': the page says %s a connector", name,
		    needs ? "it needs" : "it does not need");
		meaning_matches(name, verdict_meaning(v), p, (size_t)(next - p));
		ck_assert_uint_gt(strlen(verdict_advice(v)), 10);
		n++;
	}
	ck_assert_uint_eq(n, VERDICT_COUNT);
	ck_assert_int_eq(verdict_from_string("AAAA-DROPPED", &v), -1);
	ck_assert_int_eq(verdict_from_string("", &v), -1);
	ck_assert_str_eq(verdict_to_string((verdict)99), "unknown");
	free(doc);
}
END_TEST

/* The branches as exdns-plan(5) documents the key "branch". */
START_TEST(test_branches_as_documented)
{
	char *doc = read_doc("exdns-plan.5"), *p, *end, name[64];
	bool seen[BRANCH_COUNT] = { false };
	unsigned n = 0;
	branch b;

	p = strstr(doc, "\n.BR branch \" (required)\"\n");
	ck_assert_ptr_nonnull(p);
	p++;
	end = strstr(p, "\n.TP\n");
	ck_assert_ptr_nonnull(end);
	while ((p = strstr(p, "\n.B ")) != NULL && p < end) {
		p += strlen("\n.B ");
		roff_word(p, name, sizeof name);
		if (name[0] == '[')             /* ".B [connector]" */
			continue;
		ck_assert_msg(branch_from_string(name, &b) == 0,
		    "documented branch '%s' unknown", name);
		ck_assert_str_eq(branch_to_string(b), name);
		ck_assert(!seen[b]);
		seen[b] = true;
		n++;
	}
	ck_assert_uint_eq(n, BRANCH_COUNT);
	free(doc);
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
	/* and a broken EDNS path the resolver does not get round (when it
	 * does, the domain is ok and the reason says so). */
	ck_assert(verdict_needs_connector(VERDICT_EDNS_BROKEN));
	ck_assert(!verdict_needs_connector(VERDICT_MX_LOOPBACK));
	ck_assert(!verdict_needs_connector(VERDICT_IPV6_ONLY_MX));
	ck_assert(!verdict_needs_connector(VERDICT_MX_CNAME));
	ck_assert(!verdict_needs_connector(VERDICT_LAME_DELEGATION));
	ck_assert(!verdict_needs_connector(VERDICT_SLOW));
	ck_assert(!verdict_needs_connector(VERDICT_TCP_BLOCKED));
	ck_assert(!verdict_needs_connector(VERDICT_NXDOMAIN));
	ck_assert(!verdict_needs_connector(VERDICT_NULL_MX));
	ck_assert(!verdict_needs_connector(VERDICT_MX_NO_ADDRESS));
	ck_assert(!verdict_needs_connector(VERDICT_UNREACHABLE));
	ck_assert(!verdict_needs_connector(VERDICT_RESOLVER_FAILURE));
	ck_assert(!verdict_is_fault(VERDICT_OK));
	ck_assert(verdict_is_fault(VERDICT_UNREACHABLE));
	ck_assert_str_eq(rstatus_to_string(RSTATUS_SERVFAIL), "servfail");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_verdicts_as_documented);
	tcase_add_test(tc, test_branches_as_documented);
	tcase_add_test(tc, test_connector_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
