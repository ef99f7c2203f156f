/* fuzz_actions.c - libFuzzer target for the meaning of the API, not its
 * bytes: the input is read as a sequence of at most FZ_MAX_ACTIONS mutating
 * actions (groups, rules, prefix and port lists, network interfaces and their
 * memberships), each run through sg_action_run() on an sg_env with a real
 * store (one temporary directory per process, emptied for every input) and a
 * `sync` hook that plays the dataplane and checks it.  Any broken invariant
 * abort()s with a message naming it and the actions of the input so far:
 *
 *  1. (sync) a cached compile equals an uncached one of the same model;
 *  2. (sync) the previous table with ir_diff()'s change list applied, in
 *     sgnft_apply()'s order, by a small simulated kernel that refuses what
 *     nf_tables refuses (a missing or existing object, an overlapping
 *     interval, a jump to a missing chain, deleting what is still used),
 *     equals the new table;
 *  3. (after each action) the model reloaded from the store equals the model
 *     in memory;
 *  4. (after each action) the model compiles to what the simulated kernel
 *     holds: no mutation leaves the dataplane behind;
 *  5. (after each failed action) the model is what it was before;
 *  6. (after a success, when the input asks) the same call again with the
 *     same ClientToken answers the same and changes nothing; so does a
 *     repeated AuthorizeSecurityGroup or RevokeSecurityGroup by fields;
 *  7. (after each success) probe packets at the model's range edges get the
 *     same verdict from the simulated kernel's table (review_eval.h's ev_ir)
 *     as from the model under docs/semantics.md (ev_model);
 *  plus: an answer is 0 with no code and 200, or -1 with a code and not 200.
 *
 * Objects are named by index into what the model holds, so most actions hit
 * existing objects (an action on a kind none of which exists creates one);
 * ids come from a deterministic getrandom() (below), so an input always
 * replays the same way.  FUZZ_ACTIONS_TRACE=1 prints every action with its
 * parameters and answer.
 *
 * Input: byte 0 = configuration (bit 0: routed mode, bit 1: small quotas);
 * then per action: an opcode byte, a caller byte (low 3 bits: alice, bob or
 * the administrator; 0x20: repeat it (6); 0xc0: the kernel refuses this
 * action's batch), then the action's own bytes.  Missing bytes read as 0. */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sgd/action.h"
#include "sgd/compile.h"
#include "sgd/ir.h"
#include "sgd/model.h"
#include "sgd/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
void __sanitizer_set_death_callback(void (*callback)(void));

/* src/actions/internal.h: where the default routes are read from. */
void sg_host_device_route_files(const char *route4, const char *route6);

#define FZ_MAX_ACTIONS 64
#define ALICE_ID 1111111111ULL
#define BOB_ID 2222222222ULL

/* ---- deterministic ids: sg_id_new() draws from getrandom() ---- */

static bool det_rand;
static uint64_t det_state;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	if (!det_rand)
		return syscall(SYS_getrandom, buf, len, flags);
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++) {
		det_state = det_state * 6364136223846793005ULL + 1442695040888963407ULL;
		b[i] = (uint8_t)(det_state >> 56);
	}
	return (ssize_t)len;
}

/* ---- the world: one per process, reset for every input ---- */

static char g_dir[128];
static struct sg_store *g_st;
static struct sg_model g_m;
static struct sg_env g_env;
static struct sg_account g_accounts[2];
static struct sg_caller g_alice, g_bob, g_admin;
static bool g_trace;

/* The dataplane as the fuzzer plays it. */
static struct {
	enum ir_mode mode;
	struct sg_compile_cache *cache;
	struct ir_table prev;   /* the last table adopted (what sg_dp_sync keeps as cur) */
	struct ir_table kern;   /* the simulated kernel's table */
	bool refuse;            /* refuse the next batch */
	unsigned syncs;
} dp;

/* What ran so far in this input (each action with its parameters and
 * answer), for the abort message. */
static char *g_log[2 * FZ_MAX_ACTIONS + 1];
static int g_nlog;
static const char *g_cur_action = "";

static void rm_dir(void);

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\nfuzz_actions: INVARIANT BROKEN during action %d (%s): ", g_nlog,
		g_cur_action);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfuzz_actions: the actions of this input so far:\n");
	for (int i = 0; i <= g_nlog && i <= 2 * FZ_MAX_ACTIONS; i++)
		if (g_log[i])
			fprintf(stderr, "  %2d %s\n", i, g_log[i]);
	rm_dir();
	abort();
}

/* ---- strings ---- */

static char *render(const struct ir_table *t)
{
	char *s = ir_table_render(t);
	if (!s)
		die("ir_table_render failed");
	return s;
}

/* Dies with the first differing line of two renders. */
static void same_text(const char *what, const char *a, const char *an, const char *b,
		      const char *bn)
{
	if (strcmp(a, b) == 0)
		return;
	const char *pa = a, *pb = b;
	int line = 1;
	while (*pa && *pa == *pb) {
		if (*pa == '\n') {
			line++;
			a = pa + 1;
			b = pb + 1;
		}
		pa++;
		pb++;
	}
	int la = (int)strcspn(a, "\n"), lb = (int)strcspn(b, "\n");
	if (g_trace)
		fprintf(stderr, "---- %s ----\n%s\n---- %s ----\n%s\n", an, a, bn, b);
	die("%s: line %d differs:\n  %s: %.*s\n  %s: %.*s", what, line, an, la, a, bn, lb, b);
}

/* ---- the contract (invariant 7) ----
 * tests/unit/review_eval.h walks a compiled table as the kernel would
 * (ev_ir) and decides a packet from the model as docs/semantics.md says
 * (ev_model); it reports through cmocka's macros, here through die(). */
