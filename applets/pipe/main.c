/*
 * pipe: move bytes between stdio, files, commands and sockets, with
 * splice and tee where the kernel allows; copy one source to every sink,
 * relay both ways (--bidi), or merge sources line by line (--merge).
 */
#include "pipe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

static const char usage[] =
"usage: pipe [options] SOURCE SINK [SINK ...]\n"
"       pipe [options] --bidi A B\n"
"       pipe [options] --merge SOURCE ... --to SINK\n"
"\n"
"Copy SOURCE to every SINK (zero-copy where the kernel allows), relay both\n"
"ways between A and B, or merge sources line by line.\n"
"\n"
"Endpoints:\n"
"  -                       stdin as a source, stdout as a sink\n"
"  fd:N                    an inherited descriptor\n"
"  file:PATH, PATH         a file (a sink is created or truncated)\n"
"  append:PATH             a file to append to\n"
"  fifo:PATH               a named pipe, made when missing\n"
"  tcp:HOST:PORT           connect (HOST: name, a.b.c.d or [v6])\n"
"  tcp-listen:[HOST:]PORT  accept a connection\n"
"  unix:PATH, unix:@NAME   connect to a unix socket (@: abstract)\n"
"  unix-listen:PATH        accept on a unix socket\n"
"  exec:COMMAND [ARG ...]  a command, no shell: its stdout is the source,\n"
"                          its stdin the sink\n"
"\n"
"Options:\n"
"  -b, --bidi              relay both ways between two endpoints\n"
"  -c, --count BYTES       stop after BYTES from the source\n"
"  -f, --force             draw progress even when stderr is no terminal\n"
"      --half-close-timeout DURATION\n"
"                          after one direction ends, end the other then\n"
"  -i, --idle-timeout DURATION  end after DURATION without data (exit 124)\n"
"      --json              --stats as one JSON object per relay\n"
"  -k, --keep-listening    serve connections one after another\n"
"  -L, --rate-limit RATE   at most RATE bytes per second (10M, 512K)\n"
"  -m, --max-conns N       serve up to N connections at once (-k)\n"
"      --max-line SIZE     --merge: longest line kept whole (1M)\n"
"      --merge             merge the sources line by line into --to\n"
"      --mode MODE         file sinks are created with MODE (0666)\n"
"  -n, --dry-run           show how the endpoints parse and stop\n"
"      --on-sink-error drop|fail\n"
"                          go on without a failed sink, or stop (fail)\n"
"  -P, --progress          progress on stderr (on a terminal)\n"
"  -s, --size BYTES        the expected size, for the progress ETA\n"
"      --stats             a summary on stderr at the end\n"
"      --tag               --merge: prefix each line with its source\n"
"      --to SINK           --merge: where the lines go\n"
"  -h, --help              this text\n"
"      --version           print the version\n"
"\n"
"Exit status: 0 done; 1 an endpoint failed (named); 2 bad address or\n"
"option; 124 --idle-timeout; an exec: command's own status (128+N for\n"
"signal N) when it failed.\n";

enum {
	OPT_HALF = 256, OPT_JSON, OPT_MAXLINE, OPT_MERGE, OPT_MODE,
	OPT_ONERR, OPT_STATS, OPT_TAG, OPT_TO, OPT_VERSION,
};

static const struct option longopts[] = {
	{ "bidi",		no_argument,		NULL, 'b' },
	{ "count",		required_argument,	NULL, 'c' },
	{ "dry-run",		no_argument,		NULL, 'n' },
	{ "force",		no_argument,		NULL, 'f' },
	{ "half-close-timeout",	required_argument,	NULL, OPT_HALF },
	{ "help",		no_argument,		NULL, 'h' },
	{ "idle-timeout",	required_argument,	NULL, 'i' },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "keep-listening",	no_argument,		NULL, 'k' },
	{ "max-conns",		required_argument,	NULL, 'm' },
	{ "max-line",		required_argument,	NULL, OPT_MAXLINE },
	{ "merge",		no_argument,		NULL, OPT_MERGE },
	{ "mode",		required_argument,	NULL, OPT_MODE },
	{ "on-sink-error",	required_argument,	NULL, OPT_ONERR },
	{ "progress",		no_argument,		NULL, 'P' },
	{ "rate-limit",		required_argument,	NULL, 'L' },
	{ "size",		required_argument,	NULL, 's' },
	{ "stats",		no_argument,		NULL, OPT_STATS },
	{ "tag",		no_argument,		NULL, OPT_TAG },
	{ "to",			required_argument,	NULL, OPT_TO },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 },
};

