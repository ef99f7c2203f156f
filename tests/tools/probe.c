/* probe - send crafted IPv4/IPv6 packets through AF_PACKET and report which
 * ones arrived behind a packet filter.
 *
 *   probe send --dev IF --dmac MAC [--ns NS] [--file F] [--rate PPS]
 *   probe recv [--ns NS] [--duration-ms N] [--protos 4:6,6:17,...]
 *   probe run  --send-ns NS --dev IF --dmac MAC --recv-ns NS [--file F]
 *              [--rate PPS] [--wait-ms N] [--timeout-ms N]
 *
 * A packet list has one packet a line (# starts a comment):
 *   ID PROTO SRC DST [SPORT [DPORT]]
 * PROTO is tcp (a SYN), udp, icmp (echo request; ICMPv6 for IPv6
 * addresses), gre, or an IANA number 0-255.  SPORT is the ICMP echo id.
 * Each packet carries "SGDP", a per-run cookie and its ID in its payload.
 *
 * The receiver listens on raw sockets.  The kernel hands a packet to raw
 * sockets only after the netfilter input hook, so what a raw socket sees
 * was accepted by the filter (host mode) or forwarded to this namespace
 * (routed mode).  `run` does both in one process: it opens the raw sockets
 * inside --recv-ns, then enters --send-ns and sends, so there is no race
 * between a receiver getting ready and the first packet.  It prints
 * "ID pass" or "ID drop" for every packet, in input order. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "SGDP"
#define PAYLOAD_LEN 16 /* magic, cookie, id, 4 bytes padding */
#define MAX_PACKETS 200000
#define MAX_SOCKS 512
#define RCVBUF (32 << 20)

enum kind { K_TCP, K_UDP, K_ICMP, K_GRE, K_RAW };

struct pkt {
	uint32_t id;
	int family;           /* AF_INET / AF_INET6 */
	enum kind kind;
	uint8_t proto;        /* IP protocol number on the wire */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool seen;
};

struct pktlist {
	struct pkt *v;
	size_t n, cap;
	uint32_t *order;      /* indexes of v sorted by id, for lookup */
};

struct rx {
	int fds[MAX_SOCKS];
	int fams[MAX_SOCKS];
	int protos[MAX_SOCKS];
	size_t n;
};

static uint32_t cookie;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- checksums ---- */

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Pseudo-header sum for TCP, UDP and ICMPv6 checksums. */
static uint32_t pseudo_sum(const struct pkt *p, size_t l4len)
{
	size_t alen = p->family == AF_INET ? 4 : 16;
	uint32_t sum = sum16(p->src, alen, 0);
	sum = sum16(p->dst, alen, sum);
	sum += p->proto;
	sum += (uint32_t)l4len & 0xffff;
	sum += (uint32_t)(l4len >> 16);
	return sum;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* ---- packet list parsing ---- */

static int parse_proto(const char *s, struct pkt *p)
{
	char *end;
	long n;

	if (!strcasecmp(s, "tcp"))
		n = IPPROTO_TCP;
	else if (!strcasecmp(s, "udp"))
		n = IPPROTO_UDP;
	else if (!strcasecmp(s, "icmp") || !strcasecmp(s, "icmpv6"))
		n = -1;
	else if (!strcasecmp(s, "gre"))
		n = IPPROTO_GRE;
	else {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno || *end || n < 0 || n > 255)
			return -EINVAL;
	}
	if (n == -1 || (n == IPPROTO_ICMP && p->family == AF_INET) ||
	    (n == IPPROTO_ICMPV6 && p->family == AF_INET6)) {
		p->kind = K_ICMP;
		p->proto = p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		return 0;
	}
	p->proto = (uint8_t)n;
	p->kind = n == IPPROTO_TCP ? K_TCP : n == IPPROTO_UDP ? K_UDP : n == IPPROTO_GRE ? K_GRE : K_RAW;
	return 0;
}

