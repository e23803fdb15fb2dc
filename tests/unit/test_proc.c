/* Unit tests of lib/proc: parsers on the captured trees under
 * tests/fixtures/{proc,sys}-{v1box,noswap} and on inline edge cases. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/proc.h"
#include "unit.h"

#define V1PROC	FIXTURES "/proc-v1box"
#define V1SYS	FIXTURES "/sys-v1box"
#define NSPROC	FIXTURES "/proc-noswap"
#define NSSYS	FIXTURES "/sys-noswap"
#define NOWHERE	FIXTURES "/no-such-tree"

/* Within 1e-9: no libm, the unit runner links only libbsd. */
#define CHECK_DBL(a, b)						\
	CHECK((double)(a) - (double)(b) < 1e-9 &&			\
	    (double)(b) - (double)(a) < 1e-9)

static char *saved_proc, *saved_sys;

/* Point the readers at a tree; roots_restore() undoes it. */
static void
roots_set(const char *proc, const char *sys)
{
	const char *p = getenv("SYSKIT_PROC"), *s = getenv("SYSKIT_SYS");

	free(saved_proc);
	free(saved_sys);
	saved_proc = p != NULL ? strdup(p) : NULL;
	saved_sys = s != NULL ? strdup(s) : NULL;
	if (proc != NULL)
		setenv("SYSKIT_PROC", proc, 1);
	else
		unsetenv("SYSKIT_PROC");
	if (sys != NULL)
		setenv("SYSKIT_SYS", sys, 1);
	else
		unsetenv("SYSKIT_SYS");
}

static void
roots_restore(void)
{
	if (saved_proc != NULL)
		setenv("SYSKIT_PROC", saved_proc, 1);
	else
		unsetenv("SYSKIT_PROC");
	if (saved_sys != NULL)
		setenv("SYSKIT_SYS", saved_sys, 1);
	else
		unsetenv("SYSKIT_SYS");
	free(saved_proc);
	free(saved_sys);
	saved_proc = saved_sys = NULL;
}

/* The parsers take (buf, len): hand them strings without the NUL. */
#define S(str)	(str), (sizeof(str) - 1)

static void
test_roots(void)
{
	char buf[256];

	roots_set(NULL, NULL);
	CHECK_STR(proc_root(), "/proc");
	CHECK_STR(sys_root(), "/sys");
	roots_set("", "");
	CHECK_STR(proc_root(), "/proc");
	CHECK_STR(sys_root(), "/sys");
	roots_set("/tmp/p", "/tmp/s");
	CHECK_STR(proc_root(), "/tmp/p");
	CHECK_STR(sys_root(), "/tmp/s");

	CHECK(proc_path(buf, sizeof(buf), "/sys/fs/cgroup/cpu") == 0);
	CHECK_STR(buf, "/tmp/s/fs/cgroup/cpu");
	CHECK(proc_path(buf, sizeof(buf), "/proc/self/mountinfo") == 0);
	CHECK_STR(buf, "/tmp/p/self/mountinfo");
	CHECK(proc_path(buf, sizeof(buf), "/sys") == 0);
	CHECK_STR(buf, "/tmp/s");
	/* not a /sys component: left alone */
	CHECK(proc_path(buf, sizeof(buf), "/system/x") == 0);
	CHECK_STR(buf, "/system/x");
	CHECK(proc_path(buf, sizeof(buf), "/cgroup/memory") == 0);
	CHECK_STR(buf, "/cgroup/memory");
	errno = 0;
	CHECK(proc_path(buf, sizeof(buf), "sys/fs") == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_path(buf, 8, "/sys/fs/cgroup") == -1 &&
	    errno == ENAMETOOLONG);
	roots_restore();
}

static void
test_slurp(void)
{
	char *b;
	size_t len = 0;
	struct stat sb;

	b = proc_slurp(V1PROC, "meminfo", &len);
	CHECK(b != NULL);
	CHECK(stat(V1PROC "/meminfo", &sb) == 0);
	CHECK_U64(len, sb.st_size);
	if (b != NULL) {
		CHECK_U64(strlen(b), len);
		CHECK(strncmp(b, "MemTotal:", 9) == 0);
	}
	free(b);

	/* a leading slash on rel is harmless */
	b = proc_slurp(V1PROC, "/loadavg", &len);
	CHECK(b != NULL);
	free(b);

	/* a /proc file reports size 0 and is longer than one buffer */
	b = proc_slurp("/proc", "self/smaps", &len);
	CHECK(b != NULL);
	if (b != NULL) {
		CHECK(len > 4096);
		CHECK_U64(strlen(b), len);
	}
	free(b);

	errno = 0;
	CHECK(proc_slurp(V1PROC, "nosuchfile", &len) == NULL &&
	    errno == ENOENT);
	errno = 0;
	CHECK(proc_slurp(NULL, "x", &len) == NULL && errno == EINVAL);
}

/* Write name in dir with the given content. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd != -1);
	if (fd == -1)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_read_numbers(void)
{
	char dir[] = "/tmp/syskit-proc-XXXXXX", buf[16], path[512];
	const char *names[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i",
	    "j", "k" };
	uint64_t u;
	int64_t i;
	size_t k;

	CHECK(mkdtemp(dir) != NULL);
	put(dir, "a", "42\n");
	put(dir, "b", "  7 \n");
	put(dir, "c", "-1\n");
	put(dir, "d", "abc\n");
	put(dir, "e", "");
	put(dir, "f", "18446744073709551615\n");
	put(dir, "g", "18446744073709551616\n");
	put(dir, "h", "-9223372036854775808\n");
	put(dir, "i", "9223372036854775808\n");
	put(dir, "j", "12 34\n");
	put(dir, "k", "0123456789abcdefXYZ\n");

	CHECK(proc_read_u64(dir, "a", &u) == 0);
	CHECK_U64(u, 42);
	CHECK(proc_read_u64(dir, "b", &u) == 0);
	CHECK_U64(u, 7);
	errno = 0;
	CHECK(proc_read_u64(dir, "c", &u) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_u64(dir, "d", &u) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_u64(dir, "e", &u) == -1 && errno == EINVAL);
	CHECK(proc_read_u64(dir, "f", &u) == 0);
	CHECK_U64(u, UINT64_MAX);
	errno = 0;
	CHECK(proc_read_u64(dir, "g", &u) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_u64(dir, "j", &u) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_u64(dir, "nope", &u) == -1 && errno == ENOENT);

	CHECK(proc_read_i64(dir, "c", &i) == 0);
	CHECK(i == -1);
	CHECK(proc_read_i64(dir, "a", &i) == 0);
	CHECK(i == 42);
	CHECK(proc_read_i64(dir, "h", &i) == 0);
	CHECK(i == INT64_MIN);
	errno = 0;
	CHECK(proc_read_i64(dir, "i", &i) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_i64(dir, "d", &i) == -1 && errno == EINVAL);

	CHECK(proc_read_str(dir, "b", buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "  7 ");
	CHECK(proc_read_str(dir, "e", buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "");
	/* 20 bytes do not fit in 16: an error, never a silent cut */
	errno = 0;
	CHECK(proc_read_str(dir, "k", buf, sizeof(buf)) == -1 &&
	    errno == ERANGE);
	/* exactly fitting: "abc\n" in 5 bytes */
	CHECK(proc_read_str(dir, "d", buf, 5) == 0);
	CHECK_STR(buf, "abc");

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
		unlink(path);
	}
	rmdir(dir);
}

