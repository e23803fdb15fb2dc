/*
 * sock: the machine's sockets through netlink sock_diag, with the
 * <proc>/net text files as the fallback.  See sockdiag.h.
 *
 * The netlink structures are the kernel's stable ABI (linux/netlink.h,
 * linux/inet_diag.h, linux/unix_diag.h); they are spelled out here under
 * private names so that the file builds against a libc without kernel
 * headers (musl-gcc has none).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "proc.h"
#include "sockdiag.h"

/* ---- kernel ABI ---- */

#define NL_SOCK_DIAG		4	/* NETLINK_SOCK_DIAG */
#define NL_MSG_NOOP		1
#define NL_MSG_ERROR		2
#define NL_MSG_DONE		3
#define NL_F_REQUEST		0x001
#define NL_F_DUMP		0x300	/* NLM_F_ROOT | NLM_F_MATCH */
#define NL_SOCK_DIAG_BY_FAMILY	20
#define NL_UDIAG_SHOW_NAME	0x01
#define NL_UDIAG_SHOW_PEER	0x04
#define NL_UNIX_DIAG_NAME	0
#define NL_ATTR_TYPE_MASK	0x3fff	/* ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) */

struct nl_hdr {
	uint32_t len;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
};

struct nl_attr {
	uint16_t len;
	uint16_t type;
};

struct nl_addr {
	sa_family_t family;
	unsigned short pad;
	uint32_t pid;
	uint32_t groups;
};

struct diag_sockid {
	uint16_t sport, dport;		/* network order */
	uint32_t src[4], dst[4];	/* network order */
	uint32_t ifindex;
	uint32_t cookie[2];
};

struct diag_inet_req {
	uint8_t	 family, protocol, ext, pad;
	uint32_t states;
	struct diag_sockid id;
};

struct diag_inet_msg {
	uint8_t	 family, state, timer, retrans;
	struct diag_sockid id;
	uint32_t expires, rqueue, wqueue, uid, inode;
};

struct diag_unix_req {
	uint8_t	 family, protocol;
	uint16_t pad;
	uint32_t states, ino, show;
	uint32_t cookie[2];
};

struct diag_unix_msg {
	uint8_t	 family, type, state, pad;
	uint32_t ino;
	uint32_t cookie[2];
};

_Static_assert(sizeof(struct nl_hdr) == 16, "nlmsghdr");
_Static_assert(sizeof(struct nl_addr) == 12, "sockaddr_nl");
_Static_assert(sizeof(struct diag_inet_req) == 56, "inet_diag_req_v2");
_Static_assert(sizeof(struct diag_inet_msg) == 72, "inet_diag_msg");
_Static_assert(sizeof(struct diag_unix_req) == 24, "unix_diag_req");
_Static_assert(sizeof(struct diag_unix_msg) == 16, "unix_diag_msg");

#define NL_ALIGN(n)	(((n) + 3) & ~(size_t)3)
#define DIAG_BUFSZ	32768	/* the kernel caps one dump skb at 32 KiB */

/* TCP states as the kernel numbers them (include/net/tcp_states.h) */
#define ST_ESTABLISHED	1
#define ST_SYN_SENT	2
#define ST_CLOSE	7
#define ST_LISTEN	10
#define ST_CLOSING	11
#define ST_MAX		12

/* ---- names ---- */

static const char *const state_names[ST_MAX + 1] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
	"LISTEN", "CLOSING", "NEW_SYN_RECV",
};

const char *
sock_state_name(int state)
{
	if (state < 0 || state > ST_MAX)
		return state_names[0];
	return state_names[state];
}

static const struct {
	const char *name;
	int	 kinds;
} kind_names[] = {
	{ "all", SK_ALL }, { "inet", SK_INET }, { "inet4", SK_INET4 },
	{ "inet6", SK_INET6 }, { "tcp", SK_TCP }, { "tcp4", SK_TCP4 },
	{ "tcp6", SK_TCP6 }, { "udp", SK_UDP }, { "udp4", SK_UDP4 },
	{ "udp6", SK_UDP6 }, { "unix", SK_UNIX },
};

int
sock_kind(const char *name)
{
	size_t i;

	if (name != NULL)
		for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
			if (strcmp(name, kind_names[i].name) == 0)
				return kind_names[i].kinds;
	errno = EINVAL;
	return -1;
}

