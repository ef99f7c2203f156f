/* permission.c - AuthorizeSecurityGroup's per-permission contract: defaults,
 * the source precedence, protocol/port matching and every error code of the
 * spec's table that one host can decide. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "permission.h"

/* Where a permission's fields are, for messages: "Permissions.1.*", or "the
 * request" for the deprecated top-level form. */
#define WHERE(in) ((in)->prefix[0] ? (in)->prefix : "the request"), ((in)->prefix[0] ? "*" : "")

const char *const sg_perm_fields[] = {
	"Policy", "Priority", "IpProtocol", "SourceCidrIp", "Ipv6SourceCidrIp", "SourceGroupId",
	"SourcePrefixListId", "PortRange", "DestCidrIp", "Ipv6DestCidrIp", "SourcePortRange",
	"SourceGroupOwnerAccount", "SourceGroupOwnerId", "NicType", "Description", "PortRangeListId",
	NULL,
};

/* ---- which permissions a request carries ---- */

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return x < y ? -1 : x > y;
}

static bool has_toplevel_field(const struct sg_params *p)
{
	for (int i = 0; sg_perm_fields[i]; i++) {
		const char *v = sg_param(p, sg_perm_fields[i]);
		if (v && *v)
			return true;
	}
	return false;
}

void sg_perm_prefixes_free(char **prefixes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(prefixes[i]);
	free(prefixes);
}

int sg_perm_prefixes(const struct sg_env *env, const struct sg_params *p, char ***prefixes,
		     size_t *n, struct sg_reply *r)
{
	unsigned long *idx = calloc(p->n ? p->n : 1, sizeof(*idx));
	size_t k = 0;
	if (!idx)
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	for (size_t i = 0; i < p->n; i++) {
		const char *key = p->v[i].key;
		if (strncmp(key, "Permissions.", 12) != 0)
			continue;
		char *end;
		const char *num = key + 12;
		unsigned long v = strtoul(num, &end, 10);
		/* "Permissions.01." would be read back as "Permissions.1.": refuse it */
		if (!isdigit((unsigned char)*num) || *num == '0' || *end != '.' || v == 0 || v > 100000) {
			free(idx);
			return sg_fail(r, 400, "InvalidParameter",
				       "The specified parameter \"%s\" is not valid: Permissions.N with N from 1.", key);
		}
		idx[k++] = v;
	}
	qsort(idx, k, sizeof(*idx), cmp_ulong);
	size_t distinct = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || idx[i] != idx[i - 1])
			idx[distinct++] = idx[i];

	bool top = has_toplevel_field(p);
	if (distinct && top) {
		free(idx);
		return sg_fail(r, 400, "InvalidParam.Permissions",
			       "The specified parameter Permissions cannot coexist with other parameters.");
	}
	if (!distinct && !top) {
		free(idx);
		return sg_fail(r, 400, "MissingParameter",
			       "The input parameter \"Permissions\" that is mandatory for processing this request is not supplied.");
	}
	if (distinct > env->model->quota.permissions_per_call) {
		free(idx);
		return sg_fail(r, 400, "InvalidParameter",
			       "The specified parameter Permissions is not valid: %zu permissions, at most %u a call.",
			       distinct, env->model->quota.permissions_per_call);
	}
	size_t cnt = distinct ? distinct : 1;
	char **out = calloc(cnt, sizeof(*out));
	if (!out) {
		free(idx);
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	}
	for (size_t i = 0; i < cnt; i++) {
		if (distinct ? asprintf(&out[i], "Permissions.%lu.", idx[i]) < 0
			     : !(out[i] = strdup(""))) {
			sg_perm_prefixes_free(out, i);
			free(idx);
			return sg_fail(r, 500, "InternalError", "Out of memory.");
		}
	}
	free(idx);
	*prefixes = out;
	*n = cnt;
	return 0;
}

/* ---- one permission ---- */

struct perm_in {
	const struct sg_params *p;
	const char *prefix;
	char name[64]; /* last looked-up parameter name, for messages */
};

