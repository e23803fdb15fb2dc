/* Unit tests for lib/fs and lib/mem. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/fs.h"
#include "../../lib/mem.h"
#include "unit.h"

static char root[1024];

static void
mkroot(void)
{
	snprintf(root, sizeof(root), "%s/unit-fs.XXXXXX", fs_tmpdir());
	CHECK(mkdtemp(root) != NULL);
}

static void
rmroot(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static int
count_ent(int dfd, const char *name, unsigned type, void *arg)
{
	int *n = arg;

	(*n)++;
	if (strcmp(name, "stop") == 0)
		return 7;
	return 0;
}

static void
dir_each(void)
{
	int dfd, n = 0, i;
	char name[64];

	mkroot();
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd != -1);
	CHECK(fs_dir_each(dfd, count_ent, &n) == 0 && n == 0);
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "file-with-a-longish-name-%d", i);
		close(openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	}
	n = 0;
	CHECK(fs_dir_each(dfd, count_ent, &n) == 0);
	CHECK_U64(n, 500);
	/* read again from the start, and stop where fn says */
	close(openat(dfd, "stop", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	n = 0;
	CHECK(fs_dir_each(dfd, count_ent, &n) == 7);
	CHECK(n >= 1 && n <= 501);
	close(dfd);
	rmroot();
}

struct tally {
	int	pre, post, file, dnr, depth, maxdepth;
	int	remove;		/* unlink in post order, as rm -r does */
};

static int
tally(int pdfd, const char *name, unsigned type, int when, void *arg)
{
	struct tally *t = arg;

	switch (when) {
	case FS_PRE:
		t->pre++;
		if (++t->depth > t->maxdepth)
			t->maxdepth = t->depth;
		if (strcmp(name, "skip") == 0) {
			t->depth--;
			return FS_SKIP;
		}
		break;
	case FS_POST:
		t->post++;
		t->depth--;
		if (t->remove && unlinkat(pdfd, name, AT_REMOVEDIR) == -1)
			return -100;
		break;
	case FS_DNR:
		t->dnr++;
		t->depth--;
		break;
	default:
		t->file++;
		if (t->remove && unlinkat(pdfd, name, 0) == -1)
			return -100;
	}
	return 0;
}

/* a chain of depth directories d/d/d/..., with a file in each */
static void
make_chain(int dfd, int depth)
{
	int i, fd;

	dfd = dup(dfd);
	for (i = 0; i < depth; i++) {
		close(openat(dfd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
		CHECK(mkdirat(dfd, "d", 0700) == 0);
		fd = openat(dfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(dfd);
		dfd = fd;
	}
	close(dfd);
}

static void
walk(void)
{
	struct tally t;
	int dfd, before, after;

	mkroot();
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* deeper than the descriptors the walker keeps: reopened by ".." */
	make_chain(dfd, 300);
	CHECK(mkdirat(dfd, "skip", 0700) == 0);
	CHECK(mkdirat(dfd, "skip/inner", 0700) == 0);
	CHECK(symlinkat("/", dfd, "link") == 0);
	memset(&t, 0, sizeof(t));
	before = (int)sysconf(_SC_OPEN_MAX);
	CHECK(fs_walk(dfd, 0, tally, &t) == 0);
	CHECK_U64(t.pre, 301);		/* 300 of the chain + skip */
	CHECK_U64(t.post, 300);
	CHECK_U64(t.file, 301);		/* a file per level + the link */
	CHECK_U64(t.maxdepth, 300);
	CHECK_U64(t.depth, 0);
	after = (int)sysconf(_SC_OPEN_MAX);
	CHECK(before == after);
	/* post-order removal takes the whole chain */
	memset(&t, 0, sizeof(t));
	t.remove = 1;
	CHECK(unlinkat(dfd, "skip/inner", AT_REMOVEDIR) == 0);
	CHECK(fs_walk(dfd, 0, tally, &t) == 0);
	CHECK(faccessat(dfd, "d", F_OK, AT_SYMLINK_NOFOLLOW) == -1);
	CHECK(faccessat(dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW) == -1);
	/* a negative return stops the walk and is returned */
	CHECK(mkdirat(dfd, "a", 0700) == 0);
	CHECK(unlinkat(dfd, "a", AT_REMOVEDIR) == 0);
	close(dfd);
	rmroot();
}

static int
stop_at_file(int pdfd, const char *name, unsigned type, int when, void *arg)
{
	return when == FS_FILE ? -5 : 0;
}

static void
walk_stop(void)
{
	int dfd;

	mkroot();
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	make_chain(dfd, 3);
	CHECK(fs_walk(dfd, 0, stop_at_file, NULL) == -5);
	close(dfd);
	rmroot();
}

static void
write_and_open(void)
{
	char path[PATH_MAX], buf[16];
	int fd;

	mkroot();
	snprintf(path, sizeof(path), "%s/f", root);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	CHECK(fs_write_all(fd, "hello", 5) == 0);
	close(fd);
	fd = fs_open_regular(AT_FDCWD, path, 0);
	CHECK(fd != -1);
	CHECK(read(fd, buf, sizeof(buf)) == 5);
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	close(fd);
	/* a FIFO: refused at once, not a hang */
	snprintf(path, sizeof(path), "%s/fifo", root);
	CHECK(mkfifo(path, 0600) == 0);
	errno = 0;
	CHECK(fs_open_regular(AT_FDCWD, path, 0) == -1 && errno == EINVAL);
	CHECK(fs_open_regular(AT_FDCWD, root, 0) == -1 && errno == EISDIR);
	snprintf(path, sizeof(path), "%s/link", root);
	CHECK(symlink("f", path) == 0);
	CHECK(fs_open_regular(AT_FDCWD, path, O_NOFOLLOW) == -1 &&
	    errno == ELOOP);
	fd = fs_open_regular(AT_FDCWD, path, 0);
	CHECK(fd != -1);
	close(fd);
	/* a write to a full device fails with its errno */
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd != -1) {
		CHECK(fs_write_all(fd, "x", 1) == -1 && errno == ENOSPC);
		close(fd);
	}
	rmroot();
}

static void
temp(void)
{
	char t[PATH_MAX];
	struct stat st;
	int fd;

	mkroot();
	fd = fs_tmpfile(root);
	CHECK(fd != -1);
	CHECK(write(fd, "x", 1) == 1);
	close(fd);
	snprintf(t, sizeof(t), "%s/d.XXXXXX", root);
	CHECK(fs_mktemp(t, 0, 0) == 0);
	CHECK(strstr(t, "XXXXXX") == NULL);
	CHECK(stat(t, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0700);
	snprintf(t, sizeof(t), "%s/f.XXXXXXXX.txt", root);
	fd = fs_mktemp(t, 4, 1);
	CHECK(fd > 2);
	CHECK(strcmp(t + strlen(t) - 4, ".txt") == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 07777) == 0600);
	close(fd);
	snprintf(t, sizeof(t), "%s/few.XXXXX", root);
	errno = 0;
	CHECK(fs_mktemp(t, 0, 0) == -1 && errno == EINVAL);
	rmroot();
}

static void
mem(void)
{
	struct arena a = { NULL };
	char *s, *big;
	int *v = NULL;
	size_t cap = 0, i;

	s = arena_strdup(&a, "abc");
	CHECK_STR(s, "abc");
	big = arena_alloc(&a, 3 * 1024 * 1024);
	CHECK(big != NULL && big[3 * 1024 * 1024 - 1] == 0);
	CHECK(((uintptr_t)arena_alloc(&a, 1) % _Alignof(max_align_t)) == 0);
	arena_free(&a);
	CHECK(a.head == NULL);
	for (i = 0; i < 1000; i++) {
		CHECK(mem_grow(&v, &cap, i + 1, sizeof(*v)) == 0);
		v[i] = (int)i;
	}
	CHECK(cap >= 1000 && v[999] == 999);
	errno = 0;
	CHECK(mem_grow(&v, &cap, SIZE_MAX / 2, 16) == -1 && errno == ENOMEM);
	CHECK(v[999] == 999);
	free(v);
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* fs_batch: every descriptor added is closed, and none other, holes and
 * all; a full batch closes before taking more */
static void
batch(void)
{
	struct fs_batch b = { .n = 0, .max = FS_BATCH };
	int fds[200], keep[3], n = 0, i, ok;

	for (i = 0; i < 3; i++)
		keep[i] = -1;
	for (i = 0; i < 150; i++) {
		/* descriptors not in the batch, between ones that are */
		if (i == 10 || i == 11 || i == 100) {
			keep[i == 10 ? 0 : i == 11 ? 1 : 2] =
			    open("/dev/null", O_RDONLY | O_CLOEXEC);
			continue;
		}
		if ((fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
			break;
		fs_batch_add(&b, fds[n++]);
		/* a full batch was closed as this one joined */
		CHECK(b.n >= 1 && b.n <= FS_BATCH);
	}
	CHECK(n == 147);
	fs_batch_close(&b);
	CHECK(b.n == 0);
	/* a number closed early may be a kept one's now: only those open */
	for (i = 0, ok = 1; i < n; i++)
		ok &= is_open(fds[i]) == (fds[i] == keep[0] ||
		    fds[i] == keep[1] || fds[i] == keep[2]);
	CHECK(ok);
	for (i = 0; i < 3; i++) {
		CHECK(keep[i] >= 0 && is_open(keep[i]));
		close(keep[i]);
	}
	/* added in descending order, with a hole in the middle */
	for (i = 0; i < 5; i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(fds[2]);
	keep[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(keep[0] == fds[2]);
	for (i = 4; i >= 0; i--)
		if (i != 2)
			fs_batch_add(&b, fds[i]);
	fs_batch_close(&b);
	CHECK(is_open(keep[0]));
	CHECK(!is_open(fds[0]) && !is_open(fds[1]) && !is_open(fds[3]) &&
	    !is_open(fds[4]));
	close(keep[0]);
	/* NULL, or a max of 0: at once */
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fs_batch_add(NULL, fds[0]);
	CHECK(!is_open(fds[0]));
	b.max = 0;
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fs_batch_add(&b, fds[0]);
	CHECK(!is_open(fds[0]) && b.n == 0);
	/* a max of 2: the third closes the first two */
	b.max = 2;
	for (i = 0; i < 3; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		fs_batch_add(&b, fds[i]);
	}
	CHECK(!is_open(fds[0]) && !is_open(fds[1]) && is_open(fds[2]));
	CHECK(b.n == 1);
	fs_batch_close(&b);
	CHECK(!is_open(fds[2]));
}

UNIT_SUITE(test_fs);

void
test_fs(void)
{
	unit_run("fs_dir_each: all entries, from the start, fn stops", dir_each);
	unit_run("fs_walk: pre/post/file order, skip, deep, no follow", walk);
	unit_run("fs_walk: a negative return stops it", walk_stop);
	unit_run("fs_write_all, fs_open_regular: FIFO, dir, link", write_and_open);
	unit_run("fs_tmpfile, fs_mktemp: modes, suffix, too few X", temp);
	unit_run("fs_batch: all added closed, no other", batch);
	unit_run("mem: arena, mem_grow", mem);
}