void
sock_free(struct socklist *sl)
{
	free(sl->s);
	sl->s = NULL;
	sl->n = sl->cap = 0;
}

/* ---- the list ---- */

/* sock_each: pass the entries read so far on, and drop them; non-zero
 * when each says stop. */
static int
sl_pass(struct socklist *sl)
{
	int i;

	if (sl->each == NULL)
		return 0;
	for (i = 0; i < sl->n && sl->stop == 0; i++)
		sl->stop = sl->each(&sl->s[i], sl->arg);
	sl->passed += i;
	sl->n = 0;
	return sl->stop;
}

/* A new entry at the end, grown geometrically; addresses and comm empty. */
static struct sockent *
sl_add(struct socklist *sl)
{
	struct sockent *e;
	int ncap;

	if (sl->n < 0 || sl->cap < 0 || sl->n > sl->cap) {
		errno = EINVAL;
		return NULL;
	}
	if (sl->n == sl->cap) {
		if (sl->cap > INT_MAX / 2) {
			errno = ENOMEM;
			return NULL;
		}
		ncap = sl->cap ? sl->cap * 2 : 64;
		e = reallocarray(sl->s, (size_t)ncap, sizeof(*e));
		if (e == NULL)
			return NULL;
		sl->s = e;
		sl->cap = ncap;
	}
	e = &sl->s[sl->n++];
	e->family = 0;
	e->type = 0;
	e->state = 0;
	e->laddr[0] = e->raddr[0] = '\0';
	e->lport = e->rport = 0;
	e->inode = 0;
	e->uid = 0;
	e->pid = -1;
	e->comm[0] = '\0';
	return e;
}

/* ---- address text, as inet_ntop(3) writes it ---- */

static char *
fmt_u8(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = '0' + v / 100;
	if (v >= 10)
		*p++ = '0' + v / 10 % 10;
	*p++ = '0' + v % 10;
	return p;
}

static char *
fmt_ip4(char *p, const unsigned char *a)
{
	p = fmt_u8(p, a[0]);
	*p++ = '.';
	p = fmt_u8(p, a[1]);
	*p++ = '.';
	p = fmt_u8(p, a[2]);
	*p++ = '.';
	p = fmt_u8(p, a[3]);
	*p = '\0';
	return p;
}

/*
 * glibc's inet_ntop6 (the BIND one): the first longest run of two or more
 * zero words becomes "::"; ::a.b.c.d and ::ffff:a.b.c.d keep the dotted
 * quad.  Done by hand because this runs once per socket.
 */
static void
fmt_ip6(char *p, const unsigned char *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int i, j, base = -1, blen = 0, cbase = -1, clen = 0, started;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cbase == -1) {
				cbase = i;
				clen = 1;
			} else
				clen++;
		} else if (cbase != -1) {
			if (base == -1 || clen > blen) {
				base = cbase;
				blen = clen;
			}
			cbase = -1;
		}
	}
	if (cbase != -1 && (base == -1 || clen > blen)) {
		base = cbase;
		blen = clen;
	}
	if (base != -1 && blen < 2)
		base = -1;
	for (i = 0; i < 8; i++) {
		if (base != -1 && i >= base && i < base + blen) {
			if (i == base)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && base == 0 &&
		    (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			fmt_ip4(p, a + 12);
			return;
		}
		started = 0;
		for (j = 12; j >= 0; j -= 4) {
			unsigned d = (w[i] >> j) & 0xf;

			if (d != 0 || started || j == 0) {
				*p++ = hex[d];
				started = 1;
			}
		}
	}
	if (base != -1 && base + blen == 8)
		*p++ = ':';
	*p = '\0';
}

/* a holds 4 (AF_INET) or 16 (AF_INET6) bytes in network order */
static void
fmt_addr(char *out, int family, const unsigned char *a)
{
	if (family == AF_INET)
		fmt_ip4(out, a);
	else
		fmt_ip6(out, a);
}

/* A unix socket's address bytes as ss and /proc/net/unix show them:
 * abstract names get '@' for the leading NUL and for any NUL inside. */
