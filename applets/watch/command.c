/*
 * command: running the command, supervised by lib/child (its own process
 * group; a stop is TERM, then KILL after --grace, to the whole tree, and
 * whatever it left is swept and reaped).
 *
 * On change: the changed paths of a burst are gathered; the burst ends
 * after --debounce of quiet (trailing), or the first change runs at once
 * and the rest of the burst once more after --debounce (leading).  While
 * the command runs, --on-busy says what a burst does.  Each run gets the
 * burst's paths in SYSKIT_CHANGED_FILE (NUL-separated, any number) and,
 * when short, SYSKIT_CHANGED (a line each).
 *
 * Periodic: the command every --interval.  On a terminal its output
 * (stdout and stderr) is captured through a pipe and shown full screen;
 * elsewhere it goes straight to our stdout (stderr too), captured only
 * for --chgexit, which compares a run's output with the one before.
 */
#include "watch.h"

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "../../lib/child.h"
#include "../../lib/fs.h"
#include "../../lib/loop.h"
#include "../../lib/reap.h"
#include "../../lib/spawn.h"

#define CHANGED_MAX	4096		/* SYSKIT_CHANGED up to this */
#define CAPTURE_MAX	(16 << 20)	/* a periodic run's output kept */

struct cmdstate {
	struct child ch;
	int	 running;	/* ch started, not yet CHILD_DONE */
	int	 by_change;	/* the run going was caused by changes */
	struct strset burst;	/* changed since the last run started */
	int	 queued;	/* --on-busy queue: once more at the end */
	int	 restarting;	/* --on-busy restart: stopping to run again */
	int	 stopping;	/* the exit code once the tree is gone, or -1 */
	int	 t_debounce, t_cool, t_interval;
	int	 chfd;		/* SYSKIT_CHANGED_FILE */
	char	**env;		/* the command's environment (make_env) */
	char	*env_file, *env_changed;
	size_t	 envcap, env_changedcap;

	/* periodic */
	int	 tty;		/* stdout is a terminal: the screen */
	int	 capture;	/* the output kept: the screen, --chgexit */
	int	 pfd;		/* the output pipe's read end */
	char	*out, *prev;
	size_t	 outlen, outcap, prevlen, prevcap;
	int	 have_prev;
	double	 started;
	unsigned long runs;
};

static char *changed_path;	/* removed at exit, however we exit */

static void
remove_changed(void)
{
	if (changed_path != NULL)
		unlink(changed_path);
}

/* ---- the changed paths ---- */

static void
write_changed(struct watch *w)
{
	struct cmdstate *cs = w->cs;
	char *buf, *p;
	size_t i, n = 0;

	if (cs->chfd < 0)
		return;
	for (i = 0; i < cs->burst.n; i++)
		n += strlen(cs->burst.v[i]) + 1;
	p = buf = xmalloc(n + 1);
	for (i = 0; i < cs->burst.n; i++) {
		n = strlen(cs->burst.v[i]) + 1;
		memcpy(p, cs->burst.v[i], n);
		p += n;
	}
	if (ftruncate(cs->chfd, 0) == -1 || lseek(cs->chfd, 0, SEEK_SET) == -1 ||
	    fs_write_all(cs->chfd, buf, (size_t)(p - buf)) == -1)
		warn("cannot write %s", changed_path);
	free(buf);
}

/*
 * The command's environment: ours, with SYSKIT_CHANGED_FILE and
 * SYSKIT_CHANGED set.  Built in buffers kept from run to run (a command
 * run every interval allocates nothing).
 */
static char **
make_env(struct watch *w)
{
	extern char **environ;
	struct cmdstate *cs = w->cs;
	char **e, *p;
	size_t n = 0, i, len = 0;

	for (e = environ; *e != NULL; e++)
		n++;
	xgrow(&cs->env, &cs->envcap, n + 3, sizeof(*cs->env));
	n = 0;
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "SYSKIT_CHANGED=", 15) != 0 &&
		    strncmp(*e, "SYSKIT_CHANGED_FILE=", 20) != 0)
			cs->env[n++] = *e;
	if (changed_path != NULL) {
		if (cs->env_file == NULL)
			cs->env_file = xasprintf("SYSKIT_CHANGED_FILE=%s",
			    changed_path);
		cs->env[n++] = cs->env_file;
	}
	for (i = 0; i < cs->burst.n; i++)
		len += strlen(cs->burst.v[i]) + 1;
	if (len <= CHANGED_MAX) {
		xgrow(&cs->env_changed, &cs->env_changedcap,
		    sizeof("SYSKIT_CHANGED=") + len, 1);
		p = cs->env[n++] = cs->env_changed;
		p = stpcpy(p, "SYSKIT_CHANGED=");
		for (i = 0; i < cs->burst.n; i++) {
			if (i > 0)
				*p++ = '\n';
			p = stpcpy(p, cs->burst.v[i]);
		}
	}
	cs->env[n] = NULL;
	return cs->env;
}

