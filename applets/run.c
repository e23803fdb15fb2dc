/*
 * run: supervise one command, as subprocess.run() does for a Python
 * program and timeout, env, nice, prlimit, chronic, retry and ts do for a
 * shell script: a time limit that ends the whole process tree, output
 * captured, copied or tagged through one event loop, rlimits, retries, and
 * an exact exit status and report.
 *
 * run is a child subreaper, so whatever the command leaves behind (a
 * double-forked daemon, a setsid escapee) becomes our child; once the
 * command has exited, the sweep signals every descendant still there and
 * reaps them all before run returns.
 */
#include "syskit.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>

#include "../lib/cgroup.h"
#include "../lib/child.h"
#include "../lib/fs.h"
#include "../lib/io.h"
#include "../lib/loop.h"
#include "../lib/reap.h"
#include "../lib/spawn.h"

static const char usage[] =
    "usage: run [-iv] [-C dir] [-e name=value] [-k duration] [-n nice]\n"
    "           [-r retries] [-s signal] [-t duration] [-u name] [option ...]\n"
    "           [--] command [arg ...]\n"
    "       run [option ...] -c string [name [arg ...]]\n"
    "\n"
    "Time and signals:\n"
    "  -t, --timeout DUR       send the signal after DUR, exit 124 (0: never)\n"
    "  -s, --signal SIG        the timeout signal (default TERM)\n"
    "  -k, --kill-after DUR    then KILL after DUR (default 5s; 0: never)\n"
    "      --preserve-status   exit with the command's status even on timeout\n"
    "      --foreground        stay in our process group (terminal access);\n"
    "                          signals go to the command alone\n"
    "      --keep-orphans      leave what the command left behind running\n"
    "Environment and context:\n"
    "  -c, --shell STRING      run STRING with /bin/sh -c\n"
    "  -e, --env NAME=VALUE    set a variable (repeatable)\n"
    "  -u, --unset NAME        remove a variable (repeatable)\n"
    "  -i, --clear-env         start from an empty environment (PATH kept)\n"
    "  -C, --cwd DIR           run in DIR\n"
    "      --umask MODE        octal\n"
    "  -n, --nice N            add N to the niceness\n"
    "      --limit RES=SOFT[:HARD]\n"
    "                          an rlimit, by prlimit's names: nofile nproc\n"
    "                          as cpu core fsize stack memlock data ...;\n"
    "                          N, N:, :N or N:M\n"
    "      --new-session       run in a new session (setsid)\n"
    "      --pass-fd N         keep descriptor N open (others above 2 close)\n"
    "Input and output:\n"
    "      --stdin FILE        standard input from FILE\n"
    "      --input STRING      STRING as standard input\n"
    "      --stdout FILE       standard output to FILE\n"
    "      --stderr FILE       standard error to FILE\n"
    "      --append            append to those files and to the --tee file\n"
    "      --merge             standard error into standard output\n"
    "      --capture           hold the output, print it only on failure\n"
    "      --capture-limit SIZE  kept in memory, the rest in a temp file\n"
    "                          (16M)\n"
    "      --tee FILE          copy both streams to FILE as well\n"
    "      --prefix            tag lines [out] and [err]\n"
    "      --timestamps[=iso|relative]  start lines with the time\n"
    "Retries:\n"
    "  -r, --retries N         run again up to N times after a failure\n"
    "      --retry-delay DUR   wait before a retry (default 1s)\n"
    "      --backoff FACTOR    multiply the delay by FACTOR, with jitter\n"
    "      --retry-on CODES    retry only on these: 1,3-5,timeout,signal\n"
    "Report:\n"
    "      --report FILE       one JSON object to FILE (- for stderr)\n"
    "  -v, --verbose           log each retry, a summary line at the end\n"
    "  -h, --help              show this help\n";

enum {
	O_PRESERVE = 256, O_FOREGROUND, O_KEEP_ORPHANS, O_UMASK, O_LIMIT,
	O_NEW_SESSION, O_PASS_FD, O_STDIN, O_INPUT, O_STDOUT, O_STDERR,
	O_APPEND_, O_MERGE, O_CAPTURE, O_CAPTURE_LIMIT, O_TEE, O_PREFIX,
	O_TIMESTAMPS, O_RETRY_DELAY, O_BACKOFF, O_RETRY_ON, O_REPORT,
};

