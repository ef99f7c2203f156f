/* test_ir.c - IR builders, sort, find, equality and render (the rendered
 * text: tests/golden/ir-render.nft). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sgd/ir.h"
#include "golden.h"

static void ip4(struct ir_range *r, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e, uint8_t f,
		uint8_t g, uint8_t h)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = a, r->lo[1] = b, r->lo[2] = c, r->lo[3] = d;
	r->hi[0] = e, r->hi[1] = f, r->hi[2] = g, r->hi[3] = h;
}

/* The packet expression of each field: a PORT field is sport or dport. */
static void test_key_exprs(void **state)
{
	enum ir_pkt_field p[IR_MAX_FIELDS];

	assert_int_equal(ir_key_exprs(IR_KEY_IP4_PORTS, p), 5);
	assert_int_equal(p[0], IR_P_SADDR);
	assert_int_equal(p[1], IR_P_L4PROTO);
	assert_int_equal(p[2], IR_P_SPORT);
	assert_int_equal(p[3], IR_P_DADDR);
	assert_int_equal(p[4], IR_P_DPORT);
	assert_int_equal(ir_key_exprs(IR_KEY_IP6_NOPORT, p), 3);
	assert_int_equal(p[0], IR_P_SADDR);
	assert_int_equal(p[1], IR_P_DADDR);
	assert_int_equal(p[2], IR_P_L4PROTO);
	assert_int_equal(ir_key_exprs(IR_KEY_IP6_DPORT, p), 3);
	assert_int_equal(p[0], IR_P_SADDR);
	assert_int_equal(p[1], IR_P_L4PROTO);
	assert_int_equal(p[2], IR_P_DPORT);
	assert_int_equal(ir_key_exprs(IR_KEY_IP4_PROTO, p), 2);
	assert_int_equal(p[0], IR_P_SADDR);
	assert_int_equal(p[1], IR_P_L4PROTO);
	assert_int_equal(ir_key_exprs(IR_KEY_IP4, p), 0);
	assert_int_equal(ir_key_exprs(IR_KEY_IFNAME, p), 0);
	assert_int_equal(ir_key_family(IR_KEY_IP6_PROTO), 6);
	assert_int_equal(ir_key_family(IR_KEY_IP4_DPORT), 4);
	assert_int_equal(ir_key_family(IR_KEY_PORT), 0);
	assert_true(ir_key_is_tuple(IR_KEY_IP6_DPORT));
	assert_false(ir_key_is_tuple(IR_KEY_IP6));
}

static void test_key_fields(void **state)
{
	enum ir_field f[IR_MAX_FIELDS];

	assert_int_equal(ir_key_fields(IR_KEY_IFNAME, f), 1);
	assert_int_equal(f[0], IR_F_IFNAME);
	assert_int_equal(ir_key_fields(IR_KEY_PORT, f), 1);
	assert_int_equal(f[0], IR_F_PORT);
	assert_int_equal(ir_key_fields(IR_KEY_IP6, f), 1);
	assert_int_equal(f[0], IR_F_IP6);
	assert_int_equal(ir_key_fields(IR_KEY_IP4_PORTS, f), 5);
	assert_int_equal(f[0], IR_F_IP4);
	assert_int_equal(f[1], IR_F_PROTO);
	assert_int_equal(f[2], IR_F_PORT);
	assert_int_equal(f[3], IR_F_IP4);
	assert_int_equal(f[4], IR_F_PORT);
	assert_int_equal(ir_key_fields(IR_KEY_IP6_NOPORT, f), 3);
	assert_int_equal(f[0], IR_F_IP6);
	assert_int_equal(f[1], IR_F_IP6);
	assert_int_equal(f[2], IR_F_PROTO);
	assert_int_equal(ir_key_fields(IR_KEY_IP4_DPORT, f), 3);
	assert_int_equal(f[0], IR_F_IP4);
	assert_int_equal(f[1], IR_F_PROTO);
	assert_int_equal(f[2], IR_F_PORT);
	assert_int_equal(ir_key_fields(IR_KEY_IP6_PROTO, f), 2);
	assert_int_equal(f[0], IR_F_IP6);
	assert_int_equal(f[1], IR_F_PROTO);
	assert_int_equal(ir_field_len(IR_F_IFNAME), 16);
	assert_int_equal(ir_field_len(IR_F_IP4), 4);
	assert_int_equal(ir_field_len(IR_F_IP6), 16);
	assert_int_equal(ir_field_len(IR_F_PROTO), 1);
	assert_int_equal(ir_field_len(IR_F_PORT), 2);
}

