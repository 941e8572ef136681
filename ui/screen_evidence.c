/* screen_evidence.c - one domain in full: verdict, mail hosts, DNS
 * servers, every query with its outcome (the proof first), and what the
 * KB says to do with the real values filled in. Scrollable. */
#include <config.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "plan.h"
#include "report_msg.h"
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
	draw_frame(a, title, "arrows/PgUp/PgDn scroll  Esc back  s save plan  "
	    "m save message  ? help  q quit");
	page_init(&p, draw_width());
	evidence_page(a, &p);
	page_draw(&p, DRAW_TOP, DRAW_LEFT, draw_bottom() - DRAW_TOP, &a->ev_top,
	    SIZE_MAX, SIZE_MAX);
	page_free(&p);
	if (a->msg_saving)
		screen_message_draw(a);
}

bool
screen_evidence_key(app *a, int key)
{
	if (a->msg_saving)
		return screen_message_key(a, key);
	if (key == 'm' || key == 'M') {
		screen_message_start(a);
		return true;
	}
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

/* ---- the message for the domain's DNS operator --------------------- */

static const results_domain *
message_domain(const app *a)
{
	if (a->res == NULL || a->row >= a->res->ndomains)
		return NULL;
	return &a->res->domains[a->row];
}

void
screen_message_start(app *a)
{
	const results_domain *d = message_domain(a);
	char name[DNAME_MAX + 16];

	if (d == NULL) {
		app_error(a, "no domain is chosen");
		return;
	}
	if (d->message == NULL) {
		if (report_msg_wanted(d->verdict))
			app_error(a, "the message is made from the answers of a run: "
			    "test again to write it (a resumed session has not kept "
			    "them)");
		else
			app_error(a, "%s: %s: no fault of its own DNS to tell its "
			    "operator about", d->name, verdict_to_string(d->verdict));
		return;
	}
	snprintf(name, sizeof name, "%s-dns.txt", d->name);
	field_set(&a->f_msgpath, name);
	a->msg_saving = true;
}

bool
screen_message_typing(const app *a)
{
	return a->msg_saving;
}

void
screen_message_draw(app *a)
{
	const results_domain *d = message_domain(a);
	char title[DNAME_MAX + 40], hint[PATH_MAX + 80], folder[PATH_MAX];
	int iy, ix, ih, iw;
	crt_role role = CRT_DIM;

	if (d == NULL)
		return;
	snprintf(title, sizeof title, "Message for %s", d->name);
	draw_dialog(9, 76, title, &iy, &ix, &ih, &iw);
	draw_wrap(iy, ix, iw, 2, 0, "The message for the domain's postmaster "
	    "or DNS operator (what fails, where, why, and the dig commands) "
	    "goes to the file:", CRT_NORMAL, 0);
	draw_field(iy + 2, ix, iw, &a->f_msgpath, true);
	switch (app_path_check(field_text(&a->f_msgpath), folder,
	    sizeof folder)) {
	case APP_PATH_EMPTY:
		snprintf(hint, sizeof hint, "Type a file name.");
		role = CRT_WARN;
		break;
	case APP_PATH_EXISTS:
		snprintf(hint, sizeof hint, "This file exists: it is kept; type "
		    "another name.");
		role = CRT_ERROR;
		break;
	case APP_PATH_IS_FOLDER:
		snprintf(hint, sizeof hint, "This is a folder: add a file name.");
		role = CRT_ERROR;
		break;
	case APP_PATH_NO_FOLDER:
		snprintf(hint, sizeof hint, "Its folder does not exist.");
		role = CRT_ERROR;
		break;
	default:
		snprintf(hint, sizeof hint, "A new file%s.", strcmp(folder, ".")
		    == 0 ? ", in the folder you started exdns in" : "");
		break;
	}
	draw_wrap(iy + 3, ix, iw, 2, 0, hint, role, 0);
	crt_put(iy + ih - 1, ix, iw, "Enter save   Esc cancel");
}

bool
screen_message_key(app *a, int key)
{
	const results_domain *d = message_domain(a);
	char err[PATH_MAX + 200], path[PATH_MAX];
	const char *t;
	size_t n;

	if (key == CRT_KEY_ESC) {
		a->msg_saving = false;
		app_msg(a, "The message was not saved.");
		return true;
	}
	if (!screen_is_enter(key))
		return field_key(&a->f_msgpath, key) || true;
	if (d == NULL || d->message == NULL) {
		a->msg_saving = false;
		return true;
	}
	/* blanks around the name are not part of it */
	for (t = field_text(&a->f_msgpath); *t == ' '; t++)
		;
	n = strlen(t);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof path) {
		app_error(a, "type a file name");
		return true;
	}
	memcpy(path, t, n);
	path[n] = '\0';
	if (plan_save_text(path, d->message, 0, err, sizeof err) !=
	    PLAN_SAVE_OK) {
		app_error(a, "%s", err);
		return true;
	}
	a->msg_saving = false;
	app_msg(a, "The message for %s is saved in %s.", d->name, path);
	return true;
}
