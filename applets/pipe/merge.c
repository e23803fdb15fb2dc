#include "pipe.h"
int
merge_main(const struct relay_opts *ro, char **av, size_t n,
    const char *to, uint64_t max_line, int tag, int dry, mode_t mode)
{
	return usage_error("--merge: not yet");
}
