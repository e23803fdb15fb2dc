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
#include "../lib/out.h"

#define SYSKIT_VERSION "0.1.0"

/* Exit codes, the same in every applet (DESIGN.md). */
#define EXIT_NO		1
#define EXIT_USAGE	2
#define EXIT_BUSY	75
#define EXIT_TIMEOUT	124
#define EXIT_SELF	125
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define APPLET(name, fn, summary) int fn(int, char *[]);
#include "applets.h"
#undef APPLET

/* main.c: print the usage text to stderr and return EXIT_USAGE. */
int	usage_error(const char *usage);

#endif
