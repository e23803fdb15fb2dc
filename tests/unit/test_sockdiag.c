/* lib/sock: the /proc/net text and netlink reply parsers on captured
 * fixtures, the SYSKIT_PROC tree, and the live machine. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/proc.h"
#include "../../lib/sockdiag.h"
#include "unit.h"

#define SOCKFX	FIXTURES "/sock"

/* The fixtures were captured in a fresh network namespace holding only
 * these sockets (inode numbers as the kernel gave them). */
#define INO_T4_LISTEN	20077	/* tcp 127.0.0.1:40123 LISTEN */
#define INO_T6_LISTEN	20078	/* tcp6 ::1:40124 LISTEN */
#define INO_T6_DUAL	20079	/* tcp6 :::40125 LISTEN */
#define INO_T4_CLIENT	20080	/* tcp 127.0.0.1:33316 -> :40125 */
#define INO_T6_MAPPED	20081	/* its accepted end, v4-mapped */
#define INO_U4		20082	/* udp 127.0.0.1:40126 */
#define INO_U6		20083	/* udp6 ::1:40127 connected to ::1:40124 */
#define INO_X_LISTEN	20084	/* unix stream /tmp/syskit-fixture.sock */
#define INO_X_ABSTRACT	20085	/* unix dgram "\0syskit-fixture\0x" */
#define INO_X_SEQPACKET	20086	/* unix seqpacket, unbound */
#define INO_X_CLIENT	20087	/* unix stream client, unbound */
#define INO_X_ACCEPTED	20088	/* unix stream, accepted */
#define INO_T4_NOBODY	20089	/* tcp 127.0.0.1:40128 LISTEN, uid 65534 */

static const struct {
	const char *bin, *text;
	int	 family, type, count;
} fx[] = {
	{ "tcp4.bin", "net/tcp", AF_INET, SOCK_STREAM, 4 },
	{ "tcp6.bin", "net/tcp6", AF_INET6, SOCK_STREAM, 3 },
	{ "udp4.bin", "net/udp", AF_INET, SOCK_DGRAM, 1 },
	{ "udp6.bin", "net/udp6", AF_INET6, SOCK_DGRAM, 1 },
	{ "unix.bin", "net/unix", AF_UNIX, SOCK_STREAM, 5 },
};
#define NFX	((int)(sizeof(fx) / sizeof(fx[0])))

static const struct sockent *
by_inode(const struct socklist *sl, uint64_t ino)
{
	int i;

	for (i = 0; i < sl->n; i++)
		if (sl->s[i].inode == ino)
			return &sl->s[i];
	return NULL;
}

static const struct sockent *
by_lport(const struct socklist *sl, unsigned lport)
{
	int i;

	for (i = 0; i < sl->n; i++)
		if (sl->s[i].lport == lport)
			return &sl->s[i];
	return NULL;
}

/* Parse fixture i as text (bin == 0) or netlink replies (bin == 1). */
static int
parse_fixture(int i, int bin, struct socklist *sl)
{
	char *buf;
	size_t len;
	int r;

	buf = proc_slurp(SOCKFX, bin ? fx[i].bin : fx[i].text, &len);
	if (buf == NULL)
		return -1;
	if (bin)
		r = sock_parse_diag(buf, len, fx[i].family, fx[i].type, sl);
	else if (fx[i].family == AF_UNIX)
		r = sock_parse_proc_unix(buf, len, sl);
	else
		r = sock_parse_proc_inet(buf, len, fx[i].family, fx[i].type,
		    sl);
	free(buf);
	return r;
}

static void
check_ent(const struct sockent *e, int family, int type, int state,
    const char *laddr, unsigned lport, const char *raddr, unsigned rport,
    uint32_t uid)
{
	CHECK(e != NULL);
	if (e == NULL)
		return;
	CHECK_U64(e->family, family);
	CHECK_U64(e->type, type);
	CHECK_U64(e->state, state);
	CHECK_STR(e->laddr, laddr);
	CHECK_U64(e->lport, lport);
	CHECK_STR(e->raddr, raddr);
	CHECK_U64(e->rport, rport);
	CHECK_U64(e->uid, uid);
	CHECK_U64(e->pid, (unsigned long long)-1);
	CHECK_STR(e->comm, "");
}

