/*
 * ps: processes, as procps-ng ps lists them (its options, keys, column
 * widths and layout), and as psutil gives them to a Python program
 * (--json).  It reads only the /proc files the requested keys need and
 * streams rows without allocating per process unless a sort or a forest
 * needs them all.  The files of this directory are named in ps.h.
 */
#include "ps.h"

#include <sys/resource.h>

#include <fcntl.h>

static const char usage[] =
    "usage: ps [options]\n"
    "\n"
    "Selection (lists take commas or blanks; several selections add up):\n"
    "  -A, -e                all processes\n"
    "  -a                    all with a terminal, but session leaders\n"
    "  -d                    all but session leaders\n"
    "  -N, --deselect        the processes not selected\n"
    "  a, x                  BSD: with a terminal (a), without one (x): ps ax\n"
    "  r, T                  BSD: running only; those of this terminal\n"
    "  -C NAME               by command name\n"
    "  -G, --Group GROUP     by real group          -g, --group GROUP  by session or effective group\n"
    "  -p, --pid PID         by process id          --ppid PID         by parent id\n"
    "  -q, --quick-pid PID   those ids, read directly, in that order\n"
    "  -s, --sid SID         by session             -t, --tty TTY      by terminal\n"
    "  -U, --User USER       by real user           -u, --user USER    by effective user\n"
    "  --match REGEX         whose command line matches the extended REGEX\n"
    "                        (all processes when nothing else selects)\n"
    "With no selection: the processes of this user on this terminal.\n"
    "\n"
    "Output:\n"
    "  -f, -F, -l, -j        full, extra full, long, jobs formats\n"
    "  -y                    with -l: RSS instead of ADDR, no F\n"
    "  -c                    scheduling class and priority (CLS PRI)\n"
    "  -P                    the processor (PSR)\n"
    "  -M, -Z, Z             the security label first\n"
    "  --context             PID, security label, command line\n"
    "  u, j, l, s, v, X      BSD user, jobs, long, signal, memory, register\n"
    "                        formats\n"
    "  -o, --format KEYS     these keys (KEY=HEADER, KEY:WIDTH); ps L lists them\n"
    "  -O KEYS               the default keys with these after PID\n"
    "  --sort [+-]KEY,...    order rows by these keys\n"
    "  -H, --forest          show the process tree\n"
    "  -L, -T                show threads (LWP, SPID columns)\n"
    "  -m, m                 show threads after their process\n"
    "  -w, -ww               wider (132), unlimited output on a terminal\n"
    "  --cols N              the output width\n"
    "  --no-headers          no header line\n"
    "  --headers             the header again every screenful\n"
    "  --lines N             the screen height, for --headers\n"
    "  --cumulative, S       CPU times with the dead children's\n"
    "  -D, --date-format F   strftime format for lstart\n"
    "  --sample DURATION     read the counters twice, DURATION apart: %CPU\n"
    "                        and C show the interval's use, as top does\n"
    "  --json                a JSON array, with psutil's field names\n"
    "  -V, --version         show the version\n"
    "  --help                show this help\n";

/* Whether a column or a sort key is a time since the process started. */
static int
uses_uptime(struct ctx *c)
{
	int i;

	if (c->o->json)
		return 1;
	for (i = 0; i < c->fmt.n; i++)
		if (c->fmt.c[i].k->v->flags & KV_UPTIME)
			return 1;
	for (i = 0; i < c->o->sort.n; i++)
		if (c->o->sort.k[i].k->v->flags & KV_UPTIME)
			return 1;
	return 0;
}

/* psutil's fields: --json without -o */
static int
psutil_json(const struct opts *o)
{
	return o->json && !o->have_o && o->O == NULL && o->bsdO == NULL;
}

/* The files the columns, the sort keys and the output need. */
static unsigned
needs(struct ctx *c)
{
	struct opts *o = c->o;
	unsigned need = 0;
	int i;

	for (i = 0; i < c->fmt.n; i++) {
		const struct kval *kv = c->fmt.c[i].k->v;

		need |= kv->need;
		if ((kv->flags & KV_COMM) && o->unix_f)
			need |= F_CMDLINE;
		if ((kv->flags & KV_ARGS) && o->bsd_c)
			need &= ~(unsigned)F_CMDLINE;
		if ((kv->flags & KV_ARGS) && o->bsd_e)
			need |= F_ENVIRON;
	}
	for (i = 0; i < o->sort.n; i++)
		need |= o->sort.k[i].k->v->need;
	if (psutil_json(o))
		need |= F_STATUS | F_STATM | F_CMDLINE | F_EXE | F_FDS;
	if (o->json)
		for (i = 0; i < c->fmt.n; i++)
			if (c->fmt.c[i].k->v->flags & KV_ARGS)
				need |= F_CMDLINE;
	/* status's VmRSS is statm's exact count: one file less for ps aux */
	if ((need & F_STATUS) && !psutil_json(o))
		need &= ~(unsigned)F_STATM;
	return need;
}

/* T: our terminal, a list of one. */
static void
select_my_tty(struct ctx *c)
{
	struct sel_list *t = xcalloc(1, sizeof(*t));

	t->type = SEL_TTY;
	t->n = 1;
	t->v = xreallocarray(NULL, 1, sizeof(*t->v));
	t->v[0] = c->mytty == 0 ? 0 :
	    devkey(tty_major(c->mytty), tty_minor(c->mytty));
	t->next = c->o->sel;
	c->o->sel = t;
}

