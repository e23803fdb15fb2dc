/*
 * ps options: the command line as procps-ng reads it.  SysV options
 * (-ef), BSD words (aux), long options; selection lists; -o formats with
 * KEY=HEADER and KEY:WIDTH; --sort lists; the default formats.  A reading
 * that fails is tried again as BSD ("ps -aux"), as procps does.
 */
#include "ps.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>

/* ---- parsing lists, formats and sorts ---- */

/* An error message for the one line on stderr. */
char errmsg[256];

/* The first error's getopt state, when getopt_long found it. */
static const char *err_word;
static int err_opt, err_isopt;

static int
perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
perr(const char *fmt, ...)
{
	va_list ap;

	if (errmsg[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* An option getopt_long refused: said at the end, by report(). */
static int
perr_opt(const char *word, int opt)
{
	if (errmsg[0] == '\0') {
		err_word = word;
		err_opt = opt;
		err_isopt = 1;
	}
	return perr("bad option");
}

/* Separators of -o and --sort lists (procps allows newlines there) */
static int
is_sep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\t' || ch == '\n';
}

/* and of selection lists, where a newline may be part of a name */
static int
is_lsep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\t';
}

static int
parse_pid(const char *s, uint64_t *out)
{
	uint64_t v;

	if (args_uint(s, 1, 0x7fffffff, &v) != 0)
		return perr("bad process id: %s", s);
	*out = v;
	return 0;
}

static int
parse_uid(const char *s, uint64_t *out, int group)
{
	uint64_t v;

	if (args_uint(s, 0, 0xfffffffeU, &v) == 0) {
		*out = v;
		return 0;
	}
	if (group) {
		struct group *gr = getgrnam(s);

		if (gr == NULL)
			return perr("no such group: %s", s);
		*out = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (pw == NULL)
			return perr("no such user: %s", s);
		*out = pw->pw_uid;
	}
	return 0;
}

uint64_t
devkey(unsigned maj, unsigned min)
{
	return (uint64_t)maj << 32 | min;
}

/* A terminal as procps finds it: a path, pts/N, ttyN, N, or - and ? for none. */
static int
parse_tty(const char *s, uint64_t *out)
{
	static const char *const fmts[][2] = {
		{ "/dev/pts/", "" }, { "/dev/", "" }, { "/dev/tty", "" },
		{ "/dev/pty", "" }, { "/dev/", "nsole" },
	};
	char path[PATH_MAX];
	struct stat sb;
	size_t i;

	if (strcmp(s, "-") == 0 || strcmp(s, "?") == 0) {
		*out = 0;
		return 0;
	}
	if (s[0] == '/') {
		if (stat(s, &sb) != 0)
			return perr("no such terminal: %s", s);
		goto found;
	}
	for (i = 0; i < nitems(fmts); i++) {
		snprintf(path, sizeof(path), "%s%s%s", fmts[i][0], s,
		    fmts[i][1]);
		if (stat(path, &sb) == 0)
			goto found;
	}
	return perr("no such terminal: %s", s);
found:
	if (!S_ISCHR(sb.st_mode))
		return perr("not a terminal: %s", s);
	*out = devkey(major(sb.st_rdev), minor(sb.st_rdev));
	return 0;
}

/* A list of items separated by commas or blanks, into a selection. */
int
parse_list(struct opts *o, enum sel type, const char *arg)
{
	struct sel_list *l;
	const char *p = arg, *e;
	char item[256];
	int rc = 0;

	if (*arg == '\0')
		return perr("empty list");
	l = xcalloc(1, sizeof(*l));
	l->type = type;
	l->v = xreallocarray(NULL, strlen(arg) + 1, sizeof(*l->v));
	if (type == SEL_COMM)
		l->names = xreallocarray(NULL, strlen(arg) + 1,
		    sizeof(*l->names));
	l->next = o->sel;
	o->sel = l;
	while (rc == 0) {
		e = p;
		while (*e != '\0' && !is_lsep(*e))
			e++;
		if (e == p || (size_t)(e - p) >= sizeof(item))
			return perr("bad list: %s", arg);
		memcpy(item, p, (size_t)(e - p));
		item[e - p] = '\0';
		switch (type) {
		case SEL_EUID:
		case SEL_RUID:
			rc = parse_uid(item, &l->v[l->n], 0);
			break;
		case SEL_EGID:
		case SEL_RGID:
			rc = parse_uid(item, &l->v[l->n], 1);
			break;
		case SEL_TTY:
			rc = parse_tty(item, &l->v[l->n]);
			break;
		case SEL_COMM:
			l->names[l->n] = xstrdup(item);
			break;
		default:
			rc = parse_pid(item, &l->v[l->n]);
			break;
		}
		l->n++;
		if (*e == '\0')
			break;
		p = e + 1;
		if (*p == '\0')
			return perr("bad list: %s", arg);
	}
	return rc;
}

void
sel_free(struct sel_list *l)
{
	struct sel_list *next;
	int i;

	for (; l != NULL; l = next) {
		next = l->next;
		for (i = 0; l->names != NULL && i < l->n; i++)
			free(l->names[i]);
		free(l->names);
		free(l->v);
		free(l);
	}
}

void
fmt_add(struct fmt *f, const struct key *k, const char *head, size_t headlen,
    int width)
{
	struct col *c;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->c = xreallocarray(f->c, (size_t)f->cap, sizeof(*f->c));
	}
	c = &f->c[f->n++];
	c->k = k;
	c->head = head != NULL ? xstrndup(head, headlen) : xstrdup(k->head);
	c->width = width;
	c->gap = -1;
}

