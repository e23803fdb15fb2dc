/*
 * main: the dispatcher.  syskit runs the applet named by argv[0], or by its
 * first operand when called as syskit.  After the applet returns, the
 * dispatcher flushes stdout and turns a write error into exit 1 (EPIPE ends
 * quietly), so no applet has to.
 */
#include "syskit.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

struct applet {
	const char	*name;
	int		(*main)(int, char *[]);
	const char	*summary;
	bool		 compat;	/* another tool's name and interface */
};

static const struct applet applets[] = {
#define APPLET(name, fn, summary) { #name, fn, summary, false },
#define COMPAT(name, fn, summary) { #name, fn, summary, true },
#include "applets.h"
#undef APPLET
#undef COMPAT
};

static const char usage[] =
    "usage: syskit APPLET [ARG ...]\n"
    "       syskit --list | --help | --version\n"
    "       syskit --install [-fs] [--compat] DIR\n";

static char progname[64] = "syskit";

static const struct applet *
find_applet(const char *name)
{
	size_t lo = 0, hi = nitems(applets);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, applets[mid].name);

		if (c == 0)
			return &applets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A compat name speaks as the tool it stands in for ("timeout: ..."). */
static void
set_progname(const char *applet, bool compat)
{
	if (applet != NULL && compat)
		snprintf(progname, sizeof(progname), "%s", applet);
	else if (applet != NULL)
		snprintf(progname, sizeof(progname), "syskit %s", applet);
	else
		snprintf(progname, sizeof(progname), "syskit");
	program_invocation_short_name = progname;
	program_invocation_name = progname;
}

/* Flush stdout once the applet is done: a write error is exit 1. */
static int
finish(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (errno == EPIPE)
		return rc;
	warn("write error");
	return rc == 0 ? EXIT_NO : rc;
}

static int
run_applet(const struct applet *a, int argc, char *argv[])
{
	static char outbuf[64 * 1024];

	/* one write per 64 KiB for programs (musl's default buffer is
	 * 1 KiB); a terminal keeps its line buffering */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	set_progname(a->name, a->compat);
	/* getopt names the program by argv[0] in its messages */
	argv[0] = progname;
	optind = 0;
	opterr = 0;		/* usage_badopt names a bad option */
	return finish(a->main(argc, argv));
}

static int
list(void)
{
	size_t i;

	for (i = 0; i < nitems(applets); i++)
		printf("%-10s %s%s\n", applets[i].name,
		    applets[i].compat ? "(--compat) " : "", applets[i].summary);
	return finish(0);
}

static int
help(void)
{
	size_t i;

	fputs(usage, stdout);
	fputs("\nsyskit is one binary for system-programming jobs; it runs the "
	    "applet named\nby its first argument, or by the name it was "
	    "called by.\n\napplets:\n", stdout);
	for (i = 0; i < nitems(applets); i++)
		printf("  %-10s %s%s\n", applets[i].name,
		    applets[i].compat ? "(--compat) " : "", applets[i].summary);
	fputs("\nsyskit APPLET --help shows an applet's options.  Names marked "
	    "(--compat) take\nanother tool's command line; --install links "
	    "them only with --compat.\n", stdout);
	return finish(0);
}

/* --install: what to make, and what this binary is. */
struct inst {
	int		 dfd;
	const char	*dir;		/* as given, escaped */
	char		 self[PATH_MAX];	/* this binary's path */
	struct stat	 self_st;
	const char	*self_name;	/* its name, when it lives in dir */
	bool		 sym, force, compat;
};

enum { I_LINKED, I_PRESENT, I_SKIPPED, I_FAILED, I_NOTWANTED };

/* This binary's path, which the links will name; it must still be there. */
static int
find_self(struct inst *in)
{
	struct stat st;
	ssize_t n;

	n = readlink("/proc/self/exe", in->self, sizeof(in->self));
	if (n < 0 || stat("/proc/self/exe", &in->self_st) < 0) {
		warn("cannot find own binary: /proc/self/exe");
		return -1;
	}
	if ((size_t)n >= sizeof(in->self)) {
		warnx("cannot find own binary: path too long");
		return -1;
	}
	in->self[n] = '\0';
	/* a binary replaced or removed since it started ("PATH (deleted)") */
	if (stat(in->self, &st) < 0 || st.st_dev != in->self_st.st_dev ||
	    st.st_ino != in->self_st.st_ino) {
		char vis[1024];

		warnx("cannot find own binary: %s is no longer this syskit",
		    out_vis(vis, sizeof(vis), in->self, strlen(in->self)));
		return -1;
	}
	return 0;
}

/* The binary's own name when it lives in the directory, else NULL. */
static const char *
self_in_dir(const struct inst *in)
{
	const char *base = strrchr(in->self, '/');
	struct stat d, p;
	char parent[PATH_MAX];

	if (base == NULL)
		return NULL;
	if (base == in->self)
		snprintf(parent, sizeof(parent), "/");
	else
		snprintf(parent, sizeof(parent), "%.*s",
		    (int)(base - in->self), in->self);
	if (fstat(in->dfd, &d) < 0 || stat(parent, &p) < 0)
		return NULL;
	if (d.st_dev != p.st_dev || d.st_ino != p.st_ino)
		return NULL;
	return base + 1;
}

/* The entry name in the directory is already what --install makes. */
static bool
inst_present(const struct inst *in, const char *name, const struct stat *st)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (!in->sym)
		return !S_ISLNK(st->st_mode) &&
		    st->st_dev == in->self_st.st_dev &&
		    st->st_ino == in->self_st.st_ino;
	if (!S_ISLNK(st->st_mode))
		return false;
	n = readlinkat(in->dfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, in->self) == 0;
}

