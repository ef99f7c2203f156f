/* compile_nic.c - dispatch map, base chain and one chain per local NIC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

static int add_match(struct ir_rule *r, enum ir_match_kind kind, int fam)
{
	struct ir_match *m = ir_match_add(r, kind);

	if (!m)
		return -E2BIG;
	m->family = fam;
	return 0;
}

/* Append a rule with verdict kind (accept/drop) and comment; NULL on ENOMEM. */
static struct ir_rule *new_rule(struct ir_chain *c, enum ir_verdict_kind v, const char *comment)
{
	struct ir_rule *r = ir_rule_add(c);

	if (!r)
		return NULL;
	r->verdict.kind = v;
	if (comment && ir_str_set(&r->comment, comment))
		return NULL; /* the rule stays, with comment NULL; caller fails */
	return r;
}

static int ct_rule(struct ir_chain *c, uint32_t state, enum ir_verdict_kind v)
{
	struct ir_rule *r = new_rule(c, v, NULL);

	if (!r)
		return -ENOMEM;
	ir_match_add(r, IR_M_CT_STATE)->ct_state = state;
	return 0;
}

/* udp sport S dport D accept, for DHCP replies */
static int dhcp_rule(struct ir_chain *c, int fam, uint16_t sport, uint16_t dport, const char *comment)
{
	struct ir_rule *r = new_rule(c, IR_V_ACCEPT, comment);

	if (!r)
		return -ENOMEM;
	add_match(r, IR_M_NFPROTO, fam);
	add_match(r, IR_M_L4PROTO, fam);
	range_u8(&r->m[r->nm - 1].range, SG_PROTO_UDP, SG_PROTO_UDP);
	add_match(r, IR_M_SPORT, fam);
	range_u16(&r->m[r->nm - 1].range, sport, sport);
	add_match(r, IR_M_DPORT, fam);
	range_u16(&r->m[r->nm - 1].range, dport, dport);
	return 0;
}

/* Platform traffic a cloud vSwitch always delivers (docs/semantics.md). */
static int platform_rules(struct ir_chain *c)
{
	struct ir_rule *r = new_rule(c, IR_V_ACCEPT, "platform: ipv6 nd");

	if (!r)
		return -ENOMEM;
	add_match(r, IR_M_NFPROTO, 6);
	add_match(r, IR_M_L4PROTO, 6);
	range_u8(&r->m[r->nm - 1].range, SG_PROTO_ICMPV6, SG_PROTO_ICMPV6);
	add_match(r, IR_M_ICMP6_TYPE, 6);
	range_u8(&r->m[r->nm - 1].range, 133, 137);
	if (dhcp_rule(c, 4, 67, 68, "platform: dhcpv4"))
		return -ENOMEM;
	return dhcp_rule(c, 6, 547, 546, "platform: dhcpv6");
}

/* meta nfproto ipvF ip(6) saddr @mF-<sg> accept.  The chain is one
 * family's, but nft (userspace) decodes `ip saddr` in an inet table only
 * after a `meta nfproto` in the same rule: without it `nft list` prints raw
 * `@nh,96,32` and cannot read its own listing back (t_nft_list). */
static int inner_accept_rule(struct ir_chain *c, const struct sg_group *g, int fam)
{
	char comment[IR_NAME_LEN + 16];
	struct ir_rule *r;
	struct ir_match *m;

	snprintf(comment, sizeof(comment), "inner accept %s", g->id);
	r = new_rule(c, IR_V_ACCEPT, comment);
	if (!r)
		return -ENOMEM;
	add_match(r, IR_M_NFPROTO, fam);
	m = ir_match_add(r, IR_M_SADDR_SET);
	m->family = fam;
	name_members(m->set, g->id, fam);
	return 0;
}

static const struct group_buckets *find_gb(const struct group_buckets *gbs, size_t n, const char *gid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(gbs[i].g->id, gid) == 0)
			return &gbs[i];
	return NULL;
}

