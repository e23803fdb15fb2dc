/*
 * fuzz/mountinfo: /proc/self/mountinfo bytes into proc_mountinfo_parse.
 * A NUL-terminated copy also goes to proc_fs_is_dev, the reader of
 * /proc/filesystems.
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
	struct mounts ms;
	size_t sum = 0;
	char *s;
	int i;

	if (proc_mountinfo_parse((const char *)data, size, &ms) == 0) {
		/* every string must be a valid C string inside ms.buf */
		for (i = 0; i < ms.n; i++)
			sum += strlen(ms.m[i].root) +
			    strlen(ms.m[i].mountpoint) +
			    strlen(ms.m[i].opts) + strlen(ms.m[i].fstype) +
			    strlen(ms.m[i].source) +
			    strlen(ms.m[i].super_opts);
		if (sum > size)
			__builtin_trap();
	}
	proc_mounts_free(&ms);

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	proc_fs_is_dev(s, "ext4");
	proc_fs_is_dev(s, "zfs");
	proc_fs_is_dev(s, "");
	free(s);
	return 0;
}
