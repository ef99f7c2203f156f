/* test_actions_nic.c - network interfaces through sg_action_run(): create
 * with host device, addresses and groups; the group-set rules (count, one
 * group type, one VPC, per-NIC rule quota with port lists at MaxEntries);
 * join/leave/modify; delete; describe filters and paging; ownership.
 * Tenancy: only the administrator binds a HostDevice, and only to a device
 * the operator allows (never lo or a default-route device); addresses are
 * unicast host addresses unique in their VPC; a VPC is its first user's;
 * NICs per account are limited. */
#include <unistd.h>

#include "actions_fixture.h"
#include "../../src/actions/internal.h"

/* Alice's NIC; binding a device takes the administrator (who acts as
 * Alice's account in the fixture, so Alice owns the NIC either way). */
static void nic_create(struct afx *f, const char *dev, const char *g, char out[SG_ID_LEN])
{
	json_t *b = afx_ok(f, *dev ? &f->admin : &f->alice, "CreateNetworkInterface", "HostDevice", dev,
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
	json_t *b = afx_ok(f, &f->admin, "CreateNetworkInterface", "HostDevice", "tap12",
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
	afx_group(f, &f->bob, "normal", "vpc-bob", bobs);
	char eni[SG_ID_LEN];
	afx_ok(f, &f->admin, "CreateNetworkInterface", "HostDevice", "veth3", "SecurityGroupId", n1,
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
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "tap1", NULL }, 403,
		  "Forbidden.HostDevice" },
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
	static const struct afx_err admin_rows[] = {
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "tap0123456789abc", NULL }, 400,
		  "InvalidHostDevice.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "tap/1", NULL }, 400,
		  "InvalidHostDevice.Malformed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "veth3", NULL }, 400,
		  "InvalidHostDevice.InUse" },
	};
	afx_err_table(f, &f->admin, admin_rows, sizeof(admin_rows) / sizeof(admin_rows[0]), ids);
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
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
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
	static const struct afx_err admin_rows[] = {
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "HostDevice", "tap2", NULL }, 400,
		  "InvalidHostDevice.InUse" },
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "HostDevice", "lo", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
	};
	afx_err_table(f, &f->admin, admin_rows, sizeof(admin_rows) / sizeof(admin_rows[0]), ids);
	static const struct afx_err rows[] = {
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "HostDevice", "tap5", NULL }, 403,
		  "Forbidden.HostDevice" },
		{ "ModifyNetworkInterfaceAttribute", { "NetworkInterfaceId", "$0", "HostDevice", "", NULL }, 403,
		  "Forbidden.HostDevice" },
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
	/* naming the device the NIC already has changes nothing: anyone may */
	afx_ok(f, &f->alice, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
	       "HostDevice", "tap9", "NetworkInterfaceName", "again", (char *)NULL);
	/* the administrator unbinds it: a remote interface from now on */
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
	       "HostDevice", "", (char *)NULL);
	assert_string_equal(sg_nic_find(&f->m, eni)->host_device, "");
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

/* ---- tenancy ---- */

/* A tenant names no host device at all: not lo (the attack: loopback
 * became default-drop), not its uplink, not even an allowed tap. */
static void test_host_device_tenant_refused(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], eni[SG_ID_LEN], bobs[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	afx_group(f, &f->bob, "normal", "vpc-b", bobs);
	const char *ids[] = { g, bobs };
	static const struct afx_err rows[] = {
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "HostDevice", "lo", NULL }, 403,
		  "Forbidden.HostDevice" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "HostDevice", "eth0", NULL }, 403,
		  "Forbidden.HostDevice" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "HostDevice", "tap3", NULL }, 403,
		  "Forbidden.HostDevice" },
	};
	afx_err_table(f, &f->bob, rows, sizeof(rows) / sizeof(rows[0]), ids);
	assert_int_equal(f->m.nnics, 0);
	/* Bob's own remote NIC, then an attempt to bind it */
	json_t *b = afx_ok(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", bobs,
			   "PrimaryIpAddress", "10.0.0.5", (char *)NULL);
	snprintf(eni, sizeof(eni), "%s", afx_s(b, "NetworkInterfaceId"));
	assert_int_equal(afx_run(f, &f->bob, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
				 "HostDevice", "eth0", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "Forbidden.HostDevice");
	assert_int_equal(afx_run(f, &f->bob, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
				 "HostDevice", "lo", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "Forbidden.HostDevice");
	assert_string_equal(sg_nic_find(&f->m, eni)->host_device, "");
	/* the administrator binds it for him; Bob still owns it */
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
	       "HostDevice", "tap3", (char *)NULL);
	assert_string_equal(sg_nic_find(&f->m, eni)->host_device, "tap3");
	assert_int_equal(sg_nic_find(&f->m, eni)->owner_id, BOB_ID);
	/* and Bob cannot move it elsewhere or unbind it */
	assert_int_equal(afx_run(f, &f->bob, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
				 "HostDevice", "tap4", (char *)NULL), 403);
	assert_int_equal(afx_run(f, &f->bob, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
				 "HostDevice", "", (char *)NULL), 403);
	assert_string_equal(sg_nic_find(&f->m, eni)->host_device, "tap3");
	/* Alice (no admin) gets the same answer and learns nothing of Bob's tap3 */
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g,
				 "HostDevice", "tap3", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "Forbidden.HostDevice");
	assert_null(strstr(f->r.message, eni));
}

