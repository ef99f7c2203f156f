/* identity.c - "How to determine a rule" (spec): two permissions are the same
 * rule when source (with owner for group sources), destination, protocol,
 * ports or port list, source ports, NIC type and policy are equal.  Priority
 * and description are not part of a rule's identity. */
#include <string.h>

#include "sgd/model.h"

static bool port_same(const struct sg_port_range *a, const struct sg_port_range *b)
{
	if (a->any || b->any)
		return a->any == b->any;
	return a->lo == b->lo && a->hi == b->hi;
}

static bool source_same(const struct sg_rule *a, const struct sg_rule *b)
{
	if (a->src_kind != b->src_kind)
		return false;
	switch (a->src_kind) {
	case SG_SRC_CIDR:
		return sg_addr_equal(&a->src, &b->src);
	case SG_SRC_PREFIX_LIST:
		return strcmp(a->prefix_list_id, b->prefix_list_id) == 0;
	case SG_SRC_GROUP:
		return strcmp(a->src_group_id, b->src_group_id) == 0 &&
		       a->src_group_owner_id == b->src_group_owner_id;
	}
	return false;
}

bool sg_rule_same(const struct sg_rule *a, const struct sg_rule *b)
{
	if (a->policy != b->policy || a->proto != b->proto || a->family != b->family)
		return false;
	if (!source_same(a, b))
		return false;
	if (a->has_dst != b->has_dst || (a->has_dst && !sg_addr_equal(&a->dst, &b->dst)))
		return false;
	if (strcmp(a->port_list_id, b->port_list_id) != 0)
		return false;
	if (!a->port_list_id[0] && !port_same(&a->dport, &b->dport))
		return false;
	if (a->has_sport != b->has_sport || (a->has_sport && !port_same(&a->sport, &b->sport)))
		return false;
	return strcmp(a->nic_type, b->nic_type) == 0;
}

struct sg_rule *sg_rule_find_same(const struct sg_group *g, const struct sg_rule *r)
{
	for (size_t i = 0; i < g->nrules; i++)
		if (sg_rule_same(&g->rules[i], r))
			return &g->rules[i];
	return NULL;
}