static void
fmt_unix(char *out, size_t outsz, const unsigned char *d, size_t dlen)
{
	size_t i, n = 0;

	if (dlen == 0) {
		out[0] = '\0';
		return;
	}
	if (d[0] == '\0') {
		out[n++] = '@';
		for (i = 1; i < dlen && n < outsz - 1; i++)
			out[n++] = d[i] ? (char)d[i] : '@';
	} else {
		for (i = 0; i < dlen && d[i] != '\0' && n < outsz - 1; i++)
			out[n++] = (char)d[i];
	}
	out[n] = '\0';
}

/* ---- netlink replies ---- */

static int
parse_inet_msg(const unsigned char *p, size_t plen, int type,
    struct socklist *sl)
{
	struct diag_inet_msg m;
	struct sockent *e;

	if (plen < sizeof(m)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&m, p, sizeof(m));
	if (m.family != AF_INET && m.family != AF_INET6) {
		errno = EINVAL;
		return -1;
	}
	if ((e = sl_add(sl)) == NULL)
		return -1;
	e->family = m.family;
	e->type = type;
	/* psutil has no state for UDP ("NONE") */
	e->state = type == SOCK_STREAM ? m.state : 0;
	fmt_addr(e->laddr, m.family, (const unsigned char *)m.id.src);
	fmt_addr(e->raddr, m.family, (const unsigned char *)m.id.dst);
	e->lport = ntohs(m.id.sport);
	e->rport = ntohs(m.id.dport);
	e->uid = m.uid;
	e->inode = m.inode;
	return 0;
}

static int
parse_unix_msg(const unsigned char *p, size_t plen, struct socklist *sl)
{
	struct diag_unix_msg m;
	struct nl_attr a;
	struct sockent *e;
	size_t off, step;

	if (plen < sizeof(m)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&m, p, sizeof(m));
	if ((e = sl_add(sl)) == NULL)
		return -1;
	e->family = AF_UNIX;
	e->type = m.type;
	e->state = m.state;
	e->inode = m.ino;
	for (off = NL_ALIGN(sizeof(m)); plen - off >= sizeof(a); off += step) {
		memcpy(&a, p + off, sizeof(a));
		if (a.len < sizeof(a) || a.len > plen - off) {
			errno = EINVAL;
			return -1;
		}
		if ((a.type & NL_ATTR_TYPE_MASK) == NL_UNIX_DIAG_NAME)
			fmt_unix(e->laddr, sizeof(e->laddr), p + off + sizeof(a),
			    a.len - sizeof(a));
		step = NL_ALIGN((size_t)a.len);
		if (step > plen - off)
			break;
	}
	return 0;
}

int
sock_parse_diag(const void *buf, size_t len, int family, int type,
    struct socklist *sl)
{
	const unsigned char *p = buf;
	struct nl_hdr h;
	size_t off, step, plen;
	int32_t err;

	if (family != AF_UNIX && ((family != AF_INET && family != AF_INET6) ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM))) {
		errno = EINVAL;
		return -1;
	}
	for (off = 0; off < len; off += step) {
		if (len - off < sizeof(h)) {
			errno = EINVAL;
			return -1;
		}
		memcpy(&h, p + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > len - off) {
			errno = EINVAL;
			return -1;
		}
		plen = h.len - sizeof(h);
		switch (h.type) {
		case NL_MSG_DONE:
		case NL_MSG_ERROR:
			/* both carry an int errno, 0 or negative; an error
			 * reply is final, a zero one is an ack */
			if (plen < sizeof(err)) {
				if (h.type == NL_MSG_DONE)
					return 1;
				errno = EINVAL;
				return -1;
			}
			memcpy(&err, p + off + sizeof(h), sizeof(err));
			if (err == 0)
				return 1;
			errno = err < 0 && err > -4096 ? -err : EINVAL;
			return -1;
		case NL_SOCK_DIAG_BY_FAMILY:
			if (family == AF_UNIX) {
				if (parse_unix_msg(p + off + sizeof(h), plen,
				    sl) == -1)
					return -1;
			} else if (parse_inet_msg(p + off + sizeof(h), plen,
			    type, sl) == -1)
				return -1;
			break;
		default:
			break;	/* NLMSG_NOOP and the like */
		}
		step = NL_ALIGN((size_t)h.len);
		if (step > len - off)
			break;
	}
	return 0;
}

/* Send one dump request and read the answer into sl. */
static int
diag_dump(int fd, unsigned char *buf, int family, int type, uint32_t seq,
    struct socklist *sl)
{
	struct {
		struct nl_hdr h;
		union {
			struct diag_inet_req in;
			struct diag_unix_req un;
		} r;
	} req;
	struct nl_addr sa;
	struct iovec iov;
	struct msghdr msg;
	size_t rlen;
	ssize_t n;
	int r;