/* Writes text to a fresh temporary file; its path into path. */
static void tmp_file(char path[64], const char *text)
{
	snprintf(path, 64, "/tmp/sgd-routes-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* /proc/net/route and /proc/net/ipv6_route as a host with a default route
 * through eth0 (IPv4) and wan6 (IPv6) shows them, with the kernel's
 * unreachable default on lo and routes that are not defaults. */
static const char route4[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"tap7\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
	"*\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n"
	"eth1\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
static const char route6[] =
	"fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000002 00000000 00000001     tap7\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"fd000000000000000000000000000001 00000400 00000002 00000000 00000003     wan6\n"
	"00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

static void test_default_route_parsing(void **state)
{
	(void)state;
	char devs[8][SG_IFNAME_LEN];
	size_t n = sg_default_route_devs4(route4, devs, 0, 8);
	assert_int_equal(n, 2);
	assert_string_equal(devs[0], "eth0");
	assert_string_equal(devs[1], "eth1");
	n = sg_default_route_devs6(route6, devs, n, 8);
	assert_int_equal(n, 3);
	assert_string_equal(devs[2], "wan6");
	/* duplicates collapse, the array bound holds, nonsense is skipped */
	assert_int_equal(sg_default_route_devs4(route4, devs, 3, 8), 3);
	assert_int_equal(sg_default_route_devs4(route4, devs, 0, 1), 1);
	assert_int_equal(sg_default_route_devs4("", devs, 0, 8), 0);
	assert_int_equal(sg_default_route_devs6("garbage\n\n00 zz\n", devs, 0, 8), 0);

	assert_true(sg_host_device_listed(NULL, "anything"));
	assert_true(sg_host_device_listed("tap* vnet* veth*", "veth12"));
	assert_true(sg_host_device_listed("  tap*\tvnet?  ", "vnet1"));
	assert_false(sg_host_device_listed("tap* vnet*", "eth0"));
	assert_false(sg_host_device_listed("tap* vnet*", "xtap0"));
	assert_false(sg_host_device_listed("", "tap0"));
	assert_true(sg_ifname_ok("tap0") && sg_ifname_ok("a.b-c_d@e"));
	assert_false(sg_ifname_ok("") || sg_ifname_ok(".") || sg_ifname_ok("a b") || sg_ifname_ok("a:1") ||
		     sg_ifname_ok("0123456789abcdef"));
}

/* Whoever asks (the administrator here): a valid name, never lo, never a
 * device of a default route (IPv4 or IPv6), and one of the operator's
 * patterns. */
static void test_host_device_allowed_names(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], p4[64], p6[64], eni[SG_ID_LEN];
	tmp_file(p4, route4);
	tmp_file(p6, route6);
	sg_host_device_route_files(p4, p6);
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	const char *ids[] = { g };
	static const struct afx_err any[] = {
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "lo", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "eth0", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "eth1", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "wan6", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "lo:1", NULL }, 400,
		  "InvalidHostDevice.Malformed" },
	};
	/* no pattern restriction (env->host_devices NULL): lo and uplinks still refused */
	afx_err_table(f, &f->admin, any, sizeof(any) / sizeof(any[0]), ids);
	json_t *b = afx_ok(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g, "HostDevice", "h1",
			   (char *)NULL);
	snprintf(eni, sizeof(eni), "%s", afx_s(b, "NetworkInterfaceId"));
	assert_int_equal(afx_run(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni,
				 "HostDevice", "eth0", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InvalidHostDevice.NotAllowed");
	assert_non_null(strstr(f->r.message, "default route"));

	/* the operator's list */
	f->env.host_devices = "tap* vnet* veth* vif* macvtap*";
	afx_err_table(f, &f->admin, any, sizeof(any) / sizeof(any[0]), ids);
	static const struct afx_err listed[] = {
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "h2", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$0", "HostDevice", "br0", NULL }, 403,
		  "InvalidHostDevice.NotAllowed" },
	};
	afx_err_table(f, &f->admin, listed, sizeof(listed) / sizeof(listed[0]), ids);
	afx_ok(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g, "HostDevice", "vnet4", (char *)NULL);
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni, "HostDevice", "tap7",
	       (char *)NULL);
	/* a NIC already on a device the list no longer allows keeps it when
	 * the request does not change it */
	f->env.host_devices = "vnet*";
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eni, "HostDevice", "tap7",
	       "NetworkInterfaceName", "kept", (char *)NULL);
	assert_int_equal(f->m.nnics, 2);

	/* a missing file is an empty table (no IPv6 in the kernel: no
	 * ipv6_route); one that cannot be read refuses rather than guess */
	sg_host_device_route_files("/proc/self/nonexistent-dir/route", "/dev/null");
	assert_int_equal(afx_run(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g,
				 "HostDevice", "vnet5", (char *)NULL), 200);
	sg_host_device_route_files("/", "/dev/null"); /* a directory: EISDIR */
	assert_int_equal(afx_run(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g,
				 "HostDevice", "vnet6", (char *)NULL), 500);
	sg_host_device_route_files("/dev/null", "/dev/null");
	unlink(p4);
	unlink(p6);
}

