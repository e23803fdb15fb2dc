/*
 * run -j: a parallel job pool, as xargs -P and GNU parallel run one: a
 * command per input item (stdin lines, -0 items, -a FILE, ::: lists, or
 * --commands lines for /bin/sh -c), N at a time, every job a lib/child
 * on one event loop, so that each gets run's time limit, whole-tree kill
 * and sweep.  Output grouped per job (memory, then a temp file), by line,
 * or passed through; --keep-order, --tag; --halt; GNU parallel's joblog
 * and --resume; a JSON line per job; a progress line.
 */
#include "run.h"

#include <sched.h>

#include "../../lib/proc.h"

#define SPOOL_MEM	(256 * 1024)	/* a job stream's bytes in memory */
#define RBUF		(64 * 1024)
#define LINE_PART	(64 * 1024)	/* longer lines pass in parts */
#define MAX_JOBS	100000

/* A job's output held until it ends: memory, then an unlinked file. */
struct spool {
	char		*mem;
	size_t		 len, cap;
	int		 fd;
	uint64_t	 flen;
};

struct job;

struct jstream {
	struct job	*j;
	int		 no;		/* 1 or 2: where it goes */
	int		 fd;		/* our end, or -1 */
	struct spool	 sp;
	char		*line;		/* --line-buffer: the partial line */
	size_t		 linelen;
};

struct job {
	struct pool	*p;
	size_t		 idx;		/* input index; seq is idx + 1 */
	int		 slot;		/* 1 .. max */
	char		**argv;
	char		*tag;		/* the arguments, tab-separated */
	struct child	 ch;
	struct jstream	 s[2];
	int		 attempts;
	int		 tree_done, started, halted;
	int		 code, spawn_failed;
	double		 t0, start_real;
	uint64_t	 received;
	struct job	*next;		/* the grave */
};

struct pool {
	struct opts	*o;
	struct pool_opts *po;
	struct loop	*loop;
	char		**tmpl;		/* the command's words */
	int		 repl;		/* a replacement string among them */
	char		**envp;
	/* the input: groups of items, combined as a cartesian product */
	char		***grp;
	size_t		*gn, ngrp;
	size_t		 total, next;
	unsigned char	*skip;		/* --resume: done already */
	/* the jobs */
	int		 max, running;
	struct job	**slot;
	struct job	**held;		/* --keep-order: ended, not printed */
	size_t		 print_next;
	struct job	*grave;		/* to free once its callbacks returned */
	size_t		 done, failed, succeeded;
	int		 halting, halt_code, sig, nint;
	int		 out_dead[3], write_failed, self_failed;
	FILE		*joblog, *report;
	int		 progress;
	double		 t0, last_progress;
	char		*rbuf;
};

static void fill(struct pool *p);

/* ---- options ---- */

static int
bad_value(const char *opt, const char *val, const char *hint)
{
	char v[200];

	usage_error("invalid %s: %s%s", opt, run_vis(v, sizeof(v), val),
	    hint);
	return -1;
}

static int
parse_jobs(const char *s, struct pool_opts *p)
{
	char num[32];
	long long n;
	size_t len = strlen(s);

	p->jobs = p->jobs_pct = p->jobs_auto = 0;
	if (strcmp(s, "auto") == 0) {
		p->jobs_auto = 1;
		return 0;
	}
	if (len > 1 && len < sizeof(num) && s[len - 1] == '%') {
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		if (args_int(num, 1, 100000, &n) == -1)
			return -1;
		p->jobs_pct = (int)n;
		return 0;
	}
	if (args_int(s, 1, MAX_JOBS, &n) == -1)
		return -1;
	p->jobs = (int)n;
	return 0;
}

/* now|soon,fail|success=N|N%, never, or parallel's 0 1 2. */
static int
parse_halt(const char *s, struct pool_opts *p)
{
	const char *c, *eq;
	char num[32];
	long long n;
	size_t len;

	p->halt_pct = p->halt_success = 0;
	p->halt_n = 1;
	if (strcmp(s, "never") == 0 || strcmp(s, "0") == 0) {
		p->halt = HALT_NEVER;
		return 0;
	}
	if (strcmp(s, "1") == 0 || strcmp(s, "2") == 0) {
		p->halt = s[0] == '1' ? HALT_SOON : HALT_NOW;
		return 0;
	}
	if ((c = strchr(s, ',')) == NULL || (eq = strchr(c, '=')) == NULL)
		return -1;
	if ((size_t)(c - s) == 3 && strncmp(s, "now", 3) == 0)
		p->halt = HALT_NOW;
	else if ((size_t)(c - s) == 4 && strncmp(s, "soon", 4) == 0)
		p->halt = HALT_SOON;
	else
		return -1;
	c++;
	if ((size_t)(eq - c) == 7 && strncmp(c, "success", 7) == 0)
		p->halt_success = 1;
	else if ((size_t)(eq - c) != 4 || strncmp(c, "fail", 4) != 0)
		return -1;
	eq++;
	len = strlen(eq);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, eq, len + 1);
	if (num[len - 1] == '%') {
		num[len - 1] = '\0';
		p->halt_pct = 1;
	}
	if (args_int(num, p->halt_pct ? 1 : 1, p->halt_pct ? 100 : LLONG_MAX,
	    &n) == -1)
		return -1;
	p->halt_n = n;
	return 0;
}

