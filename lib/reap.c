/*
 * reap: exit codes, subreaping, the process tree below us, rusage.
 *
 * The tree is found through /proc/PID/task/TID/children (every thread's, as
 * a child belongs to the thread that forked it), or, on kernels built
 * without that file, by one scan of every /proc/PID/stat.  A pid read from
 * /proc can be recycled before we signal it, so each descendant is signalled
 * through a pidfd opened first and checked afterwards: the pidfd pins the
 * process, and its /proc entry must still show a parent in our tree.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "proc.h"
#include "reap.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal	424
#endif

/* A tree bigger than this is a fork bomb; the sweep takes it in rounds. */
#define TREE_MAX	65536

static int pidfd_off;

struct desc {
	pid_t	pid;
	pid_t	ppid;
};

struct dlist {
	struct desc	*v;
	size_t		 n, cap;
};

int
reap_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 128 + (WIFSTOPPED(status) ? WSTOPSIG(status) : 0);
}

int
reap_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1 ? -1 : 0;
}

void
reap_pidfd_use(int on)
{
	pidfd_off = !on;
}

int
reap_pidfd_open(pid_t pid)
{
	long fd;

	if (pidfd_off) {
		errno = ENOSYS;
		return -1;
	}
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd == -1 && (errno == ENOSYS || errno == EPERM))
		pidfd_off = 1;	/* EPERM: seccomp, as good as none */
	return (int)fd;	/* pidfds are always close-on-exec */
}

int
reap_pidfd_kill(int pidfd, pid_t pid, int sig)
{
	if (pidfd >= 0 &&
	    syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
		return 0;
	if (pidfd >= 0 && errno != ENOSYS)
		return -1;
	return kill(pid, sig);
}

/* A decimal pid at *sp, advancing *sp; 0 when there is none. */
static pid_t
scan_pid(const char **sp, const char *end)
{
	const char *s = *sp;
	long v = 0;

	while (s < end && (*s == ' ' || *s == '\n'))
		s++;
	if (s == end || *s < '0' || *s > '9') {
		*sp = s;
		return 0;
	}
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (INT_MAX - 9) / 10) {
			v = 0;	/* not a pid: skip the digits */
			while (s < end && *s >= '0' && *s <= '9')
				s++;
			break;
		}
		v = v * 10 + (*s - '0');
		s++;
	}
	*sp = s;
	return (pid_t)v;
}

static int
dlist_add(struct dlist *l, pid_t pid, pid_t ppid)
{
	struct desc *nv;
	size_t ncap;

	if (l->n == l->cap) {
		if (l->cap >= TREE_MAX)
			return 0;	/* the rest next round */
		ncap = l->cap ? l->cap * 2 : 16;
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].pid = pid;
	l->v[l->n].ppid = ppid;
	l->n++;
	return 0;
}

/* The real /proc, open once (close-on-exec), whatever SYSKIT_PROC says:
 * the tree is this machine's. */
