/* screen_check.c - the outcome of the resolver check: healthy or broken,
 * the tree's words for it, the queries as evidence; Enter takes the branch
 * exdns picked. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "screens.h"

static size_t check_top;

void
screen_check_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	const results *r = a->check;
	char line[800];
	size_t i;
	page p;

	draw_frame(a, s->title, "Enter next  arrows scroll  Esc back  ? help  "
	    "q quit");
	page_init(&p, draw_width());
	if (r != NULL) {
		snprintf(line, sizeof line, "Resolver %s: %s (%u of %u well-known "
		    "domains answered)", r->resolver.addr,
		    r->resolver.status == RSTATUS_OK ? "works" : "FAILS",
		    r->resolver.answered, r->resolver.asked);
		page_text(&p, line, draw_rstatus_role(r->resolver.status), 0, 2);
		snprintf(line, sizeof line, "Health: %s",
		    rstatus_to_string(r->resolver.status));
		page_line_add(&p, line, CRT_NORMAL, 0);
		if (r->resolver.why != RWHY_NONE) {
			/* exdns's own words, chosen by the probe's finding */
			snprintf(line, sizeof line, "Why (%s): %s",
			    rwhy_to_string(r->resolver.why),
			    rwhy_meaning(r->resolver.why));
			page_text(&p, line, CRT_NORMAL, 0, 2);
			snprintf(line, sizeof line, "Fix: %s",
			    rwhy_fix(r->resolver.why));
			page_text(&p, line, CRT_NORMAL, 0, 2);
		}
		page_blank(&p);
	}
	if (a->wz.healthy)
		page_paras(&p, a, s->healthy, s->nhealthy, SIZE_MAX, 0);
	else
		page_paras(&p, a, s->broken, s->nbroken, SIZE_MAX, 0);
	if (r != NULL && r->resolver.nevidence > 0) {
		page_blank(&p);
		page_line_add(&p, "Evidence (server: question: outcome):",
		    CRT_HEADING, 0);
		for (i = 0; i < r->resolver.nevidence; i++)
			page_text(&p, r->resolver.evidence[i], CRT_NORMAL, 2, 4);
	}
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP, &check_top,
	    SIZE_MAX, SIZE_MAX);
	page_free(&p);
}

bool
screen_check_key(app *a, int key)
{
	(void)a;
	return screen_scroll(key, &check_top, draw_bottom() - DRAW_TOP);
}
