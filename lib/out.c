/*
 * out: output writers (see out.h).  Nothing here decides what to say, and
 * nothing here reports a write error: it stays on the FILE for the
 * dispatcher.  Numbers for programs are always written with a '.' decimal
 * point, whatever the locale.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "out.h"

/* 2^53: below it every integer is exact in a double. */
#define EXACT_INT	9007199254740992.0

/* ---- UTF-8 ---- */

/*
 * Decode the sequence at s (n >= 1 bytes).  Returns the bytes it takes;
 * *ok says whether they are well-formed UTF-8 (then *cp is the code point).
 * An ill-formed sequence takes its maximal subpart, as Unicode recommends
 * for U+FFFD substitution: overlongs, surrogates and values past U+10FFFF
 * fail at their second byte.
 */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp, int *ok)
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
static size_t
str_width(const char *s)
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
		k = utf8_next(p, n, &cp, &ok);
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
 * at every scale, and builds without libbsd's headers (musl).
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
	k = utf8_next(s, n, &cp, &ok);
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

/* Decimal digits of v, into the end of buf[24]; returns the first. */
static char *
u64_digits(char *end, uint64_t v)
{
	char *p = end;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
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
static void
fmt_double(char *buf, size_t len, double v, int prec)
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

/* ---- JSON ---- */

/* Bits of json.first[]: no member written yet; the container is an array. */
#define J_EMPTY	1
#define J_ARRAY	2

void
json_init(struct json *j, FILE *f, int pretty)
{
	j->f = f;
	j->depth = 0;
	j->pretty = pretty;
	j->len = 0;
	memset(j->first, 0, sizeof(j->first));
}

void
json_flush(struct json *j)
{
	if (j->len > 0)
		fwrite_unlocked(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void
jput(struct json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		json_flush(j);
		if (n > sizeof(j->buf)) {
			fwrite_unlocked(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static inline void
jputc(struct json *j, char c)
{
	if (j->len == sizeof(j->buf))
		json_flush(j);
	j->buf[j->len++] = c;
}

#define jputs(j, lit)	jput((j), (lit), sizeof(lit) - 1)

/* A value or a container is complete: at the outer levels, pass it on. */
static inline void
jdone(struct json *j)
{
	if (j->depth <= 1)
		json_flush(j);
}

static void
json_indent(struct json *j, int depth)
{
	static const char sp[] = "\n                                "
	    "                                ";
	size_t n = 1 + 2 * (size_t)depth;

	/* depth < JSON_MAXDEPTH: values deeper are not written */
	jput(j, sp, n < sizeof(sp) - 1 ? n : sizeof(sp) - 1);
}

static void
jquote(struct json *j, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	static const char from[] = "\"\\\n\t\r\b\f", to[] = "\"\\ntrbf";
	const unsigned char *s = (const unsigned char *)str;
	const char *e;
	size_t run = 0, k;
	uint32_t cp;
	int ok;
	char u[6];

	jputc(j, '"');
	while (n > 0) {
		unsigned char c = s[run];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			if (++run < n)
				continue;
			jput(j, (const char *)s, run);
			break;
		}
		jput(j, (const char *)s, run);
		s += run;
		n -= run;
		run = 0;
		k = utf8_next(s, n, &cp, &ok);
		if (ok && cp >= 0x80)
			jput(j, (const char *)s, k);
		else if (!ok)
			jputs(j, "\\ufffd");
		else if (c != '\0' && (e = strchr(from, c)) != NULL) {
			u[0] = '\\';
			u[1] = to[e - from];
			jput(j, u, 2);
		} else {
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			jput(j, u, sizeof(u));
		}
		s += k;
		n -= k;
	}
	jputc(j, '"');
}

/*
 * Start a value: the comma, the newline and indent, the key in an object.
 * Returns 0 when the value is nested too deep and must not be written.
 */
static int
json_begin(struct json *j, const char *key)
{
	unsigned char *st;

	if (j->depth >= JSON_MAXDEPTH)
		return 0;
	if (j->depth == 0)
		return 1;
	st = &j->first[j->depth];
	if (!(*st & J_EMPTY))
		jputc(j, ',');
	*st &= ~J_EMPTY;
	if (j->pretty)
		json_indent(j, j->depth);
	if (!(*st & J_ARRAY)) {
		jquote(j, key != NULL ? key : "", key != NULL ? strlen(key) : 0);
		if (j->pretty)
			jputs(j, ": ");
		else
			jputc(j, ':');
	}
	return 1;
}

static void
json_open(struct json *j, const char *key, int array)
{
	if (json_begin(j, key)) {
		if (j->depth + 1 >= JSON_MAXDEPTH)
			jputs(j, "null");	/* too deep: keep it valid */
		else {
			jputc(j, array ? '[' : '{');
			j->first[j->depth + 1] = J_EMPTY | (array ? J_ARRAY : 0);
		}
	}
	if (j->depth < INT_MAX)
		j->depth++;
}

void
json_obj(struct json *j, const char *key)
{
	json_open(j, key, 0);
}

void
json_arr(struct json *j, const char *key)
{
	json_open(j, key, 1);
}

void
json_end(struct json *j)
{
	unsigned char st;

	if (j->depth == 0) {
		jputc(j, '\n');
		json_flush(j);
		return;
	}
	if (j->depth < JSON_MAXDEPTH) {
		st = j->first[j->depth];
		if (j->pretty && !(st & J_EMPTY))
			json_indent(j, j->depth - 1);
		jputc(j, st & J_ARRAY ? ']' : '}');
	}
	j->depth--;
	if (j->depth == 0)
		jputc(j, '\n');
	jdone(j);
}

void
json_quote(FILE *f, const char *str, size_t n)
{
	struct json j;

	json_init(&j, f, 0);
	jquote(&j, str, n);
	json_flush(&j);
}

void
json_str(struct json *j, const char *key, const char *s)
{
	if (s == NULL)
		json_null(j, key);
	else
		json_strn(j, key, s, strlen(s));
}

void
json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	if (json_begin(j, key)) {
		jquote(j, s, n);
		jdone(j);
	}
}

void
json_u64(struct json *j, const char *key, uint64_t v)
{
	char buf[24], *p;

	if (json_begin(j, key)) {
		p = u64_digits(buf + sizeof(buf), v);
		jput(j, p, (size_t)(buf + sizeof(buf) - p));
		jdone(j);
	}
}

void
json_i64(struct json *j, const char *key, int64_t v)
{
	char buf[24], *p;

	if (json_begin(j, key)) {
		p = u64_digits(buf + sizeof(buf), v < 0 ?
		    -(uint64_t)v : (uint64_t)v);
		if (v < 0)
			*--p = '-';
		jput(j, p, (size_t)(buf + sizeof(buf) - p));
		jdone(j);
	}
}

void
json_f64(struct json *j, const char *key, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		json_null(j, key);
		return;
	}
	if (json_begin(j, key)) {
		fmt_double(buf, sizeof(buf), v, 15);
		jput(j, buf, strlen(buf));
		jdone(j);
	}
}

void
json_bool(struct json *j, const char *key, int v)
{
	if (json_begin(j, key)) {
		if (v)
			jputs(j, "true");
		else
			jputs(j, "false");
		jdone(j);
	}
}

void
json_null(struct json *j, const char *key)
{
	if (json_begin(j, key)) {
		jputs(j, "null");
		jdone(j);
	}
}

/* ---- aligned table ---- */

struct tbl_col {
	char	*name;
	int	 align;
	size_t	 width;
};

struct tbl_row {
	char	**cell;		/* ncol slots, from the arena */
	size_t	  n;
};

struct tbl {
	struct tbl_col	*col;
	size_t		 ncol, capcol;
	struct tbl_row	*row;
	size_t		 nrow, caprow;
	struct arena	 ar;		/* cells and their strings */
};

/*
 * Room for element n of an array p of *cap elements of size sz: returns the
 * array, moved if it had to grow, or NULL (ENOMEM) leaving p as it was.
 */
static void *
grow(void *p, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;

	if (n < *cap)
		return p;
	ncap = *cap != 0 ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / sz) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = realloc(p, ncap * sz)) != NULL)
		*cap = ncap;
	return p;
}

