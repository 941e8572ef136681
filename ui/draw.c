/* draw.c - the frame, wrapped text, fields, bars and pages the screens
 * are drawn with. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "idn.h"
#include "util.h"
#include "verdict.h"

int draw_cursor_y = -1, draw_cursor_x = -1;

int
draw_bottom(void)
{
	return LINES - 3;
}

int
draw_width(void)
{
	return COLS - 2 * DRAW_LEFT;
}

bool
draw_fits(void)
{
	return COLS >= CRT_MIN_COLS && LINES >= CRT_MIN_LINES;
}

void
draw_too_small(void)
{
	char buf[200];
	int y = 0;

	erase();
	attrset(A_NORMAL);
	snprintf(buf, sizeof buf, "The window is too small: %dx%d.", COLS, LINES);
	y += draw_wrap(y, 0, COLS, LINES - y, 0, buf, CRT_ERROR, 0);
	snprintf(buf, sizeof buf, "exdns needs at least %dx%d (columns x "
	    "lines). Make the window larger, or press q to quit.",
	    CRT_MIN_COLS, CRT_MIN_LINES);
	draw_wrap(y, 0, COLS, LINES - y, 0, buf, CRT_NORMAL, 0);
}

/* The key line the screen drawn last asked for (draw_footer draws it). */
static char draw_keys[400];

void
draw_frame(app *a, const char *title, const char *keys)
{
	char left[200], right[120];
	int rw;

	attrset(crt_attr(CRT_TITLE));
	mvhline(0, 0, ' ', COLS);
	snprintf(left, sizeof left, " exdns: %s", title);
	snprintf(right, sizeof right, "resolver %s ", a->resolver);
	rw = crt_width(right);
	if (crt_width(left) + rw + 2 > COLS)
		rw = 0;
	crt_put(0, 0, COLS - rw, left);
	if (rw > 0)
		crt_put(0, COLS - rw, rw, right);
	attrset(A_NORMAL);
	snprintf(draw_keys, sizeof draw_keys, "%s", keys);
}

void
draw_footer(app *a)
{
	char line[460];
	int kr, mr = 0, y, i, w = COLS - 2;

	kr = draw_wrap_rows(w, draw_keys, 0);
	if (kr < 1)
		kr = 1;
	if (a->msg[0] != '\0') {
		snprintf(line, sizeof line, "%s%s", a->msg_error ? "Error: " : "",
		    a->msg);
		mr = draw_wrap_rows(w, line, 2);
	}
	/* The key line at the bottom, the message above it: wrapped, never
	 * cut; a long message covers the last rows of the body. */
	if (kr + mr > LINES - DRAW_TOP)
		mr = LINES - DRAW_TOP - kr;
	y = LINES - kr - (mr > 1 ? mr : 1);
	attrset(A_NORMAL);
	for (i = y; i < LINES - kr; i++)
		mvhline(i, 0, ' ', COLS);
	if (mr > 0)
		draw_wrap(LINES - kr - mr, 1, w, mr, 0, line, a->msg_error ?
		    CRT_ERROR : CRT_WARN, 2);
	attrset(crt_attr(CRT_KEYS));
	for (i = LINES - kr; i < LINES; i++)
		mvhline(i, 0, ' ', COLS);
	draw_wrap(LINES - kr, 1, w, kr, 0, draw_keys, CRT_KEYS, 0);
	attrset(A_NORMAL);
}

/* The next line of text at width columns: returns the bytes it takes and
 * sets *skip to the bytes after it (a space or a new line). */
static size_t
draw_next_line(const char *p, int width, size_t *skip)
{
	size_t n = crt_fit(p, width), cut, i;

	*skip = 0;
	for (i = 0; i < n; i++)
		if (p[i] == '\n') {
			*skip = 1;
			return i;
		}
	if (p[n] == '\0')
		return n;
	if (p[n] == ' ' || p[n] == '\n') {
		*skip = 1;
		return n;
	}
	for (cut = n; cut > 0 && p[cut - 1] != ' '; cut--)
		;
	if (cut == 0)
		return n > 0 ? n : (p[0] != '\0' ? 1 : 0);   /* hard break */
	*skip = 0;
	return cut;          /* the space stays at the end of this line */
}

