/* atomic.c - the one atomic writer (rules in atomic.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "util.h"

static int
aw_err(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	util_file_verr(err, errlen, path, 0, fmt, ap);
	va_end(ap);
	return UTIL_AW_ERROR;
}

/* ---- the temporary file and the signals that must remove it ---------- */

static const int aw_sigs[] = { SIGTERM, SIGHUP, SIGINT };
#define AW_NSIGS (sizeof aw_sigs / sizeof aw_sigs[0])
static char aw_tmp[PATH_MAX];
static volatile sig_atomic_t aw_armed;
static struct sigaction aw_old[AW_NSIGS];
static bool aw_caught[AW_NSIGS];

static void
aw_restore(void)
{
	size_t i;

	for (i = 0; i < AW_NSIGS; i++)
		if (aw_caught[i]) {
			sigaction(aw_sigs[i], &aw_old[i], NULL);
			aw_caught[i] = false;
		}
}

/* Async-signal-safe: unlink, sigaction and raise only. The signal is
 * blocked while this runs, so raise() delivers it, to the disposition it
 * had before the save, as soon as this returns. */
static void
aw_signal(int sig)
{
	size_t i;

	if (aw_armed) {
		unlink(aw_tmp);
		aw_armed = 0;
	}
	for (i = 0; i < AW_NSIGS; i++)
		if (aw_caught[i])
			sigaction(aw_sigs[i], &aw_old[i], NULL);
	raise(sig);
}

