/* run: the options, the environment and the command line. */
#include "run.h"
#include "pool.h"

static const char usage[] =
    "usage: run [-iv] [-C dir] [-e name=value] [-k duration] [-n nice]\n"
    "           [-r retries] [-s signal] [-t duration] [-u name] [option ...]\n"
    "           [--] command [arg ...]\n"
    "       run [option ...] -c string [name [arg ...]]\n"
    "       run --init [init option ...] [--] command [arg ...]\n"
    "       run --daemon [daemon option ...] [--] command [arg ...]\n"
    "       run --stop pidfile [-s signal] [-t duration]\n"
    "\n"
    "Time and signals:\n"
    "  -t, --timeout DUR       send the signal after DUR, exit 124 (0: never)\n"
    "  -s, --signal SIG        the timeout signal (default TERM)\n"
    "  -k, --kill-after DUR    then KILL after DUR (default 5s; 0: never);\n"
    "                          -k is --keep-order in a job pool (-j)\n"
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
    "Init (a container's PID 1):\n"
    "      --init              reap every zombie, forward every signal\n"
    "      --single-child      signal the command alone, not its group\n"
    "      --rewrite SIG:SIG   send the second for the first (0: drop)\n"
    "      --grace DUR         TERM what is left, KILL after DUR (5s)\n"
    "      --exit-map CODE:CODE  exit with the second for the first\n"
    "      --parent-death SIG  the signal we get when our parent dies\n"
    "Daemon:\n"
    "      --daemon            detach; exit 0 once the command runs\n"
    "      --pidfile FILE      locked, the command's pid; one instance\n"
    "      --log FILE          stdout and stderr appended to FILE\n"
    "      --wait-ready FD     wait for a line on FD from the command\n"
    "      --ready-timeout DUR  then exit 124\n"
    "      --restart on-failure|always  start it again when it ends\n"
    "      --restart-delay DUR  before a restart (1s)\n"
    "      --stop PIDFILE      signal the pid, wait (-t, 10s), KILL\n"
    "Job pool (run -j N [option ...] -- command [arg ...] [::: arg ...]):\n"
    "  -j, --jobs N|N%|auto    run a command per input line, N at a time\n"
    "  -0, --null              input items end with NUL, not newline\n"
    "  -a, --arg-file FILE     input items from FILE, not stdin\n"
    "      --commands FILE|-   each line is a command for /bin/sh -c\n"
    "      --group             each job's output whole when it ends (default)\n"
    "      --line-buffer       whole lines as they come\n"
    "      --ungroup           bytes as they come\n"
    "  -k, --keep-order        output in input order (-k: with -j)\n"
    "      --tag               start output lines with the argument and a tab\n"
    "      --halt WHEN,fail=N|N%|success=N  stop: now (kill) or soon (wait)\n"
    "      --joblog FILE       GNU parallel's job log\n"
    "      --resume, --resume-failed  skip the jobs the job log has done\n"
    "      --bar, --eta[=always]  progress on a terminal's standard error\n"
    "  -h, --help              show this help\n"
    "      --version           show syskit's version\n";

enum {
	O_PRESERVE = 256, O_FOREGROUND, O_KEEP_ORPHANS, O_UMASK, O_LIMIT,
	O_NEW_SESSION, O_PASS_FD, O_STDIN, O_INPUT, O_STDOUT, O_STDERR,
	O_APPEND_, O_MERGE, O_CAPTURE, O_CAPTURE_LIMIT, O_TEE, O_PREFIX,
	O_TIMESTAMPS, O_RETRY_DELAY, O_BACKOFF, O_RETRY_ON, O_REPORT,
	O_VERSION, O_KILL_AFTER,
};

