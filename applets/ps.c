/*
 * ps: processes, as procps-ng ps lists them (its options, keys, column
 * widths and layout), and as psutil gives them to a Python program
 * (--json).  It reads only the /proc files the requested keys need, each
 * with one read into a reused buffer, relative to the /proc fd or to the
 * process's own directory fd, and streams rows without allocating per
 * process unless a sort or a forest needs them all.
 */
#include "syskit.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <time.h>

#include "../lib/proc.h"

static const char usage[] =
    "usage: ps [options]\n"
    "\n"
    "Selection (lists take commas or blanks; several selections add up):\n"
    "  -A, -e                all processes\n"
    "  -a                    all with a terminal, but session leaders\n"
    "  -d                    all but session leaders\n"
    "  -N, --deselect        the processes not selected\n"
    "  a, x                  BSD: with a terminal (a), without one (x): ps ax\n"
    "  r, T                  BSD: running only; those of this terminal\n"
    "  -C NAME               by command name\n"
    "  -G, --Group GROUP     by real group          -g, --group GROUP  by session or effective group\n"
    "  -p, --pid PID         by process id          --ppid PID         by parent id\n"
    "  -q, --quick-pid PID   those ids, read directly, in that order\n"
    "  -s, --sid SID         by session             -t, --tty TTY      by terminal\n"
    "  -U, --User USER       by real user           -u, --user USER    by effective user\n"
    "  --match REGEX         whose command line matches the extended REGEX\n"
    "                        (all processes when nothing else selects)\n"
    "With no selection: the processes of this user on this terminal.\n"
    "\n"
    "Output:\n"
    "  -f, -F, -l, -j        full, extra full, long, jobs formats\n"
    "  u, j, l               BSD user, jobs, long formats: ps aux\n"
    "  -o, --format KEYS     these keys (KEY=HEADER, KEY:WIDTH); ps L lists them\n"
    "  -O KEYS               the default keys with these after PID\n"
    "  --sort [+-]KEY,...    order rows by these keys\n"
    "  -H, --forest          show the process tree\n"
    "  -L, -T                show threads (LWP, SPID columns)\n"
    "  -w, -ww               wider (132), unlimited output on a terminal\n"
    "  --cols N              the output width\n"
    "  --no-headers          no header line\n"
    "  -D, --date-format F   strftime format for lstart\n"
    "  --sample DURATION     read the counters twice, DURATION apart: %CPU\n"
    "                        and C show the interval's use, as top does\n"
    "  --json                a JSON array, with psutil's field names\n"
    "  -V, --version         show the version\n"
    "  --help                show this help\n";

/* ---- keys ---- */

/* What a key needs read, beyond /proc/PID/stat. */
#define F_STATUS	0x0001
#define F_CMDLINE	0x0002
#define F_IO		0x0004
#define F_SMAPS		0x0008
#define F_ENVIRON	0x0010
#define F_EXE		0x0020
#define F_CWD		0x0040
#define F_FDS		0x0080
#define F_CGROUP	0x0100
#define F_WCHAN		0x0200
#define F_ATTR		0x0400
#define F_OOM		0x0800
#define F_OOMADJ	0x1000
#define F_STATM		0x2000
#define F_ALL		0x3fff

/* Justification, as procps: right; left; left, cut to the column unless
 * last (UNLIM, WCHAN); user names cut with '+'. */
#define J_RIGHT		0
#define J_LEFT		1
#define J_UNLIM		2
#define J_USER		3
#define J_WCHAN		4
#define J_PIDMAX	0x10	/* width from pid_max's digits */

enum {
	K_PID, K_PPID, K_PGID, K_SID, K_TPGID, K_TID, K_NLWP,
	K_EUID, K_RUID, K_SUID, K_FUID, K_EGID, K_RGID, K_SGID, K_FGID,
	K_EUSER, K_RUSER, K_SUSER, K_FUSER, K_EGROUP, K_RGROUP, K_SGROUP,
	K_FGROUP, K_TTY, K_STAT, K_STATE, K_NI, K_PRI, K_OPRI, K_PRIORITY,
	K_RTPRIO, K_SCHED, K_POLICY, K_PSR, K_C, K_PCPU, K_PMEM, K_VSZ, K_RSS,
	K_SZ, K_PSS, K_USS, K_SWAP, K_SHR, K_TIME, K_TIMES, K_BSDTIME,
	K_ETIME, K_ETIMES, K_START, K_STIME, K_BSDSTART, K_LSTART, K_FLAGS,
	K_FDS, K_RBYTES, K_WBYTES, K_RCHAR, K_WCHAR, K_ROPS, K_WOPS,
	K_WCBYTES, K_OOM, K_OOMADJ, K_MAJFLT, K_MINFLT, K_DASH, K_COMM,
	K_ARGS, K_EXE, K_CWD, K_CGROUP, K_CGNAME, K_ENV, K_LABEL,
	K_CONTAINER, K_WCHAN,
};

struct key {
	const char	*name;
	const char	*head;
	unsigned char	 width;
	unsigned char	 just;
	unsigned char	 id;
	unsigned short	 need;
	const char	*help;		/* NULL: an alias, not listed by ps L */
};

#define PM	J_PIDMAX
static const struct key keys[] = {
	{ "%cpu", "%CPU", 4, J_RIGHT, K_PCPU, 0, "CPU use: lifetime, or over --sample" },
	{ "%mem", "%MEM", 4, J_RIGHT, K_PMEM, F_STATM, "resident set / MemTotal, percent" },
	{ "addr", "ADDR", 4, J_RIGHT, K_DASH, 0, NULL },
	{ "addr_1", "ADDR", 1, J_LEFT, K_DASH, 0, NULL },
	{ "args", "COMMAND", 27, J_UNLIM, K_ARGS, F_CMDLINE, "command with its arguments" },
	{ "bsdstart", "START", 6, J_RIGHT, K_BSDSTART, 0, "start time, BSD style" },
	{ "bsdtime", "TIME", 6, J_RIGHT, K_BSDTIME, 0, "CPU time, MMM:SS" },
	{ "c", "C", 2, J_RIGHT, K_C, 0, "CPU use, integer percent (max 99)" },
	{ "cgname", "CGNAME", 27, J_UNLIM, K_CGNAME, F_CGROUP, "name of the cgroup (last path component)" },
	{ "cgroup", "CGROUP", 27, J_UNLIM, K_CGROUP, F_CGROUP, "cgroups, except those at /" },
	{ "class", "CLS", 3, J_LEFT, K_POLICY, 0, NULL },
	{ "cls", "CLS", 3, J_RIGHT, K_POLICY, 0, NULL },
	{ "cmd", "CMD", 27, J_UNLIM, K_ARGS, F_CMDLINE, NULL },
	{ "comm", "COMMAND", 15, J_UNLIM, K_COMM, 0, "command name" },
	{ "command", "COMMAND", 27, J_UNLIM, K_ARGS, F_CMDLINE, NULL },
	{ "container", "CONTAINER", 12, J_LEFT, K_CONTAINER, F_CGROUP, "container id (docker, containerd, podman, kubepods), 12 digits" },
	{ "context", "CONTEXT", 31, J_LEFT, K_LABEL, F_ATTR, NULL },
	{ "cpu", "CPU", 3, J_RIGHT, K_PSR, 0, NULL },
	{ "cputime", "TIME", 8, J_RIGHT, K_TIME, 0, NULL },
	{ "cputimes", "TIME", 8, J_RIGHT, K_TIMES, 0, NULL },
	{ "cwd", "CWD", 27, J_UNLIM, K_CWD, F_CWD, "current directory" },
	{ "egid", "EGID", 5, J_RIGHT, K_EGID, F_STATUS, NULL },
	{ "egroup", "EGROUP", 8, J_USER, K_EGROUP, F_STATUS, NULL },
	{ "env", "ENVIRONMENT", 31, J_UNLIM, K_ENV, F_ENVIRON, "environment" },
	{ "environ", "ENVIRONMENT", 31, J_UNLIM, K_ENV, F_ENVIRON, NULL },
	{ "etime", "ELAPSED", 11, J_RIGHT, K_ETIME, 0, "elapsed time, [[DD-]hh:]mm:ss" },
	{ "etimes", "ELAPSED", 7, J_RIGHT, K_ETIMES, 0, "elapsed time, seconds" },
	{ "euid", "EUID", 5, J_RIGHT, K_EUID, F_STATUS, NULL },
	{ "euser", "EUSER", 8, J_USER, K_EUSER, F_STATUS, NULL },
	{ "exe", "EXE", 27, J_UNLIM, K_EXE, F_EXE, "path of the executable" },
	{ "f", "F", 1, J_RIGHT, K_FLAGS, 0, "flags (octal)" },
	{ "fds", "FDS", 3, J_RIGHT, K_FDS, F_FDS, "open file descriptors" },
	{ "fgid", "FGID", 5, J_RIGHT, K_FGID, F_STATUS, NULL },
	{ "fgroup", "FGROUP", 8, J_USER, K_FGROUP, F_STATUS, NULL },
	{ "flag", "F", 1, J_RIGHT, K_FLAGS, 0, NULL },
	{ "flags", "F", 1, J_RIGHT, K_FLAGS, 0, NULL },
	{ "fsgid", "FSGID", 5, J_RIGHT, K_FGID, F_STATUS, NULL },
	{ "fsgroup", "FSGROUP", 8, J_USER, K_FGROUP, F_STATUS, NULL },
	{ "fsuid", "FSUID", 5, J_RIGHT, K_FUID, F_STATUS, NULL },
	{ "fsuser", "FSUSER", 8, J_USER, K_FUSER, F_STATUS, NULL },
	{ "fuid", "FUID", 5, J_RIGHT, K_FUID, F_STATUS, NULL },
	{ "fuser", "FUSER", 8, J_USER, K_FUSER, F_STATUS, NULL },
	{ "gid", "GID", 5, J_RIGHT, K_EGID, F_STATUS, "effective group id" },
	{ "group", "GROUP", 8, J_USER, K_EGROUP, F_STATUS, "effective group name" },
	{ "intpri", "PRI", 3, J_RIGHT, K_OPRI, 0, NULL },
	{ "label", "LABEL", 31, J_LEFT, K_LABEL, F_ATTR, "security label (SELinux, AppArmor)" },
	{ "longtname", "TTY", 8, J_LEFT, K_TTY, 0, NULL },
	{ "lstart", "STARTED", 24, J_RIGHT, K_LSTART, 0, "start time, in full" },
	{ "lwp", "LWP", 5, J_RIGHT | PM, K_TID, 0, "thread id" },
	{ "maj_flt", "MAJFL", 6, J_RIGHT, K_MAJFLT, 0, NULL },
	{ "majflt", "MAJFLT", 6, J_RIGHT, K_MAJFLT, 0, "major page faults" },
	{ "min_flt", "MINFL", 6, J_RIGHT, K_MINFLT, 0, NULL },
	{ "minflt", "MINFLT", 6, J_RIGHT, K_MINFLT, 0, "minor page faults" },
	{ "ni", "NI", 3, J_RIGHT, K_NI, 0, "nice value (- for real-time policies)" },
	{ "nice", "NI", 3, J_RIGHT, K_NI, 0, NULL },
	{ "nlwp", "NLWP", 4, J_RIGHT, K_NLWP, 0, "number of threads" },
	{ "oom", "OOM", 4, J_RIGHT, K_OOM, F_OOM, "OOM killer score" },
	{ "oom_score_adj", "OOMADJ", 5, J_RIGHT, K_OOMADJ, F_OOMADJ, "OOM score adjustment" },
	{ "oomadj", "OOMADJ", 5, J_RIGHT, K_OOMADJ, F_OOMADJ, NULL },
	{ "opri", "PRI", 3, J_RIGHT, K_OPRI, 0, NULL },
	{ "pcpu", "%CPU", 4, J_RIGHT, K_PCPU, 0, NULL },
	{ "pgid", "PGID", 5, J_RIGHT | PM, K_PGID, 0, "process group id" },
	{ "pgrp", "PGRP", 5, J_RIGHT | PM, K_PGID, 0, NULL },
	{ "pid", "PID", 5, J_RIGHT | PM, K_PID, 0, "process id" },
	{ "pmem", "%MEM", 4, J_RIGHT, K_PMEM, F_STATM, NULL },
	{ "policy", "POL", 3, J_LEFT, K_POLICY, 0, "scheduling policy (TS, FF, RR, B, IDL, DLN)" },
	{ "ppid", "PPID", 5, J_RIGHT | PM, K_PPID, 0, "parent process id" },
	{ "pri", "PRI", 3, J_RIGHT, K_PRI, 0, "priority, higher is more urgent" },
	{ "priority", "PRI", 3, J_RIGHT, K_PRIORITY, 0, NULL },
	{ "pss", "PSS", 5, J_RIGHT, K_PSS, F_SMAPS, "proportional set size, KiB" },
	{ "psr", "PSR", 3, J_RIGHT, K_PSR, 0, "processor last run on" },
	{ "rbytes", "RBYTES", 5, J_RIGHT, K_RBYTES, F_IO, "bytes read from storage" },
	{ "rchar", "RCHAR", 5, J_RIGHT, K_RCHAR, F_IO, "bytes read" },
	{ "rchars", "RCHARS", 5, J_RIGHT, K_RCHAR, F_IO, NULL },
	{ "rgid", "RGID", 5, J_RIGHT, K_RGID, F_STATUS, "real group id" },
	{ "rgroup", "RGROUP", 8, J_USER, K_RGROUP, F_STATUS, "real group name" },
	{ "rops", "ROPS", 5, J_RIGHT, K_ROPS, F_IO, NULL },
	{ "rss", "RSS", 5, J_RIGHT, K_RSS, F_STATM, "resident set size, KiB" },
	{ "rssize", "RSS", 5, J_RIGHT, K_RSS, F_STATM, NULL },
	{ "rsz", "RSZ", 5, J_RIGHT, K_RSS, F_STATM, NULL },
	{ "rtprio", "RTPRIO", 6, J_RIGHT, K_RTPRIO, 0, "real-time priority" },
	{ "ruid", "RUID", 5, J_RIGHT, K_RUID, F_STATUS, "real user id" },
	{ "ruser", "RUSER", 8, J_USER, K_RUSER, F_STATUS, "real user name" },
	{ "s", "S", 1, J_LEFT, K_STATE, 0, "state, one letter" },
	{ "sched", "SCH", 3, J_RIGHT, K_SCHED, 0, NULL },
	{ "sess", "SESS", 5, J_RIGHT | PM, K_SID, 0, NULL },
	{ "session", "SESS", 5, J_RIGHT | PM, K_SID, 0, NULL },
	{ "sgid", "SGID", 5, J_RIGHT, K_SGID, F_STATUS, NULL },
	{ "sgroup", "SGROUP", 8, J_USER, K_SGROUP, F_STATUS, NULL },
	{ "shr", "SHR", 5, J_RIGHT, K_SHR, F_STATUS, "shared resident memory (file + shmem), KiB" },
	{ "sid", "SID", 5, J_RIGHT | PM, K_SID, 0, "session id" },
	{ "spid", "SPID", 5, J_RIGHT | PM, K_TID, 0, NULL },
	{ "start", "STARTED", 8, J_RIGHT, K_START, 0, "start time (date if not today)" },
	{ "start_time", "START", 5, J_RIGHT, K_STIME, 0, NULL },
	{ "stat", "STAT", 4, J_LEFT, K_STAT, F_STATUS, "state with flags (<N L s l +)" },
	{ "state", "S", 1, J_LEFT, K_STATE, 0, NULL },
	{ "stime", "STIME", 5, J_RIGHT, K_STIME, 0, "start time: hh:mm, MmmDD or year" },
	{ "suid", "SUID", 5, J_RIGHT, K_SUID, F_STATUS, NULL },
	{ "suser", "SUSER", 8, J_USER, K_SUSER, F_STATUS, NULL },
	{ "svgid", "SVGID", 5, J_RIGHT, K_SGID, F_STATUS, NULL },
	{ "svuid", "SVUID", 5, J_RIGHT, K_SUID, F_STATUS, NULL },
	{ "swap", "SWAP", 5, J_RIGHT, K_SWAP, F_STATUS, "swapped out memory, KiB" },
	{ "sz", "SZ", 5, J_RIGHT, K_SZ, 0, "virtual size in pages" },
	{ "tgid", "TGID", 5, J_RIGHT | PM, K_PID, 0, NULL },
	{ "thcount", "THCNT", 5, J_RIGHT, K_NLWP, 0, NULL },
	{ "tid", "TID", 5, J_RIGHT | PM, K_TID, 0, NULL },
	{ "time", "TIME", 8, J_RIGHT, K_TIME, 0, "CPU time, [DD-]hh:mm:ss" },
	{ "times", "TIME", 8, J_RIGHT, K_TIMES, 0, "CPU time, seconds" },
	{ "tname", "TTY", 8, J_LEFT, K_TTY, 0, NULL },
	{ "tpgid", "TPGID", 5, J_RIGHT | PM, K_TPGID, 0, "terminal's foreground process group" },
	{ "tt", "TT", 8, J_LEFT, K_TTY, 0, NULL },
	{ "tty", "TT", 8, J_LEFT, K_TTY, 0, "controlling terminal" },
	{ "tty8", "TTY", 8, J_LEFT, K_TTY, 0, NULL },
	{ "ucmd", "CMD", 15, J_UNLIM, K_COMM, 0, NULL },
	{ "ucomm", "COMMAND", 15, J_UNLIM, K_COMM, 0, NULL },
	{ "uid", "UID", 5, J_RIGHT, K_EUID, F_STATUS, "effective user id" },
	{ "uid_hack", "UID", 8, J_USER, K_EUSER, F_STATUS, NULL },
	{ "uname", "USER", 8, J_USER, K_EUSER, F_STATUS, NULL },
	{ "user", "USER", 8, J_USER, K_EUSER, F_STATUS, "effective user name" },
	{ "uss", "USS", 5, J_RIGHT, K_USS, F_SMAPS, "unique set size, KiB" },
	{ "vsize", "VSZ", 6, J_RIGHT, K_VSZ, 0, NULL },
	{ "vsz", "VSZ", 6, J_RIGHT, K_VSZ, 0, "virtual size, KiB" },
	{ "wbytes", "WBYTES", 5, J_RIGHT, K_WBYTES, F_IO, "bytes written to storage" },
	{ "wcbytes", "WCBYTES", 5, J_RIGHT, K_WCBYTES, F_IO, NULL },
	{ "wchan", "WCHAN", 6, J_WCHAN, K_WCHAN, F_WCHAN, "kernel function it sleeps in" },
	{ "wchar", "WCHAR", 5, J_RIGHT, K_WCHAR, F_IO, "bytes written" },
	{ "wchars", "WCHARS", 5, J_RIGHT, K_WCHAR, F_IO, NULL },
	{ "wops", "WOPS", 5, J_RIGHT, K_WOPS, F_IO, NULL },
};
#undef PM

