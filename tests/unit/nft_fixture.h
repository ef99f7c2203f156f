/* nft_fixture.h - the fixed IR table the nft/ tests start from: every key
 * shape, every match kind, both verdict forms; build(t, true) is the same
 * table after a few edits (for sgnft_apply).  Shared by test_nft.c (against
 * the kernel, as root) and test_golden.c (the netlink batch as golden text,
 * no root).  Header-only. */
#ifndef SGD_TEST_NFT_FIXTURE_H
#define SGD_TEST_NFT_FIXTURE_H

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sgd/ir.h"

/* ---- IR helpers ---- */

static inline void r_cidr(struct ir_range *r, const char *cidr)
{
	char a[64];
	const char *slash = strchr(cidr, '/');
	int af = strchr(cidr, ':') ? AF_INET6 : AF_INET;
	int bits = af == AF_INET6 ? 128 : 32;
	int plen = slash ? atoi(slash + 1) : bits;

	snprintf(a, sizeof(a), "%.*s", slash ? (int)(slash - cidr) : (int)strlen(cidr), cidr);
	memset(r, 0, sizeof(*r));
	assert_int_equal(inet_pton(af, a, r->lo), 1);
	memcpy(r->hi, r->lo, 16);
	for (int i = plen; i < bits; i++) {
		r->lo[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		r->hi[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
}

static inline void r_addr_range(struct ir_range *r, const char *lo, const char *hi)
{
	int af = strchr(lo, ':') ? AF_INET6 : AF_INET;

	memset(r, 0, sizeof(*r));
	assert_int_equal(inet_pton(af, lo, r->lo), 1);
	assert_int_equal(inet_pton(af, hi, r->hi), 1);
}

static inline void r_port(struct ir_range *r, unsigned lo, unsigned hi)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = (uint8_t)(lo >> 8);
	r->lo[1] = (uint8_t)lo;
	r->hi[0] = (uint8_t)(hi >> 8);
	r->hi[1] = (uint8_t)hi;
}

static inline void r_u8(struct ir_range *r, unsigned lo, unsigned hi)
{
	memset(r, 0, sizeof(*r));
	r->lo[0] = (uint8_t)lo;
	r->hi[0] = (uint8_t)hi;
}

static inline struct ir_elem *elem(struct ir_set *s, const char *comment)
{
	struct ir_elem *e = ir_elem_add(s);

	assert_non_null(e);
	if (comment)
		e->comment = strdup(comment);
	return e;
}

/* saddr . proto . sport . daddr . dport */
static inline void tuple5(struct ir_set *s, const char *src, unsigned proto, unsigned splo,
		   unsigned sphi, const char *dst, unsigned dplo, unsigned dphi, const char *c)
{
	struct ir_elem *e = elem(s, c);

	r_cidr(&e->f[0], src);
	r_u8(&e->f[1], proto, proto);
	r_port(&e->f[2], splo, sphi);
	r_cidr(&e->f[3], dst);
	r_port(&e->f[4], dplo, dphi);
}

/* saddr . daddr . proto */
static inline void tuple3(struct ir_set *s, const char *src, const char *dst, unsigned proto)
{
	struct ir_elem *e = elem(s, NULL);

	r_cidr(&e->f[0], src);
	r_cidr(&e->f[1], dst);
	r_u8(&e->f[2], proto, proto);
}

/* short keys: saddr . proto . dport, and saddr . proto */
static inline void tuple_dport(struct ir_set *s, const char *src, unsigned proto, unsigned dplo, unsigned dphi,
			const char *c)
{
	struct ir_elem *e = elem(s, c);

	r_cidr(&e->f[0], src);
	r_u8(&e->f[1], proto, proto);
	r_port(&e->f[2], dplo, dphi);
}

static inline void tuple_proto(struct ir_set *s, const char *src, unsigned plo, unsigned phi)
{
	struct ir_elem *e = elem(s, NULL);

	r_cidr(&e->f[0], src);
	r_u8(&e->f[1], plo, phi);
}

static inline struct ir_match *m_add(struct ir_rule *r, enum ir_match_kind k)
{
	struct ir_match *m = ir_match_add(r, k);

	assert_non_null(m);
	return m;
}

static inline void m_nfproto(struct ir_rule *r, int family)
{
	m_add(r, IR_M_NFPROTO)->family = (uint8_t)family;
}

static inline void m_set(struct ir_rule *r, enum ir_match_kind k, int family, const char *set)
{
	struct ir_match *m = m_add(r, k);

	m->family = (uint8_t)family;
	snprintf(m->set, sizeof(m->set), "%s", set);
}

static inline struct ir_rule *rule(struct ir_chain *c, enum ir_verdict_kind v, const char *comment)
{
	struct ir_rule *r = ir_rule_add(c);

	assert_non_null(r);
	r->verdict.kind = v;
	if (comment)
		r->comment = strdup(comment);
	return r;
}

static inline void nic_rules(struct ir_chain *c, bool changed)
{
	struct ir_rule *r;
	struct ir_match *m;

	r = rule(c, IR_V_ACCEPT, "sgr-2 prefix list and port list");
	m_nfproto(r, 4);
	m_set(r, IR_M_SADDR_SET, 4, "pl_v4");
	r_u8(&m_add(r, IR_M_L4PROTO)->range, 6, 6);
	m_set(r, IR_M_DPORT_SET, 0, "ports");

	r = rule(c, IR_V_ACCEPT, NULL);
	m_nfproto(r, 6);
	m_set(r, IR_M_SADDR_SET, 6, "pl_v6");

	r = rule(c, IR_V_ACCEPT, "sgr-1");
	r->counter = true;
	m_nfproto(r, 4);
	m_set(r, IR_M_TUPLE_SET, 4, "t4");

	r = rule(c, IR_V_DROP, "sgr-6");
	m_nfproto(r, 6);
	m_set(r, IR_M_TUPLE_SET, 6, "t6");

	r = rule(c, IR_V_ACCEPT, "sgr-n4");
	m_nfproto(r, 4);
	m_set(r, IR_M_TUPLE_SET, 4, "n4");

	if (!changed) {
		r = rule(c, IR_V_ACCEPT, "sgr-n6");
		m_nfproto(r, 6);
		m_set(r, IR_M_TUPLE_SET, 6, "n6");
	}

	r = rule(c, IR_V_ACCEPT, "sgr-q4");
	m_nfproto(r, 4);
	m_set(r, IR_M_TUPLE_SET, 4, "q4");
	r = rule(c, IR_V_DROP, "sgr-q6");
	m_nfproto(r, 6);
	m_set(r, IR_M_TUPLE_SET, 6, "q6");
	r = rule(c, IR_V_ACCEPT, "sgr-m4");
	m_nfproto(r, 4);
	m_set(r, IR_M_TUPLE_SET, 4, "m4");
	r = rule(c, IR_V_ACCEPT, "sgr-m6");
	m_nfproto(r, 6);
	m_set(r, IR_M_TUPLE_SET, 6, "m6");

	r = rule(c, IR_V_ACCEPT, "sgr-7 quintuple");
	m_nfproto(r, 4);
	m = m_add(r, IR_M_SADDR);
	m->family = 4;
	r_cidr(&m->range, "203.0.113.0/24");
	m = m_add(r, IR_M_DADDR);
	m->family = 4;
	r_cidr(&m->range, "192.0.2.1");
	r_u8(&m_add(r, IR_M_L4PROTO)->range, 17, 17);
	r_port(&m_add(r, IR_M_SPORT)->range, 1000, 2000);
	r_port(&m_add(r, IR_M_DPORT)->range, changed ? 5353 : 53, changed ? 5353 : 53);

	r = rule(c, IR_V_ACCEPT, "sgr-8 v6 range");
	m_nfproto(r, 6);
	m = m_add(r, IR_M_SADDR);
	m->family = 6;
	r_cidr(&m->range, "2001:db8::/32");
	m = m_add(r, IR_M_DADDR);
	m->family = 6;
	r_addr_range(&m->range, "2001:db8::1", "2001:db8::5");
	r_u8(&m_add(r, IR_M_L4PROTO)->range, 6, 17);
	r_port(&m_add(r, IR_M_DPORT)->range, 443, 443);

	r = rule(c, IR_V_DROP, "default drop");
	r->counter = true;
}

/* The table every test starts from; `changed` is the same table after a
 * few edits (for sgnft_apply): an element more and one less, a new set and
 * chain, changed rules, set n6 gone. */
static inline void build(struct ir_table *t, bool changed)
{
	struct ir_set *s;
	struct ir_chain *c;
	struct ir_elem *e;
	struct ir_rule *r;
	struct ir_match *m;

	ir_table_init(t, "sgd", IR_MODE_HOST);

	s = ir_set_add(t, "nics", IR_KEY_IFNAME);
	e = elem(s, NULL);
	strcpy((char *)e->f[0].lo, "veth0");
	e->data.kind = IR_V_JUMP;
	strcpy(e->data.target, "nic_veth0");
	if (changed) {
		e = elem(s, NULL);
		strcpy((char *)e->f[0].lo, "veth1");
		e->data.kind = IR_V_JUMP;
		strcpy(e->data.target, "nic_veth1");
	}

	s = ir_set_add(t, "pl_v4", IR_KEY_IP4);
	s->comment = strdup("pl-1 office");
	r_cidr(&elem(s, "entry a")->f[0], "10.0.0.0/8");
	if (!changed)
		r_addr_range(&elem(s, NULL)->f[0], "192.0.2.0", "192.0.2.100");
	if (!changed) /* open interval (no end element): deleted by its start */
		r_cidr(&elem(s, "top")->f[0], "255.255.255.0/24");

	s = ir_set_add(t, "any4", IR_KEY_IP4);
	r_cidr(&elem(s, NULL)->f[0], "0.0.0.0/0");
	s = ir_set_add(t, "anyport", IR_KEY_PORT);
	r_port(&elem(s, NULL)->f[0], 0, 65535);

	s = ir_set_add(t, "pl_v6", IR_KEY_IP6);
	r_cidr(&elem(s, NULL)->f[0], "2001:db8::/32");

	s = ir_set_add(t, "ports", IR_KEY_PORT);
	r_port(&elem(s, NULL)->f[0], 22, 22);
	r_port(&elem(s, NULL)->f[0], 8000, 8080);
	r_port(&elem(s, NULL)->f[0], 65000, 65535);

	s = ir_set_add(t, "t4", IR_KEY_IP4_PORTS);
	tuple5(s, "10.0.0.0/8", 6, 0, 65535, "192.0.2.1", 22, 22, "sgr-1");
	tuple5(s, "198.51.100.7", 17, 0, 65535, "0.0.0.0/0", 53, 53, "sgr-3");
	if (changed)
		tuple5(s, "203.0.113.0/24", 6, 1024, 65535, "192.0.2.2", 80, 89, "sgr-9");

	s = ir_set_add(t, "t6", IR_KEY_IP6_PORTS);
	tuple5(s, "2001:db8::/32", 17, 0, 65535, "2001:db8::1", 53, 53, "sgr-6");

	s = ir_set_add(t, "q4", IR_KEY_IP4_DPORT);
	tuple_dport(s, "10.0.0.0/8", 6, 22, 22, "sgr-q4a");
	tuple_dport(s, "198.51.100.7", 17, 1000, 2000, NULL);
	if (changed)
		tuple_dport(s, "203.0.113.0/24", 6, 80, 89, "sgr-q4b");
	s = ir_set_add(t, "q6", IR_KEY_IP6_DPORT);
	tuple_dport(s, "2001:db8::/32", 17, 53, 53, NULL);
	s = ir_set_add(t, "m4", IR_KEY_IP4_PROTO);
	tuple_proto(s, "198.51.100.0/24", 1, 1);
	tuple_proto(s, "203.0.113.5", 0, 255);
	s = ir_set_add(t, "m6", IR_KEY_IP6_PROTO);
	tuple_proto(s, "2001:db8:1::/48", 58, 58);

	s = ir_set_add(t, "n4", IR_KEY_IP4_NOPORT);
	tuple3(s, "198.51.100.0/24", "0.0.0.0/0", 1);
	tuple3(s, "203.0.113.5", "192.0.2.0/25", 47);

	if (!changed) {
		s = ir_set_add(t, "n6", IR_KEY_IP6_NOPORT);
		tuple3(s, "2001:db8:1::/48", "::/0", 58);
	} else {
		s = ir_set_add(t, "extra", IR_KEY_PORT);
		r_port(&elem(s, NULL)->f[0], 3000, 3999);
	}

	c = ir_chain_add(t, "input", IR_HOOK_INPUT);
	r = rule(c, IR_V_ACCEPT, NULL);
	r->counter = true;
	m_add(r, IR_M_CT_STATE)->ct_state = IR_CT_ESTABLISHED | IR_CT_RELATED;
	r = rule(c, IR_V_DROP, NULL);
	m_add(r, IR_M_CT_STATE)->ct_state = IR_CT_INVALID;
	r = rule(c, IR_V_ACCEPT, "platform nd");
	m_nfproto(r, 6);
	r_u8(&m_add(r, IR_M_L4PROTO)->range, 58, 58);
	r_u8(&m_add(r, IR_M_ICMP6_TYPE)->range, 133, 137);
	r = rule(c, IR_V_NONE, "dispatch");
	m = m_add(r, IR_M_IFNAME_VMAP);
	strcpy(m->set, "nics");

	c = ir_chain_add(t, "nic_veth0", IR_HOOK_NONE);
	nic_rules(c, changed);
	if (changed) {
		c = ir_chain_add(t, "nic_veth1", IR_HOOK_NONE);
		r = rule(c, IR_V_ACCEPT, "sgr-10");
		m_set(r, IR_M_DPORT_SET, 0, "extra");
		rule(c, IR_V_DROP, "default drop");
	}
	ir_sort(t);
}

#endif
