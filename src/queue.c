/* queue.c - the Exchange queue as exported or copied: CSV (libcsv),
 * Format-List, the console's table, Select-Object output and plain lists;
 * only the failing external DNS-routed queues are kept. */
#include <config.h>

#include <csv.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "defaults.h"
#include "domains.h"
#include "escape.h"
#include "queue.h"
#include "util.h"

enum { COL_IDENTITY, COL_TYPE, COL_STATUS, COL_COUNT, COL_NEXTHOP,
       COL_ERROR, NCOLS };
static const char *const col_names[NCOLS] = {
	"Identity", "DeliveryType", "Status", "MessageCount", "NextHopDomain",
	"LastError",
};

static const char *const shape_names[QUEUE_SHAPE_COUNT] = {
	"csv", "format-list", "table", "list",
};

static const char *const error_names[QUEUE_ERR_COUNT] = {
	"none", "retry", "servfail", "timeout", "no-records", "nxdomain",
	"mx-loopback", "invalid-data", "other",
};

static const char *const error_meanings[QUEUE_ERR_COUNT] = {
	"no DNS error in the queue",
	"ErrorRetry: the DNS server Exchange uses gave a temporary failure "
	    "(no usable answer, try again later)",
	"ServerFailure: the DNS server Exchange uses answered SERVFAIL",
	"ErrorTimeout: the DNS server Exchange uses did not answer in time",
	"InfoNoRecords: no MX record and no address for the domain or its MX "
	    "hosts",
	"NonExistentDomain: the domain does not exist (NXDOMAIN)",
	"MxLoopback: an MX host of the domain points back to this Exchange "
	    "server or a loopback address",
	"InvalidData: the DNS answer held data Exchange cannot use (an MX "
	    "given as an address, a malformed record)",
	"a 4.4.0 DNS failure Exchange did not name",
};

const char *
queue_shape_to_string(queue_shape s)
{
	return enum_name(shape_names, QUEUE_SHAPE_COUNT, s, "?");
}

const char *
queue_error_to_string(queue_dns_error e)
{
	return enum_name(error_names, QUEUE_ERR_COUNT, e, "?");
}

const char *
queue_error_meaning(queue_dns_error e)
{
	return enum_name(error_meanings, QUEUE_ERR_COUNT, e, "?");
}

queue_dns_error
queue_error_classify(const char *s)
{
	static const struct { const char *text; queue_dns_error e; } map[] = {
		{"NonExistentDomain", QUEUE_ERR_NXDOMAIN},
		{"MxLoopback", QUEUE_ERR_MX_LOOPBACK},
		{"InvalidData", QUEUE_ERR_INVALID_DATA},
		{"ErrorRetry", QUEUE_ERR_RETRY},
		{"ServerFailure", QUEUE_ERR_SERVFAIL},
		{"ErrorTimeout", QUEUE_ERR_TIMEOUT},
		{"InfoNoRecords", QUEUE_ERR_NO_RECORDS},
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strstr(s, map[i].text) != NULL)
			return map[i].e;
	return strstr(s, "4.4.0") != NULL ? QUEUE_ERR_OTHER : QUEUE_ERR_NONE;
}

