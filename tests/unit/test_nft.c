/* test_nft.c - src/nft/ against the running kernel, inside a private network
 * namespace made by unshare(CLONE_NEWNET) before any test runs (needs root;
 * without it the binary fails and says why).  Every IR key kind and match
 * kind goes through sgnft_replace/sgnft_apply and is read back with
 * `nft list ruleset`, `nft -j list ruleset` and `nft -c -f` of the listing. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "sgd/ir.h"
#include "sgd/nft.h"
#include "nft_fixture.h"

/* ---- reading back with nft ---- */

static char *run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	size_t r;

	assert_non_null(p);
	assert_non_null(buf);
	while ((r = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += r;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	*status = pclose(p);
	return buf;
}

/* `nft list ruleset` text (exit 0 asserted), also checked to be valid JSON
 * in -j form and to parse again as nft input. */
static char *listing(void)
{
	char path[] = "/tmp/test_nft_XXXXXX";
	char cmd[128];
	json_error_t jerr;
	json_t *j;
	char *text, *js;
	int st, fd;

	text = run("nft list ruleset 2>&1", &st);
	if (st != 0)
		fail_msg("nft list ruleset failed: %s", text);
	if (strstr(text, "unknown") || strstr(text, "@nh,") || strstr(text, "@th,")) {
		fprintf(stderr, "%s\n", text);
		fail_msg("nft list ruleset printed something it did not understand (above)");
	}
	js = run("nft -j list ruleset 2>&1", &st);
	if (st != 0)
		fail_msg("nft -j list ruleset failed: %s", js);
	j = json_loads(js, 0, &jerr);
	if (!j)
		fail_msg("nft -j output is not JSON (%s): %s", jerr.text, js);
	json_decref(j);
	free(js);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "nft -c -f %s 2>&1", path);
	js = run(cmd, &st);
	unlink(path);
	if (st != 0)
		fail_msg("the listing does not parse again (nft -c -f): %s\n", js);
	free(js);
	return text;
}

static void expect(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		fprintf(stderr, "%s\n", text);
		fail_msg("expected \"%s\" in the listing (above)", needle);
	}
}

static void expect_not(const char *text, const char *needle)
{
	if (strstr(text, needle)) {
		fprintf(stderr, "%s\n", text);
		fail_msg("did not expect \"%s\" in the listing (above)", needle);
	}
}

/* The JSON form describes the same objects: set t4 with its five typed
 * fields and elements, the map with its verdict type, and rule comments. */
static void json_reads_back(void)
{
	json_t *root, *arr, *o, *set, *rule;
	json_error_t jerr;
	bool t4 = false, q4 = false, m6 = false, nics = false, sgr1 = false;
	size_t i;
	char *js;
	int st;

	js = run("nft -j list ruleset", &st);
	assert_int_equal(st, 0);
	root = json_loads(js, 0, &jerr);
	assert_non_null(root);
	arr = json_object_get(root, "nftables");
	assert_true(json_is_array(arr));
	json_array_foreach(arr, i, o) {
		const char *name, *comment;
		json_t *type;

		if ((set = json_object_get(o, "set")) || (set = json_object_get(o, "map"))) {
			name = json_string_value(json_object_get(set, "name"));
			type = json_object_get(set, "type");
			if (name && !strcmp(name, "t4")) {
				assert_int_equal(json_array_size(type), 5);
				assert_string_equal(json_string_value(json_array_get(type, 0)), "ipv4_addr");
				assert_string_equal(json_string_value(json_array_get(type, 1)), "inet_proto");
				assert_string_equal(json_string_value(json_array_get(type, 4)), "inet_service");
				assert_int_equal(json_array_size(json_object_get(set, "elem")), 2);
				t4 = true;
			}
			if (name && !strcmp(name, "q4")) {
				assert_int_equal(json_array_size(type), 3);
				assert_string_equal(json_string_value(json_array_get(type, 0)), "ipv4_addr");
				assert_string_equal(json_string_value(json_array_get(type, 1)), "inet_proto");
				assert_string_equal(json_string_value(json_array_get(type, 2)), "inet_service");
				assert_int_equal(json_array_size(json_object_get(set, "elem")), 2);
				q4 = true;
			}
			if (name && !strcmp(name, "m6")) {
				assert_int_equal(json_array_size(type), 2);
				assert_string_equal(json_string_value(json_array_get(type, 0)), "ipv6_addr");
				assert_string_equal(json_string_value(json_array_get(type, 1)), "inet_proto");
				assert_int_equal(json_array_size(json_object_get(set, "elem")), 1);
				m6 = true;
			}
			if (name && !strcmp(name, "nics")) {
				assert_string_equal(json_string_value(type), "ifname");
				assert_string_equal(json_string_value(json_object_get(set, "map")), "verdict");
				nics = true;
			}
		}
		if ((rule = json_object_get(o, "rule"))) {
			comment = json_string_value(json_object_get(rule, "comment"));
			if (comment && !strcmp(comment, "sgr-1"))
				sgr1 = true;
		}
	}
	assert_true(t4);
	assert_true(q4);
	assert_true(m6);
	assert_true(nics);
	assert_true(sgr1);
	json_decref(root);
	free(js);
}

