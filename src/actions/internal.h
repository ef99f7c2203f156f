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

/* ---- host devices (host_device.c): which Linux device a NIC may name ---- */
/* A Linux interface name (dev_valid_name): 1-15 bytes, no '/', ':' or
 * blank, not "." or "..".  The device need not exist. */
bool sg_ifname_ok(const char *s);
/* dev matches one of the blank-separated fnmatch(3) patterns; NULL
 * patterns: every name does. */
bool sg_host_device_listed(const char *patterns, const char *dev);
/* The devices of the default routes in /proc/net/route (IPv4) and
 * /proc/net/ipv6_route (IPv6) text, appended to devs[n..max) without
 * duplicates; returns the new count.  Reject routes (no device) are skipped. */
size_t sg_default_route_devs4(const char *text, char (*devs)[SG_IFNAME_LEN], size_t n, size_t max);
size_t sg_default_route_devs6(const char *text, char (*devs)[SG_IFNAME_LEN], size_t n, size_t max);
/* The default-route devices of sgd's network namespace now (both
 * families): their count, or -errno when the routing table cannot be read. */
int sg_default_route_devs(char (*devs)[SG_IFNAME_LEN], size_t max);
/* Tests: read these files instead of /proc/net/route and
 * /proc/net/ipv6_route (NULL: the /proc file). */
void sg_host_device_route_files(const char *route4, const char *route6);
/* May a NIC be bound to dev, whoever asks: a valid name (400
 * InvalidHostDevice.Malformed), not lo and not a default-route device, and
 * listed in env->host_devices (403 InvalidHostDevice.NotAllowed). */
int sg_host_device_allowed(const struct sg_env *env, const char *dev, struct sg_reply *r);

/* ---- tenancy: what one account may create ---- */
/* A VPC belongs to the account owning its earliest group or NIC (by
 * CreationTime).  A caller other than the local administrator may create
 * in a VPC nobody uses or in its own; another account's VPC answers
 * 404 InvalidVpcId.NotFound.  "" (classic) belongs to nobody (nic.c). */
int sg_vpc_check(const struct sg_env *env, const struct sg_caller *c, const char *vpc,
		 struct sg_reply *r);

/* Objects an account owns, each kind with its per-account quota (quota.c). */
enum sg_owned { SG_OWNED_GROUP, SG_OWNED_NIC, SG_OWNED_PREFIX_LIST, SG_OWNED_PORT_LIST };
/* One more object of kind k for c's account must stay within
 * quota.*_per_account: 403 QuotaExceed.SecurityGroup, QuotaExceeded.Eni,
 * QuotaExceed.PrefixList or QuotaExceed.PortRangeList.  The local
 * administrator is not limited. */
int sg_account_quota(const struct sg_env *env, const struct sg_caller *c, enum sg_owned k,
		     struct sg_reply *r);

#endif
