/*
 * flock: util-linux flock(1)'s command line on lock's engine, for images
 * without util-linux.  `flock [options] FILE|DIR COMMAND [ARG]...`,
 * `flock [options] FILE|DIR -c COMMAND`, `flock [options] NUMBER`.
 *
 * What a script sees is util-linux's: the file opened read-only (created
 * 0666 & ~umask when missing, a directory opened read-only), exit 1 on a
 * conflict or a timeout unless -E, silence about it unless --verbose, the
 * sysexits codes for its own failures (64 usage, 65 a lock error, 66 the
 * file cannot be opened, 69 the command cannot run, 71 the system failed),
 * 128+N for a command killed by signal N, and its messages word for word.
 * --fcntl (util-linux 2.40) takes an open-file-description byte-range
 * lock (F_OFD_SETLK) instead of flock(2): the two kinds do not see each
 * other.  Kept from lock, and told in flock(1): a TERM, INT or HUP that
 * flock gets while the command runs is passed on to the command (util-
 * linux's flock dies and leaves the command running with the lock).
 */
#include "compat.h"
#include "../lock/lock.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <inttypes.h>
#include <math.h>		/* isfinite */
#include <paths.h>

/* sysexits.h's, which util-linux uses */
#define EX_USAGE	64
#define EX_DATAERR	65
#define EX_NOINPUT	66
#define EX_UNAVAILABLE	69
#define EX_OSERR	71
#define EX_CANTCREAT	73

static const char usage[] =
    "\n"
    "Usage:\n"
    " flock [options] <file>|<directory> <command> [<argument>...]\n"
    " flock [options] <file>|<directory> -c <command>\n"
    " flock [options] <file descriptor number>\n"
    "\n"
    "Manage file locks from shell scripts.\n"
    "\n"
    "Options:\n"
    " -s, --shared             get a shared lock\n"
    " -x, --exclusive          get an exclusive lock (default)\n"
    " -u, --unlock             remove a lock\n"
    " -n, --nonblock           fail rather than wait\n"
    " -w, --timeout <secs>     wait for a limited amount of time\n"
    " -E, --conflict-exit-code <number>  exit code after conflict or timeout\n"
    " -o, --close              close file descriptor before running command\n"
    " -c, --command <command>  run a single command string through the shell\n"
    " -F, --no-fork            execute command without forking\n"
    "     --fcntl              use fcntl(F_OFD_SETLK) rather than flock()\n"
    "     --start <offset>     starting offset for lock (implies --fcntl)\n"
    "     --length <number>    number of bytes to lock (implies --fcntl)\n"
    "     --verbose            increase verbosity\n"
    "\n"
    " -h, --help               display this help\n"
    " -V, --version            display version\n"
    "\n"
    "syskit's flock: see flock(1).\n";

enum { O_VERBOSE = 256, O_FCNTL, O_START, O_LENGTH };

