/*
 * args: parse option values with bounds.
 *
 * The parsers read the text themselves instead of calling strtod(3) or
 * strtoull(3): those accept leading white space, hexadecimal, exponents,
 * "inf" and "nan", and the locale's decimal point, none of which belongs in
 * a size or an integer.  Syntax is checked before magnitude, so "1x" is
 * EINVAL even when the digits would overflow.  Durations are the one
 * exception: what syskit's exact reader refuses is read as coreutils
 * timeout reads it (strtod in the C locale), so that scripts moving from
 * `timeout .5 cmd` keep working.  A leading '-' on a well-formed
 * number gives ERANGE: the value is understood, but out of bounds.
 */
#include <errno.h>
#include <locale.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"

/* Fraction digits of a size past this many are ignored: worth less than
 * 2^60 / 10^40 of a byte. */
#define FRAC_MAX	40

/*
 * A decimal number DIGITS[.DIGITS] at the start of s, split into its parts;
 * *end is set past it.  Returns -1 when there is no number there.
 */
struct decimal {
	const char	*ip;	/* integer digits */
	size_t		 ni;
	const char	*fp;	/* fraction digits, none when nf == 0 */
	size_t		 nf;
	int		 neg;
};

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
scan_decimal(const char *s, struct decimal *d, const char **end)
{
	memset(d, 0, sizeof(*d));
	if (*s == '-') {
		d->neg = 1;
		s++;
	}
	d->ip = s;
	while (is_digit(*s))
		s++;
	d->ni = (size_t)(s - d->ip);
	if (d->ni == 0)
		return -1;
	if (*s == '.') {
		s++;
		d->fp = s;
		while (is_digit(*s))
			s++;
		d->nf = (size_t)(s - d->fp);
		if (d->nf == 0)
			return -1;	/* "1." is a typo more often than a number */
	}
	*end = s;
	return 0;
}

/* 10^n for 0 <= n <= 22, exact in a double. */
static double
pow10_exact(int n)
{
	double p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/*
 * The value of d times mul times 10^shift as a double.  Up to 19
 * significant digits are kept.  The unit is applied to the digits before
 * the one division by an exact power of ten, so for short numbers the
 * result is the nearest double: "0.1", "250" with shift -3 (0.25), "1.1"
 * with mul 60 (66, not 66.00000000000001).
 */
static double
decimal_value(const struct decimal *d, int shift, double mul)
{
	uint64_t mant = 0;
	long scale = shift;
	int sig = 0;
	size_t i;
	double v;

	for (i = 0; i < d->ni + d->nf; i++) {
		int frac = i >= d->ni;
		char c = frac ? d->fp[i - d->ni] : d->ip[i];

		if (sig < 19) {
			mant = mant * 10 + (uint64_t)(c - '0');
			if (mant != 0)
				sig++;
			if (frac)
				scale--;
		} else if (!frac && scale < 400)
			scale++;
		if (scale < -400)
			scale = -400;	/* the value is zero by now */
	}
	v = (double)mant * mul;
	for (; scale > 0; scale--)
		v *= 10;
	while (scale < -22) {
		v /= 1e22;
		scale += 22;
	}
	if (scale < 0)
		v /= pow10_exact((int)-scale);
	return v;
}

static const struct {
	const char	*name;
	int		 shift;		/* power of ten */
	double		 mul;
} dunits[] = {
	{ "",   0, 1 },
	{ "ns", -9, 1 },
	{ "us", -6, 1 },
	{ "\xc2\xb5s", -6, 1 },		/* µs */
	{ "ms", -3, 1 },
	{ "s",  0, 1 },
	{ "m",  0, 60 },
	{ "h",  0, 3600 },
	{ "d",  0, 86400 },
};

/* The unit at s (a whole suffix): its index in dunits, or -1. */
static int
duration_unit(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(dunits) / sizeof(dunits[0]); i++)
		if (strcmp(s, dunits[i].name) == 0)
			return (int)i;
	return -1;
}

/*
 * coreutils timeout's numbers: what strtod(3) reads in the C locale (a
 * leading dot, an exponent, hexadecimal, "inf"; never "nan"), then one of
 * the units.  A value too big for a double is infinite, as there.
 */
