/* test_actions_group.c - CreateSecurityGroup, DeleteSecurityGroup,
 * DescribeSecurityGroups, DescribeSecurityGroupAttribute and
 * ModifySecurityGroupPolicy through sg_action_run(): answers in the
 * reference's names and types, persistence, refusals, ownership, paging,
 * ClientToken and a dataplane refusal rolling everything back. */
#include "actions_fixture.h"

static void test_create_normal_persists(void **state)
{
	struct afx *f = *state;
	json_t *b = afx_ok(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", "web-servers",
			   "Description", "front tier", "VpcId", "vpc-test1", (char *)NULL);
	const char *id = afx_s(b, "SecurityGroupId");
	assert_int_equal(strncmp(id, "sg-", 3), 0);
	assert_int_equal(strlen(id), 23);
	assert_int_equal(f->sync_calls, 1);

	struct sg_model *m = afx_loaded(f);
	const struct sg_group *g = sg_group_find(m, id);
	assert_non_null(g);
	assert_string_equal(g->name, "web-servers");
	assert_string_equal(g->description, "front tier");
	assert_string_equal(g->vpc_id, "vpc-test1");
	assert_int_equal(g->type, SG_GROUP_NORMAL);
	assert_int_equal(g->inner_policy, SG_POLICY_ACCEPT);
	assert_int_equal(g->owner_id, ALICE_ID);
	afx_loaded_free(m);

	char gid[SG_ID_LEN];
	snprintf(gid, sizeof(gid), "%s", id);
	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", gid, (char *)NULL);
	assert_string_equal(afx_s(b, "RegionId"), "cn-hangzhou");
	assert_string_equal(afx_s(b, "SecurityGroupId"), gid);
	assert_string_equal(afx_s(b, "SecurityGroupName"), "web-servers");
	assert_string_equal(afx_s(b, "Description"), "front tier");
	assert_string_equal(afx_s(b, "VpcId"), "vpc-test1");
	assert_string_equal(afx_s(b, "InnerAccessPolicy"), "Accept");
	assert_int_equal(afx_n(b, "Permissions.Permission"), 0);
}

static void test_enterprise_isolates_and_policy(void **state)
{
	struct afx *f = *state;
	char ent[SG_ID_LEN], basic[SG_ID_LEN];
	afx_group(f, &f->alice, "enterprise", "vpc-a", ent);
	afx_group(f, &f->alice, "normal", "vpc-a", basic);
	json_t *b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", ent,
			   (char *)NULL);
	assert_string_equal(afx_s(b, "InnerAccessPolicy"), "Drop");

	/* Advanced groups stay isolated; Drop on them is a no-op success. */
	assert_int_equal(afx_run(f, &f->alice, "ModifySecurityGroupPolicy", "SecurityGroupId", ent,
				 "InnerAccessPolicy", "Accept", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InvalidSecurityGroup.InnerAccessPolicyNotSupported");
	afx_ok(f, &f->alice, "ModifySecurityGroupPolicy", "SecurityGroupId", ent,
	       "InnerAccessPolicy", "Drop", (char *)NULL);

	/* The value is case-insensitive (reference). */
	afx_ok(f, &f->alice, "ModifySecurityGroupPolicy", "SecurityGroupId", basic,
	       "InnerAccessPolicy", "drop", (char *)NULL);
	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", basic,
		   (char *)NULL);
	assert_string_equal(afx_s(b, "InnerAccessPolicy"), "Drop");
	struct sg_model *m = afx_loaded(f);
	assert_int_equal(sg_group_find(m, basic)->inner_policy, SG_POLICY_DROP);
	assert_int_equal(sg_group_find(m, ent)->type, SG_GROUP_ENTERPRISE);
	afx_loaded_free(m);
}

