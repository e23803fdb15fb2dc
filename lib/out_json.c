/* out_json: the streaming JSON writer (see out.h). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "out.h"
#include "out_int.h"

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
		k = out_utf8_next(s, n, &cp, &ok);
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
		out_fmt_double(buf, sizeof(buf), v, 15);
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
