/* fuzz_request.c - libFuzzer target for the whole request pipeline
 * (sg_api_handle): parsing, Unix-socket admin check, V1/V3 signature
 * checks, Action/Version, rendering to JSON or XML.
 * Input: byte 0 = flags (bit 0: Unix socket, bit 1: peer is root), then
 * "METHOD\nURI\nName: value\n...\n\nBODY". */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sg_nonce_cache *nonces;
	struct sg_hdr hdrs[32];
	size_t nh = 0;
	char *lines[2 + 32 + 1];

	if (size < 1 || size > 65536)
		return 0;
	if (!nonces)
		nonces = sg_nonce_new(64, SG_NONCE_WINDOW_S, NULL, 0);
	uint8_t flags = data[0];
	char *buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';

	/* The body is everything after the first empty line and may hold NULs. */
	char *body = "";
	size_t body_len = 0;
	char *sep = strstr(buf, "\n\n");
	if (sep) {
		*sep = '\0';
		body = sep + 2;
		body_len = (size - 1) - (size_t)(body - buf);
	}
	size_t n = fuzz_split(buf, lines, sizeof(lines) / sizeof(lines[0]));
	for (size_t i = 2; i < n && nh < 32; i++) {
		char *colon = strchr(lines[i], ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		hdrs[nh++] = (struct sg_hdr){ lines[i], v };
	}
	struct sg_api_ctx ctx = {
		.creds = &fuzz_creds, .nonces = nonces, .admin_gid = 4242,
		.admin_account = { .id = 1, .name = "admin" },
		.run = fuzz_run, .known = fuzz_known,
	};
	struct sg_http_req rq = {
		.method = lines[0], .uri = n > 1 ? lines[1] : "/", .hdrs = hdrs, .nhdrs = nh,
		.body = body, .body_len = body_len,
	};
	struct sg_peer peer = { .is_unix = flags & 1, .have_cred = true,
				.uid = (flags & 2) ? 0 : 65534, .gid = (flags & 4) ? 4242 : 65534 };
	struct sg_http_resp o = { 0 };
	if (sg_api_handle(&ctx, &rq, &peer, FUZZ_NOW, &o) == 0) {
		if (o.status < 200 || o.status > 599 || !o.body || strlen(o.body) != o.len)
			abort();
	}
	sg_http_resp_free(&o);
	free(buf);
	return 0;
}
