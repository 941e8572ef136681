/* ini.c - the one lexer of exdns's line-based files; the rules are in
 * ini.h. Every line is looked at once; duplicate keys and sections are
 * found through hash tables, so a file of n lines costs O(n). */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "util.h"

typedef struct ini_state {
	ini_file *f;
	const ini_rules *r;
	const char *path;
	char *err; size_t errlen;
	size_t cur;              /* current section */
} ini_state;

static int
ini_err(ini_state *st, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(st->err, st->errlen, st->path, line, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
ini_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
ini_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. With
 * strict, C1 controls, zero-width and bidi marks and U+FEFF are refused
 * too (they hide or reorder text on a terminal). */
static size_t
ini_utf8(const unsigned char *s, size_t n, bool strict)
{
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2; cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3; cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4; cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (strict && ((cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff))
		return 0;
	return len;
}

/* ---- hash tables ------------------------------------------------------ */

static uint64_t
ini_hash(size_t sec, const char *key)
{
	return fnv1a(fnv1a(FNV_INIT, &sec, sizeof sec), key, strlen(key));
}

/* Entry index of (sec, key), or SIZE_MAX. */
static size_t
ini_find(const ini_file *f, size_t sec, const char *key)
{
	size_t i, mask, e;

	if (f->tabcap == 0)
		return SIZE_MAX;
	mask = f->tabcap - 1;
	for (i = (size_t)ini_hash(sec, key) & mask; f->tab[i] != 0;
	    i = (i + 1) & mask) {
		e = f->tab[i] - 1;
		if (f->ents[e].sec == sec && strcmp(f->ents[e].key, key) == 0)
			return e;
	}
	return SIZE_MAX;
}

static void
ini_tab_put(size_t *tab, size_t cap, uint64_t h, size_t idx)
{
	size_t i, mask = cap - 1;

	for (i = (size_t)h & mask; tab[i] != 0; i = (i + 1) & mask)
		;
	tab[i] = idx + 1;
}

/* Adds entry idx (keyed) to the table, growing it to keep it half empty. */
static void
ini_tab_add(ini_file *f, size_t idx, size_t nkeyed)
{
	size_t i;

	if (2 * (nkeyed + 1) > f->tabcap) {
		size_t cap = f->tabcap ? f->tabcap * 2 : 64;
		free(f->tab);
		f->tab = xcalloc(cap, sizeof *f->tab);
		f->tabcap = cap;
		for (i = 0; i < idx; i++)
			if (f->ents[i].key != NULL &&
			    ini_find(f, f->ents[i].sec, f->ents[i].key) ==
			    SIZE_MAX)
				ini_tab_put(f->tab, cap, ini_hash(f->ents[i].sec,
				    f->ents[i].key), i);
	}
	ini_tab_put(f->tab, f->tabcap, ini_hash(f->ents[idx].sec,
	    f->ents[idx].key), idx);
}

/* ---- building --------------------------------------------------------- */

static char *
ini_copy(ini_file *f, const char *s, size_t n, bool fold)
{
	char *o = arena_alloc(&f->a, n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		o[i] = fold && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) :
		    s[i];
	o[n] = '\0';
	return o;
}

/* INI_STRICT_TEXT: a tab in a value becomes a space. */
static char *
ini_tabs(const ini_rules *r, char *v)
{
	char *p;

	if (r->flags & INI_STRICT_TEXT)
		for (p = v; *p != '\0'; p++)
			if (*p == '\t')
				*p = ' ';
	return v;
}

static void
ini_add_section(ini_file *f, const char *name, unsigned line)
{
	f->secs = xgrow(f->secs, sizeof *f->secs, &f->capsecs, f->nsecs + 1);
	f->secs[f->nsecs].name = name;
	f->secs[f->nsecs].line = line;
	f->secs[f->nsecs].first = f->nents;
	f->secs[f->nsecs].n = 0;
	f->nsecs++;
}

static int
ini_add_entry(ini_state *st, const char *key, size_t kn, const char *v,
              size_t vn, unsigned line)
{
	ini_file *f = st->f;
	const ini_rules *r = st->r;
	ini_entry *e;
	char *k = NULL;
	size_t dup;

	if (key != NULL) {
		k = ini_copy(f, key, kn, (r->flags & INI_FOLD_KEYS) != 0);
		if (vn == 0 && (r->flags & INI_NO_EMPTY))
			return ini_err(st, line, "key '%s' has no value", k);
		if ((dup = ini_find(f, st->cur, k)) != SIZE_MAX &&
		    (r->flags & INI_UNIQUE)) {
			if (f->secs[st->cur].name[0] != '\0')
				return ini_err(st, line, "key '%s' given twice in "
				    "[%s] (first at line %u)", k,
				    f->secs[st->cur].name, f->ents[dup].line);
			return ini_err(st, line, "key '%s' given twice (first "
			    "at line %u)", k, f->ents[dup].line);
		}
	}
	f->ents = xgrow(f->ents, sizeof *f->ents, &f->capents, f->nents + 1);
	e = &f->ents[f->nents];
	e->key = k;
	e->value = ini_tabs(r, ini_copy(f, v, vn, false));
	e->sec = st->cur;
	e->line = line;
	f->nents++;
	f->secs[st->cur].n++;
	if (k != NULL && ini_find(f, st->cur, k) == SIZE_MAX)
		ini_tab_add(f, f->nents - 1, f->nents);
	return 0;
}

/* Where an unquoted value ends: at a ';' or '#' after a blank, outside
 * "..." (INI_INLINE_COMMENTS), else at its end. */
static size_t
ini_value_end(const ini_rules *r, const char *v, size_t vn, size_t start)
{
	bool quoted = false;
	size_t i;

	if (!(r->flags & INI_INLINE_COMMENTS))
		return vn;
	for (i = start; i < vn; i++) {
		if (quoted && v[i] == '\\' && (r->flags & INI_QUOTE_ESCAPES) &&
		    i + 1 < vn) {
			i++;
			continue;
		}
		if (v[i] == '"')
			quoted = !quoted;
		else if (!quoted && (v[i] == ';' || v[i] == '#') &&
		    (i == 0 || ini_blank(v[i - 1])))
			return i;
	}
	return vn;
}

static bool
ini_key_char(const ini_rules *r, char c)
{
	if (c >= 'A' && c <= 'Z' && (r->flags & INI_LOWER_KEYS))
		return false;
	return ini_alnum((unsigned char)c) ||
	    (c != '\0' && r->key_punct != NULL && strchr(r->key_punct, c));
}

static int
ini_section_line(ini_state *st, const char *t, size_t tn, unsigned line)
{
	const ini_rules *r = st->r;
	ini_file *f = st->f;
	const char *close = NULL, *rest;
	size_t i, rn, s;
	char *name;

	for (i = tn; i > 0; i--)
		if (t[i - 1] == ']') {
			close = t + i - 1;
			break;
		}
	if (close == NULL)
		return ini_err(st, line, "section line without ']' (a "
		    "section line is '[name]')");
	rest = close + 1;
	rn = tn - (size_t)(rest - t);
	while (rn > 0 && ini_blank(rest[0])) {
		rest++;
		rn--;
	}
	if (rn > 0 && !((r->flags & INI_INLINE_COMMENTS) && rest != close + 1 &&
	    (rest[0] == ';' || rest[0] == '#')))
		return ini_err(st, line, "text after the section header (a "
		    "section line is '[name]' alone, or with a comment)");
	t++;
	tn = (size_t)(close - t);
	while (tn > 0 && ini_blank(t[0])) {
		t++;
		tn--;
	}
	while (tn > 0 && ini_blank(t[tn - 1]))
		tn--;
	if (tn == 0)
		return ini_err(st, line, "empty section name '[]'");
	if (memchr(t, '[', tn) != NULL || memchr(t, ']', tn) != NULL)
		return ini_err(st, line, "bad section name ('[' or ']' in it)");
	name = ini_copy(f, t, tn, (r->flags & INI_FOLD_SECTIONS) != 0);
	if ((s = strmap_put(&f->stab, name, f->nsecs)) != SIZE_MAX &&
	    (r->flags & INI_UNIQUE_SECTIONS))
		return ini_err(st, line, "section [%s] repeats line %u", name,
		    f->secs[s].line);
	ini_add_section(f, name, line);
	st->cur = f->nsecs - 1;
	return 0;
}

static int
ini_line(ini_state *st, const char *s, size_t n, unsigned line)
{
	const ini_rules *r = st->r;
	ini_file *f = st->f;
	const char *t, *eq, *v, *close;
	size_t tn, kn, vn, i, w;
	bool nonascii = false, bare = false;

	for (i = 0; i < n; i += w) {
		unsigned char c = (unsigned char)s[i];
		w = 1;
		if (c == '\0')
			return ini_err(st, line, "NUL byte at column %zu: binary "
			    "data, not a %s", i + 1, r->what);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return ini_err(st, line, "control byte 0x%02x at column "
			    "%zu (a control character): binary data, not a %s",
			    c, i + 1, r->what);
		if (c >= 0x80) {
			if (line == 1 && i == 0 && n >= 3 &&
			    memcmp(s, "\xef\xbb\xbf", 3) == 0)
				return ini_err(st, line, "file starts with a "
				    "byte-order mark; save it as UTF-8 without "
				    "BOM");
			w = ini_utf8((const unsigned char *)s + i, n - i,
			    (r->flags & INI_STRICT_TEXT) != 0);
			if (w == 0) {
				if (ini_utf8((const unsigned char *)s + i, n - i,
				    false) != 0)
					return ini_err(st, line, "byte 0x%02x at "
					    "column %zu starts a control character "
					    "or an invisible mark", c, i + 1);
				return ini_err(st, line, "byte 0x%02x at column "
				    "%zu is not UTF-8: binary data, not a %s",
				    c, i + 1, r->what);
			}
			nonascii = true;
		}
	}
	if (n > r->line_max)
		return ini_err(st, line, "line longer than %zu bytes",
		    r->line_max);

	if (r->flags & INI_SPACE_KEY) {
		if (n == 0 || s[0] == '#')
			return 0;
		eq = memchr(s, ' ', n);
		kn = eq != NULL ? (size_t)(eq - s) : n;
		for (i = 0; i < kn; i++)
			if (!ini_key_char(r, s[i]))
				return ini_err(st, line, "'%.*s' is not a key name",
				    (int)(kn < 40 ? kn : 40), s);
		if (kn == 0)
			return ini_err(st, line, "no key before the value");
		if (r->key_max != 0 && kn > r->key_max)
			return ini_err(st, line, "key too long");
		if (f->nsecs == 0)
			ini_add_section(f, "", 0);
		v = eq != NULL ? eq + 1 : s + n;
		return ini_add_entry(st, s, kn, v, (size_t)(s + n - v), line);
	}

	t = s;
	tn = n;
	while (tn > 0 && ini_blank(t[0])) {
		t++;
		tn--;
	}
	while (tn > 0 && ini_blank(t[tn - 1]))
		tn--;
	if (tn == 0 || t[0] == ';' || t[0] == '#')
		return 0;                        /* blank or comment */
	if (nonascii && (r->flags & INI_ASCII))
		return ini_err(st, line, "non-ASCII text outside a comment");
	if (t[tn - 1] == '\\' && (r->flags & INI_NO_BACKSLASH_END))
		return ini_err(st, line, "line ends with '\\' (continuation "
		    "lines are not allowed)");

	if ((r->flags & INI_CONTINUATION) && t != s) {
		ini_entry *e = f->nents > 0 ? &f->ents[f->nents - 1] : NULL;
		size_t old;
		char *nv;

		if (e == NULL || e->sec != st->cur || e->key == NULL ||
		    f->nsecs == 0)
			return ini_err(st, line, "indented line continues no "
			    "value (only a value may go on over several lines)");
		old = strlen(e->value);
		nv = arena_alloc(&f->a, old + tn + 2);
		memcpy(nv, e->value, old);
		if (old > 0)
			nv[old++] = ' ';
		memcpy(nv + old, t, tn);
		nv[old + tn] = '\0';
		e->value = ini_tabs(r, nv);
		return 0;
	}

	if (t[0] == '[' && (r->flags & INI_SECTIONS))
		return ini_section_line(st, t, tn, line);

	/* key = value, or a bare line */
	for (kn = 0; kn < tn && ini_key_char(r, t[kn]); kn++)
		;
	i = kn;
	while (i < tn && ini_blank(t[i]))
		i++;
	eq = i < tn && t[i] == '=' ? t + i : NULL;
	if (r->flags & INI_BARE_LINES) {
		if (kn == 0 || eq == NULL)
			bare = true;
	} else {
		if ((eq = memchr(t, '=', tn)) == NULL)
			return ini_err(st, line, "expected 'key = value', "
			    "'[section]' or a '; comment'");
		kn = (size_t)(eq - t);
		while (kn > 0 && ini_blank(t[kn - 1]))
			kn--;
		if (kn == 0)
			return ini_err(st, line, "no key before '=' (a value "
			    "without a key)");
		for (i = 0; i < kn; i++)
			if (!ini_key_char(r, t[i]))
				return ini_err(st, line, "'%.*s' is not a key name "
				    "(%sletters, digits and \"%s\")",
				    (int)(kn < 40 ? kn : 40), t,
				    (r->flags & INI_LOWER_KEYS) ? "lowercase " : "",
				    r->key_punct ? r->key_punct : "");
	}
	if ((r->flags & INI_SECTIONS) && f->nsecs == 0)
		return ini_err(st, line, "'%.*s' before the first [section]",
		    (int)(bare ? (tn < 40 ? tn : 40) : kn), t);
	if (f->nsecs == 0)
		ini_add_section(f, "", 0);
	if (bare) {
		vn = ini_value_end(r, t, tn, 0);
		while (vn > 0 && ini_blank(t[vn - 1]))
			vn--;
		if (vn == 0)
			return 0;
		return ini_add_entry(st, NULL, 0, t, vn, line);
	}
	if (r->key_max != 0 && kn > r->key_max)
		return ini_err(st, line, "key too long (at most %zu bytes)",
		    r->key_max);

	v = eq + 1;
	vn = tn - (size_t)(v - t);
	while (vn > 0 && ini_blank(v[0])) {
		v++;
		vn--;
	}
	if ((r->flags & INI_QUOTES) && vn > 0 && (v[0] == '"' || v[0] == '\'')) {
		char q = v[0];
		close = NULL;
		for (i = 1; i < vn; i++) {
			if (v[i] == '\\' && q == '"' &&
			    (r->flags & INI_QUOTE_ESCAPES) && i + 1 < vn) {
				i++;
				continue;
			}
			if (v[i] == q) {
				close = v + i;
				break;
			}
		}
		if (close == NULL)
			return ini_err(st, line, "no closing %c quote", q);
		for (i = (size_t)(close - v) + 1; i < vn; i++) {
			if ((r->flags & INI_INLINE_COMMENTS) &&
			    (v[i] == ';' || v[i] == '#'))
				break;
			if (!ini_blank(v[i]))
				return ini_err(st, line, "text after the closing "
				    "quote");
		}
		vn = (size_t)(close - v) - 1;
		v++;
	} else {
		vn = ini_value_end(r, v, vn, 0);
		while (vn > 0 && ini_blank(v[vn - 1]))
			vn--;
	}
	return ini_add_entry(st, t, kn, v, vn, line);
}

int
ini_parse(ini_file *f, const char *path, const char *buf, size_t len,
          const ini_rules *r, char *err, size_t errlen)
{
	ini_state st;
	size_t pos = 0, n, next;
	const char *nl;
	unsigned line = 0;

	memset(f, 0, sizeof *f);
	memset(&st, 0, sizeof st);
	st.f = f;
	st.r = r;
	st.path = path;
	st.err = err;
	st.errlen = errlen;
	while (pos < len) {
		line++;
		nl = memchr(buf + pos, '\n', len - pos);
		next = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		n = (nl != NULL ? (size_t)(nl - buf) : len) - pos;
		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;                     /* CRLF */
		if (ini_line(&st, buf + pos, n, line) != 0) {
			ini_free(f);
			return -1;
		}
		pos = next;
	}
	return 0;
}

int
ini_load(ini_file *f, const char *path, size_t max, const ini_rules *r,
         char *err, size_t errlen)
{
	size_t len;
	char *buf;
	int rc;

	memset(f, 0, sizeof *f);
	if ((buf = util_read_file(path, max, &len, err, errlen)) == NULL)
		return -1;
	rc = ini_parse(f, path, buf, len, r, err, errlen);
	free(buf);
	return rc;
}

void
ini_free(ini_file *f)
{
	free(f->secs);
	free(f->ents);
	free(f->tab);
	strmap_free(&f->stab);
	arena_free(&f->a);
	memset(f, 0, sizeof *f);
}

const ini_entry *
ini_get(const ini_file *f, size_t sec, const char *key)
{
	size_t e = ini_find(f, sec, key);

	return e == SIZE_MAX ? NULL : &f->ents[e];
}
