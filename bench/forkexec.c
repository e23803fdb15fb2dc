/*
 * forkexec: the fork/exec timer of bench/, a second opinion beside
 * hyperfine that has no hyperfine in it.  It runs COMMAND N times, one
 * after the other (fork, execvp, waitpid), with the command's stdout and
 * stderr on /dev/null, and prints one line:
 *
 *	N <tab> wall ns <tab> children's user µs <tab> children's system µs
 *
 * (all N runs together).  A run that does not exit 0 stops it: exit 3 and
 * one line on stderr.  With -t it is a child subreaper and each run ends
 * when every process the command started has ended and been reaped, its
 * orphans too (BusyBox's timeout leaves its watcher to whoever reaps
 * orphans, and a timer that waits for its child alone, as hyperfine does,
 * never counts the watcher): the CPU figures are then the whole tree's.
 *
 *	usage: forkexec [-t] N COMMAND [ARG ...]
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int tree;

/* One run; 0 when the command exited 0. */
static int
run_once(char *argv[], int null)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1) {
		fprintf(stderr, "forkexec: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	/* -t: the orphans, reparented to us */
	while (tree && (waitpid(-1, NULL, 0) != -1 || errno == EINTR))
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		fprintf(stderr, "forkexec: %s exited %d\n", argv[0],
		    WEXITSTATUS(st));
	else
		fprintf(stderr, "forkexec: %s killed by signal %d\n", argv[0],
		    WTERMSIG(st));
	return -1;
}

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage r0, r1;
	char *end;
	long n, i;
	int null;

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1) {
			fprintf(stderr, "forkexec: PR_SET_CHILD_SUBREAPER: %s\n",
			    strerror(errno));
			return 2;
		}
		tree = 1;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: forkexec [-t] N COMMAND [ARG ...]\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0) {
		fprintf(stderr, "forkexec: invalid N: %s\n", argv[1]);
		return 2;
	}
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "forkexec: /dev/null: %s\n", strerror(errno));
		return 2;
	}
	getrusage(RUSAGE_CHILDREN, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (run_once(argv + 2, null) != 0)
			return 3;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &r1);
	printf("%ld\t%lld\t%lld\t%lld\n", n,
	    (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
	    (t1.tv_nsec - t0.tv_nsec),
	    tv_us(r1.ru_utime) - tv_us(r0.ru_utime),
	    tv_us(r1.ru_stime) - tv_us(r0.ru_stime));
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}
