/* wizard_main.c - `exdns` / `exdns wizard`: options, --check-data,
 * --resume, and the input loop that keeps the screen live while probes
 * run (probe_step between keys), handles keys, signals and resizes. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "commands.h"
#include "crt.h"
#include "defaults.h"
#include "dname.h"
#include "draw.h"
#include "escape.h"
#include "resolvconf.h"
#include "screens.h"
#include "session.h"
#include "tree.h"
#include "util.h"

#define TREE_FILE "tree.ini"
#define WIZARD_LOG_ENV "EXDNS_WIZARD_LOG"

enum { OPT_ASCII = OPT_COMMON_LAST + 1, OPT_RESUME, OPT_CHECK_DATA };

void
cmd_wizard_usage(FILE *out)
{
	fprintf(out,
	    "Usage: exdns [wizard] [--ascii] [PROBE OPTION]... [DOMAIN]...\n"
	    "  or:  exdns --resume\n"
	    "  or:  exdns --check-data\n"
	    "Walk through \"451 4.4.0 DNS query failed\" in a terminal: which\n"
	    "domains fail, real DNS tests with their evidence, and a saved plan.\n"
	    "Runs when exdns is started with no command, on a terminal.\n\n"
	    "  --ascii                  draw lines with ASCII characters\n"
	    "  --resume                 continue the session saved when the last\n"
	    "                           wizard was cut off (SIGHUP, Ctrl-C)\n"
	    "  --check-data             check the decision tree and data files, exit\n");
	opts_engine_usage(out);
	fprintf(out,
	    "  --canary DOMAIN          domain the resolver must answer (repeatable)\n"
	    "  --external ADDR[@PORT],...  candidate external DNS servers\n"
	    "  --file FILE              domains to start with, one a line\n"
	    "  -h, --help               show this help\n\n"
	    "Keys: digits and arrows choose, Enter goes on, Esc goes back, ? or F1\n"
	    "help, q quits. The session is kept in $XDG_STATE_HOME/exdns/ (or\n"
	    "~/.local/state/exdns/) when the connection drops.\n"
	    "Without a terminal, use 'exdns probe' and 'exdns plan'.\n"
	    "Exit status: 0 done, 2 bad usage, data or terminal.\n");
}

/* ---- --check-data ------------------------------------------------------- */

