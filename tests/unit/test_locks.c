/* lib/locks: /proc/locks lines, matching on the inode, the fdinfo scan. */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/fs.h"
#include "../../lib/locks.h"
#include "unit.h"

static const char sample[] =
    "1: OFDLCK ADVISORY  WRITE -1 fe:00:10955988 2 2\n"
    "2: FLOCK  ADVISORY  WRITE 31515 fe:00:10955986 0 EOF\n"
    "2: -> FLOCK  ADVISORY  WRITE 31600 fe:00:10955986 0 EOF\n"
    "3: POSIX  ADVISORY  READ 1200 103:0a:77 100 199\n"
    "4: LEASE  ACTIVE    READ 900 00:19:5 0 EOF\n"
    "5: DELEG  BREAKING  UNLCK 901 00:19:6 0 EOF\n"
    "6: ACCESS ADVISORY  READ 902 00:19:7 0 EOF\n"
    "7: FLOCK  ADVISORY  READ 44 fe:00:10955986 0 EOF";

static void
lines(void)
{
	struct locks_entry e;
	const char *s;

	s = "1: OFDLCK ADVISORY  WRITE -1 fe:00:10955988 2 2";
	CHECK(locks_parse_line(s, strlen(s), &e) == 0);
	CHECK(e.id == 1);
	CHECK(!e.blocked);
	CHECK(e.class == LOCKS_OFD);
	CHECK(e.write);
	CHECK(e.pid == -1);
	CHECK_U64(e.maj, 0xfe);
	CHECK_U64(e.min, 0);
	CHECK_U64(e.ino, 10955988);
	CHECK_U64(e.start, 2);
	CHECK_U64(e.end, 2);

	s = "12:  -> FLOCK  ADVISORY  READ 31600 fe:01:9 0 EOF";
	CHECK(locks_parse_line(s, strlen(s), &e) == 0);
	CHECK(e.blocked);
	CHECK(e.class == LOCKS_FLOCK);
	CHECK(!e.write);
	CHECK(e.pid == 31600);
	CHECK_U64(e.min, 1);
	CHECK_U64(e.end, UINT64_MAX);

	s = "3: POSIX  ADVISORY  READ 1200 103:0a:77 100 199";
	CHECK(locks_parse_line(s, strlen(s), &e) == 0);
	CHECK(e.class == LOCKS_POSIX);
	CHECK_U64(e.maj, 0x103);
	CHECK_U64(e.min, 10);

	/* an fdinfo line without its "lock:" */
	s = "\t1: FLOCK  ADVISORY  WRITE 31515 fe:00:10955986 0 EOF";
	CHECK(locks_parse_line(s, strlen(s), &e) == 0);

	/* malformed */
	const char *bad[] = {
		"", ":", "1 FLOCK ADVISORY WRITE 1 fe:00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE 1 fe:00:1 0",
		"1: FLOCK ADVISORY WRITE 1 fe:00:1 0 EOF extra",
		"1: FLOCK ADVISORY BOTH 1 fe:00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE x fe:00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE 1 fe00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE 1 fg:00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE 1 fe:00:1x 0 EOF",
		"1: FLOCK ADVISORY WRITE 99999999999 fe:00:1 0 EOF",
		"1: FLOCK ADVISORY WRITE 1 fe:00:99999999999999999999999 0 EOF",
		"x: FLOCK ADVISORY WRITE 1 fe:00:1 0 EOF",
		"1: ->",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (locks_parse_line(bad[i], strlen(bad[i]), &e) != -1 ||
		    errno != EINVAL)
			unit_fail(__FILE__, __LINE__, bad[i]);
	}
}

static int
collect(const struct locks_entry *e, void *arg)
{
	pid_t *pids = arg;

	while (*pids != 0)
		pids++;
	*pids = e->pid;
	return 0;
}

static int
stop_at_first(const struct locks_entry *e, void *arg)
{
	return 7;
}

