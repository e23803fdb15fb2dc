/*
 * lock: run a command while holding a file lock, as util-linux flock(1),
 * BSD lockf(1), GNU sem and Python's filelock do for scripts; or lock a
 * descriptor the shell holds; or say who holds a lock.
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
 */
#include "syskit.h"

#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "../lib/child.h"
#include "../lib/locks.h"
#include "../lib/loop.h"
#include "../lib/spawn.h"

static const char usage[] =
    "usage: lock [-nsvx] [-E code] [-w duration] [option ...] file\n"
    "            [--] command [arg ...]\n"
    "       lock [-nsvx] [-E code] [-w duration] [option ...] file\n"
    "            -c string [name [arg ...]]\n"
    "       lock [-nsuvx] [-E code] [-w duration] --fd n\n"
    "       lock --status [--json] file\n"
    "\n"
    "  -x, --exclusive         an exclusive lock (the default)\n"
    "  -s, --shared            a shared lock: shared holders coexist\n"
    "  -n, --nonblock          do not wait: exit 75 at once when busy\n"
    "  -w, --wait DUR          wait at most DUR (1.5s, 200ms), then exit 75\n"
    "  -c, --shell STRING      run STRING with /bin/sh -c\n"
    "  -v, --verbose           say how long the wait took, who held the lock\n"
    "  -E, --conflict-exit N   exit N instead of 75 when busy\n"
    "      --mode MODE         create the file with MODE (octal, 0644)\n"
    "      --pid               write the command's pid into the file\n"
    "      --remove            remove the file when done (safely)\n"
    "      --slots N           a counting semaphore: at most N holders\n"
    "      --timeout DUR       end the command after DUR (TERM, then KILL\n"
    "                          5s later) and exit 124\n"
    "      --fd N              lock the open descriptor N (no command)\n"
    "  -u, --unlock            with --fd: release the lock\n"
    "      --status            who holds the file's lock (exit 0: held)\n"
    "      --json              --status as JSON\n"
    "  -h, --help              show this help\n"
    "      --version           show the version\n";

enum {
	O_MODE = 256, O_PID, O_REMOVE, O_SLOTS, O_TIMEOUT, O_FD,
	O_STATUS, O_JSON, O_VERSION,
};

static const struct option longopts[] = {
	{ "conflict-exit", required_argument, NULL, 'E' },
	{ "exclusive", no_argument, NULL, 'x' },
	{ "fd", required_argument, NULL, O_FD },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, O_JSON },
	{ "mode", required_argument, NULL, O_MODE },
	{ "nonblock", no_argument, NULL, 'n' },
	{ "pid", no_argument, NULL, O_PID },
	{ "remove", no_argument, NULL, O_REMOVE },
	{ "shared", no_argument, NULL, 's' },
	{ "shell", required_argument, NULL, 'c' },
	{ "slots", required_argument, NULL, O_SLOTS },
	{ "status", no_argument, NULL, O_STATUS },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "unlock", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "wait", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

#define OPTSTRING	"+E:c:hnsuvw:x"
#define MAX_DURATION	(100.0 * 365 * 86400)
#define MAX_SLOTS	256
#define QUEUE_BYTE	0		/* --slots: the queue; slot k is k + 1 */

struct opts {
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
};

/* What acquire got. */
struct held {
	int		 fd;
	struct stat	 st;
	int		 slot;		/* --slots: which; else -1 */
	int		 rdonly;	/* opened read-only (no write access) */
	double		 waited;
	pid_t		 holder;	/* who held it when we had to wait */
};

/* ---- messages ---- */

/* Untrusted text for a message: control characters escaped. */
static const char *
vis(const char *s)
{
	static char buf[2][PATH_MAX * 2];
	static int i;

	i ^= 1;
	return out_vis(buf[i], sizeof(buf[i]), s, strlen(s));
}

/* ---- options ---- */

static int
parse_mode(const char *s, mode_t *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '7')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno != 0 || *end != '\0' || v > 07777)
		return -1;
	*out = (mode_t)v;
	return 0;
}

