/*
 * run: supervise one command, as subprocess.run() does for a Python
 * program and timeout, env, nice, prlimit, chronic, retry and ts do for a
 * shell script: a time limit that ends the whole process tree, output
 * captured, copied or tagged through one event loop, rlimits, retries, and
 * an exact exit status and report.
 *
 * run is a child subreaper, so whatever the command leaves behind (a
 * double-forked daemon, a setsid escapee) becomes our child; once the
 * command has exited, the sweep signals every descendant still there and
 * reaps them all before run returns.
 */
#include "run.h"

/* ---- the process tree ---- */


/* Say what the sweep of a command's tree could not do. */
void
run_warn_sweep(const struct child *c)
{
	if (c->sweep_errno != 0) {
		errno = c->sweep_errno;
		warn("cannot list the processes left");
	}
	if (c->stuck > 0)
		warnx("%zu processes did not exit after SIGKILL", c->stuck);
}

static void
on_reaped(void *arg, pid_t pid, int status, const struct rusage *ru)
{
	struct run *r = arg;

	reap_rusage_add(&r->ru, ru);
}

/* lib/child's steps: the command exited (its input is no longer wanted),
 * it and what it left are gone (read what is left of the output). */
static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct run *r = arg;

	if (r->hook != NULL)
		r->hook(r, (int)ev);
	switch (ev) {
	case CHILD_EXITED:
		run_input_close(r);
		break;
	case CHILD_DONE:
		run_warn_sweep(c);
		r->tree_done = 1;
		run_streams_drain(r);
		run_maybe_done(r);
		break;
	default:
		break;
	}
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct run *r = arg;
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD) {
		/* the command is lib/child's; strays (--keep-orphans) ours */
		if (child_done(&r->ch) || r->in_delay)
			reap_children(on_reaped, r);
		else
			child_reap(&r->ch);
		return;
	}
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP ||
	    sig == SIGQUIT) {
		r->stop = 1;
		if (r->in_delay) {
			loop_stop(l);
			return;
		}
	}
	if (r->in_delay)
		return;
	if (child_repeat_stop(&r->first_stop, sig))
		child_kill(&r->ch);
	else
		child_signal(&r->ch, sig);
}

void
run_maybe_done(struct run *r)
{
	if (!r->tree_done || r->out.fd != -1 ||
	    r->err.fd != -1 || r->in_fd != -1 || r->d_out.q.len > 0 ||
	    r->d_err.q.len > 0 || r->d_tee.q.len > 0)
		return;
	loop_stop(r->loop);
}

/* ---- one attempt ---- */

static int
make_pipe(int p[2], int big)
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (big)
		fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE);	/* best effort */
	return 0;
}

static void
dup_to(struct spawn_fd *fds, size_t *n, int fd, int src)
{
	fds[*n].op = SPAWN_DUP2;
	fds[*n].fd = fd;
	fds[*n].src = src;
	(*n)++;
}

static void
spawn_failed(struct run *r, const struct spawn_err *se)
{
	const char *name;
	char v[200];
	int e = errno;

	r->spawn_failed = 1;
	r->code = EXIT_SELF;
	switch (se->step) {
	case SPAWN_STEP_EXEC:
		r->code = spawn_exec_status(e);
		snprintf(r->why, sizeof(r->why), "%s: %s",
		    run_vis(v, sizeof(v), r->argv[0]), strerror(e));
		break;
	case SPAWN_STEP_CWD:
		snprintf(r->why, sizeof(r->why),
		    "cannot change directory to %s: %s",
		    run_vis(v, sizeof(v), r->o->cwd), strerror(e));
		break;
	case SPAWN_STEP_RLIMIT:
		name = (size_t)se->index < r->o->nrl ?
		    spawn_rlimit_name(r->o->rl[se->index].resource) : NULL;
		snprintf(r->why, sizeof(r->why), "cannot set limit %s: %s",
		    name != NULL ? name : "?", strerror(e));
		break;
	default:
		snprintf(r->why, sizeof(r->why), "cannot %s: %s",
		    spawn_step_name(se->step), strerror(e));
		break;
	}
	r->spawn_errno = e;
	if (r->hook != NULL)
		r->hook(r, RUN_HOOK_SPAWN_FAILED);
	else
		warnx("%s", r->why);
}

