/* model.h - pure security group state: groups, rules, prefix lists, port
 * lists and network interfaces.  No I/O lives here: the store persists this,
 * the compiler turns it into a ruleset, the actions mutate it. */
#ifndef SGD_MODEL_H
#define SGD_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SG_ID_LEN 40      /* "sg-" + 20 chars, with room for foreign ids */
#define SG_NAME_LEN 513   /* names: up to 128 characters, 4 UTF-8 bytes each */
#define SG_TEXT_LEN 80    /* CIDR / range text as the user gave it */
#define SG_IFNAME_LEN 16  /* IFNAMSIZ */
#define SG_TIME_LEN 24    /* "2026-11-29T14:17:58Z" */
#define SG_ACCOUNT_LEN 129
#define SG_MAX_NIC_GROUPS_HARD 16 /* array size; the quota is configurable */

enum sg_policy { SG_POLICY_ACCEPT = 0, SG_POLICY_DROP = 1 };

enum sg_group_type { SG_GROUP_NORMAL = 0, SG_GROUP_ENTERPRISE = 1 };

/* Source of a rule, after the spec's precedence was applied. */
enum sg_src_kind {
	SG_SRC_CIDR = 0,        /* SourceCidrIp or Ipv6SourceCidrIp */
	SG_SRC_PREFIX_LIST = 1, /* SourcePrefixListId */
	SG_SRC_GROUP = 2,       /* SourceGroupId (+ owner account) */
};

#define SG_PROTO_ALL (-1) /* IpProtocol ALL: any protocol */
#define SG_PROTO_ICMP 1
#define SG_PROTO_TCP 6
#define SG_PROTO_UDP 17
#define SG_PROTO_GRE 47
#define SG_PROTO_ICMPV6 58

/* An inclusive address range in network byte order.  family is 4 or 6;
 * for 4 only the first 4 bytes of lo/hi are used.  A CIDR becomes the range
 * of its first and last address. */
struct sg_addr_range {
	uint8_t family;
	uint8_t lo[16];
	uint8_t hi[16];
};

/* Inclusive port range, host byte order.  any == true means "-1/-1". */
struct sg_port_range {
	uint16_t lo, hi;
	bool any;
};

struct sg_rule {
	char id[SG_ID_LEN];        /* SecurityGroupRuleId, "sgr-..." */
	uint64_t seq;              /* creation order, stable sort key */
	enum sg_policy policy;
	uint8_t priority;          /* 1..100 */
	int16_t proto;             /* SG_PROTO_ALL or IANA 0..255 */
	char proto_text[12];       /* as described back: TCP, UDP, ICMP, ICMPv6, GRE, ALL, "47" */
	uint8_t family;            /* 4 or 6: address family the rule matches; 0 = both (group source) */

	enum sg_src_kind src_kind;
	struct sg_addr_range src;  /* SG_SRC_CIDR */
	char src_text[SG_TEXT_LEN];
	char src_group_id[SG_ID_LEN];        /* SG_SRC_GROUP */
	uint64_t src_group_owner_id;         /* account id owning src group */
	char src_group_owner_account[SG_ACCOUNT_LEN];
	char prefix_list_id[SG_ID_LEN];      /* SG_SRC_PREFIX_LIST */

	bool has_dst;              /* quintuple: DestCidrIp / Ipv6DestCidrIp */
	struct sg_addr_range dst;
	char dst_text[SG_TEXT_LEN];

	struct sg_port_range dport;          /* PortRange; any for -1/-1 */
	char port_list_id[SG_ID_LEN];        /* PortRangeListId (dport ignored) */
	bool has_sport;                      /* quintuple: SourcePortRange */
	struct sg_port_range sport;

	char nic_type[10];         /* "intranet" / "internet" */
	char *description;         /* heap, may be NULL */
	char create_time[SG_TIME_LEN];
};

struct sg_group {
	char id[SG_ID_LEN];
	char name[SG_NAME_LEN];
	char *description;
	char vpc_id[SG_ID_LEN];
	enum sg_group_type type;
	enum sg_policy inner_policy;   /* InnerAccessPolicy: Accept (default) / Drop */
	uint64_t owner_id;             /* account id */
	char create_time[SG_TIME_LEN];
	struct sg_rule *rules;         /* ingress rules, in creation order */
	size_t nrules, caprules;
};

struct sg_prefix_entry {
	struct sg_addr_range range;
	char cidr[SG_TEXT_LEN];
	char *description;
};

struct sg_prefix_list {
	char id[SG_ID_LEN];
	char name[SG_NAME_LEN];
	char *description;
	uint8_t family;                /* 4 or 6 (AddressFamily IPv4/IPv6) */
	uint32_t max_entries;
	uint64_t owner_id;
	char create_time[SG_TIME_LEN];
	struct sg_prefix_entry *entries;
	size_t nentries, capentries;
};

