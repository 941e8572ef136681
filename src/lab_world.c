/* lab_world.c - reads the demo lab's world file (format at the top of
 * data/lab.ini) into zones, servers and resolvers, generates SOA, NS, glue
 * and server addresses, checks it, and keeps hash tables for the lookups
 * the answering code does per query. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "dname.h"
#include "escape.h"
#include "ini.h"
#include "lab_world.h"
#include "util.h"
#include "verdict.h"

#define LAB_LINE_MAX      4096
#define LAB_FILE_MAX      (16 * 1024 * 1024)
#define LAB_DEFAULT_TTL   3600
#define LAB_SOA_TTL       300
#define LAB_UDP_MAX       1232   /* default largest UDP reply (EDNS) */

/* --- names ------------------------------------------------------------- */

static const char *const behaviour_names[LAB_B_COUNT] = {
	"normal", "drop", "servfail", "formerr", "notimp", "refused",
	"nxdomain", "wrong-id", "wrong-question", "malformed", "dead", "closed"
};

const char *
lab_behaviour_to_string(lab_behaviour b)
{
	return (unsigned)b < LAB_B_COUNT ? behaviour_names[b] : "?";
}

static const char *const rmode_names[LAB_R_COUNT] = {
	"recursive", "servfail", "drop", "refused", "closed"
};

const char *
lab_rmode_to_string(lab_rmode m)
{
	return (unsigned)m < LAB_R_COUNT ? rmode_names[m] : "?";
}

bool
lab_typeset_has(const lab_typeset *s, uint16_t type)
{
	unsigned i;

	if (s->all)
		return true;
	for (i = 0; i < s->n; i++)
		if (s->t[i] == type)
			return true;
	return false;
}

void
lab_typeset_format(const lab_typeset *s, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i;
	char *t;

	buf[0] = '\0';
	if (s->all) {
		snprintf(buf, len, "all");
		return;
	}
	for (i = 0; i < s->n && used < len; i++) {
		t = ldns_rr_type2str((ldns_rr_type)s->t[i]);
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "," : "", t ? t : "?");
		free(t);
	}
}

void
lab_policy_format(const lab_policy *p, char *buf, size_t len)
{
	char types[128];

	if (p->action == LAB_P_NORMAL) {
		snprintf(buf, len, "normal");
		return;
	}
	lab_typeset_format(&p->types, types, sizeof types);
	snprintf(buf, len, "%s %s", p->action == LAB_P_SERVFAIL ? "servfail" :
	    "drop", types);
}

/* --- wire-format names ------------------------------------------------- */

int
lab_dname_from_rdf(const ldns_rdf *rdf, lab_dname *out)
{
	size_t i, n;

	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return -1;
	n = ldns_rdf_size(rdf);
	if (n == 0 || n > LDNS_MAX_DOMAINLEN)
		return -1;
	memcpy(out->w, ldns_rdf_data(rdf), n);
	for (i = 0; i < n; i++)
		out->w[i] = (uint8_t)tolower(out->w[i]);
	out->len = (uint8_t)n;
	return 0;
}

void
lab_dname_format(const lab_dname *d, char *buf, size_t len)
{
	char label[64], esc[260];
	size_t used = 0, p = 0;
	uint8_t l;

	buf[0] = '\0';
	if (d->len <= 1) {
		snprintf(buf, len, ".");
		return;
	}
	while (p < d->len && (l = d->w[p]) != 0 && used < len) {
		memcpy(label, d->w + p + 1, l);
		esc_buf(ESC_TERMINAL, label, l, esc, sizeof esc);
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    p ? "." : "", esc);
		p += (size_t)l + 1;
	}
}

bool
lab_dname_under(const lab_dname *a, const lab_dname *b)
{
	size_t p = 0;

	while (p < a->len) {
		if ((size_t)(a->len - p) == b->len &&
		    memcmp(a->w + p, b->w, b->len) == 0)
			return true;
		if (a->w[p] == 0)
			break;
		p += (size_t)a->w[p] + 1;
	}
	return false;
}

/* Text (with or without trailing dot) to a lowercase wire name. */
static int
dname_from_text(const char *text, lab_dname *out)
{
	char buf[DNAME_MAX + 2];
	ldns_rdf *rdf = NULL;
	size_t n = strlen(text);
	int rc;

	if (n == 0 || n > DNAME_MAX)
		return -1;
	snprintf(buf, sizeof buf, "%s%s", text,
	    text[n - 1] == '.' ? "" : ".");
	if (ldns_str2rdf_dname(&rdf, buf) != LDNS_STATUS_OK)
		return -1;
	rc = lab_dname_from_rdf(rdf, out);
	ldns_rdf_deep_free(rdf);
	return rc;
}

/* --- hash tables -------------------------------------------------------- */

typedef struct htab_entry {
	uint64_t h;
	size_t zone;
	const uint8_t *key;
	size_t len;
	void *val;
} htab_entry;

struct lab_htab {
	htab_entry *e;
	size_t cap, n;          /* cap is a power of two */
};

