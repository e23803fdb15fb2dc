/*
 * ps extra: the keys that procps gets from elsewhere than the files of
 * read.c: the autogroup (its parser; read.c reads the file), the names
 * that libsystemd derives from the cgroup (slice, unit, user unit, login
 * session, owner, seat, machine), the LXC container, the NUMA node of the
 * last CPU, %CPU with the dead children's time, and procps's own layout
 * test keys.  What several rows share (pid 1's cgroup, the NUMA map) is
 * read once, on first use, into struct extra.
 */
#include "ps.h"

#include <sys/vfs.h>

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>

#include "../../lib/args.h"
#include "../../lib/fs.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC	0x27e0eb
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC		0x01021994
#endif

/* which line of /proc/PID/cgroup is systemd's, as libsystemd decides */
enum { SD_NONE, SD_UNIFIED, SD_LEGACY };

#define NCPU_MAP	4096

struct extra {
	int	 sd_mode, sd_read;
	char	*sd_root;		/* pid 1's systemd cgroup, init.scope cut */
	signed char node[NCPU_MAP];	/* cpu -> NUMA node + 2; 0 unknown */
	int	 nodes_dir;		/* 1 there, -1 not, 0 unread */
};

static struct extra *
ex(struct ctx *c)
{
	if (c->extra == NULL)
		c->extra = xcalloc(1, sizeof(*c->extra));
	return c->extra;
}

void
extra_free(struct ctx *c)
{
	if (c->extra == NULL)
		return;
	free(c->extra->sd_root);
	free(c->extra);
	c->extra = NULL;
}

/* ---- autogroup ---- */

/* "/autogroup-ID nice N"; anything else (an empty file: a kernel thread)
 * reads as procps's -1 and 0 */
int
parse_autogroup(const struct ctx *c, const char *s, size_t n, void *out)
{
	struct row *r = out;
	char buf[64];

	r->agid = -1;
	r->agnice = 0;
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "/autogroup-%d nice %d", &r->agid, &r->agnice) < 1)
		r->agid = -1;
	return 0;
}

void
get_ag(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_INT;
	v->i = kv->arg == 0 ? ((r->have & F_AUTOGRP) ? r->agid : -1) :
	    ((r->have & F_AUTOGRP) ? r->agnice : 0);
}

int
cell_agid(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return fmt_i64(p, (r->have & F_AUTOGRP) ? r->agid : -1);
}

int
cell_agnice(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return fmt_i64(p, (r->have & F_AUTOGRP) ? r->agnice : 0);
}

/* ---- %CPU over the process's life, ##.### (cuu; cuc with the dead
 * children's time), as procps computes it (in float) ---- */

static double
util3(struct ctx *c, const struct row *r, int children)
{
	uint64_t t = r->st.utime + r->st.stime;
	double life = uptime(c) * (double)c->hz - (double)r->st.starttime;
	double u = 0;

	if (children && r->st.cutime > 0)
		t += (uint64_t)r->st.cutime;
	if (children && r->st.cstime > 0)
		t += (uint64_t)r->st.cstime;
	if (life > 0)
		u = (double)((float)t * 100.0f) / life;
	if (u > 99.0)
		u = 99.999;
	return u;
}

void
get_util3(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_REAL;
	v->d = util3(c, r, kv->arg);
}

int
cell_cuc(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return snprintf(p, 32, "%#.3f", util3(c, r, 1));
}

int
cell_cuu(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return snprintf(p, 32, "%#.3f", util3(c, r, 0));
}

/* ---- the NUMA node of the last CPU ---- */

struct nodearg {
	int	 cpu, node;
};

static int
node_has(int dfd, const char *name, unsigned type, void *arg)
{
	struct nodearg *na = arg;
	char rel[64];
	char *e;
	long n;

	if (strncmp(name, "node", 4) != 0 || name[4] < '0' || name[4] > '9')
		return 0;
	n = strtol(name + 4, &e, 10);
	if (*e != '\0' || n < 0 || n > 120)
		return 0;
	snprintf(rel, sizeof(rel), "%s/cpu%d", name, na->cpu);
	if (faccessat(dfd, rel, F_OK, 0) != 0)
		return 0;
	na->node = (int)n;
	return 1;
}

