/* prefix_list.c - CreatePrefixList, ModifyPrefixList, DeletePrefixList,
 * DescribePrefixLists, DescribePrefixListAttributes.  A prefix list holds
 * CIDR blocks of one address family, at most MaxEntries (fixed at creation);
 * rules reference it, so every change reaches the dataplane at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "json_util.h"

/* Another account's list answers NotFound: lists are scoped per account. */
static struct sg_prefix_list *need_pl(struct sg_env *env, const struct sg_caller *c,
				      const char *id, struct sg_reply *r)
{
	struct sg_prefix_list *pl = sg_pl_find(env->model, id);
	if (!pl || !sg_owns(c, pl->owner_id)) {
		sg_fail(r, 404, "InvalidPrefixListId.NotFound", "The specified prefix list was not found.");
		return NULL;
	}
	return pl;
}

static bool pl_name_ok(const char *s)
{
	return sgu_name_ok(s) && strncasecmp(s, "com.aliyun", 10) != 0 &&
	       strncasecmp(s, "com.alibabacloud", 16) != 0;
}

/* Entries parsed from a request; descriptions point into the params. */
struct pl_item {
	struct sg_addr_range range;
	char cidr[SG_TEXT_LEN];
	const char *desc;
};

struct pl_items {
	struct pl_item *v;
	size_t n;
};

static void items_free(struct pl_items *it)
{
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

static ssize_t items_find(const struct pl_items *it, const struct sg_addr_range *a)
{
	for (size_t i = 0; i < it->n; i++)
		if (sg_addr_equal(&it->v[i].range, a))
			return (ssize_t)i;
	return -1;
}

static ssize_t pl_find_entry(const struct sg_prefix_list *pl, const struct sg_addr_range *a)
{
	for (size_t i = 0; i < pl->nentries; i++)
		if (sg_addr_equal(&pl->entries[i].range, a))
			return (ssize_t)i;
	return -1;
}

/* One CIDR block of the list's family, in canonical form. */
static int parse_cidr(const char *text, const char *param, uint8_t family,
		      struct pl_item *out, struct sg_reply *r)
{
	if (!text || !*text)
		return sg_fail(r, 400, "MissingParameter", "The input parameter %s is mandatory.", param);
	if (strchr(text, '-') || sg_addr_parse(text, &out->range))
		return sg_fail(r, 400, "InvalidParam.Cidr", "The specified parameter %s is not valid.", param);
	if (out->range.family != family)
		return sg_fail(r, 400, "InvalidParam.AddressFamilyMismatch",
			       "The address family of %s does not match the prefix list.", param);
	sg_addr_format(&out->range, out->cidr, sizeof(out->cidr));
	return 0;
}

/* "<prefix>.N.Cidr" (+ ".Description" when with_desc) into it; duplicates
 * within the request are refused. */
static int parse_items(const struct sg_params *p, const char *prefix, bool with_desc,
		       uint8_t family, struct pl_items *it, struct sg_reply *r)
{
	unsigned *idx = malloc(SGU_MAX_ITEMS * sizeof(*idx));
	int rc = -1, k;
	char param[64];
	it->v = NULL;
	it->n = 0;
	if (!idx)
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	k = sgu_indices(p, prefix, idx, SGU_MAX_ITEMS, r);
	if (k < 0)
		goto out;
	if (k && !(it->v = calloc((size_t)k, sizeof(*it->v)))) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto out;
	}
	for (int i = 0; i < k; i++) {
		struct pl_item *e = &it->v[it->n];
		snprintf(param, sizeof(param), "%s.%u.Cidr", prefix, idx[i]);
		if (parse_cidr(sg_param(p, param), param, family, e, r))
			goto out;
		e->desc = with_desc ? sg_paramf(p, "%s.%u.Description", prefix, idx[i]) : NULL;
		if (e->desc && !sgu_desc_ok(e->desc, 2, 32)) {
			sg_fail(r, 400, "InvalidDescription.Malformed",
				"The specified parameter %s.%u.Description is not valid.", prefix, idx[i]);
			goto out;
		}
		if (items_find(it, &e->range) >= 0) {
			sg_fail(r, 400, "InvalidParam.DuplicateEntry",
				"The specified entry %s is duplicated.", e->cidr);
			goto out;
		}
		it->n++;
	}
	rc = 0;
out:
	if (rc)
		items_free(it);
	free(idx);
	return rc;
}