static uint64_t
htab_hash(size_t zone, const uint8_t *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ ((uint64_t)zone * 0x9e3779b97f4a7c15ULL);
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= key[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static struct lab_htab *
htab_new(void)
{
	struct lab_htab *t = xcalloc(1, sizeof *t);

	t->cap = 64;
	t->e = xcalloc(t->cap, sizeof *t->e);
	return t;
}

static void
htab_free(struct lab_htab *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

static void *
htab_get(const struct lab_htab *t, size_t zone, const uint8_t *key, size_t len)
{
	uint64_t h = htab_hash(zone, key, len);
	size_t i = (size_t)h & (t->cap - 1);

	while (t->e[i].val != NULL) {
		const htab_entry *e = &t->e[i];
		if (e->h == h && e->zone == zone && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return e->val;
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

static void htab_put(struct lab_htab *t, size_t zone, const uint8_t *key,
                     size_t len, void *val);

static void
htab_grow(struct lab_htab *t)
{
	htab_entry *old = t->e;
	size_t oldcap = t->cap, i;

	t->cap *= 2;
	t->e = xcalloc(t->cap, sizeof *t->e);
	t->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].val != NULL)
			htab_put(t, old[i].zone, old[i].key, old[i].len,
			    old[i].val);
	free(old);
}

/* key must stay valid as long as the table (it points into the value). */
static void
htab_put(struct lab_htab *t, size_t zone, const uint8_t *key, size_t len,
         void *val)
{
	uint64_t h;
	size_t i;

	if ((t->n + 1) * 2 > t->cap)
		htab_grow(t);
	h = htab_hash(zone, key, len);
	i = (size_t)h & (t->cap - 1);
	while (t->e[i].val != NULL)
		i = (i + 1) & (t->cap - 1);
	t->e[i].h = h;
	t->e[i].zone = zone;
	t->e[i].key = key;
	t->e[i].len = len;
	t->e[i].val = val;
	t->n++;
}

/* --- the file: sections of settings and record lines ------------------- */

typedef struct lab_entry {
	char *key;              /* NULL for a record line */
	char *value;            /* the record line itself for records */
	unsigned line;
	bool used;
} lab_entry;

typedef enum sect_kind {
	SECT_LAB, SECT_EXPECT, SECT_ZONE, SECT_SERVER, SECT_RESOLVER
} sect_kind;

typedef struct lab_sect {
	sect_kind kind;
	char *name;             /* NULL for [lab], [expect] */
	unsigned line;
	lab_entry *e;
	size_t n, cap;
} lab_sect;

typedef struct loader {
	const char *path;
	char *err;
	size_t errlen;
	lab_sect *s;
	size_t ns, caps;
	lab_world *w;
	struct lab_htab *server_tab;   /* server name wire -> lab_server */
	lab_dname *server_names;       /* parallel to w->servers */
} loader;

static int
lerr(loader *L, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(L->err, L->errlen, L->path, line, fmt, ap);
	va_end(ap);
	return -1;
}

static void
lwarn(loader *L, unsigned line, const char *fmt, ...)
{
	char buf[1200], msg[512];
	va_list ap;

	snprintf(msg, sizeof msg, "warning: %s", fmt);
	va_start(ap, fmt);
	util_file_verr(buf, sizeof buf, L->path, line, msg, ap);
	va_end(ap);
	strv_push(&L->w->warnings, &L->w->nwarnings, buf);
}

/* The lab world's rules for the one lexer: keys case-blind, ';' or '#'
 * after a blank starts a comment outside "..." (where '\\' protects the
 * next byte), a line that is not "key = value" is a record line of the
 * zone above, a key once per section. */
static const ini_rules lab_rules = {
	INI_SECTIONS | INI_FOLD_KEYS | INI_INLINE_COMMENTS | INI_QUOTE_ESCAPES |
	INI_BARE_LINES | INI_UNIQUE,
	LAB_LINE_MAX, 64, "-_.", "lab world"
};

static int
parse_section_header(loader *L, const ini_section *is)
{
	char *kind = xstrdup(is->name), *name = kind;
	lab_sect *s;
	size_t i;
	int rc = 0;

	while (*name && *name != ' ' && *name != '\t')
		name++;
	if (*name)
		*name++ = '\0';
	while (*name == ' ' || *name == '\t')
		name++;
	L->s = xgrow(L->s, sizeof *L->s, &L->caps, L->ns + 1);
	s = &L->s[L->ns];
	memset(s, 0, sizeof *s);
	s->line = is->line;
	for (i = 0; kind[i]; i++)
		kind[i] = (char)tolower((unsigned char)kind[i]);
	if (strcmp(kind, "lab") == 0 || strcmp(kind, "expect") == 0) {
		if (*name)
			rc = lerr(L, is->line, "[%s] takes no name", kind);
		s->kind = kind[0] == 'l' ? SECT_LAB : SECT_EXPECT;
		for (i = 0; rc == 0 && i < L->ns; i++)
			if (L->s[i].kind == s->kind)
				rc = lerr(L, is->line, "second [%s] section "
				    "(the first is at line %u)", kind, L->s[i].line);
	} else if (strcmp(kind, "zone") == 0 || strcmp(kind, "server") == 0 ||
	    strcmp(kind, "resolver") == 0) {
		if (*name == '\0' || strpbrk(name, " \t") != NULL)
			rc = lerr(L, is->line, "[%s NAME] needs one name", kind);
		s->kind = kind[0] == 'z' ? SECT_ZONE : kind[0] == 's' ?
		    SECT_SERVER : SECT_RESOLVER;
		s->name = xstrdup(name);
	} else
		rc = lerr(L, is->line, "unknown section [%s] (expected [lab], "
		    "[zone NAME], [server NAME], [resolver LABEL] or [expect])",
		    kind);
	free(kind);
	if (rc == 0)
		L->ns++;
	else
		free(s->name);
	return rc;
}

static void
section_add(lab_sect *s, const char *key, const char *value, unsigned line)
{
	s->e = xgrow(s->e, sizeof *s->e, &s->cap, s->n + 1);
	s->e[s->n].key = key != NULL ? xstrdup(key) : NULL;
	s->e[s->n].value = xstrdup(value);
	s->e[s->n].line = line;
	s->e[s->n].used = false;
	s->n++;
}

/* The file, read once by the bounded reader and lexed. */
static int
read_file(loader *L)
{
	ini_file f;
	size_t i, j;
	int rc = 0;

	if (ini_load(&f, L->path, LAB_FILE_MAX, &lab_rules, L->err,
	    L->errlen) != 0)
		return -1;
	for (i = 0; i < f.nsecs && rc == 0; i++) {
		const ini_section *is = &f.secs[i];
		lab_sect *s;
		if ((rc = parse_section_header(L, is)) != 0)
			break;
		s = &L->s[L->ns - 1];
		for (j = is->first; j < is->first + is->n; j++) {
			const ini_entry *e = &f.ents[j];
			size_t vn = strlen(e->value);
			if (e->key == NULL && s->kind != SECT_ZONE) {
				rc = lerr(L, e->line, "expected KEY = VALUE, got "
				    "'%.60s'", e->value);
				break;
			}
			if (e->key != NULL && vn >= 2 && e->value[0] == '"' &&
			    e->value[vn - 1] == '"') {
				char *v = xstrdup(e->value + 1);
				v[vn - 2] = '\0';
				section_add(s, e->key, v, e->line);
				free(v);
			} else
				section_add(s, e->key, e->value, e->line);
		}
	}
	ini_free(&f);
	return rc;
}

static lab_entry *
sect_get(lab_sect *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->e[i].key && strcmp(s->e[i].key, key) == 0) {
			s->e[i].used = true;
			return &s->e[i];
		}
	return NULL;
}

static int
sect_check_unused(loader *L, lab_sect *s, const char *known)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->e[i].key && !s->e[i].used)
			return lerr(L, s->e[i].line, "unknown key '%s'%s%s",
			    s->e[i].key, known ? " (known: " : "",
			    known ? known : "");
	return 0;
}

static void
sections_free(loader *L)
{
	size_t i, j;

	for (i = 0; i < L->ns; i++) {
		for (j = 0; j < L->s[i].n; j++) {
			free(L->s[i].e[j].key);
			free(L->s[i].e[j].value);
		}
		free(L->s[i].e);
		free(L->s[i].name);
	}
	free(L->s);
}

/* --- values ------------------------------------------------------------- */

static int
parse_uint(loader *L, const lab_entry *e, const char *what, unsigned long lo,
           unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!isdigit((unsigned char)e->value[0]))
		goto bad;
	v = strtoul(e->value, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	return lerr(L, e->line, "%s: '%s' is not a number from %lu to %lu",
	    what, e->value, lo, hi);
}

/* Splits a list value at commas and white space. */
static void
split_list(const char *value, char ***v, size_t *n)
{
	list_split(value, v, n);
}

static int
parse_types(loader *L, unsigned line, const char *what, char **words,
            size_t nwords, lab_typeset *out)
{
	size_t i;
	ldns_rr_type t;
	char esc[64];

	memset(out, 0, sizeof *out);
	if (nwords == 0)
		return lerr(L, line, "%s: no query types given", what);
	for (i = 0; i < nwords; i++) {
		if (strcasecmp(words[i], "all") == 0) {
			out->all = true;
			continue;
		}
		t = ldns_get_rr_type_by_name(words[i]);
		if (t == 0)
			return lerr(L, line, "%s: unknown query type '%s'", what,
			    esc_buf(ESC_TERMINAL, words[i], strlen(words[i]), esc, sizeof esc));
		if (out->n == LAB_TYPESET_MAX)
			return lerr(L, line, "%s: more than %d types", what,
			    LAB_TYPESET_MAX);
		out->t[out->n++] = (uint16_t)t;
	}
	return 0;
}

static int
parse_addresses(loader *L, const lab_entry *e, const char *sect,
                exaddr **out, size_t *nout)
{
	char **v = NULL, err[160], ip[ADDR_TEXT_MAX];
	size_t n = 0, i;
	int rc = 0;

	split_list(e->value, &v, &n);
	if (n == 0)
		rc = lerr(L, e->line, "%s address: no address given", sect);
	*out = xcalloc(n, sizeof **out);
	*nout = 0;
	for (i = 0; i < n && rc == 0; i++) {
		exaddr *a = &(*out)[*nout];
		if (strchr(v[i], '@') || strchr(v[i], '[')) {
			rc = lerr(L, e->line, "%s address: '%s': give the address "
			    "only; every server listens on the lab's port", sect, v[i]);
			break;
		}
		if (addr_parse(v[i], DEFAULT_LAB_PORT, a, err, sizeof err) != 0) {
			rc = lerr(L, e->line, "%s address: %s", sect, err);
			break;
		}
		if (!addr_is_loopback(a)) {
			addr_ip(a, ip, sizeof ip);
			rc = lerr(L, e->line, "%s address: %s is not a loopback "
			    "address: the lab only serves on 127.0.0.0/8 and ::1, "
			    "so that no probe ever leaves this machine", sect, ip);
			break;
		}
		(*nout)++;
	}
	strv_free(v, n);
	return rc;
}

/* "example.com" -> lab_dname; for host names (servers, domains). */
static int
host_name(loader *L, unsigned line, const char *what, const char *text,
          char *norm, lab_dname *d)
{
	char esc[300];

	if (dname_normalize(text, norm) != 0 || dname_from_text(norm, d) != 0)
		return lerr(L, line, "%s: '%s' is not a valid host name", what,
		    esc_buf(ESC_TERMINAL, text, strlen(text), esc, sizeof esc));
	return 0;
}

/* --- sections ---------------------------------------------------------- */

static int
load_lab(loader *L, lab_sect *s)
{
	lab_world *w = L->w;
	lab_entry *e;
	unsigned long v;
	char **names = NULL, norm[DNAME_MAX];
	size_t n = 0, i;
	lab_dname d;
	int rc = 0;

	if ((e = sect_get(s, "port")) != NULL) {
		if (parse_uint(L, e, "[lab] port", 1, 65535, &v) != 0)
			return -1;
		w->port = (uint16_t)v;
	}
	if ((e = sect_get(s, "ttl")) != NULL) {
		if (parse_uint(L, e, "[lab] ttl", 0, 2147483647UL, &v) != 0)
			return -1;
		w->ttl = (uint32_t)v;
	}
	if ((e = sect_get(s, "canaries")) != NULL) {
		split_list(e->value, &names, &n);
		for (i = 0; i < n && rc == 0; i++) {
			rc = host_name(L, e->line, "[lab] canaries", names[i], norm, &d);
			if (rc == 0)
				strv_push(&w->canaries, &w->ncanaries, norm);
		}
		strv_free(names, n);
		if (rc)
			return rc;
	}
	return sect_check_unused(L, s, "port, ttl, canaries)");
}

static int
lookup_name(const char *const *names, unsigned count, const char *v)
{
	unsigned i;

	for (i = 0; i < count; i++)
		if (strcasecmp(names[i], v) == 0)
			return (int)i;
	return -1;
}

static int
load_server(loader *L, lab_sect *s, lab_server *srv, lab_dname *dn)
{
	char what[DNAME_MAX + 16], norm[DNAME_MAX], **v = NULL;
	lab_entry *e;
	unsigned long num;
	size_t n = 0;
	int b, rc;

	srv->line = s->line;
	srv->udp_max = LAB_UDP_MAX;
	srv->types.n = 1;
	srv->types.t[0] = LDNS_RR_TYPE_AAAA;
	if (host_name(L, s->line, "[server]", s->name, norm, dn) != 0)
		return -1;
	srv->name = xstrdup(norm);
	snprintf(what, sizeof what, "[server %s]", norm);
	if (htab_get(L->server_tab, (size_t)-1, dn->w, dn->len) != NULL)
		return lerr(L, s->line, "%s given twice", what);
	if ((e = sect_get(s, "address")) == NULL)
		return lerr(L, s->line, "%s has no 'address ='", what);
	if (parse_addresses(L, e, what, &srv->addrs, &srv->naddrs) != 0)
		return -1;
	if ((e = sect_get(s, "behaviour")) != NULL ||
	    (e = sect_get(s, "behavior")) != NULL) {
		b = lookup_name(behaviour_names, LAB_B_COUNT, e->value);
		if (b < 0)
			return lerr(L, e->line, "%s behaviour: unknown '%s' (one of "
			    "normal, drop, servfail, formerr, notimp, refused, "
			    "nxdomain, wrong-id, wrong-question, malformed, dead, "
			    "closed)", what, e->value);
		srv->behaviour = (lab_behaviour)b;
	}
	if ((e = sect_get(s, "types")) != NULL) {
		split_list(e->value, &v, &n);
		rc = parse_types(L, e->line, what, v, n, &srv->types);
		strv_free(v, n);
		if (rc)
			return rc;
	}
	if ((e = sect_get(s, "udp-max")) != NULL) {
		if (parse_uint(L, e, "udp-max", 512, 65535, &num) != 0)
			return -1;
		srv->udp_max = (uint16_t)num;
	}
	return sect_check_unused(L, s,
	    "address, behaviour, types, udp-max)");
}

static int
parse_domain_list(loader *L, const lab_entry *e, const char *what,
                  lab_dname **out, size_t *nout)
{
	char **v = NULL, norm[DNAME_MAX];
	size_t n = 0, i;
	int rc = 0;

	split_list(e->value, &v, &n);
	*out = xcalloc(n, sizeof **out);
	for (i = 0; i < n && rc == 0; i++)
		rc = host_name(L, e->line, what, v[i], norm, &(*out)[i]);
	*nout = rc ? 0 : n;
	strv_free(v, n);
	return rc;
}

static int
load_resolver(loader *L, lab_sect *s, lab_resolver *r)
{
	char what[300], esc[260], list[340];
	lab_entry *e;
	unsigned long num;
	int m;

	r->line = s->line;
	r->udp_max = LAB_UDP_MAX;
	r->label = xstrdup(s->name);
	snprintf(what, sizeof what, "[resolver %s]",
	    esc_buf(ESC_TERMINAL, s->name, strlen(s->name), esc, sizeof esc));
	if ((e = sect_get(s, "address")) == NULL)
		return lerr(L, s->line, "%s has no 'address ='", what);
	if (parse_addresses(L, e, what, &r->addrs, &r->naddrs) != 0)
		return -1;
	if ((e = sect_get(s, "mode")) != NULL) {
		m = lookup_name(rmode_names, LAB_R_COUNT, e->value);
		if (m < 0)
			return lerr(L, e->line, "%s mode: unknown '%s' (one of "
			    "recursive, servfail, drop, refused, closed)", what,
			    e->value);
		r->mode = (lab_rmode)m;
	}
	if ((e = sect_get(s, "role")) != NULL) {
		if (strcasecmp(e->value, "public") == 0)
			r->public_ = true;
		else if (strcasecmp(e->value, "local") != 0)
			return lerr(L, e->line, "%s role: '%s' is not local or "
			    "public", what, e->value);
	}
	if ((e = sect_get(s, "description")) != NULL)
		r->description = xstrdup(e->value);
	if ((e = sect_get(s, "udp-max")) != NULL) {
		if (parse_uint(L, e, "udp-max", 512, 65535, &num) != 0)
			return -1;
		r->udp_max = (uint16_t)num;
	}
	snprintf(list, sizeof list, "%s servfail-domains", what);
	if ((e = sect_get(s, "servfail-domains")) != NULL &&
	    parse_domain_list(L, e, list, &r->servfail, &r->nservfail) != 0)
		return -1;
	snprintf(list, sizeof list, "%s drop-domains", what);
	if ((e = sect_get(s, "drop-domains")) != NULL &&
	    parse_domain_list(L, e, list, &r->drop, &r->ndrop) != 0)
		return -1;
	return sect_check_unused(L, s, "address, mode, role, description, "
	    "udp-max, servfail-domains, drop-domains)");
}

static int
parse_policy(loader *L, const lab_entry *e, const char *what, lab_policy *p)
{
	char **v = NULL;
	size_t n = 0;
	int rc = 0;

	memset(p, 0, sizeof *p);
	split_list(e->value, &v, &n);
	if (n == 0)
		rc = lerr(L, e->line, "%s resolver: empty", what);
	else if (strcasecmp(v[0], "auto") == 0 && n == 1)
		p->derived = true;
	else if (strcasecmp(v[0], "normal") == 0 && n == 1)
		p->action = LAB_P_NORMAL;
	else if (strcasecmp(v[0], "servfail") == 0 ||
	    strcasecmp(v[0], "drop") == 0) {
		p->action = tolower((unsigned char)v[0][0]) == 's' ?
		    LAB_P_SERVFAIL : LAB_P_DROP;
		if (n == 1)
			p->types.all = true;
		else
			rc = parse_types(L, e->line, what, v + 1, n - 1, &p->types);
	} else
		rc = lerr(L, e->line, "%s resolver: '%s' is not auto, normal, "
		    "servfail [TYPES] or drop [TYPES]", what, e->value);
	strv_free(v, n);
	return rc;
}

static int
load_zone(loader *L, lab_sect *s, lab_zone *z)
{
	char what[300], esc[260], **v = NULL, norm[DNAME_MAX];
	lab_entry *e;
	unsigned long num;
	size_t n = 0, i, j;
	lab_dname d;
	lab_server *srv;
	int rc = 0;

	z->line = s->line;
	z->ttl = L->w->ttl;
	z->parent = -1;
	z->policy.derived = true;
	if (strcmp(s->name, ".") == 0) {
		z->name = xstrdup(".");
		z->apex.len = 1;
		z->apex.w[0] = 0;
	} else {
		if (dname_from_text(s->name, &z->apex) != 0)
			return lerr(L, s->line, "[zone %s]: not a domain name",
			    esc_buf(ESC_TERMINAL, s->name, strlen(s->name), esc, sizeof esc));
		z->name = xmalloc(DNAME_MAX + 8);
		lab_dname_format(&z->apex, z->name, DNAME_MAX + 8);
	}
	snprintf(what, sizeof what, "[zone %s]", z->name);
	if ((e = sect_get(s, "ttl")) != NULL) {
		if (parse_uint(L, e, "ttl", 0, 2147483647UL, &num) != 0)
			return -1;
		z->ttl = (uint32_t)num;
	}
	if ((e = sect_get(s, "resolver")) != NULL &&
	    parse_policy(L, e, what, &z->policy) != 0)
		return -1;
	if ((e = sect_get(s, "servers")) == NULL)
		return lerr(L, s->line, "%s has no 'servers =' (the NS host "
		    "names, each a [server NAME])", what);
	split_list(e->value, &v, &n);
	if (n == 0)
		rc = lerr(L, e->line, "%s servers: none given", what);
	z->servers = xcalloc(n, sizeof *z->servers);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = host_name(L, e->line, "servers", v[i], norm, &d)) != 0)
			break;
		srv = htab_get(L->server_tab, (size_t)-1, d.w, d.len);
		if (srv == NULL) {
			rc = lerr(L, e->line, "%s servers: no [server %s] in the "
			    "world", what, norm);
			break;
		}
		for (j = 0; j < z->nservers; j++)
			if (z->servers[j] == (size_t)(srv - L->w->servers))
				break;
		if (j < z->nservers) {
			rc = lerr(L, e->line, "%s servers: %s listed twice", what,
			    norm);
			break;
		}
		z->servers[z->nservers++] = (size_t)(srv - L->w->servers);
	}
	strv_free(v, n);
	if (rc)
		return rc;
	return sect_check_unused(L, s, "servers, resolver, ttl; records are "
	    "lines like 'mail A 192.0.2.1')");
}

