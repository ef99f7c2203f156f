/* test_review_compile.c - adversarial review of the compiler: random models
 * (overlapping CIDRs and ranges, both families, full ranges, port edges,
 * protocol numbers, port lists, prefix lists, group sources, remote members,
 * basic/Drop/enterprise groups, NICs sharing groups) are compiled, and every
 * probe packet's verdict from the compiled IR must equal docs/semantics.md's
 * verdict from the model.  The same holds after rules are revoked one by one,
 * both for a fresh compile and for the old table with the diff applied (what
 * the kernel holds after an incremental update), and no interval set ever
 * holds overlapping elements (the kernel would refuse them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compile_fixture.h"
#include "review_eval.h"

/* ---- deterministic random numbers ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

#define PICK(arr) (arr[rnd(sizeof(arr) / sizeof(arr[0]))])

/* ---- the universe the random rules and packets live in ---- */

static const char *const cidr4[] = {
	"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/30", "10.0.0.4/30", "10.0.0.2/31", "10.0.0.5/32",
	"10.0.0.1-10.0.0.6", "255.255.255.255/32", "0.0.0.0/32", "128.0.0.0/1", "10.0.0.3-10.0.0.4",
	"0.0.0.0-10.0.0.2", "10.0.0.6-255.255.255.255",
};
static const char *const cidr6[] = {
	"::/0", "2001:db8::/32", "2001:db8::/126", "2001:db8::2/127", "2001:db8::5/128",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "::/128", "8000::/1",
	"2001:db8::1-2001:db8::6", "::-2001:db8::2", "2001:db8::6-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
};
static const char *const addr4[] = {
	"10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6",
	"10.0.0.7", "0.0.0.0", "255.255.255.255", "128.0.0.1", "192.0.2.1",
};
static const char *const addr6[] = {
	"2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4", "2001:db8::5",
	"2001:db8::6", "2001:db8::7", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::1",
	"fe80::1",
};
static const char *const port_ranges[] = {
	"1/65535", "22/22", "20/30", "1/1", "65535/65535", "80/443", "1/21", "23/65535", "21/23",
};
static const unsigned ports[] = { 0, 1, 20, 21, 22, 23, 30, 31, 80, 443, 444, 1024, 65534, 65535 };
static const int prios[] = { 1, 1, 2, 3, 50, 100 };

/* groups: g0-g5 basic (g1 with InnerAccessPolicy Drop), e0-e1 enterprise */
static const char *const basic[] = { "sg-g0", "sg-g1", "sg-g2", "sg-g3", "sg-g4", "sg-g5" };
#define NBASIC 6
static const char *const advanced[] = { "sg-e0", "sg-e1" };

static void add_nic(struct sg_model *m, int i, bool local)
{
	char id[32], dev[16], addrs[128], groups[128] = "";
	bool adv = rnd(4) == 0;
	int ng = 1 + (int)rnd(adv ? 2 : 5); /* up to 5 groups a NIC */

	snprintf(id, sizeof(id), "eni-%s%d", local ? "l" : "r", i);
	snprintf(dev, sizeof(dev), "%s", local ? "" : "");
	if (local)
		snprintf(dev, sizeof(dev), "tap%d", i);
	snprintf(addrs, sizeof(addrs), "%s", PICK(addr4));
	if (rnd(2)) {
		strcat(addrs, ",");
		strcat(addrs, PICK(addr6));
	}
	for (int k = 0; k < ng; k++) {
		const char *g = adv ? advanced[rnd(2)] : basic[rnd(NBASIC)];
		if (strstr(groups, g))
			continue;
		if (groups[0])
			strcat(groups, ",");
		strcat(groups, g);
	}
	fx_nic(m, id, dev, addrs, groups);
}

