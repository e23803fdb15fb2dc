/* Fuzz the cgroup parsers: cpu.max, limit files and /proc/PID/cgroup. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cgroup.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *ctl[] = { "", "memory", "cpu", "pids",
	    "name=systemd" };
	char *buf, path[512], small[8];
	uint64_t period, v;
	int64_t quota;
	double lim;
	size_t i;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	if (cgroup_parse_cpu_max(buf, &quota, &period) == 0) {
		/* What cgroup_read derives from it must stay in range. */
		if (quota >= 0) {
			lim = (double)quota / (double)period;
			if (cgroup_effective_cpus(lim, 64) < 1)
				abort();
		}
	}
	(void)cgroup_parse_limit(buf, &v);
	for (i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		if (cgroup_parse_self(buf, ctl[i], path, sizeof(path)) == 0 &&
		    strlen(path) >= sizeof(path))
			abort();
		(void)cgroup_parse_self(buf, ctl[i], small, sizeof(small));
	}
	if (size >= sizeof(lim)) {
		memcpy(&lim, data, sizeof(lim));
		i = (size_t)cgroup_effective_cpus(lim, 8);
		if (i < 1 || i > 8)
			abort();
	}
	free(buf);
	return 0;
}
