/*
 * tempdir: a throw-away directory that is always removed, safely.  With
 * no command it is mktemp -d (or mktemp with --file).  With a command it
 * is Python's tempfile.TemporaryDirectory as a program: the directory is
 * made, the command runs in it under lib/child (its signals forwarded, it
 * and whatever it left running waited for and ended), and the directory
 * is removed by lib/fs's fs_rm (by descriptor: no symlink followed, no
 * mount point entered), even when syskit itself is killed with SIGKILL:
 * a cleaner process, no longer our child, sees the pipe from us reach
 * EOF, ends what is left of the command and removes the directory.
 */
#include "syskit.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>

#include "../lib/child.h"
#include "../lib/fs.h"
#include "../lib/proc.h"
#include "../lib/reap.h"
#include "../lib/spawn.h"

static const char usage[] =
"usage: tempdir [-dk] [-p dir] [-t template] [--prefix prefix]\n"
"               [--suffix suffix] [--file]\n"
"       tempdir [-k] [-e name] [-p dir] [-t template] [--keep-on-failure]\n"
"               [--no-cd] [--tmpfs size] [option ...] [--] command [arg ...]\n"
"\n"
"Without a command: create a directory (mode 0700; a file, 0600, with\n"
"--file) and print its path, as mktemp -d does.  With a command: create\n"
"it, run the command in it, wait for the command and everything it left\n"
"running (ended before the removal), remove the directory safely and\n"
"exit with the command's status.  Removal survives SIGKILL of syskit.\n"
"\n"
"  -t, --template NAME  name with at least 6 trailing X's [tmp.XXXXXXXXXX]\n"
"  -p, --parent DIR     create it in DIR [$TMPDIR, else /tmp]\n"
"      --prefix P       the name's part before the X's [tmp.]\n"
"      --suffix S       the name's part after the X's\n"
"  -d, --directory      a directory (the default; as mktemp -d)\n"
"      --file           a file, not a directory (no command)\n"
"  -k, --keep           do not remove it; say where it is\n"
"      --keep-on-failure  keep it when the command fails, and say where\n"
"  -e, --env NAME       also export its path as NAME (TMPDIR and\n"
"                       SYSKIT_TEMPDIR always are)\n"
"      --no-cd          run the command where syskit runs, not in it\n"
"      --tmpfs SIZE     mount a tmpfs of SIZE (64M, 1G) on it (privileged);\n"
"                       unmounted before the removal\n"
"  -h, --help           this text\n"
"      --version        syskit's version\n"
"\n"
"Exit: the command's status (128+N for signal N); 1 when the directory\n"
"could not be created (no command) or not wholly removed; 2 usage;\n"
"125 when it could not be set up for the command; 126/127 cannot run.\n";

enum {
	OPT_PREFIX = 256, OPT_SUFFIX, OPT_FILE, OPT_KEEPFAIL, OPT_NOCD,
	OPT_TMPFS, OPT_VERSION,
};

static const struct option longopts[] = {
	{ "template",		required_argument,	NULL, 't' },
	{ "parent",		required_argument,	NULL, 'p' },
	{ "prefix",		required_argument,	NULL, OPT_PREFIX },
	{ "suffix",		required_argument,	NULL, OPT_SUFFIX },
	{ "directory",		no_argument,		NULL, 'd' },
	{ "file",		no_argument,		NULL, OPT_FILE },
	{ "keep",		no_argument,		NULL, 'k' },
	{ "keep-on-failure",	no_argument,		NULL, OPT_KEEPFAIL },
	{ "env",		required_argument,	NULL, 'e' },
	{ "no-cd",		no_argument,		NULL, OPT_NOCD },
	{ "tmpfs",		required_argument,	NULL, OPT_TMPFS },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};
#define OPTSTRING "+de:hkp:t:"

#define MAX_ENV		16