void
fmt_free(struct fmt *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->c[i].head);
	free(f->c);
	memset(f, 0, sizeof(*f));
}

/* The width of a key, from the table or pid_max; a header given with
 * KEY=HEADER widens it, the table's own header does not (procps). */
static int
key_width(const struct key *k, int pidwidth, const char *head, size_t headlen)
{
	int w = k->width;

	if (k->just & J_PIDMAX) {
		w = pidwidth;
		if ((size_t)w < strlen(k->head))
			w = (int)strlen(k->head);
	}
	if (head != NULL && headlen > (size_t)w)
		w = headlen > 4096 ? 4096 : (int)headlen;
	return w;
}

/*
 * The format macros of procps's ps(1), which -o and PS_FORMAT take where a
 * key goes: NULL when name is none.
 */
static const char *
fmt_macro_find(const char *name, size_t n)
{
	static const char *const macros[][2] = {
		{ "DefBSD", "pid,tname,stat,bsdtime,args" },
		{ "DefSysV", "pid,tname,time,cmd" },
	};
	size_t i;

	for (i = 0; i < nitems(macros); i++)
		if (strlen(macros[i][0]) == n &&
		    memcmp(macros[i][0], name, n) == 0)
			return macros[i][1];
	return NULL;
}

/*
 * A format list as procps reads it: items separated by commas or blanks
 * (one trailing separator allowed); KEY=HEADER renames a column (the
 * header ends at the next separator, so "pid=,comm=" empties both) and
 * KEY:WIDTH sets the width.
 */
/*
 * AIX format descriptors (ps(1)): %C %G %P %U %a %c %g %n %p %r %t %u %x
 * %y %z, with blanks between them printed as they are in place of the
 * one-blank separator; any other text is refused, as procps refuses it.
 * As in procps every column is cut and padded to its width, the last too.
 */
static int
aix_parse(struct fmt *f, const char *spec, int pidwidth)
{
	static const struct {
		char		 c;
		const char	*key;
	} aix[] = {
		{ 'C', "pcpu" }, { 'G', "group" }, { 'P', "ppid" },
		{ 'U', "user" }, { 'a', "args" }, { 'c', "comm" },
		{ 'g', "rgroup" }, { 'n', "nice" }, { 'p', "pid" },
		{ 'r', "pgid" }, { 't', "etime" }, { 'u', "ruser" },
		{ 'x', "time" }, { 'y', "tty" }, { 'z', "vsz" },
	};
	const struct key *k;
	const char *p = spec;
	int blanks, i;

	f->aix = 1;
	for (;;) {
		for (blanks = 0; *p == ' '; p++)
			blanks++;
		if (*p == '\0')
			break;
		if (p[0] != '%' || p[1] == '\0')
			return perr("improper AIX field descriptor");
		for (i = 0; i < (int)nitems(aix); i++)
			if (aix[i].c == p[1])
				break;
		if (i == (int)nitems(aix))
			return perr("improper AIX field descriptor");
		k = key_find(aix[i].key, strlen(aix[i].key));
		if (k == NULL)
			return perr("improper AIX field descriptor");
		/* procps heads %y "TTY", the key tty "TT" */
		fmt_add(f, k, p[1] == 'y' ? "TTY" : NULL, 3,
		    key_width(k, pidwidth, p[1] == 'y' ? "TTY" : NULL, 3));
		if (blanks > 0)
			f->c[f->n - 1].gap = blanks;
		p += 2;
	}
	f->tail = blanks;
	if (f->n == 0)
		return perr("empty format list");
	return 0;
}

/* Whether spec is AIX descriptors: an item that starts with % and is no
 * key ("%cpu" and "%mem" are keys). */
static int
is_aix(const char *spec)
{
	const char *p, *e;

	for (p = spec; *p != '\0'; p = e) {
		while (is_sep(*p))
			p++;
		for (e = p; *e != '\0' && !is_sep(*e) && *e != '=' &&
		    *e != ':'; e++)
			;
		if (*p == '%' && key_find(p, (size_t)(e - p)) == NULL)
			return 1;
		while (*e != '\0' && !is_sep(*e))
			e++;
	}
	return 0;
}

