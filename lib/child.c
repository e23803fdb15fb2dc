/*
 * child: supervise one command (see child.h).
 *
 * The command is watched through its pidfd (lib/loop falls back to
 * SIGCHLD).  Once it is reaped, what it left is found below us, polled at
 * a growing interval (a grandchild's death may send us nothing), signalled
 * and reaped pid by pid, so that the sweep never reaps another child's
 * command.  The children started and not yet done are kept on a list:
 * their trees are left out of every other child's sweep.
 */
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "loop.h"
#include "reap.h"

#define KILL_GRACE	2.0	/* wait this long for SIGKILL to work */
#define POLL_MAX	0.05	/* the sweep's slowest poll */
#define LIMIT_MAX	1e9	/* a longer time limit is none (31 years) */

enum { C_IDLE, C_RUNNING, C_SWEEP, C_DONE };

static struct child *live;	/* started and not done */

static void	sweep(struct child *);

static void
notify(struct child *c, enum child_event ev)
{
	if (c->fn != NULL)
		c->fn(c, ev, c->arg);
}

static void
unlink_live(struct child *c)
{
	struct child **p;

	for (p = &live; *p != NULL; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	c->next = NULL;
}

/* The commands of the other children still running: their trees are not
 * ours to sweep.  A malloc'd array (NULL when there are none). */
static pid_t *
others(const struct child *c, size_t *n)
{
	const struct child *o;
	pid_t *v;
	size_t k = 0;

	*n = 0;
	for (o = live; o != NULL; o = o->next)
		k += o != c && o->state == C_RUNNING;
	if (k == 0 || (v = malloc(k * sizeof(*v))) == NULL)
		return NULL;
	for (o = live; o != NULL; o = o->next)
		if (o != c && o->state == C_RUNNING)
			v[(*n)++] = o->pid;
	return v;
}

static void
timer_clear(struct child *c, int *t)
{
	if (*t != 0) {
		loop_timer_del(c->loop, *t);
		*t = 0;
	}
}

void
child_init(struct child *c)
{
	memset(c, 0, sizeof(*c));
	c->sig = SIGTERM;
	c->kill_after = 5;
	c->pidfd = -1;
}

int
child_running(const struct child *c)
{
	return c->state == C_RUNNING;
}

int
child_done(const struct child *c)
{
	return c->state == C_DONE;
}

int
child_code(const struct child *c)
{
	if (c->timed_out && !(c->flags & CHILD_PRESERVE)) {
		/* with no signal the KILL is what ended it: timeout's 137 */
		if (c->sig == 0 && c->killed && WIFSIGNALED(c->status) &&
		    WTERMSIG(c->status) == SIGKILL)
			return 128 + SIGKILL;
		return 124;
	}
	return reap_exit_code(c->status);
}

/* Whether sig ends a process by default: a stopped one must be continued
 * to act on it. */
static int
wants_cont(int sig)
{
	switch (sig) {
	case 0: case SIGKILL: case SIGCONT: case SIGSTOP: case SIGTSTP:
	case SIGTTIN: case SIGTTOU: case SIGCHLD: case SIGURG: case SIGWINCH:
		return 0;
	}
	return 1;
}

static int
deliver(struct child *c, int sig)
{
	pid_t *skip;
	size_t nskip;
	int rc;

	if (c->state == C_RUNNING && (c->flags & CHILD_FOREGROUND))
		return reap_pidfd_kill(c->pidfd, c->pid, sig);
	if (c->state != C_RUNNING && c->state != C_SWEEP)
		return 0;
	skip = others(c, &nskip);
	if (c->state == C_RUNNING)
		rc = reap_kill_tree(c->pid, c->pgid, skip, nskip, sig);
	else
		rc = reap_kill_tree(0, 0, skip, nskip, sig);
	free(skip);
	return rc < 0 ? -1 : 0;
}

int
child_signal(struct child *c, int sig)
{
	int rc;

	rc = deliver(c, sig);
	if (wants_cont(sig))
		deliver(c, SIGCONT);
	return rc;
}

int
child_repeat_stop(double *first, int sig)
{
	double now;

	if (sig != SIGINT && sig != SIGTERM)
		return 0;
	now = loop_now();
	if (*first == 0) {
		*first = now;
		return 0;
	}
	return now - *first >= CHILD_REPEAT_GAP;
}

static void
escalate(struct child *c)
{
	if (!c->escalated) {
		c->escalated = 1;
		c->escalated_at = loop_now();
	}
	c->killed = 1;
	timer_clear(c, &c->t_kill);
	deliver(c, SIGKILL);
}

int
child_kill(struct child *c)
{
	if (c->state != C_RUNNING && c->state != C_SWEEP)
		return 0;
	escalate(c);
	if (c->state == C_SWEEP)
		sweep(c);
	return 0;
}

static void
on_kill_timer(struct loop *l, int id, void *arg)
{
	struct child *c = arg;

	c->t_kill = 0;
	child_kill(c);
}

static void
arm_kill(struct child *c)
{
	if (c->t_kill != 0 || c->escalated)
		return;
	if (c->kill_after >= LIMIT_MAX)
		return;		/* inf: never */
	c->t_kill = loop_timer(c->loop, c->kill_after, 0, on_kill_timer, c);
	if (c->t_kill == -1) {
		c->t_kill = 0;
		escalate(c);
	}
}

int
child_stop(struct child *c)
{
	if (c->state != C_RUNNING && c->state != C_SWEEP)
		return 0;
	c->sent_sig = 1;
	child_signal(c, c->sig);
	if (c->kill_after > 0)
		arm_kill(c);
	else if (c->state == C_SWEEP)
		escalate(c);	/* -k 0: leftovers at once */
	if (c->state == C_SWEEP)
		sweep(c);
	return 0;
}

static void
finish(struct child *c)
{
	c->state = C_DONE;
	unlink_live(c);
	timer_clear(c, &c->t_timeout);
	timer_clear(c, &c->t_kill);
	timer_clear(c, &c->t_poll);
	if (c->pidfd != -1) {
		close(c->pidfd);
		c->pidfd = -1;
	}
	notify(c, CHILD_DONE);
}

static void
on_poll(struct loop *l, int id, void *arg)
{
	struct child *c = arg;

	c->t_poll = 0;
	if (c->state == C_RUNNING) {
		child_reap(c);
		return;
	}
	if (c->state == C_SWEEP)
		sweep(c);
}

static void
poll_later(struct child *c)
{
	if (c->t_poll != 0)
		return;
	c->poll_iv = c->poll_iv == 0 ? 0.001 : c->poll_iv * 2;
	if (c->poll_iv > POLL_MAX)
		c->poll_iv = POLL_MAX;
	if ((c->t_poll = loop_timer(c->loop, c->poll_iv, 0, on_poll, c)) ==
	    -1)
		c->t_poll = 0;
}

/* Reap what of pids has exited; returns how many are still there. */
static size_t
reap_some(struct child *c, const pid_t *pids, size_t n)
{
	struct rusage ru;
	size_t i, left = 0;
	int st;
	pid_t p;

	for (i = 0; i < n; i++) {
		memset(&ru, 0, sizeof(ru));
		do
			p = wait4(pids[i], &st, WNOHANG, &ru);
		while (p == -1 && errno == EINTR);
		if (p == pids[i])
			reap_rusage_add(&c->ru, &ru);
		else if (p == 0 || errno != ECHILD || kill(pids[i], 0) == 0)
			left++;		/* a grandchild is not ours to reap */
	}
	return left;
}

/*
 * The sweep, after the command has exited: what is left below us gets the
 * signal (unless the time limit sent it already) and SIGCONT, SIGKILL
 * after kill_after (at once with 0), and is reaped.
 */
static void
sweep(struct child *c)
{
	pid_t *pids = NULL, *skip;
	size_t n = 0, nskip;
	siginfo_t si;
	int rc;

	/* no child at all: no descendant either (the top of any chain of
	 * them below us is a child of ours), and /proc need not be read */
	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
	    errno == ECHILD) {
		finish(c);
		return;
	}
	skip = others(c, &nskip);
	rc = reap_descendants(0, skip, nskip, &pids, &n);
	free(skip);
	if (rc == -1) {
		c->sweep_errno = errno;
		finish(c);
		return;
	}
	n = reap_some(c, pids, n);
	free(pids);
	if (n == 0) {
		finish(c);
		return;
	}
	if (!c->sent_sig) {
		c->sent_sig = 1;
		child_signal(c, c->sig);
		if (c->kill_after > 0)
			arm_kill(c);
		else
			escalate(c);
	} else if (c->escalated) {
		/* new orphans keep coming while their parents die */
		deliver(c, SIGKILL);
		if (loop_now() - c->escalated_at > KILL_GRACE) {
			c->stuck = n;
			finish(c);
			return;
		}
	} else if (c->kill_after > 0)
		arm_kill(c);
	else
		escalate(c);	/* -k 0 after a time limit: no more waiting */
	poll_later(c);
}

