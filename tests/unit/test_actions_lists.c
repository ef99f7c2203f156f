/* test_actions_lists.c - prefix lists and port range lists through
 * sg_action_run(): create/modify/delete/describe, canonical entries,
 * MaxEntries and family rules, atomic refusals, references, ownership. */
#include "actions_fixture.h"

static void pl_create(struct afx *f, const char *family, const char *max, char out[SG_ID_LEN])
{
	json_t *b = afx_ok(f, &f->alice, "CreatePrefixList", "PrefixListName", "office-nets",
			   "AddressFamily", family, "MaxEntries", max, "Description", "the offices",
			   "Entry.1.Cidr", family[3] == '6' ? "2001:db8:1::/48" : "198.51.100.7/24",
			   "Entry.1.Description", "branch", "Entry.2.Cidr",
			   family[3] == '6' ? "2001:db8:2::/48" : "203.0.113.0/25", (char *)NULL);
	snprintf(out, SG_ID_LEN, "%s", afx_s(b, "PrefixListId"));
	assert_int_equal(strncmp(out, "pl-", 3), 0);
}

static void test_prefix_list_create_describe(void **state)
{
	struct afx *f = *state;
	char pl[SG_ID_LEN];
	pl_create(f, "IPv4", "3", pl);
	json_t *b = afx_ok(f, &f->alice, "DescribePrefixListAttributes", "PrefixListId", pl, (char *)NULL);
	assert_string_equal(afx_s(b, "PrefixListId"), pl);
	assert_string_equal(afx_s(b, "PrefixListName"), "office-nets");
	assert_string_equal(afx_s(b, "AddressFamily"), "IPv4");
	assert_string_equal(afx_s(b, "Description"), "the offices");
	assert_int_equal(afx_i(b, "MaxEntries"), 3);
	assert_int_equal(afx_n(b, "Entries.Entry"), 2);
	/* host bits masked: the canonical CIDR is kept */
	assert_string_equal(afx_s(b, "Entries.Entry.0.Cidr"), "198.51.100.0/24");
	assert_string_equal(afx_s(b, "Entries.Entry.0.Description"), "branch");
	assert_string_equal(afx_s(b, "Entries.Entry.1.Cidr"), "203.0.113.0/25");

	b = afx_ok(f, &f->alice, "DescribePrefixLists", (char *)NULL);
	assert_int_equal(afx_n(b, "PrefixLists.PrefixList"), 1);
	assert_string_equal(afx_s(b, "PrefixLists.PrefixList.0.PrefixListId"), pl);
	assert_int_equal(afx_i(b, "PrefixLists.PrefixList.0.MaxEntries"), 3);
	assert_int_equal(afx_i(b, "PrefixLists.PrefixList.0.AssociationCount"), 0);
	assert_string_equal(afx_s(b, "NextToken"), "");

	struct sg_model *m = afx_loaded(f);
	const struct sg_prefix_list *s = sg_pl_find(m, pl);
	assert_non_null(s);
	assert_int_equal(s->family, 4);
	assert_int_equal(s->nentries, 2);
	assert_int_equal(s->owner_id, ALICE_ID);
	afx_loaded_free(m);

	char pl6[SG_ID_LEN];
	pl_create(f, "IPv6", "10", pl6);
	b = afx_ok(f, &f->alice, "DescribePrefixLists", "AddressFamily", "IPv6", (char *)NULL);
	assert_int_equal(afx_n(b, "PrefixLists.PrefixList"), 1);
	assert_string_equal(afx_s(b, "PrefixLists.PrefixList.0.AddressFamily"), "IPv6");
	b = afx_ok(f, &f->alice, "DescribePrefixLists", "MaxResults", "1", (char *)NULL);
	assert_int_equal(afx_n(b, "PrefixLists.PrefixList"), 1);
	assert_string_equal(afx_s(b, "NextToken"), "1");
	b = afx_ok(f, &f->alice, "DescribePrefixLists", "PrefixListId.1", pl6, (char *)NULL);
	assert_string_equal(afx_s(b, "PrefixLists.PrefixList.0.PrefixListId"), pl6);
}

