/* nonce.c - signature nonces seen within the replay window.  Entries sit in
 * a ring in arrival order (arrival time never decreases, so the oldest is
 * always at the head and eviction by time is a pop), indexed by a chained
 * hash table.  Bounded: when every slot holds a live nonce, new requests are
 * refused rather than forgetting a nonce that could then be replayed. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

#define NIL UINT32_MAX

struct slot {
	char *key;          /* key_id "\n" nonce */
	uint64_t hash;
	time_t t;
	uint32_t next;      /* hash chain */
};

struct sg_nonce_cache {
	pthread_mutex_t mu;
	struct slot *ring;
	size_t cap, head, n;
	uint32_t *buckets;
	size_t nbuckets;    /* power of two */
	unsigned window_s;
	time_t last;        /* arrival times are clamped to be monotonic */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

struct sg_nonce_cache *sg_nonce_new(size_t cap, unsigned window_s)
{
	struct sg_nonce_cache *c = calloc(1, sizeof(*c));

	if (!c || cap == 0 || cap >= NIL)
		goto fail;
	c->cap = cap;
	c->window_s = window_s;
	c->nbuckets = 1;
	while (c->nbuckets < 2 * cap)
		c->nbuckets <<= 1;
	c->ring = calloc(cap, sizeof(*c->ring));
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	if (!c->ring || !c->buckets)
		goto fail;
	for (size_t i = 0; i < c->nbuckets; i++)
		c->buckets[i] = NIL;
	pthread_mutex_init(&c->mu, NULL);
	return c;
fail:
	if (c) {
		free(c->ring);
		free(c->buckets);
	}
	free(c);
	return NULL;
}

void sg_nonce_free(struct sg_nonce_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->ring[(c->head + i) % c->cap].key);
	pthread_mutex_destroy(&c->mu);
	free(c->ring);
	free(c->buckets);
	free(c);
}

static void unlink_slot(struct sg_nonce_cache *c, uint32_t idx)
{
	uint32_t *pp = &c->buckets[c->ring[idx].hash & (c->nbuckets - 1)];
	while (*pp != NIL && *pp != idx)
		pp = &c->ring[*pp].next;
	if (*pp == idx)
		*pp = c->ring[idx].next;
}

static void evict_old(struct sg_nonce_cache *c, time_t now)
{
	while (c->n > 0) {
		struct slot *s = &c->ring[c->head];
		if (now - s->t < (time_t)c->window_s)
			break;
		unlink_slot(c, (uint32_t)c->head);
		free(s->key);
		s->key = NULL;
		c->head = (c->head + 1) % c->cap;
		c->n--;
	}
}

static bool seen(const struct sg_nonce_cache *c, const char *key, uint64_t h)
{
	for (uint32_t i = c->buckets[h & (c->nbuckets - 1)]; i != NIL; i = c->ring[i].next)
		if (c->ring[i].hash == h && strcmp(c->ring[i].key, key) == 0)
			return true;
	return false;
}

int sg_nonce_check(struct sg_nonce_cache *c, const char *key_id, const char *nonce, time_t now)
{
	size_t kl = strlen(key_id), nl = strlen(nonce);
	char *key = malloc(kl + nl + 2);
	int rc = 0;

	if (!key)
		return -ENOMEM;
	memcpy(key, key_id, kl);
	key[kl] = '\n';
	memcpy(key + kl + 1, nonce, nl + 1);
	uint64_t h = fnv1a(key);

	pthread_mutex_lock(&c->mu);
	if (now < c->last)
		now = c->last;
	c->last = now;
	evict_old(c, now);
	if (seen(c, key, h)) {
		rc = -EEXIST;
	} else if (c->n == c->cap) {
		rc = -ENOSPC;
	} else {
		uint32_t idx = (uint32_t)((c->head + c->n) % c->cap);
		struct slot *s = &c->ring[idx];
		uint32_t *b = &c->buckets[h & (c->nbuckets - 1)];
		s->key = key;
		s->hash = h;
		s->t = now;
		s->next = *b;
		*b = idx;
		c->n++;
		key = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	free(key);
	return rc;
}
