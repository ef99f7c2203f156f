/* revoke.c - RevokeSecurityGroup: delete inbound rules by SecurityGroupRuleId.N
 * (an unknown id fails the call) or by their fields (no match is a success
 * that deletes nothing), in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permission.h"

/* Mark the rules named by SecurityGroupRuleId.N; -1 with a reply if unknown. */
static int mark_by_id(const struct sg_params *p, const struct sg_group *g, bool *del, bool *any,
		      struct sg_reply *r)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strncmp(p->v[i].key, "SecurityGroupRuleId.", 20) != 0)
			continue;
		*any = true;
		const struct sg_rule *rule = sg_rule_find(g, p->v[i].value);
		if (!rule)
			return sg_fail(r, 400, "InvalidParam.SecurityGroupRuleId",
				       "The specified parameter %s is not valid: rule %s does not exist in %s.",
				       p->v[i].key, p->v[i].value, g->id);
		del[rule - g->rules] = true;
	}
	return 0;
}

static int mark_by_fields(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			  const struct sg_group *g, bool *del, struct sg_reply *r)
{
	char **prefixes = NULL;
	size_t n = 0;
	if (sg_perm_prefixes(env, p, &prefixes, &n, r))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		struct sg_rule rule;
		if ((rc = sg_perm_parse(env, p, prefixes[i], c, g, &rule, r)))
			break;
		const struct sg_rule *found = sg_rule_find_same(g, &rule);
		if (found)
			del[found - g->rules] = true;
		sg_rule_free(&rule);
	}
	sg_perm_prefixes_free(prefixes, n);
	return rc;
}

SG_ACTION(act_RevokeSecurityGroup)
{
	if (sg_check_region(env, p, r))
		return -1;
	struct sg_group *g = sg_need_group_param(env, p, c, r);
	if (!g)
		return -1;
	if (sg_token_replay(env, p, c, "RevokeSecurityGroup", r))
		return r->code ? -1 : 0;
	bool *del = calloc(g->nrules + 1, sizeof(*del));
	if (!del)
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	bool by_id = false;
	int rc = mark_by_id(p, g, del, &by_id, r);
	if (!rc && !by_id)
		rc = mark_by_fields(env, p, c, g, del, r);
	if (rc) {
		free(del);
		return -1;
	}
	sg_json_body(r);
	if (sg_tx_begin(env, r)) {
		free(del);
		return -1;
	}
	/* Delete from the back so indexes stay valid. */
	for (size_t i = g->nrules; i-- > 0 && !rc;) {
		if (!del[i])
			continue;
		rc = sg_tx_check(env->store ? sg_store_del_rule(env->store, g->rules[i].id) : 0, r);
		if (!rc)
			sg_rule_del(g, &g->rules[i]);
	}
	free(del);
	if (!rc)
		rc = sg_token_save(env, p, c, "RevokeSecurityGroup", r);
	if (rc) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
}
