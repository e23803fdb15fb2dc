/* sysinfo conn: sockets, as psutil.net_connections() and ss -tunap. */
#include "sysinfo.h"

static const char *
sock_proto(const struct sockent *s)
{
	if (s->family == AF_UNIX)
		return "unix";
	if (s->type == SOCK_STREAM)
		return s->family == AF_INET6 ? "tcp6" : "tcp";
	return s->family == AF_INET6 ? "udp6" : "udp";
}

static void
sock_addr(char *dst, size_t len, const struct sockent *s, int remote)
{
	const char *a = remote ? s->raddr : s->laddr;
	unsigned port = remote ? s->rport : s->lport;

	if (s->family == AF_UNIX)
		snprintf(dst, len, "%s", a);
	else if (s->family == AF_INET6)
		snprintf(dst, len, "[%s]:%u", a, port);
	else
		snprintf(dst, len, "%s:%u", a, port);
}

static struct tbl *
conn_table(int pids)
{
	struct tbl *t = tbl_new();

	if (t == NULL)
		return NULL;
	tbl_col(t, "PROTO", TBL_LEFT);
	tbl_col(t, "LOCAL", TBL_LEFT);
	tbl_col(t, "REMOTE", TBL_LEFT);
	tbl_col(t, "STATE", TBL_LEFT);
	tbl_col(t, "UID", TBL_RIGHT);
	tbl_col(t, "INODE", TBL_RIGHT);
	if (pids) {
		tbl_col(t, "PID", TBL_RIGHT);
		tbl_col(t, "NAME", TBL_LEFT);
	}
	return t;
}

/* One socket's row; -1 when out of memory. */
static int
conn_row(struct tbl *t, const struct sockent *s, int pids)
{
	char a[300];
	int rc = 0;

	rc |= tbl_row(t);
	rc |= tbl_cell(t, sock_proto(s));
	sock_addr(a, sizeof(a), s, 0);
	out_vis(a, sizeof(a), a, strlen(a));
	rc |= tbl_cell(t, a);
	sock_addr(a, sizeof(a), s, 1);
	out_vis(a, sizeof(a), a, strlen(a));
	rc |= tbl_cell(t, a);
	rc |= tbl_cell(t, sock_state_name(s->state));
	rc |= tbl_cellf(t, "%u", s->uid);
	rc |= tbl_cellf(t, "%llu", (unsigned long long)s->inode);
	if (pids) {
		if (s->pid > 0) {
			rc |= tbl_cellf(t, "%d", s->pid);
			out_vis(a, sizeof(a), s->comm, strlen(s->comm));
			rc |= tbl_cell(t, a);
		} else {
			rc |= tbl_cell(t, "-");
			rc |= tbl_cell(t, "-");
		}
	}
	return rc != 0 ? -1 : 0;
}

static void
conn_text(struct ctx *c, const struct socklist *sl)
{
	struct tbl *t = conn_table(c->pids);
	int i;

	if (t == NULL) {
		warn("conn");
		c->rc = 1;
		return;
	}
	for (i = 0; i < sl->n; i++)
		if (conn_row(t, &sl->s[i], c->pids) == -1) {
			warn("conn");
			c->rc = 1;
			break;
		}
	tbl_print(t, stdout, 0);
	tbl_free(t);
}

/* ---- streamed: no --pids, so no socket needs to be held ---- */

/*
 * The streamed table: each socket's six cells, NUL-terminated, one after
 * another in one buffer (about 60 bytes a socket, where a struct sockent
 * is 320 and a tbl row 160), with the widths kept as the rows come, and
 * printed as tbl_print prints conn_table(0) (no trailing blanks, two
 * spaces between columns, UID and INODE right-aligned).  Only for inet
 * sockets: every cell is then ASCII (addresses, numbers, state names), so
 * a width is a length; a unix socket's path may not be, and goes through
 * tbl.
 */
#define NCELL	6
#define RIGHT0	4	/* UID and INODE, from here on, are right-aligned */

struct rows {
	char	*buf;
	size_t	 len, cap;
	size_t	 w[NCELL];
};