/* ---- fixtures ---- */

struct fx {
	struct sgnft *n;
	struct ir_table t;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(system("nft flush ruleset"), 0);
	assert_int_equal(sgnft_open(&f->n), 0);
	build(&f->t, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ir_table_free(&f->t);
	sgnft_close(f->n);
	free(f);
	return 0;
}

static void replace_ok(struct fx *f)
{
	char err[512];
	int rc = sgnft_replace(f->n, &f->t, err, sizeof(err));

	if (rc)
		fail_msg("sgnft_replace: %d (%s)", rc, err);
}

/* ---- tests ---- */

static void test_replace_reads_back(void **state)
{
	struct fx *f = *state;
	char *text;

	replace_ok(f);
	text = listing();
	/* sets with their types and elements */
	expect(text, "map nics {");
	expect(text, "type ifname : verdict");
	expect(text, "\"veth0\" : jump nic_veth0");
	expect(text, "set pl_v4 {");
	expect(text, "type ipv4_addr");
	expect(text, "comment \"pl-1 office\"");
	expect(text, "10.0.0.0/8 comment \"entry a\"");
	expect(text, "192.0.2.0-192.0.2.100");
	expect(text, "255.255.255.0/24 comment \"top\"");
	expect(text, "elements = { 0.0.0.0/0 }");
	expect(text, "elements = { 0-65535 }");
	expect(text, "type ipv6_addr");
	expect(text, "2001:db8::/32");
	expect(text, "type inet_service");
	expect(text, "22, 8000-8080, 65000-65535");
	expect(text, "type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service");
	expect(text, "10.0.0.0/8 . tcp . 0-65535 . 192.0.2.1 . 22 comment \"sgr-1\"");
	expect(text, "198.51.100.7 . udp . 0-65535 . 0.0.0.0/0 . 53 comment \"sgr-3\"");
	expect(text, "type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service");
	expect(text, "2001:db8::/32 . udp . 0-65535 . 2001:db8::1 . 53");
	expect(text, "type ipv4_addr . ipv4_addr . inet_proto");
	expect(text, "198.51.100.0/24 . 0.0.0.0/0 . icmp");
	expect(text, "203.0.113.5 . 192.0.2.0/25 . gre");
	expect(text, "type ipv6_addr . ipv6_addr . inet_proto");
	expect(text, "2001:db8:1::/48 . ::/0 . ipv6-icmp");
	expect(text, "type ipv4_addr . inet_proto . inet_service\n");
	expect(text, "10.0.0.0/8 . tcp . 22 comment \"sgr-q4a\"");
	expect(text, "198.51.100.7 . udp . 1000-2000");
	expect(text, "type ipv6_addr . inet_proto . inet_service\n");
	expect(text, "2001:db8::/32 . udp . 53");
	expect(text, "type ipv4_addr . inet_proto\n");
	expect(text, "198.51.100.0/24 . icmp");
	expect(text, "203.0.113.5 . 0-255");
	expect(text, "type ipv6_addr . inet_proto\n");
	expect(text, "2001:db8:1::/48 . ipv6-icmp");
	/* chains and rules */
	expect(text, "type filter hook input priority filter; policy accept;");
	expect(text, "ct state established,related counter packets 0 bytes 0 accept");
	expect(text, "ct state invalid drop");
	expect(text, "iifname vmap @nics comment \"dispatch\"");
	expect(text, "@pl_v4");
	expect(text, "@ports");
	expect(text, "@pl_v6");
	expect(text, "ip saddr . meta l4proto . th sport . ip daddr . th dport @t4 counter");
	expect(text, "ip6 saddr . meta l4proto . th sport . ip6 daddr . th dport @t6 drop");
	expect(text, "ip saddr . ip daddr . meta l4proto @n4 accept");
	expect(text, "ip6 saddr . ip6 daddr . meta l4proto @n6 accept");
	expect(text, "ip saddr . meta l4proto . th dport @q4 accept comment \"sgr-q4\"");
	expect(text, "ip6 saddr . meta l4proto . th dport @q6 drop comment \"sgr-q6\"");
	expect(text, "ip saddr . meta l4proto @m4 accept comment \"sgr-m4\"");
	expect(text, "ip6 saddr . meta l4proto @m6 accept comment \"sgr-m6\"");
	expect(text, "ip saddr 203.0.113.0/24 ip daddr 192.0.2.1");
	expect(text, "2001:db8::1-2001:db8::5");
	expect(text, "comment \"sgr-7 quintuple\"");
	expect(text, "counter packets 0 bytes 0 drop comment \"default drop\"");
	free(text);
	json_reads_back();
	assert_true(sgnft_last_batch_size(f->n) > 20);
}

/* The same replace twice: the second deletes and re-adds in one batch. */
static void test_replace_twice(void **state)
{
	struct fx *f = *state;
	char *text;

	replace_ok(f);
	replace_ok(f);
	text = listing();
	expect(text, "table inet sgd");
	free(text);
}

static void test_apply_diff(void **state)
{
	struct fx *f = *state;
	struct ir_table nt;
	struct ir_changes ch = { 0 };
	char err[512], *text;
	size_t full;
	int rc;

	replace_ok(f);
	full = sgnft_last_batch_size(f->n);
	build(&nt, true);
	assert_int_equal(ir_diff(&f->t, &nt, &ch), 0);
	assert_true(ch.n > 0);
	rc = sgnft_apply(f->n, &nt, &ch, err, sizeof(err));
	if (rc)
		fail_msg("sgnft_apply: %d (%s)", rc, err);
	assert_true(sgnft_last_batch_size(f->n) < full);
	text = listing();
	expect(text, "\"veth1\" : jump nic_veth1");
	expect(text, "203.0.113.0/24 . tcp . 1024-65535 . 192.0.2.2 . 80-89 comment \"sgr-9\"");
	expect_not(text, "192.0.2.0-192.0.2.100");
	expect_not(text, "255.255.255.0/24");
	expect(text, "10.0.0.0/8 comment \"entry a\"");
	expect(text, "set extra {");
	expect(text, "3000-3999");
	expect(text, "chain nic_veth1 {");
	expect(text, "th dport @extra accept comment \"sgr-10\"");
	expect(text, "udp dport 5353");
	expect_not(text, "set n6 {");
	expect_not(text, "@n6");
	free(text);
	ir_changes_free(&ch);

	/* and back again */
	assert_int_equal(ir_diff(&nt, &f->t, &ch), 0);
	rc = sgnft_apply(f->n, &f->t, &ch, err, sizeof(err));
	if (rc)
		fail_msg("sgnft_apply back: %d (%s)", rc, err);
	text = listing();
	expect(text, "192.0.2.0-192.0.2.100");
	expect(text, "255.255.255.0/24 comment \"top\"");
	expect(text, "set n6 {");
	expect_not(text, "nic_veth1");
	expect_not(text, "set extra");
	free(text);
	ir_changes_free(&ch);
	ir_table_free(&nt);
}

/* A one-element change is a one-message batch. */
static void test_apply_small(void **state)
{
	struct fx *f = *state;
	struct ir_change c = { .kind = IR_CH_ADD_ELEM };
	struct ir_changes ch = { .v = &c, .n = 1, .cap = 1 };
	struct ir_set *s = NULL;
	char err[512], *text;

	replace_ok(f);
	for (size_t i = 0; i < f->t.nsets; i++)
		if (!strcmp(f->t.sets[i].name, "ports"))
			s = &f->t.sets[i];
	assert_non_null(s);
	r_port(&elem(s, NULL)->f[0], 9000, 9001);
	c.set = s;
	c.elem = &s->elems[s->nelems - 1];
	if (sgnft_apply(f->n, &f->t, &ch, err, sizeof(err)))
		fail_msg("apply: %s", err);
	assert_int_equal(sgnft_last_batch_size(f->n), 1);
	text = listing();
	expect(text, "9000-9001");
	free(text);
	/* deleting it again */
	c.kind = IR_CH_DEL_ELEM;
	if (sgnft_apply(f->n, &f->t, &ch, err, sizeof(err)))
		fail_msg("apply: %s", err);
	text = listing();
	expect_not(text, "9000-9001");
	free(text);
}

/* The kernel's pipapo refuses some overlaps: the error names the set and
 * the element, and nothing of the batch is applied. */
static void test_overlap_eexist(void **state)
{
	struct fx *f = *state;
	struct ir_change c[2];
	struct ir_changes ch = { .v = c, .n = 2, .cap = 2 };
	struct ir_set *t4 = NULL, *ports = NULL;
	char err[512], *text;
	int rc;

	replace_ok(f);
	for (size_t i = 0; i < f->t.nsets; i++) {
		if (!strcmp(f->t.sets[i].name, "t4"))
			t4 = &f->t.sets[i];
		if (!strcmp(f->t.sets[i].name, "ports"))
			ports = &f->t.sets[i];
	}
	assert_non_null(t4);
	assert_non_null(ports);
	/* an unrelated change first: it must not survive the failed batch */
	r_port(&elem(ports, NULL)->f[0], 7000, 7000);
	/* 10.1.0.0/16 inside 10.0.0.0/8, same other fields */
	tuple5(t4, "10.1.0.0/16", 6, 0, 65535, "192.0.2.1", 22, 22, "sgr-overlap");
	c[0] = (struct ir_change){ .kind = IR_CH_ADD_ELEM, .set = ports,
				   .elem = &ports->elems[ports->nelems - 1] };
	c[1] = (struct ir_change){ .kind = IR_CH_ADD_ELEM, .set = t4,
				   .elem = &t4->elems[t4->nelems - 1] };
	rc = sgnft_apply(f->n, &f->t, &ch, err, sizeof(err));
	print_message("error message: %s\n", err);
	assert_int_equal(rc, -EEXIST);
	assert_non_null(strstr(err, "set t4"));
	assert_non_null(strstr(err, "10.1.0.0/16 . tcp . 0-65535 . 192.0.2.1 . 22"));
	assert_non_null(strstr(err, "File exists"));
	text = listing();
	expect_not(text, "10.1.0.0/16");
	expect_not(text, "7000");
	free(text);
}

/* A rule naming a set that does not exist: refused, the old table stays. */
static void test_refused_replace_keeps_old(void **state)
{
	struct fx *f = *state;
	struct ir_table bad;
	struct ir_chain *c;
	struct ir_rule *r;
	char err[512], *text;
	int rc;

	replace_ok(f);
	ir_table_init(&bad, "sgd", IR_MODE_ROUTED);
	c = ir_chain_add(&bad, "input", IR_HOOK_FORWARD);
	r = rule(c, IR_V_ACCEPT, "bad one");
	m_set(r, IR_M_DPORT_SET, 0, "missing");
	rc = sgnft_replace(f->n, &bad, err, sizeof(err));
	print_message("error message: %s\n", err);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err, "add rule 1 to chain input (bad one)"));
	text = listing();
	expect(text, "hook input");
	expect_not(text, "hook forward");
	free(text);
	ir_table_free(&bad);
}

