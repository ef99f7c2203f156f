/* dataplane.c - glue between the pure compiler and the nft backend. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane.h"
#include "testhook.h"
#include "sgd/compile.h"

int sg_dp_open(struct sg_dataplane *dp, enum ir_mode mode)
{
	memset(dp, 0, sizeof(*dp));
	dp->mode = mode;
	return sgnft_open(&dp->nft);
}

void sg_dp_close(struct sg_dataplane *dp)
{
	if (dp->have_cur)
		ir_table_free(&dp->cur);
	if (dp->nft)
		sgnft_close(dp->nft);
	sg_compile_cache_free(dp->cache);
	memset(dp, 0, sizeof(*dp));
}

static void adopt(struct sg_dataplane *dp, struct ir_table *next)
{
	if (dp->have_cur)
		ir_table_free(&dp->cur);
	dp->cur = *next;
	dp->have_cur = true;
}

static int compile(struct sg_dataplane *dp, const struct sg_model *m, struct ir_table *out)
{
	ir_table_init(out, "sgd", dp->mode);
	if (!dp->cache)
		dp->cache = sg_compile_cache_new(); /* NULL: compile without one */
	int rc = sg_compile_cached(dp->cache, m, dp->mode, out);
	if (rc)
		ir_table_free(out);
	return rc;
}

int sg_dp_replace(struct sg_dataplane *dp, const struct sg_model *m, char *err, size_t len)
{
	struct ir_table next;
	int rc = compile(dp, m, &next);
	if (rc)
		return rc;
	rc = sgnft_replace(dp->nft, &next, err, len);
	if (rc) {
		ir_table_free(&next);
		return rc;
	}
	adopt(dp, &next);
	return 0;
}

int sg_dp_sync(void *ctx, const struct sg_model *m, char *err, size_t len)
{
	struct sg_dataplane *dp = ctx;
	sgd_test_hold("kernel-batch"); /* tests only: see testhook.h */
	if (!dp->have_cur)
		return sg_dp_replace(dp, m, err, len);
	struct ir_table next;
	int rc = compile(dp, m, &next);
	if (rc)
		return rc;
	struct ir_changes ch = { 0 };
	rc = ir_diff(&dp->cur, &next, &ch);
	if (!rc && ch.n && (rc = sgnft_apply(dp->nft, &next, &ch, err, len))) {
		/* Most likely the kernel differs from what we applied
		 * (tampering not yet repaired): a missing object (ENOENT),
		 * one already there (EEXIST), or a foreign rule still using
		 * a set we delete (EBUSY).  Replace the whole table instead:
		 * it succeeds whatever the kernel holds, so the caller gets
		 * an error only for a ruleset the kernel refuses outright.
		 * Not counted as a repair: the tamper watch counts those,
		 * when it sees someone else's transaction. */
		fprintf(stderr, "sgd: the kernel refused an incremental change to table inet sgd (%s); "
			"replaced it whole\n", err && err[0] ? err : strerror(-rc));
		rc = sgnft_replace(dp->nft, &next, err, len);
		if (!rc)
			dp->fallbacks++;
	}
	ir_changes_free(&ch);
	if (rc) {
		ir_table_free(&next);
		return rc;
	}
	adopt(dp, &next);
	return 0;
}