static const char *const conn_head[NCELL] = { "PROTO", "LOCAL", "REMOTE",
    "STATE", "UID", "INODE" };

static void
rows_put(struct rows *r, int col, const char *s)
{
	size_t n = strlen(s);

	xgrow(&r->buf, &r->cap, r->len + n + 1, 1);
	memcpy(r->buf + r->len, s, n + 1);
	r->len += n + 1;
	if (n > r->w[col])
		r->w[col] = n;
}

/* v's decimal digits, ending at end; returns the first. */
static char *
digits(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return end;
}

/* An inet address as sock_addr writes it, without printf (musl's made
 * the static build's conn slower than ss): "a.b.c.d:port", "[v6]:port".
 * The address is lib/sockdiag's numeric text: nothing to escape. */
static const char *
inet_addr_text(char *buf, size_t len, const struct sockent *s, int remote)
{
	const char *a = remote ? s->raddr : s->laddr;
	size_t n = strlen(a), k = 0;
	char num[24], *d;

	if (n + 10 > len)
		return "";
	if (s->family == AF_INET6)
		buf[k++] = '[';
	memcpy(buf + k, a, n);
	k += n;
	if (s->family == AF_INET6)
		buf[k++] = ']';
	buf[k++] = ':';
	d = digits(num + sizeof(num), remote ? s->rport : s->lport);
	n = (size_t)(num + sizeof(num) - d);
	memcpy(buf + k, d, n);
	buf[k + n] = '\0';
	return buf;
}

static int
each_row(const struct sockent *s, void *arg)
{
	struct rows *r = arg;
	char a[300], num[24];

	num[sizeof(num) - 1] = '\0';
	rows_put(r, 0, sock_proto(s));
	rows_put(r, 1, inet_addr_text(a, sizeof(a), s, 0));
	rows_put(r, 2, inet_addr_text(a, sizeof(a), s, 1));
	rows_put(r, 3, sock_state_name(s->state));
	rows_put(r, 4, digits(num + sizeof(num) - 1, s->uid));
	rows_put(r, 5, digits(num + sizeof(num) - 1, s->inode));
	return 0;
}

/* One line, padding held back until something visible follows it. */
static void
rows_line(const struct rows *r, const char *const *cell)
{
	size_t i, pend = 0, w;

	for (i = 0; i < NCELL; i++) {
		w = strlen(cell[i]);
		if (i > 0)
			pend += 2;
		if (i >= RIGHT0)
			pend += r->w[i] - w;
		if (cell[i][0] != '\0') {
			for (; pend > 0; pend--)
				putchar_unlocked(' ');
			fputs_unlocked(cell[i], stdout);
		}
		if (i < RIGHT0)
			pend += r->w[i] - w;
	}
	putchar_unlocked('\n');
}

static void
rows_print(const struct rows *r)
{
	const char *cell[NCELL];
	size_t off = 0, i;

	rows_line(r, conn_head);
	while (off < r->len) {
		for (i = 0; i < NCELL; i++) {
			cell[i] = r->buf + off;
			off += strlen(cell[i]) + 1;
		}
		rows_line(r, cell);
	}
}

struct counts {
	int	 n[4];
};

static const char *const prom_states[] = { "ESTABLISHED", "LISTEN",
    "TIME_WAIT", "CLOSE_WAIT" };

static int
each_count(const struct sockent *s, void *arg)
{
	struct counts *k = arg;
	const char *name;
	size_t i;

	if (s->family == AF_UNIX || s->type != SOCK_STREAM)
		return 0;
	name = sock_state_name(s->state);
	for (i = 0; i < nitems(prom_states); i++)
		if (strcmp(name, prom_states[i]) == 0)
			k->n[i]++;
	return 0;
}

static void
conn_failed(struct ctx *c, const struct socklist *sl, int err)
{
	/* the table has no place for a null: say why (a bad file is said
	 * by si_missing, once) */
	if (c->fmt == F_TEXT && !si_is_bad(err))
		warnx("cannot read the sockets: %s", strerror(err));
	si_missing(c, c->root, "conn", sl->file != NULL ? sl->file : "net",
	    err);
}

