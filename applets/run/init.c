/*
 * run --init: a container's PID 1, or a subreaper anywhere else, as tini
 * and dumb-init are.  Every zombie handed to us is reaped; every
 * catchable signal goes on to the command's process group (or to the
 * command alone), possibly rewritten; when the command exits, what is left
 * gets TERM, KILL after the grace, and we exit once all of it is reaped,
 * with the command's status.  Also the init applet: tini's options,
 * for a link named init.
 */
#include "run.h"

#include <sys/prctl.h>
#include <termios.h>

struct init {
	struct opts	*o;
	struct loop	*loop;
	struct child	 ch;
	int		 tty;		/* the command has our terminal */
	int		 pid1;
	int		 held;		/* stopped with the command: until
					 * SIGCONT, its stop is old news */
};

/* ---- options ---- */

void
run_mode_defaults(struct mode_opts *m)
{
	m->grace = 5;
	m->ready_fd = -1;
	m->restart_delay = 1;
}

static int
set_mode(struct mode_opts *m, int mode)
{
	static const char *names[] = { "", "--init", "--daemon", "--stop" };

	if (m->mode != RUN_PLAIN && m->mode != mode) {
		warnx("%s and %s do not go together", names[m->mode],
		    names[mode]);
		return -1;
	}
	m->mode = mode;
	return 0;
}

/* "SIG:SIG" (the second may be 0: drop it). */
static int
parse_rewrite(struct mode_opts *m, const char *s)
{
	char a[64];
	const char *colon = strchr(s, ':');
	int from, to;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(a))
		return -1;
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	if (args_signal(a, &from) == -1 || from == 0 ||
	    args_signal(colon + 1, &to) == -1)
		return -1;
	m->rewrite[from] = (short)(to + 1);
	return 0;
}

/* "CODE:CODE", 0..255 each. */
static int
parse_exit_map(struct mode_opts *m, const char *s)
{
	char a[16];
	const char *colon = strchr(s, ':');
	long long from, to;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(a))
		return -1;
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	if (args_int(a, 0, 255, &from) == -1 ||
	    args_int(colon + 1, 0, 255, &to) == -1)
		return -1;
	m->exit_map[from] = (short)(to + 1);
	return 0;
}

int
run_mode_opt(struct opts *o, int ch, const char *arg)
{
	struct mode_opts *m = &o->m;
	long long ll;

	switch (ch) {
	case O_INIT:
		return set_mode(m, RUN_INIT);
	case O_DAEMON:
		return set_mode(m, RUN_DAEMON);
	case O_STOP:
		m->stop = arg;
		return set_mode(m, RUN_STOP);
	case O_SINGLE_CHILD:
		m->single_child = 1;
		return 0;
	case O_REWRITE:
		return parse_rewrite(m, arg) == -1 ?
		    run_badval("--rewrite (SIG:SIG)", arg) : 0;
	case O_EXIT_MAP:
		return parse_exit_map(m, arg) == -1 ?
		    run_badval("--exit-map (CODE:CODE)", arg) : 0;
	case O_GRACE:
		return args_duration(arg, INFINITY, &m->grace) == -1 ?
		    run_badval("--grace", arg) : 0;
	case O_PDEATH:
		return args_signal(arg, &m->pdeath) == -1 ?
		    run_badval("--parent-death", arg) : 0;
	case O_PIDFILE:
		if (arg[0] == '\0')
			return run_badval("--pidfile", arg);
		m->pidfile = arg;
		return 0;
	case O_LOG:
		if (arg[0] == '\0')
			return run_badval("--log", arg);
		m->log = arg;
		return 0;
	case O_WAIT_READY:
		if (args_int(arg, 3, 1023, &ll) == -1)
			return run_badval("--wait-ready (3 to 1023)", arg);
		m->ready_fd = (int)ll;
		return 0;
	case O_READY_TIMEOUT:
		return args_duration(arg, MAX_DURATION,
		    &m->ready_timeout) == -1 ? run_badval("--ready-timeout", arg) : 0;
	case O_RESTART:
		if (strcmp(arg, "on-failure") == 0)
			m->restart = RESTART_FAILURE;
		else if (strcmp(arg, "always") == 0)
			m->restart = RESTART_ALWAYS;
		else if (strcmp(arg, "no") == 0)
			m->restart = RESTART_NO;
		else
			return run_badval("--restart (on-failure, always, no)", arg);
		return 0;
	case O_RESTART_DELAY:
		return args_duration(arg, MAX_DURATION,
		    &m->restart_delay) == -1 ? run_badval("--restart-delay", arg) : 0;
	}
	return -1;
}

int
run_mode_main(struct opts *o, int argc, char *argv[])
{
	char **av;
	int rc;

	if (o->m.mode == RUN_STOP)
		return run_stop(o);
	av = run_command_argv(o, argc, argv);
	if (o->m.mode == RUN_INIT)
		rc = run_init(o, av);
	else
		rc = run_daemon(o, av);
	free(av);
	return rc;
}

