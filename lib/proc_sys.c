/*
 * proc_sys: the system-wide readers of /proc and /sys: meminfo, vmstat,
 * stat, loadavg, uptime, pressure, cpuinfo, the CPU lists and counts.
 * Parsers take (buf, len) as lib/proc.c describes.
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

/* Largest CPU number accepted in a cpu list (kernel NR_CPUS is far less). */
#define CPULIST_MAX	(1 << 20)

/* ---- /proc/meminfo ---- */

static const struct {
	const char *key;
	size_t	 off;
	unsigned bit;
} mi_keys[] = {
	{ "MemTotal", offsetof(struct meminfo, mem_total), MI_MEMTOTAL },
	{ "MemFree", offsetof(struct meminfo, mem_free), MI_MEMFREE },
	{ "MemAvailable", offsetof(struct meminfo, mem_available),
	    MI_MEMAVAILABLE },
	{ "Buffers", offsetof(struct meminfo, buffers), MI_BUFFERS },
	{ "Cached", offsetof(struct meminfo, cached), MI_CACHED },
	{ "SwapCached", offsetof(struct meminfo, swap_cached), MI_SWAPCACHED },
	{ "Active", offsetof(struct meminfo, active), MI_ACTIVE },
	{ "Inactive", offsetof(struct meminfo, inactive), MI_INACTIVE },
	{ "Shmem", offsetof(struct meminfo, shmem), MI_SHMEM },
	{ "Slab", offsetof(struct meminfo, slab), MI_SLAB },
	{ "SReclaimable", offsetof(struct meminfo, sreclaimable),
	    MI_SRECLAIMABLE },
	{ "SwapTotal", offsetof(struct meminfo, swap_total), MI_SWAPTOTAL },
	{ "SwapFree", offsetof(struct meminfo, swap_free), MI_SWAPFREE },
	{ "Active(file)", offsetof(struct meminfo, active_file),
	    MI_ACTIVEFILE },
	{ "Inactive(file)", offsetof(struct meminfo, inactive_file),
	    MI_INACTIVEFILE },
};

int
proc_meminfo_parse(const char *buf, size_t len, struct meminfo *mi)
{
	const char *p, *end, *ls, *le, *colon, *q;
	const char *ts, *te, *us, *ue, *xs, *xe;
	uint64_t v;
	size_t i;

	memset(mi, 0, sizeof(*mi));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	while (next_line(&p, end, &ls, &le)) {
		if ((colon = memchr(ls, ':', (size_t)(le - ls))) == NULL)
			continue;
		for (i = 0; i < sizeof(mi_keys) / sizeof(mi_keys[0]); i++)
			if (tok_eq(ls, colon, mi_keys[i].key))
				break;
		if (i == sizeof(mi_keys) / sizeof(mi_keys[0]))
			continue;	/* a field we do not report */
		q = colon + 1;
		if (!next_tok(&q, le, &ts, &te) || parse_u64(ts, te, &v) == -1)
			goto bad;
		if (next_tok(&q, le, &us, &ue)) {
			if (!tok_eq(us, ue, "kB") || next_tok(&q, le, &xs, &xe))
				goto bad;
			v = sat_mul(v, 1024);
		}
		*(uint64_t *)(void *)((char *)mi + mi_keys[i].off) = v;
		mi->has |= mi_keys[i].bit;
	}
	/* Every kernel has MemTotal; without it this is not meminfo. */
	if (!(mi->has & MI_MEMTOTAL))
		goto bad;
	return 0;
bad:
	memset(mi, 0, sizeof(*mi));
	errno = EINVAL;
	return -1;
}

int
proc_meminfo(struct meminfo *mi)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "meminfo", &len)) == NULL)
		return -1;
	rv = proc_meminfo_parse(buf, len, mi);
	pbuf_free(&pb);
	return rv;
}

