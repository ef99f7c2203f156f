/* test_api_server.c - the real libmicrohttpd daemons: Unix socket with
 * SO_PEERCRED (root admin, other uid refused), socket file mode/owner and
 * stale-socket handling, TCP with a signed V1 request, unsigned refusal,
 * 413 for a large body, and a slow client not blocking another; what
 * --listen needs (TLS files or plain HTTP) and bad TLS files refused; the
 * per-address connection limit; the deadline that closes a client
 * dribbling its headers (but never a request that is running).
 * Needs root (it switches a child to uid 65534): fails loudly otherwise. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../../src/api/api_internal.h"

static char sock_path[108];
static struct sg_cred cred_v[1];
static struct sg_creds creds = { .v = cred_v, .n = 1 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sg_caller last_caller;
static int runs;

static int fake_run(struct sg_env *env, const char *action, const struct sg_params *p,
		    const struct sg_caller *c, struct sg_reply *r)
{
	/* The API must hold the model lock around every action. */
	assert_int_equal(pthread_mutex_trylock(&lock), EBUSY);
	last_caller = *c;
	runs++;
	r->body = json_pack("{s:s}", "Seen", action);
	return 0;
}

static bool fake_read_only(const char *a) { return strcmp(a, "DescribeNetworkInterfaces") == 0; }
static bool fake_known(const char *a)
{
	return strcmp(a, "DescribeSecurityGroups") == 0 || fake_read_only(a);
}

/* A read runs without the writers' lock: the test holds it meanwhile. */
static int fake_read(struct sg_env *env, const char *action, const struct sg_params *p,
		     const struct sg_caller *c, struct sg_reply *r)
{
	r->body = json_pack("{s:s}", "Read", action);
	return 0;
}

static const struct sg_api_ops fake_ops = {
	.run = fake_run, .known = fake_known, .read = fake_read, .read_only = fake_read_only,
};

static struct sg_api_config config(void)
{
	struct sg_api_config cfg = {
		.socket_path = sock_path, .listen = "127.0.0.1:0", .admin_gid = (gid_t)-1,
		.admin_account = { .id = 7, .name = "root@local" }, .creds = &creds,
		.max_body = 4096, .timeout_s = 5, .plain_http = true,
	};
	return cfg;
}

static int setup(void **state)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_api_server needs root (SO_PEERCRED admin, setuid child)\n");
		return -1;
	}
	snprintf(sock_path, sizeof(sock_path), "/tmp/sgd-test-api-%d.sock", (int)getpid());
	strcpy(cred_v[0].key_id, "LTAIexample0001");
	strcpy(cred_v[0].secret, "s3cr3t");
	cred_v[0].account.id = 1234567890;
	strcpy(cred_v[0].account.name, "ops@example.com");
	struct sg_api_config cfg = config();
	struct sg_api *a = NULL;
	int rc = sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &a);
	if (rc) {
		fprintf(stderr, "sg_api_start_with: %s\n", strerror(-rc));
		return -1;
	}
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	sg_api_stop(*state);
	return 0;
}

