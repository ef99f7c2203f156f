/* nic.c - network interfaces: CreateNetworkInterface, DeleteNetworkInterface,
 * DescribeNetworkInterfaces, JoinSecurityGroup, LeaveSecurityGroup,
 * ModifyNetworkInterfaceAttribute.  A NIC with a HostDevice is filtered on
 * this host; one without lives elsewhere and only lends its addresses to the
 * groups it is in (group-sourced rules).
 *
 * Tenancy (docs/api.md, Network interfaces): only the local administrator
 * names a HostDevice, and only a device the operator allows
 * (host_device.c); a NIC's addresses are unicast host addresses, unique in
 * their VPC; a VPC belongs to the account that used it first
 * (sg_vpc_check(), also used by CreateSecurityGroup). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "handlers.h"
#include "json_util.h"

/* Another account's NIC answers NotFound: NICs are scoped per account. */
static struct sg_nic *need_nic(struct sg_env *env, const struct sg_caller *c, const char *id,
			       struct sg_reply *r)
{
	struct sg_nic *n = sg_nic_find(env->model, id);
	if (!n || !sg_owns(c, n->owner_id)) {
		sg_fail(r, 404, "InvalidEniId.NotFound", "The specified eni id does not exist.");
		return NULL;
	}
	return n;
}

/* ---- security group sets ---- */

struct nic_groups {
	char ids[SG_MAX_NIC_GROUPS_HARD][SG_ID_LEN];
	size_t n;
};

static size_t groups_max(const struct sg_model *m)
{
	size_t q = m->quota.groups_per_nic;
	return q < SG_MAX_NIC_GROUPS_HARD ? q : SG_MAX_NIC_GROUPS_HARD;
}

static int limit_fail(struct sg_reply *r)
{
	return sg_fail(r, 400, "InstanceSecurityGroupLimitExceeded",
		       "Exceeding the allowed amount of security groups that an instance can be in.");
}

/* Adds id unless present; duplicates in a request collapse. */
static int groups_push(const struct sg_model *m, struct nic_groups *gs, const char *id,
		       struct sg_reply *r)
{
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->ids[i], id) == 0)
			return 0;
	if (strlen(id) >= SG_ID_LEN)
		return sg_fail(r, 404, "InvalidSecurityGroupId.NotFound",
			       "The specified SecurityGroupId does not exist.");
	if (gs->n == groups_max(m))
		return limit_fail(r);
	snprintf(gs->ids[gs->n++], SG_ID_LEN, "%s", id);
	return 0;
}

/* The groups named by "<prefix>.N" plus an optional single parameter. */
static int groups_from_params(const struct sg_model *m, const struct sg_params *p,
			      const char *list, const char *list2, const char *single,
			      struct nic_groups *gs, struct sg_reply *r)
{
	const char *v[SGU_MAX_ITEMS / 16];
	size_t n = 0, cap = sizeof(v) / sizeof(v[0]);
	gs->n = 0;
	if (sgu_list(p, list, v, &n, cap, r) || (list2 && sgu_list(p, list2, v, &n, cap, r)))
		return -1;
	const char *one = single ? sg_param(p, single) : NULL;
	if (one && *one && n < cap)
		v[n++] = one;
	for (size_t i = 0; i < n; i++)
		if (groups_push(m, gs, v[i], r))
			return -1;
	return 0;
}

/* The rules a NIC's group set: every group the caller's, all basic or all
 * advanced, all in the NIC's VPC (vpc "" takes the first group's), and their
 * rules within the per-NIC quota. */
