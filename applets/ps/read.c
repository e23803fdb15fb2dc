/*
 * ps read: one process, reading only the /proc files its keys need, each
 * with one read into a reused buffer, relative to the /proc fd or to the
 * process's own directory fd; and what the machine says (uptime, boot
 * time, memory, names of users, groups and terminals).
 */
#include "ps.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include "../../lib/fs.h"

/* ---- the machine ---- */

/*
 * A file of the machine that could not be read (rel, or the proc root
 * itself when NULL): said as read_error says a process's file (once per
 * kind, exit 1); one that is not there (a captured tree without it) is
 * silent, as sysinfo's null.
 */
void
sys_error(struct ctx *c, const char *rel, int err)
{
	int *said = err == EINVAL ? &c->said_bad : &c->said_err;

	if (err == ENOENT && rel != NULL)
		return;
	c->failed = 1;
	if (*said)
		return;
	*said = 1;
	if (rel == NULL)
		warnx("%s: %s", c->root, strerror(err));
	else if (err == EINVAL)
		warnx("%s/%s: malformed content", c->root, rel);
	else
		warnx("%s/%s: %s", c->root, rel, strerror(err));
}

double
uptime(struct ctx *c)
{
	double idle;

	if (!c->have_uptime) {
		c->have_uptime = 1;
		if (proc_uptime(&c->uptime, &idle) != 0) {
			sys_error(c, "uptime", errno);
			c->uptime = 0;
		}
	}
	return c->uptime;
}

uint64_t
btime(struct ctx *c)
{
	char *buf, *p, *e;
	size_t len;

	if (c->have_btime)
		return c->btime;
	c->have_btime = 1;
	if ((buf = proc_slurp(c->root, "stat", &len)) == NULL) {
		sys_error(c, "stat", errno);
		return 0;
	}
	if ((p = strstr(buf, "\nbtime ")) != NULL) {
		errno = 0;
		c->btime = strtoull(p + 7, &e, 10);
		if (errno != 0 || e == p + 7 || (*e != '\n' && *e != '\0') ||
		    p[7] == '-')
			p = NULL;
	}
	if (p == NULL) {
		c->btime = 0;
		sys_error(c, "stat", EINVAL);
	}
	free(buf);
	return c->btime;
}

uint64_t
memtotal(struct ctx *c)
{
	struct meminfo mi;

	if (!c->have_mem) {
		c->have_mem = 1;
		if (proc_meminfo(&mi) == 0)
			c->memtotal = mi.mem_total / 1024;
		else
			sys_error(c, "meminfo", errno);
	}
	return c->memtotal;
}

/* Digits of the largest pid: procps's PID column width. */
int
pid_digits(const char *root)
{
	uint64_t max;
	int n = 0;

	if (proc_read_u64(root, "sys/kernel/pid_max", &max) != 0 || max == 0)
		max = 32768;
	for (max -= max > 1; max > 0; max /= 10)
		n++;
	return n > 0 ? n : 1;
}

/* ---- names: users, groups, terminals ---- */

static const char *
id_name(struct uname_ent *tab, size_t n, uint32_t id, int group)
{
	size_t h = id % n, i;
	struct uname_ent *e;
	const char *name = NULL;

	for (i = 0; i < n; i++) {
		e = &tab[(h + i) % n];
		if (e->used && e->id == id)
			return e->name;
		if (!e->used)
			break;
	}
	if (group) {
		struct group *gr = getgrgid(id);

		if (gr != NULL)
			name = gr->gr_name;
	} else {
		struct passwd *pw = getpwuid(id);

		if (pw != NULL)
			name = pw->pw_name;
	}
	e = &tab[(h + i) % n];
	if (i == n)		/* full: reuse the home slot */
		e = &tab[h];
	e->used = 1;
	e->id = id;
	if (name != NULL && strlen(name) < sizeof(e->name))
		snprintf(e->name, sizeof(e->name), "%s", name);
	else
		snprintf(e->name, sizeof(e->name), "%u", (unsigned)id);
	return e->name;
}