struct tbl *
tbl_new(void)
{
	return calloc(1, sizeof(struct tbl));
}

int
tbl_col(struct tbl *t, const char *name, int align)
{
	struct tbl_col *c;

	if ((c = grow(t->col, &t->capcol, t->ncol, sizeof(*c))) == NULL)
		return -1;
	t->col = c;
	c += t->ncol;
	if ((c->name = strdup(name != NULL ? name : "")) == NULL)
		return -1;
	c->align = align;
	c->width = 0;
	t->ncol++;
	return 0;
}

int
tbl_row(struct tbl *t)
{
	struct tbl_row *r;

	if ((r = grow(t->row, &t->caprow, t->nrow, sizeof(*r))) == NULL)
		return -1;
	t->row = r;
	r += t->nrow;
	r->n = 0;
	r->cell = NULL;
	if (t->ncol > 0 &&
	    (r->cell = arena_alloc(&t->ar, t->ncol * sizeof(char *))) == NULL)
		return -1;
	t->nrow++;
	return 0;
}

int
tbl_cell(struct tbl *t, const char *s)
{
	struct tbl_row *r;
	char *c;

	if (t->nrow == 0) {
		errno = EINVAL;
		return -1;
	}
	r = &t->row[t->nrow - 1];
	if (r->n >= t->ncol) {		/* more cells than columns */
		errno = EINVAL;
		return -1;
	}
	if ((c = arena_strdup(&t->ar, s != NULL ? s : "")) == NULL)
		return -1;
	r->cell[r->n++] = c;
	return 0;
}

