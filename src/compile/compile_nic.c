/* compile_nic.c - dispatch map, base chain and one chain per local NIC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"
#include "ir_internal.h"

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

/* Platform traffic a cloud vSwitch always delivers (GUIDE.md s.4). */
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

static int inner_accept_rules(struct ir_chain *c, const struct sg_group *g)
{
	char comment[IR_NAME_LEN + 16];

	snprintf(comment, sizeof(comment), "inner accept %s", g->id);
	for (int fam = 4; fam <= 6; fam += 2) {
		struct ir_rule *r = new_rule(c, IR_V_ACCEPT, comment);
		struct ir_match *m;

		if (!r)
			return -ENOMEM;
		add_match(r, IR_M_NFPROTO, fam);
		m = ir_match_add(r, IR_M_SADDR_SET);
		m->family = fam;
		name_members(m->set, g->id, fam);
	}
	return 0;
}

static const struct group_buckets *find_gb(const struct group_buckets *gbs, size_t n, const char *gid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(gbs[i].g->id, gid) == 0)
			return &gbs[i];
	return NULL;
}

static int jump_rules(struct ir_chain *c, const struct sg_nic *n, const struct group_buckets *gbs,
		      size_t ngbs)
{
	const struct group_buckets *mine[SG_MAX_NIC_GROUPS_HARD];
	size_t nmine = 0;

	for (size_t i = 0; i < n->ngroups && i < SG_MAX_NIC_GROUPS_HARD; i++) {
		const struct group_buckets *gb = find_gb(gbs, ngbs, n->groups[i]);

		if (gb)
			mine[nmine++] = gb;
	}
	for (int prio = SG_PRIO_MIN; prio <= SG_PRIO_MAX; prio++) {
		static const enum sg_policy order[2] = { SG_POLICY_DROP, SG_POLICY_ACCEPT };

		for (int o = 0; o < 2; o++) {
			for (size_t i = 0; i < nmine; i++) {
				struct ir_rule *r;

				if (!mine[i]->used[prio][order[o]])
					continue;
				r = new_rule(c, IR_V_JUMP, NULL);
				if (!r)
					return -ENOMEM;
				name_bucket_chain(r->verdict.target, mine[i]->g->id, prio, order[o]);
			}
		}
	}
	return 0;
}

static int nic_chain(const struct sg_model *m, const struct sg_nic *n, const struct group_buckets *gbs,
		     size_t ngbs, struct ir_table *t)
{
	char name[IR_NAME_LEN];
	struct ir_chain *c;
	struct ir_rule *r;
	int rc;

	snprintf(name, sizeof(name), "nic-%s", n->id);
	c = ir_chain_add(t, name, IR_HOOK_NONE);
	if (!c)
		return -ENOMEM;
	rc = ct_rule(c, IR_CT_ESTABLISHED | IR_CT_RELATED, IR_V_ACCEPT);
	if (!rc)
		rc = ct_rule(c, IR_CT_INVALID, IR_V_DROP);
	if (!rc)
		rc = platform_rules(c);
	for (size_t i = 0; i < n->ngroups && i < SG_MAX_NIC_GROUPS_HARD && !rc; i++) {
		const struct sg_group *g = model_group(m, n->groups[i]);

		/* Accept beats user rules; Drop and enterprise groups isolate */
		if (g && g->type == SG_GROUP_NORMAL && g->inner_policy == SG_POLICY_ACCEPT)
			rc = inner_accept_rules(c, g);
	}
	if (!rc)
		rc = jump_rules(c, n, gbs, ngbs);
	if (rc)
		return rc;
	r = new_rule(c, IR_V_DROP, "default drop");
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
