/* sysinfo disk: partitions, usage, io counters. */
#include "sysinfo.h"

/* /proc/mounts shows the mount's options followed by the super block's;
 * mountinfo splits them, and the super block's start with rw/ro again. */
static void
mount_opts(char *dst, size_t len, const struct mount *m)
{
	const char *s = m->super_opts != NULL ? m->super_opts : "";

	if (strncmp(s, "rw", 2) == 0 || strncmp(s, "ro", 2) == 0) {
		s += 2;
		if (*s == ',')
			s++;
	}
	snprintf(dst, len, "%s%s%s", m->opts, *s != '\0' ? "," : "", s);
}

/* /dev/root names no device: find it through /sys/dev/block/MAJ:MIN. */
static void
root_device(char *dst, size_t len, const struct mount *m)
{
	char rel[64], buf[512], *p;

	snprintf(rel, sizeof(rel), "dev/block/%u:%u/uevent", m->major, m->minor);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0 &&
	    (p = strstr(buf, "DEVNAME=")) != NULL) {
		p += strlen("DEVNAME=");
		p[strcspn(p, "\n")] = '\0';
		snprintf(dst, len, "/dev/%s", p);
		return;
	}
	snprintf(dst, len, "%s", m->source);
}

/* psutil's disk_usage: used = total - free-to-root, percent = used /
 * (used + available-to-user), as df. */
int
si_fs_usage(const char *path, struct fsuse *u)
{
	struct statvfs sv;
	uint64_t avail_root, avail_user;

	if (statvfs(path, &sv) != 0)
		return -1;
	u->total = (uint64_t)sv.f_blocks * sv.f_frsize;
	avail_root = (uint64_t)sv.f_bfree * sv.f_frsize;
	avail_user = (uint64_t)sv.f_bavail * sv.f_frsize;
	u->used = u->total >= avail_root ? u->total - avail_root : 0;
	u->free = avail_user;
	u->bfree = avail_root;
	u->percent = si_pct((double)u->used, (double)(u->used + avail_user));
	u->files = sv.f_files;
	u->files_free = sv.f_ffree;
	u->ro = (sv.f_flag & ST_RDONLY) != 0;
	return 0;
}

/* psutil's disk_io_counters() fields; times in milliseconds, as psutil. */
static const struct counter disk_fields[] = {
	{ "read_count", UNIT_NONE }, { "write_count", UNIT_NONE },
	{ "read_bytes", UNIT_BYTES }, { "write_bytes", UNIT_BYTES },
	{ "read_time", UNIT_NONE }, { "write_time", UNIT_NONE },
	{ "read_merged_count", UNIT_NONE }, { "write_merged_count", UNIT_NONE },
	{ "busy_time", UNIT_NONE },
};
#define NDISK	nitems(disk_fields)

static void
disk_values(const struct diskstat *d, uint64_t v[NDISK])
{
	v[0] = d->reads;
	v[1] = d->writes;
	v[2] = d->read_sectors * 512;
	v[3] = d->write_sectors * 512;
	v[4] = d->read_ms;
	v[5] = d->write_ms;
	v[6] = d->reads_merged;
	v[7] = d->writes_merged;
	v[8] = d->io_ms;
}

/* Whole disks: the names under <sys>/block, listed once (a '/' in a
 * diskstats name is a '!' there). */
struct blocks {
	char	**names;
	int	 n;
};

static int
block_is_whole(const struct blocks *b, const char *name)
{
	char key[64], *k = key;
	size_t i;

	for (i = 0; name[i] != '\0' && i < sizeof(key) - 1; i++)
		key[i] = name[i] == '/' ? '!' : name[i];
	key[i] = '\0';
	return b->n > 0 && bsearch(&k, b->names, (size_t)b->n,
	    sizeof(char *), si_cmp_str) != NULL;
}

/* A stacked device (device-mapper, md, bcache) has members under
 * slaves/; loop devices and plain disks never do, so their directory is
 * not opened. */
static int
block_is_stacked(const char *name)
{
	static const char *leaf[] = { "loop", "ram", "zram", "sd", "vd",
	    "xvd", "hd", "nvme", "mmcblk", "sr", "fd" };
	size_t i;

	for (i = 0; i < nitems(leaf); i++)
		if (strncmp(name, leaf[i], strlen(leaf[i])) == 0)
			return 0;
	return proc_disk_is_stacked(name) == 1;
}

