/*
 * copy: the bytes of one relay.  A flow takes a source to its sinks by
 * the cheapest way the kernel allows:
 *
 *	M_DIRECT	splice(2) source -> sink, when either is a pipe
 *	M_COPY		copy_file_range(2), file -> file
 *	M_SENDFILE	sendfile(2), file -> socket or device
 *	M_HUB		splice source -> an internal pipe (the hub) -> sink,
 *			for socket -> socket and the like; with several
 *			sinks, tee(2) from the hub into a pipe per sink
 *	M_RW		read(2) and write(2) through a 256 KiB buffer, where
 *			the kernel refuses the others (EINVAL: O_APPEND,
 *			some devices and file systems)
 *
 * The relay does all it can until every descriptor it needs says EAGAIN,
 * then watches those in the loop: epoll tells when to try again.  With
 * several sinks a new chunk is teed only when every sink's pipe has
 * taken all but the chunk before it, so the slowest sink paces the
 * source and memory stays bounded (the pipes are the only buffers).
 */
#include "pipe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

enum { K_PIPE, K_FILE, K_SOCK, K_OTHER };
enum { M_DIRECT, M_COPY, M_SENDFILE, M_HUB, M_RW };
enum { SM_SPLICE, SM_RW };

#define RW_BUF		(256 * 1024)
#define STEP_OPS	16	/* operations per flow before the loop looks */

static int
fd_kind(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return K_OTHER;
	if (S_ISFIFO(st.st_mode))
		return K_PIPE;
	if (S_ISREG(st.st_mode))
		return K_FILE;
	if (S_ISSOCK(st.st_mode))
		return K_SOCK;
	return K_OTHER;
}

/* ---- readiness ----
 *
 * Each descriptor is watched once, edge-triggered, for both directions,
 * from the relay's start to its end: no epoll_ctl per EAGAIN.  A flag
 * says "ready as far as we know"; an EAGAIN clears it and the next edge
 * (new data, new room, a hang-up) sets it again.  An edge that comes
 * while the flag is still set costs a wasted try at most.
 */

#define EV_RD	(EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)
#define EV_WR	(EPOLLOUT | EPOLLHUP | EPOLLERR)

static void
on_fd(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct fdw *w = arg;

	if (ev & EV_RD)
		w->rd = 1;
	if (ev & EV_WR)
		w->wr = 1;
}

/* The watch of fd, shared by the flows; NULL for what epoll cannot
 * watch (a regular file, some devices): always ready. */
static struct fdw *
fdw_get(struct relay *r, int fd)
{
	struct fdw *w;
	size_t i;

	for (i = 0; i < r->nw; i++)
		if (r->w[i].fd == fd)
			return &r->w[i];
	if (r->nw == nitems(r->w))
		return NULL;
	w = &r->w[r->nw];
	memset(w, 0, sizeof(*w));
	if (loop_fd(r->loop, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
	    on_fd, w) == -1)
		return NULL;
	r->nw++;
	w->fd = fd;
	w->watched = 1;
	w->rd = w->wr = 1;
	return w;
}

static int
rd_ok(const struct fdw *w)
{
	return w == NULL || w->rd;
}

static int
wr_ok(const struct fdw *w)
{
	return w == NULL || w->wr;
}

static void
wait_rd(struct fdw *w)
{
	if (w != NULL)
		w->rd = 0;
}

static void
wait_wr(struct fdw *w)
{
	if (w != NULL)
		w->wr = 0;
}

static void
fdw_drop(struct relay *r, struct fdw *w)
{
	if (w == NULL || w->fd == -1)
		return;
	if (w->watched)
		loop_fd_del(r->loop, w->fd);
	w->watched = 0;
	w->fd = -1;
}

/* ---- failures ---- */

static void
fail(struct relay *r, const char *what, const char *name, int e)
{
	if (r->code == 0) {
		snprintf(r->why, sizeof(r->why), "%s %s: %s", what, name,
		    strerror(e));
		r->code = EXIT_NO;
	}
	r->done = 1;
}

