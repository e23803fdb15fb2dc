/* http: request head parser and response head (see http.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static int
is_tchar(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return 1;
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')
		return 1;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* Whether s[0 .. n) holds word as a whole comma- or space-separated
 * token, ignoring case. */
static int
has_token(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word), i = 0, j;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		j = i;
		while (j < n && s[j] != ',' && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != ';')
			j++;
		if (j - i == wl && strncasecmp(s + i, word, wl) == 0)
			return 1;
		while (j < n && s[j] != ',')	/* parameters: skipped */
			j++;
		i = j;
	}
	return 0;
}

/* Whether the value s[0 .. n) is a decimal 0 (one or more zeros). */
static int
is_zero(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

/* The request line at p[0 .. n) (line end excluded). */
static int
parse_line(const char *p, size_t n, struct http_req *r)
{
	const char *sp1, *sp2, *q, *v;
	size_t ml, tl, vl, i;

	if ((sp1 = memchr(p, ' ', n)) == NULL)
		return 400;
	ml = (size_t)(sp1 - p);
	if (ml == 0)
		return 400;
	for (i = 0; i < ml; i++)
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	if ((sp2 = memchr(sp1 + 1, ' ', n - ml - 1)) == NULL)
		return 400;
	tl = (size_t)(sp2 - sp1 - 1);
	if (tl == 0)
		return 400;
	for (i = 0; i < tl; i++)
		if ((unsigned char)sp1[1 + i] <= ' ' ||
		    (unsigned char)sp1[1 + i] == 0x7f)
			return 400;
	v = sp2 + 1;
	vl = (size_t)(p + n - v);
	if (vl != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	r->minor = v[7] - '0';
	if (ml == 3 && memcmp(p, "GET", 3) == 0)
		r->method = HTTP_GET;
	else if (ml == 4 && memcmp(p, "HEAD", 4) == 0)
		r->method = HTTP_HEAD;
	else
		r->method = HTTP_OTHER;
	r->path = sp1 + 1;
	q = memchr(r->path, '?', tl);
	r->pathlen = q != NULL ? (size_t)(q - r->path) : tl;
	return 0;
}

/* One header line p[0 .. n); *conn gets -1 (close), 1 (keep-alive). */
static int
parse_header(const char *p, size_t n, struct http_req *r, int *conn)
{
	const char *colon, *v;
	size_t nl, vl, i;

	if ((colon = memchr(p, ':', n)) == NULL)
		return 400;
	nl = (size_t)(colon - p);
	if (nl == 0)
		return 400;
	for (i = 0; i < nl; i++)	/* no space before the colon either */
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	v = colon + 1;
	vl = n - nl - 1;
	for (i = 0; i < vl; i++)
		if (((unsigned char)v[i] < ' ' && v[i] != '\t') ||
		    (unsigned char)v[i] == 0x7f)
			return 400;
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (nl == 10 && strncasecmp(p, "connection", 10) == 0) {
		if (has_token(v, vl, "close"))
			*conn = -1;
		else if (has_token(v, vl, "keep-alive") && *conn == 0)
			*conn = 1;
	} else if (nl == 6 && strncasecmp(p, "accept", 6) == 0) {
		if (has_token(v, vl, "application/openmetrics-text"))
			r->openmetrics = 1;
	} else if (nl == 14 && strncasecmp(p, "content-length", 14) == 0) {
		if (!is_zero(v, vl))
			return 413;
	} else if (nl == 17 && strncasecmp(p, "transfer-encoding", 17) == 0)
		return 413;
	return 0;
}

int
http_parse(const char *buf, size_t len, struct http_req *r)
{
	const char *p = buf, *end, *nl;
	size_t n, skip = 0;
	int rc, conn = 0, first = 1;

	memset(r, 0, sizeof(*r));
	/* empty lines before the request line are ignored (RFC 9112 2.2) */
	while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n')) {
		if (++skip > 8)
			return 400;
	}
	p = buf + skip;
	end = buf + len;
	if (len > HTTP_MAX_HEAD)
		end = buf + HTTP_MAX_HEAD;
	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			if (first && (size_t)(end - p) >= HTTP_MAX_LINE)
				return 414;
			return len >= HTTP_MAX_HEAD ? 431 : 0;
		}
		n = (size_t)(nl - p);
		if (first && n + 1 > HTTP_MAX_LINE)
			return 414;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (memchr(p, '\r', n) != NULL || memchr(p, '\0', n) != NULL)
			return 400;
		if (first) {
			if ((rc = parse_line(p, n, r)) != 0)
				return rc;
			first = 0;
		} else if (n == 0) {
			r->headlen = (size_t)(nl + 1 - buf);
			break;
		} else if (*p == ' ' || *p == '\t')
			return 400;	/* obsolete line folding */
		else if ((rc = parse_header(p, n, r, &conn)) != 0)
			return rc;
		p = nl + 1;
	}
	r->keepalive = r->minor >= 1 ? conn >= 0 : conn > 0;
	return 1;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

int
http_head(char *buf, size_t len, int status, const char *ctype, size_t clen,
    int keepalive, const char *extra)
{
	int n;

	n = snprintf(buf, len, "HTTP/1.1 %d %s\r\n%s%s%s"
	    "Content-Length: %zu\r\nConnection: %s\r\n%s\r\n",
	    status, http_reason(status),
	    ctype != NULL ? "Content-Type: " : "", ctype != NULL ? ctype : "",
	    ctype != NULL ? "\r\n" : "", clen,
	    keepalive ? "keep-alive" : "close", extra != NULL ? extra : "");
	if (n < 0 || (size_t)n >= len) {
		errno = ENOBUFS;
		return -1;
	}
	return n;
}
