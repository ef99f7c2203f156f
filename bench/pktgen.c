/* pktgen.c - a small AF_PACKET traffic source for `make bench`.
 *
 * This kernel has no pktgen module, so the packet-path benchmark sends its
 * own frames: Ethernet + IPv4 + TCP SYN, written with sendmmsg() on a packet
 * socket bound to one interface (the GEN end of a veth pair whose peer sits
 * in the namespace that enforces).  Every frame is a new flow: the source
 * address walks the three IPv4 documentation networks and the source port
 * walks 1024-65535, so conntrack sees ct state new for each one.  Checksums
 * are correct, otherwise conntrack would call the packet invalid and the
 * firewall would drop it before the rules we want to measure.
 *
 *   pktgen -i IFACE -m DSTMAC -d DSTIP [-p DPORT] [-t SECONDS] [-b BATCH]
 *
 * Prints one line: "sent=N elapsed=SECONDS cpu=SECONDS pps=RATE".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_LEN (sizeof(struct ether_header) + sizeof(struct iphdr) + sizeof(struct tcphdr))
#define NFRAMES 65536 /* distinct prebuilt frames; 4 MiB */
#define MAX_BATCH 256

struct opts {
	const char *ifname;
	uint8_t dst_mac[ETH_ALEN];
	struct in_addr dst_ip;
	uint16_t dport;
	double seconds;
	unsigned batch;
};

/* The three IPv4 documentation networks (RFC 5737): the only sources we use. */
static const uint32_t doc_nets[3] = { 0xc0000200, 0xc6336400, 0xcb007100 };

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Frame k: source doc_nets[k % 3] + host 20..249 (clear of the receiver's
 * .10, which the kernel would drop as a martian), source port 1024 + k. */
static void build_frame(uint8_t *f, size_t k, const struct opts *o, const uint8_t *src_mac)
{
	struct ether_header *eh = (struct ether_header *)f;
	struct iphdr *ip = (struct iphdr *)(eh + 1);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);
	uint32_t host = 20 + (uint32_t)(k / 3) % 230;
	struct { uint32_t s, d; uint8_t z, p; uint16_t len; } ph;
	uint32_t sum;

	memset(f, 0, FRAME_LEN);
	memcpy(eh->ether_dhost, o->dst_mac, ETH_ALEN);
	memcpy(eh->ether_shost, src_mac, ETH_ALEN);
	eh->ether_type = htons(ETHERTYPE_IP);

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*th));
	ip->id = htons((uint16_t)k);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->saddr = htonl(doc_nets[k % 3] | host);
	ip->daddr = o->dst_ip.s_addr;
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));

	th->source = htons((uint16_t)(1024 + k % (65536 - 1024)));
	th->dest = htons(o->dport);
	th->seq = htonl((uint32_t)k * 2654435761u);
	th->doff = 5;
	th->syn = 1;
	th->window = htons(64240);
	ph.s = ip->saddr;
	ph.d = ip->daddr;
	ph.z = 0;
	ph.p = IPPROTO_TCP;
	ph.len = htons(sizeof(*th));
	sum = csum_add(0, &ph, sizeof(ph));
	th->check = csum_fold(csum_add(sum, th, sizeof(*th)));
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != ETH_ALEN)
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (v[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .dport = 9, .seconds = 1.0, .batch = 64 };
	while ((c = getopt(argc, argv, "i:m:d:p:t:b:")) != -1) {
		switch (c) {
		case 'i': o->ifname = optarg; break;
		case 'm': if (parse_mac(optarg, o->dst_mac)) return -EINVAL; break;
		case 'd': if (inet_pton(AF_INET, optarg, &o->dst_ip) != 1) return -EINVAL; break;
		case 'p': o->dport = (uint16_t)atoi(optarg); break;
		case 't': o->seconds = atof(optarg); break;
		case 'b': o->batch = (unsigned)atoi(optarg); break;
		default: return -EINVAL;
		}
	}
	if (!o->ifname || !o->dst_ip.s_addr || o->seconds <= 0 || o->seconds > 60 ||
	    o->batch == 0 || o->batch > MAX_BATCH)
		return -EINVAL;
	return 0;
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open a packet socket on ifname; fill its address and MAC.  fd or -errno. */
static int open_sock(const char *ifname, struct sockaddr_ll *sll, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int one = 1, fd, rc;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* proto 0: we never receive */
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	*sll = (struct sockaddr_ll){ .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				     .sll_ifindex = (int)if_nametoindex(ifname), .sll_halen = ETH_ALEN };
	if (!sll->sll_ifindex || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		rc = -errno;
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* veth has no qdisc; skip the qdisc layer anyway so the sender is cheap */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
out:
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	static uint8_t frames[NFRAMES][64];
	static struct mmsghdr msgs[MAX_BATCH];
	static struct iovec iov[MAX_BATCH];
	struct sockaddr_ll sll;
	uint8_t src_mac[ETH_ALEN];
	uint64_t sent = 0;
	size_t k = 0;
	struct opts o;
	double t0, t1, c0;
	int fd, rc = 1;

	if (parse_opts(argc, argv, &o)) {
		fprintf(stderr, "usage: pktgen -i IFACE -m DSTMAC -d DSTIP [-p DPORT] [-t SECONDS<=60] [-b BATCH<=%d]\n",
			MAX_BATCH);
		return 2;
	}
	fd = open_sock(o.ifname, &sll, src_mac);
	if (fd < 0) {
		fprintf(stderr, "pktgen: %s: %s\n", o.ifname, strerror(-fd));
		return 1;
	}
	memcpy(sll.sll_addr, o.dst_mac, ETH_ALEN);
	for (size_t i = 0; i < NFRAMES; i++)
		build_frame(frames[i], i, &o, src_mac);
	for (unsigned i = 0; i < o.batch; i++) {
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &sll, .msg_namelen = sizeof(sll),
						   .msg_iov = &iov[i], .msg_iovlen = 1 };
		iov[i].iov_len = FRAME_LEN;
	}

	c0 = now(CLOCK_THREAD_CPUTIME_ID);
	t0 = now(CLOCK_MONOTONIC);
	t1 = t0;
	while (t1 - t0 < o.seconds) {
		for (unsigned i = 0; i < o.batch; i++)
			iov[i].iov_base = frames[(k + i) % NFRAMES];
		int n = sendmmsg(fd, msgs, o.batch, 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "pktgen: sendmmsg: %s\n", strerror(errno));
			goto out;
		}
		sent += (uint64_t)n;
		k += (size_t)n;
		t1 = now(CLOCK_MONOTONIC);
	}
	/* cpu: time this thread ran, which includes the receive path: veth
	 * hands the frame to the backlog and the softirq runs it right here */
	printf("sent=%llu elapsed=%.6f cpu=%.6f pps=%.0f\n", (unsigned long long)sent, t1 - t0,
	       now(CLOCK_THREAD_CPUTIME_ID) - c0, (double)sent / (t1 - t0));
	rc = 0;
out:
	close(fd);
	return rc;
}
