/*
 * mem: arenas and array growth.  See mem.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/*
 * The pieces of a report or a table live in an arena of chunks freed
 * together: there are thousands of small ones, and a malloc and free each
 * (musl maps and unmaps pages for them) cost more than the output.  Chunks
 * double up to 1 MiB, so a large table takes few of them.  Every piece
 * comes zeroed.
 */
struct arena_chunk {
	struct arena_chunk *next;
	size_t		 used, cap;
	max_align_t	 data[];
};

#define ARENA_CHUNK	(128 * 1024)
#define ARENA_MAXCHUNK	(1024 * 1024)

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t align = _Alignof(max_align_t), cap;
	void *p;

	if (n > SIZE_MAX - align - sizeof(*c)) {
		errno = ENOMEM;
		return NULL;
	}
	n = (n + align - 1) / align * align;
	if (c == NULL || c->cap - c->used < n) {
		cap = c == NULL ? ARENA_CHUNK : c->cap < ARENA_MAXCHUNK ?
		    c->cap * 2 : ARENA_MAXCHUNK;
		if (cap < n)
			cap = n;
		/* zeroed once here (a fresh mapping costs nothing to zero),
		 * not piece by piece: nothing in a chunk is ever reused */
		if ((c = calloc(1, sizeof(*c) + cap)) == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if ((d = arena_alloc(a, n)) != NULL)
		memcpy(d, s, n);
	return d;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
}

int
mem_grow(void *pp, size_t *cap, size_t need, size_t sz)
{
	void **p = pp, *np;
	size_t ncap = *cap ? *cap : 16;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	if (sz != 0 && ncap > SIZE_MAX / sz) {
		errno = ENOMEM;
		return -1;
	}
	if ((np = realloc(*p, ncap * sz)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}
