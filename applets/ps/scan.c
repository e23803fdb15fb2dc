/*
 * ps scan: list /proc (or the -q pids), select, read what the keys need,
 * and hand each row out: printed at once, or kept for --sort and
 * --forest, or noted as --sample's first look.
 */
#include "ps.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "../../lib/fs.h"

/* ---- selection ---- */

static int
listed(struct ctx *c, struct row *r)
{
	const struct sel_list *l;
	uint64_t v = 0;
	int i, uidpass;

	/* lists that stat answers first, then those needing status */
	for (uidpass = 0; uidpass < 2; uidpass++) {
		for (l = c->o->sel; l != NULL; l = l->next) {
			int isuid = l->type == SEL_EUID || l->type == SEL_RUID ||
			    l->type == SEL_EGID || l->type == SEL_RGID;

			if (isuid != uidpass)
				continue;
			if (isuid && !(l->type == SEL_EUID && r->owner >= 0)) {
				if (read_more(c, r, F_STATUS) < 0)
					return -1;
				if (!(r->have & F_STATUS))
					continue;
			}
			switch (l->type) {
			case SEL_PID:
			case SEL_QUICK:
				v = (uint64_t)r->pid;
				break;
			case SEL_PPID:
				v = (uint64_t)r->st.ppid;
				break;
			case SEL_SESS:
				v = (uint64_t)r->st.session;
				break;
			case SEL_PGRP:
				v = (uint64_t)r->st.pgrp;
				break;
			case SEL_TTY:
				v = r->st.tty_nr == 0 ? 0 :
				    devkey(tty_major(r->st.tty_nr),
				    tty_minor(r->st.tty_nr));
				break;
			case SEL_EUID:
				v = r->owner >= 0 ? (uint64_t)r->owner :
				    r->ss.uid[1];
				break;
			case SEL_RUID:
				v = r->ss.uid[0];
				break;
			case SEL_EGID:
				v = r->ss.gid[1];
				break;
			case SEL_RGID:
				v = r->ss.gid[0];
				break;
			case SEL_COMM:
				for (i = 0; i < l->n; i++) {
					const char *cm = r->st.comm, *nm = l->names[i];

					if (strlen(cm) == 15 && strlen(nm) >= 15 &&
					    strncmp(cm, nm, 15) == 0)
						return 1;
					if (strncmp(cm, nm, 63) == 0)
						return 1;
				}
				continue;
			}
			for (i = 0; i < l->n; i++)
				if (l->v[i] == v)
					return 1;
		}
	}
	return 0;
}

/* Is r selected?  1, 0, or -1 when it went away meanwhile. */
static int
want(struct ctx *c, struct row *r)
{
	struct opts *o = c->o;
	int ok = 0, rc;

	if (o->all)
		ok = 1;
	if (!ok && (o->simple != 0 || o->sel == NULL) && c->selbits != 0) {
		unsigned idx = (r->st.session == r->pid) << 1 |
		    (r->st.tty_nr == 0) << 2 | (r->st.tty_nr == c->mytty) << 3;

		/* the euid matters only when the bits differ on it */
		if (((c->selbits >> idx) & 1) != ((c->selbits >> (idx | 1)) & 1)) {
			if (r->owner < 0 && read_more(c, r, F_STATUS) < 0)
				return -1;
			if (r->owner >= 0 ? r->owner == c->euid :
			    (r->have & F_STATUS) && r->ss.uid[1] == c->euid)
				idx |= 1;
		}
		ok = (c->selbits >> idx) & 1;
	}
	if (!ok && o->sel != NULL) {
		if ((rc = listed(c, r)) < 0)
			return -1;
		ok = rc;
	}
	if (o->running && r->st.state != 'R' && r->st.state != 'D')
		ok = 0;
	if (o->negate)
		ok = !ok;
	if (ok && o->have_match) {
		char *args;
		size_t i, n;

		if (read_more(c, r, F_CMDLINE) < 0)
			return -1;
		if ((r->have & F_CMDLINE) && r->cmdlen > 0) {
			n = r->cmdlen;
			if (c->b[B_ARGS].cap < n + 1) {
				c->b[B_ARGS].p = xreallocarray(c->b[B_ARGS].p,
				    n + 1, 1);
				c->b[B_ARGS].cap = n + 1;
			}
			args = c->b[B_ARGS].p;
			memcpy(args, r->cmdline, n);
			while (n > 0 && args[n - 1] == '\0')
				n--;
			for (i = 0; i < n; i++)
				if (args[i] == '\0')
					args[i] = ' ';
			args[n] = '\0';
		} else
			args = r->st.comm;	/* pgrep -f: the name, then */
		ok = regexec(&o->match, args, 0, NULL, 0) == 0;
		/* as pgrep, never ourselves: our own command line holds
		 * the pattern */
		if (ok && r->pid == getpid())
			ok = 0;
	}
	return ok;
}

