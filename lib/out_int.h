/*
 * out_int: what the writers of lib/out share (out.c, out_json.c,
 * out_table.c, out_kv.c, out_prom.c, out_report.c).  Private to them.
 */
#ifndef LIB_OUT_INT_H
#define LIB_OUT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* 2^53: below it every integer is exact in a double. */
#define EXACT_INT	9007199254740992.0

/* Decode one UTF-8 sequence at s (n >= 1 bytes): the bytes it takes; *ok
 * says whether they are well-formed (then *cp is the code point). */
size_t	out_utf8_next(const unsigned char *s, size_t n, uint32_t *cp, int *ok);
/* Display width of a string; a byte of invalid UTF-8 counts as one. */
size_t	out_str_width(const char *s);
/* A double as text with a '.' decimal point in any locale. */
void	out_fmt_double(char *buf, size_t len, double v, int prec);

/* Decimal digits of v, into the end of buf[24]; returns the first. */
static inline char *
u64_digits(char *end, uint64_t v)
{
	char *p = end;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

static inline void
put_spaces(FILE *f, size_t n)
{
	while (n-- > 0)
		putc_unlocked(' ', f);
}

#endif
