/*
 * ps tree: the collected rows, for --sort (by each key's sort value, or
 * its text) and --forest (procps's show_forest: trees from their roots,
 * children in sort order, drawn with " \_ ").
 */
#include "ps.h"

#include <float.h>

/* A number to sort on; 0 when the key sorts as its text. */
static int
sort_value(struct ctx *c, const struct row *r, const struct kval *kv,
    double *d)
{
	struct val v;

	if (!STAT_OK(r, kv->stat) && (kv->sort != NULL || kv->get != NULL)) {
		*d = -DBL_MAX;		/* none: first */
		return 1;
	}
	if (kv->sort != NULL) {
		*d = kv->sort(c, r, kv);
		return 1;
	}
	if (kv->get == NULL)
		return 0;
	kv->get(c, r, kv, &v);
	switch (v.type) {
	case V_INT: *d = (double)v.i; break;
	case V_UINT: *d = (double)v.u; break;
	case V_REAL: *d = v.d; break;
	default: *d = -DBL_MAX; break;	/* none: first */
	}
	return 1;
}

static struct ctx *sort_ctx;

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	struct ctx *c = sort_ctx;
	const struct sortspec *s = &c->o->sort;
	struct col col;
	char sa[256], sb[256], *ta, *tb, *copy;
	double va, vb;
	int i, r = 0;

	if (c->o->forest && a->st.ppid != b->st.ppid)
		return a->st.ppid < b->st.ppid ? -1 : 1;
	for (i = 0; i < s->n && r == 0; i++) {
		const struct kval *kv = s->k[i].k->v;

		if (sort_value(c, a, kv, &va)) {
			sort_value(c, b, kv, &vb);
			r = va < vb ? -1 : va > vb;
		} else {
			memset(&col, 0, sizeof(col));
			col.k = s->k[i].k;
			cell(c, a, &col, sa, &ta, INT_MAX);
			copy = xstrdup(ta);
			cell(c, b, &col, sb, &tb, INT_MAX);
			r = strcmp(copy, tb);
			free(copy);
		}
		if (s->k[i].desc)
			r = -r;
	}
	if (r == 0 && c->o->forest && s->n == 0 &&
	    a->st.starttime != b->st.starttime)
		r = a->st.starttime < b->st.starttime ? -1 : 1;
	if (r == 0)
		r = a->index < b->index ? -1 : a->index > b->index;
	return r;
}

void
sort_rows(struct ctx *c, struct rows *rs)
{
	sort_ctx = c;
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_rows);
	sort_ctx = NULL;
}

/* pid -> first row index, open addressing (pids are > 0). */
struct pidmap {
	int	*key, *val;
	size_t	 cap;
};

static void
pidmap_init(struct pidmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < n * 2)
		m->cap *= 2;
	m->key = xreallocarray(NULL, m->cap, sizeof(int));
	m->val = xreallocarray(NULL, m->cap, sizeof(int));
	memset(m->key, 0xff, m->cap * sizeof(int));	/* -1: empty */
}

static size_t
pidmap_slot(const struct pidmap *m, int key)
{
	size_t h = ((unsigned)key * 2654435761U) & (m->cap - 1);

	while (m->key[h] != -1 && m->key[h] != key)
		h = (h + 1) & (m->cap - 1);
	return h;
}

/* Set key to val unless it is there; returns its value. */
static int
pidmap_add(struct pidmap *m, int key, int val)
{
	size_t h = pidmap_slot(m, key);

	if (m->key[h] == -1) {
		m->key[h] = key;
		m->val[h] = val;
	}
	return m->val[h];
}

static int
pidmap_get(const struct pidmap *m, int key)
{
	size_t h = pidmap_slot(m, key);

	return m->key[h] == key ? m->val[h] : -1;
}

static void
pidmap_free(struct pidmap *m)
{
	free(m->key);
	free(m->val);
}

/* The forest art for the row's depth, from the prefix letters. */
static void
set_prefix(struct ctx *c, const char *letters, size_t n)
{
	size_t i, w = c->o->forest == 'u' ? 2 : 4;
	char *p;

	if (c->prefixcap < n * w + 1) {
		c->prefixcap = n * w + 64;
		c->prefix = xreallocarray(c->prefix, c->prefixcap, 1);
	}
	for (p = c->prefix, i = 0; i < n; i++, p += w) {
		const char *art = "    ";

		if (w == 2)
			art = "  ";
		else if (letters[i] == 'L' || letters[i] == '+')
			art = " \\_ ";
		else if (letters[i] == '|')
			art = " |  ";
		memcpy(p, art, w);
	}
	*p = '\0';
	c->prefixlen = n * w;
}

struct frame {
	int	 idx, level, sibling, next;
};

/*
 * procps's show_forest: trees from their roots (rows whose parent is not
 * listed), last root first; children in sort order, drawn with " \_ ".
 * Iterative, and each row once, whatever the pids claim.
 */
void
show_forest(struct ctx *c, struct rows *rs)
{
	struct pidmap bypid, firstchild;
	struct frame *st = NULL;
	char *letters = NULL, *done;
	size_t nst = 0, capst = 0, i;
	int n = (int)rs->n, root;

	pidmap_init(&bypid, rs->n);
	pidmap_init(&firstchild, rs->n);
	for (i = 0; i < rs->n; i++) {
		pidmap_add(&bypid, rs->r[i].pid, (int)i);
		pidmap_add(&firstchild, rs->r[i].st.ppid, (int)i);
	}
	done = xcalloc(rs->n + 1, 1);
	letters = xreallocarray(NULL, rs->n + 2, 1);
	for (root = n - 1; root >= 0; root--) {
		if (pidmap_get(&bypid, rs->r[root].st.ppid) >= 0 &&
		    rs->r[root].st.ppid != rs->r[root].pid)
			continue;
		if (done[root])
			continue;
		nst = 0;
		if (nst == capst) {
			capst = capst ? capst * 2 : 64;
			st = xreallocarray(st, capst, sizeof(*st));
		}
		st[nst++] = (struct frame){ root, 0, 0, -1 };
		while (nst > 0) {
			struct frame *f = &st[nst - 1];
			const struct row *r = &rs->r[f->idx];

			if (f->next == -1) {
				/* first visit: draw the row */
				if (f->level > 0)
					letters[f->level - 1] = f->sibling ? '+' : 'L';
				set_prefix(c, letters, (size_t)f->level);
				done[f->idx] = 1;
				emit(c, r);
				if (f->level > 0)
					letters[f->level - 1] = f->sibling ? '|' : ' ';
				f->next = pidmap_get(&firstchild, r->pid);
				if (f->next < 0)
					f->next = n;
			}
			if (f->next < n && rs->r[f->next].st.ppid == r->pid &&
			    f->next != f->idx) {
				int ci = f->next++, more;

				if (done[ci])
					continue;
				more = ci + 1 < n && rs->r[ci + 1].st.ppid == r->pid;
				if (nst == capst) {
					capst *= 2;
					st = xreallocarray(st, capst, sizeof(*st));
					f = &st[nst - 1];
				}
				/* procps: init's children stay at init's level in
				 * the ASCII art (not with -H) */
				st[nst++] = (struct frame){ ci, f->level +
				    (r->pid == 1 && c->o->forest != 'u' ? 0 : 1),
				    more, -1 };
				continue;
			}
			nst--;
		}
	}
	c->prefixlen = 0;
	free(st);
	free(letters);
	free(done);
	pidmap_free(&bypid);
	pidmap_free(&firstchild);
}

