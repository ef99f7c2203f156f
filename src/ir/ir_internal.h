/* ir_internal.h - helpers shared by the files of src/ir/ (not a public API). */
#ifndef SGD_IR_INTERNAL_H
#define SGD_IR_INTERNAL_H

#include "sgd/ir.h"

/* Canonical order of two elements of a set with key k: by key fields only
 * (lo then hi per field; a map's key compares lo only). */
int ir_elem_key_cmp(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b);

/* Same verdict data and comment (the key aside). */
bool ir_elem_data_equal(const struct ir_elem *a, const struct ir_elem *b);

/* Append one change.  0 or -ENOMEM. */
int ir_changes_push(struct ir_changes *ch, enum ir_change_kind kind, const struct ir_set *set,
		    const struct ir_chain *chain, const struct ir_elem *elem);

#endif
