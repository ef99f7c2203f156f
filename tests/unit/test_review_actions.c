/* test_review_actions.c - adversarial review of the control plane against the
 * contract (spec page, docs/api.md, docs/semantics.md, docs/decisions.md): request forms,
 * defaults, quotas that other actions could bypass, cross-account sources,
 * ClientToken replays, references that block deletes, and the verdicts the
 * resulting model compiles to. */
#include "actions_fixture.h"

#include "sgd/compile.h"
#include "review_eval.h"

static const struct sg_account accounts[] = {
	{ ALICE_ID, "alice@example.com" },
	{ BOB_ID, "bob@example.com" },
};

static int setup(void **state)
{
	struct afx *f = afx_new(true);
	f->env.accounts = accounts;
	f->env.naccounts = 2;
	*state = f;
	return 0;
}

/* The rule of group gid whose PortRange (as described) is ports; NULL if none. */
static json_t *rule_by_ports(struct afx *f, const char *gid, const char *ports)
{
	json_t *b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", gid,
			   (char *)NULL);
	json_t *arr = afx_at(b, "Permissions.Permission");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(afx_s(v, "PortRange"), ports))
			return v;
	return NULL;
}

/* Sparse Permissions.N indexes (1 and 3) are two permissions; the defaults
 * are Policy accept and Priority 1, answered as the SDK's model wants. */
static void test_sparse_indexes_and_defaults(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-1", g);
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
	       "Permissions.1.SourceCidrIp", "192.0.2.0/24", "Permissions.1.IpProtocol", "tcp",
	       "Permissions.1.PortRange", "22/22",
	       "Permissions.3.SourceCidrIp", "198.51.100.0/24", "Permissions.3.IpProtocol", "udp",
	       "Permissions.3.PortRange", "53/53", "Permissions.3.Policy", "DROP",
	       "Permissions.3.Priority", "100", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->nrules, 2);
	json_t *r = rule_by_ports(f, g, "22/22");
	assert_non_null(r);
	assert_string_equal(afx_s(r, "Policy"), "Accept");
	assert_string_equal(afx_s(r, "Priority"), "1");
	assert_string_equal(afx_s(r, "IpProtocol"), "TCP");
	assert_string_equal(afx_s(r, "Direction"), "ingress");
	r = rule_by_ports(f, g, "53/53");
	assert_non_null(r);
	assert_string_equal(afx_s(r, "Policy"), "Drop");
	assert_string_equal(afx_s(r, "Priority"), "100");
	/* the deprecated top-level form next to Permissions.N is refused */
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "Permissions.1.SourceCidrIp", "192.0.2.0/24", "Permissions.1.IpProtocol", "TCP",
				 "Permissions.1.PortRange", "23/23", "Priority", "5", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidParam.Permissions");
	/* an index with a leading zero names no permission the fields could be read back from */
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "Permissions.01.SourceCidrIp", "192.0.2.0/24", "Permissions.01.IpProtocol", "TCP",
				 "Permissions.01.PortRange", "23/23", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidParameter");
	/* the deprecated form alone works, with the same defaults */
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "24/24", (char *)NULL);
	r = rule_by_ports(f, g, "24/24");
	assert_non_null(r);
	assert_string_equal(afx_s(r, "Priority"), "1");
	assert_string_equal(afx_s(r, "Policy"), "Accept");
}

/* ModifySecurityGroupRule may not go around the quotas AuthorizeSecurityGroup
 * enforces: 20 group-sourced rules per basic group, 1,000 per NIC with a port
 * list counting as its MaxEntries. */