struct opts {
	const char	*tmpl, *parent, *prefix, *suffix;
	const char	*env[MAX_ENV];
	size_t		 nenv;
	int		 file, keep, keepfail, nocd;
	uint64_t	 tmpfs;		/* bytes; 0: none */
	char		**argv;		/* the command, or NULL */
};

/* The directory once made: how to find it and how to name it. */
struct tdir {
	char		*path;		/* as printed: parent "/" name */
	char		*abs;		/* absolute, for the environment */
	const char	*name;		/* its last component, in path */
	int		 pfd;		/* its parent */
	dev_t		 dev;
	ino_t		 ino;
	int		 mounted;	/* a tmpfs is on it */
	int		 failed;	/* an entry could not be removed */
};

/* ---- options ---- */

static int
env_name_ok(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static size_t
trailing_x(const char *s)
{
	size_t n = strlen(s), k = 0;

	while (k < n && s[n - 1 - k] == 'X')
		k++;
	return k;
}

/* A value shown in a usage message: escaped, cut short. */
static const char *
vis(const char *s)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	return out_vis(buf[i], sizeof(buf[i]), s, strlen(s));
}

static int
parse(int argc, char *argv[], struct opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			o->tmpl = optarg;
			break;
		case 'p':
			o->parent = optarg;
			break;
		case OPT_PREFIX:
			o->prefix = optarg;
			break;
		case OPT_SUFFIX:
			o->suffix = optarg;
			break;
		case 'd':
			break;
		case OPT_FILE:
			o->file = 1;
			break;
		case 'k':
			o->keep = 1;
			break;
		case OPT_KEEPFAIL:
			o->keepfail = 1;
			break;
		case 'e':
			if (!env_name_ok(optarg))
				return usage_error("invalid --env: %s (a "
				    "variable name)", vis(optarg));
			if (o->nenv == MAX_ENV)
				return usage_error("too many --env (at most "
				    "%d)", MAX_ENV);
			o->env[o->nenv++] = optarg;
			break;
		case OPT_NOCD:
			o->nocd = 1;
			break;
		case OPT_TMPFS:
			if (args_size(optarg, &o->tmpfs) == -1 || o->tmpfs == 0)
				return usage_error("invalid --tmpfs: %s (a size: "
				    "64M, 1G)", vis(optarg));
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		case OPT_VERSION:
			printf("syskit %s\n", SYSKIT_VERSION);
			return -1;
		default:
			/* musl steps optind past argc for a missing value;
			 * usage_badopt reads argv[optind - 1] */
			if (optind > argc)
				optind = argc;
			return usage_badopt(argv, OPTSTRING, longopts);
		}
	}
	if (optind < argc)
		o->argv = argv + optind;
	return 0;
}

static int
check(struct opts *o)
{
	if (o->tmpl != NULL && o->prefix != NULL)
		return usage_error("--template and --prefix exclude each other");
	if (o->tmpl != NULL && strchr(o->tmpl, '/') != NULL)
		return usage_error("invalid --template: %s (a name; the "
		    "directory is --parent)", vis(o->tmpl));
	if (o->tmpl != NULL && trailing_x(o->tmpl) < 6)
		return usage_error("invalid --template: %s (at least 6 X's "
		    "at its end)", vis(o->tmpl));
	if (o->prefix != NULL && strchr(o->prefix, '/') != NULL)
		return usage_error("invalid --prefix: %s (no '/')",
		    vis(o->prefix));
	if (o->suffix != NULL && strchr(o->suffix, '/') != NULL)
		return usage_error("invalid --suffix: %s (no '/')",
		    vis(o->suffix));
	if (o->parent != NULL && *o->parent == '\0')
		return usage_error("invalid --parent: '' (a directory)");
	if (o->keep && o->keepfail)
		return usage_error("--keep and --keep-on-failure exclude each "
		    "other");
	if (o->argv == NULL) {
		if (o->keepfail || o->nenv > 0 || o->nocd || o->tmpfs > 0)
			return usage_error("--keep-on-failure, --env, --no-cd "
			    "and --tmpfs need a command");
	} else if (o->file)
		return usage_error("--file takes no command");
	return 0;
}

