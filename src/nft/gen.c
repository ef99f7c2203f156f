/* gen.c - the ruleset generation id (NFT_MSG_GETGEN).
 *
 * Every committed transaction bumps the id by one.  When the id right after
 * our batch is the id before it plus one, that generation is ours; if it
 * is still the current one later, nobody has committed since.  watch.c uses
 * this when an event overrun (ENOBUFS) hides whose events were lost. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/gen.h>

#include "internal.h"

#define GEN_WAIT_MS 1000

static int gen_parse(const struct nlmsghdr *nlh, uint32_t *gen)
{
	struct nftnl_gen *g = nftnl_gen_alloc();
	int err = 0;

	if (!g)
		return -ENOMEM;
	if (nftnl_gen_nlmsg_parse(nlh, g) < 0 || !nftnl_gen_is_set(g, NFTNL_GEN_ID))
		err = -EPROTO;
	else
		*gen = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return err;
}

/* Look for the answer to request `seq` in one receive buffer: 1 found,
 * 0 not there, -errno on an error answer. */
static int gen_scan(const char *buf, size_t len, uint32_t seq, uint32_t *gen)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != seq)
			continue; /* a late answer to something older */
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			return e->error ? e->error : -EPROTO;
		}
		if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) {
			int err = gen_parse(nlh, gen);

			return err ? err : 1;
		}
	}
	return 0;
}

int ngen_get(struct sgnft *n, uint32_t *gen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct pollfd p = { .fd = mnl_socket_get_fd(n->nl), .events = POLLIN };
	struct nlmsghdr *nlh;
	uint32_t seq = ++n->seq;
	ssize_t r;
	int err;

	/* nft get gen  (not part of any batch) */
	nlh = nftnl_gen_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (int i = 0; i < 64; i++) {
		r = recv(p.fd, buf, sizeof(buf), 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (poll(&p, 1, GEN_WAIT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		err = gen_scan(buf, (size_t)r, seq, gen);
		if (err)
			return err < 0 ? err : 0;
	}
	return -EPROTO;
}
