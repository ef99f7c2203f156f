/* batch.c - one transaction's messages and what each of them asked for. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>

#include "internal.h"

/* Pages as large as nft's own; the overrun must hold the largest message
 * (an element message stays below 64 KiB, see set.c). */
#define NB_PAGE (32u * 4096u)
#define NB_OVERRUN (128u * 1024u)

static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*v, ncap * sz);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

int nbatch_init(struct nbatch *nb, struct sgnft *n, const struct ir_table *t, const char *table)
{
	memset(nb, 0, sizeof(*nb));
	nb->b = nftnl_batch_alloc(NB_PAGE, NB_OVERRUN);
	if (!nb->b)
		return -ENOMEM;
	nb->t = t;
	nb->table = table;
	nb->mode = t ? t->mode : IR_MODE_HOST;
	/* Sequence numbers never repeat on a socket, so a late answer to an
	 * older batch can never be taken for one of this batch. */
	nb->seq_begin = ++n->seq;
	nb->next_id = 1;
	nftnl_batch_begin(nftnl_batch_buffer(nb->b), nb->seq_begin);
	if (nftnl_batch_update(nb->b) < 0) {
		nbatch_free(nb);
		return -ENOMEM;
	}
	nb->seq = nb->seq_begin;
	return 0;
}

void nbatch_free(struct nbatch *nb)
{
	for (size_t i = 0; i < nb->n; i++)
		free(nb->v[i].elems);
	free(nb->v);
	free(nb->ids);
	if (nb->b)
		nftnl_batch_free(nb->b);
	memset(nb, 0, sizeof(*nb));
}

char *nbatch_next(struct nbatch *nb, struct nmsg **out, const char *fmt, ...)
{
	struct nmsg *m;
	va_list ap;

	if (grow((void **)&nb->v, &nb->cap, nb->n, sizeof(*nb->v)))
		return NULL;
	m = &nb->v[nb->n];
	memset(m, 0, sizeof(*m));
	m->seq = ++nb->seq;
	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
	*out = m;
	return nftnl_batch_buffer(nb->b);
}

int nbatch_commit(struct nbatch *nb, struct nmsg *m, struct nlmsghdr *nlh)
{
	uint32_t len = nlh->nlmsg_len;

	if (nftnl_batch_update(nb->b) < 0)
		return -ENOMEM;
	/* When the page was full the message was copied to the start of a new
	 * page; either way it ends where the next one begins. */
	m->nlh = (struct nlmsghdr *)((char *)nftnl_batch_buffer(nb->b) - len);
	nb->n++;
	return 0;
}

int nbatch_set_id_add(struct nbatch *nb, const char *name, uint32_t *id)
{
	struct nset_id *s;

	if (grow((void **)&nb->ids, &nb->capids, nb->nids, sizeof(*nb->ids)))
		return -ENOMEM;
	s = &nb->ids[nb->nids++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->id = nb->next_id++;
	*id = s->id;
	return 0;
}

uint32_t nbatch_set_id(const struct nbatch *nb, const char *name)
{
	for (size_t i = 0; i < nb->nids; i++)
		if (strcmp(nb->ids[i].name, name) == 0)
			return nb->ids[i].id;
	return 0;
}

const struct nmsg *nbatch_find(const struct nbatch *nb, uint32_t seq)
{
	if (seq <= nb->seq_begin || seq > nb->seq_begin + nb->n)
		return NULL;
	return &nb->v[seq - nb->seq_begin - 1];
}
