/* compile_fixture.h - model builders and IR probes shared by the compiler's
 * unit tests (test_compile*.c, test_diff.c).  Header-only: each test is one
 * binary. */
#ifndef SGD_TEST_COMPILE_FIXTURE_H
#define SGD_TEST_COMPILE_FIXTURE_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sgd/compile.h"
#include "sgd/ir.h"
#include "sgd/model.h"

static inline void fx_group(struct sg_model *m, const char *id, enum sg_group_type type,
			    enum sg_policy inner)
{
	struct sg_group g;

	memset(&g, 0, sizeof(g));
	snprintf(g.id, sizeof(g.id), "%s", id);
	g.type = type;
	g.inner_policy = inner;
	assert_non_null(sg_group_add(m, &g));
}

/* addrs and groups are comma separated; dev "" makes a remote NIC. */
static inline void fx_nic(struct sg_model *m, const char *id, const char *dev, const char *addrs,
			  const char *groups)
{
	struct sg_nic n, *p;
	char buf[512], *save = NULL;

	memset(&n, 0, sizeof(n));
	snprintf(n.id, sizeof(n.id), "%s", id);
	snprintf(n.host_device, sizeof(n.host_device), "%s", dev);
	snprintf(buf, sizeof(buf), "%s", groups);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		snprintf(n.groups[n.ngroups++], SG_ID_LEN, "%s", t);
	p = sg_nic_add(m, &n);
	assert_non_null(p);
	snprintf(buf, sizeof(buf), "%s", addrs);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct sg_nic_addr a;

		memset(&a, 0, sizeof(a));
		assert_int_equal(sg_addr_parse(t, &a.addr), 0);
		snprintf(a.text, sizeof(a.text), "%s", t);
		assert_int_equal(sg_nic_addr_add(p, &a), 0);
	}
}

/* A permission as the API would give it; NULL fields are absent. */
struct fx_perm {
	const char *id;      /* default sgr-<seq> */
	const char *cidr;    /* SourceCidrIp or Ipv6SourceCidrIp */
	const char *sg;      /* SourceGroupId */
	const char *pl;      /* SourcePrefixListId */
	const char *ports;   /* PortRange, default -1/-1 */
	const char *prl;     /* PortRangeListId */
	const char *dst;     /* DestCidrIp / Ipv6DestCidrIp */
	const char *sports;  /* SourcePortRange */
	int proto;           /* SG_PROTO_*; 0 means TCP (use 256 for IANA 0) */
	int prio;            /* default 1 */
	enum sg_policy pol;  /* default accept */
};

static inline struct sg_rule *fx_rule(struct sg_model *m, const char *gid, struct fx_perm p)
{
	struct sg_group *g = sg_group_find(m, gid);
	struct sg_rule r, *out;

	assert_non_null(g);
	memset(&r, 0, sizeof(r));
	r.seq = m->next_seq ? m->next_seq : 1;
	if (p.id)
		snprintf(r.id, sizeof(r.id), "%s", p.id);
	else
		snprintf(r.id, sizeof(r.id), "sgr-%llu", (unsigned long long)r.seq);
	r.policy = p.pol;
	r.priority = p.prio ? p.prio : 1;
	r.proto = p.proto == 0 ? SG_PROTO_TCP : p.proto == 256 ? 0 : p.proto;
	if (p.cidr) {
		r.src_kind = SG_SRC_CIDR;
		assert_int_equal(sg_addr_parse(p.cidr, &r.src), 0);
		r.family = r.src.family;
	} else if (p.pl) {
		r.src_kind = SG_SRC_PREFIX_LIST;
		snprintf(r.prefix_list_id, sizeof(r.prefix_list_id), "%s", p.pl);
	} else {
		r.src_kind = SG_SRC_GROUP;
		snprintf(r.src_group_id, sizeof(r.src_group_id), "%s", p.sg ? p.sg : gid);
	}
	if (p.dst) {
		r.has_dst = true;
		assert_int_equal(sg_addr_parse(p.dst, &r.dst), 0);
	}
	assert_int_equal(sg_port_parse(p.ports ? p.ports : "-1/-1", &r.dport), 0);
	if (p.prl)
		snprintf(r.port_list_id, sizeof(r.port_list_id), "%s", p.prl);
	if (p.sports) {
		r.has_sport = true;
		assert_int_equal(sg_port_parse(p.sports, &r.sport), 0);
	}
	out = sg_rule_add(m, g, &r);
	assert_non_null(out);
	if (out->seq >= m->next_seq)
		m->next_seq = out->seq + 1;
	return out;
}

static inline void fx_rule_del(struct sg_model *m, const char *gid, const char *rid)
{
	struct sg_group *g = sg_group_find(m, gid);
	struct sg_rule *r;

	assert_non_null(g);
	r = sg_rule_find(g, rid);
	assert_non_null(r);
	sg_rule_del(g, r);
}

static inline void fx_prefix_list(struct sg_model *m, const char *id, int family, const char *cidrs)
{
	struct sg_prefix_list pl, *p;
	char buf[1024], *save = NULL;

	memset(&pl, 0, sizeof(pl));
	snprintf(pl.id, sizeof(pl.id), "%s", id);
	pl.family = family;
	pl.max_entries = 200;
	p = sg_pl_add(m, &pl);
	assert_non_null(p);
	snprintf(buf, sizeof(buf), "%s", cidrs);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct sg_prefix_entry e;

		memset(&e, 0, sizeof(e));
		assert_int_equal(sg_addr_parse(t, &e.range), 0);
		snprintf(e.cidr, sizeof(e.cidr), "%s", t);
		assert_int_equal(sg_pl_entry_add(p, &e), 0);
	}
}

