/* json_util.c - flattened list parameters, name checks, paging, JSON strings
 * for the resource action files. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

/* Parses the N of "<prefix>.N" or "<prefix>.N.<x>" from key; 0 when key has
 * another form. */
static unsigned key_index(const char *key, const char *prefix, size_t plen)
{
	if (strncmp(key, prefix, plen) != 0 || key[plen] != '.')
		return 0;
	const char *s = key + plen + 1;
	if (!isdigit((unsigned char)*s))
		return 0;
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if ((*end != '\0' && *end != '.') || n == 0 || n > 1000000)
		return 0;
	return (unsigned)n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

int sgu_indices(const struct sg_params *p, const char *prefix, unsigned *out, size_t max,
		struct sg_reply *r)
{
	size_t plen = strlen(prefix), n = 0;
	for (size_t i = 0; i < p->n; i++) {
		unsigned idx = key_index(p->v[i].key, prefix, plen);
		if (!idx)
			continue;
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = out[j] == idx;
		if (seen)
			continue;
		if (n == max)
			return sg_fail(r, 400, "InvalidParameter",
				       "The parameter %s has more than %zu items.", prefix, max);
		out[n++] = idx;
	}
	qsort(out, n, sizeof(*out), cmp_uint);
	return (int)n;
}

int sgu_list(const struct sg_params *p, const char *prefix, const char **out, size_t *n,
	     size_t max, struct sg_reply *r)
{
	int rc = -1;
	unsigned *idx = malloc(SGU_MAX_ITEMS * sizeof(*idx));
	if (!idx)
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	int k = sgu_indices(p, prefix, idx, SGU_MAX_ITEMS, r);
	if (k < 0)
		goto out;
	for (int i = 0; i < k; i++) {
		const char *v = sg_paramf(p, "%s.%u", prefix, idx[i]);
		if (!v || !*v)
			continue;
		if (*n == max) {
			sg_fail(r, 400, "InvalidParameter",
				"The parameter %s has more than %zu items.", prefix, max);
			goto out;
		}
		out[(*n)++] = v;
	}
	rc = 0;
out:
	free(idx);
	return rc;
}

/* Characters, not bytes; text that is not UTF-8 is never stored. */
static size_t utf8_len(const char *s)
{
	return sg_utf8_valid(s) ? sg_utf8_chars(s) : SIZE_MAX;
}

static bool starts_http(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

bool sgu_name_ok(const char *s)
{
	size_t len = utf8_len(s);
	if (len < 2 || len > 128 || starts_http(s))
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!(isalpha(c0) || c0 >= 0x80))
		return false;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (!(isalnum(*q) || *q >= 0x80 || strchr(":_.-", *q)))
			return false;
	return true;
}

bool sgu_desc_ok(const char *s, size_t min, size_t max)
{
	if (!*s)
		return true;
	if (!sg_utf8_valid(s))
		return false;
	size_t len = utf8_len(s);
	return len >= min && len <= max && !starts_http(s);
}

int sgu_int(const struct sg_params *p, const char *name, long lo, long hi, long def,
	    const char *code, long *out, struct sg_reply *r)
{
	const char *v = sg_param(p, name);
	if (!v || !*v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		return sg_fail(r, 400, code, "The specified parameter %s is not valid.", name);
	*out = n;
	return 0;
}

/* A number parameter that the reference clamps instead of refusing. */
static int int_clamped(const struct sg_params *p, const char *name, long def, long lo, long hi,
		       long *out, struct sg_reply *r)
{
	if (sgu_int(p, name, -1000000000L, 1000000000L, def, "InvalidParameter", out, r))
		return -1;
	if (*out < lo)
		*out = def < lo ? lo : def;
	if (*out > hi)
		*out = hi;
	return 0;
}

int sgu_page_parse(const struct sg_params *p, const struct sgu_page_spec *spec,
		   struct sgu_page *pg, struct sg_reply *r)
{
	memset(pg, 0, sizeof(*pg));
	const char *tok = sg_param(p, "NextToken");
	bool want_tokens = spec->tokens &&
			   (!spec->pages || (tok && *tok) || sg_param(p, "MaxResults"));
	if (want_tokens) {
		long max;
		if (int_clamped(p, "MaxResults", spec->max_def, spec->max_lo, spec->max_hi, &max, r))
			return -1;
		pg->token = true;
		pg->size = (size_t)max;
		if (tok && *tok) {
			char *end;
			unsigned long off = strtoul(tok, &end, 10);
			if (*end || !isdigit((unsigned char)*tok))
				return sg_fail(r, 400, "InvalidNextToken.Malformed",
					       "The specified parameter NextToken is not valid.");
			pg->start = off;
		}
		return 0;
	}
	long num, size;
	if (sgu_int(p, "PageNumber", 1, 1000000000L, 1, "InvalidParameter.PageNumber", &num, r) ||
	    sgu_int(p, "PageSize", 1, spec->page_max, spec->page_def, "InvalidParameter.PageSize",
		    &size, r))
		return -1;
	pg->number = num;
	pg->size = (size_t)size;
	pg->start = (size_t)(num - 1) * (size_t)size;
	return 0;
}

bool sgu_page_has(const struct sgu_page *pg, size_t i)
{
	return i >= pg->start && i - pg->start < pg->size;
}

void sgu_page_render(json_t *body, const struct sgu_page *pg, size_t total, bool with_total)
{
	if (pg->token) {
		char next[32] = "";
		if (pg->start + pg->size < total)
			snprintf(next, sizeof(next), "%zu", pg->start + pg->size);
		sgu_set(body, "NextToken", next);
	} else {
		json_object_set_new(body, "PageNumber", json_integer(pg->number));
		json_object_set_new(body, "PageSize", json_integer((json_int_t)pg->size));
	}
	if (with_total)
		json_object_set_new(body, "TotalCount", json_integer((json_int_t)total));
}

json_t *sgu_str(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : json_string("");
}

void sgu_set(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, sgu_str(s));
}

json_t *sgu_wrapped_array(json_t *obj, const char *key, const char *inner)
{
	json_t *wrap = json_object(), *arr = json_array();
	json_object_set_new(wrap, inner, arr);
	json_object_set_new(obj, key, wrap);
	return arr;
}