static void test_group_errors(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	const char *ids[] = { g };
	static const struct afx_err rows[] = {
		{ "CreateSecurityGroup", { "RegionId", "", NULL }, 400, "MissingParameter" },
		{ "CreateSecurityGroup", { "RegionId", "cn-beijing", NULL }, 404, "InvalidRegionId.NotFound" },
		{ "CreateSecurityGroup", { "SecurityGroupType", "premium", NULL }, 400,
		  "InvalidSecurityGroupType.Malformed" },
		{ "CreateSecurityGroup", { "SecurityGroupName", "1abc", NULL }, 400,
		  "InvalidSecurityGroupName.Malformed" },
		{ "CreateSecurityGroup", { "SecurityGroupName", "http://x", NULL }, 400,
		  "InvalidSecurityGroupName.Malformed" },
		{ "CreateSecurityGroup", { "Description", "x", NULL }, 400, "InvalidDescription.Malformed" },
		{ "DeleteSecurityGroup", { NULL }, 400, "MissingParameter" },
		{ "DeleteSecurityGroup", { "SecurityGroupId", "sg-nothere", NULL }, 404,
		  "InvalidSecurityGroupId.NotFound" },
		{ "ModifySecurityGroupPolicy", { "SecurityGroupId", "$0", NULL }, 400, "MissingParameter" },
		{ "ModifySecurityGroupPolicy", { "SecurityGroupId", "$0", "InnerAccessPolicy", "Allow", NULL },
		  400, "InvalidInnerAccessPolicy.Malformed" },
		{ "DescribeSecurityGroupAttribute", { "SecurityGroupId", "$0", "Direction", "up", NULL }, 400,
		  "InvalidDirection.Malformed" },
		{ "DescribeSecurityGroupAttribute", { "SecurityGroupId", "$0", "NicType", "wifi", NULL }, 400,
		  "InvalidNicType.ValueNotSupported" },
		{ "DescribeSecurityGroupAttribute", { "SecurityGroupId", "sg-nothere", NULL }, 404,
		  "InvalidSecurityGroupId.NotFound" },
		{ "DescribeSecurityGroups", { "PageSize", "51", NULL }, 400, "InvalidParameter.PageSize" },
		{ "DescribeSecurityGroups", { "NextToken", "zz", NULL }, 400, "InvalidNextToken.Malformed" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	assert_int_equal(f->m.ngroups, 1); /* no refused call created anything */
}

/* Bob may not see or touch Alice's group; the administrator may. */
static void test_group_ownership(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	const char *ids[] = { g };
	static const struct afx_err rows[] = {
		{ "DeleteSecurityGroup", { "SecurityGroupId", "$0", NULL }, 401,
		  "InvalidOperation.SecurityGroupNotAuthorized" },
		{ "ModifySecurityGroupPolicy", { "SecurityGroupId", "$0", "InnerAccessPolicy", "Drop", NULL },
		  401, "InvalidOperation.SecurityGroupNotAuthorized" },
		{ "DescribeSecurityGroupAttribute", { "SecurityGroupId", "$0", NULL }, 401,
		  "InvalidOperation.SecurityGroupNotAuthorized" },
	};
	afx_err_table(f, &f->bob, rows, sizeof(rows) / sizeof(rows[0]), ids);
	json_t *b = afx_ok(f, &f->bob, "DescribeSecurityGroups", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 0);
	b = afx_ok(f, &f->admin, "DescribeSecurityGroups", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
	afx_ok(f, &f->admin, "DeleteSecurityGroup", "SecurityGroupId", g, (char *)NULL);
	assert_int_equal(f->m.ngroups, 0);
}

/* Never a dangling rule, never a NIC without its group. */
static void test_delete_refused_while_used(void **state)
{
	struct afx *f = *state;
	char a[SG_ID_LEN], b[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", a);
	afx_group(f, &f->alice, "normal", "vpc-a", b);
	afx_rule(f, b, SG_SRC_GROUP, a, NULL);
	assert_int_equal(afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", a,
				 (char *)NULL), 403);
	assert_string_equal(afx_code(f), "DependencyViolation");

	/* A rule of the group itself does not hold it back. */
	afx_rule(f, a, SG_SRC_CIDR, "198.51.100.0/24", NULL);
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", b, (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", b,
				 (char *)NULL), 403);
	assert_string_equal(afx_code(f), "DependencyViolation");
	assert_non_null(strstr(f->r.message, "instance"));

	char eni[SG_ID_LEN];
	snprintf(eni, sizeof(eni), "%s", f->m.nics[0].id);
	afx_ok(f, &f->alice, "DeleteNetworkInterface", "NetworkInterfaceId", eni, (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", b, (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", a, (char *)NULL);
	struct sg_model *m = afx_loaded(f);
	assert_int_equal(m->ngroups, 0);
	afx_loaded_free(m);
}

static void test_describe_groups_fields_filters_pages(void **state)
{
	struct afx *f = *state;
	char g[3][SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g[0]);
	afx_group(f, &f->alice, "enterprise", "vpc-a", g[1]);
	afx_group(f, &f->alice, "normal", "vpc-b", g[2]);
	afx_rule(f, g[0], SG_SRC_GROUP, g[2], NULL);

	json_t *b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "PageSize", "2", (char *)NULL);
	assert_string_equal(afx_s(b, "RegionId"), "cn-hangzhou");
	assert_int_equal(afx_i(b, "TotalCount"), 3);
	assert_int_equal(afx_i(b, "PageNumber"), 1);
	assert_int_equal(afx_i(b, "PageSize"), 2);
	assert_int_equal(afx_n(b, "SecurityGroups.SecurityGroup"), 2);
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.0.SecurityGroupId"), g[0]);
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.0.SecurityGroupType"), "normal");
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.0.VpcId"), "vpc-a");
	assert_int_equal(afx_i(b, "SecurityGroups.SecurityGroup.0.RuleCount"), 1);
	assert_int_equal(afx_i(b, "SecurityGroups.SecurityGroup.0.GroupToGroupRuleCount"), 1);
	assert_int_equal(afx_i(b, "SecurityGroups.SecurityGroup.0.EcsCount"), 0);
	assert_non_null(strchr(afx_s(b, "SecurityGroups.SecurityGroup.0.CreationTime"), 'T'));
	assert_int_equal(afx_n(b, "SecurityGroups.SecurityGroup.0.Tags.Tag"), 0);
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.1.SecurityGroupType"), "enterprise");

	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "PageSize", "2", "PageNumber", "2", (char *)NULL);
	assert_int_equal(afx_n(b, "SecurityGroups.SecurityGroup"), 1);
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.0.SecurityGroupId"), g[2]);

	/* NextToken / MaxResults */
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "MaxResults", "2", (char *)NULL);
	assert_int_equal(afx_n(b, "SecurityGroups.SecurityGroup"), 2);
	char tok[32];
	snprintf(tok, sizeof(tok), "%s", afx_s(b, "NextToken"));
	assert_true(tok[0] != '\0');
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "MaxResults", "2", "NextToken", tok, (char *)NULL);
	assert_int_equal(afx_n(b, "SecurityGroups.SecurityGroup"), 1);
	assert_string_equal(afx_s(b, "NextToken"), "");

	/* Filters */
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "VpcId", "vpc-a", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 2);
	char list[128];
	snprintf(list, sizeof(list), "[\"%s\",\"%s\"]", g[0], g[2]);
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupIds", list, (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 2);
	snprintf(list, sizeof(list), "%s, %s", g[0], g[1]); /* comma-separated */
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupIds", list, (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 2);
	/* At most 100 ids, in either form. */
	char big[120 * 8];
	size_t o = 0;
	for (int i = 0; i < 101; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%ssg-%d", i ? "," : "", i);
	assert_int_equal(afx_run(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupIds", big,
				 (char *)NULL), 400);
	o = (size_t)snprintf(big, sizeof(big), "[");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "%s\"sg-%d\"", i ? "," : "", i);
	snprintf(big + o, sizeof(big) - o, "]");
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupIds", big, (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 0);
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupId", g[1], (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupType", "enterprise", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
}

