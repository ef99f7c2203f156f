/* config.h - sgd's settings: defaults, then the config file, then flags. */
#ifndef SGD_CONFIG_H
#define SGD_CONFIG_H

#include <stdbool.h>
#include <sys/types.h>
#include "sgd/action.h"
#include "sgd/ir.h"
#include "sgd/model.h"

struct sgd_config {
	char state_dir[256];
	char socket_path[256];
	char config_path[256];
	char credentials_path[256];
	char listen[128];          /* "" = TCP off */
	char region[64];
	char admin_group[64];      /* "" = root only */
	enum ir_mode mode;
	struct sg_quota quota;
	struct sg_account admin_account;
	size_t max_body;
	unsigned timeout_s;
	/* Host devices a NIC may be bound to (glob patterns, blank-separated);
	 * lo and the default route's device are refused whatever this says. */
	char host_devices[256];
	char tls_cert[256];        /* --listen serves HTTPS with these ... */
	char tls_key[256];
	bool plain_http;           /* ... or plain HTTP when asked for explicitly */
	unsigned conns_per_ip;     /* concurrent TCP connections from one address */
	unsigned token_ttl_s;      /* how long a ClientToken's answer is kept */
	bool config_given;         /* --config named a file: it must exist */
};

void sgd_config_defaults(struct sgd_config *c);
/* Parse argv (first pass finds --config, second overrides the file). 0 ok,
 * 1 = exit 0 (help/version printed), -1 = usage error (printed). */
int sgd_config_args(struct sgd_config *c, int argc, char **argv);
/* Read `key = value` lines.  -errno with a message on stderr. */
int sgd_config_file(struct sgd_config *c, const char *path);

#endif
