/*
 * vmsrc SIZE: write SIZE bytes (4G, 512M, ...) to stdout, a pipe, with
 * vmsplice(2) from one 1 MiB buffer: a producer that costs next to
 * nothing, so that what sits between it and splsink is what is measured.
 */
#define _GNU_SOURCE
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(1024 * 1024)

static unsigned long long
size_arg(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'G': return v << 30;
	case 'M': return v << 20;
	case 'K': return v << 10;
	default: return v;
	}
}

int
main(int argc, char *argv[])
{
	unsigned long long left;
	struct iovec iov;
	char *buf;
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: vmsrc SIZE\n");
		return 2;
	}
	left = size_arg(argv[1]);
	if (posix_memalign((void **)&buf, 4096, CHUNK) != 0)
		return 1;
	memset(buf, 'v', CHUNK);
	fcntl(1, F_SETPIPE_SZ, CHUNK);
	while (left > 0) {
		iov.iov_base = buf;
		iov.iov_len = left < CHUNK ? left : CHUNK;
		n = vmsplice(1, &iov, 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			perror("vmsrc: vmsplice");
			return 1;
		}
		/* the kernel holds references to buf's pages: never changed */
		left -= (unsigned long long)n;
		if ((size_t)n < iov.iov_len) {
			iov.iov_base = buf + n;
			iov.iov_len -= (size_t)n;
			while (iov.iov_len > 0 &&
			    (n = vmsplice(1, &iov, 1, 0)) > 0) {
				left -= (unsigned long long)n;
				iov.iov_base = (char *)iov.iov_base + n;
				iov.iov_len -= (size_t)n;
			}
		}
	}
	return 0;
}
