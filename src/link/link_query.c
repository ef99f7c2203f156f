/* link_query.c - questions request threads ask about interfaces.  They see
 * the picture of the last sg_link_read(), the same one the callbacks told. */
#include <string.h>
#include "link_int.h"

static bool lookup(struct sg_link *l, const char *ifname, struct lk_entry *out)
{
	const struct lk_entry *e;

	if (!ifname || !*ifname)
		return false;
	pthread_mutex_lock(&l->lock);
	e = lk_snap_by_name(&l->known, ifname);
	if (e)
		*out = *e;
	pthread_mutex_unlock(&l->lock);
	return e != NULL;
}

bool sg_link_exists(struct sg_link *l, const char *ifname)
{
	struct lk_entry e;

	return lookup(l, ifname, &e);
}

bool sg_link_is_up(struct sg_link *l, const char *ifname)
{
	struct lk_entry e;

	return lookup(l, ifname, &e) && e.up;
}

int sg_link_ifindex(struct sg_link *l, const char *ifname)
{
	struct lk_entry e;

	return lookup(l, ifname, &e) ? e.ifindex : 0;
}
