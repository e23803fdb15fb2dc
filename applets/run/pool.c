/*
 * run -j: a parallel job pool, as xargs -P and GNU parallel run one: a
 * command per input item (stdin lines, -0 items, -a FILE, ::: lists, or
 * --commands lines for /bin/sh -c; read as the jobs need them, so that a
 * job starts once its item is whole), N at a time, every job a lib/child
 * on one event loop, so that each gets run's time limit, whole-tree kill
 * and sweep.  Output grouped per job (memory, then a temp file), by line,
 * or passed through; --keep-order, --tag; --halt; GNU parallel's joblog
 * and --resume; a JSON line per job; a progress line.
 */
#include "pool.h"

#include <sched.h>

#include "../../lib/proc.h"

/* ---- options ---- */

static int
bad_value(const char *opt, const char *val, const char *hint)
{
	char v[200];

	usage_error("invalid %s: %s%s", opt, run_vis(v, sizeof(v), val),
	    hint);
	return -1;
}

static int
parse_jobs(const char *s, struct pool_opts *p)
{
	char num[32];
	long long n;
	size_t len = strlen(s);

	p->jobs = p->jobs_pct = p->jobs_auto = 0;
	if (strcmp(s, "auto") == 0) {
		p->jobs_auto = 1;
		return 0;
	}
	if (len > 1 && len < sizeof(num) && s[len - 1] == '%') {
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		if (args_int(num, 1, 100000, &n) == -1)
			return -1;
		p->jobs_pct = (int)n;
		return 0;
	}
	if (args_int(s, 1, MAX_JOBS, &n) == -1)
		return -1;
	p->jobs = (int)n;
	return 0;
}

/* now|soon,fail|success=N|N%, never, or parallel's 0 1 2. */
static int
parse_halt(const char *s, struct pool_opts *p)
{
	const char *c, *eq;
	char num[32];
	long long n;
	size_t len;

	p->halt_pct = p->halt_success = 0;
	p->halt_n = 1;
	if (strcmp(s, "never") == 0 || strcmp(s, "0") == 0) {
		p->halt = HALT_NEVER;
		return 0;
	}
	if (strcmp(s, "1") == 0 || strcmp(s, "2") == 0) {
		p->halt = s[0] == '1' ? HALT_SOON : HALT_NOW;
		return 0;
	}
	if ((c = strchr(s, ',')) == NULL || (eq = strchr(c, '=')) == NULL)
		return -1;
	if ((size_t)(c - s) == 3 && strncmp(s, "now", 3) == 0)
		p->halt = HALT_NOW;
	else if ((size_t)(c - s) == 4 && strncmp(s, "soon", 4) == 0)
		p->halt = HALT_SOON;
	else
		return -1;
	c++;
	if ((size_t)(eq - c) == 7 && strncmp(c, "success", 7) == 0)
		p->halt_success = 1;
	else if ((size_t)(eq - c) != 4 || strncmp(c, "fail", 4) != 0)
		return -1;
	eq++;
	len = strlen(eq);
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, eq, len + 1);
	if (num[len - 1] == '%') {
		num[len - 1] = '\0';
		p->halt_pct = 1;
	}
	if (args_int(num, p->halt_pct ? 1 : 1, p->halt_pct ? 100 : LLONG_MAX,
	    &n) == -1)
		return -1;
	p->halt_n = n;
	return 0;
}

static int
parse_force(const char *opt, const char *s, int *out)
{
	if (s == NULL)
		*out = 1;
	else if (strcmp(s, "always") == 0)
		*out = 2;
	else
		return bad_value(opt, s, " (always)");
	return 0;
}