#define assert_non_null(x) \
	do { \
		if (!(x)) \
			die("review_eval.h: %s is NULL", #x); \
	} while (0)
#define fail_msg(...) die(__VA_ARGS__)
#include "../unit/review_eval.h"
#undef assert_non_null
#undef fail_msg

/* ---- the simulated kernel (invariant 2) ---- */

static bool ranges_overlap(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	enum ir_field f[IR_MAX_FIELDS];
	int n = ir_key_fields(k, f);
	if (k == IR_KEY_IFNAME)
		return memcmp(a->f[0].lo, b->f[0].lo, ir_field_len(IR_F_IFNAME)) == 0;
	for (int i = 0; i < n; i++) {
		size_t len = ir_field_len(f[i]);
		if (memcmp(a->f[i].hi, b->f[i].lo, len) < 0 || memcmp(b->f[i].hi, a->f[i].lo, len) < 0)
			return false;
	}
	return true;
}

static bool same_key(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b)
{
	enum ir_field f[IR_MAX_FIELDS];
	int n = ir_key_fields(k, f);
	for (int i = 0; i < n; i++) {
		size_t len = ir_field_len(f[i]);
		if (memcmp(a->f[i].lo, b->f[i].lo, len) ||
		    (k != IR_KEY_IFNAME && memcmp(a->f[i].hi, b->f[i].hi, len)))
			return false;
	}
	return true;
}

static struct ir_set *k_set(struct ir_table *k, const char *name)
{
	return (struct ir_set *)ir_set_find(k, name);
}

static struct ir_chain *k_chain(struct ir_table *k, const char *name)
{
	return (struct ir_chain *)ir_chain_find(k, name);
}

static bool verdict_jumps(const struct ir_verdict *v)
{
	return v->kind == IR_V_JUMP || v->kind == IR_V_GOTO;
}

/* Does anything in the kernel still jump to chain `name` / use set `name`? */
static const char *chain_user(struct ir_table *k, const char *name)
{
	for (size_t c = 0; c < k->nchains; c++)
		for (size_t r = 0; r < k->chains[c].nrules; r++) {
			const struct ir_verdict *v = &k->chains[c].rules[r].verdict;
			if (verdict_jumps(v) && strcmp(v->target, name) == 0)
				return k->chains[c].name;
		}
	for (size_t s = 0; s < k->nsets; s++)
		for (size_t e = 0; e < k->sets[s].nelems; e++) {
			const struct ir_verdict *v = &k->sets[s].elems[e].data;
			if (verdict_jumps(v) && strcmp(v->target, name) == 0)
				return k->sets[s].name;
		}
	return NULL;
}

static const char *set_user(struct ir_table *k, const char *name)
{
	for (size_t c = 0; c < k->nchains; c++)
		for (size_t r = 0; r < k->chains[c].nrules; r++) {
			const struct ir_rule *ru = &k->chains[c].rules[r];
			for (int i = 0; i < ru->nm; i++)
				if (ru->m[i].set[0] && strcmp(ru->m[i].set, name) == 0)
					return k->chains[c].name;
		}
	return NULL;
}

static void k_elem_add(struct ir_table *k, struct ir_set *s, const struct ir_elem *e)
{
	for (size_t i = 0; i < s->nelems; i++)
		if (ranges_overlap(s->key, &s->elems[i], e))
			die("kernel refuses: set %s: a new element overlaps element %zu (%s / %s)", s->name,
			    i, s->elems[i].comment ? s->elems[i].comment : "-", e->comment ? e->comment : "-");
	if (verdict_jumps(&e->data) && !ir_chain_find(k, e->data.target))
		die("kernel refuses: set %s: an element jumps to chain %s, which does not exist", s->name,
		    e->data.target);
	struct ir_elem *n = ir_elem_add(s);
	if (!n)
		die("out of memory");
	*n = *e;
	n->comment = e->comment ? strdup(e->comment) : NULL;
}

static void k_rules_flush(struct ir_chain *c)
{
	for (size_t r = 0; r < c->nrules; r++)
		free(c->rules[r].comment);
	c->nrules = 0;
}

static void k_rule_add(struct ir_table *k, struct ir_chain *c, const struct ir_rule *r)
{
	if (verdict_jumps(&r->verdict) && !ir_chain_find(k, r->verdict.target))
		die("kernel refuses: chain %s: a rule jumps to chain %s, which does not exist", c->name,
		    r->verdict.target);
	for (int i = 0; i < r->nm; i++)
		if (r->m[i].set[0] && !ir_set_find(k, r->m[i].set))
			die("kernel refuses: chain %s: a rule looks up set %s, which does not exist", c->name,
			    r->m[i].set);
	struct ir_rule *n = ir_rule_add(c);
	if (!n)
		die("out of memory");
	*n = *r;
	n->comment = r->comment ? strdup(r->comment) : NULL;
}

static int rank(enum ir_change_kind kind)
{
	switch (kind) {
	case IR_CH_ADD_SET: return 0;
	case IR_CH_ADD_CHAIN: return 1;
	case IR_CH_DEL_ELEM:
	case IR_CH_ADD_ELEM: return 2;
	case IR_CH_SET_RULES: return 3;
	case IR_CH_DEL_CHAIN: return 4;
	case IR_CH_DEL_SET: return 5;
	}
	return -1;
}

static void k_del_chain(struct ir_table *k, const char *name)
{
	struct ir_chain *cn = k_chain(k, name);
	if (!cn)
		die("kernel refuses: deleting chain %s, which does not exist", name);
	const char *user = chain_user(k, name);
	if (user)
		die("kernel refuses (EBUSY): deleting chain %s, which %s still jumps to", name, user);
	k_rules_flush(cn);
	free(cn->rules);
	size_t idx = (size_t)(cn - k->chains);
	memmove(cn, cn + 1, (k->nchains - idx - 1) * sizeof(*cn));
	k->nchains--;
}

static void k_del_set(struct ir_table *k, const char *name)
{
	struct ir_set *s = k_set(k, name);
	if (!s)
		die("kernel refuses: deleting set %s, which does not exist", name);
	const char *user = set_user(k, name);
	if (user)
		die("kernel refuses (EBUSY): deleting set %s, which chain %s still uses", name, user);
	for (size_t e = 0; e < s->nelems; e++)
		free(s->elems[e].comment);
	free(s->elems);
	free(s->comment);
	size_t idx = (size_t)(s - k->sets);
	memmove(s, s + 1, (k->nsets - idx - 1) * sizeof(*s));
	k->nsets--;
}

/* Applies ch to the kernel table k in the order sgnft_apply() sends it: new
 * chains, new sets, then the list's order with every removed chain flushed
 * before the first chain is deleted. */
static void k_apply(struct ir_table *k, const struct ir_changes *ch)
{
	for (size_t i = 1; i < ch->n; i++)
		if (rank(ch->v[i].kind) < rank(ch->v[i - 1].kind))
			die("ir_diff: change %zu (kind %d) comes after kind %d", i, ch->v[i].kind,
			    ch->v[i - 1].kind);
	for (size_t i = 0; i < ch->n; i++) {
		const struct ir_change *c = &ch->v[i];
		if (c->kind != IR_CH_ADD_CHAIN)
			continue;
		if (ir_chain_find(k, c->chain->name))
			die("kernel refuses (EEXIST): adding chain %s", c->chain->name);
		if (!ir_chain_add(k, c->chain->name, c->chain->hook))
			die("out of memory");
	}
	for (size_t i = 0; i < ch->n; i++) {
		const struct ir_change *c = &ch->v[i];
		if (c->kind != IR_CH_ADD_SET)
			continue;
		if (ir_set_find(k, c->set->name))
			die("kernel refuses (EEXIST): adding set %s", c->set->name);
		struct ir_set *s = ir_set_add(k, c->set->name, c->set->key);
		if (!s)
			die("out of memory");
		for (size_t e = 0; e < c->set->nelems; e++)
			k_elem_add(k, s, &c->set->elems[e]);
	}
	bool flushed = false;
	for (size_t i = 0; i < ch->n; i++) {
		const struct ir_change *c = &ch->v[i];
		struct ir_set *s;
		struct ir_chain *cn;
		switch (c->kind) {
		case IR_CH_ADD_SET:
		case IR_CH_ADD_CHAIN:
			break;
		case IR_CH_DEL_ELEM: {
			s = k_set(k, c->set->name);
			if (!s)
				die("kernel refuses: deleting an element of set %s, which does not exist",
				    c->set->name);
			size_t e = 0;
			while (e < s->nelems && !same_key(s->key, &s->elems[e], c->elem))
				e++;
			if (e == s->nelems)
				die("kernel refuses (ENOENT): set %s: deleting an element it does not hold (%s)",
				    s->name, c->elem->comment ? c->elem->comment : "-");
			free(s->elems[e].comment);
			memmove(&s->elems[e], &s->elems[e + 1], (s->nelems - e - 1) * sizeof(s->elems[0]));
			s->nelems--;
			break;
		}
		case IR_CH_ADD_ELEM:
			s = k_set(k, c->set->name);
			if (!s)
				die("kernel refuses: adding an element to set %s, which does not exist",
				    c->set->name);
			k_elem_add(k, s, c->elem);
			break;
		case IR_CH_SET_RULES:
			cn = k_chain(k, c->chain->name);
			if (!cn)
				die("kernel refuses: replacing the rules of chain %s, which does not exist",
				    c->chain->name);
			k_rules_flush(cn);
			for (size_t r = 0; r < c->chain->nrules; r++)
				k_rule_add(k, cn, &c->chain->rules[r]);
			break;
		case IR_CH_DEL_CHAIN:
			if (!flushed) {
				flushed = true;
				for (size_t j = 0; j < ch->n; j++)
					if (ch->v[j].kind == IR_CH_DEL_CHAIN) {
						cn = k_chain(k, ch->v[j].chain->name);
						if (!cn)
							die("kernel refuses: flushing chain %s, which does not exist",
							    ch->v[j].chain->name);
						k_rules_flush(cn);
					}
			}
			k_del_chain(k, c->chain->name);
			break;
		case IR_CH_DEL_SET:
			k_del_set(k, c->set->name);
			break;
		}
	}
	ir_sort(k);
}

/* ---- the sync hook: invariants 1 and 2 ---- */

static void compile_both(const struct sg_model *m, struct ir_table *cached, struct ir_table *fresh)
{
	ir_table_init(cached, "sgd", dp.mode);
	ir_table_init(fresh, "sgd", dp.mode);
	int rc = sg_compile_cached(dp.cache, m, dp.mode, cached);
	if (rc)
		die("sg_compile_cached: %d", rc);
	rc = sg_compile(m, dp.mode, fresh);
	if (rc)
		die("sg_compile: %d", rc);
}

static int fz_sync(void *ctx, const struct sg_model *m, char *err, size_t len)
{
	struct ir_table cached, fresh;
	(void)ctx;
	dp.syncs++;
	compile_both(m, &cached, &fresh);
	char *tc = render(&cached), *tf = render(&fresh);
	same_text("invariant 1 (cached compile == uncached compile)", tc, "cached", tf, "uncached");
	free(tf);
	ir_table_free(&fresh);
	if (dp.refuse) { /* the kernel refuses the batch: nothing changes */
		dp.refuse = false;
		free(tc);
		ir_table_free(&cached);
		if (err && len)
			snprintf(err, len, "refused by the fuzzer");
		return -EPERM;
	}
	struct ir_changes ch = { 0 };
	int rc = ir_diff(&dp.prev, &cached, &ch);
	if (rc)
		die("ir_diff: %d", rc);
	k_apply(&dp.kern, &ch);
	ir_changes_free(&ch);
	char *tk = render(&dp.kern);
	same_text("invariant 2 (old table + diff == new table)", tk, "kernel after the diff", tc,
		  "new table");
	free(tk);
	free(tc);
	ir_table_free(&dp.prev);
	dp.prev = cached;
	return 0;
}

/* ---- model equality (invariants 3 and 5) ---- */

static char g_why[512];

#define DIFF(...) (snprintf(g_why, sizeof(g_why), __VA_ARGS__), false)

static bool str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0; /* NULL and "" answer the same */
}

