/* quota.c - the rule quotas every rule change must keep (docs/semantics.md, Quotas): rules
 * per group, group-sourced rules per basic group, and rules over all groups of
 * one interface, where a port-list rule costs the list's MaxEntries.  Shared by
 * AuthorizeSecurityGroup (adds) and ModifySecurityGroupRule (replaces one). */
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