queue_agreement
queue_agrees(queue_dns_error e, verdict v)
{
	if (e == QUEUE_ERR_NONE || v == VERDICT_INCONCLUSIVE)
		return QUEUE_AGREE_UNKNOWN;
	if (v == VERDICT_OK)
		return QUEUE_AGREE_NO;   /* Exchange failed; the probe did not */
	switch (e) {
	case QUEUE_ERR_RETRY:
	case QUEUE_ERR_SERVFAIL:
	case QUEUE_ERR_TIMEOUT:
		return v == VERDICT_AAAA_DROPPED ||
		    v == VERDICT_AAAA_BAD_RESPONSE ||
		    v == VERDICT_RESOLVER_FAILURE || v == VERDICT_UNREACHABLE ||
		    v == VERDICT_LAME_DELEGATION || v == VERDICT_SLOW ||
		    v == VERDICT_DNSSEC_BOGUS || v == VERDICT_EDNS_BROKEN ||
		    v == VERDICT_TCP_BLOCKED || v == VERDICT_LARGE_DROPPED ?
		    QUEUE_AGREE_YES : QUEUE_AGREE_NO;
	case QUEUE_ERR_NO_RECORDS:
		return v == VERDICT_MX_NO_ADDRESS || v == VERDICT_NULL_MX ||
		    v == VERDICT_IPV6_ONLY_MX ? QUEUE_AGREE_YES : QUEUE_AGREE_NO;
	case QUEUE_ERR_NXDOMAIN:
		return v == VERDICT_NXDOMAIN ? QUEUE_AGREE_YES : QUEUE_AGREE_NO;
	case QUEUE_ERR_MX_LOOPBACK:
		/* Behind NAT this server's public address is on no
		 * interface: exdns cannot see every loopback. */
		return v == VERDICT_MX_LOOPBACK ? QUEUE_AGREE_YES :
		    QUEUE_AGREE_UNKNOWN;
	case QUEUE_ERR_INVALID_DATA:
		return v == VERDICT_AAAA_BAD_RESPONSE ||
		    v == VERDICT_MX_NO_ADDRESS ? QUEUE_AGREE_YES :
		    QUEUE_AGREE_UNKNOWN;
	default:
		return QUEUE_AGREE_YES;  /* any fault fits an unnamed failure */
	}
}

/* ---- building the queue ------------------------------------------------ */

typedef struct qstate {
	queue *q;
	const char *path;            /* escaped */
	size_t cap, *htab, hcap;     /* entries' capacity; domain hash set */
	bool has_type;
} qstate;

static void queue_error(qstate *st, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE:LINE: message" for a bad row; values in it escaped by the caller. */
static void
queue_error(qstate *st, unsigned line, const char *fmt, ...)
{
	char msg[900];
	size_t o;
	va_list ap;

	snprintf(msg, sizeof msg, "%s:%u: ", st->path, line);
	o = strlen(msg);
	va_start(ap, fmt);
	vsnprintf(msg + o, sizeof msg - o, fmt, ap);
	va_end(ap);
	strv_push(&st->q->errors, &st->q->nerrors, msg);
}

/* Copy of s without white space around it. */
static char *
queue_trim(const char *s, size_t len)
{
	char *o;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	o = xmalloc(len + 1);
	memcpy(o, s, len);
	o[len] = '\0';
	return o;
}

/* value is name, or name cut short by the console ("DnsConnec..."). */
static bool
queue_is(const char *value, const char *name)
{
	size_t len = strlen(value);

	if (len > 3 && strcmp(value + len - 3, "...") == 0)
		return len - 3 <= strlen(name) &&
		    strncasecmp(value, name, len - 3) == 0;
	return strcasecmp(value, name) == 0;
}

/* Without a DeliveryType: the queues every server has whose names give
 * them away. */
static const char *
queue_internal_name(const char *id, const char *hop)
{
	static const char *const names[] = {
		"Submission", "Poison", "Unreachable", "Shadow",
	};
	const char *last;
	size_t i;

	if (id != NULL && *id != '\0') {
		last = strrchr(id, '\\');
		last = last ? last + 1 : id;
		if (strstr(id, "\\Shadow\\") != NULL)
			return "Shadow";
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcasecmp(last, names[i]) == 0)
				return names[i];
	}
	if (hop != NULL && (strcasecmp(hop, "Submission") == 0 ||
	    strcasecmp(hop, "Unreachable Domain") == 0 ||
	    strcasecmp(hop, "Poison Message") == 0))
		return hop;
	return NULL;
}

static void
queue_skip(queue *q, const char *kind)
{
	size_t i;

	q->nskipped++;
	for (i = 0; i < q->nkinds; i++)
		if (strcmp(q->skipped_kinds[i], kind) == 0) {
			q->skipped_counts[i]++;
			return;
		}
	strv_push(&q->skipped_kinds, &q->nkinds, kind);
	q->skipped_counts = xrealloc(q->skipped_counts,
	    q->nkinds * sizeof *q->skipped_counts);
	q->skipped_counts[q->nkinds - 1] = 1;
}