static bool range_eq(const struct sg_addr_range *a, const struct sg_addr_range *b)
{
	size_t len = a->family == 6 ? 16 : 4;
	return a->family == b->family && !memcmp(a->lo, b->lo, len) && !memcmp(a->hi, b->hi, len);
}

static bool port_eq(const struct sg_port_range *a, const struct sg_port_range *b)
{
	return a->any == b->any && (a->any || (a->lo == b->lo && a->hi == b->hi));
}

static bool rule_eq(const char *gid, const struct sg_rule *a, const struct sg_rule *b)
{
#define RF(cond, field) \
	if (!(cond)) \
		return DIFF("group %s rule %s: %s differs", gid, a->id, field)
	RF(a->seq == b->seq, "seq");
	RF(a->policy == b->policy, "policy");
	RF(a->priority == b->priority, "priority");
	RF(a->proto == b->proto, "proto");
	RF(!strcmp(a->proto_text, b->proto_text), "proto_text");
	RF(a->family == b->family, "family");
	RF(a->src_kind == b->src_kind, "src_kind");
	RF(a->src_kind != SG_SRC_CIDR || range_eq(&a->src, &b->src), "src");
	RF(!strcmp(a->src_text, b->src_text), "src_text");
	RF(!strcmp(a->src_group_id, b->src_group_id), "src_group_id");
	RF(a->src_group_owner_id == b->src_group_owner_id, "src_group_owner_id");
	RF(!strcmp(a->src_group_owner_account, b->src_group_owner_account), "src_group_owner_account");
	RF(!strcmp(a->prefix_list_id, b->prefix_list_id), "prefix_list_id");
	RF(a->has_dst == b->has_dst, "has_dst");
	RF(!a->has_dst || range_eq(&a->dst, &b->dst), "dst");
	RF(!strcmp(a->dst_text, b->dst_text), "dst_text");
	RF(!strcmp(a->port_list_id, b->port_list_id), "port_list_id");
	RF(a->port_list_id[0] || port_eq(&a->dport, &b->dport), "dport");
	RF(a->has_sport == b->has_sport, "has_sport");
	RF(!a->has_sport || port_eq(&a->sport, &b->sport), "sport");
	RF(!strcmp(a->nic_type, b->nic_type), "nic_type");
	RF(str_eq(a->description, b->description), "description");
	RF(!strcmp(a->create_time, b->create_time), "create_time");
#undef RF
	return true;
}

static const struct sg_rule *rule_by_id(const struct sg_group *g, const char *id)
{
	for (size_t i = 0; i < g->nrules; i++)
		if (!strcmp(g->rules[i].id, id))
			return &g->rules[i];
	return NULL;
}

static bool group_eq(const struct sg_group *a, const struct sg_group *b)
{
	if (strcmp(a->name, b->name) || !str_eq(a->description, b->description) ||
	    strcmp(a->vpc_id, b->vpc_id) || a->type != b->type || a->inner_policy != b->inner_policy ||
	    a->owner_id != b->owner_id || strcmp(a->create_time, b->create_time))
		return DIFF("group %s: an attribute differs", a->id);
	if (a->nrules != b->nrules)
		return DIFF("group %s: %zu rules against %zu", a->id, a->nrules, b->nrules);
	for (size_t i = 0; i < a->nrules; i++) {
		const struct sg_rule *o = rule_by_id(b, a->rules[i].id);
		if (!o)
			return DIFF("group %s: rule %s is missing", a->id, a->rules[i].id);
		if (!rule_eq(a->id, &a->rules[i], o))
			return false;
	}
	return true;
}

static bool pl_eq(const struct sg_prefix_list *a, const struct sg_prefix_list *b)
{
	if (strcmp(a->name, b->name) || !str_eq(a->description, b->description) ||
	    a->family != b->family || a->max_entries != b->max_entries || a->owner_id != b->owner_id ||
	    strcmp(a->create_time, b->create_time))
		return DIFF("prefix list %s: an attribute differs", a->id);
	if (a->nentries != b->nentries)
		return DIFF("prefix list %s: %zu entries against %zu", a->id, a->nentries, b->nentries);
	for (size_t i = 0; i < a->nentries; i++)
		if (!range_eq(&a->entries[i].range, &b->entries[i].range) ||
		    strcmp(a->entries[i].cidr, b->entries[i].cidr) ||
		    !str_eq(a->entries[i].description, b->entries[i].description))
			return DIFF("prefix list %s: entry %zu (%s / %s) differs", a->id, i,
				    a->entries[i].cidr, b->entries[i].cidr);
	return true;
}

static bool prl_eq(const struct sg_port_list *a, const struct sg_port_list *b)
{
	if (strcmp(a->name, b->name) || !str_eq(a->description, b->description) ||
	    a->max_entries != b->max_entries || a->owner_id != b->owner_id ||
	    strcmp(a->create_time, b->create_time))
		return DIFF("port list %s: an attribute differs", a->id);
	if (a->nentries != b->nentries)
		return DIFF("port list %s: %zu entries against %zu", a->id, a->nentries, b->nentries);
	for (size_t i = 0; i < a->nentries; i++)
		if (!port_eq(&a->entries[i].range, &b->entries[i].range) ||
		    strcmp(a->entries[i].text, b->entries[i].text) ||
		    !str_eq(a->entries[i].description, b->entries[i].description))
			return DIFF("port list %s: entry %zu (%s / %s) differs", a->id, i,
				    a->entries[i].text, b->entries[i].text);
	return true;
}

static bool nic_eq(const struct sg_nic *a, const struct sg_nic *b)
{
	if (strcmp(a->name, b->name) || !str_eq(a->description, b->description) ||
	    strcmp(a->host_device, b->host_device) || strcmp(a->vpc_id, b->vpc_id) ||
	    a->owner_id != b->owner_id || strcmp(a->create_time, b->create_time))
		return DIFF("NIC %s: an attribute differs", a->id);
	if (a->naddrs != b->naddrs)
		return DIFF("NIC %s: %zu addresses against %zu", a->id, a->naddrs, b->naddrs);
	for (size_t i = 0; i < a->naddrs; i++)
		if (!range_eq(&a->addrs[i].addr, &b->addrs[i].addr) ||
		    strcmp(a->addrs[i].text, b->addrs[i].text))
			return DIFF("NIC %s: address %zu (%s / %s) differs", a->id, i, a->addrs[i].text,
				    b->addrs[i].text);
	if (a->ngroups != b->ngroups)
		return DIFF("NIC %s: %zu groups against %zu", a->id, a->ngroups, b->ngroups);
	for (size_t i = 0; i < a->ngroups; i++)
		if (strcmp(a->groups[i], b->groups[i]))
			return DIFF("NIC %s: group %zu (%s / %s) differs", a->id, i, a->groups[i],
				    b->groups[i]);
	return true;
}

