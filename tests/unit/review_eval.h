/* review_eval.h - two packet evaluators for the review tests:
 *  - ev_ir():    walks a compiled struct ir_table the way the kernel would
 *                (dispatch vmap, jumps, set lookups, first verdict wins);
 *  - ev_model(): decides the same packet straight from the model with the
 *                semantics of docs/semantics.md (the contract).
 * A random model on which they disagree is a compiler bug.  Header-only. */
#ifndef SGD_TEST_REVIEW_EVAL_H
#define SGD_TEST_REVIEW_EVAL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sgd/compile.h"
#include "sgd/ir.h"
#include "sgd/model.h"

enum ev_verdict { EV_NONE = 0, EV_ACCEPT, EV_DROP };

struct ev_pkt {
	char dev[SG_IFNAME_LEN + 1]; /* iifname (host mode) */
	uint8_t family;              /* 4 or 6 */
	uint8_t saddr[16], daddr[16];
	uint8_t proto;               /* l4proto */
	uint16_t sport, dport;       /* for port-less protocols: the first 4 header bytes */
	uint32_t ct;                 /* IR_CT_* bit of the packet */
};

static inline size_t ev_alen(int fam) { return fam == 6 ? 16 : 4; }

static inline void ev_be16(uint8_t out[2], uint16_t v)
{
	out[0] = v >> 8;
	out[1] = v & 0xff;
}

static inline bool ev_in(const uint8_t *v, const struct ir_range *r, size_t len)
{
	return memcmp(v, r->lo, len) >= 0 && memcmp(v, r->hi, len) <= 0;
}

/* The packet's value of field i of key k, in out (network order): the
 * packet expression of each field comes from ir_key_exprs(), as in nft/. */
static inline void ev_key_field(const struct ev_pkt *p, enum ir_key k, int i, uint8_t out[16])
{
	enum ir_pkt_field px[IR_MAX_FIELDS];
	int n = ir_key_exprs(k, px);
	memset(out, 0, 16);
	size_t al = ev_alen(p->family);
	if (i >= n)
		return;
	switch (px[i]) {
	case IR_P_SADDR:
		memcpy(out, p->saddr, al);
		return;
	case IR_P_DADDR:
		memcpy(out, p->daddr, al);
		return;
	case IR_P_L4PROTO:
		out[0] = p->proto;
		return;
	case IR_P_SPORT:
		ev_be16(out, p->sport);
		return;
	case IR_P_DPORT:
		ev_be16(out, p->dport);
		return;
	case IR_P_COUNT:
		return;
	}
}

static inline bool ev_set_has_tuple(const struct ir_set *s, const struct ev_pkt *p)
{
	enum ir_field f[IR_MAX_FIELDS];
	int n = ir_key_fields(s->key, f);
	for (size_t e = 0; e < s->nelems; e++) {
		bool all = true;
		for (int i = 0; i < n && all; i++) {
			uint8_t v[16];
			ev_key_field(p, s->key, i, v);
			all = ev_in(v, &s->elems[e].f[i], ir_field_len(f[i]));
		}
		if (all)
			return true;
	}
	return false;
}

static inline bool ev_set_has1(const struct ir_set *s, const uint8_t *v, size_t len)
{
	for (size_t e = 0; e < s->nelems; e++)
		if (ev_in(v, &s->elems[e].f[0], len))
			return true;
	return false;
}

static enum ev_verdict ev_chain(const struct ir_table *t, const char *name, const struct ev_pkt *p,
				int depth);

/* true when the match holds; *bad set when the IR is inconsistent. */
static inline bool ev_match(const struct ir_table *t, const struct ir_match *m, const struct ev_pkt *p,
			    bool *bad)
{
	uint8_t v[16];
	const struct ir_set *s;
	switch (m->kind) {
	case IR_M_NFPROTO:
		return m->family == p->family;
	case IR_M_L4PROTO:
		return p->proto >= m->range.lo[0] && p->proto <= m->range.hi[0];
	case IR_M_CT_STATE:
		return (p->ct & m->ct_state) != 0;
	case IR_M_SADDR:
		if (m->family != p->family)
			*bad = true;
		return ev_in(p->saddr, &m->range, ev_alen(p->family));
	case IR_M_DADDR:
		if (m->family != p->family)
			*bad = true;
		return ev_in(p->daddr, &m->range, ev_alen(p->family));
	case IR_M_SPORT:
		ev_be16(v, p->sport);
		return ev_in(v, &m->range, 2);
	case IR_M_DPORT:
		ev_be16(v, p->dport);
		return ev_in(v, &m->range, 2);
	case IR_M_ICMP6_TYPE:
		v[0] = p->sport >> 8; /* first byte of the transport header */
		return v[0] >= m->range.lo[0] && v[0] <= m->range.hi[0];
	case IR_M_SADDR_SET:
		s = ir_set_find(t, m->set);
		if (!s || s->key != ir_key_addr(p->family)) {
			*bad = true;
			return false;
		}
		return ev_set_has1(s, p->saddr, ev_alen(p->family));
	case IR_M_DPORT_SET:
		s = ir_set_find(t, m->set);
		if (!s || s->key != IR_KEY_PORT) {
			*bad = true;
			return false;
		}
		ev_be16(v, p->dport);
		return ev_set_has1(s, v, 2);
	case IR_M_TUPLE_SET:
		s = ir_set_find(t, m->set);
		if (!s) {
			*bad = true;
			return false;
		}
		if (!ir_key_is_tuple(s->key) || ir_key_family(s->key) != p->family)
			*bad = true;
		return ev_set_has_tuple(s, p);
	case IR_M_IFNAME_VMAP:
		return true; /* handled by the caller */
	}
	*bad = true;
	return false;
}

