/* test_sgctl.c - sgctl's pure parts: the action table, the command line to
 * request parameters mapping, and the tables of the describe actions.  The
 * sources are included so their static helpers are reachable and no libcurl
 * is needed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/sgctl/actions.c"
#include "../../src/sgctl/args.c"
#include "../../src/sgctl/table.c"

#define ARGV(...) ((char *[]){ "sgctl", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "sgctl", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(r, err, warn, ...) ctl_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), r, err, \
					   sizeof(err), warn)

/* The actions docs/api.md documents: each must be a subcommand. */
static const char *const guide_actions[] = {
	"CreateSecurityGroup", "DeleteSecurityGroup", "DescribeSecurityGroups",
	"DescribeSecurityGroupAttribute", "AuthorizeSecurityGroup", "RevokeSecurityGroup",
	"ModifySecurityGroupRule", "ModifySecurityGroupPolicy", "CreatePrefixList",
	"ModifyPrefixList", "DeletePrefixList", "DescribePrefixLists",
	"DescribePrefixListAttributes", "CreatePortRangeList", "ModifyPortRangeList",
	"DeletePortRangeList", "DescribePortRangeLists", "CreateNetworkInterface",
	"DeleteNetworkInterface", "DescribeNetworkInterfaces", "JoinSecurityGroup",
	"LeaveSecurityGroup", "ModifyNetworkInterfaceAttribute",
};

/* ---- action table ---- */

static void test_kebab(void **state)
{
	char buf[64], tiny[8];

	assert_int_equal(ctl_kebab("DescribeSecurityGroupAttribute", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "describe-security-group-attribute");
	assert_int_equal(ctl_kebab("ModifyNetworkInterfaceAttribute", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "modify-network-interface-attribute");
	assert_int_equal(ctl_kebab("CreatePortRangeList", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "create-port-range-list");
	assert_int_equal(ctl_kebab("CreatePrefixList", tiny, sizeof(tiny)), -ENOSPC);
}

static void test_every_guide_action_is_a_command(void **state)
{
	char kebab[96];

	assert_int_equal(ctl_nactions, sizeof(guide_actions) / sizeof(guide_actions[0]));
	for (size_t i = 0; i < sizeof(guide_actions) / sizeof(guide_actions[0]); i++) {
		const struct ctl_action *a;
		assert_int_equal(ctl_kebab(guide_actions[i], kebab, sizeof(kebab)), 0);
		a = ctl_action_find(kebab);
		assert_non_null(a);
		assert_string_equal(a->name, guide_actions[i]);
		assert_ptr_equal(ctl_action_find(guide_actions[i]), a);
		assert_non_null(a->params[0].name); /* every action documents parameters */
	}
	assert_null(ctl_action_find("describe-security-group"));
	assert_null(ctl_action_find("raw"));
}

static void test_id_params(void **state)
{
	assert_string_equal(ctl_action_find("delete-security-group")->id_param, "SecurityGroupId");
	assert_string_equal(ctl_action_find("modify-prefix-list")->id_param, "PrefixListId");
	assert_string_equal(ctl_action_find("delete-port-range-list")->id_param, "PortRangeListId");
	assert_string_equal(ctl_action_find("delete-network-interface")->id_param,
			    "NetworkInterfaceId");
	assert_string_equal(ctl_action_find("describe-prefix-lists")->id_param, "PrefixListId.1");
	assert_null(ctl_action_find("create-security-group")->id_param);
}

static void test_param_known(void **state)
{
	const struct ctl_action *a = ctl_action_find("authorize-security-group");

	assert_true(ctl_param_known(a, "SecurityGroupId"));
	assert_true(ctl_param_known(a, "Permissions.1.Policy"));
	assert_true(ctl_param_known(a, "Permissions.100.SourcePortRange"));
	assert_true(ctl_param_known(a, "RegionId"));
	assert_false(ctl_param_known(a, "Permissions..Policy"));
	assert_false(ctl_param_known(a, "Permissions.x.Policy"));
	assert_false(ctl_param_known(a, "Permissions.1.Polic"));
	assert_false(ctl_param_known(a, "Permissions.1"));
	/* "NicType" starts with N but is no index */
	assert_true(ctl_param_known(a, "Permissions.2.NicType"));
	assert_false(ctl_param_known(a, "Permissions.2.7icType"));
}

/* ---- command line ---- */

static void assert_param(const struct ctl_req *r, size_t i, const char *k, const char *v)
{
	assert_true(i < r->n);
	assert_string_equal(r->v[i].key, k);
	assert_string_equal(r->v[i].value, v);
}

static void test_parse_named_params(void **state)
{
	struct ctl_req r;
	char err[256] = "";

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "create-security-group", "--SecurityGroupName", "web",
			       "--VpcId", "vpc-1"), 0);
	assert_ptr_equal(r.action, ctl_action_find("CreateSecurityGroup"));
	assert_int_equal(r.n, 5);
	assert_param(&r, 0, "Action", "CreateSecurityGroup");
	assert_param(&r, 1, "RegionId", "cn-hangzhou");
	assert_param(&r, 2, "Version", "2014-05-26");
	assert_param(&r, 3, "SecurityGroupName", "web");
	assert_param(&r, 4, "VpcId", "vpc-1");
	assert_false(r.table);
	ctl_req_free(&r);
}

static void test_parse_positional_and_pairs(void **state)
{
	struct ctl_req r;
	char err[256] = "";

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "authorize-security-group", "sg-abc",
			       "Permissions.1.SourceCidrIp=10.0.0.0/8",
			       "Permissions.1.PortRange=22/22", "Permissions.1.IpProtocol=TCP",
			       "--Permissions.2.PortRange", "-1/-1", "--Permissions.2.Description=a=b"),
			 0);
	assert_int_equal(r.n, 9);
	assert_param(&r, 0, "Action", "AuthorizeSecurityGroup");
	assert_param(&r, 3, "SecurityGroupId", "sg-abc");
	assert_param(&r, 4, "Permissions.1.SourceCidrIp", "10.0.0.0/8");
	assert_param(&r, 5, "Permissions.1.PortRange", "22/22");
	assert_param(&r, 6, "Permissions.1.IpProtocol", "TCP");
	/* a value may start with a dash: --Param takes the next word as is */
	assert_param(&r, 7, "Permissions.2.PortRange", "-1/-1");
	/* only the first '=' separates */
	assert_param(&r, 8, "Permissions.2.Description", "a=b");
	ctl_req_free(&r);
}

