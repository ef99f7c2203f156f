/* request.c - from raw HTTP pieces to decoded parameters, Action, Version
 * and Format.  Parameters come from the query string and an
 * application/x-www-form-urlencoded body; the body wins on conflict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"

const char *sg_hdr_get(const struct sg_http_req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nhdrs; i++)
		if (strcasecmp(rq->hdrs[i].name, name) == 0)
			return rq->hdrs[i].value;
	return NULL;
}

void sg_api_req_init(struct sg_api_req *q)
{
	memset(q, 0, sizeof(*q));
	sg_params_init(&q->query);
	sg_params_init(&q->all);
}

void sg_api_req_free(struct sg_api_req *q)
{
	sg_params_free(&q->query);
	sg_params_free(&q->all);
	free(q->path);
	q->path = NULL;
}

static int malformed(struct sg_reply *r, int rc, const char *what)
{
	if (rc == -ENOMEM)
		return sg_fail(r, 500, "InternalError", "Out of memory while decoding the request.");
	if (rc == -EILSEQ)
		return sg_fail(r, 400, "InvalidParameter.Encoding",
			       "The %s is not valid UTF-8 or contains a control character.", what);
	return sg_fail(r, 400, "InvalidParameter.Encoding",
		       "The %s contains a malformed percent-encoding.", what);
}

int sg_form_parse(const char *s, size_t n, struct sg_params *p, struct sg_reply *r)
{
	size_t i = 0;

	while (i < n) {
		const char *seg = s + i;
		const char *amp = memchr(seg, '&', n - i);
		size_t len = amp ? (size_t)(amp - seg) : n - i;
		i += len + 1;
		if (len == 0)
			continue; /* "a=1&&b=2" and a trailing '&' are harmless */
		/* sg_params_set is linear: bound the pairs so a 1 MiB body of
		 * "a=&b=&..." cannot cost quadratic time. */
		if (p->n >= SG_MAX_PARAMS)
			return sg_fail(r, 400, "InvalidParameter.TooMany",
				       "The request has more than %d parameters.", SG_MAX_PARAMS);
		const char *eq = memchr(seg, '=', len);
		size_t klen = eq ? (size_t)(eq - seg) : len;
		char *k = NULL, *v = NULL;
		int rc = sg_pct_decode(seg, klen, true, &k);
		if (rc)
			return malformed(r, rc, "parameter name");
		if (!*k) {
			free(k);
			return sg_fail(r, 400, "InvalidParameter.Encoding",
				       "A parameter has an empty name.");
		}
		rc = eq ? sg_pct_decode(eq + 1, len - klen - 1, true, &v) : sg_pct_decode("", 0, true, &v);
		if (rc) {
			sg_fail(r, 400, "InvalidParameter.Encoding",
				"The value of parameter \"%.64s\" is %s.", k,
				rc == -EILSEQ ? "not valid UTF-8 or contains a control character"
					      : "malformed percent-encoding");
			free(k);
			return -1;
		}
		rc = sg_params_set(p, k, v);
		free(k);
		free(v);
		if (rc)
			return malformed(r, -ENOMEM, "request");
	}
	return 0;
}

/* The body counts only when it is a form; an empty body of any type is
 * fine (the V3 SDK posts RPC calls with parameters in the query). */
static int parse_body(const struct sg_http_req *rq, struct sg_params *p, struct sg_reply *r)
{
	const char *ct = sg_hdr_get(rq, "Content-Type");
	static const char form[] = "application/x-www-form-urlencoded";

	if (rq->body_len == 0)
		return 0;
	if (!ct || strncasecmp(ct, form, sizeof(form) - 1) != 0 ||
	    (ct[sizeof(form) - 1] && ct[sizeof(form) - 1] != ';' && ct[sizeof(form) - 1] != ' '))
		return sg_fail(r, 415, "InvalidParameter.ContentType",
			       "The request body must be application/x-www-form-urlencoded.");
	if (memchr(rq->body, '\0', rq->body_len))
		return malformed(r, -EILSEQ, "request body");
	return sg_form_parse(rq->body, rq->body_len, p, r);
}

static int merge(struct sg_params *dst, const struct sg_params *src, struct sg_reply *r)
{
	for (size_t i = 0; i < src->n; i++)
		if (sg_params_set(dst, src->v[i].key, src->v[i].value))
			return malformed(r, -ENOMEM, "request");
	return 0;
}

static int check_path(const struct sg_http_req *rq, struct sg_api_req *q, size_t plen,
		      struct sg_reply *r)
{
	int rc = sg_pct_decode(rq->uri, plen, false, &q->path);
	if (rc)
		return malformed(r, rc, "request path");
	if (strcmp(q->path, "/") != 0)
		return sg_fail(r, 404, "InvalidApi.NotFound",
			       "Specified api is not found, please check your url and method: only \"/\" is served.");
	return 0;
}

int sg_api_req_parse(const struct sg_http_req *rq, struct sg_api_req *q, struct sg_reply *r)
{
	const char *uri = rq->uri ? rq->uri : "";
	const char *qm = strchr(uri, '?');
	size_t plen = qm ? (size_t)(qm - uri) : strlen(uri);
	struct sg_params body;
	int rc;

	sg_params_init(&body);
	/* Format first: every later error is rendered in the asked format. */
	if (qm && sg_form_parse(qm + 1, strlen(qm + 1), &q->query, r))
		goto fail;
	if (parse_body(rq, &body, r))
		goto fail;
	if (merge(&q->all, &q->query, r) || merge(&q->all, &body, r))
		goto fail;
	const char *fmt = sg_param(&q->all, "Format");
	q->xml = fmt && strcasecmp(fmt, "XML") == 0;
	if (fmt && !q->xml && strcasecmp(fmt, "JSON") != 0) {
		sg_fail(r, 400, "InvalidParameter.Format",
			"Specified parameter format is not valid: use JSON or XML.");
		goto fail;
	}
	if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "POST") != 0) {
		sg_fail(r, 405, "UnsupportedHTTPMethod",
			"This http method is not supported: use GET or POST.");
		goto fail;
	}
	if (check_path(rq, q, plen, r))
		goto fail;
	q->action = sg_param(&q->all, "Action");
	if (!q->action || !*q->action)
		q->action = sg_hdr_get(rq, "x-acs-action");
	q->version = sg_param(&q->all, "Version");
	if (!q->version || !*q->version)
		q->version = sg_hdr_get(rq, "x-acs-version");
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	sg_params_free(&body);
	return rc;
}