static int
proc_fd(void)
{
	static int fd = -1;

	if (fd == -1)
		fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/* Whether the kernel has /proc/PID/task/TID/children (PROC_CHILDREN). */
static int
have_children_file(void)
{
	static int have = -1;
	char path[64];

	if (have == -1) {
		snprintf(path, sizeof(path), "self/task/%d/children",
		    (int)getpid());
		have = faccessat(proc_fd(), path, R_OK, 0) == 0;
	}
	return have;
}

static int
is_number(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A tree being listed: the list, the read buffer, what to leave out. */
struct walk {
	struct dlist	 l;
	char		*buf;
	size_t		 cap;
	pid_t		 parent;	/* whose threads are being read */
	const pid_t	*skip;
	size_t		 nskip;
};

static int
skipped(const struct walk *w, pid_t pid)
{
	size_t i;

	for (i = 0; i < w->nskip; i++)
		if (w->skip[i] == pid)
			return 1;
	return 0;
}

/* One thread's children file. */
static int
thread_children(int dfd, const char *name, unsigned type, void *arg)
{
	struct walk *w = arg;
	const char *s, *end;
	char rel[96];
	long len;
	pid_t c;

	if (!is_number(name))
		return 0;
	snprintf(rel, sizeof(rel), "%d/task/%.16s/children", (int)w->parent,
	    name);
	if ((len = proc_read_at(proc_fd(), rel, &w->buf, &w->cap)) == -1)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	s = w->buf;
	end = w->buf + len;
	while ((c = scan_pid(&s, end)) > 0)
		if (!skipped(w, c) && dlist_add(&w->l, c, w->parent) == -1)
			return -1;
	return 0;
}

/* Append the children of every thread of pid. */
static int
children_of(struct walk *w, pid_t pid)
{
	char rel[48];
	int dfd, rc, e;

	snprintf(rel, sizeof(rel), "%d/task", (int)pid);
	dfd = openat(proc_fd(), rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	w->parent = pid;
	rc = fs_dir_each(dfd, thread_children, w);
	e = errno;
	close(dfd);
	errno = e;
	return rc == 0 ? 0 : -1;
}

/* The parent and group of pid from its stat line. */
static int
read_stat(struct walk *w, pid_t pid, pid_t *ppid, pid_t *pgrp)
{
	struct pid_stat ps;
	char rel[32];
	long len;

	snprintf(rel, sizeof(rel), "%d/stat", (int)pid);
	if ((len = proc_read_at(proc_fd(), rel, &w->buf, &w->cap)) == -1)
		return -1;
	if (len == 0) {
		errno = ESRCH;
		return -1;
	}
	if (proc_pid_stat_parse(w->buf, (size_t)len, &ps) == -1) {
		errno = EINVAL;
		return -1;
	}
	*ppid = ps.ppid;	/* 0 for init and kernel threads */
	*pgrp = ps.pgrp;
	return 0;
}

/* One entry of /proc for the scan: every process and its parent. */
static int
scan_one(int dfd, const char *name, unsigned type, void *arg)
{
	struct walk *w = arg;
	pid_t ppid, pgrp;

	if (!is_number(name) || strlen(name) > 9)
		return 0;
	if (read_stat(w, (pid_t)atoi(name), &ppid, &pgrp) == -1)
		return 0;	/* gone */
	return dlist_add(&w->l, (pid_t)atoi(name), ppid);
}

/* Every process's parent from a scan of /proc, then root's by closure. */
static int
scan_tree(struct walk *w, pid_t root)
{
	struct dlist all;
	unsigned char *in;
	size_t i, j, added;
	int dfd, rc = -1;

	if ((dfd = openat(proc_fd(), ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fs_dir_each(dfd, scan_one, w) != 0) {
		close(dfd);
		return -1;
	}
	close(dfd);
	all = w->l;	/* the scan, then the tree in w->l */
	memset(&w->l, 0, sizeof(w->l));
	if ((in = calloc(all.n + 1, 1)) == NULL)
		goto out;
	/* closure: a process is root's when its parent is root or root's */
	do {
		added = 0;
		for (i = 0; i < all.n; i++) {
			int ok = 0;

			if (in[i] || skipped(w, all.v[i].pid))
				continue;
			ok = all.v[i].ppid == root;
			for (j = 0; !ok && j < w->l.n; j++)
				ok = w->l.v[j].pid == all.v[i].ppid;
			if (!ok)
				continue;
			in[i] = 1;
			added++;
			if (dlist_add(&w->l, all.v[i].pid, all.v[i].ppid) == -1)
				goto out;
		}
	} while (added > 0);
	rc = 0;
out:
	free(in);
	free(all.v);
	return rc;
}

static int
tree(struct walk *w, pid_t root)
{
	size_t i;

	if (proc_fd() == -1)
		return -1;
	if (!have_children_file())
		return scan_tree(w, root);
	if (children_of(w, root) == -1)
		return -1;
	for (i = 0; i < w->l.n; i++)
		if (children_of(w, w->l.v[i].pid) == -1)
			return -1;
	return 0;
}

static void
walk_free(struct walk *w)
{
	free(w->l.v);
	free(w->buf);
}

int
reap_descendants(pid_t root, const pid_t *skip, size_t nskip, pid_t **pids,
    size_t *n)
{
	struct walk w = { .skip = skip, .nskip = nskip };
	size_t i;

	if (tree(&w, root > 0 ? root : getpid()) == -1) {
		walk_free(&w);
		return -1;
	}
	if ((*pids = malloc((w.l.n ? w.l.n : 1) * sizeof(pid_t))) == NULL) {
		walk_free(&w);
		return -1;
	}
	for (i = 0; i < w.l.n; i++)
		(*pids)[i] = w.l.v[i].pid;
	*n = w.l.n;
	walk_free(&w);
	return 0;
}

int
reap_kill_tree(pid_t root, pid_t pgid, const pid_t *skip, size_t nskip,
    int sig)
{
	struct walk w = { .skip = skip, .nskip = nskip };
	pid_t self = getpid(), ppid, pgrp;
	int count = 0, fd;
	size_t i;

	if (pgid > 0 && kill(-pgid, sig) == 0)
		count++;
	if (tree(&w, root > 0 ? root : self) == -1) {
		walk_free(&w);
		return -1;
	}
	for (i = 0; i < w.l.n; i++) {
		fd = reap_pidfd_open(w.l.v[i].pid);
		if (fd == -1 && errno != ENOSYS)
			continue;	/* gone */
		/* the pidfd pins the process: check it is the one we found
		 * (its parent then, or us once the parent died) */
		if (read_stat(&w, w.l.v[i].pid, &ppid, &pgrp) == -1 ||
		    (ppid != w.l.v[i].ppid && ppid != self) ||
		    (pgid > 0 && pgrp == pgid)) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (reap_pidfd_kill(fd, w.l.v[i].pid, sig) == 0)
			count++;
		if (fd >= 0)
			close(fd);
	}
	walk_free(&w);
	return count;
}

int
reap_children(void (*fn)(void *, pid_t, int, const struct rusage *),
    void *arg)
{
	struct rusage ru;
	int n = 0, status;
	pid_t pid;

	for (;;) {
		memset(&ru, 0, sizeof(ru));
		pid = wait4(-1, &status, WNOHANG, &ru);
		if (pid > 0) {
			n++;
			if (fn != NULL)
				fn(arg, pid, status, &ru);
			continue;
		}
		if (pid == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == ECHILD)
			break;
		return -1;
	}
	return n;
}

static void
tv_add(struct timeval *a, const struct timeval *b)
{
	a->tv_sec += b->tv_sec;
	a->tv_usec += b->tv_usec;
	if (a->tv_usec >= 1000000) {
		a->tv_sec++;
		a->tv_usec -= 1000000;
	}
}

void
reap_rusage_add(struct rusage *sum, const struct rusage *r)
{
	tv_add(&sum->ru_utime, &r->ru_utime);
	tv_add(&sum->ru_stime, &r->ru_stime);
	if (r->ru_maxrss > sum->ru_maxrss)
		sum->ru_maxrss = r->ru_maxrss;
	sum->ru_minflt += r->ru_minflt;
	sum->ru_majflt += r->ru_majflt;
	sum->ru_inblock += r->ru_inblock;
	sum->ru_oublock += r->ru_oublock;
	sum->ru_nvcsw += r->ru_nvcsw;
	sum->ru_nivcsw += r->ru_nivcsw;
}