static void test_prefix_list_errors(void **state)
{
	struct afx *f = *state;
	char pl[SG_ID_LEN];
	pl_create(f, "IPv4", "3", pl);
	const char *ids[] = { pl };
	static const struct afx_err rows[] = {
		{ "CreatePrefixList", { "AddressFamily", "IPv4", "MaxEntries", "5", NULL }, 400, "MissingParameter" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "MaxEntries", "5", NULL }, 400, "MissingParameter" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", NULL }, 400, "MissingParameter" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv5", "MaxEntries", "5", NULL },
		  400, "InvalidAddressFamily.Malformed" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "0", NULL },
		  400, "InvalidMaxEntries.Malformed" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "201", NULL },
		  400, "InvalidMaxEntries.Malformed" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "ten", NULL },
		  400, "InvalidMaxEntries.Malformed" },
		{ "CreatePrefixList", { "PrefixListName", "com.aliyun.x", "AddressFamily", "IPv4", "MaxEntries", "5",
		  NULL }, 400, "InvalidPrefixListName.Malformed" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "5",
		  "Entry.1.Cidr", "2001:db8::/32", NULL }, 400, "InvalidParam.AddressFamilyMismatch" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "5",
		  "Entry.1.Cidr", "192.0.2.1-192.0.2.9", NULL }, 400, "InvalidParam.Cidr" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "5",
		  "Entry.1.Cidr", "192.0.2.300/24", NULL }, 400, "InvalidParam.Cidr" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "5",
		  "Entry.1.Cidr", "192.0.2.0/24", "Entry.2.Cidr", "192.0.2.9/24", NULL }, 400,
		  "InvalidParam.DuplicateEntry" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "1",
		  "Entry.1.Cidr", "192.0.2.0/24", "Entry.2.Cidr", "198.51.100.0/24", NULL }, 400,
		  "QuotaExceed.PrefixListEntries" },
		{ "CreatePrefixList", { "PrefixListName", "pl1", "AddressFamily", "IPv4", "MaxEntries", "2",
		  "Entry.1.Description", "no cidr", NULL }, 400, "MissingParameter" },
		{ "ModifyPrefixList", { "PrefixListId", "pl-nothere", NULL }, 404, "InvalidPrefixListId.NotFound" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "AddEntry.1.Cidr", "198.51.100.0/24", NULL }, 400,
		  "InvalidParam.DuplicateEntry" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "RemoveEntry.1.Cidr", "192.0.2.0/24", NULL }, 400,
		  "InvalidParam.EntryNotFound" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "AddEntry.1.Cidr", "198.51.100.0/24",
		  "RemoveEntry.1.Cidr", "198.51.100.0/24", NULL }, 400, "InvalidParam.EntryConflict" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "AddEntry.1.Cidr", "192.0.2.0/26",
		  "AddEntry.2.Cidr", "192.0.2.64/26", NULL }, 400, "QuotaExceed.PrefixListEntries" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "AddEntry.1.Cidr", "2001:db8::/32", NULL }, 400,
		  "InvalidParam.AddressFamilyMismatch" },
		{ "DeletePrefixList", { NULL }, 400, "MissingParameter" },
		{ "DescribePrefixListAttributes", { "PrefixListId", "pl-nothere", NULL }, 404,
		  "InvalidPrefixListId.NotFound" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	/* refused calls changed nothing */
	assert_int_equal(f->m.npls, 1);
	assert_int_equal(sg_pl_find(&f->m, pl)->nentries, 2);
}

