/* link_int.h - private to src/link. */
#ifndef SGD_LINK_INT_H
#define SGD_LINK_INT_H

#include <pthread.h>
#include <stddef.h>
#include <netlink/cache.h>
#include "sgd/link.h"

/* What we last told the world about one interface. */
struct lk_entry {
	int ifindex;
	char name[IF_NAMESIZE];
	bool up;
};

/* A sorted (by ifindex) picture of the interfaces. */
struct lk_snap {
	struct lk_entry *v;
	size_t n;
};

/* Changes found by one read, handed to the callback after unlocking. */
struct lk_changes {
	struct sg_link_change *v;
	size_t n, cap;
};

struct sg_link {
	pthread_mutex_t lock;       /* guards mngr, cache and known */
	struct nl_sock *sk;         /* notifications (owned by us, used by mngr) */
	struct nl_sock *sync_sk;    /* full re-read after an overrun */
	struct nl_cache_mngr *mngr;
	struct nl_cache *cache;     /* route/link, kept current by mngr */
	struct lk_snap known;
	sg_link_cb cb;
	void *cb_arg;
};

/* Picture of the cache now (AF_UNSPEC link objects only).  0 or -ENOMEM. */
int lk_snap_take(struct nl_cache *cache, struct lk_snap *out);
void lk_snap_free(struct lk_snap *s);
/* Append to ch what changed from old to now.  0 or -ENOMEM. */
int lk_snap_diff(const struct lk_snap *old, const struct lk_snap *now, struct lk_changes *ch);
const struct lk_entry *lk_snap_by_name(const struct lk_snap *s, const char *name);

/* libnl's NLE_* codes as -errno. */
int lk_nlerr(int nlerr);

#endif
