/*
 * watch: react to file changes, or rerun a command periodically.
 *
 *   syskit watch [option ...] [path ...]                the event stream
 *   syskit watch [option ...] [path ...] -- command ... run on change
 *   syskit watch -n interval [option ...] [--] command  periodic
 *
 * inotify on every directory of the trees (tree.c), events shaped into
 * what a person or a program wants to hear (events.c), filters
 * (filter.c), and the command's runs (command.c).
 */
#include "watch.h"

#include <signal.h>
#include <sys/stat.h>

#include "../../lib/loop.h"

static const char usage[] =
    "usage: watch [-cLpr] [-d duration] [-e events] [-i glob] [option ...]\n"
    "             [path ...] [-- command [arg ...]]\n"
    "       watch -n duration [option ...] [path ...] [--] command [arg ...]\n"
    "\n"
    "Print one line per change below each PATH (default .), or run COMMAND\n"
    "after each burst of changes, or every DURATION.\n"
    "\n"
    "Events:\n"
    "  -e, --event LIST        report only these: created deleted modified\n"
    "                          moved closed_write attrib overflow (or all)\n"
    "      --close-write       report closed_write instead of modified\n"
    "      --json              JSON Lines: time event path dest_path is_dir\n"
    "      --once              exit 0 after the first event (or run)\n"
    "      --exists-ok         with --once: exit 0 at once if PATH exists\n"
    "      --timeout DUR       give up after DUR: exit 124\n"
    "What is watched:\n"
    "      --no-recursive      only the directories named, not below\n"
    "      --backend B         inotify (default), fanotify (root: one mark\n"
    "                          per file system, no watch per directory),\n"
    "                          auto (fanotify past the inotify watch limit)\n"
    "  -L, --follow            follow symbolic links (loops are detected)\n"
    "      --allow-missing     a PATH that does not exist yet is watched\n"
    "                          for through its nearest existing directory\n"
    "  -i, --ignore GLOB       leave out what matches, relative to the root\n"
    "                          (gitignore syntax: *, ?, [..], **, dir/, !)\n"
    "      --ext LIST          only files with these extensions: c,h\n"
    "      --gitignore         honour .gitignore and .git/info/exclude\n"
    "      --no-default-ignore watch .git/ .hg/ .svn/ *.swp *.swx *~ .#*\n"
    "                          4913 as well\n"
    "Running a command (after --):\n"
    "  -d, --debounce DUR      wait for DUR of quiet (default 50ms)\n"
    "      --debounce-mode M   trailing (default) or leading: run at the\n"
    "                          first change, then once more for the rest\n"
    "  -p, --postpone          do not run at start, only on change\n"
    "      --on-busy MODE      changes while it runs: queue (one more run),\n"
    "                          restart, signal, ignore\n"
    "  -r, --restart           --on-busy restart: stop its process group\n"
    "                          (TERM, KILL after --grace) and run again\n"
    "      --signal SIG        --on-busy signal: send SIG (default HUP)\n"
    "      --grace DUR         before KILL (default 5s)\n"
    "  -c, --clear             clear the screen before each run\n"
    "      --shell STRING      run STRING with /bin/sh -c\n"
    "      --exit-on-error     stop at the first failing run, its status\n"
    "                          The command gets SYSKIT_CHANGED (changed\n"
    "                          paths, one a line, when short) and\n"
    "                          SYSKIT_CHANGED_FILE (them all, NUL-separated)\n"
    "Periodic:\n"
    "  -n, --interval DUR      run every DUR (with PATHs: on change, or\n"
    "                          at least every DUR)\n"
    "      --until             stop (exit 0) when the command succeeds\n"
    "      --chgexit           stop (exit 0) when its output changes\n"
    "      --errexit           stop at the first failure, its status\n"
    "      --precise           DUR from start to start, not end to start\n"
    "      --differences       on a terminal, highlight what changed\n"
    "  -h, --help              show this help\n"
    "      --version           show the version\n";

enum {
	O_CLOSE_WRITE = 256, O_JSON, O_ONCE, O_EXISTS_OK, O_TIMEOUT,
	O_NO_RECURSIVE, O_ALLOW_MISSING, O_EXT, O_GITIGNORE, O_NO_DEFIGN,
	O_DEBOUNCE_MODE, O_ON_BUSY, O_SIGNAL, O_GRACE, O_SHELL,
	O_EXIT_ON_ERROR, O_UNTIL, O_CHGEXIT, O_ERREXIT, O_PRECISE,
	O_DIFFERENCES, O_VERSION, O_BACKEND,
};