/* One rule the API could have accepted, into group gid. */
static void add_rule(struct sg_model *m, const char *gid, bool enterprise)
{
	struct sg_group *g = sg_group_find(m, gid);
	struct sg_rule r;
	int fam = rnd(3) ? 4 : 6;
	int src = (int)rnd(enterprise ? 2 : 3); /* 0 cidr, 1 prefix list, 2 group */

	memset(&r, 0, sizeof(r));
	r.seq = m->next_seq;
	snprintf(r.id, sizeof(r.id), "sgr-%llu", (unsigned long long)r.seq);
	r.policy = rnd(2) ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
	r.priority = (uint8_t)PICK(prios);
	snprintf(r.nic_type, sizeof(r.nic_type), "intranet");
	if (src == 0) {
		r.src_kind = SG_SRC_CIDR;
		assert_int_equal(sg_addr_parse(fam == 4 ? PICK(cidr4) : PICK(cidr6), &r.src), 0);
		r.family = (uint8_t)fam;
	} else if (src == 1) {
		r.src_kind = SG_SRC_PREFIX_LIST;
		snprintf(r.prefix_list_id, sizeof(r.prefix_list_id), "%s", fam == 4 ? "pl-4" : "pl-6");
		r.family = (uint8_t)fam;
	} else {
		r.src_kind = SG_SRC_GROUP;
		const char *sgid;
		do
			sgid = rnd(5) ? basic[rnd(NBASIC)] : advanced[rnd(2)];
		while (!strcmp(sgid, gid));
		snprintf(r.src_group_id, sizeof(r.src_group_id), "%s", sgid);
		r.family = 0;
	}
	if (rnd(4) == 0) {
		int dfam = r.family ? r.family : fam;
		r.has_dst = true;
		assert_int_equal(sg_addr_parse(dfam == 4 ? PICK(cidr4) : PICK(cidr6), &r.dst), 0);
		r.family = (uint8_t)dfam;
	}
	static const char *const protos[] = { "TCP", "UDP", "TCP", "UDP", "ICMP", "ICMPv6", "GRE",
					      "ALL", "0", "1", "6", "17", "58", "132", "255" };
	const char *pt;
	for (;;) {
		pt = PICK(protos);
		/* ICMP is IPv4, ICMPv6 IPv6 (decisions.md); a group source takes the family */
		if (!strcmp(pt, "ICMP") && r.family == 6)
			continue;
		if (!strcmp(pt, "ICMPv6") && r.family == 4)
			continue;
		break;
	}
	snprintf(r.proto_text, sizeof(r.proto_text), "%s", pt);
	if (!strcmp(pt, "TCP"))
		r.proto = SG_PROTO_TCP;
	else if (!strcmp(pt, "UDP"))
		r.proto = SG_PROTO_UDP;
	else if (!strcmp(pt, "ICMP"))
		r.proto = SG_PROTO_ICMP, r.family = r.src_kind == SG_SRC_GROUP && !r.has_dst ? 4 : r.family;
	else if (!strcmp(pt, "ICMPv6"))
		r.proto = SG_PROTO_ICMPV6, r.family = r.src_kind == SG_SRC_GROUP && !r.has_dst ? 6 : r.family;
	else if (!strcmp(pt, "GRE"))
		r.proto = SG_PROTO_GRE;
	else if (!strcmp(pt, "ALL"))
		r.proto = SG_PROTO_ALL;
	else
		r.proto = (int16_t)atoi(pt);
	r.dport = (struct sg_port_range){ 0, 65535, true };
	if (!strcmp(pt, "TCP") || !strcmp(pt, "UDP")) {
		if (rnd(4) == 0)
			snprintf(r.port_list_id, sizeof(r.port_list_id), "prl-a");
		else
			assert_int_equal(sg_port_parse(PICK(port_ranges), &r.dport), 0);
		if (rnd(4) == 0) {
			r.has_sport = true;
			assert_int_equal(sg_port_parse(PICK(port_ranges), &r.sport), 0);
		}
	}
	assert_non_null(sg_rule_add(m, g, &r));
}

static void random_model(struct sg_model *m)
{
	sg_model_init(m);
	for (int i = 0; i < NBASIC; i++)
		fx_group(m, basic[i], SG_GROUP_NORMAL, i == 1 ? SG_POLICY_DROP : SG_POLICY_ACCEPT);
	for (int i = 0; i < 2; i++)
		fx_group(m, advanced[i], SG_GROUP_ENTERPRISE, SG_POLICY_DROP);
	fx_prefix_list(m, "pl-4", 4, rnd(2) ? "10.0.0.0/31,10.0.0.6/32" : "0.0.0.0/0");
	fx_prefix_list(m, "pl-6", 6, rnd(2) ? "2001:db8::/127,2001:db8::7/128" : "");
	fx_port_list(m, "prl-a", rnd(2) ? "22/22,80/443" : "1/21,65535/65535");
	int nl = 1 + (int)rnd(4), nr = (int)rnd(3);
	for (int i = 0; i < nl; i++)
		add_nic(m, i, true);
	for (int i = 0; i < nr; i++)
		add_nic(m, i, false);
	for (int i = 0; i < NBASIC; i++)
		for (int k = (int)rnd(14); k > 0; k--)
			add_rule(m, basic[i], false);
	for (int i = 0; i < 2; i++)
		for (int k = (int)rnd(14); k > 0; k--)
			add_rule(m, advanced[i], true);
}

