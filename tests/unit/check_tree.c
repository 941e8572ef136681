/* check_tree.c - the decision tree loader: the shipped data/tree.ini
 * loads, and every kind of malformed tree is refused with FILE:LINE and
 * what is wrong. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tree.h"
#include "util.h"
#include "unit.h"

/* A small tree that uses every kind of step. */
static const char base[] =
    "# a test tree\n"
    "[tree]\n"
    "version = 1\n"
    "start = w\n"
    "\n"
    "[step w]\n"
    "kind = welcome\n"
    "title = Welcome\n"
    "text = First paragraph\n"
    "  continued here.\n"
    "text = Second {resolver}.\n"
    "next = q\n"
    "\n"
    "[step q]\n"
    "kind = question\n"
    "title = Which?\n"
    "choice = d | Some fail | Only a few.\n"
    "choice = e | All fail\n"
    "choice = c | Test for me | exdns checks.\n"
    "\n"
    "[step c]\n"
    "kind = check\n"
    "title = Check\n"
    "healthy = It works.\n"
    "broken = It fails ({resolver_status}).\n"
    "on-healthy = d\n"
    "on-broken = e\n"
    "\n"
    "[step d]\n"
    "kind = domains\n"
    "title = Domains\n"
    "next = p\n"
    "\n"
    "[step p]\n"
    "kind = probe\n"
    "title = Probing\n"
    "next = r\n"
    "\n"
    "[step r]\n"
    "kind = results\n"
    "title = Results\n"
    "kb = New-SendConnector {domain} {smart_hosts}\n"
    "next = s\n"
    "on-resolver-broken = e\n"
    "\n"
    "[step e]\n"
    "kind = external\n"
    "title = External\n"
    "kb = Set-TransportService {transport_server}\n"
    "next = s\n"
    "\n"
    "[step s]\n"
    "kind = save\n"
    "title = Save\n"
    "next = z\n"
    "\n"
    "[step z]\n"
    "kind = done\n"
    "title = Done\n"
    "text = Saved in {plan_path}.\n";

/* base with the first occurrence of from replaced by to. */
static char *
subst(const char *from, const char *to)
{
	const char *at = strstr(base, from);
	char *out;
	size_t n;

	ck_assert_msg(at != NULL, "test bug: '%s' not in the base tree", from);
	n = strlen(base) - strlen(from) + strlen(to) + 1;
	out = xmalloc(n);
	memcpy(out, base, (size_t)(at - base));
	strcpy(out + (at - base), to);
	strcat(out, at + strlen(from));
	return out;
}

/* The line number of the first line of text holding needle. */
static unsigned
line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle), *p;
	unsigned line = 1;

	ck_assert_msg(at != NULL, "test bug: '%s' not in the text", needle);
	for (p = text; p < at; p++)
		if (*p == '\n')
			line++;
	return line;
}

static tree *
load(const char *text, char *err, size_t errlen)
{
	return tree_load_mem("t.ini", text, strlen(text), err, errlen);
}

START_TEST(test_base_loads)
{
	char err[500] = "";
	tree *t = load(base, err, sizeof err);
	const tree_step *w, *q, *c;

	ck_assert_msg(t != NULL, "base tree refused: %s", err);
	ck_assert_uint_eq(t->nsteps, 9);
	ck_assert_str_eq(t->steps[t->start].name, "w");
	w = &t->steps[tree_find(t, "w")];
	ck_assert_int_eq(w->kind, TREE_WELCOME);
	ck_assert_uint_eq(w->ntext, 2);
	ck_assert_str_eq(w->text[0], "First paragraph continued here.");
	ck_assert_uint_eq(w->next, tree_find(t, "q"));
	q = &t->steps[tree_find(t, "q")];
	ck_assert_uint_eq(q->nchoices, 3);
	ck_assert_str_eq(q->choices[0].label, "Some fail");
	ck_assert_str_eq(q->choices[0].explain, "Only a few.");
	ck_assert_ptr_null(q->choices[1].explain);
	ck_assert_uint_eq(q->choices[1].next, tree_find(t, "e"));
	c = &t->steps[tree_find(t, "c")];
	ck_assert_uint_eq(c->on_healthy, tree_find(t, "d"));
	ck_assert_uint_eq(c->on_broken, tree_find(t, "e"));
	ck_assert_uint_eq(t->steps[tree_find(t, "r")].on_resolver_broken,
	    tree_find(t, "e"));
	ck_assert_uint_eq(tree_find(t, "nope"), TREE_NONE);
	ck_assert_uint_eq(tree_find_kind(t, TREE_DONE), tree_find(t, "z"));
	ck_assert_str_eq(tree_kind_to_string(TREE_KIND_COUNT), "unknown");
	tree_free(t);
}
END_TEST

