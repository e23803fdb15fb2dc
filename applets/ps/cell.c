/*
 * ps cell: the text of a row.  One cell per key (the printers the key
 * table points at) and one line laid out as procps lays it out: its
 * widths, justification and the way a long last column takes the rest
 * of the screen.  Untrusted text is escaped (out_vis) so that no process
 * can write to the user's terminal.
 */
#include "ps.h"

#include <sys/ioctl.h>

#include <fcntl.h>
#include <inttypes.h>

/* ---- small formatting helpers (the hot path avoids printf) ---- */

/* a * b, held at the int64 range: parsed values are not trusted to be
 * small (a fixture, a fuzzer, a hostile container's /proc) */
int64_t
mul_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t
add_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

int64_t
sub_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b > 0 ? INT64_MIN : INT64_MAX;
	return r;
}

int
fmt_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	p[n] = '\0';
	return n;
}

int
fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p = '-';
		return 1 + fmt_u64(p + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(p, (uint64_t)v);
}

/* two digits of v (below 100) */
static char *
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* [DD-]hh:mm:ss, or [[DD-]hh:]mm:ss when short */
static int
fmt_hms(char *p, uint64_t t, int short_ok)
{
	unsigned ss = t % 60, mm = t / 60 % 60, hh = t / 3600 % 24;
	uint64_t dd = t / 86400;
	char *q = p;

	if (dd > 0) {
		q += fmt_u64(q, dd);
		*q++ = '-';
	}
	if (dd > 0 || hh > 0 || !short_ok) {
		q = put2(q, hh);
		*q++ = ':';
	}
	q = put2(q, mm);
	*q++ = ':';
	q = put2(q, ss);
	*q = '\0';
	return (int)(q - p);
}

/* v right-aligned in at least w places */
static int
fmt_u64_w(char *p, uint64_t v, int w)
{
	char tmp[24];
	int n = fmt_u64(tmp, v), pad = w > n ? w - n : 0;

	memset(p, ' ', (size_t)pad);
	memcpy(p + pad, tmp, (size_t)n + 1);
	return pad + n;
}

/* u tenths as "I.F", the integer part at least w wide */
static int
fmt_tenths(char *p, uint64_t u, int w)
{
	int n = fmt_u64_w(p, u / 10, w);

	p[n] = '.';
	p[n + 1] = (char)('0' + u % 10);
	p[n + 2] = '\0';
	return n + 2;
}

static const char *
policy_name(unsigned pol)
{
	static const char *const names[] = {
		"TS", "FF", "RR", "B", "ISO", "IDL", "DLN",
	};

	return pol < nitems(names) ? names[pol] : "?";
}

static void
stat_flags(const struct row *r, char *p)
{
	*p++ = r->st.state;
	if (r->st.nice < 0)
		*p++ = '<';
	else if (r->st.nice > 0)
		*p++ = 'N';
	if ((r->have & F_STATUS) && r->ss.vm_lck > 0)
		*p++ = 'L';
	if (r->st.session == r->pid)
		*p++ = 's';
	if (r->st.num_threads > 1)
		*p++ = 'l';
	if (r->st.pgrp == r->st.tpgid)
		*p++ = '+';
	*p = '\0';
}

/* Bytes of the first n cells (code points) of s. */
static size_t
cells_cut(const char *s, size_t len, int n, int *cells)
{
	size_t i;
	int k = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (k == n)
			break;
		k++;
	}
	*cells = k;
	return i;
}

char *
buf_need(struct buf *b, size_t n)
{
	if (b->cap < n) {
		b->p = xreallocarray(b->p, n, 1);
		b->cap = n;
	}
	return b->p;
}

/* The command line with its NULs as spaces (procps), in B_ARGS. */
static size_t
args_text(struct ctx *c, const char *raw, size_t n, const char **out)
{
	char *a = buf_need(&c->b[B_ARGS], n + 1);
	size_t i;

	memcpy(a, raw, n);
	while (n > 0 && a[n - 1] == '\0')	/* procps drops them all */
		n--;
	for (i = 0; i < n; i++)
		if (a[i] == '\0')
			a[i] = ' ';
	a[n] = '\0';
	*out = a;
	return n;
}

