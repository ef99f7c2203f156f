/* test_compile_cache.c - sg_compile_cached() gives exactly what sg_compile()
 * gives: a random sequence of authorize / revoke / modify / membership /
 * prefix- and port-list changes (fixed seed), compared after every step
 * against a fresh compile; and the cache really skips the unchanged work. */
#include "compile_fixture.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

/* Few, overlapping values: boxes of one bucket split each other. */
static const char *cidr4[] = { "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3",
			       "192.0.2.0/24", "192.0.2.128/25", "198.51.100.7", "203.0.113.0/24" };
static const char *cidr6[] = { "::/0", "2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::5" };
static const char *ports[] = { "-1/-1", "22/22", "20/30", "1/1024", "80/80", "443/443", "1000/2000" };
static const char *dsts4[] = { "192.0.2.10", "192.0.2.0/25" };
static const int protos[] = { SG_PROTO_TCP, SG_PROTO_UDP, SG_PROTO_ICMP, SG_PROTO_ALL, SG_PROTO_GRE };
static const int prios[] = { 1, 1, 1, 2, 50, 100 };
static const char *groups[] = { "sg-a", "sg-b", "sg-e" };

struct world {
	struct sg_model m;
	struct sg_compile_cache *c;
	unsigned long next_id;
	int steps_rule, steps_other;
};

