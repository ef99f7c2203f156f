/* store_group.c - security groups and their rules: put, delete, load.
 * Each object has one column list used by both its INSERT and its SELECT,
 * and one bind and one read function walking the same order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "store_int.h"

#define GROUP_COLS "id, name, description, vpc_id, type, inner_policy, owner_id, create_time"

#define RULE_COLS "id, group_id, seq, policy, priority, proto, proto_text, family," \
	" src_kind, src_family, src_lo, src_hi, src_text, src_group_id," \
	" src_group_owner_id, src_group_owner_account, prefix_list_id," \
	" has_dst, dst_family, dst_lo, dst_hi, dst_text," \
	" dport_lo, dport_hi, dport_any, port_list_id," \
	" has_sport, sport_lo, sport_hi, sport_any, nic_type, description, create_time"

static void group_bind(struct st_bind *b, const struct sg_group *g)
{
	b_text(b, g->id);
	b_text(b, g->name);
	b_text(b, g->description);
	b_text(b, g->vpc_id);
	b_int(b, g->type);
	b_int(b, g->inner_policy);
	b_u64(b, g->owner_id);
	b_text(b, g->create_time);
}

static void group_read(struct st_row *r, struct sg_group *g)
{
	r_text(r, g->id, sizeof(g->id));
	r_name(r, "groups", "%s", g->id);
	r_text(r, g->name, sizeof(g->name));
	g->description = r_text_dup(r);
	r_text(r, g->vpc_id, sizeof(g->vpc_id));
	g->type = (enum sg_group_type)r_int(r, SG_GROUP_NORMAL, SG_GROUP_ENTERPRISE);
	g->inner_policy = (enum sg_policy)r_int(r, SG_POLICY_ACCEPT, SG_POLICY_DROP);
	g->owner_id = r_u64(r);
	r_text(r, g->create_time, sizeof(g->create_time));
	if (!g->id[0])
		r_bad(r, "empty id");
}

static void rule_bind(struct st_bind *b, const char *group_id, const struct sg_rule *rl)
{
	b_text(b, rl->id);
	b_text(b, group_id);
	b_u64(b, rl->seq);
	b_int(b, rl->policy);
	b_int(b, rl->priority);
	b_int(b, rl->proto);
	b_text(b, rl->proto_text);
	b_int(b, rl->family);
	b_int(b, rl->src_kind);
	b_range(b, &rl->src);
	b_text(b, rl->src_text);
	b_text(b, rl->src_group_id);
	b_u64(b, rl->src_group_owner_id);
	b_text(b, rl->src_group_owner_account);
	b_text(b, rl->prefix_list_id);
	b_int(b, rl->has_dst);
	b_range(b, &rl->dst);
	b_text(b, rl->dst_text);
	b_port(b, &rl->dport);
	b_text(b, rl->port_list_id);
	b_int(b, rl->has_sport);
	b_port(b, &rl->sport);
	b_text(b, rl->nic_type);
	b_text(b, rl->description);
	b_text(b, rl->create_time);
}

static void rule_read(struct st_row *r, char *group_id, size_t len, struct sg_rule *rl)
{
	r_text(r, rl->id, sizeof(rl->id));
	r_name(r, "rules", "%s", rl->id);
	r_text(r, group_id, len);
	rl->seq = (uint64_t)r_int(r, 1, INT64_MAX);
	rl->policy = (enum sg_policy)r_int(r, SG_POLICY_ACCEPT, SG_POLICY_DROP);
	rl->priority = (uint8_t)r_int(r, 1, 100);
	rl->proto = (int16_t)r_int(r, SG_PROTO_ALL, 255);
	r_text(r, rl->proto_text, sizeof(rl->proto_text));
	rl->family = (uint8_t)r_int(r, 0, 6);
	rl->src_kind = (enum sg_src_kind)r_int(r, SG_SRC_CIDR, SG_SRC_GROUP);
	r_range(r, &rl->src);
	r_text(r, rl->src_text, sizeof(rl->src_text));
	r_text(r, rl->src_group_id, sizeof(rl->src_group_id));
	rl->src_group_owner_id = r_u64(r);
	r_text(r, rl->src_group_owner_account, sizeof(rl->src_group_owner_account));
	r_text(r, rl->prefix_list_id, sizeof(rl->prefix_list_id));
	rl->has_dst = r_bool(r);
	r_range(r, &rl->dst);
	r_text(r, rl->dst_text, sizeof(rl->dst_text));
	r_port(r, &rl->dport);
	r_text(r, rl->port_list_id, sizeof(rl->port_list_id));
	rl->has_sport = r_bool(r);
	r_port(r, &rl->sport);
	r_text(r, rl->nic_type, sizeof(rl->nic_type));
	rl->description = r_text_dup(r);
	r_text(r, rl->create_time, sizeof(rl->create_time));
}

/* IpProtocol as described back and as enforced must agree: a name with its
 * number, or the decimal number itself (what permission.c stores). */
