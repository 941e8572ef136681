/* harness.h - what every libFuzzer target of tests/fuzz/ shares: the
 * entry point's declaration, property checks that abort (libFuzzer and
 * the sanitizers report an abort as a crash, with the input), copies of
 * the input as exact-size buffers and as files for the readers that take
 * a path. Built by `make fuzz` when configure found clang with
 * -fsanitize=fuzzer; see README, "Fuzzing". */
#ifndef EXDNS_FUZZ_HARNESS_H
#define EXDNS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold: prints it with FILE:LINE, then aborts. */
#define must(cond) fuzz_must((cond) != 0, #cond, __FILE__, __LINE__)
void fuzz_must(int ok, const char *what, const char *file, int line);

/* Every byte of t is printable ASCII (0x20..0x7e; with spaces false,
 * 0x21..0x7e). */
void fuzz_printable(const char *t, int spaces);

/* A message from a reader that refused a file: one printable line that
 * starts with "PATH:" (PATH:LINE: what, or PATH: what). */
void fuzz_error_names(const char *err, const char *path);

/* The input as a NUL-terminated string, malloc'd at its exact size (so
 * ASan sees a read past its end); free it. */
char *fuzz_text(const uint8_t *data, size_t size);

/* A directory of this process (made on first use, emptied and removed at
 * exit), and the input written into a file NAME in it; returns the path
 * (valid until the next call with the same name). */
const char *fuzz_dir(void);
const char *fuzz_file(const char *name, const void *data, size_t size);

/* The input split at the first occurrence of sep: the part before in a
 * and alen, the rest in b and blen (empty when sep is not there). */
void fuzz_split(const uint8_t *data, size_t size, const char *sep,
                const uint8_t **a, size_t *alen, const uint8_t **b,
                size_t *blen);

#endif
