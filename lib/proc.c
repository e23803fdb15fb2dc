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
	ssize_t r;
	int fd, saved;

	*heap = NULL;
	if (proc_join_path(path, sizeof(path), root, rel) == -1)
		return NULL;
	if ((fd = fs_open_regular(AT_FDCWD, path, 0)) == -1)
		return NULL;
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
		r = read(fd, (*heap != NULL ? *heap : stackbuf) + len,
		    cap - 1 - len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	nbuf = *heap != NULL ? *heap : stackbuf;
	nbuf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return nbuf;
fail:
	saved = errno;
	free(*heap);
	*heap = NULL;
	close(fd);
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


int
proc_read_str(const char *root, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], extra;
	size_t got = 0;
	ssize_t r;
	int fd, saved;

	if (buf == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	if (proc_join_path(path, sizeof(path), root, rel) == -1)
		return -1;
	if ((fd = fs_open_regular(AT_FDCWD, path, 0)) == -1)
		return -1;
	for (;;) {
		if (got < len - 1)
			r = read(fd, buf + got, len - 1 - got);
		else
			r = read(fd, &extra, 1);
		if (r == -1) {
			if (errno == EINTR)
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
	}
	close(fd);
	buf[got] = '\0';
	if (got > 0 && buf[got - 1] == '\n')
		buf[got - 1] = '\0';
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
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

int
proc_dir_names(const char *path, char ***out)
{
	struct names nm;
	int fd, saved;
	size_t n;

	*out = NULL;
	if ((fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	proc_names_init(&nm);
	if (fs_dir_each(fd, add_name, &nm) == -1) {
		saved = errno;
		close(fd);
		free(proc_names_finish(&nm));
		errno = saved;
		return -1;
	}
	close(fd);
	n = nm.n;
	if ((*out = proc_names_finish(&nm)) == NULL)
		return -1;
	return n > INT_MAX ? INT_MAX : (int)n;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

