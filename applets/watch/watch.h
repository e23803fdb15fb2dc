/*
 * watch.h: what the files of the watch applet share.
 *
 *   main.c      options, checks, the three modes' set-up
 *   tree.c      inotify: the watch table, walking, scanning new
 *               directories, moves, overflow and rescans, limits
 *   events.c    the queue that turns raw events into what is reported
 *               (atomic saves, bursts of modifications), output
 *   filter.c    globs, the ignore lists, --ext, --gitignore
 *   command.c   running the command: on change and periodically
 */
#ifndef WATCH_H
#define WATCH_H

#include "../syskit.h"

struct loop;

/* events, with watchdog's names; also the bits of -e */
enum {
	EV_CREATED,
	EV_DELETED,
	EV_MODIFIED,
	EV_MOVED,
	EV_CLOSED_WRITE,
	EV_ATTRIB,
	EV_OVERFLOW,
	EV_NTYPES
};
#define EV_BIT(t)	(1u << (t))
#define EV_ALL		((1u << EV_NTYPES) - 1)

/* a path named on the command line */
struct wroot {
	char	*path;		/* as given, trailing slashes cut */
	char	*dir;		/* a file root: the directory watched */
	char	*name;		/* a file root: the name looked for */
	int	 is_file;	/* a file (or a missing path): its directory */
	int	 pwd;		/* a file root: the directory's watch */
	int	 exists;	/* a file root: it is there now */
	int	 pending;	/* --allow-missing: dir/name leads to it */
};

/* one glob of an ignore list */
struct glob {
	char	*pat;
	int	 dironly;	/* "dir/": directories only */
	int	 anchored;	/* has a '/': matched against the whole path */
	int	 negate;	/* "!pat" (gitignore) */
	char	*base;		/* gitignore: the directory it came from ("" top) */
};

struct globlist {
	struct glob *v;
	size_t	 n, cap;
};

struct ev {
	struct ev *next, *prev;
	int	 type;
	int	 is_dir;
	char	*path;		/* as shown */
	char	*dest;		/* moved: the new name */
	double	 time;		/* epoch */
	double	 until;		/* monotonic: held until then (0: not held) */
	double	 mono;		/* monotonic: when it last changed */
};

struct watch_opts {
	unsigned events;	/* -e */
	int	 recursive;
	int	 follow;
	int	 json;
	int	 once;
	int	 exists_ok;
	int	 allow_missing;
	int	 close_write;
	int	 default_ignore;
	int	 gitignore;
	double	 timeout;	/* 0: none */
	char	**exts;		/* --ext, NULL-terminated */
	struct globlist ignore;	/* -i */

	/* running a command */
	char	**cmd;		/* NULL: the event stream */
	double	 debounce;
	int	 leading;
	int	 on_busy;
	int	 busy_signal;
	double	 grace;
	int	 postpone;
	int	 clear;
	int	 exit_on_error;
	/* periodic */
	double	 interval;	/* 0: not periodic */
	int	 until;
	int	 chgexit;
	int	 errexit;
	int	 precise;
	int	 differences;
	int	 backend;
};

enum { BACKEND_INOTIFY, BACKEND_FANOTIFY, BACKEND_AUTO };

enum { BUSY_QUEUE, BUSY_RESTART, BUSY_SIGNAL, BUSY_IGNORE };

struct wdir;
struct cmdstate;

/* strset.c: strings in the order added, each once */
struct strset {
	char	**v;
	size_t	 n, cap;
	size_t	*slots;		/* index + 1 into v, 0: empty */
	size_t	 nslots;
};
int	strset_add(struct strset *ss, const char *s);	/* 1: new */
int	strset_has(const struct strset *ss, const char *s);
void	strset_clear(struct strset *ss);
void	strset_free(struct strset *ss);

struct watch {
	struct watch_opts *o;
	struct loop *loop;
	struct wroot *roots;
	size_t	 nroots;
	int	 ifd;		/* inotify */
	uint32_t mask;

	/* tree.c: the watch table, a hash on the watch descriptor */
	struct wdir **slots;
	size_t	 nslots, nents;
	unsigned gen;
	char	*pbuf;		/* path building */
	size_t	 pcap;

	/* tree.c: paths a scan reported, until inotify's queue is drained */
	struct strset seen;

	/* filter.c */
	struct globlist defign;
	struct globlist gitign;

	/* events.c: the queue and the last event let through */
	struct ev *head, *tail;
	int	 qtimer;
	int	 last_type;
	char	*last_path;
	double	 last_time;

	/* what takes each event: the stream printer or the command runner */
	void	(*deliver)(struct watch *, const struct ev *);
	int	 exit_code;	/* -1: still running */
	struct cmdstate *cs;	/* command.c */

	/* --backend auto: past the watch limit, fanotify (fanotify.c) */
	int	 fallback;	/* it can be used */
	int	 limit_hit;	/* and it is needed */
	int	 fan_rename;	/* the kernel reports renames whole */
};

/* tree.c */
int	tree_open(struct watch *w);
int	tree_add_roots(struct watch *w);
void	tree_readable(struct loop *l, int fd, unsigned events, void *arg);
void	tree_free(struct watch *w);
/* Report a change of rel under root (and of dest under droot for a move;
 * either NULL when outside), through the filters. */
void	tree_report(struct watch *w, int type, int root, const char *rel,
	    int droot, const char *dest, int is_dir);

/* fanotify.c */
int	fan_available(void);
int	fan_open(struct watch *w);
void	fan_readable(struct loop *l, int fd, unsigned events, void *arg);
void	fan_free(struct watch *w);

/* events.c */
/* A raw change; path or dest NULL when filtered out. */
void	ev_add(struct watch *w, int type, const char *path, const char *dest,
	    int is_dir);
/* Hand on what is no longer held; arm the timer for the rest. */
void	ev_flush(struct watch *w);
void	ev_free(struct watch *w);
const char *ev_name(int type);
int	ev_parse_list(const char *s, unsigned *bits);
/* The stream printer. */
void	ev_print(struct watch *w, const struct ev *e);
/* Stop the loop with code. */
void	watch_exit(struct watch *w, int code);
/* main.c: the loop, INT and TERM, --timeout (ending through cmd_finish). */
int	watch_loop(struct watch *w);

/* filter.c */
/* Whether name (no '/', or a relative path with '/') matches pat; '*' and
 * '?' stop at '/', '**' crosses it, [...] classes, '\' escapes. */
int	glob_match(const char *pat, const char *path);
/* Add a glob in gitignore syntax; returns 0, or -1 for an empty one. */
int	globlist_add(struct globlist *gl, const char *pat, const char *base,
	    int gitsyntax);
void	globlist_free(struct globlist *gl);
/* Whether rel (relative to the root) matches gl, gitignore rules. */
int	globlist_match(const struct globlist *gl, const char *rel, int is_dir);
void	filter_init(struct watch *w);
/* Whether a path relative to root is left out (ignore lists, --ext). */
int	filter_ignored(struct watch *w, size_t root, const char *rel,
	    int is_dir);
/* --gitignore: read the .gitignore files and .git/info/exclude. */
void	filter_gitignore_dir(struct watch *w, size_t root, int dfd,
	    const char *rel);

/* command.c */
/* Set up running the command and run it (unless -p); -1 when it cannot
 * start (w->exit_code says with what to exit). */
int	cmd_start(struct watch *w);
void	cmd_event(struct watch *w, const struct ev *e);
/* End with code, once the command's tree is stopped. */
void	cmd_finish(struct watch *w, int code);
void	cmd_free(struct watch *w);
/* -n without paths. */
int	periodic_run(struct watch *w);

#endif
