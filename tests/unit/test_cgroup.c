/* Unit tests for lib/cgroup: the parsers, and cgroup_read on fixture trees. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

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
t_v1nons(void)
{
	struct cgroup_info ci;
	char kind[32];

	/*
	 * No cgroup namespace: the mounts' root is the container's cgroup
	 * /docker/abc and the process sits in its child "app", so memory and
	 * pids are read from <mount>/app up to the mount point.
	 */
	use_fixture("cgroup-v1nons");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 1);
	CHECK_PATH(ci.path, "/docker/abc/app");
	CHECK_PATH(ci.cpu_path, "/docker/abc");
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == 150000);
	CHECK(ci.cpu_limit == 1.5);
	CHECK(ci.has_mem_limit);
	CHECK_U64(ci.mem_limit, 1073741824);
	CHECK(ci.has_mem_current && ci.has_mem_peak && ci.has_mem_stat);
	CHECK_U64(ci.mem_current, 52428800);
	CHECK_U64(ci.mem_peak, 73400320);
	CHECK_U64(ci.mem_inactive_file, 1048576);
	CHECK(ci.has_pids_limit && ci.has_pids_current);
	CHECK_U64(ci.pids_limit, 64);
	CHECK_U64(ci.pids_current, 5);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "docker");
	done();
}

static void
t_v2odd(void)
{
	struct cgroup_info ci;

	/*
	 * cgroup2 on /sys/fs/cgroup/unified, a tmpfs on /sys/fs/cgroup with
	 * look-alike files but no cgroup.controllers: only the mount table
	 * finds the hierarchy.
	 */
	use_fixture("cgroup-v2odd");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/app.slice/web.service");
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == -1);
	CHECK_U64(ci.mem_limit, 2147483648);
	CHECK_U64(ci.mem_current, 3145728);
	CHECK_U64(ci.pids_limit, 32);
	CHECK_U64(ci.pids_current, 2);
	done();
}

static void
t_v2fast(void)
{
	struct cgroup_info ci;

	/* The usual layout and no mount table: found where systemd puts it. */
	use_fixture("cgroup-v2fast");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/user.slice/user-1000.slice/session-3.scope");
	CHECK_PATH(ci.cpu_path, ci.path);
	CHECK(ci.has_cpu);
	CHECK(ci.cpu_quota_us == 200000);
	CHECK(ci.cpu_limit == 2.0);
	CHECK(ci.has_mem_limit && ci.has_mem_current && ci.has_mem_peak);
	CHECK_U64(ci.mem_limit, 2147483648);
	CHECK_U64(ci.mem_current, 10485760);
	CHECK_U64(ci.mem_peak, 20971520);
	CHECK(ci.has_mem_stat);
	CHECK_U64(ci.mem_inactive_file, 1048576);
	CHECK(ci.has_pids_limit && ci.has_pids_current);
	CHECK_U64(ci.pids_limit, 1000);
	CHECK_U64(ci.pids_current, 12);
	done();
}

