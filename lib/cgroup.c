/*
 * cgroup: find the calling process's control group, v1 or v2, and read its
 * CPU, memory and pids limits.  The effective limit of a cgroup is the
 * smallest one along its ancestors, so limit files are read at the leaf and
 * at every parent up to the mount point.
 *
 * This runs at the start of short-lived commands, where the kernel's work
 * of making each /proc and /sys file is most of the cost: the mount table
 * (<proc>/self/mountinfo, expensive to generate) is read only when a
 * hierarchy is not where systemd and the container runtimes mount it, only
 * the asked controllers' files are read, and each small file takes one
 * open, one read and one close.
 */
#include <sys/stat.h>
#include <sys/statfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "fs.h"
#include "proc.h"

/* The kernel's default CFS period, used when cpu.max gives only a quota. */
#define CG_DEFAULT_PERIOD	100000

/*
 * v1 shows "no limit" as PAGE_COUNTER_MAX in bytes (9223372036854771712 on
 * 4K pages, less on larger pages); no real machine has 2^60 bytes.
 */
#define CG_HUGE			(UINT64_C(1) << 60)

/* statfs(2) f_type of overlayfs, as <linux/magic.h> has it. */
#define OVERLAYFS_SUPER_MAGIC	0x794c7630UL

/*
 * What a read of self/cgroup, 1/cgroup or memory.stat gets on the stack;
 * a longer file goes to proc_slurp.
 */
#define CG_TEXT			8192

/* One hierarchy: the cgroup path and the directory that holds its files. */
struct hier {
	char	 path[512];	/* as in /proc/self/cgroup */
	char	 dir[PATH_MAX];	/* mount point (under the roots) + path */
	size_t	 base;		/* length of the mount point part of dir */
};

/* What one cgroup_read_mask looks at: self/cgroup, and the mount table
 * once some hierarchy needs it. */
struct cgctx {
	const char	*self;
	struct mounts	 ms;
	int		 ms_state;	/* MS_UNREAD, MS_READ or MS_NONE */
};
#define MS_UNREAD	0
#define MS_READ		1
#define MS_NONE		2

/*
 * Read path into buf (NUL-terminated), *lenp = its length.  A cgroup file
 * or a single-record /proc file (seq_file with one show()) hands its whole
 * text to the first read(), and a regular file returns short only at its
 * end; so a read that does not fill the buffer is the end of the file, and
 * only a full one needs a second read to tell.  ERANGE when it does not fit.
 * lib/proc's reader: under proc_keep_open (sysinfo --serve) the file stays
 * open and is read again with pread.
 */
static int
read_file(const char *path, char *buf, size_t cap, size_t *lenp)
{
	return proc_read_once(path, buf, cap, lenp);
}

/*
 * Read root/rel into sbuf (CG_TEXT bytes), or when it does not fit there
 * into a malloc'd buffer left in *heap for the caller to free.  Returns the
 * text, or NULL with errno.
 */
