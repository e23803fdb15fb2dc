/* sysinfo host: uname, os-release, boot time, uptime, load, users, the current user. */
#include "sysinfo.h"

/* A value of os-release: quotes removed; inside double quotes a
 * backslash escapes the next character (os-release(5)). */
static void
osrel_value(char *dst, size_t len, const char *v)
{
	size_t n = strcspn(v, "\n"), i, o = 0;
	int dq = 0;

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		dq = v[0] == '"';
		v++;
		n -= 2;
	}
	for (i = 0; i < n && o + 1 < len; i++) {
		if (dq && v[i] == '\\' && i + 1 < n)
			i++;
		dst[o++] = v[i];
	}
	dst[o] = '\0';
}

static const struct {
	const char	*key;
	size_t		 off, size;
} osrel_keys[] = {
#define OK(k, f) { k "=", offsetof(struct osrel, f), \
	sizeof(((struct osrel *)0)->f) }
	OK("NAME", name), OK("VERSION_ID", version), OK("PRETTY_NAME", pretty),
	OK("ID", id), OK("ID_LIKE", id_like), OK("VERSION", version_str),
	OK("VERSION_CODENAME", codename), OK("BUILD_ID", build_id),
	OK("VARIANT", variant), OK("VARIANT_ID", variant_id),
	OK("IMAGE_ID", image_id), OK("IMAGE_VERSION", image_version),
#undef OK
};

/*
 * Open a file of the system being described: this machine's, or for a
 * foreign SYSKIT_PROC (a container's /proc, a fixture) the file under that
 * tree's root, the directory that holds its proc/.  Only a regular file: a
 * FIFO there is refused, never waited on, and said (si_unreadable).
 */
static int
sys_file_open(struct ctx *c, const char *abspath)
{
	char path[PATH_MAX];
	const char *root = proc_root();
	size_t n = strlen(root);
	int fd;

	if (!c->foreign)
		snprintf(path, sizeof(path), "%s", abspath);
	else {
		while (n > 1 && root[n - 1] == '/')	/* "tree/proc/" */
			n--;
		while (n > 0 && root[n - 1] != '/')	/* drop "proc" */
			n--;
		if ((size_t)snprintf(path, sizeof(path), "%.*s%s", (int)n, root,
		    abspath + 1) >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	if ((fd = fs_open_regular(AT_FDCWD, path, 0)) == -1 && si_is_bad(errno))
		si_unreadable(c, path, NULL, errno);
	return fd;
}

static int
read_osrel(struct osrel *o, int fd)
{
	char buf[4096], *line;
	size_t i, k;
	ssize_t n;

	memset(o, 0, sizeof(*o));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (line = buf; line != NULL && *line != '\0';) {
		for (i = 0; i < nitems(osrel_keys); i++) {
			k = strlen(osrel_keys[i].key);
			if (strncmp(line, osrel_keys[i].key, k) == 0) {
				osrel_value((char *)o + osrel_keys[i].off,
				    osrel_keys[i].size, line + k);
				break;
			}
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return 0;
}

/* node_os_version: VERSION_ID's leading major.minor, as node_exporter
 * has it (absent when VERSION_ID does not start with a number > 0). */
static void
os_version(struct ctx *c, const struct osrel *os)
{
	char num[64];
	size_t n = strspn(os->version, "0123456789");
	double v;

	if (n == 0)
		return;
	if (os->version[n] == '.')
		n += 1 + strspn(os->version + n + 1, "0123456789");
	snprintf(num, sizeof(num), "%.*s", (int)n, os->version);
	if ((v = strtod(num, NULL)) <= 0)
		return;
	prom_family(&c->prom, "node_os_version", "gauge",
	    "Metric containing the major.minor part of the OS version.");
	prom_sample(&c->prom, "node_os_version", v, "id", os->id,
	    "id_like", os->id_like, "name", os->name, NULL);
}

/* os-release: /etc's, else /usr/lib's (when /etc's is not there). */
int
si_read_osrel(struct ctx *c, struct osrel *o)
{
	int fd;

	fd = sys_file_open(c, "/etc/os-release");
	if (fd < 0 && errno == ENOENT)
		fd = sys_file_open(c, "/usr/lib/os-release");
	if (fd < 0)
		return -1;
	return read_osrel(o, fd);
}

/*
 * utmp records as glibc writes them on every Linux ABI with 64-bit time
 * compatibility (384 bytes): read the file directly, since musl's
 * getutxent() is a stub.
 */
struct utmp_rec {
	int16_t	 type;
	int16_t	 pad;
	int32_t	 pid;
	char	 line[32];
	char	 id[4];
	char	 user[32];
	char	 host[256];
	int16_t	 term, exit;
	int32_t	 session;
	int32_t	 tv_sec, tv_usec;
	int32_t	 addr[4];
	char	 unused[20];
};
#define UTMP_USER_PROCESS	7

static void
host_users(struct ctx *c, struct rep *h)
{
	struct rep *arr = rep_arr(h, "users");
	struct utmp_rec u;
	char s[260];
	int fd;

	fd = sys_file_open(c, "/run/utmp");
	if (fd < 0 && errno == ENOENT)
		fd = sys_file_open(c, "/var/run/utmp");
	if (fd < 0)
		return;		/* no utmp (newer Debian): no users, not an error */
	while (read(fd, &u, sizeof(u)) == (ssize_t)sizeof(u)) {
		struct rep *o;

		if (u.type != UTMP_USER_PROCESS)
			continue;
		o = rep_obj(arr, NULL);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.user), u.user);
		rep_str(o, "name", s);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.line), u.line);
		rep_str(o, "terminal", s);
		snprintf(s, sizeof(s), "%.*s", (int)sizeof(u.host), u.host);
		rep_str(o, "host", s);
		rep_i64(o, "started", u.tv_sec, UNIT_EPOCH);
		rep_i64(o, "pid", u.pid, UNIT_NONE);
	}
	close(fd);
}

