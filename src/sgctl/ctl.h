/* ctl.h - sgctl, the command-line client of sgd.  The pure parts (action
 * table, argument mapping, table rendering) do not depend on libcurl so the
 * unit test can include them; http.c holds the transport. */
#ifndef SGCTL_CTL_H
#define SGCTL_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CTL_VERSION "2014-05-26"          /* the ECS API version sgd speaks */
#define CTL_DEFAULT_REGION "cn-hangzhou"
#define CTL_DEFAULT_SOCKET "/run/sgd/sgd.sock"

/* Exit status: 0 success, 1 the API answered an error, 2 sgd could not be
 * reached, 64 (EX_USAGE) the command line was wrong. */
enum { CTL_EXIT_OK = 0, CTL_EXIT_API = 1, CTL_EXIT_TRANSPORT = 2, CTL_EXIT_USAGE = 64 };

/* ---- actions.c: what sgctl knows about each action ---- */
struct ctl_param {
	const char *name;  /* Alibaba name; ".N." marks a repeated index */
	bool required;
	const char *help;  /* one line */
};

struct ctl_action {
	const char *name;      /* "DescribeSecurityGroupAttribute" */
	const char *id_param;  /* first positional maps here; NULL: none */
	const char *id2_param; /* second positional; NULL: none */
	const char *summary;
	const struct ctl_param *params; /* NULL-name terminated */
};

extern const struct ctl_action ctl_actions[];
extern const size_t ctl_nactions;

/* "DescribeSecurityGroupAttribute" -> "describe-security-group-attribute".
 * 0, or -ENOSPC when buf is too small. */
int ctl_kebab(const char *camel, char *buf, size_t len);
/* Finds an action by its kebab-case command or its Action name; NULL. */
const struct ctl_action *ctl_action_find(const char *cmd);
/* True when `key` is one of the action's parameters ("Permissions.3.Policy"
 * matches "Permissions.N.Policy"). */
bool ctl_param_known(const struct ctl_action *a, const char *key);
void ctl_print_commands(FILE *out);
void ctl_print_action_help(FILE *out, const struct ctl_action *a);

/* ---- args.c: the command line -> request parameters ---- */
struct ctl_kv {
	char *key;
	char *value;
};

struct ctl_req {
	const struct ctl_action *action; /* NULL for `raw` */
	bool raw;
	bool table, json, help, version;
	const char *socket;   /* --socket, NULL: env or default */
	const char *region;   /* --region, NULL: default */
	struct ctl_kv *v;     /* parameters in order; Action first */
	size_t n, cap;
};

void ctl_req_init(struct ctl_req *r);
void ctl_req_free(struct ctl_req *r);
/* Sets key=value, replacing an earlier value of the same key.  0/-ENOMEM. */
int ctl_req_set(struct ctl_req *r, const char *key, const char *value);
const char *ctl_req_get(const struct ctl_req *r, const char *key);
/* Parses argv (argv[0] is the program).  On success fills r, including the
 * Action, RegionId and Version parameters, and returns 0.  On a usage error
 * returns -EINVAL with err explaining.  Unknown parameter names are not an
 * error (sgd decides) but are reported through `warn` when non-NULL. */
int ctl_parse(int argc, char **argv, struct ctl_req *r, char *err, size_t errlen, FILE *warn);

/* ---- table.c: readable tables for the describe actions ---- */
/* Renders body as a table for action; 0, or -ENOTSUP when the action has no
 * table form (the caller prints JSON instead). */
int ctl_render_table(const char *action, json_t *body, FILE *out);
/* Prints an answer the way the options ask (table or pretty JSON). */
int ctl_render(const struct ctl_req *r, json_t *body, FILE *out);

/* ---- http.c: one request over the Unix socket ---- */
struct ctl_answer {
	long status;       /* HTTP status */
	char *body;        /* NUL-terminated, heap */
	size_t len;
};

/* POSTs r's parameters form-encoded to sgd at socket_path.  0, or -errno on
 * a transport failure with err explaining. */
int ctl_http_call(const char *socket_path, const struct ctl_req *r, struct ctl_answer *ans,
		  char *err, size_t errlen);
void ctl_answer_free(struct ctl_answer *a);

#endif
