/* prefix_list.c - CreatePrefixList, ModifyPrefixList, DeletePrefixList,
 * DescribePrefixLists, DescribePrefixListAttributes.  A prefix list holds
 * CIDR blocks of one address family, at most MaxEntries (fixed at creation);
 * rules reference it, so every change reaches the dataplane at once.  What
 * the actions share with port range lists is in entry_list.c; this file
 * describes prefix lists to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entry_list.h"
#include "handlers.h"
#include "json_util.h"

static void *pl_find(struct sg_model *m, const char *id) { return sg_pl_find(m, id); }
static bool pl_add(struct sg_model *m, const void *l) { return sg_pl_add(m, l) != NULL; }
static void pl_del(struct sg_model *m, void *l) { sg_pl_del(m, l); }
static int pl_put(struct sg_store *st, const void *l) { return sg_store_put_pl(st, l); }
static uint32_t pl_cap(const struct sg_model *m) { return m->quota.prefix_list_max; }

static void *pl_at(struct sg_model *m, size_t i)
{
	return i < m->npls ? &m->pls[i] : NULL;
}

static struct el_head pl_head(void *l)
{
	struct sg_prefix_list *pl = l;
	return (struct el_head){
		.id = pl->id, .name = pl->name, .create_time = pl->create_time,
		.description = &pl->description, .max_entries = &pl->max_entries,
		.owner_id = &pl->owner_id, .nentries = pl->nentries,
	};
}

static void pl_scrap(void *l)
{
	struct sg_prefix_list *pl = l;
	for (size_t i = 0; i < pl->nentries; i++)
		free(pl->entries[i].description);
	free(pl->entries);
	free(pl->description);
}

static int family_parse(const char *s, void *l, struct sg_reply *r)
{
	struct sg_prefix_list *pl = l;
	if (strcasecmp(s, "IPv4") == 0)
		pl->family = 4;
	else if (strcasecmp(s, "IPv6") == 0)
		pl->family = 6;
	else
		return sg_fail(r, 400, "InvalidAddressFamily.Malformed",
			       "The specified parameter AddressFamily is not valid.");
	return 0;
}

/* "<prefix>.N.Cidr": one CIDR block of the list's family, in canonical
 * form (which also names it in messages). */
static int item_parse(const void *l, const struct sg_params *p, const char *prefix, unsigned n,
		      struct el_item *out, struct sg_reply *r)
{
	const struct sg_prefix_list *pl = l;
	char param[64];
	snprintf(param, sizeof(param), "%s.%u.Cidr", prefix, n);
	const char *text = sg_param(p, param);
	if (!text || !*text)
		return sg_fail(r, 400, "MissingParameter", "The input parameter %s is mandatory.", param);
	if (strchr(text, '-') || sg_addr_parse(text, &out->range.addr))
		return sg_fail(r, 400, "InvalidParam.Cidr", "The specified parameter %s is not valid.", param);
	if (out->range.addr.family != pl->family)
		return sg_fail(r, 400, "InvalidParam.AddressFamilyMismatch",
			       "The address family of %s does not match the prefix list.", param);
	sg_addr_format(&out->range.addr, out->text, sizeof(out->text));
	return 0;
}

static bool item_same(const struct el_item *a, const struct el_item *b)
{
	return sg_addr_equal(&a->range.addr, &b->range.addr);
}

static bool entry_is(void *l, size_t i, const struct el_item *it)
{
	return sg_addr_equal(&((struct sg_prefix_list *)l)->entries[i].range, &it->range.addr);
}

static int entry_add(void *l, const struct el_item *it, char *desc)
{
	struct sg_prefix_entry e = { .range = it->range.addr, .description = desc };
	snprintf(e.cidr, sizeof(e.cidr), "%s", it->text);
	return sg_pl_entry_add(l, &e);
}

static void entry_del(void *l, size_t i) { sg_pl_entry_del(l, i); }

static char **entry_desc(void *l, size_t i)
{
	return &((struct sg_prefix_list *)l)->entries[i].description;
}

static const char *family_name(uint8_t f)
{
	return f == 6 ? "IPv6" : "IPv4";
}

