/* screen_progress.c - probes running (resolver check, domains, external
 * candidates): a bar, counts, what is being asked of whom. Stays live:
 * the loop redraws it between probe steps; Esc stops. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "escape.h"
#include "results.h"
#include "screens.h"
#include "util.h"

void
screen_progress_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	int w = draw_width(), y = DRAW_TOP, bottom = draw_bottom(), used;
	probe_progress pg;
	char line[400], *cur;
	uint64_t ms = a->run != NULL ? now_ms() - a->run_start : 0;
	unsigned per = a->opts.probe.dnsq.timeout_ms * a->opts.probe.dnsq.tries;
	size_t total;

	draw_frame(a, s->title, "Esc stop  ? help  q quit");
	if (s->kind != TREE_EXTERNAL) {
		used = draw_paras(a, y, DRAW_LEFT, w, bottom - y - 8, s->text,
		    s->ntext, SIZE_MAX);
		y += used + 1;
	}
	if (a->run == NULL)
		return;
	probe_get_progress(a->run, &pg);
	attrset(crt_attr(CRT_HEADING));
	switch (a->run_kind) {
	case RESULTS_CHECK:
		snprintf(line, sizeof line, "Asking the resolver %s about %zu "
		    "well-known domains...", a->resolver, a->opts.ncanaries);
		break;
	case RESULTS_DOMAINS:
		snprintf(line, sizeof line, "Testing %zu domain%s through the "
		    "resolver %s...", pg.domains, pg.domains == 1 ? "" : "s",
		    a->resolver);
		break;
	default:
		snprintf(line, sizeof line, "Testing the resolver %s and %zu "
		    "candidate external DNS server%s...", a->resolver,
		    a->opts.nexternals, a->opts.nexternals == 1 ? "" : "s");
		break;
	}
	y += draw_wrap(y, DRAW_LEFT, w, 2, 0, line, CRT_HEADING, 0);
	attrset(A_NORMAL);
	y++;
	if (a->run_kind == RESULTS_DOMAINS) {
		crt_put(y, DRAW_LEFT, 9, "Domains");
		draw_bar(y, DRAW_LEFT + 9, w - 9, pg.domains_done, pg.domains);
	} else {
		total = (size_t)pg.queries_done + pg.inflight + pg.queued;
		crt_put(y, DRAW_LEFT, 9, "Queries");
		draw_bar(y, DRAW_LEFT + 9, w - 9, (size_t)pg.queries_done, total);
	}
	y += 2;
	snprintf(line, sizeof line, "%llu queries done, %zu in flight, %zu "
	    "waiting; %llu.%llu s so far.", (unsigned long long)pg.queries_done,
	    pg.inflight, pg.queued, (unsigned long long)(ms / 1000),
	    (unsigned long long)(ms % 1000 / 100));
	crt_put(y++, DRAW_LEFT, w, line);
	if (a->build != NULL) {
		size_t done, n;
		results_build_progress(a->build, &done, &n);
		snprintf(line, sizeof line, "Every answer is in; preparing the "
		    "results: %zu of %zu domains...", done, n);
	} else {
		cur = esc_dup(ESC_TERMINAL, pg.current, sizeof pg.current);
		snprintf(line, sizeof line, "Asking: %s", cur[0] ? cur : "...");
		free(cur);
	}
	crt_put(y++, DRAW_LEFT, w, line);
	y++;
	snprintf(line, sizeof line, "A server that does not answer costs up to "
	    "%u.%u s (%u tries of %u ms); everything runs at the same time.",
	    per / 1000, per % 1000 / 100, a->opts.probe.dnsq.tries,
	    a->opts.probe.dnsq.timeout_ms);
	if (y < bottom)
		draw_wrap(y, DRAW_LEFT, w, bottom - y, 0, line, CRT_DIM, 0);
}

bool
screen_progress_key(app *a, int key)
{
	(void)a;
	(void)key;
	return false;
}
