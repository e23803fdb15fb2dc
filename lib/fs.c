/*
 * fs: the file system, relative to directory descriptors.  See fs.h.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

struct dent64 {
	uint64_t	ino;
	int64_t		off;
	unsigned short	reclen;
	unsigned char	type;
	char		name[];
};

static int
dot_or_dotdot(const char *s)
{
	return s[0] == '.' && (s[1] == '\0' || (s[1] == '.' && s[2] == '\0'));
}

int
fs_dir_each(int dfd, int (*fn)(int, const char *, unsigned, void *),
    void *arg)
{
	char buf[4096] __attribute__((aligned(8)));
	long k, off;
	int rv;

	if (lseek(dfd, 0, SEEK_SET) == -1)
		return -1;
	while ((k = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < k;) {
			struct dent64 *d = (void *)(buf + off);

			off += d->reclen;
			if (dot_or_dotdot(d->name))
				continue;
			if ((rv = fn(dfd, d->name, d->type, arg)) != 0)
				return rv;
		}
	}
	return k < 0 ? -1 : 0;
}

/* ---- the walker ---- */

/* Descriptors held open at once; deeper levels are reopened through "..". */
#define WALK_OPEN	32

struct level {
	int	 fd;		/* -1: closed, reopen from the level below */
	dev_t	 dev;
	ino_t	 ino;
	off_t	 off;		/* where to go on reading */
	char	*name;		/* relative to the parent (NULL at the root) */
};

struct walk {
	struct level	*lv;
	size_t		 n, cap;
};

static int
walk_push(struct walk *w, int fd, const char *name)
{
	struct stat st;
	struct level *nl;
	size_t ncap;

	if (fstat(fd, &st) == -1)
		return -1;
	if (w->n == w->cap) {
		ncap = w->cap ? w->cap * 2 : 16;
		if ((nl = realloc(w->lv, ncap * sizeof(*nl))) == NULL)
			return -1;
		w->lv = nl;
		w->cap = ncap;
	}
	nl = &w->lv[w->n];
	nl->fd = fd;
	nl->dev = st.st_dev;
	nl->ino = st.st_ino;
	nl->off = 0;
	nl->name = NULL;
	if (name != NULL && (nl->name = strdup(name)) == NULL)
		return -1;
	w->n++;
	/* keep the number of open levels bounded */
	if (w->n > WALK_OPEN && w->lv[w->n - 1 - WALK_OPEN].fd != -1 &&
	    w->n - 1 - WALK_OPEN > 0) {
		close(w->lv[w->n - 1 - WALK_OPEN].fd);
		w->lv[w->n - 1 - WALK_OPEN].fd = -1;
	}
	return 0;
}

/* Pop the top level; its parent is open and positioned afterwards. */
static int
walk_pop(struct walk *w)
{
	struct level *c = &w->lv[w->n - 1], *p = &w->lv[w->n - 2];
	struct stat st;
	int fd;

	if (p->fd == -1) {
		fd = openat(c->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd == -1)
			return -1;
		if (fstat(fd, &st) == -1 || st.st_dev != p->dev ||
		    st.st_ino != p->ino) {
			close(fd);
			errno = ESTALE;
			return -1;
		}
		p->fd = fd;
	}
	close(c->fd);
	c->fd = -1;
	w->n--;
	return lseek(p->fd, p->off, SEEK_SET) == -1 ? -1 : 0;
}

static void
walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		if (w->lv[i].fd != -1)
			close(w->lv[i].fd);
		free(w->lv[i].name);
	}
	free(w->lv);
}

/* The entry's type when getdents did not say. */
static unsigned
entry_type(int dfd, const char *name, unsigned type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return DT_UNKNOWN;
	return IFTODT(st.st_mode);
}

/*
 * Read on at the top level; an entry that is a directory is pushed and
 * the read breaks off there (its position saved), to go on when the
 * directory is popped.  Returns 1 when a level was pushed, 0 at the end
 * of the top directory, < 0 to stop.
 */
