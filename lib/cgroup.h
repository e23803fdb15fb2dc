/*
 * cgroup: the calling process's control group, v1 or v2.  Reads
 * <proc>/self/cgroup, finds each hierarchy where it is usually mounted
 * (<sys>/fs/cgroup, <sys>/fs/cgroup/CONTROLLER) and reads
 * <proc>/self/mountinfo only when it is not there (a mount point under /sys
 * is mapped to SYSKIT_SYS), then the limit files.  Nothing prints.
 * Functions return 0, or -1 with errno.
 */
#ifndef LIB_CGROUP_H
#define LIB_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#define CG_UNLIMITED	UINT64_MAX

struct cgroup_info {
	int	 version;		/* 1, 2, or 0 when no cgroup fs is mounted */
	char	 path[512];		/* v2 path, or the v1 memory (else cpu) controller's path */
	char	 cpu_path[512];		/* v1: the cpu controller's path */

	/* CPU: the smallest quota/period along the ancestor chain. */
	int	 has_cpu;
	int64_t	 cpu_quota_us;		/* -1 = no quota */
	uint64_t cpu_period_us;
	double	 cpu_limit;		/* quota / period, 0 when no quota */

	/* memory: bytes; CG_UNLIMITED when no limit; has_* say what was read */
	int	 has_mem_limit, has_mem_current, has_mem_peak;
	uint64_t mem_limit;		/* smallest along the chain */
	uint64_t mem_current;
	uint64_t mem_peak;		/* v2 memory.peak, v1 memory.max_usage_in_bytes */
	uint64_t mem_inactive_file;	/* from memory.stat, for "available" */
	int	 has_mem_stat;

	/* pids */
	int	 has_pids_limit, has_pids_current;
	uint64_t pids_limit;		/* CG_UNLIMITED when "max" */
	uint64_t pids_current;

	/* When cgroup_read fails with EINVAL (or EISDIR, ERANGE): the full
	 * path of the file that was malformed or not a regular file. */
	char	 file[4096];
};

/* Controllers for cgroup_read_mask. */
#define CG_CPU		0x1
#define CG_MEM		0x2
#define CG_PIDS		0x4
#define CG_ALL		0x7
/* With CG_MEM: read usage, peak and memory.stat only under a memory limit
 * (what a container view needs; a limits report wants them always). */
#define CG_MEM_LIMITED	0x8

/* Fill *ci for the calling process.  Fields that could not be read keep
 * their has_* at 0; only a malformed file, or one that is not regular (a
 * FIFO), is an error (EINVAL; EISDIR; ERANGE when too large): ci->file
 * names it. */
int	cgroup_read(struct cgroup_info *ci);
/* cgroup_read reading only the files of the controllers in what (CG_*). */
int	cgroup_read_mask(struct cgroup_info *ci, int what);

/* Parsers, for tests and fuzzing. */
/* "max 100000" or "50000 100000" (cpu.max) -> quota (-1 = max), period. */
int	cgroup_parse_cpu_max(const char *buf, int64_t *quota, uint64_t *period);
/* A number or "max" -> value (CG_UNLIMITED for "max"). */
int	cgroup_parse_limit(const char *buf, uint64_t *v);
/* Find the path of a controller in a /proc/PID/cgroup text: controller
 * "memory" for v1, "" for the v2 unified line ("0::/path").  Returns 0 and
 * copies the path, or -1/ENOENT. */
int	cgroup_parse_self(const char *buf, const char *controller,
	    char *path, size_t len);
/* The CPU count a program should use: min(usable, quota rounded half up,
 * at least 1); usable when there is no quota. */
int	cgroup_effective_cpus(double cpu_limit, int usable);
/* The CPU count a program should use, for this process: the usable CPUs
 * (proc_cpu_usable: the affinity mask, or a fixture's own list; else the
 * online count) through cgroup_effective_cpus with the cgroup's CPU quota
 * (v1 or v2; none when it cannot be read).  At least 1. */
int	cgroup_cpu_count(void);

/* Whether we appear to run in a container, and why ("docker", "podman",
 * "kubepods", "lxc", "containerd", "overlay-root", "container-env");
 * returns 1/0 and copies the kind. */
int	cgroup_in_container(char *kind, size_t len);

#endif
