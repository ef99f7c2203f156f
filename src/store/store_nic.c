/* store_nic.c - network interfaces with their addresses and their groups
 * (in membership order: position is the index in sg_nic.groups). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"

#define NIC_COLS "id, name, description, host_device, vpc_id, owner_id, create_time"
#define NIC_ADDR_COLS "family, lo, hi, text"

static int nic_put_addrs(struct sg_store *st, const struct sg_nic *n)
{
	struct st_bind b;
	size_t i;
	int ret;

	ret = st_del_by_id(st, ST_NIC_ADDR_CLEAR, "DELETE FROM nic_addresses WHERE nic_id = ?1",
			   n->id);
	for (i = 0; !ret && i < n->naddrs; i++) {
		if (b_start(&b, st, ST_NIC_ADDR_ADD, "INSERT INTO nic_addresses(nic_id, pos, "
			    NIC_ADDR_COLS ") VALUES(?1,?2,?3,?4,?5,?6)"))
			return -EIO;
		b_text(&b, n->id);
		b_int(&b, (int64_t)i);
		b_range(&b, &n->addrs[i].addr);
		b_text(&b, n->addrs[i].text);
		ret = b_put(st, &b, "nic address");
	}
	return ret;
}

static int nic_put_groups(struct sg_store *st, const struct sg_nic *n)
{
	struct st_bind b;
	size_t i;
	int ret;

	if (n->ngroups > SG_MAX_NIC_GROUPS_HARD)
		return -EINVAL;
	ret = st_del_by_id(st, ST_NIC_GRP_CLEAR, "DELETE FROM nic_groups WHERE nic_id = ?1", n->id);
	for (i = 0; !ret && i < n->ngroups; i++) {
		if (b_start(&b, st, ST_NIC_GRP_ADD,
			    "INSERT INTO nic_groups(nic_id, position, group_id) VALUES(?1,?2,?3)"))
			return -EIO;
		b_text(&b, n->id);
		b_int(&b, (int64_t)i);
		b_text(&b, n->groups[i]);
		ret = b_put(st, &b, "nic group");
	}
	return ret;
}

int sg_store_put_nic(struct sg_store *st, const struct sg_nic *n)
{
	struct st_bind b;
	int ret;

	if (b_start(&b, st, ST_NIC_PUT,
		    "INSERT INTO nics(" NIC_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7)"
		    " ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
		    " description=excluded.description, host_device=excluded.host_device,"
		    " vpc_id=excluded.vpc_id, owner_id=excluded.owner_id,"
		    " create_time=excluded.create_time"))
		return -EIO;
	b_text(&b, n->id);
	b_text(&b, n->name);
	b_text(&b, n->description);
	b_text(&b, n->host_device);
	b_text(&b, n->vpc_id);
	b_u64(&b, n->owner_id);
	b_text(&b, n->create_time);
	ret = b_put(st, &b, "nic");
	if (!ret)
		ret = nic_put_addrs(st, n);
	return ret ? ret : nic_put_groups(st, n);
}

int sg_store_del_nic(struct sg_store *st, const char *nic_id)
{
	int ret;

	ret = st_del_by_id(st, ST_NIC_ADDR_CLEAR, "DELETE FROM nic_addresses WHERE nic_id = ?1",
			   nic_id);
	if (!ret)
		ret = st_del_by_id(st, ST_NIC_GRP_CLEAR, "DELETE FROM nic_groups WHERE nic_id = ?1",
				   nic_id);
	return ret ? ret : st_del_by_id(st, ST_NIC_DEL, "DELETE FROM nics WHERE id = ?1", nic_id);
}

static int nic_addr_row(struct st_row *r, void *ctx)
{
	struct sg_nic *n = ctx;
	struct sg_nic_addr a;
	int64_t pos;

	memset(&a, 0, sizeof(a));
	r_name(r, "nic_addresses", "%s pos ?", n->id);
	pos = r_int(r, 0, INT32_MAX);
	r_name(r, "nic_addresses", "%s pos %lld", n->id, (long long)pos);
	r_range(r, &a.addr);
	r_text(r, a.text, sizeof(a.text));
	if (!r->rc)
		r_check_addr(r, "address", &a.addr, a.text);
	return r->rc ? r->rc : sg_nic_addr_add(n, &a);
}

static int nic_load_addrs(struct sg_store *st, struct sg_nic *n)
{
	sqlite3_stmt *s = st_get(st, ST_LOAD_NIC_ADDRS, "SELECT pos, " NIC_ADDR_COLS
				 " FROM nic_addresses WHERE nic_id = ?1 ORDER BY pos");

	if (!s)
		return -EIO;
	if (sqlite3_bind_text(s, 1, n->id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return st_fail(st, "bind nic id");
	return st_each_row(st, s, nic_addr_row, n, "load nic addresses");
}

struct nic_rows {
	struct sg_store *st;
	struct sg_model *m;
	struct sg_nic *n;       /* the NIC being read */
};

