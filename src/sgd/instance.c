/* instance.c - refuse to run beside another sgd that would share our state
 * or our table.  Two daemons on one state.db each keep their own model and
 * overwrite each other's rows; two daemons in one network namespace each
 * see the other's table replacement as tampering and repair it back, for
 * ever.  An flock on the state directory catches the first; an flock on a
 * file named after the network namespace's inode, in a directory only root
 * can write, catches the second.  (An abstract Unix socket name would be
 * per namespace too, but any unprivileged user can bind it first and so
 * keep sgd from starting.)  Both locks go away with the process, also on
 * SIGKILL. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "instance.h"

static int lock_dir(const char *dir, int *out)
{
	char path[512];
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "sgd: mkdir %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/sgd.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "sgd: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;

		fprintf(stderr, "sgd: %s is in use by another sgd: refusing to start\n", dir);
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

/* dir exists (created with mode if not) and only root (or we) can write it. */
static int root_only_dir(const char *dir, mode_t mode)
{
	struct stat st;
	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		fprintf(stderr, "sgd: %s must be a directory that only root can write: refusing to start\n",
			dir);
		return -EPERM;
	}
	return 0;
}

static int claim_namespace(const char *lock_dir, const char *table, int *out)
{
	char path[512];
	struct stat ns;
	int fd, rc;

	if (stat("/proc/self/ns/net", &ns) < 0) {
		fprintf(stderr, "sgd: cannot identify the network namespace: %s\n", strerror(errno));
		return -errno;
	}
	/* The parent (/run/sgd) may also hold the control socket: 0755. */
	char parent[512];
	snprintf(parent, sizeof(parent), "%s", lock_dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if ((rc = root_only_dir(parent, 0755)))
			return rc;
	}
	if ((rc = root_only_dir(lock_dir, 0700))) {
		if (rc != -EPERM)
			fprintf(stderr, "sgd: %s: %s\n", lock_dir, strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%lu-%lu.%s.lock", lock_dir, (unsigned long)ns.st_dev,
		 (unsigned long)ns.st_ino, table);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		fprintf(stderr, "sgd: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		char holder[32] = "";
		ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[n > 0 ? n : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		if (err == -EBUSY)
			fprintf(stderr, "sgd: another sgd (pid %s) already keeps table inet %s in this network "
				"namespace: refusing to start (the two would undo each other for ever)\n",
				holder[0] ? holder : "?", table);
		else
			fprintf(stderr, "sgd: cannot lock %s: %s\n", path, strerror(-err));
		close(fd);
		return err;
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len)
		fprintf(stderr, "sgd: %s: cannot note our pid (harmless)\n", path);
	*out = fd;
	return 0;
}

int sgd_instance_claim(struct sgd_instance *in, const char *state_dir, const char *table)
{
	int rc;

	in->dir_lock = in->ns_name = -1;
	rc = lock_dir(state_dir, &in->dir_lock);
	if (!rc)
		rc = claim_namespace(SGD_NETNS_LOCK_DIR, table, &in->ns_name);
	if (rc)
		sgd_instance_release(in);
	return rc;
}

void sgd_instance_release(struct sgd_instance *in)
{
	if (in->ns_name >= 0)
		close(in->ns_name);
	if (in->dir_lock >= 0)
		close(in->dir_lock);
	in->dir_lock = in->ns_name = -1;
}
