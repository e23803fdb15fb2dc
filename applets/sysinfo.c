/*
 * sysinfo: the machine, as psutil's system functions give it to a Python
 * program: host, CPU, memory, swap, disks, network, sockets, sensors,
 * cgroup limits and pressure.  Quantities psutil defines keep psutil's
 * names and formulas; node_exporter's names are used for Prometheus.
 */
#include "syskit.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <pwd.h>
#include <grp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>

#include "../lib/cgroup.h"
#include "../lib/proc.h"
#include "../lib/sockdiag.h"

static const char usage[] =
    "usage: sysinfo [SECTION ...] [--json | --format text|json|kv|prometheus]\n"
    "               [--interval DURATION] [--effective] [--all]\n"
    "               [--kind KIND] [--pids]\n"
    "\n"
    "With no SECTION: a one-screen summary (all sections but conn for\n"
    "--json, kv and prometheus).  Sections:\n"
    "  host      uname, OS, boot time, uptime, load, users, current user\n"
    "  cpu       counts (logical, physical, usable, effective), times, frequency\n"
    "  mem       virtual memory as psutil.virtual_memory(), and the cgroup's view\n"
    "  swap      swap as psutil.swap_memory()\n"
    "  disk      partitions, usage, io counters\n"
    "  net       interfaces: io counters, addresses, stats\n"
    "  conn      sockets, as psutil.net_connections() and ss -tunap\n"
    "  sensors   temperatures, fans, battery\n"
    "  limits    cgroup limits, container, rlimits\n"
    "  pressure  PSI for cpu, memory, io\n"
    "\n"
    "  -a, --all             disk: every mount, not only devices\n"
    "  -e, --effective       cpu: print only the CPU count to use (make -j)\n"
    "  -f, --format FORMAT   text (default), json, kv or prometheus\n"
    "  -i, --interval DUR    cpu: sample twice, DUR apart, for percent busy\n"
    "  -j, --json            same as --format json\n"
    "  -k, --kind KIND       conn: tcp tcp4 tcp6 udp udp4 udp6 unix inet inet4 inet6 all\n"
    "  -p, --pids            conn: find the process owning each socket\n"
    "  -h, --help            show this help\n";

enum {
	S_HOST = 1 << 0,
	S_CPU = 1 << 1,
	S_MEM = 1 << 2,
	S_SWAP = 1 << 3,
	S_DISK = 1 << 4,
	S_NET = 1 << 5,
	S_CONN = 1 << 6,
	S_SENSORS = 1 << 7,
	S_LIMITS = 1 << 8,
	S_PRESSURE = 1 << 9,
};
#define S_FULL	(S_HOST | S_CPU | S_MEM | S_SWAP | S_DISK | S_NET | \
		 S_SENSORS | S_LIMITS | S_PRESSURE)

static const struct {
	const char	*name;
	int		 bit;
} sections[] = {
	{ "host", S_HOST }, { "cpu", S_CPU }, { "mem", S_MEM },
	{ "memory", S_MEM }, { "swap", S_SWAP }, { "disk", S_DISK },
	{ "net", S_NET }, { "conn", S_CONN }, { "sensors", S_SENSORS },
	{ "limits", S_LIMITS }, { "pressure", S_PRESSURE },
};

enum fmt { F_TEXT, F_JSON, F_KV, F_PROM };

struct ctx {
	enum fmt	 fmt;
	struct rep	*root;
	struct prom	 prom;
	int		 pr;		/* prometheus */
	int		 rc;
	double		 interval;
	int		 all;
	int		 kinds;
	int		 pids;
	int		 foreign;	/* SYSKIT_PROC points away from /proc */
	/* read once, used by several sections */
	int		 have_cg;
	int		 cg_mask;	/* CG_* the sections want */
	struct cgroup_info cg;
	int		 have_st, st_errno;
	struct proc_stat st;
	int		 have_mi, mi_errno;
	struct meminfo	 mi;
	char		 warned[16][32];	/* malformed files said already */
	int		 nwarned;
};

/* A malformed file under the proc root is an error: one line on stderr,
 * once whichever sections read it, and exit 1 at the end. */
static void
malformed(struct ctx *c, const char *rel)
{
	int i;

	for (i = 0; i < c->nwarned; i++)
		if (strcmp(c->warned[i], rel) == 0)
			return;
	if (c->nwarned < (int)nitems(c->warned))
		snprintf(c->warned[c->nwarned++], sizeof(c->warned[0]), "%s",
		    rel);
	warnx("%s/%s: malformed content", proc_root(), rel);
	c->rc = 1;
}

/* Say why a value is missing, from the errno err of reading rel: a
 * malformed file is an error; a missing or unreadable one is a null. */
static void
missing(struct ctx *c, struct rep *parent, const char *key, const char *rel,
    int err)
{
	if (err == EINVAL) {
		malformed(c, rel);
		rep_null(parent, key, "malformed content");
		return;
	}
	rep_null(parent, key, strerror(err));
}

static double
ticks(uint64_t t)
{
	return (double)t / (double)proc_clk_tck();
}

/* x >= 0 rounded to digits decimals (1 or 2), half up: without libm,
 * whose loading alone would cost more than sysinfo mem does. */
static double
round_to(double x, int digits)
{
	double m = digits == 2 ? 100.0 : 10.0;

	return (double)(uint64_t)(x * m + 0.5) / m;
}

/* psutil's usage_percent: one decimal. */
static double
pct(double part, double whole)
{
	if (whole <= 0 || part <= 0)
		return 0;
	return round_to(part / whole * 100.0, 1);
}

/* A set of counters under psutil's names: one table, used for each item
 * and for the total. */
struct counter {
	const char	*name;
	enum rep_unit	 unit;
};

static void
counters_rep(struct rep *o, const struct counter *f, const uint64_t *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rep_u64(o, f[i].name, v[i], f[i].unit);
}

static void
counters_add(uint64_t *tot, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tot[i] += v[i];
}

static void
prom_gauge(struct ctx *c, const char *name, const char *help, double v)
{
	prom_family(&c->prom, name, "gauge", help);
	prom_sample(&c->prom, name, v, NULL);
}

static void
prom_counter(struct ctx *c, const char *name, const char *help, double v)
{
	prom_family(&c->prom, name, "counter", help);
	prom_sample(&c->prom, name, v, NULL);
}

/* The cgroup, read once for the sections that want it. */
static struct cgroup_info *
cgroup(struct ctx *c)
{
	if (c->have_cg == 0)
		c->have_cg = cgroup_read_mask(&c->cg, c->cg_mask) == 0 ? 1 : -1;
	return c->have_cg == 1 ? &c->cg : NULL;
}

/* The entries of <sys>/REL, sorted (so output is stable). */
static int
sys_list(const char *rel, char ***out)	/* one block: free() it */
{
	char path[PATH_MAX];
	int n, i, k = 0;

	snprintf(path, sizeof(path), "%s/%s", sys_root(), rel);
	if ((n = proc_dir_names(path, out)) < 0)
		return -1;
	for (i = 0; i < n; i++)		/* hidden entries are not devices */
		if ((*out)[i][0] != '.')
			(*out)[k++] = (*out)[i];
	(*out)[k] = NULL;
	return k;
}

static int
sys_list_class(const char *name, char ***out)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "class/%s", name);
	return sys_list(rel, out);
}

static int
cmp_str(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	if (x == NULL || y == NULL)
		return x == y ? 0 : x == NULL ? -1 : 1;
	return strcmp(x, y);
}

/* /proc/stat, read once for host and cpu. */
static struct proc_stat *
get_stat(struct ctx *c)
{
	if (c->have_st == 0) {
		c->have_st = proc_stat(&c->st) == 0 ? 1 : -1;
		c->st_errno = errno;
		if (c->have_st < 0 && c->st_errno == EINVAL)
			malformed(c, "stat");
	}
	errno = c->st_errno;
	return c->have_st == 1 ? &c->st : NULL;
}

/* ---- host ---- */

/* os-release: NAME, VERSION_ID, PRETTY_NAME, ID. */
struct osrel {
	char	 name[128], version[64], pretty[192], id[64];
};

static void
osrel_value(char *dst, size_t len, const char *v)
{
	size_t n = strcspn(v, "\n");

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	if (n >= len)
		n = len - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

/*
 * Open a file of the system being described: this machine's, or for a
 * foreign SYSKIT_PROC (a container's /proc, a fixture) the file under that
 * tree's root, the directory that holds its proc/.
 */
static int
sys_file_open(const struct ctx *c, const char *abspath)
{
	char path[PATH_MAX];
	const char *root = proc_root();
	size_t n = strlen(root);

	if (!c->foreign)
		return openat(AT_FDCWD, abspath, O_RDONLY | O_CLOEXEC);
	while (n > 1 && root[n - 1] == '/')	/* "tree/proc/" */
		n--;
	while (n > 0 && root[n - 1] != '/')	/* drop "proc" */
		n--;
	if ((size_t)snprintf(path, sizeof(path), "%.*s%s", (int)n, root,
	    abspath + 1) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
}

static int
read_osrel(const struct ctx *c, struct osrel *o)
{
	char buf[4096], *line;
	ssize_t n;
	int fd;

	memset(o, 0, sizeof(*o));
	fd = sys_file_open(c, "/etc/os-release");
	if (fd < 0)
		fd = sys_file_open(c, "/usr/lib/os-release");
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (line = buf; line != NULL && *line != '\0';) {
		if (strncmp(line, "NAME=", 5) == 0)
			osrel_value(o->name, sizeof(o->name), line + 5);
		else if (strncmp(line, "VERSION_ID=", 11) == 0)
			osrel_value(o->version, sizeof(o->version), line + 11);
		else if (strncmp(line, "PRETTY_NAME=", 12) == 0)
			osrel_value(o->pretty, sizeof(o->pretty), line + 12);
		else if (strncmp(line, "ID=", 3) == 0)
			osrel_value(o->id, sizeof(o->id), line + 3);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return 0;
}

/*
 * utmp records as glibc writes them on every Linux ABI with 64-bit time
 * compatibility (384 bytes): read the file directly, since musl's
 * getutxent() is a stub.
 */
struct utmp_rec {
	int16_t	 type;
	int16_t	 pad;
	int32_t	 pid;
	char	 line[32];
	char	 id[4];
	char	 user[32];
	char	 host[256];
	int16_t	 term, exit;
	int32_t	 session;
	int32_t	 tv_sec, tv_usec;
	int32_t	 addr[4];
	char	 unused[20];
};
#define UTMP_USER_PROCESS	7

static void
host_users(struct ctx *c, struct rep *h)
{
	struct rep *arr = rep_arr(h, "users");
	struct utmp_rec u;
	char s[260];
	int fd;

	fd = sys_file_open(c, "/run/utmp");
	if (fd < 0)
		fd = sys_file_open(c, "/var/run/utmp");
	if (fd < 0)
		return;		/* no utmp (newer Debian): no users, not an error */
	while (read(fd, &u, sizeof(u)) == (ssize_t)sizeof(u)) {
		struct rep *o;

		if (u.type != UTMP_USER_PROCESS)
			continue;
		o = rep_obj(arr, NULL);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.user), u.user);
		rep_str(o, "name", s);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.line), u.line);
		rep_str(o, "terminal", s);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.host), u.host);
		rep_str(o, "host", s);
		rep_i64(o, "started", u.tv_sec, UNIT_EPOCH);
		rep_i64(o, "pid", u.pid, UNIT_NONE);
	}
	close(fd);
}

