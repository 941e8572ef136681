/* fuzz_domains.c - libFuzzer target for src/domains.c and the list reader
 * under it: what --file reads (make fuzz; harness.h). Properties checked
 * beyond memory safety: every domain kept is a valid host name in A-label
 * form; every bad entry's message starts with "PATH:LINE: " and is
 * printable ASCII; a file refused as a whole is named in its message. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "domains.h"
#include "harness.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("domains.txt", data, size);
	domains_list l;
	char err[600], norm[DNAME_MAX], why[200];
	size_t i;

	memset(&l, 0, sizeof l);
	if (domains_read_file(&l, path, err, sizeof err) == 0) {
		for (i = 0; i < l.n; i++) {
			must(dname_valid_host(l.names[i]));
			/* A normalised name reads back as itself. */
			must(domains_parse(l.names[i], norm, why, sizeof why) == 0);
			must(strcmp(norm, l.names[i]) == 0);
		}
		for (i = 0; i < l.nerrors; i++) {
			fuzz_error_names(l.errors[i], path);
			must(l.errors[i][strlen(path) + 1] >= '1' &&
			    l.errors[i][strlen(path) + 1] <= '9');
		}
	} else
		fuzz_error_names(err, path);
	domains_list_free(&l);
	return 0;
}