int
draw_wrap(int y, int x, int width, int maxrows, int skip, const char *text,
          crt_role role, int indent)
{
	int rows = 0, w;
	const char *p = text;
	char line[1200];
	size_t n, after;

	if (width <= 0)
		return 0;
	attrset(crt_attr(role));
	while (*p != '\0') {
		w = width - (rows > 0 ? indent : 0);
		if (w < 8)
			w = width;
		n = draw_next_line(p, w, &after);
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (rows >= skip && rows - skip < maxrows)
			crt_put(y + rows - skip, x + (rows > 0 && w != width ?
			    indent : 0), w, line);
		rows++;
		p += n + after;
		if (n == 0 && after == 0)
			break;
	}
	attrset(A_NORMAL);
	return rows > skip ? rows - skip : 0;
}

int
draw_wrap_rows(int width, const char *text, int indent)
{
	int rows = 0, w;
	const char *p = text;
	size_t n, after;

	if (width <= 0)
		return 0;
	while (*p != '\0') {
		w = width - (rows > 0 ? indent : 0);
		if (w < 8)
			w = width;
		n = draw_next_line(p, w, &after);
		rows++;
		p += n + after;
		if (n == 0 && after == 0)
			break;
	}
	return rows;
}

int
draw_paras(app *a, int y, int x, int width, int maxrows, char *const *paras,
           size_t n, size_t domain)
{
	int used = 0, r;
	size_t i;

	if (width > DRAW_TEXT_MAX)
		width = DRAW_TEXT_MAX;
	for (i = 0; i < n && used < maxrows; i++) {
		char *t = app_expand(a, paras[i], domain);
		if (i > 0)
			used++;
		r = draw_wrap(y + used, x, width, maxrows - used, 0, t,
		    CRT_NORMAL, 0);
		used += r < maxrows - used ? r : maxrows - used;
		free(t);
	}
	return used;
}

/* One character of a field (n bytes at s, w columns) at (y, x). */
static void
draw_field_char(int y, int x, const char *s, size_t n, int w)
{
	char one[8];

	if (n >= sizeof one)
		n = sizeof one - 1;
	memcpy(one, s, n);
	one[n] = '\0';
	crt_put(y, x, w, one);
}

void
draw_field(int y, int x, int width, field *f, bool focused)
{
	int inner = width - 2, w, curw;
	attr_t fa = crt_attr(CRT_FIELD) | (focused ? A_BOLD : 0);
	size_t at, n, col;

	if (inner < 1)
		return;
	/* The first character shown: the cursor's cell (and the whole of a
	 * wide character under it) in the field. */
	if (f->cur < f->left || f->left > f->len)
		f->left = f->cur;
	curw = 1;
	if (f->cur < f->len)
		crt_char(f->buf + f->cur, &curw);
	while (f->left < f->cur &&
	    field_cols(f, f->left, f->cur) + (size_t)curw > (size_t)inner)
		f->left = field_next(f, f->left);
	attrset(focused ? A_BOLD : A_NORMAL);
	mvaddch(y, x, '[');
	attrset(fa);
	mvhline(y, x + 1, ' ', inner);
	for (at = f->left, col = 0; at < f->len; at += n, col += (size_t)w) {
		n = crt_char(f->buf + at, &w);
		if (col + (size_t)w > (size_t)inner)
			break;
		attrset(fa | (focused && at == f->cur ? A_REVERSE : 0));
		draw_field_char(y, x + 1 + (int)col, f->buf + at, n, w);
	}
	col = field_cols(f, f->left, f->cur);
	if (focused && f->cur == f->len && col < (size_t)inner)
		mvaddch(y, x + 1 + (int)col, ' ' | fa | A_REVERSE);
	attrset(focused ? A_BOLD : A_NORMAL);
	mvaddch(y, x + width - 1, ']');
	attrset(A_NORMAL);
	if (focused) {
		draw_cursor_y = y;
		draw_cursor_x = x + 1 + (int)col;
	}
}

/* Visual rows of a multi-line field: each logical line cut into pieces of
 * at most width columns, between characters. */
typedef struct vrow { size_t start, len; } vrow;

static vrow *
field_rows(const field *f, size_t width, size_t *nrows)
{
	vrow *r = NULL;
	size_t n = 0, cap = 0, i = 0, start, cols, c;
	int w;

	for (;;) {
		start = i;
		cols = 0;
		for (;;) {
			if (i >= f->len || f->buf[i] == '\n')
				break;
			c = crt_char(f->buf + i, &w);
			if (cols + (size_t)w > width && i > start) {
				r = xgrow(r, sizeof *r, &cap, n + 1);
				r[n].start = start;
				r[n].len = i - start;
				n++;
				start = i;
				cols = 0;
			}
			cols += (size_t)w;
			i += c;
		}
		r = xgrow(r, sizeof *r, &cap, n + 1);
		r[n].start = start;
		r[n].len = i - start;
		n++;
		if (i >= f->len)
			break;
		i++;                       /* the new line */
	}
	*nrows = n;
	return r;
}