static const struct option longopts[] = {
	{ "shared", no_argument, NULL, 's' },
	{ "exclusive", no_argument, NULL, 'x' },
	{ "unlock", no_argument, NULL, 'u' },
	{ "nonblocking", no_argument, NULL, 'n' },
	{ "nb", no_argument, NULL, 'n' },
	{ "timeout", required_argument, NULL, 'w' },
	{ "wait", required_argument, NULL, 'w' },
	{ "conflict-exit-code", required_argument, NULL, 'E' },
	{ "close", no_argument, NULL, 'o' },
	{ "no-fork", no_argument, NULL, 'F' },
	{ "verbose", no_argument, NULL, O_VERBOSE },
	{ "fcntl", no_argument, NULL, O_FCNTL },
	{ "start", required_argument, NULL, O_START },
	{ "length", required_argument, NULL, O_LENGTH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

#define OPTSTRING	"+sexnoFuw:E:hV?"

/* What util-linux adds to flock(2)'s opening: the open flags (read-only,
 * or write-only for an exclusive --fcntl lock). */
static int open_flags = O_RDONLY;

/* strtos32_or_err and strtold_or_err: the whole string a number, or
 * "MESSAGE: 'STR'" (with strerror when out of range) and exit 64. */
static int
bad_number(const char *what, const char *s, int e)
{
	if (e == ERANGE)
		warnx("%s: '%s': %s", what, lock_vis(s), strerror(e));
	else
		warnx("%s: '%s'", what, lock_vis(s));
	return EX_USAGE;
}

static int
parse_s32(const char *s, const char *what, int *out)
{
	intmax_t v;
	char *end;

	errno = 0;
	if (*s == '\0')
		return bad_number(what, s, 0);
	v = strtoimax(s, &end, 10);
	if (errno == 0 && (v < INT32_MIN || v > INT32_MAX))
		errno = ERANGE;
	if (errno != 0 || end == s || *end != '\0')
		return bad_number(what, s, errno);
	*out = (int)v;
	return 0;
}

/* -w SECS: util-linux truncates to microseconds; 0 means -n.  A value the
 * timer cannot take is its "cannot set up timer" (exit 71). */
static int
parse_wait(const char *s, struct lock_opts *o)
{
	long double v;
	double sec, usec;
	char *end;

	errno = 0;
	if (*s == '\0')
		return bad_number("invalid timeout value", s, 0);
	v = strtold(s, &end);
	if (errno != 0 || end == s || *end != '\0')
		return bad_number("invalid timeout value", s, errno);
	if (!isfinite(v) || v < 0 || v > LOCK_MAX_DURATION) {
		warnx("cannot set up timer: %s", strerror(EINVAL));
		return EX_OSERR;
	}
	sec = (double)(int64_t)v;
	usec = (double)(int64_t)(((double)v - sec) * 1e6);
	o->wait = sec + usec / 1e6;
	return 0;
}

static int
parse_range(int ch, const char *s, struct lock_opts *o)
{
	uint64_t v;

	if (args_size(s, &v) == -1 || v > INT64_MAX) {
		warnx("%s: '%s'", ch == O_START ? "invalid as start offset" :
		    "invalid as length of lock range", lock_vis(s));
		return EX_USAGE;
	}
	if (ch == O_START)
		o->start = (off_t)v;
	else
		o->len = (off_t)v;
	o->ofd = 1;
	return 0;
}

/* ---- the engine's hooks ---- */

static int
open_lock(const struct lock_opts *o, struct lock_held *h)
{
	int fd, e;

	fd = open(o->file, open_flags | O_NOCTTY | O_CREAT | O_CLOEXEC, 0666);
	/* Linux refuses O_CREAT (and writing) on a directory */
	if (fd == -1 && errno == EISDIR)
		fd = open(o->file, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		warnx("cannot open lock file %s: %s", lock_vis(o->file),
		    strerror(e));
		if (e == ENOMEM || e == EMFILE || e == ENFILE)
			h->rc = EX_OSERR;
		else if (e == EROFS || e == ENOSPC)
			h->rc = EX_CANTCREAT;
		else
			h->rc = EX_NOINPUT;
		return -1;
	}
	if (fstat(fd, &h->st) == -1) {
		h->rc = EX_OSERR;
		warn("cannot stat %s", lock_vis(o->file));
		close(fd);
		return -1;
	}
	h->rdonly = 1;
	return fd;
}

static int
say(const struct lock_opts *o, const struct lock_held *h,
    enum lock_event ev, int err)
{
	switch (ev) {
	case LOCK_EV_BUSY:
		if (o->verbose)
			warnx("failed to get lock");
		return o->conflict;
	case LOCK_EV_TIMEOUT:
		if (o->verbose)
			warnx("timeout while waiting to get lock");
		return o->conflict;
	case LOCK_EV_LOCKED:
		if (!o->verbose)
			return 0;
		printf("flock: getting lock took %" PRId64 ".%06" PRId64
		    " seconds\n", (int64_t)h->waited,
		    (int64_t)((h->waited - (double)(int64_t)h->waited) * 1e6));
		if (o->argv != NULL)
			printf("flock: executing %s\n", lock_vis(o->argv[0]));
		/* util-linux writes these at its exit, after the command's
		 * output when stdout is not a terminal: so do we; with -F
		 * there is no exit of ours, and its lines were lost: not
		 * ours */
		if (o->nofork)
			fflush(stdout);
		return 0;
	case LOCK_EV_ERROR:
		if (o->file != NULL)
			warnx("%s: %s", lock_vis(o->file), strerror(err));
		else
			warnx("%d: %s", o->fd, strerror(err));
		return err == ENOLCK || err == ENOMEM ? EX_OSERR : EX_DATAERR;
	case LOCK_EV_EXEC:
		warnx("failed to execute %s: %s", lock_vis(o->argv[0]),
		    strerror(err));
		return err == ENOMEM ? EX_OSERR : EX_UNAVAILABLE;
	}
	return EX_OSERR;
}

/* ---- the command line ---- */

static int
parse(int argc, char *argv[], struct lock_opts *o, int *close_fd)
{
	int ch, rc, n;

	if (argc < 2) {
		warnx("not enough arguments");
		return compat_try_help(EX_USAGE);
	}
	while ((ch = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
			o->op = LOCK_SH;
			break;
		case 'e': case 'x':
			o->op = LOCK_EX;
			break;
		case 'u':
			o->op = LOCK_UN;
			break;
		case 'o':
			*close_fd = 1;
			break;
		case 'F':
			o->nofork = 1;
			break;
		case 'n':
			o->nonblock = 1;
			break;
		case 'w':
			if ((rc = parse_wait(optarg, o)) != 0)
				return rc;
			break;
		case 'E':
			if ((rc = parse_s32(optarg, "invalid exit code",
			    &n)) != 0)
				return rc;
			if (n < 0 || n > 255) {
				warnx("exit code out of range (expected 0 to "
				    "255)");
				return EX_USAGE;
			}
			o->conflict = n;
			break;
		case O_FCNTL:
			o->ofd = 1;
			break;
		case O_START: case O_LENGTH:
			if ((rc = parse_range(ch, optarg, o)) != 0)
				return rc;
			break;
		case O_VERBOSE:
			o->verbose = 1;
			break;
		case 'V':
			printf("flock from syskit %s\n", SYSKIT_VERSION);
			return -1;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return compat_badopt(argv, OPTSTRING, longopts,
			    EX_USAGE);
		}
	}
	if (o->nofork && *close_fd) {
		warnx("the --no-fork and --close options are incompatible");
		return EX_USAGE;
	}
	if (o->ofd && o->op == LOCK_EX)
		open_flags = O_WRONLY;
	argc -= optind, argv += optind;
	if (argc > 1) {
		if (strcmp(argv[1], "-c") == 0 ||
		    strcmp(argv[1], "--command") == 0) {
			if (argc != 3) {
				warnx("%s requires exactly one command "
				    "argument", argv[1]);
				return EX_USAGE;
			}
			o->shargv[0] = getenv("SHELL");
			if (o->shargv[0] == NULL || *o->shargv[0] == '\0')
				o->shargv[0] = _PATH_BSHELL;
			o->shargv[1] = "-c";
			o->shargv[2] = argv[2];
			o->shargv[3] = NULL;
			o->argv = o->shargv;
		} else
			o->argv = argv + 1;
		o->file = argv[0];
	} else if (argc == 1) {
		if ((rc = parse_s32(argv[0], "bad file descriptor", &n)) != 0)
			return rc;
		o->fd = n;
	} else {
		warnx("requires file descriptor, file or directory");
		return EX_USAGE;
	}
	/* -w 0 (or under a microsecond) is -n */
	if (o->wait == 0)
		o->nonblock = 1;
	return 0;
}

int
flock_main(int argc, char *argv[])
{
	struct lock_opts o;
	struct lock_held h;
	int rc, close_fd = 0;

	memset(&o, 0, sizeof(o));
	o.op = LOCK_EX;
	o.wait = -1;
	o.conflict = 1;
	o.fd = -1;
	o.foreground = 1;
	o.open = open_lock;
	o.say = say;
	if ((rc = parse(argc, argv, &o, &close_fd)) != 0)
		return rc == -1 ? 0 : rc;
	o.nokeep = close_fd;
	if (o.file == NULL)
		return lock_fd(&o);
	if (lock_acquire(&o, &h, &rc) == -1)
		return rc;
	rc = lock_run(&o, &h);
	lock_release(&o, &h);
	return rc;
}
