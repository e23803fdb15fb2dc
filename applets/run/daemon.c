/*
 * run --daemon: start a command as a proper daemon and say whether it
 * really started; run --stop: stop one through its pidfile.
 *
 * The caller opens and locks the pidfile (a second start fails here,
 * naming the holder), opens the log, forks; the first child makes a new
 * session and forks the supervisor, which detaches (/, umask, /dev/null,
 * the log, no other descriptors, an empty signal mask) and starts the
 * command through lib/child.  The supervisor holds the pidfile's lock
 * (the descriptor came through both forks) with the command's pid in it,
 * restarts the command when asked to, and removes the pidfile (unlink,
 * then unlock) when it ends.  It tells the caller how the start went on
 * a close-on-exec pipe: the caller exits 0 only once the exec succeeded
 * (and, with --wait-ready, once the command wrote a line on that fd).
 *
 * pidfile_write would write the supervisor's pid: the command's goes in
 * through pidfile_fileno instead.
 */
#include "run.h"

#include <sys/file.h>

#include "../../lib/pidfh.h"
#include "../../lib/proc.h"

#define STOP_TIMEOUT	10.0	/* --stop without -t */
#define STOP_POLL	0.02

struct daemon {
	struct opts	*o;
	char		**av;
	char		**envp;
	struct loop	*loop;
	struct child	 ch;
	struct pidfh	*pfh;
	int		 st;		/* status pipe to the caller, or -1 */
	int		 rd;		/* the command's readiness fd, or -1 */
	int		 stopping;	/* told to stop: no restart */
	int		 restarts;
	int		 code;
};

/* ---- the pidfile ---- */

/* A world-writable directory without the sticky bit lets anyone replace
 * the pidfile: refused. */
static int
dir_ok(const char *path)
{
	char *dir = xstrdup(path), *slash, v[256];
	struct stat sb;
	int rc = 0;

	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &sb) == -1) {
		warn("cannot use %s", run_vis(v, sizeof(v), dir));
		rc = -1;
	} else if ((sb.st_mode & S_IWOTH) && !(sb.st_mode & S_ISVTX)) {
		warnx("refusing pidfile %s: its directory is world-writable "
		    "without the sticky bit", run_vis(v, sizeof(v), path));
		rc = -1;
	}
	free(dir);
	return rc;
}

static int
pidfile_put(struct pidfh *pfh, pid_t pid)
{
	char s[32];
	int fd = pidfh_fileno(pfh), n;

	/* no newline, as pidfile_write: pidfile_open reads it back */
	n = snprintf(s, sizeof(s), "%ld", (long)pid);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, s, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* ---- the supervisor ---- */

static void	start(struct daemon *d);

static void
tell(struct daemon *d, char kind, long a, long b)
{
	char s[64];
	int n;

	if (d->st == -1)
		return;
	/* "S pid 0": started; "E step errno": failed */
	n = snprintf(s, sizeof(s), "%c %ld %ld\n", kind, a, b);
	(void)!write(d->st, s, (size_t)n);	/* the caller may be gone */
	close(d->st);
	d->st = -1;
}

static void
finish(struct daemon *d, int code)
{
	if (d->pfh != NULL)
		pidfh_remove(d->pfh);
	d->pfh = NULL;
	d->code = code;
	loop_stop(d->loop);
}

static void
on_delay(struct loop *l, int id, void *arg)
{
	start(arg);
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct daemon *d = arg;
	int code, again;

	if (ev != CHILD_DONE)
		return;
	code = child_code(c);
	child_release(c);
	again = !d->stopping && (d->o->m.restart == RESTART_ALWAYS ||
	    (d->o->m.restart == RESTART_FAILURE && code != 0));
	if (!again) {
		finish(d, code);
		return;
	}
	d->restarts++;
	warnx("pid %ld exited with status %d; restart %d in %.3gs",
	    (long)c->pid, code, d->restarts, d->o->m.restart_delay);
	if (loop_timer(d->loop, d->o->m.restart_delay, 0, on_delay, d) == -1) {
		warn("cannot restart");
		finish(d, code);
	}
}

static void
start(struct daemon *d)
{
	struct spawn_fd fds[1];
	struct spawn sp;
	struct opts *o = d->o;
	int e;

	memset(&sp, 0, sizeof(sp));
	sp.argv = d->av;
	sp.envp = d->envp;
	sp.umask = -1;
	sp.nice = o->nice;
	sp.flags = o->has_nice ? SPAWN_NICE : 0;
	sp.rlimits = o->rl;
	sp.nrlimits = o->nrl;
	sp.keep = o->pass;
	sp.nkeep = o->npass;
	if (d->rd != -1) {
		memset(fds, 0, sizeof(fds));
		fds[0].op = SPAWN_DUP2;
		fds[0].fd = o->m.ready_fd;
		fds[0].src = d->rd;
		sp.fds = fds;
		sp.nfds = 1;
	}
	child_init(&d->ch);
	d->ch.kill_after = o->m.grace;
	d->ch.fn = on_child;
	d->ch.arg = d;
	if (child_start(&d->ch, d->loop, &sp) == -1) {
		e = errno;
		tell(d, 'E', (long)d->ch.se.step, (long)e);
		warnx("cannot start the command: %s", strerror(e));
		finish(d, d->ch.se.step == SPAWN_STEP_EXEC ?
		    spawn_exec_status(e) : EXIT_SELF);
		return;
	}
	if (d->pfh != NULL && pidfile_put(d->pfh, d->ch.pid) == -1)
		warn("cannot write the pidfile");
	if (d->rd != -1) {
		close(d->rd);	/* the command's alone: EOF when it dies */
		d->rd = -1;
	}
	if (d->restarts > 0)
		warnx("restarted as pid %ld", (long)d->ch.pid);
	tell(d, 'S', (long)d->ch.pid, 0);
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD) {
		run_reap_others(&d->ch);
		if (!child_running(&d->ch))
			child_reap(&d->ch);	/* a step of the sweep */
		return;
	}
	if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP ||
	    sig == SIGQUIT)
		d->stopping = 1;
	if (d->ch.pid == 0 || child_done(&d->ch)) {
		if (d->stopping)	/* waiting to restart: don't */
			finish(d, 128 + sig);
		return;
	}
	child_signal(&d->ch, sig);
}

