/*
 * run -j's parts: the options, the jobs and the set-up (pool.c), the
 * input and the replacement strings (pool_input.c), the output and the
 * records: joblog, report, progress (pool_out.c).
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
	int		 tree_done, started, halted;
	int		 code, spawn_failed;
	double		 t0, start_real;
	uint64_t	 received;
	struct job	*next;		/* the grave */
};

struct pool {
	struct opts	*o;
	struct pool_opts *po;
	struct loop	*loop;
	char		**tmpl;		/* the command's words */
	int		 repl;		/* a replacement string among them */
	char		**envp;
	/* the input: groups of items, combined as a cartesian product */
	char		***grp;
	size_t		*gn, ngrp;
	size_t		 total, next;
	unsigned char	*skip;		/* --resume: done already */
	/* the jobs */
	int		 max, running;
	struct job	**slot;
	struct job	**held;		/* --keep-order: ended, not printed */
	size_t		 print_next;
	struct job	*grave;		/* freed once its callbacks returned */
	size_t		 done, failed, succeeded;
	int		 halting, halt_code, sig, nint;
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

/* pool_input.c */
int	 pool_read_input(struct pool *p, int argc, char *argv[]);
int	 pool_count_jobs(struct pool *p);
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
void	 pool_joblog(struct pool *p, struct job *j, double wall);
void	 pool_report(struct pool *p, struct job *j, double wall);
void	 pool_progress(struct pool *p, int last);
int	 pool_open_records(struct pool *p);

#endif
