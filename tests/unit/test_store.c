/* test_store.c - the SQLite store: every field of every object survives a
 * put/load round trip, deletes cascade, rollback leaves nothing, tokens keep
 * their first answer until they expire, a committed write survives SIGKILL,
 * a row sgd does not understand fails the load (naming table and row), a
 * file that is not sgd's database is refused, and the files are 0600. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "sgd/model.h"
#include "sgd/store.h"
#include "actions_fixture.h"

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
static int count_rows_at(const char *dir, const char *sql)
{
	char path[256];
	sqlite3 *db;
	sqlite3_stmt *s;
	int n = -1;

	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static int count_rows(struct fx *fx, const char *sql)
{
	return count_rows_at(fx->dir, sql);
}

/* Run sql on DIR/state.db with a connection of its own (foreign keys off,
 * as any other writer may have them): what an operator or a bug could do. */
static void raw_exec(const char *dir, const char *sql)
{
	char path[256];
	sqlite3 *db;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* f(ctx) with stderr captured into buf (and echoed afterwards). */
static int capture_stderr(int (*f)(void *), void *ctx, char *buf, size_t len)
{
	char path[] = "/tmp/sgd-store-err-XXXXXX";
	int fd = mkstemp(path), saved, rc;
	ssize_t n;

	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 2) >= 0);
	rc = f(ctx);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	fputs(buf, stderr);
	return rc;
}

struct load_call {
	struct sg_store *st;
	struct sg_model *m;
};

static int do_load(void *ctx)
{
	struct load_call *c = ctx;

	return sg_store_load(c->st, c->m);
}

struct open_call {
	const char *dir;
	struct sg_store **st;
};

static int do_open(void *ctx)
{
	struct open_call *c = ctx;

	return sg_store_open(c->dir, c->st);
}

static void mode_is(const char *dir, const char *name, unsigned mode)
{
	char path[256];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &sb) < 0)
		fail_msg("%s: %s", path, strerror(errno));
	if ((sb.st_mode & 07777) != mode)
		fail_msg("%s: mode %04o, expected %04o", path, (unsigned)(sb.st_mode & 07777), mode);
}

/* ---- objects with every field set to something distinctive ---- */

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

/* Rules that load: the values hang together the way permission.c makes
 * them (sg_store_load refuses anything else), and every field differs
 * between the variants so a column swapped in the store would show.
 * 0: IPv4 CIDR source, accept.  1: IPv6 prefix list pl-1 source with a
 * destination, a port list and source ports, drop.  2: group sg-b source
 * with an IPv6 destination, any protocol. */
static struct sg_rule make_rule(const char *id, uint64_t seq, unsigned variant)
{
	static const char *const src[] = { "198.51.100.0/24", "2001:db8:77::/48", "192.0.2.0/24" };
	static const char *const dst[] = { "203.0.113.0/24", "2001:db8::1/128", "2001:db8:ff::/64" };
	struct sg_rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	r.seq = seq;
	r.policy = variant & 1 ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
	r.priority = (uint8_t)(1 + variant * 7);
	r.proto = variant == 2 ? SG_PROTO_ALL : SG_PROTO_TCP;
	snprintf(r.proto_text, sizeof(r.proto_text), variant == 2 ? "ALL" : "TCP");
	r.src_kind = (enum sg_src_kind)(variant % 3);
	/* The source range is kept whatever the kind (only CIDR uses it). */
	assert_int_equal(sg_addr_parse(src[variant], &r.src), 0);
	if (r.src_kind == SG_SRC_CIDR)
		sg_addr_format(&r.src, r.src_text, sizeof(r.src_text));
	r.family = variant == 0 ? 4 : 6;
	snprintf(r.src_group_id, sizeof(r.src_group_id), variant == 2 ? "sg-b" : "sg-src%u", variant);
	r.src_group_owner_id = UINT64_MAX - (uint64_t)variant; /* top bit set: signedness */
	snprintf(r.src_group_owner_account, sizeof(r.src_group_owner_account), "ops%u@example.com",
		 variant);
	snprintf(r.prefix_list_id, sizeof(r.prefix_list_id), "pl-%u", variant);
	r.has_dst = variant != 0;
	assert_int_equal(sg_addr_parse(dst[variant], &r.dst), 0);
	if (r.has_dst)
		sg_addr_format(&r.dst, r.dst_text, sizeof(r.dst_text));
	r.dport.lo = (uint16_t)(20 + variant);
	r.dport.hi = 65535;
	r.dport.any = variant == 2;
	if (variant == 1)
		snprintf(r.port_list_id, sizeof(r.port_list_id), "prl-1");
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
		snprintf(e.cidr, sizeof(e.cidr), "2001:db8:%d::/48", i);
		assert_int_equal(sg_addr_parse(e.cidr, &e.range), 0);
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
		snprintf(a.text, sizeof(a.text), i ? "2001:db8::5" : "192.0.2.5");
		assert_int_equal(sg_addr_parse(a.text, &a.addr), 0);
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
	assert_int_equal(sg_store_token_put(fx->st, 1, "CreateSecurityGroup", "tok", 0, "{}"), 0);
	assert_int_equal(sg_store_rollback(fx->st), 0);
	free(g.description);
	sg_rule_free(&r);