static const struct option longopts[] = {
	{ "append", no_argument, NULL, O_APPEND_ },
	{ "backoff", required_argument, NULL, O_BACKOFF },
	{ "capture", no_argument, NULL, O_CAPTURE },
	{ "capture-limit", required_argument, NULL, O_CAPTURE_LIMIT },
	{ "clear-env", no_argument, NULL, 'i' },
	{ "cwd", required_argument, NULL, 'C' },
	{ "env", required_argument, NULL, 'e' },
	{ "foreground", no_argument, NULL, O_FOREGROUND },
	{ "help", no_argument, NULL, 'h' },
	{ "input", required_argument, NULL, O_INPUT },
	{ "keep-orphans", no_argument, NULL, O_KEEP_ORPHANS },
	{ "kill-after", required_argument, NULL, 'k' },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "new-session", no_argument, NULL, O_NEW_SESSION },
	{ "nice", required_argument, NULL, 'n' },
	{ "pass-fd", required_argument, NULL, O_PASS_FD },
	{ "prefix", no_argument, NULL, O_PREFIX },
	{ "preserve-status", no_argument, NULL, O_PRESERVE },
	{ "report", required_argument, NULL, O_REPORT },
	{ "retries", required_argument, NULL, 'r' },
	{ "retry-delay", required_argument, NULL, O_RETRY_DELAY },
	{ "retry-on", required_argument, NULL, O_RETRY_ON },
	{ "shell", required_argument, NULL, 'c' },
	{ "signal", required_argument, NULL, 's' },
	{ "stderr", required_argument, NULL, O_STDERR },
	{ "stdin", required_argument, NULL, O_STDIN },
	{ "stdout", required_argument, NULL, O_STDOUT },
	{ "tee", required_argument, NULL, O_TEE },
	{ "timeout", required_argument, NULL, 't' },
	{ "timestamps", optional_argument, NULL, O_TIMESTAMPS },
	{ "umask", required_argument, NULL, O_UMASK },
	{ "unset", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_DURATION	(100.0 * 365 * 86400)
#define CHUNK		(256 * 1024)	/* one read of a stream */
#define PIPE_SIZE	(1024 * 1024)	/* output pipes, for throughput */
#define QUEUE_HIGH	(1024 * 1024)	/* pause the streams above */
#define LINE_MAX_TAG	(64 * 1024)	/* longer: tagged in parts */
#define DRAIN_MAX	(4 << 20)	/* read once the tree is gone */

enum { TS_NONE, TS_ISO, TS_REL };

struct envop {
	int		 unset;
	const char	*s;
};

struct opts {
	double		 timeout, kill_after;
	int		 sig;
	int		 preserve, foreground, keep_orphans;
	const char	*shell;
	struct envop	*env;
	size_t		 nenv;
	int		 clear_env;
	const char	*cwd;
	int		 umask;
	int		 nice, has_nice;
	struct spawn_rlimit *rl;
	size_t		 nrl;
	int		 new_session;
	int		*pass;
	size_t		 npass;
	const char	*stdin_file, *input, *stdout_file, *stderr_file;
	const char	*tee_file, *report;
	int		 append, merge, capture, prefix, ts;
	uint64_t	 capture_limit;
	long long	 retries;
	double		 retry_delay, backoff;
	struct args_codes retry_on;
	int		 has_retry_on;
	int		 verbose;
};

/* An output of ours: our stdout or stderr, a --stdout/--stderr file, the
 * --tee file.  A pipe we write to during the run is reopened
 * non-blocking, so that a reader that stops reading cannot stop the loop
 * (and with it the time limit); its bytes queue here. */
struct dest {
	int		 fd;
	int		 own;		/* opened by us */
	int		 nb;		/* non-blocking, queued */
	int		 dead;		/* EPIPE or a write error */
	int		 watched;	/* for EPOLLOUT */
	const char	*name;
	struct io_buf	 q;		/* what a non-blocking fd did not take */
};

struct run;

/* The command's stdout or stderr, read by us through a pipe. */
struct stream {
	struct run	*r;
	int		 no;		/* 1 or 2 */
	int		 fd;		/* our end, or -1 */
	int		 paused;
	struct dest	*dest;
	char		*line;		/* the partial line */
	size_t		 linelen;
	double		 line_mono;
	struct timespec	 line_real;
};

/* Held output, in order, as records of (stream, length): the first
 * capture_limit bytes in memory, the rest in an unlinked temp file. */
struct crec {
	int		 no;
	uint64_t	 len;
};

struct capture {
	char		*mem;
	size_t		 len, cap, limit;
	int		 fd;
	uint64_t	 flen;
	struct crec	*rec;
	size_t		 nrec, reccap;
	int		 err;		/* why bytes were lost */
	uint64_t	 lost;
};

struct run {
	struct opts	*o;
	struct loop	*loop;
	char		**argv;		/* the command */
	char		**envp;
	/* this attempt */
	struct child	 ch;
	pid_t		 pid;
	int		 status;
	int		 timed_out;
	int		 tree_done;
	int		 in_fd;		/* --input writer */
	size_t		 in_off;
	struct stream	 out, err;
	/* the whole run */
	int		 in_delay;
	int		 nint;		/* SIGINTs and SIGTERMs */
	int		 stop;		/* told to stop: no retry */
	int		 code;
	int		 spawn_failed;	/* 125, 126, 127 from spawn */
	char		 why[256];	/* what run could not do */
	int		 attempts;
	int		 stdin_fd;
	int		 need_pipe;
	int		 tagging;
	struct dest	 d_out, d_err, d_tee;
	FILE		*report;
	struct capture	 cap;
	char		*rbuf;
	char		*tbuf;		/* tagged lines of a read */
	size_t		 tcap;
	struct rusage	 ru;
	double		 t0, start_real;
	uint64_t	 rnd;
};

static void	maybe_done(struct run *);
static void	stream_close(struct run *, struct stream *);

/* ---- parsing ---- */

static int
bad(const char *opt, const char *val)
{
	warnx("invalid %s: %s", opt, val);
	return -1;
}

static int
parse_umask(const char *s, int *out)
{
	int v = 0;
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '7' || n >= 4)
			return -1;
		v = v * 8 + (s[n] - '0');
	}
	if (n == 0 || v > 0777)
		return -1;
	*out = v;
	return 0;
}

/* A factor: DIGITS[.DIGITS] within 1..100. */
static int
parse_factor(const char *s, double *out)
{
	double v = 0, scale = 1;
	const char *p = s;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 12) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && digits < 24) {
			scale /= 10;
			v += (*p++ - '0') * scale;
			digits++;
		}
	}
	if (digits == 0 || *p != '\0' || v < 1 || v > 100)
		return -1;
	*out = v;
	return 0;
}

