/* store_stmt.c - the statement cache, error reporting and the column-order
 * bind/read helpers every object file uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"

int st_fail(struct sg_store *st, const char *what)
{
	fprintf(stderr, "sgd: store: %s: %s\n", what, sqlite3_errmsg(st->db));
	return -EIO;
}

int st_corrupt(const char *what)
{
	fprintf(stderr, "sgd: store: %s\n", what);
	return -EIO;
}

sqlite3_stmt *st_get(struct sg_store *st, enum st_stmt id, const char *sql)
{
	sqlite3_stmt *s = st->stmt[id];

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		st_fail(st, sql);
		return NULL;
	}
	st->stmt[id] = s;
	return s;
}

int st_run(struct sg_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	int ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = st_fail(st, what);
	sqlite3_reset(s);
	return ret;
}

int st_exec_cached(struct sg_store *st, enum st_stmt id, const char *sql)
{
	sqlite3_stmt *s = st_get(st, id, sql);

	if (!s)
		return -EIO;
	return st_run(st, s, sql);
}

int st_del_by_id(struct sg_store *st, enum st_stmt id, const char *sql, const char *key)
{
	sqlite3_stmt *s = st_get(st, id, sql);

	if (!s)
		return -EIO;
	if (sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return st_fail(st, "bind id");
	return st_run(st, s, sql);
}

/* ---- binding ---- */

void b_init(struct st_bind *b, sqlite3_stmt *s)
{
	b->s = s;
	b->i = 1;
	b->rc = SQLITE_OK;
}

void b_text(struct st_bind *b, const char *v)
{
	if (b->rc != SQLITE_OK)
		return;
	b->rc = v ? sqlite3_bind_text(b->s, b->i, v, -1, SQLITE_TRANSIENT)
		  : sqlite3_bind_null(b->s, b->i);
	b->i++;
}

void b_int(struct st_bind *b, int64_t v)
{
	if (b->rc != SQLITE_OK)
		return;
	b->rc = sqlite3_bind_int64(b->s, b->i++, v);
}

void b_u64(struct st_bind *b, uint64_t v)
{
	int64_t x;

	memcpy(&x, &v, sizeof(x)); /* SQLite integers are signed 64-bit */
	b_int(b, x);
}

static void b_blob(struct st_bind *b, const void *p, int n)
{
	if (b->rc != SQLITE_OK)
		return;
	b->rc = sqlite3_bind_blob(b->s, b->i++, p, n, SQLITE_TRANSIENT);
}

void b_range(struct st_bind *b, const struct sg_addr_range *r)
{
	b_int(b, r->family);
	b_blob(b, r->lo, sizeof(r->lo));
	b_blob(b, r->hi, sizeof(r->hi));
}

void b_port(struct st_bind *b, const struct sg_port_range *p)
{
	b_int(b, p->lo);
	b_int(b, p->hi);
	b_int(b, p->any);
}

int b_done(struct sg_store *st, struct st_bind *b, const char *what)
{
	if (b->rc != SQLITE_OK)
		return st_fail(st, what);
	return 0;
}

int b_start(struct st_bind *b, struct sg_store *st, enum st_stmt id, const char *sql)
{
	sqlite3_stmt *s = st_get(st, id, sql);

	if (!s)
		return -EIO;
	b_init(b, s);
	return 0;
}

int b_put(struct sg_store *st, struct st_bind *b, const char *what)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "bind %s", what);
	if (b->rc != SQLITE_OK)
		return st_fail(st, msg);
	snprintf(msg, sizeof(msg), "put %s", what);
	return st_run(st, b->s, msg);
}

/* ---- reading ---- */

int st_each_row(struct sg_store *st, sqlite3_stmt *s, st_row_fn fn, void *ctx, const char *what)
{
	struct st_row r;
	int rc, ret = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r_init(&r, s);
		ret = fn(&r, ctx);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = st_fail(st, what);
	sqlite3_reset(s);
	return ret;
}

void r_init(struct st_row *r, sqlite3_stmt *s)
{
	r->s = s;
	r->i = 0;
	r->rc = 0;
}

void r_text(struct st_row *r, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(r->s, r->i);
	size_t n = (size_t)sqlite3_column_bytes(r->s, r->i);

	r->i++;
	if (!t)
		t = (const unsigned char *)"";
	if (n >= size) {
		buf[0] = '\0';
		if (!r->rc)
			r->rc = st_corrupt("text column longer than its field");
		return;
	}
	memcpy(buf, t, n);
	buf[n] = '\0';
}

char *r_text_dup(struct st_row *r)
{
	const unsigned char *t;
	char *d;

	if (sqlite3_column_type(r->s, r->i) == SQLITE_NULL) {
		r->i++;
		return NULL;
	}
	t = sqlite3_column_text(r->s, r->i++);
	d = strdup(t ? (const char *)t : "");
	if (!d && !r->rc)
		r->rc = -ENOMEM;
	return d;
}

int64_t r_int(struct st_row *r)
{
	return sqlite3_column_int64(r->s, r->i++);
}

uint64_t r_u64(struct st_row *r)
{
	int64_t x = r_int(r);
	uint64_t v;

	memcpy(&v, &x, sizeof(v));
	return v;
}

static void r_blob16(struct st_row *r, uint8_t out[16])
{
	const void *p = sqlite3_column_blob(r->s, r->i);
	int n = sqlite3_column_bytes(r->s, r->i);

	r->i++;
	if (n != 16 || !p) {
		memset(out, 0, 16);
		if (!r->rc)
			r->rc = st_corrupt("address column is not 16 bytes");
		return;
	}
	memcpy(out, p, 16);
}

void r_range(struct st_row *r, struct sg_addr_range *out)
{
	out->family = (uint8_t)r_int(r);
	r_blob16(r, out->lo);
	r_blob16(r, out->hi);
}

void r_port(struct st_row *r, struct sg_port_range *out)
{
	out->lo = (uint16_t)r_int(r);
	out->hi = (uint16_t)r_int(r);
	out->any = r_int(r) != 0;
}