/* The spawn plan and the child as the options say (the fds are the
 * caller's); run -j starts each job with them too. */
void
run_plan(const struct opts *o, char **argv, char **envp, struct spawn *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->argv = argv;
	sp->envp = envp;
	sp->cwd = o->cwd;
	sp->umask = o->umask;
	sp->nice = o->nice;
	sp->flags = (o->new_session ? SPAWN_SESSION : 0) |
	    (o->has_nice ? SPAWN_NICE : 0) | (o->keep_fds ? SPAWN_KEEPFDS : 0);
	sp->rlimits = o->rl;
	sp->nrlimits = o->nrl;
	sp->keep = o->pass;
	sp->nkeep = o->npass;
}

void
run_child_init(const struct opts *o, struct child *c)
{
	child_init(c);
	c->timeout = o->timeout;
	c->sig = o->sig;
	c->kill_after = o->kill_after;
	c->flags = (o->foreground ? CHILD_FOREGROUND : 0) |
	    (o->keep_orphans ? CHILD_KEEP_ORPHANS : 0) |
	    (o->preserve ? CHILD_PRESERVE : 0);
}

static void
attempt(struct run *r)
{
	const struct opts *o = r->o;
	struct spawn_fd fds[4];
	struct spawn sp;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 };
	size_t nfds = 0;

	r->timed_out = r->status = 0;
	r->tree_done = 0;
	r->in_off = 0;
	r->spawn_failed = 0;
	r->why[0] = '\0';
	if (o->capture)
		run_capture_reset(&r->cap);
	memset(fds, 0, sizeof(fds));

	/* standard input */
	if (r->stdin_fd != -1) {
		lseek(r->stdin_fd, 0, SEEK_SET);	/* replayed */
		dup_to(fds, &nfds, 0, r->stdin_fd);
	} else if (o->input != NULL) {
		if (make_pipe(pi, 0) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 0, pi[0]);
	}
	/* standard output and error */
	if (r->need_pipe) {
		if (make_pipe(po, 1) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 1, po[1]);
	} else if (r->d_out.fd != STDOUT_FILENO)
		dup_to(fds, &nfds, 1, r->d_out.fd);
	if (o->merge)
		dup_to(fds, &nfds, 2, 1);
	else if (r->need_pipe) {
		if (make_pipe(pe, 1) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 2, pe[1]);
	} else if (r->d_err.fd != STDERR_FILENO)
		dup_to(fds, &nfds, 2, r->d_err.fd);

	run_plan(o, r->argv, r->envp, &sp);
	sp.fds = fds;
	sp.nfds = nfds;
	run_child_init(o, &r->ch);
	r->ch.fn = on_child;
	r->ch.arg = r;
	r->attempts++;
	if (child_start(&r->ch, r->loop, &sp) == -1) {
		int e = errno;

		if (pi[0] != -1)
			close(pi[0]), close(pi[1]);
		if (po[0] != -1)
			close(po[0]), close(po[1]);
		if (pe[0] != -1)
			close(pe[0]), close(pe[1]);
		errno = e;
		spawn_failed(r, &r->ch.se);
		return;
	}
	r->pid = r->ch.pid;
	if (pi[0] != -1) {
		close(pi[0]);
		r->in_fd = pi[1];
		io_nonblock(r->in_fd);
		loop_fd(r->loop, r->in_fd, EPOLLOUT, run_on_input, r);
	}
	r->out.fd = po[0];
	r->err.fd = pe[0];
	if (po[1] != -1)
		close(po[1]);
	if (pe[1] != -1)
		close(pe[1]);
	if (r->out.fd != -1) {
		io_nonblock(r->out.fd);
		loop_fd(r->loop, r->out.fd, EPOLLIN, run_on_stream, &r->out);
	}
	if (r->err.fd != -1) {
		io_nonblock(r->err.fd);
		loop_fd(r->loop, r->err.fd, EPOLLIN, run_on_stream, &r->err);
	}
	if (loop_run(r->loop) == -1)
		err(EXIT_SELF, "event loop");
	reap_rusage_add(&r->ru, &r->ch.ru);
	r->status = r->ch.status;
	r->timed_out = r->ch.timed_out;
	r->code = child_code(&r->ch);
	child_release(&r->ch);
	return;

