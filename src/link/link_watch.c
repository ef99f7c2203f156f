/* link_watch.c - the libnl cache manager that keeps the route/link cache
 * current from RTNLGRP_LINK notifications, and the reads that turn its
 * changes into sg_link_change reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include "link_int.h"

/* Room for bursts (hundreds of taps created at once) before an overrun. */
#define LK_RCVBUF (4 << 20)

int lk_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_INVAL: return -EINVAL;
	case NLE_AF_NOSUPPORT: case NLE_PROTO_MISMATCH: case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

static int fail(const char *what, int nlerr)
{
	fprintf(stderr, "sgd: link: %s: %s\n", what, nl_geterror(nlerr));
	return lk_nlerr(nlerr);
}

static int connect_sockets(struct sg_link *l)
{
	int err;

	l->sk = nl_socket_alloc();
	l->sync_sk = nl_socket_alloc();
	if (!l->sk || !l->sync_sk)
		return -ENOMEM;
	err = nl_connect(l->sync_sk, NETLINK_ROUTE);
	if (err < 0)
		return fail("connect", err);
	/* flags 0, not NL_AUTO_PROVIDE: the cache stays ours and does not
	 * become libnl's process-wide one. */
	err = nl_cache_mngr_alloc(l->sk, NETLINK_ROUTE, 0, &l->mngr);
	if (err < 0)
		return fail("cache manager", err);
	err = nl_socket_set_buffer_size(l->sk, LK_RCVBUF, 0);
	if (err < 0)
		return fail("receive buffer", err);
	err = nl_cache_mngr_add(l->mngr, "route/link", NULL, NULL, &l->cache);
	if (err < 0)
		return fail("link cache", err);
	return 0;
}

int sg_link_open(struct sg_link **out)
{
	struct sg_link *l;
	int ret;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->lock, NULL);
	ret = connect_sockets(l);
	/* The interfaces present at start are the baseline, not changes. */
	if (!ret)
		ret = lk_snap_take(l->cache, &l->known);
	if (ret) {
		sg_link_close(l);
		return ret;
	}
	*out = l;
	return 0;
}

void sg_link_close(struct sg_link *l)
{
	if (!l)
		return;
	if (l->mngr)
		nl_cache_mngr_free(l->mngr); /* frees the cache, not l->sk */
	nl_socket_free(l->sk);
	nl_socket_free(l->sync_sk);
	lk_snap_free(&l->known);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void sg_link_set_callback(struct sg_link *l, sg_link_cb cb, void *arg)
{
	pthread_mutex_lock(&l->lock);
	l->cb = cb;
	l->cb_arg = arg;
	pthread_mutex_unlock(&l->lock);
}

int sg_link_fd(const struct sg_link *l)
{
	return nl_cache_mngr_get_fd(l->mngr);
}

/* Under the lock: drain notifications into the cache, re-read the whole
 * cache if some were lost, and diff against what we knew. */
static int update(struct sg_link *l, struct lk_changes *ch)
{
	struct lk_snap now;
	int err, ret;

	err = nl_cache_mngr_data_ready(l->mngr);
	if (err < 0) {
		/* libnl reports the kernel's ENOBUFS (events dropped on a
		 * full socket) as NLE_NOMEM. */
		fprintf(stderr, "sgd: link: notifications lost (%s), re-reading all links\n",
			err == -NLE_NOMEM ? "socket overrun" : nl_geterror(err));
		err = nl_cache_refill(l->sync_sk, l->cache);
		if (err < 0)
			return fail("re-read links", err);
	}
	ret = lk_snap_take(l->cache, &now);
	if (ret)
		return ret;
	ret = lk_snap_diff(&l->known, &now, ch);
	if (ret) {
		lk_snap_free(&now);
		return ret;
	}
	lk_snap_free(&l->known);
	l->known = now;
	return 0;
}

int sg_link_read(struct sg_link *l)
{
	struct lk_changes ch = { 0 };
	sg_link_cb cb;
	void *arg;
	int ret;

	pthread_mutex_lock(&l->lock);
	ret = update(l, &ch);
	cb = l->cb;
	arg = l->cb_arg;
	pthread_mutex_unlock(&l->lock);
	if (!ret && cb)
		for (size_t i = 0; i < ch.n; i++)
			cb(&ch.v[i], arg);
	if (!ret)
		ret = (int)ch.n;
	free(ch.v);
	return ret;
}
