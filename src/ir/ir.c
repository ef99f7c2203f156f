/* ir.c - building, sorting and comparing the ruleset IR (include/sgd/ir.h).
 *
 * Pointers returned by the *_add builders stay valid only until the next add
 * into the same array (the arrays grow with realloc). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/ir.h"
#include "ir_internal.h"

/* Grow *v (element size sz) so that it holds at least n+1 items. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*v, ncap * sz);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

int ir_str_set(char **dst, const char *s)
{
	char *p = NULL;

	if (s) {
		p = strdup(s);
		if (!p)
			return -ENOMEM;
	}
	free(*dst);
	*dst = p;
	return 0;
}

void ir_table_init(struct ir_table *t, const char *name, enum ir_mode mode)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "sgd");
	t->mode = mode;
}

static void set_free(struct ir_set *s)
{
	for (size_t i = 0; i < s->nelems; i++)
		free(s->elems[i].comment);
	free(s->elems);
	free(s->comment);
}

static void chain_free(struct ir_chain *c)
{
	for (size_t i = 0; i < c->nrules; i++)
		free(c->rules[i].comment);
	free(c->rules);
}

void ir_table_free(struct ir_table *t)
{
	for (size_t i = 0; i < t->nsets; i++)
		set_free(&t->sets[i]);
	for (size_t i = 0; i < t->nchains; i++)
		chain_free(&t->chains[i]);
	free(t->sets);
	free(t->chains);
	t->sets = NULL;
	t->chains = NULL;
	t->nsets = t->capsets = t->nchains = t->capchains = 0;
}

struct ir_set *ir_set_add(struct ir_table *t, const char *name, enum ir_key key)
{
	struct ir_set *s;

	if (grow((void **)&t->sets, &t->capsets, t->nsets, sizeof(*s)))
		return NULL;
	s = &t->sets[t->nsets++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->key = key;
	return s;
}

struct ir_chain *ir_chain_add(struct ir_table *t, const char *name, enum ir_hook hook)
{
	struct ir_chain *c;

	if (grow((void **)&t->chains, &t->capchains, t->nchains, sizeof(*c)))
		return NULL;
	c = &t->chains[t->nchains++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = hook;
	return c;
}

struct ir_elem *ir_elem_add(struct ir_set *s)
{
	struct ir_elem *e;

	if (grow((void **)&s->elems, &s->capelems, s->nelems, sizeof(*e)))
		return NULL;
	e = &s->elems[s->nelems++];
	memset(e, 0, sizeof(*e));
	return e;
}

struct ir_rule *ir_rule_add(struct ir_chain *c)
{
	struct ir_rule *r;

	if (grow((void **)&c->rules, &c->caprules, c->nrules, sizeof(*r)))
		return NULL;
	r = &c->rules[c->nrules++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct ir_match *ir_match_add(struct ir_rule *r, enum ir_match_kind kind)
{
	struct ir_match *m;

	if (r->nm >= IR_MAX_MATCH)
		return NULL;
	m = &r->m[r->nm++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	return m;
}

const struct ir_set *ir_set_find(const struct ir_table *t, const char *name)
{
	for (size_t i = 0; i < t->nsets; i++)
		if (strcmp(t->sets[i].name, name) == 0)
			return &t->sets[i];
	return NULL;
}

const struct ir_chain *ir_chain_find(const struct ir_table *t, const char *name)
{
	for (size_t i = 0; i < t->nchains; i++)
		if (strcmp(t->chains[i].name, name) == 0)
			return &t->chains[i];
	return NULL;
}

/* ---- ordering ---- */

int ir_elem_key_cmp(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	const struct ir_key_desc *d = ir_key_desc(k);
	int n = d ? d->nfields : 0;

	/* equal elements are the common case of a diff: one compare for all */
	if (memcmp(a->f, b->f, (size_t)n * sizeof(a->f[0])) == 0)
		return 0;
	for (int i = 0; i < n; i++) {
		size_t len = ir_field_len(d->field[i]);
		int c = memcmp(a->f[i].lo, b->f[i].lo, len);

		if (c)
			return c;
		if (d->map) /* a map's key is one value */
			continue;
		c = memcmp(a->f[i].hi, b->f[i].hi, len);
		if (c)
			return c;
	}
	return 0;
}

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int verdict_cmp(const struct ir_verdict *a, const struct ir_verdict *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == IR_V_JUMP || a->kind == IR_V_GOTO)
		return strncmp(a->target, b->target, IR_NAME_LEN);
	return 0;
}