static void
host_user(struct rep *h)
{
	struct rep *u = rep_obj(h, "user");
	struct passwd *pw;

	rep_u64(u, "uid", getuid(), UNIT_NONE);
	rep_u64(u, "gid", getgid(), UNIT_NONE);
	errno = 0;
	pw = getpwuid(getuid());
	if (pw == NULL) {
		const char *why = errno != 0 ? strerror(errno) :
		    "no passwd entry";

		rep_null(u, "name", why);
		rep_null(u, "home", why);
		rep_null(u, "shell", why);
		return;
	}
	rep_str(u, "name", pw->pw_name);
	rep_str(u, "home", pw->pw_dir);
	rep_str(u, "shell", pw->pw_shell);
}

static void
sec_host(struct ctx *c)
{
	struct rep *h = NULL;
	struct utsname un;
	struct osrel os;
	struct loadavg la;
	struct proc_stat *st;
	struct winsize ws;
	double up, idle;
	int have_un, have_os, have_la, have_up, have_bt;
	int la_err, up_err, st_err;
	uint64_t btime = 0;

	have_un = uname(&un) == 0;
	have_os = read_osrel(c, &os) == 0;
	have_la = proc_loadavg(&la) == 0;
	la_err = errno;
	if (!have_la && la_err == EINVAL)
		malformed(c, "loadavg");
	have_up = proc_uptime(&up, &idle) == 0;
	up_err = errno;
	if (!have_up && up_err == EINVAL)
		malformed(c, "uptime");
	st = get_stat(c);
	st_err = st == NULL ? errno : ENOENT;	/* no btime line: ENOENT */
	have_bt = st != NULL && st->btime != 0;
	if (have_bt)
		btime = st->btime;

	if (c->pr) {
		if (have_un) {
			prom_family(&c->prom, "node_uname_info", "gauge",
			    "Labeled system information as provided by the uname system call.");
			prom_sample(&c->prom, "node_uname_info", 1,
			    "domainname", "(none)", "machine", un.machine,
			    "nodename", un.nodename, "release", un.release,
			    "sysname", un.sysname, "version", un.version, NULL);
		}
		if (have_os) {
			prom_family(&c->prom, "node_os_info", "gauge",
			    "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.");
			prom_sample(&c->prom, "node_os_info", 1, "id", os.id,
			    "name", os.name, "pretty_name", os.pretty,
			    "version_id", os.version, NULL);
		}
		if (have_bt)
			prom_gauge(c, "node_boot_time_seconds",
			    "Node boot time, in unixtime.", (double)btime);
		if (have_la) {
			prom_gauge(c, "node_load1", "1m load average.", la.load1);
			prom_gauge(c, "node_load5", "5m load average.", la.load5);
			prom_gauge(c, "node_load15", "15m load average.", la.load15);
		}
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			prom_gauge(c, "node_time_seconds",
			    "System time in seconds since epoch (1970).",
			    ts.tv_sec + ts.tv_nsec / 1e9);
		}
		return;
	}

	h = rep_obj(c->root, "host");
	if (have_un) {
		rep_str(h, "hostname", un.nodename);
		rep_str(h, "system", un.sysname);
		rep_str(h, "release", un.release);
		rep_str(h, "version", un.version);
		rep_str(h, "machine", un.machine);
	}
	if (have_os) {
		rep_str(h, "os_name", os.name);
		rep_str(h, "os_version", os.version);
		rep_str(h, "os_pretty_name", os.pretty);
	} else {
		rep_null(h, "os_name", "no /etc/os-release");
		rep_null(h, "os_version", "no /etc/os-release");
		rep_null(h, "os_pretty_name", "no /etc/os-release");
	}
	if (have_bt)
		rep_u64(h, "boot_time", btime, UNIT_EPOCH);
	else
		missing(c, h, "boot_time", "stat", st_err);
	if (have_up)
		rep_f64(h, "uptime", up, UNIT_SECS);
	else
		missing(c, h, "uptime", "uptime", up_err);
	if (have_la) {
		rep_f64(h, "load1", la.load1, UNIT_NONE);
		rep_f64(h, "load5", la.load5, UNIT_NONE);
		rep_f64(h, "load15", la.load15, UNIT_NONE);
		rep_u64(h, "procs_running", la.running, UNIT_NONE);
		rep_u64(h, "procs_total", la.total, UNIT_NONE);
	} else {
		missing(c, h, "load1", "loadavg", la_err);
		missing(c, h, "load5", "loadavg", la_err);
		missing(c, h, "load15", "loadavg", la_err);
	}
	host_user(h);
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		struct rep *t = rep_obj(h, "terminal");

		rep_u64(t, "columns", ws.ws_col, UNIT_NONE);
		rep_u64(t, "lines", ws.ws_row, UNIT_NONE);
	} else
		rep_null(h, "terminal", "stdout is not a terminal");
	host_users(c, h);
}

/* ---- cpu ---- */

/* Usable CPUs: sched_getaffinity, or for a foreign /proc its
 * self/status Cpus_allowed_list (so a fixture answers for itself). */
static int
cpu_usable(const struct ctx *c)
{
	char *buf, *p;
	size_t len;
	int n = -1;

	if (c->foreign &&
	    (buf = proc_slurp(proc_root(), "self/status", &len)) != NULL) {
		p = strstr(buf, "\nCpus_allowed_list:");
		if (p != NULL) {
			p += strlen("\nCpus_allowed_list:");
			p += strspn(p, " \t");
			p[strcspn(p, "\n")] = '\0';
			n = proc_cpulist_count(p);
		}
		free(buf);
	}
	if (n <= 0) {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			n = CPU_COUNT(&set);
	}
	return n;
}

static void
cpu_times_rep(struct rep *o, const struct cpu_times *t)
{
	rep_f64(o, "user", ticks(t->user), UNIT_SECS);
	rep_f64(o, "nice", ticks(t->nice), UNIT_SECS);
	rep_f64(o, "system", ticks(t->system), UNIT_SECS);
	rep_f64(o, "idle", ticks(t->idle), UNIT_SECS);
	rep_f64(o, "iowait", ticks(t->iowait), UNIT_SECS);
	rep_f64(o, "irq", ticks(t->irq), UNIT_SECS);
	rep_f64(o, "softirq", ticks(t->softirq), UNIT_SECS);
	rep_f64(o, "steal", ticks(t->steal), UNIT_SECS);
	rep_f64(o, "guest", ticks(t->guest), UNIT_SECS);
	rep_f64(o, "guest_nice", ticks(t->guest_nice), UNIT_SECS);
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
	return busy > 100 ? 100 : round_to(busy, 1);
}

struct cpufreq {
	double	 cur, min, max;		/* MHz */
	int	 n;
};

/* Is NAME "PREFIX<digits>"? */
static int
numbered(const char *name, const char *prefix)
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
	n = sys_list(base, &ents);
	for (i = 0; i < n; i++)
		if (ents[i] != NULL && numbered(ents[i], "policy"))
			k++;
	if (k == 0) {
		free(ents);
		base = "devices/system/cpu";
		percpu = 1;
		n = sys_list(base, &ents);
	}
	for (i = 0; i < n; i++) {
		if (ents[i] == NULL || !(numbered(ents[i], "policy") ||
		    numbered(ents[i], "cpu")))
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
				    ticks(v[m]), "cpu", cpu, "mode", modes[m], NULL);
		}
		prom_family(&c->prom, "node_cpu_guest_seconds_total", "counter",
		    "Seconds the CPUs spent in guests (VMs) for each mode.");
		for (i = 0; i < st->ncpu; i++) {
			snprintf(cpu, sizeof(cpu), "%d", st->cpu_id[i]);
			prom_sample(&c->prom, "node_cpu_guest_seconds_total",
			    ticks(st->cpu[i].guest), "cpu", cpu, "mode", "user", NULL);
			prom_sample(&c->prom, "node_cpu_guest_seconds_total",
			    ticks(st->cpu[i].guest_nice), "cpu", cpu, "mode", "nice", NULL);
		}
		prom_counter(c, "node_context_switches_total",
		    "Total number of context switches.", (double)st->ctxt);
		prom_counter(c, "node_intr_total",
		    "Total number of interrupts serviced.", (double)st->intr);
		prom_counter(c, "node_forks_total", "Total number of forks.",
		    (double)st->processes);
		prom_gauge(c, "node_procs_running",
		    "Number of processes in runnable state.",
		    (double)st->procs_running);
		prom_gauge(c, "node_procs_blocked",
		    "Number of processes blocked waiting for I/O to complete.",
		    (double)st->procs_blocked);
	}
	if (have_f && f->n > 0)
		prom_gauge(c, "node_cpu_scaling_frequency_hertz",
		    "Current scaled CPU thread frequency in hertz (mean over CPUs).",
		    f->cur * 1e6);
	prom_gauge(c, "syskit_cpu_effective_count",
	    "CPUs a program should use: usable CPUs within the cgroup CPU quota.",
	    effective);
}