	load(fx->st, &b);
	eq_model(&a, &b);
	assert_int_equal(b.next_seq, 21);
	sg_model_free(&b);
	{
		char *resp = NULL;

		assert_int_equal(sg_store_token_get(fx->st, 1, "CreateSecurityGroup", "tok", 0, &resp),
				 -ENOENT);
		assert_null(resp);
	}
	/* A load inside an open transaction sees its writes. */
	assert_int_equal(sg_store_begin(fx->st), 0);
	g = make_group("sg-c", NULL, 3);
	assert_int_equal(sg_store_put_group(fx->st, &g), 0);
	free(g.description);
	load(fx->st, &b);
	assert_int_equal(b.ngroups, 3);
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

	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", 0, &resp),
			 -ENOENT);
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 7, "AuthorizeSecurityGroup", "t1", 0,
					    "{\"RequestId\":\"first\"}"), 0);
	/* The first answer stays. */
	assert_int_equal(sg_store_token_put(fx->st, 7, "AuthorizeSecurityGroup", "t1", 0,
					    "{\"RequestId\":\"second\"}"), 0);
	assert_int_equal(sg_store_token_put(fx->st, UINT64_MAX, "AuthorizeSecurityGroup", "t1", 0,
					    "big"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);

	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", 0, &resp), 0);
	assert_string_equal(resp, "{\"RequestId\":\"first\"}");
	free(resp);
	assert_int_equal(sg_store_token_get(fx->st, UINT64_MAX, "AuthorizeSecurityGroup", "t1", 0,
					    &resp), 0);
	assert_string_equal(resp, "big");
	free(resp);
	/* The key is (account, action, token): change any part and it misses. */
	assert_int_equal(sg_store_token_get(fx->st, 8, "AuthorizeSecurityGroup", "t1", 0, &resp),
			 -ENOENT);
	assert_int_equal(sg_store_token_get(fx->st, 7, "RevokeSecurityGroup", "t1", 0, &resp),
			 -ENOENT);
	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t2", 0, &resp),
			 -ENOENT);

	reopen(fx);
	assert_int_equal(sg_store_token_get(fx->st, 7, "AuthorizeSecurityGroup", "t1", 0, &resp), 0);
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

/* Every loader refuses what it does not understand, names table and row,
 * and leaves the model empty: nothing is skipped or defaulted. */
