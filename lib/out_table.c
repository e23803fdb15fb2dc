/* out_table: the aligned text table (see out.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "out.h"
#include "out_int.h"

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

struct tbl *
tbl_new(void)
{
	return calloc(1, sizeof(struct tbl));
}

int
tbl_col(struct tbl *t, const char *name, int align)
{
	struct tbl_col *c;

	if (mem_grow(&t->col, &t->capcol, t->ncol + 1, sizeof(*c)) == -1)
		return -1;
	c = t->col + t->ncol;
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

	if (mem_grow(&t->row, &t->caprow, t->nrow + 1, sizeof(*r)) == -1)
		return -1;
	r = t->row + t->nrow;
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
		w = out_str_width(s);
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
		    out_str_width(t->col[i].name);
		for (j = 0; j < t->nrow; j++) {
			if (i >= t->row[j].n)
				continue;
			w = out_str_width(t->row[j].cell[i]);
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