static const struct option longopts[] = {
	{ "allow-missing", no_argument, NULL, O_ALLOW_MISSING },
	{ "backend", required_argument, NULL, O_BACKEND },
	{ "chgexit", no_argument, NULL, O_CHGEXIT },
	{ "clear", no_argument, NULL, 'c' },
	{ "close-write", no_argument, NULL, O_CLOSE_WRITE },
	{ "debounce", required_argument, NULL, 'd' },
	{ "debounce-mode", required_argument, NULL, O_DEBOUNCE_MODE },
	{ "differences", no_argument, NULL, O_DIFFERENCES },
	{ "errexit", no_argument, NULL, O_ERREXIT },
	{ "event", required_argument, NULL, 'e' },
	{ "exists-ok", no_argument, NULL, O_EXISTS_OK },
	{ "exit-on-error", no_argument, NULL, O_EXIT_ON_ERROR },
	{ "ext", required_argument, NULL, O_EXT },
	{ "follow", no_argument, NULL, 'L' },
	{ "gitignore", no_argument, NULL, O_GITIGNORE },
	{ "grace", required_argument, NULL, O_GRACE },
	{ "help", no_argument, NULL, 'h' },
	{ "ignore", required_argument, NULL, 'i' },
	{ "interval", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, O_JSON },
	{ "no-default-ignore", no_argument, NULL, O_NO_DEFIGN },
	{ "no-recursive", no_argument, NULL, O_NO_RECURSIVE },
	{ "on-busy", required_argument, NULL, O_ON_BUSY },
	{ "once", no_argument, NULL, O_ONCE },
	{ "postpone", no_argument, NULL, 'p' },
	{ "precise", no_argument, NULL, O_PRECISE },
	{ "restart", no_argument, NULL, 'r' },
	{ "shell", required_argument, NULL, O_SHELL },
	{ "signal", required_argument, NULL, O_SIGNAL },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "until", no_argument, NULL, O_UNTIL },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

#define OPTSTRING	"+cd:e:hi:Ln:pr"

/* The longest wait anyone means: a day is plenty, and keeps timerfd happy. */
#define DUR_MAX		(86400.0 * 365)

static const char *const busy_names[] = { "queue", "restart", "signal",
    "ignore" };
static const char *const backend_names[] = { "inotify", "fanotify", "auto" };

static int
duration(const char *name, const char *s, double *out)
{
	char vis[64];

	if (args_duration(s, DUR_MAX, out) == 0)
		return 0;
	out_vis(vis, sizeof(vis), s, strlen(s));
	usage_error("invalid --%s: %s", name, vis);
	return -1;
}

