/*
 * ps: what the files of applets/ps/ share, and nothing outside it does.
 *   opts.c   the command line: selections, -o formats, --sort, BSD words
 *   keys.c   the key table: each key's files to read, text cell, JSON
 *            field and sort value, in one entry
 *   read.c   reading one process (only the files its keys need), and the
 *            machine's values and names (users, terminals)
 *   cell.c   the text: one cell, one line laid out as procps does
 *   json.c   --json: psutil's fields, or the -o keys
 *   tree.c   --sort and --forest over the collected rows
 *   scan.c   listing /proc, selecting, --sample, handing rows out
 *   main.c   ps_main
 */
#ifndef PS_PS_H
#define PS_PS_H

#include "../syskit.h"

#include <regex.h>
#include <time.h>

#include "../../lib/fs.h"
#include "../../lib/pid.h"
#include "../../lib/proc.h"

/* ---- keys ---- */

/* What a key needs read, beyond /proc/PID/stat. */
#define F_STATUS	0x0001
#define F_CMDLINE	0x0002
#define F_IO		0x0004
#define F_SMAPS		0x0008
#define F_ENVIRON	0x0010
#define F_EXE		0x0020
#define F_CWD		0x0040
#define F_FDS		0x0080
#define F_CGROUP	0x0100
#define F_WCHAN		0x0200
#define F_ATTR		0x0400
#define F_OOM		0x0800
#define F_OOMADJ	0x1000
#define F_STATM		0x2000
#define F_NS		0x4000	/* the ns/ links */
#define F_LOGINUID	0x8000
#define F_AUTOGRP	0x10000	/* autogroup */
#define F_ALL		0x1ffff

/* Justification, as procps: right; left; left, cut to the column unless
 * last (UNLIM, WCHAN); user names cut with '+'. */
#define J_RIGHT		0
#define J_LEFT		1
#define J_UNLIM		2
#define J_USER		3
#define J_WCHAN		4
#define J_PIDMAX	0x10	/* width from pid_max's digits */
/* procps's print flags for -m and m: a process-only key shows "-" on a
 * thread's line, a thread-only key "-" on the process's */
#define J_PO		0x20
#define J_TO		0x40

/* A key's value as JSON gives it (bytes, seconds, epoch seconds), and the
 * order --sort puts it in; V_NONE is "-" and null. */
enum { V_NONE, V_INT, V_UINT, V_REAL };
struct val {
	int	 type;
	union {
		int64_t	 i;
		uint64_t u;
		double	 d;
	};
};

struct ctx;
struct row;
struct kval;

/* The text of a cell into small (or *outp, a buffer of the ctx), cut to
 * maxc cells where the column cuts; its width in cells, or -1 for "-". */
typedef int	kcell_fn(struct ctx *, const struct row *, const struct kval *,
		    char *small, char **outp, int maxc);
typedef void	kget_fn(struct ctx *, const struct row *, const struct kval *,
		    struct val *);
typedef void	kjson_fn(struct ctx *, const struct row *, const struct kval *,
		    const char *name);
typedef double	ksort_fn(struct ctx *, const struct row *,
		    const struct kval *);

/*
 * What a key shows, in every output; the key's aliases point at the same
 * one.  A key has a cell printer, a number (get), or both: without get it
 * is text (JSON gets the cell's text, "-" as null; --sort compares the
 * texts); without cell its text is get's number as an integer.
 */
struct kval {
	uint64_t	 stat;		/* SF(n): the stat fields it shows */
	unsigned	 need;		/* F_* it reads */
	unsigned short	 flags;		/* KV_* */
	int		 arg;		/* for a function that serves several */
	const char	*jname;		/* JSON field; NULL: the key's name */
	kcell_fn	*cell;		/* NULL: get, as an integer */
	kget_fn		*get;		/* the number, for JSON and --sort */
	kjson_fn	*json;		/* NULL: from get, or the cell's text */
	ksort_fn	*sort;		/* NULL: from get, or the cell's text */
};
/* stat field n (proc(5)'s numbers): a key shows "-" when one of its
 * fields did not parse (pid_stat.bad) */
#define SF(n)		(UINT64_C(1) << (n))
#define KV_UPTIME	0x1	/* a time since the process started */
#define KV_ARGS		0x2	/* the command line: c and e change it */
#define KV_COMM		0x4	/* the name: -f shows the command line */

