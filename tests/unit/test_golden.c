/* test_golden.c - the expected rulesets, as golden files in tests/golden/:
 *  - <model>.nft: ir_table_render() of the compiled fixed models
 *    (golden_models.h), and of the nft fixture (nft_fixture.h);
 *  - <model>.nftnl: the netlink batch nft/ builds for the same tables
 *    (sgnft_render_replace/_apply: each message parsed back and printed by
 *    libnftnl), so nft/ is pinned without root or a kernel.
 * SGD_GOLDEN_UPDATE=1 rewrites the files (see golden.h); review with git diff. */
#include "golden_models.h"
#include "golden.h"
#include "nft_fixture.h"
#include "sgd/nft.h"

static void check_table(const char *name, const struct ir_table *t)
{
	char file[256];
	char *txt;

	snprintf(file, sizeof(file), "%s.nft", name);
	txt = ir_table_render(t);
	golden_check(file, txt);
	free(txt);
	snprintf(file, sizeof(file), "%s.nftnl", name);
	txt = sgnft_render_replace(t);
	golden_check(file, txt);
	free(txt);
}

static void test_models(void **state)
{
	for (size_t i = 0; i < sizeof(golden_models) / sizeof(golden_models[0]); i++) {
		const struct golden_model *g = &golden_models[i];
		struct sg_model m;
		struct ir_table t;

		g->build(&m);
		fx_compile(&m, g->mode, &t);
		check_table(g->name, &t);
		ir_table_free(&t);
		sg_model_free(&m);
	}
}

/* A change list on compiled tables: the first rule that narrows the
 * destination turns the bucket's c4q set into a c4p one. */
static void test_model_change(void **state)
{
	struct sg_model m;
	struct ir_table before, after;
	struct ir_changes ch = { 0 };
	char *txt;

	gm_spec_example_cidr(&m);
	fx_compile(&m, IR_MODE_HOST, &before);
	fx_rule(&m, "sg-bp67acfmxazb4p",
		(struct fx_perm){ .id = "sgr-2", .cidr = "198.51.100.0/24", .dst = "192.0.2.10",
				  .ports = "443/443", .proto = SG_PROTO_TCP });
	fx_compile(&m, IR_MODE_HOST, &after);
	assert_int_equal(ir_diff(&before, &after, &ch), 0);
	txt = ir_changes_render(&ch);
	golden_check("spec-example-cidr-full-key.changes", txt);
	free(txt);
	txt = sgnft_render_apply(&after, &ch);
	golden_check("spec-example-cidr-full-key.nftnl", txt);
	free(txt);
	ir_changes_free(&ch);
	ir_table_free(&before);
	ir_table_free(&after);
	sg_model_free(&m);
}

/* The hand-made table of test_nft.c: every key shape and match kind. */
static void test_nft_fixture(void **state)
{
	struct ir_table a, b;
	struct ir_changes ch = { 0 };
	char *txt;

	build(&a, false);
	build(&b, true);
	check_table("nft-fixture", &a);
	assert_int_equal(ir_diff(&a, &b, &ch), 0);
	txt = ir_changes_render(&ch);
	golden_check("nft-fixture-apply.changes", txt);
	free(txt);
	txt = sgnft_render_apply(&b, &ch);
	golden_check("nft-fixture-apply.nftnl", txt);
	free(txt);
	ir_changes_free(&ch);
	ir_table_free(&a);
	ir_table_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_model_change),
		cmocka_unit_test(test_nft_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