static int
parse_opts(int argc, char *argv[], struct opts *o)
{
	long long ll;
	uint64_t u;
	int ch;

	while ((ch = getopt_long(argc, argv, "+c:C:e:hik:n:r:s:t:u:v",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->shell = optarg;
			break;
		case 'C':
			o->cwd = optarg;
			break;
		case 'e':
			if (strchr(optarg, '=') == NULL || optarg[0] == '=')
				return bad("--env (NAME=VALUE)", optarg);
			o->env[o->nenv].unset = 0;
			o->env[o->nenv++].s = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'i':
			o->clear_env = 1;
			break;
		case 'k':
			if (args_duration(optarg, INFINITY, &o->kill_after))
				return bad("--kill-after", optarg);
			break;
		case 'n':
			if (args_int(optarg, -40, 40, &ll) == -1)
				return bad("--nice", optarg);
			o->nice = (int)ll;
			o->has_nice = 1;
			break;
		case 'r':
			if (args_int(optarg, 0, 1000000, &o->retries) == -1)
				return bad("--retries", optarg);
			break;
		case 's':
			if (args_signal(optarg, &o->sig) == -1)
				return bad("--signal", optarg);
			break;
		case 't':
			if (args_duration(optarg, INFINITY, &o->timeout))
				return bad("--timeout", optarg);
			break;
		case 'u':
			if (optarg[0] == '\0' || strchr(optarg, '=') != NULL)
				return bad("--unset", optarg);
			o->env[o->nenv].unset = 1;
			o->env[o->nenv++].s = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case O_PRESERVE:
			o->preserve = 1;
			break;
		case O_FOREGROUND:
			o->foreground = 1;
			break;
		case O_KEEP_ORPHANS:
			o->keep_orphans = 1;
			break;
		case O_UMASK:
			if (parse_umask(optarg, &o->umask) == -1)
				return bad("--umask", optarg);
			break;
		case O_LIMIT:
			if (spawn_parse_rlimit(optarg, &o->rl[o->nrl]) == -1)
				return bad("--limit", optarg);
			o->nrl++;
			break;
		case O_NEW_SESSION:
			o->new_session = 1;
			break;
		case O_PASS_FD:
			if (args_int(optarg, 3, INT_MAX, &ll) == -1)
				return bad("--pass-fd", optarg);
			o->pass[o->npass++] = (int)ll;
			break;
		case O_STDIN:
			o->stdin_file = optarg;
			break;
		case O_INPUT:
			o->input = optarg;
			break;
		case O_STDOUT:
			o->stdout_file = optarg;
			break;
		case O_STDERR:
			o->stderr_file = optarg;
			break;
		case O_APPEND_:
			o->append = 1;
			break;
		case O_MERGE:
			o->merge = 1;
			break;
		case O_CAPTURE:
			o->capture = 1;
			break;
		case O_CAPTURE_LIMIT:
			if (args_size(optarg, &u) == -1 || u > SIZE_MAX / 4)
				return bad("--capture-limit", optarg);
			o->capture_limit = u;
			break;
		case O_TEE:
			o->tee_file = optarg;
			break;
		case O_PREFIX:
			o->prefix = 1;
			break;
		case O_TIMESTAMPS:
			if (optarg == NULL || strcmp(optarg, "iso") == 0)
				o->ts = TS_ISO;
			else if (strcmp(optarg, "relative") == 0 ||
			    strcmp(optarg, "rel") == 0)
				o->ts = TS_REL;
			else
				return bad("--timestamps (iso, relative)",
				    optarg);
			break;
		case O_RETRY_DELAY:
			if (args_duration(optarg, MAX_DURATION,
			    &o->retry_delay) == -1)
				return bad("--retry-delay", optarg);
			break;
		case O_BACKOFF:
			if (parse_factor(optarg, &o->backoff) == -1)
				return bad("--backoff (1 to 100)", optarg);
			break;
		case O_RETRY_ON:
			if (args_codes(optarg, &o->retry_on) == -1)
				return bad("--retry-on", optarg);
			o->has_retry_on = 1;
			break;
		case O_REPORT:
			o->report = optarg;
			break;
		default:
			usage_badopt(argv, "+c:C:e:hik:n:r:s:t:u:v", longopts);
			return -1;
		}
	}
	if (o->shell == NULL && optind >= argc) {
		usage_error("no command");
		return -1;
	}
	if (o->merge && o->stderr_file != NULL) {
		warnx("--merge and --stderr do not go together");
		return -1;
	}
	if (o->stdin_file != NULL && o->input != NULL) {
		warnx("--stdin and --input do not go together");
		return -1;
	}
	return 0;
}

/* The command's environment: ours (or none with -i, but PATH), then the
 * -e and -u operations in their order. */
static char **
build_env(const struct opts *o)
{
	extern char **environ;
	size_t n = 0, i, j, k, nl;
	char **e;

	if (o->nenv == 0 && !o->clear_env)
		return NULL;	/* environ as it is */
	if (!o->clear_env)
		for (; environ[n] != NULL; n++)
			;
	if ((e = calloc(n + o->nenv + 2, sizeof(char *))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		e[i] = environ[i];
	for (i = 0; o->clear_env && environ[i] != NULL; i++)
		if (strncmp(environ[i], "PATH=", 5) == 0) {
			e[n++] = environ[i];
			break;
		}
	for (i = 0; i < o->nenv; i++) {
		const char *s = o->env[i].s, *eq = strchr(s, '=');

		nl = eq != NULL ? (size_t)(eq - s) : strlen(s);
		for (j = k = 0; j < n; j++)
			if (strncmp(e[j], s, nl) != 0 || e[j][nl] != '=')
				e[k++] = e[j];
		n = k;
		if (!o->env[i].unset)
			e[n++] = (char *)s;
	}
	e[n] = NULL;
	return e;
}

/* ---- output destinations ---- */

static void
dest_init(struct dest *d, int fd, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->name = name;
	io_buf_init_growable(&d->q, SIZE_MAX);
}

/* A pipe we write to while the command runs: a non-blocking description
 * of our own (O_NONBLOCK on the inherited one would change it for every
 * process that shares it). */
static void
dest_nonblock(struct dest *d)
{
	struct stat st;
	char path[64];
	int fd;

	if (fstat(d->fd, &st) == -1 || !S_ISFIFO(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return;	/* then blocking writes */
	if (d->own)
		close(d->fd);
	d->fd = fd;
	d->own = 1;
	d->nb = 1;
}

static void
dest_fail(struct dest *d)
{
	if (errno != EPIPE)
		warn("write error: %s", d->name);
	d->dead = 1;
	d->q.len = d->q.off = 0;
}

/* Write it all, waiting when the descriptor is non-blocking. */
static void
streams_pause(struct run *r, int pause)
{
	struct stream *s[2] = { &r->out, &r->err };
	int i;

	for (i = 0; i < 2; i++)
		if (s[i]->fd != -1 && s[i]->paused != pause) {
			loop_fd_events(r->loop, s[i]->fd, pause ? 0 : EPOLLIN);
			s[i]->paused = pause;
		}
}

/* The queues of the dests on fd (two when --stdout and --stderr name
 * one pipe) are written as it takes them. */
static void
on_dest(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct run *r = arg;
	struct dest *ds[3] = { &r->d_out, &r->d_err, &r->d_tee };
	struct dest *d;
	ssize_t n;
	int i, busy = 0, pending = 0;

	for (i = 0; i < 3; i++) {
		d = ds[i];
		if (!d->nb || d->fd != fd || d->q.len == 0)
			continue;
		n = io_buf_write(&d->q, d->fd);
		if (n == -1 && errno != EAGAIN)
			dest_fail(d);
		pending |= d->q.len > 0;
	}
	if (!pending) {
		loop_fd_del(l, fd);
		for (i = 0; i < 3; i++)
			if (ds[i]->fd == fd)
				ds[i]->watched = 0;
	}
	for (i = 0; i < 3; i++)
		if (ds[i]->q.len > QUEUE_HIGH / 4)
			busy = 1;
	if (!busy)
		streams_pause(r, 0);
	maybe_done(r);
}

static void
dest_write(struct run *r, struct dest *d, const char *p, size_t n)
{
	ssize_t w;

	if (d->dead || n == 0)
		return;
	if (!d->nb) {
		if (fs_write_all(d->fd, p, n) == -1)
			dest_fail(d);
		return;
	}
	if (d->q.len == 0) {
		do
			w = write(d->fd, p, n);
		while (w == -1 && errno == EINTR);
		if (w == -1 && errno != EAGAIN) {
			dest_fail(d);
			return;
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
		if (n == 0)
			return;
	}
	if (io_buf_put(&d->q, p, n) == -1) {
		dest_fail(d);
		return;
	}
	if (!d->watched) {
		struct dest *ds[3] = { &r->d_out, &r->d_err, &r->d_tee };
		int i;

		/* one watch per fd: stdout and stderr may be one pipe */
		if (loop_fd(r->loop, d->fd, EPOLLOUT, on_dest, r) == -1) {
			dest_fail(d);
			return;
		}
		for (i = 0; i < 3; i++)
			if (ds[i]->fd == d->fd)
				ds[i]->watched = 1;
	}
	if (d->q.len > QUEUE_HIGH)
		streams_pause(r, 1);
}

/* ---- the capture ---- */

static void
capture_rec(struct capture *c, int no, uint64_t n)
{
	struct crec *nr;
	size_t ncap;

	if (c->nrec > 0 && c->rec[c->nrec - 1].no == no) {
		c->rec[c->nrec - 1].len += n;
		return;
	}
	if (c->nrec == c->reccap) {
		ncap = c->reccap ? c->reccap * 2 : 64;
		if ((nr = realloc(c->rec, ncap * sizeof(*nr))) == NULL) {
			/* keep the offsets right, if not the stream */
			if (c->nrec > 0)
				c->rec[c->nrec - 1].len += n;
			return;
		}
		c->rec = nr;
		c->reccap = ncap;
	}
	c->rec[c->nrec].no = no;
	c->rec[c->nrec].len = n;
	c->nrec++;
}

/* Room for want more bytes in memory (within the limit): how many. */
static size_t
capture_room(struct capture *c, size_t want)
{
	size_t room = c->limit - c->len, ncap;
	char *nm;

	if (want > room)
		want = room;
	if (c->cap - c->len >= want)
		return want;
	ncap = c->cap ? c->cap : 65536;
	while (ncap - c->len < want)
		ncap *= 2;
	if (ncap > c->limit)
		ncap = c->limit;
	if ((nm = realloc(c->mem, ncap)) == NULL)
		return c->cap - c->len;
	c->mem = nm;
	c->cap = ncap;
	return want;
}

static int
spill_open(struct capture *c)
{
	if (c->fd != -1)
		return 0;
	if ((c->fd = fs_tmpfile(NULL)) == -1) {
		c->err = errno;
		return -1;
	}
	return 0;
}

static void
capture_add(struct capture *c, int no, const char *p, size_t n)
{
	size_t take;

	take = capture_room(c, n);
	if (take > 0) {
		memcpy(c->mem + c->len, p, take);
		c->len += take;
		capture_rec(c, no, take);
		p += take;
		n -= take;
	}
	if (n == 0)
		return;
	if (spill_open(c) == -1 || fs_write_all(c->fd, p, n) == -1) {
		if (c->err == 0)
			c->err = errno;
		c->lost += n;
		return;
	}
	c->flen += n;
	capture_rec(c, no, n);
}

/* Read from a stream straight into the capture's memory, or through the
 * read buffer into its temp file.  (splice(2) into the file measured
 * slower than read and write here: the command's writes are small, and
 * so is each splice.)  Returns as read(2). */
static ssize_t
capture_read(struct run *r, int no, int fd)
{
	struct capture *c = &r->cap;
	size_t room;
	ssize_t n;

	room = capture_room(c, CHUNK);
	if (room > 0) {
		do
			n = read(fd, c->mem + c->len, room);
		while (n == -1 && errno == EINTR);
		if (n > 0) {
			c->len += (size_t)n;
			capture_rec(c, no, (uint64_t)n);
		}
		return n;
	}
	do
		n = read(fd, r->rbuf, CHUNK);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		capture_add(c, no, r->rbuf, (size_t)n);
	return n;
}

static void
capture_reset(struct capture *c)
{
	c->len = 0;
	c->nrec = 0;
	c->lost = 0;
	c->err = 0;
	if (c->fd != -1 && c->flen > 0) {
		if (ftruncate(c->fd, 0) == -1 ||
		    lseek(c->fd, 0, SEEK_SET) == -1) {
			close(c->fd);
			c->fd = -1;
		}
	}
	c->flen = 0;
}

/* Print what was held, each record to its stream, in the order read. */
static void
capture_replay(struct run *r)
{
	struct capture *c = &r->cap;
	uint64_t pos = 0, left, n;
	struct dest *d;
	ssize_t got;
	size_t i;

	for (i = 0; i < c->nrec; i++) {
		d = c->rec[i].no == 2 ? &r->d_err : &r->d_out;
		for (left = c->rec[i].len; left > 0; left -= n, pos += n) {
			if (pos < c->len) {
				n = c->len - pos < left ? c->len - pos : left;
				dest_write(r, d, c->mem + pos, (size_t)n);
				continue;
			}
			n = left < CHUNK ? left : CHUNK;
			got = pread(c->fd, r->rbuf, (size_t)n,
			    (off_t)(pos - c->len));
			if (got <= 0) {
				warn("reading the held output back");
				return;
			}
			n = (uint64_t)got;
			dest_write(r, d, r->rbuf, (size_t)n);
		}
	}
	if (c->lost > 0)
		warnx("%llu bytes of output were lost: %s",
		    (unsigned long long)c->lost, strerror(c->err));
}

/* ---- the streams ---- */

static size_t
format_tag(struct run *r, struct stream *s, char *buf, size_t len)
{
	struct tm tm;
	size_t n = 0;
	int w;

	if (r->o->ts == TS_ISO) {
		gmtime_r(&s->line_real.tv_sec, &tm);
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
		w = snprintf(buf + n, len - n, ".%06ldZ ",
		    s->line_real.tv_nsec / 1000);
		n += w > 0 ? (size_t)w : 0;
	} else if (r->o->ts == TS_REL) {
		w = snprintf(buf, len, "%.6f ", s->line_mono - r->t0);
		n = w > 0 ? (size_t)w : 0;
	}
	if (r->o->prefix && n + 7 < len) {
		memcpy(buf + n, s->no == 2 ? "[err] " : "[out] ", 6);
		n += 6;
	}
	return n;
}

static void
emit(struct run *r, int no, const char *p, size_t n)
{
	if (r->o->capture)
		capture_add(&r->cap, no, p, n);
	else
		dest_write(r, no == 2 ? &r->d_err : &r->d_out, p, n);
	if (r->o->tee_file != NULL)
		dest_write(r, &r->d_tee, p, n);
}

static int
tbuf_put(struct run *r, size_t *len, const char *p, size_t n)
{
	size_t ncap;
	char *nb;

	if (*len + n > r->tcap) {
		ncap = r->tcap ? r->tcap : 65536;
		while (ncap < *len + n)
			ncap *= 2;
		if ((nb = realloc(r->tbuf, ncap)) == NULL)
			return -1;
		r->tbuf = nb;
		r->tcap = ncap;
	}
	if (n > 0)		/* p is NULL for an empty flush */
		memcpy(r->tbuf + *len, p, n);
	*len += n;
	return 0;
}

/* Tag the complete lines (and the partial line, when flushing). */
static void
tag_lines(struct run *r, struct stream *s, const char *p, size_t n,
    int flush)
{
	char tag[96];
	size_t out = 0, tl, k;
	const char *nl;

	while (n > 0 || (flush && s->linelen > 0)) {
		if (s->linelen == 0) {
			s->line_mono = loop_now();
			clock_gettime(CLOCK_REALTIME, &s->line_real);
		}
		nl = n > 0 ? memchr(p, '\n', n) : NULL;
		k = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (nl == NULL && !flush && s->linelen + k < LINE_MAX_TAG) {
			memcpy(s->line + s->linelen, p, k);
			s->linelen += k;
			break;
		}
		if (nl == NULL && s->linelen + k > LINE_MAX_TAG)
			k = LINE_MAX_TAG - s->linelen;	/* a part */
		tl = format_tag(r, s, tag, sizeof(tag));
		if (tbuf_put(r, &out, tag, tl) == -1 ||
		    tbuf_put(r, &out, s->line, s->linelen) == -1 ||
		    tbuf_put(r, &out, p, k) == -1)
			break;
		s->linelen = 0;
		p += k;
		n -= k;
	}
	if (out > 0)
		emit(r, s->no, r->tbuf, out);
}

static void
stream_data(struct run *r, struct stream *s, const char *p, size_t n)
{
	if (r->tagging)
		tag_lines(r, s, p, n, 0);
	else
		emit(r, s->no, p, n);
}

/* Whether anything still wants a stream's bytes. */
static int
stream_wanted(struct run *r, struct stream *s)
{
	if (r->o->capture)
		return 1;
	if (r->o->tee_file != NULL && !r->d_tee.dead)
		return 1;
	return !s->dest->dead;
}

static ssize_t
stream_read(struct run *r, struct stream *s)
{
	ssize_t n;

	if (r->o->capture && !r->tagging && r->o->tee_file == NULL)
		return capture_read(r, s->no, s->fd);
	do
		n = read(s->fd, r->rbuf, CHUNK);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		stream_data(r, s, r->rbuf, (size_t)n);
	return n;
}

static void
on_stream(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct stream *s = arg;
	struct run *r = s->r;
	ssize_t n;

	n = stream_read(r, s);
	if (n == 0 || (n == -1 && errno != EAGAIN)) {
		stream_close(r, s);
		return;
	}
	/* nobody reads what it writes: close, so it gets SIGPIPE */
	if (!stream_wanted(r, s))
		stream_close(r, s);
}

static void
stream_close(struct run *r, struct stream *s)
{
	if (s->fd == -1)
		return;
	if (r->tagging && s->linelen > 0)
		tag_lines(r, s, NULL, 0, 1);
	loop_fd_del(r->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	s->paused = 0;
	maybe_done(r);
}

/* The tree is gone, or left alone: read what is there, then stop
 * (a writer outside the tree must not keep us). */
static void
streams_drain(struct run *r)
{
	struct stream *s[2] = { &r->out, &r->err };
	size_t total;
	ssize_t n;
	int i;

	for (i = 0; i < 2; i++) {
		if (s[i]->fd == -1)
			continue;
		io_nonblock(s[i]->fd);
		for (total = 0; total < DRAIN_MAX; total += (size_t)n)
			if ((n = stream_read(r, s[i])) <= 0)
				break;
		stream_close(r, s[i]);
	}
}

static void
on_input(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct run *r = arg;
	size_t len = strlen(r->o->input);
	ssize_t n;

	do
		n = write(fd, r->o->input + r->in_off, len - r->in_off);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		r->in_off += (size_t)n;
	if (r->in_off == len || (n == -1 && errno != EAGAIN)) {
		loop_fd_del(l, fd);
		close(fd);
		r->in_fd = -1;
		maybe_done(r);
	}
}

static void
input_close(struct run *r)
{
	if (r->in_fd == -1)
		return;
	loop_fd_del(r->loop, r->in_fd);
	close(r->in_fd);
	r->in_fd = -1;
}

/* ---- the process tree ---- */

static void
on_reaped(void *arg, pid_t pid, int status, const struct rusage *ru)
{
	struct run *r = arg;

	reap_rusage_add(&r->ru, ru);
}

/* lib/child's steps: the command exited (its input is no longer wanted),
 * it and what it left are gone (read what is left of the output). */
static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct run *r = arg;

	switch (ev) {
	case CHILD_EXITED:
		input_close(r);
		break;
	case CHILD_DONE:
		if (c->sweep_errno != 0) {
			errno = c->sweep_errno;
			warn("cannot list the processes left");
		}
		if (c->stuck > 0)
			warnx("%zu processes did not exit after SIGKILL",
			    c->stuck);
		r->tree_done = 1;
		streams_drain(r);
		maybe_done(r);
		break;
	default:
		break;
	}
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct run *r = arg;
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD) {
		/* the command is lib/child's; strays (--keep-orphans) ours */
		if (child_done(&r->ch) || r->in_delay)
			reap_children(on_reaped, r);
		else
			child_reap(&r->ch);
		return;
	}
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP ||
	    sig == SIGQUIT) {
		r->stop = 1;
		if (r->in_delay) {
			loop_stop(l);
			return;
		}
	}
	if (r->in_delay)
		return;
	if ((sig == SIGINT || sig == SIGTERM) && ++r->nint >= 2)
		child_kill(&r->ch);
	else
		child_signal(&r->ch, sig);
}

static void
maybe_done(struct run *r)
{
	if (!r->tree_done || r->out.fd != -1 ||
	    r->err.fd != -1 || r->in_fd != -1 || r->d_out.q.len > 0 ||
	    r->d_err.q.len > 0 || r->d_tee.q.len > 0)
		return;
	loop_stop(r->loop);
}

/* ---- one attempt ---- */

static int
make_pipe(int p[2], int big)
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (big)
		fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE);	/* best effort */
	return 0;
}

static void
dup_to(struct spawn_fd *fds, size_t *n, int fd, int src)
{
	fds[*n].op = SPAWN_DUP2;
	fds[*n].fd = fd;
	fds[*n].src = src;
	(*n)++;
}

static void
spawn_failed(struct run *r, const struct spawn_err *se)
{
	const char *name;
	int e = errno;

	r->spawn_failed = 1;
	r->code = EXIT_SELF;
	switch (se->step) {
	case SPAWN_STEP_EXEC:
		r->code = spawn_exec_status(e);
		snprintf(r->why, sizeof(r->why), "%s: %s", r->argv[0],
		    strerror(e));
		break;
	case SPAWN_STEP_CWD:
		snprintf(r->why, sizeof(r->why),
		    "cannot change directory to %s: %s", r->o->cwd,
		    strerror(e));
		break;
	case SPAWN_STEP_RLIMIT:
		name = (size_t)se->index < r->o->nrl ?
		    spawn_rlimit_name(r->o->rl[se->index].resource) : NULL;
		snprintf(r->why, sizeof(r->why), "cannot set limit %s: %s",
		    name != NULL ? name : "?", strerror(e));
		break;
	default:
		snprintf(r->why, sizeof(r->why), "cannot %s: %s",
		    spawn_step_name(se->step), strerror(e));
		break;
	}
	warnx("%s", r->why);
}

static void
attempt(struct run *r)
{
	const struct opts *o = r->o;
	struct spawn_fd fds[4];
	struct spawn sp;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, pi[2] = { -1, -1 };
	size_t nfds = 0;

	r->timed_out = r->status = 0;
	r->tree_done = 0;
	r->in_off = 0;
	r->spawn_failed = 0;
	r->why[0] = '\0';
	if (o->capture)
		capture_reset(&r->cap);
	memset(fds, 0, sizeof(fds));

	/* standard input */
	if (r->stdin_fd != -1) {
		lseek(r->stdin_fd, 0, SEEK_SET);	/* replayed */
		dup_to(fds, &nfds, 0, r->stdin_fd);
	} else if (o->input != NULL) {
		if (make_pipe(pi, 0) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 0, pi[0]);
	}
	/* standard output and error */
	if (r->need_pipe) {
		if (make_pipe(po, 1) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 1, po[1]);
	} else if (r->d_out.fd != STDOUT_FILENO)
		dup_to(fds, &nfds, 1, r->d_out.fd);
	if (o->merge)
		dup_to(fds, &nfds, 2, 1);
	else if (r->need_pipe) {
		if (make_pipe(pe, 1) == -1)
			goto parent_fail;
		dup_to(fds, &nfds, 2, pe[1]);
	} else if (r->d_err.fd != STDERR_FILENO)
		dup_to(fds, &nfds, 2, r->d_err.fd);

	memset(&sp, 0, sizeof(sp));
	sp.argv = r->argv;
	sp.envp = r->envp;
	sp.cwd = o->cwd;
	sp.umask = o->umask;
	sp.nice = o->nice;
	sp.flags = (o->new_session ? SPAWN_SESSION : 0) |
	    (o->has_nice ? SPAWN_NICE : 0);
	sp.fds = fds;
	sp.nfds = nfds;
	sp.rlimits = o->rl;
	sp.nrlimits = o->nrl;
	sp.keep = o->pass;
	sp.nkeep = o->npass;

	child_init(&r->ch);
	r->ch.timeout = o->timeout;
	r->ch.sig = o->sig;
	r->ch.kill_after = o->kill_after;
	r->ch.flags = (o->foreground ? CHILD_FOREGROUND : 0) |
	    (o->keep_orphans ? CHILD_KEEP_ORPHANS : 0) |
	    (o->preserve ? CHILD_PRESERVE : 0);
	r->ch.fn = on_child;
	r->ch.arg = r;
	r->attempts++;
	if (child_start(&r->ch, r->loop, &sp) == -1) {
		int e = errno;

		if (pi[0] != -1)
			close(pi[0]), close(pi[1]);
		if (po[0] != -1)
			close(po[0]), close(po[1]);
		if (pe[0] != -1)
			close(pe[0]), close(pe[1]);
		errno = e;
		spawn_failed(r, &r->ch.se);
		return;
	}
	r->pid = r->ch.pid;
	if (pi[0] != -1) {
		close(pi[0]);
		r->in_fd = pi[1];
		io_nonblock(r->in_fd);
		loop_fd(r->loop, r->in_fd, EPOLLOUT, on_input, r);
	}
	r->out.fd = po[0];
	r->err.fd = pe[0];
	if (po[1] != -1)
		close(po[1]);
	if (pe[1] != -1)
		close(pe[1]);
	if (r->out.fd != -1) {
		io_nonblock(r->out.fd);
		loop_fd(r->loop, r->out.fd, EPOLLIN, on_stream, &r->out);
	}
	if (r->err.fd != -1) {
		io_nonblock(r->err.fd);
		loop_fd(r->loop, r->err.fd, EPOLLIN, on_stream, &r->err);
	}
	if (loop_run(r->loop) == -1)
		err(EXIT_SELF, "event loop");
	reap_rusage_add(&r->ru, &r->ch.ru);
	r->status = r->ch.status;
	r->timed_out = r->ch.timed_out;
	r->code = child_code(&r->ch);
	child_release(&r->ch);
	return;

parent_fail:
	warn("cannot make a pipe");
	snprintf(r->why, sizeof(r->why), "cannot make a pipe: %s",
	    strerror(errno));
	if (pi[0] != -1)
		close(pi[0]), close(pi[1]);
	if (po[0] != -1)
		close(po[0]), close(po[1]);
	r->spawn_failed = 1;
	r->code = EXIT_SELF;
}

/* ---- retries ---- */

static int
want_retry(struct run *r)
{
	const struct opts *o = r->o;
	int signaled = !r->spawn_failed && !r->timed_out &&
	    WIFSIGNALED(r->status);

	if (r->stop || r->attempts > o->retries)
		return 0;
	/* by default any failure of a command that ran */
	if (!o->has_retry_on)
		return r->code != 0 && !r->spawn_failed;
	if (r->timed_out)
		return o->retry_on.timeout;
	if (signaled && o->retry_on.signal)
		return 1;
	if (r->spawn_failed && r->code == EXIT_SELF)
		return 0;
	return args_codes_has(&o->retry_on, r->code);
}

static double
jitter(struct run *r)
{
	/* xorshift64: good enough to spread retries apart */
	r->rnd ^= r->rnd << 13;
	r->rnd ^= r->rnd >> 7;
	r->rnd ^= r->rnd << 17;
	return 0.8 + 0.4 * (double)(r->rnd >> 11) / (double)(1ULL << 53);
}

static void
on_delay(struct loop *l, int id, void *arg)
{
	loop_stop(l);
}

static const char *
outcome(struct run *r, char *buf, size_t len)
{
	const char *name;

	if (r->spawn_failed)
		snprintf(buf, len, "exit %d (%s)", r->code, r->why);
	else if (r->timed_out)
		snprintf(buf, len, "timed out");
	else if (WIFSIGNALED(r->status)) {
		name = args_signame(WTERMSIG(r->status));
		snprintf(buf, len, "killed by SIG%s",
		    name != NULL ? name : "?");
	} else
		snprintf(buf, len, "exit %d", r->code);
	return buf;
}

/* Wait between attempts, with the signals still heard. */
static void
delay(struct run *r, double secs)
{
	int id;

	r->in_delay = 1;
	if ((id = loop_timer(r->loop, secs, 0, on_delay, r)) != -1) {
		loop_run(r->loop);
		loop_timer_del(r->loop, id);
	}
	r->in_delay = 0;
}

/* ---- the report ---- */

static double
tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double
real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_report(struct run *r, double wall, double end)
{
	struct cgroup_info ci;
	struct rep *root, *a;
	const char *name;
	char **av;
	int rc = 0, sig = 0;

	if ((root = rep_new()) == NULL)
		return -1;
	a = rep_arr(root, "argv");
	for (av = r->argv; *av != NULL; av++)
		rep_str(a, NULL, *av);
	rep_i64(root, "exit_code", r->code, UNIT_NONE);
	if (!r->spawn_failed && r->attempts > 0 && WIFSIGNALED(r->status))
		sig = WTERMSIG(r->status);
	if (sig != 0) {
		rep_i64(root, "signal", sig, UNIT_NONE);
		name = args_signame(sig);
		rep_str(root, "killed_by", name);
	} else {
		rep_null(root, "signal", NULL);
		rep_null(root, "killed_by", NULL);
	}
	rep_bool(root, "timed_out", r->timed_out);
	rep_i64(root, "attempts", r->attempts, UNIT_NONE);
	if (r->pid > 0 && !r->spawn_failed)
		rep_i64(root, "pid", r->pid, UNIT_NONE);
	else
		rep_null(root, "pid", NULL);
	if (r->why[0] != '\0')
		rep_str(root, "error", r->why);
	rep_f64(root, "start", r->start_real, UNIT_EPOCH);
	rep_f64(root, "end", end, UNIT_EPOCH);
	rep_f64(root, "wall_seconds", wall, UNIT_SECS);
	rep_f64(root, "user_seconds", tv_secs(r->ru.ru_utime), UNIT_SECS);
	rep_f64(root, "system_seconds", tv_secs(r->ru.ru_stime), UNIT_SECS);
	rep_u64(root, "max_rss", (uint64_t)r->ru.ru_maxrss * 1024,
	    UNIT_BYTES);
	memset(&ci, 0, sizeof(ci));
	if (cgroup_read_mask(&ci, CG_MEM) == 0 && ci.has_mem_peak)
		rep_u64(root, "cgroup_memory_peak", ci.mem_peak, UNIT_BYTES);
	else
		rep_null(root, "cgroup_memory_peak", "not available");
	rep_u64(root, "minor_faults", (uint64_t)r->ru.ru_minflt, UNIT_NONE);
	rep_u64(root, "major_faults", (uint64_t)r->ru.ru_majflt, UNIT_NONE);
	rep_u64(root, "voluntary_switches", (uint64_t)r->ru.ru_nvcsw,
	    UNIT_NONE);
	rep_u64(root, "involuntary_switches", (uint64_t)r->ru.ru_nivcsw,
	    UNIT_NONE);
	rep_u64(root, "block_in", (uint64_t)r->ru.ru_inblock, UNIT_NONE);
	rep_u64(root, "block_out", (uint64_t)r->ru.ru_oublock, UNIT_NONE);
	if (rep_print(root, r->report, REP_JSON) == -1 ||
	    fflush(r->report) == EOF)
		rc = -1;
	rep_free(root);
	return rc;
}

static void
summary(struct run *r, double wall)
{
	char o[320], rss[32];

	out_iec(rss, sizeof(rss), (uint64_t)r->ru.ru_maxrss * 1024);
	warnx("%s after %d attempt%s; %.3fs wall, %.3fs user, "
	    "%.3fs system, max RSS %s, faults %ld minor %ld major, "
	    "switches %ld voluntary %ld involuntary, blocks %ld in %ld out",
	    outcome(r, o, sizeof(o)), r->attempts,
	    r->attempts == 1 ? "" : "s", wall, tv_secs(r->ru.ru_utime),
	    tv_secs(r->ru.ru_stime), rss, r->ru.ru_minflt, r->ru.ru_majflt,
	    r->ru.ru_nvcsw, r->ru.ru_nivcsw, r->ru.ru_inblock,
	    r->ru.ru_oublock);
}

/* ---- setting up ---- */

/* What run could not do: one line on stderr, and the report's error. */
static int __attribute__((format(printf, 2, 3)))
setup_fail(struct run *r, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(e));
	warnx("%s", r->why);
	return -1;
}

/* With 0, 1 or 2 closed, our first pipe would take its place: fill
 * them with /dev/null (inherited on purpose, so not close-on-exec). */
static void
std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int n;

			n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
			if (n != -1 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

static int
open_out(struct run *r, const char *path, int append)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (append ? O_APPEND : O_TRUNC), 0666);
	if (fd == -1)
		setup_fail(r, "cannot open %s", path);
	return fd;
}