struct keep {
	const int	*fd;
	size_t		 n;
};

static int
close_one(int dfd, const char *name, unsigned type, void *arg)
{
	const struct keep *k = arg;
	long long fd;
	size_t i;

	if (args_int(name, 3, INT_MAX, &fd) == -1 || fd == dfd)
		return 0;
	for (i = 0; i < k->n; i++)
		if (k->fd[i] == fd)
			return 0;
	close((int)fd);
	return 0;
}

/* Every descriptor above 2 but those in keep. */
static void
close_others(const int *keep, size_t n)
{
	struct keep k = { keep, n };
	int dfd;

	if ((dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	fs_dir_each(dfd, close_one, &k);
	close(dfd);
}

/* Detach: the working directory, umask, standard descriptors, nothing
 * else open, signals as new. */
static int
detach(struct daemon *d, int nullfd, int logfd)
{
	int keep[4], sig;
	size_t n = 0;
	sigset_t none;

	if (chdir(d->o->cwd != NULL ? d->o->cwd : "/") == -1)
		return -1;
	umask(d->o->umask >= 0 ? (mode_t)d->o->umask : 022);
	if (dup2(nullfd, 0) == -1 || dup2(logfd, 1) == -1 ||
	    dup2(logfd, 2) == -1)
		return -1;
	keep[n++] = d->st;
	if (d->rd != -1)
		keep[n++] = d->rd;
	if (d->pfh != NULL)
		keep[n++] = pidfh_fileno(d->pfh);
	close_others(keep, n);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return 0;
}

static int
supervise(struct daemon *d, int nullfd, int logfd)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT,
	    SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD };
	size_t i;
	int e;

	if (detach(d, nullfd, logfd) == -1) {
		e = errno;
		tell(d, 'E', (long)SPAWN_STEP_CWD, (long)e);
		return EXIT_SELF;
	}
	reap_subreaper();
	if ((d->loop = loop_new()) == NULL)
		goto fail;
	for (i = 0; i < nitems(sigs); i++)
		if (loop_signal(d->loop, sigs[i], on_signal, d) == -1)
			goto fail;
	start(d);
	loop_run(d->loop);
	loop_free(d->loop);
	if (d->pfh != NULL)
		pidfh_remove(d->pfh);
	return d->code;
fail:
	e = errno;
	tell(d, 'E', (long)SPAWN_STEP_PARENT, (long)e);
	if (d->pfh != NULL)
		pidfh_remove(d->pfh);
	return EXIT_SELF;
}

/* ---- the caller ---- */

