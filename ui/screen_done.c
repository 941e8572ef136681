/* screen_done.c - the end of the walk: where the plan is and the commands
 * to run next (exdns emit, exdns replay). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "screens.h"

static size_t done_top;

void
screen_done_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	page p;

	draw_frame(a, s->title, "Enter or q quit  Esc back  ? help");
	page_init(&p, draw_width());
	page_paras(&p, a, s->text, s->ntext, SIZE_MAX, 0);
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP, &done_top,
	    SIZE_MAX, SIZE_MAX);
	page_free(&p);
}

bool
screen_done_key(app *a, int key)
{
	(void)a;
	return screen_scroll(key, &done_top, draw_bottom() - DRAW_TOP);
}
