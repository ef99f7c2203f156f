/* watch.c - tamper detection from NFNLGRP_NFTABLES events.
 *
 * The kernel stamps each event with the netlink port id of the socket whose
 * transaction caused it (the same id NFT_MSG_NEWGEN announces at the end of
 * the transaction).  An event about our table from any other port is
 * someone else's change: `nft flush ruleset`, `nft delete table inet sgd`,
 * `nft add rule inet sgd ...`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>

#include "internal.h"

#define EV_BUF 65536
#define EV_MAX_READS 100000 /* bound one call; the fd stays readable if more */

/* The table an event is about: attribute 1 of every nf_tables object
 * (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE,
 * NFTA_SET_ELEM_LIST_TABLE, NFTA_OBJ_TABLE, NFTA_FLOWTABLE_TABLE). */
static const char *event_table(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == 1 && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(a);
	}
	return NULL;
}

static bool is_object_event(uint16_t type)
{
	switch (type) {
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_DELTABLE:
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
	case NFT_MSG_NEWOBJ:
	case NFT_MSG_DELOBJ:
	case NFT_MSG_NEWFLOWTABLE:
	case NFT_MSG_DELFLOWTABLE:
		return true;
	}
	return false;
}

static bool foreign_change(const struct sgnft *n, const struct nlmsghdr *nlh, const char *table)
{
	const struct nfgenmsg *g;
	const char *name;

	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES)
		return false;
	if (!is_object_event(nlh->nlmsg_type & 0xff))
		return false;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return false;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->nfgen_family != NFPROTO_INET)
		return false;
	name = event_table(nlh);
	if (!name || strcmp(name, table) != 0)
		return false;
	return nlh->nlmsg_pid != n->portid;
}

static void scan(const struct sgnft *n, const char *buf, size_t len, const char *table,
		 bool *tampered)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;

	while (mnl_nlmsg_ok(nlh, rem)) {
		if (foreign_change(n, nlh, table))
			*tampered = true;
		nlh = mnl_nlmsg_next(nlh, &rem);
	}
}

/* Events were lost (ENOBUFS), so we cannot tell whose they were.  They
 * were all ours only if the current generation is still the one our last
 * batch committed with an unbroken chain of our own commits before it
 * (gen.c).  Otherwise call it tampering: repair is a replace, always safe. */
static bool overrun_was_ours(struct sgnft *n)
{
	uint32_t cur;

	return n->our_gen && ngen_get(n, &cur) == 0 && cur == n->our_gen;
}

int sgnft_watch_read(struct sgnft *n, const char *table, bool *tampered)
{
	int fd = mnl_socket_get_fd(n->ev), err = 0;
	bool overrun = false;
	char *buf;
	ssize_t r;

	*tampered = false;
	buf = malloc(EV_BUF);
	if (!buf)
		return -ENOMEM;
	for (int i = 0; i < EV_MAX_READS; i++) {
		r = recv(fd, buf, EV_BUF, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == ENOBUFS) {
			overrun = true;
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r < 0) {
			err = -errno;
			break;
		}
		scan(n, buf, (size_t)r, table, tampered);
	}
	free(buf);
	if (overrun && !*tampered)
		*tampered = !overrun_was_ours(n);
	return err;
}
