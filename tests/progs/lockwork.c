/*
 * lockwork: the work a lock.bats contender does inside the lock, without
 * a shell per contender (200 of them must stay fast).
 *
 * usage: lockwork count FILE    read the number in FILE, write it + 1
 *        lockwork span LOG MS   append "start PID", sleep MS, "end PID"
 *        lockwork slot LOG MS   append "in NS", sleep MS, append "out NS"
 * (NS: CLOCK_MONOTONIC in nanoseconds, for bench/lock.sh's hand-off
 * latency).  The appends are single O_APPEND writes: lines never mix.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
append(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	if (fd == -1 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		err(1, "%s", path);
	close(fd);
}

static void
pause_ms(const char *ms)
{
	long v = strtol(ms, NULL, 10);
	struct timespec ts = { v / 1000, (v % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
count(const char *path)
{
	char buf[32];
	ssize_t n;
	long v = 0;
	int fd;

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		err(1, "%s", path);
	if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		v = strtol(buf, NULL, 10);
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", v + 1);
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		err(1, "%s", path);
	close(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	char line[64];

	if (argc == 3 && strcmp(argv[1], "count") == 0)
		return count(argv[2]);
	if (argc == 4 && strcmp(argv[1], "span") == 0) {
		snprintf(line, sizeof(line), "start %d\n", (int)getpid());
		append(argv[2], line);
		pause_ms(argv[3]);
		snprintf(line, sizeof(line), "end %d\n", (int)getpid());
		append(argv[2], line);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "slot") == 0) {
		snprintf(line, sizeof(line), "in %lld\n", mono_ns());
		append(argv[2], line);
		pause_ms(argv[3]);
		snprintf(line, sizeof(line), "out %lld\n", mono_ns());
		append(argv[2], line);
		return 0;
	}
	fprintf(stderr, "usage: lockwork count FILE | span LOG MS | slot LOG MS\n");
	return 2;
}
