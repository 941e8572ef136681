/* field.h - an editable text field (one line, or several for the list of
 * domains): the text, the cursor, and the keys that edit it. Only
 * printable ASCII, new lines in a multi-line field, and on a UTF-8
 * terminal printable UTF-8 characters (as escape.c's esc_utf8_char has
 * it, at least one column wide: no control, bidi or zero-width mark, no
 * combining character) get in, so what a paste brings cannot reach the
 * terminal as control codes. The text is edited by character, never
 * leaving half of one; the cursor is always on a character's start. */
#ifndef EXDNS_FIELD_H
#define EXDNS_FIELD_H

#include <stdbool.h>
#include <stddef.h>

typedef struct field {
	char *buf;              /* NUL-terminated */
	size_t len, cap;
	size_t cur;             /* cursor, a byte offset (a character's start) */
	size_t max;             /* at most this many bytes */
	bool multiline;
	size_t top;             /* first line shown (multi-line) */
	size_t left;            /* first byte shown (one line) */
} field;

void field_init(field *f, size_t max, bool multiline);
void field_free(field *f);
/* Replaces the text (filtered) and puts the cursor at its end. */
void field_set(field *f, const char *text);
const char *field_text(const field *f);
bool field_empty(const field *f);   /* nothing but blanks */
/* Inserts one character (filtered): a byte of ASCII, or a CRT_KEY_CHAR
 * key. Returns false when refused (or the field is full). */
bool field_insert(field *f, int ch);
/* An editing key: printable characters, Backspace, Delete, arrows, Home,
 * End, Ctrl-U (clear), Ctrl-W (erase word). Returns true when used. */
bool field_key(field *f, int key);
/* Line and column (in columns on screen) of the cursor (multi-line). */
void field_cursor_pos(const field *f, size_t *line, size_t *col);
size_t field_nlines(const field *f);
/* The offset of the character after the one at offset at (len at the
 * end). */
size_t field_next(const field *f, size_t at);
/* Columns on screen the text from offset from to offset to takes (as
 * crt_put draws it). */
size_t field_cols(const field *f, size_t from, size_t to);

#endif
