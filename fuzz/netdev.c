/* fuzz/netdev: /proc/net/dev bytes into proc_netdev_parse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/proc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netdev *nd;
	int i, n;

	if (proc_netdev_parse((const char *)data, size, &nd, &n) == 0) {
		for (i = 0; i < n; i++)
			if (strlen(nd[i].name) == 0 ||
			    strlen(nd[i].name) >= sizeof(nd[i].name))
				__builtin_trap();
		free(nd);
	}
	return 0;
}