void
draw_field_box(int y, int x, int h, int width, field *f, bool focused)
{
	size_t inner = (size_t)(width - 2), rows = (size_t)(h - 2), n, i, cr = 0,
	    cc = 0;
	vrow *r;
	int w;

	if (width < 4 || h < 3)
		return;
	attrset(focused ? A_BOLD : A_NORMAL);
	crt_box(y, x, h, width);
	attrset(A_NORMAL);
	r = field_rows(f, inner - 1, &n);
	/* Which row holds the cursor, and its column there. */
	for (i = 0; i < n; i++) {
		if (f->cur >= r[i].start && f->cur <= r[i].start + r[i].len) {
			cr = i;
			if (f->cur < r[i].start + r[i].len || i + 1 == n ||
			    r[i + 1].start != f->cur)
				break;
		}
	}
	cc = field_cols(f, r[cr].start, f->cur);
	if (cr < f->top)
		f->top = cr;
	if (cr >= f->top + rows)
		f->top = cr - rows + 1;
	for (i = 0; i < rows; i++) {
		size_t ri = f->top + i, at, end, col, c;
		mvhline(y + 1 + (int)i, x + 1, ' ', (int)inner);
		if (ri >= n)
			continue;
		end = r[ri].start + r[ri].len;
		for (at = r[ri].start, col = 0; at < end; at += c,
		    col += (size_t)w) {
			c = crt_char(f->buf + at, &w);
			attrset(focused && at == f->cur ? A_REVERSE : A_NORMAL);
			draw_field_char(y + 1 + (int)i, x + 1 + (int)col,
			    f->buf + at, c, w);
		}
		attrset(A_NORMAL);
		if (focused && ri == cr && f->cur == end)
			mvaddch(y + 1 + (int)i, x + 1 + (int)cc, ' ' | A_REVERSE);
	}
	if (focused) {
		draw_cursor_y = y + 1 + (int)(cr - f->top);
		draw_cursor_x = x + 1 + (int)cc;
	}
	if (f->top > 0)
		mvaddch(y, x + width - 3, '^');
	if (f->top + rows < n)
		mvaddch(y + h - 1, x + width - 3, 'v');
	free(r);
}

void
draw_bar(int y, int x, int width, size_t done, size_t total)
{
	char count[64];
	int cw, bw, fill, i;

	snprintf(count, sizeof count, " %zu/%zu", done, total);
	cw = (int)strlen(count);
	bw = width - cw - 2;
	if (bw < 4)
		bw = 4;
	fill = total > 0 ? (int)((double)bw * (double)done / (double)total) : 0;
	if (fill > bw)
		fill = bw;
	mvaddch(y, x, '[');
	attrset(crt_attr(CRT_GOOD));
	for (i = 0; i < fill; i++)
		mvaddch(y, x + 1 + i, '#');
	attrset(A_NORMAL);
	for (; i < bw; i++)
		mvaddch(y, x + 1 + i, '.');
	mvaddch(y, x + 1 + bw, ']');
	crt_put(y, x + 2 + bw, cw, count);
}

size_t
draw_lines(int y, int x, int width, int h, char *const *lines, size_t n,
           size_t *top)
{
	size_t i;

	if (h <= 0)
		return n;
	if (n <= (size_t)h)
		*top = 0;
	else if (*top > n - (size_t)h)
		*top = n - (size_t)h;
	for (i = 0; i < (size_t)h && *top + i < n; i++)
		crt_put(y + (int)i, x, width, lines[*top + i]);
	return n;
}

void
draw_dialog(int h, int w, const char *title, int *iy, int *ix, int *ih,
            int *iw)
{
	int y, x;

	if (w > COLS - 2)
		w = COLS - 2;
	if (h > LINES - 2)
		h = LINES - 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	attrset(A_NORMAL);
	crt_clear_rect(y, x, h, w);
	attrset(A_BOLD);
	crt_box(y, x, h, w);
	if (title != NULL) {
		char t[120];
		snprintf(t, sizeof t, " %s ", title);
		crt_put(y, x + 2, w - 4, t);
	}
	attrset(A_NORMAL);
	*iy = y + 1;
	*ix = x + 2;
	*ih = h - 2;
	*iw = w - 4;
}

