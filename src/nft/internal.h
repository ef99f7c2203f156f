/* internal.h - shared by the files of src/nft/ (not a public API).
 *
 * A struct nbatch collects the messages of one transaction.  Every object
 * message gets one sequence number and one struct nmsg that says, in words,
 * what it asked for, so that an error the kernel sends back for that
 * sequence number becomes a readable message. */
#ifndef SGD_NFT_INTERNAL_H
#define SGD_NFT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgd/ir.h"
#include "sgd/nft.h"

struct mnl_socket;
struct nftnl_batch;
struct nlmsghdr;

struct sgnft {
	struct mnl_socket *nl;  /* batches */
	uint32_t portid;
	struct mnl_socket *ev;  /* NFNLGRP_NFTABLES events */
	uint32_t seq;
	size_t last_batch;
	uint32_t our_gen;       /* generation our last batch committed, 0: unknown */
};

/* What one object message asked for. */
struct nmsg {
	uint32_t seq;
	struct nlmsghdr *nlh;            /* inside the batch pages, valid until nbatch_free */
	char what[160];                  /* "add set s_foo" */
	enum ir_key key;                 /* element messages: the set's key */
	const struct ir_elem **elems;    /* element messages: elements in message order */
	size_t nelems;
};

/* A set created in this batch: rules and element messages may refer to it
 * by NFTNL_SET_ID as well as by name. */
struct nset_id {
	char name[IR_NAME_LEN];
	uint32_t id;
};

struct nbatch {
	struct nftnl_batch *b;
	const char *table;
	enum ir_mode mode;
	const struct ir_table *t;        /* for set lookups (key kinds) */
	uint32_t seq_begin, seq;
	struct nmsg *v;
	size_t n, cap;
	struct nset_id *ids;
	size_t nids, capids;
	uint32_t next_id;
	bool full;                       /* replaces the whole table (see gen.c) */
};

/* ---- batch.c ---- */
int nbatch_init(struct nbatch *nb, struct sgnft *n, const struct ir_table *t, const char *table);
void nbatch_free(struct nbatch *nb);
/* Room for the next object message: returns the buffer to build it in and
 * records a struct nmsg for it (its `what` from fmt). NULL on -ENOMEM. */
char *nbatch_next(struct nbatch *nb, struct nmsg **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message built in the buffer from nbatch_next is complete. */
int nbatch_commit(struct nbatch *nb, struct nmsg *m, struct nlmsghdr *nlh);
int nbatch_set_id_add(struct nbatch *nb, const char *name, uint32_t *id);
uint32_t nbatch_set_id(const struct nbatch *nb, const char *name); /* 0: not in batch */
const struct nmsg *nbatch_find(const struct nbatch *nb, uint32_t seq);

/* ---- apply.c ---- */
/* The messages of a whole-table replacement of t (sets nb->full), or of a
 * change list, appended to nb; errmsg (may be NULL) says what failed. */
int nbuild_replace(struct nbatch *nb, const struct ir_table *t, char *errmsg, size_t len);
int nbuild_changes(struct nbatch *nb, const struct ir_changes *ch, char *errmsg, size_t len);

/* ---- socket.c ---- */
/* Close the batch (BATCH_END), send it in one sendmsg and read every answer.
 * 0, or the first error the kernel reported (errmsg says which object). */
int nbatch_send(struct sgnft *n, struct nbatch *nb, char *errmsg, size_t len);

/* ---- gen.c ---- */
int ngen_get(struct sgnft *n, uint32_t *gen);

/* ---- table.c ---- */
int nmsg_table_add(struct nbatch *nb);
int nmsg_table_del(struct nbatch *nb);
int nmsg_chain_add(struct nbatch *nb, const struct ir_chain *c);
int nmsg_chain_del(struct nbatch *nb, const struct ir_chain *c);
int nmsg_chain_flush(struct nbatch *nb, const struct ir_chain *c);

/* ---- set.c ---- */
int nmsg_set_add(struct nbatch *nb, const struct ir_set *s);
int nmsg_set_del(struct nbatch *nb, const struct ir_set *s);
/* Add (or delete) elements of set s, several per message. */
int nmsg_elems(struct nbatch *nb, const struct ir_set *s, const struct ir_elem *const *elems,
	       size_t nelems, bool add);

/* ---- rule.c ---- */
int nmsg_rule_add(struct nbatch *nb, const struct ir_chain *c, const struct ir_rule *r);

#endif
