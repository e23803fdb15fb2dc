/*
 * mem: memory that many small pieces share.  An arena of chunks freed
 * together (every piece zeroed, never freed alone), and the one growth
 * step of a dynamic array.  Nothing prints; NULL or -1 with ENOMEM.
 * (The allocators that end the program on failure are the applets':
 * applets/common.c, since lib/ never exits.)
 */
#ifndef LIB_MEM_H
#define LIB_MEM_H

#include <stddef.h>

struct arena_chunk;
struct arena {
	struct arena_chunk *head;
};

/* n zeroed bytes, aligned for any type, or NULL. */
void	*arena_alloc(struct arena *a, size_t n);
/* A copy of s in the arena, or NULL. */
char	*arena_strdup(struct arena *a, const char *s);
/* Free every piece at once; the arena can be used again. */
void	 arena_free(struct arena *a);

/*
 * Make room for need elements of size sz in the array *p of capacity *cap
 * (doubling, from at least 16): 0, or -1 with ENOMEM and *p unchanged.
 */
int	 mem_grow(void *p, size_t *cap, size_t need, size_t sz);

#endif
