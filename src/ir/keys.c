/* keys.c - the table of key shapes, their field types and the packet
 * expressions tuple keys are built from (include/sgd/ir.h).  The only place
 * that knows what a shape is: compile/ builds sets and lookups from it, nft/
 * the set descriptions, userdata and load expressions, the renderer its
 * text. */
#include <string.h>

#include <linux/netfilter/nf_tables.h>

#include "sgd/ir.h"

/* nft's datatype ids (nftables src/datatype.h). */
enum { DT_IPADDR = 7, DT_IP6ADDR = 8, DT_INET_PROTO = 12, DT_INET_SERVICE = 13, DT_IFNAME = 41 };

static const struct ir_field_desc fields[IR_F_COUNT] = {
	[IR_F_IFNAME] = { "ifname", 16, DT_IFNAME, 0 },
	[IR_F_IP4] = { "ipv4_addr", 4, DT_IPADDR, 4 },
	[IR_F_IP6] = { "ipv6_addr", 16, DT_IP6ADDR, 6 },
	[IR_F_PROTO] = { "inet_proto", 1, DT_INET_PROTO, 0 },
	[IR_F_PORT] = { "inet_service", 2, DT_INET_SERVICE, 0 },
};

/* ip saddr: network header + 12 (ip6: + 8), th sport: transport header + 0, ... */
static const struct ir_pkt_desc pkts[IR_P_COUNT] = {
	[IR_P_SADDR] = { { "ip saddr", "ip6 saddr" }, false, 0, NFT_PAYLOAD_NETWORK_HEADER,
			 { 12, 8 }, { 4, 16 } },
	[IR_P_DADDR] = { { "ip daddr", "ip6 daddr" }, false, 0, NFT_PAYLOAD_NETWORK_HEADER,
			 { 16, 24 }, { 4, 16 } },
	[IR_P_L4PROTO] = { { "meta l4proto", "meta l4proto" }, true, NFT_META_L4PROTO, 0,
			   { 0, 0 }, { 1, 1 } },
	[IR_P_SPORT] = { { "th sport", "th sport" }, false, 0, NFT_PAYLOAD_TRANSPORT_HEADER,
			 { 0, 0 }, { 2, 2 } },
	[IR_P_DPORT] = { { "th dport", "th dport" }, false, 0, NFT_PAYLOAD_TRANSPORT_HEADER,
			 { 2, 2 }, { 2, 2 } },
};

#define A4 IR_F_IP4
#define A6 IR_F_IP6
#define PROTO IR_F_PROTO
#define PORT IR_F_PORT
#define S IR_P_SADDR
#define D IR_P_DADDR
#define L IR_P_L4PROTO
#define SP IR_P_SPORT
#define DP IR_P_DPORT
#define SAME { 0, 1, 2, 3, 4 }

