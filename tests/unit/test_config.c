/* test_config.c - sgd's settings: defaults, the config file, flags over file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../src/sgd/config.c"

static char path[] = "/tmp/sgd-test-config.XXXXXX";

static void write_config(const char *text)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int parse(struct sgd_config *c, int argc, char **argv)
{
	sgd_config_defaults(c);
	return sgd_config_args(c, argc, argv);
}

static void test_defaults(void **state)
{
	(void)state;
	struct sgd_config c;
	char *argv[] = { "sgd", "--config", "/nonexistent/sgd.conf", NULL };
	/* A named config file must exist. */
	assert_int_equal(parse(&c, 3, argv), -1);
	char *argv2[] = { "sgd", NULL };
	sgd_config_defaults(&c);
	snprintf(c.config_path, sizeof(c.config_path), "/nonexistent/sgd.conf");
	assert_int_equal(sgd_config_file(&c, c.config_path), 0); /* the default one is optional */
	assert_int_equal(sgd_config_args(&c, 1, argv2), 0);
	assert_string_equal(c.region, "cn-hangzhou");
	assert_int_equal(c.mode, IR_MODE_HOST);
	assert_int_equal(c.quota.rules_per_group, 200);
	assert_int_equal(c.quota.group_rules_per_group, 20);
	assert_int_equal(c.quota.rules_per_nic, 1000);
	assert_int_equal(c.quota.groups_per_nic, 5);
	assert_string_equal(c.listen, "");
	assert_int_equal(c.max_body, 1 << 20);
}

/* The example config installed by make install states every default. */
static void test_example_is_the_defaults(void **state)
{
	(void)state;
	struct sgd_config c, d;
	char *argv[] = { "sgd", "--config", "etc/sgd.conf.example", NULL };
	assert_int_equal(parse(&c, 3, argv), 0);
	sgd_config_defaults(&d);
	assert_int_equal(c.max_body, d.max_body);
	assert_int_equal(c.timeout_s, d.timeout_s);
	assert_int_equal(c.mode, d.mode);
	assert_string_equal(c.region, d.region);
	assert_string_equal(c.state_dir, d.state_dir);
	assert_string_equal(c.socket_path, d.socket_path);
	assert_memory_equal(&c.quota, &d.quota, sizeof(c.quota));
	assert_string_equal(c.host_devices, d.host_devices);
	assert_int_equal(c.plain_http, d.plain_http);
	assert_int_equal(c.conns_per_ip, d.conns_per_ip);
	assert_int_equal(c.token_ttl_s, d.token_ttl_s);
}

static void test_tls_flags(void **state)
{
	(void)state;
	struct sgd_config c;
	char *argv[] = { "sgd", "--config", "/dev/null", "--listen", "127.0.0.1:1", "--plain-http", NULL };
	assert_int_equal(parse(&c, 6, argv), 0);
	assert_true(c.plain_http);
	char *argv2[] = { "sgd", "--config", "/dev/null", "--tls-cert", "/x.crt", "--tls-key", "/x.key", NULL };
	assert_int_equal(parse(&c, 7, argv2), 0);
	assert_false(c.plain_http);
	assert_string_equal(c.tls_cert, "/x.crt");
	assert_string_equal(c.tls_key, "/x.key");
}

static void test_file_and_flags(void **state)
{
	(void)state;
	strcpy(path, "/tmp/sgd-test-config.XXXXXX");
	write_config("# private cloud\nregion = cn-beijing\nmode = routed\n"
		     "quota.rules_per_group = 5000   # raised\nquota.rules_per_nic=20000\n"
		     "quota.groups_per_nic = 10\nlisten = 127.0.0.1:8780\nmax_body = 4194304\n");
	struct sgd_config c;
	char *argv[] = { "sgd", "--config", path, "--mode", "host", "-r", "cn-shanghai", NULL };
	assert_int_equal(parse(&c, 7, argv), 0);
	assert_string_equal(c.region, "cn-shanghai"); /* flag wins */
	assert_int_equal(c.mode, IR_MODE_HOST);       /* flag wins */
	assert_int_equal(c.quota.rules_per_group, 5000);
	assert_int_equal(c.quota.rules_per_nic, 20000);
	assert_int_equal(c.quota.groups_per_nic, 10);
	assert_string_equal(c.listen, "127.0.0.1:8780");
	assert_int_equal(c.max_body, 4194304);
	unlink(path);
}

static void test_bad_input(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"nosuchkey = 1\n", "quota.rules_per_group = 0\n", "quota.rules_per_group = lots\n",
		"quota.groups_per_nic = 17\n", "max_body = 0\n", "max_body = 67108865\n", "mode = bridge\n", "mode = sideways\n", "just words\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(path, "/tmp/sgd-test-config.XXXXXX");
		write_config(bad[i]);
		struct sgd_config c;
		char *argv[] = { "sgd", "--config", path, NULL };
		if (parse(&c, 3, argv) != -1)
			fail_msg("config `%s' was accepted", bad[i]);
		unlink(path);
	}
	struct sgd_config c;
	char *argv[] = { "sgd", "--mode", "bridge", NULL };
	snprintf(c.config_path, sizeof(c.config_path), "/nonexistent");
	assert_int_equal(parse(&c, 3, argv), -1);
	char *argv2[] = { "sgd", "stray", NULL };
	assert_int_equal(parse(&c, 2, argv2), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_file_and_flags),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_example_is_the_defaults),
		cmocka_unit_test(test_tls_flags),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
