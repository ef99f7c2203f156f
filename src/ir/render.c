/* render.c - nft-syntax text of the IR, close to what `nft list ruleset`
 * prints; for golden tests, logs and debugging.  Elements are printed one a
 * line so diffs of renders are readable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/ir.h"

/* ---- a growing string on open_memstream ---- */

struct buf {
	FILE *f;
	char *s;
	size_t len;
};

static bool buf_open(struct buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->f = open_memstream(&b->s, &b->len);
	return b->f != NULL;
}

static char *buf_close(struct buf *b)
{
	if (fclose(b->f) != 0) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* ---- values ---- */

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

static void put_proto(FILE *f, unsigned p)
{
	const char *n = proto_name(p);

	if (n)
		fputs(n, f);
	else
		fprintf(f, "%u", p);
}

static void put_addr(FILE *f, const uint8_t *a, int fam)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(fam == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	fputs(s, f);
}

/* Prefix length when [lo, hi] is exactly one CIDR block, else -1. */
static int prefix_len(const uint8_t *lo, const uint8_t *hi, size_t len)
{
	size_t bits = len * 8, p = 0;

	while (p < bits) {
		uint8_t m = 0x80 >> (p % 8);

		if ((lo[p / 8] & m) != (hi[p / 8] & m))
			break;
		p++;
	}
	for (size_t i = p; i < bits; i++) {
		uint8_t m = 0x80 >> (i % 8);

		if ((lo[i / 8] & m) || !(hi[i / 8] & m))
			return -1;
	}
	return (int)p;
}

static void put_addr_range(FILE *f, const struct ir_range *r, int fam)
{
	size_t len = fam == 6 ? 16 : 4;
	int p = prefix_len(r->lo, r->hi, len);

	put_addr(f, r->lo, fam);
	if (p == (int)len * 8)
		return;
	if (p >= 0) {
		fprintf(f, "/%d", p);
		return;
	}
	fputc('-', f);
	put_addr(f, r->hi, fam);
}

static unsigned u16(const uint8_t *v)
{
	return (unsigned)v[0] << 8 | v[1];
}

static void put_num_range(FILE *f, unsigned lo, unsigned hi, bool proto)
{
	if (proto && lo == hi) {
		put_proto(f, lo);
		return;
	}
	fprintf(f, "%u", lo);
	if (hi != lo)
		fprintf(f, "-%u", hi);
}

static void put_field(FILE *f, enum ir_field fld, const struct ir_range *r)
{
	switch (fld) {
	case IR_F_IFNAME:
		fprintf(f, "\"%.16s\"", (const char *)r->lo);
		break;
	case IR_F_IP4:
		put_addr_range(f, r, 4);
		break;
	case IR_F_IP6:
		put_addr_range(f, r, 6);
		break;
	case IR_F_PROTO:
		put_num_range(f, r->lo[0], r->hi[0], true);
		break;
	case IR_F_PORT:
		put_num_range(f, u16(r->lo), u16(r->hi), false);
		break;
	}
}

static void put_verdict(FILE *f, const struct ir_verdict *v)
{
	switch (v->kind) {
	case IR_V_NONE:
		break;
	case IR_V_ACCEPT:
		fputs("accept", f);
		break;
	case IR_V_DROP:
		fputs("drop", f);
		break;
	case IR_V_JUMP:
		fprintf(f, "jump %s", v->target);
		break;
	case IR_V_GOTO:
		fprintf(f, "goto %s", v->target);
		break;
	}
}

static void put_comment(FILE *f, const char *c)
{
	if (c)
		fprintf(f, " comment \"%s\"", c);
}

static void put_elem(FILE *f, enum ir_key k, const struct ir_elem *e)
{
	enum ir_field fl[IR_MAX_FIELDS];
	int n = ir_key_fields(k, fl);

	for (int i = 0; i < n; i++) {
		if (i)
			fputs(" . ", f);
		put_field(f, fl[i], &e->f[i]);
	}
	if (k == IR_KEY_IFNAME) {
		fputs(" : ", f);
		put_verdict(f, &e->data);
	}
	put_comment(f, e->comment);
}

static const char *field_type(enum ir_field fl)
{
	switch (fl) {
	case IR_F_IFNAME: return "ifname";
	case IR_F_IP4: return "ipv4_addr";
	case IR_F_IP6: return "ipv6_addr";
	case IR_F_PROTO: return "inet_proto";
	case IR_F_PORT: return "inet_service";
	}
	return "?";
}

static void put_set(FILE *f, const struct ir_set *s)
{
	enum ir_field fl[IR_MAX_FIELDS];
	int n = ir_key_fields(s->key, fl);

	fprintf(f, "\t%s %s {\n\t\ttype ", s->key == IR_KEY_IFNAME ? "map" : "set", s->name);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " . " : "", field_type(fl[i]));
	if (s->key == IR_KEY_IFNAME)
		fputs(" : verdict\n", f);
	else
		fputs("\n\t\tflags interval\n", f);
	if (s->comment)
		fprintf(f, "\t\tcomment \"%s\"\n", s->comment);
	if (s->nelems) {
		fputs("\t\telements = {", f);
		for (size_t i = 0; i < s->nelems; i++) {
			fputs(i ? ",\n\t\t\t     " : " ", f);
			put_elem(f, s->key, &s->elems[i]);
		}
		fputs(" }\n", f);
	}
	fputs("\t}\n", f);
}

