/* fuzz_dnswire.c - libFuzzer target for src/dnswire.c, the reader of every
 * DNS reply exdns gets (make fuzz; harness.h). Properties checked beyond
 * memory safety: of a message dnswire_check accepts, every record is
 * inside it, every owner name and every name in NS/CNAME/MX RDATA
 * decodes, and names decode to printable ASCII without spaces. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "dnswire.h"
#include "harness.h"

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
			fuzz_printable(t, 0);
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
			fuzz_printable(text, 0);
	free(m);
	return 0;
}