static void test_bad_rows_refused(void **state)
{
	static const struct {
		const char *sql, *needle;
	} cases[] = {
		/* rules: references */
		{ "UPDATE rules SET group_id = 'sg-gone' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: group \"sg-gone\" does not exist" },
		{ "UPDATE rules SET prefix_list_id = 'pl-gone' WHERE id = 'sgr-a1'",
		  "table rules, row sgr-a1: source prefix list \"pl-gone\" does not exist" },
		{ "UPDATE rules SET port_list_id = 'prl-gone' WHERE id = 'sgr-a1'",
		  "table rules, row sgr-a1: port list \"prl-gone\" does not exist" },
		{ "UPDATE rules SET src_group_id = 'sg-gone' WHERE id = 'sgr-a2'",
		  "table rules, row sgr-a2: source group \"sg-gone\" does not exist" },
		/* rules: values out of range */
		{ "UPDATE rules SET src_kind = 3 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column src_kind: 3 is outside 0..2" },
		{ "UPDATE rules SET family = 5 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: family 5 is not 4, 6 or 0" },
		{ "UPDATE rules SET family = 0 WHERE id = 'sgr-a0'", "table rules, row sgr-a0: " },
		{ "UPDATE rules SET policy = 2 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column policy: 2 is outside 0..1" },
		{ "UPDATE rules SET policy = 'drop' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column policy holds TEXT, not INTEGER" },
		{ "UPDATE rules SET priority = 0 WHERE id = 'sgr-b0'",
		  "table rules, row sgr-b0: column priority: 0 is outside 1..100" },
		{ "UPDATE rules SET priority = 257 WHERE id = 'sgr-b0'",
		  "table rules, row sgr-b0: column priority: 257 is outside 1..100" },
		{ "UPDATE rules SET proto = 256 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column proto: 256" },
		{ "UPDATE rules SET proto_text = 'UDP' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: protocol \"UDP\" does not match protocol number 6" },
		{ "UPDATE rules SET seq = 0 WHERE id = 'sgr-a0'", "table rules, row sgr-a0: column seq" },
		{ "UPDATE rules SET has_dst = 2 WHERE id = 'sgr-a1'", "table rules, row sgr-a1: column has_dst" },
		{ "UPDATE rules SET dport_lo = 70000 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column dport_lo: 70000" },
		{ "UPDATE rules SET dport_lo = 0 WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: destination ports: port range 0/65535" },
		{ "UPDATE rules SET sport_lo = 3000 WHERE id = 'sgr-a1'",
		  "table rules, row sgr-a1: source ports: port range 3000/2001" },
		{ "UPDATE rules SET nic_type = 'dmz' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: NicType \"dmz\"" },
		/* rules: addresses */
		{ "UPDATE rules SET src_text = '198.51.100.300/24' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: source: address \"198.51.100.300/24\" does not parse" },
		{ "UPDATE rules SET src_text = '0.0.0.0/0' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: source: address \"0.0.0.0/0\" differs from the stored range" },
		{ "UPDATE rules SET src_lo = x'00' WHERE id = 'sgr-a0'",
		  "table rules, row sgr-a0: column src_lo: an address is 16 bytes, not 1" },
		{ "UPDATE rules SET src_family = 6 WHERE id = 'sgr-a0'", "table rules, row sgr-a0: source" },
		{ "UPDATE rules SET dst_text = '2001:db8::2/128' WHERE id = 'sgr-a1'",
		  "table rules, row sgr-a1: destination: address" },
		{ "UPDATE rules SET dst_family = 4 WHERE id = 'sgr-a2'", "table rules, row sgr-a2: destination" },
		/* groups and lists */
		{ "UPDATE groups SET type = 2 WHERE id = 'sg-a'", "table groups, row sg-a: column type" },
		{ "UPDATE groups SET inner_policy = -1 WHERE id = 'sg-b'",
		  "table groups, row sg-b: column inner_policy" },
		{ "UPDATE prefix_lists SET family = 5", "table prefix_lists, row pl-1: family 5" },
		{ "UPDATE prefix_lists SET max_entries = 0", "table prefix_lists, row pl-1: column max_entries" },
		{ "UPDATE prefix_list_entries SET cidr = '2001:db8:9::/48' WHERE pos = 2",
		  "table prefix_list_entries, row pl-1 pos 2: entry: address \"2001:db8:9::/48\" differs" },
		{ "UPDATE prefix_list_entries SET family = 4 WHERE pos = 0",
		  "table prefix_list_entries, row pl-1 pos 0: entry" },
		{ "UPDATE port_list_entries SET lo = 0 WHERE pos = 0",
		  "table port_list_entries, row prl-1 pos 0: entry: port range 0/443" },
		{ "UPDATE port_list_entries SET text = '1/65535' WHERE pos = 1",
		  "table port_list_entries, row prl-1 pos 1: entry \"1/65535\" differs" },
		{ "UPDATE port_lists SET max_entries = -5", "table port_lists, row prl-1: column max_entries" },
		/* NICs */
		{ "UPDATE nic_groups SET group_id = 'sg-gone' WHERE position = 1",
		  "table nic_groups, row eni-1 position 1: group \"sg-gone\" does not exist" },
		{ "UPDATE nic_groups SET group_id = 'sg-b' WHERE position = 1",
		  "table nic_groups, row eni-1 position 1: group \"sg-b\" is listed twice" },
		{ "UPDATE nic_addresses SET text = '192.0.2.6' WHERE pos = 0",
		  "table nic_addresses, row eni-1 pos 0: address: address \"192.0.2.6\" differs" },
		{ "UPDATE nic_addresses SET family = 7 WHERE pos = 1",
		  "table nic_addresses, row eni-1 pos 1: address: address family 7" },
		/* orphan child rows, which the loaders would never read */
		{ "INSERT INTO nic_groups VALUES('eni-gone', 0, 'sg-a')",
		  "table nic_groups, row eni-gone position 0: nic_id \"eni-gone\" does not exist in table nics" },
		{ "INSERT INTO nic_addresses SELECT 'eni-gone', pos, family, lo, hi, text FROM nic_addresses"
		  " WHERE pos = 0", "table nic_addresses, row eni-gone pos 0" },
		{ "INSERT INTO prefix_list_entries SELECT 'pl-gone', pos, family, lo, hi, cidr, description"
		  " FROM prefix_list_entries WHERE pos = 0", "table prefix_list_entries, row pl-gone pos 0" },
		{ "INSERT INTO port_list_entries SELECT 'prl-gone', pos, lo, hi, any, text, description"
		  " FROM port_list_entries WHERE pos = 0", "table port_list_entries, row prl-gone pos 0" },
		/* text columns */
		{ "UPDATE groups SET name = x'4142' WHERE id = 'sg-b'",
		  "table groups, row sg-b: column name holds BLOB, not TEXT" },
		{ "UPDATE nics SET host_device = 'a-name-longer-than-ifnamsiz' WHERE id = 'eni-1'",
		  "table nics, row eni-1: column host_device" },
	};
	struct fx *fx = *state;
	struct sg_model a, m;
	char err[2048];

	build_model(&a);
	sg_store_close(fx->st);
	fx->st = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct load_call lc = { .m = &m };
		char dir[128];

		snprintf(dir, sizeof(dir), "%s/bad%zu", fx->dir, i);
		assert_int_equal(sg_store_open(dir, &lc.st), 0);
		put_model(lc.st, &a);
		raw_exec(dir, cases[i].sql);
		sg_model_init(&m);
		if (capture_stderr(do_load, &lc, err, sizeof(err)) != -EIO)
			fail_msg("case %zu (%s) loaded", i, cases[i].sql);
		if (!strstr(err, cases[i].needle))
			fail_msg("case %zu (%s): \"%s\" lacks \"%s\"", i, cases[i].sql, err, cases[i].needle);
		/* never half a model */
		assert_int_equal(m.ngroups + m.npls + m.nprls + m.nnics, 0);
		assert_int_equal(m.next_seq, 1);
		sg_store_close(lc.st);
	}
	sg_model_free(&a);
}