/* node_exporter's node_disk_* families, for whole disks. */
static void
disk_prom(struct ctx *c, const struct blocks *b, struct diskstat *ds, int n)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "node_disk_reads_completed_total", "counter", "The total number of reads completed successfully." },
		{ "node_disk_reads_merged_total", "counter", "The total number of reads merged." },
		{ "node_disk_read_bytes_total", "counter", "The total number of bytes read successfully." },
		{ "node_disk_read_time_seconds_total", "counter", "The total number of seconds spent by all reads." },
		{ "node_disk_writes_completed_total", "counter", "The total number of writes completed successfully." },
		{ "node_disk_writes_merged_total", "counter", "The number of writes merged." },
		{ "node_disk_written_bytes_total", "counter", "The total number of bytes written successfully." },
		{ "node_disk_write_time_seconds_total", "counter", "This is the total number of seconds spent by all writes." },
		{ "node_disk_io_now", "gauge", "The number of I/Os currently in progress." },
		{ "node_disk_io_time_seconds_total", "counter", "Total seconds spent doing I/Os." },
		{ "node_disk_io_time_weighted_seconds_total", "counter", "The weighted # of seconds spent doing I/Os." },
	};
	size_t f;
	int i, k = 0;

	for (i = 0; i < n; i++)		/* keep the whole disks */
		if (block_is_whole(b, ds[i].name))
			ds[k++] = ds[i];
	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f].name, fam[f].type, fam[f].help);
		for (i = 0; i < k; i++) {
			const struct diskstat *d = &ds[i];
			double v[nitems(fam)] = { (double)d->reads,
			    (double)d->reads_merged, d->read_sectors * 512.0,
			    d->read_ms / 1e3, (double)d->writes,
			    (double)d->writes_merged, d->write_sectors * 512.0,
			    d->write_ms / 1e3, (double)d->in_flight,
			    d->io_ms / 1e3, d->weighted_ms / 1e3 };

			prom_sample(&c->prom, fam[f].name, v[f], "device",
			    d->name, NULL);
		}
	}
}

static void
disk_io(struct ctx *c, struct rep *o)
{
	struct diskstat *ds = NULL;
	struct blocks b;
	struct rep *arr, *t;
	uint64_t tot[NDISK] = { 0 }, v[NDISK];
	int n = 0, i;

	if (proc_diskstats(&ds, &n) != 0) {
		si_missing(c, o, "io", "diskstats", errno);
		return;
	}
	b.n = si_sys_list("block", &b.names);
	if (c->pr) {
		disk_prom(c, &b, ds, n);
		goto out;
	}
	t = rep_obj(o, "io");
	arr = rep_arr(t, "perdisk");
	for (i = 0; i < n; i++) {
		const struct diskstat *d = &ds[i];
		int stacked;
		struct rep *e;

		if (!block_is_whole(&b, d->name))
			continue;
		stacked = block_is_stacked(d->name);
		e = rep_obj(arr, NULL);
		rep_str(e, "name", d->name);
		disk_values(d, v);
		si_counters_rep(e, disk_fields, v, NDISK);
		rep_bool(e, "stacked", stacked);
		/* a stacked device's members are counted already */
		if (!stacked)
			si_counters_add(tot, v, NDISK);
	}
	si_counters_rep(rep_obj(t, "total"), disk_fields, tot, NDISK);
out:
	free(b.names);
	free(ds);
}

/* Is this mount a partition psutil's disk_partitions(all=False) shows?
 * A container's overlay root is kept (psutil drops it). */
static int
keep_mount(const struct ctx *c, const struct mount *m, const char *fsbuf,
    const char *dev)
{
	if (c->all)
		return 1;
	if (strcmp(m->mountpoint, "/") == 0 && strcmp(m->fstype, "overlay") == 0)
		return 1;
	if (dev[0] == '\0')
		return 0;
	return fsbuf != NULL && proc_fs_is_dev(fsbuf, m->fstype) == 1;
}

/* One partition as disk_partitions() and disk_usage() describe it. */
struct part {
	const struct mount *m;
	char	 dev[256];
	int	 have_u;
	int	 u_errno;
	struct fsuse u;
};

