/* screen_question.c - a question of the tree: its text, the numbered
 * choices, and the explanation of the one selected. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "screens.h"

static size_t question_top;

void
screen_question_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	char keys[120], line[600];
	size_t i, first = SIZE_MAX, last = SIZE_MAX;
	page p;

	snprintf(keys, sizeof keys, "1-%zu or arrows choose  Enter next  "
	    "Esc back  ? help  q quit", s->nchoices);
	draw_frame(a, s->title, keys);
	page_init(&p, draw_width());
	page_paras(&p, a, s->text, s->ntext, SIZE_MAX, 0);
	page_blank(&p);
	for (i = 0; i < s->nchoices; i++) {
		char *label = app_expand(a, s->choices[i].label, SIZE_MAX);
		bool sel = (int)i == a->wz.choice;
		size_t at;
		snprintf(line, sizeof line, "%s %zu  %s", sel ? ">" : " ", i + 1,
		    label);
		at = page_text(&p, line, sel ? CRT_SELECTED : CRT_NORMAL, 0, 5);
		if (sel)
			first = at;
		free(label);
	}
	if (a->wz.choice >= 0 && (size_t)a->wz.choice < s->nchoices &&
	    s->choices[a->wz.choice].explain != NULL) {
		char *ex = app_expand(a, s->choices[a->wz.choice].explain,
		    SIZE_MAX);
		page_blank(&p);
		snprintf(line, sizeof line, "%d: %s", a->wz.choice + 1, ex);
		page_text(&p, line, CRT_DIM, 2, 3);
		last = p.n - 1;
		free(ex);
	}
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP,
	    &question_top, first, last);
	page_free(&p);
}

bool
screen_question_key(app *a, int key)
{
	const tree_step *s = wizard_step(&a->wz);

	if (key >= '1' && key <= '9') {
		if ((size_t)(key - '1') < s->nchoices)
			app_event(a, WZE_CHOOSE, key - '1');
		else
			app_error(a, "choose 1 to %zu", s->nchoices);
		return true;
	}
	if (key == KEY_UP) {
		if (a->wz.choice > 0)
			app_event(a, WZE_CHOOSE, a->wz.choice - 1);
		return true;
	}
	if (key == KEY_DOWN) {
		if ((size_t)a->wz.choice + 1 < s->nchoices)
			app_event(a, WZE_CHOOSE, a->wz.choice + 1);
		return true;
	}
	return false;
}
