/* api_internal.h - the pieces of the HTTP front, transport-free so that unit
 * tests and fuzzers drive them without sockets.  server.c only moves bytes
 * between libmicrohttpd and sg_api_handle(). */
#ifndef SGD_API_INTERNAL_H
#define SGD_API_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "sgd/action.h"
#include "sgd/api.h"

#define SG_API_VERSION      "2014-05-26"
#define SG_CLOCK_SKEW_S     900   /* Alibaba: 15 minutes either way */
#define SG_NONCE_WINDOW_S   900
#define SG_NONCE_PER_KEY    20000 /* live nonces one AccessKey may have */
#define SG_MAX_PARAMS       4096  /* 100 permissions x ~15 fields fit easily */
#define SG_DEFAULT_HOST_ID  "ecs.aliyuncs.com"

/* ---- one HTTP request, as the transport saw it ---- */
struct sg_hdr {
	const char *name;   /* as sent; compared case-insensitively */
	const char *value;
};

struct sg_http_req {
	const char *method;
	const char *uri;            /* raw request-target: "/?Action=...", undecoded */
	const struct sg_hdr *hdrs;
	size_t nhdrs;
	const char *body;
	size_t body_len;
};

/* First value of header `name`, NULL if absent. */
const char *sg_hdr_get(const struct sg_http_req *rq, const char *name);

/* ---- percent-encoding (pct.c) ---- */
/* Decode n bytes of a urlencoded component; plus_space turns '+' into ' '.
 * -EINVAL: bad %XX; -EILSEQ: not UTF-8 or a control character.  *out is
 * malloc'd and NUL-terminated. */
int sg_pct_decode(const char *s, size_t n, bool plus_space, char **out);
/* Alibaba's percentEncode: RFC 3986 unreserved kept (A-Z a-z 0-9 - _ . ~),
 * everything else %XX upper-case (so ' ' -> %20, '*' -> %2A).  malloc'd. */
char *sg_pct_encode(const char *s);
bool sg_utf8_clean(const char *s, size_t n); /* valid UTF-8, no C0/DEL */

/* ---- growable string (sbuf.c) ---- */
/* s is NUL-terminated once anything was added; after a failed allocation oom
 * is set and appends do nothing.  The owner frees s. */
struct sg_sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};
void sg_sbuf_addn(struct sg_sbuf *b, const char *s, size_t l);
void sg_sbuf_add(struct sg_sbuf *b, const char *s);
void sg_sbuf_add_pct(struct sg_sbuf *b, const char *s);   /* sg_pct_encode(s) */
/* "k1=v1&k2=v2...": keys sorted, keys and values percent-encoded, the key
 * `skip` (NULL: none) left out.  The canonical query of V1 and V3. */
void sg_sbuf_add_sorted_params(struct sg_sbuf *b, const struct sg_params *p, const char *skip);

/* ---- request parsing (request.c) ---- */
struct sg_api_req {
	struct sg_params query;     /* from the query string only (V3 signs it) */
	struct sg_params all;       /* query, then body over it: what actions see */
	char *path;                 /* decoded path, "/" */
	const char *action;         /* points into all or a header; NULL if none */
	const char *version;        /* likewise */
	bool xml;                   /* Format=XML */
};

void sg_api_req_init(struct sg_api_req *q);
void sg_api_req_free(struct sg_api_req *q);
/* Parse urlencoded pairs into p (last value of a key wins).  0 or fills r. */
int sg_form_parse(const char *s, size_t n, struct sg_params *p, struct sg_reply *r);
/* Method, path, query, form body, Action, Version, Format.  0 or fills r
 * (q->xml is set as early as possible so errors come in the asked format). */
int sg_api_req_parse(const struct sg_http_req *rq, struct sg_api_req *q, struct sg_reply *r);

/* ---- replay protection (nonce.c) ---- */
struct sg_nonce_cache;
/* per_key: live nonces one AccessKey may have.  journal: file that keeps
 * them across restarts (read back now), NULL for memory only. */
struct sg_nonce_cache *sg_nonce_new(size_t per_key, unsigned window_s, const char *journal, time_t now);
void sg_nonce_free(struct sg_nonce_cache *c);
/* 0: first sighting, remembered until max(signed_at, now) + window, where
 * signed_at is the request's timestamp.  -EEXIST: seen and still live.
 * -ENOSPC: this AccessKey's budget of live nonces is full.  -ENOMEM. */
int sg_nonce_check(struct sg_nonce_cache *c, const char *key_id, const char *nonce, time_t signed_at,
		   time_t now);

/* ---- signatures (auth_v1.c, auth_v3.c, auth_common in auth_v1.c) ---- */
struct sg_auth {
	const struct sg_creds *creds;
	struct sg_nonce_cache *nonces;
	time_t now;
};

/* "2018-01-01T12:00:00Z" (fraction allowed) -> epoch.  -EINVAL. */
int sg_parse_iso8601(const char *s, time_t *out);
/* Key lookup, timestamp window, nonce: shared by V1 and V3. */
const struct sg_cred *sg_auth_find_key(const struct sg_auth *a, const char *key_id,
				       struct sg_reply *r);
/* On success *signed_at is the parsed timestamp, for the nonce check. */
int sg_auth_check_time(const struct sg_auth *a, const char *ts, time_t *signed_at, struct sg_reply *r);
int sg_auth_check_nonce(const struct sg_auth *a, const char *key_id, const char *nonce, time_t signed_at,
			struct sg_reply *r);

