/*
 * wlat: the clock and the load of bench/watch.sh.
 *
 *   wlat stamp FILE            append CLOCK_MONOTONIC (ns) to FILE: the
 *                              command a watcher runs
 *   wlat drive TARGET STAMPS N GAP_MS
 *                              N times: write TARGET, wait for a new line
 *                              in STAMPS, the latency; a gap between
 *                              rounds.  Prints "median p90" in ms.
 *   wlat create DIR N          create N empty files in DIR, fast
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* The number of lines in path and its last one's number. */
static int
last_stamp(const char *path, long long *last)
{
	char buf[1 << 16];
	ssize_t n, len = 0;
	int fd, lines = 0;
	char *p, *prev = NULL;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* a bench's stamps are a few KiB */
	while ((size_t)len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++) {
		lines++;
		if (p[1] != '\0')
			prev = p + 1;
	}
	if (last != NULL)
		*last = prev != NULL ? atoll(prev) : atoll(buf);
	return lines;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
drive(const char *target, const char *stamps, int n, int gap_ms)
{
	double *lat = calloc((size_t)n, sizeof(*lat));
	long long t0, st;
	int i, k, base, fd;

	for (i = 0; i < n; i++) {
		base = last_stamp(stamps, NULL);
		t0 = now_ns();
		if ((fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644)) == -1 || write(fd, "x\n", 2) != 2) {
			perror(target);
			return 1;
		}
		close(fd);
		for (k = 0; k < 500000; k++) {
			if (last_stamp(stamps, &st) > base)
				break;
			nap_us(50);
		}
		lat[i] = (double)(st - t0) / 1e6;
		nap_us(gap_ms * 1000L);
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("%.3f %.3f\n", lat[n / 2], lat[(n * 9) / 10]);
	free(lat);
	return 0;
}

int
main(int argc, char *argv[])
{
	char path[4096];
	int i, n, fd;

	if (argc == 3 && strcmp(argv[1], "stamp") == 0) {
		long long t = now_ns();

		if ((fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0644)) == -1)
			return 1;
		dprintf(fd, "%lld\n", t);
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "drive") == 0)
		return drive(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 4 && strcmp(argv[1], "create") == 0) {
		n = atoi(argv[3]);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/f%d", argv[2], i);
			if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644)) == -1) {
				perror(path);
				return 1;
			}
			close(fd);
		}
		return 0;
	}
	fprintf(stderr, "usage: wlat stamp FILE | drive TARGET STAMPS N GAP_MS "
	    "| create DIR N\n");
	return 2;
}