	memset(&req, 0, sizeof(req));
	if (family == AF_UNIX) {
		req.r.un.family = AF_UNIX;
		req.r.un.states = 0xffffffff;
		req.r.un.show = NL_UDIAG_SHOW_NAME | NL_UDIAG_SHOW_PEER;
		rlen = sizeof(req.r.un);
	} else {
		req.r.in.family = family;
		req.r.in.protocol = type == SOCK_STREAM ? IPPROTO_TCP :
		    IPPROTO_UDP;
		req.r.in.states = 0xffffffff;
		rlen = sizeof(req.r.in);
	}
	req.h.len = sizeof(req.h) + rlen;
	req.h.type = NL_SOCK_DIAG_BY_FAMILY;
	req.h.flags = NL_F_REQUEST | NL_F_DUMP;
	req.h.seq = seq;
	memset(&sa, 0, sizeof(sa));
	sa.family = AF_NETLINK;
	while (sendto(fd, &req, req.h.len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		if (errno != EINTR)
			return -1;
	for (;;) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = DIAG_BUFSZ;
		msg.msg_name = &sa;
		msg.msg_namelen = sizeof(sa);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(fd, &msg, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EPROTO;
			return -1;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			errno = EMSGSIZE;
			return -1;
		}
		if (sa.pid != 0)
			continue;	/* only the kernel answers */
		r = sock_parse_diag(buf, (size_t)n, family, type, sl);
		if (r == -1)
			return -1;
		if (sl_pass(sl) != 0 || r == 1)
			return 0;
	}
}

/* ---- /proc/net text ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n hex digits (n <= 8) into *v. */
static int
parse_hex32(const char *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	size_t i;
	int d;

	if (n == 0 || n > 8)
		return -1;
	for (i = 0; i < n; i++) {
		if ((d = hexval((unsigned char)s[i])) < 0)
			return -1;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return 0;
}

static int
parse_dec(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

struct field {
	const char *p;
	size_t	 n;
};

/* Split [p, end) at blanks into at most max fields; returns the count. */
static int
split(const char *p, const char *end, struct field *f, int max)
{
	int n = 0;

	while (n < max) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		f[n].p = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		f[n].n = (size_t)(p - f[n].p);
		n++;
	}
	return n;
}

/*
 * "0100007F:0277": the kernel prints each 32-bit word of the address as
 * the native-endian integer held in memory (%08X), so writing the parsed
 * words back to memory natively gives the network-order bytes.
 */
static int
parse_inet_addr(const struct field *f, int family, char *out, unsigned *port)
{
	unsigned char a[16];
	size_t nhex = family == AF_INET ? 8 : 32, i;
	uint32_t w, pt;

	if (f->n != nhex + 5 || f->p[nhex] != ':')
		return -1;
	for (i = 0; i < nhex / 8; i++) {
		if (parse_hex32(f->p + 8 * i, 8, &w) == -1)
			return -1;
		memcpy(a + 4 * i, &w, sizeof(w));
	}
	if (parse_hex32(f->p + nhex + 1, 4, &pt) == -1)
		return -1;
	fmt_addr(out, family, a);
	*port = pt;
	return 0;
}

/* One line of /proc/net/{tcp,udp}[6]; -1 when it is not an entry. */
static int
parse_inet_line(const char *p, const char *end, int family, int type,
    struct socklist *sl)
{
	struct field f[10];
	struct sockent *e;
	char laddr[sizeof(e->laddr)], raddr[sizeof(e->raddr)];
	unsigned lport, rport;
	uint32_t st;
	uint64_t uid, inode;

	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	if (split(p, end, f, 10) != 10)
		return -1;
	if (f[0].n < 2 || f[0].p[f[0].n - 1] != ':')
		return -1;
	if (parse_inet_addr(&f[1], family, laddr, &lport) == -1 ||
	    parse_inet_addr(&f[2], family, raddr, &rport) == -1 ||
	    parse_hex32(f[3].p, f[3].n, &st) == -1 ||
	    parse_dec(f[7].p, f[7].n, &uid) == -1 || uid > UINT32_MAX ||
	    parse_dec(f[9].p, f[9].n, &inode) == -1)
		return -1;
	if ((e = sl_add(sl)) == NULL)
		return -2;
	e->family = family;
	e->type = type;
	e->state = type == SOCK_STREAM && st <= ST_MAX ? (int)st : 0;
	memcpy(e->laddr, laddr, sizeof(laddr));
	memcpy(e->raddr, raddr, sizeof(raddr));
	e->lport = lport;
	e->rport = rport;
	e->uid = (uint32_t)uid;
	e->inode = inode;
	return 0;
}

/*
 * The first line is the header.  Lines that do not parse are skipped
 * rather than failing the whole listing: they cannot come from the kernel,
 * and the list should not be lost to one odd line.
 */
int
sock_parse_proc_inet(const char *buf, size_t len, int family, int type,
    struct socklist *sl)
{
	const char *p = buf, *end = buf + len, *nl;
	int first = 1;

	if ((family != AF_INET && family != AF_INET6) ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM)) {
		errno = EINVAL;
		return -1;
	}
	for (; p < end; p = nl + 1, first = 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!first && parse_inet_line(p, nl, family, type, sl) == -2)
			return -1;
		if (nl == end)
			break;
	}
	return 0;
}

