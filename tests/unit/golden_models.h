/* golden_models.h - the fixed models whose compiled ruleset is pinned by
 * golden files (tests/golden/<name>.nft: the IR renderer's text;
 * <name>.nftnl: the netlink batch nft/ builds for it, as libnftnl prints
 * it).  test_golden.c compares both; test_compile.c checks the same models'
 * semantics (set contents, probes).  Header-only. */
#ifndef SGD_TEST_GOLDEN_MODELS_H
#define SGD_TEST_GOLDEN_MODELS_H

#include "compile_fixture.h"

/* The first request example of the AuthorizeSecurityGroup page. */
static inline void gm_spec_example_cidr(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-bp67acfmxazb4p", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.10", "sg-bp67acfmxazb4p");
	fx_rule(m, "sg-bp67acfmxazb4p",
		(struct fx_perm){ .id = "sgr-1", .cidr = "10.0.0.0/8", .ports = "22/22", .proto = SG_PROTO_TCP });
}

/* The second request example: a group source and a prefix-list source, Drop;
 * eni-2 is remote (no host device). */
static inline void gm_spec_example_group_and_prefix_list(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-bp67acfmxazb4p", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(m, "sg-bp17vs63txqxbd", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_prefix_list(m, "pl-x1j1k5ykzqlixdcy", 4, "198.51.100.0/24,203.0.113.0/25");
	fx_nic(m, "eni-1", "tap0", "192.0.2.10", "sg-bp67acfmxazb4p");
	fx_nic(m, "eni-2", "", "192.0.2.20,2001:db8::20", "sg-bp17vs63txqxbd");
	fx_rule(m, "sg-bp67acfmxazb4p",
		(struct fx_perm){ .id = "sgr-g", .sg = "sg-bp17vs63txqxbd", .ports = "22/22",
				  .pol = SG_POLICY_DROP });
	fx_rule(m, "sg-bp67acfmxazb4p",
		(struct fx_perm){ .id = "sgr-p", .pl = "pl-x1j1k5ykzqlixdcy", .ports = "22/22",
				  .pol = SG_POLICY_DROP });
}

/* Priorities 1, 10, 100 of two groups, drop and accept, in mixed order. */
static inline void gm_priority_and_drop_first(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_group(m, "sg-b", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_nic(m, "eni-1", "tap0", "192.0.2.10", "sg-a,sg-b");
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.1", .ports = "80/80", .prio = 10 });
	fx_rule(m, "sg-b", (struct fx_perm){ .cidr = "198.51.100.2", .ports = "80/80", .prio = 100,
					     .pol = SG_POLICY_DROP });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.3", .ports = "80/80", .prio = 1 });
	fx_rule(m, "sg-b", (struct fx_perm){ .cidr = "198.51.100.4", .ports = "80/80", .prio = 10,
					     .pol = SG_POLICY_DROP });
	fx_rule(m, "sg-b", (struct fx_perm){ .cidr = "198.51.100.5", .ports = "80/80", .prio = 1 });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.6", .ports = "80/80", .prio = 10,
					     .pol = SG_POLICY_DROP });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.7", .ports = "80/80", .prio = 10 });
}

/* InnerAccessPolicy Accept and Drop, and an enterprise group. */
static inline void gm_inner_policy_and_enterprise(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-acc", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_group(m, "sg-drop", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_group(m, "sg-ent", SG_GROUP_ENTERPRISE, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap1", "192.0.2.1", "sg-acc,sg-drop");
	fx_nic(m, "eni-2", "tap2", "192.0.2.2", "sg-drop");
	fx_nic(m, "eni-3", "tap3", "192.0.2.3", "sg-ent");
}

/* One group without rules; compiled in routed mode (forward hook, oifname). */
static inline void gm_modes(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "veth3", "192.0.2.1", "sg-a");
}

/* ICMP, GRE, ALL and protocol numbers: the port-less sets. */
static inline void gm_portless_protocols(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1", "sg-a");
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.0/28", .proto = SG_PROTO_ICMP });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.16/28", .proto = SG_PROTO_GRE });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.32/28", .proto = SG_PROTO_ALL });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.48/28", .proto = 132 });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.64/28", .proto = 256 /* IANA 0 */ });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "2001:db8:1::/48", .proto = SG_PROTO_ICMP });
}

