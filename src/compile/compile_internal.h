/* compile_internal.h - shared pieces of the model -> IR compiler (not a public API). */
#ifndef SGD_COMPILE_INTERNAL_H
#define SGD_COMPILE_INTERNAL_H

#include "sgd/compile.h"

#define SG_PRIO_MIN 1
#define SG_PRIO_MAX 100

/* Which (priority, policy) buckets of one group produced a chain. */
struct group_buckets {
	const struct sg_group *g;
	bool used[SG_PRIO_MAX + 1][2]; /* [prio][policy] */
};

/* Object names (IR_NAME_LEN buffers). */
void name_bucket_chain(char *buf, const char *gid, int prio, enum sg_policy pol);
void name_members(char *buf, const char *gid, int family);

const struct sg_group *model_group(const struct sg_model *m, const char *id);
bool model_nic_in_group(const struct sg_nic *n, const char *gid);

/* compile_sets.c: m4/m6 member sets, pl-* and prl-* sets. */
int compile_member_sets(const struct sg_model *m, struct ir_table *t);
int compile_list_sets(const struct sg_model *m, struct ir_table *t);

/* compile_group.c: the bucket chains (and their CIDR sets) of group g. */
int compile_group(const struct sg_model *m, const struct sg_group *g, struct ir_table *t,
		  struct group_buckets *gb);

/* compile_nic.c: dispatch map, base chain, per-NIC chains. */
int compile_nics(const struct sg_model *m, const struct group_buckets *gbs, size_t ngbs,
		 struct ir_table *t);

/* Range helpers (network byte order). */
void range_full(struct ir_range *r, size_t len);
void range_u16(struct ir_range *r, uint16_t lo, uint16_t hi);
void range_u8(struct ir_range *r, uint8_t lo, uint8_t hi);
bool range_is_full(const struct ir_range *r, size_t len);

#endif