static queue_entry *
queue_entry_for(qstate *st, const char *domain, unsigned line, bool *fresh)
{
	queue *q = st->q;
	size_t i, j;
	queue_entry *e;

	if ((q->n + 1) * 2 > st->hcap) {
		free(st->htab);
		st->hcap = st->hcap ? st->hcap * 2 : 256;
		st->htab = xcalloc(st->hcap, sizeof *st->htab);
		for (i = 0; i < q->n; i++) {
			j = fnv1a(FNV_INIT, q->entries[i].domain,
			    strlen(q->entries[i].domain)) & (st->hcap - 1);
			while (st->htab[j] != 0)
				j = (j + 1) & (st->hcap - 1);
			st->htab[j] = i + 1;
		}
	}
	for (j = fnv1a(FNV_INIT, domain, strlen(domain)) & (st->hcap - 1);
	    st->htab[j] != 0; j = (j + 1) & (st->hcap - 1))
		if (strcmp(q->entries[st->htab[j] - 1].domain, domain) == 0) {
			*fresh = false;
			return &q->entries[st->htab[j] - 1];
		}
	q->entries = xgrow(q->entries, sizeof *q->entries, &st->cap, q->n + 1);
	e = &q->entries[q->n++];
	st->htab[j] = q->n;
	memset(e, 0, sizeof *e);
	strcpy(e->domain, domain);
	e->line = line;
	*fresh = true;
	return e;
}

/* The LED part of an Exchange 2013+ LastError, else the text itself. */
static char *
queue_inner_error(const char *s)
{
	const char *led = strstr(s, "{LED="), *end;

	if (led == NULL)
		return xstrdup(s);
	led += 5;
	end = strstr(led, "};");
	if (end == NULL)
		end = strchr(led, '}');
	if (end == NULL)
		end = led + strlen(led);
	return queue_trim(led, (size_t)(end - led));
}

/* One queue (a row of any shape); absent columns are NULL. */
static void
queue_row(qstate *st, unsigned line, char *const *val)
{
	queue *q = st->q;
	const char *type = val[COL_TYPE], *hop = val[COL_NEXTHOP];
	const char *status = val[COL_STATUS] ? val[COL_STATUS] : "";
	const char *kind = NULL;
	char norm[DNAME_MAX], why[200], esc[160], *inner;
	unsigned long long count = 0;
	queue_dns_error err;
	queue_entry *e;
	bool fresh, failing;

	if (hop == NULL || *hop == '\0') {
		queue_error(st, line, "a queue without NextHopDomain");
		return;
	}
	if (type == NULL || *type == '\0' ||
	    !queue_is(type, "DnsConnectorDelivery")) {
		/* Counted by the queue's own name when it has one
		 * (Submission, Poison: DeliveryType Undefined). */
		kind = queue_internal_name(val[COL_IDENTITY], hop);
		if (kind == NULL && type != NULL && *type != '\0')
			kind = type;
	}
	if (kind != NULL) {
		queue_skip(q, esc_buf(ESC_TERMINAL, kind, strlen(kind), esc, 64));
		return;
	}
	q->nexternal++;
	inner = queue_inner_error(val[COL_ERROR] ? val[COL_ERROR] : "");
	err = queue_error_classify(inner);
	failing = strcasecmp(status, "Retry") == 0 || err != QUEUE_ERR_NONE ||
	    (!q->has_status && !q->has_last_error);
	if (!failing) {
		free(inner);
		return;
	}
	q->nfailing++;
	if (val[COL_COUNT] != NULL && *val[COL_COUNT] != '\0') {
		const char *p = val[COL_COUNT];
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p) ||
			    count > (~0ull - 9) / 10)
				break;
			count = count * 10 + (unsigned long long)(*p - '0');
		}
		if (*p != '\0') {
			queue_error(st, line, "MessageCount '%s' is not a "
			    "number", esc_buf(ESC_TERMINAL, val[COL_COUNT],
			    strlen(val[COL_COUNT]), esc, sizeof esc));
			free(inner);
			return;
		}
	}
	if (strlen(hop) > 3 && strcmp(hop + strlen(hop) - 3, "...") == 0) {
		queue_error(st, line, "NextHopDomain '%s' was cut short by the "
		    "console; export the queue with Export-Csv instead",
		    esc_buf(ESC_TERMINAL, hop, strlen(hop), esc, sizeof esc));
		free(inner);
		return;
	}
	if (domains_parse(hop, norm, why, sizeof why) != 0) {
		queue_error(st, line, "NextHopDomain '%s' is not a valid domain "
		    "name: %s", esc_buf(ESC_TERMINAL, hop, strlen(hop), esc, sizeof esc), why);
		free(inner);
		return;
	}
	e = queue_entry_for(st, norm, line, &fresh);
	e->nqueues++;
	e->messages += count;
	if (fresh || (e->error == QUEUE_ERR_NONE && err != QUEUE_ERR_NONE)) {
		free(e->status);
		free(e->last_error);
		e->status = xstrdup(status);
		e->last_error = inner;
		e->error = err;
	} else
		free(inner);
}