/* --stdin, made seekable when it will be replayed. */
static int
open_stdin(struct run *r)
{
	char buf[65536];
	ssize_t n;
	int fd, tmp;

	if ((fd = open(r->o->stdin_file, O_RDONLY | O_CLOEXEC)) == -1) {
		return setup_fail(r, "cannot open %s", r->o->stdin_file);
	}
	if (r->o->retries == 0 || lseek(fd, 0, SEEK_CUR) != -1) {
		r->stdin_fd = fd;
		return 0;
	}
	if ((tmp = fs_tmpfile(NULL)) == -1) {
		setup_fail(r, "cannot make a temp file");
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || fs_write_all(tmp, buf, (size_t)n) == -1) {
			setup_fail(r, "cannot copy %s", r->o->stdin_file);
			close(fd);
			close(tmp);
			return -1;
		}
	}
	close(fd);
	r->stdin_fd = tmp;
	return 0;
}

static int
setup(struct run *r)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,
	    SIGUSR2, SIGWINCH, SIGCHLD };
	const struct opts *o = r->o;
	size_t i;
	int fd;

	std_fds();
	/* first, so that it can tell why the rest failed */
	if (o->report != NULL) {
		if (strcmp(o->report, "-") == 0)
			r->report = stderr;
		else if ((fd = open_out(r, o->report, 0)) == -1 ||
		    (r->report = fdopen(fd, "w")) == NULL) {
			if (fd != -1)
				close(fd);
			return -1;
		}
	}
	for (i = 0; i < o->npass; i++)
		if (fcntl(o->pass[i], F_GETFD) == -1)
			return setup_fail(r, "--pass-fd %d", o->pass[i]);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap for us */
	reap_subreaper();
	if (getenv("SYSKIT_NO_PIDFD") != NULL)
		reap_pidfd_use(0);
	if ((r->loop = loop_new()) == NULL) {
		return setup_fail(r, "event loop");
	}
	for (i = 0; i < nitems(fwd); i++)
		if (loop_signal(r->loop, fwd[i], on_signal, r) == -1) {
			return setup_fail(r, "signalfd");
		}
	if ((o->nenv > 0 || o->clear_env) && (r->envp = build_env(o)) == NULL) {
		return setup_fail(r, "environment");
	}
	if (o->stdin_file != NULL && open_stdin(r) == -1)
		return -1;
	dest_init(&r->d_out, STDOUT_FILENO, "standard output");
	dest_init(&r->d_err, STDERR_FILENO, "standard error");
	dest_init(&r->d_tee, -1, o->tee_file);
	if (o->stdout_file != NULL) {
		if ((fd = open_out(r, o->stdout_file, o->append)) == -1)
			return -1;
		dest_init(&r->d_out, fd, o->stdout_file);
		r->d_out.own = 1;
	}
	if (o->stderr_file != NULL) {
		if (o->stdout_file != NULL &&
		    strcmp(o->stdout_file, o->stderr_file) == 0)
			fd = r->d_out.fd;	/* one file, one offset */
		else if ((fd = open_out(r, o->stderr_file, o->append)) == -1)
			return -1;
		dest_init(&r->d_err, fd, o->stderr_file);
		r->d_err.own = fd != r->d_out.fd;
	}
	if (o->tee_file != NULL) {
		if ((fd = open_out(r, o->tee_file, o->append)) == -1)
			return -1;
		dest_init(&r->d_tee, fd, o->tee_file);
		r->d_tee.own = 1;
	}
	r->tagging = o->prefix || o->ts != TS_NONE;
	r->need_pipe = o->capture || o->tee_file != NULL || r->tagging;
	if (r->need_pipe) {
		if ((r->rbuf = malloc(CHUNK)) == NULL ||
		    (r->tagging && ((r->out.line = malloc(LINE_MAX_TAG)) ==
		    NULL || (r->err.line = malloc(LINE_MAX_TAG)) == NULL))) {
			return setup_fail(r, "memory");
		}
		/* written while the command runs: never block the loop */
		if (!o->capture) {
			int shared = o->stderr_file != NULL &&
			    r->d_err.fd == r->d_out.fd;

			dest_nonblock(&r->d_out);
			if (shared) {
				r->d_err.fd = r->d_out.fd;
				r->d_err.nb = r->d_out.nb;
			} else
				dest_nonblock(&r->d_err);
		}
		if (o->tee_file != NULL)
			dest_nonblock(&r->d_tee);
	}
	r->out.dest = &r->d_out;
	r->err.dest = o->merge ? &r->d_out : &r->d_err;
	return 0;
}

