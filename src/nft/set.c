/* set.c - set and element messages.
 *
 * Key types, lengths and userdata are what nft itself sends, so that
 * `nft list ruleset` and `nft -j list ruleset` print our sets as if nft had
 * made them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "internal.h"

#define DT_CONCAT_BITS 6
#define ELEMS_PER_MSG 128
#define COMMENT_MAX 127 /* NFTNL_UDATA_COMMENT_MAXLEN with its NUL */

static size_t pad4(size_t l)
{
	return (l + 3) & ~(size_t)3;
}

/* What the kernel and nft need to know of a key shape (ir_key_desc()). */
struct keyinfo {
	const struct ir_key_desc *d;
	uint32_t type, len;
	bool concat;
};

static void key_info(enum ir_key k, struct keyinfo *ki)
{
	const struct ir_key_desc *d = ir_key_desc(k);

	memset(ki, 0, sizeof(*ki));
	ki->d = d;
	/* nft's concatenated type: each field's datatype id in 6 bits */
	for (int i = 0; i < d->nfields; i++) {
		ki->type = (ki->type << DT_CONCAT_BITS) | ir_field_desc(d->field[i])->nft_type;
		ki->len += (uint32_t)pad4(ir_field_len(d->field[i]));
	}
	ki->concat = d->nfields > 1;
	/* Only a concatenation pads its fields to 32-bit registers. */
	if (!ki->concat)
		ki->len = (uint32_t)ir_field_len(d->field[0]);
}

static void put_comment(struct nftnl_udata_buf *u, uint8_t type, const char *c)
{
	char tmp[COMMENT_MAX + 1];

	snprintf(tmp, sizeof(tmp), "%s", c);
	nftnl_udata_put_strz(u, type, tmp);
}

static int set_udata(struct nftnl_set *s, const struct ir_set *is, const struct keyinfo *ki)
{
	struct nftnl_udata_buf *u;

	u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!u)
		return -ENOMEM;
	/* nft records a concatenation's byte order as "invalid": each field
	 * takes its own from its datatype when printed. */
	nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, ki->d->byteorder);
	if (ki->d->map) {
		nftnl_udata_put_u32(u, NFTNL_UDATA_SET_DATABYTEORDER, IR_BO_INVALID);
		nftnl_udata_put_u32(u, NFTNL_UDATA_SET_DATA_INTERVAL, 0);
	}
	if (is->comment)
		put_comment(u, NFTNL_UDATA_SET_COMMENT, is->comment);
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
			   nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return 0;
}

static struct nftnl_set *set_alloc(const struct nbatch *nb, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();
	uint32_t id;

	if (!s)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, nb->table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	id = nbatch_set_id(nb, name);
	if (id)
		nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	return s;
}

/* One set message of the batch, named "VERB set NAME" for error reports. */
static int set_msg(struct nbatch *nb, struct nftnl_set *s, uint16_t type, uint16_t flags,
		   const char *verb)
{
	const char *name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	struct nlmsghdr *nlh;
	struct nmsg *m;
	char *buf;

	buf = nbatch_next(nb, &m, "%s set %s", verb, name);
	if (!buf)
		return -ENOMEM;
	nlh = nftnl_set_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, m->seq);
	nftnl_set_nlmsg_build_payload(nlh, s);
	return nbatch_commit(nb, m, nlh);
}

/* nft add set inet sgd NAME '{ type ipv4_addr . inet_proto . inet_service . ipv4_addr .
 *     inet_service; flags interval; comment "..."; }'
 * nft add map inet sgd nics '{ type ifname : verdict; }' */
