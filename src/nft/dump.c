/* dump.c - the batch sgnft_replace() or sgnft_apply() would send, as text,
 * without a socket: every message is parsed back by libnftnl and printed
 * with nftnl_*_fprintf, with its userdata (comments, key byte order) in
 * hex, so that golden files pin the kernel objects nft/ builds and tests
 * need no root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "internal.h"

static void put_hex(FILE *f, const char *what, const void *data, uint32_t len)
{
	const uint8_t *p = data;

	if (!data || !len)
		return;
	fprintf(f, "  %s:", what);
	for (uint32_t i = 0; i < len; i++)
		fprintf(f, "%s%02x", i % 32 ? " " : "\n    ", p[i]);
	fputc('\n', f);
}

static void put_u32(FILE *f, const struct nftnl_set *s, uint16_t attr, const char *what)
{
	if (nftnl_set_is_set(s, attr))
		fprintf(f, "  %s 0x%x\n", what, nftnl_set_get_u32(s, attr));
}

static int dump_table(FILE *f, const struct nlmsghdr *nlh)
{
	struct nftnl_table *t = nftnl_table_alloc();
	int err = 0;

	if (!t)
		return -ENOMEM;
	if (nftnl_table_nlmsg_parse(nlh, t) < 0) {
		err = -EPROTO;
	} else {
		nftnl_table_fprintf(f, t, NFTNL_OUTPUT_DEFAULT, 0);
		fputc('\n', f);
	}
	nftnl_table_free(t);
	return err;
}

static int dump_chain(FILE *f, const struct nlmsghdr *nlh)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	int err = 0;

	if (!c)
		return -ENOMEM;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		err = -EPROTO;
	} else {
		nftnl_chain_fprintf(f, c, NFTNL_OUTPUT_DEFAULT, 0);
		fputc('\n', f);
	}
	nftnl_chain_free(c);
	return err;
}

static int dump_rule(FILE *f, const struct nlmsghdr *nlh)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = 0;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		err = -EPROTO;
	} else {
		/* one line per expression, and the userdata (comment) escaped;
		 * libnftnl ends the text with a newline only without userdata */
		char *txt = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&txt, &len);

		if (!m) {
			err = -ENOMEM;
		} else {
			nftnl_rule_fprintf(m, r, NFTNL_OUTPUT_DEFAULT, 0);
			if (fclose(m) != 0) {
				err = -ENOMEM;
			} else {
				while (len && txt[len - 1] == '\n')
					len--;
				fprintf(f, "%.*s\n", (int)len, txt);
			}
			free(txt);
		}
	}
	nftnl_rule_free(r);
	return err;
}

static int dump_set(FILE *f, const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t len = 0;
	const void *d;
	int err = 0;

	if (!s)
		return -ENOMEM;
	if (nftnl_set_nlmsg_parse(nlh, s) < 0) {
		err = -EPROTO;
	} else {
		/* libnftnl prints name, table and flags; the rest by hand */
		nftnl_set_fprintf(f, s, NFTNL_OUTPUT_DEFAULT, 0);
		fputc('\n', f);
		put_u32(f, s, NFTNL_SET_FAMILY, "family");
		put_u32(f, s, NFTNL_SET_ID, "id");
		put_u32(f, s, NFTNL_SET_FLAGS, "flags");
		put_u32(f, s, NFTNL_SET_KEY_TYPE, "key type");
		put_u32(f, s, NFTNL_SET_KEY_LEN, "key len");
		put_u32(f, s, NFTNL_SET_DATA_TYPE, "data type");
		put_u32(f, s, NFTNL_SET_DATA_LEN, "data len");
		d = nftnl_set_get_data(s, NFTNL_SET_DESC_CONCAT, &len);
		put_hex(f, "concat field lengths", d, len);
		len = 0;
		d = nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len);
		put_hex(f, "userdata", d, len);
	}
	nftnl_set_free(s);
	return err;
}

/* libnftnl numbers the element nests of a message 1, 2, 3... (the kernel
 * ignores the type) but parses back only nests typed NFTA_LIST_ELEM (1):
 * a copy of the message with every element nest so typed. */
static struct nlmsghdr *elems_copy(const struct nlmsghdr *nlh)
{
	struct nlmsghdr *c = malloc(nlh->nlmsg_len);
	struct nlattr *a, *e;