static const struct key *
key_find(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (strlen(keys[i].name) == n &&
		    memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

/* ---- options ---- */

/* simple selections, as procps's select bits */
#define SS_U_a	0x01	/* -a */
#define SS_U_d	0x02	/* -d */
#define SS_B_a	0x04	/* a */
#define SS_B_x	0x08	/* x */
#define SS_B_g	0x10	/* g */

/* format flags and modifiers */
#define FF_Uf	0x01	/* -f */
#define FF_Ul	0x02	/* -l */
#define FF_Bu	0x04	/* u */
#define FF_Bj	0x08	/* j */
#define FF_Bl	0x10	/* l */
#define FM_F	0x01	/* -F */
#define FM_j	0x02	/* -j */

/* thread flags */
#define TF_L	0x01	/* -L */
#define TF_T	0x02	/* -T */
#define TF_H	0x04	/* BSD H: threads as processes */

enum sel {
	SEL_PID, SEL_QUICK, SEL_PPID, SEL_EUID, SEL_RUID, SEL_EGID, SEL_RGID,
	SEL_SESS, SEL_PGRP, SEL_TTY, SEL_COMM,
};

struct sel_list {
	enum sel	 type;
	int		 n;
	uint64_t	*v;		/* ids, or tty major << 32 | minor */
	char		**names;	/* SEL_COMM */
	struct sel_list	*next;
};

struct col {
	const struct key *k;
	char		*head;
	int		 width;
};

struct fmt {
	struct col	*c;
	int		 n, cap;
};

struct sortkey {
	const struct key *k;
	int		 desc;
};

struct sortspec {
	struct sortkey	*k;
	int		 n, cap;
};

struct opts {
	int		 all;			/* -e */
	unsigned	 simple;		/* SS_* */
	int		 bsd;			/* a BSD option was given */
	int		 negate, running;
	struct sel_list	*sel;
	unsigned	 ff, fm, tf;
	int		 forest;		/* 'g' ascii art, 'u' -H */
	int		 unix_f;		/* -f: comm shows args */
	int		 bsd_c, bsd_e, numeric, cumulative;
	int		 noheader;
	int		 wcount, cols;
	struct fmt	 fmt;			/* -o, --format */
	int		 have_o;
	const char	*O, *bsdO;		/* -O, O */
	struct sortspec	 sort;
	const char	*datefmt;
	double		 sample;		/* --sample seconds, 0 none */
	int		 json;
	int		 list_keys;
	regex_t		 match;
	int		 have_match;
};

/* ---- one process (or thread) ---- */

struct row {
	struct pid_stat	 st;
	struct pid_status ss;
	struct pid_io	 io;
	struct pid_smaps sm;
	struct pid_statm mem;
	int		 pid, tid;
	unsigned	 have;			/* F_* read */
	const char	*cmdline, *environ;	/* raw, NUL-separated */
	size_t		 cmdlen, envlen;
	const char	*exe, *cwd, *cgroup, *wchan, *label;
	char		 container[65];
	int		 fds, oom, oomadj;
	double		 spcpu;			/* --sample %cpu, < 0: none */
	int		 index;			/* read order, for stable sorts */
	int		 dirfd;			/* while reading: its directory, or -1 */
	int		 thread;		/* a task of -L, -T, H */
	unsigned	 tried;			/* F_* read or tried */
};

/* A reused read buffer per file kind, so a row's strings stay valid. */
enum {
	B_STAT, B_STATUS, B_CMDLINE, B_ENVIRON, B_IO, B_SMAPS, B_CGROUP,
	B_WCHAN, B_ATTR, B_MISC, B_EXE, B_CWD, B_ARGS, B_CELL, B_LINE, B_NBUF,
};

struct buf {
	char	*p;
	size_t	 cap;
};

/* Strings of collected rows (sort, forest) live in chunks of this. */
struct uname_ent {
	uint32_t	 id;
	int		 used;
	char		 name[33];
};

struct ctx {
	struct opts	*o;
	const char	*root;
	int		 procfd;
	unsigned	 need;			/* F_* the columns and selection need */
	struct fmt	 fmt;			/* the columns */
	struct buf	 b[B_NBUF];
	/* the machine */
	long		 hz;
	long		 pagesize;
	double		 uptime;		/* seconds, read once */
	uint64_t	 btime;
	uint64_t	 memtotal;		/* KiB */
	int		 have_uptime, have_btime, have_mem;
	int		 pidwidth;
	unsigned	 euid;
	int		 mytty;
	unsigned	 selbits;
	int		 pid_only;		/* the selection is pid lists alone */
	int		 use_dirfd;		/* read through /proc/PID's fd */
	time_t		 now;
	struct tm	 nowtm;
	/* the screen */
	int		 active_cols;
	/* caches */
	struct uname_ent users[256], groups[64];
	int		 tty_nr_cached;
	char		 tty_cached[32];
	char		**tty_drivers;		/* /proc/tty/drivers: name by major */
	int		 drivers_read;
	/* forest prefix */
	char		*prefix;
	size_t		 prefixlen, prefixcap;
	/* --sample */
	struct sample	*samp;
	int		 nsamp, sampcap;
	double		 samp_secs;
	/* output */
	struct json	 j;
	int		 printed;
	int		 failed;
	struct arena	 arena;
};

struct sample {
	int		 tid;
	uint64_t	 start, ticks;
};

/* A copy of [s, s + n) that lives as long as the run (collected rows). */
static const char *
arena_copy(struct arena *a, const char *s, size_t n)
{
	char *d;

	if (s == NULL)
		return NULL;
	if (n == SIZE_MAX || (d = arena_alloc(a, n + 1)) == NULL)
		xnomem();
	memcpy(d, s, n);
	return d;
}

/* ---- small formatting helpers (the hot path avoids printf) ---- */

/* a * b, held at the int64 range: parsed values are not trusted to be
 * small (a fixture, a fuzzer, a hostile container's /proc) */
static int64_t
mul_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t
add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t
sub_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b > 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static int
fmt_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	p[n] = '\0';
	return n;
}

static int
fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p = '-';
		return 1 + fmt_u64(p + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(p, (uint64_t)v);
}

/* ---- the machine ---- */

static double
uptime(struct ctx *c)
{
	double idle;

	if (!c->have_uptime) {
		c->have_uptime = 1;
		if (proc_uptime(&c->uptime, &idle) != 0)
			c->uptime = 0;
	}
	return c->uptime;
}

static uint64_t
btime(struct ctx *c)
{
	char *buf, *p;
	size_t len;

	if (!c->have_btime) {
		c->have_btime = 1;
		if ((buf = proc_slurp(c->root, "stat", &len)) != NULL) {
			if ((p = strstr(buf, "\nbtime ")) != NULL)
				c->btime = strtoull(p + 7, NULL, 10);
			free(buf);
		}
	}
	return c->btime;
}

static uint64_t
memtotal(struct ctx *c)
{
	struct meminfo mi;

	if (!c->have_mem) {
		c->have_mem = 1;
		if (proc_meminfo(&mi) == 0)
			c->memtotal = mi.mem_total / 1024;
	}
	return c->memtotal;
}

/* Digits of the largest pid: procps's PID column width. */
static int
pid_digits(const char *root)
{
	uint64_t max;
	int n = 0;

	if (proc_read_u64(root, "sys/kernel/pid_max", &max) != 0 || max == 0)
		max = 32768;
	for (max -= max > 1; max > 0; max /= 10)
		n++;
	return n > 0 ? n : 1;
}

/* ---- names: users, groups, terminals ---- */

static const char *
id_name(struct uname_ent *tab, size_t n, uint32_t id, int group)
{
	size_t h = id % n, i;
	struct uname_ent *e;
	const char *name = NULL;

	for (i = 0; i < n; i++) {
		e = &tab[(h + i) % n];
		if (e->used && e->id == id)
			return e->name;
		if (!e->used)
			break;
	}
	if (group) {
		struct group *gr = getgrgid(id);

		if (gr != NULL)
			name = gr->gr_name;
	} else {
		struct passwd *pw = getpwuid(id);

		if (pw != NULL)
			name = pw->pw_name;
	}
	e = &tab[(h + i) % n];
	if (i == n)		/* full: reuse the home slot */
		e = &tab[h];
	e->used = 1;
	e->id = id;
	if (name != NULL && strlen(name) < sizeof(e->name))
		snprintf(e->name, sizeof(e->name), "%s", name);
	else
		snprintf(e->name, sizeof(e->name), "%u", (unsigned)id);
	return e->name;
}

static const char *
user_name(struct ctx *c, uint32_t uid)
{
	return id_name(c->users, nitems(c->users), uid, 0);
}

static const char *
group_name(struct ctx *c, uint32_t gid)
{
	return id_name(c->groups, nitems(c->groups), gid, 1);
}

static unsigned
tty_major(int nr)
{
	return ((unsigned)nr >> 8) & 0xfff;
}

static unsigned
tty_minor(int nr)
{
	return ((unsigned)nr & 0xff) | (((unsigned)nr >> 12) & 0xfff00);
}

/* /proc/tty/drivers: "name /dev/prefix major minors type", by major. */
static void
read_tty_drivers(struct ctx *c)
{
	char *buf, *line, *next;
	size_t len;

	c->drivers_read = 1;
	if ((buf = proc_slurp(c->root, "tty/drivers", &len)) == NULL)
		return;
	c->tty_drivers = calloc(4096, sizeof(char *));
	for (line = buf; c->tty_drivers != NULL && line != NULL && *line;
	    line = next) {
		char name[64], dev[128], minors[64];
		unsigned maj;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%63s %127s %u %63s", name, dev, &maj,
		    minors) != 4 || maj >= 4096 || c->tty_drivers[maj] != NULL)
			continue;
		if (strncmp(dev, "/dev/", 5) != 0 || strchr(minors, '-') == NULL)
			continue;	/* a single device, named already */
		c->tty_drivers[maj] = strdup(dev + 5);
	}
	free(buf);
}

/* The terminal's name as procps shows it ("pts/3", "tty1"), "?" for none. */
static const char *
tty_name(struct ctx *c, int nr)
{
	unsigned maj, min;
	char *s = c->tty_cached;
	size_t len = sizeof(c->tty_cached);

	if (nr == 0)
		return "?";
	if (nr == c->tty_nr_cached)
		return s;
	maj = tty_major(nr);
	min = tty_minor(nr);
	if (maj >= 136 && maj <= 143)
		snprintf(s, len, "pts/%u", (maj - 136) * 256 + min);
	else if (maj == 4 && min < 64)
		snprintf(s, len, "tty%u", min);
	else if (maj == 4)
		snprintf(s, len, "ttyS%u", min - 64);
	else if (maj == 5 && min == 0)
		snprintf(s, len, "tty");
	else if (maj == 5 && min == 1)
		snprintf(s, len, "console");
	else if (maj == 5 && min == 2)
		snprintf(s, len, "ptmx");
	else {
		if (!c->drivers_read)
			read_tty_drivers(c);
		if (c->tty_drivers != NULL && c->tty_drivers[maj] != NULL)
			snprintf(s, len, "%s%u", c->tty_drivers[maj], min);
		else
			snprintf(s, len, "%u,%u", maj, min);
	}
	c->tty_nr_cached = nr;
	return s;
}

/* ---- parsing lists, formats and sorts ---- */

/* An error message for the one line on stderr. */
static char errmsg[256];

static int
perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
perr(const char *fmt, ...)
{
	va_list ap;

	if (errmsg[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Separators of -o and --sort lists (procps allows newlines there) */
static int
is_sep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\t' || ch == '\n';
}

/* and of selection lists, where a newline may be part of a name */
static int
is_lsep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\t';
}

static int
parse_pid(const char *s, uint64_t *out)
{
	uint64_t v;

	if (args_uint(s, 1, 0x7fffffff, &v) != 0)
		return perr("bad process id: %s", s);
	*out = v;
	return 0;
}

static int
parse_uid(const char *s, uint64_t *out, int group)
{
	uint64_t v;

	if (args_uint(s, 0, 0xfffffffeU, &v) == 0) {
		*out = v;
		return 0;
	}
	if (group) {
		struct group *gr = getgrnam(s);

		if (gr == NULL)
			return perr("no such group: %s", s);
		*out = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (pw == NULL)
			return perr("no such user: %s", s);
		*out = pw->pw_uid;
	}
	return 0;
}

static uint64_t
devkey(unsigned maj, unsigned min)
{
	return (uint64_t)maj << 32 | min;
}

/* A terminal as procps finds it: a path, pts/N, ttyN, N, or - and ? for none. */
static int
parse_tty(const char *s, uint64_t *out)
{
	static const char *const fmts[][2] = {
		{ "/dev/pts/", "" }, { "/dev/", "" }, { "/dev/tty", "" },
		{ "/dev/pty", "" }, { "/dev/", "nsole" },
	};
	char path[PATH_MAX];
	struct stat sb;
	size_t i;

	if (strcmp(s, "-") == 0 || strcmp(s, "?") == 0) {
		*out = 0;
		return 0;
	}
	if (s[0] == '/') {
		if (stat(s, &sb) != 0)
			return perr("no such terminal: %s", s);
		goto found;
	}
	for (i = 0; i < nitems(fmts); i++) {
		snprintf(path, sizeof(path), "%s%s%s", fmts[i][0], s,
		    fmts[i][1]);
		if (stat(path, &sb) == 0)
			goto found;
	}
	return perr("no such terminal: %s", s);
found:
	if (!S_ISCHR(sb.st_mode))
		return perr("not a terminal: %s", s);
	*out = devkey(major(sb.st_rdev), minor(sb.st_rdev));
	return 0;
}

/* A list of items separated by commas or blanks, into a selection. */
static int
parse_list(struct opts *o, enum sel type, const char *arg)
{
	struct sel_list *l;
	const char *p = arg, *e;
	char item[256];
	int rc = 0;

	if (*arg == '\0')
		return perr("empty list");
	if ((l = calloc(1, sizeof(*l))) == NULL)
		xnomem();
	l->type = type;
	l->v = xreallocarray(NULL, strlen(arg) + 1, sizeof(*l->v));
	if (type == SEL_COMM)
		l->names = xreallocarray(NULL, strlen(arg) + 1,
		    sizeof(*l->names));
	l->next = o->sel;
	o->sel = l;
	while (rc == 0) {
		e = p;
		while (*e != '\0' && !is_lsep(*e))
			e++;
		if (e == p || (size_t)(e - p) >= sizeof(item))
			return perr("bad list: %s", arg);
		memcpy(item, p, (size_t)(e - p));
		item[e - p] = '\0';
		switch (type) {
		case SEL_EUID:
		case SEL_RUID:
			rc = parse_uid(item, &l->v[l->n], 0);
			break;
		case SEL_EGID:
		case SEL_RGID:
			rc = parse_uid(item, &l->v[l->n], 1);
			break;
		case SEL_TTY:
			rc = parse_tty(item, &l->v[l->n]);
			break;
		case SEL_COMM:
			l->names[l->n] = xstrdup(item);
			break;
		default:
			rc = parse_pid(item, &l->v[l->n]);
			break;
		}
		l->n++;
		if (*e == '\0')
			break;
		p = e + 1;
		if (*p == '\0')
			return perr("bad list: %s", arg);
	}
	return rc;
}

static void
sel_free(struct sel_list *l)
{
	struct sel_list *next;
	int i;

	for (; l != NULL; l = next) {
		next = l->next;
		for (i = 0; l->names != NULL && i < l->n; i++)
			free(l->names[i]);
		free(l->names);
		free(l->v);
		free(l);
	}
}

static void
fmt_add(struct fmt *f, const struct key *k, const char *head, size_t headlen,
    int width)
{
	struct col *c;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->c = xreallocarray(f->c, (size_t)f->cap, sizeof(*f->c));
	}
	c = &f->c[f->n++];
	c->k = k;
	c->head = head != NULL ? xstrndup(head, headlen) : xstrdup(k->head);
	c->width = width;
}

