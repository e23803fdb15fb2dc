/*
 * fuzz/pidstat: the per-process parsers of lib/pid (stat, status, statm,
 * io, smaps, the container id of a cgroup file) and ps's -o format,
 * --sort and selection list parsers (applets/ps/opts.c).  The first byte
 * picks the parser; mode 9 renders every key of a parsed stat + status
 * pair, as a row, as text and as JSON.
 * linked with applets/ps/opts.c applets/ps/keys.c applets/ps/read.c applets/ps/cell.c applets/ps/json.c applets/ps/extra.c applets/common.c
 */
#include "../applets/ps/ps.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every key once, as -o would name them. */
static void
all_keys(struct fmt *f)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		fmt_add(f, &keys[i], NULL, 0, keys[i].width);
}

static FILE *devnull;

static void
render(const char *a, size_t alen, const char *b, size_t blen)
{
	static struct ctx c;
	static struct opts o;
	struct row r;
	char small[256], *txt;
	int i, n;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	c.o = &o;
	c.root = "/nonexistent";
	c.hz = 100;
	c.pagesize = 4096;
	c.have_uptime = c.have_btime = c.have_mem = 1;
	c.uptime = 12345.67;
	c.btime = 1700000000;
	c.memtotal = 2048000;
	c.now = 1700012345;
	c.procfd = -1;
	localtime_r(&c.now, &c.nowtm);
	o.numeric = 1;		/* no passwd lookups */
	if (proc_pid_stat_parse(a, alen, &r.st) != 0)
		return;
	row_init(&r, r.st.pid, r.st.pid, 0);
	if (proc_pid_status_parse(b, blen, &r.ss) == 0)
		r.have |= F_STATUS;
	r.cmdline = b;
	r.cmdlen = blen;
	r.have |= F_CMDLINE;
	all_keys(&c.fmt);
	for (i = 0; i < c.fmt.n; i++) {
		n = cell(&c, &r, &c.fmt.c[i], small, &txt, i % 3 == 0 ? 5 : INT_MAX);
		if (n < 0 || strlen(txt) >= (txt == small ? sizeof(small) : c.b[B_CELL].cap))
			__builtin_trap();
	}
	/* and as JSON, into nowhere */
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (devnull != NULL) {
		json_init(&c.j, devnull, 0);
		json_arr(&c.j, NULL);
		o.have_o = 1;
		o.json = 1;
		json_row(&c, &r);
		o.have_o = 0;
		json_row(&c, &r);
		json_end(&c.j);
	}
	fmt_free(&c.fmt);
	ctx_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1, *sep;
	size_t len = size - 1;
	struct pid_stat ps;
	struct pid_status st, st2;
	struct pid_statm sm;
	struct pid_io io;
	struct pid_smaps sp;
	struct fmt f;
	struct sortspec ss;
	char id[65], *s;
	unsigned want;
	int i;

	if (size == 0)
		return 0;
	switch (data[0] % 10) {
	case 0:
		if (proc_pid_stat_parse(buf, len, &ps) == 0 &&
		    (ps.nfields < 22 || strlen(ps.comm) >= sizeof(ps.comm)))
			__builtin_trap();
		break;
	case 1:
		if ((i = proc_pid_status_parse(buf, len, &st)) == 0 &&
		    strlen(st.name) >= sizeof(st.name))
			__builtin_trap();
		/* the same read only up to some lines: a prefix of it, so
		 * whatever the whole parses, it parses, and finds no line the
		 * whole does not */
		want = PST_NAME | (((unsigned)data[0] * 0x0101U) & 0x7fffU);
		if (proc_pid_status_want(buf, len, &st2, want) == 0) {
			if (strlen(st2.name) >= sizeof(st2.name) ||
			    (i == 0 && (st2.has & ~st.has) != 0))
				__builtin_trap();
		} else if (i == 0)
			__builtin_trap();
		break;
	case 2:
		proc_pid_statm_parse(buf, len, &sm);
		break;
	case 3:
		proc_pid_io_parse(buf, len, &io);
		break;
	case 4:
		proc_pid_smaps_parse(buf, len, &sp);
		break;
	case 5:
		if (proc_container_id(buf, len, id, sizeof(id)) == 0 &&
		    strlen(id) != 64)
			__builtin_trap();
		break;
	case 6:
	case 7:
	case 8:
		/* the option parsers take C strings */
		if ((s = malloc(len + 1)) == NULL)
			return 0;
		memcpy(s, buf, len);
		s[len] = '\0';
		errmsg[0] = '\0';
		memset(&f, 0, sizeof(f));
		memset(&ss, 0, sizeof(ss));
		if (data[0] % 10 == 6) {
			if (fmt_parse(&f, s, 5) == 0)
				for (i = 0; i < f.n; i++)
					if (f.c[i].width < 1 || f.c[i].width > 4096 ||
					    f.c[i].k == NULL)
						__builtin_trap();
		} else if (data[0] % 10 == 7)
			sort_parse(&ss, s);
		else {
			struct opts o;

			memset(&o, 0, sizeof(o));
			parse_list(&o, SEL_PID, s);
			sel_free(o.sel);
		}
		fmt_free(&f);
		free(ss.k);
		free(s);
		break;
	case 9:
		/* a stat line, 0xff, a status text (also the command line) */
		sep = memchr(buf, 0xff, len);
		if (sep == NULL)
			render(buf, len, "", 0);
		else
			render(buf, (size_t)(sep - buf), sep + 1,
			    len - (size_t)(sep - buf) - 1);
		break;
	}
	return 0;
}
