/*
 * proc_lib: what lib/proc.c (roots, files, name lists), lib/proc_sys.c
 * (meminfo, vmstat, stat, loadavg, uptime, pressure, cpuinfo and the CPU
 * counts) and lib/proc_dev.c (diskstats, block devices, net/dev,
 * mountinfo) share.  Private to those three files.
 */
#ifndef LIB_PROC_LIB_H
#define LIB_PROC_LIB_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proc_int.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif


/* A NUL inside a name would cut it short as a C string: reject it. */
static inline int
has_nul(const char *s, const char *e)
{
	return memchr(s, '\0', (size_t)(e - s)) != NULL;
}

static inline int
parse_uint(const char *s, const char *e, unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, e, &v) == -1 || v > UINT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static inline int
parse_int(const char *s, const char *e, int *out)
{
	uint64_t v;

	if (parse_u64(s, e, &v) == -1 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * "123", "123.45": the fixed-point numbers /proc prints.  Digits beyond
 * what a uint64_t holds are dropped from the fraction; an integer part
 * that large is an error.
 */
static inline int
parse_decimal(const char *s, const char *e, double *out)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18
	};
	uint64_t m = 0;
	int nfrac = 0, ndig = 0, dot = 0;
	unsigned d;

	if (s >= e)
		return -1;
	for (; s < e; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		ndig++;
		if (m > (UINT64_MAX - d) / 10 || nfrac >= 18) {
			if (!dot)
				return -1;
			continue;	/* fraction digit we cannot hold */
		}
		m = m * 10 + d;
		if (dot)
			nfrac++;
	}
	if (ndig == 0)
		return -1;
	*out = (double)m / pow10[nfrac];
	return 0;
}

/* Trim surrounding white space of a NUL-terminated string to [*s, *e). */
static inline void
trim(const char *str, const char **s, const char **e)
{
	const char *a = str, *b = str + strlen(str);

	while (a < b && is_space(*a))
		a++;
	while (b > a && is_space(b[-1]))
		b--;
	*s = a;
	*e = b;
}

/* root + "/" + rel; rel NULL or "" names root itself. */
int	proc_join_path(char *buf, size_t len, const char *root, const char *rel);
/* Read root/rel whole, NUL-terminated, into stackbuf when it fits, else
 * into a growing heap buffer left in *heap; the text, or NULL with errno. */
char	*proc_slurp_into(const char *root, const char *rel, char *stackbuf,
	    size_t scap, char **heap, size_t *lenp);

/*
 * The system readers parse a file and are done with its text: it stays on
 * the stack (no malloc, copy and free per file) unless it is large.
 */
struct pbuf {
	char	 stack[8192];
	char	*heap;
};

static inline char *
pbuf_read(struct pbuf *b, const char *rel, size_t *lenp)
{
	return proc_slurp_into(proc_root(), rel, b->stack, sizeof(b->stack),
	    &b->heap, lenp);
}

static inline void
pbuf_free(struct pbuf *b)
{
	free(b->heap);
	b->heap = NULL;
}

/* Strings gathered in one block (on the stack while they fit), then
 * handed out as one allocation: the pointers, sorted, then the text. */
struct names {
	char	*buf;
	size_t	 len, cap;
	size_t	 n;
	int	 err;
	char	 small[2048];
};

void	proc_names_init(struct names *nm);
void	proc_names_add(struct names *nm, const char *s, size_t n);
/* The list, NULL-terminated and sorted (strcmp), in one free()-able
 * block; NULL with errno on failure.  Ends nm. */
char	**proc_names_finish(struct names *nm);

#endif