static const struct ir_key_desc keys[IR_KEY_COUNT] = {
	/* single values (a map) or intervals of one field */
	[IR_KEY_IFNAME] = { .name = "ifname", .map = true, .byteorder = IR_BO_HOST,
			    .nfields = 1, .field = { IR_F_IFNAME },
			    .full = IR_KEY_IFNAME, .shorter = IR_KEY_IFNAME, .from = SAME },
	[IR_KEY_IP4] = { .name = "ip4", .family = 4, .byteorder = IR_BO_BIG,
			 .nfields = 1, .field = { A4 },
			 .full = IR_KEY_IP4, .shorter = IR_KEY_IP4, .from = SAME },
	[IR_KEY_IP6] = { .name = "ip6", .family = 6, .byteorder = IR_BO_BIG,
			 .nfields = 1, .field = { A6 },
			 .full = IR_KEY_IP6, .shorter = IR_KEY_IP6, .from = SAME },
	[IR_KEY_PORT] = { .name = "port", .byteorder = IR_BO_BIG,
			  .nfields = 1, .field = { PORT },
			  .full = IR_KEY_PORT, .shorter = IR_KEY_PORT, .from = SAME },

	/* full tuple shapes: saddr . l4proto . sport . daddr . dport, and
	 * saddr . daddr . l4proto */
	[IR_KEY_IP4_PORTS] = { .name = "c4p", .family = 4, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 5, .field = { A4, PROTO, PORT, A4, PORT },
			       .expr = { S, L, SP, D, DP },
			       .full = IR_KEY_IP4_PORTS, .shorter = IR_KEY_IP4_DPORT, .from = SAME },
	[IR_KEY_IP6_PORTS] = { .name = "c6p", .family = 6, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 5, .field = { A6, PROTO, PORT, A6, PORT },
			       .expr = { S, L, SP, D, DP },
			       .full = IR_KEY_IP6_PORTS, .shorter = IR_KEY_IP6_DPORT, .from = SAME },
	[IR_KEY_IP4_NOPORT] = { .name = "c4n", .family = 4, .tuple = true, .byteorder = IR_BO_INVALID,
				.nfields = 3, .field = { A4, A4, PROTO }, .expr = { S, D, L },
				.full = IR_KEY_IP4_NOPORT, .shorter = IR_KEY_IP4_PROTO, .from = SAME },
	[IR_KEY_IP6_NOPORT] = { .name = "c6n", .family = 6, .tuple = true, .byteorder = IR_BO_INVALID,
				.nfields = 3, .field = { A6, A6, PROTO }, .expr = { S, D, L },
				.full = IR_KEY_IP6_NOPORT, .shorter = IR_KEY_IP6_PROTO, .from = SAME },

	/* short tuple shapes: the full ones without sport and daddr */
	[IR_KEY_IP4_DPORT] = { .name = "c4q", .family = 4, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 3, .field = { A4, PROTO, PORT }, .expr = { S, L, DP },
			       .full = IR_KEY_IP4_PORTS, .shorter = IR_KEY_IP4_DPORT, .from = { 0, 1, 4 } },
	[IR_KEY_IP6_DPORT] = { .name = "c6q", .family = 6, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 3, .field = { A6, PROTO, PORT }, .expr = { S, L, DP },
			       .full = IR_KEY_IP6_PORTS, .shorter = IR_KEY_IP6_DPORT, .from = { 0, 1, 4 } },
	[IR_KEY_IP4_PROTO] = { .name = "c4m", .family = 4, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 2, .field = { A4, PROTO }, .expr = { S, L },
			       .full = IR_KEY_IP4_NOPORT, .shorter = IR_KEY_IP4_PROTO, .from = { 0, 2 } },
	[IR_KEY_IP6_PROTO] = { .name = "c6m", .family = 6, .tuple = true, .byteorder = IR_BO_INVALID,
			       .nfields = 2, .field = { A6, PROTO }, .expr = { S, L },
			       .full = IR_KEY_IP6_NOPORT, .shorter = IR_KEY_IP6_PROTO, .from = { 0, 2 } },
};

const struct ir_key_desc *ir_key_desc(enum ir_key k)
{
	return (unsigned)k < IR_KEY_COUNT ? &keys[k] : NULL;
}

const struct ir_field_desc *ir_field_desc(enum ir_field f)
{
	return (unsigned)f < IR_F_COUNT ? &fields[f] : NULL;
}

const struct ir_pkt_desc *ir_pkt_desc(enum ir_pkt_field p)
{
	return (unsigned)p < IR_P_COUNT ? &pkts[p] : NULL;
}

enum ir_key ir_key_addr(int family)
{
	return family == 6 ? IR_KEY_IP6 : IR_KEY_IP4;
}

enum ir_key ir_key_from_set_name(const char *name, int fam)
{
	int f = fam == 6 ? 6 : 4;
	char shape = name[0] && name[1] ? name[2] : '\0';

	for (int k = 0; k < IR_KEY_COUNT; k++)
		if (keys[k].tuple && keys[k].family == f && keys[k].name[2] == shape)
			return (enum ir_key)k;
	return f == 6 ? IR_KEY_IP6_PORTS : IR_KEY_IP4_PORTS;
}

int ir_key_fields(enum ir_key k, enum ir_field out[IR_MAX_FIELDS])
{
	const struct ir_key_desc *d = ir_key_desc(k);

	if (!d)
		return 0;
	memcpy(out, d->field, (size_t)d->nfields * sizeof(*out));
	return d->nfields;
}

size_t ir_field_len(enum ir_field f)
{
	const struct ir_field_desc *d = ir_field_desc(f);

	return d ? d->len : 0;
}

int ir_key_exprs(enum ir_key k, enum ir_pkt_field out[IR_MAX_FIELDS])
{
	const struct ir_key_desc *d = ir_key_desc(k);

	if (!d || !d->tuple)
		return 0;
	memcpy(out, d->expr, (size_t)d->nfields * sizeof(*out));
	return d->nfields;
}

int ir_key_family(enum ir_key k)
{
	const struct ir_key_desc *d = ir_key_desc(k);

	return d ? d->family : 0;
}

bool ir_key_is_tuple(enum ir_key k)
{
	const struct ir_key_desc *d = ir_key_desc(k);

	return d && d->tuple;
}