/* The partitions to show, with their usage (not for a foreign /proc:
 * its mount points are not ours to statvfs). */
static int
partitions(struct ctx *c, const struct mounts *ms, struct part **out)
{
	struct part *pt;
	char *fsbuf;
	size_t fslen;
	int i, n = 0;

	*out = NULL;
	if ((pt = calloc((size_t)ms->n + 1, sizeof(*pt))) == NULL)
		return -1;
	fsbuf = proc_slurp(proc_root(), "filesystems", &fslen);
	for (i = 0; i < ms->n; i++) {
		const struct mount *m = &ms->m[i];
		struct part *p = &pt[n];

		if (strcmp(m->source, "none") == 0)
			p->dev[0] = '\0';
		else if (strcmp(m->source, "/dev/root") == 0)
			root_device(p->dev, sizeof(p->dev), m);
		else
			snprintf(p->dev, sizeof(p->dev), "%s", m->source);
		if (!keep_mount(c, m, fsbuf, p->dev))
			continue;
		p->m = m;
		if (c->foreign)
			p->u_errno = 0;
		else if (si_fs_usage(m->mountpoint, &p->u) == 0)
			p->have_u = 1;
		else
			p->u_errno = errno;
		n++;
	}
	free(fsbuf);
	*out = pt;
	return n;
}

static void
disk_fs_prom(struct ctx *c, const struct part *pt, int n)
{
	static const char *fam[][2] = {
		{ "node_filesystem_size_bytes", "Filesystem size in bytes." },
		{ "node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes." },
		{ "node_filesystem_free_bytes", "Filesystem free space in bytes." },
		{ "node_filesystem_files", "Filesystem total file nodes." },
		{ "node_filesystem_files_free", "Filesystem total free file nodes." },
		{ "node_filesystem_readonly", "Filesystem read-only status." },
	};
	size_t f;
	int i;

	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f][0], "gauge", fam[f][1]);
		for (i = 0; i < n; i++) {
			const struct part *p = &pt[i];
			double v[nitems(fam)] = { (double)p->u.total,
			    (double)p->u.free, (double)p->u.bfree,
			    (double)p->u.files, (double)p->u.files_free,
			    (double)p->u.ro };

			if (p->have_u)
				prom_sample(&c->prom, fam[f][0], v[f],
				    "device", p->dev, "fstype", p->m->fstype,
				    "mountpoint", p->m->mountpoint, NULL);
		}
	}
}

static void
disk_parts_rep(struct ctx *c, struct rep *arr, const struct part *pt, int n)
{
	char opts[1024];
	int i;

	for (i = 0; i < n; i++) {
		const struct part *p = &pt[i];
		struct rep *e = rep_obj(arr, NULL);
		const char *why;

		mount_opts(opts, sizeof(opts), p->m);
		rep_str(e, "device", p->dev);
		rep_str(e, "mountpoint", p->m->mountpoint);
		rep_str(e, "fstype", p->m->fstype);
		rep_str(e, "opts", opts);
		if (p->have_u) {
			rep_u64(e, "total", p->u.total, UNIT_BYTES);
			rep_u64(e, "used", p->u.used, UNIT_BYTES);
			rep_u64(e, "free", p->u.free, UNIT_BYTES);
			rep_f64(e, "percent", p->u.percent, UNIT_PCT);
			continue;
		}
		why = c->foreign ? "not this machine's mount" :
		    strerror(p->u_errno);
		rep_null(e, "total", why);
		rep_null(e, "used", why);
		rep_null(e, "free", why);
		rep_null(e, "percent", why);
	}
}

void
sec_disk(struct ctx *c)
{
	struct mounts ms;
	struct part *pt = NULL;
	struct rep *o = NULL;
	int n;

	if (!c->pr)
		o = rep_obj(c->root, "disk");
	memset(&ms, 0, sizeof(ms));
	if (proc_mountinfo(&ms) != 0)
		si_missing(c, o, "partitions", "self/mountinfo", errno);
	else if ((n = partitions(c, &ms, &pt)) < 0) {
		warn("disk");
		c->rc = 1;
	} else if (c->pr)
		disk_fs_prom(c, pt, n);
	else
		disk_parts_rep(c, rep_arr(o, "partitions"), pt, n);
	free(pt);
	proc_mounts_free(&ms);
	disk_io(c, o);
}