static void test_parse_second_positional(void **state)
{
	struct ctl_req r;
	char err[256] = "";

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "join-security-group", "sg-1", "eni-2"), 0);
	assert_string_equal(ctl_req_get(&r, "SecurityGroupId"), "sg-1");
	assert_string_equal(ctl_req_get(&r, "NetworkInterfaceId"), "eni-2");
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "revoke-security-group", "sg-1", "sgr-9"), 0);
	assert_string_equal(ctl_req_get(&r, "SecurityGroupRuleId.1"), "sgr-9");
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "describe-network-interfaces", "eni-7", "--table"), 0);
	assert_string_equal(ctl_req_get(&r, "NetworkInterfaceId.1"), "eni-7");
	assert_true(r.table);
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "delete-security-group", "sg-1", "sg-2"), -EINVAL);
	assert_non_null(strstr(err, "sg-2"));
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "create-security-group", "web"), -EINVAL);
	ctl_req_free(&r);
}

static void test_parse_globals(void **state)
{
	struct ctl_req r;
	char err[256] = "";

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "--socket", "/tmp/x.sock", "delete-prefix-list",
			       "pl-1", "--region=eu-west-1", "--json"), 0);
	assert_string_equal(r.socket, "/tmp/x.sock");
	assert_string_equal(ctl_req_get(&r, "RegionId"), "eu-west-1");
	assert_string_equal(ctl_req_get(&r, "PrefixListId"), "pl-1");
	assert_true(r.json);
	ctl_req_free(&r);

	/* an explicit RegionId parameter beats --region; a key given twice keeps
	 * its last value */
	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "--region", "a", "delete-prefix-list", "pl-1",
			       "RegionId=b", "--PrefixListId", "pl-2"), 0);
	assert_string_equal(ctl_req_get(&r, "RegionId"), "b");
	assert_string_equal(ctl_req_get(&r, "PrefixListId"), "pl-2");
	assert_int_equal(r.n, 4);
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "authorize-security-group", "--help"), 0);
	assert_true(r.help);
	assert_ptr_equal(r.action, ctl_action_find("AuthorizeSecurityGroup"));
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "--help"), 0);
	assert_true(r.help);
	assert_null(r.action);
	ctl_req_free(&r);
}

