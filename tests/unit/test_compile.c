/* test_compile.c - sg_compile(): the model -> ruleset IR (docs/semantics.md).
 * The models are golden_models.h's; their whole rendered tables are golden
 * files (test_golden.c), so these tests check structure and set contents. */
#include "golden_models.h"

/* The first request example of the AuthorizeSecurityGroup page (the whole
 * table: tests/golden/spec-example-cidr.nft). */
static void test_spec_example_cidr(void **state)
{
	struct sg_model m;
	struct ir_table t;
	struct fx_point p;

	gm_spec_example_cidr(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_int_equal(ir_set_find(&t, "c4q-sg-bp67acfmxazb4p-p1-a")->key, IR_KEY_IP4_DPORT);
	p = fx_pt5("10.1.2.3", 6, 40000, "192.0.2.10", 22);
	assert_int_equal(fx_hits(&t, "c4q-sg-bp67acfmxazb4p-p1-a", &p), 1);
	p = fx_pt5("10.1.2.3", 6, 40000, "192.0.2.10", 23);
	assert_int_equal(fx_hits(&t, "c4q-sg-bp67acfmxazb4p-p1-a", &p), 0);
	p = fx_pt5("11.1.2.3", 6, 40000, "192.0.2.10", 22);
	assert_int_equal(fx_hits(&t, "c4q-sg-bp67acfmxazb4p-p1-a", &p), 0);
	p = fx_pt5("10.1.2.3", 17, 40000, "192.0.2.10", 22);
	assert_int_equal(fx_hits(&t, "c4q-sg-bp67acfmxazb4p-p1-a", &p), 0);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* The second request example: a group source and a prefix-list source, Drop
 * (the whole table: tests/golden/spec-example-group-and-prefix-list.nft). */
static void test_spec_example_group_and_prefix_list(void **state)
{
	struct sg_model m;
	struct ir_table t;
	char *txt;

	gm_spec_example_group_and_prefix_list(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	/* one rule per source family: sgr-g for both, sgr-p for the IPv4 list */
	const struct ir_chain *c = ir_chain_find(&t, "g-sg-bp67acfmxazb4p-p1-drop");

	assert_non_null(c);
	assert_int_equal(c->nrules, 3);
	assert_string_equal(c->rules[0].m[1].set, "m4-sg-bp17vs63txqxbd");
	assert_string_equal(c->rules[1].m[1].set, "m6-sg-bp17vs63txqxbd");
	assert_string_equal(c->rules[2].m[1].set, "pl-x1j1k5ykzqlixdcy");
	assert_int_equal(c->rules[2].verdict.kind, IR_V_DROP);
	/* the referenced objects are shared named sets, not copies */
	assert_int_equal(ir_set_find(&t, "pl-x1j1k5ykzqlixdcy")->nelems, 2);
	assert_int_equal(ir_set_find(&t, "m4-sg-bp17vs63txqxbd")->nelems, 1);
	assert_int_equal(ir_set_find(&t, "m6-sg-bp17vs63txqxbd")->nelems, 1);
	/* the remote NIC has no chain and no dispatch element */
	assert_null(ir_chain_find(&t, "nic-eni-2"));
	assert_int_equal(ir_set_find(&t, "nics")->nelems, 1);
	/* ordinary rules of both families: both family chains jump to the bucket */
	txt = fx_chain_text(&t, "nic-eni-1-4");
	assert_non_null(strstr(txt, "inner accept sg-bp67acfmxazb4p\"\njump g-sg-bp67acfmxazb4p-p1-drop\n"));
	free(txt);
	txt = fx_chain_text(&t, "nic-eni-1-6");
	assert_non_null(strstr(txt, "inner accept sg-bp67acfmxazb4p\"\njump g-sg-bp67acfmxazb4p-p1-drop\n"));
	free(txt);
	txt = fx_chain_text(&t, "nic-eni-1");
	assert_non_null(strstr(txt, "meta nfproto ipv6 jump nic-eni-1-6\ncounter drop"));
	free(txt);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* Priority 1 first; at one priority every drop bucket before every accept. */
static void test_priority_and_drop_first(void **state)
{
	struct sg_model m;
	struct ir_table t;
	char *txt;

	gm_priority_and_drop_first(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	/* the lookups of nic-eni-1-4, in order (text: priority-and-drop-first.nft) */
	static const struct { const char *set; enum ir_verdict_kind v; } want[] = {
		{ "c4q-sg-a-p1-a", IR_V_ACCEPT }, { "c4q-sg-b-p1-a", IR_V_ACCEPT },
		{ "c4q-sg-a-p10-d", IR_V_DROP }, { "c4q-sg-b-p10-d", IR_V_DROP },
		{ "c4q-sg-a-p10-a", IR_V_ACCEPT }, { "c4q-sg-b-p100-d", IR_V_DROP },
	};
	const struct ir_chain *c4 = ir_chain_find(&t, "nic-eni-1-4");

	assert_non_null(c4);
	assert_int_equal(c4->nrules, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c4->nrules; i++) {
		assert_int_equal(c4->rules[i].m[1].kind, IR_M_TUPLE_SET);
		assert_string_equal(c4->rules[i].m[1].set, want[i].set);
		assert_int_equal(c4->rules[i].verdict.kind, want[i].v);
	}
	txt = fx_chain_text(&t, "nic-eni-1");
	assert_non_null(strstr(txt, "accept comment \"platform: dhcpv6\"\n"
				    "meta nfproto ipv4 jump nic-eni-1-4\n"
				    "counter drop comment \"default drop\"\n"));
	free(txt);
	/* no IPv6 rule and no inner accept (policy Drop): no IPv6 chain */
	assert_null(ir_chain_find(&t, "nic-eni-1-6"));
	/* two accept rules of one bucket share one set and one lookup; a bucket
	 * of CIDR rules only has no chain */
	assert_int_equal(ir_set_find(&t, "c4q-sg-a-p10-a")->nelems, 2);
	assert_null(ir_chain_find(&t, "g-sg-a-p10-accept"));
	assert_null(ir_chain_find(&t, "g-sg-a-p10-drop"));
	ir_table_free(&t);
	sg_model_free(&m);
}

/* In the NIC's IPv4 chain, which exists only when it holds rules. */
static bool has_inner_accept(const struct ir_table *t, const char *nic, const char *gid)
{
	char name[IR_NAME_LEN], want[128], *txt;
	bool yes;

	snprintf(name, sizeof(name), "%s-4", nic);
	if (!ir_chain_find(t, name))
		return false;
	txt = fx_chain_text(t, name);
	snprintf(want, sizeof(want), "ip saddr @m4-%s accept", gid);
	yes = strstr(txt, want) != NULL;
	free(txt);
	return yes;
}

static void test_inner_policy_and_enterprise(void **state)
{
	struct sg_model m;
	struct ir_table t;

	gm_inner_policy_and_enterprise(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_true(has_inner_accept(&t, "nic-eni-1", "sg-acc"));
	assert_false(has_inner_accept(&t, "nic-eni-1", "sg-drop"));
	assert_false(has_inner_accept(&t, "nic-eni-2", "sg-drop"));
	assert_false(has_inner_accept(&t, "nic-eni-3", "sg-ent"));
	/* with no rules and no inner accept, a NIC's chain has no family
	 * chains and ends in the default drop */
	const struct ir_chain *c = ir_chain_find(&t, "nic-eni-3");

	assert_int_equal(c->nrules, 6);
	assert_true(c->rules[5].counter);
	assert_int_equal(c->rules[5].verdict.kind, IR_V_DROP);
	assert_null(ir_chain_find(&t, "nic-eni-3-4"));
	assert_int_equal(ir_chain_find(&t, "nic-eni-1")->nrules, 8);
	/* member sets exist for every group, even without local members */
	assert_non_null(ir_set_find(&t, "m4-sg-ent"));
	assert_non_null(ir_set_find(&t, "m6-sg-ent"));
	assert_int_equal(ir_set_find(&t, "m4-sg-drop")->nelems, 1); /* 192.0.2.1-192.0.2.2 merged */
	ir_table_free(&t);
	sg_model_free(&m);
}

static void test_modes(void **state)
{
	struct sg_model m;
	struct ir_table t;
	char *txt;

	gm_modes(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_int_equal(ir_chain_find(&t, "dispatch")->hook, IR_HOOK_INPUT);
	txt = fx_render(&t);
	assert_non_null(strstr(txt, "type filter hook input priority filter; policy accept;\n\t\tiifname vmap @nics\n"));
	free(txt);
	ir_table_free(&t);
	fx_compile(&m, IR_MODE_ROUTED, &t);
	assert_int_equal(t.mode, IR_MODE_ROUTED);
	assert_int_equal(ir_chain_find(&t, "dispatch")->hook, IR_HOOK_FORWARD);
	assert_int_equal(ir_chain_find(&t, "dispatch")->rules[0].m[0].kind, IR_M_IFNAME_VMAP);
	txt = fx_render(&t);
	assert_non_null(strstr(txt, "type filter hook forward priority filter; policy accept;\n\t\toifname vmap @nics\n"));
	free(txt);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* ICMP, GRE, ALL and protocol numbers go to the port-less sets. */
static void test_portless_protocols(void **state)
{
	struct sg_model m;
	struct ir_table t;
	struct fx_point p;

	gm_portless_protocols(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_null(ir_set_find(&t, "c4p-sg-a-p1-a"));
	assert_null(ir_set_find(&t, "c4q-sg-a-p1-a"));
	assert_null(ir_set_find(&t, "c4n-sg-a-p1-a")); /* no DestCidrIp: the short key */
	assert_int_equal(ir_set_find(&t, "c4m-sg-a-p1-a")->key, IR_KEY_IP4_PROTO);
	assert_int_equal(ir_set_find(&t, "c4m-sg-a-p1-a")->nelems, 5);
	p = fx_pt3("198.51.100.1", "192.0.2.1", 1);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 1);
	p = fx_pt3("198.51.100.1", "192.0.2.1", 6);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 0);
	p = fx_pt3("198.51.100.17", "192.0.2.1", 47);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 1);
	for (unsigned proto = 0; proto < 256; proto += 51) {
		p = fx_pt3("198.51.100.40", "192.0.2.1", proto);
		assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 1);
	}
	p = fx_pt3("198.51.100.50", "192.0.2.1", 132);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 1);
	p = fx_pt3("198.51.100.50", "192.0.2.1", 133);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 0);
	p = fx_pt3("198.51.100.70", "192.0.2.1", 0);
	assert_int_equal(fx_hits(&t, "c4m-sg-a-p1-a", &p), 1);
	/* ICMP in an IPv6 rule is ICMPv6 */
	p = fx_pt3("2001:db8:1::5", "2001:db8::1", 58);
	assert_int_equal(fx_hits(&t, "c6m-sg-a-p1-a", &p), 1);
	p = fx_pt3("2001:db8:1::5", "2001:db8::1", 1);
	assert_int_equal(fx_hits(&t, "c6m-sg-a-p1-a", &p), 0);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* DestCidrIp and SourcePortRange narrow the element and need the full key
 * (c4p); the IPv6 set of the same bucket has neither and keeps the short one
 * (c6q). */
static void test_quintuple_and_ipv6(void **state)
{
	struct sg_model m;
	struct ir_table t;
	struct fx_point p;

	gm_quintuple_and_ipv6(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	p = fx_pt5("198.51.100.9", 17, 1500, "192.0.2.1", 85);
	assert_int_equal(fx_hits(&t, "c4p-sg-a-p1-a", &p), 1);
	p = fx_pt5("198.51.100.9", 17, 1500, "192.0.2.2", 85); /* other destination */
	assert_int_equal(fx_hits(&t, "c4p-sg-a-p1-a", &p), 0);
	p = fx_pt5("198.51.100.9", 17, 999, "192.0.2.1", 85); /* source port outside */
	assert_int_equal(fx_hits(&t, "c4p-sg-a-p1-a", &p), 0);
	p = fx_pt5("198.51.100.9", 6, 1500, "192.0.2.1", 85); /* tcp */
	assert_int_equal(fx_hits(&t, "c4p-sg-a-p1-a", &p), 0);
	p = fx_pt5("198.51.100.9", 17, 1500, "192.0.2.1", 91);
	assert_int_equal(fx_hits(&t, "c4p-sg-a-p1-a", &p), 0);
	p = fx_pt5("2001:db8:5:ffff::1", 6, 40000, "2001:db8::1", 443);
	assert_int_equal(fx_hits(&t, "c6q-sg-a-p1-a", &p), 1);
	p = fx_pt5("2001:db8:6::1", 6, 40000, "2001:db8::1", 443);
	assert_int_equal(fx_hits(&t, "c6q-sg-a-p1-a", &p), 0);
	assert_int_equal(ir_set_find(&t, "c6q-sg-a-p1-a")->key, IR_KEY_IP6_DPORT);
	assert_int_equal(ir_set_find(&t, "c4p-sg-a-p1-a")->key, IR_KEY_IP4_PORTS);
	assert_null(ir_set_find(&t, "c6p-sg-a-p1-a"));
	assert_null(ir_chain_find(&t, "g-sg-a-p1-accept"));
	assert_int_equal(ir_chain_find(&t, "nic-eni-1-4")->nrules, 2);
	assert_int_equal(ir_chain_find(&t, "nic-eni-1-6")->nrules, 2);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* Prefix-list, group and port-list rules are plain rules, one per family. */
static void test_list_and_group_sources(void **state)
{
	struct sg_model m;
	struct ir_table t;

	gm_list_and_group_sources(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	/* r1 r2 r2 r3 r4 r5 r5 r6 r6 r6 r6 (text: list-and-group-sources.nft) */
	static const char *const ids[] = { "r1", "r2", "r2", "r3", "r4", "r5", "r5", "r6", "r6", "r6", "r6" };
	const struct ir_chain *c = ir_chain_find(&t, "g-sg-a-p1-accept");

	assert_non_null(c);
	assert_int_equal(c->nrules, sizeof(ids) / sizeof(ids[0]));
	for (size_t i = 0; i < c->nrules; i++)
		assert_string_equal(c->rules[i].comment, ids[i]);
	/* overlapping list entries merge into disjoint, non-adjacent intervals */
	const struct ir_set *s = ir_set_find(&t, "pl-6");

	assert_int_equal(s->key, IR_KEY_IP6);
	assert_int_equal(s->nelems, 1); /* 2001:db8:a::/48 and :b::/48 are adjacent */
	s = ir_set_find(&t, "prl-1");
	assert_int_equal(s->key, IR_KEY_PORT);
	assert_int_equal(s->nelems, 2); /* 79-81, 443-450 */
	assert_int_equal(s->elems[0].f[0].lo[1], 79);
	assert_int_equal(s->elems[0].f[0].hi[1], 81);
	assert_int_equal(s->elems[1].f[0].hi[0] << 8 | s->elems[1].f[0].hi[1], 450);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* Rules pointing at objects that do not exist are left out, never dangling. */
static void test_missing_references_skipped(void **state)
{
	struct sg_model m;
	struct ir_table t;

	gm_missing_references(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	assert_null(ir_chain_find(&t, "g-sg-a-p1-accept"));
	for (size_t i = 0; i < t.nchains; i++)
		for (size_t j = 0; j < t.chains[i].nrules; j++) {
			const struct ir_rule *r = &t.chains[i].rules[j];

			if (r->verdict.kind == IR_V_JUMP)
				assert_non_null(ir_chain_find(&t, r->verdict.target));
			for (int k = 0; k < r->nm; k++)
				if (r->m[k].set[0])
					assert_non_null(ir_set_find(&t, r->m[k].set));
		}
	assert_int_equal(ir_chain_find(&t, "nic-eni-1")->nrules, 8); /* ct 2, platform 3, 2 jumps, drop */
	assert_int_equal(ir_chain_find(&t, "nic-eni-1-4")->nrules, 1); /* inner accept */
	ir_table_free(&t);
	sg_model_free(&m);
}

/* Only NICs with a host device get a chain; one device dispatches once. */
static void test_dispatch(void **state)
{
	struct sg_model m;
	struct ir_table t;
	const struct ir_set *s;

	gm_dispatch(&m);
	fx_compile(&m, IR_MODE_HOST, &t);
	s = ir_set_find(&t, "nics");
	assert_int_equal(s->key, IR_KEY_IFNAME);
	assert_int_equal(s->nelems, 2);
	assert_string_equal((const char *)s->elems[0].f[0].lo, "tap1");
	assert_string_equal(s->elems[0].data.target, "nic-eni-1");
	assert_int_equal(s->elems[0].data.kind, IR_V_JUMP);
	assert_string_equal((const char *)s->elems[1].f[0].lo, "tap2");
	for (int i = 5; i < 16; i++)
		assert_int_equal(s->elems[0].f[0].lo[i], 0);
	assert_non_null(ir_chain_find(&t, "nic-eni-1"));
	assert_null(ir_chain_find(&t, "nic-eni-3"));
	assert_null(ir_chain_find(&t, "nic-eni-4"));
	assert_int_equal(ir_set_find(&t, "m4-sg-a")->nelems, 1); /* .1-.4 merged */
	ir_table_free(&t);
	sg_model_free(&m);
}

/* The same model compiles to the same table (names and order deterministic). */
static void test_deterministic(void **state)
{
	struct sg_model m;
	struct ir_table a, b;
	char *ta, *tb;

	sg_model_init(&m);
	fx_group(&m, "sg-b", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(&m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(&m, "eni-1", "tap0", "192.0.2.1", "sg-b,sg-a");
	for (int i = 0; i < 40; i++)
		fx_rule(&m, i % 2 ? "sg-a" : "sg-b",
			(struct fx_perm){ .cidr = i % 3 ? "198.51.100.0/24" : "0.0.0.0/0", .ports = "22/22",
					  .prio = 1 + i % 7, .pol = i % 5 == 0 });
	fx_compile(&m, IR_MODE_HOST, &a);
	fx_compile(&m, IR_MODE_HOST, &b);
	ta = fx_render(&a);
	tb = fx_render(&b);
	assert_string_equal(ta, tb);
	fx_assert_disjoint(&a);
	free(ta);
	free(tb);
	ir_table_free(&a);
	ir_table_free(&b);
	sg_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example_cidr),
		cmocka_unit_test(test_spec_example_group_and_prefix_list),
		cmocka_unit_test(test_priority_and_drop_first),
		cmocka_unit_test(test_inner_policy_and_enterprise),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_portless_protocols),
		cmocka_unit_test(test_quintuple_and_ipv6),
		cmocka_unit_test(test_list_and_group_sources),
		cmocka_unit_test(test_missing_references_skipped),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
