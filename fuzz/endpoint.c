/*
 * fuzz/endpoint: pipe's endpoint grammar (applets/pipe/endpoint.c) on the
 * input as a NUL-terminated string, with its promises checked: a parse
 * fails with a message or gives an endpoint whose fields fit its kind
 * (a port in 1..65535, a unix path that fits sun_path, a non-empty
 * argv), and its description is a terminated string.
 * linked with applets/pipe/endpoint.c applets/common.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "../applets/pipe/pipe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct ep *e)
{
	struct sockaddr_un sun;

	switch (e->kind) {
	case EP_TCP:
		if (e->host == NULL || *e->host == '\0')
			abort();
		/* FALLTHROUGH */
	case EP_TCP_LISTEN:
		if (e->port < 1 || e->port > 65535)
			abort();
		break;
	case EP_UNIX:
	case EP_UNIX_LISTEN:
		if (e->path == NULL || *e->path == '\0' ||
		    strlen(e->path) >= sizeof(sun.sun_path))
			abort();
		break;
	case EP_EXEC:
		if (e->argv == NULL || e->argv[0] == NULL)
			abort();
		break;
	case EP_FD:
		if (e->fd < 0)
			abort();
		break;
	case EP_STDIO:
		break;
	default:
		if (e->path == NULL || *e->path == '\0')
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256], desc[512];
	struct ep e;
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(why, 'x', sizeof(why));
	if (ep_parse(s, &e, why, sizeof(why)) == -1) {
		if (memchr(why, '\0', sizeof(why)) == NULL)
			abort();
	} else {
		check(&e);
		ep_describe(&e, desc, sizeof(desc));
		if (memchr(desc, '\0', sizeof(desc)) == NULL)
			abort();
		ep_free(&e);
	}
	free(s);
	return 0;
}