static void random_packet(const struct sg_model *m, struct ev_pkt *p)
{
	memset(p, 0, sizeof(*p));
	uint32_t nlocal = 0;
	for (size_t i = 0; i < m->nnics; i++)
		nlocal += m->nics[i].host_device[0] != 0;
	/* mostly managed devices; tapN with N == nlocal is not managed */
	snprintf(p->dev, sizeof(p->dev), "tap%u", rnd(8) ? rnd(nlocal) : nlocal);
	p->family = rnd(2) ? 4 : 6;
	const char *s = p->family == 4 ? PICK(addr4) : PICK(addr6);
	const char *d = p->family == 4 ? PICK(addr4) : PICK(addr6);
	/* often the sender is a known interface */
	if (m->nnics && rnd(2)) {
		const struct sg_nic *n = &m->nics[rnd((uint32_t)m->nnics)];
		for (size_t i = 0; i < n->naddrs; i++)
			if (n->addrs[i].addr.family == p->family)
				s = n->addrs[i].text;
	}
	assert_int_equal(inet_pton(p->family == 6 ? AF_INET6 : AF_INET, s, p->saddr), 1);
	assert_int_equal(inet_pton(p->family == 6 ? AF_INET6 : AF_INET, d, p->daddr), 1);
	static const unsigned l4[] = { 6, 17, 6, 17, 1, 58, 47, 0, 132, 255 };
	p->proto = (uint8_t)PICK(l4);
	p->sport = (uint16_t)PICK(ports);
	p->dport = (uint16_t)PICK(ports);
	if (rnd(20) == 0) /* platform traffic */
		p->proto = 58, p->sport = (uint16_t)((133 + rnd(6)) << 8);
	p->ct = IR_CT_NEW;
	if (rnd(30) == 0)
		p->ct = rnd(2) ? IR_CT_ESTABLISHED : IR_CT_INVALID;
}

/* ---- applying a change list, as the kernel would ---- */

static struct ir_set *sim_set(struct ir_table *t, const char *name)
{
	return (struct ir_set *)ir_set_find(t, name);
}

static bool elem_overlap(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	if (ir_key_desc(k)->map) /* one value each */
		return !memcmp(a->f[0].lo, b->f[0].lo, ir_field_len(ir_key_desc(k)->field[0]));
	return fx_ranges_overlap(k, a, b);
}

static void sim_add_elem(struct ir_set *s, const struct ir_elem *e)
{
	for (size_t i = 0; i < s->nelems; i++)
		if (elem_overlap(s->key, &s->elems[i], e))
			fail_msg("set %s: the kernel would refuse an element overlapping element %zu", s->name, i);
	struct ir_elem *n = ir_elem_add(s);
	assert_non_null(n);
	*n = *e;
	n->comment = e->comment ? strdup(e->comment) : NULL;
}

