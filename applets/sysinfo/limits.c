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
