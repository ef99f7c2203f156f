/* group.c - security group life cycle: CreateSecurityGroup,
 * DeleteSecurityGroup, DescribeSecurityGroups, DescribeSecurityGroupAttribute,
 * ModifySecurityGroupPolicy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "json_util.h"

/* A group can neither vanish under a NIC nor leave a dangling rule. */
static int group_in_use(const struct sg_model *m, const struct sg_group *g, struct sg_reply *r)
{
	for (size_t i = 0; i < m->nnics; i++)
		if (sg_nic_in_group(&m->nics[i], g->id))
			return sg_fail(r, 403, "DependencyViolation",
				       "There is still instance(s) in the specified security group.");
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct sg_group *o = &m->groups[i];
		if (o == g)
			continue;
		for (size_t j = 0; j < o->nrules; j++)
			if (o->rules[j].src_kind == SG_SRC_GROUP &&
			    strcmp(o->rules[j].src_group_id, g->id) == 0)
				return sg_fail(r, 403, "DependencyViolation",
					       "The specified security group has been authorized in another one.");
	}
	return 0;
}

static const char *policy_name(enum sg_policy p)
{
	return p == SG_POLICY_DROP ? "Drop" : "Accept";
}

static const char *type_name(enum sg_group_type t)
{
	return t == SG_GROUP_ENTERPRISE ? "enterprise" : "normal";
}

/* Validated CreateSecurityGroup input, filled into a fresh group. */
static int create_parse(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			struct sg_group *g, struct sg_reply *r)
{
	const char *name = sg_param(p, "SecurityGroupName");
	const char *desc = sg_param(p, "Description");
	const char *vpc = sg_param(p, "VpcId");
	const char *type = sg_param(p, "SecurityGroupType");

	if (name && *name && !sgu_name_ok(name))
		return sg_fail(r, 400, "InvalidSecurityGroupName.Malformed",
			       "The specified parameter SecurityGroupName is not valid.");
	if (desc && !sgu_desc_ok(desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	if (vpc && strlen(vpc) >= SG_ID_LEN)
		return sg_fail(r, 400, "InvalidVpcId.Malformed",
			       "The specified parameter VpcId is not valid.");
	if (sg_vpc_check(env, c, vpc, r)) /* another account's VPC */
		return -1;
	memset(g, 0, sizeof(*g));
	if (!type || !*type || strcasecmp(type, "normal") == 0)
		g->type = SG_GROUP_NORMAL;
	else if (strcasecmp(type, "enterprise") == 0)
		g->type = SG_GROUP_ENTERPRISE;
	else
		return sg_fail(r, 400, "InvalidSecurityGroupType.Malformed",
			       "The specified parameter SecurityGroupType is not valid.");
	/* Basic groups let members talk by default; advanced groups isolate. */
	g->inner_policy = g->type == SG_GROUP_ENTERPRISE ? SG_POLICY_DROP : SG_POLICY_ACCEPT;
	do
		sg_id_new("sg-", g->id, sizeof(g->id));
	while (sg_group_find(env->model, g->id));
	snprintf(g->name, sizeof(g->name), "%s", name ? name : "");
	snprintf(g->vpc_id, sizeof(g->vpc_id), "%s", vpc ? vpc : "");
	g->owner_id = c->account.id;
	sg_time_now(g->create_time, sizeof(g->create_time));
	if (desc && *desc && !(g->description = strdup(desc)))
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	return 0;
}

SG_ACTION(act_CreateSecurityGroup)
{
	struct sg_group g;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "CreateSecurityGroup", r))
		return r->code ? -1 : 0;
	if (sg_account_quota(env, c, SG_OWNED_GROUP, r) || create_parse(env, p, c, &g, r))
		return -1;
	if (sg_tx_begin(env, r)) {
		free(g.description);
		return -1;
	}
	if (SGU_STORE(env, r, sg_store_put_group(env->store, &g)))
		goto abort;
	if (!sg_group_add(env->model, &g)) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto abort;
	}
	g.description = NULL; /* owned by the model now */
	sgu_set(sg_json_body(r), "SecurityGroupId", g.id);
	if (sg_token_save(env, p, c, "CreateSecurityGroup", r)) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
abort:
	free(g.description);
	sg_tx_abort(env);
	return -1;
}

SG_ACTION(act_DeleteSecurityGroup)
{
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "SecurityGroupId", r);
	if (!id)
		return -1;
	struct sg_group *g = sg_need_group(env, id, c, r);
	if (!g || group_in_use(env->model, g, r))
		return -1;
	if (sg_tx_begin(env, r))
		return -1;
	if (SGU_STORE(env, r, sg_store_del_group(env->store, g->id))) {
		sg_tx_abort(env);
		return -1;
	}
	sg_group_del(env->model, g);
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