static void
fmt_free(struct fmt *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->c[i].head);
	free(f->c);
	memset(f, 0, sizeof(*f));
}

/* The width of a key, from the table or pid_max; a header given with
 * KEY=HEADER widens it, the table's own header does not (procps). */
static int
key_width(const struct key *k, int pidwidth, const char *head, size_t headlen)
{
	int w = k->width;

	if (k->just & J_PIDMAX) {
		w = pidwidth;
		if ((size_t)w < strlen(k->head))
			w = (int)strlen(k->head);
	}
	if (head != NULL && headlen > (size_t)w)
		w = headlen > 4096 ? 4096 : (int)headlen;
	return w;
}

/*
 * A format list as procps reads it: items separated by commas or blanks
 * (one trailing separator allowed); KEY=HEADER renames a column (the
 * header ends at the next separator, so "pid=,comm=" empties both) and
 * KEY:WIDTH sets the width.
 */
static int
fmt_parse(struct fmt *f, const char *spec, int pidwidth)
{
	const char *p, *e, *eq, *colon;
	const struct key *k;
	size_t nlen, hlen, wl;
	uint64_t w = 0;
	int need = 1, items = 0, width;
	char wbuf[16];

	for (p = spec; *p != '\0'; p++) {
		if (is_sep(*p)) {
			if (need)
				return perr("improper format list: %s", spec);
			need = 1;
		} else if (need) {
			items++;
			need = 0;
		}
	}
	if (items == 0)
		return perr("empty format list");
	for (p = spec; *p != '\0' && !is_sep(*p); p = *e != '\0' ? e + 1 : e) {
		e = p;
		while (*e != '\0' && !is_sep(*e))
			e++;
		eq = memchr(p, '=', (size_t)(e - p));
		nlen = (size_t)((eq != NULL ? eq : e) - p);
		if ((colon = memchr(p, ':', nlen)) != NULL) {
			wl = nlen - (size_t)(colon - p) - 1;
			if (wl == 0 || wl >= sizeof(wbuf) || colon[1] == '0')
				return perr("column widths must be unsigned decimal numbers");
			memcpy(wbuf, colon + 1, wl);
			wbuf[wl] = '\0';
			if (strspn(wbuf, "0123456789") != wl ||
			    args_uint(wbuf, 1, 4096, &w) != 0)
				return perr("column widths must be unsigned decimal numbers");
			nlen = (size_t)(colon - p);
		}
		if ((k = key_find(p, nlen)) == NULL)
			return perr("unknown format key: %.*s", (int)nlen, p);
		hlen = eq != NULL ? (size_t)(e - eq - 1) : strlen(k->head);
		width = key_width(k, pidwidth, eq != NULL ? eq + 1 : NULL, hlen);
		if (colon != NULL)
			width = (int)w;
		fmt_add(f, k, eq != NULL ? eq + 1 : NULL, hlen, width);
	}
	return 0;
}

/* "[+|-]key,..." */
static int
sort_parse(struct sortspec *s, const char *spec)
{
	const char *p = spec, *e;
	const struct key *k;
	int desc;

	if (*spec == '\0')
		return perr("empty sort list");
	for (;;) {
		desc = 0;
		if (*p == '+' || *p == '-')
			desc = *p++ == '-';
		e = p;
		while (*e != '\0' && !is_sep(*e))
			e++;
		if (e == p)
			return perr("improper sort list: %s", spec);
		if ((k = key_find(p, (size_t)(e - p))) == NULL)
			return perr("unknown sort key: %.*s", (int)(e - p), p);
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->k = xreallocarray(s->k, (size_t)s->cap,
			    sizeof(*s->k));
		}
		s->k[s->n].k = k;
		s->k[s->n].desc = desc;
		s->n++;
		if (*e == '\0' || e[1] == '\0')	/* one trailing separator */
			break;
		p = e + 1;
	}
	return 0;
}

/* ---- the command line ---- */

enum {
	O_COLS = 256, O_CUMULATIVE, O_FOREST, O_HEADERS, O_NOHEADERS, O_PPID,
	O_SORT, O_JSON, O_SAMPLE, O_MATCH, O_HELP, O_BSD_O, O_BSD_T, O_PGRP,
	O_ROWS, O_BSDTTY,
};

static const struct option longopts[] = {
	{ "Group", required_argument, NULL, 'G' },
	{ "User", required_argument, NULL, 'U' },
	{ "bsd-O", required_argument, NULL, O_BSD_O },
	{ "bsd-T", no_argument, NULL, O_BSD_T },
	{ "bsd-pgrp", required_argument, NULL, O_PGRP },
	{ "cols", required_argument, NULL, O_COLS },
	{ "columns", required_argument, NULL, O_COLS },
	{ "cumulative", no_argument, NULL, O_CUMULATIVE },
	{ "date-format", required_argument, NULL, 'D' },
	{ "deselect", no_argument, NULL, 'N' },
	{ "forest", no_argument, NULL, O_FOREST },
	{ "format", required_argument, NULL, 'o' },
	{ "group", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, O_HELP },
	{ "json", no_argument, NULL, O_JSON },
	{ "lines", required_argument, NULL, O_ROWS },
	{ "match", required_argument, NULL, O_MATCH },
	{ "no-header", no_argument, NULL, O_NOHEADERS },
	{ "no-headers", no_argument, NULL, O_NOHEADERS },
	{ "no-heading", no_argument, NULL, O_NOHEADERS },
	{ "no-headings", no_argument, NULL, O_NOHEADERS },
	{ "noheader", no_argument, NULL, O_NOHEADERS },
	{ "noheaders", no_argument, NULL, O_NOHEADERS },
	{ "noheading", no_argument, NULL, O_NOHEADERS },
	{ "noheadings", no_argument, NULL, O_NOHEADERS },
	{ "pid", required_argument, NULL, 'p' },
	{ "ppid", required_argument, NULL, O_PPID },
	{ "quick-pid", required_argument, NULL, 'q' },
	{ "rows", required_argument, NULL, O_ROWS },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "sid", required_argument, NULL, 's' },
	{ "sort", required_argument, NULL, O_SORT },
	{ "tty", required_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "width", required_argument, NULL, O_COLS },
	{ NULL, 0, NULL, 0 },
};

static const char shortopts[] = "+AaC:D:deFfG:g:HjLlNO:o:p:q:s:Tt:U:u:Vw";

/* Does the short option ch (SysV) or BSD letter take an argument? */
static int
sysv_takes_arg(int ch)
{
	const char *p = strchr(shortopts + 1, ch);

	return ch != ':' && p != NULL && p[1] == ':';
}

/* Does --name take the next word as its value?  As getopt_long reads it:
 * the exact name, or the one option that name abbreviates. */
static int
long_takes_arg(const char *arg)
{
	const struct option *lo, *hit = NULL;
	size_t n = strcspn(arg + 2, "=");

	if (arg[2 + n] == '=')
		return 0;
	for (lo = longopts; lo->name != NULL; lo++) {
		if (strncmp(lo->name, arg + 2, n) != 0)
			continue;
		if (strlen(lo->name) == n)
			return lo->has_arg == required_argument;
		hit = hit == NULL ? lo : &longopts[nitems(longopts) - 1];
	}
	return hit != NULL && hit->has_arg == required_argument;
}

struct argvec {
	char	**v;
	int	  n, cap;
};

static void
av_push(struct argvec *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, (size_t)a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void
av_free(struct argvec *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/*
 * BSD options: letters without a dash ("aux").  The selection and format
 * letters set their flags here; those that take a value (p U t o O k q)
 * become the equivalent long option for getopt_long, their value being
 * the rest of the word or the next argument.
 */
static int
bsd_group(struct opts *o, struct argvec *a, char **argv, int argc, int *ip,
    const char *word)
{
	const char *p, *val;
	const char *lopt;

	o->bsd = 1;
	for (p = word; *p != '\0'; p++) {
		switch (*p) {
		case 'a': o->simple |= SS_B_a; continue;
		case 'x': o->simple |= SS_B_x; continue;
		case 'g': o->simple |= SS_B_g; continue;
		case 'r': o->running = 1; continue;
		case 'u': o->ff |= FF_Bu; continue;
		case 'j': o->ff |= FF_Bj; continue;
		case 'l': o->ff |= FF_Bl; continue;
		case 'f': o->forest = 'b'; continue;
		case 'w': o->wcount++; continue;
		case 'c': o->bsd_c = 1; continue;
		case 'e': o->bsd_e = 1; continue;
		case 'n': o->numeric = 1; continue;
		case 'S': o->cumulative = 1; continue;
		case 'H': o->tf |= TF_H; continue;
		case 'h': o->noheader = 1; continue;
		case 'L':
		case 'V':
			/* procps: these stand alone */
			if (argc != 2 || word[1] != '\0')
				return perr("option %c stands alone", *p);
			if (*p == 'L')
				o->list_keys = 1;
			else
				av_push(a, "--version");
			continue;
		case 'T': av_push(a, "--bsd-T"); continue;
		case '-':
			return perr("embedded '-' among BSD options: %s", word);
		}
		if (*p >= '0' && *p <= '9') {
			av_push(a, "--pid");
			av_push(a, p);
			return 0;
		}
		switch (*p) {
		case 'p': lopt = "--pid"; break;
		case 'U': lopt = "--user"; break;
		case 't': lopt = "--tty"; break;
		case 'o': lopt = "--format"; break;
		case 'O': lopt = "--bsd-O"; break;
		case 'k': lopt = "--sort"; break;
		case 'q': lopt = "--quick-pid"; break;
		default:
			return perr("unknown BSD option: %c", *p);
		}
		val = p[1] != '\0' ? p + 1 : NULL;
		if (val == NULL && *ip + 1 < argc && argv[*ip + 1][0] != '\0')
			val = argv[++*ip];
		if (val == NULL) {
			if (*p == 't') {	/* t alone: this terminal */
				av_push(a, "--bsd-T");
				return 0;
			}
			return perr("option %c needs a value", *p);
		}
		av_push(a, lopt);
		av_push(a, val);
		return 0;
	}
	return 0;
}

/*
 * Rewrite argv for getopt_long, as procps reads it: a word starting with
 * a letter is BSD options, one starting with a digit a pid list, +N a
 * session, -N a process group.  With force_bsd (the second try, after
 * the SysV reading failed, so that "ps -aux" works) "-aux" is BSD too.
 */
static int
preprocess(struct opts *o, struct argvec *a, int argc, char **argv,
    int force_bsd)
{
	char *s;
	int i;
	const char *p;

	av_push(a, argv[0]);
	for (i = 1; i < argc; i++) {
		s = argv[i];
		if (s[0] == '-' && s[1] == '-' && s[2] != '\0') {
			av_push(a, s);
			if (long_takes_arg(s) && i + 1 < argc)
				av_push(a, argv[++i]);
			continue;
		}
		if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
			av_push(a, "--bsd-pgrp");
			av_push(a, s + 1);
			o->bsd = 1;
			continue;
		}
		if (s[0] == '+') {
			av_push(a, "--sid");
			av_push(a, s + 1);
			o->bsd = 1;
			continue;
		}
		if (s[0] >= '0' && s[0] <= '9') {
			av_push(a, "--pid");
			av_push(a, s);
			o->bsd = 1;
			continue;
		}
		if (s[0] == '-' && isalpha((unsigned char)s[1]) && !force_bsd) {
			av_push(a, s);
			/* the value of the last letter may be the next word */
			for (p = s + 1; *p != '\0'; p++)
				if (sysv_takes_arg(*p))
					break;
			if (*p != '\0' && p[1] == '\0' && i + 1 < argc)
				av_push(a, argv[++i]);
			continue;
		}
		if (isalpha((unsigned char)s[0]) ||
		    (s[0] == '-' && isalpha((unsigned char)s[1]))) {
			if (bsd_group(o, a, argv, argc, &i,
			    s + (s[0] == '-')) == -1)
				return -1;
			continue;
		}
		return perr("garbage option: %s", s);
	}
	return 0;
}

static int
screen_arg(const char *s, int *out)
{
	uint64_t v;

	if (args_uint(s, 1, 1000000000, &v) != 0)
		return perr("bad number of columns: %s", s);
	*out = (int)v;
	return 0;
}

/* -g: a session list when it reads as one, else effective groups. */
static int
parse_g(struct opts *o, const char *arg)
{
	struct sel_list *l;

	if (parse_list(o, SEL_SESS, arg) == 0)
		return 0;
	errmsg[0] = '\0';
	l = o->sel;		/* the half-made session list */
	o->sel = l->next;
	l->next = NULL;
	sel_free(l);
	return parse_list(o, SEL_EGID, arg);
}

struct parsed {
	int	 help, version;
	int	 bsd_T;			/* T, t alone: this terminal */
	const char *match;
	char	**fmtspecs;		/* -o values, in order */
	int	 nfmt;
};

static int
parse_pass(struct opts *o, struct parsed *pa, int argc, char **argv,
    int force_bsd)
{
	struct argvec a;
	double d;
	int ch, rc = -1, cols = 0;

	memset(&a, 0, sizeof(a));
	if (preprocess(o, &a, argc, argv, force_bsd) == -1)
		goto out;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(a.n, a.v, shortopts, longopts, NULL)) != -1) {
		int r = 0;

		switch (ch) {
		case 'A':
		case 'e':
			o->all = 1;
			break;
		case 'a':
			o->simple |= SS_U_a;
			break;
		case 'C':
			r = parse_list(o, SEL_COMM, optarg);
			break;
		case 'D':
			o->datefmt = optarg;
			break;
		case 'd':
			o->simple |= SS_U_d;
			break;
		case 'F':
			o->fm |= FM_F;
			/* FALLTHROUGH */
		case 'f':
			o->ff |= FF_Uf;
			o->unix_f = 1;
			break;
		case 'G':
			r = parse_list(o, SEL_RGID, optarg);
			break;
		case 'g':
			r = parse_g(o, optarg);
			break;
		case 'H':
			o->forest = 'u';
			break;
		case 'j':
			o->fm |= FM_j;
			break;
		case 'L':
			o->tf |= TF_L;
			break;
		case 'l':
			o->ff |= FF_Ul;
			break;
		case 'N':
			o->negate = 1;
			break;
		case 'O':
			if (o->O != NULL)
				r = perr("only one -O");
			o->O = optarg;
			break;
		case 'o':
			pa->fmtspecs = xreallocarray(pa->fmtspecs,
			    (size_t)pa->nfmt + 1, sizeof(char *));
			pa->fmtspecs[pa->nfmt++] = optarg;
			break;
		case 'p':
			r = parse_list(o, SEL_PID, optarg);
			break;
		case 'q':
			r = parse_list(o, SEL_QUICK, optarg);
			break;
		case 's':
			r = parse_list(o, SEL_SESS, optarg);
			break;
		case 'T':
			o->tf |= TF_T;
			break;
		case 't':
			r = parse_list(o, SEL_TTY, optarg);
			break;
		case 'U':
			r = parse_list(o, SEL_RUID, optarg);
			break;
		case 'u':
			r = parse_list(o, SEL_EUID, optarg);
			break;
		case 'V':
			pa->version = 1;
			break;
		case 'w':
			o->wcount++;
			break;
		case O_COLS:
			if ((r = screen_arg(optarg, &cols)) == 0)
				o->cols = cols;
			break;
		case O_ROWS:
			r = screen_arg(optarg, &cols);
			break;
		case O_CUMULATIVE:
			o->cumulative = 1;
			break;
		case O_FOREST:
			o->forest = 'g';
			break;
		case O_NOHEADERS:
			o->noheader = 1;
			break;
		case O_PPID:
			r = parse_list(o, SEL_PPID, optarg);
			break;
		case O_SORT:
			if (o->sort.n > 0)
				r = perr("only one sort list");
			else
				r = sort_parse(&o->sort, optarg);
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_SAMPLE:
			if (args_duration(optarg, 3600, &d) != 0 || d <= 0)
				r = perr("bad duration: %s", optarg);
			else
				o->sample = d;
			break;
		case O_MATCH:
			pa->match = optarg;
			break;
		case O_HELP:
			pa->help = 1;
			break;
		case O_BSD_O:
			if (o->bsdO != NULL)
				r = perr("only one O");
			o->bsdO = optarg;
			break;
		case O_BSD_T:
			pa->bsd_T = 1;
			break;
		case O_PGRP:
			r = parse_list(o, SEL_PGRP, optarg);
			break;
		default:
			if (optopt != 0 && sysv_takes_arg(optopt))
				r = perr("option -%c needs a value", optopt);
			else if (optopt != 0)
				r = perr("unknown option: -%c", optopt);
			else
				r = perr("unknown option: %s", a.v[optind - 1]);
			break;
		}
		if (r != 0)
			goto out;
	}
	if (optind < a.n) {
		perr("garbage option: %s", a.v[optind]);
		goto out;
	}
	rc = 0;