int
fmt_parse(struct fmt *f, const char *spec, int pidwidth)
{
	const char *p, *e, *eq, *colon, *m;
	const struct key *k;
	size_t nlen, hlen, wl;
	uint64_t w = 0;
	int need = 1, items = 0, width;
	char wbuf[16];

	if (is_aix(spec))
		return aix_parse(f, spec, pidwidth);

	for (p = spec; *p != '\0'; p++) {
		if (is_sep(*p)) {
			if (need)
				return perr("improper format list: %s", spec);
			need = 1;
		} else if (need) {
			items++;
			need = 0;
		}
	}
	if (items == 0)
		return perr("empty format list");
	for (p = spec; *p != '\0' && !is_sep(*p); p = *e != '\0' ? e + 1 : e) {
		e = p;
		while (*e != '\0' && !is_sep(*e))
			e++;
		eq = memchr(p, '=', (size_t)(e - p));
		nlen = (size_t)((eq != NULL ? eq : e) - p);
		if ((colon = memchr(p, ':', nlen)) != NULL) {
			wl = nlen - (size_t)(colon - p) - 1;
			if (wl == 0 || wl >= sizeof(wbuf) || colon[1] == '0')
				return perr("column widths must be unsigned decimal numbers");
			memcpy(wbuf, colon + 1, wl);
			wbuf[wl] = '\0';
			if (strspn(wbuf, "0123456789") != wl ||
			    args_uint(wbuf, 1, 4096, &w) != 0)
				return perr("column widths must be unsigned decimal numbers");
			nlen = (size_t)(colon - p);
		}
		if ((k = key_find(p, nlen)) == NULL &&
		    (m = fmt_macro_find(p, nlen)) != NULL) {
			if (fmt_parse(f, m, pidwidth) == -1)
				return -1;
			continue;	/* a header or width given is ignored */
		}
		if (k == NULL)
			return perr("unknown format key: %.*s", (int)nlen, p);
		hlen = eq != NULL ? (size_t)(e - eq - 1) : strlen(k->head);
		width = key_width(k, pidwidth, eq != NULL ? eq + 1 : NULL, hlen);
		if (colon != NULL)
			width = (int)w;
		fmt_add(f, k, eq != NULL ? eq + 1 : NULL, hlen, width);
	}
	return 0;
}

/* "[+|-]key,..." */
int
sort_parse(struct sortspec *s, const char *spec)
{
	const char *p = spec, *e;
	const struct key *k;
	int desc;

	if (*spec == '\0')
		return perr("empty sort list");
	for (;;) {
		desc = 0;
		if (*p == '+' || *p == '-')
			desc = *p++ == '-';
		e = p;
		while (*e != '\0' && !is_sep(*e))
			e++;
		if (e == p)
			return perr("improper sort list: %s", spec);
		if ((k = key_find(p, (size_t)(e - p))) == NULL)
			return perr("unknown sort key: %.*s", (int)(e - p), p);
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->k = xreallocarray(s->k, (size_t)s->cap,
			    sizeof(*s->k));
		}
		s->k[s->n].k = k;
		s->k[s->n].desc = desc;
		s->n++;
		if (*e == '\0' || e[1] == '\0')	/* one trailing separator */
			break;
		p = e + 1;
	}
	return 0;
}

/* ---- the command line ---- */

enum {
	O_COLS = 256, O_CUMULATIVE, O_FOREST, O_HEADERS, O_NOHEADERS, O_PPID,
	O_SORT, O_JSON, O_SAMPLE, O_MATCH, O_HELP, O_BSD_O, O_BSD_T, O_PGRP,
	O_ROWS, O_BSDTTY, O_CONTEXT,
};

static const struct option longopts[] = {
	{ "Group", required_argument, NULL, 'G' },
	{ "User", required_argument, NULL, 'U' },
	{ "bsd-O", required_argument, NULL, O_BSD_O },
	{ "bsd-T", no_argument, NULL, O_BSD_T },
	{ "bsd-pgrp", required_argument, NULL, O_PGRP },
	{ "cols", required_argument, NULL, O_COLS },
	{ "columns", required_argument, NULL, O_COLS },
	{ "context", no_argument, NULL, O_CONTEXT },
	{ "cumulative", no_argument, NULL, O_CUMULATIVE },
	{ "date-format", required_argument, NULL, 'D' },
	{ "deselect", no_argument, NULL, 'N' },
	{ "forest", no_argument, NULL, O_FOREST },
	{ "format", required_argument, NULL, 'o' },
	{ "group", required_argument, NULL, 'g' },
	{ "headers", no_argument, NULL, O_HEADERS },
	{ "help", no_argument, NULL, O_HELP },
	{ "json", no_argument, NULL, O_JSON },
	{ "lines", required_argument, NULL, O_ROWS },
	{ "match", required_argument, NULL, O_MATCH },
	{ "no-header", no_argument, NULL, O_NOHEADERS },
	{ "no-headers", no_argument, NULL, O_NOHEADERS },
	{ "no-heading", no_argument, NULL, O_NOHEADERS },
	{ "no-headings", no_argument, NULL, O_NOHEADERS },
	{ "noheader", no_argument, NULL, O_NOHEADERS },
	{ "noheaders", no_argument, NULL, O_NOHEADERS },
	{ "noheading", no_argument, NULL, O_NOHEADERS },
	{ "noheadings", no_argument, NULL, O_NOHEADERS },
	{ "pid", required_argument, NULL, 'p' },
	{ "ppid", required_argument, NULL, O_PPID },
	{ "quick-pid", required_argument, NULL, 'q' },
	{ "rows", required_argument, NULL, O_ROWS },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "sid", required_argument, NULL, 's' },
	{ "sort", required_argument, NULL, O_SORT },
	{ "tty", required_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "width", required_argument, NULL, O_COLS },
	{ NULL, 0, NULL, 0 },
};

static const char shortopts[] = "+AaC:cD:deFfG:g:HjLlMmNO:o:Pp:q:s:Tt:U:u:VwyZ";

/* Does the short option ch (SysV) or BSD letter take an argument? */
static int
sysv_takes_arg(int ch)
{
	const char *p = strchr(shortopts + 1, ch);

	return ch != ':' && p != NULL && p[1] == ':';
}