/* Same objects (any order), same contents. */
static bool model_eq(const struct sg_model *a, const struct sg_model *b)
{
	if (a->ngroups != b->ngroups || a->npls != b->npls || a->nprls != b->nprls ||
	    a->nnics != b->nnics)
		return DIFF("counts differ: groups %zu/%zu, prefix lists %zu/%zu, port lists %zu/%zu, "
			    "NICs %zu/%zu", a->ngroups, b->ngroups, a->npls, b->npls, a->nprls, b->nprls,
			    a->nnics, b->nnics);
	for (size_t i = 0; i < a->ngroups; i++) {
		const struct sg_group *o = sg_group_find(b, a->groups[i].id);
		if (!o)
			return DIFF("group %s is missing", a->groups[i].id);
		if (!group_eq(&a->groups[i], o))
			return false;
	}
	for (size_t i = 0; i < a->npls; i++) {
		const struct sg_prefix_list *o = sg_pl_find(b, a->pls[i].id);
		if (!o)
			return DIFF("prefix list %s is missing", a->pls[i].id);
		if (!pl_eq(&a->pls[i], o))
			return false;
	}
	for (size_t i = 0; i < a->nprls; i++) {
		const struct sg_port_list *o = sg_prl_find(b, a->prls[i].id);
		if (!o)
			return DIFF("port list %s is missing", a->prls[i].id);
		if (!prl_eq(&a->prls[i], o))
			return false;
	}
	for (size_t i = 0; i < a->nnics; i++) {
		const struct sg_nic *o = sg_nic_find(b, a->nics[i].id);
		if (!o)
			return DIFF("NIC %s is missing", a->nics[i].id);
		if (!nic_eq(&a->nics[i], o))
			return false;
	}
	return true;
}

/* Things that hold of any model the actions made. */
static void model_sane(const struct sg_model *m)
{
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++) {
			const struct sg_rule *r = &m->groups[i].rules[j];
			if (r->seq >= m->next_seq)
				die("rule %s has seq %llu, not below next_seq %llu", r->id,
				    (unsigned long long)r->seq, (unsigned long long)m->next_seq);
		}
}

/* ---- the store: a fresh database for every input ---- */

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *fw)
{
	(void)sb;
	(void)flag;
	(void)fw;
	return remove(p);
}

