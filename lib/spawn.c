/*
 * spawn: vfork and exec from a plan, with the exec errno sent back.
 *
 * Everything the child needs is computed before the vfork (the PATH to
 * search, the /bin/sh argv for a script without #!, the sorted list of
 * descriptors to keep), so the child makes system calls only: no malloc,
 * no stdio.  The child shares our memory until it execs or exits, and
 * we are suspended until then: a failed step is written into the plan,
 * where we read it when vfork returns (no error pipe, no page tables
 * copied).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "args.h"
#include "fs.h"
#include "spawn.h"

extern char **environ;

/* What the child sends back when a step fails. */
struct spawn_msg {
	int	step;
	int	index;
	int	err;
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct plan {
	const struct spawn *sp;
	const sigset_t	*reset;		/* dispositions to reset */
	char *const	*envp;
	const char	*path;		/* PATH to search */
	char		**shargv;	/* /bin/sh FILE ARG...: ENOEXEC */
	int		*keep;		/* sorted, above 2 */
	size_t		 nkeep;
	struct spawn_msg msg;		/* written by a child that failed */
	/* shargv and keep when short: no allocation per command (musl's
	 * malloc maps a page for them and unmaps it at the free) */
	char		*shargv_short[16];
	int		 keep_short[16];
};

static const char *const step_names[] = {
	[SPAWN_STEP_PARENT] = "start",
	[SPAWN_STEP_SESSION] = "set the session or process group",
	[SPAWN_STEP_FD] = "set up a descriptor",
	[SPAWN_STEP_CLOSE] = "close descriptors",
	[SPAWN_STEP_CWD] = "change directory",
	[SPAWN_STEP_RLIMIT] = "set a limit",
	[SPAWN_STEP_NICE] = "set the niceness",
	[SPAWN_STEP_EXEC] = "exec",
};

const char *
spawn_step_name(enum spawn_step step)
{
	if ((unsigned)step >= sizeof(step_names) / sizeof(step_names[0]))
		return "start";
	return step_names[step];
}

int
spawn_exec_status(int err)
{
	return err == ENOENT ? 127 : 126;
}

/* ---- the child ---- */

static void __attribute__((noreturn))
fail(struct plan *p, int step, int index)
{
	p->msg.err = errno;
	p->msg.index = index;
	p->msg.step = step;
	_exit(127);
}

static int
fd_actions(const struct spawn *sp, int *index)
{
	const struct spawn_fd *a;
	size_t i;
	int fd;

	for (i = 0; i < sp->nfds; i++) {
		a = &sp->fds[i];
		*index = (int)i;
		switch (a->op) {
		case SPAWN_DUP2:
			if (a->src == a->fd) {
				/* dup2 to itself keeps close-on-exec */
				if (fcntl(a->fd, F_SETFD, 0) == -1)
					return -1;
			} else if (dup2(a->src, a->fd) == -1)
				return -1;
			break;
		case SPAWN_OPEN:
			fd = open(a->path, a->oflags | O_CLOEXEC, a->mode);
			if (fd == -1)
				return -1;
			if (fd == a->fd) {
				if (fcntl(fd, F_SETFD, 0) == -1)
					return -1;
			} else {
				if (dup2(fd, a->fd) == -1)
					return -1;
				close(fd);
			}
			break;
		case SPAWN_CLOSE:
			if (close(a->fd) == -1 && errno != EBADF)
				return -1;
			break;
		}
	}
	return 0;
}

static int
kept(const struct plan *p, int fd)
{
	size_t i;

	for (i = 0; i < p->nkeep; i++)
		if (p->keep[i] == fd)
			return 1;
	return 0;
}

struct close_arg {
	const struct plan *p;
	int		 dfd;
};

/* One entry of /proc/self/fd (fs_dir_each reads with a stack buffer: no
 * malloc in the child). */
static int
close_entry(int dfd, const char *name, unsigned type, void *arg)
{
	struct close_arg *ca = arg;
	const char *s;
	long fd = 0;

	for (s = name; *s >= '0' && *s <= '9' && fd < INT_MAX / 10; s++)
		fd = fd * 10 + (*s - '0');
	if (*s == '\0' && s != name && fd >= 3 && fd != ca->dfd &&
	    !kept(ca->p, (int)fd))
		close((int)fd);
	return 0;
}

/* Without close_range: close what /proc/self/fd lists, else try them all. */
static int
close_slow(const struct plan *p)
{
	struct close_arg ca = { p, -1 };
	long fd, max;
	int rc;

	ca.dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ca.dfd == -1) {
		max = sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = 3; fd < max; fd++)
			if (!kept(p, (int)fd))
				close((int)fd);
		return 0;
	}
	rc = fs_dir_each(ca.dfd, close_entry, &ca);
	close(ca.dfd);
	return rc;
}

