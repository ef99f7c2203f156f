/* test_store.c - the SQLite store: every field of every object survives a
 * put/load round trip, deletes cascade, rollback leaves nothing, tokens keep
 * their first answer, and a committed write survives SIGKILL. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "sgd/model.h"
#include "sgd/store.h"

struct fx {
	char dir[64];
	struct sg_store *st;
};

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb; (void)flag; (void)f;
	return remove(p);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char parent[] = "/tmp/sgd-store-XXXXXX";

	assert_non_null(fx);
	assert_non_null(mkdtemp(parent));
	/* A subdirectory that does not exist yet: open must create it. */
	snprintf(fx->dir, sizeof(fx->dir), "%s/state", parent);
	assert_int_equal(sg_store_open(fx->dir, &fx->st), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char *slash;

	sg_store_close(fx->st);
	slash = strrchr(fx->dir, '/');
	*slash = '\0';
	nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void reopen(struct fx *fx)
{
	sg_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(sg_store_open(fx->dir, &fx->st), 0);
}

/* Count rows with a raw connection, to see what the API cannot show. */
static int count_rows(struct fx *fx, const char *sql)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *s;
	int n = -1;

	snprintf(path, sizeof(path), "%s/state.db", fx->dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* ---- objects with every field set to something distinctive ---- */

static void fill_range(struct sg_addr_range *r, uint8_t family, uint8_t seed)
{
	r->family = family;
	for (int i = 0; i < 16; i++) {
		r->lo[i] = (uint8_t)(seed + i);
		r->hi[i] = (uint8_t)(seed + 100 + i);
	}
}

static struct sg_group make_group(const char *id, const char *desc, uint64_t owner)
{
	struct sg_group g;

	memset(&g, 0, sizeof(g));
	snprintf(g.id, sizeof(g.id), "%s", id);
	snprintf(g.name, sizeof(g.name), "name of %s", id);
	g.description = desc ? strdup(desc) : NULL;
	snprintf(g.vpc_id, sizeof(g.vpc_id), "vpc-%s", id);
	g.type = SG_GROUP_ENTERPRISE;
	g.inner_policy = SG_POLICY_DROP;
	g.owner_id = owner;
	snprintf(g.create_time, sizeof(g.create_time), "2026-11-29T14:17Z");
	return g;
}

static struct sg_rule make_rule(const char *id, uint64_t seq, unsigned variant)
{
	struct sg_rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.seq = seq;
	r.policy = variant & 1 ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
	r.priority = (uint8_t)(1 + variant * 7);
	r.proto = variant == 2 ? SG_PROTO_ALL : SG_PROTO_TCP;
	snprintf(r.proto_text, sizeof(r.proto_text), variant == 2 ? "ALL" : "TCP");
	r.family = variant == 1 ? 6 : 4;
	r.src_kind = (enum sg_src_kind)(variant % 3);
	fill_range(&r.src, r.family, (uint8_t)(10 + variant));
	snprintf(r.src_text, sizeof(r.src_text), "198.51.100.%u/32", variant);
	snprintf(r.src_group_id, sizeof(r.src_group_id), "sg-src%u", variant);
	r.src_group_owner_id = UINT64_MAX - (uint64_t)variant; /* top bit set: signedness */
	snprintf(r.src_group_owner_account, sizeof(r.src_group_owner_account), "ops%u@example.com",
		 variant);
	snprintf(r.prefix_list_id, sizeof(r.prefix_list_id), "pl-%u", variant);
	r.has_dst = variant != 0;
	fill_range(&r.dst, 6, (uint8_t)(50 + variant));
	snprintf(r.dst_text, sizeof(r.dst_text), "2001:db8::%u/128", variant);
	r.dport.lo = (uint16_t)(20 + variant);
	r.dport.hi = 65535;
	r.dport.any = variant == 2;
	snprintf(r.port_list_id, sizeof(r.port_list_id), "prl-%u", variant);
	r.has_sport = variant == 1;
	r.sport.lo = 1024;
	r.sport.hi = (uint16_t)(2000 + variant);
	r.sport.any = variant == 0;
	snprintf(r.nic_type, sizeof(r.nic_type), variant ? "internet" : "intranet");
	r.description = variant == 0 ? NULL : strdup(variant == 1 ? "" : "allow ssh");
	snprintf(r.create_time, sizeof(r.create_time), "2026-11-29T14:1%uZ", variant % 10u);
	return r;
}

static void build_model(struct sg_model *m)
{
	struct sg_group g;
	struct sg_group *ga;
	struct sg_rule r;
	struct sg_prefix_list pl;
	struct sg_prefix_list *pla;
	struct sg_port_list prl;
	struct sg_port_list *prla;
	struct sg_nic n;
	struct sg_nic *na;

	sg_model_init(m);
	g = make_group("sg-a", "first group", 1234567890);
	assert_non_null(sg_group_add(m, &g));
	g = make_group("sg-b", NULL, 42);
	g.type = SG_GROUP_NORMAL;
	g.inner_policy = SG_POLICY_ACCEPT;
	assert_non_null(sg_group_add(m, &g));
	ga = sg_group_find(m, "sg-a");
	for (unsigned v = 0; v < 3; v++) {
		char id[24];

		snprintf(id, sizeof(id), "sgr-a%u", v);
		r = make_rule(id, (uint64_t)(10 + v * 5), v);
		assert_non_null(sg_rule_add(m, ga, &r));
	}
	r = make_rule("sgr-b0", 7, 1);
	assert_non_null(sg_rule_add(m, sg_group_find(m, "sg-b"), &r));

	memset(&pl, 0, sizeof(pl));
	snprintf(pl.id, sizeof(pl.id), "pl-1");
	snprintf(pl.name, sizeof(pl.name), "office");
	pl.description = strdup("offices");
	pl.family = 6;
	pl.max_entries = 200;
	pl.owner_id = 99;
	snprintf(pl.create_time, sizeof(pl.create_time), "2026-11-29T14:00Z");
	assert_non_null(pla = sg_pl_add(m, &pl));
	for (int i = 0; i < 3; i++) {
		struct sg_prefix_entry e;

		memset(&e, 0, sizeof(e));
		fill_range(&e.range, 6, (uint8_t)(70 + i));
		snprintf(e.cidr, sizeof(e.cidr), "2001:db8:%d::/48", i);
		e.description = i == 1 ? NULL : strdup("entry");
		assert_int_equal(sg_pl_entry_add(pla, &e), 0);
	}

	memset(&prl, 0, sizeof(prl));
	snprintf(prl.id, sizeof(prl.id), "prl-1");
	snprintf(prl.name, sizeof(prl.name), "web");
	prl.description = NULL;
	prl.max_entries = 2000;
	prl.owner_id = 77;
	snprintf(prl.create_time, sizeof(prl.create_time), "2026-11-29T14:01Z");
	assert_non_null(prla = sg_prl_add(m, &prl));
	for (int i = 0; i < 2; i++) {
		struct sg_port_entry e;

		memset(&e, 0, sizeof(e));
		e.range.lo = (uint16_t)(80 + i);
		e.range.hi = (uint16_t)(443 + i);
		e.range.any = i == 1;
		snprintf(e.text, sizeof(e.text), "%d/%d", 80 + i, 443 + i);
		e.description = i ? strdup("https") : NULL;
		assert_int_equal(sg_prl_entry_add(prla, &e), 0);
	}

	memset(&n, 0, sizeof(n));
	snprintf(n.id, sizeof(n.id), "eni-1");
	snprintf(n.name, sizeof(n.name), "web-1");
	n.description = strdup("front end");
	snprintf(n.host_device, sizeof(n.host_device), "veth3");
	snprintf(n.vpc_id, sizeof(n.vpc_id), "vpc-1");
	n.owner_id = 1234567890;
	snprintf(n.create_time, sizeof(n.create_time), "2026-11-29T14:02Z");
	snprintf(n.groups[0], sizeof(n.groups[0]), "sg-b");
	snprintf(n.groups[1], sizeof(n.groups[1]), "sg-a");
	n.ngroups = 2;
	assert_non_null(na = sg_nic_add(m, &n));
	for (int i = 0; i < 2; i++) {
		struct sg_nic_addr a;

		memset(&a, 0, sizeof(a));
		fill_range(&a.addr, i ? 6 : 4, (uint8_t)(90 + i));
		snprintf(a.text, sizeof(a.text), i ? "2001:db8::5" : "192.0.2.5");
		assert_int_equal(sg_nic_addr_add(na, &a), 0);
	}
	/* A NIC with nothing optional: no addresses, groups or description. */
	memset(&n, 0, sizeof(n));
	snprintf(n.id, sizeof(n.id), "eni-2");
	assert_non_null(sg_nic_add(m, &n));
}

static void put_model(struct sg_store *st, const struct sg_model *m)
{
	assert_int_equal(sg_store_begin(st), 0);
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct sg_group *g = &m->groups[i];

		assert_int_equal(sg_store_put_group(st, g), 0);
		for (size_t j = 0; j < g->nrules; j++)
			assert_int_equal(sg_store_put_rule(st, g->id, &g->rules[j]), 0);
	}
	for (size_t i = 0; i < m->npls; i++)
		assert_int_equal(sg_store_put_pl(st, &m->pls[i]), 0);
	for (size_t i = 0; i < m->nprls; i++)
		assert_int_equal(sg_store_put_prl(st, &m->prls[i]), 0);
	for (size_t i = 0; i < m->nnics; i++)
		assert_int_equal(sg_store_put_nic(st, &m->nics[i]), 0);
	assert_int_equal(sg_store_commit(st), 0);
}

/* ---- field-by-field comparison ---- */

static void eq_str_or_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void eq_range(const struct sg_addr_range *a, const struct sg_addr_range *b)
{
	assert_int_equal(a->family, b->family);
	assert_memory_equal(a->lo, b->lo, 16);
	assert_memory_equal(a->hi, b->hi, 16);
}

static void eq_port(const struct sg_port_range *a, const struct sg_port_range *b)
{
	assert_int_equal(a->lo, b->lo);
	assert_int_equal(a->hi, b->hi);
	assert_int_equal(a->any, b->any);
}

static void eq_rule(const struct sg_rule *a, const struct sg_rule *b)
{
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->policy, b->policy);
	assert_int_equal(a->priority, b->priority);
	assert_int_equal(a->proto, b->proto);
	assert_string_equal(a->proto_text, b->proto_text);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->src_kind, b->src_kind);
	eq_range(&a->src, &b->src);
	assert_string_equal(a->src_text, b->src_text);
	assert_string_equal(a->src_group_id, b->src_group_id);
	assert_true(a->src_group_owner_id == b->src_group_owner_id);
	assert_string_equal(a->src_group_owner_account, b->src_group_owner_account);
	assert_string_equal(a->prefix_list_id, b->prefix_list_id);
	assert_int_equal(a->has_dst, b->has_dst);
	eq_range(&a->dst, &b->dst);
	assert_string_equal(a->dst_text, b->dst_text);
	eq_port(&a->dport, &b->dport);
	assert_string_equal(a->port_list_id, b->port_list_id);
	assert_int_equal(a->has_sport, b->has_sport);
	eq_port(&a->sport, &b->sport);
	assert_string_equal(a->nic_type, b->nic_type);
	eq_str_or_null(a->description, b->description);
	assert_string_equal(a->create_time, b->create_time);
}

