/* nonce.c - signature nonces, remembered for as long as a replay could pass.
 *
 * A signed request is accepted while its timestamp is within the window of
 * the server's clock, so its nonce must be remembered until the timestamp
 * leaves the window: until max(timestamp, arrival) + window (a request
 * signed with a future timestamp stays replayable longer than one signed
 * now).  Entries sit in a ring in arrival order, indexed by a chained hash
 * table; the head is evicted once it has expired (an entry behind it that
 * expires earlier waits for it: never forgotten too soon, at most one
 * window too late).
 *
 * Each AccessKey has its own budget of live nonces: a tenant that fills its
 * budget gets Throttling, other tenants do not notice.  Refusing is right:
 * forgetting a live nonce would let it be replayed.
 *
 * With a journal file, every accepted nonce is appended to it (write(2), no
 * fsync: it survives sgd being restarted or killed, not a power cut) and
 * the journal is read back at start-up, so a captured request cannot be
 * replayed after a restart either.  The journal is rewritten with only the
 * live entries at start-up and whenever it has grown to twice their number. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"

#define NIL UINT32_MAX
#define COMPACT_SLACK 1024 /* journal lines beyond twice the live ones */

struct slot {
	char *key;          /* key_id "\n" nonce */
	uint64_t hash;
	time_t expires;
	uint32_t next;      /* hash chain */
	uint32_t owner;     /* index into keys[] */
};

struct key_budget {
	char *key_id;
	size_t live;
};

