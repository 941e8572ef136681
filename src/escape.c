/* escape.c - the one escaping module (contexts in escape.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "util.h"

/* Where escaped text goes: a growing buffer, or a stream. */
typedef struct esc_out {
	char *buf; size_t len, cap;
	FILE *f;
	int rc;
} esc_out;

static void
out_put(esc_out *o, const char *s, size_t n)
{
	if (o->f != NULL) {
		if (fwrite_unlocked(s, 1, n, o->f) != n)
			o->rc = EOF;
		return;
	}
	if (o->len + n + 1 > o->cap) {
		while (o->len + n + 1 > o->cap)
			o->cap = o->cap ? o->cap * 2 : 64;
		o->buf = xrealloc(o->buf, o->cap);
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
out_c(esc_out *o, char c)
{
	if (o->f != NULL) {
		if (putc_unlocked(c, o->f) == EOF)
			o->rc = EOF;
		return;
	}
	out_put(o, &c, 1);
}

static void
out_hex(esc_out *o, unsigned char c, bool json)
{
	static const char hex[] = "0123456789abcdef";
	char b[5] = { '\\', 'x', hex[c >> 4], hex[c & 15], 0 };

	if (json)
		out_c(o, '\\');        /* the value's backslash, escaped */
	out_put(o, b, 4);
}

static bool
printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Length of a printable UTF-8 character at s (at most n bytes) that may
 * be shown as it is, or 0. */
static size_t
utf8_shown(const unsigned char *s, size_t n)
{
	size_t need, k;
	unsigned long c;

	need = s[0] >= 0xc2 && s[0] <= 0xdf ? 1 : s[0] >= 0xe0 && s[0] <= 0xef ?
	    2 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 3 : 0;
	if (need == 0 || need >= n)
		return 0;
	c = need == 1 ? s[0] & 0x1f : need == 2 ? s[0] & 0x0f : s[0] & 0x07;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	/* printable, and not a control that reorders or hides text */
	if (c < 0xa0 || (need == 2 && c < 0x800) || (need == 3 && c < 0x10000) ||
	    (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return need + 1;
}

size_t
esc_utf8_char(const char *s, size_t n)
{
	return n > 0 ? utf8_shown((const unsigned char *)s, n) : 0;
}

/* The contexts that quote a whole word and refuse what they cannot. */
static bool
esc_quoting(esc_ctx ctx)
{
	return ctx == ESC_POWERSHELL || ctx == ESC_SHELL;
}

bool
esc_ok(esc_ctx ctx, const char *s)
{
	if (!esc_quoting(ctx))
		return true;
	for (; *s != '\0'; s++)
		if (!printable((unsigned char)*s))
			return false;
	return true;
}

/* ESC_MARKDOWN (escape.h). */
static void
esc_markdown(const unsigned char *s, size_t len, esc_out *o)
{
	bool digits = true;     /* only digits so far: "1." starts a list */
	size_t i = 0, w;
	unsigned char c;

	while (i < len) {
		c = s[i];
		if (c >= 0x80 && (w = utf8_shown(s + i, len - i)) > 0) {
			out_put(o, (const char *)s + i, w);
			i += w;
			digits = false;
			continue;
		}
		if (!printable(c))
			out_hex(o, c, false);
		else if (strchr("\\`*_{}[]<>()#!|&~^", c) != NULL ||
		    (i == 0 && strchr("-+=", c) != NULL) ||
		    (digits && i > 0 && c == '.')) {
			out_c(o, '\\');
			out_c(o, (char)c);
		} else
			out_c(o, (char)c);
		digits = digits && c >= '0' && c <= '9';
		i++;
	}
}

/* ESC_SHELL (escape.h); the caller has checked that s is printable. */
static void
esc_shell(const unsigned char *s, size_t len, esc_out *o)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("/._+-:@%,=", s[i])))
			break;
	if (len > 0 && i == len) {
		out_put(o, (const char *)s, len);
		return;
	}
	out_c(o, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			out_put(o, "'\\''", 4);
		else
			out_c(o, (char)s[i]);
	}
	out_c(o, '\'');
}

/* The escaping itself, for every context but ESC_PLAN's final trim. */
static void
esc_run(esc_ctx ctx, const unsigned char *s, size_t len, esc_out *o)
{
	size_t i = 0, w, j, start;

	if (ctx == ESC_MARKDOWN) {
		esc_markdown(s, len, o);
		return;
	}
	if (ctx == ESC_SHELL) {
		esc_shell(s, len, o);
		return;
	}

	if (ctx == ESC_POWERSHELL)
		out_c(o, '\'');
	while (i < len) {
		unsigned char c = s[i];
		/* a run of bytes that need nothing */
		for (start = i; i < len && printable(s[i]) && s[i] != '"' &&
		    s[i] != '\\' && s[i] != '\'' && s[i] != '&' && s[i] != '<' &&
		    s[i] != '>' && (ctx != ESC_DNS || s[i] != '.'); i++)
			if (ctx == ESC_DNS && !((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			    s[i] == '_' || s[i] == '*'))
				break;
		if (i > start)
			out_put(o, (const char *)s + start, i - start);
		if (i >= len)
			break;
		c = s[i];
		switch (ctx) {
		case ESC_DNS: {
			char b[5];
			snprintf(b, sizeof b, "\\%03u", c);
			out_put(o, b, 4);
			i++;
			continue;
		}
		case ESC_TERMINAL_UTF8:
		case ESC_HTML:
			if (c >= 0x80 && (w = utf8_shown(s + i, len - i)) > 0) {
				out_put(o, (const char *)s + i, w);
				i += w;
				continue;
			}
			break;
		default:
			break;
		}
		i++;
		if (!printable(c)) {
			if (ctx != ESC_POWERSHELL)
				out_hex(o, c, ctx == ESC_JSON);
			continue;
		}
		switch (ctx) {
		case ESC_JSON:
			if (c == '"' || c == '\\')
				out_c(o, '\\');
			out_c(o, (char)c);
			break;
		case ESC_PLAN:
			out_c(o, c == '"' ? '\'' : (char)c);
			break;
		case ESC_POWERSHELL:
			if (c == '\'')
				out_c(o, '\'');
			out_c(o, (char)c);
			break;
		case ESC_HTML:
			j = c == '&' ? 0 : c == '<' ? 1 : c == '>' ? 2 : c == '"' ?
			    3 : c == '\'' ? 4 : 5;
			if (j < 5) {
				static const char *const ent[] = { "&amp;", "&lt;",
				    "&gt;", "&quot;", "&#39;" };
				out_put(o, ent[j], strlen(ent[j]));
			} else
				out_c(o, (char)c);
			break;
		default:
			out_c(o, (char)c);
			break;
		}
	}
	if (ctx == ESC_POWERSHELL)
		out_c(o, '\'');
}

/* ESC_PLAN: at most ESC_PLAN_MAX - 1 bytes (not ending inside an \xNN),
 * no trailing '\\' or blank, never empty. In place on o->buf. */
static void
esc_plan_finish(esc_out *o)
{
	size_t n = o->len, k;

	if (n > ESC_PLAN_MAX - 1) {
		n = ESC_PLAN_MAX - 1;
		/* an escape cut in two: drop its start too */
		for (k = n >= 3 ? n - 3 : 0; k < n; k++)
			if (o->buf[k] == '\\' && k + 1 < o->len &&
			    o->buf[k + 1] == 'x' && k + 4 > n) {
				n = k;
				break;
			}
	}
	while (n > 0 && (o->buf[n - 1] == '\\' || o->buf[n - 1] == ' '))
		n--;
	o->len = n;
	if (n == 0)
		out_c(o, '-');
}

char *
esc_dup(esc_ctx ctx, const char *s, size_t max)
{
	esc_out o = { NULL, 0, 0, NULL, 0 };
	size_t n = strnlen(s, max);

	if (esc_quoting(ctx)) {
		size_t i;
		for (i = 0; i < n; i++)
			if (!printable((unsigned char)s[i]))
				return NULL;
	}
	esc_run(ctx, (const unsigned char *)s, n, &o);
	if (ctx == ESC_PLAN)
		esc_plan_finish(&o);
	out_put(&o, "", 0);             /* room for the NUL */
	o.buf[o.len] = '\0';
	return o.buf;
}

char *
esc_buf(esc_ctx ctx, const char *s, size_t len, char *out, size_t outlen)
{
	esc_out o = { NULL, 0, 0, NULL, 0 };
	size_t n, i;

	if (outlen == 0)
		return out;
	if (esc_quoting(ctx)) {
		/* a quoted word is whole or refused: a cut one would name
		 * something else */
		out[0] = '\0';
		for (i = 0; i < len; i++)
			if (!printable((unsigned char)s[i]))
				return out;
		esc_run(ctx, (const unsigned char *)s, len, &o);
		if (o.len < outlen) {
			memcpy(out, o.buf, o.len);
			out[o.len] = '\0';
		}
		free(o.buf);
		return out;
	}
	/* no more input than could be shown: 4 bytes of output at most each */
	esc_run(ctx, (const unsigned char *)s, len < outlen ? len : outlen, &o);
	if (ctx == ESC_PLAN)
		esc_plan_finish(&o);
	n = o.len;
	if (n >= outlen || len > outlen) {
		n = outlen >= 4 ? outlen - 4 : 0;
		/* not inside a UTF-8 character, not after an odd backslash */
		while (n > 0 && ((unsigned char)o.buf[n] & 0xc0) == 0x80)
			n--;
		if (ctx == ESC_JSON) {
			for (i = n; i > 0 && o.buf[i - 1] == '\\'; i--)
				;
			if ((n - i) % 2 == 1)
				n--;
		}
		if (n > 0)
			memcpy(out, o.buf, n);
		if (outlen >= 4) {
			memcpy(out + n, "...", 3);
			n += 3;
		}
	} else if (n > 0)
		memcpy(out, o.buf, n);
	out[n < outlen ? n : outlen - 1] = '\0';
	free(o.buf);
	return out;
}

int
esc_put(FILE *f, esc_ctx ctx, const char *s)
{
	esc_out o = { NULL, 0, 0, f, 0 };

	if (ctx == ESC_PLAN || esc_quoting(ctx)) {
		char *t = esc_dup(ctx, s, SIZE_MAX);
		int rc = t != NULL && fputs(t, f) != EOF ? 0 : EOF;
		free(t);
		return rc;
	}
	esc_run(ctx, (const unsigned char *)s, strlen(s), &o);
	return o.rc;
}
