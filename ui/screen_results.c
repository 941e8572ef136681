/* screen_results.c - one row a domain: verdict, smart hosts, the short
 * reason; the selected row's reason in full below. Enter opens the
 * evidence, s goes on to saving, a (when the resolver failed) to the
 * external DNS branch. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "screens.h"

static bool
results_switch_offered(const app *a)
{
	return a->res != NULL && a->res->resolver.status != RSTATUS_OK &&
	    a->res->resolver.status != RSTATUS_UNKNOWN &&
	    wizard_step(&a->wz)->on_resolver_broken != TREE_NONE;
}

void
screen_results_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	const results *r = a->res;
	int w = draw_width(), y = DRAW_TOP, bottom = draw_bottom(), rows, cd, cv,
	    cs, cr, x, i;
	char line[600];
	size_t n, k, nc;

	draw_frame(a, s->title, results_switch_offered(a) ?
	    "arrows choose  Enter evidence  s save  a fix resolver  Esc back  "
	    "? help  q quit" :
	    "arrows choose  Enter evidence  s save plan  Esc back  ? help  "
	    "q quit");
	if (r == NULL)
		return;
	n = r->ndomains;
	nc = results_nconnectors(r);
	{
		size_t ok = 0, other;
		for (k = 0; k < n; k++)
			if (r->domains[k].verdict == VERDICT_OK)
				ok++;
		other = n - ok - nc;
		snprintf(line, sizeof line, "Resolver %s: %s.  %zu domain%s: %zu "
		    "need%s a connector, %zu other fault%s, %zu ok (%llu queries, "
		    "%u.%u s).", r->resolver.addr,
		    rstatus_to_string(r->resolver.status), n, n == 1 ? "" : "s",
		    nc, nc == 1 ? "s" : "", other, other == 1 ? "" : "s", ok,
		    (unsigned long long)r->queries, r->ms / 1000,
		    r->ms % 1000 / 100);
	}
	y += draw_wrap(y, DRAW_LEFT, w, 2, 0, line, CRT_NORMAL, 2);
	if (r->vantage == VANTAGE_BLOCKED)
		y += draw_wrap(y, DRAW_LEFT, w, 2, 0, "! This host cannot ask remote "
		    "DNS servers directly: verdicts are judged from your resolver's "
		    "answers, as nslookup would. Press Enter on a domain for the "
		    "evidence.", CRT_WARN, 2);
	if (r->resolver.status != RSTATUS_OK &&
	    r->resolver.status != RSTATUS_UNKNOWN) {
		snprintf(line, sizeof line, "! Your resolver fails (%s): every "
		    "domain fails through it.%s", rstatus_to_string(
		    r->resolver.status), results_switch_offered(a) ?
		    " Press a for the external DNS fix." : "");
		y += draw_wrap(y, DRAW_LEFT, w, 2, 0, line, CRT_WARN, 2);
	}
	y++;
	/* Columns: domain, verdict, smart hosts, reason. */
	cd = w >= 120 ? 36 : 22;
	cv = 17;
	cs = w >= 120 ? 33 : 15;
	cr = w - 2 - cd - cv - cs - 3;
	attrset(crt_attr(CRT_HEADING));
	x = DRAW_LEFT + 2;
	crt_put(y, x, cd, "Domain");
	crt_put(y, x + cd + 1, cv, "Verdict");
	crt_put(y, x + cd + cv + 2, cs, "Smart hosts");
	crt_put(y, x + cd + cv + cs + 3, cr, "Reason");
	attrset(A_NORMAL);
	y++;
	crt_hline(y, DRAW_LEFT, w);
	y++;
	rows = bottom - y - 4;
	if (rows < 3)
		rows = 3;
	if (a->row >= n)
		a->row = n ? n - 1 : 0;
	if (a->row < a->top)
		a->top = a->row;
	if (a->row >= a->top + (size_t)rows)
		a->top = a->row - (size_t)rows + 1;
	for (i = 0; i < rows && a->top + (size_t)i < n; i++) {
		const results_domain *d = &r->domains[a->top + (size_t)i];
		bool sel = a->top + (size_t)i == a->row;
		int yy = y + i;
		char smart[200];
		attrset(sel ? crt_attr(CRT_SELECTED) : A_NORMAL);
		if (sel)
			mvhline(yy, DRAW_LEFT, ' ', w);
		crt_put(yy, DRAW_LEFT, 2, sel ? ">" : " ");
		crt_put(yy, x, cd, d->name);
		if (!sel)
			attrset(crt_attr(draw_verdict_role(d->verdict)));
		crt_put(yy, x + cd + 1, cv, verdict_to_string(d->verdict));
		attrset(sel ? crt_attr(CRT_SELECTED) : A_NORMAL);
		if (d->nsmart == 0)
			snprintf(smart, sizeof smart, "-");
		else if (d->nsmart == 1 || cs < 30)
			snprintf(smart, sizeof smart, "%s%s", d->smart[0],
			    d->nsmart > 1 ? " +" : "");
		else
			snprintf(smart, sizeof smart, "%s,%s%s", d->smart[0],
			    d->smart[1], d->nsmart > 2 ? " +" : "");
		crt_put(yy, x + cd + cv + 2, cs, smart);
		crt_put(yy, x + cd + cv + cs + 3, cr, w >= 120 ? (d->verdict ==
		    VERDICT_OK ? "" : d->reason) : d->brief);
		attrset(A_NORMAL);
	}
	if (n > (size_t)rows) {
		snprintf(line, sizeof line, "rows %zu-%zu of %zu", a->top + 1,
		    a->top + (size_t)rows < n ? a->top + (size_t)rows : n, n);
		attrset(crt_attr(CRT_DIM));
		crt_put(y + rows, DRAW_LEFT + w - (int)strlen(line), 40, line);
		attrset(A_NORMAL);
	}
	/* The selected row in full. */
	y = bottom - 3;
	if (n > 0) {
		const results_domain *d = &r->domains[a->row];
		snprintf(line, sizeof line, "%s: %s. %s", d->name,
		    verdict_meaning(d->verdict), d->verdict == VERDICT_OK ? "" :
		    d->reason);
		draw_wrap(y, DRAW_LEFT, w, 3, 0, line, CRT_NORMAL, 2);
	} else
		crt_put(y, DRAW_LEFT, w, "No domains were tested.");
}

