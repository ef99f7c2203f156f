/* action.c - the action table and the pieces every action shares: the
 * mutation transaction, region and ownership checks, replies. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"

struct action_entry {
	const char *name;
	sg_action_fn fn;
	bool read_only; /* answers from a model snapshot, never writes */
};

static const struct action_entry actions[] = {
	{ "CreateSecurityGroup", act_CreateSecurityGroup, false },
	{ "DeleteSecurityGroup", act_DeleteSecurityGroup, false },
	{ "DescribeSecurityGroups", act_DescribeSecurityGroups, true },
	{ "DescribeSecurityGroupAttribute", act_DescribeSecurityGroupAttribute, true },
	{ "ModifySecurityGroupPolicy", act_ModifySecurityGroupPolicy, false },
	{ "AuthorizeSecurityGroup", act_AuthorizeSecurityGroup, false },
	{ "RevokeSecurityGroup", act_RevokeSecurityGroup, false },
	{ "ModifySecurityGroupRule", act_ModifySecurityGroupRule, false },
	{ "CreatePrefixList", act_CreatePrefixList, false },
	{ "ModifyPrefixList", act_ModifyPrefixList, false },
	{ "DeletePrefixList", act_DeletePrefixList, false },
	{ "DescribePrefixLists", act_DescribePrefixLists, true },
	{ "DescribePrefixListAttributes", act_DescribePrefixListAttributes, true },
	{ "CreatePortRangeList", act_CreatePortRangeList, false },
	{ "ModifyPortRangeList", act_ModifyPortRangeList, false },
	{ "DeletePortRangeList", act_DeletePortRangeList, false },
	{ "DescribePortRangeLists", act_DescribePortRangeLists, true },
	{ "CreateNetworkInterface", act_CreateNetworkInterface, false },
	{ "DeleteNetworkInterface", act_DeleteNetworkInterface, false },
	{ "DescribeNetworkInterfaces", act_DescribeNetworkInterfaces, true },
	{ "JoinSecurityGroup", act_JoinSecurityGroup, false },
	{ "LeaveSecurityGroup", act_LeaveSecurityGroup, false },
	{ "ModifyNetworkInterfaceAttribute", act_ModifyNetworkInterfaceAttribute, false },
};

static const struct action_entry *action_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

bool sg_action_known(const char *action) { return action_find(action) != NULL; }

bool sg_action_read_only(const char *action)
{
	const struct action_entry *a = action_find(action);
	return a && a->read_only;
}

int sg_action_run(struct sg_env *env, const char *action, const struct sg_params *p,
		  const struct sg_caller *c, struct sg_reply *r)
{
	const struct action_entry *a = action_find(action);
	if (!a)
		return sg_fail(r, 404, "InvalidAction.NotFound",
			       "Specified api is not found, please check your url and method.");
	int rc = a->fn(env, p, c, r);
	if (rc == 0 && r->code)
		rc = -1;
	return rc;
}

int sg_action_read(struct sg_env *env, const char *action, const struct sg_params *p,
		   const struct sg_caller *c, struct sg_reply *r)
{
	struct sg_snapshot *ref = NULL;
	struct sg_env view = *env;
	if (env->snaps) {
		view.model = (struct sg_model *)sg_snapshots_get(env->snaps, &ref);
		view.store = NULL; /* a reader never writes */
		if (!view.model)
			return sg_fail(r, 503, "ServiceUnavailable",
				       "The request has failed due to a temporary failure of the server.");
	}
	int rc = sg_action_run(&view, action, p, c, r);
	sg_snapshots_put(env->snaps, ref);
	return rc;
}

/* ---- replies ---- */

void sg_reply_init(struct sg_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
}

void sg_reply_free(struct sg_reply *r)
{
	if (r->body)
		json_decref(r->body);
	r->body = NULL;
}

int sg_fail(struct sg_reply *r, int status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	/* Messages may echo input, and may have been cut: keep them UTF-8. */
	sg_utf8_repair(r->message);
	r->status = status;
	r->code = code;
	if (r->body) {
		json_decref(r->body);
		r->body = NULL;
	}
	return -1;
}

json_t *sg_json_body(struct sg_reply *r)
{
	if (!r->body)
		r->body = json_object();
	return r->body;
}

/* ---- common checks ---- */

const char *sg_need(const struct sg_params *p, const char *name, struct sg_reply *r)
{
	const char *v = sg_param(p, name);
	if (!v || !*v) {
		sg_fail(r, 400, "MissingParameter",
			"The input parameter \"%s\" that is mandatory for processing this request is not supplied.",
			name);
		return NULL;
	}
	return v;
}

