/* tree.c - reads data/tree.ini into the wizard's decision tree and checks
 * it (every key, every exit, every placeholder) with FILE:LINE errors. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "tree.h"
#include "util.h"

#define TREE_FILE_MAX (256 * 1024)

static const char *const kind_names[TREE_KIND_COUNT] = {
	[TREE_WELCOME] = "welcome",
	[TREE_QUESTION] = "question",
	[TREE_CHECK] = "check",
	[TREE_DOMAINS] = "domains",
	[TREE_PROBE] = "probe",
	[TREE_RESULTS] = "results",
	[TREE_EXTERNAL] = "external",
	[TREE_SAVE] = "save",
	[TREE_DONE] = "done",
};

const char *
tree_kind_to_string(tree_kind k)
{
	return (unsigned)k < TREE_KIND_COUNT ? kind_names[k] : "unknown";
}

int
tree_kind_from_string(const char *s, tree_kind *out)
{
	unsigned i;

	for (i = 0; i < TREE_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (tree_kind)i;
			return 0;
		}
	return -1;
}

static const char *const placeholders[] = {
	"resolver", "resolver_status", "domain", "verdict", "smart_hosts", "mx",
	"ndomains", "external_servers", "transport_server",
	"internet_connector", "plan_path", "replay_options",
};

bool
tree_placeholder_known(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
		if (strlen(placeholders[i]) == len &&
		    memcmp(placeholders[i], name, len) == 0)
			return true;
	return false;
}

char *
tree_expand(const char *text, tree_lookup_fn lookup, void *arg)
{
	size_t cap = strlen(text) + 64, n = 0, vl;
	char *out = xmalloc(cap), name[40];
	const char *p = text, *end, *v;

	while (*p != '\0') {
		if (*p == '{' && (end = strchr(p + 1, '}')) != NULL &&
		    (size_t)(end - p - 1) < sizeof name) {
			memcpy(name, p + 1, (size_t)(end - p - 1));
			name[end - p - 1] = '\0';
			v = lookup != NULL ? lookup(name, arg) : NULL;
			if (v == NULL)
				v = "";
			vl = strlen(v);
			out = xgrow(out, 1, &cap, n + vl + 1);
			memcpy(out + n, v, vl);
			n += vl;
			p = end + 1;
			continue;
		}
		out = xgrow(out, 1, &cap, n + 2);
		out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

/* ---- lexing ------------------------------------------------------------ */

/* The file through the one lexer (src/ini.h); a section is a view of
 * its entries there. */
typedef ini_entry tree_kv;

typedef struct tree_sect {
	const char *name;      /* "tree" or the step name */
	bool is_step;
	unsigned line;
	const tree_kv *kv; size_t nkv;
} tree_sect;

typedef struct tree_parse {
	const char *path;
	char *err; size_t errlen;
	ini_file f;
	tree_sect *s; size_t ns;
} tree_parse;

static int
tree_err(tree_parse *tp, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(tp->err, tp->errlen, tp->path, line, fmt, ap);
	va_end(ap);
	return -1;
}

static void
tree_parse_free(tree_parse *tp)
{
	free(tp->s);
	ini_free(&tp->f);
}

static char *
tree_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static bool
tree_valid_name(const char *s)
{
	size_t n = 0;

	if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
		return false;
	for (; *s != '\0'; s++, n++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '-' && *s != '_')
			return false;
	return n <= 32;
}

/* The tree file's rules: no quotes, no comments after a value, keys in
 * lowercase, an indented line goes on with the value above, text
 * without control characters or invisible marks (tabs become spaces). */
static const ini_rules tree_rules = {
	INI_SECTIONS | INI_CONTINUATION | INI_STRICT_TEXT | INI_LOWER_KEYS,
	TREE_LINE_MAX, 64, "-_", "tree file"
};