static void
sink_close(struct relay *r, struct sink *s)
{
	struct conn *c = s->c;

	if (s->p[0] != -1) {
		close(s->p[0]);
		close(s->p[1]);
		s->p[0] = s->p[1] = -1;
	}
	if (c->shared)
		return;
	if (c->sock) {
		shutdown(s->fd, SHUT_WR);
		return;
	}
	/* a pipe to a command or a FIFO: closing is its EOF */
	if (c->own && c->wfd != -1 && c->wfd != c->rfd) {
		fdw_drop(r, s->w);
		close(c->wfd);
		c->wfd = -1;
	}
}

static void
sink_error(struct flow *f, struct sink *s, int e)
{
	struct relay *r = f->r;

	if (!r->o->drop) {
		fail(r, "cannot write to", s->c->name, e);
		/* a reader of our stdout that has had enough: no message */
		if (e == EPIPE && s->c->ep->kind == EP_STDIO)
			r->why[0] = '\0';
		return;
	}
	warnx("dropped %s: %s", s->c->name, strerror(e));
	r->dropped = 1;
	s->state = SK_DROPPED;
	s->queued = 0;
	io_buf_free(&s->buf);
	sink_close(r, s);
}

static void
src_error(struct flow *f, int e)
{
	fail(f->r, "cannot read", f->src->name, e);
}

/* ---- pacing: -c and -L ---- */

static void
on_throttle(struct loop *l, int id, void *arg)
{
	struct relay *r = arg;

	r->throttle_timer = 0;
}

/* How much of want the source may give now (0: stop for now, or for
 * good when the count is reached). */
static size_t
allow(struct flow *f, size_t want)
{
	struct relay *r = f->r;
	double now, burst, need;

	if (r->o->count > 0) {
		if (f->bytes >= r->o->count) {
			f->eof = f->counted = 1;
			return 0;
		}
		if (want > r->o->count - f->bytes)
			want = (size_t)(r->o->count - f->bytes);
	}
	if (r->o->rate <= 0)
		return want;
	if (r->throttle_timer)
		return 0;
	now = loop_now();
	burst = r->o->rate / 20;
	if (burst < 1)
		burst = 1;
	r->tokens += (now - r->tok_at) * r->o->rate;
	r->tok_at = now;
	if (r->tokens > burst)
		r->tokens = burst;
	need = (double)want < burst / 4 ? (double)want : burst / 4;
	if (need < 1)
		need = 1;
	if (r->tokens < need) {
		r->throttle_timer = loop_timer(r->loop,
		    (need - r->tokens) / r->o->rate, 0, on_throttle, r);
		return 0;
	}
	if ((double)want > r->tokens)
		want = (size_t)r->tokens;
	return want;
}

static void
took(struct flow *f, size_t n)
{
	f->bytes += n;
	if (f->r->o->rate > 0)
		f->r->tokens -= (double)n;
	f->r->last = loop_now();
}

/* ---- one sink, straight from the source ---- */

/* After EAGAIN from an operation on two outside descriptors: which one
 * is not ready (its flag cleared: its next edge wakes us); 1 when poll
 * finds both ready now (try again). */
static int
which_blocked(struct flow *f, struct sink *s)
{
	struct pollfd p[2];

	if (f->w == NULL) {
		wait_wr(s->w);
		return 0;
	}
	if (s->w == NULL) {
		wait_rd(f->w);
		return 0;
	}
	p[0].fd = f->in;
	p[0].events = POLLIN;
	p[1].fd = s->fd;
	p[1].events = POLLOUT;
	p[0].revents = p[1].revents = 0;
	if (poll(p, 2, 0) == -1)
		return 1;
	if (p[0].revents == 0)
		wait_rd(f->w);
	if (p[1].revents == 0)
		wait_wr(s->w);
	/* both ready by now: one changed since the splice (its edge may
	 * be spent already), so waiting for an edge could wait forever:
	 * the caller tries again */
	return p[0].revents != 0 && p[1].revents != 0;
}

static int
direct_failed(struct flow *f, struct sink *s, int e)
{
	if (e == EAGAIN)
		return which_blocked(f, s);
	/* EBADF: copy_file_range and sendfile to an O_APPEND file */
	if (e == EINVAL || e == ENOSYS || e == EXDEV || e == EOPNOTSUPP ||
	    e == ENOTSUP || (e == EBADF && f->mode != M_DIRECT)) {
		f->mode = f->mode == M_COPY ? M_SENDFILE : M_RW;
		return 1;
	}
	/* a pipe's read side cannot fail: it is the other one */
	if (f->kind == K_PIPE || e == EPIPE || e == ENOSPC ||
	    e == EDQUOT || e == EFBIG ||
	    (e == ECONNRESET && f->kind != K_SOCK))
		sink_error(f, s, e);
	else
		src_error(f, e);
	return 0;
}

