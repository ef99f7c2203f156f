/* socket.c - the netlink sockets: open, send one batch, read the answers.
 *
 * All socket I/O of nft/ lives here and in watch.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>

#include "internal.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define RCVBUF_SIZE (4 * 1024 * 1024)
/* A replace of a 10,000-element table queues that many events (about 1 KiB
 * of socket memory each) before the daemon reads them. */
#define EV_RCVBUF_SIZE (64 * 1024 * 1024)
#define RECV_BUF 65536

/* Ask for a buffer of `size` bytes; as root the FORCE variant goes past
 * net.core.{r,w}mem_max, otherwise take what the limit allows. */
static void sock_buf(int fd, int opt_force, int opt, int size)
{
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

static int open_batch_socket(struct sgnft *n)
{
	int one = 1, fd;

	n->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!n->nl)
		return -errno;
	if (mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	n->portid = mnl_socket_get_portid(n->nl);
	fd = mnl_socket_get_fd(n->nl);
	/* Extended acks say which attribute (which set element) was refused;
	 * capped acks keep errors small: we still hold the message we sent. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, RCVBUF_SIZE);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static int open_event_socket(struct sgnft *n)
{
	int grp = NFNLGRP_NFTABLES, fd;

	n->ev = mnl_socket_open(NETLINK_NETFILTER);
	if (!n->ev)
		return -errno;
	if (mnl_socket_bind(n->ev, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	if (mnl_socket_setsockopt(n->ev, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	fd = mnl_socket_get_fd(n->ev);
	/* A big buffer makes an overrun rare; watch.c copes with one anyway. */
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, EV_RCVBUF_SIZE);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int sgnft_open(struct sgnft **out)
{
	struct sgnft *n;
	int err;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	err = open_batch_socket(n);
	if (err)
		goto out;
	err = open_event_socket(n);
out:
	if (err) {
		sgnft_close(n);
		return err;
	}
	*out = n;
	return 0;
}

void sgnft_close(struct sgnft *n)
{
	if (!n)
		return;
	if (n->nl)
		mnl_socket_close(n->nl);
	if (n->ev)
		mnl_socket_close(n->ev);
	free(n);
}

size_t sgnft_last_batch_size(const struct sgnft *n)
{
	return n->last_batch;
}

int sgnft_watch_fd(const struct sgnft *n)
{
	return mnl_socket_get_fd(n->ev);
}

/* The kernel copies the whole batch into one buffer of the socket's send
 * size: make it large enough, as nft does. */
static void ensure_sndbuf(struct sgnft *n, size_t need)
{
	int fd = mnl_socket_get_fd(n->nl), cur = 0;
	socklen_t l = sizeof(cur);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &l) == 0 && (size_t)cur >= need + 4096)
		return;
	sock_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, (int)(need + 4096));
}

static int send_batch(struct sgnft *n, struct nbatch *nb)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr msg = { 0 };
	struct iovec *iov;
	size_t total = 0;
	int niov, err = 0;

	niov = nftnl_batch_iovec_len(nb->b);
	iov = calloc((size_t)niov, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	nftnl_batch_iovec(nb->b, iov, (uint32_t)niov);
	for (int i = 0; i < niov; i++)
		total += iov[i].iov_len;
	ensure_sndbuf(n, total);
	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	if (sendmsg(mnl_socket_get_fd(n->nl), &msg, 0) < 0)
		err = -errno;
	free(iov);
	return err;
}

/* Which element of an element message sits at byte `off` of it. */
static long elem_at_offset(const struct nlmsghdr *nlh, uint32_t off)
{
	const struct nlattr *a, *e;
	long i = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(e, a) {
			if ((uint32_t)((const char *)e - (const char *)nlh) == off)
				return i;
			i++;
		}
	}
	return -1;
}

struct answers {
	struct nbatch *nb;
	int first_err;          /* -errno of the first refusal, 0 if none */
	size_t nerr;
	bool last_acked;        /* the ack we asked for on the last message */
	char *errmsg;
	size_t len;
};

static void describe_error(struct answers *a, uint32_t seq, int err, const char *kmsg,
			   long off)
{
	const struct nmsg *m = nbatch_find(a->nb, seq);
	char elem[256] = "";
	long i;

	if (!a->errmsg || !a->len)
		return;
	if (m && m->elems && off >= 0) {
		i = elem_at_offset(m->nlh, (uint32_t)off);
		if (i >= 0 && (size_t)i < m->nelems) {
			char e[200];

			/* in nft's words ("10.0.0.0/8 . tcp . 22") */
			ir_elem_format(m->key, m->elems[i], e, sizeof(e));
			snprintf(elem, sizeof(elem), " {%s}", e);
		}
	}
	if (m)
		snprintf(a->errmsg, a->len, "kernel refused to %s%s: %s%s%s", m->what, elem,
			 strerror(err), kmsg ? ": " : "", kmsg ? kmsg : "");
	else
		snprintf(a->errmsg, a->len, "kernel refused the transaction (seq %u): %s%s%s",
			 seq, strerror(err), kmsg ? ": " : "", kmsg ? kmsg : "");
}