#define MAX_SINKS	14

struct popts {
	struct relay_opts ro;
	int		 bidi, merge, keep, progress, force, stats, json;
	int		 dry, tag;
	long long	 max_conns;
	uint64_t	 size, max_line;
	double		 idle;
	mode_t		 mode;
	const char	*to;
};

/* One connection's relay and the endpoints opened for it. */
struct session {
	struct relay	 r;
	struct conn	 conns[MAX_SINKS + 2];
	struct conn	*ptr[MAX_SINKS + 2];
	int		 counted;	/* its end has been seen */
};

struct ctx {
	struct popts	*o;
	struct ep	*eps;
	size_t		 neps;
	struct conn	 shared[MAX_SINKS + 2];
	int		 li;		/* the listening endpoint, or -1 */
	int		 lfd;
	int		 lwatched;
	int		 bound;		/* we made the listener's socket file */
	struct loop	*l;
	struct session	**s;
	size_t		 ns, caps;
	int		 accepted;	/* connections so far */
	int		 sig;		/* the signal that stops us */
	int		 code;
	int		 fatal;
	uint64_t	 size;		/* for the ETA */
};

static int
per_conn(const struct ep *e)
{
	return e->kind == EP_TCP || e->kind == EP_UNIX || e->kind == EP_EXEC;
}

static int
how(const struct ctx *x, size_t i)
{
	if (x->o->bidi)
		return OPEN_READ | OPEN_WRITE;
	return i == 0 ? OPEN_READ : OPEN_WRITE;
}

/* Open the endpoints the current connection needs (shared ones once). */
static int
open_eps(struct ctx *x, struct session *s, int shared)
{
	char why[320];
	struct conn *c;
	size_t i;
	int code;

	for (i = 0; i < x->neps; i++) {
		/* with a listener: shared ones first, then per connection */
		if ((int)i == x->li ||
		    (x->li != -1 && shared == per_conn(&x->eps[i])))
			continue;
		c = shared ? &x->shared[i] : &s->conns[i];
		if (conn_open(&x->eps[i], how(x, i), x->o->mode, c, why,
		    sizeof(why), &code) == -1) {
			warnx("%s", why);
			return code;
		}
		c->shared = shared;
	}
	return 0;
}

static void
session_free(struct ctx *x, struct session *s)
{
	size_t i;

	for (i = 0; i < x->neps; i++)
		if (s->ptr[i] == &s->conns[i])
			conn_close(&s->conns[i]);
	free(s);
}

static void
on_accept(struct loop *l, int fd, unsigned ev, void *arg);

