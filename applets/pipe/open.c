/*
 * open: an endpoint's descriptors.  Files and FIFOs are opened, sockets
 * connected or accepted (non-blocking, close-on-exec), exec: commands
 * started through lib/spawn with a pipe for each side pipe uses.
 * Inherited descriptors (-, fd:N) that are not regular files are made
 * non-blocking and get their flags back in conn_close.
 */
#include "pipe.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "../../lib/io.h"
#include "../../lib/reap.h"
#include "../../lib/spawn.h"

static int
say(char *why, size_t len, const char *what, const char *name, int e)
{
	snprintf(why, len, "%s %s: %s", what, name, strerror(e));
	errno = e;
	return -1;
}

/* An inherited fd: check it, make it non-blocking unless it is a regular
 * file or a pipe (splice does not block on a pipe), remember its flags. */
static int
inherit(int fd, int *saved)
{
	struct stat st;
	int fl;

	*saved = -1;
	if ((fl = fcntl(fd, F_GETFL)) == -1 || fstat(fd, &st) == -1)
		return -1;
	if (S_ISREG(st.st_mode) || (fl & O_NONBLOCK))
		return 0;
	*saved = fl;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
open_path(const struct ep *e, int how, mode_t mode, struct conn *c,
    char *why, size_t len)
{
	struct stat st;
	int fd, fl;

	if (e->kind == EP_APPEND && (how & OPEN_READ)) {
		snprintf(why, len, "append: is a sink only: %s", c->name);
		errno = EINVAL;
		return -1;
	}
	if (e->kind == EP_FIFO && mkfifo(e->path, mode) == -1 &&
	    errno != EEXIST)
		return say(why, len, "cannot make FIFO", c->name, errno);
	if (how == (OPEN_READ | OPEN_WRITE))
		fl = O_RDWR;
	else if (how & OPEN_READ)
		fl = O_RDONLY;
	else
		fl = O_WRONLY | (e->kind == EP_FIFO ? 0 : O_CREAT) |
		    (e->kind == EP_APPEND ? O_APPEND :
		    e->kind == EP_FILE ? O_TRUNC : 0);
	if ((fd = open(e->path, fl | O_CLOEXEC | O_NOCTTY, mode)) == -1)
		return say(why, len, "cannot open", c->name, errno);
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		close(fd);
		return say(why, len, "cannot open", c->name, EISDIR);
	}
	c->rfd = (how & OPEN_READ) ? fd : -1;
	c->wfd = (how & OPEN_WRITE) ? fd : -1;
	if (!S_ISREG(st.st_mode))
		io_nonblock(fd);
	c->own = 1;
	return 0;
}

static int
inherited(int fd, int how, struct conn *c, char *why, size_t len)
{
	if (how & OPEN_READ) {
		if (inherit(fd == -1 ? 0 : fd, &c->saved_rfl) == -1)
			return say(why, len, "cannot use", c->name, errno);
		c->rfd = fd == -1 ? 0 : fd;
	}
	if (how & OPEN_WRITE) {
		if (fd != -1 && (how & OPEN_READ)) {
			c->wfd = fd;	/* the same description: one save */
			return 0;
		}
		if (inherit(fd == -1 ? 1 : fd, &c->saved_wfl) == -1)
			return say(why, len, "cannot use", c->name, errno);
		c->wfd = fd == -1 ? 1 : fd;
	}
	return 0;
}

