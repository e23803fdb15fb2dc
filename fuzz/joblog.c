/*
 * fuzz/joblog: run -j --resume's reader of GNU parallel's job log
 * (applets/run/pool_joblog.c), on the input as the file's bytes, with
 * its promises checked: it reads to the end without error, every seq it
 * gives is a record's (>= 1), sorted, no two alike; with --resume-failed
 * (succeeded only) the seqs are a subset of --resume's; anything at all
 * in the file is reported as lines.
 * linked with applets/run/pool_joblog.c applets/common.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../applets/run/pool.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_sorted(const size_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == 0 || (i > 0 && s[i - 1] >= s[i]))
			abort();
}

/* Every one of sub is in all (both sorted). */
static void
check_subset(const size_t *sub, size_t nsub, const size_t *all, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < nsub; i++) {
		while (k < n && all[k] < sub[i])
			k++;
		if (k == n || all[k] != sub[i])
			abort();
	}
}

static void
readlog(const uint8_t *data, size_t size, int succeeded, size_t **s,
    size_t *n)
{
	FILE *fp;
	int lines = 0;

	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	if (pool_joblog_read(fp, succeeded, s, n, &lines) == -1)
		abort();
	fclose(fp);
	if (lines != (size > 0))
		abort();
	check_sorted(*s, *n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t *all, *ok, nall, nok;

	if (size == 0)
		return 0;	/* fmemopen: a size of 0 is EINVAL on old glibc */
	readlog(data, size, 0, &all, &nall);
	readlog(data, size, 1, &ok, &nok);
	if (nok > nall)
		abort();
	check_subset(ok, nok, all, nall);
	free(all);
	free(ok);
	return 0;
}
