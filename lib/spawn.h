/*
 * spawn: start a command from a plan.  The child applies the plan in this
 * order: own session or process group; every signal disposition back to
 * the default; the fd actions, in order; every other descriptor above 2
 * closed (close_range, else /proc/self/fd); working directory; umask;
 * rlimits; niceness; an empty signal mask; then exec, searching the PATH
 * of the new environment as execvp does (a file without #! runs under
 * /bin/sh).  When a step or the exec fails, the child writes the step and
 * its errno into the plan (shared memory: vfork) and exits 127;
 * spawn_start reaps it and fails with that errno.  So once spawn_start
 * returns 0 the command runs.  Nothing prints.  Functions return 0, or -1
 * with errno set.
 *
 * The dispositions reset are those not SIG_DFL when the first command is
 * started (inherited ones, trap '' PIPE; a sanitizer's handlers), and
 * always SPAWN_SIGS_OURS: the ones syskit's code sets.  Code that sets
 * another signal's disposition after a command has started must add it
 * to that list.
 */
#ifndef LIB_SPAWN_H
#define LIB_SPAWN_H

#include <sys/types.h>
#include <sys/resource.h>
#include <stddef.h>

/* the signals whose disposition syskit's code sets (signal(SIGPIPE,
 * SIG_IGN), lock's SIGALRM handler, timeout's SIGTTIN and SIGTTOU, SIGCHLD
 * back to SIG_DFL): reset in every command whenever they were set */
#define SPAWN_SIGS_OURS	SIGPIPE, SIGALRM, SIGTTIN, SIGTTOU, SIGCHLD

enum spawn_fd_op {
	SPAWN_DUP2,	/* the child's src (as the plan has it) is fd */
	SPAWN_OPEN,	/* open(path, oflags, mode) becomes fd */
	SPAWN_CLOSE,	/* close fd */
};

struct spawn_fd {
	enum spawn_fd_op op;
	int		 fd;
	int		 src;
	const char	*path;
	int		 oflags;
	mode_t		 mode;
};

#define SPAWN_RL_SOFT	0x1
#define SPAWN_RL_HARD	0x2

/* One rlimit: set says which of soft and hard to change (prlimit's
 * "N" both, "N:" soft, ":N" hard, "N:M"); a hard limit below the soft
 * lowers the soft with it. */
struct spawn_rlimit {
	int		 resource;	/* RLIMIT_* */
	int		 set;		/* SPAWN_RL_SOFT, _HARD */
	rlim_t		 soft, hard;	/* RLIM_INFINITY: unlimited */
};

#define SPAWN_PGROUP	0x01	/* its own process group */
#define SPAWN_SESSION	0x02	/* its own session and group: setsid */
#define SPAWN_KEEPFDS	0x04	/* leave descriptors above 2 open */
#define SPAWN_NICE	0x08	/* add nice to the niceness */

struct spawn {
	char *const	*argv;		/* argv[0]: PATH if no '/' */
	char *const	*envp;		/* NULL: environ */
	const char	*cwd;		/* NULL: ours */
	int		 umask;		/* -1: ours */
	int		 nice;
	int		 flags;		/* SPAWN_* */
	const struct spawn_fd *fds;
	size_t		 nfds;
	const struct spawn_rlimit *rlimits;
	size_t		 nrlimits;
	const int	*keep;		/* fds above 2 to pass on */
	size_t		 nkeep;
};

enum spawn_step {
	SPAWN_STEP_PARENT,	/* vfork, in the parent */
	SPAWN_STEP_SESSION,
	SPAWN_STEP_FD,
	SPAWN_STEP_CLOSE,
	SPAWN_STEP_CWD,
	SPAWN_STEP_RLIMIT,
	SPAWN_STEP_NICE,
	SPAWN_STEP_EXEC,
};

struct spawn_err {
	enum spawn_step	 step;	/* where it failed */
	int		 index;	/* which fd action or rlimit */
};

/* Start the plan: 0 and the child's pid, or -1 with errno and *se set. */
int	spawn_start(const struct spawn *sp, pid_t *pid,
	    struct spawn_err *se);
/* What a step does, for messages: "change directory", "exec", ... */
const char *spawn_step_name(enum spawn_step step);
/* The exit status for a failed exec: 127 for ENOENT, else 126. */
int	spawn_exec_status(int err);
/* Parse "RESOURCE=SOFT[:HARD]": a prlimit name (nofile, nproc, as, cpu,
 * core, fsize, stack, memlock, data, ...), sizes as args_size, cpu as a
 * duration, "unlimited"; EINVAL when malformed, ERANGE when too big. */
int	spawn_parse_rlimit(const char *s, struct spawn_rlimit *rl);
/* The prlimit name of RLIMIT_* resource, or NULL. */
const char *spawn_rlimit_name(int resource);

#endif
