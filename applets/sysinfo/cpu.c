/* sysinfo cpu: counts (logical, physical, usable, effective), times, frequency. */
#include "sysinfo.h"

/* Usable CPUs (lib/proc: the affinity mask, or a fixture's own
 * Cpus_allowed_list).  A fixture's list that does not parse (or is empty:
 * a process runs somewhere) is said, and this machine's count used. */
int
si_cpu_usable(struct ctx *c)
{
	int n;

	if ((n = proc_cpu_usable()) > 0)
		return n;
	if (c->foreign && si_is_bad(errno)) {
		if (errno == EINVAL)
			si_malformed(c, "self/status");
		else
			si_unreadable(c, proc_root(), "self/status", errno);
	}
	return proc_cpu_usable_self();
}

/* Logical CPUs online; a malformed (or empty) online list is said. */
int
si_cpu_online(struct ctx *c)
{
	int n;

	if ((n = proc_cpu_online()) < 0 && si_is_bad(errno)) {
		int err = errno;

		si_unreadable(c, sys_root(), "devices/system/cpu/online", err);
		errno = err;
	}
	return n;
}

/* /proc/cpuinfo; a malformed one is said. */
int
si_cpuinfo(struct ctx *c, struct cpuinfo *ci)
{
	if (proc_cpuinfo(ci) == 0)
		return 0;
	if (si_is_bad(errno))
		si_unreadable(c, proc_root(), "cpuinfo", errno);
	return -1;
}

static void
cpu_times_rep(struct rep *o, const struct cpu_times *t)
{
	rep_f64(o, "user", si_ticks(t->user), UNIT_SECS);
	rep_f64(o, "nice", si_ticks(t->nice), UNIT_SECS);
	rep_f64(o, "system", si_ticks(t->system), UNIT_SECS);
	rep_f64(o, "idle", si_ticks(t->idle), UNIT_SECS);
	rep_f64(o, "iowait", si_ticks(t->iowait), UNIT_SECS);
	rep_f64(o, "irq", si_ticks(t->irq), UNIT_SECS);
	rep_f64(o, "softirq", si_ticks(t->softirq), UNIT_SECS);
	rep_f64(o, "steal", si_ticks(t->steal), UNIT_SECS);
	rep_f64(o, "guest", si_ticks(t->guest), UNIT_SECS);
	rep_f64(o, "guest_nice", si_ticks(t->guest_nice), UNIT_SECS);
}

/* psutil's cpu_percent: busy excludes idle and iowait; guest time is
 * already inside user and nice, so it leaves the total. */
static double
cpu_busy_pct(const struct cpu_times *a, const struct cpu_times *b)
{
	double ta, tb, ba, bb, all, busy;

	ta = (double)a->user + a->nice + a->system + a->idle + a->iowait +
	    a->irq + a->softirq + a->steal;
	tb = (double)b->user + b->nice + b->system + b->idle + b->iowait +
	    b->irq + b->softirq + b->steal;
	ba = ta - a->idle - a->iowait;
	bb = tb - b->idle - b->iowait;
	all = tb - ta;
	busy = bb - ba;
	if (all <= 0 || busy <= 0)
		return 0;
	busy = busy / all * 100;
	return busy > 100 ? 100 : si_round_to(busy, 1);
}

static void
pause_for(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Percent busy of all CPUs over c->interval, for the summary: 0, or -1
 * when /proc/stat cannot be read (said if it is bad). */
int
si_cpu_busy(struct ctx *c, double *pct)
{
	struct proc_stat *st, st2;
	int rv = -1;

	if ((st = si_get_stat(c)) == NULL)
		return -1;
	pause_for(c->interval);
	memset(&st2, 0, sizeof(st2));
	if (proc_stat(&st2) == 0) {
		*pct = cpu_busy_pct(&st->total, &st2.total);
		rv = 0;
	} else if (si_is_bad(errno))
		si_unreadable(c, proc_root(), "stat", errno);
	proc_stat_free(&st2);
	return rv;
}

struct cpufreq {
	double	 cur, min, max;		/* MHz */
	int	 n;
};

/* Is NAME "PREFIX<digits>"? */
int
si_numbered(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) == 0 && name[n] != '\0' &&
	    strspn(name + n, "0123456789") == strlen(name + n);
}

/*
 * psutil's cpu_freq(): over the cpufreq policies (else cpuN/cpufreq), the
 * mean of scaling_min_freq, scaling_max_freq and the current frequency,
 * which is /proc/cpuinfo's "cpu MHz" when it has one line per policy (the
 * kernel's cached value) and scaling_cur_freq otherwise; without cpufreq,
 * cpuinfo's MHz and no min or max.
 */
/* One cpufreq file of a policy (base/policyN/file) or a CPU
 * (base/cpuN/cpufreq/file), in kHz. */