static int
sec_cpu(struct ctx *c, int effective_only)
{
	struct proc_stat *stp, st, st2;
	struct cpuinfo ci;
	struct cpufreq f;
	struct cgroup_info *cg;
	struct rep *o, *arr;
	int have_st, have_st2 = 0, have_ci, have_f, logical, phys, usable, eff;
	int st_err;
	int i;

	usable = cpu_usable(c);
	cg = cgroup(c);
	eff = cgroup_effective_cpus(cg != NULL && cg->has_cpu ?
	    cg->cpu_limit : 0, usable > 0 ? usable : 1);
	if (effective_only) {
		printf("%d\n", eff);
		return 0;
	}
	logical = proc_cpu_online();
	phys = proc_cpu_physical();
	memset(&st, 0, sizeof(st));
	memset(&st2, 0, sizeof(st2));
	stp = get_stat(c);
	st_err = errno;
	have_st = stp != NULL;
	if (have_st)
		st = *stp;	/* a shallow copy: the ctx owns the arrays */
	if (have_st && c->interval > 0) {
		struct timespec ts;

		ts.tv_sec = (time_t)c->interval;
		ts.tv_nsec = (long)((c->interval - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		have_st2 = proc_stat(&st2) == 0;
	}
	have_ci = proc_cpuinfo(&ci) == 0;
	have_f = cpu_freq(&f, &ci, have_ci) == 0;

	if (c->pr) {
		sec_cpu_prom(c, have_st2 ? &st2 : &st, have_st, &f, have_f, eff);
		goto out;
	}

	o = rep_obj(c->root, "cpu");
	if (logical > 0)
		rep_u64(o, "count_logical", logical, UNIT_NONE);
	else
		rep_null(o, "count_logical", strerror(ENOENT));
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
		missing(c, o, "times", "stat", st_err);
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

/* ---- memory and swap ---- */

static void
mem_container(struct ctx *c, struct rep *o, uint64_t host_total)
{
	struct cgroup_info *cg = cgroup(c);
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
	rep_f64(k, "percent", pct((double)used, (double)limit), UNIT_PCT);
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
		prom_gauge(c, name, help,
		    (double)*(const uint64_t *)((const char *)mi + f[i].off));
	}
}

/* /proc/meminfo, read once for mem, swap and the summary. */
static int
read_meminfo(struct ctx *c, struct meminfo *mi)
{
	if (c->have_mi == 0) {
		if (proc_meminfo(&c->mi) != 0)
			c->mi_errno = errno;
		else if (!(c->mi.has & MI_MEMTOTAL))
			c->mi_errno = EINVAL;	/* no MemTotal */
		else
			c->have_mi = 1;
		if (c->have_mi != 1) {
			c->have_mi = -1;
			if (c->mi_errno == EINVAL)
				malformed(c, "meminfo");
		}
	}
	if (c->have_mi < 0) {
		errno = c->mi_errno;
		return -1;
	}
	*mi = c->mi;
	return 0;
}

/* psutil's available: MemAvailable, or the kernel's own estimate where
 * the line is missing; free where it would exceed the total. */
static uint64_t
mem_available(const struct meminfo *mi)
{
	uint64_t avail;

	avail = (mi->has & MI_MEMAVAILABLE) ? mi->mem_available :
	    proc_mem_available_estimate(mi);
	if (avail > mi->mem_total)
		avail = mi->mem_free <= mi->mem_total ? mi->mem_free :
		    mi->mem_total;
	return avail;
}

static void
sec_mem(struct ctx *c)
{
	struct meminfo mi;
	struct cgroup_info *cg;
	struct rep *o;
	uint64_t avail, used;

	memset(&mi, 0, sizeof(mi));
	if (read_meminfo(c, &mi) != 0) {
		missing(c, c->root, "mem", "meminfo", errno);
		return;
	}
	if (c->pr) {
		mem_prom(c, &mi);
		cg = cgroup(c);
		if (cg != NULL && cg->has_mem_limit) {
			prom_gauge(c, "syskit_cgroup_memory_limit_bytes",
			    "Memory limit of our cgroup (+Inf when none).",
			    cg->mem_limit == CG_UNLIMITED ? INFINITY :
			    (double)cg->mem_limit);
		}
		if (cg != NULL && cg->has_mem_current)
			prom_gauge(c, "syskit_cgroup_memory_usage_bytes",
			    "Memory charged to our cgroup.",
			    (double)cg->mem_current);
		return;
	}
	avail = mem_available(&mi);
	used = mi.mem_total - avail;
	o = rep_obj(c->root, "mem");
	rep_u64(o, "total", mi.mem_total, UNIT_BYTES);
	rep_u64(o, "available", avail, UNIT_BYTES);
	rep_f64(o, "percent", pct((double)used, (double)mi.mem_total), UNIT_PCT);
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

static void
sec_swap(struct ctx *c)
{
	struct meminfo mi;
	struct vmstat vm;
	struct rep *o;
	uint64_t used, page = (uint64_t)sysconf(_SC_PAGESIZE);
	int have_vm, vm_err;

	memset(&mi, 0, sizeof(mi));
	if (read_meminfo(c, &mi) != 0) {
		missing(c, c->root, "swap", "meminfo", errno);
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
	rep_f64(o, "percent", pct((double)used, (double)mi.swap_total), UNIT_PCT);
	if (have_vm && (vm.has & VM_PSWPIN)) {
		rep_u64(o, "sin", vm.pswpin * page, UNIT_BYTES);
		rep_u64(o, "sout", vm.pswpout * page, UNIT_BYTES);
	} else {
		if (!have_vm && vm_err == EINVAL)
			malformed(c, "vmstat");
		rep_null(o, "sin", "no pswpin in vmstat");
		rep_null(o, "sout", "no pswpout in vmstat");
	}
}

/* ---- disk ---- */

/* /proc/mounts shows the mount's options followed by the super block's;
 * mountinfo splits them, and the super block's start with rw/ro again. */
static void
mount_opts(char *dst, size_t len, const struct mount *m)
{
	const char *s = m->super_opts != NULL ? m->super_opts : "";

	if (strncmp(s, "rw", 2) == 0 || strncmp(s, "ro", 2) == 0) {
		s += 2;
		if (*s == ',')
			s++;
	}
	snprintf(dst, len, "%s%s%s", m->opts, *s != '\0' ? "," : "", s);
}

/* /dev/root names no device: find it through /sys/dev/block/MAJ:MIN. */
static void
root_device(char *dst, size_t len, const struct mount *m)
{
	char rel[64], buf[512], *p;

	snprintf(rel, sizeof(rel), "dev/block/%u:%u/uevent", m->major, m->minor);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0 &&
	    (p = strstr(buf, "DEVNAME=")) != NULL) {
		p += strlen("DEVNAME=");
		p[strcspn(p, "\n")] = '\0';
		snprintf(dst, len, "/dev/%s", p);
		return;
	}
	snprintf(dst, len, "%s", m->source);
}

struct fsuse {
	uint64_t total, used, free, files, files_free;
	uint64_t bfree;			/* free to root too */
	double	 percent;
	int	 ro;
};

/* psutil's disk_usage: used = total - free-to-root, percent = used /
 * (used + available-to-user), as df. */
static int
fs_usage(const char *path, struct fsuse *u)
{
	struct statvfs sv;
	uint64_t avail_root, avail_user;

	if (statvfs(path, &sv) != 0)
		return -1;
	u->total = (uint64_t)sv.f_blocks * sv.f_frsize;
	avail_root = (uint64_t)sv.f_bfree * sv.f_frsize;
	avail_user = (uint64_t)sv.f_bavail * sv.f_frsize;
	u->used = u->total >= avail_root ? u->total - avail_root : 0;
	u->free = avail_user;
	u->bfree = avail_root;
	u->percent = pct((double)u->used, (double)(u->used + avail_user));
	u->files = sv.f_files;
	u->files_free = sv.f_ffree;
	u->ro = (sv.f_flag & ST_RDONLY) != 0;
	return 0;
}

/* psutil's disk_io_counters() fields; times in milliseconds, as psutil. */
static const struct counter disk_fields[] = {
	{ "read_count", UNIT_NONE }, { "write_count", UNIT_NONE },
	{ "read_bytes", UNIT_BYTES }, { "write_bytes", UNIT_BYTES },
	{ "read_time", UNIT_NONE }, { "write_time", UNIT_NONE },
	{ "read_merged_count", UNIT_NONE }, { "write_merged_count", UNIT_NONE },
	{ "busy_time", UNIT_NONE },
};
#define NDISK	nitems(disk_fields)

static void
disk_values(const struct diskstat *d, uint64_t v[NDISK])
{
	v[0] = d->reads;
	v[1] = d->writes;
	v[2] = d->read_sectors * 512;
	v[3] = d->write_sectors * 512;
	v[4] = d->read_ms;
	v[5] = d->write_ms;
	v[6] = d->reads_merged;
	v[7] = d->writes_merged;
	v[8] = d->io_ms;
}

/* Whole disks: the names under <sys>/block, listed once (a '/' in a
 * diskstats name is a '!' there). */
struct blocks {
	char	**names;
	int	 n;
};

static int
block_is_whole(const struct blocks *b, const char *name)
{
	char key[64], *k = key;
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof(key) - 1; i++)
		key[i] = name[i] == '/' ? '!' : name[i];
	key[i] = '\0';
	return b->n > 0 && bsearch(&k, b->names, (size_t)b->n,
	    sizeof(char *), cmp_str) != NULL;
}

/* A stacked device (device-mapper, md, bcache) has members under
 * slaves/; loop devices and plain disks never do, so their directory is
 * not opened. */
static int
block_is_stacked(const char *name)
{
	static const char *leaf[] = { "loop", "ram", "zram", "sd", "vd",
	    "xvd", "hd", "nvme", "mmcblk", "sr", "fd" };
	size_t i;

	for (i = 0; i < nitems(leaf); i++)
		if (strncmp(name, leaf[i], strlen(leaf[i])) == 0)
			return 0;
	return proc_disk_is_stacked(name) == 1;
}

/* node_exporter's node_disk_* families, for whole disks. */
static void
disk_prom(struct ctx *c, const struct blocks *b, struct diskstat *ds, int n)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "node_disk_reads_completed_total", "counter", "The total number of reads completed successfully." },
		{ "node_disk_reads_merged_total", "counter", "The total number of reads merged." },
		{ "node_disk_read_bytes_total", "counter", "The total number of bytes read successfully." },
		{ "node_disk_read_time_seconds_total", "counter", "The total number of seconds spent by all reads." },
		{ "node_disk_writes_completed_total", "counter", "The total number of writes completed successfully." },
		{ "node_disk_writes_merged_total", "counter", "The number of writes merged." },
		{ "node_disk_written_bytes_total", "counter", "The total number of bytes written successfully." },
		{ "node_disk_write_time_seconds_total", "counter", "This is the total number of seconds spent by all writes." },
		{ "node_disk_io_now", "gauge", "The number of I/Os currently in progress." },
		{ "node_disk_io_time_seconds_total", "counter", "Total seconds spent doing I/Os." },
		{ "node_disk_io_time_weighted_seconds_total", "counter", "The weighted # of seconds spent doing I/Os." },
	};
	size_t f;
	int i, k = 0;

	for (i = 0; i < n; i++)		/* keep the whole disks */
		if (block_is_whole(b, ds[i].name))
			ds[k++] = ds[i];
	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f].name, fam[f].type, fam[f].help);
		for (i = 0; i < k; i++) {
			const struct diskstat *d = &ds[i];
			double v[nitems(fam)] = { (double)d->reads,
			    (double)d->reads_merged, d->read_sectors * 512.0,
			    d->read_ms / 1e3, (double)d->writes,
			    (double)d->writes_merged, d->write_sectors * 512.0,
			    d->write_ms / 1e3, (double)d->in_flight,
			    d->io_ms / 1e3, d->weighted_ms / 1e3 };

			prom_sample(&c->prom, fam[f].name, v[f], "device",
			    d->name, NULL);
		}
	}
}