static void eq_group(const struct sg_group *a, const struct sg_group *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	eq_str_or_null(a->description, b->description);
	assert_string_equal(a->vpc_id, b->vpc_id);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->inner_policy, b->inner_policy);
	assert_true(a->owner_id == b->owner_id);
	assert_string_equal(a->create_time, b->create_time);
	assert_int_equal(a->nrules, b->nrules);
	for (size_t i = 0; i < a->nrules; i++)
		eq_rule(&a->rules[i], &b->rules[i]);
}

static void eq_pl(const struct sg_prefix_list *a, const struct sg_prefix_list *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	eq_str_or_null(a->description, b->description);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->max_entries, b->max_entries);
	assert_true(a->owner_id == b->owner_id);
	assert_string_equal(a->create_time, b->create_time);
	assert_int_equal(a->nentries, b->nentries);
	for (size_t i = 0; i < a->nentries; i++) {
		eq_range(&a->entries[i].range, &b->entries[i].range);
		assert_string_equal(a->entries[i].cidr, b->entries[i].cidr);
		eq_str_or_null(a->entries[i].description, b->entries[i].description);
	}
}

static void eq_prl(const struct sg_port_list *a, const struct sg_port_list *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	eq_str_or_null(a->description, b->description);
	assert_int_equal(a->max_entries, b->max_entries);
	assert_true(a->owner_id == b->owner_id);
	assert_string_equal(a->create_time, b->create_time);
	assert_int_equal(a->nentries, b->nentries);
	for (size_t i = 0; i < a->nentries; i++) {
		eq_port(&a->entries[i].range, &b->entries[i].range);
		assert_string_equal(a->entries[i].text, b->entries[i].text);
		eq_str_or_null(a->entries[i].description, b->entries[i].description);
	}
}

