/*
 * tree: inotify on a set of roots.  One watch per directory (an ignored
 * directory gets none), kept in a hash on the watch descriptor with the
 * directory's path relative to its root.  A directory that appears is
 * watched first and scanned second, so what was created in it before its
 * watch existed is reported by the scan; what the scan reported is
 * remembered until inotify's queue is drained, so its own events for the
 * same entries are not reported twice.  A queue overflow is reported and
 * followed by a rescan that re-adds what is missing and drops what went.
 * A file named on the command line is watched through its directory, so
 * its replacement by rename is seen.
 */
#include "watch.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <libgen.h>

#include "../../lib/fs.h"
#include "../../lib/loop.h"

struct wdir {
	int	 wd;
	int	 root;		/* -1: only the directory of file roots */
	unsigned gen;		/* the walk that last found it */
	char	*rel;		/* relative to the root, "" for the root */
};

/* a rename's first half, waiting for its second */
static struct {
	uint32_t cookie;
	int	 root;
	int	 is_dir;
	char	*rel;
} from;

/* ---- the watch table ---- */

static size_t
slot_of(const struct watch *w, int wd)
{
	return ((uint32_t)wd * 2654435761u) & (w->nslots - 1);
}

static struct wdir *
find(const struct watch *w, int wd)
{
	size_t i;

	if (w->nslots == 0)
		return NULL;
	for (i = slot_of(w, wd); w->slots[i] != NULL;
	    i = (i + 1) & (w->nslots - 1))
		if (w->slots[i]->wd == wd)
			return w->slots[i];
	return NULL;
}

static void
insert(struct watch *w, struct wdir *d)
{
	struct wdir **old = w->slots;
	size_t i, n = w->nslots;

	if ((w->nents + 1) * 2 > w->nslots) {
		w->nslots = n ? n * 2 : 64;
		w->slots = xcalloc(w->nslots, sizeof(*w->slots));
		for (i = 0; i < n; i++)
			if (old[i] != NULL)
				insert(w, old[i]), w->nents--;
		free(old);
	}
	for (i = slot_of(w, d->wd); w->slots[i] != NULL;
	    i = (i + 1) & (w->nslots - 1))
		;
	w->slots[i] = d;
	w->nents++;
}

/* Take d out of the table (backward-shift deletion) and free it. */
static void
forget(struct watch *w, struct wdir *d)
{
	size_t i, j, k, m = w->nslots - 1;

	for (i = slot_of(w, d->wd); w->slots[i] != d; i = (i + 1) & m)
		;
	w->slots[i] = NULL;
	for (j = (i + 1) & m; w->slots[j] != NULL; j = (j + 1) & m) {
		k = slot_of(w, w->slots[j]->wd);
		/* move it back when its home is not in (i, j] */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			w->slots[i] = w->slots[j];
			w->slots[j] = NULL;
			i = j;
		}
	}
	w->nents--;
	free(d->rel);
	free(d);
}

/* ---- paths ---- */

/* root's path joined with rel: what inotify_add_watch and open take. */
static char *
full_path(const struct watch *w, int root, const char *rel)
{
	const char *p = w->roots[root].path;
	size_t n = strlen(p);

	if (*rel == '\0')
		return xstrdup(p);
	return xasprintf("%s%s%s", p, n > 0 && p[n - 1] == '/' ? "" : "/",
	    rel);
}

/* What a path is shown as: the root's path and rel, or rel alone under "." */
static char *
show(const struct watch *w, int root, const char *rel)
{
	if (strcmp(w->roots[root].path, ".") == 0 && *rel != '\0')
		return xstrdup(rel);
	return full_path(w, root, rel);
}

static char *
join(const char *a, const char *b)
{
	return *a == '\0' ? xstrdup(b) : xasprintf("%s/%s", a, b);
}

/* ---- reporting ---- */

void
tree_report(struct watch *w, int type, int root, const char *rel, int droot,
    const char *dest, int is_dir)
{
	char *p = NULL, *d = NULL;

	if (rel != NULL && !filter_ignored(w, root, rel, is_dir))
		p = show(w, root, rel);
	if (dest != NULL && !filter_ignored(w, droot, dest, is_dir))
		d = show(w, droot, dest);
	if (p != NULL || d != NULL)
		ev_add(w, type, p, d, is_dir);
	free(p);
	free(d);
}

