/* compile.c - sg_compile(): the model -> `inet sgd` table (docs/semantics.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

void name_bucket_chain(char *buf, const char *gid, int prio, enum sg_policy pol)
{
	snprintf(buf, IR_NAME_LEN, "g-%s-p%d-%s", gid, prio, pol == SG_POLICY_DROP ? "drop" : "accept");
}

void name_members(char *buf, const char *gid, int family)
{
	snprintf(buf, IR_NAME_LEN, "m%d-%s", family, gid);
}

/* The shape's name (ir_key_desc(): c4p, c4q, ...) starts the set's name. */
void name_cset(char *buf, enum ir_key key, const char *gid, int prio, enum sg_policy pol)
{
	snprintf(buf, IR_NAME_LEN, "%s-%s-p%d-%c", ir_key_desc(key)->name, gid, prio,
		 pol == SG_POLICY_DROP ? 'd' : 'a');
}

const struct sg_group *model_group(const struct sg_model *m, const char *id)
{
	for (size_t i = 0; i < m->ngroups; i++)
		if (strcmp(m->groups[i].id, id) == 0)
			return &m->groups[i];
	return NULL;
}

bool model_nic_in_group(const struct sg_nic *n, const char *gid)
{
	for (size_t i = 0; i < n->ngroups && i < SG_MAX_NIC_GROUPS_HARD; i++)
		if (strcmp(n->groups[i], gid) == 0)
			return true;
	return false;
}

void range_full(struct ir_range *r, size_t len)
{
	memset(r, 0, sizeof(*r));
	memset(r->hi, 0xff, len);
}

void range_u16(struct ir_range *r, uint16_t lo, uint16_t hi)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = lo >> 8;
	r->lo[1] = lo & 0xff;
	r->hi[0] = hi >> 8;
	r->hi[1] = hi & 0xff;
}

void range_u8(struct ir_range *r, uint8_t lo, uint8_t hi)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = lo;
	r->hi[0] = hi;
}

bool range_is_full(const struct ir_range *r, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (r->lo[i] != 0 || r->hi[i] != 0xff)
			return false;
	return true;
}

int compile_model(const struct sg_model *m, enum ir_mode mode, struct ir_table *out,
		  struct sg_compile_cache *cache)
{
	struct group_buckets *gbs = NULL;
	int rc;

	out->mode = mode;
	if (!out->name[0])
		snprintf(out->name, sizeof(out->name), "sgd");
	rc = compile_member_sets(m, out);
	if (rc)
		goto out;
	rc = compile_list_sets(m, out);
	if (rc)
		goto out;
	rc = -ENOMEM;
	gbs = calloc(m->ngroups ? m->ngroups : 1, sizeof(*gbs));
	if (!gbs)
		goto out;
	for (size_t i = 0; i < m->ngroups; i++) {
		rc = compile_group(m, &m->groups[i], out, &gbs[i], cache);
		if (rc)
			goto out;
	}
	rc = compile_nics(m, gbs, m->ngroups, out);
	if (rc)
		goto out;
	ir_sort(out);
out:
	free(gbs);
	return rc;
}

int sg_compile(const struct sg_model *m, enum ir_mode mode, struct ir_table *out)
{
	return compile_model(m, mode, out, NULL);
}
