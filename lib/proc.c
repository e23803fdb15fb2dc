/*
 * proc: readers and parsers for /proc and /sys (lib/proc.h).  This file
 * has the roots, the file readers and the name lists; lib/proc_sys.c the
 * system-wide readers (meminfo, stat, cpuinfo, ...), lib/proc_dev.c the
 * devices and mounts (diskstats, net/dev, mountinfo); lib/proc_lib.h is
 * what they share.
 *
 * Every parser takes (buf, len) and never reads past buf + len: the buffer
 * need not be NUL-terminated (the fuzzers hand over raw bytes).  Parsers walk
 * the buffer line by line and token by token without copying; only the
 * result arrays are allocated.  Numbers are parsed by hand rather than with
 * strtoull/strtod, which need a terminator and (strtod) honour the locale.
 */
#include <sys/stat.h>
#include <sys/statfs.h>
#include <poll.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "proc.h"
#include "proc_lib.h"

/* ---- roots and files ---- */

/*
 * getenv for our own variables, asked for a few dozen times a run: most of
 * the environment is passed over on its first byte.  (Not cached: tests
 * change the roots between cases.)
 */
static const char *
env_syskit(const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		if ((*e)[0] == name[0] && strncmp(*e, name, n) == 0 &&
		    (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

const char *
proc_root(void)
{
	const char *s = env_syskit("SYSKIT_PROC");

	return s != NULL && *s != '\0' ? s : "/proc";
}

const char *
sys_root(void)
{
	const char *s = env_syskit("SYSKIT_SYS");

	return s != NULL && *s != '\0' ? s : "/sys";
}

/* root + "/" + rel; rel NULL or "" names root itself. */
int
proc_join_path(char *buf, size_t len, const char *root, const char *rel)
{
	int n;

	if (root == NULL || *root == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (rel == NULL || *rel == '\0')
		n = snprintf(buf, len, "%s", root);
	else {
		while (*rel == '/')
			rel++;
		n = snprintf(buf, len, "%s/%s", root, rel);
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}


/* ---- kept-open files (proc_keep_open) ---- */

/* statfs(2) f_type of the file systems that make their text afresh on a
 * read at offset 0 (<linux/magic.h>). */
#define PROC_SUPER_MAGIC	0x9fa0
#define SYSFS_MAGIC		0x62656572
#define CGROUP_SUPER_MAGIC	0x27e0eb
#define CGROUP2_SUPER_MAGIC	0x63677270

#define KEPT_MAX	64

static struct kept {
	int	 fd;		/* -1: free */
	uint32_t hash;
	char	*path;
	int	 polled;	/* a mount table: poll says when it changed */
	int	 sysfs;		/* an attribute: a short read is all of it */
	char	*text;		/* its text as last read (polled only) */
	size_t	 len;
} kept[KEPT_MAX];
static int keep_on, nkept;

static uint32_t
path_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void
proc_keep_open(int on)
{
	int i;

	for (i = 0; i < nkept; i++) {
		if (kept[i].fd >= 0)
			close(kept[i].fd);
		free(kept[i].path);
		free(kept[i].text);
	}
	nkept = 0;
	keep_on = on;
}

static struct kept *
kept_find(const char *path, uint32_t h)
{
	int i;

	for (i = 0; i < nkept; i++)
		if (kept[i].fd >= 0 && kept[i].hash == h &&
		    strcmp(kept[i].path, path) == 0)
			return &kept[i];
	return NULL;
}

static void
kept_drop(struct kept *k)
{
	close(k->fd);
	k->fd = -1;
	free(k->path);
	k->path = NULL;
	free(k->text);
	k->text = NULL;
}

/* Whether path ends in "/name". */
static int
ends_with(const char *path, const char *name)
{
	size_t n = strlen(path), m = strlen(name);

	return n > m && path[n - m - 1] == '/' && strcmp(path + n - m, name) == 0;
}

/*
 * A kept mount table (mountinfo, mounts) whose text is held and which
 * poll() does not flag (POLLPRI: the namespace's mounts changed since the
 * open or the last poll) is as it was: that text.  Quiet, the table is
 * only readable (POLLIN), which is not asked for: poll returns 0.
 */
static int
kept_unchanged(const struct kept *k)
{
	struct pollfd pfd = { k->fd, POLLPRI, 0 };

	return k->text != NULL && poll(&pfd, 1, 0) >= 0 &&
	    !(pfd.revents & (POLLPRI | POLLERR | POLLNVAL));
}

static void
kept_hold(struct kept *k, const char *text, size_t len)
{
	free(k->text);
	if ((k->text = malloc(len + 1)) != NULL) {
		memcpy(k->text, text, len + 1);
		k->len = len;
	}
}

/*
 * Open path (a regular file) to be read from offset 0 with file_read, or
 * with dir set a directory to be listed.  With proc_keep_open on, one of
 * procfs, sysfs or cgroupfs stays open and is read again with pread at 0
 * (listed again from its start), which makes those file systems render it
 * afresh; *kp is then its entry (not to be closed: file_done).
 */
static int
keep_open(const char *path, int dir, struct kept **kp)
{
	struct statfs sf;
	uint32_t h = 0;
	int fd, i;
	char *p;

	*kp = NULL;
	if (keep_on) {
		h = path_hash(path);
		if ((*kp = kept_find(path, h)) != NULL)
			return (*kp)->fd;
	}
	fd = dir ? openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
	    fs_open_regular(AT_FDCWD, path, 0);
	if (fd == -1 || !keep_on)
		return fd;
	if (fstatfs(fd, &sf) == -1 || (sf.f_type != PROC_SUPER_MAGIC &&
	    sf.f_type != SYSFS_MAGIC && sf.f_type != CGROUP_SUPER_MAGIC &&
	    sf.f_type != CGROUP2_SUPER_MAGIC))
		return fd;
	for (i = 0; i < nkept && kept[i].fd >= 0; i++)
		;
	if (i == KEPT_MAX || (p = strdup(path)) == NULL)
		return fd;
	if (i == nkept)
		nkept++;
	kept[i].fd = fd;
	kept[i].hash = h;
	kept[i].path = p;
	kept[i].polled = !dir && sf.f_type == PROC_SUPER_MAGIC &&
	    (ends_with(path, "mountinfo") || ends_with(path, "mounts"));
	kept[i].sysfs = !dir && sf.f_type == SYSFS_MAGIC;
	kept[i].text = NULL;
	*kp = &kept[i];
	return fd;
}

static int
file_open(const char *path, struct kept **kp)
{
	return keep_open(path, 0, kp);
}

/* Open directory path for fs_dir_each, kept as keep_open keeps it:
 * *kept_fd says so (proc_dir_done closes only what is not kept). */
static int
proc_dir_open(const char *path, int *kept_fd)
{
	struct kept *k;
	int fd = keep_open(path, 1, &k);

	*kept_fd = k != NULL;
	return fd;
}

static void
proc_dir_done(int fd, int kept_fd)
{
	int saved = errno;

	if (!kept_fd)
		close(fd);
	errno = saved;
}

/* read(), or for a kept file pread() at off. */
static ssize_t
file_read(int fd, const struct kept *k, void *buf, size_t n, size_t off)
{
	return k != NULL ? pread(fd, buf, n, (off_t)off) : read(fd, buf, n);
}

static void
file_done(int fd, const struct kept *k)
{
	int saved = errno;

	if (k == NULL)
		close(fd);
	errno = saved;
}

/*
 * A kept file that failed to read (its device gone: ENODEV; a file that
 * cannot be read at an offset: ESPIPE) is dropped and opened anew, once,
 * without keeping it: *fd, *k for a retry, or 0 when the first failure
 * stands.
 */
static int
file_retry(const char *path, int *fd, struct kept **k)
{
	int saved = errno;

	if (*k == NULL)
		return 0;
	kept_drop(*k);
	*k = NULL;
	if ((*fd = fs_open_regular(AT_FDCWD, path, 0)) == -1) {
		errno = saved;
		return 0;
	}
	return 1;
}

/*
 * No fstat to size the buffer: it costs a call per file and /proc says 0.
 * Most files fit 8 KiB, so they are read on the stack and copied into a
 * buffer of their size (a 4 KiB malloc costs musl an mmap and a munmap);
 * larger ones go on in a growing heap buffer.  A seq_file may return short
 * before its end, so reading stops only at a read of 0.
 */
/*
 * Read root/rel whole, NUL-terminated, into the caller's stack buffer when
 * it fits (most files do), else into a growing heap buffer left in *heap.
 * Returns the text, or NULL with errno.
 */
char *
proc_slurp_into(const char *root, const char *rel, char *stackbuf, size_t scap,
    char **heap, size_t *lenp)
{
	char path[PATH_MAX], *nbuf;
	size_t cap = scap, len = 0;
	struct kept *k;
	ssize_t r;
	int fd, saved;

	*heap = NULL;
	if (proc_join_path(path, sizeof(path), root, rel) == -1)
		return NULL;
	if ((fd = file_open(path, &k)) == -1)
		return NULL;
	if (k != NULL && k->polled && kept_unchanged(k)) {
		len = k->len;
		if (len + 1 > scap && (*heap = malloc(len + 1)) == NULL)
			return NULL;
		nbuf = *heap != NULL ? *heap : stackbuf;
		memcpy(nbuf, k->text, len + 1);
		if (lenp != NULL)
			*lenp = len;
		return nbuf;
	}
	for (;;) {
		if (len == cap - 1) {
			if (cap >= SLURP_MAX) {
				errno = EFBIG;
				goto fail;
			}
			if ((nbuf = realloc(*heap, cap * 2)) == NULL)
				goto fail;
			if (*heap == NULL)
				memcpy(nbuf, stackbuf, len);
			*heap = nbuf;
			cap *= 2;
		}
		r = file_read(fd, k, (*heap != NULL ? *heap : stackbuf) + len,
		    cap - 1 - len, len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (len == 0 && file_retry(path, &fd, &k))
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (k != NULL && k->sysfs && len < cap - 1)
			break;		/* sysfs shows an attribute at once */
	}
	file_done(fd, k);
	nbuf = *heap != NULL ? *heap : stackbuf;
	nbuf[len] = '\0';
	if (k != NULL && k->polled)
		kept_hold(k, nbuf, len);
	if (lenp != NULL)
		*lenp = len;
	return nbuf;
fail:
	saved = errno;
	free(*heap);
	*heap = NULL;
	file_done(fd, k);
	errno = saved;
	return NULL;
}

char *
proc_slurp(const char *root, const char *rel, size_t *lenp)
{
	char stackbuf[8192], *heap, *text, *out;
	size_t len;

	if ((text = proc_slurp_into(root, rel, stackbuf, sizeof(stackbuf), &heap,
	    &len)) == NULL)
		return NULL;
	if (heap != NULL)
		out = heap;
	else if ((out = malloc(len + 1)) != NULL)
		memcpy(out, text, len + 1);
	if (out != NULL && lenp != NULL)
		*lenp = len;
	return out;
}


/*
 * Read path into buf (cap bytes with the NUL), *lenp = its length, for a
 * file that hands its whole text to the first read (a cgroup file, a
 * single-record /proc file, a regular file): one read, and a second only
 * when the first filled buf (ERANGE when there is more).  Kept open under
 * proc_keep_open, as proc_slurp's files are.
 */
int
proc_read_once(const char *path, char *buf, size_t cap, size_t *lenp)
{
	struct kept *k;
	ssize_t r, r2;
	char extra;
	int fd;

	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = file_open(path, &k)) == -1)
		return -1;
	for (;;) {
		r = file_read(fd, k, buf, cap - 1, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && file_retry(path, &fd, &k))
			continue;
		break;
	}
	if (r != -1 && (size_t)r == cap - 1) {
		while ((r2 = file_read(fd, k, &extra, 1, (size_t)r)) == -1 &&
		    errno == EINTR)
			;
		if (r2 != 0) {
			if (r2 > 0)
				errno = ERANGE;
			r = -1;
		}
	}
	file_done(fd, k);
	if (r == -1)
		return -1;
	buf[r] = '\0';
	*lenp = (size_t)r;
	return 0;
}

int
proc_read_str(const char *root, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], extra;
	size_t got = 0;
	struct kept *k;
	ssize_t r;
	int fd;

	if (buf == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (proc_join_path(path, sizeof(path), root, rel) == -1)
		return -1;
	if ((fd = file_open(path, &k)) == -1)
		return -1;
	for (;;) {
		if (got < len - 1)
			r = file_read(fd, k, buf + got, len - 1 - got, got);
		else
			r = file_read(fd, k, &extra, 1, got);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (got == 0 && file_retry(path, &fd, &k))
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		if (got == len - 1) {
			/* The file does not fit: say so, never truncate. */
			errno = ERANGE;
			goto fail;
		}
		got += (size_t)r;
		if (k != NULL && k->sysfs && got < len - 1)
			break;		/* sysfs shows an attribute at once */
	}
	file_done(fd, k);
	buf[got] = '\0';
	if (got > 0 && buf[got - 1] == '\n')
		buf[got - 1] = '\0';
	return 0;
fail:
	file_done(fd, k);
	return -1;
}

int
proc_read_u64(const char *root, const char *rel, uint64_t *out)
{
	char buf[64];
	const char *s, *e;
	uint64_t v;

	if (proc_read_str(root, rel, buf, sizeof(buf)) == -1)
		return -1;
	trim(buf, &s, &e);
	if (parse_u64(s, e, &v) == -1) {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int
proc_read_i64(const char *root, const char *rel, int64_t *out)
{
	char buf[64];
	const char *s, *e;
	uint64_t v;
	int neg = 0;

	if (proc_read_str(root, rel, buf, sizeof(buf)) == -1)
		return -1;
	trim(buf, &s, &e);
	if (s < e && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
	}
	if (parse_u64(s, e, &v) == -1 ||
	    v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) {
		errno = EINVAL;
		return -1;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

/* Does abspath start with the directory prefix (whole component)? */
static const char *
under(const char *abspath, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(abspath, prefix, n) != 0)
		return NULL;
	if (abspath[n] != '\0' && abspath[n] != '/')
		return NULL;
	return abspath + n;
}

int
proc_path(char *buf, size_t len, const char *abspath)
{
	const char *rest, *root;
	int n;

	if (buf == NULL || abspath == NULL || *abspath != '/') {
		errno = EINVAL;
		return -1;
	}
	if ((rest = under(abspath, "/proc")) != NULL)
		root = proc_root();
	else if ((rest = under(abspath, "/sys")) != NULL)
		root = sys_root();
	else {
		/* Elsewhere (a cgroup mounted at /cgroup): unchanged. */
		root = "";
		rest = abspath;
	}
	n = snprintf(buf, len, "%s%s", root, rest);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* ---- name lists, without a malloc per name ---- */

static int cmp_str(const void *, const void *);


void
proc_names_init(struct names *nm)
{
	nm->buf = nm->small;
	nm->len = nm->n = 0;
	nm->cap = sizeof(nm->small);
	nm->err = 0;
}

void
proc_names_add(struct names *nm, const char *s, size_t n)
{
	size_t ncap;
	char *nb;

	if (nm->err)
		return;
	if (n + 1 > nm->cap - nm->len) {
		for (ncap = nm->cap * 2; ncap - nm->len < n + 1; ncap *= 2)
			;
		nb = nm->buf == nm->small ? malloc(ncap) :
		    realloc(nm->buf, ncap);
		if (nb == NULL) {
			nm->err = errno;
			return;
		}
		if (nm->buf == nm->small)
			memcpy(nb, nm->small, nm->len);
		nm->buf = nb;
		nm->cap = ncap;
	}
	memcpy(nm->buf + nm->len, s, n);
	nm->buf[nm->len + n] = '\0';
	nm->len += n + 1;
	nm->n++;
}

/* The list, NULL-terminated and sorted (strcmp), in one free()-able
 * block; NULL with errno on failure.  Ends nm. */
char **
proc_names_finish(struct names *nm)
{
	char **v = NULL, *t;
	size_t i;

	if (nm->err)
		errno = nm->err;
	else if ((v = malloc((nm->n + 1) * sizeof(*v) + nm->len)) != NULL) {
		t = (char *)(v + nm->n + 1);
		memcpy(t, nm->buf, nm->len);
		for (i = 0; i < nm->n; i++) {
			v[i] = t;
			t += strlen(t) + 1;
		}
		v[nm->n] = NULL;
		qsort(v, nm->n, sizeof(*v), cmp_str);
	}
	if (nm->buf != nm->small)
		free(nm->buf);
	proc_names_init(nm);
	return v;
}

static int
add_name(int dfd, const char *name, unsigned type, void *arg)
{
	proc_names_add(arg, name, strlen(name));
	return 0;
}

/* The listing of path, from a kept descriptor when kfd. */
static int
dir_names(const char *path, char ***out, int keep)
{
	struct names nm;
	int fd, saved, kfd = 0;
	size_t n;

	*out = NULL;
	fd = keep ? proc_dir_open(path, &kfd) : openat(AT_FDCWD, path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	proc_names_init(&nm);
	if (fs_dir_each(fd, add_name, &nm) == -1) {
		saved = errno;
		proc_dir_done(fd, kfd);
		free(proc_names_finish(&nm));
		errno = saved;
		return -1;
	}
	proc_dir_done(fd, kfd);
	n = nm.n;
	if ((*out = proc_names_finish(&nm)) == NULL)
		return -1;
	return n > INT_MAX ? INT_MAX : (int)n;
}

int
proc_dir_names(const char *path, char ***out)
{
	return dir_names(path, out, 0);
}

int
proc_dir_names_kept(const char *path, char ***out)
{
	return dir_names(path, out, 1);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

