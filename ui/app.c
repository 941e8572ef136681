/* app.c - what the wizard's actions do: start and cancel probe runs,
 * collect the domains, prepare and write the plan, fill in the tree's
 * placeholders; and messages for the line above the keys. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "defaults.h"
#include "dname.h"
#include "domains.h"
#include "escape.h"
#include "plan.h"
#include "queue.h"
#include "util.h"

static void
app_vmsg(app *a, bool error, const char *fmt, va_list ap)
{
	char buf[sizeof a->msg];
	char *safe;

	vsnprintf(buf, sizeof buf, fmt, ap);
	safe = esc_dup(ESC_TERMINAL, buf, sizeof buf - 1);
	snprintf(a->msg, sizeof a->msg, "%s", safe);
	free(safe);
	a->msg_error = error;
}

void
app_msg(app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_vmsg(a, false, fmt, ap);
	va_end(ap);
}

void
app_error(app *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_vmsg(a, true, fmt, ap);
	va_end(ap);
}

/* ---- placeholders ------------------------------------------------------- */

typedef struct expand_ctx {
	app *a;
	size_t domain;
	char buf[4096];
} expand_ctx;

static const results *
app_current_results(const app *a)
{
	const tree_step *s = wizard_step(&a->wz);

	switch (s->kind) {
	case TREE_CHECK: return a->check;
	case TREE_EXTERNAL: return a->ext;
	case TREE_RESULTS: case TREE_PROBE: return a->res;
	default: return app_save_source(a);
	}
}

/* A path as a shell command line needs it. Returns -1 (out "") when it
 * does not fit whole in len bytes, or holds a byte that is not printable
 * ASCII (raw, it would reach the terminal; escaped, it would name another
 * file): a command is shown whole or not at all. */
static int
shell_quote(const char *s, char *out, size_t len)
{
	/* whole or nothing: a cut path would name another file */
	return esc_buf(ESC_SHELL, s, strlen(s), out, len)[0] != '\0' ? 0 : -1;
}

static void
join(char *out, size_t len, char *const *v, size_t n, const char *sep)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    i ? sep : "", v[i]);
}

/* The options of this run that replay needs to ask the same servers
 * the same way (the plan keeps the resolver and external servers):
 * " --auth-port N --canary A,B", or "". */
static void
app_replay_options(const app *a, char *out, size_t len)
{
	size_t used = 0, i;

	out[0] = '\0';
	if (a->opts.probe.auth_port != DEFAULT_DNS_PORT)
		used += (size_t)snprintf(out, len, " --auth-port %u",
		    (unsigned)a->opts.probe.auth_port);
	for (i = 0; a->canary_given && i < a->opts.ncanaries && used < len;
	    i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    i ? "," : " --canary ", a->opts.canaries[i]);
	if (used >= len)
		out[0] = '\0';          /* too long to show whole: none */
}