/* Value of prefix+field, NULL when absent or empty. */
static const char *get(struct perm_in *in, const char *field)
{
	snprintf(in->name, sizeof(in->name), "%s%s", in->prefix, field);
	const char *v = sg_param(in->p, in->name);
	return v && *v ? v : NULL;
}

static int parse_policy(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	const char *v = get(in, "Policy");
	out->policy = SG_POLICY_ACCEPT;
	if (!v || strcasecmp(v, "accept") == 0)
		return 0;
	if (strcasecmp(v, "drop") == 0) {
		out->policy = SG_POLICY_DROP;
		return 0;
	}
	return sg_fail(r, 400, "InvalidPolicy.Malformed", "The specified parameter Policy is not valid.");
}

static int parse_priority(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	const char *v = get(in, "Priority");
	out->priority = 1;
	if (!v)
		return 0;
	size_t len = strlen(v);
	if (len > 9 || strspn(v, "0123456789") != len)
		return sg_fail(r, 400, "InvalidPriority.Malformed", "The parameter Priority is invalid.");
	long n = strtol(v, NULL, 10);
	if (n < 1 || n > 100)
		return sg_fail(r, 400, "InvalidPriority.ValueNotSupported",
			       "The specified parameter %s is invalid: Priority is 1 to 100.", in->name);
	out->priority = (uint8_t)n;
	return 0;
}

static int parse_protocol(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	static const struct { const char *name; int16_t proto; } names[] = {
		{ "TCP", SG_PROTO_TCP }, { "UDP", SG_PROTO_UDP }, { "ICMP", SG_PROTO_ICMP },
		{ "ICMPv6", SG_PROTO_ICMPV6 }, { "GRE", SG_PROTO_GRE }, { "ALL", SG_PROTO_ALL },
	};
	const char *v = get(in, "IpProtocol");
	if (!v)
		return sg_fail(r, 400, "MissingParameter",
			       "The input parameter \"%s\" that is mandatory for processing this request is not supplied.",
			       in->name);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(v, names[i].name) == 0) {
			out->proto = names[i].proto;
			snprintf(out->proto_text, sizeof(out->proto_text), "%s", names[i].name);
			return 0;
		}
	size_t len = strlen(v);
	if (len >= 1 && len <= 3 && strspn(v, "0123456789") == len && atoi(v) <= 255) {
		out->proto = (int16_t)atoi(v);
		snprintf(out->proto_text, sizeof(out->proto_text), "%d", out->proto);
		return 0;
	}
	return sg_fail(r, 400, "InvalidIpProtocol.ValueNotSupported",
		       "The parameter %s must be specified with case insensitive TCP, UDP, ICMP, GRE or All.",
		       in->name);
}

/* Only TCP and UDP named as such carry ports; IANA numbers are port-less. */
static bool has_ports(const struct sg_rule *rule)
{
	return (rule->proto == SG_PROTO_TCP && strcasecmp(rule->proto_text, "TCP") == 0) ||
	       (rule->proto == SG_PROTO_UDP && strcasecmp(rule->proto_text, "UDP") == 0);
}