/* sg_store_reload: the running model stays when the database does not
 * load, and is replaced when it does. */
static void test_reload_keeps_model(void **state)
{
	struct fx *fx = *state;
	struct sg_model a, m;

	build_model(&a);
	put_model(fx->st, &a);
	load(fx->st, &m);
	m.quota.rules_per_group = 7;
	raw_exec(fx->dir, "UPDATE rules SET group_id = 'sg-gone' WHERE id = 'sgr-a0'");
	assert_int_equal(sg_store_reload(fx->st, &m), -EIO);
	eq_model(&a, &m);
	assert_int_equal(m.next_seq, 21);
	raw_exec(fx->dir, "UPDATE rules SET group_id = 'sg-a' WHERE id = 'sgr-a0';"
		 " DELETE FROM rules WHERE id = 'sgr-b0'");
	assert_int_equal(sg_store_reload(fx->st, &m), 0);
	assert_int_equal(sg_group_find(&m, "sg-b")->nrules, 0);
	assert_int_equal(sg_group_find(&m, "sg-a")->nrules, 3);
	assert_int_equal(m.quota.rules_per_group, 7); /* the quota travels */
	sg_model_free(&m);
	sg_model_free(&a);
}

/* A state.db that exists is sgd's only when it has sgd's schema: an empty
 * file or another program's database is refused, and left as it was. */
