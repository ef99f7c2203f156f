/* store_load.c - fill an empty model from the database, in one read
 * transaction so the picture is consistent.  A load is all or nothing: a
 * row sgd does not understand (an unknown value, a reference to a missing
 * object, an orphan child row) fails it with a message naming the table
 * and the row, and the model is left empty; sg_store_reload() keeps the
 * caller's model instead.  Nothing is skipped or defaulted: a skipped Drop
 * rule would open traffic. */
#include <errno.h>
#include <stdio.h>
#include "store_int.h"

/* The child tables, each with the parent its key column names. */
static const struct child {
	enum st_stmt id;
	const char *table, *key, *pos, *parent;
	const char *sql;
} children[] = {
	{ ST_ORPHANS_PL_ENTS, "prefix_list_entries", "pl_id", "pos", "prefix_lists",
	  "SELECT pl_id, pos FROM prefix_list_entries"
	  " WHERE pl_id NOT IN (SELECT id FROM prefix_lists) LIMIT 1" },
	{ ST_ORPHANS_PRL_ENTS, "port_list_entries", "prl_id", "pos", "port_lists",
	  "SELECT prl_id, pos FROM port_list_entries"
	  " WHERE prl_id NOT IN (SELECT id FROM port_lists) LIMIT 1" },
	{ ST_ORPHANS_NIC_ADDRS, "nic_addresses", "nic_id", "pos", "nics",
	  "SELECT nic_id, pos FROM nic_addresses WHERE nic_id NOT IN (SELECT id FROM nics) LIMIT 1" },
	{ ST_ORPHANS_NIC_GRPS, "nic_groups", "nic_id", "position", "nics",
	  "SELECT nic_id, position FROM nic_groups WHERE nic_id NOT IN (SELECT id FROM nics) LIMIT 1" },
};

/* The loaders read child rows by their parent, so an orphan would be
 * silently left out: find one and refuse.  (Foreign keys prevent them on
 * sgd's connection; another writer may have had them off.) */
static int check_orphans(struct sg_store *st)
{
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		const struct child *c = &children[i];
		sqlite3_stmt *s = st_get(st, c->id, c->sql);
		int rc, ret = 0;

		if (!s)
			return -EIO;
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			const unsigned char *key = sqlite3_column_text(s, 0);

			fprintf(stderr, "sgd: store: table %s, row %s %s %lld: %s \"%s\" does not exist"
				" in table %s\n", c->table, key ? (const char *)key : "NULL", c->pos,
				(long long)sqlite3_column_int64(s, 1), c->key,
				key ? (const char *)key : "NULL", c->parent);
			ret = -EIO;
		} else if (rc != SQLITE_DONE) {
			ret = st_fail(st, c->sql);
		}
		sqlite3_reset(s);
		if (ret)
			return ret;
	}
	return 0;
}

static int load_all(struct sg_store *st, struct sg_model *m)
{
	uint64_t max_seq = 0;
	int ret;

	ret = check_orphans(st);
	/* Lists before groups, groups before their rules, everything before
	 * NICs: each loader checks the references of its rows against what
	 * is already in the model. */
	if (!ret)
		ret = st_load_pls(st, m);
	if (!ret)
		ret = st_load_prls(st, m);
	if (!ret)
		ret = st_load_groups(st, m, &max_seq);
	if (!ret)
		ret = st_load_nics(st, m);
	/* Rules may have been deleted since: seq only has to keep growing. */
	if (!ret && max_seq + 1 > m->next_seq)
		m->next_seq = max_seq + 1;
	return ret;
}

int sg_store_load(struct sg_store *st, struct sg_model *m)
{
	int ret;

	/* Inside the caller's transaction, read what it sees; otherwise open
	 * a read transaction of our own. */
	if (!sqlite3_get_autocommit(st->db)) {
		ret = load_all(st, m);
	} else {
		ret = st_exec_cached(st, ST_BEGIN_READ, "BEGIN");
		if (ret)
			return ret;
		ret = load_all(st, m);
		if (ret)
			sg_store_rollback(st);
		else
			ret = st_exec_cached(st, ST_COMMIT, "COMMIT");
	}
	if (ret)
		sg_model_free(m); /* never half a model: empty, quota kept */
	return ret;
}

int sg_store_reload(struct sg_store *st, struct sg_model *m)
{
	struct sg_model fresh;
	int ret;

	sg_model_init(&fresh);
	fresh.quota = m->quota;
	ret = sg_store_load(st, &fresh);
	if (ret)
		return ret; /* fresh is empty again; m untouched */
	sg_model_free(m);
	*m = fresh;
	return 0;
}
