/* test_link.c - the interface watcher against a real kernel, inside a
 * network namespace of its own (unshare(CLONE_NEWNET) before anything):
 * links appear, go up, get renamed and disappear, and each change is
 * reported once.  Links are veth pairs: this kernel has no dummy driver.
 * Needs root; fails loudly without it. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sgd/link.h"

#define WAIT_MS 5000
#define MAX_SEEN 512

struct seen {
	struct sg_link_change v[MAX_SEEN];
	size_t n;
};

static void record(const struct sg_link_change *c, void *arg)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN)
		s->v[s->n++] = *c;
}

static void sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

typedef bool (*cond_fn)(struct sg_link *l, const char *a, const char *b);

/* Poll and read until cond holds, for at most WAIT_MS. */
static bool wait_until(struct sg_link *l, cond_fn cond, const char *a, const char *b)
{
	long end = now_ms() + WAIT_MS;

	while (!cond(l, a, b)) {
		struct pollfd p = { .fd = sg_link_fd(l), .events = POLLIN };
		long left = end - now_ms();

		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return false;
		if (sg_link_read(l) < 0)
			return false;
	}
	return true;
}

static bool exists(struct sg_link *l, const char *a, const char *b)
{
	return sg_link_exists(l, a);
}

static bool gone(struct sg_link *l, const char *a, const char *b)
{
	return !sg_link_exists(l, a);
}

static bool is_up(struct sg_link *l, const char *a, const char *b)
{
	return sg_link_is_up(l, a);
}

static bool renamed(struct sg_link *l, const char *a, const char *b)
{
	return !sg_link_exists(l, a) && sg_link_exists(l, b);
}

static int count(const struct seen *s, enum sg_link_event ev, const char *name)
{
	int n = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].event == ev && (!name || strcmp(s->v[i].ifname, name) == 0))
			n++;
	return n;
}


/* ---- tests ---- */

static struct seen seen;

static struct sg_link *open_watch(void)
{
	struct sg_link *l;

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(sg_link_open(&l), 0);
	sg_link_set_callback(l, record, &seen);
	assert_true(sg_link_fd(l) >= 0);
	return l;
}

static void test_baseline(void **state)
{
	struct sg_link *l = open_watch();

	/* A fresh namespace holds only lo, and it is down. */
	assert_true(sg_link_exists(l, "lo"));
	assert_false(sg_link_is_up(l, "lo"));
	assert_int_equal(sg_link_ifindex(l, "lo"), 1);
	assert_false(sg_link_exists(l, "sgt-none"));
	assert_false(sg_link_exists(l, ""));
	assert_int_equal(sg_link_ifindex(l, "sgt-none"), 0);
	/* Nothing pending: a read reports no change and does not block. */
	assert_int_equal(sg_link_read(l), 0);
	assert_int_equal(seen.n, 0);
	sg_link_close(l);
}

static void test_lifecycle(void **state)
{
	struct sg_link *l = open_watch();
	int idx;

	sh("ip link add sgt0 type veth peer name sgt0p");
	assert_true(wait_until(l, exists, "sgt0", NULL));
	assert_int_equal(count(&seen, SG_LINK_ADDED, "sgt0"), 1);
	assert_false(sg_link_is_up(l, "sgt0"));
	idx = sg_link_ifindex(l, "sgt0");
	assert_true(idx > 1);

	sh("ip link set sgt0 up");
	assert_true(wait_until(l, is_up, "sgt0", NULL));
	assert_int_equal(count(&seen, SG_LINK_UPDOWN, "sgt0"), 1);

	/* The kernel renames only a down device. */
	sh("ip link set sgt0 down");
	sh("ip link set sgt0 name sgt1");
	assert_true(wait_until(l, renamed, "sgt0", "sgt1"));
	assert_int_equal(count(&seen, SG_LINK_RENAMED, "sgt1"), 1);
	for (size_t i = 0; i < seen.n; i++)
		if (seen.v[i].event == SG_LINK_RENAMED) {
			assert_string_equal(seen.v[i].oldname, "sgt0");
			assert_int_equal(seen.v[i].ifindex, idx);
		}
	assert_int_equal(sg_link_ifindex(l, "sgt1"), idx);
	/* A rename is not a removal plus an addition. */
	assert_int_equal(count(&seen, SG_LINK_REMOVED, NULL), 0);
	assert_int_equal(count(&seen, SG_LINK_ADDED, NULL), 2); /* sgt0 and its peer */

	sh("ip link del sgt1");
	assert_true(wait_until(l, gone, "sgt1", NULL));
	assert_true(wait_until(l, gone, "sgt0p", NULL));
	assert_int_equal(count(&seen, SG_LINK_REMOVED, "sgt1"), 1);
	assert_int_equal(count(&seen, SG_LINK_REMOVED, "sgt0p"), 1);
	assert_false(sg_link_exists(l, "sgt0"));
	sg_link_close(l);
}