static int entry_add(struct sg_prefix_list *pl, const struct pl_item *it)
{
	struct sg_prefix_entry e = { .range = it->range };
	snprintf(e.cidr, sizeof(e.cidr), "%s", it->cidr);
	if (it->desc && *it->desc && !(e.description = strdup(it->desc)))
		return -1;
	if (sg_pl_entry_add(pl, &e)) {
		free(e.description);
		return -1;
	}
	return 0;
}

/* Frees what a not-yet-added list owns. */
static void pl_scrap(struct sg_prefix_list *pl)
{
	for (size_t i = 0; i < pl->nentries; i++)
		free(pl->entries[i].description);
	free(pl->entries);
	free(pl->description);
}

static int family_parse(const char *s, uint8_t *fam, struct sg_reply *r)
{
	if (strcasecmp(s, "IPv4") == 0)
		*fam = 4;
	else if (strcasecmp(s, "IPv6") == 0)
		*fam = 6;
	else
		return sg_fail(r, 400, "InvalidAddressFamily.Malformed",
			       "The specified parameter AddressFamily is not valid.");
	return 0;
}

static int max_entries_fail(struct sg_reply *r, uint32_t max)
{
	return sg_fail(r, 400, "QuotaExceed.PrefixListEntries",
		       "The number of entries exceeds MaxEntries (%u) of the prefix list.", max);
}

/* Validated CreatePrefixList input as a fresh list with its entries. */
static int create_parse(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			struct sg_prefix_list *pl, struct sg_reply *r)
{
	const char *name, *af, *desc = sg_param(p, "Description");
	struct pl_items it = { 0 };
	long max;
	memset(pl, 0, sizeof(*pl));
	if (!(name = sg_need(p, "PrefixListName", r)) || !(af = sg_need(p, "AddressFamily", r)) ||
	    !sg_need(p, "MaxEntries", r))
		return -1;
	if (!pl_name_ok(name))
		return sg_fail(r, 400, "InvalidPrefixListName.Malformed",
			       "The specified parameter PrefixListName is not valid.");
	if (family_parse(af, &pl->family, r) ||
	    sgu_int(p, "MaxEntries", 1, env->model->quota.prefix_list_max, 0,
		    "InvalidMaxEntries.Malformed", &max, r))
		return -1;
	if (desc && !sgu_desc_ok(desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	if (parse_items(p, "Entry", true, pl->family, &it, r))
		return -1;
	if (it.n > (size_t)max) {
		items_free(&it);
		return max_entries_fail(r, (uint32_t)max);
	}
	pl->max_entries = (uint32_t)max;
	do
		sg_id_new("pl-", pl->id, sizeof(pl->id));
	while (sg_pl_find(env->model, pl->id));
	snprintf(pl->name, sizeof(pl->name), "%s", name);
	pl->owner_id = c->account.id;
	sg_time_now(pl->create_time, sizeof(pl->create_time));
	bool oom = desc && *desc && !(pl->description = strdup(desc));
	for (size_t i = 0; !oom && i < it.n; i++)
		oom = entry_add(pl, &it.v[i]) != 0;
	items_free(&it);
	if (oom) {
		pl_scrap(pl);
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	}
	return 0;
}

SG_ACTION(CreatePrefixList)
{
	struct sg_prefix_list pl;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "CreatePrefixList", r))
		return r->code ? -1 : 0;
	if (create_parse(env, p, c, &pl, r))
		return -1;
	if (sg_tx_begin(env, r)) {
		pl_scrap(&pl);
		return -1;
	}
	if (SGU_STORE(env, r, sg_store_put_pl(env->store, &pl)))
		goto abort;
	if (!sg_pl_add(env->model, &pl)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto abort;
	}
	sgu_set(sg_json_body(r), "PrefixListId", pl.id);
	if (sg_token_save(env, p, c, "CreatePrefixList", r)) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
abort:
	pl_scrap(&pl);
	sg_tx_abort(env);
	return -1;
}