/* Make the link under a temporary name, then rename it over name: the old
 * file stays whole until the new link is complete. */
static int
inst_replace(const struct inst *in, const char *name)
{
	char tmp[NAME_MAX + 1];
	int r, e;

	snprintf(tmp, sizeof(tmp), ".%s.syskit-install.%ld", name,
	    (long)getpid());
	if (in->sym)
		r = symlinkat(in->self, in->dfd, tmp);
	else
		r = linkat(AT_FDCWD, in->self, in->dfd, tmp, 0);
	if (r < 0)
		return -1;
	r = renameat(in->dfd, tmp, in->dfd, name);
	e = errno;
	/* after a rename onto another link of the same file, tmp is still
	 * there (rename(2) does nothing then); after a failure, too */
	unlinkat(in->dfd, tmp, 0);
	errno = e;
	return r;
}

/* One applet's link; says what it did not do. */
static int
inst_one(const struct inst *in, const char *name)
{
	struct stat st;
	int r;

	if (fstatat(in->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (inst_present(in, name, &st))
			return I_PRESENT;
		/* a symlink in place of the binary would point at itself */
		if (in->self_name != NULL && strcmp(name, in->self_name) == 0) {
			warnx("skipped %s/%s: is the syskit binary", in->dir,
			    name);
			return I_SKIPPED;
		}
		if (!in->force) {
			warnx("skipped %s/%s: exists", in->dir, name);
			return I_SKIPPED;
		}
		if (S_ISDIR(st.st_mode)) {
			warnx("skipped %s/%s: is a directory", in->dir, name);
			return I_SKIPPED;
		}
		r = inst_replace(in, name);
	} else if (errno != ENOENT) {
		warn("cannot install %s/%s", in->dir, name);
		return I_FAILED;
	} else if (in->sym)
		r = symlinkat(in->self, in->dfd, name);
	else
		r = linkat(AT_FDCWD, in->self, in->dfd, name, 0);
	if (r < 0 && errno == EXDEV && !in->sym) {
		warnx("cannot link %s/%s: %s (a hard link needs the same "
		    "file system: use -s)", in->dir, name, strerror(errno));
		return I_FAILED;
	}
	if (r < 0) {
		warn("cannot link %s/%s", in->dir, name);
		return I_FAILED;
	}
	return I_LINKED;
}

/* After a failure: one line with what was done, so nobody has to guess. */
static void
inst_summary(const struct inst *in, const int *what)
{
	char done[512] = "";
	size_t i, len = 0, nlinked = 0, nfailed = 0;

	size_t nwant = 0;

	for (i = 0; i < nitems(applets); i++) {
		if (what[i] != I_NOTWANTED)
			nwant++;
		if (what[i] == I_FAILED)
			nfailed++;
		if (what[i] != I_LINKED)
			continue;
		nlinked++;
		if (len < sizeof(done))
			len += snprintf(done + len, sizeof(done) - len, " %s",
			    applets[i].name);
	}
	warnx("--install %s incomplete: %zu of %zu failed; linked %zu%s%s",
	    in->dir, nfailed, nwant, nlinked,
	    nlinked != 0 ? ":" : "", done);
}

static int
install(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "compat", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct inst in = { .sym = false };
	char dirvis[1024];
	int what[nitems(applets)];
	bool failed = false;
	size_t i;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+fs", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			in.force = true;
			break;
		case 's':
			in.sym = true;
			break;
		case 'c':
			in.compat = true;
			break;
		default:
			return usage_badopt(argv, "+fs", longopts);
		}
	}
	if (argc - optind != 1)
		return usage_error("--install takes one directory");
	in.dir = out_vis(dirvis, sizeof(dirvis), argv[optind],
	    strlen(argv[optind]));
	if (find_self(&in) < 0)
		return EXIT_NO;
	in.dfd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (in.dfd < 0) {
		warn("cannot open %s", in.dir);
		return EXIT_NO;
	}
	in.self_name = self_in_dir(&in);
	for (i = 0; i < nitems(applets); i++) {
		/* another tool's name only when asked: a full system's own
		 * timeout or flock is not shadowed by accident */
		if (applets[i].compat && !in.compat) {
			what[i] = I_NOTWANTED;
			continue;
		}
		what[i] = inst_one(&in, applets[i].name);
		failed |= what[i] == I_FAILED;
	}
	close(in.dfd);
	if (!failed)
		return 0;
	inst_summary(&in, what);
	return EXIT_NO;
}

int
main(int argc, char *argv[])
{
	const struct applet *a;
	const char *base;
	char vis[4 * 80 + 1];

	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	set_progname(NULL, false);

	if ((a = find_applet(base)) != NULL)
		return run_applet(a, argc, argv);

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "-l") == 0)
		return list();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return help();
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("syskit %s\n", SYSKIT_VERSION);
		return finish(0);
	}
	if (strcmp(argv[1], "--install") == 0)
		return install(argc - 1, argv + 1);
	if (argv[1][0] == '-')
		return usage_error("unknown option: %s",
		    out_vis(vis, sizeof(vis), argv[1], strnlen(argv[1], 80)));
	if ((a = find_applet(argv[1])) == NULL) {
		warnx("%s: applet not found",
		    out_vis(vis, sizeof(vis), argv[1], strnlen(argv[1], 80)));
		return EXIT_NOTFOUND;
	}
	return run_applet(a, argc - 1, argv + 1);
}
