/* params.c - decoded request parameters. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/action.h"

void sg_params_init(struct sg_params *p) { memset(p, 0, sizeof(*p)); }

void sg_params_free(struct sg_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	sg_params_init(p);
}

static struct sg_param *find(const struct sg_params *p, const char *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return &p->v[i];
	return NULL;
}

int sg_params_set(struct sg_params *p, const char *key, const char *value)
{
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	struct sg_param *e = find(p, key);
	if (e) {
		free(e->value);
		e->value = v;
		return 0;
	}
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 16;
		struct sg_param *nv = realloc(p->v, ncap * sizeof(*nv));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		p->v = nv;
		p->cap = ncap;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return -ENOMEM;
	}
	p->v[p->n].key = k;
	p->v[p->n].value = v;
	p->n++;
	return 0;
}

const char *sg_param(const struct sg_params *p, const char *key)
{
	const struct sg_param *e = find(p, key);
	return e ? e->value : NULL;
}

const char *sg_paramf(const struct sg_params *p, const char *fmt, ...)
{
	char key[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return sg_param(p, key);
}
