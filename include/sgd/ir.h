/* ir.h - the ruleset intermediate representation (src/ir/).
 *
 * compile/ turns a struct sg_model into a struct ir_table (pure, no libnftnl);
 * ir_diff() turns two tables into a struct ir_changes; nft/ turns either into
 * one libmnl batch.  The IR depends on nothing but libc; compile/ and nft/
 * depend on it and not on each other.  Everything here is plain data so the
 * compiler is unit-testable and ir_table_render() gives an nft-syntax text
 * for golden tests (tests/golden/) and logs. */
#ifndef SGD_IR_H
#define SGD_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IR_NAME_LEN 64     /* chain / set names (kernel limit NFT_NAME_MAXLEN 256) */
#define IR_MAX_FIELDS 5
#define IR_MAX_MATCH 8

enum ir_mode {
	IR_MODE_HOST = 0,   /* inet input, iifname */
	IR_MODE_ROUTED = 1, /* inet forward, oifname */
};

/* ---- key shapes ----
 *
 * The set/map key types.  Everything about a shape (its fields and their
 * order, the packet expressions a rule builds its lookup key from, nft's
 * datatypes and byte order, its name) is one row of one table,
 * ir_key_desc(); compile/, nft/, the renderer and the tests read the table
 * and nothing else switches on the shape.  A new shape is a new enum value
 * and a new row (src/ir/keys.c). */
enum ir_key {
	IR_KEY_IFNAME = 0,  /* ifname (16 bytes), map to verdict: dispatch vmap */
	IR_KEY_IP4,         /* ipv4_addr, interval: prefix lists, group members */
	IR_KEY_IP6,         /* ipv6_addr, interval */
	IR_KEY_PORT,        /* inet_service, interval: port lists */
	/* saddr . l4proto . sport . daddr . dport, interval (pipapo) */
	IR_KEY_IP4_PORTS,
	IR_KEY_IP6_PORTS,
	/* saddr . daddr . l4proto, interval (pipapo): rules without ports */
	IR_KEY_IP4_NOPORT,
	IR_KEY_IP6_NOPORT,
	/* Short keys for sets no element of which narrows sport or daddr: a
	 * pipapo lookup costs about the key's bits.
	 * saddr . l4proto . dport, interval (pipapo) */
	IR_KEY_IP4_DPORT,
	IR_KEY_IP6_DPORT,
	/* saddr . l4proto, interval (pipapo) */
	IR_KEY_IP4_PROTO,
	IR_KEY_IP6_PROTO,
	IR_KEY_COUNT
};

/* Field types of a key. */
enum ir_field { IR_F_IFNAME, IR_F_IP4, IR_F_IP6, IR_F_PROTO, IR_F_PORT, IR_F_COUNT };

/* nft's byte orders (its enum byteorder), as recorded in set userdata. */
enum ir_byteorder { IR_BO_INVALID = 0, IR_BO_HOST = 1, IR_BO_BIG = 2 };

struct ir_field_desc {
	const char *type;      /* nft's type name: "ipv4_addr" */
	uint8_t len;           /* bytes (unpadded) in a key and in struct ir_range */
	uint8_t nft_type;      /* nft's datatype id (nftables src/datatype.h) */
	uint8_t family;        /* 4 or 6 for an address, else 0 */
};

/* Packet expressions a tuple key's fields are built from. */
enum ir_pkt_field { IR_P_SADDR, IR_P_DADDR, IR_P_L4PROTO, IR_P_SPORT, IR_P_DPORT, IR_P_COUNT };

/* How nft/ loads one (a meta key, or payload bytes at an offset of a header)
 * and how the renderer writes it; [0] is IPv4, [1] IPv6. */
struct ir_pkt_desc {
	const char *text[2];   /* "ip saddr", "ip6 saddr"; "th dport" for both */
	bool meta;             /* a meta load (key `meta_key`), else a payload load */
	uint32_t meta_key;     /* NFT_META_* */
	uint32_t base;         /* NFT_PAYLOAD_*_HEADER */
	uint8_t off[2];        /* payload offset in that header */
	uint8_t len[2];        /* bytes loaded (= the field's len) */
};

struct ir_key_desc {
	const char *name;      /* a tuple shape's name, the prefix of its sets' names
				* (c4p, c4n, c4q, c4m, c6…); else "ifname", "ip4", "ip6", "port" */
	uint8_t family;        /* 4 or 6 for address and tuple keys, else 0 */
	bool map;              /* a map to verdicts keyed by one value (lo only);
				* else a set of intervals */
	bool tuple;            /* looked up with a key built from the packet (IR_M_TUPLE_SET) */
	uint8_t byteorder;     /* the key's byte order in nft's set userdata: a
				* concatenation's is invalid (each field has its own) */
	int nfields;
	enum ir_field field[IR_MAX_FIELDS];      /* in kernel concatenation order */
	enum ir_pkt_field expr[IR_MAX_FIELDS];   /* tuple keys: where each field comes from */
	/* A short tuple shape leaves fields of a full one out: field i is field
	 * from[i] of `full`.  A full shape names its short one in `shorter`.
	 * Both are the key itself (and from[] the identity) when not so. */
	enum ir_key full, shorter;
	uint8_t from[IR_MAX_FIELDS];
};