static void test_foreign_database_refused(void **state)
{
	struct fx *fx = *state;
	struct sg_store *st = NULL;
	struct open_call oc = { .st = &st };
	char dir[128], path[160], err[1024];
	struct stat sb;
	sqlite3 *db;
	FILE *f;
	int fd;

	/* a zero-byte file */
	snprintf(dir, sizeof(dir), "%s/empty", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.db", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	oc.dir = dir;
	assert_int_equal(capture_stderr(do_open, &oc, err, sizeof(err)), -EIO);
	assert_null(st);
	assert_non_null(strstr(err, "holds no sgd schema"));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 0);

	/* another program's SQLite database */
	snprintf(dir, sizeof(dir), "%s/other", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x); INSERT INTO notes VALUES(1)",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(path, 0600), 0);
	oc.dir = dir;
	assert_int_equal(capture_stderr(do_open, &oc, err, sizeof(err)), -EIO);
	assert_null(st);
	assert_non_null(strstr(err, "holds no sgd schema"));
	assert_int_equal(count_rows_at(dir, "SELECT count(*) FROM sqlite_master"), 1);
	assert_int_equal(count_rows_at(dir, "SELECT count(*) FROM notes"), 1);
	/* not even switched to WAL */
	assert_int_equal(count_rows_at(dir, "SELECT journal_mode = 'delete' FROM pragma_journal_mode"), 1);

	/* not a database at all */
	snprintf(dir, sizeof(dir), "%s/garbage", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.db", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 100; i++)
		fputs("this is not a database ", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_true(sg_store_open(dir, &st) < 0);
	assert_null(st);

	/* missing: created (and a -wal left behind by a deleted database goes) */
	snprintf(dir, sizeof(dir), "%s/fresh", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/state.db-wal", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("stale", f);
	fclose(f);
	assert_int_equal(sg_store_open(dir, &st), 0);
	assert_true(stat(path, &sb) < 0 || sb.st_size != 5);
	sg_store_close(st);
	st = NULL;
	snprintf(path, sizeof(path), "%s/state.db.new", dir);
	assert_true(access(path, F_OK) < 0);
}

/* state.db, -wal and -shm are 0600 whatever the umask and the directory's
 * mode; an existing wider state.db is narrowed; another owner's or a
 * symlink is refused. */
static void test_file_modes(void **state)
{
	struct fx *fx = *state;
	struct sg_store *st = NULL;
	struct sg_group g;
	char dir[128], path[160], real[160];
	mode_t old;

	sg_store_close(fx->st);
	fx->st = NULL;
	snprintf(dir, sizeof(dir), "%s/open", fx->dir);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	old = umask(0);
	assert_int_equal(sg_store_open(dir, &st), 0);
	g = make_group("sg-m", NULL, 1);
	assert_int_equal(sg_store_begin(st), 0);
	assert_int_equal(sg_store_put_group(st, &g), 0);
	assert_int_equal(sg_store_commit(st), 0);
	free(g.description);
	/* while open, in WAL mode, all three exist */
	mode_is(dir, "state.db", 0600);
	mode_is(dir, "state.db-wal", 0600);
	mode_is(dir, "state.db-shm", 0600);
	sg_store_close(st);
	st = NULL;

	snprintf(path, sizeof(path), "%s/state.db", dir);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(sg_store_open(dir, &st), 0);
	umask(old);
	mode_is(dir, "state.db", 0600);
	mode_is(dir, "state.db-wal", 0600);
	mode_is(dir, "state.db-shm", 0600);
	sg_store_close(st);
	st = NULL;

	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(sg_store_open(dir, &st), -EPERM);
		assert_null(st);
		assert_int_equal(chown(path, 0, 0), 0);
	}
	snprintf(real, sizeof(real), "%s/real.db", dir);
	assert_int_equal(rename(path, real), 0);
	assert_int_equal(symlink("real.db", path), 0);
	assert_int_equal(sg_store_open(dir, &st), -ELOOP);
	assert_null(st);
}

/* Answers expire: the stored timestamp is moved into the past rather than
 * waiting. */
static void test_token_expiry(void **state)
{
	struct fx *fx = *state;
	char *resp = NULL;

	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 7, "CreateSecurityGroup", "t", 5, "first"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 5, &resp), 0);
	assert_string_equal(resp, "first");
	free(resp);

	/* ten seconds later */
	raw_exec(fx->dir, "UPDATE tokens SET created = created - 10");
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 5, &resp), -ENOENT);
	assert_null(resp);
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 60, &resp), 0);
	free(resp);
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 0, &resp), 0);
	free(resp);

	/* the call ran anew: its answer replaces the expired one ... */
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 7, "CreateSecurityGroup", "t", 5, "second"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 5, &resp), 0);
	assert_string_equal(resp, "second");
	free(resp);
	/* ... and stays while it lives */
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 7, "CreateSecurityGroup", "t", 5, "third"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);
	assert_int_equal(sg_store_token_get(fx->st, 7, "CreateSecurityGroup", "t", 5, &resp), 0);
	assert_string_equal(resp, "second");
	free(resp);

	/* 250 expired answers: each put deletes at most SG_STORE_TOKEN_PURGE */
	raw_exec(fx->dir, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)"
		 " INSERT INTO tokens SELECT 9, 'A', 'old' || i, '{}', 1000 + i FROM n");
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM tokens WHERE account = 9"), 250);
	for (int i = 0; i < 3; i++) {
		char tok[16];

		snprintf(tok, sizeof(tok), "new%d", i);
		assert_int_equal(sg_store_begin(fx->st), 0);
		assert_int_equal(sg_store_token_put(fx->st, 8, "A", tok, 5, "{}"), 0);
		assert_int_equal(sg_store_commit(fx->st), 0);
		assert_int_equal(count_rows(fx, "SELECT count(*) FROM tokens WHERE account = 9"),
				 250 - SG_STORE_TOKEN_PURGE * (i + 1) > 0 ?
				 250 - SG_STORE_TOKEN_PURGE * (i + 1) : 0);
	}
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM tokens WHERE account = 8"), 3);
	/* ttl 0 keeps everything for ever: no purge */
	raw_exec(fx->dir, "INSERT INTO tokens VALUES(9, 'A', 'ancient', '{}', 1)");
	assert_int_equal(sg_store_begin(fx->st), 0);
	assert_int_equal(sg_store_token_put(fx->st, 8, "A", "forever", 0, "{}"), 0);
	assert_int_equal(sg_store_commit(fx->st), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM tokens WHERE account = 9"), 1);
}

