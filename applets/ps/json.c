/*
 * ps json: --json.  Without -o, each process as psutil's Process gives it
 * (its field names, bytes, seconds, epoch times); with -o, the keys asked,
 * each as its kval says: its number, its own writer, or its text.
 */
#include "ps.h"

static const char *
psutil_status(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk-sleep";
	case 'T': return "stopped";
	case 't': return "tracing-stop";
	case 'Z': return "zombie";
	case 'X':
	case 'x': return "dead";
	case 'K': return "wake-kill";
	case 'W': return "waking";
	case 'I': return "idle";
	case 'P': return "parked";
	}
	return "unknown";
}

/* psutil's cmdline(): split on NULs, or on spaces when a process rewrote
 * its arguments as one string. */
static void
json_cmdline(struct json *j, const char *key, const struct row *r)
{
	const char *s = r->cmdline, *e, *p;
	size_t n = r->cmdlen;
	char sep;

	if (!(r->have & F_CMDLINE)) {
		json_null(j, key);
		return;
	}
	json_arr(j, key);
	if (n == 0) {
		json_end(j);
		return;
	}
	sep = s[n - 1] == '\0' ? '\0' : ' ';
	if (s[n - 1] == sep)
		n--;
	if (sep == '\0' && memchr(s, '\0', n) == NULL && memchr(s, ' ', n))
		sep = ' ';
	for (p = s, e = s + n; p <= e;) {
		const char *q = memchr(p, sep, (size_t)(e - p));

		if (q == NULL)
			q = e;
		json_strn(j, NULL, p, (size_t)(q - p));
		p = q + 1;
	}
	json_end(j);
}

/* psutil's name(): the stat name, or the command's base name when the
 * stat name is its 15-character cut. */
static void
json_name(struct json *j, const struct row *r)
{
	const char *name = r->st.comm, *a, *base, *end;
	size_t n = strlen(name);

	if (n >= 15 && (r->have & F_CMDLINE) && r->cmdlen > 0) {
		a = r->cmdline;
		end = memchr(a, '\0', r->cmdlen);
		if (end == NULL)
			end = a + r->cmdlen;
		for (base = end; base > a && base[-1] != '/'; base--)
			;
		if ((size_t)(end - base) >= n && memcmp(base, name, n) == 0) {
			json_strn(j, "name", base, (size_t)(end - base));
			return;
		}
	}
	json_str(j, "name", name);
}

static void
json_environ(struct json *j, const char *key, const struct row *r)
{
	const char *p, *e, *q, *eq;

	if (!(r->have & F_ENVIRON)) {
		json_null(j, key);
		return;
	}
	json_obj(j, key);
	for (p = r->environ, e = p + r->envlen; p < e; p = q + 1) {
		char name[256];

		if ((q = memchr(p, '\0', (size_t)(e - p))) == NULL)
			q = e;
		eq = memchr(p, '=', (size_t)(q - p));
		if (eq == NULL || eq == p || (size_t)(eq - p) >= sizeof(name))
			continue;
		memcpy(name, p, (size_t)(eq - p));
		name[eq - p] = '\0';
		json_strn(j, name, eq + 1, (size_t)(q - eq - 1));
	}
	json_end(j);
}

/* A number from stat field n, or null when it did not parse. */
static void
stat_i64(struct json *j, const char *key, const struct row *r, int n,
    int64_t v)
{
	if (STAT_OK(r, SF(n)))
		json_i64(j, key, v);
	else
		json_null(j, key);
}

static void
stat_f64(struct json *j, const char *key, const struct row *r, int n,
    double v)
{
	if (STAT_OK(r, SF(n)))
		json_f64(j, key, v);
	else
		json_null(j, key);
}

