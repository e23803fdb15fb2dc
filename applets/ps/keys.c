/*
 * ps keys: one table.  Each entry names a key as -o takes it, its header,
 * width and justification, and points at what it shows (struct kval): the
 * files it needs read beyond stat, its text cell, its number (the JSON
 * value, in bytes and seconds, and the --sort order) and, where JSON or
 * the order is not that number, its own JSON writer or sort value.  A
 * key's aliases point at the same kval.  OpenBSD's ps keyword.c is the
 * model.
 */
#include "ps.h"

#include <float.h>

/* ---- numbers ---- */

/* stat's numbers as they are; kval.arg names the field */
enum {
	S_PID, S_TID, S_PPID, S_PGID, S_SID, S_TPGID, S_NLWP, S_PRIORITY,
	S_PRI, S_OPRI, S_PSR, S_PRI_API, S_PRI_BAR, S_PRI_BAZ, S_PRI_FOO,
	S_SCHED, S_RTPRIO, S_FLAGS, S_MAJFLT, S_MINFLT,
};

static void
get_stat(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	const struct pid_stat *st = &r->st;

	v->type = V_INT;
	switch (kv->arg) {
	case S_PID: v->i = r->pid; break;
	case S_TID: v->i = r->tid; break;
	case S_PPID: v->i = st->ppid; break;
	case S_PGID: v->i = st->pgrp; break;
	case S_SID: v->i = st->session; break;
	case S_TPGID: v->i = st->tpgid; break;
	case S_NLWP: v->i = st->num_threads; break;
	case S_PRIORITY: v->i = st->priority; break;
	case S_PRI: v->i = sub_sat(39, st->priority); break;
	case S_OPRI: v->i = add_sat(60, st->priority); break;
	case S_PSR: v->i = st->processor; break;
	/* procps's other readings of the kernel's priority */
	case S_PRI_API: v->i = sub_sat(-1, st->priority); break;
	case S_PRI_BAR: v->i = add_sat(st->priority, 1); break;
	case S_PRI_BAZ: v->i = add_sat(st->priority, 100); break;
	case S_PRI_FOO: v->i = sub_sat(st->priority, 20); break;
	default:
		v->type = V_UINT;
		v->u = kv->arg == S_SCHED ? st->policy :
		    kv->arg == S_RTPRIO ? st->rt_priority :
		    kv->arg == S_FLAGS ? st->flags :
		    kv->arg == S_MAJFLT ? st->majflt : st->minflt;
		/* procps: S and --cumulative add the dead children's */
		if (c->o->cumulative && kv->arg == S_MAJFLT &&
		    STAT_OK(r, SF(13)))
			v->u += st->cmajflt;
		if (c->o->cumulative && kv->arg == S_MINFLT &&
		    STAT_OK(r, SF(11)))
			v->u += st->cminflt;
		break;
	}
}

/* ids from status: arg 0-3 the uids (effective, real, saved, file
 * system), 4-7 the gids */
static void
get_id(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	uint32_t id;

	v->type = V_NONE;
	if (id_of(r, kv->arg, &id) == 0) {
		v->type = V_UINT;
		v->u = id;
	}
}

/* nice: none for the real-time policies */
static void
get_ni(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (r->st.policy == 0 || r->st.policy == 3) {
		v->type = V_INT;
		v->i = r->st.nice;
	}
}

static void
get_util(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_REAL;
	v->d = util(c, r);
}

static void
get_pmem(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (memtotal(c) > 0 && rss_pages(c, r) >= 0) {
		v->type = V_REAL;
		v->d = (double)rss_pages(c, r) * (double)c->pagesize * 100.0 /
		    ((double)memtotal(c) * 1024);
	}
}

/* sizes in bytes; the text shows KiB */
static void
get_vsz(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_UINT;
	v->u = r->st.vsize;
}

static void
get_rss(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	int64_t pages = rss_pages(c, r);

	v->type = V_NONE;
	if (pages >= 0) {
		v->type = V_INT;
		v->i = mul_sat(pages, c->pagesize);
	}
}

/* pages */
static void
get_sz(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_UINT;
	v->u = r->st.vsize / (uint64_t)c->pagesize;
}

/* arg 0: pss, 1: uss */
static void
get_smaps(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (!(r->have & F_SMAPS))
		return;
	v->type = V_UINT;
	v->u = kv->arg == 0 ? r->sm.pss : r->sm.private_clean +
	    r->sm.private_dirty + r->sm.private_hugetlb;
}

/* arg 0: swap, 1: shared resident (file + shmem) */
static void
get_status_mem(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (!(r->have & F_STATUS) ||
	    !(r->ss.has & (kv->arg == 0 ? PST_VMSWAP : PST_RSSFILE)))
		return;
	v->type = V_UINT;
	v->u = kv->arg == 0 ? r->ss.vm_swap : r->ss.rss_file + r->ss.rss_shmem;
}

/* seconds */
/* arg 1: with the dead children's time under S and --cumulative (bsdtime,
 * as procps); 0: the process's own (time, times) */
static void
get_cputime(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_REAL;
	v->d = (double)(kv->arg ? ticks(c, r) : r->st.utime + r->st.stime) /
	    (double)c->hz;
}

static void
get_elapsed(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_REAL;
	v->d = elapsed(c, r);
}

/* epoch seconds */
static void
get_start(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_REAL;
	v->d = (double)btime(c) + (double)r->st.starttime / (double)c->hz;
}

static void
get_fds(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (r->have & F_FDS) {
		v->type = V_INT;
		v->i = r->fds;
	}
}

/* /proc/PID/io; arg names the counter */
enum { IO_RBYTES, IO_WBYTES, IO_RCHAR, IO_WCHAR, IO_ROPS, IO_WOPS, IO_WCBYTES };

static void
get_io(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	const struct pid_io *io = &r->io;

	v->type = V_NONE;
	if (!(r->have & F_IO))
		return;
	v->type = V_UINT;
	switch (kv->arg) {
	case IO_RBYTES: v->u = io->read_bytes; break;
	case IO_WBYTES: v->u = io->write_bytes; break;
	case IO_RCHAR: v->u = io->rchar; break;
	case IO_WCHAR: v->u = io->wchar; break;
	case IO_ROPS: v->u = io->syscr; break;
	case IO_WOPS: v->u = io->syscw; break;
	default: v->u = io->cancelled_write_bytes; break;
	}
}

