/*
 * zombies: leave N orphans that all exit at once, for an init to reap.
 * Forks N children blocked on a pipe and exits: the children are handed
 * to the nearest subreaper (or PID 1) and, as the last write end closed
 * with us, exit together: a burst of N zombies.
 *
 * usage: zombies N
 */
#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	int p[2];
	long i, n;
	char c;

	if (argc != 2 || (n = strtol(argv[1], NULL, 10)) <= 0)
		errx(2, "usage: zombies N");
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
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
	return 0;
}
