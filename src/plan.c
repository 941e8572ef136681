/* plan.c - the remediation plan file (exdns-plan(5)): read once through
 * the one lexer (src/ini.h), validation of every value, our own quoting
 * writer, atomic saving, and building a plan from a probe run. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "atomic.h"
#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "ini.h"
#include "plan.h"
#include "queue.h"
#include "util.h"

_Static_assert(PLAN_TEXT_MAX == ESC_PLAN_MAX, "ESC_PLAN cuts plan text");

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* "PATH:LINE: msg", "PATH: msg" (line 0), or "plan: msg" (no path). */
static int
plan_err(char *err, size_t errlen, const char *path, unsigned line,
         const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	if (path != NULL)
		util_file_verr(err, errlen, path, line, fmt, ap);
	else {
		vsnprintf(msg, sizeof msg, fmt, ap);
		snprintf(err, errlen, "plan: %s", msg);
	}
	va_end(ap);
	return -1;
}

/* Escaped copy of untrusted text for a message (static buffers, 4 slots). */
static const char *
esc(const char *s)
{
	static char bufs[4][160];
	static unsigned slot;
	char *b = bufs[slot++ & 3];

	return esc_buf(ESC_TERMINAL, s, strlen(s), b, sizeof bufs[0]);
}

/* ------------------------------------------------------------------ */
/* Plans in memory                                                     */

plan *
plan_new(void)
{
	plan *p = xcalloc(1, sizeof *p);

	p->format = PLAN_FORMAT;
	p->branch = BRANCH_NO_DNS_FAULT;
	p->use_external_dns_lookups = true;
	return p;
}

static void
plan_connector_clear(plan_connector *c)
{
	strv_free(c->smart_hosts, c->nsmart);
	strv_free(c->mx, c->nmx);
	strv_free(c->evidence, c->nevidence);
	memset(c, 0, sizeof *c);
}

void
plan_free(plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->resolver);
	strv_free(p->transport_servers, p->ntransport);
	free(p->internet_connector);
	for (i = 0; i < p->nconnectors; i++)
		plan_connector_clear(&p->connectors[i]);
	free(p->connectors);
	strv_free(p->external_servers, p->nexternal);
	strv_free(p->external_evidence, p->nexternal_evidence);
	for (i = 0; i < p->nchecked; i++)
		strv_free(p->checked[i].evidence, p->checked[i].nevidence);
	free(p->checked);
	free(p->path);
	free(p);
}

static char **
strv_copy(char *const *v, size_t n)
{
	char **out;
	size_t i;

	if (n == 0)
		return NULL;
	out = xmalloc(n * sizeof *out);
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

plan *
plan_copy(const plan *p)
{
	plan *c = xmalloc(sizeof *c);
	size_t i;

	*c = *p;
	c->resolver = p->resolver ? xstrdup(p->resolver) : NULL;
	c->transport_servers = strv_copy(p->transport_servers, p->ntransport);
	c->internet_connector = p->internet_connector ?
	    xstrdup(p->internet_connector) : NULL;
	c->connectors = p->nconnectors ?
	    xmalloc(p->nconnectors * sizeof *c->connectors) : NULL;
	for (i = 0; i < p->nconnectors; i++) {
		plan_connector *d = &c->connectors[i];
		const plan_connector *s = &p->connectors[i];
		*d = *s;
		d->smart_hosts = strv_copy(s->smart_hosts, s->nsmart);
		d->mx = strv_copy(s->mx, s->nmx);
		d->evidence = strv_copy(s->evidence, s->nevidence);
	}
	c->external_servers = strv_copy(p->external_servers, p->nexternal);
	c->external_evidence = strv_copy(p->external_evidence,
	    p->nexternal_evidence);
	c->checked = NULL;
	if (p->nchecked > 0) {
		c->checked = xmalloc(p->nchecked * sizeof *c->checked);
		memcpy(c->checked, p->checked, p->nchecked * sizeof *c->checked);
		for (i = 0; i < p->nchecked; i++)
			c->checked[i].evidence = strv_copy(p->checked[i].evidence,
			    p->checked[i].nevidence);
	}
	c->path = p->path ? xstrdup(p->path) : NULL;
	c->capconnectors = p->nconnectors;
	c->capchecked = p->nchecked;
	return c;
}

plan_connector *
plan_add_connector(plan *p, const char *domain)
{
	plan_connector *c;

	if (p->capconnectors < p->nconnectors)
		p->capconnectors = p->nconnectors;     /* sized by hand */
	p->connectors = xgrow(p->connectors, sizeof *p->connectors,
	    &p->capconnectors, p->nconnectors + 1);
	c = &p->connectors[p->nconnectors++];
	memset(c, 0, sizeof *c);
	snprintf(c->domain, sizeof c->domain, "%s", domain);
	c->verdict = VERDICT_AAAA_DROPPED;
	return c;
}

plan_checked *
plan_add_checked(plan *p, const char *domain, verdict v)
{
	plan_checked *k;

	if (p->capchecked < p->nchecked)
		p->capchecked = p->nchecked;           /* sized by hand */
	p->checked = xgrow(p->checked, sizeof *p->checked, &p->capchecked,
	    p->nchecked + 1);
	k = &p->checked[p->nchecked++];
	memset(k, 0, sizeof *k);
	snprintf(k->domain, sizeof k->domain, "%s", domain);
	k->verdict = v;
	return k;
}

void
plan_recorded_evidence(const plan *p, const char *domain, char *const **ev,
                       size_t *n)
{
	size_t i;

	*ev = NULL;
	*n = 0;
	for (i = 0; i < p->nconnectors; i++)
		if (dname_equal(p->connectors[i].domain, domain)) {
			*ev = p->connectors[i].evidence;
			*n = p->connectors[i].nevidence;
			return;
		}
	for (i = 0; i < p->nchecked; i++)
		if (dname_equal(p->checked[i].domain, domain)) {
			*ev = p->checked[i].evidence;
			*n = p->checked[i].nevidence;
			return;
		}
}

void
plan_remove_connector(plan *p, size_t i)
{
	if (i >= p->nconnectors)
		return;
	plan_connector_clear(&p->connectors[i]);
	memmove(&p->connectors[i], &p->connectors[i + 1],
	    (p->nconnectors - i - 1) * sizeof *p->connectors);
	p->nconnectors--;
}

void
plan_set_time(char out[PLAN_TIME_LEN], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, PLAN_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t
plan_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s != NULL && *s != '\0') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* ------------------------------------------------------------------ */
/* Value rules                                                         */

bool
plan_valid_server_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 253 || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 128 || !(isalnum(c) || c == '-' || c == '.' || c == '_'))
			return false;
	}
	return true;
}