static void test_describe_attribute_permissions(void **state)
{
	struct afx *f = *state;
	char a[SG_ID_LEN], src[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", a);
	afx_group(f, &f->alice, "normal", "vpc-a", src);
	afx_rule(f, a, SG_SRC_CIDR, "203.0.113.0/24", NULL);
	afx_rule(f, a, SG_SRC_GROUP, src, NULL);
	afx_rule(f, a, SG_SRC_CIDR, "2001:db8::/32", NULL);

	json_t *b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", a,
			   (char *)NULL);
	assert_int_equal(afx_n(b, "Permissions.Permission"), 3);
	json_t *p0 = afx_at(b, "Permissions.Permission.0");
	/* Every field a string, Priority too (reference response model). */
	const char *keys[] = { "SecurityGroupRuleId", "Priority", "Policy", "IpProtocol", "PortRange",
		"SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId", "SourceGroupOwnerAccount",
		"SourcePrefixListId", "PortRangeListId", "DestCidrIp", "Ipv6DestCidrIp",
		"SourcePortRange", "NicType", "Direction", "Description", "CreateTime" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_true(json_is_string(json_object_get(p0, keys[i])));
	assert_string_equal(afx_s(p0, "Priority"), "7");
	assert_string_equal(afx_s(p0, "Direction"), "ingress");
	assert_string_equal(afx_s(p0, "Policy"), "Accept");
	assert_string_equal(afx_s(p0, "IpProtocol"), "TCP");
	assert_string_equal(afx_s(p0, "PortRange"), "22/22");
	assert_string_equal(afx_s(p0, "SourceCidrIp"), "203.0.113.0/24");
	assert_string_equal(afx_s(p0, "NicType"), "intranet");
	assert_string_equal(afx_s(p0, "Description"), "a rule");
	assert_string_equal(afx_s(b, "Permissions.Permission.1.SourceGroupId"), src);
	assert_string_equal(afx_s(b, "Permissions.Permission.1.SourceGroupOwnerAccount"),
			    "alice@example.com");
	assert_string_equal(afx_s(b, "Permissions.Permission.1.SourceCidrIp"), "");
	assert_string_equal(afx_s(b, "Permissions.Permission.2.Ipv6SourceCidrIp"), "2001:db8::/32");

	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", a,
		   "Direction", "egress", (char *)NULL);
	assert_int_equal(afx_n(b, "Permissions.Permission"), 0);
	/* VPC groups: internet becomes intranet, as the reference says. */
	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", a,
		   "NicType", "internet", (char *)NULL);
	assert_int_equal(afx_n(b, "Permissions.Permission"), 3);

	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", a,
		   "MaxResults", "2", (char *)NULL);
	assert_int_equal(afx_n(b, "Permissions.Permission"), 2);
	assert_string_equal(afx_s(b, "NextToken"), "2");
	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", a,
		   "MaxResults", "2", "NextToken", "2", (char *)NULL);
	assert_int_equal(afx_n(b, "Permissions.Permission"), 1);
	assert_string_equal(afx_s(b, "NextToken"), "");
}

