/* port_list.c - CreatePortRangeList, ModifyPortRangeList,
 * DeletePortRangeList, DescribePortRangeLists.  A port list holds up to
 * MaxEntries port ranges; a rule that references it costs MaxEntries of the
 * per-NIC rule quota (fixed at creation, so entry changes never break it).
 * What the actions share with prefix lists is in entry_list.c; this file
 * describes port range lists to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry_list.h"
#include "handlers.h"
#include "json_util.h"

static void *prl_find(struct sg_model *m, const char *id) { return sg_prl_find(m, id); }
static bool prl_add(struct sg_model *m, const void *l) { return sg_prl_add(m, l) != NULL; }
static void prl_del(struct sg_model *m, void *l) { sg_prl_del(m, l); }
static int prl_put(struct sg_store *st, const void *l) { return sg_store_put_prl(st, l); }
static uint32_t prl_cap(const struct sg_model *m) { return m->quota.port_list_max; }

static void *prl_at(struct sg_model *m, size_t i)
{
	return i < m->nprls ? &m->prls[i] : NULL;
}

static struct el_head prl_head(void *l)
{
	struct sg_port_list *prl = l;
	return (struct el_head){
		.id = prl->id, .name = prl->name, .create_time = prl->create_time,
		.description = &prl->description, .max_entries = &prl->max_entries,
		.owner_id = &prl->owner_id, .nentries = prl->nentries,
	};
}

static void prl_scrap(void *l)
{
	struct sg_port_list *prl = l;
	for (size_t i = 0; i < prl->nentries; i++)
		free(prl->entries[i].description);
	free(prl->entries);
	free(prl->description);
}

/* "<prefix>.N.PortRange": "lo/hi" with 1 <= lo <= hi <= 65535 ("-1/-1",
 * any port, is no range); messages name it as given. */
static int item_parse(const void *l, const struct sg_params *p, const char *prefix, unsigned n,
		      struct el_item *out, struct sg_reply *r)
{
	const char *pr = sg_paramf(p, "%s.%u.PortRange", prefix, n);
	if (!pr || !*pr)
		return sg_fail(r, 400, "MissingParameter",
			       "The input parameter \"%s.%u.PortRange\" is mandatory.", prefix, n);
	if (sg_port_parse(pr, &out->range.port) || out->range.port.any)
		return sg_fail(r, 400, "InvalidParam.PortRange",
			       "The specified parameter %s.%u.PortRange is not valid. It should be two integers between 1 and 65535 in ?/? format.",
			       prefix, n);
	snprintf(out->text, sizeof(out->text), "%s", pr); /* parsed: at most 13 characters */
	return 0;
}

static bool same_range(const struct sg_port_range *a, const struct sg_port_range *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->any == b->any;
}

static bool item_same(const struct el_item *a, const struct el_item *b)
{
	return same_range(&a->range.port, &b->range.port);
}

static bool entry_is(void *l, size_t i, const struct el_item *it)
{
	return same_range(&((struct sg_port_list *)l)->entries[i].range, &it->range.port);
}

static int entry_add(void *l, const struct el_item *it, char *desc)
{
	struct sg_port_entry e = { .range = it->range.port, .description = desc };
	sg_port_format(&it->range.port, e.text, sizeof(e.text));
	return sg_prl_entry_add(l, &e);
}

static void entry_del(void *l, size_t i) { sg_prl_entry_del(l, i); }

static char **entry_desc(void *l, size_t i)
{
	return &((struct sg_port_list *)l)->entries[i].description;
}

static bool rule_uses(const struct sg_rule *ru, const char *id)
{
	return strcmp(ru->port_list_id, id) == 0;
}

/* The reference answers PortRangeLists as a plain array, Tags too. */
static json_t *prl_json(struct sg_model *m, void *l)
{
	const struct sg_port_list *prl = l;
	json_t *o = json_object();
	sgu_set(o, "PortRangeListId", prl->id);
	sgu_set(o, "PortRangeListName", prl->name);
	sgu_set(o, "Description", prl->description);
	json_object_set_new(o, "MaxEntries", json_integer(prl->max_entries));
	json_object_set_new(o, "AssociationCount",
			    json_integer((json_int_t)el_groups_using(m, prl->id, rule_uses)));
	sgu_set(o, "CreationTime", prl->create_time);
	sgu_set(o, "ResourceGroupId", "");
	json_object_set_new(o, "Tags", json_array());
	/* Local addition: the entries, since DescribePortRangeListEntries is not served. */
	json_t *arr = json_array();
	for (size_t i = 0; i < prl->nentries; i++) {
		json_t *e = json_object();
		sgu_set(e, "PortRange", prl->entries[i].text);
		sgu_set(e, "Description", prl->entries[i].description);
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "Entries", arr);
	return o;
}

static const struct el_kind port_lists = {
	.noun = "port range list", .id_param = "PortRangeListId",
	.name_param = "PortRangeListName", .id_prefix = "prl-",
	.create_action = "CreatePortRangeList", .modify_action = "ModifyPortRangeList",
	.not_found_code = "InvalidPortRangeListId.NotFound",
	.name_code = "InvalidPortRangeListName.Malformed",
	.quota_code = "QuotaExceed.PortRangeListEntries",
	.dup_fmt = "The specified port range %s is duplicated.",
	.absent_fmt = "A port range to remove is not in the port range list.",
	.conflict_fmt = "A port range is both added and removed.",
	/* AddEntry "adds or modifies" (reference): a range already in the
	 * list gets the new description. */
	.add_replaces = true,
	.answer_key = "PortRangeLists", /* a plain array */
	.list_size = sizeof(struct sg_port_list),
	.find = prl_find, .at = prl_at, .add = prl_add, .del = prl_del,
	.referenced = sg_prl_is_referenced, .put = prl_put, .store_del = sg_store_del_prl,
	.max_entries_cap = prl_cap, .head = prl_head, .scrap = prl_scrap,
	.item_parse = item_parse, .item_same = item_same, .entry_is = entry_is,
	.entry_add = entry_add, .entry_del = entry_del, .entry_desc = entry_desc,
	.json = prl_json,
};

SG_ACTION(act_CreatePortRangeList)
{
	struct sg_port_list prl;
	return el_create(&port_lists, &prl, env, p, c, r);
}

SG_ACTION(act_ModifyPortRangeList) { return el_modify(&port_lists, env, p, c, r); }
SG_ACTION(act_DeletePortRangeList) { return el_delete(&port_lists, env, p, c, r); }
SG_ACTION(act_DescribePortRangeLists) { return el_describe(&port_lists, env, p, c, r); }