static bool proto_consistent(const struct sg_rule *rl)
{
	static const struct { const char *name; int16_t proto; } names[] = {
		{ "TCP", SG_PROTO_TCP }, { "UDP", SG_PROTO_UDP }, { "ICMP", SG_PROTO_ICMP },
		{ "ICMPv6", SG_PROTO_ICMPV6 }, { "GRE", SG_PROTO_GRE }, { "ALL", SG_PROTO_ALL },
	};
	char num[12];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(rl->proto_text, names[i].name) == 0)
			return rl->proto == names[i].proto;
	if (rl->proto < 0)
		return false;
	snprintf(num, sizeof(num), "%d", rl->proto);
	return strcmp(rl->proto_text, num) == 0;
}

/* Everything the compiler relies on, checked once at load.  The compiler
 * skips a rule whose prefix list, port list or source group is missing and
 * reads an unknown policy as accept: a rule that reached it broken could
 * open traffic (a skipped Drop), so a broken rule stops the load instead.
 * Groups, prefix lists and port lists are all loaded before rules. */
static void rule_check(struct st_row *r, const struct sg_model *m, const struct sg_rule *rl)
{
	if (!rl->id[0])
		r_bad(r, "empty id");
	if (!proto_consistent(rl))
		r_bad(r, "protocol \"%s\" does not match protocol number %d", rl->proto_text,
		      rl->proto);
	if (rl->family != 0 && rl->family != 4 && rl->family != 6)
		r_bad(r, "family %u is not 4, 6 or 0", rl->family);
	switch (rl->src_kind) {
	case SG_SRC_CIDR:
		r_check_addr(r, "source", &rl->src, rl->src_text);
		if (rl->src.family != rl->family)
			r_bad(r, "source family %u differs from the rule's family %u", rl->src.family,
			      rl->family);
		break;
	case SG_SRC_PREFIX_LIST: {
		const struct sg_prefix_list *pl = sg_pl_find(m, rl->prefix_list_id);

		if (!pl)
			r_bad(r, "source prefix list \"%s\" does not exist", rl->prefix_list_id);
		else if (pl->family != rl->family)
			r_bad(r, "family %u differs from prefix list %s's family %u", rl->family,
			      pl->id, pl->family);
		break;
	}
	case SG_SRC_GROUP:
		if (!sg_group_find(m, rl->src_group_id))
			r_bad(r, "source group \"%s\" does not exist", rl->src_group_id);
		break;
	}
	if (rl->family == 0 && (rl->src_kind != SG_SRC_GROUP || rl->has_dst))
		r_bad(r, "family 0 (both) is only for a group source without destination");
	if (rl->has_dst) {
		r_check_addr(r, "destination", &rl->dst, rl->dst_text);
		if (rl->dst.family != rl->family)
			r_bad(r, "destination family %u differs from the rule's family %u",
			      rl->dst.family, rl->family);
	}
	/* With a port list the list's entries are the ports (dport ignored). */
	if (rl->port_list_id[0] && !sg_prl_find(m, rl->port_list_id))
		r_bad(r, "port list \"%s\" does not exist", rl->port_list_id);
	else if (!rl->port_list_id[0])
		r_check_port(r, "destination ports", &rl->dport);
	if (rl->has_sport)
		r_check_port(r, "source ports", &rl->sport);
	if (rl->nic_type[0] && strcmp(rl->nic_type, "intranet") != 0 &&
	    strcmp(rl->nic_type, "internet") != 0)
		r_bad(r, "NicType \"%s\" is neither intranet nor internet", rl->nic_type);
}