/* ---- starting ---- */

static void on_child(struct child *, enum child_event, void *);
static void interval_fire(struct loop *, int, void *);

static void
start_failed(struct watch *w, const struct child *c, int err)
{
	const char *cmd = w->o->cmd[0];
	char vis[256];

	out_vis(vis, sizeof(vis), cmd, strlen(cmd));
	if (c->se.step == SPAWN_STEP_EXEC) {
		warnx("cannot run %s: %s", vis, strerror(err));
		watch_exit(w, spawn_exec_status(err));
	} else {
		warnx("cannot start %s: %s: %s", vis,
		    spawn_step_name(c->se.step), strerror(err));
		watch_exit(w, EXIT_SELF);
	}
}

/* Start the command with the plan's fds (periodic capture) or none. */
static int
spawn_cmd(struct watch *w, const struct spawn_fd *fds, size_t nfds)
{
	struct cmdstate *cs = w->cs;
	struct spawn sp = { .argv = w->o->cmd, .umask = -1, .fds = fds,
	    .nfds = nfds };
	int rc;

	write_changed(w);
	sp.envp = make_env(w);
	child_init(&cs->ch);
	cs->ch.kill_after = w->o->grace;
	cs->ch.fn = on_child;
	cs->ch.arg = w;
	fflush(stdout);
	rc = child_start(&cs->ch, w->loop, &sp);
	if (rc == -1) {
		start_failed(w, &cs->ch, errno);
		return -1;
	}
	cs->running = 1;
	cs->started = loop_now();
	cs->runs++;
	strset_clear(&cs->burst);
	return 0;
}

static int
start_run(struct watch *w, int by_change)
{
	struct cmdstate *cs = w->cs;

	if (w->o->clear)
		fputs("\033[H\033[2J\033[3J", stdout);
	cs->queued = 0;
	cs->by_change = by_change;
	if (w->o->interval > 0) {
		if (cs->t_interval > 0)
			loop_timer_del(w->loop, cs->t_interval);
		cs->t_interval = loop_timer(w->loop, w->o->interval, 0,
		    interval_fire, w);
	}
	return spawn_cmd(w, NULL, 0);
}

/* ---- a burst ends ---- */

static void
trigger(struct watch *w)
{
	struct cmdstate *cs = w->cs;

	if (cs->burst.n == 0 || cs->stopping >= 0 || w->exit_code >= 0)
		return;
	if (!cs->running) {
		start_run(w, 1);
		return;
	}
	switch (w->o->on_busy) {
	case BUSY_QUEUE:
		cs->queued = 1;
		break;
	case BUSY_RESTART:
		if (!cs->restarting) {
			cs->restarting = 1;
			child_stop(&cs->ch);
		}
		break;
	case BUSY_SIGNAL:
		/* the command can read what changed, then hears of it */
		write_changed(w);
		strset_clear(&cs->burst);
		child_signal(&cs->ch, w->o->busy_signal);
		break;
	case BUSY_IGNORE:
		strset_clear(&cs->burst);
		break;
	}
}

static void
debounce_fire(struct loop *l, int id, void *arg)
{
	struct watch *w = arg;

	(void)l;
	(void)id;
	w->cs->t_debounce = 0;
	trigger(w);
}

static void
cool_end(struct loop *l, int id, void *arg)
{
	struct watch *w = arg;
	struct cmdstate *cs = w->cs;

	(void)id;
	cs->t_cool = 0;
	if (cs->burst.n > 0) {
		trigger(w);
		cs->t_cool = loop_timer(l, w->o->debounce, 0, cool_end, w);
	}
}

static void
interval_fire(struct loop *l, int id, void *arg)
{
	struct watch *w = arg;
	struct cmdstate *cs = w->cs;

	(void)l;
	(void)id;
	cs->t_interval = 0;
	if (cs->running || cs->stopping >= 0 || w->exit_code >= 0)
		return;
	start_run(w, 0);
}

void
cmd_event(struct watch *w, const struct ev *e)
{
	struct cmdstate *cs = w->cs;

	if (!(w->o->events & EV_BIT(e->type)))
		return;
	strset_add(&cs->burst, e->path);
	if (e->dest != NULL)
		strset_add(&cs->burst, e->dest);
	if (w->o->leading) {
		/* the first change of a burst runs once this read is done */
		if (cs->t_cool == 0) {
			cs->t_debounce = loop_timer(w->loop, 0, 0,
			    debounce_fire, w);
			cs->t_cool = loop_timer(w->loop, w->o->debounce, 0,
			    cool_end, w);
		}
		return;
	}
	if (cs->t_debounce > 0)
		loop_timer_del(w->loop, cs->t_debounce);
	cs->t_debounce = loop_timer(w->loop, w->o->debounce, 0, debounce_fire,
	    w);
}

