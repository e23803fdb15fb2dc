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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Read a small /proc file whole: a malloc'd NUL-terminated buffer. */
static char *
slurp(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 1024;
	char *buf, *nb;
	ssize_t n;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (cap - len < 2) {
			if (cap > (1U << 26)) {
				errno = EFBIG;
				goto fail;
			}
			if ((nb = realloc(buf, cap * 2)) == NULL)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return NULL;
}

/* A decimal pid at *sp, advancing *sp; 0 when there is none. */
static pid_t
scan_pid(const char **sp, const char *end)
{
	const char *s = *sp;
	long v = 0;

	while (s < end && *s == ' ')
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

/* Whether the kernel has /proc/PID/task/TID/children (PROC_CHILDREN). */
static int
have_children_file(void)
{
	static int have = -1;
	char path[64];

	if (have == -1) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		    (int)getpid(), (int)getpid());
		have = access(path, R_OK) == 0;
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

/* Append the children of every thread of pid. */
static int
children_of(pid_t pid, struct dlist *l)
{
	char path[96];
	struct dirent *de;
	const char *s, *end;
	size_t len;
	char *buf;
	pid_t c;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (!is_number(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children",
		    (int)pid, de->d_name);
		if ((buf = slurp(path, &len)) == NULL) {
			if (errno == ENOENT || errno == ESRCH)
				continue;	/* the thread is gone */
			closedir(d);
			return -1;
		}
		s = buf;
		end = buf + len;
		while ((c = scan_pid(&s, end)) > 0)
			if (dlist_add(l, c, pid) == -1) {
				free(buf);
				closedir(d);
				return -1;
			}
		free(buf);
	}
	closedir(d);
	return 0;
}

/* The fields after the command name in a /proc/PID/stat line. */
static int
parse_stat(const char *buf, size_t len, pid_t *ppid, pid_t *pgrp)
{
	const char *s = NULL, *end = buf + len, *p;

	for (p = buf; p < end; p++)
		if (*p == ')')
			s = p;
	if (s == NULL || end - s < 4)
		return -1;
	s += 2;			/* ") " */
	s++;			/* the state letter */
	*ppid = scan_pid(&s, end);	/* 0 for init and kernel threads */
	while (s < end && *s == ' ')
		s++;
	if (s == end)
		return -1;
	*pgrp = scan_pid(&s, end);
	return 0;
}

static int
read_stat(pid_t pid, pid_t *ppid, pid_t *pgrp)
{
	char path[48], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	do
		n = read(fd, buf, sizeof(buf));
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n <= 0) {
		if (n == 0)
			errno = ESRCH;
		return -1;
	}
	if (parse_stat(buf, (size_t)n, ppid, pgrp) == -1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Every process's parent from a scan of /proc, then ours by closure. */
static int
scan_tree(pid_t self, struct dlist *out)
{
	struct dlist all = { 0 };
	struct dirent *de;
	unsigned char *in;
	pid_t ppid, pgrp;
	size_t i, added;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		long v;

		if (!is_number(de->d_name) || strlen(de->d_name) > 9)
			continue;
		v = strtol(de->d_name, NULL, 10);
		if (read_stat((pid_t)v, &ppid, &pgrp) == -1)
			continue;	/* gone */
		if (dlist_add(&all, (pid_t)v, ppid) == -1) {
			closedir(d);
			free(all.v);
			return -1;
		}
	}
	closedir(d);
	if ((in = calloc(all.n + 1, 1)) == NULL) {
		free(all.v);
		return -1;
	}
	/* closure: a process is ours when its parent is us or ours */
	do {
		added = 0;
		for (i = 0; i < all.n; i++) {
			size_t j;
			int ok = 0;

			if (in[i])
				continue;
			if (all.v[i].ppid == self)
				ok = 1;
			for (j = 0; !ok && j < out->n; j++)
				ok = out->v[j].pid == all.v[i].ppid;
			if (ok) {
				in[i] = 1;
				added++;
				if (dlist_add(out, all.v[i].pid,
				    all.v[i].ppid) == -1) {
					free(in);
					free(all.v);
					return -1;
				}
			}
		}
	} while (added > 0);
	free(in);
	free(all.v);
	return 0;
}

static int
tree(struct dlist *l)
{
	pid_t self = getpid();
	size_t i;

	if (!have_children_file())
		return scan_tree(self, l);
	if (children_of(self, l) == -1)
		return -1;
	for (i = 0; i < l->n; i++)
		if (children_of(l->v[i].pid, l) == -1)
			return -1;
	return 0;
}

int
reap_descendants(pid_t **pids, size_t *n)
{
	struct dlist l = { 0 };
	size_t i;

	if (tree(&l) == -1) {
		free(l.v);
		return -1;
	}
	*pids = malloc((l.n ? l.n : 1) * sizeof(pid_t));
	if (*pids == NULL) {
		free(l.v);
		return -1;
	}
	for (i = 0; i < l.n; i++)
		(*pids)[i] = l.v[i].pid;
	*n = l.n;
	free(l.v);
	return 0;
}

int
reap_kill_tree(pid_t pgid, int sig)
{
	struct dlist l = { 0 };
	pid_t self = getpid(), ppid, pgrp;
	int count = 0, fd;
	size_t i;

	if (pgid > 0 && kill(-pgid, sig) == 0)
		count++;
	if (tree(&l) == -1) {
		free(l.v);
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		fd = reap_pidfd_open(l.v[i].pid);
		if (fd == -1 && errno != ENOSYS)
			continue;	/* gone */
		/* the pidfd pins the process: check it is the one we found */
		if (read_stat(l.v[i].pid, &ppid, &pgrp) == -1 ||
		    (ppid != l.v[i].ppid && ppid != self) ||
		    (pgid > 0 && pgrp == pgid)) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (reap_pidfd_kill(fd, l.v[i].pid, sig) == 0)
			count++;
		if (fd >= 0)
			close(fd);
	}
	free(l.v);
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

/* An exit code 0..255 at *sp, advancing it; -1 when there is none. */
static int
scan_code(const char **sp)
{
	const char *s = *sp;
	int v = 0, nd = 0;

	while (*s >= '0' && *s <= '9') {
		if (++nd > 3)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (nd == 0 || v > 255)
		return -1;
	*sp = s;
	return v;
}

static int
word(const char *s, const char *w, const char **end)
{
	size_t n = strlen(w);

	if (strncmp(s, w, n) != 0 || (s[n] != ',' && s[n] != '\0'))
		return 0;
	*end = s + n;
	return 1;
}

int
reap_parse_codes(const char *s, struct reap_codes *out)
{
	struct reap_codes c;
	const char *e;
	int a, b, i;

	memset(&c, 0, sizeof(c));
	for (;;) {
		if (word(s, "timeout", &e))
			c.timeout = 1;
		else if (word(s, "signal", &e))
			c.signal = 1;
		else {
			e = s;
			if ((a = scan_code(&e)) == -1)
				goto bad;
			b = a;
			if (*e == '-') {
				e++;
				if ((b = scan_code(&e)) == -1 || b < a)
					goto bad;
			}
			for (i = a; i <= b; i++)
				c.bits[i / 64] |= (uint64_t)1 << (i % 64);
		}
		if (*e == '\0')
			break;
		if (*e != ',')
			goto bad;
		s = e + 1;
	}
	*out = c;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
reap_codes_has(const struct reap_codes *c, int code)
{
	if (code < 0 || code > 255)
		return 0;
	return (c->bits[code / 64] >> (code % 64)) & 1;
}