static int
float_duration(const char *s, double *out)
{
	static locale_t c_locale;
	char *end;
	double v;
	int u;

	if (c_locale == (locale_t)0)
		c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	/* without it (no memory): ours, where nobody calls setlocale */
	v = c_locale != (locale_t)0 ? strtod_l(s, &end, c_locale) :
	    strtod(s, &end);
	if (end == s || isnan(v) || (u = duration_unit(end)) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (signbit(v) && v != 0) {
		errno = ERANGE;
		return -1;
	}
	v = fabs(v) * dunits[u].mul;
	if (dunits[u].shift < 0)
		v /= pow10_exact(-dunits[u].shift);
	*out = v;
	return 0;
}

int
args_duration(const char *s, double max, double *out)
{
	struct decimal d;
	const char *end;
	double v;
	int u;

	if (s == NULL)
		goto inval;
	if (scan_decimal(s, &d, &end) == -1 ||
	    (u = duration_unit(end)) == -1) {
		/* not syskit's exact form: coreutils timeout's */
		if (float_duration(s, &v) == -1)
			return -1;
	} else {
		v = decimal_value(&d, dunits[u].shift, dunits[u].mul);
		if (d.neg)
			goto range;
	}
	if (isnan(v) || !(v <= max))	/* also a NaN max */
		goto range;
	*out = v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

/* The binary power of a size suffix (K, KB, KiB, k, kib ...), or -1. */
static int
size_shift(const char *s)
{
	static const char prefixes[] = "kmgtpe";
	const char *p;

	if (*s == '\0')
		return 0;
	if ((*s == 'b' || *s == 'B') && s[1] == '\0')
		return 0;
	if ((p = strchr(prefixes, *s | 0x20)) == NULL)	/* ASCII lower case */
		return -1;
	s++;
	if (*s == 'i' || *s == 'I') {
		s++;
		if (*s != 'b' && *s != 'B')
			return -1;
	}
	if (*s == 'b' || *s == 'B')
		s++;
	if (*s != '\0')
		return -1;
	return 10 * (int)(p - prefixes + 1);
}

/*
 * floor(0.F * 2^shift) for the fraction digits F, exactly: double the
 * decimal fraction shift times, each carry out of it is the next bit.
 */
static uint64_t
frac_bits(const char *fp, size_t nf, int shift)
{
	unsigned char dig[FRAC_MAX];
	uint64_t bits = 0;
	size_t i, n;
	int k;

	n = nf < FRAC_MAX ? nf : FRAC_MAX;
	for (i = 0; i < n; i++)
		dig[i] = (unsigned char)(fp[i] - '0');
	for (k = 0; k < shift; k++) {
		unsigned carry = 0;

		for (i = n; i-- > 0;) {
			unsigned t = dig[i] * 2u + carry;

			dig[i] = (unsigned char)(t % 10);
			carry = t / 10;
		}
		bits = bits << 1 | carry;
	}
	return bits;
}

/* Sizes are whole bytes: a fraction of a byte is dropped ("1.5" is 1). */
int
args_size(const char *s, uint64_t *out)
{
	struct decimal d;
	const char *end;
	uint64_t ip = 0, frac;
	size_t i;
	int shift;

	if (s == NULL || scan_decimal(s, &d, &end) == -1)
		goto inval;
	if ((shift = size_shift(end)) == -1)
		goto inval;
	if (d.neg)
		goto range;
	for (i = 0; i < d.ni; i++) {
		unsigned dg = (unsigned)(d.ip[i] - '0');

		if (ip > (UINT64_MAX - dg) / 10)
			goto range;
		ip = ip * 10 + dg;
	}
	if (shift > 0 && ip > UINT64_MAX >> shift)
		goto range;
	ip <<= shift;
	frac = frac_bits(d.fp, d.nf, shift);
	if (ip > UINT64_MAX - frac)
		goto range;
	*out = ip + frac;
	return 0;
inval:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

/* The standard Linux signals; the first name of a number is its name. */
static const struct {
	const char	*name;
	int		 sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO },
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
	{ "SYS", SIGSYS },
	/* aliases, accepted but never printed */
	{ "IOT", SIGABRT }, { "CLD", SIGCHLD }, { "POLL", SIGIO },
	/* no signal: the check kill(2) does; timeout's "only -k acts" */
	{ "EXIT", 0 },
};

/* A small unsigned decimal (no sign), or -1; at most 9 digits. */
static int
small_num(const char *s)
{
	int n = 0, i;

	for (i = 0; is_digit(s[i]); i++) {
		if (i == 9)
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] != '\0')
		return -1;
	return n;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n": the number, 0 when s is not one
 * of these, -1 when it names no realtime signal of this system. */
static int
rt_signal(const char *s)
{
	int sig, n = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0 && (s[5] == '\0' || s[5] == '+'))
		sig = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0 &&
	    (s[5] == '\0' || s[5] == '-'))
		sig = SIGRTMAX;
	else
		return 0;
	if (s[5] != '\0' && (n = small_num(s + 6)) == -1)
		return 0;
	sig = s[5] == '-' ? sig - n : sig + n;
	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return -1;
	return sig;
}

