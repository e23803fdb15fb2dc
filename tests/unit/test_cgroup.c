/* Unit tests for lib/cgroup: the parsers, and cgroup_read on fixture trees. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../lib/cgroup.h"
#include "unit.h"

#define V1BOX_MEM "/process_api/95b22e728d64fad05f879405f489195b"

/*
 * CHECK_STR on a 512-byte path makes gcc warn that its message may be
 * truncated; this one bounds the strings it prints.
 */
#define CHECK_PATH(a, b) check_path((a), (b), __LINE__)

static void
check_path(const char *got, const char *want, int line)
{
	char m[512];

	if (strcmp(got, want) == 0)
		return;
	snprintf(m, sizeof(m), "path \"%.200s\" != \"%.200s\"", got, want);
	unit_fail(__FILE__, line, m);
}

static char saved_container[256];
static int had_container;

/* Point the readers at FIXTURES/name/{proc,sys}. */
static void
use_fixture(const char *name)
{
	char p[512];
	const char *c;

	snprintf(p, sizeof(p), "%s/%s/proc", FIXTURES, name);
	setenv("SYSKIT_PROC", p, 1);
	snprintf(p, sizeof(p), "%s/%s/sys", FIXTURES, name);
	setenv("SYSKIT_SYS", p, 1);
	/* The runner may itself be in a container; hide its marker. */
	if ((c = getenv("container")) != NULL) {
		had_container = 1;
		snprintf(saved_container, sizeof(saved_container), "%s", c);
		unsetenv("container");
	}
}

static void
done(void)
{
	unsetenv("SYSKIT_PROC");
	unsetenv("SYSKIT_SYS");
	if (had_container) {
		setenv("container", saved_container, 1);
		had_container = 0;
	}
}

