/* actions_fixture.h - drives action handlers through sg_action_run() with a
 * real store in a temporary directory and a counting (optionally refusing)
 * dataplane stub.  Header-only: one test binary per file includes it. */
#ifndef SGD_TEST_ACTIONS_FIXTURE_H
#define SGD_TEST_ACTIONS_FIXTURE_H

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "sgd/action.h"
#include "sgd/model.h"
#include "sgd/store.h"

/* src/actions/internal.h: where the default routes are read from. */
void sg_host_device_route_files(const char *route4, const char *route6);

#define ALICE_ID 1111111111ULL
#define BOB_ID 2222222222ULL

struct afx {
	char dir[64];
	struct sg_model m;
	struct sg_store *st;
	struct sg_env env;
	struct sg_caller alice, bob, admin;
	int sync_calls, sync_fail;
	struct sg_reply r; /* the last answer */
};

static inline int afx_sync(void *ctx, const struct sg_model *m, char *err, size_t len)
{
	struct afx *f = ctx;
	(void)m;
	f->sync_calls++;
	if (!f->sync_fail)
		return 0;
	if (err)
		snprintf(err, len, "refused by the test");
	return -EPERM;
}

static inline int afx_rm(const char *p, const struct stat *sb, int flag, struct FTW *fw)
{
	(void)sb; (void)flag; (void)fw;
	return remove(p);
}

/* with_store false: env.store == NULL, as a pure unit test runs. */
static inline struct afx *afx_new(bool with_store)
{
	struct afx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	sg_model_init(&f->m);
	if (with_store) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/sgd-actions-XXXXXX");
		assert_non_null(mkdtemp(f->dir));
		assert_int_equal(sg_store_open(f->dir, &f->st), 0);
	}
	f->env.model = &f->m;
	f->env.store = f->st;
	f->env.sync = afx_sync;
	f->env.sync_ctx = f;
	f->env.region = "cn-hangzhou";
	f->alice.account.id = ALICE_ID;
	snprintf(f->alice.account.name, SG_ACCOUNT_LEN, "alice@example.com");
	f->bob.account.id = BOB_ID;
	snprintf(f->bob.account.name, SG_ACCOUNT_LEN, "bob@example.com");
	f->admin = f->alice;
	f->admin.admin = true;
	/* No default route: the machine running the tests has its own, which
	 * must not decide which HostDevice names pass (tests that want one set
	 * their own files). */
	sg_host_device_route_files("/dev/null", "/dev/null");
	sg_reply_init(&f->r);
	return f;
}

static inline void afx_free(struct afx *f)
{
	sg_reply_free(&f->r);
	sg_model_free(&f->m);
	if (f->st) {
		sg_store_close(f->st);
		nftw(f->dir, afx_rm, 8, FTW_DEPTH | FTW_PHYS);
	}
	free(f);
}

static inline int afx_setup(void **state) { *state = afx_new(true); return 0; }
static inline int afx_setup_nostore(void **state) { *state = afx_new(false); return 0; }
static inline int afx_teardown(void **state) { afx_free(*state); return 0; }

/* Runs `action` as c with NULL-terminated key/value pairs; RegionId is
 * cn-hangzhou unless a pair sets it ("" removes it).  Returns the status. */
static inline int afx_vrun(struct afx *f, const struct sg_caller *c, const char *action, va_list ap)
{
	struct sg_params p;
	sg_params_init(&p);
	bool region = true;
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		if (strcmp(k, "RegionId") == 0)
			region = false;
		if (*v || strcmp(k, "RegionId") != 0)
			assert_int_equal(sg_params_set(&p, k, v), 0);
	}
	if (region)
		assert_int_equal(sg_params_set(&p, "RegionId", "cn-hangzhou"), 0);
	sg_reply_free(&f->r);
	sg_reply_init(&f->r);
	int rc = sg_action_run(&f->env, action, &p, c, &f->r);
	/* rc and the reply agree: 0 with no code, -1 with one */
	assert_int_equal(rc == 0, f->r.code == NULL);
	if (f->r.code)
		assert_int_not_equal(f->r.status, 200);
	sg_params_free(&p);
	return f->r.status;
}

static inline int afx_run(struct afx *f, const struct sg_caller *c, const char *action, ...)
{
	va_list ap;
	va_start(ap, action);
	int st = afx_vrun(f, c, action, ap);
	va_end(ap);
	return st;
}

/* Asserts success and returns the body. */
static inline json_t *afx_ok(struct afx *f, const struct sg_caller *c, const char *action, ...)
{
	va_list ap;
	va_start(ap, action);
	int st = afx_vrun(f, c, action, ap);
	va_end(ap);
	if (st != 200)
		fail_msg("%s: %d %s %s", action, st, f->r.code, f->r.message);
	assert_non_null(f->r.body);
	return f->r.body;
}

static inline const char *afx_code(const struct afx *f) { return f->r.code ? f->r.code : ""; }

/* String at a dotted path of the last body ("SecurityGroups.SecurityGroup"
 * is an object path; arrays are indexed with a number component). */
static inline json_t *afx_at(json_t *j, const char *path)
{
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, ".", &save); t && j; t = strtok_r(NULL, ".", &save))
		j = json_is_array(j) ? json_array_get(j, strtoul(t, NULL, 10)) : json_object_get(j, t);
	return j;
}

static inline const char *afx_s(json_t *j, const char *path)
{
	json_t *v = afx_at(j, path);
	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	return json_string_value(v);
}

