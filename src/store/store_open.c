/* store_open.c - opening the database (WAL, synchronous=FULL), closing it,
 * and the transaction verbs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "store_int.h"

#define DB_NAME "state.db"

static int ensure_dir(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST) {
		fprintf(stderr, "sgd: store: mkdir %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &sb) < 0)
		return -errno;
	return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
}

/* journal_mode answers with the mode it is in: anything but "wal" means the
 * file system refused WAL, and we would silently lose its guarantees. */
static int set_wal(struct sg_store *st)
{
	sqlite3_stmt *s;
	int ret = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s, NULL) != SQLITE_OK)
		return st_fail(st, "journal_mode");
	if (sqlite3_step(s) != SQLITE_ROW)
		ret = st_fail(st, "journal_mode");
	else if (strcmp((const char *)sqlite3_column_text(s, 0), "wal") != 0)
		ret = st_corrupt("journal_mode: WAL refused");
	sqlite3_finalize(s);
	return ret;
}

static int configure(struct sg_store *st)
{
	int ret = set_wal(st);

	if (ret)
		return ret;
	/* FULL: a COMMIT that returned is on disk, also in WAL mode. */
	if (sqlite3_exec(st->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return st_fail(st, "pragmas");
	sqlite3_busy_timeout(st->db, 5000);
	return 0;
}

int sg_store_open(const char *dir, struct sg_store **out)
{
	struct sg_store *st;
	char *path = NULL;
	int ret;

	*out = NULL;
	ret = ensure_dir(dir);
	if (ret)
		return ret;
	if (asprintf(&path, "%s/%s", dir, DB_NAME) < 0)
		return -ENOMEM;
	st = calloc(1, sizeof(*st));
	if (!st) {
		ret = -ENOMEM;
		goto out;
	}
	/* FULLMUTEX: request threads may share the handle; the caller still
	 * serialises whole transactions. */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		ret = st->db ? st_fail(st, path) : -ENOMEM;
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	ret = configure(st);
	if (!ret)
		ret = st_schema_apply(st);
out:
	free(path);
	if (ret) {
		sg_store_close(st);
		return ret;
	}
	*out = st;
	return 0;
}

void sg_store_close(struct sg_store *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db); /* an open transaction is rolled back */
	free(st);
}

int sg_store_begin(struct sg_store *st)
{
	/* IMMEDIATE takes the write lock now, so no later write in the
	 * mutation can fail with SQLITE_BUSY halfway. */
	return st_exec_cached(st, ST_BEGIN, "BEGIN IMMEDIATE");
}

int sg_store_commit(struct sg_store *st)
{
	return st_exec_cached(st, ST_COMMIT, "COMMIT");
}

int sg_store_rollback(struct sg_store *st)
{
	/* After a failed COMMIT sqlite may already have rolled back: then
	 * there is nothing to undo and that is not an error. */
	if (sqlite3_get_autocommit(st->db))
		return 0;
	return st_exec_cached(st, ST_ROLLBACK, "ROLLBACK");
}
