/* test_diff.c - ir_diff(): minimal, ordered change lists between tables. */
#include <errno.h>
#include <time.h>

#include "compile_fixture.h"

/* Rank of a change kind in the documented batch order (ir.h). */
static int rank(enum ir_change_kind k)
{
	switch (k) {
	case IR_CH_ADD_SET: return 0;
	case IR_CH_ADD_CHAIN: return 1;
	case IR_CH_DEL_ELEM:
	case IR_CH_ADD_ELEM: return 2;
	case IR_CH_SET_RULES: return 3;
	case IR_CH_DEL_CHAIN: return 4;
	case IR_CH_DEL_SET: return 5;
	}
	return -1;
}

static void assert_ordered(const struct ir_changes *ch)
{
	for (size_t i = 1; i < ch->n; i++)
		if (rank(ch->v[i].kind) < rank(ch->v[i - 1].kind))
			fail_msg("change %zu (%d) after %d", i, ch->v[i].kind, ch->v[i - 1].kind);
}

static size_t count(const struct ir_changes *ch, enum ir_change_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < ch->n; i++)
		n += ch->v[i].kind == k;
	return n;
}

static void diff(const struct ir_table *a, const struct ir_table *b, struct ir_changes *ch)
{
	memset(ch, 0, sizeof(*ch));
	assert_int_equal(ir_diff(a, b, ch), 0);
	assert_ordered(ch);
}

static void base_model(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(m, "sg-b", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1", "sg-a,sg-b");
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.0/24", .ports = "22/22" });
	fx_rule(m, "sg-b", (struct fx_perm){ .sg = "sg-a", .ports = "80/80", .prio = 5 });
}

static void test_full_and_identical(void **state)
{
	struct sg_model m;
	struct ir_table empty, t, t2;
	struct ir_changes ch;

	base_model(&m);
	ir_table_init(&empty, "sgd", IR_MODE_HOST);
	fx_compile(&m, IR_MODE_HOST, &t);
	diff(&empty, &t, &ch);
	assert_int_equal(count(&ch, IR_CH_ADD_SET), t.nsets);
	assert_int_equal(count(&ch, IR_CH_ADD_CHAIN), t.nchains);
	assert_int_equal(count(&ch, IR_CH_SET_RULES), t.nchains);
	assert_int_equal(ch.n, t.nsets + 2 * t.nchains);
	ir_changes_free(&ch);

	/* and back: everything deleted, chains before sets */
	diff(&t, &empty, &ch);
	assert_int_equal(count(&ch, IR_CH_DEL_CHAIN), t.nchains);
	assert_int_equal(count(&ch, IR_CH_DEL_SET), t.nsets);
	ir_changes_free(&ch);

	fx_compile(&m, IR_MODE_HOST, &t2);
	diff(&t, &t2, &ch);
	assert_int_equal(ch.n, 0);
	ir_changes_free(&ch);
	ir_table_free(&t2);
	ir_table_free(&empty);
	ir_table_free(&t);
	sg_model_free(&m);
}

/* A model whose NIC has n rules spread over 5 groups. */
static void big_model(struct sg_model *m, int n)
{
	static const char *gids[5] = { "sg-0", "sg-1", "sg-2", "sg-3", "sg-4" };

	sg_model_init(m);
	for (int g = 0; g < 5; g++)
		fx_group(m, gids[g], SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1,2001:db8::1", "sg-0,sg-1,sg-2,sg-3,sg-4");
	for (int i = 0; i < n; i++) {
		char src[48], ports[16];
		struct fx_perm p = { 0 };

		if (i % 4 == 3)
			snprintf(src, sizeof(src), "2001:db8:%x::/48", i);
		else
			snprintf(src, sizeof(src), "10.%d.%d.0/24", i / 256, i % 256);
		snprintf(ports, sizeof(ports), "%d/%d", 1 + i % 1000, 1 + i % 1000 + i % 3);
		p.cidr = src;
		p.ports = ports;
		p.prio = 1 + i % 100;
		p.pol = i % 7 == 0 ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
		p.proto = i % 11 == 0 ? SG_PROTO_UDP : SG_PROTO_TCP;
		fx_rule(m, gids[i % 5], p);
	}
}

/* Adding one CIDR rule to a NIC costs the same with 10 or 1,000 rules. */
static size_t add_one_rule_diff(int n)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch;
	size_t size;

	big_model(&m, n);
	/* the bucket (sg-0, priority 1, accept) exists in both sizes */
	fx_rule(&m, "sg-0", (struct fx_perm){ .cidr = "203.0.113.0/24", .ports = "1/1", .prio = 1 });
	fx_compile(&m, IR_MODE_HOST, &before);
	fx_rule(&m, "sg-0", (struct fx_perm){ .id = "sgr-new", .cidr = "198.51.100.0/24", .ports = "443/443",
					      .prio = 1 });
	fx_compile(&m, IR_MODE_HOST, &after);
	diff(&before, &after, &ch);
	size = ch.n;
	assert_int_equal(count(&ch, IR_CH_ADD_ELEM), ch.n);
	assert_string_equal(ch.v[0].set->name, "c4q-sg-0-p1-a");
	assert_string_equal(ch.v[0].elem->comment, "sgr-new");
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
	return size;
}

static void test_add_rule_size_independent(void **state)
{
	size_t small = add_one_rule_diff(10), large = add_one_rule_diff(1000);

	assert_int_equal(small, 1);
	assert_int_equal(large, small);
}

/* Revoking a rule of a shared bucket deletes its elements only. */
static void test_revoke_rule(void **state)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch;

	base_model(&m);
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "gone", .cidr = "203.0.113.0/24", .ports = "22/22" });
	fx_compile(&m, IR_MODE_HOST, &before);
	fx_rule_del(&m, "sg-a", "gone");
	fx_compile(&m, IR_MODE_HOST, &after);
	diff(&before, &after, &ch);
	assert_int_equal(ch.n, 1);
	assert_int_equal(ch.v[0].kind, IR_CH_DEL_ELEM);
	assert_string_equal(ch.v[0].elem->comment, "gone");
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
}