static void store_reopen(void)
{
	if (g_st)
		sg_store_close(g_st);
	g_st = NULL;
	nftw(g_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	int rc = sg_store_open(g_dir, &g_st);
	if (rc)
		die("sg_store_open(%s): %d", g_dir, rc);
}

/* Opening a fresh database costs more than most inputs: the store is
 * emptied through its own API instead (the model of the last input says
 * what it holds, invariant 3), and recreated now and then so the ClientToken
 * answers, which no API deletes, stay few.  Tokens carry the input's number,
 * so an answer of an earlier input is never replayed. */
static unsigned long g_inputs;

static void store_reset(void)
{
	if (!g_st || g_inputs % 512 == 0) {
		store_reopen();
		return;
	}
	int rc = sg_store_begin(g_st);
	for (size_t i = 0; !rc && i < g_m.nnics; i++)
		rc = sg_store_del_nic(g_st, g_m.nics[i].id);
	for (size_t i = 0; !rc && i < g_m.ngroups; i++)
		rc = sg_store_del_group(g_st, g_m.groups[i].id);
	for (size_t i = 0; !rc && i < g_m.npls; i++)
		rc = sg_store_del_pl(g_st, g_m.pls[i].id);
	for (size_t i = 0; !rc && i < g_m.nprls; i++)
		rc = sg_store_del_prl(g_st, g_m.prls[i].id);
	if (!rc)
		rc = sg_store_commit(g_st);
	if (rc) {
		sg_store_rollback(g_st);
		store_reopen();
	}
}

/* Also from a sanitizer's report: the files only, the store may be broken. */
static void rm_dir(void)
{
	if (g_dir[0])
		nftw(g_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	if (g_st)
		sg_store_close(g_st);
	g_st = NULL;
	rm_dir();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *base = getenv("FUZZ_ACTIONS_DIR");
	struct stat st;
	if (!base)
		base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(g_dir, sizeof(g_dir), "%s/sgd-fuzz-actions-XXXXXX", base);
	if (!mkdtemp(g_dir)) {
		perror("fuzz_actions: mkdtemp");
		exit(1);
	}
	atexit(cleanup);
	__sanitizer_set_death_callback(rm_dir);
	store_reopen();
	g_trace = getenv("FUZZ_ACTIONS_TRACE") && *getenv("FUZZ_ACTIONS_TRACE") == '1';
	/* No default route: the host's own must not decide which HostDevice
	 * names pass. */
	sg_host_device_route_files("/dev/null", "/dev/null");
	g_accounts[0].id = ALICE_ID;
	snprintf(g_accounts[0].name, SG_ACCOUNT_LEN, "alice@example.com");
	g_accounts[1].id = BOB_ID;
	snprintf(g_accounts[1].name, SG_ACCOUNT_LEN, "bob@example.com");
	g_alice.account = g_accounts[0];
	g_bob.account = g_accounts[1];
	g_admin.account = g_accounts[0];
	g_admin.admin = true;
	return 0;
}

/* ---- reading the input ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static unsigned u8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static unsigned pick(struct rd *r, unsigned n) { return u8(r) % n; }

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[pick(r, NELEM(a))])

static const char *const cidr4[] = {
	"0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3", "10.1.2.3/32",
	"192.0.2.0/24", "192.0.2.128/25", "192.0.2.1", "198.51.100.0/24", "198.51.100.7",
	"203.0.113.0/24", "10.0.0.1-10.0.0.6", "128.0.0.0/1", "255.255.255.255/32", "10.1.2.3/8",
};
static const char *const cidr6[] = {
	"::/0", "2001:db8::/32", "2001:db8:1::/48", "2001:db8::5", "2001:db8::/126",
	"2001:db8::1-2001:db8::6", "8000::/1", "2001:db8::1/128", "fe80::/10",
};
static const char *const pl4[] = {
	"10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24", "192.0.2.128/25", "0.0.0.0/0",
	"198.51.100.7/32", "203.0.113.0/24", "2001:db8::/32",
};
static const char *const pl6[] = {
	"2001:db8::/32", "2001:db8:1::/48", "::/0", "2001:db8::5/128", "10.0.0.0/8",
};
static const char *const ports[] = {
	"-1/-1", "1/65535", "22/22", "20/30", "80/443", "1/1", "65535/65535", "1000/2000",
	"443/443", "22/22", "80/80", "0/0", "30/20",
};
static const char *const list_ports[] = {
	"22/22", "80/443", "1/65535", "1000/2000", "443/443", "20/30", "65535/65535", "-1/-1",
};
static const char *const protos[] = {
	"TCP", "UDP", "TCP", "UDP", "ICMP", "ICMPv6", "GRE", "ALL", "tcp", "all", "6", "17", "1",
	"58", "47", "0", "132", "255", "256",
};
static const char *const vpcs[] = { "vpc-1", "vpc-1", "vpc-1", "vpc-2", "" };

/* ---- building requests ---- */

struct req {
	struct sg_params p;
	const char *action;
	const struct sg_caller *c;
	bool repeat; /* run it again when it succeeded (invariant 6) */
};

static void set(struct req *q, const char *k, const char *v)
{
	if (sg_params_set(&q->p, k, v))
		die("sg_params_set: out of memory");
}

static void __attribute__((format(printf, 3, 4))) setf(struct req *q, const char *k,
						       const char *fmt, ...)
{
	char v[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	set(q, k, v);
}

static void __attribute__((format(printf, 3, 4))) setk(struct req *q, const char *v,
						       const char *fmt, ...)
{
	char k[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k, sizeof(k), fmt, ap);
	va_end(ap);
	set(q, k, v);
}

/* Objects by index into the model; now and then one that does not exist. */
static const char *ref_group(struct rd *r)
{
	unsigned b = u8(r);
	if (g_m.ngroups && b < 248)
		return g_m.groups[b % g_m.ngroups].id;
	return b & 1 ? "sg-doesnotexist000000" : "sg-bad/id";
}

/* A group with rules, for the actions on rules. */
static const char *ref_rule_group(struct rd *r)
{
	unsigned b = u8(r), n = 0;
	for (size_t i = 0; i < g_m.ngroups; i++)
		n += g_m.groups[i].nrules > 0;
	if (!n || b >= 248)
		return b & 1 ? "sg-doesnotexist000000" : "sg-bad/id";
	n = b % n;
	for (size_t i = 0;; i++)
		if (g_m.groups[i].nrules > 0 && n-- == 0)
			return g_m.groups[i].id;
}

static const char *ref_pl(struct rd *r)
{
	unsigned b = u8(r);
	if (g_m.npls && b < 248)
		return g_m.pls[b % g_m.npls].id;
	return "pl-doesnotexist000000";
}

static const char *ref_prl(struct rd *r)
{
	unsigned b = u8(r);
	if (g_m.nprls && b < 248)
		return g_m.prls[b % g_m.nprls].id;
	return "prl-doesnotexist00000";
}

static const char *ref_nic(struct rd *r)
{
	unsigned b = u8(r);
	if (g_m.nnics && b < 248)
		return g_m.nics[b % g_m.nnics].id;
	return "eni-doesnotexist00000";
}

static void maybe_token(struct rd *r, struct req *q)
{
	unsigned b = u8(r);
	if (b % 8 == 7)
		setf(q, "ClientToken", "tok-%lu-%u", g_inputs, (b >> 3) % 3);
}

/* One permission under `prefix` ("" or "Permissions.N.").  With mask != 0
 * only the field groups whose bit is set are given (ModifySecurityGroupRule). */
static void gen_perm(struct rd *r, struct req *q, const char *prefix, unsigned mask)
{
	unsigned b;
#define WANT(bit) (!mask || (mask & (1u << (bit))))
	if (WANT(0)) {
		b = pick(r, 5);
		if (b == 1)
			setk(q, "accept", "%sPolicy", prefix);
		else if (b == 2)
			setk(q, "drop", "%sPolicy", prefix);
		else if (b == 3)
			setk(q, "Drop", "%sPolicy", prefix);
	}
	if (WANT(1)) {
		b = u8(r);
		if (b >= 64) {
			static const unsigned prios[] = { 1, 1, 1, 2, 50, 100, 0, 101 };
			char v[8];
			snprintf(v, sizeof(v), "%u", b < 192 ? prios[b % NELEM(prios)] : 1 + b % 100);
			setk(q, v, "%sPriority", prefix);
		}
	}
	if (WANT(2) || !mask)
		setk(q, PICK(r, protos), "%sIpProtocol", prefix);
	if (WANT(3)) {
		b = pick(r, 16);
		if (b < 6)
			setk(q, PICK(r, cidr4), "%sSourceCidrIp", prefix);
		else if (b < 9)
			setk(q, PICK(r, cidr6), "%sIpv6SourceCidrIp", prefix);
		else if (b < 12) {
			setk(q, ref_group(r), "%sSourceGroupId", prefix);
			unsigned o = pick(r, 8);
			if (o == 0)
				setk(q, "bob@example.com", "%sSourceGroupOwnerAccount", prefix);
			else if (o == 1)
				setk(q, "1111111111", "%sSourceGroupOwnerId", prefix);
		} else if (b < 15)
			setk(q, ref_pl(r), "%sSourcePrefixListId", prefix);
	}
	if (WANT(4)) {
		b = pick(r, 8);
		if (b == 0)
			setk(q, PICK(r, cidr4), "%sDestCidrIp", prefix);
		else if (b == 1)
			setk(q, PICK(r, cidr6), "%sIpv6DestCidrIp", prefix);
	}
	if (WANT(5)) {
		b = pick(r, 8);
		if (b < 6)
			setk(q, PICK(r, ports), "%sPortRange", prefix);
		else if (b == 6)
			setk(q, ref_prl(r), "%sPortRangeListId", prefix);
	}
	if (WANT(6) && pick(r, 5) == 0)
		setk(q, PICK(r, ports), "%sSourcePortRange", prefix);
	if (WANT(7)) {
		b = pick(r, 8);
		if (b == 0)
			setk(q, "internet", "%sNicType", prefix);
		else if (b == 1)
			setk(q, "intranet", "%sNicType", prefix);
		else if (b == 2)
			setk(q, "ssh from the office", "%sDescription", prefix);
	}
#undef WANT
}

/* The fields of an existing rule, as a Revoke by fields names it. */
static void rule_perm(const struct sg_rule *ru, struct req *q, const char *prefix)
{
	char buf[32];
	setk(q, ru->policy == SG_POLICY_DROP ? "drop" : "accept", "%sPolicy", prefix);
	snprintf(buf, sizeof(buf), "%u", ru->priority);
	setk(q, buf, "%sPriority", prefix);
	setk(q, ru->proto_text, "%sIpProtocol", prefix);
	if (ru->src_kind == SG_SRC_CIDR)
		setk(q, ru->src_text, ru->src.family == 6 ? "%sIpv6SourceCidrIp" : "%sSourceCidrIp",
		     prefix);
	else if (ru->src_kind == SG_SRC_GROUP)
		setk(q, ru->src_group_id, "%sSourceGroupId", prefix);
	else
		setk(q, ru->prefix_list_id, "%sSourcePrefixListId", prefix);
	if (ru->has_dst)
		setk(q, ru->dst_text, ru->dst.family == 6 ? "%sIpv6DestCidrIp" : "%sDestCidrIp", prefix);
	if (ru->port_list_id[0]) {
		setk(q, ru->port_list_id, "%sPortRangeListId", prefix);
	} else {
		sg_port_format(&ru->dport, buf, sizeof(buf));
		setk(q, buf, "%sPortRange", prefix);
	}
	if (ru->has_sport) {
		sg_port_format(&ru->sport, buf, sizeof(buf));
		setk(q, buf, "%sSourcePortRange", prefix);
	}
	if (ru->nic_type[0])
		setk(q, ru->nic_type, "%sNicType", prefix);
}

static const struct sg_group *group_of(const char *id) { return sg_group_find(&g_m, id); }

static unsigned g_addr_n; /* NIC addresses handed out in this input */

/* A unicast documentation address no NIC of this input had. */
static void next_addr4(char *buf, size_t len)
{
	static const char *const blocks[] = { "192.0.2", "198.51.100", "203.0.113" };
	unsigned k = g_addr_n++;
	snprintf(buf, len, "%s.%u", blocks[k % 3], 1 + (k / 3) % 254);
}

static void next_addr6(char *buf, size_t len)
{
	snprintf(buf, len, "2001:db8::%x", 0x100 + g_addr_n++);
}

/* Builds the next action from the input; false at the end of the input. */
static bool gen_action(struct rd *r, struct req *q)
{
	static const uint8_t ops[] = {
		0, 0, 1, 2, 3, 3, 3, 3, 3, 4, 4, 5, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 12, 13, 14, 14,
		15, 16,
	};
	if (!r->n)
		return false;
	unsigned op = ops[u8(r) % NELEM(ops)];
	/* An action on a kind of object none of which exists creates one
	 * instead, so most inputs mean something. */
	bool rules = false;
	for (size_t i = 0; i < g_m.ngroups; i++)
		rules |= g_m.groups[i].nrules > 0;
	if ((op == 4 || op == 5) && !rules)
		op = 3;
	if ((op >= 13 && op <= 16) && !g_m.nnics)
		op = 12;
	if (op >= 1 && op <= 12 && op != 6 && op != 9 && !g_m.ngroups)
		op = 0;
	if ((op == 7 || op == 8) && !g_m.npls)
		op = 6;
	if ((op == 10 || op == 11) && !g_m.nprls)
		op = 9;
	unsigned cb = u8(r);
	static const struct sg_caller *const callers[] = { &g_alice, &g_alice, &g_alice, &g_admin,
							    &g_admin, &g_admin, &g_bob, &g_alice };
	q->c = callers[cb & 7];
	dp.refuse = (cb & 0xc0) == 0xc0;
	q->repeat = cb & 0x20;
	set(q, "RegionId", "cn-hangzhou");
	switch (op) {
	case 0: { /* CreateSecurityGroup */
		q->action = "CreateSecurityGroup";
		unsigned b = u8(r);
		if (b % 4 == 1)
			set(q, "SecurityGroupType", "enterprise");
		else if (b % 4 == 2)
			set(q, "SecurityGroupType", "normal");
		else if (b == 255)
			set(q, "SecurityGroupType", "premium");
		const char *vpc = PICK(r, vpcs);
		if (*vpc)
			set(q, "VpcId", vpc);
		setf(q, "SecurityGroupName", "group-%u", g_nlog);
		if (b & 0x10)
			set(q, "Description", "a fuzzed group");
		maybe_token(r, q);
		break;
	}
	case 1: /* DeleteSecurityGroup */
		q->action = "DeleteSecurityGroup";
		set(q, "SecurityGroupId", ref_group(r));
		break;
	case 2: /* ModifySecurityGroupPolicy */
		q->action = "ModifySecurityGroupPolicy";
		set(q, "SecurityGroupId", ref_group(r));
		set(q, "InnerAccessPolicy", pick(r, 2) ? "Drop" : "Accept");
		maybe_token(r, q);
		break;
	case 3: { /* AuthorizeSecurityGroup */
		q->action = "AuthorizeSecurityGroup";
		set(q, "SecurityGroupId", ref_group(r));
		unsigned b = u8(r);
		if (b % 8 == 7) {
			gen_perm(r, q, "", 0); /* the old, top-level form */
		} else {
			unsigned n = 1 + b % 4;
			for (unsigned i = 1; i <= n; i++) {
				char prefix[32];
				snprintf(prefix, sizeof(prefix), "Permissions.%u.", i);
				gen_perm(r, q, prefix, 0);
			}
		}
		maybe_token(r, q);
		break;
	}
	case 4: { /* RevokeSecurityGroup */
		q->action = "RevokeSecurityGroup";
		const char *gid = ref_rule_group(r);
		set(q, "SecurityGroupId", gid);
		const struct sg_group *g = group_of(gid);
		unsigned b = u8(r);
		if (g && g->nrules && b % 3 == 0) { /* by id */
			unsigned n = 1 + (b >> 2) % 2;
			for (unsigned i = 1; i <= n; i++)
				setk(q, g->rules[u8(r) % g->nrules].id, "SecurityGroupRuleId.%u", i);
		} else if (g && g->nrules && b % 3 == 1) { /* by the fields of an existing rule */
			rule_perm(&g->rules[u8(r) % g->nrules], q, "Permissions.1.");
		} else if (b % 16 == 2) {
			set(q, "SecurityGroupRuleId.1", "sgr-doesnotexist00000");
		} else {
			gen_perm(r, q, "Permissions.1.", 0);
		}
		maybe_token(r, q);
		break;
	}
	case 5: { /* ModifySecurityGroupRule */
		q->action = "ModifySecurityGroupRule";
		const char *gid = ref_rule_group(r);
		set(q, "SecurityGroupId", gid);
		const struct sg_group *g = group_of(gid);
		unsigned b = u8(r);
		if (g && g->nrules && b < 248)
			set(q, "SecurityGroupRuleId", g->rules[b % g->nrules].id);
		else
			set(q, "SecurityGroupRuleId", "sgr-doesnotexist00000");
		gen_perm(r, q, "", u8(r) | 0x100);
		maybe_token(r, q);
		break;
	}
	case 6: { /* CreatePrefixList */
		q->action = "CreatePrefixList";
		unsigned b = u8(r);
		bool v6 = b & 1;
		set(q, "AddressFamily", b == 255 ? "IPv5" : v6 ? "IPv6" : "IPv4");
		setf(q, "MaxEntries", "%u", b % 7 == 6 ? 0 : 1 + (b >> 1) % 5);
		setf(q, "PrefixListName", "list-%u", g_nlog);
		unsigned n = pick(r, 4);
		for (unsigned i = 1; i <= n; i++) {
			setk(q, v6 ? PICK(r, pl6) : PICK(r, pl4), "Entry.%u.Cidr", i);
			if (pick(r, 4) == 0)
				setk(q, "an entry", "Entry.%u.Description", i);
		}
		if (b & 0x40)
			set(q, "Description", "a fuzzed prefix list");
		maybe_token(r, q);
		break;
	}
	case 7: { /* ModifyPrefixList */
		q->action = "ModifyPrefixList";
		const char *id = ref_pl(r);
		set(q, "PrefixListId", id);
		const struct sg_prefix_list *pl = sg_pl_find(&g_m, id);
		bool v6 = pl && pl->family == 6;
		unsigned b = u8(r);
		unsigned nd = b % 3, na = (b >> 2) % 3;
		for (unsigned i = 1; i <= nd; i++) {
			unsigned k = u8(r);
			if (pl && pl->nentries && k < 224)
				setk(q, pl->entries[k % pl->nentries].cidr, "RemoveEntry.%u.Cidr", i);
			else
				setk(q, v6 ? PICK(r, pl6) : PICK(r, pl4), "RemoveEntry.%u.Cidr", i);
		}
		for (unsigned i = 1; i <= na; i++) {
			setk(q, v6 ? PICK(r, pl6) : PICK(r, pl4), "AddEntry.%u.Cidr", i);
			if (pick(r, 4) == 0)
				setk(q, "added", "AddEntry.%u.Description", i);
		}
		if (b & 0x40)
			setf(q, "PrefixListName", "renamed-%u", g_nlog);
		if (b & 0x80)
			set(q, "Description", (b & 0x20) ? "" : "changed");
		maybe_token(r, q);
		break;
	}
	case 8: /* DeletePrefixList */
		q->action = "DeletePrefixList";
		set(q, "PrefixListId", ref_pl(r));
		break;
	case 9: { /* CreatePortRangeList */
		q->action = "CreatePortRangeList";
		unsigned b = u8(r);
		setf(q, "MaxEntries", "%u", b % 7 == 6 ? 0 : 1 + (b >> 1) % 5);
		setf(q, "PortRangeListName", "ports-%u", g_nlog);
		unsigned n = pick(r, 4);
		for (unsigned i = 1; i <= n; i++) {
			setk(q, PICK(r, list_ports), "Entry.%u.PortRange", i);
			if (pick(r, 4) == 0)
				setk(q, "an entry", "Entry.%u.Description", i);
		}
		maybe_token(r, q);
		break;
	}
	case 10: { /* ModifyPortRangeList */
		q->action = "ModifyPortRangeList";
		const char *id = ref_prl(r);
		set(q, "PortRangeListId", id);
		const struct sg_port_list *prl = sg_prl_find(&g_m, id);
		unsigned b = u8(r);
		unsigned nd = b % 3, na = (b >> 2) % 3;
		for (unsigned i = 1; i <= nd; i++) {
			unsigned k = u8(r);
			if (prl && prl->nentries && k < 224)
				setk(q, prl->entries[k % prl->nentries].text, "RemoveEntry.%u.PortRange", i);
			else
				setk(q, PICK(r, list_ports), "RemoveEntry.%u.PortRange", i);
		}
		for (unsigned i = 1; i <= na; i++) {
			setk(q, PICK(r, list_ports), "AddEntry.%u.PortRange", i);
			if (pick(r, 4) == 0)
				setk(q, "added", "AddEntry.%u.Description", i);
		}
		if (b & 0x40)
			setf(q, "PortRangeListName", "renamed-%u", g_nlog);
		maybe_token(r, q);
		break;
	}
	case 11: /* DeletePortRangeList */
		q->action = "DeletePortRangeList";
		set(q, "PortRangeListId", ref_prl(r));
		break;
	case 12: { /* CreateNetworkInterface */
		q->action = "CreateNetworkInterface";
		unsigned b = u8(r);
		char a[64];
		if (q->c->admin && (b & 1))
			setf(q, "HostDevice", "tap%u", (b >> 1) % 6);
		if (b & 2)
			set(q, "VpcId", PICK(r, vpcs));
		unsigned ng = 1 + (b >> 2) % 3;
		if (ng == 1 && (b & 0x20))
			set(q, "SecurityGroupId", ref_group(r));
		else
			for (unsigned i = 1; i <= ng; i++)
				setk(q, ref_group(r), "SecurityGroupIds.%u", i);
		unsigned ab = u8(r);
		if (ab % 4 != 3) {
			next_addr4(a, sizeof(a));
			set(q, "PrimaryIpAddress", a);
		}
		if (ab & 4) {
			next_addr4(a, sizeof(a));
			set(q, "PrivateIpAddress.1", a);
		}
		if (ab & 8) {
			next_addr6(a, sizeof(a));
			set(q, (ab & 16) ? "Ipv6Addresses.1" : "Ipv6Address.1", a);
		}
		setf(q, "NetworkInterfaceName", "eni-%u", g_nlog);
		maybe_token(r, q);
		break;
	}
	case 13: /* DeleteNetworkInterface */
		q->action = "DeleteNetworkInterface";
		set(q, "NetworkInterfaceId", ref_nic(r));
		break;
	case 14: /* JoinSecurityGroup */
	case 15: /* LeaveSecurityGroup */
		q->action = op == 14 ? "JoinSecurityGroup" : "LeaveSecurityGroup";
		set(q, pick(r, 4) ? "NetworkInterfaceId" : "InstanceId", ref_nic(r));
		set(q, "SecurityGroupId", ref_group(r));
		break;
	case 16: { /* ModifyNetworkInterfaceAttribute */
		q->action = "ModifyNetworkInterfaceAttribute";
		set(q, "NetworkInterfaceId", ref_nic(r));
		unsigned b = u8(r);
		if (b & 1) {
			unsigned ng = 1 + (b >> 1) % 3;
			for (unsigned i = 1; i <= ng; i++)
				setk(q, ref_group(r), "SecurityGroupId.%u", i);
		}
		if (q->c->admin && (b & 0x10)) {
			if (b & 0x20)
				set(q, "HostDevice", "");
			else
				setf(q, "HostDevice", "tap%u", (b >> 6) % 4);
		}
		if (b & 0x08)
			setf(q, "NetworkInterfaceName", "renamed-%u", g_nlog);
		break;
	}
	}
	return true;
}

static const char *caller_name(const struct sg_caller *c)
{
	return c->admin ? "admin" : c->account.id == BOB_ID ? "bob" : "alice";
}

/* Before the action runs: its name, caller and parameters. */
static void log_request(const struct req *q, bool refused)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		die("open_memstream failed");
	fprintf(f, "%s as %s%s:", q->action, caller_name(q->c), refused ? " (kernel refuses)" : "");
	for (size_t i = 0; i < q->p.n; i++)
		if (strcmp(q->p.v[i].key, "RegionId") != 0)
			fprintf(f, " %s=%s", q->p.v[i].key, q->p.v[i].value);
	fclose(f);
	free(g_log[g_nlog]);
	g_log[g_nlog] = buf;
	if (g_trace)
		fprintf(stderr, "[%d] %s\n", g_nlog, buf);
}

/* After: the answer. */
static void log_answer(int rc, const struct sg_reply *rep)
{
	char *old = g_log[g_nlog], *buf = NULL;
	if (asprintf(&buf, "%s\n       -> %d %s%s%s", old, rep->status, rc ? rep->code : "ok",
		     rc ? ": " : "", rc ? rep->message : "") < 0)
		die("asprintf failed");
	free(old);
	g_log[g_nlog] = buf;
	if (g_trace)
		fprintf(stderr, "   -> %d %s %s\n", rep->status, rc ? rep->code : "ok",
			rc ? rep->message : "");
}

/* ---- probe packets (invariant 7) ---- */

static uint64_t g_probe_rng;

static unsigned prnd(unsigned n)
{
	g_probe_rng ^= g_probe_rng << 13;
	g_probe_rng ^= g_probe_rng >> 7;
	g_probe_rng ^= g_probe_rng << 17;
	return n ? (unsigned)(g_probe_rng % n) : 0;
}

struct cands {
	uint8_t a[256][16];
	size_t n;
};

static void cand_add(struct cands *c, const uint8_t *a, size_t len)
{
	if (c->n == 256)
		return;
	memset(c->a[c->n], 0, 16);
	memcpy(c->a[c->n++], a, len);
}

/* a, a - 1 and a + 1 (wrapping at the ends is harmless: still an address). */
static void cand_around(struct cands *c, const uint8_t *a, size_t len)
{
	uint8_t x[16];
	cand_add(c, a, len);
	memcpy(x, a, len);
	for (size_t i = len; i-- > 0;)
		if (x[i]-- != 0)
			break;
	cand_add(c, x, len);
	memcpy(x, a, len);
	for (size_t i = len; i-- > 0;)
		if (++x[i] != 0)
			break;
	cand_add(c, x, len);
}

static void cand_range(struct cands *c, const struct sg_addr_range *r, int fam)
{
	if (r->family != fam)
		return;
	cand_around(c, r->lo, ev_alen(fam));
	cand_around(c, r->hi, ev_alen(fam));
}

/* Addresses where verdicts change: the model's range edges and the NICs'. */
static void collect_addrs(const struct sg_model *m, int fam, struct cands *c)
{
	static const char *const fixed4[] = { "10.1.2.3", "192.0.2.200", "0.0.0.0", "255.255.255.255" };
	static const char *const fixed6[] = { "2001:db8::5", "2001:db8:1::1", "::", "fe80::1" };
	c->n = 0;
	for (size_t i = 0; i < 4; i++) {
		uint8_t a[16];
		inet_pton(fam == 6 ? AF_INET6 : AF_INET, fam == 6 ? fixed6[i] : fixed4[i], a);
		cand_add(c, a, ev_alen(fam));
	}
	for (size_t i = 0; i < m->nnics; i++)
		for (size_t j = 0; j < m->nics[i].naddrs; j++)
			if (m->nics[i].addrs[j].addr.family == fam)
				cand_add(c, m->nics[i].addrs[j].addr.lo, ev_alen(fam));
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++) {
			const struct sg_rule *r = &m->groups[i].rules[j];
			if (r->src_kind == SG_SRC_CIDR)
				cand_range(c, &r->src, fam);
			if (r->has_dst)
				cand_range(c, &r->dst, fam);
		}
	for (size_t i = 0; i < m->npls; i++)
		for (size_t j = 0; j < m->pls[i].nentries; j++)
			cand_range(c, &m->pls[i].entries[j].range, fam);
}

static uint16_t pick_port(const struct sg_model *m)
{
	static const uint16_t fixed[] = { 0, 1, 20, 21, 22, 23, 30, 31, 67, 68, 80, 443, 444,
					  546, 547, 999, 1000, 2000, 2001, 65534, 65535 };
	unsigned k = prnd(4);
	if (k) {
		/* an edge of some rule's or port list's range */
		size_t nr = 0;
		for (size_t i = 0; i < m->ngroups; i++)
			nr += m->groups[i].nrules;
		for (size_t i = 0; i < m->nprls; i++)
			nr += m->prls[i].nentries;
		if (nr) {
			size_t pick = prnd((unsigned)nr);
			const struct sg_port_range *pr = NULL;
			for (size_t i = 0; i < m->ngroups && !pr; i++) {
				if (pick < m->groups[i].nrules) {
					const struct sg_rule *r = &m->groups[i].rules[pick];
					pr = r->has_sport && prnd(2) ? &r->sport : &r->dport;
				} else {
					pick -= m->groups[i].nrules;
				}
			}
			for (size_t i = 0; i < m->nprls && !pr; i++) {
				if (pick < m->prls[i].nentries)
					pr = &m->prls[i].entries[pick].range;
				else
					pick -= m->prls[i].nentries;
			}
			if (pr && !pr->any) {
				int v = (int)(prnd(2) ? pr->lo : pr->hi) + (int)prnd(3) - 1;
				return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
			}
		}
	}
	return fixed[prnd(NELEM(fixed))];
}

/* ev_model() compares protocol numbers; docs/semantics.md resolves the name
 * ICMP by family first (ICMPv6 in an IPv6 rule, and in the IPv6 half of a
 * group-sourced rule).  The IPv6 view of the model says so in numbers. */
static void icmp_as_icmpv6(struct sg_model *m)
{
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < m->groups[i].nrules; j++) {
			struct sg_rule *r = &m->groups[i].rules[j];
			if (r->proto == SG_PROTO_ICMP && strcmp(r->proto_text, "ICMP") == 0)
				r->proto = SG_PROTO_ICMPV6;
		}
}

