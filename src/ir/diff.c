/* diff.c - ir_diff(): the change list turning one sorted table into another.
 *
 * Both tables must be ir_sort()ed (sg_compile() output is).  Sets and chains
 * are merge-walked by name and set elements by key, so the cost is linear
 * and adding one permission yields one or a few element additions.
 * On error (-ENOMEM, or -EINVAL for a mode, hook or set key change, which
 * need a full replace) ch is freed. */
#include <errno.h>
#include <string.h>

#include "ir_internal.h"

enum { PASS_ADD_SET, PASS_ADD_CHAIN, PASS_ELEMS, PASS_RULES, PASS_DEL_CHAIN, PASS_DEL_SET, NPASS };

/* Element adds and deletes of a set present in both tables: deletes first,
 * so a replaced element (same key, new comment/data) never overlaps itself. */
static int diff_elems(const struct ir_set *o, const struct ir_set *n, struct ir_changes *ch)
{
	for (int adds = 0; adds < 2; adds++) {
		size_t i = 0, j = 0;

		while (i < o->nelems || j < n->nelems) {
			int c;
			int rc = 0;

			if (i == o->nelems)
				c = 1;
			else if (j == n->nelems)
				c = -1;
			else
				c = ir_elem_key_cmp(o->key, &o->elems[i], &n->elems[j]);
			if (c < 0) {
				if (!adds)
					rc = ir_changes_push(ch, IR_CH_DEL_ELEM, o, NULL, &o->elems[i]);
				i++;
			} else if (c > 0) {
				if (adds)
					rc = ir_changes_push(ch, IR_CH_ADD_ELEM, n, NULL, &n->elems[j]);
				j++;
			} else {
				if (!ir_elem_data_equal(&o->elems[i], &n->elems[j]))
					rc = ir_changes_push(ch, adds ? IR_CH_ADD_ELEM : IR_CH_DEL_ELEM,
							     adds ? n : o, NULL,
							     adds ? &n->elems[j] : &o->elems[i]);
				i++;
				j++;
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int sets_pass(const struct ir_table *old, const struct ir_table *new, int pass,
		     struct ir_changes *ch)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while ((i < old->nsets || j < new->nsets) && !rc) {
		int c = i == old->nsets ? 1 : j == new->nsets ? -1
					: strcmp(old->sets[i].name, new->sets[j].name);

		if (c < 0) {
			if (pass == PASS_DEL_SET)
				rc = ir_changes_push(ch, IR_CH_DEL_SET, &old->sets[i], NULL, NULL);
			i++;
		} else if (c > 0) {
			if (pass == PASS_ADD_SET)
				rc = ir_changes_push(ch, IR_CH_ADD_SET, &new->sets[j], NULL, NULL);
			j++;
		} else {
			/* the compiler's names encode the key, so a key change is a bug */
			if (old->sets[i].key != new->sets[j].key)
				return -EINVAL;
			if (pass == PASS_ELEMS)
				rc = diff_elems(&old->sets[i], &new->sets[j], ch);
			i++;
			j++;
		}
	}
	return rc;
}

static int chains_pass(const struct ir_table *old, const struct ir_table *new, int pass,
		       struct ir_changes *ch)
{
	size_t i = 0, j = 0;
	int rc = 0;

	while ((i < old->nchains || j < new->nchains) && !rc) {
		int c = i == old->nchains ? 1 : j == new->nchains ? -1
					  : strcmp(old->chains[i].name, new->chains[j].name);

		if (c < 0) {
			if (pass == PASS_DEL_CHAIN)
				rc = ir_changes_push(ch, IR_CH_DEL_CHAIN, NULL, &old->chains[i], NULL);
			i++;
		} else if (c > 0) {
			if (pass == PASS_ADD_CHAIN)
				rc = ir_changes_push(ch, IR_CH_ADD_CHAIN, NULL, &new->chains[j], NULL);
			else if (pass == PASS_RULES)
				rc = ir_changes_push(ch, IR_CH_SET_RULES, NULL, &new->chains[j], NULL);
			j++;
		} else {
			/* a base chain cannot change its hook in place */
			if (old->chains[i].hook != new->chains[j].hook)
				return -EINVAL;
			if (pass == PASS_RULES && !ir_chain_equal(&old->chains[i], &new->chains[j]))
				rc = ir_changes_push(ch, IR_CH_SET_RULES, NULL, &new->chains[j], NULL);
			i++;
			j++;
		}
	}
	return rc;
}

int ir_diff(const struct ir_table *old, const struct ir_table *new, struct ir_changes *ch)
{
	int rc = 0;

	/* iifname vs oifname dispatch: a mode switch needs a full replace */
	if (old->mode != new->mode && (old->nchains || old->nsets))
		return -EINVAL;
	for (int pass = 0; pass < NPASS && !rc; pass++) {
		if (pass == PASS_ADD_SET || pass == PASS_ELEMS || pass == PASS_DEL_SET)
			rc = sets_pass(old, new, pass, ch);
		else
			rc = chains_pass(old, new, pass, ch);
	}
	if (rc)
		ir_changes_free(ch);
	return rc;
}
