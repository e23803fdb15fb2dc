/*
 * pid: the per-process readers of /proc/PID/... (stat, statm, status, io,
 * smaps, cgroup).  Like lib/proc's parsers, every parser takes (buf, len)
 * and never reads past buf + len.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "pid.h"
#include "proc_int.h"

#define nitems_(a)	(sizeof(a) / sizeof((a)[0]))

/* Grow *bufp to hold at least need bytes. */
static int
grow_buf(char **bufp, size_t *capp, size_t need)
{
	size_t ncap = *capp != 0 ? *capp : 4096;
	char *nbuf;

	while (ncap < need) {
		if (ncap > SLURP_MAX) {
			errno = EFBIG;
			return -1;
		}
		ncap *= 2;
	}
	if (ncap == *capp && *bufp != NULL)
		return 0;
	if ((nbuf = realloc(*bufp, ncap)) == NULL)
		return -1;
	*bufp = nbuf;
	*capp = ncap;
	return 0;
}

/*
 * The per-process files are single records (stat, status, io, smaps_rollup)
 * or copied whole per read (cmdline, environ): a read that leaves room in
 * the buffer has the whole file, so the common case is one read(2) and no
 * second read to see the end.  A read that fills the buffer goes on, in a
 * doubled buffer, until a read of 0.
 */
long
proc_read_at(int dirfd, const char *rel, char **bufp, size_t *capp)
{
	return proc_read_batch(dirfd, rel, bufp, capp, NULL);
}

long
proc_read_batch(int dirfd, const char *rel, char **bufp, size_t *capp,
    struct fs_batch *b)
{
	size_t len = 0;
	ssize_t r;
	int fd, saved;