static void
t_v2decoy(void)
{
	struct cgroup_info ci;

	/*
	 * self/cgroup puts memory on v1, but <sys>/fs/cgroup/memory is a v2
	 * cgroup (no "tasks"), and there is no mount table to say otherwise:
	 * no v1 hierarchy, so v2.
	 */
	use_fixture("cgroup-v2decoy");
	CHECK(cgroup_read(&ci) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/");
	CHECK(ci.has_mem_limit);
	CHECK_U64(ci.mem_limit, 1000000);
	done();
}

static void
t_v2long(void)
{
	struct cgroup_info ci;

	/* A self/cgroup longer than the stack buffer is read whole. */
	use_fixture("cgroup-v2long");
	CHECK(cgroup_read_mask(&ci, CG_MEM) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/");
	CHECK_U64(ci.mem_limit, 7340032);
	done();
}

static void
t_mask(void)
{
	struct cgroup_info ci;

	use_fixture("cgroup-v2fast");
	CHECK(cgroup_read_mask(&ci, CG_MEM) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/user.slice/user-1000.slice/session-3.scope");
	CHECK(!ci.has_cpu && ci.cpu_quota_us == -1 && ci.cpu_limit == 0);
	CHECK(ci.has_mem_limit && ci.has_mem_current && ci.has_mem_stat);
	CHECK_U64(ci.mem_limit, 2147483648);
	CHECK(!ci.has_pids_limit && !ci.has_pids_current);
	CHECK(ci.pids_limit == CG_UNLIMITED);

	CHECK(cgroup_read_mask(&ci, CG_CPU) == 0);
	CHECK(ci.version == 2);
	CHECK(ci.has_cpu && ci.cpu_limit == 2.0);
	CHECK(!ci.has_mem_limit && !ci.has_mem_current && !ci.has_mem_stat);
	CHECK(ci.mem_limit == CG_UNLIMITED);
	CHECK(!ci.has_pids_limit);

	CHECK(cgroup_read_mask(&ci, CG_PIDS) == 0);
	CHECK(!ci.has_cpu && !ci.has_mem_limit);
	CHECK(ci.has_pids_limit && ci.has_pids_current);
	CHECK_U64(ci.pids_limit, 1000);

	/* Nothing asked: only where the cgroup is. */
	CHECK(cgroup_read_mask(&ci, 0) == 0);
	CHECK(ci.version == 2);
	CHECK_PATH(ci.path, "/user.slice/user-1000.slice/session-3.scope");
	CHECK(!ci.has_cpu && !ci.has_mem_limit && !ci.has_pids_limit);
	done();

	/* v1: version and both paths do not depend on the mask. */
	use_fixture("cgroup-v1box");
	CHECK(cgroup_read_mask(&ci, CG_CPU) == 0);
	CHECK(ci.version == 1);
	CHECK_PATH(ci.path, V1BOX_MEM);
	CHECK_PATH(ci.cpu_path, "/");
	CHECK(ci.has_cpu && !ci.has_mem_limit && !ci.has_mem_current);
	CHECK(cgroup_read_mask(&ci, CG_MEM) == 0);
	CHECK(ci.version == 1);
	CHECK_PATH(ci.path, V1BOX_MEM);
	CHECK_PATH(ci.cpu_path, "/");
	CHECK(!ci.has_cpu && ci.has_mem_current && ci.has_mem_stat);
	CHECK_U64(ci.mem_current, 4665344);
	/* no memory limit: CG_MEM_LIMITED reads the limit alone */
	CHECK(cgroup_read_mask(&ci, CG_MEM | CG_MEM_LIMITED) == 0);
	CHECK(ci.has_mem_limit && ci.mem_limit == CG_UNLIMITED);
	CHECK(!ci.has_mem_current && !ci.has_mem_peak && !ci.has_mem_stat);
	done();

	/* under a limit it reads usage, peak and memory.stat as well */
	use_fixture("cgroup-v2fast");
	CHECK(cgroup_read_mask(&ci, CG_MEM | CG_MEM_LIMITED) == 0);
	CHECK_U64(ci.mem_limit, 2147483648);
	CHECK(ci.has_mem_current && ci.has_mem_stat);
	done();

	/* A malformed file that is not asked for is not read. */
	use_fixture("cgroup-v2bad");
	CHECK(cgroup_read_mask(&ci, CG_MEM | CG_PIDS) == 0);
	CHECK(ci.version == 2);
	errno = 0;
	CHECK(cgroup_read_mask(&ci, CG_CPU) == -1);
	CHECK(errno == EINVAL);
	done();
}

/*
 * Both ways to a hierarchy must agree: each fixture is read as it is (by
 * the mount table, when its cgroup directories lack the marker files the
 * fast path looks for), then copied with every cgroup directory given its
 * marker and without self/mountinfo, which only the fast path can read.
 */
static char twin[64];
static size_t twin_src;
static int twin_v1, twin_err;

static int
twin_copy(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char dst[1024], buf[4096];
	const char *rel = path + twin_src;
	ssize_t n;
	int in, out;

	(void)st;
	(void)f;
	snprintf(dst, sizeof(dst), "%s%s", twin, rel);
	if (type == FTW_D) {
		if (*rel != '\0' && mkdir(dst, 0755) == -1)
			twin_err = 1;
		/* v2: sys/fs/cgroup and every dir below; v1: those below. */
		if (strncmp(rel, "/sys/fs/cgroup", 14) == 0 &&
		    (rel[14] == '/' ? rel[15] != '\0' :
		    rel[14] == '\0' && !twin_v1)) {
			snprintf(dst, sizeof(dst), "%s%s/%s", twin, rel,
			    twin_v1 ? "tasks" : "cgroup.controllers");
			if ((out = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC,
			    0644)) == -1)
				twin_err = 1;
			else
				close(out);
		}
		return 0;
	}
	if (type != FTW_F || strcmp(rel, "/proc/self/mountinfo") == 0)
		return 0;
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		twin_err = 1;
		if (in != -1)
			close(in);
		return 0;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			twin_err = 1;
	close(in);
	close(out);
	return 0;
}

static int
twin_rm(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	remove(path);
	return 0;
}

static void
twin_check(const char *name, int v1)
{
	struct cgroup_info a, b;
	char src[512], msg[128];
	int ra, rb, ea, eb;

	snprintf(src, sizeof(src), "%s/%s", FIXTURES, name);
	snprintf(twin, sizeof(twin), "/tmp/syskit-cgtwin.XXXXXX");
	if (mkdtemp(twin) == NULL) {
		unit_fail(__FILE__, __LINE__, "mkdtemp");
		return;
	}
	twin_src = strlen(src);
	twin_v1 = v1;
	twin_err = 0;
	CHECK(nftw(src, twin_copy, 16, FTW_PHYS) == 0);
	CHECK(!twin_err);

	use_fixture(name);
	errno = 0;
	ra = cgroup_read(&a);
	ea = errno;
	setenv("SYSKIT_PROC", src, 1);
	snprintf(src, sizeof(src), "%s/proc", twin);
	setenv("SYSKIT_PROC", src, 1);
	snprintf(src, sizeof(src), "%s/sys", twin);
	setenv("SYSKIT_SYS", src, 1);
	errno = 0;
	rb = cgroup_read(&b);
	eb = errno;
	done();
	nftw(twin, twin_rm, 16, FTW_DEPTH | FTW_PHYS);

	snprintf(msg, sizeof(msg), "%s: fast path differs", name);
	if (ra != rb || (ra == -1 && ea != eb) || (ra == 0 &&
	    (a.version != b.version || strcmp(a.path, b.path) != 0 ||
	    strcmp(a.cpu_path, b.cpu_path) != 0 || a.has_cpu != b.has_cpu ||
	    a.cpu_quota_us != b.cpu_quota_us ||
	    a.cpu_period_us != b.cpu_period_us ||
	    a.cpu_limit != b.cpu_limit ||
	    a.has_mem_limit != b.has_mem_limit ||
	    a.has_mem_current != b.has_mem_current ||
	    a.has_mem_peak != b.has_mem_peak ||
	    a.has_mem_stat != b.has_mem_stat || a.mem_limit != b.mem_limit ||
	    a.mem_current != b.mem_current || a.mem_peak != b.mem_peak ||
	    a.mem_inactive_file != b.mem_inactive_file ||
	    a.has_pids_limit != b.has_pids_limit ||
	    a.has_pids_current != b.has_pids_current ||
	    a.pids_limit != b.pids_limit ||
	    a.pids_current != b.pids_current)))
		unit_fail(__FILE__, __LINE__, msg);
}

static void
t_twins(void)
{
	twin_check("cgroup-none", 0);
	twin_check("cgroup-v2bad", 0);
	twin_check("cgroup-v2ctr", 0);
	twin_check("cgroup-v2nested", 0);
	twin_check("cgroup-v2nons", 0);
	twin_check("cgroup-v2fallback", 0);
	twin_check("cgroup-v1quota", 1);
	twin_check("cgroup-v1box", 1);
	twin_check("cgroup-v1nons", 1);
}

static void
t_env_container(void)
{
	char kind[32];

	/* the variable describes this process: it counts for the real
	 * /proc (checked first, whatever the machine is) ... */
	unsetenv("SYSKIT_PROC");
	unsetenv("SYSKIT_SYS");
	setenv("container", "systemd-nspawn", 1);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "systemd-nspawn");
	setenv("container", "", 1);
	CHECK(cgroup_in_container(kind, sizeof(kind)) == 1);
	CHECK_STR(kind, "container-env");
	/* ... and never for a tree read through SYSKIT_PROC */
	use_fixture("cgroup-v1box");
	setenv("container", "systemd-nspawn", 1);
	cgroup_in_container(kind, sizeof(kind));
	CHECK(strcmp(kind, "systemd-nspawn") != 0);
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

/* A malformed file and a FIFO (issue 8): EINVAL at once, and ci.file
 * names the file; alarm() turns a hang into a failure. */
static void
t_bad_file(void)
{
	char top[] = "/tmp/syskit-cg.XXXXXX", cmd[256], p[320];
	struct cgroup_info ci;
	const char *tail;

	use_fixture("cgroup-v2bad");
	errno = 0;
	CHECK(cgroup_read(&ci) == -1 && errno == EINVAL);
	tail = "/sys/fs/cgroup/cpu.max";
	CHECK(strlen(ci.file) > strlen(tail) &&
	    strcmp(ci.file + strlen(ci.file) - strlen(tail), tail) == 0);
	done();

	if (mkdtemp(top) == NULL) {
		unit_fail(__FILE__, __LINE__, "mkdtemp");
		return;
	}
	snprintf(cmd, sizeof(cmd), "cp -R %s/cgroup-v2ctr/. '%s' && "
	    "rm '%s/sys/fs/cgroup/memory.max' && "
	    "mkfifo '%s/sys/fs/cgroup/memory.max'", FIXTURES, top, top, top);
	CHECK(system(cmd) == 0);
	snprintf(p, sizeof(p), "%s/proc", top);
	setenv("SYSKIT_PROC", p, 1);
	snprintf(p, sizeof(p), "%s/sys", top);
	setenv("SYSKIT_SYS", p, 1);
	alarm(10);
	errno = 0;
	CHECK(cgroup_read(&ci) == -1 && errno == EINVAL);
	alarm(0);
	snprintf(p, sizeof(p), "%s/sys/fs/cgroup/memory.max", top);
	CHECK_STR(ci.file, p);
	/* the controllers not asked for are not read */
	CHECK(cgroup_read_mask(&ci, CG_CPU) == 0);
	CHECK(ci.file[0] == '\0');
	done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	CHECK(system(cmd) == 0);
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
	CHECK(ci.version >= 0 && ci.version <= 2);	/* 0: no cgroup fs (a chroot) */
	CHECK(cgroup_effective_cpus(ci.cpu_limit, 4) >= 1);
	r = cgroup_in_container(kind, sizeof(kind));
	CHECK(r == 0 || r == 1);
	CHECK(r == 1 || kind[0] == '\0');
}

UNIT_SUITE(test_cgroup);

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
	unit_run("cgroup v1 no namespace, child cgroup", t_v1nons);
	unit_run("cgroup v2 mounted off /sys/fs/cgroup", t_v2odd);
	unit_run("cgroup v2 fast path", t_v2fast);
	unit_run("cgroup v2 look-alike v1 directory", t_v2decoy);
	unit_run("cgroup v2 long self/cgroup", t_v2long);
	unit_run("cgroup read mask", t_mask);
	unit_run("cgroup fast path agrees with mountinfo", t_twins);
	unit_run("cgroup env container", t_env_container);
	unit_run("cgroup none", t_none);
	unit_run("cgroup malformed", t_malformed);
	unit_run("cgroup a malformed file, a FIFO", t_bad_file);
	unit_run("cgroup real machine", t_real);
}
