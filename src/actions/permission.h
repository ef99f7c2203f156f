/* permission.h - one inbound permission, from request parameters to a
 * validated struct sg_rule (AuthorizeSecurityGroup's contract). */
#ifndef SGD_ACTIONS_PERMISSION_H
#define SGD_ACTIONS_PERMISSION_H

#include "internal.h"

/* Rule fields that make the deprecated top-level form. */
extern const char *const sg_perm_fields[];

/* Collect the request's permissions: the N of every "Permissions.N.*" key,
 * ascending, or one empty prefix for the deprecated top-level form.
 * Checks the forms are not mixed and the count quota.  On success *prefixes
 * is a malloc'd array of *n malloc'd strings ("Permissions.3." or ""). */
int sg_perm_prefixes(const struct sg_env *env, const struct sg_params *p, char ***prefixes,
		     size_t *n, struct sg_reply *r);
void sg_perm_prefixes_free(char **prefixes, size_t n);

/* Parse and validate the permission under `prefix` for group g.  Resolves
 * prefix lists, port lists and source groups against the model.  out gets
 * a rule without id/seq/create_time (description malloc'd). */
int sg_perm_parse(struct sg_env *env, const struct sg_params *p, const char *prefix,
		  const struct sg_caller *c, const struct sg_group *g, struct sg_rule *out,
		  struct sg_reply *r);

/* Quotas (quota.c): adding the nadd rules `add` to g, after removing `old`
 * (ModifySecurityGroupRule) when not NULL, must keep rules per group,
 * group-sourced rules per group and rules per NIC within env's quota.  Only
 * growth is refused.  0, or -1 with the spec's error in r. */
int sg_rule_quotas(const struct sg_env *env, const struct sg_group *g, const struct sg_rule *old,
		   const struct sg_rule *add, size_t nadd, struct sg_reply *r);

/* The parameters that describe rule r, as the deprecated top-level form
 * would give them (used by ModifySecurityGroupRule to start from a rule). */
int sg_perm_to_params(const struct sg_rule *r, struct sg_params *out);

#endif