static void test_prefix_list_modify(void **state)
{
	struct afx *f = *state;
	char pl[SG_ID_LEN];
	pl_create(f, "IPv4", "3", pl);
	int calls = f->sync_calls;
	afx_ok(f, &f->alice, "ModifyPrefixList", "PrefixListId", pl, "PrefixListName", "renamed",
	       "RemoveEntry.1.Cidr", "198.51.100.0/24", "AddEntry.1.Cidr", "192.0.2.0/28",
	       "AddEntry.1.Description", "lab", "AddEntry.2.Cidr", "192.0.2.16/28", (char *)NULL);
	assert_int_equal(f->sync_calls, calls + 1); /* rules that reference it follow */
	json_t *b = afx_ok(f, &f->alice, "DescribePrefixListAttributes", "PrefixListId", pl, (char *)NULL);
	assert_string_equal(afx_s(b, "PrefixListName"), "renamed");
	assert_int_equal(afx_n(b, "Entries.Entry"), 3);
	struct sg_model *m = afx_loaded(f);
	const struct sg_prefix_list *s = sg_pl_find(m, pl);
	assert_int_equal(s->nentries, 3);
	assert_string_equal(s->name, "renamed");
	bool lab = false;
	for (size_t i = 0; i < s->nentries; i++) {
		assert_string_not_equal(s->entries[i].cidr, "198.51.100.0/24");
		if (strcmp(s->entries[i].cidr, "192.0.2.0/28") == 0)
			lab = s->entries[i].description && strcmp(s->entries[i].description, "lab") == 0;
	}
	assert_true(lab);
	afx_loaded_free(m);
}

static void test_prefix_list_delete_and_owner(void **state)
{
	struct afx *f = *state;
	char pl[SG_ID_LEN], g[SG_ID_LEN];
	pl_create(f, "IPv4", "5", pl);
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	afx_rule(f, g, SG_SRC_PREFIX_LIST, pl, NULL);
	json_t *b = afx_ok(f, &f->alice, "DescribePrefixLists", (char *)NULL);
	assert_int_equal(afx_i(b, "PrefixLists.PrefixList.0.AssociationCount"), 1);
	assert_int_equal(afx_run(f, &f->alice, "DeletePrefixList", "PrefixListId", pl, (char *)NULL), 400);
	assert_string_equal(afx_code(f), "NotAllowed.AssociationExist");

	/* Another account's list does not exist for Bob. */
	const char *ids[] = { pl };
	static const struct afx_err rows[] = {
		{ "DeletePrefixList", { "PrefixListId", "$0", NULL }, 404, "InvalidPrefixListId.NotFound" },
		{ "ModifyPrefixList", { "PrefixListId", "$0", "PrefixListName", "mine", NULL }, 404,
		  "InvalidPrefixListId.NotFound" },
		{ "DescribePrefixListAttributes", { "PrefixListId", "$0", NULL }, 404,
		  "InvalidPrefixListId.NotFound" },
	};
	afx_err_table(f, &f->bob, rows, sizeof(rows) / sizeof(rows[0]), ids);
	b = afx_ok(f, &f->bob, "DescribePrefixLists", (char *)NULL);
	assert_int_equal(afx_n(b, "PrefixLists.PrefixList"), 0);

	afx_rule_drop(f, g);
	afx_ok(f, &f->alice, "DeletePrefixList", "PrefixListId", pl, (char *)NULL);
	assert_int_equal(f->m.npls, 0);
	struct sg_model *m = afx_loaded(f);
	assert_null(sg_pl_find(m, pl));
	afx_loaded_free(m);
}

/* ---- port range lists ---- */

static void prl_create(struct afx *f, const char *max, char out[SG_ID_LEN])
{
	json_t *b = afx_ok(f, &f->alice, "CreatePortRangeList", "PortRangeListName", "web-ports",
			   "MaxEntries", max, "Entry.1.PortRange", "80/80", "Entry.1.Description", "http",
			   "Entry.2.PortRange", "8000/8080", (char *)NULL);
	snprintf(out, SG_ID_LEN, "%s", afx_s(b, "PortRangeListId"));
	assert_int_equal(strncmp(out, "prl-", 4), 0);
}

