/* lib/child: supervise one command, blocking and under a loop. */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/child.h"
#include "../../lib/loop.h"
#include "../../lib/reap.h"
#include "unit.h"

static int
sh(struct child *c, const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct spawn sp;

	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.umask = -1;
	return child_run(c, &sp);
}

/* How many processes are below us now. */
static size_t
below(void)
{
	pid_t *pids;
	size_t n;

	if (reap_descendants(0, NULL, 0, &pids, &n) == -1)
		return (size_t)-1;
	free(pids);
	return n;
}

static void
exit_codes(void)
{
	struct child c;
	char *argv[] = { "no-such-command-here", NULL };
	struct spawn sp;

	child_init(&c);
	CHECK_U64(sh(&c, "true"), 0);
	CHECK(c.pid > 0 && !c.timed_out && child_done(&c));
	child_init(&c);
	CHECK_U64(sh(&c, "exit 3"), 3);
	/* an inherited SIG_IGN for SIGCHLD would reap it for us */
	signal(SIGCHLD, SIG_IGN);
	child_init(&c);
	CHECK_U64(sh(&c, "exit 6"), 6);
	CHECK(signal(SIGCHLD, SIG_DFL) == SIG_DFL);
	child_init(&c);
	CHECK_U64(sh(&c, "kill -USR1 $$"), 128 + SIGUSR1);
	child_init(&c);
	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.umask = -1;
	errno = 0;
	CHECK(child_run(&c, &sp) == -1 && errno == ENOENT);
	CHECK(c.pid == 0 && c.se.step == SPAWN_STEP_EXEC);
	CHECK_U64(spawn_exec_status(ENOENT), 127);
}

static void
time_limit(void)
{
	struct child c;

	child_init(&c);
	c.timeout = 0.05;
	CHECK_U64(sh(&c, "sleep 10"), 124);
	CHECK(c.timed_out && !c.killed);
	child_init(&c);
	c.timeout = 0.05;
	c.flags = CHILD_PRESERVE;
	CHECK_U64(sh(&c, "sleep 10"), 128 + SIGTERM);
	/* TERM ignored: KILL after the grace, still 124 (the limit leaves
	 * the shell time to set its trap on a loaded machine) */
	child_init(&c);
	c.timeout = 0.5;
	c.kill_after = 0.05;
	CHECK_U64(sh(&c, "trap '' TERM; sleep 10"), 124);
	CHECK(c.killed);
	/* timeout -s0 -k: nothing is sent, the KILL ends it: 137 */
	child_init(&c);
	c.timeout = 0.05;
	c.sig = 0;
	c.kill_after = 0.05;
	CHECK_U64(sh(&c, "sleep 10"), 128 + SIGKILL);
	/* inf is no limit */
	child_init(&c);
	c.timeout = 1.0 / 0.0;
	CHECK_U64(sh(&c, "exit 4"), 4);
}

/* A stopped command acts on the signal only once continued. */
static void
stopped(void)
{
	struct child c;

	child_init(&c);
	c.timeout = 0.05;
	c.kill_after = 5;	/* only a backstop: SIGCONT ends it first */
	CHECK_U64(sh(&c, "kill -STOP $$; exit 9"), 124);
	CHECK(!c.killed);
	CHECK(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGTERM);
}

/* What the command leaves is swept: TERM, then KILL after the grace. */
static void
sweep(void)
{
	struct child c;

	child_init(&c);
	CHECK_U64(sh(&c, "sleep 10 & sleep 10 & exit 0"), 0);
	CHECK_U64(below(), 0);
	child_init(&c);
	c.kill_after = 0.05;
	CHECK_U64(sh(&c, "sh -c \"trap '' TERM; sleep 10\" & sleep 0.2; "
	    "exit 2"), 2);
	CHECK(c.killed);
	CHECK_U64(below(), 0);
	/* a stopped leftover is continued, so TERM works without KILL */
	child_init(&c);
	c.kill_after = 30;
	CHECK_U64(sh(&c, "sh -c 'kill -STOP $$; sleep 10' & sleep 0.1"), 0);
	CHECK(!c.killed);
	CHECK_U64(below(), 0);
}

struct seen {
	int	 ev[8];
	int	 n;
	pid_t	 pid_at_start;
};

static void
record(struct child *c, enum child_event ev, void *arg)
{
	struct seen *s = arg;

	if (ev == CHILD_STARTED)
		s->pid_at_start = c->pid;
	if (s->n < 8)
		s->ev[s->n++] = ev;
}

static void
events(void)
{
	struct seen s = { { 0 }, 0, 0 };
	struct child c;

	child_init(&c);
	c.fn = record;
	c.arg = &s;
	c.timeout = 0.05;
	CHECK_U64(sh(&c, "sleep 10"), 124);
	CHECK(s.pid_at_start == c.pid && c.pid > 0);
	CHECK_U64(s.n, 4);
	CHECK(s.ev[0] == CHILD_STARTED && s.ev[1] == CHILD_TIMEOUT &&
	    s.ev[2] == CHILD_EXITED && s.ev[3] == CHILD_DONE);
	CHECK(c.fn == record);	/* given back */
}

static int ndone;

static void
count_done(struct child *c, enum child_event ev, void *arg)
{
	if (ev == CHILD_DONE && ++ndone == 2)
		loop_stop(c->loop);
}

static int
start_sh(struct child *c, struct loop *l, const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct spawn sp;

	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.umask = -1;
	return child_start(c, l, &sp);
}

/* Two children under one loop: stopping one leaves the other's tree
 * alone; signals forwarded by hand. */
static void
two_in_a_loop(void)
{
	struct child a, b;
	struct loop *l;

	CHECK((l = loop_new()) != NULL);
	if (l == NULL)
		return;
	child_init(&a);
	child_init(&b);
	a.fn = b.fn = count_done;
	a.timeout = 0.05;
	ndone = 0;
	CHECK(start_sh(&a, l, "sleep 10 & sleep 10") == 0);
	CHECK(start_sh(&b, l, "sleep 0.3; exit 5") == 0);
	CHECK(child_running(&a) && child_running(&b));
	CHECK(loop_run(l) == 0);
	CHECK_U64(child_code(&a), 124);
	CHECK_U64(child_code(&b), 5);	/* its sleep was not swept */
	CHECK(!b.timed_out);
	/* forwarding: TERM reaches the command */
	child_init(&a);
	a.fn = count_done;
	ndone = 1;
	CHECK(start_sh(&a, l, "sleep 10") == 0);
	CHECK(child_signal(&a, SIGTERM) == 0);
	CHECK(loop_run(l) == 0);
	CHECK_U64(child_code(&a), 128 + SIGTERM);
	child_release(&a);
	child_release(&b);
	loop_free(l);
	CHECK_U64(below(), 0);
}

UNIT_SUITE(test_child);

void
test_child(void)
{
	sigset_t mask;

	reap_subreaper();
	unit_run("child: exit codes, not found", exit_codes);
	unit_run("child: the time limit, -s0 -k, inf", time_limit);
	unit_run("child: a stopped command gets SIGCONT", stopped);
	unit_run("child: the sweep", sweep);
	unit_run("child: events in order", events);
	unit_run("child: two under one loop", two_in_a_loop);
	/* the suites after this one expect orphans to go to init, and
	 * child_run left the forwarded signals blocked */
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	sigemptyset(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
}
