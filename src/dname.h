/* dname.h - domain name validation, normalisation and safe display. */
#ifndef EXDNS_DNAME_H
#define EXDNS_DNAME_H

#include <stdbool.h>
#include <stddef.h>

#define DNAME_MAX 254   /* 253 characters and the NUL */

/* A host name as an administrator types it: LDH labels of 1..63, total
 * <= 253, at least one dot-free label, optional trailing dot. Underscores
 * are refused. */
bool dname_valid_host(const char *s);
/* The same, with the reason in why when it is not (e.g. "empty label at
 * character 4", "bad character '_' at character 2"; why may be NULL). */
bool dname_check(const char *s, char *why, size_t whylen);
/* Lowercase, drop one trailing dot. out must hold DNAME_MAX. Returns -1 if
 * not a valid host name. */
int dname_normalize(const char *in, char *out);
/* For the terminal: in itself when it is printable ASCII (as names from
 * DNS are, other bytes written \DDD the zone-file way: shown as they
 * are), else its ESC_TERMINAL form (src/escape.h) in out. */
const char *dname_printable(const char *in, char *out, size_t outlen);
/* The name one label up ("a.b.c" -> "b.c", "c" -> "."), in out. Returns
 * 0, or -1 (out "") when it does not fit in outlen: never a cut name. */
int dname_parent(const char *name, char *out, size_t outlen);
/* Case-insensitive equality ignoring one trailing dot on either side. */
bool dname_equal(const char *a, const char *b);
/* Is name the zone itself or a name below it (case-insensitive; "." is
 * above every name)? Names as text with every dot a label separator (as
 * dnswire_name_text and dname_normalize make them). */
bool dname_under(const char *name, const char *zone);

#endif