out:
	av_free(&a);
	return rc;
}

static void
opts_free(struct opts *o)
{
	sel_free(o->sel);
	fmt_free(&o->fmt);
	free(o->sort.k);
	if (o->have_match)
		regfree(&o->match);
	memset(o, 0, sizeof(*o));
}

/* The selection bits of procps 4.0.2: which of the 16 combinations of
 * (our euid, session leader, no tty, our tty) the simple options take. */
static int
select_bits(struct opts *o, unsigned *bits)
{
	unsigned sv = o->simple;

	*bits = 0;
	if (sv == 0 && !o->bsd) {
		*bits = 0xaa00;		/* our euid on our terminal */
		return 0;
	}
	if (!(sv & (SS_U_a | SS_U_d)))
		sv |= SS_B_g;
	switch (sv) {
	case SS_U_a | SS_U_d:
		*bits = 0x3f3f;
		break;
	case SS_U_a:
		*bits = 0x0303;
		break;
	case SS_U_d:
		*bits = 0x3333;
		break;
	case SS_B_g:
		*bits = 0x0a0a;
		break;
	case SS_B_g | SS_B_a:
		*bits = 0x0f0f;
		break;
	case SS_B_g | SS_B_x:
		*bits = 0xaaaa;
		break;
	case SS_B_g | SS_B_x | SS_B_a:
		o->all = 1;
		o->simple = 0;
		break;
	default:
		return perr("process selection options conflict");
	}
	return 0;
}

/* ---- formats ---- */

static int
fmt_macro(struct fmt *f, const char *spec, int pidwidth)
{
	return fmt_parse(f, spec, pidwidth);
}

static int
fmt_find_head(const struct fmt *f, const char *head)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->c[i].head, head) == 0)
			return i;
	return -1;
}

/* Insert key name after the column headed head; 0 if there is none. */
static int
fmt_add_after(struct fmt *f, const char *head, const char *name, int pidwidth)
{
	struct fmt one;
	int at = fmt_find_head(f, head);

	if (at < 0)
		return 0;
	memset(&one, 0, sizeof(one));
	fmt_parse(&one, name, pidwidth);
	fmt_add(f, one.c[0].k, NULL, 0, 0);	/* grow by one */
	free(f->c[f->n - 1].head);
	memmove(&f->c[at + 2], &f->c[at + 1],
	    (size_t)(f->n - at - 2) * sizeof(*f->c));
	f->c[at + 1] = one.c[0];
	free(one.c);
	return 1;
}

/* procps's generate_sysv_list: the default and -f -F -l -j -L -T keys. */
static int
fmt_sysv(struct opts *o, struct fmt *f, int pidwidth)
{
	const char *push[40];
	int n = 0, i;
	unsigned ff = o->ff, fm = o->fm, tf = o->tf;

#define PUSH(k)	(push[n++] = (k))
	if (o->bsd) {
		PUSH(ff ? "cmd" : "args");
		PUSH("bsdtime");
		if (!(ff & FF_Ul))
			PUSH("stat");
	} else {
		PUSH((ff & FF_Uf) ? "cmd" : "ucmd");
		PUSH("time");
	}
	PUSH("tname");
	if (ff & FF_Uf)
		PUSH("stime");
	if (fm & FM_F) {
		PUSH("psr");
		PUSH("rss");
	}
	if (ff & FF_Ul)
		PUSH("wchan");
	if ((fm & FM_F) || (ff & FF_Ul))
		PUSH("sz");
	if (ff & FF_Ul) {
		PUSH("addr_1");
		PUSH("ni");
		PUSH("opri");
	}
	if ((tf & TF_L) && (ff & FF_Uf))
		PUSH("nlwp");
	if (ff & (FF_Uf | FF_Ul))
		PUSH("c");
	if (tf & TF_L)
		PUSH("lwp");
	if (fm & FM_j) {
		PUSH("sid");
		PUSH("pgid");
	}
	if (ff & (FF_Uf | FF_Ul))
		PUSH("ppid");
	if (tf & TF_T)
		PUSH("spid");
	PUSH("pid");
	if (ff & FF_Uf)
		PUSH("uid_hack");
	else if (ff & FF_Ul)
		PUSH("uid");
	if (ff & FF_Ul) {
		PUSH("s");
		PUSH("f");
	}
#undef PUSH
	for (i = n - 1; i >= 0; i--)
		if (fmt_parse(f, push[i], pidwidth) == -1)
			return -1;
	return 0;
}

static int
build_format(struct opts *o, struct parsed *pa, struct fmt *f, int pidwidth)
{
	const char *env, *macro = NULL;
	unsigned bsdff = o->ff & (FF_Bu | FF_Bj | FF_Bl);
	int i;

	for (i = 0; i < pa->nfmt; i++)
		if (fmt_parse(f, pa->fmtspecs[i], pidwidth) == -1)
			return -1;
	if (pa->nfmt > 0) {
		if (o->O != NULL || o->bsdO != NULL)
			return perr("-O cannot go with other format options");
		return 0;
	}
	if (o->O != NULL || o->bsdO != NULL) {
		if (o->O != NULL && o->bsdO != NULL)
			return perr("only one of -O and O");
		if (o->ff != 0)
			return perr("-O cannot go with other format options");
		if (fmt_parse(f, "pid", pidwidth) == -1 ||
		    fmt_parse(f, o->O != NULL ? o->O : o->bsdO, pidwidth) == -1)
			return -1;
		return fmt_macro(f, o->O != NULL ? "state,tname,time,command" :
		    "state,tname,cputime,comm", pidwidth);
	}
	if (o->ff == 0 && o->fm == 0 && (env = getenv("PS_FORMAT")) != NULL &&
	    *env != '\0') {
		if (fmt_parse(f, env, pidwidth) == 0)
			return 0;
		warnx("PS_FORMAT ignored: %s", errmsg);
		errmsg[0] = '\0';
		fmt_free(f);
	}
	if (bsdff == 0)
		return fmt_sysv(o, f, pidwidth);
	if ((bsdff & (bsdff - 1)) != 0 || (o->ff & (FF_Uf | FF_Ul)))
		return perr("conflicting format options");
	if (bsdff == FF_Bu)
		macro = "user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args";
	else if (bsdff == FF_Bj)
		macro = "ppid,pid,pgid,sid,tname,tpgid,stat,uid,bsdtime,args";
	else
		macro = "flags,uid,pid,ppid,priority,nice,vsz,rss,wchan,stat,tname,bsdtime,args";
	if (fmt_macro(f, macro, pidwidth) == -1)
		return -1;
	if (o->fm & FM_j) {
		if (!fmt_add_after(f, "PPID", "pgid", pidwidth))
			fmt_add_after(f, "PID", "pgid", pidwidth);
		fmt_add_after(f, "PGID", "sid", pidwidth);
	}
	if (o->tf & TF_T)
		fmt_add_after(f, "PID", "spid", pidwidth);
	if (o->tf & TF_L) {
		static const char *const after[] = {
			"SID", "SESS", "PGID", "PGRP", "PPID", "PID",
		};

		for (i = 0; i < (int)nitems(after); i++)
			if (fmt_add_after(f, after[i], "lwp", pidwidth))
				break;
		fmt_add_after(f, "%CPU", "nlwp", pidwidth);
	}
	return 0;
}

/* ---- reading a process ---- */

/* The process is gone (exited, or its pid now names another one). */
static int
gone(struct ctx *c, struct row *r)
{
	char rel[64];

	if (errno != ENOENT && errno != ESRCH)
		return 0;
	/* the file may not exist here (old kernel, fixture), or may need a
	 * memory map that kernel threads and zombies lack (ESRCH): gone is
	 * when the stat file went too */
	if (r->dirfd >= 0)
		return faccessat(r->dirfd, "stat", F_OK, 0) != 0;
	snprintf(rel, sizeof(rel), "%d/stat", r->pid);
	return faccessat(c->procfd, rel, F_OK, 0) != 0;
}

/* The path of a row's file relative to the /proc fd. */
static const char *
rel_path(char *buf, size_t len, const struct row *r, const char *name)
{
	char *p = buf;

	(void)len;
	p += fmt_u64(p, (uint64_t)r->pid);
	if (r->thread && r->tid != r->pid) {
		memcpy(p, "/task/", 6);
		p += 6;
		p += fmt_u64(p, (uint64_t)r->tid);
	}
	*p++ = '/';
	snprintf(p, len - (size_t)(p - buf), "%s", name);
	return buf;
}

static long
rd(struct ctx *c, struct row *r, const char *name, int b)
{
	char rel[96];

	if (r->dirfd >= 0)
		return proc_read_at(r->dirfd, name, &c->b[b].p, &c->b[b].cap);
	return proc_read_at(c->procfd, rel_path(rel, sizeof(rel), r, name),
	    &c->b[b].p, &c->b[b].cap);
}

/* readlink of a row's file into buffer b; NULL on failure (errno set). */
static const char *
rdlink(struct ctx *c, struct row *r, const char *name, int b)
{
	char rel[96];
	struct buf *bf = &c->b[b];
	ssize_t n;

	if (bf->cap < PATH_MAX + 1) {
		bf->p = xreallocarray(bf->p, PATH_MAX + 1, 1);
		bf->cap = PATH_MAX + 1;
	}
	if (r->dirfd >= 0)
		n = readlinkat(r->dirfd, name, bf->p, bf->cap - 1);
	else
		n = readlinkat(c->procfd, rel_path(rel, sizeof(rel), r, name),
		    bf->p, bf->cap - 1);
	if (n < 0)
		return NULL;
	bf->p[n] = '\0';
	return bf->p;
}

/* Entries of a row's fd directory, without allocating. */
static int
count_fds(struct ctx *c, struct row *r)
{
	uint64_t dbuf[1024];	/* 8 KiB, aligned for the records */
	char rel[96];
	int fd, n = 0;
	long k, off;

	if (r->dirfd >= 0)
		fd = openat(r->dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		fd = openat(c->procfd, rel_path(rel, sizeof(rel), r, "fd"),
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((k = syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf))) > 0) {
		for (off = 0; off < k;) {
			struct dirent64_ {
				uint64_t	ino;
				int64_t		off;
				unsigned short	reclen;
				unsigned char	type;
				char		name[];
			} *d = (void *)((char *)dbuf + off);

			if (d->name[0] != '.')
				n++;
			off += d->reclen;
		}
	}
	close(fd);
	return k < 0 ? -1 : n;
}

/*
 * Read file name, as it is, into buffer b: *p (and *len) are its text, and
 * r->have gets bit f.  Returns -1 when the process is gone.
 */
static int
rd_raw(struct ctx *c, struct row *r, unsigned f, const char *name, int b,
    const char **p, size_t *len)
{
	long n;

	if ((n = rd(c, r, name, b)) < 0)
		return gone(c, r) ? -1 : 0;
	*p = c->b[b].p;
	if (len != NULL)
		*len = (size_t)n;
	r->have |= f;
	return 0;
}