int
child_reap(struct child *c)
{
	struct rusage ru;
	int st;
	pid_t p;

	if (c->state == C_SWEEP) {
		sweep(c);
		return 1;
	}
	if (c->state != C_RUNNING)
		return c->state == C_DONE;
	memset(&ru, 0, sizeof(ru));
	do
		p = wait4(c->pid, &st, WNOHANG, &ru);
	while (p == -1 && errno == EINTR);
	if (p == 0)
		return 0;
	if (p == c->pid) {
		c->status = st;
		reap_rusage_add(&c->ru, &ru);
	}			/* else ECHILD: someone reaped it: status 0 */
	c->state = C_SWEEP;
	timer_clear(c, &c->t_timeout);
	timer_clear(c, &c->t_poll);
	c->poll_iv = 0;
	loop_child_del(c->loop, c->pid);
	notify(c, CHILD_EXITED);
	if (c->state != C_SWEEP)
		return 1;	/* fn released it */
	if (c->flags & CHILD_KEEP_ORPHANS)
		finish(c);
	else
		sweep(c);
	return 1;
}

static void
on_exit_watch(struct loop *l, pid_t pid, void *arg)
{
	struct child *c = arg;

	if (!child_reap(c))
		poll_later(c);	/* not yet a zombie: look again */
}