int sg_check_region(const struct sg_env *env, const struct sg_params *p, struct sg_reply *r)
{
	const char *region = sg_need(p, "RegionId", r);
	if (!region)
		return -1;
	if (strcmp(region, env->region) != 0)
		return sg_fail(r, 404, "InvalidRegionId.NotFound",
			       "The specified RegionId does not exist: this endpoint serves %s.", env->region);
	return 0;
}

bool sg_owns(const struct sg_caller *c, uint64_t owner_id)
{
	return c->admin || c->account.id == owner_id;
}

struct sg_group *sg_need_group(struct sg_env *env, const char *id, const struct sg_caller *c,
			       struct sg_reply *r)
{
	struct sg_group *g = sg_group_find(env->model, id);
	if (!g) {
		sg_fail(r, 404, "InvalidSecurityGroupId.NotFound",
			"The specified SecurityGroupId does not exist.");
		return NULL;
	}
	if (!sg_owns(c, g->owner_id)) {
		sg_fail(r, 401, "InvalidOperation.SecurityGroupNotAuthorized",
			"The specified security group is not authorized to operate.");
		return NULL;
	}
	return g;
}

/* "sg-" followed by letters, digits and '-'/'_'. */
static bool group_id_ok(const char *id)
{
	if (strncmp(id, "sg-", 3) != 0 || strlen(id) >= SG_ID_LEN || !id[3])
		return false;
	for (const char *s = id + 3; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

struct sg_group *sg_need_group_param(struct sg_env *env, const struct sg_params *p,
				     const struct sg_caller *c, struct sg_reply *r)
{
	const char *id = sg_need(p, "SecurityGroupId", r);
	if (!id)
		return NULL;
	if (!group_id_ok(id)) {
		sg_fail(r, 400, "InvalidSecurityGroupId.Malformed",
			"The specified parameter SecurityGroupId is not valid.");
		return NULL;
	}
	return sg_need_group(env, id, c, r);
}

/* ---- transactions ---- */

int sg_tx_begin(struct sg_env *env, struct sg_reply *r)
{
	if (env->broken)
		return sg_fail(r, 503, "ServiceUnavailable",
			       "The request has failed due to a temporary failure of the server: sgd could not "
			       "reload its state after a failed change; an operator must fix state.db and send SIGHUP.");
	if (env->store && sg_store_begin(env->store))
		return sg_fail(r, 500, "InternalError",
			       "The request processing has failed due to some unknown error (store).");
	return 0;
}

/* The store is the truth: after a rollback, rebuild the model from it.
 * When that fails the model still holds the aborted change: sgd refuses
 * every change from then on (the kernel and the read snapshot keep the
 * last committed state) until a SIGHUP reload succeeds.  false then. */
static bool reload_model(struct sg_env *env)
{
	if (!env->store)
		return true;
	int rc = sg_store_reload(env->store, env->model);
	if (rc) {
		env->broken = true;
		fprintf(stderr, "sgd: reloading the model after a rollback failed (%s): refusing changes "
			"until a SIGHUP reload succeeds\n", strerror(-rc));
	}
	return rc == 0;
}

void sg_tx_abort(struct sg_env *env)
{
	if (env->store) {
		sg_store_rollback(env->store);
		reload_model(env);
	}
}

int sg_tx_check(int rc, struct sg_reply *r)
{
	if (rc)
		return sg_fail(r, 500, "InternalError",
			       "The request processing has failed due to some unknown error (store: %s).",
			       strerror(rc < 0 ? -rc : rc));
	return 0;
}

int sg_tx_commit(struct sg_env *env, struct sg_reply *r)
{
	char err[256] = "";
	if (env->sync) {
		int rc = env->sync(env->sync_ctx, env->model, err, sizeof(err));
		if (rc) {
			sg_tx_abort(env); /* the kernel refused the whole batch: it is unchanged */
			return sg_fail(r, 500, "InternalError",
				       "The request processing has failed due to some unknown error: the kernel refused the ruleset change (%s).",
				       err[0] ? err : strerror(-rc));
		}
	}
	if (env->store && sg_store_commit(env->store)) {
		/* The kernel already follows the new model: bring it back
		 * (not to a model that failed to reload: a SIGHUP will). */
		sg_tx_abort(env);
		if (env->sync && !env->broken)
			env->sync(env->sync_ctx, env->model, NULL, 0);
		return sg_fail(r, 500, "InternalError",
			       "The request processing has failed due to some unknown error (store commit).");
	}
	/* Readers see the change from now on (read-your-writes). */
	if (env->snaps && sg_snapshots_publish(env->snaps, env->model))
		fprintf(stderr, "sgd: out of memory publishing the read snapshot: reads lag until the next change\n");
	return 0;
}
