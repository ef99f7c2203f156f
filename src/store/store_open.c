/* store_open.c - opening the database (WAL, synchronous=FULL), creating a
 * new one, the files' modes, closing it, and the transaction verbs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store_int.h"

#define DB_NAME "state.db"

/* The files SQLite keeps beside the database. */
static const char *const sidecars[] = { "-wal", "-shm", "-journal" };

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
	if (!S_ISDIR(sb.st_mode))
		return -ENOTDIR;
	/* Not refused (an operator's directory is theirs to set up), but
	 * whoever may write there may replace state.db while sgd is down. */
	if ((sb.st_mode & 022) && !(sb.st_mode & S_ISVTX))
		fprintf(stderr, "sgd: store: warning: %s (mode %04o) is writable by group or others,"
			" who could replace state.db; chmod 700 it\n", dir, (unsigned)(sb.st_mode & 07777));
	return 0;
}

/* File modes.  Decision: state.db and its -wal/-shm are 0600 and owned by
 * sgd's euid.  sgd creates a new database 0600 itself (below) before SQLite
 * opens it, whatever the umask; SQLite gives the -wal, -shm and -journal it
 * creates the main file's permission bits (and fchmods them when the umask
 * narrowed them), so they follow.  An existing file that is ours but wider
 * (e.g. written by an older sgd under umask 022) is narrowed to 0600 and
 * the log says so: refusing would keep sgd down for something it can
 * repair without losing anything.  A file that is not a regular file (a
 * symlink, a FIFO) or is owned by another user is refused: that user could
 * rewrite the rules, and which owner is right is the operator's call. */
static int check_file(const char *path)
{
	struct stat sb;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		fprintf(stderr, "sgd: store: %s: %s%s\n", path, strerror(errno),
			errno == ELOOP ? " (a symbolic link: refused)" : "");
		return ret;
	}
	if (fstat(fd, &sb) < 0) {
		ret = -errno;
		fprintf(stderr, "sgd: store: %s: %s\n", path, strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		fprintf(stderr, "sgd: store: %s is not a regular file: refused\n", path);
		ret = -EINVAL;
	} else if (sb.st_uid != geteuid()) {
		fprintf(stderr, "sgd: store: %s is owned by uid %u, not by sgd (uid %u): refused;"
			" chown it if it is sgd's\n", path, (unsigned)sb.st_uid, (unsigned)geteuid());
		ret = -EPERM;
	} else if ((sb.st_mode & 07777) != 0600) {
		if (fchmod(fd, 0600) < 0) {
			ret = -errno;
			fprintf(stderr, "sgd: store: chmod 600 %s: %s\n", path, strerror(errno));
		} else {
			fprintf(stderr, "sgd: store: %s had mode %04o: now 0600\n", path,
				(unsigned)(sb.st_mode & 07777));
		}
	}
	close(fd);
	return ret;
}

static int check_files(const char *path)
{
	char side[PATH_MAX + 16];
	int ret = check_file(path);

	for (size_t i = 0; !ret && i < sizeof(sidecars) / sizeof(sidecars[0]); i++) {
		snprintf(side, sizeof(side), "%s%s", path, sidecars[i]);
		ret = check_file(side);
	}
	return ret;
}

/* Remove path's sidecars, and path itself when with_main; absent ones are
 * fine. */
static int remove_files(const char *path, bool with_main, bool log)
{
	char side[PATH_MAX + 16];

	for (size_t i = with_main ? 0 : 1; i <= sizeof(sidecars) / sizeof(sidecars[0]); i++) {
		const char *p = path;

		if (i) {
			snprintf(side, sizeof(side), "%s%s", path, sidecars[i - 1]);
			p = side;
		}
		if (unlink(p) == 0) {
			if (log)
				fprintf(stderr, "sgd: store: removed %s: its database does not exist\n", p);
		} else if (errno != ENOENT) {
			int ret = -errno;

			fprintf(stderr, "sgd: store: cannot remove %s: %s\n", p, strerror(errno));
			return ret;
		}
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

#ifndef SQLITE_OPEN_NOFOLLOW
#define SQLITE_OPEN_NOFOLLOW 0
#endif

/* A new database: created 0600 under a temporary name, given the schema
 * and only then linked to its real name.  state.db therefore exists only
 * with sgd's schema in it, and a state.db without one is never sgd's own
 * half-made file (a crash here leaves just the temporary, removed on the
 * next try) but something else, which sg_store_open refuses.  One sgd per
 * state directory (src/sgd/instance.c) makes the fixed name safe. */
static int create_fresh(const char *dir, const char *path)
{
	struct sg_store *t = NULL;
	char tmp[PATH_MAX + 16];
	int fd, ret;

	/* A -wal left without its database would be replayed into the new
	 * one (SQLite cannot tell): it goes, as do leftovers of a crash. */
	ret = remove_files(path, false, true);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	ret = remove_files(tmp, true, false);
	if (ret)
		return ret;
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) < 0) { /* the umask may have narrowed it */
		ret = -errno;
		fprintf(stderr, "sgd: store: create %s: %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return ret;
	}
	close(fd);
	t = calloc(1, sizeof(*t));
	if (!t) {
		unlink(tmp);
		return -ENOMEM;
	}
	if (sqlite3_open_v2(tmp, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK)
		ret = t->db ? st_fail(t, tmp) : -ENOMEM;
	/* Rollback journal while it is private; the open below turns on WAL.
	 * FULL: the schema is on disk before the name points at it. */
	if (!ret && sqlite3_exec(t->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK)
		ret = st_fail(t, "pragmas");
	if (!ret)
		ret = st_schema_apply(t, true);
	sg_store_close(t);
	if (!ret && link(tmp, path) < 0 && errno != EEXIST) {
		ret = -errno;
		fprintf(stderr, "sgd: store: link %s to %s: %s\n", tmp, path, strerror(errno));
	}
	remove_files(tmp, true, false);
	if (!ret)
		ret = sync_dir(dir);
	return ret;
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
	struct stat sb;
	char path[PATH_MAX];
	int ret;

	*out = NULL;
	ret = ensure_dir(dir);
	if (ret)
		return ret;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, DB_NAME) >= sizeof(path) - 16)
		return -ENAMETOOLONG;
	/* Only a missing file is a new database; anything else is checked. */
	if (lstat(path, &sb) < 0) {
		if (errno != ENOENT) {
			ret = -errno;
			fprintf(stderr, "sgd: store: %s: %s\n", path, strerror(errno));
			return ret;
		}
		ret = create_fresh(dir, path);
		if (ret)
			return ret;
	}
	ret = check_files(path);
	if (ret)
		return ret;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	/* FULLMUTEX: request threads may share the handle; the caller still
	 * serialises whole transactions.  No CREATE: the file exists now, and
	 * SQLite would create it with its own mode. */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
			    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		ret = st->db ? st_fail(st, path) : -ENOMEM;
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* Before anything writes: a file that is not sgd's stays as it was. */
	ret = st_schema_check(st, path);
	if (!ret)
		ret = configure(st);
	if (!ret)
		ret = st_schema_apply(st, false);
out:
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