/* ---- making it ---- */

static void
tdir_free(struct tdir *d)
{
	if (d->pfd != -1)
		close(d->pfd);
	free(d->path);
	free(d->abs);
}

/* Make the directory (or file); -1 after saying why. */
static int
make(const struct opts *o, struct tdir *d)
{
	const char *parent = o->parent != NULL ? o->parent : fs_tmpdir();
	const char *suf = o->suffix != NULL ? o->suffix : "";
	size_t pl = strlen(parent);
	struct stat st;
	char *cwd, *dir;
	int fd;

	while (pl > 1 && parent[pl - 1] == '/')
		pl--;
	if (o->tmpl != NULL)
		d->path = xasprintf("%.*s/%s%s", (int)pl, parent, o->tmpl, suf);
	else
		d->path = xasprintf("%.*s/%sXXXXXXXXXX%s", (int)pl, parent,
		    o->prefix != NULL ? o->prefix : "tmp.", suf);
	if (pl == 1 && parent[0] == '/')
		memmove(d->path, d->path + 1, strlen(d->path));
	d->name = strrchr(d->path, '/') + 1;
	if ((fd = fs_mktemp(d->path, strlen(suf), o->file)) == -1) {
		d->path[d->name - d->path - 1] = '\0';
		warn("cannot create a %s in %s", o->file ? "file" :
		    "directory", vis(*d->path != '\0' ? d->path : "/"));
		return -1;
	}
	if (o->file)
		close(fd);
	dir = xstrndup(d->path, (size_t)(d->name - d->path - 1));
	d->pfd = open(*dir != '\0' ? dir : "/", O_PATH | O_DIRECTORY |
	    O_CLOEXEC);
	free(dir);
	if (d->pfd == -1 || fstatat(d->pfd, d->name, &st,
	    AT_SYMLINK_NOFOLLOW) == -1) {
		warn("cannot open %s", vis(d->path));
		unlink(d->path);
		rmdir(d->path);
		return -1;
	}
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	if (d->path[0] == '/')
		d->abs = xstrdup(d->path);
	else {
		if ((cwd = getcwd(NULL, 0)) == NULL)
			xnomem();
		d->abs = xasprintf("%s/%s", cwd, d->path);
		free(cwd);
	}
	return 0;
}

static int
mount_tmpfs(const struct opts *o, struct tdir *d)
{
	char data[64];

	snprintf(data, sizeof(data), "size=%llu,mode=0700",
	    (unsigned long long)o->tmpfs);
	if (mount("tmpfs", d->abs, "tmpfs", MS_NOSUID | MS_NODEV, data) == -1) {
		warnx("cannot mount a tmpfs on %s: %s%s", vis(d->path),
		    strerror(errno), errno == EPERM ?
		    " (needs CAP_SYS_ADMIN)" : "");
		return -1;
	}
	d->mounted = 1;
	return 0;
}

/* ---- removing it ---- */

static void
report(const char *path, int err, void *arg)
{
	struct tdir *d = arg;
	char *buf;
	size_t len = strlen(path) * 4 + 1;

	/* path starts with our name: the parent goes before it */
	d->failed = 1;
	buf = xmalloc(len);
	out_vis(buf, len, path, strlen(path));
	if (err == EXDEV)
		warnx("left mount point %.*s%s (not entered)",
		    (int)(d->name - d->path), d->path, buf);
	else
		warnx("cannot remove %.*s%s: %s", (int)(d->name - d->path),
		    d->path, buf, strerror(err));
	free(buf);
}

static void
unmount(struct tdir *d)
{
	if (!d->mounted)
		return;
	if (umount2(d->abs, UMOUNT_NOFOLLOW) == -1 &&
	    umount2(d->abs, UMOUNT_NOFOLLOW | MNT_DETACH) == -1 &&
	    errno != EINVAL)
		warn("cannot unmount %s", vis(d->path));
	d->mounted = 0;
}

