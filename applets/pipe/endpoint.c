/*
 * endpoint: the grammar of pipe's endpoints, parsed without any I/O.
 *
 *	-			stdin as a source, stdout as a sink
 *	fd:N			an inherited descriptor
 *	file:PATH		read; as a sink create or truncate
 *	append:PATH		a sink that appends
 *	fifo:PATH		a named pipe (made when missing)
 *	tcp:HOST:PORT		connect; HOST a name, a.b.c.d or [v6]
 *	tcp-listen:[HOST:]PORT	accept
 *	unix:PATH		connect; @NAME is an abstract name
 *	unix-listen:PATH	accept
 *	exec:COMMAND [ARG ...]	a command without a shell: words split at
 *				blanks, '...' and "..." quote, \ escapes
 *	PATH			anything else without a TYPE: prefix: file:
 *
 * A word of letters and '-' before the first ':' (and before any '/') is
 * a type: an unknown one is an error, so write ./a:b for a file "a:b".
 */
#include "pipe.h"

#include <ctype.h>
#include <stdarg.h>
#include <sys/un.h>

static const struct {
	const char	*name;
	enum ep_kind	 kind;
} kinds[] = {
	{ "append",	 EP_APPEND },
	{ "exec",	 EP_EXEC },
	{ "fd",		 EP_FD },
	{ "fifo",	 EP_FIFO },
	{ "file",	 EP_FILE },
	{ "tcp",	 EP_TCP },
	{ "tcp-listen",	 EP_TCP_LISTEN },
	{ "unix",	 EP_UNIX },
	{ "unix-listen", EP_UNIX_LISTEN },
};

const char *
ep_kind_name(enum ep_kind k)
{
	size_t i;

	if (k == EP_STDIO)
		return "stdio";
	for (i = 0; i < nitems(kinds); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "?";
}

int
ep_listens(const struct ep *e)
{
	return e->kind == EP_TCP_LISTEN || e->kind == EP_UNIX_LISTEN;
}

void
conn_name(char *buf, size_t len, const char *spec)
{
	out_vis(buf, len, spec, strlen(spec));
}

static int
fail(char *why, size_t len, const char *spec, const char *fmt, ...)
{
	char name[96], msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conn_name(name, sizeof(name), spec);
	snprintf(why, len, "%s: %s", msg, name);
	return -1;
}

/* A decimal port 1..65535 (0 as well when zero_ok). */
static int
parse_port(const char *s, int zero_ok, unsigned *port)
{
	long long v;

	if (args_int(s, zero_ok ? 0 : 1, 65535, &v) == -1)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* "HOST:PORT", "[V6]:PORT", or for a listener also "PORT". */
static int
parse_hostport(const char *s, struct ep *e, int listener, char *why,
    size_t len, const char *spec)
{
	const char *colon, *end, *ps;
	size_t hlen;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return fail(why, len, spec, "malformed address "
			    "(no ']' after an IPv6 address)");
		if (end[1] != ':')
			return fail(why, len, spec, "malformed address "
			    "(no :PORT after ']')");
		hlen = (size_t)(end - s - 1);
		if (hlen == 0)
			return fail(why, len, spec,
			    "malformed address (empty host)");
		e->host = xstrndup(s + 1, hlen);
		ps = end + 2;
	} else if ((colon = strrchr(s, ':')) == NULL) {
		if (!listener)
			return fail(why, len, spec,
			    "malformed address (no :PORT)");
		ps = s;
	} else {
		if (memchr(s, ':', (size_t)(colon - s)) != NULL)
			return fail(why, len, spec, "malformed address "
			    "(an IPv6 address goes in brackets: [::1]:PORT)");
		hlen = (size_t)(colon - s);
		if (hlen == 0 && !listener)
			return fail(why, len, spec,
			    "malformed address (empty host)");
		if (hlen > 0)
			e->host = xstrndup(s, hlen);
		ps = colon + 1;
	}
	if (*ps == '\0')
		return fail(why, len, spec, "malformed address (no port)");
	if (parse_port(ps, 0, &e->port) == -1) {
		if (errno == ERANGE)
			return fail(why, len, spec,
			    "port out of range (1-65535)");
		return fail(why, len, spec, "malformed address (bad port)");
	}
	return 0;
}

static int
parse_unix(const char *s, struct ep *e, char *why, size_t len,
    const char *spec)
{
	struct sockaddr_un sun;

	if (*s == '@') {
		e->abstract = 1;
		s++;
	}
	if (*s == '\0')
		return fail(why, len, spec, "malformed address (empty path)");
	/* an abstract name fills sun_path after its NUL: one byte less */
	if (strlen(s) + 1 > sizeof(sun.sun_path))
		return fail(why, len, spec, "socket path too long (%zu bytes "
		    "at most)", sizeof(sun.sun_path) - 1);
	e->path = xstrdup(s);
	return 0;
}

/* Split a command line into words: blanks separate, '...' quotes
 * literally, "..." quotes with \" and \\, a \ outside quotes escapes the
 * next byte.  No expansion of any kind. */
static int
split_words(const char *s, struct ep *e, char *why, size_t len,
    const char *spec)
{
	size_t n = 0, cap = 0, wn;
	char *w, q;
	int in;

	w = xmalloc(strlen(s) + 1);
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		wn = 0;
		in = 0;
		q = 0;
		while (*s != '\0' && (q || (*s != ' ' && *s != '\t' &&
		    *s != '\n'))) {
			in = 1;
			if (q == 0 && (*s == '\'' || *s == '"')) {
				q = *s++;
				continue;
			}
			if (q != 0 && *s == q) {
				q = 0;
				s++;
				continue;
			}
			if (*s == '\\' && q != '\'' && s[1] != '\0' &&
			    (q == 0 || s[1] == '"' || s[1] == '\\'))
				s++;
			w[wn++] = *s++;
		}
		if (q != 0) {
			free(w);
			return fail(why, len, spec,
			    "malformed command (unterminated %c)", q);
		}
		if (in) {
			xgrow(&e->argv, &cap, n + 2, sizeof(*e->argv));
			e->argv[n++] = xstrndup(w, wn);
			e->argv[n] = NULL;
		}
	}
	free(w);
	if (n == 0)
		return fail(why, len, spec, "malformed command (empty)");
	return 0;
}

