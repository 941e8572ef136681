/* screen_save.c - the save form: where the plan goes, and the optional
 * transport server and Internet send connector names. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include "draw.h"
#include "screens.h"

static void
save_summary(app *a, char *buf, size_t len)
{
	const results *r = app_save_source(a);
	size_t used, i;

	if (r == NULL || r->plan == NULL) {
		snprintf(buf, len, "There is no plan to save.");
		return;
	}
	switch (r->plan->branch) {
	case BRANCH_SPECIFIC_DOMAINS:
		used = (size_t)snprintf(buf, len, "The plan: a send connector for "
		    "each of %zu domain%s:", r->plan->nconnectors,
		    r->plan->nconnectors == 1 ? "" : "s");
		for (i = 0; i < r->plan->nconnectors && used + 80 < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s %s",
			    i ? "," : "", r->plan->connectors[i].domain);
		if (i < r->plan->nconnectors)
			snprintf(buf + used, len - used, ", ...");
		break;
	case BRANCH_ALL_DOMAINS: {
		char *t = results_selected_text(r, ", ");
		snprintf(buf, len, "The plan: Exchange uses the external DNS "
		    "servers %s.", t);
		free(t);
		break;
	}
	default:
		snprintf(buf, len, "The plan records that no DNS fault was found "
		    "(nothing to change); replay it later to check again.");
		break;
	}
}

/* What the typed plan path names, said as it is typed (the path itself
 * is in the field: one row each, whatever its length). */
static crt_role
save_path_hint(app *a, char *buf, size_t len)
{
	char folder[PATH_MAX];

	switch (app_path_check(field_text(&a->f_path), folder, sizeof folder)) {
	case APP_PATH_EMPTY:
		snprintf(buf, len, "Type a file name (./ is where exdns "
		    "started).");
		return CRT_WARN;
	case APP_PATH_EXISTS:
		snprintf(buf, len, "This file exists: replaced after you "
		    "confirm.");
		return CRT_WARN;
	case APP_PATH_IS_FOLDER:
		snprintf(buf, len, "This is a folder: add a file name.");
		return CRT_ERROR;
	case APP_PATH_NO_FOLDER:
		snprintf(buf, len, "Its folder does not exist: create it "
		    "first.");
		return CRT_ERROR;
	case APP_PATH_NEW:
	default:
		snprintf(buf, len, "%s", strcmp(folder, ".") == 0 ? "A new file, "
		    "in the folder you started exdns in." : "A new file; its "
		    "folder exists.");
		return CRT_DIM;
	}
}

void
screen_save_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	int w = draw_width(), y = DRAW_TOP, bottom = draw_bottom(), fw;
	char line[1200];
	static const char *const labels[3] = {
		"Plan file:", "Transport servers:", "Internet send connector:"
	};
	static const char *const hints[3] = {
		NULL,                    /* save_path_hint */
		"Optional, e.g. EX01, EX02 (commas between names).",
		"Optional: its name, e.g. Internet."
	};
	field *fields[3];
	int i;

	fields[0] = &a->f_path;
	fields[1] = &a->f_servers;
	fields[2] = &a->f_connector;
	draw_frame(a, s->title, "Tab/arrows move  Enter next  Esc back  "
	    "F1 help  F10 quit");
	y += draw_paras(a, y, DRAW_LEFT, w, bottom - y - 11, s->text, s->ntext,
	    SIZE_MAX) + 1;
	fw = w - 25;
	if (fw > 70)
		fw = 70;
	for (i = 0; i < 3; i++) {
		attrset(i == a->save_focus ? A_BOLD : A_NORMAL);
		crt_put(y, DRAW_LEFT, 25, labels[i]);
		attrset(A_NORMAL);
		draw_field(y, DRAW_LEFT + 25, fw, fields[i], i == a->save_focus);
		if (hints[i] == NULL) {
			crt_role r = save_path_hint(a, line, sizeof line);
			y += draw_wrap(y + 1, DRAW_LEFT + 26, w - 26, 2, 0, line, r,
			    0) - 1;
		} else {
			attrset(crt_attr(CRT_DIM));
			crt_put(y + 1, DRAW_LEFT + 26, w - 26, hints[i]);
			attrset(A_NORMAL);
		}
		y += 3;
	}
	save_summary(a, line, sizeof line);
	if (y < bottom)
		draw_wrap(y, DRAW_LEFT, w, bottom - y, 0, line, CRT_NORMAL, 2);
}

bool
screen_save_typing(const app *a)
{
	(void)a;
	return true;
}

bool
screen_save_key(app *a, int key)
{
	field *f = a->save_focus == 0 ? &a->f_path : a->save_focus == 1 ?
	    &a->f_servers : &a->f_connector;

	if (key == '\t' || key == KEY_DOWN) {
		a->save_focus = (a->save_focus + 1) % 3;
		return true;
	}
	if (key == KEY_BTAB || key == KEY_UP) {
		a->save_focus = (a->save_focus + 2) % 3;
		return true;
	}
	if (screen_is_enter(key)) {
		if (app_prepare_save(a) == 0)
			app_event(a, WZE_NEXT, 0);
		return true;
	}
	if (key == CRT_KEY_ESC)
		return false;
	return field_key(f, key);
}
