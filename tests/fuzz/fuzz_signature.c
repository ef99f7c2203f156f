/* fuzz_signature.c - libFuzzer target for the signature checks on their
 * own: V3 Authorization parsing and canonicalization, V1 string-to-sign,
 * timestamps and the nonce cache.
 * Input lines: Authorization, query string, x-acs-date, nonce,
 * SignedHeaders extra header name, body (rest). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_nonce_cache *nonces;
	char *l[6];
	struct sg_params q, all;
	struct sg_reply r;
	struct sg_caller c;
	time_t t;

	if (size > 16384)
		return 0;
	if (!nonces)
		nonces = sg_nonce_new(32, SG_NONCE_WINDOW_S, NULL, 0);
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	size_t n = fuzz_split(buf, l, 6);
	for (size_t i = n; i < 6; i++)
		l[i] = "";

	sg_parse_iso8601(l[2], &t);
	sg_params_init(&q);
	sg_params_init(&all);
	sg_reply_init(&r);
	if (sg_form_parse(l[1], strlen(l[1]), &q, &r) == 0) {
		struct sg_hdr h[] = {
			{ "Authorization", l[0] }, { "x-acs-date", l[2] },
			{ "x-acs-signature-nonce", l[3] }, { l[4][0] ? l[4] : "x-acs-action", "A" },
			{ "x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
			{ "Host", "127.0.0.1" },
		};
		struct sg_http_req rq = { .method = "POST", .uri = "/", .hdrs = h, .nhdrs = 6,
					  .body = l[5], .body_len = strlen(l[5]) };
		struct sg_auth a = { .creds = &fuzz_creds, .nonces = nonces, .now = FUZZ_NOW };
		sg_auth_v3(&a, &rq, &q, &c, &r);
		sg_reply_free(&r);
		sg_reply_init(&r);
		for (size_t i = 0; i < q.n; i++)
			sg_params_set(&all, q.v[i].key, q.v[i].value);
		sg_params_set(&all, "Timestamp", l[2]);
		sg_params_set(&all, "SignatureNonce", l[3]);
		char *sts = sg_v1_string_to_sign("GET", &all);
		if (!sts)
			abort();
		free(sts);
		sg_auth_v1(&a, "GET", &all, &c, &r);
	}
	sg_reply_free(&r);
	sg_params_free(&q);
	sg_params_free(&all);
	free(buf);
	return 0;
}