bool
plan_valid_connector_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	if (!isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 128 || !(isalnum(c) || c == ' ' || c == '-' ||
		    c == '.' || c == '_' || c == '(' || c == ')'))
			return false;
	}
	return true;
}

/* Free text (evidence): printable ASCII, no '"' (it could not be quoted),
 * no trailing backslash (the format has no continuation lines). */
static bool
plan_valid_text(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= PLAN_TEXT_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"')
			return false;
	return s[n - 1] != '\\';
}

bool
plan_valid_time(const char *s)
{
	int y, mo, d, h, mi, se;
	char z;
	size_t i;

	if (strlen(s) != 20)
		return false;
	for (i = 0; i < 20; i++) {
		bool digit = isdigit((unsigned char)s[i]) != 0;
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (i == 10) {
			if (s[i] != 'T')
				return false;
		} else if (i == 13 || i == 16) {
			if (s[i] != ':')
				return false;
		} else if (i == 19) {
			if (s[i] != 'Z')
				return false;
		} else if (!digit)
			return false;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se,
	    &z) != 7)
		return false;
	return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 &&
	    h <= 23 && mi <= 59 && se <= 60;
}

/* An external DNS server: IPv4 or IPv6, optionally @PORT. */
static bool
plan_valid_server_addr(const char *s)
{
	exaddr a;
	char e[128];

	if (strchr(s, '[') != NULL)   /* one spelling only: ADDR@PORT */
		return false;
	return addr_parse(s, DEFAULT_DNS_PORT, &a, e, sizeof e) == 0;
}

static bool
strv_has_case(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return true;
	return false;
}

/* A list value checked item by item. */
static int
plan_check_list(char *const *v, size_t n, const char *key, bool required,
                bool (*ok)(const char *), const char *what,
                const char *path, unsigned line, char *err, size_t errlen)
{
	size_t i;

	if (n == 0 && required)
		return plan_err(err, errlen, path, line,
		    "%s: at least one %s is needed", key, what);
	if (n > PLAN_MAX_LIST)
		return plan_err(err, errlen, path, line,
		    "%s: more than %d items", key, PLAN_MAX_LIST);
	for (i = 0; i < n; i++) {
		if (!ok(v[i]))
			return plan_err(err, errlen, path, line,
			    "%s: '%s' is not %s", key, esc(v[i]), what);
		if (strv_has_case(v, i, v[i]))
			return plan_err(err, errlen, path, line,
			    "%s: '%s' is listed twice", key, esc(v[i]));
	}
	return 0;
}

static bool valid_smart_host(const char *s) { return addr_is_smart_host_v4(s); }
static bool valid_host(const char *s) { return dname_valid_host(s); }

/* The evidence lines of a section (sec: "[connector D]", "[checked D]",
 * "[external-dns]"), as the writer will write them. */
static int
plan_check_evidence(char *const *ev, size_t n, const char *sec,
                    const char *path, unsigned line, char *err, size_t errlen)
{
	size_t j;

	if (n > PLAN_MAX_EVIDENCE)
		return plan_err(err, errlen, path, line,
		    "more than %d evidence lines", PLAN_MAX_EVIDENCE);
	for (j = 0; j < n; j++)
		if (!plan_valid_text(ev[j]))
			return plan_err(err, errlen, path, line, "%s: evidence line "
			    "%zu is not printable text without '\"'", sec, j + 1);
	return 0;
}

static int
plan_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The [checked DOMAIN] sections: names, verdicts, no domain twice or
 * also a connector's. */
static int
plan_validate_checked(const plan *p, const strmap *conns, const char *path,
                      char *err, size_t errlen)
{
	char norm[DNAME_MAX], sec[DNAME_MAX + 16];
	const char **names;
	size_t i;
	int rc = 0;

	if (p->nchecked > PLAN_MAX_CHECKED)
		return plan_err(err, errlen, path, p->checked[PLAN_MAX_CHECKED].line,
		    "more than %d [checked DOMAIN] sections", PLAN_MAX_CHECKED);
	for (i = 0; i < p->nchecked; i++) {
		const plan_checked *k = &p->checked[i];
		if (dname_normalize(k->domain, norm) != 0 ||
		    strcmp(norm, k->domain) != 0)
			return plan_err(err, errlen, path, k->line,
			    "[checked %s]: not a domain name", esc(k->domain));
		if ((unsigned)k->verdict >= VERDICT_COUNT ||
		    verdict_needs_connector(k->verdict))
			return plan_err(err, errlen, path, k->line,
			    "[checked %s]: verdict '%s' calls for a connector: "
			    "that is a [connector] section", k->domain,
			    verdict_to_string(k->verdict));
		if (strmap_get(conns, k->domain) != SIZE_MAX)
			return plan_err(err, errlen, path, k->line,
			    "[checked %s]: the domain has a [connector] "
			    "section too", k->domain);
		snprintf(sec, sizeof sec, "[checked %s]", k->domain);
		if (plan_check_evidence(k->evidence, k->nevidence, sec, path,
		    k->line, err, errlen) != 0)
			return -1;
	}
	if (p->nchecked < 2)
		return 0;
	names = xmalloc(p->nchecked * sizeof *names);
	for (i = 0; i < p->nchecked; i++)
		names[i] = p->checked[i].domain;
	qsort(names, p->nchecked, sizeof *names, plan_cmp_str);
	for (i = 1; i < p->nchecked && rc == 0; i++)
		if (strcmp(names[i - 1], names[i]) == 0)
			rc = plan_err(err, errlen, path, 0, "[checked %s] appears "
			    "twice", names[i]);
	free(names);
	return rc;
}

static int plan_validate_in(const plan *p, strmap *conns, char *err,
                            size_t errlen);

int
plan_validate(const plan *p, char *err, size_t errlen)
{
	strmap conns = {0};
	int rc = plan_validate_in(p, &conns, err, errlen);

	strmap_free(&conns);
	return rc;
}

/* conns maps each connector's domain to its index, for the duplicate
 * checks (one lookup each). */