struct key {
	const char	*name;
	const char	*head;
	unsigned char	 width;
	unsigned char	 just;
	const struct kval *v;
	const char	*help;		/* what it shows; NULL: an alias */
};

extern const struct key keys[];
extern const size_t nkeys;

const struct key *key_find(const char *name, size_t n);
const char *key_jname(const struct key *k);
void	 key_list(void);

/* the namespaces, in the order of row.ns */
enum { NS_IPC, NS_MNT, NS_NET, NS_PID, NS_USER, NS_UTS, NS_CGROUP, NS_TIME };

/* ---- options ---- */

/* simple selections, as procps's select bits */
#define SS_U_a	0x01	/* -a */
#define SS_U_d	0x02	/* -d */
#define SS_B_a	0x04	/* a */
#define SS_B_x	0x08	/* x */
#define SS_B_g	0x10	/* g */

/* format flags and modifiers */
#define FF_Uf	0x01	/* -f */
#define FF_Ul	0x02	/* -l */
#define FF_Bu	0x04	/* u */
#define FF_Bj	0x08	/* j */
#define FF_Bl	0x10	/* l */
#define FF_Bs	0x20	/* s: signals */
#define FF_Bv	0x40	/* v: virtual memory */
#define FF_BX	0x80	/* X: registers */
#define FM_F	0x01	/* -F */
#define FM_j	0x02	/* -j */
#define FM_y	0x04	/* -y: with -l, RSS for ADDR and no F */
#define FM_M	0x08	/* -M, Z: the security label first */
#define FM_c	0x10	/* -c: CLS and PRI for -l's NI and PRI */
#define FM_P	0x20	/* -P: PSR */

/* thread flags */
#define TF_L	0x01	/* -L */
#define TF_T	0x02	/* -T */
#define TF_H	0x04	/* BSD H: threads as processes */
#define TF_m	0x08	/* -m, m: threads after their process */

enum sel {
	SEL_PID, SEL_QUICK, SEL_PPID, SEL_EUID, SEL_RUID, SEL_EGID, SEL_RGID,
	SEL_SESS, SEL_PGRP, SEL_TTY, SEL_COMM,
};

struct sel_list {
	enum sel	 type;
	int		 n;
	uint64_t	*v;		/* ids, or tty major << 32 | minor */
	char		**names;	/* SEL_COMM */
	struct sel_list	*next;
};

struct col {
	const struct key *k;
	char		*head;
	int		 width;
	int		 gap;		/* AIX: the blanks before it; -1 one */
};

struct fmt {
	struct col	*c;
	int		 n, cap;
	int		 aix;		/* AIX descriptors: no column is last */
	int		 tail;		/* AIX: the blanks after the last */
};

struct sortkey {
	const struct key *k;
	int		 desc;
};

struct sortspec {
	struct sortkey	*k;
	int		 n, cap;
};

struct opts {
	int		 all;			/* -e */
	unsigned	 simple;		/* SS_* */
	int		 bsd;			/* a BSD option was given */
	int		 negate, running;
	struct sel_list	*sel;
	unsigned	 ff, fm, tf;
	int		 forest;		/* 'g' ascii art, 'u' -H */
	int		 unix_f;		/* -f: comm shows args */
	int		 bsd_c, bsd_e, numeric, cumulative;
	int		 noheader;
	int		 headers;		/* --headers: every screenful */
	int		 rows;			/* --rows, --lines */
	int		 wcount, cols;
	struct fmt	 fmt;			/* -o, --format */
	int		 have_o;
	const char	*O, *bsdO;		/* -O, O */
	struct sortspec	 sort;
	const char	*datefmt;
	double		 sample;		/* --sample seconds, 0 none */
	int		 json;
	int		 list_keys;
	int		 context;		/* --context */
	regex_t		 match;
	int		 have_match;
};

/* What the command line asked beyond the options proper. */
struct parsed {
	int	 help, version;
	int	 bsd_T;			/* T, t alone: this terminal */
	const char *match;
	char	**fmtspecs;		/* -o values, in order */
	int	 nfmt;
};

/* The first error of a reading of the command line, for its one line. */
extern char errmsg[256];

int	 parse_args(struct opts *o, struct parsed *pa, int argc, char **argv,
	    int pidwidth, unsigned *selbits);
