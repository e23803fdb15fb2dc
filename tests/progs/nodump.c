/*
 * nodump: a process that is not dumpable, run by root for tests/ps.bats:
 * it takes the real, effective and saved uid given (and gid GID), marks
 * itself non-dumpable (a change of euid already does, unless the
 * fs.suid_dumpable sysctl says otherwise), prints its pid and sleeps.
 * The files in its /proc/PID then belong to root, not to its euid; ps
 * must still show the euid and the ruid it runs as.
 *
 *   nodump RUID EUID SUID GID [SECONDS]
 */
#include <sys/prctl.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static unsigned
num(const char *s)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno != 0 || e == s || *e != '\0' || v > 0xfffffffeUL) {
		fprintf(stderr, "nodump: bad number: %s\n", s);
		exit(2);
	}
	return (unsigned)v;
}

int
main(int argc, char *argv[])
{
	struct timespec ts = { 30, 0 };
	gid_t gid;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: nodump RUID EUID SUID GID [SECONDS]\n");
		return 2;
	}
	if (argc == 6)
		ts.tv_sec = (time_t)num(argv[5]);
	gid = (gid_t)num(argv[4]);
	if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(num(argv[1]), num(argv[2]), num(argv[3])) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		perror("nodump");
		return 1;
	}
	printf("%d\n", (int)getpid());
	fflush(stdout);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
	return 0;
}