/* What the supervisor said: 0 and the pid, or the exit code. */
static int
hear(struct daemon *d, int fd, pid_t *pid)
{
	char s[64], v[200];
	ssize_t n;
	long a, b;
	char kind;

	do
		n = read(fd, s, sizeof(s) - 1);
	while (n == -1 && errno == EINTR);
	if (n <= 0) {
		warnx("the daemon died before it started the command");
		return EXIT_SELF;
	}
	s[n] = '\0';
	if (sscanf(s, "%c %ld %ld", &kind, &a, &b) != 3) {
		warnx("the daemon said something unexpected");
		return EXIT_SELF;
	}
	if (kind == 'S') {
		*pid = (pid_t)a;
		return 0;
	}
	if (a == SPAWN_STEP_EXEC) {
		warnx("%s: %s", run_vis(v, sizeof(v), d->av[0]),
		    strerror((int)b));
		return spawn_exec_status((int)b);
	}
	if (a == SPAWN_STEP_CWD && d->o->cwd != NULL)
		warnx("cannot change directory to %s: %s",
		    run_vis(v, sizeof(v), d->o->cwd), strerror((int)b));
	else
		warnx("cannot %s: %s", spawn_step_name((enum spawn_step)a),
		    strerror((int)b));
	return EXIT_SELF;
}

/* Wait for a line on the readiness pipe: 0, 124 after the time limit,
 * 1 when the command closed it (or died) first. */