/* --sample: the first look, then the interval. */
static void
first_look(struct ctx *c)
{
	struct timespec t0, t1, d;
	double secs = c->o->sample;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	scan(c, NULL, 1);
	qsort(c->samp, (size_t)c->nsamp, sizeof(*c->samp), cmp_sample);
	d.tv_sec = (time_t)secs;
	d.tv_nsec = (long)((secs - (double)d.tv_sec) * 1e9);
	while (nanosleep(&d, &d) != 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	c->samp_secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	uptime(c);
	c->have_uptime = 0;	/* elapsed times as of the second look */
}

/* What the options say beyond themselves: 0, or an exit code. */
static int
early(struct opts *o, struct parsed *pa)
{
	char eb[128], vis[4 * 200 + 1];
	int e;

	if (pa->help) {
		fputs(usage, stdout);
		return 0;
	}
	if (pa->version) {
		printf("syskit %s\n", SYSKIT_VERSION);
		return 0;
	}
	if (o->list_keys) {
		key_list();
		return 0;
	}
	if (pa->match != NULL) {
		if ((e = regcomp(&o->match, pa->match,
		    REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(e, &o->match, eb, sizeof(eb));
			out_vis(vis, sizeof(vis), pa->match,
			    strnlen(pa->match, 200));
			return usage_error("invalid --match: %s (%s)", vis, eb);
		}
		o->have_match = 1;
	}
	return -1;
}

/* Descriptors that may still be opened above fd (the lowest free one
 * when it was opened). */
static long
fds_spare(int fd)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return LONG_MAX;
	return rl.rlim_cur > (rlim_t)fd ? (long)(rl.rlim_cur - (rlim_t)fd) - 1 :
	    0;
}

/* The machine and the selection, once the options are read. */
static void
setup(struct ctx *c, struct parsed *pa)
{
	struct opts *o = c->o;
	const struct sel_list *l;
	struct rlimit rl;

	c->fmt = o->fmt;
	c->hz = proc_clk_tck();
	c->pagesize = sysconf(_SC_PAGESIZE);
	if (c->pagesize < 1024)
		c->pagesize = 4096;
	c->euid = geteuid();
	c->mytty = my_tty(c);
	c->tty_nr_cached = 0;
	c->now = time(NULL);
	localtime_r(&c->now, &c->nowtm);
	/* the files read are closed a batch at a time (lib/fs), where the
	 * descriptor limit leaves room for a batch */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 256)
		c->fdb.max = FS_BATCH;
	if (pa->bsd_T)
		select_my_tty(c);
	/* a selection of pid lists alone: skip other pids unread */
	c->pid_only = o->sel != NULL && !o->all && o->simple == 0 && !o->negate;
	for (l = o->sel; l != NULL; l = l->next)
		if (l->type != SEL_PID)
			c->pid_only = 0;
	/* --match alone selects among all processes, as pgrep -f */
	if (o->have_match && o->sel == NULL && o->simple == 0 && !o->bsd)
		o->all = 1;
	c->need = needs(c);
	/* one file beside stat is read by path; more through the pid's
	 * directory fd, so that all come from the same process */
	c->use_dirfd = o->tf != 0 || __builtin_popcount(c->need & F_ALL) > 1;
	/* ... when the descriptor limit leaves room for a pid's directory,
	 * a thread's and a file: ps needs only /proc's and one more */
	if (c->use_dirfd && fds_spare(c->procfd) < 3)
		c->use_dirfd = 0;
	set_screen(c);
}

int
ps_main(int argc, char *argv[])
{
	struct opts o;
	struct parsed pa;
	struct ctx c;
	struct rows rows, *rs = NULL;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&pa, 0, sizeof(pa));
	memset(&c, 0, sizeof(c));
	memset(&rows, 0, sizeof(rows));
	c.o = &o;
	c.root = proc_root();
	c.procfd = -1;
	c.pidwidth = pid_digits(c.root);
	if ((rc = parse_args(&o, &pa, argc, argv, c.pidwidth,
	    &c.selbits)) != 0)
		goto out;
	if ((rc = early(&o, &pa)) >= 0)
		goto out;
	if ((c.procfd = open(c.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warn("%s", c.root);
		rc = EXIT_NO;
		goto out;
	}
	setup(&c, &pa);
	if (o.sort.n > 0 || o.forest)
		rs = &rows;
	if (o.sample > 0)
		first_look(&c);
	/* procps reads the uptime before the processes: a process busy
	 * since it started shows 99 and 100, not 98 */
	if (o.sample <= 0 && uses_uptime(&c))
		uptime(&c);
	if (o.json) {
		json_init(&c.j, stdout, 0);
		json_arr(&c.j, NULL);
	}
	scan(&c, rs, 0);
	if (rs != NULL && rs->n > 0) {
		sort_rows(&c, rs);
		if (o.forest)
			show_forest(&c, rs);
		else
			for (i = 0; i < rs->n; i++)
				emit(&c, &rs->r[i]);
	}
	if (o.json)
		json_end(&c.j);
	else if (c.printed == 0 && --c.ltnh == 0)
		print_line(&c, NULL);	/* procps: the header alone */
	rc = c.failed ? EXIT_NO : c.printed > 0 ? 0 : EXIT_NO;
out:
	if (c.procfd >= 0)
		close(c.procfd);
	ctx_free(&c);
	free(c.prefix);
	free(c.samp);
	free(rows.r);
	arena_free(&c.arena);
	parsed_free(&pa);
	opts_free(&o);
	return rc;
}
