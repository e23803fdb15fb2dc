/*
 * timeout: coreutils' timeout on run's engine.  `timeout [-s SIG]
 * [-k DUR] [--preserve-status] [--foreground] [-v] DURATION COMMAND
 * [ARG]...`: its duration syntax, its signals (SIGALRM sent to timeout
 * means "expire now", which cascaded timeouts rely on; INT, QUIT, HUP,
 * TERM and the -s signal are passed on to the command and start the -k
 * timer), its -v messages, and its exit codes: 124 on expiry (the
 * command's status with --preserve-status), 125 for its own errors,
 * 126/127 when the command cannot run, 137 when KILL ended it after the
 * time limit, the command's status otherwise; a command that died of a
 * signal makes timeout die of it too (core dumps off), as coreutils does,
 * so that the caller sees the same.
 *
 * The command runs through run_once (applets/run): in a process group of
 * its own, with every descriptor it inherits.  A signal goes where
 * coreutils sends it: to the command and its group (to the command alone
 * with --foreground), then SIGCONT.  The one deliberate difference: after
 * the time limit, what the command leaves behind (a setsid escapee, a
 * double-forked daemon: we are a subreaper) is signalled and reaped too,
 * and the -k KILL goes to the whole tree; without --foreground nothing
 * outlives an expired timeout.  A command that ends in time leaves its
 * background jobs running, as with coreutils.
 */
#include "compat.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <math.h>
#include <signal.h>

#include "../run/run.h"

#define LIMIT_NONE	1e9	/* a longer duration is none (lib/child) */

static const char usage[] =
    "Usage: timeout [OPTION] DURATION COMMAND [ARG]...\n"
    "  or:  timeout [OPTION]\n"
    "Start COMMAND, and kill it if still running after DURATION.\n"
    "\n"
    "Mandatory arguments to long options are mandatory for short options too.\n"
    "      --preserve-status\n"
    "                 exit with the same status as COMMAND, even when the\n"
    "                   command times out\n"
    "      --foreground\n"
    "                 when not running timeout directly from a shell prompt,\n"
    "                   allow COMMAND to read from the TTY and get TTY signals;\n"
    "                   in this mode, children of COMMAND will not be timed out\n"
    "  -k, --kill-after=DURATION\n"
    "                 also send a KILL signal if COMMAND is still running\n"
    "                   this long after the initial signal was sent\n"
    "  -s, --signal=SIGNAL\n"
    "                 specify the signal to be sent on timeout;\n"
    "                   SIGNAL may be a name like 'HUP' or a number;\n"
    "                   see 'kill -l' for a list of signals\n"
    "  -v, --verbose  diagnose to stderr any signal sent upon timeout\n"
    "      --help        display this help and exit\n"
    "      --version     output version information and exit\n"
    "\n"
    "DURATION is a floating point number with an optional suffix:\n"
    "'s' for seconds (the default), 'm' for minutes, 'h' for hours or 'd' for days.\n"
    "A duration of 0 disables the associated timeout.\n"
    "\n"
    "Upon timeout, send the TERM signal to COMMAND, if no other SIGNAL specified.\n"
    "The TERM signal kills any process that does not block or catch that signal.\n"
    "It may be necessary to use the KILL signal, since this signal can't be caught.\n"
    "syskit: after a timeout, what COMMAND left behind is ended too (not with\n"
    "--foreground).\n"
    "\n"
    "EXIT status:\n"
    "  124  if COMMAND times out, and --preserve-status is not specified\n"
    "  125  if the timeout command itself fails\n"
    "  126  if COMMAND is found but cannot be invoked\n"
    "  127  if COMMAND cannot be found\n"
    "  137  if COMMAND (or timeout itself) is sent the KILL (9) signal (128+9)\n"
    "  -    the exit status of COMMAND otherwise\n";

enum { O_FOREGROUND = 256, O_PRESERVE, O_HELP, O_VERSION };

