/* test_api_creds.c - the credentials file: parsing, comments, accounts,
 * errors with line numbers, the refusal of group/other permissions and of
 * another owner, and of a key acting as the local administrator's account. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sgd/api.h"

#define ADMIN_ID 1 /* the config's default admin_account_id */

static char path[64];

static int setup(void **state)
{
	strcpy(path, "/tmp/sgd-test-creds-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_parse_ok(void **state)
{
	struct sg_creds c;
	char err[256] = "";

	write_file("# sgd credentials\n"
		   "\n"
		   "LTAIexample0001 s3cr3t 1234567890 ops@example.com\n"
		   "   # indented comment\n"
		   "LTAIexample0002\tother#secret  1234567890  ops@example.com   # trailing\r\n"
		   "LTAIexample0003 x 42 dev@example.com",
		   0600);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.v[0].key_id, "LTAIexample0001");
	assert_string_equal(c.v[0].secret, "s3cr3t");
	assert_int_equal(c.v[0].account.id, 1234567890);
	assert_string_equal(c.v[0].account.name, "ops@example.com");
	assert_string_equal(c.v[1].secret, "other#secret"); /* '#' inside a field is data */
	assert_int_equal(c.v[2].account.id, 42);
	assert_int_equal(c.naccounts, 2);
	assert_string_equal(c.accounts[1].name, "dev@example.com");
	sg_creds_free(&c);
	assert_null(c.v);
}

static void test_mode_refused(void **state)
{
	struct sg_creds c;
	char err[256] = "";

	write_file("LTAIexample0001 s3cr3t 1234567890 ops@example.com\n", 0640);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "chmod 600"));
	write_file("LTAIexample0001 s3cr3t 1234567890 ops@example.com\n", 0604);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), -EPERM);
	write_file("LTAIexample0001 s3cr3t 1234567890 ops@example.com\n", 0610);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), -EPERM);
	write_file("LTAIexample0001 s3cr3t 1234567890 ops@example.com\n", 0400);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), 0);
	sg_creds_free(&c);
}

static void expect_error(const char *text, const char *needle)
{
	struct sg_creds c;
	char err[256] = "";

	write_file(text, 0600);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
	assert_non_null(strstr(err, path));
}

static void test_errors(void **state)
{
	expect_error("# c\nLTAIa s 1\n", "line 2: expected 4 fields");
	expect_error("LTAIa s 1 n extra\n", "line 1: expected 4 fields");
	expect_error("\n\nLTAIa s 12x n\n", "line 3: AccountId");
	expect_error("LTAIa s 0 n\n", "line 1: AccountId");
	expect_error("LTAIa s 99999999999999999999999 n\n", "line 1: AccountId");
	/* (account 1 is the administrator's: ADMIN_ID) */
	expect_error("LTAIa s 3 n\nLTAIa t 3 n\n", "line 2: AccessKeyId LTAIa is given twice");
	expect_error("LTAIa s 3 n\nLTAIb t 3 m\n", "line 2: account 3 \"m\" conflicts");
	expect_error("LTAIa s 3 n\nLTAIb t 2 n\n", "line 2: account 2 \"n\" conflicts");
	char longkey[400];
	memset(longkey, 'k', 200);
	strcpy(longkey + 200, " s 1 n\n");
	expect_error(longkey, "line 1: AccessKeyId longer");
}

/* The owner may chmod the file open or add keys: root or sgd only. */
static void test_owner_refused(void **state)
{
	struct sg_creds c;
	char err[256] = "";

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	write_file("LTAIexample0001 s3cr3t 1234567890 ops@example.com\n", 0600);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), -EPERM);
	if (!strstr(err, "owned by uid 65534"))
		fail_msg("error \"%s\" does not name the owner", err);
	assert_int_equal(chown(path, 0, 0), 0);
	assert_int_equal(sg_creds_load(path, ADMIN_ID, &c, err, sizeof(err)), 0);
	sg_creds_free(&c);
}

/* A key of the administrator's account would act for every account. */
static void test_admin_account_refused(void **state)
{
	struct sg_creds c;
	char err[256] = "";

	expect_error("LTAIa s 42 n\nLTAIb t 1 local-admin\n",
		     "line 2: AccountId 1 is the local administrator's account");
	/* the id comes from the config, not from a fixed number */
	write_file("LTAIa s 1 n\nLTAIb t 7 m\n", 0600);
	assert_int_equal(sg_creds_load(path, 7, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 2: AccountId 7 is the local administrator's account"));
	assert_int_equal(sg_creds_load(path, 99, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	sg_creds_free(&c);
}

static void test_missing_file(void **state)
{
	struct sg_creds c;
	char err[256] = "";
	assert_int_equal(sg_creds_load("/nonexistent/sgd/credentials", ADMIN_ID, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/sgd/credentials"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_account_refused, setup, teardown),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
