/*
 * mktemp: coreutils mktemp(1)'s command line, for images without
 * coreutils.  `mktemp [-dqtu] [-p DIR] [--tmpdir[=DIR]] [--suffix=SUFF]
 * [TEMPLATE]`: a file (0600) or directory (0700), less the umask, made
 * from TEMPLATE's trailing X's (at least 3) by lib/fs's fs_mktemp_x, the
 * code tempdir uses; its name on stdout.  Errors are coreutils' words,
 * with the template quoted as its quote() does ('x' in the C locale, ‘x’
 * in a UTF-8 one), and exit 1 for every failure, usage included.
 */
#include "compat.h"

#include <fcntl.h>
#include <stdio_ext.h>

#include "../../lib/fs.h"

#define DEFAULT_TEMPLATE	"tmp.XXXXXXXXXX"

static const char usage[] =
    "Usage: mktemp [OPTION]... [TEMPLATE]\n"
    "Create a temporary file or directory, safely, and print its name.\n"
    "TEMPLATE must contain at least 3 consecutive 'X's in last component.\n"
    "If TEMPLATE is not specified, use tmp.XXXXXXXXXX, and --tmpdir is "
    "implied.\n"
    "Files are created u+rw, and directories u+rwx, minus umask "
    "restrictions.\n"
    "\n"
    "  -d, --directory     create a directory, not a file\n"
    "  -u, --dry-run       do not create anything; merely print a name "
    "(unsafe)\n"
    "  -q, --quiet         suppress diagnostics about file/dir-creation "
    "failure\n"
    "      --suffix=SUFF   append SUFF to TEMPLATE; SUFF must not contain "
    "a slash.\n"
    "                        This option is implied if TEMPLATE does not "
    "end in X\n"
    "  -p DIR, --tmpdir[=DIR]  interpret TEMPLATE relative to DIR; if DIR "
    "is not\n"
    "                        specified, use $TMPDIR if set, else /tmp.  "
    "With\n"
    "                        this option, TEMPLATE must not be an absolute "
    "name;\n"
    "                        unlike with -t, TEMPLATE may contain slashes, "
    "but\n"
    "                        mktemp creates only the final component\n"
    "  -t                  interpret TEMPLATE as a single file name "
    "component,\n"
    "                        relative to a directory: $TMPDIR, if set; "
    "else the\n"
    "                        directory specified via -p; else /tmp "
    "[deprecated]\n"
    "      --help        display this help and exit\n"
    "      --version     output version information and exit\n"
    "\n"
    "syskit's mktemp: see mktemp(1).\n";

enum { O_SUFFIX = 256, O_TMPDIR, O_HELP, O_VERSION };

static const struct option longopts[] = {
	{ "directory", no_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "dry-run", no_argument, NULL, 'u' },
	{ "suffix", required_argument, NULL, O_SUFFIX },
	{ "tmpdir", optional_argument, NULL, O_TMPDIR },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

#define OPTSTRING	"dp:qtuV"

struct opts {
	int		 dir, quiet, dry, t, use_dest;
	const char	*dest_arg;	/* -p, --tmpdir=DIR */
	const char	*suffix;
};

/* ---- coreutils' quote() ---- */

/* The length of the UTF-8 sequence at s (n bytes left) when it is valid
 * and printable (not C1), else 0. */
static size_t
utf8_printable(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else if (s[0] >= 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || cp < 0xa0)
		return 0;
	return len;
}

/* s quoted and escaped as coreutils' quote() (locale_quoting_style):
 * backslash escapes for \ and the closing quote, C escapes for control
 * characters, octal for other bytes that do not print. */
static char *
quote(const char *s)
{
	static const char cesc[] = "\aa\bb\ff\nn\rr\tt\vv";
	const unsigned char *p = (const unsigned char *)s;
	bool u = compat_utf8();
	const char *open = u ? "\xe2\x80\x98" : "'";
	const char *close = u ? "\xe2\x80\x99" : "'";
	size_t n = strlen(s), cl = strlen(close), i, k;
	char *out, *o;
	const char *e;

	out = o = xmalloc(n * 4 + 8);
	o = stpcpy(o, open);
	for (i = 0; i < n; i++) {
		if (strncmp(s + i, close, cl) == 0) {
			*o++ = '\\';
			o = stpcpy(o, close);
			i += cl - 1;
			continue;
		}
		if (p[i] == '\\') {
			*o++ = '\\';
			*o++ = '\\';
			continue;
		}
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			*o++ = (char)p[i];
			continue;
		}
		if (u && p[i] >= 0x80 && (k = utf8_printable(p + i,
		    n - i)) > 0) {
			memcpy(o, s + i, k);
			o += k;
			i += k - 1;
			continue;
		}
		if (p[i] != 0 && (e = strchr(cesc, p[i])) != NULL &&
		    (e - cesc) % 2 == 0) {
			*o++ = '\\';
			*o++ = e[1];
			continue;
		}
		o += sprintf(o, "\\%03o", p[i]);
	}
	strcpy(o, close);
	return out;
}