int
pool_opt(int ch, const char *arg, struct pool_opts *p)
{
	switch (ch) {
	case 'j':
		if (parse_jobs(arg, p) == -1)
			return bad_value("--jobs", arg, " (N, N% or auto)");
		p->on = 1;
		return 0;
	case O_COMMANDS:
		p->commands = arg;
		p->on = 1;
		return 0;
	case '0':
		p->nul = 1;
		p->set = "--null";
		return 0;
	case 'a':
		p->argfile = arg;
		p->set = "--arg-file";
		return 0;
	case O_GROUP:
		p->out = POOL_GROUP;
		p->set = "--group";
		return 0;
	case O_LINE_BUFFER:
		p->out = POOL_LINE;
		p->set = "--line-buffer";
		return 0;
	case O_UNGROUP:
		p->out = POOL_UNGROUP;
		p->set = "--ungroup";
		return 0;
	case O_KEEP_ORDER:
		p->keep_order = 1;
		p->set = "--keep-order";
		return 0;
	case O_TAG:
		p->tag = 1;
		p->set = "--tag";
		return 0;
	case O_HALT:
		p->set = "--halt";
		if (parse_halt(arg, p) == -1)
			return bad_value("--halt", arg,
			    " (now|soon,fail|success=N|N%)");
		return 0;
	case O_JOBLOG:
		p->joblog = arg;
		p->set = "--joblog";
		return 0;
	case O_RESUME:
	case O_RESUME_FAILED:
		p->resume = ch == O_RESUME ? 1 : 2;
		p->set = ch == O_RESUME ? "--resume" : "--resume-failed";
		return 0;
	case O_BAR:
		p->set = "--bar";
		return parse_force("--bar", arg, &p->bar);
	case O_ETA:
		p->set = "--eta";
		return parse_force("--eta", arg, &p->eta);
	}
	return -1;
}

/* The long option name (up to '=') stands for, as getopt_long matches:
 * the exact name, or the one name it is an abbreviation of. */
static const struct option *
long_match(const struct option *lo, const char *name)
{
	const struct option *hit = NULL;
	size_t n = strcspn(name, "=");

	for (; lo->name != NULL; lo++) {
		if (strncmp(lo->name, name, n) != 0)
			continue;
		if (lo->name[n] == '\0')
			return lo;
		if (hit != NULL && (hit->has_arg != lo->has_arg ||
		    hit->val != lo->val))
			return NULL;	/* ambiguous: getopt will say so */
		hit = lo;
	}
	return hit;
}

/*
 * Before getopt: whether the options ask for a job pool (-j, --jobs or
 * --commands), for -k is then GNU parallel's --keep-order and otherwise
 * coreutils timeout's --kill-after.  The options end at "--" or the first
 * word that is not one (optstring starts with '+'); -k counts as taking
 * no value here, so that `-k -j2` and `-j2 -k` are both a pool keeping
 * order, and `-k 5 -j2` is no pool (the scan stops at 5) and so 5 is
 * --kill-after's value.
 */
int
pool_prescan(int argc, char *argv[], const char *optstring,
    const struct option *lo)
{
	const struct option *o;
	const char *a, *c, *s;
	int i;

	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			return 0;
		if (a[1] == '-') {
			if ((o = long_match(lo, a + 2)) == NULL)
				continue;
			if (o->val == 'j' || o->val == O_COMMANDS)
				return 1;
			if (o->has_arg == required_argument &&
			    strchr(a, '=') == NULL)
				i++;
			continue;
		}
		for (c = a + 1; *c != '\0'; c++) {
			if (*c == 'j')
				return 1;
			if (*c == 'k')
				continue;
			if (*c == ':' || (s = strchr(optstring + 1, *c)) == NULL)
				break;
			if (s[1] == ':') {
				if (c[1] == '\0')
					i++;
				break;
			}
		}
	}
	return 0;
}

/* ---- the jobs ---- */

static void
job_free(struct job *j)
{
	char **av;
	int i;

	for (i = 0; i < 2; i++) {
		pool_spool_free(&j->s[i].sp);
		free(j->s[i].line);
	}
	for (av = j->argv; av != NULL && *av != NULL; av++)
		free(*av);
	free(j->argv);
	free(j->tag);
	free(j);
}

static int
is_failure(const struct job *j)
{
	return j->code != 0;
}

static void retry_cancel(struct pool *p, struct job *j);

static void
halt_now(struct pool *p)
{
	int i;

	for (i = 0; i < p->max; i++)
		if (p->slot[i] != NULL && p->slot[i]->retry_timer != 0)
			retry_cancel(p, p->slot[i]);
		else if (p->slot[i] != NULL && p->slot[i]->started &&
		    child_running(&p->slot[i]->ch)) {
			p->slot[i]->halted = 1;
			child_stop(&p->slot[i]->ch);
		}
}