static int groups_check(struct sg_env *env, const struct sg_caller *c, const struct nic_groups *gs,
			char vpc[SG_ID_LEN], struct sg_reply *r)
{
	const struct sg_model *m = env->model;
	size_t cost = 0;
	if (gs->n == 0)
		return sg_fail(r, 400, "MissingParameter",
			       "The input parameter \"SecurityGroupId\" that is mandatory for processing this request is not supplied.");
	if (gs->n > groups_max(m))
		return limit_fail(r);
	const struct sg_group *first = NULL;
	for (size_t i = 0; i < gs->n; i++) {
		const struct sg_group *g = sg_need_group(env, gs->ids[i], c, r);
		if (!g)
			return -1;
		if (!first) {
			first = g;
			if (!vpc[0])
				snprintf(vpc, SG_ID_LEN, "%s", g->vpc_id);
		}
		if (g->type != first->type)
			return sg_fail(r, 400, "InvalidSecurityGroupType.Mismatch",
				       "A network interface cannot be in both basic and advanced security groups.");
		if (strcmp(g->vpc_id, vpc) != 0)
			return sg_fail(r, 403, "InvalidSecurityGroupId.VpcMismatch",
				       "The security group %s and the network interface are not in the same VPC.",
				       g->id);
		cost += sg_group_rule_cost(m, g);
	}
	if (cost > m->quota.rules_per_nic)
		return sg_fail(r, 403, "AuthorizationLimitExceed",
			       "The security groups hold %zu rules; a network interface takes at most %u.",
			       cost, m->quota.rules_per_nic);
	return 0;
}

/* groups_check() for a NIC that exists: on a copy of its VPC, because
 * groups_check() may fill an empty one in and the NIC must stay as it is
 * until the change commits. */
static int groups_check_nic(struct sg_env *env, const struct sg_caller *c,
			    const struct nic_groups *gs, const struct sg_nic *n, struct sg_reply *r)
{
	char vpc[SG_ID_LEN];
	snprintf(vpc, sizeof(vpc), "%s", n->vpc_id);
	return groups_check(env, c, gs, vpc, r);
}

static void groups_store(struct sg_nic *n, const struct nic_groups *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		snprintf(n->groups[i], SG_ID_LEN, "%s", gs->ids[i]);
	n->ngroups = gs->n;
}

/* ---- VPCs ---- */

/* The owner of a VPC is the owner of its earliest group or NIC: the account
 * that used it first, for as long as something of it is there. */
int sg_vpc_check(const struct sg_env *env, const struct sg_caller *c, const char *vpc,
		 struct sg_reply *r)
{
	const struct sg_model *m = env->model;
	const char *first = NULL;
	uint64_t owner = 0;
	if (c->admin || !vpc || !*vpc)
		return 0;
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct sg_group *g = &m->groups[i];
		if (strcmp(g->vpc_id, vpc) == 0 && (!first || strcmp(g->create_time, first) < 0)) {
			first = g->create_time;
			owner = g->owner_id;
		}
	}
	for (size_t i = 0; i < m->nnics; i++) {
		const struct sg_nic *n = &m->nics[i];
		if (strcmp(n->vpc_id, vpc) == 0 && (!first || strcmp(n->create_time, first) < 0)) {
			first = n->create_time;
			owner = n->owner_id;
		}
	}
	/* The answer for a VPC someone else holds is the one for a VPC that
	 * does not exist: it names no owner and nothing inside. */
	if (first && owner != c->account.id)
		return sg_fail(r, 404, "InvalidVpcId.NotFound", "The specified VpcId does not exist.");
	return 0;
}

/* ---- addresses ---- */

/* One address of family fam (no prefix, no range), an address a host can
 * hold as its own (docs/decisions.md, Tenancy). */