parent_fail:
	warn("cannot make a pipe");
	snprintf(r->why, sizeof(r->why), "cannot make a pipe: %s",
	    strerror(errno));
	if (pi[0] != -1)
		close(pi[0]), close(pi[1]);
	if (po[0] != -1)
		close(po[0]), close(po[1]);
	r->spawn_failed = 1;
	r->code = EXIT_SELF;
}

/* ---- retries ---- */

static int
want_retry(struct run *r)
{
	const struct opts *o = r->o;
	int signaled = !r->spawn_failed && !r->timed_out &&
	    WIFSIGNALED(r->status);

	if (r->stop || r->attempts > o->retries)
		return 0;
	/* by default any failure of a command that ran */
	if (!o->has_retry_on)
		return r->code != 0 && !r->spawn_failed;
	if (r->timed_out)
		return o->retry_on.timeout;
	if (signaled && o->retry_on.signal)
		return 1;
	if (r->spawn_failed && r->code == EXIT_SELF)
		return 0;
	return args_codes_has(&o->retry_on, r->code);
}

static double
jitter(struct run *r)
{
	/* xorshift64: good enough to spread retries apart */
	r->rnd ^= r->rnd << 13;
	r->rnd ^= r->rnd >> 7;
	r->rnd ^= r->rnd << 17;
	return 0.8 + 0.4 * (double)(r->rnd >> 11) / (double)(1ULL << 53);
}

static void
on_delay(struct loop *l, int id, void *arg)
{
	loop_stop(l);
}

static const char *
outcome(struct run *r, char *buf, size_t len)
{
	const char *name;

	if (r->spawn_failed)
		snprintf(buf, len, "exit %d (%s)", r->code, r->why);
	else if (r->timed_out)
		snprintf(buf, len, "timed out");
	else if (WIFSIGNALED(r->status)) {
		name = args_signame(WTERMSIG(r->status));
		snprintf(buf, len, "killed by SIG%s",
		    name != NULL ? name : "?");
	} else
		snprintf(buf, len, "exit %d", r->code);
	return buf;
}

/* Wait between attempts, with the signals still heard. */
static void
delay(struct run *r, double secs)
{
	int id;

	r->in_delay = 1;
	if ((id = loop_timer(r->loop, secs, 0, on_delay, r)) != -1) {
		loop_run(r->loop);
		loop_timer_del(r->loop, id);
	}
	r->in_delay = 0;
}

/* ---- the report ---- */

double
tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

double
real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether s is valid UTF-8 (no overlongs, surrogates or values past
 * U+10FFFF): JSON can carry it as it is. */
static int
utf8_valid(const unsigned char *s)
{
	unsigned c, n, min, v;

	while ((c = *s++) != 0) {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, min = 0x80, v = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, min = 0x800, v = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, min = 0x10000, v = c & 0x07;
		else
			return 0;
		for (; n > 0; n--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			v = v << 6 | (*s & 0x3f);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return 0;
	}
	return 1;
}

/* s in base64 (RFC 4648, padded): a malloc'd string. */
static char *
base64(const char *s)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, o = 0;
	unsigned v;
	char *b;

	b = xmalloc(n / 3 * 4 + 5);
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		b[o++] = al[v >> 18];
		b[o++] = al[v >> 12 & 63];
		b[o++] = al[v >> 6 & 63];
		b[o++] = al[v & 63];
	}
	if (i < n) {
		v = (unsigned)p[i] << 16 |
		    (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		b[o++] = al[v >> 18];
		b[o++] = al[v >> 12 & 63];
		b[o++] = i + 1 < n ? al[v >> 6 & 63] : '=';
		b[o++] = '=';
	}
	b[o] = '\0';
	return b;
}