/* The text table of inet sockets and the Prometheus counts without
 * --pids, from sock_each: no list of sockets is held, which at 10,000
 * sockets doubled the peak RSS. */
static void
conn_stream(struct ctx *c)
{
	struct socklist sl;
	struct counts k;
	struct rows r;
	size_t i;

	if (c->pr) {
		memset(&k, 0, sizeof(k));
		if (sock_each(c->kinds, each_count, &k, &sl) != 0) {
			conn_failed(c, &sl, errno);
			return;
		}
		prom_family(&c->prom, "syskit_sockets", "gauge",
		    "Sockets by protocol and state.");
		for (i = 0; i < nitems(prom_states); i++)
			prom_sample(&c->prom, "syskit_sockets", k.n[i],
			    "proto", "tcp", "state", prom_states[i], NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	for (i = 0; i < NCELL; i++)
		r.w[i] = strlen(conn_head[i]);
	if (sock_each(c->kinds, each_row, &r, &sl) != 0)
		conn_failed(c, &sl, errno);
	else
		rows_print(&r);
	free(r.buf);
}

static void
conn_addr(struct rep *e, const char *key, const struct sockent *s, int remote)
{
	const char *a = remote ? s->raddr : s->laddr;
	struct rep *o;

	if (s->family == AF_UNIX) {
		rep_str(e, key, a);
		return;
	}
	if (remote && s->rport == 0 && (strcmp(a, "0.0.0.0") == 0 ||
	    strcmp(a, "::") == 0)) {
		rep_null(e, key, NULL);		/* psutil: an empty tuple */
		return;
	}
	o = rep_obj(e, key);
	rep_str(o, "ip", a);
	rep_u64(o, "port", remote ? s->rport : s->lport, UNIT_NONE);
}

void
sec_conn(struct ctx *c)
{
	struct socklist sl;
	struct rep *arr;
	int i;

	if (!c->pids && (c->pr ||
	    (c->fmt == F_TEXT && (c->kinds & SK_UNIX) == 0))) {
		conn_stream(c);
		return;
	}
	if (sock_list(c->kinds, &sl) != 0) {
		conn_failed(c, &sl, errno);
		return;
	}
	if (c->pids)
		sock_map_pids(&sl);
	if (c->pr) {
		struct counts k;
		size_t j;

		memset(&k, 0, sizeof(k));
		for (i = 0; i < sl.n; i++)
			each_count(&sl.s[i], &k);
		prom_family(&c->prom, "syskit_sockets", "gauge",
		    "Sockets by protocol and state.");
		for (j = 0; j < nitems(prom_states); j++)
			prom_sample(&c->prom, "syskit_sockets", k.n[j],
			    "proto", "tcp", "state", prom_states[j], NULL);
		sock_free(&sl);
		return;
	}
	if (c->fmt == F_TEXT) {
		conn_text(c, &sl);
		sock_free(&sl);
		return;
	}
	arr = rep_arr(c->root, "conn");
	for (i = 0; i < sl.n; i++) {
		const struct sockent *s = &sl.s[i];
		struct rep *e = rep_obj(arr, NULL);

		rep_i64(e, "fd", -1, UNIT_NONE);
		rep_str(e, "family", s->family == AF_INET ? "AF_INET" :
		    s->family == AF_INET6 ? "AF_INET6" : "AF_UNIX");
		rep_str(e, "type", s->type == SOCK_STREAM ? "SOCK_STREAM" :
		    s->type == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_SEQPACKET");
		rep_str(e, "proto", sock_proto(s));
		conn_addr(e, "laddr", s, 0);
		conn_addr(e, "raddr", s, 1);
		rep_str(e, "status", sock_state_name(s->state));
		rep_u64(e, "uid", s->uid, UNIT_NONE);
		rep_u64(e, "inode", s->inode, UNIT_NONE);
		if (c->pids && s->pid > 0) {
			rep_i64(e, "pid", s->pid, UNIT_NONE);
			rep_str(e, "name", s->comm);
		} else {
			rep_null(e, "pid", NULL);
			rep_null(e, "name", NULL);
		}
	}
	sock_free(&sl);
}