/*
 * Untrusted text into the cell: the forest prefix (command columns), then
 * s escaped, cut to maxc cells.  Returns the cells.
 */
int
text_cell(struct ctx *c, char **outp, const char *s, size_t n, int maxc,
    int prefix, const char *more, size_t moren)
{
	size_t plen = prefix ? c->prefixlen : 0, need, used, cut;
	char *out;
	int cells;

	need = plen + 4 * (n + moren) + 8;
	out = buf_need(&c->b[B_CELL], need);
	if (plen > 0)
		memcpy(out, c->prefix, plen);
	out_vis(out + plen, need - plen, s, n);
	used = plen + strlen(out + plen);
	if (more != NULL) {
		out[used++] = ' ';
		out_vis(out + used, need - used, more, moren);
		used += strlen(out + used);
	}
	cut = cells_cut(out, used, maxc, &cells);
	out[cut] = '\0';
	*outp = out;
	return cells;
}

/*
 * The text of one cell.  *outp is set to the text (a buffer of the ctx, or
 * small for numbers); returns its width in cells.  maxc limits the cut
 * columns (UNLIM, USER, WCHAN).
 */

/* ---- one cell per kind of key ---- */

static int
put_text(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n + 1);
	return (int)n;
}

/* The number of get, as an integer. */
int
cell_int(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	struct val v;

	kv->get(c, r, kv, &v);
	switch (v.type) {
	case V_INT: return fmt_i64(p, v.i);
	case V_UINT: return fmt_u64(p, v.u);
	case V_REAL: return fmt_u64(p, v.d > 0 ? (uint64_t)v.d : 0);
	}
	return -1;
}

/* A size of get (bytes) in KiB. */
int
cell_kib(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	struct val v;

	kv->get(c, r, kv, &v);
	if (v.type == V_INT)
		return fmt_i64(p, v.i / 1024);
	if (v.type == V_UINT)
		return fmt_u64(p, v.u / 1024);
	return -1;
}

/* A user or group name (id_of's which in arg), cut with '+' as procps. */
int
cell_user(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *s;
	uint32_t id;
	int n;

	if (id_of(r, kv->arg, &id) != 0)
		return -1;
	if (c->o->numeric)
		return fmt_u64(p, id);
	s = kv->arg >= 4 ? group_name(c, id) : user_name(c, id);
	n = (int)strlen(s);
	if (n > maxc && maxc >= 1) {
		memcpy(p, s, (size_t)maxc - 1);
		p[maxc - 1] = '+';
		p[maxc] = '\0';
		return maxc;
	}
	memcpy(p, s, (size_t)n + 1);
	return n;
}

int
cell_tty(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return put_text(p, tty_name(c, r->st.tty_nr));
}

int
cell_stat(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	stat_flags(r, p);
	return (int)strlen(p);
}

int
cell_state(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	p[0] = r->st.state;
	p[1] = '\0';
	return 1;
}

/* none for SCHED_OTHER, as procps */
int
cell_rtprio(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (r->st.policy == 0)
		return -1;
	return fmt_u64(p, r->st.rt_priority);
}

int
cell_policy(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return put_text(p, policy_name(r->st.policy));
}

int
cell_c(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	double d = util(c, r);

	return fmt_u64(p, d >= 99 ? 99 : (uint64_t)d);
}

int
cell_pcpu(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	double d = util(c, r) * 10;
	uint64_t u = d >= 1e15 ? (uint64_t)1e15 : (uint64_t)d;

	if (u > 999)
		return fmt_u64(p, u / 10);
	return fmt_tenths(p, u, 0);
}

