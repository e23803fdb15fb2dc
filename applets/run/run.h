/*
 * run's parts: the options (opts.c), the outputs, capture and streams
 * (output.c), and the command, retries, report and set-up (run.c).
 */
#ifndef APPLETS_RUN_H
#define APPLETS_RUN_H

#include "../syskit.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>

#include "../../lib/cgroup.h"
#include "../../lib/child.h"
#include "../../lib/fs.h"
#include "../../lib/io.h"
#include "../../lib/loop.h"
#include "../../lib/reap.h"
#include "../../lib/spawn.h"

#define MAX_DURATION	(100.0 * 365 * 86400)
#define CHUNK		(256 * 1024)	/* one read of a stream */
#define PIPE_SIZE	(1024 * 1024)	/* output pipes, for throughput */
#define QUEUE_HIGH	(1024 * 1024)	/* pause the streams above */
#define LINE_MAX_TAG	(64 * 1024)	/* longer: passed on in parts */
#define DRAIN_MAX	(4 << 20)	/* read once the tree is gone */

enum { TS_NONE, TS_ISO, TS_REL };

struct envop {
	int		 unset;
	const char	*s;
};

struct opts {
	double		 timeout, kill_after;
	int		 sig;
	int		 preserve, foreground, keep_orphans;
	const char	*shell;
	struct envop	*env;
	size_t		 nenv;
	int		 clear_env;
	const char	*cwd;
	int		 umask;
	int		 nice, has_nice;
	struct spawn_rlimit *rl;
	size_t		 nrl;
	int		 new_session;
	int		*pass;
	size_t		 npass;
	const char	*stdin_file, *input, *stdout_file, *stderr_file;
	const char	*tee_file, *report;
	int		 append, merge, capture, prefix, ts;
	uint64_t	 capture_limit;
	long long	 retries;
	double		 retry_delay, backoff;
	struct args_codes retry_on;
	int		 has_retry_on;
	int		 verbose;
};

/* An output of ours: our stdout or stderr, a --stdout/--stderr file, the
 * --tee file.  A pipe we write to during the run is reopened
 * non-blocking, so that a reader that stops reading cannot stop the loop
 * (and with it the time limit); its bytes queue here. */
struct dest {
	int		 fd;
	int		 own;		/* opened by us */
	int		 nb;		/* non-blocking, queued */
	int		 dead;		/* EPIPE or a write error */
	int		 epipe;		/* the reader is gone */
	int		 watched;	/* for EPOLLOUT */
	const char	*name;
	struct io_buf	 q;		/* what a non-blocking fd did not take */
};

struct run;

/* The command's stdout or stderr, read by us through a pipe. */
struct stream {
	struct run	*r;
	int		 no;		/* 1 or 2 */
	int		 fd;		/* our end, or -1 */
	int		 paused;
	struct dest	*dest;
	char		*line;		/* the partial line */
	size_t		 linelen;
	int		 cont;		/* a long line's tag is out already */
	double		 line_mono;
	struct timespec	 line_real;
};

/* Held output, in order, as records of (stream, length): the first
 * capture_limit bytes in memory, the rest in an unlinked temp file. */
struct crec {
	int		 no;
	uint64_t	 len;
};

struct capture {
	char		*mem;
	size_t		 len, cap, limit;
	int		 fd;
	uint64_t	 flen;
	struct crec	*rec;
	size_t		 nrec, reccap;
	int		 err;		/* why bytes were lost */
	uint64_t	 lost;
};

struct run {
	struct opts	*o;
	struct loop	*loop;
	char		**argv;		/* the command */
	char		**envp;
	/* this attempt */
	struct child	 ch;
	pid_t		 pid;
	int		 status;
	int		 timed_out;
	int		 tree_done;
	int		 in_fd;		/* --input writer */
	size_t		 in_off;
	struct stream	 out, err;
	/* the whole run */
	int		 in_delay;
	int		 nint;		/* SIGINTs and SIGTERMs */
	int		 stop;		/* told to stop: no retry */
	int		 code;
	int		 spawn_failed;	/* 125, 126, 127 from spawn */
	int		 write_failed;	/* an output of ours: exit 1 */
	char		 why[256];	/* what run could not do */
	int		 attempts;
	int		 stdin_fd;
	int		 need_pipe;
	int		 tagging;
	struct dest	 d_out, d_err, d_tee;
	FILE		*report;
	struct capture	 cap;
	char		*rbuf;
	char		*tbuf;		/* tagged lines of a read */
	size_t		 tcap;
	struct rusage	 ru;
	double		 t0, start_real;
	uint64_t	 rnd;
};

/* opts.c */
int	 run_parse_opts(int argc, char *argv[], struct opts *o);
char	**run_build_env(const struct opts *o);
char	**run_command_argv(const struct opts *o, int argc, char *argv[]);
/* Untrusted text for a message, control characters escaped (out_vis). */
const char *run_vis(char *buf, size_t len, const char *s);

/* output.c */
void	 run_dest_init(struct dest *d, int fd, const char *name);
void	 run_dest_nonblock(struct dest *d);
void	 run_capture_reset(struct capture *c);
void	 run_capture_replay(struct run *r);
void	 run_on_stream(struct loop *l, int fd, unsigned ev, void *arg);
void	 run_on_input(struct loop *l, int fd, unsigned ev, void *arg);
void	 run_input_close(struct run *r);
void	 run_streams_drain(struct run *r);

/* run.c */
void	 run_maybe_done(struct run *r);

#endif
