/*
 * splsink: splice(2) stdin, a pipe, into /dev/null until EOF; with -c
 * print the byte count.  A consumer that costs next to nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	unsigned long long total = 0;
	ssize_t n;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null == -1)
		return 1;
	fcntl(0, F_SETPIPE_SZ, 1024 * 1024);
	for (;;) {
		n = splice(0, NULL, null, NULL, 1024 * 1024, SPLICE_F_MOVE);
		if (n == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			perror("splsink: splice");
			return 1;
		}
		total += (unsigned long long)n;
	}
	if (argc > 1 && strcmp(argv[1], "-c") == 0)
		printf("%llu\n", total);
	return 0;
}
