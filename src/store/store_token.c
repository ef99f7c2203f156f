/* store_token.c - ClientToken answers: the first answer to (account,
 * action, token) is kept, written in the transaction of its mutation, for
 * a time-to-live.  Expired answers are never replayed and are deleted a
 * bounded number at a time by each put, so a tenant sending fresh tokens
 * cannot grow the table beyond what it sends within one TTL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store_int.h"

/* Answers created before this instant are expired; INT64_MIN: none is
 * (ttl 0 keeps them for ever). */
static int64_t cutoff(unsigned ttl_s)
{
	return ttl_s ? (int64_t)time(NULL) - (int64_t)ttl_s : INT64_MIN;
}

int sg_store_token_get(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, unsigned ttl_s, char **response)
{
	struct st_bind b;
	sqlite3_stmt *s;
	int rc, ret;

	*response = NULL;
	if (b_start(&b, st, ST_TOKEN_GET, "SELECT response FROM tokens"
		    " WHERE account = ?1 AND action = ?2 AND token = ?3 AND created >= ?4"))
		return -EIO;
	s = b.s;
	b_u64(&b, account);
	b_text(&b, action);
	b_text(&b, token);
	b_int(&b, cutoff(ttl_s));
	ret = b_done(st, &b, "bind token");
	if (ret)
		return ret;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);

		*response = strdup(t ? (const char *)t : "");
		ret = *response ? 0 : -ENOMEM;
	} else if (rc == SQLITE_DONE) {
		ret = -ENOENT;
	} else {
		ret = st_fail(st, "get token");
	}
	sqlite3_reset(s);
	return ret;
}

/* The oldest expired answers first (the created index), at most
 * SG_STORE_TOKEN_PURGE a call: a put never pays for a large backlog at
 * once, and each put removes more than it adds until none is left. */
static int purge(struct sg_store *st, int64_t before)
{
	struct st_bind b;

	if (before == INT64_MIN)
		return 0;
	if (b_start(&b, st, ST_TOKEN_PURGE, "DELETE FROM tokens WHERE rowid IN"
		    " (SELECT rowid FROM tokens WHERE created < ?1 ORDER BY created LIMIT ?2)"))
		return -EIO;
	b_int(&b, before);
	b_int(&b, SG_STORE_TOKEN_PURGE);
	return b_put(st, &b, "token purge");
}

/* A second answer for the same token must not replace the first while
 * that one lives; once it expired, the call ran anew and its answer is
 * the one to keep. */
int sg_store_token_put(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, unsigned ttl_s, const char *response)
{
	int64_t before = cutoff(ttl_s);
	struct st_bind b;
	int ret = purge(st, before);

	if (ret)
		return ret;
	if (b_start(&b, st, ST_TOKEN_PUT, "INSERT INTO tokens"
		    "(account, action, token, response, created) VALUES(?1,?2,?3,?4,?5)"
		    " ON CONFLICT(account, action, token) DO UPDATE SET"
		    " response = excluded.response, created = excluded.created"
		    " WHERE tokens.created < ?6"))
		return -EIO;
	b_u64(&b, account);
	b_text(&b, action);
	b_text(&b, token);
	b_text(&b, response ? response : "");
	b_int(&b, (int64_t)time(NULL));
	b_int(&b, before);
	return b_put(st, &b, "token");
}