static void
test_meminfo_v1box(void)
{
	struct meminfo mi;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_meminfo(&mi) == 0);
	CHECK_U64(mi.mem_total, 24684092ULL * 1024);
	CHECK_U64(mi.mem_free, 24440000ULL * 1024);
	CHECK_U64(mi.mem_available, 24394160ULL * 1024);
	CHECK_U64(mi.buffers, 1156ULL * 1024);
	CHECK_U64(mi.cached, 100296ULL * 1024);
	CHECK_U64(mi.swap_cached, 0);
	CHECK_U64(mi.active, 62440ULL * 1024);
	CHECK_U64(mi.inactive, 38820ULL * 1024);
	CHECK_U64(mi.shmem, 8856ULL * 1024);
	CHECK_U64(mi.slab, 78548ULL * 1024);
	CHECK_U64(mi.sreclaimable, 56628ULL * 1024);
	CHECK_U64(mi.swap_total, 0);
	CHECK_U64(mi.swap_free, 0);
	CHECK_U64(mi.active_file, 60896ULL * 1024);
	CHECK_U64(mi.inactive_file, 31680ULL * 1024);
	CHECK_U64(mi.has, 0x7fff);
	roots_restore();
}

/* psutil's calculate_avail_vmem, in signed arithmetic as Python does. */
static uint64_t
expect_avail(long long free_, long long pagecache, long long sr,
    long long low_pages)
{
	long long low = low_pages * sysconf(_SC_PAGESIZE), avail;

	avail = free_ - low;
	avail += pagecache - (pagecache / 2 < low ? pagecache / 2 : low);
	avail += sr - (sr / 2 < low ? sr / 2 : low);
	return avail < 0 ? 0 : (uint64_t)avail;
}

static void
test_meminfo_noswap(void)
{
	struct meminfo mi;

	roots_set(NSPROC, NSSYS);
	CHECK(proc_meminfo(&mi) == 0);
	CHECK(!(mi.has & MI_MEMAVAILABLE));
	CHECK(mi.has & MI_SWAPTOTAL);
	CHECK_U64(mi.mem_available, 0);
	CHECK_U64(mi.swap_total, 0);
	CHECK_U64(mi.mem_total, 2048000ULL * 1024);
	/* zoneinfo low watermarks: 5 + 1000 + 3000 pages */
	CHECK_U64(proc_mem_available_estimate(&mi),
	    expect_avail(512000LL * 1024, 950000LL * 1024, 90000LL * 1024,
	    4005));
	if (sysconf(_SC_PAGESIZE) == 4096)
		CHECK_U64(proc_mem_available_estimate(&mi), 1540034560ULL);

	/* no SReclaimable: free + cached, as psutil */
	mi.has &= ~MI_SRECLAIMABLE;
	CHECK_U64(proc_mem_available_estimate(&mi),
	    (512000ULL + 768000) * 1024);
	mi.has |= MI_SRECLAIMABLE;

	/* no zoneinfo: free + cached */
	roots_set(NOWHERE, NOWHERE);
	CHECK_U64(proc_mem_available_estimate(&mi),
	    (512000ULL + 768000) * 1024);

	/* the v1box numbers through the same formula */
	roots_set(V1PROC, V1SYS);
	CHECK(proc_meminfo(&mi) == 0);
	CHECK_U64(proc_mem_available_estimate(&mi),
	    expect_avail(24440000LL * 1024, (60896LL + 31680) * 1024,
	    56628LL * 1024, 77 + 15712 + 5328 + 32 + 0));
	/* the number psutil 5.9.4's calculate_avail_vmem gives */
	if (sysconf(_SC_PAGESIZE) == 4096)
		CHECK_U64(proc_mem_available_estimate(&mi), 25016326144ULL);

	/* watermarks above everything: clamped at 0 */
	memset(&mi, 0, sizeof(mi));
	mi.has = MI_ACTIVEFILE | MI_INACTIVEFILE | MI_SRECLAIMABLE;
	mi.mem_free = 4096;
	CHECK_U64(proc_mem_available_estimate(&mi), 0);
	roots_restore();
}

static void
test_meminfo_edges(void)
{
	struct meminfo mi;
	const char two[] = "MemTotal: 1 kB\nMemFree: 2 kB\n";

	CHECK(proc_meminfo_parse(S("MemTotal:   8 kB\nJunk line\n"
	    "HugePages_Total:       0\nWeird: x y z\n"), &mi) == 0);
	CHECK_U64(mi.mem_total, 8192);
	CHECK_U64(mi.has, MI_MEMTOTAL);

	/* saturates instead of wrapping */
	CHECK(proc_meminfo_parse(S("MemTotal: 18446744073709551615 kB\n"),
	    &mi) == 0);
	CHECK_U64(mi.mem_total, UINT64_MAX);

	errno = 0;
	CHECK(proc_meminfo_parse(S("MemTotal: abc kB\n"), &mi) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_meminfo_parse(S("MemTotal: 5 MB\n"), &mi) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_meminfo_parse(S("MemTotal:\n"), &mi) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_meminfo_parse(S("MemFree: 5 kB\n"), &mi) == -1 &&
	    errno == EINVAL);
	CHECK(proc_meminfo_parse(S(""), &mi) == -1);

	/* len is the bound: MemFree lies past it */
	CHECK(proc_meminfo_parse(two, 15, &mi) == 0);
	CHECK_U64(mi.has, MI_MEMTOTAL);
	CHECK_U64(mi.mem_total, 1024);
	/* ... and a number cut by len is a shorter number */
	CHECK(proc_meminfo_parse("MemTotal: 12345 kB", 12, &mi) == 0);
	CHECK_U64(mi.mem_total, 12);
}