static void
check_halt(struct pool *p, struct job *j)
{
	const struct pool_opts *po = p->po;
	size_t n = po->halt_success ? p->succeeded : p->failed;
	int hit;

	if (po->halt == HALT_NEVER || p->halting || j->halted)
		return;
	if (po->halt_success == is_failure(j))
		return;
	if (po->halt_pct)
		hit = p->done >= 3 && n * 100 >= (size_t)po->halt_n * p->done;
	else
		hit = n >= (size_t)po->halt_n;
	if (!hit)
		return;
	p->halting = po->halt;
	if (po->halt_success)
		p->halt_code = 0;
	else if (j->started && j->ch.timed_out)
		p->halt_code = EXIT_TIMEOUT;
	else if (!po->halt_pct && po->halt_n == 1)
		p->halt_code = j->code;	/* as parallel: the failed job's */
	else
		p->halt_code = -1;	/* the count of failures */
	if (po->halt == HALT_NOW)
		halt_now(p);
}

/* The job has ended for good: count, record, print, free its slot. */
static void
job_complete(struct pool *p, struct job *j)
{
	double wall = j->started ? loop_now() - j->t0 : 0;

	p->slot[j->slot - 1] = NULL;
	p->running--;
	if (!j->halted) {
		p->done++;
		if (is_failure(j))
			p->failed++;
		else
			p->succeeded++;
	}
	if (p->joblog != NULL)
		pool_joblog(p, j, wall);
	if (p->report != NULL)
		pool_report(p, j, wall);
	check_halt(p, j);
	j->ended = 1;
	if (p->po->keep_order && p->po->out != POOL_UNGROUP)
		pool_print_held(p, 0);
	else {
		pool_job_print(p, j);
		j->next = p->grave;
		p->grave = j;
	}
	pool_progress(p, 0);
}

static int start(struct pool *p, struct job *j);

static int
want_retry(struct pool *p, struct job *j)
{
	const struct opts *o = p->o;

	if (j->attempts > o->retries || p->halting || p->sig || j->halted ||
	    j->code == 0)
		return 0;
	if (!o->has_retry_on)
		return !j->spawn_failed;
	if (j->started && j->ch.timed_out)
		return o->retry_on.timeout;
	if (j->started && WIFSIGNALED(j->ch.status) && o->retry_on.signal)
		return 1;
	return args_codes_has(&o->retry_on, j->code);
}

static void
stream_close(struct jstream *s)
{
	struct pool *p = s->j->p;

	if (s->fd == -1)
		return;
	loop_fd_del(p->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	if (p->po->out == POOL_LINE && s->linelen > 0)
		pool_pass_rest(p, s);
}

static void
on_retry(struct loop *l, int id, void *arg)
{
	struct job *j = arg;
	struct pool *p = j->p;

	j->retry_timer = 0;
	if (p->halting || p->sig || start(p, j) == -1) {
		job_complete(p, j);
		pool_fill(p);
	}
}

/* --retry-delay before the next attempt, times --backoff per attempt
 * made, with run's jitter (0.8 to 1.2); the job keeps its slot. */
static double
retry_wait(const struct pool *p, const struct job *j)
{
	const struct opts *o = p->o;
	double d = o->retry_delay;
	int i;

	if (o->backoff <= 0)
		return d;
	for (i = 1; i < j->attempts && d < MAX_DURATION / o->backoff; i++)
		d *= o->backoff;
	return d * (0.8 + 0.4 * (double)random() / RAND_MAX);
}

/* A timed retry ends with the pool: the job completes as it last ended. */
static void
retry_cancel(struct pool *p, struct job *j)
{
	if (j->retry_timer == 0)
		return;
	loop_timer_del(p->loop, j->retry_timer);
	j->retry_timer = 0;
	job_complete(p, j);
}

static void
maybe_done(struct pool *p, struct job *j)
{
	double wait;
	int i;

	if (!j->tree_done || j->s[0].fd != -1 || j->s[1].fd != -1)
		return;
	if (want_retry(p, j)) {
		for (i = 0; i < 2; i++)
			pool_spool_free(&j->s[i].sp);
		j->received = 0;
		wait = retry_wait(p, j);
		if (p->o->verbose)
			warnx("job %zu: attempt %d of %lld: %s %d; retrying in "
			    "%.3gs", j->idx + 1, j->attempts, p->o->retries + 1,
			    j->started && j->ch.timed_out ? "timed out, exit" :
			    "exit", j->code, wait);
		if (wait > 0 &&
		    (j->retry_timer = loop_timer(p->loop, wait, 0, on_retry,
		    j)) > 0)
			return;
		j->retry_timer = 0;
		if (start(p, j) == 0)
			return;
	}
	job_complete(p, j);
	pool_fill(p);
}

static ssize_t
stream_read(struct pool *p, struct jstream *s)
{
	ssize_t n;

	do
		n = read(s->fd, p->rbuf, RBUF);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n;
	s->j->received += (uint64_t)n;
	if (p->po->out == POOL_LINE && !p->po->keep_order)
		pool_pass_lines(p, s, p->rbuf, (size_t)n);
	else if (pool_spool_put(&s->sp, p->rbuf, (size_t)n) == -1) {
		warn("cannot hold a job's output");
		p->self_failed = 1;
	}
	return n;
}

static void
on_stream(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct jstream *s = arg;
	ssize_t n;

	n = stream_read(s->j->p, s);
	if (n == 0 || (n == -1 && errno != EAGAIN)) {
		stream_close(s);
		maybe_done(s->j->p, s->j);
	}
}

/* The tree is gone: what the pipes still hold, then close them (a
 * --keep-orphans leftover may hold them open). */
static void
streams_drain(struct pool *p, struct job *j)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (j->s[i].fd == -1)
			continue;
		while (stream_read(p, &j->s[i]) > 0)
			;
		stream_close(&j->s[i]);
	}
}