/* Every fixture socket with its exact fields, whichever parser read it. */
static void
check_all_fixture(const struct socklist *sl)
{
	CHECK_U64(sl->n, 14);
	check_ent(by_inode(sl, INO_T4_LISTEN), AF_INET, SOCK_STREAM, 10,
	    "127.0.0.1", 40123, "0.0.0.0", 0, 0);
	check_ent(by_inode(sl, INO_T4_NOBODY), AF_INET, SOCK_STREAM, 10,
	    "127.0.0.1", 40128, "0.0.0.0", 0, 65534);
	check_ent(by_inode(sl, INO_T4_CLIENT), AF_INET, SOCK_STREAM, 1,
	    "127.0.0.1", 33316, "127.0.0.1", 40125, 0);
	/* TIME_WAIT: no inode, found by port */
	check_ent(by_lport(sl, 51652), AF_INET, SOCK_STREAM, 6,
	    "127.0.0.1", 51652, "127.0.0.1", 40123, 0);
	check_ent(by_inode(sl, INO_T6_LISTEN), AF_INET6, SOCK_STREAM, 10,
	    "::1", 40124, "::", 0, 0);
	check_ent(by_inode(sl, INO_T6_DUAL), AF_INET6, SOCK_STREAM, 10,
	    "::", 40125, "::", 0, 0);
	check_ent(by_inode(sl, INO_T6_MAPPED), AF_INET6, SOCK_STREAM, 1,
	    "::ffff:127.0.0.1", 40125, "::ffff:127.0.0.1", 33316, 0);
	/* UDP has no state, as psutil's "NONE" */
	check_ent(by_inode(sl, INO_U4), AF_INET, SOCK_DGRAM, 0,
	    "127.0.0.1", 40126, "0.0.0.0", 0, 0);
	check_ent(by_inode(sl, INO_U6), AF_INET6, SOCK_DGRAM, 0,
	    "::1", 40127, "::1", 40124, 0);
	check_ent(by_inode(sl, INO_X_LISTEN), AF_UNIX, SOCK_STREAM, 10,
	    "/tmp/syskit-fixture.sock", 0, "", 0, 0);
	check_ent(by_inode(sl, INO_X_ACCEPTED), AF_UNIX, SOCK_STREAM, 1,
	    "/tmp/syskit-fixture.sock", 0, "", 0, 0);
	check_ent(by_inode(sl, INO_X_CLIENT), AF_UNIX, SOCK_STREAM, 1,
	    "", 0, "", 0, 0);
	check_ent(by_inode(sl, INO_X_ABSTRACT), AF_UNIX, SOCK_DGRAM, 7,
	    "@syskit-fixture@x", 0, "", 0, 0);
	check_ent(by_inode(sl, INO_X_SEQPACKET), AF_UNIX, SOCK_SEQPACKET, 7,
	    "", 0, "", 0, 0);
}

