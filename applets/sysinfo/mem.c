/* sysinfo mem: virtual memory as psutil.virtual_memory(), the cgroup's view, and swap. */
#include "sysinfo.h"

static void
mem_container(struct ctx *c, struct rep *o, uint64_t host_total)
{
	struct cgroup_info *cg = si_cgroup(c);
	struct rep *k;
	uint64_t limit, used, avail;

	if (cg == NULL || !cg->has_mem_limit || cg->mem_limit == CG_UNLIMITED)
		return;
	limit = cg->mem_limit < host_total ? cg->mem_limit : host_total;
	/* the container's "used": what the cgroup charges, less the page
	 * cache it can drop (inactive file), as docker stats does */
	used = cg->has_mem_current ? cg->mem_current : 0;
	if (cg->has_mem_stat && used >= cg->mem_inactive_file)
		used -= cg->mem_inactive_file;
	avail = used < limit ? limit - used : 0;
	k = rep_obj(o, "container");
	rep_u64(k, "limit", cg->mem_limit, UNIT_BYTES);
	if (cg->has_mem_current)
		rep_u64(k, "usage", cg->mem_current, UNIT_BYTES);
	else
		rep_null(k, "usage", "no memory usage file");
	rep_u64(k, "used", used, UNIT_BYTES);
	rep_u64(k, "available", avail, UNIT_BYTES);
	rep_f64(k, "percent", si_pct((double)used, (double)limit), UNIT_PCT);
	if (cg->has_mem_peak)
		rep_u64(k, "peak", cg->mem_peak, UNIT_BYTES);
	else
		rep_null(k, "peak", "no memory peak file");
	rep_str(k, "cgroup", cg->path);
}

static void
mem_prom(struct ctx *c, const struct meminfo *mi)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} f[] = {
#define MF(n, b, m) { n, b, offsetof(struct meminfo, m) }
		MF("MemTotal", MI_MEMTOTAL, mem_total),
		MF("MemFree", MI_MEMFREE, mem_free),
		MF("MemAvailable", MI_MEMAVAILABLE, mem_available),
		MF("Buffers", MI_BUFFERS, buffers),
		MF("Cached", MI_CACHED, cached),
		MF("SwapCached", MI_SWAPCACHED, swap_cached),
		MF("Active", MI_ACTIVE, active),
		MF("Inactive", MI_INACTIVE, inactive),
		MF("Active_file", MI_ACTIVEFILE, active_file),
		MF("Inactive_file", MI_INACTIVEFILE, inactive_file),
		MF("Shmem", MI_SHMEM, shmem),
		MF("Slab", MI_SLAB, slab),
		MF("SReclaimable", MI_SRECLAIMABLE, sreclaimable),
		MF("SwapTotal", MI_SWAPTOTAL, swap_total),
		MF("SwapFree", MI_SWAPFREE, swap_free),
#undef MF
	};
	char name[64], help[96];
	size_t i;

	for (i = 0; i < nitems(f); i++) {
		if (!(mi->has & f[i].bit))
			continue;
		snprintf(name, sizeof(name), "node_memory_%s_bytes", f[i].name);
		snprintf(help, sizeof(help),
		    "Memory information field %s_bytes.", f[i].name);
		si_prom_gauge(c, name, help,
		    (double)*(const uint64_t *)((const char *)mi + f[i].off));
	}
}

/*
 * /proc/meminfo, read once for mem, swap and the summary.  psutil's
 * virtual_memory() cannot do without MemTotal and MemFree (it takes the
 * rest as 0, or estimates MemAvailable), so a file without both is
 * malformed, not a machine with all its memory in use.
 */
#define MI_NEEDED	(MI_MEMTOTAL | MI_MEMFREE)

int
si_read_meminfo(struct ctx *c, struct meminfo *mi)
{
	if (c->have_mi == 0) {
		if (proc_meminfo(&c->mi) != 0)
			c->mi_errno = errno;
		else if ((c->mi.has & MI_NEEDED) != MI_NEEDED)
			c->mi_errno = EINVAL;
		else
			c->have_mi = 1;
		if (c->have_mi != 1) {
			c->have_mi = -1;
			if (si_is_bad(c->mi_errno))
				si_unreadable(c, proc_root(), "meminfo",
				    c->mi_errno);
		}
	}
	if (c->have_mi < 0) {
		errno = c->mi_errno;
		return -1;
	}
	*mi = c->mi;
	return 0;
}

/*
 * The swap lines of meminfo.  psutil's swap_memory() falls back to
 * sysinfo(2) without them, which would describe this machine, not the tree
 * read: every kernel writes both (0 kB without swap), so a file without
 * them is malformed.  0, or -1 with errno.
 */
