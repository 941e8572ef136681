/* util.c - checked allocation, string vectors, time, data files, lists. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "defaults.h"
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

void
data_path(const char *file, char *buf, size_t len)
{
	const char *dir = getenv(ENV_DATADIR);

	if (dir == NULL || *dir == '\0')
		dir = PKGDATADIR;
	snprintf(buf, len, "%s/%s", dir, file);
}

/* Split one line's worth of text at commas and white space. */
static void
list_split_into(const char *text, size_t len, char ***out, size_t *n)
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
			(*out)[(*n)++] = tok;
		}
	}
}

void
list_split(const char *text, char ***out, size_t *n)
{
	list_split_into(text, strlen(text), out, n);
}

int
list_read_file(const char *path, char ***out, size_t *n, char *err,
               size_t errlen)
{
	FILE *f;
	char *line = NULL, *hash;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int rc = 0;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (f == stdin)
		path = "<stdin>";
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > MAX_INPUT_LINE) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes",
			    path, lineno, MAX_INPUT_LINE);
			rc = -1;
			break;
		}
		if (memchr(line, '\0', (size_t)len) != NULL) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", path, lineno);
			rc = -1;
			break;
		}
		if ((hash = strchr(line, '#')) != NULL)
			len = hash - line;
		list_split_into(line, (size_t)len, out, n);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
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
