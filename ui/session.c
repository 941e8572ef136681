/* session.c - writes and reads the wizard's session: one line a value
 * ("key value", values escaped), plans in files of their own, written to a
 * temporary file and renamed so a crash leaves the old or the new one. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "escape.h"
#include "idn.h"
#include "ini.h"
#include "session.h"
#include "util.h"

#define SESSION_MAX_BYTES (64 * 1024 * 1024)
#define MAX_ROWS          100000000ul

int
session_dir(char *buf, size_t len)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/') {
		snprintf(buf, len, "%s/exdns", x);
		return 0;
	}
	if (home != NULL && home[0] == '/') {
		snprintf(buf, len, "%s/.local/state/exdns", home);
		return 0;
	}
	return -1;
}

/* mkdir -p, the last part 0700. */
static int
session_mkdirs(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof path, "%s", dir);
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Through the one atomic writer: the old file or the new one, whole; the
 * temporary file removed on a signal; closed even when fsync fails. */
static int
session_write_file(const char *path, const char *text, size_t len,
                   char *err, size_t errlen)
{
	return util_atomic_write(path, text, len, UTIL_AW_REPLACE, 0600, err,
	    errlen) == UTIL_AW_OK ? 0 : -1;
}

/* ---- escaping ----------------------------------------------------------- */

