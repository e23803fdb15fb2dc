/*
 * proc_int: the lexing helpers lib/proc.c and lib/pid.c share.  Private to
 * those two files: every helper is bounded by an end pointer and never
 * reads past it.
 */
#ifndef LIB_PROC_INT_H
#define LIB_PROC_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A /proc file larger than this is not a /proc file. */
#define SLURP_MAX	(1024UL * 1024 * 1024)

/* Inlined in every build: the static one is built with -Os, where gcc
 * left these as calls (and tok_eq's strlen of a literal not folded):
 * a tenth of ps aux's user time. */
#define LEX	static inline __attribute__((always_inline))

LEX int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

LEX int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Take the next line [*ls, *le) (without '\n') from [*pp, end). */
LEX int
next_line(const char **pp, const char *end, const char **ls, const char **le)
{
	const char *p = *pp, *nl;

	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	*ls = p;
	*le = nl != NULL ? nl : end;
	*pp = nl != NULL ? nl + 1 : end;
	return 1;
}

/* Take the next blank-separated token [*ts, *te) from [*pp, end). */
LEX int
next_tok(const char **pp, const char *end, const char **ts, const char **te)
{
	const char *p = *pp;

	while (p < end && is_blank(*p))
		p++;
	if (p >= end) {
		*pp = end;
		return 0;
	}
	*ts = p;
	while (p < end && !is_blank(*p))
		p++;
	*te = p;
	*pp = p;
	return 1;
}

LEX int
tok_eq(const char *s, const char *e, const char *word)
{
	size_t n;

	/* most calls compare a line's key with the wrong word: the first
	 * byte tells, before strlen and memcmp */
	if (s >= e || *s != *word)
		return *word == '\0' && s >= e;
	n = strlen(word);
	return (size_t)(e - s) == n && memcmp(s, word, n) == 0;
}

/* Strict unsigned decimal over [s, e): digits only, no overflow. */
LEX int
parse_u64(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;

	if (s >= e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static inline uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

#endif