static int parse_ports(struct sg_env *env, struct perm_in *in, const struct sg_caller *c,
		       const struct sg_group *g, struct sg_rule *out, struct sg_reply *r)
{
	const char *pr = get(in, "PortRange");
	char prname[64];
	snprintf(prname, sizeof(prname), "%s", in->name);
	const char *list = get(in, "PortRangeListId");

	if (has_ports(out)) {
		if (!pr && list) {
			const struct sg_port_list *prl = sg_prl_find(env->model, list);
			if (!prl || !sg_owns(c, prl->owner_id))
				return sg_fail(r, 400, "InvalidPortRangeListId.NotFound",
					       "The specified port range list was not found.");
			if (!g->vpc_id[0])
				return sg_fail(r, 400, "InvalidSecurityGroup.InvalidNetworkType",
					       "The specified security group network type is not support this operation: port range lists need a VPC security group.");
			snprintf(out->port_list_id, sizeof(out->port_list_id), "%s", list);
			out->dport.any = true;
			out->dport.lo = 0;
			out->dport.hi = 65535;
		} else if (!pr) {
			return sg_fail(r, 400, "InvalidPortRange.Malformed",
				       "The specified parameter PortRange must set.");
		} else if (sg_port_parse(pr, &out->dport)) {
			return sg_fail(r, 400, "InvalidParam.PortRange",
				       "The specified parameter %s is not valid. It should be two integers less than 65535 in ?/? format.",
				       prname);
		} else if (out->dport.any) {
			return sg_fail(r, 400, "OperationDenied",
				       "The specified IpProtocol does not exist or IpProtocol and PortRange do not match.");
		}
	} else {
		if (list && !pr)
			return sg_fail(r, 400, "InvalidParam.ProtocolNotSupportPortRangeList",
				       "The specified protocol does not support the port range list.");
		if (pr) {
			struct sg_port_range tmp;
			if (sg_port_parse(pr, &tmp))
				return sg_fail(r, 400, "InvalidParam.PortRange",
					       "The specified parameter %s is not valid. It should be two integers less than 65535 in ?/? format.",
					       prname);
			if (!tmp.any)
				return sg_fail(r, 400, "OperationDenied",
					       "The specified IpProtocol does not exist or IpProtocol and PortRange do not match.");
		}
		out->dport = (struct sg_port_range){ .lo = 0, .hi = 65535, .any = true };
	}

	const char *sp = get(in, "SourcePortRange");
	if (!sp)
		return 0;
	struct sg_port_range s;
	if (sg_port_parse(sp, &s))
		return sg_fail(r, 400, "InvalidSourcePortRange.Malformed",
			       "The specified parameter SourcePortRange is not valid.");
	if (s.any)
		return 0; /* -1/-1: any source port, same as absent */
	if (!has_ports(out))
		return sg_fail(r, 400, "InvalidSourcePortRange.Malformed",
			       "The specified parameter SourcePortRange is not valid: only TCP and UDP have ports.");
	out->has_sport = true;
	out->sport = s;
	return 0;
}

/* Parse one address parameter of the expected family. */
static int parse_addr(const char *v, uint8_t family, struct sg_addr_range *out, char *text,
		      size_t len)
{
	if (sg_addr_parse(v, out))
		return -EINVAL;
	if (out->family != family)
		return -EAFNOSUPPORT;
	sg_addr_format(out, text, len);
	return 0;
}

static int parse_dest(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	const char *d4 = get(in, "DestCidrIp");
	const char *d6 = get(in, "Ipv6DestCidrIp");
	if (d4 && d6)
		return sg_fail(r, 400, "InvalidParam.DestIp",
			       "The Parameters DestCidrIp and Ipv6DestCidrIp in %s%s cannot be set at the same time.",
			       WHERE(in));
	if (d4) {
		int rc = parse_addr(d4, 4, &out->dst, out->dst_text, sizeof(out->dst_text));
		if (rc == -EINVAL)
			return sg_fail(r, 400, "InvalidDestCidrIp.Malformed",
				       "The specified parameter DestCidrIp is not valid.");
		if (rc)
			return sg_fail(r, 400, "InvalidParam.DestCidrIp",
				       "The specified parameter %sDestCidrIp is not valid: an IPv4 block is expected.",
				       in->prefix);
		out->has_dst = true;
	} else if (d6) {
		if (parse_addr(d6, 6, &out->dst, out->dst_text, sizeof(out->dst_text)))
			return sg_fail(r, 400, "InvalidParam.Ipv6DestCidrIp",
				       "The specified parameter %sIpv6DestCidrIp is not valid.", in->prefix);
		out->has_dst = true;
	}
	return 0;
}

/* The account a SourceGroupOwnerId / SourceGroupOwnerAccount names, or the
 * caller's own when neither is given.  0 when not found. */
