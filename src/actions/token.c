/* token.c - ClientToken idempotence.  The first successful answer to
 * (account, action, token) is stored with the mutation it made, together with
 * a digest of the request's parameters: a retry gets the same answer, also
 * after a restart; the same token with other parameters is refused.  Answers
 * live env->token_ttl_s seconds (the store purges expired ones as it saves
 * new ones); a retry after that runs the call anew. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Parameters that differ between retries of the same call. */
static bool volatile_param(const char *k)
{
	static const char *const skip[] = { "ClientToken", "AccessKeyId", "Signature", "SignatureMethod",
		"SignatureNonce", "SignatureVersion", "Timestamp", "Format", "Version", "RegionId", NULL };
	for (int i = 0; skip[i]; i++)
		if (strcmp(k, skip[i]) == 0)
			return true;
	return false;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(((const struct sg_param *)a)->key, ((const struct sg_param *)b)->key);
}

/* Hex SHA-256 over the sorted "key=value\n" lines of the stable parameters. */
static void params_digest(const struct sg_params *p, char out[65])
{
	struct sg_param *v = malloc((p->n ? p->n : 1) * sizeof(*v));
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	out[0] = '\0';
	if (!v || !ctx)
		goto out;
	memcpy(v, p->v, p->n * sizeof(*v));
	qsort(v, p->n, sizeof(*v), cmp_param);
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (size_t i = 0; i < p->n; i++) {
		if (volatile_param(v[i].key))
			continue;
		EVP_DigestUpdate(ctx, v[i].key, strlen(v[i].key));
		EVP_DigestUpdate(ctx, "=", 1);
		EVP_DigestUpdate(ctx, v[i].value, strlen(v[i].value));
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	for (unsigned i = 0; i < mdlen; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
out:
	EVP_MD_CTX_free(ctx);
	free(v);
}

int sg_token_replay(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
		    const char *action, struct sg_reply *r)
{
	const char *token = sg_param(p, "ClientToken");
	if (!token || !*token || !env->store)
		return 0;
	if (strlen(token) > 64) {
		sg_fail(r, 400, "InvalidClientToken.Malformed",
			"The specified parameter ClientToken is not valid: at most 64 ASCII characters.");
		return 1;
	}
	for (const char *s = token; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
			sg_fail(r, 400, "InvalidClientToken.Malformed",
				"The specified parameter ClientToken is not valid: ASCII characters only.");
			return 1;
		}
	/* An answer older than env->token_ttl_s is not found: the call runs
	 * anew.  A store error is not "not found": running the mutation again
	 * would break the token's promise. */
	char *stored = NULL;
	int rc = sg_store_token_get(env->store, c->account.id, action, token, env->token_ttl_s, &stored);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		sg_tx_check(rc, r);
		return 1;
	}
	json_t *doc = json_loads(stored, 0, NULL);
	free(stored);
	char digest[65];
	params_digest(p, digest);
	const char *was = json_string_value(json_object_get(doc, "digest"));
	if (!doc || !was || strcmp(was, digest) != 0) {
		json_decref(doc);
		sg_fail(r, 400, "IdempotentParameterMismatch",
			"The request uses the same client token as a previous, but non-identical request.");
		return 1;
	}
	sg_reply_free(r);
	r->status = 200;
	r->code = NULL;
	r->body = json_incref(json_object_get(doc, "body"));
	json_decref(doc);
	return 1;
}

int sg_token_save(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
		  const char *action, struct sg_reply *r)
{
	const char *token = sg_param(p, "ClientToken");
	if (!token || !*token || !env->store)
		return 0;
	char digest[65];
	params_digest(p, digest);
	json_t *doc = json_pack("{s:s, s:O}", "digest", digest, "body", sg_json_body(r));
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	int rc = text ? sg_store_token_put(env->store, c->account.id, action, token, env->token_ttl_s,
					   text) : -ENOMEM;
	free(text);
	return sg_tx_check(rc, r);
}