static int set_add_msg(struct nbatch *nb, const struct ir_set *is)
{
	struct nftnl_set *s = NULL;
	struct keyinfo ki;
	uint32_t id, flags = 0;
	int err;

	key_info(is->key, &ki);
	err = nbatch_set_id_add(nb, is->name, &id);
	if (err)
		return err;
	err = -ENOMEM;
	s = set_alloc(nb, is->name);
	if (!s)
		goto out;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, ki.type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, ki.len);
	if (!ki.d->map)
		flags |= NFT_SET_INTERVAL;
	if (ki.concat) {
		uint8_t fl[IR_MAX_FIELDS];

		flags |= NFT_SET_CONCAT;
		for (int i = 0; i < ki.d->nfields; i++)
			fl[i] = (uint8_t)ir_field_len(ki.d->field[i]);
		nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, fl, (uint32_t)ki.d->nfields);
	}
	if (ki.d->map) {
		flags |= NFT_SET_MAP;
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	err = set_udata(s, is, &ki);
	if (err)
		goto out;
	err = set_msg(nb, s, NFT_MSG_NEWSET, NLM_F_CREATE, "add");
out:
	nftnl_set_free(s);
	return err;
}

int nmsg_set_add(struct nbatch *nb, const struct ir_set *is)
{
	const struct ir_elem **v;
	int err;

	err = set_add_msg(nb, is);
	if (err || !is->nelems)
		return err;
	v = malloc(is->nelems * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < is->nelems; i++)
		v[i] = &is->elems[i];
	err = nmsg_elems(nb, is, v, is->nelems, true);
	free(v);
	return err;
}

/* nft delete set inet sgd NAME */
int nmsg_set_del(struct nbatch *nb, const struct ir_set *is)
{
	struct nftnl_set *s = set_alloc(nb, is->name);
	int err;

	if (!s)
		return -ENOMEM;
	err = set_msg(nb, s, NFT_MSG_DELSET, 0, "delete");
	nftnl_set_free(s);
	return err;
}

/* ---- elements ---- */

/* Big-endian +1 over len bytes; false when v was the maximum. */
static bool be_inc(uint8_t *v, size_t len)
{
	for (size_t i = len; i-- > 0;)
		if (++v[i] != 0)
			return true;
	return false;
}

/* Each field's value at the start of its 4-byte-padded slot. */
static void concat_key(const struct keyinfo *ki, const struct ir_elem *e, bool hi, uint8_t *out)
{
	size_t off = 0;

	memset(out, 0, ki->len);
	for (int i = 0; i < ki->d->nfields; i++) {
		size_t l = ir_field_len(ki->d->field[i]);

		memcpy(out + off, hi ? e->f[i].hi : e->f[i].lo, l);
		off += pad4(l);
	}
}

static int elem_comment(struct nftnl_set_elem *se, const char *comment)
{
	struct nftnl_udata_buf *u;

	u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!u)
		return -ENOMEM;
	put_comment(u, NFTNL_UDATA_SET_ELEM_COMMENT, comment);
	nftnl_set_elem_set(se, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(u),
			   nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return 0;
}

/* The netlink elements for one IR element, appended to s; each one's IR
 * element is recorded in m so an error can name it.
 *   ifname : verdict        "tap1" : jump nic_tap1
 *   rbtree interval         start lo, end hi+1 flagged INTERVAL_END (none at max)
 *   pipapo concatenation    KEY lo..., KEY_END hi... */
