/* compile_group.c - the (priority, policy) buckets of one group: their CIDR
 * sets (looked up inline by the NIC family chains, compile_nic.c) and their
 * chains of ordinary rules.
 *
 * CIDR-sourced permissions become elements of up to four concatenated
 * interval sets per bucket (IPv4/IPv6, with/without ports), made disjoint in
 * creation order; everything else (prefix-list, group and port-list rules)
 * becomes one ordinary rule per permission and family.
 *
 * Each of the four sets takes one of two key shapes: the full one
 * (c4p: saddr . l4proto . sport . daddr . dport, c4n: saddr . daddr .
 * l4proto) when some element narrows sport or daddr (SourcePortRange,
 * DestCidrIp), else the short one (c4q: saddr . l4proto . dport, c4m: saddr
 * . l4proto), which the kernel looks up in fewer steps.  The two shapes have
 * different names, so a change of shape is an ordinary diff: one set
 * deleted, the other added, the NIC chains' lookup rule replaced. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "compile_internal.h"

enum { C4P, C4N, C6P, C6N, NCSETS };
_Static_assert(NCSETS == CSET_COUNT, "compile_internal.h counts the CIDR sets");

/* The full key of each set; it takes the key's short shape
 * (ir_key_desc()->shorter) when no element narrows the fields the short one
 * leaves out. */
static const enum ir_key cset_key[NCSETS] = {
	IR_KEY_IP4_PORTS, IR_KEY_IP4_NOPORT, IR_KEY_IP6_PORTS, IR_KEY_IP6_NOPORT,
};

struct bucket {
	const struct sg_model *m;
	const struct sg_group *g;
	int prio;
	enum sg_policy pol;
	struct sg_compile_cache *cache;   /* may be NULL */
	struct cset_inputs in[NCSETS];    /* boxes per set, in bucket order */
	struct piece_list scratch[NCSETS]; /* pieces when there is no cache */
	const struct piece_list *pieces[NCSETS];
	enum ir_key key[NCSETS];          /* each set's shape, once resolved */
	struct ir_chain tmp; /* per-permission rules, moved into the chain at the end */
	bool plain[2];       /* tmp holds rules of IPv4 [0] / IPv6 [1] */
};

/* One protocol (range) a rule matches, and whether its ports apply. */
struct proto_choice {
	uint8_t lo, hi;
	bool ports;
};

static bool rule_has_ports(const struct sg_rule *r)
{
	return r->port_list_id[0] || !r->dport.any || (r->has_sport && !r->sport.any);
}

/* Ports exist only for TCP and UDP; ALL with ports means both of them. */
static int rule_protos(const struct sg_rule *r, int fam, struct proto_choice out[2])
{
	if (r->proto == SG_PROTO_TCP || r->proto == SG_PROTO_UDP) {
		out[0] = (struct proto_choice){ r->proto, r->proto, true };
		return 1;
	}
	if (r->proto == SG_PROTO_ALL || r->proto < 0) {
		if (rule_has_ports(r)) {
			out[0] = (struct proto_choice){ SG_PROTO_TCP, SG_PROTO_TCP, true };
			out[1] = (struct proto_choice){ SG_PROTO_UDP, SG_PROTO_UDP, true };
			return 2;
		}
		out[0] = (struct proto_choice){ 0, 255, false };
		return 1;
	}
	uint8_t p = r->proto > 255 ? 255 : (uint8_t)r->proto;

	/* The name ICMP reads as ICMPv6 in IPv6; an IANA number is literal:
	 * IpProtocol=1 never matches ICMPv6 (58) packets. */
	if (p == SG_PROTO_ICMP && fam == 6 && !(r->proto_text[0] >= '0' && r->proto_text[0] <= '9'))
		p = SG_PROTO_ICMPV6;
	out[0] = (struct proto_choice){ p, p, false };
	return 1;
}

static void rule_dport(const struct sg_rule *r, struct ir_range *out)
{
	if (r->dport.any)
		range_full(out, 2);
	else
		range_u16(out, r->dport.lo, r->dport.hi);
}

