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
#define CHUNK		(64 * 1024)	/* one read of a stream */
#define DRAIN		16		/* full chunks read per wakeup */
#define PIPE_SIZE	(1024 * 1024)	/* output pipes, for throughput */
#define QUEUE_HIGH	(1024 * 1024)	/* pause the streams above */
#define LINE_MAX_TAG	(64 * 1024)	/* longer: passed on in parts */
#define DRAIN_MAX	(4 << 20)	/* read once the tree is gone */

enum { TS_NONE, TS_ISO, TS_REL };

struct envop {
	int		 unset;
	const char	*s;
};

/* --init, --daemon, --stop (init.c, daemon.c): their own options, one
 * dispatch point in run_main. */
enum { RUN_PLAIN, RUN_INIT, RUN_DAEMON, RUN_STOP };
enum { RESTART_NO, RESTART_FAILURE, RESTART_ALWAYS };
enum {
	O_INIT = 512, O_SINGLE_CHILD, O_REWRITE, O_GRACE, O_EXIT_MAP,
	O_PDEATH, O_DAEMON, O_PIDFILE, O_LOG, O_WAIT_READY, O_READY_TIMEOUT,
	O_RESTART, O_RESTART_DELAY, O_STOP,
};
#define RUN_MODE_LONGOPTS \
	{ "daemon", no_argument, NULL, O_DAEMON }, \
	{ "exit-map", required_argument, NULL, O_EXIT_MAP }, \
	{ "grace", required_argument, NULL, O_GRACE }, \
	{ "init", no_argument, NULL, O_INIT }, \
	{ "log", required_argument, NULL, O_LOG }, \
	{ "parent-death", required_argument, NULL, O_PDEATH }, \
	{ "pidfile", required_argument, NULL, O_PIDFILE }, \
	{ "ready-timeout", required_argument, NULL, O_READY_TIMEOUT }, \
	{ "restart", required_argument, NULL, O_RESTART }, \
	{ "restart-delay", required_argument, NULL, O_RESTART_DELAY }, \
	{ "rewrite", required_argument, NULL, O_REWRITE }, \
	{ "single-child", no_argument, NULL, O_SINGLE_CHILD }, \
	{ "stop", required_argument, NULL, O_STOP }, \
	{ "wait-ready", required_argument, NULL, O_WAIT_READY },

struct mode_opts {
	int		 mode;		/* RUN_* */
	int		 single_child;
	double		 grace;		/* [5] */
	int		 pdeath;	/* parent-death signal, 0: none */
	short		 rewrite[NSIG];	/* 1 + the signal sent; 0: as is */
	short		 exit_map[256];	/* 1 + the code; 0: as is */
	const char	*pidfile, *log, *stop;
	int		 ready_fd;	/* -1: none */
	double		 ready_timeout;	/* 0: none */
	int		 restart;	/* RESTART_* */
	double		 restart_delay;	/* [1] */
};


/* run -j: the job pool (pool.c); its long options' codes */
enum {
	O_POOL = 640, O_GROUP = O_POOL, O_LINE_BUFFER, O_UNGROUP, O_KEEP_ORDER,
	O_TAG, O_HALT, O_JOBLOG, O_RESUME, O_RESUME_FAILED, O_BAR, O_ETA,
	O_COMMANDS, O_POOL_END
};
enum { POOL_GROUP, POOL_LINE, POOL_UNGROUP };
enum { HALT_NEVER, HALT_SOON, HALT_NOW };

struct pool_opts {
	int		 on;		/* -j or --commands: run is a job pool */
	const char	*set;		/* a pool option given (for the message) */
	int		 jobs, jobs_pct, jobs_auto;
	int		 nul;		/* -0 */
	const char	*argfile;	/* -a */
	const char	*commands;	/* --commands FILE|- */
	int		 out;		/* POOL_* */
	int		 keep_order, tag;
	int		 halt, halt_success;	/* HALT_*; on success=, else fail= */
	long long	 halt_n;	/* jobs, or per cent with halt_pct */
	int		 halt_pct;
	const char	*joblog;
	int		 resume;	/* 1 --resume, 2 --resume-failed */
	int		 bar, eta;	/* 1 on a terminal, 2 always */
};

struct opts {
	struct pool_opts pool;
	struct mode_opts m;
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
	int		 keep_fds;	/* the command inherits every fd (timeout) */
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
	double		 first_stop;	/* the first SIGINT or SIGTERM */
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
	/* run_once's caller (the timeout compat name): hears each lib/child
	 * step (enum child_event), RUN_HOOK_SETUP once the loop is up and
	 * before the command starts, RUN_HOOK_SPAWN_FAILED in place of run's
	 * message (spawn_errno says why) */
	void		(*hook)(struct run *r, int ev);
	void		*hook_arg;
	int		 spawn_errno;
};
#define RUN_HOOK_SETUP		(-1)
#define RUN_HOOK_SPAWN_FAILED	(-2)

/* opts.c */
int	 run_parse_opts(int argc, char *argv[], struct opts *o);
char	**run_build_env(const struct opts *o);
char	**run_command_argv(const struct opts *o, int argc, char *argv[]);
/* Untrusted text for a message, control characters escaped (out_vis). */
const char *run_vis(char *buf, size_t len, const char *s);
/* "invalid OPT: VALUE" (escaped); returns -1. */
int	 run_badval(const char *opt, const char *val);

/* output.c */
void	 run_dest_init(struct dest *d, int fd, const char *name);
void	 run_dest_nonblock(struct dest *d);
void	 run_capture_reset(struct capture *c);
void	 run_capture_replay(struct run *r);
void	 run_on_stream(struct loop *l, int fd, unsigned ev, void *arg);
void	 run_on_input(struct loop *l, int fd, unsigned ev, void *arg);
void	 run_input_close(struct run *r);
void	 run_streams_drain(struct run *r);

/* pool.c */
/* One pool option (ch from getopt_long): 0, or -1 after the message. */
int	 pool_opt(int ch, const char *arg, struct pool_opts *p);
/* Run the job pool; the exit code. */
int	 pool_main(struct opts *o, int argc, char *argv[]);

/* run.c */
/* One attempt at argv as o says (no retries, report or summary), r zeroed
 * but for its hook: the exit code; r->ch, r->status and r->spawn_failed
 * say what happened. */
int	 run_once(struct opts *o, struct run *r, char **argv);
void	 run_maybe_done(struct run *r);
void	 run_plan(const struct opts *o, char **argv, char **envp,
	    struct spawn *sp);
void	 run_child_init(const struct opts *o, struct child *c);
double	 tv_secs(struct timeval tv);	/* seconds */
double	 real_now(void);		/* CLOCK_REALTIME in seconds */

/* init.c: --init and friends; the init applet */
void	 run_mode_defaults(struct mode_opts *m);
/* One of O_INIT..O_STOP: 0, or -1 after saying why. */
int	 run_mode_opt(struct opts *o, int ch, const char *arg);
/* Run the mode o->m.mode asks for; the exit code. */
int	 run_mode_main(struct opts *o, int argc, char *argv[]);
int	 run_init(struct opts *o, char **av);
/* Reap every exited child but c's command (lib/child reaps that one). */
void	 run_reap_others(struct child *c);
/* daemon.c */
int	 run_daemon(struct opts *o, char **av);
int	 run_stop(struct opts *o);

/* run.c: say what the sweep of a command's tree could not do */
void	run_warn_sweep(const struct child *c);

#endif
