/*
 * proc: readers and parsers for /proc and /sys.  The roots come from
 * SYSKIT_PROC and SYSKIT_SYS (default /proc and /sys), so fixtures and a
 * container's /proc can be read instead.  Each reader opens the file once,
 * reads it whole into a buffer, and parses; parsers work on a buffer so they
 * can be unit-tested and fuzzed.  Nothing prints.  Functions return 0 on
 * success, -1 with errno set on failure (ENOENT: no such file, EACCES,
 * EINVAL: malformed content, or not a regular file: every file is opened
 * with fs_open_regular, so a FIFO or a device in a foreign tree cannot
 * block a reader; EISDIR: a directory).
 */
#ifndef LIB_PROC_H
#define LIB_PROC_H

#include <stddef.h>
#include <stdint.h>

/* ---- roots and files ---- */

const char *proc_root(void);		/* $SYSKIT_PROC or "/proc" */
const char *sys_root(void);		/* $SYSKIT_SYS or "/sys" */
/* Read root/rel into a malloc'd NUL-terminated buffer; *lenp = length. */
char	*proc_slurp(const char *root, const char *rel, size_t *lenp);
/* Read path whole in one read (a cgroup file, a single-record /proc
 * file) into buf, NUL-terminated; ERANGE when it does not fit. */
int	proc_read_once(const char *path, char *buf, size_t cap, size_t *lenp);
/* Read a small file into buf (NUL-terminated, trailing newline removed). */
int	proc_read_str(const char *root, const char *rel, char *buf, size_t len);
/* Read a file holding one unsigned / signed decimal number. */
int	proc_read_u64(const char *root, const char *rel, uint64_t *out);
int	proc_read_i64(const char *root, const char *rel, int64_t *out);
/* For a long-running reader (sysinfo --serve): on, the files of procfs,
 * sysfs and cgroupfs that proc_slurp, proc_read_str and the readers built
 * on them open stay open (up to 64) and are read again with pread at
 * offset 0, which renders them afresh; one that fails so (its device
 * gone) is opened anew.  A mount table (mountinfo, mounts) is read again
 * only when poll() says the mounts changed; till then its last text is
 * handed out.  Off (the default) closes those kept. */
void	proc_keep_open(int on);
/* Map an absolute /sys/... or /proc/... path to the configured roots. */
int	proc_path(char *buf, size_t len, const char *abspath);

/* ---- /proc/meminfo ---- */

/* Fields in bytes (the file's kB * 1024).  has has a bit per field found. */
struct meminfo {
	uint64_t mem_total, mem_free, mem_available, buffers, cached;
	uint64_t swap_cached, active, inactive, shmem, slab, sreclaimable;
	uint64_t swap_total, swap_free;
	uint64_t active_file, inactive_file;
	unsigned has;
};
#define MI_MEMTOTAL	0x0001
#define MI_MEMFREE	0x0002
#define MI_MEMAVAILABLE	0x0004
#define MI_BUFFERS	0x0008
#define MI_CACHED	0x0010
#define MI_SWAPCACHED	0x0020
#define MI_ACTIVE	0x0040
#define MI_INACTIVE	0x0080
#define MI_SHMEM	0x0100
#define MI_SLAB		0x0200
#define MI_SRECLAIMABLE	0x0400
#define MI_SWAPTOTAL	0x0800
#define MI_SWAPFREE	0x1000
#define MI_ACTIVEFILE	0x2000
#define MI_INACTIVEFILE	0x4000

int	proc_meminfo_parse(const char *buf, size_t len, struct meminfo *mi);
int	proc_meminfo(struct meminfo *mi);
/* The kernel's own available estimate for kernels without MemAvailable,
 * as psutil does: free + page cache + reclaimable slab minus the low
 * watermarks of /proc/zoneinfo; falls back to free + cached. */
uint64_t proc_mem_available_estimate(const struct meminfo *mi);

/* ---- /proc/vmstat ---- */

struct vmstat {
	uint64_t pswpin, pswpout;	/* pages */
	uint64_t pgmajfault, pgfault;
	unsigned has;
};
#define VM_PSWPIN	0x1
#define VM_PSWPOUT	0x2
int	proc_vmstat_parse(const char *buf, size_t len, struct vmstat *vm);
int	proc_vmstat(struct vmstat *vm);

/* ---- /proc/stat ---- */

/* Times in clock ticks (USER_HZ), as the file has them. */
struct cpu_times {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
	uint64_t guest, guest_nice;
	int	 nfields;		/* how many the line had (4..10) */
};

struct proc_stat {
	struct cpu_times total;
	struct cpu_times *cpu;		/* malloc'd, ncpu entries, by cpu number */
	int	*cpu_id;		/* the N of each "cpuN" line */
	int	 ncpu;
	uint64_t ctxt, intr, softirq, btime, processes;
	uint64_t procs_running, procs_blocked;
};

int	proc_stat_parse(const char *buf, size_t len, struct proc_stat *st);
int	proc_stat(struct proc_stat *st);
void	proc_stat_free(struct proc_stat *st);
/* Ticks per second (sysconf(_SC_CLK_TCK), 100 when unknown). */
long	proc_clk_tck(void);

/* ---- /proc/loadavg, /proc/uptime ---- */