static int connect_to(unsigned port)
{
	int fd;

	if (port) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return -1;
		}
	} else {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		strcpy(sa.sun_path, sock_path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* Sends req, reads until EOF (bounded: 5 s), returns the status or -1. */
static int exchange(int fd, const char *req, char *resp, size_t cap)
{
	size_t n = 0, len = strlen(req);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (len && write(fd, req, len) != (ssize_t)len) /* "": only read the answer */
		return -1;
	while (n + 1 < cap && poll(&p, 1, 5000) == 1) {
		ssize_t k = read(fd, resp + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	resp[n] = '\0';
	int status = -1;
	if (sscanf(resp, "HTTP/1.1 %d", &status) != 1)
		return -1;
	return status;
}

static int http(unsigned port, const char *req, char *resp, size_t cap)
{
	int fd = connect_to(port);
	if (fd < 0)
		return -1;
	int st = exchange(fd, req, resp, cap);
	close(fd);
	return st;
}

static const char *body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	return b ? b + 4 : "";
}

/* A read is answered while a writer holds the lock mid-mutation and more
 * mutations than the server has pool threads wait behind it; the queued
 * mutations are all answered once the lock is free.  (Bounded by
 * exchange()'s 5 s: a hang fails, nothing is timed.) */
static void test_read_while_write_held(void **state)
{
	enum { NWRITERS = 8 };
	static const char write_req[] = "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\n"
					"Host: localhost\r\nConnection: close\r\n\r\n";
	char resp[4096];
	int w[NWRITERS];
	pthread_mutex_lock(&lock);
	runs = 0;
	for (int i = 0; i < NWRITERS; i++) {
		w[i] = connect_to(0);
		assert_true(w[i] >= 0);
		assert_int_equal(write(w[i], write_req, strlen(write_req)), (ssize_t)strlen(write_req));
	}
	int s = http(0, "GET /?Action=DescribeNetworkInterfaces HTTP/1.1\r\nHost: localhost\r\n"
		     "Connection: close\r\n\r\n", resp, sizeof(resp));
	assert_int_equal(runs, 0); /* every mutation still waits for the lock */
	pthread_mutex_unlock(&lock);
	assert_int_equal(s, 200);
	assert_non_null(strstr(body_of(resp), "\"Read\":\"DescribeNetworkInterfaces\""));
	for (int i = 0; i < NWRITERS; i++) {
		assert_int_equal(exchange(w[i], "", resp, sizeof(resp)), 200);
		close(w[i]);
	}
	assert_int_equal(runs, NWRITERS);
}

static void test_unix_admin(void **state)
{
	char resp[4096];
	struct stat st;

	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_int_equal(st.st_uid, 0);

	runs = 0;
	int s = http(0, "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\nHost: localhost\r\n"
		     "Connection: close\r\n\r\n", resp, sizeof(resp));
	assert_int_equal(s, 200);
	assert_int_equal(runs, 1);
	assert_true(last_caller.admin);
	assert_int_equal(last_caller.account.id, 7);
	assert_non_null(strstr(body_of(resp), "\"Seen\":\"DescribeSecurityGroups\""));
	assert_non_null(strstr(resp, "application/json"));

	/* POST with a form body, XML asked in the body. */
	s = http(0, "POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 47\r\n\r\n"
		 "Action=DescribeSecurityGroups&Format=XML&a=%20b", resp, sizeof(resp));
	assert_int_equal(s, 200);
	assert_non_null(strstr(body_of(resp), "<DescribeSecurityGroupsResponse><RequestId>"));
}

static void test_unix_not_admin(void **state)
{
	int pfd[2];

	assert_int_equal(chmod(sock_path, 0666), 0); /* let uid 65534 reach SO_PEERCRED */
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char resp[4096];
		int s = -2;
		if (setgid(65534) == 0 && setuid(65534) == 0)
			s = http(0, "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\nHost: x\r\n"
				 "Connection: close\r\n\r\n", resp, sizeof(resp));
		if (s == 403 && !strstr(body_of(resp), "\"Code\":\"Forbidden.NotAdmin\""))
			s = -3;
		if (write(pfd[1], &s, sizeof(s)) != sizeof(s))
			_exit(1);
		_exit(0);
	}
	int s = 0, wst;
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &s, sizeof(s)), sizeof(s));
	close(pfd[0]);
	waitpid(pid, &wst, 0);
	chmod(sock_path, 0660);
	assert_int_equal(s, 403);
}

