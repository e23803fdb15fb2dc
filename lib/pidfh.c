/*
 * pidfh: libbsd's pidfile_* through dlopen in the dynamic build, linked in
 * with -DPIDFH_LINKED.  Every handle comes from pidfh_open, so the other
 * calls only ever run once the library is loaded.
 */
#include <errno.h>
#include <stddef.h>

#include "pidfh.h"

#ifdef PIDFH_LINKED

#include <bsd/libutil.h>

struct pidfh *
pidfh_open(const char *path, mode_t mode, pid_t *other)
{
	return pidfile_open(path, mode, other);
}

int
pidfh_fileno(const struct pidfh *pfh)
{
	return pidfile_fileno(pfh);
}

int
pidfh_remove(struct pidfh *pfh)
{
	return pidfile_remove(pfh);
}

int
pidfh_close(struct pidfh *pfh)
{
	return pidfile_close(pfh);
}

const char *
pidfh_error(void)
{
	return NULL;
}

#else	/* dlopen */

#include <dlfcn.h>

#define LIBBSD	"libbsd.so.0"

static struct {
	struct pidfh	*(*open)(const char *, mode_t, pid_t *);
	int		 (*fileno)(const struct pidfh *);
	int		 (*remove)(struct pidfh *);
	int		 (*close)(struct pidfh *);
	const char	*error;
	int		 tried;
} bsd;

static int
load(void)
{
	void *h;
	const char *e;

	if (bsd.open != NULL)
		return 0;
	if (bsd.tried) {
		errno = ELIBACC;
		return -1;
	}
	bsd.tried = 1;
	/* RTLD_NODELETE: a handle may outlive any close of ours */
	if ((h = dlopen(LIBBSD, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) == NULL)
		goto fail;
	*(void **)&bsd.fileno = dlsym(h, "pidfile_fileno");
	*(void **)&bsd.remove = dlsym(h, "pidfile_remove");
	*(void **)&bsd.close = dlsym(h, "pidfile_close");
	*(void **)&bsd.open = dlsym(h, "pidfile_open");
	if (bsd.fileno != NULL && bsd.remove != NULL && bsd.close != NULL &&
	    bsd.open != NULL)
		return 0;
	bsd.open = NULL;
fail:
	e = dlerror();
	bsd.error = e != NULL ? e : LIBBSD ": no pidfile_open";
	errno = ELIBACC;
	return -1;
}

struct pidfh *
pidfh_open(const char *path, mode_t mode, pid_t *other)
{
	if (load() == -1)
		return NULL;
	return bsd.open(path, mode, other);
}

int
pidfh_fileno(const struct pidfh *pfh)
{
	if (pfh == NULL || bsd.fileno == NULL) {
		errno = EINVAL;
		return -1;
	}
	return bsd.fileno(pfh);
}

int
pidfh_remove(struct pidfh *pfh)
{
	if (pfh == NULL || bsd.remove == NULL)
		return 0;
	return bsd.remove(pfh);
}

int
pidfh_close(struct pidfh *pfh)
{
	if (pfh == NULL || bsd.close == NULL)
		return 0;
	return bsd.close(pfh);
}

const char *
pidfh_error(void)
{
	return bsd.error;
}

#endif