/* DestCidrIp and SourcePortRange (the full key, c4p) beside an IPv6 rule
 * without them (the short key, c6q). */
static inline void gm_quintuple_and_ipv6(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1,192.0.2.2,2001:db8::1", "sg-a");
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.0/24", .dst = "192.0.2.1",
					     .sports = "1000/2000", .ports = "80/90", .proto = SG_PROTO_UDP });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "2001:db8:5::/48", .ports = "443/443" });
}

/* Prefix-list, group and port-list sources: ordinary rules, per family. */
static inline void gm_list_and_group_sources(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_DROP);
	fx_group(m, "sg-src", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_prefix_list(m, "pl-6", 6, "2001:db8:a::/48,2001:db8:a:1::/64,2001:db8:b::/48");
	fx_port_list(m, "prl-1", "80/80,79/81,443/443,444/450");
	fx_nic(m, "eni-1", "tap0", "192.0.2.1", "sg-a");
	fx_nic(m, "eni-2", "", "198.51.100.7,2001:db8::7", "sg-src");
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r1", .pl = "pl-6", .prl = "prl-1" });
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r2", .sg = "sg-src", .proto = SG_PROTO_ICMP });
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r3", .sg = "sg-src", .dst = "192.0.2.1", .ports = "22/22" });
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r4", .cidr = "203.0.113.0/24", .prl = "prl-1", .sports = "53/53",
					     .proto = SG_PROTO_UDP });
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r5", .sg = "sg-src", .proto = SG_PROTO_ALL });
	fx_rule(m, "sg-a", (struct fx_perm){ .id = "r6", .sg = "sg-src", .proto = SG_PROTO_ALL, .prl = "prl-1" });
}

/* Rules naming a prefix list, group or port list that does not exist. */
static inline void gm_missing_references(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-1", "tap0", "192.0.2.1", "sg-a,sg-gone");
	fx_rule(m, "sg-a", (struct fx_perm){ .pl = "pl-gone", .ports = "22/22" });
	fx_rule(m, "sg-a", (struct fx_perm){ .sg = "sg-gone", .ports = "22/22" });
	fx_rule(m, "sg-a", (struct fx_perm){ .cidr = "198.51.100.0/24", .prl = "prl-gone" });
}

/* Local and remote NICs, two on one device. */
static inline void gm_dispatch(struct sg_model *m)
{
	sg_model_init(m);
	fx_group(m, "sg-a", SG_GROUP_NORMAL, SG_POLICY_ACCEPT);
	fx_nic(m, "eni-2", "tap2", "192.0.2.2", "sg-a");
	fx_nic(m, "eni-1", "tap1", "192.0.2.1", "sg-a");
	fx_nic(m, "eni-3", "tap1", "192.0.2.3", "sg-a");
	fx_nic(m, "eni-4", "", "192.0.2.4", "sg-a");
}

struct golden_model {
	const char *name;                  /* tests/golden/<name>.nft, .nftnl */
	void (*build)(struct sg_model *m);
	enum ir_mode mode;
};

static const struct golden_model golden_models[] = {
	{ "spec-example-cidr", gm_spec_example_cidr, IR_MODE_HOST },
	{ "spec-example-group-and-prefix-list", gm_spec_example_group_and_prefix_list, IR_MODE_HOST },
	{ "priority-and-drop-first", gm_priority_and_drop_first, IR_MODE_HOST },
	{ "inner-policy-and-enterprise", gm_inner_policy_and_enterprise, IR_MODE_HOST },
	{ "routed-mode", gm_modes, IR_MODE_ROUTED },
	{ "portless-protocols", gm_portless_protocols, IR_MODE_HOST },
	{ "quintuple-and-ipv6", gm_quintuple_and_ipv6, IR_MODE_HOST },
	{ "list-and-group-sources", gm_list_and_group_sources, IR_MODE_HOST },
	{ "missing-references", gm_missing_references, IR_MODE_HOST },
	{ "dispatch", gm_dispatch, IR_MODE_HOST },
};

#endif