static void
t_parse_cpu_max(void)
{
	int64_t q;
	uint64_t p;

	CHECK(cgroup_parse_cpu_max("50000 100000\n", &q, &p) == 0);
	CHECK(q == 50000);
	CHECK_U64(p, 100000);
	CHECK(cgroup_parse_cpu_max("max 100000", &q, &p) == 0);
	CHECK(q == -1);
	CHECK_U64(p, 100000);
	CHECK(cgroup_parse_cpu_max("max 250000\n", &q, &p) == 0);
	CHECK(q == -1);
	CHECK_U64(p, 250000);
	CHECK(cgroup_parse_cpu_max("max", &q, &p) == 0);
	CHECK(q == -1);
	CHECK_U64(p, 100000);
	CHECK(cgroup_parse_cpu_max("150000", &q, &p) == 0);
	CHECK(q == 150000);
	CHECK_U64(p, 100000);

	/* Kept unchanged on failure. */
	q = 7;
	p = 7;
	errno = 0;
	CHECK(cgroup_parse_cpu_max("0 100000", &q, &p) == -1);
	CHECK(errno == EINVAL);
	CHECK(q == 7 && p == 7);
	errno = 0;
	CHECK(cgroup_parse_cpu_max("-1", &q, &p) == -1);
	CHECK(errno == EINVAL);
	CHECK(cgroup_parse_cpu_max("-1 100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("\n", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("junk", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("maximum 100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("max 0", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("50000 100000 7", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("50000 -100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("50000x100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max(" 50000 100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("9223372036854775808 100000", &q, &p) == -1);
	CHECK(cgroup_parse_cpu_max("1 99999999999999999999", &q, &p) == -1);
	errno = 0;
	CHECK(cgroup_parse_cpu_max(NULL, &q, &p) == -1);
	CHECK(errno == EINVAL);
	CHECK(q == 7 && p == 7);
}

static void
t_parse_limit(void)
{
	uint64_t v;

	CHECK(cgroup_parse_limit("max", &v) == 0);
	CHECK(v == CG_UNLIMITED);
	CHECK(cgroup_parse_limit("max\n", &v) == 0);
	CHECK(v == CG_UNLIMITED);
	CHECK(cgroup_parse_limit("0", &v) == 0);
	CHECK_U64(v, 0);
	CHECK(cgroup_parse_limit("536870912\n", &v) == 0);
	CHECK_U64(v, 536870912);
	CHECK(cgroup_parse_limit("18446744073709551615", &v) == 0);
	CHECK(v == UINT64_MAX);

	v = 7;
	errno = 0;
	CHECK(cgroup_parse_limit("-1", &v) == -1);
	CHECK(errno == EINVAL);
	CHECK(cgroup_parse_limit("", &v) == -1);
	CHECK(cgroup_parse_limit("junk", &v) == -1);
	CHECK(cgroup_parse_limit("maxi", &v) == -1);
	CHECK(cgroup_parse_limit("12 34", &v) == -1);
	CHECK(cgroup_parse_limit("+5", &v) == -1);
	CHECK(cgroup_parse_limit(" 5", &v) == -1);
	CHECK(cgroup_parse_limit("18446744073709551616", &v) == -1);
	CHECK(cgroup_parse_limit(NULL, &v) == -1);
	CHECK_U64(v, 7);
}

static void
t_parse_self(void)
{
	static const char v1[] =
	    "12:pids:/docker/abc\n"
	    "4:cpu,cpuacct:/docker/abc/x\n"
	    "11:memory:/docker/abc:odd\n"
	    "1:name=systemd:/init.scope\n"
	    "0::/system.slice/containerd.service\n";
	char path[64], tiny[4];

	CHECK(cgroup_parse_self(v1, "memory", path, sizeof(path)) == 0);
	CHECK_STR(path, "/docker/abc:odd");
	CHECK(cgroup_parse_self(v1, "cpu", path, sizeof(path)) == 0);
	CHECK_STR(path, "/docker/abc/x");
	CHECK(cgroup_parse_self(v1, "cpuacct", path, sizeof(path)) == 0);
	CHECK_STR(path, "/docker/abc/x");
	CHECK(cgroup_parse_self(v1, "", path, sizeof(path)) == 0);
	CHECK_STR(path, "/system.slice/containerd.service");
	CHECK(cgroup_parse_self(v1, "name=systemd", path, sizeof(path)) == 0);
	CHECK_STR(path, "/init.scope");

	errno = 0;
	CHECK(cgroup_parse_self(v1, "cpuset", path, sizeof(path)) == -1);
	CHECK(errno == ENOENT);
	CHECK(cgroup_parse_self(v1, "pid", path, sizeof(path)) == -1);
	CHECK(cgroup_parse_self(v1, "mem", path, sizeof(path)) == -1);
	errno = 0;
	CHECK(cgroup_parse_self(v1, "pids", tiny, sizeof(tiny)) == -1);
	CHECK(errno == ENAMETOOLONG);

	CHECK(cgroup_parse_self("0::/", "", path, sizeof(path)) == 0);
	CHECK_STR(path, "/");
	CHECK(cgroup_parse_self("0::/a\r", "", path, sizeof(path)) == 0);
	CHECK_STR(path, "/a\r");
	CHECK(cgroup_parse_self("", "", path, sizeof(path)) == -1);
	CHECK(cgroup_parse_self("junk\n:\n::\n0::\n", "", path,
	    sizeof(path)) == -1);
	CHECK(cgroup_parse_self("4:memory:/x", "", path, sizeof(path)) == -1);
	CHECK(cgroup_parse_self("0::/x", "memory", path, sizeof(path)) == -1);
	errno = 0;
	CHECK(cgroup_parse_self("0::/", "", path, 0) == -1);
	CHECK(errno == EINVAL);
	CHECK(cgroup_parse_self(NULL, "", path, sizeof(path)) == -1);
}

static void
t_effective_cpus(void)
{
	CHECK(cgroup_effective_cpus(0, 8) == 8);
	CHECK(cgroup_effective_cpus(-1, 8) == 8);
	CHECK(cgroup_effective_cpus(0.5, 8) == 1);
	CHECK(cgroup_effective_cpus(0.01, 8) == 1);
	CHECK(cgroup_effective_cpus(1.49, 8) == 1);
	CHECK(cgroup_effective_cpus(1.5, 4) == 2);
	CHECK(cgroup_effective_cpus(2.5, 8) == 3);
	CHECK(cgroup_effective_cpus(3.6, 4) == 4);
	CHECK(cgroup_effective_cpus(16, 4) == 4);
	CHECK(cgroup_effective_cpus(1e300, 4) == 4);
	CHECK(cgroup_effective_cpus(1.0 / 0.0, 4) == 4);
	CHECK(cgroup_effective_cpus(0.0 / 0.0, 4) == 4);
}

static void
t_v2ctr(void)
{
	struct cgroup_info ci;
	char kind[32];

	use_fixture("cgroup-v2ctr");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/");
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == 50000);
	CHECK_U64(ci.cpu_period_us, 100000);
	CHECK(ci.cpu_limit == 0.5);
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 4) == 1);
	CHECK(ci.has_mem_limit && ci.has_mem_current && ci.has_mem_peak);
	CHECK_U64(ci.mem_limit, 536870912);
	CHECK_U64(ci.mem_current, 41943040);
	CHECK_U64(ci.mem_peak, 52428800);
	CHECK(ci.has_mem_stat);
	CHECK_U64(ci.mem_inactive_file, 8388608);
	CHECK(ci.has_pids_limit && ci.has_pids_current);
	CHECK_U64(ci.pids_limit, 256);
	CHECK_U64(ci.pids_current, 7);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "overlay-root");
	done();
}

static void
t_v2nested(void)
{
	struct cgroup_info ci;
	char kind[32];

	use_fixture("cgroup-v2nested");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/build.slice/ci.slice/job-42.scope");
	/* The leaf has no quota; its parent's 1.5 CPUs apply. */
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == 150000);
	CHECK_U64(ci.cpu_period_us, 100000);
	CHECK(ci.cpu_limit == 1.5);
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 4) == 2);
	/* The leaf allows 2G, its parent 1G. */
	CHECK(ci.has_mem_limit);
	CHECK_U64(ci.mem_limit, 1073741824);
	CHECK(ci.has_mem_current);
	CHECK_U64(ci.mem_current, 7340032);
	CHECK(!ci.has_mem_peak);
	CHECK(ci.has_mem_stat);
	CHECK_U64(ci.mem_inactive_file, 8388608);
	CHECK_U64(ci.pids_limit, 100);
	CHECK_U64(ci.pids_current, 3);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 0);
	CHECK_STR(kind, "");
	done();
}