static void
json_psutil(struct ctx *c, const struct row *r)
{
	struct json *j = &c->j;
	double hz = (double)c->hz;

	json_obj(j, NULL);
	json_i64(j, "pid", r->pid);
	if (r->thread)
		json_i64(j, "tid", r->tid);
	stat_i64(j, "ppid", r, 4, r->st.ppid);
	json_name(j, r);
	if (r->have & F_EXE)
		json_str(j, "exe", r->exe);
	else if (r->exe != NULL)
		json_str(j, "exe", "");
	else
		json_null(j, "exe");
	json_cmdline(j, "cmdline", r);
	json_str(j, "status", psutil_status(r->st.state));
	if (r->have & F_STATUS) {
		json_str(j, "username", user_name(c, r->ss.uid[0]));
		json_obj(j, "uids");
		json_u64(j, "real", r->ss.uid[0]);
		json_u64(j, "effective", r->ss.uid[1]);
		json_u64(j, "saved", r->ss.uid[2]);
		json_end(j);
		json_obj(j, "gids");
		json_u64(j, "real", r->ss.gid[0]);
		json_u64(j, "effective", r->ss.gid[1]);
		json_u64(j, "saved", r->ss.gid[2]);
		json_end(j);
	} else {
		json_null(j, "username");
		json_null(j, "uids");
		json_null(j, "gids");
	}
	stat_f64(j, "create_time", r, 22, (double)btime(c) +
	    (double)r->st.starttime / hz);
	json_obj(j, "cpu_times");
	stat_f64(j, "user", r, 14, (double)r->st.utime / hz);
	stat_f64(j, "system", r, 15, (double)r->st.stime / hz);
	stat_f64(j, "children_user", r, 16, (double)r->st.cutime / hz);
	stat_f64(j, "children_system", r, 17, (double)r->st.cstime / hz);
	stat_f64(j, "iowait", r, 42, (double)r->st.blkio_ticks / hz);
	json_end(j);
	if (r->spcpu >= 0)
		json_f64(j, "cpu_percent", r->spcpu);
	json_obj(j, "memory_info");
	if (r->have & F_STATM) {
		uint64_t ps = (uint64_t)c->pagesize;

		json_u64(j, "rss", r->mem.resident * ps);
		json_u64(j, "vms", r->mem.size * ps);
		json_u64(j, "shared", r->mem.shared * ps);
		json_u64(j, "text", r->mem.text * ps);
		json_u64(j, "lib", r->mem.lib * ps);
		json_u64(j, "data", r->mem.data * ps);
		json_u64(j, "dirty", r->mem.dirty * ps);
	} else {
		stat_i64(j, "rss", r, 24, mul_sat(r->st.rss, c->pagesize));
		if (STAT_OK(r, SF(23)))
			json_u64(j, "vms", r->st.vsize);
		else
			json_null(j, "vms");
	}
	json_end(j);
	if (memtotal(c) > 0 && rss_pages(c, r) >= 0)
		json_f64(j, "memory_percent", (double)rss_pages(c, r) *
		    (double)c->pagesize * 100.0 / ((double)memtotal(c) * 1024));
	else
		json_null(j, "memory_percent");
	stat_i64(j, "num_threads", r, 20, r->st.num_threads);
	if (r->have & F_FDS)
		json_i64(j, "num_fds", r->fds);
	else
		json_null(j, "num_fds");
	if (!STAT_OK(r, SF(7)))
		json_null(j, "terminal");
	else if (r->st.tty_nr != 0) {
		char t[48];

		snprintf(t, sizeof(t), "/dev/%s", tty_name(c, r->st.tty_nr));
		json_str(j, "terminal", t);
	} else
		json_null(j, "terminal");
	stat_i64(j, "nice", r, 19, r->st.nice);
	stat_i64(j, "cpu_num", r, 39, r->st.processor);
	if ((r->have & F_STATUS) && (r->ss.has & PST_CTXT)) {
		json_obj(j, "num_ctx_switches");
		json_u64(j, "voluntary", r->ss.vol_ctxt);
		json_u64(j, "involuntary", r->ss.nonvol_ctxt);
		json_end(j);
	} else
		json_null(j, "num_ctx_switches");
	json_end(j);
}

/* ---- the -o keys that JSON writes otherwise than their number ---- */

/* a user or group name (id_of's which in arg) */
void
json_user(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	uint32_t id;

	if (id_of(r, kv->arg, &id) != 0)
		json_null(&c->j, name);
	else
		json_str(&c->j, name, kv->arg >= 4 ? group_name(c, id) :
		    user_name(c, id));
}

void
json_tty(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	if (r->st.tty_nr == 0)
		json_null(&c->j, name);
	else
		json_str(&c->j, name, tty_name(c, r->st.tty_nr));
}

void
json_comm(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	json_str(&c->j, name, r->st.comm);
}

/* the command line as a list, as psutil's cmdline(); BSD c: the name */
void
json_args(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	if (c->o->bsd_c)
		json_str(&c->j, name, r->st.comm);
	else
		json_cmdline(&c->j, name, r);
}

/* arg 0: exe, 1: cwd */
void
json_path(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	if (!(r->have & (kv->arg == 0 ? F_EXE : F_CWD)))
		json_null(&c->j, name);
	else
		json_str(&c->j, name, kv->arg == 0 ? r->exe : r->cwd);
}

void
json_env(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	json_environ(&c->j, name, r);
}

/* the whole id, not the 12 digits of the text */
void
json_container(struct ctx *c, const struct row *r, const struct kval *kv,
    const char *name)
{
	if (r->container[0] == '\0')
		json_null(&c->j, name);
	else
		json_str(&c->j, name, r->container);
}

/* One -o key: its own writer, its number, or its text ("-" is null). */
static void
json_key(struct ctx *c, const struct row *r, const struct col *col)
{
	const struct kval *kv = col->k->v;
	const char *name = key_jname(col->k);
	char small[256], *txt;
	struct val v;

	if (!STAT_OK(r, kv->stat)) {
		json_null(&c->j, name);
		return;
	}
	if (kv->json != NULL) {
		kv->json(c, r, kv, name);
		return;
	}
	if (kv->get != NULL) {
		kv->get(c, r, kv, &v);
		switch (v.type) {
		case V_INT: json_i64(&c->j, name, v.i); return;
		case V_UINT: json_u64(&c->j, name, v.u); return;
		case V_REAL: json_f64(&c->j, name, v.d); return;
		}
		json_null(&c->j, name);
		return;
	}
	if (cell(c, r, col, small, &txt, INT_MAX) == 1 && strcmp(txt, "-") == 0)
		json_null(&c->j, name);
	else
		json_str(&c->j, name, txt);
}

void
json_row(struct ctx *c, const struct row *r)
{
	int i, k;

	if (!c->o->have_o && c->o->O == NULL && c->o->bsdO == NULL) {
		json_psutil(c, r);
		return;
	}
	json_obj(&c->j, NULL);
	for (i = 0; i < c->fmt.n; i++) {
		/* a key named twice is written once */
		for (k = 0; k < i; k++)
			if (strcmp(key_jname(c->fmt.c[k].k),
			    key_jname(c->fmt.c[i].k)) == 0)
				break;
		if (k == i)
			json_key(c, r, &c->fmt.c[i]);
	}
	json_end(&c->j);
}