const char *
user_name(struct ctx *c, uint32_t uid)
{
	return id_name(c->users, nitems(c->users), uid, 0);
}

const char *
group_name(struct ctx *c, uint32_t gid)
{
	return id_name(c->groups, nitems(c->groups), gid, 1);
}

unsigned
tty_major(int nr)
{
	return ((unsigned)nr >> 8) & 0xfff;
}

unsigned
tty_minor(int nr)
{
	return ((unsigned)nr & 0xff) | (((unsigned)nr >> 12) & 0xfff00);
}

/* /proc/tty/drivers: "name /dev/prefix major minors type", by major. */
static void
read_tty_drivers(struct ctx *c)
{
	char *buf, *line, *next;
	size_t len;

	c->drivers_read = 1;
	if ((buf = proc_slurp(c->root, "tty/drivers", &len)) == NULL)
		return;
	c->tty_drivers = xcalloc(4096, sizeof(char *));
	for (line = buf; line != NULL && *line;
	    line = next) {
		char name[64], dev[128], minors[64];
		unsigned maj;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%63s %127s %u %63s", name, dev, &maj,
		    minors) != 4 || maj >= 4096 || c->tty_drivers[maj] != NULL)
			continue;
		if (strncmp(dev, "/dev/", 5) != 0 || strchr(minors, '-') == NULL)
			continue;	/* a single device, named already */
		c->tty_drivers[maj] = xstrdup(dev + 5);
	}
	free(buf);
}

/* The terminal's name as procps shows it ("pts/3", "tty1"), "?" for none. */
const char *
tty_name(struct ctx *c, int nr)
{
	unsigned maj, min;
	char *s = c->tty_cached;
	size_t len = sizeof(c->tty_cached);

	if (nr == 0)
		return "?";
	if (nr == c->tty_nr_cached)
		return s;
	maj = tty_major(nr);
	min = tty_minor(nr);
	if (maj >= 136 && maj <= 143)
		snprintf(s, len, "pts/%u", (maj - 136) * 256 + min);
	else if (maj == 4 && min < 64)
		snprintf(s, len, "tty%u", min);
	else if (maj == 4)
		snprintf(s, len, "ttyS%u", min - 64);
	else if (maj == 5 && min == 0)
		snprintf(s, len, "tty");
	else if (maj == 5 && min == 1)
		snprintf(s, len, "console");
	else if (maj == 5 && min == 2)
		snprintf(s, len, "ptmx");
	else {
		if (!c->drivers_read)
			read_tty_drivers(c);
		if (c->tty_drivers != NULL && c->tty_drivers[maj] != NULL)
			snprintf(s, len, "%s%u", c->tty_drivers[maj], min);
		else
			snprintf(s, len, "%u,%u", maj, min);
	}
	c->tty_nr_cached = nr;
	return s;
}

/* ---- reading a process ---- */

/* The process is gone (exited, or its pid now names another one). */
static int
gone(struct ctx *c, struct row *r)
{
	char rel[64];

	if (errno != ENOENT && errno != ESRCH)
		return 0;
	/* the file may not exist here (old kernel, fixture), or may need a
	 * memory map that kernel threads and zombies lack (ESRCH): gone is
	 * when the stat file went too */
	if (r->dirfd >= 0)
		return faccessat(r->dirfd, "stat", F_OK, 0) != 0;
	snprintf(rel, sizeof(rel), "%d/stat", r->pid);
	return faccessat(c->procfd, rel, F_OK, 0) != 0;
}

/* The path of a row's file relative to the /proc fd. */
static const char *
rel_path(char *buf, size_t len, const struct row *r, const char *name)
{
	char *p = buf;
	size_t n;

	p += fmt_u64(p, (uint64_t)r->pid);
	if (r->thread && r->tid != r->pid) {
		memcpy(p, "/task/", 6);
		p += 6;
		p += fmt_u64(p, (uint64_t)r->tid);
	}
	*p++ = '/';
	n = strlen(name);
	if (n >= len - (size_t)(p - buf))
		n = len - (size_t)(p - buf) - 1;
	memcpy(p, name, n);
	p[n] = '\0';
	return buf;
}