int
cell_pmem(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	uint64_t u = 0;

	if (rss_pages(c, r) < 0)
		return -1;
	if (memtotal(c) > 0 && rss_pages(c, r) > 0)
		u = (uint64_t)rss_pages(c, r) * (uint64_t)(c->pagesize / 1024) *
		    1000 / memtotal(c);
	if (u > 999)
		u = 999;
	return fmt_tenths(p, u, 2);
}

int
cell_time(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	/* procps: the dead children's time (S, --cumulative) counts in
	 * bsdtime and %CPU, never in time */
	return fmt_hms(p, (r->st.utime + r->st.stime) / (uint64_t)c->hz, 0);
}

int
cell_times(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return fmt_u64(p, (r->st.utime + r->st.stime) / (uint64_t)c->hz);
}

int
cell_bsdtime(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	uint64_t u = ticks(c, r) / (uint64_t)c->hz;
	int n = fmt_u64_w(p, u / 60, 3);

	p[n] = ':';
	put2(p + n + 1, (unsigned)(u % 60));
	p[n + 3] = '\0';
	return n + 3;
}

int
cell_etime(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return fmt_hms(p, (uint64_t)elapsed(c, r), 1);
}

int
cell_etimes(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return fmt_u64(p, (uint64_t)elapsed(c, r));
}

/* hh:mm:ss today, else the date */
int
cell_start(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	time_t t = start_epoch(c, r);
	char tb[32];

	if (ctime_r(&t, tb) == NULL)
		return -1;
	if (tb[8] == ' ')
		tb[8] = '0';
	if (tb[11] == ' ')
		tb[11] = '0';
	if (t + 86400 > c->now)
		memcpy(p, tb + 11, 8);
	else {
		memcpy(p, "  ", 2);
		memcpy(p + 2, tb + 4, 6);
	}
	p[8] = '\0';
	return 8;
}

int
cell_stime(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	time_t t = start_epoch(c, r);
	struct tm tm;
	size_t n;

	/* processes start in bursts (a boot, a build): the second's text
	 * is kept, and localtime_r and strftime run once a second */
	if (c->stime_len > 0 && t == c->stime_t) {
		memcpy(p, c->stime_txt, c->stime_len + 1);
		return (int)c->stime_len;
	}
	if (localtime_r(&t, &tm) == NULL)
		return -1;
	if (tm.tm_year != c->nowtm.tm_year)
		n = strftime(p, 64, "%Y", &tm);
	else if (tm.tm_yday != c->nowtm.tm_yday)
		n = strftime(p, 64, "%b%d", &tm);
	else
		n = strftime(p, 64, "%H:%M", &tm);
	if (n > 0 && n < sizeof(c->stime_txt)) {
		memcpy(c->stime_txt, p, n + 1);
		c->stime_len = n;
		c->stime_t = t;
	}
	return (int)n;
}

int
cell_bsdstart(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	time_t t = start_epoch(c, r);
	char tb[32];

	if (ctime_r(&t, tb) == NULL)
		return -1;
	if (c->now - t > 86400)
		memcpy(p, tb + 4, 6);
	else
		memcpy(p, tb + 10, 6);
	p[6] = '\0';
	return 6;
}

int
cell_lstart(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	time_t t = start_epoch(c, r);
	struct tm tm;
	size_t len;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	if (c->o->datefmt == NULL)
		len = strftime(p, 200, "%a %b %e %H:%M:%S %Y", &tm);
	else {
		/* the user's strftime format (-D), as procps */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		len = strftime(p, 200, c->o->datefmt, &tm);
#pragma GCC diagnostic pop
	}
	p[len] = '\0';
	return (int)len;
}

/* the F column: the kernel's PF_ bits 6-8, in octal, as procps */
int
cell_flags(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return sprintf(p, "%o", (r->st.flags >> 6) & 7);
}

int
cell_dash(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return -1;
}