/* /proc/net/unix's St column is the socket's SS_* state derived from
 * sk_state; map it back to the sk_state netlink reports. */
static int
unix_state(uint32_t flags, uint32_t st)
{
	if (flags & 0x10000)	/* __SO_ACCEPTCON: listening */
		return ST_LISTEN;
	switch (st) {
	case 1:			/* SS_UNCONNECTED */
	case 4:			/* SS_DISCONNECTING */
		return ST_CLOSE;
	case 2:			/* SS_CONNECTING: embryo, established */
	case 3:			/* SS_CONNECTED */
		return ST_ESTABLISHED;
	default:
		return 0;
	}
}

/* "Num RefCount Protocol Flags Type St Inode Path"; the path, when there
 * is one, is everything after the single blank that follows the inode. */
static int
parse_unix_line(const char *p, const char *end, struct socklist *sl)
{
	struct field f[7];
	struct sockent *e;
	uint32_t flags, utype, st;
	uint64_t inode;
	const char *path;
	size_t plen;

	if (split(p, end, f, 7) != 7)
		return -1;
	if (f[0].n < 2 || f[0].p[f[0].n - 1] != ':')
		return -1;
	if (parse_hex32(f[3].p, f[3].n, &flags) == -1 ||
	    parse_hex32(f[4].p, f[4].n, &utype) == -1 ||
	    parse_hex32(f[5].p, f[5].n, &st) == -1 ||
	    parse_dec(f[6].p, f[6].n, &inode) == -1 || utype > INT_MAX)
		return -1;
	if ((e = sl_add(sl)) == NULL)
		return -2;
	e->family = AF_UNIX;
	e->type = (int)utype;
	e->state = unix_state(flags, st);
	e->inode = inode;
	path = f[6].p + f[6].n;
	if (path < end && *path == ' ') {
		path++;
		plen = (size_t)(end - path);
		if (plen > sizeof(e->laddr) - 1)
			plen = sizeof(e->laddr) - 1;
		memcpy(e->laddr, path, plen);
		e->laddr[plen] = '\0';
	}
	return 0;
}

int
sock_parse_proc_unix(const char *buf, size_t len, struct socklist *sl)
{
	const char *p = buf, *end = buf + len, *nl;
	int first = 1;

	for (; p < end; p = nl + 1, first = 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!first && parse_unix_line(p, nl, sl) == -2)
			return -1;
		if (nl == end)
			break;
	}
	return 0;
}

/* ---- sock_list ---- */

static const struct {
	int	 kind;
	int	 family;
	int	 type;
	const char *file;
} sources[] = {
	{ SK_TCP4, AF_INET, SOCK_STREAM, "net/tcp" },
	{ SK_TCP6, AF_INET6, SOCK_STREAM, "net/tcp6" },
	{ SK_UDP4, AF_INET, SOCK_DGRAM, "net/udp" },
	{ SK_UDP6, AF_INET6, SOCK_DGRAM, "net/udp6" },
	{ SK_UNIX, AF_UNIX, SOCK_STREAM, "net/unix" },
};

/* A missing tcp6 or udp6 means a kernel without IPv6: no sockets.  The
 * others are always there, so their absence is a wrong root. */
