/*
 * fuzz/stat: /proc/stat bytes into proc_stat_parse.  A NUL-terminated
 * copy also goes to proc_cpulist_count, the other parser of CPU numbers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proc_stat st;
	char *s;
	int i;
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
	proc_cpulist_count(s);
	free(s);
	return 0;
}