/* argv as JSON strings (invalid UTF-8 becomes U+FFFD there), and when
 * any argument is not valid UTF-8, argv_b64: every argument's bytes. */
static void
report_argv(struct rep *root, char **argv)
{
	struct rep *a;
	char **av, *b;
	int bad = 0;

	a = rep_arr(root, "argv");
	for (av = argv; *av != NULL; av++) {
		rep_str(a, NULL, *av);
		bad |= !utf8_valid((const unsigned char *)*av);
	}
	if (!bad)
		return;
	a = rep_arr(root, "argv_b64");
	for (av = argv; *av != NULL; av++) {
		b = base64(*av);
		rep_str(a, NULL, b);
		free(b);
	}
}

static int
write_report(struct run *r, double wall, double end)
{
	struct cgroup_info ci;
	struct rep *root;
	const char *name;
	int rc = 0, sig = 0;

	if ((root = rep_new()) == NULL)
		return -1;
	report_argv(root, r->argv);
	rep_i64(root, "exit_code", r->code, UNIT_NONE);
	if (!r->spawn_failed && r->attempts > 0 && WIFSIGNALED(r->status))
		sig = WTERMSIG(r->status);
	if (sig != 0) {
		rep_i64(root, "signal", sig, UNIT_NONE);
		name = args_signame(sig);
		rep_str(root, "killed_by", name);
	} else {
		rep_null(root, "signal", NULL);
		rep_null(root, "killed_by", NULL);
	}
	rep_bool(root, "timed_out", r->timed_out);
	rep_i64(root, "attempts", r->attempts, UNIT_NONE);
	if (r->pid > 0 && !r->spawn_failed)
		rep_i64(root, "pid", r->pid, UNIT_NONE);
	else
		rep_null(root, "pid", NULL);
	if (r->why[0] != '\0')
		rep_str(root, "error", r->why);
	rep_f64(root, "start", r->start_real, UNIT_EPOCH);
	rep_f64(root, "end", end, UNIT_EPOCH);
	rep_f64(root, "wall_seconds", wall, UNIT_SECS);
	rep_f64(root, "user_seconds", tv_secs(r->ru.ru_utime), UNIT_SECS);
	rep_f64(root, "system_seconds", tv_secs(r->ru.ru_stime), UNIT_SECS);
	rep_u64(root, "max_rss", (uint64_t)r->ru.ru_maxrss * 1024,
	    UNIT_BYTES);
	memset(&ci, 0, sizeof(ci));
	if (cgroup_read_mask(&ci, CG_MEM) == 0 && ci.has_mem_peak)
		rep_u64(root, "cgroup_memory_peak", ci.mem_peak, UNIT_BYTES);
	else
		rep_null(root, "cgroup_memory_peak", "not available");
	rep_u64(root, "minor_faults", (uint64_t)r->ru.ru_minflt, UNIT_NONE);
	rep_u64(root, "major_faults", (uint64_t)r->ru.ru_majflt, UNIT_NONE);
	rep_u64(root, "voluntary_switches", (uint64_t)r->ru.ru_nvcsw,
	    UNIT_NONE);
	rep_u64(root, "involuntary_switches", (uint64_t)r->ru.ru_nivcsw,
	    UNIT_NONE);
	rep_u64(root, "block_in", (uint64_t)r->ru.ru_inblock, UNIT_NONE);
	rep_u64(root, "block_out", (uint64_t)r->ru.ru_oublock, UNIT_NONE);
	if (rep_print(root, r->report, REP_JSON) == -1 ||
	    fflush(r->report) == EOF)
		rc = -1;
	rep_free(root);
	return rc;
}