/* Routed mode: forward hook and oifname dispatch. */
static void test_routed_mode(void **state)
{
	struct fx *f = *state;
	char *text;

	f->t.mode = IR_MODE_ROUTED;
	for (size_t i = 0; i < f->t.nchains; i++)
		if (f->t.chains[i].hook == IR_HOOK_INPUT)
			f->t.chains[i].hook = IR_HOOK_FORWARD;
	replace_ok(f);
	text = listing();
	expect(text, "type filter hook forward priority filter; policy accept;");
	expect(text, "oifname vmap @nics");
	free(text);
}

static void test_delete_table(void **state)
{
	struct fx *f = *state;
	char *text;

	assert_int_equal(sgnft_delete_table(f->n, "sgd"), 0); /* absent: fine */
	replace_ok(f);
	assert_int_equal(sgnft_delete_table(f->n, "sgd"), 0);
	text = listing();
	expect_not(text, "table inet sgd");
	free(text);
}

/* Wait up to 2 s for events, then read them. */
static bool watch(struct fx *f)
{
	struct pollfd p = { .fd = sgnft_watch_fd(f->n), .events = POLLIN };
	bool tampered = true;

	(void)poll(&p, 1, 2000);
	assert_int_equal(sgnft_watch_read(f->n, "sgd", &tampered), 0);
	return tampered;
}