static void
test_vmstat(void)
{
	struct vmstat vm;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_vmstat(&vm) == 0);
	CHECK_U64(vm.pswpin, 0);
	CHECK_U64(vm.pswpout, 0);
	CHECK_U64(vm.pgfault, 1253976);
	CHECK_U64(vm.pgmajfault, 1014);
	CHECK_U64(vm.has, VM_PSWPIN | VM_PSWPOUT);

	roots_set(NSPROC, NSSYS);
	CHECK(proc_vmstat(&vm) == 0);
	CHECK_U64(vm.has, 0);
	CHECK_U64(vm.pgfault, 987654);
	CHECK_U64(vm.pgmajfault, 4321);
	roots_restore();

	CHECK(proc_vmstat_parse(S("pswpin 3\npswpout 4\n"), &vm) == 0);
	CHECK_U64(vm.pswpin, 3);
	CHECK_U64(vm.pswpout, 4);
	errno = 0;
	CHECK(proc_vmstat_parse(S("pswpin x\n"), &vm) == -1 &&
	    errno == EINVAL);
}

static void
test_stat_v1box(void)
{
	struct proc_stat st;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_stat(&st) == 0);
	CHECK_U64(st.total.user, 1168);
	CHECK_U64(st.total.nice, 0);
	CHECK_U64(st.total.system, 1230);
	CHECK_U64(st.total.idle, 72012);
	CHECK_U64(st.total.iowait, 212);
	CHECK_U64(st.total.irq, 0);
	CHECK_U64(st.total.softirq, 21);
	CHECK_U64(st.total.steal, 6);
	CHECK_U64(st.total.guest, 0);
	CHECK_U64(st.total.guest_nice, 0);
	CHECK(st.total.nfields == 10);
	CHECK(st.ncpu == 2);
	if (st.ncpu == 2) {
		CHECK(st.cpu_id[0] == 0 && st.cpu_id[1] == 1);
		CHECK_U64(st.cpu[1].user, 888);
		CHECK_U64(st.cpu[1].system, 765);
		CHECK_U64(st.cpu[1].idle, 35434);
		CHECK_U64(st.cpu[1].iowait, 209);
		CHECK_U64(st.cpu[1].steal, 5);
		CHECK_U64(st.cpu[0].idle, 36577);
	}
	CHECK_U64(st.ctxt, 264962);
	CHECK_U64(st.intr, 119507);
	CHECK_U64(st.softirq, 82869);
	CHECK_U64(st.btime, 1795823127);
	CHECK_U64(st.processes, 5292);
	CHECK_U64(st.procs_running, 1);
	CHECK_U64(st.procs_blocked, 0);
	proc_stat_free(&st);
	CHECK(st.cpu == NULL && st.ncpu == 0);
	roots_restore();
	CHECK(proc_clk_tck() > 0);
}

static void
test_stat_noswap(void)
{
	struct proc_stat st;

	roots_set(NSPROC, NSSYS);
	CHECK(proc_stat(&st) == 0);
	CHECK(st.total.nfields == 8);
	CHECK_U64(st.total.user, 4705);
	CHECK_U64(st.total.irq, 23);
	CHECK_U64(st.total.guest, 0);
	CHECK(st.ncpu == 4);
	if (st.ncpu == 4) {
		CHECK(st.cpu_id[3] == 3);
		CHECK_U64(st.cpu[3].user, 1106);
		CHECK(st.cpu[3].nfields == 8);
	}
	CHECK_U64(st.intr, 1462898);
	CHECK_U64(st.softirq, 0);	/* no softirq line */
	CHECK_U64(st.procs_running, 2);
	CHECK_U64(st.procs_blocked, 1);
	proc_stat_free(&st);

	roots_set(NOWHERE, NOWHERE);
	errno = 0;
	CHECK(proc_stat(&st) == -1 && errno == ENOENT);
	CHECK(st.cpu == NULL);
	roots_restore();
}

static void
test_stat_edges(void)
{
	struct proc_stat st;

	/* a gap (cpu1, cpu2 offline), 4 fields, the rest 0 */
	CHECK(proc_stat_parse(S("cpu 1 2 3 4\ncpu0 5 6 7 8\n"
	    "cpu3 9 10 11 12 13\nintr 7\n"), &st) == 0);
	CHECK(st.ncpu == 2);
	if (st.ncpu == 2) {
		CHECK(st.cpu_id[0] == 0 && st.cpu_id[1] == 3);
		CHECK_U64(st.cpu[1].iowait, 13);
		CHECK(st.cpu[1].nfields == 5);
	}
	CHECK(st.total.nfields == 4);
	CHECK_U64(st.total.iowait, 0);
	CHECK_U64(st.intr, 7);
	proc_stat_free(&st);

	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3\n"), &st) == -1 && errno == EINVAL);
	CHECK(st.cpu == NULL && st.cpu_id == NULL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3 4 5 6 7 8 9 10 11\n"), &st) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 x 4\n"), &st) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3 4\ncpuX 1 2 3 4\n"), &st) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3 4\ncpu0 1 2\n"), &st) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu0 1 2 3 4\nctxt 5\n"), &st) == -1 &&
	    errno == EINVAL);	/* no total line */
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3 4\nctxt\n"), &st) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_stat_parse(S("cpu 1 2 3 4\nintr -1\n"), &st) == -1 &&
	    errno == EINVAL);
	CHECK(proc_stat_parse(S(""), &st) == -1);
}

