/* The unit test runner: runs every suite, prints each failure and a total. */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int unit_case_failed;
static int passed, failed;
static const char *current;

void
unit_fail(const char *file, int line, const char *what)
{
	printf("not ok: %s: %s:%d: %s\n", current, file, line, what);
	unit_case_failed = 1;
}

void
unit_run(const char *name, void (*fn)(void))
{
	current = name;
	unit_case_failed = 0;
	fn();
	if (unit_case_failed)
		failed++;
	else
		passed++;
}

int
main(void)
{
	test_args();
	test_cgroup();
	test_loop();
	test_out();
	test_proc();
	test_proc_pid();
	test_reap();
	test_sock();
	test_spawn();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