static void test_build_sort_find(void **state)
{
	struct ir_table t;
	struct ir_set *s;
	struct ir_elem *e;

	ir_table_init(&t, "sgd", IR_MODE_HOST);
	assert_string_equal(t.name, "sgd");
	assert_non_null(ir_set_add(&t, "zz", IR_KEY_IP4));
	s = ir_set_add(&t, "aa", IR_KEY_IP4);
	assert_non_null(s);
	e = ir_elem_add(s);
	ip4(&e->f[0], 10, 0, 0, 0, 10, 255, 255, 255);
	e = ir_elem_add(s);
	ip4(&e->f[0], 1, 0, 0, 0, 1, 0, 0, 9);
	e = ir_elem_add(s);
	ip4(&e->f[0], 1, 0, 0, 0, 1, 0, 0, 0);
	assert_non_null(ir_chain_add(&t, "b", IR_HOOK_NONE));
	assert_non_null(ir_chain_add(&t, "a", IR_HOOK_INPUT));
	ir_sort(&t);
	assert_string_equal(t.sets[0].name, "aa");
	assert_string_equal(t.sets[1].name, "zz");
	assert_string_equal(t.chains[0].name, "a");
	s = &t.sets[0];
	assert_int_equal(s->elems[0].f[0].lo[0], 1);
	assert_int_equal(s->elems[0].f[0].hi[3], 0); /* 1.0.0.0-1.0.0.0 before 1.0.0.0-1.0.0.9 */
	assert_int_equal(s->elems[1].f[0].hi[3], 9);
	assert_int_equal(s->elems[2].f[0].lo[0], 10);
	assert_ptr_equal(ir_set_find(&t, "zz"), &t.sets[1]);
	assert_null(ir_set_find(&t, "nope"));
	assert_ptr_equal(ir_chain_find(&t, "b"), &t.chains[1]);
	assert_null(ir_chain_find(&t, "c"));
	ir_table_free(&t);
}

static void test_equal(void **state)
{
	struct ir_elem a, b;
	struct ir_chain c1, c2;
	struct ir_rule *r;
	struct ir_match *m;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ip4(&a.f[0], 1, 2, 3, 4, 1, 2, 3, 4);
	ip4(&b.f[0], 1, 2, 3, 4, 1, 2, 3, 4);
	assert_true(ir_elem_equal(IR_KEY_IP4, &a, &b));
	a.comment = "sgr-1";
	assert_false(ir_elem_equal(IR_KEY_IP4, &a, &b));
	b.comment = "sgr-1";
	assert_true(ir_elem_equal(IR_KEY_IP4, &a, &b));
	b.f[0].hi[3] = 5;
	assert_false(ir_elem_equal(IR_KEY_IP4, &a, &b));

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	strcpy(c1.name, "x");
	strcpy(c2.name, "x");
	for (int i = 0; i < 2; i++) {
		r = ir_rule_add(i ? &c2 : &c1);
		m = ir_match_add(r, IR_M_SADDR_SET);
		m->family = 4;
		strcpy(m->set, "m4-sg-a");
		r->verdict.kind = IR_V_JUMP;
		strcpy(r->verdict.target, "g");
	}
	assert_true(ir_chain_equal(&c1, &c2));
	strcpy(c2.rules[0].verdict.target, "h");
	assert_false(ir_rule_equal(&c1.rules[0], &c2.rules[0]));
	assert_false(ir_chain_equal(&c1, &c2));
	strcpy(c2.rules[0].verdict.target, "g");
	c2.rules[0].counter = true;
	assert_false(ir_chain_equal(&c1, &c2));
	c2.rules[0].counter = false;
	assert_non_null(ir_rule_add(&c2));
	assert_false(ir_chain_equal(&c1, &c2));
	free(c1.rules);
	free(c2.rules);
}

static void test_match_limit(void **state)
{
	struct ir_rule r;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < IR_MAX_MATCH; i++)
		assert_non_null(ir_match_add(&r, IR_M_NFPROTO));
	assert_null(ir_match_add(&r, IR_M_NFPROTO));
}

static void test_render(void **state)
{
	struct ir_table t;
	struct ir_set *s;
	struct ir_elem *e;
	struct ir_chain *c;
	struct ir_rule *r;
	struct ir_match *m;
	char *txt;

	ir_table_init(&t, "sgd", IR_MODE_ROUTED);
	s = ir_set_add(&t, "nics", IR_KEY_IFNAME);
	e = ir_elem_add(s);
	strcpy((char *)e->f[0].lo, "veth3");
	e->data.kind = IR_V_JUMP;
	strcpy(e->data.target, "nic-eni-1");
	s = ir_set_add(&t, "c4p-x", IR_KEY_IP4_PORTS);
	e = ir_elem_add(s);
	ip4(&e->f[0], 10, 0, 0, 0, 10, 255, 255, 255);
	e->f[1].lo[0] = e->f[1].hi[0] = 6;
	e->f[2].hi[0] = e->f[2].hi[1] = 0xff;
	ip4(&e->f[3], 192, 0, 2, 1, 192, 0, 2, 7);
	e->f[4].lo[1] = e->f[4].hi[1] = 22;
	e->comment = strdup("sgr-1");
	c = ir_chain_add(&t, "hook", IR_HOOK_FORWARD);
	r = ir_rule_add(c);
	strcpy(ir_match_add(r, IR_M_IFNAME_VMAP)->set, "nics");
	c = ir_chain_add(&t, "g", IR_HOOK_NONE);
	r = ir_rule_add(c);
	ir_match_add(r, IR_M_NFPROTO)->family = 4;
	m = ir_match_add(r, IR_M_TUPLE_SET);
	m->family = 4;
	strcpy(m->set, "c4p-x");
	r->verdict.kind = IR_V_ACCEPT;
	r = ir_rule_add(c);
	ir_match_add(r, IR_M_CT_STATE)->ct_state = IR_CT_ESTABLISHED | IR_CT_RELATED;
	r->verdict.kind = IR_V_ACCEPT;
	r = ir_rule_add(c);
	r->counter = true;
	r->verdict.kind = IR_V_DROP;
	r->comment = strdup("default drop");
	ir_sort(&t);
	txt = ir_table_render(&t);
	assert_non_null(txt);
	golden_check("ir-render.nft", txt);
	free(txt);
	ir_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_fields),
		cmocka_unit_test(test_key_exprs),
		cmocka_unit_test(test_build_sort_find),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