static int
queue_col(const char *name)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if (queue_is(name, col_names[i]))
			return (int)i;
	return -1;
}

/* ---- CSV (libcsv) -------------------------------------------------- */

typedef struct csvstate {
	qstate *st;
	char **fields; size_t nfields, cap;
	int map[64];                 /* field index -> column, or -1 */
	size_t nheader;              /* 0 until the header is read */
	bool has_next_hop;
	unsigned line, rec_line;
} csvstate;

static void
queue_csv_field(void *s, size_t len, void *data)
{
	csvstate *c = data;

	c->fields = xgrow(c->fields, sizeof *c->fields, &c->cap,
	    c->nfields + 1);
	c->fields[c->nfields++] = queue_trim(s ? s : "", s ? len : 0);
}

static void
queue_csv_record(int term, void *data)
{
	csvstate *c = data;
	char *val[NCOLS] = {NULL};
	size_t i;
	int col;

	(void)term;
	if (c->nheader == 0) {
		c->nheader = c->nfields;
		for (i = 0; i < c->nfields && i < 64; i++) {
			c->map[i] = col = queue_col(c->fields[i]);
			if (col == COL_NEXTHOP)
				c->has_next_hop = true;
			else if (col == COL_STATUS)
				c->st->q->has_status = true;
			else if (col == COL_ERROR)
				c->st->q->has_last_error = true;
		}
	} else if (c->nfields == 1 && c->fields[0][0] == '\0') {
		/* a blank line */
	} else if (c->nfields != c->nheader) {
		queue_error(c->st, c->rec_line, "%zu fields, the header has %zu "
		    "(a cut or edited file?)", c->nfields, c->nheader);
	} else if (c->has_next_hop) {
		for (i = 0; i < c->nfields && i < 64; i++)
			if (c->map[i] >= 0)
				val[c->map[i]] = c->fields[i];
		queue_row(c->st, c->rec_line, val);
	}
	for (i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	c->nfields = 0;
	c->rec_line = c->line + 1;
}

static int
queue_csv(qstate *st, const char *text, size_t len, unsigned first,
          char *err, size_t errlen)
{
	struct csv_parser p;
	csvstate c;
	const char *s = text, *end = text + len, *nl;
	size_t commas = 0, semis = 0, i;
	int rc = 0;

	memset(&c, 0, sizeof c);
	c.st = st;
	c.line = first;
	if (strncmp(s, "#TYPE", 5) == 0) {
		nl = memchr(s, '\n', len);
		s = nl ? nl + 1 : end;
		c.line++;
	}
	c.rec_line = c.line;
	first = c.line;
	/* Export-Csv -UseCulture writes ';' in many locales. */
	for (i = 0; s + i < end && s[i] != '\n'; i++) {
		commas += s[i] == ',';
		semis += s[i] == ';';
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return -1;
	if (semis > commas)
		csv_set_delim(&p, ';');
	/* A line at a time, so each record knows the line it starts on. */
	for (; s < end; s = nl, c.line++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		nl = nl ? nl + 1 : end;
		if (csv_parse(&p, s, (size_t)(nl - s), queue_csv_field,
		    queue_csv_record, &c) != (size_t)(nl - s)) {
			snprintf(err, errlen, "%s:%u: not CSV: %s", st->path,
			    c.line, csv_strerror(csv_error(&p)));
			rc = -1;
			break;
		}
	}
	if (rc == 0 && csv_fini(&p, queue_csv_field, queue_csv_record, &c)
	    != 0) {
		snprintf(err, errlen, "%s:%u: a quoted field is never closed (the "
		    "file is cut short?)", st->path, c.rec_line);
		rc = -1;
	}
	if (rc == 0 && !c.has_next_hop) {
		snprintf(err, errlen, "%s:%u: no NextHopDomain column: export "
		    "with Select-Object Identity,DeliveryType,Status,MessageCount,"
		    "NextHopDomain,LastError", st->path, first);
		rc = -1;
	}
	for (i = 0; i < c.nfields; i++)
		free(c.fields[i]);
	free(c.fields);
	csv_free(&p);
	return rc;
}

/* ---- lines: Format-List, tables, plain lists --------------------------- */

typedef struct qline {
	const char *s;
	size_t len;                  /* without CR LF */
} qline;

static qline *
queue_lines(const char *text, size_t len, size_t *n)
{
	const char *p = text, *end = text + len, *nl;
	qline *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		v = xgrow(v, sizeof *v, &cap, *n + 1);
		v[*n].s = p;
		v[*n].len = (size_t)(nl - p);
		while (v[*n].len > 0 && (p[v[*n].len - 1] == '\n' ||
		    p[v[*n].len - 1] == '\r'))
			v[*n].len--;
		(*n)++;
	}
	return v;
}

static bool
queue_blank(const qline *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->s[i]))
			return false;
	return true;
}

