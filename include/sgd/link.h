/* link.h - the host's network interfaces, watched through libnl-3's route
 * link cache.  The daemon polls sg_link_fd() in its event loop and calls
 * sg_link_read() when it is readable; request threads may ask
 * sg_link_exists()/sg_link_is_up() at any time (a mutex guards the cache). */
#ifndef SGD_LINK_H
#define SGD_LINK_H

#include <stdbool.h>
#include <net/if.h>

struct sg_link;

enum sg_link_event {
	SG_LINK_ADDED = 1,   /* a name appeared */
	SG_LINK_REMOVED,     /* a name is gone */
	SG_LINK_RENAMED,     /* same interface, new name: oldname -> ifname */
	SG_LINK_UPDOWN,      /* administrative state (IFF_UP) changed */
};

struct sg_link_change {
	enum sg_link_event event;
	int ifindex;
	char ifname[IF_NAMESIZE];   /* current name (for REMOVED: the last one) */
	char oldname[IF_NAMESIZE];  /* RENAMED only, else "" */
	bool up;                    /* IFF_UP after the change */
};

/* Called from sg_link_read(), in its thread, once per change and without
 * the mutex held: the callback may call sg_link_exists() and friends. */
typedef void (*sg_link_cb)(const struct sg_link_change *c, void *arg);

/* Open a watcher on the calling thread's network namespace.  0 or -errno. */
int sg_link_open(struct sg_link **out);
void sg_link_close(struct sg_link *l);
void sg_link_set_callback(struct sg_link *l, sg_link_cb cb, void *arg);

/* The descriptor to poll for POLLIN (non-blocking). */
int sg_link_fd(const struct sg_link *l);
/* Take in pending notifications and report the changes.  Returns the number
 * of changes seen (>= 0) or -errno.  A lost notification (socket overrun)
 * is repaired by a full re-read, so the view is never left stale. */
int sg_link_read(struct sg_link *l);

bool sg_link_exists(struct sg_link *l, const char *ifname);
bool sg_link_is_up(struct sg_link *l, const char *ifname);
/* Interface index by name, or 0 when absent. */
int sg_link_ifindex(struct sg_link *l, const char *ifname);

#endif