static int parse_port(const char *s, uint16_t *out)
{
	char *end;
	long v;

	if (!s || !strcmp(s, "-")) {
		*out = 0;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int parse_line(char *line, struct pkt *p)
{
	char *tok[6] = { 0 };
	char *save = NULL;
	int n = 0;
	unsigned long id;
	char *end;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 6; t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (n < 4)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	errno = 0;
	id = strtoul(tok[0], &end, 10);
	if (errno || *end || id > UINT32_MAX)
		return -EINVAL;
	p->id = (uint32_t)id;
	if (inet_pton(AF_INET, tok[2], p->src) == 1 && inet_pton(AF_INET, tok[3], p->dst) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, tok[2], p->src) == 1 && inet_pton(AF_INET6, tok[3], p->dst) == 1)
		p->family = AF_INET6;
	else
		return -EINVAL;
	if (parse_proto(tok[1], p))
		return -EINVAL;
	if (parse_port(tok[4], &p->sport) || parse_port(tok[5], &p->dport))
		return -EINVAL;
	if (!p->sport)
		p->sport = (uint16_t)(1024 + p->id % 60000);
	return 0;
}

static int cmp_id(const void *a, const void *b, void *arg)
{
	const struct pkt *v = arg;
	uint32_t x = v[*(const uint32_t *)a].id, y = v[*(const uint32_t *)b].id;
	return x < y ? -1 : x > y;
}

static int list_read(FILE *f, struct pktlist *l)
{
	char line[512];
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		lineno++;
		if (*s == '#' || *s == '\n' || !*s)
			continue;
		if (l->n == MAX_PACKETS) {
			fprintf(stderr, "probe: more than %d packets\n", MAX_PACKETS);
			return -E2BIG;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 256;
			struct pkt *v = realloc(l->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			l->v = v;
			l->cap = cap;
		}
		if (parse_line(s, &l->v[l->n])) {
			fprintf(stderr, "probe: line %u: want ID PROTO SRC DST [SPORT [DPORT]]\n", lineno);
			return -EINVAL;
		}
		l->n++;
	}
	l->order = malloc((l->n + 1) * sizeof(*l->order));
	if (!l->order)
		return -ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		l->order[i] = (uint32_t)i;
	qsort_r(l->order, l->n, sizeof(*l->order), cmp_id, l->v);
	return 0;
}

static struct pkt *list_find(struct pktlist *l, uint32_t id)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t v = l->v[l->order[mid]].id;
		if (v == id)
			return &l->v[l->order[mid]];
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- building frames ---- */

static void put_payload(uint8_t *b, uint32_t id)
{
	memcpy(b, MAGIC, 4);
	put32(b + 4, cookie);
	put32(b + 8, id);
	put32(b + 12, 0);
}

/* L4 header + payload into b; returns its length. */
static size_t build_l4(const struct pkt *p, uint8_t *b)
{
	size_t hl = 0;
	uint32_t sum;

	switch (p->kind) {
	case K_TCP:
		hl = 20;
		memset(b, 0, hl);
		put16(b, p->sport);
		put16(b + 2, p->dport);
		put32(b + 4, p->id * 2654435761u);
		b[12] = 5 << 4;
		b[13] = 0x02; /* SYN */
		put16(b + 14, 64240);
		break;
	case K_UDP:
		hl = 8;
		memset(b, 0, hl);
		put16(b, p->sport);
		put16(b + 2, p->dport);
		put16(b + 4, (uint16_t)(hl + PAYLOAD_LEN));
		break;
	case K_ICMP:
		hl = 8;
		memset(b, 0, hl);
		b[0] = p->family == AF_INET ? 8 : 128; /* echo request */
		put16(b + 4, p->sport);
		put16(b + 6, (uint16_t)p->id);
		break;
	case K_GRE:
		hl = 4;
		memset(b, 0, hl);
		put16(b + 2, 0x88b5); /* local experimental ethertype: nothing decapsulates it */
		break;
	case K_RAW:
		break;
	}
	put_payload(b + hl, p->id);
	size_t len = hl + PAYLOAD_LEN;
	switch (p->kind) {
	case K_TCP:
		put16(b + 16, fold(sum16(b, len, pseudo_sum(p, len))));
		break;
	case K_UDP:
		sum = fold(sum16(b, len, pseudo_sum(p, len)));
		put16(b + 6, sum ? sum : 0xffff);
		break;
	case K_ICMP:
		sum = p->family == AF_INET ? 0 : pseudo_sum(p, len);
		put16(b + 2, fold(sum16(b, len, sum)));
		break;
	default:
		break;
	}
	return len;
}

static size_t build_frame(const struct pkt *p, const uint8_t *dmac, const uint8_t *smac, uint8_t *f)
{
	uint8_t *ip = f + 14;
	size_t l4len;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	if (p->family == AF_INET) {
		put16(f + 12, 0x0800);
		l4len = build_l4(p, ip + 20);
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + l4len));
		put16(ip + 4, (uint16_t)p->id);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = p->proto;
		memcpy(ip + 12, p->src, 4);
		memcpy(ip + 16, p->dst, 4);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
		return 14 + 20 + l4len;
	}
	put16(f + 12, 0x86dd);
	l4len = build_l4(p, ip + 40);
	put32(ip, 0x60000000u | (p->id & 0xfffff));
	put16(ip + 4, (uint16_t)l4len);
	ip[6] = p->proto;
	ip[7] = 64;
	memcpy(ip + 8, p->src, 16);
	memcpy(ip + 24, p->dst, 16);
	return 14 + 40 + l4len;
}

