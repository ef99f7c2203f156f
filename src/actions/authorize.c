/* authorize.c - AuthorizeSecurityGroup: add inbound rules.  All permissions
 * of a call are validated first; then the new ones are written in one
 * transaction (store + one kernel batch).  A rule that exists already is a
 * success that adds nothing. */
#include <stdlib.h>
#include <string.h>

#include "permission.h"

static void free_rules(struct sg_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sg_rule_free(&v[i]);
	free(v);
}

/* Parse every permission; keep the new ones (not already in g) in *out. */
static int collect(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
		   const struct sg_group *g, struct sg_rule **out, size_t *nout, struct sg_reply *r)
{
	char **prefixes = NULL;
	size_t n = 0, k = 0;
	if (sg_perm_prefixes(env, p, &prefixes, &n, r))
		return -1;
	struct sg_rule *v = calloc(n, sizeof(*v));
	int rc = v ? 0 : sg_fail(r, 500, "InternalError", "Out of memory.");
	for (size_t i = 0; i < n && !rc; i++) {
		struct sg_rule rule;
		if ((rc = sg_perm_parse(env, p, prefixes[i], c, g, &rule, r)))
			break;
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = sg_rule_same(&v[j], &rule);
		if (dup) {
			sg_rule_free(&rule);
			rc = sg_fail(r, 400, "InvalidParam.DuplicatePermissions",
				     "There are duplicate permissions in the specified parameter Permissions.");
			break;
		}
		v[k++] = rule;
	}
	sg_perm_prefixes_free(prefixes, n);
	if (rc) {
		free_rules(v, k);
		return -1;
	}
	/* Drop the ones that exist already: success, nothing added. */
	size_t w = 0;
	for (size_t i = 0; i < k; i++) {
		if (sg_rule_find_same(g, &v[i]))
			sg_rule_free(&v[i]);
		else
			v[w++] = v[i];
	}
	*out = v;
	*nout = w;
	return 0;
}

SG_ACTION(act_AuthorizeSecurityGroup)
{
	if (sg_check_region(env, p, r))
		return -1;
	struct sg_group *g = sg_need_group_param(env, p, c, r);
	if (!g)
		return -1;
	if (sg_token_replay(env, p, c, "AuthorizeSecurityGroup", r))
		return r->code ? -1 : 0;

	struct sg_rule *add = NULL;
	size_t nadd = 0;
	if (collect(env, p, c, g, &add, &nadd, r))
		return -1;
	if (sg_rule_quotas(env, g, NULL, add, nadd, r)) {
		free_rules(add, nadd);
		return -1;
	}
	sg_json_body(r);
	if (sg_tx_begin(env, r)) {
		free_rules(add, nadd);
		return -1;
	}
	char gid[SG_ID_LEN];
	memcpy(gid, g->id, sizeof(gid));
	int rc = 0;
	size_t i = 0;
	for (; i < nadd && !rc; i++) {
		sg_id_new("sgr-", add[i].id, sizeof(add[i].id));
		sg_time_now(add[i].create_time, sizeof(add[i].create_time));
		struct sg_rule *stored = sg_rule_add(env->model, g, &add[i]); /* takes description */
		if (!stored) {
			rc = sg_fail(r, 500, "InternalError", "Out of memory.");
			break;
		}
		add[i].description = NULL;
		rc = sg_tx_check(env->store ? sg_store_put_rule(env->store, gid, stored) : 0, r);
	}
	free_rules(add, nadd);
	if (!rc)
		rc = sg_token_save(env, p, c, "AuthorizeSecurityGroup", r);
	if (rc) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
}