/* Sum of the "low" watermarks of /proc/zoneinfo, in pages. */
static int
zoneinfo_low(uint64_t *pages)
{
	const char *p, *end, *ls, *le, *ts, *te, *q;
	struct pbuf pb;
	char *buf;
	size_t len;
	uint64_t v, sum = 0;

	if ((buf = pbuf_read(&pb, "zoneinfo", &len)) == NULL)
		return -1;
	p = buf;
	end = buf + len;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		/* "low" exactly: psutil's startswith("low") also meets
		 * "lowmem_reserve[]:" on old kernels, whose first value is
		 * always 0, so the sums agree. */
		if (!next_tok(&q, le, &ts, &te) || !tok_eq(ts, te, "low"))
			continue;
		if (next_tok(&q, le, &ts, &te) && parse_u64(ts, te, &v) == 0)
			sum = sat_add(sum, v);
	}
	pbuf_free(&pb);
	*pages = sum;
	return 0;
}

uint64_t
proc_mem_available_estimate(const struct meminfo *mi)
{
	uint64_t fallback, pages, low, pagecache, sr, plus, minus, half;
	long pgsz;
	const unsigned need = MI_ACTIVEFILE | MI_INACTIVEFILE |
	    MI_SRECLAIMABLE;

	fallback = sat_add(mi->mem_free, mi->cached);
	if ((mi->has & need) != need)
		return fallback;
	if (zoneinfo_low(&pages) == -1)
		return fallback;
	if ((pgsz = sysconf(_SC_PAGESIZE)) <= 0)
		pgsz = 4096;
	low = sat_mul(pages, (uint64_t)pgsz);

	/*
	 * psutil's calculate_avail_vmem:
	 *   free - low + pagecache - min(pagecache / 2, low)
	 *   + sreclaimable - min(sreclaimable / 2, low), clamped at 0.
	 * Summed as a positive and a negative part so nothing wraps.
	 * The /2 is exact: meminfo values are multiples of 1024.
	 */
	pagecache = sat_add(mi->active_file, mi->inactive_file);
	sr = mi->sreclaimable;
	plus = sat_add(sat_add(mi->mem_free, pagecache), sr);
	minus = low;
	half = pagecache / 2;
	minus = sat_add(minus, half < low ? half : low);
	half = sr / 2;
	minus = sat_add(minus, half < low ? half : low);
	return plus > minus ? plus - minus : 0;
}

/* ---- /proc/vmstat ---- */

int
proc_vmstat_parse(const char *buf, size_t len, struct vmstat *vm)
{
	const char *p, *end, *ls, *le, *ks, *ke, *vs, *ve, *q;
	uint64_t v, *dst;
	unsigned bit;

	memset(vm, 0, sizeof(*vm));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	while (next_line(&p, end, &ls, &le)) {
		/* the keys asked all begin with p: pass the other lines by */
		if (ls < le && *ls != 'p' && !is_blank(*ls))
			continue;
		q = ls;
		if (!next_tok(&q, le, &ks, &ke))
			continue;
		bit = 0;
		if (tok_eq(ks, ke, "pswpin")) {
			dst = &vm->pswpin;
			bit = VM_PSWPIN;
		} else if (tok_eq(ks, ke, "pswpout")) {
			dst = &vm->pswpout;
			bit = VM_PSWPOUT;
		} else if (tok_eq(ks, ke, "pgfault"))
			dst = &vm->pgfault;
		else if (tok_eq(ks, ke, "pgmajfault"))
			dst = &vm->pgmajfault;
		else
			continue;
		if (!next_tok(&q, le, &vs, &ve) ||
		    parse_u64(vs, ve, &v) == -1) {
			memset(vm, 0, sizeof(*vm));
			errno = EINVAL;
			return -1;
		}
		*dst = v;
		vm->has |= bit;
	}
	return 0;
}

int
proc_vmstat(struct vmstat *vm)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "vmstat", &len)) == NULL)
		return -1;
	rv = proc_vmstat_parse(buf, len, vm);
	pbuf_free(&pb);
	return rv;
}

/* ---- /proc/stat ---- */

/* "cpu" is the total, "cpuN" a CPU, anything else starting "cpu" junk. */
enum { CPU_NONE, CPU_TOTAL, CPU_ONE };

static int
cpu_kind(const char *s, const char *e)
{
	if (e - s < 3 || memcmp(s, "cpu", 3) != 0)
		return CPU_NONE;
	if (e - s == 3)
		return CPU_TOTAL;
	return CPU_ONE;
}

