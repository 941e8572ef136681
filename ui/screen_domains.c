/* screen_domains.c - the domains to test: a text field (commas, spaces or
 * new lines; a paste keeps its new lines) and a file to import. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "screens.h"
#include "util.h"

/* A byte outside ASCII was typed or pasted on a terminal that is not
 * UTF-8: the screen then says, below the fields, what to do instead. */
static bool domains_not_utf8;

/* A key that puts a character in the field f; false when it is no such
 * key (the field's other keys). Says why a character is left out. */
static bool
domains_char(app *a, field *f, int key)
{
	if (key >= 0x80 && key <= 0xff && !crt.utf8) {
		/* A '?' for each such byte, never nothing: "münchen.de" must
		 * not quietly become another name ("mnchen.de"); the list's
		 * check then names the bad character. */
		domains_not_utf8 = true;
		field_insert(f, '?');
		return true;
	}
	if (!CRT_KEY_IS_CHAR(key))
		return false;
	if (!field_insert(f, key) && f->len + 8 < f->max) {
		/* Every one a paste brings, in one message. */
		static const char head[] = "Left out (a control, bidi, "
		    "zero-width or combining mark):";
		char more[16];
		snprintf(more, sizeof more, " U+%04X", CRT_KEY_CP(key));
		if (strncmp(a->msg, head, sizeof head - 1) != 0)
			app_msg(a, "%s%s", head, more);
		else if (strlen(a->msg) + strlen(more) + 4 < sizeof a->msg)
			app_msg(a, "%s%s", a->msg, more);
	}
	return true;
}

void
screen_domains_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	int w = draw_width(), y = DRAW_TOP, bottom = draw_bottom(), box, used;
	char line[200];
	size_t n = 0;
	char **v = NULL;

	draw_frame(a, s->title, a->focus == 0 ?
	    "Enter test them  Tab file field  Esc back  F1 help  F10 quit" :
	    "Enter test them  Tab domains field  Esc back  F1 help  F10 quit");
	/* The fields take the bottom: a box of at least 5 rows, the file
	 * field and its label (3 rows). */
	box = (bottom - y) / 3;
	if (box < 5)
		box = 5;
	used = draw_paras(a, y, DRAW_LEFT, w, bottom - y - box - 5, s->text,
	    s->ntext, SIZE_MAX);
	y += used + 1;
	box = bottom - y - 4;
	if (box > 14)
		box = 14;
	list_split(field_text(&a->f_domains), &v, &n);
	strv_free(v, n);
	snprintf(line, sizeof line, "Domains (%zu so far):", n);
	attrset(crt_attr(CRT_HEADING));
	crt_put(y, DRAW_LEFT, w, line);
	attrset(A_NORMAL);
	y++;
	draw_field_box(y, DRAW_LEFT, box, w, &a->f_domains, a->focus == 0);
	y += box + 1;
	attrset(crt_attr(CRT_HEADING));
	crt_put(y, DRAW_LEFT, 40, "Or a file, one domain a line:");
	attrset(A_NORMAL);
	draw_field(y, DRAW_LEFT + 30, w - 30, &a->f_file, a->focus == 1);
	if (domains_not_utf8 && y + 1 < bottom) {
		attrset(crt_attr(CRT_WARN));
		draw_wrap(y + 1, DRAW_LEFT, w, bottom - y - 1, 0, "U-labels need a "
		    "UTF-8 terminal; the A-label (xn--...) works everywhere.",
		    CRT_WARN, 0);
		attrset(A_NORMAL);
	}
}

bool
screen_domains_typing(const app *a)
{
	(void)a;
	return true;
}

bool
screen_domains_key(app *a, int key)
{
	field *f = a->focus == 0 ? &a->f_domains : &a->f_file;

	if (key == CRT_KEY_PASTE_BEGIN || key == CRT_KEY_PASTE_END) {
		/* A paste is names of its own: never joined to the name
		 * before it, or after it. */
		size_t at = f->cur;
		if (a->focus == 0 && (key == CRT_KEY_PASTE_BEGIN ? at > 0 &&
		    !strchr(" ,\n", f->buf[at - 1]) : at < f->len &&
		    !strchr(" ,\n", f->buf[at])) && field_insert(f, '\n') &&
		    key == CRT_KEY_PASTE_END)
			f->cur--;
		return true;
	}
	if (key == '\t' || key == KEY_BTAB) {
		a->focus = !a->focus;
		return true;
	}
	if (screen_is_enter(key)) {
		/* A new line inside a paste (bracketed, or keys already waiting
		 * behind this one) is part of the list. */
		if (a->focus == 0 && (a->pasting || crt_key_pending())) {
			field_insert(f, '\n');
			return true;
		}
		if (app_collect_domains(a) == 0)
			app_event(a, WZE_NEXT, 0);
		return true;
	}
	if (domains_char(a, f, key))
		return true;
	if (a->pasting) {
		field_insert(f, key);
		return true;
	}
	if (key == KEY_UP && a->focus == 1) {
		a->focus = 0;
		return true;
	}
	if (key == KEY_DOWN && a->focus == 0 && !field_key(f, key)) {
		a->focus = 1;
		return true;
	}
	if (key == CRT_KEY_ESC)
		return false;
	return field_key(f, key);
}
