/* table.c - readable tables for the describe actions.  The answer shapes are
 * Alibaba's (docs/api.md): lists come wrapped, e.g. SecurityGroups.SecurityGroup[],
 * except DescribePortRangeLists' PortRangeLists[]; both forms are accepted so
 * a table never silently loses rows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"

struct table {
	size_t ncols;
	const char *const *heads;
	char **cells;        /* row-major, nrows * ncols */
	size_t nrows, caprows;
};

static void table_init(struct table *t, const char *const *heads, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->heads = heads;
	t->ncols = ncols;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* A cell shows "-" for an absent value and never breaks the line. */
static char *cell_dup(const char *v)
{
	char *c = strdup(v && *v ? v : "-");

	for (char *p = c; p && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return c;
}

static int table_add(struct table *t, const char *const *vals)
{
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 16;
		char **nc = realloc(t->cells, cap * t->ncols * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		t->cells = nc;
		t->caprows = cap;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		char *v = cell_dup(vals[c]);
		if (!v) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -ENOMEM;
		}
		t->cells[t->nrows * t->ncols + c] = v;
	}
	t->nrows++;
	return 0;
}

static void print_row(FILE *out, const size_t *w, size_t ncols, const char *const *v)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c + 1 == ncols)
			fprintf(out, "%s\n", v[c]); /* no trailing blanks */
		else
			fprintf(out, "%-*s  ", (int)w[c], v[c]);
	}
}

static int table_print(const struct table *t, FILE *out)
{
	size_t *w = calloc(t->ncols, sizeof(*w));

	if (!w)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++)
		w[c] = strlen(t->heads[c]);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);
			if (l > w[c])
				w[c] = l;
		}
	print_row(out, w, t->ncols, t->heads);
	for (size_t r = 0; r < t->nrows; r++)
		print_row(out, w, t->ncols, (const char *const *)&t->cells[r * t->ncols]);
	free(w);
	return 0;
}

/* ---- JSON helpers ---- */

/* body.outer.inner[] (Alibaba's wrapped list) or body.outer[]. */
static json_t *list_of(json_t *body, const char *outer, const char *inner)
{
	json_t *o = json_object_get(body, outer);

	if (json_is_array(o))
		return o;
	if (json_is_object(o) && inner) {
		json_t *a = json_object_get(o, inner);
		if (json_is_array(a))
			return a;
	}
	return NULL;
}

/* A field as text whatever its JSON type; NULL when absent or empty. */
static const char *text(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		return NULL;
	return buf;
}

/* The first non-empty field of keys[], for "one of several" columns. */
static const char *first_of(json_t *obj, const char *const *keys, char *buf, size_t len)
{
	for (size_t i = 0; keys[i]; i++) {
		const char *v = text(obj, keys[i], buf, len);
		if (v)
			return v;
	}
	return NULL;
}

/* Appends the strings (or obj[key] of objects) of list to buf, comma separated. */
static void join(json_t *list, const char *key, const char *skip, char *buf, size_t len)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) {
		json_t *s = key ? json_object_get(e, key) : e;
		const char *v = json_string_value(s);
		size_t used = strlen(buf);
		if (!v || !*v || (skip && strcmp(v, skip) == 0))
			continue;
		snprintf(buf + used, len - used, "%s%s", used ? "," : "", v);
	}
}

#define NCOLS(h) (sizeof(h) / sizeof((h)[0]))
#define FIELD_LEN 64

/* One row per element of list; cols[c] names the JSON field of column c. */
static int add_simple_rows(struct table *t, json_t *list, const char *const *cols)
{
	char bufs[16][FIELD_LEN];
	const char *vals[16];
	size_t i;
	json_t *e;
	int rc;

	json_array_foreach(list, i, e) {
		for (size_t c = 0; c < t->ncols && c < 16; c++)
			vals[c] = text(e, cols[c], bufs[c], FIELD_LEN);
		if ((rc = table_add(t, vals)) < 0)
			return rc;
	}
	return 0;
}