static int
parse_force(const char *opt, const char *s, int *out)
{
	if (s == NULL)
		*out = 1;
	else if (strcmp(s, "always") == 0)
		*out = 2;
	else
		return bad_value(opt, s, " (always)");
	return 0;
}

int
pool_opt(int ch, const char *arg, struct pool_opts *p)
{
	switch (ch) {
	case 'j':
		if (parse_jobs(arg, p) == -1)
			return bad_value("--jobs", arg, " (N, N% or auto)");
		p->on = 1;
		return 0;
	case O_COMMANDS:
		p->commands = arg;
		p->on = 1;
		return 0;
	case '0':
		p->nul = 1;
		p->set = "--null";
		return 0;
	case 'a':
		p->argfile = arg;
		p->set = "--arg-file";
		return 0;
	case O_GROUP:
		p->out = POOL_GROUP;
		p->set = "--group";
		return 0;
	case O_LINE_BUFFER:
		p->out = POOL_LINE;
		p->set = "--line-buffer";
		return 0;
	case O_UNGROUP:
		p->out = POOL_UNGROUP;
		p->set = "--ungroup";
		return 0;
	case O_KEEP_ORDER:
		p->keep_order = 1;
		p->set = "--keep-order";
		return 0;
	case O_TAG:
		p->tag = 1;
		p->set = "--tag";
		return 0;
	case O_HALT:
		p->set = "--halt";
		if (parse_halt(arg, p) == -1)
			return bad_value("--halt", arg,
			    " (now|soon,fail|success=N|N%)");
		return 0;
	case O_JOBLOG:
		p->joblog = arg;
		p->set = "--joblog";
		return 0;
	case O_RESUME:
	case O_RESUME_FAILED:
		p->resume = ch == O_RESUME ? 1 : 2;
		p->set = ch == O_RESUME ? "--resume" : "--resume-failed";
		return 0;
	case O_BAR:
		p->set = "--bar";
		return parse_force("--bar", arg, &p->bar);
	case O_ETA:
		p->set = "--eta";
		return parse_force("--eta", arg, &p->eta);
	}
	return -1;
}

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
static int
read_input(struct pool *p, int argc, char *argv[])
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

static int
count_jobs(struct pool *p)
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

static int
has_repl(char **words)
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

struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
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
		sb_add(b, ".", 1);
		return;
	}
	while (n > 1 && s[n - 1] == '/')
		n--;
	sb_add(b, s, n);
}

