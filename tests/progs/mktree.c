/*
 * mktree: build a tree to remove, fast (for tests/tempdir.bats and
 * bench/tempdir.sh; a shell or Python loop costs more than the removal).
 *   mktree wide DIR NDIRS NFILES   DIR/dK/fI: NDIRS directories of NFILES
 *   mktree deep DIR LEVELS [LONG]  DIR/d/d/...: LEVELS deep, the first LONG
 *                                  levels named with 255 bytes, a file
 *                                  every 1000 levels
 * DIR is created when it is missing.  Prints the number of entries made.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
fail(const char *what)
{
	perror(what);
	exit(1);
}

static int
opendir_made(int dfd, const char *name)
{
	int fd;

	if (mkdirat(dfd, name, 0700) == -1 && errno != EEXIST)
		fail(name);
	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		fail(name);
	return fd;
}

static void
touch(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	if (fd == -1)
		fail(name);
	close(fd);
}

int
main(int argc, char *argv[])
{
	char name[256];
	long a, b, i, j, n = 0;
	int top, fd, nfd;

	if (argc < 4 || (strcmp(argv[1], "wide") != 0 &&
	    strcmp(argv[1], "deep") != 0)) {
		fprintf(stderr, "usage: mktree wide DIR NDIRS NFILES\n"
		    "       mktree deep DIR LEVELS [LONG]\n");
		return 2;
	}
	a = atol(argv[3]);
	b = argc > 4 ? atol(argv[4]) : 0;
	top = opendir_made(AT_FDCWD, argv[2]);
	if (strcmp(argv[1], "wide") == 0) {
		for (i = 0; i < a; i++) {
			snprintf(name, sizeof(name), "d%ld", i);
			fd = opendir_made(top, name);
			n++;
			for (j = 0; j < b; j++, n++) {
				snprintf(name, sizeof(name), "f%ld", j);
				touch(fd, name);
			}
			close(fd);
		}
	} else {
		memset(name, 'n', 255);
		name[255] = '\0';
		fd = top;
		for (i = 0; i < a; i++, n++) {
			if (i % 1000 == 0) {
				touch(fd, "f");
				n++;
			}
			nfd = opendir_made(fd, i < b ? name : "d");
			if (fd != top)
				close(fd);
			fd = nfd;
		}
	}
	printf("%ld\n", n);
	return 0;
}