static void
names(void)
{
	CHECK_U64(sock_kind("tcp"), SK_TCP);
	CHECK_U64(sock_kind("tcp4"), SK_TCP4);
	CHECK_U64(sock_kind("tcp6"), SK_TCP6);
	CHECK_U64(sock_kind("udp"), SK_UDP);
	CHECK_U64(sock_kind("udp4"), SK_UDP4);
	CHECK_U64(sock_kind("udp6"), SK_UDP6);
	CHECK_U64(sock_kind("unix"), SK_UNIX);
	CHECK_U64(sock_kind("inet"), SK_INET);
	CHECK_U64(sock_kind("inet4"), SK_INET4);
	CHECK_U64(sock_kind("inet6"), SK_INET6);
	CHECK_U64(sock_kind("all"), SK_ALL);
	errno = 0;
	CHECK(sock_kind("TCP") == -1 && errno == EINVAL);
	CHECK(sock_kind("") == -1);
	CHECK(sock_kind(NULL) == -1);
	CHECK_STR(sock_state_name(0), "NONE");
	CHECK_STR(sock_state_name(1), "ESTABLISHED");
	CHECK_STR(sock_state_name(2), "SYN_SENT");
	CHECK_STR(sock_state_name(3), "SYN_RECV");
	CHECK_STR(sock_state_name(4), "FIN_WAIT1");
	CHECK_STR(sock_state_name(5), "FIN_WAIT2");
	CHECK_STR(sock_state_name(6), "TIME_WAIT");
	CHECK_STR(sock_state_name(7), "CLOSE");
	CHECK_STR(sock_state_name(8), "CLOSE_WAIT");
	CHECK_STR(sock_state_name(9), "LAST_ACK");
	CHECK_STR(sock_state_name(10), "LISTEN");
	CHECK_STR(sock_state_name(11), "CLOSING");
	CHECK_STR(sock_state_name(12), "NEW_SYN_RECV");
	CHECK_STR(sock_state_name(13), "NONE");
	CHECK_STR(sock_state_name(-1), "NONE");
}

static void
text_fixtures(void)
{
	struct socklist sl = { 0 };
	int i, n0;

	for (i = 0; i < NFX; i++) {
		n0 = sl.n;
		CHECK_U64(parse_fixture(i, 0, &sl), 0);
		CHECK_U64(sl.n - n0, fx[i].count);
	}
	check_all_fixture(&sl);
	sock_free(&sl);
	CHECK(sl.s == NULL && sl.n == 0);
}

static void
netlink_fixtures(void)
{
	struct socklist sl = { 0 };
	int i, n0;

	for (i = 0; i < NFX; i++) {
		n0 = sl.n;
		/* each capture ends with NLMSG_DONE */
		CHECK_U64(parse_fixture(i, 1, &sl), 1);
		CHECK_U64(sl.n - n0, fx[i].count);
	}
	check_all_fixture(&sl);
	sock_free(&sl);
}

/* The parser must not care where the buffer starts. */
static void
netlink_unaligned(void)
{
	struct socklist a = { 0 }, b = { 0 };
	char *buf, *copy;
	size_t len;
	int i;

	for (i = 0; i < NFX; i++) {
		buf = proc_slurp(SOCKFX, fx[i].bin, &len);
		CHECK(buf != NULL);
		if (buf == NULL)
			continue;
		copy = malloc(len + 3);
		CHECK(copy != NULL);
		if (copy == NULL) {
			free(buf);
			continue;
		}
		memcpy(copy + 3, buf, len);
		CHECK_U64(sock_parse_diag(buf, len, fx[i].family, fx[i].type,
		    &a), 1);
		CHECK_U64(sock_parse_diag(copy + 3, len, fx[i].family,
		    fx[i].type, &b), 1);
		free(copy);
		free(buf);
	}
	CHECK_U64(a.n, b.n);
	for (i = 0; i < a.n && i < b.n; i++) {
		const struct sockent *x = &a.s[i], *y = &b.s[i];

		CHECK(x->family == y->family && x->type == y->type &&
		    x->state == y->state && x->lport == y->lport &&
		    x->rport == y->rport && x->inode == y->inode &&
		    x->uid == y->uid && strcmp(x->laddr, y->laddr) == 0 &&
		    strcmp(x->raddr, y->raddr) == 0);
	}
	sock_free(&a);
	sock_free(&b);
}

/* Cut the unix capture at every length: never more than the whole
 * gives, and only the whole sees NLMSG_DONE. */
static void
netlink_truncated(void)
{
	struct socklist sl = { 0 };
	char *buf;
	size_t len, cut;
	int r, bad = 0;

	buf = proc_slurp(SOCKFX, "unix.bin", &len);
	CHECK(buf != NULL);
	if (buf == NULL)
		return;
	for (cut = 0; cut < len; cut++) {
		r = sock_parse_diag(buf, cut, AF_UNIX, SOCK_STREAM, &sl);
		if (r == 1 || sl.n > 5)
			bad++;
		sock_free(&sl);
	}
	CHECK_U64(bad, 0);
	/* a header claiming more than the buffer holds */
	CHECK(sock_parse_diag(buf, 20, AF_UNIX, SOCK_STREAM, &sl) == -1);
	CHECK(errno == EINVAL);
	sock_free(&sl);
	free(buf);
}

