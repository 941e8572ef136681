/* fuzz_lab_world.c - libFuzzer target for src/lab_world.c, the reader of
 * the lab's world files (data/lab.ini; make fuzz; harness.h). Properties
 * checked beyond memory safety: a refused world's message names the file;
 * a world accepted can be given a port and freed. */
#include <config.h>

#include <stdlib.h>

#include "harness.h"
#include "lab_world.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("world.ini", data, size);
	char err[600];
	lab_world *w = lab_world_load(path, err, sizeof err);

	if (w == NULL) {
		fuzz_error_names(err, path);
		return 0;
	}
	lab_world_set_port(w, 10053);
	lab_world_free(w);
	return 0;
}
