/*
 * zombies: work for an init (tests/run_init.bats, bench/init.sh).
 *
 * usage: zombies N	leave N orphans that all exit at once: forks N
 *			children blocked on a pipe and exits; the children
 *			go to the nearest subreaper (or PID 1) and, as the
 *			last write end closes with us, exit together
 *        zombies -w N	the same burst from a middle process, then wait
 *			until our parent (the init) has reaped all of them
 *			(its /proc/PID/task/PID/children holds only us)
 *        zombies -p N	send SIGUSR1 to our parent and wait for it to come
 *			back, N times: the init's forwarding round trip
 */
#include <sys/wait.h>

#include <err.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
burst(long n, int p[2])
{
	long i;
	char c;

	for (i = 0; i < n; i++) {
		switch (fork()) {
		case -1:
			err(1, "fork");
		case 0:
			close(p[1]);
			while (read(p[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
}

/* Whether the children file of our parent lists only us. */
static int
only_us(const char *path, const char *self)
{
	char buf[256];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		err(1, "%s", path);
	buf[n] = '\0';
	return strcmp(buf, self) == 0;
}

static int
wait_reaped(long n)
{
	char path[64], self[32];
	pid_t mid, pp = getppid();
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	if ((mid = fork()) == -1)
		err(1, "fork");
	if (mid == 0) {
		burst(n, p);
		_exit(0);
	}
	if (waitpid(mid, NULL, 0) == -1)
		err(1, "waitpid");
	close(p[0]);
	close(p[1]);		/* the burst */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pp,
	    (int)pp);
	snprintf(self, sizeof(self), "%d ", (int)getpid());
	while (!only_us(path, self))
		usleep(200);
	return 0;
}

static int
ping(long n)
{
	sigset_t set;
	pid_t pp = getppid();
	long i;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		if (kill(pp, SIGUSR1) == -1)
			err(1, "kill");
		if (sigwait(&set, &sig) != 0)
			errx(1, "sigwait");
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	long n;
	int p[2];

	if (argc == 3 && (n = strtol(argv[2], NULL, 10)) > 0) {
		if (strcmp(argv[1], "-w") == 0)
			return wait_reaped(n);
		if (strcmp(argv[1], "-p") == 0)
			return ping(n);
	}
	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0)
		errx(2, "usage: zombies [-w | -p] N");
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	burst(n, p);
	return 0;
}
