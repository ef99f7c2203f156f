/* internal.h - helpers shared by the action files (one file per family). */
#ifndef SGD_ACTIONS_INTERNAL_H
#define SGD_ACTIONS_INTERNAL_H

#include "sgd/action.h"

typedef int (*sg_action_fn)(struct sg_env *env, const struct sg_params *p,
			    const struct sg_caller *c, struct sg_reply *r);

/* Every action family file exports its handlers; action.c holds the table.
 * A handler is named act_<Action>: SG_ACTION(act_AuthorizeSecurityGroup). */
#define SG_ACTION(fn) int fn(struct sg_env *env, const struct sg_params *p, \
			     const struct sg_caller *c, struct sg_reply *r)

/* ---- mutations: open a transaction, change store + model, then
 * sg_tx_commit() makes the dataplane follow and commits, or rolls back the
 * store and reloads the model from it (the store is the truth). ---- */
int sg_tx_begin(struct sg_env *env, struct sg_reply *r);  /* 0 or error reply */
/* Sync dataplane, then COMMIT.  On failure: ROLLBACK, reload model, error
 * reply (500 InternalError with the kernel's message) and -1. */
int sg_tx_commit(struct sg_env *env, struct sg_reply *r);
/* After any failure between sg_tx_begin() and sg_tx_commit(): ROLLBACK and
 * reload the model from the store. */
void sg_tx_abort(struct sg_env *env);
/* Store write helper: on failure sets 500 InternalError and returns -1. */
int sg_tx_check(int rc, struct sg_reply *r);

/* ---- common request checks; each returns 0 or fills r and returns -1 ---- */
/* RegionId must be present (400 MissingParameter) and equal env->region
 * (404 InvalidRegionId.NotFound). */
int sg_check_region(const struct sg_env *env, const struct sg_params *p, struct sg_reply *r);
/* Looks up a group the caller may touch: 404 InvalidSecurityGroupId.NotFound
 * when absent, 401 InvalidOperation.SecurityGroupNotAuthorized when another
 * account's.  id is not checked for form (sg_need_group_param() does). */
struct sg_group *sg_need_group(struct sg_env *env, const char *id, const struct sg_caller *c,
			       struct sg_reply *r);
/* The SecurityGroupId parameter: required (400 MissingParameter), well-formed
 * (400 InvalidSecurityGroupId.Malformed), existing and owned (sg_need_group()). */
struct sg_group *sg_need_group_param(struct sg_env *env, const struct sg_params *p,
				     const struct sg_caller *c, struct sg_reply *r);
/* Ownership: the admin owns all. */
bool sg_owns(const struct sg_caller *c, uint64_t owner_id);
/* Required parameter: 400 MissingParameter (the message names it) when
 * absent or empty. */
const char *sg_need(const struct sg_params *p, const char *name, struct sg_reply *r);

/* ---- JSON answer helpers ---- */
json_t *sg_json_body(struct sg_reply *r); /* r->body, created on first use */

/* ---- ClientToken: answer a repeated token with its first answer ---- */
/* Returns 1 when r holds the answer: the stored one, or an error (a malformed
 * token: 400 InvalidClientToken.Malformed; the same token with other
 * parameters: 400 IdempotentParameterMismatch).  0 when the call must run. */
int sg_token_replay(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
		    const char *action, struct sg_reply *r);
/* Within the open transaction, remember r's answer for the token (if any). */
int sg_token_save(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
		  const char *action, struct sg_reply *r);

#endif
