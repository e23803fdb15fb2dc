/*
 * filter: which paths watch leaves out.  Globs in gitignore's syntax
 * (git's wildmatch rules: '*' and '?' stop at '/', '**' crosses it, a
 * pattern without '/' matches the last component at any depth, a trailing
 * '/' only directories, a leading '!' negates, the last match wins), the
 * default ignore list, -i, --ext and --gitignore.
 */
#include "watch.h"

#include <fcntl.h>

#include "../../lib/fs.h"

enum { M_MATCH, M_NOMATCH, M_ABORT_ALL, M_ABORT_TO_STARSTAR };

/* At most this many steps of dowild for one path: a pattern of many "**"
 * could otherwise try the path's components in exponentially many ways.
 * Past it the pattern does not match. */
#define WILD_STEPS	(1L << 20)

/* [...] at *pp (past the '['): whether c is in the class; *pp past the
 * ']'.  -1 when the class is not closed. */
static int
match_class(const char **pp, unsigned char c)
{
	const unsigned char *p = (const unsigned char *)*pp;
	int neg = 0, hit = 0, first = 1;
	unsigned char lo, hi;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	for (; *p != '\0' && (first || *p != ']'); first = 0) {
		lo = *p++;
		if (lo == '\\') {
			if (*p == '\0')
				return -1;
			lo = *p++;
		}
		hi = lo;
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			hi = *p++;
			if (hi == '\\') {
				if (*p == '\0')
					return -1;
				hi = *p++;
			}
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	if (*p != ']')
		return -1;
	*pp = (const char *)p + 1;
	return hit != neg && c != '/';
}

static int
dowild(const char *pat0, const char *p, const char *t, long *steps)
{
	const char *prev;
	int slash, r;

	if (++*steps > WILD_STEPS)
		return M_ABORT_ALL;
	for (; *p != '\0'; p++, t++) {
		if (*t == '\0' && *p != '*')
			return M_ABORT_ALL;
		switch (*p) {
		case '\\':
			if (p[1] != '\0')
				p++;
			if (*t != *p)
				return M_NOMATCH;
			break;
		case '?':
			if (*t == '/')
				return M_NOMATCH;
			break;
		case '[':
			p++;
			if ((r = match_class(&p, (unsigned char)*t)) < 0)
				return M_ABORT_ALL;
			if (r == 0)
				return M_NOMATCH;
			p--;	/* the loop steps over the ']' */
			break;
		case '*':
			prev = p;
			slash = 0;
			if (p[1] == '*') {
				while (p[1] == '*')
					p++;
				/* "**" is special as a whole component only */
				if ((prev == pat0 || prev[-1] == '/') &&
				    (p[1] == '\0' || p[1] == '/')) {
					/* no directory for it: the rest here;
					 * an abort there is one for every later
					 * place too (the rest cannot match any
					 * suffix of t), so it ends the match */
					if (p[1] == '/' && ((r = dowild(pat0,
					    p + 2, t, steps)) == M_MATCH ||
					    r == M_ABORT_ALL))
						return r;
					slash = 1;
				}
			}
			p++;
			if (*p == '\0') {
				if (!slash && strchr(t, '/') != NULL)
					return M_ABORT_TO_STARSTAR;
				return M_MATCH;
			}
			for (; *t != '\0'; t++) {
				r = dowild(pat0, p, t, steps);
				if (r != M_NOMATCH) {
					if (!slash || r != M_ABORT_TO_STARSTAR)
						return r;
				} else if (!slash && *t == '/')
					return M_ABORT_TO_STARSTAR;
			}
			return M_ABORT_ALL;
		default:
			if (*t != *p)
				return M_NOMATCH;
			break;
		}
	}
	return *t != '\0' ? M_NOMATCH : M_MATCH;
}

int
glob_match(const char *pat, const char *path)
{
	long steps = 0;

	return dowild(pat, pat, path, &steps) == M_MATCH;
}

int
globlist_add(struct globlist *gl, const char *s, const char *base,
    int gitsyntax)
{
	struct glob g = { 0 };
	size_t n;
	char *p;

	if (gitsyntax && (*s == '#' || *s == '\0'))
		return -1;
	if (*s == '!') {
		g.negate = 1;
		s++;
	}
	p = xstrdup(s);
	n = strlen(p);
	/* gitignore: trailing blanks go unless escaped */
	while (gitsyntax && n > 0 && p[n - 1] == ' ' &&
	    (n < 2 || p[n - 2] != '\\'))
		p[--n] = '\0';
	while (n > 1 && p[n - 1] == '/') {
		p[--n] = '\0';
		g.dironly = 1;
	}
	if (n == 0 || strcmp(p, "/") == 0) {
		free(p);
		return -1;
	}
	g.anchored = strchr(p, '/') != NULL;
	if (*p == '/')
		memmove(p, p + 1, n--);
	g.pat = p;
	g.base = base != NULL && *base != '\0' ? xstrdup(base) : NULL;
	xgrow(&gl->v, &gl->cap, gl->n + 1, sizeof(*gl->v));
	gl->v[gl->n++] = g;
	return 0;
}

void
globlist_free(struct globlist *gl)
{
	size_t i;

	for (i = 0; i < gl->n; i++) {
		free(gl->v[i].pat);
		free(gl->v[i].base);
	}
	free(gl->v);
	memset(gl, 0, sizeof(*gl));
}

/* Whether one glob matches rel; the path inside the glob's base. */
static int
glob_hits(const struct glob *g, const char *rel, int is_dir)
{
	const char *s = rel, *b;
	size_t n;

	if (g->dironly && !is_dir)
		return 0;
	if (g->base != NULL) {
		n = strlen(g->base);
		if (strncmp(rel, g->base, n) != 0 || rel[n] != '/')
			return 0;
		s = rel + n + 1;
	}
	if (!g->anchored && (b = strrchr(s, '/')) != NULL)
		s = b + 1;
	return glob_match(g->pat, s);
}

int
globlist_match(const struct globlist *gl, const char *rel, int is_dir)
{
	size_t i = gl->n;

	/* the last glob that matches decides */
	while (i-- > 0)
		if (glob_hits(&gl->v[i], rel, is_dir))
			return !gl->v[i].negate;
	return 0;
}

static const char *const default_ignore[] = {
	".git/", ".hg/", ".svn/", "*.swp", "*.swx", "*~", ".#*", "4913",
};

void
filter_init(struct watch *w)
{
	size_t i;

	if (!w->o->default_ignore)
		return;
	for (i = 0; i < nitems(default_ignore); i++)
		globlist_add(&w->defign, default_ignore[i], NULL, 1);
}

static int
ext_ok(char *const *exts, const char *rel)
{
	const char *b = strrchr(rel, '/'), *dot;

	b = b != NULL ? b + 1 : rel;
	if ((dot = strrchr(b, '.')) == NULL || dot == b)
		return 0;
	for (; *exts != NULL; exts++)
		if (strcmp(dot + 1, *exts) == 0)
			return 1;
	return 0;
}

int
filter_ignored(struct watch *w, size_t root, const char *rel, int is_dir)
{
	(void)root;
	if (*rel == '\0')
		return 0;
	if (globlist_match(&w->defign, rel, is_dir) ||
	    globlist_match(&w->o->ignore, rel, is_dir) ||
	    globlist_match(&w->gitign, rel, is_dir))
		return 1;
	/* --ext reports files only; directories are still entered */
	if (w->o->exts != NULL && is_dir != 2)
		return is_dir || !ext_ok(w->o->exts, rel);
	return 0;
}

/* Add the globs of the file at dfd/name, scoped to base. */
static void
read_ignore_file(struct watch *w, int dfd, const char *name,
    const char *base)
{
	char buf[65536], *line, *nl;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = fs_open_regular(dfd, name, O_NOFOLLOW)) == -1)
		return;
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (line = buf; line < buf + len; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = buf + len;
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		globlist_add(&w->gitign, line, base, 1);
	}
}

void
filter_gitignore_dir(struct watch *w, size_t root, int dfd, const char *rel)
{
	(void)root;
	if (!w->o->gitignore)
		return;
	if (*rel == '\0')
		read_ignore_file(w, dfd, ".git/info/exclude", rel);
	read_ignore_file(w, dfd, ".gitignore", rel);
}
