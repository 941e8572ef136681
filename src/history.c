/* history.c - the replay history: JSON Lines (jansson), appended one
 * record per write(), validated line by line when read. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dname.h"
#include "history.h"
#include "util.h"

#define HISTORY_TEXT_MAX 400    /* bytes of the evidence and plan name */

/* Printable ASCII, at most HISTORY_TEXT_MAX - 1 bytes (escaped). */
static char *
history_text(const char *s)
{
	char buf[HISTORY_TEXT_MAX];

	return xstrdup(dname_printable(s, buf, sizeof buf));
}

char *
history_format(const history_rec *h)
{
	json_t *o = json_object(), *a = json_array();
	char *text;
	size_t i;

	json_object_set_new(o, "v", json_integer(HISTORY_VERSION));
	json_object_set_new(o, "time", json_string(h->time));
	json_object_set_new(o, "plan", json_string(h->plan));
	json_object_set_new(o, "domain", json_string(h->domain));
	json_object_set_new(o, "state", json_string(replay_state_key(h->state)));
	json_object_set_new(o, "verdict", json_string(verdict_to_string(
	    h->verdict)));
	for (i = 0; i < h->nsmart; i++)
		json_array_append_new(a, json_string(h->smart_hosts[i]));
	json_object_set_new(o, "smart_hosts", a);
	json_object_set_new(o, "evidence", json_string(h->evidence));
	text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text != NULL && strlen(text) > HISTORY_LINE_MAX) {
		free(text);
		return NULL;
	}
	return text;
}

void
history_rec_clear(history_rec *h)
{
	free(h->plan);
	strv_free(h->smart_hosts, h->nsmart);
	free(h->evidence);
	memset(h, 0, sizeof *h);
}

/* The string member key of o, printable ASCII of at most max - 1 bytes,
 * or NULL with why in err. */
static const char *
history_str(json_t *o, const char *key, size_t max, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	const unsigned char *p;

	if (!json_is_string(v)) {
		snprintf(err, errlen, "\"%s\" is missing or not a string", key);
		return NULL;
	}
	s = json_string_value(v);
	if (strlen(s) >= max || strlen(s) != json_string_length(v)) {
		snprintf(err, errlen, "\"%s\" is too long or holds a NUL", key);
		return NULL;
	}
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f) {
			snprintf(err, errlen, "\"%s\" is not printable ASCII", key);
			return NULL;
		}
	return s;
}

int
history_parse(const char *line, history_rec *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o, *a, *v;
	const char *s;
	size_t i;
	char why[200];

	memset(out, 0, sizeof *out);
	if (strlen(line) > HISTORY_LINE_MAX) {
		snprintf(err, errlen, "longer than %d bytes", HISTORY_LINE_MAX);
		return -1;
	}
	o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL) {
		snprintf(err, errlen, "not JSON: %s", je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "not a JSON object");
		goto bad;
	}
	v = json_object_get(o, "v");
	if (!json_is_integer(v) || json_integer_value(v) != HISTORY_VERSION) {
		snprintf(err, errlen, "\"v\" is not %d", HISTORY_VERSION);
		goto bad;
	}
	if ((s = history_str(o, "time", PLAN_TIME_LEN, err, errlen)) == NULL)
		goto bad;
	if (!plan_valid_time(s)) {
		snprintf(err, errlen, "\"time\" is not a time like "
		    "2026-11-25T09:30:00Z");
		goto bad;
	}
	memcpy(out->time, s, strlen(s) + 1);
	if ((s = history_str(o, "plan", HISTORY_TEXT_MAX, err, errlen)) == NULL)
		goto bad;
	if (*s == '\0') {
		snprintf(err, errlen, "\"plan\" is empty");
		goto bad;
	}
	out->plan = xstrdup(s);
	if ((s = history_str(o, "domain", DNAME_MAX, err, errlen)) == NULL)
		goto bad;
	if (!dname_check(s, why, sizeof why) ||
	    dname_normalize(s, out->domain) != 0) {
		snprintf(err, errlen, "\"domain\" is not a domain name: %s", why);
		goto bad;
	}
	if ((s = history_str(o, "state", 32, err, errlen)) == NULL)
		goto bad;
	if (replay_state_from_key(s, &out->state) != 0) {
		snprintf(err, errlen, "\"state\" is not one of still-needed, "
		    "stale, not-needed, unknown");
		goto bad;
	}
	if ((s = history_str(o, "verdict", 32, err, errlen)) == NULL)
		goto bad;
	if (verdict_from_string(s, &out->verdict) != 0) {
		snprintf(err, errlen, "\"verdict\" is not a verdict");
		goto bad;
	}
	a = json_object_get(o, "smart_hosts");
	if (!json_is_array(a) || json_array_size(a) > PLAN_MAX_LIST) {
		snprintf(err, errlen, "\"smart_hosts\" is not a list of at most "
		    "%d addresses", PLAN_MAX_LIST);
		goto bad;
	}
	for (i = 0; i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		if (!json_is_string(v) || !addr_is_ipv4_text(json_string_value(v))) {
			snprintf(err, errlen, "\"smart_hosts\" item %zu is not an "
			    "IPv4 address", i + 1);
			goto bad;
		}
		strv_push(&out->smart_hosts, &out->nsmart, json_string_value(v));
	}
	if ((s = history_str(o, "evidence", HISTORY_TEXT_MAX, err, errlen)) ==
	    NULL)
		goto bad;
	out->evidence = xstrdup(s);
	json_decref(o);
	return 0;
