/* field.c - editing a text field: insert, delete, move, clear. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "crt.h"
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

bool
field_insert(field *f, int ch)
{
	if (ch == '\r')
		ch = '\n';
	if (ch == '\t')
		ch = ' ';
	if (ch == '\n' && !f->multiline)
		ch = ' ';
	if (!((ch >= 0x20 && ch < 0x7f) || ch == '\n'))
		return false;
	if (f->len >= f->max)
		return false;
	f->buf = xgrow(f->buf, 1, &f->cap, f->len + 2);
	memmove(f->buf + f->cur + 1, f->buf + f->cur, f->len - f->cur + 1);
	f->buf[f->cur++] = (char)ch;
	f->len++;
	return true;
}

void
field_set(field *f, const char *text)
{
	f->len = f->cur = 0;
	f->buf[0] = '\0';
	f->top = f->left = 0;
	if (text == NULL)
		return;
	for (; *text != '\0'; text++)
		field_insert(f, (unsigned char)*text);
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

static void
field_delete(field *f, size_t at)
{
	if (at >= f->len)
		return;
	memmove(f->buf + at, f->buf + at + 1, f->len - at);
	f->len--;
	if (f->cur > at)
		f->cur--;
}

void
field_cursor_pos(const field *f, size_t *line, size_t *col)
{
	size_t i, l = 0, c = 0;

	for (i = 0; i < f->cur; i++) {
		if (f->buf[i] == '\n') {
			l++;
			c = 0;
		} else
			c++;
	}
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
		field_delete(f, f->cur - 1);
		return true;
	case KEY_DC:
		field_delete(f, f->cur);
		return true;
	case KEY_LEFT:
		if (f->cur > 0)
			f->cur--;
		return true;
	case KEY_RIGHT:
		if (f->cur < f->len)
			f->cur++;
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
		col = f->cur - bol;
		eol = bol - 1;
		bol = field_bol(f, eol);
		f->cur = bol + col < eol ? bol + col : eol;
		return true;
	case KEY_DOWN:
		if (!f->multiline)
			return false;
		eol = field_eol(f, f->cur);
		if (eol >= f->len)
			return false;
		col = f->cur - field_bol(f, f->cur);
		bol = eol + 1;
		eol = field_eol(f, bol);
		f->cur = bol + col < eol ? bol + col : eol;
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
			field_delete(f, f->cur - 1);
		return true;
	default:
		if (key >= 0x20 && key < 0x7f)
			return field_insert(f, key) || true;
		return false;
	}
}
