/*
 * sysinfo: the machine, as psutil's system functions give it to a Python
 * program: host, CPU, memory, swap, disks, network, sockets, sensors,
 * cgroup limits and pressure.  Quantities psutil defines keep psutil's
 * names and formulas; node_exporter's names are used for Prometheus.
 */
#include "sysinfo.h"

static const char usage[] =
    "usage: sysinfo [SECTION ...] [--json | --format text|json|kv|prometheus]\n"
    "               [--interval DURATION] [--effective] [--all]\n"
    "               [--kind KIND] [--pids]\n"
    "       sysinfo --serve [ADDR:]PORT [--collect LIST] [--max-conns N]\n"
    "               [--read-timeout DURATION]\n"
    "       sysinfo --textfile DIR [--every DURATION] [--collect LIST]\n"
    "\n"
    "With no SECTION: a one-screen summary (all sections but conn for\n"
    "--json, kv and prometheus).  Sections:\n"
    "  host      uname, OS, boot time, uptime, load, users, current user\n"
    "  cpu       counts (logical, physical, usable, effective), times, frequency\n"
    "  mem       virtual memory as psutil.virtual_memory(), and the cgroup's view\n"
    "  swap      swap as psutil.swap_memory()\n"
    "  disk      partitions, usage, io counters\n"
    "  net       interfaces: io counters, addresses, stats\n"
    "  conn      sockets, as psutil.net_connections() and ss -tunap\n"
    "  sensors   temperatures, fans, battery\n"
    "  limits    cgroup limits, container, rlimits\n"
    "  pressure  PSI for cpu, memory, io\n"
    "\n"
    "  -a, --all             disk: every mount, not only devices\n"
    "  -e, --effective       cpu: print only the CPU count to use (make -j)\n"
    "  -f, --format FORMAT   text (default), json, kv or prometheus\n"
    "  -i, --interval DUR    cpu and the summary: sample twice, DUR apart, for\n"
    "                        percent busy (not with prometheus)\n"
    "  -j, --json            same as --format json\n"
    "  -k, --kind KIND       conn: tcp tcp4 tcp6 udp udp4 udp6 unix inet inet4 inet6 all\n"
    "  -p, --pids            conn: find the process owning each socket\n"
    "      --serve [ADDR:]PORT  serve GET /metrics (Prometheus, OpenMetrics)\n"
    "                        on ADDR (default 127.0.0.1) until SIGTERM\n"
    "      --textfile DIR    write DIR/syskit.prom atomically\n"
    "      --every DUR       --textfile: rewrite it every DUR until SIGTERM\n"
    "      --collect LIST    sections to serve, comma-separated (default all\n"
    "                        but conn), and procs (syskit_processes)\n"
    "      --max-conns N     --serve: connections at once (default 64)\n"
    "      --read-timeout DUR  --serve: time for a request (default 10s)\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n";

static const struct {
	const char	*name;
	int		 bit;
} sections[] = {
	{ "host", S_HOST }, { "cpu", S_CPU }, { "mem", S_MEM },
	{ "memory", S_MEM }, { "swap", S_SWAP }, { "disk", S_DISK },
	{ "net", S_NET }, { "conn", S_CONN }, { "sensors", S_SENSORS },
	{ "limits", S_LIMITS }, { "pressure", S_PRESSURE },
};

/*
 * Whether a failure to read a file of the tree is the tree's fault, and so
 * an error: malformed content or a file that is not regular (EINVAL), a
 * directory, a file too large.  A missing file (ENOENT), or one the kernel
 * refuses (EACCES, EOPNOTSUPP for PSI turned off), is a value that cannot
 * be had: null with its reason, and no error.
 */
int
si_is_bad(int err)
{
	return err == EINVAL || err == EISDIR || err == ERANGE || err == EFBIG;
}