static void
host_user(struct rep *h)
{
	struct rep *u = rep_obj(h, "user");
	struct passwd *pw;

	rep_u64(u, "uid", getuid(), UNIT_NONE);
	rep_u64(u, "gid", getgid(), UNIT_NONE);
	errno = 0;
	pw = getpwuid(getuid());
	if (pw == NULL) {
		const char *why = errno != 0 ? strerror(errno) :
		    "no passwd entry";

		rep_null(u, "name", why);
		rep_null(u, "home", why);
		rep_null(u, "shell", why);
		return;
	}
	rep_str(u, "name", pw->pw_name);
	rep_str(u, "home", pw->pw_dir);
	rep_str(u, "shell", pw->pw_shell);
}

void
sec_host(struct ctx *c)
{
	struct rep *h = NULL;
	struct utsname un;
	struct osrel os;
	struct loadavg la;
	struct proc_stat *st;
	struct winsize ws;
	double up, idle;
	int have_un, have_os, have_la, have_up, have_bt;
	int la_err, up_err, st_err;
	uint64_t btime = 0;

	have_un = uname(&un) == 0;
	have_os = si_read_osrel(c, &os) == 0;
	have_la = proc_loadavg(&la) == 0;
	la_err = errno;
	if (!have_la && si_is_bad(la_err))
		si_unreadable(c, proc_root(), "loadavg", la_err);
	have_up = proc_uptime(&up, &idle) == 0;
	up_err = errno;
	if (!have_up && si_is_bad(up_err))
		si_unreadable(c, proc_root(), "uptime", up_err);
	st = si_get_stat(c);
	st_err = st == NULL ? errno : ENOENT;	/* no btime line: ENOENT */
	have_bt = st != NULL && st->btime != 0;
	if (have_bt)
		btime = st->btime;

	if (c->pr) {
		if (have_un) {
			prom_family(&c->prom, "node_uname_info", "gauge",
			    "Labeled system information as provided by the uname system call.");
			prom_sample(&c->prom, "node_uname_info", 1,
			    "domainname", "(none)", "machine", un.machine,
			    "nodename", un.nodename, "release", un.release,
			    "sysname", un.sysname, "version", un.version, NULL);
		}
		if (have_os) {
			prom_family(&c->prom, "node_os_info", "gauge",
			    "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.");
			prom_sample(&c->prom, "node_os_info", 1,
			    "build_id", os.build_id, "id", os.id,
			    "id_like", os.id_like, "image_id", os.image_id,
			    "image_version", os.image_version,
			    "name", os.name, "pretty_name", os.pretty,
			    "variant", os.variant, "variant_id", os.variant_id,
			    "version", os.version_str,
			    "version_codename", os.codename,
			    "version_id", os.version, NULL);
			os_version(c, &os);
		}
		if (have_bt)
			si_prom_gauge(c, "node_boot_time_seconds",
			    "Node boot time, in unixtime.", (double)btime);
		if (have_la) {
			si_prom_gauge(c, "node_load1", "1m load average.", la.load1);
			si_prom_gauge(c, "node_load5", "5m load average.", la.load5);
			si_prom_gauge(c, "node_load15", "15m load average.", la.load15);
		}
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			si_prom_gauge(c, "node_time_seconds",
			    "System time in seconds since epoch (1970).",
			    ts.tv_sec + ts.tv_nsec / 1e9);
		}
		return;
	}

	h = rep_obj(c->root, "host");
	if (have_un) {
		rep_str(h, "hostname", un.nodename);
		rep_str(h, "system", un.sysname);
		rep_str(h, "release", un.release);
		rep_str(h, "version", un.version);
		rep_str(h, "machine", un.machine);
	}
	if (have_os) {
		rep_str(h, "os_name", os.name);
		rep_str(h, "os_version", os.version);
		rep_str(h, "os_pretty_name", os.pretty);
	} else {
		rep_null(h, "os_name", "no /etc/os-release");
		rep_null(h, "os_version", "no /etc/os-release");
		rep_null(h, "os_pretty_name", "no /etc/os-release");
	}
	if (have_bt)
		rep_u64(h, "boot_time", btime, UNIT_EPOCH);
	else
		si_missing(c, h, "boot_time", "stat", st_err);
	if (have_up)
		rep_f64(h, "uptime", up, UNIT_SECS);
	else
		si_missing(c, h, "uptime", "uptime", up_err);
	if (have_la) {
		rep_f64(h, "load1", la.load1, UNIT_NONE);
		rep_f64(h, "load5", la.load5, UNIT_NONE);
		rep_f64(h, "load15", la.load15, UNIT_NONE);
		rep_u64(h, "procs_running", la.running, UNIT_NONE);
		rep_u64(h, "procs_total", la.total, UNIT_NONE);
	} else {
		si_missing(c, h, "load1", "loadavg", la_err);
		si_missing(c, h, "load5", "loadavg", la_err);
		si_missing(c, h, "load15", "loadavg", la_err);
	}
	host_user(h);
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		struct rep *t = rep_obj(h, "terminal");

		rep_u64(t, "columns", ws.ws_col, UNIT_NONE);
		rep_u64(t, "lines", ws.ws_row, UNIT_NONE);
	} else
		rep_null(h, "terminal", "stdout is not a terminal");
	host_users(c, h);
}
