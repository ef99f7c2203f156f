/* config.c - defaults, the `key = value` config file and the command line. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define SGD_VERSION "0.1.0"

void sgd_config_defaults(struct sgd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->state_dir, sizeof(c->state_dir), "/var/lib/sgd");
	snprintf(c->socket_path, sizeof(c->socket_path), "/run/sgd/sgd.sock");
	snprintf(c->config_path, sizeof(c->config_path), "/etc/sgd/sgd.conf");
	snprintf(c->credentials_path, sizeof(c->credentials_path), "/etc/sgd/credentials");
	snprintf(c->region, sizeof(c->region), "cn-hangzhou");
	c->mode = IR_MODE_HOST;
	sg_quota_defaults(&c->quota);
	c->admin_account.id = 1;
	snprintf(c->admin_account.name, sizeof(c->admin_account.name), "local-admin");
	c->max_body = 1 << 20;
	c->timeout_s = 30;
	snprintf(c->host_devices, sizeof(c->host_devices), "tap* vnet* veth* vif* macvtap*");
	c->conns_per_ip = 64;
	c->token_ttl_s = 24 * 3600;
}

static int set_bool(bool *dst, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*dst = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*dst = false;
	else
		return -EINVAL;
	return 0;
}

static int set_mode(struct sgd_config *c, const char *v)
{
	if (strcmp(v, "host") == 0)
		c->mode = IR_MODE_HOST;
	else if (strcmp(v, "routed") == 0)
		c->mode = IR_MODE_ROUTED;
	else if (strcmp(v, "bridge") == 0)
		return -EOPNOTSUPP; /* docs/semantics.md, Not implemented */
	else
		return -EINVAL;
	return 0;
}

/* A positive decimal number up to max. */
static int set_u32_max(uint32_t *dst, const char *v, unsigned long max)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n == 0 || n > max)
		return -EINVAL;
	*dst = (uint32_t)n;
	return 0;
}

static int set_u32(uint32_t *dst, const char *v) { return set_u32_max(dst, v, 1000000); }

#define STR(dst, v) (snprintf((dst), sizeof(dst), "%s", (v)) >= (int)sizeof(dst) ? -ENAMETOOLONG : 0)

/* One setting by name; shared by the file and the command line. */
static int set_key(struct sgd_config *c, const char *k, const char *v)
{
	struct { const char *name; uint32_t *dst; } quotas[] = {
		{ "quota.rules_per_group", &c->quota.rules_per_group },
		{ "quota.group_rules_per_group", &c->quota.group_rules_per_group },
		{ "quota.rules_per_nic", &c->quota.rules_per_nic },
		{ "quota.groups_per_nic", &c->quota.groups_per_nic },
		{ "quota.permissions_per_call", &c->quota.permissions_per_call },
		{ "quota.prefix_list_max_entries", &c->quota.prefix_list_max },
		{ "quota.port_list_max_entries", &c->quota.port_list_max },
		{ "quota.groups_per_account", &c->quota.groups_per_account },
		{ "quota.nics_per_account", &c->quota.nics_per_account },
		{ "quota.prefix_lists_per_account", &c->quota.prefix_lists_per_account },
		{ "quota.port_lists_per_account", &c->quota.port_lists_per_account },
	};
	if (strcmp(k, "quota.groups_per_nic") == 0 && atoi(v) > SG_MAX_NIC_GROUPS_HARD)
		return -ERANGE;
	for (size_t i = 0; i < sizeof(quotas) / sizeof(quotas[0]); i++)
		if (strcmp(k, quotas[i].name) == 0)
			return set_u32(quotas[i].dst, v);
	if (strcmp(k, "state_dir") == 0) return STR(c->state_dir, v);
	if (strcmp(k, "socket") == 0) return STR(c->socket_path, v);
	if (strcmp(k, "credentials") == 0) return STR(c->credentials_path, v);
	if (strcmp(k, "listen") == 0) return STR(c->listen, v);
	if (strcmp(k, "region") == 0) return STR(c->region, v);
	if (strcmp(k, "admin_group") == 0) return STR(c->admin_group, v);
	if (strcmp(k, "mode") == 0) return set_mode(c, v);
	if (strcmp(k, "admin_account_id") == 0) {
		char *end;
		c->admin_account.id = strtoull(v, &end, 10);
		return *v && !*end ? 0 : -EINVAL;
	}
	if (strcmp(k, "admin_account_name") == 0) return STR(c->admin_account.name, v);
	if (strcmp(k, "max_body") == 0) {
		uint32_t n = 0;
		int rc = set_u32_max(&n, v, 64u << 20); /* bytes, up to 64 MiB */
		if (!rc)
			c->max_body = n;
		return rc;
	}
	if (strcmp(k, "timeout") == 0) return set_u32(&c->timeout_s, v);
	if (strcmp(k, "host_devices") == 0) return STR(c->host_devices, v);
	if (strcmp(k, "tls_cert") == 0) return STR(c->tls_cert, v);
	if (strcmp(k, "tls_key") == 0) return STR(c->tls_key, v);
	if (strcmp(k, "plain_http") == 0) return set_bool(&c->plain_http, v);
	if (strcmp(k, "conns_per_ip") == 0) return set_u32(&c->conns_per_ip, v);
	if (strcmp(k, "token_ttl") == 0) return set_u32(&c->token_ttl_s, v);
	return -ENOENT;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int sgd_config_file(struct sgd_config *c, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !c->config_given)
			return 0; /* the default file is optional */
		fprintf(stderr, "sgd: cannot read config %s: %s\n", path, strerror(errno));
		return -errno;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "sgd: %s:%d: expected `key = value`\n", path, lineno);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		char *k = trim(s), *v = trim(eq + 1);
		int r = set_key(c, k, v);
		if (r) {
			fprintf(stderr, "sgd: %s:%d: %s `%s = %s`\n", path, lineno,
				r == -ENOENT ? "unknown key" : "bad value for", k, v);
			rc = -EINVAL;
			break;
		}
	}
	fclose(f);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: sgd [options]\n"
		"Keeps security groups and enforces them with nftables (table inet sgd).\n\n"
		"  -d, --state-dir DIR     database directory (default /var/lib/sgd)\n"
		"  -s, --socket PATH       control socket (default /run/sgd/sgd.sock)\n"
		"  -m, --mode host|routed  host: inet input, iifname; routed: inet forward, oifname\n"
		"  -c, --config FILE       config file (default /etc/sgd/sgd.conf)\n"
		"  -k, --credentials FILE  AccessKeys for --listen (default /etc/sgd/credentials, mode 0600)\n"
		"  -l, --listen ADDR:PORT  also serve signed requests over TCP (off by default):\n"
		"                          HTTPS with --tls-cert and --tls-key, or plain HTTP\n"
		"                          only with --plain-http\n"
		"      --tls-cert FILE     PEM certificate (chain) for --listen\n"
		"      --tls-key FILE      PEM private key for --listen\n"
		"      --plain-http        serve --listen without TLS (signed requests in clear)\n"
		"  -g, --admin-group NAME  members of this group are administrators on the socket\n"
		"  -r, --region ID         the region served (default cn-hangzhou)\n"
		"  -f, --foreground        accepted for compatibility: sgd never forks\n"
		"  -h, --help              this text\n"
		"  -V, --version           print the version\n\n"
		"Signals: TERM/INT stop (the kernel keeps enforcing), HUP re-applies the database.\n"
		"See sgd(8).\n");
}