static void sim_apply(struct ir_table *k, const struct ir_changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		const struct ir_change *c = &ch->v[i];
		struct ir_set *s;
		struct ir_chain *cn;
		switch (c->kind) {
		case IR_CH_ADD_SET:
			assert_null(ir_set_find(k, c->set->name));
			s = ir_set_add(k, c->set->name, c->set->key);
			assert_non_null(s);
			for (size_t e = 0; e < c->set->nelems; e++)
				sim_add_elem(s, &c->set->elems[e]);
			break;
		case IR_CH_ADD_CHAIN:
			assert_null(ir_chain_find(k, c->chain->name));
			assert_non_null(ir_chain_add(k, c->chain->name, c->chain->hook));
			break;
		case IR_CH_DEL_ELEM: {
			s = sim_set(k, c->set->name);
			assert_non_null(s);
			size_t e = 0;
			while (e < s->nelems && memcmp(s->elems[e].f, c->elem->f, sizeof(c->elem->f)))
				e++;
			if (e == s->nelems)
				fail_msg("set %s: deleting an element the kernel does not hold", s->name);
			free(s->elems[e].comment);
			memmove(&s->elems[e], &s->elems[e + 1], (s->nelems - e - 1) * sizeof(s->elems[0]));
			s->nelems--;
			break;
		}
		case IR_CH_ADD_ELEM:
			s = sim_set(k, c->set->name);
			assert_non_null(s);
			sim_add_elem(s, c->elem);
			break;
		case IR_CH_SET_RULES:
			cn = (struct ir_chain *)ir_chain_find(k, c->chain->name);
			assert_non_null(cn);
			for (size_t r = 0; r < cn->nrules; r++)
				free(cn->rules[r].comment);
			cn->nrules = 0;
			for (size_t r = 0; r < c->chain->nrules; r++) {
				struct ir_rule *nr = ir_rule_add(cn);
				assert_non_null(nr);
				*nr = c->chain->rules[r];
				nr->comment = nr->comment ? strdup(nr->comment) : NULL;
			}
			break;
		case IR_CH_DEL_CHAIN: {
			cn = (struct ir_chain *)ir_chain_find(k, c->chain->name);
			assert_non_null(cn);
			size_t idx = (size_t)(cn - k->chains);
			for (size_t r = 0; r < cn->nrules; r++)
				free(cn->rules[r].comment);
			free(cn->rules);
			memmove(cn, cn + 1, (k->nchains - idx - 1) * sizeof(*cn));
			k->nchains--;
			break;
		}
		case IR_CH_DEL_SET: {
			s = sim_set(k, c->set->name);
			assert_non_null(s);
			size_t idx = (size_t)(s - k->sets);
			for (size_t e = 0; e < s->nelems; e++)
				free(s->elems[e].comment);
			free(s->elems);
			free(s->comment);
			memmove(s, s + 1, (k->nsets - idx - 1) * sizeof(*s));
			k->nsets--;
			break;
		}
		}
	}
	/* nothing may still jump to or look up what was deleted */
	for (size_t c = 0; c < k->nchains; c++)
		for (size_t r = 0; r < k->chains[c].nrules; r++) {
			const struct ir_rule *ru = &k->chains[c].rules[r];
			if (ru->verdict.kind == IR_V_JUMP)
				assert_non_null(ir_chain_find(k, ru->verdict.target));
			for (int i = 0; i < ru->nm; i++)
				if (ru->m[i].set[0])
					assert_non_null(ir_set_find(k, ru->m[i].set));
		}
}

/* A full-table "kernel" built from scratch through the change list. */
static void sim_load(struct ir_table *k, const struct ir_table *t)
{
	struct ir_table empty;
	struct ir_changes ch = { 0 };
	ir_table_init(&empty, "sgd", t->mode);
	ir_table_init(k, "sgd", t->mode);
	assert_int_equal(ir_diff(&empty, t, &ch), 0);
	sim_apply(k, &ch);
	ir_changes_free(&ch);
	ir_table_free(&empty);
}

/* ---- the comparison ---- */

static void compare(const struct sg_model *m, const struct ir_table *t, int npkts, const char *what)
{
	for (int i = 0; i < npkts; i++) {
		struct ev_pkt p;
		random_packet(m, &p);
		enum ev_verdict want = ev_model(m, &p), got = ev_ir(t, &p);
		if (want != got) {
			char buf[256];
			char *txt = ir_table_render(t);
			ev_pkt_str(&p, buf, sizeof(buf));
			if (getenv("REVIEW_DUMP"))
				fprintf(stderr, "%s\n", txt ? txt : "");
			free(txt);
			fail_msg("%s: packet %s: compiled %s, contract %s (%s)", what, buf, ev_name(got),
				 ev_name(want), ev_why);
		}
	}
}

