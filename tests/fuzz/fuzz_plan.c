/* fuzz_plan.c - libFuzzer target for src/plan.c, the reader of remediation
 * plans that emit and replay take (make fuzz; harness.h). Properties
 * checked beyond memory safety: a refused plan's message names the file;
 * a plan accepted is valid, is written back by plan_format, and that text
 * loads again as the same plan. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "plan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("plan.ini", data, size), *again;
	char err[1200];
	plan *p = plan_load(path, err, sizeof err), *q;
	char *text;

	if (p == NULL) {
		fuzz_error_names(err, path);
		return 0;
	}
	must(plan_validate(p, err, sizeof err) == 0);
	text = plan_format(p, err, sizeof err);
	must(text != NULL);
	again = fuzz_file("again.ini", text, strlen(text));
	q = plan_load(again, err, sizeof err);
	if (q == NULL) {
		fuzz_printable(err, 1);
		must(!"a plan written by plan_format loads");
	}
	must(plan_equal(p, q, false));
	plan_free(q);
	free(text);
	plan_free(p);
	return 0;
}