static void test_tcp_requires_signature(void **state)
{
	char resp[4096], req[512];
	unsigned port = sg_api_tcp_port(*state);

	assert_true(port > 0);
	snprintf(req, sizeof(req), "GET /?Action=DescribeSecurityGroups&Version=2014-05-26 HTTP/1.1\r\n"
		 "Host: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);
	runs = 0;
	assert_int_equal(http(port, req, resp, sizeof(resp)), 400);
	assert_non_null(strstr(body_of(resp), "\"Code\":\"MissingSignature\""));
	assert_int_equal(runs, 0);
}

static void add_enc(char *q, size_t cap, const char *k, const char *v)
{
	char *ek = sg_pct_encode(k), *ev = sg_pct_encode(v);
	size_t l = strlen(q);
	snprintf(q + l, cap - l, "%s%s=%s", l ? "&" : "", ek, ev);
	free(ek);
	free(ev);
}

static void test_tcp_v1_signed(void **state)
{
	char resp[4096], req[2048], q[1536] = "", ts[32], sig[64];
	unsigned port = sg_api_tcp_port(*state);
	struct sg_params p;
	time_t now = time(NULL);

	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	const char *kv[][2] = {
		{ "Action", "DescribeSecurityGroups" }, { "Version", "2014-05-26" },
		{ "RegionId", "cn-hangzhou" }, { "Format", "JSON" },
		{ "AccessKeyId", "LTAIexample0001" }, { "SignatureMethod", "HMAC-SHA1" },
		{ "SignatureVersion", "1.0" }, { "SignatureNonce", "server-test-nonce" },
		{ "Timestamp", ts },
	};
	sg_params_init(&p);
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		sg_params_set(&p, kv[i][0], kv[i][1]);
		add_enc(q, sizeof(q), kv[i][0], kv[i][1]);
	}
	char *sts = sg_v1_string_to_sign("GET", &p);
	assert_int_equal(sg_v1_sign("s3cr3t", sts, sig), 0);
	free(sts);
	sg_params_free(&p);
	add_enc(q, sizeof(q), "Signature", sig);
	snprintf(req, sizeof(req), "GET /?%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", q);

	runs = 0;
	assert_int_equal(http(port, req, resp, sizeof(resp)), 200);
	assert_int_equal(runs, 1);
	assert_false(last_caller.admin);
	assert_int_equal(last_caller.account.id, 1234567890);
	/* Replayed as is: refused. */
	assert_int_equal(http(port, req, resp, sizeof(resp)), 400);
	assert_non_null(strstr(body_of(resp), "\"Code\":\"SignatureNonceUsed\""));
	assert_int_equal(runs, 1);
}

static void test_body_too_large(void **state)
{
	char resp[4096], req[256];

	snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n");
	assert_int_equal(http(0, req, resp, sizeof(resp)), 413);
	assert_non_null(strstr(body_of(resp), "\"Code\":\"RequestBodyTooLarge\""));

	/* Chunked, no Content-Length: counted as it arrives. */
	int fd = connect_to(0);
	assert_true(fd >= 0);
	const char *head = "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
			   "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
	assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	char chunk[1100];
	memset(chunk, 'a', sizeof(chunk));
	memcpy(chunk, "400\r\n", 5);
	memcpy(chunk + 5 + 0x400, "\r\n", 2);
	for (int i = 0; i < 5; i++)
		assert_int_equal(write(fd, chunk, 5 + 0x400 + 2), 5 + 0x400 + 2);
	assert_int_equal(exchange(fd, "0\r\n\r\n", resp, sizeof(resp)), 413);
	close(fd);
}

/* Answered while stalled clients stay connected (exchange()'s 5 s bound
 * only catches a hang; nothing is timed). */
static void test_slow_client_does_not_block(void **state)
{
	char resp[4096];

	/* Several clients that send half a request and stall. */
	int slow[6];
	for (int i = 0; i < 6; i++) {
		slow[i] = connect_to(0);
		assert_true(slow[i] >= 0);
		assert_int_equal(write(slow[i], "GET /?Action=Desc", 17), 17);
	}
	int s = http(0, "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\nHost: x\r\n"
		     "Connection: close\r\n\r\n", resp, sizeof(resp));
	assert_int_equal(s, 200);
	for (int i = 0; i < 6; i++)
		close(slow[i]);
}