static void
disk_io(struct ctx *c, struct rep *o)
{
	struct diskstat *ds = NULL;
	struct blocks b;
	struct rep *arr, *t;
	uint64_t tot[NDISK] = { 0 }, v[NDISK];
	int n = 0, i;

	if (proc_diskstats(&ds, &n) != 0) {
		missing(c, o, "io", "diskstats", errno);
		return;
	}
	b.n = sys_list("block", &b.names);
	if (c->pr) {
		disk_prom(c, &b, ds, n);
		goto out;
	}
	t = rep_obj(o, "io");
	arr = rep_arr(t, "perdisk");
	for (i = 0; i < n; i++) {
		const struct diskstat *d = &ds[i];
		int stacked;
		struct rep *e;

		if (!block_is_whole(&b, d->name))
			continue;
		stacked = block_is_stacked(d->name);
		e = rep_obj(arr, NULL);
		rep_str(e, "name", d->name);
		disk_values(d, v);
		counters_rep(e, disk_fields, v, NDISK);
		rep_bool(e, "stacked", stacked);
		/* a stacked device's members are counted already */
		if (!stacked)
			counters_add(tot, v, NDISK);
	}
	counters_rep(rep_obj(t, "total"), disk_fields, tot, NDISK);
out:
	free(b.names);
	free(ds);
}

/* Is this mount a partition psutil's disk_partitions(all=False) shows?
 * A container's overlay root is kept (psutil drops it). */
static int
keep_mount(const struct ctx *c, const struct mount *m, const char *fsbuf,
    const char *dev)
{
	if (c->all)
		return 1;
	if (strcmp(m->mountpoint, "/") == 0 && strcmp(m->fstype, "overlay") == 0)
		return 1;
	if (dev[0] == '\0')
		return 0;
	return fsbuf != NULL && proc_fs_is_dev(fsbuf, m->fstype) == 1;
}

/* One partition as disk_partitions() and disk_usage() describe it. */
struct part {
	const struct mount *m;
	char	 dev[256];
	int	 have_u;
	int	 u_errno;
	struct fsuse u;
};

/* The partitions to show, with their usage (not for a foreign /proc:
 * its mount points are not ours to statvfs). */
static int
partitions(struct ctx *c, const struct mounts *ms, struct part **out)
{
	struct part *pt;
	char *fsbuf;
	size_t fslen;
	int i, n = 0;

	*out = NULL;
	if ((pt = calloc((size_t)ms->n + 1, sizeof(*pt))) == NULL)
		return -1;
	fsbuf = proc_slurp(proc_root(), "filesystems", &fslen);
	for (i = 0; i < ms->n; i++) {
		const struct mount *m = &ms->m[i];
		struct part *p = &pt[n];

		if (strcmp(m->source, "none") == 0)
			p->dev[0] = '\0';
		else if (strcmp(m->source, "/dev/root") == 0)
			root_device(p->dev, sizeof(p->dev), m);
		else
			snprintf(p->dev, sizeof(p->dev), "%s", m->source);
		if (!keep_mount(c, m, fsbuf, p->dev))
			continue;
		p->m = m;
		if (c->foreign)
			p->u_errno = 0;
		else if (fs_usage(m->mountpoint, &p->u) == 0)
			p->have_u = 1;
		else
			p->u_errno = errno;
		n++;
	}
	free(fsbuf);
	*out = pt;
	return n;
}

static void
disk_fs_prom(struct ctx *c, const struct part *pt, int n)
{
	static const char *fam[][2] = {
		{ "node_filesystem_size_bytes", "Filesystem size in bytes." },
		{ "node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes." },
		{ "node_filesystem_free_bytes", "Filesystem free space in bytes." },
		{ "node_filesystem_files", "Filesystem total file nodes." },
		{ "node_filesystem_files_free", "Filesystem total free file nodes." },
		{ "node_filesystem_readonly", "Filesystem read-only status." },
	};
	size_t f;
	int i;

	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f][0], "gauge", fam[f][1]);
		for (i = 0; i < n; i++) {
			const struct part *p = &pt[i];
			double v[nitems(fam)] = { (double)p->u.total,
			    (double)p->u.free, (double)p->u.bfree,
			    (double)p->u.files, (double)p->u.files_free,
			    (double)p->u.ro };

			if (p->have_u)
				prom_sample(&c->prom, fam[f][0], v[f],
				    "device", p->dev, "fstype", p->m->fstype,
				    "mountpoint", p->m->mountpoint, NULL);
		}
	}
}

static void
disk_parts_rep(struct ctx *c, struct rep *arr, const struct part *pt, int n)
{
	char opts[1024];
	int i;

	for (i = 0; i < n; i++) {
		const struct part *p = &pt[i];
		struct rep *e = rep_obj(arr, NULL);
		const char *why;

		mount_opts(opts, sizeof(opts), p->m);
		rep_str(e, "device", p->dev);
		rep_str(e, "mountpoint", p->m->mountpoint);
		rep_str(e, "fstype", p->m->fstype);
		rep_str(e, "opts", opts);
		if (p->have_u) {
			rep_u64(e, "total", p->u.total, UNIT_BYTES);
			rep_u64(e, "used", p->u.used, UNIT_BYTES);
			rep_u64(e, "free", p->u.free, UNIT_BYTES);
			rep_f64(e, "percent", p->u.percent, UNIT_PCT);
			continue;
		}
		why = c->foreign ? "not this machine's mount" :
		    strerror(p->u_errno);
		rep_null(e, "total", why);
		rep_null(e, "used", why);
		rep_null(e, "free", why);
		rep_null(e, "percent", why);
	}
}

static void
sec_disk(struct ctx *c)
{
	struct mounts ms;
	struct part *pt = NULL;
	struct rep *o = NULL;
	int n;

	if (!c->pr)
		o = rep_obj(c->root, "disk");
	memset(&ms, 0, sizeof(ms));
	if (proc_mountinfo(&ms) != 0)
		missing(c, o, "partitions", "self/mountinfo", errno);
	else if ((n = partitions(c, &ms, &pt)) < 0) {
		warn("disk");
		c->rc = 1;
	} else if (c->pr)
		disk_fs_prom(c, pt, n);
	else
		disk_parts_rep(c, rep_arr(o, "partitions"), pt, n);
	free(pt);
	proc_mounts_free(&ms);
	disk_io(c, o);
}

/* ---- net ---- */

struct ifstat {
	int	 up;
	const char *duplex;
	uint64_t speed;		/* Mbit/s, 0 unknown */
	uint64_t mtu;
	unsigned flags;
	int	 have;
};

/* This machine's interface, as psutil asks: SIOCGIFFLAGS, SIOCGIFMTU and
 * ethtool's GSET on one socket, three calls and no files. */
static int
if_stats_ioctl(int sock, const char *name, struct ifstat *s)
{
	struct ethtool_cmd ec;
	struct ifreq ifr;
	uint32_t speed;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= sizeof(ifr.ifr_name))
		return -1;
	strcpy(ifr.ifr_name, name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	s->flags = (unsigned short)ifr.ifr_flags;
	s->up = (s->flags & IFF_RUNNING) != 0;
	s->have = 1;
	if (ioctl(sock, SIOCGIFMTU, &ifr) == 0)
		s->mtu = (uint64_t)ifr.ifr_mtu;
	memset(&ec, 0, sizeof(ec));
	ec.cmd = ETHTOOL_GSET;
	ifr.ifr_data = (void *)&ec;
	if (ioctl(sock, SIOCETHTOOL, &ifr) != 0)
		return 0;	/* no ethtool (lo, wifi): unknown, as psutil */
	speed = ((uint32_t)ec.speed_hi << 16) | ec.speed;
	if (speed != (uint32_t)-1 && speed != 0xffff)
		s->speed = speed;
	if (ec.duplex == DUPLEX_FULL)
		s->duplex = "full";
	else if (ec.duplex == DUPLEX_HALF)
		s->duplex = "half";
	return 0;
}

/* Interface stats from ioctls on this machine (sock >= 0), else from
 * <sys>/class/net. */
static void
if_stats(int sock, const char *name, struct ifstat *s)
{
	char rel[128], buf[64];
	uint64_t v;

	memset(s, 0, sizeof(*s));
	s->duplex = "unknown";
	if (sock >= 0 && if_stats_ioctl(sock, name, s) == 0)
		return;
	snprintf(rel, sizeof(rel), "class/net/%s/flags", name);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0) {
		s->flags = (unsigned)strtoul(buf, NULL, 16);
		s->have = 1;
	}
	/* sysfs shows the flags the device was set to; the kernel adds
	 * RUNNING (as SIOCGIFFLAGS reports it) when it is up and its
	 * operstate is up or unknown.  psutil's is_up means running. */
	snprintf(rel, sizeof(rel), "class/net/%s/operstate", name);
	if ((s->flags & IFF_UP) &&
	    proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0 &&
	    (strcmp(buf, "up") == 0 || strcmp(buf, "unknown") == 0))
		s->flags |= IFF_RUNNING;
	s->up = (s->flags & IFF_RUNNING) != 0;
	snprintf(rel, sizeof(rel), "class/net/%s/mtu", name);
	if (proc_read_u64(sys_root(), rel, &v) == 0)
		s->mtu = v;
	snprintf(rel, sizeof(rel), "class/net/%s/speed", name);
	{
		int64_t sp;

		if (proc_read_i64(sys_root(), rel, &sp) == 0 && sp > 0)
			s->speed = (uint64_t)sp;
	}
	snprintf(rel, sizeof(rel), "class/net/%s/duplex", name);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0) {
		if (strcmp(buf, "full") == 0)
			s->duplex = "full";
		else if (strcmp(buf, "half") == 0)
			s->duplex = "half";
	}
}

