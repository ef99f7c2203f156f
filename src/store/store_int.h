/* store_int.h - private to src/store: the handle, the statement cache and
 * the row helpers shared by the per-object files. */
#ifndef SGD_STORE_INT_H
#define SGD_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "sgd/store.h"

/* One slot per statement; each is prepared on first use and kept until
 * sg_store_close(), so a mutation never re-parses SQL. */
enum st_stmt {
	ST_BEGIN, ST_BEGIN_READ, ST_COMMIT, ST_ROLLBACK,
	ST_GROUP_PUT, ST_GROUP_DEL, ST_GROUP_RULES_DEL,
	ST_RULE_PUT, ST_RULE_DEL,
	ST_PL_PUT, ST_PL_DEL, ST_PL_ENT_CLEAR, ST_PL_ENT_ADD,
	ST_PRL_PUT, ST_PRL_DEL, ST_PRL_ENT_CLEAR, ST_PRL_ENT_ADD,
	ST_NIC_PUT, ST_NIC_DEL, ST_NIC_ADDR_CLEAR, ST_NIC_ADDR_ADD,
	ST_NIC_GRP_CLEAR, ST_NIC_GRP_ADD,
	ST_TOKEN_GET, ST_TOKEN_PUT, ST_TOKEN_PURGE,
	ST_LOAD_GROUPS, ST_LOAD_RULES, ST_LOAD_PLS, ST_LOAD_PL_ENTS,
	ST_LOAD_PRLS, ST_LOAD_PRL_ENTS, ST_LOAD_NICS, ST_LOAD_NIC_ADDRS,
	ST_LOAD_NIC_GRPS, ST_ORPHANS_PL_ENTS, ST_ORPHANS_PRL_ENTS, ST_ORPHANS_NIC_ADDRS,
	ST_ORPHANS_NIC_GRPS,
	ST__COUNT
};

struct sg_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
};

/* Logs "sgd: store: WHAT: <sqlite's message>" to stderr and returns -EIO.
 * Called once, where sqlite failed; callers only pass the code up. */
int st_fail(struct sg_store *st, const char *what);
/* Logs a message of our own (no sqlite error behind it), returns -EIO. */
int st_corrupt(const char *what);

/* The cached statement for slot id, prepared from sql the first time.
 * Reset and unbound, ready to bind.  NULL (logged) on failure. */
sqlite3_stmt *st_get(struct sg_store *st, enum st_stmt id, const char *sql);
/* Step a write statement to completion, then reset it.  0 or -EIO. */
int st_run(struct sg_store *st, sqlite3_stmt *s, const char *what);
/* Execute a cached parameterless statement (BEGIN, COMMIT...). */
int st_exec_cached(struct sg_store *st, enum st_stmt id, const char *sql);
/* Run the cached "DELETE ... WHERE <key> = ?1" in slot id with key bound. */
int st_del_by_id(struct sg_store *st, enum st_stmt id, const char *sql, const char *key);

/* Binding in column order: each call takes the next parameter index.  The
 * first failure sticks in rc and later calls do nothing. */
struct st_bind {
	sqlite3_stmt *s;
	int i;
	int rc;
};
void b_init(struct st_bind *b, sqlite3_stmt *s);
void b_text(struct st_bind *b, const char *v);   /* NULL binds SQL NULL */
void b_int(struct st_bind *b, int64_t v);
void b_u64(struct st_bind *b, uint64_t v);       /* stored as its int64 bit pattern */
void b_range(struct st_bind *b, const struct sg_addr_range *r); /* 3 columns */
void b_port(struct st_bind *b, const struct sg_port_range *p);  /* 3 columns */
int b_done(struct sg_store *st, struct st_bind *b, const char *what);
/* The cached statement for slot id (st_get), ready to bind into.  -EIO. */
int b_start(struct st_bind *b, struct sg_store *st, enum st_stmt id, const char *sql);
/* Check the binds and step the write: fails logged as "bind WHAT" or
 * "put WHAT".  0 or -EIO. */
int b_put(struct sg_store *st, struct st_bind *b, const char *what);

/* Reading a row in column order, the mirror of st_bind.  Every reader
 * checks what it reads (the column's storage class, a text's length, an
 * integer's range, a blob's size): a value sgd does not understand is an
 * error naming the table, the row and the column, never a silent default.
 * The first error sticks in rc (-EIO, logged once) and later reads return
 * harmless values. */
struct st_row {
	sqlite3_stmt *s;
	int i;
	int rc;
	const char *table;   /* for messages: set by the row function */
	char key[96];        /* the row's id (or parent id and position) */
};
void r_init(struct st_row *r, sqlite3_stmt *s);
/* Name the row in later messages: table, and the key as printf. */
void r_name(struct st_row *r, const char *table, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log "sgd: store: table T, row K: <why>" (the first time) and set rc. */
void r_bad(struct st_row *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void r_text(struct st_row *r, char *buf, size_t size); /* TEXT that fits, else an error */
char *r_text_dup(struct st_row *r);                     /* NULL for SQL NULL */
int64_t r_int(struct st_row *r, int64_t lo, int64_t hi); /* an INTEGER in lo..hi */
bool r_bool(struct st_row *r);                          /* an INTEGER 0 or 1 */
uint64_t r_u64(struct st_row *r);                       /* any INTEGER, as its bit pattern */
void r_range(struct st_row *r, struct sg_addr_range *out); /* family 0..255, two 16-byte BLOBs */
void r_port(struct st_row *r, struct sg_port_range *out);  /* lo, hi in 0..65535, any 0/1 */
/* Semantic checks shared by the loaders; each logs through r_bad. */
/* An address of family 4 or 6 whose text (as described back) parses to
 * exactly the stored range: what Describe shows is what the kernel gets. */
void r_check_addr(struct st_row *r, const char *what, const struct sg_addr_range *a,
		  const char *text);
/* A port range: "any", or 1 <= lo <= hi <= 65535. */
void r_check_port(struct st_row *r, const char *what, const struct sg_port_range *p);
/* Step s to its end, handing each row to fn; stops at fn's first error.  A
 * step error is logged as WHAT.  s is reset either way. */
typedef int (*st_row_fn)(struct st_row *r, void *ctx);
int st_each_row(struct sg_store *st, sqlite3_stmt *s, st_row_fn fn, void *ctx, const char *what);

/* Per-object loaders called by sg_store_load(), each in its object's file. */
int st_load_groups(struct sg_store *st, struct sg_model *m, uint64_t *max_seq);
int st_load_pls(struct sg_store *st, struct sg_model *m);
int st_load_prls(struct sg_store *st, struct sg_model *m);
int st_load_nics(struct sg_store *st, struct sg_model *m);

/* Before the open writes anything: refuse a database without sgd's schema
 * (user_version 0) or with a newer one, naming path.  0 or -EIO. */
int st_schema_check(struct sg_store *st, const char *path);
/* Schema creation and upgrades, inside the open.  fresh: the file was just
 * created by sg_store_open (user_version 0 is expected); otherwise a file
 * with user_version 0 holds no sgd schema and is refused. */
int st_schema_apply(struct sg_store *st, bool fresh);

#endif