static int
comm_text(struct ctx *c, const struct row *r, char **outp, int maxc)
{
	return text_cell(c, outp, r->st.comm, strlen(r->st.comm), maxc, 1,
	    NULL, 0);
}

/* The command line, or [name] for a kernel thread or a zombie; with the
 * environment after it for BSD e (env set). */
static int
args_cell(struct ctx *c, const struct row *r, char **outp, int maxc,
    int env)
{
	const char *a, *e = NULL;
	size_t an, en = 0, i;
	char *b;

	if (!(r->have & F_CMDLINE) || r->cmdlen == 0 ||
	    (r->cmdlen == 1 && r->cmdline[0] == '\0')) {
		b = buf_need(&c->b[B_ARGS], sizeof(r->st.comm) + 16);
		an = (size_t)snprintf(b, sizeof(r->st.comm) + 16, "[%s]%s",
		    r->st.comm, r->st.state == 'Z' ? " <defunct>" : "");
		a = b;
	} else
		an = args_text(c, r->cmdline, r->cmdlen, &a);
	if (env && c->o->bsd_e && (r->have & F_ENVIRON) && r->envlen > 0) {
		b = buf_need(&c->b[B_MISC], r->envlen + 1);
		memcpy(b, r->environ, r->envlen);
		en = r->envlen;
		if (b[en - 1] == '\0')
			en--;
		for (i = 0; i < en; i++)
			if (b[i] == '\0')
				b[i] = ' ';
		e = b;
	}
	return text_cell(c, outp, a, an, maxc, 1, e, en);
}

/* comm: the name; with -f, the command line */
int
cell_comm(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (c->o->unix_f)
		return args_cell(c, r, outp, maxc, 0);
	return comm_text(c, r, outp, maxc);
}

/* args: the command line; with BSD c, the name */
int
cell_args(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (c->o->bsd_c)
		return comm_text(c, r, outp, maxc);
	return args_cell(c, r, outp, maxc, 1);
}

/* arg 0: exe, 1: cwd */
int
cell_path(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *s = kv->arg == 0 ? r->exe : r->cwd;

	if (!(r->have & (kv->arg == 0 ? F_EXE : F_CWD)))
		return -1;
	return text_cell(c, outp, s, strlen(s), maxc, 0, NULL, 0);
}

/* procps: the cgroup lines that are not at "/", joined by commas; arg 1
 * (cgname): from after the first ":name=", else the same */
int
cell_cgroup(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *q = r->cgroup, *le, *name;
	char *b;
	size_t bn = 0;

	if (!(r->have & F_CGROUP))
		return -1;
	b = buf_need(&c->b[B_MISC], strlen(q) + 2);
	for (; *q != '\0'; q = *le != '\0' ? le + 1 : le) {
		le = strchr(q, '\n');
		if (le == NULL)
			le = q + strlen(q);
		if (le == q || le[-1] == '/')
			continue;
		if (bn > 0)
			b[bn++] = ',';
		memcpy(b + bn, q, (size_t)(le - q));
		bn += (size_t)(le - q);
	}
	b[bn] = '\0';
	if (bn == 0)
		return -1;
	if (kv->arg == 1 && (name = strstr(b, ":name=")) != NULL &&
	    name[6] != '\0')
		return text_cell(c, outp, name + 6, bn - (size_t)(name + 6 - b),
		    maxc, 0, NULL, 0);
	return text_cell(c, outp, b, bn, maxc, 0, NULL, 0);
}

int
cell_env(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *a;
	size_t an;

	if (!(r->have & F_ENVIRON) || r->envlen == 0)
		return -1;
	an = args_text(c, r->environ, r->envlen, &a);
	return text_cell(c, outp, a, an, maxc, 0, NULL, 0);
}

int
cell_label(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (!(r->have & F_ATTR))
		return -1;
	return text_cell(c, outp, r->label, strlen(r->label), INT_MAX, 0,
	    NULL, 0);
}

