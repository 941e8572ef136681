/* screen_dialog.c - the overlays: help for the current step (? or F1) and
 * "quit without saving the plan?". */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "screens.h"

void
screen_help_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	int iy, ix, ih, iw;
	page p;

	draw_dialog(LINES - 4, COLS > 84 ? 80 : COLS - 4, "Help", &iy, &ix, &ih,
	    &iw);
	page_init(&p, iw - 1);
	if (s->nhelp > 0)
		page_paras(&p, a, s->help, s->nhelp, a->row, 0);
	else
		page_paras(&p, a, s->text, s->ntext, a->row, 0);
	if (a->wz.state == WZ_RESULTS) {
		page_blank(&p);
		page_line_add(&p, "Keys here:", CRT_HEADING, 0);
		page_text(&p, screen_results_keys, CRT_NORMAL, 2, 0);
	}
	page_blank(&p);
	page_line_add(&p, "Keys everywhere:", CRT_HEADING, 0);
	page_text(&p, "digits and arrows choose; Enter goes on; Esc (or "
	    "Backspace where nothing is typed) goes back one step; ? or F1 this "
	    "help; q (F10 where you type) quits, asking first when a plan is "
	    "not saved. Ctrl-C quits too and keeps the session: exdns --resume "
	    "continues it.", CRT_NORMAL, 2, 0);
	page_blank(&p);
	page_line_add(&p, "Esc, Enter or ? closes this help; arrows scroll.",
	    CRT_DIM, 0);
	page_draw(&p, iy, ix, ih, &a->help_top, SIZE_MAX, SIZE_MAX);
	page_free(&p);
}

bool
screen_help_key(app *a, int key)
{
	if (key == CRT_KEY_ESC || key == '?' || key == KEY_F(1) ||
	    screen_is_enter(key) || key == KEY_BACKSPACE ||
	    key == 127) {
		a->help = false;
		a->help_top = 0;
		return true;
	}
	return screen_scroll(key, &a->help_top, LINES - 6);
}

void
screen_quit_draw(app *a)
{
	int iy, ix, ih, iw;

	(void)a;
	draw_dialog(7, 64, "Quit?", &iy, &ix, &ih, &iw);
	draw_wrap(iy, ix, iw, ih, 0, "The plan is not saved. Quit anyway and "
	    "lose it?", CRT_WARN, 0);
	crt_put(iy + ih - 1, ix, iw, "y quit without saving   n or Esc stay");
}

bool
screen_quit_key(app *a, int key)
{
	if (key == 'y' || key == 'Y' || key == 'q') {
		app_event(a, WZE_YES, 0);
		return true;
	}
	if (key == 'n' || key == 'N' || key == CRT_KEY_ESC ||
	    screen_is_enter(key)) {
		app_event(a, WZE_NO, 0);
		return true;
	}
	return true;
}