static int
text_list(const char *root, int i, struct socklist *sl)
{
	char *buf;
	size_t len;
	int r;

	if ((buf = proc_slurp(root, sources[i].file, &len)) == NULL)
		return errno == ENOENT && sources[i].family == AF_INET6 ?
		    0 : -1;
	if (sources[i].family == AF_UNIX)
		r = sock_parse_proc_unix(buf, len, sl);
	else
		r = sock_parse_proc_inet(buf, len, sources[i].family,
		    sources[i].type, sl);
	free(buf);
	if (r == 0)
		sl_pass(sl);
	return r;
}

static int
list(int kinds, struct socklist *sl)
{
	const char *root = proc_root(), *failed = NULL;
	unsigned char *buf = NULL;
	int i, n0, fd = -1, use_nl, text = 0, ret = -1;
	long p0;
	uint32_t seq = 1;

	if (kinds <= 0 || (kinds & ~SK_ALL) != 0) {
		errno = EINVAL;
		return -1;
	}
	/* another tree's sockets are only in its text files */
	use_nl = strcmp(root, "/proc") == 0;
	if (use_nl && (buf = malloc(DIAG_BUFSZ)) == NULL)
		goto out;
	for (i = 0; i < (int)(sizeof(sources) / sizeof(sources[0])); i++) {
		if ((kinds & sources[i].kind) == 0)
			continue;
		n0 = sl->n;
		p0 = sl->passed;
		if (use_nl && fd == -1)
			fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			    NL_SOCK_DIAG);
		if (fd != -1) {
			if (diag_dump(fd, buf, sources[i].family,
			    sources[i].type, seq++, sl) == 0) {
				if (sl->stop != 0)
					break;
				continue;
			}
			if (errno == ENOMEM || sl->passed != p0)
				goto out;
			/* a failed dump may leave replies queued */
			close(fd);
			fd = -1;
			sl->n = n0;
		}
		text = 1;
		if (text_list(root, i, sl) == -1) {
			failed = sources[i].file;
			goto out;
		}
		if (sl->stop != 0)
			break;
	}
	sl->source = text ? 2 : 1;
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	if (ret == -1) {
		int e = errno;

		sock_free(sl);
		sl->file = failed;
		errno = e;
	}
	return ret;
}

int
sock_list(int kinds, struct socklist *sl)
{
	memset(sl, 0, sizeof(*sl));
	return list(kinds, sl);
}

int
sock_each(int kinds, int (*fn)(const struct sockent *, void *), void *arg,
    struct socklist *sl)
{
	int r;

	memset(sl, 0, sizeof(*sl));
	sl->each = fn;
	sl->arg = arg;
	r = list(kinds, sl);
	sock_free(sl);
	return r == 0 ? sl->stop : r;
}

/* ---- sock_map_pids ---- */

struct inoidx {
	uint64_t ino;
	int	 idx;
};