const struct ir_key_desc *ir_key_desc(enum ir_key k);      /* NULL when k is out of range */
const struct ir_field_desc *ir_field_desc(enum ir_field f);
const struct ir_pkt_desc *ir_pkt_desc(enum ir_pkt_field p);
enum ir_key ir_key_addr(int family);                      /* IR_KEY_IP4 or IR_KEY_IP6 */
/* The tuple shape a set name says (its third character: c4q, c6m...) in family
 * fam, for rendering a rule without its table; the full shape with ports
 * when the name says none. */
enum ir_key ir_key_from_set_name(const char *name, int fam);

/* Shorthands reading the table. */
int ir_key_fields(enum ir_key k, enum ir_field out[IR_MAX_FIELDS]); /* returns count */
size_t ir_field_len(enum ir_field f); /* 16, 4, 16, 1, 2 */
/* Where each field of a tuple key (IR_KEY_IP*_PORTS/NOPORT/DPORT/PROTO) comes
 * from in the packet: an IR_F_PORT field is th sport or th dport, an address
 * field ip(6) saddr or daddr.  Returns the count (0 for other keys). */
int ir_key_exprs(enum ir_key k, enum ir_pkt_field out[IR_MAX_FIELDS]);
int ir_key_family(enum ir_key k); /* 4 or 6 for tuple and address keys, 0 otherwise */
bool ir_key_is_tuple(enum ir_key k);

/* One field value range, network byte order, ir_field_len() bytes used.
 * Non-interval keys (IFNAME) use lo only. */
struct ir_range {
	uint8_t lo[16];
	uint8_t hi[16];
};

enum ir_verdict_kind {
	IR_V_NONE = 0,   /* no verdict: continue (e.g. a counter-only rule) */
	IR_V_ACCEPT,
	IR_V_DROP,
	IR_V_JUMP,       /* jump to chain `target` */
	IR_V_GOTO,
};

struct ir_verdict {
	enum ir_verdict_kind kind;
	char target[IR_NAME_LEN];
};

struct ir_elem {
	struct ir_range f[IR_MAX_FIELDS];
	struct ir_verdict data;   /* maps (IR_KEY_IFNAME) only */
	char *comment;            /* heap, may be NULL: rule ids it enforces */
};

struct ir_set {
	char name[IR_NAME_LEN];
	enum ir_key key;
	char *comment;            /* heap, may be NULL */
	struct ir_elem *elems;
	size_t nelems, capelems;
};

enum ir_match_kind {
	IR_M_NFPROTO,      /* meta nfproto ipv4|ipv6        : u.family (4/6) */
	IR_M_L4PROTO,      /* meta l4proto X[-Y]             : u.range (1 byte) */
	IR_M_CT_STATE,     /* ct state & mask != 0           : u.ct_state bits */
	IR_M_SADDR,        /* ip(6) saddr lo-hi              : u.range, family from nfproto */
	IR_M_DADDR,        /* ip(6) daddr lo-hi */
	IR_M_SPORT,        /* th sport lo-hi (after l4proto tcp/udp) */
	IR_M_DPORT,        /* th dport lo-hi */
	IR_M_ICMP6_TYPE,   /* icmpv6 type lo-hi (1 byte at transport offset 0) */
	IR_M_SADDR_SET,    /* ip(6) saddr @set               : u.set */
	IR_M_DPORT_SET,    /* th dport @set */
	IR_M_TUPLE_SET,    /* lookup of the set's key (a tuple key, ir_key_exprs()) built from the packet */
	IR_M_IFNAME_VMAP,  /* iifname/oifname vmap @set (per table mode); ends the rule */
};

#define IR_CT_INVALID 1u
#define IR_CT_ESTABLISHED 2u
#define IR_CT_RELATED 4u
#define IR_CT_NEW 8u

struct ir_match {
	enum ir_match_kind kind;
	uint8_t family;            /* 4 or 6 for address matches */
	struct ir_range range;     /* value range (network byte order) */
	uint32_t ct_state;
	char set[IR_NAME_LEN];
};

struct ir_rule {
	struct ir_match m[IR_MAX_MATCH];
	int nm;
	bool counter;
	struct ir_verdict verdict;
	char *comment;             /* heap, may be NULL */
};

enum ir_hook { IR_HOOK_NONE = 0, IR_HOOK_INPUT, IR_HOOK_FORWARD };

struct ir_chain {
	char name[IR_NAME_LEN];
	enum ir_hook hook;         /* base chain when != NONE: filter, priority 0, policy accept */
	struct ir_rule *rules;
	size_t nrules, caprules;
};

