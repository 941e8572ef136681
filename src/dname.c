/* dname.c - domain name validation, normalisation and safe display. */
#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dname.h"
#include "escape.h"

static bool dname_no(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The reason, when why is not NULL. */
static bool
dname_no(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool
dname_check(const char *s, char *why, size_t whylen)
{
	size_t len = strlen(s), label = 0, i;
	bool alpha_tld = false;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0)
		return dname_no(why, whylen, "empty name");
	if (len > 253)
		return dname_no(why, whylen, "too long (%zu characters; at most "
		    "253)", len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return dname_no(why, whylen, "empty label at "
				    "character %zu", i + 1);
			if (s[i - 1] == '-')
				return dname_no(why, whylen, "a label ends with '-' "
				    "(character %zu)", i);
			label = 0;
			alpha_tld = false;
			continue;
		}
		if (isalnum(c) && c < 128) {
			if (isalpha(c))
				alpha_tld = true;
		} else if (c == '-') {
			if (label == 0)
				return dname_no(why, whylen, "a label starts with "
				    "'-' (character %zu)", i + 1);
		} else {
			if (why != NULL && whylen > 0 && c >= 0x20 && c < 0x7f)
				snprintf(why, whylen, "bad character '%c' at "
				    "character %zu", (char)c, i + 1);
			else if (why != NULL && whylen > 0)
				snprintf(why, whylen, "bad byte 0x%02x at "
				    "character %zu", c, i + 1);
			return false;
		}
		if (++label > 63)
			return dname_no(why, whylen, "a label longer than 63 "
			    "characters (at character %zu)", i + 1);
	}
	if (s[len - 1] == '-')
		return dname_no(why, whylen, "a label ends with '-' (character "
		    "%zu)", len);
	/* The last label of a host name is not all digits (not an IP). */
	if (!alpha_tld)
		return dname_no(why, whylen, "the last label is all digits (an "
		    "address, not a name)");
	return true;
}

bool
dname_valid_host(const char *s)
{
	return dname_check(s, NULL, 0);
}

int
dname_normalize(const char *in, char *out)
{
	size_t len, i;

	if (!dname_valid_host(in))
		return -1;
	len = strlen(in);
	if (in[len - 1] == '.')
		len--;
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[len] = '\0';
	return 0;
}

int
dname_parent(const char *name, char *out, size_t outlen)
{
	const char *dot = strchr(name, '.');
	const char *up = dot == NULL || dot[1] == '\0' ? "." : dot + 1;

	if (strlen(up) >= outlen) {
		/* never cut: a cut name is another name */
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	memcpy(out, up, strlen(up) + 1);
	return 0;
}

bool
dname_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

bool
dname_under(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);

	if (ln > 0 && name[ln - 1] == '.')
		ln--;
	if (lz > 0 && zone[lz - 1] == '.')
		lz--;
	if (lz == 0)
		return true;   /* the root is above every name */
	if (ln == lz)
		return strncasecmp(name, zone, lz) == 0;
	return ln > lz && name[ln - lz - 1] == '.' &&
	    strncasecmp(name + ln - lz, zone, lz) == 0;
}

const char *
dname_printable(const char *in, char *out, size_t outlen)
{
	const unsigned char *p;

	for (p = (const unsigned char *)in; *p >= 0x20 && *p < 0x7f; p++)
		;
	return *p == '\0' ? in : esc_buf(ESC_TERMINAL, in, strlen(in), out, outlen);
}