static int
direct(struct flow *f)
{
	struct sink *s = &f->sk[0];
	size_t want;
	ssize_t n;

	if (f->eof || s->state != SK_OK || !rd_ok(f->w) || !wr_ok(s->w))
		return 0;
	if ((want = allow(f, IO_CHUNK)) == 0)
		return 0;
	if (f->mode == M_DIRECT)
		n = io_splice(f->in, s->fd, want);
	else if (f->mode == M_COPY)
		n = io_copy_range(f->in, s->fd, want);
	else
		n = io_sendfile(f->in, s->fd, want);
	if (n > 0) {
		took(f, (size_t)n);
		s->bytes += (uint64_t)n;
		return 1;
	}
	if (n == 0) {
		/* /proc and friends say 0 to the file calls: read them */
		if (f->mode != M_DIRECT && f->bytes == 0) {
			f->mode = M_RW;
			return 1;
		}
		f->eof = 1;
		return 1;
	}
	return direct_failed(f, s, errno);
}

static int
rw(struct flow *f)
{
	struct sink *s = &f->sk[0];
	size_t want;
	ssize_t n;
	int moved = 0;

	if (s->buf.data == NULL && io_buf_init(&s->buf, RW_BUF) == -1)
		xnomem();
	if (!f->eof && io_buf_room(&s->buf) > 0 && rd_ok(f->w) &&
	    (want = allow(f, io_buf_room(&s->buf))) > 0) {
		n = io_buf_readn(&s->buf, f->in, want);
		if (n > 0) {
			took(f, (size_t)n);
			moved = 1;
		} else if (n == 0) {
			f->eof = 1;
			moved = 1;
		} else if (errno == EAGAIN)
			wait_rd(f->w);
		else {
			src_error(f, errno);
			return 0;
		}
	}
	if (s->buf.len > 0 && wr_ok(s->w) && s->state == SK_OK) {
		n = io_buf_write(&s->buf, s->fd);
		if (n > 0) {
			s->bytes += (uint64_t)n;
			moved = 1;
		} else if (n == -1 && errno == EAGAIN)
			wait_wr(s->w);
		else if (n == -1)
			sink_error(f, s, errno);
	}
	return moved;
}

/* ---- through the hub ---- */

static int
hub_ext(const struct flow *f)
{
	return f->hub[0] == f->in;
}

/* Source -> hub. */
static int
fill(struct flow *f)
{
	struct pollfd p;
	size_t want;
	ssize_t n;

	if (hub_ext(f) || f->eof || f->hub_full || !rd_ok(f->w) ||
	    f->hubq >= f->hubsz)
		return 0;
	if ((want = allow(f, f->hubsz - (size_t)f->hubq)) == 0)
		return 0;
	if (f->buf.data == NULL) {
		n = io_splice(f->in, f->hub[1], want);
		if (n == -1 && errno == EINVAL) {
			if (io_buf_init(&f->buf, RW_BUF) == -1)
				xnomem();
			return 1;
		}
	} else {
		/* read(2) what splice could not take, write(2) to the hub */
		n = 0;
		if (f->buf.len == 0) {
			n = io_buf_readn(&f->buf, f->in, want);
			if (n <= 0)
				goto out;
			took(f, (size_t)n);
		}
		n = io_buf_write(&f->buf, f->hub[1]);
		if (n == -1 && errno == EAGAIN) {
			f->hub_full = 1;
			return 0;
		}
		if (n > 0) {
			f->hubq += (uint64_t)n;
			if (f->nsk == 1)
				f->sk[0].queued += (uint64_t)n;
		}
		return 1;
	}
out:
	if (n > 0) {
		if (f->buf.data == NULL)
			took(f, (size_t)n);
		f->hubq += (uint64_t)n;
		if (f->nsk == 1)
			f->sk[0].queued += (uint64_t)n;
		return 1;
	}
	if (n == 0) {
		f->eof = 1;
		return 1;
	}
	if (errno != EAGAIN) {
		src_error(f, errno);
		return 0;
	}
	if (f->w == NULL) {
		f->hub_full = 1;
		return 0;
	}
	/* the source is empty, or the hub is full */
	p.fd = f->in;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, 0) == 1 && f->hubq > 0)
		f->hub_full = 1;
	else
		wait_rd(f->w);
	return 0;
}

