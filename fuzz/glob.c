/*
 * fuzz/glob: watch's glob matcher and gitignore-line parser, on untrusted
 * text (patterns from -i and .gitignore files, names from the disk).  The
 * input is "pattern\npath": the pattern goes through globlist_add as a
 * .gitignore line would and is matched against the path; promises
 * checked: no crash, no runaway time (wildmatch's aborts bound the
 * backtracking, and a budget of steps the "**" cases; make fuzz gives a
 * unit 10 s; corpus/glob/starstar-unclosed-class took 27 s before), and
 * a pattern without any special character matches itself.
 * linked with applets/watch/filter.c applets/common.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../applets/watch/watch.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct globlist gl = { 0 };
	char *s, *pat, *path, *nl;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (strlen(s) != size) {
		free(s);
		return 0;
	}
	pat = s;
	path = "";
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		path = nl + 1;
	}
	(void)glob_match(pat, path);
	if (strpbrk(pat, "*?[\\") == NULL && !glob_match(pat, pat))
		abort();
	if (globlist_add(&gl, pat, NULL, 1) == 0) {
		(void)globlist_match(&gl, path, 0);
		(void)globlist_match(&gl, path, 1);
	}
	globlist_free(&gl);
	free(s);
	return 0;
}
