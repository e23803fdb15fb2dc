/*
 * loop: epoll + signalfd + timerfd + pidfd.
 *
 * Each watch has a unique id, which is what epoll carries, so an event
 * that was already fetched for a watch removed (or an fd reused) since is
 * recognised and dropped.  Removed watches are freed after the batch.
 *
 * A timer removed, or one-shot and fired, keeps its timerfd, disarmed and
 * still in epoll, for the next timer (up to NSPARE): a command run every
 * interval then costs a timerfd_settime, an EPOLL_CTL_MOD (the new id)
 * and a read, not a timerfd_create, two epoll_ctl and a close.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

enum { W_FD, W_SIGNALFD, W_TIMER, W_CHILD };

struct watch {
	int		 id;
	int		 kind;
	int		 fd;		/* fd, timerfd, pidfd; or -1 */
	pid_t		 pid;
	unsigned	 events;
	int		 dead;
	void		(*fd_fn)(struct loop *, int, unsigned, void *);
	void		(*timer_fn)(struct loop *, int, void *);
	void		(*child_fn)(struct loop *, pid_t, void *);
	void		*arg;
};

struct sigwatch {
	void	(*fn)(struct loop *, const struct signalfd_siginfo *,
		    void *);
	void	*arg;
};

#define NSPARE	4

struct loop {
	int		 ep;
	int		 spare[NSPARE];	/* timerfds, disarmed, in epoll */
	int		 nspare;
	int		 sfd;
	sigset_t	 sigs;
	struct sigwatch	 sig[NSIG];
	struct watch	**w;
	size_t		 nw, capw;
	int		 next_id;
	int		 stop;
	int		 recheck;	/* look at SIGCHLD children now */
	int		 nfallback;	/* children seen by SIGCHLD */
};

double
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(l);
		return NULL;
	}
	l->sfd = -1;
	sigemptyset(&l->sigs);
	l->next_id = 1;
	return l;
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nw; i++) {
		if (l->w[i]->kind == W_TIMER && !l->w[i]->dead)
			close(l->w[i]->fd);
		free(l->w[i]);
	}
	free(l->w);
	while (l->nspare > 0)
		close(l->spare[--l->nspare]);
	if (l->sfd != -1)
		close(l->sfd);
	close(l->ep);
	free(l);
}

static struct watch *
watch_new(struct loop *l, int kind, int fd)
{
	struct watch *w, **nv;
	size_t ncap;

	if (l->nw == l->capw) {
		ncap = l->capw ? l->capw * 2 : 16;
		if ((nv = realloc(l->w, ncap * sizeof(*nv))) == NULL)
			return NULL;
		l->w = nv;
		l->capw = ncap;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->id = l->next_id++;
	if (l->next_id == INT32_MAX)
		l->next_id = 1;
	w->kind = kind;
	w->fd = fd;
	l->w[l->nw++] = w;
	return w;
}

static struct watch *
find_id(struct loop *l, int id)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i]->id == id && !l->w[i]->dead)
			return l->w[i];
	return NULL;
}

static struct watch *
find_fd(struct loop *l, int kind, int fd)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i]->kind == kind && l->w[i]->fd == fd &&
		    !l->w[i]->dead)
			return l->w[i];
	return NULL;
}

/* A timer's fd, disarmed unless fired (a one-shot read): kept for the
 * next timer when there is room; 0 when kept. */
static int
spare_timer(struct loop *l, struct watch *w, int fired)
{
	static const struct itimerspec off;

	if (l->nspare == NSPARE || w->fd < 0)
		return -1;
	if (!fired && timerfd_settime(w->fd, 0, &off, NULL) == -1)
		return -1;
	l->spare[l->nspare++] = w->fd;
	return 0;
}

/* Mark dead (freed after the batch) and take it out of epoll; fired: a
 * one-shot timer whose expiry was read. */
static void
kill_watch_timer(struct loop *l, struct watch *w, int fired)
{
	if (w->kind == W_TIMER && spare_timer(l, w, fired) == 0) {
		w->dead = 1;
		return;
	}
	if (w->fd >= 0)
		epoll_ctl(l->ep, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->kind == W_TIMER)
		close(w->fd);
	if (w->kind == W_CHILD && w->fd < 0)
		l->nfallback--;
	w->dead = 1;
}

static void
kill_watch(struct loop *l, struct watch *w)
{
	kill_watch_timer(l, w, 0);
}

