/* Unit tests for lib/fs's safe removal (fs_rm, fs_rm_contents). */
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/fs.h"
#include "unit.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE	(1 << 1)
#endif

static char root[1024];
static int rootfd = -1;

/*
 * root/ holds "tree" (what is removed) and "outside" (what must stay).
 * In $TMPDIR, or for the big trees on /dev/shm when it is there: creating
 * files costs a millisecond each on some disks, removing them does not.
 */
static void
mkroot_in(const char *dir)
{
	snprintf(root, sizeof(root), "%s/unit-fs-rm.XXXXXX", dir);
	CHECK(mkdtemp(root) != NULL);
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd != -1);
	CHECK(mkdirat(rootfd, "tree", 0700) == 0);
	CHECK(mkdirat(rootfd, "outside", 0700) == 0);
	CHECK(mkdirat(rootfd, "outside/keep", 0700) == 0);
	close(openat(rootfd, "outside/keep/file", O_CREAT | O_WRONLY |
	    O_CLOEXEC, 0600));
}

static void
mkroot(void)
{
	mkroot_in(fs_tmpdir());
}

static void
mkroot_big(void)
{
	mkroot_in(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : fs_tmpdir());
}

static int
outside_intact(void)
{
	return faccessat(rootfd, "outside/keep/file", F_OK,
	    AT_SYMLINK_NOFOLLOW) == 0;
}

