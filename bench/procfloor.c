/*
 * procfloor: the least a ps can do, the floor bench/ps.sh measures syskit
 * ps against: list /proc, then for each process open, read and close each
 * FILE of /proc/PID once (stat when none is named), nothing else.  With -n
 * it only lists /proc, so that what a file costs is the difference.
 *
 *	usage: procfloor [-n | FILE ...]
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static char *stat_only[] = { "stat", NULL };
	char path[64], buf[4096];
	char **files = argc > 1 ? argv + 1 : stat_only;
	struct dirent *d;
	DIR *dir = opendir("/proc");
	long n = 0;
	int fd, i;

	if (argc == 2 && strcmp(argv[1], "-n") == 0)
		files = argv + 2;	/* none */
	while (dir != NULL && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		n++;
		for (i = 0; files[i] != NULL; i++) {
			snprintf(path, sizeof(path), "/proc/%s/%s", d->d_name,
			    files[i]);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				continue;
			while (read(fd, buf, sizeof(buf)) == sizeof(buf))
				;
			close(fd);
		}
	}
	printf("%ld\n", n);
	return 0;
}