static int addr_one(const char *text, uint8_t fam, const char *param, struct sg_nic_addr *out,
		    struct sg_reply *r)
{
	const char *code = fam == 6 ? "InvalidIpv6Address.Malformed" : "InvalidPrivateIpAddress.Malformed";
	memset(out, 0, sizeof(*out));
	if (strchr(text, '/') || strchr(text, '-') || sg_addr_parse(text, &out->addr) ||
	    out->addr.family != fam)
		return sg_fail(r, 400, code, "The specified parameter %s is not valid.", param);
	enum sg_addr_class k = sg_addr_classify(&out->addr);
	if (k != SG_ADDR_UNICAST)
		return sg_fail(r, 400, code,
			       "The specified parameter %s is not valid: %s is %s, not a unicast host address.",
			       param, text, sg_addr_class_name(k));
	sg_addr_format(&out->addr, out->text, sizeof(out->text));
	/* A single address formats as a /32 or /128: keep the bare address. */
	char *slash = strchr(out->text, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

static bool addr_used(const struct sg_nic *n, const struct sg_addr_range *a)
{
	for (size_t i = 0; i < n->naddrs; i++)
		if (sg_addr_equal(&n->addrs[i].addr, a))
			return true;
	return false;
}

/* Where addresses must be unique: one VPC, whoever owns its NICs (its
 * owner and the administrator); the classic network ("" VPC) is each
 * account's own. */
static bool same_network(const struct sg_nic *a, const struct sg_nic *b)
{
	return strcmp(a->vpc_id, b->vpc_id) == 0 && (a->vpc_id[0] || a->owner_id == b->owner_id);
}

/* Adds text to the (not yet stored) NIC n, refusing an address that n or
 * another NIC of its network already has. */
static int addr_push(const struct sg_model *m, struct sg_nic *n, const char *text, uint8_t fam,
		     const char *param, struct sg_reply *r)
{
	struct sg_nic_addr a;
	if (addr_one(text, fam, param, &a, r))
		return -1;
	bool dup = addr_used(n, &a.addr);
	for (size_t i = 0; !dup && i < m->nnics; i++)
		dup = same_network(&m->nics[i], n) && addr_used(&m->nics[i], &a.addr);
	if (dup)
		return sg_fail(r, 400, "InvalidPrivateIpAddress.Duplicated",
			       "The address %s is already used in this VPC.", a.text);
	if (sg_nic_addr_add(n, &a))
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	return 0;
}

/* Primary IPv4 first (model: addrs[0] is the primary IPv4), then the
 * secondary IPv4 addresses, then IPv6 (Ipv6Address.N or Ipv6Addresses.N). */
static int addrs_from_params(const struct sg_model *m, const struct sg_params *p,
			     struct sg_nic *n, struct sg_reply *r)
{
	static const char *const lists[][2] = {
		{ "PrivateIpAddress", "4" }, { "Ipv6Address", "6" }, { "Ipv6Addresses", "6" },
	};
	const char *primary = sg_param(p, "PrimaryIpAddress");
	if (primary && *primary && addr_push(m, n, primary, 4, "PrimaryIpAddress", r))
		return -1;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		const char *v[256];
		size_t k = 0;
		if (sgu_list(p, lists[l][0], v, &k, 256, r))
			return -1;
		for (size_t i = 0; i < k; i++)
			if (addr_push(m, n, v[i], (uint8_t)(lists[l][1][0] - '0'), lists[l][0], r))
				return -1;
	}
	return 0;
}

/* ---- attributes ---- */

/* A new HostDevice dev ("" = none) for the NIC self (NULL: a new NIC).
 * Which host interfaces sgd makes default-drop is the operator's choice:
 * only the local administrator sets or changes it (403
 * Forbidden.HostDevice), and the name must be one sgd may filter
 * (sg_host_device_allowed()) that no other NIC holds (400
 * InvalidHostDevice.InUse, naming that NIC only to a caller who owns it). */
static int host_device_check(struct sg_env *env, const struct sg_caller *c, const char *dev,
			     const struct sg_nic *self, struct sg_reply *r)
{
	if (!*dev && !self)
		return 0; /* a remote interface */
	if (!c->admin)
		return sg_fail(r, 403, "Forbidden.HostDevice",
			       "Only the local administrator may set the HostDevice of a network interface.");
	if (!*dev)
		return 0; /* the administrator unbinds it: no longer filtered */
	if (sg_host_device_allowed(env, dev, r))
		return -1;
	const struct sg_nic *o = sg_nic_find_by_device(env->model, dev);
	if (o && o != self) {
		if (sg_owns(c, o->owner_id))
			return sg_fail(r, 400, "InvalidHostDevice.InUse",
				       "The host device %s already belongs to network interface %s.", dev, o->id);
		return sg_fail(r, 400, "InvalidHostDevice.InUse",
			       "The host device %s already belongs to another network interface.", dev);
	}
	return 0;
}

static int name_desc_check(const char *name, const char *desc, struct sg_reply *r)
{
	if (name && *name && !sgu_name_ok(name))
		return sg_fail(r, 400, "InvalidNetworkInterfaceName.Malformed",
			       "The specified parameter NetworkInterfaceName is not valid.");
	if (desc && !sgu_desc_ok(desc, 2, 256))
		return sg_fail(r, 400, "InvalidDescription.Malformed",
			       "The specified parameter Description is not valid.");
	return 0;
}

/* ---- answers ---- */

static json_t *nic_json(const struct sg_nic *n, const char *vswitch)
{
	json_t *o = json_object();
	char owner[24];
	const char *primary = "";
	sgu_set(o, "NetworkInterfaceId", n->id);
	sgu_set(o, "NetworkInterfaceName", n->name);
	sgu_set(o, "Description", n->description);
	sgu_set(o, "Status", n->host_device[0] ? "InUse" : "Available");
	sgu_set(o, "Type", "Secondary");
	sgu_set(o, "VpcId", n->vpc_id);
	sgu_set(o, "VSwitchId", vswitch);
	sgu_set(o, "ZoneId", "");
	sgu_set(o, "MacAddress", "");
	sgu_set(o, "InstanceId", "");
	sgu_set(o, "ResourceGroupId", "");
	sgu_set(o, "CreationTime", n->create_time);
	snprintf(owner, sizeof(owner), "%llu", (unsigned long long)n->owner_id);
	sgu_set(o, "OwnerId", owner);
	json_object_set_new(o, "ServiceManaged", json_false());
	json_t *v4 = sgu_wrapped_array(o, "PrivateIpSets", "PrivateIpSet");
	json_t *v6 = sgu_wrapped_array(o, "Ipv6Sets", "Ipv6Set");
	for (size_t i = 0; i < n->naddrs; i++) {
		json_t *e = json_object();
		if (n->addrs[i].addr.family == 6) {
			sgu_set(e, "Ipv6Address", n->addrs[i].text);
			json_array_append_new(v6, e);
			continue;
		}
		bool first = !primary[0];
		if (first)
			primary = n->addrs[i].text;
		sgu_set(e, "PrivateIpAddress", n->addrs[i].text);
		json_object_set_new(e, "Primary", json_boolean(first));
		json_array_append_new(v4, e);
	}
	sgu_set(o, "PrivateIpAddress", primary);
	json_t *gs = sgu_wrapped_array(o, "SecurityGroupIds", "SecurityGroupId");
	for (size_t i = 0; i < n->ngroups; i++)
		json_array_append_new(gs, sgu_str(n->groups[i]));
	sgu_wrapped_array(o, "Tags", "Tag");
	sgu_set(o, "HostDevice", n->host_device); /* local: where sgd filters it */
	return o;
}

/* ---- CreateNetworkInterface ---- */

static int create_parse(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			struct sg_nic *n, struct sg_reply *r)
{
	const char *dev = sg_param(p, "HostDevice");
	const char *name = sg_param(p, "NetworkInterfaceName");
	const char *desc = sg_param(p, "Description");
	const char *vpc = sg_param(p, "VpcId");
	struct nic_groups gs;
	memset(n, 0, sizeof(*n));
	if (host_device_check(env, c, dev ? dev : "", NULL, r) || name_desc_check(name, desc, r))
		return -1;
	if (vpc && strlen(vpc) >= SG_ID_LEN)
		return sg_fail(r, 400, "InvalidVpcId.Malformed", "The specified parameter VpcId is not valid.");
	/* Another account's VPC is refused before anything in it (groups,
	 * addresses) is looked at. */
	if (sg_vpc_check(env, c, vpc, r))
		return -1;
	snprintf(n->vpc_id, sizeof(n->vpc_id), "%s", vpc ? vpc : "");
	if (groups_from_params(env->model, p, "SecurityGroupIds", NULL, "SecurityGroupId", &gs, r) ||
	    groups_check(env, c, &gs, n->vpc_id, r))
		return -1;
	if ((!vpc || !*vpc) && sg_vpc_check(env, c, n->vpc_id, r)) /* the groups' VPC */
		return -1;
	groups_store(n, &gs);
	n->owner_id = c->account.id; /* before the addresses: classic ones are per account */
	if (addrs_from_params(env->model, p, n, r))
		goto fail;
	do
		sg_id_new("eni-", n->id, sizeof(n->id));
	while (sg_nic_find(env->model, n->id));
	snprintf(n->name, sizeof(n->name), "%s", name ? name : "");
	snprintf(n->host_device, sizeof(n->host_device), "%s", dev ? dev : "");
	sg_time_now(n->create_time, sizeof(n->create_time));
	if (desc && *desc && !(n->description = strdup(desc))) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto fail;
	}
	return 0;
fail:
	free(n->addrs);
	return -1;
}