/* the container id's first 12 digits, as docker ps */
int
cell_container(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (r->container[0] == '\0')
		return -1;
	memcpy(p, r->container, 12);
	p[12] = '\0';
	return 12;
}

int
cell_wchan(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const char *w = r->wchan;

	if (!(r->have & F_WCHAN) || *w == '\0' || strcmp(w, "0") == 0)
		return -1;
	/* procps: without ppc64's leading '.' and any leading '_' */
	if (*w == '.')
		w++;
	while (*w == '_')
		w++;
	return text_cell(c, outp, w, strcspn(w, "\n"), maxc, 0, NULL, 0);
}

/*
 * The text of one cell.  *outp is set to the text (a buffer of the ctx, or
 * small for numbers); returns its width in cells.  maxc limits the cut
 * columns (UNLIM, USER, WCHAN).
 */
int
cell(struct ctx *c, const struct row *r, const struct col *col, char *small,
    char **outp, int maxc)
{
	const struct kval *kv = col->k->v;
	int n;

	*outp = small;
	n = -1;
	/* -m: a thread's key on the process's line, a process's key on a
	 * thread's, are procps's pr_nop */
	if ((c->mline == 1 && (col->k->just & J_TO)) ||
	    (c->mline == 2 && (col->k->just & J_PO)))
		goto dash;
	if (STAT_OK(r, kv->stat))
		n = (kv->cell != NULL ? kv->cell : cell_int)(c, r, kv, small,
		    outp, maxc);
	if (n >= 0)
		return n;
dash:
	*outp = small;
	small[0] = '-';
	small[1] = '\0';
	return 1;
}

/* ---- text output, laid out as procps does ---- */

#define COLS_UNLIMITED	(1 << 28)
#define SPACE_MAX	144

void
set_screen(struct ctx *c)
{
	struct winsize ws;
	const char *e;
	uint64_t v;
	int cols = 0, rows = 24, total = 0, normal = 0, i, fd;

	/* procps: a size counts only with rows and columns */
#define WS_OK(fd)	(ioctl((fd), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && \
			 ws.ws_row > 0)
	if (WS_OK(STDOUT_FILENO) || WS_OK(STDERR_FILENO) || WS_OK(STDIN_FILENO)) {
		cols = ws.ws_col;
		rows = ws.ws_row;
	} else if ((fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) >= 0) {
		if (WS_OK(fd)) {
			cols = ws.ws_col;
			rows = ws.ws_row;
		}
		close(fd);
	}
#undef WS_OK
	if (cols == 0)
		cols = 80;
	/* no truncation for a pipe or a file */
	if (!isatty(STDOUT_FILENO))
		cols = COLS_UNLIMITED;
	if ((e = getenv("COLUMNS")) != NULL && args_uint(e, 1, 131071, &v) == 0)
		cols = (int)v;
	if (c->o->cols > 0)
		cols = c->o->cols;
	if ((e = getenv("LINES")) != NULL && args_uint(e, 1, 131071, &v) == 0)
		rows = (int)v;
	if (c->o->rows > 0)
		rows = c->o->rows;
	c->screen_rows = rows;
	/* procps: the header before the first row only, or every screenful;
	 * none (and the count never reaches 0) without one */
	c->hgap = c->o->headers ? rows - 1 : -1;
	c->ltnh = header_wanted(c) ? 1 : -1;
	if (c->o->wcount > 0 && cols < 132)
		cols = 132;
	if (c->o->wcount > 1)
		cols = COLS_UNLIMITED;
	/* procps: a multiple of the width that the headers fit in */
	for (i = 0; i < c->fmt.n; i++) {
		int just = c->fmt.c[i].k->just & 0xf;

		if (just == J_UNLIM && i == c->fmt.n - 1)
			total += 3 + normal;
		else
			total += c->fmt.c[i].width + normal;
		normal = 1;
	}
	c->active_cols = cols;
	for (i = 2; c->active_cols < total && cols < COLS_UNLIMITED &&
	    c->active_cols < 65536; i++)
		c->active_cols = cols * i;
}