/* ---- --sample: the counters of the first look ---- */

int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void
sample_add(struct ctx *c, int tid, const struct pid_stat *st)
{
	if (c->nsamp == c->sampcap) {
		c->sampcap = c->sampcap ? c->sampcap * 2 : 1024;
		c->samp = xreallocarray(c->samp, (size_t)c->sampcap,
		    sizeof(*c->samp));
	}
	c->samp[c->nsamp].tid = tid;
	c->samp[c->nsamp].start = st->starttime;
	c->samp[c->nsamp].ticks = st->utime + st->stime;
	c->nsamp++;
}

/* The interval %cpu of a row from its first look (or since it started). */
static void
sample_apply(struct ctx *c, struct row *r)
{
	struct sample key, *s;
	uint64_t now = r->st.utime + r->st.stime, then = 0;
	double secs = c->samp_secs, age;

	key.tid = r->tid;
	s = bsearch(&key, c->samp, (size_t)c->nsamp, sizeof(*c->samp),
	    cmp_sample);
	if (s != NULL && s->start == r->st.starttime && s->ticks <= now)
		then = s->ticks;
	else if ((age = elapsed(c, r)) < secs && age > 0)
		secs = age;	/* born during the interval */
	r->spcpu = secs > 0 ? (double)(now - then) / (double)c->hz /
	    secs * 100.0 : 0;
}

/* ---- the scan ---- */

static void scan_pid(struct ctx *c, struct rows *rs, int pid, int first);

static int
pid_of(const char *name)
{
	uint64_t v = 0;

	if (*name < '1' || *name > '9')
		return -1;
	for (; *name >= '0' && *name <= '9'; name++) {
		v = v * 10 + (uint64_t)(*name - '0');
		if (v > INT_MAX)
			return -1;
	}
	return *name == '\0' ? (int)v : -1;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* The pids of a directory's numeric entries, collected by fs_dir_each. */
struct pidlist {
	int	*v;
	size_t	 n, cap;
	int	 sorted;
	int	 small[256];
};

static int
add_pid(int dfd, const char *name, unsigned type, void *arg)
{
	struct pidlist *l = arg;
	int pid;

	if ((pid = pid_of(name)) <= 0)
		return 0;
	if (l->n == l->cap) {
		if (l->v == l->small) {
			l->v = xreallocarray(NULL, l->cap * 2, sizeof(*l->v));
			memcpy(l->v, l->small, sizeof(l->small));
		} else
			l->v = xreallocarray(l->v, l->cap * 2, sizeof(*l->v));
		l->cap *= 2;
	}
	if (l->n > 0 && l->v[l->n - 1] > pid)
		l->sorted = 0;
	l->v[l->n++] = pid;
	return 0;
}

/*
 * Calls fn for each numeric entry of the directory fd (closed first, so
 * that reading the processes has its descriptor), in numeric order: /proc
 * lists pids so, a copied tree (a fixture, a container's /proc) may not.
 * lead > 0 (a task directory's thread group leader) comes first, as the
 * kernel lists a task directory and procps shows it, also when the thread
 * ids have wrapped below it.  -1 with errno when the directory cannot be
 * read.
 */
static int
each_pid_dir(struct ctx *c, struct rows *rs, int fd, int first, int lead,
    void (*fn)(struct ctx *, struct rows *, int, int, void *), void *arg)
{
	struct pidlist l;
	size_t i;
	int rc, e;

	l.v = l.small;
	l.n = 0;
	l.cap = nitems(l.small);
	l.sorted = 1;
	rc = fs_dir_each(fd, add_pid, &l);
	e = errno;
	close(fd);
	if (!l.sorted)
		qsort(l.v, l.n, sizeof(*l.v), cmp_int);
	for (i = 0; lead > 0 && i < l.n; i++)
		if (l.v[i] == lead) {
			memmove(l.v + 1, l.v, i * sizeof(*l.v));
			l.v[0] = lead;
			break;
		}
	for (i = 0; i < l.n; i++)
		fn(c, rs, l.v[i], first, arg);
	if (l.v != l.small)
		free(l.v);
	errno = e;
	return rc < 0 ? -1 : 0;
}

static int
in_pid_lists(const struct ctx *c, int pid)
{
	const struct sel_list *l;
	int i;

	for (l = c->o->sel; l != NULL; l = l->next)
		for (i = 0; i < l->n; i++)
			if (l->v[i] == (uint64_t)pid)
				return 1;
	return 0;
}

void
emit(struct ctx *c, const struct row *r)
{
	c->printed++;
	if (c->o->json)
		json_row(c, r);
	else
		print_line(c, r);
}

/* A copy of [s, s + n) that lives as long as the run (collected rows). */
static const char *
arena_copy(struct arena *a, const char *s, size_t n)
{
	char *d;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX || (d = arena_alloc(a, n + 1)) == NULL)
		xnomem();
	memcpy(d, s, n);
	return d;
}