static int
rd_int(struct ctx *c, struct row *r, const char *name, int *out)
{
	int64_t v;
	char *s, *e;
	long n;

	if ((n = rd(c, r, name, B_MISC)) < 0)
		return -1;
	s = c->b[B_MISC].p;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (e == s || errno != 0 || v < INT_MIN || v > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	*out = (int)v;
	return 0;
}

/*
 * Read what need asks that is not read yet.  Returns 0, or -1 when the
 * process is gone; a file that cannot be read leaves its bit clear in
 * r->have (shown as "-", null in JSON).
 */
static int
read_more(struct ctx *c, struct row *r, unsigned need)
{
	unsigned want = need & ~r->tried;
	long n;
	const char *s;

	r->tried |= want;
#define GONE_IF_FAIL()	do { if (gone(c, r)) return -1; } while (0)
	if (want & F_STATUS) {
		if ((n = rd(c, r, "status", B_STATUS)) < 0)
			GONE_IF_FAIL();
		else if (proc_pid_status_parse(c->b[B_STATUS].p, (size_t)n,
		    &r->ss) == 0)
			r->have |= F_STATUS;
	}
	if (want & F_STATM) {
		if ((n = rd(c, r, "statm", B_MISC)) < 0)
			GONE_IF_FAIL();
		else if (proc_pid_statm_parse(c->b[B_MISC].p, (size_t)n,
		    &r->mem) == 0)
			r->have |= F_STATM;
	}
	if ((want & F_CMDLINE) && rd_raw(c, r, F_CMDLINE, "cmdline",
	    B_CMDLINE, &r->cmdline, &r->cmdlen) == -1)
		return -1;
	if ((want & F_ENVIRON) && rd_raw(c, r, F_ENVIRON, "environ",
	    B_ENVIRON, &r->environ, &r->envlen) == -1)
		return -1;
	if (want & F_IO) {
		if ((n = rd(c, r, "io", B_IO)) < 0)
			GONE_IF_FAIL();
		else if (proc_pid_io_parse(c->b[B_IO].p, (size_t)n, &r->io) == 0)
			r->have |= F_IO;
	}
	if (want & F_SMAPS) {
		if ((n = rd(c, r, "smaps_rollup", B_SMAPS)) < 0 &&
		    errno == ENOENT && !gone(c, r))
			n = rd(c, r, "smaps", B_SMAPS);
		if (n < 0 && errno == ESRCH && !gone(c, r))
			n = 0;	/* no memory map */
		if (n < 0)
			GONE_IF_FAIL();
		else if (n == 0) {
			/* a kernel thread or a zombie: no memory at all */
			memset(&r->sm, 0, sizeof(r->sm));
			r->have |= F_SMAPS;
		} else if (proc_pid_smaps_parse(c->b[B_SMAPS].p, (size_t)n,
		    &r->sm) == 0)
			r->have |= F_SMAPS;
	}
	if (want & F_EXE) {
		if ((s = rdlink(c, r, "exe", B_EXE)) == NULL) {
			GONE_IF_FAIL();
			if (errno == ENOENT)	/* a kernel thread: psutil's "" */
				r->exe = "";
		} else {
			r->exe = s;
			r->have |= F_EXE;
		}
	}
	if (want & F_CWD) {
		if ((s = rdlink(c, r, "cwd", B_CWD)) == NULL)
			GONE_IF_FAIL();
		else {
			r->cwd = s;
			r->have |= F_CWD;
		}
	}
	if (want & F_FDS) {
		if ((r->fds = count_fds(c, r)) < 0)
			GONE_IF_FAIL();
		else
			r->have |= F_FDS;
	}
	if (want & F_CGROUP) {
		size_t len = 0;

		if (rd_raw(c, r, F_CGROUP, "cgroup", B_CGROUP, &r->cgroup,
		    &len) == -1)
			return -1;
		if ((r->have & F_CGROUP) && proc_container_id(r->cgroup, len,
		    r->container, sizeof(r->container)) != 0)
			r->container[0] = '\0';
	}
	if ((want & F_WCHAN) && rd_raw(c, r, F_WCHAN, "wchan", B_WCHAN,
	    &r->wchan, NULL) == -1)
		return -1;
	if (want & F_ATTR) {
		if ((n = rd(c, r, "attr/current", B_ATTR)) < 0)
			GONE_IF_FAIL();
		else {
			char *p = c->b[B_ATTR].p;
			long i;

			for (i = 0; i < n && isprint((unsigned char)p[i]); i++)
				;
			p[i] = '\0';
			if (i > 0) {
				r->label = p;
				r->have |= F_ATTR;
			}
		}
	}
	if (want & F_OOM) {
		if (rd_int(c, r, "oom_score", &r->oom) < 0)
			GONE_IF_FAIL();
		else
			r->have |= F_OOM;
	}
	if (want & F_OOMADJ) {
		if (rd_int(c, r, "oom_score_adj", &r->oomadj) < 0)
			GONE_IF_FAIL();
		else
			r->have |= F_OOMADJ;
	}
#undef GONE_IF_FAIL
	return 0;
}

/* Read stat: 0, or -1 when the process is gone or its stat is not one. */
static int
read_stat(struct ctx *c, struct row *r)
{
	long n;

	if ((n = rd(c, r, "stat", B_STAT)) < 0)
		return -1;
	if (proc_pid_stat_parse(c->b[B_STAT].p, (size_t)n, &r->st) != 0)
		return -1;
	return 0;
}

/* ---- selection ---- */

static int
listed(struct ctx *c, struct row *r)
{
	const struct sel_list *l;
	uint64_t v = 0;
	int i, uidpass;

	/* lists that stat answers first, then those needing status */
	for (uidpass = 0; uidpass < 2; uidpass++) {
		for (l = c->o->sel; l != NULL; l = l->next) {
			int isuid = l->type == SEL_EUID || l->type == SEL_RUID ||
			    l->type == SEL_EGID || l->type == SEL_RGID;

			if (isuid != uidpass)
				continue;
			if (isuid) {
				if (read_more(c, r, F_STATUS) < 0)
					return -1;
				if (!(r->have & F_STATUS))
					continue;
			}
			switch (l->type) {
			case SEL_PID:
			case SEL_QUICK:
				v = (uint64_t)r->pid;
				break;
			case SEL_PPID:
				v = (uint64_t)r->st.ppid;
				break;
			case SEL_SESS:
				v = (uint64_t)r->st.session;
				break;
			case SEL_PGRP:
				v = (uint64_t)r->st.pgrp;
				break;
			case SEL_TTY:
				v = r->st.tty_nr == 0 ? 0 :
				    devkey(tty_major(r->st.tty_nr),
				    tty_minor(r->st.tty_nr));
				break;
			case SEL_EUID:
				v = r->ss.uid[1];
				break;
			case SEL_RUID:
				v = r->ss.uid[0];
				break;
			case SEL_EGID:
				v = r->ss.gid[1];
				break;
			case SEL_RGID:
				v = r->ss.gid[0];
				break;
			case SEL_COMM:
				for (i = 0; i < l->n; i++) {
					const char *cm = r->st.comm, *nm = l->names[i];

					if (strlen(cm) == 15 && strlen(nm) >= 15 &&
					    strncmp(cm, nm, 15) == 0)
						return 1;
					if (strncmp(cm, nm, 63) == 0)
						return 1;
				}
				continue;
			}
			for (i = 0; i < l->n; i++)
				if (l->v[i] == v)
					return 1;
		}
	}
	return 0;
}

/* Is r selected?  1, 0, or -1 when it went away meanwhile. */
static int
want(struct ctx *c, struct row *r)
{
	struct opts *o = c->o;
	int ok = 0, rc;

	if (o->all)
		ok = 1;
	if (!ok && (o->simple != 0 || o->sel == NULL) && c->selbits != 0) {
		unsigned idx = (r->st.session == r->pid) << 1 |
		    (r->st.tty_nr == 0) << 2 | (r->st.tty_nr == c->mytty) << 3;

		/* the euid matters only when the bits differ on it */
		if (((c->selbits >> idx) & 1) != ((c->selbits >> (idx | 1)) & 1)) {
			if (read_more(c, r, F_STATUS) < 0)
				return -1;
			if ((r->have & F_STATUS) && r->ss.uid[1] == c->euid)
				idx |= 1;
		}
		ok = (c->selbits >> idx) & 1;
	}
	if (!ok && o->sel != NULL) {
		if ((rc = listed(c, r)) < 0)
			return -1;
		ok = rc;
	}
	if (o->running && r->st.state != 'R' && r->st.state != 'D')
		ok = 0;
	if (o->negate)
		ok = !ok;
	if (ok && o->have_match) {
		char *args;
		size_t i, n;

		if (read_more(c, r, F_CMDLINE) < 0)
			return -1;
		if ((r->have & F_CMDLINE) && r->cmdlen > 0) {
			n = r->cmdlen;
			if (c->b[B_ARGS].cap < n + 1) {
				c->b[B_ARGS].p = xreallocarray(c->b[B_ARGS].p,
				    n + 1, 1);
				c->b[B_ARGS].cap = n + 1;
			}
			args = c->b[B_ARGS].p;
			memcpy(args, r->cmdline, n);
			while (n > 0 && args[n - 1] == '\0')
				n--;
			for (i = 0; i < n; i++)
				if (args[i] == '\0')
					args[i] = ' ';
			args[n] = '\0';
		} else
			args = r->st.comm;	/* pgrep -f: the name, then */
		ok = regexec(&o->match, args, 0, NULL, 0) == 0;
		/* as pgrep, never ourselves: our own command line holds
		 * the pattern */
		if (ok && r->pid == getpid())
			ok = 0;
	}
	return ok;
}

/* ---- values ---- */

static uint64_t
ticks(const struct ctx *c, const struct row *r)
{
	uint64_t t = r->st.utime + r->st.stime;

	if (c->o->cumulative && r->st.cutime > 0 && r->st.cstime >= 0)
		t += (uint64_t)r->st.cutime + (uint64_t)r->st.cstime;
	return t;
}

/* Resident pages: statm's exact count (what procps and psutil show), or
 * stat's per-CPU estimate when statm could not be read. */
static int64_t
rss_pages(const struct ctx *c, const struct row *r)
{
	if (r->have & F_STATM)
		return (int64_t)r->mem.resident;
	if (r->have & F_STATUS)		/* VmRSS: the same exact count */
		return (r->ss.has & PST_VMRSS) ?
		    (int64_t)(r->ss.vm_rss / (uint64_t)c->pagesize) : 0;
	return r->st.rss;
}

/* procps's %CPU: CPU time over the process's life (or --sample's interval). */
static double
util(struct ctx *c, const struct row *r)
{
	double t;

	if (r->spcpu >= 0)
		return r->spcpu;
	t = uptime(c) * (double)c->hz - (double)r->st.starttime;
	if (t <= 0)
		return 0;
	return (double)ticks(c, r) * 100.0 / t;
}

static double
elapsed(struct ctx *c, const struct row *r)
{
	double t = uptime(c) * (double)c->hz - (double)r->st.starttime;

	return t > 0 ? t / (double)c->hz : 0;
}

static time_t
start_epoch(struct ctx *c, const struct row *r)
{
	return (time_t)(btime(c) + r->st.starttime / (uint64_t)c->hz);
}

/* [DD-]hh:mm:ss */
static int
fmt_time(char *p, uint64_t t)
{
	unsigned ss = t % 60, mm = t / 60 % 60, hh = t / 3600 % 24;
	uint64_t dd = t / 86400;

	if (dd > 0)
		return sprintf(p, "%" PRIu64 "-%02u:%02u:%02u", dd, hh, mm, ss);
	return sprintf(p, "%02u:%02u:%02u", hh, mm, ss);
}

/* [[DD-]hh:]mm:ss */
static int
fmt_etime(char *p, uint64_t t)
{
	unsigned ss = t % 60, mm = t / 60 % 60, hh = t / 3600 % 24;
	uint64_t dd = t / 86400;

	if (dd > 0)
		return sprintf(p, "%" PRIu64 "-%02u:%02u:%02u", dd, hh, mm, ss);
	if (hh > 0)
		return sprintf(p, "%02u:%02u:%02u", hh, mm, ss);
	return sprintf(p, "%02u:%02u", mm, ss);
}

static const char *
policy_name(unsigned pol)
{
	static const char *const names[] = {
		"TS", "FF", "RR", "B", "ISO", "IDL", "DLN",
	};

	return pol < nitems(names) ? names[pol] : "?";
}

static void
stat_flags(const struct row *r, char *p)
{
	*p++ = r->st.state;
	if (r->st.nice < 0)
		*p++ = '<';
	else if (r->st.nice > 0)
		*p++ = 'N';
	if ((r->have & F_STATUS) && r->ss.vm_lck > 0)
		*p++ = 'L';
	if (r->st.session == r->pid)
		*p++ = 's';
	if (r->st.num_threads > 1)
		*p++ = 'l';
	if (r->st.pgrp == r->st.tpgid)
		*p++ = '+';
	*p = '\0';
}

static int
id_of(const struct row *r, int id, uint32_t *out)
{
	if (!(r->have & F_STATUS))
		return -1;
	switch (id) {
	case K_EUID: case K_EUSER: *out = r->ss.uid[1]; break;
	case K_RUID: case K_RUSER: *out = r->ss.uid[0]; break;
	case K_SUID: case K_SUSER: *out = r->ss.uid[2]; break;
	case K_FUID: case K_FUSER: *out = r->ss.uid[3]; break;
	case K_EGID: case K_EGROUP: *out = r->ss.gid[1]; break;
	case K_RGID: case K_RGROUP: *out = r->ss.gid[0]; break;
	case K_SGID: case K_SGROUP: *out = r->ss.gid[2]; break;
	case K_FGID: case K_FGROUP: *out = r->ss.gid[3]; break;
	default: return -1;
	}
	return 0;
}

/* Bytes of the first n cells (code points) of s. */
static size_t
cells_cut(const char *s, size_t len, int n, int *cells)
{
	size_t i;
	int k = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (k == n)
			break;
		k++;
	}
	*cells = k;
	return i;
}

static char *
buf_need(struct buf *b, size_t n)
{
	if (b->cap < n) {
		b->p = xreallocarray(b->p, n, 1);
		b->cap = n;
	}
	return b->p;
}

/* The command line with its NULs as spaces (procps), in B_ARGS. */
static size_t
args_text(struct ctx *c, const char *raw, size_t n, const char **out)
{
	char *a = buf_need(&c->b[B_ARGS], n + 1);
	size_t i;

	memcpy(a, raw, n);
	while (n > 0 && a[n - 1] == '\0')	/* procps drops them all */
		n--;
	for (i = 0; i < n; i++)
		if (a[i] == '\0')
			a[i] = ' ';
	a[n] = '\0';
	*out = a;
	return n;
}

/*
 * Untrusted text into the cell: the forest prefix (command columns), then
 * s escaped, cut to maxc cells.  Returns the cells.
 */
static int
text_cell(struct ctx *c, char **outp, const char *s, size_t n, int maxc,
    int prefix, const char *more, size_t moren)
{
	size_t plen = prefix ? c->prefixlen : 0, need, used, cut;
	char *out;
	int cells;

	need = plen + 4 * (n + moren) + 8;
	out = buf_need(&c->b[B_CELL], need);
	if (plen > 0)
		memcpy(out, c->prefix, plen);
	out_vis(out + plen, need - plen, s, n);
	used = plen + strlen(out + plen);
	if (more != NULL) {
		out[used++] = ' ';
		out_vis(out + used, need - used, more, moren);
		used += strlen(out + used);
	}
	cut = cells_cut(out, used, maxc, &cells);
	out[cut] = '\0';
	*outp = out;
	return cells;
}

/*
 * The text of one cell.  *outp is set to the text (a buffer of the ctx, or
 * small for numbers); returns its width in cells.  maxc limits the cut
 * columns (UNLIM, USER, WCHAN).
 */
static int
cell(struct ctx *c, const struct row *r, const struct col *col, char *small,
    char **outp, int maxc)
{
	const struct key *k = col->k;
	char *p = small;
	const char *s;
	uint32_t id;
	uint64_t u;
	int n;
	double d;

	*outp = small;
	switch (k->id) {
	case K_PID: return fmt_u64(p, (uint64_t)r->pid);
	case K_PPID: return fmt_i64(p, r->st.ppid);
	case K_PGID: return fmt_i64(p, r->st.pgrp);
	case K_SID: return fmt_i64(p, r->st.session);
	case K_TPGID: return fmt_i64(p, r->st.tpgid);
	case K_TID: return fmt_u64(p, (uint64_t)r->tid);
	case K_NLWP: return fmt_i64(p, r->st.num_threads);
	case K_EUID: case K_RUID: case K_SUID: case K_FUID:
	case K_EGID: case K_RGID: case K_SGID: case K_FGID:
		if (id_of(r, k->id, &id) != 0)
			break;
		return fmt_u64(p, id);
	case K_EUSER: case K_RUSER: case K_SUSER: case K_FUSER:
	case K_EGROUP: case K_RGROUP: case K_SGROUP: case K_FGROUP:
		if (id_of(r, k->id, &id) != 0)
			break;
		if (c->o->numeric)
			return fmt_u64(p, id);
		s = k->id >= K_EGROUP ? group_name(c, id) : user_name(c, id);
		n = (int)strlen(s);
		if (n > maxc && maxc >= 1) {
			/* procps: cut with a '+' */
			memcpy(p, s, (size_t)maxc - 1);
			p[maxc - 1] = '+';
			p[maxc] = '\0';
			return maxc;
		}
		memcpy(p, s, (size_t)n + 1);
		return n;
	case K_TTY:
		s = tty_name(c, r->st.tty_nr);
		n = (int)strlen(s);
		memcpy(p, s, (size_t)n + 1);
		return n;
	case K_STAT:
		stat_flags(r, p);
		return (int)strlen(p);
	case K_STATE:
		p[0] = r->st.state;
		p[1] = '\0';
		return 1;
	case K_NI:
		if (r->st.policy != 0 && r->st.policy != 3)
			break;
		return fmt_i64(p, r->st.nice);
	case K_PRI: return fmt_i64(p, sub_sat(39, r->st.priority));
	case K_OPRI: return fmt_i64(p, add_sat(60, r->st.priority));
	case K_PRIORITY: return fmt_i64(p, r->st.priority);
	case K_RTPRIO:
		if (r->st.policy == 0)
			break;
		return fmt_u64(p, r->st.rt_priority);
	case K_SCHED: return fmt_u64(p, r->st.policy);
	case K_POLICY:
		return sprintf(p, "%s", policy_name(r->st.policy));
	case K_PSR: return fmt_i64(p, r->st.processor);
	case K_C:
		d = util(c, r);
		return fmt_u64(p, d >= 99 ? 99 : (uint64_t)d);
	case K_PCPU:
		d = util(c, r) * 10;
		u = d >= 1e15 ? (uint64_t)1e15 : (uint64_t)d;
		if (u > 999)
			return fmt_u64(p, u / 10);
		return sprintf(p, "%u.%u", (unsigned)(u / 10), (unsigned)(u % 10));
	case K_PMEM:
		u = 0;
		if (memtotal(c) > 0 && rss_pages(c, r) > 0)
			u = (uint64_t)rss_pages(c, r) * (uint64_t)(c->pagesize / 1024) *
			    1000 / memtotal(c);
		if (u > 999)
			u = 999;
		return sprintf(p, "%2u.%u", (unsigned)(u / 10), (unsigned)(u % 10));
	case K_VSZ: return fmt_u64(p, r->st.vsize / 1024);
	case K_RSS:
		return fmt_i64(p, mul_sat(rss_pages(c, r), c->pagesize / 1024));
	case K_SZ: return fmt_u64(p, r->st.vsize / (uint64_t)c->pagesize);
	case K_PSS:
		if (!(r->have & F_SMAPS))
			break;
		return fmt_u64(p, r->sm.pss / 1024);
	case K_USS:
		if (!(r->have & F_SMAPS))
			break;
		return fmt_u64(p, (r->sm.private_clean + r->sm.private_dirty +
		    r->sm.private_hugetlb) / 1024);
	case K_SWAP:
		if (!(r->have & F_STATUS) || !(r->ss.has & PST_VMSWAP))
			break;
		return fmt_u64(p, r->ss.vm_swap / 1024);
	case K_SHR:
		if (!(r->have & F_STATUS) || !(r->ss.has & PST_RSSFILE))
			break;
		return fmt_u64(p, (r->ss.rss_file + r->ss.rss_shmem) / 1024);
	case K_TIME: return fmt_time(p, ticks(c, r) / (uint64_t)c->hz);
	case K_TIMES: return fmt_u64(p, ticks(c, r) / (uint64_t)c->hz);
	case K_BSDTIME:
		u = ticks(c, r) / (uint64_t)c->hz;
		return sprintf(p, "%3" PRIu64 ":%02u", u / 60, (unsigned)(u % 60));
	case K_ETIME: return fmt_etime(p, (uint64_t)elapsed(c, r));
	case K_ETIMES: return fmt_u64(p, (uint64_t)elapsed(c, r));
	case K_START: {
		time_t t = start_epoch(c, r);
		char tb[32];

		if (ctime_r(&t, tb) == NULL)
			break;
		if (tb[8] == ' ')
			tb[8] = '0';
		if (tb[11] == ' ')
			tb[11] = '0';
		if (t + 86400 > c->now)
			return sprintf(p, "%8.8s", tb + 11);
		return sprintf(p, "  %6.6s", tb + 4);
	}
	case K_STIME: {
		time_t t = start_epoch(c, r);
		struct tm tm;

		if (localtime_r(&t, &tm) == NULL)
			break;
		if (tm.tm_year != c->nowtm.tm_year)
			return (int)strftime(p, 64, "%Y", &tm);
		if (tm.tm_yday != c->nowtm.tm_yday)
			return (int)strftime(p, 64, "%b%d", &tm);
		return (int)strftime(p, 64, "%H:%M", &tm);
	}
	case K_BSDSTART: {
		time_t t = start_epoch(c, r);
		char tb[32];

		if (ctime_r(&t, tb) == NULL)
			break;
		if (c->now - t > 86400)
			memcpy(p, tb + 4, 6);
		else
			memcpy(p, tb + 10, 6);
		p[6] = '\0';
		return 6;
	}
	case K_LSTART: {
		time_t t = start_epoch(c, r);
		struct tm tm;
		size_t len;

		if (localtime_r(&t, &tm) == NULL)
			break;
		if (c->o->datefmt == NULL)
			len = strftime(p, 200, "%a %b %e %H:%M:%S %Y", &tm);
		else {
			/* the user's strftime format (-D), as procps */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			len = strftime(p, 200, c->o->datefmt, &tm);
#pragma GCC diagnostic pop
		}
		p[len] = '\0';
		return (int)len;
	}
	case K_FLAGS: return sprintf(p, "%o", (r->st.flags >> 6) & 7);
	case K_FDS:
		if (!(r->have & F_FDS))
			break;
		return fmt_u64(p, (uint64_t)r->fds);
	case K_RBYTES: case K_WBYTES: case K_RCHAR: case K_WCHAR:
	case K_ROPS: case K_WOPS: case K_WCBYTES:
		if (!(r->have & F_IO))
			break;
		u = k->id == K_RBYTES ? r->io.read_bytes :
		    k->id == K_WBYTES ? r->io.write_bytes :
		    k->id == K_RCHAR ? r->io.rchar :
		    k->id == K_WCHAR ? r->io.wchar :
		    k->id == K_ROPS ? r->io.syscr :
		    k->id == K_WOPS ? r->io.syscw : r->io.cancelled_write_bytes;
		return fmt_u64(p, u);
	case K_OOM:
		if (!(r->have & F_OOM))
			break;
		return fmt_i64(p, r->oom);
	case K_OOMADJ:
		if (!(r->have & F_OOMADJ))
			break;
		return fmt_i64(p, r->oomadj);
	case K_MAJFLT: return fmt_u64(p, r->st.majflt);
	case K_MINFLT: return fmt_u64(p, r->st.minflt);
	case K_DASH: break;
	case K_COMM:
		if (c->o->unix_f)
			goto args;
	comm:
		return text_cell(c, outp, r->st.comm, strlen(r->st.comm), maxc,
		    1, NULL, 0);
	case K_ARGS:
		if (c->o->bsd_c)
			goto comm;
	args: {
		const char *a, *e = NULL;
		size_t an, en = 0;

		if (!(r->have & F_CMDLINE) || r->cmdlen == 0 ||
		    (r->cmdlen == 1 && r->cmdline[0] == '\0')) {
			/* a kernel thread or a zombie: [name] */
			char *b = buf_need(&c->b[B_ARGS], sizeof(r->st.comm) + 16);

			an = (size_t)snprintf(b, sizeof(r->st.comm) + 16,
			    "[%s]%s", r->st.comm,
			    r->st.state == 'Z' ? " <defunct>" : "");
			a = b;
		} else
			an = args_text(c, r->cmdline, r->cmdlen, &a);
		if (c->o->bsd_e && k->id == K_ARGS && (r->have & F_ENVIRON) &&
		    r->envlen > 0) {
			char *ev = buf_need(&c->b[B_MISC], r->envlen + 1);
			size_t i;

			memcpy(ev, r->environ, r->envlen);
			en = r->envlen;
			if (ev[en - 1] == '\0')
				en--;
			for (i = 0; i < en; i++)
				if (ev[i] == '\0')
					ev[i] = ' ';
			e = ev;
		}
		return text_cell(c, outp, a, an, maxc, 1, e, en);
	}
	case K_EXE:
		if (!(r->have & F_EXE))
			break;
		return text_cell(c, outp, r->exe, strlen(r->exe), maxc, 0,
		    NULL, 0);
	case K_CWD:
		if (!(r->have & F_CWD))
			break;
		return text_cell(c, outp, r->cwd, strlen(r->cwd), maxc, 0,
		    NULL, 0);
	case K_CGROUP:
	case K_CGNAME: {
		/* procps: the lines that are not at "/", joined by commas */
		const char *q = r->cgroup, *le, *name;
		char *b;
		size_t bn = 0;

		if (!(r->have & F_CGROUP))
			break;
		b = buf_need(&c->b[B_MISC], strlen(q) + 2);
		for (; *q != '\0'; q = *le != '\0' ? le + 1 : le) {
			le = strchr(q, '\n');
			if (le == NULL)
				le = q + strlen(q);
			if (le == q || le[-1] == '/')
				continue;
			if (bn > 0)
				b[bn++] = ',';
			memcpy(b + bn, q, (size_t)(le - q));
			bn += (size_t)(le - q);
		}
		b[bn] = '\0';
		if (bn == 0)
			break;
		if (k->id == K_CGNAME) {
			if ((name = strrchr(b, '/')) == NULL || name[1] == '\0')
				break;
			name++;
			return text_cell(c, outp, name, strlen(name), maxc, 0,
			    NULL, 0);
		}
		return text_cell(c, outp, b, bn, maxc, 0, NULL, 0);
	}
	case K_ENV: {
		const char *a;
		size_t an;

		if (!(r->have & F_ENVIRON) || r->envlen == 0)
			break;
		an = args_text(c, r->environ, r->envlen, &a);
		return text_cell(c, outp, a, an, maxc, 0, NULL, 0);
	}
	case K_LABEL:
		if (!(r->have & F_ATTR))
			break;
		return text_cell(c, outp, r->label, strlen(r->label), INT_MAX,
		    0, NULL, 0);
	case K_CONTAINER:
		if (r->container[0] == '\0')
			break;
		memcpy(p, r->container, 12);
		p[12] = '\0';
		return 12;
	case K_WCHAN: {
		const char *w = r->wchan;
		size_t wn;

		if (!(r->have & F_WCHAN) || *w == '\0' || strcmp(w, "0") == 0)
			break;
		wn = strcspn(w, "\n");
		return text_cell(c, outp, w, wn, maxc, 0, NULL, 0);
	}
	}
	p[0] = '-';
	p[1] = '\0';
	return 1;
}