int
tbl_cellf(struct tbl *t, const char *fmt, ...)
{
	va_list ap;
	char small[128], *s = small;
	int n, rc;

	/* most cells are short: format once on the stack */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(small)) {
		if ((s = malloc((size_t)n + 1)) == NULL)
			return -1;
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rc = tbl_cell(t, s);
	if (s != small)
		free(s);
	return rc;
}

static void
put_spaces(FILE *f, size_t n)
{
	while (n-- > 0)
		putc_unlocked(' ', f);
}

/*
 * One line.  Padding is held back until something visible follows it, so
 * no line ends in spaces whatever the alignment or missing cells.
 */
static void
tbl_line(struct tbl *t, FILE *f, char *const *cell, size_t ncell)
{
	size_t i, pend = 0, w;
	const char *s;

	for (i = 0; i < t->ncol; i++) {
		s = i < ncell ? cell[i] : "";
		w = str_width(s);
		if (i > 0)
			pend += 2;
		if (t->col[i].align == TBL_RIGHT)
			pend += t->col[i].width - w;
		if (*s != '\0') {
			put_spaces(f, pend);
			fputs_unlocked(s, f);
			pend = 0;
		}
		if (t->col[i].align != TBL_RIGHT)
			pend += t->col[i].width - w;
	}
	putc_unlocked('\n', f);
}

int
tbl_print(struct tbl *t, FILE *f, int flags)
{
	size_t i, j, w;
	char **names;

	for (i = 0; i < t->ncol; i++) {
		t->col[i].width = flags & TBL_NOHEADER ? 0 :
		    str_width(t->col[i].name);
		for (j = 0; j < t->nrow; j++) {
			if (i >= t->row[j].n)
				continue;
			w = str_width(t->row[j].cell[i]);
			if (w > t->col[i].width)
				t->col[i].width = w;
		}
	}
	if (!(flags & TBL_NOHEADER) && t->ncol > 0) {
		if ((names = calloc(t->ncol, sizeof(*names))) == NULL)
			return -1;
		for (i = 0; i < t->ncol; i++)
			names[i] = t->col[i].name;
		tbl_line(t, f, names, t->ncol);
		free(names);
	}
	for (j = 0; j < t->nrow; j++)
		tbl_line(t, f, t->row[j].cell, t->row[j].n);
	return ferror(f) ? -1 : 0;
}

void
tbl_free(struct tbl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncol; i++)
		free(t->col[i].name);
	free(t->col);
	arena_free(&t->ar);
	free(t->row);
	free(t);
}

/* ---- key=value ---- */

static int
kv_plain(const char *v)
{
	static const char ok[] = "_./:+,@%-";

	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		    (*v >= '0' && *v <= '9') || strchr(ok, *v) != NULL)
			continue;
		return 0;
	}
	return 1;
}

void
kv_str(FILE *f, const char *key, const char *v)
{
	if (v == NULL)
		v = "";
	fprintf(f, "%s=", key);
	if (kv_plain(v))
		fputs_unlocked(v, f);
	else {
		putc_unlocked('\'', f);
		for (; *v != '\0'; v++) {
			if (*v == '\'')
				fputs_unlocked("'\\''", f);
			else
				putc_unlocked(*v, f);
		}
		putc_unlocked('\'', f);
	}
	putc_unlocked('\n', f);
}

