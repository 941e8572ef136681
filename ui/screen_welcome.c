/* screen_welcome.c - the first screen: what exdns does and the resolver it
 * will ask (e edits it). */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "defaults.h"
#include "draw.h"
#include "screens.h"

void
screen_welcome_draw(app *a)
{
	const tree_step *s = wizard_step(&a->wz);
	int w = draw_width(), bottom = draw_bottom(), y;
	page p;
	size_t top = 0;
	char line[300];

	draw_frame(a, s->title, a->editing ?
	    "Enter use this resolver  Esc cancel  (ADDR or ADDR@PORT)" :
	    "Enter next  e change the resolver  ? help  q quit");
	page_init(&p, w);
	page_paras(&p, a, s->text, s->ntext, SIZE_MAX, 0);
	y = DRAW_TOP;
	/* The resolver block needs 3 rows at the bottom. */
	page_draw(&p, y, DRAW_LEFT, bottom - y - 4, &top, SIZE_MAX, SIZE_MAX);
	y += (int)(p.n < (size_t)(bottom - y - 4) ? p.n : (size_t)(bottom - y - 4));
	page_free(&p);
	y += 1;
	attrset(crt_attr(CRT_HEADING));
	crt_put(y, DRAW_LEFT, 12, "Resolver:");
	attrset(A_NORMAL);
	if (a->editing)
		draw_field(y, DRAW_LEFT + 11, 32, &a->f_resolver, true);
	else {
		attrset(A_BOLD);
		crt_put(y, DRAW_LEFT + 11, w - 11, a->resolver);
		attrset(A_NORMAL);
	}
	snprintf(line, sizeof line, "(%s)", a->resolver_source);
	if (!a->editing)
		crt_put(y, DRAW_LEFT + 13 + crt_width(a->resolver),
		    w - 13 - crt_width(a->resolver), line);
	y++;
	crt_put(y, DRAW_LEFT, w, a->editing ?
	    "Type the DNS server's IP address; add @PORT for a port other "
	    "than 53." :
	    "Press e to use another DNS server (the one the Exchange server "
	    "uses).");
	if (a->old_session && a->msg[0] == '\0') {
		y += 2;
		if (y < bottom) {
			attrset(crt_attr(CRT_WARN));
			crt_put(y, DRAW_LEFT, w, "A saved session exists: quit and "
			    "run 'exdns --resume' to continue it.");
			attrset(A_NORMAL);
		}
	}
}

bool
screen_welcome_typing(const app *a)
{
	return a->editing;
}

bool
screen_welcome_key(app *a, int key)
{
	char err[200], text[ADDR_TEXT_MAX + 8];
	exaddr addr;

	if (!a->editing) {
		if (key == 'e' || key == 'r') {
			a->editing = true;
			field_set(&a->f_resolver, a->resolver);
			return true;
		}
		return false;
	}
	if (key == CRT_KEY_ESC) {
		a->editing = false;
		return true;
	}
	if (screen_is_enter(key)) {
		snprintf(text, sizeof text, "%s", field_text(&a->f_resolver));
		if (addr_parse(text, DEFAULT_DNS_PORT, &addr, err, sizeof err) != 0) {
			app_error(a, "%s", err);
			return true;
		}
		a->opts.probe.resolver = addr;
		a->opts.resolver_set = true;
		addr_format(&addr, a->resolver, sizeof a->resolver);
		snprintf(a->resolver_source, sizeof a->resolver_source,
		    "typed here");
		a->editing = false;
		app_msg(a, "exdns will ask %s.", a->resolver);
		return true;
	}
	field_key(&a->f_resolver, key);
	return true;
}
