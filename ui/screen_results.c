/* screen_results.c - one row a domain: verdict, smart hosts, the short
 * reason; the selected row's reason in full below. The rows can be
 * sorted (o), kept to one verdict (v) and searched (/). Enter opens the
 * evidence, s goes on to saving, a (when the resolver failed) to the
 * external DNS branch. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "draw.h"
#include "screens.h"
#include "util.h"

const char screen_results_keys[] = "o sorts the rows: as tested, by name, "
    "by verdict (faults first). v shows one verdict at a time, then all "
    "again. / searches the names: type a part of one; Enter keeps the "
    "search, Esc clears it. Enter opens the chosen domain's evidence; m "
    "saves the message for the chosen domain's DNS operator (what fails, "
    "where, why, the dig commands: exdns report); s saves the plan (every "
    "domain's, whatever is shown).";

static const char *const results_orders[] = {
	"as tested", "by name", "by verdict"
};

/* For qsort: the results being sorted (the wizard has one thread). */
static const results *results_sorting;
static int results_sort_order;

/* Faults first, ok last, as the verdicts are numbered otherwise. */
static int
results_verdict_rank(verdict v)
{
	return v == VERDICT_OK ? VERDICT_COUNT : (int)v;
}

static int
results_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const results_domain *d = &results_sorting->domains[i],
	    *e = &results_sorting->domains[j];
	int c = 0;

	if (results_sort_order == 2)
		c = results_verdict_rank(d->verdict) -
		    results_verdict_rank(e->verdict);
	if (c == 0 && results_sort_order >= 1)
		c = strcmp(d->name, e->name);
	if (c == 0)
		c = i < j ? -1 : i > j;
	return c;
}

/* The rows shown, as indexes of domains, in their order (caller frees);
 * *n their count. */
static size_t *
results_view(const app *a, size_t *n)
{
	const results *r = a->res;
	const char *q = field_text(&a->f_search);
	char shown[DRAW_NAME_MAX];
	size_t i, k = 0, *v;

	*n = 0;
	if (r == NULL || r->ndomains == 0)
		return NULL;
	v = xcalloc(r->ndomains, sizeof *v);
	for (i = 0; i < r->ndomains; i++) {
		const results_domain *d = &r->domains[i];
		if (a->res_verdict >= 0 && (int)d->verdict != a->res_verdict)
			continue;
		/* The name as typed: its A-label, or the U-label shown. */
		if (*q != '\0' && strcasestr(d->name, q) == NULL &&
		    strcasestr(draw_name(d->name, false, shown, sizeof shown),
		    q) == NULL)
			continue;
		v[k++] = i;
	}
	if (a->res_order != 0 && k > 1) {
		results_sorting = r;
		results_sort_order = a->res_order;
		qsort(v, k, sizeof *v, results_cmp);
		results_sorting = NULL;
	}
	*n = k;
	return v;
}

/* Where the chosen domain is in the view; it becomes the first row
 * shown when the view hides it. */
static size_t
results_pos(app *a, const size_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == a->row)
			return i;
	if (n > 0)
		a->row = v[0];
	a->top = 0;
	return 0;
}

/* The next verdict present in the results after cur (-1: all), faults
 * first and ok last as in the verdict order; -1 after the last. */