/* ---- rules ---- */

static const char *ip_kw(int fam)
{
	return fam == 6 ? "ip6" : "ip";
}

static void put_ct_state(FILE *f, uint32_t st)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ IR_CT_INVALID, "invalid" }, { IR_CT_ESTABLISHED, "established" },
		{ IR_CT_RELATED, "related" }, { IR_CT_NEW, "new" },
	};
	bool first = true;

	fputs("ct state ", f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(st & names[i].bit))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", names[i].name);
		first = false;
	}
}

/* The set's key, or without the table the shape its name says (c4p, c4n,
 * c4q, c4m, see compile_group.c). */
static enum ir_key tuple_key(const struct ir_table *t, const struct ir_match *m)
{
	const struct ir_set *s = t ? ir_set_find(t, m->set) : NULL;
	bool v6 = m->family == 6;

	if (s)
		return s->key;
	switch (m->set[2]) {
	case 'n':
		return v6 ? IR_KEY_IP6_NOPORT : IR_KEY_IP4_NOPORT;
	case 'q':
		return v6 ? IR_KEY_IP6_DPORT : IR_KEY_IP4_DPORT;
	case 'm':
		return v6 ? IR_KEY_IP6_PROTO : IR_KEY_IP4_PROTO;
	default:
		return v6 ? IR_KEY_IP6_PORTS : IR_KEY_IP4_PORTS;
	}
}

static void put_tuple(FILE *f, const struct ir_table *t, const struct ir_match *m)
{
	enum ir_pkt_field px[IR_MAX_FIELDS];
	int n = ir_key_exprs(tuple_key(t, m), px);
	const char *ip = ip_kw(m->family);

	for (int i = 0; i < n; i++) {
		if (i)
			fputs(" . ", f);
		switch (px[i]) {
		case IR_P_SADDR:
			fprintf(f, "%s saddr", ip);
			break;
		case IR_P_DADDR:
			fprintf(f, "%s daddr", ip);
			break;
		case IR_P_L4PROTO:
			fputs("meta l4proto", f);
			break;
		case IR_P_SPORT:
			fputs("th sport", f);
			break;
		case IR_P_DPORT:
			fputs("th dport", f);
			break;
		}
	}
	fprintf(f, " @%s", m->set);
}

