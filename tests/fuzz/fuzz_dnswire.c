/* fuzz_dnswire.c - libFuzzer target for src/dnswire.c, the reader of every
 * DNS reply exdns gets. Not built by make; with clang:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include config.h \
 *       -I. -I$SRC/src $SRC/tests/fuzz/fuzz_dnswire.c $SRC/src/dnswire.c \
 *       -o fuzz_dnswire && ./fuzz_dnswire -max_len=1500 corpus/
 *
 * (run in a configured build directory, for config.h). Properties checked
 * beyond memory safety: of a message dnswire_check accepts, every record
 * is inside it, every owner name and every name in NS/CNAME/MX RDATA
 * decodes, and names decode to printable ASCII without spaces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnswire.h"

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
		must(*t > 0x20 && *t < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *m = malloc(size ? size : 1);  /* exact size: ASan sees overreads */
	char text[DNSWIRE_TEXT_MAX];
	dnswire_iter it;
	dnswire_rr rr;
	size_t off;

	memcpy(m, data, size);
	if (dnswire_check(m, size)) {
		dnswire_begin(&it, m, size);
		while (dnswire_next(&it, &rr)) {
			const char *t = dnswire_name_text(m, size, rr.owner, text);
			must(t != NULL);
			printable(t);
			if (rr.section == DNSWIRE_QUESTION)
				continue;
			must(rr.rdata + rr.rdlen <= size);
			if (rr.type == 15)
				must(dnswire_name_text(m, size, rr.rdata + 2, text) != NULL);
			if (rr.type == 2 || rr.type == 5 || rr.type == 12)
				must(dnswire_name_text(m, size, rr.rdata, text) != NULL);
		}
	}
	/* Names read from anywhere: never out of bounds, printable. */
	for (off = 0; off < size && off < 64; off++)
		if (dnswire_name_text(m, size, off, text) != NULL)
			printable(text);
	free(m);
	return 0;
}
