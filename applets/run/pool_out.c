/* run -j: the jobs' output (grouped, by line), the job log, the report,
 * the progress line. */
#include "pool.h"

/* ---- output ---- */

/* Write to our stdout (1) or stderr (2); EPIPE ends that output quietly,
 * another error once with a message. */
void
pool_put(struct pool *p, int no, const char *s, size_t n)
{
	if (n == 0 || p->out_dead[no])
		return;
	if (fs_write_all(no, s, n) == 0)
		return;
	p->out_dead[no] = 1;
	if (errno == EPIPE)
		return;		/* nobody reads: fill() starts nothing more */
	warn("cannot write to %s", no == 1 ? "standard output" :
	    "standard error");
	p->write_failed = 1;
}

/* Bytes to output no, each line started with the tag when tagging; *bol
 * says whether the next byte starts a line. */
void
pool_put_tagged(struct pool *p, struct job *j, int no, const char *s, size_t n,
    int *bol)
{
	const char *nl;
	size_t k;

	if (!p->po->tag) {
		pool_put(p, no, s, n);
		return;
	}
	while (n > 0) {
		if (*bol) {
			pool_put(p, no, j->tag, strlen(j->tag));
			pool_put(p, no, "\t", 1);
		}
		nl = memchr(s, '\n', n);
		k = nl != NULL ? (size_t)(nl - s) + 1 : n;
		pool_put(p, no, s, k);
		*bol = nl != NULL;
		s += k;
		n -= k;
	}
}

int
pool_spool_put(struct spool *sp, const char *s, size_t n)
{
	if (sp->fd == -1 && sp->len + n <= SPOOL_MEM) {
		xgrow(&sp->mem, &sp->cap, sp->len + n, 1);
		memcpy(sp->mem + sp->len, s, n);
		sp->len += n;
		return 0;
	}
	if (sp->fd == -1 && (sp->fd = fs_tmpfile(NULL)) == -1)
		return -1;
	if (fs_write_all(sp->fd, s, n) == -1)
		return -1;
	sp->flen += n;
	return 0;
}

void
pool_spool_free(struct spool *sp)
{
	free(sp->mem);
	if (sp->fd != -1)
		close(sp->fd);
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
}