/* An upsert, not INSERT OR REPLACE: REPLACE deletes the old row first and
 * the foreign key cascade would take the group's rules with it. */
int sg_store_put_group(struct sg_store *st, const struct sg_group *g)
{
	struct st_bind b;

	if (b_start(&b, st, ST_GROUP_PUT,
		    "INSERT INTO groups(" GROUP_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
		    " ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
		    " description=excluded.description, vpc_id=excluded.vpc_id,"
		    " type=excluded.type, inner_policy=excluded.inner_policy,"
		    " owner_id=excluded.owner_id, create_time=excluded.create_time"))
		return -EIO;
	group_bind(&b, g);
	return b_put(st, &b, "group");
}

/* The cascade would do this too; deleting the rules explicitly keeps the
 * contract true even on a connection where foreign keys were left off. */
int sg_store_del_group(struct sg_store *st, const char *group_id)
{
	int ret = st_del_by_id(st, ST_GROUP_RULES_DEL, "DELETE FROM rules WHERE group_id = ?1",
			       group_id);

	return ret ? ret : st_del_by_id(st, ST_GROUP_DEL, "DELETE FROM groups WHERE id = ?1",
					group_id);
}

/* A rule has no children, so REPLACE is a plain upsert here. */
int sg_store_put_rule(struct sg_store *st, const char *group_id, const struct sg_rule *r)
{
	struct st_bind b;

	if (b_start(&b, st, ST_RULE_PUT,
		    "INSERT OR REPLACE INTO rules(" RULE_COLS ") VALUES("
		    "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
		    "?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33)"))
		return -EIO;
	rule_bind(&b, group_id, r);
	return b_put(st, &b, "rule");
}

int sg_store_del_rule(struct sg_store *st, const char *rule_id)
{
	return st_del_by_id(st, ST_RULE_DEL, "DELETE FROM rules WHERE id = ?1", rule_id);
}

static int group_row(struct st_row *r, void *m)
{
	struct sg_group g;
	int ret;

	memset(&g, 0, sizeof(g));
	group_read(r, &g);
	ret = r->rc;
	if (!ret && !sg_group_add(m, &g))
		ret = -ENOMEM;
	if (ret)
		free(g.description);
	return ret;
}

struct rule_rows {
	struct sg_model *m;
	struct sg_group *g;     /* the group of the previous row */
	uint64_t *max_seq;
};

/* Rules come sorted by group then seq, so each group is looked up once and
 * its rules are added in creation order. */
static int rule_row(struct st_row *r, void *ctx)
{
	struct rule_rows *rr = ctx;
	char gid[SG_ID_LEN];
	struct sg_rule rl;
	int ret;

	memset(&rl, 0, sizeof(rl));
	rule_read(r, gid, sizeof(gid), &rl);
	if (!r->rc && (!rr->g || strcmp(rr->g->id, gid) != 0))
		rr->g = sg_group_find(rr->m, gid);
	if (!r->rc && !rr->g)
		r_bad(r, "group \"%s\" does not exist", gid);
	if (!r->rc)
		rule_check(r, rr->m, &rl);
	ret = r->rc;
	if (!ret && !sg_rule_add(rr->m, rr->g, &rl))
		ret = -ENOMEM;
	if (ret) {
		free(rl.description);
		return ret;
	}
	if (rl.seq > *rr->max_seq)
		*rr->max_seq = rl.seq;
	return 0;
}

int st_load_groups(struct sg_store *st, struct sg_model *m, uint64_t *max_seq)
{
	struct rule_rows rr = { .m = m, .max_seq = max_seq };
	sqlite3_stmt *s = st_get(st, ST_LOAD_GROUPS,
				 "SELECT " GROUP_COLS " FROM groups ORDER BY rowid");
	int ret = s ? st_each_row(st, s, group_row, m, "load groups") : -EIO;

	if (ret)
		return ret;
	s = st_get(st, ST_LOAD_RULES, "SELECT " RULE_COLS " FROM rules ORDER BY group_id, seq");
	return s ? st_each_row(st, s, rule_row, &rr, "load rules") : -EIO;
}