static void
test_loadavg_uptime(void)
{
	struct loadavg la;
	double up, idle;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_loadavg(&la) == 0);
	CHECK_DBL(la.load1, 0.00);
	CHECK_DBL(la.load5, 0.03);
	CHECK_DBL(la.load15, 0.01);
	CHECK(la.running == 1 && la.total == 87 && la.last_pid == 5292);
	CHECK(proc_uptime(&up, &idle) == 0);
	CHECK_DBL(up, 374.47);
	CHECK_DBL(idle, 720.12);

	roots_set(NSPROC, NSSYS);
	CHECK(proc_loadavg(&la) == 0);
	CHECK_DBL(la.load1, 1.25);
	CHECK_DBL(la.load5, 0.75);
	CHECK_DBL(la.load15, 0.5);
	CHECK(la.running == 3 && la.total == 456 && la.last_pid == 7890);
	CHECK(proc_uptime(&up, NULL) == 0);
	CHECK_DBL(up, 86400.5);
	roots_restore();

	CHECK(proc_loadavg_parse(S("12.34 5 0.001 10/20 1"), &la) == 0);
	CHECK_DBL(la.load1, 12.34);
	CHECK_DBL(la.load5, 5);
	CHECK_DBL(la.load15, 0.001);
	errno = 0;
	CHECK(proc_loadavg_parse(S("0.00 0.01 0.05 1-123 4567\n"), &la) == -1
	    && errno == EINVAL);
	CHECK(proc_loadavg_parse(S("0.00 0.01 0.05 1/123\n"), &la) == -1);
	CHECK(proc_loadavg_parse(S("0,00 0.01 0.05 1/123 4567\n"), &la) == -1);
	CHECK(proc_loadavg_parse(S("0.00 0.01 0.05 /123 4567\n"), &la) == -1);
	CHECK(proc_loadavg_parse(S("0.0.0 0.01 0.05 1/1 4567\n"), &la) == -1);
	CHECK(proc_loadavg_parse(S(""), &la) == -1);
	CHECK(proc_uptime_parse(S("123.45 678.90\n"), &up, &idle) == 0);
	CHECK_DBL(up, 123.45);
	CHECK_DBL(idle, 678.9);
	CHECK(proc_uptime_parse(S("123.45\n"), &up, &idle) == -1);
	CHECK(proc_uptime_parse(S("abc def\n"), &up, &idle) == -1);
	CHECK(proc_uptime_parse(S("-1.0 2.0\n"), &up, &idle) == -1);
}

static void
test_psi(void)
{
	struct psi ps;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_psi("cpu", &ps) == 0);
	CHECK(ps.some.present && ps.full.present);
	CHECK_DBL(ps.some.avg10, 0.00);
	CHECK_DBL(ps.some.avg60, 0.08);
	CHECK_DBL(ps.some.avg300, 0.30);
	CHECK_U64(ps.some.total, 3260332);
	CHECK_U64(ps.full.total, 0);
	CHECK(proc_psi("io", &ps) == 0);
	CHECK_DBL(ps.full.avg60, 0.02);
	CHECK_DBL(ps.full.avg300, 0.20);
	CHECK_U64(ps.full.total, 1988142);
	CHECK_U64(ps.some.total, 2101000);
	CHECK(proc_psi("memory", &ps) == 0);
	CHECK(ps.some.present && ps.full.present);
	CHECK_U64(ps.some.total, 0);
	errno = 0;
	CHECK(proc_psi("../meminfo", &ps) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_psi("", &ps) == -1 && errno == EINVAL);

	roots_set(NSPROC, NSSYS);
	errno = 0;
	CHECK(proc_psi("cpu", &ps) == -1 && errno == ENOENT);
	roots_restore();

	/* older kernels: cpu has only "some" */
	CHECK(proc_psi_parse(S("some avg10=1.50 avg60=2.25 avg300=0.75 "
	    "total=123456\n"), &ps) == 0);
	CHECK(ps.some.present && !ps.full.present);
	CHECK_DBL(ps.some.avg10, 1.5);
	CHECK_DBL(ps.some.avg60, 2.25);
	CHECK_U64(ps.some.total, 123456);
	errno = 0;
	CHECK(proc_psi_parse(S("some avg10=x avg60=0 avg300=0 total=0\n"),
	    &ps) == -1 && errno == EINVAL);
	CHECK(proc_psi_parse(S("some avg10=0 avg60=0 total=0\n"), &ps) == -1);
	CHECK(proc_psi_parse(S("full avg10=0 avg60=0 avg300=0 total=0\n"),
	    &ps) == -1);
	CHECK(proc_psi_parse(S("some avg10 avg60=0 avg300=0 total=0\n"),
	    &ps) == -1);
	CHECK(proc_psi_parse(S("half avg10=0 avg60=0 avg300=0 total=0\n"),
	    &ps) == -1);
}

static void
test_cpuinfo(void)
{
	struct cpuinfo ci;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_cpuinfo(&ci) == 0);
	CHECK_STR(ci.model, "AMD EPYC");
	CHECK(ci.nproc == 2);
	CHECK(ci.nphys == 2);
	CHECK_DBL(ci.mhz, 2596.12);

	roots_set(NSPROC, NSSYS);
	CHECK(proc_cpuinfo(&ci) == 0);
	CHECK_STR(ci.model, "Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz");
	CHECK(ci.nproc == 4);
	CHECK(ci.nphys == 2);
	CHECK_DBL(ci.mhz, 1800.25);
	roots_restore();

	/* 32-bit ARM: "Processor" is the model, "processor" a CPU */
	CHECK(proc_cpuinfo_parse(S("Processor\t: ARMv7 Processor rev 10 (v7l)\n"
	    "processor\t: 0\nBogoMIPS\t: 38.40\n\nprocessor\t: 1\n"
	    "BogoMIPS\t: 38.40\n\nHardware\t: BCM2709\n"), &ci) == 0);
	CHECK_STR(ci.model, "ARMv7 Processor rev 10 (v7l)");
	CHECK(ci.nproc == 2 && ci.nphys == 0);
	CHECK_DBL(ci.mhz, 0);
	/* arm64 has only "Hardware" (when anything) */
	CHECK(proc_cpuinfo_parse(S("processor\t: 0\nHardware\t: Board X"),
	    &ci) == 0);
	CHECK_STR(ci.model, "Board X");
	/* two sockets, same core ids */
	CHECK(proc_cpuinfo_parse(S("processor : 0\nphysical id : 0\n"
	    "core id : 0\nprocessor : 1\nphysical id : 1\ncore id : 0\n"
	    "processor : 2\nphysical id : 1\ncore id : 0\n"), &ci) == 0);
	CHECK(ci.nproc == 3 && ci.nphys == 2);
	CHECK(proc_cpuinfo_parse(S(""), &ci) == 0);
	CHECK(ci.nproc == 0 && ci.model[0] == '\0');
}

