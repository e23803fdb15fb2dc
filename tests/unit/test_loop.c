/* lib/loop: timers, fds, signals, children, buffers, splice. */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/io.h"
#include "../../lib/loop.h"
#include "unit.h"

static int fired, fired_id;

static void
on_timer(struct loop *l, int id, void *arg)
{
	fired++;
	fired_id = id;
	if (arg != NULL && fired >= *(int *)arg)
		loop_stop(l);
}

static void
timers(void)
{
	struct loop *l = loop_new();
	double t0;
	int stop_at = 1, id, gone;

	CHECK(l != NULL);
	fired = 0;
	t0 = loop_now();
	gone = loop_timer(l, 0.005, 0, on_timer, NULL);
	CHECK(gone > 0);
	CHECK(loop_timer_del(l, gone) == 0);
	id = loop_timer(l, 0.02, 0, on_timer, &stop_at);
	CHECK(id > 0 && id != gone);
	CHECK(loop_run(l) == 0);
	CHECK_U64(fired, 1);
	CHECK(fired_id == id);
	CHECK(loop_now() - t0 >= 0.019);
	/* a one-shot timer is gone after its call */
	CHECK(loop_timer_del(l, id) == 0);
	/* periodic */
	fired = 0;
	stop_at = 3;
	id = loop_timer(l, 0.001, 0.001, on_timer, &stop_at);
	CHECK(loop_run(l) == 0);
	CHECK_U64(fired, 3);
	loop_timer_del(l, id);
	/* nothing left: loop_once times out */
	CHECK(loop_once(l, 5) == 0);
	loop_free(l);
}

