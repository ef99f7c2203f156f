/* compile.h - pure compiler from the model to the ruleset IR (docs/semantics.md). */
#ifndef SGD_COMPILE_H
#define SGD_COMPILE_H

#include "sgd/ir.h"
#include "sgd/model.h"

/* Build the complete `inet sgd` table for model m in the given mode.
 * out must be freshly ir_table_init()ed; it is sorted on return.
 * 0 on success, -ENOMEM. */
int sg_compile(const struct sg_model *m, enum ir_mode mode, struct ir_table *out);

/* A compile cache keeps, per (group, priority, policy) bucket, the disjoint
 * pieces of its CIDR sets and the inputs they came from, so a recompile after
 * a small change only splits the boxes that changed (typically: the rules
 * appended by AuthorizeSecurityGroup).  The result does not depend on what
 * the cache holds: sg_compile_cached() gives exactly what sg_compile() gives,
 * for any model, any cache.  Not thread safe: one cache per caller.
 * sg_compile_cache_new() returns NULL on ENOMEM; free accepts NULL. */
struct sg_compile_cache;
struct sg_compile_cache *sg_compile_cache_new(void);
void sg_compile_cache_free(struct sg_compile_cache *c);
/* Like sg_compile(); c may be NULL (then it is sg_compile()).  On error the
 * cache stays consistent (the next call recomputes what it lost). */
int sg_compile_cached(struct sg_compile_cache *c, const struct sg_model *m, enum ir_mode mode,
		      struct ir_table *out);

/* What the cache did since it was created, for tests and logs: box inputs
 * reused without work, inputs split anew (pieces_add calls), and buckets
 * (one set of one bucket) recomputed from their first differing input. */
struct sg_compile_cache_stats {
	unsigned long reused, added, rebuilt, evicted;
};
void sg_compile_cache_stats(const struct sg_compile_cache *c, struct sg_compile_cache_stats *out);

#endif