static void
test_cpulist(void)
{
	CHECK(proc_cpulist_count("0-3,8,10-11\n") == 7);
	CHECK(proc_cpulist_count("0") == 1);
	CHECK(proc_cpulist_count("0-1\n") == 2);
	CHECK(proc_cpulist_count("") == 0);
	CHECK(proc_cpulist_count("\n") == 0);
	CHECK(proc_cpulist_count("5-5") == 1);
	errno = 0;
	CHECK(proc_cpulist_count("3-1") == -1 && errno == EINVAL);
	CHECK(proc_cpulist_count("0-3x") == -1);
	CHECK(proc_cpulist_count("0,,1") == -1);
	CHECK(proc_cpulist_count("0,") == -1);
	CHECK(proc_cpulist_count("1-") == -1);
	CHECK(proc_cpulist_count("-1") == -1);
	CHECK(proc_cpulist_count("1-2-3") == -1);
	CHECK(proc_cpulist_count("0 1") == -1);
	CHECK(proc_cpulist_count("0-2000000") == -1);
	CHECK(proc_cpulist_count("99999999999999999999999") == -1);
	CHECK(proc_cpulist_count(NULL) == -1);
	/* each CPU once, however often the list names it (issue 8) */
	CHECK(proc_cpulist_count("0-1,0-1,0-1") == 2);
	CHECK(proc_cpulist_count("0-3,2") == 4);
	CHECK(proc_cpulist_count("5,1,5") == 2);
	CHECK(proc_cpulist_count("8-9,0-3,2-8") == 10);
	CHECK(proc_cpulist_count("1,0") == 2);
	CHECK(proc_cpulist_count("0-1048576,0-1048576") == 1048577);
	errno = 0;
	CHECK(proc_cpulist_count("5-2") == -1 && errno == EINVAL);
	CHECK(proc_cpulist_count("0-1,5-2") == -1);
	CHECK(proc_cpulist_count("0-1,-1") == -1);
}

/* A scratch tree under /tmp: mkdir -p of the file's directory, then the
 * file with text, or a FIFO when text is NULL. */
static void
scratch_file(const char *top, const char *rel, const char *text)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	for (p = path + strlen(top) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0755);
		*p = '/';
	}
	unlink(path);
	if (text == NULL) {
		CHECK(mkfifo(path, 0600) == 0);
		return;
	}
	CHECK((f = fopen(path, "w")) != NULL);
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/*
 * A foreign tree (issue 8): a FIFO in place of a file is refused at once
 * (EINVAL, not a regular file) instead of blocking the reader; a CPU list
 * that does not parse, or is empty, is an error and not this machine's
 * count.  alarm() turns a hang into a failure.
 */
static void
test_foreign_tree(void)
{
	static const char *const bad[] = { "5-2\n", "-1\n", "\n", "", "0-1,,2\n" };
	char top[] = "/tmp/syskit-proc.XXXXXX", proc[64], sys[64], cmd[128];
	struct meminfo mi;
	struct proc_stat st;
	uint64_t v;
	size_t i, len;

	if (mkdtemp(top) == NULL) {
		unit_fail(__FILE__, __LINE__, "mkdtemp");
		return;
	}
	snprintf(proc, sizeof(proc), "%s/proc", top);
	snprintf(sys, sizeof(sys), "%s/sys", top);
	scratch_file(top, "proc/meminfo", NULL);
	scratch_file(top, "proc/stat", NULL);
	scratch_file(top, "sys/devices/system/cpu/online", NULL);
	scratch_file(top, "sys/block/sda/size", NULL);
	roots_set(proc, sys);
	alarm(10);
	errno = 0;
	CHECK(proc_meminfo(&mi) == -1 && errno == EINVAL);
	errno = 0;
	memset(&st, 0, sizeof(st));
	CHECK(proc_stat(&st) == -1 && errno == EINVAL);
	proc_stat_free(&st);
	errno = 0;
	CHECK(proc_cpu_online() == -1 && errno == EINVAL);
	errno = 0;
	CHECK(proc_slurp(proc, "meminfo", &len) == NULL && errno == EINVAL);
	errno = 0;
	CHECK(proc_read_u64(sys, "block/sda/size", &v) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(proc_slurp(proc, "", &len) == NULL && errno == EISDIR);
	alarm(0);

	scratch_file(top, "sys/devices/system/cpu/online", "0-1,0-1,0-1\n");
	CHECK(proc_cpu_online() == 2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		scratch_file(top, "sys/devices/system/cpu/online", bad[i]);
		errno = 0;
		CHECK(proc_cpu_online() == -1 && errno == EINVAL);
	}
	/* psutil needs MemTotal and MemFree: the parser only insists on
	 * MemTotal (ps uses it alone); sysinfo asks for the rest */
	scratch_file(top, "proc/meminfo", "MemTotal: 2468\n");
	CHECK(proc_meminfo(&mi) == 0);
	CHECK_U64(mi.has, MI_MEMTOTAL);
	CHECK_U64(mi.mem_total, 2468);
	roots_restore();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	CHECK(system(cmd) == 0);
}

static void
test_cpu_counts(void)
{
	roots_set(V1PROC, V1SYS);
	CHECK(proc_cpu_online() == 2);
	CHECK(proc_cpu_physical() == 2);	/* core_cpus_list "0", "1" */

	/* old kernel: thread_siblings_list "0,2" "1,3"; cpu4 offline */
	roots_set(NOWHERE, NSSYS);
	CHECK(proc_cpu_online() == 4);
	CHECK(proc_cpu_physical() == 2);

	/* no topology: cpuinfo's (physical id, core id) pairs */
	roots_set(NSPROC, NOWHERE);
	CHECK(proc_cpu_physical() == 2);
	CHECK(proc_cpu_online() >= 1);		/* sysconf fallback */

	roots_set(NOWHERE, NOWHERE);
	errno = 0;
	CHECK(proc_cpu_physical() == -1 && errno == ENOENT);
	roots_restore();
}

static void
test_diskstats(void)
{
	struct diskstat *ds;
	int n;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_diskstats(&ds, &n) == 0);
	CHECK(n == 10);
	if (n == 10) {
		struct diskstat *d = &ds[8];

		CHECK_STR(ds[0].name, "loop0");
		CHECK_STR(d->name, "vda");
		CHECK(d->major == 254 && d->minor == 0);
		CHECK(d->nfields == 20);
		CHECK_U64(d->reads, 32433);
		CHECK_U64(d->reads_merged, 7132);
		CHECK_U64(d->read_sectors, 2274458);
		CHECK_U64(d->read_ms, 6965);
		CHECK_U64(d->writes, 6568);
		CHECK_U64(d->writes_merged, 6042);
		CHECK_U64(d->write_sectors, 505864);
		CHECK_U64(d->write_ms, 1226);
		CHECK_U64(d->in_flight, 0);
		CHECK_U64(d->io_ms, 2952);
		CHECK_U64(d->weighted_ms, 8464);
		CHECK_U64(d->discards, 5949);
		CHECK_U64(d->discards_merged, 19);
		CHECK_U64(d->discard_sectors, 169624);
		CHECK_U64(d->discard_ms, 251);
		CHECK_U64(d->flushes, 716);
		CHECK_U64(d->flush_ms, 21);
		CHECK_STR(ds[9].name, "zram0");
		CHECK(ds[9].major == 253);
	}
	free(ds);
	CHECK(proc_disk_is_whole("vda") == 1);
	CHECK(proc_disk_is_whole("vda1") == 0);
	CHECK(proc_disk_is_stacked("vda") == 0);

	roots_set(NSPROC, NSSYS);
	CHECK(proc_diskstats(&ds, &n) == 0);
	CHECK(n == 4);
	if (n == 4) {
		CHECK(ds[0].nfields == 14);
		CHECK_U64(ds[0].weighted_ms, 10245);
		CHECK_U64(ds[0].discards, 0);
		CHECK_STR(ds[1].name, "sda1");
		CHECK_STR(ds[2].name, "cciss/c0d0");
		CHECK_STR(ds[3].name, "dm-0");
	}
	free(ds);
	CHECK(proc_disk_is_whole("sda") == 1);
	CHECK(proc_disk_is_whole("sda1") == 0);
	CHECK(proc_disk_is_whole("cciss/c0d0") == 1);
	CHECK(proc_disk_is_whole("..") == 0);
	CHECK(proc_disk_is_whole("") == 0);
	CHECK(proc_disk_is_stacked("dm-0") == 1);
	CHECK(proc_disk_is_stacked("sda") == 0);
	CHECK(proc_disk_is_stacked("nosuch") == 0);
	roots_restore();
}

