/* json_util.h - small request/answer helpers shared by the group, prefix
 * list, port list and NIC action files: flattened list parameters
 * ("Entry.3.Cidr"), name/description checks, paging, JSON strings. */
#ifndef SGD_ACTIONS_JSON_UTIL_H
#define SGD_ACTIONS_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "internal.h"

/* Upper bound on N in one flattened list (port lists hold up to 2,000). */
#define SGU_MAX_ITEMS 4096

/* Ascending, unique indices N of keys "<prefix>.N" and "<prefix>.N.<field>".
 * Returns the count, or -1 with a 400 reply when there are more than max. */
int sgu_indices(const struct sg_params *p, const char *prefix, unsigned *out, size_t max,
		struct sg_reply *r);

/* Values of a repeated list "<prefix>.N" (non-empty ones), in index order,
 * appended to out[*n]; -1 with a 400 reply when more than max. */
int sgu_list(const struct sg_params *p, const char *prefix, const char **out, size_t *n,
	     size_t max, struct sg_reply *r);

/* Names: 2-128 characters, start with a letter (or a non-ASCII character),
 * letters, digits, ':', '_', '.', '-' only, not "http://" / "https://". */
bool sgu_name_ok(const char *s);
/* Descriptions: empty, or min..max characters not starting with http(s)://. */
bool sgu_desc_ok(const char *s, size_t min, size_t max);

/* Optional integer parameter in [lo, hi]; absent -> def.  400 `code` when it
 * is not a number or out of range. */
int sgu_int(const struct sg_params *p, const char *name, long lo, long hi, long def,
	    const char *code, long *out, struct sg_reply *r);

/* Paging of Describe* answers.  Two styles: PageNumber/PageSize (answers
 * PageNumber, PageSize, TotalCount) and NextToken/MaxResults (answers
 * NextToken, "" on the last page).  The token is the decimal offset. */
struct sgu_page {
	bool token;           /* NextToken/MaxResults style */
	size_t start, size;   /* first item, items per page */
	long number;          /* PageNumber (page style) */
};

struct sgu_page_spec {
	bool pages;           /* PageNumber/PageSize accepted */
	long page_def, page_max;
	bool tokens;          /* NextToken/MaxResults accepted */
	long max_def, max_lo, max_hi;  /* MaxResults default and clamp */
};

int sgu_page_parse(const struct sg_params *p, const struct sgu_page_spec *spec,
		   struct sgu_page *pg, struct sg_reply *r);
/* True when item number i (0-based among the matches) is on the page. */
bool sgu_page_has(const struct sgu_page *pg, size_t i);
/* Adds the paging fields for `total` matches to body. */
void sgu_page_render(json_t *body, const struct sgu_page *pg, size_t total, bool with_total);

/* json_string() that never yields NULL (NULL or invalid UTF-8 -> ""). */
json_t *sgu_str(const char *s);
/* body[key] = string */
void sgu_set(json_t *obj, const char *key, const char *s);
/* body[key] = {inner: array}; returns the array. */
json_t *sgu_wrapped_array(json_t *obj, const char *key, const char *inner);

/* Store writes that tolerate env->store == NULL (pure unit tests); on
 * failure the reply is 500 InternalError and -1 is returned. */
#define SGU_STORE(env, r, call) ((env)->store ? sg_tx_check((call), (r)) : 0)

#endif