static void
spool_print(struct pool *p, struct job *j, struct spool *sp, int no)
{
	ssize_t n;
	int bol = 1;

	pool_put_tagged(p, j, no, sp->mem, sp->len, &bol);
	if (sp->fd == -1)
		return;
	if (lseek(sp->fd, 0, SEEK_SET) == -1)
		goto fail;
	while ((n = read(sp->fd, p->rbuf, RBUF)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		pool_put_tagged(p, j, no, p->rbuf, (size_t)n, &bol);
	}
	return;
fail:
	warn("cannot read a job's output back");
	p->self_failed = 1;
}

/* --line-buffer: the whole lines of what came, the rest held (passed in
 * parts past LINE_PART). */
void
pool_pass_lines(struct pool *p, struct jstream *s, const char *b, size_t n)
{
	const char *nl;
	size_t k;
	int bol;

	while (n > 0) {
		bol = !s->midline;
		if ((nl = memchr(b, '\n', n)) == NULL) {
			if (s->linelen + n <= LINE_PART) {
				if (s->line == NULL)
					s->line = xmalloc(LINE_PART);
				memcpy(s->line + s->linelen, b, n);
				s->linelen += n;
				return;
			}
			k = n;
		} else
			k = (size_t)(nl - b) + 1;
		pool_put_tagged(p, s->j, s->no, s->line, s->linelen, &bol);
		pool_put_tagged(p, s->j, s->no, b, k, &bol);
		s->midline = !bol;
		s->linelen = 0;
		b += k;
		n -= k;
	}
}

void
pool_pass_rest(struct pool *p, struct jstream *s)
{
	int bol = !s->midline;

	pool_put_tagged(p, s->j, s->no, s->line, s->linelen, &bol);
	s->linelen = 0;
	s->midline = 0;
}

/* ---- records: joblog, report, progress ---- */

/* A word as a shell would need it quoted (the joblog's Command). */
static void
sb_quoted(struct sbuf *b, const char *w)
{
	const char *c;

	if (*w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%^") == strlen(w)) {
		pool_sb_add(b, w, strlen(w));
		return;
	}
	pool_sb_add(b, "'", 1);
	for (c = w; *c != '\0'; c++)
		if (*c == '\'')
			pool_sb_add(b, "'\\''", 4);
		else if (*c == '\n' || *c == '\t')
			pool_sb_add(b, " ", 1);	/* one TSV line */
		else
			pool_sb_add(b, c, 1);
	pool_sb_add(b, "'", 1);
}

static int
job_signal(const struct job *j)
{
	if (j->spawn_failed || !j->started)
		return 0;
	if (j->ch.timed_out && !WIFSIGNALED(j->ch.status))
		return j->ch.sig;
	return WIFSIGNALED(j->ch.status) ? WTERMSIG(j->ch.status) : 0;
}

/* As GNU parallel: -1 when we killed it (time limit, --halt now), the
 * exit status else (0 when a signal not ours ended it). */
static int
job_exitval(const struct job *j)
{
	if (j->spawn_failed || !j->started)
		return j->code;
	if (j->ch.timed_out || j->halted)
		return -1;
	if (WIFEXITED(j->ch.status))
		return WEXITSTATUS(j->ch.status);
	return 0;
}

void
pool_joblog(struct pool *p, struct job *j, double wall)
{
	struct sbuf b = { NULL, 0, 0 };
	char **av;

	for (av = j->argv; *av != NULL; av++) {
		if (av != j->argv)
			pool_sb_add(&b, " ", 1);
		sb_quoted(&b, *av);
	}
	if (fprintf(p->joblog, "%zu\t:\t%.3f\t%10.3f\t0\t%llu\t%d\t%d\t%s\n",
	    j->idx + 1, j->start_real, wall,
	    (unsigned long long)j->received, job_exitval(j), job_signal(j),
	    b.s != NULL ? b.s : "") < 0 || fflush(p->joblog) == EOF) {
		warn("cannot write the job log");
		p->self_failed = 1;
	}
	free(b.s);
}

void
pool_report(struct pool *p, struct job *j, double wall)
{
	const struct rusage *ru = &j->ch.ru;
	struct json js;
	int sig = job_signal(j);

	json_init(&js, p->report, 0);
	json_obj(&js, NULL);
	json_u64(&js, "seq", j->idx + 1);
	json_str(&js, "argument", j->tag);
	json_i64(&js, "exit_code", j->code);
	if (sig != 0)
		json_i64(&js, "signal", sig);
	else
		json_null(&js, "signal");
	json_bool(&js, "timed_out", j->started && j->ch.timed_out);
	json_i64(&js, "attempts", j->attempts);
	json_f64(&js, "start", j->start_real);
	json_f64(&js, "wall_seconds", wall);
	json_f64(&js, "cpu_seconds", tv_secs(ru->ru_utime) +
	    tv_secs(ru->ru_stime));
	json_u64(&js, "max_rss", (uint64_t)ru->ru_maxrss * 1024);
	json_end(&js);
	if (fflush(p->report) == EOF || ferror(p->report)) {
		warn("cannot write the report");
		p->self_failed = 1;
	}
}

void
pool_progress(struct pool *p, int last)
{
	char line[200], eta[32];
	size_t ntotal = p->total, left;
	double now = loop_now(), el = now - p->t0, rate;
	int pct, n;

	if (!p->progress || (!last && now - p->last_progress < 0.1))
		return;
	p->last_progress = now;
	rate = el > 0 ? (double)p->done / el : 0;
	left = ntotal > p->done ? ntotal - p->done : 0;
	pct = ntotal > 0 ? (int)(p->done * 100 / ntotal) : 100;
	if (rate > 0)
		out_duration(eta, sizeof(eta), (double)left / rate);
	else
		snprintf(eta, sizeof(eta), "?");
	if (p->po->bar) {
		char bar[21];
		int i, w = pct / 5;

		for (i = 0; i < 20; i++)
			bar[i] = i < w ? '#' : '.';
		bar[20] = '\0';
		n = snprintf(line, sizeof(line),
		    "\r[%s] %3d%% %zu/%zu jobs, %.1f/s, ETA %s\033[K%s", bar,
		    pct, p->done, ntotal, rate, eta, last ? "\n" : "");
	} else
		n = snprintf(line, sizeof(line),
		    "\rETA: %s left: %zu done: %zu avg: %.3fs\033[K%s", eta,
		    left, p->done, p->done > 0 ? el / (double)p->done : 0,
		    last ? "\n" : "");
	if (n > 0)
		pool_put(p, 2, line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
}

void
pool_job_print(struct pool *p, struct job *j)
{
	int i;

	for (i = 0; i < 2; i++)
		spool_print(p, j, &j->s[i].sp, j->s[i].no);
	for (i = 0; i < 2; i++)
		pool_spool_free(&j->s[i].sp);
}

/* --keep-order: the jobs in the order they started, which is the input's. */
void
pool_order_add(struct pool *p, struct job *j)
{
	if (p->otail != NULL)
		p->otail->onext = j;
	else
		p->ohead = j;
	p->otail = j;
}

/* --keep-order: print the jobs that are next in order and have ended
 * (all, at the end: every one that has ended). */
void
pool_print_held(struct pool *p, int all)
{
	struct job *j, **pp = &p->ohead;

	while ((j = *pp) != NULL) {
		if (!j->ended) {
			if (!all)
				break;
			pp = &j->onext;
			continue;
		}
		pool_job_print(p, j);
		*pp = j->onext;
		j->next = p->grave;
		p->grave = j;
	}
	if (p->ohead == NULL)
		p->otail = NULL;
	else if (all)
		for (p->otail = p->ohead; p->otail->onext != NULL;
		    p->otail = p->otail->onext)
			;
}

/* --resume(-failed): the seqs the job log has as done (or succeeded). */
static int
read_joblog(struct pool *p, const char *path, int *has_lines)
{
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "re")) == NULL)
		return errno == ENOENT ? 0 : -1;
	rc = pool_joblog_read(fp, p->po->resume == 2, &p->skip, &p->nskip,
	    has_lines);
	fclose(fp);
	return rc;
}

