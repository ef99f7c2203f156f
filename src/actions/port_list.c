/* port_list.c - CreatePortRangeList, ModifyPortRangeList,
 * DeletePortRangeList, DescribePortRangeLists.  A port list holds up to
 * MaxEntries port ranges; a rule that references it costs MaxEntries of the
 * per-NIC rule quota (fixed at creation, so entry changes never break it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "json_util.h"

/* Another account's list answers NotFound: lists are scoped per account. */
static struct sg_port_list *need_prl(struct sg_env *env, const struct sg_caller *c,
				     const char *id, struct sg_reply *r)
{
	struct sg_port_list *prl = sg_prl_find(env->model, id);
	if (!prl || !sg_owns(c, prl->owner_id)) {
		sg_fail(r, 404, "InvalidPortRangeListId.NotFound",
			"The specified port range list was not found.");
		return NULL;
	}
	return prl;
}

static bool prl_name_ok(const char *s)
{
	return sgu_name_ok(s) && strncasecmp(s, "com.aliyun", 10) != 0 &&
	       strncasecmp(s, "com.alibabacloud", 16) != 0;
}

struct prl_item {
	struct sg_port_range range;
	const char *desc;   /* points into the params; NULL when not given */
};

struct prl_items {
	struct prl_item *v;
	size_t n;
};

