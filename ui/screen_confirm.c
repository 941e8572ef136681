/* screen_confirm.c - before writing: where, whether a file is replaced,
 * and the plan exactly as it will be written (scrollable). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "escape.h"
#include "screens.h"

void
screen_confirm_draw(app *a)
{
	int w = draw_width(), y = DRAW_TOP, bottom = draw_bottom(), rows;
	char line[PATH_MAX + 200];
	const char *path = field_text(&a->f_path), *p, *nl;
	page pg;

	draw_frame(a, "Write the plan?", "Enter or y write it  Esc or n back "
	    "to the form  arrows scroll  q quit");
	snprintf(line, sizeof line, "exdns will write %s%s", path, a->exists ?
	    ": THIS FILE EXISTS and will be replaced (the old one is kept as "
	    "FILE.bak)." : " (a new file).");
	/* The whole path, however long: wrapped, the preview below it. */
	rows = draw_wrap(y, DRAW_LEFT, w, bottom - y - 6, 0, line,
	    a->exists ? CRT_WARN : CRT_NORMAL, 2);
	y += rows < bottom - y - 6 ? rows : bottom - y - 6;
	crt_put(y++, DRAW_LEFT, w, "This is what it will hold:");
	y++;
	page_init(&pg, w - 2);
	for (p = a->preview != NULL ? a->preview : ""; *p != '\0'; p = nl + 1) {
		char *l;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		l = esc_dup(ESC_TERMINAL_UTF8, p, (size_t)(nl - p));
		page_text(&pg, l, CRT_DIM, 0, 4);
		free(l);
		if (*nl == '\0')
			break;
	}
	page_draw(&pg, y, DRAW_LEFT + 2, bottom - y, &a->preview_top, SIZE_MAX,
	    SIZE_MAX);
	page_free(&pg);
}

bool
screen_confirm_key(app *a, int key)
{
	if (key == 'y' || key == 'Y') {
		app_event(a, WZE_YES, 0);
		return true;
	}
	if (key == 'n' || key == 'N') {
		app_event(a, WZE_NO, 0);
		return true;
	}
	return screen_scroll(key, &a->preview_top, draw_bottom() - DRAW_TOP - 4);
}