/* ---- text output, laid out as procps does ---- */

#define COLS_UNLIMITED	(1 << 28)
#define SPACE_MAX	144

static void
set_screen(struct ctx *c)
{
	struct winsize ws;
	const char *e;
	uint64_t v;
	int cols = 0, total = 0, normal = 0, i, fd;

	/* procps: a size counts only with rows and columns */
#define WS_OK(fd)	(ioctl((fd), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && \
			 ws.ws_row > 0)
	if (WS_OK(STDOUT_FILENO) || WS_OK(STDERR_FILENO) || WS_OK(STDIN_FILENO))
		cols = ws.ws_col;
	else if ((fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) >= 0) {
		if (WS_OK(fd))
			cols = ws.ws_col;
		close(fd);
	}
#undef WS_OK
	if (cols == 0)
		cols = 80;
	/* no truncation for a pipe or a file */
	if (!isatty(STDOUT_FILENO))
		cols = COLS_UNLIMITED;
	if ((e = getenv("COLUMNS")) != NULL && args_uint(e, 1, 131071, &v) == 0)
		cols = (int)v;
	if (c->o->cols > 0)
		cols = c->o->cols;
	if (c->o->wcount > 0 && cols < 132)
		cols = 132;
	if (c->o->wcount > 1)
		cols = COLS_UNLIMITED;
	/* procps: a multiple of the width that the headers fit in */
	for (i = 0; i < c->fmt.n; i++) {
		int just = c->fmt.c[i].k->just & 0xf;

		if (just == J_UNLIM && i == c->fmt.n - 1)
			total += 3 + normal;
		else
			total += c->fmt.c[i].width + normal;
		normal = 1;
	}
	c->active_cols = cols;
	for (i = 2; c->active_cols < total && cols < COLS_UNLIMITED &&
	    c->active_cols < 65536; i++)
		c->active_cols = cols * i;
}

static void
line_put(struct buf *b, size_t *len, const char *s, size_t n)
{
	if (*len + n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < *len + n + 2)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + *len, s, n);
	*len += n;
}

/* One line: a row, or the header when r is NULL. */
static void
print_line(struct ctx *c, const struct row *r)
{
	static const char spaces[SPACE_MAX + 1] =
	    "                                                                "
	    "                                                                "
	    "                ";
	struct buf *lb = &c->b[B_LINE];
	char small[256], *txt;
	size_t len = 0;
	int correct = 0, actual = 0, dospace = 0, i;

	for (i = 0; i < c->fmt.n; i++) {
		const struct col *col = &c->fmt.c[i];
		int last = i == c->fmt.n - 1, just = col->k->just & 0xf;
		int maxr, tmpspace = 0, amount, leftpad = 0, space;
		size_t sz;

		if (!last)
			maxr = col->width;
		else {
			tmpspace = correct - actual;
			if (tmpspace < 1) {
				tmpspace = dospace;
				maxr = c->active_cols - actual - tmpspace;
			} else
				maxr = c->active_cols -
				    (correct > actual ? correct : actual);
		}
		if (maxr < 0)
			maxr = 0;
		if (r != NULL)
			amount = cell(c, r, col, small, &txt, maxr);
		else {
			txt = col->head;
			amount = (int)strlen(txt);
		}
		sz = strlen(txt);
		switch (just) {
		case J_RIGHT:
			leftpad = col->width - amount;
			break;
		case J_USER:
			if (c->o->numeric)
				leftpad = col->width - amount;
			break;
		case J_UNLIM:
		case J_WCHAN:
			if (c->active_cols - actual - tmpspace < 1 && sz > 1) {
				sz = 1;	/* procps: the column is (mostly) lost */
				amount = 1;
			}
			break;
		}
		if (leftpad < 0)
			leftpad = 0;
		space = correct - actual + leftpad;
		if (space < 1)
			space = dospace;
		if (space > SPACE_MAX)
			space = SPACE_MAX;
		line_put(lb, &len, spaces, (size_t)space);
		line_put(lb, &len, txt, sz);
		if (last)
			break;
		actual += space + amount;
		correct += col->width + 1;
		dospace = 1;
	}
	lb->p[len++] = '\n';
	fwrite(lb->p, 1, len, stdout);
}

static int
header_wanted(const struct ctx *c)
{
	int i;

	if (c->o->noheader)
		return 0;
	for (i = 0; i < c->fmt.n; i++)
		if (c->fmt.c[i].head[0] != '\0')
			return 1;
	return 0;	/* -o pid= : no header line at all */
}

/* ---- JSON output ---- */

static const char *
psutil_status(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk-sleep";
	case 'T': return "stopped";
	case 't': return "tracing-stop";
	case 'Z': return "zombie";
	case 'X':
	case 'x': return "dead";
	case 'K': return "wake-kill";
	case 'W': return "waking";
	case 'I': return "idle";
	case 'P': return "parked";
	}
	return "unknown";
}

/* psutil's cmdline(): split on NULs, or on spaces when a process rewrote
 * its arguments as one string. */
static void
json_cmdline(struct json *j, const char *key, const struct row *r)
{
	const char *s = r->cmdline, *e, *p;
	size_t n = r->cmdlen;
	char sep;

	if (!(r->have & F_CMDLINE)) {
		json_null(j, key);
		return;
	}
	json_arr(j, key);
	if (n == 0) {
		json_end(j);
		return;
	}
	sep = s[n - 1] == '\0' ? '\0' : ' ';
	if (s[n - 1] == sep)
		n--;
	if (sep == '\0' && memchr(s, '\0', n) == NULL && memchr(s, ' ', n))
		sep = ' ';
	for (p = s, e = s + n; p <= e;) {
		const char *q = memchr(p, sep, (size_t)(e - p));

		if (q == NULL)
			q = e;
		json_strn(j, NULL, p, (size_t)(q - p));
		p = q + 1;
	}
	json_end(j);
}

/* psutil's name(): the stat name, or the command's base name when the
 * stat name is its 15-character cut. */
static void
json_name(struct json *j, const struct row *r)
{
	const char *name = r->st.comm, *a, *base, *end;
	size_t n = strlen(name);

	if (n >= 15 && (r->have & F_CMDLINE) && r->cmdlen > 0) {
		a = r->cmdline;
		end = memchr(a, '\0', r->cmdlen);
		if (end == NULL)
			end = a + r->cmdlen;
		for (base = end; base > a && base[-1] != '/'; base--)
			;
		if ((size_t)(end - base) >= n && memcmp(base, name, n) == 0) {
			json_strn(j, "name", base, (size_t)(end - base));
			return;
		}
	}
	json_str(j, "name", name);
}

static void
json_env(struct json *j, const char *key, const struct row *r)
{
	const char *p, *e, *q, *eq;

	if (!(r->have & F_ENVIRON)) {
		json_null(j, key);
		return;
	}
	json_obj(j, key);
	for (p = r->environ, e = p + r->envlen; p < e; p = q + 1) {
		char name[256];

		if ((q = memchr(p, '\0', (size_t)(e - p))) == NULL)
			q = e;
		eq = memchr(p, '=', (size_t)(q - p));
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(name))
			continue;
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		json_strn(j, name, eq + 1, (size_t)(q - eq - 1));
	}
	json_end(j);
}

static void
json_psutil(struct ctx *c, const struct row *r)
{
	struct json *j = &c->j;
	double hz = (double)c->hz;

	json_obj(j, NULL);
	json_i64(j, "pid", r->pid);
	if (r->thread)
		json_i64(j, "tid", r->tid);
	json_i64(j, "ppid", r->st.ppid);
	json_name(j, r);
	if (r->have & F_EXE)
		json_str(j, "exe", r->exe);
	else if (r->exe != NULL)
		json_str(j, "exe", "");
	else
		json_null(j, "exe");
	json_cmdline(j, "cmdline", r);
	json_str(j, "status", psutil_status(r->st.state));
	if (r->have & F_STATUS) {
		json_str(j, "username", user_name(c, r->ss.uid[0]));
		json_obj(j, "uids");
		json_u64(j, "real", r->ss.uid[0]);
		json_u64(j, "effective", r->ss.uid[1]);
		json_u64(j, "saved", r->ss.uid[2]);
		json_end(j);
		json_obj(j, "gids");
		json_u64(j, "real", r->ss.gid[0]);
		json_u64(j, "effective", r->ss.gid[1]);
		json_u64(j, "saved", r->ss.gid[2]);
		json_end(j);
	} else {
		json_null(j, "username");
		json_null(j, "uids");
		json_null(j, "gids");
	}
	json_f64(j, "create_time", (double)btime(c) +
	    (double)r->st.starttime / hz);
	json_obj(j, "cpu_times");
	json_f64(j, "user", (double)r->st.utime / hz);
	json_f64(j, "system", (double)r->st.stime / hz);
	json_f64(j, "children_user", (double)r->st.cutime / hz);
	json_f64(j, "children_system", (double)r->st.cstime / hz);
	json_f64(j, "iowait", (double)r->st.blkio_ticks / hz);
	json_end(j);
	if (r->spcpu >= 0)
		json_f64(j, "cpu_percent", r->spcpu);
	json_obj(j, "memory_info");
	if (r->have & F_STATM) {
		uint64_t ps = (uint64_t)c->pagesize;

		json_u64(j, "rss", r->mem.resident * ps);
		json_u64(j, "vms", r->mem.size * ps);
		json_u64(j, "shared", r->mem.shared * ps);
		json_u64(j, "text", r->mem.text * ps);
		json_u64(j, "lib", r->mem.lib * ps);
		json_u64(j, "data", r->mem.data * ps);
		json_u64(j, "dirty", r->mem.dirty * ps);
	} else {
		json_i64(j, "rss", mul_sat(r->st.rss, c->pagesize));
		json_u64(j, "vms", r->st.vsize);
	}
	json_end(j);
	if (memtotal(c) > 0)
		json_f64(j, "memory_percent", (double)rss_pages(c, r) *
		    (double)c->pagesize * 100.0 / ((double)memtotal(c) * 1024));
	else
		json_null(j, "memory_percent");
	json_i64(j, "num_threads", r->st.num_threads);
	if (r->have & F_FDS)
		json_i64(j, "num_fds", r->fds);
	else
		json_null(j, "num_fds");
	if (r->st.tty_nr != 0) {
		char t[48];

		snprintf(t, sizeof(t), "/dev/%s", tty_name(c, r->st.tty_nr));
		json_str(j, "terminal", t);
	} else
		json_null(j, "terminal");
	json_i64(j, "nice", r->st.nice);
	json_i64(j, "cpu_num", r->st.processor);
	if ((r->have & F_STATUS) && (r->ss.has & PST_CTXT)) {
		json_obj(j, "num_ctx_switches");
		json_u64(j, "voluntary", r->ss.vol_ctxt);
		json_u64(j, "involuntary", r->ss.nonvol_ctxt);
		json_end(j);
	} else
		json_null(j, "num_ctx_switches");
	json_end(j);
}

/* The JSON name of a key: its name, with %cpu and %mem as pcpu, pmem. */
static const char *
json_keyname(const struct key *k)
{
	if (k->id == K_PCPU)
		return "pcpu";
	if (k->id == K_PMEM)
		return "pmem";
	return k->name;
}