static void test_port_list_lifecycle(void **state)
{
	struct afx *f = *state;
	char prl[SG_ID_LEN];
	prl_create(f, "10", prl);
	json_t *b = afx_ok(f, &f->alice, "DescribePortRangeLists", (char *)NULL);
	/* The reference answers a plain array here. */
	assert_int_equal(afx_n(b, "PortRangeLists"), 1);
	assert_string_equal(afx_s(b, "PortRangeLists.0.PortRangeListId"), prl);
	assert_string_equal(afx_s(b, "PortRangeLists.0.PortRangeListName"), "web-ports");
	assert_int_equal(afx_i(b, "PortRangeLists.0.MaxEntries"), 10);
	assert_int_equal(afx_i(b, "PortRangeLists.0.AssociationCount"), 0);
	assert_int_equal(afx_n(b, "PortRangeLists.0.Tags"), 0);

	/* AddEntry adds or modifies (reference): 80/80 gets a new description. */
	afx_ok(f, &f->alice, "ModifyPortRangeList", "PortRangeListId", prl,
	       "AddEntry.1.PortRange", "443/443", "AddEntry.2.PortRange", "80/80",
	       "AddEntry.2.Description", "plain http", "RemoveEntry.1.PortRange", "8000/8080", (char *)NULL);
	struct sg_model *m = afx_loaded(f);
	const struct sg_port_list *s = sg_prl_find(m, prl);
	assert_int_equal(s->nentries, 2);
	assert_string_equal(s->entries[0].text, "80/80");
	assert_string_equal(s->entries[0].description, "plain http");
	assert_string_equal(s->entries[1].text, "443/443");
	assert_int_equal(s->max_entries, 10);
	afx_loaded_free(m);

	char g[SG_ID_LEN];
	afx_group(f, &f->alice, "normal", "vpc-a", g);
	afx_rule(f, g, SG_SRC_CIDR, "192.0.2.0/24", prl);
	assert_int_equal(afx_run(f, &f->alice, "DeletePortRangeList", "PortRangeListId", prl, (char *)NULL), 400);
	assert_string_equal(afx_code(f), "NotAllowed.AssociationExist");
	b = afx_ok(f, &f->alice, "DescribeSecurityGroupAttribute", "SecurityGroupId", g, (char *)NULL);
	assert_string_equal(afx_s(b, "Permissions.Permission.0.PortRangeListId"), prl);
	assert_string_equal(afx_s(b, "Permissions.Permission.0.PortRangeListName"), "web-ports");
	afx_rule_drop(f, g);
	afx_ok(f, &f->alice, "DeletePortRangeList", "PortRangeListId", prl, (char *)NULL);
	assert_int_equal(f->m.nprls, 0);
}

static void test_port_list_errors(void **state)
{
	struct afx *f = *state;
	char prl[SG_ID_LEN];
	prl_create(f, "3", prl);
	const char *ids[] = { prl };
	static const struct afx_err rows[] = {
		{ "CreatePortRangeList", { "MaxEntries", "5", NULL }, 400, "MissingParameter" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", NULL }, 400, "MissingParameter" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "2001", NULL }, 400,
		  "InvalidMaxEntries.Malformed" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "-1/-1", NULL }, 400, "InvalidParam.PortRange" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "0/5", NULL }, 400, "InvalidParam.PortRange" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "90/80", NULL }, 400, "InvalidParam.PortRange" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "http", NULL }, 400, "InvalidParam.PortRange" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "22/22", "Entry.2.PortRange", "22/22", NULL }, 400, "InvalidParam.DuplicateEntry" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "1", "Entry.1.PortRange",
		  "22/22", "Entry.2.PortRange", "23/23", NULL }, 400, "QuotaExceed.PortRangeListEntries" },
		{ "CreatePortRangeList", { "PortRangeListName", "p1", "MaxEntries", "5", "Entry.1.PortRange",
		  "22/22", "Entry.1.Description", "x", NULL }, 400, "InvalidDescription.Malformed" },
		{ "ModifyPortRangeList", { "PortRangeListId", "prl-nothere", NULL }, 404,
		  "InvalidPortRangeListId.NotFound" },
		{ "ModifyPortRangeList", { "PortRangeListId", "$0", "AddEntry.1.PortRange", "1/2",
		  "AddEntry.2.PortRange", "3/4", NULL }, 400, "QuotaExceed.PortRangeListEntries" },
		{ "ModifyPortRangeList", { "PortRangeListId", "$0", "RemoveEntry.1.PortRange", "1/2", NULL }, 400,
		  "InvalidParam.EntryNotFound" },
		{ "DeletePortRangeList", { "PortRangeListId", "prl-nothere", NULL }, 404,
		  "InvalidPortRangeListId.NotFound" },
	};
	afx_err_table(f, &f->alice, rows, sizeof(rows) / sizeof(rows[0]), ids);
	assert_int_equal(f->m.nprls, 1);
	assert_int_equal(sg_prl_find(&f->m, prl)->nentries, 2);
	/* Bob: not found */
	assert_int_equal(afx_run(f, &f->bob, "DeletePortRangeList", "PortRangeListId", prl, (char *)NULL), 404);
	json_t *b = afx_ok(f, &f->bob, "DescribePortRangeLists", (char *)NULL);
	assert_int_equal(afx_n(b, "PortRangeLists"), 0);
}