static void
on_child(struct child *c, enum child_event ev, void *arg)
{
	struct job *j = arg;
	struct pool *p = j->p;

	if (ev != CHILD_DONE)
		return;
	run_warn_sweep(c);
	j->tree_done = 1;
	j->code = child_code(c);
	child_release(c);
	streams_drain(p, j);
	maybe_done(p, j);
}

static void
start_failed(struct pool *p, struct job *j)
{
	const struct spawn_err *se = &j->ch.se;
	char v[200];
	int e = errno;

	j->spawn_failed = 1;
	j->code = se->step == SPAWN_STEP_EXEC ? spawn_exec_status(e) :
	    EXIT_SELF;
	if (se->step == SPAWN_STEP_EXEC)
		warnx("%s: %s", run_vis(v, sizeof(v), j->argv[0]),
		    strerror(e));
	else if (se->step == SPAWN_STEP_CWD)
		warnx("cannot change directory to %s: %s",
		    run_vis(v, sizeof(v), p->o->cwd), strerror(e));
	else
		warnx("cannot %s: %s", spawn_step_name(se->step),
		    strerror(e));
}

/* Start (or restart) job j in its slot: 0, or -1 when it could not start
 * (j->code says why). */
static int
start(struct pool *p, struct job *j)
{
	const struct opts *o = p->o;
	struct spawn_fd fds[4];
	struct spawn sp;
	int pipes = p->po->out != POOL_UNGROUP;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	size_t nfds = 0, i;

	memset(fds, 0, sizeof(fds));
	fds[nfds].op = SPAWN_OPEN;
	fds[nfds].fd = 0;
	fds[nfds].path = o->stdin_file != NULL ? o->stdin_file : "/dev/null";
	fds[nfds++].oflags = O_RDONLY;
	if (pipes && (pipe2(po, O_CLOEXEC) == -1 ||
	    (!o->merge && pipe2(pe, O_CLOEXEC) == -1))) {
		warn("cannot make a pipe");
		goto fail;
	}
	if (pipes) {
		fds[nfds].op = SPAWN_DUP2;
		fds[nfds].fd = 1;
		fds[nfds++].src = po[1];
	}
	if (o->merge || pipes) {
		fds[nfds].op = SPAWN_DUP2;
		fds[nfds].fd = 2;
		fds[nfds++].src = o->merge ? 1 : pe[1];
	}

	run_plan(o, j->argv, p->envp, &sp);
	sp.fds = fds;
	sp.nfds = nfds;
	run_child_init(o, &j->ch);	/* --foreground is refused with -j */
	j->ch.fn = on_child;
	j->ch.arg = j;
	j->attempts++;
	j->tree_done = j->started = j->spawn_failed = 0;
	j->t0 = loop_now();
	j->start_real = real_now();
	if (child_start(&j->ch, p->loop, &sp) == -1) {
		start_failed(p, j);
		child_release(&j->ch);
		goto out;
	}
	j->started = 1;
	j->s[0].fd = po[0];
	j->s[1].fd = pe[0];
	po[0] = pe[0] = -1;
	for (i = 0; i < 2; i++)
		if (j->s[i].fd != -1) {
			io_nonblock(j->s[i].fd);
			loop_fd(p->loop, j->s[i].fd, EPOLLIN, on_stream,
			    &j->s[i]);
		}
out:
	for (i = 0; i < 2; i++) {
		if (po[i] != -1)
			close(po[i]);
		if (pe[i] != -1)
			close(pe[i]);
	}
	return j->started ? 0 : -1;
fail:
	j->code = EXIT_SELF;
	j->spawn_failed = 1;
	p->self_failed = 1;
	goto out;
}

