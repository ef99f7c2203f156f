/* store_lists.c - prefix lists and port range lists with their entries.
 * A put rewrites the header in place (upsert) and the entries as a whole:
 * lists are small and this keeps their order exactly as the model has it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"

#define PL_COLS "id, name, description, family, max_entries, owner_id, create_time"
#define PL_ENT_COLS "family, lo, hi, cidr, description"
#define PRL_COLS "id, name, description, max_entries, owner_id, create_time"
#define PRL_ENT_COLS "lo, hi, any, text, description"

/* ---- prefix lists ---- */

static int pl_put_entries(struct sg_store *st, const struct sg_prefix_list *pl)
{
	struct st_bind b;
	size_t i;
	int ret;

	ret = st_del_by_id(st, ST_PL_ENT_CLEAR,
			"DELETE FROM prefix_list_entries WHERE pl_id = ?1", pl->id);
	for (i = 0; !ret && i < pl->nentries; i++) {
		const struct sg_prefix_entry *e = &pl->entries[i];

		if (b_start(&b, st, ST_PL_ENT_ADD, "INSERT INTO prefix_list_entries(pl_id, pos, "
			    PL_ENT_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7)"))
			return -EIO;
		b_text(&b, pl->id);
		b_int(&b, (int64_t)i);
		b_range(&b, &e->range);
		b_text(&b, e->cidr);
		b_text(&b, e->description);
		ret = b_put(st, &b, "prefix list entry");
	}
	return ret;
}

int sg_store_put_pl(struct sg_store *st, const struct sg_prefix_list *pl)
{
	struct st_bind b;
	int ret;

	if (b_start(&b, st, ST_PL_PUT,
		    "INSERT INTO prefix_lists(" PL_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7)"
		    " ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
		    " description=excluded.description, family=excluded.family,"
		    " max_entries=excluded.max_entries, owner_id=excluded.owner_id,"
		    " create_time=excluded.create_time"))
		return -EIO;
	b_text(&b, pl->id);
	b_text(&b, pl->name);
	b_text(&b, pl->description);
	b_int(&b, pl->family);
	b_int(&b, pl->max_entries);
	b_u64(&b, pl->owner_id);
	b_text(&b, pl->create_time);
	ret = b_put(st, &b, "prefix list");
	return ret ? ret : pl_put_entries(st, pl);
}

int sg_store_del_pl(struct sg_store *st, const char *pl_id)
{
	int ret = st_del_by_id(st, ST_PL_ENT_CLEAR,
			    "DELETE FROM prefix_list_entries WHERE pl_id = ?1", pl_id);

	return ret ? ret : st_del_by_id(st, ST_PL_DEL, "DELETE FROM prefix_lists WHERE id = ?1", pl_id);
}

static int pl_entry_row(struct st_row *r, void *ctx)
{
	struct sg_prefix_list *pl = ctx;
	struct sg_prefix_entry e;
	int64_t pos;
	int ret;

	memset(&e, 0, sizeof(e));
	r_name(r, "prefix_list_entries", "%s pos ?", pl->id);
	pos = r_int(r, 0, INT32_MAX);
	r_name(r, "prefix_list_entries", "%s pos %lld", pl->id, (long long)pos);
	r_range(r, &e.range);
	r_text(r, e.cidr, sizeof(e.cidr));
	e.description = r_text_dup(r);
	if (!r->rc)
		r_check_addr(r, "entry", &e.range, e.cidr);
	if (!r->rc && e.range.family != pl->family)
		r_bad(r, "entry family %u differs from the list's family %u", e.range.family,
		      pl->family);
	ret = r->rc ? r->rc : sg_pl_entry_add(pl, &e);
	if (ret)
		free(e.description);
	return ret;
}