/* V1: the string-to-sign and signature, exposed for tests. */
char *sg_v1_string_to_sign(const char *method, const struct sg_params *all);
int sg_v1_sign(const char *secret, const char *string_to_sign, char out[64]);
/* Verify a V1 request (Signature among the parameters).  0 + caller, or r. */
int sg_auth_v1(const struct sg_auth *a, const char *method, const struct sg_params *all,
	       struct sg_caller *c, struct sg_reply *r);

/* V3: canonical request and signature, exposed for tests. */
char *sg_v3_canonical_request(const struct sg_http_req *rq, const struct sg_params *query,
			      const char *signed_headers, const char *payload_hash);
int sg_v3_sign(const char *secret, const char *canonical_request, char out[65]);
/* Verify a request carrying "Authorization: ACS3-HMAC-SHA256 ...". */
int sg_auth_v3(const struct sg_auth *a, const struct sg_http_req *rq,
	       const struct sg_params *query, struct sg_caller *c, struct sg_reply *r);
/* Hex SHA-256 of data (lower case). */
void sg_sha256_hex(const void *data, size_t n, char out[65]);
/* n bytes as 2n lower-case hex digits and a NUL. */
void sg_hex_lower(const unsigned char *in, size_t n, char *out);

/* ---- local callers (peer.c) ---- */
struct sg_peer {
	bool is_unix;
	bool have_cred;
	pid_t pid;
	uid_t uid;
	gid_t gid;
};
int sg_peer_cred(int fd, struct sg_peer *p); /* SO_PEERCRED; 0 or -errno */
/* uid 0, primary gid == admin_gid, or admin_gid among uid's groups. */
bool sg_peer_is_admin(const struct sg_peer *p, gid_t admin_gid);

/* ---- rendering (render.c) ---- */
struct sg_http_resp {
	int status;
	char *body;                 /* malloc'd */
	size_t len;
	const char *content_type;
	char request_id[37];
};

void sg_request_id(char out[37]);   /* random UUID v4, upper case */
/* Render r as Alibaba does.  action names the XML root on success. */
int sg_render(const struct sg_reply *r, const char *action, bool xml, const char *request_id,
	      const char *host_id, struct sg_http_resp *out);
void sg_http_resp_free(struct sg_http_resp *o);

/* ---- the pipeline (handle.c) ---- */
typedef int (*sg_run_fn)(struct sg_env *env, const char *action, const struct sg_params *p,
			 const struct sg_caller *c, struct sg_reply *r);
typedef bool (*sg_known_fn)(const char *action);

/* What the pipeline runs; tests substitute fakes. */
struct sg_api_ops {
	sg_run_fn run;              /* sg_action_run: mutations, under the lock */
	sg_known_fn known;          /* sg_action_known */
	sg_run_fn read;             /* sg_action_read: reads, no lock; NULL = run */
	sg_known_fn read_only;      /* sg_action_read_only */
};

struct sg_api_ctx {
	struct sg_env *env;
	pthread_mutex_t *lock;
	const struct sg_creds *creds;
	struct sg_nonce_cache *nonces;
	gid_t admin_gid;
	struct sg_account admin_account;
	sg_run_fn run;
	sg_known_fn known;
	sg_run_fn read;
	sg_known_fn read_only;
};

/* Parse, authenticate, run, render one request.  Always fills out (0), or
 * -ENOMEM when not even an error could be rendered. */
int sg_api_handle(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
		  const struct sg_peer *peer, time_t now, struct sg_http_resp *out);

/* The same in three steps, so that the server can run a mutation on its
 * writer thread while the HTTP threads go on serving others.  A call owns
 * everything it needs from the request once begun. */
#define SG_HOST_ID_LEN 256
struct sg_api_call {
	struct sg_api_req q;
	struct sg_reply r;
	struct sg_caller c;
	const char *action;          /* set when the request passed every check */
	char action_buf[64];
	bool write;                  /* a mutation: runs under the writers' lock */
	char rid[37];
	char host_id[SG_HOST_ID_LEN];
};
/* Parse, authenticate and check Action/Version. */
void sg_api_call_begin(const struct sg_api_ctx *ctx, const struct sg_http_req *rq,
		       const struct sg_peer *peer, time_t now, struct sg_api_call *call);
/* Run the action: a read on the snapshot, a write under the writers' lock
 * (nothing when begin refused the request). */
void sg_api_call_run(const struct sg_api_ctx *ctx, struct sg_api_call *call);
/* Render into out and free the call.  0 or -ENOMEM. */
int sg_api_call_end(struct sg_api_call *call, struct sg_http_resp *out);

/* ---- the writer thread (writer.c) ---- */
struct sg_writer;
struct sg_writer_job {
	struct sg_api_call *call;
	void (*done)(struct sg_writer_job *j); /* on the writer thread, after the run */
	struct sg_writer_job *next;
};
int sg_writer_start(const struct sg_api_ctx *ctx, struct sg_writer **out);
/* false when the writer is stopping: run the call yourself. */
bool sg_writer_queue(struct sg_writer *w, struct sg_writer_job *j);
/* Runs what is queued, then joins the thread. */
void sg_writer_stop(struct sg_writer *w);

/* ---- server (server.c) ---- */
/* sg_api_start with other action runners (tests). */
int sg_api_start_with(const struct sg_api_config *cfg, struct sg_env *env, pthread_mutex_t *lock,
		      const struct sg_api_ops *ops, struct sg_api **out);
/* The bound TCP port (listen "127.0.0.1:0" picks one), 0 when TCP is off. */
unsigned sg_api_tcp_port(const struct sg_api *a);

#endif