void
kv_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, "%s=%" PRIu64 "\n", key, v);
}

/* NaN and infinities have no number: an empty value, like a null. */
void
kv_f64(FILE *f, const char *key, double v)
{
	char buf[64];

	if (!isfinite(v))
		buf[0] = '\0';
	else
		fmt_double(buf, sizeof(buf), v, 15);
	fprintf(f, "%s=%s\n", key, buf);
}

/* ---- Prometheus ---- */

void
prom_init(struct prom *p, FILE *f)
{
	p->f = f;
	p->last[0] = '\0';
}

/* HELP text escapes only backslash and newline. */
static void
prom_help(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs_unlocked("\\\\", f);
		else if (*s == '\n')
			fputs_unlocked("\\n", f);
		else
			putc_unlocked(*s, f);
	}
}

/* A name longer than last[] never matches it, so its HELP is repeated. */
void
prom_family(struct prom *p, const char *name, const char *type,
    const char *help)
{
	if (strcmp(p->last, name) == 0)
		return;
	fprintf(p->f, "# HELP %s ", name);
	prom_help(p->f, help != NULL ? help : "");
	fprintf(p->f, "\n# TYPE %s %s\n", name, type);
	snprintf(p->last, sizeof(p->last), "%s", name);
}

void
prom_sample(struct prom *p, const char *name, double v, ...)
{
	const char *k, *lv;
	char buf[64];
	va_list ap;
	int n = 0;

	fputs_unlocked(name, p->f);
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		lv = va_arg(ap, const char *);
		fprintf(p->f, "%c%s=\"", n++ == 0 ? '{' : ',', k);
		for (; lv != NULL && *lv != '\0'; lv++) {
			if (*lv == '\\' || *lv == '"')
				fprintf(p->f, "\\%c", *lv);
			else if (*lv == '\n')
				fputs_unlocked("\\n", p->f);
			else
				putc_unlocked(*lv, p->f);
		}
		putc_unlocked('"', p->f);
	}
	va_end(ap);
	if (n > 0)
		putc_unlocked('}', p->f);
	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else if (isinf(v))
		snprintf(buf, sizeof(buf), v > 0 ? "+Inf" : "-Inf");
	else
		fmt_double(buf, sizeof(buf), v, 17);
	fprintf(p->f, " %s\n", buf);
}

/* ---- report tree ---- */

enum rep_type {
	R_OBJ,
	R_ARR,
	R_STR,
	R_U64,
	R_I64,
	R_F64,
	R_BOOL,
	R_NULL,
};

struct rep {
	struct arena	*ar;		/* shared by the whole tree */
	enum rep_type	 type;
	enum rep_unit	 unit;
	char		*key;		/* NULL in an array */
	char		*s;		/* R_STR: the string; R_NULL: the reason */
	union {
		uint64_t u;
		int64_t	 i;
		double	 f;
		int	 b;
	} v;
	struct rep	*child, *last;	/* containers, in insertion order */
	struct rep	*next;
	size_t		 nchild;
};