static int print_simple(json_t *list, const char *const *heads, const char *const *cols,
			size_t ncols, FILE *out)
{
	struct table t;
	int rc;

	table_init(&t, heads, ncols);
	rc = list ? add_simple_rows(&t, list, cols) : 0;
	if (rc == 0)
		rc = table_print(&t, out);
	table_free(&t);
	return rc;
}

/* ---- per action ---- */

static int rule_row(struct table *t, json_t *p)
{
	static const char *const src[] = { "SourceCidrIp", "Ipv6SourceCidrIp",
					   "SourcePrefixListId", "SourceGroupId", NULL };
	static const char *const dst[] = { "DestCidrIp", "Ipv6DestCidrIp", NULL };
	static const char *const ports[] = { "PortRangeListId", "PortRange", NULL };
	char b[9][FIELD_LEN];
	const char *vals[9] = {
		text(p, "SecurityGroupRuleId", b[0], FIELD_LEN),
		text(p, "Priority", b[1], FIELD_LEN),
		text(p, "Policy", b[2], FIELD_LEN),
		text(p, "IpProtocol", b[3], FIELD_LEN),
		first_of(p, ports, b[4], FIELD_LEN),
		first_of(p, src, b[5], FIELD_LEN),
		first_of(p, dst, b[6], FIELD_LEN),
		text(p, "SourcePortRange", b[7], FIELD_LEN),
		text(p, "Description", b[8], FIELD_LEN),
	};
	return table_add(t, vals);
}

static int table_sg_attribute(json_t *body, FILE *out)
{
	static const char *const heads[] = { "RuleId", "Priority", "Policy", "Protocol", "Ports",
					     "Source", "Dest", "SourcePorts", "Description" };
	char b[4][FIELD_LEN];
	json_t *list = list_of(body, "Permissions", "Permission"), *p;
	struct table t;
	size_t i;
	int rc = 0;

	fprintf(out, "SecurityGroupId: %s  Name: %s  VpcId: %s  InnerAccessPolicy: %s\n\n",
		text(body, "SecurityGroupId", b[0], FIELD_LEN) ?: "-",
		text(body, "SecurityGroupName", b[1], FIELD_LEN) ?: "-",
		text(body, "VpcId", b[2], FIELD_LEN) ?: "-",
		text(body, "InnerAccessPolicy", b[3], FIELD_LEN) ?: "-");
	table_init(&t, heads, NCOLS(heads));
	json_array_foreach(list, i, p) {
		if ((rc = rule_row(&t, p)) < 0)
			goto out;
	}
	rc = table_print(&t, out);
out:
	table_free(&t);
	return rc;
}

static int table_sgs(json_t *body, FILE *out)
{
	static const char *const heads[] = { "SecurityGroupId", "Name", "Type", "VpcId", "Rules",
					     "Created", "Description" };
	static const char *const cols[] = { "SecurityGroupId", "SecurityGroupName",
					    "SecurityGroupType", "VpcId", "RuleCount",
					    "CreationTime", "Description" };
	return print_simple(list_of(body, "SecurityGroups", "SecurityGroup"), heads, cols,
			    NCOLS(heads), out);
}

static int table_pls(json_t *body, FILE *out)
{
	static const char *const heads[] = { "PrefixListId", "Name", "Family", "MaxEntries",
					     "Associations", "Created", "Description" };
	static const char *const cols[] = { "PrefixListId", "PrefixListName", "AddressFamily",
					    "MaxEntries", "AssociationCount", "CreationTime",
					    "Description" };
	return print_simple(list_of(body, "PrefixLists", "PrefixList"), heads, cols,
			    NCOLS(heads), out);
}

