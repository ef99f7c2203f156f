/* instance.h - one sgd per state directory and per network namespace. */
#ifndef SGD_INSTANCE_H
#define SGD_INSTANCE_H

/* Per-namespace locks live here: created 0700, root's.  Under systemd
 * /run/sgd is the unit's RuntimeDirectory. */
#define SGD_NETNS_LOCK_DIR "/run/sgd/netns"

struct sgd_instance {
	int dir_lock;  /* flock on <state-dir>/sgd.lock */
	int ns_name;   /* flock on SGD_NETNS_LOCK_DIR/<netns dev>-<ino>.<table>.lock */
};

/* Claim the state directory and this namespace's table `table`.  0, or
 * -EBUSY (message on stderr) when another sgd holds either, or -errno. */
int sgd_instance_claim(struct sgd_instance *in, const char *state_dir, const char *table);
void sgd_instance_release(struct sgd_instance *in);

#endif