struct sg_port_entry {
	struct sg_port_range range;
	char text[24];                 /* "80/80" */
	char *description;
};

struct sg_port_list {
	char id[SG_ID_LEN];
	char name[SG_NAME_LEN];
	char *description;
	uint32_t max_entries;
	uint64_t owner_id;
	char create_time[SG_TIME_LEN];
	struct sg_port_entry *entries;
	size_t nentries, capentries;
};

struct sg_nic_addr {
	struct sg_addr_range addr;     /* lo == hi: a single address */
	char text[SG_TEXT_LEN];
};

struct sg_nic {
	char id[SG_ID_LEN];            /* "eni-..." */
	char name[SG_NAME_LEN];        /* NetworkInterfaceName */
	char *description;
	char host_device[SG_IFNAME_LEN + 1]; /* Linux device filtered for this NIC; "" = remote */
	char vpc_id[SG_ID_LEN];
	uint64_t owner_id;
	char create_time[SG_TIME_LEN];
	struct sg_nic_addr *addrs;     /* addrs[0] is the primary IPv4 if any */
	size_t naddrs, capaddrs;
	char groups[SG_MAX_NIC_GROUPS_HARD][SG_ID_LEN];
	size_t ngroups;
};

/* Limits; defaults are the spec's, the config file's quota.* keys change them. */
struct sg_quota {
	uint32_t rules_per_group;        /* 200 */
	uint32_t group_rules_per_group;  /* 20 group-sourced rules per basic group */
	uint32_t rules_per_nic;          /* 1000, over all groups of one NIC */
	uint32_t groups_per_nic;         /* 5 */
	uint32_t permissions_per_call;   /* 100 */
	uint32_t prefix_list_max;        /* 200 MaxEntries */
	uint32_t port_list_max;          /* 2000 MaxEntries */
	/* Objects one account may own (the admin is not limited). */
	uint32_t groups_per_account;       /* 100 */
	uint32_t nics_per_account;         /* 1000 */
	uint32_t prefix_lists_per_account; /* 100 */
	uint32_t port_lists_per_account;   /* 100 */
};

struct sg_model {
	struct sg_group *groups;       size_t ngroups, capgroups;
	struct sg_prefix_list *pls;    size_t npls, cappls;
	struct sg_port_list *prls;     size_t nprls, capprls;
	struct sg_nic *nics;           size_t nnics, capnics;
	uint64_t next_seq;             /* next sg_rule.seq */
	struct sg_quota quota;
};

/* ---- lifecycle ---- */
void sg_model_init(struct sg_model *m);
void sg_model_free(struct sg_model *m);
void sg_quota_defaults(struct sg_quota *q);

/* A deep copy of src into dst (initialised here).  0 or -ENOMEM (dst is
 * then empty). */
int sg_model_clone(struct sg_model *dst, const struct sg_model *src);

/* ---- the read snapshot: an immutable copy of the model, published after
 * every committed change, so readers never wait for a writer ---- */
struct sg_snapshot;
struct sg_snapshots {
	pthread_mutex_t mu;        /* held only to swap or reference cur */
	struct sg_snapshot *cur;   /* newest published copy, NULL before the first */
};
void sg_snapshots_init(struct sg_snapshots *s);
void sg_snapshots_free(struct sg_snapshots *s);
/* Publish a copy of m (the caller holds the writers' lock, so m is stable).
 * 0 or -ENOMEM (the previous snapshot stays). */
int sg_snapshots_publish(struct sg_snapshots *s, const struct sg_model *m);
/* The newest snapshot's model and a reference to hand back to _put();
 * NULL when nothing was published yet. */
const struct sg_model *sg_snapshots_get(struct sg_snapshots *s, struct sg_snapshot **ref);
void sg_snapshots_put(struct sg_snapshots *s, struct sg_snapshot *ref);

/* ---- lookup: return NULL when absent ---- */
struct sg_group *sg_group_find(const struct sg_model *m, const char *id);
struct sg_prefix_list *sg_pl_find(const struct sg_model *m, const char *id);
struct sg_port_list *sg_prl_find(const struct sg_model *m, const char *id);
struct sg_nic *sg_nic_find(const struct sg_model *m, const char *id);
struct sg_nic *sg_nic_find_by_device(const struct sg_model *m, const char *dev);
struct sg_rule *sg_rule_find(const struct sg_group *g, const char *rule_id);

/* ---- insertion: the model takes ownership of heap members (description,
 * rules, entries, addrs) of the passed struct; returns the stored element or
 * NULL on allocation failure. ---- */