/* Move exactly n bytes from the hub into a sink's pipe. */
static int
move_exact(int from, int to, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = io_splice(from, to, n);
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		n -= (size_t)k;
	}
	return 0;
}

/* Hub -> every sink's pipe: tee to all but the last, move to the last. */
static int
fan(struct flow *f)
{
	struct sink *s, *first = NULL, *mover = NULL;
	size_t i, cap;
	ssize_t n;

	for (i = 0; i < f->nsk; i++) {
		s = &f->sk[i];
		if (s->state != SK_OK)
			continue;
		if (s->queued > s->last_tee)
			return 0;	/* still behind: it paces us */
		if (first == NULL)
			first = s;
		mover = s;
	}
	if (mover == NULL)
		return 0;
	if (hub_ext(f)) {
		if (f->eof || !rd_ok(f->w) ||
		    (cap = allow(f, f->hubsz)) == 0)
			return 0;
	} else if ((cap = (size_t)f->hubq) == 0)
		return 0;
	if (first == mover)
		n = io_splice(f->hub[0], mover->p[1], cap);
	else
		n = io_tee(f->hub[0], first->p[1], cap);
	if (n == 0 && hub_ext(f)) {
		f->eof = 1;
		return 1;
	}
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN && hub_ext(f))
			wait_rd(f->w);
		else if (n == -1 && errno != EAGAIN)
			src_error(f, errno);
		return 0;
	}
	for (i = 0; i < f->nsk; i++) {
		s = &f->sk[i];
		if (s->state != SK_OK || s == first || s == mover)
			continue;
		if (io_tee(f->hub[0], s->p[1], (size_t)n) != n) {
			fail(f->r, "cannot copy to", s->c->name, EIO);
			return 0;
		}
	}
	if (first != mover && move_exact(f->hub[0], mover->p[1],
	    (size_t)n) == -1) {
		fail(f->r, "cannot copy to", mover->c->name, errno);
		return 0;
	}
	for (i = 0; i < f->nsk; i++) {
		s = &f->sk[i];
		if (s->state != SK_OK)
			continue;
		s->queued += (uint64_t)n;
		s->last_tee = (uint64_t)n;
	}
	if (hub_ext(f))
		took(f, (size_t)n);
	else {
		f->hubq -= (uint64_t)n;
		f->hub_full = 0;
	}
	return 1;
}

/* A sink's pipe (or the hub) -> the sink. */
static int
drain(struct flow *f, struct sink *s)
{
	int from = f->nsk == 1 ? f->hub[0] : s->p[0];
	ssize_t n;
	int moved = 0;

	if (s->state != SK_OK)
		return 0;
	if (s->mode == SM_RW) {
		if (s->buf.data == NULL && io_buf_init(&s->buf, RW_BUF) == -1)
			xnomem();
		if (s->buf.len == 0 && s->queued > 0) {
			n = io_buf_readn(&s->buf, from, (size_t)s->queued);
			if (n > 0) {
				s->queued -= (uint64_t)n;
				if (f->nsk == 1) {
					f->hubq -= (uint64_t)n;
					f->hub_full = 0;
				}
				moved = 1;
			}
		}
		if (s->buf.len == 0 || !wr_ok(s->w))
			return moved;
		n = io_buf_write(&s->buf, s->fd);
	} else {
		if (s->queued == 0 || !wr_ok(s->w))
			return 0;
		n = io_splice(from, s->fd, (size_t)s->queued);
		if (n > 0) {
			s->queued -= (uint64_t)n;
			if (f->nsk == 1) {
				f->hubq -= (uint64_t)n;
				f->hub_full = 0;
			}
		}
	}
	if (n > 0) {
		s->bytes += (uint64_t)n;
		return 1;
	}
	if (n == -1 && errno == EAGAIN)
		wait_wr(s->w);
	else if (n == -1 && s->mode == SM_SPLICE && errno == EINVAL) {
		s->mode = SM_RW;
		return 1;
	} else if (n == -1) {
		sink_error(f, s, errno);
		/* a dropped sink no longer paces the others: go on */
		return s->state == SK_DROPPED;
	}
	return moved;
}