/* Runs of dashes: the columns of a table. Returns how many (<= max). */
static size_t
queue_rule(const qline *l, size_t *starts, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < l->len; i++) {
		if (l->s[i] == '-' && (i == 0 || l->s[i - 1] != '-')) {
			if (n == max)
				return 0;
			starts[n++] = i;
		} else if (l->s[i] != '-' && !isspace((unsigned char)l->s[i]))
			return 0;
	}
	return n;
}

/* "Key : value" of Format-List; the key's length, or 0. */
static size_t
queue_list_key(const qline *l, size_t *vstart)
{
	size_t i = 0, k;

	while (i < l->len && isalnum((unsigned char)l->s[i]))
		i++;
	if (i == 0)
		return 0;
	k = i;
	while (i < l->len && l->s[i] == ' ')
		i++;
	if (i >= l->len || l->s[i] != ':')
		return 0;
	i++;
	if (i < l->len && l->s[i] == ' ')
		i++;
	*vstart = i;
	return k;
}

static void
queue_vals_free(char **val)
{
	size_t i;

	for (i = 0; i < NCOLS; i++) {
		free(val[i]);
		val[i] = NULL;
	}
}

static int
queue_format_list(qstate *st, const qline *ln, size_t n, char *err,
                  size_t errlen)
{
	char *val[NCOLS] = {NULL}, name[64];
	size_t i, vs = 0, k, vcol = 0;
	unsigned start = 0;
	int last = -1;
	bool any = false, seen = false;

	for (i = 0; i <= n; i++) {
		if (i == n || queue_blank(&ln[i])) {
			if (seen) {
				for (k = 0; k < NCOLS; k++)
					if (val[k] != NULL) {
						char *t = queue_trim(val[k],
						    strlen(val[k]));
						free(val[k]);
						val[k] = t;
					}
				queue_row(st, start, val);
				any = any || val[COL_NEXTHOP] != NULL;
			}
			queue_vals_free(val);
			seen = false;
			last = -1;
			continue;
		}
		if ((k = queue_list_key(&ln[i], &vs)) > 0 && k < sizeof name) {
			memcpy(name, ln[i].s, k);
			name[k] = '\0';
			if (!seen)
				start = (unsigned)i + 1;
			seen = true;
			last = queue_col(name);
			if (last >= 0) {
				free(val[last]);
				/* kept as it is (a trailing space may be a
				 * space the console wrapped at) until the
				 * record ends */
				val[last] = xmalloc(ln[i].len - vs + 1);
				memcpy(val[last], ln[i].s + vs, ln[i].len - vs);
				val[last][ln[i].len - vs] = '\0';
				vcol = vs;
				if (last == COL_STATUS)
					st->q->has_status = true;
				else if (last == COL_ERROR)
					st->q->has_last_error = true;
			}
		} else if (last >= 0 && isspace((unsigned char)ln[i].s[0])) {
			/* the console wrapped a long value at its width, in
			 * the middle of a word or at a space: only the
			 * indentation to the value column goes */
			size_t a = strlen(val[last]), skip = 0, b;
			while (skip < vcol && skip < ln[i].len &&
			    ln[i].s[skip] == ' ')
				skip++;
			b = ln[i].len - skip;
			val[last] = xrealloc(val[last], a + b + 1);
			memcpy(val[last] + a, ln[i].s + skip, b);
			val[last][a + b] = '\0';
		}
	}
	if (!any) {
		snprintf(err, errlen, "%s: no NextHopDomain in this Format-List "
		    "output", st->path);
		return -1;
	}
	return 0;
}