/* arg 0: oom_score, 1: oom_score_adj */
static void
get_oom(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if (r->have & (kv->arg == 0 ? F_OOM : F_OOMADJ)) {
		v->type = V_INT;
		v->i = kv->arg == 0 ? r->oom : r->oomadj;
	}
}

/* ---- sort orders that are not the JSON number ---- */

static double
sort_nice(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return (double)r->st.nice;
}

static double
sort_rss(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return (double)rss_pages(c, r);
}

static double
sort_vsize(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return (double)r->st.vsize;
}

static double
sort_ticks(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return (double)(kv->arg ? ticks(c, r) : r->st.utime + r->st.stime);
}

/* status read, but without the line: 0, as the kernel's own 0 */
static double
sort_status_mem(struct ctx *c, const struct row *r, const struct kval *kv)
{
	if (!(r->have & F_STATUS))
		return -1;
	return (double)(kv->arg == 0 ? r->ss.vm_swap :
	    r->ss.rss_file + r->ss.rss_shmem);
}

/* elapsed time: the later start, the shorter */
static double
sort_age(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return -(double)r->st.starttime;
}

static double
sort_start(struct ctx *c, const struct row *r,
    const struct kval *kv)
{
	return (double)r->st.starttime;
}

/* a namespace's inode number (kval.arg: NS_*) */
static void
get_ns(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if ((r->have & F_NS) && r->ns[kv->arg] != 0) {
		v->type = V_UINT;
		v->u = r->ns[kv->arg];
	}
}

/* memory segments, bytes, as procps: arg 0 data + stack (status), 1 text
 * (stat's endcode - startcode), 2 vsz - text, 3 statm's size */
static void
get_seg(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	const struct pid_stat *st = &r->st;
	uint64_t text = 0;

	v->type = V_UINT;
	if (st->endcode > st->startcode)
		text = st->endcode - st->startcode;
	switch (kv->arg) {
	case 0:
		if (!(r->have & F_STATUS)) {
			v->type = V_NONE;
			return;
		}
		v->u = r->ss.vm_data + r->ss.vm_stk;
		break;
	case 1:
		v->u = text / 1024 * 1024;
		break;
	case 2:
		v->u = st->vsize > text ? st->vsize - text : 0;
		break;
	default:
		if (!(r->have & F_STATM)) {
			v->type = V_NONE;
			return;
		}
		v->u = r->mem.size * (uint64_t)c->pagesize;
		break;
	}
}

/* the login uid: none when unset (-1) */
static void
get_luid(struct ctx *c, const struct row *r, const struct kval *kv,
    struct val *v)
{
	v->type = V_NONE;
	if ((r->have & F_LOGINUID) && r->loginuid != UINT32_MAX) {
		v->type = V_UINT;
		v->u = (uint64_t)r->loginuid;
	}
}

/* ---- what each key shows ---- */

#define STATV(name, field, mask) static const struct kval name = { \
	.stat = mask, .arg = field, .get = get_stat }
STATV(v_pid, S_PID, 0);
STATV(v_tid, S_TID, 0);
STATV(v_ppid, S_PPID, SF(4));
STATV(v_pgid, S_PGID, SF(5));
STATV(v_sid, S_SID, SF(6));
STATV(v_tpgid, S_TPGID, SF(8));
STATV(v_nlwp, S_NLWP, SF(20));
STATV(v_priority, S_PRIORITY, SF(18));
STATV(v_pri, S_PRI, SF(18));
STATV(v_opri, S_OPRI, SF(18));
STATV(v_psr, S_PSR, SF(39));
STATV(v_pri_api, S_PRI_API, SF(18));
STATV(v_pri_bar, S_PRI_BAR, SF(18));
STATV(v_pri_baz, S_PRI_BAZ, SF(18));
STATV(v_pri_foo, S_PRI_FOO, SF(18));
STATV(v_sched, S_SCHED, SF(41));
STATV(v_majflt, S_MAJFLT, SF(12));
STATV(v_minflt, S_MINFLT, SF(10));
#undef STATV
static const struct kval v_rtprio = { .stat = SF(40) | SF(41),
	.arg = S_RTPRIO, .get = get_stat, .cell = cell_rtprio };
static const struct kval v_flags = { .stat = SF(9), .arg = S_FLAGS,
	.get = get_stat, .cell = cell_flags };

#define IDV(name, which) static const struct kval name = { .need = F_STATUS, \
	.arg = which, .get = get_id }
IDV(v_euid, 0);
IDV(v_ruid, 1);
IDV(v_suid, 2);
IDV(v_fuid, 3);
IDV(v_egid, 4);
IDV(v_rgid, 5);
IDV(v_sgid, 6);
IDV(v_fgid, 7);
#undef IDV
#define NAMEV(name, which) static const struct kval name = { \
	.need = F_STATUS, .arg = which, .cell = cell_user, .json = json_user }
NAMEV(v_euser, 0);
NAMEV(v_ruser, 1);
NAMEV(v_suser, 2);
NAMEV(v_fuser, 3);
NAMEV(v_egroup, 4);
NAMEV(v_rgroup, 5);
NAMEV(v_sgroup, 6);
NAMEV(v_fgroup, 7);
#undef NAMEV

/* CPU time, and the start that %CPU divides it by */
#define TIME_FIELDS	(SF(14) | SF(15))
#define CPU_FIELDS	(TIME_FIELDS | SF(22))

static const struct kval v_tty = { .stat = SF(7), .cell = cell_tty, .json = json_tty };
static const struct kval v_stat = {
	.stat = SF(5) | SF(6) | SF(8) | SF(19) | SF(20), .need = F_STATUS, .cell = cell_stat };
static const struct kval v_state = { .cell = cell_state };
static const struct kval v_ni = { .stat = SF(19) | SF(41), .get = get_ni, .sort = sort_nice };
static const struct kval v_policy = { .stat = SF(41), .cell = cell_policy };
static const struct kval v_c = { .stat = CPU_FIELDS, .flags = KV_UPTIME, .get = get_util,
	.cell = cell_c };
static const struct kval v_pcpu = { .stat = CPU_FIELDS, .flags = KV_UPTIME, .jname = "pcpu",
	.get = get_util, .cell = cell_pcpu };