static inline void fx_port_list(struct sg_model *m, const char *id, const char *ranges)
{
	struct sg_port_list prl, *p;
	char buf[1024], *save = NULL;

	memset(&prl, 0, sizeof(prl));
	snprintf(prl.id, sizeof(prl.id), "%s", id);
	prl.max_entries = 20;
	p = sg_prl_add(m, &prl);
	assert_non_null(p);
	snprintf(buf, sizeof(buf), "%s", ranges);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct sg_port_entry e;

		memset(&e, 0, sizeof(e));
		assert_int_equal(sg_port_parse(t, &e.range), 0);
		snprintf(e.text, sizeof(e.text), "%s", t);
		assert_int_equal(sg_prl_entry_add(p, &e), 0);
	}
}

static inline void fx_compile(const struct sg_model *m, enum ir_mode mode, struct ir_table *t)
{
	ir_table_init(t, "sgd", mode);
	assert_int_equal(sg_compile(m, mode, t), 0);
}

static inline char *fx_render(const struct ir_table *t)
{
	char *s = ir_table_render(t);

	assert_non_null(s);
	return s;
}

/* The rendered chain `name` (its lines only), caller frees. */
static inline char *fx_chain_text(const struct ir_table *t, const char *name)
{
	const struct ir_chain *c = ir_chain_find(t, name);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	assert_non_null(c);
	assert_non_null(out);
	out[0] = 0;
	for (size_t i = 0; i < c->nrules; i++) {
		char *r = ir_rule_render(t, &c->rules[i]);

		assert_non_null(r);
		while (len + strlen(r) + 2 > cap)
			out = realloc(out, cap *= 2);
		len += sprintf(out + len, "%s\n", r);
		free(r);
	}
	return out;
}

/* ---- probing set coverage with points ---- */

/* A point in a set's key space: lo of each field is used. */
struct fx_point {
	struct ir_range f[IR_MAX_FIELDS];
};

static inline void fx_pt_addr(struct ir_range *r, const char *a)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(inet_pton(strchr(a, ':') ? AF_INET6 : AF_INET, a, r->lo), 1);
}

static inline void fx_pt_u16(struct ir_range *r, unsigned v)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = v >> 8;
	r->lo[1] = v & 0xff;
}

static inline void fx_pt_u8(struct ir_range *r, unsigned v)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = v;
}

/* saddr . proto . sport . daddr . dport */
static inline struct fx_point fx_pt5(const char *s, unsigned proto, unsigned sport, const char *d,
				     unsigned dport)
{
	struct fx_point p;

	fx_pt_addr(&p.f[0], s);
	fx_pt_u8(&p.f[1], proto);
	fx_pt_u16(&p.f[2], sport);
	fx_pt_addr(&p.f[3], d);
	fx_pt_u16(&p.f[4], dport);
	return p;
}

/* saddr . daddr . proto */
static inline struct fx_point fx_pt3(const char *s, const char *d, unsigned proto)
{
	struct fx_point p;

	fx_pt_addr(&p.f[0], s);
	fx_pt_addr(&p.f[1], d);
	fx_pt_u8(&p.f[2], proto);
	return p;
}

static inline bool fx_elem_has(enum ir_key k, const struct ir_elem *e, const struct fx_point *p)
{
	enum ir_field f[IR_MAX_FIELDS];
	int n = ir_key_fields(k, f);

	for (int i = 0; i < n; i++) {
		size_t len = ir_field_len(f[i]);

		if (memcmp(p->f[i].lo, e->f[i].lo, len) < 0 || memcmp(p->f[i].lo, e->f[i].hi, len) > 0)
			return false;
	}
	return true;
}

/* p (in the full layout of fx_pt5 / fx_pt3) projected onto key k: the short
 * keys leave out sport and daddr (field i is field from[i] of the full key). */
static inline struct fx_point fx_pt_for(enum ir_key k, const struct fx_point *p)
{
	const struct ir_key_desc *d = ir_key_desc(k);
	struct fx_point q = *p;

	for (int i = 0; i < d->nfields; i++)
		q.f[i] = p->f[d->from[i]];
	return q;
}

/* How many elements of set `name` contain p (0 when the set is absent). */
static inline int fx_hits(const struct ir_table *t, const char *name, const struct fx_point *p)
{
	const struct ir_set *s = ir_set_find(t, name);
	struct fx_point q;
	int n = 0;

	if (!s)
		return 0;
	q = fx_pt_for(s->key, p);
	for (size_t i = 0; i < s->nelems; i++)
		n += fx_elem_has(s->key, &s->elems[i], &q);
	return n;
}

/* Every element of every set pairwise disjoint: what the kernel's interval
 * backends need. */
static inline bool fx_ranges_overlap(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	enum ir_field f[IR_MAX_FIELDS];
	int n = ir_key_fields(k, f);

	for (int i = 0; i < n; i++) {
		size_t len = ir_field_len(f[i]);

		if (memcmp(a->f[i].hi, b->f[i].lo, len) < 0 || memcmp(b->f[i].hi, a->f[i].lo, len) < 0)
			return false;
	}
	return true;
}

static inline void fx_assert_disjoint(const struct ir_table *t)
{
	for (size_t s = 0; s < t->nsets; s++) {
		const struct ir_set *set = &t->sets[s];

		if (ir_key_desc(set->key)->map)
			continue;
		for (size_t i = 0; i < set->nelems; i++)
			for (size_t j = i + 1; j < set->nelems; j++)
				if (fx_ranges_overlap(set->key, &set->elems[i], &set->elems[j]))
					fail_msg("set %s: elements %zu and %zu overlap", set->name, i, j);
	}
}

#endif
