/* test_authorize.c - AuthorizeSecurityGroup's contract, table-driven over the
 * spec's error table, plus defaults, identity and quotas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sgd/action.h"

static struct sg_model model;
static struct sg_account accounts[] = { { 1, "a@example.com" }, { 2, "b@example.com" } };
static struct sg_env env;
static const struct sg_caller owner1 = { .account = { 1, "a@example.com" } };

static void add_group(const char *id, const char *vpc, enum sg_group_type type, uint64_t owner)
{
	struct sg_group g = { .type = type, .owner_id = owner };
	snprintf(g.id, sizeof(g.id), "%s", id);
	snprintf(g.vpc_id, sizeof(g.vpc_id), "%s", vpc);
	g.inner_policy = type == SG_GROUP_NORMAL ? SG_POLICY_ACCEPT : SG_POLICY_DROP;
	assert_non_null(sg_group_add(&model, &g));
}

static int setup(void **state)
{
	(void)state;
	sg_model_init(&model);
	add_group("sg-aaa", "vpc-1", SG_GROUP_NORMAL, 1);
	add_group("sg-bbb", "vpc-1", SG_GROUP_NORMAL, 1);
	add_group("sg-ent", "vpc-1", SG_GROUP_ENTERPRISE, 1);
	add_group("sg-other", "vpc-1", SG_GROUP_NORMAL, 2);
	add_group("sg-vpc2", "vpc-2", SG_GROUP_NORMAL, 1);
	add_group("sg-classic", "", SG_GROUP_NORMAL, 1);
	add_group("sg-classic2", "", SG_GROUP_NORMAL, 1);
	struct sg_prefix_list pl4 = { .id = "pl-v4", .family = 4, .max_entries = 10, .owner_id = 1 };
	struct sg_prefix_list pl6 = { .id = "pl-v6", .family = 6, .max_entries = 10, .owner_id = 1 };
	assert_non_null(sg_pl_add(&model, &pl4));
	assert_non_null(sg_pl_add(&model, &pl6));
	struct sg_port_list prl = { .id = "prl-1", .max_entries = 10, .owner_id = 1 };
	assert_non_null(sg_prl_add(&model, &prl));
	env = (struct sg_env){ .model = &model, .region = "cn-hangzhou", .accounts = accounts,
			       .naccounts = 2 };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sg_model_free(&model);
	return 0;
}

/* Run an action with "K=V&K=V" parameters (no escaping needed here). */
static int run(const char *action, const char *query, const struct sg_caller *c, struct sg_reply *r)
{
	struct sg_params p;
	sg_params_init(&p);
	char *q = strdup(query), *save = NULL;
	for (char *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		assert_non_null(eq);
		*eq = '\0';
		sg_params_set(&p, kv, eq + 1);
	}
	free(q);
	sg_reply_init(r);
	int rc = sg_action_run(&env, action, &p, c, r);
	sg_params_free(&p);
	return rc;
}

#define BASE "RegionId=cn-hangzhou&SecurityGroupId=sg-aaa&"
#define P1 "Permissions.1."

struct err_case {
	const char *query;
	int status;
	const char *code;
};

