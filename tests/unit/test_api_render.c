/* test_api_render.c - JSON and XML replies, request ids, and the whole
 * pipeline (sg_api_handle) with a fake action runner. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/api/api_internal.h"

static void test_request_id(void **state)
{
	char a[37], b[37];

	sg_request_id(a);
	sg_request_id(b);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_true(isdigit((unsigned char)a[i]) || (a[i] >= 'A' && a[i] <= 'F'));
	}
	assert_int_equal(a[14], '4');
}

static void test_json_success(void **state)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };

	sg_reply_init(&r);
	r.body = json_pack("{s:s, s:{s:[{s:s},{s:s}]}, s:i}", "SecurityGroupId", "sg-1",
			   "SecurityGroups", "SecurityGroup", "SecurityGroupId", "sg-a",
			   "SecurityGroupId", "sg-b", "TotalCount", 2);
	assert_int_equal(sg_render(&r, "DescribeSecurityGroups", false, "RID", "h", &o), 0);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.content_type, "application/json;charset=utf-8");
	assert_string_equal(o.body, "{\"RequestId\":\"RID\",\"SecurityGroupId\":\"sg-1\","
			    "\"SecurityGroups\":{\"SecurityGroup\":[{\"SecurityGroupId\":\"sg-a\"},"
			    "{\"SecurityGroupId\":\"sg-b\"}]},\"TotalCount\":2}");
	sg_http_resp_free(&o);
	sg_reply_free(&r);
}

static void test_json_error(void **state)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };

	sg_reply_init(&r);
	sg_fail(&r, 404, "InvalidSecurityGroupId.NotFound", "The \"id\" does not exist.");
	assert_int_equal(sg_render(&r, "X", false, "RID", "ecs.aliyuncs.com", &o), 0);
	assert_int_equal(o.status, 404);
	assert_string_equal(o.body,
		"{\"RequestId\":\"RID\",\"HostId\":\"ecs.aliyuncs.com\",\"Code\":\"InvalidSecurityGroupId.NotFound\","
		"\"Message\":\"The \\\"id\\\" does not exist.\",\"Recommend\":"
		"\"https://api.aliyun.com/troubleshoot?q=InvalidSecurityGroupId.NotFound&product=Ecs&requestId=RID\"}");
	sg_http_resp_free(&o);
	sg_reply_free(&r);
}

static void test_xml_success_arrays(void **state)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };

	sg_reply_init(&r);
	r.body = json_pack("{s:{s:[{s:s,s:b},{s:s,s:n}]}, s:{s:[s,s]}, s:s}", "SecurityGroups",
			   "SecurityGroup", "SecurityGroupId", "sg-a", "ServiceManaged", 0,
			   "SecurityGroupId", "sg-<b>", "Tags", "Ipv6Sets", "Ipv6Set", "2001:db8::1",
			   "2001:db8::2", "Note", "a&b");
	assert_int_equal(sg_render(&r, "DescribeSecurityGroups", true, "RID", "h", &o), 0);
	assert_int_equal(o.status, 200);
	assert_string_equal(o.content_type, "text/xml;charset=utf-8");
	assert_string_equal(o.body,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeSecurityGroupsResponse>"
		"<RequestId>RID</RequestId><SecurityGroups>"
		"<SecurityGroup><SecurityGroupId>sg-a</SecurityGroupId><ServiceManaged>false</ServiceManaged></SecurityGroup>"
		"<SecurityGroup><SecurityGroupId>sg-&lt;b&gt;</SecurityGroupId><Tags></Tags></SecurityGroup>"
		"</SecurityGroups><Ipv6Sets><Ipv6Set>2001:db8::1</Ipv6Set><Ipv6Set>2001:db8::2</Ipv6Set></Ipv6Sets>"
		"<Note>a&amp;b</Note></DescribeSecurityGroupsResponse>");
	sg_http_resp_free(&o);
	sg_reply_free(&r);
}

static void test_xml_error(void **state)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };

	sg_reply_init(&r);
	sg_fail(&r, 400, "MissingParameter", "x < y");
	assert_int_equal(sg_render(&r, NULL, true, "RID", "h", &o), 0);
	assert_int_equal(o.status, 400);
	assert_string_equal(o.body,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>RID</RequestId><HostId>h</HostId>"
		"<Code>MissingParameter</Code><Message>x &lt; y</Message><Recommend>"
		"https://api.aliyun.com/troubleshoot?q=MissingParameter&amp;product=Ecs&amp;requestId=RID"
		"</Recommend></Error>");
	sg_http_resp_free(&o);
	sg_reply_free(&r);
}

/* ---- the pipeline with a fake runner ---- */

