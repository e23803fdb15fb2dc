/*
 * lock's engine: take the lock, run the command holding it, release it.
 *
 * The lock is a flock(2) lock, so it excludes util-linux flock on the same
 * file in both directions.  It belongs to the open file description, which
 * the command inherits (the one descriptor we pass on on purpose): killing
 * lock itself does not release it while the command runs.  Every acquire
 * checks afterwards that the path still names the inode it locked (as
 * libbsd's flopen does) and starts again if not, so that --remove can
 * unlink the file while holding it and no two processes ever hold "the"
 * lock.
 *
 * --slots N is a counting semaphore from open-file-description byte-range
 * locks on the same file: byte 0 is the queue, bytes 1..N the slots.  A
 * waiter takes the queue (the kernel queues the others behind it, about
 * in the order they came), then the first free slot; if none is free it
 * waits on all N at once, one thread blocked in F_OFD_SETLKW per slot, so
 * the kernel wakes it when any slot is released, a crashed holder's
 * included.  No polling; no one passes the queue to a freed slot.
 *
 * A compat front end (flock) may ask for an OFD byte-range lock instead
 * of flock(2), and hooks the opening of the file and the messages.
 */
#include "lock.h"

#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "../../lib/child.h"
#include "../../lib/locks.h"
#include "../../lib/loop.h"
#include "../../lib/spawn.h"

#define QUEUE_BYTE	LOCK_QUEUE_BYTE
#define ANY_SLOT	LOCK_ANY_SLOT

/* Untrusted text for a message: control characters escaped. */
const char *
lock_vis(const char *s)
{
	static char buf[2][PATH_MAX * 2];
	static int i;

	i ^= 1;
	return out_vis(buf[i], sizeof(buf[i]), s, strlen(s));
}

/* ---- the deadline: -w ---- */

/*
 * A blocking flock or F_OFD_SETLKW ends with EINTR when SIGALRM comes: the
 * handler does nothing, it is there so that the signal interrupts (no
 * SA_RESTART).  The timer runs on CLOCK_MONOTONIC and, once the deadline
 * has passed, fires again every 10 ms, so a wait begun just after it still
 * ends.
 */
static timer_t deadline_timer;
static int deadline_armed;
static double deadline;

static void
on_alarm(int sig)
{
}

static void
alarm_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

static int
deadline_arm(double secs)
{
	struct sigevent sev;
	struct itimerspec its;

	deadline = loop_now() + secs;
	alarm_handler();
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	if (timer_create(CLOCK_MONOTONIC, &sev, &deadline_timer) == -1)
		return -1;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)secs;
	its.it_value.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9);
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	its.it_interval.tv_nsec = 10 * 1000 * 1000;
	if (timer_settime(deadline_timer, 0, &its, NULL) == -1) {
		timer_delete(deadline_timer);
		return -1;
	}
	deadline_armed = 1;
	return 0;
}

static void
deadline_disarm(void)
{
	if (deadline_armed)
		timer_delete(deadline_timer);
	deadline_armed = 0;
}

static int
deadline_passed(void)
{
	return deadline_armed && loop_now() >= deadline;
}

/* ---- who holds it ---- */


struct holder {
	int		 slot;		/* -1: the flock lock; ANY_SLOT */
	pid_t		 pid;
	int		 need_scan;
};

int
lock_pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* A lock that counts as held: the flock lock (slot -1), or any slot. */
static int
wanted(const struct locks_entry *e, int slot)
{
	if (e->blocked)
		return 0;
	if (slot == ANY_SLOT)
		return e->class == LOCKS_OFD && e->end > QUEUE_BYTE;
	return e->class == LOCKS_FLOCK;
}

static int
on_holder(const struct locks_entry *e, void *arg)
{
	struct holder *h = arg;

	if (!wanted(e, h->slot))
		return 0;
	if (!lock_pid_alive(e->pid)) {
		h->need_scan = 1;
		return 0;
	}
	h->pid = e->pid;
	return 1;
}

/* A live process holding the flock lock (slot -1) or a slot (ANY_SLOT),
 * or 0.  /proc/locks names the process that took a flock lock; for an OFD
 * lock (no pid there), or when the taker is gone and an heir holds the
 * descriptor, the fdinfo scan. */
