/* store_token.c - ClientToken answers: the first answer to (account,
 * action, token) is kept, written in the transaction of its mutation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store_int.h"

int sg_store_token_get(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, char **response)
{
	struct st_bind b;
	sqlite3_stmt *s;
	int rc, ret;

	*response = NULL;
	if (b_start(&b, st, ST_TOKEN_GET, "SELECT response FROM tokens"
		    " WHERE account = ?1 AND action = ?2 AND token = ?3"))
		return -EIO;
	s = b.s;
	b_u64(&b, account);
	b_text(&b, action);
	b_text(&b, token);
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

/* OR IGNORE: a second answer for the same token must not replace the first. */
int sg_store_token_put(struct sg_store *st, uint64_t account, const char *action,
		       const char *token, const char *response)
{
	struct st_bind b;

	if (b_start(&b, st, ST_TOKEN_PUT, "INSERT OR IGNORE INTO tokens"
		    "(account, action, token, response, created) VALUES(?1,?2,?3,?4,?5)"))
		return -EIO;
	b_u64(&b, account);
	b_text(&b, action);
	b_text(&b, token);
	b_text(&b, response ? response : "");
	b_int(&b, (int64_t)time(NULL));
	return b_put(st, &b, "token");
}
