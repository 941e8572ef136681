/* ini.h - the one lexer of exdns's line-based text files: the plan
 * (exdns-plan(5)), the wizard's decision tree, the lab world and the
 * wizard's session. A buffer (from util_read_file/util_read_text, the one
 * bounded reader) becomes sections and "key = value" entries, each with
 * its line number; what a value means is left to the reader.
 *
 * The rules every format shares:
 * - lines end with LF or CRLF; the last line need not end;
 * - a line has at most rules.line_max bytes (without its line end);
 * - no NUL byte, no control byte but TAB, no DEL, only valid UTF-8
 *   (INI_STRICT_TEXT also refuses C1 controls, zero-width and bidi marks,
 *   and turns a tab in a value into a space);
 * - a line whose first non-blank byte is ';' or '#' is a comment, and so
 *   is a blank line;
 * - "[name]" alone on its line opens a section (INI_SECTIONS); blanks
 *   inside the brackets are trimmed;
 * - "key = value": the key is ASCII letters, digits and rules.key_punct,
 *   at most rules.key_max bytes; blanks around key and value are trimmed.
 * Nothing is lowercased, cut or joined unless a format's flags say so:
 * - INI_FOLD: keys and section names are ASCII-lowercased (case-blind);
 *   INI_FOLD_KEYS only the keys;
 * - INI_QUOTES: a value may be "..." or '...' (no escapes inside); text
 *   after the closing quote is an error unless it is a comment;
 * - INI_INLINE_COMMENTS: outside quotes, ';' or '#' after a blank starts a
 *   comment ("a;b" and "#5" stay values, "a ; note" is "a");
 * - INI_QUOTE_ESCAPES: inside "..." a backslash protects the next byte from
 *   ending the quote (the backslash is kept);
 * - INI_CONTINUATION: an indented line continues the value above, joined
 *   with one space; otherwise an indented line is an ordinary line;
 * - INI_BARE_LINES: a line that is not "key = value" is kept as an entry
 *   with key NULL and the trimmed line as its value (zone records);
 * - INI_SPACE_KEY: "key value", the key up to the first space, the value
 *   the rest of the line verbatim (no sections, no quotes);
 * - INI_UNIQUE: a key twice in one section is an error (checked in
 *   constant time per entry, with a hash table);
 * - INI_UNIQUE_SECTIONS: a section name twice is an error;
 * - INI_NO_EMPTY: a key without a value is an error;
 * - INI_ASCII: non-ASCII bytes only in comments;
  * - INI_NO_BACKSLASH_END: a line may not end with '\'.
 * - INI_LOWER_KEYS: keys are lowercase (a capital is "not a key name").
 * Loading is linear in the size of the file. */
#ifndef EXDNS_INI_H
#define EXDNS_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum {
	INI_SECTIONS         = 1u << 0,
	INI_FOLD_KEYS        = 1u << 1,
	INI_FOLD_SECTIONS    = 1u << 15,
	INI_FOLD             = INI_FOLD_KEYS | INI_FOLD_SECTIONS,
	INI_QUOTES           = 1u << 2,
	INI_INLINE_COMMENTS  = 1u << 3,
	INI_QUOTE_ESCAPES    = 1u << 4,
	INI_CONTINUATION     = 1u << 5,
	INI_BARE_LINES       = 1u << 6,
	INI_SPACE_KEY        = 1u << 7,
	INI_UNIQUE           = 1u << 8,
	INI_UNIQUE_SECTIONS  = 1u << 9,
	INI_NO_EMPTY         = 1u << 10,
	INI_ASCII            = 1u << 11,
	INI_NO_BACKSLASH_END = 1u << 12,
	INI_STRICT_TEXT      = 1u << 13,
	INI_LOWER_KEYS       = 1u << 14
};

typedef struct ini_rules {
	unsigned flags;
	size_t line_max;          /* bytes, without the line end */
	size_t key_max;           /* 0: no limit */
	const char *key_punct;    /* allowed in keys besides [A-Za-z0-9] */
	const char *what;         /* "plan", "tree file": in messages */
} ini_rules;

typedef struct ini_entry {
	const char *key;          /* NULL for a bare line (INI_BARE_LINES) */
	const char *value;        /* unquoted, NUL-terminated, never NULL */
	size_t sec;               /* index into sections */
	unsigned line;
} ini_entry;

typedef struct ini_section {
	const char *name;         /* "" for the entries before any section */
	unsigned line;
	size_t first, n;          /* its entries: ents[first .. first+n) */
} ini_section;

typedef struct ini_file {
	ini_section *secs; size_t nsecs;
	ini_entry *ents; size_t nents;
	/* private */
	size_t capsecs, capents;
	size_t *tab; size_t tabcap;   /* entry index + 1 by (section, key) */
	strmap stab;                  /* section name -> first index */
	arena a;
} ini_file;

/* Lexes len bytes. Returns 0, or -1 with "PATH:LINE: ..." in err (the
 * file is freed then). Free with ini_free in both cases. */
int ini_parse(ini_file *f, const char *path, const char *buf, size_t len,
              const ini_rules *r, char *err, size_t errlen);
/* util_read_file (raw bytes: a BOM is an error) and ini_parse. */
int ini_load(ini_file *f, const char *path, size_t max, const ini_rules *r,
             char *err, size_t errlen);
void ini_free(ini_file *f);
/* The entry of key in section sec (INI_UNIQUE files: constant time), or
 * NULL. With INI_FOLD, key must be given lowercase. */
const ini_entry *ini_get(const ini_file *f, size_t sec, const char *key);

#endif