static int
tree_lex(tree_parse *tp, const char *text, size_t len)
{
	strmap steps = {0};
	size_t i, prev;
	int rc = 0;

	if (len > TREE_FILE_MAX)
		return tree_err(tp, 0, "larger than %d bytes: not a tree file",
		    TREE_FILE_MAX);
	if (ini_parse(&tp->f, tp->path, text, len, &tree_rules, tp->err,
	    tp->errlen) != 0)
		return -1;
	tp->s = xcalloc(tp->f.nsecs + 1, sizeof *tp->s);
	for (i = 0; i < tp->f.nsecs && rc == 0; i++) {
		const ini_section *is = &tp->f.secs[i];
		tree_sect *sect = &tp->s[tp->ns];
		const char *name = is->name;

		sect->line = is->line;
		sect->kv = is->n > 0 ? &tp->f.ents[is->first] : NULL;
		sect->nkv = is->n;
		if (strcmp(name, "tree") == 0) {
			if ((prev = strmap_put(&steps, "[tree]", tp->ns)) != SIZE_MAX)
				rc = tree_err(tp, is->line, "[tree] appears twice "
				    "(first at line %u)", tp->s[prev].line);
			sect->name = "tree";
		} else if (strncmp(name, "step", 4) == 0 &&
		    (name[4] == ' ' || name[4] == '\t')) {
			name += 5;
			while (*name == ' ' || *name == '\t')
				name++;
			if (!tree_valid_name(name))
				rc = tree_err(tp, is->line, "'%.40s' is not a step "
				    "name (lowercase letters, digits, '-', '_'; at "
				    "most 32)", name);
			else if ((prev = strmap_put(&steps, name, tp->ns)) !=
			    SIZE_MAX)
				rc = tree_err(tp, is->line, "step '%s' appears twice "
				    "(first at line %u)", name, tp->s[prev].line);
			sect->name = name;
			sect->is_step = true;
		} else
			rc = tree_err(tp, is->line, "unknown section [%.40s] "
			    "(expected [tree] or [step NAME])", name);
		tp->ns++;
	}
	strmap_free(&steps);
	return rc;
}

/* ---- building ---------------------------------------------------------- */

/* What each kind may and must have. */
enum {
	K_NEXT = 1u << 0, K_CHOICE = 1u << 1, K_HEALTH = 1u << 2,
	K_KB = 1u << 3, K_RBROKEN = 1u << 4
};
static const unsigned kind_keys[TREE_KIND_COUNT] = {
	[TREE_WELCOME] = K_NEXT,
	[TREE_QUESTION] = K_CHOICE,
	[TREE_CHECK] = K_HEALTH,
	[TREE_DOMAINS] = K_NEXT,
	[TREE_PROBE] = K_NEXT,
	[TREE_RESULTS] = K_NEXT | K_KB | K_RBROKEN,
	[TREE_EXTERNAL] = K_NEXT | K_KB,
	[TREE_SAVE] = K_NEXT,
	[TREE_DONE] = 0,
};

/* The kind a step's `next` must lead to (TREE_KIND_COUNT: any that may be
 * entered from it). */
static const tree_kind next_kind[TREE_KIND_COUNT] = {
	[TREE_WELCOME] = TREE_KIND_COUNT,
	[TREE_QUESTION] = TREE_KIND_COUNT,
	[TREE_CHECK] = TREE_KIND_COUNT,
	[TREE_DOMAINS] = TREE_PROBE,
	[TREE_PROBE] = TREE_RESULTS,
	[TREE_RESULTS] = TREE_SAVE,
	[TREE_EXTERNAL] = TREE_SAVE,
	[TREE_SAVE] = TREE_DONE,
	[TREE_DONE] = TREE_KIND_COUNT,
};

/* Pending references, resolved once every step is known. */
typedef struct tree_ref {
	size_t step;
	size_t *slot;           /* where the index goes (re-pointed later) */
	int which;              /* 0 next, 1 on-healthy, 2 on-broken, 3 on-rb,
	                           10+i choice i */
	char *target;
	const char *key;
	unsigned line;
} tree_ref;

static int
tree_check_text(tree_parse *tp, const char *text, const char *key,
                unsigned line)
{
	const char *p = text, *end;

	while ((p = strchr(p, '{')) != NULL) {
		end = strchr(p + 1, '}');
		if (end == NULL)
			return tree_err(tp, line, "%s: '{' without '}' (placeholders "
			    "look like {domain})", key);
		if (!tree_placeholder_known(p + 1, (size_t)(end - p - 1)))
			return tree_err(tp, line, "%s: unknown placeholder {%.*s}",
			    key, (int)(end - p - 1 > 40 ? 40 : end - p - 1), p + 1);
		p = end + 1;
	}
	if (strchr(text, '}') != NULL) {
		/* A '}' not closing a placeholder. */
		int depth = 0;
		for (p = text; *p != '\0'; p++) {
			if (*p == '{')
				depth++;
			else if (*p == '}' && --depth < 0)
				return tree_err(tp, line, "%s: '}' without '{'", key);
		}
	}
	return 0;
}

