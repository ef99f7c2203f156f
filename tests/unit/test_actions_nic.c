/* test_actions_nic.c - network interfaces through sg_action_run(): create
 * with host device, addresses and groups; the group-set rules (count, one
 * group type, one VPC, per-NIC rule quota with port lists at MaxEntries);
 * join/leave/modify; delete; describe filters and paging; ownership. */
#include "actions_fixture.h"

static void nic_create(struct afx *f, const char *dev, const char *g, char out[SG_ID_LEN])
{
	json_t *b = afx_ok(f, &f->alice, "CreateNetworkInterface", "HostDevice", dev,
			   "SecurityGroupId", g, (char *)NULL);
	snprintf(out, SG_ID_LEN, "%s", afx_s(b, "NetworkInterfaceId"));
}

static void test_create_and_describe(void **state)
{
	struct afx *f = *state;
	char g1[SG_ID_LEN], g2[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g1);
	afx_group(f, &f->alice, "normal", "vpc-a", g2);
	int calls = f->sync_calls;
	json_t *b = afx_ok(f, &f->alice, "CreateNetworkInterface", "HostDevice", "tap12",
			   "NetworkInterfaceName", "vm12-eth0", "Description", "vm 12",
			   "SecurityGroupIds.1", g1, "SecurityGroupIds.2", g2, "SecurityGroupIds.3", g1,
			   "PrimaryIpAddress", "192.0.2.12", "PrivateIpAddress.1", "192.0.2.13",
			   "Ipv6Address.1", "2001:db8::12", "Ipv6Addresses.1", "2001:db8::13",
			   "VSwitchId", "vsw-1", (char *)NULL);
	assert_int_equal(f->sync_calls, calls + 1);
	char eni[SG_ID_LEN];
	snprintf(eni, sizeof(eni), "%s", afx_s(b, "NetworkInterfaceId"));
	assert_int_equal(strncmp(eni, "eni-", 4), 0);
	assert_string_equal(afx_s(b, "VpcId"), "vpc-a"); /* from its groups */
	assert_string_equal(afx_s(b, "VSwitchId"), "vsw-1");
	assert_string_equal(afx_s(b, "PrivateIpAddress"), "192.0.2.12");
	assert_int_equal(afx_n(b, "SecurityGroupIds.SecurityGroupId"), 2); /* duplicates collapse */

	b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
	json_t *n = afx_at(b, "NetworkInterfaceSets.NetworkInterfaceSet.0");
	assert_string_equal(afx_s(n, "NetworkInterfaceId"), eni);
	assert_string_equal(afx_s(n, "NetworkInterfaceName"), "vm12-eth0");
	assert_string_equal(afx_s(n, "Description"), "vm 12");
	assert_string_equal(afx_s(n, "Status"), "InUse");
	assert_string_equal(afx_s(n, "HostDevice"), "tap12");
	assert_int_equal(afx_n(n, "PrivateIpSets.PrivateIpSet"), 2);
	assert_string_equal(afx_s(n, "PrivateIpSets.PrivateIpSet.0.PrivateIpAddress"), "192.0.2.12");
	assert_true(json_is_true(afx_at(n, "PrivateIpSets.PrivateIpSet.0.Primary")));
	assert_true(json_is_false(afx_at(n, "PrivateIpSets.PrivateIpSet.1.Primary")));
	assert_int_equal(afx_n(n, "Ipv6Sets.Ipv6Set"), 2);
	assert_string_equal(afx_s(n, "Ipv6Sets.Ipv6Set.0.Ipv6Address"), "2001:db8::12");
	assert_string_equal(afx_s(n, "SecurityGroupIds.SecurityGroupId.1"), g2);
	char owner[24];
	snprintf(owner, sizeof(owner), "%llu", ALICE_ID);
	assert_string_equal(afx_s(n, "OwnerId"), owner);

	struct sg_model *m = afx_loaded(f);
	const struct sg_nic *s = sg_nic_find(m, eni);
	assert_non_null(s);
	assert_string_equal(s->host_device, "tap12");
	assert_int_equal(s->naddrs, 4);
	assert_string_equal(s->addrs[0].text, "192.0.2.12");
	assert_int_equal(s->ngroups, 2);
	afx_loaded_free(m);

	/* A NIC on another host: no device, only a group member. */
	b = afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g1,
		   "PrivateIpAddress.1", "192.0.2.50", (char *)NULL);
	assert_string_equal(afx_s(b, "Status"), "Available");
	assert_string_equal(afx_s(b, "PrivateIpAddress"), "192.0.2.50");
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupId", g1, (char *)NULL);
	assert_int_equal(afx_i(b, "SecurityGroups.SecurityGroup.0.EcsCount"), 2);
}

