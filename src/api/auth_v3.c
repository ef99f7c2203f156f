/* auth_v3.c - signature V3 (ACS3-HMAC-SHA256), as @alicloud/openapi-client
 * builds it (@alicloud/openapi-util getAuthorization):
 *   CanonicalRequest = METHOD \n URI \n sorted enc(k)=enc(v) of the QUERY
 *                      \n "name:value\n" per signed header \n h1;h2 \n hex(sha256(body))
 *   StringToSign     = "ACS3-HMAC-SHA256\n" hex(sha256(CanonicalRequest))
 *   Signature        = hex(HMAC-SHA256(secret, StringToSign))
 * Form-body parameters are covered through x-acs-content-sha256 only. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api_internal.h"

#define ALGO "ACS3-HMAC-SHA256"
#define MAX_SIGNED 32

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "name:v1,v2\n": every value of the header, trimmed, sorted, as the SDK. */
static void add_header(struct sg_sbuf *b, const struct sg_http_req *rq, const char *name)
{
	const char *vals[MAX_SIGNED];
	size_t nv = 0;

	for (size_t i = 0; i < rq->nhdrs && nv < MAX_SIGNED; i++)
		if (strcasecmp(rq->hdrs[i].name, name) == 0)
			vals[nv++] = rq->hdrs[i].value;
	qsort(vals, nv, sizeof(*vals), cmp_str);
	sg_sbuf_add(b, name);
	sg_sbuf_add(b, ":");
	for (size_t i = 0; i < nv; i++) {
		const char *s = vals[i], *e = s + strlen(s);
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (i)
			sg_sbuf_add(b, ",");
		sg_sbuf_addn(b, s, (size_t)(e - s));
	}
	sg_sbuf_add(b, "\n");
}

char *sg_v3_canonical_request(const struct sg_http_req *rq, const struct sg_params *query,
			      const char *signed_headers, const char *payload_hash)
{
	struct sg_sbuf b = { 0 };
	const char *uri = rq->uri ? rq->uri : "/";
	size_t plen = strcspn(uri, "?");

	sg_sbuf_add(&b, rq->method);
	sg_sbuf_add(&b, "\n");
	sg_sbuf_addn(&b, uri, plen);
	sg_sbuf_add(&b, "\n");
	sg_sbuf_add_sorted_params(&b, query, NULL);
	sg_sbuf_add(&b, "\n");
	for (const char *h = signed_headers; *h;) {
		size_t l = strcspn(h, ";");
		char name[128];
		if (l > 0 && l < sizeof(name)) {
			memcpy(name, h, l);
			name[l] = '\0';
			add_header(&b, rq, name);
		}
		h += l;
		if (*h == ';')
			h++;
	}
	sg_sbuf_add(&b, "\n");
	sg_sbuf_add(&b, signed_headers);
	sg_sbuf_add(&b, "\n");
	sg_sbuf_add(&b, payload_hash);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int sg_v3_sign(const char *secret, const char *canonical_request, char out[65])
{
	char sts[sizeof(ALGO) + 65];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(sts, ALGO "\n", sizeof(ALGO));
	sg_sha256_hex(canonical_request, strlen(canonical_request), sts + sizeof(ALGO));
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)sts, strlen(sts),
		  md, &mdlen))
		return -EIO;
	sg_hex_lower(md, mdlen < 32 ? mdlen : 32, out);
	return 0;
}

/* The parts of "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..". */
struct v3_auth {
	char algo[32];
	char cred[129];
	char signed_headers[1024]; /* normalized: lower case, sorted, ';' */
	char sig[65];
};

static int copy_field(char *dst, size_t cap, const char *s, size_t l)
{
	if (l == 0 || l >= cap)
		return -EINVAL;
	memcpy(dst, s, l);
	dst[l] = '\0';
	return 0;
}

/* Lower-case, sort and de-duplicate the header list so the canonical form
 * does not depend on how the client spelled it. */
static int normalize_signed(char *list)
{
	char *names[MAX_SIGNED], tmp[1024], *save = NULL;
	size_t n = 0, off = 0;

	snprintf(tmp, sizeof(tmp), "%s", list);
	for (char *t = strtok_r(tmp, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		if (n == MAX_SIGNED)
			return -EINVAL;
		for (char *p = t; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		names[n++] = t;
	}
	if (n == 0)
		return -EINVAL;
	qsort(names, n, sizeof(*names), cmp_str);
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(names[i], names[i - 1]) == 0)
			continue;
		off += (size_t)snprintf(list + off, 1024 - off, "%s%s", off ? ";" : "", names[i]);
	}
	return 0;
}