static void
start_job(struct pool *p, size_t idx)
{
	struct job *j;
	int i;

	j = xcalloc(1, sizeof(*j));
	j->p = p;
	j->idx = idx;
	for (i = 0; i < p->max && p->slot[i] != NULL; i++)
		;
	j->slot = i + 1;
	p->slot[i] = j;
	p->running++;
	for (i = 0; i < 2; i++) {
		j->s[i].j = j;
		j->s[i].no = i + 1;
		j->s[i].fd = -1;
		j->s[i].sp.fd = -1;
	}
	if (p->o->merge)
		j->s[1].no = 1;
	pool_job_argv(p, j);
	if (p->po->keep_order && p->po->out != POOL_UNGROUP)
		pool_order_add(p, j);
	if (start(p, j) == -1)
		job_complete(p, j);
}

static int
stopping(const struct pool *p)
{
	return p->halting || p->sig || p->self_failed || p->out_dead[1];
}

/* --resume: whether the job log has job seq done (seqs come in order). */
static int
skipped(struct pool *p, size_t seq)
{
	while (p->iskip < p->nskip && p->skip[p->iskip] < seq)
		p->iskip++;
	return p->iskip < p->nskip && p->skip[p->iskip] == seq;
}

void
pool_fill(struct pool *p)
{
	int rc;

	while (p->running < p->max && !stopping(p)) {
		if (p->next >= p->total) {
			if ((rc = pool_input_more(p)) == 1)
				continue;
			if (rc == -1)
				p->self_failed = 1;
			break;
		}
		if (!skipped(p, p->next + 1))
			start_job(p, p->next);
		p->next++;
		pool_input_release(p);
	}
	pool_input_watch(p, p->running < p->max && !stopping(p));
}

/* ---- setting up ---- */

/* CPUs we may use (lib/proc: the affinity mask, or a fixture's own). */
static int
usable_cpus(void)
{
	int n;

	if ((n = proc_cpu_usable()) <= 0)
		n = proc_cpu_usable_self();
	return n > 0 ? n : 1;
}

