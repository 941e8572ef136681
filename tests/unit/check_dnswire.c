/* check_dnswire.c - the wire reader the engine reads every reply with:
 * messages made by ldns (the reference) are accepted and read the same way
 * ldns reads them; every cut, bad pointer, long label or name, and a
 * fifty thousand random mutations are refused or read within bounds. */
#include <config.h>

#include <check.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "dnsq.h"
#include "dnswire.h"
#include "unit.h"

/* A reply made by ldns: MX for the question name, NS in authority, an A
 * in additional, compressed as ldns compresses. */
static uint8_t *
make_reply(const char *qname, size_t *len)
{
	ldns_pkt *p = NULL;
	ldns_rr *rr = NULL;
	ldns_rdf *name = NULL;
	uint8_t *wire = NULL;
	char text[600];

	ck_assert_int_eq(ldns_str2rdf_dname(&name, qname), LDNS_STATUS_OK);
	p = ldns_pkt_query_new(name, LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_set_id(p, 4660);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, true);
	snprintf(text, sizeof text, "%s 300 IN MX 10 Mail.%s", qname, qname);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	snprintf(text, sizeof text, "%s 300 IN MX 20 backup.example.net.", qname);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	snprintf(text, sizeof text, "%s 300 IN NS ns1.%s", qname, qname);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	snprintf(text, sizeof text, "%s 300 IN SOA ns1.%s host.%s 1 2 3 4 5",
	    qname, qname, qname);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	snprintf(text, sizeof text, "ns1.%s 300 IN A 192.0.2.53", qname);
	ck_assert_int_eq(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_ADDITIONAL, rr);
	ck_assert_int_eq(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return wire;
}

/* ldns's text of a name as dnswire writes it: lowercase, no final dot. */
static void
ldns_name(const ldns_rdf *r, char *out, size_t len)
{
	char *t = ldns_rdf2str(r);
	size_t i, n;

	ck_assert_ptr_nonnull(t);
	n = strlen(t);
	if (n > 1 && t[n - 1] == '.')
		t[--n] = '\0';
	for (i = 0; i < n; i++)
		if (t[i] >= 'A' && t[i] <= 'Z')
			t[i] = (char)(t[i] - 'A' + 'a');
	snprintf(out, len, "%s", t);
	free(t);
}

/* Every record of m as dnswire reads it, against ldns's reading of the
 * same bytes: section, owner, type, class, TTL, and the RDATA fields the
 * probe uses (addresses, names, the MX preference, SOA's names). */
static void
same_as_ldns(const uint8_t *m, size_t len)
{
	ldns_pkt *ref = NULL;
	ldns_rr_list *lists[4];
	dnswire_iter it;
	dnswire_rr rr;
	char text[DNSWIRE_TEXT_MAX], want[DNSWIRE_TEXT_MAX];
	size_t idx[4] = {0, 0, 0, 0}, total = 0, n = 0;
	int s;

	ck_assert(dnswire_check(m, len));
	ck_assert_int_eq(ldns_wire2pkt(&ref, m, len), LDNS_STATUS_OK);
	ck_assert_uint_eq(dnswire_id(m), ldns_pkt_id(ref));
	ck_assert_int_eq(dnswire_qr(m), ldns_pkt_qr(ref));
	ck_assert_int_eq(dnswire_aa(m), ldns_pkt_aa(ref));
	ck_assert_int_eq(dnswire_tc(m), ldns_pkt_tc(ref));
	ck_assert_int_eq(dnswire_rcode(m), ldns_pkt_get_rcode(ref));
	lists[0] = ldns_pkt_question(ref);
	lists[1] = ldns_pkt_answer(ref);
	lists[2] = ldns_pkt_authority(ref);
	lists[3] = ldns_pkt_additional(ref);
	for (s = 0; s < 4; s++)
		total += ldns_rr_list_rr_count(lists[s]);
	dnswire_begin(&it, m, len);
	while (dnswire_next(&it, &rr)) {
		ldns_rr *x;
		ck_assert_uint_lt(n, total);
		ck_assert_int_ge(rr.section, 0);
		ck_assert_int_le(rr.section, 3);
		/* In ldns's order: the next record of the same section. */
		for (s = 0; s < rr.section; s++)
			ck_assert_uint_eq(idx[s], ldns_rr_list_rr_count(lists[s]));
		x = ldns_rr_list_rr(lists[rr.section], idx[rr.section]++);
		ck_assert_ptr_nonnull(x);
		ldns_name(ldns_rr_owner(x), want, sizeof want);
		ck_assert_str_eq(dnswire_name_text(m, len, rr.owner, text), want);
		ck_assert_uint_eq(rr.type, ldns_rr_get_type(x));
		ck_assert_uint_eq(rr.rclass, ldns_rr_get_class(x));
		n++;
		if (rr.section == DNSWIRE_QUESTION)
			continue;
		ck_assert_uint_eq(rr.ttl, ldns_rr_ttl(x));
		switch (rr.type) {
		case LDNS_RR_TYPE_A:
		case LDNS_RR_TYPE_AAAA:
			ck_assert_uint_eq(rr.rdlen, ldns_rdf_size(ldns_rr_rdf(x, 0)));
			ck_assert(memcmp(m + rr.rdata, ldns_rdf_data(ldns_rr_rdf(x, 0)),
			    rr.rdlen) == 0);
			break;
		case LDNS_RR_TYPE_MX:
			ck_assert_uint_eq(dnswire_u16(m + rr.rdata),
			    ldns_rdf2native_int16(ldns_rr_rdf(x, 0)));
			ldns_name(ldns_rr_rdf(x, 1), want, sizeof want);
			ck_assert_str_eq(dnswire_name_text(m, len, rr.rdata + 2, text),
			    want);
			break;
		case LDNS_RR_TYPE_NS:
		case LDNS_RR_TYPE_SOA:
			ldns_name(ldns_rr_rdf(x, 0), want, sizeof want);
			ck_assert_str_eq(dnswire_name_text(m, len, rr.rdata, text), want);
			if (rr.type == LDNS_RR_TYPE_SOA) {
				size_t r2 = dnswire_skip_name(m, len, rr.rdata);
				ck_assert_uint_gt(r2, 0);
				ldns_name(ldns_rr_rdf(x, 1), want, sizeof want);
				ck_assert_str_eq(dnswire_name_text(m, len, r2, text), want);
				ck_assert_uint_eq(rr.rdata + rr.rdlen, dnswire_skip_name(m,
				    len, r2) + 20);
			}
			break;
		default:
			break;
		}
	}
	ck_assert_uint_eq(n, total);
	ldns_pkt_free(ref);
}

START_TEST(test_reads_like_ldns)
{
	const char *names[] = { "Example.COM.", "a.b.c.d.e.f.example.net.",
	    "xn--bcher-kva.example.", "x.", "_dmarc.Example.org." };
	size_t len, i;
	uint8_t *m;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		m = make_reply(names[i], &len);
		same_as_ldns(m, len);
		free(m);
	}
	/* And a few facts written down, so the comparison compares: six
	 * records, the second MX's target as the test wrote it. */
	m = make_reply("Example.COM.", &len);
	{
		dnswire_iter it;
		dnswire_rr rr;
		char text[DNSWIRE_TEXT_MAX];
		unsigned n = 0;

		dnswire_begin(&it, m, len);
		while (dnswire_next(&it, &rr))
			if (++n == 3)
				ck_assert_str_eq(dnswire_name_text(m, len,
				    rr.rdata + 2, text), "backup.example.net");
		ck_assert_uint_eq(n, 6);
	}
	free(m);
}
END_TEST