#define QUEUE_MAX_COLS 32

static int
queue_table(qstate *st, const qline *ln, size_t n, size_t h, char *err,
            size_t errlen)
{
	size_t starts[QUEUE_MAX_COLS], ncols, i, j;
	int map[QUEUE_MAX_COLS];
	char *val[NCOLS] = {NULL};
	bool hop = false;

	ncols = queue_rule(&ln[h + 1], starts, QUEUE_MAX_COLS);
	for (j = 0; j < ncols; j++) {
		size_t a = starts[j], b = j + 1 < ncols ? starts[j + 1] :
		    ln[h].len;
		char *name = queue_trim(ln[h].s + (a < ln[h].len ? a : ln[h].len),
		    a < ln[h].len ? (b < ln[h].len ? b : ln[h].len) - a : 0);
		map[j] = queue_col(name);
		free(name);
		hop = hop || map[j] == COL_NEXTHOP;
		st->q->has_status = st->q->has_status || map[j] == COL_STATUS;
		st->q->has_last_error = st->q->has_last_error ||
		    map[j] == COL_ERROR;
	}
	if (!hop) {
		snprintf(err, errlen, "%s:%zu: no NextHopDomain column in this "
		    "table", st->path, h + 1);
		return -1;
	}
	for (i = h + 2; i < n; i++) {
		size_t dummy[QUEUE_MAX_COLS];
		if (queue_blank(&ln[i]) || queue_rule(&ln[i], dummy,
		    QUEUE_MAX_COLS) > 0 || (ln[i].len == ln[h].len &&
		    memcmp(ln[i].s, ln[h].s, ln[i].len) == 0))
			continue;
		for (j = 0; j < ncols; j++) {
			size_t a = starts[j], b = j + 1 < ncols ? starts[j + 1] :
			    ln[i].len;
			if (map[j] < 0)
				continue;
			if (a > ln[i].len)
				a = ln[i].len;
			if (b > ln[i].len || b < a)
				b = ln[i].len;
			free(val[map[j]]);
			val[map[j]] = queue_trim(ln[i].s + a, b - a);
		}
		queue_row(st, (unsigned)i + 1, val);
		queue_vals_free(val);
	}
	return 0;
}

static void
queue_plain(qstate *st, const char *text, size_t len)
{
	char **v = NULL, *val[NCOLS] = {NULL};
	unsigned *lines = NULL;
	size_t n = 0, i;

	list_parse_text(text, len, &v, &lines, &n);
	for (i = 0; i < n; i++) {
		if (strcasecmp(v[i], "NextHopDomain") == 0)
			continue;
		val[COL_NEXTHOP] = v[i];
		queue_row(st, lines[i], val);
	}
	strv_free(v, n);
	free(lines);
}

/* ---- reading ------------------------------------------------------------ */

