/*
 * http: the little of HTTP/1.1 a metrics endpoint needs.  A parser of
 * the request line and headers, a pure function over a buffer (it copies
 * nothing and allocates nothing), and the response head.  No request
 * bodies: a request announcing one is refused.  Nothing prints.
 */
#ifndef LIB_HTTP_H
#define LIB_HTTP_H

#include <stddef.h>

#define HTTP_MAX_LINE	2048	/* request line, CRLF included: else 414 */
#define HTTP_MAX_HEAD	8192	/* request line and headers: else 431 */

enum http_method { HTTP_OTHER, HTTP_GET, HTTP_HEAD };

struct http_req {
	enum http_method method;
	const char	*path;		/* into the buffer, not terminated */
	size_t		 pathlen;	/* without the query */
	int		 minor;		/* HTTP/1.minor */
	int		 keepalive;	/* the connection stays open after */
	int		 openmetrics;	/* Accept names application/openmetrics-text */
	size_t		 headlen;	/* bytes of the head, final CRLF included */
};

/*
 * Parse the request head at buf[0 .. len).  Returns 1 with *r filled when
 * the head is complete, 0 when more bytes are needed (and none of the
 * bounds is passed yet), or an HTTP status for a request to refuse: 400
 * (malformed), 414 (request line too long), 431 (head too long), 413 (a
 * body: Content-Length other than 0, or Transfer-Encoding), 505 (not
 * HTTP/1.x).  After a refusal the connection is to be closed.
 */
int	http_parse(const char *buf, size_t len, struct http_req *r);

/* The reason phrase of status ("Unknown" for one it does not know). */
const char *http_reason(int status);

/*
 * The response head into buf (len bytes): status line, Content-Type
 * (ctype, or none when NULL), Content-Length clen, Connection keep-alive or
 * close, extra (already CRLF-terminated header lines, or NULL), and the
 * empty line.  Returns its length, or -1 (ENOBUFS) when it does not fit.
 */
int	http_head(char *buf, size_t len, int status, const char *ctype,
	    size_t clen, int keepalive, const char *extra);

#endif
