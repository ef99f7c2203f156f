/* snapshot.c - deep copies of the model, and the published read snapshot.
 *
 * Writers change the live model under the daemon's lock, which they hold
 * through a whole mutation (SQLite and a kernel transaction).  Readers
 * (Describe*) must never queue behind that: after every committed change
 * the writer publishes an immutable deep copy, and readers take a
 * reference to the newest copy under a lock held only for a pointer swap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/model.h"

/* *dst = a copy of n elements of size sz from src (NULL for 0). */
static int dup_array(void **dst, const void *src, size_t n, size_t sz)
{
	*dst = NULL;
	if (!n)
		return 0;
	*dst = malloc(n * sz);
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, n * sz);
	return 0;
}

/* Replaces a borrowed string pointer by an owned copy (NULL stays NULL). */
static int own_str(char **s)
{
	if (*s && !(*s = strdup(*s)))
		return -ENOMEM;
	return 0;
}

/* Each struct is first copied bytewise; its heap members still point into
 * the source, and these re-own them.  Members are cleared as they go so
 * that sg_model_free() of a half-made copy frees only what it owns. */
static int group_own(struct sg_group *g)
{
	struct sg_rule *src = g->rules;
	size_t n = g->nrules;
	g->rules = NULL;
	g->nrules = g->caprules = 0;
	if (own_str(&g->description) || dup_array((void **)&g->rules, src, n, sizeof(*src)))
		return -ENOMEM;
	g->nrules = g->caprules = n;
	for (size_t i = 0; i < n; i++)
		g->rules[i].description = NULL;
	for (size_t i = 0; i < n; i++) {
		g->rules[i].description = src[i].description;
		if (own_str(&g->rules[i].description))
			return -ENOMEM;
	}
	return 0;
}

#define OWN_ENTRIES(l, type)                                                       \
	do {                                                                       \
		type *src_ = (l)->entries;                                         \
		size_t n_ = (l)->nentries;                                         \
		(l)->entries = NULL;                                               \
		(l)->nentries = (l)->capentries = 0;                               \
		if (own_str(&(l)->description) ||                                  \
		    dup_array((void **)&(l)->entries, src_, n_, sizeof(*src_)))    \
			return -ENOMEM;                                            \
		(l)->nentries = (l)->capentries = n_;                              \
		for (size_t i_ = 0; i_ < n_; i_++)                                 \
			(l)->entries[i_].description = NULL;                       \
		for (size_t i_ = 0; i_ < n_; i_++) {                               \
			(l)->entries[i_].description = src_[i_].description;       \
			if (own_str(&(l)->entries[i_].description))                \
				return -ENOMEM;                                    \
		}                                                                  \
		return 0;                                                          \
	} while (0)

static int pl_own(struct sg_prefix_list *l) { OWN_ENTRIES(l, struct sg_prefix_entry); }
static int prl_own(struct sg_port_list *l) { OWN_ENTRIES(l, struct sg_port_entry); }

static int nic_own(struct sg_nic *n)
{
	struct sg_nic_addr *src = n->addrs;
	size_t k = n->naddrs;
	n->addrs = NULL;
	n->naddrs = n->capaddrs = 0;
	if (own_str(&n->description) || dup_array((void **)&n->addrs, src, k, sizeof(*src)))
		return -ENOMEM;
	n->naddrs = n->capaddrs = k;
	return 0;
}

/* Copies the top-level array `field` of src into dst, then re-owns each
 * element with `own`; on failure the elements not yet owned are cut off. */
#define CLONE_ARRAY(dst, src, arr, n, cap, own)                                    \
	do {                                                                       \
		if (dup_array((void **)&(dst)->arr, (src)->arr, (src)->n,          \
			      sizeof(*(src)->arr)))                                \
			goto fail;                                                 \
		(dst)->cap = (src)->n;                                             \
		for ((dst)->n = 0; (dst)->n < (src)->n; (dst)->n++) {              \
			if (own(&(dst)->arr[(dst)->n])) {                          \
				(dst)->n++; /* partly owned: free what it has */   \
				goto fail;                                         \
			}                                                          \
		}                                                                  \
	} while (0)

int sg_model_clone(struct sg_model *dst, const struct sg_model *src)
{
	sg_model_init(dst);
	dst->quota = src->quota;
	dst->next_seq = src->next_seq;
	CLONE_ARRAY(dst, src, groups, ngroups, capgroups, group_own);
	CLONE_ARRAY(dst, src, pls, npls, cappls, pl_own);
	CLONE_ARRAY(dst, src, prls, nprls, capprls, prl_own);
	CLONE_ARRAY(dst, src, nics, nnics, capnics, nic_own);
	return 0;
fail:
	sg_model_free(dst);
	return -ENOMEM;
}

/* ---- the published snapshot ---- */

struct sg_snapshot {
	struct sg_model model;
	unsigned refs; /* under sg_snapshots.mu */
};

void sg_snapshots_init(struct sg_snapshots *s)
{
	pthread_mutex_init(&s->mu, NULL);
	s->cur = NULL;
}

static void snap_unref(struct sg_snapshots *s, struct sg_snapshot *snap)
{
	bool last;
	pthread_mutex_lock(&s->mu);
	last = --snap->refs == 0;
	pthread_mutex_unlock(&s->mu);
	if (last) {
		sg_model_free(&snap->model);
		free(snap);
	}
}

int sg_snapshots_publish(struct sg_snapshots *s, const struct sg_model *m)
{
	struct sg_snapshot *snap = calloc(1, sizeof(*snap)), *old;
	if (!snap)
		return -ENOMEM;
	if (sg_model_clone(&snap->model, m)) {
		free(snap);
		return -ENOMEM;
	}
	snap->refs = 1; /* the publisher's */
	pthread_mutex_lock(&s->mu);
	old = s->cur;
	s->cur = snap;
	pthread_mutex_unlock(&s->mu);
	if (old)
		snap_unref(s, old);
	return 0;
}

const struct sg_model *sg_snapshots_get(struct sg_snapshots *s, struct sg_snapshot **ref)
{
	pthread_mutex_lock(&s->mu);
	struct sg_snapshot *snap = s->cur;
	if (snap)
		snap->refs++;
	pthread_mutex_unlock(&s->mu);
	*ref = snap;
	return snap ? &snap->model : NULL;
}

void sg_snapshots_put(struct sg_snapshots *s, struct sg_snapshot *ref)
{
	if (ref)
		snap_unref(s, ref);
}

void sg_snapshots_free(struct sg_snapshots *s)
{
	sg_snapshots_put(s, s->cur);
	s->cur = NULL;
	pthread_mutex_destroy(&s->mu);
}