/* 7: every probe packet gets the verdict from the kernel's table that the
 * contract gives it from the model. */
static void check_probes(const struct sg_model *m, const struct ir_table *kern, unsigned n)
{
	struct sg_model m6;
	static struct cands c4, c6;
	if (sg_model_clone(&m6, m))
		die("sg_model_clone: out of memory");
	icmp_as_icmpv6(&m6);
	collect_addrs(m, 4, &c4);
	collect_addrs(m, 6, &c6);
	static const uint8_t protos_[] = { 6, 17, 6, 17, 1, 58, 47, 0, 132, 255 };
	for (unsigned k = 0; k < n; k++) {
		struct ev_pkt p;
		memset(&p, 0, sizeof(p));
		/* mostly a managed device, now and then one sgd does not manage */
		size_t ndev = 0;
		for (size_t i = 0; i < m->nnics; i++)
			ndev += m->nics[i].host_device[0] != 0;
		unsigned d = prnd((unsigned)ndev + 1);
		snprintf(p.dev, sizeof(p.dev), "tap9");
		for (size_t i = 0; i < m->nnics; i++)
			if (m->nics[i].host_device[0] && d-- == 0) {
				snprintf(p.dev, sizeof(p.dev), "%s", m->nics[i].host_device);
				break;
			}
		p.family = prnd(2) ? 4 : 6;
		struct cands *c = p.family == 6 ? &c6 : &c4;
		memcpy(p.saddr, c->a[prnd((unsigned)c->n)], 16);
		memcpy(p.daddr, c->a[prnd((unsigned)c->n)], 16);
		p.proto = protos_[prnd(NELEM(protos_))];
		p.sport = pick_port(m);
		p.dport = pick_port(m);
		if (prnd(16) == 0) /* platform traffic: an ICMPv6 type in the first byte */
			p.proto = 58, p.sport = (uint16_t)((133 + prnd(6)) << 8);
		p.ct = IR_CT_NEW;
		if (prnd(30) == 0)
			p.ct = prnd(2) ? IR_CT_ESTABLISHED : IR_CT_INVALID;
		enum ev_verdict want = ev_model(p.family == 6 ? &m6 : m, &p), got = ev_ir(kern, &p);
		if (want != got) {
			char buf[256];
			ev_pkt_str(&p, buf, sizeof(buf));
			if (g_trace) {
				char *t = render(kern);
				fprintf(stderr, "%s\n", t);
				free(t);
			}
			die("invariant 7 (the kernel's table decides as docs/semantics.md): packet %s: "
			    "the table says %s, the contract %s (%s)", buf, ev_name(got), ev_name(want),
			    ev_why);
		}
	}
	sg_model_free(&m6);
}