START_TEST(test_escapes)
{
	size_t len;
	uint8_t *m = make_reply("A\\034b\\092c\\007\\046\\128z.example.", &len);
	char text[DNSWIRE_TEXT_MAX];
	dnswire_iter it;
	dnswire_rr rr;

	ck_assert(dnswire_check(m, len));
	dnswire_begin(&it, m, len);
	dnswire_next(&it, &rr);
	/* Lowercase, every byte but a-z 0-9 - _ as \DDD (a dot in a label
	 * too), as the probe has always written names. */
	ck_assert_str_eq(dnswire_name_text(m, len, rr.owner, text),
	    "a\\034b\\092c\\007\\046\\128z.example");
	ck_assert(dnsq_reply_matches(m, len, 4660,
	    "a\\034B\\092c\\007\\046\\128Z.example", LDNS_RR_TYPE_MX));
	ck_assert(!dnsq_reply_matches(m, len, 4660,
	    "a\\034b\\092c\\007.\\128z.example", LDNS_RR_TYPE_MX));
	ck_assert(!dnsq_reply_matches(m, len, 4661,
	    "a\\034b\\092c\\007\\046\\128z.example", LDNS_RR_TYPE_MX));
	ck_assert(!dnsq_reply_matches(m, len, 4660,
	    "a\\034b\\092c\\007\\046\\128z.example", LDNS_RR_TYPE_A));
	m[2] &= (uint8_t)~0x80;     /* a query is not a reply */
	ck_assert(!dnsq_reply_matches(m, len, 4660,
	    "a\\034b\\092c\\007\\046\\128z.example", LDNS_RR_TYPE_MX));
	free(m);
}
END_TEST

START_TEST(test_every_cut_refused)
{
	size_t len, cut;
	uint8_t *m = make_reply("example.com.", &len);

	/* Every record is counted in the header: no shorter message holds
	 * them all. */
	for (cut = 0; cut < len; cut++)
		ck_assert_msg(!dnswire_check(m, cut), "accepted %zu of %zu bytes",
		    cut, len);
	ck_assert(dnswire_check(m, len));
	free(m);
}
END_TEST

