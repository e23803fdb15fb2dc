/* run -j: the input items and the replacement strings. */
#include "pool.h"

/* ---- the input ---- */

/*
 * The input file is read as the jobs need items, as xargs and GNU
 * parallel read it: a job starts once its item is whole and a slot is
 * free, so `tail -f log | syskit run -j2 -- cmd` runs while the writer
 * writes.  A pipe, a FIFO or a terminal is watched by the loop and read
 * once per readiness (it stays blocking: the descriptor is shared with
 * whoever else holds it); a regular file is read when items are needed.
 * Held ahead of the slots: the items of one read (RBUF) at most, and the
 * longest item.
 */

static void
add_group(struct pool *p, char **items, size_t n)
{
	p->grp = xreallocarray(p->grp, p->ngrp + 1, sizeof(*p->grp));
	p->gn = xreallocarray(p->gn, p->ngrp + 1, sizeof(*p->gn));
	p->grp[p->ngrp] = items;
	p->gn[p->ngrp++] = n;
}

static int
open_file(struct pool *p, const char *path, int delim)
{
	struct pool_in *in = &p->in;
	char v[200];

	in->delim = delim;
	if (strcmp(path, "-") == 0) {
		in->name = xstrdup("standard input");
		if (fcntl(0, F_GETFL) == -1) {	/* closed: say so now */
			warn("cannot read %s", in->name);
			return -1;
		}
		in->fd = 0;
		return 0;
	}
	in->name = xstrdup(run_vis(v, sizeof(v), path));
	if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("cannot open %s", in->name);
		return -1;
	}
	return 0;
}

/* The product of the ::: lists' lengths: the jobs per input item. */
static int
count_per_item(struct pool *p)
{
	size_t g;

	p->per_item = 1;
	for (g = 0; g < p->ngrp; g++) {
		if (p->gn[g] != 0 && p->per_item > SIZE_MAX / 64 / p->gn[g]) {
			warnx("too many jobs");
			return -1;
		}
		p->per_item *= p->gn[g];
	}
	if (p->in.fd == -1) {
		p->in.eof = 1;
		p->total = p->ngrp > 0 ? p->per_item : 0;
	}
	return 0;
}

/* The command's words up to the first :::, the ::: lists after it, and
 * the input file (-a, --commands, or stdin without :::). */
int
pool_open_input(struct pool *p, int argc, char *argv[])
{
	const struct pool_opts *po = p->po;
	int i, end = argc, delim = po->nul ? '\0' : '\n';
	size_t k;

	p->in.fd = -1;
	if (po->commands != NULL) {
		if (open_file(p, po->commands, delim) == -1)
			return -1;
		return count_per_item(p);
	}
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], ":::") == 0) {
			end = i;
			break;
		}
	p->tmpl = run_command_argv(p->o, end, argv);
	if (po->argfile != NULL || end == argc)
		if (open_file(p, po->argfile != NULL ? po->argfile : "-",
		    delim) == -1)
			return -1;
	for (i = end; i < argc; ) {
		char **items = xcalloc((size_t)argc, sizeof(char *));

		k = 0;
		for (i++; i < argc && strcmp(argv[i], ":::") != 0; i++)
			items[k++] = xstrdup(argv[i]);
		add_group(p, items, k);
	}
	return count_per_item(p);
}

static int
add_item(struct pool *p, const char *s, size_t n)
{
	struct pool_in *in = &p->in;
	size_t i;

	if (p->per_item > 0 && in->nitems >= SIZE_MAX / 64 / p->per_item) {
		warnx("too many jobs");
		return -1;
	}
	if (in->head > 0 && in->n == in->icap) {
		for (i = in->head; i < in->n; i++)
			in->item[i - in->head] = in->item[i];
		in->n -= in->head;
		in->head = 0;
	}
	/* an argument ends at a NUL: as xargs, say so once and pass what
	 * comes before it */
	if (in->delim != '\0' && !in->nul_said &&
	    memchr(s, '\0', n) != NULL) {
		warnx("%s: a NUL byte cuts an item short (-0 reads "
		    "NUL-separated items)", in->name);
		in->nul_said = 1;
	}
	xgrow(&in->item, &in->icap, in->n + 1, sizeof(char *));
	in->item[in->n++] = xstrndup(s, n);
	in->nitems++;
	p->total = in->nitems * p->per_item;
	return 0;
}

/* The whole items in the buffer (at the end, the last one without its
 * delimiter too); a long item is searched once, not at every read. */