static void
rmroot(void)
{
	char cmd[PATH_MAX + 16];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static void
touch(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	CHECK(fd != -1);
	close(fd);
}

static int
exists(int dfd, const char *name)
{
	return faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

struct seen {
	int	n;
	int	err;
	char	path[256];
	size_t	len;		/* of the last path reported */
};

static void
seen(const char *path, int err, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->err = err;
	s->len = strlen(path);
	snprintf(s->path, sizeof(s->path), "%s", path);
}

/* Files, directories, a FIFO, symlinks to a directory and a file outside,
 * a dangling one: everything goes, nothing outside does. */
static void
basic(void)
{
	struct seen s = { 0 };
	int t;

	mkroot();
	t = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(mkdirat(t, "a", 0700) == 0);
	CHECK(mkdirat(t, "a/b", 0755) == 0);
	CHECK(mkdirat(t, "a/b/c", 0700) == 0);
	CHECK(mkdirat(t, "empty", 0700) == 0);
	touch(t, "f");
	touch(t, "a/f");
	touch(t, "a/b/c/f");
	CHECK(mkfifoat(t, "a/fifo", 0600) == 0);
	CHECK(symlinkat("../outside/keep", t, "a/dirlink") == 0);
	CHECK(symlinkat(root, t, "a/b/rootlink") == 0);
	CHECK(symlinkat("../../outside/keep/file", t, "a/filelink") == 0);
	CHECK(symlinkat("nowhere", t, "dangling") == 0);
	CHECK(fs_rm_contents(t, seen, &s) == 0);
	CHECK_U64(s.n, 0);
	CHECK(exists(rootfd, "tree"));
	CHECK(!exists(t, "a"));
	CHECK(!exists(t, "f"));
	CHECK(outside_intact());
	close(t);
	/* fs_rm takes the directory itself; a symlink is removed as a link */
	CHECK(mkdirat(rootfd, "tree/x", 0700) == 0);
	touch(rootfd, "tree/x/y");
	CHECK(fs_rm(rootfd, "tree", seen, &s) == 0);
	CHECK(!exists(rootfd, "tree"));
	CHECK(symlinkat("outside", rootfd, "link") == 0);
	CHECK(fs_rm(rootfd, "link", seen, &s) == 0);
	CHECK(!exists(rootfd, "link"));
	CHECK(outside_intact());
	touch(rootfd, "plain");
	CHECK(fs_rm(rootfd, "plain", seen, &s) == 0);
	CHECK(!exists(rootfd, "plain"));
	CHECK_U64(s.n, 0);
	errno = 0;
	CHECK(fs_rm(rootfd, "a/b", seen, &s) == -1 && errno == EINVAL);
	CHECK(fs_rm(rootfd, "..", seen, &s) == -1 && errno == EINVAL);
	CHECK(exists(rootfd, "outside"));
	rmroot();
}

/* Deeper than any stack, longer than PATH_MAX, with few descriptors. */
static void
deep(void)
{
	char name[201];
	struct rlimit rl = { 40, 40 };
	int i, fd, dfd, st;
	pid_t pid;

	mkroot_big();
	dfd = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	memset(name, 'n', 200);
	name[200] = '\0';
	/* 10000 levels, the first 100 with 200-byte names (20 KB of path) */
	for (i = 0; i < 10000; i++) {
		const char *nm = i < 100 ? name : "d";

		if (i % 97 == 0)
			touch(dfd, "f");
		CHECK(mkdirat(dfd, nm, 0700) == 0);
		fd = openat(dfd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		CHECK(fd != -1);
		close(dfd);
		dfd = fd;
	}
	close(dfd);
	pid = fork();
	if (pid == 0) {
		/* the removal must fit in a few descriptors */
		setrlimit(RLIMIT_NOFILE, &rl);
		_exit(fs_rm(rootfd, "tree", NULL, NULL) == 0 ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(!exists(rootfd, "tree"));
	rmroot();
}

/* A wide directory, read again after its unlinks. */
static void
wide(void)
{
	char nm[32];
	int t, i;

	mkroot_big();
	t = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < 3000; i++) {
		snprintf(nm, sizeof(nm), "file-%d", i);
		touch(t, nm);
		if (i % 300 == 0) {
			snprintf(nm, sizeof(nm), "dir-%d", i);
			CHECK(mkdirat(t, nm, 0700) == 0);
		}
	}
	CHECK(fs_rm_contents(t, NULL, NULL) == 0);
	CHECK(rmdir(root) == -1);	/* tree and outside still there */
	CHECK(unlinkat(rootfd, "tree", AT_REMOVEDIR) == 0);
	close(t);
	rmroot();
}

/* As an unprivileged owner: directories without read, write or search
 * permission are fixed through their descriptors; what belongs to
 * someone else stays, is reported once, and the rest goes on. */
static void
perms(void)
{
	struct seen *s;
	int t, st;
	pid_t pid;

	if (geteuid() != 0)
		return;		/* needs root to set up the other owner */
	mkroot();
	t = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(chown(root, 65534, 65534) == 0);
	CHECK(mkdirat(t, "none", 0700) == 0);
	touch(t, "none/f");
	CHECK(mkdirat(t, "none/sub", 0700) == 0);
	touch(t, "none/sub/g");
	CHECK(mkdirat(t, "ro", 0700) == 0);
	touch(t, "ro/f");
	CHECK(mkdirat(t, "nox", 0700) == 0);
	touch(t, "nox/f");
	CHECK(mkdirat(t, "wx", 0700) == 0);
	touch(t, "wx/f");
	CHECK(mkdirat(t, "theirs", 0755) == 0);
	touch(t, "theirs/f");
	touch(t, "z");
	CHECK(fchownat(rootfd, "tree", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "none", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "none/f", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "none/sub", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "none/sub/g", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "ro", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "ro/f", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "nox", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "nox/f", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "wx", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "wx/f", 65534, 65534, 0) == 0);
	CHECK(fchownat(t, "z", 65534, 65534, 0) == 0);
	CHECK(fchmodat(t, "none/sub", 0, 0) == 0);
	CHECK(fchmodat(t, "none", 0, 0) == 0);
	CHECK(fchmodat(t, "ro", 0500, 0) == 0);
	CHECK(fchmodat(t, "nox", 0600, 0) == 0);
	CHECK(fchmodat(t, "wx", 0300, 0) == 0);
	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	memset(s, 0, sizeof(*s));
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(3);
		_exit(fs_rm(rootfd, "tree", seen, s) == -1 ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_U64(s->n, 1);
	CHECK_STR(s->path, "tree/theirs/f");
	CHECK(s->err == EACCES);
	CHECK(exists(rootfd, "tree/theirs/f"));
	CHECK(!exists(rootfd, "tree/none"));
	CHECK(!exists(rootfd, "tree/ro"));
	CHECK(!exists(rootfd, "tree/nox"));
	CHECK(!exists(rootfd, "tree/wx"));
	CHECK(!exists(rootfd, "tree/z"));
	munmap(s, sizeof(*s));
	close(t);
	rmroot();
}

/* As root: a bind mount inside (of the same file system) is not entered,
 * reported with EXDEV, and left; so is a tmpfs. */
static void
mounts(void)
{
	char path[PATH_MAX];
	struct seen s = { 0 };
	int t;

	if (geteuid() != 0)
		return;
	mkroot();
	t = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(mkdirat(t, "a", 0700) == 0);
	CHECK(mkdirat(t, "a/bind", 0700) == 0);
	touch(t, "a/f");
	snprintf(path, sizeof(path), "%s/tree/a/bind", root);
	if (mount(root, path, NULL, MS_BIND, NULL) == -1) {
		close(t);
		printf("fs_rm: no bind mount here (%s): not tested\n",
		    strerror(errno));
		rmroot();
		return;
	}
	CHECK(fs_rm(rootfd, "tree", seen, &s) == -1);
	CHECK(errno == EXDEV);
	CHECK_U64(s.n, 1);
	CHECK_STR(s.path, "tree/a/bind");
	CHECK(s.err == EXDEV);
	CHECK(!exists(t, "a/f"));
	CHECK(outside_intact());
	CHECK(exists(t, "a/bind/outside/keep/file"));
	CHECK(umount2(path, MNT_DETACH) == 0);
	CHECK(fs_rm(rootfd, "tree", seen, &s) == 0);
	CHECK(!exists(rootfd, "tree"));
	close(t);
	rmroot();
}

/* A racer swaps directories of the tree with symlinks to the outside
 * (RENAME_EXCHANGE, so the name is always one or the other) while the
 * tree is removed: nothing outside may go. */
static void
race(void)
{
	char a[32], b[32];
	int t, round, i, j, k, st;
	pid_t pid;

	mkroot_big();
	t = openat(rootfd, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 20; i++) {
			snprintf(a, sizeof(a), "d%d", i);
			CHECK(mkdirat(t, a, 0700) == 0);
			for (j = 0; j < 20; j++) {
				snprintf(b, sizeof(b), "d%d/f%d", i, j);
				touch(t, b);
			}
			snprintf(b, sizeof(b), "l%d", i);
			CHECK(symlinkat("../outside/keep", t, b) == 0);
		}
		pid = fork();
		if (pid == 0) {
			for (k = 0; k < 200000; k++) {
				i = k % 20;
				snprintf(a, sizeof(a), "d%d", i);
				snprintf(b, sizeof(b), "l%d", i);
				syscall(SYS_renameat2, t, a, t, b,
				    RENAME_EXCHANGE);
				if (k % 1000 == 0 && faccessat(t, ".", F_OK,
				    0) == -1)
					break;
			}
			_exit(0);
		}
		(void)fs_rm_contents(t, NULL, NULL);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(outside_intact());
		CHECK(fs_rm_contents(t, NULL, NULL) == 0);
	}
	close(t);
	rmroot();
}

UNIT_SUITE(test_fs_rm);

void
test_fs_rm(void)
{
	unit_run("fs_rm: files, dirs, FIFO, symlinks out stay links", basic);
	unit_run("fs_rm: 10000 deep, 20 KB paths, 40 descriptors", deep);
	unit_run("fs_rm_contents: a wide directory read again", wide);
	unit_run("fs_rm: modes fixed by fd, someone else's entry reported", perms);
	unit_run("fs_rm: a bind mount inside is left and reported", mounts);
	unit_run("fs_rm_contents: directories swapped for symlinks", race);
}
