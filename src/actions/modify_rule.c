/* modify_rule.c - ModifySecurityGroupRule: change fields of one inbound rule
 * in place (same id).  The rule's current fields are the defaults; a source
 * or destination given in the request replaces the old one whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permission.h"

static const char *const source_fields[] = { "SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId",
	"SourcePrefixListId", "SourceGroupOwnerId", "SourceGroupOwnerAccount", NULL };
static const char *const dest_fields[] = { "DestCidrIp", "Ipv6DestCidrIp", NULL };
static const char *const port_fields[] = { "PortRange", "PortRangeListId", NULL };

static bool given(const struct sg_params *p, const char *const *fields)
{
	for (int i = 0; fields[i]; i++) {
		const char *v = sg_param(p, fields[i]);
		if (v && *v)
			return true;
	}
	return false;
}

/* base (the rule as parameters) with the group's fields replaced by the request's. */
static int overlay(struct sg_params *base, const struct sg_params *p, const char *const *fields)
{
	if (!given(p, fields))
		return 0;
	for (int i = 0; fields[i]; i++)
		sg_params_set(base, fields[i], "");
	for (int i = 0; fields[i]; i++) {
		const char *v = sg_param(p, fields[i]);
		if (v && *v && sg_params_set(base, fields[i], v))
			return -1;
	}
	return 0;
}

static int merged_params(const struct sg_rule *old, const struct sg_params *p, struct sg_params *out)
{
	static const char *const single[] = { "Policy", "Priority", "IpProtocol", "SourcePortRange",
		"NicType", "Description", NULL };
	if (sg_perm_to_params(old, out))
		return -1;
	for (int i = 0; single[i]; i++) {
		const char *v = sg_param(p, single[i]);
		if (v && sg_params_set(out, single[i], v))
			return -1;
	}
	if (overlay(out, p, source_fields) || overlay(out, p, dest_fields) || overlay(out, p, port_fields))
		return -1;
	return 0;
}

SG_ACTION(act_ModifySecurityGroupRule)
{
	if (sg_check_region(env, p, r))
		return -1;
	struct sg_group *g = sg_need_group_param(env, p, c, r);
	if (!g)
		return -1;
	const char *rid = sg_need(p, "SecurityGroupRuleId", r);
	if (!rid)
		return -1;
	struct sg_rule *old = sg_rule_find(g, rid);
	if (!old)
		return sg_fail(r, 404, "InvalidSecurityGroupRuleId.NotFound",
			       "The specified SecurityGroupRuleId %s does not exist in %s.", rid, g->id);
	if (sg_token_replay(env, p, c, "ModifySecurityGroupRule", r))
		return r->code ? -1 : 0;

	struct sg_params merged;
	sg_params_init(&merged);
	struct sg_rule nr;
	if (merged_params(old, p, &merged)) {
		sg_params_free(&merged);
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	}
	int rc = sg_perm_parse(env, &merged, "", c, g, &nr, r);
	sg_params_free(&merged);
	if (rc)
		return -1;
	for (size_t i = 0; i < g->nrules; i++)
		if (&g->rules[i] != old && sg_rule_same(&g->rules[i], &nr)) {
			sg_rule_free(&nr);
			return sg_fail(r, 400, "InvalidParam.DuplicatePermissions",
				       "The modified rule would be the same as rule %s.", g->rules[i].id);
		}
	if (sg_rule_quotas(env, g, old, &nr, 1, r)) {
		sg_rule_free(&nr);
		return -1;
	}
	/* Keep identity, order and creation time. */
	memcpy(nr.id, old->id, sizeof(nr.id));
	nr.seq = old->seq;
	memcpy(nr.create_time, old->create_time, sizeof(nr.create_time));
	sg_json_body(r);
	if (sg_tx_begin(env, r)) {
		sg_rule_free(&nr);
		return -1;
	}
	sg_rule_free(old);
	*old = nr;
	rc = sg_tx_check(env->store ? sg_store_put_rule(env->store, g->id, old) : 0, r);
	if (!rc)
		rc = sg_token_save(env, p, c, "ModifySecurityGroupRule", r);
	if (rc) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
}
