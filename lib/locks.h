/*
 * locks: who holds a file lock, from the kernel's own tables: the lines of
 * /proc/locks (every lock in the system) and the "lock:" lines of
 * /proc/PID/fdinfo/FD (the locks of one open file description).  A line
 * names the file by device and inode, so a caller matches on what fstat
 * says.  The reader uses proc_root() (SYSKIT_PROC).  Nothing prints.
 * Functions return 0 (or a count), or -1 with errno set.
 */
#ifndef LIB_LOCKS_H
#define LIB_LOCKS_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

enum locks_class {
	LOCKS_FLOCK,	/* flock(2) */
	LOCKS_POSIX,	/* fcntl F_SETLK: owned by a process */
	LOCKS_OFD,	/* fcntl F_OFD_SETLK: owned by an open file description */
	LOCKS_LEASE,	/* leases and delegations */
	LOCKS_OTHER,
};

/* One line: a lock held, or (blocked) a request waiting for one. */
struct locks_entry {
	long long	 id;		/* the line's ordinal */
	int		 blocked;	/* "->": waiting, not holding */
	enum locks_class class;
	int		 write;		/* WRITE (exclusive) or READ (shared) */
	pid_t		 pid;		/* -1 when the kernel does not say (OFD) */
	unsigned	 maj, min;	/* the file system's device */
	uint64_t	 ino;
	uint64_t	 start, end;	/* bytes; end UINT64_MAX: to EOF */
};

/* Parse one line of /proc/locks (no newline needed); EINVAL when malformed. */
int	locks_parse_line(const char *s, size_t len, struct locks_entry *e);
/* Call fn for each well-formed line of buf that is on device maj:min, inode
 * ino (any file when ino is 0), until fn returns non-zero; lines that do
 * not parse are skipped.  Returns how many matched, or fn's negative. */
int	locks_parse(const char *buf, size_t len, unsigned maj, unsigned min,
	    uint64_t ino, int (*fn)(const struct locks_entry *, void *),
	    void *arg);
/* locks_parse on <proc>/locks, for the file whose stat is dev, ino. */
int	locks_of(dev_t dev, ino_t ino,
	    int (*fn)(const struct locks_entry *, void *), void *arg);
/* The processes with the file dev:ino open: fn(pid, e, arg) for each lock
 * their open file descriptions hold (their fdinfo "lock:" lines; e->pid is
 * the pid whose descriptor holds it), so OFD locks and locks whose taker
 * has exited get a live pid.  Reads every process's fd directory: slow, for
 * messages and --status.  Returns the number of calls. */
int	locks_holders(dev_t dev, ino_t ino,
	    int (*fn)(const struct locks_entry *, void *), void *arg);

#endif
