/* compile_cache.c - sg_compile_cached(): reuse the disjoint pieces of a
 * bucket's CIDR sets across compiles (include/sgd/compile.h).
 *
 * pieces_add() only ever appends: the pieces of inputs 0..k-1 are the same
 * whatever follows them.  So a set whose inputs start with the same boxes
 * (and rule ids) as last time keeps the pieces of that common prefix (cut
 * back to where the prefix ended) and splits only the inputs after it.  An
 * AuthorizeSecurityGroup appends rules with the largest seq, so it adds only
 * its own boxes; a revoke or modify redoes the set from the first rule that
 * changed.  Inputs are compared byte for byte, not by a hash, so the result is
 * exactly sg_compile()'s whatever the cache holds. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

struct cached_input {
	struct box b;
	char *id;          /* owned; the pieces point to it */
	size_t npieces;    /* pieces.n once this input was added */
};

/* One CIDR set of one bucket. */
struct cset_entry {
	char gid[SG_ID_LEN];
	int prio, pol, which;
	enum ir_key key;           /* the set's shape: its boxes' layout */
	unsigned long gen;         /* last compile that used it */
	struct cached_input *in;
	size_t nin, capin;
	struct piece_list pieces;
	struct cset_entry *next;   /* hash chain */
};

struct sg_compile_cache {
	struct cset_entry **slots;
	size_t nslots, n;
	unsigned long gen;
	struct sg_compile_cache_stats st;
};

struct sg_compile_cache *sg_compile_cache_new(void)
{
	struct sg_compile_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->nslots = 64;
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return NULL;
	}
	return c;
}

/* Drop inputs from idx on, and the pieces they made. */
static void entry_truncate(struct cset_entry *e, size_t idx)
{
	for (size_t i = idx; i < e->nin; i++)
		free(e->in[i].id);
	e->nin = idx;
	e->pieces.n = idx ? e->in[idx - 1].npieces : 0;
}

static void entry_free(struct cset_entry *e)
{
	entry_truncate(e, 0);
	free(e->in);
	pieces_free(&e->pieces);
	free(e);
}

void sg_compile_cache_free(struct sg_compile_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslots; i++) {
		struct cset_entry *e = c->slots[i], *next;

		for (; e; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	free(c->slots);
	free(c);
}

void sg_compile_cache_stats(const struct sg_compile_cache *c, struct sg_compile_cache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (c)
		*out = c->st;
}

static size_t key_hash(const struct cset_key *k)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (const char *p = k->gid; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)k->prio) * 1099511628211ull;
	h = (h ^ (uint64_t)(k->pol * CSET_COUNT + k->which)) * 1099511628211ull;
	return (size_t)h;
}

static bool key_match(const struct cset_entry *e, const struct cset_key *k)
{
	return e->prio == k->prio && e->pol == (int)k->pol && e->which == k->which && e->key == k->key &&
	       strcmp(e->gid, k->gid) == 0;
}

/* Double the slots when the chains get long; failure only costs speed. */
static void maybe_grow(struct sg_compile_cache *c)
{
	size_t nslots = c->nslots * 2;
	struct cset_entry **slots;

	if (c->n < c->nslots)
		return;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return;
	for (size_t i = 0; i < c->nslots; i++) {
		struct cset_entry *e = c->slots[i], *next;

		for (; e; e = next) {
			struct cset_key k = {
				.gid = e->gid, .prio = e->prio, .pol = e->pol, .which = e->which, .key = e->key,
			};
			size_t h = key_hash(&k) % nslots;

			next = e->next;
			e->next = slots[h];
			slots[h] = e;
		}
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
}

static struct cset_entry *entry_get(struct sg_compile_cache *c, const struct cset_key *k)
{
	struct cset_entry *e;
	size_t h;

	maybe_grow(c);
	h = key_hash(k) % c->nslots;
	for (e = c->slots[h]; e; e = e->next)
		if (key_match(e, k))
			return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	strncpy(e->gid, k->gid, sizeof(e->gid) - 1);
	e->prio = k->prio;
	e->pol = k->pol;
	e->which = k->which;
	e->key = k->key;
	e->next = c->slots[h];
	c->slots[h] = e;
	c->n++;
	return e;
}

/* Split one more input into e's pieces. */
static int entry_add(struct cset_entry *e, const struct box_shape *s, const struct cset_input *in)
{
	struct cached_input *ci;
	int rc;

	if (e->nin == e->capin) {
		size_t ncap = e->capin ? e->capin * 2 : 16;
		struct cached_input *v = realloc(e->in, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		e->in = v;
		e->capin = ncap;
	}
	ci = &e->in[e->nin];
	ci->b = in->b;
	ci->id = strdup(in->id);
	if (!ci->id)
		return -ENOMEM;
	rc = pieces_add(s, &e->pieces, &ci->b, ci->id);
	if (rc) {
		free(ci->id);
		return rc;
	}
	ci->npieces = e->pieces.n;
	e->nin++;
	return 0;
}

static size_t common_prefix(const struct cset_entry *e, const struct cset_inputs *in)
{
	size_t i = 0;

	while (i < e->nin && i < in->n && memcmp(&e->in[i].b, &in->v[i].b, sizeof(struct box)) == 0 &&
	       strcmp(e->in[i].id, in->v[i].id) == 0)
		i++;
	return i;
}

static int pieces_scratch(const struct box_shape *s, const struct cset_inputs *in,
			  struct piece_list *scratch)
{
	for (size_t i = 0; i < in->n; i++) {
		int rc = pieces_add(s, scratch, &in->v[i].b, in->v[i].id);

		if (rc)
			return rc;
	}
	return 0;
}

int cset_pieces(struct sg_compile_cache *c, const struct cset_key *k, const struct cset_inputs *in,
		struct piece_list *scratch, const struct piece_list **out)
{
	struct cset_entry *e;
	struct box_shape s;
	size_t same;
	int rc = 0;

	box_shape_of(k->key, &s);
	*out = scratch;
	if (!c || !in->n)
		return pieces_scratch(&s, in, scratch); /* an unused entry is swept */
	e = entry_get(c, k);
	if (!e)
		return -ENOMEM;
	e->gen = c->gen;
	same = common_prefix(e, in);
	if (same < e->nin) {
		entry_truncate(e, same);
		c->st.rebuilt++;
	}
	c->st.reused += same;
	for (size_t i = same; i < in->n && !rc; i++) {
		rc = entry_add(e, &s, &in->v[i]);
		c->st.added++;
	}
	if (rc) {
		entry_truncate(e, 0); /* consistent: the next call starts over */
		return rc;
	}
	*out = &e->pieces;
	return 0;
}

/* Forget the sets the last compile did not use (deleted rules, groups). */
static void sweep(struct sg_compile_cache *c)
{
	for (size_t i = 0; i < c->nslots; i++) {
		struct cset_entry **pp = &c->slots[i];

		while (*pp) {
			struct cset_entry *e = *pp;

			if (e->gen == c->gen) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			entry_free(e);
			c->n--;
			c->st.evicted++;
		}
	}
}

int sg_compile_cached(struct sg_compile_cache *c, const struct sg_model *m, enum ir_mode mode,
		      struct ir_table *out)
{
	int rc;

	if (!c)
		return sg_compile(m, mode, out);
	c->gen++;
	rc = compile_model(m, mode, out, c);
	sweep(c);
	return rc;
}