static int
wizard_check_data(void)
{
	char path[4096], err[800], norm[DNAME_MAX], esc[128];
	char **list = NULL;
	size_t n = 0, i;
	tree *t;
	int rc = 0;
	exaddr ad;

	data_path(TREE_FILE, path, sizeof path);
	if ((t = tree_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		rc = EXIT_USAGE;
	} else {
		printf("%s: ok, %zu steps\n", path, t->nsteps);
		tree_free(t);
	}
	data_path(DEFAULT_CANARY_FILE, path, sizeof path);
	if (list_read_file(path, &list, &n, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		rc = EXIT_USAGE;
	} else {
		for (i = 0; i < n; i++)
			if (dname_normalize(list[i], norm) != 0) {
				fprintf(stderr, "%s: '%s' is not a domain name\n", path,
				    esc_buf(ESC_TERMINAL, list[i], strlen(list[i]), esc,
				    sizeof esc));
				rc = EXIT_USAGE;
				break;
			}
		if (i == n)
			printf("%s: ok, %zu canary domains\n", path, n);
	}
	strv_free(list, n);
	list = NULL;
	n = 0;
	data_path(DEFAULT_EXTERNAL_FILE, path, sizeof path);
	if (list_read_file(path, &list, &n, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		rc = EXIT_USAGE;
	} else {
		for (i = 0; i < n; i++)
			if (addr_parse(list[i], DEFAULT_DNS_PORT, &ad, err,
			    sizeof err) != 0) {
				fprintf(stderr, "%s: %s\n", path, err);
				rc = EXIT_USAGE;
				break;
			}
		if (i == n)
			printf("%s: ok, %zu external DNS candidates\n", path, n);
	}
	strv_free(list, n);
	return rc;
}

/* ---- the session -------------------------------------------------------- */

static void
wizard_session_fill(app *a, session *s)
{
	size_t i;
	char buf[ADDR_TEXT_MAX];

	memset(s, 0, sizeof *s);
	s->step = xstrdup(wizard_step(&a->wz)->name);
	s->state = wizard_resume_state(&a->wz);
	for (i = 0; i < a->wz.nhistory; i++)
		strv_push(&s->history, &s->nhistory,
		    a->tree->steps[a->wz.history[i]].name);
	for (i = 0; i < a->tree->nsteps; i++) {
		int ans = a->wz.answers[i];
		/* The choice on the question shown counts, Enter or not. */
		if (i == a->wz.step && wizard_resume_state(&a->wz) == WZ_QUESTION)
			ans = a->wz.choice;
		if (ans >= 0) {
			strv_push(&s->answer_step, &s->nanswers,
			    a->tree->steps[i].name);
			s->answer = xrealloc(s->answer, s->nanswers *
			    sizeof *s->answer);
			s->answer[s->nanswers - 1] = ans;
		}
	}
	s->healthy = a->wz.healthy;
	s->unsaved = a->wz.unsaved;
	s->saved = a->wz.saved;
	s->row = a->row;
	s->resolver = xstrdup(a->resolver);
	s->domains = xstrdup(field_text(&a->f_domains));
	s->file = xstrdup(field_text(&a->f_file));
	s->plan_path = xstrdup(field_text(&a->f_path));
	s->servers = xstrdup(field_text(&a->f_servers));
	s->connector = xstrdup(field_text(&a->f_connector));
	s->timeout_ms = a->opts.probe.dnsq.timeout_ms;
	s->tries = a->opts.probe.dnsq.tries;
	s->max_inflight = a->opts.probe.dnsq.max_inflight;
	s->resolver_inflight = a->opts.probe.resolver_ceiling;
	s->auth_inflight = a->opts.probe.dnsq.server_ceiling;
	s->rate = a->opts.probe.dnsq.rate;
	s->auth_port = a->opts.probe.auth_port;
	for (i = 0; i < a->opts.ncanaries; i++)
		strv_push(&s->canaries, &s->ncanaries, a->opts.canaries[i]);
	for (i = 0; i < a->opts.nexternals; i++) {
		addr_format(&a->opts.externals[i], buf, sizeof buf);
		strv_push(&s->externals, &s->nexternals, buf);
	}
	s->check = a->check;           /* borrowed: cleared before freeing */
	s->domains_res = a->res;
	s->external = a->ext;
	s->queue = a->queue;
}

static int
wizard_session_save(app *a, char *err, size_t errlen)
{
	session s;
	int rc;

	if (!a->have_session_dir) {
		snprintf(err, errlen, "no folder for the session (set HOME or "
		    "XDG_STATE_HOME)");
		return -1;
	}
	wizard_session_fill(a, &s);
	rc = session_save(a->session_dir, &s, err, errlen);
	s.check = s.domains_res = s.external = NULL;
	s.queue = NULL;
	session_free(&s);
	if (rc == 0)
		a->wrote_session = true;
	return rc;
}

/* Puts a loaded session into the app (before curses starts). */
static int
wizard_session_apply(app *a, session *s, char *err, size_t errlen)
{
	size_t i, idx;
	exaddr ad;
	wz_action act;

	if (addr_parse(s->resolver != NULL ? s->resolver : "", DEFAULT_DNS_PORT,
	    &ad, err, errlen) != 0)
		return -1;
	a->opts.probe.resolver = ad;
	a->opts.resolver_set = true;
	addr_format(&ad, a->resolver, sizeof a->resolver);
	snprintf(a->resolver_source, sizeof a->resolver_source,
	    "from the saved session");
	if (s->timeout_ms >= 1 && s->timeout_ms <= 60000)
		a->opts.probe.dnsq.timeout_ms = s->timeout_ms;
	if (s->tries >= 1 && s->tries <= 10)
		a->opts.probe.dnsq.tries = s->tries;
	if (s->max_inflight >= 1)
		a->opts.probe.dnsq.max_inflight = s->max_inflight;
	if (s->resolver_inflight >= 1)
		a->opts.probe.resolver_ceiling = s->resolver_inflight;
	if (s->auth_inflight >= 1)
		a->opts.probe.dnsq.server_ceiling = s->auth_inflight;
	a->opts.probe.dnsq.rate = s->rate;
	if (s->auth_port >= 1 && s->auth_port <= 65535)
		a->opts.probe.auth_port = (uint16_t)s->auth_port;
	for (i = 0; i < s->ncanaries; i++) {
		char norm[DNAME_MAX];
		if (dname_normalize(s->canaries[i], norm) == 0)
			strv_push(&a->opts.canaries, &a->opts.ncanaries, norm);
	}
	for (i = 0; i < s->nexternals; i++) {
		char e2[200];
		if (addr_parse(s->externals[i], DEFAULT_DNS_PORT, &ad, e2,
		    sizeof e2) != 0)
			continue;
		a->opts.externals = xrealloc(a->opts.externals,
		    (a->opts.nexternals + 1) * sizeof *a->opts.externals);
		a->opts.externals[a->opts.nexternals++] = ad;
	}
	a->opts.external_set = true;
	a->canary_given = a->opts.ncanaries > 0;
	field_set(&a->f_domains, s->domains);
	field_set(&a->f_file, s->file);
	field_set(&a->f_path, s->plan_path);
	field_set(&a->f_servers, s->servers);
	field_set(&a->f_connector, s->connector);
	for (i = 0; i < s->nanswers; i++) {
		idx = tree_find(a->tree, s->answer_step[i]);
		if (idx != TREE_NONE && s->answer[i] >= 0 &&
		    (size_t)s->answer[i] < a->tree->steps[idx].nchoices)
			a->wz.answers[idx] = s->answer[i];
	}
	a->check = s->check;
	a->res = s->domains_res;
	a->ext = s->external;
	s->check = s->domains_res = s->external = NULL;
	a->queue = s->queue;
	s->queue = NULL;
	a->wz.healthy = s->healthy;
	a->wz.unsaved = s->unsaved;
	a->wz.saved = s->saved;
	if (a->res != NULL && s->row < a->res->ndomains)
		a->row = s->row;
	/* A state that shows results needs them. */
	if ((s->state == WZ_RESULTS || s->state == WZ_EVIDENCE) && a->res == NULL)
		s->state = WZ_PROBING;
	if (s->state == WZ_CHECKED && a->check == NULL)
		s->state = WZ_CHECKING;
	if (s->state == WZ_EXTERNAL && a->ext == NULL)
		s->state = WZ_EXTERNAL_PROBING;
	if (s->state == WZ_PROBING && app_collect_domains(a) != 0)
		s->state = WZ_DOMAINS;
	act = wizard_restore(&a->wz, s->step, s->state, s->history, s->nhistory,
	    err, errlen);
	if (act == WZA_REJECTED)
		return -1;
	if (s->state == WZ_QUESTION || a->wz.state == WZ_QUESTION)
		a->wz.choice = a->wz.answers[a->wz.step] >= 0 ?
		    a->wz.answers[a->wz.step] : 0;
	a->msg[0] = '\0';
	app_msg(a, "Resumed where the last session stopped.");
	return (int)act;
}

/* ---- the loop ----------------------------------------------------------- */

static void
wizard_draw(app *a)
{
	static int cursor = -1;
	wz_state st = a->wz.state == WZ_QUIT_ASK ? a->wz.under : a->wz.state;
	int want;

	draw_cursor_y = draw_cursor_x = -1;
	erase();
	if (!draw_fits())
		draw_too_small();
	else {
		app_screen(st)->draw(a);
		draw_footer(a);
		if (a->wz.state == WZ_QUIT_ASK)
			screen_quit_draw(a);
		else if (a->help)
			screen_help_draw(a);
	}
	want = draw_cursor_y >= 0 && draw_fits() && !a->help &&
	    a->wz.state != WZ_QUIT_ASK;
	if (want != cursor) {
		curs_set(want ? 1 : 0);
		cursor = want;
	}
	if (want)
		move(draw_cursor_y, draw_cursor_x);
	refresh();
}

static bool
wizard_is_back(int key)
{
	return key == KEY_BACKSPACE || key == 127 || key == 8;
}

static void
wizard_key(app *a, int key)
{
	const screen *sc;
	bool typing;
	wz_action act;

	if (key == KEY_RESIZE)
		return;
	if (key == CRT_KEY_PASTE_BEGIN || key == CRT_KEY_PASTE_END) {
		/* The field may keep a paste apart from what is around it. */
		a->pasting = key == CRT_KEY_PASTE_BEGIN;
		if (draw_fits() && a->wz.state != WZ_QUIT_ASK && !a->help &&
		    app_screen(a->wz.state)->typing(a))
			app_screen(a->wz.state)->key(a, key);
		return;
	}
	if (!a->pasting)
		a->msg[0] = '\0';
	if (!draw_fits()) {
		if (key == 'q' || key == 'Q' || key == KEY_F(10))
			app_event(a, WZE_QUIT, 0);
		return;
	}
	if (a->wz.state == WZ_QUIT_ASK) {
		screen_quit_key(a, key);
		return;
	}
	sc = app_screen(a->wz.state);
	typing = sc->typing(a);
	if (a->pasting && !typing)
		return;                 /* pasted text is no command */
	if (a->help) {
		if (key == 'q' || key == 'Q' || key == KEY_F(10)) {
			a->help = false;
			app_event(a, WZE_QUIT, 0);
			return;
		}
		screen_help_key(a, key);
		return;
	}
	if (key == KEY_F(1) || (!typing && key == '?')) {
		a->help = true;
		a->help_top = 0;
		return;
	}
	if (key == KEY_F(10) || (!typing && (key == 'q' || key == 'Q'))) {
		app_event(a, WZE_QUIT, 0);
		return;
	}
	if (a->pasting && screen_is_enter(key) &&
	    a->wz.state != WZ_DOMAINS)
		key = ' ';              /* one-line fields: a new line is a space */
	if (sc->key(a, key))
		return;
	if (key == CRT_KEY_ESC || (!typing && wizard_is_back(key))) {
		act = app_event(a, WZE_BACK, 0);
		if (act == WZA_REJECTED)
			app_msg(a, "This is the first step; q quits.");
		return;
	}
	if (screen_is_enter(key))
		app_event(a, WZE_NEXT, 0);
}

/* A paste the terminal did not bracket: in the list of domains, keys
 * that were waiting together, text and new lines. Typing is never that
 * fast; taken as typed, a new line would start the tests. */
static bool
wizard_unbracketed_paste(const app *a, const int *keys, size_t n)
{
	bool text = false, enter = false;
	size_t i;

	if (a->pasting || a->help || a->wz.state != WZ_DOMAINS ||
	    a->focus != 0 || !draw_fits() || n < 2)
		return false;
	for (i = 0; i < n; i++) {
		if (screen_is_enter(keys[i]))
			enter = true;
		else if ((keys[i] >= 0x20 && keys[i] < 0x7f) ||
		    CRT_KEY_IS_CHAR(keys[i]))
			text = true;
		else if (i == 0)
			return false;        /* a key of its own first */
	}
	return text && enter;
}

static int
wizard_loop(app *a)
{
	static int keys[4096];
	int key, sig;
	size_t n, i;
	bool synth;
	char err[600];

	for (;;) {
		if ((sig = crt_take_signal()) != 0) {
			int rc = wizard_session_save(a, err, sizeof err);
			crt_done();
			if (sig != SIGHUP) {
				if (rc == 0)
					fprintf(stderr, "exdns: stopped by %s; the session "
					    "is saved in %s: 'exdns --resume' continues it.\n",
					    sig == SIGINT ? "Ctrl-C" : "SIGTERM",
					    a->session_dir);
				else
					fprintf(stderr, "exdns: stopped; the session could "
					    "not be saved: %s\n", err);
			}
			return 128 + sig;
		}
		if (a->run != NULL)
			app_run_step(a, a->build != NULL ? 20 : 50);
		if (a->wz.state == WZ_QUIT)
			break;
		wizard_draw(a);
		/* Take every key already typed before drawing again (a paste
		 * arrives as many), a bounded number so probes go on. */
		key = crt_getkey(a->run != NULL ? 0 : 200);
		for (n = 0; key != ERR && n < sizeof keys / sizeof keys[0]; ) {
			keys[n++] = key;
			if (n < sizeof keys / sizeof keys[0])
				key = crt_getkey(0);
		}
		synth = false;
		for (i = 0; i < n && a->wz.state != WZ_QUIT; i++) {
			if (!synth && wizard_unbracketed_paste(a, keys + i, n - i)) {
				wizard_key(a, CRT_KEY_PASTE_BEGIN);
				synth = true;
			}
			wizard_key(a, keys[i]);
		}
		if (synth && a->pasting)
			wizard_key(a, CRT_KEY_PASTE_END);
		if (a->wz.state == WZ_QUIT)
			break;
		/* What the keys changed is shown before the probes go on: one
		 * probe step can take tens of ms when thousands of queries are
		 * in flight. */
		if (n > 0 && a->run != NULL)
			wizard_draw(a);
	}
	return 0;
}

static void
wizard_free_app(app *a)
{
	if (a->run != NULL) {
		probe_cancel(a->run);
		probe_free(a->run);
	}
	wizard_free(&a->wz);
	tree_free(a->tree);
	opts_probe_free(&a->opts);
	field_free(&a->f_resolver);
	field_free(&a->f_domains);
	field_free(&a->f_file);
	queue_free(a->queue);
	field_free(&a->f_path);
	field_free(&a->f_servers);
	field_free(&a->f_connector);
	field_free(&a->f_search);
	field_free(&a->f_msgpath);
	strv_free(a->domains, a->ndomains);
	results_free(a->check);
	results_free(a->res);
	results_free(a->ext);
	free(a->preview);
	if (a->log != NULL)
		fclose(a->log);
}

/* The default resolver: resolv.conf, or a note saying why not (the
 * wizard still starts; e changes it). */
static void
wizard_default_resolver(app *a)
{
	const char *path = a->opts.resolv_conf != NULL ? a->opts.resolv_conf :
	    resolvconf_path();
	char err[600], *safe;

	if (a->opts.resolver_set) {
		snprintf(a->resolver_source, sizeof a->resolver_source,
		    "from --resolver");
		return;
	}
	if (resolvconf_first(path, &a->opts.probe.resolver, err,
	    sizeof err) == 0) {
		safe = esc_dup(ESC_TERMINAL, path, 100);
		snprintf(a->resolver_source, sizeof a->resolver_source,
		    "the first nameserver of %s", safe);
		free(safe);
	} else {
		safe = esc_dup(ESC_TERMINAL, err, 120);
		snprintf(a->resolver_source, sizeof a->resolver_source,
		    "%s: change it", safe);
		free(safe);
	}
	a->opts.resolver_set = true;
}

int
cmd_wizard(int argc, char **argv)
{
	static const struct option longopts[] = {
		OPTS_PROBE_LONGOPTS,
		{"ascii", no_argument, NULL, OPT_ASCII},
		{"resume", no_argument, NULL, OPT_RESUME},
		{"check-data", no_argument, NULL, OPT_CHECK_DATA},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	app a;
	bool ascii = false, resume = false, probe_opts_given = false;
	char err[1000], path[4096];
	const char *logp;
	session s;
	int c, rc = 0;
	wz_action act;
	size_t i;

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	memset(&a, 0, sizeof a);
	opts_probe_init(&a.opts);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_wizard_usage(stdout);
			opts_probe_free(&a.opts);
			return 0;
		case OPT_ASCII:
			ascii = true;
			continue;
		case OPT_RESUME:
			resume = true;
			continue;
		case OPT_CHECK_DATA:
			opts_probe_free(&a.opts);
			return wizard_check_data();
		default:
			break;
		}
		rc = opts_probe_handle(&a.opts, c, optarg);
		if (rc == 1) {
			probe_opts_given = true;
			continue;
		}
		if (rc == 0)
			fprintf(stderr, "Try 'exdns help wizard' for more "
			    "information.\n");
		opts_probe_free(&a.opts);
		return EXIT_USAGE;
	}
	a.canary_given = a.opts.ncanaries > 0;
	if (resume && (probe_opts_given || optind < argc)) {
		fprintf(stderr, "exdns: --resume continues the saved session "
		    "with its own options; give no others\n");
		opts_probe_free(&a.opts);
		return EXIT_USAGE;
	}

	data_path(TREE_FILE, path, sizeof path);
	if ((a.tree = tree_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		opts_probe_free(&a.opts);
		return EXIT_USAGE;
	}
	act = wizard_init(&a.wz, a.tree);
	field_init(&a.f_resolver, ADDR_TEXT_MAX, false);
	field_init(&a.f_domains, 64 * 1024 * 1024, true);
	field_init(&a.f_file, 1024, false);
	field_init(&a.f_path, 1024, false);
	field_init(&a.f_servers, 600, false);
	field_init(&a.f_connector, 64, false);
	field_init(&a.f_search, 64, false);
	field_init(&a.f_msgpath, 1024, false);
	a.res_verdict = -1;
	a.have_session_dir = session_dir(a.session_dir, sizeof a.session_dir)
	    == 0;
	if ((logp = getenv(WIZARD_LOG_ENV)) != NULL && *logp != '\0')
		a.log = fopen(logp, "a");

	if (resume) {
		if (!a.have_session_dir) {
			fprintf(stderr, "exdns: no folder for sessions: set HOME or "
			    "XDG_STATE_HOME\n");
			wizard_free_app(&a);
			return EXIT_USAGE;
		}
		rc = session_load(a.session_dir, &s, err, sizeof err);
		if (rc == 1) {
			fprintf(stderr, "exdns: no saved session in %s: nothing to "
			    "resume (run 'exdns' to start)\n", a.session_dir);
			wizard_free_app(&a);
			return EXIT_USAGE;
		}
		if (rc != 0) {
			fprintf(stderr, "exdns: cannot resume: %s\n", err);
			wizard_free_app(&a);
			return EXIT_USAGE;
		}
		rc = wizard_session_apply(&a, &s, err, sizeof err);
		session_free(&s);
		if (rc < 0) {
			fprintf(stderr, "exdns: cannot resume: %s\n", err);
			wizard_free_app(&a);
			return EXIT_USAGE;
		}
		act = (wz_action)rc;
		a.resumed = true;
	} else {
		wizard_default_resolver(&a);
		if (opts_probe_finish(&a.opts, argc - optind, argv + optind, false,
		    true) != 0) {
			wizard_free_app(&a);
			return EXIT_USAGE;
		}
		addr_format(&a.opts.probe.resolver, a.resolver, sizeof a.resolver);
		if (a.opts.ndomains > 0) {
			size_t len = 1;
			char *text;
			for (i = 0; i < a.opts.ndomains; i++)
				len += strlen(a.opts.domains[i]) + 1;
			text = xmalloc(len);
			text[0] = '\0';
			for (i = 0; i < a.opts.ndomains; i++) {
				strcat(text, a.opts.domains[i]);
				strcat(text, "\n");
			}
			field_set(&a.f_domains, text);
			free(text);
		}
		if (a.have_session_dir) {
			char sp[PATH_MAX + 16];
			snprintf(sp, sizeof sp, "%s/%s", a.session_dir,
			    SESSION_FILE);
			a.old_session = access(sp, F_OK) == 0;
		}
	}
	/* opts_probe_finish wires the lists into the probe options; a resumed
	 * session filled them itself. */
	a.opts.probe.canaries = a.opts.canaries;
	a.opts.probe.ncanaries = a.opts.ncanaries;
	a.opts.probe.externals = a.opts.externals;
	a.opts.probe.nexternals = a.opts.nexternals;

	if (crt_init(ascii, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		wizard_free_app(&a);
		return EXIT_USAGE;
	}
	if (a.log != NULL)
		fprintf(a.log, "start: %s, state %s [%s], TERM=%s, %s, %s%s\n",
		    a.resumed ? "resumed" : "new", wz_state_to_string(a.wz.state),
		    wizard_step(&a.wz)->name, crt.term,
		    crt.color ? "colour" : "no colour",
		    crt.ascii ? "ascii" : "line drawing",
		    crt.utf8 ? ", UTF-8" : "");
	app_act(&a, act);
	rc = wizard_loop(&a);
	crt_done();
	if (rc == 0) {
		if (a.resumed && a.have_session_dir)
			session_remove(a.session_dir);
		if (a.wz.saved && a.saved_path[0] != '\0')
			printf("exdns: the plan is saved in %s\n", a.saved_path);
		rc = 0;
	}
	if (a.log != NULL)
		fprintf(a.log, "exit %d\n", rc);
	wizard_free_app(&a);
	return rc;
}
