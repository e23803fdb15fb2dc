/*
 * compat: what the names that stand in for another tool (timeout, nproc,
 * flock, mktemp: COMPAT lines in applets.h) share.  Such a name speaks as
 * the original does: its messages, glibc getopt's wording for a bad
 * option, "Try 'NAME --help' for more information." and the original's
 * exit codes, in place of syskit's usage_error() and exit 2.
 */
#ifndef APPLETS_COMPAT_H
#define APPLETS_COMPAT_H

#include "../syskit.h"

/* "Try 'NAME --help' for more information." on stderr; returns code. */
int	 compat_try_help(int code);
/* The default: case of a getopt_long loop run with opterr = 0: the bad
 * option said as glibc's getopt says it ("invalid option -- 'x'",
 * "unrecognized option '--x'", "option '--x' requires an argument",
 * "option '--x' is ambiguous; possibilities: ..."), then the Try line;
 * returns code. */
int	 compat_badopt(char *const argv[], const char *optstring,
	    const struct option *lo, int code);
/* s quoted as coreutils' quote() does it: U+2018 s U+2019 in a UTF-8
 * locale, 's' in any other; control characters escaped (out_vis).
 * Returns buf. */
const char *compat_quote(char *buf, size_t len, const char *s);
/* Whether the locale's character set is UTF-8 (setlocale(LC_CTYPE, "")
 * once, as the original does at start-up; here only when a message needs
 * it). */
bool	 compat_utf8(void);

#endif