static size_t
put_msg(unsigned char *p, uint16_t type, const void *payload, size_t plen)
{
	uint32_t len = 16 + (uint32_t)plen;
	uint16_t flags = 2;	/* NLM_F_MULTI */
	uint32_t zero = 0;

	memcpy(p, &len, 4);
	memcpy(p + 4, &type, 2);
	memcpy(p + 6, &flags, 2);
	memcpy(p + 8, &zero, 4);
	memcpy(p + 12, &zero, 4);
	memcpy(p + 16, payload, plen);
	return (16 + plen + 3) & ~(size_t)3;
}

static void
netlink_errors(void)
{
	struct socklist sl = { 0 };
	unsigned char buf[256], attr[40];
	int32_t err;
	size_t n;

	/* NLMSG_ERROR carries the request's errno */
	err = -EACCES;
	n = put_msg(buf, 2, &err, sizeof(err));
	errno = 0;
	CHECK(sock_parse_diag(buf, n, AF_INET, SOCK_STREAM, &sl) == -1);
	CHECK_U64(errno, EACCES);
	/* and NLMSG_DONE an error from the dump */
	err = -ENOBUFS;
	n = put_msg(buf, 3, &err, sizeof(err));
	CHECK(sock_parse_diag(buf, n, AF_UNIX, 0, &sl) == -1);
	CHECK_U64(errno, ENOBUFS);
	err = 0;
	n = put_msg(buf, 3, &err, sizeof(err));
	CHECK_U64(sock_parse_diag(buf, n, AF_INET6, SOCK_DGRAM, &sl), 1);
	/* a nonsense errno is a malformed message */
	err = INT32_MIN;
	n = put_msg(buf, 2, &err, sizeof(err));
	CHECK(sock_parse_diag(buf, n, AF_INET, SOCK_STREAM, &sl) == -1);
	CHECK_U64(errno, EINVAL);
	/* an empty buffer: more to read */
	CHECK_U64(sock_parse_diag(buf, 0, AF_INET, SOCK_STREAM, &sl), 0);
	/* a request we never make */
	CHECK(sock_parse_diag(buf, n, AF_INET, SOCK_RAW, &sl) == -1);
	CHECK(sock_parse_diag(buf, n, AF_PACKET, SOCK_STREAM, &sl) == -1);
	/* a short inet_diag_msg */
	memset(attr, 0, sizeof(attr));
	n = put_msg(buf, 20, attr, 40);
	CHECK(sock_parse_diag(buf, n, AF_INET, SOCK_STREAM, &sl) == -1);
	/* unix_diag_msg with an attribute running past its message */
	memset(attr, 0, sizeof(attr));
	attr[0] = AF_UNIX;
	attr[1] = SOCK_STREAM;
	attr[16] = 200;		/* nla_len */
	n = put_msg(buf, 20, attr, 24);
	CHECK(sock_parse_diag(buf, n, AF_UNIX, 0, &sl) == -1);
	CHECK_U64(errno, EINVAL);
	sock_free(&sl);
	/* unknown message types are passed over */
	n = put_msg(buf, 1, attr, 8);
	CHECK_U64(sock_parse_diag(buf, n, AF_UNIX, 0, &sl), 0);
	CHECK_U64(sl.n, 0);
	sock_free(&sl);
}