struct sg_nonce_cache {
	pthread_mutex_t mu;
	struct slot *ring;
	size_t cap, head, n;
	uint32_t *buckets;
	size_t nbuckets;    /* power of two, >= 2 * cap */
	size_t per_key;
	struct key_budget *keys;
	size_t nkeys;
	unsigned window_s;
	time_t last;        /* arrival times are clamped to be monotonic */
	char *journal;      /* path, NULL: memory only */
	int jfd;
	size_t jlines;      /* lines in the journal file */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* ---- the ring and its index ---- */

static void index_slot(struct sg_nonce_cache *c, uint32_t idx)
{
	uint32_t *b = &c->buckets[c->ring[idx].hash & (c->nbuckets - 1)];
	c->ring[idx].next = *b;
	*b = idx;
}

static void unlink_slot(struct sg_nonce_cache *c, uint32_t idx)
{
	uint32_t *pp = &c->buckets[c->ring[idx].hash & (c->nbuckets - 1)];
	while (*pp != NIL && *pp != idx)
		pp = &c->ring[*pp].next;
	if (*pp == idx)
		*pp = c->ring[idx].next;
}

/* Room for more entries: a new ring in arrival order from 0, a new index. */
static int grow(struct sg_nonce_cache *c)
{
	size_t cap = c->cap ? 2 * c->cap : 1024, nb = 1;
	if (cap >= NIL)
		return -ENOSPC;
	while (nb < 2 * cap)
		nb <<= 1;
	struct slot *ring = calloc(cap, sizeof(*ring));
	uint32_t *buckets = malloc(nb * sizeof(*buckets));
	if (!ring || !buckets) {
		free(ring);
		free(buckets);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n; i++)
		ring[i] = c->ring[(c->head + i) % c->cap];
	free(c->ring);
	free(c->buckets);
	c->ring = ring;
	c->buckets = buckets;
	c->cap = cap;
	c->nbuckets = nb;
	c->head = 0;
	for (size_t i = 0; i < nb; i++)
		buckets[i] = NIL;
	for (size_t i = 0; i < c->n; i++)
		index_slot(c, (uint32_t)i);
	return 0;
}

static void evict_expired(struct sg_nonce_cache *c, time_t now)
{
	while (c->n > 0) {
		struct slot *s = &c->ring[c->head];
		if (s->expires > now)
			break;
		unlink_slot(c, (uint32_t)c->head);
		c->keys[s->owner].live--;
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

/* The budget of key_id (added on first sight); -ENOMEM. */
static int key_index(struct sg_nonce_cache *c, const char *key_id, uint32_t *out)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (strcmp(c->keys[i].key_id, key_id) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	struct key_budget *k = realloc(c->keys, (c->nkeys + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	c->keys = k;
	if (!(k[c->nkeys].key_id = strdup(key_id)))
		return -ENOMEM;
	k[c->nkeys].live = 0;
	*out = (uint32_t)c->nkeys++;
	return 0;
}

/* Takes ownership of key ("key_id\nnonce") on success. */
static int insert(struct sg_nonce_cache *c, char *key, uint64_t h, uint32_t owner, time_t expires)
{
	int rc;
	if (c->n == c->cap && (rc = grow(c)))
		return rc;
	uint32_t idx = (uint32_t)((c->head + c->n) % c->cap);
	c->ring[idx] = (struct slot){ .key = key, .hash = h, .expires = expires, .owner = owner };
	index_slot(c, idx);
	c->keys[owner].live++;
	c->n++;
	return 0;
}

/* ---- the journal: "EXPIRES KEYID-HEX NONCE-HEX\n" a line ---- */

static void hex(const char *s, size_t n, char *out)
{
	sg_hex_lower((const unsigned char *)s, n, out);
}

static int unhex(const char *s, size_t n, char *out)
{
	if (n % 2)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (char)v;
	}
	out[n / 2] = '\0';
	return 0;
}

/* One line for slot s; the caller writes it. */
static char *journal_line(const struct slot *s, size_t *len)
{
	const char *nl = strchr(s->key, '\n');
	size_t kl = (size_t)(nl - s->key), nlen = strlen(nl + 1);
	char *line = malloc(32 + 2 * kl + 2 * nlen + 3);
	if (!line)
		return NULL;
	int o = sprintf(line, "%" PRId64 " ", (int64_t)s->expires);
	hex(s->key, kl, line + o);
	o += (int)(2 * kl);
	line[o++] = ' ';
	hex(nl + 1, nlen, line + o);
	o += (int)(2 * nlen);
	line[o++] = '\n';
	*len = (size_t)o;
	return line;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Rewrites the journal with the live entries (temporary file + rename). */
static int journal_compact(struct sg_nonce_cache *c)
{
	char tmp[4096];
	int rc = 0;
	snprintf(tmp, sizeof(tmp), "%s.new", c->journal);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < c->n && !rc; i++) {
		size_t len;
		char *line = journal_line(&c->ring[(c->head + i) % c->cap], &len);
		rc = line ? write_all(fd, line, len) : -ENOMEM;
		free(line);
	}
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (!rc && rename(tmp, c->journal) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	if (c->jfd >= 0)
		close(c->jfd);
	c->jfd = open(c->journal, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	c->jlines = c->n;
	return c->jfd < 0 ? -errno : 0;
}

/* Reads back the live entries.  A torn last line (sgd killed mid-write) or
 * any line that does not parse ends the journal: what came before stands. */
static int journal_load(struct sg_nonce_cache *c, time_t now)
{
	FILE *f = fopen(c->journal, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	while (!rc && (len = getline(&line, &cap, f)) > 0) {
		int64_t exp;
		int o = 0;
		if (line[len - 1] != '\n' || sscanf(line, "%" SCNd64 " %n", &exp, &o) != 1 || !o)
			break;
		char *k = line + o, *sp = strchr(k, ' ');
		if (!sp)
			break;
		size_t kl = (size_t)(sp - k), nl = strlen(sp + 1) - 1;
		char *key = malloc(kl / 2 + nl / 2 + 2);
		if (!key) {
			rc = -ENOMEM;
			break;
		}
		if (unhex(k, kl, key) || unhex(sp + 1, nl, key + kl / 2 + 1)) {
			free(key);
			break;
		}
		uint32_t owner;
		rc = key_index(c, key, &owner); /* key id alone: unhex ended it with a NUL */
		key[kl / 2] = '\n';
		uint64_t h = fnv1a(key);
		if (!rc && (time_t)exp > now && !seen(c, key, h))
			rc = insert(c, key, h, owner, (time_t)exp);
		else
			free(key), key = NULL;
		if (rc)
			free(key);
	}
	free(line);
	fclose(f);
	return rc;
}

struct sg_nonce_cache *sg_nonce_new(size_t per_key, unsigned window_s, const char *journal, time_t now)
{
	struct sg_nonce_cache *c = calloc(1, sizeof(*c));
	if (!c || per_key == 0)
		goto fail;
	c->per_key = per_key;
	c->window_s = window_s;
	c->jfd = -1;
	pthread_mutex_init(&c->mu, NULL);
	if (grow(c))
		goto fail;
	if (journal) {
		int rc;
		if (!(c->journal = strdup(journal)))
			goto fail;
		if ((rc = journal_load(c, now)) || (rc = journal_compact(c))) {
			fprintf(stderr, "sgd: nonce journal %s: %s\n", journal, strerror(-rc));
			goto fail;
		}
	}
	return c;
fail:
	sg_nonce_free(c);
	return NULL;
}

void sg_nonce_free(struct sg_nonce_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->ring[(c->head + i) % c->cap].key);
	for (size_t i = 0; i < c->nkeys; i++)
		free(c->keys[i].key_id);
	if (c->jfd >= 0)
		close(c->jfd);
	pthread_mutex_destroy(&c->mu);
	free(c->journal);
	free(c->keys);
	free(c->ring);
	free(c->buckets);
	free(c);
}

/* Appends the newest entry; compacts when the file has grown. */
static void journal_append(struct sg_nonce_cache *c)
{
	size_t len;
	char *line = journal_line(&c->ring[(c->head + c->n - 1) % c->cap], &len);
	if (!line || write_all(c->jfd, line, len))
		fprintf(stderr, "sgd: cannot write the nonce journal %s: %s\n", c->journal, strerror(errno));
	free(line);
	if (++c->jlines > 2 * c->n + COMPACT_SLACK && journal_compact(c))
		fprintf(stderr, "sgd: cannot compact the nonce journal %s\n", c->journal);
}

int sg_nonce_check(struct sg_nonce_cache *c, const char *key_id, const char *nonce, time_t signed_at,
		   time_t now)
{
	size_t kl = strlen(key_id), nl = strlen(nonce);
	char *key = malloc(kl + nl + 2);
	uint32_t owner;
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
	evict_expired(c, now);
	if (seen(c, key, h))
		rc = -EEXIST;
	else if ((rc = key_index(c, key_id, &owner)) == 0 && c->keys[owner].live >= c->per_key)
		rc = -ENOSPC;
	else if (rc == 0)
		rc = insert(c, key, h, owner, (signed_at > now ? signed_at : now) + (time_t)c->window_s);
	if (rc == 0) {
		key = NULL;
		if (c->jfd >= 0)
			journal_append(c);
	}
	pthread_mutex_unlock(&c->mu);
	free(key);
	return rc;
}
