/* nft.h - the only code that talks to the kernel's nf_tables: IR and change
 * lists become libnftnl objects in one libmnl batch (all or nothing). */
#ifndef SGD_NFT_H
#define SGD_NFT_H

#include <stdbool.h>
#include "sgd/ir.h"

struct sgnft;

/* Open the netlink sockets (one for batches, one subscribed to
 * NFNLGRP_NFTABLES for tamper detection).  0 or -errno. */
int sgnft_open(struct sgnft **out);
void sgnft_close(struct sgnft *n);

/* Replace table t->name atomically: one batch that creates the table if
 * missing, deletes it and adds it again with all sets, elements, chains and
 * rules.  There is never a moment without filtering.  0 or -errno; on error
 * the kernel is unchanged and errmsg (if non-NULL, size len) says what the
 * kernel refused. */
int sgnft_replace(struct sgnft *n, const struct ir_table *t, char *errmsg, size_t len);

/* Apply a change list computed by ir_diff(old, new) as one batch. */
int sgnft_apply(struct sgnft *n, const struct ir_table *new, const struct ir_changes *ch,
		char *errmsg, size_t len);

/* Number of netlink messages (objects) the last batch carried, for tests
 * and benchmarks that prove a change stays small. */
size_t sgnft_last_batch_size(const struct sgnft *n);

/* Event socket: poll() this fd for POLLIN, then call sgnft_watch_read().
 * *tampered becomes true when a transaction committed by another process
 * touched table `table` (rules, sets, elements, chains, or the table itself,
 * e.g. `nft flush ruleset`). */
int sgnft_watch_fd(const struct sgnft *n);
int sgnft_watch_read(struct sgnft *n, const char *table, bool *tampered);

/* The batch sgnft_replace(t) or sgnft_apply(new, ch) would send, as text
 * and without a socket (no root): each message says what it asked for and
 * is printed by libnftnl (nftnl_*_fprintf of the object parsed back from
 * the message), userdata in hex.  For golden tests and debugging; the
 * format follows libnftnl's.  Caller frees; NULL on error. */
char *sgnft_render_replace(const struct ir_table *t);
char *sgnft_render_apply(const struct ir_table *new, const struct ir_changes *ch);

/* Delete table `name` if present (tests only: sgd never deletes its table). */
int sgnft_delete_table(struct sgnft *n, const char *name);

#endif