static void
summary(struct run *r, double wall)
{
	char o[320], rss[32];

	out_iec(rss, sizeof(rss), (uint64_t)r->ru.ru_maxrss * 1024);
	warnx("%s after %d attempt%s; %.3fs wall, %.3fs user, "
	    "%.3fs system, max RSS %s, faults %ld minor %ld major, "
	    "switches %ld voluntary %ld involuntary, blocks %ld in %ld out",
	    outcome(r, o, sizeof(o)), r->attempts,
	    r->attempts == 1 ? "" : "s", wall, tv_secs(r->ru.ru_utime),
	    tv_secs(r->ru.ru_stime), rss, r->ru.ru_minflt, r->ru.ru_majflt,
	    r->ru.ru_nvcsw, r->ru.ru_nivcsw, r->ru.ru_inblock,
	    r->ru.ru_oublock);
}

/* ---- setting up ---- */

/* What run could not do: one line on stderr, and the report's error. */
static int __attribute__((format(printf, 2, 3)))
setup_fail(struct run *r, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(e));
	warnx("%s", r->why);
	return -1;
}

/* With 0, 1 or 2 closed, our first pipe would take its place: fill
 * them with /dev/null (inherited on purpose, so not close-on-exec). */
static void
std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int n;

			n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (n != -1 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

static int
open_out(struct run *r, const char *path, int append)
{
	char v[160];
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (append ? O_APPEND : O_TRUNC), 0666);
	if (fd == -1)
		setup_fail(r, "cannot open %s", run_vis(v, sizeof(v), path));
	return fd;
}

/* A descriptor of ours already on the file at fd (two paths, a symlink,
 * our own stdout redirected there): that one, or -1.  Regular files only;
 * a FIFO or a terminal opened twice loses nothing. */
static int
same_file(struct run *r, int fd)
{
	int cand[4] = { r->d_out.fd, r->d_err.fd, STDOUT_FILENO,
	    STDERR_FILENO };
	struct stat st, o;
	size_t i;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return -1;
	for (i = 0; i < nitems(cand); i++)
		if (cand[i] >= 0 && cand[i] != fd &&
		    fstat(cand[i], &o) == 0 && o.st_dev == st.st_dev &&
		    o.st_ino == st.st_ino)
			return cand[i];
	return -1;
}

/* Open a --stdout, --stderr or --tee file; one file named twice is one
 * descriptor, one offset, so that neither overwrites the other. */
static int
dest_open(struct run *r, struct dest *d, const char *path)
{
	int fd, other;

	if (d != &r->d_out && r->o->stdout_file != NULL &&
	    strcmp(path, r->o->stdout_file) == 0) {
		run_dest_init(d, r->d_out.fd, path);	/* a FIFO too */
		return 0;
	}
	if ((fd = open_out(r, path, r->o->append)) == -1)
		return -1;
	if ((other = same_file(r, fd)) != -1) {
		close(fd);
		run_dest_init(d, other, path);
		return 0;
	}
	run_dest_init(d, fd, path);
	d->own = 1;
	return 0;
}

/* --stdin, made seekable when it will be replayed. */
static int
open_stdin(struct run *r)
{
	char buf[65536], v[160];
	ssize_t n;
	int fd, tmp;

	if ((fd = open(r->o->stdin_file, O_RDONLY | O_CLOEXEC)) == -1) {
		return setup_fail(r, "cannot open %s",
		    run_vis(v, sizeof(v), r->o->stdin_file));
	}
	if (r->o->retries == 0 || lseek(fd, 0, SEEK_CUR) != -1) {
		r->stdin_fd = fd;
		return 0;
	}
	if ((tmp = fs_tmpfile(NULL)) == -1) {
		setup_fail(r, "cannot make a temp file");
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || fs_write_all(tmp, buf, (size_t)n) == -1) {
			setup_fail(r, "cannot copy %s",
			    run_vis(v, sizeof(v), r->o->stdin_file));
			close(fd);
			close(tmp);
			return -1;
		}
	}
	close(fd);
	r->stdin_fd = tmp;
	return 0;
}