static void
test_diskstats_edges(void)
{
	struct diskstat *ds;
	int n;

	CHECK(proc_diskstats_parse(S("\n   8 0 sda 1 2 3 4 5 6 7 8 9 10 11 "
	    "12 13 14 15\n\n   8 1 sda1 1 2 3 4 5 6 7 8 9 10 11"), &ds,
	    &n) == 0);
	CHECK(n == 2);
	if (n == 2) {
		CHECK(ds[0].nfields == 18);
		CHECK_U64(ds[0].discard_ms, 15);
		CHECK_U64(ds[0].flushes, 0);
		CHECK_U64(ds[1].weighted_ms, 11);
	}
	free(ds);
	CHECK(proc_diskstats_parse(S(""), &ds, &n) == 0);
	CHECK(n == 0);
	free(ds);

	errno = 0;
	CHECK(proc_diskstats_parse(S("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12\n"),
	    &ds, &n) == -1 && errno == EINVAL);	/* 15 fields */
	CHECK(ds == NULL && n == 0);
	CHECK(proc_diskstats_parse(S("3 1 hda1 8 8 8 8\n"), &ds, &n) == -1);
	CHECK(proc_diskstats_parse(S("8 x sda 1 2 3 4 5 6 7 8 9 10 11\n"), &ds,
	    &n) == -1);
	CHECK(proc_diskstats_parse(S("8 0 sda 1 2 3 4 5 6 7 8 9 10 1x\n"), &ds,
	    &n) == -1);
	CHECK(proc_diskstats_parse(S("8 0 "
	    "a123456789012345678901234567890123456789012345678901234567890123"
	    " 1 2 3 4 5 6 7 8 9 10 11\n"), &ds, &n) == -1);
	CHECK(proc_diskstats_parse(S("4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 "
	    "11\n"), &ds, &n) == -1);
	CHECK(proc_diskstats_parse(S("8 0 sd\0a 1 2 3 4 5 6 7 8 9 10 11\n"),
	    &ds, &n) == -1);
}