/* ---- the end of a run ---- */

static void periodic_done(struct watch *, int);

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct watch *w = arg;
	struct cmdstate *cs = w->cs;
	int code;

	if (ev != CHILD_DONE)
		return;
	code = child_code(c);
	child_release(c);
	cs->running = 0;
	if (cs->stopping >= 0) {
		watch_exit(w, cs->stopping);
		return;
	}
	if (w->roots == NULL) {
		periodic_done(w, code);
		return;
	}
	if (cs->restarting) {
		cs->restarting = 0;
		start_run(w, 1);
		return;
	}
	if (w->o->exit_on_error && code != 0) {
		watch_exit(w, code);
		return;
	}
	if (w->o->once && cs->by_change) {
		watch_exit(w, code);
		return;
	}
	if (cs->queued)
		start_run(w, 1);
}

void
cmd_finish(struct watch *w, int code)
{
	struct cmdstate *cs = w->cs;

	if (cs == NULL || !cs->running) {
		watch_exit(w, code);
		return;
	}
	if (cs->stopping >= 0) {
		/* asked twice: no more grace */
		child_kill(&cs->ch);
		return;
	}
	cs->stopping = code;
	child_stop(&cs->ch);
}

static void
cs_new(struct watch *w)
{
	struct cmdstate *cs = xcalloc(1, sizeof(*cs));

	cs->stopping = -1;
	cs->chfd = -1;
	cs->pfd = -1;
	w->cs = cs;
	reap_subreaper();
}

int
cmd_start(struct watch *w)
{
	struct cmdstate *cs;
	char *tmpl;

	cs_new(w);
	cs = w->cs;
	tmpl = xasprintf("%s/syskit-watch-XXXXXX", fs_tmpdir());
	if ((cs->chfd = fs_mktemp(tmpl, 0, 1)) == -1) {
		warn("cannot create %s", tmpl);
		free(tmpl);
		w->exit_code = EXIT_SELF;
		return -1;
	}
	changed_path = tmpl;
	atexit(remove_changed);
	if (!w->o->postpone)
		return start_run(w, 0);
	if (w->o->interval > 0)
		cs->t_interval = loop_timer(w->loop, w->o->interval, 0,
		    interval_fire, w);
	return 0;
}

void
cmd_free(struct watch *w)
{
	struct cmdstate *cs = w->cs;

	if (cs == NULL)
		return;
	if (cs->running)
		child_release(&cs->ch);
	strset_free(&cs->burst);
	if (cs->chfd >= 0)
		close(cs->chfd);
	if (cs->pfd >= 0)
		close(cs->pfd);
	remove_changed();
	free(changed_path);
	changed_path = NULL;
	free(cs->out);
	free(cs->prev);
	free(cs->env);
	free(cs->env_file);
	free(cs->env_changed);
	free(cs);
	w->cs = NULL;
}

/* ---- periodic ---- */

/* Read what the pipe has: 1 at its end, 0 when it has no more now. */
static int
pipe_read(struct cmdstate *cs)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(cs->pfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return 1;
		if (cs->outlen + (size_t)n > CAPTURE_MAX)
			continue;
		xgrow(&cs->out, &cs->outcap, cs->outlen + (size_t)n, 1);
		memcpy(cs->out + cs->outlen, buf, (size_t)n);
		cs->outlen += (size_t)n;
	}
}

static void
pipe_close(struct watch *w)
{
	if (w->cs->pfd < 0)
		return;
	loop_fd_del(w->loop, w->cs->pfd);
	close(w->cs->pfd);
	w->cs->pfd = -1;
}

static void
on_pipe(struct loop *l, int fd, unsigned events, void *arg)
{
	struct watch *w = arg;

	(void)l;
	(void)fd;
	(void)events;
	if (pipe_read(w->cs))
		pipe_close(w);
}

static void periodic_fire(struct loop *, int, void *);

static int
periodic_start(struct watch *w)
{
	struct cmdstate *cs = w->cs;
	struct spawn_fd fds[3] = {
		{ .op = SPAWN_OPEN, .fd = 0, .path = "/dev/null",
		    .oflags = O_RDONLY },
		{ .op = SPAWN_DUP2, .fd = 1 },
		{ .op = SPAWN_DUP2, .fd = 2 },
	};
	int p[2], rc;

	if (!cs->capture) {
		/* straight to our stdout, stderr too, as it comes */
		fds[1].fd = 2;
		fds[1].src = STDOUT_FILENO;
		cs->pfd = -1;
		return spawn_cmd(w, fds, 2) == -1 ? -1 : 0;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		warn("cannot make a pipe");
		watch_exit(w, EXIT_SELF);
		return -1;
	}
	fds[1].src = fds[2].src = p[1];
	cs->outlen = 0;
	rc = spawn_cmd(w, fds, nitems(fds));
	close(p[1]);
	if (rc == -1) {
		close(p[0]);
		return -1;
	}
	cs->pfd = p[0];
	fcntl(cs->pfd, F_SETFL, O_NONBLOCK);
	loop_fd(w->loop, cs->pfd, EPOLLIN, on_pipe, w);
	return 0;
}

