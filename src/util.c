/* util.c - checked allocation, string vectors, time, data files, the one
 * bounded reader of input files (encodings decoded), lists. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "util.h"

static void
util_oom(void)
{
	fputs("exdns: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		util_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xgrow(void *arr, size_t elsize, size_t *cap, size_t need)
{
	size_t ncap;

	if (need <= *cap)
		return arr;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > ((size_t)-1) / 2 / elsize)
			util_oom();
		ncap *= 2;
	}
	arr = xrealloc(arr, ncap * elsize);
	*cap = ncap;
	return arr;
}

void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
strv_push(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

uint64_t
fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

struct strmap_slot {
	char *key;              /* NULL: empty */
	size_t val;
	uint64_t h;
};

static size_t
strmap_slot(const struct strmap_slot *t, size_t cap, const char *key,
            uint64_t h)
{
	size_t i, mask = cap - 1;

	for (i = (size_t)h & mask; t[i].key != NULL; i = (i + 1) & mask)
		if (t[i].h == h && strcmp(t[i].key, key) == 0)
			break;
	return i;
}

size_t
strmap_get(const strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return SIZE_MAX;
	i = strmap_slot(m->slots, m->cap, key,
	    fnv1a(FNV_INIT, key, strlen(key)));
	return m->slots[i].key != NULL ? m->slots[i].val : SIZE_MAX;
}

size_t
strmap_put(strmap *m, const char *key, size_t val)
{
	uint64_t h = fnv1a(FNV_INIT, key, strlen(key));
	size_t i, j;

	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct strmap_slot *t = xcalloc(cap, sizeof *t);
		for (i = 0; i < m->cap; i++)
			if (m->slots[i].key != NULL) {
				j = strmap_slot(t, cap, m->slots[i].key,
				    m->slots[i].h);
				t[j] = m->slots[i];
			}
		free(m->slots);
		m->slots = t;
		m->cap = cap;
	}
	i = strmap_slot(m->slots, m->cap, key, h);
	if (m->slots[i].key != NULL)
		return m->slots[i].val;
	m->slots[i].key = xstrdup(key);
	m->slots[i].val = val;
	m->slots[i].h = h;
	m->n++;
	return SIZE_MAX;
}

void
strmap_free(strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

#define ARENA_CHUNK (256 * 1024)   /* above malloc's mmap threshold */

char *
arena_alloc(arena *a, size_t n)
{
	char *p;

	if (n > ARENA_CHUNK / 4) {
		/* A big piece gets a chunk of its own; the current one goes on
		 * being filled. */
		p = xmalloc(n);
		a->chunks = xrealloc(a->chunks, (a->nchunks + 1) * sizeof *a->chunks);
		a->chunks[a->nchunks++] = p;
		return p;
	}
	if (a->cur == NULL || a->cap - a->used < n) {
		a->cur = xmalloc(ARENA_CHUNK);
		a->cap = ARENA_CHUNK;
		a->used = 0;
		a->chunks = xrealloc(a->chunks, (a->nchunks + 1) * sizeof *a->chunks);
		a->chunks[a->nchunks++] = a->cur;
	}
	p = a->cur + a->used;
	a->used += n;
	return p;
}

const char *
arena_strdup(arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);

	memcpy(p, s, n);
	return p;
}