/* A first CIDR rule in a new bucket adds its set and its lookup in the NIC's
 * family chain; no bucket chain (it has no ordinary rule). */
static void test_new_and_removed_bucket(void **state)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch;
	char *txt;

	base_model(&m);
	fx_compile(&m, IR_MODE_HOST, &before);
	fx_rule(&m, "sg-b", (struct fx_perm){ .id = "new", .cidr = "203.0.113.0/24", .proto = SG_PROTO_GRE,
					      .prio = 50, .pol = SG_POLICY_DROP });
	fx_compile(&m, IR_MODE_HOST, &after);
	diff(&before, &after, &ch);
	txt = ir_changes_render(&ch);
	assert_string_equal(txt,
		"add set c4m-sg-b-p50-d (1 elements)\n"
		"replace rules nic-eni-1-4 (4 rules)\n");
	free(txt);
	ir_changes_free(&ch);

	diff(&after, &before, &ch);
	txt = ir_changes_render(&ch);
	assert_string_equal(txt,
		"replace rules nic-eni-1-4 (3 rules)\n"
		"delete set c4m-sg-b-p50-d\n");
	free(txt);
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
}

/* A DestCidrIp rule arriving in a bucket whose set had the short key moves
 * the bucket to the full key: the short set is deleted, the full one added
 * with all elements, the NIC chain's lookup replaced, in one change list;
 * revoking it goes back. */
static void test_key_shape_switch(void **state)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch;
	char *txt;

	base_model(&m);
	fx_compile(&m, IR_MODE_HOST, &before);
	assert_int_equal(ir_set_find(&before, "c4q-sg-a-p1-a")->key, IR_KEY_IP4_DPORT);
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "quint", .cidr = "203.0.113.0/24", .dst = "192.0.2.1",
					      .ports = "80/80" });
	fx_compile(&m, IR_MODE_HOST, &after);
	assert_null(ir_set_find(&after, "c4q-sg-a-p1-a"));
	assert_int_equal(ir_set_find(&after, "c4p-sg-a-p1-a")->key, IR_KEY_IP4_PORTS);
	diff(&before, &after, &ch);
	txt = ir_changes_render(&ch);
	assert_string_equal(txt,
		"add set c4p-sg-a-p1-a (2 elements)\n"
		"replace rules nic-eni-1-4 (3 rules)\n"
		"delete set c4q-sg-a-p1-a\n");
	free(txt);
	ir_changes_free(&ch);
	txt = fx_chain_text(&after, "nic-eni-1-4");
	assert_non_null(strstr(txt, "ip saddr . meta l4proto . th sport . ip daddr . th dport @c4p-sg-a-p1-a accept"));
	free(txt);

	fx_rule_del(&m, "sg-a", "quint");
	ir_table_free(&before);
	fx_compile(&m, IR_MODE_HOST, &before);
	diff(&after, &before, &ch);
	txt = ir_changes_render(&ch);
	assert_string_equal(txt,
		"add set c4q-sg-a-p1-a (1 elements)\n"
		"replace rules nic-eni-1-4 (3 rules)\n"
		"delete set c4p-sg-a-p1-a\n");
	free(txt);
	txt = fx_chain_text(&before, "nic-eni-1-4");
	assert_non_null(strstr(txt, "ip saddr . meta l4proto . th dport @c4q-sg-a-p1-a accept"));
	free(txt);
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
}

/* Membership changes touch the member set only: rules reference, never copy. */
static void test_membership_change(void **state)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch;
	char *txt;

	base_model(&m);
	fx_compile(&m, IR_MODE_HOST, &before);
	fx_nic(&m, "eni-9", "", "198.51.100.9", "sg-a");
	fx_compile(&m, IR_MODE_HOST, &after);
	diff(&before, &after, &ch);
	txt = ir_changes_render(&ch);
	assert_string_equal(txt, "add element m4-sg-a { 198.51.100.9 }\n");
	free(txt);
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
}