/* psutil's flags string, in its order. */
static void
if_flags(char *dst, size_t len, unsigned f)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IFF_UP, "up" }, { IFF_BROADCAST, "broadcast" },
		{ IFF_DEBUG, "debug" }, { IFF_LOOPBACK, "loopback" },
		{ IFF_POINTOPOINT, "pointopoint" },
		{ IFF_NOTRAILERS, "notrailers" }, { IFF_RUNNING, "running" },
		{ IFF_NOARP, "noarp" }, { IFF_PROMISC, "promisc" },
		{ IFF_ALLMULTI, "allmulti" }, { IFF_MASTER, "master" },
		{ IFF_SLAVE, "slave" }, { IFF_MULTICAST, "multicast" },
		{ IFF_PORTSEL, "portsel" }, { IFF_AUTOMEDIA, "automedia" },
		{ IFF_DYNAMIC, "dynamic" },
	};
	size_t i, n = 0;

	dst[0] = '\0';
	for (i = 0; i < nitems(names); i++) {
		if (!(f & names[i].bit))
			continue;
		n += (size_t)snprintf(dst + n, n < len ? len - n : 0, "%s%s",
		    n > 0 ? "," : "", names[i].name);
		if (n >= len)
			break;
	}
}

/* An address as text; an IPv6 scope is named after ifname, the interface
 * the address is on (what if_indextoname would say, without its socket). */
static void
sockaddr_str(char *dst, size_t len, const struct sockaddr *sa,
    const char *ifname)
{
	static const char hex[] = "0123456789abcdef";
	char t[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const unsigned char *b;
	size_t i, n = 0;

	dst[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		b = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		for (i = 0; i < 4; i++) {
			if (i > 0)
				t[n++] = '.';
			if (b[i] >= 100)
				t[n++] = (char)('0' + b[i] / 100);
			if (b[i] >= 10)
				t[n++] = (char)('0' + b[i] / 10 % 10);
			t[n++] = (char)('0' + b[i] % 10);
		}
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		if (inet_ntop(AF_INET6, &s6->sin6_addr, t, INET6_ADDRSTRLEN) ==
		    NULL)
			return;
		n = strlen(t);
		if (s6->sin6_scope_id != 0 && ifname != NULL &&
		    strlen(ifname) < IF_NAMESIZE) {
			t[n++] = '%';
			memcpy(t + n, ifname, strlen(ifname));
			n += strlen(ifname);
		}
	} else if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;

		for (i = 0; i < ll->sll_halen && i < 8; i++) {
			if (i > 0)
				t[n++] = ':';
			t[n++] = hex[ll->sll_addr[i] >> 4];
			t[n++] = hex[ll->sll_addr[i] & 15];
		}
	}
	if (n < len) {
		memcpy(dst, t, n);
		dst[n] = '\0';
	}
}

static void
if_addrs(struct rep *e, const struct ifaddrs *all, const char *name)
{
	struct rep *arr = rep_arr(e, "addresses");
	const struct ifaddrs *ifa;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		const char *fam;
		struct rep *o;

		if (ifa->ifa_addr == NULL || strcmp(ifa->ifa_name, name) != 0)
			continue;
		switch (ifa->ifa_addr->sa_family) {
		case AF_INET:
			fam = "AF_INET";
			break;
		case AF_INET6:
			fam = "AF_INET6";
			break;
		case AF_PACKET:
			fam = "AF_LINK";
			break;
		default:
			continue;
		}
		o = rep_obj(arr, NULL);
		rep_str(o, "family", fam);
		sockaddr_str(a, sizeof(a), ifa->ifa_addr, ifa->ifa_name);
		rep_str(o, "address", a);
		sockaddr_str(a, sizeof(a), ifa->ifa_netmask, NULL);
		if (a[0] != '\0')
			rep_str(o, "netmask", a);
		else
			rep_null(o, "netmask", NULL);
		sockaddr_str(a, sizeof(a), (ifa->ifa_flags & IFF_BROADCAST) ?
		    ifa->ifa_broadaddr : NULL, NULL);
		if (a[0] != '\0')
			rep_str(o, "broadcast", a);
		else
			rep_null(o, "broadcast", NULL);
	}
}

/*
 * For people: the IPv4 and IPv6 addresses of interface name, or with name
 * NULL of every interface but loopback, each after its interface's name;
 * ", " between them, cut to len.  Returns how many there are.
 */
static size_t
addrs_join(char *line, size_t len, const struct ifaddrs *all,
    const char *name)
{
	const struct ifaddrs *ifa;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	size_t n = 0, k = 0;

	line[0] = '\0';
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    (ifa->ifa_addr->sa_family != AF_INET &&
		    ifa->ifa_addr->sa_family != AF_INET6))
			continue;
		if (name != NULL ? strcmp(ifa->ifa_name, name) != 0 :
		    (ifa->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		sockaddr_str(a, sizeof(a), ifa->ifa_addr, ifa->ifa_name);
		if (n < len)
			n += (size_t)snprintf(line + n, len - n, "%s%s%s%s",
			    k > 0 ? ", " : "", name == NULL ? ifa->ifa_name : "",
			    name == NULL ? " " : "", a);
		k++;
	}
	return k;
}

/* psutil's net_io_counters() fields. */
static const struct counter net_fields[] = {
	{ "bytes_sent", UNIT_BYTES }, { "bytes_recv", UNIT_BYTES },
	{ "packets_sent", UNIT_NONE }, { "packets_recv", UNIT_NONE },
	{ "errin", UNIT_NONE }, { "errout", UNIT_NONE },
	{ "dropin", UNIT_NONE }, { "dropout", UNIT_NONE },
};
#define NNET	nitems(net_fields)

static void
net_values(const struct netdev *d, uint64_t v[NNET])
{
	v[0] = d->tx_bytes;
	v[1] = d->rx_bytes;
	v[2] = d->tx_packets;
	v[3] = d->rx_packets;
	v[4] = d->rx_errs;
	v[5] = d->tx_errs;
	v[6] = d->rx_drop;
	v[7] = d->tx_drop;
}

static void
net_prom(struct ctx *c, int sock, const struct netdev *nd, int n)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "node_network_receive_bytes_total", "Network device statistic receive_bytes." },
		{ "node_network_receive_packets_total", "Network device statistic receive_packets." },
		{ "node_network_receive_errs_total", "Network device statistic receive_errs." },
		{ "node_network_receive_drop_total", "Network device statistic receive_drop." },
		{ "node_network_transmit_bytes_total", "Network device statistic transmit_bytes." },
		{ "node_network_transmit_packets_total", "Network device statistic transmit_packets." },
		{ "node_network_transmit_errs_total", "Network device statistic transmit_errs." },
		{ "node_network_transmit_drop_total", "Network device statistic transmit_drop." },
	};
	size_t f;
	int i;

	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f].name, "counter", fam[f].help);
		for (i = 0; i < n; i++) {
			const struct netdev *d = &nd[i];
			uint64_t v[8] = { d->rx_bytes, d->rx_packets, d->rx_errs,
			    d->rx_drop, d->tx_bytes, d->tx_packets, d->tx_errs,
			    d->tx_drop };

			prom_sample(&c->prom, fam[f].name, (double)v[f],
			    "device", d->name, NULL);
		}
	}
	prom_family(&c->prom, "node_network_up", "gauge",
	    "Value is 1 if operstate is 'up', 0 otherwise.");
	for (i = 0; i < n; i++) {
		char rel[128], buf[32];

		snprintf(rel, sizeof(rel), "class/net/%s/operstate", nd[i].name);
		if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0)
			prom_sample(&c->prom, "node_network_up",
			    strcmp(buf, "up") == 0, "device", nd[i].name, NULL);
	}
	prom_family(&c->prom, "node_network_mtu_bytes", "gauge",
	    "Network device property: mtu_bytes");
	for (i = 0; i < n; i++) {
		struct ifstat s;

		if_stats(sock, nd[i].name, &s);
		if (s.mtu > 0)
			prom_sample(&c->prom, "node_network_mtu_bytes",
			    (double)s.mtu, "device", nd[i].name, NULL);
	}
}

static void
sec_net(struct ctx *c)
{
	struct netdev *nd = NULL;
	struct ifaddrs *ifa = NULL;
	struct rep *o, *arr;
	uint64_t tot[NNET] = { 0 }, v[NNET];
	int n = 0, i, have_ifa, sock;

	if (proc_netdev(&nd, &n) != 0) {
		missing(c, c->root, "net", "net/dev", errno);
		return;
	}
	sock = c->foreign ? -1 : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->pr) {
		net_prom(c, sock, nd, n);
		goto out;
	}
	have_ifa = !c->foreign && getifaddrs(&ifa) == 0;
	o = rep_obj(c->root, "net");
	arr = rep_arr(o, "interfaces");
	for (i = 0; i < n; i++) {
		const struct netdev *d = &nd[i];
		struct rep *e = rep_obj(arr, NULL);
		struct ifstat s;
		char flags[256], line[1024];

		rep_str(e, "name", d->name);
		net_values(d, v);
		counters_rep(e, net_fields, v, NNET);
		counters_add(tot, v, NNET);
		if_stats(sock, d->name, &s);
		if (s.have) {
			if_flags(flags, sizeof(flags), s.flags);
			rep_bool(e, "is_up", s.up);
			rep_str(e, "duplex", s.duplex);
			rep_u64(e, "speed", s.speed, UNIT_NONE);
			rep_u64(e, "mtu", s.mtu, UNIT_NONE);
			rep_str(e, "flags", flags);
		} else {
			rep_null(e, "is_up", "no /sys/class/net entry");
			rep_null(e, "duplex", NULL);
			rep_null(e, "speed", NULL);
			rep_null(e, "mtu", NULL);
			rep_null(e, "flags", NULL);
		}
		if (have_ifa && c->fmt == F_TEXT) {
			addrs_join(line, sizeof(line), ifa, d->name);
			rep_str(e, "addresses", line);
		} else if (have_ifa)
			if_addrs(e, ifa, d->name);
		else
			rep_null(e, "addresses", c->foreign ?
			    "not this machine's interfaces" : strerror(errno));
	}
	counters_rep(rep_obj(o, "io_total"), net_fields, tot, NNET);
	if (ifa != NULL)
		freeifaddrs(ifa);
out:
	if (sock >= 0)
		close(sock);
	free(nd);
}

/* ---- conn ---- */

static const char *
sock_proto(const struct sockent *s)
{
	if (s->family == AF_UNIX)
		return "unix";
	if (s->type == SOCK_STREAM)
		return s->family == AF_INET6 ? "tcp6" : "tcp";
	return s->family == AF_INET6 ? "udp6" : "udp";
}

