/* screen_evidence.c - one domain in full: verdict, mail hosts, DNS
 * servers, every query with its outcome (the proof first), and what the
 * KB says to do with the real values filled in. Scrollable. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "draw.h"
#include "screens.h"

static void
evidence_page(app *a, page *p)
{
	const tree_step *s = wizard_step(&a->wz);
	const results_domain *d;
	char line[1400], nbuf[DRAW_NAME_MAX];
	size_t i;

	if (a->res == NULL || a->row >= a->res->ndomains)
		return;
	d = &a->res->domains[a->row];
	snprintf(line, sizeof line, "%s: %s", draw_name(d->name, true, nbuf,
	    sizeof nbuf),
	    verdict_to_string(d->verdict));
	page_text(p, line, draw_verdict_role(d->verdict), 0, 2);
	snprintf(line, sizeof line, "Meaning: %s.", verdict_meaning(d->verdict));
	page_text(p, line, CRT_NORMAL, 0, 2);
	if (d->verdict != VERDICT_OK && d->reason[0] != '\0') {
		snprintf(line, sizeof line, "Why: %s", d->reason);
		page_text(p, line, CRT_NORMAL, 0, 2);
	}
	if (d->nsmart > 0) {
		size_t used = (size_t)snprintf(line, sizeof line, "Smart hosts "
		    "(IPv4 of the MX hosts, in MX order):");
		for (i = 0; i < d->nsmart && used < sizeof line - 20; i++)
			used += (size_t)snprintf(line + used, sizeof line - used,
			    " %s", d->smart[i]);
		page_text(p, line, CRT_NORMAL, 0, 2);
	}
	if (d->ndetail > 0) {
		page_blank(p);
		page_line_add(p, "Mail hosts and DNS servers:", CRT_HEADING, 0);
		for (i = 0; i < d->ndetail; i++)
			page_text(p, d->detail[i], CRT_NORMAL, 2, 4);
	}
	page_blank(p);
	page_line_add(p, "Evidence, every query (* marks the proof):",
	    CRT_HEADING, 0);
	for (i = 0; i < d->nevidence; i++)
		page_text(p, d->evidence[i], CRT_NORMAL, 0, 6);
	if (d->nevidence == 0)
		page_line_add(p, "  (none)", CRT_NORMAL, 0);
	page_blank(p);
	page_line_add(p, "What to do:", CRT_HEADING, 0);
	if (verdict_needs_connector(d->verdict) && s->nkb > 0)
		page_kb(p, a, s->kb, s->nkb, a->row, 2);
	else
		page_text(p, verdict_advice(d->verdict), CRT_NORMAL, 2, 0);
}

void
screen_evidence_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	char title[300], nbuf[DRAW_NAME_MAX];
	page p;

	snprintf(title, sizeof title, "%s: %s", s->title,
	    a->res != NULL && a->row < a->res->ndomains ?
	    draw_name(a->res->domains[a->row].name, false, nbuf, sizeof nbuf) :
	    "");
	draw_frame(a, title, "arrows/PgUp/PgDn scroll  Esc back to the table  "
	    "s save plan  ? help  q quit");
	page_init(&p, draw_width());
	evidence_page(a, &p);
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP, &a->ev_top,
	    SIZE_MAX, SIZE_MAX);
	page_free(&p);
}

bool
screen_evidence_key(app *a, int key)
{
	if (key == 's' || key == 'S') {
		if (a->res == NULL || a->res->plan == NULL) {
			app_error(a, "no plan can be made from these results: %s",
			    a->res != NULL && a->res->plan_err != NULL ?
			    a->res->plan_err : "nothing was tested");
			return true;
		}
		app_event(a, WZE_SAVE, 0);
		return true;
	}
	if (screen_is_enter(key))
		return true;             /* nothing deeper to open */
	return screen_scroll(key, &a->ev_top, draw_bottom() - DRAW_TOP);
}