static void
on_timeout(struct loop *l, int id, void *arg)
{
	struct child *c = arg;

	c->t_timeout = 0;
	if (child_reap(c) || c->state != C_RUNNING)
		return;		/* it ended in time */
	c->timed_out = 1;
	child_stop(c);
	notify(c, CHILD_TIMEOUT);
}

int
child_start(struct child *c, struct loop *l, const struct spawn *sp)
{
	struct spawn plan = *sp;
	struct sigaction sa;
	int e;

	c->loop = l;
	c->pid = c->pgid = 0;
	c->state = C_IDLE;
	c->status = c->timed_out = c->killed = c->sent_sig = 0;
	c->escalated = 0;
	c->stuck = 0;
	c->sweep_errno = 0;
	c->poll_iv = 0;
	memset(&c->ru, 0, sizeof(c->ru));
	memset(&c->se, 0, sizeof(c->se));
	if (!(c->flags & CHILD_FOREGROUND) && !(plan.flags & SPAWN_SESSION))
		plan.flags |= SPAWN_PGROUP;
	/* an ignored SIGCHLD (trap '' CHLD in the parent) would reap the
	 * command for us, and its status would be lost */
	if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
		sa.sa_handler = SIG_DFL;
		sa.sa_flags = 0;
		sigaction(SIGCHLD, &sa, NULL);
	}
	/* the timer first: once the command runs, nothing may fail */
	if (c->timeout > 0 && c->timeout < LIMIT_MAX && (c->t_timeout =
	    loop_timer(l, c->timeout, 0, on_timeout, c)) == -1) {
		c->t_timeout = 0;
		c->se.step = SPAWN_STEP_PARENT;
		return -1;
	}
	if (spawn_start(&plan, &c->pid, &c->se) == -1) {
		e = errno;
		timer_clear(c, &c->t_timeout);
		c->pid = 0;
		errno = e;
		return -1;
	}
	c->state = C_RUNNING;
	c->next = live;
	live = c;
	if (plan.flags & (SPAWN_PGROUP | SPAWN_SESSION))
		c->pgid = c->pid;
	c->pidfd = reap_pidfd_open(c->pid);
	if (loop_child(l, c->pid, c->pidfd, on_exit_watch, c) == -1)
		poll_later(c);	/* then by polling */
	notify(c, CHILD_STARTED);
	return 0;
}

void
child_release(struct child *c)
{
	if (c->loop != NULL && c->state == C_RUNNING)
		loop_child_del(c->loop, c->pid);
	if (c->loop != NULL) {
		timer_clear(c, &c->t_timeout);
		timer_clear(c, &c->t_kill);
		timer_clear(c, &c->t_poll);
	}
	unlink_live(c);
	if (c->pidfd != -1) {
		close(c->pidfd);
		c->pidfd = -1;
	}
	if (c->state != C_IDLE)
		c->state = C_DONE;
}

/* ---- the blocking form ---- */

static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
    SIGUSR2, SIGWINCH };

struct blocking {
	struct child	*c;
	void		(*fn)(struct child *, enum child_event, void *);
	void		*arg;
	int		 nint;
};

static void
on_fwd(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct blocking *b = arg;
	int sig = (int)si->ssi_signo;

	if ((sig == SIGINT || sig == SIGTERM) && ++b->nint >= 2)
		child_kill(b->c);
	else
		child_signal(b->c, sig);
}

static void
on_event(struct child *c, enum child_event ev, void *arg)
{
	struct blocking *b = arg;

	if (b->fn != NULL)
		b->fn(c, ev, b->arg);
	if (ev == CHILD_DONE)
		loop_stop(c->loop);
}

int
child_run(struct child *c, const struct spawn *sp)
{
	struct blocking b = { c, c->fn, c->arg, 0 };
	struct loop *l;
	size_t i;
	int rc = -1, e;

	reap_subreaper();
	c->pid = 0;
	if ((l = loop_new()) == NULL)
		goto fail;
	for (i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		if (loop_signal(l, fwd[i], on_fwd, &b) == -1)
			goto fail;
	c->fn = on_event;
	c->arg = &b;
	if (child_start(c, l, sp) == 0) {
		while (!child_done(c))
			if (loop_once(l, -1) == -1 && errno != EINTR)
				break;
		rc = child_done(c) ? child_code(c) : -1;
	}
	c->fn = b.fn;
	c->arg = b.arg;
	child_release(c);
	e = errno;
	loop_free(l);
	errno = e;
	return rc;
fail:
	e = errno;
	memset(&c->se, 0, sizeof(c->se));
	c->se.step = SPAWN_STEP_PARENT;
	if (l != NULL)
		loop_free(l);
	errno = e;
	return -1;
}
