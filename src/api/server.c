/* server.c - libmicrohttpd daemons: one on the Unix socket (always, plain
 * HTTP: it never leaves the host), one on TCP (when configured: HTTPS, or
 * plain HTTP only when asked for).  Each runs an epoll thread pool so a slow
 * client never holds up another; this file only collects the request (raw
 * URI, headers, bounded body, peer credentials) and hands it to
 * sg_api_handle().
 *
 * Slow clients.  libmicrohttpd's timeout is an idle timeout, which a client
 * sending a byte now and then renews for ever, so that a few hundred of them
 * used to fill the listener.  Two limits stop that:
 *  - on TCP one address holds at most conns_per_ip connections;
 *  - every connection has a deadline: a request (the TLS handshake or the
 *    keep-alive wait before it, its headers and its body) must be in within
 *    timeout_s, and an answer must be taken within timeout_s.  The reaper
 *    thread shuts down connections past their deadline; libmicrohttpd sees
 *    the end of the stream and closes them.  While a request runs (a
 *    mutation waiting for the writer thread, say) there is no deadline. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api_internal.h"

#define CONN_LIMIT      1024 /* per listener; main() raises RLIMIT_NOFILE to fit */
#define CONN_MEMORY     (128 * 1024) /* headers + MHD buffers per connection: SDKs put
					 * up to 100 permissions in the query string */
#define POOL_THREADS    2
#define DEFAULT_BODY    (1024 * 1024)
#define DEFAULT_TIMEOUT 30
#define DEFAULT_PER_IP  64
#define REAP_TICK_S     1    /* how often the reaper looks at the deadlines */
#define REAP_LOG_S      60   /* at most one line a minute about closed connections */
#define PEM_MAX         (1024 * 1024)
/* TLS 1.2 and 1.3 only, GnuTLS's usual ciphers for them. */
#define TLS_PRIORITIES  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* One accepted connection, from libmicrohttpd's NOTIFY_STARTED to its
 * NOTIFY_CLOSED.  libmicrohttpd closes the socket only after NOTIFY_CLOSED
 * returned, so while a track is on its listener's list (under mu) fd is
 * still that connection's socket and never a reused number. */
struct track {
	struct track *prev, *next;
	int fd;
	int64_t deadline;   /* CLOCK_MONOTONIC ms; 0: a request is being run */
	bool reaped;
};

struct listener {
	struct sg_api *api;
	bool is_unix;
	const char *name;           /* in messages: the socket path or ADDR:PORT */
	struct MHD_Daemon *d;
	bool starting;              /* libmicrohttpd's messages go to stderr (atomic) */
	pthread_mutex_t mu;         /* tracks, reaped, reap_logged */
	struct track *tracks;
	unsigned long reaped;       /* closed at their deadline, not yet logged */
	int64_t reap_logged;
	char *cert, *key;           /* PEM text for HTTPS, kept while the daemon runs */
	size_t key_len;
};

struct sg_api {
	struct sg_api_ctx ctx;
	struct sg_writer *writer;   /* runs mutations; see writer.c */
	struct listener ux, tcp;
	char *socket_path;
	char *listen;
	size_t max_body;
	unsigned tcp_port;
	int64_t deadline_ms;        /* timeout_s: for a request to come in, an answer to go out */
	/* The reaper thread: shuts down connections past their deadline. */
	pthread_t reaper;
	bool reaper_running, stopping;
	pthread_mutex_t rmu;
	pthread_cond_t rcv;
};

/* Per-request state: MHD hands the raw request-target only to the URI log
 * callback, and we need it undecoded (strict decoding, V3 canonical URI). */
struct conn {
	char *uri;
	char *body;
	size_t len, cap;
	size_t discarded;
	bool started, too_big;
	/* A mutation handed to the writer thread: the connection is suspended
	 * until the answer is in resp. */
	struct MHD_Connection *con;
	struct sg_api_call call;
	struct sg_writer_job job;
	struct sg_http_resp resp;
	bool queued, answered, render_failed;
};

