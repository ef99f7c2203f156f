/* test_compile_overlap.c - overlapping permissions of one bucket become
 * disjoint set elements covering exactly their union, and revoking one
 * leaves exactly the coverage of the others. */
#include "compile_fixture.h"

/* The bucket's IPv4 set with or without ports, in whichever key shape the
 * compiler chose (full with DestCidrIp / SourcePortRange, else short). */
static const char *set4(const struct ir_table *t, bool ported)
{
	const char *full = ported ? "c4p-sg-a-p1-a" : "c4n-sg-a-p1-a";
	const char *brief = ported ? "c4q-sg-a-p1-a" : "c4m-sg-a-p1-a";

	if (ir_set_find(t, full) && ir_set_find(t, brief))
		fail_msg("both %s and %s", full, brief);
	return ir_set_find(t, full) ? full : brief;
}

static void setup_model(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1", "sg-a");
}

static const char *samples[] = {
	"0.0.0.0", "9.255.255.255", "10.0.0.0", "10.1.2.3", "10.255.255.255", "11.0.0.0",
	"192.0.2.1", "255.255.255.255",
};

/* Every sample source to port 22 and 23: hits must be 1 iff want(addr, port). */
static void check_coverage(const struct ir_table *t, bool (*want)(const char *, unsigned))
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		for (unsigned port = 21; port <= 23; port++) {
			struct fx_point p = fx_pt5(samples[i], 6, 40000, "192.0.2.1", port);
			int h = fx_hits(t, set4(t, true), &p);

			if (h != (want(samples[i], port) ? 1 : 0))
				fail_msg("%s:%u hit %d times", samples[i], port, h);
		}
}

static bool want_both(const char *a, unsigned port)
{
	return port == 22;
}

static bool want_ten(const char *a, unsigned port)
{
	return port == 22 && strncmp(a, "10.", 3) == 0;
}

static void overlap_case(bool wide_first)
{
	struct sg_model m;
	struct ir_table t;

	setup_model(&m);
	if (wide_first) {
		fx_rule(&m, "sg-a", (struct fx_perm){ .id = "wide", .cidr = "0.0.0.0/0", .ports = "22/22" });
		fx_rule(&m, "sg-a", (struct fx_perm){ .id = "ten", .cidr = "10.0.0.0/8", .ports = "22/22" });
	} else {
		fx_rule(&m, "sg-a", (struct fx_perm){ .id = "ten", .cidr = "10.0.0.0/8", .ports = "22/22" });
		fx_rule(&m, "sg-a", (struct fx_perm){ .id = "wide", .cidr = "0.0.0.0/0", .ports = "22/22" });
	}
	fx_compile(&m, IR_MODE_HOST, &t);
	fx_assert_disjoint(&t);
	check_coverage(&t, want_both);
	/* the earlier rule keeps its element whole */
	assert_int_equal(ir_set_find(&t, set4(&t, true))->nelems, wide_first ? 1 : 3);
	ir_table_free(&t);

	/* revoke the wide one: exactly 10/8 stays */
	fx_rule_del(&m, "sg-a", "wide");
	fx_compile(&m, IR_MODE_HOST, &t);
	fx_assert_disjoint(&t);
	check_coverage(&t, want_ten);
	assert_int_equal(ir_set_find(&t, set4(&t, true))->nelems, 1);
	assert_string_equal(ir_set_find(&t, set4(&t, true))->elems[0].comment, "ten");
	ir_table_free(&t);
	sg_model_free(&m);
}

static void test_overlap_wide_first(void **state)
{
	overlap_case(true);
}

static void test_overlap_narrow_first(void **state)
{
	overlap_case(false);
}

static void test_revoke_narrow_keeps_wide(void **state)
{
	struct sg_model m;
	struct ir_table t;

	setup_model(&m);
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "ten", .cidr = "10.0.0.0/8", .ports = "22/22" });
	fx_rule(&m, "sg-a", (struct fx_perm){ .id = "wide", .cidr = "0.0.0.0/0", .ports = "22/22" });
	fx_rule_del(&m, "sg-a", "ten");
	fx_compile(&m, IR_MODE_HOST, &t);
	check_coverage(&t, want_both);
	assert_int_equal(ir_set_find(&t, set4(&t, true))->nelems, 1);
	assert_string_equal(ir_set_find(&t, set4(&t, true))->elems[0].comment, "wide");
	ir_table_free(&t);
	sg_model_free(&m);
}

/* ---- randomized: many overlapping boxes in a small space ---- */

static bool in_addr(const struct sg_addr_range *r, const uint8_t *a)
{
	return memcmp(a, r->lo, 4) >= 0 && memcmp(a, r->hi, 4) <= 0;
}

