/* Unit tests of lib/proc's per-process readers: the parsers on the
 * captured tree tests/fixtures/ps-basic and on inline edge cases. */
#include <errno.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/proc.h"
#include "unit.h"

#define PSPROC	FIXTURES "/ps-basic/proc"

static char *rbuf;
static size_t rcap;

/* A fixture file, read with proc_read_at; its length in *len. */
static const char *
fixture(const char *rel, size_t *len)
{
	int dfd = open(PSPROC, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n = -1;

	if (dfd >= 0) {
		n = proc_read_at(dfd, rel, &rbuf, &rcap);
		close(dfd);
	}
	*len = n < 0 ? 0 : (size_t)n;
	return n < 0 ? NULL : rbuf;
}

static void
stat_paren_name(void)
{
	struct pid_stat ps;
	const char *b;
	size_t n;

	CHECK((b = fixture("50/stat", &n)) != NULL);
	CHECK(proc_pid_stat_parse(b, n, &ps) == 0);
	CHECK_U64(ps.pid, 50);
	CHECK_STR(ps.comm, "a) (b");
	CHECK(ps.state == 'S');
	CHECK_U64(ps.ppid, 1);
	CHECK_U64(ps.pgrp, 50);
	CHECK_U64(ps.session, 50);
	CHECK_U64(ps.tty_nr, 34816);
	CHECK_U64(ps.tpgid, 50);
	CHECK_U64(ps.utime, 500);
	CHECK_U64(ps.stime, 250);
	CHECK_U64(ps.starttime, 800000);
	CHECK_U64(ps.vsize, 2535424);
	CHECK_U64(ps.num_threads, 1);
	CHECK(ps.nfields >= 42);
}

static void
stat_kernel_thread(void)
{
	struct pid_stat ps;
	const char *b;
	size_t n;

	CHECK((b = fixture("2/stat", &n)) != NULL);
	CHECK(proc_pid_stat_parse(b, n, &ps) == 0);
	CHECK_STR(ps.comm, "kthreadd");
	CHECK_U64(ps.ppid, 0);
	CHECK_U64(ps.vsize, 0);
	CHECK(ps.rss == 0);
	CHECK(ps.rsslim == UINT64_MAX);
	CHECK(ps.tpgid == -1);
}

static void
stat_zombie_and_control_chars(void)
{
	struct pid_stat ps;
	const char *b;
	size_t n;

	CHECK((b = fixture("61/stat", &n)) != NULL);
	CHECK(proc_pid_stat_parse(b, n, &ps) == 0);
	CHECK(ps.state == 'Z');
	CHECK_U64(ps.ppid, 60);
	/* a name holding a newline and an escape sequence */
	CHECK((b = fixture("80/stat", &n)) != NULL);
	CHECK(proc_pid_stat_parse(b, n, &ps) == 0);
	CHECK_STR(ps.comm, "evil\n\033[31m");
	CHECK_U64(ps.ppid, 1);
}

static void
stat_edge_cases(void)
{
	static const char *const bad[] = {
		"",
		"1",
		"1 (name",				/* no ')' */
		"1 name) S 0",				/* no '(' */
		"x (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0",	/* short */
		"1 (a) SS 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
		"1 (a)\nS 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",
	};
	const char *ok = "1 (a)) (b) S 0 1 1 0 -1 0 0 0 0 0 7 8 -1 -2 -100 -20 1 0 5 4096 3 18446744073709551615\n";
	struct pid_stat ps;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CHECK(proc_pid_stat_parse(bad[i], strlen(bad[i]), &ps) == -1);
		CHECK(errno == EINVAL);
	}
	CHECK(proc_pid_stat_parse(ok, strlen(ok), &ps) == 0);
	CHECK_STR(ps.comm, "a)) (b");
	CHECK(ps.cutime == -1 && ps.cstime == -2);
	CHECK(ps.priority == -100 && ps.nice == -20);
	CHECK_U64(ps.utime, 7);
	CHECK(ps.rss == 3);
	CHECK(ps.processor == -1);	/* the line stops before it */
	/* the length bounds the parse: no terminator needed, none read */
	CHECK(proc_pid_stat_parse(ok, 30, &ps) == -1);
	/* a field out of its type's range is marked, and reads 0; the
	 * line still parses */
	{
		static const struct {
			const char *line;
			int field;
		} odd[] = {
			{ "1 (a) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 4 },
			{ "1 (a) S 99999999999 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 4 },
			{ "1 (a) S 0 1 1 0 -1 4294967296 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 9 },
			{ "1 (a) S 0 1 1 0 -1 0 0 0 0 0 -7 0 0 0 20 0 1 0 5 0 0", 14 },
			{ "1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 -4096 0", 23 },
			{ "1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 -10", 24 },
			{ "1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 123456789012345678901234567890 0", 23 },
			{ "1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 9223372036854775808", 24 },
		};

		for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
			CHECK(proc_pid_stat_parse(odd[i].line,
			    strlen(odd[i].line), &ps) == 0);
			CHECK(ps.bad == (UINT64_C(1) << odd[i].field));
		}
		CHECK(ps.rss == 0 && ps.vsize == 0);
		/* the kernel's own line has none; a negative signed field
		 * and a -1 tpgid are fine */
		CHECK(proc_pid_stat_parse(ok, strlen(ok), &ps) == 0);
		CHECK(ps.bad == 0);
		/* fields past the ones kept are not looked at */
		{
			const char *more = "1 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0" /* 4-24 */
			    " 0 0 0 0 0 0 0 0 0 0 0 0 0 -17 1 0 0 0" /* 25-42 */
			    " x -5 y";

			CHECK(proc_pid_stat_parse(more, strlen(more), &ps) == 0);
			CHECK(ps.bad == 0);
		}
	}
	/* a name longer than the struct holds is cut, not overrun */
	{
		char big[512];

		snprintf(big, sizeof(big), "7 (%0200d) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 0);
		CHECK(proc_pid_stat_parse(big, strlen(big), &ps) == 0);
		CHECK_U64(strlen(ps.comm), sizeof(ps.comm) - 1);
	}
}

static void
status_fixture(void)
{
	struct pid_status st;
	const char *b;
	size_t n;

	CHECK((b = fixture("70/status", &n)) != NULL);
	CHECK(proc_pid_status_parse(b, n, &st) == 0);
	CHECK_STR(st.name, "threaded");
	CHECK_U64(st.pid, 70);
	CHECK_U64(st.ppid, 1);
	CHECK_U64(st.threads, 3);
	CHECK(st.has & PST_UID);
	CHECK(st.has & PST_VMRSS);
	CHECK(st.vm_rss > 0 && st.vm_rss % 1024 == 0);
	/* the kernel escapes a newline in Name: */
	CHECK((b = fixture("80/status", &n)) != NULL);
	CHECK(proc_pid_status_parse(b, n, &st) == 0);
	CHECK_STR(st.name, "evil\n\033[31m");
	/* a kernel thread has no memory lines */
	CHECK((b = fixture("2/status", &n)) != NULL);
	CHECK(proc_pid_status_parse(b, n, &st) == 0);
	CHECK(!(st.has & PST_VMRSS));
}

static void
status_inline(void)
{
	const char *s = "Name:\ta\\\\b\\nc\nUid:\t1000\t1001\t1002\t1003\n"
	    "Gid:\t5 6 7 8\nVmLck:\t       8 kB\nVmSwap:\t  12 kB\n"
	    "RssFile:\t4 kB\nRssShmem:\t0 kB\nThreads:\t2\n"
	    "voluntary_ctxt_switches:\t10\nnonvoluntary_ctxt_switches:\t3\n";
	struct pid_status st;

	CHECK(proc_pid_status_parse(s, strlen(s), &st) == 0);
	CHECK_STR(st.name, "a\\b\nc");
	CHECK(st.uid[0] == 1000 && st.uid[1] == 1001 && st.uid[2] == 1002 &&
	    st.uid[3] == 1003);
	CHECK(st.gid[1] == 6);
	CHECK_U64(st.vm_lck, 8192);
	CHECK_U64(st.vm_swap, 12288);
	CHECK_U64(st.threads, 2);
	CHECK_U64(st.vol_ctxt, 10);
	CHECK_U64(st.nonvol_ctxt, 3);
	/* no Name: is not a status file; a bad Uid line is malformed */
	CHECK(proc_pid_status_parse("Uid:\t1 1 1 1\n", 13, &st) == -1);
	CHECK(proc_pid_status_parse("Name:\tx\nUid:\t1 x 1 1\n", 21, &st) == -1);
	CHECK(proc_pid_status_parse("Name:\tx\nUid:\t1 1\n", 17, &st) == -1);
}

static void
statm_io_smaps(void)
{
	struct pid_statm sm;
	struct pid_io io;
	struct pid_smaps sp;
	const char *io_text = "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\n"
	    "read_bytes: 5\nwrite_bytes: 6\ncancelled_write_bytes: 7\n";
	const char *rollup = "5581a000-7ffd0000 ---p 00000000 00:00 0  [rollup]\n"
	    "Rss:                4144 kB\nPss:                1242 kB\n"
	    "Private_Clean:         16 kB\nPrivate_Dirty:        600 kB\n"
	    "Private_Hugetlb:        0 kB\nSwap:                   8 kB\n"
	    "SwapPss:                4 kB\n";
	const char *smaps = "00400000-00401000 r-xp 0 08:01 1 /bin/x\nPss: 4 kB\n"
	    "Private_Dirty: 4 kB\n00500000-00501000 rw-p 0 00:00 0\nPss: 8 kB\n"
	    "Private_Dirty: 8 kB\n";

	CHECK(proc_pid_statm_parse("353 264 235 211 0 64 0\n", 23, &sm) == 0);
	CHECK(sm.size == 353 && sm.resident == 264 && sm.shared == 235 &&
	    sm.text == 211 && sm.data == 64);
	CHECK(proc_pid_statm_parse("1 2 3", 5, &sm) == -1);
	CHECK(proc_pid_statm_parse("1 2 3 4 5 6 x", 13, &sm) == -1);

	CHECK(proc_pid_io_parse(io_text, strlen(io_text), &io) == 0);
	CHECK(io.rchar == 1 && io.wchar == 2 && io.syscr == 3 &&
	    io.syscw == 4 && io.read_bytes == 5 && io.write_bytes == 6 &&
	    io.cancelled_write_bytes == 7);
	CHECK(proc_pid_io_parse(io_text, 30, &io) == -1);	/* cut short */

	CHECK(proc_pid_smaps_parse(rollup, strlen(rollup), &sp) == 0);
	CHECK_U64(sp.pss, 1242 * 1024);
	CHECK_U64(sp.private_clean + sp.private_dirty, 616 * 1024);
	CHECK_U64(sp.swap, 8 * 1024);
	CHECK(proc_pid_smaps_parse(smaps, strlen(smaps), &sp) == 0);
	CHECK_U64(sp.pss, 12 * 1024);
	CHECK_U64(sp.private_dirty, 12 * 1024);
	CHECK(proc_pid_smaps_parse("Rss: 4 kB\n", 10, &sp) == -1);
}

/* fmt with each %s replaced by id (no printf: the formats are data) */
static void
expand(char *dst, size_t len, const char *fmt, const char *id)
{
	size_t n = 0, k;

	while (*fmt != '\0' && n + 1 < len) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			k = strlen(id);
			if (k > len - 1 - n)
				k = len - 1 - n;
			memcpy(dst + n, id, k);
			n += k;
			fmt += 2;
		} else
			dst[n++] = *fmt++;
	}
	dst[n] = '\0';
}

static void
container_ids(void)
{
	static const char id[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const struct {
		const char *text;
		int found;
	} cases[] = {
		{ "0::/system.slice/docker-%s.scope\n", 1 },
		{ "12:memory:/docker/%s\n11:cpu:/docker/%s\n", 1 },
		{ "0::/kubepods/burstable/pod1234-5678/%s\n", 1 },
		{ "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice/cri-containerd-%s.scope\n", 1 },
		{ "0::/machine.slice/libpod-%s.scope/container\n", 1 },
		{ "0::/kubepods.slice/kubepods-pod1.slice/crio-%s.scope\n", 1 },
		{ "0::/machine.slice/libpod-conmon-%s.scope\n", 0 },
		{ "0::/user.slice/%s\n", 0 },			/* no runtime */
		{ "0::/docker/0123abc\n", 0 },			/* not 64 digits */
		{ "0::/\n", 0 },
		{ "garbage without colons %s\n", 0 },
	};
	char text[512], out[65];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expand(text, sizeof(text), cases[i].text, id);
		memset(out, 0, sizeof(out));
		if (cases[i].found) {
			CHECK(proc_container_id(text, strlen(text), out,
			    sizeof(out)) == 0);
			CHECK_STR(out, id);
		} else {
			errno = 0;
			CHECK(proc_container_id(text, strlen(text), out,
			    sizeof(out)) == -1);
			CHECK(errno == ENOENT);
		}
	}
	CHECK(proc_container_id("x", 1, out, 10) == -1 && errno == EINVAL);
}

static void
read_at(void)
{
	char path[] = "/tmp/syskit-unit-readat-XXXXXX", *big;
	const char *b;
	size_t n, i;
	long got;
	int fd, dfd;

	CHECK((b = fixture("1/cmdline", &n)) != NULL);
	CHECK_U64(n, 18);
	CHECK(memcmp(b, "/sbin/init\0splash\0", 18) == 0);
	CHECK(fixture("1/no-such-file", &n) == NULL && errno == ENOENT);
	/* larger than the first buffer: read on in a grown one */
	if ((fd = mkstemp(path)) < 0 || (big = malloc(100000)) == NULL) {
		CHECK(0);
		return;
	}
	for (i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	CHECK(write(fd, big, 100000) == 100000);
	close(fd);
	dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	got = proc_read_at(dfd, path + 5, &rbuf, &rcap);
	CHECK(got == 100000);
	CHECK(rcap > 100000 && memcmp(rbuf, big, 100000) == 0 &&
	    rbuf[100000] == '\0');
	unlink(path);
	/* a FIFO where a file should be reads as empty, at once */
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(proc_read_at(dfd, path + 5, &rbuf, &rcap) == 0);
	unlink(path);
	close(dfd);
	free(big);
}

/* the lines ps's signal, group and segment keys read */
static void
status_signals_groups(void)
{
	const char *s = "Name:\tx\nGroups:\t4 24 1000 \nVmData:\t  1072 kB\n"
	    "VmStk:\t 132 kB\nVmExe:\t 772 kB\nSigQ:\t0/1\n"
	    "SigPnd:\t0000000000000001\nShdPnd:\t0000000000000100\n"
	    "SigBlk:\t0000000000010000\nSigIgn:\t0000000000000004\n"
	    "SigCgt:\tffffffffffffffff\n";
	const char *stat = "9 (x) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
	    "5 4096 2 18446744073709551615 4096 8192 140729354115904 7 8 0 0 "
	    "0 0 0 0 0 17 1 0 0 0 0 0\n";
	struct pid_status st;
	struct pid_stat ps;

	CHECK(proc_pid_status_parse(s, strlen(s), &st) == 0);
	CHECK((st.has & (PST_SIG | PST_GROUPS | PST_VMDATA)) ==
	    (PST_SIG | PST_GROUPS | PST_VMDATA));
	CHECK_U64(st.sig_pnd, 1);
	CHECK_U64(st.shd_pnd, 0x100);
	CHECK_U64(st.sig_blk, 0x10000);
	CHECK_U64(st.sig_ign, 4);
	CHECK_U64(st.sig_cgt, UINT64_MAX);
	CHECK_U64(st.vm_data, 1072 * 1024);
	CHECK_U64(st.vm_stk, 132 * 1024);
	CHECK_U64(st.vm_exe, 772 * 1024);
	CHECK(st.groupslen == 9 && memcmp(st.groups, "4 24 1000", 9) == 0);
	/* a mask of 17 digits, or not hex, is malformed */
	CHECK(proc_pid_status_parse("Name:\tx\nSigBlk:\t00000000000000000\n",
	    34, &st) == -1);
	CHECK(proc_pid_status_parse("Name:\tx\nSigBlk:\tzz\n", 19, &st) == -1);
	/* an empty Groups line */
	CHECK(proc_pid_status_parse("Name:\tx\nGroups:\t\n", 17, &st) == 0);
	CHECK(st.groupslen == 0);
	/* stat's code, stack and pointer fields */
	CHECK(proc_pid_stat_parse(stat, strlen(stat), &ps) == 0);
	CHECK_U64(ps.rsslim, UINT64_MAX);
	CHECK_U64(ps.startcode, 4096);
	CHECK_U64(ps.endcode, 8192);
	CHECK_U64(ps.startstack, 140729354115904ULL);
	CHECK_U64(ps.kstkesp, 7);
	CHECK_U64(ps.kstkeip, 8);
	CHECK(ps.bad == 0);
}

/* proc_pid_status_want: up to the lines asked for, and no further */
static void
status_want(void)
{
	const char *s = "Name:\tx\nUid:\t1 2 3 4\nGid:\t5 6 7 8\n"
	    "VmLck:\t 8 kB\nVmRSS:\t 12 kB\nVmSwap:\t 4 kB\n"
	    "SigBlk:\t0000000000000002\nSigIgn:\t0000000000000004\n"
	    "SigCgt:\tzz\nvoluntary_ctxt_switches:\t5\n";
	const char *kthread = "Name:\tk\nUid:\t0 0 0 0\nGid:\t0 0 0 0\n"
	    "Threads:\t1\n";
	unsigned w = PST_NAME | PST_UID | PST_GID | PST_VMLCK | PST_VMRSS;
	struct pid_status st;

	/* the bad SigCgt is after the lines wanted: never read */
	CHECK(proc_pid_status_want(s, strlen(s), &st, w) == 0);
	CHECK(st.has == w);
	CHECK(st.uid[1] == 2 && st.gid[3] == 8);
	CHECK_U64(st.vm_lck, 8192);
	CHECK_U64(st.vm_rss, 12288);
	CHECK_U64(st.vm_swap, 0);
	CHECK_U64(st.sig_blk, 0);
	/* the whole of it, bad line and all */
	CHECK(proc_pid_status_parse(s, strlen(s), &st) == -1);
	/* a group's bit comes with its last line: SigIgn is read */
	CHECK(proc_pid_status_want(s, strlen(s), &st, PST_SIG) == -1);
	/* lines that are not there: read to the end */
	CHECK(proc_pid_status_want(kthread, strlen(kthread), &st, w) == 0);
	CHECK(st.has == (PST_NAME | PST_UID | PST_GID | PST_THREADS));
	CHECK(st.threads == 1);
}

UNIT_SUITE(test_proc_pid);

void
test_proc_pid(void)
{
	unit_run("proc_pid: stat, a name with ) (", stat_paren_name);
	unit_run("proc_pid: stat, a kernel thread", stat_kernel_thread);
	unit_run("proc_pid: stat, zombie and control characters",
	    stat_zombie_and_control_chars);
	unit_run("proc_pid: stat, malformed and edge lines", stat_edge_cases);
	unit_run("proc_pid: status on fixtures", status_fixture);
	unit_run("proc_pid: status, escapes and errors", status_inline);
	unit_run("proc_pid: status, signals, groups, segments",
	    status_signals_groups);
	unit_run("proc_pid: status, only the lines wanted", status_want);
	unit_run("proc_pid: statm, io, smaps", statm_io_smaps);
	unit_run("proc_pid: container ids", container_ids);
	unit_run("proc_pid: proc_read_at", read_at);
	free(rbuf);
	rbuf = NULL;
	rcap = 0;
}