/* ---- invariants after an action ---- */

static void check_after(const struct req *q, int rc, const struct sg_reply *rep,
			const struct sg_model *before)
{
	if ((rc == 0) != (rep->code == NULL))
		die("sg_action_run returned %d with code %s", rc, rep->code ? rep->code : "NULL");
	if ((rc == 0) != (rep->status == 200))
		die("sg_action_run returned %d with status %d", rc, rep->status);
	model_sane(&g_m);

	/* 3: what the store holds is what the model says */
	struct sg_model loaded;
	sg_model_init(&loaded);
	loaded.quota = g_m.quota;
	int lrc = sg_store_load(g_st, &loaded);
	if (lrc)
		die("invariant 3: sg_store_load failed (%d) after %s", lrc, q->action);
	if (!model_eq(&g_m, &loaded))
		die("invariant 3 (store reloaded == model in memory) after %s: %s", q->action, g_why);
	sg_model_free(&loaded);

	/* 4: the kernel holds what the model compiles to */
	struct ir_table t;
	ir_table_init(&t, "sgd", dp.mode);
	if (sg_compile(&g_m, dp.mode, &t))
		die("sg_compile failed");
	char *tm = render(&t), *tk = render(&dp.kern);
	same_text("invariant 4 (the kernel follows the model)", tk, "kernel", tm, "model compiled");
	free(tm);
	free(tk);
	ir_table_free(&t);

	/* 7: and what it holds means what the contract says */
	if (!rc)
		check_probes(&g_m, &dp.kern, 16);

	/* 5: a failed action changes nothing */
	if (rc && !model_eq(before, &g_m))
		die("invariant 5 (a failed action changes nothing): %s %s: %s", q->action,
		    rep->code, g_why);
}

