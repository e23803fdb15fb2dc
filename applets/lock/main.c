/*
 * lock: run a command while holding a file lock, as util-linux flock(1),
 * BSD lockf(1), GNU sem and Python's filelock do for scripts; or lock a
 * descriptor the shell holds; or say who holds a lock.
 *
 * This file is the command line and --status; engine.c takes the lock,
 * runs the command and releases it (how the lock and --slots work is
 * told there).
 */
#include "lock.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>

#include "../../lib/locks.h"

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
#define MAX_DURATION	LOCK_MAX_DURATION
#define MAX_SLOTS	LOCK_MAX_SLOTS
#define QUEUE_BYTE	LOCK_QUEUE_BYTE

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
opt_value(int ch, const char *arg, struct lock_opts *o)
{
	long long n;

	switch (ch) {
	case 'w':
		if (args_duration(arg, MAX_DURATION, &o->wait) == -1)
			return usage_error("invalid --wait: %s (a duration: "
			    "1.5, 200ms, 2m)", lock_vis(arg));
		break;
	case 'E':
		if (args_int(arg, 0, 255, &n) == -1)
			return usage_error("invalid --conflict-exit: %s "
			    "(0 to 255)", lock_vis(arg));
		o->conflict = (int)n;
		break;
	case O_MODE:
		if (parse_mode(arg, &o->mode) == -1)
			return usage_error("invalid --mode: %s (octal, as 0644)",
			    lock_vis(arg));
		break;
	case O_SLOTS:
		if (args_int(arg, 1, MAX_SLOTS, &n) == -1)
			return usage_error("invalid --slots: %s (1 to %d)",
			    lock_vis(arg), MAX_SLOTS);
		o->slots = (unsigned)n;
		break;
	case O_TIMEOUT:
		if (args_duration(arg, MAX_DURATION, &o->timeout) == -1)
			return usage_error("invalid --timeout: %s (a duration: "
			    "10s, 1.5m)", lock_vis(arg));
		break;
	case O_FD:
		if (args_int(arg, 0, INT_MAX, &n) == -1)
			return usage_error("invalid --fd: %s (a descriptor "
			    "number)", lock_vis(arg));
		o->fd = (int)n;
		break;
	}
	return 0;
}

/* The operands: FILE, then COMMAND [ARG ...] or flock's "-c STRING". */
static int
operands(int argc, char *argv[], struct lock_opts *o)
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
check_combinations(const struct lock_opts *o)
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
parse_opts(int argc, char *argv[], struct lock_opts *o)
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
	if (!s->scanning && !lock_pid_alive(e->pid)) {
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
status_json(const struct lock_opts *o, const struct status *s,
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
status_text(const struct lock_opts *o, const struct status *s, int exists)
{
	size_t i, held = 0;
	int excl = 0;

	for (i = 0; i < s->n; i++)
		if (s->recs[i].slot != -3) {
			held++;
			excl |= s->recs[i].write;
		}
	printf("%s: ", lock_vis(o->file));
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
status_mode(const struct lock_opts *o)
{
	struct status s;
	struct stat st;
	size_t i;
	int exists = 1, held = 0;

	memset(&s, 0, sizeof(s));
	if (stat(o->file, &st) == -1) {
		if (errno != ENOENT) {
			warn("cannot stat %s", lock_vis(o->file));
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
	struct lock_opts o;
	struct lock_held h;
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
		rc = lock_fd(&o);
	else if (lock_acquire(&o, &h, &rc) == 0) {
		rc = lock_run(&o, &h);
		lock_release(&o, &h);
	}
	free(o.argv_alloc);
	return rc;
}
