/* apply.c - whole-table replacement and change lists, each one transaction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void build_error(char *errmsg, size_t len, const char *what, int err)
{
	if (errmsg && len)
		snprintf(errmsg, len, "building the batch (%s): %s", what, strerror(-err));
}

/* The whole table after `add table; delete table; add table`:
 * chains first (map elements and rules jump to them), then sets with their
 * elements, then the rules that look the sets up. */
static int build_table(struct nbatch *nb, const struct ir_table *t, char *errmsg, size_t len)
{
	int err = 0;

	for (size_t i = 0; i < t->nchains && !err; i++)
		if ((err = nmsg_chain_add(nb, &t->chains[i])))
			build_error(errmsg, len, t->chains[i].name, err);
	for (size_t i = 0; i < t->nsets && !err; i++)
		if ((err = nmsg_set_add(nb, &t->sets[i])))
			build_error(errmsg, len, t->sets[i].name, err);
	for (size_t i = 0; i < t->nchains && !err; i++) {
		const struct ir_chain *c = &t->chains[i];

		for (size_t j = 0; j < c->nrules && !err; j++)
			if ((err = nmsg_rule_add(nb, c, &c->rules[j])))
				build_error(errmsg, len, c->name, err);
	}
	return err;
}

int nbuild_replace(struct nbatch *nb, const struct ir_table *t, char *errmsg, size_t len)
{
	int err;

	nb->full = true;
	/* add (creates it if missing, so the delete cannot fail), delete,
	 * add again: all in one transaction, so filtering never stops. */
	err = nmsg_table_add(nb);
	if (!err)
		err = nmsg_table_del(nb);
	if (!err)
		err = nmsg_table_add(nb);
	if (err)
		build_error(errmsg, len, "table", err);
	if (!err)
		err = build_table(nb, t, errmsg, len);
	return err;
}

int sgnft_replace(struct sgnft *n, const struct ir_table *t, char *errmsg, size_t len)
{
	struct nbatch nb;
	int err;

	if (errmsg && len)
		errmsg[0] = '\0';
	err = nbatch_init(&nb, n, t, t->name);
	if (err)
		return err;
	err = nbuild_replace(&nb, t, errmsg, len);
	if (!err)
		err = nbatch_send(n, &nb, errmsg, len);
	nbatch_free(&nb);
	return err;
}

int sgnft_delete_table(struct sgnft *n, const char *name)
{
	struct nbatch nb;
	int err;

	err = nbatch_init(&nb, n, NULL, name);
	if (err)
		return err;
	/* add first so that deleting a missing table is not an error */
	err = nmsg_table_add(&nb);
	if (!err)
		err = nmsg_table_del(&nb);
	if (!err)
		err = nbatch_send(n, &nb, NULL, 0);
	nbatch_free(&nb);
	return err;
}

/* Consecutive element changes of one kind on one set go in shared
 * messages; returns how many changes from v[i] on were consumed. */
static int elem_run(struct nbatch *nb, const struct ir_change *v, size_t i, size_t n,
		    size_t *used)
{
	const struct ir_elem **elems;
	size_t j = i;
	int err;

	while (j < n && v[j].kind == v[i].kind && v[j].set == v[i].set)
		j++;
	elems = malloc((j - i) * sizeof(*elems));
	if (!elems)
		return -ENOMEM;
	for (size_t k = i; k < j; k++)
		elems[k - i] = v[k].elem;
	err = nmsg_elems(nb, v[i].set, elems, j - i, v[i].kind == IR_CH_ADD_ELEM);
	free(elems);
	*used = j - i;
	return err;
}

static int set_rules(struct nbatch *nb, const struct ir_chain *c)
{
	int err = nmsg_chain_flush(nb, c);

	for (size_t i = 0; i < c->nrules && !err; i++)
		err = nmsg_rule_add(nb, c, &c->rules[i]);
	return err;
}

/* One change (or a run of element changes); *used says how many. */
static int build_change(struct nbatch *nb, const struct ir_change *v, size_t i, size_t n,
			size_t *used)
{
	const struct ir_change *c = &v[i];

	*used = 1;
	switch (c->kind) {
	case IR_CH_ADD_SET:
	case IR_CH_ADD_CHAIN:
		return 0; /* done in the earlier passes */
	case IR_CH_DEL_ELEM:
	case IR_CH_ADD_ELEM:
		return elem_run(nb, v, i, n, used);
	case IR_CH_SET_RULES:
		return set_rules(nb, c->chain);
	case IR_CH_DEL_CHAIN:
		return nmsg_chain_del(nb, c->chain);
	case IR_CH_DEL_SET:
		return nmsg_set_del(nb, c->set);
	}
	return -EINVAL;
}

static const char *change_name(const struct ir_change *c)
{
	if (c->chain)
		return c->chain->name;
	if (c->set)
		return c->set->name;
	return "?";
}

/* Before the first chain is deleted, every chain about to go is flushed:
 * removed chains may jump to each other (a NIC's family chain to a bucket
 * chain), and the kernel refuses (EBUSY) to delete a chain that a rule
 * still jumps to, whatever order the deletions come in. */
static int flush_removed_chains(struct nbatch *nb, const struct ir_changes *ch, char *errmsg,
				size_t len)
{
	int err = 0;
	for (size_t i = 0; i < ch->n && !err; i++)
		if (ch->v[i].kind == IR_CH_DEL_CHAIN && (err = nmsg_chain_flush(nb, ch->v[i].chain)))
			build_error(errmsg, len, change_name(&ch->v[i]), err);
	return err;
}

/* The change list's order (ir.h), except that new chains come before new
 * sets (a new dispatch map's elements jump to chains that must exist
 * already) and that removed chains are flushed before any is deleted. */
int nbuild_changes(struct nbatch *nb, const struct ir_changes *ch, char *errmsg, size_t len)
{
	size_t used;
	bool flushed = false;
	int err = 0;

	for (size_t i = 0; i < ch->n && !err; i++)
		if (ch->v[i].kind == IR_CH_ADD_CHAIN && (err = nmsg_chain_add(nb, ch->v[i].chain)))
			build_error(errmsg, len, change_name(&ch->v[i]), err);
	for (size_t i = 0; i < ch->n && !err; i++)
		if (ch->v[i].kind == IR_CH_ADD_SET && (err = nmsg_set_add(nb, ch->v[i].set)))
			build_error(errmsg, len, change_name(&ch->v[i]), err);
	for (size_t i = 0; i < ch->n && !err; i += used) {
		if (ch->v[i].kind == IR_CH_DEL_CHAIN && !flushed) {
			flushed = true;
			if ((err = flush_removed_chains(nb, ch, errmsg, len)))
				break;
		}
		if ((err = build_change(nb, ch->v, i, ch->n, &used)))
			build_error(errmsg, len, change_name(&ch->v[i]), err);
	}
	return err;
}

int sgnft_apply(struct sgnft *n, const struct ir_table *new, const struct ir_changes *ch,
		char *errmsg, size_t len)
{
	struct nbatch nb;
	int err;

	if (errmsg && len)
		errmsg[0] = '\0';
	if (!ch->n) {
		n->last_batch = 0;
		return 0;
	}
	err = nbatch_init(&nb, n, new, new->name);
	if (err)
		return err;
	err = nbuild_changes(&nb, ch, errmsg, len);
	if (!err)
		err = nbatch_send(n, &nb, errmsg, len);
	nbatch_free(&nb);
	return err;
}