static void test_modify_respects_quotas(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], src[SG_ID_LEN], rid[SG_ID_LEN];
	f->m.quota.group_rules_per_group = 1;
	afx_group(f, &f->alice, "normal", "vpc-1", g);
	afx_group(f, &f->alice, "normal", "vpc-1", src);
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceGroupId", src,
	       "IpProtocol", "TCP", "PortRange", "22/22", (char *)NULL);
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "80/80", (char *)NULL);
	snprintf(rid, sizeof(rid), "%s", sg_group_find(&f->m, g)->rules[1].id);
	assert_int_equal(afx_run(f, &f->alice, "ModifySecurityGroupRule", "SecurityGroupId", g,
				 "SecurityGroupRuleId", rid, "SourceGroupId", src, (char *)NULL), 400);
	assert_string_equal(afx_code(f), "AuthorizedGroupRule.LimitExceed");
	assert_int_equal(sg_group_find(&f->m, g)->rules[1].src_kind, SG_SRC_CIDR);

	/* a NIC in g with 2 rules; quota 10; a port list of MaxEntries 20 */
	f->m.quota.rules_per_nic = 10;
	afx_ok(f, &f->admin, "CreateNetworkInterface", "SecurityGroupId", g, "VpcId", "vpc-1",
	       "PrimaryIpAddress", "192.0.2.10", "HostDevice", "tap0", (char *)NULL);
	json_t *b = afx_ok(f, &f->alice, "CreatePortRangeList", "PortRangeListName", "big", "MaxEntries", "20",
			   "Entry.1.PortRange", "443/443", (char *)NULL);
	char prl[SG_ID_LEN];
	snprintf(prl, sizeof(prl), "%s", afx_s(b, "PortRangeListId"));
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceCidrIp", "198.51.100.0/24", "IpProtocol", "TCP", "PortRangeListId", prl,
				 (char *)NULL), 403);
	assert_string_equal(afx_code(f), "AuthorizationLimitExceed");
	assert_int_equal(afx_run(f, &f->alice, "ModifySecurityGroupRule", "SecurityGroupId", g,
				 "SecurityGroupRuleId", rid, "PortRangeListId", prl, (char *)NULL), 403);
	assert_string_equal(afx_code(f), "AuthorizationLimitExceed");
	assert_string_equal(sg_group_find(&f->m, g)->rules[1].port_list_id, "");
	/* a change that keeps the cost is fine */
	afx_ok(f, &f->alice, "ModifySecurityGroupRule", "SecurityGroupId", g, "SecurityGroupRuleId", rid,
	       "Priority", "7", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->rules[1].priority, 7);
}

/* "1 to 512 characters": characters, not bytes (as the resource actions count). */
static void test_rule_description_counts_characters(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], desc[3 * 300 + 1] = "";
	afx_group(f, &f->alice, "normal", "vpc-1", g);
	for (int i = 0; i < 300; i++)
		strcat(desc, "\xe5\xae\x89"); /* one CJK character, three bytes */
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "22/22", "Description", desc, (char *)NULL);
	json_t *r = rule_by_ports(f, g, "22/22");
	assert_non_null(r);
	assert_string_equal(afx_s(r, "Description"), desc);
	char longer[514];
	memset(longer, 'a', 513);
	longer[513] = 0;
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceCidrIp", "192.0.2.0/24", "IpProtocol", "TCP", "PortRange", "23/23",
				 "Description", longer, (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupDiscription.Malformed");
}

/* A group-sourced ICMP rule (IANA number 1) towards an IPv6 destination is
 * the IPv4-protocol with IPv6-address error of the spec; the name ICMP there
 * means ICMPv6 and is accepted. */
static void test_group_icmp_ipv6_destination(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], src[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-1", g);
	afx_group(f, &f->alice, "normal", "vpc-1", src);
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceGroupId", src, "IpProtocol", "1", "Ipv6DestCidrIp", "2001:db8::/64",
				 (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidParam.Ipv4ProtocolConflictWithIpv6Address");
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceGroupId", src, "IpProtocol", "ICMPv6", "DestCidrIp", "192.0.2.0/24",
				 (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidParam.Ipv6ProtocolConflictWithIpv4Address");
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceGroupId", src,
	       "IpProtocol", "ICMP", "Ipv6DestCidrIp", "2001:db8::/96", (char *)NULL);
	/* ICMPv6 towards an IPv6 destination is fine */
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceGroupId", src,
	       "IpProtocol", "ICMPv6", "Ipv6DestCidrIp", "2001:db8::/64", (char *)NULL);
}

/* Bob names Alice's group as a source with its owner; the group cannot be
 * deleted while referenced; the verdicts follow Alice's members.  Classic
 * groups: a VPC is one account's (docs/decisions.md, Tenancy). */
