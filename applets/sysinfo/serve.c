/*
 * sysinfo --serve: the Prometheus sections over HTTP/1.1, as node_exporter
 * serves them (GET /metrics), on lib/loop: one thread, non-blocking
 * sockets, bounded request heads (lib/http), a deadline per connection
 * (slowloris), at most max_conns of them.  And sysinfo --textfile: the same
 * text written atomically for node_exporter's textfile collector.
 */
#include "sysinfo.h"

#include <sys/socket.h>
#include <netinet/tcp.h>
#include <signal.h>

#include "../../lib/http.h"
#include "../../lib/io.h"
#include "../../lib/loop.h"

#define PROM_CTYPE	"text/plain; version=0.0.4; charset=utf-8"
#define OM_CTYPE	"application/openmetrics-text; version=1.0.0; charset=utf-8"

static const char index_html[] =
    "<!DOCTYPE html>\n<html><head><title>syskit</title></head>\n"
    "<body><h1>syskit sysinfo</h1>\n"
    "<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n";

struct srv;

struct conn {
	struct srv	*s;
	int		 fd;
	int		 close_after;	/* once the response is written */
	double		 deadline;	/* for the request, or the response */
	size_t		 inlen;
	char		 in[HTTP_MAX_HEAD];
	char		*out;		/* kept between responses */
	size_t		 outcap, outlen, outoff;
};

struct srv {
	struct loop	*l;
	int		 lfd;
	const struct si_serve_opts *o;
	struct conn	**conns;	/* o->max_conns slots */
	int		 nconns;
	int		 paused;	/* the listener, out of descriptors */
	struct conn	*spare;		/* the last one closed, for the next */
};

/* ---- rendering ---- */

static int
count_pid(int dfd, const char *name, unsigned type, void *arg)
{
	(void)dfd;
	(void)type;
	if (name[0] >= '1' && name[0] <= '9')
		(*(unsigned long *)arg)++;
	return 0;
}

/* The proc root, open while a server or --every runs (-1: per scrape). */
static int procfd = -1;

/*
 * syskit_threads (the scheduling entities /proc/loadavg counts), and with
 * S_PROCS syskit_processes: /proc's numbered entries, a walk whose cost
 * grows with the number of processes (the kernel looks each one up), so
 * asked for by name, as node_exporter's processes collector is.
 */
