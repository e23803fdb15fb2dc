/*
 * out: output writers (see out.h).  Nothing here decides what to say, and
 * nothing here reports a write error: it stays on the FILE for the
 * dispatcher.  Numbers for programs are always written with a '.' decimal
 * point, whatever the locale.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "out_int.h"

/* ---- UTF-8 ---- */

/*
 * Decode the sequence at s (n >= 1 bytes).  Returns the bytes it takes;
 * *ok says whether they are well-formed UTF-8 (then *cp is the code point).
 * An ill-formed sequence takes its maximal subpart, as Unicode recommends
 * for U+FFFD substitution: overlongs, surrogates and values past U+10FFFF
 * fail at their second byte.
 */
size_t
out_utf8_next(const unsigned char *s, size_t n, uint32_t *cp, int *ok)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;
	uint32_t v;

	*ok = 0;
	*cp = c;
	if (c < 0x80) {
		*ok = 1;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 1;
	if (c < 0xe0) {
		need = 1;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return i;
		v = v << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	*ok = 1;
	return need + 1;
}

static int
in_ranges(uint32_t cp, const uint32_t (*r)[2], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cp >= r[i][0] && cp <= r[i][1])
			return 1;
	return 0;
}

/*
 * Terminal columns of a code point: a short table of the common combining
 * marks (0) and East Asian wide ranges (2), enough to align tables of
 * names without depending on the locale's wcwidth.
 */
static int
cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x200b, 0x200f },
		{ 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};

	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero, sizeof(zero) / sizeof(zero[0])))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

/* Display width of a string; a byte of invalid UTF-8 counts as one. */
size_t
out_str_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0, k;
	uint32_t cp;
	int ok;

	while (n > 0) {
		if (*p >= 0x20 && *p < 0x7f) {	/* printable ASCII */
			w++;
			p++;
			n--;
			continue;
		}
		k = out_utf8_next(p, n, &cp, &ok);
		w += ok ? (size_t)cp_width(cp) : k;
		p += k;
		n -= k;
	}
	return w;
}

/* ---- helpers ---- */

/*
 * The format of humanize_number(buf, 8, v, "B", HN_AUTOSCALE,
 * HN_IEC_PREFIXES | HN_DECIMAL) -- at most three digits, one decimal below
 * ten -- written here so that it covers all of uint64_t, rounds to nearest
 * at every scale, and builds without libbsd's headers (musl).  libbsd's own
 * is not used: it takes an int64_t, and it rounds the fraction from a
 * remainder already cut short, so 15 in 32579 sizes tried differ by a
 * tenth (1664381708 bytes: "1.5 GiB" there, 1.55 GiB is "1.6 GiB" here).
 */
char *
out_iec(char *buf, size_t len, uint64_t bytes)
{
	static const char prefix[] = "KMGTPE";
	int i;

	if (len == 0)
		return buf;
	if (bytes < 1000) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	for (i = 1; i <= 6; i++) {
		int shift = 10 * i;
		uint64_t q = bytes >> shift;
		uint64_t r = bytes - (q << shift);
		uint64_t half = (uint64_t)1 << (shift - 1);
		uint64_t n;

		if (q < 10) {
			/* r * 10 + half < 10 * 2^60 + 2^59 < 2^64 */
			uint64_t tenths = q * 10 + ((r * 10 + half) >> shift);

			if (tenths < 100) {
				snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %ciB",
				    tenths / 10, tenths % 10, prefix[i - 1]);
				return buf;
			}
		}
		n = q + (r >= half);
		if (n < 1000 || i == 6) {
			snprintf(buf, len, "%" PRIu64 " %ciB", n, prefix[i - 1]);
			return buf;
		}
	}
	return buf;	/* not reached */
}

/*
 * Below ten seconds a fraction is shown ("1.5s", "0.2s"); from there on
 * whole seconds, rounded, and the two largest units.
 */
char *
out_duration(char *buf, size_t len, double secs)
{
	uint64_t t, d, h, m, s;

	if (len == 0)
		return buf;
	if (!(secs >= 0) || isinf(secs)) {	/* also NaN */
		snprintf(buf, len, "-");
		return buf;
	}
	if (secs < 9.95) {
		t = (uint64_t)(secs * 10 + 0.5);
		if (t % 10 != 0) {
			snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "s",
			    t / 10, t % 10);
			return buf;
		}
	}
	if (secs >= 1e15) {	/* thirty million years: no exact seconds */
		snprintf(buf, len, "%.0fd", secs / 86400);
		return buf;
	}
	t = (uint64_t)(secs + 0.5);
	d = t / 86400;
	h = t / 3600 % 24;
	m = t / 60 % 60;
	s = t % 60;
	if (d > 0)
		snprintf(buf, len, "%" PRIu64 "d %02" PRIu64 "h", d, h);
	else if (h > 0)
		snprintf(buf, len, "%" PRIu64 "h %02" PRIu64 "m", h, m);
	else if (m > 0)
		snprintf(buf, len, "%" PRIu64 "m %02" PRIu64 "s", m, s);
	else
		snprintf(buf, len, "%" PRIu64 "s", s);
	return buf;
}

/*
 * The escaped form of the sequence at s into e (at least 17 bytes); returns
 * the bytes of s it takes.  Well-formed UTF-8 passes, except the C1
 * controls U+0080..U+009F, which some terminals obey as escapes.
 */