static void test_cross_account_source(void **state)
{
	struct afx *f = *state;
	char ga[SG_ID_LEN], gb[SG_ID_LEN], eb[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "", ga);
	afx_group(f, &f->bob, "normal", "", gb);
	/* without the owner it is looked up in Bob's account */
	assert_int_equal(afx_run(f, &f->bob, "AuthorizeSecurityGroup", "SecurityGroupId", gb,
				 "SourceGroupId", ga, "IpProtocol", "TCP", "PortRange", "22/22", (char *)NULL), 404);
	assert_string_equal(afx_code(f), "InvalidSourceGroupId.NotFound");
	afx_ok(f, &f->bob, "AuthorizeSecurityGroup", "SecurityGroupId", gb, "SourceGroupId", ga,
	       "SourceGroupOwnerAccount", "alice@example.com", "IpProtocol", "TCP", "PortRange", "22/22",
	       (char *)NULL);
	/* the same rule named by owner id exists already */
	afx_ok(f, &f->bob, "AuthorizeSecurityGroup", "SecurityGroupId", gb, "SourceGroupId", ga,
	       "SourceGroupOwnerId", "1111111111", "IpProtocol", "TCP", "PortRange", "22/22", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, gb)->nrules, 1);
	json_t *b = afx_ok(f, &f->bob, "DescribeSecurityGroupAttribute", "SecurityGroupId", gb, "NicType",
			   "intranet", (char *)NULL);
	assert_string_equal(afx_s(b, "Permissions.Permission.0.SourceGroupOwnerAccount"), "alice@example.com");
	assert_int_equal(afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", ga, (char *)NULL), 403);
	assert_string_equal(afx_code(f), "DependencyViolation");

	/* verdicts: Alice's remote NIC reaches Bob's local NIC on 22 only */
	afx_ok(f, &f->alice, "CreateNetworkInterface", "SecurityGroupId", ga,
	       "PrimaryIpAddress", "192.0.2.20", (char *)NULL);
	json_t *nb = afx_ok(f, &f->bob, "CreateNetworkInterface", "SecurityGroupId", gb,
			    "PrimaryIpAddress", "192.0.2.30", (char *)NULL);
	snprintf(eb, sizeof(eb), "%s", afx_s(nb, "NetworkInterfaceId"));
	/* only the administrator binds a device */
	afx_ok(f, &f->admin, "ModifyNetworkInterfaceAttribute", "NetworkInterfaceId", eb, "HostDevice", "tap9",
	       (char *)NULL);
	struct ir_table t;
	ir_table_init(&t, "sgd", IR_MODE_HOST);
	assert_int_equal(sg_compile(&f->m, IR_MODE_HOST, &t), 0);
	struct ev_pkt p = { .dev = "tap9", .family = 4, .proto = 6, .sport = 40000, .dport = 22, .ct = IR_CT_NEW };
	inet_pton(AF_INET, "192.0.2.20", p.saddr);
	inet_pton(AF_INET, "192.0.2.30", p.daddr);
	assert_int_equal(ev_ir(&t, &p), EV_ACCEPT);
	assert_int_equal(ev_model(&f->m, &p), EV_ACCEPT);
	p.dport = 23;
	assert_int_equal(ev_ir(&t, &p), EV_DROP);
	inet_pton(AF_INET, "192.0.2.21", p.saddr);
	p.dport = 22;
	assert_int_equal(ev_ir(&t, &p), EV_DROP);
	ir_table_free(&t);
}

/* The local administrator's account is not in the credentials file; naming
 * it as the owner by id and name together still finds its own groups. */
static void test_admin_names_itself_as_owner(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], src[SG_ID_LEN], id[24];
	f->admin.account.id = 1;
	snprintf(f->admin.account.name, SG_ACCOUNT_LEN, "local-admin");
	afx_group(f, &f->admin, "normal", "vpc-1", g);
	afx_group(f, &f->admin, "normal", "vpc-1", src);
	snprintf(id, sizeof(id), "%llu", (unsigned long long)f->admin.account.id);
	afx_ok(f, &f->admin, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceGroupId", src,
	       "SourceGroupOwnerId", id, "SourceGroupOwnerAccount", "local-admin", "IpProtocol", "TCP",
	       "PortRange", "22/22", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->nrules, 1);
	assert_int_equal(afx_run(f, &f->admin, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceGroupId", src, "SourceGroupOwnerId", id, "SourceGroupOwnerAccount",
				 "someone-else", "IpProtocol", "TCP", "PortRange", "23/23", (char *)NULL), 404);
	assert_string_equal(afx_code(f), "InvalidSourceGroupId.NotFound");
}

/* ClientToken: per (account, action, token); a retry answers the first answer
 * and changes nothing; other parameters are a mismatch; another action with the
 * same token runs on its own. */
