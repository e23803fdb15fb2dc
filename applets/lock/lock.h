/*
 * lock: the applet's own header.  main.c parses lock's command line and
 * answers --status; engine.c takes the lock (a flock(2) lock, an OFD byte
 * range, or a slot of a counting semaphore), runs the command holding it
 * and releases it.  The compat name flock (applets/compat/flock.c) fills
 * the same struct lock_opts from util-linux's command line and calls the
 * same engine, with hooks where flock opens, speaks or exits differently.
 */
#ifndef APPLETS_LOCK_H
#define APPLETS_LOCK_H

#include "../syskit.h"

#include <sys/stat.h>

#define LOCK_MAX_DURATION	(100.0 * 365 * 86400)
#define LOCK_MAX_SLOTS		256
#define LOCK_QUEUE_BYTE		0	/* --slots: the queue; slot k is k+1 */

struct lock_held;

/* What the engine reports through lock_opts.say. */
enum lock_event {
	LOCK_EV_BUSY,		/* -n found it held: returns the exit code */
	LOCK_EV_TIMEOUT,	/* -w ran out: returns the exit code */
	LOCK_EV_LOCKED,		/* taken (for --verbose) */
	LOCK_EV_ERROR,		/* flock/fcntl failed with err: exit code */
	LOCK_EV_EXEC,		/* the command could not start (err): code */
};

struct lock_opts {
	int		 op;		/* LOCK_EX, LOCK_SH, LOCK_UN */
	int		 nonblock;
	double		 wait;		/* < 0: forever */
	int		 verbose;
	int		 conflict;
	mode_t		 mode;
	int		 pid;
	int		 remove;
	unsigned	 slots;		/* 0: a plain lock */
	double		 timeout;
	int		 fd;		/* --fd, or -1 */
	int		 status, json;
	const char	*shell;
	const char	*file;
	char	       **argv;		/* the command */
	char	       **argv_alloc;	/* -c with operands: to free */
	char		*shargv[4];

	/* for a compat front end (all 0/NULL for lock itself) */
	int		 ofd;		/* fcntl F_OFD_SETLK[W] on the range
					 * start, len (0: to EOF), not flock */
	off_t		 start, len;
	int		 nokeep;	/* the command does not get the fd */
	int		 nofork;	/* exec the command in our place */
	int		 foreground;	/* the command in our process group,
					 * its leftovers left running */
	/* open the lock file: an fd, or -1 with h->rc set (said) */
	int		(*open)(const struct lock_opts *o,
			    struct lock_held *h);
	/* say what happened; for BUSY, TIMEOUT, ERROR and EXEC return the
	 * exit code.  NULL: lock's own messages. */
	int		(*say)(const struct lock_opts *o,
			    const struct lock_held *h, enum lock_event ev,
			    int err);
};

/* What acquire got. */
struct lock_held {
	int		 fd;
	struct stat	 st;
	int		 slot;		/* --slots: which; else -1 */
	int		 rdonly;	/* opened read-only (no write access) */
	double		 waited;
	pid_t		 holder;	/* who held it when we had to wait */
	int		 rc;		/* the opener's exit code on failure */
};

/* Untrusted text for a message: control characters escaped (two static
 * buffers, used in turn). */
const char *lock_vis(const char *s);

/* A live process holding the file's flock lock (slot -1) or one of its
 * slots (LOCK_ANY_SLOT), or 0. */
#define LOCK_ANY_SLOT	(-2)
pid_t	lock_holder_of(const struct stat *st, int slot);

/* Whether pid names a live process (kill 0: EPERM counts). */
int	lock_pid_alive(pid_t pid);

/* Take the lock on o->file as o says: 0 with h filled; when busy, -1 and
 * *rc the conflict code; on error -1 and *rc its code (said). */
int	lock_acquire(const struct lock_opts *o, struct lock_held *h, int *rc);
/* Run o->argv holding h: its exit code (said when it could not start). */
int	lock_run(const struct lock_opts *o, struct lock_held *h);
/* Done: --remove, --pid's truncation, close. */
void	lock_release(const struct lock_opts *o, struct lock_held *h);
/* Lock or unlock the descriptor o->fd: the exit code. */
int	lock_fd(const struct lock_opts *o);

#endif