static int owner_of(struct sg_env *env, struct perm_in *in, const struct sg_caller *c,
		    uint64_t *owner, struct sg_rule *out)
{
	const char *oid = get(in, "SourceGroupOwnerId");
	const char *oacc = get(in, "SourceGroupOwnerAccount");
	if (!oid && !oacc) {
		*owner = c->account.id;
		return 0;
	}
	for (size_t i = 0; i < env->naccounts; i++) {
		const struct sg_account *a = &env->accounts[i];
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%llu", (unsigned long long)a->id);
		if ((oid && strcmp(oid, idtext) != 0) || (oacc && strcmp(oacc, a->name) != 0))
			continue;
		*owner = a->id;
		snprintf(out->src_group_owner_account, sizeof(out->src_group_owner_account), "%s", a->name);
		return 0;
	}
	/* The caller's own account, also when the credentials do not list it
	 * (the local administrator). */
	if ((!oid || (c->account.id && strtoull(oid, NULL, 10) == c->account.id)) &&
	    (!oacc || strcmp(oacc, c->account.name) == 0)) {
		*owner = c->account.id;
		return 0;
	}
	return -ENOENT;
}

/* The address family a protocol belongs to, 0 when it has none.  The name
 * ICMP follows the rule's family (ICMPv6 in IPv6: docs/semantics.md);
 * ICMPv6 and the IANA numbers 1 (ICMP) and 58 (ICMPv6) are one family's. */
static int proto_family(const struct sg_rule *rule)
{
	if (rule->proto == SG_PROTO_ICMPV6)
		return 6;
	if (rule->proto == SG_PROTO_ICMP && strcasecmp(rule->proto_text, "ICMP") != 0)
		return 4;
	return 0;
}

static int source_group(struct sg_env *env, struct perm_in *in, const char *gid,
			const struct sg_caller *c, const struct sg_group *g, struct sg_rule *out,
			struct sg_reply *r)
{
	if (g->type == SG_GROUP_ENTERPRISE)
		return sg_fail(r, 400, "InvalidGroupAuthParameter.OperationDenied",
			       "The security group can not authorize to enterprise level security group.");
	uint64_t owner = 0;
	const struct sg_group *src = sg_group_find(env->model, gid);
	if (owner_of(env, in, c, &owner, out) || !src || (src->owner_id != owner && !c->admin))
		return sg_fail(r, 404, "InvalidSourceGroupId.NotFound",
			       "The SourceGroupId provided does not exist in our records.");
	if (strcmp(src->id, g->id) == 0)
		return sg_fail(r, 403, "InvalidParamter.Conflict",
			       "The specified SecurityGroupId should be different from the SourceGroupId.");
	if (!src->vpc_id[0] != !g->vpc_id[0])
		return sg_fail(r, 403, "InvalidNetworkType.Mismatch",
			       "The specified SecurityGroup network type should be same with SourceGroup network type (vpc or classic).");
	if (strcmp(src->vpc_id, g->vpc_id) != 0)
		return sg_fail(r, 400, "InvalidSourceGroupId.Mismatch",
			       "Specified security group and source group are not in the same VPC.");
	out->src_kind = SG_SRC_GROUP;
	snprintf(out->src_group_id, sizeof(out->src_group_id), "%s", gid);
	out->src_group_owner_id = src->owner_id;
	if (!out->src_group_owner_account[0])
		for (size_t i = 0; i < env->naccounts; i++)
			if (env->accounts[i].id == src->owner_id)
				snprintf(out->src_group_owner_account, sizeof(out->src_group_owner_account),
					 "%s", env->accounts[i].name);
	/* Members of both families match, unless the protocol has one. */
	out->family = proto_family(out);
	return 0;
}

static int source_prefix_list(struct sg_env *env, const char *plid, const struct sg_caller *c,
			      const struct sg_group *g, struct sg_rule *out, struct sg_reply *r)
{
	const struct sg_prefix_list *pl = sg_pl_find(env->model, plid);
	if (!pl || !sg_owns(c, pl->owner_id))
		return sg_fail(r, 404, "InvalidPrefixListId.NotFound", "The specified prefix list was not found.");
	if (!g->vpc_id[0])
		return sg_fail(r, 400, "NotSupported.ClassicNetworkPrefixList",
			       "The prefix list is not supported when the network type of security group is classic.");
	out->src_kind = SG_SRC_PREFIX_LIST;
	snprintf(out->prefix_list_id, sizeof(out->prefix_list_id), "%s", plid);
	out->family = pl->family;
	return 0;
}

