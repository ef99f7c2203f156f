/* compile_internal.h - shared pieces of the model -> IR compiler (not a public API). */
#ifndef SGD_COMPILE_INTERNAL_H
#define SGD_COMPILE_INTERNAL_H

#include "sgd/compile.h"
#include "box.h"

#define SG_PRIO_MIN 1
#define SG_PRIO_MAX 100

/* A bucket has up to four CIDR sets: IPv4/IPv6 with/without ports, each in
 * its full or short key shape (c4p|c4q, c4n|c4m, c6p|c6q, c6n|c6m: the
 * shapes' `full` and `shorter` in ir_key_desc()). */
#define CSET_COUNT 4

/* What one (priority, policy) bucket of a group left in the table: the NIC
 * chains look its CIDR sets up inline and jump to its chain only for the
 * families it has ordinary rules of. */
struct bucket_info {
	bool cset[CSET_COUNT];      /* set w exists */
	enum ir_key key[CSET_COUNT]; /* its shape (the name depends on it) */
	bool plain[2];              /* ordinary rules of IPv4 [0] / IPv6 [1]: chain exists */
};

struct group_buckets {
	const struct sg_group *g;
	struct bucket_info b[SG_PRIO_MAX + 1][2]; /* [prio][policy] */
};

/* Object names (IR_NAME_LEN buffers). */
void name_bucket_chain(char *buf, const char *gid, int prio, enum sg_policy pol);
void name_members(char *buf, const char *gid, int family);
/* c4p/c4n/c4q/c4m (c6…)-<gid>-p<N>-<d|a>: the set of shape key of a bucket. */
void name_cset(char *buf, enum ir_key key, const char *gid, int prio, enum sg_policy pol);

const struct sg_group *model_group(const struct sg_model *m, const char *id);
bool model_nic_in_group(const struct sg_nic *n, const char *gid);

/* compile_sets.c: m4/m6 member sets, pl-* and prl-* sets. */
int compile_member_sets(const struct sg_model *m, struct ir_table *t);
int compile_list_sets(const struct sg_model *m, struct ir_table *t);

/* compile_group.c: the CIDR sets and ordinary-rule chains of group g's
 * buckets; *gb says what exists.
 * cache may be NULL (no reuse). */
int compile_group(const struct sg_model *m, const struct sg_group *g, struct ir_table *t,
		  struct group_buckets *gb, struct sg_compile_cache *cache);

/* The whole table; cache may be NULL. */
int compile_model(const struct sg_model *m, enum ir_mode mode, struct ir_table *out,
		  struct sg_compile_cache *cache);

/* The boxes a bucket's CIDR rules put into one of its sets, in bucket
 * order (creation order); id points into the model. */
struct cset_input {
	struct box b;
	const char *id;
};

struct cset_inputs {
	struct cset_input *v;
	size_t n, cap;
};

/* Which set of which bucket. */
struct cset_key {
	const char *gid;
	int prio;
	enum sg_policy pol;
	int which;          /* 0..CSET_COUNT-1 */
	enum ir_key key;    /* the set's key: the boxes' shape (part of the identity:
			     * a set that changes shape starts over) */
};

/* compile_cache.c: the disjoint pieces of the inputs in, in *out.  Without a
 * cache they are computed into scratch (the caller frees it); with one they
 * are the cache's, reused up to the first input that differs from the last
 * call's, and valid until the next call for the same set. */
int cset_pieces(struct sg_compile_cache *c, const struct cset_key *k, const struct cset_inputs *in,
		struct piece_list *scratch, const struct piece_list **out);

/* compile_nic.c: dispatch map, base chain, per-NIC chains. */
int compile_nics(const struct sg_model *m, const struct group_buckets *gbs, size_t ngbs,
		 struct ir_table *t);

/* Range helpers (network byte order). */
void range_full(struct ir_range *r, size_t len);
void range_u16(struct ir_range *r, uint16_t lo, uint16_t hi);
void range_u8(struct ir_range *r, uint8_t lo, uint8_t hi);
bool range_is_full(const struct ir_range *r, size_t len);

#endif
