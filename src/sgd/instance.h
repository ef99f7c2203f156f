/* instance.h - one sgd per state directory and per network namespace. */
#ifndef SGD_INSTANCE_H
#define SGD_INSTANCE_H

struct sgd_instance {
	int dir_lock;  /* flock on <state-dir>/sgd.lock */
	int ns_name;   /* abstract socket bound in this network namespace */
};

/* Claim the state directory and this namespace's table `table`.  0, or
 * -EBUSY (message on stderr) when another sgd holds either, or -errno. */
int sgd_instance_claim(struct sgd_instance *in, const char *state_dir, const char *table);
void sgd_instance_release(struct sgd_instance *in);

#endif