int
ep_parse(const char *s, struct ep *e, char *why, size_t len)
{
	const char *colon, *rest;
	long long v;
	size_t i, n;
	int rc;

	memset(e, 0, sizeof(*e));
	e->spec = s;
	e->fd = -1;
	if (*s == '\0')
		return fail(why, len, s, "empty endpoint");
	if (strcmp(s, "-") == 0) {
		e->kind = EP_STDIO;
		return 0;
	}
	colon = strchr(s, ':');
	n = colon != NULL ? (size_t)(colon - s) : 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && s[i] != '-')
			break;
	if (colon == NULL || n == 0 || i < n) {
		/* no TYPE: a path */
		e->kind = EP_FILE;
		e->path = xstrdup(s);
		return 0;
	}
	for (i = 0; i < nitems(kinds); i++)
		if (strlen(kinds[i].name) == n &&
		    strncmp(kinds[i].name, s, n) == 0)
			break;
	if (i == nitems(kinds))
		return fail(why, len, s, "unknown endpoint type %.*s:",
		    (int)(n > 20 ? 20 : n), s);
	e->kind = kinds[i].kind;
	rest = colon + 1;
	switch (e->kind) {
	case EP_FD:
		if (args_int(rest, 0, INT_MAX, &v) == -1)
			return fail(why, len, s, "malformed descriptor");
		e->fd = (int)v;
		return 0;
	case EP_FILE:
	case EP_APPEND:
	case EP_FIFO:
		if (*rest == '\0')
			return fail(why, len, s, "empty path");
		e->path = xstrdup(rest);
		return 0;
	case EP_TCP:
	case EP_TCP_LISTEN:
		rc = parse_hostport(rest, e, e->kind == EP_TCP_LISTEN, why,
		    len, s);
		break;
	case EP_UNIX:
	case EP_UNIX_LISTEN:
		rc = parse_unix(rest, e, why, len, s);
		break;
	case EP_EXEC:
		rc = split_words(rest, e, why, len, s);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc == -1)
		ep_free(e);
	return rc;
}

void
ep_free(struct ep *e)
{
	char **a;

	free(e->path);
	free(e->host);
	if (e->argv != NULL) {
		for (a = e->argv; *a != NULL; a++)
			free(*a);
		free(e->argv);
	}
	e->path = e->host = NULL;
	e->argv = NULL;
}

void
ep_describe(const struct ep *e, char *buf, size_t len)
{
	char v[256];
	size_t off;
	char **a;

	switch (e->kind) {
	case EP_STDIO:
		snprintf(buf, len, "stdio");
		break;
	case EP_FD:
		snprintf(buf, len, "fd %d", e->fd);
		break;
	case EP_TCP:
	case EP_TCP_LISTEN:
		out_vis(v, sizeof(v), e->host ? e->host : "*",
		    strlen(e->host ? e->host : "*"));
		snprintf(buf, len, "%s host=%s port=%u", ep_kind_name(e->kind),
		    v, e->port);
		break;
	case EP_UNIX:
	case EP_UNIX_LISTEN:
		out_vis(v, sizeof(v), e->path, strlen(e->path));
		snprintf(buf, len, "%s %s=%s", ep_kind_name(e->kind),
		    e->abstract ? "abstract" : "path", v);
		break;
	case EP_EXEC:
		off = (size_t)snprintf(buf, len, "exec");
		for (a = e->argv; *a != NULL && off < len; a++) {
			out_vis(v, sizeof(v), *a, strlen(*a));
			off += (size_t)snprintf(buf + off, len - off, " [%s]",
			    v);
		}
		break;
	default:
		out_vis(v, sizeof(v), e->path, strlen(e->path));
		snprintf(buf, len, "%s path=%s", ep_kind_name(e->kind), v);
		break;
	}
}