/*
 * The long option that --name (or --name=value) names, as getopt_long
 * reads it: the exact name, or an abbreviation whose options all do the
 * same (--col: --cols and --columns); NULL when none or ambiguous.
 */
static const struct option *
long_find(const char *arg)
{
	const struct option *lo, *hit = NULL;
	size_t n = strcspn(arg + 2, "=");

	for (lo = longopts; lo->name != NULL; lo++) {
		if (strncmp(lo->name, arg + 2, n) != 0)
			continue;
		if (strlen(lo->name) == n)
			return lo;
		if (hit == NULL)
			hit = lo;
		else if (hit->val != lo->val || hit->has_arg != lo->has_arg)
			return NULL;
	}
	return hit;
}

/* Does --name take the next word as its value? */
static int
long_takes_arg(const char *arg)
{
	const struct option *lo = long_find(arg);

	return lo != NULL && arg[2 + strcspn(arg + 2, "=")] != '=' &&
	    lo->has_arg == required_argument;
}

struct argvec {
	char	**v;
	int	  n, cap;
};

static void
av_push(struct argvec *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, (size_t)a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void
av_free(struct argvec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/*
 * BSD options: letters without a dash ("aux").  The selection and format
 * letters set their flags here; those that take a value (p U t o O k q)
 * become the equivalent long option for getopt_long, their value being
 * the rest of the word or the next argument.
 */
static int
bsd_group(struct opts *o, struct argvec *a, char **argv, int argc, int *ip,
    const char *word)
{
	const char *p, *val;
	const char *lopt;

	o->bsd = 1;
	for (p = word; *p != '\0'; p++) {
		switch (*p) {
		case 'a': o->simple |= SS_B_a; continue;
		case 'x': o->simple |= SS_B_x; continue;
		case 'g': o->simple |= SS_B_g; continue;
		case 'r': o->running = 1; continue;
		case 'u': o->ff |= FF_Bu; continue;
		case 'j': o->ff |= FF_Bj; continue;
		case 'l': o->ff |= FF_Bl; continue;
		case 's': o->ff |= FF_Bs; continue;
		case 'Z':
			/* not in a dash word retried as BSD: -Z stays unknown */
			if (word != argv[*ip])
				return perr("unknown BSD option: Z");
			o->fm |= FM_M;
			continue;
		case 'v': o->ff |= FF_Bv; continue;
		case 'X': o->ff |= FF_BX; continue;
		case 'm': o->tf |= TF_m; continue;
		case 'f': o->forest = 'b'; continue;
		case 'w': o->wcount++; continue;
		case 'c': o->bsd_c = 1; continue;
		case 'e': o->bsd_e = 1; continue;
		case 'n': o->numeric = 1; continue;
		case 'S': o->cumulative = 1; continue;
		case 'H': o->tf |= TF_H; continue;
		case 'h': o->noheader = 1; continue;
		case 'L':
		case 'V':
			/* procps: these stand alone */
			if (argc != 2 || word[1] != '\0')
				return perr("option %c stands alone", *p);
			if (*p == 'L')
				o->list_keys = 1;
			else
				av_push(a, "--version");
			continue;
		case 'T': av_push(a, "--bsd-T"); continue;
		case '-':
			return perr("embedded '-' among BSD options: %s", word);
		}
		if (*p >= '0' && *p <= '9') {
			av_push(a, "--pid");
			av_push(a, p);
			return 0;
		}
		switch (*p) {
		case 'p': lopt = "--pid"; break;
		case 'U': lopt = "--user"; break;
		case 't': lopt = "--tty"; break;
		case 'o': lopt = "--format"; break;
		case 'O': lopt = "--bsd-O"; break;
		case 'k': lopt = "--sort"; break;
		case 'q': lopt = "--quick-pid"; break;
		default:
			return perr("unknown BSD option: %c", *p);
		}
		val = p[1] != '\0' ? p + 1 : NULL;
		if (val == NULL && *ip + 1 < argc && argv[*ip + 1][0] != '\0')
			val = argv[++*ip];
		if (val == NULL) {
			if (*p == 't') {	/* t alone: this terminal */
				av_push(a, "--bsd-T");
				return 0;
			}
			return perr("option %c needs a value", *p);
		}
		av_push(a, lopt);
		av_push(a, val);
		return 0;
	}
	return 0;
}

/*
 * Rewrite argv for getopt_long, as procps reads it: a word starting with
 * a letter is BSD options, one starting with a digit a pid list, +N a
 * session, -N a process group.  With force_bsd (the second try, after
 * the SysV reading failed, so that "ps -aux" works) "-aux" is BSD too.
 */
static int
preprocess(struct opts *o, struct argvec *a, int argc, char **argv,
    int force_bsd)
{
	char *s;
	int i;
	const char *p;

	av_push(a, argv[0]);
	for (i = 1; i < argc; i++) {
		s = argv[i];
		if (s[0] == '-' && s[1] == '-' && s[2] != '\0') {
			av_push(a, s);
			if (long_takes_arg(s) && i + 1 < argc)
				av_push(a, argv[++i]);
			continue;
		}
		if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
			av_push(a, "--bsd-pgrp");
			av_push(a, s + 1);
			o->bsd = 1;
			continue;
		}
		if (s[0] == '+') {
			av_push(a, "--sid");
			av_push(a, s + 1);
			o->bsd = 1;
			continue;
		}
		if (s[0] >= '0' && s[0] <= '9') {
			av_push(a, "--pid");
			av_push(a, s);
			o->bsd = 1;
			continue;
		}
		if (s[0] == '-' && isalpha((unsigned char)s[1]) && !force_bsd) {
			av_push(a, s);
			/* the value of the last letter may be the next word */
			for (p = s + 1; *p != '\0'; p++)
				if (sysv_takes_arg(*p))
					break;
			if (*p != '\0' && p[1] == '\0' && i + 1 < argc)
				av_push(a, argv[++i]);
			continue;
		}
		if (isalpha((unsigned char)s[0]) ||
		    (s[0] == '-' && isalpha((unsigned char)s[1]))) {
			if (bsd_group(o, a, argv, argc, &i,
			    s + (s[0] == '-')) == -1)
				return -1;
			continue;
		}
		return perr("garbage option: %s", s);
	}
	return 0;
}

static int
screen_arg(const char *s, int *out)
{
	uint64_t v;

	if (args_uint(s, 1, 1000000000, &v) != 0)
		return perr("bad number of columns: %s", s);
	*out = (int)v;
	return 0;
}

/* -g: a session list when it reads as one, else effective groups. */
static int
parse_g(struct opts *o, const char *arg)
{
	struct sel_list *l;

	if (parse_list(o, SEL_SESS, arg) == 0)
		return 0;
	errmsg[0] = '\0';
	l = o->sel;		/* the half-made session list */
	o->sel = l->next;
	l->next = NULL;
	sel_free(l);
	return parse_list(o, SEL_EGID, arg);
}

static int
parse_pass(struct opts *o, struct parsed *pa, int argc, char **argv,
    int force_bsd)
{
	struct argvec a;
	double d;
	int ch, rc = -1, cols = 0;

	memset(&a, 0, sizeof(a));
	if (preprocess(o, &a, argc, argv, force_bsd) == -1)
		goto out;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(a.n, a.v, shortopts, longopts, NULL)) != -1) {
		int r = 0;

		switch (ch) {
		case 'A':
		case 'e':
			o->all = 1;
			break;
		case 'a':
			o->simple |= SS_U_a;
			break;
		case 'C':
			r = parse_list(o, SEL_COMM, optarg);
			break;
		case 'c':
			o->fm |= FM_c;
			break;
		case 'D':
			o->datefmt = optarg;
			break;
		case 'd':
			o->simple |= SS_U_d;
			break;
		case 'F':
			o->fm |= FM_F;
			/* FALLTHROUGH */
		case 'f':
			o->ff |= FF_Uf;
			o->unix_f = 1;
			break;
		case 'G':
			r = parse_list(o, SEL_RGID, optarg);
			break;
		case 'g':
			r = parse_g(o, optarg);
			break;
		case 'H':
			o->forest = 'u';
			break;
		case 'j':
			o->fm |= FM_j;
			break;
		case 'L':
			o->tf |= TF_L;
			break;
		case 'l':
			o->ff |= FF_Ul;
			break;
		case 'N':
			o->negate = 1;
			break;
		case 'O':
			if (o->O != NULL)
				r = perr("only one -O");
			o->O = optarg;
			break;
		case 'o':
			pa->fmtspecs = xreallocarray(pa->fmtspecs,
			    (size_t)pa->nfmt + 1, sizeof(char *));
			pa->fmtspecs[pa->nfmt++] = optarg;
			break;
		case 'p':
			r = parse_list(o, SEL_PID, optarg);
			break;
		case 'q':
			r = parse_list(o, SEL_QUICK, optarg);
			break;
		case 's':
			r = parse_list(o, SEL_SESS, optarg);
			break;
		case 'T':
			o->tf |= TF_T;
			break;
		case 't':
			r = parse_list(o, SEL_TTY, optarg);
			break;
		case 'U':
			r = parse_list(o, SEL_RUID, optarg);
			break;
		case 'u':
			r = parse_list(o, SEL_EUID, optarg);
			break;
		case 'V':
			pa->version = 1;
			break;
		case 'w':
			o->wcount++;
			break;
		case 'y':
			o->fm |= FM_y;
			break;
		case 'M':
		case 'Z':
			o->fm |= FM_M;
			break;
		case 'm':
			o->tf |= TF_m;
			break;
		case 'P':
			o->fm |= FM_P;
			break;
		case O_HEADERS:
			o->headers = 1;
			break;
		case O_CONTEXT:
			o->context = 1;
			break;
		case O_COLS:
			if ((r = screen_arg(optarg, &cols)) == 0)
				o->cols = cols;
			break;
		case O_ROWS:
			if ((r = screen_arg(optarg, &cols)) == 0)
				o->rows = cols;
			break;
		case O_CUMULATIVE:
			o->cumulative = 1;
			break;
		case O_FOREST:
			o->forest = 'g';
			break;
		case O_NOHEADERS:
			o->noheader = 1;
			break;
		case O_PPID:
			r = parse_list(o, SEL_PPID, optarg);
			break;
		case O_SORT:
			if (o->sort.n > 0)
				r = perr("only one sort list");
			else
				r = sort_parse(&o->sort, optarg);
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_SAMPLE:
			if (args_duration(optarg, 3600, &d) != 0 || d <= 0)
				r = perr("bad duration: %s", optarg);
			else
				o->sample = d;
			break;
		case O_MATCH:
			pa->match = optarg;
			break;
		case O_HELP:
			pa->help = 1;
			break;
		case O_BSD_O:
			if (o->bsdO != NULL)
				r = perr("only one O");
			o->bsdO = optarg;
			break;
		case O_BSD_T:
			pa->bsd_T = 1;
			break;
		case O_PGRP:
			r = parse_list(o, SEL_PGRP, optarg);
			break;
		default:
			/* musl steps past the end for a missing value:
			 * argv[optind - 1] is then the NULL after it */
			r = perr_opt(optind > 0 && optind <= a.n &&
			    a.v[optind - 1] != NULL ? a.v[optind - 1] : "",
			    optopt);
			break;
		}
		if (r != 0)
			goto out;
	}
	if (optind < a.n) {
		perr("garbage option: %s", a.v[optind]);
		goto out;
	}
	rc = 0;
