/* addr.c - address ranges: parse the forms the API accepts (a CIDR block, a
 * single address, or "first-last"), format them back, compare them, and
 * tell a host address from the special ones. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/model.h"

static size_t alen(uint8_t family) { return family == 6 ? 16 : 4; }

/* One address of either family into r->lo; sets r->family. */
static int parse_one(const char *s, uint8_t *out, uint8_t *family)
{
	if (strchr(s, ':')) {
		*family = 6;
		return inet_pton(AF_INET6, s, out) == 1 ? 0 : -EINVAL;
	}
	*family = 4;
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

/* Apply a prefix length: lo keeps the network bits, hi sets the host bits. */
static void apply_prefix(struct sg_addr_range *r, unsigned plen)
{
	size_t n = alen(r->family);
	for (size_t i = 0; i < n; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		r->lo[i] &= mask;
		r->hi[i] = r->lo[i] | (uint8_t)~mask;
	}
}

int sg_addr_parse(const char *text, struct sg_addr_range *out)
{
	char buf[SG_TEXT_LEN];
	if (!text || !*text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	memset(out, 0, sizeof(*out));

	char *slash = strchr(buf, '/');
	char *dash = strchr(buf, '-');
	if (slash && dash)
		return -EINVAL;
	if (dash) {
		*dash = '\0';
		uint8_t f2;
		if (parse_one(buf, out->lo, &out->family) || parse_one(dash + 1, out->hi, &f2) ||
		    f2 != out->family)
			return -EINVAL;
		return memcmp(out->lo, out->hi, alen(out->family)) <= 0 ? 0 : -EINVAL;
	}
	unsigned plen = 0;
	if (slash) {
		*slash = '\0';
		char *end;
		const char *p = slash + 1;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long v = strtoul(p, &end, 10);
		if (*end || v > 128 || (end - p) > 3)
			return -EINVAL;
		plen = (unsigned)v;
	}
	if (parse_one(buf, out->lo, &out->family))
		return -EINVAL;
	size_t bits = alen(out->family) * 8;
	if (!slash)
		plen = (unsigned)bits;
	if (plen > bits)
		return -EINVAL;
	apply_prefix(out, plen);
	return 0;
}

/* Prefix length when r is exactly a CIDR block, else -1. */
static int cidr_len(const struct sg_addr_range *r)
{
	size_t n = alen(r->family);
	int plen = 0;
	size_t i = 0;
	for (; i < n && r->lo[i] == r->hi[i]; i++)
		plen += 8;
	if (i < n) {
		uint8_t diff = r->lo[i] ^ r->hi[i];
		/* diff must be a run of low ones with lo having zeros there */
		if ((diff & (diff + 1)) != 0 || (r->lo[i] & diff) != 0 || (r->hi[i] & diff) != diff)
			return -1;
		int hostbits = 0;
		while (diff >> hostbits)
			hostbits++;
		plen += 8 - hostbits;
		for (i++; i < n; i++)
			if (r->lo[i] != 0 || r->hi[i] != 0xff)
				return -1;
	}
	return plen;
}

void sg_addr_format(const struct sg_addr_range *r, char *buf, size_t len)
{
	int af = r->family == 6 ? AF_INET6 : AF_INET;
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	inet_ntop(af, r->lo, lo, sizeof(lo));
	int plen = cidr_len(r);
	if (plen >= 0) {
		snprintf(buf, len, "%s/%d", lo, plen);
		return;
	}
	inet_ntop(af, r->hi, hi, sizeof(hi));
	snprintf(buf, len, "%s-%s", lo, hi);
}

bool sg_addr_equal(const struct sg_addr_range *a, const struct sg_addr_range *b)
{
	size_t n = alen(a->family);
	return a->family == b->family && memcmp(a->lo, b->lo, n) == 0 && memcmp(a->hi, b->hi, n) == 0;
}

bool sg_addr_overlap(const struct sg_addr_range *a, const struct sg_addr_range *b)
{
	size_t n = alen(a->family);
	return a->family == b->family && memcmp(a->lo, b->hi, n) <= 0 && memcmp(b->lo, a->hi, n) <= 0;
}

enum sg_addr_class sg_addr_classify(const struct sg_addr_range *a)
{
	const uint8_t *b = a->lo;
	if (a->family != 6) {
		if (b[0] == 0)
			return SG_ADDR_UNSPECIFIED;
		if (b[0] == 127)
			return SG_ADDR_LOOPBACK;
		if (b[0] == 169 && b[1] == 254)
			return SG_ADDR_LINK_LOCAL;
		if ((b[0] & 0xf0) == 224)
			return SG_ADDR_MULTICAST;
		if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
			return SG_ADDR_BROADCAST;
		return SG_ADDR_UNICAST;
	}
	static const uint8_t zero[16];
	if (memcmp(b, zero, 15) == 0 && b[15] <= 1)
		return b[15] ? SG_ADDR_LOOPBACK : SG_ADDR_UNSPECIFIED;
	if (b[0] == 0xff)
		return SG_ADDR_MULTICAST;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return SG_ADDR_LINK_LOCAL;
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return SG_ADDR_V4_MAPPED;
	return SG_ADDR_UNICAST;
}

const char *sg_addr_class_name(enum sg_addr_class k)
{
	switch (k) {
	case SG_ADDR_UNICAST: return "a unicast address";
	case SG_ADDR_UNSPECIFIED: return "an unspecified address";
	case SG_ADDR_BROADCAST: return "the broadcast address";
	case SG_ADDR_MULTICAST: return "a multicast address";
	case SG_ADDR_LOOPBACK: return "a loopback address";
	case SG_ADDR_LINK_LOCAL: return "a link-local address";
	case SG_ADDR_V4_MAPPED: return "an IPv4-mapped IPv6 address";
	}
	return "a special address";
}