/* One -o key in JSON: numbers in bytes and seconds, times as epochs. */
static void
json_key(struct ctx *c, const struct row *r, const struct col *col)
{
	struct json *j = &c->j;
	const struct key *k = col->k;
	const char *name = json_keyname(k);
	double hz = (double)c->hz;
	char small[256], *txt;
	uint32_t id;

	switch (k->id) {
	case K_PID: json_i64(j, name, r->pid); return;
	case K_PPID: json_i64(j, name, r->st.ppid); return;
	case K_PGID: json_i64(j, name, r->st.pgrp); return;
	case K_SID: json_i64(j, name, r->st.session); return;
	case K_TPGID: json_i64(j, name, r->st.tpgid); return;
	case K_TID: json_i64(j, name, r->tid); return;
	case K_NLWP: json_i64(j, name, r->st.num_threads); return;
	case K_EUID: case K_RUID: case K_SUID: case K_FUID:
	case K_EGID: case K_RGID: case K_SGID: case K_FGID:
		if (id_of(r, k->id, &id) != 0)
			break;
		json_u64(j, name, id);
		return;
	case K_EUSER: case K_RUSER: case K_SUSER: case K_FUSER:
		if (id_of(r, k->id, &id) != 0)
			break;
		json_str(j, name, user_name(c, id));
		return;
	case K_EGROUP: case K_RGROUP: case K_SGROUP: case K_FGROUP:
		if (id_of(r, k->id, &id) != 0)
			break;
		json_str(j, name, group_name(c, id));
		return;
	case K_TTY:
		if (r->st.tty_nr == 0)
			break;
		json_str(j, name, tty_name(c, r->st.tty_nr));
		return;
	case K_NI:
		if (r->st.policy != 0 && r->st.policy != 3)
			break;
		json_i64(j, name, r->st.nice);
		return;
	case K_PRI: json_i64(j, name, sub_sat(39, r->st.priority)); return;
	case K_OPRI: json_i64(j, name, add_sat(60, r->st.priority)); return;
	case K_PRIORITY: json_i64(j, name, r->st.priority); return;
	case K_RTPRIO: json_u64(j, name, r->st.rt_priority); return;
	case K_SCHED: json_u64(j, name, r->st.policy); return;
	case K_PSR: json_i64(j, name, r->st.processor); return;
	case K_C:
	case K_PCPU: json_f64(j, name, util(c, r)); return;
	case K_PMEM:
		if (memtotal(c) == 0)
			break;
		json_f64(j, name, (double)rss_pages(c, r) * (double)c->pagesize *
		    100.0 / ((double)memtotal(c) * 1024));
		return;
	case K_VSZ: json_u64(j, name, r->st.vsize); return;
	case K_RSS: json_i64(j, name, mul_sat(rss_pages(c, r), c->pagesize)); return;
	case K_SZ: json_u64(j, name, r->st.vsize / (uint64_t)c->pagesize); return;
	case K_PSS:
		if (!(r->have & F_SMAPS))
			break;
		json_u64(j, name, r->sm.pss);
		return;
	case K_USS:
		if (!(r->have & F_SMAPS))
			break;
		json_u64(j, name, r->sm.private_clean + r->sm.private_dirty +
		    r->sm.private_hugetlb);
		return;
	case K_SWAP:
		if (!(r->have & F_STATUS) || !(r->ss.has & PST_VMSWAP))
			break;
		json_u64(j, name, r->ss.vm_swap);
		return;
	case K_SHR:
		if (!(r->have & F_STATUS) || !(r->ss.has & PST_RSSFILE))
			break;
		json_u64(j, name, r->ss.rss_file + r->ss.rss_shmem);
		return;
	case K_TIME: case K_TIMES: case K_BSDTIME:
		json_f64(j, name, (double)ticks(c, r) / hz);
		return;
	case K_ETIME: case K_ETIMES:
		json_f64(j, name, elapsed(c, r));
		return;
	case K_START: case K_STIME: case K_BSDSTART: case K_LSTART:
		json_f64(j, name, (double)btime(c) + (double)r->st.starttime / hz);
		return;
	case K_FLAGS: json_u64(j, name, r->st.flags); return;
	case K_FDS:
		if (!(r->have & F_FDS))
			break;
		json_i64(j, name, r->fds);
		return;
	case K_OOM:
		if (!(r->have & F_OOM))
			break;
		json_i64(j, name, r->oom);
		return;
	case K_OOMADJ:
		if (!(r->have & F_OOMADJ))
			break;
		json_i64(j, name, r->oomadj);
		return;
	case K_MAJFLT: json_u64(j, name, r->st.majflt); return;
	case K_MINFLT: json_u64(j, name, r->st.minflt); return;
	case K_ARGS:
		if (!c->o->bsd_c) {
			json_cmdline(j, name, r);
			return;
		}
		/* FALLTHROUGH */
	case K_COMM:
		json_str(j, name, r->st.comm);
		return;
	case K_EXE:
		if (!(r->have & F_EXE))
			break;
		json_str(j, name, r->exe);
		return;
	case K_CWD:
		if (!(r->have & F_CWD))
			break;
		json_str(j, name, r->cwd);
		return;
	case K_ENV:
		json_env(j, name, r);
		return;
	case K_CONTAINER:
		if (r->container[0] == '\0')
			break;
		json_str(j, name, r->container);
		return;
	case K_DASH:
		break;
	case K_RBYTES: case K_WBYTES: case K_RCHAR: case K_WCHAR:
	case K_ROPS: case K_WOPS: case K_WCBYTES:
	default:
		/* the rest as the text shows them, unescaped where JSON
		 * escapes: "-" is null */
		if (cell(c, r, col, small, &txt, INT_MAX) == 1 &&
		    strcmp(txt, "-") == 0)
			break;
		if (k->id == K_RBYTES || k->id == K_WBYTES ||
		    k->id == K_RCHAR || k->id == K_WCHAR || k->id == K_ROPS ||
		    k->id == K_WOPS || k->id == K_WCBYTES) {
			json_u64(j, name, strtoull(txt, NULL, 10));
			return;
		}
		json_str(j, name, txt);
		return;
	}
	json_null(j, name);
}

static void
json_row(struct ctx *c, const struct row *r)
{
	int i, k;

	if (!c->o->have_o && c->o->O == NULL && c->o->bsdO == NULL) {
		json_psutil(c, r);
		return;
	}
	json_obj(&c->j, NULL);
	for (i = 0; i < c->fmt.n; i++) {
		/* a key named twice is written once */
		for (k = 0; k < i; k++)
			if (strcmp(json_keyname(c->fmt.c[k].k),
			    json_keyname(c->fmt.c[i].k)) == 0)
				break;
		if (k == i)
			json_key(c, r, &c->fmt.c[i]);
	}
	json_end(&c->j);
}

static void
emit(struct ctx *c, const struct row *r)
{
	c->printed++;
	if (c->o->json)
		json_row(c, r);
	else
		print_line(c, r);
}

/* ---- collected rows: sort and forest ---- */

struct rows {
	struct row	*r;
	size_t		 n, cap;
};

/* Move the row's strings from the read buffers into the arena. */
static void
own_strings(struct ctx *c, struct row *r)
{
	struct arena *a = &c->arena;

	if (r->cmdline != NULL)
		r->cmdline = arena_copy(a, r->cmdline, r->cmdlen);
	if (r->environ != NULL)
		r->environ = arena_copy(a, r->environ, r->envlen);
	if (r->exe != NULL)
		r->exe = arena_copy(a, r->exe, strlen(r->exe));
	if (r->cwd != NULL)
		r->cwd = arena_copy(a, r->cwd, strlen(r->cwd));
	if (r->cgroup != NULL)
		r->cgroup = arena_copy(a, r->cgroup, strlen(r->cgroup));
	if (r->wchan != NULL)
		r->wchan = arena_copy(a, r->wchan, strlen(r->wchan));
	if (r->label != NULL)
		r->label = arena_copy(a, r->label, strlen(r->label));
}

/* A number to sort on; 0 when the key sorts as text. */
static int
sort_num(struct ctx *c, const struct row *r, int id, double *v)
{
	uint32_t u;

	switch (id) {
	case K_PID: *v = r->pid; break;
	case K_PPID: *v = r->st.ppid; break;
	case K_PGID: *v = r->st.pgrp; break;
	case K_SID: *v = r->st.session; break;
	case K_TPGID: *v = r->st.tpgid; break;
	case K_TID: *v = r->tid; break;
	case K_NLWP: *v = (double)r->st.num_threads; break;
	case K_EUID: case K_RUID: case K_SUID: case K_FUID:
	case K_EGID: case K_RGID: case K_SGID: case K_FGID:
		*v = id_of(r, id, &u) == 0 ? (double)u : -1;
		break;
	case K_NI: *v = (double)r->st.nice; break;
	case K_PRI: *v = 39 - (double)r->st.priority; break;
	case K_OPRI: *v = 60 + (double)r->st.priority; break;
	case K_PRIORITY: *v = (double)r->st.priority; break;
	case K_RTPRIO: *v = r->st.rt_priority; break;
	case K_SCHED: *v = r->st.policy; break;
	case K_PSR: *v = r->st.processor; break;
	case K_C: case K_PCPU: *v = util(c, r); break;
	case K_PMEM: case K_RSS: *v = (double)rss_pages(c, r); break;
	case K_VSZ: case K_SZ: *v = (double)r->st.vsize; break;
	case K_PSS: *v = (r->have & F_SMAPS) ? (double)r->sm.pss : -1; break;
	case K_USS:
		*v = (r->have & F_SMAPS) ? (double)(r->sm.private_clean +
		    r->sm.private_dirty + r->sm.private_hugetlb) : -1;
		break;
	case K_SWAP: *v = (r->have & F_STATUS) ? (double)r->ss.vm_swap : -1; break;
	case K_SHR:
		*v = (r->have & F_STATUS) ? (double)(r->ss.rss_file +
		    r->ss.rss_shmem) : -1;
		break;
	case K_TIME: case K_TIMES: case K_BSDTIME:
		*v = (double)ticks(c, r);
		break;
	case K_ETIME: case K_ETIMES: *v = -(double)r->st.starttime; break;
	case K_START: case K_STIME: case K_BSDSTART: case K_LSTART:
		*v = (double)r->st.starttime;
		break;
	case K_FLAGS: *v = r->st.flags; break;
	case K_FDS: *v = (r->have & F_FDS) ? r->fds : -1; break;
	case K_RBYTES: *v = (r->have & F_IO) ? (double)r->io.read_bytes : -1; break;
	case K_WBYTES: *v = (r->have & F_IO) ? (double)r->io.write_bytes : -1; break;
	case K_RCHAR: *v = (r->have & F_IO) ? (double)r->io.rchar : -1; break;
	case K_WCHAR: *v = (r->have & F_IO) ? (double)r->io.wchar : -1; break;
	case K_ROPS: *v = (r->have & F_IO) ? (double)r->io.syscr : -1; break;
	case K_WOPS: *v = (r->have & F_IO) ? (double)r->io.syscw : -1; break;
	case K_WCBYTES:
		*v = (r->have & F_IO) ? (double)r->io.cancelled_write_bytes : -1;
		break;
	case K_OOM: *v = (r->have & F_OOM) ? r->oom : -1e9; break;
	case K_OOMADJ: *v = (r->have & F_OOMADJ) ? r->oomadj : -1e9; break;
	case K_MAJFLT: *v = (double)r->st.majflt; break;
	case K_MINFLT: *v = (double)r->st.minflt; break;
	default:
		return 0;
	}
	return 1;
}

static struct ctx *sort_ctx;

static int
cmp_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	struct ctx *c = sort_ctx;
	const struct sortspec *s = &c->o->sort;
	struct col col;
	char sa[256], sb[256], *ta, *tb, *copy;
	double va, vb;
	int i, r = 0;

	if (c->o->forest && a->st.ppid != b->st.ppid)
		return a->st.ppid < b->st.ppid ? -1 : 1;
	for (i = 0; i < s->n && r == 0; i++) {
		if (sort_num(c, a, s->k[i].k->id, &va)) {
			sort_num(c, b, s->k[i].k->id, &vb);
			r = va < vb ? -1 : va > vb;
		} else {
			memset(&col, 0, sizeof(col));
			col.k = s->k[i].k;
			cell(c, a, &col, sa, &ta, INT_MAX);
			copy = xstrdup(ta);
			cell(c, b, &col, sb, &tb, INT_MAX);
			r = strcmp(copy, tb);
			free(copy);
		}
		if (s->k[i].desc)
			r = -r;
	}
	if (r == 0 && c->o->forest && s->n == 0 &&
	    a->st.starttime != b->st.starttime)
		r = a->st.starttime < b->st.starttime ? -1 : 1;
	if (r == 0)
		r = a->index < b->index ? -1 : a->index > b->index;
	return r;
}

/* pid -> first row index, open addressing (pids are > 0). */
struct pidmap {
	int	*key, *val;
	size_t	 cap;
};

static void
pidmap_init(struct pidmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < n * 2)
		m->cap *= 2;
	m->key = xreallocarray(NULL, m->cap, sizeof(int));
	m->val = xreallocarray(NULL, m->cap, sizeof(int));
	memset(m->key, 0xff, m->cap * sizeof(int));	/* -1: empty */
}

static size_t
pidmap_slot(const struct pidmap *m, int key)
{
	size_t h = ((unsigned)key * 2654435761U) & (m->cap - 1);

	while (m->key[h] != -1 && m->key[h] != key)
		h = (h + 1) & (m->cap - 1);
	return h;
}

/* Set key to val unless it is there; returns its value. */
static int
pidmap_add(struct pidmap *m, int key, int val)
{
	size_t h = pidmap_slot(m, key);

	if (m->key[h] == -1) {
		m->key[h] = key;
		m->val[h] = val;
	}
	return m->val[h];
}

static int
pidmap_get(const struct pidmap *m, int key)
{
	size_t h = pidmap_slot(m, key);

	return m->key[h] == key ? m->val[h] : -1;
}

static void
pidmap_free(struct pidmap *m)
{
	free(m->key);
	free(m->val);
}

/* The forest art for the row's depth, from the prefix letters. */
static void
set_prefix(struct ctx *c, const char *letters, size_t n)
{
	size_t i, w = c->o->forest == 'u' ? 2 : 4;
	char *p;

	if (c->prefixcap < n * w + 1) {
		c->prefixcap = n * w + 64;
		c->prefix = xreallocarray(c->prefix, c->prefixcap, 1);
	}
	for (p = c->prefix, i = 0; i < n; i++, p += w) {
		const char *art = "    ";

		if (w == 2)
			art = "  ";
		else if (letters[i] == 'L' || letters[i] == '+')
			art = " \\_ ";
		else if (letters[i] == '|')
			art = " |  ";
		memcpy(p, art, w);
	}
	*p = '\0';
	c->prefixlen = n * w;
}

struct frame {
	int	 idx, level, sibling, next;
};

/*
 * procps's show_forest: trees from their roots (rows whose parent is not
 * listed), last root first; children in sort order, drawn with " \_ ".
 * Iterative, and each row once, whatever the pids claim.
 */
static void
show_forest(struct ctx *c, struct rows *rs)
{
	struct pidmap bypid, firstchild;
	struct frame *st = NULL;
	char *letters = NULL, *done;
	size_t nst = 0, capst = 0, i;
	int n = (int)rs->n, root;

	pidmap_init(&bypid, rs->n);
	pidmap_init(&firstchild, rs->n);
	for (i = 0; i < rs->n; i++) {
		pidmap_add(&bypid, rs->r[i].pid, (int)i);
		pidmap_add(&firstchild, rs->r[i].st.ppid, (int)i);
	}
	done = calloc(rs->n + 1, 1);
	letters = xreallocarray(NULL, rs->n + 2, 1);
	if (done == NULL)
		xnomem();
	for (root = n - 1; root >= 0; root--) {
		if (pidmap_get(&bypid, rs->r[root].st.ppid) >= 0 &&
		    rs->r[root].st.ppid != rs->r[root].pid)
			continue;
		if (done[root])
			continue;
		nst = 0;
		if (nst == capst) {
			capst = capst ? capst * 2 : 64;
			st = xreallocarray(st, capst, sizeof(*st));
		}
		st[nst++] = (struct frame){ root, 0, 0, -1 };
		while (nst > 0) {
			struct frame *f = &st[nst - 1];
			const struct row *r = &rs->r[f->idx];

			if (f->next == -1) {
				/* first visit: draw the row */
				if (f->level > 0)
					letters[f->level - 1] = f->sibling ? '+' : 'L';
				set_prefix(c, letters, (size_t)f->level);
				done[f->idx] = 1;
				emit(c, r);
				if (f->level > 0)
					letters[f->level - 1] = f->sibling ? '|' : ' ';
				f->next = pidmap_get(&firstchild, r->pid);
				if (f->next < 0)
					f->next = n;
			}
			if (f->next < n && rs->r[f->next].st.ppid == r->pid &&
			    f->next != f->idx) {
				int ci = f->next++, more;

				if (done[ci])
					continue;
				more = ci + 1 < n && rs->r[ci + 1].st.ppid == r->pid;
				if (nst == capst) {
					capst *= 2;
					st = xreallocarray(st, capst, sizeof(*st));
					f = &st[nst - 1];
				}
				/* procps: init's children stay at init's level in
				 * the ASCII art (not with -H) */
				st[nst++] = (struct frame){ ci, f->level +
				    (r->pid == 1 && c->o->forest != 'u' ? 0 : 1),
				    more, -1 };
				continue;
			}
			nst--;
		}
	}
	c->prefixlen = 0;
	free(st);
	free(letters);
	free(done);
	pidmap_free(&bypid);
	pidmap_free(&firstchild);
}

