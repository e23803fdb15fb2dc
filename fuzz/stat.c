/*
 * fuzz/stat: /proc/stat bytes into proc_stat_parse.  A NUL-terminated
 * copy also goes to proc_cpulist_count, the other parser of CPU numbers:
 * a list counts each CPU once, so "L,L" must count what L counts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The list s (n CPUs, trimmed of its surrounding space) twice, joined by a
 * comma, counts n again. */
static void
twice(const char *s, int n)
{
	size_t a = strspn(s, " \t\n\r\v\f"), b = strlen(s), len;
	char *t;

	while (b > a && strchr(" \t\n\r\v\f", s[b - 1]) != NULL)
		b--;
	len = b - a;
	if ((t = malloc(2 * len + 2)) == NULL)
		return;
	memcpy(t, s + a, len);
	t[len] = ',';
	memcpy(t + len + 1, s + a, len);
	t[2 * len + 1] = '\0';
	if (proc_cpulist_count(t) != n)
		__builtin_trap();
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_stat st;
	char *s;
	int i, n;
	uint64_t sum = 0;

	if (proc_stat_parse((const char *)data, size, &st) == 0) {
		if (st.total.nfields < 4 || st.total.nfields > 10)
			__builtin_trap();
		/* touch every entry: the arrays must hold ncpu of each */
		for (i = 0; i < st.ncpu; i++)
			sum += st.cpu[i].user + (uint64_t)st.cpu_id[i];
		(void)sum;
	}
	proc_stat_free(&st);

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((n = proc_cpulist_count(s)) > 0)
		twice(s, n);
	free(s);
	return 0;
}