/* Read whatever is queued now, without waiting. */
static bool watch_now(struct fx *f)
{
	bool tampered = true;

	assert_int_equal(sgnft_watch_read(f->n, "sgd", &tampered), 0);
	return tampered;
}

static void test_watch(void **state)
{
	struct fx *f = *state;
	struct ir_table nt;
	struct ir_changes ch = { 0 };
	char err[512];

	/* our own batches are not tampering */
	replace_ok(f);
	assert_false(watch_now(f));
	build(&nt, true);
	assert_int_equal(ir_diff(&f->t, &nt, &ch), 0);
	assert_int_equal(sgnft_apply(f->n, &nt, &ch, err, sizeof(err)), 0);
	assert_false(watch_now(f));
	ir_changes_free(&ch);

	/* another table is none of our business */
	assert_int_equal(system("nft add table inet other"), 0);
	assert_false(watch(f));

	assert_int_equal(system("nft add rule inet sgd input counter"), 0);
	assert_true(watch(f));

	assert_int_equal(sgnft_replace(f->n, &nt, err, sizeof(err)), 0);
	assert_false(watch_now(f));
	assert_int_equal(system("nft add element inet sgd ports '{ 4444 }'"), 0);
	assert_true(watch(f));

	assert_int_equal(sgnft_replace(f->n, &nt, err, sizeof(err)), 0);
	assert_false(watch_now(f));
	assert_int_equal(system("nft flush ruleset"), 0);
	assert_true(watch(f));

	assert_int_equal(sgnft_replace(f->n, &nt, err, sizeof(err)), 0);
	assert_false(watch_now(f));
	assert_int_equal(system("nft delete table inet sgd"), 0);
	assert_true(watch(f));
	ir_table_free(&nt);
}