static int
load_expect(loader *L, lab_sect *s)
{
	lab_world *w = L->w;
	char norm[DNAME_MAX];
	lab_dname d;
	verdict vd;
	size_t i;

	for (i = 0; i < s->n; i++) {
		lab_entry *e = &s->e[i];
		e->used = true;
		if (host_name(L, e->line, "[expect]", e->key, norm, &d) != 0)
			return -1;
		if (verdict_from_string(e->value, &vd) != 0) {
			char known[512];
			size_t used = 0;
			int k;
			known[0] = '\0';
			for (k = 0; k < VERDICT_COUNT && used < sizeof known; k++)
				used += (size_t)snprintf(known + used, sizeof known - used,
				    "%s%s", k ? ", " : "", verdict_to_string((verdict)k));
			return lerr(L, e->line, "[expect] %s: '%s' is not a verdict "
			    "(one of %s)", norm, e->value, known);
		}
		w->expect = xrealloc(w->expect, (w->nexpect + 1) * sizeof *w->expect);
		w->expect[w->nexpect].domain = xstrdup(norm);
		w->expect[w->nexpect].verdict = xstrdup(e->value);
		w->expect[w->nexpect].line = e->line;
		w->nexpect++;
	}
	return 0;
}

/* --- lookups ------------------------------------------------------------ */