static void
procs(struct ctx *c, int want)
{
	struct loadavg la;
	unsigned long n = 0;
	int dfd = procfd;

	if ((want & S_PROCS) && (dfd >= 0 || (dfd = open(proc_root(),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)) {
		if (fs_dir_each(dfd, count_pid, &n) == 0)
			si_prom_gauge(c, "syskit_processes",
			    "Number of processes.", (double)n);
		if (dfd != procfd)
			close(dfd);
	}
	if (proc_loadavg(&la) == 0)
		si_prom_gauge(c, "syskit_threads",
		    "Number of threads (scheduling entities).",
		    (double)la.total);
}

/*
 * A FILE writing into a growable buffer, both kept from one scrape to the
 * next: a scrape reuses the memory of the one before, where a memstream
 * per scrape had musl's malloc map and unmap its blocks every time.
 */
struct membuf {
	struct io_buf	 b;
	FILE		*f;
};

static ssize_t
membuf_write(void *cookie, const char *p, size_t n)
{
	struct membuf *m = cookie;

	return io_buf_put(&m->b, p, n) == -1 ? 0 : (ssize_t)n;
}

/* The FILE, empty. */
static FILE *
membuf_start(struct membuf *m)
{
	static const cookie_io_functions_t io = { NULL, membuf_write, NULL,
	    NULL };

	if (m->f == NULL) {
		io_buf_init_growable(&m->b, SIZE_MAX / 2);
		if ((m->f = fopencookie(m, "w", io)) == NULL)
			return NULL;
	}
	m->b.off = m->b.len = 0;
	return m->f;
}

/* What was written (valid until the next start), or NULL; after an
 * error the FILE is made anew, so nothing of this one is left in it. */
static const char *
membuf_end(struct membuf *m, size_t *len)
{
	if (fflush(m->f) != 0 || ferror(m->f)) {
		fclose(m->f);
		m->f = NULL;
		io_buf_free(&m->b);
		return NULL;
	}
	*len = m->b.len;
	return m->b.data != NULL ? m->b.data + m->b.off : "";
}

static struct membuf render_buf, om_buf;

/* At the end: the memory of the renders. */
void
si_render_free(void)
{
	struct membuf *m[] = { &render_buf, &om_buf };
	size_t i;

	for (i = 0; i < 2; i++) {
		if (m[i]->f != NULL)
			fclose(m[i]->f);
		m[i]->f = NULL;
		io_buf_free(&m[i]->b);
	}
}

/*
 * The Prometheus text of the sections in want, in memory (its length in
 * *len) until the next render, or NULL.
 */
const char *
si_render(int want, size_t *len)
{
	struct ctx c;
	double t0 = loop_now();
	FILE *f;

	if ((f = membuf_start(&render_buf)) == NULL)
		return NULL;
	memset(&c, 0, sizeof(c));
	c.fmt = F_PROM;
	c.pr = 1;
	c.kinds = SK_INET;
	c.foreign = strcmp(proc_root(), "/proc") != 0;
	prom_init(&c.prom, f);
	si_prom_run(&c, want);
	procs(&c, want);
	proc_stat_free(&c.st);
	si_prom_gauge(&c, "syskit_scrape_duration_seconds",
	    "Time this scrape took, in seconds.", loop_now() - t0);
	return membuf_end(&render_buf, len);
}

/* Whether line p[0 .. n) is "# KIND NAME ..." : NAME's start and length. */
static int
meta(const char *p, size_t n, const char *kind, const char **name, size_t *nl)
{
	size_t k = strlen(kind);
	const char *e;

	if (n < k + 3 || memcmp(p, "# ", 2) != 0 || memcmp(p + 2, kind, k) != 0 ||
	    p[2 + k] != ' ')
		return 0;
	*name = p + 3 + k;
	e = memchr(*name, ' ', (size_t)(p + n - *name));
	*nl = (size_t)((e != NULL ? e : p + n) - *name);
	return 1;
}

/*
 * The Prometheus text as OpenMetrics: a counter family is named without
 * its _total (its samples keep it), a counter whose samples lack _total
 * and an untyped family become unknown, and # EOF ends it.
 */
static const char *
to_openmetrics(const char *t, size_t len, size_t *outlen)
{
	size_t ll, nl, nl2;
	const char *p = t, *e, *name, *name2, *next;
	FILE *f;
	int counter;

	if ((f = membuf_start(&om_buf)) == NULL)
		return NULL;
	while (p < t + len) {
		e = memchr(p, '\n', (size_t)(t + len - p));
		ll = e != NULL ? (size_t)(e - p) : (size_t)(t + len - p);
		next = p + ll + 1;
		if (meta(p, ll, "HELP", &name, &nl) ||
		    meta(p, ll, "TYPE", &name, &nl)) {
			/* the TYPE line: this one, or the one after HELP */
			const char *tl = p;
			size_t tll = ll;

			if (p[2] == 'H' && next < t + len) {
				tl = next;
				e = memchr(tl, '\n', (size_t)(t + len - tl));
				tll = e != NULL ? (size_t)(e - tl) :
				    (size_t)(t + len - tl);
			}
			counter = meta(tl, tll, "TYPE", &name2, &nl2) &&
			    nl2 == nl && memcmp(name2, name, nl) == 0 &&
			    tll - (size_t)(name2 + nl2 - tl) == 8 &&
			    memcmp(name2 + nl2, " counter", 8) == 0;
			if (counter && nl > 6 &&
			    memcmp(name + nl - 6, "_total", 6) == 0) {
				fwrite(p, 1, (size_t)(name - p) + nl - 6, f);
				fwrite(name + nl, 1, ll - (size_t)(name - p) - nl, f);
			} else if (p[2] == 'T' && (counter ||
			    (ll - (size_t)(name - p) - nl == 8 &&
			    memcmp(name + nl, " untyped", 8) == 0))) {
				fwrite(p, 1, (size_t)(name - p) + nl, f);
				fputs(" unknown", f);
			} else
				fwrite(p, 1, ll, f);
		} else
			fwrite(p, 1, ll, f);
		putc('\n', f);
		p = next;
	}
	fputs("# EOF\n", f);
	return membuf_end(&om_buf, outlen);
}

/* A long run: descriptors kept open between renders (on), or closed. */
static void
keep_open(int on, int want)
{
	proc_keep_open(on);
	if (procfd >= 0)
		close(procfd);
	procfd = on && (want & S_PROCS) ? open(proc_root(),
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

/* ---- connections ---- */

static void
conn_close(struct conn *k)
{
	struct srv *s = k->s;
	int i;

	loop_fd_del(s->l, k->fd);
	close(k->fd);
	for (i = 0; i < s->o->max_conns; i++)
		if (s->conns[i] == k) {
			s->conns[i] = NULL;
			break;
		}
	s->nconns--;
	/* the next connection takes this one's memory */
	if (s->spare == NULL)
		s->spare = k;
	else {
		free(k->out);
		free(k);
	}
}

/* Write what is pending; 1 when all is written, 0 for later, -1: closed. */
static int
conn_flush(struct conn *k)
{
	ssize_t w;

	while (k->outoff < k->outlen) {
		w = send(k->fd, k->out + k->outoff, k->outlen - k->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_fd_events(k->s->l, k->fd, EPOLLOUT);
			return 0;
		}
		if (w <= 0) {
			conn_close(k);
			return -1;
		}
		k->outoff += (size_t)w;
	}
	k->outlen = k->outoff = 0;	/* the memory stays for the next */
	if (k->close_after) {
		shutdown(k->fd, SHUT_WR);
		conn_close(k);
		return -1;
	}
	k->deadline = loop_now() + k->s->o->timeout;
	loop_fd_events(k->s->l, k->fd, EPOLLIN);
	return 1;
}

/* Queue a response: head and (unless head_only) body. */
static int
respond(struct conn *k, int status, const char *ctype, const char *body,
    size_t blen, int head_only, const char *extra)
{
	char head[512], *p;
	size_t need;
	int hl;

	if ((hl = http_head(head, sizeof(head), status, ctype, blen,
	    !k->close_after, extra)) < 0)
		return -1;
	if (head_only)
		blen = 0;
	need = (size_t)hl + blen;
	if (need > k->outcap) {
		if ((p = realloc(k->out, need)) == NULL)
			return -1;
		k->out = p;
		k->outcap = need;
	}
	memcpy(k->out, head, (size_t)hl);
	if (blen > 0)
		memcpy(k->out + hl, body, blen);
	k->outlen = (size_t)hl + blen;
	k->outoff = 0;
	k->deadline = loop_now() + k->s->o->timeout;
	return 0;
}

static int
is_path(const struct http_req *r, const char *p)
{
	return r->pathlen == strlen(p) && memcmp(r->path, p, r->pathlen) == 0;
}

/* Answer the request at the head of the input, if it is complete. 1: a
 * response is queued; 0: more input needed. */
static int
conn_request(struct conn *k)
{
	struct http_req r;
	const char *body, *om;
	size_t blen = 0, omlen;
	int rc, ho;

	rc = http_parse(k->in, k->inlen, &r);
	if (rc == 0)
		return 0;
	if (rc != 1) {
		k->close_after = 1;
		respond(k, rc, "text/plain; charset=utf-8", http_reason(rc),
		    strlen(http_reason(rc)), 0, NULL);
		k->inlen = 0;
		return 1;
	}
	k->close_after = !r.keepalive;
	ho = r.method == HTTP_HEAD;
	if (r.method == HTTP_OTHER)
		rc = respond(k, 405, "text/plain; charset=utf-8",
		    "Method Not Allowed\n", 19, 0, "Allow: GET, HEAD\r\n");
	else if (is_path(&r, "/metrics")) {
		if ((body = si_render(k->s->o->want, &blen)) == NULL)
			rc = respond(k, 500, NULL, NULL, 0, 0, NULL);
		else if (r.openmetrics &&
		    (om = to_openmetrics(body, blen, &omlen)) != NULL) {
			body = om;
			blen = omlen;
			rc = respond(k, 200, OM_CTYPE, body, blen, ho, NULL);
		} else
			rc = respond(k, 200, PROM_CTYPE, body, blen, ho, NULL);
	} else if (is_path(&r, "/"))
		rc = respond(k, 200, "text/html; charset=utf-8", index_html,
		    sizeof(index_html) - 1, ho, NULL);
	else
		rc = respond(k, 404, "text/plain; charset=utf-8",
		    "Not Found\n", 10, ho, NULL);
	memmove(k->in, k->in + r.headlen, k->inlen - r.headlen);
	k->inlen -= r.headlen;
	if (rc != 0) {		/* out of memory: this connection goes */
		k->close_after = 1;
		respond(k, 503, NULL, NULL, 0, 0, NULL);
	}
	return 1;
}

/* Answer requests while they are complete and their responses leave at
 * once (pipelining); the rest waits for input or for EPOLLOUT. */
static void
conn_serve(struct conn *k)
{
	/* each turn consumes a request head from the bounded input */
	for (;;) {
		if (!conn_request(k))
			return;
		if (conn_flush(k) <= 0)
			return;
	}
}

static void
on_conn(struct loop *l, int fd, unsigned ev, void *arg)
{
	struct conn *k = arg;
	ssize_t n;

	(void)l;
	(void)fd;
	if (k->outlen > 0) {
		if ((ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) &&
		    conn_flush(k) == 1)
			conn_serve(k);
		return;
	}
	if (k->inlen == sizeof(k->in)) {	/* cannot happen: 431 first */
		conn_close(k);
		return;
	}
	n = recv(k->fd, k->in + k->inlen, sizeof(k->in) - k->inlen,
	    MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(k);
		return;
	}
	k->inlen += (size_t)n;
	conn_serve(k);
}

static void
on_accept(struct loop *l, int lfd, unsigned ev, void *arg)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	struct srv *s = arg;
	struct conn *k;
	int fd, i, j;

	(void)ev;
	for (j = 0; j < 64; j++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE ||
		    errno == ENOBUFS || errno == ENOMEM)) {
			/* out of descriptors: the listener, level-triggered,
			 * would spin; it rests until the next tick */
			if (loop_fd_events(l, lfd, 0) == 0)
				s->paused = 1;
			return;
		}
		if (fd < 0)
			return;		/* EAGAIN, or a client already gone */
		if (s->nconns < s->o->max_conns && s->spare != NULL) {
			/* the input buffer is not cleared: inlen says
			 * how much of it counts */
			k = s->spare;
			s->spare = NULL;
			k->close_after = 0;
			k->inlen = k->outlen = k->outoff = 0;
		} else if (s->nconns >= s->o->max_conns ||
		    (k = calloc(1, sizeof(*k))) == NULL) {
			(void)!send(fd, busy, sizeof(busy) - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		k->s = s;
		k->fd = fd;
		k->deadline = loop_now() + s->o->timeout;
		if (loop_fd(l, fd, EPOLLIN, on_conn, k) != 0) {
			close(fd);
			free(k);
			continue;
		}
		for (i = 0; i < s->o->max_conns; i++)
			if (s->conns[i] == NULL) {
				s->conns[i] = k;
				break;
			}
		s->nconns++;
	}
}

/* Drop the connections past their deadline (slowloris, idle keep-alive,
 * a client that does not read). */
static void
on_tick(struct loop *l, int id, void *arg)
{
	struct srv *s = arg;
	double now = loop_now();
	int i;

	(void)id;
	for (i = 0; i < s->o->max_conns; i++)
		if (s->conns[i] != NULL && now >= s->conns[i]->deadline)
			conn_close(s->conns[i]);
	if (s->paused && loop_fd_events(l, s->lfd, EPOLLIN) == 0)
		s->paused = 0;
}

static void
on_stop(struct loop *l, const struct signalfd_siginfo *si, void *arg)
{
	(void)si;
	(void)arg;
	loop_stop(l);
}

/* ADDR:PORT, [ADDR6]:PORT or PORT (127.0.0.1) into a listening socket. */
static int
listen_on(const char *spec, char *shown, size_t shownlen)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[256], port[16], h[INET6_ADDRSTRLEN];
	const char *c;
	int fd = -1, one = 1, e;

	c = strrchr(spec, ':');
	if (c == NULL) {
		snprintf(host, sizeof(host), "127.0.0.1");
		snprintf(port, sizeof(port), "%s", spec);
	} else {
		if ((size_t)(c - spec) >= sizeof(host) ||
		    strlen(c + 1) >= sizeof(port))
			return -2;
		if (spec[0] == '[' && c > spec && c[-1] == ']')
			snprintf(host, sizeof(host), "%.*s",
			    (int)(c - spec - 2), spec + 1);
		else
			snprintf(host, sizeof(host), "%.*s", (int)(c - spec),
			    spec);
		snprintf(port, sizeof(port), "%s", c + 1);
	}
	if (args_int(port, 0, 65535, &(long long){ 0 }) != 0)
		return -2;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -2;
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 128) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		goto fail;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    h, sizeof(h));
		snprintf(shown, shownlen, "[%s]:%u", h,
		    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    h, sizeof(h));
		snprintf(shown, shownlen, "%s:%u", h,
		    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
	freeaddrinfo(res);
	return fd;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	errno = e;
	return -1;
}

int
si_serve(const struct si_serve_opts *o)
{
	struct srv s;
	char shown[INET6_ADDRSTRLEN + 16], vis[256];
	int i, rc = 1;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.lfd = listen_on(o->serve, shown, sizeof(shown));
	out_vis(vis, sizeof(vis), o->serve, strlen(o->serve));
	if (s.lfd == -2)
		return usage_error("invalid --serve: %s ([ADDR:]PORT, "
		    "ADDR numeric)", vis);
	if (s.lfd < 0) {
		warn("listen on %s", vis);
		return 1;
	}
	s.conns = xcalloc((size_t)o->max_conns, sizeof(*s.conns));
	if ((s.l = loop_new()) == NULL ||
	    loop_fd(s.l, s.lfd, EPOLLIN, on_accept, &s) != 0 ||
	    loop_signal(s.l, SIGTERM, on_stop, NULL) != 0 ||
	    loop_signal(s.l, SIGINT, on_stop, NULL) != 0 ||
	    loop_timer(s.l, 0.25, 0.25, on_tick, &s) < 0) {
		warn("event loop");
		goto out;
	}
	keep_open(1, o->want);
	fprintf(stderr, "syskit sysinfo: serving http://%s/metrics\n", shown);
	signal(SIGPIPE, SIG_IGN);
	if (loop_run(s.l) != 0) {
		warn("event loop");
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < o->max_conns; i++)
		if (s.conns[i] != NULL)
			conn_close(s.conns[i]);
	free(s.conns);
	if (s.spare != NULL) {
		free(s.spare->out);
		free(s.spare);
	}
	si_render_free();
	keep_open(0, 0);
	if (s.l != NULL) {
		loop_fd_del(s.l, s.lfd);
		loop_free(s.l);
	}
	close(s.lfd);
	return rc;
}

/* ---- --textfile ---- */

/* DIR/syskit.prom, atomically: a temporary file in DIR, fsync, rename. */
static int
textfile_write(const struct si_serve_opts *o)
{
	char tmp[PATH_MAX], dst[PATH_MAX], vis[PATH_MAX];
	const char *buf;
	size_t len = 0;
	int fd, e;

	out_vis(vis, sizeof(vis), o->textfile, strlen(o->textfile));
	if ((buf = si_render(o->want, &len)) == NULL) {
		warn("render");
		return 1;
	}
	snprintf(dst, sizeof(dst), "%s/syskit.prom", o->textfile);
	snprintf(tmp, sizeof(tmp), "%s/.syskit.prom.XXXXXX", o->textfile);
	if ((fd = fs_mktemp(tmp, 0, 1)) < 0) {
		warn("%s", vis);
		return 1;
	}
	e = 0;
	if (fs_write_all(fd, buf, len) != 0 || fchmod(fd, 0644) != 0 ||
	    fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, dst) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		errno = e;
		warn("%s/syskit.prom", vis);
		return 1;
	}
	return 0;
}

struct every {
	const struct si_serve_opts *o;
	int	 rc;
};

static void
on_every(struct loop *l, int id, void *arg)
{
	struct every *ev = arg;

	(void)id;
	if (textfile_write(ev->o) != 0) {
		ev->rc = 1;
		loop_stop(l);
	}
}

/* --textfile DIR, once, or every o->every seconds until SIGTERM/SIGINT. */
int
si_textfile(const struct si_serve_opts *o)
{
	struct every ev = { o, 0 };
	struct loop *l;

	if (textfile_write(o) != 0) {
		si_render_free();
		return 1;
	}
	if (o->every <= 0) {
		si_render_free();
		return 0;
	}
	keep_open(1, o->want);
	if ((l = loop_new()) == NULL ||
	    loop_signal(l, SIGTERM, on_stop, NULL) != 0 ||
	    loop_signal(l, SIGINT, on_stop, NULL) != 0 ||
	    loop_timer(l, o->every, o->every, on_every, &ev) < 0 ||
	    loop_run(l) != 0) {
		warn("event loop");
		ev.rc = 1;
	}
	if (l != NULL)
		loop_free(l);
	keep_open(0, 0);
	si_render_free();
	return ev.rc;
}