static void
test_netdev(void)
{
	struct netdev *nd;
	int n;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_netdev(&nd, &n) == 0);
	CHECK(n == 4);
	if (n == 4) {
		CHECK_STR(nd[0].name, "lo");
		CHECK_U64(nd[0].rx_bytes, 3267);
		CHECK_U64(nd[0].tx_packets, 29);
		CHECK_STR(nd[3].name, "eth0");
		CHECK_U64(nd[3].rx_bytes, 32991697);
		CHECK_U64(nd[3].rx_packets, 887);
		CHECK_U64(nd[3].tx_bytes, 42215);
		CHECK_U64(nd[3].tx_packets, 517);
		CHECK_U64(nd[3].tx_compressed, 0);
	}
	free(nd);

	/* "eth0:4294967296123": name glued to the first number */
	roots_set(NSPROC, NSSYS);
	CHECK(proc_netdev(&nd, &n) == 0);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(nd[1].name, "eth0");
		CHECK_U64(nd[1].rx_bytes, 4294967296123ULL);
		CHECK_U64(nd[1].rx_packets, 3456789);
		CHECK_U64(nd[1].rx_errs, 1);
		CHECK_U64(nd[1].rx_drop, 2);
		CHECK_U64(nd[1].rx_fifo, 3);
		CHECK_U64(nd[1].rx_frame, 4);
		CHECK_U64(nd[1].rx_compressed, 5);
		CHECK_U64(nd[1].rx_multicast, 6);
		CHECK_U64(nd[1].tx_bytes, 987654321012ULL);
		CHECK_U64(nd[1].tx_packets, 2345678);
		CHECK_U64(nd[1].tx_errs, 7);
		CHECK_U64(nd[1].tx_drop, 8);
		CHECK_U64(nd[1].tx_fifo, 9);
		CHECK_U64(nd[1].tx_colls, 10);
		CHECK_U64(nd[1].tx_carrier, 11);
		CHECK_U64(nd[1].tx_compressed, 12);
	}
	free(nd);
	roots_restore();

	CHECK(proc_netdev_parse(S("h1\nh2\n"), &nd, &n) == 0 && n == 0);
	free(nd);
	CHECK(proc_netdev_parse(S("h1\nh2\nwlan0:1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16"), &nd, &n) == 0 && n == 1);
	if (n == 1) {
		CHECK_STR(nd[0].name, "wlan0");
		CHECK_U64(nd[0].rx_bytes, 1);
		CHECK_U64(nd[0].tx_compressed, 16);
	}
	free(nd);
	errno = 0;
	CHECK(proc_netdev_parse(S("h1\nh2\n eth0: 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15\n"), &nd, &n) == -1 && errno == EINVAL);
	CHECK(nd == NULL && n == 0);
	CHECK(proc_netdev_parse(S("h1\nh2\n eth0 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16\n"), &nd, &n) == -1);
	CHECK(proc_netdev_parse(S("h1\nh2\n : 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16\n"), &nd, &n) == -1);
	CHECK(proc_netdev_parse(S("h1\nh2\n e: 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16 17\n"), &nd, &n) == -1);
	CHECK(proc_netdev_parse(S("h1\nh2\n e: 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 x\n"), &nd, &n) == -1);
	/* a NUL in the name (found by the fuzzer) */
	CHECK(proc_netdev_parse(S("h1\nh2\n e\0x: 1 2 3 4 5 6 7 8 9 10 11 12 "
	    "13 14 15 16\n"), &nd, &n) == -1);
}

static void
test_mountinfo(void)
{
	struct mounts ms;

	roots_set(V1PROC, V1SYS);
	CHECK(proc_mountinfo(&ms) == 0);
	CHECK(ms.n == 20);
	if (ms.n == 20) {
		CHECK(ms.m[0].id == 22 && ms.m[0].parent == 27);
		CHECK(ms.m[0].major == 0 && ms.m[0].minor == 21);
		CHECK_STR(ms.m[0].root, "/");
		CHECK_STR(ms.m[0].mountpoint, "/proc");
		CHECK_STR(ms.m[0].opts, "rw,relatime");
		CHECK_STR(ms.m[0].fstype, "proc");
		CHECK_STR(ms.m[0].source, "proc");
		CHECK_STR(ms.m[0].super_opts, "rw");
		CHECK(ms.m[5].id == 27 && ms.m[5].parent == 1);
		CHECK(ms.m[5].major == 254 && ms.m[5].minor == 0);
		CHECK_STR(ms.m[5].mountpoint, "/");
		CHECK_STR(ms.m[5].fstype, "ext4");
		CHECK_STR(ms.m[5].source, "/dev/vda");
		CHECK_STR(ms.m[5].super_opts,
		    "rw,discard,resv_strict,resuid=65534,resgid=65534");
		CHECK_STR(ms.m[19].mountpoint, "/sys/fs/cgroup/unified");
		CHECK_STR(ms.m[19].fstype, "cgroup2");
	}
	proc_mounts_free(&ms);
	CHECK(ms.m == NULL && ms.buf == NULL && ms.n == 0);

	/* optional fields, octal escapes */
	roots_set(NSPROC, NSSYS);
	CHECK(proc_mountinfo(&ms) == 0);
	CHECK(ms.n == 4);
	if (ms.n == 4) {
		CHECK_STR(ms.m[0].fstype, "ext4");
		CHECK_STR(ms.m[0].source, "/dev/sda1");
		CHECK_STR(ms.m[1].fstype, "proc");	/* two optional */
		CHECK_STR(ms.m[2].root, "/data");
		CHECK_STR(ms.m[2].mountpoint, "/mnt/my disk");
		CHECK_STR(ms.m[2].source, "/dev/sdb 1");
		CHECK_STR(ms.m[3].mountpoint, "/mnt/tab\tand\\slash");
		CHECK_STR(ms.m[3].fstype, "fuse.sshfs");
		CHECK_STR(ms.m[3].source, "user@host:/a b");
		CHECK_STR(ms.m[3].super_opts, "rw,user_id=0");
	}
	proc_mounts_free(&ms);
	roots_restore();
}

static void
test_mountinfo_edges(void)
{
	struct mounts ms;

	CHECK(proc_mountinfo_parse(S("36 35 98:0 /mnt1 /mnt2 rw,noatime "
	    "master:1 - ext3 /dev/root rw,errors=continue\n\n"
	    "1 0 8:1 /a\\012b /x\\999\\04 ro - t s o"), &ms) == 0);
	CHECK(ms.n == 2);
	if (ms.n == 2) {
		CHECK(ms.m[0].id == 36 && ms.m[0].parent == 35);
		CHECK(ms.m[0].major == 98 && ms.m[0].minor == 0);
		CHECK_STR(ms.m[0].root, "/mnt1");
		CHECK_STR(ms.m[0].mountpoint, "/mnt2");
		CHECK_STR(ms.m[0].opts, "rw,noatime");
		CHECK_STR(ms.m[0].fstype, "ext3");
		CHECK_STR(ms.m[0].source, "/dev/root");
		CHECK_STR(ms.m[0].super_opts, "rw,errors=continue");
		CHECK_STR(ms.m[1].root, "/a\nb");
		/* no valid escape: kept as written */
		CHECK_STR(ms.m[1].mountpoint, "/x\\999\\04");
		CHECK_STR(ms.m[1].super_opts, "o");
	}
	proc_mounts_free(&ms);

	CHECK(proc_mountinfo_parse(S(""), &ms) == 0 && ms.n == 0);
	proc_mounts_free(&ms);

	errno = 0;
	CHECK(proc_mountinfo_parse(S("36 35 98:0 /mnt1 /mnt2 rw ext3 /dev/root "
	    "rw\n"), &ms) == -1 && errno == EINVAL);	/* no "-" */
	CHECK(ms.m == NULL && ms.buf == NULL);
	CHECK(proc_mountinfo_parse(S("36 35 98:0 /mnt1 /mnt2 rw - ext3 "
	    "/dev/root\n"), &ms) == -1);
	CHECK(proc_mountinfo_parse(S("x 35 98:0 /mnt1 /mnt2 rw - ext3 "
	    "/dev/root rw\n"), &ms) == -1);
	CHECK(proc_mountinfo_parse(S("36 35 980 /mnt1 /mnt2 rw - ext3 "
	    "/dev/root rw\n"), &ms) == -1);
	CHECK(proc_mountinfo_parse(S("36 35 98:0 /mnt1 /mnt2\n"), &ms) == -1);
	CHECK(proc_mountinfo_parse(S("36 35 98:0 / /a\0b rw - t s o\n"), &ms) ==
	    -1);
}