struct hdr_vec {
	struct sg_hdr *v;
	size_t n, cap;
	bool oom;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* NOTIFY_CONNECTION: every connection is on its listener's list, with a
 * deadline for its first request. */
static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct listener *l = cls;
	struct track *t = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		t = ci ? calloc(1, sizeof(*t)) : NULL;
		*socket_context = t;
		if (!t)
			return; /* out of memory: only the idle timeout bounds this one */
		t->fd = ci->connect_fd;
		t->deadline = now_ms() + l->api->deadline_ms;
		pthread_mutex_lock(&l->mu);
		t->next = l->tracks;
		if (t->next)
			t->next->prev = t;
		l->tracks = t;
		pthread_mutex_unlock(&l->mu);
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&l->mu);
	if (t->prev)
		t->prev->next = t->next;
	else
		l->tracks = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&l->mu);
	free(t);
	*socket_context = NULL;
}

/* armed: the connection has timeout_s from now to bring its next request in
 * (or to take its answer); not armed: a request runs, no deadline. */
static void set_deadline(struct listener *l, struct MHD_Connection *con, bool armed)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct track *t = ci ? ci->socket_context : NULL;

	if (!t)
		return;
	pthread_mutex_lock(&l->mu);
	t->deadline = armed ? now_ms() + l->api->deadline_ms : 0;
	pthread_mutex_unlock(&l->mu);
}

/* Shut down the connections of l past their deadline. */
static void reap(struct listener *l, int64_t now)
{
	unsigned long n = 0;
	bool say;

	pthread_mutex_lock(&l->mu);
	for (struct track *t = l->tracks; t; t = t->next) {
		if (t->reaped || !t->deadline || now < t->deadline)
			continue;
		/* The pool thread that owns the socket reads its end and
		 * closes the connection (NOTIFY_CLOSED then unlinks t). */
		shutdown(t->fd, SHUT_RDWR);
		t->reaped = true;
		n++;
	}
	l->reaped += n;
	say = l->reaped && now - l->reap_logged >= REAP_LOG_S * 1000;
	if (say) {
		n = l->reaped;
		l->reaped = 0;
		l->reap_logged = now;
	}
	pthread_mutex_unlock(&l->mu);
	if (say)
		fprintf(stderr, "sgd: %s: closed %lu connection(s) that took more than %u s to send "
			"a request or to take an answer\n", l->name, n,
			(unsigned)(l->api->deadline_ms / 1000));
}

static void *reaper_main(void *arg)
{
	struct sg_api *a = arg;
	struct timespec ts;

	pthread_mutex_lock(&a->rmu);
	while (!a->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += REAP_TICK_S;
		pthread_cond_timedwait(&a->rcv, &a->rmu, &ts);
		if (a->stopping)
			break;
		pthread_mutex_unlock(&a->rmu);
		int64_t now = now_ms();
		reap(&a->ux, now);
		reap(&a->tcp, now);
		pthread_mutex_lock(&a->rmu);
	}
	pthread_mutex_unlock(&a->rmu);
	return NULL;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (c)
		c->uri = strdup(uri ? uri : "");
	return c;
}

static void on_done(void *cls, struct MHD_Connection *con, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;

	set_deadline(cls, con, true); /* for the next request on this connection */
	if (!c)
		return;
	free(c->uri);
	free(c->body);
	sg_http_resp_free(&c->resp);
	free(c);
	*con_cls = NULL;
}

static enum MHD_Result collect_hdr(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct hdr_vec *h = cls;

	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 32;
		struct sg_hdr *t = realloc(h->v, cap * sizeof(*t));
		if (!t) {
			h->oom = true;
			return MHD_NO;
		}
		h->v = t;
		h->cap = cap;
	}
	h->v[h->n].name = key;
	h->v[h->n].value = value ? value : "";
	h->n++;
	return MHD_YES;
}

static enum MHD_Result send_resp(struct listener *l, struct MHD_Connection *con,
				  struct sg_http_resp *o)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(o->len, o->body, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		return MHD_NO;
	o->body = NULL; /* MHD owns it now */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, o->content_type);
	MHD_add_response_header(resp, "x-acs-request-id", o->request_id);
	enum MHD_Result rc = MHD_queue_response(con, (unsigned)o->status, resp);
	MHD_destroy_response(resp);
	set_deadline(l, con, true); /* for the client to take it */
	return rc;
}