static void eq_nic(const struct sg_nic *a, const struct sg_nic *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	eq_str_or_null(a->description, b->description);
	assert_string_equal(a->host_device, b->host_device);
	assert_string_equal(a->vpc_id, b->vpc_id);
	assert_true(a->owner_id == b->owner_id);
	assert_string_equal(a->create_time, b->create_time);
	assert_int_equal(a->naddrs, b->naddrs);
	for (size_t i = 0; i < a->naddrs; i++) {
		eq_range(&a->addrs[i].addr, &b->addrs[i].addr);
		assert_string_equal(a->addrs[i].text, b->addrs[i].text);
	}
	assert_int_equal(a->ngroups, b->ngroups);
	for (size_t i = 0; i < a->ngroups; i++)
		assert_string_equal(a->groups[i], b->groups[i]);
}

static void eq_model(const struct sg_model *a, const struct sg_model *b)
{
	assert_int_equal(a->ngroups, b->ngroups);
	for (size_t i = 0; i < a->ngroups; i++)
		eq_group(&a->groups[i], &b->groups[i]);
	assert_int_equal(a->npls, b->npls);
	for (size_t i = 0; i < a->npls; i++)
		eq_pl(&a->pls[i], &b->pls[i]);
	assert_int_equal(a->nprls, b->nprls);
	for (size_t i = 0; i < a->nprls; i++)
		eq_prl(&a->prls[i], &b->prls[i]);
	assert_int_equal(a->nnics, b->nnics);
	for (size_t i = 0; i < a->nnics; i++)
		eq_nic(&a->nics[i], &b->nics[i]);
}