bad:
	json_decref(o);
	history_rec_clear(out);
	return -1;
}

/* DIR/history.jsonl (caller frees). */
static char *
history_path(const char *dir)
{
	size_t n = strlen(dir);
	char *p = xmalloc(n + sizeof HISTORY_FILE + 2);

	memcpy(p, dir, n);
	if (n == 0 || dir[n - 1] != '/')
		p[n++] = '/';
	memcpy(p + n, HISTORY_FILE, sizeof HISTORY_FILE);
	return p;
}

int
history_append(const char *dir, const replay_result *rr,
               const char *plan_name, time_t now, char *err, size_t errlen)
{
	char *path = history_path(dir), *line;
	history_rec h;
	size_t i, j, len;
	ssize_t w;
	int fd, rc = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		util_file_err(err, errlen, dir, 0, "cannot create the folder: %s",
		    strerror(errno));
		free(path);
		return -1;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0) {
		util_file_err(err, errlen, path, 0, "cannot open it to append: %s",
		    strerror(errno));
		free(path);
		return -1;
	}
	for (i = 0; i < rr->nitems && rc == 0; i++) {
		const replay_item *it = &rr->items[i];
		const plan_connector *c = &rr->p->connectors[it->connector];
		memset(&h, 0, sizeof h);
		plan_set_time(h.time, now);
		h.plan = history_text(plan_name);
		snprintf(h.domain, sizeof h.domain, "%s", c->domain);
		h.state = it->state;
		h.verdict = it->seen != NULL ? it->seen->verdict : c->verdict;
		if (it->seen != NULL)
			for (j = 0; j < it->seen->nsmart && j < PLAN_MAX_LIST; j++)
				strv_push(&h.smart_hosts, &h.nsmart,
				    it->seen->smart_hosts[j]);
		h.evidence = history_text(it->seen != NULL &&
		    it->seen->nevidence > 0 ? it->seen->evidence[0] : it->note);
		line = history_format(&h);
		history_rec_clear(&h);
		if (line == NULL) {
			rc = util_file_err(err, errlen, path, 0, "a record could not "
			    "be encoded");
			break;
		}
		/* The record and its newline in one write: appended whole. */
		len = strlen(line);
		line[len] = '\n';
		w = write(fd, line, len + 1);
		free(line);
		if (w != (ssize_t)(len + 1))
			rc = util_file_err(err, errlen, path, 0, "cannot append to "
			    "it: %s", w < 0 ? strerror(errno) : "short write");
	}
	if (close(fd) != 0 && rc == 0)
		rc = util_file_err(err, errlen, path, 0, "cannot write it: %s",
		    strerror(errno));
	free(path);
	return rc;
}

