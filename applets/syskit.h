/* syskit.h: what every applet includes. */
#ifndef SYSKIT_H
#define SYSKIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/types.h>

#include <errno.h>
#include <err.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/args.h"
#include "../lib/mem.h"
#include "../lib/out.h"

#define SYSKIT_VERSION "0.1.0"

/* Exit codes, the same in every applet (docs/DESIGN.md). */
#define EXIT_NO		1
#define EXIT_USAGE	2
#define EXIT_BUSY	75
#define EXIT_TIMEOUT	124
#define EXIT_SELF	125
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define APPLET(name, fn, summary) int fn(int, char *[]);
#define COMPAT(name, fn, summary) int fn(int, char *[]);
#include "applets.h"
#undef APPLET
#undef COMPAT

/* common.c: a usage error, one line "syskit APPLET: MESSAGE" (none when
 * fmt is NULL) and "Try 'syskit APPLET --help'."; returns EXIT_USAGE. */
int	usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The default: case of a getopt_long loop run with opterr = 0 (main.c sets
 * it): the option named as the user wrote it, never a raw byte. */
int	usage_badopt(char *const argv[], const char *optstring,
	    const struct option *lo);

/* common.c: allocators that print "syskit APPLET: out of memory" and exit
 * with syskit_nomem_exit (1; run sets 125, since 1 could be its command's). */
extern int syskit_nomem_exit;
void	 xnomem(void) __attribute__((noreturn));
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t sz);
void	*xreallocarray(void *p, size_t n, size_t sz);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* mem_grow that cannot fail: p is the address of the array pointer. */
void	 xgrow(void *p, size_t *cap, size_t need, size_t sz);

#endif