/* One bucket's part of a family chain: its CIDR set lookups of that family
 * inline (they decide most packets without a jump), then a jump to its chain
 * when it has ordinary rules of that family. */
static int bucket_rules(struct ir_chain *c, const struct group_buckets *gb, int prio, enum sg_policy pol,
			int fam)
{
	const struct bucket_info *bi = &gb->b[prio][pol];
	int w0 = fam == 6 ? CSET_COUNT / 2 : 0;
	struct ir_rule *r;

	for (int w = w0; w < w0 + CSET_COUNT / 2; w++) {
		struct ir_match *m;

		if (!bi->cset[w])
			continue;
		r = new_rule(c, pol == SG_POLICY_DROP ? IR_V_DROP : IR_V_ACCEPT, NULL);
		if (!r)
			return -ENOMEM;
		add_match(r, IR_M_NFPROTO, fam); /* for nft's listing: see inner_accept_rule() */
		m = ir_match_add(r, IR_M_TUPLE_SET);
		m->family = fam;
		name_cset(m->set, bi->key[w], gb->g->id, prio, pol);
	}
	if (!bi->plain[fam == 6])
		return 0;
	r = new_rule(c, IR_V_JUMP, NULL);
	if (!r)
		return -ENOMEM;
	name_bucket_chain(r->verdict.target, gb->g->id, prio, pol);
	return 0;
}

/* The decision for one family, in order: intra-group accepts, then every
 * bucket of the NIC's groups by priority, drop before accept.  A packet no
 * rule decides returns to nic-<eni> and its default drop. */
static int family_rules(struct ir_chain *c, const struct sg_model *m, const struct sg_nic *n,
			const struct group_buckets *const *mine, size_t nmine, int fam)
{
	static const enum sg_policy order[2] = { SG_POLICY_DROP, SG_POLICY_ACCEPT };
	int rc = 0;

	for (size_t i = 0; i < n->ngroups && i < SG_MAX_NIC_GROUPS_HARD && !rc; i++) {
		const struct sg_group *g = model_group(m, n->groups[i]);

		/* Accept beats user rules; Drop and enterprise groups isolate */
		if (g && g->type == SG_GROUP_NORMAL && g->inner_policy == SG_POLICY_ACCEPT)
			rc = inner_accept_rule(c, g, fam);
	}
	for (int prio = SG_PRIO_MIN; prio <= SG_PRIO_MAX && !rc; prio++)
		for (int o = 0; o < 2 && !rc; o++)
			for (size_t i = 0; i < nmine && !rc; i++)
				rc = bucket_rules(c, mine[i], prio, order[o], fam);
	return rc;
}

/* nic-<eni>-4 / -6 when it would hold rules, and the jump to it from the
 * chain t->chains[ci] (an index: adding a chain may move the array). */
static int family_chain(size_t ci, const struct sg_model *m, const struct sg_nic *n,
			const struct group_buckets *const *mine, size_t nmine, int fam, struct ir_table *t)
{
	char name[IR_NAME_LEN];
	struct ir_chain tmp = { 0 };
	struct ir_chain *fc;
	struct ir_rule *r;
	int rc;

	rc = family_rules(&tmp, m, n, mine, nmine, fam);
	if (rc || !tmp.nrules)
		goto out;
	rc = -ENOMEM;
	snprintf(name, sizeof(name), "nic-%s-%d", n->id, fam);
	r = new_rule(&t->chains[ci], IR_V_JUMP, NULL);
	if (!r)
		goto out;
	add_match(r, IR_M_NFPROTO, fam);
	snprintf(r->verdict.target, sizeof(r->verdict.target), "%s", name);
	fc = ir_chain_add(t, name, IR_HOOK_NONE);
	if (!fc)
		goto out;
	fc->rules = tmp.rules;
	fc->nrules = tmp.nrules;
	fc->caprules = tmp.caprules;
	tmp.rules = NULL;
	tmp.nrules = 0;
	rc = 0;
out:
	for (size_t i = 0; i < tmp.nrules; i++)
		free(tmp.rules[i].comment);
	free(tmp.rules);
	return rc;
}