	if (grow_buf(bufp, capp, 4096) == -1)
		return -1;
	/* O_NONBLOCK: a FIFO where a file should be (a copied tree) reads
	 * as empty instead of blocking; the files of /proc ignore it */
	while ((fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		/* the batch's descriptors count against the limit */
		if (errno != EMFILE || b == NULL || b->n == 0)
			return -1;
		fs_batch_close(b);
	}
	for (;;) {
		if (len + 1 >= *capp && grow_buf(bufp, capp, *capp * 2) == -1)
			goto fail;
		r = read(fd, *bufp + len, *capp - 1 - len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		len += (size_t)r;
		if (r == 0 || len + 1 < *capp)
			break;
	}
	fs_batch_add(b, fd);
	(*bufp)[len] = '\0';
	return (long)len;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* proc_int.h's parse_u64 (digits only, at least one, no overflow), with
 * the overflow test against constants: a division per digit was a fifth
 * of parsing a stat line. */
static inline int
dec_u64(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;

	if (s >= e)
		return -1;
	for (; s < e; s++) {
		d = (unsigned)(unsigned char)*s - '0';
		if (d > 9)
			return -1;
		if (v >= UINT64_MAX / 10 &&
		    (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
#define parse_u64	dec_u64

/* An optionally negative decimal over [s, e) into the bits of *out. */
static int
parse_signed(const char *s, const char *e, int64_t *out)
{
	uint64_t v;
	int neg = 0;

	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	if (parse_u64(s, e, &v) == -1 || v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int
to_int(int64_t v, int *out)
{
	if (v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

static int
to_uint(uint64_t v, unsigned *out)
{
	if (v > UINT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* The kept fields the kernel writes signed; the others are unsigned. */
static int
stat_signed(int n)
{
	return (n >= 4 && n <= 8) || (n >= 16 && n <= 20) || n == 39;
}

/* The fields struct pid_stat holds; the others are not looked at. */
#define STAT_KEPT	(UINT64_C(0x1ffff) << 4 | UINT64_C(0x1ff) << 22 | \
			 UINT64_C(0xf) << 39)

static int stat_store(struct pid_stat *, int, int64_t, uint64_t);

/* A field after the state, numbered as in proc(5): -1 when it does not
 * parse as its type. */
static int
stat_field(struct pid_stat *ps, int n, const char *s, const char *e)
{
	int64_t v = 0;
	uint64_t u = 0;

	if (n >= 64 || !((STAT_KEPT >> n) & 1))
		return 0;
	if (stat_signed(n)) {
		if (parse_signed(s, e, &v) == -1)
			return -1;
	} else if (parse_u64(s, e, &u) == -1)
		return -1;
	return stat_store(ps, n, v, u);
}

/* Field n's value (v if the field is signed, else u) into ps: -1 when it
 * is out of the range of its member. */
static int
stat_store(struct pid_stat *ps, int n, int64_t v, uint64_t u)
{
	switch (n) {
	case 4: return to_int(v, &ps->ppid);
	case 5: return to_int(v, &ps->pgrp);
	case 6: return to_int(v, &ps->session);
	case 7: return to_int(v, &ps->tty_nr);
	case 8: return to_int(v, &ps->tpgid);
	case 9: return to_uint(u, &ps->flags);
	case 10: ps->minflt = u; return 0;
	case 11: ps->cminflt = u; return 0;
	case 12: ps->majflt = u; return 0;
	case 13: ps->cmajflt = u; return 0;
	case 14: ps->utime = u; return 0;
	case 15: ps->stime = u; return 0;
	case 16: ps->cutime = v; return 0;
	case 17: ps->cstime = v; return 0;
	case 18: ps->priority = v; return 0;
	case 19: ps->nice = v; return 0;
	case 20: ps->num_threads = v; return 0;
	case 22: ps->starttime = u; return 0;
	case 23: ps->vsize = u; return 0;
	case 24:
		if (u > (uint64_t)INT64_MAX)
			return -1;
		ps->rss = (int64_t)u;
		return 0;
	case 25: ps->rsslim = u; return 0;
	case 26: ps->startcode = u; return 0;
	case 27: ps->endcode = u; return 0;
	case 28: ps->startstack = u; return 0;
	case 29: ps->kstkesp = u; return 0;
	case 30: ps->kstkeip = u; return 0;
	case 39: return to_int(v, &ps->processor);
	case 40: return to_uint(u, &ps->rt_priority);
	case 41: return to_uint(u, &ps->policy);
	case 42: ps->blkio_ticks = u; return 0;
	}
	return 0;
}

/*
 * The line as every kernel writes it after the name: " S", then fields of
 * an optional '-' and digits (at most 2^64 - 1), one space apart, and a newline at
 * the end (or none).  Parsed in one pass, as the general loop of
 * proc_pid_stat_parse would; -1 for any other line, which that loop then
 * parses (more spaces, tabs, CRs, text, long numbers).
 */
static int
stat_fast(const char *p, const char *end, struct pid_stat *ps)
{
	const char *ds;
	uint64_t u;
	unsigned d;
	int field, neg;

	if (end - p < 3 || p[0] != ' ' || p[2] != ' ' || is_space(p[1]))
		return -1;
	ps->state = p[1];
	p += 3;
	for (field = 4;; field++) {
		neg = p < end && *p == '-';
		p += neg;
		for (ds = p, u = 0; p < end &&
		    (d = (unsigned)(unsigned char)*p - '0') <= 9; p++)
			if (__builtin_mul_overflow(u, 10, &u) ||
			    __builtin_add_overflow(u, d, &u))
				return -1;
		if (p == ds)
			return -1;
		if (field < 64 && ((STAT_KEPT >> field) & 1)) {
			/* parse_signed's range; parse_u64 takes no sign */
			if (stat_signed(field) ? u > (uint64_t)INT64_MAX ||
			    stat_store(ps, field, neg ? -(int64_t)u :
			    (int64_t)u, 0) == -1 :
			    neg || stat_store(ps, field, 0, u) == -1)
				ps->bad |= UINT64_C(1) << field;
		}
		if (p == end || (*p == '\n' && p + 1 == end))
			break;
		if (*p != ' ' || ++p == end)
			return -1;
	}
	ps->nfields = field - 2;
	return 0;
}

int
proc_pid_stat_parse(const char *buf, size_t len, struct pid_stat *ps)
{
	const char *end = buf + len, *lp, *rp, *p, *ts, *te, *s, *e;
	size_t n;
	int64_t pid;
	int field, nl;

	memset(ps, 0, sizeof(*ps));
	ps->processor = -1;
	if ((lp = memchr(buf, '(', len)) == NULL)
		goto bad;
	/* the last ')': no field after the name holds one */
	if ((rp = memrchr(lp + 1, ')', (size_t)(end - lp - 1))) == NULL)
		goto bad;
	s = buf;
	e = lp;
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	if (parse_signed(s, e, &pid) == -1 || to_int(pid, &ps->pid) == -1)
		goto bad;
	n = (size_t)(rp - lp - 1);
	if (n >= sizeof(ps->comm))
		n = sizeof(ps->comm) - 1;
	memcpy(ps->comm, lp + 1, n);
	ps->comm[n] = '\0';
	p = rp + 1;
	if (p < end && *p == '\n')	/* a line ending right after the name */
		goto bad;
	if (stat_fast(p, end, ps) == 0)
		goto done;
	/* not the common line: from the state again, field by field */
	memset(&ps->state, 0, sizeof(*ps) - offsetof(struct pid_stat, state));
	ps->processor = -1;
	/* next_tok's blank-separated tokens; one holding a newline ends the
	 * line (after it is taken, its trailing newlines and CRs cut) */
	for (field = 3;; field++) {
		nl = 0;
		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			break;
		ts = p;
		for (; p < end && !is_blank(*p); p++)
			nl |= *p == '\n';
		te = p;
		while (te > ts && (te[-1] == '\n' || te[-1] == '\r'))
			te--;
		if (ts == te)
			break;
		if (field == 3) {
			if (te - ts != 1)
				goto bad;
			ps->state = *ts;
		} else if (stat_field(ps, field, ts, te) == -1 && field < 64)
			ps->bad |= UINT64_C(1) << field;
		ps->nfields++;
		if (nl)
			break;
	}
done:
	/* state through rss (fields 3..24) are in every kernel's line */
	if (ps->nfields < 22)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
proc_pid_statm_parse(const char *buf, size_t len, struct pid_statm *sm)
{
	uint64_t *dst[7];
	const char *p = buf, *end = buf + len, *ts, *te;
	int i;

	memset(sm, 0, sizeof(*sm));
	dst[0] = &sm->size;
	dst[1] = &sm->resident;
	dst[2] = &sm->shared;
	dst[3] = &sm->text;
	dst[4] = &sm->lib;
	dst[5] = &sm->data;
	dst[6] = &sm->dirty;
	while (end > p && (end[-1] == '\n' || end[-1] == '\0'))
		end--;
	for (i = 0; i < 7; i++) {
		if (!next_tok(&p, end, &ts, &te) || parse_u64(ts, te, dst[i]) == -1) {
			errno = EINVAL;
			return -1;
		}
	}
	return 0;
}

/* Copy the status name [s, e) into dst, undoing the kernel's escapes. */
static void
status_name(char *dst, size_t len, const char *s, const char *e)
{
	static const char from[] = "nt\\rfva\"e", to[] = "\n\t\\\r\f\v\a\"\033";
	const char *q;
	size_t n = 0;

	while (s < e && n + 1 < len) {
		if (*s == '\\' && s + 1 < e && *(s + 1) != '\0' &&
		    (q = strchr(from, s[1])) != NULL) {
			dst[n++] = to[q - from];
			s += 2;
			continue;
		}
		dst[n++] = *s++;
	}
	dst[n] = '\0';
}

/* "Key:\t1 2 3 4": up to n unsigned numbers. */
static int
status_u32s(const char *p, const char *end, uint32_t *out, int n)
{
	const char *ts, *te;
	uint64_t v;
	int i;

	for (i = 0; i < n; i++) {
		if (!next_tok(&p, end, &ts, &te) || parse_u64(ts, te, &v) == -1 ||
		    v > UINT32_MAX)
			return -1;
		out[i] = (uint32_t)v;
	}
	return 0;
}

/* "Key:\t  1234 kB" into bytes (a number without unit is taken as is). */
static int
status_kb(const char *p, const char *end, uint64_t *out)
{
	const char *ts, *te, *us, *ue;
	uint64_t v;

	if (!next_tok(&p, end, &ts, &te) || parse_u64(ts, te, &v) == -1)
		return -1;
	if (next_tok(&p, end, &us, &ue) && tok_eq(us, ue, "kB"))
		v = sat_mul(v, 1024);
	*out = v;
	return 0;
}

static int
status_num(const char *p, const char *end, uint64_t *out)
{
	const char *ts, *te;

	if (!next_tok(&p, end, &ts, &te) || parse_u64(ts, te, out) == -1)
		return -1;
	return 0;
}

static int
status_int(const char *p, const char *end, int *out)
{
	uint64_t v;

	if (status_num(p, end, &v) == -1 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* A signal mask: 1 to 16 hex digits. */
static int
status_hex(const char *v, const char *le, uint64_t *out)
{
	uint64_t u = 0;
	unsigned d;
	int n = 0;

	while (v < le && is_blank(*v))
		v++;
	for (; v < le && !is_blank(*v); v++, n++) {
		if ((d = (unsigned)(unsigned char)*v - '0') > 9 &&
		    (d = (unsigned)(unsigned char)*v - 'a' + 10) - 10 > 5)
			return -1;
		if (n == 16)
			return -1;
		u = u << 4 | (uint64_t)d;
	}
	*out = u;
	return n == 0 ? -1 : 0;
}

int
proc_pid_status_parse(const char *buf, size_t len, struct pid_status *st)
{
	return proc_pid_status_want(buf, len, st, ~0U);
}

/* ... or only until the lines of want (PST_*) are all found */
int
proc_pid_status_want(const char *buf, size_t len, struct pid_status *st,
    unsigned want)
{
	const char *p = buf, *end = buf + len, *ls, *le, *colon, *v;
	uint64_t u;
	int bad = 0;

	memset(st, 0, sizeof(*st));
	while (next_line(&p, end, &ls, &le)) {
		/* the key is short: a loop, not a call of memchr a line */
		for (colon = ls; colon < le && *colon != ':'; colon++)
			;
		if (colon == le)
			continue;
		v = colon + 1;
#define KEY(k)	tok_eq(ls, colon, k)
		/* by the key's first letter: a line goes past a handful of
		 * keys, not all of them */
		switch (*ls) {
		case 'N':
			if (KEY("Name")) {
				if (v < le && *v == '\t')
					v++;
				status_name(st->name, sizeof(st->name), v, le);
				st->has |= PST_NAME;
			}
			break;
		case 'S':
			if (KEY("State")) {
				while (v < le && is_blank(*v))
					v++;
				st->state = v < le ? *v : '\0';
			} else if (KEY("SigPnd"))
				bad |= status_hex(v, le, &st->sig_pnd);
			else if (KEY("ShdPnd"))
				bad |= status_hex(v, le, &st->shd_pnd);
			else if (KEY("SigBlk"))
				bad |= status_hex(v, le, &st->sig_blk);
			else if (KEY("SigIgn"))
				bad |= status_hex(v, le, &st->sig_ign);
			else if (KEY("SigCgt")) {
				/* a group's bit at its last line: want
				 * stops there */
				bad |= status_hex(v, le, &st->sig_cgt);
				st->has |= PST_SIG;
			}
			break;
		case 'T':
			if (KEY("Tgid"))
				bad |= status_int(v, le, &st->tgid);
			else if (KEY("Threads")) {
				bad |= status_int(v, le, &st->threads);
				st->has |= PST_THREADS;
			}
			break;
		case 'P':
			if (KEY("Pid"))
				bad |= status_int(v, le, &st->pid);
			else if (KEY("PPid")) {
				bad |= status_int(v, le, &st->ppid);
				st->has |= PST_PPID;
			}
			break;
		case 'U':
			if (KEY("Uid")) {
				bad |= status_u32s(v, le, st->uid, 4);
				st->has |= PST_UID;
			}
			break;
		case 'G':
			if (KEY("Gid")) {
				bad |= status_u32s(v, le, st->gid, 4);
				st->has |= PST_GID;
			} else if (KEY("Groups")) {
				while (v < le && is_blank(*v))
					v++;
				st->groups = v;
				st->groupslen = (size_t)(le - v);
				while (st->groupslen > 0 &&
				    is_blank(v[st->groupslen - 1]))
					st->groupslen--;
				st->has |= PST_GROUPS;
			}
			break;
		case 'V':
			if (KEY("VmSize")) {
				bad |= status_kb(v, le, &st->vm_size);
				st->has |= PST_VMSIZE;
			} else if (KEY("VmLck")) {
				bad |= status_kb(v, le, &st->vm_lck);
				st->has |= PST_VMLCK;
			} else if (KEY("VmRSS")) {
				bad |= status_kb(v, le, &st->vm_rss);
				st->has |= PST_VMRSS;
			} else if (KEY("VmSwap")) {
				bad |= status_kb(v, le, &st->vm_swap);
				st->has |= PST_VMSWAP;
			} else if (KEY("VmData"))
				bad |= status_kb(v, le, &st->vm_data);
			else if (KEY("VmStk"))
				bad |= status_kb(v, le, &st->vm_stk);
			else if (KEY("VmExe")) {
				bad |= status_kb(v, le, &st->vm_exe);
				st->has |= PST_VMDATA;
			}
			break;
		case 'R':
			if (KEY("RssAnon"))
				bad |= status_kb(v, le, &st->rss_anon);
			else if (KEY("RssFile")) {
				bad |= status_kb(v, le, &st->rss_file);
				st->has |= PST_RSSFILE;
			} else if (KEY("RssShmem")) {
				bad |= status_kb(v, le, &st->rss_shmem);
				st->has |= PST_RSSSHMEM;
			}
			break;
		case 'v':
			if (KEY("voluntary_ctxt_switches")) {
				bad |= status_num(v, le, &u);
				st->vol_ctxt = u;
			}
			break;
		case 'n':
			if (KEY("nonvoluntary_ctxt_switches")) {
				bad |= status_num(v, le, &u);
				st->nonvol_ctxt = u;
				st->has |= PST_CTXT;
			}
			break;
		}
#undef KEY
		if (bad || (st->has & want) == want)
			break;
	}
	if (bad || !(st->has & PST_NAME)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * The "Key: number" lines of a /proc file: the value of each line whose key
 * is keys[i] (read by num) is added into *dst[i].  Returns the keys seen as
 * a bit mask, or -1 (EINVAL) on a bad number.
 */
static long
keyed_sum(const char *buf, size_t len, const char *const keys[],
    uint64_t *const dst[], size_t n,
    int (*num)(const char *, const char *, uint64_t *))
{
	const char *p = buf, *end = buf + len, *ls, *le, *colon;
	unsigned long seen = 0;
	uint64_t v;
	size_t i;

	while (next_line(&p, end, &ls, &le)) {
		if ((colon = memchr(ls, ':', (size_t)(le - ls))) == NULL)
			continue;
		for (i = 0; i < n; i++) {
			if (!tok_eq(ls, colon, keys[i]))
				continue;
			if (num(colon + 1, le, &v) == -1) {
				errno = EINVAL;
				return -1;
			}
			*dst[i] = sat_add(*dst[i], v);
			seen |= 1UL << i;
		}
	}
	return (long)seen;
}

int
proc_pid_io_parse(const char *buf, size_t len, struct pid_io *io)
{
	static const char *const keys[] = {
		"rchar", "wchar", "syscr", "syscw", "read_bytes",
		"write_bytes", "cancelled_write_bytes",
	};
	uint64_t *const dst[] = {
		&io->rchar, &io->wchar, &io->syscr, &io->syscw,
		&io->read_bytes, &io->write_bytes,
		&io->cancelled_write_bytes,
	};

	memset(io, 0, sizeof(*io));
	if (keyed_sum(buf, len, keys, dst, 7, status_num) != 0x7f) {
		errno = EINVAL;
		return -1;
	}
	io->has = 1;
	return 0;
}

/* smaps sums over its mappings; smaps_rollup has one of each line */
int
proc_pid_smaps_parse(const char *buf, size_t len, struct pid_smaps *sm)
{
	static const char *const keys[] = {
		"Rss", "Pss", "Private_Clean", "Private_Dirty",
		"Private_Hugetlb", "Swap", "SwapPss",
	};
	uint64_t *const dst[] = {
		&sm->rss, &sm->pss, &sm->private_clean, &sm->private_dirty,
		&sm->private_hugetlb, &sm->swap, &sm->swap_pss,
	};
	long seen;

	memset(sm, 0, sizeof(*sm));
	/* mapping header lines hold ':' too, never a key */
	if ((seen = keyed_sum(buf, len, keys, dst, 7, status_kb)) == -1)
		return -1;
	if (!(seen & 2)) {
		errno = EINVAL;
		return -1;
	}
	sm->has = 1;
	return 0;
}

static int
all_hex(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int
has_word(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);

	for (; (size_t)(e - s) >= n; s++)
		if (memcmp(s, w, n) == 0)
			return 1;
	return 0;
}

/* The id in one path component [s, e), or NULL. */
static const char *
component_id(const char *s, const char *e)
{
	static const char *const prefixes[] = {
		"docker-", "cri-containerd-", "crio-", "libpod-",
		"containerd-",
	};
	size_t i, n;

	if (e - s > 6 && memcmp(e - 6, ".scope", 6) == 0) {
		e -= 6;
		for (i = 0; i < nitems_(prefixes); i++) {
			n = strlen(prefixes[i]);
			if ((size_t)(e - s) > n && memcmp(s, prefixes[i], n) == 0) {
				s += n;
				break;
			}
		}
	}
	if (e - s == 64 && all_hex(s, e))
		return s;
	return NULL;
}

int
proc_container_id(const char *buf, size_t len, char *id, size_t idlen)
{
	static const char *const marks[] = {
		"docker", "containerd", "crio", "libpod", "kubepods",
	};
	const char *p = buf, *end = buf + len, *ls, *le, *path, *c, *ce;
	const char *found = NULL, *got;
	size_t i;
	int marked;

	if (idlen < 65) {
		errno = EINVAL;
		return -1;
	}
	while (next_line(&p, end, &ls, &le)) {
		/* "N:controllers:/path": the path is after the second ':' */
		if ((path = memchr(ls, ':', (size_t)(le - ls))) == NULL ||
		    (path = memchr(path + 1, ':', (size_t)(le - path - 1))) == NULL)
			continue;
		path++;
		for (marked = 0, i = 0; i < nitems_(marks) && !marked; i++)
			marked = has_word(path, le, marks[i]);
		if (!marked)
			continue;
		for (c = path; c < le; c = ce + 1) {
			if ((ce = memchr(c, '/', (size_t)(le - c))) == NULL)
				ce = le;
			if ((got = component_id(c, ce)) != NULL)
				found = got;
			if (ce == le)
				break;
		}
		if (found != NULL)
			break;
	}
	if (found == NULL) {
		errno = ENOENT;
		return -1;
	}
	memcpy(id, found, 64);
	id[64] = '\0';
	return 0;
}