static void
aw_block(sigset_t *old)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < AW_NSIGS; i++)
		sigaddset(&set, aw_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Creates ".NAME.XXXXXX" next to target, armed so that the signals remove
 * it. Returns the descriptor, or -1 with err set. */
static int
aw_create(const char *target, char *err, size_t errlen)
{
	const char *slash = strrchr(target, '/');
	const char *base = slash != NULL ? slash + 1 : target;
	size_t dirlen = slash != NULL ? (size_t)(slash - target) + 1 : 0;
	struct sigaction sa;
	sigset_t old;
	size_t i;
	int fd, saved;

	if (dirlen + strlen(base) + 9 >= sizeof aw_tmp) {
		aw_err(err, errlen, target, "name too long");
		return -1;
	}
	aw_block(&old);
	memcpy(aw_tmp, target, dirlen);
	snprintf(aw_tmp + dirlen, sizeof aw_tmp - dirlen, ".%s.XXXXXX", base);
	if ((fd = mkstemp(aw_tmp)) < 0) {
		saved = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		aw_err(err, errlen, target, "cannot create a temporary file next "
		    "to it: %s", strerror(saved));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = aw_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < AW_NSIGS; i++) {
		/* Only a signal that would end the program is caught: one
		 * ignored stays ignored, and one the program handles itself
		 * (the wizard saves its session on SIGHUP, and a second SIGHUP
		 * can come during that save) goes to its handler, the save
		 * going on undisturbed. */
		if (sigaction(aw_sigs[i], NULL, &aw_old[i]) != 0 ||
		    (aw_old[i].sa_flags & SA_SIGINFO) ||
		    aw_old[i].sa_handler != SIG_DFL)
			continue;
		sigaction(aw_sigs[i], &sa, NULL);
		aw_caught[i] = true;
	}
	aw_armed = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return fd;
}

/* The temporary file is gone (renamed or removed): the signals go back to
 * what they were. */
static void
aw_disarm(bool remove)
{
	sigset_t old;

	aw_block(&old);
	if (remove && aw_armed)
		unlink(aw_tmp);
	aw_armed = 0;
	aw_restore();
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static unsigned
aw_slow_ms(void)
{
	const char *s = getenv("EXDNS_TEST_SLOW_SAVE");

	return s != NULL ? (unsigned)strtoul(s, NULL, 10) : 0;
}

static void
aw_pause(unsigned ms)
{
	struct timespec ts;

	if (ms == 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
aw_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes the text into a new armed temporary file next to target; it is
 * fsynced and closed (closed in every case). 0, or -1 with err set and
 * the temporary file removed. */
static int
aw_write_temp(const char *target, const char *text, size_t len, mode_t mode,
              unsigned slow, char *err, size_t errlen)
{
	size_t off, n;
	const char *nl;
	int fd, saved = 0;

	if ((fd = aw_create(target, err, errlen)) < 0)
		return -1;
	if (fchmod(fd, mode) != 0)
		saved = errno;
	for (off = 0; saved == 0 && off < len; off += n) {
		if (slow) {
			nl = memchr(text + off, '\n', len - off);
			n = nl ? (size_t)(nl - (text + off)) + 1 : len - off;
		} else
			n = len - off;
		if (aw_write_all(fd, text + off, n) != 0)
			saved = errno;
		else
			aw_pause(slow);
	}
	if (saved == 0 && fsync(fd) != 0)
		saved = errno;
	if (close(fd) != 0 && saved == 0)
		saved = errno;
	if (saved != 0) {
		aw_err(err, errlen, target, "cannot write it: %s",
		    strerror(saved));
		aw_disarm(true);
		return -1;
	}
	return 0;
}

static void
aw_fsync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
util_write_target(const char *path, char **target, struct stat *st,
                  char *err, size_t errlen)
{
	struct stat lst;

	*target = NULL;
	if (lstat(path, &lst) != 0) {
		if (errno != ENOENT)
			return aw_err(err, errlen, path, "%s", strerror(errno));
		*target = xstrdup(path);
		return 0;
	}
	if (S_ISLNK(lst.st_mode)) {
		/* followed on purpose: the link stays, its target is written */
		char *real = realpath(path, NULL);
		if (real == NULL)
			return aw_err(err, errlen, path, "a symbolic link to "
			    "nothing (%s): not followed", strerror(errno));
		*target = xstrdup(real);
		free(real);
	} else
		*target = xstrdup(path);
	if (stat(*target, st) != 0) {
		aw_err(err, errlen, path, "%s", strerror(errno));
		free(*target);
		*target = NULL;
		return -1;
	}
	if (S_ISDIR(st->st_mode) || !S_ISREG(st->st_mode)) {
		aw_err(err, errlen, path, S_ISDIR(st->st_mode) ? "is a directory" :
		    "not a regular file (a device, FIFO or socket is never "
		    "written to or replaced)");
		free(*target);
		*target = NULL;
		return -1;
	}
	return 1;
}

/* PATH.bak becomes (atomically) the file target is now: a hard link, or
 * an atomic copy where the file system has no links. */
static int
aw_backup(const char *path, const char *target, mode_t mode, char *err,
          size_t errlen)
{
	char *bak = xmalloc(strlen(path) + 5), *tmp, *old;
	size_t len, blen = strlen(path) + 40;
	unsigned i;
	int rc = -1;

	sprintf(bak, "%s.bak", path);
	tmp = xmalloc(blen);
	for (i = 0; i < 100; i++) {
		snprintf(tmp, blen, "%s.bak.%ld.%u", path, (long)getpid(), i);
		if (link(target, tmp) == 0) {
			if (rename(tmp, bak) == 0)
				rc = 0;
			else {
				aw_err(err, errlen, path, "cannot keep the old "
				    "file as .bak: %s", strerror(errno));
				unlink(tmp);
			}
			goto out;
		}
		if (errno != EEXIST)
			break;
	}
	/* no hard links here: an atomic copy */
	if ((old = util_read_file(target, SIZE_MAX / 2, &len, err, errlen)) ==
	    NULL)
		goto out;
	rc = util_atomic_write(bak, old, len, UTIL_AW_REPLACE, mode, err,
	    errlen) == UTIL_AW_OK ? 0 : -1;
	free(old);
out:
	free(tmp);
	free(bak);
	return rc;
}

int
util_atomic_write(const char *path, const char *text, size_t len,
                  unsigned flags, mode_t mode, char *err, size_t errlen)
{
	struct stat st;
	char *target;
	unsigned slow = aw_slow_ms();
	mode_t um;
	int exists, rc;

	if ((exists = util_write_target(path, &target, &st, err, errlen)) < 0)
		return UTIL_AW_ERROR;
	if (exists && !(flags & UTIL_AW_REPLACE)) {
		free(target);
		aw_err(err, errlen, path, "already exists; not overwriting it");
		return UTIL_AW_EXISTS;
	}
	if (exists)
		mode = st.st_mode & 07777;
	else {
		um = umask(022);
		umask(um);
		mode &= ~um;
	}
	if (exists && (flags & UTIL_AW_BACKUP)) {
		if (aw_backup(path, target, mode, err, errlen) != 0) {
			free(target);
			return UTIL_AW_ERROR;
		}
		aw_pause(slow);
	}
	if (aw_write_temp(target, text, len, mode, slow, err, errlen) != 0) {
		free(target);
		return UTIL_AW_ERROR;
	}
	aw_pause(slow);

	if (flags & UTIL_AW_REPLACE) {
		rc = rename(aw_tmp, target) == 0 ? UTIL_AW_OK : UTIL_AW_ERROR;
		if (rc != UTIL_AW_OK)
			aw_err(err, errlen, path, "cannot replace it: %s",
			    strerror(errno));
		aw_disarm(rc != UTIL_AW_OK);
	} else {
		/* Never replace a file that appeared meanwhile: link() fails
		 * with EEXIST where rename() would overwrite. */
		if (link(aw_tmp, target) == 0)
			rc = UTIL_AW_OK;
		else if (errno == EEXIST || lstat(target, &st) == 0)
			rc = UTIL_AW_EXISTS;
		else if (rename(aw_tmp, target) == 0) {
			aw_disarm(false);
			rc = UTIL_AW_OK;
		} else
			rc = UTIL_AW_ERROR;
		if (rc == UTIL_AW_EXISTS)
			aw_err(err, errlen, path, "already exists; not "
			    "overwriting it");
		else if (rc != UTIL_AW_OK)
			aw_err(err, errlen, path, "cannot create it: %s",
			    strerror(errno));
		aw_disarm(true);
	}
	if (rc == UTIL_AW_OK)
		aw_fsync_dir(target);
	free(target);
	return rc;
}