static int nic_chain(const struct sg_model *m, const struct sg_nic *n, const struct group_buckets *gbs,
		     size_t ngbs, struct ir_table *t)
{
	const struct group_buckets *mine[SG_MAX_NIC_GROUPS_HARD];
	char name[IR_NAME_LEN];
	size_t nmine = 0, ci;
	struct ir_chain *c;
	struct ir_rule *r;
	int rc;

	for (size_t i = 0; i < n->ngroups && i < SG_MAX_NIC_GROUPS_HARD; i++) {
		const struct group_buckets *gb = find_gb(gbs, ngbs, n->groups[i]);

		if (gb)
			mine[nmine++] = gb;
	}
	snprintf(name, sizeof(name), "nic-%s", n->id);
	c = ir_chain_add(t, name, IR_HOOK_NONE);
	if (!c)
		return -ENOMEM;
	ci = (size_t)(c - t->chains);
	rc = ct_rule(c, IR_CT_ESTABLISHED | IR_CT_RELATED, IR_V_ACCEPT);
	if (!rc)
		rc = ct_rule(c, IR_CT_INVALID, IR_V_DROP);
	if (!rc)
		rc = platform_rules(c);
	for (int fam = 4; fam <= 6 && !rc; fam += 2)
		rc = family_chain(ci, m, n, mine, nmine, fam, t);
	if (rc)
		return rc;
	r = new_rule(&t->chains[ci], IR_V_DROP, "default drop");
	if (!r)
		return -ENOMEM;
	r->counter = true;
	return 0;
}

/* True when an earlier local NIC already claimed n's device. */
static bool device_taken(const struct sg_model *m, size_t idx)
{
	for (size_t i = 0; i < idx; i++)
		if (strcmp(m->nics[i].host_device, m->nics[idx].host_device) == 0)
			return true;
	return false;
}

int compile_nics(const struct sg_model *m, const struct group_buckets *gbs, size_t ngbs,
		 struct ir_table *t)
{
	struct ir_set *vmap = ir_set_add(t, "nics", IR_KEY_IFNAME);
	struct ir_chain *hook;
	struct ir_rule *r;

	if (!vmap)
		return -ENOMEM;
	for (size_t i = 0; i < m->nnics; i++) {
		const struct sg_nic *n = &m->nics[i];
		struct ir_elem *e;

		if (!n->host_device[0] || device_taken(m, i))
			continue;
		e = ir_elem_add(vmap);
		if (!e)
			return -ENOMEM;
		/* key: the name zero padded to IFNAMSIZ (e->f[0] is zeroed) */
		memcpy(e->f[0].lo, n->host_device, strnlen(n->host_device, SG_IFNAME_LEN));
		e->data.kind = IR_V_JUMP;
		snprintf(e->data.target, sizeof(e->data.target), "nic-%s", n->id);
	}
	hook = ir_chain_add(t, "dispatch", t->mode == IR_MODE_ROUTED ? IR_HOOK_FORWARD : IR_HOOK_INPUT);
	if (!hook)
		return -ENOMEM;
	r = ir_rule_add(hook);
	if (!r)
		return -ENOMEM;
	snprintf(ir_match_add(r, IR_M_IFNAME_VMAP)->set, IR_NAME_LEN, "nics");
	for (size_t i = 0; i < m->nnics; i++) {
		const struct sg_nic *n = &m->nics[i];
		int rc;

		if (!n->host_device[0] || device_taken(m, i))
			continue;
		rc = nic_chain(m, n, gbs, ngbs, t);
		if (rc)
			return rc;
	}
	return 0;
}