static void
abstract_long(void)
{
	struct socklist sl = { 0 };
	unsigned char buf[256], msg[16 + 4 + 108];
	uint16_t alen = 4 + 108, atype = 0;
	size_t n;

	memset(msg, 0, sizeof(msg));
	msg[0] = AF_UNIX;
	msg[1] = SOCK_DGRAM;
	msg[2] = 7;
	msg[4] = 42;		/* inode, little or big end: only != 0 */
	memcpy(msg + 16, &alen, 2);
	memcpy(msg + 18, &atype, 2);
	memset(msg + 21, 'a', 107);
	n = put_msg(buf, 20, msg, sizeof(msg));
	CHECK_U64(sock_parse_diag(buf, n, AF_UNIX, 0, &sl), 0);
	CHECK_U64(sl.n, 1);
	if (sl.n == 1) {
		CHECK_U64(strlen(sl.s[0].laddr), 107);
		CHECK(sl.s[0].laddr[0] == '@' && sl.s[0].laddr[106] == 'a');
		CHECK(sl.s[0].inode != 0);
	}
	sock_free(&sl);
}

/* Hand-made lines: odd ones are skipped, good ones around them kept. */
static void
text_malformed(void)
{
	static const char tcp[] =
	    "  sl  local_address rem_address   st tx_queue ...\n"
	    "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000   100        0 4242 1 0 100 0 0 10 0\n"
	    "   1: 0100007G:0277 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 1 1\n"
	    "   2: 0100007F:0277 00000000:0000 0A 0 0 0 0 0\n"
	    "garbage\n"
	    "\n"
	    "   3: 0100007F:00500 00000000:0000 0A 0 0 0 0 0 7\n"
	    "   4: 0101A8C0:01BB 0201A8C0:C350 01 0 0 0 4294967296 0 8\n"
	    "   5: 0101A8C0:01BB 0201A8C0:C350 01 0 0 0 1000 0 9";
	static const char unx[] =
	    "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01 77 "
	    "/run/a b\n"
	    "0000000000000000: 00000002 00000000 00000000 0002 01 78\n"
	    "0000000000000000: 00000002 00000000 00000000 0002 zz 79\n"
	    "new\nline\n"
	    "0000000000000000: 00000003 00000000 00000000 0001 02 80  lead";
	struct socklist sl = { 0 };

	CHECK_U64(sock_parse_proc_inet(tcp, sizeof(tcp) - 1, AF_INET,
	    SOCK_STREAM, &sl), 0);
	CHECK_U64(sl.n, 2);
	if (sl.n == 2) {
		CHECK_STR(sl.s[0].laddr, "127.0.0.1");
		CHECK_U64(sl.s[0].lport, 631);
		CHECK_U64(sl.s[0].uid, 100);
		CHECK_U64(sl.s[0].inode, 4242);
		CHECK_U64(sl.s[0].state, 10);
		/* the last line has no newline */
		CHECK_STR(sl.s[1].laddr, "192.168.1.1");
		CHECK_U64(sl.s[1].lport, 443);
		CHECK_STR(sl.s[1].raddr, "192.168.1.2");
		CHECK_U64(sl.s[1].rport, 50000);
		CHECK_U64(sl.s[1].inode, 9);
	}
	sock_free(&sl);
	/* a v4 line is not a v6 line */
	CHECK_U64(sock_parse_proc_inet(tcp, sizeof(tcp) - 1, AF_INET6,
	    SOCK_STREAM, &sl), 0);
	CHECK_U64(sl.n, 0);
	CHECK(sock_parse_proc_inet(tcp, sizeof(tcp) - 1, AF_UNIX,
	    SOCK_STREAM, &sl) == -1 && errno == EINVAL);
	sock_free(&sl);

	CHECK_U64(sock_parse_proc_unix(unx, sizeof(unx) - 1, &sl), 0);
	CHECK_U64(sl.n, 3);
	if (sl.n == 3) {
		CHECK_STR(sl.s[0].laddr, "/run/a b");
		CHECK_U64(sl.s[0].state, 10);
		CHECK_U64(sl.s[0].inode, 77);
		CHECK_STR(sl.s[1].laddr, "");
		CHECK_U64(sl.s[1].type, SOCK_DGRAM);
		CHECK_U64(sl.s[1].state, 7);
		/* a path may begin with a blank; SS_CONNECTING is an
		 * established embryo */
		CHECK_STR(sl.s[2].laddr, " lead");
		CHECK_U64(sl.s[2].state, 1);
	}
	sock_free(&sl);
	/* nothing at all */
	CHECK_U64(sock_parse_proc_unix("", 0, &sl), 0);
	CHECK_U64(sl.n, 0);
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Our IPv6 text against the C library's, through /proc/net/tcp6 lines
 * (musl writes v4-compatible ::a.b.c.d differently; glibc is psutil's). */
static void
ipv6_text(void)
{
	struct socklist sl = { 0 };
	char line[256], want[INET6_ADDRSTRLEN];
	unsigned char a[16];
	uint32_t w[4], seed = 12345;
	int i, j, bad = 0, compare;
	static const char *const fixed[] = {
		"::", "::1", "1::", "::ffff:10.0.0.1", "::10.0.0.1",
		"fe80::1:0:0:2", "1:0:0:1:0:0:0:1", "1:0:1:0:1:0:1:0",
		"2001:db8::8:800:200c:417a", "ff02::1:ff00:1",
	};

	for (i = 0; i < 4000; i++) {
		if (i < (int)(sizeof(fixed) / sizeof(fixed[0]))) {
			if (inet_pton(AF_INET6, fixed[i], a) != 1)
				continue;
		} else {
			/* mostly zero words, so runs of zeros are common */
			for (j = 0; j < 16; j += 2) {
				uint32_t r = rnd(&seed);

				a[j] = r % 4 == 0 ? (unsigned char)(r >> 8) : 0;
				a[j + 1] = r % 3 == 0 ? (unsigned char)(r >> 16) :
				    0;
			}
		}
		memcpy(w, a, 16);
		snprintf(line, sizeof(line), "sl\n 0: %08X%08X%08X%08X:0016 "
		    "%08X%08X%08X%08X:0000 0A 0 0 0 0 0 %d\n", w[0], w[1],
		    w[2], w[3], w[0], w[1], w[2], w[3], i + 1);
		CHECK_U64(sock_parse_proc_inet(line, strlen(line), AF_INET6,
		    SOCK_STREAM, &sl), 0);
		CHECK_U64(sl.n, 1);
		inet_ntop(AF_INET6, a, want, sizeof(want));
#ifdef __GLIBC__
		compare = 1;
#else
		compare = 0;
#endif
		if (compare && sl.n == 1 && strcmp(sl.s[0].laddr, want) != 0) {
			if (bad++ < 5)
				printf("# ipv6: got %s want %s\n",
				    sl.s[0].laddr, want);
		}
		sock_free(&sl);
	}
	sock_free(&sl);
	CHECK_U64(bad, 0);
}

/* Point SYSKIT_PROC at the fixture tree for the duration of fn. */
static void
with_proc(const char *root, void (*fn)(void))
{
	const char *old = getenv("SYSKIT_PROC");
	char *save = old ? strdup(old) : NULL;

	if (root)
		setenv("SYSKIT_PROC", root, 1);
	else
		unsetenv("SYSKIT_PROC");
	fn();
	if (save) {
		setenv("SYSKIT_PROC", save, 1);
		free(save);
	} else
		unsetenv("SYSKIT_PROC");
}

static void
fixture_tree_body(void)
{
	struct socklist sl = { 0 };
	const struct sockent *e;

	CHECK_STR(proc_root(), SOCKFX);
	CHECK_U64(sock_list(SK_ALL, &sl), 0);
	CHECK_U64(sl.source, 2);
	check_all_fixture(&sl);
	CHECK_U64(sock_map_pids(&sl), 0);
	/* 100/fd/3 and 250/fd/5 both hold it: either may be named */
	e = by_inode(&sl, INO_T4_LISTEN);
	CHECK(e != NULL && (e->pid == 100 || e->pid == 250));
	if (e != NULL)
		CHECK_STR(e->comm, e->pid == 100 ? "python3" : "other");
	e = by_inode(&sl, INO_X_LISTEN);
	CHECK(e != NULL && e->pid == 100);
	if (e != NULL)
		CHECK_STR(e->comm, "python3");
	e = by_inode(&sl, INO_T4_NOBODY);
	CHECK(e != NULL && e->pid == 250);
	if (e != NULL)
		CHECK_STR(e->comm, "other");
	e = by_inode(&sl, INO_U4);
	CHECK(e != NULL && e->pid == -1 && e->comm[0] == '\0');
	sock_free(&sl);

	CHECK_U64(sock_list(SK_UDP6 | SK_UNIX, &sl), 0);
	CHECK_U64(sl.n, 6);
	sock_free(&sl);
	CHECK(sock_list(0, &sl) == -1 && errno == EINVAL);
	CHECK(sock_list(0x40, &sl) == -1 && errno == EINVAL);
}

static void
missing_tree_body(void)
{
	struct socklist sl = { 0 };

	errno = 0;
	CHECK(sock_list(SK_TCP4, &sl) == -1 && errno == ENOENT);
	CHECK(sl.s == NULL && sl.n == 0);
	/* no IPv6 in the kernel is no IPv6 sockets */
	CHECK_U64(sock_list(SK_INET6, &sl), 0);
	CHECK_U64(sl.n, 0);
	sock_free(&sl);
}

static void
fixture_tree(void)
{
	with_proc(SOCKFX, fixture_tree_body);
	with_proc(SOCKFX "/nonexistent", missing_tree_body);
}

static void
live_body(void)
{
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	struct socklist sl = { 0 };
	const struct sockent *e;
	struct stat st[3];
	socklen_t slen;
	char comm[32];
	int fd[3] = { -1, -1, -1 }, i;
	unsigned port[2];

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "/tmp/syskit-unit-sock.%ld", (long)getpid());
	unlink(sun.sun_path);
	fd[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	fd[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	fd[2] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(fd[0] != -1 && fd[1] != -1 && fd[2] != -1);
	for (i = 0; i < 2; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		CHECK(bind(fd[i], (struct sockaddr *)&sin, sizeof(sin)) == 0);
		slen = sizeof(sin);
		CHECK(getsockname(fd[i], (struct sockaddr *)&sin, &slen) == 0);
		port[i] = ntohs(sin.sin_port);
	}
	CHECK(listen(fd[0], 1) == 0);
	CHECK(bind(fd[2], (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CHECK(listen(fd[2], 1) == 0);
	for (i = 0; i < 3; i++)
		CHECK(fstat(fd[i], &st[i]) == 0);

	CHECK_U64(sock_list(SK_ALL, &sl), 0);
	CHECK_U64(sl.source, 1);
	CHECK_U64(sock_map_pids(&sl), 0);
	if (proc_read_str("/proc", "self/comm", comm, sizeof(comm)) == -1)
		comm[0] = '\0';

	e = by_inode(&sl, st[0].st_ino);
	CHECK(e != NULL);
	if (e != NULL) {
		CHECK_U64(e->family, AF_INET);
		CHECK_U64(e->type, SOCK_STREAM);
		CHECK_STR(sock_state_name(e->state), "LISTEN");
		CHECK_STR(e->laddr, "127.0.0.1");
		CHECK_U64(e->lport, port[0]);
		CHECK_U64(e->uid, geteuid());
		CHECK_U64(e->pid, getpid());
		CHECK_STR(e->comm, comm);
	}
	e = by_inode(&sl, st[1].st_ino);
	CHECK(e != NULL);
	if (e != NULL) {
		CHECK_U64(e->family, AF_INET);
		CHECK_U64(e->type, SOCK_DGRAM);
		CHECK_STR(sock_state_name(e->state), "NONE");
		CHECK_STR(e->laddr, "127.0.0.1");
		CHECK_U64(e->lport, port[1]);
		CHECK_U64(e->pid, getpid());
	}
	e = by_inode(&sl, st[2].st_ino);
	CHECK(e != NULL);
	if (e != NULL) {
		CHECK_U64(e->family, AF_UNIX);
		CHECK_U64(e->type, SOCK_STREAM);
		CHECK_STR(sock_state_name(e->state), "LISTEN");
		CHECK_STR(e->laddr, sun.sun_path);
		CHECK_STR(e->raddr, "");
		CHECK_U64(e->pid, getpid());
		CHECK_STR(e->comm, comm);
	}
	sock_free(&sl);

	/* only unix asked for: no inet entries */
	CHECK_U64(sock_list(SK_UNIX, &sl), 0);
	CHECK(by_inode(&sl, st[0].st_ino) == NULL);
	CHECK(by_inode(&sl, st[2].st_ino) != NULL);
	for (i = 0; i < sl.n; i++)
		CHECK_U64(sl.s[i].family, AF_UNIX);
	sock_free(&sl);

	for (i = 0; i < 3; i++)
		if (fd[i] != -1)
			close(fd[i]);
	unlink(sun.sun_path);
}

static void
live(void)
{
	with_proc(NULL, live_body);
}

static int
key_cmp(const void *a, const void *b)
{
	const struct sockent *x = a, *y = b;
	int c;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	if ((c = strcmp(x->laddr, y->laddr)) != 0)
		return c;
	if (x->rport != y->rport)
		return x->rport < y->rport ? -1 : 1;
	return strcmp(x->raddr, y->raddr);
}

/* Sorted (laddr, lport, inode [, raddr, rport]) of both lists agree. */
static int
same_keys(struct socklist *a, struct socklist *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	qsort(a->s, (size_t)a->n, sizeof(a->s[0]), key_cmp);
	qsort(b->s, (size_t)b->n, sizeof(b->s[0]), key_cmp);
	for (i = 0; i < a->n; i++)
		if (key_cmp(&a->s[i], &b->s[i]) != 0)
			return 0;
	return 1;
}

/* The netlink path and the text path see the same TCP sockets.  Retried,
 * since connections come and go between the two reads. */
static void
live_netlink_vs_text_body(void)
{
	static const char *const files[] = { "net/tcp", "net/tcp6" };
	struct socklist nl = { 0 }, tx = { 0 };
	char *buf;
	size_t len;
	int try, i, ok = 0, nlsrc = 0;

	for (try = 0; try < 10 && !ok; try++) {
		if (sock_list(SK_TCP, &nl) == -1)
			break;
		nlsrc = nl.source;
		for (i = 0; i < 2; i++) {
			buf = proc_slurp("/proc", files[i], &len);
			if (buf == NULL)
				continue;	/* no IPv6 */
			CHECK_U64(sock_parse_proc_inet(buf, len,
			    i ? AF_INET6 : AF_INET, SOCK_STREAM, &tx), 0);
			free(buf);
		}
		ok = same_keys(&nl, &tx);
		sock_free(&nl);
		sock_free(&tx);
		if (!ok)
			usleep(20000);
	}
	CHECK_U64(nlsrc, 1);
	CHECK(ok);
}

static void
live_netlink_vs_text(void)
{
	with_proc(NULL, live_netlink_vs_text_body);
}

UNIT_SUITE(test_sockdiag);

void
test_sockdiag(void)
{
	unit_run("sock: kind and state names", names);
	unit_run("sock: /proc/net text fixtures", text_fixtures);
	unit_run("sock: netlink reply fixtures", netlink_fixtures);
	unit_run("sock: netlink replies unaligned", netlink_unaligned);
	unit_run("sock: netlink replies truncated", netlink_truncated);
	unit_run("sock: netlink error and bad messages", netlink_errors);
	unit_run("sock: long abstract unix name", abstract_long);
	unit_run("sock: malformed text lines", text_malformed);
	unit_run("sock: IPv6 text as inet_ntop", ipv6_text);
	unit_run("sock: SYSKIT_PROC tree and pids", fixture_tree);
	unit_run("sock: live sockets and pids", live);
	unit_run("sock: live netlink equals /proc/net/tcp",
	    live_netlink_vs_text);
}
