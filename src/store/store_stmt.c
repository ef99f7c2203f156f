/* store_stmt.c - the statement cache, error reporting and the column-order
 * bind/read helpers every object file uses. */
#include <errno.h>
#include <stdarg.h>
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
	r->table = NULL;
	r->key[0] = '\0';
}

void r_name(struct st_row *r, const char *table, const char *fmt, ...)
{
	va_list ap;

	r->table = table;
	va_start(ap, fmt);
	vsnprintf(r->key, sizeof(r->key), fmt, ap);
	va_end(ap);
}

void r_bad(struct st_row *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (r->rc)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sgd: store: table %s, row %s: %s\n", r->table ? r->table : "?",
		r->key[0] ? r->key : "?", why);
	r->rc = -EIO;
}

/* The name of column i as the SELECT spells it, for messages. */
static const char *col_name(const struct st_row *r, int i)
{
	const char *n = sqlite3_column_name(r->s, i);

	return n ? n : "?";
}

static const char *type_name(int type)
{
	switch (type) {
	case SQLITE_INTEGER: return "INTEGER";
	case SQLITE_FLOAT: return "REAL";
	case SQLITE_TEXT: return "TEXT";
	case SQLITE_BLOB: return "BLOB";
	default: return "NULL";
	}
}

/* Column i holds storage class want; otherwise an error. */
static bool col_is(struct st_row *r, int i, int want)
{
	int type = sqlite3_column_type(r->s, i);

	if (type == want)
		return true;
	r_bad(r, "column %s holds %s, not %s", col_name(r, i), type_name(type), type_name(want));
	return false;
}

void r_text(struct st_row *r, char *buf, size_t size)
{
	int i = r->i++;
	const unsigned char *t;
	size_t n;

	buf[0] = '\0';
	if (!col_is(r, i, SQLITE_TEXT))
		return;
	t = sqlite3_column_text(r->s, i);
	n = (size_t)sqlite3_column_bytes(r->s, i);
	if (!t) {
		if (!r->rc)
			r->rc = -ENOMEM;
		return;
	}
	if (n >= size || strlen((const char *)t) != n) {
		r_bad(r, "column %s: %zu bytes, more than the %zu sgd keeps (or a NUL inside)",
		      col_name(r, i), n, size - 1);
		return;
	}
	memcpy(buf, t, n + 1);
}

char *r_text_dup(struct st_row *r)
{
	int i = r->i++;
	const unsigned char *t;
	char *d;

	if (sqlite3_column_type(r->s, i) == SQLITE_NULL || !col_is(r, i, SQLITE_TEXT))
		return NULL;
	t = sqlite3_column_text(r->s, i);
	d = t ? strdup((const char *)t) : NULL;
	if (!d && !r->rc)
		r->rc = -ENOMEM;
	return d;
}

int64_t r_int(struct st_row *r, int64_t lo, int64_t hi)
{
	int i = r->i++;
	int64_t v;

	if (!col_is(r, i, SQLITE_INTEGER))
		return lo;
	v = sqlite3_column_int64(r->s, i);
	if (v < lo || v > hi) {
		r_bad(r, "column %s: %lld is outside %lld..%lld", col_name(r, i), (long long)v,
		      (long long)lo, (long long)hi);
		return lo;
	}
	return v;
}

bool r_bool(struct st_row *r)
{
	return r_int(r, 0, 1) != 0;
}

uint64_t r_u64(struct st_row *r)
{
	int64_t x = r_int(r, INT64_MIN, INT64_MAX);
	uint64_t v;

	memcpy(&v, &x, sizeof(v));
	return v;
}

static void r_blob16(struct st_row *r, uint8_t out[16])
{
	int i = r->i++;
	const void *p;
	int n;

	memset(out, 0, 16);
	if (!col_is(r, i, SQLITE_BLOB))
		return;
	p = sqlite3_column_blob(r->s, i);
	n = sqlite3_column_bytes(r->s, i);
	if (n != 16 || !p) {
		r_bad(r, "column %s: an address is 16 bytes, not %d", col_name(r, i), n);
		return;
	}
	memcpy(out, p, 16);
}

void r_range(struct st_row *r, struct sg_addr_range *out)
{
	out->family = (uint8_t)r_int(r, 0, 255);
	r_blob16(r, out->lo);
	r_blob16(r, out->hi);
}

void r_port(struct st_row *r, struct sg_port_range *out)
{
	out->lo = (uint16_t)r_int(r, 0, 65535);
	out->hi = (uint16_t)r_int(r, 0, 65535);
	out->any = r_bool(r);
}

/* ---- checks shared by the loaders ---- */

void r_check_addr(struct st_row *r, const char *what, const struct sg_addr_range *a,
		  const char *text)
{
	struct sg_addr_range parsed;

	if (a->family != 4 && a->family != 6) {
		r_bad(r, "%s: address family %u is neither 4 nor 6", what, a->family);
		return;
	}
	if (sg_addr_parse(text, &parsed)) {
		r_bad(r, "%s: address \"%s\" does not parse", what, text);
		return;
	}
	if (!sg_addr_equal(&parsed, a))
		r_bad(r, "%s: address \"%s\" differs from the stored range", what, text);
}

void r_check_port(struct st_row *r, const char *what, const struct sg_port_range *p)
{
	if (!p->any && (p->lo < 1 || p->lo > p->hi))
		r_bad(r, "%s: port range %u/%u is not 1 <= start <= end <= 65535", what, p->lo, p->hi);
}
