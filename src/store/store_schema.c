/* store_schema.c - the database schema and its migrations.  The version
 * lives in PRAGMA user_version; migrations[v] takes a database from version
 * v to v + 1, so a later sgd appends to the list and never edits an entry. */
#include <errno.h>
#include <stdio.h>
#include "store_int.h"

/* Addresses are three columns (family, lo, hi: 16-byte blobs in network
 * order) and port ranges three (lo, hi, any), mirroring model.h. */
static const char schema_v1[] =
	"CREATE TABLE groups("
	" id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, description TEXT,"
	" vpc_id TEXT NOT NULL, type INTEGER NOT NULL, inner_policy INTEGER NOT NULL,"
	" owner_id INTEGER NOT NULL, create_time TEXT NOT NULL);"
	"CREATE TABLE rules("
	" id TEXT PRIMARY KEY NOT NULL,"
	" group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, policy INTEGER NOT NULL, priority INTEGER NOT NULL,"
	" proto INTEGER NOT NULL, proto_text TEXT NOT NULL, family INTEGER NOT NULL,"
	" src_kind INTEGER NOT NULL,"
	" src_family INTEGER NOT NULL, src_lo BLOB NOT NULL, src_hi BLOB NOT NULL,"
	" src_text TEXT NOT NULL, src_group_id TEXT NOT NULL,"
	" src_group_owner_id INTEGER NOT NULL, src_group_owner_account TEXT NOT NULL,"
	" prefix_list_id TEXT NOT NULL, has_dst INTEGER NOT NULL,"
	" dst_family INTEGER NOT NULL, dst_lo BLOB NOT NULL, dst_hi BLOB NOT NULL,"
	" dst_text TEXT NOT NULL,"
	" dport_lo INTEGER NOT NULL, dport_hi INTEGER NOT NULL, dport_any INTEGER NOT NULL,"
	" port_list_id TEXT NOT NULL, has_sport INTEGER NOT NULL,"
	" sport_lo INTEGER NOT NULL, sport_hi INTEGER NOT NULL, sport_any INTEGER NOT NULL,"
	" nic_type TEXT NOT NULL, description TEXT, create_time TEXT NOT NULL);"
	"CREATE INDEX rules_group ON rules(group_id, seq);"
	"CREATE TABLE prefix_lists("
	" id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, description TEXT,"
	" family INTEGER NOT NULL, max_entries INTEGER NOT NULL, owner_id INTEGER NOT NULL,"
	" create_time TEXT NOT NULL);"
	"CREATE TABLE prefix_list_entries("
	" pl_id TEXT NOT NULL REFERENCES prefix_lists(id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL, family INTEGER NOT NULL, lo BLOB NOT NULL, hi BLOB NOT NULL,"
	" cidr TEXT NOT NULL, description TEXT, PRIMARY KEY(pl_id, pos));"
	"CREATE TABLE port_lists("
	" id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, description TEXT,"
	" max_entries INTEGER NOT NULL, owner_id INTEGER NOT NULL, create_time TEXT NOT NULL);"
	"CREATE TABLE port_list_entries("
	" prl_id TEXT NOT NULL REFERENCES port_lists(id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL, any INTEGER NOT NULL,"
	" text TEXT NOT NULL, description TEXT, PRIMARY KEY(prl_id, pos));"
	"CREATE TABLE nics("
	" id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, description TEXT,"
	" host_device TEXT NOT NULL, vpc_id TEXT NOT NULL, owner_id INTEGER NOT NULL,"
	" create_time TEXT NOT NULL);"
	"CREATE TABLE nic_addresses("
	" nic_id TEXT NOT NULL REFERENCES nics(id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL, family INTEGER NOT NULL, lo BLOB NOT NULL, hi BLOB NOT NULL,"
	" text TEXT NOT NULL, PRIMARY KEY(nic_id, pos));"
	/* No foreign key to groups: membership order and integrity are the
	 * actions' business, and a group id here must not block a restore. */
	"CREATE TABLE nic_groups("
	" nic_id TEXT NOT NULL REFERENCES nics(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL, group_id TEXT NOT NULL, PRIMARY KEY(nic_id, position));"
	"CREATE INDEX nic_groups_group ON nic_groups(group_id);"
	"CREATE TABLE tokens("
	" account INTEGER NOT NULL, action TEXT NOT NULL, token TEXT NOT NULL,"
	" response TEXT NOT NULL, created INTEGER NOT NULL,"
	" PRIMARY KEY(account, action, token));"
	"CREATE INDEX tokens_created ON tokens(created);";

static const char *const migrations[] = {
	schema_v1, /* 0 -> 1 */
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int user_version(struct sg_store *st, int *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "read schema version");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : st_fail(st, "read schema version");
}

static int migrate(struct sg_store *st, int from)
{
	char sql[64];
	int v;

	for (v = from; v < SCHEMA_VERSION; v++) {
		if (sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			return st_fail(st, "schema migration");
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return st_fail(st, "set schema version");
	return 0;
}

/* Read-only, before the open configures (writes) anything: sgd sets
 * user_version in the transaction that creates its schema, so 0 means the
 * file holds no sgd schema (a zero-byte file, another program's database).
 * Treating it as empty state would start sgd with no rules and unfilter
 * every interface, and write into someone else's file. */
int st_schema_check(struct sg_store *st, const char *path)
{
	int ver = 0, ret = user_version(st, &ver);

	if (ret)
		return ret;
	if (ver == 0) {
		fprintf(stderr, "sgd: store: %s exists but holds no sgd schema (an empty file or another"
			" program's database): refused; move it away to start with empty state\n", path);
		return -EIO;
	}
	if (ver > SCHEMA_VERSION) {
		fprintf(stderr, "sgd: store: database schema version %d is newer than %d\n",
			ver, SCHEMA_VERSION);
		return -EIO;
	}
	return 0;
}

/* Runs in one IMMEDIATE transaction so two processes opening a fresh
 * database cannot both create it, and a crash leaves the old version. */
int st_schema_apply(struct sg_store *st, bool fresh)
{
	int ver = 0, ret;

	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return st_fail(st, "begin schema transaction");
	ret = user_version(st, &ver);
	if (ret)
		goto out;
	if (ver > SCHEMA_VERSION) {
		fprintf(stderr, "sgd: store: database schema version %d is newer than %d\n",
			ver, SCHEMA_VERSION);
		ret = -EIO;
		goto out;
	}
	if (ver == 0 && !fresh) {
		fprintf(stderr, "sgd: store: the database holds no sgd schema: refused\n");
		ret = -EIO;
		goto out;
	}
	if (ver < SCHEMA_VERSION)
		ret = migrate(st, ver);
	if (!ret && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		ret = st_fail(st, "commit schema");
out:
	if (ret)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}