static inline long long afx_i(json_t *j, const char *path)
{
	json_t *v = afx_at(j, path);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	return json_integer_value(v);
}

static inline size_t afx_n(json_t *j, const char *path)
{
	json_t *v = afx_at(j, path);
	if (!json_is_array(v))
		fail_msg("%s is not an array", path);
	return json_array_size(v);
}

/* Creates a group as c; returns its id in out. */
static inline void afx_group(struct afx *f, const struct sg_caller *c, const char *type,
			     const char *vpc, char out[SG_ID_LEN])
{
	json_t *b = afx_ok(f, c, "CreateSecurityGroup", "SecurityGroupType", type, "VpcId", vpc,
			   "SecurityGroupName", "test-group", (char *)NULL);
	snprintf(out, SG_ID_LEN, "%s", afx_s(b, "SecurityGroupId"));
}

/* Puts a rule into group gid straight through model + store (rules are the
 * lead's actions; these tests only need a reference to exist). */
static inline void afx_rule(struct afx *f, const char *gid, enum sg_src_kind kind,
			    const char *ref, const char *port_list)
{
	struct sg_group *g = sg_group_find(&f->m, gid);
	struct sg_rule ru;
	assert_non_null(g);
	memset(&ru, 0, sizeof(ru));
	sg_id_new("sgr-", ru.id, sizeof(ru.id));
	ru.policy = SG_POLICY_ACCEPT;
	ru.priority = 7;
	ru.proto = SG_PROTO_TCP;
	snprintf(ru.proto_text, sizeof(ru.proto_text), "TCP");
	ru.src_kind = kind;
	if (kind == SG_SRC_CIDR) {
		assert_int_equal(sg_addr_parse(ref, &ru.src), 0);
		snprintf(ru.src_text, sizeof(ru.src_text), "%s", ref);
		ru.family = ru.src.family;
	} else if (kind == SG_SRC_GROUP) {
		snprintf(ru.src_group_id, sizeof(ru.src_group_id), "%s", ref);
		ru.src_group_owner_id = ALICE_ID;
		snprintf(ru.src_group_owner_account, sizeof(ru.src_group_owner_account), "alice@example.com");
	} else {
		snprintf(ru.prefix_list_id, sizeof(ru.prefix_list_id), "%s", ref);
		ru.family = 4;
	}
	if (port_list)
		snprintf(ru.port_list_id, sizeof(ru.port_list_id), "%s", port_list);
	else
		assert_int_equal(sg_port_parse("22/22", &ru.dport), 0);
	snprintf(ru.nic_type, sizeof(ru.nic_type), "intranet");
	sg_time_now(ru.create_time, sizeof(ru.create_time));
	ru.description = strdup("a rule");
	struct sg_rule *added = sg_rule_add(&f->m, g, &ru);
	assert_non_null(added);
	if (f->st) {
		assert_int_equal(sg_store_begin(f->st), 0);
		assert_int_equal(sg_store_put_rule(f->st, gid, added), 0);
		assert_int_equal(sg_store_commit(f->st), 0);
	}
}

/* Drops the first rule of group gid from model and store. */
static inline void afx_rule_drop(struct afx *f, const char *gid)
{
	struct sg_group *g = sg_group_find(&f->m, gid);
	assert_non_null(g);
	assert_true(g->nrules > 0);
	if (f->st) {
		assert_int_equal(sg_store_begin(f->st), 0);
		assert_int_equal(sg_store_del_rule(f->st, g->rules[0].id), 0);
		assert_int_equal(sg_store_commit(f->st), 0);
	}
	sg_rule_del(g, &g->rules[0]);
}

/* The model the store holds now (caller frees with afx_loaded_free). */
static inline struct sg_model *afx_loaded(struct afx *f)
{
	struct sg_model *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	sg_model_init(m);
	assert_int_equal(sg_store_load(f->st, m), 0);
	return m;
}

static inline void afx_loaded_free(struct sg_model *m)
{
	sg_model_free(m);
	free(m);
}

/* One row of an error table: the pairs of a request and its answer. */
struct afx_err {
	const char *action;
	const char *kv[16];   /* NULL-terminated pairs; "$0".."$3" -> ids[] */
	int status;
	const char *code;
};

/* Runs every row as caller c, substituting "$N" values with ids[N]. */
static inline void afx_err_table(struct afx *f, const struct sg_caller *c,
				 const struct afx_err *rows, size_t n, const char *const *ids)
{
	for (size_t i = 0; i < n; i++) {
		struct sg_params p;
		const struct afx_err *e = &rows[i];
		bool region = true;
		sg_params_init(&p);
		for (size_t k = 0; e->kv[k]; k += 2) {
			const char *v = e->kv[k + 1];
			if (v[0] == '$')
				v = ids[v[1] - '0'];
			if (strcmp(e->kv[k], "RegionId") == 0)
				region = false;
			if (*v || strcmp(e->kv[k], "RegionId") != 0)
				assert_int_equal(sg_params_set(&p, e->kv[k], v), 0);
		}
		if (region)
			sg_params_set(&p, "RegionId", "cn-hangzhou");
		sg_reply_free(&f->r);
		sg_reply_init(&f->r);
		int rc = sg_action_run(&f->env, e->action, &p, c, &f->r);
		sg_params_free(&p);
		if (rc != -1 || f->r.status != e->status || !f->r.code || strcmp(f->r.code, e->code) != 0)
			fail_msg("row %zu (%s): got %d %s (%s), want %d %s", i, e->action, f->r.status,
				 afx_code(f), f->r.message, e->status, e->code);
	}
}

#endif