int	 parse_list(struct opts *o, enum sel type, const char *arg);
void	 sel_free(struct sel_list *l);
int	 fmt_parse(struct fmt *f, const char *spec, int pidwidth);
void	 fmt_add(struct fmt *f, const struct key *k, const char *head,
	    size_t headlen, int width);
void	 fmt_free(struct fmt *f);
int	 sort_parse(struct sortspec *s, const char *spec);
void	 opts_free(struct opts *o);
void	 parsed_free(struct parsed *pa);
uint64_t devkey(unsigned maj, unsigned min);

/* ---- one process (or thread) ---- */

struct row {
	struct pid_stat	 st;
	struct pid_status ss;
	struct pid_io	 io;
	struct pid_smaps sm;
	struct pid_statm mem;
	int		 pid, tid;
	unsigned	 have;			/* F_* read */
	const char	*cmdline, *environ;	/* raw, NUL-separated */
	size_t		 cmdlen, envlen;
	const char	*exe, *cwd, *cgroup, *wchan, *label;
	char		 container[65];
	int		 fds, oom, oomadj;
	uint64_t	 ns[8];			/* NS_* inode numbers, 0: none */
	int64_t		 loginuid;
	int		 agid, agnice;		/* autogroup: -1 and 0 unread */
	double		 spcpu;			/* --sample %cpu, < 0: none */
	int		 index;			/* read order, for stable sorts */
	int		 dirfd;			/* while reading: its directory, or -1 */
	int		 thread;		/* a task of -L, -T, H */
	unsigned	 tried;			/* F_* read or tried */
	int64_t		 owner;			/* euid: /proc/PID's owner, -1 unread */
};

/* A reused read buffer per file kind, so a row's strings stay valid. */
enum {
	B_STAT, B_STATUS, B_CMDLINE, B_ENVIRON, B_IO, B_SMAPS, B_CGROUP,
	B_WCHAN, B_ATTR, B_MISC, B_EXE, B_CWD, B_ARGS, B_CELL, B_LINE, B_NBUF,
};

struct buf {
	char	*p;
	size_t	 cap;
};

struct uname_ent {
	uint32_t	 id;
	int		 used;
	char		 name[33];
};

struct sample {
	int		 tid;
	uint64_t	 start, ticks;
};

struct ctx {
	struct opts	*o;
	const char	*root;
	int		 procfd;
	unsigned	 need;			/* F_* the columns and selection need */
	struct fmt	 fmt;			/* the columns */
	struct buf	 b[B_NBUF];
	/* the machine */
	long		 hz;
	long		 pagesize;
	double		 uptime;		/* seconds, read once */
	uint64_t	 btime;
	uint64_t	 memtotal;		/* KiB */
	int		 have_uptime, have_btime, have_mem;
	int		 pidwidth;
	unsigned	 euid;
	int		 mytty;
	unsigned	 selbits;
	int		 pid_only;		/* the selection is pid lists alone */
	int		 use_dirfd;		/* read through /proc/PID's fd */
	time_t		 now;
	struct tm	 nowtm;
	/* the screen */
	int		 active_cols;
	int		 screen_rows;
	int		 hgap, ltnh;		/* procps's header_gap and
						 * lines_to_next_header */
	int		 mline;			/* -m: 1 a process's line, 2 a
						 * thread's, 0 neither */
	/* extra.c: what several rows share */
	struct extra	*extra;
	/* caches */
	struct uname_ent users[256], groups[64];
	int		 tty_nr_cached;
	char		 tty_cached[32];
	char		**tty_drivers;		/* /proc/tty/drivers: name by major */
	int		 drivers_read;
	/* forest prefix */
	char		*prefix;
	size_t		 prefixlen, prefixcap;
	/* --sample */
	struct sample	*samp;
	int		 nsamp, sampcap;
	double		 samp_secs;
	/* output */
	struct json	 j;
	int		 printed;
	int		 failed;
	int		 said_err, said_bad;	/* a read error, a malformed file */
	struct arena	 arena;
	int		 owner_euid;		/* the euid from /proc/PID's owner */
	int		 stat_lazy;		/* stat only for args' [comm] */
	int		 stat_comm;		/* comm, not stat: the name alone */
	unsigned	 pst_want;		/* status's lines to parse (PST_*) */
	struct fs_batch	 fdb;			/* read files, to close */
	time_t		 stime_t;		/* cell_stime's last second, */
	char		 stime_txt[16];		/* its text */
	size_t		 stime_len;
};