out:
	av_free(&a);
	return rc;
}

void
opts_free(struct opts *o)
{
	sel_free(o->sel);
	fmt_free(&o->fmt);
	free(o->sort.k);
	if (o->have_match)
		regfree(&o->match);
	memset(o, 0, sizeof(*o));
}

/* The selection bits of procps 4.0.2: which of the 16 combinations of
 * (our euid, session leader, no tty, our tty) the simple options take. */
static int
select_bits(struct opts *o, unsigned *bits)
{
	unsigned sv = o->simple;

	*bits = 0;
	if (sv == 0 && !o->bsd) {
		*bits = 0xaa00;		/* our euid on our terminal */
		return 0;
	}
	if (!(sv & (SS_U_a | SS_U_d)))
		sv |= SS_B_g;
	switch (sv) {
	case SS_U_a | SS_U_d:
		*bits = 0x3f3f;
		break;
	case SS_U_a:
		*bits = 0x0303;
		break;
	case SS_U_d:
		*bits = 0x3333;
		break;
	case SS_B_g:
		*bits = 0x0a0a;
		break;
	case SS_B_g | SS_B_a:
		*bits = 0x0f0f;
		break;
	case SS_B_g | SS_B_x:
		*bits = 0xaaaa;
		break;
	case SS_B_g | SS_B_x | SS_B_a:
		o->all = 1;
		o->simple = 0;
		break;
	default:
		return perr("process selection options conflict");
	}
	return 0;
}