static int
close_rest(const struct plan *p)
{
	unsigned lo = 3;
	size_t i;

	for (i = 0; i < p->nkeep; i++) {
		if ((unsigned)p->keep[i] > lo &&
		    syscall(SYS_close_range, lo, p->keep[i] - 1, 0) == -1)
			goto slow;
		lo = (unsigned)p->keep[i] + 1;
	}
	if (syscall(SYS_close_range, lo, ~0U, 0) == -1)
		goto slow;
	return 0;
slow:
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
	return close_slow(p);
}

static int
set_rlimits(const struct spawn *sp, int *index)
{
	const struct spawn_rlimit *r;
	struct rlimit rl;
	size_t i;

	for (i = 0; i < sp->nrlimits; i++) {
		r = &sp->rlimits[i];
		*index = (int)i;
		if (r->set != (SPAWN_RL_SOFT | SPAWN_RL_HARD) &&
		    getrlimit(r->resource, &rl) == -1)
			return -1;
		if (r->set & SPAWN_RL_SOFT)
			rl.rlim_cur = r->soft;
		if (r->set & SPAWN_RL_HARD) {
			rl.rlim_max = r->hard;
			if (!(r->set & SPAWN_RL_SOFT) && rl.rlim_cur > r->hard)
				rl.rlim_cur = r->hard;
		}
		if (setrlimit(r->resource, &rl) == -1)
			return -1;
	}
	return 0;
}

static int
set_nice(int inc)
{
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, 0);
	if (cur == -1 && errno != 0)
		return -1;
	cur += inc;
	if (cur < -20)
		cur = -20;
	if (cur > 19)
		cur = 19;
	return setpriority(PRIO_PROCESS, 0, cur);
}

static void
exec_file(const struct plan *p, const char *file)
{
	execve(file, p->sp->argv, p->envp);
	if (errno == ENOEXEC) {
		p->shargv[1] = (char *)file;
		execve("/bin/sh", p->shargv, p->envp);
		errno = ENOEXEC;
	}
}

/* execvp's search: EACCES anywhere wins over ENOENT; other errors stop. */
static void
exec_search(const struct plan *p)
{
	const char *file = p->sp->argv[0], *dir, *end;
	char buf[PATH_MAX];
	size_t flen, dlen;
	int eacces = 0;

	flen = strlen(file);
	if (flen == 0) {
		errno = ENOENT;
		return;
	}
	if (strchr(file, '/') != NULL) {
		exec_file(p, file);
		return;
	}
	for (dir = p->path;; dir = end + 1) {
		if ((end = strchr(dir, ':')) == NULL)
			end = dir + strlen(dir);
		dlen = (size_t)(end - dir);
		if (dlen == 0) {
			memcpy(buf, "./", 2);
			dlen = 2;
		} else if (dlen < sizeof(buf)) {
			memcpy(buf, dir, dlen);
			buf[dlen++] = '/';
		}
		if (dlen + flen < sizeof(buf)) {
			memcpy(buf + dlen, file, flen + 1);
			exec_file(p, buf);
			switch (errno) {
			case EACCES:
				eacces = 1;
				break;
			case ENOENT:
			case ENOTDIR:
			case ESTALE:
			case ENODEV:
			case ETIMEDOUT:
			case ENAMETOOLONG:
			case ELOOP:
				break;
			default:
				return;
			}
		}
		if (*end == '\0')
			break;
	}
	errno = eacces ? EACCES : ENOENT;
}

