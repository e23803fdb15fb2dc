/*
 * common: what every applet shares and lib/ may not do, because it prints
 * or exits: usage messages and the allocators that end the program when
 * memory runs out.
 */
#include "syskit.h"

#include <stdarg.h>

int syskit_nomem_exit = EXIT_NO;

/* "syskit ps" -> "ps": the applet's name, from the name messages carry. */
static const char *
applet_name(void)
{
	const char *s = program_invocation_short_name;
	const char *sp = strchr(s, ' ');

	return sp != NULL ? sp + 1 : s;
}

int
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	if (strcmp(program_invocation_short_name, "syskit") == 0)
		fprintf(stderr, "Try 'syskit --help'.\n");
	else
		fprintf(stderr, "Try 'syskit %s --help'.\n", applet_name());
	return EXIT_USAGE;
}

/* The long option whose val is ch, or NULL. */
static const struct option *
long_by_val(const struct option *lo, int ch)
{
	for (; lo != NULL && lo->name != NULL; lo++)
		if (lo->flag == NULL && lo->val == ch)
			return lo;
	return NULL;
}

int
usage_badopt(char *const argv[], const char *optstring,
    const struct option *lo)
{
	const struct option *o;
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *p;
	char vis[4 * 80 + 1];
	size_t n;

	/* musl leaves optind at argc + 1 after a missing last value */
	if (arg == NULL)
		arg = optind > 1 && argv[optind - 2] != NULL ?
		    argv[optind - 2] : "";

	/* an unknown long option: getopt has stepped past it */
	if (optopt == 0) {
		n = strcspn(arg, "=");
		return usage_error("unknown option: %s",
		    out_vis(vis, sizeof(vis), arg, n < 80 ? n : 80));
	}
	/* a long option (or its abbreviation) that is missing its value,
	 * or has one it does not take: optopt is the option's code */
	n = strncmp(arg, "--", 2) == 0 ? strcspn(arg + 2, "=") : 0;
	if ((o = long_by_val(lo, optopt)) != NULL && n > 0 &&
	    strncmp(arg + 2, o->name, n) == 0) {
		if (o->has_arg == no_argument && arg[2 + n] == '=')
			return usage_error("option --%s takes no value",
			    o->name);
		return usage_error("option --%s needs a value", o->name);
	}
	if (optopt > ' ' && optopt < 0x7f) {
		p = strchr(optstring, optopt);
		if (p != NULL && p[1] == ':')
			return usage_error("option -%c needs a value", optopt);
		return usage_error("unknown option: -%c", optopt);
	}
	return usage_error("unknown option: %s",
	    out_vis(vis, sizeof(vis), arg, strnlen(arg, 80)));
}

void
xnomem(void)
{
	warnx("out of memory");
	exit(syskit_nomem_exit);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		xnomem();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		xnomem();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (n != 0 && sz > SIZE_MAX / n)
		xnomem();
	if ((p = realloc(p, n * sz != 0 ? n * sz : 1)) == NULL)
		xnomem();
	return p;
}

char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		xnomem();
	return d;
}

char *
xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (d == NULL)
		xnomem();
	return d;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		xnomem();
	return s;
}

void
xgrow(void *p, size_t *cap, size_t need, size_t sz)
{
	if (mem_grow(p, cap, need, sz) == -1)
		xnomem();
}