/* ---- formats ---- */

static int
fmt_macro(struct fmt *f, const char *spec, int pidwidth)
{
	return fmt_parse(f, spec, pidwidth);
}

static int
fmt_find_head(const struct fmt *f, const char *head)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->c[i].head, head) == 0)
			return i;
	return -1;
}

/* Insert key name after the column headed head; 0 if there is none. */
static int
fmt_add_after(struct fmt *f, const char *head, const char *name, int pidwidth)
{
	struct fmt one;
	int at = fmt_find_head(f, head);

	if (at < 0)
		return 0;
	memset(&one, 0, sizeof(one));
	fmt_parse(&one, name, pidwidth);
	fmt_add(f, one.c[0].k, NULL, 0, 0);	/* grow by one */
	free(f->c[f->n - 1].head);
	memmove(&f->c[at + 2], &f->c[at + 1],
	    (size_t)(f->n - at - 2) * sizeof(*f->c));
	f->c[at + 1] = one.c[0];
	free(one.c);
	return 1;
}

/* procps's generate_sysv_list: the default and -f -F -l -j -L -T keys. */
static int
fmt_sysv(struct opts *o, struct fmt *f, int pidwidth)
{
	const char *push[40];
	int n = 0, i;
	unsigned ff = o->ff, fm = o->fm, tf = o->tf;

#define PUSH(k)	(push[n++] = (k))
	if ((fm & FM_y) && !(ff & FF_Ul))
		return perr("-y needs -l");
	if ((fm & FM_M) && fmt_parse(f, "label", pidwidth) == -1)
		return -1;
	if (o->bsd) {
		PUSH(ff ? "cmd" : "args");
		PUSH("bsdtime");
		if (!(ff & FF_Ul))
			PUSH("stat");
	} else {
		PUSH((ff & FF_Uf) ? "cmd" : "ucmd");
		PUSH("time");
	}
	PUSH("tname");
	if (ff & FF_Uf)
		PUSH("stime");
	if (fm & FM_F) {
		if (!(fm & FM_P))
			PUSH("psr");
		if (!((ff & FF_Ul) && (fm & FM_y)))
			PUSH("rss");
	}
	if (ff & FF_Ul)
		PUSH("wchan");
	if ((fm & FM_F) || (ff & FF_Ul))
		PUSH("sz");
	if (ff & FF_Ul)
		PUSH((fm & FM_y) ? "rss" : "addr_1");
	if (fm & FM_c) {		/* -c: the class and its priority */
		PUSH("pri");
		PUSH("class");
	} else if (ff & FF_Ul) {
		PUSH("ni");
		PUSH("opri");
	}
	if ((tf & TF_L) && (ff & FF_Uf))
		PUSH("nlwp");
	if ((ff & (FF_Uf | FF_Ul)) && !(fm & FM_c))
		PUSH("c");
	if (fm & FM_P)
		PUSH("psr");
	if (tf & TF_L)
		PUSH("lwp");
	if (fm & FM_j) {
		PUSH("sid");
		PUSH("pgid");
	}
	if (ff & (FF_Uf | FF_Ul))
		PUSH("ppid");
	if (tf & TF_T)
		PUSH("spid");
	PUSH("pid");
	if (ff & FF_Uf)
		PUSH("uid_hack");
	else if (ff & FF_Ul)
		PUSH("uid");
	if (ff & FF_Ul) {
		PUSH("s");
		if (!(fm & FM_y))
			PUSH("f");
	}
#undef PUSH
	for (i = n - 1; i >= 0; i--)
		if (fmt_parse(f, push[i], pidwidth) == -1)
			return -1;
	return 0;
}