/* A new session on accepted connection c (when the endpoints listen). */
static int
session_start(struct ctx *x, const struct conn *acc)
{
	struct session *s = xcalloc(1, sizeof(*s));
	struct stat st;
	size_t i;
	int code;

	for (i = 0; i < x->neps; i++) {
		s->conns[i].rfd = s->conns[i].wfd = -1;
		s->conns[i].pidfd = -1;
	}
	if ((code = open_eps(x, s, 0)) != 0) {
		session_free(x, s);
		return code;
	}
	for (i = 0; i < x->neps; i++) {
		if ((int)i == x->li) {
			s->conns[i] = *acc;
			s->ptr[i] = &s->conns[i];
		} else if (x->li != -1 && !per_conn(&x->eps[i]))
			s->ptr[i] = &x->shared[i];
		else
			s->ptr[i] = &s->conns[i];
	}
	if (x->ns == 0 && x->o->ro.count > 0)
		x->size = x->o->ro.count;
	else if (x->ns == 0 && x->o->size == 0 && s->ptr[0]->rfd != -1 &&
	    fstat(s->ptr[0]->rfd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t at = lseek(s->ptr[0]->rfd, 0, SEEK_CUR);

		x->size = st.st_size > at && at >= 0 ?
		    (uint64_t)(st.st_size - at) : 0;
	}
	relay_init(&s->r, x->l, &x->o->ro, s->ptr[0], s->ptr + 1,
	    x->neps - 1, x->o->bidi);
	xgrow(&x->s, &x->caps, x->ns + 1, sizeof(*x->s));
	x->s[x->ns++] = s;
	return 0;
}

/* Watch the listener while there is room for one more connection. */
static void
listen_arm(struct ctx *x)
{
	int want;

	if (x->lfd == -1)
		return;
	want = x->ns < (size_t)x->o->max_conns;
	if (want == x->lwatched)
		return;
	if (want)
		loop_fd(x->l, x->lfd, EPOLLIN, on_accept, x);
	else
		loop_fd_del(x->l, x->lfd);
	x->lwatched = want;
}

static void
on_accept(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct ctx *x = arg;
	struct conn c;
	char why[320];
	int code;

	if (accept_one(fd, &x->eps[x->li], &c, why, sizeof(why)) == -1) {
		if (errno == EAGAIN)
			return;
		warnx("%s", why);
		if (!x->o->keep) {
			x->code = EXIT_NO;
			x->fatal = 1;
		}
		return;
	}
	x->accepted++;
	if (!x->o->keep) {
		loop_fd_del(l, x->lfd);
		close(x->lfd);
		x->lfd = -1;
		x->lwatched = 0;
	}
	if ((code = session_start(x, &c)) != 0) {
		conn_close(&c);
		if (!x->o->keep) {
			x->code = code;
			x->fatal = 1;
		}
	}
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct ctx *x = arg;

	x->sig = (int)si->ssi_signo;
	loop_stop(l);
}

static void
on_tick(struct loop *l, int id, void *arg)
{
	struct ctx *x = arg;
	struct relay *r;
	size_t i;
	double now = loop_now();

	if (x->o->idle > 0)
		for (i = 0; i < x->ns; i++) {
			r = &x->s[i]->r;
			if (!r->done && now - r->last >= x->o->idle) {
				snprintf(r->why, sizeof(r->why),
				    "no data for %g s: %s", x->o->idle,
				    r->conns[0]->name);
				r->code = EXIT_TIMEOUT;
				r->done = 1;
			}
		}
	if (x->o->progress && x->ns > 0) {
		progress_draw(&x->s[0]->r, x->o->size ? x->o->size : x->size,
		    0);
	}
}

/* End the relays that are done; returns 1 when pipe is done. */
static int
reap_sessions(struct ctx *x, int all)
{
	struct session *s;
	size_t i, j;
	int code;

	for (i = j = 0; i < x->ns; i++) {
		s = x->s[i];
		if (!s->r.done && !all) {
			x->s[j++] = s;
			continue;
		}
		if (x->o->progress && i == 0)
			progress_draw(&s->r, x->o->size ? x->o->size :
			    x->size, 1);
		if (x->o->stats)
			stats_print(&s->r, x->o->json);
		code = relay_end(&s->r, all);
		if (!x->o->keep || code != 0)
			x->code = x->code ? x->code : code;
		session_free(x, s);
	}
	x->ns = j;
	if (x->fatal)
		return 1;
	return !x->o->keep && x->ns == 0 && (x->li == -1 || x->accepted);
}

static int
run_loop(struct ctx *x)
{
	size_t i;
	int moved, spins = 0;

	for (;;) {
		moved = 0;
		for (i = 0; i < x->ns; i++)
			moved |= relay_step(&x->s[i]->r);
		if (reap_sessions(x, 0))
			return 0;
		if (moved && ++spins < 16)
			continue;
		spins = 0;
		listen_arm(x);
		if (loop_once(x->l, moved ? 0 : -1) == -1) {
			warn("event loop");
			return EXIT_NO;
		}
		if (x->sig != 0)
			return 0;
	}
}

static int
parse_eps(struct ctx *x, char **av, size_t n)
{
	char why[256];
	size_t i;

	x->eps = xcalloc(n, sizeof(*x->eps));
	x->li = -1;
	for (i = 0; i < n; i++) {
		if (ep_parse(av[i], &x->eps[i], why, sizeof(why)) == -1) {
			x->neps = i;
			return usage_error("%s", why);
		}
		x->neps = i + 1;
		if (ep_listens(&x->eps[i])) {
			if (x->li != -1)
				return usage_error("only one endpoint may "
				    "listen");
			x->li = (int)i;
		}
	}
	return 0;
}

static int
check(struct ctx *x)
{
	struct popts *o = x->o;
	size_t i;

	if (o->keep && x->li == -1)
		return usage_error("--keep-listening needs a tcp-listen: or "
		    "unix-listen: endpoint");
	if (o->max_conns > 1)
		for (i = 0; i < x->neps; i++)
			if ((int)i != x->li && !per_conn(&x->eps[i]))
				return usage_error("--max-conns: every other "
				    "endpoint must be tcp:, unix: or exec: "
				    "(one per connection)");
	if (x->eps[0].kind == EP_APPEND)
		return usage_error("append: is a sink only: %s",
		    x->eps[0].spec);
	return 0;
}

static int
dry_run(const struct ctx *x)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < x->neps; i++) {
		ep_describe(&x->eps[i], buf, sizeof(buf));
		printf("%s: %s\n", x->o->bidi ? "endpoint" :
		    x->o->merge ? (x->eps[i].spec == x->o->to ? "sink" :
		    "source") : i == 0 ? "source" : "sink", buf);
	}
	return 0;
}

