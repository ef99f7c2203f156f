/* box.c - box difference and interval merging for the compiler (box.h). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"

void box_shape_of(enum ir_key k, struct box_shape *s)
{
	const struct ir_key_desc *d = ir_key_desc(k);

	s->n = d ? d->nfields : 0;
	for (int i = 0; i < s->n; i++)
		s->len[i] = ir_field_len(d->field[i]);
}

bool be_inc(uint8_t *v, size_t len)
{
	for (size_t i = len; i-- > 0;)
		if (++v[i] != 0)
			return true;
	return false;
}

bool be_dec(uint8_t *v, size_t len)
{
	for (size_t i = len; i-- > 0;)
		if (v[i]-- != 0)
			return true;
	return false;
}

/* memcmp() of big-endian fields, as integer compares for the field sizes
 * keys have: pieces_add() runs it for every pair of pieces of a bucket, and
 * a library call per field dominated its cost. */
static inline int be_cmp(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint64_t x, y;
	uint32_t u, v;

	switch (len) {
	case 1:
		return (a[0] > b[0]) - (a[0] < b[0]);
	case 2:
		u = (uint32_t)a[0] << 8 | a[1];
		v = (uint32_t)b[0] << 8 | b[1];
		return (u > v) - (u < v);
	case 4:
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		u = be32toh(u);
		v = be32toh(v);
		return (u > v) - (u < v);
	case 16:
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x == y) {
			memcpy(&x, a + 8, 8);
			memcpy(&y, b + 8, 8);
		}
		x = be64toh(x);
		y = be64toh(y);
		return (x > y) - (x < y);
	}
	return memcmp(a, b, len);
}

bool box_overlap(const struct box_shape *s, const struct box *a, const struct box *b)
{
	for (int i = 0; i < s->n; i++) {
		if (be_cmp(a->d[i].hi, b->d[i].lo, s->len[i]) < 0 ||
		    be_cmp(b->d[i].hi, a->d[i].lo, s->len[i]) < 0)
			return false;
	}
	return true;
}

bool box_contains_point(const struct box_shape *s, const struct box *b, const struct box *pt)
{
	for (int i = 0; i < s->n; i++) {
		if (be_cmp(pt->d[i].lo, b->d[i].lo, s->len[i]) < 0 ||
		    be_cmp(pt->d[i].lo, b->d[i].hi, s->len[i]) > 0)
			return false;
	}
	return true;
}

/* Slice a along each dimension in turn: the parts below and above p become
 * pieces, the rest of a is narrowed to p's extent; what remains is a ∩ p. */
int box_subtract(const struct box_shape *s, const struct box *a, const struct box *p,
		 struct box *out)
{
	struct box cur = *a;
	int n = 0;

	for (int i = 0; i < s->n; i++) {
		size_t len = s->len[i];

		if (be_cmp(cur.d[i].lo, p->d[i].lo, len) < 0) {
			out[n] = cur;
			memcpy(out[n].d[i].hi, p->d[i].lo, len);
			be_dec(out[n].d[i].hi, len); /* p.lo > cur.lo >= 0: no wrap */
			n++;
			memcpy(cur.d[i].lo, p->d[i].lo, len);
		}
		if (be_cmp(cur.d[i].hi, p->d[i].hi, len) > 0) {
			out[n] = cur;
			memcpy(out[n].d[i].lo, p->d[i].hi, len);
			be_inc(out[n].d[i].lo, len); /* p.hi < cur.hi <= max: no wrap */
			n++;
			memcpy(cur.d[i].hi, p->d[i].hi, len);
		}
	}
	return n;
}

static int grow(struct box **v, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 16;
	struct box *p;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*v, ncap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

int pieces_add(const struct box_shape *s, struct piece_list *pl, const struct box *b, const char *id)
{
	struct box *frags = NULL, *next = NULL;
	size_t nfrags = 1, capf = 0, capn = 0, nold = pl->n;
	int rc = -ENOMEM;

	if (grow(&frags, &capf, 1))
		goto out;
	frags[0] = *b;
	for (size_t i = 0; i < nold && nfrags; i++) {
		const struct box *p = &pl->v[i].b;
		size_t nn = 0;

		if (!box_overlap(s, b, p))
			continue;
		if (grow(&next, &capn, nfrags * 2 * IR_MAX_FIELDS))
			goto out;
		for (size_t j = 0; j < nfrags; j++) {
			if (box_overlap(s, &frags[j], p))
				nn += box_subtract(s, &frags[j], p, &next[nn]);
			else
				next[nn++] = frags[j];
		}
		struct box *t = frags;
		size_t tc = capf;

		frags = next;
		capf = capn;
		next = t;
		capn = tc;
		nfrags = nn;
	}
	if (pl->n + nfrags > pl->cap) {
		size_t ncap = pl->cap ? pl->cap : 16;
		struct piece *v;

		while (ncap < pl->n + nfrags)
			ncap *= 2;
		v = realloc(pl->v, ncap * sizeof(*v));
		if (!v)
			goto out;
		pl->v = v;
		pl->cap = ncap;
	}
	for (size_t j = 0; j < nfrags; j++) {
		pl->v[pl->n].b = frags[j];
		pl->v[pl->n].id = id;
		pl->n++;
	}
	rc = 0;
out:
	free(frags);
	free(next);
	return rc;
}

void pieces_free(struct piece_list *pl)
{
	free(pl->v);
	pl->v = NULL;
	pl->n = pl->cap = 0;
}

static __thread size_t merge_len;

static int range_qcmp(const void *pa, const void *pb)
{
	const struct ir_range *a = pa, *b = pb;
	int c = memcmp(a->lo, b->lo, merge_len);

	return c ? c : memcmp(a->hi, b->hi, merge_len);
}

size_t ranges_merge(struct ir_range *r, size_t n, size_t len)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	merge_len = len;
	qsort(r, n, sizeof(*r), range_qcmp);
	for (size_t i = 1; i < n; i++) {
		uint8_t after[16];
		bool fits;

		memcpy(after, r[out].hi, len);
		/* hi+1 wraps only when hi is the top: then everything merges */
		fits = !be_inc(after, len) || memcmp(r[i].lo, after, len) <= 0;
		if (fits) {
			if (memcmp(r[i].hi, r[out].hi, len) > 0)
				memcpy(r[out].hi, r[i].hi, len);
		} else {
			r[++out] = r[i];
		}
	}
	return out + 1;
}
