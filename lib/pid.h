/*
 * pid: readers and parsers of the per-process files /proc/PID/...  Nothing
 * prints; functions return 0 (or a length) on success, -1 with errno set on
 * failure (ENOENT, ESRCH: the process is gone; EACCES; EINVAL: malformed).
 */
#ifndef LIB_PID_H
#define LIB_PID_H

#include <stddef.h>
#include <stdint.h>

/* ---- per-process: /proc/PID/... ----
 *
 * The parsers take (buf, len) like the others.  The reader works relative
 * to a directory fd (the /proc fd, or a /proc/PID fd so that every file
 * comes from the same process even if the pid is reused meanwhile). */

/* Read dirfd/rel into *bufp (capacity *capp, grown with realloc as needed,
 * kept for the next call; NUL-terminated).  One read(2) when the file fits.
 * Returns the length, or -1 with errno (ENOENT, ESRCH: the process is gone;
 * EACCES, EPERM: not ours to read).  Never blocks: a FIFO reads as empty. */
long	proc_read_at(int dirfd, const char *rel, char **bufp, size_t *capp);
/* The same, its descriptor closed later with the others of batch b
 * (lib/fs.h); NULL: at once. */
struct fs_batch;
long	proc_read_batch(int dirfd, const char *rel, char **bufp, size_t *capp,
	    struct fs_batch *b);

/* /proc/PID/stat.  comm is what lies between the first '(' and the last
 * ')', so names holding ") (" or newlines parse right; it is cut to fit.
 * Times in clock ticks; vsize in bytes; rss in pages. */
struct pid_stat {
	int	 pid;
	char	 comm[64];
	char	 state;
	int	 ppid, pgrp, session, tty_nr, tpgid;
	unsigned flags;
	uint64_t minflt, cminflt, majflt, cmajflt;
	uint64_t utime, stime;
	int64_t	 cutime, cstime, priority, nice, num_threads;
	uint64_t starttime, vsize;
	int64_t	 rss;
	uint64_t rsslim;
	int	 processor;		/* -1 when the line is too short */
	unsigned rt_priority, policy;
	uint64_t blkio_ticks;
	uint64_t startcode, endcode, startstack, kstkesp, kstkeip;
	int	 nfields;		/* fields after the name */
	uint64_t bad;			/* bit n: field n did not parse */
};
/*
 * Returns -1/EINVAL when buf is not a stat line: no pid, no name in
 * parentheses, no one-letter state, fewer than 22 fields.  A field that
 * does not parse as its type (not a number, out of its range, negative
 * where the kernel writes an unsigned number: rss among them) is not an
 * error of the whole line: it reads 0 and bit n (proc(5)'s field number,
 * below 64) is set in bad, for the caller to say and to show no value.
 */
int	proc_pid_stat_parse(const char *buf, size_t len, struct pid_stat *ps);

/* /proc/PID/statm, in pages: psutil's memory_info().  Its resident count
 * is exact where stat's rss is the kernel's cheap per-CPU estimate. */
struct pid_statm {
	uint64_t size, resident, shared, text, lib, data, dirty;
};
int	proc_pid_statm_parse(const char *buf, size_t len, struct pid_statm *sm);

/* /proc/PID/status: the lines ps and psutil use.  Sizes in bytes.  name is
 * unescaped (the kernel writes a newline as \n and \ as \\). */
struct pid_status {
	char	 name[64];
	char	 state;
	int	 tgid, pid, ppid, threads;
	uint32_t uid[4], gid[4];	/* real, effective, saved, file system */
	uint64_t vm_size, vm_lck, vm_rss, rss_anon, rss_file, rss_shmem;
	uint64_t vm_swap;
	uint64_t vol_ctxt, nonvol_ctxt;
	uint64_t vm_data, vm_stk, vm_exe;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;	/* masks */
	const char *groups;		/* the Groups line's ids, in buf */
	size_t	 groupslen;
	unsigned has;			/* PST_* of the lines found */
};
#define PST_NAME	0x0001
#define PST_UID		0x0002
#define PST_GID		0x0004
#define PST_VMLCK	0x0008
#define PST_VMRSS	0x0010
#define PST_RSSFILE	0x0020
#define PST_RSSSHMEM	0x0040
#define PST_VMSWAP	0x0080
#define PST_THREADS	0x0100
#define PST_CTXT	0x0200
#define PST_PPID	0x0400
#define PST_VMSIZE	0x0800
#define PST_SIG		0x1000	/* SigBlk, SigIgn, SigCgt (a group's
				 * bit is set at its last line) */
#define PST_GROUPS	0x2000
#define PST_VMDATA	0x4000	/* VmData, VmStk, VmExe */
int	proc_pid_status_parse(const char *buf, size_t len, struct pid_status *st);
/* The same, stopping once every line of want (PST_*) is found: the fields
 * of later lines are left 0.  A line that is not there (a kernel thread's
 * Vm lines) makes it read on to the end. */
int	proc_pid_status_want(const char *buf, size_t len, struct pid_status *st,
	    unsigned want);

/* /proc/PID/io (bytes and counts); has is set when every line was found. */
struct pid_io {
	uint64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes;
	uint64_t cancelled_write_bytes;
	int	 has;
};
int	proc_pid_io_parse(const char *buf, size_t len, struct pid_io *io);

/* /proc/PID/smaps_rollup (or smaps: every mapping is summed).  Bytes.
 * uss = private_clean + private_dirty + private_hugetlb, as psutil. */
struct pid_smaps {
	uint64_t rss, pss, private_clean, private_dirty, private_hugetlb;
	uint64_t swap, swap_pss;
	int	 has;			/* a Pss line was seen */
};
int	proc_pid_smaps_parse(const char *buf, size_t len, struct pid_smaps *sm);

/* The container id in a /proc/PID/cgroup text: the deepest path component
 * that is 64 hex digits, alone or as docker-ID.scope, cri-containerd-ID.scope,
 * crio-ID.scope or libpod-ID.scope, in a path that names docker, containerd,
 * crio, libpod or kubepods.  Copies it (NUL-terminated) and returns 0, or
 * returns -1 with ENOENT when there is none (EINVAL: idlen < 65). */
int	proc_container_id(const char *buf, size_t len, char *id, size_t idlen);

#endif