/* ---- --sample: the counters of the first look ---- */

static int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static void
sample_add(struct ctx *c, int tid, const struct pid_stat *st)
{
	if (c->nsamp == c->sampcap) {
		c->sampcap = c->sampcap ? c->sampcap * 2 : 1024;
		c->samp = xreallocarray(c->samp, (size_t)c->sampcap,
		    sizeof(*c->samp));
	}
	c->samp[c->nsamp].tid = tid;
	c->samp[c->nsamp].start = st->starttime;
	c->samp[c->nsamp].ticks = st->utime + st->stime;
	c->nsamp++;
}

/* The interval %cpu of a row from its first look (or since it started). */
static void
sample_apply(struct ctx *c, struct row *r)
{
	struct sample key, *s;
	uint64_t now = r->st.utime + r->st.stime, then = 0;
	double secs = c->samp_secs, age;

	key.tid = r->tid;
	s = bsearch(&key, c->samp, (size_t)c->nsamp, sizeof(*c->samp),
	    cmp_sample);
	if (s != NULL && s->start == r->st.starttime && s->ticks <= now)
		then = s->ticks;
	else if ((age = elapsed(c, r)) < secs && age > 0)
		secs = age;	/* born during the interval */
	r->spcpu = secs > 0 ? (double)(now - then) / (double)c->hz /
	    secs * 100.0 : 0;
}

/* ---- the scan ---- */

static void scan_pid(struct ctx *c, struct rows *rs, int pid, int first);

static int
pid_of(const char *name)
{
	uint64_t v = 0;

	if (*name < '1' || *name > '9')
		return -1;
	for (; *name >= '0' && *name <= '9'; name++) {
		v = v * 10 + (uint64_t)(*name - '0');
		if (v > INT_MAX)
			return -1;
	}
	return *name == '\0' ? (int)v : -1;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * Calls fn for each numeric entry of the directory fd (consumed), in
 * numeric order: /proc lists pids so, a copied tree (a fixture, a
 * container's /proc) may not.
 */
static void
each_pid_dir(struct ctx *c, struct rows *rs, int fd, int first,
    void (*fn)(struct ctx *, struct rows *, int, int, void *), void *arg)
{
	uint64_t dbuf[4096];		/* 32 KiB, aligned for the records */
	int small[256], *v = small, sorted = 1;
	size_t n = 0, cap = nitems(small), i;
	long k, off;
	int pid;

	while ((k = syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf))) > 0) {
		for (off = 0; off < k;) {
			struct dirent64_ {
				uint64_t	ino;
				int64_t		off;
				unsigned short	reclen;
				unsigned char	type;
				char		name[];
			} *d = (void *)((char *)dbuf + off);

			off += d->reclen;
			if ((pid = pid_of(d->name)) <= 0)
				continue;
			if (n == cap) {
				cap *= 2;
				if (v == small) {
					v = xreallocarray(NULL, cap, sizeof(*v));
					memcpy(v, small, sizeof(small));
				} else
					v = xreallocarray(v, cap, sizeof(*v));
			}
			if (n > 0 && v[n - 1] > pid)
				sorted = 0;
			v[n++] = pid;
		}
	}
	close(fd);
	if (!sorted)
		qsort(v, n, sizeof(*v), cmp_int);
	for (i = 0; i < n; i++)
		fn(c, rs, v[i], first, arg);
	if (v != small)
		free(v);
}

static int
in_pid_lists(const struct ctx *c, int pid)
{
	const struct sel_list *l;
	int i;

	for (l = c->o->sel; l != NULL; l = l->next)
		for (i = 0; i < l->n; i++)
			if (l->v[i] == (uint64_t)pid)
				return 1;
	return 0;
}

/* One row is ready: into the sample, out, or kept for sorting. */
static void
finish_row(struct ctx *c, struct rows *rs, struct row *r, int first)
{
	if (first) {
		sample_add(c, r->tid, &r->st);
		return;
	}
	if (c->o->sample > 0)
		sample_apply(c, r);
	if (rs == NULL) {
		emit(c, r);
		return;
	}
	own_strings(c, r);
	rs->n++;
}

static struct row *
row_slot(struct rows *rs, int first)
{
	static struct row one;

	if (rs == NULL || first)
		return &one;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	return &rs->r[rs->n];
}

static void
row_init(struct row *r, int pid, int tid, int index)
{
	/* the parsed structs are filled by their parsers: clear the rest */
	r->pid = pid;
	r->tid = tid;
	r->have = 0;
	r->tried = 0;
	r->cmdline = r->environ = NULL;
	r->cmdlen = r->envlen = 0;
	r->exe = r->cwd = r->cgroup = r->wchan = r->label = NULL;
	r->container[0] = '\0';
	r->fds = r->oom = r->oomadj = 0;
	r->spcpu = -1;
	r->index = index;
	r->dirfd = -1;
	r->thread = 0;
}

struct taskarg {
	struct row	*proc;		/* the process, read and selected */
	int		 pdirfd;
};

static void
scan_task(struct ctx *c, struct rows *rs, int tid, int first, void *arg)
{
	struct taskarg *ta = arg;
	struct row *r = row_slot(rs, first);
	char rel[32];
	int pid = ta->proc->pid;

	row_init(r, pid, tid, rs != NULL ? (int)rs->n : 0);
	r->thread = 1;
	if (tid == pid) {
		/* procps shows the leader with the process's own totals */
		r->dirfd = ta->pdirfd;
	} else {
		snprintf(rel, sizeof(rel), "task/%d", tid);
		r->dirfd = openat(ta->pdirfd, rel, O_PATH | O_DIRECTORY |
		    O_CLOEXEC);
		if (r->dirfd < 0)
			return;
	}
	if (read_stat(c, r) == 0 && (first ||
	    read_more(c, r, c->need) == 0))
		finish_row(c, rs, r, first);
	if (r->dirfd != ta->pdirfd)
		close(r->dirfd);
	r->dirfd = -1;
}

static void
scan_one(struct ctx *c, struct rows *rs, int pid, int first, void *arg)
{
	(void)arg;
	scan_pid(c, rs, pid, first);
}

/* Read, select and show (or keep) one process, or its threads. */
static void
scan_pid(struct ctx *c, struct rows *rs, int pid, int first)
{
	struct row *r;
	char rel[16];
	int threads = c->o->tf != 0, dirfd = -1, fd;

	if (c->pid_only && !in_pid_lists(c, pid))
		return;
	r = row_slot(rs, first || threads);
	row_init(r, pid, pid, rs != NULL ? (int)rs->n : 0);
	if (c->use_dirfd) {
		fmt_u64(rel, (uint64_t)pid);
		dirfd = openat(c->procfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return;
		r->dirfd = dirfd;
	}
	if (read_stat(c, r) != 0)
		goto out;
	if (want(c, r) <= 0)
		goto out;
	if (threads) {
		struct taskarg ta = { r, dirfd };
		struct row proc = *r;

		ta.proc = &proc;
		fd = openat(dirfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			each_pid_dir(c, rs, fd, first, scan_task, &ta);
		goto out;
	}
	if (!first && read_more(c, r, c->need) != 0)
		goto out;
	finish_row(c, rs, r, first);
out:
	if (dirfd >= 0)
		close(dirfd);
}

static void
scan(struct ctx *c, struct rows *rs, int first)
{
	const struct sel_list *l;
	int fd, i;

	for (l = c->o->sel; l != NULL; l = l->next) {
		if (l->type != SEL_QUICK)
			continue;
		/* -q: those pids, in order, without reading /proc */
		for (i = 0; i < l->n; i++)
			scan_pid(c, rs, (int)l->v[i], first);
		return;
	}
	if ((fd = openat(c->procfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		warn("%s", c->root);
		c->failed = 1;
		return;
	}
	each_pid_dir(c, rs, fd, first, scan_one, NULL);
}

/* ---- main ---- */

static void
list_keys(void)
{
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (keys[i].help != NULL)
			printf("%-14s %-12s %s\n", keys[i].name, keys[i].head,
			    keys[i].help);
}

/* Checks after a reading of the command line; an error here sends
 * procps (and us) to the BSD reading. */
static int
finish_pass(struct opts *o, struct parsed *pa, int pidwidth, unsigned *bits)
{
	const struct sel_list *l;
	int quick = 0, others = 0;

	if (o->tf != 0 && o->forest)
		return perr("thread display conflicts with forest display");
	if ((o->tf & TF_L) && (o->tf & TF_T))
		return perr("-L and -T conflict");
	for (l = o->sel; l != NULL; l = l->next) {
		if (l->type == SEL_QUICK)
			quick++;
		else
			others++;
	}
	if (quick > 0 && (quick > 1 || others > 0 || o->all || o->simple ||
	    o->negate || o->forest || o->sort.n > 0 || pa->bsd_T))
		return perr("-q goes with no other selection, sort or forest");
	if (build_format(o, pa, &o->fmt, pidwidth) == -1)
		return -1;
	o->have_o = pa->nfmt > 0;
	if (select_bits(o, bits) == -1)
		return -1;
	return 0;
}

static void
parsed_free(struct parsed *pa)
{
	free(pa->fmtspecs);
	memset(pa, 0, sizeof(*pa));
}

/* Our terminal (procps: from our own stat). */
static int
my_tty(struct ctx *c)
{
	struct pid_stat st;
	long n;

	if ((n = proc_read_at(c->procfd, "self/stat", &c->b[B_STAT].p,
	    &c->b[B_STAT].cap)) < 0 ||
	    proc_pid_stat_parse(c->b[B_STAT].p, (size_t)n, &st) != 0)
		return 0;
	return st.tty_nr;
}

static int
uptime_key(const struct key *k)
{
	return k->id == K_C || k->id == K_PCPU || k->id == K_ETIME ||
	    k->id == K_ETIMES;
}

/* Whether a column or a sort key is a time since the process started. */
static int
uses_uptime(struct ctx *c)
{
	int i;

	if (c->o->json)
		return 1;
	for (i = 0; i < c->fmt.n; i++)
		if (uptime_key(c->fmt.c[i].k))
			return 1;
	for (i = 0; i < c->o->sort.n; i++)
		if (uptime_key(c->o->sort.k[i].k))
			return 1;
	return 0;
}

static unsigned
needs(struct ctx *c)
{
	struct opts *o = c->o;
	unsigned need = 0;
	int i;

	for (i = 0; i < c->fmt.n; i++) {
		const struct key *k = c->fmt.c[i].k;

		need |= k->need;
		if (k->id == K_COMM && o->unix_f)
			need |= F_CMDLINE;
		if (k->id == K_ARGS && o->bsd_c)
			need &= ~(unsigned)F_CMDLINE;
		if (k->id == K_ARGS && o->bsd_e)
			need |= F_ENVIRON;
	}
	for (i = 0; i < o->sort.n; i++)
		need |= o->sort.k[i].k->need;
	if (o->json && !o->have_o && o->O == NULL && o->bsdO == NULL)
		need |= F_STATUS | F_STATM | F_CMDLINE | F_EXE | F_FDS;
	if (o->json)
		for (i = 0; i < c->fmt.n; i++)
			if (c->fmt.c[i].k->id == K_ARGS)
				need |= F_CMDLINE;
	/* status's VmRSS is statm's exact count: one file less for ps aux */
	if ((need & F_STATUS) && !(o->json && !o->have_o && o->O == NULL &&
	    o->bsdO == NULL))
		need &= ~(unsigned)F_STATM;
	return need;
}

int
ps_main(int argc, char *argv[])
{
	struct opts o;
	struct parsed pa;
	struct ctx c;
	struct rows rows, *rs = NULL;
	const struct sel_list *l;
	char first_err[sizeof(errmsg)];
	int pidwidth, i, rc;

	memset(&o, 0, sizeof(o));
	memset(&pa, 0, sizeof(pa));
	memset(&c, 0, sizeof(c));
	memset(&rows, 0, sizeof(rows));
	c.o = &o;
	c.root = proc_root();
	c.procfd = -1;
	pidwidth = pid_digits(c.root);
	errmsg[0] = '\0';
	if (parse_pass(&o, &pa, argc, argv, 0) != 0 ||
	    finish_pass(&o, &pa, pidwidth, &c.selbits) != 0) {
		/* procps: when the SysV reading fails, try BSD ("ps -aux") */
		snprintf(first_err, sizeof(first_err), "%s", errmsg);
		opts_free(&o);
		parsed_free(&pa);
		errmsg[0] = '\0';
		if (parse_pass(&o, &pa, argc, argv, 1) != 0 ||
		    finish_pass(&o, &pa, pidwidth, &c.selbits) != 0) {
			warnx("%s", first_err[0] != '\0' ? first_err : errmsg);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (pa.help) {
		fputs(usage, stdout);
		rc = 0;
		goto out;
	}
	if (pa.version) {
		printf("ps from syskit %s\n", SYSKIT_VERSION);
		rc = 0;
		goto out;
	}
	if (o.list_keys) {
		list_keys();
		rc = 0;
		goto out;
	}
	if (pa.match != NULL) {
		int e = regcomp(&o.match, pa.match, REG_EXTENDED | REG_NOSUB);

		if (e != 0) {
			char eb[128];

			regerror(e, &o.match, eb, sizeof(eb));
			warnx("bad --match: %s: %s", pa.match, eb);
			rc = EXIT_USAGE;
			goto out;
		}
		o.have_match = 1;
	}
	c.fmt = o.fmt;
	if ((c.procfd = open(c.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		warn("%s", c.root);
		rc = EXIT_NO;
		goto out;
	}
	c.hz = proc_clk_tck();
	c.pagesize = sysconf(_SC_PAGESIZE);
	if (c.pagesize < 1024)
		c.pagesize = 4096;
	c.euid = geteuid();
	c.mytty = my_tty(&c);
	c.tty_nr_cached = 0;
	c.now = time(NULL);
	localtime_r(&c.now, &c.nowtm);
	c.pidwidth = pidwidth;
	if (pa.bsd_T) {
		/* T: our terminal, a list of one */
		struct sel_list *t = calloc(1, sizeof(*t));

		if (t == NULL)
			xnomem();
		t->type = SEL_TTY;
		t->n = 1;
		t->v = xreallocarray(NULL, 1, sizeof(*t->v));
		t->v[0] = c.mytty == 0 ? 0 :
		    devkey(tty_major(c.mytty), tty_minor(c.mytty));
		t->next = o.sel;
		o.sel = t;
	}
	/* a selection of pid lists alone: skip other pids unread */
	c.pid_only = o.sel != NULL && !o.all && o.simple == 0 && !o.negate;
	for (l = o.sel; l != NULL; l = l->next)
		if (l->type != SEL_PID)
			c.pid_only = 0;
	/* --match alone selects among all processes, as pgrep -f */
	if (o.have_match && o.sel == NULL && o.simple == 0 && !o.bsd)
		o.all = 1;
	c.need = needs(&c);
	/* one file beside stat is read by path; more through the pid's
	 * directory fd, so that all come from the same process */
	c.use_dirfd = o.tf != 0 || __builtin_popcount(c.need & F_ALL) > 1;
	set_screen(&c);
	if (o.sort.n > 0 || o.forest)
		rs = &rows;
	if (o.sample > 0) {
		struct timespec t0, t1, d;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		scan(&c, NULL, 1);
		qsort(c.samp, (size_t)c.nsamp, sizeof(*c.samp), cmp_sample);
		d.tv_sec = (time_t)o.sample;
		d.tv_nsec = (long)((o.sample - (double)d.tv_sec) * 1e9);
		while (nanosleep(&d, &d) != 0 && errno == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c.samp_secs = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		uptime(&c);
		c.have_uptime = 0;	/* elapsed times as of the second look */
	}
	/* procps reads the uptime before the processes: a process busy
	 * since it started shows 99 and 100, not 98 */
	if (o.sample <= 0 && uses_uptime(&c))
		uptime(&c);
	if (o.json) {
		json_init(&c.j, stdout, 0);
		json_arr(&c.j, NULL);
	} else if (header_wanted(&c))
		print_line(&c, NULL);
	scan(&c, rs, 0);
	if (rs != NULL && rs->n > 0) {
		sort_ctx = &c;
		qsort(rs->r, rs->n, sizeof(*rs->r), cmp_rows);
		if (o.forest)
			show_forest(&c, rs);
		else
			for (i = 0; i < (int)rs->n; i++)
				emit(&c, &rs->r[i]);
	}
	if (o.json)
		json_end(&c.j);
	rc = c.failed ? EXIT_NO : c.printed > 0 ? 0 : EXIT_NO;
out:
	if (c.procfd >= 0)
		close(c.procfd);
	for (i = 0; i < B_NBUF; i++)
		free(c.b[i].p);
	if (c.tty_drivers != NULL) {
		for (i = 0; i < 4096; i++)
			free(c.tty_drivers[i]);
		free(c.tty_drivers);
	}
	free(c.prefix);
	free(c.samp);
	free(rows.r);
	arena_free(&c.arena);
	parsed_free(&pa);
	opts_free(&o);
	return rc;
}