/* ---- namespaces and sockets ---- */

static int enter_ns(const char *name)
{
	char path[256];
	int fd, ret = 0;

	if (!name)
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "probe: %s: %s\n", path, strerror(errno));
		return ret;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		fprintf(stderr, "probe: setns %s: %s\n", name, strerror(errno));
	}
	close(fd);
	return ret;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int tx_open(const char *dev, struct sockaddr_ll *sll, uint8_t *smac)
{
	struct ifreq ifr = { 0 };
	int fd, ret;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = ifr.ifr_ifindex;
	sll->sll_halen = 6;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	return fd;
out:
	close(fd);
	return ret;
}

static int rx_add(struct rx *rx, int family, int proto)
{
	int fd, size = RCVBUF;

	for (size_t i = 0; i < rx->n; i++)
		if (rx->fams[i] == family && rx->protos[i] == proto)
			return 0;
	if (rx->n == MAX_SOCKS)
		return -E2BIG;
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		int ret = -errno;
		fprintf(stderr, "probe: raw socket %s proto %d: %s\n", family == AF_INET ? "IPv4" : "IPv6",
			proto, strerror(errno));
		return ret;
	}
	/* Root may go past rmem_max: a batch must never overflow the buffer. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	rx->fds[rx->n] = fd;
	rx->fams[rx->n] = family;
	rx->protos[rx->n] = proto;
	rx->n++;
	return 0;
}

static int rx_open_for(struct rx *rx, const struct pktlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		int ret = rx_add(rx, l->v[i].family, l->v[i].proto);
		if (ret)
			return ret;
	}
	return 0;
}

/* Length of the L4 header our sender put before the payload, or -1 if the
 * packet is not one of ours (e.g. an ICMP error quoting one of ours). */
static int l4_hlen(int family, int proto, const uint8_t *b, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return len >= 20 ? (b[12] >> 4) * 4 : -1;
	case IPPROTO_UDP:
		return 8;
	case IPPROTO_ICMP:
		if (family != AF_INET)
			return 0;
		return len >= 8 && b[0] == 8 ? 8 : -1;
	case IPPROTO_ICMPV6:
		if (family != AF_INET6)
			return 0;
		return len >= 8 && b[0] == 128 ? 8 : -1;
	case IPPROTO_GRE:
		return 4;
	default:
		return 0;
	}
}

/* Returns the probe id in the datagram, or -1. */
static int64_t rx_parse(int family, int proto, const uint8_t *b, size_t len)
{
	int hl;

	if (family == AF_INET) { /* IPv4 raw sockets include the IP header */
		if (len < 20 || (b[0] >> 4) != 4 || b[9] != proto)
			return -1;
		size_t ihl = (size_t)(b[0] & 0xf) * 4;
		if (len < ihl)
			return -1;
		b += ihl;
		len -= ihl;
	}
	hl = l4_hlen(family, proto, b, len);
	if (hl < 0 || len < (size_t)hl + PAYLOAD_LEN)
		return -1;
	b += hl;
	if (memcmp(b, MAGIC, 4) || get32(b + 4) != cookie)
		return -1;
	return get32(b + 8);
}

/* Drains every socket; marks packets seen (or prints them when l is NULL).
 * Returns how many of ours arrived. */
static size_t rx_drain(struct rx *rx, struct pktlist *l)
{
	uint8_t buf[2048];
	size_t got = 0;

	for (size_t i = 0; i < rx->n; i++) {
		for (;;) {
			ssize_t n = recv(rx->fds[i], buf, sizeof(buf), 0);
			if (n < 0)
				break;
			int64_t id = rx_parse(rx->fams[i], rx->protos[i], buf, (size_t)n);
			if (id < 0)
				continue;
			if (!l) {
				printf("%lld\n", (long long)id);
				fflush(stdout);
				got++;
				continue;
			}
			struct pkt *p = list_find(l, (uint32_t)id);
			if (p && p->family == rx->fams[i] && !p->seen) {
				p->seen = true;
				got++;
			}
		}
	}
	return got;
}