/* --ext "c,h,.md": the extensions without dots, NULL-terminated. */
static char **
split_exts(const char *s)
{
	char **v = NULL, *copy = xstrdup(s), *t, *save = NULL;
	size_t n = 0, cap = 0;

	for (t = strtok_r(copy, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		while (*t == '.')
			t++;
		if (*t == '\0')
			continue;
		xgrow(&v, &cap, n + 2, sizeof(*v));
		v[n++] = xstrdup(t);
	}
	free(copy);
	if (v != NULL)
		v[n] = NULL;
	return v;
}

static int
parse_opts(int argc, char *argv[], struct watch_opts *o, const char **shell)
{
	char vis[64];
	size_t i;
	int ch;

	while ((ch = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->clear = 1;
			break;
		case 'd':
			if (duration("debounce", optarg, &o->debounce) == -1)
				return -1;
			break;
		case 'e':
			if (ev_parse_list(optarg, &o->events) == -1) {
				out_vis(vis, sizeof(vis), optarg, strlen(optarg));
				usage_error("invalid --event: %s (created, "
				    "deleted, modified, moved, closed_write, "
				    "attrib, overflow)", vis);
				return -1;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'i':
			if (globlist_add(&o->ignore, optarg, NULL, 0) == -1) {
				usage_error("invalid --ignore: empty glob");
				return -1;
			}
			break;
		case 'L':
			o->follow = 1;
			break;
		case 'n':
			if (duration("interval", optarg, &o->interval) == -1)
				return -1;
			if (o->interval < 0.01) {
				usage_error("invalid --interval: %s (at least "
				    "10ms)", optarg);
				return -1;
			}
			break;
		case 'p':
			o->postpone = 1;
			break;
		case 'r':
			o->on_busy = BUSY_RESTART;
			break;
		case O_ALLOW_MISSING:
			o->allow_missing = 1;
			break;
		case O_BACKEND:
			for (i = 0; i < nitems(backend_names); i++)
				if (strcmp(optarg, backend_names[i]) == 0)
					break;
			if (i == nitems(backend_names)) {
				out_vis(vis, sizeof(vis), optarg, strlen(optarg));
				usage_error("invalid --backend: %s (inotify, "
				    "fanotify, auto)", vis);
				return -1;
			}
			o->backend = (int)i;
			break;
		case O_CHGEXIT:
			o->chgexit = 1;
			break;
		case O_CLOSE_WRITE:
			o->close_write = 1;
			break;
		case O_DEBOUNCE_MODE:
			if (strcmp(optarg, "leading") == 0)
				o->leading = 1;
			else if (strcmp(optarg, "trailing") == 0)
				o->leading = 0;
			else {
				out_vis(vis, sizeof(vis), optarg, strlen(optarg));
				usage_error("invalid --debounce-mode: %s "
				    "(leading or trailing)", vis);
				return -1;
			}
			break;
		case O_DIFFERENCES:
			o->differences = 1;
			break;
		case O_ERREXIT:
			o->errexit = 1;
			break;
		case O_EXISTS_OK:
			o->exists_ok = 1;
			break;
		case O_EXIT_ON_ERROR:
			o->exit_on_error = 1;
			break;
		case O_EXT:
			o->exts = split_exts(optarg);
			if (o->exts == NULL) {
				usage_error("invalid --ext: empty list");
				return -1;
			}
			break;
		case O_GITIGNORE:
			o->gitignore = 1;
			break;
		case O_GRACE:
			if (duration("grace", optarg, &o->grace) == -1)
				return -1;
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_NO_DEFIGN:
			o->default_ignore = 0;
			break;
		case O_NO_RECURSIVE:
			o->recursive = 0;
			break;
		case O_ON_BUSY:
			for (i = 0; i < nitems(busy_names); i++)
				if (strcmp(optarg, busy_names[i]) == 0)
					break;
			if (i == nitems(busy_names)) {
				out_vis(vis, sizeof(vis), optarg, strlen(optarg));
				usage_error("invalid --on-busy: %s (queue, "
				    "restart, signal, ignore)", vis);
				return -1;
			}
			o->on_busy = (int)i;
			break;
		case O_ONCE:
			o->once = 1;
			break;
		case O_PRECISE:
			o->precise = 1;
			break;
		case O_SHELL:
			*shell = optarg;
			break;
		case O_SIGNAL:
			if (args_signal(optarg, &o->busy_signal) == -1) {
				out_vis(vis, sizeof(vis), optarg, strlen(optarg));
				usage_error("invalid --signal: %s", vis);
				return -1;
			}
			if (o->on_busy == BUSY_QUEUE)
				o->on_busy = BUSY_SIGNAL;
			break;
		case O_TIMEOUT:
			if (duration("timeout", optarg, &o->timeout) == -1)
				return -1;
			break;
		case O_UNTIL:
			o->until = 1;
			break;
		case O_VERSION:
			printf("syskit %s\n", SYSKIT_VERSION);
			return 1;
		default:
			/* musl steps optind past argc for a missing value,
			 * where usage_badopt looks at argv[optind - 1] */
			if (optind > argc)
				optind = argc;
			usage_badopt(argv, OPTSTRING, longopts);
			return -1;
		}
	}
	return 0;
}

/* Split the operands into paths and a command; checks what goes together. */
static int
operands(int argc, char *argv[], struct watch_opts *o, const char *shell,
    char ***paths, size_t *npaths)
{
	static char *sh[4] = { "/bin/sh", "-c", NULL, NULL };
	int i, dashdash = -1;

	if (optind > 1 && strcmp(argv[optind - 1], "--") == 0)
		dashdash = optind - 1;
	for (i = optind; dashdash < 0 && i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			dashdash = i;
	*paths = argv + optind;
	if (dashdash >= optind) {
		*npaths = (size_t)(dashdash - optind);
		o->cmd = argv + dashdash + 1;
	} else if (dashdash >= 0) {
		*npaths = 0;
		o->cmd = argv + optind;
	} else if (o->interval > 0 && shell == NULL) {
		*npaths = 0;
		o->cmd = argv + optind;
	} else {
		*npaths = (size_t)(argc - optind);
		o->cmd = NULL;
	}
	if (o->cmd != NULL && o->cmd[0] == NULL)
		o->cmd = NULL;
	if (shell != NULL) {
		if (o->cmd != NULL)
			return usage_error("both --shell and a command given");
		sh[2] = (char *)shell;
		o->cmd = sh;
	}
	if (o->interval > 0 && o->cmd == NULL)
		return usage_error("--interval needs a command");
	if (dashdash >= 0 && o->cmd == NULL)
		return usage_error("no command after --");
	if ((o->until || o->chgexit || o->errexit || o->precise ||
	    o->differences) && o->interval == 0)
		return usage_error("--until, --chgexit, --errexit, --precise "
		    "and --differences go with --interval");
	if (o->exists_ok && !o->once)
		return usage_error("--exists-ok goes with --once");
	return 0;
}

void
watch_exit(struct watch *w, int code)
{
	if (w->exit_code < 0)
		w->exit_code = code;
	loop_stop(w->loop);
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	(void)l;
	cmd_finish(arg, 128 + (int)si->ssi_signo);
}

static void
on_timeout(struct loop *l, int id, void *arg)
{
	(void)l;
	(void)id;
	cmd_finish(arg, EXIT_TIMEOUT);
}

/* The roots as given; "dir/" is "dir", "/" stays. */
static void
set_roots(struct watch *w, char **paths, size_t n)
{
	static char *dot[] = { "." };
	size_t i, len;

	if (n == 0) {
		paths = dot;
		n = 1;
	}
	w->roots = xcalloc(n, sizeof(*w->roots));
	w->nroots = n;
	for (i = 0; i < n; i++) {
		w->roots[i].path = xstrdup(paths[i]);
		len = strlen(paths[i]);
		while (len > 1 && w->roots[i].path[len - 1] == '/')
			w->roots[i].path[--len] = '\0';
		w->roots[i].pwd = -1;
	}
}

static int
any_exists(const struct watch *w)
{
	struct stat st;
	size_t i;

	for (i = 0; i < w->nroots; i++)
		if (lstat(w->roots[i].path, &st) == 0)
			return 1;
	return 0;
}

static void
free_watch(struct watch *w)
{
	size_t i;

	cmd_free(w);
	ev_free(w);
	tree_free(w);
	fan_free(w);
	globlist_free(&w->defign);
	globlist_free(&w->gitign);
	for (i = 0; i < w->nroots; i++) {
		free(w->roots[i].path);
		free(w->roots[i].dir);
		free(w->roots[i].name);
	}
	free(w->roots);
	if (w->loop != NULL)
		loop_free(w->loop);
}

int
watch_loop(struct watch *w)
{
	if ((w->loop = loop_new()) == NULL ||
	    loop_signal(w->loop, SIGINT, on_signal, w) == -1 ||
	    loop_signal(w->loop, SIGTERM, on_signal, w) == -1 ||
	    (w->o->timeout > 0 &&
	    loop_timer(w->loop, w->o->timeout, 0, on_timeout, w) == -1)) {
		warn("cannot start the event loop");
		return -1;
	}
	return 0;
}

/* The backend: inotify, or fanotify when asked or when auto finds the
 * tree too large for inotify's watch limit. */
static int
watch_backend(struct watch *w)
{
	int fan = w->o->backend == BACKEND_FANOTIFY;

	if (!fan) {
		w->fallback = w->o->backend == BACKEND_AUTO && geteuid() == 0 &&
		    fan_available();
		if (tree_open(w) == -1 || tree_add_roots(w) == -1)
			return -1;
		if (w->limit_hit) {
			tree_free(w);
			fan = 1;
		}
	}
	if (fan && fan_open(w) == -1)
		return -1;
	if (loop_fd(w->loop, w->ifd, EPOLLIN, fan ? fan_readable :
	    tree_readable, w) == -1) {
		warn("cannot start the event loop");
		return -1;
	}
	return 0;
}

static int
watch_run(struct watch *w)
{
	if (watch_loop(w) == -1 || watch_backend(w) == -1)
		return EXIT_NO;
	if (w->o->cmd != NULL) {
		w->deliver = cmd_event;
		if (cmd_start(w) == -1)
			return w->exit_code >= 0 ? w->exit_code : EXIT_SELF;
	} else
		w->deliver = ev_print;
	if (w->exit_code < 0 && loop_run(w->loop) == -1) {
		warn("event loop");
		return EXIT_NO;
	}
	return w->exit_code < 0 ? 0 : w->exit_code;
}

int
watch_main(int argc, char *argv[])
{
	struct watch_opts o = {
		.events = EV_ALL, .recursive = 1, .default_ignore = 1,
		.debounce = 0.05, .grace = 5, .busy_signal = SIGHUP,
	};
	struct watch w = { .o = &o, .ifd = -1, .exit_code = -1 };
	const char *shell = NULL;
	char **paths;
	size_t npaths;
	int rc;

	if ((rc = parse_opts(argc, argv, &o, &shell)) != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	if (operands(argc, argv, &o, shell, &paths, &npaths) != 0)
		return EXIT_USAGE;
	/* "wait until this file appears": the path is expected missing */
	if (o.once && o.events != EV_ALL && (o.events & EV_BIT(EV_CREATED)))
		o.allow_missing = 1;
	filter_init(&w);
	if (o.interval > 0 && npaths == 0) {
		rc = periodic_run(&w);
		goto out;
	}
	set_roots(&w, paths, npaths);
	if (o.once && o.exists_ok && any_exists(&w)) {
		rc = 0;
		goto out;
	}
	rc = watch_run(&w);
out:
	free_watch(&w);
	globlist_free(&o.ignore);
	if (o.exts != NULL) {
		for (char **e = o.exts; *e != NULL; e++)
			free(*e);
		free(o.exts);
	}
	return rc;
}
