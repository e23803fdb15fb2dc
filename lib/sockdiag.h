/*
* sockdiag: the machine's sockets, as psutil.net_connections() and ss -tunap
 * give them.  Read through netlink sock_diag (NETLINK_SOCK_DIAG,
 * inet_diag_req_v2 and unix_diag_req) with <proc>/net/{tcp,tcp6,udp,udp6,unix}
 * as the fallback (and the only source when SYSKIT_PROC points elsewhere).
 * Nothing prints.  Functions return 0, or -1 with errno.
 */
#ifndef LIB_SOCKDIAG_H
#define LIB_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* kinds, as psutil's kind= argument */
#define SK_TCP4		0x01
#define SK_TCP6		0x02
#define SK_UDP4		0x04
#define SK_UDP6		0x08
#define SK_UNIX		0x10
#define SK_TCP		(SK_TCP4 | SK_TCP6)
#define SK_UDP		(SK_UDP4 | SK_UDP6)
#define SK_INET4	(SK_TCP4 | SK_UDP4)
#define SK_INET6	(SK_TCP6 | SK_UDP6)
#define SK_INET		(SK_TCP | SK_UDP)
#define SK_ALL		(SK_INET | SK_UNIX)

struct sockent {
	int	 family;		/* AF_INET, AF_INET6, AF_UNIX */
	int	 type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int	 state;			/* TCP state number (1..12), 0 when none */
	char	 laddr[108];		/* numeric address, or unix path ("" none) */
	char	 raddr[108];
	unsigned lport, rport;		/* 0 for unix */
	uint64_t inode;
	uint32_t uid;
	int	 pid;			/* -1 until sock_map_pids, or unknown */
	char	 comm[32];		/* process name where pid is known */
};

struct socklist {
	struct sockent *s;
	int	 n, cap;
	int	 source;		/* 1 = netlink, 2 = /proc/net text */
	const char *file;		/* on failure: the text file that failed
					 * ("net/tcp", under the proc root), or NULL */
	/* sock_each: each entry is passed on as it is read, then dropped */
	int	(*each)(const struct sockent *, void *);
	void	*arg;
	long	 passed;		/* entries passed on so far */
	int	 stop;			/* each's non-zero answer */
};

/* Parse a kind name ("tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix",
 * "inet", "inet4", "inet6", "all") into SK_* bits; -1/EINVAL if unknown. */
int	sock_kind(const char *name);
/* Collect the sockets of the given kinds. */
int	sock_list(int kinds, struct socklist *sl);
/* Call fn for each socket of the given kinds as it is read, holding no
 * more than one netlink reply (32 KiB: a few hundred sockets) or one
 * /proc/net file of them, so memory does not grow with the socket count.
 * Stops at fn's first non-zero answer and returns it; else 0, or -1 with
 * errno (and sl->file as sock_list).  A netlink dump that fails after
 * sockets were passed on is an error (the text fallback would repeat
 * them).  sl is scratch space: no sockets are left in it. */
int	sock_each(int kinds, int (*fn)(const struct sockent *, void *),
	    void *arg, struct socklist *sl);
/* Fill pid and comm by one pass over <proc>/PID/fd (only readable ones). */
int	sock_map_pids(struct socklist *sl);
void	sock_free(struct socklist *sl);
/* psutil's state names: "ESTABLISHED", "LISTEN", ..., "NONE" for 0. */
const char *sock_state_name(int state);

/* Parsers, for tests and fuzzing. */
/* One buffer of netlink messages answering an inet_diag (family, protocol)
 * or unix_diag request; appends entries.  Returns 1 when NLMSG_DONE was
 * seen, 0 when more should be read, -1/EINVAL on a malformed message. */
int	sock_parse_diag(const void *buf, size_t len, int family, int type,
	    struct socklist *sl);
/* /proc/net/tcp, tcp6, udp, udp6 text; family AF_INET/AF_INET6, type
 * SOCK_STREAM/SOCK_DGRAM.  /proc/net/unix via sock_parse_proc_unix. */
int	sock_parse_proc_inet(const char *buf, size_t len, int family, int type,
	    struct socklist *sl);
int	sock_parse_proc_unix(const char *buf, size_t len, struct socklist *sl);

#endif
