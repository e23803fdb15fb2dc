/*
 * locks: /proc/locks and fdinfo "lock:" lines.  A line is
 *
 *	ID: [-> ]CLASS QUAL TYPE PID MAJ:MIN:INO START END
 *
 * with CLASS FLOCK, POSIX, OFDLCK, ACCESS, LEASE, DELEG or UNKNOWN, one
 * qualifier word after it (ADVISORY, ACTIVE, ...), TYPE WRITE, READ or
 * UNLCK, MAJ and MIN in hex, END a number or EOF (fs/locks.c,
 * lock_get_status).  A blocked request ("->") may be indented.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "fs.h"
#include "locks.h"
#include "proc.h"

struct tok {
	const char	*p, *end;	/* what is left of the line */
	const char	*t;		/* the token */
	size_t		 n;
};

static int
tok_next(struct tok *k)
{
	while (k->p < k->end && (*k->p == ' ' || *k->p == '\t'))
		k->p++;
	k->t = k->p;
	while (k->p < k->end && *k->p != ' ' && *k->p != '\t')
		k->p++;
	k->n = (size_t)(k->p - k->t);
	return k->n > 0 ? 0 : -1;
}

static int
tok_is(const struct tok *k, const char *s)
{
	return k->n == strlen(s) && memcmp(k->t, s, k->n) == 0;
}

/* Digits of base 10 or 16 in [p, end) into *out, no overflow. */
static int
num(const char *p, const char *end, int base, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;

	if (p >= end)
		return -1;
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + d;
	}
	*out = v;
	return 0;
}

static int
tok_num(const struct tok *k, uint64_t *out)
{
	return num(k->t, k->t + k->n, 10, out);
}

static enum locks_class
class_of(const struct tok *k)
{
	if (tok_is(k, "FLOCK"))
		return LOCKS_FLOCK;
	if (tok_is(k, "POSIX") || tok_is(k, "ACCESS"))
		return LOCKS_POSIX;
	if (tok_is(k, "OFDLCK"))
		return LOCKS_OFD;
	if (tok_is(k, "LEASE") || tok_is(k, "DELEG"))
		return LOCKS_LEASE;
	return LOCKS_OTHER;
}

