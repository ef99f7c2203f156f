/* fmt.c - set elements in nft-like words, for error messages. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 47:
		return "gre";
	case 58:
		return "ipv6-icmp";
	}
	return NULL;
}

/* Prefix length when lo..hi is one prefix, else -1. */
static int plen(const uint8_t *lo, const uint8_t *hi, size_t len)
{
	size_t i = 0;
	int p;

	while (i < len * 8 && ((lo[i / 8] ^ hi[i / 8]) & (0x80 >> (i % 8))) == 0)
		i++;
	p = (int)i;
	for (; i < len * 8; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		if ((lo[i / 8] & bit) || !(hi[i / 8] & bit))
			return -1;
	}
	return p;
}

static void fmt_addr(int af, const struct ir_range *r, size_t len, char *buf, size_t blen)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int p = plen(r->lo, r->hi, len);

	inet_ntop(af, r->lo, a, sizeof(a));
	if (p == (int)len * 8)
		snprintf(buf, blen, "%s", a);
	else if (p >= 0)
		snprintf(buf, blen, "%s/%d", a, p);
	else
		snprintf(buf, blen, "%s-%s", a, inet_ntop(af, r->hi, b, sizeof(b)));
}

static void fmt_field(enum ir_field f, const struct ir_range *r, char *buf, size_t blen)
{
	const char *n;
	unsigned lo, hi;

	switch (f) {
	case IR_F_IFNAME:
		snprintf(buf, blen, "\"%.16s\"", (const char *)r->lo);
		return;
	case IR_F_IP4:
		fmt_addr(AF_INET, r, 4, buf, blen);
		return;
	case IR_F_IP6:
		fmt_addr(AF_INET6, r, 16, buf, blen);
		return;
	case IR_F_PROTO:
		n = proto_name(r->lo[0]);
		if (r->lo[0] == r->hi[0] && n)
			snprintf(buf, blen, "%s", n);
		else if (r->lo[0] == r->hi[0])
			snprintf(buf, blen, "%u", r->lo[0]);
		else
			snprintf(buf, blen, "%u-%u", r->lo[0], r->hi[0]);
		return;
	case IR_F_PORT:
		lo = (unsigned)(r->lo[0] << 8 | r->lo[1]);
		hi = (unsigned)(r->hi[0] << 8 | r->hi[1]);
		if (lo == hi)
			snprintf(buf, blen, "%u", lo);
		else
			snprintf(buf, blen, "%u-%u", lo, hi);
		return;
	}
	snprintf(buf, blen, "?");
}

void nfmt_elem(enum ir_key k, const struct ir_elem *e, char *buf, size_t len)
{
	enum ir_field f[IR_MAX_FIELDS];
	int nf = ir_key_fields(k, f);
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < nf && off < len; i++) {
		char one[96];

		fmt_field(f[i], &e->f[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " . " : "", one);
	}
	if (k != IR_KEY_IFNAME || off >= len)
		return;
	switch (e->data.kind) {
	case IR_V_ACCEPT:
		snprintf(buf + off, len - off, " : accept");
		break;
	case IR_V_DROP:
		snprintf(buf + off, len - off, " : drop");
		break;
	case IR_V_JUMP:
	case IR_V_GOTO:
		snprintf(buf + off, len - off, " : %s %s",
			 e->data.kind == IR_V_GOTO ? "goto" : "jump", e->data.target);
		break;
	case IR_V_NONE:
		break;
	}
}