struct loadavg {
	double	 load1, load5, load15;
	unsigned running, total;
	int	 last_pid;
};
int	proc_loadavg_parse(const char *buf, size_t len, struct loadavg *la);
int	proc_loadavg(struct loadavg *la);
int	proc_uptime_parse(const char *buf, size_t len, double *up, double *idle);
int	proc_uptime(double *up, double *idle);

/* ---- /proc/pressure/{cpu,memory,io} ---- */

struct psi_line {
	double	 avg10, avg60, avg300;
	uint64_t total;			/* microseconds */
	int	 present;
};
struct psi {
	struct psi_line some, full;
};
int	proc_psi_parse(const char *buf, size_t len, struct psi *p);
int	proc_psi(const char *resource, struct psi *p);	/* "cpu", "memory", "io" */

/* ---- /proc/cpuinfo and /sys/devices/system/cpu ---- */

struct cpuinfo {
	char	 model[128];		/* first "model name" (or "Processor", "cpu model") */
	int	 nproc;			/* "processor" lines */
	int	 nphys;			/* unique (physical id, core id), 0 if absent */
	double	 mhz;			/* mean "cpu MHz", 0 if absent */
};
int	proc_cpuinfo_parse(const char *buf, size_t len, struct cpuinfo *ci);
int	proc_cpuinfo(struct cpuinfo *ci);
/* Count the CPUs in a kernel cpu list ("0-3,8,10-11"), each CPU once
 * however often the list names it; 0 for an empty list; -1/EINVAL if
 * malformed ("5-2", "-1", "0,,1"). */
int	proc_cpulist_count(const char *list);
/* Logical CPUs online: /sys/devices/system/cpu/online; sysconf when the
 * file does not exist; -1/EINVAL when it is malformed or empty. */
int	proc_cpu_online(void);
/* CPUs this process may run on: for a foreign $SYSKIT_PROC its
 * self/status Cpus_allowed_list (so a fixture answers for itself), else
 * sched_getaffinity.  -1/EINVAL when the fixture's list is malformed or
 * empty (the caller may say so and fall back to the affinity mask with
 * proc_cpu_usable_self()). */
int	proc_cpu_usable(void);
/* sched_getaffinity's count, or -1. */
int	proc_cpu_usable_self(void);
/* Physical cores: unique topology/core_cpus_list (thread_siblings_list)
 * over /sys/devices/system/cpu/cpu[0-9]*, as psutil; cpuinfo fallback. */
int	proc_cpu_physical(void);

/* ---- /proc/diskstats ---- */

struct diskstat {
	char	 name[64];
	unsigned major, minor;
	uint64_t reads, reads_merged, read_sectors, read_ms;
	uint64_t writes, writes_merged, write_sectors, write_ms;
	uint64_t in_flight, io_ms, weighted_ms;
	uint64_t discards, discards_merged, discard_sectors, discard_ms;
	uint64_t flushes, flush_ms;
	int	 nfields;
};
/* *out is malloc'd (free it); *n entries. */
int	proc_diskstats_parse(const char *buf, size_t len, struct diskstat **out, int *n);
int	proc_diskstats(struct diskstat **out, int *n);
/* Whole disk: /sys/block/NAME exists.  Stacked: /sys/block/NAME/slaves is
 * not empty (device-mapper, md). */
int	proc_disk_is_whole(const char *name);
int	proc_disk_is_stacked(const char *name);
/* The names in directory path but "." and "..", sorted (strcmp), as one
 * NULL-terminated block for free(); the count, or -1 with errno. */
int	proc_dir_names(const char *path, char ***out);
/* The same for a directory that lives as long as the kernel (a class or
 * bus registry: /sys/block, /sys/class/NAME, /sys/devices/system/cpu):
 * under proc_keep_open its descriptor stays open and is listed again from
 * its start, which sysfs makes afresh. */
int	proc_dir_names_kept(const char *path, char ***out);

/* ---- /proc/net/dev ---- */

struct netdev {
	char	 name[32];
	uint64_t rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame;
	uint64_t rx_compressed, rx_multicast;
	uint64_t tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls;
	uint64_t tx_carrier, tx_compressed;
};
int	proc_netdev_parse(const char *buf, size_t len, struct netdev **out, int *n);
int	proc_netdev(struct netdev **out, int *n);

/* ---- /proc/self/mountinfo, /proc/filesystems ---- */

/* Strings point into one malloc'd block owned by the array (free with
 * proc_mounts_free); octal escapes (\040) are decoded. */
struct mount {
	int	 id, parent;
	unsigned major, minor;
	char	*root, *mountpoint, *opts, *fstype, *source, *super_opts;
};
struct mounts {
	struct mount *m;
	int	 n;
	char	*buf;
};
int	proc_mountinfo_parse(const char *buf, size_t len, struct mounts *ms);
int	proc_mountinfo(struct mounts *ms);		/* <proc>/self/mountinfo */
void	proc_mounts_free(struct mounts *ms);
/* 1 if fstype is a "real" (not nodev) file system in /proc/filesystems,
 * as psutil's disk_partitions(all=False) decides; 0 if not; -1 on error. */
int	proc_fs_is_dev(const char *filesystems_buf, const char *fstype);

/* the per-process readers: /proc/PID/... */
#include "pid.h"

#endif