SG_ACTION(act_CreateNetworkInterface)
{
	struct sg_nic n;
	if (sg_check_region(env, p, r))
		return -1;
	if (sg_token_replay(env, p, c, "CreateNetworkInterface", r))
		return r->code ? -1 : 0;
	if (sg_account_quota(env, c, SG_OWNED_NIC, r) || create_parse(env, p, c, &n, r))
		return -1;
	if (sg_tx_begin(env, r))
		goto scrap;
	if (SGU_STORE(env, r, sg_store_put_nic(env->store, &n)))
		goto abort;
	struct sg_nic *added = sg_nic_add(env->model, &n);
	if (!added) {
		sg_fail(r, 500, "InternalError", "Out of memory.");
		goto abort;
	}
	json_t *o = nic_json(added, sg_param(p, "VSwitchId"));
	json_object_update(sg_json_body(r), o);
	json_decref(o);
	if (sg_token_save(env, p, c, "CreateNetworkInterface", r)) {
		sg_tx_abort(env);
		return -1;
	}
	return sg_tx_commit(env, r);
abort:
	sg_tx_abort(env);
scrap:
	free(n.addrs);
	free(n.description);
	return -1;
}

SG_ACTION(act_DeleteNetworkInterface)
{
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "NetworkInterfaceId", r);
	struct sg_nic *n = id ? need_nic(env, c, id, r) : NULL;
	if (!n || sg_tx_begin(env, r))
		return -1;
	if (SGU_STORE(env, r, sg_store_del_nic(env->store, n->id))) {
		sg_tx_abort(env);
		return -1;
	}
	sg_nic_del(env->model, n);
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

