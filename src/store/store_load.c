/* store_load.c - fill an empty model from the database, in one read
 * transaction so the picture is consistent. */
#include <errno.h>
#include "store_int.h"

static int load_all(struct sg_store *st, struct sg_model *m)
{
	uint64_t max_seq = 0;
	int ret;

	/* Lists before groups: rules name them, and a model that checks
	 * references on insertion finds them present. */
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
	if (!sqlite3_get_autocommit(st->db))
		return load_all(st, m);
	ret = st_exec_cached(st, ST_BEGIN_READ, "BEGIN");
	if (ret)
		return ret;
	ret = load_all(st, m);
	if (ret)
		sg_store_rollback(st);
	else
		ret = st_exec_cached(st, ST_COMMIT, "COMMIT");
	return ret;
}