static const struct err_case errors[] = {
	{ "SecurityGroupId=sg-aaa&" P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "MissingParameter" },
	{ "RegionId=cn-beijing&SecurityGroupId=sg-aaa&" P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidRegionId.NotFound" },
	{ "RegionId=cn-hangzhou", 400, "MissingParameter" },
	{ "RegionId=cn-hangzhou&SecurityGroupId=bad id", 400, "InvalidSecurityGroupId.Malformed" },
	{ "RegionId=cn-hangzhou&SecurityGroupId=sg-nope&" P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidSecurityGroupId.NotFound" },
	{ "RegionId=cn-hangzhou&SecurityGroupId=sg-other&" P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 401, "InvalidOperation.SecurityGroupNotAuthorized" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Policy=allow", 400, "InvalidPolicy.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Priority=abc", 400, "InvalidPriority.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Priority=101", 400, "InvalidPriority.ValueNotSupported" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Priority=0", 400, "InvalidPriority.ValueNotSupported" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=SCTP", 400, "InvalidIpProtocol.ValueNotSupported" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=256", 400, "InvalidIpProtocol.ValueNotSupported" },
	{ BASE P1 "SourceCidrIp=10.0.0.300/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidSourceCidrIp.Malformed" },
	{ BASE P1 "SourceCidrIp=2001:db8::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.SourceCidrIp" },
	{ BASE P1 "Ipv6SourceCidrIp=zz::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.Ipv6SourceCidrIp" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "Ipv6SourceCidrIp=2001:db8::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.SourceIp" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "DestCidrIp=192.0.2.0/24&" P1 "Ipv6DestCidrIp=2001:db8::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.DestIp" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "DestCidrIp=192.0.2.999/24&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidDestCidrIp.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "DestCidrIp=2001:db8::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.DestCidrIp" },
	{ BASE P1 "Ipv6SourceCidrIp=2001:db8::/32&" P1 "Ipv6DestCidrIp=nope&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.Ipv6DestCidrIp" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "Ipv6DestCidrIp=2001:db8::/32&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParameter.Conflict" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "DestCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParamter.Conflict" },
	{ BASE P1 "Ipv6SourceCidrIp=2001:db8::/32&" P1 "IpProtocol=1&" P1 "PortRange=-1/-1", 400, "InvalidParam.Ipv4ProtocolConflictWithIpv6Address" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "IpProtocol=58", 400, "InvalidParam.Ipv6ProtocolConflictWithIpv4Address" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "IpProtocol=ICMPv6&" P1 "PortRange=-1/-1", 400, "InvalidParam.Ipv6ProtocolConflictWithIpv4Address" },
	{ BASE P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "MissingParameter.Source" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "IpProtocol=TCP", 400, "InvalidPortRange.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22-23&" P1 "IpProtocol=TCP", 400, "InvalidParam.PortRange" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=0/70000&" P1 "IpProtocol=TCP", 400, "InvalidParam.PortRange" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=30/20&" P1 "IpProtocol=UDP", 400, "InvalidParam.PortRange" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=-1/-1&" P1 "IpProtocol=TCP", 400, "OperationDenied" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=ICMP", 400, "OperationDenied" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "SourcePortRange=x", 400, "InvalidSourcePortRange.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "IpProtocol=GRE&" P1 "SourcePortRange=1/2", 400, "InvalidSourcePortRange.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "NicType=wifi", 400, "InvalidNicType.ValueNotSupported" },
	{ BASE P1 "SourceGroupId=sg-bbb&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "NicType=internet", 403, "InvalidSourceGroupId.Mismatch" },
	{ BASE P1 "SourceGroupId=sg-vpc2&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidSourceGroupId.Mismatch" },
	{ BASE P1 "SourceGroupId=sg-classic&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 403, "InvalidNetworkType.Mismatch" },
	{ BASE P1 "SourceGroupId=sg-aaa&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 403, "InvalidParamter.Conflict" },
	{ BASE P1 "SourceGroupId=sg-zzz&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidSourceGroupId.NotFound" },
	{ BASE P1 "SourceGroupId=sg-other&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidSourceGroupId.NotFound" },
	{ BASE P1 "SourceGroupId=sg-other&" P1 "SourceGroupOwnerId=3&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidSourceGroupId.NotFound" },
	{ "RegionId=cn-hangzhou&SecurityGroupId=sg-ent&" P1 "SourceGroupId=sg-aaa&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidGroupAuthParameter.OperationDenied" },
	{ BASE P1 "SourcePrefixListId=pl-nope&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 404, "InvalidPrefixListId.NotFound" },
	{ BASE P1 "SourcePrefixListId=pl-v6&" P1 "DestCidrIp=192.0.2.0/24&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "InvalidParam.PrefixListAddressFamilyMismatch" },
	{ "RegionId=cn-hangzhou&SecurityGroupId=sg-classic&" P1 "SourcePrefixListId=pl-v4&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP", 400, "NotSupported.ClassicNetworkPrefixList" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRangeListId=prl-nope&" P1 "IpProtocol=TCP", 400, "InvalidPortRangeListId.NotFound" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRangeListId=prl-1&" P1 "IpProtocol=ICMP", 400, "InvalidParam.ProtocolNotSupportPortRangeList" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Description=http://x", 400, "InvalidSecurityGroupDiscription.Malformed" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&IpProtocol=TCP", 400, "InvalidParam.Permissions" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&Permissions.2.SourceCidrIp=10.0.0.0/8&Permissions.2.PortRange=22/22&Permissions.2.IpProtocol=tcp&Permissions.2.Priority=5", 400, "InvalidParam.DuplicatePermissions" },
	{ BASE, 400, "MissingParameter" },
	{ BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22", 400, "MissingParameter" },
};

static void test_error_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct sg_reply r;
		int rc = run("AuthorizeSecurityGroup", errors[i].query, &owner1, &r);
		if (rc != -1 || !r.code || strcmp(r.code, errors[i].code) != 0 || r.status != errors[i].status)
			fail_msg("case %zu (%s): want %d %s, got %d %s (%s)", i, errors[i].query,
				 errors[i].status, errors[i].code, r.status, r.code ? r.code : "success",
				 r.message);
		sg_reply_free(&r);
	}
	/* Nothing was added by any failing call. */
	assert_int_equal(sg_group_find(&model, "sg-aaa")->nrules, 0);
}

static void test_spec_examples(void **state)
{
	(void)state;
	struct sg_reply r;
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Policy=Accept", &owner1, &r), 0);
	sg_reply_free(&r);
	/* Second example: a group source and a prefix list source, both Drop. */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceGroupId=sg-bbb&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Policy=Drop&Permissions.2.SourcePrefixListId=pl-v4&Permissions.2.PortRange=22/22&Permissions.2.IpProtocol=TCP&Permissions.2.Policy=Drop", &owner1, &r), 0);
	sg_reply_free(&r);
	struct sg_group *g = sg_group_find(&model, "sg-aaa");
	assert_int_equal(g->nrules, 3);
	const struct sg_rule *a = &g->rules[0], *b = &g->rules[1], *c = &g->rules[2];
	assert_int_equal(a->policy, SG_POLICY_ACCEPT);
	assert_int_equal(a->priority, 1);           /* default */
	assert_string_equal(a->nic_type, "intranet"); /* VPC group */
	assert_string_equal(a->src_text, "10.0.0.0/8");
	assert_int_equal(a->dport.lo, 22);
	assert_true(strncmp(a->id, "sgr-", 4) == 0);
	assert_int_equal(b->src_kind, SG_SRC_GROUP);
	assert_int_equal(b->policy, SG_POLICY_DROP);
	assert_int_equal(c->src_kind, SG_SRC_PREFIX_LIST);
	assert_int_equal(c->family, 4);
}

static void test_existing_rule_adds_nothing(void **state)
{
	(void)state;
	struct sg_reply r;
	const char *q = BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=tcp";
	assert_int_equal(run("AuthorizeSecurityGroup", q, &owner1, &r), 0);
	sg_reply_free(&r);
	/* Same rule with another priority and description: success, nothing added. */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=10.0.0.0/8&" P1 "PortRange=22/22&" P1 "IpProtocol=TCP&" P1 "Priority=7&" P1 "Description=again", &owner1, &r), 0);
	sg_reply_free(&r);
	/* Host bits are masked: 10.1.2.3/8 is the same block. */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceCidrIp=10.1.2.3/8&PortRange=22/22&IpProtocol=TCP", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(sg_group_find(&model, "sg-aaa")->nrules, 1);
	/* Another policy is another rule. */
	assert_int_equal(run("AuthorizeSecurityGroup", q, &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceCidrIp=10.0.0.0/8&PortRange=22/22&IpProtocol=TCP&Policy=drop", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(sg_group_find(&model, "sg-aaa")->nrules, 2);
}

static void test_protocols_and_forms(void **state)
{
	(void)state;
	struct sg_reply r;
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.1-192.0.2.9&" P1 "IpProtocol=all&" P1 "PortRange=-1/-1", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.0/24&" P1 "IpProtocol=gre", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "Ipv6SourceCidrIp=2001:db8::/32&" P1 "IpProtocol=ICMPv6&" P1 "PortRange=-1/-1", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.0/24&" P1 "IpProtocol=132", &owner1, &r), 0);
	sg_reply_free(&r);
	/* ICMP by name with an IPv6 source: ICMPv6 (docs/semantics.md). */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "Ipv6SourceCidrIp=2001:db8:1::/48&" P1 "IpProtocol=icmp", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.0/24&" P1 "DestCidrIp=198.51.100.0/24&" P1 "IpProtocol=UDP&" P1 "PortRange=53/53&" P1 "SourcePortRange=1024/65535", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.0/24&" P1 "IpProtocol=TCP&" P1 "PortRangeListId=prl-1", &owner1, &r), 0);
	sg_reply_free(&r);
	/* Precedence: SourceCidrIp over SourceGroupId over SourcePrefixListId. */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=203.0.113.0/24&" P1 "SourceGroupId=sg-bbb&" P1 "SourcePrefixListId=pl-v4&" P1 "IpProtocol=TCP&" P1 "PortRange=80/80", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceGroupId=sg-bbb&" P1 "SourcePrefixListId=pl-v4&" P1 "IpProtocol=TCP&" P1 "PortRange=81/81", &owner1, &r), 0);
	sg_reply_free(&r);
	/* Cross-account group source, named with its owner. */
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceGroupId=sg-other&" P1 "SourceGroupOwnerId=2&" P1 "IpProtocol=TCP&" P1 "PortRange=82/82", &owner1, &r), 0);
	sg_reply_free(&r);
	struct sg_group *g = sg_group_find(&model, "sg-aaa");
	assert_int_equal(g->nrules, 10);
	assert_int_equal(g->rules[0].proto, SG_PROTO_ALL);
	assert_string_equal(g->rules[0].src_text, "192.0.2.1-192.0.2.9");
	assert_int_equal(g->rules[2].proto, SG_PROTO_ICMPV6);
	assert_int_equal(g->rules[3].proto, 132);
	assert_int_equal(g->rules[4].family, 6);
	assert_true(g->rules[5].has_dst && g->rules[5].has_sport);
	assert_string_equal(g->rules[6].port_list_id, "prl-1");
	assert_int_equal(g->rules[7].src_kind, SG_SRC_CIDR);
	assert_int_equal(g->rules[8].src_kind, SG_SRC_GROUP);
	assert_int_equal(g->rules[9].src_group_owner_id, 2);
	assert_string_equal(g->rules[9].src_group_owner_account, "b@example.com");
}

static void test_quotas(void **state)
{
	(void)state;
	model.quota.rules_per_group = 3;
	model.quota.group_rules_per_group = 1;
	struct sg_reply r;
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceGroupId=sg-bbb&IpProtocol=TCP&PortRange=1/1", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceGroupId=sg-bbb&IpProtocol=TCP&PortRange=2/2", &owner1, &r), -1);
	assert_string_equal(r.code, "AuthorizedGroupRule.LimitExceed");
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE P1 "SourceCidrIp=192.0.2.0/24&" P1 "IpProtocol=TCP&" P1 "PortRange=1/1&Permissions.2.SourceCidrIp=192.0.2.0/24&Permissions.2.IpProtocol=TCP&Permissions.2.PortRange=2/2&Permissions.3.SourceCidrIp=192.0.2.0/24&Permissions.3.IpProtocol=TCP&Permissions.3.PortRange=3/3", &owner1, &r), -1);
	assert_string_equal(r.code, "AuthorizationLimitExceed");
	assert_int_equal(r.status, 403);
	sg_reply_free(&r);
	assert_int_equal(sg_group_find(&model, "sg-aaa")->nrules, 1);
}

static void test_revoke_and_modify(void **state)
{
	(void)state;
	struct sg_reply r;
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceCidrIp=192.0.2.0/24&IpProtocol=TCP&PortRange=22/22", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(run("AuthorizeSecurityGroup", BASE "SourceCidrIp=192.0.2.0/24&IpProtocol=TCP&PortRange=80/80", &owner1, &r), 0);
	sg_reply_free(&r);
	struct sg_group *g = sg_group_find(&model, "sg-aaa");
	char id[SG_ID_LEN], q[256];
	snprintf(id, sizeof(id), "%s", g->rules[1].id);
	/* Modify the priority: same id, new priority. */
	snprintf(q, sizeof(q), BASE "SecurityGroupRuleId=%s&Priority=9", id);
	assert_int_equal(run("ModifySecurityGroupRule", q, &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(g->rules[1].priority, 9);
	assert_string_equal(g->rules[1].id, id);
	/* Modifying into a copy of rule 0 is refused. */
	snprintf(q, sizeof(q), BASE "SecurityGroupRuleId=%s&PortRange=22/22", id);
	assert_int_equal(run("ModifySecurityGroupRule", q, &owner1, &r), -1);
	sg_reply_free(&r);
	/* Revoke by fields: no match is a success that deletes nothing. */
	assert_int_equal(run("RevokeSecurityGroup", BASE "SourceCidrIp=192.0.2.0/24&IpProtocol=TCP&PortRange=23/23", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(g->nrules, 2);
	assert_int_equal(run("RevokeSecurityGroup", BASE "SourceCidrIp=192.0.2.0/24&IpProtocol=TCP&PortRange=22/22", &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(g->nrules, 1);
	/* Revoke by id: an unknown id fails. */
	assert_int_equal(run("RevokeSecurityGroup", BASE "SecurityGroupRuleId.1=sgr-nope", &owner1, &r), -1);
	assert_string_equal(r.code, "InvalidParam.SecurityGroupRuleId");
	sg_reply_free(&r);
	snprintf(q, sizeof(q), BASE "SecurityGroupRuleId.1=%s", id);
	assert_int_equal(run("RevokeSecurityGroup", q, &owner1, &r), 0);
	sg_reply_free(&r);
	assert_int_equal(g->nrules, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_error_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_examples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_rule_adds_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocols_and_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_and_modify, setup, teardown),
	};
	return cmocka_run_group_tests_name("authorize", tests, NULL, NULL);
}