ssize_t
lab_world_zone_at(const lab_world *w, const uint8_t *wire, size_t len)
{
	lab_zone *z = htab_get(w->zone_tab, 0, wire, len);

	return z ? z - w->zones : -1;
}

const lab_node *
lab_world_node(const lab_world *w, size_t zone, const uint8_t *wire,
               size_t len)
{
	return htab_get(w->node_tab, zone, wire, len);
}

const lab_rrset *
lab_node_rrset(const lab_node *n, uint16_t type)
{
	size_t i;

	for (i = 0; i < n->nsets; i++)
		if (n->sets[i].type == type)
			return &n->sets[i];
	return NULL;
}

/* The deepest zone at or above name (skipping the first `skip` labels). */
static ssize_t
deepest_zone(const lab_world *w, const lab_dname *d, unsigned skip)
{
	size_t p = 0;
	ssize_t z;

	while (p < d->len) {
		if (skip == 0 &&
		    (z = lab_world_zone_at(w, d->w + p, d->len - p)) >= 0)
			return z;
		if (skip)
			skip--;
		if (d->w[p] == 0)
			break;
		p += (size_t)d->w[p] + 1;
	}
	return -1;
}

/* --- building ----------------------------------------------------------- */

static lab_node *
node_get(lab_world *w, size_t zone, const lab_dname *owner)
{
	lab_node *n = htab_get(w->node_tab, zone, owner->w, owner->len);
	const lab_zone *z = &w->zones[zone];
	lab_dname up;
	size_t p;

	if (n != NULL)
		return n;
	n = xcalloc(1, sizeof *n);
	n->zone = zone;
	n->owner = *owner;
	w->nodes = xgrow(w->nodes, sizeof *w->nodes, &w->capnodes, w->nnodes + 1);
	w->nodes[w->nnodes++] = n;
	htab_put(w->node_tab, zone, n->owner.w, n->owner.len, n);
	/* Empty non-terminals up to the apex. */
	if (owner->len > z->apex.len && owner->w[0] != 0) {
		p = (size_t)owner->w[0] + 1;
		up.len = (uint8_t)(owner->len - p);
		memcpy(up.w, owner->w + p, up.len);
		if (up.len >= z->apex.len)
			node_get(w, zone, &up);
	}
	return n;
}

