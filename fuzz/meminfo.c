/*
 * fuzz/meminfo: /proc/meminfo bytes into proc_meminfo_parse.  The other
 * small key-value files of lib/proc (vmstat, loadavg, uptime, pressure,
 * cpuinfo) have no target of their own, so the same bytes go through
 * their parsers too; the seed corpus holds samples of each.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../lib/proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct meminfo mi;
	struct vmstat vm;
	struct loadavg la;
	struct psi ps;
	struct cpuinfo ci;
	double up, idle;

	if (proc_meminfo_parse(buf, size, &mi) == 0 &&
	    !(mi.has & MI_MEMTOTAL))
		__builtin_trap();
	proc_vmstat_parse(buf, size, &vm);
	proc_loadavg_parse(buf, size, &la);
	proc_uptime_parse(buf, size, &up, &idle);
	proc_psi_parse(buf, size, &ps);
	if (proc_cpuinfo_parse(buf, size, &ci) == 0 &&
	    strlen(ci.model) >= sizeof(ci.model))
		__builtin_trap();
	return 0;
}
