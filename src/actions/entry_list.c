/* entry_list.c - Create, Modify, Delete and Describe for every list kind
 * that entry_list.h describes (prefix lists, port range lists). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entry_list.h"
#include "json_util.h"

void *el_need(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r)
{
	const char *id = sg_need(p, k->id_param, r);
	if (!id)
		return NULL;
	void *l = k->find(env->model, id);
	if (!l || !sg_owns(c, *k->head(l).owner_id)) {
		sg_fail(r, 404, k->not_found_code, "The specified %s was not found.", k->noun);
		return NULL;
	}
	return l;
}

size_t el_groups_using(const struct sg_model *m, const char *id,
		       bool (*uses)(const struct sg_rule *ru, const char *id))
{
	size_t n = 0;
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++)
			if (uses(&m->groups[i].rules[j], id)) {
				n++;
				break;
			}
	return n;
}

/* The names "com.aliyun*" and "com.alibabacloud*" are the cloud's own. */
static bool name_ok(const char *s)
{
	return sgu_name_ok(s) && strncasecmp(s, "com.aliyun", 10) != 0 &&
	       strncasecmp(s, "com.alibabacloud", 16) != 0;
}

/* The list's name and description, each checked only when given. */
static int name_check(const struct el_kind *k, const char *name, struct sg_reply *r)
{
	if (name && *name && !name_ok(name))
		return sg_fail(r, 400, k->name_code, "The specified parameter %s is not valid.",
			       k->name_param);
	return 0;
}

