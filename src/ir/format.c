/* format.c - IR values in nft's words (include/sgd/ir.h): the one prefix
 * length routine and the one element formatter, used by the renderer,
 * by nft/ (prefix matches, error messages) and by the tests. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sgd/ir.h"

int ir_prefix_len(const uint8_t *lo, const uint8_t *hi, size_t len)
{
	size_t bits = len * 8, p = 0;

	while (p < bits && ((lo[p / 8] ^ hi[p / 8]) & (0x80 >> (p % 8))) == 0)
		p++;
	for (size_t i = p; i < bits; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		if ((lo[i / 8] & bit) || !(hi[i / 8] & bit))
			return -1;
	}
	return (int)p;
}

void ir_prefix_mask(int plen, uint8_t *mask, size_t len)
{
	memset(mask, 0, len);
	for (int j = 0; j < plen && (size_t)j < len * 8; j++)
		mask[j / 8] |= (uint8_t)(0x80 >> (j % 8));
}

static const char *proto_name(unsigned p)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 58: return "ipv6-icmp";
	}
	return NULL;
}

/* lo (a protocol's name when proto and it has one), or lo-hi */
static int num_range(unsigned lo, unsigned hi, bool proto, char *buf, size_t len)
{
	const char *n = proto ? proto_name(lo) : NULL;

	if (lo != hi)
		return snprintf(buf, len, "%u-%u", lo, hi);
	if (n)
		return snprintf(buf, len, "%s", n);
	return snprintf(buf, len, "%u", lo);
}

/* an address, a prefix (10.0.0.0/8) or a range (lo-hi) */
static int addr_range(const struct ir_range *r, int fam, char *buf, size_t len)
{
	int af = fam == 6 ? AF_INET6 : AF_INET;
	size_t alen = fam == 6 ? 16 : 4;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int p = ir_prefix_len(r->lo, r->hi, alen);

	inet_ntop(af, r->lo, a, sizeof(a));
	if (p == (int)alen * 8)
		return snprintf(buf, len, "%s", a);
	if (p >= 0)
		return snprintf(buf, len, "%s/%d", a, p);
	return snprintf(buf, len, "%s-%s", a, inet_ntop(af, r->hi, b, sizeof(b)));
}

int ir_field_format(enum ir_field f, const struct ir_range *r, char *buf, size_t len)
{
	switch (f) {
	case IR_F_IFNAME:
		return snprintf(buf, len, "\"%.16s\"", (const char *)r->lo);
	case IR_F_IP4:
	case IR_F_IP6:
		return addr_range(r, ir_field_desc(f)->family, buf, len);
	case IR_F_PROTO:
		return num_range(r->lo[0], r->hi[0], true, buf, len);
	case IR_F_PORT:
		return num_range((unsigned)r->lo[0] << 8 | r->lo[1], (unsigned)r->hi[0] << 8 | r->hi[1],
				 false, buf, len);
	case IR_F_COUNT:
		break;
	}
	return snprintf(buf, len, "?");
}

int ir_verdict_format(const struct ir_verdict *v, char *buf, size_t len)
{
	switch (v->kind) {
	case IR_V_ACCEPT:
		return snprintf(buf, len, "accept");
	case IR_V_DROP:
		return snprintf(buf, len, "drop");
	case IR_V_JUMP:
		return snprintf(buf, len, "jump %s", v->target);
	case IR_V_GOTO:
		return snprintf(buf, len, "goto %s", v->target);
	case IR_V_NONE:
		break;
	}
	return snprintf(buf, len, "%s", "");
}

/* A text being appended to, snprintf-like: off counts the whole text even
 * where it no longer fits in len. */
struct out {
	char *buf;
	size_t len, off;
};

static char *out_at(const struct out *o)
{
	return o->off < o->len ? o->buf + o->off : NULL;
}

static size_t out_room(const struct out *o)
{
	return o->off < o->len ? o->len - o->off : 0;
}

static void out_add(struct out *o, int n)
{
	if (n > 0)
		o->off += (size_t)n;
}

int ir_elem_format(enum ir_key k, const struct ir_elem *e, char *buf, size_t len)
{
	const struct ir_key_desc *d = ir_key_desc(k);
	struct out o = { buf, len, 0 };

	if (len)
		buf[0] = '\0';
	for (int i = 0; d && i < d->nfields; i++) {
		if (i)
			out_add(&o, snprintf(out_at(&o), out_room(&o), " . "));
		out_add(&o, ir_field_format(d->field[i], &e->f[i], out_at(&o), out_room(&o)));
	}
	if (d && d->map && e->data.kind != IR_V_NONE) {
		out_add(&o, snprintf(out_at(&o), out_room(&o), " : "));
		out_add(&o, ir_verdict_format(&e->data, out_at(&o), out_room(&o)));
	}
	return (int)o.off;
}