static int
slots(const struct pool_opts *po)
{
	struct cgroup_info ci;
	long n;
	int eff;

	if (po->jobs > 0)
		return po->jobs;
	memset(&ci, 0, sizeof(ci));
	if (cgroup_read_mask(&ci, CG_CPU) == -1)
		ci.has_cpu = 0;
	eff = cgroup_effective_cpus(ci.has_cpu ? ci.cpu_limit : 0,
	    usable_cpus());
	if (po->jobs_pct == 0)
		return eff;
	n = (long)eff * po->jobs_pct / 100;
	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

static void
on_signal(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct pool *p = arg;
	int sig = (int)si->ssi_signo, i, hard;

	if (p->sig == 0)
		p->sig = sig;
	pool_input_watch(p, 0);		/* nothing more starts */
	hard = child_repeat_stop(&p->first_stop, sig);
	for (i = 0; i < p->max; i++)
		if (p->slot[i] != NULL && p->slot[i]->retry_timer != 0)
			retry_cancel(p, p->slot[i]);
		else if (p->slot[i] != NULL && p->slot[i]->started &&
		    !p->slot[i]->tree_done) {
			if (hard)
				child_kill(&p->slot[i]->ch);
			else
				child_signal(&p->slot[i]->ch, sig);
		}
}

/* Options of run that make no sense for many jobs at once. */
static int
check_opts(const struct opts *o, const struct pool_opts *po)
{
	const char *x = o->input != NULL ? "--input" :
	    o->stdout_file != NULL ? "--stdout" :
	    o->stderr_file != NULL ? "--stderr" :
	    o->tee_file != NULL ? "--tee" : o->capture ? "--capture" :
	    o->prefix ? "--prefix" : o->ts != TS_NONE ? "--timestamps" :
	    o->foreground ? "--foreground" : NULL;

	if (x != NULL)
		return usage_error("%s does not go with -j", x);
	if (po->resume && po->joblog == NULL)
		return usage_error("--resume needs --joblog");
	if (po->argfile != NULL && po->commands != NULL)
		return usage_error("--arg-file and --commands do not go "
		    "together");
	return 0;
}

static int
exit_code(struct pool *p)
{
	int code;

	if (p->sig != 0)
		return 128 + p->sig;
	if (p->halting && p->halt_code >= 0)
		code = p->halt_code;
	else
		code = p->failed > 101 ? 101 : (int)p->failed;
	if (code == 0 && p->self_failed)
		code = EXIT_SELF;
	if (code == 0 && p->write_failed)
		code = EXIT_NO;
	return code;
}

static void
free_grave(struct pool *p)
{
	struct job *j;

	while ((j = p->grave) != NULL) {
		p->grave = j->next;
		job_free(j);
	}
}

static void
cleanup(struct pool *p)
{
	struct job *j;

	free_grave(p);
	while ((j = p->ohead) != NULL) {
		p->ohead = j->onext;
		if (j->ended)
			job_free(j);
	}
	pool_input_free(p);
	free(p->tmpl);
	free(p->envp);
	free(p->slot);
	free(p->skip);
	free(p->rbuf);
	if (p->joblog != NULL)
		fclose(p->joblog);
	if (p->report != NULL && p->report != stderr)
		fclose(p->report);
	loop_free(p->loop);
}

static int
pool_setup(struct pool *p, int argc, char *argv[])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	if (pool_open_input(p, argc, argv) == -1 ||
	    pool_open_records(p) == -1)
		return -1;
	p->repl = p->tmpl != NULL && pool_has_repl(p->tmpl);
	p->max = slots(p->po);
	p->slot = xcalloc((size_t)p->max, sizeof(*p->slot));
	p->rbuf = xmalloc(RBUF);
	if (p->o->nenv > 0 || p->o->clear_env)
		p->envp = run_build_env(p->o);
	srandom((unsigned)(real_now() * 1e6) ^ (unsigned)getpid());
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap for us */
	reap_subreaper();
	if (getenv("SYSKIT_NO_PIDFD") != NULL)
		reap_pidfd_use(0);
	if ((p->loop = loop_new()) == NULL) {
		warn("event loop");
		return -1;
	}
	for (i = 0; i < nitems(sigs); i++)
		if (loop_signal(p->loop, sigs[i], on_signal, p) == -1) {
			warn("signalfd");
			return -1;
		}
	p->progress = (p->po->bar || p->po->eta) &&
	    (p->po->bar == 2 || p->po->eta == 2 || isatty(2));
	/* as GNU parallel: the progress line needs the total first */
	if (p->progress && pool_input_all(p) == -1)
		return -1;
	return 0;
}

int
pool_main(struct opts *o, int argc, char *argv[])
{
	struct pool p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.po = &o->pool;
	if (p.po->out == POOL_UNGROUP && p.po->tag)
		p.po->out = POOL_LINE;
	if (check_opts(o, p.po) != 0)
		return EXIT_USAGE;
	if (p.po->commands != NULL && (optind < argc || o->shell != NULL))
		return usage_error("--commands takes no command (its lines "
		    "are the commands)");
	p.t0 = loop_now();
	if (pool_setup(&p, argc, argv) == -1) {
		cleanup(&p);
		return EXIT_SELF;
	}
	pool_fill(&p);
	while (p.running > 0 || p.in.watched) {
		if (loop_once(p.loop, -1) == -1 && errno != EINTR) {
			warn("event loop");
			p.self_failed = 1;
			break;
		}
		free_grave(&p);
	}
	pool_print_held(&p, 1);
	pool_progress(&p, 1);
	rc = exit_code(&p);
	cleanup(&p);
	return rc;
}
