/* Fuzz the sock_diag reply parser and the /proc/net text parsers. */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sockdiag.h"

static const struct {
	int	 family, type;
} combos[] = {
	{ AF_INET, SOCK_STREAM }, { AF_INET6, SOCK_STREAM },
	{ AF_INET, SOCK_DGRAM }, { AF_INET6, SOCK_DGRAM },
	{ AF_UNIX, SOCK_STREAM },
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct socklist sl;
	unsigned char *buf;
	size_t i;

	/* one byte in, so that nothing may count on the input's alignment */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf + 1, data, size);
	for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		memset(&sl, 0, sizeof(sl));
		sock_parse_diag(buf + 1, size, combos[i].family,
		    combos[i].type, &sl);
		sock_free(&sl);
		if (combos[i].family == AF_UNIX)
			continue;
		memset(&sl, 0, sizeof(sl));
		sock_parse_proc_inet((const char *)buf + 1, size,
		    combos[i].family, combos[i].type, &sl);
		sock_free(&sl);
	}
	memset(&sl, 0, sizeof(sl));
	sock_parse_proc_unix((const char *)buf + 1, size, &sl);
	sock_free(&sl);
	free(buf);
	return 0;
}