static int parse_source(struct sg_env *env, struct perm_in *in, const struct sg_caller *c,
			const struct sg_group *g, struct sg_rule *out, struct sg_reply *r)
{
	const char *s4 = get(in, "SourceCidrIp");
	const char *s6 = get(in, "Ipv6SourceCidrIp");
	const char *sg = get(in, "SourceGroupId");
	const char *pl = get(in, "SourcePrefixListId");

	if (s4 && s6)
		return sg_fail(r, 400, "InvalidParam.SourceIp",
			       "The Parameters SourceCidrIp and Ipv6SourceCidrIp in %s%s cannot be set at the same time.",
			       WHERE(in));
	if (s4) {
		int rc = parse_addr(s4, 4, &out->src, out->src_text, sizeof(out->src_text));
		if (rc == -EINVAL)
			return sg_fail(r, 400, "InvalidSourceCidrIp.Malformed",
				       "The specified parameter SourceCidrIp is not valid.");
		if (rc)
			return sg_fail(r, 400, "InvalidParam.SourceCidrIp",
				       "The specified parameter %sSourceCidrIp is not valid: an IPv4 block is expected.",
				       in->prefix);
		out->src_kind = SG_SRC_CIDR;
		out->family = 4;
		return 0;
	}
	if (s6) {
		int rc = parse_addr(s6, 6, &out->src, out->src_text, sizeof(out->src_text));
		if (rc)
			return sg_fail(r, 400, "InvalidParam.Ipv6SourceCidrIp",
				       "The specified parameter %sIpv6SourceCidrIp is not valid.", in->prefix);
		out->src_kind = SG_SRC_CIDR;
		out->family = 6;
		return 0;
	}
	if (sg)
		return source_group(env, in, sg, c, g, out, r);
	if (pl)
		return source_prefix_list(env, pl, c, g, out, r);
	return sg_fail(r, 400, "MissingParameter.Source",
		       "One of the parameters SourceCidrIp, Ipv6SourceCidrIp, SourceGroupId or SourcePrefixListId in %s%s must be specified.",
		       WHERE(in));
}

/* Families of source, destination and protocol must agree. */
static int check_families(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	if (out->has_dst) {
		/* A group source has no address family of its own: the family an
		 * ICMP/ICMPv6 name gave it is checked against the protocol below. */
		if (out->family && out->family != out->dst.family && out->src_kind != SG_SRC_GROUP) {
			if (out->src_kind == SG_SRC_PREFIX_LIST)
				return sg_fail(r, 400, "InvalidParam.PrefixListAddressFamilyMismatch",
					       "The address family of the specified prefix list does not match the specified CidrIp.");
			return sg_fail(r, 400, "InvalidParameter.Conflict",
				       "IPv6 and IPv4 addresses cannot exist at the same time.");
		}
		out->family = out->dst.family;
	}
	int pf = proto_family(out);
	if (pf == 4 && out->family == 6)
		return sg_fail(r, 400, "InvalidParam.Ipv4ProtocolConflictWithIpv6Address",
			       "IPv6 address cannot be specified for IPv4-specific protocol.");
	if (pf == 6 && out->family == 4)
		return sg_fail(r, 400, "InvalidParam.Ipv6ProtocolConflictWithIpv4Address",
			       "IPv4 address cannot be specified for IPv6-specific protocol.");
	if (out->src_kind == SG_SRC_CIDR && out->has_dst && sg_addr_equal(&out->src, &out->dst))
		return sg_fail(r, 400, "InvalidParamter.Conflict",
			       "The specified SourceCidrIp should be different from the DestCidrIp.");
	(void)in;
	return 0;
}