int
pool_open_records(struct pool *p)
{
	const struct pool_opts *po = p->po;
	char v[200];
	int header = 0, fd;

	if (po->joblog != NULL) {
		if (po->resume && read_joblog(p, po->joblog, &header) == -1) {
			warn("cannot read %s", run_vis(v, sizeof(v), po->joblog));
			return -1;
		}
		fd = open(po->joblog, O_WRONLY | O_CREAT | O_CLOEXEC |
		    (po->resume ? O_APPEND : O_TRUNC), 0666);
		if (fd == -1 || (p->joblog = fdopen(fd, "a")) == NULL) {
			warn("cannot open %s", run_vis(v, sizeof(v),
			    po->joblog));
			if (fd != -1)
				close(fd);
			return -1;
		}
		if (!header && fputs("Seq\tHost\tStarttime\tJobRuntime\tSend"
		    "\tReceive\tExitval\tSignal\tCommand\n", p->joblog) == EOF)
			return -1;
	}
	if (p->o->report != NULL) {
		if (strcmp(p->o->report, "-") == 0)
			p->report = stderr;
		else if ((fd = open(p->o->report, O_WRONLY | O_CREAT |
		    O_TRUNC | O_CLOEXEC, 0666)) == -1 ||
		    (p->report = fdopen(fd, "w")) == NULL) {
			warn("cannot open %s", run_vis(v, sizeof(v),
			    p->o->report));
			if (fd != -1)
				close(fd);
			return -1;
		}
	}
	return 0;
}