/* ---- a flow's step ---- */

static int
pending(const struct flow *f, const struct sink *s)
{
	if (s->queued > 0 || s->buf.len > 0)
		return 1;
	if (f->mode == M_HUB)
		return f->hubq > 0 || f->buf.len > 0;
	return 0;
}

/* Source at its end and a sink with nothing left: end it. */
static void
finish(struct flow *f)
{
	struct sink *s;
	size_t i, live = 0;

	for (i = 0; i < f->nsk; i++) {
		s = &f->sk[i];
		if (s->state == SK_OK && f->eof && !pending(f, s)) {
			s->state = SK_DONE;
			sink_close(f->r, s);
		}
		live += s->state == SK_OK;
	}
	if (live == 0 && !f->done) {
		f->done = 1;
		if (!f->eof && f->r->code == 0 && f->nsk > 1) {
			/* every sink dropped: nobody left to copy to */
			snprintf(f->r->why, sizeof(f->r->why),
			    "every sink failed");
			f->r->code = EXIT_NO;
		}
	}
}

static int
flow_step(struct flow *f)
{
	size_t i;
	int moved, any = 0, k;

	for (k = 0; k < STEP_OPS && !f->done && !f->r->done; k++) {
		moved = 0;
		switch (f->mode) {
		case M_DIRECT:
		case M_COPY:
		case M_SENDFILE:
			moved = direct(f);
			break;
		case M_RW:
			moved = rw(f);
			break;
		default:
			moved = fill(f);
			if (f->nsk > 1)
				moved |= fan(f);
			for (i = 0; i < f->nsk && !f->r->done; i++)
				moved |= drain(f, &f->sk[i]);
			break;
		}
		finish(f);
		if (!moved)
			break;
		any = 1;
	}
	return any;
}

static void
on_half_close(struct loop *l, int id, void *arg)
{
	struct relay *r = arg;

	r->half_timer = 0;
	r->done = 1;
}

int
relay_step(struct relay *r)
{
	size_t i, ndone = 0;
	int any = 0;

	for (i = 0; i < r->nf && !r->done; i++)
		any |= flow_step(&r->f[i]);
	for (i = 0; i < r->nf; i++)
		ndone += r->f[i].done;
	if (ndone == r->nf)
		r->done = 1;
	else if (ndone > 0 && r->o->half_close >= 0 && r->half_timer == 0)
		r->half_timer = loop_timer(r->loop, r->o->half_close, 0,
		    on_half_close, r);
	return any;
}

uint64_t
relay_bytes(const struct relay *r)
{
	return r->f[0].bytes;
}

/* ---- set-up ---- */

static int
new_pipe(int p[2], size_t size)
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	io_pipe_size(p[1], size);
	return (int)fcntl(p[0], F_GETPIPE_SZ);
}

static int
flow_init(struct relay *r, struct flow *f, struct conn *src,
    struct conn **sinks, size_t n)
{
	struct sink *s;
	size_t i, minsz = SIZE_MAX;
	long sz;

	f->r = r;
	f->src = src;
	f->in = src->rfd;
	f->kind = fd_kind(f->in);
	f->hub[0] = f->hub[1] = -1;
	f->w = f->kind == K_FILE ? NULL : fdw_get(r, f->in);
	if (f->kind == K_PIPE)
		io_pipe_size(f->in, n > 1 ? IO_CHUNK / 2 : IO_CHUNK);
	f->sk = xcalloc(n, sizeof(*f->sk));
	f->nsk = n;
	for (i = 0; i < n; i++) {
		s = &f->sk[i];
		s->c = sinks[i];
		s->fd = sinks[i]->wfd;
		s->kind = fd_kind(s->fd);
		s->p[0] = s->p[1] = -1;
		s->w = s->kind == K_FILE ? NULL : fdw_get(r, s->fd);
		if (s->kind == K_PIPE)
			io_pipe_size(s->fd, IO_CHUNK);
		if (n > 1) {
			if ((sz = new_pipe(s->p, IO_CHUNK)) == -1)
				return -1;
			if ((size_t)sz < minsz)
				minsz = (size_t)sz;
		}
	}
	if (n == 1) {
		s = &f->sk[0];
		if (f->kind == K_PIPE || s->kind == K_PIPE)
			f->mode = M_DIRECT;
		else if (f->kind == K_FILE && s->kind == K_FILE)
			f->mode = M_COPY;
		else if (f->kind == K_FILE)
			f->mode = M_SENDFILE;
		else
			f->mode = M_HUB;
		if (f->mode != M_HUB)
			return 0;
		if ((sz = new_pipe(f->hub, IO_CHUNK)) == -1)
			return -1;
		f->hubsz = (size_t)sz;
		return 0;
	}
	f->mode = M_HUB;
	/* the source pipe is the hub when a chunk of it fits twice into
	 * every sink's pipe: a tee then never falls short */
	if (f->kind == K_PIPE && (sz = fcntl(f->in, F_GETPIPE_SZ)) > 0 &&
	    (size_t)sz * 2 <= minsz) {
		f->hub[0] = f->in;
		f->hubsz = (size_t)sz;
		return 0;
	}
	if ((sz = new_pipe(f->hub, minsz / 2)) == -1)
		return -1;
	if ((size_t)sz * 2 > minsz) {
		errno = ENOMEM;		/* pipe-user-pages-soft, no doubt */
		return -1;
	}
	f->hubsz = (size_t)sz;
	return 0;
}

