/*
 * run: the outputs.  Where the command's bytes go (our stdout and stderr,
 * the --stdout, --stderr and --tee files), the capture, the two streams
 * read through the loop with their tags, and the --input writer.
 */
#include "run.h"

static void	stream_close(struct run *, struct stream *);

/* ---- output destinations ---- */

void
run_dest_init(struct dest *d, int fd, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->name = name;
	io_buf_init_growable(&d->q, SIZE_MAX);
}

/* A pipe we write to while the command runs: a non-blocking description
 * of our own (O_NONBLOCK on the inherited one would change it for every
 * process that shares it). */
void
run_dest_nonblock(struct dest *d)
{
	struct stat st;
	char path[64];
	int fd;

	if (fstat(d->fd, &st) == -1 || !S_ISFIFO(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->fd);
	if ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return;	/* then blocking writes */
	if (d->own)
		close(d->fd);
	d->fd = fd;
	d->own = 1;
	d->nb = 1;
}

/* A write failed: EPIPE quietly (the command gets SIGPIPE next), any
 * other error with a message and exit status 1, as tee(1) does. */
static void
dest_fail(struct run *r, struct dest *d)
{
	char v[512];
	int e = errno;

	if (e == EPIPE)
		d->epipe = 1;
	else {
		warnx("write error: %s: %s", run_vis(v, sizeof(v), d->name),
		    strerror(e));
		r->write_failed = 1;
	}
	d->dead = 1;
	d->q.len = d->q.off = 0;
}

/* Write it all, waiting when the descriptor is non-blocking. */
static void
streams_pause(struct run *r, int pause)
{
	struct stream *s[2] = { &r->out, &r->err };
	int i;

	for (i = 0; i < 2; i++)
		if (s[i]->fd != -1 && s[i]->paused != pause) {
			loop_fd_events(r->loop, s[i]->fd, pause ? 0 : EPOLLIN);
			s[i]->paused = pause;
		}
}

/* The queues of the dests on fd (two when --stdout and --stderr name
 * one pipe) are written as it takes them. */
static void
on_dest(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct run *r = arg;
	struct dest *ds[3] = { &r->d_out, &r->d_err, &r->d_tee };
	struct dest *d;
	ssize_t n;
	int i, busy = 0, pending = 0;

	for (i = 0; i < 3; i++) {
		d = ds[i];
		if (!d->nb || d->fd != fd || d->q.len == 0)
			continue;
		n = io_buf_write(&d->q, d->fd);
		if (n == -1 && errno != EAGAIN)
			dest_fail(r, d);
		pending |= d->q.len > 0;
	}
	if (!pending) {
		loop_fd_del(l, fd);
		for (i = 0; i < 3; i++)
			if (ds[i]->fd == fd)
				ds[i]->watched = 0;
	}
	for (i = 0; i < 3; i++)
		if (ds[i]->q.len > QUEUE_HIGH / 4)
			busy = 1;
	if (!busy)
		streams_pause(r, 0);
	run_maybe_done(r);
}

static void
dest_write(struct run *r, struct dest *d, const char *p, size_t n)
{
	ssize_t w;

	if (d->dead || n == 0)
		return;
	if (!d->nb) {
		if (fs_write_all(d->fd, p, n) == -1)
			dest_fail(r, d);
		return;
	}
	if (d->q.len == 0) {
		do
			w = write(d->fd, p, n);
		while (w == -1 && errno == EINTR);
		if (w == -1 && errno != EAGAIN) {
			dest_fail(r, d);
			return;
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
		if (n == 0)
			return;
	}
	if (io_buf_put(&d->q, p, n) == -1) {
		dest_fail(r, d);
		return;
	}
	if (!d->watched) {
		struct dest *ds[3] = { &r->d_out, &r->d_err, &r->d_tee };
		int i;

		/* one watch per fd: stdout and stderr may be one pipe */
		if (loop_fd(r->loop, d->fd, EPOLLOUT, on_dest, r) == -1) {
			dest_fail(r, d);
			return;
		}
		for (i = 0; i < 3; i++)
			if (ds[i]->fd == d->fd)
				ds[i]->watched = 1;
	}
	if (d->q.len > QUEUE_HIGH)
		streams_pause(r, 1);
}

/* ---- the capture ---- */

static void
capture_rec(struct capture *c, int no, uint64_t n)
{
	struct crec *nr;
	size_t ncap;

	if (c->nrec > 0 && c->rec[c->nrec - 1].no == no) {
		c->rec[c->nrec - 1].len += n;
		return;
	}
	if (c->nrec == c->reccap) {
		ncap = c->reccap ? c->reccap * 2 : 64;
		if ((nr = realloc(c->rec, ncap * sizeof(*nr))) == NULL) {
			/* keep the offsets right, if not the stream */
			if (c->nrec > 0)
				c->rec[c->nrec - 1].len += n;
			return;
		}
		c->rec = nr;
		c->reccap = ncap;
	}
	c->rec[c->nrec].no = no;
	c->rec[c->nrec].len = n;
	c->nrec++;
}

/* Room for want more bytes in memory (within the limit): how many. */
static size_t
capture_room(struct capture *c, size_t want)
{
	size_t room = c->limit - c->len, ncap;
	char *nm;

	if (want > room)
		want = room;
	if (c->cap - c->len >= want)
		return want;
	ncap = c->cap ? c->cap : 65536;
	while (ncap - c->len < want)
		ncap *= 2;
	if (ncap > c->limit)
		ncap = c->limit;
	if ((nm = realloc(c->mem, ncap)) == NULL)
		return c->cap - c->len;
	c->mem = nm;
	c->cap = ncap;
	return want;
}

static int
spill_open(struct capture *c)
{
	if (c->fd != -1)
		return 0;
	if ((c->fd = fs_tmpfile(NULL)) == -1) {
		c->err = errno;
		return -1;
	}
	return 0;
}

static void
capture_add(struct capture *c, int no, const char *p, size_t n)
{
	size_t take;

	take = capture_room(c, n);
	if (take > 0) {
		memcpy(c->mem + c->len, p, take);
		c->len += take;
		capture_rec(c, no, take);
		p += take;
		n -= take;
	}
	if (n == 0)
		return;
	if (spill_open(c) == -1 || fs_write_all(c->fd, p, n) == -1) {
		if (c->err == 0)
			c->err = errno;
		c->lost += n;
		return;
	}
	c->flen += n;
	capture_rec(c, no, n);
}

/* Read from a stream straight into the capture's memory, or through the
 * read buffer into its temp file.  (splice(2) into the file measured
 * slower than read and write here: the command's writes are small, and
 * so is each splice.)  Returns as read(2). */
static ssize_t
capture_read(struct run *r, int no, int fd)
{
	struct capture *c = &r->cap;
	size_t room;
	ssize_t n;

	room = capture_room(c, CHUNK);
	if (room > 0) {
		do
			n = read(fd, c->mem + c->len, room);
		while (n == -1 && errno == EINTR);
		if (n > 0) {
			c->len += (size_t)n;
			capture_rec(c, no, (uint64_t)n);
		}
		return n;
	}
	do
		n = read(fd, r->rbuf, CHUNK);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		capture_add(c, no, r->rbuf, (size_t)n);
	return n;
}

void
run_capture_reset(struct capture *c)
{
	c->len = 0;
	c->nrec = 0;
	c->lost = 0;
	c->err = 0;
	if (c->fd != -1 && c->flen > 0) {
		if (ftruncate(c->fd, 0) == -1 ||
		    lseek(c->fd, 0, SEEK_SET) == -1) {
			close(c->fd);
			c->fd = -1;
		}
	}
	c->flen = 0;
}

/* Print what was held, each record to its stream, in the order read. */
void
run_capture_replay(struct run *r)
{
	struct capture *c = &r->cap;
	uint64_t pos = 0, left, n;
	struct dest *d;
	ssize_t got;
	size_t i;

	for (i = 0; i < c->nrec; i++) {
		d = c->rec[i].no == 2 ? &r->d_err : &r->d_out;
		for (left = c->rec[i].len; left > 0; left -= n, pos += n) {
			if (pos < c->len) {
				n = c->len - pos < left ? c->len - pos : left;
				dest_write(r, d, c->mem + pos, (size_t)n);
				continue;
			}
			n = left < CHUNK ? left : CHUNK;
			got = pread(c->fd, r->rbuf, (size_t)n,
			    (off_t)(pos - c->len));
			if (got <= 0) {
				warn("reading the held output back");
				return;
			}
			n = (uint64_t)got;
			dest_write(r, d, r->rbuf, (size_t)n);
		}
	}
	if (c->lost > 0)
		warnx("%llu bytes of output were lost: %s",
		    (unsigned long long)c->lost, strerror(c->err));
}

/* ---- the streams ---- */

/*
 * Copy the few bytes of a tag or a short line.  At -Os (the static build)
 * gcc turns memcpy of a length it does not know into rep movsb, and musl's
 * memcpy is rep movsq: either's start-up costs more than the copy of a
 * 30-byte tag, and with two copies per line that was most of the static
 * build's extra CPU in --timestamps.  Up to 64 bytes: words, the last one
 * overlapping; memcpy beyond.
 */
static void
copy_short(char *d, const char *s, size_t n)
{
	uint64_t w;
	uint32_t h, t;

	if (n > 64) {
		memcpy(d, s, n);
		return;
	}
	if (n >= 8) {
		for (; n > 8; n -= 8, d += 8, s += 8) {
			memcpy(&w, s, 8);
			memcpy(d, &w, 8);
		}
		memcpy(&w, s + n - 8, 8);
		memcpy(d + n - 8, &w, 8);
		return;
	}
	if (n >= 4) {
		memcpy(&h, s, 4);
		memcpy(&t, s + n - 4, 4);
		memcpy(d, &h, 4);
		memcpy(d + n - 4, &t, 4);
		return;
	}
	if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* The first newline of p[0..n): the bytes of a short line one by one,
 * memchr for the rest (musl's memchr aligns byte by byte first). */
static const char *
find_nl(const char *p, size_t n)
{
	size_t i, m = n < 16 ? n : 16;

	for (i = 0; i < m; i++)
		if (p[i] == '\n')
			return p + i;
	return n > m ? memchr(p + m, '\n', n - m) : NULL;
}

/*
 * The time part of a tag, formatted once per distinct time: the lines of
 * one read share their time (the moment it was read), and an ISO time's
 * date and clock change once a second, so only the microseconds are
 * written per line.  (musl's strftime and printf of a double cost about
 * a microsecond each: per line that made the static build's
 * --timestamps about 4x the glibc build's CPU.)
 */
static struct {
	int		 mode;		/* the TS_ of buf, or 0 */
	struct timespec	 real;
	double		 mono;
	char		 buf[64];
	size_t		 len;
	time_t		 sec;		/* the second of date, or -1 */
	char		 date[32];	/* "2006-01-02T15:04:05" */
	size_t		 dlen;
} tsc = { .sec = -1 };

static size_t
format_iso(const struct timespec *t, char *buf, size_t len)
{
	struct tm tm;
	long us = t->tv_nsec / 1000;
	size_t n;
	int i;

	if (t->tv_sec != tsc.sec) {
		tsc.sec = -1;
		if (gmtime_r(&t->tv_sec, &tm) == NULL ||
		    (tsc.dlen = strftime(tsc.date, sizeof(tsc.date),
		    "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
			return 0;
		tsc.sec = t->tv_sec;
	}
	n = tsc.dlen;
	if (n + 10 > len)
		return 0;
	memcpy(buf, tsc.date, n);
	buf[n] = '.';
	for (i = 6; i > 0; i--, us /= 10)	/* ".%06ldZ " */
		buf[n + (size_t)i] = (char)('0' + us % 10);
	memcpy(buf + n + 7, "Z ", 2);
	return n + 9;
}

static size_t
format_time(struct run *r, struct stream *s)
{
	int w;

	if (tsc.mode == r->o->ts && (r->o->ts == TS_ISO ?
	    tsc.real.tv_sec == s->line_real.tv_sec &&
	    tsc.real.tv_nsec == s->line_real.tv_nsec :
	    tsc.mono == s->line_mono - r->t0))
		return tsc.len;
	tsc.mode = 0;
	if (r->o->ts == TS_ISO) {
		tsc.real = s->line_real;
		tsc.len = format_iso(&s->line_real, tsc.buf, sizeof(tsc.buf));
	} else {
		tsc.mono = s->line_mono - r->t0;
		w = snprintf(tsc.buf, sizeof(tsc.buf), "%.6f ", tsc.mono);
		tsc.len = w > 0 && (size_t)w < sizeof(tsc.buf) ? (size_t)w : 0;
	}
	tsc.mode = r->o->ts;
	return tsc.len;
}

static size_t
format_tag(struct run *r, struct stream *s, char *buf, size_t len)
{
	size_t n = 0;

	if (r->o->ts == TS_ISO || r->o->ts == TS_REL) {
		n = format_time(r, s);
		if (n > len)
			n = 0;
		copy_short(buf, tsc.buf, n);
	}
	if (r->o->prefix && n + 7 < len) {
		memcpy(buf + n, s->no == 2 ? "[err] " : "[out] ", 6);
		n += 6;
	}
	return n;
}

/* The time of the lines that start in this read: only the clock the tag
 * shows, read once per read. */
static void
line_time(struct run *r, struct stream *s, int *have, double *mono,
    struct timespec *real)
{
	if (!*have) {
		if (r->o->ts == TS_REL)
			*mono = loop_now();
		else if (r->o->ts == TS_ISO)
			clock_gettime(CLOCK_REALTIME, real);
		*have = 1;
	}
	s->line_mono = *mono;
	s->line_real = *real;
}

static void
emit(struct run *r, int no, const char *p, size_t n)
{
	if (r->o->capture)
		capture_add(&r->cap, no, p, n);
	else
		dest_write(r, no == 2 ? &r->d_err : &r->d_out, p, n);
	if (r->o->tee_file != NULL)
		dest_write(r, &r->d_tee, p, n);
}

/* Room for n more bytes after len in the tagged-lines buffer. */
static int
tbuf_reserve(struct run *r, size_t len, size_t n)
{
	size_t ncap;
	char *nb;

	if (len + n <= r->tcap)
		return 0;
	ncap = r->tcap ? r->tcap : 65536;
	while (ncap < len + n)
		ncap *= 2;
	if ((nb = realloc(r->tbuf, ncap)) == NULL)
		return -1;
	r->tbuf = nb;
	r->tcap = ncap;
	return 0;
}

/*
 * Tag the complete lines (and the partial line, when flushing).  The lines
 * of one read share their time, so the tag is formatted again only when
 * the time changes: for the first line (whose time may be an earlier
 * read's) and the next.
 */
static void
tag_lines(struct run *r, struct stream *s, const char *p, size_t n,
    int flush)
{
	char tag[96];
	size_t out = 0, tl = 0, k;
	const char *nl;
	struct timespec real = { 0, 0 };
	double mono = 0;
	int have = 0, tag_ok = 0;

	while (n > 0 || (flush && s->linelen > 0)) {
		if (s->linelen == 0) {
			if (!have)
				tag_ok = 0;	/* this read's time */
			line_time(r, s, &have, &mono, &real);
		}
		nl = n > 0 ? find_nl(p, n) : NULL;
		k = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (nl == NULL && !flush && s->linelen + k < LINE_MAX_TAG) {
			memcpy(s->line + s->linelen, p, k);
			s->linelen += k;
			break;
		}
		if (nl == NULL && s->linelen + k > LINE_MAX_TAG)
			k = LINE_MAX_TAG - s->linelen;	/* a part */
		if (!tag_ok) {
			tl = format_tag(r, s, tag, sizeof(tag));
			tag_ok = 1;
		}
		if (tbuf_reserve(r, out, tl + s->linelen + k) == -1)
			break;
		/* one tag per line: the parts of a long one follow its first */
		if (!s->cont) {
			copy_short(r->tbuf + out, tag, tl);
			out += tl;
		}
		if (s->linelen > 0) {
			memcpy(r->tbuf + out, s->line, s->linelen);
			out += s->linelen;
		}
		copy_short(r->tbuf + out, p, k);
		out += k;
		s->linelen = 0;
		s->cont = nl == NULL;
		p += k;
		n -= k;
	}
	if (out > 0)
		emit(r, s->no, r->tbuf, out);
}

static void
stream_data(struct run *r, struct stream *s, const char *p, size_t n)
{
	if (r->tagging)
		tag_lines(r, s, p, n, 0);
	else
		emit(r, s->no, p, n);
}

/* Whether anything still wants a stream's bytes. */
static int
stream_wanted(struct run *r, struct stream *s)
{
	if (r->o->capture)
		return 1;
	if (s->dest->epipe)
		return 0;	/* a closed reader: SIGPIPE, as tee gets */
	if (r->o->tee_file != NULL && !r->d_tee.dead)
		return 1;
	return !s->dest->dead;
}

static ssize_t
stream_read(struct run *r, struct stream *s)
{
	ssize_t n;

	if (r->o->capture && !r->tagging && r->o->tee_file == NULL)
		return capture_read(r, s->no, s->fd);
	do
		n = read(s->fd, r->rbuf, CHUNK);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		stream_data(r, s, r->rbuf, (size_t)n);
	return n;
}

void
run_on_stream(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct stream *s = arg;
	struct run *r = s->r;
	ssize_t n;
	int i;

	/*
	 * A read that fills the chunk leaves more in the pipe, most likely:
	 * read on, up to DRAIN chunks, instead of an epoll_wait per chunk
	 * (one per 64 KiB was 16384 for a 1 GiB capture).  The bound keeps
	 * the other stream and the timers served.
	 */
	for (i = 0; i < DRAIN; i++) {
		n = stream_read(r, s);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			stream_close(r, s);
			return;
		}
		/* nobody reads what it writes: close, so it gets SIGPIPE */
		if (!stream_wanted(r, s)) {
			stream_close(r, s);
			return;
		}
		if (n != CHUNK || s->paused)
			return;
	}
}

static void
stream_close(struct run *r, struct stream *s)
{
	if (s->fd == -1)
		return;
	if (r->tagging && s->linelen > 0)
		tag_lines(r, s, NULL, 0, 1);
	s->cont = 0;
	loop_fd_del(r->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	s->paused = 0;
	run_maybe_done(r);
}

/* The tree is gone, or left alone: read what is there, then stop
 * (a writer outside the tree must not keep us). */
void
run_streams_drain(struct run *r)
{
	struct stream *s[2] = { &r->out, &r->err };
	size_t total;
	ssize_t n;
	int i;

	for (i = 0; i < 2; i++) {
		if (s[i]->fd == -1)
			continue;
		io_nonblock(s[i]->fd);
		for (total = 0; total < DRAIN_MAX; total += (size_t)n)
			if ((n = stream_read(r, s[i])) <= 0)
				break;
		stream_close(r, s[i]);
	}
}

void
run_on_input(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct run *r = arg;
	size_t len = strlen(r->o->input);
	ssize_t n;

	do
		n = write(fd, r->o->input + r->in_off, len - r->in_off);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		r->in_off += (size_t)n;
	if (r->in_off == len || (n == -1 && errno != EAGAIN)) {
		loop_fd_del(l, fd);
		close(fd);
		r->in_fd = -1;
		run_maybe_done(r);
	}
}

void
run_input_close(struct run *r)
{
	if (r->in_fd == -1)
		return;
	loop_fd_del(r->loop, r->in_fd);
	close(r->in_fd);
	r->in_fd = -1;
}
