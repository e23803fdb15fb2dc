/*
 * proc_dev: the device and mount readers: /proc/diskstats and the block
 * devices of /sys/block, /proc/net/dev, /proc/self/mountinfo and
 * /proc/filesystems.  Parsers take (buf, len) as lib/proc.c describes.
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

/* ---- /proc/diskstats ---- */

/* Lines in [buf, buf+len): an upper bound for the entries. */
static size_t
count_lines(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t n = 1;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p = nl + 1;
	}
	return n;
}

#define DISK_MAXTOK	20

int
proc_diskstats_parse(const char *buf, size_t len, struct diskstat **out,
    int *n)
{
	const char *p, *end, *ls, *le, *q, *s[DISK_MAXTOK + 1];
	const char *e[DISK_MAXTOK + 1];
	struct diskstat *ds, *d;
	size_t cap, i, k;
	int nt;

	*out = NULL;
	*n = 0;
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	cap = count_lines(buf, len);
	if (cap > INT_MAX)
		cap = INT_MAX;
	if ((ds = calloc(cap, sizeof(*ds))) == NULL)
		return -1;
	i = 0;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		for (nt = 0; nt <= DISK_MAXTOK &&
		    next_tok(&q, le, &s[nt], &e[nt]); nt++)
			;
		if (nt == 0)
			continue;
		if ((nt != 14 && nt != 18 && nt != 20) || i >= cap)
			goto bad;
		d = &ds[i];
		{
			uint64_t *f[17] = {
				&d->reads, &d->reads_merged, &d->read_sectors,
				&d->read_ms, &d->writes, &d->writes_merged,
				&d->write_sectors, &d->write_ms, &d->in_flight,
				&d->io_ms, &d->weighted_ms, &d->discards,
				&d->discards_merged, &d->discard_sectors,
				&d->discard_ms, &d->flushes, &d->flush_ms
			};

			if (parse_uint(s[0], e[0], &d->major) == -1 ||
			    parse_uint(s[1], e[1], &d->minor) == -1)
				goto bad;
			if ((size_t)(e[2] - s[2]) >= sizeof(d->name) ||
			    has_nul(s[2], e[2]))
				goto bad;
			memcpy(d->name, s[2], (size_t)(e[2] - s[2]));
			d->name[e[2] - s[2]] = '\0';
			for (k = 3; k < (size_t)nt; k++)
				if (parse_u64(s[k], e[k], f[k - 3]) == -1)
					goto bad;
		}
		d->nfields = nt;
		i++;
	}
	*out = ds;
	*n = (int)i;
	return 0;
bad:
	free(ds);
	errno = EINVAL;
	return -1;
}

int
proc_diskstats(struct diskstat **out, int *n)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	*out = NULL;
	*n = 0;
	if ((buf = pbuf_read(&pb, "diskstats", &len)) == NULL)
		return -1;
	rv = proc_diskstats_parse(buf, len, out, n);
	pbuf_free(&pb);
	return rv;
}