static void
tree_step_free(tree_step *s)
{
	size_t i;

	free(s->name);
	free(s->title);
	strv_free(s->text, s->ntext);
	strv_free(s->help, s->nhelp);
	strv_free(s->kb, s->nkb);
	strv_free(s->healthy, s->nhealthy);
	strv_free(s->broken, s->nbroken);
	for (i = 0; i < s->nchoices; i++) {
		free(s->choices[i].label);
		free(s->choices[i].explain);
	}
	free(s->choices);
}

void
tree_free(tree *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsteps; i++)
		tree_step_free(&t->steps[i]);
	free(t->steps);
	free(t->path);
	free(t);
}

size_t
tree_find(const tree *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nsteps; i++)
		if (strcmp(t->steps[i].name, name) == 0)
			return i;
	return TREE_NONE;
}

size_t
tree_find_kind(const tree *t, tree_kind k)
{
	size_t i;

	for (i = 0; i < t->nsteps; i++)
		if (t->steps[i].kind == k)
			return i;
	return TREE_NONE;
}

static void
tree_add_ref(tree_ref **refs, size_t *nrefs, size_t step, int which,
             const char *target, const char *key, unsigned line)
{
	tree_ref *r;

	*refs = xrealloc(*refs, (*nrefs + 1) * sizeof **refs);
	r = &(*refs)[(*nrefs)++];
	r->step = step;
	r->slot = NULL;
	r->which = which;
	r->target = xstrdup(target);
	r->key = key;
	r->line = line;
}

static size_t *
tree_ref_slot(tree *t, const tree_ref *r)
{
	tree_step *s = &t->steps[r->step];

	switch (r->which) {
	case 0: return &s->next;
	case 1: return &s->on_healthy;
	case 2: return &s->on_broken;
	case 3: return &s->on_resolver_broken;
	default: return &s->choices[r->which - 10].next;
	}
}

/* May a step of kind `to` be entered from a step of kind `from`? The steps
 * that show results need the step before them to have made those results. */
static bool
tree_entry_ok(tree_kind from, tree_kind to)
{
	switch (to) {
	case TREE_PROBE: return from == TREE_DOMAINS;
	case TREE_RESULTS: return from == TREE_PROBE;
	case TREE_SAVE: return from == TREE_RESULTS || from == TREE_EXTERNAL;
	case TREE_DONE: return from == TREE_SAVE;
	default: return true;
	}
}