pid_t
lock_holder_of(const struct stat *st, int slot)
{
	struct holder h = { slot, 0, slot == ANY_SLOT };

	if (slot != ANY_SLOT && locks_of(st->st_dev, st->st_ino, on_holder,
	    &h) > 0 && h.pid > 0)
		return h.pid;
	if (h.need_scan)
		locks_holders(st->st_dev, st->st_ino, on_holder, &h);
	return h.pid;
}

static void
say_busy(const struct lock_opts *o, const struct lock_held *h, pid_t pid)
{
	char who[64] = "", fd[32];
	const char *what = fd;

	if (pid > 0)
		snprintf(who, sizeof(who), ": held by pid %d", (int)pid);
	if (o->file != NULL)
		what = lock_vis(o->file);
	else
		snprintf(fd, sizeof(fd), "descriptor %d", o->fd);
	if (o->nonblock)
		warnx("%s is busy%s", what, who);
	else
		warnx("%s is still busy after %.3gs%s", what, h->waited, who);
}

/* ---- opening the lock file ---- */

/* Open FILE for locking: created with --mode if missing, never through a
 * symlink, a regular file only.  Read-write (NFS and CIFS emulate locks
 * with byte-range locks, which need it); read-only when we may not write
 * and --pid does not need to.  Prints why it failed. */
