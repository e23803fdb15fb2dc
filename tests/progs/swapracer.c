/*
 * swapracer DIR OUTSIDE [PAIRS]: fill DIR with PAIRS (20) directories dK,
 * each holding files and a subdirectory, and as many symlinks lK to
 * OUTSIDE; create DIR/ready; then swap each dK with its lK
 * (renameat2 RENAME_EXCHANGE, so the name is always one or the other)
 * round and round while something removes DIR, until no swap has worked
 * for a while or 20 s have passed.  Prints the number of swaps made.
 * For tests/tempdir.bats: nothing outside DIR may be removed.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE	(1 << 1)
#endif

static void
touch(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	if (fd == -1) {
		perror(name);
		exit(1);
	}
	close(fd);
}

int
main(int argc, char *argv[])
{
	char a[64], b[64];
	long pairs = argc > 3 ? atol(argv[3]) : 20, i, j, swaps = 0, idle = 0;
	time_t end = time(NULL) + 20;
	int dfd;

	if (argc < 3 || pairs < 1 || pairs > 10000) {
		fprintf(stderr, "usage: swapracer DIR OUTSIDE [PAIRS]\n");
		return 2;
	}
	if ((dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < pairs; i++) {
		snprintf(a, sizeof(a), "d%ld", i);
		if (mkdirat(dfd, a, 0700) == -1) {
			perror(a);
			return 1;
		}
		for (j = 0; j < 20; j++) {
			snprintf(b, sizeof(b), "d%ld/f%ld", i, j);
			touch(dfd, b);
		}
		snprintf(b, sizeof(b), "d%ld/sub", i);
		mkdirat(dfd, b, 0700);
		snprintf(b, sizeof(b), "d%ld/sub/f", i);
		touch(dfd, b);
		snprintf(b, sizeof(b), "l%ld", i);
		if (symlinkat(argv[2], dfd, b) == -1) {
			perror(b);
			return 1;
		}
	}
	touch(dfd, "ready");
	for (i = 0; idle < 20000 && time(NULL) < end; i = (i + 1) % pairs) {
		snprintf(a, sizeof(a), "d%ld", i);
		snprintf(b, sizeof(b), "l%ld", i);
		if (syscall(SYS_renameat2, dfd, a, dfd, b, RENAME_EXCHANGE) == 0) {
			swaps++;
			idle = 0;
		} else
			idle++;
	}
	printf("%ld\n", swaps);
	return 0;
}