/* root/rel, or root alone when rel is NULL. */
static void
join(char *path, size_t len, const char *root, const char *rel)
{
	if (rel == NULL)
		snprintf(path, len, "%s", root);
	else
		snprintf(path, len, "%s/%s", root, rel);
}

/* Why root/rel could not be read, from err: EINVAL is a file that is not
 * regular (a FIFO, a device) or one whose content did not parse. */
const char *
si_reason(const char *root, const char *rel, int err)
{
	char path[PATH_MAX];
	struct stat sb;

	if (err != EINVAL)
		return strerror(err);
	join(path, sizeof(path), root, rel);
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return "not a regular file";
	return "malformed content";
}

/*
 * A file of the tree that could not be read (si_is_bad): one line on
 * stderr naming its full path (root/rel; root alone when rel is NULL), once
 * whichever sections read it, and exit 1 at the end.  The same for every
 * reader of /proc and /sys.
 */
void
si_unreadable(struct ctx *c, const char *root, const char *rel, int err)
{
	char path[PATH_MAX], vis[PATH_MAX];
	size_t n;
	int i;

	join(path, sizeof(path), root, rel);
	c->rc = 1;
	n = strlen(path);
	if (n >= sizeof(c->warned[0]))	/* remembered by its start */
		n = sizeof(c->warned[0]) - 1;
	for (i = 0; i < c->nwarned; i++)
		if (strncmp(c->warned[i], path, n) == 0 &&
		    c->warned[i][n] == '\0')
			return;
	if (c->nwarned < (int)nitems(c->warned)) {
		memcpy(c->warned[c->nwarned], path, n);
		c->warned[c->nwarned++][n] = '\0';
	}
	out_vis(vis, sizeof(vis), path, strlen(path));
	warnx("%s: %s", vis, si_reason(root, rel, err));
}

/* A malformed file under the proc root. */
void
si_malformed(struct ctx *c, const char *rel)
{
	si_unreadable(c, proc_root(), rel, EINVAL);
}

/* Say why a value is missing, from the errno err of reading root/rel: a
 * bad file is an error; a missing or unreadable one is a null. */
void
si_missing_at(struct ctx *c, struct rep *parent, const char *key,
    const char *root, const char *rel, int err)
{
	if (si_is_bad(err)) {
		si_unreadable(c, root, rel, err);
		rep_null(parent, key, si_reason(root, rel, err));
		return;
	}
	rep_null(parent, key, strerror(err));
}

void
si_missing(struct ctx *c, struct rep *parent, const char *key, const char *rel,
    int err)
{
	si_missing_at(c, parent, key, proc_root(), rel, err);
}

double
si_ticks(uint64_t t)
{
	return (double)t / (double)proc_clk_tck();
}

/* x >= 0 rounded to digits decimals (1 or 2), half up: without libm,
 * whose loading alone would cost more than sysinfo mem does. */
double
si_round_to(double x, int digits)
{
	double m = digits == 2 ? 100.0 : 10.0;

	return (double)(uint64_t)(x * m + 0.5) / m;
}

/* psutil's usage_percent: one decimal. */
double
si_pct(double part, double whole)
{
	if (whole <= 0 || part <= 0)
		return 0;
	return si_round_to(part / whole * 100.0, 1);
}

void
si_counters_rep(struct rep *o, const struct counter *f, const uint64_t *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rep_u64(o, f[i].name, v[i], f[i].unit);
}

void
si_counters_add(uint64_t *tot, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tot[i] += v[i];
}

void
si_prom_gauge(struct ctx *c, const char *name, const char *help, double v)
{
	prom_family(&c->prom, name, "gauge", help);
	prom_sample(&c->prom, name, v, NULL);
}

void
si_prom_counter(struct ctx *c, const char *name, const char *help, double v)
{
	prom_family(&c->prom, name, "counter", help);
	prom_sample(&c->prom, name, v, NULL);
}