/* Remove it, when it is still the one we made: 0, or -1 when anything
 * was left (said). */
static int
rm(struct tdir *d)
{
	struct stat st;

	unmount(d);
	if (fstatat(d->pfd, d->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("cannot remove %s", vis(d->path));
		return -1;
	}
	if (st.st_dev != d->dev || st.st_ino != d->ino) {
		warnx("cannot remove %s: replaced by something else; left "
		    "alone", vis(d->path));
		return -1;
	}
	d->failed = 0;
	if (fs_rm(d->pfd, d->name, report, d) == -1) {
		if (!d->failed)
			warn("cannot remove %s", vis(d->path));
		return -1;
	}
	return 0;
}

/* ---- the cleaner ---- */

/*
 * What the cleaner hears on its pipe: 'P' and the command's pid once it
 * runs, 'D' when we are done (it exits).  EOF before 'D' means we died:
 * it ends the command's group and any process that started after the
 * command and has its working directory inside ours, then removes it.
 */
struct cleaner {
	int	 wfd;		/* ours: the write end; -1: no cleaner */
	pid_t	 pid;
};

/* Close every descriptor above 2 but keep. */
static void
close_others(int keep1, int keep2)
{
	int a = keep1 < keep2 ? keep1 : keep2, b = keep1 < keep2 ? keep2 : keep1;
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (a > 3)
		syscall(SYS_close_range, 3, a - 1, 0);
	if (b > a + 1)
		syscall(SYS_close_range, a + 1, b - 1, 0);
	if (syscall(SYS_close_range, b + 1, ~0U, 0) == 0)
		return;
	for (fd = 3; fd < (max > 0 ? max : 1024); fd++)
		if (fd != a && fd != b)
			close((int)fd);
}

static int
read_stat(pid_t pid, struct pid_stat *ps)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return proc_pid_stat_parse(buf, (size_t)n, ps);
}

struct sweep {
	const char	*abs;
	size_t		 len;
	uint64_t	 since;		/* the command's start time */
	pid_t		 pgid;
	int		 found;
};

/*
 * A live (not zombie) process of the command's group, or one that left
 * the group (setsid) but works in our directory, started after the
 * command, as our user: SIGKILL.
 */
static int
sweep_one(int dfd, const char *name, unsigned type, void *arg)
{
	struct sweep *s = arg;
	struct pid_stat ps;
	char path[64], cwd[PATH_MAX];
	struct stat st;
	ssize_t n;
	pid_t pid;

	if (*name < '0' || *name > '9' || (pid = atoi(name)) == getpid())
		return 0;
	if (read_stat(pid, &ps) == -1 || ps.state == 'Z' || ps.state == 'X')
		return 0;
	if (s->pgid <= 0 || ps.pgrp != s->pgid) {
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
		if ((n = readlink(path, cwd, sizeof(cwd) - 1)) <= 0)
			return 0;
		cwd[n] = '\0';
		if (strncmp(cwd, s->abs, s->len) != 0 ||
		    (cwd[s->len] != '\0' && cwd[s->len] != '/'))
			return 0;
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (stat(path, &st) == -1 || st.st_uid != geteuid() ||
		    ps.starttime < s->since)
			return 0;
	}
	kill(pid, SIGKILL);
	s->found++;
	return 0;
}

