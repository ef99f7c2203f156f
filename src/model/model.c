/* model.c - lifecycle, lookup, insertion and removal of model objects.
 * Arrays grow geometrically; removal keeps order (creation order matters to
 * the compiler, which splits overlapping rules in creation order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/model.h"

/* Make room for one more element of size `sz` in *v (n used, *cap allocated). */
static int grow(void **v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *nv = realloc(*v, ncap * sz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Remove element idx from an array of n elements of size sz, keeping order. */
static void erase(void *v, size_t *n, size_t idx, size_t sz)
{
	char *base = v;
	memmove(base + idx * sz, base + (idx + 1) * sz, (*n - idx - 1) * sz);
	(*n)--;
}

void sg_quota_defaults(struct sg_quota *q)
{
	q->rules_per_group = 200;
	q->group_rules_per_group = 20;
	q->rules_per_nic = 1000;
	q->groups_per_nic = 5;
	q->permissions_per_call = 100;
	q->prefix_list_max = 200;
	q->port_list_max = 2000;
	q->groups_per_account = 100;
	q->nics_per_account = 1000;
	q->prefix_lists_per_account = 100;
	q->port_lists_per_account = 100;
}

void sg_model_init(struct sg_model *m)
{
	memset(m, 0, sizeof(*m));
	m->next_seq = 1;
	sg_quota_defaults(&m->quota);
}

void sg_rule_free(struct sg_rule *r)
{
	free(r->description);
	r->description = NULL;
}

static void group_free(struct sg_group *g)
{
	for (size_t i = 0; i < g->nrules; i++)
		sg_rule_free(&g->rules[i]);
	free(g->rules);
	free(g->description);
}

static void pl_free(struct sg_prefix_list *pl)
{
	for (size_t i = 0; i < pl->nentries; i++)
		free(pl->entries[i].description);
	free(pl->entries);
	free(pl->description);
}

static void prl_free(struct sg_port_list *prl)
{
	for (size_t i = 0; i < prl->nentries; i++)
		free(prl->entries[i].description);
	free(prl->entries);
	free(prl->description);
}

static void nic_free(struct sg_nic *n)
{
	free(n->addrs);
	free(n->description);
}

void sg_model_free(struct sg_model *m)
{
	for (size_t i = 0; i < m->ngroups; i++)
		group_free(&m->groups[i]);
	for (size_t i = 0; i < m->npls; i++)
		pl_free(&m->pls[i]);
	for (size_t i = 0; i < m->nprls; i++)
		prl_free(&m->prls[i]);
	for (size_t i = 0; i < m->nnics; i++)
		nic_free(&m->nics[i]);
	free(m->groups);
	free(m->pls);
	free(m->prls);
	free(m->nics);
	struct sg_quota q = m->quota;
	sg_model_init(m);
	m->quota = q;
}

#define FIND(arr, n, field, key)                                  \
	do {                                                      \
		for (size_t i_ = 0; i_ < (n); i_++)               \
			if (strcmp((arr)[i_].field, (key)) == 0)  \
				return &(arr)[i_];                \
		return NULL;                                      \
	} while (0)

struct sg_group *sg_group_find(const struct sg_model *m, const char *id) { FIND(m->groups, m->ngroups, id, id); }
struct sg_prefix_list *sg_pl_find(const struct sg_model *m, const char *id) { FIND(m->pls, m->npls, id, id); }
struct sg_port_list *sg_prl_find(const struct sg_model *m, const char *id) { FIND(m->prls, m->nprls, id, id); }
struct sg_nic *sg_nic_find(const struct sg_model *m, const char *id) { FIND(m->nics, m->nnics, id, id); }
struct sg_rule *sg_rule_find(const struct sg_group *g, const char *id) { FIND(g->rules, g->nrules, id, id); }

struct sg_nic *sg_nic_find_by_device(const struct sg_model *m, const char *dev)
{
	if (!dev || !*dev)
		return NULL;
	FIND(m->nics, m->nnics, host_device, dev);
}

struct sg_group *sg_group_add(struct sg_model *m, const struct sg_group *g)
{
	if (grow((void **)&m->groups, m->ngroups, &m->capgroups, sizeof(*g)))
		return NULL;
	m->groups[m->ngroups] = *g;
	return &m->groups[m->ngroups++];
}

struct sg_rule *sg_rule_add(struct sg_model *m, struct sg_group *g, const struct sg_rule *r)
{
	if (grow((void **)&g->rules, g->nrules, &g->caprules, sizeof(*r)))
		return NULL;
	struct sg_rule *nr = &g->rules[g->nrules++];
	*nr = *r;
	if (nr->seq == 0)
		nr->seq = m->next_seq;
	if (nr->seq >= m->next_seq)
		m->next_seq = nr->seq + 1;
	return nr;
}

struct sg_prefix_list *sg_pl_add(struct sg_model *m, const struct sg_prefix_list *pl)
{
	if (grow((void **)&m->pls, m->npls, &m->cappls, sizeof(*pl)))
		return NULL;
	m->pls[m->npls] = *pl;
	return &m->pls[m->npls++];
}

struct sg_port_list *sg_prl_add(struct sg_model *m, const struct sg_port_list *prl)
{
	if (grow((void **)&m->prls, m->nprls, &m->capprls, sizeof(*prl)))
		return NULL;
	m->prls[m->nprls] = *prl;
	return &m->prls[m->nprls++];
}

struct sg_nic *sg_nic_add(struct sg_model *m, const struct sg_nic *n)
{
	if (grow((void **)&m->nics, m->nnics, &m->capnics, sizeof(*n)))
		return NULL;
	m->nics[m->nnics] = *n;
	return &m->nics[m->nnics++];
}

int sg_pl_entry_add(struct sg_prefix_list *pl, const struct sg_prefix_entry *e)
{
	if (grow((void **)&pl->entries, pl->nentries, &pl->capentries, sizeof(*e)))
		return -ENOMEM;
	pl->entries[pl->nentries++] = *e;
	return 0;
}

int sg_prl_entry_add(struct sg_port_list *prl, const struct sg_port_entry *e)
{
	if (grow((void **)&prl->entries, prl->nentries, &prl->capentries, sizeof(*e)))
		return -ENOMEM;
	prl->entries[prl->nentries++] = *e;
	return 0;
}

int sg_nic_addr_add(struct sg_nic *n, const struct sg_nic_addr *a)
{
	if (grow((void **)&n->addrs, n->naddrs, &n->capaddrs, sizeof(*a)))
		return -ENOMEM;
	n->addrs[n->naddrs++] = *a;
	return 0;
}

void sg_group_del(struct sg_model *m, struct sg_group *g)
{
	group_free(g);
	erase(m->groups, &m->ngroups, (size_t)(g - m->groups), sizeof(*g));
}

void sg_rule_del(struct sg_group *g, struct sg_rule *r)
{
	sg_rule_free(r);
	erase(g->rules, &g->nrules, (size_t)(r - g->rules), sizeof(*r));
}

void sg_pl_del(struct sg_model *m, struct sg_prefix_list *pl)
{
	pl_free(pl);
	erase(m->pls, &m->npls, (size_t)(pl - m->pls), sizeof(*pl));
}

void sg_prl_del(struct sg_model *m, struct sg_port_list *prl)
{
	prl_free(prl);
	erase(m->prls, &m->nprls, (size_t)(prl - m->prls), sizeof(*prl));
}

void sg_nic_del(struct sg_model *m, struct sg_nic *n)
{
	nic_free(n);
	erase(m->nics, &m->nnics, (size_t)(n - m->nics), sizeof(*n));
}

void sg_pl_entry_del(struct sg_prefix_list *pl, size_t idx)
{
	free(pl->entries[idx].description);
	erase(pl->entries, &pl->nentries, idx, sizeof(pl->entries[0]));
}

void sg_prl_entry_del(struct sg_port_list *prl, size_t idx)
{
	free(prl->entries[idx].description);
	erase(prl->entries, &prl->nentries, idx, sizeof(prl->entries[0]));
}