static bool pl_matches(const struct sg_params *p, void *l)
{
	const char *af = sg_param(p, "AddressFamily");
	return !af || !*af || strcasecmp(af, family_name(((struct sg_prefix_list *)l)->family)) == 0;
}

static bool rule_uses(const struct sg_rule *ru, const char *id)
{
	return ru->src_kind == SG_SRC_PREFIX_LIST && strcmp(ru->prefix_list_id, id) == 0;
}

static json_t *pl_json(struct sg_model *m, void *l)
{
	const struct sg_prefix_list *pl = l;
	json_t *o = json_object();
	sgu_set(o, "PrefixListId", pl->id);
	sgu_set(o, "PrefixListName", pl->name);
	sgu_set(o, "Description", pl->description);
	sgu_set(o, "AddressFamily", family_name(pl->family));
	json_object_set_new(o, "MaxEntries", json_integer(pl->max_entries));
	json_object_set_new(o, "AssociationCount",
			    json_integer((json_int_t)el_groups_using(m, pl->id, rule_uses)));
	sgu_set(o, "CreationTime", pl->create_time);
	sgu_set(o, "ResourceGroupId", "");
	sgu_wrapped_array(o, "Tags", "Tag");
	return o;
}

static const struct el_kind prefix_lists = {
	.noun = "prefix list", .id_param = "PrefixListId", .name_param = "PrefixListName",
	.id_prefix = "pl-", .create_action = "CreatePrefixList", .modify_action = "ModifyPrefixList",
	.not_found_code = "InvalidPrefixListId.NotFound",
	.name_code = "InvalidPrefixListName.Malformed",
	.quota_code = "QuotaExceed.PrefixListEntries",
	.attr_param = "AddressFamily", .create_attr = family_parse,
	.dup_fmt = "The specified entry %s is duplicated.",
	.absent_fmt = "The entry %s to remove is not in the prefix list.",
	.conflict_fmt = "The entry %s is both added and removed.",
	.exists_fmt = "The entry %s already exists in the prefix list.",
	.add_replaces = false,
	.answer_key = "PrefixLists", .answer_inner = "PrefixList",
	.list_size = sizeof(struct sg_prefix_list),
	.find = pl_find, .at = pl_at, .add = pl_add, .del = pl_del,
	.referenced = sg_pl_is_referenced, .put = pl_put, .store_del = sg_store_del_pl,
	.max_entries_cap = pl_cap, .head = pl_head, .scrap = pl_scrap,
	.item_parse = item_parse, .item_same = item_same, .entry_is = entry_is,
	.entry_add = entry_add, .entry_del = entry_del, .entry_desc = entry_desc,
	.matches = pl_matches, .json = pl_json,
};

SG_ACTION(act_CreatePrefixList)
{
	struct sg_prefix_list pl;
	return el_create(&prefix_lists, &pl, env, p, c, r);
}

SG_ACTION(act_ModifyPrefixList) { return el_modify(&prefix_lists, env, p, c, r); }
SG_ACTION(act_DeletePrefixList) { return el_delete(&prefix_lists, env, p, c, r); }
SG_ACTION(act_DescribePrefixLists) { return el_describe(&prefix_lists, env, p, c, r); }

SG_ACTION(act_DescribePrefixListAttributes)
{
	if (sg_check_region(env, p, r))
		return -1;
	const struct sg_prefix_list *pl = el_need(&prefix_lists, env, p, c, r);
	if (!pl)
		return -1;
	json_t *body = sg_json_body(r);
	sgu_set(body, "PrefixListId", pl->id);
	sgu_set(body, "PrefixListName", pl->name);
	sgu_set(body, "Description", pl->description);
	sgu_set(body, "AddressFamily", family_name(pl->family));
	json_object_set_new(body, "MaxEntries", json_integer(pl->max_entries));
	sgu_set(body, "CreationTime", pl->create_time);
	json_t *arr = sgu_wrapped_array(body, "Entries", "Entry");
	for (size_t i = 0; i < pl->nentries; i++) {
		json_t *e = json_object();
		sgu_set(e, "Cidr", pl->entries[i].cidr);
		sgu_set(e, "Description", pl->entries[i].description);
		json_array_append_new(arr, e);
	}
	return 0;
}