static void
sock_addr(char *dst, size_t len, const struct sockent *s, int remote)
{
	const char *a = remote ? s->raddr : s->laddr;
	unsigned port = remote ? s->rport : s->lport;

	if (s->family == AF_UNIX)
		snprintf(dst, len, "%s", a);
	else if (s->family == AF_INET6)
		snprintf(dst, len, "[%s]:%u", a, port);
	else
		snprintf(dst, len, "%s:%u", a, port);
}

static void
conn_text(struct ctx *c, const struct socklist *sl)
{
	struct tbl *t = tbl_new();
	char a[300];
	int i;

	if (t == NULL) {
		warn("conn");
		c->rc = 1;
		return;
	}
	tbl_col(t, "PROTO", TBL_LEFT);
	tbl_col(t, "LOCAL", TBL_LEFT);
	tbl_col(t, "REMOTE", TBL_LEFT);
	tbl_col(t, "STATE", TBL_LEFT);
	tbl_col(t, "UID", TBL_RIGHT);
	tbl_col(t, "INODE", TBL_RIGHT);
	if (c->pids) {
		tbl_col(t, "PID", TBL_RIGHT);
		tbl_col(t, "NAME", TBL_LEFT);
	}
	for (i = 0; i < sl->n; i++) {
		const struct sockent *s = &sl->s[i];

		tbl_row(t);
		tbl_cell(t, sock_proto(s));
		sock_addr(a, sizeof(a), s, 0);
		out_vis(a, sizeof(a), a, strlen(a));
		tbl_cell(t, a);
		sock_addr(a, sizeof(a), s, 1);
		out_vis(a, sizeof(a), a, strlen(a));
		tbl_cell(t, a);
		tbl_cell(t, sock_state_name(s->state));
		tbl_cellf(t, "%u", s->uid);
		tbl_cellf(t, "%llu", (unsigned long long)s->inode);
		if (c->pids) {
			if (s->pid > 0) {
				tbl_cellf(t, "%d", s->pid);
				out_vis(a, sizeof(a), s->comm, strlen(s->comm));
				tbl_cell(t, a);
			} else {
				tbl_cell(t, "-");
				tbl_cell(t, "-");
			}
		}
	}
	tbl_print(t, stdout, 0);
	tbl_free(t);
}

static void
conn_addr(struct rep *e, const char *key, const struct sockent *s, int remote)
{
	const char *a = remote ? s->raddr : s->laddr;
	struct rep *o;

	if (s->family == AF_UNIX) {
		rep_str(e, key, a);
		return;
	}
	if (remote && s->rport == 0 && (strcmp(a, "0.0.0.0") == 0 ||
	    strcmp(a, "::") == 0)) {
		rep_null(e, key, NULL);		/* psutil: an empty tuple */
		return;
	}
	o = rep_obj(e, key);
	rep_str(o, "ip", a);
	rep_u64(o, "port", remote ? s->rport : s->lport, UNIT_NONE);
}

static void
sec_conn(struct ctx *c)
{
	struct socklist sl;
	struct rep *arr;
	int i;

	memset(&sl, 0, sizeof(sl));
	if (sock_list(c->kinds, &sl) != 0) {
		if (c->fmt == F_TEXT)	/* the table has no place for a null */
			warn("cannot read the sockets");
		missing(c, c->root, "conn", "net", errno);
		return;
	}
	if (c->pids)
		sock_map_pids(&sl);
	if (c->pr) {
		static const char *st[] = { "ESTABLISHED", "LISTEN",
		    "TIME_WAIT", "CLOSE_WAIT" };
		size_t k;

		prom_family(&c->prom, "syskit_sockets", "gauge",
		    "Sockets by protocol and state.");
		for (k = 0; k < nitems(st); k++) {
			int cnt = 0;

			for (i = 0; i < sl.n; i++)
				if (sl.s[i].family != AF_UNIX &&
				    sl.s[i].type == SOCK_STREAM &&
				    strcmp(sock_state_name(sl.s[i].state), st[k]) == 0)
					cnt++;
			prom_sample(&c->prom, "syskit_sockets", cnt,
			    "proto", "tcp", "state", st[k], NULL);
		}
		sock_free(&sl);
		return;
	}
	if (c->fmt == F_TEXT) {
		conn_text(c, &sl);
		sock_free(&sl);
		return;
	}
	arr = rep_arr(c->root, "conn");
	for (i = 0; i < sl.n; i++) {
		const struct sockent *s = &sl.s[i];
		struct rep *e = rep_obj(arr, NULL);

		rep_i64(e, "fd", -1, UNIT_NONE);
		rep_str(e, "family", s->family == AF_INET ? "AF_INET" :
		    s->family == AF_INET6 ? "AF_INET6" : "AF_UNIX");
		rep_str(e, "type", s->type == SOCK_STREAM ? "SOCK_STREAM" :
		    s->type == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_SEQPACKET");
		rep_str(e, "proto", sock_proto(s));
		conn_addr(e, "laddr", s, 0);
		conn_addr(e, "raddr", s, 1);
		rep_str(e, "status", sock_state_name(s->state));
		rep_u64(e, "uid", s->uid, UNIT_NONE);
		rep_u64(e, "inode", s->inode, UNIT_NONE);
		if (c->pids && s->pid > 0) {
			rep_i64(e, "pid", s->pid, UNIT_NONE);
			rep_str(e, "name", s->comm);
		} else {
			rep_null(e, "pid", NULL);
			rep_null(e, "name", NULL);
		}
	}
	sock_free(&sl);
}

/* ---- sensors ---- */

/* Read <sys>/class/D/E/F as a number; -1 if absent. */
static int
sys_num(const char *dir, const char *ent, const char *file, int64_t *v)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "class/%s/%s/%s", dir, ent, file);
	return proc_read_i64(sys_root(), rel, v);
}

static int
sys_str(const char *dir, const char *ent, const char *file, char *buf,
    size_t len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "class/%s/%s/%s", dir, ent, file);
	return proc_read_str(sys_root(), rel, buf, len);
}

/* One temperature or fan reading. */
struct hwsens {
	char	 chip[64];	/* hwmon name, or the thermal zone's type */
	char	 id[64];	/* chip label for Prometheus: unique */
	char	 sensor[32];	/* temp1, fan2, or the zone number */
	char	 label[128];
	double	 current, high, crit;
	int	 has_high, has_crit, zone;
};

struct sensors {
	struct hwsens *s;
	int	 n, cap;
	int	 ntemp;		/* the first ntemp are temperatures, then fans */
};

static struct hwsens *
sensors_add(struct sensors *ss)
{
	struct hwsens *n;

	if (ss->n == ss->cap) {
		int cap = ss->cap ? ss->cap * 2 : 16;

		if ((n = reallocarray(ss->s, (size_t)cap, sizeof(*n))) == NULL)
			return NULL;
		ss->s = n;
		ss->cap = cap;
	}
	n = &ss->s[ss->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* One hwmon chip's temp*_input or fan*_input, as psutil reads them.
 * Returns how many input files there were (read or not). */
static int
hwmon_chip(struct sensors *ss, const char *dir, const char *chip,
    const char *id, int fan)
{
	const char *kind = fan ? "fan" : "temp";
	struct hwsens *h;
	char f[64];
	int64_t v;
	int k, seen = 0;

	for (k = 1; k < 64; k++) {
		snprintf(f, sizeof(f), "%s%d_input", kind, k);
		if (sys_num("hwmon", dir, f, &v) != 0) {
			seen += errno != ENOENT;
			continue;
		}
		seen++;
		if ((h = sensors_add(ss)) == NULL)
			break;
		snprintf(h->chip, sizeof(h->chip), "%s", chip);
		snprintf(h->id, sizeof(h->id), "%s", id);
		snprintf(h->sensor, sizeof(h->sensor), "%s%d", kind, k);
		h->current = fan ? (double)v : v / 1000.0;
		snprintf(f, sizeof(f), "%s%d_label", kind, k);
		if (sys_str("hwmon", dir, f, h->label, sizeof(h->label)) != 0)
			h->label[0] = '\0';
		if (fan)
			continue;
		snprintf(f, sizeof(f), "temp%d_max", k);
		if (sys_num("hwmon", dir, f, &v) == 0) {
			h->high = v / 1000.0;
			h->has_high = 1;
		}
		snprintf(f, sizeof(f), "temp%d_crit", k);
		if (sys_num("hwmon", dir, f, &v) == 0) {
			h->crit = v / 1000.0;
			h->has_crit = 1;
		}
	}
	return seen;
}

/* Thermal zones, which psutil reads only when hwmon has no temperature:
 * the zone's type is the chip, its "critical" and "high" trip points. */
static void
thermal_zones(struct sensors *ss)
{
	char **tz = NULL;
	int n, i, k;

	n = sys_list_class("thermal", &tz);
	for (i = 0; i < n; i++) {
		struct hwsens *h;
		int64_t v;

		if (tz[i] == NULL || !numbered(tz[i], "thermal_zone") ||
		    sys_num("thermal", tz[i], "temp", &v) != 0 ||
		    (h = sensors_add(ss)) == NULL)
			continue;
		h->current = v / 1000.0;
		h->zone = (int)strtol(tz[i] + strlen("thermal_zone"), NULL, 10);
		if (sys_str("thermal", tz[i], "type", h->chip, sizeof(h->chip)) != 0)
			snprintf(h->chip, sizeof(h->chip), "%s", tz[i]);
		snprintf(h->sensor, sizeof(h->sensor), "%d", h->zone);
		for (k = 0; k < 32; k++) {
			char f[64], type[32];

			snprintf(f, sizeof(f), "trip_point_%d_type", k);
			if (sys_str("thermal", tz[i], f, type, sizeof(type)) != 0)
				break;
			snprintf(f, sizeof(f), "trip_point_%d_temp", k);
			if (sys_num("thermal", tz[i], f, &v) != 0)
				continue;
			if (strcmp(type, "critical") == 0) {
				h->crit = v / 1000.0;
				h->has_crit = 1;
			} else if (strcmp(type, "high") == 0) {
				h->high = v / 1000.0;
				h->has_high = 1;
			}
		}
	}
	free(tz);
}

/* node_exporter's cleanMetricName: lower case, [^a-z0-9:_] to '_', no
 * '_' at either end. */
static void
prom_clean(char *dst, size_t len, const char *s, size_t n)
{
	size_t i, k = 0;

	while (n > 0 && s[n - 1] == '\n')
		n--;
	for (i = 0; i < n && k + 1 < len; i++) {
		char ch = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == ':'))
			ch = '_';
		dst[k++] = ch;
	}
	while (k > 0 && dst[k - 1] == '_')
		k--;
	dst[k] = '\0';
	for (i = 0; dst[i] == '_'; i++)
		;
	memmove(dst, dst + i, k - i + 1);
}