/* ---- DescribeNetworkInterfaces ---- */

struct nic_filter {
	const char *ids[100];
	size_t nids;
	const char *addrs[200];
	size_t naddrs;
};

static bool has_addr_text(const struct sg_nic *n, const char *text)
{
	struct sg_addr_range a;
	if (sg_addr_parse(text, &a))
		return false;
	return addr_used(n, &a);
}

static bool nic_matches(const struct sg_params *p, const struct sg_caller *c,
			const struct nic_filter *f, const struct sg_nic *n)
{
	static const char *const exact[3] = { "VpcId", "NetworkInterfaceName", "HostDevice" };
	const char *vals[3] = { n->vpc_id, n->name, n->host_device };
	if (!sg_owns(c, n->owner_id))
		return false;
	for (size_t i = 0; i < 3; i++) {
		const char *v = sg_param(p, exact[i]);
		if (v && *v && strcmp(v, vals[i]) != 0)
			return false;
	}
	const char *sg = sg_param(p, "SecurityGroupId");
	if (sg && *sg && !sg_nic_in_group(n, sg))
		return false;
	const char *st = sg_param(p, "Status");
	if (st && *st && strcasecmp(st, n->host_device[0] ? "InUse" : "Available") != 0)
		return false;
	const char *type = sg_param(p, "Type");
	if (type && *type && strcasecmp(type, "Secondary") != 0)
		return false;
	const char *prim = sg_param(p, "PrimaryIpAddress");
	if (prim && *prim && !(n->naddrs && n->addrs[0].addr.family == 4 &&
			       strcmp(n->addrs[0].text, prim) == 0))
		return false;
	for (size_t i = 0; i < f->naddrs; i++)
		if (!has_addr_text(n, f->addrs[i]))
			return false;
	if (!f->nids)
		return true;
	for (size_t i = 0; i < f->nids; i++)
		if (strcmp(f->ids[i], n->id) == 0)
			return true;
	return false;
}