static int parse_authorization(const char *h, struct v3_auth *o)
{
	size_t l = strcspn(h, " ");
	bool cred = false, sh = false, sig = false;

	memset(o, 0, sizeof(*o));
	if (copy_field(o->algo, sizeof(o->algo), h, l))
		return -EINVAL;
	h += l;
	while (*h) {
		while (*h == ' ' || *h == ',')
			h++;
		if (!*h)
			break;
		size_t fl = strcspn(h, ",");
		const char *eq = memchr(h, '=', fl);
		if (!eq)
			return -EINVAL;
		size_t kl = (size_t)(eq - h), vl = fl - kl - 1;
		int rc = 0;
		if (kl == 10 && strncmp(h, "Credential", kl) == 0) {
			rc = copy_field(o->cred, sizeof(o->cred), eq + 1, vl);
			cred = true;
		} else if (kl == 13 && strncmp(h, "SignedHeaders", kl) == 0) {
			rc = copy_field(o->signed_headers, sizeof(o->signed_headers), eq + 1, vl);
			sh = true;
		} else if (kl == 9 && strncmp(h, "Signature", kl) == 0) {
			rc = copy_field(o->sig, sizeof(o->sig), eq + 1, vl);
			sig = true;
		}
		if (rc)
			return rc;
		h += fl;
	}
	if (!cred || !sh || !sig || normalize_signed(o->signed_headers))
		return -EINVAL;
	for (char *p = o->sig; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static bool in_list(const char *list, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ";");
		if (l == nl && strncasecmp(p, name, nl) == 0)
			return true;
		p += l;
		if (*p == ';')
			p++;
	}
	return false;
}

/* Every x-acs-* header sent must be signed (they carry Action, Version, date,
 * nonce, body hash), and every signed header must be present. */
static int check_signed(const struct sg_http_req *rq, const char *list, struct sg_reply *r)
{
	for (size_t i = 0; i < rq->nhdrs; i++)
		if (strncasecmp(rq->hdrs[i].name, "x-acs-", 6) == 0 && !in_list(list, rq->hdrs[i].name))
			return sg_fail(r, 400, "IncompleteSignature",
				       "The request signature does not conform to Aliyun standards: header %.64s is not in SignedHeaders.",
				       rq->hdrs[i].name);
	for (const char *p = list; *p;) {
		size_t l = strcspn(p, ";");
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(l < 127 ? l : 127), p);
		if (!sg_hdr_get(rq, name))
			return sg_fail(r, 400, "IncompleteSignature",
				       "The request signature does not conform to Aliyun standards: signed header %.64s is missing.",
				       name);
		p += l;
		if (*p == ';')
			p++;
	}
	return 0;
}

static int check_body_hash(const struct sg_http_req *rq, char body_hash[65], struct sg_reply *r)
{
	const char *claimed = sg_hdr_get(rq, "x-acs-content-sha256");

	if (!claimed)
		return sg_fail(r, 400, "IncompleteSignature",
			       "The request signature does not conform to Aliyun standards: x-acs-content-sha256 is missing.");
	sg_sha256_hex(rq->body ? rq->body : "", rq->body_len, body_hash);
	if (strcasecmp(claimed, body_hash) != 0)
		return sg_fail(r, 400, "ContentSHA256NotMatched",
			       "Specified x-acs-content-sha256 is not matched with the request body.");
	return 0;
}

int sg_auth_v3(const struct sg_auth *a, const struct sg_http_req *rq,
	       const struct sg_params *query, struct sg_caller *c, struct sg_reply *r)
{
	const char *h = sg_hdr_get(rq, "Authorization");
	struct v3_auth au;
	const struct sg_cred *cred;
	char body_hash[65], mine[65];

	if (!h || parse_authorization(h, &au))
		return sg_fail(r, 400, "IncompleteSignature",
			       "The request signature does not conform to Aliyun standards: expected Authorization: ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=....");
	if (strcmp(au.algo, ALGO) != 0)
		return sg_fail(r, 400, "InvalidSignatureMethod",
			       "Specified signature method is not valid: use ACS3-HMAC-SHA256.");
	cred = sg_auth_find_key(a, au.cred, r);
	if (!cred)
		return -1;
	if (check_signed(rq, au.signed_headers, r))
		return -1;
	time_t signed_at;
	if (sg_auth_check_time(a, sg_hdr_get(rq, "x-acs-date"), &signed_at, r))
		return -1;
	if (check_body_hash(rq, body_hash, r))
		return -1;
	char *creq = sg_v3_canonical_request(rq, query, au.signed_headers, body_hash);
	if (!creq)
		return sg_fail(r, 500, "InternalError", "Out of memory while checking the signature.");
	int rc = sg_v3_sign(cred->secret, creq, mine);
	free(creq);
	if (rc)
		return sg_fail(r, 500, "InternalError", "HMAC-SHA256 failed.");
	if (strlen(au.sig) != 64 || CRYPTO_memcmp(au.sig, mine, 64) != 0)
		return sg_fail(r, 400, "SignatureDoesNotMatch",
			       "Specified signature is not matched with our calculation.");
	if (sg_auth_check_nonce(a, cred->key_id, sg_hdr_get(rq, "x-acs-signature-nonce"), signed_at, r))
		return -1;
	c->account = cred->account;
	c->admin = false;
	return 0;
}