static int
plan_validate_in(const plan *p, strmap *conns, char *err, size_t errlen)
{
	const char *path = p->path;
	exaddr a;
	char e[200], norm[DNAME_MAX], sec[DNAME_MAX + 16];
	size_t i;

	if (p->format != PLAN_FORMAT)
		return plan_err(err, errlen, path, p->line_plan,
		    "unknown format %d", p->format);
	if (!plan_valid_time(p->created))
		return plan_err(err, errlen, path, p->line_plan,
		    "created: not a time like 2026-11-25T09:30:00Z");
	if (p->updated[0] != '\0' && !plan_valid_time(p->updated))
		return plan_err(err, errlen, path, p->line_plan,
		    "updated: not a time like 2026-11-25T09:30:00Z");
	if ((unsigned)p->branch >= BRANCH_COUNT)
		return plan_err(err, errlen, path, p->line_branch, "bad branch");
	if (p->resolver == NULL)
		return plan_err(err, errlen, path, p->line_plan,
		    "[plan] has no 'resolver' key");
	if (strchr(p->resolver, '[') != NULL ||
	    addr_parse(p->resolver, DEFAULT_DNS_PORT, &a, e,
	    sizeof e) != 0)
		return plan_err(err, errlen, path, p->line_resolver,
		    "resolver: '%s' is not an IP address (ADDR or ADDR@PORT)",
		    esc(p->resolver));
	if (plan_check_list(p->transport_servers, p->ntransport,
	    "source_transport_servers", false, plan_valid_server_name,
	    "a server name (letters, digits, '-', '.', '_')", path,
	    p->line_transport, err, errlen) != 0)
		return -1;
	if (p->internet_connector != NULL &&
	    !plan_valid_connector_name(p->internet_connector))
		return plan_err(err, errlen, path, p->line_internet_connector,
		    "internet_connector: '%s' is not a connector name (letters, "
		    "digits, space, '-', '.', '_', '(', ')'; at most 64)",
		    esc(p->internet_connector));

	for (i = 0; i < p->nconnectors; i++) {
		const plan_connector *c = &p->connectors[i];
		if (dname_normalize(c->domain, norm) != 0 ||
		    strcmp(norm, c->domain) != 0)
			return plan_err(err, errlen, path, c->line,
			    "[connector %s]: not a domain name", esc(c->domain));
		if (strmap_put(conns, c->domain, i) != SIZE_MAX)
			return plan_err(err, errlen, path, c->line,
			    "[connector %s] appears twice", c->domain);
		if (plan_check_list(c->smart_hosts, c->nsmart, "smart_hosts",
		    true, valid_smart_host, "an IPv4 address that may be a smart "
		    "host (not loopback, private, link-local, multicast or "
		    "reserved)", path,
		    c->line_smart_hosts ? c->line_smart_hosts : c->line,
		    err, errlen) != 0)
			return -1;
		if (plan_check_list(c->mx, c->nmx, "mx", false, valid_host,
		    "a host name", path, c->line_mx ? c->line_mx : c->line,
		    err, errlen) != 0)
			return -1;
		if (!verdict_needs_connector(c->verdict))
			return plan_err(err, errlen, path,
			    c->line_verdict ? c->line_verdict : c->line,
			    "verdict: '%s' does not call for a connector "
			    "(aaaa-dropped, aaaa-bad-response, dnssec-bogus, "
			    "edns-broken and large-answer-dropped do)",
			    verdict_to_string(c->verdict));
		snprintf(sec, sizeof sec, "[connector %s]", c->domain);
		if (plan_check_evidence(c->evidence, c->nevidence, sec, path,
		    c->line, err, errlen) != 0)
			return -1;
	}

	if (plan_validate_checked(p, conns, path, err, errlen) != 0)
		return -1;
	switch (p->branch) {
	case BRANCH_NO_DNS_FAULT:
		if (p->nconnectors > 0)
			return plan_err(err, errlen, path, p->connectors[0].line,
			    "branch no-dns-fault takes no [connector] sections");
		break;
	case BRANCH_SPECIFIC_DOMAINS:
		if (p->nconnectors == 0)
			return plan_err(err, errlen, path, p->line_branch,
			    "branch specific-domains needs at least one "
			    "[connector DOMAIN] section");
		break;
	case BRANCH_ALL_DOMAINS:
		if (!p->has_external)
			return plan_err(err, errlen, path, p->line_branch,
			    "branch all-domains needs an [external-dns] section");
		break;
	default:
		break;
	}
	if (p->has_external) {
		if (p->branch != BRANCH_ALL_DOMAINS)
			return plan_err(err, errlen, path, p->line_external,
			    "[external-dns] belongs only to branch all-domains");
		if (plan_check_list(p->external_servers, p->nexternal,
		    "servers", true, plan_valid_server_addr,
		    "an IP address (ADDR or ADDR@PORT)", path,
		    p->line_external_servers ? p->line_external_servers :
		    p->line_external, err, errlen) != 0)
			return -1;
		if (plan_check_evidence(p->external_evidence,
		    p->nexternal_evidence, "[external-dns]", path,
		    p->line_external, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The format's lexical rules (src/ini.h; doc/exdns-plan.5): keys and
 * section names are case-blind, values are kept byte for byte, a value may
 * be quoted with " or ' (no escapes inside), ';' or '#' after a blank
 * starts a comment outside quotes, every key has a value and appears once
 * in its section, every section once, text outside comments is printable
 * ASCII, a line has at most PLAN_LINE_MAX bytes and does not end with '\\'. */

static const ini_rules plan_rules = {
	INI_SECTIONS | INI_FOLD | INI_QUOTES | INI_INLINE_COMMENTS | INI_UNIQUE |
	INI_UNIQUE_SECTIONS | INI_NO_EMPTY | INI_ASCII | INI_NO_BACKSLASH_END,
	PLAN_LINE_MAX, 64, "_-", "plan"
};

static bool
lex_space(char c)
{
	return c == ' ' || c == '\t';
}

/* ------------------------------------------------------------------ */
/* From lexed entries to a plan                                        */

/* "a, b,c" -> items; an empty item is an error. */
static int
plan_split_list(const char *v, char ***out, size_t *n, const char *key,
                const char *path, unsigned line, char *err, size_t errlen)
{
	const char *p = v, *e;
	size_t len;
	char *item;

	for (;;) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		while (len > 0 && lex_space(*p)) {
			p++;
			len--;
		}
		while (len > 0 && lex_space(p[len - 1]))
			len--;
		if (len == 0)
			return plan_err(err, errlen, path, line,
			    "%s: empty item in the list", key);
		if (*n >= PLAN_MAX_LIST)
			return plan_err(err, errlen, path, line,
			    "%s: more than %d items", key, PLAN_MAX_LIST);
		item = xmalloc(len + 1);
		memcpy(item, p, len);
		item[len] = '\0';
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = item;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

static int
plan_parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(v, "false") == 0) {
		*out = false;
		return 0;
	}
	return -1;
}

/* "evidence" -> 0, "evidence7" -> 7, else -1. */
static int
plan_evidence_index(const char *key)
{
	const char *d;

	if (strncmp(key, "evidence", 8) != 0)
		return -1;
	d = key + 8;
	if (*d == '\0')
		return 0;
	if (d[0] < '1' || d[0] > '9' || strlen(d) > 2 ||
	    (d[1] != '\0' && !isdigit((unsigned char)d[1])))
		return -1;
	return atoi(d);
}

/* Collects the evidence entries of section sec in key order: one pass
 * over the section, then its at most PLAN_MAX_EVIDENCE + 1 slots. */
static int
plan_take_evidence(const ini_file *lf, size_t sec, char ***out, size_t *n,
                   const char *path, char *err, size_t errlen)
{
	const ini_entry *slot[PLAN_MAX_EVIDENCE + 1];
	const ini_section *sc = &lf->secs[sec];
	int idx, top = -1;
	size_t i;

	for (i = sc->first; i < sc->first + sc->n; i++) {
		const ini_entry *e = &lf->ents[i];
		if ((idx = plan_evidence_index(e->key)) < 0)
			continue;
		if (!plan_valid_text(e->value))
			return plan_err(err, errlen, path, e->line, "%s: printable "
			    "text without '\"', at most %d bytes", e->key,
			    PLAN_TEXT_MAX - 1);
		while (top < idx)
			slot[++top] = NULL;
		slot[idx] = e;
	}
	for (idx = 0; idx <= top; idx++)
		if (slot[idx] != NULL)
			strv_push(out, n, slot[idx]->value);
	return 0;
}

static int
plan_from_lex_in(plan *p, const ini_file *lf, const char *path, char *err,
                 size_t errlen, strmap *seen)
{
	size_t s, i;
	bool have_plan = false, seen_format = false, seen_created = false,
	     seen_branch = false;
	unsigned plan_line = 0;

	for (s = 0; s < lf->nsecs; s++) {
		const char *name = lf->secs[s].name;
		unsigned sline = lf->secs[s].line;
		plan_connector *c = NULL;
		bool seen_as = false, seen_sh = false, seen_verdict = false;
		unsigned line_as = 0;
		const char *as = NULL;

		if (strcmp(name, "plan") == 0) {
			have_plan = true;
			plan_line = sline;
			p->line_plan = sline;
		} else if (strcmp(name, "external-dns") == 0) {
			p->has_external = true;
			p->line_external = sline;
		} else if (strncmp(name, "connector", 9) == 0 &&
		    lex_space(name[9])) {
			const char *d = name + 10;
			char norm[DNAME_MAX];
			while (lex_space(*d))
				d++;
			if (dname_normalize(d, norm) != 0)
				return plan_err(err, errlen, path, sline,
				    "[connector %s]: '%s' is not a domain name",
				    esc(d), esc(d));
			if ((i = strmap_put(seen, norm, p->nconnectors)) !=
			    SIZE_MAX)
				return plan_err(err, errlen, path, sline,
				    "[connector %s] repeats the domain of line %u",
				    norm, p->connectors[i].line);
			c = plan_add_connector(p, norm);
			c->line = sline;
		} else if (strncmp(name, "checked", 7) == 0 &&
		    lex_space(name[7])) {
			const char *d = name + 8;
			plan_checked *k;
			bool seen_v = false;
			while (lex_space(*d))
				d++;
			if (p->nchecked >= PLAN_MAX_CHECKED)
				return plan_err(err, errlen, path, sline,
				    "more than %d [checked DOMAIN] sections",
				    PLAN_MAX_CHECKED);
			k = plan_add_checked(p, "", VERDICT_OK);
			k->line = sline;
			if (dname_normalize(d, k->domain) != 0)
				return plan_err(err, errlen, path, sline,
				    "[checked %s]: '%s' is not a domain name",
				    esc(d), esc(d));
			for (i = lf->secs[s].first; i < lf->secs[s].first +
			    lf->secs[s].n; i++) {
				const ini_entry *e = &lf->ents[i];
				if (plan_evidence_index(e->key) >= 0)
					continue;         /* taken below */
				if (strcmp(e->key, "verdict") != 0)
					return plan_err(err, errlen, path, e->line,
					    "unknown key '%s' in [checked %s]",
					    e->key, k->domain);
				if (verdict_from_string(e->value, &k->verdict)
				    != 0)
					return plan_err(err, errlen, path, e->line,
					    "verdict: '%s' is not a verdict",
					    esc(e->value));
				seen_v = true;
			}
			if (!seen_v)
				return plan_err(err, errlen, path, sline,
				    "[checked %s] has no 'verdict' key",
				    k->domain);
			if (plan_take_evidence(lf, s, &k->evidence,
			    &k->nevidence, path, err, errlen) != 0)
				return -1;
			continue;
		} else
			return plan_err(err, errlen, path, sline,
			    "unknown section [%s] (expected [plan], [connector "
			    "DOMAIN], [checked DOMAIN] or [external-dns])",
			    esc(name));

		for (i = lf->secs[s].first; i < lf->secs[s].first + lf->secs[s].n;
		    i++) {
			const ini_entry *e = &lf->ents[i];
			const char *k = e->key, *v = e->value;
			unsigned ln = e->line;

			if (plan_evidence_index(k) >= 0 &&
			    (c != NULL || p->line_external == sline))
				continue;                 /* taken below */
			if (c == NULL && p->has_external &&
			    p->line_external == sline) {
				if (strcmp(k, "servers") == 0) {
					p->line_external_servers = ln;
					if (plan_split_list(v, &p->external_servers,
					    &p->nexternal, k, path, ln, err,
					    errlen) != 0)
						return -1;
				} else if (strcmp(k, "use_external_dns_lookups")
				    == 0) {
					if (plan_parse_bool(v,
					    &p->use_external_dns_lookups) != 0)
						return plan_err(err, errlen, path,
						    ln, "%s: 'true' or 'false', "
						    "not '%s'", k, esc(v));
				} else
					return plan_err(err, errlen, path, ln,
					    "unknown key '%s' in [external-dns]",
					    k);
			} else if (c == NULL) {           /* [plan] */
				if (strcmp(k, "format") == 0) {
					size_t j, nd = strlen(v);
					seen_format = true;
					for (j = 0; j < nd; j++)
						if (!isdigit((unsigned char)v[j]))
							break;
					if (j < nd || nd == 0 || nd > 4)
						return plan_err(err, errlen, path,
						    ln, "format: '%s' is not a "
						    "version number", esc(v));
					p->format = atoi(v);
					if (p->format > PLAN_FORMAT)
						return plan_err(err, errlen, path,
						    ln, "plan format %d is newer "
						    "than this exdns reads (%d): "
						    "upgrade exdns", p->format,
						    PLAN_FORMAT);
					if (p->format != PLAN_FORMAT)
						return plan_err(err, errlen, path,
						    ln, "unknown plan format %d "
						    "(this exdns reads %d)",
						    p->format, PLAN_FORMAT);
				} else if (strcmp(k, "created") == 0 ||
				    strcmp(k, "updated") == 0) {
					if (!plan_valid_time(v))
						return plan_err(err, errlen, path,
						    ln, "%s: '%s' is not a UTC "
						    "time like "
						    "2026-11-25T09:30:00Z", k,
						    esc(v));
					if (k[0] == 'c') {
						seen_created = true;
						memcpy(p->created, v,
						    PLAN_TIME_LEN);
					} else
						memcpy(p->updated, v,
						    PLAN_TIME_LEN);
				} else if (strcmp(k, "branch") == 0) {
					seen_branch = true;
					p->line_branch = ln;
					if (branch_from_string(v, &p->branch) != 0)
						return plan_err(err, errlen, path,
						    ln, "branch: '%s' is not "
						    "specific-domains, all-domains "
						    "or no-dns-fault", esc(v));
				} else if (strcmp(k, "resolver") == 0) {
					p->resolver = xstrdup(v);
					p->line_resolver = ln;
				} else if (strcmp(k, "source_transport_servers")
				    == 0) {
					p->line_transport = ln;
					if (plan_split_list(v,
					    &p->transport_servers, &p->ntransport,
					    k, path, ln, err, errlen) != 0)
						return -1;
				} else if (strcmp(k, "internet_connector") == 0) {
					p->internet_connector = xstrdup(v);
					p->line_internet_connector = ln;
				} else
					return plan_err(err, errlen, path, ln,
					    "unknown key '%s' in [plan]", k);
			} else {                          /* [connector D] */
				if (strcmp(k, "address_space") == 0) {
					seen_as = true;
					as = e->value;
					line_as = ln;
				} else if (strcmp(k, "smart_hosts") == 0) {
					seen_sh = true;
					c->line_smart_hosts = ln;
					if (plan_split_list(v, &c->smart_hosts,
					    &c->nsmart, k, path, ln, err,
					    errlen) != 0)
						return -1;
				} else if (strcmp(k, "smart_host_auth") == 0) {
					if (strcasecmp(v, "None") != 0)
						return plan_err(err, errlen, path,
						    ln, "smart_host_auth: only "
						    "'None' is supported, not "
						    "'%s'", esc(v));
				} else if (strcmp(k, "dns_routing") == 0) {
					bool b;
					if (plan_parse_bool(v, &b) != 0 || b)
						return plan_err(err, errlen, path,
						    ln, "dns_routing: must be "
						    "'false' (the connector routes "
						    "to smart hosts), not '%s'",
						    esc(v));
				} else if (strcmp(k, "mx") == 0) {
					c->line_mx = ln;
					if (plan_split_list(v, &c->mx, &c->nmx, k,
					    path, ln, err, errlen) != 0)
						return -1;
				} else if (strcmp(k, "verdict") == 0) {
					seen_verdict = true;
					c->line_verdict = ln;
					if (verdict_from_string(v, &c->verdict)
					    != 0)
						return plan_err(err, errlen, path,
						    ln, "verdict: '%s' is not a "
						    "verdict name", esc(v));
				} else
					return plan_err(err, errlen, path, ln,
					    "unknown key '%s' in [connector %s]",
					    k, c->domain);
			}
		}
		if (c != NULL) {
			char norm[DNAME_MAX];
			if (!seen_as)
				return plan_err(err, errlen, path, sline,
				    "[connector %s] has no 'address_space' key",
				    c->domain);
			if (dname_normalize(as, norm) != 0)
				return plan_err(err, errlen, path, line_as,
				    "address_space: '%s' is not a domain name",
				    esc(as));
			if (strcmp(norm, c->domain) != 0)
				return plan_err(err, errlen, path, line_as,
				    "address_space '%s' is not the section's "
				    "domain '%s'", esc(as), c->domain);
			if (!seen_sh)
				return plan_err(err, errlen, path, sline,
				    "[connector %s] has no 'smart_hosts' key",
				    c->domain);
			if (!seen_verdict)
				return plan_err(err, errlen, path, sline,
				    "[connector %s] has no 'verdict' key",
				    c->domain);
			if (plan_take_evidence(lf, s, &c->evidence,
			    &c->nevidence, path, err, errlen) != 0)
				return -1;
		} else if (p->has_external && p->line_external == sline) {
			if (p->nexternal == 0)
				return plan_err(err, errlen, path, sline,
				    "[external-dns] has no 'servers' key");
			if (plan_take_evidence(lf, s, &p->external_evidence,
			    &p->nexternal_evidence, path, err, errlen) != 0)
				return -1;
		}
	}
	if (!have_plan)
		return plan_err(err, errlen, path, 1,
		    "no [plan] section: not an exdns plan");
	if (!seen_format)
		return plan_err(err, errlen, path, plan_line,
		    "[plan] has no 'format' key");
	if (!seen_created)
		return plan_err(err, errlen, path, plan_line,
		    "[plan] has no 'created' key");
	if (!seen_branch)
		return plan_err(err, errlen, path, plan_line,
		    "[plan] has no 'branch' key");
	if (p->resolver == NULL)
		return plan_err(err, errlen, path, plan_line,
		    "[plan] has no 'resolver' key");
	return 0;
}

/* The sections in file order; seen maps each connector's domain to its
 * index, so a repeated domain costs one lookup. */
static int
plan_from_lex(plan *p, const ini_file *lf, const char *path, char *err,
              size_t errlen)
{
	strmap seen = {0};
	int rc = plan_from_lex_in(p, lf, path, err, errlen, &seen);

	strmap_free(&seen);
	return rc;
}

plan *
plan_load(const char *path, char *err, size_t errlen)
{
	ini_file lf;
	plan *p;
	char *buf;
	size_t len;

	if ((buf = util_read_file(path, PLAN_MAX_BYTES, &len, err, errlen)) ==
	    NULL)
		return NULL;
	if (len == 0) {
		free(buf);
		plan_err(err, errlen, path, 1, "empty file: not an exdns plan");
		return NULL;
	}
	/* One read: the lexer works on this buffer, and nothing opens the
	 * path again (a file swapped for a FIFO meanwhile is never read). */
	if (ini_parse(&lf, path, buf, len, &plan_rules, err, errlen) != 0) {
		free(buf);
		return NULL;
	}
	free(buf);
	p = plan_new();
	p->path = xstrdup(path);
	if (plan_from_lex(p, &lf, path, err, errlen) != 0 ||
	    plan_validate(p, err, errlen) != 0) {
		plan_free(p);
		ini_free(&lf);
		return NULL;
	}
	ini_free(&lf);
	return p;
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */

typedef struct wbuf {
	char *text;
	size_t len;
	FILE *f;
	bool toolong;
	char toolong_key[64];
} wbuf;

static void
wline(wbuf *w, const char *fmt, ...)
{
	char line[PLAN_LINE_MAX * 2];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > PLAN_LINE_MAX) {
		if (!w->toolong) {
			w->toolong = true;
			snprintf(w->toolong_key, sizeof w->toolong_key, "%.40s",
			    line);
		}
		return;
	}
	fputs(line, w->f);
	fputc('\n', w->f);
}

static void
wlist(wbuf *w, const char *key, char *const *v, size_t n)
{
	char line[PLAN_LINE_MAX + 2];
	size_t used, i;
	int k;

	k = snprintf(line, sizeof line, "%s = ", key);
	used = (size_t)k;
	for (i = 0; i < n && used < sizeof line; i++) {
		k = snprintf(line + used, sizeof line - used, "%s%s",
		    i ? ", " : "", v[i]);
		used += (size_t)k;
	}
	if (used > PLAN_LINE_MAX) {
		if (!w->toolong) {
			w->toolong = true;
			snprintf(w->toolong_key, sizeof w->toolong_key, "%s", key);
		}
		return;
	}
	wline(w, "%s", line);
}

static void
wevidence(wbuf *w, char *const *ev, size_t n)
{
	size_t i;

	if (n == 1)
		wline(w, "evidence = \"%s\"", ev[0]);
	else
		for (i = 0; i < n; i++)
			wline(w, "evidence%zu = \"%s\"", i + 1, ev[i]);
}

char *
plan_format(const plan *p, char *err, size_t errlen)
{
	wbuf w;
	size_t i;

	if (plan_validate(p, err, errlen) != 0)
		return NULL;
	memset(&w, 0, sizeof w);
	if ((w.f = open_memstream(&w.text, &w.len)) == NULL) {
		snprintf(err, errlen, "plan: %s", strerror(errno));
		return NULL;
	}
	wline(&w, "; Remediation plan for \"451 4.4.0 DNS query failed\" "
	    "\xe2\x80\x94 exdns %s", PACKAGE_VERSION);
	wline(&w, "; Format: exdns-plan(5). Apply: exdns emit FILE. "
	    "Re-check: exdns replay FILE.");
	if (p->branch == BRANCH_NO_DNS_FAULT)
		wline(&w, "; No DNS fault was found: nothing to change. Keep "
		    "this plan to re-check later.");
	wline(&w, "[plan]");
	wline(&w, "format = %d", p->format);
	wline(&w, "created = \"%s\"", p->created);
	if (p->updated[0] != '\0')
		wline(&w, "updated = \"%s\"", p->updated);
	wline(&w, "branch = %s", branch_to_string(p->branch));
	wline(&w, "resolver = %s", p->resolver);
	if (p->ntransport > 0)
		wlist(&w, "source_transport_servers", p->transport_servers,
		    p->ntransport);
	if (p->internet_connector != NULL)
		wline(&w, "internet_connector = \"%s\"", p->internet_connector);

	for (i = 0; i < p->nconnectors; i++) {
		const plan_connector *c = &p->connectors[i];
		wline(&w, "%s", "");
		wline(&w, "[connector %s]", c->domain);
		wline(&w, "address_space = %s", c->domain);
		wlist(&w, "smart_hosts", c->smart_hosts, c->nsmart);
		wline(&w, "smart_host_auth = None");
		wline(&w, "dns_routing = false");
		if (c->nmx > 0)
			wlist(&w, "mx", c->mx, c->nmx);
		wline(&w, "verdict = %s", verdict_to_string(c->verdict));
		wevidence(&w, c->evidence, c->nevidence);
	}
	if (p->has_external) {
		wline(&w, "%s", "");
		wline(&w, "[external-dns]");
		wlist(&w, "servers", p->external_servers, p->nexternal);
		wline(&w, "use_external_dns_lookups = %s",
		    p->use_external_dns_lookups ? "true" : "false");
		wevidence(&w, p->external_evidence, p->nexternal_evidence);
	}
	if (p->nchecked > 0) {
		wline(&w, "%s", "");
		wline(&w, "; Domains probed that no connector fixes: exdns replay "
		    "asks them again.");
	}
	for (i = 0; i < p->nchecked; i++) {
		const plan_checked *k = &p->checked[i];
		wline(&w, "[checked %s]", k->domain);
		wline(&w, "verdict = %s", verdict_to_string(k->verdict));
		wevidence(&w, k->evidence, k->nevidence);
	}
	wline(&w, "%s", "");
	wline(&w, "; end of plan");
	if (fclose(w.f) != 0) {
		free(w.text);
		snprintf(err, errlen, "plan: %s", strerror(errno));
		return NULL;
	}
	if (w.toolong) {
		free(w.text);
		plan_err(err, errlen, p->path, 0,
		    "a line would be longer than %d bytes (%s...)",
		    PLAN_LINE_MAX, esc(w.toolong_key));
		return NULL;
	}
	if (w.len > PLAN_MAX_BYTES) {
		/* what exdns writes, exdns must be able to read back */
		free(w.text);
		plan_err(err, errlen, p->path, 0, "the plan would be larger than "
		    "%d bytes (%zu connectors): split the domains into several "
		    "plans", PLAN_MAX_BYTES, p->nconnectors);
		return NULL;
	}
	return w.text;
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */

int
plan_save(const char *path, const plan *p, unsigned flags, char *err,
          size_t errlen)
{
	char *text;
	int rc;

	if ((text = plan_format(p, err, errlen)) == NULL)
		return PLAN_SAVE_ERROR;
	rc = plan_save_text(path, text, flags, err, errlen);
	free(text);
	return rc;
}

/* Save TEXT (already formatted and checked) to PATH through the one atomic
 * writer: a new file unless PLAN_SAVE_OVERWRITE, then the old one is kept
 * as PATH.bak. */
int
plan_save_text(const char *path, const char *text, unsigned flags, char *err,
               size_t errlen)
{
	int rc;

	rc = util_atomic_write(path, text, strlen(text),
	    (flags & PLAN_SAVE_OVERWRITE) ? UTIL_AW_REPLACE | UTIL_AW_BACKUP : 0,
	    0666, err, errlen);
	if (rc == UTIL_AW_EXISTS) {
		plan_err(err, errlen, path, 0, "already exists; not overwriting "
		    "it (use --force: the old plan is kept as FILE.bak)");
		return PLAN_SAVE_EXISTS;
	}
	return rc == UTIL_AW_OK ? PLAN_SAVE_OK : PLAN_SAVE_ERROR;
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */

static bool
strv_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool
str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
plan_same_set(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (!strv_has_case(b, nb, a[i]))
			return false;
	for (i = 0; i < nb; i++)
		if (!strv_has_case(a, na, b[i]))
			return false;
	return true;
}

bool
plan_equal(const plan *a, const plan *b, bool ignore_times)
{
	size_t i;

	if (a->format != b->format || a->branch != b->branch ||
	    !str_equal(a->resolver, b->resolver) ||
	    !strv_equal(a->transport_servers, a->ntransport,
	    b->transport_servers, b->ntransport) ||
	    !str_equal(a->internet_connector, b->internet_connector) ||
	    a->nconnectors != b->nconnectors ||
	    a->has_external != b->has_external)
		return false;
	if (!ignore_times && (strcmp(a->created, b->created) != 0 ||
	    strcmp(a->updated, b->updated) != 0))
		return false;
	for (i = 0; i < a->nconnectors; i++) {
		const plan_connector *x = &a->connectors[i], *y = &b->connectors[i];
		if (strcmp(x->domain, y->domain) != 0 ||
		    x->verdict != y->verdict ||
		    !strv_equal(x->smart_hosts, x->nsmart, y->smart_hosts,
		    y->nsmart) ||
		    !strv_equal(x->mx, x->nmx, y->mx, y->nmx) ||
		    !strv_equal(x->evidence, x->nevidence, y->evidence,
		    y->nevidence))
			return false;
	}
	if (a->has_external && (!strv_equal(a->external_servers, a->nexternal,
	    b->external_servers, b->nexternal) ||
	    a->use_external_dns_lookups != b->use_external_dns_lookups ||
	    !strv_equal(a->external_evidence, a->nexternal_evidence,
	    b->external_evidence, b->nexternal_evidence)))
		return false;
	if (a->nchecked != b->nchecked)
		return false;
	for (i = 0; i < a->nchecked; i++)
		if (strcmp(a->checked[i].domain, b->checked[i].domain) != 0 ||
		    a->checked[i].verdict != b->checked[i].verdict ||
		    !strv_equal(a->checked[i].evidence, a->checked[i].nevidence,
		    b->checked[i].evidence, b->checked[i].nevidence))
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* From a probe run                                                    */

static bool
query_failed(const probe_query *q)
{
	return q->outcome != DNSQ_ANSWER || q->rcode != 0;
}

static void
evidence_push(char ***out, size_t *n, const char *text)
{
	char *s = esc_dup(ESC_PLAN, text, SIZE_MAX);
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*out)[i], s) == 0) {
			free(s);
			return;
		}
	*out = xrealloc(*out, (*n + 1) * sizeof **out);
	(*out)[(*n)++] = s;
}

/* probe_query_describe ("(192.0.2.53): AAAA mail.example.com: ...") with
 * who was asked in front, as the probe's reasons do: the name of one of the
 * domain's authoritative servers, or "resolver". */
static void
describe_named(const probe_run *r, const probe_domain *d,
               const probe_query *q, char *buf, size_t len)
{
	char desc[PLAN_TEXT_MAX], ip[ADDR_TEXT_MAX];
	const char *who = NULL;
	size_t i;

	probe_query_describe(r, q, desc, sizeof desc);
	if (q->rd)
		who = "resolver";
	else if (d != NULL) {
		const probe_server *s;
		addr_ip(probe_query_server(r, q), ip, sizeof ip);
		if ((s = probe_domain_server(d, ip)) != NULL)
			who = s->name;
	}
	i = who != NULL ? strlen(who) : 0;
	if (who != NULL && i + 1 < len) {
		memcpy(buf, who, i);
		buf[i++] = ' ';
	} else
		i = 0;
	snprintf(buf + i, len - i, "%s", desc);
}

void
plan_domain_evidence(probe_run *r, const probe_domain *d, size_t max,
                     char ***out, size_t *n)
{
	char buf[PLAN_TEXT_MAX];
	size_t i, start = *n;

	/* The reason (it names the query that proves the verdict) first,
	 * then every other query that failed. */
	if (d->reason[0] != '\0')
		evidence_push(out, n, d->reason);
	else if (d->proof >= 0 && (size_t)d->proof < probe_nqueries(r)) {
		describe_named(r, d, probe_query_at(r, (size_t)d->proof), buf,
		    sizeof buf);
		evidence_push(out, n, buf);
	}
	for (i = 0; i < d->nevidence && *n - start < max; i++) {
		const probe_query *q;
		if ((ssize_t)d->evidence[i] == d->proof ||
		    d->evidence[i] >= probe_nqueries(r))
			continue;
		q = probe_query_at(r, d->evidence[i]);
		if (!query_failed(q))
			continue;
		describe_named(r, d, q, buf, sizeof buf);
		evidence_push(out, n, buf);
	}
}

/* The [checked] sections: in a plan of branch no-dns-fault every domain
 * probed that needs no connector, in any other branch the ones of those
 * whose verdict is a fault (no connector fixes it, and its proof must not
 * be lost) - but for resolver-failure in an all-domains plan: that is the
 * branch itself, proved in [external-dns]. A fault keeps its evidence, as
 * a connector does; an ok domain none. */
static void
plan_keep_checked(plan *p, probe_run *r, char ***notes, size_t *nnotes)
{
	size_t i, nd = probe_ndomains(r);
	char buf[PLAN_TEXT_MAX];

	for (i = 0; i < nd; i++) {
		const probe_domain *d = probe_domain_at(r, i);
		plan_checked *k;
		char norm[DNAME_MAX];

		if (verdict_needs_connector(d->verdict) ||
		    (p->branch != BRANCH_NO_DNS_FAULT &&
		    !verdict_is_fault(d->verdict)) ||
		    (p->branch == BRANCH_ALL_DOMAINS &&
		    d->verdict == VERDICT_RESOLVER_FAILURE) ||
		    dname_normalize(d->name, norm) != 0)
			continue;
		if (p->nchecked == PLAN_MAX_CHECKED) {
			snprintf(buf, sizeof buf, "%zu more domains are not kept "
			    "in the plan (at most %d)", nd - i, PLAN_MAX_CHECKED);
			strv_push(notes, nnotes, buf);
			break;
		}
		k = plan_add_checked(p, norm, d->verdict);
		if (verdict_is_fault(d->verdict))
			plan_domain_evidence(r, d, 8, &k->evidence,
			    &k->nevidence);
	}
}

plan *
plan_from_probe(probe_run *r, const plan_meta *m, char ***notes,
                size_t *nnotes, char *err, size_t errlen)
{
	const probe_resolver_check *rc = probe_resolver(r);
	const queue_entry *qe;
	char buf[PLAN_TEXT_MAX], addr[ADDR_TEXT_MAX];
	plan *p = plan_new();
	size_t i, j;

	plan_set_time(p->created, m->now);
	addr_format(&rc->addr, addr, sizeof addr);
	p->resolver = xstrdup(addr);
	p->transport_servers = strv_copy(m->transport_servers, m->ntransport);
	p->ntransport = m->ntransport;
	if (m->internet_connector != NULL)
		p->internet_connector = xstrdup(m->internet_connector);
	p->branch = probe_branch(r);

	if (p->branch == BRANCH_ALL_DOMAINS) {
		p->has_external = true;
		p->use_external_dns_lookups = true;
		for (i = 0; i < probe_nexternals(r); i++) {
			const probe_resolver_check *x = probe_external_at(r, i);
			if (!x->usable)
				continue;
			addr_format(&x->addr, addr, sizeof addr);
			if (p->nexternal < PLAN_MAX_LIST &&
			    !strv_has_case(p->external_servers, p->nexternal,
			    addr))
				strv_push(&p->external_servers, &p->nexternal,
				    addr);
		}
		if (p->nexternal == 0) {
			/* Say so when candidates answered but showed a fault
			 * of their own (TCP, EDNS, large answers, slow). */
			size_t nfault = 0;
			rwhy first = RWHY_NONE;
			for (i = 0; i < probe_nexternals(r); i++) {
				const probe_resolver_check *x =
				    probe_external_at(r, i);
				if (x->status != RSTATUS_OK || x->why == RWHY_NONE)
					continue;
				if (nfault++ == 0)
					first = x->why;
			}
			if (nfault > 0)
				snprintf(err, errlen, "the resolver %s fails (%s) "
				    "and no external DNS candidate can be offered: "
				    "%zu answered but showed a fault of %s own (%s%s: "
				    "see the report); name working servers with "
				    "--external ADDR,...", p->resolver,
				    rstatus_to_string(rc->status), nfault,
				    nfault == 1 ? "its" : "their",
				    rwhy_to_string(first), nfault > 1 ? ", ..." :
				    "");
			else
				snprintf(err, errlen, "the resolver %s fails (%s) "
				    "and no external DNS candidate answered "
				    "correctly; name working servers with --external "
				    "ADDR,...", p->resolver,
				    rstatus_to_string(rc->status));
			plan_free(p);
			return NULL;
		}
		snprintf(buf, sizeof buf, "resolver %s: %s%s%s", p->resolver,
		    rstatus_to_string(rc->status), rc->why != RWHY_NONE ?
		    ", " : "", rc->why != RWHY_NONE ? rwhy_to_string(rc->why) :
		    "");
		evidence_push(&p->external_evidence, &p->nexternal_evidence, buf);
		/* Why it fails, and the query that shows it, first. */
		if (rc->why != RWHY_NONE) {
			snprintf(buf, sizeof buf, "why: %s", rwhy_meaning(rc->why));
			evidence_push(&p->external_evidence,
			    &p->nexternal_evidence, buf);
			ssize_t w[2] = {rc->why_proof, rc->why_retry};
			for (i = 0; i < 2; i++) {
				if (w[i] < 0 || (size_t)w[i] >= probe_nqueries(r))
					continue;
				describe_named(r, NULL, probe_query_at(r,
				    (size_t)w[i]), buf, sizeof buf);
				evidence_push(&p->external_evidence,
				    &p->nexternal_evidence, buf);
			}
		}
		for (i = 0; i < rc->nevidence && p->nexternal_evidence < 8; i++) {
			const probe_query *q;
			if (rc->evidence[i] >= probe_nqueries(r))
				continue;
			q = probe_query_at(r, rc->evidence[i]);
			if (!query_failed(q))
				continue;
			describe_named(r, NULL, q, buf, sizeof buf);
			evidence_push(&p->external_evidence,
			    &p->nexternal_evidence, buf);
		}
		plan_keep_checked(p, r, notes, nnotes);
		return p;
	}

	for (i = 0; i < probe_ndomains(r); i++) {
		probe_domain *d = probe_domain_at(r, i);
		plan_connector *c;
		char norm[DNAME_MAX];

		if (!verdict_needs_connector(d->verdict))
			continue;
		if (dname_normalize(d->name, norm) != 0)
			continue;
		if (d->nsmart == 0) {
			snprintf(buf, sizeof buf, "%s: %s, but its MX hosts have "
			    "no IPv4 address: no connector can be written",
			    norm, verdict_to_string(d->verdict));
			strv_push(notes, nnotes, buf);
			continue;
		}
		c = plan_add_connector(p, norm);
		c->verdict = d->verdict;
		for (j = 0; j < d->nsmart && c->nsmart < PLAN_MAX_LIST; j++)
			if (addr_is_smart_host_v4(d->smart_hosts[j]) &&
			    !strv_has_case(c->smart_hosts, c->nsmart,
			    d->smart_hosts[j]))
				strv_push(&c->smart_hosts, &c->nsmart,
				    d->smart_hosts[j]);
		for (j = 0; j < d->nmx && c->nmx < PLAN_MAX_LIST; j++) {
			char mx[DNAME_MAX];
			if (d->mx[j].host != NULL &&
			    dname_normalize(d->mx[j].host, mx) == 0 &&
			    !strv_has_case(c->mx, c->nmx, mx))
				strv_push(&c->mx, &c->nmx, mx);
		}
		plan_domain_evidence(r, d, 8, &c->evidence, &c->nevidence);
		/* what the queue said, sanitised like every evidence line */
		if ((qe = queue_find(m->queue, d->name)) != NULL) {
			snprintf(buf, sizeof buf, "queue: %llu message%s waiting, "
			    "%s: %s", qe->messages, qe->messages == 1 ? "" : "s",
			    qe->status[0] ? qe->status : "status unknown",
			    qe->last_error[0] ? qe->last_error : "no LastError");
			evidence_push(&c->evidence, &c->nevidence, buf);
		}
		if (c->nsmart == 0) {
			plan_remove_connector(p, p->nconnectors - 1);
			continue;
		}
	}
	if (p->branch == BRANCH_SPECIFIC_DOMAINS && p->nconnectors == 0)
		p->branch = BRANCH_NO_DNS_FAULT;
	/* The domains no connector fixes are kept, so that replay asks them
	 * again (a remote DNS may break later) and their proof is not lost. */
	plan_keep_checked(p, r, notes, nnotes);
	return p;
}
