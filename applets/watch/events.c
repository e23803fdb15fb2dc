/*
 * events: from raw changes to what is reported.  Each change goes into a
 * queue, in order.  A file's creation or deletion is held there for a
 * moment (HOLD), because it may be half of an editor's save:
 *
 *   created T, [modified T], moved T -> F    (sed -i, most atomic saves)
 *   moved F -> F~ (or deleted F), created F  (vim's backup and rename)
 *
 * both become "modified F".  While an entry is held, later modifications
 * of the same file are absorbed into it; what follows it in the queue
 * waits behind it, so the order stays the order things happened in.  A
 * modification reported a moment ago is not reported again (a write in
 * several calls, a truncate then a write).
 */
#include "watch.h"

#include <time.h>

#include "../../lib/loop.h"

#define HOLD	0.03	/* seconds an editor's save takes, at most */
#define LOOKBACK 64	/* queue entries an editor's save spans, at most */

static const char *const names[EV_NTYPES] = {
	"created", "deleted", "modified", "moved", "closed_write", "attrib",
	"overflow",
};

const char *
ev_name(int type)
{
	return names[type];
}

int
ev_parse_list(const char *s, unsigned *bits)
{
	const char *e;
	size_t n, i;
	unsigned b = 0;

	for (; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
		e = s + strcspn(s, ",");
		n = (size_t)(e - s);
		if (n == 3 && strncmp(s, "all", 3) == 0) {
			b |= EV_ALL;
			continue;
		}
		for (i = 0; i < EV_NTYPES; i++)
			if (strlen(names[i]) == n && strncmp(s, names[i], n) == 0)
				break;
		if (i == EV_NTYPES)
			return -1;
		b |= EV_BIT(i);
	}
	if (b == 0)
		return -1;
	*bits = b;
	return 0;
}

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct ev *
append(struct watch *w, int type, const char *path, const char *dest,
    int is_dir, int held)
{
	struct ev *e = xcalloc(1, sizeof(*e));

	e->type = type;
	e->is_dir = is_dir;
	e->path = xstrdup(path);
	e->dest = dest != NULL ? xstrdup(dest) : NULL;
	e->time = wall_now();
	e->mono = loop_now();
	e->until = held ? e->mono + HOLD : 0;
	e->prev = w->tail;
	if (w->tail != NULL)
		w->tail->next = e;
	else
		w->head = e;
	w->tail = e;
	return e;
}

static void
ev_del(struct ev *e)
{
	free(e->path);
	free(e->dest);
	free(e);
}

/* Take e out of the queue and free it. */
static void
unlink_ev(struct watch *w, struct ev *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		w->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		w->tail = e->prev;
	ev_del(e);
}

/* The held entry for a file among the last few queued, if any (a flood
 * of changes does not make each one a search of the whole queue). */
static struct ev *
held(struct watch *w, const char *path)
{
	struct ev *e;
	int n = 0;

	for (e = w->tail; e != NULL && n < LOOKBACK; e = e->prev, n++)
		if (e->until > 0 && !e->is_dir && e->type != EV_MOVED &&
		    strcmp(e->path, path) == 0)
			return e;
	return NULL;
}

/* Whether a modification of path was just reported or is queued. */
static int
repeated(struct watch *w, int type, const char *path)
{
	const struct ev *t = w->tail;

	if (t != NULL && t->until == 0 && t->type == type &&
	    strcmp(t->path, path) == 0)
		return 1;
	return w->last_path != NULL && w->last_type == type &&
	    strcmp(w->last_path, path) == 0 && loop_now() - w->last_time < HOLD;
}

/* A file renamed: a fresh temp file renamed over its target, or the
 * second half of a backup-and-rename, is a modification. */
static void
add_move(struct watch *w, const char *path, const char *dest, int is_dir)
{
	struct ev *h, *hd;

	if (!is_dir && (h = held(w, path)) != NULL && h->type == EV_CREATED) {
		unlink_ev(w, h);
		if ((hd = held(w, dest)) != NULL && hd->type == EV_DELETED)
			hd->type = EV_MODIFIED;
		else
			append(w, EV_MODIFIED, dest, NULL, 0, 1);
		return;
	}
	if (!is_dir && (hd = held(w, dest)) != NULL && hd->type == EV_DELETED) {
		hd->type = EV_MODIFIED;
		return;
	}
	append(w, EV_MOVED, path, dest, is_dir, 0);
}