/* An event overrun (ENOBUFS) loses events: it is tampering unless the
 * generation shows that only our own batches committed since. */
static void test_watch_overrun(void **state)
{
	struct fx *f = *state;
	int small = 1; /* the kernel raises it to its minimum, a few KiB */
	char err[512];

	replace_ok(f);
	assert_false(watch_now(f));
	assert_int_equal(setsockopt(sgnft_watch_fd(f->n), SOL_SOCKET, SO_RCVBUF, &small,
				    sizeof(small)), 0);
	/* our replace alone: dozens of events, far more than fit */
	replace_ok(f);
	replace_ok(f);
	assert_false(watch_now(f));
	/* the same overrun followed by someone else's commit */
	replace_ok(f);
	assert_int_equal(system("nft add table inet other"), 0);
	assert_true(watch(f));
	/* a replace starts afresh: foreign commits before it do not count */
	assert_int_equal(system("nft add table inet other2"), 0);
	replace_ok(f);
	assert_false(watch_now(f));
	/* but an incremental batch after a foreign commit does not hide it */
	assert_int_equal(system("nft add rule inet sgd input counter"), 0);
	{
		struct ir_set *s = &f->t.sets[0];
		struct ir_change c = { .kind = IR_CH_DEL_ELEM, .set = s, .elem = &s->elems[0] };
		struct ir_changes ch = { .v = &c, .n = 1, .cap = 1 };

		if (sgnft_apply(f->n, &f->t, &ch, err, sizeof(err)))
			fail_msg("apply: %s", err);
	}
	assert_true(watch(f));
}

/* A large table goes in one batch (several pages, large sets). */
static void test_large(void **state)
{
	struct fx *f = *state;
	struct ir_set *s;
	struct ir_chain *c;
	char *text;

	s = ir_set_add(&f->t, "big", IR_KEY_IP4_PORTS);
	for (unsigned i = 0; i < 3000; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.%u.%u.0/24", i / 256, i % 256);
		tuple5(s, a, 6, 0, 65535, "192.0.2.1", 1000 + i % 50, 1000 + i % 50, "sgr-big");
	}
	c = ir_chain_add(&f->t, "many", IR_HOOK_NONE);
	for (unsigned i = 0; i < 2000; i++) {
		struct ir_rule *r = rule(c, IR_V_ACCEPT, "sgr-many");

		r_port(&m_add(r, IR_M_DPORT)->range, 1 + i, 1 + i);
	}
	ir_sort(&f->t);
	replace_ok(f);
	assert_true(sgnft_last_batch_size(f->n) > 2000);
	text = run("nft list set inet sgd big | grep -c sgr-big", &(int){ 0 });
	assert_int_equal(atoi(text), 3000);
	free(text);
	text = run("nft list chain inet sgd many | grep -c sgr-many", &(int){ 0 });
	assert_int_equal(atoi(text), 2000);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_eexist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_replace_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_routed_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
	};

	/* Everything below touches the kernel: only ever in a namespace of
	 * our own, which dies with this process. */
	if (geteuid() != 0) {
		fprintf(stderr, "test_nft: FAILED: needs root (to unshare a network namespace "
				"and program nf_tables in it)\n");
		return 1;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "test_nft: FAILED: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 1;
	}
	if (system("nft --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test_nft: FAILED: the nft binary (package nftables) is needed "
				"to read the ruleset back\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