static int
opt_value(int ch, const char *arg, struct opts *o)
{
	long long n;

	switch (ch) {
	case 'w':
		if (args_duration(arg, MAX_DURATION, &o->wait) == -1)
			return usage_error("invalid --wait: %s (a duration: "
			    "1.5, 200ms, 2m)", vis(arg));
		break;
	case 'E':
		if (args_int(arg, 0, 255, &n) == -1)
			return usage_error("invalid --conflict-exit: %s "
			    "(0 to 255)", vis(arg));
		o->conflict = (int)n;
		break;
	case O_MODE:
		if (parse_mode(arg, &o->mode) == -1)
			return usage_error("invalid --mode: %s (octal, as 0644)",
			    vis(arg));
		break;
	case O_SLOTS:
		if (args_int(arg, 1, MAX_SLOTS, &n) == -1)
			return usage_error("invalid --slots: %s (1 to %d)",
			    vis(arg), MAX_SLOTS);
		o->slots = (unsigned)n;
		break;
	case O_TIMEOUT:
		if (args_duration(arg, MAX_DURATION, &o->timeout) == -1)
			return usage_error("invalid --timeout: %s (a duration: "
			    "10s, 1.5m)", vis(arg));
		break;
	case O_FD:
		if (args_int(arg, 0, INT_MAX, &n) == -1)
			return usage_error("invalid --fd: %s (a descriptor "
			    "number)", vis(arg));
		o->fd = (int)n;
		break;
	}
	return 0;
}

/* The operands: FILE, then COMMAND [ARG ...] or flock's "-c STRING". */
static int
operands(int argc, char *argv[], struct opts *o)
{
	if (o->fd != -1) {
		if (argc > 0)
			return usage_error("--fd takes no file or command");
		return 0;
	}
	if (argc == 0)
		return usage_error("a lock file is needed");
	o->file = argv[0];
	argc--, argv++;
	if (o->status) {
		if (argc > 0)
			return usage_error("--status takes one file");
		return 0;
	}
	if (o->shell == NULL && argc > 0 && (strcmp(argv[0], "-c") == 0 ||
	    strcmp(argv[0], "--shell") == 0)) {
		if (argc < 2)
			return usage_error("option %s needs a value", argv[0]);
		o->shell = argv[1];
		argc -= 2, argv += 2;
	} else if (argc > 0 && strcmp(argv[0], "--") == 0)
		argc--, argv++;
	if (o->shell != NULL) {
		/* sh -c STRING [NAME [ARG ...]] */
		o->shargv[0] = "/bin/sh";
		o->shargv[1] = "-c";
		o->shargv[2] = (char *)o->shell;
		if (argc == 0) {
			o->shargv[3] = NULL;
			o->argv = o->shargv;
			return 0;
		}
		o->argv = o->argv_alloc = xreallocarray(NULL, (size_t)argc + 4,
		    sizeof(char *));
		memcpy(o->argv, o->shargv, 3 * sizeof(char *));
		memcpy(o->argv + 3, argv, ((size_t)argc + 1) * sizeof(char *));
		return 0;
	}
	if (argc == 0)
		return usage_error("a command is needed (or -c STRING)");
	o->argv = argv;
	return 0;
}

static int
check_combinations(const struct opts *o)
{
	if (o->op == LOCK_UN && o->fd == -1)
		return usage_error("--unlock needs --fd");
	if (o->fd != -1 && (o->slots || o->pid || o->remove || o->status ||
	    o->shell != NULL || o->timeout > 0))
		return usage_error("--fd locks a descriptor: no --slots, "
		    "--pid, --remove, --status, --shell or --timeout");
	if (o->json && !o->status)
		return usage_error("--json goes with --status");
	if (o->slots && (o->remove || o->pid || o->op == LOCK_SH))
		return usage_error("--slots takes no --remove, --pid or "
		    "--shared");
	return 0;
}

