/* box.h - axis-aligned boxes over big-endian byte fields, and interval sets.
 *
 * A permission of a (priority, policy) bucket is one box in the key space of
 * its set (saddr . proto . sport . daddr . dport, saddr . daddr . proto, or
 * the short saddr . proto . dport and saddr . proto).
 * The kernel's concatenated interval sets refuse elements whose start or end
 * point lies inside another element, so a bucket's boxes are made disjoint. */
#ifndef SGD_COMPILE_BOX_H
#define SGD_COMPILE_BOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sgd/ir.h"

struct box_shape {
	int n;                     /* dimensions */
	size_t len[IR_MAX_FIELDS]; /* bytes per dimension */
};

struct box {
	struct ir_range d[IR_MAX_FIELDS];
};

/* A box kept in a disjoint decomposition, with the id of the rule it came from. */
struct piece {
	struct box b;
	const char *id;
};

struct piece_list {
	struct piece *v;
	size_t n, cap;
};

void box_shape_of(enum ir_key k, struct box_shape *s);

/* v +/- 1 in place; false on wrap-around (v was all ones / all zeros). */
bool be_inc(uint8_t *v, size_t len);
bool be_dec(uint8_t *v, size_t len);

bool box_overlap(const struct box_shape *s, const struct box *a, const struct box *b);
bool box_contains_point(const struct box_shape *s, const struct box *b, const struct box *pt);

/* a minus p as disjoint boxes written to out (at most 2 * s->n); returns the count.
 * a and p must overlap. */
int box_subtract(const struct box_shape *s, const struct box *a, const struct box *p,
		 struct box *out);

/* Add box b (from rule id) to the disjoint decomposition pl: only the part of
 * b not yet covered is appended, as new pieces; existing pieces never change,
 * so a rule added last only adds elements.  0 or -ENOMEM. */
int pieces_add(const struct box_shape *s, struct piece_list *pl, const struct box *b, const char *id);
void pieces_free(struct piece_list *pl);

/* Sort 1-D ranges (len bytes) and merge overlapping and adjacent ones, in
 * place; returns the new count. */
size_t ranges_merge(struct ir_range *r, size_t n, size_t len);

#endif