static int table_pl_attributes(json_t *body, FILE *out)
{
	static const char *const heads[] = { "Cidr", "Description" };
	static const char *const cols[] = { "Cidr", "Description" };
	char b[4][FIELD_LEN];

	fprintf(out, "PrefixListId: %s  Name: %s  AddressFamily: %s  MaxEntries: %s\n\n",
		text(body, "PrefixListId", b[0], FIELD_LEN) ?: "-",
		text(body, "PrefixListName", b[1], FIELD_LEN) ?: "-",
		text(body, "AddressFamily", b[2], FIELD_LEN) ?: "-",
		text(body, "MaxEntries", b[3], FIELD_LEN) ?: "-");
	return print_simple(list_of(body, "Entries", "Entry"), heads, cols, NCOLS(heads), out);
}

static int table_prls(json_t *body, FILE *out)
{
	static const char *const heads[] = { "PortRangeListId", "Name", "MaxEntries",
					     "Associations", "Created", "Description" };
	static const char *const cols[] = { "PortRangeListId", "PortRangeListName", "MaxEntries",
					    "AssociationCount", "CreationTime", "Description" };
	return print_simple(list_of(body, "PortRangeLists", "PortRangeList"), heads, cols,
			    NCOLS(heads), out);
}

static int nic_row(struct table *t, json_t *n)
{
	char b[5][FIELD_LEN], addrs[1024] = "", groups[512] = "";
	const char *primary = text(n, "PrivateIpAddress", b[4], FIELD_LEN);
	const char *vals[7];

	if (primary)
		snprintf(addrs, sizeof(addrs), "%s", primary);
	join(list_of(n, "PrivateIpSets", "PrivateIpSet"), "PrivateIpAddress", primary, addrs,
	     sizeof(addrs));
	join(list_of(n, "Ipv6Sets", "Ipv6Set"), "Ipv6Address", NULL, addrs, sizeof(addrs));
	join(list_of(n, "SecurityGroupIds", "SecurityGroupId"), NULL, NULL, groups,
	     sizeof(groups));
	vals[0] = text(n, "NetworkInterfaceId", b[0], FIELD_LEN);
	vals[1] = text(n, "NetworkInterfaceName", b[1], FIELD_LEN);
	vals[2] = text(n, "HostDevice", b[2], FIELD_LEN);
	vals[3] = text(n, "VpcId", b[3], FIELD_LEN);
	vals[4] = addrs;
	vals[5] = groups;
	vals[6] = json_string_value(json_object_get(n, "Description"));
	return table_add(t, vals);
}

static int table_nics(json_t *body, FILE *out)
{
	static const char *const heads[] = { "NetworkInterfaceId", "Name", "HostDevice", "VpcId",
					     "Addresses", "SecurityGroups", "Description" };
	json_t *list = list_of(body, "NetworkInterfaceSets", "NetworkInterfaceSet"), *n;
	struct table t;
	size_t i;
	int rc = 0;

	table_init(&t, heads, NCOLS(heads));
	json_array_foreach(list, i, n) {
		if ((rc = nic_row(&t, n)) < 0)
			goto out;
	}
	rc = table_print(&t, out);
out:
	table_free(&t);
	return rc;
}

static const struct {
	const char *action;
	int (*render)(json_t *body, FILE *out);
} renderers[] = {
	{ "DescribeSecurityGroupAttribute", table_sg_attribute },
	{ "DescribeSecurityGroups", table_sgs },
	{ "DescribePrefixLists", table_pls },
	{ "DescribePrefixListAttributes", table_pl_attributes },
	{ "DescribePortRangeLists", table_prls },
	{ "DescribeNetworkInterfaces", table_nics },
};

int ctl_render_table(const char *action, json_t *body, FILE *out)
{
	for (size_t i = 0; i < NCOLS(renderers); i++)
		if (action && strcmp(action, renderers[i].action) == 0)
			return renderers[i].render(body, out);
	return -ENOTSUP;
}

int ctl_render(const struct ctl_req *r, json_t *body, FILE *out)
{
	if (r->table && !r->json) {
		int rc = ctl_render_table(ctl_req_get(r, "Action"), body, out);
		if (rc != -ENOTSUP)
			return rc;
	}
	if (json_dumpf(body, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return -EIO;
	fputc('\n', out);
	return 0;
}