static int
build_format(struct opts *o, struct parsed *pa, struct fmt *f, int pidwidth)
{
	const char *env, *macro = NULL;
	unsigned bsdff = o->ff & (FF_Bu | FF_Bj | FF_Bl | FF_Bs | FF_Bv |
	    FF_BX);
	int i;

	for (i = 0; i < pa->nfmt; i++)
		if (fmt_parse(f, pa->fmtspecs[i], pidwidth) == -1)
			return -1;
	if (pa->nfmt > 0) {
		if (o->O != NULL || o->bsdO != NULL)
			return perr("-O cannot go with other format options");
		if (o->context)
			return perr("conflicting format options");
		return 0;
	}
	if (o->context)
		return fmt_macro(f, "pid,context,args", pidwidth);
	if (o->O != NULL || o->bsdO != NULL) {
		if (o->O != NULL && o->bsdO != NULL)
			return perr("only one of -O and O");
		if (o->ff != 0)
			return perr("-O cannot go with other format options");
		if (fmt_parse(f, "pid", pidwidth) == -1 ||
		    fmt_parse(f, o->O != NULL ? o->O : o->bsdO, pidwidth) == -1)
			return -1;
		return fmt_macro(f, o->O != NULL ? "state,tname,time,command" :
		    "state,tname,cputime,comm", pidwidth);
	}
	if (o->ff == 0 && o->fm == 0 && (env = getenv("PS_FORMAT")) != NULL &&
	    *env != '\0') {
		if (fmt_parse(f, env, pidwidth) == 0)
			return 0;
		warnx("PS_FORMAT ignored: %s", errmsg);
		errmsg[0] = '\0';
		fmt_free(f);
	}
	if (bsdff == 0)
		return fmt_sysv(o, f, pidwidth);
	if ((bsdff & (bsdff - 1)) != 0 || (o->ff & (FF_Uf | FF_Ul)))
		return perr("conflicting format options");
	if ((o->fm & FM_M) && fmt_parse(f, "label", pidwidth) == -1)
		return -1;
	if (bsdff == FF_Bu)
		macro = "user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args";
	else if (bsdff == FF_Bj)
		macro = "ppid,pid,pgid,sid,tname,tpgid,stat,uid,bsdtime,args";
	else if (bsdff == FF_Bs)
		macro = "uid,pid,pending,blocked,ignored,caught,stat,tname,bsdtime,args";
	else if (bsdff == FF_Bv)
		macro = "pid,tname,stat,bsdtime,maj_flt,trs:5,drs,rss,%mem,args";
	else if (bsdff == FF_BX)
		macro = "pid,start_stack,esp,eip,timeout,alarm,stat,tname,bsdtime,args";
	else
		macro = "flags,uid,pid,ppid,priority,nice,vsz,rss,wchan,stat,tname,bsdtime,args";
	if (fmt_macro(f, macro, pidwidth) == -1)
		return -1;
	if (o->fm & FM_j) {
		if (!fmt_add_after(f, "PPID", "pgid", pidwidth))
			fmt_add_after(f, "PID", "pgid", pidwidth);
		fmt_add_after(f, "PGID", "sid", pidwidth);
	}
	if (o->tf & TF_T)
		fmt_add_after(f, "PID", "spid", pidwidth);
	if (o->tf & TF_L) {
		static const char *const after[] = {
			"SID", "SESS", "PGID", "PGRP", "PPID", "PID",
		};

		for (i = 0; i < (int)nitems(after); i++)
			if (fmt_add_after(f, after[i], "lwp", pidwidth))
				break;
		fmt_add_after(f, "%CPU", "nlwp", pidwidth);
	}
	return 0;
}

/* Checks after a reading of the command line; an error here sends
 * procps (and us) to the BSD reading. */
/*
 * BSD O as procps reads it: a sort order of ps(1)'s obsolete one-letter
 * keys when it is one ("O-P+p": by PPID descending, then by PID), else a
 * format.  0: it was a sort order (o->bsdO is gone), 1: a format, -1 bad.
 */
