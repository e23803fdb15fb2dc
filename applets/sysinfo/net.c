/* sysinfo net: interfaces: io counters, addresses, stats. */
#include "sysinfo.h"

struct ifstat {
	int	 up;
	const char *duplex;
	uint64_t speed;		/* Mbit/s, 0 unknown */
	uint64_t mtu;
	unsigned flags;
	int	 have;
};

/* This machine's interface, as psutil asks: SIOCGIFFLAGS, SIOCGIFMTU and
 * ethtool's GSET on one socket, three calls and no files. */
static int
if_stats_ioctl(int sock, const char *name, struct ifstat *s)
{
	struct ethtool_cmd ec;
	struct ifreq ifr;
	uint32_t speed;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= sizeof(ifr.ifr_name))
		return -1;
	strcpy(ifr.ifr_name, name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	s->flags = (unsigned short)ifr.ifr_flags;
	s->up = (s->flags & IFF_RUNNING) != 0;
	s->have = 1;
	if (ioctl(sock, SIOCGIFMTU, &ifr) == 0)
		s->mtu = (uint64_t)ifr.ifr_mtu;
	memset(&ec, 0, sizeof(ec));
	ec.cmd = ETHTOOL_GSET;
	ifr.ifr_data = (void *)&ec;
	if (ioctl(sock, SIOCETHTOOL, &ifr) != 0)
		return 0;	/* no ethtool (lo, wifi): unknown, as psutil */
	speed = ((uint32_t)ec.speed_hi << 16) | ec.speed;
	if (speed != (uint32_t)-1 && speed != 0xffff)
		s->speed = speed;
	if (ec.duplex == DUPLEX_FULL)
		s->duplex = "full";
	else if (ec.duplex == DUPLEX_HALF)
		s->duplex = "half";
	return 0;
}

/* Interface stats from ioctls on this machine (sock >= 0), else from
 * <sys>/class/net. */
static void
if_stats(int sock, const char *name, struct ifstat *s)
{
	char rel[128], buf[64];
	uint64_t v;

	memset(s, 0, sizeof(*s));
	s->duplex = "unknown";
	if (sock >= 0 && if_stats_ioctl(sock, name, s) == 0)
		return;
	snprintf(rel, sizeof(rel), "class/net/%s/flags", name);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0) {
		s->flags = (unsigned)strtoul(buf, NULL, 16);
		s->have = 1;
	}
	/* sysfs shows the flags the device was set to; the kernel adds
	 * RUNNING (as SIOCGIFFLAGS reports it) when it is up and its
	 * operstate is up or unknown.  psutil's is_up means running. */
	snprintf(rel, sizeof(rel), "class/net/%s/operstate", name);
	if ((s->flags & IFF_UP) &&
	    proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0 &&
	    (strcmp(buf, "up") == 0 || strcmp(buf, "unknown") == 0))
		s->flags |= IFF_RUNNING;
	s->up = (s->flags & IFF_RUNNING) != 0;
	snprintf(rel, sizeof(rel), "class/net/%s/mtu", name);
	if (proc_read_u64(sys_root(), rel, &v) == 0)
		s->mtu = v;
	snprintf(rel, sizeof(rel), "class/net/%s/speed", name);
	{
		int64_t sp;

		if (proc_read_i64(sys_root(), rel, &sp) == 0 && sp > 0)
			s->speed = (uint64_t)sp;
	}
	snprintf(rel, sizeof(rel), "class/net/%s/duplex", name);
	if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0) {
		if (strcmp(buf, "full") == 0)
			s->duplex = "full";
		else if (strcmp(buf, "half") == 0)
			s->duplex = "half";
	}
}

/* psutil's flags string, in its order. */
static void
if_flags(char *dst, size_t len, unsigned f)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IFF_UP, "up" }, { IFF_BROADCAST, "broadcast" },
		{ IFF_DEBUG, "debug" }, { IFF_LOOPBACK, "loopback" },
		{ IFF_POINTOPOINT, "pointopoint" },
		{ IFF_NOTRAILERS, "notrailers" }, { IFF_RUNNING, "running" },
		{ IFF_NOARP, "noarp" }, { IFF_PROMISC, "promisc" },
		{ IFF_ALLMULTI, "allmulti" }, { IFF_MASTER, "master" },
		{ IFF_SLAVE, "slave" }, { IFF_MULTICAST, "multicast" },
		{ IFF_PORTSEL, "portsel" }, { IFF_AUTOMEDIA, "automedia" },
		{ IFF_DYNAMIC, "dynamic" },
	};
	size_t i, n = 0;

	dst[0] = '\0';
	for (i = 0; i < nitems(names); i++) {
		if (!(f & names[i].bit))
			continue;
		n += (size_t)snprintf(dst + n, n < len ? len - n : 0, "%s%s",
		    n > 0 ? "," : "", names[i].name);
		if (n >= len)
			break;
	}
}

