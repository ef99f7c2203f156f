/* test_incremental.c - issue 3 item 4 against the real kernel: adding one
 * rule, a member or a prefix-list entry is one small transaction whose size
 * does not depend on how many rules the interface already has.  Runs in a
 * private network namespace (unshare; needs root, fails loudly without). */
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include "compile_fixture.h"
#include "sgd/nft.h"

struct world {
	struct sg_model m;
	struct sgnft *nft;
	struct ir_table cur;
};

/* Apply the model's change since the last call; returns the batch size. */
static size_t sync_world(struct world *w)
{
	struct ir_table next;
	struct ir_changes ch = { 0 };
	char err[256] = "";
	fx_compile(&w->m, IR_MODE_HOST, &next);
	assert_int_equal(ir_diff(&w->cur, &next, &ch), 0);
	if (sgnft_apply(w->nft, &next, &ch, err, sizeof(err)) != 0)
		fail_msg("kernel refused: %s", err);
	ir_changes_free(&ch);
	ir_table_free(&w->cur);
	w->cur = next;
	return sgnft_last_batch_size(w->nft);
}

/* A NIC in 5 groups holding nrules CIDR rules in spread priorities. */
static void build(struct world *w, unsigned nrules)
{
	char err[256] = "";
	sg_model_init(&w->m);
	assert_int_equal(sgnft_open(&w->nft), 0);
	const char *groups[] = { "sg-a", "sg-b", "sg-c", "sg-d", "sg-e" };
	for (int i = 0; i < 5; i++)
		fx_group(&w->m, groups[i], SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(&w->m, "sg-src", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_prefix_list(&w->m, "pl-1", 4, "198.51.100.0/24");
	fx_nic(&w->m, "eni-1", "veth-t", "192.0.2.10", "sg-a,sg-b,sg-c,sg-d,sg-e");
	fx_nic(&w->m, "eni-2", "", "192.0.2.20", "sg-src");
	fx_rule(&w->m, "sg-a", (struct fx_perm){ .sg = "sg-src", .ports = "80/80", .prio = 3 });
	fx_rule(&w->m, "sg-a", (struct fx_perm){ .pl = "pl-1", .ports = "81/81", .prio = 3 });
	fx_rule(&w->m, "sg-a", (struct fx_perm){ .cidr = "172.17.0.0/16", .ports = "22/22", .prio = 1 });
	for (unsigned i = 0; i < nrules; i++) {
		char cidr[32], ports[16];
		snprintf(cidr, sizeof(cidr), "10.%u.%u.0/24", i / 256, i % 256);
		snprintf(ports, sizeof(ports), "%u/%u", 1000 + i % 500, 1000 + i % 500);
		fx_rule(&w->m, groups[i % 5], (struct fx_perm){ .cidr = cidr, .ports = ports,
			.prio = 1 + (int)(i % 100), .pol = i % 7 ? SG_POLICY_ACCEPT : SG_POLICY_DROP });
	}
	fx_compile(&w->m, IR_MODE_HOST, &w->cur);
	if (sgnft_replace(w->nft, &w->cur, err, sizeof(err)) != 0)
		fail_msg("replace refused: %s", err);
}

static void destroy(struct world *w)
{
	sgnft_delete_table(w->nft, "sgd");
	ir_table_free(&w->cur);
	sgnft_close(w->nft);
	sg_model_free(&w->m);
}

struct sizes {
	size_t rule, member, entry;
};

static struct sizes measure(unsigned nrules)
{
	struct world w;
	struct sizes s;
	build(&w, nrules);
	/* One more rule into an existing bucket (priority 1 accept of sg-a). */
	fx_rule(&w.m, "sg-a", (struct fx_perm){ .cidr = "172.16.0.0/16", .ports = "22/22", .prio = 1 });
	s.rule = sync_world(&w);
	/* A remote NIC joins the source group. */
	fx_nic(&w.m, "eni-3", "", "192.0.2.30", "sg-src");
	s.member = sync_world(&w);
	/* An entry added to the prefix list. */
	struct sg_prefix_entry e = { 0 };
	assert_int_equal(sg_addr_parse("203.0.113.0/24", &e.range), 0);
	assert_int_equal(sg_pl_entry_add(sg_pl_find(&w.m, "pl-1"), &e), 0);
	s.entry = sync_world(&w);
	destroy(&w);
	return s;
}

static void test_change_size_independent_of_rule_count(void **state)
{
	(void)state;
	struct sizes small = measure(10), big = measure(1000);
	printf("batch messages: +rule %zu/%zu, +member %zu/%zu, +prefix entry %zu/%zu (10/1000 rules)\n",
	       small.rule, big.rule, small.member, big.member, small.entry, big.entry);
	assert_int_equal(small.rule, big.rule);
	assert_int_equal(small.member, big.member);
	assert_int_equal(small.entry, big.entry);
	/* Each is a set element change, nothing else; a new bucket is more. */
	assert_true(small.rule >= 1 && small.rule <= 2);
	assert_true(small.member >= 1 && small.member <= 2);
	assert_true(small.entry >= 1 && small.entry <= 2);
}

/* Removing the last group-sourced rule of a NIC removes its per-family
 * chains and the bucket chain they jump to in one batch: the kernel must
 * accept it as it is (a chain deleted while another one being deleted
 * still jumps to it is EBUSY), with no full replacement to fall back on. */
static void test_removed_chains_in_one_batch(void **state)
{
	(void)state;
	struct world w;
	char err[256] = "";
	sg_model_init(&w.m);
	assert_int_equal(sgnft_open(&w.nft), 0);
	fx_group(&w.m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_DROP); /* no inner accept: the jump is alone */
	fx_group(&w.m, "sg-src", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(&w.m, "eni-1", "veth-t", "192.0.2.10", "sg-a");
	fx_nic(&w.m, "eni-2", "", "192.0.2.20", "sg-src");
	struct sg_rule *r = fx_rule(&w.m, "sg-a", (struct fx_perm){ .sg = "sg-src", .ports = "80/80", .prio = 3 });
	char rid[SG_ID_LEN];
	snprintf(rid, sizeof(rid), "%s", r->id);
	fx_compile(&w.m, IR_MODE_HOST, &w.cur);
	if (sgnft_replace(w.nft, &w.cur, err, sizeof(err)) != 0)
		fail_msg("replace refused: %s", err);
	fx_rule_del(&w.m, "sg-a", rid);
	sync_world(&w); /* fails the test if the kernel refuses the batch */
	destroy(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_size_independent_of_rule_count),
		cmocka_unit_test(test_removed_chains_in_one_batch),
	};
	if (geteuid() != 0) {
		fprintf(stderr, "test_incremental: FAILED: needs root (private network namespace)\n");
		return 1;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "test_incremental: FAILED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 1;
	}
	return cmocka_run_group_tests_name("incremental", tests, NULL, NULL);
}