static bool rule_covers(const struct sg_rule *r, const uint8_t *s, unsigned proto, unsigned sport,
			const uint8_t *d, unsigned dport, bool ported)
{
	if (!in_addr(&r->src, s) || (r->has_dst && !in_addr(&r->dst, d)))
		return false;
	if (ported) {
		if (r->proto != (int)proto || r->port_list_id[0])
			return false;
		if (r->has_sport && !r->sport.any && (sport < r->sport.lo || sport > r->sport.hi))
			return false;
		return r->dport.any || (dport >= r->dport.lo && dport <= r->dport.hi);
	}
	if (r->proto == SG_PROTO_ALL)
		return true;
	return r->proto == (int)proto;
}

static void random_text(char *buf, size_t len, const char *net, int base)
{
	int plen = 24 + rand() % 9;

	snprintf(buf, len, "%s.%d/%d", net, (rand() % 256) & ~((1 << (32 - plen)) - 1) & 0xff, plen);
	(void)base;
}

static void add_random_rules(struct sg_model *m, int n, bool ported)
{
	static const int protos[] = { SG_PROTO_ALL, SG_PROTO_ICMP, SG_PROTO_GRE, 132 };

	for (int i = 0; i < n; i++) {
		char src[40], dst[40], ports[16], sports[16];
		struct fx_perm p = { 0 };
		int a = rand() % 20, b = a + rand() % 6;

		random_text(src, sizeof(src), "192.0.2", 0);
		p.cidr = src;
		if (rand() % 2) {
			snprintf(dst, sizeof(dst), "198.51.100.%d/%d", (rand() % 4) * 2, 31 - rand() % 2);
			p.dst = dst;
		}
		if (ported) {
			p.proto = rand() % 2 ? SG_PROTO_TCP : SG_PROTO_UDP;
			snprintf(ports, sizeof(ports), "%d/%d", a + 1, b + 1);
			p.ports = ports;
			if (rand() % 3 == 0) {
				a = rand() % 20;
				snprintf(sports, sizeof(sports), "%d/%d", a + 1, a + 1 + rand() % 4);
				p.sports = sports;
			}
		} else {
			p.proto = protos[rand() % 4];
		}
		fx_rule(m, "sg-a", p);
	}
}

/* Compare the compiled set with the model's rules on a grid of points. */
static void check_random(const struct sg_model *m, const struct ir_table *t, bool ported)
{
	const struct sg_group *g = &m->groups[0];
	const char *set = set4(t, ported);
	long checked = 0;

	for (int s = 0; s < 256; s += 3) {
		for (int d = 0; d < 9; d++) {
			uint8_t sa[4] = { 192, 0, 2, s }, da[4] = { 198, 51, 100, d };
			char st[32], dt[32];

			snprintf(st, sizeof(st), "192.0.2.%d", s);
			snprintf(dt, sizeof(dt), "198.51.100.%d", d);
			for (int k = 0; k < (ported ? 40 : 4); k++) {
				unsigned proto, sport = 0, dport = 0;
				struct fx_point p;
				bool want = false;

				if (ported) {
					proto = k % 2 ? 6 : 17;
					sport = (k * 7) % 27;
					dport = (k / 2) % 27;
					p = fx_pt5(st, proto, sport, dt, dport);
				} else {
					static const unsigned pr[] = { 1, 47, 132, 6 };

					proto = pr[k];
					p = fx_pt3(st, dt, proto);
				}
				for (size_t i = 0; i < g->nrules && !want; i++)
					want = rule_covers(&g->rules[i], sa, proto, sport, da, dport, ported);
				if (fx_hits(t, set, &p) != (want ? 1 : 0))
					fail_msg("%s . %u . %u . %s . %u: %d hits, want %d", st, proto, sport, dt,
						 dport, fx_hits(t, set, &p), want);
				checked++;
			}
		}
	}
	assert_true(checked > 1000);
}

static void random_case(bool ported)
{
	struct sg_model m;
	struct ir_table t;

	srand(ported ? 12345 : 54321);
	setup_model(&m);
	add_random_rules(&m, 60, ported);
	fx_compile(&m, IR_MODE_HOST, &t);
	fx_assert_disjoint(&t);
	check_random(&m, &t, ported);
	ir_table_free(&t);
	/* revoke every third rule: the rest keep exactly their coverage */
	struct sg_group *g = &m.groups[0];

	for (size_t i = g->nrules; i-- > 0;)
		if (i % 3 == 0)
			sg_rule_del(g, &g->rules[i]);
	fx_compile(&m, IR_MODE_HOST, &t);
	fx_assert_disjoint(&t);
	check_random(&m, &t, ported);
	ir_table_free(&t);
	sg_model_free(&m);
}

static void test_random_ported(void **state)
{
	random_case(true);
}

static void test_random_portless(void **state)
{
	random_case(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_wide_first),
		cmocka_unit_test(test_overlap_narrow_first),
		cmocka_unit_test(test_revoke_narrow_keeps_wide),
		cmocka_unit_test(test_random_ported),
		cmocka_unit_test(test_random_portless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