/* Takes rr. Returns NULL, or an error text for a CNAME conflict. */
static const char *
node_add(lab_world *w, size_t zone, const lab_dname *owner, ldns_rr *rr)
{
	lab_node *n = node_get(w, zone, owner);
	uint16_t type = (uint16_t)ldns_rr_get_type(rr);
	size_t i;

	for (i = 0; i < n->nsets; i++) {
		if ((n->sets[i].type == LDNS_RR_TYPE_CNAME) !=
		    (type == LDNS_RR_TYPE_CNAME))
			return "a name with a CNAME can have no other records";
		if (n->sets[i].type == type)
			break;
	}
	if (i == n->nsets) {
		n->sets = xrealloc(n->sets, (n->nsets + 1) * sizeof *n->sets);
		n->sets[i].type = type;
		n->sets[i].rrs = ldns_rr_list_new();
		n->nsets++;
	} else if (type == LDNS_RR_TYPE_CNAME)
		return "a name can have only one CNAME";
	for (size_t k = 0; k < ldns_rr_list_rr_count(n->sets[i].rrs); k++)
		if (ldns_rr_compare(ldns_rr_list_rr(n->sets[i].rrs, k), rr) == 0) {
			ldns_rr_free(rr);
			return NULL;         /* duplicate record: ignore */
		}
	ldns_rr_list_push_rr(n->sets[i].rrs, rr);
	return NULL;
}