bool
screen_results_key(app *a, int key)
{
	size_t n = a->res != NULL ? a->res->ndomains : 0;
	size_t jump = (size_t)(draw_bottom() - DRAW_TOP - 8);

	switch (key) {
	case KEY_UP:
		if (a->row > 0)
			a->row--;
		return true;
	case KEY_DOWN:
		if (a->row + 1 < n)
			a->row++;
		return true;
	case KEY_PPAGE:
		a->row = a->row > jump ? a->row - jump : 0;
		return true;
	case KEY_NPAGE:
		a->row = a->row + jump < n ? a->row + jump : (n ? n - 1 : 0);
		return true;
	case KEY_HOME:
		a->row = 0;
		return true;
	case KEY_END:
		a->row = n ? n - 1 : 0;
		return true;
	case 's':
	case 'S':
		if (a->res == NULL || a->res->plan == NULL) {
			app_error(a, "no plan can be made from these results: %s",
			    a->res != NULL && a->res->plan_err != NULL ?
			    a->res->plan_err : "nothing was tested");
			return true;
		}
		app_event(a, WZE_SAVE, 0);
		return true;
	case 'a':
	case 'A':
		if (!results_switch_offered(a)) {
			app_error(a, "your resolver works; the external DNS fix is "
			    "for a resolver that fails");
			return true;
		}
		app_event(a, WZE_SWITCH, 0);
		return true;
	default:
		if (screen_is_enter(key)) {
			if (n == 0)
				return true;
			app_event(a, WZE_OPEN, 0);
			return true;
		}
		return false;
	}
}
