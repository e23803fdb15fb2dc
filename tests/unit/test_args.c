/* test_args: durations, sizes, signals and integers, good and bad. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "../../lib/args.h"
#include "unit.h"

#define DMAX	1e9

/* s parses as a duration of exactly want seconds. */
static int
dur_is(const char *s, double want)
{
	double d = -1;

	return args_duration(s, DMAX, &d) == 0 && d == want;
}

/* s is rejected with errno e, and the output is left untouched. */
static int
dur_fails(const char *s, double max, int e)
{
	double d = 42;

	errno = 0;
	return args_duration(s, max, &d) == -1 && errno == e && d == 42;
}

static void
t_duration_forms(void)
{
	CHECK(dur_is("250ms", 0.25));
	CHECK(dur_is("1.5s", 1.5));
	CHECK(dur_is("2m", 120));
	CHECK(dur_is("1h", 3600));
	CHECK(dur_is("1d", 86400));
	CHECK(dur_is("10us", 10e-6));
	CHECK(dur_is("10\xc2\xb5s", 10e-6));
	CHECK(dur_is("100ns", 100e-9));
	CHECK(dur_is("3", 3));
	CHECK(dur_is("0", 0));
	CHECK(dur_is("0.1", 0.1));
	CHECK(dur_is("007s", 7));
	CHECK(dur_is("1.25m", 75));
	CHECK(dur_is("1.1m", 66));
	CHECK(dur_is("0.3s", 0.3));
	CHECK(dur_is("1.001h", 3603.6));
	CHECK(dur_is("1000000000", 1e9));	/* == max */
}

static void
t_duration_rejects(void)
{
	CHECK(dur_fails("", DMAX, EINVAL));
	CHECK(dur_fails("ms", DMAX, EINVAL));
	CHECK(dur_fails("s", DMAX, EINVAL));
	CHECK(dur_fails("1.5.3", DMAX, EINVAL));
	CHECK(dur_fails("1sx", DMAX, EINVAL));
	CHECK(dur_fails("1 s", DMAX, EINVAL));
	CHECK(dur_fails("1s ", DMAX, EINVAL));
	CHECK(dur_fails("1S", DMAX, EINVAL));
	CHECK(dur_fails("nan", DMAX, EINVAL));
	CHECK(dur_fails(NULL, DMAX, EINVAL));
	CHECK(dur_fails("-1", DMAX, ERANGE));
	CHECK(dur_fails("-1s", DMAX, ERANGE));
	CHECK(dur_fails("-1x", DMAX, EINVAL));	/* syntax first */
	CHECK(dur_fails("11", 10, ERANGE));
	CHECK(dur_fails("1m", 59.9, ERANGE));
	CHECK(dur_fails("1", NAN, ERANGE));
	/* 10^400: digits past what a double holds */
	{
		char big[402];

		memset(big, '9', 400);
		big[400] = 's';
		big[401] = '\0';
		CHECK(dur_fails(big, 1e300, ERANGE));
	}
}

/* coreutils timeout's forms (strtod in the C locale, then a unit). */
static void
t_duration_coreutils(void)
{
	double d = 42;

	CHECK(dur_is(".5", 0.5));
	CHECK(dur_is("1e-1", 0.1));
	CHECK(dur_is("1e3ms", 1));
	CHECK(dur_is("0x1p-1", 0.5));
	CHECK(dur_is("0x10", 16));
	CHECK(dur_is(".5m", 30));
	CHECK(dur_is("1e0d", 86400));
	CHECK(dur_is("+1", 1));
	CHECK(dur_is(" 1", 1));		/* strtod's white space, as there */
	CHECK(dur_is("1.", 1));
	CHECK(args_duration("inf", INFINITY, &d) == 0 && isinf(d));
	CHECK(args_duration("infinity", INFINITY, &d) == 0 && isinf(d));
	CHECK(args_duration("1e400", INFINITY, &d) == 0 && isinf(d));
	CHECK(dur_fails("inf", DMAX, ERANGE));
	CHECK(dur_fails("1e10", DMAX, ERANGE));
	CHECK(dur_fails("-.5", DMAX, ERANGE));
	CHECK(dur_fails("-inf", INFINITY, ERANGE));
	CHECK(dur_fails("nan", INFINITY, EINVAL));
	CHECK(dur_fails("nans", INFINITY, EINVAL));
	CHECK(dur_fails(".5x", DMAX, EINVAL));
	CHECK(dur_fails("1e", DMAX, EINVAL));
	CHECK(dur_fails("0x", DMAX, EINVAL));
	CHECK(dur_fails(".", DMAX, EINVAL));
	CHECK(dur_fails("1e1 ", DMAX, EINVAL));
}