/* ---- the command's plan (run's context options) ---- */

static void
plan(const struct opts *o, char **av, char **envp, struct spawn *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->argv = av;
	sp->envp = envp;
	sp->cwd = o->cwd;
	sp->umask = o->umask;
	sp->nice = o->nice;
	sp->flags = o->has_nice ? SPAWN_NICE : 0;
	sp->rlimits = o->rl;
	sp->nrlimits = o->nrl;
	sp->keep = o->pass;
	sp->nkeep = o->npass;
}

/* ---- init ---- */

/*
 * Reap every child that has exited but c's command, which lib/child
 * reaps (its status is ours): look first (WNOWAIT), then reap that one,
 * so that a command ending meanwhile is never taken from lib/child.
 */
void
run_reap_others(struct child *c)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			return;		/* ECHILD: none */
		}
		if (si.si_pid == 0)
			return;
		if (child_running(c) && si.si_pid == c->pid) {
			child_reap(c);
			continue;
		}
		while (waitpid(si.si_pid, NULL, WNOHANG) == -1 &&
		    errno == EINTR)
			;
	}
}

static void
take_terminal(struct init *in, pid_t pgrp)
{
	if (in->tty)
		tcsetpgrp(STDIN_FILENO, pgrp);	/* TTOU is blocked */
}