/* "MAJ:MIN:INO", the first two in hex. */
static int
devino(const struct tok *k, struct locks_entry *e)
{
	const char *end = k->t + k->n, *c1, *c2;
	uint64_t maj, min;

	if ((c1 = memchr(k->t, ':', k->n)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL)
		return -1;
	if (num(k->t, c1, 16, &maj) == -1 || num(c1 + 1, c2, 16, &min) == -1 ||
	    num(c2 + 1, end, 10, &e->ino) == -1 || maj > UINT32_MAX ||
	    min > UINT32_MAX)
		return -1;
	e->maj = (unsigned)maj;
	e->min = (unsigned)min;
	return 0;
}

static int
parse_rest(struct tok *k, struct locks_entry *e)
{
	uint64_t v;
	int neg;

	/* class and its one qualifier word */
	e->class = class_of(k);
	if (tok_next(k) == -1 || tok_next(k) == -1)
		return -1;
	if (tok_is(k, "WRITE"))
		e->write = 1;
	else if (!tok_is(k, "READ") && !tok_is(k, "UNLCK"))
		return -1;
	if (tok_next(k) == -1)
		return -1;
	neg = k->t[0] == '-';
	if (num(k->t + neg, k->t + k->n, 10, &v) == -1 || v > INT32_MAX)
		return -1;
	e->pid = neg ? -(pid_t)v : (pid_t)v;
	if (tok_next(k) == -1 || devino(k, e) == -1)
		return -1;
	if (tok_next(k) == -1 || tok_num(k, &e->start) == -1 ||
	    tok_next(k) == -1)
		return -1;
	if (tok_is(k, "EOF"))
		e->end = UINT64_MAX;
	else if (tok_num(k, &e->end) == -1)
		return -1;
	return tok_next(k) == 0 ? -1 : 0;
}

int
locks_parse_line(const char *s, size_t len, struct locks_entry *e)
{
	struct tok k = { s, s + len, NULL, 0 };
	uint64_t id;

	memset(e, 0, sizeof(*e));
	if (tok_next(&k) == -1 || k.t[k.n - 1] != ':' ||
	    num(k.t, k.t + k.n - 1, 10, &id) == -1 || id > INT64_MAX)
		goto bad;
	e->id = (long long)id;
	if (tok_next(&k) == -1)
		goto bad;
	if (tok_is(&k, "->")) {
		e->blocked = 1;
		if (tok_next(&k) == -1)
			goto bad;
	}
	if (parse_rest(&k, e) == -1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
locks_parse(const char *buf, size_t len, unsigned maj, unsigned min,
    uint64_t ino, int (*fn)(const struct locks_entry *, void *), void *arg)
{
	const char *p = buf, *end = buf + len, *nl;
	struct locks_entry e;
	int n = 0, r;

	for (; p < end; p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (locks_parse_line(p, (size_t)(nl - p), &e) == -1)
			continue;
		if (ino != 0 && (e.ino != ino || e.maj != maj || e.min != min))
			continue;
		n++;
		if (fn != NULL && (r = fn(&e, arg)) != 0)
			return r;
	}
	return n;
}

int
locks_of(dev_t dev, ino_t ino,
    int (*fn)(const struct locks_entry *, void *), void *arg)
{
	char *buf;
	size_t len;
	int r;

	if ((buf = proc_slurp(proc_root(), "locks", &len)) == NULL)
		return -1;
	r = locks_parse(buf, len, major(dev), minor(dev), (uint64_t)ino, fn,
	    arg);
	free(buf);
	return r;
}

/* ---- the fdinfo scan ---- */

struct scan {
	dev_t		 dev;
	ino_t		 ino;
	pid_t		 pid;
	int		 pdfd;		/* <proc>/PID */
	int		 calls;
	char		*buf;		/* proc_read_at's */
	size_t		 cap;
	int		(*fn)(const struct locks_entry *, void *);
	void		*arg;
};

/* The "lock:" lines of one descriptor's fdinfo. */
static int
scan_fdinfo(struct scan *sc, const char *fd)
{
	char rel[64];
	const char *p, *nl, *end;
	struct locks_entry e;
	long n;
	int r = 0;

	snprintf(rel, sizeof(rel), "fdinfo/%s", fd);
	if ((n = proc_read_at(sc->pdfd, rel, &sc->buf, &sc->cap)) <= 0)
		return 0;	/* closed or gone meanwhile */
	end = sc->buf + n;
	for (p = sc->buf; p < end && r == 0; p = nl < end ? nl + 1 : end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p < 5 || memcmp(p, "lock:", 5) != 0 ||
		    locks_parse_line(p + 5, (size_t)(nl - p - 5), &e) == -1)
			continue;
		e.pid = sc->pid;
		sc->calls++;
		r = sc->fn(&e, sc->arg);
	}
	return r;
}

static int
on_fd(int dfd, const char *name, unsigned type, void *arg)
{
	struct scan *sc = arg;
	struct stat st;

	if (fstatat(dfd, name, &st, 0) == -1 || st.st_dev != sc->dev ||
	    st.st_ino != sc->ino)
		return 0;
	return scan_fdinfo(sc, name);
}

static int
on_pid(int dfd, const char *name, unsigned type, void *arg)
{
	struct scan *sc = arg;
	long long pid;
	int fdd, r;

	if (args_int(name, 1, INT32_MAX, &pid) == -1)
		return 0;	/* not a process */
	if ((sc->pdfd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return 0;	/* gone */
	sc->pid = (pid_t)pid;
	r = 0;
	if ((fdd = openat(sc->pdfd, "fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		r = fs_dir_each(fdd, on_fd, sc);
		close(fdd);
		if (r == -1)
			r = 0;	/* exited while we read */
	}
	close(sc->pdfd);
	return r;
}

int
locks_holders(dev_t dev, ino_t ino,
    int (*fn)(const struct locks_entry *, void *), void *arg)
{
	struct scan sc = { dev, ino, 0, -1, 0, NULL, 0, fn, arg };
	int dfd, r;

	if ((dfd = open(proc_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	r = fs_dir_each(dfd, on_pid, &sc);
	close(dfd);
	free(sc.buf);
	if (r == -1)
		return -1;
	return sc.calls;
}