static int
tree_build_step(tree_parse *tp, tree *t, const tree_sect *sect,
                tree_ref **refs, size_t *nrefs)
{
	tree_step *s = &t->steps[t->nsteps];
	size_t i, si = t->nsteps;
	const tree_kv *kind_kv = NULL;
	unsigned keys;

	memset(s, 0, sizeof *s);
	t->nsteps++;
	s->name = xstrdup(sect->name);
	s->line = sect->line;
	s->next = s->on_healthy = s->on_broken = s->on_resolver_broken = TREE_NONE;
	for (i = 0; i < sect->nkv; i++)
		if (strcmp(sect->kv[i].key, "kind") == 0) {
			if (kind_kv != NULL)
				return tree_err(tp, sect->kv[i].line, "step '%s': 'kind' "
				    "given twice", s->name);
			kind_kv = &sect->kv[i];
		}
	if (kind_kv == NULL)
		return tree_err(tp, sect->line, "step '%s' has no 'kind' (one of "
		    "welcome, question, check, domains, probe, results, external, "
		    "save, done)", s->name);
	if (tree_kind_from_string(kind_kv->value, &s->kind) != 0)
		return tree_err(tp, kind_kv->line, "step '%s': unknown kind "
		    "'%.40s' (one of welcome, question, check, domains, probe, "
		    "results, external, save, done)", s->name, kind_kv->value);
	keys = kind_keys[s->kind];

	for (i = 0; i < sect->nkv; i++) {
		const tree_kv *kv = &sect->kv[i];
		const char *k = kv->key;
		bool once = false;
		char ***list = NULL;
		size_t *nlist = NULL;
		int which = -1;

		if (strcmp(k, "kind") == 0)
			continue;
		if (*kv->value == '\0')
			return tree_err(tp, kv->line, "step '%s': '%s' has no value",
			    s->name, k);
		if (strcmp(k, "title") == 0) {
			if (s->title != NULL)
				return tree_err(tp, kv->line, "step '%s': 'title' given "
				    "twice", s->name);
			if (tree_check_text(tp, kv->value, k, kv->line) != 0)
				return -1;
			s->title = xstrdup(kv->value);
			continue;
		} else if (strcmp(k, "text") == 0) {
			list = &s->text; nlist = &s->ntext;
		} else if (strcmp(k, "help") == 0) {
			list = &s->help; nlist = &s->nhelp;
		} else if (strcmp(k, "kb") == 0 && (keys & K_KB)) {
			list = &s->kb; nlist = &s->nkb;
		} else if (strcmp(k, "healthy") == 0 && (keys & K_HEALTH)) {
			list = &s->healthy; nlist = &s->nhealthy;
		} else if (strcmp(k, "broken") == 0 && (keys & K_HEALTH)) {
			list = &s->broken; nlist = &s->nbroken;
		} else if (strcmp(k, "next") == 0 && (keys & K_NEXT)) {
			which = 0; once = true;
		} else if (strcmp(k, "on-healthy") == 0 && (keys & K_HEALTH)) {
			which = 1; once = true;
		} else if (strcmp(k, "on-broken") == 0 && (keys & K_HEALTH)) {
			which = 2; once = true;
		} else if (strcmp(k, "on-resolver-broken") == 0 &&
		    (keys & K_RBROKEN)) {
			which = 3; once = true;
		} else if (strcmp(k, "choice") == 0 && (keys & K_CHOICE)) {
			char *copy = xstrdup(kv->value), *bar1, *bar2, *target,
			    *label, *explain = NULL;
			tree_choice *c;
			bar1 = strchr(copy, '|');
			if (bar1 == NULL) {
				free(copy);
				return tree_err(tp, kv->line, "step '%s': choice: expected "
				    "'STEP | LABEL' or 'STEP | LABEL | EXPLANATION'",
				    s->name);
			}
			*bar1 = '\0';
			bar2 = strchr(bar1 + 1, '|');
			if (bar2 != NULL) {
				*bar2 = '\0';
				explain = tree_trim(bar2 + 1);
				if (strchr(explain, '|') != NULL || *explain == '\0') {
					free(copy);
					return tree_err(tp, kv->line, "step '%s': choice: "
					    "expected 'STEP | LABEL | EXPLANATION' (an empty "
					    "part or a fourth '|')", s->name);
				}
			}
			target = tree_trim(copy);
			label = tree_trim(bar1 + 1);
			if (*target == '\0' || *label == '\0') {
				free(copy);
				return tree_err(tp, kv->line, "step '%s': choice: the step "
				    "and the label must not be empty", s->name);
			}
			if (s->nchoices == TREE_MAX_CHOICES) {
				free(copy);
				return tree_err(tp, kv->line, "step '%s': more than %d "
				    "choices (the digits 1 to %d choose)", s->name,
				    TREE_MAX_CHOICES, TREE_MAX_CHOICES);
			}
			if (tree_check_text(tp, label, "choice", kv->line) != 0 ||
			    (explain != NULL &&
			    tree_check_text(tp, explain, "choice", kv->line) != 0)) {
				free(copy);
				return -1;
			}
			s->choices = xrealloc(s->choices,
			    (s->nchoices + 1) * sizeof *s->choices);
			c = &s->choices[s->nchoices];
			c->label = xstrdup(label);
			c->explain = explain != NULL ? xstrdup(explain) : NULL;
			c->next = TREE_NONE;
			c->line = kv->line;
			tree_add_ref(refs, nrefs, si, 10 + (int)s->nchoices, target,
			    "choice", kv->line);
			s->nchoices++;
			free(copy);
			continue;
		} else
			return tree_err(tp, kv->line, "step '%s': key '%.40s' is not "
			    "known for kind %s", s->name, k,
			    tree_kind_to_string(s->kind));

		if (list != NULL) {
			if (tree_check_text(tp, kv->value, k, kv->line) != 0)
				return -1;
			strv_push(list, nlist, kv->value);
			continue;
		}
		if (once) {
			size_t j;
			for (j = 0; j < *nrefs; j++)
				if ((*refs)[j].step == si && (*refs)[j].which == which)
					return tree_err(tp, kv->line, "step '%s': '%s' given "
					    "twice", s->name, k);
			tree_add_ref(refs, nrefs, si, which, kv->value,
			    which == 0 ? "next" : which == 1 ? "on-healthy" :
			    which == 2 ? "on-broken" : "on-resolver-broken", kv->line);
		}
	}

	if (s->title == NULL)
		return tree_err(tp, sect->line, "step '%s' has no 'title'", s->name);
	if (keys & K_NEXT) {
		size_t j;
		bool found = false;
		for (j = 0; j < *nrefs; j++)
			if ((*refs)[j].step == si && (*refs)[j].which == 0)
				found = true;
		if (!found)
			return tree_err(tp, sect->line, "step '%s' (%s) has no 'next'",
			    s->name, tree_kind_to_string(s->kind));
	}
	if (keys & K_HEALTH) {
		size_t j;
		int found = 0;
		for (j = 0; j < *nrefs; j++)
			if ((*refs)[j].step == si &&
			    ((*refs)[j].which == 1 || (*refs)[j].which == 2))
				found++;
		if (found < 2)
			return tree_err(tp, sect->line, "step '%s' (check) needs both "
			    "'on-healthy' and 'on-broken'", s->name);
	}
	if ((keys & K_CHOICE) && s->nchoices < 2)
		return tree_err(tp, sect->line, "step '%s' (question) needs at "
		    "least 2 choices", s->name);
	return 0;
}