static void
line_put(struct buf *b, size_t *len, const char *s, size_t n)
{
	if (*len + n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < *len + n + 2)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + *len, s, n);
	*len += n;
}

/* One line: a row, or the header when r is NULL. */
static void
put_line(struct ctx *c, const struct row *r)
{
	static const char spaces[SPACE_MAX + 1] =
	    "                                                                "
	    "                                                                "
	    "                ";
	struct buf *lb = &c->b[B_LINE];
	char small[256], *txt;
	size_t len = 0;
	int correct = 0, actual = 0, dospace = 0, space, i;

	for (i = 0; i < c->fmt.n; i++) {
		const struct col *col = &c->fmt.c[i];
		int last = i == c->fmt.n - 1 && !c->fmt.aix;
		int just = col->k->just & 0xf;
		int maxr, tmpspace = 0, amount, leftpad = 0;
		size_t sz;

		if (col->gap >= 0) {	/* AIX blanks: in place of one */
			correct += col->gap - (i > 0);
			dospace = col->gap;
		}
		if (!last)
			maxr = col->width;
		else {
			tmpspace = correct - actual;
			if (tmpspace < 1) {
				tmpspace = dospace;
				maxr = c->active_cols - actual - tmpspace;
			} else
				maxr = c->active_cols -
				    (correct > actual ? correct : actual);
		}
		if (maxr < 0)
			maxr = 0;
		if (r != NULL)
			amount = cell(c, r, col, small, &txt, maxr);
		else {
			txt = col->head;
			amount = (int)strlen(txt);
		}
		sz = strlen(txt);
		switch (just) {
		case J_RIGHT:
			leftpad = col->width - amount;
			break;
		case J_USER:
			if (c->o->numeric)
				leftpad = col->width - amount;
			break;
		case J_UNLIM:
		case J_WCHAN:
			if (c->active_cols - actual - tmpspace < 1 && sz > 1) {
				sz = 1;	/* procps: the column is (mostly) lost */
				amount = 1;
			}
			break;
		}
		if (leftpad < 0)
			leftpad = 0;
		space = correct - actual + leftpad;
		if (space < 1)
			space = dospace;
		if (space > SPACE_MAX)
			space = SPACE_MAX;
		line_put(lb, &len, spaces, (size_t)space);
		line_put(lb, &len, txt, sz);
		if (last)
			break;
		actual += space + amount;
		correct += col->width + 1;
		dospace = 1;
	}
	if (c->fmt.aix && c->fmt.n > 0) {	/* the last padded, then blanks */
		space = correct - 1 - actual + c->fmt.tail;
		if (space > SPACE_MAX)
			space = SPACE_MAX;
		if (space > 0)
			line_put(lb, &len, spaces, (size_t)space);
	}
	lb->p[len++] = '\n';
	fwrite(lb->p, 1, len, stdout);
}

/*
 * A row's line, after the header when one is due (procps's
 * lines_to_next_header: the first row's, and with --headers every
 * screenful's); r NULL: the header now.  With -m a thread comes after its
 * process: the leader's row (read from the process's own directory, as
 * procps reads it) gives the process's line, then its own.
 */
void
print_line(struct ctx *c, const struct row *r)
{
	int m = r != NULL && (c->o->tf & TF_m) && r->thread;

	if (r == NULL) {
		put_line(c, NULL);
		return;
	}
	if (m && r->tid == r->pid) {
		if (--c->ltnh == 0) {
			c->ltnh = c->hgap;
			put_line(c, NULL);
		}
		c->mline = 1;
		put_line(c, r);
	}
	if (--c->ltnh == 0) {
		c->ltnh = c->hgap;
		put_line(c, NULL);
	}
	c->mline = m ? 2 : 0;
	put_line(c, r);
	c->mline = 0;
}

