/* fuzz_queue.c - libFuzzer target for src/queue.c: what --queue reads
 * (make fuzz; harness.h; seeded with tests/data/queue/). Properties
 * checked beyond memory safety: every domain kept is a valid host name in
 * A-label form, found again by queue_find, in order of messages; every
 * message about a bad row starts with "PATH:LINE: " and is printable
 * ASCII. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "queue.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), err[600];
	size_t i;
	queue *q;

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
				fuzz_printable(q->errors[i], 1);
			}
			for (i = 0; i < q->nkinds; i++)
				fuzz_printable(q->skipped_kinds[i], 1);
			queue_free(q);
		} else
			fuzz_printable(err, 1);
	}
	free(text);
	return 0;
}