static void test_veth_pair(void **state)
{
	struct sg_link *l = open_watch();

	sh("ip link add sgva type veth peer name sgvb");
	assert_true(wait_until(l, exists, "sgva", NULL));
	assert_true(wait_until(l, exists, "sgvb", NULL));
	assert_int_equal(count(&seen, SG_LINK_ADDED, NULL), 2);
	/* Deleting one end takes the peer too. */
	sh("ip link del sgva");
	assert_true(wait_until(l, gone, "sgva", NULL));
	assert_true(wait_until(l, gone, "sgvb", NULL));
	assert_int_equal(count(&seen, SG_LINK_REMOVED, NULL), 2);
	sg_link_close(l);
}

/* A watcher opened after links exist takes them as its baseline. */
static void test_baseline_includes_existing(void **state)
{
	struct sg_link *l;

	sh("ip link add sgt5 type veth peer name sgt5p");
	l = open_watch();
	assert_true(sg_link_exists(l, "sgt5"));
	assert_int_equal(seen.n, 0);
	sh("ip link del sgt5");
	assert_true(wait_until(l, gone, "sgt5", NULL));
	assert_true(wait_until(l, gone, "sgt5p", NULL));
	assert_int_equal(count(&seen, SG_LINK_REMOVED, "sgt5"), 1);
	assert_int_equal(seen.n, 2);
	sg_link_close(l);
}

/* A tiny receive buffer and a burst without reading: notifications are
 * lost, and the re-read must still report every link exactly once. */
static void test_burst_without_reading(void **state)
{
	struct sg_link *l = open_watch();
	int small = 1, n = 60;

	assert_int_equal(setsockopt(sg_link_fd(l), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	sh("for i in $(seq 1 %d); do ip link add sgb$i type veth peer name sgb${i}p || exit 1; done", n);
	assert_true(wait_until(l, exists, "sgb60p", NULL));
	/* Drain anything still queued. */
	while (sg_link_read(l) > 0)
		;
	assert_int_equal(count(&seen, SG_LINK_ADDED, NULL), 2 * n);
	for (int i = 1; i <= n; i++) {
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "sgb%d", i);
		assert_true(sg_link_exists(l, name));
		assert_int_equal(count(&seen, SG_LINK_ADDED, name), 1);
	}
	sh("for i in $(seq 1 %d); do ip link del sgb$i || exit 1; done", n);
	assert_true(wait_until(l, gone, "sgb60p", NULL));
	while (sg_link_read(l) > 0)
		;
	assert_int_equal(count(&seen, SG_LINK_REMOVED, NULL), 2 * n);
	sg_link_close(l);
}

static int count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

/* The daemon may reopen the watcher: nothing may leak per open. */
static void test_open_close_no_leak(void **state)
{
	int before = count_fds();

	for (int i = 0; i < 50; i++)
		sg_link_close(open_watch());
	assert_int_equal(count_fds(), before);
}

/* Request threads ask while the loop thread reads. */
struct asker {
	struct sg_link *l;
	atomic_int stop;
	atomic_long asked;
};

static void *ask(void *arg)
{
	struct asker *a = arg;

	for (long i = 0; i < 2000000 && !atomic_load(&a->stop); i++) {
		(void)sg_link_exists(a->l, "sgr0");
		(void)sg_link_is_up(a->l, "lo");
		atomic_fetch_add(&a->asked, 1);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct asker a = { .l = open_watch() };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ask, &a), 0);
	for (int i = 0; i < 10; i++) {
		sh("ip link add sgr0 type veth peer name sgr0p");
		assert_true(wait_until(a.l, exists, "sgr0", NULL));
		sh("ip link del sgr0");
		assert_true(wait_until(a.l, gone, "sgr0", NULL));
		assert_true(wait_until(a.l, gone, "sgr0p", NULL));
	}
	atomic_store(&a.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_true(atomic_load(&a.asked) > 0);
	assert_int_equal(count(&seen, SG_LINK_ADDED, "sgr0"), 10);
	assert_int_equal(count(&seen, SG_LINK_REMOVED, "sgr0"), 10);
	sg_link_close(a.l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_veth_pair),
		cmocka_unit_test(test_baseline_includes_existing),
		cmocka_unit_test(test_burst_without_reading),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_open_close_no_leak),
	};

	/* Everything below touches the kernel: only in a namespace of our own,
	 * which the kernel deletes with the process. */
	if (geteuid() != 0) {
		fprintf(stderr, "test_link: needs root (CAP_SYS_ADMIN for unshare)\n");
		return 1;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		perror("test_link: unshare(CLONE_NEWNET)");
		return 1;
	}
	return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