static void put_match(FILE *f, const struct ir_table *t, const struct ir_match *m)
{
	switch (m->kind) {
	case IR_M_NFPROTO:
		fprintf(f, "meta nfproto ipv%d", m->family == 6 ? 6 : 4);
		break;
	case IR_M_L4PROTO:
		fputs("meta l4proto ", f);
		put_num_range(f, m->range.lo[0], m->range.hi[0], true);
		break;
	case IR_M_CT_STATE:
		put_ct_state(f, m->ct_state);
		break;
	case IR_M_SADDR:
	case IR_M_DADDR:
		fprintf(f, "%s %s ", ip_kw(m->family), m->kind == IR_M_SADDR ? "saddr" : "daddr");
		put_addr_range(f, &m->range, m->family == 6 ? 6 : 4);
		break;
	case IR_M_SPORT:
	case IR_M_DPORT:
		fprintf(f, "th %s ", m->kind == IR_M_SPORT ? "sport" : "dport");
		put_num_range(f, u16(m->range.lo), u16(m->range.hi), false);
		break;
	case IR_M_ICMP6_TYPE:
		fputs("icmpv6 type ", f);
		put_num_range(f, m->range.lo[0], m->range.hi[0], false);
		break;
	case IR_M_SADDR_SET:
		fprintf(f, "%s saddr @%s", ip_kw(m->family), m->set);
		break;
	case IR_M_DPORT_SET:
		fprintf(f, "th dport @%s", m->set);
		break;
	case IR_M_TUPLE_SET:
		put_tuple(f, t, m);
		break;
	case IR_M_IFNAME_VMAP:
		fprintf(f, "%s vmap @%s", t && t->mode == IR_MODE_ROUTED ? "oifname" : "iifname", m->set);
		break;
	}
}

static void put_rule(FILE *f, const struct ir_table *t, const struct ir_rule *r)
{
	bool sp = false;

	for (int i = 0; i < r->nm; i++) {
		if (sp)
			fputc(' ', f);
		put_match(f, t, &r->m[i]);
		sp = true;
	}
	if (r->counter) {
		fputs(sp ? " counter" : "counter", f);
		sp = true;
	}
	if (r->verdict.kind != IR_V_NONE) {
		if (sp)
			fputc(' ', f);
		put_verdict(f, &r->verdict);
	}
	put_comment(f, r->comment);
}

static void put_chain(FILE *f, const struct ir_table *t, const struct ir_chain *c)
{
	fprintf(f, "\tchain %s {\n", c->name);
	if (c->hook != IR_HOOK_NONE)
		fprintf(f, "\t\ttype filter hook %s priority filter; policy accept;\n",
			c->hook == IR_HOOK_FORWARD ? "forward" : "input");
	for (size_t i = 0; i < c->nrules; i++) {
		fputs("\t\t", f);
		put_rule(f, t, &c->rules[i]);
		fputc('\n', f);
	}
	fputs("\t}\n", f);
}

char *ir_rule_render(const struct ir_table *t, const struct ir_rule *r)
{
	struct buf b;

	if (!buf_open(&b))
		return NULL;
	put_rule(b.f, t, r);
	return buf_close(&b);
}

char *ir_table_render(const struct ir_table *t)
{
	struct buf b;
	bool first = true;

	if (!buf_open(&b))
		return NULL;
	fprintf(b.f, "table inet %s {\n", t->name);
	for (size_t i = 0; i < t->nsets; i++, first = false) {
		if (!first)
			fputc('\n', b.f);
		put_set(b.f, &t->sets[i]);
	}
	for (size_t i = 0; i < t->nchains; i++, first = false) {
		if (!first)
			fputc('\n', b.f);
		put_chain(b.f, t, &t->chains[i]);
	}
	fputs("}\n", b.f);
	return buf_close(&b);
}

char *ir_changes_render(const struct ir_changes *ch)
{
	struct buf b;

	if (!buf_open(&b))
		return NULL;
	for (size_t i = 0; i < ch->n; i++) {
		const struct ir_change *c = &ch->v[i];

		switch (c->kind) {
		case IR_CH_ADD_SET:
			fprintf(b.f, "add set %s (%zu elements)\n", c->set->name, c->set->nelems);
			break;
		case IR_CH_ADD_CHAIN:
			fprintf(b.f, "add chain %s\n", c->chain->name);
			break;
		case IR_CH_DEL_ELEM:
		case IR_CH_ADD_ELEM:
			fprintf(b.f, "%s element %s { ", c->kind == IR_CH_ADD_ELEM ? "add" : "delete",
				c->set->name);
			put_elem(b.f, c->set->key, c->elem);
			fputs(" }\n", b.f);
			break;
		case IR_CH_SET_RULES:
			fprintf(b.f, "replace rules %s (%zu rules)\n", c->chain->name, c->chain->nrules);
			break;
		case IR_CH_DEL_CHAIN:
			fprintf(b.f, "delete chain %s\n", c->chain->name);
			break;
		case IR_CH_DEL_SET:
			fprintf(b.f, "delete set %s\n", c->set->name);
			break;
		}
	}
	return buf_close(&b);
}