static const struct kval v_pmem = { .need = F_STATM, .jname = "pmem",
	.get = get_pmem, .cell = cell_pmem, .sort = sort_rss };
static const struct kval v_vsz = { .stat = SF(23), .get = get_vsz, .cell = cell_kib };
static const struct kval v_rss = { .need = F_STATM, .get = get_rss,
	.cell = cell_kib };
static const struct kval v_sz = { .stat = SF(23), .get = get_sz, .sort = sort_vsize };
static const struct kval v_pss = { .need = F_SMAPS, .arg = 0,
	.get = get_smaps, .cell = cell_kib };
static const struct kval v_uss = { .need = F_SMAPS, .arg = 1,
	.get = get_smaps, .cell = cell_kib };
static const struct kval v_swap = { .need = F_STATUS, .arg = 0,
	.get = get_status_mem, .cell = cell_kib, .sort = sort_status_mem };
static const struct kval v_shr = { .need = F_STATUS, .arg = 1,
	.get = get_status_mem, .cell = cell_kib, .sort = sort_status_mem };
static const struct kval v_time = { .stat = TIME_FIELDS, .get = get_cputime, .cell = cell_time,
	.sort = sort_ticks };
static const struct kval v_times = { .stat = TIME_FIELDS, .get = get_cputime,
	.cell = cell_times, .sort = sort_ticks };
static const struct kval v_bsdtime = { .stat = TIME_FIELDS, .arg = 1,
	.get = get_cputime,
	.cell = cell_bsdtime, .sort = sort_ticks };
static const struct kval v_etime = { .stat = SF(22), .flags = KV_UPTIME,
	.get = get_elapsed, .cell = cell_etime, .sort = sort_age };
static const struct kval v_etimes = { .stat = SF(22), .flags = KV_UPTIME,
	.get = get_elapsed, .cell = cell_etimes, .sort = sort_age };
static const struct kval v_start = { .stat = SF(22), .get = get_start, .cell = cell_start,
	.sort = sort_start };
static const struct kval v_stime = { .stat = SF(22), .get = get_start, .cell = cell_stime,
	.sort = sort_start };
static const struct kval v_bsdstart = { .stat = SF(22), .get = get_start,
	.cell = cell_bsdstart, .sort = sort_start };
static const struct kval v_lstart = { .stat = SF(22), .get = get_start,
	.cell = cell_lstart, .sort = sort_start };
static const struct kval v_fds = { .need = F_FDS, .get = get_fds };
#define IOV(name, which) static const struct kval name = { .need = F_IO, \
	.arg = which, .get = get_io }
IOV(v_rbytes, IO_RBYTES);
IOV(v_wbytes, IO_WBYTES);
IOV(v_rchar, IO_RCHAR);
IOV(v_wchar, IO_WCHAR);
IOV(v_rops, IO_ROPS);
IOV(v_wops, IO_WOPS);
IOV(v_wcbytes, IO_WCBYTES);
#undef IOV
static const struct kval v_oom = { .need = F_OOM, .arg = 0, .get = get_oom };
static const struct kval v_oomadj = { .need = F_OOMADJ, .arg = 1,
	.get = get_oom };
static const struct kval v_dash = { .cell = cell_dash };
static const struct kval v_comm = { .flags = KV_COMM, .cell = cell_comm,
	.json = json_comm };
static const struct kval v_args = { .need = F_CMDLINE, .flags = KV_ARGS,
	.cell = cell_args, .json = json_args };
static const struct kval v_exe = { .need = F_EXE, .arg = 0,
	.cell = cell_path, .json = json_path };
static const struct kval v_cwd = { .need = F_CWD, .arg = 1,
	.cell = cell_path, .json = json_path };
static const struct kval v_cgroup = { .need = F_CGROUP, .arg = 0,
	.cell = cell_cgroup };
static const struct kval v_cgname = { .need = F_CGROUP, .arg = 1,
	.cell = cell_cgroup };
static const struct kval v_env = { .need = F_ENVIRON, .cell = cell_env,
	.json = json_env };
static const struct kval v_label = { .need = F_ATTR, .cell = cell_label };
static const struct kval v_container = { .need = F_CGROUP,
	.cell = cell_container, .json = json_container };
static const struct kval v_wchan = { .need = F_WCHAN, .cell = cell_wchan };
#define SIGV(name, which) static const struct kval name = { .need = F_STATUS, \
	.arg = which, .cell = cell_sig }
SIGV(v_sigpnd, 0);
SIGV(v_sigblk, 1);
SIGV(v_sigign, 2);
SIGV(v_sigcgt, 3);
SIGV(v_tsig, 4);
#undef SIGV
#define NSV(name, which) static const struct kval name = { .need = F_NS, \
	.arg = which, .get = get_ns }
NSV(v_ipcns, NS_IPC);
NSV(v_mntns, NS_MNT);
NSV(v_netns, NS_NET);
NSV(v_pidns, NS_PID);
NSV(v_userns, NS_USER);
NSV(v_utsns, NS_UTS);
NSV(v_cgroupns, NS_CGROUP);
NSV(v_timens, NS_TIME);
#undef NSV
#define TEXT_FIELDS	(SF(26) | SF(27))
static const struct kval v_size = { .need = F_STATUS, .arg = 0,
	.get = get_seg, .cell = cell_kib };
static const struct kval v_trs = { .stat = TEXT_FIELDS, .arg = 1,
	.get = get_seg, .cell = cell_kib };
static const struct kval v_drs = { .stat = TEXT_FIELDS | SF(23), .arg = 2,
	.get = get_seg, .cell = cell_kib };
static const struct kval v_msize = { .need = F_STATM, .arg = 3,
	.get = get_seg };
static const struct kval v_stack = { .stat = SF(28), .arg = 28,
	.cell = cell_hex };
static const struct kval v_esp = { .stat = SF(29), .arg = 29,
	.cell = cell_hex };
static const struct kval v_eip = { .stat = SF(30), .arg = 30,
	.cell = cell_hex };
static const struct kval v_supgid = { .need = F_STATUS, .cell = cell_supgid };
static const struct kval v_supgrp = { .need = F_STATUS, .cell = cell_supgrp };
static const struct kval v_fname = { .cell = cell_fname };
static const struct kval v_cp = { .stat = CPU_FIELDS, .flags = KV_UPTIME,
	.get = get_util, .cell = cell_cp };