/* ---- ModifyPrefixList ---- */

struct pl_change {
	struct pl_items add, del;
	const char *name, *desc;
};

static int modify_parse(const struct sg_params *p, const struct sg_prefix_list *pl,
			struct pl_change *ch, struct sg_reply *r)
{
	memset(ch, 0, sizeof(*ch));
	ch->name = sg_param(p, "PrefixListName");
	ch->desc = sg_param(p, "Description");
	if (ch->name && *ch->name && !pl_name_ok(ch->name))
		return sg_fail(r, 400, "InvalidPrefixListName.Malformed",
			       "The specified parameter PrefixListName is not valid.");
	if (ch->desc && !sgu_desc_ok(ch->desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	if (parse_items(p, "RemoveEntry", false, pl->family, &ch->del, r) ||
	    parse_items(p, "AddEntry", true, pl->family, &ch->add, r))
		goto fail;
	for (size_t i = 0; i < ch->del.n; i++)
		if (pl_find_entry(pl, &ch->del.v[i].range) < 0) {
			sg_fail(r, 400, "InvalidParam.EntryNotFound",
				"The entry %s to remove is not in the prefix list.", ch->del.v[i].cidr);
			goto fail;
		}
	for (size_t i = 0; i < ch->add.n; i++) {
		if (items_find(&ch->del, &ch->add.v[i].range) >= 0) {
			sg_fail(r, 400, "InvalidParam.EntryConflict",
				"The entry %s is both added and removed.", ch->add.v[i].cidr);
			goto fail;
		}
		if (pl_find_entry(pl, &ch->add.v[i].range) >= 0) {
			sg_fail(r, 400, "InvalidParam.DuplicateEntry",
				"The entry %s already exists in the prefix list.", ch->add.v[i].cidr);
			goto fail;
		}
	}
	if (pl->nentries - ch->del.n + ch->add.n > pl->max_entries) {
		max_entries_fail(r, pl->max_entries);
		goto fail;
	}
	return 0;
fail:
	items_free(&ch->add);
	items_free(&ch->del);
	return -1;
}

/* Applies a validated change to the model; -1 only on allocation failure. */
static int modify_apply(struct sg_prefix_list *pl, const struct pl_change *ch)
{
	for (size_t i = 0; i < ch->del.n; i++)
		sg_pl_entry_del(pl, (size_t)pl_find_entry(pl, &ch->del.v[i].range));
	for (size_t i = 0; i < ch->add.n; i++)
		if (entry_add(pl, &ch->add.v[i]))
			return -1;
	if (ch->name && *ch->name)
		snprintf(pl->name, sizeof(pl->name), "%s", ch->name);
	if (ch->desc) {
		char *d = *ch->desc ? strdup(ch->desc) : NULL;
		if (*ch->desc && !d)
			return -1;
		free(pl->description);
		pl->description = d;
	}
	return 0;
}

SG_ACTION(ModifyPrefixList)
{
	struct pl_change ch;
	int rc = -1;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "ModifyPrefixList", r))
		return r->code ? -1 : 0;
	const char *id = sg_need(p, "PrefixListId", r);
	struct sg_prefix_list *pl = id ? need_pl(env, c, id, r) : NULL;
	if (!pl || modify_parse(p, pl, &ch, r))
		return -1;
	if (sg_tx_begin(env, r))
		goto out;
	/* The model changes first: the store upserts the whole list.  On a
	 * failure the abort reloads the model from the store. */
	if (modify_apply(pl, &ch)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		sg_tx_abort(env);
		goto out;
	}
	if (SGU_STORE(env, r, sg_store_put_pl(env->store, pl))) {
		sg_tx_abort(env);
		goto out;
	}
	sg_json_body(r);
	if (sg_token_save(env, p, c, "ModifyPrefixList", r)) {
		sg_tx_abort(env);
		goto out;
	}
	rc = sg_tx_commit(env, r);
out:
	items_free(&ch.add);
	items_free(&ch.del);
	return rc;
}