static void
sb_item(struct sbuf *b, int kind, const char *s)
{
	const char *base = strrchr(s, '/');

	base = base != NULL ? base + 1 : s;
	switch (kind) {
	case R_ALL:
		sb_add(b, s, strlen(s));
		break;
	case R_NOEXT:
		sb_add(b, s, noext_len(s, strlen(s)));
		break;
	case R_BASE:
		sb_add(b, base, strlen(base));
		break;
	case R_DIR:
		sb_dirname(b, s);
		break;
	case R_BASENOEXT:
		sb_add(b, base, noext_len(base, strlen(base)));
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

	sb_add(&b, "", 0);
	while (*w != '\0') {
		if ((kind = repl_at(w, &len, &pos)) == 0) {
			sb_add(&b, w++, 1);
			continue;
		}
		w += len;
		if (kind == R_SEQ || kind == R_SLOT) {
			snprintf(num, sizeof(num), "%zu", kind == R_SEQ ?
			    j->idx + 1 : (size_t)j->slot);
			sb_add(&b, num, strlen(num));
		} else if (kind == R_POS) {
			if ((size_t)pos <= nit)
				sb_add(&b, it[pos - 1], strlen(it[pos - 1]));
		} else
			for (i = 0; i < nit; i++) {
				if (i > 0)
					sb_add(&b, " ", 1);
				sb_item(&b, kind, it[i]);
			}
	}
	return b.s;
}

static void
job_argv(struct pool *p, struct job *j)
{
	const char *it[64], **items = it;
	struct sbuf t = { NULL, 0, 0 };
	size_t n = 0, i, k;

	if (p->ngrp > nitems(it))
		items = xcalloc(p->ngrp, sizeof(char *));
	job_items(p, j->idx, items);
	for (i = 0; i < p->ngrp; i++) {
		if (i > 0)
			sb_add(&t, "\t", 1);
		sb_add(&t, items[i], strlen(items[i]));
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

/* ---- output ---- */

/* Write to our stdout (1) or stderr (2); EPIPE ends that output quietly,
 * another error once with a message. */
static void
put(struct pool *p, int no, const char *s, size_t n)
{
	if (n == 0 || p->out_dead[no])
		return;
	if (fs_write_all(no, s, n) == 0)
		return;
	p->out_dead[no] = 1;
	if (errno == EPIPE)
		return;		/* nobody reads: fill() starts nothing more */
	warn("cannot write to %s", no == 1 ? "standard output" :
	    "standard error");
	p->write_failed = 1;
}

/* Bytes to output no, each line started with the tag when tagging; *bol
 * says whether the next byte starts a line. */
static void
put_tagged(struct pool *p, struct job *j, int no, const char *s, size_t n,
    int *bol)
{
	const char *nl;
	size_t k;

	if (!p->po->tag) {
		put(p, no, s, n);
		return;
	}
	while (n > 0) {
		if (*bol) {
			put(p, no, j->tag, strlen(j->tag));
			put(p, no, "\t", 1);
		}
		nl = memchr(s, '\n', n);
		k = nl != NULL ? (size_t)(nl - s) + 1 : n;
		put(p, no, s, k);
		*bol = nl != NULL;
		s += k;
		n -= k;
	}
}

static int
spool_put(struct spool *sp, const char *s, size_t n)
{
	if (sp->fd == -1 && sp->len + n <= SPOOL_MEM) {
		xgrow(&sp->mem, &sp->cap, sp->len + n, 1);
		memcpy(sp->mem + sp->len, s, n);
		sp->len += n;
		return 0;
	}
	if (sp->fd == -1 && (sp->fd = fs_tmpfile(NULL)) == -1)
		return -1;
	if (fs_write_all(sp->fd, s, n) == -1)
		return -1;
	sp->flen += n;
	return 0;
}

static void
spool_free(struct spool *sp)
{
	free(sp->mem);
	if (sp->fd != -1)
		close(sp->fd);
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
}

static void
spool_print(struct pool *p, struct job *j, struct spool *sp, int no)
{
	ssize_t n;
	int bol = 1;

	put_tagged(p, j, no, sp->mem, sp->len, &bol);
	if (sp->fd == -1)
		return;
	if (lseek(sp->fd, 0, SEEK_SET) == -1)
		goto fail;
	while ((n = read(sp->fd, p->rbuf, RBUF)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		put_tagged(p, j, no, p->rbuf, (size_t)n, &bol);
	}
	return;
fail:
	warn("cannot read a job's output back");
	p->self_failed = 1;
}

/* --line-buffer: the whole lines of what came, the rest held (passed in
 * parts past LINE_PART). */
static void
pass_lines(struct pool *p, struct jstream *s, const char *b, size_t n)
{
	const char *nl;
	size_t k;
	int bol;

	while (n > 0) {
		bol = 1;
		if ((nl = memchr(b, '\n', n)) == NULL) {
			if (s->linelen + n <= LINE_PART) {
				if (s->line == NULL)
					s->line = xmalloc(LINE_PART);
				memcpy(s->line + s->linelen, b, n);
				s->linelen += n;
				return;
			}
			k = n;
		} else
			k = (size_t)(nl - b) + 1;
		put_tagged(p, s->j, s->no, s->line, s->linelen, &bol);
		put_tagged(p, s->j, s->no, b, k, &bol);
		s->linelen = 0;
		b += k;
		n -= k;
	}
}

static void
pass_rest(struct pool *p, struct jstream *s)
{
	int bol = 1;

	put_tagged(p, s->j, s->no, s->line, s->linelen, &bol);
	s->linelen = 0;
}

/* ---- records: joblog, report, progress ---- */

/* A word as a shell would need it quoted (the joblog's Command). */
static void
sb_quoted(struct sbuf *b, const char *w)
{
	const char *c;

	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%^") == strlen(w)) {
		sb_add(b, w, strlen(w));
		return;
	}
	sb_add(b, "'", 1);
	for (c = w; *c != '\0'; c++)
		if (*c == '\'')
			sb_add(b, "'\\''", 4);
		else if (*c == '\n' || *c == '\t')
			sb_add(b, " ", 1);	/* one TSV line */
		else
			sb_add(b, c, 1);
	sb_add(b, "'", 1);
}

static int
job_signal(const struct job *j)
{
	if (j->spawn_failed || !j->started)
		return 0;
	if (j->ch.timed_out && !WIFSIGNALED(j->ch.status))
		return j->ch.sig;
	return WIFSIGNALED(j->ch.status) ? WTERMSIG(j->ch.status) : 0;
}

static int
job_exitval(const struct job *j)
{
	if (j->spawn_failed || !j->started)
		return j->code;
	if (WIFEXITED(j->ch.status))
		return WEXITSTATUS(j->ch.status);
	return -1;
}

static double
real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
write_joblog(struct pool *p, struct job *j, double wall)
{
	struct sbuf b = { NULL, 0, 0 };
	char **av;

	for (av = j->argv; *av != NULL; av++) {
		if (av != j->argv)
			sb_add(&b, " ", 1);
		sb_quoted(&b, *av);
	}
	if (fprintf(p->joblog, "%zu\t:\t%.3f\t%10.3f\t0\t%llu\t%d\t%d\t%s\n",
	    j->idx + 1, j->start_real, wall,
	    (unsigned long long)j->received, job_exitval(j), job_signal(j),
	    b.s != NULL ? b.s : "") < 0 || fflush(p->joblog) == EOF) {
		warn("cannot write the job log");
		p->self_failed = 1;
	}
	free(b.s);
}

static double
tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
write_report(struct pool *p, struct job *j, double wall)
{
	const struct rusage *ru = &j->ch.ru;
	struct json js;
	int sig = job_signal(j);

	json_init(&js, p->report, 0);
	json_obj(&js, NULL);
	json_u64(&js, "seq", j->idx + 1);
	json_str(&js, "argument", j->tag);
	json_i64(&js, "exit_code", j->code);
	if (sig != 0)
		json_i64(&js, "signal", sig);
	else
		json_null(&js, "signal");
	json_bool(&js, "timed_out", j->started && j->ch.timed_out);
	json_i64(&js, "attempts", j->attempts);
	json_f64(&js, "start", j->start_real);
	json_f64(&js, "wall_seconds", wall);
	json_f64(&js, "cpu_seconds", tv_secs(ru->ru_utime) +
	    tv_secs(ru->ru_stime));
	json_u64(&js, "max_rss", (uint64_t)ru->ru_maxrss * 1024);
	json_end(&js);
	if (fflush(p->report) == EOF || ferror(p->report)) {
		warn("cannot write the report");
		p->self_failed = 1;
	}
}

static void
progress(struct pool *p, int last)
{
	char line[200], eta[32];
	size_t todo = p->total, left;
	double now = loop_now(), el = now - p->t0, rate;
	int pct, n;

	if (!p->progress || (!last && now - p->last_progress < 0.1))
		return;
	p->last_progress = now;
	rate = el > 0 ? (double)p->done / el : 0;
	left = todo > p->done ? todo - p->done : 0;
	pct = todo > 0 ? (int)(p->done * 100 / todo) : 100;
	if (rate > 0)
		out_duration(eta, sizeof(eta), (double)left / rate);
	else
		snprintf(eta, sizeof(eta), "?");
	if (p->po->bar) {
		char bar[21];
		int i, w = pct / 5;

		for (i = 0; i < 20; i++)
			bar[i] = i < w ? '#' : '.';
		bar[20] = '\0';
		n = snprintf(line, sizeof(line),
		    "\r[%s] %3d%% %zu/%zu jobs, %.1f/s, ETA %s\033[K%s", bar,
		    pct, p->done, todo, rate, eta, last ? "\n" : "");
	} else
		n = snprintf(line, sizeof(line),
		    "\rETA: %s left: %zu done: %zu avg: %.3fs\033[K%s", eta,
		    left, p->done, p->done > 0 ? el / (double)p->done : 0,
		    last ? "\n" : "");
	if (n > 0)
		put(p, 2, line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
}

/* ---- the jobs ---- */

static void
job_free(struct job *j)
{
	char **av;
	int i;

	for (i = 0; i < 2; i++) {
		spool_free(&j->s[i].sp);
		free(j->s[i].line);
	}
	for (av = j->argv; av != NULL && *av != NULL; av++)
		free(*av);
	free(j->argv);
	free(j->tag);
	free(j);
}

static void
job_print(struct pool *p, struct job *j)
{
	int i;

	for (i = 0; i < 2; i++)
		spool_print(p, j, &j->s[i].sp, j->s[i].no);
	for (i = 0; i < 2; i++)
		spool_free(&j->s[i].sp);
}

/* --keep-order: print what is next in order and has ended. */
static void
print_held(struct pool *p, int all)
{
	struct job *j;

	while (p->print_next < p->total) {
		if ((j = p->held[p->print_next]) != NULL) {
			job_print(p, j);
			p->held[p->print_next] = NULL;
			j->next = p->grave;
			p->grave = j;
		} else if (!all && (p->skip == NULL ||
		    !p->skip[p->print_next]))
			return;
		p->print_next++;
	}
}

static int
is_failure(const struct job *j)
{
	return j->code != 0;
}

static void
halt_now(struct pool *p)
{
	int i;

	for (i = 0; i < p->max; i++)
		if (p->slot[i] != NULL && p->slot[i]->started &&
		    child_running(&p->slot[i]->ch)) {
			p->slot[i]->halted = 1;
			child_stop(&p->slot[i]->ch);
		}
}

static void
check_halt(struct pool *p, struct job *j)
{
	const struct pool_opts *po = p->po;
	size_t n = po->halt_success ? p->succeeded : p->failed;
	int hit;

	if (po->halt == HALT_NEVER || p->halting || j->halted)
		return;
	if (po->halt_success == is_failure(j))
		return;
	if (po->halt_pct)
		hit = p->done >= 3 && n * 100 >= (size_t)po->halt_n * p->done;
	else
		hit = n >= (size_t)po->halt_n;
	if (!hit)
		return;
	p->halting = po->halt;
	if (po->halt_success)
		p->halt_code = 0;
	else if (j->started && j->ch.timed_out)
		p->halt_code = EXIT_TIMEOUT;
	else
		p->halt_code = -1;	/* the count of failures */
	if (po->halt == HALT_NOW)
		halt_now(p);
}

/* The job has ended for good: count, record, print, free its slot. */
static void
job_complete(struct pool *p, struct job *j)
{
	double wall = j->started ? loop_now() - j->t0 : 0;

	p->slot[j->slot - 1] = NULL;
	p->running--;
	if (!j->halted) {
		p->done++;
		if (is_failure(j))
			p->failed++;
		else
			p->succeeded++;
	}
	if (p->joblog != NULL)
		write_joblog(p, j, wall);
	if (p->report != NULL)
		write_report(p, j, wall);
	check_halt(p, j);
	if (p->po->keep_order && p->po->out != POOL_UNGROUP) {
		p->held[j->idx] = j;
		print_held(p, 0);
	} else {
		job_print(p, j);
		j->next = p->grave;
		p->grave = j;
	}
	progress(p, 0);
}

static int start(struct pool *p, struct job *j);

static int
want_retry(struct pool *p, struct job *j)
{
	const struct opts *o = p->o;

	if (j->attempts > o->retries || p->halting || p->sig || j->halted ||
	    j->code == 0)
		return 0;
	if (!o->has_retry_on)
		return !j->spawn_failed;
	if (j->started && j->ch.timed_out)
		return o->retry_on.timeout;
	if (j->started && WIFSIGNALED(j->ch.status) && o->retry_on.signal)
		return 1;
	return args_codes_has(&o->retry_on, j->code);
}

static void
stream_close(struct jstream *s)
{
	struct pool *p = s->j->p;

	if (s->fd == -1)
		return;
	loop_fd_del(p->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	if (p->po->out == POOL_LINE && s->linelen > 0)
		pass_rest(p, s);
}

static void
maybe_done(struct pool *p, struct job *j)
{
	int i;

	if (!j->tree_done || j->s[0].fd != -1 || j->s[1].fd != -1)
		return;
	if (want_retry(p, j)) {
		for (i = 0; i < 2; i++)
			spool_free(&j->s[i].sp);
		j->received = 0;
		if (start(p, j) == 0)
			return;
	}
	job_complete(p, j);
	fill(p);
}

static ssize_t
stream_read(struct pool *p, struct jstream *s)
{
	ssize_t n;

	do
		n = read(s->fd, p->rbuf, RBUF);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n;
	s->j->received += (uint64_t)n;
	if (p->po->out == POOL_LINE && !p->po->keep_order)
		pass_lines(p, s, p->rbuf, (size_t)n);
	else if (spool_put(&s->sp, p->rbuf, (size_t)n) == -1) {
		warn("cannot hold a job's output");
		p->self_failed = 1;
	}
	return n;
}

static void
on_stream(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct jstream *s = arg;
	ssize_t n;

	n = stream_read(s->j->p, s);
	if (n == 0 || (n == -1 && errno != EAGAIN)) {
		stream_close(s);
		maybe_done(s->j->p, s->j);
	}
}

/* The tree is gone: what the pipes still hold, then close them (a
 * --keep-orphans leftover may hold them open). */
static void
streams_drain(struct pool *p, struct job *j)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (j->s[i].fd == -1)
			continue;
		while (stream_read(p, &j->s[i]) > 0)
			;
		stream_close(&j->s[i]);
	}
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct job *j = arg;
	struct pool *p = j->p;

	if (ev != CHILD_DONE)
		return;
	if (c->sweep_errno != 0) {
		errno = c->sweep_errno;
		warn("cannot list the processes left");
	}
	if (c->stuck > 0)
		warnx("%zu processes did not exit after SIGKILL", c->stuck);
	j->tree_done = 1;
	j->code = child_code(c);
	child_release(c);
	streams_drain(p, j);
	maybe_done(p, j);
}

static void
start_failed(struct pool *p, struct job *j)
{
	const struct spawn_err *se = &j->ch.se;
	char v[200];
	int e = errno;

	j->spawn_failed = 1;
	j->code = se->step == SPAWN_STEP_EXEC ? spawn_exec_status(e) :
	    EXIT_SELF;
	if (se->step == SPAWN_STEP_EXEC)
		warnx("%s: %s", run_vis(v, sizeof(v), j->argv[0]),
		    strerror(e));
	else if (se->step == SPAWN_STEP_CWD)
		warnx("cannot change directory to %s: %s",
		    run_vis(v, sizeof(v), p->o->cwd), strerror(e));
	else
		warnx("cannot %s: %s", spawn_step_name(se->step),
		    strerror(e));
}

/* Start (or restart) job j in its slot: 0, or -1 when it could not start
 * (j->code says why). */
static int
start(struct pool *p, struct job *j)
{
	const struct opts *o = p->o;
	struct spawn_fd fds[4];
	struct spawn sp;
	int pipes = p->po->out != POOL_UNGROUP;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	size_t nfds = 0, i;

	memset(fds, 0, sizeof(fds));
	fds[nfds].op = SPAWN_OPEN;
	fds[nfds].fd = 0;
	fds[nfds].path = o->stdin_file != NULL ? o->stdin_file : "/dev/null";
	fds[nfds++].oflags = O_RDONLY;
	if (pipes && (pipe2(po, O_CLOEXEC) == -1 ||
	    (!o->merge && pipe2(pe, O_CLOEXEC) == -1))) {
		warn("cannot make a pipe");
		goto fail;
	}
	if (pipes) {
		fds[nfds].op = SPAWN_DUP2;
		fds[nfds].fd = 1;
		fds[nfds++].src = po[1];
	}
	if (o->merge || pipes) {
		fds[nfds].op = SPAWN_DUP2;
		fds[nfds].fd = 2;
		fds[nfds++].src = o->merge ? 1 : pe[1];
	}

	memset(&sp, 0, sizeof(sp));
	sp.argv = j->argv;
	sp.envp = p->envp;
	sp.cwd = o->cwd;
	sp.umask = o->umask;
	sp.nice = o->nice;
	sp.flags = (o->new_session ? SPAWN_SESSION : 0) |
	    (o->has_nice ? SPAWN_NICE : 0);
	sp.fds = fds;
	sp.nfds = nfds;
	sp.rlimits = o->rl;
	sp.nrlimits = o->nrl;
	sp.keep = o->pass;
	sp.nkeep = o->npass;

	child_init(&j->ch);
	j->ch.timeout = o->timeout;
	j->ch.sig = o->sig;
	j->ch.kill_after = o->kill_after;
	j->ch.flags = (o->keep_orphans ? CHILD_KEEP_ORPHANS : 0) |
	    (o->preserve ? CHILD_PRESERVE : 0);
	j->ch.fn = on_child;
	j->ch.arg = j;
	j->attempts++;
	j->tree_done = j->started = j->spawn_failed = 0;
	j->t0 = loop_now();
	j->start_real = real_now();
	if (child_start(&j->ch, p->loop, &sp) == -1) {
		start_failed(p, j);
		child_release(&j->ch);
		goto out;
	}
	j->started = 1;
	j->s[0].fd = po[0];
	j->s[1].fd = pe[0];
	po[0] = pe[0] = -1;
	for (i = 0; i < 2; i++)
		if (j->s[i].fd != -1) {
			io_nonblock(j->s[i].fd);
			loop_fd(p->loop, j->s[i].fd, EPOLLIN, on_stream,
			    &j->s[i]);
		}
out:
	for (i = 0; i < 2; i++) {
		if (po[i] != -1)
			close(po[i]);
		if (pe[i] != -1)
			close(pe[i]);
	}
	return j->started ? 0 : -1;
fail:
	j->code = EXIT_SELF;
	j->spawn_failed = 1;
	p->self_failed = 1;
	goto out;
}

static void
start_job(struct pool *p, size_t idx)
{
	struct job *j;
	int i;

	j = xcalloc(1, sizeof(*j));
	j->p = p;
	j->idx = idx;
	for (i = 0; i < p->max && p->slot[i] != NULL; i++)
		;
	j->slot = i + 1;
	p->slot[i] = j;
	p->running++;
	for (i = 0; i < 2; i++) {
		j->s[i].j = j;
		j->s[i].no = i + 1;
		j->s[i].fd = -1;
		j->s[i].sp.fd = -1;
	}
	if (p->o->merge)
		j->s[1].no = 1;
	job_argv(p, j);
	if (start(p, j) == -1)
		job_complete(p, j);
}

static void
fill(struct pool *p)
{
	while (p->running < p->max && !p->halting && !p->sig &&
	    !p->self_failed && !p->out_dead[1] && p->next < p->total) {
		if (p->skip != NULL && p->skip[p->next]) {
			p->next++;
			continue;
		}
		start_job(p, p->next++);
	}
}

/* ---- setting up ---- */

/* CPUs we may use: the affinity mask, or for a foreign /proc its
 * self/status Cpus_allowed_list (so a fixture answers for itself). */
static int
usable_cpus(void)
{
	char *buf, *q;
	size_t len;
	int n = -1;
	cpu_set_t set;

	if (getenv("SYSKIT_PROC") != NULL &&
	    (buf = proc_slurp(proc_root(), "self/status", &len)) != NULL) {
		if ((q = strstr(buf, "\nCpus_allowed_list:")) != NULL) {
			q += strlen("\nCpus_allowed_list:");
			q += strspn(q, " \t");
			q[strcspn(q, "\n")] = '\0';
			n = proc_cpulist_count(q);
		}
		free(buf);
	}
	if (n <= 0 && sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

static int
slots(const struct pool_opts *po)
{
	struct cgroup_info ci;
	long n;
	int eff;

	if (po->jobs > 0)
		return po->jobs;
	memset(&ci, 0, sizeof(ci));
	if (cgroup_read_mask(&ci, CG_CPU) == -1)
		ci.has_cpu = 0;
	eff = cgroup_effective_cpus(ci.has_cpu ? ci.cpu_limit : 0,
	    usable_cpus());
	if (po->jobs_pct == 0)
		return eff;
	n = (long)eff * po->jobs_pct / 100;
	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/* --resume(-failed): the seqs the job log has as done (or succeeded). */
static int
read_joblog(struct pool *p, const char *path, int *has_header)
{
	unsigned long long seq;
	size_t cap = 0;
	char *line = NULL, *f[9], *q;
	int exitval, sig, k;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (getline(&line, &cap, fp) != -1) {
		*has_header = 1;
		for (k = 0, q = line; k < 9 && q != NULL; k++) {
			f[k] = q;
			if ((q = strchr(q, '\t')) != NULL)
				*q++ = '\0';
		}
		if (k < 8 || sscanf(f[0], "%llu", &seq) != 1 || seq == 0 ||
		    seq > p->total)
			continue;
		exitval = atoi(f[6]);
		sig = atoi(f[7]);
		if (p->po->resume == 1 || (exitval == 0 && sig == 0))
			p->skip[seq - 1] = 1;
	}
	free(line);
	fclose(fp);
	return 0;
}

static int
open_records(struct pool *p)
{
	const struct pool_opts *po = p->po;
	char v[200];
	int header = 0, fd;

	if (po->joblog != NULL) {
		if (po->resume) {
			p->skip = xcalloc(p->total + 1, 1);
			if (read_joblog(p, po->joblog, &header) == -1) {
				warn("cannot read %s",
				    run_vis(v, sizeof(v), po->joblog));
				return -1;
			}
		}
		fd = open(po->joblog, O_WRONLY | O_CREAT | O_CLOEXEC |
		    (po->resume ? O_APPEND : O_TRUNC), 0666);
		if (fd == -1 || (p->joblog = fdopen(fd, "a")) == NULL) {
			warn("cannot open %s", run_vis(v, sizeof(v),
			    po->joblog));
			if (fd != -1)
				close(fd);
			return -1;
		}
		if (!header && fputs("Seq\tHost\tStarttime\tJobRuntime\tSend"
		    "\tReceive\tExitval\tSignal\tCommand\n", p->joblog) == EOF)
			return -1;
	}
	if (p->o->report != NULL) {
		if (strcmp(p->o->report, "-") == 0)
			p->report = stderr;
		else if ((fd = open(p->o->report, O_WRONLY | O_CREAT |
		    O_TRUNC | O_CLOEXEC, 0666)) == -1 ||
		    (p->report = fdopen(fd, "w")) == NULL) {
			warn("cannot open %s", run_vis(v, sizeof(v),
			    p->o->report));
			if (fd != -1)
				close(fd);
			return -1;
		}
	}
	return 0;
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct pool *p = arg;
	int sig = (int)si->ssi_signo, i, hard;

	if (p->sig == 0)
		p->sig = sig;
	hard = (sig == SIGINT || sig == SIGTERM) && ++p->nint >= 2;
	for (i = 0; i < p->max; i++)
		if (p->slot[i] != NULL && p->slot[i]->started &&
		    !p->slot[i]->tree_done) {
			if (hard)
				child_kill(&p->slot[i]->ch);
			else
				child_signal(&p->slot[i]->ch, sig);
		}
}

/* Options of run that make no sense for many jobs at once. */
static int
check_opts(const struct opts *o, const struct pool_opts *po)
{
	const char *x = o->input != NULL ? "--input" :
	    o->stdout_file != NULL ? "--stdout" :
	    o->stderr_file != NULL ? "--stderr" :
	    o->tee_file != NULL ? "--tee" : o->capture ? "--capture" :
	    o->prefix ? "--prefix" : o->ts != TS_NONE ? "--timestamps" :
	    o->foreground ? "--foreground" : NULL;

	if (x != NULL)
		return usage_error("%s does not go with -j", x);
	if (po->resume && po->joblog == NULL)
		return usage_error("--resume needs --joblog");
	if (po->argfile != NULL && po->commands != NULL)
		return usage_error("--arg-file and --commands do not go "
		    "together");
	return 0;
}

static int
exit_code(struct pool *p)
{
	int code;

	if (p->sig != 0)
		return 128 + p->sig;
	if (p->halting && p->halt_code >= 0)
		code = p->halt_code;
	else
		code = p->failed > 101 ? 101 : (int)p->failed;
	if (code == 0 && p->self_failed)
		code = EXIT_SELF;
	if (code == 0 && p->write_failed)
		code = EXIT_NO;
	return code;
}

static void
free_grave(struct pool *p)
{
	struct job *j;

	while ((j = p->grave) != NULL) {
		p->grave = j->next;
		job_free(j);
	}
}

static void
cleanup(struct pool *p)
{
	size_t g, i;

	free_grave(p);
	for (g = 0; g < p->ngrp; g++) {
		for (i = 0; i < p->gn[g]; i++)
			free(p->grp[g][i]);
		free(p->grp[g]);
	}
	free(p->grp);
	free(p->gn);
	free(p->tmpl);
	free(p->envp);
	free(p->slot);
	free(p->held);
	free(p->skip);
	free(p->rbuf);
	if (p->joblog != NULL)
		fclose(p->joblog);
	if (p->report != NULL && p->report != stderr)
		fclose(p->report);
	loop_free(p->loop);
}

static int
pool_setup(struct pool *p, int argc, char *argv[])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	if (read_input(p, argc, argv) == -1 || count_jobs(p) == -1 ||
	    open_records(p) == -1)
		return -1;
	p->repl = p->tmpl != NULL && has_repl(p->tmpl);
	p->max = slots(p->po);
	p->slot = xcalloc((size_t)p->max, sizeof(*p->slot));
	if (p->po->keep_order)
		p->held = xcalloc(p->total + 1, sizeof(*p->held));
	p->rbuf = xmalloc(RBUF);
	if (p->o->nenv > 0 || p->o->clear_env)
		p->envp = run_build_env(p->o);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap for us */
	reap_subreaper();
	if (getenv("SYSKIT_NO_PIDFD") != NULL)
		reap_pidfd_use(0);
	if ((p->loop = loop_new()) == NULL) {
		warn("event loop");
		return -1;
	}
	for (i = 0; i < nitems(sigs); i++)
		if (loop_signal(p->loop, sigs[i], on_signal, p) == -1) {
			warn("signalfd");
			return -1;
		}
	p->progress = (p->po->bar || p->po->eta) &&
	    (p->po->bar == 2 || p->po->eta == 2 || isatty(2));
	return 0;
}

int
pool_main(struct opts *o, int argc, char *argv[])
{
	struct pool p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.po = &o->pool;
	if (p.po->out == POOL_UNGROUP && p.po->tag)
		p.po->out = POOL_LINE;
	if (check_opts(o, p.po) != 0)
		return EXIT_USAGE;
	p.t0 = loop_now();
	if (pool_setup(&p, argc, argv) == -1) {
		cleanup(&p);
		return EXIT_SELF;
	}
	fill(&p);
	while (p.running > 0) {
		if (loop_once(p.loop, -1) == -1 && errno != EINTR) {
			warn("event loop");
			p.self_failed = 1;
			break;
		}
		free_grave(&p);
	}
	if (p.held != NULL)
		print_held(&p, 1);
	progress(&p, 1);
	rc = exit_code(&p);
	cleanup(&p);
	return rc;
}