static void load(struct sg_store *st, struct sg_model *m)
{
	sg_model_init(m);
	assert_int_equal(sg_store_load(st, m), 0);
}

/* ---- tests ---- */

static void test_open_creates_private_dir(void **state)
{
	struct fx *fx = *state;
	struct stat sb;

	assert_int_equal(stat(fx->dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(count_rows(fx, "PRAGMA user_version"), 1);
	/* WAL is a property of the file: a fresh connection sees it. */
	assert_int_equal(count_rows(fx, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
}

static void test_empty_load(void **state)
{
	struct fx *fx = *state;
	struct sg_model m;

	load(fx->st, &m);
	assert_int_equal(m.ngroups + m.npls + m.nprls + m.nnics, 0);
	assert_int_equal(m.next_seq, 1);
	sg_model_free(&m);
}

static void test_round_trip(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;

	build_model(&a);
	put_model(fx->st, &a);
	load(fx->st, &b);
	eq_model(&a, &b);
	assert_int_equal(b.next_seq, 21); /* max seq 20 + 1 */
	sg_model_free(&b);

	/* Putting everything again is an update, not a duplicate. */
	put_model(fx->st, &a);
	load(fx->st, &b);
	eq_model(&a, &b);
	sg_model_free(&b);
	sg_model_free(&a);
}

static void test_updates_replace(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;
	struct sg_group *g;

	build_model(&a);
	put_model(fx->st, &a);

	/* A group upsert must not take its rules with it (no REPLACE). */
	g = sg_group_find(&a, "sg-a");
	snprintf(g->name, sizeof(g->name), "renamed");
	free(g->description);
	g->description = NULL;
	g->rules[1].priority = 99;
	/* Lists and NICs are rewritten whole: fewer entries, other order. */
	sg_pl_entry_del(&a.pls[0], 0);
	sg_prl_entry_del(&a.prls[0], 1);
	snprintf(a.nics[0].groups[0], SG_ID_LEN, "sg-a");
	a.nics[0].ngroups = 1;
	a.nics[0].naddrs = 1;

	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_put_group(fx->st, g), 0);
	assert_int_equal(sg_store_put_rule(fx->st, g->id, &g->rules[1]), 0);
	assert_int_equal(sg_store_put_pl(fx->st, &a.pls[0]), 0);
	assert_int_equal(sg_store_put_prl(fx->st, &a.prls[0]), 0);
	assert_int_equal(sg_store_put_nic(fx->st, &a.nics[0]), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);

	load(fx->st, &b);
	eq_model(&a, &b);
	assert_int_equal(sg_group_find(&b, "sg-a")->nrules, 3);
	sg_model_free(&b);
	sg_model_free(&a);
}

static void test_delete_cascades(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;

	build_model(&a);
	put_model(fx->st, &a);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM rules WHERE group_id='sg-a'"), 3);

	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_del_group(fx->st, "sg-a"), 0);
	assert_int_equal(sg_store_del_rule(fx->st, "sgr-b0"), 0);
	assert_int_equal(sg_store_del_pl(fx->st, "pl-1"), 0);
	assert_int_equal(sg_store_del_prl(fx->st, "prl-1"), 0);
	assert_int_equal(sg_store_del_nic(fx->st, "eni-1"), 0);
	/* Deleting what is not there is not an error. */
	assert_int_equal(sg_store_del_group(fx->st, "sg-none"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);

	assert_int_equal(count_rows(fx, "SELECT count(*) FROM rules"), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM prefix_list_entries"), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM port_list_entries"), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM nic_addresses"), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM nic_groups"), 0);

	load(fx->st, &b);
	assert_int_equal(b.ngroups, 1);
	assert_string_equal(b.groups[0].id, "sg-b");
	assert_int_equal(b.groups[0].nrules, 0);
	assert_int_equal(b.npls, 0);
	assert_int_equal(b.nprls, 0);
	assert_int_equal(b.nnics, 1);
	assert_string_equal(b.nics[0].id, "eni-2");
	sg_model_free(&b);
	sg_model_free(&a);
}

static void test_rollback_leaves_no_trace(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;
	struct sg_group g;
	struct sg_rule r;

	build_model(&a);
	put_model(fx->st, &a);

	assert_int_equal(sg_store_begin(fx->st), 0);
	g = make_group("sg-new", "never", 1);
	assert_int_equal(sg_store_put_group(fx->st, &g), 0);
	r = make_rule("sgr-new", 500, 2);
	assert_int_equal(sg_store_put_rule(fx->st, "sg-new", &r), 0);
	assert_int_equal(sg_store_del_group(fx->st, "sg-a"), 0);
	assert_int_equal(sg_store_del_nic(fx->st, "eni-1"), 0);
	assert_int_equal(sg_store_token_put(fx->st, 1, "CreateSecurityGroup", "tok", "{}"), 0);
	assert_int_equal(sg_store_rollback(fx->st), 0);
	free(g.description);
	sg_rule_free(&r);

	load(fx->st, &b);
	eq_model(&a, &b);
	assert_int_equal(b.next_seq, 21);
	sg_model_free(&b);
	{
		char *resp = NULL;

		assert_int_equal(sg_store_token_get(fx->st, 1, "CreateSecurityGroup", "tok", &resp),
				 -ENOENT);
		assert_null(resp);
	}
	/* A load inside an open transaction sees its writes. */
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_del_group(fx->st, "sg-b"), 0);
	load(fx->st, &b);
	assert_int_equal(b.ngroups, 1);
	sg_model_free(&b);
	assert_int_equal(sg_store_rollback(fx->st), 0);
	load(fx->st, &b);
	assert_int_equal(b.ngroups, 2);
	sg_model_free(&b);
	/* Rollback with nothing open is harmless; a new transaction works. */
	assert_int_equal(sg_store_rollback(fx->st), 0);
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);
	sg_model_free(&a);
}

