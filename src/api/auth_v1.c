/* auth_v1.c - signature V1 (HMAC-SHA1 over the sorted parameters), as
 * @alicloud/pop-core and the aliyun CLI send it:
 *   StringToSign = METHOD "&" enc("/") "&" enc(k1=v1&k2=v2...)
 * with keys sorted, every key and value percent-encoded, Signature left out,
 * and the key secret + "&". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api_internal.h"

char *sg_v1_string_to_sign(const char *method, const struct sg_params *all)
{
	struct sg_sbuf canon = { 0 }, out = { 0 };

	sg_sbuf_add(&canon, ""); /* canon.s exists even with no parameters */
	sg_sbuf_add_sorted_params(&canon, all, "Signature");
	sg_sbuf_add(&out, method);
	sg_sbuf_add(&out, "&%2F&");
	if (!canon.oom)
		sg_sbuf_add_pct(&out, canon.s);
	free(canon.s);
	if (canon.oom || out.oom) {
		free(out.s);
		return NULL;
	}
	return out.s;
}

int sg_v1_sign(const char *secret, const char *string_to_sign, char out[64])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t sl = strlen(secret);
	char *key = malloc(sl + 2);

	if (!key)
		return -ENOMEM;
	memcpy(key, secret, sl);
	key[sl] = '&';
	key[sl + 1] = '\0';
	unsigned char *ok = HMAC(EVP_sha1(), key, (int)(sl + 1), (const unsigned char *)string_to_sign,
				 strlen(string_to_sign), md, &mdlen);
	OPENSSL_cleanse(key, sl + 1);
	free(key);
	if (!ok)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return 0;
}

int sg_auth_v1(const struct sg_auth *a, const char *method, const struct sg_params *all,
	       struct sg_caller *c, struct sg_reply *r)
{
	const char *sig = sg_param(all, "Signature");
	const char *sm = sg_param(all, "SignatureMethod");
	const char *sv = sg_param(all, "SignatureVersion");
	const struct sg_cred *cred;
	char mine[64];
	int rc = -1;

	if (!sig || !*sig)
		return sg_fail(r, 400, "MissingSignature",
			       "Signature is mandatory for this action: requests over TCP must be signed (V1 Signature parameter or V3 Authorization header).");
	cred = sg_auth_find_key(a, sg_param(all, "AccessKeyId"), r);
	if (!cred)
		return -1;
	/* Absent method/version mean the defaults, as Alibaba's gateway takes them. */
	if (sm && strcmp(sm, "HMAC-SHA1") != 0)
		return sg_fail(r, 400, "InvalidSignatureMethod",
			       "Specified signature method is not valid: use HMAC-SHA1.");
	if (sv && strcmp(sv, "1.0") != 0)
		return sg_fail(r, 400, "InvalidSignatureVersion",
			       "Specified signature version is not valid: use 1.0.");
	time_t signed_at;
	if (sg_auth_check_time(a, sg_param(all, "Timestamp"), &signed_at, r))
		return -1;
	char *sts = sg_v1_string_to_sign(method, all);
	if (!sts)
		return sg_fail(r, 500, "InternalError", "Out of memory while checking the signature.");
	if (sg_v1_sign(cred->secret, sts, mine)) {
		sg_fail(r, 500, "InternalError", "HMAC-SHA1 failed.");
		goto out;
	}
	size_t ml = strlen(mine);
	if (strlen(sig) != ml || CRYPTO_memcmp(sig, mine, ml) != 0) {
		sg_fail(r, 400, "SignatureDoesNotMatch",
			"Specified signature is not matched with our calculation. server string to sign is:%.400s",
			sts);
		goto out;
	}
	if (sg_auth_check_nonce(a, cred->key_id, sg_param(all, "SignatureNonce"), signed_at, r))
		goto out;
	c->account = cred->account;
	c->admin = false;
	rc = 0;
out:
	free(sts);
	return rc;
}
