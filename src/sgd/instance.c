/* instance.c - refuse to run beside another sgd that would share our state
 * or our table.  Two daemons on one state.db each keep their own model and
 * overwrite each other's rows; two daemons in one network namespace each
 * see the other's table replacement as tampering and repair it back, for
 * ever.  An flock on the state directory catches the first; an abstract
 * Unix socket name catches the second, since abstract names belong to the
 * network namespace.  Both go away with the process, also on SIGKILL. */
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

static int claim_namespace(const char *table, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, n;

	/* sun_path[0] = '\0': an abstract name, "\0sgd/table/inet/<table>" */
	n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "sgd/table/inet/%s", table);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0) {
		int err = errno == EADDRINUSE ? -EBUSY : -errno;

		if (err == -EBUSY)
			fprintf(stderr, "sgd: another sgd already keeps table inet %s in this network "
				"namespace: refusing to start (the two would undo each other for ever)\n", table);
		else
			fprintf(stderr, "sgd: cannot claim table inet %s: %s\n", table, strerror(-err));
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int sgd_instance_claim(struct sgd_instance *in, const char *state_dir, const char *table)
{
	int rc;

	in->dir_lock = in->ns_name = -1;
	rc = lock_dir(state_dir, &in->dir_lock);
	if (!rc)
		rc = claim_namespace(table, &in->ns_name);
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