static int
open_lockfile(const struct lock_opts *o, struct lock_held *h)
{
	const char *f = o->file;
	struct stat st;
	int fd, e;

	h->rdonly = 0;
	fd = open(f, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
	    o->mode);
	if (fd == -1 && (errno == EACCES || errno == EROFS) && !o->pid) {
		e = errno;
		fd = open(f, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
		if (fd == -1)
			errno = e;
		else
			h->rdonly = 1;
	}
	if (fd == -1) {
		e = errno;
		if (e == ELOOP && lstat(f, &st) == 0 && S_ISLNK(st.st_mode))
			warnx("cannot lock %s: it is a symbolic link (a lock "
			    "file is never followed)", lock_vis(f));
		else if (e == EISDIR)
			warnx("cannot lock %s: it is a directory (a lock file "
			    "must be a regular file)", lock_vis(f));
		else if (e == ENOENT)
			warnx("cannot open %s: its directory does not exist",
			    lock_vis(f));
		else
			warnx("cannot open %s: %s", lock_vis(f), strerror(e));
		return -1;
	}
	if (fstat(fd, &h->st) == -1) {
		warn("cannot stat %s", lock_vis(f));
		close(fd);
		return -1;
	}
	if (!S_ISREG(h->st.st_mode)) {
		warnx("cannot lock %s: not a regular file", lock_vis(f));
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the path still names the inode we locked: after a holder's
 * --remove it names nothing or a new file, and we must start again. */
static int
still_ours(const char *path, int fd, const struct stat *st)
{
	struct stat now_st, p;

	if (fstat(fd, &now_st) == -1 || now_st.st_nlink == 0)
		return 0;
	if (fstatat(AT_FDCWD, path, &p, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	return p.st_dev == st->st_dev && p.st_ino == st->st_ino;
}

/* ---- a plain lock ---- */

/* One try: flock(2), or (o->ofd) an OFD byte-range lock on o's range.
 * Busy is EWOULDBLOCK either way. */
static int
take(const struct lock_opts *o, int fd, int op, int block)
{
	struct flock fl;

	if (!o->ofd)
		return flock(fd, op | (block ? 0 : LOCK_NB));
	memset(&fl, 0, sizeof(fl));
	fl.l_type = op == LOCK_EX ? F_WRLCK : op == LOCK_SH ? F_RDLCK :
	    F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = o->start;
	fl.l_len = o->len;
	if (fcntl(fd, block ? F_OFD_SETLKW : F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EACCES || errno == EAGAIN)
		errno = EWOULDBLOCK;
	return -1;
}

/* flock (or the OFD lock), waiting as the options say: 0, 1 when busy,
 * -1 on error. */
static int
flock_wait(const struct lock_opts *o, int fd, struct lock_held *h, int op)
{
	if (take(o, fd, op, 0) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	if (o->nonblock)
		return 1;
	if (o->verbose && o->say == NULL)
		h->holder = lock_holder_of(&h->st, -1);
	for (;;) {
		if (take(o, fd, op, 1) == 0)
			return 0;
		if (errno != EINTR)
			return -1;
		if (deadline_passed())
			return 1;
	}
}

/* ---- --slots: a counting semaphore ---- */

struct sem {
	int		 fd;
	unsigned	 n;
	int		 efd;		/* a waiter won, or failed */
	atomic_int	 winner;	/* slot, -1 none yet, -2 given up */
	atomic_int	 stop;
	atomic_int	 err;
};

struct slot_waiter {
	struct sem	*s;
	unsigned	 slot;
	pthread_t	 tid;
	atomic_int	 done;
};

static int
byte_lock(int fd, unsigned byte, int type, int cmd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = (short)type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)byte;
	fl.l_len = 1;
	return fcntl(fd, cmd, &fl);
}

/* The first free slot, taken without waiting, or -1. */
static int
slot_try(int fd, unsigned n)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (byte_lock(fd, k + 1, F_WRLCK, F_OFD_SETLK) == 0)
			return (int)k;
	return -1;
}

/* Wake the main thread (an eventfd write cannot fail but for overflow). */
static void
sem_wake(struct sem *s)
{
	uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) == -1)
		atomic_store(&s->err, errno);
}

/* One slot's waiter: the first to get its slot wins, a later one lets
 * its slot go at once. */
static void *
slot_wait(void *arg)
{
	struct slot_waiter *w = arg;
	struct sem *s = w->s;
	int none;

	while (!atomic_load(&s->stop)) {
		if (byte_lock(s->fd, w->slot + 1, F_WRLCK, F_OFD_SETLKW) == 0) {
			none = -1;
			if (atomic_compare_exchange_strong(&s->winner, &none,
			    (int)w->slot))
				sem_wake(s);
			else
				byte_lock(s->fd, w->slot + 1, F_UNLCK,
				    F_OFD_SETLK);
			break;
		}
		if (errno != EINTR) {
			atomic_store(&s->err, errno);
			sem_wake(s);
			break;
		}
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* Stop every waiter: SIGALRM breaks its F_OFD_SETLKW (again, should it
 * come just before the call), then join it. */
static void
slot_waiters_stop(struct sem *s, struct slot_waiter *w, unsigned nw)
{
	struct timespec pause = { 0, 100 * 1000 };
	unsigned i;

	atomic_store(&s->stop, 1);
	for (i = 0; i < nw; i++) {
		while (!atomic_load(&w[i].done)) {
			pthread_kill(w[i].tid, SIGALRM);
			nanosleep(&pause, NULL);
		}
		pthread_join(w[i].tid, NULL);
	}
}

/* Start a waiter per slot with every signal blocked but SIGALRM. */
static unsigned
slot_waiters_start(struct sem *s, struct slot_waiter *w)
{
	pthread_attr_t attr;
	sigset_t all, old;
	unsigned i;

	sigfillset(&all);
	sigdelset(&all, SIGALRM);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (i = 0; i < s->n; i++) {
		w[i].s = s;
		w[i].slot = i;
		atomic_init(&w[i].done, 0);
		if ((errno = pthread_create(&w[i].tid, &attr, slot_wait,
		    &w[i])) != 0)
			break;
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i;
}

/* Wait for a slot with the queue held: 0 and the slot, 1 when the
 * deadline passed, -1 on error. */
static int
slot_wait_any(const struct lock_opts *o, int fd, int *slot)
{
	struct sem s;
	struct slot_waiter *w;
	struct pollfd pfd;
	unsigned nw;
	int r = -1, ms, none;

	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.n = o->slots;
	atomic_init(&s.winner, -1);
	atomic_init(&s.stop, 0);
	atomic_init(&s.err, 0);
	if ((s.efd = eventfd(0, EFD_CLOEXEC)) == -1)
		return -1;
	w = xcalloc(s.n, sizeof(*w));
	alarm_handler();
	nw = slot_waiters_start(&s, w);
	if (nw < s.n) {
		int e = errno;

		slot_waiters_stop(&s, w, nw);
		for (nw = 0; nw < s.n; nw++)	/* any a waiter got */
			byte_lock(fd, nw + 1, F_UNLCK, F_OFD_SETLK);
		errno = e;
		goto out;
	}
	pfd.fd = s.efd;
	pfd.events = POLLIN;
	for (;;) {
		ms = -1;
		if (deadline_armed) {
			double left = deadline - loop_now();

			ms = left <= 0 ? 0 : (int)(left * 1000) + 1;
		}
		if (poll(&pfd, 1, ms) > 0)
			break;
		if (ms == 0 || (deadline_armed && deadline_passed()))
			break;
	}
	/* give up unless a waiter has won meanwhile */
	none = -1;
	atomic_compare_exchange_strong(&s.winner, &none, -2);
	slot_waiters_stop(&s, w, nw);
	if (atomic_load(&s.winner) >= 0) {
		*slot = atomic_load(&s.winner);
		r = 0;
	} else if (atomic_load(&s.err) != 0)
		errno = atomic_load(&s.err);
	else
		r = 1;
out:
	free(w);
	close(s.efd);
	return r;
}

/* Take the queue, then a slot: 0, 1 when busy, -1 on error. */
static int
slot_take(const struct lock_opts *o, int fd, struct lock_held *h)
{
	int r, slot;

	if (byte_lock(fd, QUEUE_BYTE, F_WRLCK, F_OFD_SETLK) == -1) {
		if (errno != EAGAIN && errno != EACCES)
			return -1;
		if (o->nonblock)
			goto busy;
		for (;;) {
			if (byte_lock(fd, QUEUE_BYTE, F_WRLCK,
			    F_OFD_SETLKW) == 0)
				break;
			if (errno != EINTR)
				return -1;
			if (deadline_passed())
				goto busy;
		}
	}
	if ((slot = slot_try(fd, o->slots)) == -1) {
		if (o->verbose && !o->nonblock)
			h->holder = lock_holder_of(&h->st, ANY_SLOT);
		if (o->nonblock)
			r = 1;
		else
			r = slot_wait_any(o, fd, &slot);
		if (r != 0) {
			byte_lock(fd, QUEUE_BYTE, F_UNLCK, F_OFD_SETLK);
			return r;
		}
	}
	byte_lock(fd, QUEUE_BYTE, F_UNLCK, F_OFD_SETLK);
	h->slot = slot;
	return 0;
busy:
	return 1;
}

/* An exclusive lock refused with EIO or EBADF on a file opened without
 * write access: NFSv4 emulates flock(2) with fcntl locks, which want a
 * descriptor that may write (and an OFD write lock wants one too).  When
 * we may, open the same file read-write instead (util-linux flock does
 * this): the new descriptor, or -1 with errno as it was. */
static int
reopen_rdwr(const struct lock_opts *o, int fd, struct lock_held *h)
{
	struct stat st;
	int e = errno, nfd;

	if ((e != EIO && e != EBADF) || !h->rdonly || o->op == LOCK_SH ||
	    access(o->file, R_OK | W_OK) != 0)
		goto keep;
	nfd = open(o->file, O_RDWR | O_NOCTTY | O_CLOEXEC |
	    (o->open == NULL ? O_NOFOLLOW : 0));
	if (nfd == -1)
		goto keep;
	if (fstat(nfd, &st) == -1 || st.st_dev != h->st.st_dev ||
	    st.st_ino != h->st.st_ino) {
		close(nfd);
		goto keep;
	}
	close(fd);
	h->rdonly = 0;
	return nfd;
keep:
	errno = e;
	return -1;
}

/* Open and lock FILE (a slot of it with --slots), again until the path
 * names what we locked: 0, 1 when busy, -1 on error (said). */
static int
acquire_file(const struct lock_opts *o, struct lock_held *h)
{
	int fd, nfd, r;

	for (;;) {
		fd = o->open != NULL ? o->open(o, h) : open_lockfile(o, h);
		if (fd == -1)
			return -1;
		if (o->slots && h->rdonly) {
			warnx("cannot lock %s: --slots needs write access",
			    lock_vis(o->file));
			close(fd);
			return -1;
		}
		r = o->slots ? slot_take(o, fd, h) : flock_wait(o, fd, h,
		    o->op);
		if (r == -1 && !o->slots && (nfd = reopen_rdwr(o, fd, h)) != -1) {
			fd = nfd;
			r = flock_wait(o, fd, h, o->op);
		}
		if (r != 0) {
			if (r == -1 && o->say != NULL)
				h->rc = o->say(o, h, LOCK_EV_ERROR, errno);
			else if (r == -1)
				warn("cannot lock %s", lock_vis(o->file));
			close(fd);
			return r;
		}
		if (still_ours(o->file, fd, &h->st))
			break;
		close(fd);	/* removed by its last holder: again */
	}
	h->fd = fd;
	return 0;
}

/* 0 with h filled; when busy, -1 and *rc the conflict code; on error -1
 * and *rc 1. */
int
lock_acquire(const struct lock_opts *o, struct lock_held *h, int *rc)
{
	double t0 = loop_now();
	int r;

	h->fd = -1;
	h->slot = -1;
	h->holder = 0;
	h->rc = 0;
	*rc = EXIT_NO;
	if (!o->nonblock && o->wait > 0 && deadline_arm(o->wait) == -1) {
		warn("cannot set the --wait timer");
		return -1;
	}
	r = acquire_file(o, h);
	deadline_disarm();
	h->waited = loop_now() - t0;
	if (r == -1) {
		if (h->rc != 0)
			*rc = h->rc;
		return -1;
	}
	if (r == 1 && o->say != NULL) {
		*rc = o->say(o, h, o->nonblock ? LOCK_EV_BUSY :
		    LOCK_EV_TIMEOUT, EWOULDBLOCK);
		return -1;
	}
	if (r == 1) {
		/* who holds it now */
		say_busy(o, h, o->slots ? lock_holder_of(&h->st, ANY_SLOT) :
		    lock_holder_of(&h->st, -1));
		*rc = o->conflict;
		return -1;
	}
	if (o->say != NULL)
		o->say(o, h, LOCK_EV_LOCKED, 0);
	else if (o->verbose) {
		char who[64] = "", what[32];

		if (h->holder > 0)
			snprintf(who, sizeof(who), " (held by pid %d)",
			    (int)h->holder);
		if (h->slot >= 0)
			snprintf(what, sizeof(what), "slot %d of %u", h->slot,
			    o->slots);
		else
			snprintf(what, sizeof(what), "%s",
			    o->op == LOCK_SH ? "shared" : "exclusive");
		warnx("locked %s (%s) after %.3fs%s", lock_vis(o->file), what,
		    h->waited, who);
	}
	return 0;
}

/* ---- the command ---- */

struct run {
	const struct lock_opts *o;
	struct lock_held	*h;
};

static void
write_pid(const struct lock_opts *o, int fd, pid_t pid)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		warn("cannot write the pid to %s", lock_vis(o->file));
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct run *r = arg;

	if (ev == CHILD_STARTED && r->o->pid)
		write_pid(r->o, r->h->fd, c->pid);
}

/* o->nofork: the command in our place, the lock's descriptor passed on
 * (its close-on-exec flag cleared).  Returns only when exec failed. */
static int
exec_here(const struct lock_opts *o, struct lock_held *h)
{
	int e;

	if (fcntl(h->fd, F_SETFD, 0) == -1)
		e = errno;
	else {
		execvp(o->argv[0], o->argv);
		e = errno;
	}
	if (o->say != NULL)
		return o->say(o, h, LOCK_EV_EXEC, e);
	errno = e;
	warn("%s", lock_vis(o->argv[0]));
	return spawn_exec_status(e);
}

/* Run the command with the lock's descriptor passed on: it holds the
 * lock as long as it (or anything it left) runs, whatever happens to us. */
int
lock_run(const struct lock_opts *o, struct lock_held *h)
{
	struct child c;
	struct spawn sp;
	struct run r = { o, h };
	int code;

	if (o->nofork)
		return exec_here(o, h);
	memset(&sp, 0, sizeof(sp));
	sp.argv = o->argv;
	sp.umask = -1;
	if (!o->nokeep) {
		sp.keep = &h->fd;
		sp.nkeep = 1;
	}
	child_init(&c);
	c.timeout = o->timeout;
	if (o->foreground)
		c.flags |= CHILD_FOREGROUND | CHILD_KEEP_ORPHANS;
	c.fn = on_child;
	c.arg = &r;
	if ((code = child_run(&c, &sp)) != -1)
		return code;
	if (c.se.step == SPAWN_STEP_EXEC && o->say != NULL)
		return o->say(o, h, LOCK_EV_EXEC, errno);
	if (c.se.step == SPAWN_STEP_EXEC) {
		warn("%s", lock_vis(o->argv[0]));
		return spawn_exec_status(errno);
	}
	warn("cannot %s", spawn_step_name(c.se.step));
	return EXIT_SELF;
}

/* Done, still holding: --remove unlinks the file (if it is still ours
 * and no one else holds it: a shared holder removes only when it can have
 * the lock to itself, so the last one out removes); --pid empties it. */
void
lock_release(const struct lock_opts *o, struct lock_held *h)
{
	if (o->remove) {
		if (o->op == LOCK_SH && flock(h->fd, LOCK_EX | LOCK_NB) == -1)
			;	/* others still share it */
		else if (still_ours(o->file, h->fd, &h->st) &&
		    unlink(o->file) == -1)
			warn("cannot remove %s", lock_vis(o->file));
	} else if (o->pid && ftruncate(h->fd, 0) == -1)
		warn("cannot empty %s", lock_vis(o->file));
	close(h->fd);
}

/* ---- --fd ---- */

int
lock_fd(const struct lock_opts *o)
{
	struct lock_held h;
	double t0 = loop_now();
	int r;

	memset(&h, 0, sizeof(h));
	h.fd = o->fd;
	if (fcntl(o->fd, F_GETFD) == -1 && o->say != NULL)
		return o->say(o, &h, LOCK_EV_ERROR, errno);
	if (fcntl(o->fd, F_GETFD) == -1) {
		warnx("descriptor %d is not open", o->fd);
		return EXIT_NO;
	}
	if (o->op == LOCK_UN && o->say != NULL) {
		if (take(o, o->fd, LOCK_UN, 0) == -1)
			return o->say(o, &h, LOCK_EV_ERROR, errno);
		o->say(o, &h, LOCK_EV_LOCKED, 0);
		return 0;
	}
	if (o->op == LOCK_UN) {
		if (flock(o->fd, LOCK_UN) == -1) {
			warn("cannot unlock descriptor %d", o->fd);
			return EXIT_NO;
		}
		return 0;
	}
	if (fstat(o->fd, &h.st) == -1) {
		warn("cannot stat descriptor %d", o->fd);
		return EXIT_NO;
	}
	if (!o->nonblock && o->wait > 0 && deadline_arm(o->wait) == -1) {
		warn("cannot set the --wait timer");
		return EXIT_NO;
	}
	r = flock_wait(o, o->fd, &h, o->op);
	deadline_disarm();
	h.waited = loop_now() - t0;
	if (r != 0 && o->say != NULL)
		return o->say(o, &h, r == -1 ? LOCK_EV_ERROR : o->nonblock ?
		    LOCK_EV_BUSY : LOCK_EV_TIMEOUT, r == -1 ? errno :
		    EWOULDBLOCK);
	if (r == 0 && o->say != NULL) {
		o->say(o, &h, LOCK_EV_LOCKED, 0);
		return 0;
	}
	if (r == 1) {
		say_busy(o, &h, lock_holder_of(&h.st, -1));
		return o->conflict;
	}
	if (r == -1) {
		warn("cannot lock descriptor %d", o->fd);
		return EXIT_NO;
	}
	if (o->verbose)
		warnx("locked descriptor %d (%s) after %.3fs", o->fd,
		    o->op == LOCK_SH ? "shared" : "exclusive", h.waited);
	return 0;
}