/* The cgroup, read once for the sections that want it. */
struct cgroup_info *
si_cgroup(struct ctx *c)
{
	if (c->have_cg == 0) {
		c->have_cg = cgroup_read_mask(&c->cg, c->cg_mask) == 0 ? 1 : -1;
		c->cg_errno = errno;
		if (c->have_cg < 0 && si_is_bad(c->cg_errno))
			si_unreadable(c, c->cg.file, NULL, c->cg_errno);
	}
	errno = c->cg_errno;
	return c->have_cg == 1 ? &c->cg : NULL;
}

/* The entries of <sys>/REL, sorted (so output is stable), as one block:
 * free() it.  REL is a registry that lives as long as the kernel (block,
 * class/NAME, devices/system/cpu): --serve keeps it open. */
int
si_sys_list(const char *rel, char ***out)
{
	char path[PATH_MAX];
	int n, i, k = 0;

	snprintf(path, sizeof(path), "%s/%s", sys_root(), rel);
	if ((n = proc_dir_names_kept(path, out)) < 0)
		return -1;
	for (i = 0; i < n; i++)		/* hidden entries are not devices */
		if ((*out)[i][0] != '.')
			(*out)[k++] = (*out)[i];
	(*out)[k] = NULL;
	return k;
}

int
si_sys_list_class(const char *name, char ***out)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "class/%s", name);
	return si_sys_list(rel, out);
}

int
si_cmp_str(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	if (x == NULL || y == NULL)
		return x == y ? 0 : x == NULL ? -1 : 1;
	return strcmp(x, y);
}

/* /proc/stat, read once for host and cpu. */
struct proc_stat *
si_get_stat(struct ctx *c)
{
	if (c->have_st == 0) {
		c->have_st = proc_stat(&c->st) == 0 ? 1 : -1;
		c->st_errno = errno;
		if (c->have_st < 0 && si_is_bad(c->st_errno))
			si_unreadable(c, proc_root(), "stat", c->st_errno);
	}
	errno = c->st_errno;
	return c->have_st == 1 ? &c->st : NULL;
}

/* ---- options and the section table ---- */