static int
split(struct pool *p)
{
	struct pool_in *in = &p->in;
	size_t off = 0, from = in->scan;
	char *d;

	while (from < in->len && (d = memchr(in->buf + from, in->delim,
	    in->len - from)) != NULL) {
		if (add_item(p, in->buf + off, (size_t)(d - in->buf) - off) ==
		    -1)
			return -1;
		off = from = (size_t)(d - in->buf) + 1;
	}
	if (in->eof && off < in->len) {
		if (add_item(p, in->buf + off, in->len - off) == -1)
			return -1;
		off = in->len;
	}
	memmove(in->buf, in->buf + off, in->len - off);
	in->len -= off;
	in->scan = in->len;
	return 0;
}

/* One read: 1 with bytes or the end, -1 on error (after the message). */
static int
read_once(struct pool *p)
{
	struct pool_in *in = &p->in;
	ssize_t n;

	xgrow(&in->buf, &in->cap, in->len + RBUF, 1);
	do
		n = read(in->fd, in->buf + in->len, RBUF);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		warn("cannot read %s", in->name);
		in->eof = 1;
		return -1;
	}
	if (n == 0)
		in->eof = 1;
	in->len += (size_t)n;
	return split(p);
}

static void on_input(struct loop *l, int fd, unsigned ev, void *arg);

int
pool_input_more(struct pool *p)
{
	struct pool_in *in = &p->in;
	size_t had = in->nitems;

	if (p->per_item == 0)
		in->eof = 1;	/* an empty ::: list: no jobs, whatever comes */
	if (in->eof || in->watched)
		return 0;
	if (!in->nopoll) {
		if (loop_fd(p->loop, in->fd, EPOLLIN, on_input, p) == 0) {
			in->watched = 1;
			return 0;
		}
		in->nopoll = 1;	/* a regular file, /dev/null: never waits */
	}
	while (!in->eof && in->nitems == had)
		if (read_once(p) == -1)
			return -1;
	return 1;
}

int
pool_input_all(struct pool *p)
{
	while (!p->in.eof)
		if (read_once(p) == -1)
			return -1;
	return 0;
}

static void
on_input(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct pool *p = arg;

	if (read_once(p) == -1)
		p->self_failed = 1;
	pool_fill(p);
}

void
pool_input_watch(struct pool *p, int want)
{
	struct pool_in *in = &p->in;

	if (in->watched && (!want || in->eof)) {
		loop_fd_del(p->loop, in->fd);
		in->watched = 0;
	}
}

void
pool_input_release(struct pool *p)
{
	struct pool_in *in = &p->in;
	size_t upto = p->per_item > 0 ? p->next / p->per_item : 0;

	while (in->head < in->n && in->base < upto) {
		free(in->item[in->head]);
		in->item[in->head++] = NULL;
		in->base++;
	}
	if (in->head == in->n)
		in->head = in->n = 0;
}

void
pool_input_free(struct pool *p)
{
	struct pool_in *in = &p->in;
	size_t g, i;

	if (in->watched)
		loop_fd_del(p->loop, in->fd);
	if (in->fd > 0)
		close(in->fd);
	for (i = in->head; i < in->n; i++)
		free(in->item[i]);
	free(in->item);
	free(in->buf);
	free(in->name);
	for (g = 0; g < p->ngrp; g++) {
		for (i = 0; i < p->gn[g]; i++)
			free(p->grp[g][i]);
		free(p->grp[g]);
	}
	free(p->grp);
	free(p->gn);
}

/* The items of job idx: the input file's first (an item there, the
 * lists' product of jobs), then the lists', the last varying fastest. */
static size_t
job_items(const struct pool *p, size_t idx, const char **it)
{
	const struct pool_in *in = &p->in;
	size_t g, k = in->fd != -1;

	for (g = p->ngrp; g-- > 0; ) {
		it[k + g] = p->grp[g][idx % p->gn[g]];
		idx /= p->gn[g];
	}
	if (k)
		it[0] = in->item[in->head + (idx - in->base)];
	return k + p->ngrp;
}
/* ---- replacement strings, as GNU parallel defines them ---- */

enum { R_ALL = 1, R_NOEXT, R_BASE, R_DIR, R_BASENOEXT, R_SEQ, R_SLOT,
    R_POS };

