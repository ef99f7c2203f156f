/* rule.c - an IR rule becomes nf_tables expressions, as nft would emit them
 * (so that `nft list ruleset` prints them back as nft syntax). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>

#include "internal.h"

#define COMMENT_MAX 127 /* NFTNL_UDATA_COMMENT_MAXLEN with its NUL */

/* A rule under construction; the first failure sticks in err. */
struct rb {
	struct nbatch *nb;
	struct nftnl_rule *r;
	int err;
};

static struct nftnl_expr *expr(struct rb *b, const char *name)
{
	struct nftnl_expr *e;

	if (b->err)
		return NULL;
	e = nftnl_expr_alloc(name);
	if (!e)
		b->err = -ENOMEM;
	return e;
}

static void add(struct rb *b, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(b->r, e);
}

/* meta load KEY => reg */
static void meta_load(struct rb *b, uint32_t key, uint32_t reg)
{
	struct nftnl_expr *e = expr(b, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, reg);
	add(b, e);
}

/* payload load LEN @ BASE header + OFF => reg */
static void payload_load(struct rb *b, uint32_t base, uint32_t off, uint32_t len, uint32_t reg)
{
	struct nftnl_expr *e = expr(b, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
	add(b, e);
}

static void cmp(struct rb *b, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add(b, e);
}

static void range(struct rb *b, const void *lo, const void *hi, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "range");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, lo, len);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, hi, len);
	add(b, e);
}

/* bitwise reg 1 = (reg 1 & mask) ^ 0 */
static void mask(struct rb *b, const void *m, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "bitwise");
	uint8_t zero[16] = { 0 };

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, m, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(b, e);
}

/* A value range on reg 1: cmp eq for one value, bitwise + cmp for a
 * prefix (nft prints 10.0.0.0/8), range otherwise. */
static void match_range(struct rb *b, const struct ir_range *rg, uint32_t len, bool addr)
{
	uint8_t m[16];
	int plen;

	if (memcmp(rg->lo, rg->hi, len) == 0) {
		cmp(b, NFT_CMP_EQ, rg->lo, len);
		return;
	}
	plen = addr ? ir_prefix_len(rg->lo, rg->hi, len) : -1;
	if (plen > 0) {
		ir_prefix_mask(plen, m, len);
		mask(b, m, len);
		cmp(b, NFT_CMP_EQ, rg->lo, len);
		return;
	}
	range(b, rg->lo, rg->hi, len);
}

/* Load packet field p of family into reg, as ir_pkt_desc() says (ip
 * saddr: network header + 12, ip6 saddr: + 8, th sport: transport header
 * + 0, meta l4proto); returns its length. */
static uint32_t load(struct rb *b, enum ir_pkt_field p, int family, uint32_t reg)
{
	const struct ir_pkt_desc *d = ir_pkt_desc(p);
	int v6 = family == 6;

	if (d->meta)
		meta_load(b, d->meta_key, reg);
	else
		payload_load(b, d->base, d->off[v6], d->len[v6], reg);
	return d->len[v6];
}

/* lookup reg SREG @set [=> verdict] */
static void lookup(struct rb *b, uint32_t sreg, const char *set, bool vmap)
{
	struct nftnl_expr *e = expr(b, "lookup");
	uint32_t id;

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	if (vmap)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	/* A set made in this same batch is found by its id as well. */
	id = nbatch_set_id(b->nb, set);
	if (id)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	add(b, e);
}

/* The set's key built from the packet (ir_key_exprs(): e.g. ip saddr .
 * meta l4proto . th sport . ip daddr . th dport, or ip saddr . meta l4proto
 * . th dport), then a lookup.  Each field in its own 32-bit registers from
 * NFT_REG32_00 on, in key order. */
static void tuple_lookup(struct rb *b, const struct ir_match *m)
{
	const struct ir_set *s = b->nb->t ? ir_set_find(b->nb->t, m->set) : NULL;
	const struct ir_key_desc *d;
	uint32_t reg = NFT_REG32_00;

	if (!s) {
		b->err = b->err ? b->err : -ENOENT;
		return;
	}
	d = ir_key_desc(s->key);
	if (!d || !d->tuple) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	for (int i = 0; i < d->nfields; i++) {
		uint32_t len = load(b, d->expr[i], d->family, reg);

		reg += (len + 3) / 4;
	}
	lookup(b, NFT_REG32_00, m->set, false);
}

static void ct_state(struct rb *b, uint32_t bits)
{
	struct nftnl_expr *e = expr(b, "ct");
	uint32_t zero = 0;

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(b, e);
	mask(b, &bits, sizeof(bits));
	cmp(b, NFT_CMP_NEQ, &zero, sizeof(zero));
}