static enum MHD_Result send_too_big(struct listener *l, struct MHD_Connection *con, size_t max)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };
	char rid[37];
	enum MHD_Result rc = MHD_NO;

	sg_reply_init(&r);
	sg_fail(&r, 413, "RequestBodyTooLarge", "The request body is larger than %zu bytes.", max);
	sg_request_id(rid);
	if (sg_render(&r, NULL, false, rid, SG_DEFAULT_HOST_ID, &o) == 0)
		rc = send_resp(l, con, &o);
	sg_http_resp_free(&o);
	sg_reply_free(&r);
	return rc;
}

static void body_add(struct conn *c, const char *data, size_t n, size_t max)
{
	if (c->too_big || n > max - c->len) {
		/* Keep reading so the 413 reaches the client, but not forever. */
		c->too_big = true;
		c->discarded += n;
		return;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + n)
			cap *= 2;
		char *t = realloc(c->body, cap);
		if (!t) {
			c->too_big = true;
			return;
		}
		c->body = t;
		c->cap = cap;
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
}

/* Writer thread (or, when it is stopping, the pool thread): the answer is
 * ready, let MHD call on_request again to send it. */
static void job_done(struct sg_writer_job *j)
{
	struct conn *c = (struct conn *)((char *)j - offsetof(struct conn, job));
	c->render_failed = sg_api_call_end(&c->call, &c->resp) != 0;
	c->answered = true;
	MHD_resume_connection(c->con);
}

static enum MHD_Result run_request(struct listener *l, struct MHD_Connection *con,
				   struct conn *c, const char *method)
{
	struct hdr_vec h = { 0 };
	struct sg_peer peer = { .is_unix = l->is_unix };
	struct sg_http_resp o = { 0 };
	enum MHD_Result rc = MHD_NO;

	MHD_get_connection_values(con, MHD_HEADER_KIND, collect_hdr, &h);
	if (h.oom)
		goto out;
	if (l->is_unix) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci)
			sg_peer_cred(ci->connect_fd, &peer); /* no creds: not admin, 403 */
	}
	struct sg_http_req rq = {
		.method = method, .uri = c->uri, .hdrs = h.v, .nhdrs = h.n,
		.body = c->body, .body_len = c->len,
	};
	const struct sg_api_ctx *ctx = &l->api->ctx;
	sg_api_call_begin(ctx, &rq, &peer, time(NULL), &c->call);
	if (c->call.action && c->call.write && l->api->writer) {
		/* Suspend first: the writer may resume it any moment after. */
		c->con = con;
		c->job = (struct sg_writer_job){ .call = &c->call, .done = job_done };
		c->queued = true;
		MHD_suspend_connection(con);
		if (!sg_writer_queue(l->api->writer, &c->job)) {
			sg_api_call_run(ctx, &c->call); /* stopping: run it here */
			job_done(&c->job);
		}
		rc = MHD_YES;
		goto out;
	}
	sg_api_call_run(ctx, &c->call);
	if (sg_api_call_end(&c->call, &o) == 0)
		rc = send_resp(l, con, &o);
out:
	sg_http_resp_free(&o);
	free(h.v);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct listener *l = cls;
	struct conn *c = *con_cls;
	size_t max = l->api->max_body;

	if (!c || !c->uri)
		return MHD_NO; /* out of memory in on_uri: drop the connection */
	if (c->queued) /* resumed by job_done: the writer thread's answer */
		return c->answered && !c->render_failed ? send_resp(l, con, &c->resp) : MHD_NO;
	if (!c->started) {
		c->started = true;
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > max)
			return send_too_big(l, con, max);
		return MHD_YES;
	}
	if (*upload_data_size) {
		body_add(c, upload_data, *upload_data_size, max);
		*upload_data_size = 0;
		return c->discarded > 4 * max ? MHD_NO : MHD_YES;
	}
	/* The whole request is in: no deadline while it runs. */
	set_deadline(l, con, false);
	if (c->too_big)
		return send_too_big(l, con, max);
	return run_request(l, con, c, method);
}

/* A socket file left by a dead sgd is removed; a live one (someone accepts
 * on it) or a non-socket file is not ours to delete. */
