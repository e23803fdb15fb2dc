/*
 * fanotify: the other backend (--backend fanotify).  One mark per file
 * system (FAN_MARK_FILESYSTEM) instead of a watch per directory, so a tree
 * of any size costs nothing to set up; events name their directory by
 * file handle and the entry by name (FAN_REPORT_DFID_NAME), a rename both
 * ends at once (FAN_RENAME).  The directory is found again with
 * open_by_handle_at and its path read from /proc/self/fd; events outside
 * the roots, or below an ignored directory, are dropped here.  Needs
 * CAP_SYS_ADMIN and Linux >= 5.17 for FAN_RENAME (5.9 without it: moves
 * are then a deletion and a creation).
 */
#include "watch.h"

#include <sys/fanotify.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <libgen.h>

#include "../../lib/loop.h"

#ifndef FAN_RENAME
#define FAN_RENAME	0x10000000
#endif
#ifndef FAN_EVENT_INFO_TYPE_OLD_DFID_NAME
#define FAN_EVENT_INFO_TYPE_OLD_DFID_NAME	10
#define FAN_EVENT_INFO_TYPE_NEW_DFID_NAME	12
#endif

/* the roots, as absolute paths without symlinks, and an fd on each */
static char **absroot;
static int *rootfd;

static int
fan_init(void)
{
	return fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
	    FAN_REPORT_DFID_NAME, O_RDONLY | O_CLOEXEC | O_LARGEFILE);
}