static const char *
app_lookup(const char *name, void *arg)
{
	expand_ctx *c = arg;
	app *a = c->a;
	const results *r = app_current_results(a);
	const results_domain *d = NULL;

	if (a->res != NULL && c->domain < a->res->ndomains)
		d = &a->res->domains[c->domain];
	c->buf[0] = '\0';
	if (strcmp(name, "resolver") == 0)
		return a->resolver;
	if (strcmp(name, "resolver_status") == 0)
		return r != NULL ? rstatus_to_string(r->resolver.status) :
		    "not tested";
	if (strcmp(name, "domain") == 0)
		return d != NULL ? d->name : "<domain>";
	if (strcmp(name, "verdict") == 0)
		return d != NULL ? verdict_to_string(d->verdict) : "";
	if (strcmp(name, "smart_hosts") == 0) {
		if (d == NULL || d->nsmart == 0)
			return "<IPv4 addresses>";
		join(c->buf, sizeof c->buf, d->smart, d->nsmart, ",");
		return c->buf;
	}
	if (strcmp(name, "mx") == 0) {
		if (d == NULL)
			return "";
		join(c->buf, sizeof c->buf, d->mx, d->nmx, ", ");
		return c->buf;
	}
	if (strcmp(name, "ndomains") == 0) {
		snprintf(c->buf, sizeof c->buf, "%zu",
		    a->res != NULL ? a->res->ndomains : a->ndomains);
		return c->buf;
	}
	if (strcmp(name, "external_servers") == 0) {
		char *t;
		if (a->ext == NULL || results_nselected(a->ext) == 0)
			return "<DNS servers>";
		t = results_selected_text(a->ext, ",");
		snprintf(c->buf, sizeof c->buf, "%s", t);
		free(t);
		return c->buf;
	}
	if (strcmp(name, "transport_server") == 0) {
		char **v = NULL;
		size_t n = 0;
		list_split(field_text(&a->f_servers), &v, &n);
		if (n == 0)
			snprintf(c->buf, sizeof c->buf, "<transport server>");
		else
			join(c->buf, sizeof c->buf, v, n, ",");
		strv_free(v, n);
		return c->buf;
	}
	if (strcmp(name, "internet_connector") == 0) {
		char *t = esc_dup(ESC_TERMINAL, field_text(&a->f_connector), 200);
		snprintf(c->buf, sizeof c->buf, "%s", field_empty(&a->f_connector) ?
		    "<Internet send connector>" : t);
		free(t);
		return c->buf;
	}
	if (strcmp(name, "replay_options") == 0) {
		app_replay_options(a, c->buf, sizeof c->buf);
		return c->buf;
	}
	if (strcmp(name, "plan_path") == 0) {
		if (shell_quote(a->saved_path[0] ? a->saved_path :
		    field_text(&a->f_path), c->buf, sizeof c->buf) != 0)
			return "<the plan (its path is too long or unusual to "
			    "show as a command)>";
		return c->buf;
	}
	return NULL;
}

char *
app_expand(app *a, const char *text, size_t domain)
{
	expand_ctx *c = xmalloc(sizeof *c);
	char *out;

	c->a = a;
	c->domain = domain;
	out = tree_expand(text, app_lookup, c);
	free(c);
	return out;
}

const results *
app_save_source(const app *a)
{
	size_t i;

	for (i = a->wz.nhistory; i > 0; i--) {
		tree_kind k = a->wz.tree->steps[a->wz.history[i - 1]].kind;
		if (k == TREE_RESULTS)
			return a->res;
		if (k == TREE_EXTERNAL)
			return a->ext;
	}
	return NULL;
}

/* ---- runs --------------------------------------------------------------- */