static const struct option longopts[] = {
	{ "foreground", no_argument, NULL, O_FOREGROUND },
	{ "kill-after", required_argument, NULL, 'k' },
	{ "preserve-status", no_argument, NULL, O_PRESERVE },
	{ "signal", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct tmo {
	struct opts	 o;
	struct run	 r;
	double		 duration;
	double		 kill_after;	/* 0 once the KILL timer is armed */
	double		 kill_grace;	/* -k as given, for the sweep */
	int		 sig;		/* -s */
	int		 term_sig;	/* what the next expiry sends */
	bool		 foreground, preserve, verbose;
	const char	*cmd;
	int		 timed_out;
	int		 t_alarm;	/* the duration, then the KILL timer */
	int		 self_kill;	/* coreutils' KILL to its own group */
};

/* DURATION as coreutils reads it: a C strtod number >= 0 (hex, inf,
 * exponents), then at most one of s m h d.  An underflow is the smallest
 * time, not 0 (no limit), as later coreutils (9.1 reads 0). */
static int
parse_duration(const char *s, double *out)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || !(v >= 0))	/* also NaN */
		return -1;
	if (v == 0 && errno == ERANGE)
		v = 1e-9;
	if (*end != '\0' && end[1] != '\0')
		return -1;
	switch (*end) {
	case '\0': case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	default:
		return -1;
	}
	*out = v;
	return 0;
}

static int
bad_duration(const char *s)
{
	char q[4 * 256 + 16];

	warnx("invalid time interval %s", compat_quote(q, sizeof(q), s));
	return compat_try_help(EXIT_SELF);
}

/* SIGNAL as coreutils reads it: a name (any case, SIG optional, EXIT is
 * 0) or a number, where a shell's 128+N or ksh's 256+N stands for N. */
static int
parse_signal(const char *s, int *out)
{
	char *end;
	long n;

	if (*s < '0' || *s > '9')
		return args_signal(s, out);
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || n > INT_MAX)
		return -1;
	n &= n >= 0xff ? 0xff : 0x7f;
	if (n != 0 && (n >= NSIG || args_signame((int)n) == NULL))
		return -1;
	*out = (int)n;
	return 0;
}

/* -v: what coreutils says before it sends a signal. */
static void
say(struct tmo *t, int sig)
{
	const char *name = sig == 0 ? "EXIT" : args_signame(sig);
	char q[4 * 256 + 16], num[16];

	if (!t->verbose)
		return;
	if (name == NULL) {
		snprintf(num, sizeof(num), "%d", sig);
		name = num;
	}
	warnx("sending signal %s to command %s", name,
	    compat_quote(q, sizeof(q), t->cmd));
}

/* coreutils' send: to the command's group (and to the command, when it
 * has left it; to it alone with --foreground), SIGCONT after any signal
 * but KILL and CONT.  KILL goes to the whole tree (run's engine), and
 * coreutils, in the group it sends to, dies of it: so do we, at the end. */
static void
send_sig(struct tmo *t, int sig)
{
	struct child *c = &t->r.ch;
	bool out;

	say(t, sig);
	if (sig == SIGKILL) {
		child_kill(c);
		t->self_kill = !t->foreground;
		return;
	}
	/* the command alone too when it has left its group (it is unreaped:
	 * the pid is still its own); never twice, which a supervisor such as
	 * run would take for a second Ctrl-C */
	out = t->foreground || getpgid(c->pid) != c->pgid;
	if (out)
		kill(c->pid, sig);
	if (t->foreground)
		return;
	killpg(c->pgid, sig);
	if (sig != SIGCONT) {
		if (out)
			kill(c->pid, SIGCONT);
		killpg(c->pgid, SIGCONT);
	}
}

static void	on_alarm(struct loop *l, int id, void *arg);

static void
arm(struct tmo *t, double secs)
{
	if (t->t_alarm > 0)
		loop_timer_del(t->r.loop, t->t_alarm);
	t->t_alarm = 0;
	if (secs > 0 && secs < LIMIT_NONE)
		t->t_alarm = loop_timer(t->r.loop, secs, 0, on_alarm, t);
}

/* coreutils' cleanup(): SIGALRM is the time limit; any signal starts the
 * KILL timer once (-k) and is sent on. */
static void
act(struct tmo *t, int sig)
{
	if (sig == SIGALRM) {
		t->timed_out = 1;
		sig = t->term_sig;
	}
	if (!child_running(&t->r.ch))
		return;
	if (t->kill_after > 0) {
		t->term_sig = SIGKILL;
		arm(t, t->kill_after);
		t->kill_after = 0;
	}
	send_sig(t, sig);
}

static void
on_alarm(struct loop *l, int id, void *arg)
{
	struct tmo *t = arg;

	t->t_alarm = 0;
	act(t, SIGALRM);
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	act(arg, (int)si->ssi_signo);
}

/* Orphans that end while the command runs are ours (a subreaper): reap
 * them at once, so that none piles up as a zombie under a long run (run's
 * handler leaves them to the sweep); then lib/child's step. */
static void
on_chld(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct tmo *t = arg;

	if (child_running(&t->r.ch))
		run_reap_others(&t->r.ch);
	child_reap(&t->r.ch);
}

