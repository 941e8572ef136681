/* atomic.h - the one atomic writer of output files (plans, the wizard's
 * session): whole or not at all, regular files only.
 *
 * util_atomic_write(path, ...) writes len bytes so that a crash at any
 * moment leaves the old file or the new one, whole:
 * - path may only name a regular file, or nothing yet: a directory, a
 *   device (/dev/null), a FIFO or a socket is refused with
 *   "PATH: not a regular file ..." (UTIL_AW_ERROR), whatever the flags;
 * - a symbolic link is followed on purpose: its target is written and the
 *   link stays a link; a link to nothing is refused;
 * - the text goes to a temporary file ".NAME.XXXXXX" next to the target,
 *   which is fsynced and closed (closed even when fsync fails), then
 *   renamed over the target (UTIL_AW_REPLACE) or hard-linked to a path
 *   that must still not exist (otherwise: never replaces, UTIL_AW_EXISTS);
 *   the folder is fsynced last;
 * - with UTIL_AW_BACKUP the old file is kept as PATH.bak first (a hard
 *   link when the file system has them, else an atomic copy);
 * - the mode of the file replaced is kept; a new file gets mode & ~umask;
 * - SIGTERM, SIGHUP or SIGINT during the save, when they would end the
 *   program, remove the temporary file, then take their course; ignored
 *   ones stay ignored, and one the program handles itself goes to its
 *   handler with the save going on (the wizard saves on SIGHUP);
 * - $EXDNS_TEST_SLOW_SAVE (milliseconds) pauses between the steps and
 *   lines, for the crash tests. */
#ifndef EXDNS_ATOMIC_H
#define EXDNS_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define UTIL_AW_REPLACE 1u
#define UTIL_AW_BACKUP  2u
enum { UTIL_AW_OK = 0, UTIL_AW_ERROR = -1, UTIL_AW_EXISTS = -2 };

int util_atomic_write(const char *path, const char *text, size_t len,
                      unsigned flags, mode_t mode, char *err, size_t errlen);

/* Where a save of path would write: *target (caller frees) is path, or a
 * symbolic link's target. Returns 1 when it exists (*st filled), 0 when
 * not yet, -1 with "PATH: ..." in err for a directory, anything not a
 * regular file or a link to nothing. For checks before long work. */
int util_write_target(const char *path, char **target, struct stat *st,
                      char *err, size_t errlen);

#endif