static int
tree_build(tree_parse *tp, tree *t)
{
	const tree_sect *head = NULL;
	tree_ref *refs = NULL;
	size_t nrefs = 0, i, nsteps = 0;
	const char *start = NULL;
	unsigned start_line = 0;
	bool version = false;
	int rc = -1;
	bool *seen = NULL;
	size_t *queue = NULL, qh = 0, qt = 0;

	for (i = 0; i < tp->ns; i++) {
		if (!tp->s[i].is_step)
			head = &tp->s[i];
		else
			nsteps++;
	}
	if (head == NULL)
		return tree_err(tp, 0, "no [tree] section");
	for (i = 0; i < head->nkv; i++) {
		const tree_kv *kv = &head->kv[i];
		if (strcmp(kv->key, "version") == 0) {
			if (strcmp(kv->value, "1") != 0)
				return tree_err(tp, kv->line, "version %.20s is not "
				    "known (this exdns reads version %d)", kv->value,
				    TREE_VERSION);
			version = true;
		} else if (strcmp(kv->key, "start") == 0) {
			if (start != NULL)
				return tree_err(tp, kv->line, "'start' given twice");
			start = kv->value;
			start_line = kv->line;
		} else
			return tree_err(tp, kv->line, "[tree]: key '%.40s' is not "
			    "known (version, start)", kv->key);
	}
	if (!version)
		return tree_err(tp, head->line, "[tree] has no 'version = 1'");
	if (start == NULL || *start == '\0')
		return tree_err(tp, head->line, "[tree] has no 'start = STEP'");
	if (nsteps == 0)
		return tree_err(tp, 0, "no [step NAME] sections");
	if (nsteps > TREE_MAX_STEPS)
		return tree_err(tp, 0, "more than %d steps", TREE_MAX_STEPS);

	t->steps = xcalloc(nsteps, sizeof *t->steps);
	for (i = 0; i < tp->ns; i++)
		if (tp->s[i].is_step &&
		    tree_build_step(tp, t, &tp->s[i], &refs, &nrefs) != 0)
			goto out;

	if ((t->start = tree_find(t, start)) == TREE_NONE) {
		tree_err(tp, start_line, "start: no step named '%.40s'", start);
		goto out;
	}
	if (!tree_entry_ok(TREE_WELCOME, t->steps[t->start].kind)) {
		tree_err(tp, start_line, "start: '%s' is of kind %s, which cannot "
		    "come first", t->steps[t->start].name,
		    tree_kind_to_string(t->steps[t->start].kind));
		goto out;
	}
	for (i = 0; i < nrefs; i++) {
		tree_ref *r = &refs[i];
		const tree_step *from = &t->steps[r->step];
		size_t to = tree_find(t, r->target);
		tree_kind want = r->which == 0 ? next_kind[from->kind] :
		    r->which == 3 ? TREE_EXTERNAL : TREE_KIND_COUNT;
		if (to == TREE_NONE) {
			tree_err(tp, r->line, "step '%s': %s: no step named '%.40s'",
			    from->name, r->key, r->target);
			goto out;
		}
		if (to == r->step) {
			tree_err(tp, r->line, "step '%s': %s leads to itself",
			    from->name, r->key);
			goto out;
		}
		if (want != TREE_KIND_COUNT && t->steps[to].kind != want) {
			tree_err(tp, r->line, "step '%s': %s: '%s' is of kind %s; it "
			    "must be of kind %s", from->name, r->key,
			    t->steps[to].name, tree_kind_to_string(t->steps[to].kind),
			    tree_kind_to_string(want));
			goto out;
		}
		if (!tree_entry_ok(from->kind, t->steps[to].kind)) {
			tree_err(tp, r->line, "step '%s' (kind %s): %s: '%s' (kind "
			    "%s) comes only after a step of kind %s",
			    from->name, tree_kind_to_string(from->kind), r->key,
			    t->steps[to].name, tree_kind_to_string(t->steps[to].kind),
			    t->steps[to].kind == TREE_PROBE ? "domains" :
			    t->steps[to].kind == TREE_RESULTS ? "probe" :
			    t->steps[to].kind == TREE_SAVE ? "results or external" :
			    "save");
			goto out;
		}
		*tree_ref_slot(t, r) = to;
	}

	/* Every step reachable from start, and some done step too. */
	seen = xcalloc(t->nsteps, sizeof *seen);
	queue = xcalloc(t->nsteps, sizeof *queue);
	seen[t->start] = true;
	queue[qt++] = t->start;
	while (qh < qt) {
		const tree_step *s = &t->steps[queue[qh++]];
		size_t out[TREE_MAX_CHOICES + 4], nout = 0, j;
		out[nout++] = s->next;
		out[nout++] = s->on_healthy;
		out[nout++] = s->on_broken;
		out[nout++] = s->on_resolver_broken;
		for (j = 0; j < s->nchoices; j++)
			out[nout++] = s->choices[j].next;
		for (j = 0; j < nout; j++)
			if (out[j] != TREE_NONE && !seen[out[j]]) {
				seen[out[j]] = true;
				queue[qt++] = out[j];
			}
	}
	for (i = 0; i < t->nsteps; i++)
		if (!seen[i]) {
			tree_err(tp, t->steps[i].line, "step '%s' cannot be reached "
			    "from the start step '%s'", t->steps[i].name,
			    t->steps[t->start].name);
			goto out;
		}
	if (tree_find_kind(t, TREE_DONE) == TREE_NONE) {
		tree_err(tp, 0, "no done step: the walk never ends");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < nrefs; i++)
		free(refs[i].target);
	free(refs);
	free(seen);
	free(queue);
	return rc;
}

tree *
tree_load_mem(const char *name, const char *text, size_t len, char *err,
              size_t errlen)
{
	tree_parse tp;
	tree *t;

	memset(&tp, 0, sizeof tp);
	tp.path = name;
	tp.err = err;
	tp.errlen = errlen;
	t = xcalloc(1, sizeof *t);
	t->path = xstrdup(name);
	if (tree_lex(&tp, text, len) != 0 || tree_build(&tp, t) != 0) {
		tree_parse_free(&tp);
		tree_free(t);
		return NULL;
	}
	tree_parse_free(&tp);
	return t;
}

tree *
tree_load(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	tree *t;

	/* the one bounded reader: a regular file, at most TREE_FILE_MAX */
	if ((buf = util_read_file(path, TREE_FILE_MAX, &n, err, errlen)) ==
	    NULL)
		return NULL;
	t = tree_load_mem(path, buf, n, err, errlen);
	free(buf);
	return t;
}
