/* render.c - replies as Alibaba's gateway writes them.
 * JSON success: {"RequestId": ..., <fields>}; error: {"RequestId","HostId",
 * "Code","Message","Recommend"} with the reply's HTTP status.
 * XML (Format=XML): <ActionResponse> root, an array under key K becomes one
 * <K> element per item (so {"SecurityGroups":{"SecurityGroup":[a,b]}} is
 * <SecurityGroups><SecurityGroup>a</SecurityGroup><SecurityGroup>b</SecurityGroup>
 * </SecurityGroups>), errors under <Error>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "api_internal.h"

#define CT_JSON "application/json;charset=utf-8"
#define CT_XML  "text/xml;charset=utf-8"

void sg_request_id(char out[37])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		/* Not a secret, only an id: fall back to something unique enough. */
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)random();
	}
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(out, 37, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static void recommend(char *out, size_t len, const char *code, const char *request_id)
{
	snprintf(out, len, "https://api.aliyun.com/troubleshoot?q=%s&product=Ecs&requestId=%s", code,
		 request_id);
}

static int status_of(const struct sg_reply *r)
{
	if (!r->code)
		return 200;
	return r->status >= 400 && r->status <= 599 ? r->status : 400;
}

/* ---- JSON ---- */

static char *render_json(const struct sg_reply *r, const char *request_id, const char *host_id)
{
	json_t *o = json_object();
	char rec[512];
	char *s = NULL;

	if (!o)
		return NULL;
	if (json_object_set_new(o, "RequestId", json_string(request_id)))
		goto out;
	if (!r->code) {
		if (json_is_object(r->body) && json_object_update_missing(o, r->body))
			goto out;
	} else {
		recommend(rec, sizeof(rec), r->code, request_id);
		if (json_object_set_new(o, "HostId", json_string(host_id)) ||
		    json_object_set_new(o, "Code", json_string(r->code)) ||
		    json_object_set_new(o, "Message", json_string(r->message)) ||
		    json_object_set_new(o, "Recommend", json_string(rec)))
			goto out;
	}
	s = json_dumps(o, JSON_COMPACT);
out:
	json_decref(o);
	return s;
}

/* ---- XML ---- */

/* Text content: the five XML specials escaped; control characters XML 1.0
 * cannot carry become '?' (request parsing already refuses them). */
static void xtext(struct sg_sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sg_sbuf_add(b, "&amp;"); break;
		case '<': sg_sbuf_add(b, "&lt;"); break;
		case '>': sg_sbuf_add(b, "&gt;"); break;
		case '"': sg_sbuf_add(b, "&quot;"); break;
		case '\'': sg_sbuf_add(b, "&apos;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')
				sg_sbuf_add(b, "?");
			else
				sg_sbuf_addn(b, s, 1);
		}
	}
}

static void xelem_text(struct sg_sbuf *b, const char *name, const char *text)
{
	sg_sbuf_add(b, "<");
	sg_sbuf_add(b, name);
	sg_sbuf_add(b, ">");
	xtext(b, text);
	sg_sbuf_add(b, "</");
	sg_sbuf_add(b, name);
	sg_sbuf_add(b, ">");
}

static void xvalue(struct sg_sbuf *b, const char *name, json_t *v, int depth);

static void xfields(struct sg_sbuf *b, json_t *obj, int depth)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
		xvalue(b, k, v, depth + 1);
}

static void xvalue(struct sg_sbuf *b, const char *name, json_t *v, int depth)
{
	char num[64];

	if (depth > 64) { /* actions never nest this deep; refuse to recurse forever */
		b->oom = true;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			xvalue(b, name, e, depth + 1);
		break;
	}
	case JSON_OBJECT:
		sg_sbuf_add(b, "<");
		sg_sbuf_add(b, name);
		sg_sbuf_add(b, ">");
		xfields(b, v, depth);
		sg_sbuf_add(b, "</");
		sg_sbuf_add(b, name);
		sg_sbuf_add(b, ">");
		break;
	case JSON_STRING:
		xelem_text(b, name, json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		xelem_text(b, name, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		xelem_text(b, name, num);
		break;
	case JSON_TRUE:
		xelem_text(b, name, "true");
		break;
	case JSON_FALSE:
		xelem_text(b, name, "false");
		break;
	case JSON_NULL:
		xelem_text(b, name, "");
		break;
	}
}

static char *render_xml(const struct sg_reply *r, const char *action, const char *request_id,
			const char *host_id)
{
	struct sg_sbuf b = { 0 };
	char root[160], rec[512];

	sg_sbuf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	if (!r->code) {
		snprintf(root, sizeof(root), "%.120sResponse", action ? action : "");
		sg_sbuf_add(&b, "<");
		sg_sbuf_add(&b, root);
		sg_sbuf_add(&b, ">");
		xelem_text(&b, "RequestId", request_id);
		if (json_is_object(r->body)) {
			const char *k;
			json_t *v;
			json_object_foreach(r->body, k, v)
				if (strcmp(k, "RequestId") != 0)
					xvalue(&b, k, v, 1);
		}
		sg_sbuf_add(&b, "</");
		sg_sbuf_add(&b, root);
		sg_sbuf_add(&b, ">");
	} else {
		recommend(rec, sizeof(rec), r->code, request_id);
		sg_sbuf_add(&b, "<Error>");
		xelem_text(&b, "RequestId", request_id);
		xelem_text(&b, "HostId", host_id);
		xelem_text(&b, "Code", r->code);
		xelem_text(&b, "Message", r->message);
		xelem_text(&b, "Recommend", rec);
		sg_sbuf_add(&b, "</Error>");
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int sg_render(const struct sg_reply *r, const char *action, bool xml, const char *request_id,
	      const char *host_id, struct sg_http_resp *out)
{
	char *s = xml ? render_xml(r, action, request_id, host_id)
		      : render_json(r, request_id, host_id);

	if (!s)
		return -ENOMEM;
	out->status = status_of(r);
	out->body = s;
	out->len = strlen(s);
	out->content_type = xml ? CT_XML : CT_JSON;
	snprintf(out->request_id, sizeof(out->request_id), "%s", request_id);
	return 0;
}

void sg_http_resp_free(struct sg_http_resp *o)
{
	free(o->body);
	o->body = NULL;
}