static void
put_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void
put_kv(FILE *f, const char *key, const char *value)
{
	if (value == NULL)
		return;
	fprintf(f, "%s ", key);
	put_escaped(f, value);
	fputc('\n', f);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* In place; -1 on a bad escape. NUL bytes are refused. */
static int
unescape(char *s)
{
	char *o = s;

	while (*s != '\0') {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		if (*s == '\\') { *o++ = '\\'; s++; }
		else if (*s == 'n') { *o++ = '\n'; s++; }
		else if (*s == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			int v = hexval(s[1]) * 16 + hexval(s[2]);
			if (v == 0)
				return -1;
			*o++ = (char)v;
			s += 3;
		} else
			return -1;
	}
	*o = '\0';
	return 0;
}

/* ---- writing ------------------------------------------------------------ */

static void
put_server(FILE *f, const char *key, const results_server *s)
{
	size_t i;

	if (s->addr == NULL)
		return;
	fprintf(f, "%s %s %s %d %d %u %u\n", key, s->addr,
	    rstatus_to_string(s->status), s->usable, s->selected, s->asked,
	    s->answered);
	if (s->why != RWHY_NONE)
		put_kv(f, "s.why", rwhy_to_string(s->why));
	for (i = 0; i < s->nevidence; i++)
		put_kv(f, "s.ev", s->evidence[i]);
}

static int
put_results(FILE *f, const char *dir, const results *res, char *err,
            size_t errlen)
{
	char path[PATH_MAX], name[64], perr[600];
	size_t i, j;

	if (res == NULL)
		return 0;
	fprintf(f, "results %s\n", results_kind_to_string(res->kind));
	fprintf(f, "r.branch %s\n", branch_to_string(res->branch));
	fprintf(f, "r.vantage %s\n", vantage_to_string(res->vantage));
	fprintf(f, "r.queries %llu\n", (unsigned long long)res->queries);
	fprintf(f, "r.ms %u\n", res->ms);
	put_kv(f, "r.plan_err", res->plan_err);
	for (i = 0; i < res->nnotes; i++)
		put_kv(f, "r.note", res->notes[i]);
	/* An external run's plan is made again from the results when they
	 * are read: it has no servers until they are ticked and saved. */
	if (res->plan != NULL && res->kind != RESULTS_EXTERNAL) {
		char *text = plan_format(res->plan, perr, sizeof perr);
		if (text == NULL) {
			/* perr says "plan: ..." already */
			snprintf(err, errlen, "%s", perr);
			return -1;
		}
		snprintf(name, sizeof name, "session-%s.ini",
		    results_kind_to_string(res->kind));
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (session_write_file(path, text, strlen(text), err, errlen) != 0) {
			free(text);
			return -1;
		}
		free(text);
		fprintf(f, "r.plan %s\n", name);
	}
	put_server(f, "resolver", &res->resolver);
	for (i = 0; i < res->nexternals; i++)
		put_server(f, "external", &res->externals[i]);
	for (i = 0; i < res->ndomains; i++) {
		const results_domain *d = &res->domains[i];
		fprintf(f, "domain %s %s\n", d->name, verdict_to_string(d->verdict));
		put_kv(f, "d.reason", d->reason);
		put_kv(f, "d.brief", d->brief);
		for (j = 0; j < d->nsmart; j++)
			put_kv(f, "d.smart", d->smart[j]);
		for (j = 0; j < d->nmx; j++)
			put_kv(f, "d.mx", d->mx[j]);
		for (j = 0; j < d->ndetail; j++)
			put_kv(f, "d.detail", d->detail[j]);
		for (j = 0; j < d->nevidence; j++)
			put_kv(f, "d.ev", d->evidence[j]);
	}
	fputs("end\n", f);
	return 0;
}

/* The queue: "queue SHAPE EXTERNAL FAILING SKIPPED STATUS_COLUMN
 * ERROR_COLUMN", then per domain "q.domain NAME MESSAGES" and its
 * q.status and q.last_error. */
static void
put_queue(FILE *f, const queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	fprintf(f, "queue %s %zu %zu %zu %d %d\n", queue_shape_to_string(q->shape),
	    q->nexternal, q->nfailing, q->nskipped, q->has_status,
	    q->has_last_error);
	put_kv(f, "q.path", q->path);
	for (i = 0; i < q->n; i++) {
		const queue_entry *e = &q->entries[i];
		fprintf(f, "q.domain %s %llu\n", e->domain, e->messages);
		put_kv(f, "q.status", e->status);
		put_kv(f, "q.last_error", e->last_error);
	}
}

int
session_save(const char *dir, const session *s, char *err, size_t errlen)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int rc = -1;

	if (session_mkdirs(dir, err, errlen) != 0)
		return -1;
	if ((f = open_memstream(&buf, &len)) == NULL) {
		snprintf(err, errlen, "session: %s", strerror(errno));
		return -1;
	}
	fprintf(f, "# exdns wizard session: `exdns --resume` continues it\n");
	fprintf(f, "exdns-session %d\n", SESSION_FORMAT);
	put_kv(f, "step", s->step);
	fprintf(f, "state %s\n", wz_state_to_string(s->state));
	for (i = 0; i < s->nhistory; i++)
		put_kv(f, "history", s->history[i]);
	for (i = 0; i < s->nanswers; i++)
		fprintf(f, "answer %s %d\n", s->answer_step[i], s->answer[i]);
	fprintf(f, "healthy %d\nunsaved %d\nsaved %d\nrow %lu\n", s->healthy,
	    s->unsaved, s->saved, s->row);
	put_kv(f, "resolver", s->resolver);
	put_kv(f, "domains", s->domains);
	put_kv(f, "file", s->file);
	put_kv(f, "plan_path", s->plan_path);
	put_kv(f, "servers", s->servers);
	put_kv(f, "connector", s->connector);
	fprintf(f, "timeout %u\ntries %u\nmax_inflight %u\nauth_port %u\n",
	    s->timeout_ms, s->tries, s->max_inflight, s->auth_port);
	fprintf(f, "resolver_inflight %u\nauth_inflight %u\nrate %u\n",
	    s->resolver_inflight, s->auth_inflight, s->rate);
	for (i = 0; i < s->ncanaries; i++)
		put_kv(f, "canary", s->canaries[i]);
	for (i = 0; i < s->nexternals; i++)
		put_kv(f, "candidate", s->externals[i]);
	put_queue(f, s->queue);
	if (put_results(f, dir, s->check, err, errlen) != 0 ||
	    put_results(f, dir, s->domains_res, err, errlen) != 0 ||
	    put_results(f, dir, s->external, err, errlen) != 0) {
		fclose(f);
		free(buf);
		return -1;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "session: %s", strerror(errno));
		free(buf);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", dir, SESSION_FILE);
	rc = session_write_file(path, buf, len, err, errlen);
	free(buf);
	return rc;
}

void
session_remove(const char *dir)
{
	char path[PATH_MAX];
	size_t i;
	static const char *const files[] = {
		SESSION_FILE, "session-check.ini", "session-domains.ini",
		"session-external.ini"
	};

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
}

/* ---- reading ------------------------------------------------------------ */