static int
serve(struct ctx *x)
{
	char why[320];
	size_t i;
	int code, tick = 0;

	signal(SIGPIPE, SIG_IGN);
	if ((x->l = loop_new()) == NULL)
		err(EXIT_NO, "event loop");
	loop_signal(x->l, SIGINT, on_signal, x);
	loop_signal(x->l, SIGTERM, on_signal, x);
	loop_signal(x->l, SIGHUP, on_signal, x);
	if (x->o->progress || x->o->idle > 0)
		tick = loop_timer(x->l, 0.1, x->o->idle > 0 &&
		    x->o->idle < 0.4 && !x->o->progress ? x->o->idle / 4 : 0.1,
		    on_tick, x);
	x->lfd = -1;
	if (x->li == -1) {
		if ((code = session_start(x, NULL)) != 0)
			goto out;
	} else {
		if ((code = open_eps(x, NULL, 1)) != 0)
			goto out;
		if ((x->lfd = listen_open(&x->eps[x->li], why,
		    sizeof(why))) == -1) {
			warnx("%s", why);
			code = EXIT_NO;
			goto out;
		}
		x->bound = 1;
		listen_arm(x);
	}
	code = run_loop(x);
	if (x->sig != 0) {
		reap_sessions(x, 1);
		code = 128 + x->sig;
	} else if (code == 0)
		code = x->code;
out:
	if (x->lfd != -1)
		close(x->lfd);
	if (x->bound && x->eps[x->li].kind == EP_UNIX_LISTEN &&
	    !x->eps[x->li].abstract)
		unlink(x->eps[x->li].path);
	reap_sessions(x, 1);
	for (i = 0; i < x->neps; i++)
		if (x->shared[i].shared)
			conn_close(&x->shared[i]);
	if (tick > 0)
		loop_timer_del(x->l, tick);
	loop_free(x->l);
	free(x->s);
	return code;
}

