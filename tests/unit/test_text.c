/* test_text.c - text is never cut inside a character: names are limited in
 * characters (a 128-character CJK name is stored whole), text that is not
 * UTF-8 is refused with the Malformed codes, and error messages that echo
 * input are valid UTF-8 even when cut to fit. */
#include "actions_fixture.h"

static void test_utf8_primitives(void **state)
{
	(void)state;
	assert_true(sg_utf8_valid("plain"));
	assert_true(sg_utf8_valid("\xe5\xae\x89\xe5\x85\xa8"));      /* 安全 */
	assert_true(sg_utf8_valid("\xf0\x9f\x94\x92"));               /* U+1F512 */
	assert_false(sg_utf8_valid("\xc0\xaf"));                      /* overlong '/' */
	assert_false(sg_utf8_valid("\xed\xa0\x80"));                  /* surrogate */
	assert_false(sg_utf8_valid("\xf4\x90\x80\x80"));              /* above U+10FFFF */
	assert_false(sg_utf8_valid("\xe5\xae"));                      /* cut */
	assert_false(sg_utf8_valid("a\xffz"));
	assert_int_equal(sg_utf8_chars("\xe5\xae\x89x"), 2);
	char cut[] = "ok \xe5\xae\x89\xe5\xae", bad[] = "a\xff\xe5\xae\x89z\x80";
	sg_utf8_repair(cut);
	assert_string_equal(cut, "ok \xe5\xae\x89");
	sg_utf8_repair(bad);
	assert_string_equal(bad, "a?\xe5\xae\x89z?");
	assert_true(sg_utf8_valid(bad));
}

/* n copies of 安 (3 bytes each). */
static char *cjk(size_t n)
{
	char *s = malloc(3 * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, "\xe5\xae\x89", 3);
	s[3 * n] = '\0';
	return s;
}

static void test_names_in_characters(void **state)
{
	struct afx *f = *state;
	char *n101 = cjk(101), *n128 = cjk(128), *n129 = cjk(129);
	json_t *b = afx_ok(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", n101, "VpcId", "vpc-t",
			   (char *)NULL);
	char id[SG_ID_LEN];
	snprintf(id, sizeof(id), "%s", afx_s(b, "SecurityGroupId"));
	b = afx_ok(f, &f->alice, "DescribeSecurityGroups", "SecurityGroupId", id, (char *)NULL);
	assert_string_equal(afx_s(b, "SecurityGroups.SecurityGroup.0.SecurityGroupName"), n101);
	/* ... and after a reload from the store. */
	struct sg_model *m = afx_loaded(f);
	assert_string_equal(sg_group_find(m, id)->name, n101);
	afx_loaded_free(m);
	afx_ok(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", n128, "VpcId", "vpc-t", (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", n129, "VpcId",
				 "vpc-t", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupName.Malformed");
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", "ab\xff",
				 "VpcId", "vpc-t", (char *)NULL), 400);
	assert_string_equal(afx_code(f), "InvalidSecurityGroupName.Malformed");
	assert_int_equal(afx_run(f, &f->alice, "CreateSecurityGroup", "SecurityGroupName", "web",
				 "Description", "bad \xc0\xaf", "VpcId", "vpc-t", (char *)NULL), 400);
	free(n101);
	free(n128);
	free(n129);
}

/* An error that echoes a long CJK value is cut to fit its buffer: still UTF-8. */
static void test_error_messages_stay_utf8(void **state)
{
	struct afx *f = *state;
	char *long_id = cjk(400);
	for (int shift = 0; shift < 3; shift++) {
		char id[1300];
		snprintf(id, sizeof(id), "%.*ssg-%s", shift, "xx", long_id);
		afx_run(f, &f->alice, "DeleteSecurityGroup", "SecurityGroupId", id, (char *)NULL);
		assert_true(f->r.code != NULL);
		assert_true(sg_utf8_valid(f->r.message));
	}
	afx_run(f, &f->alice, "RevokeSecurityGroup", "SecurityGroupId", "sg-none",
		"SecurityGroupRuleId.1", long_id, (char *)NULL);
	assert_true(sg_utf8_valid(f->r.message));
	free(long_id);
}

/* Messages name where a permission's fields are. */
static void test_permission_messages(void **state)
{
	struct afx *f = *state;
	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-t", g);
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "Permissions.1.IpProtocol", "TCP", "Permissions.1.PortRange", "22/22",
				 (char *)NULL), 400);
	assert_non_null(strstr(f->r.message, "in Permissions.1.* must be specified"));
	assert_int_equal(afx_run(f, &f->alice, "AuthorizeSecurityGroup", "SecurityGroupId", g,
				 "IpProtocol", "TCP", "PortRange", "22/22", (char *)NULL), 400);
	assert_non_null(strstr(f->r.message, "in the request must be specified"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_primitives),
		cmocka_unit_test_setup_teardown(test_names_in_characters, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_error_messages_stay_utf8, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_permission_messages, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