/*
 * A file of a row that could not be read or parsed, and not because the
 * process went away or is not ours to read: one line on stderr for the
 * first of each kind (a read error, a malformed file), and exit 1 at the
 * end.  err is the errno, or 0 for malformed content.
 */
void
read_error(struct ctx *c, const struct row *r, const char *name, int err)
{
	char rel[96];
	int *said = err == 0 ? &c->said_bad : &c->said_err;

	c->failed = 1;
	if (*said)
		return;
	*said = 1;
	rel_path(rel, sizeof(rel), r, name);
	if (err == 0)
		warnx("%s/%s: malformed content", c->root, rel);
	else
		warnx("%s/%s: %s", c->root, rel, strerror(err));
}

/*
 * A read of name failed, errno says why: -1 when the process is gone;
 * else 0, and the value is left out ("-", null).  Not there (a kernel
 * without the file, a fixture), no memory map (ESRCH: a kernel thread, a
 * zombie), not ours to read, and not served (EINVAL: attr/current without
 * a security module) are silent; anything else (EMFILE, EIO, ENOMEM,
 * EISDIR) is an error, said once.
 */
static int
rd_failed(struct ctx *c, struct row *r, const char *name)
{
	int e = errno;

	if (gone(c, r))
		return -1;
	switch (e) {
	case ENOENT:
	case ESRCH:
	case EACCES:
	case EPERM:
	case EINVAL:
		return 0;
	}
	read_error(c, r, name, e);
	return 0;
}

static long
rd(struct ctx *c, struct row *r, const char *name, int b)
{
	char rel[96];

	if (r->dirfd >= 0)
		return proc_read_batch(r->dirfd, name, &c->b[b].p,
		    &c->b[b].cap, &c->fdb);
	return proc_read_batch(c->procfd, rel_path(rel, sizeof(rel), r, name),
	    &c->b[b].p, &c->b[b].cap, &c->fdb);
}

/* readlink of a row's file into buffer b; NULL on failure (errno set). */
static const char *
rdlink(struct ctx *c, struct row *r, const char *name, int b)
{
	char rel[96];
	struct buf *bf = &c->b[b];
	ssize_t n;

	buf_need(bf, PATH_MAX + 1);
	if (r->dirfd >= 0)
		n = readlinkat(r->dirfd, name, bf->p, bf->cap - 1);
	else
		n = readlinkat(c->procfd, rel_path(rel, sizeof(rel), r, name),
		    bf->p, bf->cap - 1);
	if (n < 0)
		return NULL;
	bf->p[n] = '\0';
	return bf->p;
}

