/* lib/reap: exit codes, the process tree, rusage. */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/reap.h"
#include "unit.h"

static void
exit_codes(void)
{
	int st;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(3);
	waitpid(pid, &st, 0);
	CHECK_U64(reap_exit_code(st), 3);
	if ((pid = fork()) == 0) {
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK_U64(reap_exit_code(st), 128 + SIGTERM);
	if ((pid = fork()) == 0)
		_exit(255);
	waitpid(pid, &st, 0);
	CHECK_U64(reap_exit_code(st), 255);
}

static void
rusage_add(void)
{
	struct rusage a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.ru_utime.tv_usec = 700000;
	b.ru_utime.tv_sec = 1;
	b.ru_utime.tv_usec = 400000;
	a.ru_maxrss = 100;
	b.ru_maxrss = 50;
	a.ru_minflt = 3;
	b.ru_minflt = 4;
	reap_rusage_add(&a, &b);
	CHECK_U64(a.ru_utime.tv_sec, 2);
	CHECK_U64(a.ru_utime.tv_usec, 100000);
	CHECK_U64(a.ru_maxrss, 100);
	CHECK_U64(a.ru_minflt, 7);
}

static int reaped;

static void
count_reaped(void *arg, pid_t pid, int status, const struct rusage *ru)
{
	reaped++;
}

/* Wait (bounded) until our descendants number n. */
static size_t
wait_tree(size_t n)
{
	struct timespec ts = { 0, 2000000 };
	pid_t *pids;
	size_t got = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		if (reap_descendants(0, NULL, 0, &pids, &got) == -1)
			return (size_t)-1;
		free(pids);
		if (got == n)
			break;
		nanosleep(&ts, NULL);
	}
	return got;
}

/* A child that double-forks a grandchild into another session and
 * pauses: as subreaper we find both, kill both, and reap the grandchild
 * once it is ours. */
static void
tree(int pidfds)
{
	struct timespec ts = { 0, 2000000 };
	int p[2], st, i;
	pid_t pid, gc = 0, *pids;
	size_t n = 1;

	reap_pidfd_use(pidfds);
	CHECK(reap_subreaper() == 0);
	CHECK(pipe(p) == 0);
	if ((pid = fork()) == 0) {
		pid_t g = fork();

		if (g == 0) {
			setsid();	/* an escapee */
			pause();
			_exit(0);
		}
		write(p[1], &g, sizeof(g));
		pause();
		_exit(0);
	}
	CHECK(read(p[0], &gc, sizeof(gc)) == sizeof(gc));
	close(p[0]);
	close(p[1]);
	CHECK_U64(wait_tree(2), 2);
	CHECK(reap_kill_tree(0, 0, NULL, 0, SIGKILL) == 2);
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	reaped = 0;
	for (i = 0; i < 1000 && n > 0; i++) {
		reap_children(count_reaped, NULL);
		if (reap_descendants(0, NULL, 0, &pids, &n) == -1)
			break;
		free(pids);
		if (n > 0)
			nanosleep(&ts, NULL);
	}
	CHECK_U64(n, 0);
	CHECK_U64(reaped, 1);	/* the grandchild, reparented to us */
	CHECK(kill(gc, 0) == -1 && errno == ESRCH);
	reap_pidfd_use(1);
}

static void
tree_pidfd(void)
{
	tree(1);
}

static void
tree_no_pidfd(void)
{
	reap_pidfd_use(0);
	CHECK(reap_pidfd_open(getpid()) == -1 && errno == ENOSYS);
	tree(0);
}

/* reap_children reaps zombies and reports them; kill_tree sends to a
 * group once and not again to its members. */
static void
children_and_group(void)
{
	struct timespec ts = { 0, 2000000 };
	pid_t a, b;
	int i, n;

	if ((a = fork()) == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(a, a);
	if ((b = fork()) == 0)
		_exit(4);
	CHECK_U64(wait_tree(2), 2);
	n = reap_kill_tree(0, a, NULL, 0, SIGTERM);
	/* the group (a), and b, which is outside it (if not yet gone) */
	CHECK(n >= 1 && n <= 2);
	reaped = 0;
	for (i = 0; i < 1000 && reaped < 2; i++) {
		reap_children(count_reaped, NULL);
		if (reaped < 2)
			nanosleep(&ts, NULL);
	}
	CHECK_U64(reaped, 2);
	CHECK(reap_children(NULL, NULL) == 0);
}

/* The tree below a given root, not below us; skip leaves a subtree out. */
static void
rooted(void)
{
	struct timespec ts = { 0, 2000000 };
	pid_t a, b, *pids = NULL;
	size_t n = 0;
	int p[2], i, st;

	CHECK(pipe(p) == 0);
	if ((a = fork()) == 0) {	/* a, with a child */
		if (fork() == 0) {
			pause();
			_exit(0);
		}
		write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	if ((b = fork()) == 0) {	/* b, a sibling of a, childless */
		pause();
		_exit(0);
	}
	CHECK(read(p[0], &st, 1) == 1);
	close(p[0]);
	close(p[1]);
	for (i = 0; i < 1000; i++) {
		CHECK(reap_descendants(a, NULL, 0, &pids, &n) == 0);
		free(pids);
		if (n == 1)
			break;
		nanosleep(&ts, NULL);
	}
	CHECK_U64(n, 1);		/* a's child only: not b, not a */
	CHECK(reap_descendants(0, &a, 1, &pids, &n) == 0);
	CHECK(n == 1 && pids[0] == b);	/* ours without a's tree */
	free(pids);
	CHECK(reap_descendants(0, &b, 1, &pids, &n) == 0);
	CHECK_U64(n, 2);		/* a and its child */
	free(pids);
	/* a's child only: a itself and b are left */
	CHECK(reap_kill_tree(a, 0, NULL, 0, SIGKILL) == 1);
	CHECK(kill(a, 0) == 0 && kill(b, 0) == 0);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, &st, 0);
	waitpid(b, &st, 0);
	for (i = 0; i < 1000; i++) {	/* the grandchild, now ours */
		reap_children(NULL, NULL);
		CHECK(reap_descendants(0, NULL, 0, &pids, &n) == 0);
		free(pids);
		if (n == 0)
			break;
		nanosleep(&ts, NULL);
	}
	CHECK_U64(n, 0);
}

UNIT_SUITE(test_reap);

void
test_reap(void)
{
	unit_run("reap: exit codes", exit_codes);
	unit_run("reap: the tree below a root, skip", rooted);
	unit_run("reap: rusage sums", rusage_add);
	unit_run("reap: children and groups", children_and_group);
	unit_run("reap: tree with pidfds", tree_pidfd);
	unit_run("reap: tree without pidfds", tree_no_pidfd);
}
