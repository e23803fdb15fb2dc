/*
 * fuzz/args: every lib/args parser on the input as a NUL-terminated
 * string, with the promises of args.h checked: bounds hold on success,
 * errno is EINVAL or ERANGE on failure, a signal's name parses back.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/args.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_errno(int rc)
{
	if (rc == -1 && errno != EINVAL && errno != ERANGE)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long long ll;
	uint64_t u;
	double d;
	char *s;
	int rc, sig, back;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = args_duration(s, 1e9, &d);
	check_errno(rc);
	if (rc == 0 && !(d >= 0 && d <= 1e9))
		abort();
	check_errno(args_duration(s, 1e308, &d));
	rc = args_duration(s, INFINITY, &d);	/* "inf": no limit */
	check_errno(rc);
	if (rc == 0 && !(d >= 0))
		abort();

	check_errno(args_size(s, &u));

	rc = args_signal(s, &sig);
	check_errno(rc);
	if (rc == 0) {
		const char *name;

		if (sig < 0 || sig >= NSIG)
			abort();
		if ((name = args_signame(sig)) != NULL &&
		    (args_signal(name, &back) != 0 || back != sig))
			abort();
	}

	rc = args_int(s, -1000, 1000, &ll);
	check_errno(rc);
	if (rc == 0 && (ll < -1000 || ll > 1000))
		abort();
	check_errno(args_int(s, INT64_MIN, INT64_MAX, &ll));

	rc = args_uint(s, 5, 100000, &u);
	check_errno(rc);
	if (rc == 0 && (u < 5 || u > 100000))
		abort();
	check_errno(args_uint(s, 0, UINT64_MAX, &u));

	free(s);
	return 0;
}