void
session_free(session *s)
{
	free(s->step);
	strv_free(s->history, s->nhistory);
	strv_free(s->answer_step, s->nanswers);
	free(s->answer);
	free(s->resolver);
	free(s->domains);
	free(s->file);
	free(s->plan_path);
	free(s->servers);
	free(s->connector);
	strv_free(s->canaries, s->ncanaries);
	strv_free(s->externals, s->nexternals);
	results_free(s->check);
	results_free(s->domains_res);
	results_free(s->external);
	queue_free(s->queue);
	memset(s, 0, sizeof *s);
}

typedef struct sload {
	const char *path;
	unsigned line;
	char *err; size_t errlen;
} sload;

static int
serr(sload *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(l->err, l->errlen, l->path, l->line, fmt, ap);
	va_end(ap);
	return -1;
}

static int
get_uint(sload *l, const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *out > max)
		return serr(l, "'%.20s' is not a number up to %lu", s, max);
	return 0;
}

static char *
safe_dup(const char *s)
{
	return esc_dup(ESC_TERMINAL, s, 4000);
}

static int
load_server(sload *l, char *rest, results_server *s)
{
	char *f[6], *save = NULL;
	unsigned long v[4];
	int i;

	for (i = 0; i < 6; i++)
		if ((f[i] = strtok_r(i == 0 ? rest : NULL, " ", &save)) == NULL)
			return serr(l, "expected ADDR STATUS USABLE SELECTED ASKED "
			    "ANSWERED");
	if (rstatus_from_string(f[1], &s->status) != 0)
		return serr(l, "'%.20s' is not a resolver status", f[1]);
	for (i = 0; i < 4; i++)
		if (get_uint(l, f[2 + i], i < 2 ? 1 : 100000, &v[i]) != 0)
			return -1;
	s->addr = safe_dup(f[0]);
	s->usable = v[0] != 0;
	s->selected = v[1] != 0;
	s->asked = (unsigned)v[2];
	s->answered = (unsigned)v[3];
	return 0;
}

#define QUEUE_MAX_TEXT 2000     /* a status or LastError kept */

/* A line of the queue; every value checked, text escaped as it comes in
 * (what the terminal shows of it is numbers and exdns's own words). */
static int
load_queue(sload *l, session *s, const char *key, char *rest)
{
	queue *q = s->queue;
	queue_entry *e;
	char *f[6], *save = NULL, why[200], norm[DNAME_MAX];
	unsigned long v[5], msgs;
	queue_shape shape;
	int i;

	if (strcmp(key, "queue") == 0) {
		if (q != NULL)
			return serr(l, "the queue given twice");
		for (i = 0; i < 6; i++)
			if ((f[i] = strtok_r(i == 0 ? rest : NULL, " ", &save))
			    == NULL)
				return serr(l, "expected 'queue SHAPE EXTERNAL "
				    "FAILING SKIPPED STATUS_COLUMN ERROR_COLUMN'");
		for (shape = 0; shape < QUEUE_SHAPE_COUNT; shape++)
			if (strcmp(f[0], queue_shape_to_string(shape)) == 0)
				break;
		if (shape == QUEUE_SHAPE_COUNT)
			return serr(l, "unknown queue shape '%.20s'", f[0]);
		for (i = 0; i < 5; i++)
			if (get_uint(l, f[1 + i], i < 3 ? MAX_ROWS : 1, &v[i]) != 0)
				return -1;
		if (v[1] > v[0])
			return serr(l, "more failing queues than external ones");
		s->queue = q = xcalloc(1, sizeof *q);
		q->shape = shape;
		q->nexternal = v[0];
		q->nfailing = v[1];
		q->nskipped = v[2];
		q->has_status = v[3] != 0;
		q->has_last_error = v[4] != 0;
		q->path = xstrdup("");
		return 0;
	}
	if (q == NULL)
		return serr(l, "%s before 'queue'", key);
	if (strcmp(key, "q.path") == 0) {
		free(q->path);
		q->path = safe_dup(rest);
		return 0;
	}
	if (strcmp(key, "q.domain") == 0) {
		char *sp = strchr(rest, ' ');
		if (sp == NULL || get_uint(l, sp + 1, ULONG_MAX, &msgs) != 0)
			return serr(l, "expected 'q.domain NAME MESSAGES'");
		*sp = '\0';
		if (idn_to_ascii(rest, norm, why, sizeof why) != 0 ||
		    strcmp(norm, rest) != 0)
			return serr(l, "'%.80s' is not a domain name as exdns "
			    "writes it", rest);
		if (q->n >= MAX_ROWS)
			return serr(l, "too many queue domains");
		q->entries = xrealloc(q->entries, (q->n + 1) * sizeof *q->entries);
		e = &q->entries[q->n++];
		memset(e, 0, sizeof *e);
		strcpy(e->domain, norm);
		e->messages = msgs;
		e->status = xstrdup("");
		e->last_error = xstrdup("");
		e->line = (unsigned)q->n;
		e->nqueues = 1;
		return 0;
	}
	if (q->n == 0)
		return serr(l, "%s outside a queue domain", key);
	e = &q->entries[q->n - 1];
	if (strcmp(key, "q.status") == 0) {
		free(e->status);
		e->status = esc_dup(ESC_TERMINAL, rest, QUEUE_MAX_TEXT);
		return 0;
	}
	if (strcmp(key, "q.last_error") == 0) {
		free(e->last_error);
		e->last_error = esc_dup(ESC_TERMINAL, rest, QUEUE_MAX_TEXT);
		e->error = queue_error_classify(e->last_error);
		return 0;
	}
	return serr(l, "unknown key '%.20s'", key);
}