SG_ACTION(act_ModifySecurityGroupPolicy)
{
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "ModifySecurityGroupPolicy", r))
		return r->code ? -1 : 0;
	const char *id = sg_need(p, "SecurityGroupId", r);
	if (!id)
		return -1;
	const char *pol = sg_need(p, "InnerAccessPolicy", r);
	if (!pol)
		return -1;
	enum sg_policy np;
	if (strcasecmp(pol, "Accept") == 0)
		np = SG_POLICY_ACCEPT;
	else if (strcasecmp(pol, "Drop") == 0)
		np = SG_POLICY_DROP;
	else
		return sg_fail(r, 400, "InvalidInnerAccessPolicy.Malformed",
			       "The specified parameter InnerAccessPolicy is not valid.");
	struct sg_group *g = sg_need_group(env, id, c, r);
	if (!g)
		return -1;
	if (g->type == SG_GROUP_ENTERPRISE && np == SG_POLICY_ACCEPT)
		return sg_fail(r, 403, "InvalidSecurityGroup.InnerAccessPolicyNotSupported",
			       "The InnerAccessPolicy of an enterprise level security group cannot be modified.");
	if (sg_tx_begin(env, r))
		return -1;
	enum sg_policy old = g->inner_policy;
	g->inner_policy = np;
	if (SGU_STORE(env, r, sg_store_put_group(env->store, g))) {
		g->inner_policy = old;
		sg_tx_abort(env);
		return -1;
	}
	sg_json_body(r);
	if (sg_token_save(env, p, c, "ModifySecurityGroupPolicy", r)) {
		g->inner_policy = old;
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
}

/* ---- DescribeSecurityGroups ---- */

/* SecurityGroupIds, parsed once per call: a JSON array string in the
 * reference ('["sg-a","sg-b"]'); a comma-separated list is accepted too. */
#define SG_DESCRIBE_MAX_IDS 100
struct id_filter {
	char *buf;                             /* the ids, NUL-separated */
	const char *ids[SG_DESCRIBE_MAX_IDS];
	size_t n;
	bool on;                               /* the parameter was given */
};

static int id_filter_add(struct id_filter *f, const char *id, struct sg_reply *r)
{
	if (f->n == SG_DESCRIBE_MAX_IDS)
		return sg_fail(r, 400, "InvalidParameter",
			       "The parameter SecurityGroupIds has more than %d items.", SG_DESCRIBE_MAX_IDS);
	f->ids[f->n++] = id;
	return 0;
}

static int id_filter_parse(const char *list, struct id_filter *f, struct sg_reply *r)
{
	memset(f, 0, sizeof(*f));
	if (!list || !*list)
		return 0;
	f->on = true;
	if (!(f->buf = strdup(list)))
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	json_t *arr = list[0] == '[' ? json_loads(list, 0, NULL) : NULL;
	if (arr) {
		/* Copy each string into buf (the JSON text is longer than the ids). */
		char *out = f->buf;
		size_t i;
		json_t *v;
		int rc = 0;
		json_array_foreach(arr, i, v) {
			if (!json_is_string(v) || rc)
				continue;
			size_t len = strlen(json_string_value(v));
			memcpy(out, json_string_value(v), len + 1);
			rc = id_filter_add(f, out, r);
			out += len + 1;
		}
		json_decref(arr);
		return rc;
	}
	for (char *save = NULL, *tok = strtok_r(f->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \"[");
		tok[strcspn(tok, " \"]")] = '\0';
		if (*tok && id_filter_add(f, tok, r))
			return -1;
	}
	return 0;
}

static bool id_filter_has(const struct id_filter *f, const char *id)
{
	if (!f->on)
		return true;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->ids[i], id) == 0)
			return true;
	return false;
}

static size_t group_member_count(const struct sg_model *m, const char *id)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nnics; i++)
		n += sg_nic_in_group(&m->nics[i], id);
	return n;
}

/* The fields that name a group, in both answers that show one. */
static void group_names_set(json_t *o, const struct sg_group *g)
{
	sgu_set(o, "SecurityGroupId", g->id);
	sgu_set(o, "SecurityGroupName", g->name);
	sgu_set(o, "Description", g->description);
	sgu_set(o, "VpcId", g->vpc_id);
}