/* A NIC's addresses are unicast host addresses, primary and secondary,
 * IPv4 and IPv6 (docs/decisions.md, Tenancy). */
static void test_addresses_unicast_only(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	static const char *const bad4[] = {
		"0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.1", "239.255.255.250",
		"127.0.0.1", "127.255.0.9", "169.254.169.254", "169.254.0.1",
	};
	static const char *const bad6[] = {
		"::", "::1", "ff02::1", "ff05::1:3", "fe80::1", "febf::1", "::ffff:192.0.2.1", "::ffff:10.0.0.1",
	};
	for (size_t i = 0; i < sizeof(bad4) / sizeof(bad4[0]); i++) {
		assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g,
					 "PrimaryIpAddress", bad4[i], (char *)NULL), 400);
		assert_string_equal(afx_code(f), "InvalidPrivateIpAddress.Malformed");
		assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g,
					 "PrivateIpAddress.1", bad4[i], (char *)NULL), 400);
		assert_string_equal(afx_code(f), "InvalidPrivateIpAddress.Malformed");
	}
	for (size_t i = 0; i < sizeof(bad6) / sizeof(bad6[0]); i++) {
		assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g,
					 "Ipv6Address.1", bad6[i], (char *)NULL), 400);
		assert_string_equal(afx_code(f), "InvalidIpv6Address.Malformed");
		assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g,
					 "Ipv6Addresses.1", bad6[i], (char *)NULL), 400);
		assert_string_equal(afx_code(f), "InvalidIpv6Address.Malformed");
	}
	/* the administrator too: these are facts about addresses */
	assert_int_equal(afx_run(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g,
				 "PrimaryIpAddress", "127.0.0.1", (char *)NULL), 400);
	assert_non_null(strstr(f->r.message, "loopback"));
	assert_int_equal(f->m.nnics, 0);
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, "PrimaryIpAddress", "10.0.0.1",
	       "PrivateIpAddress.1", "100.64.0.1", "PrivateIpAddress.2", "223.255.255.254",
	       "PrivateIpAddress.3", "1.0.0.0", "Ipv6Address.1", "fd00::1", "Ipv6Address.2", "2001:db8::1",
	       "Ipv6Address.3", "fec0::1", (char *)NULL);
	assert_int_equal(f->m.nics[0].naddrs, 7);
}

/* A VPC is the account's that used it first: another account can neither
 * create in it nor learn, through Duplicated, which addresses are taken. */
