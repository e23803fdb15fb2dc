/*
 * compat: messages in the original tools' words (see compat.h).
 */
#include "compat.h"

#include <langinfo.h>
#include <locale.h>

int
compat_try_help(int code)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    program_invocation_short_name);
	return code;
}

/* The locale's name as setlocale(LC_CTYPE, "") finds it, or NULL. */
static const char *
ctype_name(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < nitems(vars); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return v;
	return NULL;
}

bool
compat_utf8(void)
{
	static int utf8 = -1;
	const char *name = ctype_name();

	if (utf8 != -1)
		return utf8 == 1;
	utf8 = 0;
	if (name == NULL || strcmp(name, "C") == 0 ||
	    strcmp(name, "POSIX") == 0)
		return false;
#ifdef __GLIBC__
	/* a locale that is not installed is C, as for the original */
	{
		const char *cs;

		if (setlocale(LC_CTYPE, "") != NULL &&
		    (cs = nl_langinfo(CODESET)) != NULL)
			utf8 = strcasecmp(cs, "UTF-8") == 0;
		setlocale(LC_CTYPE, "C");	/* out_vis, strtod: as before */
	}
#else
	/* musl has no locale files and calls every other name UTF-8: go by
	 * the name's codeset, as glibc's installed locales are named */
	utf8 = strcasestr(name, ".utf-8") != NULL ||
	    strcasestr(name, ".utf8") != NULL;
#endif
	return utf8 == 1;
}

const char *
compat_quote(char *buf, size_t len, const char *s)
{
	char vis[4 * 256 + 1];
	bool u = compat_utf8();

	out_vis(vis, sizeof(vis), s, strnlen(s, 256));
	snprintf(buf, len, "%s%s%s", u ? "\xe2\x80\x98" : "'", vis,
	    u ? "\xe2\x80\x99" : "'");
	return buf;
}

/* The long option a "--name[=value]" argument names, whose code getopt
 * left in optopt (it has taken the abbreviation), or NULL. */
static const struct option *
long_named(const struct option *lo, const char *arg)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0 || (n = strcspn(arg + 2, "=")) == 0)
		return NULL;
	for (; lo != NULL && lo->name != NULL; lo++)
		if (lo->flag == NULL && lo->val == optopt &&
		    strncmp(lo->name, arg + 2, n) == 0)
			return lo;
	return NULL;
}

/* An unknown or ambiguous long option (getopt_long leaves optopt 0 for
 * both): glibc's words for each. */
static void
bad_long(const char *arg, const struct option *lo)
{
	const struct option *o, *first = NULL;
	const char *name = arg + 2;
	size_t n = strcspn(name, "="), nmatch = 0;
	char vis[4 * 80 + 1];

	for (o = lo; o != NULL && o->name != NULL; o++)
		if (strncmp(o->name, name, n) == 0) {
			if (strlen(o->name) == n) {
				nmatch = 1;	/* exact: not ambiguous */
				break;
			}
			if (first == NULL || first->has_arg != o->has_arg ||
			    first->val != o->val)
				nmatch++;
			if (first == NULL)
				first = o;
		}
	if (nmatch < 2) {
		warnx("unrecognized option '%s'",
		    out_vis(vis, sizeof(vis), arg, strnlen(arg, 80)));
		return;
	}
	fprintf(stderr, "%s: option '%s' is ambiguous; possibilities:",
	    program_invocation_short_name,
	    out_vis(vis, sizeof(vis), arg, n + 2 < 80 ? n + 2 : 80));
	for (o = lo; o->name != NULL; o++)
		if (strncmp(o->name, name, n) == 0)
			fprintf(stderr, " '--%s'", o->name);
	fputc('\n', stderr);
}

int
compat_badopt(char *const argv[], const char *optstring,
    const struct option *lo, int code)
{
	const struct option *o;
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *p;

	/* musl leaves optind at argc + 1 after a missing last value */
	if (arg == NULL)
		arg = optind > 1 && argv[optind - 2] != NULL ?
		    argv[optind - 2] : "";
	if (optopt == 0) {
		bad_long(arg, lo);
		return compat_try_help(code);
	}
	/* a long option missing its value, or given one it does not take */
	if ((o = long_named(lo, arg)) != NULL) {
		if (o->has_arg == no_argument && strchr(arg, '=') != NULL)
			warnx("option '--%s' doesn't allow an argument",
			    o->name);
		else
			warnx("option '--%s' requires an argument", o->name);
		return compat_try_help(code);
	}
	p = optopt > ' ' && optopt < 0x7f ? strchr(optstring, optopt) : NULL;
	if (p != NULL && p[1] == ':')
		warnx("option requires an argument -- '%c'", optopt);
	else if (optopt > ' ' && optopt < 0x7f)
		warnx("invalid option -- '%c'", optopt);
	else
		warnx("invalid option -- '\\%03o'", optopt & 0xff);
	return compat_try_help(code);
}
