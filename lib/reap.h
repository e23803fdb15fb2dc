/*
 * reap: what follows the start of a command.  Its wait status as an exit
 * code, subreaping, the tree of processes below a pid (listed,
 * signalled through pidfds, reaped), and resource usage.  The tree is read
 * from the real /proc (never SYSKIT_PROC).  Nothing prints.  Functions
 * return 0 (or a count), or -1 with errno set.
 */
#ifndef LIB_REAP_H
#define LIB_REAP_H

#include <sys/types.h>
#include <sys/resource.h>
#include <stddef.h>

/* The exit code a shell reports for a wait status: the exit status, or
 * 128+N when signal N ended the process. */
int	reap_exit_code(int status);
/* Make the caller a child subreaper: orphans below it become its children. */
int	reap_subreaper(void);

/* A close-on-exec pidfd for pid (a child not yet reaped, or a process just
 * found); -1 with ENOSYS when the kernel has none (or reap_pidfd_use(0)). */
int	reap_pidfd_open(pid_t pid);
/* Send sig through pidfd, or to pid with kill(2) when pidfd is -1. */
int	reap_pidfd_kill(int pidfd, pid_t pid, int sig);
/* Use pidfds (1, the default) or behave as on a kernel without them (0:
 * tests, SYSKIT_NO_PIDFD). */
void	reap_pidfd_use(int on);

/* Every live or zombie descendant of root (0: the caller), parents before
 * their children, leaving out the nskip pids in skip and everything below
 * them (another command's tree): a malloc'd array in *pids (free it) of
 * *n entries.  Once root has exited its orphans are the caller's (a
 * subreaper's) children: list them with root 0. */
int	reap_descendants(pid_t root, const pid_t *skip, size_t nskip,
	    pid_t **pids, size_t *n);
/* Signal process group pgid (when > 0) with kill(2), and every descendant
 * of root (0: the caller; skip as above) outside that group through a
 * pidfd, after checking that the pid still names that process; returns
 * how many group and process signals went. */
int	reap_kill_tree(pid_t root, pid_t pgid, const pid_t *skip,
	    size_t nskip, int sig);

/* Reap every child that has exited, without blocking, calling fn (when
 * not NULL) with each one's pid, wait status and rusage; returns how many. */
int	reap_children(void (*fn)(void *arg, pid_t pid, int status,
	    const struct rusage *ru), void *arg);
/* Add r to *sum: times and counters are summed, ru_maxrss is the largest. */
void	reap_rusage_add(struct rusage *sum, const struct rusage *r);

#endif
