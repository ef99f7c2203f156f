/* render.c - nft-syntax text of the IR, close to what `nft list ruleset`
 * prints; for golden tests, logs and debugging.  Elements are printed one a
 * line so diffs of renders are readable. */
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

/* ---- values (format.c) ---- */

static void put_field(FILE *f, enum ir_field fld, const struct ir_range *r)
{
	char buf[IR_ELEM_TEXT_MAX];

	ir_field_format(fld, r, buf, sizeof(buf));
	fputs(buf, f);
}

static void put_verdict(FILE *f, const struct ir_verdict *v)
{
	char buf[IR_NAME_LEN + 8];

	ir_verdict_format(v, buf, sizeof(buf));
	fputs(buf, f);
}

static void put_comment(FILE *f, const char *c)
{
	if (c)
		fprintf(f, " comment \"%s\"", c);
}

static void put_elem(FILE *f, enum ir_key k, const struct ir_elem *e)
{
	char buf[IR_ELEM_TEXT_MAX];

	ir_elem_format(k, e, buf, sizeof(buf));
	fputs(buf, f);
	put_comment(f, e->comment);
}

static void put_set(FILE *f, const struct ir_set *s)
{
	const struct ir_key_desc *d = ir_key_desc(s->key);

	fprintf(f, "\t%s %s {\n\t\ttype ", d->map ? "map" : "set", s->name);
	for (int i = 0; i < d->nfields; i++)
		fprintf(f, "%s%s", i ? " . " : "", ir_field_desc(d->field[i])->type);
	if (d->map)
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

/* A packet expression in the family's words: "ip saddr", "th dport". */
static const char *pkt_text(enum ir_pkt_field p, int fam)
{
	return ir_pkt_desc(p)->text[fam == 6];
}

/* lo or lo-hi of a one-byte number (no protocol names) */
static void put_u8_range(FILE *f, const struct ir_range *r)
{
	fprintf(f, "%u", r->lo[0]);
	if (r->hi[0] != r->lo[0])
		fprintf(f, "-%u", r->hi[0]);
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

/* The lookup key built from the packet: ir_key_exprs() of the set's key, or
 * without the table of the shape its name says. */
static void put_tuple(FILE *f, const struct ir_table *t, const struct ir_match *m)
{
	const struct ir_set *s = t ? ir_set_find(t, m->set) : NULL;
	const struct ir_key_desc *d = ir_key_desc(s ? s->key : ir_key_from_set_name(m->set, m->family));

	for (int i = 0; d->tuple && i < d->nfields; i++)
		fprintf(f, "%s%s", i ? " . " : "", pkt_text(d->expr[i], m->family));
	fprintf(f, " @%s", m->set);
}

static void put_match(FILE *f, const struct ir_table *t, const struct ir_match *m)
{
	switch (m->kind) {
	case IR_M_NFPROTO:
		fprintf(f, "meta nfproto ipv%d", m->family == 6 ? 6 : 4);
		break;
	case IR_M_L4PROTO:
		fprintf(f, "%s ", pkt_text(IR_P_L4PROTO, m->family));
		put_field(f, IR_F_PROTO, &m->range);
		break;
	case IR_M_CT_STATE:
		put_ct_state(f, m->ct_state);
		break;
	case IR_M_SADDR:
	case IR_M_DADDR:
		fprintf(f, "%s ", pkt_text(m->kind == IR_M_SADDR ? IR_P_SADDR : IR_P_DADDR, m->family));
		put_field(f, m->family == 6 ? IR_F_IP6 : IR_F_IP4, &m->range);
		break;
	case IR_M_SPORT:
	case IR_M_DPORT:
		fprintf(f, "%s ", pkt_text(m->kind == IR_M_SPORT ? IR_P_SPORT : IR_P_DPORT, m->family));
		put_field(f, IR_F_PORT, &m->range);
		break;
	case IR_M_ICMP6_TYPE:
		fputs("icmpv6 type ", f);
		put_u8_range(f, &m->range);
		break;
	case IR_M_SADDR_SET:
		fprintf(f, "%s @%s", pkt_text(IR_P_SADDR, m->family), m->set);
		break;
	case IR_M_DPORT_SET:
		fprintf(f, "%s @%s", pkt_text(IR_P_DPORT, m->family), m->set);
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
