/* server.c - libmicrohttpd daemons: one on the Unix socket (always), one on
 * TCP (when configured).  Each runs an epoll thread pool so a slow client
 * never holds up another; this file only collects the request (raw URI,
 * headers, bounded body, peer credentials) and hands it to sg_api_handle(). */
#include <errno.h>
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

struct listener {
	struct sg_api *api;
	bool is_unix;
	struct MHD_Daemon *d;
};

struct sg_api {
	struct sg_api_ctx ctx;
	struct sg_writer *writer;   /* runs mutations; see writer.c */
	struct listener ux, tcp;
	char *socket_path;
	size_t max_body;
	unsigned tcp_port;
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

static enum MHD_Result send_resp(struct MHD_Connection *con, struct sg_http_resp *o)
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
	return rc;
}

static enum MHD_Result send_too_big(struct MHD_Connection *con, size_t max)
{
	struct sg_reply r;
	struct sg_http_resp o = { 0 };
	char rid[37];
	enum MHD_Result rc = MHD_NO;

	sg_reply_init(&r);
	sg_fail(&r, 413, "RequestBodyTooLarge", "The request body is larger than %zu bytes.", max);
	sg_request_id(rid);
	if (sg_render(&r, NULL, false, rid, SG_DEFAULT_HOST_ID, &o) == 0)
		rc = send_resp(con, &o);
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
		rc = send_resp(con, &o);
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
		return c->answered && !c->render_failed ? send_resp(con, &c->resp) : MHD_NO;
	if (!c->started) {
		c->started = true;
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > max)
			return send_too_big(con, max);
		return MHD_YES;
	}
	if (*upload_data_size) {
		body_add(c, upload_data, *upload_data_size, max);
		*upload_data_size = 0;
		return c->discarded > 4 * max ? MHD_NO : MHD_YES;
	}
	if (c->too_big)
		return send_too_big(con, max);
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

static int start_daemon(struct listener *l, int fd, unsigned timeout_s)
{
	l->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
				on_request, l,
				MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)POOL_THREADS,
				MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, l,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, l,
				MHD_OPTION_END);
	if (!l->d) {
		close(fd);
		return -EIO;
	}
	return 0;
}

void sg_api_stop(struct sg_api *a)
{
	if (!a)
		return;
	/* The writer first: it answers what it has queued and resumes those
	 * connections; calls that come after run on the pool threads. */
	sg_writer_stop(a->writer);
	a->writer = NULL;
	if (a->tcp.d)
		MHD_stop_daemon(a->tcp.d); /* closes the listening socket too */
	if (a->ux.d)
		MHD_stop_daemon(a->ux.d);
	if (a->socket_path && a->ux.d)
		unlink(a->socket_path);
	sg_nonce_free(a->ctx.nonces);
	free(a->socket_path);
	free(a);
}

int sg_api_start_with(const struct sg_api_config *cfg, struct sg_env *env, pthread_mutex_t *lock,
		      const struct sg_api_ops *ops, struct sg_api **out)
{
	struct sg_api *a = calloc(1, sizeof(*a));
	unsigned timeout = cfg->timeout_s ? cfg->timeout_s : DEFAULT_TIMEOUT;
	int fd, rc;

	if (!a)
		return -ENOMEM;
	if (!cfg->socket_path) {
		rc = -EINVAL;
		goto fail;
	}
	a->ctx = (struct sg_api_ctx){
		.env = env, .lock = lock, .creds = cfg->creds, .admin_gid = cfg->admin_gid,
		.admin_account = cfg->admin_account, .run = ops->run, .known = ops->known,
		.read = ops->read, .read_only = ops->read_only,
	};
	a->ctx.nonces = sg_nonce_new(SG_NONCE_CAP, SG_NONCE_WINDOW_S);
	a->max_body = cfg->max_body ? cfg->max_body : DEFAULT_BODY;
	a->ux = (struct listener){ .api = a, .is_unix = true };
	a->tcp = (struct listener){ .api = a, .is_unix = false };
	a->socket_path = strdup(cfg->socket_path);
	if (!a->ctx.nonces || !a->socket_path) {
		rc = -ENOMEM;
		goto fail;
	}
	if ((rc = sg_writer_start(&a->ctx, &a->writer)))
		goto fail;
	rc = unix_listen(cfg->socket_path, cfg->admin_gid, &fd);
	if (rc)
		goto fail;
	rc = start_daemon(&a->ux, fd, timeout);
	if (rc) {
		unlink(cfg->socket_path);
		goto fail;
	}
	if (cfg->listen) {
		rc = tcp_listen(cfg->listen, &fd, &a->tcp_port);
		if (rc)
			goto fail;
		rc = start_daemon(&a->tcp, fd, timeout);
		if (rc)
			goto fail;
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
