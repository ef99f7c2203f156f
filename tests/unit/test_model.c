/* test_model.c - address and port values, rule identity, model containers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sgd/model.h"

static void check_addr(const char *in, int rc, const char *formatted)
{
	struct sg_addr_range r;
	int got = sg_addr_parse(in, &r);
	if ((got == 0) != (rc == 0))
		fail_msg("%s: want rc %d, got %d", in, rc, got);
	if (got == 0) {
		char buf[SG_TEXT_LEN];
		sg_addr_format(&r, buf, sizeof(buf));
		if (strcmp(buf, formatted) != 0)
			fail_msg("%s: want %s, got %s", in, formatted, buf);
	}
}

static void test_addr(void **state)
{
	(void)state;
	check_addr("10.0.0.0/8", 0, "10.0.0.0/8");
	check_addr("10.1.2.3/8", 0, "10.0.0.0/8");
	check_addr("192.0.2.7", 0, "192.0.2.7/32");
	check_addr("0.0.0.0/0", 0, "0.0.0.0/0");
	check_addr("192.0.2.0-192.0.2.255", 0, "192.0.2.0/24");
	check_addr("192.0.2.3-192.0.2.9", 0, "192.0.2.3-192.0.2.9");
	check_addr("2001:db8::/32", 0, "2001:db8::/32");
	check_addr("2001:db8::1", 0, "2001:db8::1/128");
	check_addr("::/0", 0, "::/0");
	check_addr("2001:db8::1-2001:db8::5", 0, "2001:db8::1-2001:db8::5");
	check_addr("10.0.0.0/33", -1, NULL);
	check_addr("10.0.0.0/", -1, NULL);
	check_addr("10.0.0/8", -1, NULL);
	check_addr("192.0.2.9-192.0.2.3", -1, NULL);
	check_addr("192.0.2.1-2001:db8::1", -1, NULL);
	check_addr("", -1, NULL);
	check_addr("10.0.0.0/8/8", -1, NULL);
	check_addr("2001:db8::/129", -1, NULL);

	struct sg_addr_range a, b, c;
	assert_int_equal(sg_addr_parse("10.0.0.0/8", &a), 0);
	assert_int_equal(sg_addr_parse("10.1.0.0/16", &b), 0);
	assert_int_equal(sg_addr_parse("11.0.0.0/8", &c), 0);
	assert_true(sg_addr_overlap(&a, &b));
	assert_false(sg_addr_overlap(&a, &c));
}

static void test_ports(void **state)
{
	(void)state;
	struct sg_port_range p;
	assert_int_equal(sg_port_parse("22/22", &p), 0);
	assert_int_equal(p.lo, 22);
	assert_false(p.any);
	assert_int_equal(sg_port_parse("-1/-1", &p), 0);
	assert_true(p.any);
	assert_int_not_equal(sg_port_parse("0/22", &p), 0);
	assert_int_not_equal(sg_port_parse("1/65536", &p), 0);
	assert_int_not_equal(sg_port_parse("22", &p), 0);
	assert_int_not_equal(sg_port_parse("a/b", &p), 0);
	assert_int_not_equal(sg_port_parse("-1/22", &p), 0);
	char buf[16];
	assert_int_equal(sg_port_parse("1/200", &p), 0);
	sg_port_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1/200");
}

static void test_identity(void **state)
{
	(void)state;
	struct sg_rule a = { .policy = SG_POLICY_ACCEPT, .priority = 1, .proto = SG_PROTO_TCP, .family = 4,
			     .dport = { 22, 22, false }, .nic_type = "intranet" };
	sg_addr_parse("10.0.0.0/8", &a.src);
	struct sg_rule b = a;
	b.priority = 50; /* priority is not identity */
	assert_true(sg_rule_same(&a, &b));
	b.policy = SG_POLICY_DROP;
	assert_false(sg_rule_same(&a, &b));
	b = a;
	b.has_sport = true;
	b.sport = (struct sg_port_range){ 1000, 2000, false };
	assert_false(sg_rule_same(&a, &b));
	b = a;
	b.has_dst = true;
	sg_addr_parse("192.0.2.0/24", &b.dst);
	assert_false(sg_rule_same(&a, &b));
}

static void test_containers(void **state)
{
	(void)state;
	struct sg_model m;
	sg_model_init(&m);
	struct sg_group g = { .id = "sg-1" };
	struct sg_group *pg = sg_group_add(&m, &g);
	for (int i = 0; i < 50; i++) {
		struct sg_rule r = { .priority = 1 };
		snprintf(r.id, sizeof(r.id), "sgr-%d", i);
		assert_non_null(sg_rule_add(&m, pg, &r));
	}
	assert_int_equal(pg->nrules, 50);
	assert_int_equal(pg->rules[49].seq, 50);
	sg_rule_del(pg, sg_rule_find(pg, "sgr-10"));
	assert_null(sg_rule_find(pg, "sgr-10"));
	assert_string_equal(pg->rules[10].id, "sgr-11"); /* order kept */
	struct sg_nic n = { .id = "eni-1", .host_device = "veth0", .ngroups = 1 };
	strcpy(n.groups[0], "sg-1");
	sg_nic_add(&m, &n);
	assert_int_equal(sg_nic_rule_count(&m, sg_nic_find_by_device(&m, "veth0")), 49);
	sg_model_free(&m);
}