static size_t
vis_unit(const unsigned char *s, size_t n, char *e)
{
	static const char cesc[] = "\a\b\t\n\v\f\r";
	static const char cname[] = "abtnvfr";
	const char *p;
	uint32_t cp;
	size_t k, i;
	int ok;

	/* a backslash stays itself, as procps and ls show it: only what a
	 * terminal would act on is escaped */
	k = out_utf8_next(s, n, &cp, &ok);
	if (ok && cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f)) {
		memcpy(e, s, k);
		e[k] = '\0';
		return k;
	}
	if (s[0] != '\0' && (p = strchr(cesc, s[0])) != NULL) {
		e[0] = '\\';
		e[1] = cname[p - cesc];
		e[2] = '\0';
		return 1;
	}
	for (i = 0; i < k; i++)
		snprintf(e + 4 * i, 5, "\\%03o", s[i]);
	return k;
}

static char *
vis_copy(char *dst, size_t len, const unsigned char *s, size_t srclen)
{
	size_t used = 0, k, el;
	char e[20];

	while (srclen > 0) {
		/* a run of printable ASCII (a backslash included) is itself */
		for (k = 0; k < srclen && s[k] >= 0x20 && s[k] < 0x7f; k++)
			;
		if (k > 0) {
			if (k >= len - used)
				k = len - used - 1;
			memcpy(dst + used, s, k);
			used += k;
			s += k;
			srclen -= k;
			if (used == len - 1)
				break;
			continue;
		}
		k = vis_unit(s, srclen, e);
		el = strlen(e);
		if (el >= len - used)
			break;	/* never half an escape or a character */
		memcpy(dst + used, e, el);
		used += el;
		s += k;
		srclen -= k;
	}
	dst[used] = '\0';
	return dst;
}

/*
 * src may overlap dst (callers escape a buffer in place): then the part of
 * src that can reach dst -- each byte gives at least one -- is copied
 * first.  Should that copy find no memory, a shorter prefix is escaped.
 */
char *
out_vis(char *dst, size_t len, const char *src, size_t srclen)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	unsigned char small[512], *tmp;
	size_t n;

	if (len == 0)
		return dst;
	if (srclen == 0 || d >= s + srclen || s >= d + len)
		return vis_copy(dst, len, (const unsigned char *)src, srclen);
	n = srclen < len ? srclen : len;
	if (n > sizeof(small) && (tmp = malloc(n)) != NULL) {
		memcpy(tmp, src, n);
		vis_copy(dst, len, tmp, n);
		free(tmp);
		return dst;
	}
	if (n > sizeof(small))
		n = sizeof(small);
	memcpy(small, src, n);
	return vis_copy(dst, len, small, n);
}

/*
 * v as I.F with at most six decimals, when that decimal reads back as v
 * exactly: then it is also what "%.15g" prints (at most 15 digits, in
 * [1e-4, 1e9) no exponent), without printf's cost.  0 when it does not.
 */
static int
dec_short(char *buf, size_t len, double v)
{
	static const double p10[] = { 1e2, 1e4, 1e6 };
	char d[32], *q = d + sizeof(d);
	uint64_t r, ip, fp;
	size_t i, k, n;
	int neg = v < 0;

	if (neg)
		v = -v;
	for (i = 0; i < 3; i++) {
		r = (uint64_t)(v * p10[i] + 0.5);
		if ((double)r / p10[i] == v)
			break;
	}
	if (i == 3)
		return 0;
	k = 2 * (i + 1);		/* decimals */
	ip = r / (uint64_t)p10[i];
	fp = r % (uint64_t)p10[i];
	while (k > 0 && fp % 10 == 0) {	/* no trailing zeros */
		fp /= 10;
		k--;
	}
	for (n = 0; n < k; n++) {
		*--q = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (k > 0)
		*--q = '.';
	q = u64_digits(q, ip);
	if (neg)
		*--q = '-';
	n = (size_t)(d + sizeof(d) - q);
	if (n >= len)
		return 0;
	memcpy(buf, q, n);
	buf[n] = '\0';
	return 1;
}

/*
 * A double as text with a '.' decimal point in any locale: integral values
 * below 2^53 without a fraction ("12"), others with prec digits.
 */
void
out_fmt_double(char *buf, size_t len, double v, int prec)
{
	char *p;
	size_t n;

	if (len == 0)
		return;
	if (v > -EXACT_INT && v < EXACT_INT && (double)(int64_t)v == v) {
		char d[24], *q;
		int64_t i = (int64_t)v;

		q = u64_digits(d + sizeof(d), i < 0 ? -(uint64_t)i : (uint64_t)i);
		if (i < 0)
			*--q = '-';
		n = (size_t)(d + sizeof(d) - q);
		if (n >= len)
			n = len - 1;
		memcpy(buf, q, n);
		buf[n] = '\0';
		return;
	} else if (fabs(v) >= 1e-4 && fabs(v) < 1e9 && dec_short(buf, len, v)) {
		return;
	} else {
		/* the shortest form, up to prec digits, that reads back as v
		 * (27.8, not 27.800000000000001) */
		int digits;

		for (digits = 15; digits < prec; digits++) {
			snprintf(buf, len, "%.*g", digits, v);
			if (strtod(buf, NULL) == v)
				break;
		}
		if (digits >= prec)
			snprintf(buf, len, "%.*g", prec, v);
	}
	for (p = buf; *p != '\0'; p++)
		if (*p == ',')
			*p = '.';
}
