/* run -j: the input items and the replacement strings. */
#include "pool.h"

/* ---- the input ---- */

/* Every item of f, split at delim (a last one without it counts). */
static int
read_items(FILE *f, int delim, char ***items, size_t *n)
{
	size_t cap = 0, lcap = 0;
	char *line = NULL;
	ssize_t len;

	*items = NULL;
	*n = 0;
	while ((len = getdelim(&line, &lcap, delim, f)) != -1) {
		if (len > 0 && line[len - 1] == (char)delim)
			line[--len] = '\0';
		xgrow(items, &cap, *n + 1, sizeof(char *));
		(*items)[(*n)++] = xstrndup(line, (size_t)len);
	}
	free(line);
	if (ferror(f))
		return -1;
	if (errno == ENOMEM)
		xnomem();
	return 0;
}

static void
add_group(struct pool *p, char **items, size_t n)
{
	p->grp = xreallocarray(p->grp, p->ngrp + 1, sizeof(*p->grp));
	p->gn = xreallocarray(p->gn, p->ngrp + 1, sizeof(*p->gn));
	p->grp[p->ngrp] = items;
	p->gn[p->ngrp++] = n;
}

static int
read_file_group(struct pool *p, const char *path, int delim)
{
	char v[200];
	char **items;
	FILE *f;
	size_t n;
	int rc;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "re")) == NULL) {
		warn("cannot open %s", run_vis(v, sizeof(v), path));
		return -1;
	}
	errno = 0;
	rc = read_items(f, delim, &items, &n);
	if (rc == -1)
		warn("cannot read %s", strcmp(path, "-") == 0 ?
		    "standard input" : run_vis(v, sizeof(v), path));
	if (f != stdin)
		fclose(f);
	if (rc == 0)
		add_group(p, items, n);
	return rc;
}

/* The command's words up to the first :::, the ::: lists after it, and
 * the input file (-a, --commands, or stdin without :::). */
int
pool_read_input(struct pool *p, int argc, char *argv[])
{
	const struct pool_opts *po = p->po;
	int i, end = argc, delim = po->nul ? '\0' : '\n';
	size_t k;

	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], ":::") == 0) {
			end = i;
			break;
		}
	if (po->commands != NULL)
		return read_file_group(p, po->commands, delim);
	p->tmpl = run_command_argv(p->o, end, argv);
	if (po->argfile != NULL || end == argc)
		if (read_file_group(p, po->argfile != NULL ? po->argfile :
		    "-", delim) == -1)
			return -1;
	for (i = end; i < argc; ) {
		char **items = xcalloc((size_t)argc, sizeof(char *));

		k = 0;
		for (i++; i < argc && strcmp(argv[i], ":::") != 0; i++)
			items[k++] = xstrdup(argv[i]);
		add_group(p, items, k);
	}
	return 0;
}

int
pool_count_jobs(struct pool *p)
{
	size_t g;

	p->total = p->ngrp > 0 ? 1 : 0;
	for (g = 0; g < p->ngrp; g++) {
		if (p->gn[g] != 0 && p->total > SIZE_MAX / 64 / p->gn[g]) {
			warnx("too many jobs");
			return -1;
		}
		p->total *= p->gn[g];
	}
	return 0;
}

/* The items of job idx: the last group varies fastest. */
static void
job_items(const struct pool *p, size_t idx, const char **it)
{
	size_t g;

	for (g = p->ngrp; g-- > 0; ) {
		it[g] = p->grp[g][idx % p->gn[g]];
		idx /= p->gn[g];
	}
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
	size_t n = 0, i, k;

	if (p->ngrp > nitems(it))
		items = xcalloc(p->ngrp, sizeof(char *));
	job_items(p, j->idx, items);
	for (i = 0; i < p->ngrp; i++) {
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
	j->argv = xcalloc(n + p->ngrp + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		j->argv[i] = p->repl ? expand(j, p->tmpl[i], items, p->ngrp) :
		    xstrdup(p->tmpl[i]);
	if (!p->repl)
		for (k = 0; k < p->ngrp; k++)
			j->argv[i++] = xstrdup(items[k]);
out:
	if (items != it)
		free(items);
}