static int
job_stop(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Stop with the command, so that the shell that started us sees the job
 * stop (dumb-init's job control); SIGCONT goes on to it. */
static void
hold(struct init *in)
{
	if (in->held)
		return;
	in->held = 1;
	take_terminal(in, getpgrp());
	kill(getpid(), SIGSTOP);
}

/* The command stopped: by the terminal while it had it (a read before
 * we handed it over: let it go on), or by Ctrl-Z: stop with it, so that
 * the shell that started us sees the job stop. */
static void
on_stopped(struct init *in, int sig)
{
	if (in->tty && (sig == SIGTTIN || sig == SIGTTOU) &&
	    tcgetpgrp(STDIN_FILENO) == in->ch.pgid) {
		kill(-in->ch.pgid, SIGCONT);
		return;
	}
	if (!in->pid1 && job_stop(sig))
		hold(in);
}

static void
forward(struct init *in, int sig)
{
	if (in->o->m.single_child || in->ch.pgid <= 0)
		kill(in->ch.pid, sig);
	else
		kill(-in->ch.pgid, sig);
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct init *in = arg;
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD) {
		if (child_running(&in->ch) && (pid_t)si->ssi_pid ==
		    in->ch.pid && si->ssi_code == CLD_STOPPED)
			on_stopped(in, si->ssi_status);
		run_reap_others(&in->ch);
		if (!child_running(&in->ch))
			child_reap(&in->ch);	/* a step of the sweep */
		return;
	}
	if (in->o->m.rewrite[sig] != 0)
		sig = in->o->m.rewrite[sig] - 1;
	if (sig == 0)
		return;
	if (!child_running(&in->ch)) {
		/* the grace: told to end, end it now */
		if (sig == SIGINT || sig == SIGTERM)
			child_kill(&in->ch);
		return;
	}
	forward(in, sig);
	if (sig == SIGCONT) {
		in->held = 0;
		take_terminal(in, in->ch.pgid);
	} else if (job_stop(sig) && !in->pid1)
		hold(in);
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct init *in = arg;

	if (ev == CHILD_STARTED) {
		take_terminal(in, c->pgid);
		return;
	}
	if (ev != CHILD_DONE)
		return;
	run_warn_sweep(c);
	loop_stop(in->loop);
}

/* Every signal a process can catch, but SIGCHLD (ours) and those the
 * kernel sends for a fault of our own. */
static int
forwarded(int sig)
{
	switch (sig) {
	case SIGKILL: case SIGSTOP: case SIGSEGV: case SIGBUS: case SIGFPE:
	case SIGILL: case SIGTRAP: case SIGSYS:
		return 0;
	}
	return 1;
}

static int
init_setup(struct init *in)
{
	int sig;

	in->pid1 = getpid() == 1;
	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap for us */
	if (!in->pid1 && reap_subreaper() == -1)
		warn("cannot become a subreaper");
	if (in->o->m.pdeath != 0 &&
	    prctl(PR_SET_PDEATHSIG, in->o->m.pdeath) == -1) {
		warn("cannot set the parent-death signal");
		return -1;
	}
	if (getenv("SYSKIT_NO_PIDFD") != NULL)
		reap_pidfd_use(0);
	if ((in->loop = loop_new()) == NULL) {
		warn("cannot make the event loop");
		return -1;
	}
	for (sig = 1; sig < SIGRTMIN; sig++) {
		if (!forwarded(sig) || args_signame(sig) == NULL)
			continue;
		if (loop_signal(in->loop, sig, on_signal, in) == -1) {
			warn("cannot watch signal %d", sig);
			return -1;
		}
	}
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		loop_signal(in->loop, sig, on_signal, in);	/* best effort */
	/* a terminal we are in the foreground of goes to the command */
	in->tty = isatty(STDIN_FILENO) &&
	    tcgetpgrp(STDIN_FILENO) == getpgrp();
	return 0;
}

static void
start_failed(const struct opts *o, char **av, const struct spawn_err *se)
{
	char v[200];
	int e = errno;

	if (se->step == SPAWN_STEP_EXEC)
		warnx("%s: %s", run_vis(v, sizeof(v), av[0]), strerror(e));
	else if (se->step == SPAWN_STEP_CWD)
		warnx("cannot change directory to %s: %s",
		    run_vis(v, sizeof(v), o->cwd), strerror(e));
	else
		warnx("cannot %s: %s", spawn_step_name(se->step), strerror(e));
	errno = e;
}

int
run_init(struct opts *o, char **av)
{
	struct init in;
	struct spawn sp;
	char **envp = NULL;
	int rc = EXIT_SELF;

	memset(&in, 0, sizeof(in));
	in.o = o;
	if (init_setup(&in) == -1)
		goto out;
	if (o->nenv > 0 || o->clear_env)
		envp = run_build_env(o);
	plan(o, av, envp, &sp);
	child_init(&in.ch);
	in.ch.timeout = o->timeout;
	in.ch.sig = SIGTERM;
	in.ch.kill_after = o->m.grace;
	in.ch.fn = on_child;
	in.ch.arg = &in;
	if (child_start(&in.ch, in.loop, &sp) == -1) {
		start_failed(o, av, &in.ch.se);
		rc = in.ch.se.step == SPAWN_STEP_EXEC ?
		    spawn_exec_status(errno) : EXIT_SELF;
		goto out;
	}
	while (!child_done(&in.ch))
		if (loop_once(in.loop, -1) == -1 && errno != EINTR) {
			warn("event loop");
			break;
		}
	run_reap_others(&in.ch);
	take_terminal(&in, getpgrp());
	rc = child_code(&in.ch);
	child_release(&in.ch);
out:
	if (rc >= 0 && rc < 256 && o->m.exit_map[rc] != 0)
		rc = o->m.exit_map[rc] - 1;
	free(envp);
	loop_free(in.loop);
	return rc;
}

/* ---- the init applet: tini's options ---- */

static const char init_usage[] =
    "usage: init [-gsv] [-e code] [-p signal] [--grace duration]\n"
    "            [--single-child] [--] command [arg ...]\n"
    "\n"
    "Run a command as a container's PID 1 (syskit run --init):\n"
    "reap every zombie, forward signals to its process group, and\n"
    "when it exits, TERM what is left, KILL after the grace.\n"
    "  -e CODE                 exit 0 when the command exits CODE\n"
    "  -g                      signal the process group (the default)\n"
    "  -p SIGNAL               the signal we get when our parent dies\n"
    "  -s                      subreaper (always, when not PID 1)\n"
    "  -v                      (accepted, as tini)\n"
    "      --grace DURATION    wait before KILL (default 5s)\n"
    "      --single-child      signal the command alone\n"
    "  -h, --help              show this help\n"
    "      --version           show the version\n";

int
init_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "grace", required_argument, NULL, O_GRACE },
		{ "help", no_argument, NULL, 'h' },
		{ "single-child", no_argument, NULL, O_SINGLE_CHILD },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	char **av;
	char buf[32];
	int ch, rc;

	memset(&o, 0, sizeof(o));
	o.umask = -1;
	run_mode_defaults(&o.m);
	o.m.mode = RUN_INIT;
	syskit_nomem_exit = EXIT_SELF;
	while ((ch = getopt_long(argc, argv, "+e:ghp:sv", lo, NULL)) != -1) {
		switch (ch) {
		case 'e':
			snprintf(buf, sizeof(buf), "%s:0", optarg);
			if (strchr(optarg, ':') != NULL ||
			    parse_exit_map(&o.m, buf) == -1) {
				run_badval("-e", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'g': case 's': case 'v':
			break;
		case 'h':
			fputs(init_usage, stdout);
			return 0;
		case 'p':
			if (run_mode_opt(&o, O_PDEATH, optarg) == -1)
				return EXIT_USAGE;
			break;
		case 'V':
			printf("syskit %s\n", SYSKIT_VERSION);
			return 0;
		case O_GRACE: case O_SINGLE_CHILD:
			if (run_mode_opt(&o, ch, optarg) == -1)
				return EXIT_USAGE;
			break;
		default:
			return usage_badopt(argv, "+e:ghp:sv", lo);
		}
	}
	if (optind >= argc)
		return usage_error("no command");
	av = run_command_argv(&o, argc, argv);
	rc = run_init(&o, av);
	free(av);
	return rc;
}