/* libnuma's numa_node_of_cpu: the node whose directory lists the CPU;
 * 0 on a kernel without nodes (one node), -1 when none lists it */
static int
numa_node(struct ctx *c, int cpu)
{
	struct extra *x = ex(c);
	struct nodearg na = { cpu, -1 };
	char path[PATH_MAX];
	int fd;

	if (cpu < 0)
		return -1;
	if (cpu < NCPU_MAP && x->node[cpu] != 0)
		return x->node[cpu] - 2;
	snprintf(path, sizeof(path), "%s/devices/system/node", sys_root());
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		na.node = 0;
	else {
		fs_dir_each(fd, node_has, &na);
		close(fd);
	}
	if (cpu < NCPU_MAP)
		x->node[cpu] = (signed char)(na.node + 2);
	return na.node;
}

void
get_numa(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_INT;
	v->i = numa_node(c, r->st.processor);
}

/* ---- names from the cgroup ---- */

/* the LXC container of the cgroup, as procps finds it */
int
cell_lxc(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	static const char *const delims[] = {
		"lxc.payload.", "lxc.payload/", "lxc/",
	};
	const char *s, *p1 = NULL, *p2, *eol, *end;
	size_t dl = 0, i;

	if (!(r->have & F_CGROUP) || r->cgroup == NULL)
		return -1;
	s = r->cgroup;
	for (i = 0; i < nitems(delims) && p1 == NULL; i++) {
		p1 = strstr(s, delims[i]);
		dl = strlen(delims[i]);
	}
	if (p1 == NULL)
		return -1;
	if ((eol = strchr(p1, '\n')) == NULL)
		eol = p1 + strlen(p1);
	i--;
	do {				/* the innermost of nested ones */
		p2 = p1 + dl;
		p1 = memmem(p2, (size_t)(eol - p2), delims[i], dl);
	} while (p1 != NULL);
	if ((end = memchr(p2, '/', (size_t)(eol - p2))) == NULL)
		end = eol;
	return text_cell(c, outp, p2, (size_t)(end - p2), INT_MAX, 0, NULL, 0);
}

/*
 * libsystemd's reading of the cgroup (sd_pid_get_slice and the others):
 * the path of the systemd hierarchy (the unified "0::" line, or the
 * "name=systemd" one on a legacy machine), below the root that pid 1 is
 * in, then slices, a unit, and under user@UID.service or a session scope
 * the user's own units.
 */
static int
sd_mode(struct ctx *c, const char *pid1)
{
	struct statfs fs;

	if (strcmp(c->root, "/proc") != 0)	/* a captured tree */
		return strstr(pid1, ":name=systemd:") != NULL ? SD_LEGACY :
		    SD_UNIFIED;
	if (statfs("/sys/fs/cgroup/", &fs) != 0)
		return SD_NONE;
	if (fs.f_type == CGROUP2_SUPER_MAGIC)
		return SD_UNIFIED;
	if (fs.f_type != TMPFS_MAGIC)
		return SD_NONE;
	if (statfs("/sys/fs/cgroup/unified/", &fs) == 0 &&
	    fs.f_type == CGROUP2_SUPER_MAGIC)
		return SD_UNIFIED;
	if (statfs("/sys/fs/cgroup/systemd/", &fs) != 0)
		return SD_NONE;
	if (fs.f_type == CGROUP2_SUPER_MAGIC)
		return SD_UNIFIED;
	return fs.f_type == CGROUP_SUPER_MAGIC ? SD_LEGACY : SD_NONE;
}