static void test_tokens(void **state)
{
	struct fx *fx = *state;
	char *resp = NULL;

	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", &resp),
			 -ENOENT);
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 7, "AuthorizeSecurityGroup", "t1",
					    "{\"RequestId\":\"first\"}"), 0);
	/* The first answer stays. */
	assert_int_equal(sg_store_token_put(fx->st, 7, "AuthorizeSecurityGroup", "t1",
					    "{\"RequestId\":\"second\"}"), 0);
	assert_int_equal(sg_store_token_put(fx->st, UINT64_MAX, "AuthorizeSecurityGroup", "t1",
					    "big"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);

	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", &resp), 0);
	assert_string_equal(resp, "{\"RequestId\":\"first\"}");
	free(resp);
	assert_int_equal(sg_store_token_get(fx->st, UINT64_MAX, "AuthorizeSecurityGroup", "t1",
					    &resp), 0);
	assert_string_equal(resp, "big");
	free(resp);
	/* The key is (account, action, token): change any part and it misses. */
	assert_int_equal(sg_store_token_get(fx->st, 8, "AuthorizeSecurityGroup", "t1", &resp),
			 -ENOENT);
	assert_int_equal(sg_store_token_get(fx->st, 7, "RevokeSecurityGroup", "t1", &resp),
			 -ENOENT);
	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t2", &resp),
			 -ENOENT);

	reopen(fx);
	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", &resp), 0);
	assert_string_equal(resp, "{\"RequestId\":\"first\"}");
	free(resp);
}