static int
results_next_verdict(const results *r, int cur)
{
	int k, v;
	size_t i;

	if (cur == VERDICT_OK)
		return -1;
	for (k = cur < 0 ? 1 : cur + 1; k <= VERDICT_COUNT; k++) {
		v = k % VERDICT_COUNT;
		for (i = 0; i < r->ndomains; i++)
			if ((int)r->domains[i].verdict == v)
				return v;
	}
	return -1;
}

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
	size_t n, k, nc, nv, pos, *v;

	draw_frame(a, s->title, a->searching ?
	    "type a part of a name  Enter keep  Esc clear  arrows choose  "
	    "F1 help  F10 quit" : results_switch_offered(a) ?
	    "arrows choose  Enter evidence  s save  a fix resolver  / search  "
	    "o sort  v verdict  m message  Esc back  ? help  q quit" :
	    "arrows choose  Enter evidence  s save plan  / search  o sort  "
	    "v verdict  m message  Esc back  ? help  q quit");
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
	if (a->queue != NULL && a->res == r && r->kind == RESULTS_DOMAINS) {
		branch hint = queue_hint(a->queue);
		unsigned long long msgs = 0;
		size_t k2;
		for (k2 = 0; k2 < a->queue->n; k2++)
			msgs += a->queue->entries[k2].messages;
		snprintf(line, sizeof line, "Queue: %zu failing external queue%s, "
		    "%llu message%s waiting, most first%s%s%s%s.", a->queue->nfailing,
		    a->queue->nfailing == 1 ? "" : "s", msgs, msgs == 1 ? "" : "s",
		    hint == BRANCH_COUNT ? "" : "; it suggests ",
		    hint == BRANCH_COUNT ? "" : branch_to_string(hint),
		    hint == BRANCH_COUNT ? "" : hint == r->branch ?
		    ", the probes confirm it" : ", the probes contradict it: ",
		    hint == BRANCH_COUNT || hint == r->branch ? "" :
		    branch_to_string(r->branch));
		y += draw_wrap(y, DRAW_LEFT, w, 2, 0, line, CRT_NORMAL, 2);
	}
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
	v = results_view(a, &nv);
	pos = results_pos(a, v, nv);
	/* What the rows are: said on the row above the table when they are
	 * not simply every domain as tested. */
	if (a->searching || nv != n || a->res_order != 0) {
		bool find = a->searching || !field_empty(&a->f_search);
		int used;
		snprintf(line, sizeof line, "Showing %zu of %zu, %s%s%s%s", nv, n,
		    results_orders[a->res_order],
		    a->res_verdict >= 0 ? ", only " : "",
		    a->res_verdict >= 0 ? verdict_to_string(
		    (verdict)a->res_verdict) : "", find ? ", names with" : ".");
		attrset(crt_attr(CRT_HEADING));
		used = crt_put(y, DRAW_LEFT, w, line);
		attrset(A_NORMAL);
		if (find)
			draw_field(y, DRAW_LEFT + used + 1, w - used - 1 > 30 ? 30 :
			    w - used - 1, &a->f_search, a->searching);
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
	if (pos < a->top)
		a->top = pos;
	if (pos >= a->top + (size_t)rows)
		a->top = pos - (size_t)rows + 1;
	if (a->top >= nv)
		a->top = 0;
	for (i = 0; i < rows && a->top + (size_t)i < nv; i++) {
		const results_domain *d = &r->domains[v[a->top + (size_t)i]];
		bool sel = nv > 0 && a->top + (size_t)i == pos;
		int yy = y + i;
		char smart[200], nbuf[DRAW_NAME_MAX];
		attrset(sel ? crt_attr(CRT_SELECTED) : A_NORMAL);
		if (sel)
			mvhline(yy, DRAW_LEFT, ' ', w);
		crt_put(yy, DRAW_LEFT, 2, sel ? ">" : " ");
		crt_put(yy, x, cd, draw_name(d->name, false, nbuf, sizeof nbuf));
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
	if (nv > (size_t)rows) {
		snprintf(line, sizeof line, "rows %zu-%zu of %zu", a->top + 1,
		    a->top + (size_t)rows < nv ? a->top + (size_t)rows : nv, nv);
		attrset(crt_attr(CRT_DIM));
		crt_put(y + rows, DRAW_LEFT + w - (int)strlen(line), 40, line);
		attrset(A_NORMAL);
	}
	/* The selected row in full. */
	y = bottom - 3;
	free(v);
	if (nv == 0 && n > 0)
		crt_put(y, DRAW_LEFT, w, "No domain matches: / and Esc clear the "
		    "search, v shows every verdict again.");
	else if (n > 0) {
		const results_domain *d = &r->domains[a->row];
		const queue_entry *qe = a->queue != NULL && a->res == r ?
		    queue_find(a->queue, d->name) : NULL;
		char qline[400] = "", nbuf[DRAW_NAME_MAX];
		if (qe != NULL)
			snprintf(qline, sizeof qline, " Queue: %llu message%s%s%s%s%s.",
			    qe->messages, qe->messages == 1 ? "" : "s",
			    qe->error != QUEUE_ERR_NONE ? "; Exchange: " : "",
			    qe->error != QUEUE_ERR_NONE ?
			    queue_error_meaning(qe->error) : "",
			    qe->error == QUEUE_ERR_NONE ? "" :
			    queue_agrees(qe->error, d->verdict) == QUEUE_AGREE_YES ?
			    " (the probe agrees)" :
			    queue_agrees(qe->error, d->verdict) == QUEUE_AGREE_NO ?
			    " (the probe does not agree)" : " (the probe cannot tell)",
			    "");
		snprintf(line, sizeof line, "%s: %s.%s %s",
		    draw_name(d->name, true, nbuf, sizeof nbuf),
		    verdict_meaning(d->verdict), qline, d->verdict == VERDICT_OK ?
		    "" : d->reason);
		draw_wrap(y, DRAW_LEFT, w, 3, 0, line, CRT_NORMAL, 2);
	} else
		crt_put(y, DRAW_LEFT, w, "No domains were tested.");
	if (a->msg_saving)
		screen_message_draw(a);
}

bool
screen_results_typing(const app *a)
{
	return a->searching || a->msg_saving;
}

/* A key while the search field has the keys: true when used. */
static bool
results_search_key(app *a, int key)
{
	if (screen_is_enter(key)) {
		a->searching = false;
		return true;
	}
	if (key == CRT_KEY_ESC) {
		field_set(&a->f_search, "");
		a->searching = false;
		return true;
	}
	if (key == KEY_UP || key == KEY_DOWN || key == KEY_PPAGE ||
	    key == KEY_NPAGE)
		return false;            /* choose among what matches */
	field_key(&a->f_search, key);
	return true;
}

bool
screen_results_key(app *a, int key)
{
	size_t jump = (size_t)(draw_bottom() - DRAW_TOP - 8);
	size_t nv, pos, *v;
	bool used = true;

	if (a->msg_saving)
		return screen_message_key(a, key);
	if (a->searching && results_search_key(a, key))
		return true;
	v = results_view(a, &nv);
	pos = results_pos(a, v, nv);
	switch (key) {
	case KEY_UP:
		if (pos > 0)
			pos--;
		break;
	case KEY_DOWN:
		if (pos + 1 < nv)
			pos++;
		break;
	case KEY_PPAGE:
		pos = pos > jump ? pos - jump : 0;
		break;
	case KEY_NPAGE:
		pos = pos + jump < nv ? pos + jump : (nv ? nv - 1 : 0);
		break;
	case KEY_HOME:
		pos = 0;
		break;
	case KEY_END:
		pos = nv ? nv - 1 : 0;
		break;
	case 'o':
	case 'O':
		a->res_order = (a->res_order + 1) % 3;
		app_msg(a, "Sorted %s.", results_orders[a->res_order]);
		break;
	case 'v':
	case 'V':
		if (a->res != NULL)
			a->res_verdict = results_next_verdict(a->res,
			    a->res_verdict);
		if (a->res_verdict >= 0)
			app_msg(a, "Only %s; v for the next verdict.",
			    verdict_to_string((verdict)a->res_verdict));
		else
			app_msg(a, "Every verdict.");
		break;
	case '/':
		a->searching = true;
		break;
	case 'm':
	case 'M':
		if (nv == 0)
			app_error(a, "no domain is shown");
		else {
			a->row = v[pos];
			screen_message_start(a);
		}
		break;
	case 's':
	case 'S':
		if (a->res == NULL || a->res->plan == NULL) {
			app_error(a, "no plan can be made from these results: %s",
			    a->res != NULL && a->res->plan_err != NULL ?
			    a->res->plan_err : "nothing was tested");
			break;
		}
		app_event(a, WZE_SAVE, 0);
		break;
	case 'a':
	case 'A':
		if (!results_switch_offered(a)) {
			app_error(a, "your resolver works; the external DNS fix is "
			    "for a resolver that fails");
			break;
		}
		app_event(a, WZE_SWITCH, 0);
		break;
	default:
		if (screen_is_enter(key)) {
			if (nv == 0)
				app_error(a, "no domain is shown: / and Esc clear the "
				    "search, v shows every verdict");
			else
				app_event(a, WZE_OPEN, 0);
			break;
		}
		used = false;
		break;
	}
	if (nv > 0 && a->wz.state == WZ_RESULTS &&
	    (key == KEY_UP || key == KEY_DOWN || key == KEY_PPAGE ||
	    key == KEY_NPAGE || key == KEY_HOME || key == KEY_END))
		a->row = v[pos];
	free(v);
	return used;
}