static json_t *group_json(const struct sg_model *m, const struct sg_group *g)
{
	json_t *o = json_object();
	size_t g2g = 0;
	for (size_t i = 0; i < g->nrules; i++)
		g2g += g->rules[i].src_kind == SG_SRC_GROUP;
	group_names_set(o, g);
	sgu_set(o, "CreationTime", g->create_time);
	sgu_set(o, "SecurityGroupType", type_name(g->type));
	sgu_set(o, "ResourceGroupId", "");
	json_object_set_new(o, "RuleCount", json_integer((json_int_t)g->nrules));
	json_object_set_new(o, "GroupToGroupRuleCount", json_integer((json_int_t)g2g));
	json_object_set_new(o, "EcsCount", json_integer((json_int_t)group_member_count(m, g->id)));
	json_object_set_new(o, "ServiceManaged", json_false());
	sgu_wrapped_array(o, "Tags", "Tag");
	return o;
}

static bool group_matches(const struct sg_params *p, const struct sg_caller *c,
			  const struct id_filter *ids, const struct sg_group *g)
{
	const char *id = sg_param(p, "SecurityGroupId");
	const char *vpc = sg_param(p, "VpcId");
	const char *name = sg_param(p, "SecurityGroupName");
	const char *type = sg_param(p, "SecurityGroupType");
	if (!sg_owns(c, g->owner_id))
		return false;
	if (id && *id && strcmp(id, g->id) != 0)
		return false;
	if (!id_filter_has(ids, g->id))
		return false;
	if (vpc && *vpc && strcmp(vpc, g->vpc_id) != 0)
		return false;
	if (name && *name && strcmp(name, g->name) != 0)
		return false;
	if (type && *type && strcasecmp(type, type_name(g->type)) != 0)
		return false;
	return true;
}

SG_ACTION(act_DescribeSecurityGroups)
{
	static const struct sgu_page_spec spec = {
		.pages = true, .page_def = 10, .page_max = 50,
		.tokens = true, .max_def = 10, .max_lo = 1, .max_hi = 100,
	};
	struct sgu_page pg;
	struct id_filter ids;
	if (sg_check_region(env, p, r) || sgu_page_parse(p, &spec, &pg, r))
		return -1;
	if (id_filter_parse(sg_param(p, "SecurityGroupIds"), &ids, r)) {
		free(ids.buf);
		return -1;
	}
	json_t *body = sg_json_body(r);
	sgu_set(body, "RegionId", env->region);
	json_t *arr = sgu_wrapped_array(body, "SecurityGroups", "SecurityGroup");
	size_t total = 0;
	for (size_t i = 0; i < env->model->ngroups; i++) {
		const struct sg_group *g = &env->model->groups[i];
		if (!group_matches(p, c, &ids, g))
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, group_json(env->model, g));
		total++;
	}
	free(ids.buf);
	sgu_page_render(body, &pg, total, true);
	return 0;
}

/* ---- DescribeSecurityGroupAttribute ---- */

static void rule_source_json(const struct sg_model *m, const struct sg_rule *ru, json_t *o)
{
	char buf[SG_TEXT_LEN];
	const char *cidr = "", *cidr6 = "";
	const char *sg = "", *sgname = "", *sgowner = "", *pl = "", *plname = "";
	if (ru->src_kind == SG_SRC_CIDR) {
		if (ru->src_text[0])
			snprintf(buf, sizeof(buf), "%s", ru->src_text);
		else
			sg_addr_format(&ru->src, buf, sizeof(buf));
		if (ru->src.family == 6)
			cidr6 = buf;
		else
			cidr = buf;
	} else if (ru->src_kind == SG_SRC_GROUP) {
		const struct sg_group *sgp = sg_group_find(m, ru->src_group_id);
		sg = ru->src_group_id;
		sgname = sgp ? sgp->name : "";
		sgowner = ru->src_group_owner_account;
	} else {
		const struct sg_prefix_list *plp = sg_pl_find(m, ru->prefix_list_id);
		pl = ru->prefix_list_id;
		plname = plp ? plp->name : "";
	}
	sgu_set(o, "SourceCidrIp", cidr);
	sgu_set(o, "Ipv6SourceCidrIp", cidr6);
	sgu_set(o, "SourceGroupId", sg);
	sgu_set(o, "SourceGroupName", sgname);
	sgu_set(o, "SourceGroupOwnerAccount", sgowner);
	sgu_set(o, "SourcePrefixListId", pl);
	sgu_set(o, "SourcePrefixListName", plname);
}

static void rule_dest_json(const struct sg_rule *ru, json_t *o)
{
	char buf[SG_TEXT_LEN] = "";
	if (ru->has_dst) {
		if (ru->dst_text[0])
			snprintf(buf, sizeof(buf), "%s", ru->dst_text);
		else
			sg_addr_format(&ru->dst, buf, sizeof(buf));
	}
	bool v6 = ru->has_dst && ru->dst.family == 6;
	sgu_set(o, "DestCidrIp", v6 ? "" : buf);
	sgu_set(o, "Ipv6DestCidrIp", v6 ? buf : "");
	sgu_set(o, "DestGroupId", "");
	sgu_set(o, "DestGroupName", "");
	sgu_set(o, "DestGroupOwnerAccount", "");
	sgu_set(o, "DestPrefixListId", "");
	sgu_set(o, "DestPrefixListName", "");
}