static int
size_is(const char *s, uint64_t want)
{
	uint64_t v = 1;

	return args_size(s, &v) == 0 && v == want;
}

static int
size_fails(const char *s, int e)
{
	uint64_t v = 42;

	errno = 0;
	return args_size(s, &v) == -1 && errno == e && v == 42;
}

static void
t_size_forms(void)
{
	CHECK(size_is("0", 0));
	CHECK(size_is("4096", 4096));
	CHECK(size_is("4096B", 4096));
	CHECK(size_is("64K", 65536));
	CHECK(size_is("64k", 65536));
	CHECK(size_is("64KB", 65536));
	CHECK(size_is("64KiB", 65536));
	CHECK(size_is("64kib", 65536));
	CHECK(size_is("2MiB", 2 << 20));
	CHECK(size_is("2M", 2 << 20));
	CHECK(size_is("1.5G", 3ULL << 29));
	CHECK(size_is("1T", 1ULL << 40));
	CHECK(size_is("1P", 1ULL << 50));
	CHECK(size_is("1E", 1ULL << 60));
	CHECK(size_is("15E", 15ULL << 60));
	CHECK(size_is("0.5K", 512));
	CHECK(size_is("0.1K", 102));		/* 102.4: whole bytes, truncated */
	CHECK(size_is("1.9", 1));
	CHECK(size_is("18446744073709551615", UINT64_MAX));
	/* exact: 15<<60 + floor(0.999999999999999999 * 2^60) */
	CHECK(size_is("15.999999999999999999E", UINT64_MAX - 1));
}

static void
t_size_rejects(void)
{
	CHECK(size_fails("", EINVAL));
	CHECK(size_fails("K", EINVAL));
	CHECK(size_fails("1.5.3K", EINVAL));
	CHECK(size_fails("1X", EINVAL));
	CHECK(size_fails("1KK", EINVAL));
	CHECK(size_fails("1Ki", EINVAL));
	CHECK(size_fails("1iB", EINVAL));
	CHECK(size_fails("1K ", EINVAL));
	CHECK(size_fails(" 1", EINVAL));
	CHECK(size_fails("0x10", EINVAL));
	CHECK(size_fails("nan", EINVAL));
	CHECK(size_fails(NULL, EINVAL));
	CHECK(size_fails("-1", ERANGE));
	CHECK(size_fails("-1K", ERANGE));
	CHECK(size_fails("16E", ERANGE));
	CHECK(size_fails("18446744073709551616", ERANGE));
	CHECK(size_fails("16384P", ERANGE));
	CHECK(size_fails("99999999999999999999999x", EINVAL));
}

static int
sig_is(const char *s, int want)
{
	int v = -1;

	return args_signal(s, &v) == 0 && v == want;
}

static int
sig_fails(const char *s, int e)
{
	int v = 42;

	errno = 0;
	return args_signal(s, &v) == -1 && errno == e && v == 42;
}

static void
t_signal_parse(void)
{
	char buf[32];

	CHECK(sig_is("TERM", SIGTERM));
	CHECK(sig_is("SIGTERM", SIGTERM));
	CHECK(sig_is("term", SIGTERM));
	CHECK(sig_is("sigterm", SIGTERM));
	CHECK(sig_is("SigKill", SIGKILL));
	CHECK(sig_is("HUP", SIGHUP));
	CHECK(sig_is("USR1", SIGUSR1));
	CHECK(sig_is("WINCH", SIGWINCH));
	CHECK(sig_is("IOT", SIGABRT));
	CHECK(sig_is("CLD", SIGCHLD));
	CHECK(sig_is("15", 15));
	CHECK(sig_is("0", 0));		/* timeout -s0: only -k acts */
	CHECK(sig_is("EXIT", 0));
	CHECK(sig_is("SIGEXIT", 0));
	CHECK(sig_is("exit", 0));
	CHECK(sig_is("1", 1));
	CHECK(sig_is("9", SIGKILL));
	CHECK(sig_is("RTMIN", SIGRTMIN));
	CHECK(sig_is("SIGRTMIN+2", SIGRTMIN + 2));
	CHECK(sig_is("rtmin+0", SIGRTMIN));
	CHECK(sig_is("RTMAX", SIGRTMAX));
	CHECK(sig_is("RTMAX-1", SIGRTMAX - 1));
	snprintf(buf, sizeof(buf), "%d", NSIG - 1);
	CHECK(sig_is(buf, NSIG - 1));
}

