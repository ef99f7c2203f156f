/* args.c - turns sgctl's command line into the request parameters:
 *   sgctl [opts] <command> [id [id2]] [--Param value | --Param=value | Param=value ...]
 * Global options (--socket, --region, --table, --json, --help, --version)
 * are lower case and may appear anywhere; API parameters are Alibaba's
 * CamelCase names, so the two never collide. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"

void ctl_req_init(struct ctl_req *r)
{
	memset(r, 0, sizeof(*r));
}

void ctl_req_free(struct ctl_req *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].key);
		free(r->v[i].value);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

const char *ctl_req_get(const struct ctl_req *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].key, key) == 0)
			return r->v[i].value;
	return NULL;
}

int ctl_req_set(struct ctl_req *r, const char *key, const char *value)
{
	char *v = strdup(value);

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].key, key) == 0) {
			free(r->v[i].value);
			r->v[i].value = v;
			return 0;
		}
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct ctl_kv *nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n].key = strdup(key);
	if (!r->v[r->n].key) {
		free(v);
		return -ENOMEM;
	}
	r->v[r->n].value = v;
	r->n++;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int usage_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "--name value" or "--name=value" for a global option; returns 1 when argv[*i]
 * was one (advancing *i past its value), 0 when not, -EINVAL when its value
 * is missing. */
static int global_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -EINVAL;
	*val = argv[++*i];
	return 1;
}

/* Handles a global option at argv[*i]: 1 when it was one, 0 when not. */
static int parse_global(int argc, char **argv, int *i, struct ctl_req *r, char *err, size_t len)
{
	const char *a = argv[*i];
	int rc;

	if (strcmp(a, "--table") == 0)
		return r->table = true, 1;
	if (strcmp(a, "--json") == 0)
		return r->json = true, 1;
	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
		return r->help = true, 1;
	if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0)
		return r->version = true, 1;
	if ((rc = global_opt(argc, argv, i, "--socket", &r->socket)) != 0)
		return rc < 0 ? usage_err(err, len, "--socket needs a PATH") : 1;
	if ((rc = global_opt(argc, argv, i, "--region", &r->region)) != 0)
		return rc < 0 ? usage_err(err, len, "--region needs a region id") : 1;
	return 0;
}

/* Adds one API parameter given as key and value to the user list. */
static int add_param(struct ctl_req *user, const char *key, size_t keylen, const char *value,
		     char *err, size_t len)
{
	char *k;
	int rc;

	if (keylen == 0)
		return usage_err(err, len, "empty parameter name in '%s'", value);
	k = strndup(key, keylen);
	if (!k)
		return -ENOMEM;
	rc = ctl_req_set(user, k, value);
	free(k);
	return rc;
}

/* A positional argument: the action's id parameters in order; for raw the
 * Action name. */
static int add_positional(struct ctl_req *r, struct ctl_req *user, int *npos, const char *a,
			  char *err, size_t len)
{
	const char *target = NULL;

	if (r->raw)
		target = *npos == 0 && !ctl_req_get(user, "Action") ? "Action" : NULL;
	else if (*npos == 0)
		target = r->action->id_param;
	else if (*npos == 1)
		target = r->action->id2_param;
	if (!target) {
		if (r->raw)
			return usage_err(err, len, "raw takes Key=Value arguments, not '%s'", a);
		return usage_err(err, len, "unexpected argument '%s' (parameters are --Name value "
					   "or Name=value)", a);
	}
	(*npos)++;
	return ctl_req_set(user, target, a);
}

/* Puts Action, RegionId and Version first, then the user's parameters. */
static int build_request(struct ctl_req *r, const struct ctl_req *user, char *err, size_t len)
{
	const char *action = r->raw ? ctl_req_get(user, "Action") : r->action->name;
	const char *region = ctl_req_get(user, "RegionId");
	const char *version = ctl_req_get(user, "Version");
	int rc;

	if (!action || !*action)
		return usage_err(err, len, "raw needs Action=NAME");
	if (!region)
		region = r->region ? r->region : (r->raw ? NULL : CTL_DEFAULT_REGION);
	if ((rc = ctl_req_set(r, "Action", action)) < 0)
		return rc;
	/* raw sends no RegionId unless asked: it exists to send anything. */
	if (region && (rc = ctl_req_set(r, "RegionId", region)) < 0)
		return rc;
	if ((rc = ctl_req_set(r, "Version", version ? version : CTL_VERSION)) < 0)
		return rc;
	for (size_t i = 0; i < user->n; i++)
		if ((rc = ctl_req_set(r, user->v[i].key, user->v[i].value)) < 0)
			return rc;
	return 0;
}

static int parse_command(struct ctl_req *r, const char *cmd, char *err, size_t len)
{
	if (cmd[0] == '-')
		return usage_err(err, len, "unknown option '%s'", cmd);
	if (strcmp(cmd, "raw") == 0) {
		r->raw = true;
		return 0;
	}
	r->action = ctl_action_find(cmd);
	if (!r->action)
		return usage_err(err, len, "unknown command '%s' (sgctl --help lists them)", cmd);
	return 0;
}

static int parse_param(int argc, char **argv, int *i, struct ctl_req *r, struct ctl_req *user,
		       int *npos, char *err, size_t len)
{
	const char *a = argv[*i];
	const char *eq;

	if (a[0] == '-' && a[1] == '-') {
		a += 2;
		eq = strchr(a, '=');
		if (eq)
			return add_param(user, a, (size_t)(eq - a), eq + 1, err, len);
		if (*i + 1 >= argc)
			return usage_err(err, len, "--%s needs a value", a);
		return add_param(user, a, strlen(a), argv[++*i], err, len);
	}
	if (a[0] == '-')
		return usage_err(err, len, "unknown option '%s'", a);
	eq = strchr(a, '=');
	if (eq)
		return add_param(user, a, (size_t)(eq - a), eq + 1, err, len);
	return add_positional(r, user, npos, a, err, len);
}

static void warn_unknown(const struct ctl_req *r, const struct ctl_req *user, FILE *warn)
{
	if (!warn || r->raw)
		return;
	for (size_t i = 0; i < user->n; i++)
		if (!ctl_param_known(r->action, user->v[i].key))
			fprintf(warn, "sgctl: warning: %s is not a parameter sgctl knows for %s\n",
				user->v[i].key, r->action->name);
}

int ctl_parse(int argc, char **argv, struct ctl_req *r, char *err, size_t errlen, FILE *warn)
{
	struct ctl_req user;
	const char *cmd = NULL;
	int npos = 0, rc = 0;

	ctl_req_init(&user);
	for (int i = 1; i < argc && rc == 0; i++) {
		rc = parse_global(argc, argv, &i, r, err, errlen);
		if (rc != 0) {
			rc = rc < 0 ? rc : 0;
			continue;
		}
		if (!cmd) {
			cmd = argv[i];
			rc = parse_command(r, cmd, err, errlen);
			continue;
		}
		rc = parse_param(argc, argv, &i, r, &user, &npos, err, errlen);
	}
	if (rc < 0)
		goto out;
	if (!cmd) {
		if (!r->help && !r->version)
			rc = usage_err(err, errlen, "no command given (sgctl --help lists them)");
		goto out;
	}
	if (r->help)
		goto out;
	warn_unknown(r, &user, warn);
	rc = build_request(r, &user, err, errlen);
out:
	ctl_req_free(&user);
	return rc;
}
