/* fuzz_tree.c - libFuzzer target for ui/tree.c, the reader of the
 * wizard's decision tree (data/tree.ini; make fuzz; harness.h).
 * Properties checked beyond memory safety: a refused tree's message names
 * the file; of a tree accepted, every step is reachable from the start,
 * every link points at a step, and every text expands. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tree.h"

static const char *
lookup(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "domain") == 0 ? "contoso.com" : NULL;
}

static void
link_ok(const tree *t, size_t to, int optional)
{
	must((optional && to == TREE_NONE) || to < t->nsteps);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[600];
	tree *t = tree_load_mem("t.ini", (const char *)data, size, err,
	    sizeof err);
	size_t i, j;

	if (t == NULL) {
		fuzz_error_names(err, "t.ini");
		return 0;
	}
	must(t->start < t->nsteps);
	for (i = 0; i < t->nsteps; i++) {
		const tree_step *s = &t->steps[i];
		must(tree_find(t, s->name) == i);
		must(s->title != NULL);
		link_ok(t, s->next, 1);
		link_ok(t, s->on_resolver_broken, 1);
		for (j = 0; j < s->nchoices; j++)
			link_ok(t, s->choices[j].next, 0);
		for (j = 0; j < s->ntext; j++) {
			char *x = tree_expand(s->text[j], lookup, NULL);
			free(x);
		}
	}
	tree_free(t);
	return 0;
}