static int
setup(struct run *r)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
	    SIGUSR2, SIGWINCH, SIGCHLD };
	const struct opts *o = r->o;
	size_t i;
	int fd;

	std_fds();
	/* first, so that it can tell why the rest failed */
	if (o->report != NULL) {
		if (strcmp(o->report, "-") == 0)
			r->report = stderr;
		else if ((fd = open_out(r, o->report, 0)) == -1 ||
		    (r->report = fdopen(fd, "w")) == NULL) {
			if (fd != -1)
				close(fd);
			return -1;
		}
	}
	for (i = 0; i < o->npass; i++)
		if (fcntl(o->pass[i], F_GETFD) == -1)
			return setup_fail(r, "--pass-fd %d", o->pass[i]);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap for us */
	reap_subreaper();
	if (getenv("SYSKIT_NO_PIDFD") != NULL)
		reap_pidfd_use(0);
	if ((r->loop = loop_new()) == NULL) {
		return setup_fail(r, "event loop");
	}
	for (i = 0; i < nitems(fwd); i++)
		if (loop_signal(r->loop, fwd[i], on_signal, r) == -1) {
			return setup_fail(r, "signalfd");
		}
	if (o->nenv > 0 || o->clear_env)
		r->envp = run_build_env(o);
	if (o->stdin_file != NULL && open_stdin(r) == -1)
		return -1;
	run_dest_init(&r->d_out, STDOUT_FILENO, "standard output");
	run_dest_init(&r->d_err, STDERR_FILENO, "standard error");
	run_dest_init(&r->d_tee, -1, o->tee_file);
	if (o->stdout_file != NULL &&
	    dest_open(r, &r->d_out, o->stdout_file) == -1)
		return -1;
	if (o->stderr_file != NULL &&
	    dest_open(r, &r->d_err, o->stderr_file) == -1)
		return -1;
	if (o->tee_file != NULL && dest_open(r, &r->d_tee, o->tee_file) == -1)
		return -1;
	r->tagging = o->prefix || o->ts != TS_NONE;
	r->need_pipe = o->capture || o->tee_file != NULL || r->tagging;
	if (r->need_pipe) {
		r->rbuf = xmalloc(CHUNK);
		if (r->tagging) {
			r->out.line = xmalloc(LINE_MAX_TAG);
			r->err.line = xmalloc(LINE_MAX_TAG);
		}
		/* written while the command runs: never block the loop */
		if (!o->capture) {
			int shared = r->d_err.fd == r->d_out.fd;

			run_dest_nonblock(&r->d_out);
			if (shared) {
				r->d_err.fd = r->d_out.fd;
				r->d_err.nb = r->d_out.nb;
			} else
				run_dest_nonblock(&r->d_err);
		}
		if (o->tee_file != NULL)
			run_dest_nonblock(&r->d_tee);
	}
	r->out.dest = &r->d_out;
	r->err.dest = o->merge ? &r->d_out : &r->d_err;
	return 0;
}

static void
cleanup(struct run *r)
{
	if (r->d_out.own)
		close(r->d_out.fd);
	if (r->d_err.own)
		close(r->d_err.fd);
	if (r->d_tee.own)
		close(r->d_tee.fd);
	io_buf_free(&r->d_out.q);
	io_buf_free(&r->d_err.q);
	io_buf_free(&r->d_tee.q);
	if (r->stdin_fd != -1)
		close(r->stdin_fd);
	if (r->cap.fd != -1)
		close(r->cap.fd);
	free(r->cap.mem);
	free(r->cap.rec);
	free(r->out.line);
	free(r->err.line);
	free(r->rbuf);
	free(r->tbuf);
	free(r->envp);
	loop_free(r->loop);
}

