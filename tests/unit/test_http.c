/* Unit tests for lib/http: the request head parser and the response head. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/http.h"
#include "unit.h"

UNIT_SUITE(test_http);

static int
parse(const char *s, struct http_req *r)
{
	return http_parse(s, strlen(s), r);
}

static void
test_http_get(void)
{
	struct http_req r;
	const char *s = "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\nGET";

	CHECK(parse(s, &r) == 1);
	CHECK(r.method == HTTP_GET);
	CHECK(r.pathlen == 8 && memcmp(r.path, "/metrics", 8) == 0);
	CHECK(r.minor == 1);
	CHECK(r.keepalive == 1);
	CHECK(r.openmetrics == 0);
	CHECK_U64(r.headlen, strlen(s) - 3);
	CHECK(parse("HEAD / HTTP/1.0\n\n", &r) == 1);
	CHECK(r.method == HTTP_HEAD && r.keepalive == 0);
	CHECK(parse("\r\nPOST / HTTP/1.0\r\nConnection: Keep-Alive\r\n"
	    "Content-Length: 0\r\n\r\n", &r) == 1);
	CHECK(r.method == HTTP_OTHER && r.keepalive == 1);
	CHECK(parse("GET / HTTP/1.1\r\nconnection: close\r\n\r\n", &r) == 1);
	CHECK(r.keepalive == 0);
	CHECK(parse("GET / HTTP/1.1\r\nAccept: text/plain;q=0.5, "
	    "application/openmetrics-text;version=1.0.0\r\n\r\n", &r) == 1);
	CHECK(r.openmetrics == 1);
}

static void
test_http_partial(void)
{
	struct http_req r;

	CHECK(parse("", &r) == 0);
	CHECK(parse("GET / HT", &r) == 0);
	CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\n", &r) == 0);
	CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\n\r", &r) == 0);
}

static void
test_http_bad(void)
{
	struct http_req r;

	CHECK(parse("GET /\r\n\r\n", &r) == 400);
	CHECK(parse("GET  / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(parse("G(T / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/2.0\r\n\r\n", &r) == 505);
	CHECK(parse("GET / HTTP/1.1x\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", &r) == 400);
	CHECK(parse("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r) == 413);
	CHECK(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
	    &r) == 413);
	CHECK(http_parse("GET / HTTP/1.1\r\nA: \0\r\n\r\n", 23, &r) == 400);
}

static void
test_http_bounds(void)
{
	struct http_req r;
	char *b;
	size_t i, n;

	b = malloc(HTTP_MAX_HEAD + 64);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	/* a request line past its bound, with or without its end */
	memcpy(b, "GET /", 5);
	memset(b + 5, 'a', HTTP_MAX_LINE);
	CHECK(http_parse(b, HTTP_MAX_LINE + 5, &r) == 414);
	memcpy(b + HTTP_MAX_LINE, " HTTP/1.1\r\n\r\n", 13);
	CHECK(http_parse(b, HTTP_MAX_LINE + 13, &r) == 414);
	/* headers past the head's bound */
	n = (size_t)snprintf(b, 64, "GET / HTTP/1.1\r\n");
	for (i = n; i < HTTP_MAX_HEAD + 32; i += 8)
		memcpy(b + i, "X: abc\r\n", 8);
	CHECK(http_parse(b, HTTP_MAX_HEAD + 32, &r) == 431);
	CHECK(http_parse(b, HTTP_MAX_HEAD - 100, &r) == 0);
	free(b);
}

static void
test_http_head(void)
{
	char buf[256];
	int n;

	n = http_head(buf, sizeof(buf), 200, "text/plain", 12, 1, NULL);
	CHECK_STR(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 12\r\nConnection: keep-alive\r\n\r\n");
	CHECK(n == (int)strlen(buf));
	n = http_head(buf, sizeof(buf), 405, NULL, 0, 0, "Allow: GET, HEAD\r\n");
	CHECK_STR(buf, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n"
	    "Connection: close\r\nAllow: GET, HEAD\r\n\r\n");
	CHECK(http_head(buf, 10, 200, NULL, 0, 0, NULL) == -1);
	CHECK_STR(http_reason(431), "Request Header Fields Too Large");
}

void
test_http(void)
{
	unit_run("http_get", test_http_get);
	unit_run("http_partial", test_http_partial);
	unit_run("http_bad", test_http_bad);
	unit_run("http_bounds", test_http_bounds);
	unit_run("http_head", test_http_head);
}
