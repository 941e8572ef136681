/* tree.h - the wizard's decision tree (data/tree.ini): its steps, their
 * texts, questions and choices, and where each answer leads; read and
 * checked at start-up with FILE:LINE errors. No curses here.
 *
 * The format, in short (data/tree.ini documents it at its top):
 *
 *   [tree]                     version = 1, start = STEP
 *   [step NAME]                kind = welcome|question|check|domains|probe|
 *                                     results|external|save|done
 *                              title = ..., text = ... (repeatable: one
 *                              paragraph each), help = ... (repeatable),
 *                              and the exits of its kind (next = STEP,
 *                              choice = STEP | LABEL | EXPLANATION, ...)
 *
 * A line that starts with white space continues the value above it.
 * Texts may hold {placeholders} (tree_placeholder_known). */
#ifndef EXDNS_TREE_H
#define EXDNS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TREE_VERSION      1
#define TREE_LINE_MAX     1000    /* bytes per line, without the newline */
#define TREE_MAX_CHOICES  9       /* chosen with the digits 1..9 */
#define TREE_MAX_STEPS    64
#define TREE_NONE         ((size_t)-1)

/* What a step does; the engine (wizard.c) gives each kind its behaviour and
 * each kind its screen (ui/screen_*.c). */
typedef enum tree_kind {
	TREE_WELCOME = 0,   /* what the tool does, the resolver (editable) */
	TREE_QUESTION,      /* choices 1..9, each leading to a step */
	TREE_CHECK,         /* resolver + canary checks, then on-healthy/on-broken */
	TREE_DOMAINS,       /* the domains to probe (text field or a file) */
	TREE_PROBE,         /* probes the domains, shows progress */
	TREE_RESULTS,       /* verdict table, evidence, the KB's steps */
	TREE_EXTERNAL,      /* resolver health, external DNS candidates */
	TREE_SAVE,          /* plan path, names, confirmation, save */
	TREE_DONE,          /* where the plan is, what to run next */
	TREE_KIND_COUNT
} tree_kind;

const char *tree_kind_to_string(tree_kind k);
int tree_kind_from_string(const char *s, tree_kind *out);   /* 0 or -1 */

typedef struct tree_choice {
	char *label;            /* "Only specific remote domains fail" */
	char *explain;          /* shown under the list when selected; may be NULL */
	size_t next;            /* step index */
	unsigned line;
} tree_choice;

typedef struct tree_step {
	char *name;
	tree_kind kind;
	char *title;
	char **text; size_t ntext;       /* paragraphs */
	char **help; size_t nhelp;       /* paragraphs for ? / F1 */
	char **kb; size_t nkb;           /* the KB's steps (results, external) */
	char **healthy; size_t nhealthy; /* check: shown when the resolver is fine */
	char **broken; size_t nbroken;   /* check: shown when it fails */
	tree_choice *choices; size_t nchoices;
	size_t next;                     /* TREE_NONE when the kind has none */
	size_t on_healthy, on_broken;    /* check */
	size_t on_resolver_broken;       /* results: optional */
	unsigned line;                   /* the [step NAME] line */
} tree_step;

typedef struct tree {
	char *path;                      /* for messages */
	tree_step *steps; size_t nsteps;
	size_t start;
} tree;

/* Reads and checks a tree file. Returns the tree, or NULL with
 * "PATH:LINE: what is wrong" in err. Free with tree_free. */
tree *tree_load(const char *path, char *err, size_t errlen);
/* The same for text in memory; name stands for the path in messages. */
tree *tree_load_mem(const char *name, const char *text, size_t len,
                    char *err, size_t errlen);
void tree_free(tree *t);

/* Index of the step called name, or TREE_NONE. */
size_t tree_find(const tree *t, const char *name);
/* The first step of a kind, or TREE_NONE. */
size_t tree_find_kind(const tree *t, tree_kind k);

/* Placeholders a text may use: {resolver}, {resolver_status}, {domain},
 * {verdict}, {smart_hosts}, {mx}, {ndomains}, {external_servers},
 * {transport_server}, {internet_connector}, {plan_path}. */
bool tree_placeholder_known(const char *name, size_t len);

/* Fills in the placeholders of text: lookup returns the value of a name
 * (NULL: left empty). Returns a new string (caller frees). */
typedef const char *(*tree_lookup_fn)(const char *name, void *arg);
char *tree_expand(const char *text, tree_lookup_fn lookup, void *arg);

#endif
