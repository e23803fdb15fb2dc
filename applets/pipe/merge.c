/*
 * merge: --merge SOURCE ... --to SINK.  Each source is read into a
 * buffer of --max-line bytes; only whole lines go to the output queue,
 * so no line of one source is ever split by another's bytes.  A line
 * longer than the buffer goes out in pieces (reported once per source),
 * and until its end no other source's bytes go out (they wait, paused at
 * their buffers); a last line without a newline gets one.  Sources are read only while
 * the queue is short: a slow sink paces them all.
 */
#include "pipe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define QUEUE_HIGH	(256 * 1024)
#define READ_MAX	(128 * 1024)	/* a long line grows the buffer, not a read */

struct msrc {
	struct ep	 ep;
	struct conn	 c;
	struct io_buf	 in;
	int		 ready, watched, eof, warned;
	int		 mid;		/* its last bytes queued end no line */
};

struct merge {
	struct loop	*l;
	struct msrc	*s;
	size_t		 n;
	struct ep	 sink_ep;
	struct conn	 out;
	int		 out_ready, out_watched;
	struct io_buf	 q;
	struct msrc	*holder;	/* its long line is going out */
	int		 tag;
	int		 code;
	int		 sig;
	char		 why[320];
};

static void
on_src(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct msrc *s = arg;

	s->ready = 1;
	s->watched = 0;
	loop_fd_del(l, fd);
}

static void
on_out(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct merge *m = arg;

	m->out_ready = 1;
	m->out_watched = 0;
	loop_fd_del(l, fd);
}

static void
on_sig(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	struct merge *m = arg;

	m->sig = (int)si->ssi_signo;
}

/* Queue n bytes of source s as they are, or line by line with its tag. */
static void
queue(struct merge *m, struct msrc *s, const char *p, size_t n)
{
	const char *nl, *end = p + n;
	size_t tl = strlen(s->ep.spec);

	if (n == 0)
		return;
	if (!m->tag) {
		if (io_buf_put(&m->q, p, n) == -1)
			xnomem();
	} else
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			nl = nl != NULL ? nl + 1 : end;
			/* the tag at the start of a line, not of a piece */
			if (!s->mid && (io_buf_put(&m->q, s->ep.spec, tl) ==
			    -1 || io_buf_put(&m->q, "\t", 1) == -1))
				xnomem();
			if (io_buf_put(&m->q, p, (size_t)(nl - p)) == -1)
				xnomem();
			s->mid = nl[-1] != '\n';
			p = nl;
		}
	s->mid = end[-1] != '\n';
	/* a piece of a long line: the output is its own until the end */
	m->holder = s->mid ? s : NULL;
}

/* The whole lines of s's buffer to the queue (all of it at EOF or when
 * it is full of one line). */
static void
take_lines(struct merge *m, struct msrc *s)
{
	struct io_buf *b = &s->in;
	const char *p = b->data + b->off, *nl;
	size_t n;

	if (b->len == 0) {
		if (s->eof && s->mid)	/* a long line's end: its newline */
			queue(m, s, "\n", 1);
		return;
	}
	nl = memrchr(p, '\n', b->len);
	if (nl != NULL)
		n = (size_t)(nl - p) + 1;
	else if (s->eof || io_buf_room(b) == 0) {
		n = b->len;
		if (!s->eof && !s->warned) {
			warnx("%s: a line longer than --max-line, passed in "
			    "pieces", s->c.name);
			s->warned = 1;
		}
	} else
		return;
	queue(m, s, p, n);
	if (s->eof && nl == NULL)
		queue(m, s, "\n", 1);
	b->off += n;
	b->len -= n;
	/* what is left is part of one line: to the front, so that a
	 * buffer touches no more memory than its longest line needs */
	if (b->len > 0)
		memmove(b->data, b->data + b->off, b->len);
	b->off = 0;
}

static int
read_src(struct merge *m, struct msrc *s)
{
	ssize_t r;

	if (s->eof || !s->ready || m->q.len >= QUEUE_HIGH ||
	    (m->holder != NULL && m->holder != s))
		return 0;
	r = io_buf_readn(&s->in, s->c.rfd, READ_MAX);
	if (r > 0) {
		take_lines(m, s);
		return 1;
	}
	if (r == 0) {
		s->eof = 1;
		take_lines(m, s);
		return 1;
	}
	if (errno == ENOBUFS) {		/* full of a partial line */
		take_lines(m, s);
		return 1;
	}
	if (errno == EAGAIN) {
		s->ready = 0;
		if (loop_fd(m->l, s->c.rfd, EPOLLIN, on_src, s) == 0)
			s->watched = 1;
		else
			s->ready = 1;
		return 0;
	}
	snprintf(m->why, sizeof(m->why), "cannot read %s: %s", s->c.name,
	    strerror(errno));
	m->code = EXIT_NO;
	return 0;
}

static int
write_out(struct merge *m)
{
	ssize_t r;

	if (m->q.len == 0 || !m->out_ready)
		return 0;
	r = io_buf_write(&m->q, m->out.wfd);
	if (r > 0)
		return 1;
	if (r == -1 && errno == EAGAIN) {
		m->out_ready = 0;
		if (loop_fd(m->l, m->out.wfd, EPOLLOUT, on_out, m) == 0)
			m->out_watched = 1;
		else
			m->out_ready = 1;
		return 0;
	}
	m->code = EXIT_NO;
	if (errno == EPIPE && m->sink_ep.kind == EP_STDIO)
		return 0;
	snprintf(m->why, sizeof(m->why), "cannot write to %s: %s",
	    m->out.name, strerror(errno));
	return 0;
}

