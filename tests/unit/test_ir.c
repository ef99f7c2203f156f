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

/* The key-shape table is consistent: what compile/, nft/ and the renderer
 * read from it fits together. */
static void test_key_table(void **state)
{
	for (int k = 0; k < IR_KEY_COUNT; k++) {
		const struct ir_key_desc *d = ir_key_desc((enum ir_key)k);
		const struct ir_key_desc *full;

		assert_non_null(d);
		assert_true(d->nfields >= 1 && d->nfields <= IR_MAX_FIELDS);
		/* names are unique */
		for (int j = 0; j < k; j++)
			assert_string_not_equal(ir_key_desc((enum ir_key)j)->name, d->name);
		/* nft records a concatenation's byte order as invalid */
		assert_int_equal(d->byteorder == IR_BO_INVALID, d->nfields > 1);
		assert_false(d->map && d->tuple);
		for (int i = 0; i < d->nfields; i++) {
			const struct ir_field_desc *f = ir_field_desc(d->field[i]);

			assert_non_null(f);
			if (f->family)
				assert_int_equal(f->family, d->family);
			if (!d->tuple)
				continue;
			/* the packet expression loads exactly the field */
			const struct ir_pkt_desc *p = ir_pkt_desc(d->expr[i]);

			assert_non_null(p);
			assert_int_equal(p->len[d->family == 6], f->len);
			if (d->field[i] == IR_F_PROTO)
				assert_int_equal(d->expr[i], IR_P_L4PROTO);
			else if (d->field[i] == IR_F_PORT)
				assert_true(d->expr[i] == IR_P_SPORT || d->expr[i] == IR_P_DPORT);
			else
				assert_true(d->expr[i] == IR_P_SADDR || d->expr[i] == IR_P_DADDR);
		}
		if (!d->tuple) {
			assert_int_equal(d->full, k);
			assert_int_equal(d->shorter, k);
			continue;
		}
		assert_true(d->family == 4 || d->family == 6);
		/* the set names say the shape */
		assert_int_equal(d->name[1], d->family == 6 ? '6' : '4');
		assert_int_equal(ir_key_from_set_name(d->name, d->family), k);
		/* a short shape is its full one's fields at from[] */
		full = ir_key_desc(d->full);
		assert_true(full->nfields >= d->nfields);
		assert_int_equal(full->family, d->family);
		assert_int_equal(full->full, d->full);
		if ((int)d->full != k)
			assert_int_equal(full->shorter, k);
		for (int i = 0; i < d->nfields; i++) {
			assert_int_equal(d->field[i], full->field[d->from[i]]);
			assert_int_equal(d->expr[i], full->expr[d->from[i]]);
		}
	}
	assert_true(ir_key_desc(IR_KEY_IFNAME)->map);
	assert_null(ir_key_desc(IR_KEY_COUNT));
	assert_int_equal(ir_key_addr(4), IR_KEY_IP4);
	assert_int_equal(ir_key_addr(6), IR_KEY_IP6);
	assert_int_equal(ir_key_from_set_name("x", 6), IR_KEY_IP6_PORTS);
	assert_int_equal(ir_key_from_set_name("c4q-sg-a-p1-a", 4), IR_KEY_IP4_DPORT);
	assert_int_equal(ir_key_from_set_name("c6m-sg-a-p1-a", 6), IR_KEY_IP6_PROTO);
}

/* The one prefix-length routine and the one element formatter. */
static void test_prefix_and_format(void **state)
{
	struct ir_range r;
	struct ir_elem e;
	uint8_t m[4];
	char buf[IR_ELEM_TEXT_MAX];

	ip4(&r, 10, 0, 0, 0, 10, 255, 255, 255);
	assert_int_equal(ir_prefix_len(r.lo, r.hi, 4), 8);
	ir_prefix_mask(8, m, 4);
	assert_memory_equal(m, ((uint8_t[]){ 0xff, 0, 0, 0 }), 4);
	ir_prefix_mask(23, m, 4);
	assert_memory_equal(m, ((uint8_t[]){ 0xff, 0xff, 0xfe, 0 }), 4);
	ip4(&r, 1, 2, 3, 4, 1, 2, 3, 4);
	assert_int_equal(ir_prefix_len(r.lo, r.hi, 4), 32);
	ip4(&r, 0, 0, 0, 0, 255, 255, 255, 255);
	assert_int_equal(ir_prefix_len(r.lo, r.hi, 4), 0);
	ip4(&r, 192, 0, 2, 1, 192, 0, 2, 7);
	assert_int_equal(ir_prefix_len(r.lo, r.hi, 4), -1);
	ip4(&r, 10, 0, 0, 0, 10, 0, 1, 254); /* hi not all ones */
	assert_int_equal(ir_prefix_len(r.lo, r.hi, 4), -1);

	memset(&e, 0, sizeof(e));
	ip4(&e.f[0], 10, 0, 0, 0, 10, 255, 255, 255);
	e.f[1].lo[0] = e.f[1].hi[0] = 6;
	e.f[2].hi[0] = e.f[2].hi[1] = 0xff;
	ip4(&e.f[3], 192, 0, 2, 1, 192, 0, 2, 7);
	e.f[4].lo[1] = e.f[4].hi[1] = 22;
	assert_int_equal(ir_elem_format(IR_KEY_IP4_PORTS, &e, buf, sizeof(buf)),
			 (int)strlen("10.0.0.0/8 . tcp . 0-65535 . 192.0.2.1-192.0.2.7 . 22"));
	assert_string_equal(buf, "10.0.0.0/8 . tcp . 0-65535 . 192.0.2.1-192.0.2.7 . 22");
	/* snprintf-like: cut, NUL terminated, the whole length returned */
	assert_int_equal(ir_elem_format(IR_KEY_IP4_PORTS, &e, buf, 12), 53);
	assert_string_equal(buf, "10.0.0.0/8 ");
	e.f[1].lo[0] = 0;
	e.f[1].hi[0] = 255;
	ir_elem_format(IR_KEY_IP4_PROTO, &e, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8 . 0-255");
	e.f[1].lo[0] = e.f[1].hi[0] = 132;
	ir_elem_format(IR_KEY_IP4_PROTO, &e, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8 . 132");

	memset(&e, 0, sizeof(e));
	strcpy((char *)e.f[0].lo, "veth3");
	ir_elem_format(IR_KEY_IFNAME, &e, buf, sizeof(buf));
	assert_string_equal(buf, "\"veth3\"");
	e.data.kind = IR_V_GOTO;
	strcpy(e.data.target, "nic-eni-1");
	ir_elem_format(IR_KEY_IFNAME, &e, buf, sizeof(buf));
	assert_string_equal(buf, "\"veth3\" : goto nic-eni-1");

	memset(&e, 0, sizeof(e));
	e.f[0].lo[15] = 1;
	memset(e.f[0].hi, 0xff, 16);
	e.f[0].hi[0] = 0x7f;
	ir_elem_format(IR_KEY_IP6, &e, buf, sizeof(buf));
	assert_string_equal(buf, "::1-7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	e.f[0].lo[15] = 0;
	ir_elem_format(IR_KEY_IP6, &e, buf, sizeof(buf));
	assert_string_equal(buf, "::/1");
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
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_prefix_and_format),
		cmocka_unit_test(test_build_sort_find),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_match_limit),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
