/* auth.c - what V1 and V3 signatures share: the AccessKey lookup, the
 * timestamp window and the nonce check, with Alibaba's error codes. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "api_internal.h"

void sg_hex_lower(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void sg_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, n, md);
	sg_hex_lower(md, sizeof(md), out);
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* yyyy-MM-ddTHH:mm:ssZ, optionally with a fraction of a second. */
int sg_parse_iso8601(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	size_t n = strlen(s);

	if (n < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return -EINVAL;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (strcmp(p, "Z") != 0)
		return -EINVAL;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

const struct sg_cred *sg_auth_find_key(const struct sg_auth *a, const char *key_id,
				       struct sg_reply *r)
{
	if (!key_id || !*key_id) {
		sg_fail(r, 400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
		return NULL;
	}
	for (size_t i = 0; a->creds && i < a->creds->n; i++)
		if (strcmp(a->creds->v[i].key_id, key_id) == 0)
			return &a->creds->v[i];
	sg_fail(r, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
	return NULL;
}

int sg_auth_check_time(const struct sg_auth *a, const char *ts, time_t *signed_at, struct sg_reply *r)
{
	time_t t;

	if (!ts || !*ts)
		return sg_fail(r, 400, "MissingTimestamp", "Timestamp is mandatory for this action.");
	if (sg_parse_iso8601(ts, &t))
		return sg_fail(r, 400, "InvalidTimeStamp.Format",
			       "Specified time stamp or date value is not well formatted: use yyyy-MM-ddTHH:mm:ssZ in UTC.");
	if (t > a->now + SG_CLOCK_SKEW_S || t < a->now - SG_CLOCK_SKEW_S)
		return sg_fail(r, 400, "InvalidTimeStamp.Expired",
			       "Specified time stamp or date value is expired: it must be within 15 minutes of the server's clock.");
	*signed_at = t;
	return 0;
}

int sg_auth_check_nonce(const struct sg_auth *a, const char *key_id, const char *nonce,
			time_t signed_at, struct sg_reply *r)
{
	if (!nonce || !*nonce)
		return sg_fail(r, 400, "MissingSignatureNonce",
			       "SignatureNonce is mandatory for this action.");
	if (strlen(nonce) > 256)
		return sg_fail(r, 400, "InvalidSignatureNonce.Malformed",
			       "Specified signature nonce is longer than 256 characters.");
	int rc = sg_nonce_check(a->nonces, key_id, nonce, signed_at, a->now);
	if (rc == -EEXIST)
		return sg_fail(r, 400, "SignatureNonceUsed",
			       "Specified signature nonce was used already.");
	if (rc == -ENOSPC)
		return sg_fail(r, 400, "Throttling",
			       "Request was denied due to request throttling: too many signed requests with this AccessKey within 15 minutes.");
	if (rc)
		return sg_fail(r, 500, "InternalError", "Out of memory while checking the nonce.");
	return 0;
}