/* pop-core sends GET with every parameter in the URL: 100 permissions fit. */
static void test_large_query(void **state)
{
	size_t cap = 64 * 1024;
	char *req = malloc(cap), *resp = malloc(4096);
	size_t n = (size_t)snprintf(req, cap, "GET /?Action=DescribeSecurityGroups");

	for (int i = 1; i <= 100; i++)
		for (int f = 0; f < 6; f++)
			n += (size_t)snprintf(req + n, cap - n, "&Permissions.%d.Field%d=198.51.100.%d%%2F32", i, f, i);
	snprintf(req + n, cap - n, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_true(strlen(req) > 24000);
	runs = 0;
	assert_int_equal(http(0, req, resp, 4096), 200);
	assert_int_equal(runs, 1);
	free(req);
	free(resp);
}

static void test_socket_lifecycle(void **state)
{
	struct sg_api_config cfg = config();
	struct sg_api *b = NULL;

	/* A live socket is not taken over. */
	cfg.listen = NULL;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), -EADDRINUSE);

	/* A stale one (nobody listening) is replaced. */
	char stale[108];
	snprintf(stale, sizeof(stale), "/tmp/sgd-test-api-stale-%d.sock", (int)getpid());
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, stale);
	unlink(stale);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	cfg.socket_path = stale;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), 0);
	sg_api_stop(b);
	assert_int_equal(access(stale, F_OK), -1); /* removed on stop */

	/* A regular file in the way is not deleted. */
	FILE *f = fopen(stale, "w");
	fclose(f);
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), -EEXIST);
	unlink(stale);

	/* Bad listen address. */
	cfg.listen = "localhost";
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), -EINVAL);
	assert_int_equal(access(stale, F_OK), -1);

	/* IPv6 loopback. */
	cfg.listen = "[::1]:0";
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), 0);
	assert_true(sg_api_tcp_port(b) > 0);
	sg_api_stop(b);
}

/* ---- TLS files ---- */

static void write_key(const char *path, EVP_PKEY *k)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	chmod(path, 0600);
}

/* A self-signed certificate for 127.0.0.1 with key k. */
static void write_cert(const char *path, EVP_PKEY *k)
{
	X509 *x = X509_new();
	FILE *f = fopen(path, "w");
	assert_non_null(x);
	assert_non_null(f);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1, 0);
	X509_set_issuer_name(x, n);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* --listen serves HTTPS with a certificate and key, plain HTTP only when
 * asked; anything else, and files GnuTLS cannot use, refuse to start and
 * leave no socket behind. */