static void
gc(struct loop *l)
{
	size_t i, j;

	for (i = j = 0; i < l->nw; i++) {
		if (l->w[i]->dead)
			free(l->w[i]);
		else
			l->w[j++] = l->w[i];
	}
	l->nw = j;
}

static int
ep_ctl(struct loop *l, int op, struct watch *w, unsigned events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = (uint64_t)w->id;
	return epoll_ctl(l->ep, op, w->fd, &ev);
}

static int
ep_add(struct loop *l, struct watch *w, unsigned events)
{
	return ep_ctl(l, EPOLL_CTL_ADD, w, events);
}

int
loop_fd(struct loop *l, int fd, unsigned events,
    void (*fn)(struct loop *, int, unsigned, void *), void *arg)
{
	struct watch *w;
	int e;

	if ((w = find_fd(l, W_FD, fd)) != NULL)
		kill_watch(l, w);
	if ((w = watch_new(l, W_FD, fd)) == NULL)
		return -1;
	w->fd_fn = fn;
	w->arg = arg;
	w->events = events;
	if (ep_add(l, w, events) == -1) {
		e = errno;
		w->fd = -1;
		w->dead = 1;
		errno = e;
		return -1;
	}
	return 0;
}

int
loop_fd_events(struct loop *l, int fd, unsigned events)
{
	struct watch *w;

	if ((w = find_fd(l, W_FD, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (w->events == events)
		return 0;
	if (ep_ctl(l, EPOLL_CTL_MOD, w, events) == -1)
		return -1;
	w->events = events;
	return 0;
}

int
loop_fd_del(struct loop *l, int fd)
{
	struct watch *w;

	if ((w = find_fd(l, W_FD, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	kill_watch(l, w);
	return 0;
}

/* Block sig and (re)make the signalfd for the set. */
static int
add_sig(struct loop *l, int sig)
{
	struct watch *w;
	sigset_t one;
	int fd;

	if (sigismember(&l->sigs, sig) == 1)
		return 0;
	sigemptyset(&one);
	sigaddset(&one, sig);
	if (sigprocmask(SIG_BLOCK, &one, NULL) == -1)
		return -1;
	sigaddset(&l->sigs, sig);
	fd = signalfd(l->sfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	if (l->sfd == -1) {
		l->sfd = fd;
		if ((w = watch_new(l, W_SIGNALFD, fd)) == NULL ||
		    ep_add(l, w, EPOLLIN) == -1)
			return -1;
	}
	return 0;
}

int
loop_signal(struct loop *l, int sig,
    void (*fn)(struct loop *, const struct signalfd_siginfo *, void *),
    void *arg)
{
	if (sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (fn != NULL && add_sig(l, sig) == -1)
		return -1;
	l->sig[sig].fn = fn;
	l->sig[sig].arg = arg;
	return 0;
}

static void
to_timespec(double s, struct timespec *ts)
{
	if (s < 0)
		s = 0;
	if (s > 1e9)
		s = 1e9;
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)((s - (double)ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L)
		ts->tv_nsec = 999999999L;
}

int
loop_timer(struct loop *l, double secs, double interval,
    void (*fn)(struct loop *, int, void *), void *arg)
{
	struct itimerspec its;
	struct watch *w;
	int fd, e, spare = l->nspare > 0;

	if (spare)
		fd = l->spare[--l->nspare];
	else if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK |
	    TFD_CLOEXEC)) == -1)
		return -1;
	memset(&its, 0, sizeof(its));
	to_timespec(secs, &its.it_value);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;	/* 0 would disarm it */
	if (interval > 0)
		to_timespec(interval, &its.it_interval);
	w = NULL;
	if (timerfd_settime(fd, 0, &its, NULL) == -1 ||
	    (w = watch_new(l, W_TIMER, fd)) == NULL)
		goto fail;
	w->timer_fn = fn;
	w->arg = arg;
	w->events = interval > 0;	/* periodic */
	if (ep_ctl(l, spare ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, w, EPOLLIN) ==
	    -1)
		goto fail;
	return w->id;
fail:
	e = errno;
	if (spare)
		epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	if (w != NULL) {
		w->fd = -1;
		w->dead = 1;
	}
	errno = e;
	return -1;
}

int
loop_timer_del(struct loop *l, int id)
{
	struct watch *w = find_id(l, id);

	if (w != NULL && w->kind == W_TIMER)
		kill_watch(l, w);
	return 0;
}

int
loop_child(struct loop *l, pid_t pid, int pidfd,
    void (*fn)(struct loop *, pid_t, void *), void *arg)
{
	struct sigaction sa;
	struct watch *w;

	if (pidfd < 0) {
		/* an ignored SIGCHLD reaps children by itself */
		if (sigaction(SIGCHLD, NULL, &sa) == 0 &&
		    sa.sa_handler == SIG_IGN) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			sigaction(SIGCHLD, &sa, NULL);
		}
		if (add_sig(l, SIGCHLD) == -1)
			return -1;
	}
	if ((w = watch_new(l, W_CHILD, pidfd < 0 ? -1 : pidfd)) == NULL)
		return -1;
	w->pid = pid;
	w->child_fn = fn;
	w->arg = arg;
	if (pidfd >= 0) {
		if (ep_add(l, w, EPOLLIN) == -1) {
			w->fd = -1;
			w->dead = 1;
			return -1;
		}
	} else {
		l->nfallback++;
		l->recheck = 1;	/* it may have exited already */
	}
	return 0;
}

int
loop_child_del(struct loop *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i]->kind == W_CHILD && l->w[i]->pid == pid &&
		    !l->w[i]->dead) {
			kill_watch(l, l->w[i]);
			return 0;
		}
	errno = ENOENT;
	return -1;
}

/* The SIGCHLD path: which watched children have exited (not reaping them). */
static int
check_children(struct loop *l)
{
	struct watch *w;
	siginfo_t si;
	size_t i;
	int n = 0, r;

	for (i = 0; i < l->nw && !l->stop; i++) {
		w = l->w[i];
		if (w->kind != W_CHILD || w->fd >= 0 || w->dead)
			continue;
		memset(&si, 0, sizeof(si));
		r = waitid(P_PID, (id_t)w->pid, &si,
		    WEXITED | WNOHANG | WNOWAIT);
		if ((r == 0 && si.si_pid == w->pid) ||
		    (r == -1 && errno == ECHILD)) {
			kill_watch(l, w);
			w->child_fn(l, w->pid, w->arg);
			n++;
		}
	}
	return n;
}

static int
read_signals(struct loop *l)
{
	struct signalfd_siginfo si[16];
	ssize_t n;
	size_t i;
	int calls = 0;
	unsigned sig;

	for (;;) {
		n = read(l->sfd, si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n / sizeof(si[0]) && !l->stop; i++) {
			sig = si[i].ssi_signo;
			if (sig == SIGCHLD && l->nfallback > 0)
				calls += check_children(l);
			if (sig < NSIG && l->sig[sig].fn != NULL) {
				l->sig[sig].fn(l, &si[i], l->sig[sig].arg);
				calls++;
			}
		}
		if (l->stop)
			break;
	}
	return calls;
}

static int
dispatch(struct loop *l, struct watch *w, unsigned events)
{
	uint64_t ticks;
	ssize_t n;

	switch (w->kind) {
	case W_FD:
		w->fd_fn(l, w->fd, events, w->arg);
		return 1;
	case W_SIGNALFD:
		return read_signals(l);
	case W_TIMER:
		do
			n = read(w->fd, &ticks, sizeof(ticks));
		while (n == -1 && errno == EINTR);
		if (n != (ssize_t)sizeof(ticks))
			return 0;	/* a spurious wakeup */
		if (!w->events)
			kill_watch_timer(l, w, 1);
		w->timer_fn(l, w->id, w->arg);
		return 1;
	case W_CHILD:
		kill_watch(l, w);
		w->child_fn(l, w->pid, w->arg);
		return 1;
	}
	return 0;
}

int
loop_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[32];
	struct watch *w;
	int n, i, calls = 0;

	if (l->recheck) {
		l->recheck = 0;
		if ((calls = check_children(l)) > 0)
			timeout_ms = 0;
	}
	if (l->stop) {
		gc(l);
		return calls;
	}
	n = epoll_wait(l->ep, ev, 32, timeout_ms);
	if (n == -1) {
		if (errno == EINTR)
			return calls;
		return -1;
	}
	for (i = 0; i < n && !l->stop; i++) {
		if ((w = find_id(l, (int)ev[i].data.u64)) == NULL)
			continue;
		calls += dispatch(l, w, ev[i].events);
	}
	gc(l);
	return calls;
}

int
loop_run(struct loop *l)
{
	while (!l->stop)
		if (loop_once(l, -1) == -1)
			return -1;
	l->stop = 0;
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