static void items_free(struct prl_items *it)
{
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

static bool same_range(const struct sg_port_range *a, const struct sg_port_range *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->any == b->any;
}

static ssize_t items_find(const struct prl_items *it, const struct sg_port_range *a)
{
	for (size_t i = 0; i < it->n; i++)
		if (same_range(&it->v[i].range, a))
			return (ssize_t)i;
	return -1;
}

static ssize_t prl_find_entry(const struct sg_port_list *prl, const struct sg_port_range *a)
{
	for (size_t i = 0; i < prl->nentries; i++)
		if (same_range(&prl->entries[i].range, a))
			return (ssize_t)i;
	return -1;
}

/* "<prefix>.N.PortRange" (+ ".Description") into it; "-1/-1" is no range
 * and duplicates within the request are refused. */
static int parse_items(const struct sg_params *p, const char *prefix, bool with_desc,
		       struct prl_items *it, struct sg_reply *r)
{
	unsigned *idx = malloc(SGU_MAX_ITEMS * sizeof(*idx));
	int rc = -1, k;
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
		struct prl_item *e = &it->v[it->n];
		const char *pr = sg_paramf(p, "%s.%u.PortRange", prefix, idx[i]);
		if (!pr || !*pr) {
			sg_fail(r, 400, "MissingParameter",
				"The input parameter \"%s.%u.PortRange\" is mandatory.", prefix, idx[i]);
			goto out;
		}
		if (sg_port_parse(pr, &e->range) || e->range.any) {
			sg_fail(r, 400, "InvalidParam.PortRange",
				"The specified parameter %s.%u.PortRange is not valid. It should be two integers between 1 and 65535 in ?/? format.",
				prefix, idx[i]);
			goto out;
		}
		e->desc = with_desc ? sg_paramf(p, "%s.%u.Description", prefix, idx[i]) : NULL;
		if (e->desc && !sgu_desc_ok(e->desc, 2, 32)) {
			sg_fail(r, 400, "InvalidDescription.Malformed",
				"The specified parameter %s.%u.Description is not valid.", prefix, idx[i]);
			goto out;
		}
		if (items_find(it, &e->range) >= 0) {
			sg_fail(r, 400, "InvalidParam.DuplicateEntry",
				"The specified port range %s is duplicated.", pr);
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

static int entry_add(struct sg_port_list *prl, const struct prl_item *it)
{
	struct sg_port_entry e = { .range = it->range };
	sg_port_format(&it->range, e.text, sizeof(e.text));
	if (it->desc && *it->desc && !(e.description = strdup(it->desc)))
		return -1;
	if (sg_prl_entry_add(prl, &e)) {
		free(e.description);
		return -1;
	}
	return 0;
}

static void prl_scrap(struct sg_port_list *prl)
{
	for (size_t i = 0; i < prl->nentries; i++)
		free(prl->entries[i].description);
	free(prl->entries);
	free(prl->description);
}

static int max_entries_fail(struct sg_reply *r, uint32_t max)
{
	return sg_fail(r, 400, "QuotaExceed.PortRangeListEntries",
		       "The number of entries exceeds MaxEntries (%u) of the port range list.", max);
}

static int create_parse(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			struct sg_port_list *prl, struct sg_reply *r)
{
	const char *name, *desc = sg_param(p, "Description");
	struct prl_items it = { 0 };
	long max;
	memset(prl, 0, sizeof(*prl));
	if (!(name = sg_need(p, "PortRangeListName", r)) || !sg_need(p, "MaxEntries", r))
		return -1;
	if (!prl_name_ok(name))
		return sg_fail(r, 400, "InvalidPortRangeListName.Malformed",
			       "The specified parameter PortRangeListName is not valid.");
	if (sgu_int(p, "MaxEntries", 1, env->model->quota.port_list_max, 0,
		    "InvalidMaxEntries.Malformed", &max, r))
		return -1;
	if (desc && !sgu_desc_ok(desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	if (parse_items(p, "Entry", true, &it, r))
		return -1;
	if (it.n > (size_t)max) {
		items_free(&it);
		return max_entries_fail(r, (uint32_t)max);
	}
	prl->max_entries = (uint32_t)max;
	do
		sg_id_new("prl-", prl->id, sizeof(prl->id));
	while (sg_prl_find(env->model, prl->id));
	snprintf(prl->name, sizeof(prl->name), "%s", name);
	prl->owner_id = c->account.id;
	sg_time_now(prl->create_time, sizeof(prl->create_time));
	bool oom = desc && *desc && !(prl->description = strdup(desc));
	for (size_t i = 0; !oom && i < it.n; i++)
		oom = entry_add(prl, &it.v[i]) != 0;
	items_free(&it);
	if (oom) {
		prl_scrap(prl);
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	}
	return 0;
}

SG_ACTION(CreatePortRangeList)
{
	struct sg_port_list prl;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "CreatePortRangeList", r))
		return r->code ? -1 : 0;
	if (create_parse(env, p, c, &prl, r))
		return -1;
	if (sg_tx_begin(env, r)) {
		prl_scrap(&prl);
		return -1;
	}
	if (SGU_STORE(env, r, sg_store_put_prl(env->store, &prl)))
		goto abort;
	if (!sg_prl_add(env->model, &prl)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto abort;
	}
	sgu_set(sg_json_body(r), "PortRangeListId", prl.id);
	if (sg_token_save(env, p, c, "CreatePortRangeList", r)) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
abort:
	prl_scrap(&prl);
	sg_tx_abort(env);
	return -1;
}

/* ---- ModifyPortRangeList ---- */

struct prl_change {
	struct prl_items add, del;
	const char *name, *desc;
	size_t fresh;   /* AddEntry items that are not in the list yet */
};

/* AddEntry "adds or modifies" (reference): an existing range gets the new
 * description; RemoveEntry ranges must exist and differ from AddEntry. */
static int modify_parse(const struct sg_params *p, const struct sg_port_list *prl,
			struct prl_change *ch, struct sg_reply *r)
{
	memset(ch, 0, sizeof(*ch));
	ch->name = sg_param(p, "PortRangeListName");
	ch->desc = sg_param(p, "Description");
	if (ch->name && *ch->name && !prl_name_ok(ch->name))
		return sg_fail(r, 400, "InvalidPortRangeListName.Malformed",
			       "The specified parameter PortRangeListName is not valid.");
	if (ch->desc && !sgu_desc_ok(ch->desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	if (parse_items(p, "RemoveEntry", false, &ch->del, r) ||
	    parse_items(p, "AddEntry", true, &ch->add, r))
		goto fail;
	for (size_t i = 0; i < ch->del.n; i++)
		if (prl_find_entry(prl, &ch->del.v[i].range) < 0) {
			sg_fail(r, 400, "InvalidParam.EntryNotFound",
				"A port range to remove is not in the port range list.");
			goto fail;
		}
	for (size_t i = 0; i < ch->add.n; i++) {
		if (items_find(&ch->del, &ch->add.v[i].range) >= 0) {
			sg_fail(r, 400, "InvalidParam.EntryConflict",
				"A port range is both added and removed.");
			goto fail;
		}
		ch->fresh += prl_find_entry(prl, &ch->add.v[i].range) < 0;
	}
	if (prl->nentries - ch->del.n + ch->fresh > prl->max_entries) {
		max_entries_fail(r, prl->max_entries);
		goto fail;
	}
	return 0;
fail:
	items_free(&ch->add);
	items_free(&ch->del);
	return -1;
}

static int set_desc(char **dst, const char *src)
{
	char *d = *src ? strdup(src) : NULL;
	if (*src && !d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

static int modify_apply(struct sg_port_list *prl, const struct prl_change *ch)
{
	for (size_t i = 0; i < ch->del.n; i++)
		sg_prl_entry_del(prl, (size_t)prl_find_entry(prl, &ch->del.v[i].range));
	for (size_t i = 0; i < ch->add.n; i++) {
		const struct prl_item *it = &ch->add.v[i];
		ssize_t at = prl_find_entry(prl, &it->range);
		if (at < 0 ? entry_add(prl, it) :
			     (it->desc ? set_desc(&prl->entries[at].description, it->desc) : 0))
			return -1;
	}
	if (ch->name && *ch->name)
		snprintf(prl->name, sizeof(prl->name), "%s", ch->name);
	if (ch->desc && set_desc(&prl->description, ch->desc))
		return -1;
	return 0;
}

SG_ACTION(ModifyPortRangeList)
{
	struct prl_change ch;
	int rc = -1;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "ModifyPortRangeList", r))
		return r->code ? -1 : 0;
	const char *id = sg_need(p, "PortRangeListId", r);
	struct sg_port_list *prl = id ? need_prl(env, c, id, r) : NULL;
	if (!prl || modify_parse(p, prl, &ch, r))
		return -1;
	if (sg_tx_begin(env, r))
		goto out;
	/* Model first (the store upserts the whole list); abort reloads it. */
	if (modify_apply(prl, &ch)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		sg_tx_abort(env);
		goto out;
	}
	if (SGU_STORE(env, r, sg_store_put_prl(env->store, prl))) {
		sg_tx_abort(env);
		goto out;
	}
	sg_json_body(r);
	if (sg_token_save(env, p, c, "ModifyPortRangeList", r)) {
		sg_tx_abort(env);
		goto out;
	}
	rc = sg_tx_commit(env, r);
out:
	items_free(&ch.add);
	items_free(&ch.del);
	return rc;
}

SG_ACTION(DeletePortRangeList)
{
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "PortRangeListId", r);
	struct sg_port_list *prl = id ? need_prl(env, c, id, r) : NULL;
	if (!prl)
		return -1;
	if (sg_prl_is_referenced(env->model, prl->id))
		return sg_fail(r, 400, "NotAllowed.AssociationExist",
			       "The specified port range list has associated resources.");
	if (sg_tx_begin(env, r))
		return -1;
	if (SGU_STORE(env, r, sg_store_del_prl(env->store, prl->id))) {
		sg_tx_abort(env);
		return -1;
	}
	sg_prl_del(env->model, prl);
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

/* ---- DescribePortRangeLists ---- */

static size_t prl_associations(const struct sg_model *m, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++)
			if (strcmp(m->groups[i].rules[j].port_list_id, id) == 0) {
				n++;
				break;
			}
	return n;
}

/* The reference answers PortRangeLists as a plain array, Tags too. */
static json_t *prl_json(const struct sg_model *m, const struct sg_port_list *prl)
{
	json_t *o = json_object();
	sgu_set(o, "PortRangeListId", prl->id);
	sgu_set(o, "PortRangeListName", prl->name);
	sgu_set(o, "Description", prl->description);
	json_object_set_new(o, "MaxEntries", json_integer(prl->max_entries));
	json_object_set_new(o, "AssociationCount", json_integer((json_int_t)prl_associations(m, prl->id)));
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

static bool prl_matches(const struct sg_params *p, const struct sg_caller *c,
			const struct sg_port_list *prl, const char **ids, size_t nids)
{
	const char *name = sg_param(p, "PortRangeListName");
	if (!sg_owns(c, prl->owner_id))
		return false;
	if (name && *name && strcmp(name, prl->name) != 0)
		return false;
	if (!nids)
		return true;
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], prl->id) == 0)
			return true;
	return false;
}

SG_ACTION(DescribePortRangeLists)
{
	static const struct sgu_page_spec spec = {
		.tokens = true, .max_def = 10, .max_lo = 1, .max_hi = 100,
	};
	const char *ids[100];
	size_t nids = 0;
	struct sgu_page pg;
	if (sg_check_region(env, p, r) || sgu_page_parse(p, &spec, &pg, r) ||
	    sgu_list(p, "PortRangeListId", ids, &nids, 100, r))
		return -1;
	json_t *body = sg_json_body(r);
	json_t *arr = json_array();
	json_object_set_new(body, "PortRangeLists", arr);
	size_t total = 0;
	for (size_t i = 0; i < env->model->nprls; i++) {
		const struct sg_port_list *prl = &env->model->prls[i];
		if (!prl_matches(p, c, prl, ids, nids))
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, prl_json(env->model, prl));
		total++;
	}
	sgu_page_render(body, &pg, total, false);
	return 0;
}
