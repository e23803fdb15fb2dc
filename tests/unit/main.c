/* The unit test runner: runs every suite, prints each failure and a total. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The suites, registered by UNIT_SUITE before main runs. */
static struct suite {
	const char	*name;
	void		(*fn)(void);
} suites[64];
static size_t nsuites;

void
unit_register(const char *name, void (*fn)(void))
{
	if (nsuites == sizeof(suites) / sizeof(suites[0])) {
		fprintf(stderr, "unit: too many suites\n");
		exit(2);
	}
	suites[nsuites].name = name;
	suites[nsuites++].fn = fn;
}

static int
cmp_suite(const void *a, const void *b)
{
	return strcmp(((const struct suite *)a)->name,
	    ((const struct suite *)b)->name);
}

int
main(void)
{
	size_t i;

	qsort(suites, nsuites, sizeof(suites[0]), cmp_suite);
	for (i = 0; i < nsuites; i++)
		suites[i].fn();
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