static struct rep *
rep_add(struct rep *parent, const char *key, enum rep_type type)
{
	struct rep *n;

	if (parent == NULL)
		return NULL;
	if (parent->type != R_OBJ && parent->type != R_ARR) {
		errno = EINVAL;
		return NULL;
	}
	if (parent->type == R_OBJ && key == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((n = arena_alloc(parent->ar, sizeof(*n))) == NULL)
		return NULL;
	n->ar = parent->ar;
	n->type = type;
	if (parent->type == R_OBJ &&
	    (n->key = arena_strdup(n->ar, key)) == NULL)
		return NULL;
	if (parent->last != NULL)
		parent->last->next = n;
	else
		parent->child = n;
	parent->last = n;
	parent->nchild++;
	return n;
}

struct rep *
rep_new(void)
{
	struct arena *a;
	struct rep *r;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((r = arena_alloc(a, sizeof(*r))) == NULL) {
		free(a);
		return NULL;
	}
	r->ar = a;
	r->type = R_OBJ;
	return r;
}

struct rep *
rep_obj(struct rep *parent, const char *key)
{
	return rep_add(parent, key, R_OBJ);
}

struct rep *
rep_arr(struct rep *parent, const char *key)
{
	return rep_add(parent, key, R_ARR);
}

/* A string that cannot be copied still leaves its node, as a null. */
struct rep *
rep_str(struct rep *parent, const char *key, const char *s)
{
	struct rep *n;

	if ((n = rep_add(parent, key, s != NULL ? R_STR : R_NULL)) == NULL)
		return NULL;
	if (s != NULL && (n->s = arena_strdup(n->ar, s)) == NULL) {
		n->type = R_NULL;
		return NULL;
	}
	return n;
}

struct rep *
rep_u64(struct rep *parent, const char *key, uint64_t v, enum rep_unit u)
{
	struct rep *n;

	if ((n = rep_add(parent, key, R_U64)) != NULL) {
		n->v.u = v;
		n->unit = u;
	}
	return n;
}

struct rep *
rep_i64(struct rep *parent, const char *key, int64_t v, enum rep_unit u)
{
	struct rep *n;

	if ((n = rep_add(parent, key, R_I64)) != NULL) {
		n->v.i = v;
		n->unit = u;
	}
	return n;
}

struct rep *
rep_f64(struct rep *parent, const char *key, double v, enum rep_unit u)
{
	struct rep *n;

	if ((n = rep_add(parent, key, R_F64)) != NULL) {
		n->v.f = v;
		n->unit = u;
	}
	return n;
}

struct rep *
rep_bool(struct rep *parent, const char *key, int v)
{
	struct rep *n;

	if ((n = rep_add(parent, key, R_BOOL)) != NULL)
		n->v.b = v != 0;
	return n;
}

/* Without memory for the reason the null stays, without its reason. */
struct rep *
rep_null(struct rep *parent, const char *key, const char *reason)
{
	struct rep *n;

	if ((n = rep_add(parent, key, R_NULL)) == NULL)
		return NULL;
	if (reason != NULL && (n->s = arena_strdup(n->ar, reason)) == NULL)
		return NULL;
	return n;
}

/* Frees the whole tree r belongs to: call it on the root. */
void
rep_free(struct rep *r)
{
	struct arena *a;

	if (r == NULL)
		return;
	a = r->ar;
	arena_free(a);
	free(a);
}

static int
is_container(const struct rep *n)
{
	return n->type == R_OBJ || n->type == R_ARR;
}

static int
is_number(const struct rep *n)
{
	return n->type == R_U64 || n->type == R_I64 || n->type == R_F64;
}

/* -- JSON -- */

static void
rep_json(const struct rep *n, struct json *j, const char *key)
{
	const struct rep *c;
	char kbuf[64], *ekey;
	size_t kl;

	switch (n->type) {
	case R_OBJ:
	case R_ARR:
		if (n->type == R_OBJ)
			json_obj(j, key);
		else
			json_arr(j, key);
		for (c = n->child; c != NULL; c = c->next)
			rep_json(c, j, c->key);
		json_end(j);
		break;
	case R_STR:
		json_str(j, key, n->s);
		break;
	case R_U64:
		json_u64(j, key, n->v.u);
		break;
	case R_I64:
		json_i64(j, key, n->v.i);
		break;
	case R_F64:
		json_f64(j, key, n->v.f);
		break;
	case R_BOOL:
		json_bool(j, key, n->v.b);
		break;
	case R_NULL:
		json_null(j, key);
		if (key == NULL || n->s == NULL)
			break;
		kl = strlen(key);
		ekey = kbuf;
		if (kl + sizeof("_error") > sizeof(kbuf) &&
		    (ekey = malloc(kl + sizeof("_error"))) == NULL)
			break;
		memcpy(ekey, key, kl);
		memcpy(ekey + kl, "_error", sizeof("_error"));
		json_str(j, ekey, n->s);
		if (ekey != kbuf)
			free(ekey);
		break;
	}
}

/* -- key=value -- */

static int
rep_kv(const struct rep *n, FILE *f, const char *path)
{
	const struct rep *c;
	char idx[32];
	size_t i = 0;
	char *sub;
	const char *k;
	int rc = 0;

	switch (n->type) {
	case R_OBJ:
	case R_ARR:
		for (c = n->child; c != NULL && rc == 0; c = c->next, i++) {
			if (c->key != NULL)
				k = c->key;
			else {
				snprintf(idx, sizeof(idx), "%zu", i);
				k = idx;
			}
			if ((sub = malloc(strlen(path) + strlen(k) + 2)) == NULL)
				return -1;
			sprintf(sub, "%s%s%s", path, *path != '\0' ? "." : "", k);
			rc = rep_kv(c, f, sub);
			free(sub);
		}
		return rc;
	case R_STR:
		kv_str(f, path, n->s);
		break;
	case R_U64:
		kv_u64(f, path, n->v.u);
		break;
	case R_I64:
		fprintf(f, "%s=%" PRId64 "\n", path, n->v.i);
		break;
	case R_F64:
		kv_f64(f, path, n->v.f);
		break;
	case R_BOOL:
		fprintf(f, "%s=%s\n", path, n->v.b ? "true" : "false");
		break;
	case R_NULL:
		fprintf(f, "%s=\n", path);
		break;
	}
	return 0;
}

/* -- text -- */

/* Untrusted text made safe for a terminal, in new memory. */
static char *
vis_dup(const char *s)
{
	size_t n = strlen(s);
	char *d;

	if (n > (SIZE_MAX - 1) / 4) {
		errno = ENOMEM;
		return NULL;
	}
	if ((d = malloc(4 * n + 1)) == NULL)
		return NULL;
	return out_vis(d, 4 * n + 1, s, n);
}

/* A number with its unit, for people, into buf. */
static void
text_number(const struct rep *n, char *buf, size_t len)
{
	double f;
	struct tm tm;
	time_t t;

	f = n->type == R_U64 ? (double)n->v.u :
	    n->type == R_I64 ? (double)n->v.i : n->v.f;
	if (!isfinite(f)) {
		snprintf(buf, len, "-");
		return;
	}
	switch (n->unit) {
	case UNIT_BYTES:
		if (n->type == R_U64)
			out_iec(buf, len, n->v.u);
		else if (f >= 0 && f < 18446744073709551616.0)
			out_iec(buf, len, (uint64_t)f);
		else
			snprintf(buf, len, "-");
		return;
	case UNIT_SECS:
		out_duration(buf, len, f);
		return;
	case UNIT_PCT:
		if (n->type == R_F64)
			snprintf(buf, len, "%.1f%%", f);
		else if (n->type == R_U64)
			snprintf(buf, len, "%" PRIu64 "%%", n->v.u);
		else
			snprintf(buf, len, "%" PRId64 "%%", n->v.i);
		return;
	case UNIT_EPOCH:
		if (!(f > -1e15 && f < 1e15))
			break;
		t = (time_t)f;
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(buf, len, "-");
		return;
	case UNIT_MHZ:
		snprintf(buf, len, "%.0f MHz", f);
		return;
	case UNIT_CELSIUS:
		snprintf(buf, len, "%.1f \xc2\xb0" "C", f);
		return;
	case UNIT_NONE:
		break;
	}
	if (n->type == R_U64)
		snprintf(buf, len, "%" PRIu64, n->v.u);
	else if (n->type == R_I64)
		snprintf(buf, len, "%" PRId64, n->v.i);
	else
		snprintf(buf, len, "%.2f", n->v.f);
}

/* A scalar for people, in new memory (NULL on ENOMEM). */
static char *
text_scalar(const struct rep *n)
{
	char buf[128];

	switch (n->type) {
	case R_STR:
		return vis_dup(n->s);
	case R_BOOL:
		return strdup(n->v.b ? "yes" : "no");
	case R_U64:
	case R_I64:
	case R_F64:
		text_number(n, buf, sizeof(buf));
		return strdup(buf);
	default:
		return strdup("-");
	}
}

/*
 * An array of scalars as "v1, v2, v3" (containers inside are left out),
 * "(none)" when empty, or any scalar as text; in new memory.
 */
static char *
text_value(const struct rep *n)
{
	const struct rep *c;
	char *p = NULL, *s;
	size_t sz = 0;
	FILE *m;
	int k = 0;

	if (n->type == R_OBJ)
		return strdup("(none)");	/* only empty ones get here */
	if (n->type != R_ARR)
		return text_scalar(n);
	if (n->child == NULL)
		return strdup("(none)");
	if ((m = open_memstream(&p, &sz)) == NULL)
		return NULL;
	for (c = n->child; c != NULL; c = c->next) {
		if (is_container(c))
			continue;
		if ((s = text_scalar(c)) == NULL)
			break;
		fprintf(m, "%s%s", k++ > 0 ? ", " : "", s);
		free(s);
	}
	if (fclose(m) != 0 || c != NULL) {
		free(p);
		return NULL;
	}
	return p;
}

/* A member shown on one "key  value" line rather than as a block. */
static int
is_line(const struct rep *n)
{
	const struct rep *c;

	if (n->type == R_OBJ)
		return n->child == NULL;
	if (n->type != R_ARR)
		return 1;
	for (c = n->child; c != NULL; c = c->next)
		if (is_container(c))
			return 0;
	return 1;
}

static int
all_objects(const struct rep *arr)
{
	const struct rep *c;

	for (c = arr->child; c != NULL; c = c->next)
		if (c->type != R_OBJ)
			return 0;
	return 1;
}

/* The key of a member, or its index in an array. */
static const char *
member_key(const struct rep *c, size_t i, char *buf, size_t len)
{
	if (c->key != NULL)
		return c->key;
	snprintf(buf, len, "%zu", i);
	return buf;
}

static const struct rep *
find_child(const struct rep *obj, const char *key)
{
	const struct rep *c;

	for (c = obj->child; c != NULL; c = c->next)
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

/* A table column: an element's member k1, or member k2 of its object k1. */
struct tcol {
	const char	*k1, *k2;
	int		 nonnum;	/* has a value that is not a number */
};

static int
tcol_add(struct tcol **cols, size_t *n, size_t *cap, const char *k1,
    const char *k2, const struct rep *v)
{
	struct tcol *nc;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*cols)[i].k1, k1) == 0 && ((k2 == NULL &&
		    (*cols)[i].k2 == NULL) || (k2 != NULL &&
		    (*cols)[i].k2 != NULL && strcmp((*cols)[i].k2, k2) == 0)))
			break;
	if (i == *n) {
		if ((nc = grow(*cols, cap, *n, sizeof(*nc))) == NULL)
			return -1;
		*cols = nc;
		(*cols)[i].k1 = k1;
		(*cols)[i].k2 = k2;
		(*cols)[i].nonnum = 0;
		(*n)++;
	}
	if (!is_number(v) && v->type != R_NULL)
		(*cols)[i].nonnum = 1;
	return 0;
}