static void test_client_token_replays(void **state)
{
	struct afx *f = *state;
	json_t *b = afx_ok(f, &f->alice, "CreateSecurityGroup", "ClientToken", "tok-1", (char *)NULL);
	char first[SG_ID_LEN];
	snprintf(first, sizeof(first), "%s", afx_s(b, "SecurityGroupId"));
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "ClientToken", "tok-1", (char *)NULL);
	assert_string_equal(afx_s(b, "SecurityGroupId"), first);
	assert_int_equal(f->m.ngroups, 1);
}

/* The kernel refuses: the answer is an error and nothing stays. */
static void test_dataplane_refusal_rolls_back(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	f->sync_fail = 1;
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", (char *)NULL), 500);
	assert_string_equal(afx_code(f), "InternalError");
	assert_int_equal(afx_run(f, &f->alice, "ModifySecurityGroupPolicy", "SecurityGroupId", g,
				 "InnerAccessPolicy", "Drop", (char *)NULL), 500);
	assert_int_equal(afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", g,
				 (char *)NULL), 500);
	assert_int_equal(f->m.ngroups, 1);
	assert_int_equal(sg_group_find(&f->m, g)->inner_policy, SG_POLICY_ACCEPT);
	struct sg_model *m = afx_loaded(f);
	assert_int_equal(m->ngroups, 1);
	assert_int_equal(sg_group_find(m, g)->inner_policy, SG_POLICY_ACCEPT);
	afx_loaded_free(m);
}