static void test_parse_errors(void **state)
{
	struct ctl_req r;
	char err[256];

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "describe-everything"), -EINVAL);
	assert_non_null(strstr(err, "unknown command"));
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "create-security-group", "--VpcId"), -EINVAL);
	assert_non_null(strstr(err, "VpcId"));
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "delete-security-group", "=sg-1"), -EINVAL);
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "--socket"), -EINVAL);
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "-x", "describe-security-groups"), -EINVAL);
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(ctl_parse(1, (char *[]){ "sgctl", NULL }, &r, err, sizeof(err), NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "no command"));
	ctl_req_free(&r);
}

static void test_parse_raw(void **state)
{
	struct ctl_req r;
	char err[256] = "";

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "raw", "Foo=1", "Action=DescribeSecurityGroups"), 0);
	assert_true(r.raw);
	assert_int_equal(r.n, 3);
	/* Action first, no RegionId unless asked, Version always */
	assert_param(&r, 0, "Action", "DescribeSecurityGroups");
	assert_param(&r, 1, "Version", "2014-05-26");
	assert_param(&r, 2, "Foo", "1");
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "raw", "DescribeSecurityGroups", "--region", "r1"),
			 0);
	assert_param(&r, 0, "Action", "DescribeSecurityGroups");
	assert_param(&r, 1, "RegionId", "r1");
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "raw", "Foo=1"), -EINVAL);
	assert_non_null(strstr(err, "Action"));
	ctl_req_free(&r);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "raw", "Action=X", "stray"), -EINVAL);
	ctl_req_free(&r);
}

static void test_parse_warns_unknown_params(void **state)
{
	struct ctl_req r;
	char err[256] = "", *out = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&out, &len);

	assert_non_null(warn);
	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, warn, "create-security-group", "--SecurityGroupNam", "x",
			       "--VpcId", "vpc-1"), 0);
	fclose(warn);
	assert_non_null(strstr(out, "SecurityGroupNam is not a parameter"));
	assert_null(strstr(out, "VpcId"));
	/* still sent: sgd decides */
	assert_string_equal(ctl_req_get(&r, "SecurityGroupNam"), "x");
	free(out);
	ctl_req_free(&r);
}

/* ---- tables ---- */

static char *render(const char *action, const char *json)
{
	json_error_t jerr;
	json_t *body = json_loads(json, 0, &jerr);
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!body)
		fail_msg("bad test JSON: %s", jerr.text);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	rc = ctl_render_table(action, body, f);
	fclose(f);
	json_decref(body);
	assert_int_equal(rc, 0);
	return out;
}

