/* sysinfo limits: cgroup limits, container, rlimits. */
#include "sysinfo.h"

static const struct {
	const char *name;
	int res;
} rlimits[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

/* RLIM_INFINITY is -1 for programs, as psutil's Process.rlimit() gives
 * it, and "unlimited" for people. */
static void
rlimit_value(const struct ctx *c, struct rep *e, const char *key, rlim_t v)
{
	if (v != RLIM_INFINITY)
		rep_u64(e, key, (uint64_t)v, UNIT_NONE);
	else if (c->fmt == F_TEXT)
		rep_str(e, key, "unlimited");
	else
		rep_i64(e, key, -1, UNIT_NONE);
}

/* A cgroup value: null with why when it could not be read, null with
 * "unlimited" for no limit. */
static void
limit_value(struct rep *o, const char *key, int has, uint64_t v,
    enum rep_unit u, const char *why)
{
	if (!has)
		rep_null(o, key, why);
	else if (v == CG_UNLIMITED)
		rep_null(o, key, "unlimited");
	else
		rep_u64(o, key, v, u);
}

/* The file NAME of our cgroup in the hierarchy mounted at <sys>/MNT: at
 * MNT/PATH, else at MNT itself (a cgroup namespace, or a container whose
 * own cgroup is its mount's root).  Into buf (NUL-terminated): 0, or -1. */
static int
cg_read(const char *mnt, const char *path, const char *name, char *buf,
    size_t len)
{
	char rel[1024];

	while (*path == '/')
		path++;
	if (*path != '\0' && strstr(path, "..") == NULL) {
		snprintf(rel, sizeof(rel), "%s/%s/%s", mnt, path, name);
		if (proc_read_str(sys_root(), rel, buf, len) == 0)
			return 0;
	}
	snprintf(rel, sizeof(rel), "%s/%s", mnt, name);
	return proc_read_str(sys_root(), rel, buf, len);
}

/* The value of KEY in a "key value" per line text (cpu.stat): 0, or -1. */
static int
stat_u64(const char *text, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);
	const char *s;
	char *end;

	for (s = text; *s != '\0'; s += strcspn(s, "\n"), s += *s == '\n') {
		if (strncmp(s, key, klen) != 0 || s[klen] != ' ')
			continue;
		errno = 0;
		*v = strtoull(s + klen + 1, &end, 10);
		if (errno != 0 || end == s + klen + 1)
			return -1;
		return 0;
	}
	return -1;
}

/*
 * Container extras that node_exporter does not have, under cAdvisor's
 * names with syskit_cgroup_ in front: our cgroup's CPU time and CFS
 * throttling (cpu.stat; v1 cpuacct.usage), pids.current, and in v2 its
 * PSI (cpu.pressure, memory.pressure, io.pressure).
 */
static void
cg_extras(struct ctx *c, const struct cgroup_info *cg)
{
	static const char *res[] = { "cpu", "memory", "io" };
	const char *mnt = cg->version == 2 ? "fs/cgroup" : "fs/cgroup/cpu";
	const char *path = cg->version == 2 ? cg->path : cg->cpu_path;
	double unit = cg->version == 2 ? 1e6 : 1e9;	/* usec or nsec */
	char buf[4096], name[96];
	uint64_t v;
	size_t i;

	if (cg_read(mnt, path, "cpu.stat", buf, sizeof(buf)) == 0) {
		if (cg->version == 2 && stat_u64(buf, "usage_usec", &v) == 0)
			si_prom_counter(c, "syskit_cgroup_cpu_usage_seconds_total",
			    "CPU time used by our cgroup.", v / 1e6);
		if (stat_u64(buf, "nr_periods", &v) == 0)
			si_prom_counter(c, "syskit_cgroup_cpu_cfs_periods_total",
			    "Enforcement periods of our cgroup's CPU quota that have elapsed.",
			    (double)v);
		if (stat_u64(buf, "nr_throttled", &v) == 0)
			si_prom_counter(c, "syskit_cgroup_cpu_cfs_throttled_periods_total",
			    "Periods in which our cgroup was throttled by its CPU quota.",
			    (double)v);
		if (stat_u64(buf, cg->version == 2 ? "throttled_usec" :
		    "throttled_time", &v) == 0)
			si_prom_counter(c, "syskit_cgroup_cpu_cfs_throttled_seconds_total",
			    "Time our cgroup was throttled by its CPU quota.",
			    v / unit);
	}
	if (cg->version == 1 &&
	    (cg_read("fs/cgroup/cpu", path, "cpuacct.usage", buf,
	    sizeof(buf)) == 0 || cg_read("fs/cgroup/cpuacct", path,
	    "cpuacct.usage", buf, sizeof(buf)) == 0) &&
	    args_uint(buf, 0, UINT64_MAX, &v) == 0)
		si_prom_counter(c, "syskit_cgroup_cpu_usage_seconds_total",
		    "CPU time used by our cgroup.", v / 1e9);
	if (cg->has_pids_current)
		si_prom_gauge(c, "syskit_cgroup_pids",
		    "pids.current of our cgroup: its tasks.",
		    (double)cg->pids_current);
	if (cg->version != 2)
		return;
	for (i = 0; i < nitems(res); i++) {
		struct psi p;

		snprintf(name, sizeof(name), "%s.pressure", res[i]);
		memset(&p, 0, sizeof(p));
		if (cg_read(mnt, path, name, buf, sizeof(buf)) != 0 ||
		    proc_psi_parse(buf, strlen(buf), &p) != 0)
			continue;
		snprintf(name, sizeof(name),
		    "syskit_cgroup_pressure_%s_waiting_seconds_total", res[i]);
		if (p.some.present)
			si_prom_counter(c, name, "Time some tasks of our cgroup waited for the resource (PSI some).",
			    p.some.total / 1e6);
		snprintf(name, sizeof(name),
		    "syskit_cgroup_pressure_%s_stalled_seconds_total", res[i]);
		if (p.full.present && strcmp(res[i], "cpu") != 0)
			si_prom_counter(c, name, "Time no task of our cgroup could make progress for want of the resource (PSI full).",
			    p.full.total / 1e6);
	}
}