/* <sys>/block/NAME[/sub], '/' in NAME spelt '!' as sysfs does. */
static int
block_path(char *buf, size_t len, const char *name, const char *sub)
{
	char dev[256];
	size_t i;
	int r;

	if (name == NULL || *name == '\0' || strlen(name) >= sizeof(dev) ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -1;
	for (i = 0; name[i] != '\0'; i++)
		dev[i] = name[i] == '/' ? '!' : name[i];
	dev[i] = '\0';
	r = snprintf(buf, len, "%s/block/%s%s%s", sys_root(), dev,
	    sub != NULL ? "/" : "", sub != NULL ? sub : "");
	return r < 0 || (size_t)r >= len ? -1 : 0;
}

/* 1 or 0; every failure to look counts as "no", as psutil's os.access. */
int
proc_disk_is_whole(const char *name)
{
	char path[PATH_MAX];

	if (block_path(path, sizeof(path), name, NULL) == -1)
		return 0;
	return access(path, F_OK) == 0;
}

static int
any_entry(int dfd, const char *name, unsigned type, void *arg)
{
	return 1;
}

int
proc_disk_is_stacked(const char *name)
{
	char path[PATH_MAX];
	int fd, found;

	if (block_path(path, sizeof(path), name, "slaves") == -1)
		return 0;
	if ((fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	found = fs_dir_each(fd, any_entry, NULL) == 1;
	close(fd);
	return found;
}

/* ---- /proc/net/dev ---- */

int
proc_netdev_parse(const char *buf, size_t len, struct netdev **out, int *n)
{
	const char *p, *end, *ls, *le, *q, *colon, *ns, *ne, *ts, *te;
	struct netdev *nd, *d;
	size_t cap, i = 0, k;
	int line = 0;

	*out = NULL;
	*n = 0;
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	cap = count_lines(buf, len);
	if (cap > INT_MAX)
		cap = INT_MAX;
	if ((nd = calloc(cap, sizeof(*nd))) == NULL)
		return -1;
	while (next_line(&p, end, &ls, &le)) {
		if (line++ < 2)
			continue;	/* the two header lines */
		q = ls;
		if (!next_tok(&q, le, &ts, &te))
			continue;
		/* The last colon: "eth0:123" glues the name to a number. */
		for (colon = le; colon > ls && colon[-1] != ':'; colon--)
			;
		if (colon == ls || i >= cap)
			goto bad;
		colon--;
		ns = ls;
		ne = colon;
		while (ns < ne && is_blank(*ns))
			ns++;
		while (ne > ns && is_blank(ne[-1]))
			ne--;
		if (ns == ne || (size_t)(ne - ns) >= sizeof(nd->name) ||
		    has_nul(ns, ne))
			goto bad;
		d = &nd[i];
		{
			uint64_t *f[16] = {
				&d->rx_bytes, &d->rx_packets, &d->rx_errs,
				&d->rx_drop, &d->rx_fifo, &d->rx_frame,
				&d->rx_compressed, &d->rx_multicast,
				&d->tx_bytes, &d->tx_packets, &d->tx_errs,
				&d->tx_drop, &d->tx_fifo, &d->tx_colls,
				&d->tx_carrier, &d->tx_compressed
			};

			memcpy(d->name, ns, (size_t)(ne - ns));
			d->name[ne - ns] = '\0';
			q = colon + 1;
			for (k = 0; next_tok(&q, le, &ts, &te); k++)
				if (k == 16 || parse_u64(ts, te, f[k]) == -1)
					goto bad;
			if (k != 16)
				goto bad;
		}
		i++;
	}
	*out = nd;
	*n = (int)i;
	return 0;
bad:
	free(nd);
	errno = EINVAL;
	return -1;
}

int
proc_netdev(struct netdev **out, int *n)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	*out = NULL;
	*n = 0;
	if ((buf = pbuf_read(&pb, "net/dev", &len)) == NULL)
		return -1;
	rv = proc_netdev_parse(buf, len, out, n);
	pbuf_free(&pb);
	return rv;
}

/* ---- /proc/self/mountinfo, /proc/filesystems ---- */

static int
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * Copy [s, e) to *dst decoding the kernel's \ooo escapes (space, tab,
 * newline, backslash); returns the start of the copy.  The caller sized
 * the block: a decoded string is never longer than its source.
 */
static char *
unescape(char **dst, const char *s, const char *e)
{
	char *start = *dst, *o = *dst;
	unsigned v;

	while (s < e) {
		if (*s == '\\' && e - s >= 4 && is_octal(s[1]) &&
		    is_octal(s[2]) && is_octal(s[3])) {
			v = (unsigned)(s[1] - '0') * 64 +
			    (unsigned)(s[2] - '0') * 8 + (unsigned)(s[3] - '0');
			/* \000 and > \377 are no escapes the kernel writes */
			if (v != 0 && v <= 0377) {
				*o++ = (char)v;
				s += 4;
				continue;
			}
		}
		*o++ = *s++;
	}
	*o++ = '\0';
	*dst = o;
	return start;
}

int
proc_mountinfo_parse(const char *buf, size_t len, struct mounts *ms)
{
	const char *p, *end, *ls, *le, *q, *t[6], *te[6], *ts, *tend;
	const char *colon;
	struct mount *m;
	char *o;
	size_t cap, i = 0;
	int k;

	memset(ms, 0, sizeof(*ms));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	cap = count_lines(buf, len);
	if (cap > INT_MAX)
		cap = INT_MAX;
	/*
	 * Six strings per line, each no longer than its token and each
	 * token followed by a separator or the end: len + 1 bytes hold
	 * every string with its NUL.
	 */
	ms->m = calloc(cap, sizeof(*ms->m));
	ms->buf = malloc(len + 1);
	if (ms->m == NULL || ms->buf == NULL)
		goto fail;
	o = ms->buf;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		/* id parent major:minor root mountpoint opts */
		for (k = 0; k < 6; k++)
			if (!next_tok(&q, le, &t[k], &te[k]))
				break;
		if (k == 0)
			continue;
		if (k < 6 || i >= cap || has_nul(ls, le))
			goto bad;
		m = &ms->m[i];
		if (parse_int(t[0], te[0], &m->id) == -1 ||
		    parse_int(t[1], te[1], &m->parent) == -1 ||
		    (colon = memchr(t[2], ':', (size_t)(te[2] - t[2]))) ==
		    NULL ||
		    parse_uint(t[2], colon, &m->major) == -1 ||
		    parse_uint(colon + 1, te[2], &m->minor) == -1)
			goto bad;
		m->root = unescape(&o, t[3], te[3]);
		m->mountpoint = unescape(&o, t[4], te[4]);
		m->opts = unescape(&o, t[5], te[5]);
		/* optional fields ("shared:1", "master:2") up to "-" */
		for (;;) {
			if (!next_tok(&q, le, &ts, &tend))
				goto bad;
			if (tok_eq(ts, tend, "-"))
				break;
		}
		/* fstype source super_opts */
		for (k = 0; k < 3; k++)
			if (!next_tok(&q, le, &t[k], &te[k]))
				goto bad;
		m->fstype = unescape(&o, t[0], te[0]);
		m->source = unescape(&o, t[1], te[1]);
		m->super_opts = unescape(&o, t[2], te[2]);
		i++;
	}
	ms->n = (int)i;
	return 0;
bad:
	errno = EINVAL;
fail:
	proc_mounts_free(ms);
	return -1;
}