static inline enum ev_verdict ev_rule(const struct ir_table *t, const struct ir_rule *r,
				      const struct ev_pkt *p, int depth, bool *matched)
{
	bool bad = false;
	*matched = false;
	for (int i = 0; i < r->nm; i++) {
		const struct ir_match *m = &r->m[i];
		if (m->kind == IR_M_IFNAME_VMAP) {
			const struct ir_set *s = ir_set_find(t, m->set);
			assert_non_null(s);
			for (size_t e = 0; e < s->nelems; e++)
				if (strncmp((const char *)s->elems[e].f[0].lo, p->dev, 16) == 0) {
					*matched = true;
					if (s->elems[e].data.kind == IR_V_JUMP)
						return ev_chain(t, s->elems[e].data.target, p, depth + 1);
					return s->elems[e].data.kind == IR_V_ACCEPT ? EV_ACCEPT : EV_DROP;
				}
			return EV_NONE;
		}
		if (!ev_match(t, m, p, &bad)) {
			if (bad)
				fail_msg("inconsistent IR match kind %d in a rule", m->kind);
			return EV_NONE;
		}
		if (bad)
			fail_msg("inconsistent IR match kind %d in a rule", m->kind);
	}
	*matched = true;
	switch (r->verdict.kind) {
	case IR_V_ACCEPT:
		return EV_ACCEPT;
	case IR_V_DROP:
		return EV_DROP;
	case IR_V_JUMP:
		return ev_chain(t, r->verdict.target, p, depth + 1);
	default:
		return EV_NONE;
	}
}

static enum ev_verdict ev_chain(const struct ir_table *t, const char *name, const struct ev_pkt *p,
				int depth)
{
	const struct ir_chain *c = ir_chain_find(t, name);
	if (!c)
		fail_msg("jump to missing chain %s", name);
	if (depth > 16)
		fail_msg("jump loop at %s", name);
	for (size_t i = 0; i < c->nrules; i++) {
		bool matched;
		enum ev_verdict v = ev_rule(t, &c->rules[i], p, depth, &matched);
		if (v != EV_NONE)
			return v;
	}
	return EV_NONE;
}

/* The kernel's answer: the base chain's policy is accept. */
static inline enum ev_verdict ev_ir(const struct ir_table *t, const struct ev_pkt *p)
{
	enum ev_verdict v = ev_chain(t, "dispatch", p, 0);
	return v == EV_NONE ? EV_ACCEPT : v;
}

/* ---- the contract, from the model ---- */

static inline bool ev_addr_in(const struct ev_pkt *p, const uint8_t *a, const struct sg_addr_range *r)
{
	size_t n = ev_alen(p->family);
	return r->family == p->family && memcmp(a, r->lo, n) >= 0 && memcmp(a, r->hi, n) <= 0;
}

static inline bool ev_nic_has(const struct sg_nic *n, const struct ev_pkt *p, const uint8_t *a)
{
	for (size_t i = 0; i < n->naddrs; i++)
		if (ev_addr_in(p, a, &n->addrs[i].addr))
			return true;
	return false;
}

/* Some interface in group gid owns address a. */
static inline bool ev_member(const struct sg_model *m, const char *gid, const struct ev_pkt *p,
			     const uint8_t *a)
{
	for (size_t i = 0; i < m->nnics; i++)
		if (sg_nic_in_group(&m->nics[i], gid) && ev_nic_has(&m->nics[i], p, a))
			return true;
	return false;
}

static inline bool ev_port_in(uint16_t v, const struct sg_port_range *r)
{
	return r->any || (v >= r->lo && v <= r->hi);
}

