/*
 * args: parse option values with bounds.  Every function returns 0 on
 * success, or -1 with errno set (EINVAL: not a value of that kind, ERANGE:
 * out of bounds) and leaves *out untouched.  Nothing prints.
 */
#ifndef LIB_ARGS_H
#define LIB_ARGS_H

#include <stdint.h>

/* "250ms", "1.5s", "2m", "1h", "1d", "10us"; a plain number is seconds;
 * also every form coreutils timeout takes: ".5", "1e-1", "0x1p-1",
 * "inf" (infinite: only when max is INFINITY), with an optional unit.
 * 0 <= d <= max. */
int	args_duration(const char *s, double max, double *out);
/* "4096", "64K", "1.5G", "2MiB", "1T": K=1024; a plain number is bytes. */
int	args_size(const char *s, uint64_t *out);
/* Signal by name ("TERM", "SIGTERM", "term", "RTMIN+2") or number
 * (0..NSIG-1); 0 or "EXIT" is no signal (kill(2)'s check): a caller that
 * cannot use it refuses it. */
int	args_signal(const char *s, int *out);
/* The name of a signal without "SIG" ("TERM"), or NULL for an unknown number. */
const char *args_signame(int sig);
/* A decimal integer within [min, max]. */
int	args_int(const char *s, long long min, long long max, long long *out);
/* An unsigned decimal integer within [min, max]. */
int	args_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A set of outcomes, as --retry-on gives it: "1,3-5,255,timeout,signal". */
struct args_codes {
	uint64_t bits[4];	/* exit codes 0..255 */
	int	 timeout;	/* "timeout": the time limit expired */
	int	 signal;	/* "signal": a signal ended the command */
};

/* A comma list of exit codes, ranges A-B (0..255), "timeout", "signal". */
int	args_codes(const char *s, struct args_codes *c);
/* Whether exit code code (0..255) is in c. */
int	args_codes_has(const struct args_codes *c, int code);

#endif