/* collected rows, for --sort and --forest */
struct rows {
	struct row	*r;
	size_t		 n, cap;
};

/* read.c: the machine */
void	 sys_error(struct ctx *c, const char *rel, int err);
double	 uptime(struct ctx *c);
uint64_t btime(struct ctx *c);
uint64_t memtotal(struct ctx *c);
int	 pid_digits(const char *root);
int	 my_tty(struct ctx *c);
/* names */
const char *user_name(struct ctx *c, uint32_t uid);
const char *group_name(struct ctx *c, uint32_t gid);
unsigned tty_major(int nr);
unsigned tty_minor(int nr);
const char *tty_name(struct ctx *c, int nr);
void	 ctx_free(struct ctx *c);
/* a process: stat, then what need asks; 0, or -1 when it is gone */
void	 row_init(struct row *r, int pid, int tid, int index);
int	 read_stat(struct ctx *c, struct row *r);
int	 read_more(struct ctx *c, struct row *r, unsigned need);
void	 read_error(struct ctx *c, const struct row *r, const char *name,
	    int err);
/* none of the stat fields set in mask is malformed (see kval.stat) */
#define STAT_OK(r, mask)	(((r)->st.bad & (mask)) == 0)
/* values that several keys share (rss_pages: -1 when unknown) */
uint64_t ticks(const struct ctx *c, const struct row *r);
int64_t	 rss_pages(const struct ctx *c, const struct row *r);
double	 util(struct ctx *c, const struct row *r);
double	 elapsed(struct ctx *c, const struct row *r);
time_t	 start_epoch(struct ctx *c, const struct row *r);
int	 id_of(const struct row *r, int which, uint32_t *out);

/* cell.c */
int64_t	 mul_sat(int64_t a, int64_t b);
int64_t	 add_sat(int64_t a, int64_t b);
int64_t	 sub_sat(int64_t a, int64_t b);
int	 fmt_u64(char *p, uint64_t v);
int	 fmt_i64(char *p, int64_t v);
char	*buf_need(struct buf *b, size_t n);
int	 text_cell(struct ctx *c, char **outp, const char *s, size_t n,
	    int maxc, int prefix, const char *more, size_t moren);
int	 cell(struct ctx *c, const struct row *r, const struct col *col,
	    char *small, char **outp, int maxc);
void	 set_screen(struct ctx *c);
void	 print_line(struct ctx *c, const struct row *r);
int	 header_wanted(const struct ctx *c);
kcell_fn cell_int, cell_kib, cell_user, cell_tty, cell_stat, cell_state,
	 cell_rtprio, cell_policy, cell_c, cell_pcpu, cell_pmem, cell_time,
	 cell_times, cell_bsdtime, cell_etime, cell_etimes, cell_start,
	 cell_stime, cell_bsdstart, cell_lstart, cell_flags, cell_dash,
	 cell_comm, cell_args, cell_path, cell_cgroup, cell_env, cell_label,
	 cell_container, cell_wchan, cell_sig, cell_supgid, cell_supgrp,
	 cell_hex, cell_fname, cell_cp, cell_sgi_p, cell_lim;

/* extra.c: keys beyond the files read.c reads */
struct extra;
int	 parse_autogroup(const struct ctx *c, const char *s, size_t n,
	    void *out);
void	 extra_free(struct ctx *c);
kcell_fn cell_agid, cell_agnice, cell_cuc, cell_cuu, cell_lxc, cell_sd,
	 cell_test;
kget_fn	 get_ag, get_util3, get_numa;

/* json.c */
void	 json_row(struct ctx *c, const struct row *r);
kjson_fn json_user, json_tty, json_comm, json_args, json_path, json_env,
	 json_container;

/* tree.c */
void	 sort_rows(struct ctx *c, struct rows *rs);
void	 show_forest(struct ctx *c, struct rows *rs);

/* scan.c */
void	 scan(struct ctx *c, struct rows *rs, int first);
void	 emit(struct ctx *c, const struct row *r);
int	 cmp_sample(const void *a, const void *b);

#endif
