/* peer.c - who is on the other end of the Unix socket.  The kernel vouches
 * for the peer's uid/gid (SO_PEERCRED, taken at connect time), so local
 * callers need no signature. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api_internal.h"

int sg_peer_cred(int fd, struct sg_peer *p)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -errno;
	p->have_cred = true;
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	return 0;
}

/* Supplementary groups of the uid from the user database: SO_PEERCRED
 * carries only the primary gid. */
static bool uid_in_group(uid_t uid, gid_t primary, gid_t want)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = (int)(sizeof(groups) / sizeof(groups[0]));

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	if (getgrouplist(pw.pw_name, primary, groups, &n) < 0)
		return false; /* more than 256 groups: refuse rather than guess */
	for (int i = 0; i < n; i++)
		if (groups[i] == want)
			return true;
	return false;
}

bool sg_peer_is_admin(const struct sg_peer *p, gid_t admin_gid)
{
	if (!p->have_cred)
		return false;
	if (p->uid == 0)
		return true;
	if (admin_gid == (gid_t)-1)
		return false;
	return p->gid == admin_gid || uid_in_group(p->uid, p->gid, admin_gid);
}
