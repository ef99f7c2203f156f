/* test_actions_broken.c - a rollback whose reload from the store fails (the
 * database holds a row sgd cannot understand) must not leave a half or
 * aborted model driving the kernel: sgd refuses every change (503) until an
 * operator fixes the database and a reload succeeds. */
#include <sqlite3.h>

#include "actions_fixture.h"

static void corrupt(struct afx *f)
{
	char path[128];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/state.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO groups VALUES('sg-bad','bad',NULL,'vpc-x',7,0,1,"
				      "'2026-01-01T00:00:00Z')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_failed_reload_refuses_changes(void **state)
{
	struct afx *f = *state;
	afx_ok(f, &f->admin, "CreateSecurityGroup", "SecurityGroupName", "before", "VpcId", "vpc-1",
	       (char *)NULL);
	corrupt(f);
	int calls = f->sync_calls;
	f->sync_fail = 1; /* the kernel refuses: rollback, then the reload meets the bad row */
	assert_int_equal(afx_run(f, &f->admin, "CreateSecurityGroup", "SecurityGroupName", "refused",
				 "VpcId", "vpc-1", (char *)NULL), 500);
	assert_true(f->env.broken);
	assert_int_equal(f->sync_calls, calls + 1); /* no second sync of the aborted model */
	f->sync_fail = 0;
	assert_int_equal(afx_run(f, &f->admin, "CreateSecurityGroup", "SecurityGroupName", "after",
				 "VpcId", "vpc-1", (char *)NULL), 503);
	assert_string_equal(afx_code(f), "ServiceUnavailable");
	assert_int_equal(f->sync_calls, calls + 1);
	/* Reads still answer. */
	afx_ok(f, &f->admin, "DescribeSecurityGroups", (char *)NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failed_reload_refuses_changes, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests_name("actions_broken", tests, NULL, NULL);
}
