/* screen_external.c - the resolver's health and each candidate external
 * DNS server with its own, the working ones ticked (Space toggles), and
 * the two settings the KB names with the ticked servers filled in. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "screens.h"

void
screen_external_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	const results *r = a->ext;
	char line[600];
	size_t i, first = SIZE_MAX;
	page p;

	draw_frame(a, s->title, "arrows choose  Space tick  Enter next  "
	    "Esc back  ? help  q quit");
	if (r == NULL)
		return;
	page_init(&p, draw_width());
	snprintf(line, sizeof line, "Your resolver %s: %s (%u of %u well-known "
	    "domains answered)%s", r->resolver.addr,
	    rstatus_to_string(r->resolver.status), r->resolver.answered,
	    r->resolver.asked, r->resolver.status == RSTATUS_OK ?
	    ": it looks healthy. If every domain still fails, check that the "
	    "Exchange server really uses it, and its firewall." : ".");
	page_text(&p, line, draw_rstatus_role(r->resolver.status), 0, 2);
	page_blank(&p);
	page_paras(&p, a, s->text, s->ntext, SIZE_MAX, 0);
	page_blank(&p);
	page_line_add(&p, "Use  Server                  Health        Answered",
	    CRT_HEADING, 2);
	for (i = 0; i < r->nexternals; i++) {
		const results_server *x = &r->externals[i];
		bool sel = i == a->ext_row;
		size_t at;
		snprintf(line, sizeof line, "%s [%c] %-23s %-13s %u of %u%s",
		    sel ? ">" : " ", x->selected ? 'x' : ' ', x->addr,
		    rstatus_to_string(x->status), x->answered, x->asked,
		    x->selected && !x->usable ? "  (ticked, but it fails)" : "");
		at = page_line_add(&p, line, sel ? CRT_SELECTED :
		    draw_rstatus_role(x->status), 0);
		if (sel)
			first = at;
	}
	if (r->nexternals == 0)
		page_line_add(&p, "  No candidates: name some with "
		    "exdns wizard --external ADDR,...", CRT_WARN, 0);
	snprintf(line, sizeof line, "%zu of %zu ticked.", results_nselected(r),
	    r->nexternals);
	page_line_add(&p, line, CRT_NORMAL, 2);
	page_blank(&p);
	page_line_add(&p, "The two settings the KB names:", CRT_HEADING, 0);
	page_kb(&p, a, s->kb, s->nkb, SIZE_MAX, 2);
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP,
	    &a->ext_top, first, first);
	page_free(&p);
}

bool
screen_external_key(app *a, int key)
{
	results *r = a->ext;
	size_t n = r != NULL ? r->nexternals : 0;

	switch (key) {
	case KEY_UP:
		if (a->ext_row > 0)
			a->ext_row--;
		else if (a->ext_top > 0)
			a->ext_top--;
		return true;
	case KEY_DOWN:
		if (a->ext_row + 1 < n)
			a->ext_row++;
		else
			a->ext_top++;
		return true;
	case KEY_NPAGE:
		a->ext_top += (size_t)(draw_bottom() - DRAW_TOP) / 2;
		a->ext_row = n ? n - 1 : 0;
		return true;
	case KEY_PPAGE:
		a->ext_top = 0;
		a->ext_row = 0;
		return true;
	case ' ':
	case 'x':
		if (a->ext_row < n) {
			r->externals[a->ext_row].selected =
			    !r->externals[a->ext_row].selected;
			a->wz.unsaved = true;
		}
		return true;
	default:
		if (key >= '1' && key <= '9' && (size_t)(key - '1') < n) {
			a->ext_row = (size_t)(key - '1');
			return true;
		}
		if (screen_is_enter(key) || key == 's' || key == 'S') {
			if (results_nselected(r) == 0) {
				app_error(a, "tick at least one DNS server (Space) for "
				    "the plan");
				return true;
			}
			{
				size_t i, bad = 0;
				for (i = 0; i < n; i++)
					if (r->externals[i].selected &&
					    !r->externals[i].usable)
						bad++;
				app_event(a, WZE_NEXT, 0);
				if (bad > 0)
					app_msg(a, "Note: %zu ticked server%s failed the "
					    "test; %s in the plan because you ticked %s.",
					    bad, bad == 1 ? "" : "s",
					    bad == 1 ? "it is" : "they are",
					    bad == 1 ? "it" : "them");
			}
			return true;
		}
		return false;
	}
}
