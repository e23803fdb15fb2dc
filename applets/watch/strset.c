/*
 * strset: a set of strings that keeps their order (the changed paths of
 * a burst, the entries a scan reported), hashed for membership.
 */
#include "watch.h"

static size_t
str_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ull;
	return h;
}

/* The slot of s: where it is, or the empty one where it would go. */
static size_t
slot(const struct strset *ss, const char *s)
{
	size_t i, m = ss->nslots - 1;

	for (i = str_hash(s) & m; ss->slots[i] != 0 &&
	    strcmp(ss->v[ss->slots[i] - 1], s) != 0; i = (i + 1) & m)
		;
	return i;
}

static void
rehash(struct strset *ss)
{
	size_t i;

	free(ss->slots);
	ss->nslots = ss->nslots ? ss->nslots * 2 : 64;
	ss->slots = xcalloc(ss->nslots, sizeof(*ss->slots));
	for (i = 0; i < ss->n; i++)
		ss->slots[slot(ss, ss->v[i])] = i + 1;
}

int
strset_add(struct strset *ss, const char *s)
{
	size_t i;

	if ((ss->n + 1) * 2 > ss->nslots)
		rehash(ss);
	i = slot(ss, s);
	if (ss->slots[i] != 0)
		return 0;
	xgrow(&ss->v, &ss->cap, ss->n + 1, sizeof(*ss->v));
	ss->v[ss->n++] = xstrdup(s);
	ss->slots[i] = ss->n;
	return 1;
}

int
strset_has(const struct strset *ss, const char *s)
{
	return ss->n > 0 && ss->slots[slot(ss, s)] != 0;
}

void
strset_clear(struct strset *ss)
{
	size_t i;

	if (ss->n == 0)
		return;
	for (i = 0; i < ss->n; i++)
		free(ss->v[i]);
	ss->n = 0;
	memset(ss->slots, 0, ss->nslots * sizeof(*ss->slots));
}

void
strset_free(struct strset *ss)
{
	strset_clear(ss);
	free(ss->v);
	free(ss->slots);
	memset(ss, 0, sizeof(*ss));
}