/* The systemd path of a cgroup file's text into out; -1 when none. */
static int
sd_path(int mode, const char *s, char *out, size_t outlen)
{
	const char *le, *a, *b, *w;
	size_t n;

	for (; *s != '\0'; s = *le != '\0' ? le + 1 : le) {
		if ((le = strchr(s, '\n')) == NULL)
			le = s + strlen(s);
		if ((a = memchr(s, ':', (size_t)(le - s))) == NULL ||
		    (b = memchr(a + 1, ':', (size_t)(le - a - 1))) == NULL)
			continue;
		if (mode == SD_UNIFIED && !(a == s + 1 && *s == '0'))
			continue;
		if (mode == SD_LEGACY) {
			for (w = a + 1; w < b; w += n + 1) {
				n = strcspn(w, ",:");
				if (n == 12 && memcmp(w, "name=systemd", 12) == 0)
					break;
			}
			if (w >= b)
				continue;
		}
		n = (size_t)(le - b - 1);
		if (n >= 10 && memcmp(b + 1 + n - 10, " (deleted)", 10) == 0)
			n -= 10;
		if (n >= outlen)
			return -1;
		memcpy(out, b + 1, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

/* pid 1's path, the root the others are shifted below */
static const char *
sd_root(struct ctx *c)
{
	struct extra *x = ex(c);
	char *buf, path[4096];
	size_t n;
	static const char *const tails[] = {
		"/init.scope", "/system.slice", "/system",
	};
	size_t i;

	if (x->sd_read)
		return x->sd_root;
	x->sd_read = 1;
	if ((buf = proc_slurp(c->root, "1/cgroup", NULL)) == NULL)
		return NULL;
	x->sd_mode = sd_mode(c, buf);
	if (x->sd_mode != SD_NONE &&
	    sd_path(x->sd_mode, buf, path, sizeof(path)) == 0) {
		n = strlen(path);
		for (i = 0; i < nitems(tails); i++) {
			size_t tl = strlen(tails[i]);

			if (n >= tl && strcmp(path + n - tl, tails[i]) == 0) {
				path[n - tl] = '\0';
				break;
			}
		}
		x->sd_root = xstrdup(path);
	}
	free(buf);
	return x->sd_root;
}

static const char *const unit_types[] = {
	"service", "socket", "target", "device", "mount", "automount",
	"swap", "timer", "path", "slice", "scope",
};

#define UNIT_PLAIN	1
#define UNIT_INSTANCE	2

/* systemd's unit_name_is_valid */
static int
unit_valid(const char *s, size_t n, int flags)
{
	const char *e = NULL, *at = NULL, *q;
	size_t i;

	if (n == 0 || n >= 256)
		return 0;
	for (q = s; q < s + n; q++)
		if (*q == '.')
			e = q;
	if (e == NULL || e == s)
		return 0;
	for (i = 0; i < nitems(unit_types); i++)
		if (strlen(unit_types[i]) == (size_t)(s + n - e - 1) &&
		    memcmp(e + 1, unit_types[i], (size_t)(s + n - e - 1)) == 0)
			break;
	if (i == nitems(unit_types))
		return 0;
	for (q = s; q < e; q++) {
		if (*q == '@' && at == NULL)
			at = q;
		if (!isalnum((unsigned char)*q) && strchr(":-_.\\@", *q) == NULL)
			return 0;
	}
	if (at == s)
		return 0;
	if ((flags & UNIT_PLAIN) && at == NULL)
		return 1;
	return (flags & UNIT_INSTANCE) && at != NULL && e > at + 1;
}

/* cg_unescape: a leading '_' goes */
static void
unesc(const char **s, size_t *n)
{
	if (*n > 0 && **s == '_') {
		(*s)++;
		(*n)--;
	}
}

static int
slice_name(const char *p, size_t n)
{
	if (n < 7 || memcmp(p + n - 6, ".slice", 6) != 0)
		return 0;
	unesc(&p, &n);
	return unit_valid(p, n, UNIT_PLAIN);
}

static const char *
skip_slices(const char *p)
{
	size_t n;

	for (;;) {
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!slice_name(p, n))
			return p;
		p += n;
	}
}

/* The unit named by the first component of p into out (cg_path_decode_unit) */
static int
decode_unit(const char *p, char *out, size_t outlen)
{
	size_t n = strcspn(p, "/");

	if (n < 3)
		return -1;
	unesc(&p, &n);
	if (!unit_valid(p, n, UNIT_PLAIN | UNIT_INSTANCE) || n >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int
path_unit(const char *path, char *out, size_t outlen)
{
	size_t n;

	if (decode_unit(skip_slices(path), out, outlen) != 0)
		return -1;
	n = strlen(out);
	return n >= 6 && strcmp(out + n - 6, ".slice") == 0 ? -1 : 0;
}

static int
path_slice(const char *p, char *out, size_t outlen)
{
	const char *e = NULL;
	size_t n;

	for (;;) {
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!slice_name(p, n))
			break;
		e = p;
		p += n;
	}
	if (e == NULL) {
		snprintf(out, outlen, "-.slice");
		return 0;
	}
	return decode_unit(e, out, outlen);
}

static int
session_id_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return 1;
}

/* systemd's parse_uid: decimal, not (uid_t)-1 nor the 16-bit -1 */
static int
uid_valid(const char *s, size_t n, uint64_t *out)
{
	char buf[16];

	if (n == 0 || n >= sizeof(buf) || !isdigit((unsigned char)*s))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return args_uint(buf, 0, UINT32_MAX - 1, out) == 0 && *out != 65535;
}

/* a component NAME (prefix PRE, suffix SUF) at p: what follows it, or NULL */
static const char *
skip_named(const char *p, const char *pre, const char *suf, int uid)
{
	size_t n, pl = strlen(pre), sl = strlen(suf);
	uint64_t v;

	if (*p == '\0')
		return NULL;
	p += strspn(p, "/");
	n = strcspn(p, "/");
	if (n < pl + sl + 1 || memcmp(p, pre, pl) != 0 ||
	    memcmp(p + n - sl, suf, sl) != 0)
		return NULL;
	if (uid ? !uid_valid(p + pl, n - pl - sl, &v) :
	    !session_id_valid(p + pl, n - pl - sl))
		return NULL;
	p += n;
	return p + strspn(p, "/");
}

/* a value of the session's file in /run/systemd/sessions */
static int
session_get(const char *sess, const char *key, char *out, size_t outlen)
{
	char path[400], *buf, *s, *e;
	size_t kl = strlen(key), n;
	int rc = -1;

	snprintf(path, sizeof(path), "/run/systemd/sessions/%s", sess);
	if ((buf = proc_slurp("/", path + 1, NULL)) == NULL)
		return -1;
	for (s = buf; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
		e = s + strcspn(s, "\n");
		if ((size_t)(e - s) <= kl || memcmp(s, key, kl) != 0 ||
		    s[kl] != '=')
			continue;
		s += kl + 1;
		n = (size_t)(e - s);
		if (n >= 2 && (*s == '"' || *s == '\'') && s[n - 1] == *s) {
			s++;
			n -= 2;
		}
		if (n > 0 && n < outlen) {
			memcpy(out, s, n);
			out[n] = '\0';
			rc = 0;
		}
	}
	free(buf);
	return rc;
}

/* kval.arg of the systemd keys */
enum { SDK_SLICE, SDK_UNIT, SDK_UUNIT, SDK_SESSION, SDK_OUID, SDK_SEAT,
	SDK_MACHINE };

/* The value of systemd key k for the cgroup path (shifted) into out. */
static int
sd_value(int k, const char *path, char *out, size_t outlen)
{
	char unit[300], link[400];
	const char *t;
	uint64_t uid;
	ssize_t n;

	switch (k) {
	case SDK_SLICE:
		return path_slice(path, out, outlen);
	case SDK_UNIT:
		return path_unit(path, out, outlen);
	case SDK_UUNIT:
		t = skip_slices(path);
		if ((path = skip_named(t, "user@", ".service", 1)) == NULL &&
		    (path = skip_named(t, "session-", ".scope", 0)) == NULL)
			return -1;
		return path_unit(path, out, outlen);
	case SDK_SESSION:
	case SDK_SEAT:
		if (path_unit(path, unit, sizeof(unit)) != 0 ||
		    strncmp(unit, "session-", 8) != 0 ||
		    strlen(unit) < 8 + 6 ||
		    strcmp(unit + strlen(unit) - 6, ".scope") != 0 ||
		    !session_id_valid(unit + 8, strlen(unit) - 8 - 6))
			return -1;
		unit[strlen(unit) - 6] = '\0';
		if (k == SDK_SEAT)
			return session_get(unit + 8, "SEAT", out, outlen);
		snprintf(out, outlen, "%s", unit + 8);
		return 0;
	case SDK_OUID:
		if (path_slice(path, unit, sizeof(unit)) != 0 ||
		    strncmp(unit, "user-", 5) != 0 || strlen(unit) < 5 + 6 ||
		    strcmp(unit + strlen(unit) - 6, ".slice") != 0 ||
		    !uid_valid(unit + 5, strlen(unit) - 5 - 6, &uid))
			return -1;
		snprintf(out, outlen, "%" PRIu64, uid);
		return 0;
	default:
		if (path_unit(path, unit, sizeof(unit)) != 0)
			return -1;
		snprintf(link, sizeof(link), "/run/systemd/machines/unit:%s",
		    unit);
		if ((n = readlink(link, out, outlen - 1)) <= 0)
			return -1;
		out[n] = '\0';
		return 0;
	}
}

int
cell_sd(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *root, *path;
	char raw[4096], val[300];
	size_t rl;

	if (!(r->have & F_CGROUP) || r->cgroup == NULL ||
	    (root = sd_root(c)) == NULL ||
	    sd_path(c->extra->sd_mode, r->cgroup, raw, sizeof(raw)) != 0)
		return -1;
	/* below pid 1's root: cg_shift_path */
	path = raw;
	rl = strlen(root);
	if (strcmp(root, "/") != 0 && strncmp(raw, root, rl) == 0 &&
	    (raw[rl] == '/' || raw[rl] == '\0'))
		path = raw[rl] == '\0' ? "/" : raw + rl;
	if (sd_value(kv->arg, path, val, sizeof(val)) != 0)
		return -1;
	return text_cell(c, outp, val, strlen(val), INT_MAX, 0, NULL, 0);
}

/* ---- procps's layout test keys: values that cycle with the lines left
 * before the next header (kval.arg: which) ---- */

static const char *const t_left[] = {
	"tty7", "pts/9999", "iseries/vtty42", "ttySMX0", "3270/tty4",
};
static const char *const t_left2[] = {
	"tty7", "pts/9999", "ttySMX0", "3270/tty4",
};
static const char *const t_right[] = {
	"999-23:59:59", "99-23:59:59", "9-23:59:59", "59:59",
};
static const char *const t_right2[] = {
	"999-23:59:59", "99-23:59:59", "9-23:59:59",
};
static const char *const t_unlim[] = {
	"[123456789-12345] <defunct>", "ps", "123456789-123456",
};
static const char *const t_unlim2[] = {
	"unlimited", "[123456789-12345] <defunct>", "ps", "123456789-123456",
};

int
cell_test(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	static const struct {
		const char *const *v;
		unsigned n;
	} t[] = {
		{ t_left, 5 }, { t_left2, 4 }, { t_right, 4 }, { t_right2, 3 },
		{ t_unlim, 3 }, { t_unlim2, 4 },
	};
	const char *s = t[kv->arg].v[(unsigned)c->ltnh % t[kv->arg].n];

	return text_cell(c, outp, s, strlen(s), kv->arg >= 4 ? maxc : INT_MAX,
	    0, NULL, 0);
}