void
ev_add(struct watch *w, int type, const char *path, const char *dest,
    int is_dir)
{
	struct ev *h;

	if (type == EV_MOVED) {
		if (path != NULL && dest != NULL) {
			add_move(w, path, dest, is_dir);
			return;
		}
		/* one end left out: a deletion, or a creation */
		type = path != NULL ? EV_DELETED : EV_CREATED;
		if (path == NULL)
			path = dest;
		dest = NULL;
	}
	switch (type) {
	case EV_CREATED:
		if (!is_dir && (h = held(w, path)) != NULL &&
		    h->type == EV_DELETED) {
			h->type = EV_MODIFIED;
			return;
		}
		append(w, type, path, NULL, is_dir, !is_dir);
		return;
	case EV_DELETED:
		if (!is_dir && (h = held(w, path)) != NULL)
			h->until = 0;
		append(w, type, path, NULL, is_dir, !is_dir);
		return;
	case EV_MODIFIED:
	case EV_CLOSED_WRITE:
	case EV_ATTRIB:
		if (!is_dir && (h = held(w, path)) != NULL &&
		    h->type != EV_DELETED) {
			h->mono = loop_now();
			return;
		}
		if (repeated(w, type, path))
			return;
		append(w, type, path, NULL, is_dir, 0);
		return;
	default:
		append(w, type, path, NULL, is_dir, 0);
	}
}

static void
flush_timer(struct loop *l, int id, void *arg)
{
	struct watch *w = arg;

	(void)l;
	(void)id;
	w->qtimer = 0;
	ev_flush(w);
}

void
ev_flush(struct watch *w)
{
	struct ev *e;
	double now = loop_now();

	while ((e = w->head) != NULL && w->exit_code < 0 &&
	    (e->until == 0 || e->until <= now)) {
		w->head = e->next;
		if (w->head == NULL)
			w->tail = NULL;
		else
			w->head->prev = NULL;
		free(w->last_path);
		w->last_path = xstrdup(e->dest != NULL ? e->dest : e->path);
		w->last_type = e->type;
		w->last_time = e->mono;
		w->deliver(w, e);
		ev_del(e);
	}
	if (w->qtimer > 0) {
		loop_timer_del(w->loop, w->qtimer);
		w->qtimer = 0;
	}
	if (w->head != NULL && w->exit_code < 0)
		w->qtimer = loop_timer(w->loop, w->head->until - now, 0,
		    flush_timer, w);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			warn("write error");
		watch_exit(w, errno == EPIPE ? 0 : EXIT_NO);
	}
}

void
ev_free(struct watch *w)
{
	struct ev *e;

	while ((e = w->head) != NULL) {
		w->head = e->next;
		ev_del(e);
	}
	w->tail = NULL;
	free(w->last_path);
	w->last_path = NULL;
}

static void
print_path(const char *s)
{
	size_t n = strlen(s);
	char *v = xmalloc(n * 4 + 1);

	out_vis(v, n * 4 + 1, s, n);
	fputs(v, stdout);
	free(v);
}

void
ev_print(struct watch *w, const struct ev *e)
{
	struct json j;

	if (!(w->o->events & EV_BIT(e->type)))
		return;
	if (w->o->json) {
		json_init(&j, stdout, 0);
		json_obj(&j, NULL);
		json_f64(&j, "time", e->time);
		json_str(&j, "event", names[e->type]);
		json_str(&j, "path", e->path);
		if (e->type == EV_MOVED)
			json_str(&j, "dest_path", e->dest);
		json_bool(&j, "is_dir", e->is_dir);
		json_end(&j);
	} else {
		fputs(names[e->type], stdout);
		putchar(' ');
		print_path(e->path);
		if (e->type == EV_MOVED) {
			fputs(" -> ", stdout);
			print_path(e->dest);
		}
		putchar('\n');
	}
	if (w->o->once)
		watch_exit(w, 0);
}