static ldns_rr *
rr_from_text(const char *text, uint32_t ttl, ldns_rdf *origin, ldns_status *st)
{
	ldns_rr *rr = NULL;

	*st = ldns_rr_new_frm_str(&rr, text, ttl, origin, NULL);
	if (*st != LDNS_STATUS_OK)
		return NULL;
	ldns_rr2canonical(rr);
	return rr;
}

static int
rr_gen(loader *L, const char *text, uint32_t ttl, ldns_rr **out)
{
	ldns_status st;

	*out = rr_from_text(text, ttl, NULL, &st);
	if (*out == NULL)
		return lerr(L, 0, "internal: cannot build '%s': %s", text,
		    ldns_get_errorstr_by_id(st));
	return 0;
}

static void
fqdn(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", strcmp(name, ".") == 0 ? "" : name, ".");
}

/* SOA, NS at the apex, and glue for referrals. */
static int
gen_zone(loader *L, size_t zi)
{
	lab_world *w = L->w;
	lab_zone *z = &w->zones[zi];
	char text[1200], zf[DNAME_MAX + 2], sf[DNAME_MAX + 2], ip[ADDR_TEXT_MAX];
	lab_server *srv;
	ldns_rr *rr;
	size_t i, j;

	fqdn(z->name, zf, sizeof zf);
	fqdn(w->servers[z->servers[0]].name, sf, sizeof sf);
	snprintf(text, sizeof text, "%s %u IN SOA %s hostmaster.%s 2024010101 "
	    "3600 600 86400 %u", zf, (unsigned)LAB_SOA_TTL, sf,
	    strcmp(zf, ".") == 0 ? "" : zf, (unsigned)LAB_SOA_TTL);
	if (rr_gen(L, text, LAB_SOA_TTL, &rr) != 0)
		return -1;
	z->soa = ldns_rr_clone(rr);
	node_add(w, zi, &z->apex, rr);
	z->ns = ldns_rr_list_new();
	z->glue = ldns_rr_list_new();
	for (i = 0; i < z->nservers; i++) {
		srv = &w->servers[z->servers[i]];
		fqdn(srv->name, sf, sizeof sf);
		snprintf(text, sizeof text, "%s %u IN NS %s", zf, z->ttl, sf);
		if (rr_gen(L, text, z->ttl, &rr) != 0)
			return -1;
		ldns_rr_list_push_rr(z->ns, ldns_rr_clone(rr));
		node_add(w, zi, &z->apex, rr);
		for (j = 0; j < srv->naddrs; j++) {
			addr_ip(&srv->addrs[j], ip, sizeof ip);
			snprintf(text, sizeof text, "%s %u IN %s %s", sf, z->ttl,
			    addr_family(&srv->addrs[j]) == AF_INET6 ? "AAAA" : "A", ip);
			if (rr_gen(L, text, z->ttl, &rr) != 0)
				return -1;
			ldns_rr_list_push_rr(z->glue, rr);
		}
		srv->zones = xrealloc(srv->zones, (srv->nzones + 1) * sizeof *srv->zones);
		srv->zones[srv->nzones++] = zi;
	}
	return 0;
}

/* A/AAAA of each server in the zone that holds its name. */
static int
gen_server_addresses(loader *L)
{
	lab_world *w = L->w;
	char text[600], sf[DNAME_MAX + 2], ip[ADDR_TEXT_MAX];
	ldns_rr *rr;
	ssize_t z;
	size_t i, j;

	for (i = 0; i < w->nservers; i++) {
		lab_server *srv = &w->servers[i];
		z = deepest_zone(w, &L->server_names[i], 0);
		if (z < 0) {
			lwarn(L, srv->line, "[server %s] is in no zone of the world: "
			    "its address is known only from glue", srv->name);
			continue;
		}
		fqdn(srv->name, sf, sizeof sf);
		for (j = 0; j < srv->naddrs; j++) {
			addr_ip(&srv->addrs[j], ip, sizeof ip);
			snprintf(text, sizeof text, "%s %u IN %s %s", sf,
			    w->zones[z].ttl,
			    addr_family(&srv->addrs[j]) == AF_INET6 ? "AAAA" : "A", ip);
			if (rr_gen(L, text, w->zones[z].ttl, &rr) != 0)
				return -1;
			node_add(w, (size_t)z, &L->server_names[i], rr);
		}
	}
	return 0;
}

