/* unit.h - how every Check suite here is run: all its tests, forked (the
 * default), the summary on standard output (make check keeps it in the
 * test's .log), exit status 0 when none failed. */
#ifndef EXDNS_UNIT_H
#define EXDNS_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