static void
t_v2nons(void)
{
	struct cgroup_info ci;
	char kind[32];

	/* The mount's root is the container's own cgroup. */
	use_fixture("cgroup-v2nons");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/system.slice/docker-5e1c0f3a.scope");
	CHECK(ci.cpu_quota_us == 200000);
	CHECK(ci.cpu_limit == 2.0);
	CHECK(ci.has_mem_limit);
	CHECK(ci.mem_limit == CG_UNLIMITED);
	CHECK_U64(ci.mem_current, 1048576);
	CHECK(!ci.has_mem_peak && !ci.has_mem_stat);
	CHECK(ci.has_pids_limit);
	CHECK(ci.pids_limit == CG_UNLIMITED);
	CHECK_U64(ci.pids_current, 1);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "docker");
	done();
}

static void
t_v2fallback(void)
{
	struct cgroup_info ci;
	char kind[32];

	/* The host path is not there: the mount point is read instead. */
	use_fixture("cgroup-v2fallback");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == -1);
	CHECK_U64(ci.cpu_period_us, 100000);
	CHECK(ci.cpu_limit == 0);
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 4) == 4);
	CHECK_U64(ci.mem_limit, 268435456);
	CHECK(!ci.has_mem_current && !ci.has_pids_limit);
	CHECK(ci.pids_limit == CG_UNLIMITED);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "kubepods");
	/* A short buffer gets a truncated kind. */
	CHECK(cgroup_in_container(kind, 5) == 1);
	CHECK_STR(kind, "kube");
	CHECK(cgroup_in_container(NULL, 0) == 1);
	done();
}