/* Without a store (pure unit use) the handlers still work. */
static void test_without_store(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	assert_null(f->env.store);
	afx_group(f, &f->alice, "enterprise", "", g);
	json_t *b = afx_ok(f, &f->alice, "DescribeSecurityGroups", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", g, (char *)NULL);
	assert_int_equal(f->m.ngroups, 0);
}

/* quota.groups_per_account: one more is 403 QuotaExceed.SecurityGroup; the
 * count is per account, the administrator is not limited, a deletion frees
 * a place, and a ClientToken retry still answers its first answer. */
static void test_groups_per_account(void **state)
{
	struct afx *f = *state;
	char a[SG_ID_LEN], b[SG_ID_LEN];
	f->m.quota.groups_per_account = 2;
	json_t *body = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-a", "ClientToken", "t-1",
			      (char *)NULL);
	snprintf(a, sizeof(a), "%s", afx_s(body, "SecurityGroupId"));
	afx_group(f, &f->alice, "normal", "vpc-a", b);
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-a", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "QuotaExceed.SecurityGroup");
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-new",
				 "SecurityGroupType", "enterprise", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "QuotaExceed.SecurityGroup");
	assert_int_equal(f->m.ngroups, 2);
	body = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-a", "ClientToken", "t-1", (char *)NULL);
	assert_string_equal(afx_s(body, "SecurityGroupId"), a);
	char x[SG_ID_LEN];
	afx_group(f, &f->bob, "normal", "vpc-b", x);
	afx_group(f, &f->bob, "normal", "vpc-b", x);
	afx_group(f, &f->admin, "normal", "vpc-a", x);
	afx_group(f, &f->admin, "normal", "vpc-a", x);
	assert_int_equal(f->m.ngroups, 6);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", a, (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", b, (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", x, (char *)NULL);
	afx_group(f, &f->alice, "normal", "vpc-a", a); /* 2 of 2 again */
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-a", (char *)NULL), 403);
}

/* A VPC another account used first answers as a VPC that does not exist. */
static void test_group_in_foreign_vpc(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	assert_int_equal(afx_run(f, &f->bob, "CreateSecurityGroup", "VpcId", "vpc-a", (char *)NULL), 404);
	assert_string_equal(afx_code(f), "InvalidVpcId.NotFound");
	assert_null(strstr(f->r.message, "vpc-a"));
	assert_int_equal(f->m.ngroups, 1);
	afx_group(f, &f->alice, "enterprise", "vpc-a", g);
	afx_group(f, &f->admin, "normal", "vpc-a", g);
	afx_group(f, &f->bob, "normal", "vpc-b", g);
	afx_group(f, &f->bob, "normal", "", g); /* classic: nobody's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_normal_persists, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_enterprise_isolates_and_policy, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_group_errors, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_group_ownership, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_delete_refused_while_used, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_describe_groups_fields_filters_pages, afx_setup,
						afx_teardown),
		cmocka_unit_test_setup_teardown(test_describe_attribute_permissions, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_client_token_replays, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_dataplane_refusal_rolls_back, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_without_store, afx_setup_nostore, afx_teardown),
		cmocka_unit_test_setup_teardown(test_groups_per_account, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_group_in_foreign_vpc, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
