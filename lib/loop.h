/*
 * loop: an event loop on epoll, level-triggered.  It watches descriptors,
 * signals (blocked in the process and read from one signalfd), timers (a
 * timerfd each, CLOCK_MONOTONIC) and child exits (a pidfd, or on kernels
 * without pidfds SIGCHLD and waitid(WNOWAIT), which leaves the child for
 * its owner to reap).  Callbacks may add and remove any watch, their own
 * included; a removed watch gets no more calls.  Moving the bytes
 * (buffers, splice) is lib/io's.  Single-threaded.
 * Nothing prints.  Functions return 0 (or an id), or -1 with errno set.
 */
#ifndef LIB_LOOP_H
#define LIB_LOOP_H

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <stddef.h>

struct loop;

/* A new loop, or NULL with errno. */
struct loop *loop_new(void);
/* Close the loop's own descriptors and free it; watched descriptors stay
 * open and blocked signals stay blocked (a pending one would kill us). */
void	loop_free(struct loop *l);

/* Watch fd for events (EPOLLIN, EPOLLOUT; 0 pauses it); fn gets the
 * events that happened (EPOLLHUP and EPOLLERR among them).  Watching an
 * fd already watched replaces the watch.  EPERM: a regular file. */
int	loop_fd(struct loop *l, int fd, unsigned events,
	    void (*fn)(struct loop *, int fd, unsigned events, void *arg),
	    void *arg);
/* Change the events of a watched fd (0: pause). */
int	loop_fd_events(struct loop *l, int fd, unsigned events);
/* Stop watching fd (it stays open); do it before closing fd. */
int	loop_fd_del(struct loop *l, int fd);

/* Block sig and call fn for each delivery (NULL fn: stop calling; sig
 * stays blocked). */
int	loop_signal(struct loop *l, int sig,
	    void (*fn)(struct loop *, const struct signalfd_siginfo *,
	    void *arg), void *arg);

/* A timer firing after secs, then every interval seconds (0: once; a
 * one-shot timer is removed before its call); returns its id (> 0). */
int	loop_timer(struct loop *l, double secs, double interval,
	    void (*fn)(struct loop *, int id, void *arg), void *arg);
/* Remove a timer; an id already gone is not an error. */
int	loop_timer_del(struct loop *l, int id);

/* Call fn once when child pid has exited (it is not reaped): through
 * pidfd when >= 0 (the caller keeps it), else through SIGCHLD. */
int	loop_child(struct loop *l, pid_t pid, int pidfd,
	    void (*fn)(struct loop *, pid_t pid, void *arg), void *arg);
/* Stop watching pid. */
int	loop_child_del(struct loop *l, pid_t pid);

/* Dispatch events until loop_stop; -1 when epoll fails. */
int	loop_run(struct loop *l);
/* Wait up to timeout_ms (-1: forever) for events and dispatch them once;
 * returns how many watches were called. */
int	loop_once(struct loop *l, int timeout_ms);
/* Make loop_run return after the current callback. */
void	loop_stop(struct loop *l);
/* CLOCK_MONOTONIC in seconds. */
double	loop_now(void);

#endif