/* An address as text; an IPv6 scope is named after ifname, the interface
 * the address is on (what if_indextoname would say, without its socket). */
static void
sockaddr_str(char *dst, size_t len, const struct sockaddr *sa,
    const char *ifname)
{
	static const char hex[] = "0123456789abcdef";
	char t[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const unsigned char *b;
	size_t i, n = 0;

	dst[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		b = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		for (i = 0; i < 4; i++) {
			if (i > 0)
				t[n++] = '.';
			if (b[i] >= 100)
				t[n++] = (char)('0' + b[i] / 100);
			if (b[i] >= 10)
				t[n++] = (char)('0' + b[i] / 10 % 10);
			t[n++] = (char)('0' + b[i] % 10);
		}
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		if (inet_ntop(AF_INET6, &s6->sin6_addr, t, INET6_ADDRSTRLEN) ==
		    NULL)
			return;
		n = strlen(t);
		if (s6->sin6_scope_id != 0 && ifname != NULL &&
		    strlen(ifname) < IF_NAMESIZE) {
			t[n++] = '%';
			memcpy(t + n, ifname, strlen(ifname));
			n += strlen(ifname);
		}
	} else if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;

		for (i = 0; i < ll->sll_halen && i < 8; i++) {
			if (i > 0)
				t[n++] = ':';
			t[n++] = hex[ll->sll_addr[i] >> 4];
			t[n++] = hex[ll->sll_addr[i] & 15];
		}
	}
	if (n < len) {
		memcpy(dst, t, n);
		dst[n] = '\0';
	}
}

static void
if_addrs(struct rep *e, const struct ifaddrs *all, const char *name)
{
	struct rep *arr = rep_arr(e, "addresses");
	const struct ifaddrs *ifa;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		const char *fam;
		struct rep *o;

		if (ifa->ifa_addr == NULL || strcmp(ifa->ifa_name, name) != 0)
			continue;
		switch (ifa->ifa_addr->sa_family) {
		case AF_INET:
			fam = "AF_INET";
			break;
		case AF_INET6:
			fam = "AF_INET6";
			break;
		case AF_PACKET:
			fam = "AF_LINK";
			break;
		default:
			continue;
		}
		o = rep_obj(arr, NULL);
		rep_str(o, "family", fam);
		sockaddr_str(a, sizeof(a), ifa->ifa_addr, ifa->ifa_name);
		rep_str(o, "address", a);
		sockaddr_str(a, sizeof(a), ifa->ifa_netmask, NULL);
		if (a[0] != '\0')
			rep_str(o, "netmask", a);
		else
			rep_null(o, "netmask", NULL);
		sockaddr_str(a, sizeof(a), (ifa->ifa_flags & IFF_BROADCAST) ?
		    ifa->ifa_broadaddr : NULL, NULL);
		if (a[0] != '\0')
			rep_str(o, "broadcast", a);
		else
			rep_null(o, "broadcast", NULL);
	}
}

/*
 * For people: the IPv4 and IPv6 addresses of interface name, or with name
 * NULL of every interface but loopback, each after its interface's name;
 * ", " between them, cut to len.  Returns how many there are.
 */
