/* dnswire.c - reading DNS messages in wire form without allocating. Every
 * read is bounded by the message length; compression pointers must point
 * before the piece of name they are in, so following them always ends. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "dnswire.h"

/* Walk the name at off; with text != NULL, write its text form there.
 * Returns the offset after the name where it starts (after its first
 * pointer, if any), or 0. */
static size_t
name_walk(const uint8_t *m, size_t len, size_t off, char *text)
{
	size_t pos = off, piece = off, end = 0, wire = 0, t = 0, j;

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return 0;
		l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;
			if (pos + 1 >= len)
				return 0;
			to = ((size_t)(l & 0x3f) << 8) | m[pos + 1];
			if (end == 0)
				end = pos + 2;
			/* Back, before this piece: every jump goes lower. */
			if (to >= piece || to < DNSWIRE_HEADER)
				return 0;
			pos = piece = to;
			continue;
		}
		if (l & 0xc0)          /* 0x40, 0x80: no such label types */
			return 0;
		if (l == 0) {
			if (++wire > DNSWIRE_NAME_MAX)
				return 0;
			if (end == 0)
				end = pos + 1;
			break;
		}
		if (pos + 1 + l > len)
			return 0;
		wire += (size_t)l + 1;
		if (wire >= DNSWIRE_NAME_MAX)      /* and the root byte */
			return 0;
		if (text != NULL) {
			if (t > 0)
				text[t++] = '.';
			for (j = 0; j < l; j++) {
				uint8_t c = m[pos + 1 + j];
				if (c >= 'A' && c <= 'Z')
					text[t++] = (char)(c - 'A' + 'a');
				else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				    c == '-' || c == '_')
					text[t++] = (char)c;
				else {
					text[t++] = '\\';
					text[t++] = (char)('0' + c / 100);
					text[t++] = (char)('0' + c / 10 % 10);
					text[t++] = (char)('0' + c % 10);
				}
			}
		}
		pos += (size_t)l + 1;
	}
	if (text != NULL) {
		if (t == 0)
			text[t++] = '.';
		text[t] = '\0';
	}
	return end;
}

size_t
dnswire_skip_name(const uint8_t *m, size_t len, size_t off)
{
	return name_walk(m, len, off, NULL);
}

const char *
dnswire_name_text(const uint8_t *m, size_t len, size_t off, char *out)
{
	return name_walk(m, len, off, out) != 0 ? out : NULL;
}

static uint8_t
ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

bool
dnswire_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
                   size_t blen)
{
	size_t i = 0, j;

	for (;;) {
		if (i >= alen || i >= blen || a[i] != b[i] || a[i] > 63)
			return false;
		if (a[i] == 0)
			return true;
		if (i + 1 + a[i] > alen || i + 1 + a[i] > blen)
			return false;
		for (j = 1; j <= a[i]; j++)
			if (ascii_lower(a[i + j]) != ascii_lower(b[i + j]))
				return false;
		i += (size_t)a[i] + 1;
	}
}

/* The RDATA of the types we read fills exactly rdlen. */
static bool
rdata_ok(const uint8_t *m, size_t len, uint16_t type, size_t rd, size_t rdlen)
{
	size_t end = rd + rdlen, p;

	switch (type) {
	case 1:                     /* A */
		return rdlen == 4;
	case 28:                    /* AAAA */
		return rdlen == 16;
	case 2: case 5: case 12:    /* NS, CNAME, PTR */
		return dnswire_skip_name(m, len, rd) == end;
	case 15:                    /* MX */
		return rdlen >= 3 && dnswire_skip_name(m, len, rd + 2) == end;
	case 6:                     /* SOA */
		if ((p = dnswire_skip_name(m, len, rd)) == 0 || p > end ||
		    (p = dnswire_skip_name(m, len, p)) == 0 || p > end)
			return false;
		return p + 20 == end;
	default:
		return true;
	}
}

void
dnswire_begin(dnswire_iter *it, const uint8_t *m, size_t len)
{
	it->m = m;
	it->len = len;
	it->pos = DNSWIRE_HEADER;
	it->section = DNSWIRE_QUESTION;
	it->left = len >= DNSWIRE_HEADER ? dnswire_u16(m + 4) : 0;
}

bool
dnswire_next(dnswire_iter *it, dnswire_rr *rr)
{
	size_t p;

	if (it->len < DNSWIRE_HEADER)
		return false;
	while (it->left == 0) {
		if (++it->section > DNSWIRE_ADDITIONAL)
			return false;
		it->left = dnswire_u16(it->m + 4 + 2 * it->section);
	}
	it->left--;
	memset(rr, 0, sizeof *rr);
	rr->section = it->section;
	rr->owner = it->pos;
	if ((p = dnswire_skip_name(it->m, it->len, it->pos)) == 0 ||
	    p + 4 > it->len) {
		it->left = 0;
		it->section = DNSWIRE_ADDITIONAL;
		return false;
	}
	rr->type = dnswire_u16(it->m + p);
	rr->rclass = dnswire_u16(it->m + p + 2);
	p += 4;
	if (it->section != DNSWIRE_QUESTION) {
		if (p + 6 > it->len)
			goto bad;
		rr->ttl = ((uint32_t)dnswire_u16(it->m + p) << 16) |
		    dnswire_u16(it->m + p + 2);
		rr->rdlen = dnswire_u16(it->m + p + 4);
		rr->rdata = p + 6;
		p += 6;
		if (p + rr->rdlen > it->len)
			goto bad;
		p += rr->rdlen;
	}
	it->pos = p;
	return true;
bad:
	it->left = 0;
	it->section = DNSWIRE_ADDITIONAL;
	return false;
}

bool
dnswire_check(const uint8_t *m, size_t len)
{
	dnswire_iter it;
	dnswire_rr rr;
	unsigned total;

	if (len < DNSWIRE_HEADER)
		return false;
	total = (unsigned)dnswire_u16(m + 4) + dnswire_u16(m + 6) +
	    dnswire_u16(m + 8) + dnswire_u16(m + 10);
	dnswire_begin(&it, m, len);
	while (total-- > 0) {
		if (!dnswire_next(&it, &rr))
			return false;
		if (rr.section != DNSWIRE_QUESTION &&
		    !rdata_ok(m, len, rr.type, rr.rdata, rr.rdlen))
			return false;
	}
	return true;
}