static void match(struct rb *b, const struct ir_match *m)
{
	uint32_t alen = m->family == 6 ? 16 : 4;
	uint8_t u8;

	switch (m->kind) {
	case IR_M_NFPROTO:
		meta_load(b, NFT_META_NFPROTO, NFT_REG_1);
		u8 = m->family == 6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
		cmp(b, NFT_CMP_EQ, &u8, 1);
		break;
	case IR_M_L4PROTO:
		load(b, IR_P_L4PROTO, m->family, NFT_REG_1);
		match_range(b, &m->range, 1, false);
		break;
	case IR_M_CT_STATE:
		ct_state(b, m->ct_state);
		break;
	case IR_M_SADDR:
	case IR_M_DADDR:
		load(b, m->kind == IR_M_SADDR ? IR_P_SADDR : IR_P_DADDR, m->family, NFT_REG_1);
		match_range(b, &m->range, alen, true);
		break;
	case IR_M_SPORT:
	case IR_M_DPORT:
		load(b, m->kind == IR_M_SPORT ? IR_P_SPORT : IR_P_DPORT, 0, NFT_REG_1);
		match_range(b, &m->range, 2, false);
		break;
	case IR_M_ICMP6_TYPE:
		payload_load(b, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
		match_range(b, &m->range, 1, false);
		break;
	case IR_M_SADDR_SET:
		load(b, IR_P_SADDR, m->family, NFT_REG_1);
		lookup(b, NFT_REG_1, m->set, false);
		break;
	case IR_M_DPORT_SET:
		load(b, IR_P_DPORT, 0, NFT_REG_1);
		lookup(b, NFT_REG_1, m->set, false);
		break;
	case IR_M_TUPLE_SET:
		tuple_lookup(b, m);
		break;
	case IR_M_IFNAME_VMAP:
		break; /* the rule's last statement: see rule_exprs() */
	}
}

static void counter(struct rb *b)
{
	add(b, expr(b, "counter"));
}

/* immediate reg 0 accept | drop | jump CHAIN | goto CHAIN */
static void verdict(struct rb *b, const struct ir_verdict *v)
{
	struct nftnl_expr *e;
	int code;

	switch (v->kind) {
	case IR_V_NONE:
		return;
	case IR_V_ACCEPT:
		code = NF_ACCEPT;
		break;
	case IR_V_DROP:
		code = NF_DROP;
		break;
	case IR_V_JUMP:
		code = NFT_JUMP;
		break;
	case IR_V_GOTO:
		code = NFT_GOTO;
		break;
	default:
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	e = expr(b, "immediate");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	if (code == NFT_JUMP || code == NFT_GOTO)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, v->target);
	add(b, e);
}

/* matches..., counter, then either `iifname vmap @set` or the verdict */
static void rule_exprs(struct rb *b, const struct ir_rule *r)
{
	const struct ir_match *vmap = NULL;

	for (int i = 0; i < r->nm; i++) {
		if (r->m[i].kind == IR_M_IFNAME_VMAP)
			vmap = &r->m[i];
		else
			match(b, &r->m[i]);
	}
	if (r->counter)
		counter(b);
	if (vmap) {
		meta_load(b, b->nb->mode == IR_MODE_ROUTED ? NFT_META_OIFNAME : NFT_META_IIFNAME,
			  NFT_REG_1);
		lookup(b, NFT_REG_1, vmap->set, true);
		return;
	}
	verdict(b, &r->verdict);
}

static int rule_comment(struct nftnl_rule *r, const char *comment)
{
	struct nftnl_udata_buf *u;
	char tmp[COMMENT_MAX + 1];

	u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!u)
		return -ENOMEM;
	snprintf(tmp, sizeof(tmp), "%s", comment);
	nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, tmp);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
			    nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return 0;
}

/* nft add rule inet sgd CHAIN <matches> [counter] <verdict> comment "..." */
int nmsg_rule_add(struct nbatch *nb, const struct ir_chain *c, const struct ir_rule *ir)
{
	struct rb b = { .nb = nb };
	struct nlmsghdr *nlh;
	struct nmsg *m;
	char *buf;

	b.r = nftnl_rule_alloc();
	if (!b.r)
		return -ENOMEM;
	nftnl_rule_set_str(b.r, NFTNL_RULE_TABLE, nb->table);
	nftnl_rule_set_str(b.r, NFTNL_RULE_CHAIN, c->name);
	nftnl_rule_set_u32(b.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	rule_exprs(&b, ir);
	if (!b.err && ir->comment)
		b.err = rule_comment(b.r, ir->comment);
	if (b.err)
		goto out;
	buf = nbatch_next(nb, &m, "add rule %zu to chain %s (%s)", (size_t)(ir - c->rules) + 1,
			  c->name, ir->comment ? ir->comment : "no comment");
	if (!buf) {
		b.err = -ENOMEM;
		goto out;
	}
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET,
					 NLM_F_CREATE | NLM_F_APPEND, m->seq);
	nftnl_rule_nlmsg_build_payload(nlh, b.r);
	b.err = nbatch_commit(nb, m, nlh);
out:
	nftnl_rule_free(b.r);
	return b.err;
}
