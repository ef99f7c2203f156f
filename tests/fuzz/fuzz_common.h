/* fuzz_common.h - shared by the libFuzzer targets: split an input into
 * NUL-terminated lines, a fixed AccessKey and a fake action runner (the
 * targets exercise the HTTP front, not the model). */
#ifndef SGD_FUZZ_COMMON_H
#define SGD_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/api/api_internal.h"

#define FUZZ_NOW ((time_t)1698315752) /* 2023-10-26T10:22:32Z */

static struct sg_cred fuzz_cred_v[1] = {
	{ .key_id = "LTAIexample0001", .secret = "s3cr3t",
	  .account = { .id = 1234567890, .name = "ops@example.com" } },
};
static const struct sg_creds fuzz_creds = { .v = fuzz_cred_v, .n = 1 };

static int fuzz_run(struct sg_env *env, const char *action, const struct sg_params *p,
		    const struct sg_caller *c, struct sg_reply *r)
{
	r->body = json_object();
	for (size_t i = 0; i < p->n; i++)
		json_object_set_new(r->body, p->v[i].key, json_string(p->v[i].value));
	return 0;
}

static bool fuzz_known(const char *a) { return strcmp(a, "DescribeSecurityGroups") == 0; }

/* Cut buf (NUL-terminated, writable) at '\n' into at most max pieces; the
 * last piece takes the rest.  Returns the count. */
static size_t fuzz_split(char *buf, char **out, size_t max)
{
	size_t n = 0;
	char *p = buf;

	while (n + 1 < max) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		out[n++] = p;
		p = nl + 1;
	}
	out[n++] = p;
	return n;
}

#endif
