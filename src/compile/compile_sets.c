/* compile_sets.c - shared named sets: group members, prefix lists, port lists. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"
#include "compile_internal.h"

struct range_vec {
	struct ir_range *v;
	size_t n, cap;
};

static int rv_push(struct range_vec *rv, const uint8_t *lo, const uint8_t *hi, size_t len)
{
	struct ir_range *r;

	if (rv->n == rv->cap) {
		size_t ncap = rv->cap ? rv->cap * 2 : 16;
		struct ir_range *p = realloc(rv->v, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rv->v = p;
		rv->cap = ncap;
	}
	r = &rv->v[rv->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->lo, lo, len);
	memcpy(r->hi, hi, len);
	return 0;
}

/* Emit the set name/key holding the merged ranges of rv (consumed). */
static int emit_interval_set(struct ir_table *t, const char *name, enum ir_key key,
			     struct range_vec *rv, size_t len)
{
	struct ir_set *s = ir_set_add(t, name, key);
	size_t n;

	if (!s)
		return -ENOMEM;
	n = ranges_merge(rv->v, rv->n, len);
	for (size_t i = 0; i < n; i++) {
		struct ir_elem *e = ir_elem_add(s);

		if (!e)
			return -ENOMEM;
		e->f[0] = rv->v[i];
	}
	return 0;
}

static int member_set(const struct sg_model *m, const struct sg_group *g, int family,
		      struct ir_table *t)
{
	struct range_vec rv = { 0 };
	size_t len = family == 4 ? 4 : 16;
	char name[IR_NAME_LEN];
	int rc = 0;

	for (size_t i = 0; i < m->nnics && !rc; i++) {
		const struct sg_nic *n = &m->nics[i];

		if (!model_nic_in_group(n, g->id))
			continue;
		for (size_t a = 0; a < n->naddrs && !rc; a++)
			if (n->addrs[a].addr.family == family)
				rc = rv_push(&rv, n->addrs[a].addr.lo, n->addrs[a].addr.hi, len);
	}
	if (!rc) {
		name_members(name, g->id, family);
		rc = emit_interval_set(t, name, ir_key_addr(family), &rv, len);
	}
	free(rv.v);
	return rc;
}

int compile_member_sets(const struct sg_model *m, struct ir_table *t)
{
	int rc = 0;

	for (size_t i = 0; i < m->ngroups && !rc; i++) {
		rc = member_set(m, &m->groups[i], 4, t);
		if (!rc)
			rc = member_set(m, &m->groups[i], 6, t);
	}
	return rc;
}

static int prefix_list_set(const struct sg_prefix_list *pl, struct ir_table *t)
{
	struct range_vec rv = { 0 };
	size_t len = pl->family == 6 ? 16 : 4;
	char name[IR_NAME_LEN];
	int rc = 0;

	for (size_t i = 0; i < pl->nentries && !rc; i++) {
		const struct sg_addr_range *r = &pl->entries[i].range;

		/* an entry of the other family cannot match: the list is one family */
		if (r->family == (pl->family == 6 ? 6 : 4))
			rc = rv_push(&rv, r->lo, r->hi, len);
	}
	if (!rc) {
		snprintf(name, sizeof(name), "%s", pl->id);
		rc = emit_interval_set(t, name, ir_key_addr(pl->family), &rv, len);
	}
	free(rv.v);
	return rc;
}

static int port_list_set(const struct sg_port_list *prl, struct ir_table *t)
{
	struct range_vec rv = { 0 };
	char name[IR_NAME_LEN];
	int rc = 0;

	for (size_t i = 0; i < prl->nentries && !rc; i++) {
		const struct sg_port_range *p = &prl->entries[i].range;
		struct ir_range r;

		if (p->any)
			range_full(&r, 2);
		else
			range_u16(&r, p->lo < p->hi ? p->lo : p->hi, p->lo < p->hi ? p->hi : p->lo);
		rc = rv_push(&rv, r.lo, r.hi, 2);
	}
	if (!rc) {
		snprintf(name, sizeof(name), "%s", prl->id);
		rc = emit_interval_set(t, name, IR_KEY_PORT, &rv, 2);
	}
	free(rv.v);
	return rc;
}

int compile_list_sets(const struct sg_model *m, struct ir_table *t)
{
	int rc = 0;

	for (size_t i = 0; i < m->npls && !rc; i++)
		rc = prefix_list_set(&m->pls[i], t);
	for (size_t i = 0; i < m->nprls && !rc; i++)
		rc = port_list_set(&m->prls[i], t);
	return rc;
}