static int
parse_opts(int argc, char *argv[], struct popts *o)
{
	uint64_t u;
	long long v;
	int ch;

	while ((ch = getopt_long(argc, argv, "+bc:fhi:kL:m:nPs:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->bidi = 1;
			break;
		case 'c':
			if (args_size(optarg, &o->ro.count) == -1 ||
			    o->ro.count == 0)
				return usage_error("invalid --count: %s",
				    optarg);
			break;
		case 'f':
			o->force = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'i':
			if (args_duration(optarg, 1e7, &o->idle) == -1 ||
			    o->idle <= 0)
				return usage_error("invalid --idle-timeout: %s",
				    optarg);
			break;
		case 'k':
			o->keep = 1;
			break;
		case 'L':
			if (args_size(optarg, &u) == -1 || u == 0)
				return usage_error("invalid --rate-limit: %s "
				    "(bytes per second: 10M, 512K)", optarg);
			o->ro.rate = (double)u;
			break;
		case 'm':
			if (args_int(optarg, 1, 100000, &o->max_conns) == -1)
				return usage_error("invalid --max-conns: %s",
				    optarg);
			o->keep = 1;
			break;
		case 'n':
			o->dry = 1;
			break;
		case 'P':
			o->progress = 1;
			break;
		case 's':
			if (args_size(optarg, &o->size) == -1)
				return usage_error("invalid --size: %s",
				    optarg);
			break;
		case OPT_HALF:
			if (args_duration(optarg, 1e7, &o->ro.half_close) ==
			    -1)
				return usage_error("invalid "
				    "--half-close-timeout: %s", optarg);
			break;
		case OPT_JSON:
			o->json = o->stats = 1;
			break;
		case OPT_MAXLINE:
			if (args_size(optarg, &o->max_line) == -1 ||
			    o->max_line == 0 || o->max_line > (1ULL << 30))
				return usage_error("invalid --max-line: %s",
				    optarg);
			break;
		case OPT_MERGE:
			o->merge = 1;
			break;
		case OPT_MODE:
			if (strspn(optarg, "01234567") != strlen(optarg) ||
			    *optarg == '\0' || strlen(optarg) > 4)
				return usage_error("invalid --mode: %s "
				    "(octal, like 0644)", optarg);
			v = strtol(optarg, NULL, 8);
			o->mode = (mode_t)v;
			break;
		case OPT_ONERR:
			if (strcmp(optarg, "drop") == 0)
				o->ro.drop = 1;
			else if (strcmp(optarg, "fail") == 0)
				o->ro.drop = 0;
			else
				return usage_error("invalid --on-sink-error: "
				    "%s (drop or fail)", optarg);
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_TAG:
			o->tag = 1;
			break;
		case OPT_TO:
			o->to = optarg;
			break;
		case OPT_VERSION:
			printf("syskit %s\n", SYSKIT_VERSION);
			exit(0);
		default:
			return usage_badopt(argv, "+bc:fhi:kL:m:nPs:",
			    longopts);
		}
	}
	return 0;
}

int
pipe_main(int argc, char *argv[])
{
	struct popts o;
	struct ctx x;
	char **av;
	size_t n;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&x, 0, sizeof(x));
	o.ro.half_close = -1;
	o.max_conns = 1;
	o.mode = 0666;
	o.max_line = 1024 * 1024;
	if ((rc = parse_opts(argc, argv, &o)) != 0)
		return rc;
	x.o = &o;
	av = argv + optind;
	n = (size_t)(argc - optind);
	if (o.merge)
		return merge_main(&o.ro, av, n, o.to, o.max_line, o.tag,
		    o.dry, o.mode);
	if (o.to != NULL)
		return usage_error("--to goes with --merge");
	if (o.bidi && n != 2)
		return usage_error("--bidi takes two endpoints");
	if (n < 2)
		return usage_error(n == 0 ? "a source and a sink are needed" :
		    "a sink is needed");
	if (n > MAX_SINKS + 1)
		return usage_error("too many sinks (%d at most)", MAX_SINKS);
	if ((rc = parse_eps(&x, av, n)) != 0 || (rc = check(&x)) != 0)
		goto out;
	if (o.dry) {
		rc = dry_run(&x);
		goto out;
	}
	if (o.progress && !o.force && !isatty(2))
		o.progress = 0;
	rc = serve(&x);
out:
	for (n = 0; n < x.neps; n++)
		ep_free(&x.eps[n]);
	free(x.eps);
	return rc;
}