/* Through the actions: a retry within the TTL replays, a retry after it
 * runs the call anew (a second group), and that answer replays from then. */
static void test_token_expiry_actions(void **state)
{
	struct afx *f = afx_new(true);
	char first[SG_ID_LEN], second[SG_ID_LEN];
	json_t *b;

	(void)state;
	f->env.token_ttl_s = 5;
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "SecurityGroupName", "token-test",
		   "ClientToken", "tok-1", (char *)NULL);
	snprintf(first, sizeof(first), "%s", afx_s(b, "SecurityGroupId"));
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "SecurityGroupName", "token-test",
		   "ClientToken", "tok-1", (char *)NULL);
	assert_string_equal(afx_s(b, "SecurityGroupId"), first);
	assert_int_equal(f->m.ngroups, 1);

	raw_exec(f->dir, "UPDATE tokens SET created = created - 10");
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "SecurityGroupName", "token-test",
		   "ClientToken", "tok-1", (char *)NULL);
	snprintf(second, sizeof(second), "%s", afx_s(b, "SecurityGroupId"));
	assert_string_not_equal(second, first);
	assert_int_equal(f->m.ngroups, 2);
	b = afx_ok(f, &f->alice, "CreateSecurityGroup", "VpcId", "vpc-1", "SecurityGroupName", "token-test",
		   "ClientToken", "tok-1", (char *)NULL);
	assert_string_equal(afx_s(b, "SecurityGroupId"), second);
	assert_int_equal(f->m.ngroups, 2);
	afx_free(f);
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
		cmocka_unit_test_setup_teardown(test_bad_rows_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_keeps_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_expiry, setup, teardown),
		cmocka_unit_test(test_token_expiry_actions),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