/* Move the row's strings from the read buffers into the arena. */
static void
own_strings(struct ctx *c, struct row *r)
{
	struct arena *a = &c->arena;

	if (r->cmdline != NULL)
		r->cmdline = arena_copy(a, r->cmdline, r->cmdlen);
	if (r->environ != NULL)
		r->environ = arena_copy(a, r->environ, r->envlen);
	if (r->exe != NULL)
		r->exe = arena_copy(a, r->exe, strlen(r->exe));
	if (r->cwd != NULL)
		r->cwd = arena_copy(a, r->cwd, strlen(r->cwd));
	if (r->cgroup != NULL)
		r->cgroup = arena_copy(a, r->cgroup, strlen(r->cgroup));
	if (r->wchan != NULL)
		r->wchan = arena_copy(a, r->wchan, strlen(r->wchan));
	if (r->label != NULL)
		r->label = arena_copy(a, r->label, strlen(r->label));
	if ((r->have & F_STATUS) && r->ss.groups != NULL)
		r->ss.groups = arena_copy(a, r->ss.groups, r->ss.groupslen);
}

/* One row is ready: into the sample, out, or kept for sorting. */
static void
finish_row(struct ctx *c, struct rows *rs, struct row *r, int first)
{
	if (first) {
		sample_add(c, r->tid, &r->st);
		return;
	}
	if (c->o->sample > 0)
		sample_apply(c, r);
	if (rs == NULL) {
		emit(c, r);
		return;
	}
	own_strings(c, r);
	rs->n++;
}

static struct row *
row_slot(struct rows *rs, int first)
{
	static struct row one;

	if (rs == NULL || first)
		return &one;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	return &rs->r[rs->n];
}

struct taskarg {
	struct row	*proc;		/* the process, read and selected */
	int		 pdirfd;	/* its directory, or -1: by path */
};

/*
 * A directory of /proc for a row's reads, so that its files all come
 * from one process; -1 (and the reads go by path) when the pid is gone
 * or descriptors run short: ps must work under a tight RLIMIT_NOFILE.
 */
