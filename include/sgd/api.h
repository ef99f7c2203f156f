/* api.h - the HTTP front: Alibaba Cloud RPC requests over a Unix socket
 * (peer credentials authenticate) and optionally TCP (signed requests). */
#ifndef SGD_API_H
#define SGD_API_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include "sgd/action.h"

/* One AccessKey line of the credentials file. */
struct sg_cred {
	char key_id[129];
	char secret[257];
	struct sg_account account;
};

struct sg_creds {
	struct sg_cred *v;
	size_t n;
	struct sg_account *accounts; /* distinct accounts, for sg_env */
	size_t naccounts;
};

/* Parse the credentials file.  Refuses (-EPERM) a file readable or writable
 * by group or others, or owned by anyone but root or sgd's euid; refuses
 * (-EINVAL) a line whose AccountId is admin_account_id (the local
 * administrator's account, config admin_account_id).  errmsg explains a
 * failure. */
int sg_creds_load(const char *path, uint64_t admin_account_id, struct sg_creds *out, char *errmsg,
		  size_t len);
void sg_creds_free(struct sg_creds *c);

struct sg_api_config {
	const char *socket_path;   /* Unix socket, always on */
	const char *listen;        /* "127.0.0.1:8780" or NULL: TCP off */
	gid_t admin_gid;           /* besides root, this group is admin; (gid_t)-1 none */
	struct sg_account admin_account; /* account the local admin acts as */
	const struct sg_creds *creds;
	size_t max_body;           /* bytes, default 1 MiB */
	unsigned timeout_s;        /* per-connection idle timeout, default 30 */
	const char *tls_cert;      /* PEM files: --listen serves HTTPS; NULL: */
	const char *tls_key;
	bool plain_http;           /* ... plain HTTP, only when this says so */
	unsigned conns_per_ip;     /* concurrent TCP connections per client address */
	const char *state_dir;     /* where state that must survive restarts lives */
};

struct sg_api;

/* Start serving.  Every mutation runs with *lock held (the model has one
 * writer at a time); Describe* actions run on env->snaps without it, so they
 * never wait for a writer.  0 or -errno. */
int sg_api_start(const struct sg_api_config *cfg, struct sg_env *env, pthread_mutex_t *lock,
		 struct sg_api **out);
void sg_api_stop(struct sg_api *a);

#endif