/* The 4 to 10 numbers after the name. */
static int
parse_cpu_times(const char *p, const char *end, struct cpu_times *ct)
{
	uint64_t *f[10] = {
		&ct->user, &ct->nice, &ct->system, &ct->idle, &ct->iowait,
		&ct->irq, &ct->softirq, &ct->steal, &ct->guest, &ct->guest_nice
	};
	const char *ts, *te;
	int n = 0;

	memset(ct, 0, sizeof(*ct));
	while (next_tok(&p, end, &ts, &te)) {
		if (n == 10 || parse_u64(ts, te, f[n]) == -1)
			return -1;
		n++;
	}
	if (n < 4)
		return -1;
	ct->nfields = n;
	return 0;
}

/* The first number after the key ("intr 114081 0 0 ..."). */
static int
first_u64(const char *p, const char *end, uint64_t *out)
{
	const char *ts, *te;

	if (!next_tok(&p, end, &ts, &te))
		return -1;
	return parse_u64(ts, te, out);
}

int
proc_stat_parse(const char *buf, size_t len, struct proc_stat *st)
{
	const char *p, *end, *ls, *le, *ks, *ke, *q;
	size_t count = 0;
	int i = 0, have_total = 0, kind;
	uint64_t *dst;

	memset(st, 0, sizeof(*st));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	end = buf + len;

	/* Size the arrays first, so the second pass never reallocates. */
	p = buf;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		if (next_tok(&q, le, &ks, &ke) && cpu_kind(ks, ke) == CPU_ONE)
			count++;
	}
	if (count > INT_MAX)
		goto bad;
	if (count > 0) {
		st->cpu = calloc(count, sizeof(*st->cpu));
		st->cpu_id = calloc(count, sizeof(*st->cpu_id));
		if (st->cpu == NULL || st->cpu_id == NULL)
			goto fail;
	}

	p = buf;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		if (!next_tok(&q, le, &ks, &ke))
			continue;
		kind = cpu_kind(ks, ke);
		if (kind == CPU_TOTAL) {
			if (parse_cpu_times(q, le, &st->total) == -1)
				goto bad;
			have_total = 1;
			continue;
		}
		if (kind == CPU_ONE) {
			if ((size_t)i >= count ||
			    parse_int(ks + 3, ke, &st->cpu_id[i]) == -1 ||
			    parse_cpu_times(q, le, &st->cpu[i]) == -1)
				goto bad;
			i++;
			continue;
		}
		if (tok_eq(ks, ke, "ctxt"))
			dst = &st->ctxt;
		else if (tok_eq(ks, ke, "intr"))
			dst = &st->intr;
		else if (tok_eq(ks, ke, "softirq"))
			dst = &st->softirq;
		else if (tok_eq(ks, ke, "btime"))
			dst = &st->btime;
		else if (tok_eq(ks, ke, "processes"))
			dst = &st->processes;
		else if (tok_eq(ks, ke, "procs_running"))
			dst = &st->procs_running;
		else if (tok_eq(ks, ke, "procs_blocked"))
			dst = &st->procs_blocked;
		else
			continue;	/* "page", "swap" of old kernels */
		if (first_u64(q, le, dst) == -1)
			goto bad;
	}
	if (!have_total)
		goto bad;
	st->ncpu = i;
	return 0;
bad:
	errno = EINVAL;
fail:
	proc_stat_free(st);
	return -1;
}

int
proc_stat(struct proc_stat *st)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "stat", &len)) == NULL) {
		memset(st, 0, sizeof(*st));
		return -1;
	}
	rv = proc_stat_parse(buf, len, st);
	pbuf_free(&pb);
	return rv;
}

void
proc_stat_free(struct proc_stat *st)
{
	int saved = errno;

	free(st->cpu);
	free(st->cpu_id);
	memset(st, 0, sizeof(*st));
	errno = saved;
}

long
proc_clk_tck(void)
{
	long t = sysconf(_SC_CLK_TCK);

	return t > 0 ? t : 100;
}

/* ---- /proc/loadavg, /proc/uptime ---- */