enum { O_SERVE = 256, O_TEXTFILE, O_EVERY, O_COLLECT, O_MAXCONNS, O_TIMEOUT };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "effective", no_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "interval", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, 'j' },
	{ "kind", required_argument, NULL, 'k' },
	{ "pids", no_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ "serve", required_argument, NULL, O_SERVE },
	{ "textfile", required_argument, NULL, O_TEXTFILE },
	{ "every", required_argument, NULL, O_EVERY },
	{ "collect", required_argument, NULL, O_COLLECT },
	{ "max-conns", required_argument, NULL, O_MAXCONNS },
	{ "read-timeout", required_argument, NULL, O_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

/* A value an option cannot take: one line naming it (escaped), and a
 * short hint of what it can. */
static int
bad_value(const char *opt, const char *v, const char *hint)
{
	char vis[256];

	out_vis(vis, sizeof(vis), v, strlen(v));
	return usage_error("invalid --%s: %s%s", opt, vis, hint);
}

static int
parse_section(const char *s)
{
	size_t i;

	for (i = 0; i < nitems(sections); i++)
		if (strcmp(s, sections[i].name) == 0)
			return sections[i].bit;
	return 0;
}

static void
sec_cpu_all(struct ctx *c)
{
	sec_cpu(c, 0);
}

/* The sections, in the order they are printed. */
static const struct {
	int	 bit;
	void	(*fn)(struct ctx *);
} runs[] = {
	{ S_HOST, sec_host }, { S_CPU, sec_cpu_all }, { S_MEM, sec_mem },
	{ S_SWAP, sec_swap }, { S_DISK, sec_disk }, { S_NET, sec_net },
	{ S_CONN, sec_conn }, { S_SENSORS, sec_sensors },
	{ S_LIMITS, sec_limits }, { S_PRESSURE, sec_pressure },
};

/* The Prometheus text of the sections in want, into c->prom (set up by
 * the caller): what --serve and --textfile render per scrape. */
void
si_prom_run(struct ctx *c, int want)
{
	int i;

	c->cg_mask = (want & S_CPU ? CG_CPU : 0) | (want & S_MEM ? CG_MEM : 0);
	if (want & S_LIMITS)
		c->cg_mask = CG_ALL;
	for (i = 0; i < (int)nitems(runs); i++)
		if (want & runs[i].bit)
			runs[i].fn(c);
}

/* --collect LIST: sections, comma-separated. */
static int
parse_collect(const char *s)
{
	char buf[256], *p, *tok;
	int want = 0, b;

	if (strlen(s) >= sizeof(buf))
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (p = buf; (tok = strsep(&p, ",")) != NULL; ) {
		if ((b = strcmp(tok, "procs") == 0 ? S_PROCS :
		    parse_section(tok)) == 0)
			return 0;
		want |= b;
	}
	return want;
}

int
sysinfo_main(int argc, char *argv[])
{
	struct si_serve_opts so = { NULL, NULL, S_FULL, 64, 0, 10 };
	long long ll;
	int collect = 0;
	struct ctx c;
	char vis[256];
	int ch, want = 0, effective = 0, kind = 0, torun, i, b;
	const char *p;

	memset(&c, 0, sizeof(c));
	c.kinds = SK_INET;
	while ((ch = getopt_long(argc, argv, "aef:hi:jk:pV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			c.all = 1;
			break;
		case 'e':
			effective = 1;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				c.fmt = F_TEXT;
			else if (strcmp(optarg, "json") == 0)
				c.fmt = F_JSON;
			else if (strcmp(optarg, "kv") == 0)
				c.fmt = F_KV;
			else if (strcmp(optarg, "prometheus") == 0 ||
			    strcmp(optarg, "prom") == 0)
				c.fmt = F_PROM;
			else
				return bad_value("format", optarg,
				    " (text, json, kv, prometheus)");
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'i':
			if (args_duration(optarg, 3600, &c.interval) != 0 ||
			    c.interval <= 0)
				return bad_value("interval", optarg,
				    " (a duration up to 1h: 1.5s, 200ms)");
			break;
		case 'j':
			c.fmt = F_JSON;
			break;
		case 'k':
			if ((c.kinds = sock_kind(optarg)) < 0)
				return bad_value("kind", optarg, " (tcp tcp4 tcp6 "
				    "udp udp4 udp6 unix inet inet4 inet6 all)");
			kind = 1;
			break;
		case 'p':
			c.pids = 1;
			break;
		case 'V':
			printf("syskit %s\n", SYSKIT_VERSION);
			return 0;
		case O_SERVE:
			so.serve = optarg;
			break;
		case O_TEXTFILE:
			so.textfile = optarg;
			break;
		case O_EVERY:
			if (args_duration(optarg, 86400, &so.every) != 0 ||
			    so.every <= 0)
				return bad_value("every", optarg,
				    " (a duration up to 1d: 15s, 1m)");
			break;
		case O_COLLECT:
			if ((so.want = parse_collect(optarg)) == 0)
				return bad_value("collect", optarg,
				    " (sections, comma-separated: cpu,mem,net)");
			collect = 1;
			break;
		case O_MAXCONNS:
			if (args_int(optarg, 1, 65536, &ll) != 0)
				return bad_value("max-conns", optarg,
				    " (1 to 65536)");
			so.max_conns = (int)ll;
			break;
		case O_TIMEOUT:
			if (args_duration(optarg, 3600, &so.timeout) != 0 ||
			    so.timeout <= 0)
				return bad_value("read-timeout", optarg,
				    " (a duration up to 1h: 10s, 500ms)");
			break;
		default:
			/* musl leaves optind past argc after a last option
			 * without its value: usage_badopt reads argv[optind - 1] */
			if (optind > argc)
				optind = argc;
			return usage_badopt(argv, "aef:hi:jk:pV", longopts);
		}
	}
	if (so.serve != NULL || so.textfile != NULL) {
		if (so.serve != NULL && so.textfile != NULL)
			return usage_error("--serve and --textfile: one or the "
			    "other");
		if (optind < argc)
			return usage_error("--%s takes its sections from "
			    "--collect", so.serve ? "serve" : "textfile");
		if (c.fmt != F_TEXT && c.fmt != F_PROM)
			return usage_error("--%s writes prometheus: no other "
			    "--format", so.serve ? "serve" : "textfile");
		if (so.every > 0 && so.serve != NULL)
			return usage_error("--every goes with --textfile");
		return so.serve != NULL ? si_serve(&so) : si_textfile(&so);
	}
	if (collect || so.every > 0)
		return usage_error("--%s goes with --serve or --textfile",
		    collect ? "collect" : "every");
	for (i = optind; i < argc; i++) {
		if ((b = parse_section(argv[i])) == 0) {
			out_vis(vis, sizeof(vis), argv[i], strlen(argv[i]));
			return usage_error("unknown section: %s", vis);
		}
		want |= b;
	}
	if (effective && want != 0 && want != S_CPU)
		return usage_error("--effective goes with the cpu section alone");
	if (effective && (c.fmt != F_TEXT || c.interval > 0))
		return usage_error("--effective prints one number: no --format, "
		    "no --interval");
	/* an option works wherever it is taken, or it is refused */
	torun = effective ? S_CPU : want != 0 ? want :
	    c.fmt == F_TEXT ? S_SUMMARY : S_FULL;
	if (c.interval > 0 && !(torun & (S_CPU | S_SUMMARY)))
		return usage_error("--interval goes with the cpu section");
	if (c.interval > 0 && c.fmt == F_PROM)
		return usage_error("--interval does not go with --format "
		    "prometheus (counters: the scraper takes the rate)");
	if (c.all && !(torun & S_DISK))
		return usage_error("--all goes with the disk section");
	if ((kind || c.pids) && !(torun & S_CONN))
		return usage_error("--%s goes with the conn section",
		    kind ? "kind" : "pids");
	p = proc_root();
	c.foreign = strcmp(p, "/proc") != 0;
	/* read only the cgroup files the asked sections need */
	if (want == 0 || (want & S_CPU))
		c.cg_mask |= CG_CPU;
	if (want == 0 || (want & S_MEM))	/* prometheus: usage always */
		c.cg_mask |= CG_MEM | (c.fmt != F_PROM ? CG_MEM_LIMITED : 0);
	if (want & S_LIMITS)
		c.cg_mask = CG_ALL;
	if (effective) {
		c.cg_mask = CG_CPU;
		return sec_cpu(&c, 1);
	}
	c.pr = c.fmt == F_PROM;
	if (want == 0 && c.fmt == F_TEXT) {
		i = si_summary(&c);
		proc_stat_free(&c.st);
		return i;
	}
	if (want == 0)
		want = S_FULL;
	if (c.pr)
		prom_init(&c.prom, stdout);
	else if ((c.root = rep_new()) == NULL) {
		warn("report");
		return 1;
	}
	for (i = 0; i < (int)nitems(runs); i++)
		if ((want & runs[i].bit) &&
		    !(runs[i].bit == S_CONN && c.fmt == F_TEXT))
			runs[i].fn(&c);
	if (c.root != NULL)
		rep_print(c.root, stdout, c.fmt == F_JSON ? REP_JSON :
		    c.fmt == F_KV ? REP_KV : REP_TEXT);
	/* the socket table for people comes last, after the other sections */
	if ((want & S_CONN) && c.fmt == F_TEXT) {
		if (want != S_CONN)
			putchar('\n');
		sec_conn(&c);
	}
	rep_free(c.root);
	proc_stat_free(&c.st);
	return c.rc;
}