/* 6: a call that succeeded, repeated at once with the same ClientToken,
 * answers the same and changes nothing; without a token, so does a repeated
 * AuthorizeSecurityGroup (the rules exist: "a success that adds nothing")
 * and a repeated RevokeSecurityGroup by fields (nothing matches any more). */
static void check_repeat(const struct req *q, const struct sg_reply *first)
{
	const char *token = sg_param(&q->p, "ClientToken");
	bool by_id = false;
	for (size_t i = 0; i < q->p.n; i++)
		by_id |= strncmp(q->p.v[i].key, "SecurityGroupRuleId.", 20) == 0;
	if (!token && strcmp(q->action, "AuthorizeSecurityGroup") != 0 &&
	    (strcmp(q->action, "RevokeSecurityGroup") != 0 || by_id))
		return;
	struct sg_model before;
	struct sg_reply rep;
	if (sg_model_clone(&before, &g_m))
		die("sg_model_clone: out of memory");
	g_nlog++;
	log_request(q, false);
	sg_reply_init(&rep);
	int rc = sg_action_run(&g_env, q->action, &q->p, q->c, &rep);
	log_answer(rc, &rep);
	if (rc)
		die("invariant 6 (a repeated call changes nothing): %s again answers %d %s: %s",
		    q->action, rep.status, rep.code, rep.message);
	if (!model_eq(&before, &g_m))
		die("invariant 6 (a repeated call changes nothing): %s again changed the model: %s",
		    q->action, g_why);
	if (token && !json_equal(first->body, rep.body)) {
		char *a = json_dumps(first->body, JSON_COMPACT), *b = json_dumps(rep.body, JSON_COMPACT);
		die("invariant 6: %s with ClientToken %s answers %s, first %s", q->action, token,
		    b ? b : "NULL", a ? a : "NULL");
	}
	check_after(q, rc, &rep, &before);
	sg_model_free(&before);
	sg_reply_free(&rep);
}

/* ---- one input ---- */

static void world_reset(unsigned cfg)
{
	sg_model_init(&g_m);
	if (cfg & 2) { /* small quotas: the limits are reached within one input */
		struct sg_quota *qt = &g_m.quota;
		qt->rules_per_group = 6;
		qt->group_rules_per_group = 2;
		qt->rules_per_nic = 10;
		qt->groups_per_nic = 3;
		qt->permissions_per_call = 3;
		qt->prefix_list_max = 4;
		qt->port_list_max = 4;
		qt->groups_per_account = 4;
		qt->nics_per_account = 3;
		qt->prefix_lists_per_account = 2;
		qt->port_lists_per_account = 2;
	}
	memset(&g_env, 0, sizeof(g_env));
	g_env.model = &g_m;
	g_env.store = g_st;
	g_env.sync = fz_sync;
	g_env.region = "cn-hangzhou";
	g_env.accounts = g_accounts;
	g_env.naccounts = 2;
	g_env.host_devices = "*";
	g_env.token_ttl_s = 0;

	memset(&dp, 0, sizeof(dp));
	dp.mode = (cfg & 1) ? IR_MODE_ROUTED : IR_MODE_HOST;
	dp.cache = sg_compile_cache_new();
	/* sgd starts with the whole table of what it loaded (here: nothing),
	 * built in the kernel through the same change-list path. */
	struct ir_table empty;
	struct ir_changes ch = { 0 };
	ir_table_init(&empty, "sgd", dp.mode);
	ir_table_init(&dp.prev, "sgd", dp.mode);
	ir_table_init(&dp.kern, "sgd", dp.mode);
	if (sg_compile(&g_m, dp.mode, &dp.prev))
		die("sg_compile failed");
	if (ir_diff(&empty, &dp.prev, &ch))
		die("ir_diff failed");
	k_apply(&dp.kern, &ch);
	ir_changes_free(&ch);
	ir_table_free(&empty);
	g_nlog = 0;
	g_addr_n = 0;
	det_state = 0x9e3779b97f4a7c15ULL;
	g_probe_rng = 0x2545f4914f6cdd1dULL;
}

static void world_free(void)
{
	store_reset(); /* empties the store of what g_m holds */
	g_inputs++;
	for (int i = 0; i <= 2 * FZ_MAX_ACTIONS; i++) {
		free(g_log[i]);
		g_log[i] = NULL;
	}
	sg_model_free(&g_m);
	ir_table_free(&dp.prev);
	ir_table_free(&dp.kern);
	sg_compile_cache_free(dp.cache);
	dp.cache = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { data, size };
	if (size < 1 || size > 65536)
		return 0;
	det_rand = true;
	world_reset(u8(&r));
	for (int i = 0; i < FZ_MAX_ACTIONS; i++) {
		struct req q = { .action = NULL };
		struct sg_reply rep;
		struct sg_model before;
		sg_params_init(&q.p);
		if (!gen_action(&r, &q)) {
			sg_params_free(&q.p);
			break;
		}
		bool refused = dp.refuse;
		if (sg_model_clone(&before, &g_m))
			die("sg_model_clone: out of memory");
		g_cur_action = q.action;
		log_request(&q, refused);
		sg_reply_init(&rep);
		int rc = sg_action_run(&g_env, q.action, &q.p, q.c, &rep);
		dp.refuse = false;
		log_answer(rc, &rep);
		check_after(&q, rc, &rep, &before);
		if (!rc && q.repeat && !refused)
			check_repeat(&q, &rep);
		g_nlog++;
		sg_model_free(&before);
		sg_reply_free(&rep);
		sg_params_free(&q.p);
	}
	world_free();
	det_rand = false;
	return 0;
}