/* ---- limits ---- */

static long
read_sysctl(const char *name)
{
	char path[128], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/fs/inotify/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

struct walkctx {
	struct watch *w;
	int	 root;
	int	 report;	/* report what is found as created */
	int	 count;		/* only count the directories */
	size_t	 ndirs;
	size_t	 len;		/* of the path in w->pbuf */
};

static int walk_fn(int, const char *, unsigned, int, void *);

/* How many watches the roots need. */
static size_t
count_needed(struct watch *w)
{
	struct walkctx c = { .w = w, .count = 1 };
	size_t i;
	int fd;

	for (i = 0; i < w->nroots; i++) {
		c.ndirs++;
		if (w->roots[i].is_file || !w->o->recursive)
			continue;
		fd = open(w->roots[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd == -1)
			continue;
		c.root = (int)i;
		c.len = 0;
		fs_walk(fd, 0, walk_fn, &c);
		close(fd);
	}
	return c.ndirs;
}

static void __attribute__((noreturn))
limit_error(struct watch *w, const char *path)
{
	long cur = read_sysctl("max_user_watches");
	size_t need = count_needed(w);
	char vis[256];

	out_vis(vis, sizeof(vis), path, strlen(path));
	warnx("cannot watch %s: inotify watch limit reached: "
	    "fs.inotify.max_user_watches is %ld and this tree needs %zu "
	    "watches; raise it with: sysctl -w fs.inotify.max_user_watches=%ld",
	    vis, cur, need, cur + (long)need);
	fflush(stdout);
	exit(EXIT_NO);
}

/* ---- adding watches ---- */

/*
 * Watch the directory rel of root: 1 when watched (new, or already ours
 * under this path), 0 when it is to be left alone (gone, not a directory,
 * or already watched under another path: a symlink or bind-mount alias,
 * which is how -L finds loops).
 */
static int
add_watch(struct watch *w, int root, const char *rel)
{
	struct wdir *d;
	uint32_t mask = w->mask;
	char *p, vis[256];
	int wd;

	if (*rel != '\0' && !w->o->follow)
		mask |= IN_DONT_FOLLOW;
	p = full_path(w, root, rel);
	wd = inotify_add_watch(w->ifd, p, mask);
	if (wd == -1 && errno == ENOSPC && w->fallback) {
		w->limit_hit = 1;
		free(p);
		return 0;
	}
	if (wd == -1) {
		if (errno == ENOSPC)
			limit_error(w, p);
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
			out_vis(vis, sizeof(vis), p, strlen(p));
			warn("cannot watch %s", vis);
		}
		free(p);
		return 0;
	}
	free(p);
	if ((d = find(w, wd)) != NULL) {
		if (d->root == root && strcmp(d->rel, rel) == 0) {
			d->gen = w->gen;
			return 1;
		}
		/* renamed while the queue overflowed: the walk knows best */
		if (d->gen != w->gen && d->root >= 0) {
			free(d->rel);
			d->rel = xstrdup(rel);
			d->root = root;
			d->gen = w->gen;
			return 1;
		}
		if (d->root < 0) {
			d->root = root;
			free(d->rel);
			d->rel = xstrdup(rel);
			d->gen = w->gen;
			return 1;
		}
		return 0;
	}
	d = xcalloc(1, sizeof(*d));
	d->wd = wd;
	d->root = root;
	d->gen = w->gen;
	d->rel = xstrdup(rel);
	insert(w, d);
	return 1;
}

static void
path_push(struct walkctx *c, const char *name)
{
	struct watch *w = c->w;
	size_t n = strlen(name);

	xgrow(&w->pbuf, &w->pcap, c->len + n + 2, 1);
	if (c->len > 0)
		w->pbuf[c->len++] = '/';
	memcpy(w->pbuf + c->len, name, n + 1);
	c->len += n;
}

static void
path_pop(struct walkctx *c, const char *name)
{
	size_t n = strlen(name);

	c->len = c->len > n ? c->len - n - 1 : 0;
	c->w->pbuf[c->len] = '\0';
}

/* Report rel as created, and keep it from being reported again by its
 * own event still in the queue. */
static void
scan_report(struct watch *w, int root, const char *rel, int is_dir)
{
	char *s;

	tree_report(w, EV_CREATED, root, rel, 0, NULL, is_dir);
	s = show(w, root, rel);
	strset_add(&w->seen, s);
	free(s);
}

static void
read_gitignore(struct watch *w, int root, const char *rel)
{
	char *p;
	int fd;

	if (!w->o->gitignore)
		return;
	p = full_path(w, root, rel);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(p);
	if (fd == -1)
		return;
	filter_gitignore_dir(w, root, fd, rel);
	close(fd);
}

/* A directory met by the walk (pdfd/name, its path in w->pbuf already):
 * 1 to enter it, 0 to pass by. */
static int
walk_dir(struct walkctx *c)
{
	struct watch *w = c->w;

	if (filter_ignored(w, c->root, w->pbuf, 2))
		return 0;
	if (c->count) {
		c->ndirs++;
		return 1;
	}
	if (!add_watch(w, c->root, w->pbuf))
		return 0;
	if (c->report)
		scan_report(w, c->root, w->pbuf, 1);
	read_gitignore(w, c->root, w->pbuf);
	return 1;
}

/* -L: a symlink to a directory is walked as one (aliases are not). */
static int
walk_link(struct walkctx *c, int pdfd, const char *name)
{
	struct stat st;
	int fd, rv = 0;

	if (fstatat(pdfd, name, &st, 0) == -1 || !S_ISDIR(st.st_mode))
		return -1;
	path_push(c, name);
	if (walk_dir(c) &&
	    (fd = openat(pdfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rv = fs_walk(fd, 0, walk_fn, c);
		close(fd);
	}
	path_pop(c, name);
	return rv < 0 ? rv : 0;
}

static int
walk_fn(int pdfd, const char *name, unsigned type, int when, void *arg)
{
	struct walkctx *c = arg;

	switch (when) {
	case FS_PRE:
		path_push(c, name);
		if (walk_dir(c))
			return 0;
		path_pop(c, name);
		return FS_SKIP;
	case FS_POST:
	case FS_DNR:
		path_pop(c, name);
		return 0;
	}
	if (type == DT_LNK && c->w->o->follow && !c->count &&
	    walk_link(c, pdfd, name) == 0)
		return 0;
	if (c->report) {
		path_push(c, name);
		scan_report(c->w, c->root, c->w->pbuf, 0);
		path_pop(c, name);
	}
	return 0;
}

/* Watch everything below rel (already watched itself). */
static void
walk_below(struct watch *w, int root, const char *rel, int report)
{
	struct walkctx c = { .w = w, .root = root, .report = report };
	char *p;
	int fd;

	if (!w->o->recursive)
		return;
	p = full_path(w, root, rel);
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (*rel != '\0' && !w->o->follow ? O_NOFOLLOW : 0));
	free(p);
	if (fd == -1)
		return;
	xgrow(&w->pbuf, &w->pcap, strlen(rel) + 1, 1);
	strcpy(w->pbuf, rel);
	c.len = strlen(rel);
	fs_walk(fd, 0, walk_fn, &c);
	close(fd);
}

/* A directory that appeared under root: watch it, then scan it. */
static void
add_subtree(struct watch *w, int root, const char *rel)
{
	if (!w->o->recursive || filter_ignored(w, root, rel, 2))
		return;
	if (!add_watch(w, root, rel))
		return;
	read_gitignore(w, root, rel);
	walk_below(w, root, rel, 1);
}

/* Whether rel is rel0 or below it. */
static int
under(const char *rel, const char *rel0)
{
	size_t n = strlen(rel0);

	return strncmp(rel, rel0, n) == 0 && (rel[n] == '\0' || rel[n] == '/');
}

/* Forget every watch that keep() refuses (collected first: forgetting
 * moves entries about in the table). */
static void
sweep(struct watch *w, int (*keep)(const struct wdir *, const void *),
    const void *arg)
{
	struct wdir **v = NULL;
	size_t i, n = 0, cap = 0;

	for (i = 0; i < w->nslots; i++)
		if (w->slots[i] != NULL && !keep(w->slots[i], arg)) {
			xgrow(&v, &cap, n + 1, sizeof(*v));
			v[n++] = w->slots[i];
		}
	for (i = 0; i < n; i++) {
		inotify_rm_watch(w->ifd, v[i]->wd);
		forget(w, v[i]);
	}
	free(v);
}

struct subtree {
	int	 root;
	const char *rel;
};

static int
not_below(const struct wdir *d, const void *arg)
{
	const struct subtree *t = arg;

	return d->root != t->root || !under(d->rel, t->rel);
}

/* Stop watching rel and what is below it. */
static void
drop_subtree(struct watch *w, int root, const char *rel)
{
	struct subtree t = { root, rel };

	sweep(w, not_below, &t);
}

static int
found_now(const struct wdir *d, const void *arg)
{
	return d->gen == *(const unsigned *)arg;
}

/* A directory renamed inside the watched trees: its watches follow. */
static void
move_subtree(struct watch *w, int root, const char *rel, int droot,
    const char *dest)
{
	struct wdir *d;
	size_t i, n = strlen(rel);
	char *s;

	for (i = 0; i < w->nslots; i++) {
		if ((d = w->slots[i]) == NULL || d->root != root ||
		    !under(d->rel, rel))
			continue;
		s = xasprintf("%s%s", dest, d->rel + n);
		free(d->rel);
		d->rel = s;
		d->root = droot;
	}
}

static int
watched(const struct watch *w, int root, const char *rel)
{
	size_t i;

	for (i = 0; i < w->nslots; i++)
		if (w->slots[i] != NULL && w->slots[i]->root == root &&
		    strcmp(w->slots[i]->rel, rel) == 0)
			return 1;
	return 0;
}

/* ---- roots ---- */

/* dirname and basename of p, as copies. */
static void
split_path(const char *p, char **dir, char **name)
{
	char *t = xstrdup(p);

	*dir = xstrdup(dirname(t));
	free(t);
	t = xstrdup(p);
	*name = xstrdup(basename(t));
	free(t);
}

static int
setup_file_root(struct watch *w, size_t i, int exists)
{
	struct wroot *r = &w->roots[i];
	struct stat st;
	struct wdir *d;
	char *t, vis[256];
	int wd;

again:
	if (r->dir == NULL) {
		split_path(r->path, &r->dir, &r->name);
		r->is_file = 1;
		r->exists = exists;
		r->pending = 0;
		/* --allow-missing: the nearest directory that is there,
		 * and the name in it that leads to the path */
		while (w->o->allow_missing && stat(r->dir, &st) == -1 &&
		    strcmp(r->dir, "/") != 0 && strcmp(r->dir, ".") != 0) {
			t = r->dir;
			free(r->name);
			split_path(t, &r->dir, &r->name);
			free(t);
			r->pending = 1;
		}
	}
	r->pwd = -1;
	wd = inotify_add_watch(w->ifd, r->dir, w->mask);
	if (wd == -1 && errno == ENOSPC && w->fallback) {
		w->limit_hit = 1;
		return 0;
	}
	if (wd == -1) {
		if (errno == ENOSPC)
			limit_error(w, r->dir);
		out_vis(vis, sizeof(vis), r->path, strlen(r->path));
		warn("cannot watch %s", vis);
		return -1;
	}
	r->pwd = wd;
	if ((d = find(w, wd)) == NULL) {
		d = xcalloc(1, sizeof(*d));
		d->wd = wd;
		d->root = -1;
		d->rel = xstrdup("");
		insert(w, d);
	}
	d->gen = w->gen;
	/* the next directory down may have been made between the stat
	 * and the watch (mkdir -p): its IN_CREATE was never queued, so
	 * look, and go one level deeper if it is there */
	if (r->pending) {
		t = join(r->dir, r->name);
		if (stat(t, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(t);
			free(r->dir);
			free(r->name);
			r->dir = r->name = NULL;
			goto again;
		}
		free(t);
	}
	return 0;
}

static int
setup_root(struct watch *w, size_t i)
{
	struct wroot *r = &w->roots[i];
	struct stat st;
	char vis[256];

	if (r->is_file)
		return setup_file_root(w, i, 1);
	if (stat(r->path, &st) == -1) {
		if ((errno == ENOENT || errno == ENOTDIR) &&
		    w->o->allow_missing)
			return setup_file_root(w, i, 0);
		out_vis(vis, sizeof(vis), r->path, strlen(r->path));
		warn("cannot watch %s", vis);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return setup_file_root(w, i, 1);
	if (!add_watch(w, (int)i, "")) {
		out_vis(vis, sizeof(vis), r->path, strlen(r->path));
		warnx("cannot watch %s", vis);
		return -1;
	}
	read_gitignore(w, (int)i, "");
	walk_below(w, (int)i, "", 0);
	return 0;
}

int
tree_open(struct watch *w)
{
	long n;

	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd == -1) {
		if (errno == EMFILE && (n = read_sysctl("max_user_instances")) >= 0)
			warnx("cannot start inotify: fs.inotify.max_user_instances "
			    "is %ld and all are in use; raise it with: sysctl -w "
			    "fs.inotify.max_user_instances=%ld", n, n * 2 + 1);
		else
			warn("cannot start inotify");
		return -1;
	}
	w->mask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB |
	    IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_EXCL_UNLINK;
	/* closed_write is asked for by --close-write or by name in -e */
	if (w->o->close_write || (w->o->events != EV_ALL &&
	    (w->o->events & EV_BIT(EV_CLOSED_WRITE))))
		w->mask |= IN_CLOSE_WRITE;
	return 0;
}

int
tree_add_roots(struct watch *w)
{
	size_t i;

	w->gen++;
	for (i = 0; i < w->nroots; i++)
		if (setup_root(w, i) == -1)
			return -1;
	return 0;
}

/* After an overflow: report it, walk again, drop what is gone. */
static void
overflow(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nroots; i++) {
		char *s = show(w, (int)i, "");

		ev_add(w, EV_OVERFLOW, s, NULL, !w->roots[i].is_file);
		free(s);
	}
	free(from.rel);
	from.rel = NULL;
	strset_clear(&w->seen);
	w->gen++;
	for (i = 0; i < w->nroots; i++)
		setup_root(w, i);
	sweep(w, found_now, &w->gen);
}

/* ---- events ---- */

/* The first half of a rename had no second: moved out of our trees. */
static void
moved_out(struct watch *w)
{
	if (from.rel == NULL)
		return;
	tree_report(w, EV_MOVED, from.root, from.rel, 0, NULL, from.is_dir);
	if (from.is_dir)
		drop_subtree(w, from.root, from.rel);
	free(from.rel);
	from.rel = NULL;
}

static void
moved_to(struct watch *w, int root, const char *rel, int is_dir,
    uint32_t cookie)
{
	int ign;

	if (from.rel == NULL || from.cookie != cookie) {
		/* moved in from outside */
		moved_out(w);
		tree_report(w, EV_MOVED, 0, NULL, root, rel, is_dir);
		if (is_dir)
			add_subtree(w, root, rel);
		return;
	}
	tree_report(w, EV_MOVED, from.root, from.rel, root, rel, is_dir);
	if (is_dir) {
		ign = !w->o->recursive || filter_ignored(w, root, rel, 2);
		if (watched(w, from.root, from.rel)) {
			if (ign)
				drop_subtree(w, from.root, from.rel);
			else
				move_subtree(w, from.root, from.rel, root, rel);
		} else if (!ign)
			add_subtree(w, root, rel);
	}
	free(from.rel);
	from.rel = NULL;
}

/* A directory on the way to a missing root appeared: watch the nearest
 * one again, and report the root if it is there already. */
static void
reanchor(struct watch *w, size_t i)
{
	struct wroot *r = &w->roots[i];
	struct stat st;

	free(r->dir);
	free(r->name);
	r->dir = r->name = NULL;
	if (setup_file_root(w, i, 0) == -1 || r->pending ||
	    lstat(r->path, &st) == -1)
		return;
	ev_add(w, EV_CREATED, r->path, NULL, S_ISDIR(st.st_mode));
	r->exists = 1;
	strset_add(&w->seen, r->path);
}

/* Events on the directory of file roots: those named as a root. */
static void
file_roots(struct watch *w, const struct inotify_event *ie)
{
	struct wroot *r;
	uint32_t m = ie->mask;
	size_t i;

	for (i = 0; i < w->nroots; i++) {
		r = &w->roots[i];
		if (!r->is_file || r->pwd != ie->wd ||
		    strcmp(ie->name, r->name) != 0)
			continue;
		if (r->pending) {
			if (m & (IN_CREATE | IN_MOVED_TO))
				reanchor(w, i);
			continue;
		}
		if ((m & IN_CREATE) && strset_has(&w->seen, r->path))
			continue;
		if (m & (IN_CREATE | IN_MOVED_TO)) {
			/* replaced by rename: the watched file's content
			 * changed; a new one merges with a deletion just
			 * before it into a modification (events.c) */
			if ((m & IN_MOVED_TO) && r->exists)
				ev_add(w, EV_MODIFIED, r->path, NULL, 0);
			else
				ev_add(w, EV_CREATED, r->path, NULL,
				    !!(m & IN_ISDIR));
			r->exists = 1;
		} else if (m & (IN_DELETE | IN_MOVED_FROM)) {
			ev_add(w, EV_DELETED, r->path, NULL, !!(m & IN_ISDIR));
			r->exists = 0;
		}
		else if ((m & IN_MODIFY) && !w->o->close_write)
			ev_add(w, EV_MODIFIED, r->path, NULL, 0);
		else if (m & IN_CLOSE_WRITE)
			ev_add(w, EV_CLOSED_WRITE, r->path, NULL, 0);
		else if (m & IN_ATTRIB)
			ev_add(w, EV_ATTRIB, r->path, NULL, !!(m & IN_ISDIR));
	}
}

static void
handle(struct watch *w, const struct inotify_event *ie)
{
	struct wdir *d;
	uint32_t m = ie->mask;
	int is_dir = !!(m & IN_ISDIR), root;
	char *rel, *s;

	if (m & IN_Q_OVERFLOW) {
		overflow(w);
		return;
	}
	if ((d = find(w, ie->wd)) == NULL)
		return;
	if (m & IN_IGNORED) {
		forget(w, d);
		return;
	}
	if (m & IN_DELETE_SELF) {
		if (d->root >= 0 && d->rel[0] == '\0')
			tree_report(w, EV_DELETED, d->root, "", 0, NULL, 1);
		return;
	}
	if (ie->len == 0)
		return;
	file_roots(w, ie);
	if ((root = d->root) < 0)
		return;
	rel = join(d->rel, ie->name);
	if (m & IN_MOVED_TO) {
		moved_to(w, root, rel, is_dir, ie->cookie);
		goto out;
	}
	if (m & IN_MOVED_FROM) {
		moved_out(w);
		from.cookie = ie->cookie;
		from.root = root;
		from.is_dir = is_dir;
		from.rel = rel;
		return;
	}
	moved_out(w);
	if (m & IN_CREATE) {
		s = show(w, root, rel);
		if (strset_has(&w->seen, s)) {
			free(s);
			goto out;
		}
		free(s);
		tree_report(w, EV_CREATED, root, rel, 0, NULL, is_dir);
		if (is_dir)
			add_subtree(w, root, rel);
	} else if (m & IN_DELETE)
		tree_report(w, EV_DELETED, root, rel, 0, NULL, is_dir);
	else if ((m & IN_MODIFY) && !w->o->close_write)
		tree_report(w, EV_MODIFIED, root, rel, 0, NULL, is_dir);
	else if (m & IN_CLOSE_WRITE)
		tree_report(w, EV_CLOSED_WRITE, root, rel, 0, NULL, is_dir);
	else if (m & IN_ATTRIB)
		tree_report(w, EV_ATTRIB, root, rel, 0, NULL, is_dir);
out:
	free(rel);
}

void
tree_readable(struct loop *l, int fd, unsigned events, void *arg)
{
	struct watch *w = arg;
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ie;
	ssize_t n;
	char *p;

	(void)l;
	(void)events;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = buf; p < buf + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			handle(w, ie);
		}
	}
	/* the queue is drained: what a scan saw has had its events */
	moved_out(w);
	strset_clear(&w->seen);
	ev_flush(w);
}

void
tree_free(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nslots; i++)
		if (w->slots[i] != NULL) {
			free(w->slots[i]->rel);
			free(w->slots[i]);
		}
	free(w->slots);
	w->slots = NULL;
	w->nslots = w->nents = 0;
	strset_free(&w->seen);
	free(w->pbuf);
	w->pbuf = NULL;
	w->pcap = 0;
	free(from.rel);
	from.rel = NULL;
	if (w->ifd >= 0)
		close(w->ifd);
	w->ifd = -1;
}
