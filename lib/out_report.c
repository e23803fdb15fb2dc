/* out_report: the report tree and its text, JSON and key=value
 * renderings (see out.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "out.h"
#include "out_int.h"

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
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*cols)[i].k1, k1) == 0 && ((k2 == NULL &&
		    (*cols)[i].k2 == NULL) || (k2 != NULL &&
		    (*cols)[i].k2 != NULL && strcmp((*cols)[i].k2, k2) == 0)))
			break;
	if (i == *n) {
		if (mem_grow(cols, cap, *n + 1, sizeof(**cols)) == -1)
			return -1;
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
		if ((w = out_str_width(k)) > keyw)
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
			put_spaces(f, keyw - out_str_width(k) + 2);
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