static int remove_stale(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	if (live)
		return -EADDRINUSE;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

static int unix_listen(const char *path, gid_t admin_gid, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = -1, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	rc = remove_stale(path, &sa);
	if (rc)
		return rc;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	/* Anyone who may connect is checked by SO_PEERCRED anyway; the mode
	 * keeps the rest from even trying. */
	if (chmod(path, 0660) < 0) {
		rc = -errno;
		goto out;
	}
	if (geteuid() == 0) {
		if (chown(path, 0, admin_gid == (gid_t)-1 ? 0 : admin_gid) < 0) {
			rc = -errno;
			goto out;
		}
	} else if (admin_gid != (gid_t)-1 && chown(path, (uid_t)-1, admin_gid) < 0) {
		fprintf(stderr, "sgd: cannot give %s to group %u: %s\n", path, (unsigned)admin_gid,
			strerror(errno));
	}
	if (listen(fd, 128) < 0) {
		rc = -errno;
		goto out;
	}
	*out = fd;
	return 0;
out:
	close(fd);
	unlink(path);
	return rc;
}

/* "127.0.0.1:8780" or "[::1]:8780". */
static int split_hostport(const char *s, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon;
	size_t hl;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		hl = (size_t)(end - s - 1);
		s++;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hlen || strlen(colon + 1) == 0 || strlen(colon + 1) >= plen)
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	snprintf(port, plen, "%s", colon + 1);
	return 0;
}

static int tcp_listen(const char *spec, int *out, unsigned *port_out)
{
	char host[INET6_ADDRSTRLEN + 1], port[8];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = -1, rc, one = 1;

	if (split_hostport(spec, host, sizeof(host), port, sizeof(port)))
		return -EINVAL;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		rc = -errno;
		goto out;
	}
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						    : ((struct sockaddr_in *)&ss)->sin_port);
	*out = fd;
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

/* libmicrohttpd's own messages (why a daemon did not start: a certificate
 * GnuTLS cannot use, ...) go to stderr while the daemon starts.  Afterwards
 * they would be one line per misbehaving client: dropped. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct listener *l = cls;
	char msg[512];
	size_t n;

	if (!__atomic_load_n(&l->starting, __ATOMIC_RELAXED))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	fprintf(stderr, "sgd: %s: libmicrohttpd: %s\n", l->name, msg);
}

/* A whole PEM file, NUL-terminated, into *out (malloc'd).  0, or -errno
 * with the reason on stderr. */
static int read_pem(const char *opt, const char *path, bool is_key, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int rc = 0, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		fprintf(stderr, "sgd: %s %s: %s\n", opt, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > PEM_MAX) {
		fprintf(stderr, "sgd: %s %s: not a PEM file (%s)\n", opt, path,
			!S_ISREG(st.st_mode) ? "not a regular file" :
			st.st_size ? "larger than 1 MiB" : "empty");
		rc = -EINVAL;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (n < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = -errno;
			fprintf(stderr, "sgd: %s %s: %s\n", opt, path, strerror(errno));
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		fprintf(stderr, "sgd: %s %s: not a PEM file (binary data; DER is not read)\n", opt, path);
		rc = -EINVAL;
	} else if (!is_key && !strstr(buf, "-----BEGIN CERTIFICATE-----")) {
		fprintf(stderr, "sgd: %s %s: no PEM certificate (-----BEGIN CERTIFICATE-----) in it\n",
			opt, path);
		rc = -EINVAL;
	} else if (is_key && (strstr(buf, "ENCRYPTED PRIVATE KEY-----") ||
			      strstr(buf, "Proc-Type: 4,ENCRYPTED"))) {
		fprintf(stderr, "sgd: %s %s: the key is encrypted; sgd needs it unencrypted "
			"(in a file only root can read)\n", opt, path);
		rc = -EINVAL;
	} else if (is_key && !(strstr(buf, "-----BEGIN ") && strstr(buf, "PRIVATE KEY-----"))) {
		fprintf(stderr, "sgd: %s %s: no PEM private key (-----BEGIN PRIVATE KEY-----) in it\n",
			opt, path);
		rc = -EINVAL;
	} else if (is_key && (st.st_mode & S_IROTH)) {
		fprintf(stderr, "sgd: warning: %s %s is readable by everyone (chmod 0600)\n", opt, path);
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc && buf) {
		explicit_bzero(buf, n);
		free(buf);
		buf = NULL;
	}
	*out = buf;
	*len = n;
	return rc;
}

static int start_daemon(struct listener *l, int fd, unsigned timeout_s, unsigned per_ip)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem more[5];
	size_t n = 0;
	struct stat ours, theirs;
	int mfd;

	if (per_ip)
		more[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, NULL };
	if (l->cert) {
		flags |= MHD_USE_TLS;
		more[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, l->cert };
		more[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, l->key };
		more[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES };
	}
	more[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* libmicrohttpd closes the socket it was given when some start-up steps
	 * fail and not when others do: it gets a duplicate, closed below only
	 * while it still is one of ours. */
	mfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (mfd < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	__atomic_store_n(&l->starting, true, __ATOMIC_RELAXED);
	l->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, l,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, l,
				MHD_OPTION_LISTEN_SOCKET, mfd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)POOL_THREADS,
				MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, l,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, l,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, l,
				MHD_OPTION_ARRAY, more,
				MHD_OPTION_END);
	__atomic_store_n(&l->starting, false, __ATOMIC_RELAXED);
	if (!l->d && fstat(fd, &ours) == 0 && fstat(mfd, &theirs) == 0 &&
	    ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino)
		close(mfd);
	close(fd);
	return l->d ? 0 : -EIO;
}