static int
inoidx_cmp(const void *a, const void *b)
{
	const struct inoidx *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The first entry with ino, or -1. */
static int
inoidx_find(const struct inoidx *m, int n, uint64_t ino)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (m[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && m[lo].ino == ino ? lo : -1;
}

/* "socket:[12345]" -> 12345; 0 if the link is something else. */
static uint64_t
socket_link_ino(const char *s, ssize_t n)
{
	uint64_t v = 0;
	ssize_t i;

	if (n < 10 || memcmp(s, "socket:[", 8) != 0 || s[n - 1] != ']')
		return 0;
	for (i = 8; i < n - 1; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	return v;
}

static void
read_comm(int rootfd, const char *pid, char *out, size_t outsz)
{
	char path[64], buf[64];
	ssize_t n;
	size_t l;
	int fd;

	out[0] = '\0';
	l = strlen(pid);
	if (l + sizeof("/comm") > sizeof(path))
		return;
	memcpy(path, pid, l);
	memcpy(path + l, "/comm", sizeof("/comm"));
	if ((fd = fs_open_regular(rootfd, path, 0)) == -1)
		return;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n == -1 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return;
	if (buf[n - 1] == '\n')
		n--;
	if ((size_t)n > outsz - 1)
		n = (ssize_t)(outsz - 1);
	memcpy(out, buf, (size_t)n);
	out[n] = '\0';
}

/*
 * Scan one process's fd directory; returns how many new inodes it
 * claimed.  Any failure (EACCES, a vanished pid) just claims nothing.
 */
/* What the walks over /proc and over one process's fd/ share. */
struct pidscan {
	int		 rootfd;
	struct inoidx	*m;
	int		 nm;
	struct socklist	*sl;
	int		 left;		/* socket inodes not yet claimed */
	/* the process being scanned */
	const char	*pid;
	int		 pidn;
	int		 claimed, have_comm;
	char		 comm[sizeof(((struct sockent *)0)->comm)];
};

/* One entry of PID/fd: a socket that is ours to claim takes the pid. */
static int
scan_fd(int fd, const char *name, unsigned type, void *arg)
{
	struct pidscan *ps = arg;
	char link[64];
	uint64_t ino;
	ssize_t n;
	int k;

	if (type != DT_LNK && type != DT_UNKNOWN)
		return 0;
	n = readlinkat(fd, name, link, sizeof(link));
	if (n <= 0 || n >= (ssize_t)sizeof(link))
		return 0;
	if ((ino = socket_link_ino(link, n)) == 0)
		return 0;
	if ((k = inoidx_find(ps->m, ps->nm, ino)) == -1)
		return 0;
	if (ps->sl->s[ps->m[k].idx].pid != -1)
		return 0;	/* an earlier process holds it too */
	if (!ps->have_comm) {
		read_comm(ps->rootfd, ps->pid, ps->comm, sizeof(ps->comm));
		ps->have_comm = 1;
	}
	for (; k < ps->nm && ps->m[k].ino == ino; k++) {
		struct sockent *e = &ps->sl->s[ps->m[k].idx];

		e->pid = ps->pidn;
		memcpy(e->comm, ps->comm, sizeof(e->comm));
	}
	ps->claimed++;
	return 0;
}

/* The sockets process pid holds: how many it claimed. */
static int
scan_pid(struct pidscan *ps, const char *pid, int pidn)
{
	char path[64];
	size_t l;
	int fd;

	l = strlen(pid);
	if (l + sizeof("/fd") > sizeof(path))
		return 0;
	memcpy(path, pid, l);
	memcpy(path + l, "/fd", sizeof("/fd"));
	fd = openat(ps->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	ps->pid = pid;
	ps->pidn = pidn;
	ps->claimed = ps->have_comm = 0;
	(void)fs_dir_each(fd, scan_fd, ps);
	close(fd);
	return ps->claimed;
}

/* One entry of /proc: a process to scan, until every socket is claimed. */
static int
scan_proc(int rootfd, const char *name, unsigned type, void *arg)
{
	struct pidscan *ps = arg;
	uint64_t pid;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	if (parse_dec(name, strlen(name), &pid) == -1 || pid > INT_MAX)
		return 0;
	ps->left -= scan_pid(ps, name, (int)pid);
	return ps->left > 0 ? 0 : 1;
}

int
sock_map_pids(struct socklist *sl)
{
	struct pidscan ps;
	struct inoidx *m = NULL;
	int i, nm = 0, left, rootfd = -1, ret = -1;

	for (i = 0; i < sl->n; i++) {
		sl->s[i].pid = -1;
		sl->s[i].comm[0] = '\0';
	}
	if (sl->n == 0)
		return 0;
	if ((m = reallocarray(NULL, (size_t)sl->n, sizeof(*m))) == NULL)
		return -1;
	for (i = 0; i < sl->n; i++) {
		if (sl->s[i].inode == 0)
			continue;	/* TIME_WAIT and friends own nothing */
		m[nm].ino = sl->s[i].inode;
		m[nm].idx = i;
		nm++;
	}
	qsort(m, (size_t)nm, sizeof(*m), inoidx_cmp);
	for (i = 0, left = 0; i < nm; i++)
		if (i == 0 || m[i].ino != m[i - 1].ino)
			left++;
	if (left == 0) {
		ret = 0;
		goto out;
	}
	rootfd = openat(AT_FDCWD, proc_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd == -1)
		goto out;
	ps.rootfd = rootfd;
	ps.m = m;
	ps.nm = nm;
	ps.sl = sl;
	ps.left = left;
	(void)fs_dir_each(rootfd, scan_proc, &ps);
	ret = 0;
out:
	if (rootfd != -1)
		close(rootfd);
	free(m);
	return ret;
}