static int
load_records(loader *L, lab_sect *s, size_t zi)
{
	lab_world *w = L->w;
	lab_zone *z = &w->zones[zi];
	char owner_text[DNAME_MAX + 8], esc[300];
	const char *conflict;
	lab_dname owner;
	ldns_status st;
	ldns_rr *rr;
	ldns_rr_type t;
	ssize_t deep;
	size_t i;

	for (i = 0; i < s->n; i++) {
		lab_entry *e = &s->e[i];
		if (e->key != NULL)
			continue;
		rr = rr_from_text(e->value, z->ttl, z->apex_rdf, &st);
		if (rr == NULL)
			return lerr(L, e->line, "[zone %s] record '%s': %s", z->name,
			    esc_buf(ESC_TERMINAL, e->value, strlen(e->value), esc, sizeof esc),
			    ldns_get_errorstr_by_id(st));
		t = ldns_rr_get_type(rr);
		if (lab_dname_from_rdf(ldns_rr_owner(rr), &owner) != 0) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: bad owner name",
			    z->name);
		}
		lab_dname_format(&owner, owner_text, sizeof owner_text);
		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: only class IN",
			    z->name);
		}
		if (!lab_dname_under(&owner, &z->apex)) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: %s is not inside "
			    "the zone (names are relative to %s; end a name with '.' "
			    "to give it in full)", z->name, owner_text, z->name);
		}
		deep = deepest_zone(w, &owner, 0);
		if (deep != (ssize_t)zi) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: %s belongs to "
			    "[zone %s]; put it there", z->name, owner_text,
			    w->zones[deep].name);
		}
		if (t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_NS) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: SOA and NS records "
			    "are made from 'servers =' (delegate by adding a [zone])",
			    z->name);
		}
		if ((t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA) &&
		    htab_get(L->server_tab, (size_t)-1, owner.w, owner.len)) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record: %s is a server: its "
			    "addresses come from [server %s] address", z->name,
			    owner_text, owner_text);
		}
		if ((conflict = node_add(w, zi, &owner, rr)) != NULL) {
			ldns_rr_free(rr);
			return lerr(L, e->line, "[zone %s] record at %s: %s", z->name,
			    owner_text, conflict);
		}
	}
	return 0;
}

static void
derive_policy(lab_world *w, lab_zone *z)
{
	size_t i, silent = 0;
	const lab_server *drop = NULL, *bad = NULL;

	memset(&z->policy, 0, sizeof z->policy);
	z->policy.derived = true;
	for (i = 0; i < z->nservers; i++) {
		const lab_server *s = &w->servers[z->servers[i]];
		switch (s->behaviour) {
		case LAB_B_NORMAL:
			break;
		case LAB_B_DEAD:
		case LAB_B_CLOSED:
			silent++;
			break;
		case LAB_B_DROP:
			if (drop == NULL)
				drop = s;
			break;
		default:
			if (bad == NULL)
				bad = s;
			break;
		}
	}
	if (silent == z->nservers) {
		z->policy.action = LAB_P_SERVFAIL;
		z->policy.types.all = true;
	} else if (drop != NULL) {
		z->policy.action = LAB_P_DROP;
		z->policy.types = drop->types;
	} else if (bad != NULL) {
		z->policy.action = LAB_P_SERVFAIL;
		z->policy.types = bad->types;
	}
}

static int
check_addresses(loader *L)
{
	lab_world *w = L->w;
	struct owner { const exaddr *a; const char *kind, *name; unsigned line; };
	struct owner *all = NULL;
	size_t n = 0, cap = 0, i, j;
	char ip[ADDR_TEXT_MAX];
	int rc = 0;

	for (i = 0; i < w->nservers; i++)
		for (j = 0; j < w->servers[i].naddrs; j++) {
			all = xgrow(all, sizeof *all, &cap, n + 1);
			all[n++] = (struct owner){ &w->servers[i].addrs[j], "server",
			    w->servers[i].name, w->servers[i].line };
		}
	for (i = 0; i < w->nresolvers; i++)
		for (j = 0; j < w->resolvers[i].naddrs; j++) {
			all = xgrow(all, sizeof *all, &cap, n + 1);
			all[n++] = (struct owner){ &w->resolvers[i].addrs[j],
			    "resolver", w->resolvers[i].label, w->resolvers[i].line };
		}
	/* Few enough (one per server) that a quadratic check is fine up to a
	 * few thousand servers; beyond, sort. */
	for (i = 0; i < n && rc == 0; i++)
		for (j = i + 1; j < n; j++)
			if (addr_equal(all[i].a, all[j].a)) {
				addr_ip(all[i].a, ip, sizeof ip);
				rc = lerr(L, all[j].line, "%s is the address of both "
				    "[%s %s] (line %u) and [%s %s]", ip, all[i].kind,
				    all[i].name, all[i].line, all[j].kind, all[j].name);
				break;
			}
	free(all);
	return rc;
}

void
lab_world_set_port(lab_world *w, uint16_t port)
{
	size_t i, j;

	w->port = port;
	for (i = 0; i < w->nservers; i++)
		for (j = 0; j < w->servers[i].naddrs; j++)
			addr_set_port(&w->servers[i].addrs[j], port);
	for (i = 0; i < w->nresolvers; i++)
		for (j = 0; j < w->resolvers[i].naddrs; j++)
			addr_set_port(&w->resolvers[i].addrs[j], port);
}