/* error(EXIT_FAILURE, 0, "BEFORE%sAFTER", quote(arg)) */
static int
fail(const char *before, const char *arg, const char *after)
{
	char *q = quote(arg);

	warnx("%s%s%s", before, q, after);
	free(q);
	return EXIT_NO;
}

/* ---- the names ---- */

/* coreutils' last_component: after the last slash that is followed by
 * something other than slashes. */
static const char *
last_component(const char *s)
{
	const char *base = s, *p;
	int saw_slash = 0;

	while (*base == '/')
		base++;
	for (p = base; *p != '\0'; p++) {
		if (*p == '/')
			saw_slash = 1;
		else if (saw_slash) {
			base = p;
			saw_slash = 0;
		}
	}
	return base;
}

/* coreutils' file_name_concat(dir, base): one slash between, DIR's
 * trailing slashes dropped (a root of slashes is kept whole). */
static char *
concat(const char *dir, const char *base)
{
	const char *db = last_component(dir);
	size_t dblen = strlen(db), dlen;

	while (dblen > 0 && db[dblen - 1] == '/')
		dblen--;
	dlen = (size_t)(db - dir) + dblen;
	if (dblen == 0)
		return xasprintf("%.*s%s%s", (int)dlen, dir,
		    *base == '/' ? "." : "", base);
	return xasprintf("%.*s%s%s", (int)dlen, dir,
	    dir[dlen - 1] == '/' || *base == '/' ? "" : "/", base);
}

static int
parse(int argc, char *argv[], struct opts *o, const char **tmpl)
{
	/* POSIXLY_CORRECT stops at the first operand, as glibc's getopt
	 * does by itself; musl's needs the '+' */
	const char *optstring = getenv("POSIXLY_CORRECT") != NULL ?
	    "+" OPTSTRING : OPTSTRING;
	int ch;

	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			o->dir = 1;
			break;
		case 'p':
			o->dest_arg = optarg;
			o->use_dest = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 't':
			o->use_dest = 1;
			o->t = 1;
			break;
		case 'u':
			o->dry = 1;
			break;
		case O_TMPDIR:
			o->use_dest = 1;
			o->dest_arg = optarg;
			break;
		case O_SUFFIX:
			o->suffix = optarg;
			break;
		case O_HELP:
			fputs(usage, stdout);
			return -1;
		case 'V': case O_VERSION:
			printf("mktemp (syskit) %s\n", SYSKIT_VERSION);
			return -1;
		default:
			return compat_badopt(argv, optstring, longopts,
			    EXIT_NO);
		}
	}
	if (argc - optind > 1) {
		warnx("too many templates");
		return compat_try_help(EXIT_NO);
	}
	if (argc - optind == 0) {
		o->use_dest = 1;
		*tmpl = DEFAULT_TEMPLATE;
	} else
		*tmpl = argv[optind];
	return 0;
}