static int
merge_run(struct merge *m)
{
	size_t i, live;
	int moved;

	while (m->code == 0 && m->sig == 0) {
		moved = 0;
		live = 0;
		for (i = 0; i < m->n && m->code == 0; i++) {
			moved |= read_src(m, &m->s[i]);
			live += !m->s[i].eof;
		}
		moved |= write_out(m);
		if ((live == 0 && m->q.len == 0) || m->code != 0)
			break;
		if (loop_once(m->l, moved ? 0 : -1) == -1) {
			snprintf(m->why, sizeof(m->why), "event loop: %s",
			    strerror(errno));
			m->code = EXIT_NO;
		}
	}
	if (m->sig != 0)
		return 128 + m->sig;
	return m->code;
}

static int
merge_open(struct merge *m, mode_t mode)
{
	char why[320];
	size_t i;
	int code;

	for (i = 0; i < m->n; i++) {
		if (conn_open(&m->s[i].ep, OPEN_READ, mode, &m->s[i].c, why,
		    sizeof(why), &code) == -1) {
			warnx("%s", why);
			return code;
		}
		m->s[i].ready = 1;
	}
	if (conn_open(&m->sink_ep, OPEN_WRITE, mode, &m->out, why,
	    sizeof(why), &code) == -1) {
		warnx("%s", why);
		return code;
	}
	/* a blocking pipe would stall the loop on a full write */
	if (m->out.saved_wfl == -1 && fcntl(m->out.wfd, F_GETFL) != -1 &&
	    !(fcntl(m->out.wfd, F_GETFL) & O_NONBLOCK)) {
		struct stat st;

		if (fstat(m->out.wfd, &st) == 0 && !S_ISREG(st.st_mode)) {
			m->out.saved_wfl = fcntl(m->out.wfd, F_GETFL);
			io_nonblock(m->out.wfd);
		}
	}
	m->out_ready = 1;
	return 0;
}

static int
merge_end(struct merge *m, int code)
{
	size_t i;
	int st = 0;

	for (i = 0; i < m->n; i++) {
		if (m->s[i].watched)
			loop_fd_del(m->l, m->s[i].c.rfd);
		conn_close(&m->s[i].c);
	}
	if (m->out_watched)
		loop_fd_del(m->l, m->out.wfd);
	if (m->out.sock && m->out.wfd != -1)
		shutdown(m->out.wfd, SHUT_WR);
	conn_close(&m->out);
	for (i = 0; i <= m->n; i++) {
		struct conn *c = i < m->n ? &m->s[i].c : &m->out;

		if (c->pid <= 0)
			continue;
		if (code != 0 && conn_reap(c, 0) == 0)
			kill(c->pid, SIGTERM);
		conn_reap(c, 1);
		if (st == 0)
			st = c->status;
	}
	if (code == 0 && m->why[0] == '\0')
		code = st;
	if (m->why[0] != '\0')
		warnx("%s", m->why);
	return code;
}

static int
merge_parse(struct merge *m, char **av, size_t n, const char *to, int dry)
{
	char why[256], buf[1024];
	size_t i;

	if (to == NULL && n >= 2 && strcmp(av[n - 2], "--to") == 0) {
		to = av[n - 1];
		n -= 2;
	}
	if (to == NULL)
		return usage_error("--merge needs --to SINK");
	if (n == 0)
		return usage_error("--merge needs a source");
	m->s = xcalloc(n, sizeof(*m->s));
	for (i = 0; i < n; i++) {
		if (ep_parse(av[i], &m->s[i].ep, why, sizeof(why)) == -1)
			return usage_error("%s", why);
		m->n = i + 1;
		if (ep_listens(&m->s[i].ep) || m->s[i].ep.kind == EP_APPEND)
			return usage_error("--merge: not a source here: %s",
			    av[i]);
	}
	if (ep_parse(to, &m->sink_ep, why, sizeof(why)) == -1)
		return usage_error("%s", why);
	if (ep_listens(&m->sink_ep))
		return usage_error("--merge: not a sink here: %s", to);
	if (dry) {
		for (i = 0; i < m->n; i++) {
			ep_describe(&m->s[i].ep, buf, sizeof(buf));
			printf("source: %s\n", buf);
		}
		ep_describe(&m->sink_ep, buf, sizeof(buf));
		printf("sink: %s\n", buf);
		return -1;
	}
	return 0;
}

int
merge_main(const struct relay_opts *ro, char **av, size_t n,
    const char *to, uint64_t max_line, int tag, int dry, mode_t mode)
{
	struct merge m;
	size_t i;
	int code;

	memset(&m, 0, sizeof(m));
	m.tag = tag;
	if ((code = merge_parse(&m, av, n, to, dry)) != 0) {
		code = code == -1 ? 0 : code;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((m.l = loop_new()) == NULL)
		err(EXIT_NO, "event loop");
	loop_signal(m.l, SIGINT, on_sig, &m);
	loop_signal(m.l, SIGTERM, on_sig, &m);
	io_buf_init_growable(&m.q, SIZE_MAX / 4);
	for (i = 0; i < m.n; i++)
		if (io_buf_init(&m.s[i].in, (size_t)max_line) == -1)
			xnomem();
	if ((code = merge_open(&m, mode)) == 0)
		code = merge_run(&m);
	code = merge_end(&m, code);
	loop_free(m.l);
out:
	for (i = 0; i < m.n; i++) {
		io_buf_free(&m.s[i].in);
		ep_free(&m.s[i].ep);
	}
	free(m.s);
	io_buf_free(&m.q);
	ep_free(&m.sink_ep);
	(void)ro;
	return code;
}