static void
add_conn(struct relay *r, struct conn *c)
{
	size_t i;

	for (i = 0; i < r->nconns; i++)
		if (r->conns[i] == c)
			return;
	if (r->nconns < nitems(r->conns))
		r->conns[r->nconns++] = c;
}

int
relay_init(struct relay *r, struct loop *l, const struct relay_opts *o,
    struct conn *src, struct conn **sinks, size_t n, int bidi)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->loop = l;
	r->o = o;
	r->start = r->last = r->tok_at = loop_now();
	add_conn(r, src);
	for (i = 0; i < n; i++)
		add_conn(r, sinks[i]);
	r->nf = bidi ? 2 : 1;
	if (flow_init(r, &r->f[0], src, sinks, n) == -1 ||
	    (bidi && flow_init(r, &r->f[1], sinks[0], &src, 1) == -1)) {
		snprintf(r->why, sizeof(r->why), "cannot make a pipe: %s",
		    strerror(errno));
		r->code = EXIT_NO;
		r->done = 1;
		return -1;
	}
	return 0;
}

static void
flow_free(struct flow *f)
{
	size_t i;

	for (i = 0; i < f->nsk; i++) {
		if (f->sk[i].p[0] != -1) {
			close(f->sk[i].p[0]);
			close(f->sk[i].p[1]);
		}
		io_buf_free(&f->sk[i].buf);
	}
	free(f->sk);
	f->sk = NULL;
	if (f->hub[1] != -1) {
		close(f->hub[0]);
		close(f->hub[1]);
	}
	io_buf_free(&f->buf);
}

int
relay_end(struct relay *r, int kill_them)
{
	struct conn *c;
	size_t i, j;
	int code = 0, sigpipe_ok;

	for (i = 0; i < r->nw; i++)
		fdw_drop(r, &r->w[i]);
	if (r->throttle_timer)
		loop_timer_del(r->loop, r->throttle_timer);
	if (r->half_timer)
		loop_timer_del(r->loop, r->half_timer);
	for (i = 0; i < r->nf; i++)
		flow_free(&r->f[i]);
	for (i = 0; i < r->nconns; i++)
		if (!r->conns[i]->shared)
			conn_close(r->conns[i]);
	if (r->code != 0)
		kill_them = 1;
	for (i = 0; i < r->nconns; i++) {
		c = r->conns[i];
		if (c->pid <= 0)
			continue;
		if (kill_them && conn_reap(c, 0) == 0)
			kill(c->pid, SIGTERM);
		conn_reap(c, 1);
		/* a source we stopped reading (-c) may die of SIGPIPE */
		sigpipe_ok = 0;
		for (j = 0; j < r->nf; j++)
			if (r->f[j].src == c && r->f[j].counted)
				sigpipe_ok = 1;
		if (sigpipe_ok && c->status == 128 + SIGPIPE)
			c->status = 0;
		if (code == 0 && !kill_them)
			code = c->status;
	}
	if (r->code != 0) {
		if (r->why[0] != '\0')
			warnx("%s", r->why);
		return r->code;
	}
	if (r->dropped)
		return EXIT_NO;
	return code;
}
