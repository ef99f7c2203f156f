/* action.h - the API actions: validate a request against the model, apply it
 * (store + dataplane in one transaction), and answer.  Transport-free: api/
 * parses HTTP into struct sg_params and renders struct sg_reply. */
#ifndef SGD_ACTION_H
#define SGD_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "sgd/model.h"
#include "sgd/store.h"

/* Decoded request parameters ("Permissions.1.PortRange" = "22/22"), in
 * arrival order; a key given twice keeps its last value. */
struct sg_param {
	char *key;
	char *value;
};

struct sg_params {
	struct sg_param *v;
	size_t n, cap;
};

void sg_params_init(struct sg_params *p);
void sg_params_free(struct sg_params *p);
int sg_params_set(struct sg_params *p, const char *key, const char *value); /* copies */
const char *sg_param(const struct sg_params *p, const char *key);           /* NULL if absent */
const char *sg_paramf(const struct sg_params *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An account: AccessKeys belong to one (credentials file). */
struct sg_account {
	uint64_t id;
	char name[SG_ACCOUNT_LEN];
};

/* Who calls.  admin: the local administrator on the Unix socket, who may
 * touch every account's resources and acts as `account`. */
struct sg_caller {
	struct sg_account account;
	bool admin;
};

/* What an action answers.  On success code == NULL and body holds the
 * action's fields (api/ adds RequestId).  On error status/code/message. */
struct sg_reply {
	int status;
	const char *code;
	char message[512];
	json_t *body;
};

void sg_reply_init(struct sg_reply *r);
void sg_reply_free(struct sg_reply *r);
/* Sets an error; returns -1 so callers can `return sg_fail(...)`. */
int sg_fail(struct sg_reply *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The world an action acts on. */
struct sg_env {
	struct sg_model *model;
	struct sg_store *store;             /* NULL in pure unit tests */
	/* Make the dataplane follow the model (compile + diff + one kernel
	 * transaction).  0 or -errno; on error the kernel is unchanged.  NULL:
	 * no dataplane (unit tests). errmsg gets the kernel's complaint. */
	int (*sync)(void *ctx, const struct sg_model *m, char *errmsg, size_t len);
	void *sync_ctx;
	const char *region;                 /* served RegionId, "cn-hangzhou" */
	const struct sg_account *accounts;  /* known accounts (credentials) */
	size_t naccounts;
	/* Where read-only actions find the model: every committed mutation
	 * publishes a copy here.  NULL: reads use `model` (unit tests). */
	struct sg_snapshots *snaps;
	/* Host devices a NIC may be bound to: blank-separated glob patterns
	 * (config host_devices).  NULL: any name passes the pattern check. */
	const char *host_devices;
	unsigned token_ttl_s;               /* ClientToken answers kept this long; 0 = for ever */
	/* Set when the model could not be reloaded after a rollback: every
	 * change is refused (503) until a SIGHUP reload clears it. */
	bool broken;
};

/* Run one action.  Always fills r; returns 0 on success, -1 on error reply.
 * Mutations need the writers' lock held; sg_action_read() needs none. */
int sg_action_run(struct sg_env *env, const char *action, const struct sg_params *p,
		  const struct sg_caller *c, struct sg_reply *r);

/* Run a read-only action on the newest published snapshot (env->snaps),
 * without the writers' lock; with no snapshots, on env->model. */
int sg_action_read(struct sg_env *env, const char *action, const struct sg_params *p,
		   const struct sg_caller *c, struct sg_reply *r);

/* True when `action` names an implemented action. */
bool sg_action_known(const char *action);
/* True for the actions that only read (Describe*): they may run on a model
 * snapshot without the writers' lock. */
bool sg_action_read_only(const char *action);

#endif