static int elem_build(struct nftnl_set *s, const struct keyinfo *ki, const struct ir_elem *e,
		      bool add, struct nmsg *m)
{
	struct nftnl_set_elem *se, *end = NULL;
	uint8_t key[IR_MAX_FIELDS * 16];
	int err = 0;

	se = nftnl_set_elem_alloc();
	if (!se)
		return -ENOMEM;
	if (ki->d->map) {
		nftnl_set_elem_set(se, NFTNL_SET_ELEM_KEY, e->f[0].lo,
				   (uint32_t)ir_field_len(ki->d->field[0]));
		if (add) {
			int v = e->data.kind == IR_V_GOTO ? NFT_GOTO :
				e->data.kind == IR_V_DROP ? NF_DROP :
				e->data.kind == IR_V_ACCEPT ? NF_ACCEPT : NFT_JUMP;

			nftnl_set_elem_set_u32(se, NFTNL_SET_ELEM_VERDICT, (uint32_t)v);
			if (v == NFT_JUMP || v == NFT_GOTO)
				nftnl_set_elem_set_str(se, NFTNL_SET_ELEM_CHAIN, e->data.target);
		}
	} else if (ki->concat) {
		concat_key(ki, e, false, key);
		nftnl_set_elem_set(se, NFTNL_SET_ELEM_KEY, key, ki->len);
		concat_key(ki, e, true, key);
		nftnl_set_elem_set(se, NFTNL_SET_ELEM_KEY_END, key, ki->len);
	} else {
		size_t l = ir_field_len(ki->d->field[0]);

		nftnl_set_elem_set(se, NFTNL_SET_ELEM_KEY, e->f[0].lo, (uint32_t)l);
		memcpy(key, e->f[0].hi, l);
		if (be_inc(key, l)) {
			end = nftnl_set_elem_alloc();
			if (!end) {
				nftnl_set_elem_free(se);
				return -ENOMEM;
			}
			nftnl_set_elem_set(end, NFTNL_SET_ELEM_KEY, key, (uint32_t)l);
			nftnl_set_elem_set_u32(end, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
		}
	}
	if (add && e->comment)
		err = elem_comment(se, e->comment);
	nftnl_set_elem_add(s, se);
	m->elems[m->nelems++] = e;
	if (end) {
		nftnl_set_elem_add(s, end);
		m->elems[m->nelems++] = e;
	}
	return err;
}

/* One message with elems[0..n) (n <= ELEMS_PER_MSG).
 * nft add element inet sgd NAME '{ 10.0.0.0/8 . tcp . 0-65535 . 192.0.2.1 . 22 comment "r1" }'
 * nft delete element inet sgd NAME '{ ... }' */
static int elems_msg(struct nbatch *nb, const struct ir_set *is, const struct keyinfo *ki,
		     const struct ir_elem *const *elems, size_t n, bool add)
{
	struct nftnl_set *s;
	struct nlmsghdr *nlh;
	struct nmsg *m = NULL;
	char *buf;
	int err = -ENOMEM;

	s = set_alloc(nb, is->name);
	if (!s)
		return -ENOMEM;
	buf = nbatch_next(nb, &m, "%s %zu element%s %s set %s", add ? "add" : "delete", n,
			  n == 1 ? "" : "s", add ? "to" : "from", is->name);
	if (!buf)
		goto out;
	m->key = is->key;
	/* Up to two netlink elements (start and end) per IR element. */
	m->elems = calloc(2 * n, sizeof(*m->elems));
	if (!m->elems)
		goto out;
	for (size_t i = 0; i < n; i++) {
		err = elem_build(s, ki, elems[i], add, m);
		if (err)
			goto out;
	}
	nlh = nftnl_set_elem_nlmsg_build_hdr(buf, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
					     NFPROTO_INET, add ? NLM_F_CREATE : 0, m->seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	err = nbatch_commit(nb, m, nlh);
out:
	/* Not committed: the slot (and its elems) is reused by the next
	 * nbatch_next, which clears it; free what we allocated here. */
	if (err && m) {
		free(m->elems);
		m->elems = NULL;
	}
	nftnl_set_free(s);
	return err;
}

int nmsg_elems(struct nbatch *nb, const struct ir_set *is, const struct ir_elem *const *elems,
	       size_t nelems, bool add)
{
	struct keyinfo ki;
	int err = 0;

	key_info(is->key, &ki);
	for (size_t i = 0; i < nelems && !err; i += ELEMS_PER_MSG) {
		size_t n = nelems - i < ELEMS_PER_MSG ? nelems - i : ELEMS_PER_MSG;

		err = elems_msg(nb, is, &ki, elems + i, n, add);
	}
	return err;
}