static int
bsd_O_sort(struct opts *o)
{
	static const char *const shortkeys[][2] = {
		{ "C", "pcpu" }, { "G", "tpgid" }, { "J", "cstime" },
		{ "M", "maj_flt" }, { "N", "cmaj_flt" }, { "P", "ppid" },
		{ "R", "resident" }, { "S", "share" }, { "T", "start_time" },
		{ "U", "uid" }, { "c", "cmd" }, { "f", "flags" }, { "g", "pgrp" },
		{ "j", "cutime" }, { "k", "utime" }, { "m", "min_flt" },
		{ "n", "cmin_flt" }, { "o", "session" }, { "p", "pid" },
		{ "r", "rss" }, { "s", "size" }, { "t", "tty" }, { "u", "user" },
		{ "v", "vsize" }, { "y", "priority" },
	};
	char spec[3 * 64], seen[128] = { 0 };
	const char *p, *arg = o->bsdO;
	size_t i, n = 0;
	char dir = '+';

	if (arg == NULL || o->sort.n > 0 || *arg == '\0' ||
	    strspn(arg, "CGJKMNPRSTUcfgjkmnoprstuvy+-") != strlen(arg))
		return 1;
	for (p = arg; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			if (p[1] == '\0' || p[1] == '+' || p[1] == '-')
				return 1;
			continue;
		}
		if (seen[(unsigned char)*p]++ || (*p == 'P' && o->forest))
			return 1;
	}
	for (p = arg; *p != '\0'; p++) {
		if (*p == '+' || *p == '-') {
			dir = *p;
			continue;
		}
		for (i = 0; i < nitems(shortkeys); i++)
			if (*shortkeys[i][0] == *p)
				break;
		/* K, and a key after the first without its own + or -:
		 * procps 4.0.2 sorts by neither */
		if (i < nitems(shortkeys) && dir != 0)
			n += (size_t)snprintf(spec + n, sizeof(spec) - n,
			    "%c%s,", dir, shortkeys[i][1]);
		dir = 0;
	}
	o->bsdO = NULL;
	if (n == 0 || spec[n - 1] != ',')
		return 0;
	spec[n - 1] = '\0';
	return sort_parse(&o->sort, spec) == -1 ? -1 : 0;
}

static int
finish_pass(struct opts *o, struct parsed *pa, int pidwidth, unsigned *bits)
{
	const struct sel_list *l;
	int quick = 0, others = 0;

	if (o->tf != 0 && o->forest)
		return perr("thread display conflicts with forest display");
	if ((o->tf & TF_L) && (o->tf & TF_T))
		return perr("-L and -T conflict");
	if (bsd_O_sort(o) == -1)
		return -1;
	for (l = o->sel; l != NULL; l = l->next) {
		if (l->type == SEL_QUICK)
			quick++;
		else
			others++;
	}
	if (quick > 0 && (quick > 1 || others > 0 || o->all || o->simple ||
	    o->negate || o->forest || o->sort.n > 0 || pa->bsd_T))
		return perr("-q goes with no other selection, sort or forest");
	if (build_format(o, pa, &o->fmt, pidwidth) == -1)
		return -1;
	o->have_o = pa->nfmt > 0;
	if (select_bits(o, bits) == -1)
		return -1;
	return 0;
}

void
parsed_free(struct parsed *pa)
{
	free(pa->fmtspecs);
	memset(pa, 0, sizeof(*pa));
}


/*
 * Say a usage error: one line and the hint to --help (applets/common.c).
 * An option getopt_long refused is named as the user wrote it, never as
 * its internal code.
 */
static int
report(const char *msg, const char *word, int opt, int isopt)
{
	const struct option *lo;
	char vis[4 * sizeof(errmsg) + 1], *one[2] = { vis, NULL };

	/* the messages quote what the user typed: no control character
	 * reaches the terminal */
	if (!isopt) {
		out_vis(vis, sizeof(vis), msg, strlen(msg));
		return usage_error("%s", vis);
	}
	if (strncmp(word, "--", 2) == 0 && (lo = long_find(word)) != NULL &&
	    lo->val == opt) {
		if (lo->has_arg == no_argument)
			return usage_error("option --%s takes no value",
			    lo->name);
		return usage_error("option --%s needs a value", lo->name);
	}
	out_vis(vis, sizeof(vis), word, strnlen(word, sizeof(errmsg)));
	optind = 1;
	optopt = opt;
	return usage_badopt(one, shortopts, longopts);
}

/*
 * Read the command line into o and pa: 0, or EXIT_USAGE once the error is
 * said.  As procps, a SysV reading that fails is tried again as BSD
 * ("ps -aux"); the first reading's error is the one said.
 */
int
parse_args(struct opts *o, struct parsed *pa, int argc, char **argv,
    int pidwidth, unsigned *selbits)
{
	char first[sizeof(errmsg)];
	const char *word;
	int opt, isopt;

	errmsg[0] = '\0';
	err_isopt = 0;
	if (parse_pass(o, pa, argc, argv, 0) == 0 &&
	    finish_pass(o, pa, pidwidth, selbits) == 0)
		return 0;
	snprintf(first, sizeof(first), "%s", errmsg);
	word = err_word;
	opt = err_opt;
	isopt = err_isopt;
	opts_free(o);
	parsed_free(pa);
	errmsg[0] = '\0';
	err_isopt = 0;
	if (parse_pass(o, pa, argc, argv, 1) == 0 &&
	    finish_pass(o, pa, pidwidth, selbits) == 0)
		return 0;
	if (first[0] != '\0')
		return report(first, word, opt, isopt);
	return report(errmsg, err_word, err_opt, err_isopt);
}