void
arena_free(arena *a)
{
	size_t i;

	for (i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	memset(a, 0, sizeof *a);
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Is this the program of the build tree, not yet installed? Then its
 * data is the source tree's data/. */
static bool
util_in_build_tree(void)
{
	char exe[4096], dir[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return false;
	*slash = '\0';
	if (realpath(BUILD_PROGDIR, dir) == NULL)
		return false;
	return strcmp(exe, dir) == 0;
}

void
data_path(const char *file, char *buf, size_t len)
{
	const char *dir = getenv(ENV_DATADIR);

	if (dir == NULL || *dir == '\0')
		dir = util_in_build_tree() ? SOURCE_DATADIR : PKGDATADIR;
	snprintf(buf, len, "%s/%s", dir, file);
}

/* Split one line's worth of text at commas and white space. */
static void
list_split_into(const char *text, size_t len, char ***out, unsigned **lines,
                unsigned lineno, size_t *n)
{
	size_t i = 0, start;
	char *tok;

	while (i < len) {
		while (i < len && (isspace((unsigned char)text[i]) || text[i] == ','))
			i++;
		start = i;
		while (i < len && !isspace((unsigned char)text[i]) && text[i] != ',')
			i++;
		if (i > start) {
			tok = xmalloc(i - start + 1);
			memcpy(tok, text + start, i - start);
			tok[i - start] = '\0';
			*out = xrealloc(*out, (*n + 1) * sizeof **out);
			if (lines != NULL) {
				*lines = xrealloc(*lines, (*n + 1) * sizeof **lines);
				(*lines)[*n] = lineno;
			}
			(*out)[(*n)++] = tok;
		}
	}
}

void
list_split(const char *text, char ***out, size_t *n)
{
	list_split_into(text, strlen(text), out, NULL, 0, n);
}

/* ---- the bounded reader --------------------------------------------- */

int
util_file_verr(char *err, size_t errlen, const char *path, unsigned line,
               const char *fmt, va_list ap)
{
	char esc[320], msg[768], msgesc[1024];
	const char *m;

	vsnprintf(msg, sizeof msg, fmt, ap);
	esc_buf(ESC_TERMINAL, path, strlen(path), esc, sizeof esc);
	/* The message quotes what the file holds: printable as it is, or
	 * escaped (a crafted file must not write to the terminal). */
	m = dname_printable(msg, msgesc, sizeof msgesc);
	if (line > 0)
		snprintf(err, errlen, "%s:%u: %s", esc, line, m);
	else
		snprintf(err, errlen, "%s: %s", esc, m);
	return -1;
}

int
util_file_err(char *err, size_t errlen, const char *path, unsigned line,
              const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(err, errlen, path, line, fmt, ap);
	va_end(ap);
	return -1;
}

char *
util_read_file(const char *path, size_t max, size_t *len, char *err,
               size_t errlen)
{
	char *buf;
	size_t n = 0, cap = 65536;
	ssize_t r;
	struct stat st;
	int fd;
	bool in = strcmp(path, "-") == 0;

	if (in) {
		fd = STDIN_FILENO;
		path = "<stdin>";
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		util_file_err(err, errlen, path, 0, "%s", strerror(errno));
		return NULL;
	}
	/* Standard input is what the user chose to pipe in; a path must be a
	 * regular file: a FIFO would hang, /dev/zero never end. */
	if (!in && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		util_file_err(err, errlen, path, 0, "not a regular file");
		return NULL;
	}
	buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			util_file_err(err, errlen, path, 0, "%s", strerror(errno));
			if (!in)
				close(fd);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!in)
		close(fd);
	if (n > max) {
		unsigned line = 1;
		size_t i;
		for (i = 0; i < max; i++)
			line += buf[i] == '\n';
		free(buf);
		util_file_err(err, errlen, path, line, "file larger than %zu bytes: "
		    "not read", max);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Appends code point c as UTF-8. */
static size_t
util_put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* UTF-16 (le: little-endian) to UTF-8; an unpaired surrogate becomes
 * U+FFFD, which no name accepts. */
static char *
util_utf16_to_utf8(const unsigned char *s, size_t len, bool le, size_t *outlen)
{
	char *out = xmalloc(len / 2 * 3 + 4);
	size_t i, o = 0;

	for (i = 0; i + 1 < len; i += 2) {
		uint32_t c = le ? (uint32_t)(s[i] | s[i + 1] << 8) :
		    (uint32_t)(s[i] << 8 | s[i + 1]);
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < len) {
			uint32_t c2 = le ? (uint32_t)(s[i + 2] | s[i + 3] << 8) :
			    (uint32_t)(s[i + 2] << 8 | s[i + 3]);
			if (c2 >= 0xdc00 && c2 < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
				i += 2;
			} else
				c = 0xfffd;
		} else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		o += util_put_utf8(out + o, c);
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

char *
util_read_text(const char *path, size_t max, size_t *len, char *err,
               size_t errlen)
{
	unsigned char *b;
	char *text, *nul;
	size_t n;
	unsigned line = 1;

	if ((b = (unsigned char *)util_read_file(path, max, &n, err, errlen))
	    == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		path = "<stdin>";
	if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
	    (b[0] == 0xfe && b[1] == 0xff))) {
		text = util_utf16_to_utf8(b + 2, n - 2, b[0] == 0xff, &n);
		free(b);
	} else if (n >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) {
		/* UTF-16 LE without its byte-order mark */
		text = util_utf16_to_utf8(b, n, true, &n);
		free(b);
	} else if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		memmove(b, b + 3, n - 3 + 1);
		n -= 3;
		text = (char *)b;
	} else
		text = (char *)b;
	if ((nul = memchr(text, '\0', n)) != NULL) {
		const char *p;
		for (p = text; p < nul; p++)
			line += *p == '\n';
		util_file_err(err, errlen, path, line, "NUL byte: not a text file");
		free(text);
		return NULL;
	}
	*len = n;
	return text;
}

/* A line of dashes (and spaces): the rule under a console table's
 * header. */
static bool
list_is_rule(const char *s, size_t len)
{
	size_t i, dashes = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			dashes++;
		else if (!isspace((unsigned char)s[i]))
			return false;
	}
	return dashes > 0;
}

void
list_parse_text(const char *text, size_t len, char ***out, unsigned **lines,
                size_t *n)
{
	const char *p, *end = text + len, *eol, *next, *hash;
	unsigned lineno = 0;

	for (p = text; p < end; p = next) {
		size_t l;
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		next = eol ? eol + 1 : end;
		l = (size_t)((eol ? eol : end) - p);
		if ((hash = memchr(p, '#', l)) != NULL)
			l = (size_t)(hash - p);
		if (list_is_rule(p, l))
			continue;
		/* A header: the line right above the rule. */
		if (next < end) {
			const char *q = memchr(next, '\n', (size_t)(end - next));
			if (list_is_rule(next, (size_t)((q ? q : end) - next)))
				continue;
		}
		list_split_into(p, l, out, lines, lineno, n);
	}
}

int
list_read_lines(const char *path, char ***out, unsigned **lines, size_t *n,
                char *err, size_t errlen)
{
	char *text;
	size_t len;

	if ((text = util_read_text(path, MAX_INPUT_BYTES, &len, err, errlen))
	    == NULL)
		return -1;
	list_parse_text(text, len, out, lines, n);
	free(text);
	return 0;
}

int
list_read_file(const char *path, char ***out, size_t *n, char *err,
               size_t errlen)
{
	return list_read_lines(path, out, NULL, n, err, errlen);
}

const char *
enum_name(const char *const *names, size_t n, unsigned v, const char *fallback)
{
	return v < n && names[v] != NULL ? names[v] : fallback;
}

int
enum_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}
