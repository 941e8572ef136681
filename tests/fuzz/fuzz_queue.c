/* fuzz_queue.c - libFuzzer target for src/queue.c (and the list reader,
 * domains and IDN under it): what --queue and --file read. Not built by
 * make; with clang, in a configured build directory (for config.h):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include config.h \
 *       -I. -I$SRC/src -DPKGDATADIR='""' -DBUILD_PROGDIR='""' \
 *       -DSOURCE_DATADIR='""' $SRC/tests/fuzz/fuzz_queue.c \
 *       $SRC/src/queue.c $SRC/src/domains.c $SRC/src/idn.c \
 *       $SRC/src/dname.c $SRC/src/util.c $SRC/src/verdict.c \
 *       -lcsv -lidn2 -o fuzz_queue && ./fuzz_queue $SRC/tests/data/queue/
 *
 * Properties checked beyond memory safety: every domain kept is a valid
 * host name in A-label form, found again by queue_find, in order of
 * messages; every message about a bad row starts with "PATH:LINE: " and
 * is printable ASCII; every domain of the list reader's entries that
 * domains_parse accepts is valid. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "queue.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
must(int cond)
{
	if (!cond)
		abort();
}

static void
printable(const char *t)
{
	for (; *t; t++)
		must(*t >= 0x20 && *t < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[600], norm[DNAME_MAX], why[200];
	char **v = NULL;
	unsigned *lines = NULL;
	size_t i, n = 0;
	queue *q;

	memcpy(text, data, size);
	text[size] = '\0';
	/* The readers get text without NUL bytes (util_read_text). */
	if (memchr(text, '\0', size) == NULL) {
		if ((q = queue_parse(text, size, "f", err, sizeof err)) != NULL) {
			for (i = 0; i < q->n; i++) {
				must(dname_valid_host(q->entries[i].domain));
				must(queue_find(q, q->entries[i].domain) ==
				    &q->entries[i]);
				if (i > 0)
					must(q->entries[i - 1].messages >=
					    q->entries[i].messages);
			}
			for (i = 0; i < q->nerrors; i++) {
				must(strncmp(q->errors[i], "f:", 2) == 0);
				printable(q->errors[i]);
			}
			for (i = 0; i < q->nkinds; i++)
				printable(q->skipped_kinds[i]);
			queue_free(q);
		} else
			printable(err);
		list_parse_text(text, size, &v, &lines, &n);
		for (i = 0; i < n; i++)
			if (domains_parse(v[i], norm, why, sizeof why) == 0)
				must(dname_valid_host(norm));
			else
				printable(why);
		strv_free(v, n);
		free(lines);
	}
	free(text);
	return 0;
}