int
header_wanted(const struct ctx *c)
{
	int i;

	if (c->o->noheader)
		return 0;
	for (i = 0; i < c->fmt.n; i++)
		if (c->fmt.c[i].head[0] != '\0')
			return 1;
	return 0;	/* -o pid= : no header line at all */
}


/* a signal mask of status (kval.arg: 0 pending of the process, 1 blocked,
 * 2 ignored, 3 caught, 4 pending of the thread), 16 hex digits as procps */
int
cell_sig(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const struct pid_status *ss = &r->ss;
	uint64_t m;

	if (!(r->have & F_STATUS) || !(ss->has & PST_SIG))
		return -1;
	m = kv->arg == 0 ? ss->shd_pnd : kv->arg == 1 ? ss->sig_blk :
	    kv->arg == 2 ? ss->sig_ign : kv->arg == 3 ? ss->sig_cgt :
	    ss->sig_pnd;
	return sprintf(p, "%016" PRIx64, m);
}

/* an address of stat (kval.arg: 28 start of the stack, 29 esp, 30 eip) */
int
cell_hex(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	const struct pid_stat *st = &r->st;

	if (!STAT_OK(r, SF(kv->arg)))
		return -1;
	return sprintf(p, "%016" PRIx64, kv->arg == 28 ? st->startstack :
	    kv->arg == 29 ? st->kstkesp : st->kstkeip);
}

/* the supplementary groups, as ids or names, comma-separated */
static int
groups_cell(struct ctx *c, const struct row *r, char **outp, int maxc,
    int names)
{
	const char *s, *e, *t;
	struct buf *b = &c->b[B_CELL];
	size_t n = 0, cap;
	char num[24], *out;
	uint64_t id;

	if (!(r->have & F_STATUS) || r->ss.groups == NULL ||
	    r->ss.groupslen == 0)
		return -1;
	s = r->ss.groups;
	e = s + r->ss.groupslen;
	cap = r->ss.groupslen * 12 + 64;
	out = buf_need(b, cap);
	while (s < e) {
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		for (t = s, id = 0; t < e && *t >= '0' && *t <= '9'; t++)
			id = id * 10 + (uint64_t)(*t - '0');
		if (t == s)
			break;
		if (names && id <= UINT32_MAX)
			snprintf(num, sizeof(num), "%.23s",
			    group_name(c, (uint32_t)id));
		else
			num[fmt_u64(num, id)] = '\0';
		n += (size_t)snprintf(out + n, cap - n, "%s%s",
		    n > 0 ? "," : "", num);
		if (n >= cap - 40)
			break;
		s = t;
	}
	if (n == 0)
		return -1;
	return text_cell(c, outp, out, n, maxc, 0, NULL, 0);
}

int
cell_supgid(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return groups_cell(c, r, outp, maxc, 0);
}

int
cell_supgrp(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	return groups_cell(c, r, outp, maxc, 1);
}

/* the name, cut to 8 characters */
int
cell_fname(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	size_t n = strlen(r->st.comm);

	return text_cell(c, outp, r->st.comm, n, maxc < 8 ? maxc : 8, 0,
	    NULL, 0);
}

/* CPU use in tenths of a percent, at most 999 (procps's cp) */
int
cell_cp(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	double d = util(c, r) * 10;

	return fmt_u64(p, d >= 999 ? 999 : (uint64_t)d);
}

/* the processor of a running process, '*' for the others (sgi_p) */
int
cell_sgi_p(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (r->st.state != 'R') {
		p[0] = '*';
		p[1] = '\0';
		return 1;
	}
	return fmt_i64(p, r->st.processor);
}

/* the rss limit (stat's rsslim), KiB; "xx" for none, as procps */
int
cell_lim(struct ctx *c, const struct row *r, const struct kval *kv,
    char *p, char **outp, int maxc)
{
	if (r->st.rsslim == UINT64_MAX) {
		memcpy(p, "xx", 3);
		return 2;
	}
	return fmt_u64(p, r->st.rsslim >> 10);
}