static int
count_one(int dfd, const char *name, unsigned type, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/* Entries of a row's fd directory, without allocating. */
static int
count_fds(struct ctx *c, struct row *r)
{
	char rel[96];
	int fd, n = 0, rc, e;

	if (r->dirfd >= 0)
		fd = openat(r->dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		fd = openat(c->procfd, rel_path(rel, sizeof(rel), r, "fd"),
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fs_dir_each(fd, count_one, &n);
	e = errno;
	close(fd);
	errno = e;
	return rc < 0 ? -1 : n;
}

/*
 * Read file name, as it is, into buffer b: *p (and *len) are its text, and
 * r->have gets bit f.  Returns -1 when the process is gone.
 */
static int
rd_raw(struct ctx *c, struct row *r, unsigned f, const char *name, int b,
    const char **p, size_t *len)
{
	long n;

	if ((n = rd(c, r, name, b)) < 0)
		return rd_failed(c, r, name);
	*p = c->b[b].p;
	if (len != NULL)
		*len = (size_t)n;
	r->have |= f;
	return 0;
}

/*
 * Read and parse file name into buffer b with parse: 1 when it parsed, 0
 * when it did not (said, unless the process is not ours or the file is
 * not there), -1 when the process is gone.  An empty file is what an
 * exiting process leaves: gone if its stat went, else nothing to show.
 */
static int
rd_parse(struct ctx *c, struct row *r, const char *name, int b,
    int (*parse)(const struct ctx *, const char *, size_t, void *), void *out)
{
	long n;

	if ((n = rd(c, r, name, b)) < 0)
		return rd_failed(c, r, name);
	if (parse(c, c->b[b].p, (size_t)n, out) == 0)
		return 1;
	if (n == 0) {
		errno = ENOENT;
		return gone(c, r) ? -1 : 0;
	}
	read_error(c, r, name, 0);
	return 0;
}

/* the parsers, as rd_parse calls them */
static int
parse_status(const struct ctx *c, const char *s, size_t n, void *out)
{
	return proc_pid_status_want(s, n, out, c->pst_want);
}

static int
parse_statm(const struct ctx *c, const char *s, size_t n, void *out)
{
	return proc_pid_statm_parse(s, n, out);
}

static int
parse_io(const struct ctx *c, const char *s, size_t n, void *out)
{
	return proc_pid_io_parse(s, n, out);
}

/* one decimal number in [lo, hi], then the end or a newline */
static int
parse_range(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	long long v;
	char *e;

	errno = 0;
	v = strtoll(s, &e, 10);
	if (e == s || errno != 0 || v < lo || v > hi ||
	    (*e != '\0' && *e != '\n')) {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

/* oom_score, oom_score_adj: one int */
static int
parse_int(const struct ctx *c, const char *s, size_t n, void *out)
{
	int64_t v;

	if (parse_range(s, INT_MIN, INT_MAX, &v) == -1)
		return -1;
	*(int *)out = (int)v;
	return 0;
}

/* loginuid: an unsigned 32-bit number */
static int
parse_loginuid(const struct ctx *c, const char *s, size_t n, void *out)
{
	return parse_range(s, 0, UINT32_MAX, out);
}

/* smaps_rollup, or smaps on kernels before 4.14; none for a process
 * without memory (a kernel thread, a zombie). */
static int
read_smaps(struct ctx *c, struct row *r)
{
	const char *name = "smaps_rollup";
	long n;

	if ((n = rd(c, r, name, B_SMAPS)) < 0 && errno == ENOENT &&
	    !gone(c, r))
		n = rd(c, r, name = "smaps", B_SMAPS);
	if (n < 0 && errno == ESRCH && !gone(c, r))
		n = 0;	/* no memory map */
	if (n < 0)
		return rd_failed(c, r, name);
	if (n == 0) {
		/* a kernel thread or a zombie: no memory at all */
		memset(&r->sm, 0, sizeof(r->sm));
		r->have |= F_SMAPS;
	} else if (proc_pid_smaps_parse(c->b[B_SMAPS].p, (size_t)n,
	    &r->sm) == 0)
		r->have |= F_SMAPS;
	else
		read_error(c, r, name, 0);
	return 0;
}

/* a symbolic link: exe, cwd */
static int
read_link(struct ctx *c, struct row *r, unsigned f, const char *name,
    int b, const char **out)
{
	const char *s;

	if ((s = rdlink(c, r, name, b)) != NULL) {
		*out = s;
		r->have |= f;
		return 0;
	}
	if (f == F_EXE && errno == ENOENT && !gone(c, r))
		*out = "";	/* a kernel thread: psutil's "" */
	return rd_failed(c, r, name);
}

/* the security label: printable text, none when empty */
static int
read_attr(struct ctx *c, struct row *r)
{
	char *p;
	long n, i;

	if ((n = rd(c, r, "attr/current", B_ATTR)) < 0)
		return rd_failed(c, r, "attr/current");
	p = c->b[B_ATTR].p;
	for (i = 0; i < n && isprint((unsigned char)p[i]); i++)
		;
	p[i] = '\0';
	if (i > 0) {
		r->label = p;
		r->have |= F_ATTR;
	}
	return 0;
}

/* the namespace links: their inode numbers, 0 where one cannot be read */
static int
read_ns(struct ctx *c, struct row *r)
{
	static const char *const names[] = { "ns/ipc", "ns/mnt", "ns/net",
	    "ns/pid", "ns/user", "ns/uts", "ns/cgroup", "ns/time" };
	const char *s, *b;
	uint64_t v;
	size_t i;

	for (i = 0; i < nitems(names); i++) {
		r->ns[i] = 0;
		if ((s = rdlink(c, r, names[i], B_MISC)) == NULL) {
			if (rd_failed(c, r, names[i]) == -1)
				return -1;
			continue;
		}
		if ((b = strchr(s, '[')) == NULL)
			continue;
		for (v = 0, b++; *b >= '0' && *b <= '9' &&
		    v <= (UINT64_MAX - 9) / 10; b++)
			v = v * 10 + (uint64_t)(*b - '0');
		if (*b == ']')
			r->ns[i] = v;
	}
	r->have |= F_NS;
	return 0;
}

/*
 * Read what need asks that is not read yet.  Returns 0, or -1 when the
 * process is gone; a file that cannot be read leaves its bit clear in
 * r->have (shown as "-", null in JSON).
 */
int
read_more(struct ctx *c, struct row *r, unsigned need)
{
	unsigned want = need & ~r->tried;
	size_t len = 0;
	int k;

	r->tried |= want;
#define PARSED(f, name, b, parse, out) do {				\
	if ((k = rd_parse(c, r, name, b, parse, out)) < 0)		\
		return -1;						\
	if (k > 0)							\
		r->have |= (f);						\
} while (0)
	if (want & F_STATUS)
		PARSED(F_STATUS, "status", B_STATUS, parse_status, &r->ss);
	if (want & F_STATM)
		PARSED(F_STATM, "statm", B_MISC, parse_statm, &r->mem);
	if ((want & F_CMDLINE) && rd_raw(c, r, F_CMDLINE, "cmdline",
	    B_CMDLINE, &r->cmdline, &r->cmdlen) == -1)
		return -1;
	if ((want & F_ENVIRON) && rd_raw(c, r, F_ENVIRON, "environ",
	    B_ENVIRON, &r->environ, &r->envlen) == -1)
		return -1;
	if (want & F_IO)
		PARSED(F_IO, "io", B_IO, parse_io, &r->io);
	if ((want & F_SMAPS) && read_smaps(c, r) == -1)
		return -1;
	if ((want & F_EXE) && read_link(c, r, F_EXE, "exe", B_EXE,
	    &r->exe) == -1)
		return -1;
	if ((want & F_CWD) && read_link(c, r, F_CWD, "cwd", B_CWD,
	    &r->cwd) == -1)
		return -1;
	if (want & F_FDS) {
		if ((r->fds = count_fds(c, r)) >= 0)
			r->have |= F_FDS;
		else if (rd_failed(c, r, "fd") == -1)
			return -1;
	}
	if (want & F_CGROUP) {
		if (rd_raw(c, r, F_CGROUP, "cgroup", B_CGROUP, &r->cgroup,
		    &len) == -1)
			return -1;
		if ((r->have & F_CGROUP) && proc_container_id(r->cgroup, len,
		    r->container, sizeof(r->container)) != 0)
			r->container[0] = '\0';
	}
	if ((want & F_WCHAN) && rd_raw(c, r, F_WCHAN, "wchan", B_WCHAN,
	    &r->wchan, NULL) == -1)
		return -1;
	if ((want & F_ATTR) && read_attr(c, r) == -1)
		return -1;
	if (want & F_OOM)
		PARSED(F_OOM, "oom_score", B_MISC, parse_int, &r->oom);
	if (want & F_OOMADJ)
		PARSED(F_OOMADJ, "oom_score_adj", B_MISC, parse_int,
		    &r->oomadj);
	if (want & F_LOGINUID)
		PARSED(F_LOGINUID, "loginuid", B_MISC, parse_loginuid,
		    &r->loginuid);
	if (want & F_AUTOGRP)
		PARSED(F_AUTOGRP, "autogroup", B_MISC, parse_autogroup, r);
	if ((want & F_NS) && read_ns(c, r) == -1)
		return -1;
#undef PARSED
	return 0;
}

/*
 * The effective uid as the owner of the row's directory in /proc: the
 * kernel gives a pid's (or a task's) directory, mode 0555, its task's euid
 * whether the task is dumpable or not (pid_getattr and task_dump_owner in
 * fs/proc/base.c; only the files in it go to root when it is not), and
 * root to a kernel thread, whose euid is 0.  One fstat, where status costs
 * an open, a read of 1.5 KB and a close.  Read before stat, so that a task
 * gone in between (the owner then reads as root) has no stat to show.
 * 0, or -1 when the process is gone (errno set).
 */
static int
read_owner(struct ctx *c, struct row *r)
{
	char rel[64];
	struct stat sb;
	int rc;

	if (r->dirfd >= 0)
		rc = fstat(r->dirfd, &sb);
	else
		rc = fstatat(c->procfd, rel_path(rel, sizeof(rel), r, ""), &sb,
		    0);
	if (rc != 0)
		return -1;
	r->owner = sb.st_uid;
	return 0;
}

/*
 * The name from /proc/PID/comm, for c->stat_comm (scan.c, comm_spare):
 * r->st is then zero but for the pid and the name, its other fields
 * marked as not read (no key shown reads them).  0, or -1 when the
 * process is gone.
 */
static int
read_comm(struct ctx *c, struct row *r)
{
	long n;

	if ((n = rd(c, r, "comm", B_STAT)) < 0) {
		rd_failed(c, r, "comm");
		return -1;
	}
	memset(&r->st, 0, sizeof(r->st));
	r->st.pid = r->pid;
	r->st.bad = ~(SF(1) | SF(2));
	if (n > 0 && c->b[B_STAT].p[n - 1] == '\n')
		n--;
	if ((size_t)n >= sizeof(r->st.comm))
		n = (long)sizeof(r->st.comm) - 1;
	memcpy(r->st.comm, c->b[B_STAT].p, (size_t)n);
	r->st.comm[n] = '\0';
	return 0;
}

/*
 * Read stat: 0, or -1 when the process is gone or its stat is not a stat
 * line (said: the row cannot be shown without one).  A field that does
 * not parse is marked in r->st.bad (said), and its keys show "-".  With
 * c->owner_euid, the owner of the row's directory first; with
 * c->stat_lazy, the command line first, and stat only when it is empty
 * (r->st is then zero but for the pid: no key shown reads it).
 */
int
read_stat(struct ctx *c, struct row *r)
{
	long n;

	if (c->owner_euid && read_owner(c, r) != 0) {
		if (errno != ENOENT && errno != ESRCH)
			read_error(c, r, "", errno);
		return -1;
	}
	if (c->stat_comm)
		return read_comm(c, r);
	if (c->stat_lazy) {
		/* the keys need stat only for the [comm] of an empty
		 * command line (scan.c, plan_reads) */
		if (read_more(c, r, F_CMDLINE) < 0)
			return -1;
		if ((r->have & F_CMDLINE) && r->cmdlen > 0 &&
		    !(r->cmdlen == 1 && r->cmdline[0] == '\0')) {
			memset(&r->st, 0, sizeof(r->st));
			r->st.pid = r->pid;
			return 0;
		}
	}
	if ((n = rd(c, r, "stat", B_STAT)) < 0) {
		rd_failed(c, r, "stat");
		return -1;
	}
	if (proc_pid_stat_parse(c->b[B_STAT].p, (size_t)n, &r->st) != 0) {
		errno = ENOENT;
		if (n > 0 || !gone(c, r))
			read_error(c, r, "stat", 0);
		return -1;
	}
	if (r->st.bad != 0)
		read_error(c, r, "stat", 0);
	return 0;
}

uint64_t
ticks(const struct ctx *c, const struct row *r)
{
	uint64_t t = r->st.utime + r->st.stime;

	if (c->o->cumulative && r->st.cutime > 0 && r->st.cstime >= 0 &&
	    STAT_OK(r, SF(16) | SF(17)))
		t += (uint64_t)r->st.cutime + (uint64_t)r->st.cstime;
	return t;
}

/* Resident pages: statm's exact count (what procps and psutil show), or
 * stat's per-CPU estimate when statm could not be read. */
int64_t
rss_pages(const struct ctx *c, const struct row *r)
{
	if (r->have & F_STATM)
		return (int64_t)r->mem.resident;
	if (r->have & F_STATUS)		/* VmRSS: the same exact count */
		return (r->ss.has & PST_VMRSS) ?
		    (int64_t)(r->ss.vm_rss / (uint64_t)c->pagesize) : 0;
	return STAT_OK(r, SF(24)) ? r->st.rss : -1;
}

/* procps's %CPU: CPU time over the process's life (or --sample's interval). */
double
util(struct ctx *c, const struct row *r)
{
	double t;

	if (r->spcpu >= 0)
		return r->spcpu;
	t = uptime(c) * (double)c->hz - (double)r->st.starttime;
	if (t <= 0)
		return 0;
	return (double)ticks(c, r) * 100.0 / t;
}

double
elapsed(struct ctx *c, const struct row *r)
{
	double t = uptime(c) * (double)c->hz - (double)r->st.starttime;

	return t > 0 ? t / (double)c->hz : 0;
}

time_t
start_epoch(struct ctx *c, const struct row *r)
{
	return (time_t)(btime(c) + r->st.starttime / (uint64_t)c->hz);
}

/* An id from status: which 0-3 are the effective, real, saved and file
 * system uids, 4-7 the gids; -1 when status was not read. */
int
id_of(const struct row *r, int which, uint32_t *out)
{
	static const int slot[4] = { 1, 0, 2, 3 };

	if (which == 0 && !(r->have & F_STATUS) && r->owner >= 0) {
		*out = (uint32_t)r->owner;	/* the same euid: read_owner */
		return 0;
	}
	if (!(r->have & F_STATUS) || which < 0 || which > 7)
		return -1;
	*out = which < 4 ? r->ss.uid[slot[which]] : r->ss.gid[slot[which - 4]];
	return 0;
}

void
row_init(struct row *r, int pid, int tid, int index)
{
	/* the parsed structs are filled by their parsers: clear the rest */
	r->pid = pid;
	r->tid = tid;
	r->have = 0;
	r->tried = 0;
	r->cmdline = r->environ = NULL;
	r->cmdlen = r->envlen = 0;
	r->exe = r->cwd = r->cgroup = r->wchan = r->label = NULL;
	r->container[0] = '\0';
	r->fds = r->oom = r->oomadj = 0;
	r->spcpu = -1;
	r->index = index;
	r->dirfd = -1;
	r->thread = 0;
	r->owner = -1;
}

struct taskarg {
	struct row	*proc;		/* the process, read and selected */
	int		 pdirfd;
};

/* Our terminal (procps: from our own stat). */
int
my_tty(struct ctx *c)
{
	struct pid_stat st;
	long n;

	if ((n = proc_read_at(c->procfd, "self/stat", &c->b[B_STAT].p,
	    &c->b[B_STAT].cap)) < 0 ||
	    proc_pid_stat_parse(c->b[B_STAT].p, (size_t)n, &st) != 0)
		return 0;
	return st.tty_nr;
}


/* Free what the reading kept: buffers, the terminal drivers. */
void
ctx_free(struct ctx *c)
{
	int i;

	fs_batch_close(&c->fdb);
	for (i = 0; i < B_NBUF; i++)
		free(c->b[i].p);
	if (c->tty_drivers != NULL) {
		for (i = 0; i < 4096; i++)
			free(c->tty_drivers[i]);
		free(c->tty_drivers);
	}
	extra_free(c);
}