static int
build(loader *L)
{
	lab_world *w = L->w;
	size_t i, nz = 0, nsrv = 0, nres = 0, k;
	ssize_t p;
	char buf[DNAME_MAX + 2];

	/* [lab] first: its ttl is every zone's default. */
	for (i = 0; i < L->ns; i++) {
		lab_sect *s = &L->s[i];
		if (s->kind == SECT_LAB && load_lab(L, s) != 0)
			return -1;
		nz += s->kind == SECT_ZONE;
		nsrv += s->kind == SECT_SERVER;
		nres += s->kind == SECT_RESOLVER;
	}
	w->servers = xcalloc(nsrv, sizeof *w->servers);
	L->server_names = xcalloc(nsrv, sizeof *L->server_names);
	w->resolvers = xcalloc(nres, sizeof *w->resolvers);
	w->zones = xcalloc(nz, sizeof *w->zones);
	for (i = 0; i < L->ns; i++) {
		lab_sect *s = &L->s[i];
		if (s->kind == SECT_SERVER) {
			lab_server *srv = &w->servers[w->nservers++];
			if (load_server(L, s, srv, &L->server_names[w->nservers - 1]) != 0)
				return -1;
			htab_put(L->server_tab, (size_t)-1,
			    L->server_names[w->nservers - 1].w,
			    L->server_names[w->nservers - 1].len, srv);
		} else if (s->kind == SECT_RESOLVER) {
			for (k = 0; k < w->nresolvers; k++)
				if (strcmp(w->resolvers[k].label, s->name) == 0)
					return lerr(L, s->line, "[resolver %s] given twice "
					    "(also at line %u)", s->name, w->resolvers[k].line);
			if (load_resolver(L, s, &w->resolvers[w->nresolvers++]) != 0)
				return -1;
		} else if (s->kind == SECT_EXPECT && load_expect(L, s) != 0)
			return -1;
	}
	for (i = 0; i < L->ns; i++) {
		lab_sect *s = &L->s[i];
		lab_zone *z;
		if (s->kind != SECT_ZONE)
			continue;
		z = &w->zones[w->nzones++];
		if (load_zone(L, s, z) != 0)
			return -1;
		if ((p = lab_world_zone_at(w, z->apex.w, z->apex.len)) >= 0)
			return lerr(L, s->line, "[zone %s] given twice (also at line "
			    "%u)", z->name, w->zones[p].line);
		htab_put(w->zone_tab, 0, z->apex.w, z->apex.len, z);
		fqdn(z->name, buf, sizeof buf);
		z->apex_rdf = ldns_dname_new_frm_str(buf);
		if (z->apex_rdf == NULL)
			return lerr(L, s->line, "[zone %s]: bad name", z->name);
		ldns_dname2canonical(z->apex_rdf);
	}
	if (w->nzones == 0)
		return lerr(L, 0, "no [zone NAME] in the world");
	for (i = 0; i < w->nzones; i++) {
		w->zones[i].parent = w->zones[i].apex.len > 1 ?
		    deepest_zone(w, &w->zones[i].apex, 1) : -1;
		if (gen_zone(L, i) != 0)
			return -1;
	}
	if (gen_server_addresses(L) != 0)
		return -1;
	for (i = 0, k = 0; i < L->ns; i++)
		if (L->s[i].kind == SECT_ZONE && load_records(L, &L->s[i], k++) != 0)
			return -1;
	for (i = 0; i < w->nzones; i++)
		if (w->zones[i].policy.derived)
			derive_policy(w, &w->zones[i]);
	for (i = 0; i < w->nservers; i++)
		if (w->servers[i].nzones == 0)
			return lerr(L, w->servers[i].line, "[server %s] serves no "
			    "zone: list it in some zone's 'servers ='",
			    w->servers[i].name);
	if (check_addresses(L) != 0)
		return -1;
	lab_world_set_port(w, w->port);
	return 0;
}

lab_world *
lab_world_load(const char *path, char *err, size_t errlen)
{
	loader L;
	lab_world *w = xcalloc(1, sizeof *w);
	int rc;

	memset(&L, 0, sizeof L);
	L.path = path;
	L.err = err;
	L.errlen = errlen;
	L.w = w;
	L.server_tab = htab_new();
	w->path = xstrdup(path);
	w->port = DEFAULT_LAB_PORT;
	w->ttl = LAB_DEFAULT_TTL;
	w->zone_tab = htab_new();
	w->node_tab = htab_new();
	rc = read_file(&L);
	if (rc == 0)
		rc = build(&L);
	sections_free(&L);
	htab_free(L.server_tab);
	free(L.server_names);
	if (rc != 0) {
		lab_world_free(w);
		return NULL;
	}
	return w;
}

void
lab_world_free(lab_world *w)
{
	size_t i, j;

	if (w == NULL)
		return;
	for (i = 0; i < w->nnodes; i++) {
		for (j = 0; j < w->nodes[i]->nsets; j++)
			ldns_rr_list_deep_free(w->nodes[i]->sets[j].rrs);
		free(w->nodes[i]->sets);
		free(w->nodes[i]);
	}
	free(w->nodes);
	for (i = 0; i < w->nzones; i++) {
		lab_zone *z = &w->zones[i];
		free(z->name);
		free(z->servers);
		ldns_rdf_deep_free(z->apex_rdf);
		ldns_rr_free(z->soa);
		ldns_rr_list_deep_free(z->ns);
		ldns_rr_list_deep_free(z->glue);
	}
	free(w->zones);
	for (i = 0; i < w->nservers; i++) {
		free(w->servers[i].name);
		free(w->servers[i].addrs);
		free(w->servers[i].zones);
	}
	free(w->servers);
	for (i = 0; i < w->nresolvers; i++) {
		lab_resolver *r = &w->resolvers[i];
		free(r->label);
		free(r->description);
		free(r->addrs);
		free(r->servfail);
		free(r->drop);
	}
	free(w->resolvers);
	strv_free(w->canaries, w->ncanaries);
	for (i = 0; i < w->nexpect; i++) {
		free(w->expect[i].domain);
		free(w->expect[i].verdict);
	}
	free(w->expect);
	strv_free(w->warnings, w->nwarnings);
	htab_free(w->zone_tab);
	htab_free(w->node_tab);
	free(w->path);
	free(w);
}