static void test_table_rules(void **state)
{
	char *out = render("DescribeSecurityGroupAttribute",
		"{\"RequestId\":\"r\",\"SecurityGroupId\":\"sg-1\",\"SecurityGroupName\":\"web\","
		"\"VpcId\":\"vpc-1\",\"InnerAccessPolicy\":\"Accept\",\"Permissions\":{\"Permission\":["
		"{\"SecurityGroupRuleId\":\"sgr-a\",\"Priority\":1,\"Policy\":\"Accept\","
		"\"IpProtocol\":\"TCP\",\"PortRange\":\"22/22\",\"SourceCidrIp\":\"10.0.0.0/8\","
		"\"Ipv6SourceCidrIp\":\"\",\"DestCidrIp\":\"\",\"SourcePortRange\":\"\","
		"\"Description\":\"ssh\\nfrom lan\"},"
		"{\"SecurityGroupRuleId\":\"sgr-bb\",\"Priority\":\"100\",\"Policy\":\"Drop\","
		"\"IpProtocol\":\"UDP\",\"PortRange\":\"-1/-1\",\"PortRangeListId\":\"prl-1\","
		"\"SourceGroupId\":\"sg-2\",\"DestCidrIp\":\"192.0.2.0/24\","
		"\"SourcePortRange\":\"53/53\"},"
		"{\"SecurityGroupRuleId\":\"sgr-c\",\"Priority\":5,\"Policy\":\"Accept\","
		"\"IpProtocol\":\"ICMPv6\",\"PortRange\":\"-1/-1\","
		"\"Ipv6SourceCidrIp\":\"2001:db8::/32\",\"SourcePrefixListId\":\"\"}]}}");

	assert_string_equal(out,
		"SecurityGroupId: sg-1  Name: web  VpcId: vpc-1  InnerAccessPolicy: Accept\n\n"
		"RuleId  Priority  Policy  Protocol  Ports  Source         Dest          SourcePorts  Description\n"
		"sgr-a   1         Accept  TCP       22/22  10.0.0.0/8     -             -            ssh from lan\n"
		"sgr-bb  100       Drop    UDP       prl-1  sg-2           192.0.2.0/24  53/53        -\n"
		"sgr-c   5         Accept  ICMPv6    -1/-1  2001:db8::/32  -             -            -\n");
	free(out);
}

static void test_table_no_rules(void **state)
{
	char *out = render("DescribeSecurityGroupAttribute",
			   "{\"SecurityGroupId\":\"sg-1\",\"Permissions\":{\"Permission\":[]}}");

	assert_string_equal(out,
		"SecurityGroupId: sg-1  Name: -  VpcId: -  InnerAccessPolicy: -\n\n"
		"RuleId  Priority  Policy  Protocol  Ports  Source  Dest  SourcePorts  Description\n");
	free(out);
}

static void test_table_groups(void **state)
{
	char *out = render("DescribeSecurityGroups",
		"{\"SecurityGroups\":{\"SecurityGroup\":["
		"{\"SecurityGroupId\":\"sg-1\",\"SecurityGroupName\":\"web\",\"SecurityGroupType\":"
		"\"normal\",\"VpcId\":\"vpc-1\",\"RuleCount\":3,\"CreationTime\":\"2026-01-02T03:04Z\","
		"\"Description\":\"front\"},"
		"{\"SecurityGroupId\":\"sg-22\",\"SecurityGroupType\":\"enterprise\",\"RuleCount\":0}]}}");

	assert_string_equal(out,
		"SecurityGroupId  Name  Type        VpcId  Rules  Created            Description\n"
		"sg-1             web   normal      vpc-1  3      2026-01-02T03:04Z  front\n"
		"sg-22            -     enterprise  -      0      -                  -\n");
	free(out);
}

static void test_table_lists(void **state)
{
	char *out = render("DescribePrefixLists",
		"{\"PrefixLists\":{\"PrefixList\":[{\"PrefixListId\":\"pl-1\",\"PrefixListName\":"
		"\"lan\",\"AddressFamily\":\"IPv4\",\"MaxEntries\":10,\"AssociationCount\":2}]}}");
	assert_string_equal(out,
		"PrefixListId  Name  Family  MaxEntries  Associations  Created  Description\n"
		"pl-1          lan   IPv4    10          2             -        -\n");
	free(out);

	out = render("DescribePrefixListAttributes",
		"{\"PrefixListId\":\"pl-1\",\"PrefixListName\":\"lan\",\"AddressFamily\":\"IPv4\","
		"\"MaxEntries\":10,\"Entries\":{\"Entry\":[{\"Cidr\":\"192.0.2.0/24\","
		"\"Description\":\"lab\"},{\"Cidr\":\"198.51.100.0/24\"}]}}");
	assert_string_equal(out,
		"PrefixListId: pl-1  Name: lan  AddressFamily: IPv4  MaxEntries: 10\n\n"
		"Cidr             Description\n"
		"192.0.2.0/24     lab\n"
		"198.51.100.0/24  -\n");
	free(out);

	/* Alibaba returns PortRangeLists as a bare array */
	out = render("DescribePortRangeLists",
		"{\"PortRangeLists\":[{\"PortRangeListId\":\"prl-1\",\"PortRangeListName\":\"web\","
		"\"MaxEntries\":20,\"AssociationCount\":0,\"CreationTime\":\"2026-01-02T03:04Z\"}]}");
	assert_string_equal(out,
		"PortRangeListId  Name  MaxEntries  Associations  Created            Description\n"
		"prl-1            web   20          0             2026-01-02T03:04Z  -\n");
	free(out);

	/* and a wrapped one renders the same rows */
	out = render("DescribePortRangeLists",
		"{\"PortRangeLists\":{\"PortRangeList\":[{\"PortRangeListId\":\"prl-2\"}]}}");
	assert_non_null(strstr(out, "\nprl-2 "));
	free(out);
}