static const struct option longopts[] = {
	{ "state-dir", required_argument, NULL, 'd' }, { "socket", required_argument, NULL, 's' },
	{ "mode", required_argument, NULL, 'm' },      { "config", required_argument, NULL, 'c' },
	{ "credentials", required_argument, NULL, 'k' }, { "listen", required_argument, NULL, 'l' },
	{ "admin-group", required_argument, NULL, 'g' }, { "region", required_argument, NULL, 'r' },
	{ "foreground", no_argument, NULL, 'f' },      { "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },         { "tls-cert", required_argument, NULL, 'C' },
	{ "tls-key", required_argument, NULL, 'K' },   { "plain-http", no_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 },
};

int sgd_config_args(struct sgd_config *c, int argc, char **argv)
{
	static const char *const keys[256] = {
		['d'] = "state_dir", ['s'] = "socket", ['m'] = "mode", ['k'] = "credentials",
		['l'] = "listen", ['g'] = "admin_group", ['r'] = "region",
		['C'] = "tls_cert", ['K'] = "tls_key", ['P'] = "plain_http",
	};
	/* Pass 1: --config, --help, --version. */
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:s:m:c:k:l:g:r:fhV", longopts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (opt == 'V') {
			printf("sgd %s\n", SGD_VERSION);
			return 1;
		}
		if (opt == 'c') {
			snprintf(c->config_path, sizeof(c->config_path), "%s", optarg);
			c->config_given = true;
		}
		if (opt == '?') {
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sgd: unexpected argument `%s'\n", argv[optind]);
		return -1;
	}
	if (sgd_config_file(c, c->config_path))
		return -1;
	/* Pass 2: flags override the file. */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "d:s:m:c:k:l:g:r:fhV", longopts, NULL)) != -1) {
		const char *v = opt == 'P' ? "yes" : optarg; /* the one flag without a value */
		int rc = opt > 0 && opt < 256 && keys[opt] ? set_key(c, keys[opt], v) : 0;
		if (rc == -EOPNOTSUPP) {
			fprintf(stderr, "sgd: --mode bridge is not implemented yet: use host or routed\n");
			return -1;
		}
		if (rc) {
			fprintf(stderr, "sgd: bad value `%s' for --%s\n", optarg, keys[opt]);
			return -1;
		}
	}
	return 0;
}