/* The addresses of a tcp: endpoint; 0, or -1 with why set and *code. */
static int
resolve(const struct ep *e, int passive, struct addrinfo **res,
    char *why, size_t len)
{
	struct addrinfo hints;
	char port[8], host[96];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	snprintf(port, sizeof(port), "%u", e->port);
	rc = getaddrinfo(e->host, port, &hints, res);
	if (rc == 0)
		return 0;
	conn_name(host, sizeof(host), e->host ? e->host : "*");
	if (rc == EAI_SYSTEM)
		snprintf(why, len, "cannot resolve %s: %s", host,
		    strerror(errno));
	else
		snprintf(why, len, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
	errno = EHOSTUNREACH;
	return -1;
}

static int
unix_addr(const struct ep *e, struct sockaddr_un *sun, socklen_t *slen)
{
	size_t n = strlen(e->path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (e->abstract) {
		memcpy(sun->sun_path + 1, e->path, n);
		*slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    1 + n);
	} else {
		memcpy(sun->sun_path, e->path, n);
		*slen = (socklen_t)sizeof(*sun);
	}
	return 0;
}

static int
sock_ready(int fd, struct conn *c)
{
	int one = 1;

	io_nonblock(fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->rfd = c->wfd = fd;
	c->sock = 1;
	c->own = 1;
	return 0;
}

static int
connect_tcp(const struct ep *e, struct conn *c, char *why, size_t len)
{
	struct addrinfo *res, *ai;
	int fd = -1, e1 = ECONNREFUSED;

	if (resolve(e, 0, &res, why, len) == -1)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			e1 = errno;
			continue;
		}
		while (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			if (errno == EINTR)
				continue;
			e1 = errno;
			close(fd);
			fd = -1;
			break;
		}
		if (fd != -1)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return say(why, len, "cannot connect to", c->name, e1);
	return sock_ready(fd, c);
}

static int
connect_unix(const struct ep *e, struct conn *c, char *why, size_t len)
{
	struct sockaddr_un sun;
	socklen_t slen;
	int fd, e1;

	unix_addr(e, &sun, &slen);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return say(why, len, "cannot connect to", c->name, errno);
	while (connect(fd, (struct sockaddr *)&sun, slen) == -1) {
		if (errno == EINTR)
			continue;
		e1 = errno;
		close(fd);
		return say(why, len, "cannot connect to", c->name, e1);
	}
	return sock_ready(fd, c);
}

int
listen_open(const struct ep *e, char *why, size_t len)
{
	struct addrinfo *res = NULL, *ai;
	struct sockaddr_un sun;
	struct stat st;
	char name[128];
	socklen_t slen;
	int fd = -1, one = 1, e1 = EADDRNOTAVAIL;

	conn_name(name, sizeof(name), e->spec);
	if (e->kind == EP_UNIX_LISTEN) {
		unix_addr(e, &sun, &slen);
		/* a socket left by an earlier run, never any other file */
		if (!e->abstract && lstat(e->path, &st) == 0 &&
		    S_ISSOCK(st.st_mode))
			unlink(e->path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd == -1 || bind(fd, (struct sockaddr *)&sun, slen) == -1 ||
		    listen(fd, 128) == -1)
			goto fail;
		return fd;
	}
	if (resolve(e, 1, &res, why, len) == -1)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		e1 = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = e1;
		goto fail;
	}
	return fd;
fail:
	e1 = errno;
	if (fd != -1)
		close(fd);
	return say(why, len, "cannot listen on", name, e1);
}

int
accept_one(int lfd, const struct ep *e, struct conn *c, char *why,
    size_t len)
{
	int fd;

	memset(c, 0, sizeof(*c));
	c->ep = e;
	c->pidfd = -1;
	c->status = -1;
	c->saved_rfl = c->saved_wfl = -1;
	conn_name(c->name, sizeof(c->name), e->spec);
	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd == -1 && (errno == EINTR || errno == ECONNABORTED));
	if (fd == -1)
		return say(why, len, "cannot accept on", c->name, errno);
	return sock_ready(fd, c);
}

/* Start exec: with a pipe for its stdout (OPEN_READ) and its stdin
 * (OPEN_WRITE); what it does not use it inherits from us. */