static int
load_line(sload *l, const char *dir, session *s, char *key, char *rest,
          results **cur, results_server **srv, results_domain **dom)
{
	unsigned long v;
	char **slot = NULL;

	if (strcmp(key, "results") == 0) {
		results_kind k;
		results **where;
		if (*cur != NULL)
			return serr(l, "'results' inside results (missing 'end')");
		if (results_kind_from_string(rest, &k) != 0)
			return serr(l, "unknown results kind '%.20s'", rest);
		where = k == RESULTS_CHECK ? &s->check : k == RESULTS_DOMAINS ?
		    &s->domains_res : &s->external;
		if (*where != NULL)
			return serr(l, "%s results given twice", rest);
		*where = *cur = results_new(k);
		*srv = NULL;
		*dom = NULL;
		return 0;
	}
	if (*cur != NULL) {
		results *r = *cur;
		if (strcmp(key, "end") == 0) {
			if (r->kind == RESULTS_EXTERNAL && r->plan == NULL &&
			    r->resolver.addr != NULL)
				r->plan = results_external_plan(r);
			*cur = NULL;
			return 0;
		}
		if (strcmp(key, "r.branch") == 0)
			return branch_from_string(rest, &r->branch) == 0 ? 0 :
			    serr(l, "unknown branch '%.20s'", rest);
		if (strcmp(key, "r.vantage") == 0)
			return vantage_from_string(rest, &r->vantage) == 0 ? 0 :
			    serr(l, "unknown vantage '%.20s'", rest);
		if (strcmp(key, "r.queries") == 0) {
			if (get_uint(l, rest, ULONG_MAX, &v) != 0)
				return -1;
			r->queries = v;
			return 0;
		}
		if (strcmp(key, "r.ms") == 0) {
			if (get_uint(l, rest, UINT_MAX, &v) != 0)
				return -1;
			r->ms = (unsigned)v;
			return 0;
		}
		if (strcmp(key, "r.plan_err") == 0) {
			free(r->plan_err);
			r->plan_err = safe_dup(rest);
			return 0;
		}
		if (strcmp(key, "r.note") == 0) {
			strv_push(&r->notes, &r->nnotes, rest);
			free(r->notes[r->nnotes - 1]);
			r->notes[r->nnotes - 1] = safe_dup(rest);
			return 0;
		}
		if (strcmp(key, "r.plan") == 0) {
			char path[PATH_MAX], perr[600];
			if (strcmp(rest, "session-domains.ini") != 0 &&
			    strcmp(rest, "session-external.ini") != 0)
				return serr(l, "'%.40s' is not a session plan file", rest);
			snprintf(path, sizeof path, "%s/%s", dir, rest);
			plan_free(r->plan);
			if ((r->plan = plan_load(path, perr, sizeof perr)) == NULL)
				return serr(l, "%s", perr);
			return 0;
		}
		if (strcmp(key, "resolver") == 0) {
			*srv = &r->resolver;
			*dom = NULL;
			free(r->resolver.addr);
			r->resolver.addr = NULL;
			return load_server(l, rest, &r->resolver);
		}
		if (strcmp(key, "external") == 0) {
			r->externals = xrealloc(r->externals,
			    (r->nexternals + 1) * sizeof *r->externals);
			*srv = &r->externals[r->nexternals++];
			memset(*srv, 0, sizeof **srv);
			*dom = NULL;
			return load_server(l, rest, *srv);
		}
		if (strcmp(key, "s.why") == 0) {
			if (*srv == NULL)
				return serr(l, "s.why outside a server");
			if (rwhy_from_string(rest, &(*srv)->why) != 0)
				return serr(l, "'%.40s' is not a reason a resolver "
				    "fails", rest);
			return 0;
		}
		if (strcmp(key, "s.ev") == 0) {
			if (*srv == NULL)
				return serr(l, "s.ev outside a server");
			strv_push(&(*srv)->evidence, &(*srv)->nevidence, "");
			free((*srv)->evidence[(*srv)->nevidence - 1]);
			(*srv)->evidence[(*srv)->nevidence - 1] = safe_dup(rest);
			return 0;
		}
		if (strcmp(key, "domain") == 0) {
			char *sp = strchr(rest, ' ');
			results_domain *d;
			verdict vd;
			if (sp == NULL || verdict_from_string(sp + 1, &vd) != 0)
				return serr(l, "expected 'domain NAME VERDICT'");
			*sp = '\0';
			r->domains = xrealloc(r->domains,
			    (r->ndomains + 1) * sizeof *r->domains);
			d = *dom = &r->domains[r->ndomains++];
			memset(d, 0, sizeof *d);
			d->name = safe_dup(rest);
			d->verdict = vd;
			d->reason = xstrdup("");
			d->brief = xstrdup("");
			*srv = NULL;
			return 0;
		}
		if (strncmp(key, "d.", 2) == 0) {
			results_domain *d = *dom;
			char ***list = NULL;
			size_t *n = NULL;
			if (d == NULL)
				return serr(l, "%s outside a domain", key);
			if (strcmp(key, "d.reason") == 0) {
				free(d->reason);
				d->reason = safe_dup(rest);
				return 0;
			}
			if (strcmp(key, "d.brief") == 0) {
				free(d->brief);
				d->brief = safe_dup(rest);
				return 0;
			}
			if (strcmp(key, "d.smart") == 0) { list = &d->smart; n = &d->nsmart; }
			else if (strcmp(key, "d.mx") == 0) { list = &d->mx; n = &d->nmx; }
			else if (strcmp(key, "d.detail") == 0) { list = &d->detail; n = &d->ndetail; }
			else if (strcmp(key, "d.ev") == 0) { list = &d->evidence; n = &d->nevidence; }
			else
				return serr(l, "unknown key '%.20s'", key);
			strv_push(list, n, "");
			free((*list)[*n - 1]);
			(*list)[*n - 1] = safe_dup(rest);
			return 0;
		}
		return serr(l, "unknown key '%.20s' in results", key);
	}

	if (strcmp(key, "queue") == 0 || strncmp(key, "q.", 2) == 0)
		return load_queue(l, s, key, rest);
	if (strcmp(key, "step") == 0) slot = &s->step;
	else if (strcmp(key, "resolver") == 0) slot = &s->resolver;
	else if (strcmp(key, "domains") == 0) slot = &s->domains;
	else if (strcmp(key, "file") == 0) slot = &s->file;
	else if (strcmp(key, "plan_path") == 0) slot = &s->plan_path;
	else if (strcmp(key, "servers") == 0) slot = &s->servers;
	else if (strcmp(key, "connector") == 0) slot = &s->connector;
	if (slot != NULL) {
		free(*slot);
		*slot = xstrdup(rest);
		return 0;
	}
	if (strcmp(key, "state") == 0)
		return wz_state_from_string(rest, &s->state) == 0 ? 0 :
		    serr(l, "unknown state '%.20s'", rest);
	if (strcmp(key, "history") == 0) {
		strv_push(&s->history, &s->nhistory, rest);
		return 0;
	}
	if (strcmp(key, "canary") == 0) {
		strv_push(&s->canaries, &s->ncanaries, rest);
		return 0;
	}
	if (strcmp(key, "candidate") == 0) {
		strv_push(&s->externals, &s->nexternals, rest);
		return 0;
	}
	if (strcmp(key, "answer") == 0) {
		char *sp = strchr(rest, ' ');
		if (sp == NULL || get_uint(l, sp + 1, 8, &v) != 0)
			return serr(l, "expected 'answer STEP N'");
		*sp = '\0';
		strv_push(&s->answer_step, &s->nanswers, rest);
		s->answer = xrealloc(s->answer, s->nanswers * sizeof *s->answer);
		s->answer[s->nanswers - 1] = (int)v;
		return 0;
	}
	if (strcmp(key, "healthy") == 0 || strcmp(key, "unsaved") == 0 ||
	    strcmp(key, "saved") == 0) {
		if (get_uint(l, rest, 1, &v) != 0)
			return -1;
		*(key[0] == 'h' ? &s->healthy : key[0] == 'u' ? &s->unsaved :
		    &s->saved) = v != 0;
		return 0;
	}
	if (strcmp(key, "row") == 0) {
		if (get_uint(l, rest, MAX_ROWS, &v) != 0)
			return -1;
		s->row = v;
		return 0;
	}
	if (strcmp(key, "timeout") == 0 || strcmp(key, "tries") == 0 ||
	    strcmp(key, "max_inflight") == 0 || strcmp(key, "auth_port") == 0) {
		if (get_uint(l, rest, 65535, &v) != 0)
			return -1;
		if (key[0] == 't' && key[1] == 'i')
			s->timeout_ms = (unsigned)v;
		else if (key[0] == 't')
			s->tries = (unsigned)v;
		else if (key[0] == 'm')
			s->max_inflight = (unsigned)v;
		else
			s->auth_port = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "resolver_inflight") == 0 ||
	    strcmp(key, "auth_inflight") == 0) {
		if (get_uint(l, rest, 10000, &v) != 0)
			return -1;
		if (key[0] == 'r')
			s->resolver_inflight = (unsigned)v;
		else
			s->auth_inflight = (unsigned)v;
		return 0;
	}
	if (strcmp(key, "rate") == 0) {
		if (get_uint(l, rest, 1000000, &v) != 0)
			return -1;
		s->rate = (unsigned)v;
		return 0;
	}
	return serr(l, "unknown key '%.20s'", key);
}