/* The command line as the header shows it. */
static void
print_cmd(char *const *argv)
{
	char vis[512];

	for (; *argv != NULL; argv++) {
		out_vis(vis, sizeof(vis), *argv, strlen(*argv));
		fputs(vis, stdout);
		if (argv[1] != NULL)
			putchar(' ');
	}
}

/* One line of output, what differs from the same line of the run
 * before in reverse video. */
static void
print_line(const char *s, size_t n, const char *old, size_t oldn,
    int diff)
{
	size_t i;
	int rev = 0;

	for (i = 0; i < n; i++) {
		int changed = diff && (i >= oldn || old[i] != s[i]);

		if (changed != rev) {
			fputs(changed ? "\033[7m" : "\033[27m", stdout);
			rev = changed;
		}
		putchar(s[i]);
	}
	if (rev)
		fputs("\033[27m", stdout);
	putchar('\n');
}

static void
show_screen(struct watch *w)
{
	struct cmdstate *cs = w->cs;
	struct winsize ws = { 0 };
	const char *p = cs->out, *end = cs->out + cs->outlen, *nl;
	const char *q = cs->prev, *qend = cs->prev + cs->prevlen, *qnl;
	char host[256] = "", when[64] = "";
	time_t now = time(NULL);
	unsigned rows = 24, row;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2)
		rows = ws.ws_row;
	gethostname(host, sizeof(host) - 1);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&now));
	fputs("\033[H\033[2J", stdout);
	printf("Every %gs: ", w->o->interval);
	print_cmd(w->o->cmd);
	printf("    %s: %s\n\n", host, when);
	for (row = 2; p < end && row + 1 < rows; row++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		qnl = q < qend ? memchr(q, '\n', (size_t)(qend - q)) : NULL;
		if (q < qend && qnl == NULL)
			qnl = qend;
		print_line(p, (size_t)(nl - p), q, q < qend ?
		    (size_t)(qnl - q) : 0, w->o->differences && cs->have_prev);
		p = nl + 1;
		q = q < qend ? qnl + 1 : q;
	}
}

static void
periodic_done(struct watch *w, int code)
{
	struct cmdstate *cs = w->cs;
	double delay;
	size_t cap;
	int changed;
	char *t;

	if (cs->pfd >= 0)
		pipe_read(cs);
	pipe_close(w);
	if (cs->tty)
		show_screen(w);
	else if (cs->outlen > 0)
		fwrite(cs->out, 1, cs->outlen, stdout);
	fflush(stdout);
	changed = cs->have_prev && (cs->outlen != cs->prevlen ||
	    (cs->outlen > 0 && memcmp(cs->out, cs->prev, cs->outlen) != 0));
	/* this run's output is the next one's "before" */
	t = cs->prev;
	cap = cs->prevcap;
	cs->prev = cs->out;
	cs->prevcap = cs->outcap;
	cs->prevlen = cs->outlen;
	cs->out = t;
	cs->outcap = cap;
	cs->outlen = 0;
	cs->have_prev = 1;
	if ((w->o->until && code == 0) || (w->o->chgexit && changed)) {
		watch_exit(w, 0);
		return;
	}
	if (w->o->errexit && code != 0) {
		watch_exit(w, code);
		return;
	}
	delay = w->o->interval;
	if (w->o->precise) {
		delay = cs->started + w->o->interval - loop_now();
		if (delay < 0)
			delay = 0;
	}
	loop_timer(w->loop, delay, 0, periodic_fire, w);
}

static void
periodic_fire(struct loop *l, int id, void *arg)
{
	struct watch *w = arg;

	(void)l;
	(void)id;
	if (w->cs->stopping < 0 && w->exit_code < 0)
		periodic_start(w);
}

int
periodic_run(struct watch *w)
{
	int rc;

	if (watch_loop(w) == -1)
		return EXIT_NO;
	cs_new(w);
	w->cs->tty = isatty(STDOUT_FILENO);
	w->cs->capture = w->cs->tty || w->o->chgexit;
	if (periodic_start(w) == 0 && loop_run(w->loop) == -1) {
		warn("event loop");
		rc = EXIT_NO;
	} else
		rc = w->exit_code < 0 ? 0 : w->exit_code;
	cmd_free(w);
	return rc;
}
