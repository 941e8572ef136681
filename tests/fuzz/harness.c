/* harness.c - the shared part of the libFuzzer targets (harness.h). Each
 * target is this file, the target's own file and the readers under test,
 * linked with -fsanitize=fuzzer,address,undefined. Built without libFuzzer
 * (-DFUZZ_STANDALONE) it is a program that runs each file named on its
 * command line through the target once: a crash found by a fuzzer can be
 * replayed under gdb or valgrind. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define FUZZ_FILES 8

static char dir[256];
static char *paths[FUZZ_FILES];

void
fuzz_must(int ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: property does not hold: %s\n", file, line, what);
	abort();
}

void
fuzz_printable(const char *t, int spaces)
{
	const char *c;

	for (c = t; *c != '\0'; c++)
		if (!(*c < 0x7f && (*c > 0x20 || (spaces && *c == 0x20)))) {
			fprintf(stderr, "not printable: byte 0x%02x at %zu of \"",
			    (unsigned char)*c, (size_t)(c - t));
			for (c = t; *c != '\0'; c++)
				fprintf(stderr, *c >= 0x20 && *c < 0x7f ? "%c" :
				    "\\x%02x", (unsigned char)*c);
			fprintf(stderr, "\"\n");
			must(!"printable text");
		}
}

void
fuzz_error_names(const char *err, const char *path)
{
	size_t n = strlen(path);

	must(err[0] != '\0');
	must(strncmp(err, path, n) == 0 && err[n] == ':');
	fuzz_printable(err, 1);
}

char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *t = malloc(size + 1);

	must(t != NULL);
	memcpy(t, data, size);
	t[size] = '\0';
	return t;
}

static void
fuzz_cleanup(void)
{
	size_t i;

	for (i = 0; i < FUZZ_FILES; i++)
		if (paths[i] != NULL) {
			unlink(paths[i]);
			free(paths[i]);
			paths[i] = NULL;
		}
	if (dir[0] != '\0') {
		/* What a reader under test wrote there (session saves). */
		DIR *d = opendir(dir);
		struct dirent *e;
		char p[512];
		if (d != NULL) {
			while ((e = readdir(d)) != NULL)
				if (strcmp(e->d_name, ".") != 0 &&
				    strcmp(e->d_name, "..") != 0) {
					snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
					unlink(p);
				}
			closedir(d);
		}
		rmdir(dir);
		dir[0] = '\0';
	}
}

const char *
fuzz_dir(void)
{
	if (dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/exdns-fuzz.XXXXXX",
		    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
		must(mkdtemp(dir) != NULL);
		atexit(fuzz_cleanup);
	}
	return dir;
}

const char *
fuzz_file(const char *name, const void *data, size_t size)
{
	char path[512];
	size_t i, free_slot = FUZZ_FILES;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	for (i = 0; i < FUZZ_FILES; i++) {
		if (paths[i] != NULL && strcmp(paths[i], path) == 0)
			break;
		if (paths[i] == NULL && free_slot == FUZZ_FILES)
			free_slot = i;
	}
	if (i == FUZZ_FILES) {
		must(free_slot < FUZZ_FILES);
		i = free_slot;
		paths[i] = strdup(path);
		must(paths[i] != NULL);
	}
	f = fopen(paths[i], "wb");
	must(f != NULL);
	must(size == 0 || fwrite(data, 1, size, f) == size);
	must(fclose(f) == 0);
	return paths[i];
}

void
fuzz_split(const uint8_t *data, size_t size, const char *sep,
           const uint8_t **a, size_t *alen, const uint8_t **b, size_t *blen)
{
	size_t n = strlen(sep), i;

	*a = data;
	*alen = size;
	*b = data + size;
	*blen = 0;
	for (i = 0; n > 0 && i + n <= size; i++)
		if (memcmp(data + i, sep, n) == 0) {
			*alen = i;
			*b = data + i + n;
			*blen = size - i - n;
			return;
		}
}

#ifdef FUZZ_STANDALONE
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int
main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
			perror(argv[i]);
			return 1;
		}
		rewind(f);
		buf = malloc((size_t)n + 1);
		if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	return 0;
}
#endif