static int desc_check(const char *desc, struct sg_reply *r)
{
	if (desc && !sgu_desc_ok(desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	return 0;
}

static int quota_fail(const struct el_kind *k, struct sg_reply *r, uint32_t max)
{
	return sg_fail(r, 400, k->quota_code,
		       "The number of entries exceeds MaxEntries (%u) of the %s.", max, k->noun);
}

/* "" clears, anything else replaces *dst with a copy. */
static int set_desc(char **dst, const char *src)
{
	char *d = *src ? strdup(src) : NULL;
	if (*src && !d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

/* ---- entries of a request ---- */

struct el_items {
	struct el_item *v;
	size_t n;
};

static void items_free(struct el_items *it)
{
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

static ssize_t items_find(const struct el_kind *k, const struct el_items *it,
			  const struct el_item *e)
{
	for (size_t i = 0; i < it->n; i++)
		if (k->item_same(&it->v[i], e))
			return (ssize_t)i;
	return -1;
}

static ssize_t entry_find(const struct el_kind *k, void *l, const struct el_item *e)
{
	size_t n = k->head(l).nentries;
	for (size_t i = 0; i < n; i++)
		if (k->entry_is(l, i, e))
			return (ssize_t)i;
	return -1;
}

/* "<prefix>.N.*" (+ ".Description" when with_desc) into it, for list l;
 * duplicates within the request are refused. */
static int items_parse(const struct el_kind *k, const void *l, const struct sg_params *p,
		       const char *prefix, bool with_desc, struct el_items *it, struct sg_reply *r)
{
	unsigned *idx = malloc(SGU_MAX_ITEMS * sizeof(*idx));
	int rc = -1, n;
	it->v = NULL;
	it->n = 0;
	if (!idx)
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	n = sgu_indices(p, prefix, idx, SGU_MAX_ITEMS, r);
	if (n < 0)
		goto out;
	if (n && !(it->v = calloc((size_t)n, sizeof(*it->v)))) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct el_item *e = &it->v[it->n];
		if (k->item_parse(l, p, prefix, idx[i], e, r))
			goto out;
		e->desc = with_desc ? sg_paramf(p, "%s.%u.Description", prefix, idx[i]) : NULL;
		if (e->desc && !sgu_desc_ok(e->desc, 2, 32)) {
			sg_fail(r, 400, "InvalidDescription.Malformed",
				"The specified parameter %s.%u.Description is not valid.", prefix, idx[i]);
			goto out;
		}
		if (items_find(k, it, e) >= 0) {
			sg_fail(r, 400, "InvalidParam.DuplicateEntry", k->dup_fmt, e->text);
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

static int entry_add(const struct el_kind *k, void *l, const struct el_item *it)
{
	char *d = NULL;
	if (it->desc && *it->desc && !(d = strdup(it->desc)))
		return -1;
	if (k->entry_add(l, it, d)) {
		free(d);
		return -1;
	}
	return 0;
}

/* ---- Create ---- */

/* Validated Create input as a fresh list with its entries in l. */
static int create_parse(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
			const struct sg_caller *c, void *l, struct sg_reply *r)
{
	const char *name, *attr = NULL, *desc = sg_param(p, "Description");
	struct el_items it = { 0 };
	long max;
	memset(l, 0, k->list_size);
	if (!(name = sg_need(p, k->name_param, r)) ||
	    (k->attr_param && !(attr = sg_need(p, k->attr_param, r))) || !sg_need(p, "MaxEntries", r))
		return -1;
	if (name_check(k, name, r))
		return -1;
	if ((attr && k->create_attr(attr, l, r)) ||
	    sgu_int(p, "MaxEntries", 1, k->max_entries_cap(env->model), 0,
		    "InvalidMaxEntries.Malformed", &max, r))
		return -1;
	if (desc_check(desc, r) || items_parse(k, l, p, "Entry", true, &it, r))
		return -1;
	if (it.n > (size_t)max) {
		items_free(&it);
		return quota_fail(k, r, (uint32_t)max);
	}
	struct el_head h = k->head(l);
	*h.max_entries = (uint32_t)max;
	do
		sg_id_new(k->id_prefix, h.id, SG_ID_LEN);
	while (k->find(env->model, h.id));
	snprintf(h.name, SG_NAME_LEN, "%s", name);
	*h.owner_id = c->account.id;
	sg_time_now(h.create_time, SG_TIME_LEN);
	bool oom = desc && *desc && !(*h.description = strdup(desc));
	for (size_t i = 0; !oom && i < it.n; i++)
		oom = entry_add(k, l, &it.v[i]) != 0;
	items_free(&it);
	if (oom) {
		k->scrap(l);
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	}
	return 0;
}

/* Which per-account quota a kind's lists count toward (quota.c). */
static enum sg_owned owned_kind(const struct el_kind *k)
{
	return strcmp(k->id_prefix, "pl-") == 0 ? SG_OWNED_PREFIX_LIST : SG_OWNED_PORT_LIST;
}

int el_create(const struct el_kind *k, void *l, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r)
{
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, k->create_action, r))
		return r->code ? -1 : 0;
	if (sg_account_quota(env, c, owned_kind(k), r) || create_parse(k, env, p, c, l, r))
		return -1;
	if (sg_tx_begin(env, r)) {
		k->scrap(l);
		return -1;
	}
	if (SGU_STORE(env, r, k->put(env->store, l)))
		goto abort;
	if (!k->add(env->model, l)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto abort;
	}
	sgu_set(sg_json_body(r), k->id_param, k->head(l).id);
	if (sg_token_save(env, p, c, k->create_action, r)) {
		sg_tx_abort(env); /* the model owns l's contents now; this reloads it */
		return -1;
	}
	return sg_tx_commit(env, r);
abort:
	k->scrap(l);
	sg_tx_abort(env);
	return -1;
}

/* ---- Modify ---- */

struct el_change {
	struct el_items add, del;
	const char *name, *desc;
	size_t fresh;   /* AddEntry items that are not in the list yet */
};

static void change_free(struct el_change *ch)
{
	items_free(&ch->add);
	items_free(&ch->del);
}

/* RemoveEntry entries must be in the list and not also added; AddEntry
 * entries must be new unless the kind lets AddEntry modify. */
static int change_check(const struct el_kind *k, void *l, struct el_change *ch,
			struct sg_reply *r)
{
	for (size_t i = 0; i < ch->del.n; i++)
		if (entry_find(k, l, &ch->del.v[i]) < 0)
			return sg_fail(r, 400, "InvalidParam.EntryNotFound", k->absent_fmt,
				       ch->del.v[i].text);
	for (size_t i = 0; i < ch->add.n; i++) {
		const struct el_item *e = &ch->add.v[i];
		if (items_find(k, &ch->del, e) >= 0)
			return sg_fail(r, 400, "InvalidParam.EntryConflict", k->conflict_fmt, e->text);
		bool fresh = entry_find(k, l, e) < 0;
		if (!fresh && !k->add_replaces)
			return sg_fail(r, 400, "InvalidParam.DuplicateEntry", k->exists_fmt, e->text);
		ch->fresh += fresh;
	}
	struct el_head h = k->head(l);
	if (h.nentries - ch->del.n + ch->fresh > *h.max_entries)
		return quota_fail(k, r, *h.max_entries);
	return 0;
}

static int modify_parse(const struct el_kind *k, const struct sg_params *p, void *l,
			struct el_change *ch, struct sg_reply *r)
{
	memset(ch, 0, sizeof(*ch));
	ch->name = sg_param(p, k->name_param);
	ch->desc = sg_param(p, "Description");
	if (name_check(k, ch->name, r) || desc_check(ch->desc, r))
		return -1;
	if (items_parse(k, l, p, "RemoveEntry", false, &ch->del, r) ||
	    items_parse(k, l, p, "AddEntry", true, &ch->add, r) || change_check(k, l, ch, r)) {
		change_free(ch);
		return -1;
	}
	return 0;
}

/* Applies a validated change to the model; -1 only on allocation failure. */
static int modify_apply(const struct el_kind *k, void *l, const struct el_change *ch)
{
	for (size_t i = 0; i < ch->del.n; i++)
		k->entry_del(l, (size_t)entry_find(k, l, &ch->del.v[i]));
	for (size_t i = 0; i < ch->add.n; i++) {
		const struct el_item *it = &ch->add.v[i];
		ssize_t at = entry_find(k, l, it);
		if (at < 0 ? entry_add(k, l, it) :
			     (it->desc ? set_desc(k->entry_desc(l, (size_t)at), it->desc) : 0))
			return -1;
	}
	struct el_head h = k->head(l);
	if (ch->name && *ch->name)
		snprintf(h.name, SG_NAME_LEN, "%s", ch->name);
	if (ch->desc && set_desc(h.description, ch->desc))
		return -1;
	return 0;
}

int el_modify(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r)
{
	struct el_change ch;
	int rc = -1;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, k->modify_action, r))
		return r->code ? -1 : 0;
	void *l = el_need(k, env, p, c, r);
	if (!l || modify_parse(k, p, l, &ch, r))
		return -1;
	if (sg_tx_begin(env, r))
		goto out;
	/* The model changes first: the store upserts the whole list.  On a
	 * failure the abort reloads the model from the store. */
	if (modify_apply(k, l, &ch)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		sg_tx_abort(env);
		goto out;
	}
	if (SGU_STORE(env, r, k->put(env->store, l))) {
		sg_tx_abort(env);
		goto out;
	}
	sg_json_body(r);
	if (sg_token_save(env, p, c, k->modify_action, r)) {
		sg_tx_abort(env);
		goto out;
	}
	rc = sg_tx_commit(env, r);
out:
	change_free(&ch);
	return rc;
}

/* ---- Delete ---- */

int el_delete(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
	      const struct sg_caller *c, struct sg_reply *r)
{
	if (sg_check_region(env, p, r))
		return -1;
	void *l = el_need(k, env, p, c, r);
	if (!l)
		return -1;
	const char *id = k->head(l).id;
	if (k->referenced(env->model, id))
		return sg_fail(r, 400, "NotAllowed.AssociationExist",
			       "The specified %s has associated resources.", k->noun);
	if (sg_tx_begin(env, r))
		return -1;
	if (SGU_STORE(env, r, k->store_del(env->store, id))) {
		sg_tx_abort(env);
		return -1;
	}
	k->del(env->model, l);
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

/* ---- Describe ---- */

static bool list_matches(const struct el_kind *k, const struct sg_params *p,
			 const struct sg_caller *c, void *l, const char **ids, size_t nids)
{
	const char *name = sg_param(p, k->name_param);
	struct el_head h = k->head(l);
	if (!sg_owns(c, *h.owner_id))
		return false;
	if (name && *name && strcmp(name, h.name) != 0)
		return false;
	if (k->matches && !k->matches(p, l))
		return false;
	if (!nids)
		return true;
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], h.id) == 0)
			return true;
	return false;
}

int el_describe(const struct el_kind *k, struct sg_env *env, const struct sg_params *p,
		const struct sg_caller *c, struct sg_reply *r)
{
	static const struct sgu_page_spec spec = {
		.tokens = true, .max_def = 10, .max_lo = 1, .max_hi = 100,
	};
	const char *ids[100];
	size_t nids = 0;
	struct sgu_page pg;
	if (sg_check_region(env, p, r) || sgu_page_parse(p, &spec, &pg, r) ||
	    sgu_list(p, k->id_param, ids, &nids, 100, r))
		return -1;
	json_t *body = sg_json_body(r), *arr;
	if (k->answer_inner) {
		arr = sgu_wrapped_array(body, k->answer_key, k->answer_inner);
	} else {
		arr = json_array();
		json_object_set_new(body, k->answer_key, arr);
	}
	size_t total = 0;
	void *l;
	for (size_t i = 0; (l = k->at(env->model, i)); i++) {
		if (!list_matches(k, p, c, l, ids, nids))
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, k->json(env->model, l));
		total++;
	}
	sgu_page_render(body, &pg, total, false);
	return 0;
}