int
fan_available(void)
{
	int fd = fan_init();

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

/* The absolute path of a root: the path itself, or its directory's for
 * a file (or a missing name). */
static char *
abs_path(const char *p)
{
	char *r, *t, *d, *b;

	if ((r = realpath(p, NULL)) != NULL)
		return r;
	t = xstrdup(p);
	d = realpath(dirname(t), NULL);
	free(t);
	if (d == NULL)
		return NULL;
	t = xstrdup(p);
	b = basename(t);
	r = xasprintf("%s%s%s", d, strcmp(d, "/") == 0 ? "" : "/", b);
	free(d);
	free(t);
	return r;
}

int
fan_open(struct watch *w)
{
	uint64_t mask = FAN_CREATE | FAN_DELETE | FAN_MODIFY | FAN_ATTRIB |
	    FAN_MOVED_FROM | FAN_MOVED_TO | FAN_ONDIR;
	struct stat st;
	char vis[256], *t;
	size_t i;

	if ((w->ifd = fan_init()) == -1) {
		warn("cannot start fanotify (root and Linux >= 5.9 needed)");
		return -1;
	}
	if (w->o->close_write || (w->o->events != EV_ALL &&
	    (w->o->events & EV_BIT(EV_CLOSED_WRITE))))
		mask |= FAN_CLOSE_WRITE;
	absroot = xcalloc(w->nroots, sizeof(*absroot));
	rootfd = xcalloc(w->nroots, sizeof(*rootfd));
	for (i = 0; i < w->nroots; i++) {
		struct wroot *r = &w->roots[i];

		rootfd[i] = -1;
		out_vis(vis, sizeof(vis), r->path, strlen(r->path));
		if (stat(r->path, &st) == -1 && !w->o->allow_missing) {
			warn("cannot watch %s", vis);
			return -1;
		}
		r->is_file = stat(r->path, &st) == -1 || !S_ISDIR(st.st_mode);
		r->exists = !r->is_file || stat(r->path, &st) == 0;
		if ((absroot[i] = abs_path(r->path)) == NULL) {
			warn("cannot watch %s", vis);
			return -1;
		}
		t = xstrdup(absroot[i]);
		rootfd[i] = open(r->is_file ? dirname(t) : absroot[i],
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(t);
		if (rootfd[i] == -1) {
			warn("cannot watch %s", vis);
			return -1;
		}
		/* FAN_RENAME first; kernels before 5.17 refuse it */
		if (fanotify_mark(w->ifd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
		    mask | FAN_RENAME, rootfd[i], NULL) == 0)
			w->fan_rename = 1;
		else if (fanotify_mark(w->ifd, FAN_MARK_ADD |
		    FAN_MARK_FILESYSTEM, mask, rootfd[i], NULL) == -1) {
			warn("cannot watch %s with fanotify", vis);
			return -1;
		}
	}
	return 0;
}

void
fan_free(struct watch *w)
{
	size_t i;

	for (i = 0; absroot != NULL && i < w->nroots; i++) {
		free(absroot[i]);
		if (rootfd[i] >= 0)
			close(rootfd[i]);
	}
	free(absroot);
	free(rootfd);
	absroot = NULL;
	rootfd = NULL;
}

/* The path of the entry an info record names (a record of len bytes at
 * p: header, fsid, file handle, name), malloc'd, or NULL.  Records are
 * not aligned in the buffer: the handle is copied out. */
static char *
info_path(const char *p, size_t len, size_t nroots)
{
	union {
		struct file_handle fh;
		char	b[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	size_t off = sizeof(struct fanotify_event_info_fid), hb;
	const char *name;
	char proc[64], dir[PATH_MAX];
	ssize_t n;
	size_t i;
	int fd = -1;

	if (len < off + sizeof(u.fh))
		return NULL;
	memcpy(&u.fh, p + off, sizeof(u.fh));
	hb = u.fh.handle_bytes;
	if (hb > MAX_HANDLE_SZ || off + sizeof(u.fh) + hb >= len)
		return NULL;
	memcpy(u.fh.f_handle, p + off + sizeof(u.fh), hb);
	name = p + off + sizeof(u.fh) + hb;
	if (memchr(name, '\0', len - (size_t)(name - p)) == NULL)
		return NULL;
	for (i = 0; i < nroots && fd == -1; i++)
		fd = open_by_handle_at(rootfd[i], &u.fh, O_PATH | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, dir, sizeof(dir) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	if (strcmp(name, ".") == 0 || *name == '\0')
		return xstrdup(dir);
	return xasprintf("%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/",
	    name);
}

/* Which root path is in, and the path relative to it; -1 when none (or
 * below an ignored directory, or too deep for --no-recursive). */
static int
which_root(struct watch *w, const char *path, const char **rel)
{
	const char *s;
	char *t;
	size_t i, n;
	int bad;

	for (i = 0; i < w->nroots; i++) {
		n = strlen(absroot[i]);
		if (strncmp(path, absroot[i], n) != 0 ||
		    (path[n] != '\0' && path[n] != '/' && n > 1))
			continue;
		if (w->roots[i].is_file) {
			if (path[n] != '\0')
				continue;
			*rel = "";
			return (int)i;
		}
		s = path + n + (path[n] == '/');
		if (n == 1)
			s = path + 1;
		if (!w->o->recursive && strchr(s, '/') != NULL)
			continue;
		/* a directory on the way that is ignored hides it all */
		t = xstrdup(s);
		bad = 0;
		for (char *p = t; !bad && (p = strchr(p, '/')) != NULL; p++) {
			*p = '\0';
			bad = filter_ignored(w, i, t, 2);
			*p = '/';
		}
		free(t);
		if (bad)
			continue;
		*rel = s;
		return (int)i;
	}
	return -1;
}

static void
file_root_event(struct watch *w, int i, uint64_t m, int is_dir)
{
	struct wroot *r = &w->roots[i];

	if (m & (FAN_CREATE | FAN_MOVED_TO)) {
		ev_add(w, (m & FAN_MOVED_TO) && r->exists ? EV_MODIFIED :
		    EV_CREATED, r->path, NULL, is_dir);
		r->exists = 1;
	} else if (m & (FAN_DELETE | FAN_MOVED_FROM)) {
		ev_add(w, EV_DELETED, r->path, NULL, is_dir);
		r->exists = 0;
	} else if ((m & FAN_MODIFY) && !w->o->close_write)
		ev_add(w, EV_MODIFIED, r->path, NULL, 0);
	else if (m & FAN_CLOSE_WRITE)
		ev_add(w, EV_CLOSED_WRITE, r->path, NULL, 0);
	else if (m & FAN_ATTRIB)
		ev_add(w, EV_ATTRIB, r->path, NULL, is_dir);
}

/* One event: its mask, and its info records (p, len). */
static void
one_event(struct watch *w, uint64_t m, const char *p, size_t len)
{
	const char *end = p + len, *rel = NULL, *drel = NULL;
	struct fanotify_event_info_header h;
	char *path = NULL, *old = NULL, *new = NULL, **to;
	int is_dir = !!(m & FAN_ONDIR), root = -1, droot = -1;

	for (; p + sizeof(h) <= end; p += h.len) {
		memcpy(&h, p, sizeof(h));
		if (h.len < sizeof(h) || h.len > (size_t)(end - p))
			break;
		if (h.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME)
			to = &path;
		else if (h.info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME)
			to = &old;
		else if (h.info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME)
			to = &new;
		else
			continue;
		free(*to);
		*to = info_path(p, h.len, w->nroots);
	}
	if (m & FAN_RENAME) {
		if (old != NULL)
			root = which_root(w, old, &rel);
		if (new != NULL)
			droot = which_root(w, new, &drel);
		if (root >= 0 && w->roots[root].is_file)
			file_root_event(w, root, FAN_MOVED_FROM, is_dir);
		if (droot >= 0 && w->roots[droot].is_file)
			file_root_event(w, droot, FAN_MOVED_TO, is_dir);
		if (root >= 0 && w->roots[root].is_file)
			root = -1;
		if (droot >= 0 && w->roots[droot].is_file)
			droot = -1;
		if (root >= 0 || droot >= 0)
			tree_report(w, EV_MOVED, root, root >= 0 ? rel : NULL,
			    droot, droot >= 0 ? drel : NULL, is_dir);
		goto out;
	}
	/* the two halves of a rename come as FAN_RENAME already */
	if ((m & (FAN_MOVED_FROM | FAN_MOVED_TO)) && !(m & ~(FAN_MOVED_FROM |
	    FAN_MOVED_TO | FAN_ONDIR)) && w->fan_rename)
		goto out;
	if (path == NULL || (root = which_root(w, path, &rel)) < 0)
		goto out;
	if (w->roots[root].is_file) {
		file_root_event(w, root, m, is_dir);
		goto out;
	}
	if (*rel == '\0')
		goto out;
	if (m & FAN_CREATE)
		tree_report(w, EV_CREATED, root, rel, 0, NULL, is_dir);
	else if (m & FAN_DELETE)
		tree_report(w, EV_DELETED, root, rel, 0, NULL, is_dir);
	else if (m & FAN_MOVED_FROM)
		tree_report(w, EV_MOVED, root, rel, 0, NULL, is_dir);
	else if (m & FAN_MOVED_TO)
		tree_report(w, EV_MOVED, 0, NULL, root, rel, is_dir);
	else if ((m & FAN_MODIFY) && !w->o->close_write)
		tree_report(w, EV_MODIFIED, root, rel, 0, NULL, is_dir);
	else if (m & FAN_CLOSE_WRITE)
		tree_report(w, EV_CLOSED_WRITE, root, rel, 0, NULL, is_dir);
	else if (m & FAN_ATTRIB)
		tree_report(w, EV_ATTRIB, root, rel, 0, NULL, is_dir);
out:
	free(path);
	free(old);
	free(new);
}

void
fan_readable(struct loop *l, int fd, unsigned events, void *arg)
{
	struct watch *w = arg;
	struct fanotify_event_metadata md;
	char buf[65536];
	ssize_t n;
	size_t i, off;

	(void)l;
	(void)events;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* events with names are not 8-aligned: copied out */
		for (off = 0; off + sizeof(md) <= (size_t)n;
		    off += md.event_len) {
			memcpy(&md, buf + off, sizeof(md));
			if (md.event_len < sizeof(md) ||
			    md.event_len > (size_t)n - off ||
			    md.metadata_len < sizeof(md) ||
			    md.metadata_len > md.event_len)
				break;
			if (md.vers != FANOTIFY_METADATA_VERSION)
				continue;
			if (md.fd >= 0)
				close(md.fd);
			if (md.mask & FAN_Q_OVERFLOW) {
				/* nothing to re-add: report it */
				for (i = 0; i < w->nroots; i++)
					ev_add(w, EV_OVERFLOW, w->roots[i].path,
					    NULL, !w->roots[i].is_file);
				continue;
			}
			one_event(w, md.mask, buf + off + md.metadata_len,
			    md.event_len - md.metadata_len);
		}
	}
	ev_flush(w);
}