/* What --listen serves: 1 HTTPS, 0 plain HTTP, -EINVAL (said on stderr). */
static int tcp_mode(const struct sg_api_config *cfg)
{
	bool cert = cfg->tls_cert && *cfg->tls_cert, key = cfg->tls_key && *cfg->tls_key;

	if (!cfg->listen) {
		if (cert || key)
			fprintf(stderr, "sgd: --tls-cert/--tls-key without --listen: nothing to serve "
				"over TLS, ignored\n");
		return 0;
	}
	if (cert != key) {
		fprintf(stderr, "sgd: --listen %s: --tls-cert and --tls-key go together\n", cfg->listen);
		return -EINVAL;
	}
	if (cert) {
		if (cfg->plain_http)
			fprintf(stderr, "sgd: --listen %s: HTTPS with --tls-cert and --tls-key; "
				"--plain-http is ignored\n", cfg->listen);
		return 1;
	}
	if (cfg->plain_http)
		return 0;
	fprintf(stderr, "sgd: --listen needs --tls-cert and --tls-key, or --plain-http\n");
	return -EINVAL;
}

static void listener_free(struct listener *l)
{
	while (l->tracks) { /* none left once the daemon stopped */
		struct track *t = l->tracks;
		l->tracks = t->next;
		free(t);
	}
	pthread_mutex_destroy(&l->mu);
	free(l->cert);
	if (l->key) {
		explicit_bzero(l->key, l->key_len);
		free(l->key);
	}
}

void sg_api_stop(struct sg_api *a)
{
	if (!a)
		return;
	/* The writer first: it answers what it has queued and resumes those
	 * connections; calls that come after run on the pool threads. */
	sg_writer_stop(a->writer);
	a->writer = NULL;
	if (a->reaper_running) {
		pthread_mutex_lock(&a->rmu);
		a->stopping = true;
		pthread_cond_signal(&a->rcv);
		pthread_mutex_unlock(&a->rmu);
		pthread_join(a->reaper, NULL);
	}
	if (a->tcp.d)
		MHD_stop_daemon(a->tcp.d); /* closes the listening socket too */
	if (a->ux.d)
		MHD_stop_daemon(a->ux.d);
	if (a->socket_path && a->ux.d)
		unlink(a->socket_path);
	listener_free(&a->tcp);
	listener_free(&a->ux);
	pthread_cond_destroy(&a->rcv);
	pthread_mutex_destroy(&a->rmu);
	sg_nonce_free(a->ctx.nonces);
	free(a->socket_path);
	free(a->listen);
	free(a);
}

