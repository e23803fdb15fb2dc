/* sysinfo summary: the one-screen summary for people (sysinfo with no section, text). */
#include "sysinfo.h"

static void
summary_line(struct tbl *t, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
summary_line(struct tbl *t, const char *key, const char *fmt, ...)
{
	char buf[1024], vis[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out_vis(vis, sizeof(vis), buf, strlen(buf));
	tbl_row(t);
	tbl_cell(t, key);
	tbl_cell(t, vis);
}

static void
summary_mem(struct ctx *c, struct tbl *t)
{
	struct meminfo mi;
	struct cgroup_info *cg;
	char a[32], b[32], d[32];
	uint64_t avail, used;

	memset(&mi, 0, sizeof(mi));
	if (si_read_meminfo(c, &mi) != 0) {
		summary_line(t, "memory", "-");
		return;
	}
	avail = si_mem_available(&mi);
	used = mi.mem_total - avail;
	summary_line(t, "memory", "%s used of %s (%.1f%%), %s available",
	    out_iec(a, sizeof(a), used), out_iec(b, sizeof(b), mi.mem_total),
	    si_pct((double)used, (double)mi.mem_total),
	    out_iec(d, sizeof(d), avail));
	if (si_read_swap(c, &mi) != 0)
		summary_line(t, "swap", "-");
	else if (mi.swap_total == 0)
		summary_line(t, "swap", "none");
	else
		summary_line(t, "swap", "%s used of %s",
		    out_iec(a, sizeof(a), mi.swap_total >= mi.swap_free ?
		    mi.swap_total - mi.swap_free : 0),
		    out_iec(b, sizeof(b), mi.swap_total));
	cg = si_cgroup(c);
	if (cg != NULL && cg->version > 0) {
		char lim[64] = "";

		if (cg->has_mem_limit && cg->mem_limit != CG_UNLIMITED)
			snprintf(lim, sizeof(lim), "memory %s",
			    out_iec(a, sizeof(a), cg->mem_limit));
		if (cg->has_cpu && cg->cpu_limit > 0)
			snprintf(lim + strlen(lim), sizeof(lim) - strlen(lim),
			    "%scpu %.2f", lim[0] != '\0' ? ", " : "",
			    cg->cpu_limit);
		if (lim[0] != '\0')
			summary_line(t, "limits", "%s (cgroup v%d)", lim,
			    cg->version);
	}
}

static void
summary_addrs(struct tbl *t)
{
	struct ifaddrs *all;
	char line[1024];
	size_t k;

	if (getifaddrs(&all) != 0)
		return;
	k = si_addrs_join(line, sizeof(line), all, NULL);
	freeifaddrs(all);
	summary_line(t, "addresses", "%s", k > 0 ? line : "none");
}

/* The root file system's use, and its type and device when mountinfo
 * shows it (in a chroot it does not). */
static void
summary_rootfs(struct ctx *c, struct tbl *t)
{
	struct mounts ms;
	struct fsuse u;
	char a[32], b[32], what[512] = "";
	int i;

	if (c->foreign || si_fs_usage("/", &u) != 0)
		return;
	memset(&ms, 0, sizeof(ms));
	if (proc_mountinfo(&ms) == 0) {
		for (i = ms.n - 1; i >= 0; i--) {
			if (strcmp(ms.m[i].mountpoint, "/") == 0) {
				snprintf(what, sizeof(what), ", %s %s",
				    ms.m[i].fstype, ms.m[i].source);
				break;
			}
		}
		proc_mounts_free(&ms);
	}
	summary_line(t, "root fs", "%s used of %s (%.0f%%)%s",
	    out_iec(a, sizeof(a), u.used), out_iec(b, sizeof(b), u.used + u.free),
	    u.percent, what);
}

int
si_summary(struct ctx *c)
{
	struct tbl *t = tbl_new();
	struct utsname un;
	struct osrel os;
	struct loadavg la;
	struct cpuinfo ci;
	struct cgroup_info *cg;
	double up, idle, pct;
	char a[64], b[64], l[16], busy[32];
	int usable, eff, phys, logical;

	if (t == NULL) {
		warn("summary");
		return 1;
	}
	tbl_col(t, "", TBL_LEFT);
	tbl_col(t, "", TBL_LEFT);
	if (uname(&un) == 0) {
		summary_line(t, "host", "%s", un.nodename);
		if (si_read_osrel(c, &os) == 0)
			summary_line(t, "os", "%s", os.pretty[0] != '\0' ?
			    os.pretty : os.name);
		summary_line(t, "kernel", "%s %s %s", un.sysname, un.release,
		    un.machine);
	}
	if (proc_uptime(&up, &idle) == 0) {
		if (proc_loadavg(&la) == 0)
			summary_line(t, "uptime", "%s, load %.2f %.2f %.2f",
			    out_duration(a, sizeof(a), up), la.load1, la.load5,
			    la.load15);
		else {
			if (si_is_bad(errno))
				si_unreadable(c, proc_root(), "loadavg", errno);
			summary_line(t, "uptime", "%s",
			    out_duration(a, sizeof(a), up));
		}
	} else if (si_is_bad(errno))
		si_unreadable(c, proc_root(), "uptime", errno);
	usable = si_cpu_usable(c);
	cg = si_cgroup(c);
	eff = cgroup_effective_cpus(cg != NULL && cg->has_cpu ?
	    cg->cpu_limit : 0, usable > 0 ? usable : 1);
	phys = proc_cpu_physical();
	snprintf(b, sizeof(b), "%d", phys);
	if ((logical = si_cpu_online(c)) > 0)
		snprintf(l, sizeof(l), "%d", logical);
	else
		snprintf(l, sizeof(l), "-");
	if (si_cpuinfo(c, &ci) != 0)
		ci.model[0] = '\0';
	busy[0] = '\0';
	if (c->interval > 0 && si_cpu_busy(c, &pct) == 0)
		snprintf(busy, sizeof(busy), ", %.1f%% busy", pct);
	summary_line(t, "cpu", "%s logical, %s physical, %d usable, %d effective%s%s%s",
	    l, phys > 0 ? b : "-", usable, eff, busy,
	    ci.model[0] != '\0' ? "; " : "", ci.model);
	summary_mem(c, t);
	summary_rootfs(c, t);
	{
		char kind[64];

		if (cgroup_in_container(kind, sizeof(kind)) == 1)
			summary_line(t, "container", "%s", kind);
	}
	if (!c->foreign)
		summary_addrs(t);
	tbl_print(t, stdout, TBL_NOHEADER);
	tbl_free(t);
	return c->rc;
}