/* One Permission as the reference's response model has it: every field a
 * string, Priority too. */
static json_t *rule_json(const struct sg_model *m, const struct sg_rule *ru)
{
	json_t *o = json_object();
	char buf[32];
	sgu_set(o, "SecurityGroupRuleId", ru->id);
	sgu_set(o, "Direction", "ingress");
	sgu_set(o, "Policy", policy_name(ru->policy));
	snprintf(buf, sizeof(buf), "%u", ru->priority);
	sgu_set(o, "Priority", buf);
	sgu_set(o, "IpProtocol", ru->proto_text);
	rule_source_json(m, ru, o);
	rule_dest_json(ru, o);
	if (ru->port_list_id[0]) {
		const struct sg_port_list *prl = sg_prl_find(m, ru->port_list_id);
		sgu_set(o, "PortRange", "");
		sgu_set(o, "PortRangeListId", ru->port_list_id);
		sgu_set(o, "PortRangeListName", prl ? prl->name : "");
	} else {
		sg_port_format(&ru->dport, buf, sizeof(buf));
		sgu_set(o, "PortRange", buf);
		sgu_set(o, "PortRangeListId", "");
		sgu_set(o, "PortRangeListName", "");
	}
	buf[0] = '\0';
	if (ru->has_sport)
		sg_port_format(&ru->sport, buf, sizeof(buf));
	sgu_set(o, "SourcePortRange", buf);
	sgu_set(o, "NicType", ru->nic_type[0] ? ru->nic_type : "intranet");
	sgu_set(o, "Description", ru->description);
	sgu_set(o, "CreateTime", ru->create_time);
	return o;
}

/* NicType: VPC groups only have intranet rules (the reference turns
 * internet/empty into intranet); classic groups default to internet. */
static int attr_filters(const struct sg_params *p, const struct sg_group *g, bool *ingress,
			const char **nic, struct sg_reply *r)
{
	const char *dir = sg_param(p, "Direction");
	const char *nt = sg_param(p, "NicType");
	if (!dir || !*dir || strcasecmp(dir, "all") == 0 || strcasecmp(dir, "ingress") == 0)
		*ingress = true;
	else if (strcasecmp(dir, "egress") == 0)
		*ingress = false;
	else
		return sg_fail(r, 400, "InvalidDirection.Malformed",
			       "The specified parameter Direction is not valid.");
	if (nt && *nt && strcasecmp(nt, "intranet") != 0 && strcasecmp(nt, "internet") != 0)
		return sg_fail(r, 400, "InvalidNicType.ValueNotSupported",
			       "The specified NicType does not exist.");
	if (g->vpc_id[0])
		*nic = "intranet";
	else
		*nic = nt && *nt ? nt : "internet";
	return 0;
}

SG_ACTION(act_DescribeSecurityGroupAttribute)
{
	static const struct sgu_page_spec spec = {
		.tokens = true, .max_def = 500, .max_lo = 1, .max_hi = 1000,
	};
	struct sgu_page pg;
	bool ingress = true, paged;
	const char *nic = "intranet";
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "SecurityGroupId", r);
	if (!id)
		return -1;
	const struct sg_group *g = sg_need_group(env, id, c, r);
	if (!g || attr_filters(p, g, &ingress, &nic, r))
		return -1;
	/* Pages only when asked for: the old form answers every rule. */
	paged = sg_param(p, "MaxResults") || sg_param(p, "NextToken");
	if (sgu_page_parse(p, &spec, &pg, r))
		return -1;
	if (!paged)
		pg.size = (size_t)-1;

	json_t *body = sg_json_body(r);
	sgu_set(body, "RegionId", env->region);
	group_names_set(body, g);
	sgu_set(body, "InnerAccessPolicy", policy_name(g->inner_policy));
	json_t *arr = sgu_wrapped_array(body, "Permissions", "Permission");
	size_t total = 0;
	for (size_t i = 0; ingress && i < g->nrules; i++) {
		const struct sg_rule *ru = &g->rules[i];
		if (ru->nic_type[0] && strcasecmp(ru->nic_type, nic) != 0)
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, rule_json(env->model, ru));
		total++;
	}
	if (paged)
		sgu_page_render(body, &pg, total, false);
	return 0;
}
