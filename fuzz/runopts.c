/*
 * fuzz/runopts: the parsers of run's structured option values (--limit
 * RESOURCE=SOFT[:HARD] in lib/spawn, --retry-on CODES in lib/args), on the
 * input as a NUL-terminated string, with their promises checked: errno is
 * EINVAL or ERANGE on failure; a parsed value is consistent and, written
 * back in canonical form, parses to the same value.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/args.h"
#include "../lib/reap.h"
#include "../lib/spawn.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_errno(int rc)
{
	if (rc == -1 && errno != EINVAL && errno != ERANGE)
		abort();
}

static void
rlimit(const char *s)
{
	struct spawn_rlimit rl, back;
	char buf[128], soft[32] = "", hard[32] = "";
	const char *name;
	int rc;

	rc = spawn_parse_rlimit(s, &rl);
	check_errno(rc);
	if (rc == -1)
		return;
	if (rl.set == 0 || (rl.set & ~(SPAWN_RL_SOFT | SPAWN_RL_HARD)) != 0)
		abort();
	if (rl.set == (SPAWN_RL_SOFT | SPAWN_RL_HARD) && rl.soft > rl.hard)
		abort();
	if ((name = spawn_rlimit_name(rl.resource)) == NULL)
		abort();
	if (rl.set & SPAWN_RL_SOFT)
		snprintf(soft, sizeof(soft), rl.soft == RLIM_INFINITY ?
		    "unlimited" : "%llu", (unsigned long long)rl.soft);
	if (rl.set & SPAWN_RL_HARD)
		snprintf(hard, sizeof(hard), rl.hard == RLIM_INFINITY ?
		    "unlimited" : "%llu", (unsigned long long)rl.hard);
	snprintf(buf, sizeof(buf), "%s=%s:%s", name, soft, hard);
	if (spawn_parse_rlimit(buf, &back) != 0 ||
	    back.resource != rl.resource || back.set != rl.set ||
	    ((rl.set & SPAWN_RL_SOFT) && back.soft != rl.soft) ||
	    ((rl.set & SPAWN_RL_HARD) && back.hard != rl.hard))
		abort();
}

static void
codes(const char *s)
{
	struct args_codes c, back;
	char buf[2048];
	size_t n = 0;
	int rc, i;

	rc = args_codes(s, &c);
	check_errno(rc);
	if (rc == -1)
		return;
	if (args_codes_has(&c, -1) || args_codes_has(&c, 256))
		abort();
	buf[0] = '\0';
	for (i = 0; i < 256; i++)
		if (args_codes_has(&c, i))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d",
			    n ? "," : "", i);
	if (c.timeout)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%stimeout",
		    n ? "," : "");
	if (c.signal)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%ssignal",
		    n ? "," : "");
	if (args_codes(buf, &back) != 0 ||
	    memcmp(back.bits, c.bits, sizeof(c.bits)) != 0 ||
	    back.timeout != c.timeout || back.signal != c.signal)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rlimit(s);
	codes(s);
	free(s);
	return 0;
}