void
sec_limits(struct ctx *c)
{
	struct cgroup_info *cg = si_cgroup(c);
	struct rep *o, *k, *arr;
	char kind[64];
	int inctr;
	size_t i;

	inctr = cgroup_in_container(kind, sizeof(kind));
	if (c->pr) {
		if (cg != NULL && cg->has_cpu && cg->cpu_limit > 0)
			si_prom_gauge(c, "syskit_cgroup_cpu_limit",
			    "CPU quota of our cgroup, in CPUs.", cg->cpu_limit);
		if (cg != NULL && cg->has_pids_limit)
			si_prom_gauge(c, "syskit_cgroup_pids_limit",
			    "pids.max of our cgroup (+Inf when none).",
			    cg->pids_limit == CG_UNLIMITED ? INFINITY :
			    (double)cg->pids_limit);
		if (cg != NULL && cg->version != 0)
			cg_extras(c, cg);
		si_prom_gauge(c, "syskit_in_container",
		    "1 if syskit appears to run inside a container.", inctr == 1);
		return;
	}
	o = rep_obj(c->root, "limits");
	k = rep_obj(o, "cgroup");
	if (cg == NULL) {
		rep_null(k, "version", si_reason(c->cg.file, NULL, c->cg_errno));
	} else if (cg->version == 0) {
		rep_null(k, "version", "no cgroup file system");
	} else {
		rep_u64(k, "version", (uint64_t)cg->version, UNIT_NONE);
		rep_str(k, "path", cg->path);
		if (cg->has_cpu && cg->cpu_quota_us >= 0) {
			rep_i64(k, "cpu_quota_us", cg->cpu_quota_us, UNIT_NONE);
			rep_u64(k, "cpu_period_us", cg->cpu_period_us, UNIT_NONE);
			rep_f64(k, "cpu_limit", cg->cpu_limit, UNIT_NONE);
		} else {
			rep_null(k, "cpu_quota_us", "unlimited");
			rep_null(k, "cpu_period_us", "unlimited");
			rep_null(k, "cpu_limit", "unlimited");
		}
		limit_value(k, "memory_limit", cg->has_mem_limit,
		    cg->mem_limit, UNIT_BYTES, "no memory controller");
		limit_value(k, "memory_current", cg->has_mem_current,
		    cg->mem_current, UNIT_BYTES, "no memory controller");
		limit_value(k, "memory_peak", cg->has_mem_peak, cg->mem_peak,
		    UNIT_BYTES, "no memory peak file");
		limit_value(k, "pids_limit", cg->has_pids_limit,
		    cg->pids_limit, UNIT_NONE, "no pids controller");
		limit_value(k, "pids_current", cg->has_pids_current,
		    cg->pids_current, UNIT_NONE, "no pids controller");
	}
	rep_bool(o, "container", inctr == 1);
	if (inctr == 1)
		rep_str(o, "container_kind", kind);
	else
		rep_null(o, "container_kind", NULL);
	arr = rep_arr(o, "rlimits");
	for (i = 0; i < nitems(rlimits); i++) {
		struct rlimit rl;
		struct rep *e;

		if (getrlimit(rlimits[i].res, &rl) != 0)
			continue;
		e = rep_obj(arr, NULL);
		rep_str(e, "resource", rlimits[i].name);
		rlimit_value(c, e, "soft", rl.rlim_cur);
		rlimit_value(c, e, "hard", rl.rlim_max);
	}
}