static void run_seed(uint64_t seed)
{
	struct sg_model m;
	struct ir_table t, k;
	char what[64];

	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	random_model(&m);
	enum ir_mode mode = seed % 2 ? IR_MODE_ROUTED : IR_MODE_HOST; /* the device is the packet's dev */
	fx_compile(&m, mode, &t);
	fx_assert_disjoint(&t);
	snprintf(what, sizeof(what), "seed %llu", (unsigned long long)seed);
	compare(&m, &t, 300, what);
	sim_load(&k, &t);
	compare(&m, &k, 100, what);

	/* revoke rules one at a time, in random order, comparing every step */
	for (int step = 0; step < 6; step++) {
		size_t gi = rnd((uint32_t)m.ngroups);
		struct sg_group *g = &m.groups[gi];
		if (!g->nrules)
			continue;
		sg_rule_del(g, &g->rules[rnd((uint32_t)g->nrules)]);
		struct ir_table t2;
		struct ir_changes ch = { 0 };
		fx_compile(&m, mode, &t2);
		fx_assert_disjoint(&t2);
		snprintf(what, sizeof(what), "seed %llu revoke step %d", (unsigned long long)seed, step);
		compare(&m, &t2, 150, what);
		assert_int_equal(ir_diff(&t, &t2, &ch), 0);
		sim_apply(&k, &ch);
		ir_changes_free(&ch);
		snprintf(what, sizeof(what), "seed %llu revoke step %d (incremental)", (unsigned long long)seed, step);
		compare(&m, &k, 150, what);
		ir_table_free(&t);
		t = t2;
	}
	ir_table_free(&k);
	ir_table_free(&t);
	sg_model_free(&m);
}

static void test_random_models_match_contract(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= (getenv("SEEDS") ? strtoull(getenv("SEEDS"),0,10) : 400); seed++)
		run_seed(seed);
}

/* A permission whose box earlier ones cover completely adds no element; once
 * the earlier one is revoked it must be enforced on its own, also in the
 * kernel's copy that only received the diff. */
static void test_covered_rule_survives_revoke(void **state)
{
	struct sg_model m;
	struct ir_table t, t2, k;
	struct ir_changes ch = { 0 };
	struct ev_pkt p = { .dev = "tap0", .family = 4, .proto = 6, .sport = 40000, .dport = 22, .ct = IR_CT_NEW };

	(void)state;
	sg_model_init(&m);
	fx_group(&m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_nic(&m, "eni-1", "tap0", "192.0.2.1", "sg-a");
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "wide", .cidr = "0.0.0.0/0", .ports = "1/65535" });
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "narrow", .cidr = "198.51.100.0/24", .ports = "22/22" });
	fx_compile(&m, IR_MODE_HOST, &t);
	sim_load(&k, &t);
	fx_rule_del(&m, "sg-a", "wide");
	fx_compile(&m, IR_MODE_HOST, &t2);
	assert_int_equal(ir_diff(&t, &t2, &ch), 0);
	sim_apply(&k, &ch);
	assert_int_equal(inet_pton(AF_INET, "198.51.100.7", p.saddr), 1);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", p.daddr), 1);
	assert_int_equal(ev_ir(&t2, &p), EV_ACCEPT);
	assert_int_equal(ev_ir(&k, &p), EV_ACCEPT);
	p.dport = 23;
	assert_int_equal(ev_ir(&k, &p), EV_DROP);
	ir_changes_free(&ch);
	ir_table_free(&t);
	ir_table_free(&t2);
	ir_table_free(&k);
	sg_model_free(&m);
}

/* IpProtocol=1 is the IANA number: in IPv6 it matches l4proto 1, never
 * ICMPv6 (58); ICMPv6 has its own name and number. */
static void test_iana_number_one_is_literal_in_ipv6(void **state)
{
	struct sg_model m;
	struct ir_table t;
	struct ev_pkt p = { .dev = "tap0", .family = 6, .ct = IR_CT_NEW, .sport = 128 << 8 };

	(void)state;
	sg_model_init(&m);
	fx_group(&m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(&m, "eni-1", "tap0", "192.0.2.1,2001:db8::1", "sg-a");
	struct sg_rule *r = fx_rule(&m, "sg-a", (struct fx_perm){ .cidr = "2001:db8:1::/48", .proto = SG_PROTO_ICMP });
	snprintf(r->proto_text, sizeof(r->proto_text), "1");
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::5", p.saddr), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", p.daddr), 1);
	p.proto = SG_PROTO_ICMPV6; /* an echo request */
	assert_int_equal(ev_model(&m, &p), EV_DROP);
	assert_int_equal(ev_ir(&t, &p), EV_DROP);
	p.proto = 1;
	assert_int_equal(ev_model(&m, &p), EV_ACCEPT);
	assert_int_equal(ev_ir(&t, &p), EV_ACCEPT);
	ir_table_free(&t);
	sg_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_covered_rule_survives_revoke),
		cmocka_unit_test(test_iana_number_one_is_literal_in_ipv6),
		cmocka_unit_test(test_random_models_match_contract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