/*
 * The chip label node_exporter gives a hwmon directory: from the device it
 * belongs to, "<bus dir>_<device>" (pci0000:00_0000:00:18_3,
 * platform_coretemp_0), stable where hwmonN is not; else its name file;
 * else hwmonN.  All cleaned as metric names.
 */
static void
hwmon_id(const char *hw, const char *name, char *id, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], dev[256], type[256], *slash;

	id[0] = '\0';
	snprintf(path, sizeof(path), "%s/class/hwmon/%s/device", sys_root(),
	    hw);
	if (realpath(path, real) != NULL &&
	    (slash = strrchr(real, '/')) != NULL) {
		prom_clean(dev, sizeof(dev), slash + 1, strlen(slash + 1));
		*slash = '\0';
		slash = strrchr(real, '/');
		prom_clean(type, sizeof(type), slash != NULL ? slash + 1 : "",
		    slash != NULL ? strlen(slash + 1) : 0);
		/* a label cut short is still a label: keep what fits */
		if (dev[0] != '\0' && type[0] != '\0' &&
		    (size_t)snprintf(id, len, "%s_%s", type, dev) >= len)
			id[len - 1] = '\0';
		else if (dev[0] != '\0' && type[0] == '\0' &&
		    (size_t)snprintf(id, len, "%s", dev) >= len)
			id[len - 1] = '\0';
	}
	if (id[0] == '\0' && name != NULL)
		prom_clean(id, len, name, strlen(name));
	if (id[0] == '\0')
		prom_clean(id, len, hw, strlen(hw));
}

/* Temperatures (hwmon, else thermal zones), then fans, as psutil's
 * sensors_temperatures() and sensors_fans(). */
static void
sensors_read(struct sensors *ss, int *zones)
{
	struct { char chip[64], id[64]; } *names = NULL;
	char **hw = NULL, id[64];
	int n, i, j, ntemp = 0, named;

	n = sys_list_class("hwmon", &hw);
	/* each chip's name and Prometheus label, worked out once for both
	 * passes (temperatures, then fans) */
	if (n > 0 && (names = calloc((size_t)n, sizeof(*names))) == NULL)
		n = 0;
	for (i = 0; i < n; i++) {
		if (hw[i] == NULL)
			continue;
		named = sys_str("hwmon", hw[i], "name", names[i].chip,
		    sizeof(names[i].chip)) == 0;
		if (!named)
			snprintf(names[i].chip, sizeof(names[i].chip), "%s", hw[i]);
		hwmon_id(hw[i], named ? names[i].chip : NULL, names[i].id,
		    sizeof(names[i].id));
		ntemp += hwmon_chip(ss, hw[i], names[i].chip, names[i].id, 0);
	}
	*zones = ntemp == 0;
	if (*zones)
		thermal_zones(ss);
	ss->ntemp = ss->n;
	for (i = 0; i < n; i++)
		if (hw[i] != NULL)
			hwmon_chip(ss, hw[i], names[i].chip, names[i].id, 1);
	free(names);
	free(hw);
	/* two chips of one name (two NVMe drives) keep apart in Prometheus */
	for (i = 0; i < ss->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ss->s[i].id, ss->s[j].id) == 0 &&
			    strcmp(ss->s[i].sensor, ss->s[j].sensor) == 0) {
				snprintf(id, sizeof(id), "%.40s_%d", ss->s[i].id, i);
				memcpy(ss->s[i].id, id, sizeof(id));
				break;
			}
}

static void
sensors_rep(struct rep *arr, const struct hwsens *h, int fan)
{
	struct rep *e = rep_obj(arr, NULL);

	rep_str(e, "chip", h->chip);
	rep_str(e, "label", h->label);
	rep_f64(e, "current", h->current, fan ? UNIT_NONE : UNIT_CELSIUS);
	if (fan)
		return;
	if (h->has_high)
		rep_f64(e, "high", h->high, UNIT_CELSIUS);
	else
		rep_null(e, "high", "not reported");
	if (h->has_crit)
		rep_f64(e, "critical", h->crit, UNIT_CELSIUS);
	else
		rep_null(e, "critical", "not reported");
}

/* node_exporter's families: hwmon temperatures and fans by chip and
 * sensor (temp1, fan1) with the labels apart, thermal zones by type and
 * zone. */
static void
sensors_prom(struct ctx *c, const struct sensors *ss, int zones)
{
	const struct hwsens *h;
	char zone[16];
	int i;

	/* each hwmon chip once, with its human-readable name */
	for (i = 0; i < ss->n; i++) {
		char name[64];
		int j;

		h = &ss->s[i];
		if (zones && i < ss->ntemp)
			continue;
		for (j = 0; j < i; j++)
			if (!(zones && j < ss->ntemp) &&
			    strcmp(ss->s[j].id, h->id) == 0)
				break;
		prom_clean(name, sizeof(name), h->chip, strlen(h->chip));
		if (j < i || name[0] == '\0')
			continue;
		prom_family(&c->prom, "node_hwmon_chip_names", "gauge",
		    "Annotation metric for human-readable chip names");
		prom_sample(&c->prom, "node_hwmon_chip_names", 1, "chip", h->id,
		    "chip_name", name, NULL);
	}
	if (!zones && ss->ntemp > 0)
		prom_family(&c->prom, "node_hwmon_temp_celsius", "gauge",
		    "Hardware monitor for temperature (input)");
	for (i = 0; i < ss->ntemp && !zones; i++)
		prom_sample(&c->prom, "node_hwmon_temp_celsius",
		    ss->s[i].current, "chip", ss->s[i].id, "sensor",
		    ss->s[i].sensor, NULL);
	/* the limits node_exporter exports beside them (temp*_crit, _max),
	 * what alerts compare the temperature with */
	for (i = 0; i < ss->ntemp && !zones; i++) {
		h = &ss->s[i];
		if (!h->has_crit)
			continue;
		prom_family(&c->prom, "node_hwmon_temp_crit_celsius", "gauge",
		    "Hardware monitor for temperature (crit)");
		prom_sample(&c->prom, "node_hwmon_temp_crit_celsius", h->crit,
		    "chip", h->id, "sensor", h->sensor, NULL);
	}
	for (i = 0; i < ss->ntemp && !zones; i++) {
		h = &ss->s[i];
		if (!h->has_high)
			continue;
		prom_family(&c->prom, "node_hwmon_temp_max_celsius", "gauge",
		    "Hardware monitor for temperature (max)");
		prom_sample(&c->prom, "node_hwmon_temp_max_celsius", h->high,
		    "chip", h->id, "sensor", h->sensor, NULL);
	}
	if (zones && ss->ntemp > 0)
		prom_family(&c->prom, "node_thermal_zone_temp", "gauge",
		    "Zone temperature in Celsius");
	for (i = 0; i < ss->ntemp && zones; i++) {
		h = &ss->s[i];
		snprintf(zone, sizeof(zone), "%d", h->zone);
		prom_sample(&c->prom, "node_thermal_zone_temp", h->current,
		    "type", h->chip, "zone", zone, NULL);
	}
	if (ss->n > ss->ntemp)
		prom_family(&c->prom, "node_hwmon_fan_rpm", "gauge",
		    "Hardware monitor for fan revolutions per minute (input)");
	for (i = ss->ntemp; i < ss->n; i++)
		prom_sample(&c->prom, "node_hwmon_fan_rpm", ss->s[i].current,
		    "chip", ss->s[i].id, "sensor", ss->s[i].sensor, NULL);
	for (i = 0; i < ss->n; i++) {
		h = &ss->s[i];
		if (h->label[0] == '\0' || (zones && i < ss->ntemp))
			continue;
		prom_family(&c->prom, "node_hwmon_sensor_label", "gauge",
		    "Label for given chip and sensor");
		prom_sample(&c->prom, "node_hwmon_sensor_label", 1, "chip",
		    h->id, "label", h->label, "sensor", h->sensor, NULL);
	}
}

/* psutil's sensors_battery(): BAT0, BAT1, BATT or battery; percent from
 * energy or charge, or capacity; plugged from AC/ status. */
static void
sensors_battery(struct ctx *c, struct rep *o)
{
	char **ps = NULL, status[64] = "", *bat = NULL;
	int64_t now, full, power, online = -1;
	double percent;
	int n, i, plugged = -1;
	struct rep *b;

	n = sys_list_class("power_supply", &ps);
	for (i = 0; i < n && bat == NULL; i++) {
		char type[32];

		if (ps[i] != NULL && sys_str("power_supply", ps[i], "type",
		    type, sizeof(type)) == 0 && strcmp(type, "Battery") == 0)
			bat = ps[i];
	}
	for (i = 0; i < n; i++) {
		char type[32];

		if (ps[i] != NULL && sys_str("power_supply", ps[i], "type",
		    type, sizeof(type)) == 0 && strcmp(type, "Mains") == 0)
			sys_num("power_supply", ps[i], "online", &online);
	}
	if (bat == NULL) {
		if (!c->pr)
			rep_null(o, "battery", "no battery");
		goto out;
	}
	if (sys_num("power_supply", bat, "energy_now", &now) == 0 &&
	    sys_num("power_supply", bat, "energy_full", &full) == 0 && full > 0)
		percent = 100.0 * now / full;
	else if (sys_num("power_supply", bat, "charge_now", &now) == 0 &&
	    sys_num("power_supply", bat, "charge_full", &full) == 0 && full > 0)
		percent = 100.0 * now / full;
	else if (sys_num("power_supply", bat, "capacity", &now) == 0) {
		percent = (double)now;
		full = 0;
	} else {
		if (!c->pr)
			rep_null(o, "battery", "battery without charge level");
		goto out;
	}
	if (percent > 100)
		percent = 100;
	sys_str("power_supply", bat, "status", status, sizeof(status));
	if (online >= 0)
		plugged = online == 1;
	else if (strcasecmp(status, "Charging") == 0 ||
	    strcasecmp(status, "Full") == 0)
		plugged = 1;
	else if (strcasecmp(status, "Discharging") == 0)
		plugged = 0;
	if (c->pr) {
		prom_gauge(c, "node_power_supply_capacity",
		    "capacity value of /sys/class/power_supply/<power_supply>.",
		    percent);
		goto out;
	}
	b = rep_obj(o, "battery");
	rep_f64(b, "percent", round_to(percent < 0 ? 0 : percent, 2), UNIT_PCT);
	if (plugged >= 0)
		rep_bool(b, "power_plugged", plugged);
	else
		rep_null(b, "power_plugged", "unknown");
	if (plugged == 1)
		rep_null(b, "secsleft", "charging");
	else if ((sys_num("power_supply", bat, "power_now", &power) == 0 ||
	    sys_num("power_supply", bat, "current_now", &power) == 0) &&
	    power > 0 && full > 0)
		rep_f64(b, "secsleft", (double)now / power * 3600, UNIT_SECS);
	else
		rep_null(b, "secsleft", "unknown");
out:
	free(ps);
}