static void
t_v1quota(void)
{
	struct cgroup_info ci;
	char kind[32];

	use_fixture("cgroup-v1quota");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 1);
	CHECK_PATH(ci.path, "/docker/5e1c");
	CHECK_PATH(ci.cpu_path, "/docker/5e1c");
	/* Leaf 2.5 CPUs, parent 2. */
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == 200000);
	CHECK_U64(ci.cpu_period_us, 100000);
	CHECK(ci.cpu_limit == 2.0);
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 8) == 2);
	CHECK_U64(ci.mem_limit, 536870912);
	CHECK_U64(ci.mem_current, 104857600);
	CHECK_U64(ci.mem_peak, 209715200);
	CHECK(ci.has_mem_stat);
	CHECK_U64(ci.mem_inactive_file, 4096);
	CHECK(ci.has_pids_limit && ci.has_pids_current);
	CHECK_U64(ci.pids_limit, 50);
	CHECK_U64(ci.pids_current, 4);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 0);
	done();
}

static void
t_v1box(void)
{
	struct cgroup_info ci;
	char kind[32];

	/* Captured on a hybrid VM: v1 controllers plus an empty cgroup2. */
	use_fixture("cgroup-v1box");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 1);
	CHECK_PATH(ci.path, V1BOX_MEM);
	CHECK_PATH(ci.cpu_path, "/");
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == -1);
	CHECK_U64(ci.cpu_period_us, 100000);
	CHECK(ci.cpu_limit == 0);
	CHECK(ci.has_mem_limit);
	CHECK(ci.mem_limit == CG_UNLIMITED);
	CHECK(ci.has_mem_current && ci.has_mem_peak && ci.has_mem_stat);
	CHECK_U64(ci.mem_current, 4665344);
	CHECK_U64(ci.mem_peak, 6860800);
	CHECK_U64(ci.mem_inactive_file, 69632);
	CHECK(!ci.has_pids_limit && !ci.has_pids_current);
	CHECK(ci.pids_limit == CG_UNLIMITED);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 0);
	done();
}

static void
t_env_container(void)
{
	char kind[32];

	use_fixture("cgroup-v1box");
	setenv("container", "systemd-nspawn", 1);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "systemd-nspawn");
	setenv("container", "", 1);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "container-env");
	unsetenv("container");
	done();
}

static void
t_none(void)
{
	struct cgroup_info ci;

	use_fixture("cgroup-none");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 0);
	CHECK(!ci.has_cpu && !ci.has_mem_limit && !ci.has_pids_limit);
	CHECK(ci.cpu_quota_us == -1);
	CHECK(ci.mem_limit == CG_UNLIMITED);
	done();

	/* No /proc/self/cgroup at all. */
	use_fixture("cgroup-missing");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 0);
	done();
}

static void
t_malformed(void)
{
	struct cgroup_info ci;

	use_fixture("cgroup-v2bad");
	errno = 0;
	CHECK(cgroup_read(&ci) == -1);
	CHECK(errno == EINVAL);
	done();
}

static void
t_real(void)
{
	struct cgroup_info ci;
	char kind[32];
	int r;

	unsetenv("SYSKIT_PROC");
	unsetenv("SYSKIT_SYS");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 1 || ci.version == 2);
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 4) >= 1);
	r = cgroup_in_container(kind, sizeof(kind));
	CHECK(r == 0 || r == 1);
	CHECK(r == 1 || kind[0] == '\0');
}

void
test_cgroup(void)
{
	unit_run("cgroup parse cpu.max", t_parse_cpu_max);
	unit_run("cgroup parse limit", t_parse_limit);
	unit_run("cgroup parse self", t_parse_self);
	unit_run("cgroup effective cpus", t_effective_cpus);
	unit_run("cgroup v2 container", t_v2ctr);
	unit_run("cgroup v2 nested", t_v2nested);
	unit_run("cgroup v2 no namespace", t_v2nons);
	unit_run("cgroup v2 fallback", t_v2fallback);
	unit_run("cgroup v1 quota", t_v1quota);
	unit_run("cgroup v1 box", t_v1box);
	unit_run("cgroup env container", t_env_container);
	unit_run("cgroup none", t_none);
	unit_run("cgroup malformed", t_malformed);
	unit_run("cgroup real machine", t_real);
}