static void
cleanup(struct run *r)
{
	if (r->d_out.own)
		close(r->d_out.fd);
	if (r->d_err.own)
		close(r->d_err.fd);
	if (r->d_tee.own)
		close(r->d_tee.fd);
	io_buf_free(&r->d_out.q);
	io_buf_free(&r->d_err.q);
	io_buf_free(&r->d_tee.q);
	if (r->stdin_fd != -1)
		close(r->stdin_fd);
	if (r->cap.fd != -1)
		close(r->cap.fd);
	free(r->cap.mem);
	free(r->cap.rec);
	free(r->out.line);
	free(r->err.line);
	free(r->rbuf);
	free(r->tbuf);
	free(r->envp);
	loop_free(r->loop);
}

static char **
command_argv(const struct opts *o, int argc, char *argv[])
{
	char **av;
	int i, n = 0;

	if ((av = calloc((size_t)argc + 4, sizeof(char *))) == NULL)
		return NULL;
	if (o->shell != NULL) {
		av[n++] = "/bin/sh";
		av[n++] = "-c";
		av[n++] = (char *)o->shell;
	}
	for (i = optind; i < argc; i++)
		av[n++] = argv[i];
	return av;
}

int
run_main(int argc, char *argv[])
{
	struct opts o;
	struct run r;
	double wall, d, wait, end;
	char buf[320];
	int rc;

	memset(&o, 0, sizeof(o));
	o.sig = SIGTERM;
	o.kill_after = 5;
	o.umask = -1;
	o.capture_limit = 16 * 1024 * 1024;
	o.retry_delay = 1;
	o.env = calloc((size_t)argc + 1, sizeof(*o.env));
	o.rl = calloc((size_t)argc + 1, sizeof(*o.rl));
	o.pass = calloc((size_t)argc + 1, sizeof(*o.pass));
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.in_fd = r.stdin_fd = r.cap.fd = r.out.fd = r.err.fd = -1;
	if (o.env == NULL || o.rl == NULL || o.pass == NULL) {
		warn("memory");
		rc = EXIT_SELF;
		goto out;
	}
	if ((rc = parse_opts(argc, argv, &o)) != 0) {
		rc = rc == 1 ? 0 : EXIT_USAGE;
		goto out;
	}
	if ((r.argv = command_argv(&o, argc, argv)) == NULL) {
		warn("memory");
		rc = EXIT_SELF;
		goto out;
	}
	r.out.r = r.err.r = &r;
	r.out.no = 1;
	r.err.no = o.merge ? 1 : 2;
	r.cap.limit = (size_t)o.capture_limit;
	r.t0 = loop_now();
	r.start_real = real_now();
	r.rnd = (uint64_t)(r.start_real * 1e6) ^ ((uint64_t)getpid() << 32) ^
	    0x9e3779b97f4a7c15ULL;
	if (setup(&r) == -1)
		r.code = EXIT_SELF;
	else {
		d = o.retry_delay;
		for (;;) {
			attempt(&r);
			if (!want_retry(&r))
				break;
			wait = o.backoff > 0 ? d * jitter(&r) : d;
			if (o.verbose)
				warnx("attempt %d of %lld: %s; retrying in "
				    "%.3gs", r.attempts, o.retries + 1,
				    outcome(&r, buf, sizeof(buf)), wait);
			delay(&r, wait);
			if (r.stop)
				break;
			if (o.backoff > 0 && d < MAX_DURATION / o.backoff)
				d *= o.backoff;
		}
		if (o.capture && r.code != 0)
			capture_replay(&r);
	}
	end = real_now();
	wall = loop_now() - r.t0;
	if (r.report != NULL && write_report(&r, wall, end) == -1) {
		warn("cannot write the report");
		if (r.code == 0)
			r.code = EXIT_SELF;
	}
	if (r.report != NULL && r.report != stderr)
		fclose(r.report);
	if (o.verbose)
		summary(&r, wall);
	rc = r.code;
	cleanup(&r);
out:
	free(r.argv);
	free(o.env);
	free(o.rl);
	free(o.pass);
	return rc;
}