static int
freq_read(const char *base, const char *ent, int percpu, const char *file,
    uint64_t *v)
{
	char rel[256];

	if (percpu)
		snprintf(rel, sizeof(rel), "%s/%s/cpufreq/%s", base, ent, file);
	else
		snprintf(rel, sizeof(rel), "%s/%s/%s", base, ent, file);
	return proc_read_u64(sys_root(), rel, v);
}

static int
cpu_freq(struct cpufreq *f, const struct cpuinfo *ci, int have_ci)
{
	const char *base = "devices/system/cpu/cpufreq";
	char **ents = NULL;
	uint64_t v;
	int n, i, k = 0, percpu = 0;

	memset(f, 0, sizeof(*f));
	n = si_sys_list(base, &ents);
	for (i = 0; i < n; i++)
		if (ents[i] != NULL && si_numbered(ents[i], "policy"))
			k++;
	if (k == 0) {
		free(ents);
		base = "devices/system/cpu";
		percpu = 1;
		n = si_sys_list(base, &ents);
	}
	for (i = 0; i < n; i++) {
		if (ents[i] == NULL || !(si_numbered(ents[i], "policy") ||
		    si_numbered(ents[i], "cpu")))
			continue;
		if (freq_read(base, ents[i], percpu, "scaling_max_freq", &v) != 0)
			continue;	/* no cpufreq for this one */
		f->max += v / 1000.0;
		if (freq_read(base, ents[i], percpu, "scaling_min_freq", &v) == 0)
			f->min += v / 1000.0;
		if (freq_read(base, ents[i], percpu, "scaling_cur_freq", &v) != 0 &&
		    freq_read(base, ents[i], percpu, "cpuinfo_cur_freq", &v) != 0)
			v = 0;
		f->cur += v / 1000.0;
		f->n++;
	}
	free(ents);
	if (f->n > 0) {
		f->cur /= f->n;
		f->min /= f->n;
		f->max /= f->n;
		if (have_ci && ci->mhz > 0 && ci->nproc == f->n)
			f->cur = ci->mhz;
		return 0;
	}
	if (have_ci && ci->mhz > 0) {
		f->cur = ci->mhz;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static void
sec_cpu_prom(struct ctx *c, const struct proc_stat *st, int have_st,
    const struct cpufreq *f, int have_f, int effective)
{
	static const char *modes[] = { "user", "nice", "system", "idle",
	    "iowait", "irq", "softirq", "steal" };
	char cpu[16];
	int i;

	if (have_st) {
		prom_family(&c->prom, "node_cpu_seconds_total", "counter",
		    "Seconds the CPUs spent in each mode.");
		for (i = 0; i < st->ncpu; i++) {
			const struct cpu_times *t = &st->cpu[i];
			/* node_exporter reports user and nice without guest */
			uint64_t v[8] = { t->user - (t->user >= t->guest ? t->guest : 0),
			    t->nice - (t->nice >= t->guest_nice ? t->guest_nice : 0),
			    t->system, t->idle, t->iowait, t->irq, t->softirq,
			    t->steal };
			size_t m;

			snprintf(cpu, sizeof(cpu), "%d", st->cpu_id[i]);
			for (m = 0; m < nitems(modes); m++)
				prom_sample(&c->prom, "node_cpu_seconds_total",
				    si_ticks(v[m]), "cpu", cpu, "mode", modes[m], NULL);
		}
		prom_family(&c->prom, "node_cpu_guest_seconds_total", "counter",
		    "Seconds the CPUs spent in guests (VMs) for each mode.");
		for (i = 0; i < st->ncpu; i++) {
			snprintf(cpu, sizeof(cpu), "%d", st->cpu_id[i]);
			prom_sample(&c->prom, "node_cpu_guest_seconds_total",
			    si_ticks(st->cpu[i].guest), "cpu", cpu, "mode", "user", NULL);
			prom_sample(&c->prom, "node_cpu_guest_seconds_total",
			    si_ticks(st->cpu[i].guest_nice), "cpu", cpu, "mode", "nice", NULL);
		}
		si_prom_counter(c, "node_context_switches_total",
		    "Total number of context switches.", (double)st->ctxt);
		si_prom_counter(c, "node_intr_total",
		    "Total number of interrupts serviced.", (double)st->intr);
		si_prom_counter(c, "node_forks_total", "Total number of forks.",
		    (double)st->processes);
		si_prom_gauge(c, "node_procs_running",
		    "Number of processes in runnable state.",
		    (double)st->procs_running);
		si_prom_gauge(c, "node_procs_blocked",
		    "Number of processes blocked waiting for I/O to complete.",
		    (double)st->procs_blocked);
	}
	if (have_f && f->n > 0)
		si_prom_gauge(c, "node_cpu_scaling_frequency_hertz",
		    "Current scaled CPU thread frequency in hertz (mean over CPUs).",
		    f->cur * 1e6);
	si_prom_gauge(c, "syskit_cpus_effective",
	    "CPUs a program should use: usable CPUs within the cgroup CPU quota.",
	    effective);
}

int
sec_cpu(struct ctx *c, int effective_only)
{
	struct proc_stat *stp, st, st2;
	struct cpuinfo ci;
	struct cpufreq f;
	struct cgroup_info *cg;
	struct rep *o, *arr;
	int have_st, have_st2 = 0, have_ci, have_f, logical, phys, usable, eff;
	int st_err, logical_err;
	int i;

	usable = si_cpu_usable(c);
	cg = si_cgroup(c);
	eff = cgroup_effective_cpus(cg != NULL && cg->has_cpu ?
	    cg->cpu_limit : 0, usable > 0 ? usable : 1);
	if (effective_only) {
		printf("%d\n", eff);
		return c->rc;
	}
	/* the counts are not among the Prometheus families */
	logical = c->pr ? 0 : si_cpu_online(c);
	logical_err = errno;
	phys = c->pr ? 0 : proc_cpu_physical();
	memset(&st, 0, sizeof(st));
	memset(&st2, 0, sizeof(st2));
	stp = si_get_stat(c);
	st_err = errno;
	have_st = stp != NULL;
	if (have_st)
		st = *stp;	/* a shallow copy: the ctx owns the arrays */
	if (have_st && c->interval > 0) {
		pause_for(c->interval);
		have_st2 = proc_stat(&st2) == 0;
		if (!have_st2 && si_is_bad(errno))
			si_unreadable(c, proc_root(), "stat", errno);
	}
	/* Prometheus: the frequency is scaling_cur_freq's, as
	 * node_exporter's, and nothing else of cpuinfo is served (a read of
	 * it costs the kernel several times one of /proc/stat) */
	have_ci = !c->pr && si_cpuinfo(c, &ci) == 0;
	have_f = cpu_freq(&f, &ci, have_ci) == 0;

	if (c->pr) {
		sec_cpu_prom(c, have_st2 ? &st2 : &st, have_st, &f, have_f, eff);
		goto out;
	}

	o = rep_obj(c->root, "cpu");
	if (logical > 0)
		rep_u64(o, "count_logical", logical, UNIT_NONE);
	else
		si_missing_at(c, o, "count_logical", sys_root(),
		    "devices/system/cpu/online", logical_err);
	if (phys > 0)
		rep_u64(o, "count_physical", phys, UNIT_NONE);
	else
		rep_null(o, "count_physical", "no CPU topology");
	rep_u64(o, "count_usable", usable > 0 ? usable : 0, UNIT_NONE);
	rep_u64(o, "count_effective", eff, UNIT_NONE);
	if (have_ci && ci.model[0] != '\0')
		rep_str(o, "model", ci.model);
	else
		rep_null(o, "model", "no model name in cpuinfo");
	if (have_f) {
		struct rep *fr = rep_obj(o, "freq");

		rep_f64(fr, "current", f.cur, UNIT_MHZ);
		rep_f64(fr, "min", f.min, UNIT_MHZ);
		rep_f64(fr, "max", f.max, UNIT_MHZ);
	} else
		rep_null(o, "freq", "no cpufreq and no cpu MHz");
	if (!have_st) {
		si_missing(c, o, "times", "stat", st_err);
		goto out;
	}
	if (have_st2) {
		rep_f64(o, "percent", cpu_busy_pct(&st.total, &st2.total),
		    UNIT_PCT);
		rep_f64(o, "interval", c->interval, UNIT_SECS);
	}
	{
		struct rep *s = rep_obj(o, "stats");

		rep_u64(s, "ctx_switches", st.ctxt, UNIT_NONE);
		rep_u64(s, "interrupts", st.intr, UNIT_NONE);
		rep_u64(s, "soft_interrupts", st.softirq, UNIT_NONE);
		rep_u64(s, "syscalls", 0, UNIT_NONE);
	}
	cpu_times_rep(rep_obj(o, "times"), have_st2 ? &st2.total : &st.total);
	arr = rep_arr(o, "percpu");
	for (i = 0; i < st.ncpu; i++) {
		const struct cpu_times *t = have_st2 && i < st2.ncpu ?
		    &st2.cpu[i] : &st.cpu[i];
		struct rep *e = rep_obj(arr, NULL);

		rep_u64(e, "cpu", st.cpu_id[i], UNIT_NONE);
		if (have_st2 && i < st2.ncpu)
			rep_f64(e, "percent", cpu_busy_pct(&st.cpu[i],
			    &st2.cpu[i]), UNIT_PCT);
		cpu_times_rep(e, t);
	}
out:
	proc_stat_free(&st2);
	return 0;
}
