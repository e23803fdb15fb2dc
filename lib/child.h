/*
 * child: supervise one command.  Start it through lib/spawn in a process
 * group of its own; an optional time limit (the signal, then SIGCONT so a
 * stopped tree can act on it, then SIGKILL after the grace); signals
 * forwarded to its group (or to the command alone); once it has exited,
 * the sweep: whatever it left below us (a double-forked daemon, a setsid
 * escapee: we are a child subreaper, so they become our children) gets the
 * signal, SIGCONT, SIGKILL after the grace, and is reaped.  Its exit code
 * (126/127/128+N as lib/reap maps them, 124 after the time limit) and the
 * rusage summed over everything reaped.
 *
 * Two ways to use it:
 *  - driven by an event loop (lib/loop): child_init, set the fields,
 *    child_start; the loop's callbacks do the rest, and c->fn hears of each
 *    step (CHILD_DONE last).  The applet keeps its own signal handlers and
 *    calls child_signal / child_stop / child_kill from them.  Several
 *    children may run under one loop; the sweep of one leaves the trees of
 *    the others still running alone (once a command has exited, what it
 *    left is told apart from another's leftovers by nothing: every process
 *    below us outside a running child's tree is swept).
 *  - blocking: child_run starts the command, forwards TERM INT HUP QUIT
 *    USR1 USR2 WINCH (a second INT or TERM sends SIGKILL), waits for it and
 *    for everything it left, and returns its exit code.
 *
 * The caller should be a subreaper (reap_subreaper(); child_run does it)
 * for the sweep to find double-forked leftovers, and must not reap the
 * command itself (wait(-1)) while it runs.  An ignored SIGCHLD (inherited
 * through exec) is set back to the default by child_start.
 * Nothing prints: what went wrong is in the struct.  Functions return 0,
 * or -1 with errno set.
 */
#ifndef LIB_CHILD_H
#define LIB_CHILD_H

#include <sys/types.h>
#include <sys/resource.h>
#include <stddef.h>

#include "spawn.h"

struct loop;

/* What c->fn hears, in this order (CHILD_TIMEOUT only when it happens). */
enum child_event {
	CHILD_STARTED,	/* spawned: c->pid is set (a pidfile, a log line) */
	CHILD_TIMEOUT,	/* the time limit expired: c->sig (and CONT) went */
	CHILD_EXITED,	/* the command is reaped: c->status; the sweep starts */
	CHILD_DONE,	/* it and what it left are gone, or left alone: the
			 * loop watches nothing of this child any more */
};

/* c->flags */
#define CHILD_FOREGROUND	0x01	/* no group of its own (terminal
					 * access): signals go to it alone */
#define CHILD_KEEP_ORPHANS	0x02	/* no sweep: leftovers keep running */
#define CHILD_PRESERVE		0x04	/* child_code: its own status even
					 * after the time limit */

struct child {
	/* set by the caller after child_init (its defaults in brackets) */
	double		 timeout;	/* seconds; 0 or inf: no limit [0] */
	int		 sig;		/* the time limit's signal, also the
					 * sweep's; 0: none, only kill_after
					 * acts [SIGTERM] */
	double		 kill_after;	/* then SIGKILL after this; 0: never
					 * for the command itself, at once for
					 * leftovers (timeout -k 0); inf:
					 * never [5] */
	int		 flags;		/* CHILD_* [0] */
	void		(*fn)(struct child *c, enum child_event ev,
			    void *arg);	/* may be NULL */
	void		*arg;

	/* read by the caller */
	pid_t		 pid;		/* the command; 0 before it started */
	pid_t		 pgid;		/* its group; 0 with CHILD_FOREGROUND */
	int		 status;	/* its wait status, once reaped */
	int		 timed_out;	/* the time limit expired */
	int		 killed;	/* SIGKILL had to be sent */
	size_t		 stuck;		/* processes still there after SIGKILL
					 * and a grace of 2 s: left alone */
	int		 sweep_errno;	/* why the tree could not be listed */
	struct rusage	 ru;		/* summed over all that was reaped */
	struct spawn_err se;		/* where child_start failed */

	/* private */
	struct loop	*loop;
	int		 state;
	int		 pidfd;
	int		 t_timeout, t_kill, t_poll;
	double		 poll_iv, escalated_at;
	int		 sent_sig, escalated;
	struct child	*next;		/* the children not done */
};

/* The defaults above; c->pid 0. */
void	child_init(struct child *c);
/* Start sp (its flags get SPAWN_PGROUP unless CHILD_FOREGROUND or
 * SPAWN_SESSION) and watch it on l: 0 after CHILD_STARTED, or -1 with
 * errno and c->se (the caller says why; spawn_exec_status(errno) is its
 * exit code for SPAWN_STEP_EXEC, 125 for any other step). */
int	child_start(struct child *c, struct loop *l, const struct spawn *sp);
/* Send sig to the command's group and to its descendants outside it
 * (CHILD_FOREGROUND: the command alone while it runs; after it exited:
 * what it left), then SIGCONT when sig ends a process by default, so
 * that a stopped tree acts on it. */
int	child_signal(struct child *c, int sig);
/* What the time limit does, now: c->sig, SIGCONT, SIGKILL after
 * kill_after.  For an applet that stops a command's tree (watch's
 * restart); c->timed_out stays 0. */
int	child_stop(struct child *c);
/* SIGKILL to the whole tree now (a second Ctrl-C). */
int	child_kill(struct child *c);
/*
 * Whether sig is a second request to stop, which a supervisor answers
 * with child_kill: a SIGINT or SIGTERM at least CHILD_REPEAT_GAP seconds
 * after the first (*first holds its loop_now(), 0 before).  One sent
 * again sooner is the same request: coreutils' timeout signals both its
 * command and the command's group, and a loaded machine can hand the two
 * to us in two reads.
 */
#define CHILD_REPEAT_GAP	0.1
int	child_repeat_stop(double *first, int sig);
/* Reap the command if it has exited (for an applet that hears SIGCHLD
 * itself; the loop's pidfd watch does this otherwise), or take a step of
 * the sweep: 1 when the command is no longer running. */
int	child_reap(struct child *c);
/* Whether the command itself is still unreaped / all of it is done. */
int	child_running(const struct child *c);
int	child_done(const struct child *c);
/* The exit code: 124 after the time limit (unless CHILD_PRESERVE; 137
 * when sig was 0 and the kill_after SIGKILL ended it, as coreutils
 * timeout -s0 -k), else reap_exit_code(c->status). */
int	child_code(const struct child *c);
/* Stop watching (the loop keeps nothing of c) and close what c holds;
 * a command still running is left running.  Safe to call twice. */
void	child_release(struct child *c);

/* Blocking: start sp on a loop of its own, forward TERM INT HUP QUIT
 * USR1 USR2 WINCH (a second INT or TERM: SIGKILL to the tree), wait for
 * the command and what it left (as above), and return child_code.  When
 * it cannot start: -1 with errno and c->se set and c->pid 0 (the caller
 * says why and exits spawn_exec_status(errno) for SPAWN_STEP_EXEC, else
 * 125).  c->fn is called as under a loop (CHILD_STARTED: write a pidfile).
 * Makes the caller a subreaper.  The forwarded signals stay blocked when
 * it returns (one that came late stays pending: the caller decides). */
int	child_run(struct child *c, const struct spawn *sp);

#endif