/* The replacement string at s, its length in *len, its number in *pos. */
static int
repl_at(const char *s, size_t *len, long *pos)
{
	static const struct { const char *s; int kind; } r[] = {
		{ "{}", R_ALL }, { "{.}", R_NOEXT }, { "{/}", R_BASE },
		{ "{//}", R_DIR }, { "{/.}", R_BASENOEXT }, { "{#}", R_SEQ },
		{ "{%}", R_SLOT },
	};
	size_t i, n;

	if (s[0] != '{')
		return 0;
	for (i = 0; i < nitems(r); i++) {
		n = strlen(r[i].s);
		if (strncmp(s, r[i].s, n) == 0) {
			*len = n;
			return r[i].kind;
		}
	}
	for (n = 1; s[n] >= '0' && s[n] <= '9' && n < 6; n++)
		;
	if (n > 1 && s[n] == '}' && s[1] != '0') {
		*pos = strtol(s + 1, NULL, 10);
		*len = n + 1;
		return R_POS;
	}
	return 0;
}

int
pool_has_repl(char **words)
{
	size_t len;
	long pos;
	char *s;

	for (; *words != NULL; words++)
		for (s = *words; (s = strchr(s, '{')) != NULL; s++)
			if (repl_at(s, &len, &pos) != 0)
				return 1;
	return 0;
}

void
pool_sb_add(struct sbuf *b, const char *s, size_t n)
{
	xgrow(&b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* s without its extension: s:\.[^/.]*$:: */
static size_t
noext_len(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '/' && s[i - 1] != '.')
		i--;
	return i > 0 && s[i - 1] == '.' ? i - 1 : n;
}

/* dirname(3), as Perl's File::Basename has it. */
static void
sb_dirname(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	while (n > 0 && s[n - 1] != '/')
		n--;
	if (n == 0) {
		pool_sb_add(b, ".", 1);
		return;
	}
	while (n > 1 && s[n - 1] == '/')
		n--;
	pool_sb_add(b, s, n);
}

static void
sb_item(struct sbuf *b, int kind, const char *s)
{
	const char *base = strrchr(s, '/');

	base = base != NULL ? base + 1 : s;
	switch (kind) {
	case R_ALL:
		pool_sb_add(b, s, strlen(s));
		break;
	case R_NOEXT:
		pool_sb_add(b, s, noext_len(s, strlen(s)));
		break;
	case R_BASE:
		pool_sb_add(b, base, strlen(base));
		break;
	case R_DIR:
		sb_dirname(b, s);
		break;
	case R_BASENOEXT:
		pool_sb_add(b, base, noext_len(base, strlen(base)));
		break;
	}
}

/* One word of the command with its replacement strings filled in. */
static char *
expand(const struct job *j, const char *w, const char **it, size_t nit)
{
	struct sbuf b = { NULL, 0, 0 };
	char num[32];
	size_t len, i;
	long pos;
	int kind;

	pool_sb_add(&b, "", 0);
	while (*w != '\0') {
		if ((kind = repl_at(w, &len, &pos)) == 0) {
			pool_sb_add(&b, w++, 1);
			continue;
		}
		w += len;
		if (kind == R_SEQ || kind == R_SLOT) {
			snprintf(num, sizeof(num), "%zu", kind == R_SEQ ?
			    j->idx + 1 : (size_t)j->slot);
			pool_sb_add(&b, num, strlen(num));
		} else if (kind == R_POS) {
			if ((size_t)pos <= nit)
				pool_sb_add(&b, it[pos - 1],
				    strlen(it[pos - 1]));
		} else
			for (i = 0; i < nit; i++) {
				if (i > 0)
					pool_sb_add(&b, " ", 1);
				sb_item(&b, kind, it[i]);
			}
	}
	return b.s;
}

void
pool_job_argv(struct pool *p, struct job *j)
{
	const char *it[64], **items = it;
	struct sbuf t = { NULL, 0, 0 };
	size_t n = 0, i, k, nit;

	if (p->ngrp + 1 > nitems(it))
		items = xcalloc(p->ngrp + 1, sizeof(char *));
	nit = job_items(p, j->idx, items);
	for (i = 0; i < nit; i++) {
		if (i > 0)
			pool_sb_add(&t, "\t", 1);
		pool_sb_add(&t, items[i], strlen(items[i]));
	}
	j->tag = t.s != NULL ? t.s : xstrdup("");
	if (p->po->commands != NULL) {
		j->argv = xcalloc(4, sizeof(char *));
		j->argv[0] = xstrdup("/bin/sh");
		j->argv[1] = xstrdup("-c");
		j->argv[2] = xstrdup(items[0]);
		goto out;
	}
	while (p->tmpl[n] != NULL)
		n++;
	j->argv = xcalloc(n + nit + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		j->argv[i] = p->repl ? expand(j, p->tmpl[i], items, nit) :
		    xstrdup(p->tmpl[i]);
	if (!p->repl)
		for (k = 0; k < nit; k++)
			j->argv[i++] = xstrdup(items[k]);
out:
	if (items != it)
		free(items);
}
