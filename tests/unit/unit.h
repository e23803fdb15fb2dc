/* unit.h: a small test runner for lib/.  A case passes when none of its
 * CHECKs fail; the runner ends with "unit: N passed, N failed". */
#ifndef UNIT_H
#define UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Fixtures, relative to the project root (the runner's working directory). */
#define FIXTURES "tests/fixtures"

extern int unit_case_failed;

void	unit_run(const char *name, void (*fn)(void));
void	unit_fail(const char *file, int line, const char *what);
void	unit_register(const char *name, void (*fn)(void));

/* Put UNIT_SUITE(test_NAME); in a test file that defines void
 * test_NAME(void): the runner finds it, no list to edit. */
#define UNIT_SUITE(fn)							\
	void fn(void);							\
	static void __attribute__((constructor)) fn##_register(void)	\
	{ unit_register(#fn, fn); }

#define CHECK(c) do {							\
	if (!(c))							\
		unit_fail(__FILE__, __LINE__, #c);			\
} while (0)
#define CHECK_U64(a, b) do {						\
	unsigned long long _a = (a), _b = (b);				\
	if (_a != _b) {							\
		char _m[256];						\
		snprintf(_m, sizeof(_m), "%s == %s (%llu != %llu)",	\
		    #a, #b, _a, _b);					\
		unit_fail(__FILE__, __LINE__, _m);			\
	}								\
} while (0)
#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0) {		\
		char _m[512];						\
		snprintf(_m, sizeof(_m), "%.100s == %.100s (\"%.140s\" != \"%.140s\")",	\
		    #a, #b, _a ? _a : "(null)", _b ? _b : "(null)");	\
		unit_fail(__FILE__, __LINE__, _m);			\
	}								\
} while (0)

/* The suites, one per lib module. */

#endif
