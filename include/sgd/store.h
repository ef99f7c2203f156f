/* store.h - durable state in SQLite (WAL, synchronous=FULL).  The database is
 * the truth; the kernel ruleset is derived from it.  A mutation is
 * sg_store_begin(), puts/dels, then sg_store_commit() or sg_store_rollback(). */
#ifndef SGD_STORE_H
#define SGD_STORE_H

#include "sgd/model.h"

struct sg_store;

/* Open DIR/state.db, creating DIR (0700) and a fresh database when the
 * file does not exist.  The database and its -wal/-shm files are mode 0600
 * whatever the umask: a new one is created so, an existing one owned by
 * sgd's euid with a wider mode is narrowed to 0600 (logged).  Refused with
 * a message on stderr: a state.db (or -wal/-shm) that is not a regular file
 * or is owned by another user, and a state.db that exists but holds no sgd
 * schema (a zero-byte file, another program's database).  0 or -errno. */
int sg_store_open(const char *dir, struct sg_store **out);
void sg_store_close(struct sg_store *st);

/* Load everything into an initialised, empty model.  All or nothing: a row
 * sgd does not understand (a value out of range, a reference to a missing
 * object, an orphan row, an address whose text does not parse to the stored
 * range) fails the load with "sgd: store: table T, row ID: why" on stderr,
 * and m is left empty (its quota kept), never half loaded.  0 or -errno. */
int sg_store_load(struct sg_store *st, struct sg_model *m);
/* Load into a fresh model with m's quota and replace *m with it only when
 * the load succeeded; on failure *m is untouched.  0 or -errno. */
int sg_store_reload(struct sg_store *st, struct sg_model *m);

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
 * with the mutation it made, for ttl_s seconds (0: for ever).
 * get: 0 and *response (malloc'd JSON text) when found and not older than
 * ttl_s, -ENOENT when not (an expired answer is not found), else -errno.
 * put (inside the mutation's transaction): first deletes at most
 * SG_STORE_TOKEN_PURGE answers older than ttl_s, then stores this one; an
 * unexpired answer for the same key stays, an expired one is replaced. */
#define SG_STORE_TOKEN_PURGE 100
int sg_store_token_get(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, unsigned ttl_s, char **response);
int sg_store_token_put(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, unsigned ttl_s, const char *response);

#endif