int
args_signal(const char *s, int *out)
{
	size_t i;
	int n;

	if (s == NULL || *s == '\0')
		goto inval;
	if (is_digit(*s)) {
		uint64_t v;

		if (args_uint(s, 0, NSIG - 1, &v) == -1)
			return -1;
		*out = (int)v;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (strcasecmp(s, signals[i].name) == 0) {
			*out = signals[i].sig;
			return 0;
		}
	}
	if ((n = rt_signal(s)) > 0) {
		*out = n;
		return 0;
	}
	if (n == -1) {
		errno = ERANGE;
		return -1;
	}
inval:
	errno = EINVAL;
	return -1;
}

/*
 * Realtime signals are named "RTMIN+n" or "RTMAX-n" (whichever end is
 * nearer, as kill -l does) in a static buffer: the result is valid until
 * the next call, and the function is not thread-safe for them.
 */
const char *
args_signame(int sig)
{
	static char rtbuf[32];
	int lo = SIGRTMIN, hi = SIGRTMAX;
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	if (sig < lo || sig > hi)
		return NULL;
	if (sig == lo)
		return "RTMIN";
	if (sig == hi)
		return "RTMAX";
	if (sig - lo <= (hi - lo) / 2)
		snprintf(rtbuf, sizeof(rtbuf), "RTMIN+%d", sig - lo);
	else
		snprintf(rtbuf, sizeof(rtbuf), "RTMAX-%d", hi - sig);
	return rtbuf;
}

/* Optional sign, then decimal digits and nothing else: the magnitude. */
static int
scan_integer(const char *s, int *neg, uint64_t *mag)
{
	uint64_t v = 0;
	int over = 0;

	*neg = 0;
	if (s == NULL)
		goto inval;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	if (!is_digit(*s))
		goto inval;
	for (; is_digit(*s); s++) {
		unsigned dg = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - dg) / 10)
			over = 1;
		else
			v = v * 10 + dg;
	}
	if (*s != '\0')
		goto inval;
	if (over) {
		errno = ERANGE;
		return -1;
	}
	*mag = v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

int
args_int(const char *s, long long min, long long max, long long *out)
{
	uint64_t mag;
	long long v;
	int neg;

	if (scan_integer(s, &neg, &mag) == -1)
		return -1;
	if (neg) {
		/* LLONG_MIN's magnitude is LLONG_MAX + 1 */
		if (mag > (uint64_t)LLONG_MAX + 1)
			goto range;
		v = mag == (uint64_t)LLONG_MAX + 1 ? LLONG_MIN : -(long long)mag;
	} else {
		if (mag > (uint64_t)LLONG_MAX)
			goto range;
		v = (long long)mag;
	}
	if (v < min || v > max)
		goto range;
	*out = v;
	return 0;
range:
	errno = ERANGE;
	return -1;
}

int
args_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int neg;

	if (scan_integer(s, &neg, &v) == -1)
		return -1;
	if (neg || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}
/* An exit code 0..255 at *sp, advancing it; -1 when there is none. */
static int
scan_code(const char **sp)
{
	const char *s = *sp;
	int v = 0, nd = 0;

	while (*s >= '0' && *s <= '9') {
		if (++nd > 3)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (nd == 0 || v > 255)
		return -1;
	*sp = s;
	return v;
}

static int
word(const char *s, const char *w, const char **end)
{
	size_t n = strlen(w);

	if (strncmp(s, w, n) != 0 || (s[n] != ',' && s[n] != '\0'))
		return 0;
	*end = s + n;
	return 1;
}

int
args_codes(const char *s, struct args_codes *out)
{
	struct args_codes c;
	const char *e;
	int a, b, i;

	memset(&c, 0, sizeof(c));
	for (;;) {
		if (word(s, "timeout", &e))
			c.timeout = 1;
		else if (word(s, "signal", &e))
			c.signal = 1;
		else {
			e = s;
			if ((a = scan_code(&e)) == -1)
				goto bad;
			b = a;
			if (*e == '-') {
				e++;
				if ((b = scan_code(&e)) == -1 || b < a)
					goto bad;
			}
			for (i = a; i <= b; i++)
				c.bits[i / 64] |= (uint64_t)1 << (i % 64);
		}
		if (*e == '\0')
			break;
		if (*e != ',')
			goto bad;
		s = e + 1;
	}
	*out = c;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
args_codes_has(const struct args_codes *c, int code)
{
	if (code < 0 || code > 255)
		return 0;
	return (c->bits[code / 64] >> (code % 64)) & 1;
}