SG_ACTION(act_DescribeNetworkInterfaces)
{
	static const struct sgu_page_spec spec = {
		.pages = true, .page_def = 10, .page_max = 1000,
		.tokens = true, .max_def = 10, .max_lo = 10, .max_hi = 500,
	};
	struct nic_filter f = { .nids = 0 };
	struct sgu_page pg;
	if (sg_check_region(env, p, r) || sgu_page_parse(p, &spec, &pg, r) ||
	    sgu_list(p, "NetworkInterfaceId", f.ids, &f.nids, 100, r) ||
	    sgu_list(p, "PrivateIpAddress", f.addrs, &f.naddrs, 100, r) ||
	    sgu_list(p, "Ipv6Address", f.addrs, &f.naddrs, 200, r))
		return -1;
	json_t *body = sg_json_body(r);
	json_t *arr = sgu_wrapped_array(body, "NetworkInterfaceSets", "NetworkInterfaceSet");
	size_t total = 0;
	for (size_t i = 0; i < env->model->nnics; i++) {
		const struct sg_nic *n = &env->model->nics[i];
		if (!nic_matches(p, c, &f, n))
			continue;
		if (sgu_page_has(&pg, total))
			json_array_append_new(arr, nic_json(n, ""));
		total++;
	}
	sgu_page_render(body, &pg, total, true);
	return 0;
}

/* ---- membership changes ---- */

/* JoinSecurityGroup / LeaveSecurityGroup name the NIC by NetworkInterfaceId
 * or, as for an instance, by InstanceId (= the NIC id here). */
static struct sg_nic *member_nic(struct sg_env *env, const struct sg_params *p,
				 const struct sg_caller *c, struct sg_reply *r)
{
	const char *eni = sg_param(p, "NetworkInterfaceId");
	const char *inst = sg_param(p, "InstanceId");
	if (eni && *eni && inst && *inst && strcmp(eni, inst) != 0) {
		sg_fail(r, 400, "InvalidParameter.Conflict",
			"InstanceId and NetworkInterfaceId cannot be specified at the same time.");
		return NULL;
	}
	if ((!eni || !*eni) && (!inst || !*inst)) {
		sg_fail(r, 400, "MissingParameter",
			"The input parameter \"NetworkInterfaceId\" that is mandatory for processing this request is not supplied.");
		return NULL;
	}
	return need_nic(env, c, eni && *eni ? eni : inst, r);
}

/* The NIC and the group (SecurityGroupId) a membership change names, both
 * the caller's; NULL with r filled when the request cannot go on. */
static struct sg_nic *membership(struct sg_env *env, const struct sg_params *p,
				 const struct sg_caller *c, const char **sg, struct sg_reply *r)
{
	if (sg_check_region(env, p, r))
		return NULL;
	*sg = sg_need(p, "SecurityGroupId", r);
	struct sg_nic *n = *sg ? member_nic(env, p, c, r) : NULL;
	if (!n || !sg_need_group(env, *sg, c, r))
		return NULL;
	return n;
}

/* Writes the NIC's new group set (already validated) in one transaction. */
static int nic_commit_groups(struct sg_env *env, struct sg_nic *n, const struct nic_groups *gs,
			     struct sg_reply *r)
{
	if (sg_tx_begin(env, r))
		return -1;
	groups_store(n, gs);
	if (SGU_STORE(env, r, sg_store_put_nic(env->store, n))) {
		sg_tx_abort(env); /* reloads the model from the store */
		return -1;
	}
	sg_json_body(r);
	return sg_tx_commit(env, r);
}

static void groups_of(const struct sg_nic *n, struct nic_groups *gs)
{
	for (size_t i = 0; i < n->ngroups; i++)
		snprintf(gs->ids[i], SG_ID_LEN, "%s", n->groups[i]);
	gs->n = n->ngroups;
}