static inline bool ev_rule_matches(const struct sg_model *m, const struct sg_rule *r, const struct ev_pkt *p)
{
	if (r->family && r->family != p->family)
		return false;
	switch (r->src_kind) {
	case SG_SRC_CIDR:
		if (!ev_addr_in(p, p->saddr, &r->src))
			return false;
		break;
	case SG_SRC_PREFIX_LIST: {
		const struct sg_prefix_list *pl = sg_pl_find(m, r->prefix_list_id);
		bool hit = false;
		if (!pl || pl->family != p->family)
			return false;
		for (size_t i = 0; i < pl->nentries && !hit; i++)
			hit = ev_addr_in(p, p->saddr, &pl->entries[i].range);
		if (!hit)
			return false;
		break;
	}
	case SG_SRC_GROUP:
		if (!sg_group_find(m, r->src_group_id) || !ev_member(m, r->src_group_id, p, p->saddr))
			return false;
		break;
	}
	if (r->has_dst && !ev_addr_in(p, p->daddr, &r->dst))
		return false;
	if (r->proto == SG_PROTO_ALL)
		return true;
	if (p->proto != r->proto)
		return false;
	bool named_ports = (r->proto == SG_PROTO_TCP && !strcmp(r->proto_text, "TCP")) ||
			   (r->proto == SG_PROTO_UDP && !strcmp(r->proto_text, "UDP"));
	if (!named_ports)
		return true;
	if (r->has_sport && !ev_port_in(p->sport, &r->sport))
		return false;
	if (r->port_list_id[0]) {
		const struct sg_port_list *prl = sg_prl_find(m, r->port_list_id);
		if (!prl)
			return false;
		for (size_t i = 0; i < prl->nentries; i++)
			if (ev_port_in(p->dport, &prl->entries[i].range))
				return true;
		return false;
	}
	return ev_port_in(p->dport, &r->dport);
}

/* Why ev_model() decided as it did (for failure messages). */
static char ev_why[128];

static inline enum ev_verdict ev_model(const struct sg_model *m, const struct ev_pkt *p)
{
	snprintf(ev_why, sizeof(ev_why), "default");
	const struct sg_nic *n = NULL;
	for (size_t i = 0; i < m->nnics && !n; i++)
		if (m->nics[i].host_device[0] && !strcmp(m->nics[i].host_device, p->dev))
			n = &m->nics[i];
	if (!n)
		return EV_ACCEPT; /* not managed */
	if (p->ct & (IR_CT_ESTABLISHED | IR_CT_RELATED))
		return EV_ACCEPT;
	if (p->ct & IR_CT_INVALID)
		return EV_DROP;
	/* platform traffic */
	if (p->family == 6 && p->proto == SG_PROTO_ICMPV6 && (p->sport >> 8) >= 133 && (p->sport >> 8) <= 137)
		return EV_ACCEPT;
	if (p->proto == SG_PROTO_UDP && p->family == 4 && p->sport == 67 && p->dport == 68)
		return EV_ACCEPT;
	if (p->proto == SG_PROTO_UDP && p->family == 6 && p->sport == 547 && p->dport == 546)
		return EV_ACCEPT;
	/* intra-group Accept of basic groups both interfaces are in */
	for (size_t i = 0; i < n->ngroups; i++) {
		const struct sg_group *g = sg_group_find(m, n->groups[i]);
		if (g && g->type == SG_GROUP_NORMAL && g->inner_policy == SG_POLICY_ACCEPT &&
		    ev_member(m, g->id, p, p->saddr)) {
			snprintf(ev_why, sizeof(ev_why), "inner accept %s", g->id);
			return EV_ACCEPT;
		}
	}
	/* user rules: priority, then drop before accept */
	for (int prio = 1; prio <= 100; prio++)
		for (int pol = SG_POLICY_DROP; pol >= SG_POLICY_ACCEPT; pol--)
			for (size_t i = 0; i < n->ngroups; i++) {
				const struct sg_group *g = sg_group_find(m, n->groups[i]);
				for (size_t j = 0; g && j < g->nrules; j++) {
					const struct sg_rule *r = &g->rules[j];
					if (r->priority == prio && (int)r->policy == pol && ev_rule_matches(m, r, p)) {
						snprintf(ev_why, sizeof(ev_why), "rule %s of %s (%s)", r->id, g->id,
							 r->proto_text);
						return pol == SG_POLICY_DROP ? EV_DROP : EV_ACCEPT;
					}
				}
			}
	return EV_DROP;
}

static inline const char *ev_name(enum ev_verdict v)
{
	return v == EV_ACCEPT ? "accept" : v == EV_DROP ? "drop" : "none";
}

static inline void ev_pkt_str(const struct ev_pkt *p, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = p->family == 6 ? AF_INET6 : AF_INET;
	inet_ntop(af, p->saddr, s, sizeof(s));
	inet_ntop(af, p->daddr, d, sizeof(d));
	snprintf(buf, len, "%s %s:%u -> %s:%u proto %u ct %u", p->dev, s, p->sport, d, p->dport,
		 p->proto, p->ct);
}

#endif