static int parse_nic_type(struct perm_in *in, const struct sg_group *g, struct sg_rule *out,
			  struct sg_reply *r)
{
	const char *v = get(in, "NicType");
	if (v && strcasecmp(v, "internet") != 0 && strcasecmp(v, "intranet") != 0)
		return sg_fail(r, 400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist.");
	bool internet = v && strcasecmp(v, "internet") == 0;
	if (out->src_kind == SG_SRC_GROUP && internet)
		return sg_fail(r, 403, "InvalidSourceGroupId.Mismatch",
			       "NicType is required or NicType expects intranet.");
	/* VPC groups only have intranet rules; classic ones default to internet. */
	if (g->vpc_id[0])
		internet = false;
	else if (!v && out->src_kind != SG_SRC_GROUP)
		internet = true;
	snprintf(out->nic_type, sizeof(out->nic_type), "%s", internet ? "internet" : "intranet");
	return 0;
}

static int parse_description(struct perm_in *in, struct sg_rule *out, struct sg_reply *r)
{
	const char *v = get(in, "Description");
	if (!v)
		return 0;
	size_t len = 0; /* characters, not bytes: UTF-8 continuation bytes do not count */
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		len += (*s & 0xc0) != 0x80;
	bool bad = len > 512 || !strncmp(v, "http://", 7) || !strncmp(v, "https://", 8);
	for (const char *s = v; *s && !bad; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			bad = true;
	if (bad)
		return sg_fail(r, 400, "InvalidSecurityGroupDiscription.Malformed",
			       "The specified security group rule description parameter %s is not valid: 1 to 512 characters, not starting with http:// or https://.",
			       in->name);
	out->description = strdup(v);
	return out->description ? 0 : sg_fail(r, 500, "InternalError", "Out of memory.");
}

int sg_perm_parse(struct sg_env *env, const struct sg_params *p, const char *prefix,
		  const struct sg_caller *c, const struct sg_group *g, struct sg_rule *out,
		  struct sg_reply *r)
{
	struct perm_in in = { .p = p, .prefix = prefix };
	memset(out, 0, sizeof(*out));
	if (parse_policy(&in, out, r) || parse_priority(&in, out, r) || parse_protocol(&in, out, r) ||
	    parse_source(env, &in, c, g, out, r) || parse_dest(&in, out, r) ||
	    check_families(&in, out, r) || parse_ports(env, &in, c, g, out, r) ||
	    parse_nic_type(&in, g, out, r) || parse_description(&in, out, r)) {
		sg_rule_free(out);
		return -1;
	}
	return 0;
}

static int put(struct sg_params *out, const char *k, const char *v)
{
	return v && *v ? sg_params_set(out, k, v) : 0;
}

int sg_perm_to_params(const struct sg_rule *rule, struct sg_params *out)
{
	char buf[32];
	int rc = 0;
	rc |= put(out, "Policy", rule->policy == SG_POLICY_DROP ? "drop" : "accept");
	snprintf(buf, sizeof(buf), "%u", rule->priority);
	rc |= put(out, "Priority", buf);
	rc |= put(out, "IpProtocol", rule->proto_text);
	if (rule->src_kind == SG_SRC_CIDR)
		rc |= put(out, rule->family == 6 ? "Ipv6SourceCidrIp" : "SourceCidrIp", rule->src_text);
	else if (rule->src_kind == SG_SRC_GROUP) {
		rc |= put(out, "SourceGroupId", rule->src_group_id);
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)rule->src_group_owner_id);
		rc |= put(out, "SourceGroupOwnerId", buf);
	} else
		rc |= put(out, "SourcePrefixListId", rule->prefix_list_id);
	if (rule->has_dst)
		rc |= put(out, rule->dst.family == 6 ? "Ipv6DestCidrIp" : "DestCidrIp", rule->dst_text);
	if (rule->port_list_id[0])
		rc |= put(out, "PortRangeListId", rule->port_list_id);
	else {
		sg_port_format(&rule->dport, buf, sizeof(buf));
		rc |= put(out, "PortRange", buf);
	}
	if (rule->has_sport) {
		sg_port_format(&rule->sport, buf, sizeof(buf));
		rc |= put(out, "SourcePortRange", buf);
	}
	rc |= put(out, "NicType", rule->nic_type);
	rc |= put(out, "Description", rule->description);
	return rc ? -ENOMEM : 0;
}