static int
row_dir(int dfd, const char *rel, int *gonep)
{
	int fd;

	*gonep = 0;
	if ((fd = openat(dfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0)
		return fd;
	*gonep = errno == ENOENT || errno == ESRCH;
	return -1;
}

static void
scan_task(struct ctx *c, struct rows *rs, int tid, int first, void *arg)
{
	struct taskarg *ta = arg;
	struct row *r = row_slot(rs, first);
	char rel[32];
	int pid = ta->proc->pid, isgone, ok;

	row_init(r, pid, tid, rs != NULL ? (int)rs->n : 0);
	r->thread = 1;
	if (tid == pid) {
		/* procps shows the leader with the process's own totals */
		r->dirfd = ta->pdirfd;
	} else if (ta->pdirfd >= 0) {
		snprintf(rel, sizeof(rel), "task/%d", tid);
		if ((r->dirfd = row_dir(ta->pdirfd, rel, &isgone)) < 0 &&
		    isgone)
			return;
	}
	ok = read_stat(c, r) == 0 && (first || read_more(c, r, c->need) == 0);
	if (r->dirfd >= 0 && r->dirfd != ta->pdirfd)
		close(r->dirfd);
	r->dirfd = -1;
	if (ok)
		finish_row(c, rs, r, first);
}

static void
scan_one(struct ctx *c, struct rows *rs, int pid, int first, void *arg)
{
	(void)arg;
	scan_pid(c, rs, pid, first);
}

/* -L, -T, H: the threads of the process r, read and selected. */
static void
scan_threads(struct ctx *c, struct rows *rs, struct row *r, int dirfd,
    int first)
{
	struct row proc = *r;
	struct taskarg ta = { &proc, dirfd };
	char rel[32];
	int fd;

	if (dirfd >= 0)
		fd = openat(dirfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else {
		snprintf(rel, sizeof(rel), "%d/task", r->pid);
		fd = openat(c->procfd, rel, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	}
	if ((fd < 0 || each_pid_dir(c, rs, fd, first, r->pid, scan_task, &ta) < 0) &&
	    errno != ENOENT && errno != ESRCH)
		read_error(c, &proc, "task", errno);
}

/* LIBPROC_HIDE_KERNEL set (to anything): kthreadd and its children are
 * not there, for every selection, as libproc2 leaves them out. */
static int
kernel_hidden(const struct row *r)
{
	static int hide = -1;

	if (hide < 0)
		hide = getenv("LIBPROC_HIDE_KERNEL") != NULL;
	return hide && (r->pid == 2 || r->st.ppid == 2);
}

/* Read, select and show (or keep) one process, or its threads. */
static void
scan_pid(struct ctx *c, struct rows *rs, int pid, int first)
{
	struct row *r;
	char rel[16];
	int threads = c->o->tf != 0, dirfd = -1, isgone, ok;

	if (c->pid_only && !in_pid_lists(c, pid))
		return;
	r = row_slot(rs, first || threads);
	row_init(r, pid, pid, rs != NULL ? (int)rs->n : 0);
	if (c->use_dirfd) {
		fmt_u64(rel, (uint64_t)pid);
		if ((dirfd = row_dir(c->procfd, rel, &isgone)) < 0 && isgone)
			return;
		r->dirfd = dirfd;
	}
	ok = read_stat(c, r) == 0 && !kernel_hidden(r) && want(c, r) > 0;
	if (ok && threads)
		scan_threads(c, rs, r, dirfd, first);
	else if (ok && !first)
		ok = read_more(c, r, c->need) == 0;
	/* the descriptor goes before the row does: printing it may need
	 * one (the user database) */
	if (dirfd >= 0)
		close(dirfd);
	r->dirfd = -1;
	if (ok && !threads)
		finish_row(c, rs, r, first);
}

/* Is kv the effective uid's or user's (what the owner of /proc/PID is)? */
static int
is_euid(const struct kval *kv)
{
	const struct key *euid = key_find("euid", 4), *euser =
	    key_find("euser", 5);

	return (euid != NULL && kv == euid->v) ||
	    (euser != NULL && kv == euser->v);
}

/* Every process (-e, no selection by what stat says), one row each,
 * streamed as read: the rows that can go without stat. */
static int
streamed_all(const struct opts *o)
{
	return o->all && o->sel == NULL && !o->negate && !o->running &&
	    !o->have_match && o->tf == 0 && !o->forest && o->sort.n == 0 &&
	    o->sample <= 0 && !o->json && !o->bsd_c;
}

/* Is every column one of names, or the effective uid read from the
 * owner? */
static int
keys_among(const struct ctx *c, const char *const *names, size_t n)
{
	const struct key *k;
	const struct kval *kv;
	size_t j;
	int i, ok;

	for (i = 0; i < c->fmt.n; i++) {
		kv = c->fmt.c[i].k->v;
		ok = c->owner_euid && is_euid(kv);
		for (j = 0; j < n && !ok; j++)
			ok = (k = key_find(names[j], strlen(names[j]))) !=
			    NULL && kv == k->v;
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * How far status is parsed: the ids (the user, a selection by user or
 * group), VmLck (stat's L flag) and VmRSS (rss when status is read) are
 * in its first 23 of about 60 lines.  Any other key that needs status,
 * and --json, parses it all.
 */
static void
status_lines(struct ctx *c)
{
	const struct opts *o = c->o;
	const struct kval *kv;
	unsigned w = PST_NAME | PST_UID | PST_GID | PST_VMRSS;
	int i;

	for (i = 0; i < c->fmt.n + o->sort.n && !o->json; i++) {
		kv = i < c->fmt.n ? c->fmt.c[i].k->v :
		    o->sort.k[i - c->fmt.n].k->v;
		if (!(kv->need & F_STATUS) || is_euid(kv))
			continue;
		if (kv->cell != cell_stat)
			break;
		w |= PST_VMLCK;
	}
	c->pst_want = o->json || i < c->fmt.n + o->sort.n ? ~0U : w;
}

/*
 * Can the keys do without stat but for an empty command line?  pid (the
 * directory's name), args (the command line; [comm] from stat when that
 * is empty) and the effective uid (the owner).
 */
static int
stat_spare(const struct ctx *c)
{
	static const char *const names[] = { "pid", "args" };

	return streamed_all(c->o) && keys_among(c, names, nitems(names));
}

/*
 * Can /proc/PID/comm stand for stat?  When the columns are pid, the name
 * (comm and its aliases, not -f's command line), rss (statm) and the
 * effective uid (the owner): comm is the name stat shows (both are the
 * kernel's proc_task_name), for about two thirds of stat's cost, which
 * formats some forty fields and takes the task's locks for them.
 */
static int
comm_spare(const struct ctx *c)
{
	static const char *const names[] = { "pid", "comm", "rss" };

	return streamed_all(c->o) && !c->o->unix_f &&
	    keys_among(c, names, nitems(names));
}

/*
 * What to read, once the options are known.  The effective uid (user,
 * uid) is the owner of /proc/PID (read.c, read_owner): when the keys need
 * status for nothing else, one fstat replaces reading and parsing it, and
 * rss comes from statm as without status.  When the keys are pid, args
 * and the user alone, stat is read only for the [comm] of an empty
 * command line (read.c, read_stat).  Only on procfs: a copied tree's
 * owners are whoever copied it, and its stat files are what a test checks.
 *
 * The files are read by path, as the floor reads them (bench/procfloor.c):
 * a directory fd per process costs an open and a close more (2.7 µs a
 * process in bench/ps.sh's machine, more than parsing a row), for one
 * guarantee only, that a pid reused between two reads of a row (the pid
 * space wrapped meanwhile) cannot mix two processes' files, which procps,
 * BusyBox and psutil do not give either.  Threads (-L, -T, H) keep their
 * directories.
 */
static void
plan_reads(struct ctx *c)
{
	const struct opts *o = c->o;
	const struct kval *kv;
	unsigned statm = 0, beyond = 0;
	struct statfs sf;
	int i;

	if (o->tf == 0)
		c->use_dirfd = 0;
	status_lines(c);
	if (fstatfs(c->procfd, &sf) != 0 || sf.f_type != PROC_SUPER_MAGIC)
		return;
	/* psutil's fields (--json without a format) need status for many */
	if ((c->need & F_STATUS) &&
	    !(o->json && !o->have_o && o->O == NULL && o->bsdO == NULL)) {
		for (i = 0; i < c->fmt.n + o->sort.n; i++) {
			kv = i < c->fmt.n ? c->fmt.c[i].k->v :
			    o->sort.k[i - c->fmt.n].k->v;
			if ((kv->need & F_STATUS) && !is_euid(kv))
				beyond = 1;
			statm |= kv->need & F_STATM;
		}
		if (!beyond) {
			c->owner_euid = 1;
			c->need = (c->need & ~(unsigned)F_STATUS) | statm;
		}
	}
	if (stat_spare(c))
		c->stat_lazy = 1;
	else if (comm_spare(c))
		c->stat_comm = 1;
}

void
scan(struct ctx *c, struct rows *rs, int first)
{
	const struct sel_list *l;
	int fd, i;

	plan_reads(c);

	for (l = c->o->sel; l != NULL; l = l->next) {
		if (l->type != SEL_QUICK)
			continue;
		/* -q: those pids, in order, without reading /proc */
		for (i = 0; i < l->n; i++)
			scan_pid(c, rs, (int)l->v[i], first);
		fs_batch_close(&c->fdb);
		return;
	}
	if ((fd = openat(c->procfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0 || each_pid_dir(c, rs, fd, first, 0, scan_one,
	    NULL) < 0)
		sys_error(c, NULL, errno);
	/* the files read are closed a batch at a time (lib/fs) */
	fs_batch_close(&c->fdb);
}