static const struct kval v_luid = { .need = F_LOGINUID, .get = get_luid };
static const struct kval v_sgi_p = { .stat = SF(39), .cell = cell_sgi_p };
static const struct kval v_lim = { .stat = SF(25), .cell = cell_lim };
/* extra.c's */
static const struct kval v_agid = { .need = F_AUTOGRP, .arg = 0,
	.get = get_ag, .cell = cell_agid };
static const struct kval v_agnice = { .need = F_AUTOGRP, .arg = 1,
	.get = get_ag, .cell = cell_agnice };
static const struct kval v_cuc = { .stat = CPU_FIELDS | SF(16) | SF(17),
	.flags = KV_UPTIME, .arg = 1, .get = get_util3, .cell = cell_cuc };
static const struct kval v_cuu = { .stat = CPU_FIELDS, .flags = KV_UPTIME,
	.arg = 0, .get = get_util3, .cell = cell_cuu };
static const struct kval v_numa = { .stat = SF(39), .get = get_numa };
static const struct kval v_lxc = { .need = F_CGROUP, .cell = cell_lxc };
#define SDV(name, which) static const struct kval name = { .need = F_CGROUP, \
	.arg = which, .cell = cell_sd }
SDV(v_sd_slice, 0);
SDV(v_sd_unit, 1);
SDV(v_sd_uunit, 2);
SDV(v_sd_session, 3);
SDV(v_sd_ouid, 4);
SDV(v_sd_seat, 5);
SDV(v_sd_machine, 6);
#undef SDV
#define TESTV(name, which) static const struct kval name = { .arg = which, \
	.cell = cell_test }
TESTV(v_t_left, 0);
TESTV(v_t_left2, 1);
TESTV(v_t_right, 2);
TESTV(v_t_right2, 3);
TESTV(v_t_unlim, 4);
TESTV(v_t_unlim2, 5);
#undef TESTV

/* ---- the keys, sorted by name ---- */

