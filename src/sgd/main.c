/* main.c - sgd: load the database, put the ruleset in the kernel in one
 * transaction, serve the API, repair the table when someone else changes it. */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "config.h"
#include "dataplane.h"
#include "instance.h"
#include "sgd/api.h"
#include "sgd/link.h"
#include "sgd/store.h"

struct sgd {
	struct sgd_config cfg;
	struct sg_model model;
	struct sg_store *store;
	struct sg_dataplane dp;
	struct sg_creds creds;
	struct sg_env env;
	struct sg_api *api;
	struct sg_link *link;
	struct sgd_instance inst;
	pthread_mutex_t lock;      /* the writers' lock: mutations, reload, repair */
	struct sg_snapshots snaps; /* what readers see; see sg_snapshots_publish */
};

static void notify(const char *state)
{
#ifdef HAVE_SYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

static int load_credentials(struct sgd *d)
{
	char err[256] = "";
	int rc = sg_creds_load(d->cfg.credentials_path, d->cfg.admin_account.id, &d->creds, err,
			       sizeof(err));
	if (rc == 0)
		return 0;
	if (rc == -ENOENT && !d->cfg.listen[0])
		return 0; /* only signed TCP requests need AccessKeys */
	fprintf(stderr, "sgd: credentials %s: %s\n", d->cfg.credentials_path,
		err[0] ? err : strerror(-rc));
	return rc;
}

/* Bring the kernel to the database's state in one transaction. */
static int apply_all(struct sgd *d, const char *why)
{
	char err[256] = "";
	int rc = sg_dp_replace(&d->dp, &d->model, err, sizeof(err));
	if (rc)
		fprintf(stderr, "sgd: %s: the kernel refused the ruleset: %s\n", why,
			err[0] ? err : strerror(-rc));
	else
		fprintf(stderr, "sgd: %s: table inet sgd replaced (%zu groups, %zu interfaces)\n", why,
			d->model.ngroups, d->model.nnics);
	return rc;
}

/* Interfaces come and go (a VM starts): matching is by name, so the kernel
 * already filters a managed device the moment it exists; say so. */
static void on_link_change(const struct sg_link_change *ch, void *arg)
{
	struct sgd *d = arg;
	pthread_mutex_lock(&d->lock);
	const struct sg_nic *n = sg_nic_find_by_device(&d->model, ch->ifname);
	if (n && (ch->event == SG_LINK_ADDED || ch->event == SG_LINK_RENAMED))
		fprintf(stderr, "sgd: %s appeared: filtered for %s\n", ch->ifname, n->id);
	else if (n && ch->event == SG_LINK_REMOVED)
		fprintf(stderr, "sgd: %s is gone: %s keeps its rules for when it returns\n", ch->ifname, n->id);
	pthread_mutex_unlock(&d->lock);
}

static int start(struct sgd *d)
{
	/* Before anything else: a second sgd must not touch state or table. */
	int rc = sgd_instance_claim(&d->inst, d->cfg.state_dir, "sgd");
	if (rc)
		return rc;
	rc = sg_store_open(d->cfg.state_dir, &d->store);
	if (rc) {
		fprintf(stderr, "sgd: cannot open the state in %s: %s\n", d->cfg.state_dir, strerror(-rc));
		return rc;
	}
	sg_model_init(&d->model);
	d->model.quota = d->cfg.quota;
	/* A row sgd does not understand stops the start (the store named it):
	 * starting with part of the rules could open what a skipped rule
	 * closed, and the kernel keeps the last table while sgd is down. */
	if ((rc = sg_store_load(d->store, &d->model))) {
		fprintf(stderr, "sgd: refusing to start: %s/state.db does not load (%s); the kernel keeps"
			" the table it has\n", d->cfg.state_dir, strerror(-rc));
		return rc;
	}
	if ((rc = load_credentials(d)))
		return rc;
	if ((rc = sg_dp_open(&d->dp, d->cfg.mode))) {
		fprintf(stderr, "sgd: cannot open nf_tables netlink: %s\n", strerror(-rc));
		return rc;
	}
	if ((rc = apply_all(d, "start-up")))
		return rc;
	if (sg_link_open(&d->link) == 0)
		sg_link_set_callback(d->link, on_link_change, d);
	else
		fprintf(stderr, "sgd: cannot watch links (libnl); filtering is unaffected\n");

	if ((rc = sg_snapshots_publish(&d->snaps, &d->model)))
		return rc;
	d->env = (struct sg_env){
		.model = &d->model, .store = d->store, .sync = sg_dp_sync, .sync_ctx = &d->dp,
		.region = d->cfg.region, .accounts = d->creds.accounts, .naccounts = d->creds.naccounts,
		.snaps = &d->snaps, .host_devices = d->cfg.host_devices, .token_ttl_s = d->cfg.token_ttl_s,
	};
	gid_t admin_gid = (gid_t)-1;
	if (d->cfg.admin_group[0]) {
		struct group *g = getgrnam(d->cfg.admin_group);
		if (!g) {
			fprintf(stderr, "sgd: unknown admin group `%s'\n", d->cfg.admin_group);
			return -ENOENT;
		}
		admin_gid = g->gr_gid;
	}
	struct sg_api_config ac = {
		.socket_path = d->cfg.socket_path, .listen = d->cfg.listen[0] ? d->cfg.listen : NULL,
		.admin_gid = admin_gid, .admin_account = d->cfg.admin_account, .creds = &d->creds,
		.max_body = d->cfg.max_body, .timeout_s = d->cfg.timeout_s,
		.tls_cert = d->cfg.tls_cert[0] ? d->cfg.tls_cert : NULL,
		.tls_key = d->cfg.tls_key[0] ? d->cfg.tls_key : NULL,
		.plain_http = d->cfg.plain_http, .conns_per_ip = d->cfg.conns_per_ip,
		.state_dir = d->cfg.state_dir,
	};
	if ((rc = sg_api_start(&ac, &d->env, &d->lock, &d->api))) {
		fprintf(stderr, "sgd: cannot serve on %s%s%s: %s\n", d->cfg.socket_path,
			ac.listen ? " and " : "", ac.listen ? ac.listen : "", strerror(-rc));
		return rc;
	}
	fprintf(stderr, "sgd: serving on %s%s%s, mode %s, region %s\n", d->cfg.socket_path,
		ac.listen ? " and " : "", ac.listen ? ac.listen : "",
		d->cfg.mode == IR_MODE_HOST ? "host" : "routed", d->cfg.region);
	return 0;
}

/* Someone else changed table inet sgd: put ours back. */
static void on_nft_event(struct sgd *d)
{
	bool tampered = false;
	pthread_mutex_lock(&d->lock);
	int rc = sgnft_watch_read(d->dp.nft, "sgd", &tampered);
	if (rc == 0 && tampered) {
		fprintf(stderr, "sgd: table inet sgd was changed by another process: repairing\n");
		d->dp.repairs++;
		apply_all(d, "repair");
	}
	pthread_mutex_unlock(&d->lock);
}

/* Re-read the database and re-apply it.  Fail closed: the new model
 * replaces the running one only when the whole database loaded; otherwise
 * the model, the read snapshot and the kernel table stay as they were (a
 * half model would empty the nics map at the next sync and unfilter every
 * interface). */
static void on_reload(struct sgd *d)
{
	pthread_mutex_lock(&d->lock);
	int rc = sg_store_reload(d->store, &d->model);
	if (rc) {
		fprintf(stderr, "sgd: SIGHUP: %s/state.db does not load (%s): keeping the running"
			" model and table inet sgd as they are\n", d->cfg.state_dir, strerror(-rc));
	} else {
		d->env.broken = false; /* the model is the database's again */
		apply_all(d, "SIGHUP");
		if (sg_snapshots_publish(&d->snaps, &d->model))
			fprintf(stderr, "sgd: SIGHUP: out of memory publishing the read snapshot\n");
	}
	pthread_mutex_unlock(&d->lock);
}

static int run(struct sgd *d, int sfd)
{
	struct pollfd fds[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = sgnft_watch_fd(d->dp.nft), .events = POLLIN },
		{ .fd = d->link ? sg_link_fd(d->link) : -1, .events = POLLIN },
	};
	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (fds[1].revents & POLLIN)
			on_nft_event(d);
		if (fds[2].revents & POLLIN)
			sg_link_read(d->link);
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				on_reload(d);
				continue;
			}
			fprintf(stderr, "sgd: signal %u: stopping; the kernel keeps enforcing the ruleset\n",
				si.ssi_signo);
			return 0;
		}
	}
}

/* Each API listener takes up to 1024 connections: make room for them (the
 * usual soft limit is 1024 descriptors for the whole process). */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	static struct sgd d;
	sgd_config_defaults(&d.cfg);
	int rc = sgd_config_args(&d.cfg, argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	pthread_mutex_init(&d.lock, NULL);
	sg_snapshots_init(&d.snaps);
	raise_fd_limit();
	d.inst.dir_lock = d.inst.ns_name = -1;

	/* Signals go to the signalfd only, also in the API's threads. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);

	rc = sfd < 0 ? -errno : start(&d);
	if (rc == 0) {
		notify("READY=1");
		rc = run(&d, sfd);
		notify("STOPPING=1");
	}
	if (d.api)
		sg_api_stop(d.api);
	if (d.link)
		sg_link_close(d.link);
	sg_dp_close(&d.dp);
	if (d.store)
		sg_store_close(d.store);
	sg_model_free(&d.model);
	sg_snapshots_free(&d.snaps);
	sg_creds_free(&d.creds);
	sgd_instance_release(&d.inst);
	return rc ? 1 : 0;
}