/* A clone owns all its memory (the original is freed first: ASan sees any
 * pointer still shared) and equals the original field by field. */
static void test_clone(void **state)
{
	(void)state;
	struct sg_model m, c;
	sg_model_init(&m);
	m.next_seq = 41;
	m.quota.rules_per_nic = 77;
	struct sg_group g = { .id = "sg-1", .description = strdup("web") };
	struct sg_group *pg = sg_group_add(&m, &g);
	for (int i = 0; i < 3; i++) {
		struct sg_rule r = { .priority = (uint8_t)(i + 1), .description = i ? strdup("d") : NULL };
		snprintf(r.id, sizeof(r.id), "sgr-%d", i);
		assert_non_null(sg_rule_add(&m, pg, &r));
	}
	struct sg_prefix_list pl = { .id = "pl-1", .family = 4 };
	struct sg_prefix_list *ppl = sg_pl_add(&m, &pl);
	struct sg_prefix_entry pe = { .cidr = "10.0.0.0/8", .description = strdup("ten") };
	assert_int_equal(sg_pl_entry_add(ppl, &pe), 0);
	struct sg_port_list prl = { .id = "prl-1", .description = strdup("ports") };
	struct sg_port_list *pprl = sg_prl_add(&m, &prl);
	struct sg_port_entry e = { .text = "80/80" };
	assert_int_equal(sg_prl_entry_add(pprl, &e), 0);
	struct sg_nic n = { .id = "eni-1", .host_device = "veth0", .ngroups = 1 };
	strcpy(n.groups[0], "sg-1");
	struct sg_nic *pn = sg_nic_add(&m, &n);
	struct sg_nic_addr a = { .text = "192.0.2.1" };
	assert_int_equal(sg_nic_addr_add(pn, &a), 0);

	uint64_t seq = m.next_seq;
	assert_int_equal(sg_model_clone(&c, &m), 0);
	sg_model_free(&m);
	assert_int_equal(c.next_seq, seq);
	assert_int_equal(c.quota.rules_per_nic, 77);
	assert_int_equal(c.ngroups, 1);
	assert_string_equal(c.groups[0].description, "web");
	assert_int_equal(c.groups[0].nrules, 3);
	assert_null(c.groups[0].rules[0].description);
	assert_string_equal(c.groups[0].rules[2].description, "d");
	assert_string_equal(c.groups[0].rules[2].id, "sgr-2");
	assert_string_equal(c.pls[0].entries[0].description, "ten");
	assert_string_equal(c.prls[0].description, "ports");
	assert_string_equal(c.prls[0].entries[0].text, "80/80");
	assert_string_equal(c.nics[0].addrs[0].text, "192.0.2.1");
	assert_string_equal(c.nics[0].groups[0], "sg-1");
	/* The clone grows on its own. */
	struct sg_rule r = { .priority = 9 };
	assert_non_null(sg_rule_add(&c, &c.groups[0], &r));
	assert_int_equal(c.groups[0].nrules, 4);
	sg_model_free(&c);
}

/* A reader keeps its snapshot while newer ones are published. */
static void test_snapshots(void **state)
{
	(void)state;
	struct sg_snapshots s;
	struct sg_snapshot *ref, *ref2;
	struct sg_model m;
	sg_snapshots_init(&s);
	sg_model_init(&m);
	assert_null(sg_snapshots_get(&s, &ref));
	struct sg_group g = { .id = "sg-1" };
	sg_group_add(&m, &g);
	assert_int_equal(sg_snapshots_publish(&s, &m), 0);
	const struct sg_model *old = sg_snapshots_get(&s, &ref);
	assert_int_equal(old->ngroups, 1);
	struct sg_group g2 = { .id = "sg-2" };
	sg_group_add(&m, &g2);
	assert_int_equal(sg_snapshots_publish(&s, &m), 0);
	assert_int_equal(old->ngroups, 1); /* unchanged, still alive */
	assert_string_equal(old->groups[0].id, "sg-1");
	assert_int_equal(sg_snapshots_get(&s, &ref2)->ngroups, 2);
	sg_snapshots_put(&s, ref);
	sg_snapshots_put(&s, ref2);
	sg_snapshots_free(&s);
	sg_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_snapshots),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