struct ir_table {
	char name[IR_NAME_LEN];    /* "sgd" */
	enum ir_mode mode;
	struct ir_set *sets;       /* sorted by name */
	size_t nsets, capsets;
	struct ir_chain *chains;   /* sorted by name */
	size_t nchains, capchains;
};

/* A minimal change list between two tables.  ir_diff() lists the changes in
 * this order: add sets (with their elements), add chains (empty), the
 * elements of kept sets (per set, deletions before additions), the rules of
 * new and changed chains (flush + add), delete removed chains, delete removed
 * sets.  sgnft_apply() sends them as one batch in that order, except that it
 * sends every new chain first and every new set second: a new set's map
 * elements may jump to a new chain. */
enum ir_change_kind {
	IR_CH_ADD_SET,      /* set (with all elements) */
	IR_CH_ADD_CHAIN,    /* chain declared, rules come with IR_CH_SET_RULES */
	IR_CH_DEL_ELEM,     /* set name + elem */
	IR_CH_ADD_ELEM,     /* set name + elem */
	IR_CH_SET_RULES,    /* flush chain, then add all its rules */
	IR_CH_DEL_CHAIN,
	IR_CH_DEL_SET,
};

struct ir_change {
	enum ir_change_kind kind;
	const struct ir_set *set;      /* points into the old or new table */
	const struct ir_chain *chain;
	const struct ir_elem *elem;
};

struct ir_changes {
	struct ir_change *v;
	size_t n, cap;
};

/* ---- building (used by compile/, tests) ---- */
void ir_table_init(struct ir_table *t, const char *name, enum ir_mode mode);
void ir_table_free(struct ir_table *t);
struct ir_set *ir_set_add(struct ir_table *t, const char *name, enum ir_key key);
struct ir_chain *ir_chain_add(struct ir_table *t, const char *name, enum ir_hook hook);
struct ir_elem *ir_elem_add(struct ir_set *s);
struct ir_rule *ir_rule_add(struct ir_chain *c);
struct ir_match *ir_match_add(struct ir_rule *r, enum ir_match_kind kind);
/* Room for n elements in s, so that n ir_elem_add() calls do not realloc.
 * 0 or -ENOMEM. */
int ir_set_reserve(struct ir_set *s, size_t n);
/* Replace *dst by a heap copy of s (NULL clears).  0 or -ENOMEM. */
int ir_str_set(char **dst, const char *s);
const struct ir_set *ir_set_find(const struct ir_table *t, const char *name);
const struct ir_chain *ir_chain_find(const struct ir_table *t, const char *name);
void ir_sort(struct ir_table *t); /* sort sets, chains and set elements canonically */

/* ---- comparing ---- */
bool ir_elem_equal(enum ir_key k, const struct ir_elem *a, const struct ir_elem *b);
bool ir_rule_equal(const struct ir_rule *a, const struct ir_rule *b);
bool ir_chain_equal(const struct ir_chain *a, const struct ir_chain *b);

/* ---- diff: fills ch with what turns old into new (pointers into both) ---- */
int ir_diff(const struct ir_table *old, const struct ir_table *new, struct ir_changes *ch);
void ir_changes_free(struct ir_changes *ch);

/* ---- values in nft's words (used by the renderer and by nft/'s error
 * messages); each is snprintf-like: returns the length the whole text
 * needs, writes at most len bytes with the NUL ---- */
#define IR_ELEM_TEXT_MAX 256 /* the longest element text, with its NUL */
/* Prefix length when [lo, hi] (len bytes) is exactly one CIDR block
 * (len * 8 for a single address, 0 for everything), else -1. */
int ir_prefix_len(const uint8_t *lo, const uint8_t *hi, size_t len);
/* The netmask of a prefix of plen bits, len bytes. */
void ir_prefix_mask(int plen, uint8_t *mask, size_t len);
/* One field's value or range: "10.0.0.0/8", "192.0.2.1-192.0.2.7", "tcp",
 * "0-255", "22", "1000-2000", "\"tap0\"". */
int ir_field_format(enum ir_field f, const struct ir_range *r, char *buf, size_t len);
/* "accept", "drop", "jump CHAIN", "goto CHAIN"; "" for IR_V_NONE. */
int ir_verdict_format(const struct ir_verdict *v, char *buf, size_t len);
/* An element: its fields joined by " . ", then " : VERDICT" for a map
 * element with a verdict; not its comment.  "10.0.0.0/8 . tcp . 22" */
int ir_elem_format(enum ir_key k, const struct ir_elem *e, char *buf, size_t len);

/* ---- text: nft syntax, for golden tests and debugging; caller frees ---- */
char *ir_table_render(const struct ir_table *t);
char *ir_rule_render(const struct ir_table *t, const struct ir_rule *r);
char *ir_changes_render(const struct ir_changes *ch);

#endif
