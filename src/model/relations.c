/* relations.c - questions that span objects: membership, references, quotas. */
#include <string.h>

#include "sgd/model.h"

bool sg_nic_in_group(const struct sg_nic *n, const char *group_id)
{
	for (size_t i = 0; i < n->ngroups; i++)
		if (strcmp(n->groups[i], group_id) == 0)
			return true;
	return false;
}

/* A port-list rule costs the list's MaxEntries (spec: Security group limits). */
static size_t rule_cost(const struct sg_model *m, const struct sg_rule *r)
{
	if (r->port_list_id[0]) {
		const struct sg_port_list *prl = sg_prl_find(m, r->port_list_id);
		if (prl)
			return prl->max_entries;
	}
	return 1;
}

size_t sg_group_rule_cost(const struct sg_model *m, const struct sg_group *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->nrules; i++)
		n += rule_cost(m, &g->rules[i]);
	return n;
}

size_t sg_nic_rule_count(const struct sg_model *m, const struct sg_nic *n)
{
	size_t total = 0;
	for (size_t i = 0; i < n->ngroups; i++) {
		const struct sg_group *g = sg_group_find(m, n->groups[i]);
		if (g)
			total += sg_group_rule_cost(m, g);
	}
	return total;
}

/* True when any rule satisfies pred(rule, id). */
static bool any_rule(const struct sg_model *m, bool (*pred)(const struct sg_rule *, const char *),
		     const char *id)
{
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++)
			if (pred(&m->groups[i].rules[j], id))
				return true;
	return false;
}

static bool refs_group(const struct sg_rule *r, const char *id)
{
	return r->src_kind == SG_SRC_GROUP && strcmp(r->src_group_id, id) == 0;
}

static bool refs_pl(const struct sg_rule *r, const char *id)
{
	return r->src_kind == SG_SRC_PREFIX_LIST && strcmp(r->prefix_list_id, id) == 0;
}

static bool refs_prl(const struct sg_rule *r, const char *id)
{
	return strcmp(r->port_list_id, id) == 0;
}

bool sg_group_is_referenced(const struct sg_model *m, const char *id) { return any_rule(m, refs_group, id); }
bool sg_pl_is_referenced(const struct sg_model *m, const char *id) { return any_rule(m, refs_pl, id); }
bool sg_prl_is_referenced(const struct sg_model *m, const char *id) { return any_rule(m, refs_prl, id); }