static const struct option longopts[] = {
	/* run -j: the job pool (pool.c) */
	{ "arg-file", required_argument, NULL, 'a' },
	{ "bar", optional_argument, NULL, O_BAR },
	{ "commands", required_argument, NULL, O_COMMANDS },
	{ "eta", optional_argument, NULL, O_ETA },
	{ "group", no_argument, NULL, O_GROUP },
	{ "halt", required_argument, NULL, O_HALT },
	{ "jobs", required_argument, NULL, 'j' },
	{ "joblog", required_argument, NULL, O_JOBLOG },
	{ "keep-order", no_argument, NULL, O_KEEP_ORDER },
	{ "line-buffer", no_argument, NULL, O_LINE_BUFFER },
	{ "null", no_argument, NULL, '0' },
	{ "resume", no_argument, NULL, O_RESUME },
	{ "resume-failed", no_argument, NULL, O_RESUME_FAILED },
	{ "tag", no_argument, NULL, O_TAG },
	{ "ungroup", no_argument, NULL, O_UNGROUP },
	/* run */
	{ "append", no_argument, NULL, O_APPEND_ },
	{ "backoff", required_argument, NULL, O_BACKOFF },
	{ "capture", no_argument, NULL, O_CAPTURE },
	{ "capture-limit", required_argument, NULL, O_CAPTURE_LIMIT },
	{ "clear-env", no_argument, NULL, 'i' },
	{ "cwd", required_argument, NULL, 'C' },
	{ "env", required_argument, NULL, 'e' },
	{ "foreground", no_argument, NULL, O_FOREGROUND },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ "input", required_argument, NULL, O_INPUT },
	{ "keep-orphans", no_argument, NULL, O_KEEP_ORPHANS },
	{ "kill-after", required_argument, NULL, O_KILL_AFTER },
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
	RUN_MODE_LONGOPTS
	{ NULL, 0, NULL, 0 },
};

/* ---- parsing ---- */

/* Untrusted text (a path, an argument) for a message: control
 * characters escaped as ps shows them, so nothing reaches the terminal. */
const char *
run_vis(char *buf, size_t len, const char *s)
{
	return out_vis(buf, len, s, strlen(s));
}

static int
bad(const char *opt, const char *val)
{
	char v[256];

	warnx("invalid %s: %s", opt, run_vis(v, sizeof(v), val));
	return -1;
}

int
run_badval(const char *opt, const char *val)
{
	return bad(opt, val);
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

#define OPTSTRING "+0a:c:C:e:hij:k:n:r:s:t:u:v"
#define OPTSTRING_POOL "+0a:c:C:e:hij:kn:r:s:t:u:v"	/* -k: --keep-order */

int
run_parse_opts(int argc, char *argv[], struct opts *o)
{
	int pool_k = pool_prescan(argc, argv, OPTSTRING, longopts);
	const char *optstring = pool_k ? OPTSTRING_POOL : OPTSTRING;
	long long ll;
	uint64_t u;
	int ch;

	while ((ch = getopt_long(argc, argv, optstring,
	    longopts, NULL)) != -1) {
		if (ch == 'k' && pool_k)
			ch = O_KEEP_ORDER;
		if (ch == 'j' || ch == '0' || ch == 'a' ||
		    (ch >= O_POOL && ch < O_POOL_END)) {
			if (pool_opt(ch, optarg, &o->pool) == -1)
				return -1;
			continue;
		}
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
		case O_VERSION:
			printf("syskit %s\n", SYSKIT_VERSION);
			return 1;
		case 'i':
			o->clear_env = 1;
			break;
		case 'k':
		case O_KILL_AFTER:
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
		case O_INIT ... O_STOP:
			if (run_mode_opt(o, ch, optarg) == -1)
				return -1;
			break;
		default:
			usage_badopt(argv, optstring, longopts);
			return -1;
		}
	}
	if (o->pool.set != NULL && !o->pool.on) {
		usage_error("%s needs -j", o->pool.set);
		return -1;
	}
	if (o->shell == NULL && optind >= argc && o->m.mode != RUN_STOP &&
	    o->pool.commands == NULL) {
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
char **
run_build_env(const struct opts *o)
{
	extern char **environ;
	size_t n = 0, i, j, k, nl;
	char **e;

	if (o->nenv == 0 && !o->clear_env)
		return NULL;	/* environ as it is */
	if (!o->clear_env)
		for (; environ[n] != NULL; n++)
			;
	e = xcalloc(n + o->nenv + 2, sizeof(char *));
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

char **
run_command_argv(const struct opts *o, int argc, char *argv[])
{
	char **av;
	int i, n = 0;

	av = xcalloc((size_t)argc + 4, sizeof(char *));
	if (o->shell != NULL) {
		av[n++] = "/bin/sh";
		av[n++] = "-c";
		av[n++] = (char *)o->shell;
	}
	for (i = optind; i < argc; i++)
		av[n++] = argv[i];
	return av;
}
