/* sbuf.c - the growable string the signature code and the XML renderer
 * build their text in.  An allocation failure sticks in oom and later
 * appends do nothing, so callers check once at the end. */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

void sg_sbuf_addn(struct sg_sbuf *b, const char *s, size_t l)
{
	if (b->oom)
		return;
	if (b->n + l + 1 > b->cap) {
		size_t cap = (b->n + l + 1) * 2 + 256;
		char *t = realloc(b->s, cap);
		if (!t) {
			b->oom = true;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, l);
	b->n += l;
	b->s[b->n] = '\0';
}

void sg_sbuf_add(struct sg_sbuf *b, const char *s)
{
	sg_sbuf_addn(b, s, strlen(s));
}

void sg_sbuf_add_pct(struct sg_sbuf *b, const char *s)
{
	char *e = sg_pct_encode(s);

	if (!e) {
		b->oom = true;
		return;
	}
	sg_sbuf_add(b, e);
	free(e);
}

static int cmp_param(const void *a, const void *b)
{
	const struct sg_param *x = *(const struct sg_param *const *)a;
	const struct sg_param *y = *(const struct sg_param *const *)b;
	return strcmp(x->key, y->key);
}

void sg_sbuf_add_sorted_params(struct sg_sbuf *b, const struct sg_params *p, const char *skip)
{
	const struct sg_param **v = calloc(p->n ? p->n : 1, sizeof(*v));
	size_t n = 0;

	if (!v) {
		b->oom = true;
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		if (!skip || strcmp(p->v[i].key, skip) != 0)
			v[n++] = &p->v[i];
	qsort(v, n, sizeof(*v), cmp_param);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sg_sbuf_add(b, "&");
		sg_sbuf_add_pct(b, v[i]->key);
		sg_sbuf_add(b, "=");
		sg_sbuf_add_pct(b, v[i]->value);
	}
	free(v);
}