static void test_listen_tls_rules(void **state)
{
	char dir[] = "/tmp/sgd-test-tls-XXXXXX", cert[64], key[64], other[64], junk[64];
	char sock[108], resp[4096], req[256];
	struct sg_api *b = NULL;
	struct sg_api_config cfg = config();

	assert_non_null(mkdtemp(dir));
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	snprintf(junk, sizeof(junk), "%s/junk.pem", dir);
	snprintf(sock, sizeof(sock), "%s/sgd.sock", dir);
	EVP_PKEY *k = EVP_EC_gen("P-256"), *k2 = EVP_EC_gen("P-256");
	assert_non_null(k);
	assert_non_null(k2);
	write_key(key, k);
	write_key(other, k2);
	write_cert(cert, k);
	write_text(junk, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
	cfg.socket_path = sock;

	/* Neither TLS nor --plain-http. */
	cfg.plain_http = false;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), -EINVAL);
	assert_int_equal(access(sock, F_OK), -1);
	/* Half a TLS setup. */
	cfg.tls_cert = cert;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), -EINVAL);
	/* Files that are missing, not PEM, a key that is not one, a key that
	 * does not match the certificate, a certificate as the key. */
	char missing[80];
	snprintf(missing, sizeof(missing), "%s/missing.pem", dir);
	const struct { const char *cert, *key; int rc; } bad[] = {
		{ missing, key, -ENOENT }, { cert, missing, -ENOENT }, { key, key, -EINVAL },
		{ cert, cert, -EINVAL }, { cert, junk, -EINVAL }, { cert, other, -EINVAL },
		{ cert, "/dev/null", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.tls_cert = bad[i].cert;
		cfg.tls_key = bad[i].key;
		assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), bad[i].rc);
		assert_int_equal(access(sock, F_OK), -1);
	}

	/* A good pair: HTTPS.  Plain HTTP to it gets no HTTP answer and runs
	 * nothing; the Unix socket stays plain. */
	cfg.tls_cert = cert;
	cfg.tls_key = key;
	cfg.plain_http = true; /* ignored next to a certificate */
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), 0);
	unsigned port = sg_api_tcp_port(b);
	assert_true(port > 0);
	snprintf(req, sizeof(req), "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\n"
		 "Host: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);
	runs = 0;
	assert_int_equal(http(port, req, resp, sizeof(resp)), -1);
	assert_null(strstr(resp, "HTTP/1."));
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strcpy(sa.sun_path, sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(exchange(fd, "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\nHost: x\r\n"
				  "Connection: close\r\n\r\n", resp, sizeof(resp)), 200);
	close(fd);
	assert_int_equal(runs, 1);
	sg_api_stop(b);

	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
	unlink(cert);
	unlink(key);
	unlink(other);
	unlink(junk);
	rmdir(dir);
}

/* A TCP connection from `from` (network order), or -1. */
static int connect_from(unsigned port, uint32_t from)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = from };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The server closed fd (read gives EOF or an error) within `ms`. */
static bool closed_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[512];

	while (poll(&p, 1, ms) == 1) {
		ssize_t k = read(fd, buf, sizeof(buf));
		if (k <= 0)
			return true;
	}
	return false;
}

/* Sends a header line every quarter second (never letting the idle timeout
 * expire) until the server closes the connection; false if it never does
 * within the hang bound (240 lines, 60 s). */
static bool dribble_until_closed(int fd)
{
	for (int lines = 0; lines < 240; lines++) {
		char h[32];
		int n = snprintf(h, sizeof(h), "X-Dribble-%d: 1\r\n", lines);
		if (send(fd, h, (size_t)n, MSG_NOSIGNAL) != n || closed_within(fd, 250))
			return true;
	}
	return false;
}

/* conns_per_ip connections from one address: the next one from there is
 * closed at once, one from another address is served, and a slot freed is
 * a slot usable again.  (Bounds are hang bounds: nothing is timed.) */