static void rx_wait(struct rx *rx, int timeout_ms)
{
	struct pollfd pfd[MAX_SOCKS];

	for (size_t i = 0; i < rx->n; i++) {
		pfd[i].fd = rx->fds[i];
		pfd[i].events = POLLIN;
	}
	poll(pfd, rx->n, timeout_ms);
}

static void rx_close(struct rx *rx)
{
	for (size_t i = 0; i < rx->n; i++)
		close(rx->fds[i]);
	rx->n = 0;
}

/* ---- commands ---- */

struct opts {
	const char *send_ns, *recv_ns, *dev, *dmac, *file, *protos;
	long rate, wait_ms, timeout_ms, duration_ms;
};

/* Sends every packet, pacing at o->rate packets a second; drains the
 * receiver between chunks when one is given. */
static int send_all(const struct opts *o, struct pktlist *l, struct rx *rx)
{
	struct sockaddr_ll sll;
	uint8_t dmac[6], smac[6], frame[256];
	uint64_t start = now_ms();
	int fd, ret = 0;

	if (parse_mac(o->dmac, dmac)) {
		fprintf(stderr, "probe: bad --dmac %s\n", o->dmac);
		return -EINVAL;
	}
	fd = tx_open(o->dev, &sll, smac);
	if (fd < 0) {
		fprintf(stderr, "probe: interface %s: %s\n", o->dev, strerror(-fd));
		return fd;
	}
	memcpy(sll.sll_addr, dmac, 6);
	for (size_t i = 0; i < l->n && !stop; i++) {
		size_t len = build_frame(&l->v[i], dmac, smac, frame);
		sll.sll_protocol = l->v[i].family == AF_INET ? htons(0x0800) : htons(0x86dd);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			ret = -errno;
			fprintf(stderr, "probe: send on %s: %s\n", o->dev, strerror(errno));
			goto out;
		}
		if (rx && i % 32 == 31)
			rx_drain(rx, l);
		/* Pace: packet i is due at start + i/rate. */
		uint64_t due = start + (uint64_t)(i + 1) * 1000 / (uint64_t)o->rate;
		uint64_t now = now_ms();
		if (due > now + 1) {
			struct timespec ts = { 0, (long)(due - now) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
out:
	close(fd);
	return ret;
}

static int read_list(const struct opts *o, struct pktlist *l)
{
	FILE *f = stdin;
	int ret;

	if (o->file && strcmp(o->file, "-")) {
		f = fopen(o->file, "r");
		if (!f) {
			ret = -errno;
			fprintf(stderr, "probe: %s: %s\n", o->file, strerror(errno));
			return ret;
		}
	}
	ret = list_read(f, l);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int cmd_send(const struct opts *o)
{
	struct pktlist l = { 0 };
	int ret;

	if (!o->dev || !o->dmac) {
		fprintf(stderr, "probe send: --dev and --dmac are required\n");
		return -EINVAL;
	}
	ret = read_list(o, &l);
	if (ret)
		goto out;
	ret = enter_ns(o->send_ns);
	if (ret)
		goto out;
	ret = send_all(o, &l, NULL);
	if (!ret)
		fprintf(stderr, "probe: sent %zu packets\n", l.n);
out:
	free(l.v);
	free(l.order);
	return ret;
}

/* Standalone receiver: prints ids as they arrive.  With `send`, both must
 * share the cookie: pass it as PROBE_COOKIE in the environment. */
static int cmd_recv(const struct opts *o)
{
	struct rx rx = { 0 };
	const char *s = o->protos ? o->protos : "4:1,4:6,4:17,4:47,6:6,6:17,6:58,6:47";
	uint64_t end = o->duration_ms > 0 ? now_ms() + (uint64_t)o->duration_ms : 0;
	int ret;

	ret = enter_ns(o->recv_ns);
	if (ret)
		return ret;
	while (*s) {
		int fam, proto, used;
		if (sscanf(s, "%d:%d%n", &fam, &proto, &used) != 2 || (fam != 4 && fam != 6)) {
			fprintf(stderr, "probe recv: --protos wants FAMILY:PROTO,...\n");
			ret = -EINVAL;
			goto out;
		}
		ret = rx_add(&rx, fam == 4 ? AF_INET : AF_INET6, proto);
		if (ret)
			goto out;
		s += used;
		s += *s == ',';
	}
	fprintf(stderr, "probe: listening\n");
	while (!stop && (!end || now_ms() < end)) {
		rx_wait(&rx, 100);
		rx_drain(&rx, NULL);
	}
out:
	rx_close(&rx);
	return ret;
}

static int cmd_run(const struct opts *o)
{
	struct pktlist l = { 0 };
	struct rx rx = { 0 };
	size_t got = 0;
	int ret;

	if (!o->dev || !o->dmac || !o->send_ns || !o->recv_ns) {
		fprintf(stderr, "probe run: --send-ns, --recv-ns, --dev and --dmac are required\n");
		return -EINVAL;
	}
	ret = read_list(o, &l);
	if (ret)
		goto out;
	ret = enter_ns(o->recv_ns);
	if (ret)
		goto out;
	ret = rx_open_for(&rx, &l);
	if (ret)
		goto out;
	ret = enter_ns(o->send_ns);
	if (ret)
		goto out;
	ret = send_all(o, &l, &rx);
	if (ret)
		goto out;
	/* Wait until the wire is quiet for wait_ms, bounded by timeout_ms. */
	uint64_t end = now_ms() + (uint64_t)o->timeout_ms, quiet = now_ms();
	for (;;) {
		uint64_t t = now_ms();
		got += rx_drain(&rx, &l);
		if (stop || t >= end || t - quiet >= (uint64_t)o->wait_ms)
			break;
		size_t before = got;
		rx_wait(&rx, 20);
		got += rx_drain(&rx, &l);
		if (got != before)
			quiet = now_ms();
	}
	got = 0;
	for (size_t i = 0; i < l.n; i++) {
		printf("%u %s\n", l.v[i].id, l.v[i].seen ? "pass" : "drop");
		got += l.v[i].seen;
	}
	fprintf(stderr, "probe: %zu sent, %zu arrived\n", l.n, got);
out:
	rx_close(&rx);
	free(l.v);
	free(l.order);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: probe run  --send-ns NS --dev IF --dmac MAC --recv-ns NS [--file F]\n"
		"                  [--rate PPS] [--wait-ms N] [--timeout-ms N]\n"
		"       probe send [--send-ns NS] --dev IF --dmac MAC [--file F] [--rate PPS]\n"
		"       probe recv [--recv-ns NS] [--protos 4:6,6:58,...] [--duration-ms N]\n"
		"packet lines: ID PROTO SRC DST [SPORT [DPORT]]; PROTO tcp|udp|icmp|gre|0-255\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "send-ns", required_argument, 0, 's' }, { "recv-ns", required_argument, 0, 'r' },
		{ "ns", required_argument, 0, 'n' },      { "dev", required_argument, 0, 'd' },
		{ "dmac", required_argument, 0, 'm' },    { "file", required_argument, 0, 'f' },
		{ "rate", required_argument, 0, 'R' },    { "wait-ms", required_argument, 0, 'w' },
		{ "timeout-ms", required_argument, 0, 't' }, { "duration-ms", required_argument, 0, 'D' },
		{ "protos", required_argument, 0, 'p' },  { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct opts o = { .rate = 20000, .wait_ms = 150, .timeout_ms = 5000 };
	const char *cmd;
	const char *env;
	int c, ret;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.send_ns = optarg; break;
		case 'r': o.recv_ns = optarg; break;
		case 'n': o.send_ns = o.recv_ns = optarg; break;
		case 'd': o.dev = optarg; break;
		case 'm': o.dmac = optarg; break;
		case 'f': o.file = optarg; break;
		case 'R': o.rate = strtol(optarg, NULL, 10); break;
		case 'w': o.wait_ms = strtol(optarg, NULL, 10); break;
		case 't': o.timeout_ms = strtol(optarg, NULL, 10); break;
		case 'D': o.duration_ms = strtol(optarg, NULL, 10); break;
		case 'p': o.protos = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o.rate <= 0 || o.rate > 1000000 || o.wait_ms < 0 || o.timeout_ms <= 0) {
		fprintf(stderr, "probe: --rate 1..1000000, --wait-ms >= 0, --timeout-ms > 0\n");
		return 2;
	}
	env = getenv("PROBE_COOKIE");
	cookie = env ? (uint32_t)strtoul(env, NULL, 0) : (uint32_t)(getpid() ^ (now_ms() << 12));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!strcmp(cmd, "run"))
		ret = cmd_run(&o);
	else if (!strcmp(cmd, "send"))
		ret = cmd_send(&o);
	else if (!strcmp(cmd, "recv"))
		ret = cmd_recv(&o);
	else {
		usage(stderr);
		return 2;
	}
	return ret ? 1 : 0;
}
