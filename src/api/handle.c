/* handle.c - one request through the pipeline: parse, authenticate, check
 * Action and Version, run the action (mutations under the writers' lock,
 * reads on a snapshot without it), render.  Pure
 * of sockets so tests and fuzzers drive it directly. */
#include <errno.h>
#include <stdio.h>
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
static void host_id(const struct sg_http_req *rq, char out[SG_HOST_ID_LEN])
{
	const char *h = sg_hdr_get(rq, "Host");
	size_t n = h ? strlen(h) : 0;

	if (n == 0 || n >= SG_HOST_ID_LEN ||
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != n)
		h = SG_DEFAULT_HOST_ID;
	snprintf(out, SG_HOST_ID_LEN, "%s", h);
}

void sg_api_call_begin(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
		       const struct sg_peer *peer, time_t now, struct sg_api_call *call)
{
	memset(call, 0, sizeof(*call));
	sg_request_id(call->rid);
	host_id(rq, call->host_id);
	sg_api_req_init(&call->q);
	sg_reply_init(&call->r);
	if (sg_api_req_parse(rq, &call->q, &call->r) ||
	    authenticate(ctx, rq, &call->q, peer, now, &call->c, &call->r) ||
	    check_action(ctx, &call->q, peer, &call->r))
		return;
	/* q.action may point into a header: keep a copy (a known name, short). */
	snprintf(call->action_buf, sizeof(call->action_buf), "%s", call->q.action);
	call->action = call->action_buf;
	call->write = !(ctx->read && ctx->read_only(call->action));
}

void sg_api_call_run(const struct sg_api_ctx *ctx, struct sg_api_call *call)
{
	if (!call->action)
		return; /* refused before the action: r holds why */
	if (!call->write) {
		ctx->read(ctx->env, call->action, &call->q.all, &call->c, &call->r); /* no lock */
		return;
	}
	if (ctx->lock)
		pthread_mutex_lock(ctx->lock);
	ctx->run(ctx->env, call->action, &call->q.all, &call->c, &call->r);
	if (ctx->lock)
		pthread_mutex_unlock(ctx->lock);
}

int sg_api_call_end(struct sg_api_call *call, struct sg_http_resp *out)
{
	int rc = sg_render(&call->r, call->action, call->q.xml, call->rid, call->host_id, out);
	sg_reply_free(&call->r);
	sg_api_req_free(&call->q);
	return rc;
}

int sg_api_handle(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
		  const struct sg_peer *peer, time_t now, struct sg_http_resp *out)
{
	struct sg_api_call call;
	sg_api_call_begin(ctx, rq, peer, now, &call);
	sg_api_call_run(ctx, &call);
	return sg_api_call_end(&call, out);
}