int
proc_loadavg_parse(const char *buf, size_t len, struct loadavg *la)
{
	const char *p, *end, *ls, *le, *s[5], *e[5], *slash;
	int i;

	memset(la, 0, sizeof(*la));
	if (buf == NULL)
		goto bad;
	p = buf;
	end = buf + len;
	if (!next_line(&p, end, &ls, &le))
		goto bad;
	p = ls;
	for (i = 0; i < 5; i++)
		if (!next_tok(&p, le, &s[i], &e[i]))
			goto bad;
	if (parse_decimal(s[0], e[0], &la->load1) == -1 ||
	    parse_decimal(s[1], e[1], &la->load5) == -1 ||
	    parse_decimal(s[2], e[2], &la->load15) == -1)
		goto bad;
	if ((slash = memchr(s[3], '/', (size_t)(e[3] - s[3]))) == NULL ||
	    parse_uint(s[3], slash, &la->running) == -1 ||
	    parse_uint(slash + 1, e[3], &la->total) == -1 ||
	    parse_int(s[4], e[4], &la->last_pid) == -1)
		goto bad;
	return 0;
bad:
	memset(la, 0, sizeof(*la));
	errno = EINVAL;
	return -1;
}

int
proc_loadavg(struct loadavg *la)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "loadavg", &len)) == NULL)
		return -1;
	rv = proc_loadavg_parse(buf, len, la);
	pbuf_free(&pb);
	return rv;
}

int
proc_uptime_parse(const char *buf, size_t len, double *up, double *idle)
{
	const char *p, *end, *ls, *le, *s1, *e1, *s2, *e2;
	double u, i;

	if (buf == NULL)
		goto bad;
	p = buf;
	end = buf + len;
	if (!next_line(&p, end, &ls, &le))
		goto bad;
	p = ls;
	if (!next_tok(&p, le, &s1, &e1) || !next_tok(&p, le, &s2, &e2) ||
	    parse_decimal(s1, e1, &u) == -1 || parse_decimal(s2, e2, &i) == -1)
		goto bad;
	if (up != NULL)
		*up = u;
	if (idle != NULL)
		*idle = i;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
proc_uptime(double *up, double *idle)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "uptime", &len)) == NULL)
		return -1;
	rv = proc_uptime_parse(buf, len, up, idle);
	pbuf_free(&pb);
	return rv;
}

/* ---- /proc/pressure ---- */

/* "avg10=0.00 avg60=0.00 avg300=0.00 total=0", all four required. */
static int
parse_psi_line(const char *p, const char *end, struct psi_line *pl)
{
	const char *ts, *te, *eq;
	unsigned seen = 0;

	memset(pl, 0, sizeof(*pl));
	while (next_tok(&p, end, &ts, &te)) {
		if ((eq = memchr(ts, '=', (size_t)(te - ts))) == NULL)
			return -1;
		if (tok_eq(ts, eq, "avg10")) {
			if (parse_decimal(eq + 1, te, &pl->avg10) == -1)
				return -1;
			seen |= 1;
		} else if (tok_eq(ts, eq, "avg60")) {
			if (parse_decimal(eq + 1, te, &pl->avg60) == -1)
				return -1;
			seen |= 2;
		} else if (tok_eq(ts, eq, "avg300")) {
			if (parse_decimal(eq + 1, te, &pl->avg300) == -1)
				return -1;
			seen |= 4;
		} else if (tok_eq(ts, eq, "total")) {
			if (parse_u64(eq + 1, te, &pl->total) == -1)
				return -1;
			seen |= 8;
		}
		/* other keys: a later kernel's addition, ignored */
	}
	if (seen != 15)
		return -1;
	pl->present = 1;
	return 0;
}

int
proc_psi_parse(const char *buf, size_t len, struct psi *ps)
{
	const char *p, *end, *ls, *le, *ts, *te, *q;
	struct psi_line *pl;

	memset(ps, 0, sizeof(*ps));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	while (next_line(&p, end, &ls, &le)) {
		q = ls;
		if (!next_tok(&q, le, &ts, &te))
			continue;
		if (tok_eq(ts, te, "some"))
			pl = &ps->some;
		else if (tok_eq(ts, te, "full"))
			pl = &ps->full;
		else
			goto bad;
		if (parse_psi_line(q, le, pl) == -1)
			goto bad;
	}
	if (!ps->some.present)
		goto bad;
	return 0;
bad:
	memset(ps, 0, sizeof(*ps));
	errno = EINVAL;
	return -1;
}