static int
parse_opts(int argc, char *argv[], struct opts *o)
{
	int ch, rc;

	while ((ch = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->shell = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'n':
			o->nonblock = 1;
			break;
		case 's':
			o->op = LOCK_SH;
			break;
		case 'u':
			o->op = LOCK_UN;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'x':
			o->op = LOCK_EX;
			break;
		case O_PID:
			o->pid = 1;
			break;
		case O_REMOVE:
			o->remove = 1;
			break;
		case O_STATUS:
			o->status = 1;
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_VERSION:
			printf("syskit %s\n", SYSKIT_VERSION);
			return -1;
		case 'w': case 'E': case O_MODE: case O_SLOTS:
		case O_TIMEOUT: case O_FD:
			if ((rc = opt_value(ch, optarg, o)) != 0)
				return rc;
			break;
		default:
			return usage_badopt(argv, OPTSTRING, longopts);
		}
	}
	if (o->wait == 0)
		o->nonblock = 1;	/* -w 0, as flock */
	if ((rc = operands(argc - optind, argv + optind, o)) != 0)
		return rc;
	return check_combinations(o);
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

#define ANY_SLOT	(-2)

struct holder {
	int		 slot;		/* -1: the flock lock; ANY_SLOT */
	pid_t		 pid;
	int		 need_scan;
};

static int
pid_alive(pid_t pid)
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
	if (!pid_alive(e->pid)) {
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
static pid_t
holder_of(const struct stat *st, int slot)
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
say_busy(const struct opts *o, const struct held *h, pid_t pid)
{
	char who[64] = "", fd[32];
	const char *what = fd;

	if (pid > 0)
		snprintf(who, sizeof(who), ": held by pid %d", (int)pid);
	if (o->file != NULL)
		what = vis(o->file);
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
open_lockfile(const struct opts *o, struct held *h)
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
			    "file is never followed)", vis(f));
		else if (e == EISDIR)
			warnx("cannot lock %s: it is a directory (a lock file "
			    "must be a regular file)", vis(f));
		else if (e == ENOENT)
			warnx("cannot open %s: its directory does not exist",
			    vis(f));
		else
			warnx("cannot open %s: %s", vis(f), strerror(e));
		return -1;
	}
	if (fstat(fd, &h->st) == -1) {
		warn("cannot stat %s", vis(f));
		close(fd);
		return -1;
	}
	if (!S_ISREG(h->st.st_mode)) {
		warnx("cannot lock %s: not a regular file", vis(f));
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

/* flock, waiting as the options say: 0, 1 when busy, -1 on error. */
static int
flock_wait(const struct opts *o, int fd, struct held *h, int op)
{
	if (flock(fd, op | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	if (o->nonblock)
		return 1;
	if (o->verbose)
		h->holder = holder_of(&h->st, -1);
	for (;;) {
		if (flock(fd, op) == 0)
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
slot_wait_any(const struct opts *o, int fd, int *slot)
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
slot_take(const struct opts *o, int fd, struct held *h)
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
			h->holder = holder_of(&h->st, ANY_SLOT);
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

/* Open and lock FILE (a slot of it with --slots), again until the path
 * names what we locked: 0, 1 when busy, -1 on error (said). */
static int
acquire_file(const struct opts *o, struct held *h)
{
	int fd, r;

	for (;;) {
		if ((fd = open_lockfile(o, h)) == -1)
			return -1;
		if (o->slots && h->rdonly) {
			warnx("cannot lock %s: --slots needs write access",
			    vis(o->file));
			close(fd);
			return -1;
		}
		r = o->slots ? slot_take(o, fd, h) : flock_wait(o, fd, h,
		    o->op);
		if (r != 0) {
			if (r == -1)
				warn("cannot lock %s", vis(o->file));
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
static int
acquire(const struct opts *o, struct held *h, int *rc)
{
	double t0 = loop_now();
	int r;

	h->fd = -1;
	h->slot = -1;
	h->holder = 0;
	*rc = EXIT_NO;
	if (!o->nonblock && o->wait > 0 && deadline_arm(o->wait) == -1) {
		warn("cannot set the --wait timer");
		return -1;
	}
	r = acquire_file(o, h);
	deadline_disarm();
	h->waited = loop_now() - t0;
	if (r == -1)
		return -1;
	if (r == 1) {
		/* who holds it now */
		say_busy(o, h, o->slots ? holder_of(&h->st, ANY_SLOT) :
		    holder_of(&h->st, -1));
		*rc = o->conflict;
		return -1;
	}
	if (o->verbose) {
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
		warnx("locked %s (%s) after %.3fs%s", vis(o->file), what,
		    h->waited, who);
	}
	return 0;
}

/* ---- the command ---- */

struct run {
	const struct opts *o;
	struct held	*h;
};

static void
write_pid(const struct opts *o, int fd, pid_t pid)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		warn("cannot write the pid to %s", vis(o->file));
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct run *r = arg;

	if (ev == CHILD_STARTED && r->o->pid)
		write_pid(r->o, r->h->fd, c->pid);
}

/* Run the command with the lock's descriptor passed on: it holds the
 * lock as long as it (or anything it left) runs, whatever happens to us. */
static int
run_command(const struct opts *o, struct held *h)
{
	struct child c;
	struct spawn sp;
	struct run r = { o, h };
	int code;

	memset(&sp, 0, sizeof(sp));
	sp.argv = o->argv;
	sp.umask = -1;
	sp.keep = &h->fd;
	sp.nkeep = 1;
	child_init(&c);
	c.timeout = o->timeout;
	c.fn = on_child;
	c.arg = &r;
	if ((code = child_run(&c, &sp)) != -1)
		return code;
	if (c.se.step == SPAWN_STEP_EXEC) {
		warn("%s", vis(o->argv[0]));
		return spawn_exec_status(errno);
	}
	warn("cannot %s", spawn_step_name(c.se.step));
	return EXIT_SELF;
}

/* Done, still holding: --remove unlinks the file (if it is still ours
 * and no one else holds it: a shared holder removes only when it can have
 * the lock to itself, so the last one out removes); --pid empties it. */
static void
release(const struct opts *o, struct held *h)
{
	if (o->remove) {
		if (o->op == LOCK_SH && flock(h->fd, LOCK_EX | LOCK_NB) == -1)
			;	/* others still share it */
		else if (still_ours(o->file, h->fd, &h->st) &&
		    unlink(o->file) == -1)
			warn("cannot remove %s", vis(o->file));
	} else if (o->pid && ftruncate(h->fd, 0) == -1)
		warn("cannot empty %s", vis(o->file));
	close(h->fd);
}

/* ---- --fd ---- */

static int
fd_mode(const struct opts *o)
{
	struct held h;
	double t0 = loop_now();
	int r;

	memset(&h, 0, sizeof(h));
	if (fcntl(o->fd, F_GETFD) == -1) {
		warnx("descriptor %d is not open", o->fd);
		return EXIT_NO;
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
	if (r == 1) {
		say_busy(o, &h, holder_of(&h.st, -1));
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

/* ---- --status ---- */

struct lockrec {
	pid_t		 pid;
	int		 write;
	int		 slot;		/* -1: flock; -2: posix; -3: the queue */
	char		 name[64];
};

struct status {
	struct lockrec	*recs;
	size_t		 n, cap;
	size_t		 waiting;
	int		 unresolved;	/* a holder without a live pid */
	int		 scanning;
};

static int
rec_slot(const struct locks_entry *e)
{
	if (e->class == LOCKS_FLOCK)
		return -1;
	if (e->class != LOCKS_OFD)
		return -2;
	if (e->start == QUEUE_BYTE)
		return -3;
	return e->start > INT_MAX ? -2 : (int)e->start - 1;
}

static int
on_status(const struct locks_entry *e, void *arg)
{
	struct status *s = arg;
	struct lockrec *r;
	size_t i;

	if (e->class == LOCKS_LEASE || e->class == LOCKS_OTHER)
		return 0;
	if (e->blocked) {
		s->waiting++;
		return 0;
	}
	if (!s->scanning && !pid_alive(e->pid)) {
		s->unresolved = 1;
		return 0;
	}
	for (i = 0; i < s->n; i++)
		if (s->recs[i].pid == e->pid &&
		    s->recs[i].slot == rec_slot(e))
			return 0;
	xgrow(&s->recs, &s->cap, s->n + 1, sizeof(*s->recs));
	r = &s->recs[s->n++];
	memset(r, 0, sizeof(*r));
	r->pid = e->pid;
	r->write = e->write;
	r->slot = rec_slot(e);
	return 0;
}

static void
rec_name(struct lockrec *r)
{
	char path[64], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)r->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		n--;
	out_vis(r->name, sizeof(r->name), buf, (size_t)n);
}

/* The pid --pid wrote into the file, or 0. */
static pid_t
file_pid(const char *path)
{
	char buf[24];
	long long v;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 1 || buf[n - 1] != '\n')
		return 0;
	buf[n - 1] = '\0';
	if (args_int(buf, 1, INT_MAX, &v) == -1)
		return 0;
	return (pid_t)v;
}

static const char *
rec_kind(const struct lockrec *r)
{
	if (r->slot == -1)
		return "flock";
	if (r->slot == -2)
		return "posix";
	return r->slot == -3 ? "queue" : "slot";
}

static void
status_json(const struct opts *o, const struct status *s,
    const struct stat *st, int exists)
{
	struct json j;
	pid_t fp = exists ? file_pid(o->file) : 0;
	size_t i;
	int held = 0, excl = 0;

	for (i = 0; i < s->n; i++)
		if (s->recs[i].slot != -3) {
			held = 1;
			excl |= s->recs[i].write;
		}
	json_init(&j, stdout, 1);
	json_obj(&j, NULL);
	json_str(&j, "path", o->file);
	json_bool(&j, "exists", exists);
	json_bool(&j, "held", held);
	if (held)
		json_str(&j, "mode", excl ? "exclusive" : "shared");
	else
		json_null(&j, "mode");
	json_arr(&j, "holders");
	for (i = 0; i < s->n; i++) {
		const struct lockrec *r = &s->recs[i];

		json_obj(&j, NULL);
		json_i64(&j, "pid", r->pid);
		json_str(&j, "name", r->name[0] ? r->name : NULL);
		json_str(&j, "mode", r->write ? "exclusive" : "shared");
		json_str(&j, "kind", rec_kind(r));
		if (r->slot >= 0)
			json_i64(&j, "slot", r->slot);
		else
			json_null(&j, "slot");
		json_end(&j);
	}
	json_end(&j);
	json_u64(&j, "waiting", s->waiting);
	if (held && fp > 0) {
		json_i64(&j, "pid_file", fp);
		json_f64(&j, "since", (double)st->st_mtim.tv_sec +
		    (double)st->st_mtim.tv_nsec / 1e9);
	} else {
		json_null(&j, "pid_file");
		json_null(&j, "since");
	}
	json_end(&j);
}

static void
status_text(const struct opts *o, const struct status *s, int exists)
{
	size_t i, held = 0;
	int excl = 0;

	for (i = 0; i < s->n; i++)
		if (s->recs[i].slot != -3) {
			held++;
			excl |= s->recs[i].write;
		}
	printf("%s: ", vis(o->file));
	if (!exists) {
		printf("free (no such file)\n");
		return;
	}
	if (held == 0)
		printf("free");
	else
		printf("held (%s) by", excl ? "exclusive" : "shared");
	for (i = 0; i < s->n; i++) {
		const struct lockrec *r = &s->recs[i];

		if (r->slot == -3)
			continue;
		printf("%s pid %d", i > 0 ? "," : "", (int)r->pid);
		if (r->name[0])
			printf(" (%s)", r->name);
		if (r->slot >= 0)
			printf(" in slot %d", r->slot);
		else if (r->slot == -2)
			printf(" [posix]");
	}
	if (s->waiting > 0)
		printf("; %zu waiting", s->waiting);
	printf("\n");
}

static int
status_mode(const struct opts *o)
{
	struct status s;
	struct stat st;
	size_t i;
	int exists = 1, held = 0;

	memset(&s, 0, sizeof(s));
	if (stat(o->file, &st) == -1) {
		if (errno != ENOENT) {
			warn("cannot stat %s", vis(o->file));
			return EXIT_NO;
		}
		exists = 0;
	} else if (locks_of(st.st_dev, st.st_ino, on_status, &s) == -1) {
		warn("cannot read /proc/locks");
		return EXIT_NO;
	}
	if (s.unresolved) {
		/* an OFD lock, or its taker is gone: ask the descriptors */
		s.scanning = 1;
		locks_holders(st.st_dev, st.st_ino, on_status, &s);
	}
	for (i = 0; i < s.n; i++) {
		rec_name(&s.recs[i]);
		held |= s.recs[i].slot != -3;
	}
	if (o->json)
		status_json(o, &s, &st, exists);
	else
		status_text(o, &s, exists);
	free(s.recs);
	return held ? 0 : EXIT_NO;
}

int
lock_main(int argc, char *argv[])
{
	struct opts o;
	struct held h;
	int rc;

	memset(&o, 0, sizeof(o));
	o.op = LOCK_EX;
	o.wait = -1;
	o.conflict = EXIT_BUSY;
	o.mode = 0644;
	o.fd = -1;
	if ((rc = parse_opts(argc, argv, &o)) != 0)
		rc = rc == -1 ? 0 : rc;
	else if (o.status)
		rc = status_mode(&o);
	else if (o.fd != -1)
		rc = fd_mode(&o);
	else if (acquire(&o, &h, &rc) == 0) {
		rc = run_command(&o, &h);
		release(&o, &h);
	}
	free(o.argv_alloc);
	return rc;
}
