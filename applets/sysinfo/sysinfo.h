/*
 * sysinfo's private header: the context every section writes into, the
 * helpers the sections share, and one entry point per section.  Only the
 * files of applets/sysinfo/ include it.
 */
#ifndef SYSINFO_H
#define SYSINFO_H

#include "../syskit.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <pwd.h>
#include <grp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>

#include "../../lib/cgroup.h"
#include "../../lib/fs.h"
#include "../../lib/proc.h"
#include "../../lib/sockdiag.h"

enum {
	S_HOST = 1 << 0,
	S_CPU = 1 << 1,
	S_MEM = 1 << 2,
	S_SWAP = 1 << 3,
	S_DISK = 1 << 4,
	S_NET = 1 << 5,
	S_CONN = 1 << 6,
	S_SENSORS = 1 << 7,
	S_LIMITS = 1 << 8,
	S_PRESSURE = 1 << 9,
	S_SUMMARY = 1 << 10,	/* no section, text: the summary (with cpu) */
	S_PROCS = 1 << 11,	/* --serve, --textfile: process counts */
};
#define S_FULL	(S_HOST | S_CPU | S_MEM | S_SWAP | S_DISK | S_NET | \
		 S_SENSORS | S_LIMITS | S_PRESSURE)

enum fmt { F_TEXT, F_JSON, F_KV, F_PROM };

struct ctx {
	enum fmt	 fmt;
	struct rep	*root;
	struct prom	 prom;
	int		 pr;		/* prometheus */
	int		 rc;
	double		 interval;
	int		 all;
	int		 kinds;
	int		 pids;
	int		 foreign;	/* SYSKIT_PROC points away from /proc */
	/* read once, used by several sections */
	int		 have_cg, cg_errno;
	int		 cg_mask;	/* CG_* the sections want */
	struct cgroup_info cg;
	int		 have_st, st_errno;
	struct proc_stat st;
	int		 have_mi, mi_errno;
	struct meminfo	 mi;
	char		 warned[16][256];	/* bad files said already */
	int		 nwarned;
};

/* A set of counters under psutil's names: one table, used for each item
 * and for the total. */
struct counter {
	const char	*name;
	enum rep_unit	 unit;
};

/* os-release: the fields node_exporter's node_os_info labels (version is
 * VERSION_ID, version_str VERSION). */
struct osrel {
	char	 name[128], version[64], pretty[192], id[64];
	char	 id_like[128], version_str[128], codename[64], build_id[64];
	char	 variant[128], variant_id[64], image_id[64], image_version[64];
};

struct fsuse {
	uint64_t total, used, free, files, files_free;
	uint64_t bfree;			/* free to root too */
	double	 percent;
	int	 ro;
};

/* main.c: messages, units, counters, the shared reads */
int	si_is_bad(int err);
const char *si_reason(const char *root, const char *rel, int err);
void	si_unreadable(struct ctx *c, const char *root, const char *rel, int err);
void	si_malformed(struct ctx *c, const char *rel);
void	si_missing_at(struct ctx *c, struct rep *parent, const char *key,
	    const char *root, const char *rel, int err);
void	si_missing(struct ctx *c, struct rep *parent, const char *key,
	    const char *rel, int err);
double	si_ticks(uint64_t t);
double	si_round_to(double x, int digits);
double	si_pct(double part, double whole);
void	si_counters_rep(struct rep *o, const struct counter *f,
	    const uint64_t *v, size_t n);
void	si_counters_add(uint64_t *tot, const uint64_t *v, size_t n);
void	si_prom_gauge(struct ctx *c, const char *name, const char *help,
	    double v);
void	si_prom_counter(struct ctx *c, const char *name,
	    const char *help, double v);
struct cgroup_info *si_cgroup(struct ctx *c);
int	si_sys_list(const char *rel, char ***out);
int	si_sys_list_class(const char *name, char ***out);
int	si_cmp_str(const void *a, const void *b);
struct proc_stat *si_get_stat(struct ctx *c);

/* host.c */
int	si_read_osrel(struct ctx *c, struct osrel *o);
void	sec_host(struct ctx *c);

/* cpu.c */
int	si_cpu_usable(struct ctx *c);
int	si_cpu_online(struct ctx *c);
int	si_cpuinfo(struct ctx *c, struct cpuinfo *ci);
int	si_cpu_busy(struct ctx *c, double *pct);
int	si_numbered(const char *name, const char *prefix);
int	sec_cpu(struct ctx *c, int effective_only);

/* mem.c: memory and swap */
int	si_read_meminfo(struct ctx *c, struct meminfo *mi);
int	si_read_swap(struct ctx *c, struct meminfo *mi);
uint64_t si_mem_available(const struct meminfo *mi);
void	sec_mem(struct ctx *c);
void	sec_swap(struct ctx *c);

/* disk.c */
int	si_fs_usage(const char *path, struct fsuse *u);
void	sec_disk(struct ctx *c);

/* net.c */
size_t	si_addrs_join(char *line, size_t len,
	    const struct ifaddrs *all, const char *name);
void	sec_net(struct ctx *c);

/* conn.c */
void	sec_conn(struct ctx *c);

/* sensors.c */
void	sec_sensors(struct ctx *c);

/* limits.c */
void	sec_limits(struct ctx *c);

/* pressure.c */
void	sec_pressure(struct ctx *c);

/* summary.c: the one-screen summary for people */
int	si_summary(struct ctx *c);

/* serve.c: --serve (HTTP, lib/http on lib/loop) and --textfile */
struct si_serve_opts {
	const char	*serve;		/* [ADDR:]PORT */
	const char	*textfile;	/* DIR */
	int		 want;		/* S_* to collect */
	int		 max_conns;
	double		 every;		/* --textfile: seconds, 0 once */
	double		 timeout;	/* a request's read deadline */
};
void	si_prom_run(struct ctx *c, int want);	/* main.c */
const char *si_render(int want, size_t *len);
void	 si_render_free(void);
int	si_serve(const struct si_serve_opts *o);
int	si_textfile(const struct si_serve_opts *o);

#endif