static char *
read_text(const char *root, const char *rel, char *sbuf, size_t *lenp,
    char **heap)
{
	char path[PATH_MAX];
	int n;

	*heap = NULL;
	n = snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (read_file(path, sbuf, CG_TEXT, lenp) == 0)
		return sbuf;
	if (errno != ERANGE)
		return NULL;
	return *heap = proc_slurp(root, rel, lenp);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skip trailing white space; true when nothing else is left before end. */
static int
at_end(const char *s, const char *end)
{
	while (s < end && is_space(*s))
		s++;
	return s == end;
}

/*
 * Parse decimal digits in [s, end): at least one, no sign, no overflow.
 * Sets *next to the first byte after the digits.
 */
static int
parse_digits(const char *s, const char *end, uint64_t *v, const char **next)
{
	uint64_t n = 0;
	const char *p;

	for (p = s; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (n > (UINT64_MAX - d) / 10) {
			errno = EINVAL;
			return -1;
		}
		n = n * 10 + d;
	}
	if (p == s) {
		errno = EINVAL;
		return -1;
	}
	*v = n;
	*next = p;
	return 0;
}

/* A file holding one unsigned number and nothing else. */
static int
parse_number(const char *buf, uint64_t *v)
{
	const char *end = buf + strlen(buf), *p;

	if (parse_digits(buf, end, v, &p) == -1)
		return -1;
	if (!at_end(p, end)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* v1 cpu.cfs_quota_us: "-1" for no quota, else a positive number. */
static int
parse_cfs_quota(const char *buf, int64_t *quota)
{
	uint64_t v;

	if (buf[0] == '-') {
		if (parse_number(buf + 1, &v) == -1 || v != 1) {
			errno = EINVAL;
			return -1;
		}
		*quota = -1;
		return 0;
	}
	if (parse_number(buf, &v) == -1 || v == 0 || v > INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	*quota = (int64_t)v;
	return 0;
}

/*
 * "QUOTA [PERIOD]", QUOTA being "max" or a positive number; the kernel
 * always writes both, a lone quota keeps the default period.  A zero quota
 * or period cannot be set, so it is malformed.
 */
int
cgroup_parse_cpu_max(const char *buf, int64_t *quota, uint64_t *period)
{
	const char *s, *end;
	uint64_t q, p = CG_DEFAULT_PERIOD;
	int64_t qv;

	if (buf == NULL) {
		errno = EINVAL;
		return -1;
	}
	s = buf;
	end = buf + strlen(buf);
	if (end - s >= 3 && memcmp(s, "max", 3) == 0) {
		qv = -1;
		s += 3;
	} else {
		if (parse_digits(s, end, &q, &s) == -1)
			return -1;
		if (q == 0 || q > INT64_MAX) {
			errno = EINVAL;
			return -1;
		}
		qv = (int64_t)q;
	}
	if (!at_end(s, end)) {
		if (*s != ' ' && *s != '\t') {
			errno = EINVAL;
			return -1;
		}
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (parse_digits(s, end, &p, &s) == -1)
			return -1;
		if (p == 0 || !at_end(s, end)) {
			errno = EINVAL;
			return -1;
		}
	}
	*quota = qv;
	*period = p;
	return 0;
}

int
cgroup_parse_limit(const char *buf, uint64_t *v)
{
	const char *end, *p;
	uint64_t n;

	if (buf == NULL) {
		errno = EINVAL;
		return -1;
	}
	end = buf + strlen(buf);
	if (end - buf >= 3 && memcmp(buf, "max", 3) == 0) {
		n = CG_UNLIMITED;
		p = buf + 3;
	} else if (parse_digits(buf, end, &n, &p) == -1)
		return -1;
	if (!at_end(p, end)) {
		errno = EINVAL;
		return -1;
	}
	*v = n;
	return 0;
}

/* Whether the comma-separated list [s, end) holds the item name. */
static int
list_has(const char *s, const char *end, const char *name)
{
	size_t nlen = strlen(name);
	const char *c;

	while (s < end) {
		if ((c = memchr(s, ',', (size_t)(end - s))) == NULL)
			c = end;
		if ((size_t)(c - s) == nlen && memcmp(s, name, nlen) == 0)
			return 1;
		s = c + 1;
	}
	return 0;
}

/*
 * cgroup_parse_self, also giving the line's controller list (v1 "cpu,cpuacct",
 * v2 empty) as [*list, *list + *llen).
 */
static int
self_line(const char *buf, const char *controller, const char **list,
    size_t *llen, char *path, size_t len)
{
	const char *line, *eol, *c1, *c2;
	size_t plen;

	for (line = buf; *line != '\0'; line = eol + (*eol == '\n')) {
		eol = line + strcspn(line, "\n");
		/* "ID:controllers:path"; the path itself may hold colons. */
		if ((c1 = memchr(line, ':', (size_t)(eol - line))) == NULL)
			continue;
		if ((c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1))) == NULL)
			continue;
		if (controller[0] == '\0' ? c2 != c1 + 1 :
		    !list_has(c1 + 1, c2, controller))
			continue;
		if ((plen = (size_t)(eol - c2 - 1)) == 0)
			continue;
		if (plen >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(path, c2 + 1, plen);
		path[plen] = '\0';
		*list = c1 + 1;
		*llen = (size_t)(c2 - c1 - 1);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int
cgroup_parse_self(const char *buf, const char *controller, char *path,
    size_t len)
{
	const char *list;
	size_t llen;

	if (buf == NULL || controller == NULL || path == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	return self_line(buf, controller, &list, &llen, path, len);
}

int
cgroup_effective_cpus(double cpu_limit, int usable)
{
	int n;

	/* !(x > 0) also catches NaN. */
	if (!(cpu_limit > 0) || cpu_limit >= (double)usable)
		return usable;
	/* Here 0 < cpu_limit < usable, so the conversion cannot overflow. */
	n = (int)(cpu_limit + 0.5);
	if (n < 1)
		n = 1;
	return n < usable ? n : usable;
}

int
cgroup_cpu_count(void)
{
	struct cgroup_info ci;
	long n;

	if ((n = proc_cpu_usable()) <= 0 && (n = proc_cpu_usable_self()) <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0 || n > INT_MAX)
		n = 1;
	memset(&ci, 0, sizeof(ci));
	if (cgroup_read_mask(&ci, CG_CPU) == -1)
		ci.has_cpu = 0;
	return cgroup_effective_cpus(ci.has_cpu ? ci.cpu_limit : 0, (int)n);
}

/* Whether the mount's root is path or one of its ancestors. */
static int
root_covers(const char *root, const char *path)
{
	size_t rlen = strlen(root);

	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(path, root, rlen) == 0 &&
	    (path[rlen] == '\0' || path[rlen] == '/');
}

/*
 * The mount of a hierarchy: fstype "cgroup" with the controller among its
 * super options (v1), or "cgroup2" (controller NULL).  A hierarchy may be
 * mounted more than once; prefer a mount whose root covers the path.
 */
static const struct mount *
find_mount(const struct mounts *ms, const char *fstype, const char *controller,
    const char *path)
{
	const struct mount *m, *first = NULL;
	const char *so;
	int i;

	for (i = 0; i < ms->n; i++) {
		m = &ms->m[i];
		if (m->fstype == NULL || m->mountpoint == NULL ||
		    strcmp(m->fstype, fstype) != 0)
			continue;
		if (controller != NULL) {
			so = m->super_opts != NULL ? m->super_opts : "";
			if (!list_has(so, so + strlen(so), controller))
				continue;
		}
		if (m->root != NULL && root_covers(m->root, path))
			return m;
		if (first == NULL)
			first = m;
	}
	return first;
}

/*
 * Append the components of rel to dir ("/a/b/" -> "/a/b").  A "." or ".."
 * (a cgroup outside our namespace shows as "/../..") cannot be walked up
 * safely, so such a path is refused.
 */
static int
append_rel(char *dir, size_t size, const char *rel)
{
	size_t dlen = strlen(dir), clen;
	const char *c;

	/* A hierarchy mounted on / itself: no "//a". */
	if (dlen == 1 && dir[0] == '/')
		dlen = 0;
	for (c = rel; *c != '\0'; c += clen) {
		while (*c == '/')
			c++;
		if ((clen = strcspn(c, "/")) == 0)
			break;
		if ((clen == 1 && c[0] == '.') ||
		    (clen == 2 && c[0] == '.' && c[1] == '.'))
			return -1;
		if (dlen + 1 + clen >= size)
			return -1;
		dir[dlen++] = '/';
		memcpy(dir + dlen, c, clen);
		dlen += clen;
		dir[dlen] = '\0';
	}
	return 0;
}

/*
 * dir = mount point + the path relative to the mount's root.  Without a
 * cgroup namespace a container sees its host path but has only its own
 * cgroup mounted, so when that directory is missing use the mount point.
 */
static int
resolve_dir(const struct mount *m, struct hier *h)
{
	const char *rel = h->path;
	struct stat st;
	size_t rlen;

	if (proc_path(h->dir, sizeof(h->dir), m->mountpoint) == -1)
		return -1;
	h->base = strlen(h->dir);
	while (h->base > 1 && h->dir[h->base - 1] == '/')
		h->dir[--h->base] = '\0';
	if (m->root != NULL && strcmp(m->root, "/") != 0 &&
	    root_covers(m->root, h->path)) {
		rlen = strlen(m->root);
		rel = h->path + rlen;
	}
	if (append_rel(h->dir, sizeof(h->dir), rel) == -1 ||
	    stat(h->dir, &st) == -1 || !S_ISDIR(st.st_mode))
		h->dir[h->base] = '\0';
	return 0;
}

/* Step dir up to its parent; 0 when it is already the mount point. */
static int
up(char *dir, size_t base)
{
	char *p;

	if (strlen(dir) <= base)
		return 0;
	if ((p = strrchr(dir, '/')) == NULL || (size_t)(p - dir) < base)
		dir[base] = '\0';
	else
		*p = '\0';
	return 1;
}

/* Whether dir/name exists. */
static int
has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	return access(path, F_OK) == 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The hierarchy mounted at mnt (already under the roots), if it is there:
 * marker is a file that every cgroup directory of that version holds and
 * nothing else does ("cgroup.controllers" in v2, "tasks" in v1), so a tmpfs,
 * or a v2 cgroup named like a v1 controller, is not taken for it.
 *
 * The mount's root is not known here.  On the host and under a cgroup
 * namespace it is "/", and mnt + path is the cgroup: one access() finds
 * both.  A container without a cgroup namespace sees its host path
 * ("/docker/abc") but has only its own cgroup mounted, the mount's root
 * being that path, or a prefix of it when the process sits in a child
 * cgroup ("/docker/abc/app"); mountinfo would strip the root and read
 * mnt + the rest.  Here leading components are dropped until a directory
 * exists ("/abc/app", then "/app"), down to mnt itself: the same directory,
 * unless the container's own tree repeats a tail of its host path (a
 * cgroup "abc/app" inside "/docker/abc"), which no runtime makes; that is
 * the risk taken for not reading mountinfo.  A path with "." or ".." (a
 * cgroup outside our namespace) gets mnt, as resolve_dir gives it.
 */
static int
fast_locate(struct hier *h, const char *mnt, const char *marker)
{
	size_t mlen = strlen(mnt);
	const char *s;

	if (mlen >= sizeof(h->dir))
		return -1;
	memcpy(h->dir, mnt, mlen + 1);
	h->base = mlen;
	if (append_rel(h->dir, sizeof(h->dir), h->path) == 0 &&
	    h->dir[mlen] != '\0') {
		if (has_file(h->dir, marker))
			return 0;
		h->dir[mlen] = '\0';
		if (!has_file(h->dir, marker))
			return -1;
		for (s = h->path; *s != '\0'; s += strcspn(s, "/")) {
			while (*s == '/')
				s++;
			if (*s == '\0')
				break;
			h->dir[mlen] = '\0';
			if (append_rel(h->dir, sizeof(h->dir), s) == 0 &&
			    is_dir(h->dir))
				return 0;
		}
		h->dir[mlen] = '\0';
		return 0;
	}
	h->dir[mlen] = '\0';
	return has_file(h->dir, marker) ? 0 : -1;
}

/*
 * The hierarchy where it is usually mounted: v2 on <sys>/fs/cgroup, a v1
 * controller on <sys>/fs/cgroup/NAME, NAME being the controller ("cpu" is a
 * link to "cpu,cpuacct" under systemd) or else the line's list as
 * self/cgroup shows it ("cpu,cpuacct").  0, or -1 when it is not there.
 */
static int
fast_hier(const char *controller, const char *list, size_t llen,
    struct hier *h)
{
	char mnt[PATH_MAX];
	const char *sys = sys_root();
	int n;

	if (controller == NULL) {
		n = snprintf(mnt, sizeof(mnt), "%s/fs/cgroup", sys);
		if (n < 0 || (size_t)n >= sizeof(mnt))
			return -1;
		return fast_locate(h, mnt, "cgroup.controllers");
	}
	n = snprintf(mnt, sizeof(mnt), "%s/fs/cgroup/%s", sys, controller);
	if (n >= 0 && (size_t)n < sizeof(mnt) &&
	    fast_locate(h, mnt, "tasks") == 0)
		return 0;
	if ((llen == strlen(controller) &&
	    memcmp(list, controller, llen) == 0) ||
	    memchr(list, '/', llen) != NULL || llen > INT_MAX)
		return -1;
	n = snprintf(mnt, sizeof(mnt), "%s/fs/cgroup/%.*s", sys, (int)llen,
	    list);
	if (n < 0 || (size_t)n >= sizeof(mnt))
		return -1;
	return fast_locate(h, mnt, "tasks");
}

/*
 * Find the hierarchy of a v1 controller, or the v2 one (controller NULL):
 * 1 found, 0 not there, -1 error.  The mount table is read only when the
 * hierarchy is not where fast_hier looks.
 */
static int
find_hier(struct cgctx *cx, const char *controller, struct hier *h)
{
	const struct mount *m;
	const char *list;
	size_t llen;

	if (self_line(cx->self, controller != NULL ? controller : "", &list,
	    &llen, h->path, sizeof(h->path)) == -1)
		return 0;
	if (fast_hier(controller, list, llen, h) == 0)
		return 1;
	if (cx->ms_state == MS_UNREAD) {
		if (proc_mountinfo(&cx->ms) == 0)
			cx->ms_state = MS_READ;
		else if (errno == ENOENT)
			cx->ms_state = MS_NONE;
		else
			return -1;
	}
	if (cx->ms_state == MS_NONE)
		return 0;
	m = find_mount(&cx->ms, controller != NULL ? "cgroup" : "cgroup2",
	    controller, h->path);
	if (m == NULL)
		return 0;
	return resolve_dir(m, h) == 0;
}

/* A file that is there but cannot be read as a cgroup file: not a regular
 * file (EINVAL), a directory, or too large. */
static int
bad_file(int err)
{
	return err == EINVAL || err == EISDIR || err == ERANGE || err == EFBIG;
}

/*
 * Read dir/name into buf: 1; 0 when it is not there (or not ours to
 * read); -1 when it is there but bad.  Its path stays in ci->file, so that
 * a caller whose parse of the text fails can name it too.
 */
static int
read_small(struct cgroup_info *ci, const char *dir, const char *name,
    char *buf, size_t len)
{
	size_t got;
	int n;

	n = snprintf(ci->file, sizeof(ci->file), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(ci->file))
		return 0;
	if (read_file(ci->file, buf, len, &got) == -1)
		return bad_file(errno) ? -1 : 0;
	if (got > 0 && buf[got - 1] == '\n')
		buf[got - 1] = '\0';
	return 1;
}

static void
note_cpu(struct cgroup_info *ci, int64_t quota, uint64_t period)
{
	double r;

	if (!ci->has_cpu) {
		ci->has_cpu = 1;
		ci->cpu_period_us = period;
	}
	if (quota < 0)
		return;
	r = (double)quota / (double)period;
	if (ci->cpu_quota_us < 0 || r < ci->cpu_limit) {
		ci->cpu_quota_us = quota;
		ci->cpu_period_us = period;
		ci->cpu_limit = r;
	}
}

static int
read_cpu(struct cgroup_info *ci, const struct hier *h, int v1)
{
	char dir[PATH_MAX], q[64], p[64];
	uint64_t period;
	int64_t quota;
	int r;

	memcpy(dir, h->dir, sizeof(dir));
	do {
		if (v1) {
			if ((r = read_small(ci, dir, "cpu.cfs_quota_us", q,
			    sizeof(q))) == 1)
				r = read_small(ci, dir, "cpu.cfs_period_us", p,
				    sizeof(p));
			if (r == -1)
				return -1;
			if (r == 0)
				continue;
			if (parse_cfs_quota(q, &quota) == -1 ||
			    parse_number(p, &period) == -1 || period == 0) {
				errno = EINVAL;
				return -1;
			}
		} else {
			if ((r = read_small(ci, dir, "cpu.max", q, sizeof(q))) ==
			    -1)
				return -1;
			if (r == 0)
				continue;
			if (cgroup_parse_cpu_max(q, &quota, &period) == -1)
				return -1;
		}
		note_cpu(ci, quota, period);
	} while (up(dir, h->base));
	return 0;
}

/* The smallest limit in file name along the chain; 0 if none was read. */
static int
read_limit_chain(struct cgroup_info *ci, const struct hier *h,
    const char *name, uint64_t *v, int *has)
{
	char dir[PATH_MAX], buf[64];
	uint64_t n;
	int r;

	memcpy(dir, h->dir, sizeof(dir));
	do {
		if ((r = read_small(ci, dir, name, buf, sizeof(buf))) == -1)
			return -1;
		if (r == 0)
			continue;
		if (cgroup_parse_limit(buf, &n) == -1)
			return -1;
		if (n >= CG_HUGE)
			n = CG_UNLIMITED;
		if (!*has || n < *v)
			*v = n;
		*has = 1;
	} while (up(dir, h->base));
	return 0;
}

static int
read_count(struct cgroup_info *ci, const struct hier *h, const char *name,
    uint64_t *v, int *has)
{
	char buf[64];
	int r;

	if ((r = read_small(ci, h->dir, name, buf, sizeof(buf))) <= 0)
		return r;
	if (parse_number(buf, v) == -1)
		return -1;
	*has = 1;
	return 0;
}

/* The value of "key N" in memory.stat text [buf, buf + len). */
static int
stat_find(const char *buf, size_t len, const char *key, uint64_t *v)
{
	const char *end = buf + len, *line, *eol, *p;
	size_t klen = strlen(key);

	for (line = buf; line < end; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(end - line))) == NULL)
			eol = end;
		if ((size_t)(eol - line) <= klen ||
		    memcmp(line, key, klen) != 0 || line[klen] != ' ')
			continue;
		if (parse_digits(line + klen + 1, eol, v, &p) == -1 ||
		    !at_end(p, eol)) {
			errno = EINVAL;
			return -1;
		}
		return 1;
	}
	return 0;
}

static int
read_mem_stat(struct cgroup_info *ci, const struct hier *h, int v1)
{
	char sbuf[CG_TEXT], *heap, *buf;
	size_t len;
	int r, n;

	n = snprintf(ci->file, sizeof(ci->file), "%s/memory.stat", h->dir);
	if (n < 0 || (size_t)n >= sizeof(ci->file))
		return 0;
	if ((buf = read_text(h->dir, "memory.stat", sbuf, &len, &heap)) ==
	    NULL)
		return bad_file(errno) ? -1 : 0;
	r = 0;
	if (v1)
		r = stat_find(buf, len, "total_inactive_file",
		    &ci->mem_inactive_file);
	if (r == 0)
		r = stat_find(buf, len, "inactive_file",
		    &ci->mem_inactive_file);
	free(heap);
	if (r == -1)
		return -1;
	ci->has_mem_stat = r;
	return 0;
}

static int
read_mem(struct cgroup_info *ci, const struct hier *h, int v1, int what)
{
	if (read_limit_chain(ci, h, v1 ? "memory.limit_in_bytes" : "memory.max",
	    &ci->mem_limit, &ci->has_mem_limit) == -1)
		return -1;
	if (!ci->has_mem_limit)
		ci->mem_limit = CG_UNLIMITED;
	if ((what & CG_MEM_LIMITED) && ci->mem_limit == CG_UNLIMITED)
		return 0;
	if (read_count(ci, h, v1 ? "memory.usage_in_bytes" : "memory.current",
	    &ci->mem_current, &ci->has_mem_current) == -1)
		return -1;
	if (read_count(ci, h, v1 ? "memory.max_usage_in_bytes" : "memory.peak",
	    &ci->mem_peak, &ci->has_mem_peak) == -1)
		return -1;
	return read_mem_stat(ci, h, v1);
}

static int
read_pids(struct cgroup_info *ci, const struct hier *h)
{
	if (read_limit_chain(ci, h, "pids.max", &ci->pids_limit,
	    &ci->has_pids_limit) == -1)
		return -1;
	if (!ci->has_pids_limit)
		ci->pids_limit = CG_UNLIMITED;
	return read_count(ci, h, "pids.current", &ci->pids_current,
	    &ci->has_pids_current);
}

static void
set_path(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/*
 * v1 wins when memory or cpu lives on a v1 hierarchy (hybrid systems also
 * mount an empty cgroup2 at /sys/fs/cgroup/unified); else v2.  Both are
 * looked for whatever is asked, so version and the paths do not depend on
 * what: on v1 that costs one access() each; on v2 none, as self/cgroup has
 * no line for them.
 */
static int
read_all(struct cgroup_info *ci, struct cgctx *cx, int what)
{
	struct hier h[3], *mem = &h[0], *cpu = &h[1], *pids = &h[2];
	int rc = -1, hm, hc, hv;

	memset(h, 0, sizeof(h));
	if ((hm = find_hier(cx, "memory", mem)) == -1 ||
	    (hc = find_hier(cx, "cpu", cpu)) == -1)
		goto out;
	if (hm || hc) {
		ci->version = 1;
		set_path(ci->path, sizeof(ci->path), hm ? mem->path : cpu->path);
		if (hc)
			set_path(ci->cpu_path, sizeof(ci->cpu_path), cpu->path);
		if ((what & CG_CPU) && hc && read_cpu(ci, cpu, 1) == -1)
			goto out;
		if ((what & CG_MEM) && hm && read_mem(ci, mem, 1, what) == -1)
			goto out;
		if ((what & CG_PIDS) &&
		    ((hv = find_hier(cx, "pids", pids)) == -1 ||
		    (hv && read_pids(ci, pids) == -1)))
			goto out;
	} else {
		if ((hv = find_hier(cx, NULL, mem)) == -1)
			goto out;
		if (hv) {
			ci->version = 2;
			set_path(ci->path, sizeof(ci->path), mem->path);
			set_path(ci->cpu_path, sizeof(ci->cpu_path), mem->path);
			if (((what & CG_CPU) && read_cpu(ci, mem, 0) == -1) ||
			    ((what & CG_MEM) && read_mem(ci, mem, 0, what) == -1) ||
			    ((what & CG_PIDS) && read_pids(ci, mem) == -1))
				goto out;
		}
	}
	rc = 0;
out:
	return rc;
}

int
cgroup_read_mask(struct cgroup_info *ci, int what)
{
	struct cgctx cx;
	char sbuf[CG_TEXT], *heap;
	size_t len;
	int rc;

	memset(ci, 0, sizeof(*ci));
	ci->cpu_quota_us = -1;
	ci->mem_limit = CG_UNLIMITED;
	ci->pids_limit = CG_UNLIMITED;

	/* No cgroup file or no mount table: no cgroups, not an error. */
	memset(&cx, 0, sizeof(cx));
	snprintf(ci->file, sizeof(ci->file), "%s/self/cgroup", proc_root());
	if ((cx.self = read_text(proc_root(), "self/cgroup", sbuf, &len,
	    &heap)) == NULL)
		return errno == ENOENT ? 0 : -1;
	rc = read_all(ci, &cx, what);
	if (rc == 0)
		ci->file[0] = '\0';
	if (cx.ms_state == MS_READ)
		proc_mounts_free(&cx.ms);
	free(heap);
	return rc;
}

int
cgroup_read(struct cgroup_info *ci)
{
	return cgroup_read_mask(ci, CG_ALL);
}

/* The container runtime named in PID 1's cgroup paths, or NULL. */
static const char *
pid1_runtime(void)
{
	/* kubepods first: a pod's path also names its runtime. */
	static const struct {
		const char *needle, *kind;
	} rt[] = {
		{ "kubepods", "kubepods" },
		{ "docker", "docker" },
		{ "containerd", "containerd" },
		{ "libpod", "podman" },
		{ "podman", "podman" },
		{ "lxc", "lxc" },
	};
	char sbuf[CG_TEXT], *heap, *buf;
	const char *kind = NULL;
	size_t len, i;

	if ((buf = read_text(proc_root(), "1/cgroup", sbuf, &len, &heap)) ==
	    NULL)
		return NULL;
	for (i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		if (memmem(buf, len, rt[i].needle, strlen(rt[i].needle))) {
			kind = rt[i].kind;
			break;
		}
	}
	free(heap);
	return kind;
}

/*
 * Whether / is an overlay: our own is asked of statfs(2), one cheap call;
 * a foreign <proc>'s is the last mount on / in its mountinfo, the one on
 * top.
 */
static int
overlay_root(int own)
{
	struct statfs sf;
	struct mounts ms;
	const char *fstype = NULL;
	int i, r;

	if (own)
		return statfs("/", &sf) == 0 &&
		    (unsigned long)sf.f_type == OVERLAYFS_SUPER_MAGIC;
	if (proc_mountinfo(&ms) == -1)
		return 0;
	for (i = 0; i < ms.n; i++)
		if (ms.m[i].mountpoint != NULL &&
		    strcmp(ms.m[i].mountpoint, "/") == 0)
			fstype = ms.m[i].fstype;
	r = fstype != NULL && strcmp(fstype, "overlay") == 0;
	proc_mounts_free(&ms);
	return r;
}

/*
 * The checks go in the order of their meaning, which is also cheapest first
 * but for the overlay: statfs costs less than reading /proc/1/cgroup, yet a
 * runtime named there says more than an overlay root, and a host needs both.
 */
int
cgroup_in_container(char *kind, size_t len)
{
	const char *env, *k = NULL;
	/* The environment and marker files describe this machine, not a
	 * fixture tree. */
	int own = strcmp(proc_root(), "/proc") == 0;

	if (own && (env = getenv("container")) != NULL)
		k = env[0] != '\0' ? env : "container-env";
	else if (own && access("/.dockerenv", F_OK) == 0)
		k = "docker";
	else if (own && access("/run/.containerenv", F_OK) == 0)
		k = "podman";
	else if ((k = pid1_runtime()) == NULL && overlay_root(own))
		k = "overlay-root";
	if (kind != NULL && len > 0)
		snprintf(kind, len, "%s", k != NULL ? k : "");
	return k != NULL;
}