static void __attribute__((noreturn))
child(struct plan *p)
{
	const struct spawn *sp = p->sp;
	struct sigaction sa;
	sigset_t none;
	int sig, index = 0;

	if ((sp->flags & SPAWN_SESSION) && setsid() == -1)
		fail(p, SPAWN_STEP_SESSION, 0);
	if ((sp->flags & (SPAWN_PGROUP | SPAWN_SESSION)) == SPAWN_PGROUP &&
	    setpgid(0, 0) == -1)
		fail(p, SPAWN_STEP_SESSION, 0);
	/* all signals are blocked here (spawn_start), so no handler of the
	 * parent's runs in the child before the dispositions are reset */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(p->reset, sig) == 1)
			sigaction(sig, &sa, NULL);	/* libc's: EINVAL */
	if (fd_actions(sp, &index) == -1)
		fail(p, SPAWN_STEP_FD, index);
	if (!(sp->flags & SPAWN_KEEPFDS)) {
		size_t i;

		if (close_rest(p) == -1)
			fail(p, SPAWN_STEP_CLOSE, 0);
		for (i = 0; i < sp->nkeep; i++)
			if (fcntl(sp->keep[i], F_SETFD, 0) == -1)
				fail(p, SPAWN_STEP_FD, (int)(sp->nfds + i));
	}
	if (sp->cwd != NULL && chdir(sp->cwd) == -1)
		fail(p, SPAWN_STEP_CWD, 0);
	if (sp->umask >= 0)
		umask((mode_t)sp->umask);
	if (set_rlimits(sp, &index) == -1)
		fail(p, SPAWN_STEP_RLIMIT, index);
	if ((sp->flags & SPAWN_NICE) && set_nice(sp->nice) == -1)
		fail(p, SPAWN_STEP_NICE, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	exec_search(p);
	fail(p, SPAWN_STEP_EXEC, 0);
}

/* ---- the parent ---- */

