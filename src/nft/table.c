/* table.c - table and chain messages. */
#include <errno.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "internal.h"

/* nft add table inet sgd      (flags NLM_F_CREATE: no error if it exists)
 * nft delete table inet sgd   (type NFT_MSG_DELTABLE) */
static int table_msg(struct nbatch *nb, uint16_t type, uint16_t flags, const char *verb)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	struct nmsg *m;
	char *buf;
	int err = -ENOMEM;

	t = nftnl_table_alloc();
	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, nb->table);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	buf = nbatch_next(nb, &m, "%s table inet %s", verb, nb->table);
	if (!buf)
		goto out;
	nlh = nftnl_table_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, m->seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	err = nbatch_commit(nb, m, nlh);
out:
	nftnl_table_free(t);
	return err;
}

int nmsg_table_add(struct nbatch *nb)
{
	return table_msg(nb, NFT_MSG_NEWTABLE, NLM_F_CREATE, "add");
}

int nmsg_table_del(struct nbatch *nb)
{
	return table_msg(nb, NFT_MSG_DELTABLE, 0, "delete");
}

/* nft add chain inet sgd NAME
 * nft add chain inet sgd hook '{ type filter hook input priority 0; policy accept; }'
 *   (hook forward in routed mode; only an add carries the hook)
 * nft delete chain inet sgd NAME */
static int chain_msg(struct nbatch *nb, const struct ir_chain *c, uint16_t type, uint16_t flags,
		     const char *verb)
{
	struct nftnl_chain *ch;
	struct nlmsghdr *nlh;
	struct nmsg *m;
	char *buf;
	int err = -ENOMEM;

	ch = nftnl_chain_alloc();
	if (!ch)
		return -ENOMEM;
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, nb->table);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, c->name);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (type == NFT_MSG_NEWCHAIN && c->hook != IR_HOOK_NONE) {
		nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM,
				    c->hook == IR_HOOK_INPUT ? NF_INET_LOCAL_IN : NF_INET_FORWARD);
		nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	buf = nbatch_next(nb, &m, "%s chain %s", verb, c->name);
	if (!buf)
		goto out;
	nlh = nftnl_chain_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, m->seq);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	err = nbatch_commit(nb, m, nlh);
out:
	nftnl_chain_free(ch);
	return err;
}

int nmsg_chain_add(struct nbatch *nb, const struct ir_chain *c)
{
	return chain_msg(nb, c, NFT_MSG_NEWCHAIN, NLM_F_CREATE, "add");
}

int nmsg_chain_del(struct nbatch *nb, const struct ir_chain *c)
{
	return chain_msg(nb, c, NFT_MSG_DELCHAIN, 0, "delete");
}

/* nft flush chain inet sgd NAME   (a DELRULE with only table and chain) */
int nmsg_chain_flush(struct nbatch *nb, const struct ir_chain *c)
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	struct nmsg *m;
	char *buf;
	int err = -ENOMEM;

	r = nftnl_rule_alloc();
	if (!r)
		return -ENOMEM;
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, nb->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, c->name);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	buf = nbatch_next(nb, &m, "flush chain %s", c->name);
	if (!buf)
		goto out;
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_DELRULE, NFPROTO_INET, 0, m->seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	err = nbatch_commit(nb, m, nlh);
out:
	nftnl_rule_free(r);
	return err;
}