static void
app_log(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
app_log(app *a, const char *fmt, ...)
{
	va_list ap;

	if (a->log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(a->log, fmt, ap);
	va_end(ap);
	fputc('\n', a->log);
	fflush(a->log);
}

static void
app_cancel_run(app *a)
{
	if (a->run == NULL)
		return;
	results_build_free(a->build);
	a->build = NULL;
	probe_cancel(a->run);
	probe_free(a->run);
	a->run = NULL;
	app_log(a, "run %s cancelled", results_kind_to_string(a->run_kind));
}

static void
app_start_run(app *a, results_kind kind)
{
	probe_opts o = a->opts.probe;
	size_t i;

	app_cancel_run(a);
	if (kind != RESULTS_EXTERNAL) {
		o.externals = NULL;
		o.nexternals = 0;
	}
	a->run = probe_new(&o);
	a->run_kind = kind;
	if (kind == RESULTS_DOMAINS)
		for (i = 0; i < a->ndomains; i++)
			probe_add_domain(a->run, a->domains[i]);
	a->run_start = now_ms();
	probe_start(a->run);
	app_log(a, "run %s started: resolver %s, %zu domains",
	    results_kind_to_string(kind), a->resolver,
	    kind == RESULTS_DOMAINS ? a->ndomains : (size_t)0);
}

static void app_run_finished(app *a);

/* The probes are over: copy the results a slice at a time from the loop
 * (app_run_step), so keys stay answered meanwhile. */
static void
app_run_ended(app *a)
{
	a->run_ms = (unsigned)(now_ms() - a->run_start);
	a->build = results_build_new(a->run, a->run_kind, a->run_ms);
	app_log(a, "run %s finished in %u ms: resolver %s",
	    results_kind_to_string(a->run_kind), a->run_ms,
	    rstatus_to_string(probe_resolver(a->run)->status));
}

/* One slice of work: a probe step, or a slice of the copy of the
 * results. At most about budget_ms. */
void
app_run_step(app *a, int budget_ms)
{
	if (a->run == NULL)
		return;
	if (a->build == NULL) {
		if (!probe_step(a->run, budget_ms))
			app_run_ended(a);
		return;
	}
	if (results_build_step(a->build, (unsigned)budget_ms))
		app_run_finished(a);
}

/* The copy is complete: keep the results, free the run, tell the
 * wizard. */
static void
app_run_finished(app *a)
{
	uint64_t t0 = now_ms(), t1;
	results *res = results_build_finish(a->build);
	int arg = 0;

	a->build = NULL;
	probe_free(a->run);
	a->run = NULL;
	t1 = now_ms();
	/* The screen stands still meanwhile (tests/bench/run reads this):
	 * the plan is made here, the rest was copied in slices. */
	app_log(a, "results of %zu domains copied in %u ms, in slices; "
	    "the last slice, the plan and freeing the run took %u ms",
	    res->ndomains, (unsigned)(t0 - a->run_start) - a->run_ms,
	    (unsigned)(t1 - t0));
	switch (res->kind) {
	case RESULTS_CHECK:
		results_free(a->check);
		a->check = res;
		arg = res->resolver.status == RSTATUS_OK;
		break;
	case RESULTS_DOMAINS:
		results_free(a->res);
		a->res = res;
		a->row = a->top = 0;
		a->res_verdict = -1;
		a->searching = false;
		field_set(&a->f_search, "");
		arg = res->plan != NULL && res->plan->nconnectors > 0;
		break;
	case RESULTS_EXTERNAL:
	default:
		results_free(a->ext);
		a->ext = res;
		a->ext_row = 0;
		arg = 1;
		break;
	}
	app_event(a, WZE_RUN_DONE, arg);
}

/* ---- save --------------------------------------------------------------- */

static char *
trim_copy(const char *s)
{
	const char *e;
	char *out;

	while (*s == ' ' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
		e--;
	out = xmalloc((size_t)(e - s) + 1);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return out;
}

app_path_kind
app_path_check(const char *path, char *folder, size_t len)
{
	char *p = trim_copy(path), *slash;
	app_path_kind k;
	struct stat st;

	snprintf(folder, len, ".");
	if (*p == '\0')
		k = APP_PATH_EMPTY;
	else if (stat(p, &st) == 0)
		k = S_ISDIR(st.st_mode) ? APP_PATH_IS_FOLDER : APP_PATH_EXISTS;
	else {
		if ((slash = strrchr(p, '/')) != NULL) {
			if (slash == p)
				slash++;         /* "/plan.ini": the root */
			*slash = '\0';
			snprintf(folder, len, "%s", p);
		}
		k = stat(folder, &st) == 0 && S_ISDIR(st.st_mode) ? APP_PATH_NEW :
		    APP_PATH_NO_FOLDER;
	}
	free(p);
	return k;
}

/* A name no file has yet: the time to the second, then -2, -3, ... */
static void
app_default_path(app *a)
{
	char stamp[32], buf[80];
	time_t t = time(NULL);
	struct tm tm;
	unsigned i;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, sizeof buf, "./exdns-plan-%s.ini", stamp);
	for (i = 2; access(buf, F_OK) == 0 && i < 1000; i++)
		snprintf(buf, sizeof buf, "./exdns-plan-%s-%u.ini", stamp, i);
	field_set(&a->f_path, buf);
}

/* The plan the form describes; NULL with the message shown. */
static plan *
app_form_plan(app *a, char **path_out)
{
	char *path = trim_copy(field_text(&a->f_path));
	char *conn = trim_copy(field_text(&a->f_connector));
	char **servers = NULL, err[700], folder[PATH_MAX];
	size_t n = 0, i;
	plan *p = NULL;

	*path_out = NULL;
	list_split(field_text(&a->f_servers), &servers, &n);
	if (*path == '\0') {
		app_error(a, "type the file to save the plan in");
		a->save_focus = 0;
		goto out;
	}
	switch (app_path_check(path, folder, sizeof folder)) {
	case APP_PATH_IS_FOLDER:
		app_error(a, "%s is a folder; add a file name", path);
		a->save_focus = 0;
		goto out;
	case APP_PATH_NO_FOLDER:
		app_error(a, "the folder %s does not exist; create it first, or "
		    "choose another", folder);
		a->save_focus = 0;
		goto out;
	default:
		break;
	}
	for (i = 0; i < n; i++)
		if (!plan_valid_server_name(servers[i])) {
			app_error(a, "'%s' is not a server name (letters, digits, "
			    "'-', '.', '_')", servers[i]);
			a->save_focus = 1;
			goto out;
		}
	if (*conn != '\0' && !plan_valid_connector_name(conn)) {
		app_error(a, "'%s' is not a connector name (letters, digits, "
		    "space, '-', '.', '_', '(', ')'; at most 64)", conn);
		a->save_focus = 2;
		goto out;
	}
	p = results_plan(app_save_source(a), servers, n, conn, plan_now(), err,
	    sizeof err);
	if (p == NULL) {
		app_error(a, "%s", err);
		goto out;
	}
	*path_out = path;
	path = NULL;
out:
	free(path);
	free(conn);
	strv_free(servers, n);
	return p;
}

int
app_prepare_save(app *a)
{
	char *path = NULL, err[700];
	plan *p = app_form_plan(a, &path);

	if (p == NULL)
		return -1;
	free(a->preview);
	a->preview = plan_format(p, err, sizeof err);
	plan_free(p);
	if (a->preview == NULL) {
		app_error(a, "%s", err);
		free(path);
		return -1;
	}
	a->exists = access(path, F_OK) == 0;
	a->preview_top = 0;
	free(path);
	return 0;
}

static void
app_write_plan(app *a)
{
	char *path = NULL, err[700], abs[PATH_MAX];
	plan *p = app_form_plan(a, &path);
	int rc;

	if (p == NULL) {
		app_event(a, WZE_SAVE_FAILED, 0);
		return;
	}
	rc = plan_save(path, p, a->exists ? PLAN_SAVE_OVERWRITE : 0, err,
	    sizeof err);
	plan_free(p);
	if (rc == PLAN_SAVE_EXISTS) {
		app_error(a, "%s exists now; press Enter to replace it (the old "
		    "one is kept as .bak), or change the name", path);
		free(path);
		app_event(a, WZE_SAVE_FAILED, 0);
		return;
	}
	if (rc != PLAN_SAVE_OK) {
		free(path);
		app_error(a, "%s", err);
		app_event(a, WZE_SAVE_FAILED, 0);
		return;
	}
	if (realpath(path, abs) != NULL)
		snprintf(a->saved_path, sizeof a->saved_path, "%s", abs);
	else
		snprintf(a->saved_path, sizeof a->saved_path, "%s", path);
	app_log(a, "plan saved: %s", a->saved_path);
	free(path);
	app_event(a, WZE_SAVED, 0);
}

/* ---- domains ------------------------------------------------------------ */

/* The file field: a queue as Exchange exports or copies it (Export-Csv,
 * Format-List, the console's table: the failing external queues' domains,
 * most messages first), else a list of domains. 0, or -1 with the error
 * shown. */
static int
app_import_queue(app *a, domains_list *dl, const char *file)
{
	char err[600];
	queue *q = queue_read(file, err, sizeof err);
	size_t i;

	queue_free(a->queue);
	a->queue = NULL;
	if (q == NULL || q->shape == QUEUE_SHAPE_PLAIN) {
		queue_free(q);
		if (domains_read_file(dl, file, err, sizeof err) != 0) {
			app_error(a, "%s", err);
			return -1;
		}
		return 0;
	}
	if (q->n == 0) {
		app_error(a, "%s: no external queue fails with a DNS error (%zu "
		    "internal queue%s skipped)", q->path, q->nskipped,
		    q->nskipped == 1 ? "" : "s");
		queue_free(q);
		return -1;
	}
	for (i = 0; i < q->n; i++)
		domains_add(dl, q->entries[i].domain, NULL);
	app_log(a, "queue imported: %s (%s): %zu domains, %zu internal "
	    "queues skipped", q->path, queue_shape_to_string(q->shape), q->n,
	    q->nskipped);
	a->queue = q;   /* its counts and errors go beside the verdicts */
	return 0;
}

int
app_collect_domains(app *a)
{
	char **list = NULL, **norm = NULL;
	size_t n = 0, nn = 0, i, j;
	char *file = trim_copy(field_text(&a->f_file));
	domains_list dl;
	int rc = -1;

	/* Typed or from a file: e-mail addresses, IDN, any encoding; every
	 * bad entry is found, the first shown. */
	memset(&dl, 0, sizeof dl);
	list_split(field_text(&a->f_domains), &list, &n);
	for (i = 0; i < n; i++)
		domains_add(&dl, list[i], NULL);
	if (*file == '\0') {
		queue_free(a->queue);
		a->queue = NULL;
	}
	if (*file != '\0' && app_import_queue(a, &dl, file) < 0) {
		a->focus = 1;
		goto out;
	}
	if (dl.nerrors > 0) {
		if (dl.nerrors == 1)
			app_error(a, "%s (like contoso.com)", dl.errors[0]);
		else
			app_error(a, "%s; and %zu more", dl.errors[0],
			    dl.nerrors - 1);
		goto out;
	}
	if (dl.n == 0) {
		app_error(a, "type at least one domain (like contoso.com), or the "
		    "name of a file");
		a->focus = 0;
		goto out;
	}
	if (dl.n > MAX_DOMAINS) {
		app_error(a, "too many domains (at most %d)", MAX_DOMAINS);
		goto out;
	}
	for (i = 0; i < dl.n; i++) {
		bool dup = false;
		/* Few domains are typed; a file of thousands is checked by
		 * probe_add_domain, which also drops duplicates. */
		if (nn < 1000)
			for (j = 0; j < nn && !dup; j++)
				dup = strcmp(norm[j], dl.names[i]) == 0;
		if (!dup)
			strv_push(&norm, &nn, dl.names[i]);
	}
	strv_free(a->domains, a->ndomains);
	a->domains = norm;
	a->ndomains = nn;
	norm = NULL;
	nn = 0;
	rc = 0;
out:
	domains_list_free(&dl);
	strv_free(list, n);
	strv_free(norm, nn);
	free(file);
	return rc;
}

/* ---- events ------------------------------------------------------------- */

wz_action
app_event(app *a, wz_event ev, int arg)
{
	wz_state before = a->wz.state;
	size_t step = a->wz.step;
	wz_action act = wizard_event(&a->wz, ev, arg);

	app_log(a, "event %s(%d) in %s [%s] -> %s [%s], action %s",
	    wz_event_to_string(ev), arg, wz_state_to_string(before),
	    a->tree->steps[step].name, wz_state_to_string(a->wz.state),
	    wizard_step(&a->wz)->name, wz_action_to_string(act));
	if (a->wz.state != before) {
		a->help = false;
		a->help_top = 0;
	}
	if (a->wz.state == WZ_EVIDENCE && before != WZ_EVIDENCE)
		a->ev_top = 0;
	if (a->wz.state == WZ_EXTERNAL && before != WZ_EXTERNAL &&
	    before != WZ_QUIT_ASK)
		a->ext_top = 0;
	if (a->wz.state == WZ_SAVE && before != WZ_CONFIRM &&
	    before != WZ_SAVE) {
		if (field_empty(&a->f_path))
			app_default_path(a);
		a->save_focus = 0;
	}
	app_act(a, act);
	return act;
}

void
app_act(app *a, wz_action act)
{
	switch (act) {
	case WZA_START_CHECK:
		app_start_run(a, RESULTS_CHECK);
		break;
	case WZA_START_PROBE:
		app_start_run(a, RESULTS_DOMAINS);
		break;
	case WZA_START_EXTERNAL:
		app_start_run(a, RESULTS_EXTERNAL);
		break;
	case WZA_CANCEL_RUN:
		app_cancel_run(a);
		app_msg(a, "Stopped. Nothing was changed anywhere.");
		break;
	case WZA_WRITE_PLAN:
		app_write_plan(a);
		break;
	case WZA_EXIT:
		app_cancel_run(a);
		break;
	default:
		break;
	}
}
