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
};

static const struct applet applets[] = {
#define APPLET(name, fn, summary) { #name, fn, summary },
#include "applets.h"
#undef APPLET
};

static const char usage[] =
    "usage: syskit APPLET [ARG ...]\n"
    "       syskit --list | --help | --version\n"
    "       syskit --install [-s] DIR\n";

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

static void
set_progname(const char *applet)
{
	if (applet != NULL)
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
	set_progname(a->name);
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
		printf("%-10s %s\n", applets[i].name, applets[i].summary);
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
		printf("  %-10s %s\n", applets[i].name, applets[i].summary);
	fputs("\nsyskit APPLET --help shows an applet's options.\n", stdout);
	return finish(0);
}

static int
install(int argc, char *argv[])
{
	char self[PATH_MAX], path[PATH_MAX];
	const char *dir;
	int sym = 0, dfd;
	ssize_t n;
	size_t i;

	if (argc > 0 && strcmp(argv[0], "-s") == 0) {
		sym = 1;
		argc--, argv++;
	}
	if (argc != 1)
		return usage_error("--install takes one directory");
	dir = argv[0];
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		warn("cannot find own binary: /proc/self/exe");
		return EXIT_NO;
	}
	self[n] = '\0';
	dfd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		warn("cannot open %s", dir);
		return EXIT_NO;
	}
	for (i = 0; i < nitems(applets); i++) {
		const char *name = applets[i].name;
		int r;

		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			warn("cannot replace %s", path);
			close(dfd);
			return EXIT_NO;
		}
		if (sym)
			r = symlinkat(self, dfd, name);
		else
			r = linkat(AT_FDCWD, self, dfd, name, 0);
		if (r < 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			warn("cannot link %s", path);
			close(dfd);
			return EXIT_NO;
		}
	}
	close(dfd);
	return 0;
}

int
main(int argc, char *argv[])
{
	const struct applet *a;
	const char *base;

	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	set_progname(NULL);

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
		return install(argc - 2, argv + 2);
	if (argv[1][0] == '-')
		return usage_error("unknown option: %.80s", argv[1]);
	if ((a = find_applet(argv[1])) == NULL) {
		warnx("%s: applet not found", argv[1]);
		return EXIT_NOTFOUND;
	}
	return run_applet(a, argc - 1, argv + 1);
}