static void
test_fs_is_dev(void)
{
	char *v1, *ns;

	v1 = proc_slurp(V1PROC, "filesystems", NULL);
	ns = proc_slurp(NSPROC, "filesystems", NULL);
	CHECK(v1 != NULL && ns != NULL);
	if (v1 != NULL && ns != NULL) {
		CHECK(proc_fs_is_dev(v1, "ext4") == 1);
		CHECK(proc_fs_is_dev(v1, "xfs") == 1);
		CHECK(proc_fs_is_dev(v1, "fuseblk") == 1);
		CHECK(proc_fs_is_dev(v1, "tmpfs") == 0);
		CHECK(proc_fs_is_dev(v1, "proc") == 0);
		CHECK(proc_fs_is_dev(v1, "cgroup2") == 0);
		CHECK(proc_fs_is_dev(v1, "nodev") == 0);
		CHECK(proc_fs_is_dev(v1, "zfs") == 0);
		CHECK(proc_fs_is_dev(v1, "ext") == 0);
		CHECK(proc_fs_is_dev(v1, "") == 0);
		CHECK(proc_fs_is_dev(ns, "zfs") == 1);	/* as psutil */
		CHECK(proc_fs_is_dev(ns, "fuse") == 0);
		CHECK(proc_fs_is_dev(ns, "ext3") == 1);
	}
	free(v1);
	free(ns);
	/* a token, whole and alone on its line, not a piece of one */
	CHECK(proc_fs_is_dev("\text4x\n\txext4\nnodev\text4\n", "ext4") == 0);
	CHECK(proc_fs_is_dev("\text4x\n\text4\n", "ext4") == 1);
	CHECK(proc_fs_is_dev("ext4", "ext4") == 1);
	CHECK(proc_fs_is_dev("\text4 more\n", "ext4") == 0);
	CHECK(proc_fs_is_dev("\text4\n", "ext4\n") == 0);
	CHECK(proc_fs_is_dev("nodev zfs x\n", "zfs") == 1);
	CHECK(proc_fs_is_dev("nodev\tzfsx\n", "zfs") == 0);
	errno = 0;
	CHECK(proc_fs_is_dev(NULL, "ext4") == -1 && errno == EINVAL);
}

/* proc_dir_names: every entry but . and .., sorted, in one block; more
 * names than its stack buffer holds; errors. */
static void
test_dir_names(void)
{
	char dir[] = "/tmp/unit-dirnames.XXXXXX", path[256], want[16];
	char **v;
	int i, n, fd;

	CHECK(mkdtemp(dir) != NULL);
	/* 300 names of 40 bytes: 12 KB, past the 2 KB kept on the stack */
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "%s/n%03d-%s", dir, 299 - i,
		    "padding-padding-padding-padding-pad");
		if ((fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) != -1)
			close(fd);
	}
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	CHECK(mkdir(path, 0700) == 0);
	n = proc_dir_names(dir, &v);
	CHECK(n == 301);
	if (n == 301) {
		CHECK_STR(v[0], ".hidden");
		for (i = 0; i < 300; i++) {
			snprintf(want, sizeof(want), "n%03d-", i);
			CHECK(strncmp(v[i + 1], want, 5) == 0);
		}
		CHECK(v[301] == NULL);
	}
	free(v);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "%s/n%03d-%s", dir, i,
		    "padding-padding-padding-padding-pad");
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	rmdir(path);
	n = proc_dir_names(dir, &v);	/* empty */
	CHECK(n == 0 && v != NULL && v[0] == NULL);
	free(v);
	rmdir(dir);
	errno = 0;
	CHECK(proc_dir_names(dir, &v) == -1 && errno == ENOENT && v == NULL);
	CHECK(proc_dir_names("/dev/null", &v) == -1 && errno == ENOTDIR);
}

UNIT_SUITE(test_proc);

void
test_proc(void)
{
	unit_run("proc roots and proc_path", test_roots);
	unit_run("proc_slurp", test_slurp);
	unit_run("proc_dir_names", test_dir_names);
	unit_run("proc_read_str/u64/i64", test_read_numbers);
	unit_run("meminfo v1box", test_meminfo_v1box);
	unit_run("meminfo noswap, available estimate", test_meminfo_noswap);
	unit_run("meminfo edge cases", test_meminfo_edges);
	unit_run("vmstat", test_vmstat);
	unit_run("stat v1box", test_stat_v1box);
	unit_run("stat noswap", test_stat_noswap);
	unit_run("stat edge cases", test_stat_edges);
	unit_run("loadavg and uptime", test_loadavg_uptime);
	unit_run("pressure", test_psi);
	unit_run("cpuinfo", test_cpuinfo);
	unit_run("cpu lists", test_cpulist);
	unit_run("a foreign tree: FIFOs, bad CPU lists", test_foreign_tree);
	unit_run("cpu online and physical", test_cpu_counts);
	unit_run("diskstats and block devices", test_diskstats);
	unit_run("diskstats edge cases", test_diskstats_edges);
	unit_run("net/dev", test_netdev);
	unit_run("mountinfo", test_mountinfo);
	unit_run("mountinfo edge cases", test_mountinfo_edges);
	unit_run("filesystems", test_fs_is_dev);
}
