/* field.c - editing a text field: insert, delete, move, clear. */
#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "crt.h"
#include "escape.h"
#include "field.h"
#include "util.h"

void
field_init(field *f, size_t max, bool multiline)
{
	memset(f, 0, sizeof *f);
	f->cap = 64;
	f->buf = xcalloc(1, f->cap);
	f->max = max;
	f->multiline = multiline;
}

void
field_free(field *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

/* Puts n bytes (one character) at the cursor. */
static bool
field_put(field *f, const char *b, size_t n)
{
	if (n > f->max || f->len > f->max - n)
		return false;
	f->buf = xgrow(f->buf, 1, &f->cap, f->len + n + 1);
	memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur + 1);
	memcpy(f->buf + f->cur, b, n);
	f->cur += n;
	f->len += n;
	return true;
}

/* The bytes of a character outside ASCII at s (n bytes there) when the
 * field takes it: printable as escape.c's rule has it, and on a UTF-8
 * terminal at least one column wide (no combining character). 0 when
 * refused. */
static size_t
field_char_ok(const char *s, size_t n)
{
	size_t len = esc_utf8_char(s, n);
	mbstate_t st;
	wchar_t wc;

	if (len == 0 || !crt.utf8)
		return len;
	memset(&st, 0, sizeof st);
	if (mbrtowc(&wc, s, len, &st) != len || wcwidth(wc) < 1)
		return 0;
	return len;
}

bool
field_insert(field *f, int ch)
{
	char b[MB_LEN_MAX];

	if (CRT_KEY_IS_CHAR(ch)) {
		mbstate_t st;
		size_t n;

		if (!crt.utf8)
			return false;
		memset(&st, 0, sizeof st);
		n = wcrtomb(b, (wchar_t)CRT_KEY_CP(ch), &st);
		if (n == (size_t)-1 || n > sizeof b || field_char_ok(b, n) != n)
			return false;
		return field_put(f, b, n);
	}
	if (ch == '\r')
		ch = '\n';
	if (ch == '\t')
		ch = ' ';
	if (ch == '\n' && !f->multiline)
		ch = ' ';
	if (!((ch >= 0x20 && ch < 0x7f) || ch == '\n'))
		return false;
	b[0] = (char)ch;
	return field_put(f, b, 1);
}

void
field_set(field *f, const char *text)
{
	f->len = f->cur = 0;
	f->buf[0] = '\0';
	f->top = f->left = 0;
	if (text == NULL)
		return;
	while (*text != '\0') {
		size_t n;
		if ((unsigned char)*text < 0x80) {
			field_insert(f, (unsigned char)*text++);
			continue;
		}
		/* Text saved from a UTF-8 terminal keeps its characters even
		 * on another (drawn there as ASCII stand-ins). */
		n = field_char_ok(text, strlen(text));
		if (n > 0)
			field_put(f, text, n);
		text += n > 0 ? n : 1;
	}
}

const char *
field_text(const field *f)
{
	return f->buf;
}

bool
field_empty(const field *f)
{
	size_t i;

	for (i = 0; i < f->len; i++)
		if (f->buf[i] != ' ' && f->buf[i] != '\n')
			return false;
	return true;
}

size_t
field_next(const field *f, size_t at)
{
	if (at >= f->len)
		return f->len;
	at++;
	while (at < f->len && ((unsigned char)f->buf[at] & 0xc0) == 0x80)
		at++;
	return at;
}

/* The start of the character before the one at offset at. */
static size_t
field_prev(const field *f, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)f->buf[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/* Removes the character at offset at (all its bytes). */
static void
field_delete(field *f, size_t at)
{
	size_t end = field_next(f, at), n = end - at;

	if (at >= f->len)
		return;
	memmove(f->buf + at, f->buf + end, f->len - end + 1);
	f->len -= n;
	if (f->cur >= end)
		f->cur -= n;
	else if (f->cur > at)
		f->cur = at;
}

size_t
field_cols(const field *f, size_t from, size_t to)
{
	size_t cols = 0;
	int w;

	while (from < to) {
		from += crt_char(f->buf + from, &w);
		cols += (size_t)w;
	}
	return cols;
}

/* The offset on the line starting at bol (ending at eol) closest to col
 * columns in, never past it, on a character's start. */
static size_t
field_at_col(const field *f, size_t bol, size_t eol, size_t col)
{
	size_t at = bol, used = 0, n;
	int w;

	while (at < eol) {
		n = crt_char(f->buf + at, &w);
		if (used + (size_t)w > col)
			break;
		used += (size_t)w;
		at += n;
	}
	return at;
}

void
field_cursor_pos(const field *f, size_t *line, size_t *col)
{
	size_t i, l = 0, c;

	for (i = 0; i < f->cur; i++)
		if (f->buf[i] == '\n')
			l++;
	for (i = f->cur; i > 0 && f->buf[i - 1] != '\n'; i--)
		;
	c = field_cols(f, i, f->cur);
	*line = l;
	*col = c;
}

size_t
field_nlines(const field *f)
{
	size_t i, n = 1;

	for (i = 0; i < f->len; i++)
		if (f->buf[i] == '\n')
			n++;
	return n;
}

/* Start of the line holding offset at. */
static size_t
field_bol(const field *f, size_t at)
{
	while (at > 0 && f->buf[at - 1] != '\n')
		at--;
	return at;
}

static size_t
field_eol(const field *f, size_t at)
{
	while (at < f->len && f->buf[at] != '\n')
		at++;
	return at;
}

bool
field_key(field *f, int key)
{
	size_t bol, col, eol;

	switch (key) {
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (f->cur == 0)
			return true;
		field_delete(f, field_prev(f, f->cur));
		return true;
	case KEY_DC:
		field_delete(f, f->cur);
		return true;
	case KEY_LEFT:
		f->cur = field_prev(f, f->cur);
		return true;
	case KEY_RIGHT:
		f->cur = field_next(f, f->cur);
		return true;
	case KEY_HOME:
	case CRT_KEY_CTRL('a'):
		f->cur = field_bol(f, f->cur);
		return true;
	case KEY_END:
	case CRT_KEY_CTRL('e'):
		f->cur = field_eol(f, f->cur);
		return true;
	case KEY_UP:
		if (!f->multiline)
			return false;
		bol = field_bol(f, f->cur);
		if (bol == 0)
			return false;             /* let the screen move focus */
		col = field_cols(f, bol, f->cur);
		eol = bol - 1;
		bol = field_bol(f, eol);
		f->cur = field_at_col(f, bol, eol, col);
		return true;
	case KEY_DOWN:
		if (!f->multiline)
			return false;
		eol = field_eol(f, f->cur);
		if (eol >= f->len)
			return false;
		col = field_cols(f, field_bol(f, f->cur), f->cur);
		bol = eol + 1;
		eol = field_eol(f, bol);
		f->cur = field_at_col(f, bol, eol, col);
		return true;
	case CRT_KEY_CTRL('u'):
		field_set(f, "");
		return true;
	case CRT_KEY_CTRL('w'):
		while (f->cur > 0 && (f->buf[f->cur - 1] == ' ' ||
		    f->buf[f->cur - 1] == ','))
			field_delete(f, f->cur - 1);
		while (f->cur > 0 && f->buf[f->cur - 1] != ' ' &&
		    f->buf[f->cur - 1] != ',' && f->buf[f->cur - 1] != '\n')
			field_delete(f, field_prev(f, f->cur));
		return true;
	default:
		if ((key >= 0x20 && key < 0x7f) || CRT_KEY_IS_CHAR(key))
			return field_insert(f, key) || true;
		return false;
	}
}