static void
sec_sensors(struct ctx *c)
{
	struct sensors ss;
	struct rep *o, *temps, *fans;
	int zones, i;

	memset(&ss, 0, sizeof(ss));
	sensors_read(&ss, &zones);
	if (c->pr) {
		sensors_prom(c, &ss, zones);
		sensors_battery(c, NULL);
		free(ss.s);
		return;
	}
	o = rep_obj(c->root, "sensors");
	temps = rep_arr(o, "temperatures");
	fans = rep_arr(o, "fans");
	for (i = 0; i < ss.n; i++)
		sensors_rep(i < ss.ntemp ? temps : fans, &ss.s[i], i >= ss.ntemp);
	sensors_battery(c, o);
	free(ss.s);
}

/* ---- limits ---- */

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

static void
sec_limits(struct ctx *c)
{
	struct cgroup_info *cg = cgroup(c);
	struct rep *o, *k, *arr;
	char kind[64];
	int inctr;
	size_t i;

	inctr = cgroup_in_container(kind, sizeof(kind));
	if (c->pr) {
		if (cg != NULL && cg->has_cpu && cg->cpu_limit > 0)
			prom_gauge(c, "syskit_cgroup_cpu_limit",
			    "CPU quota of our cgroup, in CPUs.", cg->cpu_limit);
		if (cg != NULL && cg->has_pids_limit)
			prom_gauge(c, "syskit_cgroup_pids_limit",
			    "pids.max of our cgroup (+Inf when none).",
			    cg->pids_limit == CG_UNLIMITED ? INFINITY :
			    (double)cg->pids_limit);
		prom_gauge(c, "syskit_in_container",
		    "1 if syskit appears to run inside a container.", inctr == 1);
		return;
	}
	o = rep_obj(c->root, "limits");
	k = rep_obj(o, "cgroup");
	if (cg == NULL) {
		rep_null(k, "version", strerror(errno));
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

/* ---- pressure ---- */

static void
psi_rep(struct rep *o, const char *key, const struct psi_line *l)
{
	struct rep *e;

	if (!l->present) {
		rep_null(o, key, "not reported");
		return;
	}
	e = rep_obj(o, key);
	rep_f64(e, "avg10", l->avg10, UNIT_PCT);
	rep_f64(e, "avg60", l->avg60, UNIT_PCT);
	rep_f64(e, "avg300", l->avg300, UNIT_PCT);
	rep_f64(e, "total", l->total / 1e6, UNIT_SECS);
}

static void
sec_pressure(struct ctx *c)
{
	static const char *res[] = { "cpu", "memory", "io" };
	struct rep *o = NULL;
	char name[64], what[64];
	size_t i;

	if (!c->pr)
		o = rep_obj(c->root, "pressure");
	for (i = 0; i < nitems(res); i++) {
		struct psi p;

		memset(&p, 0, sizeof(p));
		snprintf(what, sizeof(what), "pressure/%s", res[i]);
		if (proc_psi(res[i], &p) != 0) {
			missing(c, o, res[i], what, errno);
			continue;
		}
		if (!c->pr) {
			struct rep *e = rep_obj(o, res[i]);

			psi_rep(e, "some", &p.some);
			psi_rep(e, "full", &p.full);
			continue;
		}
		/* node_exporter: cpu "waiting" is some; memory and io have
		 * "waiting" (some) and "stalled" (full) */
		snprintf(name, sizeof(name), "node_pressure_%s_waiting_seconds_total",
		    res[i]);
		if (p.some.present)
			prom_counter(c, name, "Total time in seconds that processes have waited for the resource.",
			    p.some.total / 1e6);
		snprintf(name, sizeof(name), "node_pressure_%s_stalled_seconds_total",
		    res[i]);
		if (p.full.present && strcmp(res[i], "cpu") != 0)
			prom_counter(c, name, "Total time in seconds no process could make progress.",
			    p.full.total / 1e6);
	}
}

/* ---- the summary, for people ---- */

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
	if (read_meminfo(c, &mi) != 0) {
		summary_line(t, "memory", "-");
		return;
	}
	avail = mem_available(&mi);
	used = mi.mem_total - avail;
	summary_line(t, "memory", "%s used of %s (%.1f%%), %s available",
	    out_iec(a, sizeof(a), used), out_iec(b, sizeof(b), mi.mem_total),
	    pct((double)used, (double)mi.mem_total),
	    out_iec(d, sizeof(d), avail));
	if (mi.swap_total == 0)
		summary_line(t, "swap", "none");
	else
		summary_line(t, "swap", "%s used of %s",
		    out_iec(a, sizeof(a), mi.swap_total - mi.swap_free),
		    out_iec(b, sizeof(b), mi.swap_total));
	cg = cgroup(c);
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
	k = addrs_join(line, sizeof(line), all, NULL);
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

	if (c->foreign || fs_usage("/", &u) != 0)
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

static int
summary(struct ctx *c)
{
	struct tbl *t = tbl_new();
	struct utsname un;
	struct osrel os;
	struct loadavg la;
	struct cpuinfo ci;
	struct cgroup_info *cg;
	double up, idle;
	char a[64], b[64];
	int usable, eff, phys;

	if (t == NULL) {
		warn("summary");
		return 1;
	}
	tbl_col(t, "", TBL_LEFT);
	tbl_col(t, "", TBL_LEFT);
	if (uname(&un) == 0) {
		summary_line(t, "host", "%s", un.nodename);
		if (read_osrel(c, &os) == 0)
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
		else
			summary_line(t, "uptime", "%s",
			    out_duration(a, sizeof(a), up));
	}
	usable = cpu_usable(c);
	cg = cgroup(c);
	eff = cgroup_effective_cpus(cg != NULL && cg->has_cpu ?
	    cg->cpu_limit : 0, usable > 0 ? usable : 1);
	phys = proc_cpu_physical();
	snprintf(b, sizeof(b), "%d", phys);
	if (proc_cpuinfo(&ci) != 0)
		ci.model[0] = '\0';
	summary_line(t, "cpu", "%d logical, %s physical, %d usable, %d effective%s%s",
	    proc_cpu_online(), phys > 0 ? b : "-", usable, eff,
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

/* ---- main ---- */

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "effective", no_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "interval", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, 'j' },
	{ "kind", required_argument, NULL, 'k' },
	{ "pids", no_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_section(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(sections); i++)
		if (strcmp(s, sections[i].name) == 0)
			return sections[i].bit;
	return 0;
}

static void
sec_cpu_all(struct ctx *c)
{
	sec_cpu(c, 0);
}

/* The sections, in the order they are printed. */
static const struct {
	int	 bit;
	void	(*fn)(struct ctx *);
} runs[] = {
	{ S_HOST, sec_host }, { S_CPU, sec_cpu_all }, { S_MEM, sec_mem },
	{ S_SWAP, sec_swap }, { S_DISK, sec_disk }, { S_NET, sec_net },
	{ S_CONN, sec_conn }, { S_SENSORS, sec_sensors },
	{ S_LIMITS, sec_limits }, { S_PRESSURE, sec_pressure },
};

int
sysinfo_main(int argc, char *argv[])
{
	struct ctx c;
	int ch, want = 0, effective = 0, i, b;
	const char *p;

	memset(&c, 0, sizeof(c));
	c.kinds = SK_INET;
	while ((ch = getopt_long(argc, argv, "aef:hi:jk:p", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			c.all = 1;
			break;
		case 'e':
			effective = 1;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				c.fmt = F_TEXT;
			else if (strcmp(optarg, "json") == 0)
				c.fmt = F_JSON;
			else if (strcmp(optarg, "kv") == 0)
				c.fmt = F_KV;
			else if (strcmp(optarg, "prometheus") == 0 ||
			    strcmp(optarg, "prom") == 0)
				c.fmt = F_PROM;
			else {
				warnx("bad format: %s (text, json, kv, prometheus)",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'i':
			if (args_duration(optarg, 3600, &c.interval) != 0 ||
			    c.interval <= 0) {
				warnx("bad interval: %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			c.fmt = F_JSON;
			break;
		case 'k':
			if ((c.kinds = sock_kind(optarg)) < 0) {
				warnx("bad kind: %s (tcp tcp4 tcp6 udp udp4 udp6 "
				    "unix inet inet4 inet6 all)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			c.pids = 1;
			break;
		default:
			return usage_badopt(argv, "aef:hi:jk:p", longopts);
		}
	}
	for (i = optind; i < argc; i++) {
		if ((b = parse_section(argv[i])) == 0)
			return usage_error("unknown section: %s", argv[i]);
		want |= b;
	}
	if (effective && want != 0 && want != S_CPU) {
		warnx("--effective goes with the cpu section alone");
		return EXIT_USAGE;
	}
	p = proc_root();
	c.foreign = strcmp(p, "/proc") != 0;
	/* read only the cgroup files the asked sections need */
	if (want == 0 || (want & S_CPU))
		c.cg_mask |= CG_CPU;
	if (want == 0 || (want & S_MEM))	/* prometheus: usage always */
		c.cg_mask |= CG_MEM | (c.fmt != F_PROM ? CG_MEM_LIMITED : 0);
	if (want & S_LIMITS)
		c.cg_mask = CG_ALL;
	if (effective) {
		c.cg_mask = CG_CPU;
		return sec_cpu(&c, 1);
	}
	c.pr = c.fmt == F_PROM;
	if (want == 0 && c.fmt == F_TEXT)
		return summary(&c);
	if (want == 0)
		want = S_FULL;
	if (c.pr)
		prom_init(&c.prom, stdout);
	else if ((c.root = rep_new()) == NULL) {
		warn("report");
		return 1;
	}
	for (i = 0; i < (int)nitems(runs); i++)
		if ((want & runs[i].bit) &&
		    !(runs[i].bit == S_CONN && c.fmt == F_TEXT))
			runs[i].fn(&c);
	if (c.root != NULL)
		rep_print(c.root, stdout, c.fmt == F_JSON ? REP_JSON :
		    c.fmt == F_KV ? REP_KV : REP_TEXT);
	/* the socket table for people comes last, after the other sections */
	if ((want & S_CONN) && c.fmt == F_TEXT) {
		if (want != S_CONN)
			putchar('\n');
		sec_conn(&c);
	}
	rep_free(c.root);
	proc_stat_free(&c.st);
	return c.rc;
}