int
proc_psi(const char *resource, struct psi *ps)
{
	struct pbuf pb;
	char rel[64], *buf;
	size_t len;
	int rv, n;

	if (resource == NULL || *resource == '\0' || *resource == '.' ||
	    strchr(resource, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(rel, sizeof(rel), "pressure/%s", resource);
	if (n < 0 || (size_t)n >= sizeof(rel)) {
		errno = EINVAL;
		return -1;
	}
	if ((buf = pbuf_read(&pb, rel, &len)) == NULL)
		return -1;
	rv = proc_psi_parse(buf, len, ps);
	pbuf_free(&pb);
	return rv;
}

/* ---- /proc/cpuinfo and /sys/devices/system/cpu ---- */

struct core_id {
	uint64_t phys, core;
};

static int
cmp_core(const void *a, const void *b)
{
	const struct core_id *x = a, *y = b;

	if (x->phys != y->phys)
		return x->phys < y->phys ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return 0;
}

/* The model keys, best first: x86, old ARM, MIPS, ARM board. */
static const char *const model_keys[] = {
	"model name", "Processor", "cpu model", "Hardware"
};

int
proc_cpuinfo_parse(const char *buf, size_t len, struct cpuinfo *ci)
{
	const char *p, *end, *ls = NULL, *le = NULL, *colon, *ks, *ke;
	const char *vs = NULL, *ve = NULL;
	struct core_id *ids = NULL, *nids, cur = { 0, 0 };
	size_t nids_len = 0, nids_cap = 0, i, uniq, k;
	int have_phys = 0, have_core = 0, model_rank = 4, mhz_n = 0;
	double mhz_sum = 0, d;
	uint64_t v;

	memset(ci, 0, sizeof(*ci));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	p = buf;
	end = buf + len;
	for (;;) {
		int more = next_line(&p, end, &ls, &le);
		int blank = 1, section_end;

		if (more) {
			for (vs = ls; vs < le; vs++)
				if (!is_space(*vs)) {
					blank = 0;
					break;
				}
		}
		colon = more && !blank ?
		    memchr(ls, ':', (size_t)(le - ls)) : NULL;
		ks = ls;
		ke = colon;
		if (colon != NULL) {
			while (ke > ks && is_space(ke[-1]))
				ke--;
			vs = colon + 1;
			ve = le;
			while (vs < ve && is_space(*vs))
				vs++;
			while (ve > vs && is_space(ve[-1]))
				ve--;
		}
		/* A section ends at a blank line, a new "processor", EOF. */
		section_end = !more || blank ||
		    (colon != NULL && tok_eq(ks, ke, "processor"));
		if (section_end) {
			if (have_phys && have_core) {
				if (nids_len == nids_cap) {
					k = nids_cap ? nids_cap * 2 : 16;
					nids = reallocarray(ids, k,
					    sizeof(*ids));
					if (nids == NULL) {
						free(ids);
						memset(ci, 0, sizeof(*ci));
						return -1;
					}
					ids = nids;
					nids_cap = k;
				}
				ids[nids_len++] = cur;
			}
			have_phys = have_core = 0;
		}
		if (!more)
			break;
		if (colon == NULL)
			continue;
		if (tok_eq(ks, ke, "processor")) {
			if (ci->nproc < INT_MAX)
				ci->nproc++;
		} else if (tok_eq(ks, ke, "physical id")) {
			if (parse_u64(vs, ve, &v) == 0) {
				cur.phys = v;
				have_phys = 1;
			}
		} else if (tok_eq(ks, ke, "core id")) {
			if (parse_u64(vs, ve, &v) == 0) {
				cur.core = v;
				have_core = 1;
			}
		} else if (tok_eq(ks, ke, "cpu MHz")) {
			if (parse_decimal(vs, ve, &d) == 0) {
				mhz_sum += d;
				mhz_n++;
			}
		} else {
			for (k = 0; k < (size_t)model_rank; k++)
				if (tok_eq(ks, ke, model_keys[k]))
					break;
			if (k < (size_t)model_rank && ve > vs) {
				i = (size_t)(ve - vs);
				if (i >= sizeof(ci->model))
					i = sizeof(ci->model) - 1;
				memcpy(ci->model, vs, i);
				ci->model[i] = '\0';
				model_rank = (int)k;
			}
		}
	}
	if (nids_len > 0) {
		qsort(ids, nids_len, sizeof(*ids), cmp_core);
		for (uniq = 1, i = 1; i < nids_len; i++)
			if (cmp_core(&ids[i - 1], &ids[i]) != 0)
				uniq++;
		ci->nphys = uniq > INT_MAX ? INT_MAX : (int)uniq;
	}
	free(ids);
	if (mhz_n > 0)
		ci->mhz = mhz_sum / mhz_n;
	return 0;
}

int
proc_cpuinfo(struct cpuinfo *ci)
{
	struct pbuf pb;
	char *buf;
	size_t len;
	int rv;

	if ((buf = pbuf_read(&pb, "cpuinfo", &len)) == NULL)
		return -1;
	rv = proc_cpuinfo_parse(buf, len, ci);
	pbuf_free(&pb);
	return rv;
}

/* One "A" or "A-B" item of a cpu list over [p, ie): 0, or -1 if malformed. */
static int
cpulist_item(const char *p, const char *ie, uint64_t *a, uint64_t *b)
{
	const char *dash = memchr(p, '-', (size_t)(ie - p));

	if (dash != NULL) {
		if (parse_u64(p, dash, a) == -1 || parse_u64(dash + 1, ie, b) == -1)
			return -1;
	} else {
		if (parse_u64(p, ie, a) == -1)
			return -1;
		*b = *a;
	}
	return *a > *b || *b > CPULIST_MAX ? -1 : 0;
}

static int
cmp_range(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y;

	return a[0] < b[0] ? -1 : a[0] > b[0];
}

/*
 * The kernel writes its lists ascending, so the count is a sum; a list
 * whose items overlap or go back ("0-1,0-1") is counted as a set: its
 * items sorted and merged.
 */
static int
cpulist_union(const char *s, const char *e, size_t nitem)
{
	uint64_t (*r)[2], hi = 0;
	const char *p = s;
	long long total = 0;
	size_t i, n = 0;

	if ((r = reallocarray(NULL, nitem, sizeof(*r))) == NULL)
		return -1;
	while (n < nitem) {
		const char *comma = memchr(p, ',', (size_t)(e - p));
		const char *ie = comma != NULL ? comma : e;

		(void)cpulist_item(p, ie, &r[n][0], &r[n][1]);	/* checked */
		n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	qsort(r, n, sizeof(*r), cmp_range);
	for (i = 0; i < n; i++) {
		if (i > 0 && r[i][0] < hi)	/* hi: one past the last counted */
			r[i][0] = hi;
		if (r[i][1] + 1 > r[i][0])
			total += (long long)(r[i][1] + 1 - r[i][0]);
		if (r[i][1] + 1 > hi)
			hi = r[i][1] + 1;
	}
	free(r);
	return (int)total;
}

int
proc_cpulist_count(const char *list)
{
	const char *p, *s, *e;
	uint64_t a, b, next = 0;
	long long total = 0;
	size_t nitem = 0;
	int sorted = 1;

	if (list == NULL) {
		errno = EINVAL;
		return -1;
	}
	trim(list, &s, &e);
	if (s == e)
		return 0;	/* an empty list, as "offline" usually is */
	for (p = s; p <= e; ) {
		const char *comma = memchr(p, ',', (size_t)(e - p));
		const char *ie = comma != NULL ? comma : e;

		if (cpulist_item(p, ie, &a, &b) == -1)
			goto bad;
		if (nitem > 0 && a < next)
			sorted = 0;
		next = b + 1;
		nitem++;
		total += (long long)(b - a + 1);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (!sorted)
		return cpulist_union(s, e, nitem);
	if (total > INT_MAX)
		goto bad;
	return (int)total;
bad:
	errno = EINVAL;
	return -1;
}

int
proc_cpu_usable_self(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return -1;
	return CPU_COUNT(&set);
}

int
proc_cpu_usable(void)
{
	char *buf, *p;
	int n = -1;

	if (strcmp(proc_root(), "/proc") == 0)
		return proc_cpu_usable_self();
	if ((buf = proc_slurp(proc_root(), "self/status", NULL)) == NULL)
		return -1;
	if ((p = strstr(buf, "\nCpus_allowed_list:")) != NULL) {
		p += strlen("\nCpus_allowed_list:");
		p += strspn(p, " \t");
		p[strcspn(p, "\n")] = '\0';
		n = proc_cpulist_count(p);
	}
	free(buf);
	if (n <= 0) {
		errno = EINVAL;
		return -1;
	}
	return n;
}

int
proc_cpu_online(void)
{
	char *buf;
	long n;
	int c;

	if ((buf = proc_slurp(sys_root(), "devices/system/cpu/online",
	    NULL)) != NULL) {
		c = proc_cpulist_count(buf);
		free(buf);
		if (c > 0)
			return c;
		errno = EINVAL;	/* malformed, or empty: CPU 0 is always online */
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 1) {
		errno = ENOENT;
		return -1;
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

static int
is_cpu_dir(const char *name)
{
	const char *p;

	if (strncmp(name, "cpu", 3) != 0 || name[3] == '\0')
		return 0;
	for (p = name + 3; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/*
 * The number of distinct contents of cpuN/topology/LEAF, as psutil's
 * len(set(...)) over the glob; 0 when no cpu has the file.
 */
struct topo {
	const char	*leaf;
	struct names	 nm;
};

static int
topo_add(int dfd, const char *name, unsigned type, void *arg)
{
	struct topo *t = arg;
	char rel[128], line[512];
	const char *s, *e;
	ssize_t r;
	int fd;

	if (!is_cpu_dir(name))
		return 0;
	if ((size_t)snprintf(rel, sizeof(rel), "%s/topology/%s", name,
	    t->leaf) >= sizeof(rel))
		return 0;
	if ((fd = fs_open_regular(dfd, rel, 0)) == -1)
		return 0;	/* offline CPUs lack topology */
	do
		r = read(fd, line, sizeof(line) - 1);
	while (r == -1 && errno == EINTR);
	close(fd);
	if (r < 0)
		return 0;
	line[r] = '\0';
	trim(line, &s, &e);
	proc_names_add(&t->nm, s, (size_t)(e - s));
	return 0;
}

/*
 * The number of distinct contents of cpuN/topology/LEAF, as psutil's
 * len(set(...)) over the glob; 0 when no cpu has the file.
 */
static int
count_topology(int dfd, const char *leaf)
{
	struct topo t;
	char **v;
	int uniq;
	size_t i;

	t.leaf = leaf;
	proc_names_init(&t.nm);
	if (fs_dir_each(dfd, topo_add, &t) == -1) {
		free(proc_names_finish(&t.nm));
		return -1;
	}
	if ((v = proc_names_finish(&t.nm)) == NULL)
		return -1;
	for (uniq = 0, i = 0; v[i] != NULL; i++)
		if ((i == 0 || strcmp(v[i - 1], v[i]) != 0) && uniq < INT_MAX)
			uniq++;
	free(v);
	return uniq;
}

int
proc_cpu_physical(void)
{
	char path[PATH_MAX];
	struct cpuinfo ci;
	int dfd, n = 0;

	if (proc_join_path(path, sizeof(path), sys_root(),
	    "devices/system/cpu") == 0 &&
	    (dfd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		/* core_cpus_list is the new name; psutil prefers it and
		 * uses thread_siblings_list only if no cpu has it. */
		n = count_topology(dfd, "core_cpus_list");
		if (n <= 0)
			n = count_topology(dfd, "thread_siblings_list");
		close(dfd);
		if (n > 0)
			return n;
	}
	if (proc_cpuinfo(&ci) == 0 && ci.nphys > 0)
		return ci.nphys;
	errno = ENOENT;
	return -1;
}