/* quota.prefix_lists_per_account and quota.port_lists_per_account: one
 * more is 403 QuotaExceed.PrefixList / QuotaExceed.PortRangeList, counted
 * per account and kind; the administrator is not limited. */
static void test_lists_per_account(void **state)
{
	struct afx *f = *state;
	char pl[SG_ID_LEN];
	f->m.quota.prefix_lists_per_account = 1;
	f->m.quota.port_lists_per_account = 2;
	pl_create(f, "IPv4", "5", pl);
	assert_int_equal(afx_run(f, &f->alice, "CreatePrefixList", "PrefixListName", "more", "AddressFamily",
				 "IPv6", "MaxEntries", "5", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "QuotaExceed.PrefixList");
	for (int i = 0; i < 2; i++)
		afx_ok(f, &f->alice, "CreatePortRangeList", "PortRangeListName", "ports", "MaxEntries", "5",
		       (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "CreatePortRangeList", "PortRangeListName", "ports",
				 "MaxEntries", "5", (char *)NULL), 403);
	assert_string_equal(afx_code(f), "QuotaExceed.PortRangeList");
	assert_int_equal(f->m.npls, 1);
	assert_int_equal(f->m.nprls, 2);
	/* Bob has his own count; the administrator none */
	afx_ok(f, &f->bob, "CreatePrefixList", "PrefixListName", "bobs", "AddressFamily", "IPv4", "MaxEntries",
	       "5", (char *)NULL);
	afx_ok(f, &f->admin, "CreatePrefixList", "PrefixListName", "admins", "AddressFamily", "IPv4",
	       "MaxEntries", "5", (char *)NULL);
	afx_ok(f, &f->admin, "CreatePortRangeList", "PortRangeListName", "admins", "MaxEntries", "5",
	       (char *)NULL);
	/* a deletion frees a place (Alice owns two prefix lists now) */
	afx_ok(f, &f->alice, "DeletePrefixList", "PrefixListId", pl, (char *)NULL);
	assert_int_equal(afx_run(f, &f->alice, "CreatePrefixList", "PrefixListName", "more", "AddressFamily",
				 "IPv6", "MaxEntries", "5", (char *)NULL), 403);
	afx_ok(f, &f->alice, "DeletePrefixList", "PrefixListId", f->m.pls[f->m.npls - 1].id, (char *)NULL);
	afx_ok(f, &f->alice, "CreatePrefixList", "PrefixListName", "more", "AddressFamily", "IPv6",
	       "MaxEntries", "5", (char *)NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prefix_list_create_describe, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_prefix_list_errors, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_prefix_list_modify, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_prefix_list_delete_and_owner, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_port_list_lifecycle, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_port_list_errors, afx_setup, afx_teardown),
		cmocka_unit_test_setup_teardown(test_lists_per_account, afx_setup, afx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
