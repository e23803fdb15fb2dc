/* fuzz/diskstats: /proc/diskstats bytes into proc_diskstats_parse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diskstat *ds;
	int i, n;

	if (proc_diskstats_parse((const char *)data, size, &ds, &n) == 0) {
		for (i = 0; i < n; i++)
			if (strlen(ds[i].name) >= sizeof(ds[i].name) ||
			    (ds[i].nfields != 14 && ds[i].nfields != 18 &&
			    ds[i].nfields != 20))
				__builtin_trap();
		free(ds);
	}
	return 0;
}