static void test_vpc_belongs_to_first_user(void **state)
{
	struct afx *f = *state;
	char ga[SG_ID_LEN], gb[SG_ID_LEN], gadm[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", ga);
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", ga, "PrimaryIpAddress", "192.0.2.3",
	       (char *)NULL);
	afx_group(f, &f->bob, "normal", "vpc-b", gb);
	const char *ids[] = { ga, gb };
	static const struct afx_err rows[] = {
		{ "CreateSecurityGroup", { "VpcId", "vpc-a", NULL }, 404, "InvalidVpcId.NotFound" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "VpcId", "vpc-a", NULL }, 404,
		  "InvalidVpcId.NotFound" },
		/* the address Alice holds: the same answer, no Duplicated */
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "VpcId", "vpc-a",
		  "PrimaryIpAddress", "192.0.2.3", NULL }, 404, "InvalidVpcId.NotFound" },
		{ "CreateNetworkInterface", { "SecurityGroupId", "$1", "VpcId", "vpc-a",
		  "PrimaryIpAddress", "192.0.2.4", NULL }, 404, "InvalidVpcId.NotFound" },
	};
	afx_err_table(f, &f->bob, rows, sizeof(rows) / sizeof(rows[0]), ids);
	char msg[sizeof(f->r.message)];
	snprintf(msg, sizeof(msg), "%s", f->r.message);
	assert_null(strstr(msg, "vpc-a"));
	/* the answer for a VPC nobody has: it would be Bob's, nothing to learn */
	assert_int_equal(afx_run(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", gb, "VpcId", "vpc-zz",
				 (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupId.VpcMismatch");
	/* Bob's own VPC may hold the same address as Alice's */
	afx_ok(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", gb, "PrimaryIpAddress", "192.0.2.3",
	       (char *)NULL);
	assert_int_equal(f->m.ngroups, 2);

	/* the administrator uses any VPC; Alice's stays hers */
	char gx[SG_ID_LEN];
	afx_group(f, &f->admin, "normal", "vpc-b", gadm);
	assert_int_equal(afx_run(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", gadm,
				 "PrimaryIpAddress", "192.0.2.3", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidPrivateIpAddress.Duplicated"); /* Bob's, VPC-wide */
	afx_group(f, &f->bob, "normal", "vpc-b", gx);
	/* a VPC the administrator used first is not a tenant's */
	afx_group(f, &f->admin, "normal", "vpc-adm", gadm);
	assert_int_equal(afx_run(f, &f->bob, "CreateSecurityGroup", "VpcId", "vpc-adm", (char *)NULL), 404);
	assert_string_equal(afx_code(f), "InvalidVpcId.NotFound");

	/* the classic network ("" VPC) is each account's own */
	char ca[SG_ID_LEN], cb[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "", ca);
	afx_group(f, &f->bob, "normal", "", cb);
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", ca, "PrimaryIpAddress", "198.51.100.7",
	       (char *)NULL);
	afx_ok(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", cb, "PrimaryIpAddress", "198.51.100.7",
	       (char *)NULL);
	assert_int_equal(afx_run(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", cb,
				 "PrivateIpAddress.1", "198.51.100.7", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidPrivateIpAddress.Duplicated");

	/* once Alice has nothing left in vpc-a, it is free again */
	for (size_t i = f->m.nnics; i-- > 0;)
		if (strcmp(f->m.nics[i].vpc_id, "vpc-a") == 0)
			afx_ok(f, &f->alice, "DeleteNetworkInterface", "NetworkInterfaceId", f->m.nics[i].id,
			       (char *)NULL);
	afx_ok(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", ga, (char *)NULL);
	afx_group(f, &f->bob, "normal", "vpc-a", gx);
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-a", (char *)NULL), 404);
}

/* quota.nics_per_account: the next one is QuotaExceeded.Eni; other
 * accounts and the administrator are not held back, a deletion frees a
 * place, and a ClientToken retry still gets its first answer. */
static void test_nic_quota(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], gb[SG_ID_LEN], first[SG_ID_LEN];
	f->m.quota.nics_per_account = 2;
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	afx_group(f, &f->bob, "normal", "vpc-b", gb);
	json_t *b = afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, "ClientToken", "t1",
			   (char *)NULL);
	snprintf(first, sizeof(first), "%s", afx_s(b, "NetworkInterfaceId"));
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, (char *)NULL), 403);
	assert_string_equal(afx_code(f), "QuotaExceeded.Eni");
	assert_int_equal(f->m.nnics, 2);
	b = afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, "ClientToken", "t1",
		   (char *)NULL);
	assert_string_equal(afx_s(b, "NetworkInterfaceId"), first);
	afx_ok(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", gb, (char *)NULL);
	afx_ok(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g, (char *)NULL);
	assert_int_equal(f->m.nnics, 4);
	afx_ok(f, &f->alice, "DeleteNetworkInterface", "NetworkInterfaceId", first, (char *)NULL);
	afx_ok(f, &f->admin, "DeleteNetworkInterface", "NetworkInterfaceId", f->m.nics[0].id, (char *)NULL);
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", g, (char *)NULL);
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
		cmocka_unit_test_setup_teardown(test_host_device_tenant_refused, afx_setup, afx_teardown),
		cmocka_unit_test(test_default_route_parsing),
		cmocka_unit_test_setup_teardown(test_host_device_allowed_names, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_addresses_unicast_only, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_vpc_belongs_to_first_user, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_nic_quota, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
