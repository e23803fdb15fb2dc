/*
 * procfloor: the least a ps can do, the floor bench/ps.sh measures syskit
 * ps against: list /proc, then for each process open, read and close each
 * FILE of /proc/PID once (stat when none is named), nothing else.  With -n
 * it only lists /proc, so that what a file costs is the difference.  With
 * -b it closes the files 64 at a time, one close_range for each run of
 * consecutive numbers, as syskit ps does (lib/fs, fs_batch).
 *
 *	usage: procfloor [-n | [-b] FILE ...]
 */
#include <sys/syscall.h>

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
	int fd, i, j, k, batch = 0, held[64], nheld = 0;

	if (argc == 2 && strcmp(argv[1], "-n") == 0)
		files = argv + 2;	/* none */
	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		batch = 1;
		files = argv + 2;
	}
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
			if (!batch) {
				close(fd);
				continue;
			}
			if (nheld == 64) {
				/* the numbers come in order: one call a run */
				for (k = 0; k < nheld; k = j) {
					for (j = k + 1; j < nheld &&
					    held[j] == held[j - 1] + 1; j++)
						;
					syscall(SYS_close_range, held[k],
					    held[j - 1], 0);
				}
				nheld = 0;
			}
			held[nheld++] = fd;
		}
	}
	printf("%ld\n", n);
	return 0;
}