static int
queue_by_messages(const void *a, const void *b)
{
	const queue_entry *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const queue *queue_sorting;

static int
queue_by_name(const void *a, const void *b)
{
	return strcmp(queue_sorting->entries[*(const size_t *)a].domain,
	    queue_sorting->entries[*(const size_t *)b].domain);
}

/* Does this first line name a queue column (a CSV header)? */
static bool
queue_csv_header(const qline *l)
{
	size_t i = 0, a;
	char name[64];

	while (i < l->len) {
		while (i < l->len && (l->s[i] == '"' || l->s[i] == ' '))
			i++;
		a = i;
		while (i < l->len && l->s[i] != ',' && l->s[i] != ';' &&
		    l->s[i] != '"')
			i++;
		if (i - a > 0 && i - a < sizeof name) {
			memcpy(name, l->s + a, i - a);
			name[i - a] = '\0';
			if (queue_col(name) >= 0 && i < l->len)
				return true;
		}
		while (i < l->len && (l->s[i] == ',' || l->s[i] == ';' ||
		    l->s[i] == '"'))
			i++;
	}
	return false;
}

queue *
queue_parse(const char *text, size_t len, const char *path, char *err,
            size_t errlen)
{
	qstate st;
	queue *q = xcalloc(1, sizeof *q);
	qline *ln;
	size_t n, h, vs, starts[QUEUE_MAX_COLS];
	char esc[300];
	int rc = 0;

	memset(&st, 0, sizeof st);
	st.q = q;
	q->path = xstrdup(esc_buf(ESC_TERMINAL, path, strlen(path), esc, sizeof esc));
	st.path = q->path;
	ln = queue_lines(text, len, &n);
	for (h = 0; h < n && queue_blank(&ln[h]); h++)
		;
	if (h < n && (ln[h].s[0] == '"' || strncmp(ln[h].s, "#TYPE", 5) == 0
	    || queue_csv_header(&ln[h]))) {
		q->shape = QUEUE_SHAPE_CSV;
		rc = queue_csv(&st, ln[h].s, len - (size_t)(ln[h].s - text),
		    (unsigned)h + 1, err, errlen);
	} else if (h < n && queue_list_key(&ln[h], &vs) > 0) {
		q->shape = QUEUE_SHAPE_LIST;
		rc = queue_format_list(&st, ln, n, err, errlen);
	} else if (h + 1 < n && queue_rule(&ln[h + 1], starts,
	    QUEUE_MAX_COLS) >= 2) {
		q->shape = QUEUE_SHAPE_TABLE;
		rc = queue_table(&st, ln, n, h, err, errlen);
	} else {
		q->shape = QUEUE_SHAPE_PLAIN;
		queue_plain(&st, text, len);
	}
	free(ln);
	free(st.htab);
	if (rc != 0) {
		queue_free(q);
		return NULL;
	}
	queue_index(q);
	return q;
}

void
queue_index(queue *q)
{
	size_t h;

	if (q->n > 0)
		qsort(q->entries, q->n, sizeof *q->entries, queue_by_messages);
	free(q->by_name);
	q->by_name = xmalloc((q->n ? q->n : 1) * sizeof *q->by_name);
	for (h = 0; h < q->n; h++)
		q->by_name[h] = h;
	queue_sorting = q;
	if (q->n > 0)
		qsort(q->by_name, q->n, sizeof *q->by_name, queue_by_name);
	queue_sorting = NULL;
}

queue *
queue_read(const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	queue *q;

	if ((text = util_read_text(path, MAX_INPUT_BYTES, &len, err, errlen))
	    == NULL)
		return NULL;
	q = queue_parse(text, len, strcmp(path, "-") == 0 ? "<stdin>" : path,
	    err, errlen);
	free(text);
	return q;
}

void
queue_free(queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++) {
		free(q->entries[i].status);
		free(q->entries[i].last_error);
	}
	free(q->entries);
	free(q->path);
	strv_free(q->skipped_kinds, q->nkinds);
	free(q->skipped_counts);
	strv_free(q->errors, q->nerrors);
	free(q->by_name);
	free(q);
}

const queue_entry *
queue_find(const queue *q, const char *domain)
{
	size_t lo = 0, hi = q ? q->n : 0, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(domain, q->entries[q->by_name[mid]].domain);
		if (c == 0)
			return &q->entries[q->by_name[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

branch
queue_hint(const queue *q)
{
	if (q == NULL || q->nexternal == 0 ||
	    (!q->has_status && !q->has_last_error))
		return BRANCH_COUNT;     /* the queue cannot tell */
	if (q->nfailing == 0)
		return BRANCH_NO_DNS_FAULT;
	return q->nfailing == q->nexternal && q->nexternal > 1 ?
	    BRANCH_ALL_DOMAINS : BRANCH_SPECIFIC_DOMAINS;
}