int
history_load(const char *dir, history_rec **recs, size_t *n, char ***bad,
             size_t *nbad, char *err, size_t errlen)
{
	char *path = history_path(dir), *text, *p, *nl, why[300], msg[900];
	size_t len, cap = 0, ll;
	unsigned line = 0;
	history_rec h;

	*recs = NULL;
	*n = 0;
	text = util_read_file(path, HISTORY_MAX_BYTES, &len, err, errlen);
	if (text == NULL) {
		free(path);
		return -1;
	}
	for (p = text; p < text + len; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (nl == NULL)
			nl = text + len;
		*nl = '\0';
		ll = (size_t)(nl - p);
		if (ll > 0 && p[ll - 1] == '\r')
			p[--ll] = '\0';
		if (ll == 0)
			continue;
		if (strlen(p) != ll) {
			util_file_err(msg, sizeof msg, path, line, "NUL byte");
			strv_push(bad, nbad, msg);
			continue;
		}
		if (history_parse(p, &h, why, sizeof why) != 0) {
			util_file_err(msg, sizeof msg, path, line, "%s", why);
			strv_push(bad, nbad, msg);
			continue;
		}
		h.line = line;
		*recs = xgrow(*recs, sizeof **recs, &cap, *n + 1);
		(*recs)[(*n)++] = h;
	}
	free(text);
	free(path);
	return 0;
}

void
history_free(history_rec *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		history_rec_clear(&recs[i]);
	free(recs);
}

static int
history_cmp_time(const void *a, const void *b)
{
	const history_rec *x = *(const history_rec *const *)a,
	    *y = *(const history_rec *const *)b;
	int c = strcmp(x->time, y->time);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static bool
history_same_hosts(const history_rec *a, const history_rec *b)
{
	return plan_same_set(a->smart_hosts, a->nsmart, b->smart_hosts,
	    b->nsmart);
}

static void
history_hosts(FILE *out, const history_rec *h)
{
	size_t i;

	for (i = 0; i < h->nsmart; i++)
		fprintf(out, "%s%s", i ? ", " : "", h->smart_hosts[i]);
	if (h->nsmart == 0)
		fputs("none", out);
}

void
history_print(FILE *out, const history_rec *recs, size_t n)
{
	const history_rec **v;
	bool *done;
	size_t i, j, k, nv, runs;
	char e1[HISTORY_TEXT_MAX], e2[HISTORY_TEXT_MAX];

	if (n == 0) {
		fputs("No replay recorded.\n", out);
		return;
	}
	v = xcalloc(n, sizeof *v);
	done = xcalloc(n, sizeof *done);
	for (i = 0; i < n; i++) {
		const history_rec *first = &recs[i], *last, *prev;
		if (done[i])
			continue;
		/* this plan and domain's records, in time order */
		for (j = i, nv = 0; j < n; j++)
			if (!done[j] && strcmp(recs[j].plan, first->plan) == 0 &&
			    strcmp(recs[j].domain, first->domain) == 0) {
				done[j] = true;
				v[nv++] = &recs[j];
			}
		qsort(v, nv, sizeof *v, history_cmp_time);
		last = v[nv - 1];
		runs = nv;
		fprintf(out, "%s: connector %s: %zu run%s, %s .. %s\n",
		    dname_printable(first->plan, e1, sizeof e1),
		    dname_printable(first->domain, e2, sizeof e2), runs,
		    runs == 1 ? "" : "s", v[0]->time, last->time);
		/* each change of state (or of the smart hosts seen) */
		for (k = 0, prev = NULL; k < nv; prev = v[k], k++) {
			if (prev != NULL && prev->state == v[k]->state &&
			    prev->verdict == v[k]->verdict &&
			    history_same_hosts(prev, v[k]))
				continue;
			fprintf(out, "  %s  %s (%s), smart hosts seen: ", v[k]->time,
			    replay_state_to_string(v[k]->state),
			    verdict_to_string(v[k]->verdict));
			history_hosts(out, v[k]);
			fputc('\n', out);
			if (v[k]->evidence[0] != '\0')
				fprintf(out, "      %s\n", dname_printable(
				    v[k]->evidence, e1, sizeof e1));
		}
		/* where it stands: since when */
		for (k = nv; k > 0 && v[k - 1]->state == last->state; k--)
			;
		fprintf(out, "  now: %s since %s", replay_state_to_string(
		    last->state), v[k]->time);
		if (last->state != REPLAY_STILL_NEEDED) {
			size_t m;
			for (m = k; m > 0 && v[m - 1]->state != REPLAY_STILL_NEEDED;
			    m--)
				;
			if (m > 0)
				fprintf(out, "; last seen still needed %s",
				    v[m - 1]->time);
		} else {
			size_t m;
			for (m = 0; m < nv && v[m]->state != REPLAY_STILL_NEEDED; m++)
				;
			fprintf(out, "; first seen still needed %s", v[m]->time);
		}
		fputc('\n', out);
	}
	free(done);
	free(v);
}