static void
t_signal_rejects(void)
{
	char buf[32];

	CHECK(sig_fails("", EINVAL));
	CHECK(sig_fails("SIG", EINVAL));
	CHECK(sig_fails("FOO", EINVAL));
	CHECK(sig_fails("SIGSIGTERM", EINVAL));
	CHECK(sig_fails("TERM ", EINVAL));
	CHECK(sig_fails("15x", EINVAL));
	CHECK(sig_fails("-15", EINVAL));
	CHECK(sig_fails("SIG15", EINVAL));
	CHECK(sig_fails("RTMIN+", EINVAL));
	CHECK(sig_fails("RTMIN-1", EINVAL));
	CHECK(sig_fails("RTMAX+1", EINVAL));
	CHECK(sig_fails("RTMIN+x", EINVAL));
	CHECK(sig_fails(NULL, EINVAL));
	snprintf(buf, sizeof(buf), "%d", NSIG);
	CHECK(sig_fails(buf, ERANGE));
	CHECK(sig_fails("99999999999999999999999", ERANGE));
	snprintf(buf, sizeof(buf), "RTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
	CHECK(sig_fails(buf, ERANGE));
	snprintf(buf, sizeof(buf), "RTMAX-%d", SIGRTMAX - SIGRTMIN + 1);
	CHECK(sig_fails(buf, ERANGE));
}

static void
t_signame(void)
{
	char want[32];
	int sig, v;

	CHECK_STR(args_signame(SIGTERM), "TERM");
	CHECK_STR(args_signame(SIGKILL), "KILL");
	CHECK_STR(args_signame(SIGHUP), "HUP");
	CHECK_STR(args_signame(SIGCHLD), "CHLD");
	CHECK_STR(args_signame(SIGABRT), "ABRT");
	CHECK_STR(args_signame(SIGIO), "IO");
	CHECK_STR(args_signame(SIGRTMIN), "RTMIN");
	CHECK_STR(args_signame(SIGRTMAX), "RTMAX");
	snprintf(want, sizeof(want), "RTMIN+3");
	CHECK_STR(args_signame(SIGRTMIN + 3), want);
	CHECK_STR(args_signame(SIGRTMAX - 2), "RTMAX-2");
	CHECK(args_signame(0) != NULL && strcmp(args_signame(0), "EXIT") == 0);
	CHECK(args_signame(-1) == NULL);
	CHECK(args_signame(NSIG) == NULL);
	CHECK(args_signame(INT_MAX) == NULL);
	/* every name it gives parses back to its number */
	for (sig = 1; sig < NSIG; sig++) {
		const char *name = args_signame(sig);

		if (name == NULL)
			continue;
		v = -1;
		CHECK(args_signal(name, &v) == 0 && v == sig);
	}
}

static int
int_is(const char *s, long long min, long long max, long long want)
{
	long long v = 1;

	return args_int(s, min, max, &v) == 0 && v == want;
}

static int
int_fails(const char *s, long long min, long long max, int e)
{
	long long v = 42;

	errno = 0;
	return args_int(s, min, max, &v) == -1 && errno == e && v == 42;
}

static void
t_int(void)
{
	CHECK(int_is("0", -5, 5, 0));
	CHECK(int_is("-5", -5, 5, -5));
	CHECK(int_is("+5", -5, 5, 5));
	CHECK(int_is("0005", -5, 5, 5));
	CHECK(int_is("9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX));
	CHECK(int_is("-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN));
	CHECK(int_fails("6", -5, 5, ERANGE));
	CHECK(int_fails("-6", -5, 5, ERANGE));
	CHECK(int_fails("9223372036854775808", LLONG_MIN, LLONG_MAX, ERANGE));
	CHECK(int_fails("-9223372036854775809", LLONG_MIN, LLONG_MAX, ERANGE));
	CHECK(int_fails("99999999999999999999999", LLONG_MIN, LLONG_MAX,
	    ERANGE));
	CHECK(int_fails("", 0, 10, EINVAL));
	CHECK(int_fails("-", 0, 10, EINVAL));
	CHECK(int_fails("+", 0, 10, EINVAL));
	CHECK(int_fails(" 1", 0, 10, EINVAL));
	CHECK(int_fails("1 ", 0, 10, EINVAL));
	CHECK(int_fails("1\n", 0, 10, EINVAL));
	CHECK(int_fails("1x", 0, 10, EINVAL));
	CHECK(int_fails("0x1", 0, 10, EINVAL));
	CHECK(int_fails("1.0", 0, 10, EINVAL));
	CHECK(int_fails("--1", -10, 10, EINVAL));
	CHECK(int_fails(NULL, 0, 10, EINVAL));
}

static int
uint_is(const char *s, uint64_t min, uint64_t max, uint64_t want)
{
	uint64_t v = 1;

	return args_uint(s, min, max, &v) == 0 && v == want;
}

static int
uint_fails(const char *s, uint64_t min, uint64_t max, int e)
{
	uint64_t v = 42;

	errno = 0;
	return args_uint(s, min, max, &v) == -1 && errno == e && v == 42;
}

static void
t_uint(void)
{
	CHECK(uint_is("0", 0, 10, 0));
	CHECK(uint_is("10", 0, 10, 10));
	CHECK(uint_is("+7", 0, 10, 7));
	CHECK(uint_is("18446744073709551615", 0, UINT64_MAX, UINT64_MAX));
	CHECK(uint_fails("18446744073709551616", 0, UINT64_MAX, ERANGE));
	CHECK(uint_fails("11", 0, 10, ERANGE));
	CHECK(uint_fails("4", 5, 10, ERANGE));
	CHECK(uint_fails("-1", 0, UINT64_MAX, ERANGE));
	CHECK(uint_fails("", 0, 10, EINVAL));
	CHECK(uint_fails(" 1", 0, 10, EINVAL));
	CHECK(uint_fails("1 ", 0, 10, EINVAL));
	CHECK(uint_fails("\t1", 0, 10, EINVAL));
	CHECK(uint_fails("1k", 0, 10, EINVAL));
	CHECK(uint_fails(NULL, 0, 10, EINVAL));
}

static void
t_codes(void)
{
	struct args_codes c;

	CHECK(args_codes("1,3-5,255,timeout", &c) == 0);
	CHECK(args_codes_has(&c, 1) && args_codes_has(&c, 3) &&
	    args_codes_has(&c, 4) && args_codes_has(&c, 5) &&
	    args_codes_has(&c, 255));
	CHECK(!args_codes_has(&c, 0) && !args_codes_has(&c, 2) &&
	    !args_codes_has(&c, 6) && !args_codes_has(&c, 256) &&
	    !args_codes_has(&c, -1));
	CHECK(c.timeout == 1 && c.signal == 0);
	CHECK(args_codes("signal", &c) == 0 && c.signal &&
	    !c.timeout && !args_codes_has(&c, 1));
	CHECK(args_codes("0-255", &c) == 0 && args_codes_has(&c, 0) &&
	    args_codes_has(&c, 128) && args_codes_has(&c, 255));
	CHECK(args_codes("0", &c) == 0 && args_codes_has(&c, 0));
	errno = 0;
	CHECK(args_codes("", &c) == -1 && errno == EINVAL);
	CHECK(args_codes("256", &c) == -1);
	CHECK(args_codes("1,", &c) == -1);
	CHECK(args_codes(",1", &c) == -1);
	CHECK(args_codes("5-3", &c) == -1);
	CHECK(args_codes("1-", &c) == -1);
	CHECK(args_codes("-1", &c) == -1);
	CHECK(args_codes("timeouts", &c) == -1);
	CHECK(args_codes("1 ,2", &c) == -1);
	CHECK(args_codes("0001", &c) == -1);
	CHECK(args_codes("1,,2", &c) == -1);
}

UNIT_SUITE(test_args);

void
test_args(void)
{
	unit_run("args: duration forms", t_duration_forms);
	unit_run("args: duration rejects", t_duration_rejects);
	unit_run("args: duration as coreutils timeout", t_duration_coreutils);
	unit_run("args: exit code sets", t_codes);
	unit_run("args: size forms", t_size_forms);
	unit_run("args: size rejects", t_size_rejects);
	unit_run("args: signal parse", t_signal_parse);
	unit_run("args: signal rejects", t_signal_rejects);
	unit_run("args: signame", t_signame);
	unit_run("args: int", t_int);
	unit_run("args: uint", t_uint);
}