/* A NIC's groups must all exist (groups are loaded before NICs): a NIC
 * whose group is missing would lose that group's rules in the kernel. */
static int nic_group_row(struct st_row *r, void *ctx)
{
	struct nic_rows *nr = ctx;
	struct sg_nic *n = nr->n;
	char *gid;
	int64_t pos;

	r_name(r, "nic_groups", "%s position ?", n->id);
	pos = r_int(r, 0, INT32_MAX);
	r_name(r, "nic_groups", "%s position %lld", n->id, (long long)pos);
	if (n->ngroups == SG_MAX_NIC_GROUPS_HARD) {
		r_bad(r, "the interface has more than %d groups", SG_MAX_NIC_GROUPS_HARD);
		return r->rc;
	}
	gid = n->groups[n->ngroups];
	r_text(r, gid, sizeof(n->groups[0]));
	if (r->rc)
		return r->rc;
	if (!sg_group_find(nr->m, gid))
		r_bad(r, "group \"%s\" does not exist", gid);
	for (size_t i = 0; i < n->ngroups && !r->rc; i++)
		if (strcmp(n->groups[i], gid) == 0)
			r_bad(r, "group \"%s\" is listed twice", gid);
	if (r->rc)
		return r->rc;
	n->ngroups++;
	return 0;
}

/* Groups are a fixed array inside the NIC, so they are read before the NIC
 * is added to the model and travel in the struct. */
static int nic_read_groups(struct nic_rows *nr, struct sg_nic *n)
{
	sqlite3_stmt *s = st_get(nr->st, ST_LOAD_NIC_GRPS, "SELECT position, group_id FROM nic_groups"
				 " WHERE nic_id = ?1 ORDER BY position");

	if (!s)
		return -EIO;
	if (sqlite3_bind_text(s, 1, n->id, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return st_fail(nr->st, "bind nic id");
	nr->n = n;
	return st_each_row(nr->st, s, nic_group_row, nr, "load nic groups");
}

static int nic_row(struct st_row *r, void *ctx)
{
	struct nic_rows *nr = ctx;
	struct sg_nic n, *added = NULL;
	int ret;

	memset(&n, 0, sizeof(n));
	r_text(r, n.id, sizeof(n.id));
	r_name(r, "nics", "%s", n.id);
	r_text(r, n.name, sizeof(n.name));
	n.description = r_text_dup(r);
	r_text(r, n.host_device, sizeof(n.host_device));
	r_text(r, n.vpc_id, sizeof(n.vpc_id));
	n.owner_id = r_u64(r);
	r_text(r, n.create_time, sizeof(n.create_time));
	if (!n.id[0])
		r_bad(r, "empty id");
	ret = r->rc ? r->rc : nic_read_groups(nr, &n);
	if (!ret && !(added = sg_nic_add(nr->m, &n)))
		ret = -ENOMEM;
	if (ret) {
		free(n.description);
		return ret;
	}
	return nic_load_addrs(nr->st, added);
}

int st_load_nics(struct sg_store *st, struct sg_model *m)
{
	struct nic_rows nr = { st, m, NULL };
	sqlite3_stmt *s = st_get(st, ST_LOAD_NICS, "SELECT " NIC_COLS " FROM nics ORDER BY rowid");

	return s ? st_each_row(st, s, nic_row, &nr, "load nics") : -EIO;
}
