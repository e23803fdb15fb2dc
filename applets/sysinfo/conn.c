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

static void
conn_text(struct ctx *c, const struct socklist *sl)
{
	struct tbl *t = tbl_new();
	char a[300];
	int i;

	if (t == NULL) {
		warn("conn");
		c->rc = 1;
		return;
	}
	tbl_col(t, "PROTO", TBL_LEFT);
	tbl_col(t, "LOCAL", TBL_LEFT);
	tbl_col(t, "REMOTE", TBL_LEFT);
	tbl_col(t, "STATE", TBL_LEFT);
	tbl_col(t, "UID", TBL_RIGHT);
	tbl_col(t, "INODE", TBL_RIGHT);
	if (c->pids) {
		tbl_col(t, "PID", TBL_RIGHT);
		tbl_col(t, "NAME", TBL_LEFT);
	}
	for (i = 0; i < sl->n; i++) {
		const struct sockent *s = &sl->s[i];

		tbl_row(t);
		tbl_cell(t, sock_proto(s));
		sock_addr(a, sizeof(a), s, 0);
		out_vis(a, sizeof(a), a, strlen(a));
		tbl_cell(t, a);
		sock_addr(a, sizeof(a), s, 1);
		out_vis(a, sizeof(a), a, strlen(a));
		tbl_cell(t, a);
		tbl_cell(t, sock_state_name(s->state));
		tbl_cellf(t, "%u", s->uid);
		tbl_cellf(t, "%llu", (unsigned long long)s->inode);
		if (c->pids) {
			if (s->pid > 0) {
				tbl_cellf(t, "%d", s->pid);
				out_vis(a, sizeof(a), s->comm, strlen(s->comm));
				tbl_cell(t, a);
			} else {
				tbl_cell(t, "-");
				tbl_cell(t, "-");
			}
		}
	}
	tbl_print(t, stdout, 0);
	tbl_free(t);
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

	memset(&sl, 0, sizeof(sl));
	if (sock_list(c->kinds, &sl) != 0) {
		int err = errno;

		/* the table has no place for a null: say why (a bad file
		 * is said by si_missing, once) */
		if (c->fmt == F_TEXT && !si_is_bad(err))
			warnx("cannot read the sockets: %s", strerror(err));
		si_missing(c, c->root, "conn", sl.file != NULL ? sl.file :
		    "net", err);
		return;
	}
	if (c->pids)
		sock_map_pids(&sl);
	if (c->pr) {
		static const char *st[] = { "ESTABLISHED", "LISTEN",
		    "TIME_WAIT", "CLOSE_WAIT" };
		size_t k;

		prom_family(&c->prom, "syskit_sockets", "gauge",
		    "Sockets by protocol and state.");
		for (k = 0; k < nitems(st); k++) {
			int cnt = 0;

			for (i = 0; i < sl.n; i++)
				if (sl.s[i].family != AF_UNIX &&
				    sl.s[i].type == SOCK_STREAM &&
				    strcmp(sock_state_name(sl.s[i].state), st[k]) == 0)
					cnt++;
			prom_sample(&c->prom, "syskit_sockets", cnt,
			    "proto", "tcp", "state", st[k], NULL);
		}
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