static void
end_leftovers(const struct tdir *d, pid_t pgid, uint64_t since)
{
	struct sweep s = { d->abs, strlen(d->abs), since, pgid, 0 };
	int i, fd;

	/* until nothing of it is alive (zombies write nothing); 2 s */
	for (i = 0; i < 200; i++) {
		if (pgid > 0)
			kill(-pgid, SIGKILL);
		s.found = 0;
		if ((fd = open("/proc", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			return;
		fs_dir_each(fd, sweep_one, &s);
		close(fd);
		if (s.found == 0)
			return;
		usleep(10000);
	}
}

static void __attribute__((noreturn))
cleaner_main(int rfd, struct tdir *d, const struct opts *o)
{
	struct pid_stat ps;
	uint64_t since = 0;
	pid_t pgid = 0;
	char msg[1 + sizeof(pid_t)];
	ssize_t n;
	size_t have = 0;
	sigset_t all;
	int i;

	setsid();
	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP && i != SIGCHLD)
			signal(i, SIG_IGN);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	if (chdir("/") == -1)
		_exit(1);
	i = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (i != -1) {
		dup2(i, 0);
		dup2(i, 1);
		close(i);
	}
	close_others(rfd, d->pfd);
	for (;;) {
		n = read(rfd, msg + have, sizeof(msg) - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (msg[0] == 'D')
			_exit(0);
		have += (size_t)n;
		if (have == sizeof(msg)) {
			memcpy(&pgid, msg + 1, sizeof(pgid));
			if (read_stat(pgid, &ps) == 0)
				since = ps.starttime;
			have = 0;
		}
	}
	/* we are gone: end what is left, then remove */
	end_leftovers(d, pgid, since);
	d->mounted = o->tmpfs > 0;	/* (EINVAL when it was not yet) */
	if (o->keep || o->keepfail) {
		warnx("kept %s", vis(d->path));
		_exit(0);
	}
	_exit(rm(d) == 0 ? 0 : 1);
}

/* A cleaner that is not our child (the sweep would end it) nor in our
 * group (a Ctrl-C would); it outlives us by a moment at most. */
static int
cleaner_start(struct cleaner *cl, struct tdir *d, const struct opts *o)
{
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		if (fork() == 0)
			cleaner_main(p[0], d, o);
		_exit(0);
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	cl->wfd = p[1];
	return 0;
}

static void
cleaner_say(struct cleaner *cl, char what, pid_t pid)
{
	char msg[1 + sizeof(pid_t)];

	if (cl->wfd == -1)
		return;
	msg[0] = what;
	memcpy(msg + 1, &pid, sizeof(pid));
	(void)fs_write_all(cl->wfd, msg, what == 'P' ? sizeof(msg) : 1);
	if (what == 'D') {
		close(cl->wfd);
		cl->wfd = -1;
	}
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	if (ev == CHILD_STARTED)
		cleaner_say(arg, 'P', c->pid);
}

/* ---- running the command ---- */

/* environ without TMPDIR, SYSKIT_TEMPDIR and the --env names, then them. */
static char **
make_env(const struct opts *o, const struct tdir *d, size_t *made)
{
	extern char **environ;
	const char *names[MAX_ENV + 2];
	size_t nn = 0, n = 0, i, k, len;
	char **env;
	int skip;

	names[nn++] = "TMPDIR";
	names[nn++] = "SYSKIT_TEMPDIR";
	for (i = 0; i < o->nenv; i++)
		names[nn++] = o->env[i];
	for (i = 0; environ[i] != NULL; i++)
		;
	env = xreallocarray(NULL, i + nn + 1, sizeof(*env));
	for (i = 0; environ[i] != NULL; i++) {
		for (skip = 0, k = 0; k < nn && !skip; k++) {
			len = strlen(names[k]);
			skip = strncmp(environ[i], names[k], len) == 0 &&
			    environ[i][len] == '=';
		}
		if (!skip)
			env[n++] = environ[i];
	}
	*made = n;	/* ours from here on */
	for (k = 0; k < nn; k++) {
		for (i = 0; i < k; i++)
			if (strcmp(names[i], names[k]) == 0)
				break;
		if (i == k)
			env[n++] = xasprintf("%s=%s", names[k], d->abs);
	}
	env[n] = NULL;
	return env;
}

/* Run the command: its exit code, or 125/126/127 when it could not run. */
static int
run_command(const struct opts *o, struct tdir *d, struct cleaner *cl)
{
	struct spawn sp;
	struct child c;
	size_t made, i;
	char **env = make_env(o, d, &made);
	int code, e;

	memset(&sp, 0, sizeof(sp));
	sp.argv = o->argv;
	sp.envp = env;
	sp.cwd = o->nocd ? NULL : d->abs;
	sp.umask = -1;
	sp.flags = SPAWN_KEEPFDS;
	child_init(&c);
	c.kill_after = 2;
	c.fn = on_child;
	c.arg = cl;
	code = child_run(&c, &sp);
	e = errno;
	for (i = made; env[i] != NULL; i++)
		free(env[i]);
	free(env);
	if (code == -1) {
		errno = e;
		if (c.se.step == SPAWN_STEP_EXEC) {
			warn("%s", vis(o->argv[0]));
			return spawn_exec_status(e);
		}
		if (c.se.step == SPAWN_STEP_CWD)
			warn("cannot change directory to %s", vis(d->path));
		else
			warn("cannot %s", spawn_step_name(c.se.step));
		return EXIT_SELF;
	}
	if (c.stuck > 0)
		warnx("%zu processes left by the command did not die",
		    c.stuck);
	if (c.sweep_errno != 0)
		warnx("cannot list what the command left: %s",
		    strerror(c.sweep_errno));
	/* nothing may write into the directory while it is removed: should
	 * the sweep have missed anything, its group and everything below
	 * us (the cleaner is not) get SIGKILL, and are reaped */
	reap_kill_tree(0, c.pgid, NULL, 0, SIGKILL);
	while (reap_children(NULL, NULL) > 0)
		;
	return code;
}

static int
with_command(const struct opts *o, struct tdir *d)
{
	struct cleaner cl = { -1, 0 };
	int code;

	if (cleaner_start(&cl, d, o) == -1) {
		warn("cannot start the cleaner");
		rm(d);
		return EXIT_SELF;
	}
	if (o->tmpfs > 0 && mount_tmpfs(o, d) == -1) {
		rm(d);
		cleaner_say(&cl, 'D', 0);
		return EXIT_SELF;
	}
	code = run_command(o, d, &cl);
	if (o->keep || (o->keepfail && code != 0)) {
		if (o->keepfail)
			warnx("the command failed (exit %d); kept %s", code,
			    vis(d->path));
		else
			warnx("kept %s", vis(d->path));
	} else if (rm(d) == -1 && code == 0)
		code = EXIT_NO;
	cleaner_say(&cl, 'D', 0);
	return code;
}

/* Print the path; a path no one could read is removed again. */
static int
print_path(const struct opts *o, struct tdir *d)
{
	if (printf("%s\n", d->path) < 0 || fflush(stdout) == EOF) {
		if (errno != EPIPE)
			warn("write error");
		if (o->file)
			unlinkat(d->pfd, d->name, 0);
		else
			unlinkat(d->pfd, d->name, AT_REMOVEDIR);
		return EXIT_NO;
	}
	return 0;
}

int
tempdir_main(int argc, char *argv[])
{
	struct opts o;
	struct tdir d;
	sigset_t set;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	d.pfd = -1;
	if ((rc = parse(argc, argv, &o)) != 0)
		return rc == -1 ? 0 : rc;
	if ((rc = check(&o)) != 0)
		return rc;
	if (o.argv != NULL) {
		/* a signal from here on goes to the command, once it runs;
		 * child_run reads these from its signalfd */
		syskit_nomem_exit = EXIT_SELF;
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGQUIT);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (make(&o, &d) == -1) {
		tdir_free(&d);
		return o.argv != NULL ? EXIT_SELF : EXIT_NO;
	}
	rc = o.argv != NULL ? with_command(&o, &d) : print_path(&o, &d);
	tdir_free(&d);
	return rc;
}