/* The state of a run of argv, before setup. */
static void
run_start(struct run *r, struct opts *o, char **argv)
{
	r->o = o;
	r->in_fd = r->stdin_fd = r->cap.fd = r->out.fd = r->err.fd = -1;
	r->argv = argv;
	r->out.r = r->err.r = r;
	r->out.no = 1;
	r->err.no = o->merge ? 1 : 2;
	r->cap.limit = (size_t)o->capture_limit;
	r->t0 = loop_now();
	r->start_real = real_now();
}

int
run_once(struct opts *o, struct run *r, char **argv)
{
	int rc;

	run_start(r, o, argv);
	if (setup(r) == -1)
		r->code = EXIT_SELF;
	else {
		if (r->hook != NULL)
			r->hook(r, RUN_HOOK_SETUP);
		attempt(r);
	}
	rc = r->code;
	cleanup(r);
	return rc;
}

int
run_main(int argc, char *argv[])
{
	struct opts o;
	struct run r;
	double wall, d, wait, end;
	char buf[320];
	int rc;

	memset(&o, 0, sizeof(o));
	o.sig = SIGTERM;
	o.kill_after = 5;
	o.umask = -1;
	o.capture_limit = 16 * 1024 * 1024;
	o.retry_delay = 1;
	run_mode_defaults(&o.m);
	syskit_nomem_exit = EXIT_SELF;	/* 1 could be the command's */
	o.env = xcalloc((size_t)argc + 1, sizeof(*o.env));
	o.rl = xcalloc((size_t)argc + 1, sizeof(*o.rl));
	o.pass = xcalloc((size_t)argc + 1, sizeof(*o.pass));
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.in_fd = r.stdin_fd = r.cap.fd = r.out.fd = r.err.fd = -1;
	if ((rc = run_parse_opts(argc, argv, &o)) != 0) {
		rc = rc == 1 ? 0 : EXIT_USAGE;
		goto out;
	}
	if (o.pool.on && o.m.mode != RUN_PLAIN) {
		rc = usage_error("-j does not go with --init, --daemon or --stop");
		goto out;
	}
	if (o.m.mode != RUN_PLAIN) {
		rc = run_mode_main(&o, argc, argv);
		goto out;
	}
	if (o.pool.on) {
		rc = pool_main(&o, argc, argv);
		goto out;
	}
	run_start(&r, &o, run_command_argv(&o, argc, argv));
	r.rnd = (uint64_t)(r.start_real * 1e6) ^ ((uint64_t)getpid() << 32) ^
	    0x9e3779b97f4a7c15ULL;
	if (setup(&r) == -1)
		r.code = EXIT_SELF;
	else {
		d = o.retry_delay;
		for (;;) {
			attempt(&r);
			if (!want_retry(&r))
				break;
			wait = o.backoff > 0 ? d * jitter(&r) : d;
			if (o.verbose)
				warnx("attempt %d of %lld: %s; retrying in "
				    "%.3gs", r.attempts, o.retries + 1,
				    outcome(&r, buf, sizeof(buf)), wait);
			delay(&r, wait);
			if (r.stop)
				break;
			if (o.backoff > 0 && d < MAX_DURATION / o.backoff)
				d *= o.backoff;
		}
		if (o.capture && r.code != 0)
			run_capture_replay(&r);
	}
	/* an output of ours lost bytes: as tee, 1 unless the command failed */
	if (r.write_failed && r.code == 0)
		r.code = EXIT_NO;
	end = real_now();
	wall = loop_now() - r.t0;
	if (r.report != NULL && write_report(&r, wall, end) == -1) {
		warn("cannot write the report");
		if (r.code == 0)
			r.code = EXIT_SELF;
	}
	if (r.report != NULL && r.report != stderr)
		fclose(r.report);
	if (o.verbose)
		summary(&r, wall);
	rc = r.code;
	cleanup(&r);
out:
	free(r.argv);
	free(o.env);
	free(o.rl);
	free(o.pass);
	return rc;
}