size_t
si_addrs_join(char *line, size_t len, const struct ifaddrs *all,
    const char *name)
{
	const struct ifaddrs *ifa;
	char a[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	size_t n = 0, k = 0;

	line[0] = '\0';
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    (ifa->ifa_addr->sa_family != AF_INET &&
		    ifa->ifa_addr->sa_family != AF_INET6))
			continue;
		if (name != NULL ? strcmp(ifa->ifa_name, name) != 0 :
		    (ifa->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		sockaddr_str(a, sizeof(a), ifa->ifa_addr, ifa->ifa_name);
		if (n < len)
			n += (size_t)snprintf(line + n, len - n, "%s%s%s%s",
			    k > 0 ? ", " : "", name == NULL ? ifa->ifa_name : "",
			    name == NULL ? " " : "", a);
		k++;
	}
	return k;
}

/* psutil's net_io_counters() fields. */
static const struct counter net_fields[] = {
	{ "bytes_sent", UNIT_BYTES }, { "bytes_recv", UNIT_BYTES },
	{ "packets_sent", UNIT_NONE }, { "packets_recv", UNIT_NONE },
	{ "errin", UNIT_NONE }, { "errout", UNIT_NONE },
	{ "dropin", UNIT_NONE }, { "dropout", UNIT_NONE },
};
#define NNET	nitems(net_fields)

static void
net_values(const struct netdev *d, uint64_t v[NNET])
{
	v[0] = d->tx_bytes;
	v[1] = d->rx_bytes;
	v[2] = d->tx_packets;
	v[3] = d->rx_packets;
	v[4] = d->rx_errs;
	v[5] = d->tx_errs;
	v[6] = d->rx_drop;
	v[7] = d->tx_drop;
}

static void
net_prom(struct ctx *c, int sock, const struct netdev *nd, int n)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "node_network_receive_bytes_total", "Network device statistic receive_bytes." },
		{ "node_network_receive_packets_total", "Network device statistic receive_packets." },
		{ "node_network_receive_errs_total", "Network device statistic receive_errs." },
		{ "node_network_receive_drop_total", "Network device statistic receive_drop." },
		{ "node_network_transmit_bytes_total", "Network device statistic transmit_bytes." },
		{ "node_network_transmit_packets_total", "Network device statistic transmit_packets." },
		{ "node_network_transmit_errs_total", "Network device statistic transmit_errs." },
		{ "node_network_transmit_drop_total", "Network device statistic transmit_drop." },
	};
	size_t f;
	int i;

	for (f = 0; f < nitems(fam); f++) {
		prom_family(&c->prom, fam[f].name, "counter", fam[f].help);
		for (i = 0; i < n; i++) {
			const struct netdev *d = &nd[i];
			uint64_t v[8] = { d->rx_bytes, d->rx_packets, d->rx_errs,
			    d->rx_drop, d->tx_bytes, d->tx_packets, d->tx_errs,
			    d->tx_drop };

			prom_sample(&c->prom, fam[f].name, (double)v[f],
			    "device", d->name, NULL);
		}
	}
	prom_family(&c->prom, "node_network_up", "gauge",
	    "Value is 1 if operstate is 'up', 0 otherwise.");
	for (i = 0; i < n; i++) {
		char rel[128], buf[32];

		snprintf(rel, sizeof(rel), "class/net/%s/operstate", nd[i].name);
		if (proc_read_str(sys_root(), rel, buf, sizeof(buf)) == 0)
			prom_sample(&c->prom, "node_network_up",
			    strcmp(buf, "up") == 0, "device", nd[i].name, NULL);
	}
	prom_family(&c->prom, "node_network_mtu_bytes", "gauge",
	    "Network device property: mtu_bytes");
	for (i = 0; i < n; i++) {
		struct ifstat s;

		if_stats(sock, nd[i].name, &s);
		if (s.mtu > 0)
			prom_sample(&c->prom, "node_network_mtu_bytes",
			    (double)s.mtu, "device", nd[i].name, NULL);
	}
}

void
sec_net(struct ctx *c)
{
	struct netdev *nd = NULL;
	struct ifaddrs *ifa = NULL;
	struct rep *o, *arr;
	uint64_t tot[NNET] = { 0 }, v[NNET];
	int n = 0, i, have_ifa, sock;

	if (proc_netdev(&nd, &n) != 0) {
		si_missing(c, c->root, "net", "net/dev", errno);
		return;
	}
	sock = c->foreign ? -1 : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c->pr) {
		net_prom(c, sock, nd, n);
		goto out;
	}
	have_ifa = !c->foreign && getifaddrs(&ifa) == 0;
	o = rep_obj(c->root, "net");
	arr = rep_arr(o, "interfaces");
	for (i = 0; i < n; i++) {
		const struct netdev *d = &nd[i];
		struct rep *e = rep_obj(arr, NULL);
		struct ifstat s;
		char flags[256], line[1024];

		rep_str(e, "name", d->name);
		net_values(d, v);
		si_counters_rep(e, net_fields, v, NNET);
		si_counters_add(tot, v, NNET);
		if_stats(sock, d->name, &s);
		if (s.have) {
			if_flags(flags, sizeof(flags), s.flags);
			rep_bool(e, "is_up", s.up);
			rep_str(e, "duplex", s.duplex);
			rep_u64(e, "speed", s.speed, UNIT_NONE);
			rep_u64(e, "mtu", s.mtu, UNIT_NONE);
			rep_str(e, "flags", flags);
		} else {
			rep_null(e, "is_up", "no /sys/class/net entry");
			rep_null(e, "duplex", NULL);
			rep_null(e, "speed", NULL);
			rep_null(e, "mtu", NULL);
			rep_null(e, "flags", NULL);
		}
		if (have_ifa && c->fmt == F_TEXT) {
			si_addrs_join(line, sizeof(line), ifa, d->name);
			rep_str(e, "addresses", line);
		} else if (have_ifa)
			if_addrs(e, ifa, d->name);
		else
			rep_null(e, "addresses", c->foreign ?
			    "not this machine's interfaces" : strerror(errno));
	}
	si_counters_rep(rep_obj(o, "io_total"), net_fields, tot, NNET);
	if (ifa != NULL)
		freeifaddrs(ifa);
out:
	if (sock >= 0)
		close(sock);
	free(nd);
}