/* Same key, other comment or data: delete then add, in one set's run. */
static void test_changed_element(void **state)
{
	struct ir_table a, b;
	struct ir_changes ch;
	struct ir_elem *e;

	ir_table_init(&a, "sgd", IR_MODE_HOST);
	ir_table_init(&b, "sgd", IR_MODE_HOST);
	e = ir_elem_add(ir_set_add(&a, "s", IR_KEY_PORT));
	e->f[0].lo[1] = e->f[0].hi[1] = 22;
	e->comment = strdup("old");
	e = ir_elem_add(ir_set_add(&b, "s", IR_KEY_PORT));
	e->f[0].lo[1] = e->f[0].hi[1] = 22;
	e->comment = strdup("new");
	e = ir_elem_add(ir_set_add(&a, "v", IR_KEY_IFNAME));
	strcpy((char *)e->f[0].lo, "tap0");
	e->data.kind = IR_V_JUMP;
	strcpy(e->data.target, "nic-1");
	e = ir_elem_add(ir_set_add(&b, "v", IR_KEY_IFNAME));
	strcpy((char *)e->f[0].lo, "tap0");
	e->data.kind = IR_V_JUMP;
	strcpy(e->data.target, "nic-2");
	ir_sort(&a);
	ir_sort(&b);
	diff(&a, &b, &ch);
	assert_int_equal(ch.n, 4);
	assert_int_equal(ch.v[0].kind, IR_CH_DEL_ELEM);
	assert_string_equal(ch.v[0].elem->comment, "old");
	assert_int_equal(ch.v[1].kind, IR_CH_ADD_ELEM);
	assert_string_equal(ch.v[1].elem->comment, "new");
	assert_int_equal(ch.v[2].kind, IR_CH_DEL_ELEM);
	assert_string_equal(ch.v[2].elem->data.target, "nic-1");
	assert_int_equal(ch.v[3].kind, IR_CH_ADD_ELEM);
	assert_string_equal(ch.v[3].elem->data.target, "nic-2");
	ir_changes_free(&ch);
	ir_table_free(&a);
	ir_table_free(&b);
}

static void test_mode_switch_refused(void **state)
{
	struct sg_model m;
	struct ir_table a, b;
	struct ir_changes ch = { 0 };

	base_model(&m);
	fx_compile(&m, IR_MODE_HOST, &a);
	fx_compile(&m, IR_MODE_ROUTED, &b);
	assert_int_equal(ir_diff(&a, &b, &ch), -EINVAL);
	assert_int_equal(ch.n, 0);
	ir_table_free(&a);
	ir_table_free(&b);
	sg_model_free(&m);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Performance sanity: 10,000 rules, random priorities, 5 groups (timed, not asserted). */
static void test_compile_10000(void **state)
{
	static const char *gids[5] = { "sg-0", "sg-1", "sg-2", "sg-3", "sg-4" };
	struct sg_model m;
	struct ir_table t, empty;
	struct ir_changes ch;
	double t0, t1, t2;
	size_t elems = 0;

	srand(7);
	sg_model_init(&m);
	for (int g = 0; g < 5; g++)
		fx_group(&m, gids[g], SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(&m, "eni-1", "tap0", "192.0.2.1", "sg-0,sg-1,sg-2,sg-3,sg-4");
	for (int i = 0; i < 10000; i++) {
		char src[40], ports[16];
		int a = 1 + rand() % 60000;

		snprintf(src, sizeof(src), "%d.%d.%d.0/%d", 1 + rand() % 223, rand() % 256, rand() % 256,
			 8 + rand() % 17);
		snprintf(ports, sizeof(ports), "%d/%d", a, a + rand() % 100);
		fx_rule(&m, gids[rand() % 5],
			(struct fx_perm){ .cidr = src, .ports = ports, .prio = 1 + rand() % 100,
					  .pol = rand() % 4 == 0, .proto = rand() % 10 ? SG_PROTO_TCP : SG_PROTO_ICMP });
	}
	t0 = now();
	fx_compile(&m, IR_MODE_HOST, &t);
	t1 = now();
	ir_table_init(&empty, "sgd", IR_MODE_HOST);
	diff(&empty, &t, &ch);
	t2 = now();
	for (size_t i = 0; i < t.nsets; i++)
		elems += t.sets[i].nelems;
	print_message("10000 rules: compile %.3f s, diff %.3f s, %zu sets, %zu elements, %zu chains\n",
		      t1 - t0, t2 - t1, t.nsets, elems, t.nchains);
	assert_true(elems >= 9000);
	ir_changes_free(&ch);
	ir_table_free(&empty);
	ir_table_free(&t);
	sg_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_and_identical),
		cmocka_unit_test(test_add_rule_size_independent),
		cmocka_unit_test(test_revoke_rule),
		cmocka_unit_test(test_new_and_removed_bucket),
		cmocka_unit_test(test_key_shape_switch),
		cmocka_unit_test(test_membership_change),
		cmocka_unit_test(test_changed_element),
		cmocka_unit_test(test_mode_switch_refused),
		cmocka_unit_test(test_compile_10000),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