int sg_api_start_with(const struct sg_api_config *cfg, struct sg_env *env, pthread_mutex_t *lock,
		      const struct sg_api_ops *ops, struct sg_api **out)
{
	struct sg_api *a = calloc(1, sizeof(*a));
	unsigned timeout = cfg->timeout_s ? cfg->timeout_s : DEFAULT_TIMEOUT;
	unsigned per_ip = cfg->conns_per_ip ? cfg->conns_per_ip : DEFAULT_PER_IP;
	pthread_condattr_t ca;
	size_t cert_len;
	int fd = -1, rc, tls;

	if (!a)
		return -ENOMEM;
	a->ux = (struct listener){ .api = a, .is_unix = true };
	a->tcp = (struct listener){ .api = a, .is_unix = false };
	pthread_mutex_init(&a->ux.mu, NULL);
	pthread_mutex_init(&a->tcp.mu, NULL);
	pthread_mutex_init(&a->rmu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->rcv, &ca);
	pthread_condattr_destroy(&ca);
	if (!cfg->socket_path) {
		rc = -EINVAL;
		goto fail;
	}
	/* Refuse a bad TLS setup before anything listens. */
	if ((tls = tcp_mode(cfg)) < 0) {
		rc = tls;
		goto fail;
	}
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "sgd: --listen %s: this libmicrohttpd (%s) was built without TLS: "
			"cannot serve HTTPS\n", cfg->listen, MHD_get_version());
		rc = -ENOTSUP;
		goto fail;
	}
	if (tls && ((rc = read_pem("--tls-cert", cfg->tls_cert, false, &a->tcp.cert, &cert_len)) ||
		    (rc = read_pem("--tls-key", cfg->tls_key, true, &a->tcp.key, &a->tcp.key_len))))
		goto fail;
	a->ctx = (struct sg_api_ctx){
		.env = env, .lock = lock, .creds = cfg->creds, .admin_gid = cfg->admin_gid,
		.admin_account = cfg->admin_account, .run = ops->run, .known = ops->known,
		.read = ops->read, .read_only = ops->read_only,
	};
	/* Nonces outlive a restart: a captured request must not replay after one. */
	char journal[4096];
	if (cfg->state_dir)
		snprintf(journal, sizeof(journal), "%s/nonces", cfg->state_dir);
	a->ctx.nonces = sg_nonce_new(SG_NONCE_PER_KEY, SG_NONCE_WINDOW_S,
				     cfg->state_dir ? journal : NULL, time(NULL));
	a->max_body = cfg->max_body ? cfg->max_body : DEFAULT_BODY;
	a->deadline_ms = (int64_t)timeout * 1000;
	a->socket_path = strdup(cfg->socket_path);
	a->listen = cfg->listen ? strdup(cfg->listen) : NULL;
	if (!a->ctx.nonces || !a->socket_path || (cfg->listen && !a->listen)) {
		rc = -ENOMEM;
		goto fail;
	}
	a->ux.name = a->socket_path;
	a->tcp.name = a->listen;
	if ((rc = sg_writer_start(&a->ctx, &a->writer)))
		goto fail;
	if ((rc = -pthread_create(&a->reaper, NULL, reaper_main, a)))
		goto fail;
	a->reaper_running = true;
	rc = unix_listen(cfg->socket_path, cfg->admin_gid, &fd);
	if (rc)
		goto fail;
	rc = start_daemon(&a->ux, fd, timeout, 0);
	if (rc) {
		unlink(cfg->socket_path);
		goto fail;
	}
	if (cfg->listen) {
		rc = tcp_listen(cfg->listen, &fd, &a->tcp_port);
		if (rc)
			goto fail;
		rc = start_daemon(&a->tcp, fd, timeout, per_ip);
		if (rc && tls) {
			fprintf(stderr, "sgd: --listen %s: cannot serve HTTPS with --tls-cert %s and "
				"--tls-key %s (libmicrohttpd said why, above)\n", cfg->listen,
				cfg->tls_cert, cfg->tls_key);
			rc = -EINVAL;
		}
		if (rc)
			goto fail;
		if (tls)
			fprintf(stderr, "sgd: %s: HTTPS (TLS 1.2 and 1.3), certificate %s\n",
				cfg->listen, cfg->tls_cert);
		else
			fprintf(stderr, "sgd: warning: %s serves plain HTTP (--plain-http): signed "
				"requests and their answers travel in clear; keep it on the loopback\n",
				cfg->listen);
	}
	*out = a;
	return 0;
fail:
	sg_api_stop(a);
	return rc;
}

int sg_api_start(const struct sg_api_config *cfg, struct sg_env *env, pthread_mutex_t *lock,
		 struct sg_api **out)
{
	static const struct sg_api_ops ops = {
		.run = sg_action_run, .known = sg_action_known,
		.read = sg_action_read, .read_only = sg_action_read_only,
	};
	return sg_api_start_with(cfg, env, lock, &ops, out);
}

unsigned sg_api_tcp_port(const struct sg_api *a)
{
	return a->tcp.d ? a->tcp_port : 0;
}