static int
wait_ready(struct daemon *d, int fd, pid_t pid)
{
	double end = d->o->m.ready_timeout > 0 ?
	    loop_now() + d->o->m.ready_timeout : 0;
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[512];
	ssize_t n;
	int ms, i;

	for (;;) {
		ms = -1;
		if (end > 0) {
			double left = end - loop_now();

			if (left <= 0) {
				warnx("pid %ld not ready after %.3gs", (long)pid,
				    d->o->m.ready_timeout);
				return EXIT_TIMEOUT;
			}
			ms = (int)(left * 1000) + 1;
		}
		if (poll(&p, 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			warn("poll");
			return EXIT_SELF;
		}
		if (p.revents == 0)
			continue;
		if ((n = read(fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			warn("cannot read fd %d", d->o->m.ready_fd);
			return EXIT_SELF;
		}
		if (n == 0) {
			warnx("pid %ld closed fd %d before it was ready",
			    (long)pid, d->o->m.ready_fd);
			return EXIT_NO;
		}
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				return 0;
	}
}

static int
open_log(const char *path)
{
	char v[256];
	int fd;

	if (path == NULL)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0644);
	if (fd == -1)
		warn("cannot open %s", run_vis(v, sizeof(v), path));
	return fd;
}

static int
open_pidfile(struct daemon *d)
{
	const char *path = d->o->m.pidfile;
	char v[256];
	pid_t other = -1;

	if (dir_ok(path) == -1)
		return -1;
	d->pfh = pidfh_open(path, 0644, &other);
	if (d->pfh != NULL)
		return 0;
	if (errno == EEXIST)
		warnx("already running as pid %ld (%s)", (long)other,
		    run_vis(v, sizeof(v), path));
	else if (errno == ELIBACC && pidfh_error() != NULL)
		warnx("cannot open %s: libbsd: %s", run_vis(v, sizeof(v), path),
		    pidfh_error());
	else
		warn("cannot open %s", run_vis(v, sizeof(v), path));
	return -1;
}

int
run_daemon(struct opts *o, char **av)
{
	struct daemon d;
	int st[2] = { -1, -1 }, rd[2] = { -1, -1 };
	int nullfd = -1, logfd = -1, rc = EXIT_NO, status;
	pid_t pid, svc = 0;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.av = av;
	d.st = d.rd = -1;
	if (o->m.pidfile != NULL && open_pidfile(&d) == -1)
		goto out;
	if ((nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    (logfd = open_log(o->m.log)) == -1)
		goto out;
	rc = EXIT_SELF;
	if (pipe2(st, O_CLOEXEC) == -1 ||
	    (o->m.ready_fd != -1 && pipe2(rd, O_CLOEXEC) == -1)) {
		warn("cannot make a pipe");
		goto out;
	}
	if (o->nenv > 0 || o->clear_env)
		d.envp = run_build_env(o);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		warn("cannot fork");
		goto out;
	}
	if (pid == 0) {
		/* the first child: a session of its own, then the
		 * supervisor, which can never get a terminal back */
		close(st[0]);
		if (rd[0] != -1)
			close(rd[0]);
		if (setsid() == -1 || (pid = fork()) == -1) {
			d.st = st[1];
			tell(&d, 'E', (long)SPAWN_STEP_SESSION,
			    (long)errno);
			_exit(EXIT_SELF);
		}
		if (pid > 0)
			_exit(0);
		d.st = st[1];
		d.rd = rd[1];
		_exit(supervise(&d, nullfd, logfd));
	}
	close(st[1]);
	st[1] = -1;
	if (rd[1] != -1) {
		close(rd[1]);
		rd[1] = -1;
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if ((rc = hear(&d, st[0], &svc)) == 0 && rd[0] != -1)
		rc = wait_ready(&d, rd[0], svc);
out:
	if (d.pfh != NULL)
		pidfh_close(d.pfh);	/* the supervisor holds the lock */
	if (st[0] != -1)
		close(st[0]);
	if (st[1] != -1)
		close(st[1]);
	if (rd[0] != -1)
		close(rd[0]);
	if (rd[1] != -1)
		close(rd[1]);
	if (nullfd != -1)
		close(nullfd);
	if (logfd != -1)
		close(logfd);
	free(d.envp);
	return rc;
}

/* ---- run --stop ---- */

/* The pid a pidfile holds. */
static int
read_pid(int fd, pid_t *pid)
{
	char s[32];
	long long v;
	ssize_t n;

	if ((n = pread(fd, s, sizeof(s) - 1, 0)) <= 0)
		return -1;
	s[n] = '\0';
	if (n > 0 && s[n - 1] == '\n')
		s[n - 1] = '\0';
	if (args_int(s, 2, INT_MAX, &v) == -1)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

/* The supervisor of pid, when its parent is a syskit (our own binary):
 * told to stop, it stops the command and does not restart it. */
static pid_t
supervisor_of(pid_t pid)
{
	struct pid_stat ps;
	char path[64], a[PATH_MAX], b[PATH_MAX], *buf = NULL;
	size_t cap = 0;
	ssize_t na, nb;
	long n;
	pid_t sup = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((n = proc_read_at(AT_FDCWD, path, &buf, &cap)) < 0 ||
	    proc_pid_stat_parse(buf, (size_t)n, &ps) == -1 || ps.ppid <= 1)
		goto out;
	snprintf(path, sizeof(path), "/proc/%d/exe", ps.ppid);
	na = readlink(path, a, sizeof(a));
	nb = readlink("/proc/self/exe", b, sizeof(b));
	if (na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0)
		sup = ps.ppid;
out:
	free(buf);
	return sup;
}

/* Whether the pidfile's lock is still held. */
static int
locked(int fd)
{
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		return 0;
	}
	return 1;
}

static int
gone(int fd, pid_t pid)
{
	return !locked(fd) && (kill(pid, 0) == -1 && errno == ESRCH);
}

static int
wait_gone(int fd, pid_t pid, double secs)
{
	double end = loop_now() + secs;
	struct timespec ts = { 0, (long)(STOP_POLL * 1e9) };

	while (!gone(fd, pid)) {
		if (loop_now() >= end)
			return -1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

int
run_stop(struct opts *o)
{
	const char *path = o->m.stop;
	double secs = o->timeout > 0 ? o->timeout : STOP_TIMEOUT;
	const char *name = args_signame(o->sig);
	char v[256];
	pid_t pid, sup, target;
	int fd, rc = EXIT_NO;

	run_vis(v, sizeof(v), path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		warn("cannot open %s", v);
		return EXIT_NO;
	}
	if (!locked(fd)) {
		if (unlink(path) == -1)
			warn("%s: stale (not locked): cannot remove", v);
		else
			warnx("%s: stale (not locked): removed", v);
		goto out;
	}
	if (read_pid(fd, &pid) == -1) {
		warnx("%s holds no pid", v);
		goto out;
	}
	sup = supervisor_of(pid);
	target = sup > 0 ? sup : pid;
	if (o->sig != 0 && kill(target, o->sig) == -1 && errno != ESRCH) {
		warn("cannot signal pid %ld", (long)target);
		goto out;
	}
	if (wait_gone(fd, pid, secs) == 0) {
		printf("pid %ld stopped (%s)\n", (long)pid,
		    name != NULL ? name : "0");
		rc = 0;
		goto out;
	}
	kill(pid, SIGKILL);
	if (sup > 0 && wait_gone(fd, pid, 2) == -1)
		kill(sup, SIGKILL);
	if (wait_gone(fd, pid, 5) == 0) {
		printf("pid %ld killed after %.3gs\n", (long)pid, secs);
		rc = 0;
	} else
		warnx("pid %ld did not exit after SIGKILL", (long)pid);
out:
	close(fd);
	return rc;
}
