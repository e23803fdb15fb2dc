/*
 * loop: an event loop on epoll, level-triggered.  It watches descriptors,
 * signals (blocked in the process and read from one signalfd), timers (a
 * timerfd each, CLOCK_MONOTONIC) and child exits (a pidfd, or on kernels
 * without pidfds SIGCHLD and waitid(WNOWAIT), which leaves the child for
 * its owner to reap).  Callbacks may add and remove any watch, their own
 * included; a removed watch gets no more calls.  Also here: the bounded
 * buffers and the splice step of non-blocking copying.  Single-threaded.
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
/* Set O_NONBLOCK on fd. */
int	loop_nonblock(int fd);

/* ---- bounded buffers ---- */

struct loop_buf {
	char	*data;
	size_t	 cap;		/* fixed at init: the bound */
	size_t	 off, len;	/* pending: data[off .. off+len) */
	size_t	 max;		/* growable: loop_buf_put may raise cap to it */
};

int	loop_buf_init(struct loop_buf *b, size_t cap);
/* An empty buffer whose loop_buf_put grows it, up to max bytes (a queue
 * in front of a slow writer, whose producer pauses at its own mark). */
void	loop_buf_init_growable(struct loop_buf *b, size_t max);
void	loop_buf_free(struct loop_buf *b);
/* One read(2) into the free space: bytes read, 0 at EOF, -1 with errno
 * (EAGAIN: nothing now; ENOBUFS: the buffer is full). */
ssize_t	loop_buf_read(struct loop_buf *b, int fd);
/* One write(2) of the pending bytes: bytes written, -1 with errno. */
ssize_t	loop_buf_write(struct loop_buf *b, int fd);
/* Append n bytes (growing a growable buffer), or fail with ENOBUFS
 * (or ENOMEM) and append nothing. */
int	loop_buf_put(struct loop_buf *b, const void *p, size_t n);
/* Free space, that is cap - len. */
size_t	loop_buf_room(const struct loop_buf *b);

/* Move up to max bytes from in to out with splice(2) (one of them a pipe)
 * without blocking on the pipe: bytes moved, 0 at EOF, -1 with errno
 * (EINVAL: splice cannot serve these two, copy with read and write). */
ssize_t	loop_splice(int in, int out, size_t max);

#endif
