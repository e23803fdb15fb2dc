/*
 * fuzz/http: bytes from the network into http_parse, the request head
 * parser of sysinfo --serve.  A complete head lies inside the input and
 * its path inside the head; a refusal is one of the documented statuses.
 */
#include <stddef.h>
#include <stdint.h>

#include "../lib/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_req r;
	int rc;

	rc = http_parse(buf, size, &r);
	if (rc == 1) {
		if (r.headlen == 0 || r.headlen > size ||
		    r.headlen > HTTP_MAX_HEAD)
			__builtin_trap();
		if (r.path < buf || r.path + r.pathlen > buf + r.headlen)
			__builtin_trap();
	} else if (rc != 0 && rc != 400 && rc != 413 && rc != 414 &&
	    rc != 431 && rc != 505)
		__builtin_trap();
	return 0;
}