static const char *
env_path(char *const *envp)
{
	for (; *envp != NULL; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			return *envp + 5;
	return "/bin:/usr/bin";		/* execvp's default */
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The dispositions the child resets (see spawn.h): the ones not SIG_DFL
 * at the first command, and ours.  A reset costs the child a system call
 * (all 62 of them took 44 µs a command), where exec resets a handler by
 * itself and leaves SIG_DFL as it is.
 */
static const sigset_t *
reset_set(void)
{
	static const int ours[] = { SPAWN_SIGS_OURS };
	static sigset_t set;
	static int known;
	struct sigaction sa;
	size_t i;
	int sig;

	if (known)
		return &set;
	sigemptyset(&set);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL)
			sigaddset(&set, sig);
	for (i = 0; i < NELEM(ours); i++)
		sigaddset(&set, ours[i]);
	known = 1;
	return &set;
}

static int
prepare(struct plan *p, const struct spawn *sp)
{
	size_t argc, i;

	memset(p, 0, sizeof(*p));
	p->sp = sp;
	p->reset = reset_set();
	p->envp = sp->envp != NULL ? sp->envp : environ;
	p->path = env_path(p->envp);
	p->msg.step = -1;
	for (argc = 0; sp->argv[argc] != NULL; argc++)
		;
	if (argc + 2 <= NELEM(p->shargv_short))
		p->shargv = p->shargv_short;
	else if ((p->shargv = calloc(argc + 2, sizeof(char *))) == NULL)
		return -1;
	p->shargv[0] = "/bin/sh";
	for (i = 1; i < argc; i++)
		p->shargv[i + 1] = sp->argv[i];
	if (sp->nfds + sp->nkeep + 1 <= NELEM(p->keep_short))
		p->keep = p->keep_short;
	else if ((p->keep = malloc((sp->nfds + sp->nkeep + 1) *
	    sizeof(int))) == NULL)
		return -1;
	for (i = 0; i < sp->nfds; i++)
		if (sp->fds[i].op != SPAWN_CLOSE && sp->fds[i].fd > 2)
			p->keep[p->nkeep++] = sp->fds[i].fd;
	for (i = 0; i < sp->nkeep; i++)
		if (sp->keep[i] > 2)
			p->keep[p->nkeep++] = sp->keep[i];
	qsort(p->keep, p->nkeep, sizeof(int), cmp_int);
	return 0;
}

int
spawn_start(const struct spawn *sp, pid_t *pidp, struct spawn_err *se)
{
	struct plan p;
	sigset_t all, old;
	int e, rc = -1;
	pid_t pid;

	se->step = SPAWN_STEP_PARENT;
	se->index = 0;
	if (sp->argv == NULL || sp->argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (prepare(&p, sp) == -1)
		goto out;
	/* all signals blocked: no handler of ours runs on the shared
	 * memory before the child has reset them */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = vfork();
	if (pid == 0)
		child(&p);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		errno = e;
		goto out;
	}
	if (p.msg.step == -1) {
		*pidp = pid;
		rc = 0;
		goto out;
	}
	/* the child failed before exec: reap it */
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	se->step = (enum spawn_step)p.msg.step;
	se->index = p.msg.index;
	errno = p.msg.err;
out:
	if (p.shargv != p.shargv_short)
		free(p.shargv);
	if (p.keep != p.keep_short)
		free(p.keep);
	return rc;
}

/* ---- --limit RESOURCE=SOFT[:HARD] ---- */

enum { RK_COUNT, RK_SIZE, RK_SECS };

static const struct {
	const char	*name;
	int		 resource;
	int		 kind;
} rlims[] = {
	{ "as", RLIMIT_AS, RK_SIZE },
	{ "core", RLIMIT_CORE, RK_SIZE },
	{ "cpu", RLIMIT_CPU, RK_SECS },
	{ "data", RLIMIT_DATA, RK_SIZE },
	{ "fsize", RLIMIT_FSIZE, RK_SIZE },
	{ "locks", RLIMIT_LOCKS, RK_COUNT },
	{ "memlock", RLIMIT_MEMLOCK, RK_SIZE },
	{ "msgqueue", RLIMIT_MSGQUEUE, RK_SIZE },
	{ "nice", RLIMIT_NICE, RK_COUNT },
	{ "nofile", RLIMIT_NOFILE, RK_COUNT },
	{ "nproc", RLIMIT_NPROC, RK_COUNT },
	{ "rss", RLIMIT_RSS, RK_SIZE },
	{ "rtprio", RLIMIT_RTPRIO, RK_COUNT },
	{ "rttime", RLIMIT_RTTIME, RK_COUNT },
	{ "sigpending", RLIMIT_SIGPENDING, RK_COUNT },
	{ "stack", RLIMIT_STACK, RK_SIZE },
};

const char *
spawn_rlimit_name(int resource)
{
	size_t i;

	for (i = 0; i < sizeof(rlims) / sizeof(rlims[0]); i++)
		if (rlims[i].resource == resource)
			return rlims[i].name;
	return NULL;
}

static int
rlim_value(const char *s, int kind, rlim_t *out)
{
	uint64_t v;
	double d;

	if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	switch (kind) {
	case RK_SIZE:
		if (args_size(s, &v) == -1)
			return -1;
		break;
	case RK_SECS:
		if (args_duration(s, 1e15, &d) == -1)
			return -1;
		v = (uint64_t)d;	/* whole seconds, rounded up */
		if ((double)v < d)
			v++;
		break;
	default:
		if (args_uint(s, 0, UINT64_MAX, &v) == -1)
			return -1;
		break;
	}
	if (v >= (uint64_t)RLIM_INFINITY) {
		errno = ERANGE;
		return -1;
	}
	*out = (rlim_t)v;
	return 0;
}

int
spawn_parse_rlimit(const char *s, struct spawn_rlimit *out)
{
	struct spawn_rlimit rl;
	char soft[64], hard[64];
	const char *eq, *colon, *name;
	size_t nlen, i, n;

	memset(&rl, 0, sizeof(rl));
	if ((eq = strchr(s, '=')) == NULL)
		goto bad;
	name = s;
	nlen = (size_t)(eq - s);
	if (nlen > 7 && strncasecmp(name, "RLIMIT_", 7) == 0) {
		name += 7;
		nlen -= 7;
	}
	for (i = 0; i < sizeof(rlims) / sizeof(rlims[0]); i++)
		if (strlen(rlims[i].name) == nlen &&
		    strncasecmp(rlims[i].name, name, nlen) == 0)
			break;
	if (i == sizeof(rlims) / sizeof(rlims[0]))
		goto bad;
	rl.resource = rlims[i].resource;
	s = eq + 1;
	colon = strchr(s, ':');
	n = colon != NULL ? (size_t)(colon - s) : strlen(s);
	if (n >= sizeof(soft))
		goto bad;
	memcpy(soft, s, n);
	soft[n] = '\0';
	hard[0] = '\0';
	if (colon != NULL) {
		if (strlen(colon + 1) >= sizeof(hard))
			goto bad;
		strcpy(hard, colon + 1);
	}
	if (soft[0] != '\0') {
		if (rlim_value(soft, rlims[i].kind, &rl.soft) == -1)
			return -1;
		rl.set |= SPAWN_RL_SOFT;
	}
	if (colon == NULL && soft[0] != '\0') {
		rl.hard = rl.soft;
		rl.set |= SPAWN_RL_HARD;
	} else if (hard[0] != '\0') {
		if (rlim_value(hard, rlims[i].kind, &rl.hard) == -1)
			return -1;
		rl.set |= SPAWN_RL_HARD;
	}
	if (rl.set == 0)
		goto bad;
	if (rl.set == (SPAWN_RL_SOFT | SPAWN_RL_HARD) && rl.soft > rl.hard)
		goto bad;
	*out = rl;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}