START_TEST(test_crlf_and_utf8)
{
	char err[500] = "", *text = xmalloc(sizeof base * 2), *o = text;
	const char *p;
	const tree_step *q;
	tree *t, *lf;
	size_t i, j;

	/* CRLF line ends everywhere, and a UTF-8 dash in a title. */
	for (p = base; *p != '\0'; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	t = load(text, err, sizeof err);
	ck_assert_msg(t != NULL, "CRLF tree refused: %s", err);
	/* Read as the same tree as with LF: no CR left in any value. */
	lf = load(base, err, sizeof err);
	ck_assert_ptr_nonnull(lf);
	ck_assert_uint_eq(t->nsteps, lf->nsteps);
	for (i = 0; i < t->nsteps; i++) {
		const tree_step *a = &t->steps[i], *b = &lf->steps[i];
		ck_assert_str_eq(a->name, b->name);
		ck_assert_int_eq(a->kind, b->kind);
		ck_assert_str_eq(a->title, b->title);
		ck_assert_uint_eq(a->ntext, b->ntext);
		for (j = 0; j < a->ntext; j++)
			ck_assert_str_eq(a->text[j], b->text[j]);
		ck_assert_uint_eq(a->nchoices, b->nchoices);
		for (j = 0; j < a->nchoices; j++) {
			ck_assert_str_eq(a->choices[j].label, b->choices[j].label);
			ck_assert_uint_eq(a->choices[j].next, b->choices[j].next);
		}
		ck_assert_uint_eq(a->next, b->next);
	}
	q = &t->steps[tree_find(t, "q")];
	ck_assert_str_eq(q->title, "Which?");
	ck_assert_uint_eq(q->nchoices, 3);
	ck_assert_str_eq(q->choices[2].label, "Test for me");
	ck_assert_str_eq(q->choices[2].explain, "exdns checks.");
	ck_assert_str_eq(t->steps[tree_find(t, "w")].text[0],
	    "First paragraph continued here.");
	tree_free(lf);
	tree_free(t);
	free(text);
	text = subst("title = Which?", "title = Which \xe2\x80\x94 all?");
	t = load(text, err, sizeof err);
	ck_assert_msg(t != NULL, "UTF-8 title refused: %s", err);
	ck_assert_str_eq(t->steps[tree_find(t, "q")].title,
	    "Which \xe2\x80\x94 all?");
	tree_free(t);
	free(text);
}
END_TEST

static void
shipped_path(char *path, size_t len)
{
	const char *dir = getenv("EXDNS_DATADIR");
	const char *srcdir = getenv("top_srcdir");

	if (dir != NULL && *dir != '\0')
		snprintf(path, len, "%s/tree.ini", dir);
	else if (srcdir != NULL)
		snprintf(path, len, "%s/data/tree.ini", srcdir);
	else
		snprintf(path, len, "data/tree.ini");
}

/* The kinds as the shipped tree's header documents them ("kind  =
 * welcome | question | ...", continued on the next comment lines), in the
 * order of the engine's enum; and every step of the file has the kind its
 * "kind =" line names. */
START_TEST(test_kinds_as_documented)
{
	char path[4096], err[500] = "", *text, *p, *end, word[32];
	char step[64] = "";
	size_t len, n = 0, w;
	tree_kind k;
	tree *t;

	shipped_path(path, sizeof path);
	text = util_read_file(path, 1 << 20, &len, err, sizeof err);
	ck_assert_msg(text != NULL, "%s", err);
	p = strstr(text, "#     kind  = ");
	ck_assert_ptr_nonnull(p);
	p += strlen("#     kind  = ");
	end = strstr(p, "(what the engine does there)");
	ck_assert_ptr_nonnull(end);
	while (p < end) {
		if (*p == '#' || *p == '|' || *p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		for (w = 0; p < end && *p >= 'a' && *p <= 'z' && w + 1 < sizeof word; )
			word[w++] = *p++;
		word[w] = '\0';
		ck_assert_msg(w > 0, "unexpected '%c' in the kinds' list", *p);
		ck_assert_msg(n < TREE_KIND_COUNT, "more kinds documented than known");
		ck_assert_str_eq(tree_kind_to_string((tree_kind)n), word);
		ck_assert_int_eq(tree_kind_from_string(word, &k), 0);
		ck_assert_int_eq(k, (int)n);
		n++;
	}
	ck_assert_uint_eq(n, TREE_KIND_COUNT);
	/* Each [step NAME] ... kind = WORD of the file, as loaded. */
	t = tree_load(path, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	n = 0;
	for (p = strtok(text, "\n"); p != NULL; p = strtok(NULL, "\n")) {
		if (sscanf(p, "[step %63[^]]]", step) == 1)
			continue;
		if (sscanf(p, "kind = %31s", word) == 1) {
			size_t i = tree_find(t, step);
			ck_assert_uint_ne(i, TREE_NONE);
			ck_assert_str_eq(tree_kind_to_string(t->steps[i].kind), word);
			n++;
		}
	}
	ck_assert_uint_eq(n, t->nsteps);
	tree_free(t);
	free(text);
}
END_TEST

START_TEST(test_shipped_tree)
{
	char path[4096], err[500] = "";
	tree *t;
	size_t i, j;

	shipped_path(path, sizeof path);
	t = tree_load(path, err, sizeof err);
	ck_assert_msg(t != NULL, "%s", err);
	/* The walk the issue asks for: welcome, a question with the three
	 * answers, the check picking a branch, both branches to done. */
	ck_assert_int_eq(t->steps[t->start].kind, TREE_WELCOME);
	i = t->steps[t->start].next;
	ck_assert_int_eq(t->steps[i].kind, TREE_QUESTION);
	ck_assert_uint_eq(t->steps[i].nchoices, 3);
	ck_assert_int_eq(t->steps[t->steps[i].choices[0].next].kind,
	    TREE_DOMAINS);
	ck_assert_int_eq(t->steps[t->steps[i].choices[1].next].kind,
	    TREE_EXTERNAL);
	j = t->steps[i].choices[2].next;
	ck_assert_int_eq(t->steps[j].kind, TREE_CHECK);
	ck_assert_int_eq(t->steps[t->steps[j].on_healthy].kind, TREE_DOMAINS);
	ck_assert_int_eq(t->steps[t->steps[j].on_broken].kind, TREE_EXTERNAL);
	for (i = 0; i < t->nsteps; i++)
		ck_assert_msg(t->steps[i].nhelp > 0, "step %s has no help",
		    t->steps[i].name);
	tree_free(t);
}
END_TEST

/* A message quotes the file cut at a length: never half a UTF-8
 * character, never raw bytes (found by tests/fuzz/fuzz_tree). */
START_TEST(test_errors_printable)
{
	char err[600] = "", text[400];
	const unsigned char *c;
	size_t i, n;
	tree *t;

	n = (size_t)snprintf(text, sizeof text, "[tree]\nversion = 1\n[s");
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "\xf2\x91\x9a\x87");
	snprintf(text + n, sizeof text - n, "]\n");
	t = load(text, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strncmp(err, "t.ini:3: ", 9) == 0, "%s", err);
	for (c = (const unsigned char *)err; *c != '\0'; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f, "byte 0x%02x in '%s'", *c,
		    err);
}
END_TEST

START_TEST(test_missing_file)
{
	char err[500] = "";
	tree *t = tree_load("/nonexistent/exdns/tree.ini", err, sizeof err);

	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "/nonexistent/exdns/tree.ini: ") == err &&
	    strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

static const char *
lookup(const char *name, void *arg)
{
	(void)arg;
	if (strcmp(name, "domain") == 0)
		return "contoso.com";
	return NULL;
}

START_TEST(test_expand)
{
	char *s = tree_expand("a {domain} b {mx} c {domain}", lookup, NULL);

	ck_assert_str_eq(s, "a contoso.com b  c contoso.com");
	free(s);
	s = tree_expand("no placeholders", lookup, NULL);
	ck_assert_str_eq(s, "no placeholders");
	free(s);
	ck_assert(tree_placeholder_known("smart_hosts", 11));
	ck_assert(!tree_placeholder_known("smart_host", 10));
}
END_TEST

/* A malformed tree: what to change in the base, the line the error must
 * name (found by a needle in the changed text; NULL: no line), and words
 * the message must hold. */
typedef struct bad_case {
	const char *from, *to;
	const char *at;
	const char *says;
} bad_case;

static const bad_case bad[] = {
	/* lexing */
	{"[tree]\nversion = 1\nstart = w\n", "", NULL, "no [tree] section"},
	{"[step z]\n", "[tree]\n[step z]\n", "[tree]\n[step z]", "[tree] appears twice"},
	{"version = 1\n", "", "[tree]", "no 'version = 1'"},
	{"version = 1\n", "version = 2\n", "version = 2", "version 2 is not known"},
	{"start = w\n", "", "[tree]", "no 'start = STEP'"},
	{"start = w\n", "start = nowhere\n", "start = nowhere", "no step named 'nowhere'"},
	{"start = w\n", "start = w\nflavour = x\n", "flavour", "key 'flavour' is not known"},
	{"[step w]", "[step w", "[step w", "without ']'"},
	{"[step w]", "[step w] x", "[step w] x", "text after the section header"},
	{"[step w]", "[stage w]", "[stage w]", "unknown section [stage w]"},
	{"[step w]", "[step W!]", "[step W!]", "is not a step name"},
	{"[step d]", "[step q]", "[step q]\nkind = domains", "step 'q' appears twice"},
	{"title = Welcome\n", "title Welcome\n", "title Welcome", "expected 'key = value'"},
	{"# a test tree\n", "kind = welcome\n", "kind = welcome", "before the first [section]"},
	{"title = Welcome\n", "Title = Welcome\n", "Title", "is not a key"},
	{"title = Welcome\n", "= Welcome\n", "= Welcome", "a value without a key"},
	{"# a test tree\n", "  floating\n", "floating", "continues no value"},
	{"title = Welcome\n", "title = Wel\001come\n", "title = Wel", "control character"},
	{"title = Welcome\n", "title = Wel\xff" "come\n", "title = Wel", "not UTF-8"},
	{"title = Welcome\n", "title = Wel\xc3(come\n", "title = Wel", "not UTF-8"},
	{"title = Welcome\n", "title = Wel\xc2\x85" "come\n", "title = Wel", "control character"},
	{"title = Welcome\n", "title = Wel\xe2\x80\xae" "come\n", "title = Wel", "control character"},
	/* steps */
	{"kind = welcome\n", "", "[step w]", "step 'w' has no 'kind'"},
	{"kind = welcome\n", "kind = hello\n", "kind = hello", "unknown kind 'hello'"},
	{"kind = welcome\n", "kind = welcome\nkind = welcome\n", "kind = welcome\ntitle", "'kind' given twice"},
	{"title = Welcome\n", "title =\n", "title =", "'title' has no value"},
	{"title = Welcome\n", "title = Welcome\ntitle = Again\n", "title = Again", "'title' given twice"},
	{"title = Welcome\n", "", "[step w]", "step 'w' has no 'title'"},
	{"next = q\n", "next = q\nchoice = d | X\n", "choice = d | X", "key 'choice' is not known for kind welcome"},
	{"kb = Set-TransportService", "kb = Set-TransportService {transport_server}\nhealthy = x\nkb = Set", "healthy = x", "key 'healthy' is not known for kind external"},
	{"next = q\n", "", "[step w]", "step 'w' (welcome) has no 'next'"},
	{"next = q\n", "next = q\nnext = q\n", "next = q\n\n[step q]", "'next' given twice"},
	{"next = q\n", "next = nowhere\n", "next = nowhere", "next: no step named 'nowhere'"},
	{"title = Domains\nnext = p\n", "title = Domains\nnext = d\n", "next = d", "leads to itself"},
	{"title = Domains\nnext = p\n", "title = Domains\nnext = r\n", "next = r", "'r' is of kind results; it must be of kind probe"},
	{"title = Probing\nnext = r\n", "title = Probing\nnext = s\n", "next = s\n\n[step r]", "'s' is of kind save; it must be of kind results"},
	{"choice = d | Some fail", "choice = p | Some fail", "choice = p", "'p' (kind probe) comes only after a step of kind domains"},
	{"on-healthy = d\n", "on-healthy = s\n", "on-healthy = s", "'s' (kind save) comes only after a step of kind results or external"},
	{"on-resolver-broken = e\n", "on-resolver-broken = d\n", "on-resolver-broken = d", "it must be of kind external"},
	{"choice = e | All fail\n", "choice = e All fail\n", "choice = e All", "expected 'STEP | LABEL'"},
	{"choice = e | All fail\n", "choice = e |  \n", "choice = e |", "must not be empty"},
	{"choice = e | All fail\n", "choice =  | All fail\n", "choice =  |", "must not be empty"},
	{"choice = e | All fail\n", "choice = e | All | x | y\n", "choice = e | All", "a fourth '|'"},
	{"choice = e | All fail\n", "choice = e | All |\n", "choice = e | All", "an empty part"},
	{"choice = e | All fail\n", "choice = e | All fail\nchoice = e | 4\nchoice = e | 5\nchoice = e | 6\nchoice = e | 7\nchoice = e | 8\nchoice = e | 9\nchoice = e | 10\n", "choice = c | Test for me", "more than 9 choices"},
	{"choice = e | All fail\nchoice = c | Test for me | exdns checks.\n", "", "[step q]", "needs at least 2 choices"},
	{"on-broken = e\n", "", "[step c]", "needs both 'on-healthy' and 'on-broken'"},
	{"text = Second {resolver}.", "text = Second {resolvr}.", "{resolvr}", "unknown placeholder {resolvr}"},
	{"text = Second {resolver}.", "text = Second {resolver.", "{resolver.", "'{' without '}'"},
	{"text = Second {resolver}.", "text = Second resolver}.", "resolver}.", "'}' without '{'"},
	{"kb = New-SendConnector {domain}", "kb = New-SendConnector {domian}", "{domian}", "unknown placeholder {domian}"},
	{"choice = d | Some fail | Only a few.", "choice = d | Some fail | Only {few}.", "{few}", "unknown placeholder {few}"},
	/* the whole tree */
	{"[step z]\n", "[step lost]\nkind = welcome\ntitle = Lost\nnext = q\n\n[step z]\n", "[step lost]", "step 'lost' cannot be reached"},
	{"start = w\n", "start = p\n", "start = p", "'p' is of kind probe, which cannot come first"},
};

START_TEST(test_malformed)
{
	const bad_case *c = &bad[_i];
	char err[600] = "", want[64];
	char *text;
	tree *t;

	text = subst(c->from, c->to);
	t = load(text, err, sizeof err);
	ck_assert_msg(t == NULL, "case %d (%s) was accepted", _i, c->says);
	if (c->at != NULL)
		snprintf(want, sizeof want, "t.ini:%u: ", line_of(text, c->at));
	else
		snprintf(want, sizeof want, "t.ini: ");
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "case %d: '%s' does not start with '%s'", _i, err, want);
	ck_assert_msg(strstr(err, c->says) != NULL,
	    "case %d: '%s' does not say '%s'", _i, err, c->says);
	free(text);
}
END_TEST

START_TEST(test_no_done_step)
{
	/* Without a done step the walk never ends: make z a save step. */
	char err[600] = "";
	char *text = subst("[step z]\nkind = done\ntitle = Done\ntext = Saved in "
	    "{plan_path}.\n", "");
	char *t2;
	tree *t;
	size_t n;

	/* the save step then leads nowhere: it is the missing next that is
	 * reported first */
	t = load(text, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "no step named 'z'") != NULL, "%s", err);
	free(text);
	/* A done step that is there but never reached is unreachable. */
	text = subst("choice = e | All fail\n", "choice = e | All fail\n");
	n = strlen(text);
	t2 = xmalloc(n + 100);
	strcpy(t2, text);
	strcat(t2, "\n[step z9]\nkind = done\ntitle = Z9\n");
	t = load(t2, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "step 'z9' cannot be reached") != NULL, "%s",
	    err);
	free(t2);
	free(text);
	/* All reachable, but no way to an end. */
	t = load("[tree]\nversion = 1\nstart = w\n[step w]\nkind = welcome\n"
	    "title = W\nnext = q\n[step q]\nkind = question\ntitle = Q\n"
	    "choice = w | Back\nchoice = c | Test\n[step c]\nkind = check\n"
	    "title = C\non-healthy = q\non-broken = w\n", err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strcmp(err, "t.ini: no done step: the walk never ends")
	    == 0, "%s", err);
}
END_TEST

