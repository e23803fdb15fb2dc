/*
 * run -j --resume, --resume-failed: GNU parallel's job log read back.
 * The file is whatever is at that path (an earlier run's log, torn by a
 * crash, or something else): a line that is no job's record is passed
 * over, never an error.
 */
#include "pool.h"

static int
cmp_seq(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* A record's Seq when it counts as done (succeeded_only: with Exitval
 * and Signal 0), else 0.  Fields: Seq Host Starttime JobRuntime Send
 * Receive Exitval Signal Command; the Command may be missing. */
static size_t
record_seq(char *line, int succeeded_only)
{
	long long seq, exitval, sig;
	char *f[8], *q = line;
	int k;

	for (k = 0; k < 8 && q != NULL; k++) {
		f[k] = q;
		if ((q = strchr(q, '\t')) != NULL)
			*q++ = '\0';
	}
	/* the header, a torn last line: not a job */
	if (k < 8 || args_int(f[0], 1, LLONG_MAX, &seq) == -1 ||
	    (unsigned long long)seq > SIZE_MAX)
		return 0;
	if (succeeded_only && (args_int(f[6], INT_MIN, INT_MAX,
	    &exitval) == -1 || args_int(f[7], 0, INT_MAX, &sig) == -1 ||
	    exitval != 0 || sig != 0))
		return 0;
	return (size_t)seq;
}

int
pool_joblog_read(FILE *fp, int succeeded_only, size_t **seqs, size_t *n,
    int *has_lines)
{
	size_t cap = 0, lcap = 0, i, k, seq;
	char *line = NULL;
	ssize_t len;

	*seqs = NULL;
	*n = 0;
	errno = 0;
	while ((len = getline(&line, &lcap, fp)) != -1) {
		*has_lines = 1;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if ((seq = record_seq(line, succeeded_only)) == 0)
			continue;
		xgrow(seqs, &cap, *n + 1, sizeof(**seqs));
		(*seqs)[(*n)++] = seq;
	}
	free(line);
	if (errno == ENOMEM)
		xnomem();
	if (ferror(fp))
		return -1;
	if (*n > 1)
		qsort(*seqs, *n, sizeof(**seqs), cmp_seq);
	for (i = k = 0; i < *n; i++)
		if (k == 0 || (*seqs)[k - 1] != (*seqs)[i])
			(*seqs)[k++] = (*seqs)[i];
	*n = k;
	return 0;
}
