/* fuzz_session.c - libFuzzer target for ui/session.c, the reader of the
 * wizard's saved session (`exdns wizard --resume`; make fuzz; harness.h).
 * The input is the session file, then, after a line "%%%", the
 * session-domains.ini it may name. Properties checked beyond memory
 * safety: a refused session's message is one printable line naming a
 * file; a session accepted is saved again and that loads too, at the same
 * step and state. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "session.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *a, *b;
	size_t alen, blen;
	char err[1200], again[600];
	session s, t;
	int rc;

	fuzz_split(data, size, "\n%%%\n", &a, &alen, &b, &blen);
	fuzz_file("session", a, alen);
	fuzz_file("session-domains.ini", b, blen);
	rc = session_load(fuzz_dir(), &s, err, sizeof err);
	if (rc != 0) {
		must(rc == -1);
		must(strncmp(err, fuzz_dir(), strlen(fuzz_dir())) == 0);
		fuzz_printable(err, 1);
		session_free(&s);
		return 0;
	}
	snprintf(again, sizeof again, "%s/again", fuzz_dir());
	if (session_save(again, &s, err, sizeof err) == 0) {
		rc = session_load(again, &t, err, sizeof err);
		if (rc != 0)
			fuzz_printable(err, 1);
		must(rc == 0);
		must((s.step == NULL) == (t.step == NULL));
		must(s.step == NULL || strcmp(s.step, t.step) == 0);
		must(s.state == t.state);
		session_free(&t);
		session_remove(again);
		rmdir(again);
	}
	session_free(&s);
	return 0;
}
