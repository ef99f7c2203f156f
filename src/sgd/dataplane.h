/* dataplane.h - the kernel follows the model: compile, diff against what was
 * applied last, and send the difference as one transaction. */
#ifndef SGD_DATAPLANE_H
#define SGD_DATAPLANE_H

#include <stdbool.h>
#include "sgd/compile.h"
#include "sgd/ir.h"
#include "sgd/model.h"
#include "sgd/nft.h"

struct sg_dataplane {
	struct sgnft *nft;
	enum ir_mode mode;
	struct ir_table cur;   /* what the kernel holds, as last applied */
	bool have_cur;
	unsigned long repairs;   /* full replacements after someone else's change */
	unsigned long fallbacks; /* incremental batches refused, replaced whole */
	/* Per-bucket pieces of the last compile: a mutation re-splits only the
	 * buckets it changed.  It changes how fast, never what, is compiled. */
	struct sg_compile_cache *cache;
};

int sg_dp_open(struct sg_dataplane *dp, enum ir_mode mode);
void sg_dp_close(struct sg_dataplane *dp);
/* Full atomic replacement of the table from m (start-up, SIGHUP, repair). */
int sg_dp_replace(struct sg_dataplane *dp, const struct sg_model *m, char *err, size_t len);
/* Incremental: the sg_env.sync hook.  Falls back to a full replacement when
 * the kernel no longer has what we applied (someone deleted it). */
int sg_dp_sync(void *dp, const struct sg_model *m, char *err, size_t len);

#endif