static void setup_world(struct world *w)
{
	memset(w, 0, sizeof(*w));
	sg_model_init(&w->m);
	fx_group(&w->m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(&w->m, "sg-b", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_group(&w->m, "sg-e", SG_GROUP_ENTERPRISE, SG_POLICY_ACCEPT);
	fx_nic(&w->m, "eni-1", "tap0", "192.0.2.10,2001:db8::10", "sg-a,sg-b");
	fx_nic(&w->m, "eni-2", "tap1", "192.0.2.11", "sg-e");
	fx_nic(&w->m, "eni-3", "", "198.51.100.3", "sg-a");
	fx_prefix_list(&w->m, "pl-4", 4, "10.0.0.0/8,192.0.2.0/24");
	fx_prefix_list(&w->m, "pl-6", 6, "2001:db8::/32");
	fx_port_list(&w->m, "prl-1", "22/22,80/90");
	w->c = sg_compile_cache_new();
	assert_non_null(w->c);
}

static void free_world(struct world *w)
{
	sg_compile_cache_free(w->c);
	sg_model_free(&w->m);
}

/* A random permission; the id is unique. */
static void rand_perm(struct world *w, struct fx_perm *p, char *id, size_t idlen)
{
	unsigned src = rnd(20);

	memset(p, 0, sizeof(*p));
	snprintf(id, idlen, "sgr-%lu", ++w->next_id);
	p->id = id;
	p->proto = PICK(protos);
	p->ports = (p->proto == SG_PROTO_TCP || p->proto == SG_PROTO_UDP || rnd(3) == 0) ? PICK(ports) : NULL;
	p->prio = PICK(prios);
	p->pol = rnd(4) == 0 ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
	if (src < 12) {
		p->cidr = PICK(cidr4);
		if (rnd(5) == 0)
			p->dst = PICK(dsts4);
	} else if (src < 16) {
		p->cidr = PICK(cidr6);
	} else if (src < 18) {
		p->pl = rnd(2) ? "pl-4" : "pl-6";
	} else {
		p->sg = PICK(groups);
	}
	if (p->ports && rnd(6) == 0)
		p->sports = "1024/65535";
	if (rnd(10) == 0) {
		p->prl = "prl-1";
		p->ports = NULL;
	}
	if (p->proto == SG_PROTO_ALL && rnd(2))
		p->ports = NULL;
}

static struct sg_group *rand_group(struct world *w)
{
	return sg_group_find(&w->m, PICK(groups));
}

static void op_authorize(struct world *w)
{
	const char *gid = PICK(groups);
	unsigned n = 1 + (rnd(4) == 0 ? rnd(10) : 0);

	for (unsigned i = 0; i < n; i++) {
		struct fx_perm p;
		char id[SG_ID_LEN];

		rand_perm(w, &p, id, sizeof(id));
		fx_rule(&w->m, gid, p);
	}
	w->steps_rule++;
}

static void op_revoke(struct world *w)
{
	struct sg_group *g = rand_group(w);

	if (!g->nrules)
		return op_authorize(w);
	sg_rule_del(g, &g->rules[rnd(g->nrules)]);
	w->steps_rule++;
}

/* ModifySecurityGroupRule: same rule (id, seq), new fields. */
static void op_modify(struct world *w)
{
	struct sg_group *g = rand_group(w);
	struct sg_rule *r;

	if (!g->nrules)
		return op_authorize(w);
	r = &g->rules[rnd(g->nrules)];
	switch (rnd(4)) {
	case 0:
		r->priority = PICK(prios);
		break;
	case 1:
		r->policy = r->policy == SG_POLICY_DROP ? SG_POLICY_ACCEPT : SG_POLICY_DROP;
		break;
	case 2:
		assert_int_equal(sg_port_parse(PICK(ports), &r->dport), 0);
		break;
	case 3:
		if (r->src_kind == SG_SRC_CIDR && r->src.family == 4)
			assert_int_equal(sg_addr_parse(PICK(cidr4), &r->src), 0);
		else
			r->priority = PICK(prios);
		break;
	}
	w->steps_rule++;
}

/* Storage order is not creation order (e.g. rules loaded in another order):
 * the compiler sorts by seq. */
static void op_shuffle(struct world *w)
{
	struct sg_group *g = rand_group(w);
	struct sg_rule t;
	size_t a, b;

	if (g->nrules < 2)
		return op_authorize(w);
	a = rnd(g->nrules);
	b = rnd(g->nrules);
	t = g->rules[a];
	g->rules[a] = g->rules[b];
	g->rules[b] = t;
	w->steps_rule++;
}

static void op_member(struct world *w)
{
	struct sg_nic *n = &w->m.nics[rnd(w->m.nnics)];
	const char *gid = PICK(groups);

	if (sg_nic_in_group(n, gid) && n->ngroups > 1) {
		size_t i = 0;

		while (strcmp(n->groups[i], gid) != 0)
			i++;
		memmove(n->groups[i], n->groups[i + 1], (n->ngroups - i - 1) * sizeof(n->groups[0]));
		n->ngroups--;
	} else if (!sg_nic_in_group(n, gid)) {
		snprintf(n->groups[n->ngroups++], SG_ID_LEN, "%s", gid);
	} else {
		struct sg_nic_addr a;
		char text[32];

		memset(&a, 0, sizeof(a));
		snprintf(text, sizeof(text), "203.0.113.%u", 1 + rnd(250));
		assert_int_equal(sg_addr_parse(text, &a.addr), 0);
		snprintf(a.text, sizeof(a.text), "%s", text);
		assert_int_equal(sg_nic_addr_add(n, &a), 0);
	}
	w->steps_other++;
}

static void op_lists(struct world *w)
{
	struct sg_prefix_list *pl = sg_pl_find(&w->m, rnd(2) ? "pl-4" : "pl-6");
	struct sg_port_list *prl = sg_prl_find(&w->m, "prl-1");

	switch (rnd(4)) {
	case 0:
		if (pl->nentries > 1) {
			sg_pl_entry_del(pl, rnd(pl->nentries));
			break;
		}
		/* fall through */
	case 1: {
		struct sg_prefix_entry e;

		memset(&e, 0, sizeof(e));
		snprintf(e.cidr, sizeof(e.cidr), "%s", pl->family == 6 ? PICK(cidr6) : PICK(cidr4));
		assert_int_equal(sg_addr_parse(e.cidr, &e.range), 0);
		assert_int_equal(sg_pl_entry_add(pl, &e), 0);
		break;
	}
	case 2: /* a missing port list makes its rules vanish from the IR */
		if (prl)
			sg_prl_del(&w->m, prl);
		else
			fx_port_list(&w->m, "prl-1", "22/22,80/90");
		break;
	case 3:
		if (prl) {
			struct sg_port_entry e;

			memset(&e, 0, sizeof(e));
			snprintf(e.text, sizeof(e.text), "%u/%u", 100 + rnd(100), 300);
			assert_int_equal(sg_port_parse(e.text, &e.range), 0);
			assert_int_equal(sg_prl_entry_add(prl, &e), 0);
		}
		break;
	}
	w->steps_other++;
}

/* The cached compile and a fresh one render the same text. */
static void check_same(struct world *w, enum ir_mode mode, int step)
{
	struct ir_table a, b;
	char *ta, *tb;

	ir_table_init(&a, "sgd", mode);
	assert_int_equal(sg_compile_cached(w->c, &w->m, mode, &a), 0);
	fx_compile(&w->m, mode, &b);
	ta = fx_render(&a);
	tb = fx_render(&b);
	if (strcmp(ta, tb) != 0)
		fail_msg("step %d: cached compile differs from sg_compile", step);
	free(ta);
	free(tb);
	ir_table_free(&a);
	ir_table_free(&b);
}

static void test_random_sequence(void **state)
{
	struct sg_compile_cache_stats st;
	struct world w;

	setup_world(&w);
	for (int i = 0; i < 60; i++) /* a base to change */
		op_authorize(&w);
	check_same(&w, IR_MODE_HOST, -1);
	for (int step = 0; step < 600; step++) {
		unsigned k = rnd(100);

		if (k < 40)
			op_authorize(&w);
		else if (k < 60)
			op_revoke(&w);
		else if (k < 72)
			op_modify(&w);
		else if (k < 75)
			op_shuffle(&w);
		else if (k < 88)
			op_member(&w);
		else
			op_lists(&w);
		check_same(&w, step % 50 == 49 ? IR_MODE_ROUTED : IR_MODE_HOST, step);
	}
	sg_compile_cache_stats(w.c, &st);
	/* every path of the cache ran: reuse, appends, rebuilds, eviction */
	assert_true(st.reused > 10 * st.added);
	assert_true(st.added > 0);
	assert_true(st.rebuilt > 0);
	assert_true(st.evicted > 0);
	assert_true(w.steps_other > 50);
	free_world(&w);
}

/* Appending a rule to a big bucket splits only the new rule's box. */
static void test_append_reuses(void **state)
{
	struct sg_compile_cache_stats s0, s1;
	struct world w;
	char cidr[32], id[SG_ID_LEN];

	setup_world(&w);
	for (int i = 0; i < 300; i++) {
		snprintf(cidr, sizeof(cidr), "10.%d.%d.0/24", i / 256, i % 256);
		snprintf(id, sizeof(id), "sgr-big-%d", i);
		fx_rule(&w.m, "sg-a", (struct fx_perm){ .id = id, .cidr = cidr, .ports = "22/22" });
	}
	check_same(&w, IR_MODE_HOST, 0);
	sg_compile_cache_stats(w.c, &s0);
	assert_int_equal(s0.added, 300);
	fx_rule(&w.m, "sg-a", (struct fx_perm){ .id = "sgr-new", .cidr = "10.0.0.0/8", .ports = "22/22" });
	check_same(&w, IR_MODE_HOST, 1);
	sg_compile_cache_stats(w.c, &s1);
	assert_int_equal(s1.added - s0.added, 1);
	assert_int_equal(s1.reused - s0.reused, 300);
	assert_int_equal(s1.rebuilt, s0.rebuilt);
	/* revoking the newest rule only cuts the pieces back */
	fx_rule_del(&w.m, "sg-a", "sgr-new");
	check_same(&w, IR_MODE_HOST, 2);
	sg_compile_cache_stats(w.c, &s0);
	assert_int_equal(s0.added, s1.added);
	assert_int_equal(s0.rebuilt, s1.rebuilt + 1);
	free_world(&w);
}

/* A bucket whose set changes key shape (a DestCidrIp rule arrives, then
 * leaves) compiles the same with the cache as without: the shape is part of
 * the cached set's identity. */
static void test_shape_switch(void **state)
{
	struct world w;
	struct ir_table t;
	char cidr[32], id[SG_ID_LEN];

	setup_world(&w);
	for (int i = 0; i < 50; i++) {
		snprintf(cidr, sizeof(cidr), "10.0.%d.0/24", i);
		snprintf(id, sizeof(id), "sgr-s-%d", i);
		fx_rule(&w.m, "sg-a", (struct fx_perm){ .id = id, .cidr = cidr, .ports = "22/22" });
	}
	check_same(&w, IR_MODE_HOST, 0);
	fx_rule(&w.m, "sg-a", (struct fx_perm){ .id = "sgr-q", .cidr = "10.0.0.0/8", .dst = "192.0.2.10",
						.ports = "22/22" });
	check_same(&w, IR_MODE_HOST, 1);
	fx_compile(&w.m, IR_MODE_HOST, &t);
	assert_non_null(ir_set_find(&t, "c4p-sg-a-p1-a"));
	assert_null(ir_set_find(&t, "c4q-sg-a-p1-a"));
	ir_table_free(&t);
	fx_rule_del(&w.m, "sg-a", "sgr-q");
	check_same(&w, IR_MODE_HOST, 2);
	fx_compile(&w.m, IR_MODE_HOST, &t);
	assert_null(ir_set_find(&t, "c4p-sg-a-p1-a"));
	assert_int_equal(ir_set_find(&t, "c4q-sg-a-p1-a")->nelems, 50);
	ir_table_free(&t);
	fx_rule(&w.m, "sg-a", (struct fx_perm){ .id = "sgr-s", .cidr = "10.0.0.0/8", .sports = "1000/2000",
						.ports = "22/22" });
	check_same(&w, IR_MODE_HOST, 3);
	free_world(&w);
}

/* The cache's content never changes the result: one cache used for two
 * unrelated models in turn, and a NULL cache. */
static void test_cache_is_only_speed(void **state)
{
	struct world a, b;
	struct ir_table t, f;
	char *tt, *tf;

	setup_world(&a);
	setup_world(&b);
	for (int i = 0; i < 40; i++) {
		op_authorize(&a);
		op_authorize(&b);
	}
	sg_compile_cache_free(a.c);
	a.c = b.c; /* b's cache serves both */
	for (int round = 0; round < 6; round++) {
		struct world *w = round % 2 ? &b : &a;

		op_modify(w);
		check_same(w, IR_MODE_HOST, round);
	}
	a.c = NULL;
	ir_table_init(&t, "sgd", IR_MODE_HOST);
	assert_int_equal(sg_compile_cached(NULL, &a.m, IR_MODE_HOST, &t), 0);
	fx_compile(&a.m, IR_MODE_HOST, &f);
	tt = fx_render(&t);
	tf = fx_render(&f);
	assert_string_equal(tt, tf);
	free(tt);
	free(tf);
	ir_table_free(&t);
	ir_table_free(&f);
	sg_compile_cache_free(NULL);
	free_world(&a);
	free_world(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_sequence),
		cmocka_unit_test(test_append_reuses),
		cmocka_unit_test(test_shape_switch),
		cmocka_unit_test(test_cache_is_only_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