static void test_reopen_keeps_data(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;

	build_model(&a);
	put_model(fx->st, &a);
	reopen(fx);
	load(fx->st, &b);
	eq_model(&a, &b);
	sg_model_free(&b);
	sg_model_free(&a);
}

static void test_close_discards_open_transaction(void **state)
{
	struct fx *fx = *state;
	struct sg_group g = make_group("sg-open", NULL, 1);
	struct sg_model b;

	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_put_group(fx->st, &g), 0);
	reopen(fx);
	load(fx->st, &b);
	assert_int_equal(b.ngroups, 0);
	sg_model_free(&b);
}

/* The child commits, tells the parent, and waits to be killed: nothing
 * after COMMIT (no close, no checkpoint) may be needed for durability. */
static void test_survives_sigkill(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, b;
	int pipefd[2], status;
	char c = 0;
	pid_t pid;

	build_model(&a);
	sg_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sg_store *st;

		close(pipefd[0]);
		if (sg_store_open(fx->dir, &st))
			_exit(1);
		put_model(st, &a);
		if (write(pipefd[1], "k", 1) != 1)
			_exit(1);
		for (int i = 0; i < 100; i++) /* bounded: 10 s at most */
			usleep(100000);
		_exit(2);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'k');
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(pipefd[0]);

	assert_int_equal(sg_store_open(fx->dir, &fx->st), 0);
	load(fx->st, &b);
	eq_model(&a, &b);
	sg_model_free(&b);
	sg_model_free(&a);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *fx = *state;
	char path[128];
	sqlite3 *db;
	struct sg_store *st = NULL;

	sg_store_close(fx->st);
	fx->st = NULL;
	snprintf(path, sizeof(path), "%s/state.db", fx->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sg_store_open(fx->dir, &st), -EIO);
	assert_null(st);
}

static void test_open_on_a_file_fails(void **state)
{
	struct fx *fx = *state;
	char path[128];
	struct sg_store *st = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/not-a-dir", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(sg_store_open(path, &st), -ENOTDIR);
	assert_null(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_creates_private_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_updates_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_cascades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_leaves_no_trace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_discards_open_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_on_a_file_fails, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