static void
hook(struct run *r, int ev)
{
	static const int sigs[] = { SIGALRM, SIGINT, SIGQUIT, SIGHUP,
	    SIGTERM };
	struct tmo *t = r->hook_arg;
	char q[4 * 256 + 16];
	size_t i;

	switch (ev) {
	case RUN_HOOK_SETUP:
		/* in place of run's forwarding, as coreutils handles them */
		for (i = 0; i < nitems(sigs); i++)
			loop_signal(r->loop, sigs[i], on_signal, t);
		if (t->sig > 0 && t->sig != SIGKILL && t->sig != SIGSTOP &&
		    t->sig != SIGCHLD)
			loop_signal(r->loop, t->sig, on_signal, t);
		loop_signal(r->loop, SIGCHLD, on_chld, t);
		signal(SIGTTIN, SIG_IGN);	/* a background -v message */
		signal(SIGTTOU, SIG_IGN);
		arm(t, t->duration);
		break;
	case RUN_HOOK_SPAWN_FAILED:
		if (r->ch.se.step == SPAWN_STEP_EXEC)
			warnx("failed to run command %s: %s",
			    compat_quote(q, sizeof(q), t->cmd),
			    strerror(r->spawn_errno));
		else
			warnx("%s", r->why);
		break;
	case CHILD_EXITED:
		arm(t, 0);	/* coreutils is done here */
		/* after the time limit, what it left goes too */
		if (t->timed_out && !t->foreground) {
			r->ch.flags &= ~CHILD_KEEP_ORPHANS;
			r->ch.kill_after = t->kill_grace;
		}
		break;
	default:
		break;
	}
}

/* Die of sig as the command did (coreutils: no core file of ours), or
 * exit 128 + sig when it does not kill. */
static int
die_of(int sig)
{
	sigset_t set;

	fflush(stdout);
	if (sig != SIGKILL) {
		prctl(PR_SET_DUMPABLE, 0);
		signal(sig, SIG_DFL);
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}

int
compat_timeout_main(int argc, char *argv[])
{
	static struct tmo tmo;
	struct tmo *t = &tmo;
	char q[4 * 256 + 16];
	int ch, rc, st, sig;

	syskit_nomem_exit = EXIT_SELF;
	t->sig = SIGTERM;
	while ((ch = getopt_long(argc, argv, "+k:s:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'k':
			if (parse_duration(optarg, &t->kill_after) == -1)
				return bad_duration(optarg);
			break;
		case 's':
			if (parse_signal(optarg, &t->sig) == -1) {
				warnx("%s: invalid signal",
				    compat_quote(q, sizeof(q), optarg));
				return compat_try_help(EXIT_SELF);
			}
			break;
		case 'v':
			t->verbose = true;
			break;
		case O_FOREGROUND:
			t->foreground = true;
			break;
		case O_PRESERVE:
			t->preserve = true;
			break;
		case O_HELP:
			fputs(usage, stdout);
			return 0;
		case O_VERSION:
			printf("timeout (syskit) %s\n", SYSKIT_VERSION);
			return 0;
		default:
			return compat_badopt(argv, "+k:s:v", longopts,
			    EXIT_SELF);
		}
	}
	if (argc - optind < 2)
		return compat_try_help(EXIT_SELF);
	if (parse_duration(argv[optind], &t->duration) == -1)
		return bad_duration(argv[optind]);
	t->cmd = argv[optind + 1];
	t->term_sig = t->sig;
	t->kill_grace = t->kill_after;

	/* run's options: the time limit and the KILL timer are ours */
	t->o.sig = t->sig;
	t->o.kill_after = INFINITY;
	t->o.umask = -1;
	t->o.foreground = t->foreground;
	t->o.keep_orphans = 1;	/* until the time limit */
	t->o.keep_fds = 1;
	t->r.hook = hook;
	t->r.hook_arg = t;
	rc = run_once(&t->o, &t->r, argv + optind + 1);
	if (t->r.spawn_failed)
		return rc;
	if (t->self_kill)
		return die_of(SIGKILL);
	st = t->r.status;
	if (WIFSIGNALED(st)) {
		sig = WTERMSIG(st);
		if (WCOREDUMP(st))
			warnx("the monitored command dumped core");
		if (!t->timed_out)
			return die_of(sig);
		if (sig == SIGKILL)
			return 128 + SIGKILL;
		rc = 128 + sig;
	} else
		rc = WEXITSTATUS(st);
	if (t->timed_out && !t->preserve)
		rc = EXIT_TIMEOUT;
	return rc;
}