struct sg_group *sg_group_add(struct sg_model *m, const struct sg_group *g);
struct sg_rule *sg_rule_add(struct sg_model *m, struct sg_group *g, const struct sg_rule *r);
struct sg_prefix_list *sg_pl_add(struct sg_model *m, const struct sg_prefix_list *pl);
struct sg_port_list *sg_prl_add(struct sg_model *m, const struct sg_port_list *prl);
struct sg_nic *sg_nic_add(struct sg_model *m, const struct sg_nic *n);
int sg_pl_entry_add(struct sg_prefix_list *pl, const struct sg_prefix_entry *e);
int sg_prl_entry_add(struct sg_port_list *prl, const struct sg_port_entry *e);
int sg_nic_addr_add(struct sg_nic *n, const struct sg_nic_addr *a);

/* ---- removal (frees owned memory) ---- */
void sg_group_del(struct sg_model *m, struct sg_group *g);
void sg_rule_del(struct sg_group *g, struct sg_rule *r);
void sg_pl_del(struct sg_model *m, struct sg_prefix_list *pl);
void sg_prl_del(struct sg_model *m, struct sg_port_list *prl);
void sg_nic_del(struct sg_model *m, struct sg_nic *n);
void sg_pl_entry_del(struct sg_prefix_list *pl, size_t idx);
void sg_prl_entry_del(struct sg_port_list *prl, size_t idx);
void sg_rule_free(struct sg_rule *r);   /* frees members only */

/* ---- relations ---- */
bool sg_nic_in_group(const struct sg_nic *n, const char *group_id);
/* Number of rules over all groups of NIC n, counting a port-list rule as the
 * list's MaxEntries (spec quota "1,000 rules per NIC"). */
size_t sg_nic_rule_count(const struct sg_model *m, const struct sg_nic *n);
/* Number of rules of g whose cost counts toward a NIC's quota. */
size_t sg_group_rule_cost(const struct sg_model *m, const struct sg_group *g);
/* True when any rule of any group references the object id. */
bool sg_group_is_referenced(const struct sg_model *m, const char *group_id);
bool sg_pl_is_referenced(const struct sg_model *m, const char *pl_id);
bool sg_prl_is_referenced(const struct sg_model *m, const char *prl_id);

/* ---- rule identity ("How to determine a rule"): true when a and b are the
 * same rule; priority and description are not part of identity. ---- */
bool sg_rule_same(const struct sg_rule *a, const struct sg_rule *b);
struct sg_rule *sg_rule_find_same(const struct sg_group *g, const struct sg_rule *r);

/* ---- values ---- */
/* Parse "10.0.0.0/8", "10.0.0.1", "10.0.0.1-10.0.0.9", "2001:db8::/32" or an
 * IPv6 range.  Host bits of a CIDR are masked off.  0 on success, -EINVAL. */
int sg_addr_parse(const char *text, struct sg_addr_range *out);
/* Format a range as CIDR when it is one, else "lo-hi". */
void sg_addr_format(const struct sg_addr_range *r, char *buf, size_t len);
bool sg_addr_overlap(const struct sg_addr_range *a, const struct sg_addr_range *b);
bool sg_addr_equal(const struct sg_addr_range *a, const struct sg_addr_range *b);
/* What the first address of a (a single address: lo == hi) is.  Only
 * SG_ADDR_UNICAST is an address an interface can hold as its own. */
enum sg_addr_class {
	SG_ADDR_UNICAST = 0,   /* an ordinary host address (private, global, ULA) */
	SG_ADDR_UNSPECIFIED,   /* 0.0.0.0/8 ("this network"), :: */
	SG_ADDR_BROADCAST,     /* 255.255.255.255 */
	SG_ADDR_MULTICAST,     /* 224.0.0.0/4, ff00::/8 */
	SG_ADDR_LOOPBACK,      /* 127.0.0.0/8, ::1 */
	SG_ADDR_LINK_LOCAL,    /* 169.254.0.0/16, fe80::/10 */
	SG_ADDR_V4_MAPPED,     /* ::ffff:0:0/96 (an IPv4 address in IPv6 clothing) */
};
enum sg_addr_class sg_addr_classify(const struct sg_addr_range *a);
/* "a loopback address", ... for messages. */
const char *sg_addr_class_name(enum sg_addr_class k);
/* "22/22", "1/200", "-1/-1".  0 on success, -EINVAL on bad form. */
int sg_port_parse(const char *text, struct sg_port_range *out);
void sg_port_format(const struct sg_port_range *p, char *buf, size_t len);

/* ---- text (utf8.c) ---- */
bool sg_utf8_valid(const char *s);   /* well-formed UTF-8 (RFC 3629) */
size_t sg_utf8_chars(const char *s); /* characters, not bytes */
/* In place: a sequence cut off at the end is dropped, every other invalid
 * byte becomes '?'.  The result is valid UTF-8. */
void sg_utf8_repair(char *s);

/* Random ids like the cloud's: prefix + 20 [a-z0-9] characters. */
void sg_id_new(const char *prefix, char *buf, size_t len);
/* Current UTC time as "YYYY-MM-DDThh:mm:ssZ" (the ECS CreationTime form). */
void sg_time_now(char *buf, size_t len);

#endif