static void rule_sport(const struct sg_rule *r, struct ir_range *out)
{
	if (r->has_sport && !r->sport.any)
		range_u16(out, r->sport.lo, r->sport.hi);
	else
		range_full(out, 2);
}

static void addr_range(const struct sg_addr_range *a, struct ir_range *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->lo, a->lo, a->family == 6 ? 16 : 4);
	memcpy(out->hi, a->hi, a->family == 6 ? 16 : 4);
}

static void set_verdict(struct ir_verdict *v, enum sg_policy pol)
{
	memset(v, 0, sizeof(*v));
	v->kind = pol == SG_POLICY_DROP ? IR_V_DROP : IR_V_ACCEPT;
}

static int inputs_push(struct cset_inputs *in, const struct box *b, const char *id)
{
	if (in->n == in->cap) {
		size_t ncap = in->cap ? in->cap * 2 : 16;
		struct cset_input *v = realloc(in->v, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		in->v = v;
		in->cap = ncap;
	}
	in->v[in->n].b = *b;
	in->v[in->n].id = id;
	in->n++;
	return 0;
}

/* A CIDR permission without a port list: its boxes go to the bucket's sets
 * (split into disjoint pieces once the whole bucket is known). */
static int add_cidr_boxes(struct bucket *b, const struct sg_rule *r)
{
	int fam = r->src.family == 6 ? 6 : 4;
	size_t alen = fam == 6 ? 16 : 4;
	struct proto_choice pc[2];
	int np = rule_protos(r, fam, pc);
	struct ir_range saddr, daddr;

	if (r->has_dst && r->dst.family != fam)
		return 0; /* cannot match any packet */
	addr_range(&r->src, &saddr);
	if (r->has_dst)
		addr_range(&r->dst, &daddr);
	else
		range_full(&daddr, alen);
	for (int i = 0; i < np; i++) {
		int which = (fam == 6 ? C6P : C4P) + (pc[i].ports ? 0 : 1);
		const struct ir_key_desc *d = ir_key_desc(cset_key[which]);
		struct box box;
		int rc;

		/* zeroed whole: the cache compares inputs with memcmp */
		memset(&box, 0, sizeof(box));
		/* each field of the set's full key from the packet field it matches */
		for (int f = 0; f < d->nfields; f++) {
			struct ir_range *v = &box.d[f];

			switch (d->expr[f]) {
			case IR_P_SADDR:
				*v = saddr;
				break;
			case IR_P_DADDR:
				*v = daddr;
				break;
			case IR_P_L4PROTO:
				range_u8(v, pc[i].lo, pc[i].hi);
				break;
			case IR_P_SPORT:
				rule_sport(r, v);
				break;
			case IR_P_DPORT:
				rule_dport(r, v);
				break;
			case IR_P_COUNT:
				break;
			}
		}
		rc = inputs_push(&b->in[which], &box, r->id);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_match(struct ir_rule *ir, enum ir_match_kind kind, int fam, const struct ir_range *range,
		     const char *set)
{
	struct ir_match *m = ir_match_add(ir, kind);

	if (!m)
		return -E2BIG;
	m->family = fam;
	if (range)
		m->range = *range;
	if (set)
		snprintf(m->set, sizeof(m->set), "%s", set);
	return 0;
}

/* One ordinary rule per protocol choice: nfproto, source (src_kind/src_range
 * or src_set), daddr, l4proto, sport, dport or @port list. */
static int add_plain_rules(struct bucket *b, const struct sg_rule *r, int fam,
			   const struct ir_range *src_range, const char *src_set, const char *prl_set)
{
	size_t alen = fam == 6 ? 16 : 4;
	struct proto_choice pc[2];
	int np = rule_protos(r, fam, pc);
	int rc = 0;

	if (r->has_dst && r->dst.family != fam)
		return 0;
	for (int i = 0; i < np && !rc; i++) {
		struct ir_rule *ir = ir_rule_add(&b->tmp);
		struct ir_range rg;

		if (!ir)
			return -ENOMEM;
		b->plain[fam == 6] = true;
		/* the chain serves both families' NIC chains: keep the guard */
		rc = add_match(ir, IR_M_NFPROTO, fam, NULL, NULL);
		if (!rc && src_set)
			rc = add_match(ir, IR_M_SADDR_SET, fam, NULL, src_set);
		if (!rc && src_range && !range_is_full(src_range, alen))
			rc = add_match(ir, IR_M_SADDR, fam, src_range, NULL);
		if (!rc && r->has_dst) {
			addr_range(&r->dst, &rg);
			rc = add_match(ir, IR_M_DADDR, fam, &rg, NULL);
		}
		if (!rc && !(pc[i].lo == 0 && pc[i].hi == 255)) {
			range_u8(&rg, pc[i].lo, pc[i].hi);
			rc = add_match(ir, IR_M_L4PROTO, fam, &rg, NULL);
		}
		if (!rc && pc[i].ports) {
			rule_sport(r, &rg);
			if (!range_is_full(&rg, 2))
				rc = add_match(ir, IR_M_SPORT, fam, &rg, NULL);
			if (!rc && prl_set) {
				rc = add_match(ir, IR_M_DPORT_SET, fam, NULL, prl_set);
			} else if (!rc) {
				rule_dport(r, &rg);
				if (!range_is_full(&rg, 2))
					rc = add_match(ir, IR_M_DPORT, fam, &rg, NULL);
			}
		}
		set_verdict(&ir->verdict, b->pol);
		if (!rc)
			rc = ir_str_set(&ir->comment, r->id);
	}
	return rc;
}

static bool prl_exists(const struct sg_model *m, const char *id)
{
	for (size_t i = 0; i < m->nprls; i++)
		if (strcmp(m->prls[i].id, id) == 0)
			return true;
	return false;
}

static const struct sg_prefix_list *pl_lookup(const struct sg_model *m, const char *id)
{
	for (size_t i = 0; i < m->npls; i++)
		if (strcmp(m->pls[i].id, id) == 0)
			return &m->pls[i];
	return NULL;
}

/* Route one permission to the bucket's sets or to plain rules.  Rules whose
 * prefix list, port list or source group is missing are skipped: the IR
 * never holds a dangling reference. */
static int add_rule(struct bucket *b, const struct sg_rule *r)
{
	char prl[IR_NAME_LEN], src[IR_NAME_LEN];
	const char *prl_set = NULL;
	struct ir_range rg;
	int rc = 0;

	if (r->port_list_id[0]) {
		if (!prl_exists(b->m, r->port_list_id))
			return 0;
		snprintf(prl, sizeof(prl), "%s", r->port_list_id);
		prl_set = prl;
	}
	switch (r->src_kind) {
	case SG_SRC_CIDR:
		if (!prl_set)
			return add_cidr_boxes(b, r);
		addr_range(&r->src, &rg);
		return add_plain_rules(b, r, r->src.family == 6 ? 6 : 4, &rg, NULL, prl_set);
	case SG_SRC_PREFIX_LIST: {
		const struct sg_prefix_list *pl = pl_lookup(b->m, r->prefix_list_id);

		if (!pl)
			return 0;
		snprintf(src, sizeof(src), "%s", pl->id);
		return add_plain_rules(b, r, pl->family == 6 ? 6 : 4, NULL, src, prl_set);
	}
	case SG_SRC_GROUP:
		if (!model_group(b->m, r->src_group_id))
			return 0;
		for (int fam = 4; fam <= 6 && !rc; fam += 2) {
			if (r->has_dst ? r->dst.family != fam : (r->family && r->family != fam))
				continue;
			name_members(src, r->src_group_id, fam);
			rc = add_plain_rules(b, r, fam, NULL, src, prl_set);
		}
		return rc;
	}
	return 0;
}

static void cset_name(char *buf, int which, const struct bucket *b)
{
	name_cset(buf, b->key[which], b->g->id, b->prio, b->pol);
}

static int emit_cset(struct ir_table *t, const char *name, enum ir_key key, const struct piece_list *pl)
{
	struct ir_set *s = ir_set_add(t, name, key);
	struct box_shape sh;

	if (!s || ir_set_reserve(s, pl->n))
		return -ENOMEM;
	box_shape_of(key, &sh);
	for (size_t i = 0; i < pl->n; i++) {
		struct ir_elem *e = ir_elem_add(s);

		if (!e)
			return -ENOMEM;
		for (int d = 0; d < sh.n; d++)
			e->f[d] = pl->v[i].b.d[d];
		if (ir_str_set(&e->comment, pl->v[i].id))
			return -ENOMEM;
	}
	return 0;
}

/* Write the bucket's sets into t, and its chain when it has ordinary rules;
 * *info says what exists (the NIC chains look the sets up themselves). */
static int emit_bucket(struct bucket *b, struct ir_table *t, struct bucket_info *info)
{
	char name[IR_NAME_LEN];
	struct ir_chain *c;
	int rc;

	for (int w = 0; w < NCSETS; w++) {
		info->key[w] = b->key[w];
		if (!b->pieces[w]->n)
			continue;
		info->cset[w] = true;
		cset_name(name, w, b);
		rc = emit_cset(t, name, b->key[w], b->pieces[w]);
		if (rc)
			return rc;
	}
	info->plain[0] = b->plain[0];
	info->plain[1] = b->plain[1];
	if (!b->tmp.nrules)
		return 0;
	name_bucket_chain(name, b->g->id, b->prio, b->pol);
	c = ir_chain_add(t, name, IR_HOOK_NONE);
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < b->tmp.nrules; i++) {
		struct ir_rule *r = ir_rule_add(c);

		if (!r)
			return -ENOMEM;
		*r = b->tmp.rules[i];
		b->tmp.rules[i].comment = NULL; /* moved */
	}
	return 0;
}

static void bucket_free(struct bucket *b)
{
	for (int w = 0; w < NCSETS; w++) {
		pieces_free(&b->scratch[w]);
		free(b->in[w].v);
	}
	for (size_t i = 0; i < b->tmp.nrules; i++)
		free(b->tmp.rules[i].comment);
	free(b->tmp.rules);
	memset(&b->tmp, 0, sizeof(b->tmp));
}

static int clamp_prio(int p)
{
	return p < SG_PRIO_MIN ? SG_PRIO_MIN : p > SG_PRIO_MAX ? SG_PRIO_MAX : p;
}

static enum sg_policy rule_pol(const struct sg_rule *r)
{
	return r->policy == SG_POLICY_DROP ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
}

/* Buckets in decision order: priority, drop before accept. */
#define NBUCKETS (SG_PRIO_MAX * 2)

static int bucket_index(const struct sg_rule *r)
{
	return (clamp_prio(r->priority) - SG_PRIO_MIN) * 2 + (rule_pol(r) == SG_POLICY_DROP ? 0 : 1);
}

/* Bucket order: priority, drop before accept, creation order. */
static int rule_qcmp(const void *pa, const void *pb)
{
	const struct sg_rule *a = *(const struct sg_rule *const *)pa;
	const struct sg_rule *b = *(const struct sg_rule *const *)pb;
	int ia = bucket_index(a), ib = bucket_index(b);

	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* True when field f of key full is one of those of its short shape. */
static bool short_keeps(const struct ir_key_desc *sh, int f)
{
	for (int i = 0; i < sh->nfields; i++)
		if (sh->from[i] == f)
			return true;
	return false;
}

/* True when no input of a set with key full narrows a field its short
 * shape leaves out (sport and daddr of a ports set, daddr of a port-less
 * one). */
static bool inputs_fit_short(const struct cset_inputs *in, enum ir_key full)
{
	const struct ir_key_desc *d = ir_key_desc(full);
	const struct ir_key_desc *sh = ir_key_desc(d->shorter);

	for (int f = 0; f < d->nfields; f++) {
		size_t len = ir_field_len(d->field[f]);

		if (short_keeps(sh, f))
			continue;
		for (size_t i = 0; i < in->n; i++)
			if (!range_is_full(&in->v[i].b.d[f], len))
				return false;
	}
	return true;
}

/* Rewrite full-shape boxes as boxes of the short shape: field i is field
 * from[i] of the full one ((saddr, l4proto, sport, daddr, dport) ->
 * (saddr, l4proto, dport); (saddr, daddr, l4proto) -> (saddr, l4proto)).
 * Unused dimensions are zeroed: the cache compares with memcmp. */
static void inputs_shorten(struct cset_inputs *in, enum ir_key full)
{
	const struct ir_key_desc *d = ir_key_desc(full);
	const struct ir_key_desc *sh = ir_key_desc(d->shorter);

	for (size_t i = 0; i < in->n; i++) {
		struct box *bx = &in->v[i].b;

		for (int f = 0; f < sh->nfields; f++)
			bx->d[f] = bx->d[sh->from[f]];
		memset(&bx->d[sh->nfields], 0, (size_t)(d->nfields - sh->nfields) * sizeof(bx->d[0]));
	}
}

/* The shape and the pieces of each set of b, from its inputs (and the cache). */
static int resolve_pieces(struct bucket *b)
{
	for (int w = 0; w < NCSETS; w++) {
		struct cset_key k;

		b->key[w] = cset_key[w];
		if (inputs_fit_short(&b->in[w], cset_key[w])) {
			inputs_shorten(&b->in[w], cset_key[w]);
			b->key[w] = ir_key_desc(cset_key[w])->shorter;
		}
		k = (struct cset_key){
			.gid = b->g->id, .prio = b->prio, .pol = b->pol, .which = w, .key = b->key[w],
		};
		int rc = cset_pieces(b->cache, &k, &b->in[w], &b->scratch[w], &b->pieces[w]);

		if (rc)
			return rc;
	}
	return 0;
}

/* The rules of g in an order where each bucket's rules come by seq: the
 * array itself when it is in creation order (the usual case: one pass over
 * memory, in order), else sorted.  *sorted is freed by the caller. */
static int rule_order(const struct sg_group *g, const struct sg_rule ***sorted)
{
	const struct sg_rule **v;
	size_t k = 1;

	*sorted = NULL;
	while (k < g->nrules && g->rules[k - 1].seq <= g->rules[k].seq)
		k++;
	if (k >= g->nrules)
		return 0;
	v = malloc(g->nrules * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0; k < g->nrules; k++)
		v[k] = &g->rules[k];
	qsort(v, g->nrules, sizeof(*v), rule_qcmp);
	*sorted = v;
	return 0;
}

static int route_rule(const struct sg_model *m, const struct sg_group *g, struct sg_compile_cache *cache,
		      struct bucket **bk, const struct sg_rule *r)
{
	int idx = bucket_index(r);
	struct bucket *b = bk[idx];

	if (!b) {
		b = bk[idx] = calloc(1, sizeof(*b));
		if (!b)
			return -ENOMEM;
		b->m = m;
		b->g = g;
		b->cache = cache;
		b->prio = clamp_prio(r->priority);
		b->pol = rule_pol(r);
	}
	return add_rule(b, r);
}

int compile_group(const struct sg_model *m, const struct sg_group *g, struct ir_table *t,
		  struct group_buckets *gb, struct sg_compile_cache *cache)
{
	struct bucket *bk[NBUCKETS] = { 0 };
	const struct sg_rule **v = NULL;
	int rc;

	memset(gb, 0, sizeof(*gb));
	gb->g = g;
	if (!g->nrules)
		return 0;
	rc = rule_order(g, &v);
	for (size_t i = 0; i < g->nrules && !rc; i++)
		rc = route_rule(m, g, cache, bk, v ? v[i] : &g->rules[i]);
	for (int i = 0; i < NBUCKETS; i++) {
		struct bucket *b = bk[i];

		if (!b)
			continue;
		if (!rc)
			rc = resolve_pieces(b);
		if (!rc)
			rc = emit_bucket(b, t, &gb->b[b->prio][b->pol]);
		bucket_free(b);
		free(b);
	}
	free(v);
	return rc;
}