/* The session's rules for the one lexer: "key value" lines, the value the
 * rest of the line verbatim (escaped by put_escaped), '#' comments. */
static const ini_rules session_rules = {
	INI_SPACE_KEY, SESSION_MAX_BYTES, 64, "._-", "session"
};

int
session_load(const char *dir, session *s, char *err, size_t errlen)
{
	char path[PATH_MAX], *key, *rest;
	sload l;
	ini_file f;
	results *cur = NULL;
	results_server *srv = NULL;
	results_domain *dom = NULL;
	bool header = false;
	int rc = 0;
	size_t i;
	struct stat st;

	memset(s, 0, sizeof *s);
	snprintf(path, sizeof path, "%s/%s", dir, SESSION_FILE);
	if (lstat(path, &st) != 0 && errno == ENOENT)
		return 1;
	/* read once, bounded, a regular file only (a FIFO or /dev/zero in
	 * its place is refused, not waited on) */
	if (ini_load(&f, path, SESSION_MAX_BYTES, &session_rules, err,
	    errlen) != 0)
		return -1;
	l.path = path;
	l.line = 0;
	l.err = err;
	l.errlen = errlen;
	for (i = 0; i < f.nents && rc == 0; i++) {
		l.line = f.ents[i].line;
		key = xstrdup(f.ents[i].key);
		rest = xstrdup(f.ents[i].value);
		if (!header) {
			if (strcmp(key, "exdns-session") != 0 ||
			    strcmp(rest, "1") != 0)
				rc = serr(&l, "not an exdns session (format %d)",
				    SESSION_FORMAT);
			header = true;
		} else if (unescape(rest) != 0)
			rc = serr(&l, "bad escape in value");
		else
			rc = load_line(&l, dir, s, key, rest, &cur, &srv, &dom);
		free(key);
		free(rest);
	}
	ini_free(&f);
	if (rc == 0 && !header) {
		l.line = 1;
		rc = serr(&l, "empty session file");
	}
	if (rc == 0 && cur != NULL)
		rc = serr(&l, "results without 'end'");
	if (rc == 0 && s->step == NULL)
		rc = serr(&l, "no 'step'");
	if (rc == 0 && s->queue != NULL)
		queue_index(s->queue);
	if (rc != 0)
		session_free(s);
	return rc;
}