/* The cell of column c in element e: NULL when e has no such member. */
static const struct rep *
tcol_value(const struct tcol *c, const struct rep *e)
{
	const struct rep *v;

	if ((v = find_child(e, c->k1)) == NULL || c->k2 == NULL)
		return v;
	if (v->type != R_OBJ)
		return NULL;
	return find_child(v, c->k2);
}

static int
text_fill(struct tbl *t, const struct rep *arr, struct tcol *cols,
    size_t ncol)
{
	const struct rep *e, *v;
	char *s, *title;
	size_t i;
	int rc;

	for (i = 0; i < ncol; i++) {
		const char *k2 = cols[i].k2;

		if ((s = malloc(strlen(cols[i].k1) + 2 +
		    (k2 != NULL ? strlen(k2) : 0))) == NULL)
			return -1;
		sprintf(s, "%s%s%s", cols[i].k1, k2 != NULL ? "." : "",
		    k2 != NULL ? k2 : "");
		title = vis_dup(s);
		free(s);
		if (title == NULL)
			return -1;
		rc = tbl_col(t, title, cols[i].nonnum ? TBL_LEFT : TBL_RIGHT);
		free(title);
		if (rc == -1)
			return -1;
	}
	for (e = arr->child; e != NULL; e = e->next) {
		if (tbl_row(t) == -1)
			return -1;
		for (i = 0; i < ncol; i++) {
			v = tcol_value(&cols[i], e);
			if (v == NULL)
				s = strdup("");
			else if (v->type == R_OBJ)
				s = strdup("-");
			else if (v->type == R_ARR && v->child == NULL)
				s = strdup("-");
			else
				s = text_value(v);
			if (s == NULL)
				return -1;
			rc = tbl_cell(t, s);
			free(s);
			if (rc == -1)
				return -1;
		}
	}
	return 0;
}