static void on_error_msg(struct answers *a, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const char *kmsg = NULL;
	size_t tlv_off;
	long off = -1;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return;
	if (e->error == 0) {
		if (e->msg.nlmsg_seq == a->nb->seq)
			a->last_acked = true;
		return;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* The TLVs follow the echoed request, or only its header
		 * when the ack was capped. */
		tlv_off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			tlv_off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(attr, nlh, tlv_off) {
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
				kmsg = mnl_attr_get_str(attr);
			else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS)
				off = (long)mnl_attr_get_u32(attr);
		}
	}
	if (a->nerr++ == 0) {
		a->first_err = e->error;
		describe_error(a, e->msg.nlmsg_seq, -e->error, kmsg, off);
	}
}

static void on_buffer(struct answers *a, const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;

	while (mnl_nlmsg_ok(nlh, rem)) {
		if (nlh->nlmsg_type == NLMSG_ERROR)
			on_error_msg(a, nlh);
		nlh = mnl_nlmsg_next(nlh, &rem);
	}
}

/* nfnetlink handles the batch inside sendmsg(), so every answer is queued
 * when it returns: read until the socket is empty. */
static int read_answers(struct sgnft *n, struct answers *a)
{
	char *buf;
	ssize_t r;
	int err = 0;

	buf = malloc(RECV_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		r = recv(mnl_socket_get_fd(n->nl), buf, RECV_BUF, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r < 0) {
			/* ENOBUFS: answers were lost; the batch may or may
			 * not have committed, and the caller must not trust it. */
			err = -errno;
			break;
		}
		on_buffer(a, buf, (size_t)r);
	}
	free(buf);
	return err;
}

/* Drop answers left from an earlier batch that failed half way. */
static void drain(struct sgnft *n)
{
	char buf[4096];

	for (int i = 0; i < 1024; i++)
		if (recv(mnl_socket_get_fd(n->nl), buf, sizeof(buf), 0) < 0 && errno != EINTR)
			return;
}

/* Keep n->our_gen only while every commit since it is known to be ours:
 * a replace starts afresh, any other batch must follow our last one. */
static void note_generation(struct sgnft *n, const struct nbatch *nb, bool committed,
			    bool gen_ok, uint32_t g0, uint32_t g1)
{
	uint32_t next = g0 + 1 ? g0 + 1 : 1; /* the kernel skips 0 */

	if (!gen_ok)
		n->our_gen = 0;
	else if (!committed)
		n->our_gen = (g1 == g0 && g0 == n->our_gen) ? n->our_gen : 0;
	else if (g1 == next && (nb->full || g0 == n->our_gen))
		n->our_gen = g1;
	else
		n->our_gen = 0;
}

int nbatch_send(struct sgnft *n, struct nbatch *nb, char *errmsg, size_t len)
{
	struct answers a = { .nb = nb, .errmsg = errmsg, .len = len };
	struct nlmsghdr *last;
	uint32_t g0 = 0, g1 = 0;
	bool gen_ok;
	int err;

	if (errmsg && len)
		errmsg[0] = '\0';
	n->last_batch = nb->n;
	/* An ack on the last object message confirms that the kernel read
	 * the whole batch; errors come for every refused message anyway. */
	if (nb->n) {
		last = nb->v[nb->n - 1].nlh;
		last->nlmsg_flags |= NLM_F_ACK;
	}
	nftnl_batch_end(nftnl_batch_buffer(nb->b), nb->seq + 1);
	if (nftnl_batch_update(nb->b) < 0)
		return -ENOMEM;
	n->seq = nb->seq + 1;
	drain(n);
	gen_ok = ngen_get(n, &g0) == 0;
	err = send_batch(n, nb);
	if (err) {
		if (errmsg && len)
			snprintf(errmsg, len, "sending the batch of %zu messages: %s", nb->n,
				 strerror(-err));
		return err;
	}
	err = read_answers(n, &a);
	gen_ok = gen_ok && ngen_get(n, &g1) == 0;
	note_generation(n, nb, !err && !a.first_err, gen_ok, g0, g1);
	if (a.first_err) {
		if (a.nerr > 1 && errmsg && len) {
			size_t l = strlen(errmsg);

			snprintf(errmsg + l, len - l, " (and %zu more errors)", a.nerr - 1);
		}
		return a.first_err;
	}
	if (err) {
		if (errmsg && len)
			snprintf(errmsg, len, "reading the kernel's answers: %s", strerror(-err));
		return err;
	}
	if (nb->n && !a.last_acked) {
		if (errmsg && len)
			snprintf(errmsg, len, "the kernel did not acknowledge the batch");
		return -EIO;
	}
	return 0;
}
