/* escape.h - the one escaping module: untrusted bytes (DNS answers, plan,
 * session, queue and list files, arguments) written into a context, each
 * value escaped once, for the context it is written to.
 *
 * The contexts:
 * ESC_TERMINAL       printable ASCII kept as it is (with '\\' and '"'),
 *                    every other byte as \xNN. Idempotent: escaping its
 *                    own output changes nothing, so a text passed through
 *                    several layers never piles up escapes ("\027" stays
 *                    "\027", never "\x5c027"). Also the form of paths and
 *                    values in messages.
 * ESC_TERMINAL_UTF8  the same, but printable UTF-8 characters are kept
 *                    (not C1 controls, zero-width or bidi marks, U+FEFF,
 *                    nor invalid sequences): exdns's own texts.
 * ESC_PLAN           a plan's free-text value (exdns-plan(5)): the
 *                    terminal form, '"' as '\'' (a plan value cannot hold
 *                    '"'), no trailing '\\' or blank, at most
 *                    ESC_PLAN_MAX - 1 bytes, never empty ("-").
 * ESC_JSON           the inside of a JSON string (no quotes around): the
 *                    terminal form of the text (so the document is ASCII),
 *                    '"' and '\\' backslash-escaped as JSON requires.
 * ESC_POWERSHELL     a PowerShell single-quoted string, quotes included:
 *                    ' doubled. Only printable ASCII can be quoted safely
 *                    (a newline, a control or a Unicode quote U+2018..201B
 *                    could end or break it): anything else is refused
 *                    (esc_dup returns NULL, esc_buf an empty string).
 * ESC_DNS            DNS presentation format of raw label bytes: letters,
 *                    digits and "-_*" kept, every other byte as \DDD.
 * ESC_HTML           HTML text or attribute value: the ESC_TERMINAL_UTF8
 *                    form (a Unicode name stays readable), and & < > " '
 *                    as entities.
 * ESC_MARKDOWN       Markdown text (a table cell, a list item): the
 *                    ESC_TERMINAL_UTF8 form, with a backslash before every
 *                    character Markdown could read as markup (\ ` * _ { }
 *                    [ ] < > ( ) # ! | & ~ ^), before - + = at the start
 *                    and before the '.' of a leading number ("12.").
 * ESC_SHELL          one POSIX shell word: kept as it is when it is only
 *                    letters, digits and / . _ + - : @ % , =, otherwise in
 *                    single quotes with ' as '\''. Like ESC_POWERSHELL,
 *                    only printable ASCII is quoted (anything else is
 *                    refused), and a word is never cut: esc_buf gives an
 *                    empty string when it does not fit.
 */
#ifndef EXDNS_ESCAPE_H
#define EXDNS_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum esc_ctx {
	ESC_TERMINAL,
	ESC_TERMINAL_UTF8,
	ESC_PLAN,
	ESC_JSON,
	ESC_POWERSHELL,
	ESC_DNS,
	ESC_HTML,
	ESC_MARKDOWN,
	ESC_SHELL,
	ESC_CTX_COUNT
} esc_ctx;

#define ESC_PLAN_MAX 512        /* = PLAN_TEXT_MAX */

/* len bytes of s (NUL bytes included) escaped into out (outlen bytes),
 * always NUL-terminated; when it does not fit it ends with "...".
 * Returns out. */
char *esc_buf(esc_ctx ctx, const char *s, size_t len, char *out,
              size_t outlen);
/* At most max bytes of the string s, escaped into a new string (caller
 * frees). NULL only for ESC_POWERSHELL or ESC_SHELL text that cannot be
 * quoted. */
char *esc_dup(esc_ctx ctx, const char *s, size_t max);
/* The string s escaped onto f. Returns 0, or EOF on a write error or text
 * ESC_POWERSHELL or ESC_SHELL cannot quote. */
int esc_put(FILE *f, esc_ctx ctx, const char *s);
/* True when s can be written in ctx (ESC_POWERSHELL, ESC_SHELL: printable
 * ASCII). */
bool esc_ok(esc_ctx ctx, const char *s);
/* The byte length of the character outside ASCII at s (n bytes there)
 * when ESC_TERMINAL_UTF8 keeps it as it is: valid, shortest-form UTF-8,
 * printable (not a C1 control), not a bidi, zero-width or line-separator
 * mark nor U+FEFF. 0 otherwise (and for ASCII). */
size_t esc_utf8_char(const char *s, size_t n);

#endif