static void test_table_nics(void **state)
{
	char *out = render("DescribeNetworkInterfaces",
		"{\"NetworkInterfaceSets\":{\"NetworkInterfaceSet\":[{\"NetworkInterfaceId\":\"eni-1\","
		"\"NetworkInterfaceName\":\"vm1\",\"HostDevice\":\"tap12\",\"VpcId\":\"vpc-1\","
		"\"PrivateIpAddress\":\"192.0.2.10\",\"PrivateIpSets\":{\"PrivateIpSet\":["
		"{\"PrivateIpAddress\":\"192.0.2.10\",\"Primary\":true},"
		"{\"PrivateIpAddress\":\"192.0.2.11\",\"Primary\":false}]},"
		"\"Ipv6Sets\":{\"Ipv6Set\":[{\"Ipv6Address\":\"2001:db8::10\"}]},"
		"\"SecurityGroupIds\":{\"SecurityGroupId\":[\"sg-1\",\"sg-2\"]}},"
		"{\"NetworkInterfaceId\":\"eni-2\",\"SecurityGroupIds\":{\"SecurityGroupId\":[]}}]}}");

	assert_string_equal(out,
		"NetworkInterfaceId  Name  HostDevice  VpcId  Addresses                           SecurityGroups  Description\n"
		"eni-1               vm1   tap12       vpc-1  192.0.2.10,192.0.2.11,2001:db8::10  sg-1,sg-2       -\n"
		"eni-2               -     -           -      -                                   -               -\n");
	free(out);
}

static void test_render_falls_back_to_json(void **state)
{
	json_t *body = json_pack("{s:s, s:s}", "RequestId", "r", "SecurityGroupId", "sg-1");
	struct ctl_req r;
	char err[64] = "", *out = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(ctl_render_table("CreateSecurityGroup", body, stdout), -ENOTSUP);
	assert_int_equal(ctl_render_table(NULL, body, stdout), -ENOTSUP);

	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "create-security-group", "--table"), 0);
	f = open_memstream(&out, &len);
	assert_int_equal(ctl_render(&r, body, f), 0);
	fclose(f);
	assert_string_equal(out, "{\n  \"RequestId\": \"r\",\n  \"SecurityGroupId\": \"sg-1\"\n}\n");
	free(out);
	ctl_req_free(&r);

	/* --json wins over --table */
	ctl_req_init(&r);
	assert_int_equal(PARSE(&r, err, NULL, "describe-security-groups", "--table", "--json"), 0);
	out = NULL;
	f = open_memstream(&out, &len);
	assert_int_equal(ctl_render(&r, body, f), 0);
	fclose(f);
	assert_true(out[0] == '{');
	free(out);
	ctl_req_free(&r);
	json_decref(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kebab),
		cmocka_unit_test(test_every_guide_action_is_a_command),
		cmocka_unit_test(test_id_params),
		cmocka_unit_test(test_param_known),
		cmocka_unit_test(test_parse_named_params),
		cmocka_unit_test(test_parse_positional_and_pairs),
		cmocka_unit_test(test_parse_second_positional),
		cmocka_unit_test(test_parse_globals),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_raw),
		cmocka_unit_test(test_parse_warns_unknown_params),
		cmocka_unit_test(test_table_rules),
		cmocka_unit_test(test_table_no_rules),
		cmocka_unit_test(test_table_groups),
		cmocka_unit_test(test_table_lists),
		cmocka_unit_test(test_table_nics),
		cmocka_unit_test(test_render_falls_back_to_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