/* The template with --suffix appended, or as given: *suflen the bytes
 * after its last X.  Checks what coreutils checks, in its order. */
static int
build(const struct opts *o, const char *arg, char **out, size_t *suflen)
{
	const char *x;
	char *t, *suf;
	size_t len = strlen(arg), nx;

	*out = NULL;
	if (o->suffix != NULL) {
		if (len == 0 || arg[len - 1] != 'X')
			return fail("with --suffix, template ", arg,
			    " must end in X");
		t = xasprintf("%s%s", arg, o->suffix);
		suf = t + len;
	} else {
		t = xstrdup(arg);
		suf = strrchr(t, 'X');
		suf = suf != NULL ? suf + 1 : t + len;
	}
	*suflen = strlen(suf);
	if (*suflen > 0 && last_component(suf) != suf) {
		fail("invalid suffix ", suf, ", contains directory separator");
		goto bad;
	}
	for (x = suf, nx = 0; x > t && x[-1] == 'X'; x--)
		nx++;
	if (nx < 3) {
		fail("too few X's in template ", t, "");
		goto bad;
	}
	*out = t;
	return 0;
bad:
	free(t);
	return EXIT_NO;
}

/* Put the template under its directory (-p, --tmpdir, -t, or none given
 * and the default template). */
static int
place(const struct opts *o, char **t)
{
	const char *dir, *env = getenv("TMPDIR");
	char *full;

	if (o->t) {
		if (env != NULL && *env != '\0')
			dir = env;
		else if (o->dest_arg != NULL && *o->dest_arg != '\0')
			dir = o->dest_arg;
		else
			dir = "/tmp";
		if (last_component(*t) != *t)
			return fail("invalid template, ", *t,
			    ", contains directory separator");
	} else {
		if (o->dest_arg != NULL && *o->dest_arg != '\0')
			dir = o->dest_arg;
		else
			dir = fs_tmpdir();
		if (**t == '/')
			return fail("invalid template, ", *t,
			    "; with --tmpdir, it may not be absolute");
	}
	full = concat(dir, *t);
	free(*t);
	*t = full;
	return 0;
}

int
mktemp_main(int argc, char *argv[])
{
	struct opts o;
	const char *arg = NULL;
	char *t = NULL, *shown;
	size_t suflen = 0;
	int rc, fd, e;

	memset(&o, 0, sizeof(o));
	if ((rc = parse(argc, argv, &o, &arg)) != 0)
		return rc == -1 ? 0 : rc;
	if ((rc = build(&o, arg, &t, &suflen)) != 0)
		return rc;
	if (o.use_dest && (rc = place(&o, &t)) != 0)
		goto out;
	/* the template as it was, for a message */
	shown = xstrdup(t);
	fd = fs_mktemp_x(t, suflen, 3, o.dry ? FS_MKTEMP_NAME : o.dir ?
	    FS_MKTEMP_DIR : FS_MKTEMP_FILE);
	if (fd == -1) {
		e = errno;
		if (!o.quiet) {
			char *q = quote(shown);

			warnx("failed to create %s via template %s: %s",
			    o.dir ? "directory" : "file", q, strerror(e));
			free(q);
		}
		free(shown);
		rc = EXIT_NO;
		goto out;
	}
	free(shown);
	if (!o.dry && !o.dir)
		close(fd);
	/* the name must reach stdout, else nothing is left behind */
	if (puts(t) == EOF || fflush(stdout) == EOF || ferror(stdout)) {
		e = errno;
		if (!o.dry)
			remove(t);
		if (!o.quiet)
			warnx("write error: %s", strerror(e));
		/* said: the dispatcher's flush has nothing left to fail */
		__fpurge(stdout);
		clearerr(stdout);
		rc = EXIT_NO;
	}
out:
	free(t);
	return rc;
}