/* header + one question whose name is given raw */
static size_t
raw_question(uint8_t *buf, const uint8_t *name, size_t nlen)
{
	memset(buf, 0, 12);
	buf[2] = 0x80;
	buf[5] = 1;
	memcpy(buf + 12, name, nlen);
	buf[12 + nlen] = 0;
	buf[13 + nlen] = 1;
	buf[14 + nlen] = 0;
	buf[15 + nlen] = 1;
	return 16 + nlen;
}

START_TEST(test_bad_names)
{
	uint8_t buf[700], name[600];
	char text[DNSWIRE_TEXT_MAX];
	size_t len, i;
	static const uint8_t self[] = { 0xc0, 12 };          /* points at itself */
	static const uint8_t fwd[] = { 0xc0, 40 };           /* points forward */
	static const uint8_t hdr[] = { 0xc0, 2 };            /* into the header */
	static const uint8_t long_label[] = { 64 };
	static const uint8_t type40[] = { 0x40, 1, 'a', 0 };
	static const uint8_t ok[] = { 1, 'A', 0 };

	len = raw_question(buf, ok, sizeof ok);
	ck_assert(dnswire_check(buf, len));
	ck_assert_str_eq(dnswire_name_text(buf, len, 12, text), "a");
	ck_assert(!dnswire_check(buf, raw_question(buf, self, sizeof self)));
	ck_assert(!dnswire_check(buf, raw_question(buf, fwd, sizeof fwd)));
	ck_assert(!dnswire_check(buf, raw_question(buf, hdr, sizeof hdr)));
	ck_assert(!dnswire_check(buf, raw_question(buf, long_label,
	    sizeof long_label)));
	ck_assert(!dnswire_check(buf, raw_question(buf, type40, sizeof type40)));
	/* 255 bytes is the longest name: 127 labels of 1 and the root. */
	for (i = 0; i < 127; i++) {
		name[2 * i] = 1;
		name[2 * i + 1] = 'x';
	}
	name[254] = 0;
	len = raw_question(buf, name, 255);
	ck_assert(dnswire_check(buf, len));
	/* ...one more label byte is too long. */
	name[254] = 1;
	name[255] = 'y';
	name[256] = 0;
	ck_assert(!dnswire_check(buf, raw_question(buf, name, 257)));
	/* a pointer loop between two names: each points at the other */
	{
		uint8_t loop[64];
		memset(loop, 0, sizeof loop);
		loop[2] = 0x80;
		loop[5] = 2;            /* two questions */
		loop[12] = 0xc0; loop[13] = 18;   /* -> the second name */
		loop[14] = 0; loop[15] = 1; loop[16] = 0; loop[17] = 1;
		loop[18] = 0xc0; loop[19] = 12;   /* -> the first */
		loop[20] = 0; loop[21] = 1; loop[22] = 0; loop[23] = 1;
		ck_assert(!dnswire_check(loop, 24));
	}
}
END_TEST

START_TEST(test_rdata_lengths)
{
	size_t len;
	uint8_t *m = make_reply("example.com.", &len);
	dnswire_iter it;
	dnswire_rr rr;

	/* The A record in additional: rdlength 4 -> 5 makes it refused. */
	dnswire_begin(&it, m, len);
	while (dnswire_next(&it, &rr))
		if (rr.type == LDNS_RR_TYPE_A)
			break;
	ck_assert_uint_eq(rr.rdlen, 4);
	m[rr.rdata - 1] = 5;
	ck_assert(!dnswire_check(m, len));
	free(m);
}
END_TEST

/* Random mutations of real replies: never a read out of bounds (ASan and
 * valgrind watch), and names of accepted messages are printable. */
START_TEST(test_mutations)
{
	size_t len, i, k;
	uint8_t *orig = make_reply("mail.Example.com.", &len);
	uint8_t *m = malloc(len);
	char text[DNSWIRE_TEXT_MAX];
	unsigned seed = 12345, accepted = 0, bad = 0;
	dnswire_iter it;
	dnswire_rr rr;

	for (i = 0; i < 50000; i++) {
		size_t n = len;
		memcpy(m, orig, len);
		for (k = 0; k < 1 + (size_t)rand_r(&seed) % 4; k++)
			m[(size_t)rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			n = (size_t)rand_r(&seed) % (len + 1);
		if (!dnswire_check(m, n))
			continue;
		accepted++;
		dnswire_begin(&it, m, n);
		/* Plain tests in the loop: each ck_assert records its place
		 * (a write to the test's parent), too slow a million times. */
		while (dnswire_next(&it, &rr)) {
			const char *t = dnswire_name_text(m, n, rr.owner, text);
			const char *c;
			if (t == NULL) {
				bad++;
				continue;
			}
			for (c = t; *c; c++)
				bad += !(*c >= 0x21 && *c < 0x7f);
			bad += rr.rdata + rr.rdlen > n;
		}
	}
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_gt(accepted, 1000);   /* the mutations reach the readers */
	free(m);
	free(orig);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dnswire");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_reads_like_ldns);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_every_cut_refused);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_rdata_lengths);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
