/*
 * fuzz/locks: /proc/locks bytes into locks_parse, every line and on one
 * inode; each entry must be within what the grammar allows.
 */
#include <stddef.h>
#include <stdint.h>

#include "../lib/locks.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
check(const struct locks_entry *e, void *arg)
{
	if (e->class > LOCKS_OTHER || (e->write != 0 && e->write != 1) ||
	    (e->blocked != 0 && e->blocked != 1) || e->id < 0)
		__builtin_trap();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct locks_entry e;

	locks_parse(buf, size, 0, 0, 0, check, NULL);
	locks_parse(buf, size, 0xfe, 0, 1, check, NULL);
	if (locks_parse_line(buf, size, &e) == 0)
		check(&e, NULL);
	return 0;
}
