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
#include "mem.h"

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
	return fs_mktemp_x(tmpl, suflen, 6, file ? FS_MKTEMP_FILE :
	    FS_MKTEMP_DIR);
}

/* Nothing there under that name (mktemp -u): 0, -1 with EEXIST to try
 * another, or -1 with why we cannot tell. */
static int
mktemp_free(const char *name)
{
	struct stat st;

	if (lstat(name, &st) == 0 || errno == EOVERFLOW) {
		errno = EEXIST;
		return -1;
	}
	return errno == ENOENT ? 0 : -1;
}

int
fs_mktemp_x(char *tmpl, size_t suflen, size_t minx, int kind)
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
	if (nx < minx || nx == 0) {
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
		if (kind == FS_MKTEMP_FILE) {
			fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			    0600);
			if (fd != -1)
				return fd;
		} else if (kind == FS_MKTEMP_NAME) {
			if (mktemp_free(tmpl) == 0)
				return 0;
		} else if (mkdir(tmpl, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* ---- safe removal ---- */

#ifndef SYS_openat2
#define SYS_openat2	437
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2	452
#endif
#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV		0x01
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_NO_SYMLINKS	0x04
#endif

/* openat2's argument (linux/openat2.h clashes with fcntl.h on some libcs) */
struct rm_how {
	uint64_t	flags, mode, resolve;
};

/* Descriptors held open at once; deeper levels are reopened through "..". */
#define RM_OPEN		32

struct rmlevel {
	int	 fd;		/* -1: closed, reopen from the level above */
	dev_t	 dev;
	ino_t	 ino;
	size_t	 name;		/* its name's offset in rm.path */
	size_t	 queue;		/* its queued subdirectories start here */
	int	 kept;		/* entries left in it, reported */
	int	 again;		/* read it (again): the last pass did something */
};

/* A queued subdirectory: its name, NUL, then this trailer. */
struct rmq {
	uint64_t	 ino;
	uint16_t	 len;
};

struct rm {
	struct rmlevel	*lv;
	size_t		 n, cap;
	char		*path;		/* the levels' names, NUL-separated */
	size_t		 plen, pcap;
	char		*q;		/* subdirectories to enter, per level */
	size_t		 qlen, qcap;
	uint64_t	*failed;	/* open-addressed set of inodes left */
	size_t		 nfailed, fcap;
	dev_t		 dev;
	const char	*top;		/* fs_rm's name: level 0 is its parent */
	int		 retries;
	int		 noat2;		/* no openat2: compare st_dev only */
	int		 left, err;
	void		(*report)(const char *, int, void *);
	void		*arg;
};

static size_t
rm_hash(uint64_t k, size_t cap)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static int
rm_isfailed(struct rm *r, uint64_t ino)
{
	size_t i;

	if (r->nfailed == 0)
		return 0;
	for (i = rm_hash(ino, r->fcap); r->failed[i] != 0;
	    i = (i + 1) & (r->fcap - 1))
		if (r->failed[i] == ino + 1)
			return 1;
	return 0;
}

static void
rm_addfailed(struct rm *r, uint64_t ino)
{
	uint64_t *old = r->failed, *nf;
	size_t ocap = r->fcap, i, j;

	if (rm_isfailed(r, ino))
		return;
	if ((r->nfailed + 1) * 2 > r->fcap) {
		/* on ENOMEM the entry may be tried again: harmless */
		if ((nf = calloc(ocap ? ocap * 2 : 64, sizeof(*nf))) == NULL)
			return;
		r->failed = nf;
		r->fcap = ocap ? ocap * 2 : 64;
		for (i = 0; i < ocap; i++) {
			if (old[i] == 0)
				continue;
			for (j = rm_hash(old[i] - 1, r->fcap); nf[j] != 0;
			    j = (j + 1) & (r->fcap - 1))
				;
			nf[j] = old[i];
		}
		free(old);
	}
	for (i = rm_hash(ino, r->fcap); r->failed[i] != 0;
	    i = (i + 1) & (r->fcap - 1))
		;
	r->failed[i] = ino + 1;
	r->nfailed++;
}

/* Report name (NULL: the top level itself) in the top level as left. */
static void
rm_report(struct rm *r, const char *name, int err)
{
	size_t i, len, nl = name != NULL ? strlen(name) : 0;
	size_t start = r->n > 1 ? r->lv[1].name : r->plen;
	char *p;

	r->left++;
	r->err = err;
	if (r->report == NULL)
		return;
	len = r->plen - start;
	if (len == 0 && nl == 0) {
		r->report(".", err, r->arg);
		return;
	}
	if ((p = malloc(len + nl + 1)) == NULL) {
		r->report(name != NULL ? name : ".", err, r->arg);
		return;
	}
	memcpy(p, r->path + start, len);
	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			p[i] = '/';
	if (nl > 0)
		memcpy(p + len, name, nl);
	else if (len > 0)
		len--;		/* the level's own trailing separator */
	p[len + nl] = '\0';
	r->report(p, err, r->arg);
	free(p);
}

/* An entry of the top level that stays: reported, never tried again. */
static void
rm_keep(struct rm *r, const char *name, uint64_t ino, int err)
{
	rm_report(r, name, err);
	rm_addfailed(r, ino);
	r->lv[r->n - 1].kept++;
}

static int
rm_queue(struct rm *r, const char *name, uint64_t ino)
{
	struct rmq t = { ino, (uint16_t)strlen(name) };

	if (mem_grow(&r->q, &r->qcap, r->qlen + t.len + 1 + sizeof(t), 1) == -1)
		return -1;
	memcpy(r->q + r->qlen, name, t.len + 1);
	memcpy(r->q + r->qlen + t.len + 1, &t, sizeof(t));
	r->qlen += t.len + 1 + sizeof(t);
	return 0;
}

/* Take the last queued name (valid until the next rm_queue). */
static const char *
rm_unqueue(struct rm *r, uint64_t *ino)
{
	struct rmq t;

	memcpy(&t, r->q + r->qlen - sizeof(t), sizeof(t));
	r->qlen -= sizeof(t) + t.len + 1;
	*ino = t.ino;
	return r->q + r->qlen;
}

/* Open the subdirectory name of pfd without crossing a mount point or
 * following a symlink: -1 with EXDEV for a mount point, ELOOP or ENOTDIR
 * for what is not a directory.  oflags: O_RDONLY or O_PATH. */
static int
rm_opendir(struct rm *r, int pfd, const char *name, int oflags,
    struct stat *st)
{
	struct rm_how how = {
		.flags = (uint64_t)(oflags | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC),
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1, e;

	if (!r->noat2) {
		fd = (int)syscall(SYS_openat2, pfd, name, &how, sizeof(how));
		if (fd == -1 && errno == ENOSYS)
			r->noat2 = 1;
	}
	if (r->noat2)
		fd = openat(pfd, name, (int)how.flags);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1 || st->st_dev != r->dev) {
		e = errno;
		if (st->st_dev != r->dev)
			e = EXDEV;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Give the owner rwx on a directory it cannot open: through an O_PATH
 * descriptor (fchmodat2, else its /proc/self/fd link, which names that
 * very inode), then open it through that descriptor, not by name again. */
static int
rm_opendir_fixed(struct rm *r, int pfd, const char *name, struct stat *st)
{
	char link[40];
	int pathfd, fd = -1, e;

	if ((pathfd = rm_opendir(r, pfd, name, O_PATH, st)) == -1)
		return -1;
	if (syscall(SYS_fchmodat2, pathfd, "", (st->st_mode | 0700) & 07777,
	    AT_EMPTY_PATH) == -1) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", pathfd);
		if (chmod(link, (st->st_mode | 0700) & 07777) == -1) {
			errno = EACCES;
			goto out;
		}
	}
	fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1 && fstat(fd, st) == -1) {
		close(fd);
		fd = -1;
	}
out:
	e = errno;
	close(pathfd);
	errno = e;
	return fd;
}

/* Without write and search permission its entries cannot go. */
static void
rm_fixmode(int fd, const struct stat *st)
{
	if ((st->st_mode & 0700) != 0700)
		(void)fchmod(fd, (st->st_mode | 0700) & 07777);
}

static int
rm_push(struct rm *r, int fd, const struct stat *st, const char *name)
{
	struct rmlevel *l;
	size_t nl = strlen(name) + 1, k;

	if (mem_grow(&r->lv, &r->cap, r->n + 1, sizeof(*r->lv)) == -1 ||
	    mem_grow(&r->path, &r->pcap, r->plen + nl, 1) == -1)
		return -1;
	l = &r->lv[r->n++];
	l->fd = fd;
	l->dev = st->st_dev;
	l->ino = st->st_ino;
	l->name = r->plen;
	l->queue = r->qlen;
	l->kept = 0;
	l->again = 1;
	memcpy(r->path + r->plen, name, nl);
	r->plen += nl;
	/* keep the number of open levels bounded; the top one stays */
	if (r->n > RM_OPEN + 1) {
		k = r->n - 1 - RM_OPEN;
		if (r->lv[k].fd != -1) {
			close(r->lv[k].fd);
			r->lv[k].fd = -1;
		}
	}
	return 0;
}

/* Enter the last queued subdirectory of the top level. */
static int
rm_descend(struct rm *r)
{
	struct rmlevel *t = &r->lv[r->n - 1];
	struct stat st;
	uint64_t ino;
	const char *name = rm_unqueue(r, &ino);
	int fd;

	fd = rm_opendir(r, t->fd, name, O_RDONLY, &st);
	if (fd == -1 && errno == EACCES)
		fd = rm_opendir_fixed(r, t->fd, name, &st);
	if (fd != -1) {
		if (rm_push(r, fd, &st, name) == -1) {
			close(fd);
			rm_report(r, name, errno);
			return -1;
		}
		rm_fixmode(fd, &st);
		return 0;
	}
	switch (errno) {
	case ENOENT:
		/* gone, or renamed: read the level again */
		t->again = r->n > 1 || r->top == NULL;
		return 0;
	case ELOOP:
	case ENOTDIR:
		/* no longer a directory (a symlink swapped in?): unlink that */
		if (unlinkat(t->fd, name, 0) == 0 || errno == ENOENT) {
			t->again = r->n > 1 || r->top == NULL;
			return 0;
		}
		if (errno == EISDIR) {
			t->again = 1;
			return 0;
		}
		break;
	}
	rm_keep(r, name, ino, errno);
	return 0;
}

/* Leave the top level (done) and remove it from its parent. */
static int
rm_ascend(struct rm *r)
{
	struct rmlevel *c = &r->lv[r->n - 1], *p = &r->lv[r->n - 2];
	struct stat st;
	const char *name = r->path + c->name;
	int fd;

	if (p->fd == -1) {
		fd = openat(c->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd != -1 && (fstat(fd, &st) == -1 ||
		    st.st_dev != p->dev || st.st_ino != p->ino)) {
			close(fd);
			fd = -1;
			errno = ESTALE;
		}
		if (fd == -1) {
			/* the tree moved: going on could leave it */
			rm_report(r, NULL, errno);
			return -1;
		}
		p->fd = fd;
	}
	close(c->fd);
	r->n--;
	r->plen = c->name;	/* name stays readable until the next push */
	if (unlinkat(p->fd, name, AT_REMOVEDIR) == -1) {
		if (errno == ENOENT || errno == ENOTDIR ||
		    (c->kept == 0 && (errno == ENOTEMPTY || errno == EEXIST)))
			p->again = 1;	/* changed under us: look again */
		else if (c->kept > 0 &&
		    (errno == ENOTEMPTY || errno == EEXIST)) {
			rm_addfailed(r, c->ino);
			p->kept++;
		} else
			rm_keep(r, name, c->ino, errno);
	}
	return 0;
}

/* Read the top level from its start: unlink what is not a directory,
 * queue the subdirectories. */
static int
rm_pass(struct rm *r)
{
	char buf[32768] __attribute__((aligned(8)));
	struct rmlevel *t = &r->lv[r->n - 1];
	unsigned type;
	long k, off;

	t->again = 0;
	if (lseek(t->fd, 0, SEEK_SET) == -1)
		return -1;
	while ((k = syscall(SYS_getdents64, t->fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < k;) {
			struct dent64 *d = (void *)(buf + off);

			off += d->reclen;
			if (dot_or_dotdot(d->name) || rm_isfailed(r, d->ino))
				continue;
			type = entry_type(t->fd, d->name, d->type);
			if (type != DT_DIR && unlinkat(t->fd, d->name, 0) == 0) {
				t->again = 1;
				continue;
			}
			if (type == DT_DIR || errno == EISDIR) {
				if (rm_queue(r, d->name, d->ino) == -1)
					return -1;
				t->again = 1;
			} else if (errno != ENOENT)
				rm_keep(r, d->name, d->ino, errno);
		}
	}
	return k < 0 ? -1 : 0;
}

static int
rm_run(struct rm *r)
{
	struct rmlevel *t;

	while (r->n > 0) {
		t = &r->lv[r->n - 1];
		if (r->qlen > t->queue) {
			if (rm_descend(r) == -1)
				return -1;
		} else if (r->n == 1 && r->top != NULL) {
			/* fs_rm: never read the parent; try the name again
			 * when it changed under us */
			if (!t->again || ++r->retries > 3)
				return 0;
			t->again = 0;
			if (rm_queue(r, r->top, 0) == -1)
				return -1;
		} else if (t->again) {
			if (rm_pass(r) == -1) {
				if (errno == ENOMEM)
					return -1;
				/* unreadable: what is in it stays */
				t->kept++;
				rm_report(r, NULL, errno);
			}
		} else if (r->n == 1)
			return 0;
		else if (rm_ascend(r) == -1)
			return -1;
	}
	return 0;
}

static int
rm_start(int dfd, const char *name,
    void (*report)(const char *, int, void *), void *arg)
{
	struct rm r;
	struct stat st;
	int fd, rv;

	memset(&r, 0, sizeof(r));
	r.report = report;
	r.arg = arg;
	if (dfd == AT_FDCWD)
		fd = open(".", (name != NULL ? O_PATH : O_RDONLY) |
		    O_DIRECTORY | O_CLOEXEC);
	else
		fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || rm_push(&r, fd, &st, "") == -1) {
		close(fd);
		rv = -1;
		goto out;
	}
	r.dev = st.st_dev;
	r.plen = 0;		/* the top has no name in the paths */
	r.lv[0].name = 0;
	if (name != NULL) {
		/* the tree is name itself: enter it as a queued directory */
		r.top = name;
		r.lv[0].again = 1;
	} else
		rm_fixmode(fd, &st);
	rv = rm_run(&r);
	if (rv == -1 && r.left == 0) {
		r.err = errno;
		rm_report(&r, NULL, errno);
	}
out:
	while (r.n > 0)
		if (r.lv[--r.n].fd != -1)
			close(r.lv[r.n].fd);
	free(r.lv);
	free(r.path);
	free(r.q);
	free(r.failed);
	if (rv == -1 || r.left > 0) {
		errno = r.left > 0 ? r.err : errno;
		return -1;
	}
	return 0;
}

int
fs_rm(int dfd, const char *name,
    void (*report)(const char *, int, void *), void *arg)
{
	if (strchr(name, '/') != NULL || dot_or_dotdot(name)) {
		errno = EINVAL;
		return -1;
	}
	return rm_start(dfd, name, report, arg);
}

int
fs_rm_contents(int dfd,
    void (*report)(const char *, int, void *), void *arg)
{
	return rm_start(dfd, NULL, report, arg);
}

void
fs_batch_close(struct fs_batch *b)
{
	int i, j, lo, t, e = errno;

	/* in order (they come nearly so: the lowest free numbers), then
	 * each run of consecutive numbers with one close_range */
	for (i = 1; i < b->n; i++)
		for (j = i, t = b->fd[i]; j > 0 && b->fd[j - 1] > t; j--) {
			b->fd[j] = b->fd[j - 1];
			b->fd[j - 1] = t;
		}
	for (i = 0; i < b->n; i = j) {
		lo = b->fd[i];
		for (j = i + 1; j < b->n && b->fd[j] == b->fd[j - 1] + 1; j++)
			;
		if (j - i == 1 || syscall(SYS_close_range, (unsigned)lo,
		    (unsigned)b->fd[j - 1], 0) == -1)
			for (t = i; t < j; t++)
				close(b->fd[t]);
	}
	b->n = 0;
	errno = e;
}

void
fs_batch_add(struct fs_batch *b, int fd)
{
	if (b == NULL || b->max <= 0) {
		close(fd);
		return;
	}
	if (b->n >= b->max || b->n == FS_BATCH)
		fs_batch_close(b);
	b->fd[b->n++] = fd;
}