static struct sg_caller seen_caller;
static char seen_action[64];
static int runs;

static int fake_run(struct sg_env *env, const char *action, const struct sg_params *p,
		    const struct sg_caller *c, struct sg_reply *r)
{
	runs++;
	seen_caller = *c;
	snprintf(seen_action, sizeof(seen_action), "%s", action);
	if (!r->body)
		r->body = json_object();
	json_object_set_new(r->body, "RegionId",
			    json_string(sg_param(p, "RegionId") ? sg_param(p, "RegionId") : "none"));
	return 0;
}

static bool fake_known(const char *a) { return strcmp(a, "DescribeSecurityGroups") == 0; }

static struct sg_api_ctx ctx = {
	.admin_gid = (gid_t)-1,
	.admin_account = { .id = 1, .name = "admin" },
	.run = fake_run,
	.known = fake_known,
};

static void handle(const char *method, const char *uri, bool is_unix, uid_t uid,
		   struct sg_http_resp *o)
{
	struct sg_hdr h[] = { { "Host", "localhost" } };
	struct sg_http_req rq = { .method = method, .uri = uri, .hdrs = h, .nhdrs = 1 };
	struct sg_peer peer = { .is_unix = is_unix, .have_cred = true, .uid = uid, .gid = uid };
	memset(o, 0, sizeof(*o));
	assert_int_equal(sg_api_handle(&ctx, &rq, &peer, 1698315752, o), 0);
}

static void expect_code(struct sg_http_resp *o, int status, const char *code)
{
	json_t *j = json_loads(o->body, 0, NULL);
	assert_non_null(j);
	assert_int_equal(o->status, status);
	assert_string_equal(json_string_value(json_object_get(j, "Code")), code);
	assert_string_equal(json_string_value(json_object_get(j, "HostId")), "localhost");
	assert_string_equal(json_string_value(json_object_get(j, "RequestId")), o->request_id);
	json_decref(j);
	sg_http_resp_free(o);
}

static void test_pipeline_unix_admin(void **state)
{
	struct sg_http_resp o;

	runs = 0;
	handle("GET", "/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou", true, 0, &o);
	assert_int_equal(o.status, 200);
	assert_int_equal(runs, 1);
	assert_true(seen_caller.admin);
	assert_string_equal(seen_caller.account.name, "admin");
	assert_string_equal(seen_action, "DescribeSecurityGroups");
	assert_non_null(strstr(o.body, "\"RegionId\":\"cn-hangzhou\""));
	sg_http_resp_free(&o);

	handle("GET", "/?Action=DescribeSecurityGroups&Format=XML", true, 0, &o);
	assert_int_equal(o.status, 200);
	assert_non_null(strstr(o.body, "<DescribeSecurityGroupsResponse><RequestId>"));
	sg_http_resp_free(&o);
}

static void test_pipeline_refusals(void **state)
{
	struct sg_http_resp o;

	runs = 0;
	handle("GET", "/?Action=DescribeSecurityGroups", true, 65534, &o);
	expect_code(&o, 403, "Forbidden.NotAdmin");
	handle("GET", "/?Version=2014-05-26", true, 0, &o);
	expect_code(&o, 400, "MissingAction");
	handle("GET", "/?Action=NoSuchThing", true, 0, &o);
	expect_code(&o, 404, "InvalidAction.NotFound");
	handle("GET", "/?Action=DescribeSecurityGroups&Version=2016-11-11", true, 0, &o);
	expect_code(&o, 400, "InvalidVersion");
	handle("GET", "/?Action=DescribeSecurityGroups&Version=2014-05-26", false, 0, &o);
	expect_code(&o, 400, "MissingSignature");
	handle("GET", "/?Action=DescribeSecurityGroups&Signature=x", false, 0, &o);
	expect_code(&o, 400, "MissingAccessKeyId");
	handle("OPTIONS", "/", true, 0, &o);
	expect_code(&o, 405, "UnsupportedHTTPMethod");
	assert_int_equal(runs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_id),
		cmocka_unit_test(test_json_success),
		cmocka_unit_test(test_json_error),
		cmocka_unit_test(test_xml_success_arrays),
		cmocka_unit_test(test_xml_error),
		cmocka_unit_test(test_pipeline_unix_admin),
		cmocka_unit_test(test_pipeline_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