#define PM	J_PIDMAX
const struct key keys[] = {
	{ "%cpu", "%CPU", 4, J_RIGHT, &v_pcpu, "CPU use: lifetime, or over --sample" },
	{ "%mem", "%MEM", 4, J_RIGHT | J_PO, &v_pmem, "resident set / MemTotal, percent" },
	{ "_left", "LLLLLLLL", 8, J_LEFT, &v_t_left, "procps's layout test: left" },
	{ "_left2", "L2L2L2L2", 8, J_LEFT, &v_t_left2, "procps's layout test: left" },
	{ "_right", "RRRRRRRRRRR", 11, J_RIGHT, &v_t_right, "procps's layout test: right" },
	{ "_right2", "R2R2R2R2R2R", 11, J_RIGHT, &v_t_right2, "procps's layout test: right" },
	{ "_unlimited", "U", 16, J_UNLIM, &v_t_unlim, "procps's layout test: unlimited" },
	{ "_unlimited2", "U2", 16, J_UNLIM, &v_t_unlim2, "procps's layout test: unlimited" },
	{ "acflag", "ACFLG", 5, J_RIGHT, &v_dash, NULL },
	{ "acflg", "ACFLG", 5, J_RIGHT, &v_dash, NULL },
	{ "addr", "ADDR", 4, J_RIGHT, &v_dash, NULL },
	{ "addr_1", "ADDR", 1, J_LEFT, &v_dash, NULL },
	{ "ag_id", "AGID", 5, J_RIGHT, &v_agid, "autogroup id (-1 without one)" },
	{ "ag_nice", "AGNI", 4, J_RIGHT, &v_agnice, "autogroup nice value" },
	{ "alarm", "ALARM", 5, J_RIGHT, &v_dash, NULL },
	{ "argc", "ARGC", 4, J_RIGHT, &v_dash, NULL },
	{ "args", "COMMAND", 27, J_UNLIM | J_PO, &v_args, "command with its arguments" },
	{ "atime", "TIME", 8, J_RIGHT, &v_time, NULL },
	{ "blocked", "BLOCKED", 16, J_RIGHT | J_TO, &v_sigblk, "blocked signals (mask)" },
	{ "bnd", "BND", 1, J_RIGHT, &v_dash, NULL },
	{ "bsdstart", "START", 6, J_RIGHT, &v_bsdstart, "start time, BSD style" },
	{ "bsdtime", "TIME", 6, J_RIGHT, &v_bsdtime, "CPU time, MMM:SS" },
	{ "c", "C", 2, J_RIGHT, &v_c, "CPU use, integer percent (max 99)" },
	{ "caught", "CAUGHT", 16, J_RIGHT | J_TO, &v_sigcgt, "caught signals (mask)" },
	{ "cgname", "CGNAME", 27, J_UNLIM | J_PO, &v_cgname, "name of the cgroup (last path component)" },
	{ "cgroup", "CGROUP", 27, J_UNLIM | J_PO, &v_cgroup, "cgroups, except those at /" },
	{ "cgroupns", "CGROUPNS", 10, J_RIGHT, &v_cgroupns, "cgroup namespace inode" },
	{ "class", "CLS", 3, J_LEFT | J_TO, &v_policy, NULL },
	{ "cls", "CLS", 3, J_RIGHT | J_TO, &v_policy, NULL },
	{ "cmaj_flt", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "cmd", "CMD", 27, J_UNLIM | J_PO, &v_args, NULL },
	{ "cmin_flt", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "cnswap", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "comm", "COMMAND", 15, J_UNLIM | J_PO, &v_comm, "command name" },
	{ "command", "COMMAND", 27, J_UNLIM | J_PO, &v_args, NULL },
	{ "container", "CONTAINER", 12, J_LEFT | J_PO, &v_container, "container id (docker, containerd, podman, kubepods), 12 digits" },
	{ "context", "CONTEXT", 31, J_LEFT, &v_label, NULL },
	{ "cp", "CP", 3, J_RIGHT, &v_cp, "CPU use, tenths of a percent (max 999)" },
	{ "cpu", "CPU", 3, J_RIGHT, &v_dash, NULL },
	{ "cpuid", "CPUID", 5, J_RIGHT | J_TO, &v_psr, NULL },
	{ "cputime", "TIME", 8, J_RIGHT, &v_time, NULL },
	{ "cputimes", "TIME", 8, J_RIGHT, &v_times, NULL },
	{ "ctid", "CTID", 5, J_RIGHT, &v_dash, NULL },
	{ "cuc", "%CUC", 7, J_RIGHT, &v_cuc, "CPU use with dead children's, percent, ##.###" },
	{ "cursig", "CURSIG", 6, J_RIGHT, &v_dash, NULL },
	{ "cutime", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "cuu", "%CUU", 6, J_RIGHT, &v_cuu, "CPU use, percent, ##.###" },
	{ "cwd", "CWD", 27, J_UNLIM | J_PO, &v_cwd, "current directory" },
	{ "drs", "DRS", 5, J_RIGHT | J_PO, &v_drs, "data resident set: vsz - text, KiB" },
	{ "dsiz", "DSIZ", 4, J_RIGHT | J_PO, &v_drs, NULL },
	{ "egid", "EGID", 5, J_RIGHT, &v_egid, NULL },
	{ "egroup", "EGROUP", 8, J_USER, &v_egroup, NULL },
	{ "eip", "EIP", 16, J_RIGHT | J_TO, &v_eip, "instruction pointer" },
	{ "emul", "EMUL", 13, J_LEFT, &v_dash, NULL },
	{ "end_code", "E_CODE", 16, J_RIGHT, &v_dash, NULL },
	{ "env", "ENVIRONMENT", 31, J_UNLIM | J_PO, &v_env, "environment" },
	{ "environ", "ENVIRONMENT", 31, J_UNLIM | J_PO, &v_env, NULL },
	{ "esp", "ESP", 16, J_RIGHT | J_TO, &v_esp, "stack pointer" },
	{ "etime", "ELAPSED", 11, J_RIGHT, &v_etime, "elapsed time, [[DD-]hh:]mm:ss" },
	{ "etimes", "ELAPSED", 7, J_RIGHT, &v_etimes, "elapsed time, seconds" },
	{ "euid", "EUID", 5, J_RIGHT, &v_euid, NULL },
	{ "euser", "EUSER", 8, J_USER, &v_euser, NULL },
	{ "exe", "EXE", 27, J_UNLIM | J_PO, &v_exe, "path of the executable" },
	{ "f", "F", 1, J_RIGHT, &v_flags, "flags (octal)" },
	{ "fds", "FDS", 3, J_RIGHT | J_PO, &v_fds, "open file descriptors" },
	{ "fgid", "FGID", 5, J_RIGHT, &v_fgid, NULL },
	{ "fgroup", "FGROUP", 8, J_USER, &v_fgroup, NULL },
	{ "flag", "F", 1, J_RIGHT, &v_flags, NULL },
	{ "flags", "F", 1, J_RIGHT, &v_flags, NULL },
	{ "fname", "COMMAND", 8, J_LEFT | J_PO, &v_fname, "first 8 bytes of the name" },
	{ "fsgid", "FSGID", 5, J_RIGHT, &v_fgid, NULL },
	{ "fsgroup", "FSGROUP", 8, J_USER, &v_fgroup, NULL },
	{ "fsuid", "FSUID", 5, J_RIGHT, &v_fuid, NULL },
	{ "fsuser", "FSUSER", 8, J_USER, &v_fuser, NULL },
	{ "fuid", "FUID", 5, J_RIGHT, &v_fuid, NULL },
	{ "fuser", "FUSER", 8, J_USER, &v_fuser, NULL },
	{ "gid", "GID", 5, J_RIGHT, &v_egid, "effective group id" },
	{ "group", "GROUP", 8, J_USER, &v_egroup, "effective group name" },
	{ "ignored", "IGNORED", 16, J_RIGHT | J_TO, &v_sigign, "ignored signals (mask)" },
	{ "inblk", "INBLK", 5, J_RIGHT, &v_dash, NULL },
	{ "inblock", "INBLK", 5, J_RIGHT, &v_dash, NULL },
	{ "intpri", "PRI", 3, J_RIGHT | J_TO, &v_opri, NULL },
	{ "ipcns", "IPCNS", 10, J_RIGHT, &v_ipcns, "IPC namespace inode" },
	{ "jid", "JID", 1, J_RIGHT, &v_dash, NULL },
	{ "jobc", "JOBC", 4, J_RIGHT, &v_dash, NULL },
	{ "ktrace", "KTRACE", 8, J_RIGHT, &v_dash, NULL },
	{ "ktracep", "KTRACEP", 8, J_RIGHT, &v_dash, NULL },
	{ "label", "LABEL", 31, J_LEFT, &v_label, "security label (SELinux, AppArmor)" },
	{ "lastcpu", "C", 3, J_RIGHT | J_TO, &v_psr, NULL },
	{ "lim", "LIM", 5, J_RIGHT, &v_lim, "resident set limit, KiB (xx: none)" },
	{ "login", "LOGNAME", 8, J_LEFT, &v_dash, NULL },
	{ "logname", "LOGNAME", 8, J_LEFT, &v_dash, NULL },
	{ "longtname", "TTY", 8, J_LEFT | J_PO, &v_tty, NULL },
	{ "lsession", "SESSION", 11, J_LEFT, &v_sd_session, "systemd login session" },
	{ "lstart", "STARTED", 24, J_RIGHT, &v_lstart, "start time, in full" },
	{ "luid", "LUID", 5, J_RIGHT, &v_luid, "login uid (- when unset)" },
	{ "luser", "LUSER", 8, J_USER, &v_dash, NULL },
	{ "lwp", "LWP", 5, J_RIGHT | PM | J_TO, &v_tid, "thread id" },
	{ "lxc", "LXC", 8, J_LEFT, &v_lxc, "LXC container name" },
	{ "m_drs", "DRS", 5, J_RIGHT | J_PO, &v_drs, NULL },
	{ "m_dt", "DT", 4, J_RIGHT, &v_dash, NULL },
	{ "m_lrs", "LRS", 5, J_RIGHT, &v_dash, NULL },
	{ "m_resident", "RES", 5, J_RIGHT, &v_dash, NULL },
	{ "m_share", "SHRD", 5, J_RIGHT, &v_dash, NULL },
	{ "m_size", "SIZE", 5, J_RIGHT | J_PO, &v_msize, NULL },
	{ "m_swap", "SWAP", 5, J_RIGHT, &v_dash, NULL },
	{ "m_trs", "TRS", 5, J_RIGHT | J_PO, &v_trs, NULL },
	{ "machine", "MACHINE", 31, J_LEFT, &v_sd_machine, "systemd machine (container, VM) name" },
	{ "maj_flt", "MAJFL", 6, J_RIGHT, &v_majflt, NULL },
	{ "majflt", "MAJFLT", 6, J_RIGHT, &v_majflt, "major page faults" },
	{ "min_flt", "MINFL", 6, J_RIGHT, &v_minflt, NULL },
	{ "minflt", "MINFLT", 6, J_RIGHT, &v_minflt, "minor page faults" },
	{ "mntns", "MNTNS", 10, J_RIGHT, &v_mntns, "mount namespace inode" },
	{ "msgrcv", "MSGRCV", 6, J_RIGHT, &v_dash, NULL },
	{ "msgsnd", "MSGSND", 6, J_RIGHT, &v_dash, NULL },
	{ "mwchan", "MWCHAN", 6, J_WCHAN, &v_dash, NULL },
	{ "netns", "NETNS", 10, J_RIGHT, &v_netns, "network namespace inode" },
	{ "ni", "NI", 3, J_RIGHT | J_TO, &v_ni, "nice value (- for real-time policies)" },
	{ "nice", "NI", 3, J_RIGHT | J_TO, &v_ni, NULL },
	{ "nivcsw", "IVCSW", 5, J_RIGHT, &v_dash, NULL },
	{ "nlwp", "NLWP", 4, J_RIGHT | J_PO, &v_nlwp, "number of threads" },
	{ "nsignals", "NSIGS", 5, J_RIGHT, &v_dash, NULL },
	{ "nsigs", "NSIGS", 5, J_RIGHT, &v_dash, NULL },
	{ "nswap", "NSWAP", 5, J_RIGHT, &v_dash, NULL },
	{ "numa", "NUMA", 4, J_RIGHT, &v_numa, "NUMA node of the last CPU" },
	{ "nvcsw", "VCSW", 5, J_RIGHT, &v_dash, NULL },
	{ "nwchan", "WCHAN", 6, J_RIGHT, &v_dash, NULL },
	{ "oom", "OOM", 4, J_RIGHT | J_TO, &v_oom, "OOM killer score" },
	{ "oom_score_adj", "OOMADJ", 5, J_RIGHT | J_TO, &v_oomadj, "OOM score adjustment" },
	{ "oomadj", "OOMADJ", 5, J_RIGHT | J_TO, &v_oomadj, NULL },
	{ "opri", "PRI", 3, J_RIGHT | J_TO, &v_opri, NULL },
	{ "osz", "SZ", 2, J_RIGHT, &v_dash, NULL },
	{ "oublk", "OUBLK", 5, J_RIGHT, &v_dash, NULL },
	{ "oublock", "OUBLK", 5, J_RIGHT, &v_dash, NULL },
	{ "ouid", "OWNER", 5, J_LEFT, &v_sd_ouid, "uid of the systemd session's owner" },
	{ "p_ru", "P_RU", 6, J_RIGHT, &v_dash, NULL },
	{ "paddr", "PADDR", 6, J_RIGHT, &v_dash, NULL },
	{ "pagein", "PAGEIN", 6, J_RIGHT, &v_majflt, NULL },
	{ "pcpu", "%CPU", 4, J_RIGHT, &v_pcpu, NULL },
	{ "pending", "PENDING", 16, J_RIGHT, &v_sigpnd, "pending signals (mask)" },
	{ "pgid", "PGID", 5, J_RIGHT | PM | J_PO, &v_pgid, "process group id" },
	{ "pgrp", "PGRP", 5, J_RIGHT | PM | J_PO, &v_pgid, NULL },
	{ "pid", "PID", 5, J_RIGHT | PM | J_PO, &v_pid, "process id" },
	{ "pidns", "PIDNS", 10, J_RIGHT, &v_pidns, "PID namespace inode" },
	{ "pmem", "%MEM", 4, J_RIGHT | J_PO, &v_pmem, NULL },
	{ "poip", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "policy", "POL", 3, J_LEFT | J_TO, &v_policy, "scheduling policy (TS, FF, RR, B, IDL, DLN)" },
	{ "ppid", "PPID", 5, J_RIGHT | PM | J_PO, &v_ppid, "parent process id" },
	{ "pri", "PRI", 3, J_RIGHT | J_TO, &v_pri, "priority, higher is more urgent" },
	{ "pri_api", "API", 3, J_RIGHT | J_TO, &v_pri_api, "priority: -1 - kernel priority" },
	{ "pri_bar", "BAR", 3, J_RIGHT | J_TO, &v_pri_bar, "priority: kernel priority + 1" },
	{ "pri_baz", "BAZ", 3, J_RIGHT | J_TO, &v_pri_baz, "priority: kernel priority + 100" },
	{ "pri_foo", "FOO", 3, J_RIGHT | J_TO, &v_pri_foo, "priority: kernel priority - 20" },
	{ "priority", "PRI", 3, J_RIGHT | J_TO, &v_priority, NULL },
	{ "prmgrp", "PRMGRP", 12, J_RIGHT, &v_dash, NULL },
	{ "prmid", "PRMID", 12, J_RIGHT, &v_dash, NULL },
	{ "project", "PROJECT", 12, J_LEFT, &v_dash, NULL },
	{ "projid", "PROJID", 5, J_RIGHT, &v_dash, NULL },
	{ "pset", "PSET", 4, J_RIGHT, &v_dash, NULL },
	{ "psr", "PSR", 3, J_RIGHT | J_TO, &v_psr, "processor last run on" },
	{ "pss", "PSS", 5, J_RIGHT | J_PO, &v_pss, "proportional set size, KiB" },
	{ "psxpri", "PPR", 3, J_RIGHT, &v_dash, NULL },
	{ "rbytes", "RBYTES", 5, J_RIGHT | J_TO, &v_rbytes, "bytes read from storage" },
	{ "rchar", "RCHAR", 5, J_RIGHT | J_TO, &v_rchar, "bytes read" },
	{ "rchars", "RCHARS", 5, J_RIGHT | J_TO, &v_rchar, NULL },
	{ "re", "RE", 3, J_RIGHT, &v_dash, NULL },
	{ "resident", "RES", 5, J_RIGHT, &v_dash, NULL },
	{ "rgid", "RGID", 5, J_RIGHT, &v_rgid, "real group id" },
	{ "rgroup", "RGROUP", 8, J_USER, &v_rgroup, "real group name" },
	{ "rlink", "RLINK", 8, J_RIGHT, &v_dash, NULL },
	{ "rops", "ROPS", 5, J_RIGHT | J_TO, &v_rops, NULL },
	{ "rss", "RSS", 5, J_RIGHT | J_PO, &v_rss, "resident set size, KiB" },
	{ "rssize", "RSS", 5, J_RIGHT | J_PO, &v_rss, NULL },
	{ "rsz", "RSZ", 5, J_RIGHT | J_PO, &v_rss, NULL },
	{ "rtprio", "RTPRIO", 6, J_RIGHT | J_TO, &v_rtprio, "real-time priority" },
	{ "ruid", "RUID", 5, J_RIGHT, &v_ruid, "real user id" },
	{ "ruser", "RUSER", 8, J_USER, &v_ruser, "real user name" },
	{ "s", "S", 1, J_LEFT | J_TO, &v_state, "state, one letter" },
	{ "sched", "SCH", 3, J_RIGHT | J_TO, &v_sched, NULL },
	{ "scnt", "SCNT", 4, J_RIGHT, &v_dash, NULL },
	{ "scount", "SC", 4, J_RIGHT, &v_dash, NULL },
	{ "seat", "SEAT", 11, J_LEFT, &v_sd_seat, "systemd seat of the login session" },
	{ "sess", "SESS", 5, J_RIGHT | PM | J_PO, &v_sid, NULL },
	{ "session", "SESS", 5, J_RIGHT | PM | J_PO, &v_sid, NULL },
	{ "sgi_p", "P", 1, J_RIGHT | J_TO, &v_sgi_p, "processor of a running process, * for the others" },
	{ "sgi_rss", "RSS", 4, J_LEFT | J_PO, &v_rss, NULL },
	{ "sgid", "SGID", 5, J_RIGHT, &v_sgid, NULL },
	{ "sgroup", "SGROUP", 8, J_USER, &v_sgroup, NULL },
	{ "share", "-", 1, J_RIGHT, &v_dash, NULL },
	{ "shr", "SHR", 5, J_RIGHT | J_PO, &v_shr, "shared resident memory (file + shmem), KiB" },
	{ "sid", "SID", 5, J_RIGHT | PM | J_PO, &v_sid, "session id" },
	{ "sig", "PENDING", 16, J_RIGHT, &v_sigpnd, NULL },
	{ "sig_block", "BLOCKED", 16, J_RIGHT | J_TO, &v_sigblk, NULL },
	{ "sig_catch", "CATCHED", 16, J_RIGHT | J_TO, &v_sigcgt, NULL },
	{ "sig_ignore", "IGNORED", 16, J_RIGHT | J_TO, &v_sigign, NULL },
	{ "sig_pend", "SIGNAL", 16, J_RIGHT, &v_sigpnd, NULL },
	{ "sigcatch", "CAUGHT", 16, J_RIGHT | J_TO, &v_sigcgt, NULL },
	{ "sigignore", "IGNORED", 16, J_RIGHT | J_TO, &v_sigign, NULL },
	{ "sigmask", "BLOCKED", 16, J_RIGHT | J_TO, &v_sigblk, NULL },
	{ "size", "SIZE", 5, J_RIGHT | J_PO, &v_size, "data + stack, KiB" },
	{ "sl", "SL", 3, J_RIGHT, &v_dash, NULL },
	{ "slice", "SLICE", 31, J_LEFT, &v_sd_slice, "systemd slice" },
	{ "spid", "SPID", 5, J_RIGHT | PM | J_TO, &v_tid, NULL },
	{ "stackp", "STACKP", 16, J_RIGHT | J_PO, &v_stack, NULL },
	{ "start", "STARTED", 8, J_RIGHT, &v_start, "start time (date if not today)" },
	{ "start_code", "S_CODE", 16, J_RIGHT, &v_dash, NULL },
	{ "start_stack", "STACKP", 16, J_RIGHT | J_PO, &v_stack, "start of the stack" },
	{ "start_time", "START", 5, J_RIGHT, &v_stime, NULL },
	{ "stat", "STAT", 4, J_LEFT | J_TO, &v_stat, "state with flags (<N L s l +)" },
	{ "state", "S", 1, J_LEFT | J_TO, &v_state, NULL },
	{ "status", "STATUS", 6, J_RIGHT, &v_dash, NULL },
	{ "stime", "STIME", 5, J_RIGHT, &v_stime, "start time: hh:mm, MmmDD or year" },
	{ "suid", "SUID", 5, J_RIGHT, &v_suid, NULL },
	{ "supgid", "SUPGID", 20, J_UNLIM | J_PO, &v_supgid, "supplementary group ids" },
	{ "supgrp", "SUPGRP", 40, J_UNLIM | J_PO, &v_supgrp, "supplementary group names" },
	{ "suser", "SUSER", 8, J_USER, &v_suser, NULL },
	{ "svgid", "SVGID", 5, J_RIGHT, &v_sgid, NULL },
	{ "svgroup", "SVGROUP", 8, J_USER, &v_sgroup, NULL },
	{ "svuid", "SVUID", 5, J_RIGHT, &v_suid, NULL },
	{ "svuser", "SVUSER", 8, J_USER, &v_suser, NULL },
	{ "swap", "SWAP", 5, J_RIGHT | J_PO, &v_swap, "swapped out memory, KiB" },
	{ "systime", "SYSTEM", 6, J_RIGHT, &v_dash, NULL },
	{ "sz", "SZ", 5, J_RIGHT | J_PO, &v_sz, "virtual size in pages" },
	{ "taskid", "TASKID", 5, J_RIGHT, &v_dash, NULL },
	{ "tdev", "TDEV", 4, J_RIGHT, &v_dash, NULL },
	{ "tgid", "TGID", 5, J_RIGHT | PM | J_PO, &v_pid, NULL },
	{ "thcount", "THCNT", 5, J_RIGHT | J_PO, &v_nlwp, NULL },
	{ "tid", "TID", 5, J_RIGHT | PM | J_TO, &v_tid, NULL },
	{ "time", "TIME", 8, J_RIGHT, &v_time, "CPU time, [DD-]hh:mm:ss" },
	{ "timens", "TIMENS", 10, J_RIGHT, &v_timens, "time namespace inode" },
	{ "timeout", "TMOUT", 5, J_RIGHT, &v_dash, NULL },
	{ "times", "TIME", 8, J_RIGHT, &v_times, "CPU time, seconds" },
	{ "tmout", "TMOUT", 5, J_RIGHT, &v_dash, NULL },
	{ "tname", "TTY", 8, J_LEFT | J_PO, &v_tty, NULL },
	{ "tpgid", "TPGID", 5, J_RIGHT | PM | J_PO, &v_tpgid, "terminal's foreground process group" },
	{ "trs", "TRS", 4, J_RIGHT | J_PO, &v_trs, "text resident set, KiB" },
	{ "trss", "TRSS", 4, J_RIGHT | J_PO, &v_trs, NULL },
	{ "tsess", "TSESS", 5, J_RIGHT, &v_dash, NULL },
	{ "tsession", "TSESS", 5, J_RIGHT, &v_dash, NULL },
	{ "tsid", "TSID", 5, J_RIGHT, &v_dash, NULL },
	{ "tsig", "PENDING", 16, J_RIGHT, &v_tsig, "pending signals of the thread" },
	{ "tsiz", "TSIZ", 4, J_RIGHT | J_PO, &v_trs, NULL },
	{ "tt", "TT", 8, J_LEFT | J_PO, &v_tty, NULL },
	{ "tty", "TT", 8, J_LEFT | J_PO, &v_tty, "controlling terminal" },
	{ "tty4", "TTY", 4, J_LEFT | J_PO, &v_tty, NULL },
	{ "tty8", "TTY", 8, J_LEFT | J_PO, &v_tty, NULL },
	{ "u_procp", "UPROCP", 6, J_RIGHT, &v_dash, NULL },
	{ "ucmd", "CMD", 15, J_UNLIM | J_PO, &v_comm, NULL },
	{ "ucomm", "COMMAND", 15, J_UNLIM | J_PO, &v_comm, NULL },
	{ "uid", "UID", 5, J_RIGHT, &v_euid, "effective user id" },
	{ "uid_hack", "UID", 8, J_USER, &v_euser, NULL },
	{ "umask", "UMASK", 5, J_RIGHT, &v_dash, NULL },
	{ "uname", "USER", 8, J_USER, &v_euser, NULL },
	{ "unit", "UNIT", 31, J_LEFT, &v_sd_unit, "systemd unit" },
	{ "upr", "UPR", 3, J_RIGHT, &v_dash, NULL },
	{ "uprocp", "UPROCP", 8, J_RIGHT, &v_dash, NULL },
	{ "user", "USER", 8, J_USER, &v_euser, "effective user name" },
	{ "userns", "USERNS", 10, J_RIGHT, &v_userns, "user namespace inode" },
	{ "usertime", "USER", 4, J_RIGHT, &v_dash, NULL },
	{ "usrpri", "UPR", 3, J_RIGHT, &v_dash, NULL },
	{ "uss", "USS", 5, J_RIGHT | J_PO, &v_uss, "unique set size, KiB" },
	{ "util", "C", 2, J_RIGHT, &v_c, NULL },
	{ "utime", "UTIME", 6, J_RIGHT, &v_dash, NULL },
	{ "utsns", "UTSNS", 10, J_RIGHT, &v_utsns, "UTS namespace inode" },
	{ "uunit", "UUNIT", 31, J_LEFT, &v_sd_uunit, "systemd user unit" },
	{ "vm_data", "DATA", 5, J_RIGHT, &v_dash, NULL },
	{ "vm_exe", "EXE", 5, J_RIGHT, &v_dash, NULL },
	{ "vm_lib", "LIB", 5, J_RIGHT, &v_dash, NULL },
	{ "vm_lock", "LCK", 3, J_RIGHT, &v_dash, NULL },
	{ "vm_stack", "STACK", 5, J_RIGHT, &v_dash, NULL },
	{ "vsize", "VSZ", 6, J_RIGHT | J_PO, &v_vsz, NULL },
	{ "vsz", "VSZ", 6, J_RIGHT | J_PO, &v_vsz, "virtual size, KiB" },
	{ "wbytes", "WBYTES", 5, J_RIGHT | J_TO, &v_wbytes, "bytes written to storage" },
	{ "wcbytes", "WCBYTES", 5, J_RIGHT | J_TO, &v_wcbytes, NULL },
	{ "wchan", "WCHAN", 6, J_WCHAN | J_TO, &v_wchan, "kernel function it sleeps in" },
	{ "wchar", "WCHAR", 5, J_RIGHT | J_TO, &v_wchar, "bytes written" },
	{ "wchars", "WCHARS", 5, J_RIGHT | J_TO, &v_wchar, NULL },
	{ "wname", "WCHAN", 6, J_WCHAN | J_TO, &v_wchan, NULL },
	{ "wops", "WOPS", 5, J_RIGHT | J_TO, &v_wops, NULL },
	{ "xstat", "XSTAT", 5, J_RIGHT, &v_dash, NULL },
	{ "zone", "ZONE", 31, J_LEFT, &v_label, NULL },
	{ "zoneid", "ZONEID", 31, J_RIGHT, &v_dash, NULL },
};
#undef PM

const size_t nkeys = nitems(keys);

const struct key *
key_find(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strlen(keys[i].name) == n &&
		    memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

/* The JSON name of a key: its name, with %cpu and %mem as pcpu, pmem. */
const char *
key_jname(const struct key *k)
{
	return k->v->jname != NULL ? k->v->jname : k->name;
}

/* ps L: every key that shows something, aliases too, with its header,
 * laid out as procps lists them (the keys that always show "-" are
 * accepted but not listed, as procps's) */
void
key_list(void)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (keys[i].v != &v_dash)
			printf("%-12s %-8.8s\n", keys[i].name, keys[i].head);
}