SG_ACTION(DeletePrefixList)
{
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "PrefixListId", r);
	struct sg_prefix_list *pl = id ? need_pl(env, c, id, r) : NULL;
	if (!pl)
		return -1;
	if (sg_pl_is_referenced(env->model, pl->id))
		return sg_fail(r, 400, "NotAllowed.AssociationExist",
			       "The specified prefix list has associated resources.");
	if (sg_tx_begin(env, r))
		return -1;
	if (SGU_STORE(env, r, sg_store_del_pl(env->store, pl->id))) {
		sg_tx_abort(env);
		return -1;
	}
	sg_pl_del(env->model, pl);
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

/* ---- Describe ---- */

static const char *family_name(uint8_t f)
{
	return f == 6 ? "IPv6" : "IPv4";
}

/* Groups with at least one rule that references the list. */
static size_t pl_associations(const struct sg_model *m, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++)
			if (m->groups[i].rules[j].src_kind == SG_SRC_PREFIX_LIST &&
			    strcmp(m->groups[i].rules[j].prefix_list_id, id) == 0) {
				n++;
				break;
			}
	return n;
}

static json_t *pl_json(const struct sg_model *m, const struct sg_prefix_list *pl)
{
	json_t *o = json_object();
	sgu_set(o, "PrefixListId", pl->id);
	sgu_set(o, "PrefixListName", pl->name);
	sgu_set(o, "Description", pl->description);
	sgu_set(o, "AddressFamily", family_name(pl->family));
	json_object_set_new(o, "MaxEntries", json_integer(pl->max_entries));
	json_object_set_new(o, "AssociationCount", json_integer((json_int_t)pl_associations(m, pl->id)));
	sgu_set(o, "CreationTime", pl->create_time);
	sgu_set(o, "ResourceGroupId", "");
	sgu_wrapped_array(o, "Tags", "Tag");
	return o;
}

static bool pl_matches(const struct sg_params *p, const struct sg_caller *c,
		       const struct sg_prefix_list *pl, const char **ids, size_t nids)
{
	const char *name = sg_param(p, "PrefixListName");
	const char *af = sg_param(p, "AddressFamily");
	if (!sg_owns(c, pl->owner_id))
		return false;
	if (name && *name && strcmp(name, pl->name) != 0)
		return false;
	if (af && *af && strcasecmp(af, family_name(pl->family)) != 0)
		return false;
	if (!nids)
		return true;
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], pl->id) == 0)
			return true;
	return false;
}

SG_ACTION(DescribePrefixLists)
{
	static const struct sgu_page_spec spec = {
		.tokens = true, .max_def = 10, .max_lo = 1, .max_hi = 100,
	};
	const char *ids[100];
	size_t nids = 0;
	struct sgu_page pg;
	if (sg_check_region(env, p, r) || sgu_page_parse(p, &spec, &pg, r) ||
	    sgu_list(p, "PrefixListId", ids, &nids, 100, r))
		return -1;
	json_t *body = sg_json_body(r);
	json_t *arr = sgu_wrapped_array(body, "PrefixLists", "PrefixList");
	size_t total = 0;
	for (size_t i = 0; i < env->model->npls; i++) {
		const struct sg_prefix_list *pl = &env->model->pls[i];
		if (!pl_matches(p, c, pl, ids, nids))
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, pl_json(env->model, pl));
		total++;
	}
	sgu_page_render(body, &pg, total, false);
	return 0;
}

SG_ACTION(DescribePrefixListAttributes)
{
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "PrefixListId", r);
	const struct sg_prefix_list *pl = id ? need_pl(env, c, id, r) : NULL;
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