static int pl_load_entries(struct sg_store *st, struct sg_prefix_list *pl)
{
	sqlite3_stmt *s = st_get(st, ST_LOAD_PL_ENTS, "SELECT pos, " PL_ENT_COLS
				 " FROM prefix_list_entries WHERE pl_id = ?1 ORDER BY pos");

	if (!s)
		return -EIO;
	if (sqlite3_bind_text(s, 1, pl->id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return st_fail(st, "bind prefix list id");
	return st_each_row(st, s, pl_entry_row, pl, "load prefix list entries");
}

struct list_rows {
	struct sg_store *st;
	struct sg_model *m;
};

static int pl_row(struct st_row *r, void *ctx)
{
	struct list_rows *lr = ctx;
	struct sg_prefix_list pl, *added = NULL;
	int ret;

	memset(&pl, 0, sizeof(pl));
	r_text(r, pl.id, sizeof(pl.id));
	r_name(r, "prefix_lists", "%s", pl.id);
	r_text(r, pl.name, sizeof(pl.name));
	pl.description = r_text_dup(r);
	pl.family = (uint8_t)r_int(r, 4, 6);
	pl.max_entries = (uint32_t)r_int(r, 1, UINT32_MAX);
	pl.owner_id = r_u64(r);
	r_text(r, pl.create_time, sizeof(pl.create_time));
	if (!pl.id[0])
		r_bad(r, "empty id");
	if (pl.family != 4 && pl.family != 6)
		r_bad(r, "family %u is neither 4 nor 6", pl.family);
	ret = r->rc;
	if (!ret && !(added = sg_pl_add(lr->m, &pl)))
		ret = -ENOMEM;
	if (ret) {
		free(pl.description);
		return ret;
	}
	return pl_load_entries(lr->st, added);
}

int st_load_pls(struct sg_store *st, struct sg_model *m)
{
	struct list_rows lr = { st, m };
	sqlite3_stmt *s = st_get(st, ST_LOAD_PLS,
				 "SELECT " PL_COLS " FROM prefix_lists ORDER BY rowid");

	return s ? st_each_row(st, s, pl_row, &lr, "load prefix lists") : -EIO;
}

/* ---- port range lists ---- */

static int prl_put_entries(struct sg_store *st, const struct sg_port_list *prl)
{
	struct st_bind b;
	size_t i;
	int ret;

	ret = st_del_by_id(st, ST_PRL_ENT_CLEAR,
			"DELETE FROM port_list_entries WHERE prl_id = ?1", prl->id);
	for (i = 0; !ret && i < prl->nentries; i++) {
		const struct sg_port_entry *e = &prl->entries[i];

		if (b_start(&b, st, ST_PRL_ENT_ADD, "INSERT INTO port_list_entries(prl_id, pos, "
			    PRL_ENT_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7)"))
			return -EIO;
		b_text(&b, prl->id);
		b_int(&b, (int64_t)i);
		b_port(&b, &e->range);
		b_text(&b, e->text);
		b_text(&b, e->description);
		ret = b_put(st, &b, "port list entry");
	}
	return ret;
}

int sg_store_put_prl(struct sg_store *st, const struct sg_port_list *prl)
{
	struct st_bind b;
	int ret;

	if (b_start(&b, st, ST_PRL_PUT,
		    "INSERT INTO port_lists(" PRL_COLS ") VALUES(?1,?2,?3,?4,?5,?6)"
		    " ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
		    " description=excluded.description, max_entries=excluded.max_entries,"
		    " owner_id=excluded.owner_id, create_time=excluded.create_time"))
		return -EIO;
	b_text(&b, prl->id);
	b_text(&b, prl->name);
	b_text(&b, prl->description);
	b_int(&b, prl->max_entries);
	b_u64(&b, prl->owner_id);
	b_text(&b, prl->create_time);
	ret = b_put(st, &b, "port list");
	return ret ? ret : prl_put_entries(st, prl);
}

int sg_store_del_prl(struct sg_store *st, const char *prl_id)
{
	int ret = st_del_by_id(st, ST_PRL_ENT_CLEAR,
			    "DELETE FROM port_list_entries WHERE prl_id = ?1", prl_id);

	return ret ? ret : st_del_by_id(st, ST_PRL_DEL, "DELETE FROM port_lists WHERE id = ?1", prl_id);
}

static int prl_entry_row(struct st_row *r, void *ctx)
{
	struct sg_port_list *prl = ctx;
	struct sg_port_range parsed;
	struct sg_port_entry e;
	int64_t pos;
	int ret;

	memset(&e, 0, sizeof(e));
	r_name(r, "port_list_entries", "%s pos ?", prl->id);
	pos = r_int(r, 0, INT32_MAX);
	r_name(r, "port_list_entries", "%s pos %lld", prl->id, (long long)pos);
	r_port(r, &e.range);
	r_text(r, e.text, sizeof(e.text));
	e.description = r_text_dup(r);
	if (!r->rc)
		r_check_port(r, "entry", &e.range);
	/* The text is what Describe shows: it must say what the kernel gets. */
	if (!r->rc && (sg_port_parse(e.text, &parsed) || parsed.any != e.range.any ||
		       (!parsed.any && (parsed.lo != e.range.lo || parsed.hi != e.range.hi))))
		r_bad(r, "entry \"%s\" differs from the stored range", e.text);
	ret = r->rc ? r->rc : sg_prl_entry_add(prl, &e);
	if (ret)
		free(e.description);
	return ret;
}

static int prl_load_entries(struct sg_store *st, struct sg_port_list *prl)
{
	sqlite3_stmt *s = st_get(st, ST_LOAD_PRL_ENTS, "SELECT pos, " PRL_ENT_COLS
				 " FROM port_list_entries WHERE prl_id = ?1 ORDER BY pos");

	if (!s)
		return -EIO;
	if (sqlite3_bind_text(s, 1, prl->id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return st_fail(st, "bind port list id");
	return st_each_row(st, s, prl_entry_row, prl, "load port list entries");
}

static int prl_row(struct st_row *r, void *ctx)
{
	struct list_rows *lr = ctx;
	struct sg_port_list prl, *added = NULL;
	int ret;

	memset(&prl, 0, sizeof(prl));
	r_text(r, prl.id, sizeof(prl.id));
	r_name(r, "port_lists", "%s", prl.id);
	r_text(r, prl.name, sizeof(prl.name));
	prl.description = r_text_dup(r);
	prl.max_entries = (uint32_t)r_int(r, 1, UINT32_MAX);
	prl.owner_id = r_u64(r);
	r_text(r, prl.create_time, sizeof(prl.create_time));
	if (!prl.id[0])
		r_bad(r, "empty id");
	ret = r->rc;
	if (!ret && !(added = sg_prl_add(lr->m, &prl)))
		ret = -ENOMEM;
	if (ret) {
		free(prl.description);
		return ret;
	}
	return prl_load_entries(lr->st, added);
}

int st_load_prls(struct sg_store *st, struct sg_model *m)
{
	struct list_rows lr = { st, m };
	sqlite3_stmt *s = st_get(st, ST_LOAD_PRLS,
				 "SELECT " PRL_COLS " FROM port_lists ORDER BY rowid");

	return s ? st_each_row(st, s, prl_row, &lr, "load port lists") : -EIO;
}
