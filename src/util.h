/* util.h - small helpers: checked allocation, growable arrays, data files,
 * list files and time. */
#ifndef EXDNS_UTIL_H
#define EXDNS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grow *arr (element size elsize) so index *n fits; doubles *cap. */
void *xgrow(void *arr, size_t elsize, size_t *cap, size_t need);
void strv_free(char **v, size_t n);
/* Append a copy of s. */
void strv_push(char ***v, size_t *n, const char *s);

/* FNV-1a over n bytes, continuing from h (start with FNV_INIT). */
#define FNV_INIT 1469598103934665603ull
uint64_t fnv1a(uint64_t h, const void *p, size_t n);

/* A string arena: text that lives as long as the arena, cut from 256 KiB
 * chunks, so many small strings cost no allocation of their own. */
typedef struct arena {
	char **chunks;
	size_t nchunks;
	char *cur;              /* the chunk being filled */
	size_t used, cap;
} arena;
/* n bytes (not zeroed), aligned to 1; stable until arena_free. */
char *arena_alloc(arena *a, size_t n);
const char *arena_strdup(arena *a, const char *s);
void arena_free(arena *a);

/* A map from strings (copied in) to indices, open addressing: constant
 * time per operation, so checking n names for duplicates is linear. */
typedef struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
} strmap;
/* Adds key -> val and returns SIZE_MAX, or returns the value key already
 * has (and leaves it). */
size_t strmap_put(strmap *m, const char *key, size_t val);
/* The value of key, or SIZE_MAX. */
size_t strmap_get(const strmap *m, const char *key);
void strmap_free(strmap *m);

uint64_t now_ms(void);   /* monotonic */

/* $EXDNS_DATADIR/file if set; else, for the program of the build tree
 * (not installed), the source tree's data/file; else PKGDATADIR/file. */
void data_path(const char *file, char *buf, size_t len);

/* The one reader of input files: at most max bytes, a regular file only
 * (a FIFO or a device is refused at once, never read), or standard input
 * for "-". Returns a malloc'd buffer (caller frees) with a NUL after its
 * *len bytes, or NULL with "PATH: ..." in err. */
char *util_read_file(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen);
/* util_read_file, then decoded to UTF-8 the way Windows writes text:
 * UTF-8 with or without a byte-order mark, UTF-16 LE or BE with one (and
 * LE without). A NUL left after decoding is "PATH:LINE: NUL byte". The
 * text's own bytes are not checked here. Caller frees. */
char *util_read_text(const char *path, size_t max, size_t *len, char *err,
                     size_t errlen);

/* Read a list file (util_read_text, at most MAX_INPUT_BYTES): one entry a
 * line, '#' starts a comment, blank lines and rules of dashes skipped,
 * and so is the header line right above a rule (console output of
 * Select-Object); entries may also be separated by commas or spaces; CR
 * before LF is white space. Appends to *out (strv_free), and the line of
 * each entry to *lines (free) unless lines is NULL. Returns 0, or -1 with
 * "PATH[:LINE]: ..." in err (unreadable, too big, not a regular file,
 * NUL byte). */
int list_read_lines(const char *path, char ***out, unsigned **lines,
                    size_t *n, char *err, size_t errlen);
int list_read_file(const char *path, char ***out, size_t *n,
                   char *err, size_t errlen);
/* The same rules for text already read (len bytes, UTF-8). */
void list_parse_text(const char *text, size_t len, char ***out,
                     unsigned **lines, size_t *n);
/* The same for a string (wizard text field, --canary a,b). */
void list_split(const char *text, char ***out, size_t *n);

/* "PATH:LINE: msg" (or "PATH: msg" when line is 0) into err, the path
 * escaped, and the message too unless it is printable ASCII: the one form
 * of every FILE:LINE error. Returns -1. */
int util_file_verr(char *err, size_t errlen, const char *path, unsigned line,
                   const char *fmt, va_list ap);
int util_file_err(char *err, size_t errlen, const char *path, unsigned line,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Enum <-> string through a table of names indexed by the enum: the name
 * of v (fallback when v is out of range or unnamed), and the index of
 * name s (exact match), or -1. */
const char *enum_name(const char *const *names, size_t n, unsigned v,
                      const char *fallback);
int enum_index(const char *const *names, size_t n, const char *s);

#endif
