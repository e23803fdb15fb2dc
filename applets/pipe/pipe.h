/*
 * pipe.h: what the files of the pipe applet share.  endpoint.c parses an
 * endpoint's text (no I/O), open.c opens it (files, sockets, exec:),
 * copy.c moves the bytes of one relay, main.c holds the options and
 * serves connections, merge.c merges lines, stat.c draws progress.
 */
#ifndef PIPE_H
#define PIPE_H

#include "../syskit.h"

#include <inttypes.h>
#include "../../lib/io.h"
#include "../../lib/loop.h"

enum ep_kind {
	EP_STDIO,	/* "-" */
	EP_FD,		/* fd:N */
	EP_FILE,	/* file:PATH, or a bare path */
	EP_APPEND,	/* append:PATH */
	EP_FIFO,	/* fifo:PATH */
	EP_TCP,		/* tcp:HOST:PORT */
	EP_TCP_LISTEN,	/* tcp-listen:[HOST:]PORT */
	EP_UNIX,	/* unix:PATH, unix:@NAME */
	EP_UNIX_LISTEN,	/* unix-listen:PATH */
	EP_EXEC,	/* exec:COMMAND ARGS */
};

/* An endpoint as written: what ep_parse makes of it. */
struct ep {
	enum ep_kind	 kind;
	const char	*spec;		/* the text, as given */
	char		*path;		/* file, fifo, unix (abstract: no '@') */
	int		 abstract;	/* unix:@NAME */
	char		*host;		/* tcp: name or address, no brackets;
					 * NULL for a listener on any address */
	unsigned	 port;
	int		 fd;		/* fd:N */
	char		**argv;		/* exec: */
};

/* Parse s into e (pointers into fresh allocations): 0, or -1 with a
 * message for the user in why ("malformed address: ..."). */
int	ep_parse(const char *s, struct ep *e, char *why, size_t len);
void	ep_free(struct ep *e);
/* The grammar's name of a kind: "file", "tcp-listen", ... */
const char *ep_kind_name(enum ep_kind k);
/* Whether the endpoint waits for a peer (tcp-listen:, unix-listen:). */
int	ep_listens(const struct ep *e);
/* Write a one-line description of e (the dry run's output) into buf. */
void	ep_describe(const struct ep *e, char *buf, size_t len);

/* An open endpoint: descriptors to read and to write (the same socket for
 * both, two pipes for exec:, one of them -1 when not used). */
struct conn {
	const struct ep	*ep;
	char		 name[128];	/* for messages: the spec, escaped */
	int		 rfd, wfd;
	int		 own;		/* we opened rfd/wfd: close them */
	int		 shared;	/* kept across connections: no close */
	int		 sock;		/* a stream socket: shutdown to end */
	pid_t		 pid;		/* exec: the command, or 0 */
	int		 pidfd;
	int		 status;	/* its exit code once reaped, else -1 */
	int		 saved_rfl, saved_wfl;	/* inherited fd flags to restore */
};

#define OPEN_READ	0x1
#define OPEN_WRITE	0x2

/* open.c: open e for reading and/or writing into c; the listener fd for
 * the *-listen kinds is made by listen_open and taken by accept_one.  -1
 * with a message in why (and the exit code in *code) when it fails. */
int	conn_open(const struct ep *e, int how, mode_t mode, struct conn *c,
	    char *why, size_t len, int *code);
int	listen_open(const struct ep *e, char *why, size_t len);
int	accept_one(int lfd, const struct ep *e, struct conn *c, char *why,
	    size_t len);
/* Close what c owns and restore inherited flags (not the child). */
void	conn_close(struct conn *c);
/* Reap c's command if it has exited (blocking when wait is set): 1 when
 * reaped (c->status set), 0 if it runs, -1 on error. */
int	conn_reap(struct conn *c, int wait);
/* A message-safe name for an endpoint text. */
void	conn_name(char *buf, size_t len, const char *spec);

/* copy.c: one relay, source to sinks (or both ways between two). */

struct relay_opts {
	int		 drop;		/* --on-sink-error drop */
	uint64_t	 count;		/* -c: stop after this many (0: no) */
	double		 rate;		/* -L: bytes per second (0: no limit) */
	double		 half_close;	/* --half-close-timeout (<0: none) */
};

/* A descriptor the flows of a relay wait on, watched once in the loop
 * (edge-triggered, both ways) for the whole relay. */
struct fdw {
	int		 fd;
	int		 rd, wr;	/* ready, as far as we know */
	int		 watched;
};

struct sink {
	struct conn	*c;
	struct fdw	*w;		/* NULL: always ready (regular file) */
	int		 fd, kind;
	int		 mode;
	int		 p[2];		/* fan-out: its own pipe */
	uint64_t	 queued;	/* bytes waiting in p (or the hub) */
	uint64_t	 last_tee;
	uint64_t	 bytes;		/* delivered */
	struct io_buf	 buf;		/* read/write fallback */
	int		 state;		/* SK_* */
};

enum { SK_OK, SK_DONE, SK_DROPPED };

struct flow {
	struct relay	*r;
	struct conn	*src;
	struct fdw	*w;		/* the source's watch, NULL: file */
	int		 in, kind, mode;
	struct sink	*sk;
	size_t		 nsk;
	int		 hub[2];	/* internal pipe; hub[0] == in: the source */
	uint64_t	 hubq;		/* bytes in an internal hub */
	size_t		 hubsz;
	int		 hub_full;
	struct io_buf	 buf;
	uint64_t	 bytes;		/* taken from the source */
	int		 eof, done, counted;
};

struct relay {
	struct loop	*loop;
	const struct relay_opts *o;
	struct flow	 f[2];
	size_t		 nf;
	struct fdw	 w[8];
	size_t		 nw;
	struct conn	*conns[8];
	size_t		 nconns;
	double		 start, last;	/* loop_now at start, at the last byte */
	double		 tokens, tok_at;
	int		 throttle_timer, half_timer;
	int		 code;		/* EXIT_NO once failed */
	int		 dropped;
	int		 done;
	char		 why[256];
};

/* Set up a relay from src to n sinks (n <= 6), or both ways between
 * a and b (bidi: sinks[0] is b); 0, or -1 with r->why. */
int	relay_init(struct relay *r, struct loop *l, const struct relay_opts *o,
	    struct conn *src, struct conn **sinks, size_t n, int bidi);
/* Move what can be moved now: 1 when some bytes moved. */
int	relay_step(struct relay *r);
/* Stop watching, close, reap: the exit code (a message printed). */
int	relay_end(struct relay *r, int kill_them);
/* Bytes taken from the relay's first source. */
uint64_t relay_bytes(const struct relay *r);

/* stat.c: the progress line (size 0: unknown; final: end it with a
 * newline) and the summary, on stderr. */
void	progress_draw(const struct relay *r, uint64_t size, int final);
void	stats_print(const struct relay *r, int json);

/* merge.c: --merge SOURCE ... --to SINK; the exit code. */
int	merge_main(const struct relay_opts *ro, char **av, size_t n,
	    const char *to, uint64_t max_line, int tag, int dry, mode_t mode);

#endif
