/* link_snapshot.c - a sorted picture of the link cache and the difference
 * between two pictures.  Comparing pictures instead of following each
 * notification makes a re-read after an overrun report the same way. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/route/link.h>
#include "link_int.h"

static int by_index(const void *a, const void *b)
{
	const struct lk_entry *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int lk_snap_take(struct nl_cache *cache, struct lk_snap *out)
{
	struct nl_object *o;
	size_t cap = (size_t)nl_cache_nitems(cache);

	out->n = 0;
	out->v = calloc(cap ? cap : 1, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	for (o = nl_cache_get_first(cache); o && out->n < cap; o = nl_cache_get_next(o)) {
		struct rtnl_link *lk = (struct rtnl_link *)o;
		struct lk_entry *e;
		const char *name = rtnl_link_get_name(lk);

		/* Bridge ports also appear as AF_BRIDGE objects: one per device. */
		if (rtnl_link_get_family(lk) != AF_UNSPEC || !name)
			continue;
		e = &out->v[out->n++];
		e->ifindex = rtnl_link_get_ifindex(lk);
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->up = (rtnl_link_get_flags(lk) & IFF_UP) != 0;
	}
	qsort(out->v, out->n, sizeof(*out->v), by_index);
	return 0;
}

void lk_snap_free(struct lk_snap *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

const struct lk_entry *lk_snap_by_name(const struct lk_snap *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static int push(struct lk_changes *ch, enum sg_link_event ev, const struct lk_entry *e,
		const char *oldname)
{
	struct sg_link_change *c;

	if (ch->n == ch->cap) {
		size_t ncap = ch->cap ? ch->cap * 2 : 8;
		void *nv = realloc(ch->v, ncap * sizeof(*ch->v));

		if (!nv)
			return -ENOMEM;
		ch->v = nv;
		ch->cap = ncap;
	}
	c = &ch->v[ch->n++];
	memset(c, 0, sizeof(*c));
	c->event = ev;
	c->ifindex = e->ifindex;
	snprintf(c->ifname, sizeof(c->ifname), "%s", e->name);
	if (oldname)
		snprintf(c->oldname, sizeof(c->oldname), "%s", oldname);
	c->up = e->up;
	return 0;
}

/* Same interface (ifindex) in both: a rename and/or an up/down change. */
static int diff_same(const struct lk_entry *o, const struct lk_entry *n, struct lk_changes *ch)
{
	int ret = 0;

	if (strcmp(o->name, n->name) != 0)
		ret = push(ch, SG_LINK_RENAMED, n, o->name);
	if (!ret && o->up != n->up)
		ret = push(ch, SG_LINK_UPDOWN, n, NULL);
	return ret;
}

/* A merge walk over two ifindex-sorted arrays.  Removals are reported
 * before additions, so a name that moved from one interface to another
 * is seen to go before it comes back. */
int lk_snap_diff(const struct lk_snap *old, const struct lk_snap *now, struct lk_changes *ch)
{
	size_t i = 0, j = 0;
	int ret = 0;

	while (!ret && (i < old->n || j < now->n)) {
		if (j == now->n || (i < old->n && old->v[i].ifindex < now->v[j].ifindex))
			ret = push(ch, SG_LINK_REMOVED, &old->v[i++], NULL);
		else if (i == old->n || now->v[j].ifindex < old->v[i].ifindex)
			j++; /* added: second pass */
		else
			ret = diff_same(&old->v[i++], &now->v[j++], ch);
	}
	for (i = 0, j = 0; !ret && j < now->n; j++) {
		while (i < old->n && old->v[i].ifindex < now->v[j].ifindex)
			i++;
		if (i == old->n || old->v[i].ifindex != now->v[j].ifindex)
			ret = push(ch, SG_LINK_ADDED, &now->v[j], NULL);
	}
	return ret;
}
