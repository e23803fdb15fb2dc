/*
 * pidfh: libbsd's pidfile_open, pidfile_fileno, pidfile_remove and
 * pidfile_close for run --daemon, without making every process load
 * libbsd.  The dynamic build finds them with dlopen("libbsd.so.0") on the
 * first call, so only a process that opens a pidfile maps libbsd and
 * libmd (loading both at every start cost about 0.25 ms of CPU, more than
 * syskit's own start-up: docs/DESIGN.md, libbsd).  A build with
 * -DPIDFH_LINKED (the static musl build) calls them directly.  Nothing
 * prints; the functions answer as libbsd's do, and pidfh_open fails with
 * errno ELIBACC when libbsd cannot be loaded (pidfh_error says why).
 */
#ifndef LIB_PIDFH_H
#define LIB_PIDFH_H

#include <sys/types.h>

struct pidfh;

struct pidfh	*pidfh_open(const char *path, mode_t mode, pid_t *other);
int		 pidfh_fileno(const struct pidfh *pfh);
int		 pidfh_remove(struct pidfh *pfh);
int		 pidfh_close(struct pidfh *pfh);
/* Why libbsd could not be loaded (the dynamic loader's words), or NULL. */
const char	*pidfh_error(void);

#endif