int
proc_mountinfo(struct mounts *ms)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	memset(ms, 0, sizeof(*ms));
	if ((buf = pbuf_read(&pb, "self/mountinfo", &len)) == NULL)
		return -1;
	rv = proc_mountinfo_parse(buf, len, ms);
	pbuf_free(&pb);
	return rv;
}

void
proc_mounts_free(struct mounts *ms)
{
	int saved = errno;

	free(ms->m);
	free(ms->buf);
	memset(ms, 0, sizeof(*ms));
	errno = saved;
}

int
proc_fs_is_dev(const char *filesystems_buf, const char *fstype)
{
	const char *m, *ls, *le, *q, *s1, *e1, *s2, *e2;
	size_t n;

	if (filesystems_buf == NULL || fstype == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* not a token: no line can hold it */
	if (*fstype == '\0' || strpbrk(fstype, " \t\n") != NULL)
		return 0;
	/* Only a line holding fstype as a token can say yes: find those
	 * (its first byte, then the rest: cheaper than strstr for a short
	 * name in a short file), not every line's tokens. */
	n = strlen(fstype);
	for (m = filesystems_buf; (m = strchr(m, fstype[0])) != NULL; m++) {
		if (strncmp(m, fstype, n) != 0)
			continue;
		if ((m > filesystems_buf && !is_blank(m[-1]) && m[-1] != '\n') ||
		    (m[n] != '\0' && !is_blank(m[n]) && m[n] != '\n'))
			continue;
		for (ls = m; ls > filesystems_buf && ls[-1] != '\n'; ls--)
			;
		le = m + n + strcspn(m + n, "\n");
		q = ls;
		if (!next_tok(&q, le, &s1, &e1))
			continue;
		if (!tok_eq(s1, e1, "nodev")) {
			/* "\text4": one field, a device file system */
			if (s1 == m && e1 == m + n &&
			    !next_tok(&q, le, &s2, &e2))
				return 1;
			continue;
		}
		/* psutil keeps "nodev zfs": zfs pools have no block device
		 * in /dev but are real disks. */
		if (next_tok(&q, le, &s2, &e2) && s2 == m && e2 == m + n &&
		    tok_eq(s2, e2, "zfs"))
			return 1;
	}
	return 0;
}