int
si_read_swap(struct ctx *c, struct meminfo *mi)
{
	if (si_read_meminfo(c, mi) != 0)
		return -1;
	if ((mi->has & (MI_SWAPTOTAL | MI_SWAPFREE)) !=
	    (MI_SWAPTOTAL | MI_SWAPFREE)) {
		si_malformed(c, "meminfo");
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* psutil's available: MemAvailable, or the kernel's own estimate where
 * the line is missing; free where it would exceed the total. */
uint64_t
si_mem_available(const struct meminfo *mi)
{
	uint64_t avail;

	avail = (mi->has & MI_MEMAVAILABLE) ? mi->mem_available :
	    proc_mem_available_estimate(mi);
	if (avail > mi->mem_total)
		avail = mi->mem_free <= mi->mem_total ? mi->mem_free :
		    mi->mem_total;
	return avail;
}

void
sec_mem(struct ctx *c)
{
	struct meminfo mi;
	struct cgroup_info *cg;
	struct rep *o;
	uint64_t avail, used;

	memset(&mi, 0, sizeof(mi));
	if (si_read_meminfo(c, &mi) != 0) {
		si_missing(c, c->root, "mem", "meminfo", errno);
		return;
	}
	if (c->pr) {
		mem_prom(c, &mi);
		cg = si_cgroup(c);
		if (cg != NULL && cg->has_mem_limit) {
			si_prom_gauge(c, "syskit_cgroup_memory_limit_bytes",
			    "Memory limit of our cgroup (+Inf when none).",
			    cg->mem_limit == CG_UNLIMITED ? INFINITY :
			    (double)cg->mem_limit);
		}
		if (cg != NULL && cg->has_mem_current)
			si_prom_gauge(c, "syskit_cgroup_memory_usage_bytes",
			    "Memory charged to our cgroup.",
			    (double)cg->mem_current);
		return;
	}
	avail = si_mem_available(&mi);
	used = mi.mem_total - avail;
	o = rep_obj(c->root, "mem");
	rep_u64(o, "total", mi.mem_total, UNIT_BYTES);
	rep_u64(o, "available", avail, UNIT_BYTES);
	rep_f64(o, "percent", si_pct((double)used, (double)mi.mem_total), UNIT_PCT);
	rep_u64(o, "used", used, UNIT_BYTES);
	rep_u64(o, "free", mi.mem_free, UNIT_BYTES);
	rep_u64(o, "active", mi.active, UNIT_BYTES);
	rep_u64(o, "inactive", mi.inactive, UNIT_BYTES);
	rep_u64(o, "buffers", mi.buffers, UNIT_BYTES);
	rep_u64(o, "cached", mi.cached + mi.sreclaimable, UNIT_BYTES);
	rep_u64(o, "shared", mi.shmem, UNIT_BYTES);
	rep_u64(o, "slab", mi.slab, UNIT_BYTES);
	rep_bool(o, "available_estimated", !(mi.has & MI_MEMAVAILABLE));
	mem_container(c, o, mi.mem_total);
}

void
sec_swap(struct ctx *c)
{
	struct meminfo mi;
	struct vmstat vm;
	struct rep *o;
	uint64_t used, page = (uint64_t)sysconf(_SC_PAGESIZE);
	int have_vm, vm_err;

	memset(&mi, 0, sizeof(mi));
	if (si_read_swap(c, &mi) != 0) {
		si_missing(c, c->root, "swap", "meminfo", errno);
		return;
	}
	memset(&vm, 0, sizeof(vm));
	have_vm = proc_vmstat(&vm) == 0;
	vm_err = errno;
	used = mi.swap_total >= mi.swap_free ? mi.swap_total - mi.swap_free : 0;
	if (c->pr) {
		if (mi.has & MI_MEMTOTAL && have_vm) {
			prom_family(&c->prom, "node_vmstat_pswpin", "untyped",
			    "/proc/vmstat information field pswpin.");
			prom_sample(&c->prom, "node_vmstat_pswpin",
			    (double)vm.pswpin, NULL);
			prom_family(&c->prom, "node_vmstat_pswpout", "untyped",
			    "/proc/vmstat information field pswpout.");
			prom_sample(&c->prom, "node_vmstat_pswpout",
			    (double)vm.pswpout, NULL);
		}
		return;
	}
	o = rep_obj(c->root, "swap");
	rep_u64(o, "total", mi.swap_total, UNIT_BYTES);
	rep_u64(o, "used", used, UNIT_BYTES);
	rep_u64(o, "free", mi.swap_free, UNIT_BYTES);
	rep_f64(o, "percent", si_pct((double)used, (double)mi.swap_total), UNIT_PCT);
	if (have_vm && (vm.has & VM_PSWPIN)) {
		rep_u64(o, "sin", vm.pswpin * page, UNIT_BYTES);
		rep_u64(o, "sout", vm.pswpout * page, UNIT_BYTES);
	} else {
		if (!have_vm && si_is_bad(vm_err))
			si_unreadable(c, proc_root(), "vmstat", vm_err);
		rep_null(o, "sin", "no pswpin in vmstat");
		rep_null(o, "sout", "no pswpout in vmstat");
	}
}