SG_ACTION(act_JoinSecurityGroup)
{
	struct nic_groups gs;
	const char *sg;
	struct sg_nic *n = membership(env, p, c, &sg, r);
	if (!n)
		return -1;
	if (sg_nic_in_group(n, sg))
		return sg_fail(r, 403, "InvalidInstanceId.AlreadyInSecurityGroup",
			       "The network interface is already in the specified security group.");
	groups_of(n, &gs);
	if (groups_push(env->model, &gs, sg, r) || groups_check_nic(env, c, &gs, n, r))
		return -1;
	return nic_commit_groups(env, n, &gs, r);
}

SG_ACTION(act_LeaveSecurityGroup)
{
	struct nic_groups gs = { .n = 0 };
	const char *sg;
	struct sg_nic *n = membership(env, p, c, &sg, r);
	if (!n)
		return -1;
	if (!sg_nic_in_group(n, sg))
		return sg_fail(r, 403, "InvalidInstanceId.NotInSecurityGroup",
			       "The network interface is not in the specified security group.");
	if (n->ngroups == 1)
		return sg_fail(r, 403, "InstanceLastSecurityGroup",
			       "The specified security group is the last one of the network interface.");
	for (size_t i = 0; i < n->ngroups; i++)
		if (strcmp(n->groups[i], sg) != 0)
			snprintf(gs.ids[gs.n++], SG_ID_LEN, "%s", n->groups[i]);
	return nic_commit_groups(env, n, &gs, r);
}

/* ---- ModifyNetworkInterfaceAttribute ---- */

struct nic_change {
	const char *name, *desc, *dev;
	bool set_groups;
	struct nic_groups gs;
};

static int modify_parse(struct sg_env *env, const struct sg_params *p, const struct sg_caller *c,
			const struct sg_nic *n, struct nic_change *ch, struct sg_reply *r)
{
	ch->name = sg_param(p, "NetworkInterfaceName");
	ch->desc = sg_param(p, "Description");
	ch->dev = sg_param(p, "HostDevice"); /* local: the device was renamed or moved */
	if (ch->dev && strcmp(ch->dev, n->host_device) == 0)
		ch->dev = NULL; /* no change */
	if (name_desc_check(ch->name, ch->desc, r) ||
	    (ch->dev && host_device_check(env, c, ch->dev, n, r)))
		return -1;
	if (groups_from_params(env->model, p, "SecurityGroupId", "SecurityGroupIds", NULL, &ch->gs, r))
		return -1;
	ch->set_groups = ch->gs.n > 0;
	if (ch->set_groups && groups_check_nic(env, c, &ch->gs, n, r))
		return -1;
	return 0;
}

SG_ACTION(act_ModifyNetworkInterfaceAttribute)
{
	struct nic_change ch;
	if (sg_check_region(env, p, r))
		return -1;
	const char *id = sg_need(p, "NetworkInterfaceId", r);
	struct sg_nic *n = id ? need_nic(env, c, id, r) : NULL;
	if (!n || modify_parse(env, p, c, n, &ch, r))
		return -1;
	char *desc = NULL;
	if (ch.desc && *ch.desc && !(desc = strdup(ch.desc)))
		return sg_fail(r, 500, "InternalError", "Out of memory.");
	if (sg_tx_begin(env, r)) {
		free(desc);
		return -1;
	}
	if (ch.name && *ch.name)
		snprintf(n->name, sizeof(n->name), "%s", ch.name);
	if (ch.desc) {
		free(n->description);
		n->description = desc;
	}
	if (ch.dev)
		snprintf(n->host_device, sizeof(n->host_device), "%s", ch.dev);
	if (ch.set_groups)
		groups_store(n, &ch.gs);
	if (SGU_STORE(env, r, sg_store_put_nic(env->store, n))) {
		sg_tx_abort(env); /* reloads the model from the store */
		return -1;
	}
	sg_json_body(r);
	return sg_tx_commit(env, r);
}