/* How many descriptors this process has open. */
static int
count_fds(void)
{
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* Timers on spare timerfds: an id is never given twice, a timer removed
 * while armed never fires on its successor's fd, and the fds are the
 * same ones (no timerfd made per timer). */
static void
timer_spares(void)
{
	struct loop *l = loop_new();
	int stop_at = 1, a, b, c, d, fds0, fds1;
	double t0;

	CHECK(l != NULL);
	fired = 0;
	a = loop_timer(l, 0.001, 0, on_timer, &stop_at);
	CHECK(loop_run(l) == 0 && fired == 1 && fired_id == a);
	fds0 = count_fds();
	/* a's fd again, with a new id; removed armed, due at once */
	b = loop_timer(l, 0, 0, on_timer, NULL);
	CHECK(b > a);
	CHECK(count_fds() == fds0);
	CHECK(loop_timer_del(l, b) == 0);
	/* b's fd again: the expiry b had is not c's */
	fired = 0;
	t0 = loop_now();
	c = loop_timer(l, 0.03, 0, on_timer, &stop_at);
	CHECK(c > b);
	CHECK(count_fds() == fds0);
	/* a stale id removes nothing */
	CHECK(loop_timer_del(l, a) == 0 && loop_timer_del(l, b) == 0);
	CHECK(loop_run(l) == 0);
	CHECK(fired == 1 && fired_id == c);
	CHECK(loop_now() - t0 >= 0.029);
	/* two at once: the spare and a new fd */
	d = loop_timer(l, 0.002, 0, on_timer, NULL);
	stop_at = 2;
	fired = 0;
	c = loop_timer(l, 0.004, 0, on_timer, &stop_at);
	fds1 = count_fds();
	CHECK(fds1 == fds0 + 1);
	CHECK(loop_run(l) == 0 && fired == 2 && fired_id == c && d < c);
	/* the spares are closed with the loop */
	loop_free(l);
	CHECK(count_fds() < fds0);
}

static int fd_calls, other_calls;
static int other_fd;

static void
on_read(struct loop *l, int fd, unsigned ev, void *arg)
{
	char c;

	fd_calls++;
	CHECK(ev & EPOLLIN);
	CHECK(read(fd, &c, 1) == 1);
	/* removing another watch whose event is in this batch */
	loop_fd_del(l, other_fd);
	loop_stop(l);
}

static void
on_other(struct loop *l, int fd, unsigned ev, void *arg)
{
	other_calls++;
	loop_stop(l);
}

static void
fds(void)
{
	struct loop *l = loop_new();
	char tmpl[] = "/tmp/syskit-unit-XXXXXX";
	int a[2], b[2], f;

	CHECK(pipe2(a, O_CLOEXEC) == 0 && pipe2(b, O_CLOEXEC) == 0);
	CHECK(write(a[1], "x", 1) == 1 && write(b[1], "y", 1) == 1);
	fd_calls = other_calls = 0;
	CHECK(loop_fd(l, a[0], EPOLLIN, on_read, NULL) == 0);
	/* whichever comes first, only one of the two is called */
	other_fd = b[0];
	CHECK(loop_fd(l, b[0], EPOLLIN, on_other, NULL) == 0);
	CHECK(loop_run(l) == 0);
	CHECK_U64(fd_calls + other_calls, 1);
	if (other_calls == 1) {
		CHECK(loop_run(l) == 0);
		CHECK_U64(fd_calls, 1);
	}
	/* paused, then resumed */
	CHECK(write(a[1], "z", 1) == 1);
	CHECK(loop_fd_events(l, a[0], 0) == 0);
	CHECK(loop_once(l, 10) == 0);
	CHECK(loop_fd_events(l, a[0], EPOLLIN) == 0);
	fd_calls = 0;
	CHECK(loop_run(l) == 0);
	CHECK_U64(fd_calls, 1);
	CHECK(loop_fd_del(l, a[0]) == 0);
	CHECK(loop_fd_del(l, a[0]) == -1 && errno == ENOENT);
	/* a regular file cannot be watched */
	f = mkstemp(tmpl);
	CHECK(f != -1);
	unlink(tmpl);
	errno = 0;
	CHECK(loop_fd(l, f, EPOLLIN, on_read, NULL) == -1 && errno == EPERM);
	close(f);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
	loop_free(l);
}

static int got_sig;

static void
on_sig(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	got_sig = (int)si->ssi_signo;
	loop_stop(l);
}

static void
signals(void)
{
	struct loop *l = loop_new();
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, NULL, &old);
	got_sig = 0;
	CHECK(loop_signal(l, SIGUSR2, on_sig, NULL) == 0);
	/* blocked now, so this waits in the signalfd */
	raise(SIGUSR2);
	CHECK(loop_run(l) == 0);
	CHECK_U64(got_sig, SIGUSR2);
	CHECK(loop_signal(l, 0, on_sig, NULL) == -1 && errno == EINVAL);
	loop_free(l);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static pid_t exited;

static void
on_child(struct loop *l, pid_t pid, void *arg)
{
	exited = pid;
	loop_stop(l);
}

static void
children(void)
{
	struct loop *l = loop_new();
	sigset_t old;
	pid_t pid;
	int pfd, st, pass;

	sigprocmask(SIG_BLOCK, NULL, &old);
	for (pass = 0; pass < 2; pass++) {
		if ((pid = fork()) == 0) {
			usleep(10000);
			_exit(5);
		}
		pfd = pass == 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
		exited = 0;
		CHECK(loop_child(l, pid, pfd, on_child, NULL) == 0);
		CHECK(loop_run(l) == 0);
		CHECK(exited == pid);
		/* not reaped by the loop */
		CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 5);
		if (pfd != -1)
			close(pfd);
	}
	/* already exited before it was watched (SIGCHLD path) */
	if ((pid = fork()) == 0)
		_exit(0);
	usleep(20000);
	exited = 0;
	CHECK(loop_child(l, pid, -1, on_child, NULL) == 0);
	CHECK(loop_run(l) == 0);
	CHECK(exited == pid);
	waitpid(pid, &st, 0);
	/* removed before it exits: no call */
	if ((pid = fork()) == 0) {
		usleep(5000);
		_exit(0);
	}
	exited = 0;
	CHECK(loop_child(l, pid, -1, on_child, NULL) == 0);
	CHECK(loop_child_del(l, pid) == 0);
	waitpid(pid, &st, 0);
	CHECK(loop_once(l, 10) >= 0);
	CHECK(exited == 0);
	loop_free(l);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void
bufs(void)
{
	struct io_buf b;
	int p[2];

	CHECK(io_buf_init(&b, 8) == 0);
	CHECK_U64(io_buf_room(&b), 8);
	CHECK(io_buf_put(&b, "abcde", 5) == 0);
	CHECK(io_buf_put(&b, "fghij", 5) == -1 && errno == ENOBUFS);
	CHECK_U64(b.len, 5);
	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	CHECK(io_buf_write(&b, p[1]) == 5);
	CHECK_U64(b.len, 0);
	CHECK(write(p[1], "0123456789", 10) == 10);
	CHECK(io_buf_read(&b, p[0]) == 8);
	CHECK(io_buf_read(&b, p[0]) == -1 && errno == ENOBUFS);
	CHECK(memcmp(b.data + b.off, "abcde012", 8) == 0);
	/* drain 3, then the read wraps the pending bytes to the front */
	b.off += 3;
	b.len -= 3;
	CHECK(io_buf_read(&b, p[0]) == 3);
	CHECK(memcmp(b.data + b.off, "de012345", 8) == 0);
	CHECK(io_buf_read(&b, p[0]) == -1 && errno == ENOBUFS);
	b.off = b.len = 0;
	CHECK(io_buf_read(&b, p[0]) == 4);
	CHECK(io_buf_read(&b, p[0]) == -1 && errno == EAGAIN);
	close(p[1]);
	CHECK(io_buf_read(&b, p[0]) == 0);
	close(p[0]);
	io_buf_free(&b);
}

/* A growable buffer: empty until put, doubles from 64 KiB, keeps the
 * pending bytes in order across growth, refuses past its max. */
static void
bufs_growable(void)
{
	static char big[200000];
	struct io_buf b;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	io_buf_init_growable(&b, 300000);
	CHECK(b.data == NULL && b.cap == 0);
	CHECK(io_buf_put(&b, "", 0) == 0 && b.len == 0);
	CHECK(io_buf_put(&b, big, 10) == 0);
	CHECK_U64(b.cap, 65536);
	b.off += 4;		/* 4 written: the rest moves to the front */
	b.len -= 4;
	CHECK(io_buf_put(&b, big + 10, 100000) == 0);
	CHECK_U64(b.cap, 131072);
	CHECK_U64(b.len, 100006);
	for (i = 0; i < b.len; i++)
		ok &= b.data[b.off + i] == big[4 + i];
	CHECK(ok);
	CHECK(io_buf_put(&b, big, 190000) == 0);	/* to max exactly */
	CHECK_U64(b.cap, 300000);
	CHECK(io_buf_put(&b, big, 200000) == -1 && errno == ENOBUFS);
	CHECK_U64(b.len, 290006);
	io_buf_free(&b);
}

static void
splicing(void)
{
	char tmpl[] = "/tmp/syskit-unit-XXXXXX", buf[8];
	int p[2], f;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	f = mkstemp(tmpl);
	CHECK(f != -1);
	unlink(tmpl);
	CHECK(io_splice(p[0], f, 100) == -1 && errno == EAGAIN);
	CHECK(write(p[1], "spliced", 7) == 7);
	CHECK(io_splice(p[0], f, 100) == 7);
	CHECK(pread(f, buf, sizeof(buf), 0) == 7 &&
	    memcmp(buf, "spliced", 7) == 0);
	close(p[1]);
	CHECK(io_splice(p[0], f, 100) == 0);
	close(p[0]);
	close(f);
}

UNIT_SUITE(test_loop);

void
test_loop(void)
{
	unit_run("loop: timers", timers);
	unit_run("loop: timers on spare timerfds", timer_spares);
	unit_run("loop: descriptors", fds);
	unit_run("loop: signals", signals);
	unit_run("loop: children", children);
	unit_run("loop: buffers", bufs);
	unit_run("loop: growable buffers", bufs_growable);
	unit_run("loop: splice", splicing);
}