static int
walk_step(struct walk *w, int flags,
    int (*fn)(int, const char *, unsigned, int, void *), void *arg)
{
	char buf[8192] __attribute__((aligned(8)));
	struct level *t = &w->lv[w->n - 1];
	struct stat st;
	long k, off;
	unsigned type;
	int fd, rv;

	while ((k = syscall(SYS_getdents64, t->fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < k;) {
			struct dent64 *d = (void *)(buf + off);

			off += d->reclen;
			t->off = d->off;
			if (dot_or_dotdot(d->name))
				continue;
			type = entry_type(t->fd, d->name, d->type);
			if (type != DT_DIR) {
				if ((rv = fn(t->fd, d->name, type, FS_FILE,
				    arg)) < 0)
					return rv;
				continue;
			}
			if ((rv = fn(t->fd, d->name, DT_DIR, FS_PRE, arg)) < 0)
				return rv;
			if (rv == FS_SKIP)
				continue;
			fd = openat(t->fd, d->name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd != -1 && (flags & FS_XDEV) &&
			    (fstat(fd, &st) == -1 || st.st_dev != w->lv[0].dev)) {
				close(fd);
				fd = -1;
				errno = EXDEV;
			}
			if (fd == -1) {
				if ((rv = fn(t->fd, d->name, DT_DIR, FS_DNR,
				    arg)) < 0)
					return rv;
				continue;
			}
			/* the parent goes on after this entry */
			if (walk_push(w, fd, d->name) == -1) {
				close(fd);
				return -1;
			}
			return 1;
		}
	}
	return k < 0 ? -1 : 0;
}

int
fs_walk(int dfd, int flags, int (*fn)(int, const char *, unsigned, int,
    void *), void *arg)
{
	struct walk w = { NULL, 0, 0 };
	char *name;
	int fd, rv = 0;

	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (walk_push(&w, fd, NULL) == -1) {
		close(fd);
		return -1;
	}
	while (w.n > 0) {
		if ((rv = walk_step(&w, flags, fn, arg)) < 0)
			break;
		if (rv == 1)
			continue;
		if (w.n == 1) {
			rv = 0;
			break;
		}
		/* the top directory is done: back to its parent */
		name = w.lv[w.n - 1].name;
		w.lv[w.n - 1].name = NULL;
		if (walk_pop(&w) == -1) {
			free(name);
			rv = -1;
			break;
		}
		rv = fn(w.lv[w.n - 1].fd, name, DT_DIR, FS_POST, arg);
		free(name);
		if (rv < 0)
			break;
		rv = 0;
	}
	fd = errno;
	walk_free(&w);
	errno = fd;
	return rv;
}

/* ---- writing ---- */

int
fs_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	struct pollfd pfd;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			poll(&pfd, 1, -1);
			continue;
		}
		if (w == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* ---- opening ---- */

int
fs_open_regular(int dfd, const char *path, int flags)
{
	struct stat st;
	int fd, fl;

	fd = openat(dfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    (flags & O_NOFOLLOW));
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	/* O_NONBLOCK stays: a regular file's reads and writes ignore it,
	 * and clearing it would cost two calls per file */
	return fd;
fail:
	fl = errno;
	close(fd);
	errno = fl;
	return -1;
}

/* ---- temporary files ---- */

const char *
fs_tmpdir(void)
{
	const char *d = getenv("TMPDIR");

	return d != NULL && *d != '\0' ? d : "/tmp";
}

int
fs_tmpfile(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	if (dir == NULL)
		dir = fs_tmpdir();
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/syskit.XXXXXX", dir) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return -1;
	unlink(path);
	return fd;
}

int
fs_mktemp(char *tmpl, size_t suflen, int file)
{
	static const char chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(tmpl), nx = 0, i;
	char *x;
	int tries, fd;
	uint64_t r;

	if (suflen > len) {
		errno = EINVAL;
		return -1;
	}
	for (x = tmpl + len - suflen; x > tmpl && x[-1] == 'X'; x--)
		nx++;
	if (nx < 6) {
		errno = EINVAL;
		return -1;
	}
	for (tries = 0; tries < 10000; tries++) {
		if (getentropy(&r, sizeof(r)) == -1)
			return -1;
		for (i = 0; i < nx; i++) {
			x[i] = chars[r % (sizeof(chars) - 1)];
			r /= sizeof(chars) - 1;
			if (r == 0 && getentropy(&r, sizeof(r)) == -1)
				return -1;
		}
		if (file) {
			fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			    0600);
			if (fd != -1)
				return fd;
		} else if (mkdir(tmpl, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}