static void test_create_errors(void **state)
{
	struct afx *f = *state;
	char n1[SG_ID_LEN], ent[SG_ID_LEN], vb[SG_ID_LEN], bobs[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", n1);
	afx_group(f, &f->alice, "enterprise", "vpc-a", ent);
	afx_group(f, &f->alice, "normal", "vpc-b", vb);
	afx_group(f, &f->bob, "normal", "vpc-a", bobs);
	char eni[SG_ID_LEN];
	afx_ok(f, &f->alice, "CreateNetworkInterface", "HostDevice", "veth3", "SecurityGroupId", n1,
	       "PrimaryIpAddress", "192.0.2.3", (char *)NULL);
	snprintf(eni, sizeof(eni), "%s", afx_s(f->r.body, "NetworkInterfaceId"));
	const char *ids[] = { n1, ent, vb, bobs };
	static const struct afx_err rows[] = {
		{ "CreateNetworkInterface", { NULL }, 400, "MissingParameter" },
		{ "CreateNetworkInterface", { "RegionId", "cn-beijing", "SecurityGroupId", "$0", NULL }, 404,
		  "InvalidRegionId.NotFound" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "sg-nothere", NULL }, 404,
		  "InvalidSecurityGroupId.NotFound" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$3", NULL }, 401,
		  "InvalidOperation.SecurityGroupNotAuthorized" },
		{ "CreateNetworkInterface", { "SecurityGroupIds.1", "$0", "SecurityGroupIds.2", "$1", NULL }, 400,
		  "InvalidSecurityGroupType.Mismatch" },
		{ "CreateNetworkInterface", { "SecurityGroupIds.1", "$0", "SecurityGroupIds.2", "$2", NULL }, 403,
		  "InvalidSecurityGroupId.VpcMismatch" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "VpcId", "vpc-b", NULL }, 403,
		  "InvalidSecurityGroupId.VpcMismatch" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "tap0123456789abc", NULL }, 400,
		  "InvalidHostDevice.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "tap/1", NULL }, 400,
		  "InvalidHostDevice.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "veth3", NULL }, 400,
		  "InvalidHostDevice.InUse" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "PrimaryIpAddress", "2001:db8::1", NULL },
		  400, "InvalidPrivateIpAddress.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "PrivateIpAddress.1", "192.0.2.0/24", NULL },
		  400, "InvalidPrivateIpAddress.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "Ipv6Address.1", "192.0.2.9", NULL },
		  400, "InvalidIpv6Address.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "PrivateIpAddress.1", "192.0.2.3", NULL },
		  400, "InvalidPrivateIpAddress.Duplicated" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "PrimaryIpAddress", "192.0.2.8",
		  "PrivateIpAddress.1", "192.0.2.8", NULL }, 400, "InvalidPrivateIpAddress.Duplicated" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "NetworkInterfaceName", "-x", NULL }, 400,
		  "InvalidNetworkInterfaceName.Malformed" },
		{ "DeleteNetworkInterface", { "NetworkInterfaceId", "eni-nothere", NULL }, 404, "InvalidEniId.NotFound" },
		{ "DeleteNetworkInterface", { NULL }, 400, "MissingParameter" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	assert_int_equal(f->m.nnics, 1);

	/* Six groups: over the five-group quota. */
	char g[6][SG_ID_LEN];
	for (int i = 0; i < 6; i++)
		afx_group(f, &f->alice, "normal", "vpc-a", g[i]);
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupIds.1", g[0],
				 "SecurityGroupIds.2", g[1], "SecurityGroupIds.3", g[2], "SecurityGroupIds.4", g[3],
				 "SecurityGroupIds.5", g[4], "SecurityGroupIds.6", g[5], (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InstanceSecurityGroupLimitExceeded");

	/* Bob does not see Alice's NIC. */
	assert_int_equal(afx_run(f, &f->bob, "DeleteNetworkInterface", "NetworkInterfaceId", eni,
				 (char *)NULL), 404);
	assert_string_equal(afx_code(f), "InvalidEniId.NotFound");
	json_t *b = afx_ok(f, &f->bob, "DescribeNetworkInterfaces", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 0);
}

static void test_join_leave(void **state)
{
	struct afx *f = *state;
	char g[6][SG_ID_LEN], ent[SG_ID_LEN], eni[SG_ID_LEN];
	for (int i = 0; i < 6; i++)
		afx_group(f, &f->alice, "normal", "vpc-a", g[i]);
	afx_group(f, &f->alice, "enterprise", "vpc-a", ent);
	nic_create(f, "tap1", g[0], eni);

	afx_ok(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni, "SecurityGroupId", g[1], (char *)NULL);
	/* InstanceId names the NIC too */
	afx_ok(f, &f->alice, "JoinSecurityGroup", "InstanceId", eni, "SecurityGroupId", g[2], (char *)NULL);
	const char *ids[] = { eni, g[1], ent, g[0] };
	static const struct afx_err rows[] = {
		{ "JoinSecurityGroup", { "NetworkInterfaceId", "$0", "SecurityGroupId", "$1", NULL }, 403,
		  "InvalidInstanceId.AlreadyInSecurityGroup" },
		{ "JoinSecurityGroup", { "NetworkInterfaceId", "$0", "SecurityGroupId", "$2", NULL }, 400,
		  "InvalidSecurityGroupType.Mismatch" },
		{ "JoinSecurityGroup", { "NetworkInterfaceId", "eni-nothere", "SecurityGroupId", "$1", NULL }, 404,
		  "InvalidEniId.NotFound" },
		{ "JoinSecurityGroup", { "SecurityGroupId", "$1", NULL }, 400, "MissingParameter" },
		{ "JoinSecurityGroup", { "NetworkInterfaceId", "$0", "InstanceId", "eni-other",
		  "SecurityGroupId", "$1", NULL }, 400, "InvalidParameter.Conflict" },
		{ "JoinSecurityGroup", { "NetworkInterfaceId", "$0", "SecurityGroupId", "sg-nothere", NULL }, 404,
		  "InvalidSecurityGroupId.NotFound" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	afx_ok(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni, "SecurityGroupId", g[3], (char *)NULL);
	afx_ok(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni, "SecurityGroupId", g[4], (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni,
				 "SecurityGroupId", g[5], (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InstanceSecurityGroupLimitExceeded");

	struct sg_model *m = afx_loaded(f);
	assert_int_equal(sg_nic_find(m, eni)->ngroups, 5);
	afx_loaded_free(m);

	for (int i = 4; i >= 1; i--)
		afx_ok(f, &f->alice, "LeaveSecurityGroup", "NetworkInterfaceId", eni, "SecurityGroupId", g[i],
		       (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "LeaveSecurityGroup", "NetworkInterfaceId", eni,
				 "SecurityGroupId", g[1], (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InvalidInstanceId.NotInSecurityGroup");
	assert_int_equal(afx_run(f, &f->alice, "LeaveSecurityGroup", "NetworkInterfaceId", eni,
				 "SecurityGroupId", g[0], (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InstanceLastSecurityGroup");
	m = afx_loaded(f);
	assert_int_equal(sg_nic_find(m, eni)->ngroups, 1);
	assert_string_equal(sg_nic_find(m, eni)->groups[0], g[0]);
	afx_loaded_free(m);
}

/* A port-list rule costs the list's MaxEntries of the 1,000 rules a NIC
 * may carry over all its groups. */
static void test_rule_quota_counts_port_lists(void **state)
{
	struct afx *f = *state;
	char a[SG_ID_LEN], b[SG_ID_LEN], eni[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", a);
	afx_group(f, &f->alice, "normal", "vpc-a", b);
	json_t *body = afx_ok(f, &f->alice, "CreatePortRangeList", "PortRangeListName", "many",
			      "MaxEntries", "999", (char *)NULL);
	char prl[SG_ID_LEN];
	snprintf(prl, sizeof(prl), "%s", afx_s(body, "PortRangeListId"));
	afx_rule(f, a, SG_SRC_CIDR, "192.0.2.0/24", prl);
	afx_rule(f, b, SG_SRC_CIDR, "198.51.100.0/24", NULL);
	afx_rule(f, b, SG_SRC_CIDR, "203.0.113.0/24", NULL);
	nic_create(f, "tap7", a, eni); /* 999 */
	assert_int_equal(afx_run(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni,
				 "SecurityGroupId", b, (char *)NULL), 403);
	assert_string_equal(afx_code(f), "AuthorizationLimitExceed");
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupIds.1", a,
				 "SecurityGroupIds.2", b, (char *)NULL), 403);
	assert_string_equal(afx_code(f), "AuthorizationLimitExceed");
	afx_rule_drop(f, b);
	afx_ok(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni, "SecurityGroupId", b, (char *)NULL);
}

static void test_modify_attribute(void **state)
{
	struct afx *f = *state;
	char g[3][SG_ID_LEN], eni[SG_ID_LEN], other[SG_ID_LEN];
	for (int i = 0; i < 3; i++)
		afx_group(f, &f->alice, "normal", "vpc-a", g[i]);
	nic_create(f, "tap1", g[0], eni);
	nic_create(f, "tap2", g[0], other);
	afx_ok(f, &f->alice, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
	       "SecurityGroupId.1", g[1], "SecurityGroupId.2", g[2], "NetworkInterfaceName", "renamed",
	       "Description", "new words", "HostDevice", "tap9", (char *)NULL);
	struct sg_model *m = afx_loaded(f);
	const struct sg_nic *n = sg_nic_find(m, eni);
	assert_int_equal(n->ngroups, 2);
	assert_string_equal(n->groups[0], g[1]);
	assert_string_equal(n->groups[1], g[2]);
	assert_string_equal(n->name, "renamed");
	assert_string_equal(n->description, "new words");
	assert_string_equal(n->host_device, "tap9");
	afx_loaded_free(m);

	const char *ids[] = { eni };
	static const struct afx_err rows[] = {
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "HostDevice", "tap2", NULL }, 400,
		  "InvalidHostDevice.InUse" },
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "SecurityGroupId.1", "sg-no",
		  NULL }, 404, "InvalidSecurityGroupId.NotFound" },
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "Description", "x", NULL }, 400,
		  "InvalidDescription.Malformed" },
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "eni-no", NULL }, 404,
		  "InvalidEniId.NotFound" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	assert_string_equal(sg_nic_find(&f->m, eni)->host_device, "tap9");
	assert_int_equal(sg_nic_find(&f->m, eni)->ngroups, 2);
}

static void test_describe_filters_and_delete(void **state)
{
	struct afx *f = *state;
	char g[2][SG_ID_LEN], e[3][SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g[0]);
	afx_group(f, &f->alice, "normal", "vpc-a", g[1]);
	nic_create(f, "tap1", g[0], e[0]);
	nic_create(f, "tap2", g[1], e[1]);
	nic_create(f, "", g[1], e[2]);

	json_t *b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", "SecurityGroupId", g[1], (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 2);
	b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", "NetworkInterfaceId.1", e[0],
		   "NetworkInterfaceId.2", e[2], (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 2);
	b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", "Status", "Available", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 1);
	b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", "PageSize", "2", "PageNumber", "2", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 3);
	assert_int_equal(afx_i(b, "PageNumber"), 2);
	assert_int_equal(afx_n(b, "NetworkInterfaceSets.NetworkInterfaceSet"), 1);
	b = afx_ok(f, &f->alice, "DescribeNetworkInterfaces", "VpcId", "vpc-zzz", (char *)NULL);
	assert_int_equal(afx_i(b, "TotalCount"), 0);

	afx_ok(f, &f->alice, "DeleteNetworkInterface", "NetworkInterfaceId", e[1], (char *)NULL);
	afx_ok(f, &f->admin, "DeleteNetworkInterface", "NetworkInterfaceId", e[2], (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", g[1], (char *)NULL);
	struct sg_model *m = afx_loaded(f);
	assert_int_equal(m->nnics, 1);
	assert_non_null(sg_nic_find(m, e[0]));
	afx_loaded_free(m);
	/* the device name is free again */
	char again[SG_ID_LEN];
	nic_create(f, "tap2", g[0], again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_describe, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_join_leave, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_rule_quota_counts_port_lists, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_modify_attribute, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_describe_filters_and_delete, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