/* Write text to f with each line indented. */
static void
put_indented(FILE *f, const char *text, size_t len, int indent)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		put_spaces(f, (size_t)indent);
		fwrite_unlocked(text + start, 1, i + 1 - start, f);
		start = i + 1;
	}
}

/* An array of objects as a table; columns from the union of the members. */
static int
text_table(const struct rep *arr, FILE *f, int indent)
{
	const struct rep *e, *m, *c;
	struct tcol *cols = NULL;
	size_t ncol = 0, cap = 0, sz = 0;
	struct tbl *t = NULL;
	char *buf = NULL;
	FILE *mf = NULL;
	int rc = -1;

	for (e = arr->child; e != NULL; e = e->next) {
		for (m = e->child; m != NULL; m = m->next) {
			if (m->type != R_OBJ) {
				if (tcol_add(&cols, &ncol, &cap, m->key, NULL,
				    m) == -1)
					goto out;
				continue;
			}
			for (c = m->child; c != NULL; c = c->next)
				if (tcol_add(&cols, &ncol, &cap, m->key,
				    c->key, c) == -1)
					goto out;
		}
	}
	if ((t = tbl_new()) == NULL || text_fill(t, arr, cols, ncol) == -1)
		goto out;
	if ((mf = open_memstream(&buf, &sz)) == NULL)
		goto out;
	tbl_print(t, mf, 0);
	if (fclose(mf) != 0)
		goto out;
	put_indented(f, buf, sz, indent);
	rc = 0;
out:
	free(buf);
	tbl_free(t);
	free(cols);
	return rc;
}