crt_role
draw_verdict_role(int v)
{
	if (v == VERDICT_OK)
		return CRT_GOOD;
	if (verdict_needs_connector((verdict)v))
		return CRT_BAD;
	return CRT_WARN;
}

crt_role
draw_rstatus_role(int s)
{
	if (s == RSTATUS_OK)
		return CRT_GOOD;
	if (s == RSTATUS_UNKNOWN)
		return CRT_NORMAL;
	return CRT_BAD;
}

/* ---- pages -------------------------------------------------------------- */

void
page_init(page *p, int width)
{
	memset(p, 0, sizeof *p);
	p->width = width;
}

void
page_free(page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->l[i].text);
	free(p->l);
	memset(p, 0, sizeof *p);
}

static size_t
page_push(page *p, const char *text, size_t len, crt_role role, int x)
{
	page_line *l;

	p->l = xgrow(p->l, sizeof *p->l, &p->cap, p->n + 1);
	l = &p->l[p->n];
	l->text = xmalloc(len + 1);
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->role = role;
	l->x = x;
	return p->n++;
}

size_t
page_text(page *p, const char *text, crt_role role, int x, int indent)
{
	size_t first = p->n, n, after;
	const char *s = text;
	int w, rows = 0;

	if (*s == '\0')
		return page_push(p, "", 0, role, x);
	while (*s != '\0') {
		int lx = x + (rows > 0 ? indent : 0);
		w = p->width - lx;
		if (w < 8) {
			lx = x;
			w = p->width - x;
		}
		n = draw_next_line(s, w, &after);
		page_push(p, s, n, role, lx);
		rows++;
		s += n + after;
		if (n == 0 && after == 0)
			break;
	}
	return first;
}

size_t
page_line_add(page *p, const char *text, crt_role role, int x)
{
	return page_push(p, text, strlen(text), role, x);
}

void
page_blank(page *p)
{
	page_push(p, "", 0, CRT_NORMAL, 0);
}

static void
page_paras_at(page *p, app *a, char *const *paras, size_t n, size_t domain,
              int x, int maxw)
{
	size_t i;
	int width = p->width;

	if (p->width > maxw)
		p->width = maxw;
	for (i = 0; i < n; i++) {
		char *t = app_expand(a, paras[i], domain);
		if (i > 0)
			page_blank(p);
		page_text(p, t, CRT_NORMAL, x, 0);
		free(t);
	}
	p->width = width;
}

void
page_paras(page *p, app *a, char *const *paras, size_t n, size_t domain,
           int x)
{
	/* Long lines are hard to read on a wide window. */
	page_paras_at(p, a, paras, n, domain, x, DRAW_TEXT_MAX);
}

void
page_kb(page *p, app *a, char *const *paras, size_t n, size_t domain, int x)
{
	/* Commands: as wide as the window, so they copy in one piece. */
	page_paras_at(p, a, paras, n, domain, x, p->width);
}

void
page_draw(page *p, int y, int x, int h, size_t *top, size_t first,
          size_t last)
{
	size_t i;

	if (h <= 0)
		return;
	if (first != SIZE_MAX) {
		if (last == SIZE_MAX || last < first)
			last = first;
		if (last - first + 1 > (size_t)h)
			last = first + (size_t)h - 1;
		if (first < *top)
			*top = first;
		if (last >= *top + (size_t)h)
			*top = last - (size_t)h + 1;
	}
	if (p->n <= (size_t)h)
		*top = 0;
	else if (*top > p->n - (size_t)h)
		*top = p->n - (size_t)h;
	for (i = 0; i < (size_t)h && *top + i < p->n; i++) {
		page_line *l = &p->l[*top + i];
		attrset(crt_attr(l->role));
		if (l->role == CRT_SELECTED)
			mvhline(y + (int)i, x, ' ', p->width);
		crt_put(y + (int)i, x + l->x, p->width - l->x, l->text);
		attrset(A_NORMAL);
	}
	attrset(crt_attr(CRT_DIM));
	if (*top > 0)
		crt_put(y, x + p->width + 1, 1, "^");
	if (*top + (size_t)h < p->n)
		crt_put(y + h - 1, x + p->width + 1, 1, "v");
	attrset(A_NORMAL);
}

const char *
draw_name(const char *name, bool both, char *buf, size_t len)
{
	char uni[DNAME_MAX * 4];

	if (!crt.utf8 || !idn_to_unicode(name, uni, sizeof uni))
		return name;
	if (both)
		snprintf(buf, len, "%s (%s)", name, uni);
	else
		snprintf(buf, len, "%s", uni);
	return buf;
}