static void
matching(void)
{
	pid_t pids[16];

	memset(pids, 0, sizeof(pids));
	CHECK(locks_parse(sample, strlen(sample), 0xfe, 0, 10955986, collect,
	    pids) == 3);
	CHECK(pids[0] == 31515);
	CHECK(pids[1] == 31600);
	CHECK(pids[2] == 44);
	/* another device, the same inode: no match */
	CHECK(locks_parse(sample, strlen(sample), 0xfd, 0, 10955986, NULL,
	    NULL) == 0);
	/* every file */
	CHECK(locks_parse(sample, strlen(sample), 0, 0, 0, NULL, NULL) == 8);
	CHECK(locks_parse(sample, strlen(sample), 0, 0, 0, stop_at_first,
	    NULL) == 7);
	/* a garbage line among good ones is skipped */
	CHECK(locks_parse("junk\n1: FLOCK ADVISORY WRITE 5 01:02:3 0 EOF\n",
	    46, 1, 2, 3, NULL, NULL) == 1);
}

struct found {
	pid_t	pid;
	int	write, n;
};

static int
note(const struct locks_entry *e, void *arg)
{
	struct found *f = arg;

	if (e->class != LOCKS_FLOCK || e->blocked)
		return 0;
	f->pid = e->pid;
	f->write = e->write;
	f->n++;
	return 0;
}

/* An unlinked file to lock, and its stat. */
static int
tmp_file(struct stat *st)
{
	int fd = fs_tmpfile(NULL);

	CHECK(fd != -1);
	if (fd != -1 && fstat(fd, st) == -1) {
		CHECK(0);
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The live tables: a lock of ours is in /proc/locks and in our fdinfo. */
static void
live(void)
{
	struct found f;
	struct stat st;
	int fd;

	if ((fd = tmp_file(&st)) == -1)
		return;
	memset(&f, 0, sizeof(f));
	CHECK(locks_of(st.st_dev, st.st_ino, note, &f) == 0);
	CHECK(f.n == 0);
	CHECK(flock(fd, LOCK_SH) == 0);
	memset(&f, 0, sizeof(f));
	CHECK(locks_of(st.st_dev, st.st_ino, note, &f) == 1);
	CHECK(f.pid == getpid());
	CHECK(!f.write);
	memset(&f, 0, sizeof(f));
	CHECK(locks_holders(st.st_dev, st.st_ino, note, &f) == 1);
	CHECK(f.pid == getpid());
	close(fd);
}

static int
note_ofd(const struct locks_entry *e, void *arg)
{
	struct locks_entry *out = arg;

	if (e->class == LOCKS_OFD)
		*out = *e;
	return 0;
}

/* An OFD lock has no pid in /proc/locks (on recent kernels: -1); the
 * fdinfo scan names the process whose descriptor holds it. */
static void
live_ofd(void)
{
	struct locks_entry e;
	struct flock fl;
	struct stat st;
	int fd;

	if ((fd = tmp_file(&st)) == -1)
		return;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 3;
	fl.l_len = 1;
	CHECK(fcntl(fd, F_OFD_SETLK, &fl) == 0);
	memset(&e, 0, sizeof(e));
	CHECK(locks_of(st.st_dev, st.st_ino, note_ofd, &e) == 1);
	CHECK(e.class == LOCKS_OFD);
	CHECK(e.write);
	CHECK_U64(e.start, 3);
	CHECK_U64(e.end, 3);
	memset(&e, 0, sizeof(e));
	CHECK(locks_holders(st.st_dev, st.st_ino, note_ofd, &e) == 1);
	CHECK(e.pid == getpid());
	CHECK_U64(e.start, 3);
	close(fd);
}

UNIT_SUITE(test_locks);

void
test_locks(void)
{
	unit_run("locks: lines", lines);
	unit_run("locks: matching on the inode", matching);
	unit_run("locks: live", live);
	unit_run("locks: an OFD lock's holder", live_ofd);
}
