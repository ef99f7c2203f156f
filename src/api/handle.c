/* handle.c - one request through the pipeline: parse, authenticate, check
 * Action and Version, run the action (mutations under the writers' lock,
 * reads on a snapshot without it), render.  Pure
 * of sockets so tests and fuzzers drive it directly. */
#include <errno.h>
#include <string.h>

#include "api_internal.h"

/* Local admins on the Unix socket; signed AccessKeys everywhere else. */
static int authenticate(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
			const struct sg_api_req *q, const struct sg_peer *peer, time_t now,
			struct sg_caller *c, struct sg_reply *r)
{
	if (peer->is_unix) {
		if (!sg_peer_is_admin(peer, ctx->admin_gid))
			return sg_fail(r, 403, "Forbidden.NotAdmin",
				       "The local socket serves root and the admin group only (peer uid %u).",
				       peer->have_cred ? (unsigned)peer->uid : (unsigned)-1);
		c->account = ctx->admin_account;
		c->admin = true;
		return 0;
	}
	struct sg_auth a = { .creds = ctx->creds, .nonces = ctx->nonces, .now = now };
	if (sg_hdr_get(rq, "Authorization"))
		return sg_auth_v3(&a, rq, &q->query, c, r);
	return sg_auth_v1(&a, rq->method, &q->all, c, r);
}

static int check_action(const struct sg_api_ctx *ctx, const struct sg_api_req *q,
			const struct sg_peer *peer, struct sg_reply *r)
{
	if (!q->action || !*q->action)
		return sg_fail(r, 400, "MissingAction",
			       "Action is mandatory for this action: give the Action parameter or the x-acs-action header.");
	if (!q->version || !*q->version) {
		if (!peer->is_unix)
			return sg_fail(r, 400, "MissingVersion",
				       "Version is mandatory for this action: use " SG_API_VERSION ".");
	} else if (strcmp(q->version, SG_API_VERSION) != 0) {
		return sg_fail(r, 400, "InvalidVersion",
			       "Specified parameter Version is not valid: this endpoint serves ECS " SG_API_VERSION ".");
	}
	if (!ctx->known(q->action))
		return sg_fail(r, 404, "InvalidAction.NotFound",
			       "Specified api is not found, please check your url and method.");
	return 0;
}

/* HostId names the endpoint the client called, when it looks like a host. */
static const char *host_id(const struct sg_http_req *rq)
{
	const char *h = sg_hdr_get(rq, "Host");
	size_t n = h ? strlen(h) : 0;

	if (n == 0 || n > 255 || strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789.-:[]") != n)
		return SG_DEFAULT_HOST_ID;
	return h;
}

int sg_api_handle(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
		  const struct sg_peer *peer, time_t now, struct sg_http_resp *out)
{
	struct sg_api_req q;
	struct sg_reply r;
	struct sg_caller c;
	const char *action = NULL;
	char rid[37];
	int rc;

	memset(&c, 0, sizeof(c));
	sg_request_id(rid);
	sg_api_req_init(&q);
	sg_reply_init(&r);
	if (sg_api_req_parse(rq, &q, &r) || authenticate(ctx, rq, &q, peer, now, &c, &r) ||
	    check_action(ctx, &q, peer, &r))
		goto render;
	if (ctx->read && ctx->read_only(q.action)) {
		ctx->read(ctx->env, q.action, &q.all, &c, &r); /* never waits for a writer */
	} else {
		if (ctx->lock)
			pthread_mutex_lock(ctx->lock);
		ctx->run(ctx->env, q.action, &q.all, &c, &r);
		if (ctx->lock)
			pthread_mutex_unlock(ctx->lock);
	}
	action = q.action;
render:
	rc = sg_render(&r, action, q.xml, rid, host_id(rq), out);
	sg_reply_free(&r);
	sg_api_req_free(&q);
	return rc;
}