static void test_per_ip_limit(void **state)
{
	char sock[108], resp[4096], req[256];
	struct sg_api *b = NULL;
	struct sg_api_config cfg = config();
	enum { LIMIT = 3 };
	int held[LIMIT];

	snprintf(sock, sizeof(sock), "/tmp/sgd-test-api-ip-%d.sock", (int)getpid());
	cfg.socket_path = sock;
	cfg.conns_per_ip = LIMIT;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), 0);
	unsigned port = sg_api_tcp_port(b);
	uint32_t one = htonl(INADDR_LOOPBACK), two = htonl(INADDR_LOOPBACK + 1);
	snprintf(req, sizeof(req), "GET /?Action=DescribeSecurityGroups&Version=2014-05-26 HTTP/1.1\r\n"
		 "Host: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);

	for (int i = 0; i < LIMIT; i++) {
		held[i] = connect_from(port, one);
		assert_true(held[i] >= 0);
		assert_int_equal(write(held[i], "GET /?Action=Desc", 17), 17);
	}
	/* One more from 127.0.0.1: closed without an answer. */
	int extra = connect_from(port, one);
	assert_true(extra >= 0);
	assert_true(closed_within(extra, 20000));
	close(extra);
	/* 127.0.0.2 is another address: answered (400: unsigned). */
	int fd = connect_from(port, two);
	assert_true(fd >= 0);
	assert_int_equal(exchange(fd, req, resp, sizeof(resp)), 400);
	close(fd);
	/* The held ones are still there (the limit closed only the extra one). */
	for (int i = 0; i < LIMIT; i++)
		assert_false(closed_within(held[i], 0));
	/* A slot freed is usable again, once the server has seen the close. */
	close(held[0]);
	int st = -1;
	for (int tries = 0; tries < 200 && st != 400; tries++) {
		fd = connect_from(port, one);
		assert_true(fd >= 0);
		st = exchange(fd, req, resp, sizeof(resp));
		close(fd);
		if (st != 400)
			usleep(100 * 1000);
	}
	assert_int_equal(st, 400);
	for (int i = 1; i < LIMIT; i++)
		close(held[i]);
	sg_api_stop(b);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A client that sends a header line every quarter second never lets the
 * idle timeout expire, but its request is not in by the deadline (the
 * same timeout_s): the server closes it.  A request that is running
 * (a mutation waiting for the writers' lock far past the deadline) is not
 * closed: it is answered once the lock is free. */
static void test_request_deadline(void **state)
{
	char sock[108], resp[4096];
	struct sg_api *b = NULL;
	struct sg_api_config cfg = config();
	enum { TIMEOUT_S = 3 };

	snprintf(sock, sizeof(sock), "/tmp/sgd-test-api-dl-%d.sock", (int)getpid());
	cfg.socket_path = sock;
	cfg.listen = NULL;
	cfg.timeout_s = TIMEOUT_S;
	assert_int_equal(sg_api_start_with(&cfg, NULL, &lock, &fake_ops, &b), 0);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = connect_unix(sock);
	assert_true(fd >= 0);
	const char *line = "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\n";
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	assert_true(dribble_until_closed(fd));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	/* Closed by the deadline, not at once: a lower bound only, which a
	 * slow machine can only make larger. */
	long open_ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
	assert_true(open_ms >= TIMEOUT_S * 1000L - 100);

	/* A mutation held (the test holds the writers' lock) for twice the
	 * deadline is still answered. */
	pthread_mutex_lock(&lock);
	runs = 0;
	fd = connect_unix(sock);
	assert_true(fd >= 0);
	const char *mut = "GET /?Action=DescribeSecurityGroups HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(write(fd, mut, strlen(mut)), (ssize_t)strlen(mut));
	/* Wait for the reaper's own event, not for the clock: a dribbler that
	 * connected after the mutation is closed by its deadline, so the
	 * mutation's connection has been swept past its deadline too. */
	int late = connect_unix(sock);
	assert_true(late >= 0);
	assert_int_equal(write(late, line, strlen(line)), (ssize_t)strlen(line));
	assert_true(dribble_until_closed(late));
	close(late);
	assert_int_equal(runs, 0);
	pthread_mutex_unlock(&lock);
	assert_int_equal(exchange(fd, "", resp, sizeof(resp)), 200);
	close(fd);
	assert_int_equal(runs, 1);
	sg_api_stop(b);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* a write to a connection the server closed: EPIPE */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unix_admin),
		cmocka_unit_test(test_read_while_write_held),
		cmocka_unit_test(test_unix_not_admin),
		cmocka_unit_test(test_tcp_requires_signature),
		cmocka_unit_test(test_tcp_v1_signed),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_slow_client_does_not_block),
		cmocka_unit_test(test_large_query),
		cmocka_unit_test(test_socket_lifecycle),
		cmocka_unit_test(test_listen_tls_rules),
		cmocka_unit_test(test_per_ip_limit),
		cmocka_unit_test(test_request_deadline),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