static void test_client_token_across_actions(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], g2[SG_ID_LEN];
	json_t *b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "ClientToken", "tok-1",
			   (char *)NULL);
	snprintf(g, sizeof(g), "%s", afx_s(b, "SecurityGroupId"));
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "ClientToken", "tok-1", (char *)NULL);
	assert_string_equal(afx_s(b, "SecurityGroupId"), g);
	assert_int_equal(f->m.ngroups, 1);
	/* Bob's tok-1 is his own */
	b = afx_ok(f, &f->bob, "CreateSecurityGroup", "VpcId", "vpc-2", "ClientToken", "tok-1", (char *)NULL);
	snprintf(g2, sizeof(g2), "%s", afx_s(b, "SecurityGroupId"));
	assert_string_not_equal(g, g2);

	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "22/22", "ClientToken", "tok-1", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->nrules, 1);
	/* revoke with the same token: another action, it runs */
	afx_ok(f, &f->alice, "RevokeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "22/22", "ClientToken", "tok-1", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->nrules, 0);
	/* a retry of the authorize answers success and adds nothing again */
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourceCidrIp", "192.0.2.0/24",
	       "IpProtocol", "TCP", "PortRange", "22/22", "ClientToken", "tok-1", (char *)NULL);
	assert_int_equal(sg_group_find(&f->m, g)->nrules, 0);
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "SourceCidrIp", "192.0.2.0/24", "IpProtocol", "TCP", "PortRange", "23/23",
				 "ClientToken", "tok-1", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "IdempotentParameterMismatch");
}

/* Deleting what a rule or a NIC still uses is refused; the NIC's groups must
 * share one VPC and one type; at most 5 groups. */
static void test_references_and_nic_groups(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN], v2[SG_ID_LEN], e[SG_ID_LEN], gs[6][SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-1", g);
	afx_group(f, &f->alice, "normal", "vpc-2", v2);
	afx_group(f, &f->alice, "enterprise", "vpc-1", e);
	json_t *b = afx_ok(f, &f->alice, "CreatePrefixList", "PrefixListName", "pl", "AddressFamily", "IPv6",
			   "MaxEntries", "5", "Entry.1.Cidr", "2001:db8::/64", (char *)NULL);
	char pl[SG_ID_LEN];
	snprintf(pl, sizeof(pl), "%s", afx_s(b, "PrefixListId"));
	afx_ok(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g, "SourcePrefixListId", pl,
	       "IpProtocol", "ICMPv6", (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "DeletePrefixList", "PrefixListId", pl, (char *)NULL), 400);
	assert_string_equal(afx_code(f), "NotAllowed.AssociationExist");
	/* an IPv4 entry cannot enter an IPv6 list the rule matches */
	assert_int_equal(afx_run(f, &f->alice, "ModifyPrefixList", "PrefixListId", pl,
				 "AddEntry.1.Cidr", "192.0.2.0/24", (char *)NULL), 400);
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupIds.1", g,
				 "SecurityGroupIds.2", v2, "PrimaryIpAddress", "192.0.2.5", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupId.VpcMismatch");
	assert_int_equal(afx_run(f, &f->alice, "CreateNetworkInterface", "SecurityGroupIds.1", g,
				 "SecurityGroupIds.2", e, "PrimaryIpAddress", "192.0.2.5", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupType.Mismatch");
	for (int i = 0; i < 6; i++)
		afx_group(f, &f->alice, "normal", "vpc-1", gs[i]);
	b = afx_ok(f, &f->admin, "CreateNetworkInterface", "SecurityGroupIds.1", gs[0], "SecurityGroupIds.2", gs[1],
		   "SecurityGroupIds.3", gs[2], "SecurityGroupIds.4", gs[3], "SecurityGroupIds.5", gs[4],
		   "PrimaryIpAddress", "192.0.2.6", "HostDevice", "tap1", (char *)NULL);
	char eni[SG_ID_LEN];
	snprintf(eni, sizeof(eni), "%s", afx_s(b, "NetworkInterfaceId"));
	assert_int_equal(afx_run(f, &f->alice, "JoinSecurityGroup", "NetworkInterfaceId", eni,
				 "SecurityGroupId", gs[5], (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InstanceSecurityGroupLimitExceeded");
	assert_int_equal(afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", gs[0], (char *)NULL), 403);
	assert_string_equal(afx_code(f), "DependencyViolation");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sparse_indexes_and_defaults, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_modify_respects_quotas, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_rule_description_counts_characters, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_group_icmp_ipv6_destination, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_cross_account_source, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_admin_names_itself_as_owner, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_client_token_across_actions, setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_references_and_nic_groups, setup, afx_teardown),
	};
	return cmocka_run_group_tests_name("review_actions", tests, NULL, NULL);
}