static int
start_exec(const struct ep *e, int how, struct conn *c, char *why,
    size_t len, int *code)
{
	struct spawn_fd fds[2];
	struct spawn_err se;
	struct spawn sp;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	size_t n = 0;
	int e1;

	if (((how & OPEN_WRITE) && pipe2(in, O_CLOEXEC) == -1) ||
	    ((how & OPEN_READ) && pipe2(out, O_CLOEXEC) == -1))
		goto fail;
	if (in[0] != -1) {
		fds[n++] = (struct spawn_fd){ .op = SPAWN_DUP2, .fd = 0,
		    .src = in[0] };
		io_pipe_size(in[1], IO_CHUNK);
	}
	if (out[1] != -1) {
		fds[n++] = (struct spawn_fd){ .op = SPAWN_DUP2, .fd = 1,
		    .src = out[1] };
		io_pipe_size(out[0], IO_CHUNK);
	}
	memset(&sp, 0, sizeof(sp));
	sp.argv = e->argv;
	sp.umask = -1;
	sp.fds = fds;
	sp.nfds = n;
	if (spawn_start(&sp, &c->pid, &se) == -1) {
		e1 = errno;
		if (se.step == SPAWN_STEP_EXEC) {
			*code = spawn_exec_status(e1);
			say(why, len, "cannot run", c->name, e1);
		} else
			snprintf(why, len, "cannot run %s: cannot %s: %s",
			    c->name, spawn_step_name(se.step), strerror(e1));
		goto out;
	}
	c->pidfd = reap_pidfd_open(c->pid);
	if (in[0] != -1)
		close(in[0]);
	if (out[1] != -1)
		close(out[1]);
	c->rfd = out[0];
	c->wfd = in[1];
	c->own = 1;
	return 0;
fail:
	say(why, len, "cannot run", c->name, errno);
out:
	e1 = errno;
	if (in[0] != -1)
		close(in[0]), close(in[1]);
	if (out[0] != -1)
		close(out[0]), close(out[1]);
	errno = e1;
	return -1;
}

int
conn_open(const struct ep *e, int how, mode_t mode, struct conn *c,
    char *why, size_t len, int *code)
{
	memset(c, 0, sizeof(*c));
	c->ep = e;
	c->rfd = c->wfd = -1;
	c->pidfd = -1;
	c->status = -1;
	c->saved_rfl = c->saved_wfl = -1;
	conn_name(c->name, sizeof(c->name), e->spec);
	*code = EXIT_NO;
	switch (e->kind) {
	case EP_STDIO:
		return inherited(-1, how, c, why, len);
	case EP_FD:
		if (fcntl(e->fd, F_GETFD) == -1)
			return say(why, len, "cannot use", c->name, errno);
		return inherited(e->fd, how, c, why, len);
	case EP_FILE:
	case EP_APPEND:
	case EP_FIFO:
		return open_path(e, how, mode, c, why, len);
	case EP_TCP:
		return connect_tcp(e, c, why, len);
	case EP_UNIX:
		return connect_unix(e, c, why, len);
	case EP_EXEC:
		return start_exec(e, how, c, why, len, code);
	default:
		snprintf(why, len, "cannot open %s: it listens", c->name);
		errno = EINVAL;
		return -1;
	}
}

static void
restore(int fd, int fl)
{
	if (fd != -1 && fl != -1)
		fcntl(fd, F_SETFL, fl);
}

void
conn_close(struct conn *c)
{
	restore(c->rfd, c->saved_rfl);
	restore(c->wfd, c->saved_wfl);
	c->saved_rfl = c->saved_wfl = -1;
	if (c->own) {
		if (c->rfd != -1)
			close(c->rfd);
		if (c->wfd != -1 && c->wfd != c->rfd)
			close(c->wfd);
	}
	c->rfd = c->wfd = -1;
	c->own = 0;
}

int
conn_reap(struct conn *c, int wait)
{
	pid_t r;
	int st;

	if (c->pid <= 0)
		return 1;
	do
		r = waitpid(c->pid, &st, wait ? 0 : WNOHANG);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r == -1)
		return -1;
	c->status = reap_exit_code(st);
	c->pid = 0;
	if (c->pidfd != -1)
		close(c->pidfd);
	c->pidfd = -1;
	return 1;
}
