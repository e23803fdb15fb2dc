/*
 * run -j's parts: the options, the jobs and the set-up (pool.c), the
 * input and the replacement strings (pool_input.c), the output and the
 * records: joblog, report, progress (pool_out.c), the job log's reader
 * for --resume (pool_joblog.c).
 */
#ifndef APPLETS_RUN_POOL_H
#define APPLETS_RUN_POOL_H

#include "run.h"

#define SPOOL_MEM	(256 * 1024)	/* a job stream's bytes in memory */
#define RBUF		(64 * 1024)
#define LINE_PART	(64 * 1024)	/* longer lines pass in parts */
#define MAX_JOBS	100000

/* A job's output held until it ends: memory, then an unlinked file. */
struct spool {
	char		*mem;
	size_t		 len, cap;
	int		 fd;
	uint64_t	 flen;
};

struct job;

struct jstream {
	struct job	*j;
	int		 no;		/* 1 or 2: where it goes */
	int		 fd;		/* our end, or -1 */
	struct spool	 sp;
	char		*line;		/* --line-buffer: the partial line */
	size_t		 linelen;
	int		 midline;	/* a long line's part passed: no tag */
};

struct job {
	struct pool	*p;
	size_t		 idx;		/* input index; seq is idx + 1 */
	int		 slot;		/* 1 .. max */
	char		**argv;
	char		*tag;		/* the arguments, tab-separated */
	struct child	 ch;
	struct jstream	 s[2];
	int		 attempts;
	int		 retry_timer;	/* waiting --retry-delay: the timer */
	int		 tree_done, started, halted;
	int		 code, spawn_failed;
	double		 t0, start_real;
	uint64_t	 received;
	int		 ended;
	struct job	*onext;		/* --keep-order: the next started */
	struct job	*next;		/* the grave */
};

/* The input file (stdin, -a FILE, --commands FILE), read as the jobs
 * need it: split into items, kept until their jobs have started. */
struct pool_in {
	int		 fd;		/* -1: none (only ::: lists) */
	int		 delim;
	int		 eof, watched, nopoll;
	int		 nul_said;	/* a NUL cut an item: said once */
	char		*name;		/* for messages, escaped */
	char		*buf;		/* read, not yet split */
	size_t		 len, cap;
	size_t		 scan;		/* buf[0 .. scan) has no delimiter */
	char		**item;		/* split: item[head .. n) */
	size_t		 head, n, icap;
	size_t		 base;		/* the number of item[head] */
	size_t		 nitems;	/* items split so far */
};

struct pool {
	struct opts	*o;
	struct pool_opts *po;
	struct loop	*loop;
	char		**tmpl;		/* the command's words */
	int		 repl;		/* a replacement string among them */
	char		**envp;
	/* the input: the file's items (in), then the ::: lists (grp),
	 * combined as a cartesian product, the last varying fastest */
	struct pool_in	 in;
	char		***grp;
	size_t		*gn, ngrp;
	size_t		 per_item;	/* jobs per input item: the lists' product */
	size_t		 total, next;	/* total: the jobs known so far */
	size_t		*skip, nskip, iskip;	/* --resume: seqs done, sorted */
	/* the jobs */
	int		 max, running;
	struct job	**slot;
	struct job	*ohead, *otail;	/* --keep-order: started, not printed */
	struct job	*grave;		/* freed once its callbacks returned */
	size_t		 done, failed, succeeded;
	int		 halting, halt_code, sig;
	double		 first_stop;	/* the first SIGINT or SIGTERM */
	int		 out_dead[3], write_failed, self_failed;
	FILE		*joblog, *report;
	int		 progress;
	double		 t0, last_progress;
	char		*rbuf;
};

struct sbuf {
	char	*s;
	size_t	 len, cap;
};

/* pool.c */
/* Whether argv's options ask for a job pool (-j, --jobs, --commands):
 * then -k is --keep-order, not --kill-after. */
int	 pool_prescan(int argc, char *argv[], const char *optstring,
	    const struct option *lo);
/* Start jobs while slots are free and items are there. */
void	 pool_fill(struct pool *p);

/* pool_input.c */
/* The command, the ::: lists, the input file opened: 0, or -1 after the
 * message. */
int	 pool_open_input(struct pool *p, int argc, char *argv[]);
/* More items for the jobs: 1 when some came (or the end), 0 when none
 * can come without waiting (then the loop watches the input and calls
 * pool_fill when some came), -1 on error (after the message). */
int	 pool_input_more(struct pool *p);
/* Read the whole input now (the progress line needs the total). */
int	 pool_input_all(struct pool *p);
/* Stop watching the input unless the jobs wait for it. */
void	 pool_input_watch(struct pool *p, int want);
/* Drop the items whose jobs have all started. */
void	 pool_input_release(struct pool *p);
void	 pool_input_free(struct pool *p);
/* Whether a replacement string stands in words. */
int	 pool_has_repl(char **words);
/* j's argv (and tag) from its items and the command. */
void	 pool_job_argv(struct pool *p, struct job *j);
void	 pool_sb_add(struct sbuf *b, const char *s, size_t n);

/* pool_out.c */
/* Write to our stdout (1) or stderr (2); EPIPE ends that output. */
void	 pool_put(struct pool *p, int no, const char *s, size_t n);
void	 pool_put_tagged(struct pool *p, struct job *j, int no,
	    const char *s, size_t n, int *bol);
int	 pool_spool_put(struct spool *sp, const char *s, size_t n);
void	 pool_spool_free(struct spool *sp);
void	 pool_pass_lines(struct pool *p, struct jstream *s, const char *b,
	    size_t n);
void	 pool_pass_rest(struct pool *p, struct jstream *s);
void	 pool_job_print(struct pool *p, struct job *j);
void	 pool_print_held(struct pool *p, int all);
void	 pool_order_add(struct pool *p, struct job *j);
void	 pool_joblog(struct pool *p, struct job *j, double wall);
void	 pool_report(struct pool *p, struct job *j, double wall);
void	 pool_progress(struct pool *p, int last);
int	 pool_open_records(struct pool *p);

/* pool_joblog.c */
/* The seqs a job log has as done (failed_only: as succeeded), sorted, no
 * two alike; *has_lines when it holds anything.  0, or -1 on a read
 * error. */
int	 pool_joblog_read(FILE *fp, int succeeded_only, size_t **seqs,
	    size_t *n, int *has_lines);

#endif