static int text_members(const struct rep *, FILE *, int, int);

/* A block: "key:" and the content below it, indented. */
static int
text_block(const struct rep *n, const char *key, FILE *f, int indent)
{
	char *k;

	if ((k = vis_dup(key)) == NULL)
		return -1;
	put_spaces(f, (size_t)indent);
	fprintf(f, "%s:\n", k);
	free(k);
	if (n->type == R_ARR && all_objects(n))
		return text_table(n, f, indent + 2);
	return text_members(n, f, indent + 2, 0);
}

/*
 * The members of an object (or the items of an array, keyed by index):
 * lines with their values aligned past the widest key, and blocks; at the
 * top, a blank line between a run of lines and a block.
 */
static int
text_members(const struct rep *obj, FILE *f, int indent, int top)
{
	const struct rep *c;
	size_t i, w, keyw = 0;
	char idx[32], *k, *v;
	int prev = 0;		/* 0 nothing yet, 1 a line, 2 a block */

	for (c = obj->child, i = 0; c != NULL; c = c->next, i++) {
		if (!is_line(c))
			continue;
		if ((k = vis_dup(member_key(c, i, idx, sizeof(idx)))) == NULL)
			return -1;
		if ((w = str_width(k)) > keyw)
			keyw = w;
		free(k);
	}
	for (c = obj->child, i = 0; c != NULL; c = c->next, i++) {
		const char *key = member_key(c, i, idx, sizeof(idx));
		int kind = is_line(c) ? 1 : 2;

		if (top && prev != 0 && (kind == 2 || prev == 2))
			putc_unlocked('\n', f);
		prev = kind;
		if (kind == 2) {
			if (text_block(c, key, f, indent) == -1)
				return -1;
			continue;
		}
		if ((k = vis_dup(key)) == NULL)
			return -1;
		if ((v = text_value(c)) == NULL) {
			free(k);
			return -1;
		}
		put_spaces(f, (size_t)indent);
		fputs_unlocked(k, f);
		if (*v != '\0') {
			put_spaces(f, keyw - str_width(k) + 2);
			fputs_unlocked(v, f);
		}
		putc_unlocked('\n', f);
		free(k);
		free(v);
	}
	return 0;
}

int
rep_print(struct rep *r, FILE *f, enum rep_fmt fmt)
{
	struct json j;
	int rc = 0;

	if (r == NULL) {
		errno = EINVAL;
		return -1;
	}
	switch (fmt) {
	case REP_JSON:
		json_init(&j, f, 1);
		rep_json(r, &j, NULL);
		if (!is_container(r))
			json_end(&j);	/* the newline after a lone scalar */
		break;
	case REP_KV:
		rc = rep_kv(r, f, "");
		break;
	case REP_TEXT:
		rc = text_members(r, f, 0, 1);
		break;
	}
	if (rc == -1)
		return -1;
	return ferror(f) ? -1 : 0;
}
