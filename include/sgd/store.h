/* store.h - durable state in SQLite (WAL, synchronous=FULL).  The database is
 * the truth; the kernel ruleset is derived from it.  A mutation is
 * sg_store_begin(), puts/dels, then sg_store_commit() or sg_store_rollback(). */
#ifndef SGD_STORE_H
#define SGD_STORE_H

#include "sgd/model.h"

struct sg_store;

/* Open (creating if needed) DIR/state.db.  0 or -errno. */
int sg_store_open(const char *dir, struct sg_store **out);
void sg_store_close(struct sg_store *st);

/* Load everything into an initialised, empty model. 0 or -errno. */
int sg_store_load(struct sg_store *st, struct sg_model *m);

int sg_store_begin(struct sg_store *st);
int sg_store_commit(struct sg_store *st);
int sg_store_rollback(struct sg_store *st);

/* Upserts write the whole object (a group without its rules; a prefix list,
 * port list or NIC with its entries/addresses/groups). */
int sg_store_put_group(struct sg_store *st, const struct sg_group *g);
int sg_store_del_group(struct sg_store *st, const char *group_id); /* and its rules */
int sg_store_put_rule(struct sg_store *st, const char *group_id, const struct sg_rule *r);
int sg_store_del_rule(struct sg_store *st, const char *rule_id);
int sg_store_put_pl(struct sg_store *st, const struct sg_prefix_list *pl);
int sg_store_del_pl(struct sg_store *st, const char *pl_id);
int sg_store_put_prl(struct sg_store *st, const struct sg_port_list *prl);
int sg_store_del_prl(struct sg_store *st, const char *prl_id);
int sg_store_put_nic(struct sg_store *st, const struct sg_nic *n);
int sg_store_del_nic(struct sg_store *st, const char *nic_id);

/* ClientToken results: the first answer to (account, action, token) is kept
 * with the mutation it made.  get: 0 and *response (malloc'd JSON text) when
 * found, -ENOENT when not. */
int sg_store_token_get(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, char **response);
int sg_store_token_put(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, const char *response);

#endif