	if (!c)
		return NULL;
	memcpy(c, nlh, nlh->nlmsg_len);
	mnl_attr_for_each(a, c, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(e, a)
			e->nla_type = (uint16_t)((e->nla_type & ~NLA_TYPE_MASK) | NFTA_LIST_ELEM);
	}
	return c;
}

static int dump_elems(FILE *f, const struct nlmsghdr *msg)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nlmsghdr *nlh = elems_copy(msg);
	struct nftnl_set_elem *e;
	int err = 0;

	if (!s || !nlh) {
		err = -ENOMEM;
		goto out;
	}
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0) {
		err = -EPROTO;
		goto out;
	}
	fprintf(f, "%s %s", nftnl_set_get_str(s, NFTNL_SET_TABLE),
		nftnl_set_get_str(s, NFTNL_SET_NAME));
	if (nftnl_set_is_set(s, NFTNL_SET_ID))
		fprintf(f, " id %u", nftnl_set_get_u32(s, NFTNL_SET_ID));
	fputc('\n', f);
	it = nftnl_set_elems_iter_create(s);
	if (!it) {
		err = -ENOMEM;
		goto out;
	}
	while ((e = nftnl_set_elems_iter_next(it))) {
		fputs("  ", f);
		nftnl_set_elem_fprintf(f, e, NFTNL_OUTPUT_DEFAULT, 0);
		fputc('\n', f);
	}
out:
	if (it)
		nftnl_set_elems_iter_destroy(it);
	if (s)
		nftnl_set_free(s);
	free(nlh);
	return err;
}

static const char *msg_name(uint16_t type)
{
	switch (type) {
	case NFT_MSG_NEWTABLE: return "NEWTABLE";
	case NFT_MSG_DELTABLE: return "DELTABLE";
	case NFT_MSG_NEWCHAIN: return "NEWCHAIN";
	case NFT_MSG_DELCHAIN: return "DELCHAIN";
	case NFT_MSG_NEWRULE: return "NEWRULE";
	case NFT_MSG_DELRULE: return "DELRULE";
	case NFT_MSG_NEWSET: return "NEWSET";
	case NFT_MSG_DELSET: return "DELSET";
	case NFT_MSG_NEWSETELEM: return "NEWSETELEM";
	case NFT_MSG_DELSETELEM: return "DELSETELEM";
	}
	return "?";
}

/* One message: what it asked for, its type and flags, then the object. */
static int dump_msg(FILE *f, const struct nmsg *m)
{
	const struct nlmsghdr *nlh = m->nlh;
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	fprintf(f, "# %u %s\n%s flags 0x%x\n", m->seq, m->what, msg_name(type),
		(unsigned)nlh->nlmsg_flags);
	switch (type) {
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_DELTABLE:
		return dump_table(f, nlh);
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
		return dump_chain(f, nlh);
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
		return dump_rule(f, nlh);
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
		return dump_set(f, nlh);
	case NFT_MSG_NEWSETELEM:
	case NFT_MSG_DELSETELEM:
		return dump_elems(f, nlh);
	}
	return -EPROTO;
}

static char *dump_batch(const struct nbatch *nb)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	int err = 0;

	if (!f)
		return NULL;
	for (size_t i = 0; i < nb->n && !err; i++) {
		err = dump_msg(f, &nb->v[i]);
		fputc('\n', f);
	}
	if (fclose(f) != 0 || err) {
		free(s);
		return NULL;
	}
	return s;
}

char *sgnft_render_replace(const struct ir_table *t)
{
	struct sgnft n = { 0 };
	struct nbatch nb;
	char *s = NULL;

	if (nbatch_init(&nb, &n, t, t->name))
		return NULL;
	if (!nbuild_replace(&nb, t, NULL, 0))
		s = dump_batch(&nb);
	nbatch_free(&nb);
	return s;
}

char *sgnft_render_apply(const struct ir_table *new, const struct ir_changes *ch)
{
	struct sgnft n = { 0 };
	struct nbatch nb;
	char *s = NULL;

	if (!ch->n)
		return strdup("");
	if (nbatch_init(&nb, &n, new, new->name))
		return NULL;
	if (!nbuild_changes(&nb, ch, NULL, 0))
		s = dump_batch(&nb);
	nbatch_free(&nb);
	return s;
}