/* qsort has no context argument in C11; the sort is single threaded. */
static __thread enum ir_key sort_key;

static int elem_qcmp(const void *pa, const void *pb)
{
	const struct ir_elem *a = pa, *b = pb;
	int c = ir_elem_key_cmp(sort_key, a, b);

	if (c)
		return c;
	c = verdict_cmp(&a->data, &b->data);
	if (c)
		return c;
	return strcmp_null(a->comment, b->comment);
}

static int set_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct ir_set *)a)->name, ((const struct ir_set *)b)->name);
}

static int chain_qcmp(const void *a, const void *b)
{
	return strcmp(((const struct ir_chain *)a)->name, ((const struct ir_chain *)b)->name);
}

/* True when s's elements are already in canonical order (the compiler
 * mostly emits them so): a sorted array is left as qsort would leave it. */
static bool elems_sorted(const struct ir_set *s)
{
	for (size_t i = 1; i < s->nelems; i++)
		if (elem_qcmp(&s->elems[i - 1], &s->elems[i]) > 0)
			return false;
	return true;
}

void ir_sort(struct ir_table *t)
{
	if (t->nsets)
		qsort(t->sets, t->nsets, sizeof(*t->sets), set_qcmp);
	if (t->nchains)
		qsort(t->chains, t->nchains, sizeof(*t->chains), chain_qcmp);
	for (size_t i = 0; i < t->nsets; i++) {
		struct ir_set *s = &t->sets[i];

		sort_key = s->key;
		if (s->nelems > 1 && !elems_sorted(s))
			qsort(s->elems, s->nelems, sizeof(*s->elems), elem_qcmp);
	}
}

/* ---- equality ---- */

bool ir_elem_equal(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	return ir_elem_key_cmp(k, a, b) == 0 && ir_elem_data_equal(a, b);
}

bool ir_elem_data_equal(const struct ir_elem *a, const struct ir_elem *b)
{
	return verdict_cmp(&a->data, &b->data) == 0 && strcmp_null(a->comment, b->comment) == 0;
}

int ir_set_reserve(struct ir_set *s, size_t n)
{
	struct ir_elem *v;

	if (n <= s->capelems)
		return 0;
	v = realloc(s->elems, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->elems = v;
	s->capelems = n;
	return 0;
}

static bool match_equal(const struct ir_match *a, const struct ir_match *b)
{
	return a->kind == b->kind && a->family == b->family &&
	       memcmp(&a->range, &b->range, sizeof(a->range)) == 0 && a->ct_state == b->ct_state &&
	       strncmp(a->set, b->set, IR_NAME_LEN) == 0;
}

bool ir_rule_equal(const struct ir_rule *a, const struct ir_rule *b)
{
	if (a->nm != b->nm || a->counter != b->counter)
		return false;
	if (verdict_cmp(&a->verdict, &b->verdict) || strcmp_null(a->comment, b->comment))
		return false;
	for (int i = 0; i < a->nm; i++)
		if (!match_equal(&a->m[i], &b->m[i]))
			return false;
	return true;
}

bool ir_chain_equal(const struct ir_chain *a, const struct ir_chain *b)
{
	if (strcmp(a->name, b->name) || a->hook != b->hook || a->nrules != b->nrules)
		return false;
	for (size_t i = 0; i < a->nrules; i++)
		if (!ir_rule_equal(&a->rules[i], &b->rules[i]))
			return false;
	return true;
}

/* ---- change lists ---- */

int ir_changes_push(struct ir_changes *ch, enum ir_change_kind kind, const struct ir_set *set,
		    const struct ir_chain *chain, const struct ir_elem *elem)
{
	struct ir_change *c;

	if (grow((void **)&ch->v, &ch->cap, ch->n, sizeof(*c)))
		return -ENOMEM;
	c = &ch->v[ch->n++];
	c->kind = kind;
	c->set = set;
	c->chain = chain;
	c->elem = elem;
	return 0;
}

void ir_changes_free(struct ir_changes *ch)
{
	free(ch->v);
	ch->v = NULL;
	ch->n = ch->cap = 0;
}