START_TEST(test_too_long)
{
	char err[600] = "", *text, *line;
	tree *t;

	line = xmalloc(TREE_LINE_MAX + 40);
	memset(line, 'x', TREE_LINE_MAX + 30);
	memcpy(line, "text = ", 7);
	line[TREE_LINE_MAX + 30] = '\0';
	{
		char *with = xmalloc(strlen(line) + 3);
		sprintf(with, "%s\n", line);
		text = subst("text = Second {resolver}.\n", with);
		free(with);
	}
	t = load(text, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "longer than 1000 bytes") != NULL, "%s", err);
	{
		char want[40];
		snprintf(want, sizeof want, "t.ini:%u: ", line_of(text, "text = xxx"));
		ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	}
	free(text);
	free(line);

	/* A NUL byte, which strlen would hide. */
	text = xstrdup(base);
	*strstr(text, "Welcome") = '\0';
	t = tree_load_mem("t.ini", text, strlen(base), err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "NUL byte") != NULL, "%s", err);
	free(text);

	/* A huge file is not a tree. */
	text = xmalloc(300 * 1024);
	memset(text, '#', 300 * 1024);
	t = tree_load_mem("t.ini", text, 300 * 1024, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, "t.ini: larger than") == err, "%s", err);
	free(text);
}
END_TEST

START_TEST(test_file_errors_name_the_path)
{
	char path[] = "/tmp/exdns-check-tree-XXXXXX", err[600] = "", want[100];
	int fd = mkstemp(path);
	char *text = subst("kind = welcome\n", "kind = hello\n");
	tree *t;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	t = tree_load(path, err, sizeof err);
	ck_assert_ptr_null(t);
	snprintf(want, sizeof want, "%s:%u: ", path, line_of(text, "kind = hello"));
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	unlink(path);
	free(text);
}
END_TEST

static Suite *
tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, test_base_loads);
	tcase_add_test(tc, test_crlf_and_utf8);
	tcase_add_test(tc, test_shipped_tree);
	tcase_add_test(tc, test_kinds_as_documented);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_errors_printable);
	tcase_add_test(tc, test_expand);
	tcase_add_loop_test(tc, test_malformed, 0,
	    (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, test_no_done_step);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_file_errors_name_the_path);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(tree_suite());
}
