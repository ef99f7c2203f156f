/* quota.c - the rule quotas every rule change must keep (docs/semantics.md, Quotas): rules
 * per group, group-sourced rules per basic group, and rules over all groups of
 * one interface, where a port-list rule costs the list's MaxEntries.  Shared by
 * AuthorizeSecurityGroup (adds) and ModifySecurityGroupRule (replaces one).
 * Also the objects one account may own (groups, interfaces, prefix lists, port
 * lists), which every Create* action checks. */
#include "permission.h"

static size_t group_sourced(const struct sg_group *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->nrules; i++)
		n += g->rules[i].src_kind == SG_SRC_GROUP;
	return n;
}

static size_t rule_cost(const struct sg_model *m, const struct sg_rule *rule)
{
	const struct sg_port_list *prl = rule->port_list_id[0] ? sg_prl_find(m, rule->port_list_id) : NULL;
	return prl ? prl->max_entries : 1;
}

int sg_rule_quotas(const struct sg_env *env, const struct sg_group *g, const struct sg_rule *old,
		   const struct sg_rule *add, size_t nadd, struct sg_reply *r)
{
	const struct sg_quota *q = &env->model->quota;
	size_t cost = 0, groups = 0, old_cost = old ? rule_cost(env->model, old) : 0;
	size_t old_groups = old && old->src_kind == SG_SRC_GROUP;
	for (size_t i = 0; i < nadd; i++) {
		cost += rule_cost(env->model, &add[i]);
		groups += add[i].src_kind == SG_SRC_GROUP;
	}
	/* Only growth is refused: a change that costs no more always passes. */
	size_t rules = g->nrules + nadd - (old ? 1 : 0);
	if (nadd > (old ? 1u : 0u) && rules > q->rules_per_group)
		return sg_fail(r, 403, "AuthorizationLimitExceed",
			       "The limit of authorization records in the security group reaches: %zu rules, at most %u.",
			       rules, q->rules_per_group);
	if (groups > old_groups && group_sourced(g) + groups - old_groups > q->group_rules_per_group)
		return sg_fail(r, 400, "AuthorizedGroupRule.LimitExceed",
			       "You have reached the limit on the number of group authorization rules that you can add to a security group.When authorization object of rule is security group, the limit is %u.",
			       q->group_rules_per_group);
	if (cost <= old_cost)
		return 0;
	for (size_t i = 0; i < env->model->nnics; i++) {
		const struct sg_nic *n = &env->model->nics[i];
		if (!sg_nic_in_group(n, g->id))
			continue;
		size_t have = sg_nic_rule_count(env->model, n) - old_cost;
		if (have + cost > q->rules_per_nic)
			return sg_fail(r, 403, "AuthorizationLimitExceed",
				       "The limit of authorization records in the security group reaches: network interface %s would have %zu rules over its groups, at most %u.",
				       n->id, have + cost, q->rules_per_nic);
	}
	return 0;
}

/* ---- objects per account ---- */

static size_t owned_by(const struct sg_model *m, enum sg_owned k, uint64_t account)
{
	size_t n = 0;
	switch (k) {
	case SG_OWNED_GROUP:
		for (size_t i = 0; i < m->ngroups; i++)
			n += m->groups[i].owner_id == account;
		break;
	case SG_OWNED_NIC:
		for (size_t i = 0; i < m->nnics; i++)
			n += m->nics[i].owner_id == account;
		break;
	case SG_OWNED_PREFIX_LIST:
		for (size_t i = 0; i < m->npls; i++)
			n += m->pls[i].owner_id == account;
		break;
	case SG_OWNED_PORT_LIST:
		for (size_t i = 0; i < m->nprls; i++)
			n += m->prls[i].owner_id == account;
		break;
	}
	return n;
}

int sg_account_quota(const struct sg_env *env, const struct sg_caller *c, enum sg_owned k,
		     struct sg_reply *r)
{
	static const struct {
		const char *code, *noun;
	} kinds[] = {
		[SG_OWNED_GROUP] = { "QuotaExceed.SecurityGroup", "security groups" },
		[SG_OWNED_NIC] = { "QuotaExceeded.Eni", "network interfaces" },
		[SG_OWNED_PREFIX_LIST] = { "QuotaExceed.PrefixList", "prefix lists" },
		[SG_OWNED_PORT_LIST] = { "QuotaExceed.PortRangeList", "port range lists" },
	};
	const struct sg_quota *q = &env->model->quota;
	const uint32_t max[] = {
		[SG_OWNED_GROUP] = q->groups_per_account,
		[SG_OWNED_NIC] = q->nics_per_account,
		[SG_OWNED_PREFIX_LIST] = q->prefix_lists_per_account,
		[SG_OWNED_PORT_LIST] = q->port_lists_per_account,
	};
	if (c->admin)
		return 0;
	if (owned_by(env->model, k, c->account.id) >= max[k])
		return sg_fail(r, 403, kinds[k].code,
			       "The maximum number of %s is reached: an account may own at most %u.",
			       kinds[k].noun, max[k]);
	return 0;
}
