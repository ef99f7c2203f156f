/* host_device.c - which Linux devices a network interface record may name
 * (HostDevice).  A named device becomes default-drop for everything its
 * groups do not let in, so the name is the operator's decision: a valid
 * interface name, never loopback nor a device that carries a default route
 * (the host's own uplink), and matching the operator's allow-list
 * (host_devices in sgd.conf).  Who may set it at all (the local
 * administrator) is nic.c's check; this file only judges the name. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RTF_UP_ 0x0001u     /* <linux/route.h> RTF_UP */
#define RTF_REJECT_ 0x0200u /* RTF_REJECT: an unreachable/prohibit route, no device */

bool sg_ifname_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > SG_IFNAME_LEN - 1 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q <= ' ' || *q == '/' || *q == ':' || *q >= 0x7f)
			return false;
	return true;
}

bool sg_host_device_listed(const char *patterns, const char *dev)
{
	if (!patterns)
		return true;
	const char *p = patterns;
	while (*p) {
		size_t n = strcspn(p, " \t");
		if (n) {
			char pat[128];
			if (n < sizeof(pat)) {
				memcpy(pat, p, n);
				pat[n] = '\0';
				if (fnmatch(pat, dev, 0) == 0)
					return true;
			}
			p += n;
		}
		p += strspn(p, " \t");
	}
	return false;
}

/* Appends dev to devs unless it is there already. */
static size_t dev_push(char (*devs)[SG_IFNAME_LEN], size_t n, size_t max, const char *dev)
{
	if (!sg_ifname_ok(dev))
		return n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(devs[i], dev) == 0)
			return n;
	if (n < max)
		snprintf(devs[n++], SG_IFNAME_LEN, "%s", dev);
	return n;
}

/* Next line of text into line (truncated at len - 1); NULL at the end. */
static const char *next_line(const char *text, char *line, size_t len)
{
	if (!text || !*text)
		return NULL;
	size_t n = strcspn(text, "\n");
	snprintf(line, len, "%.*s", (int)(n < len ? n : len - 1), text);
	return text + n + (text[n] == '\n');
}

size_t sg_default_route_devs4(const char *text, char (*devs)[SG_IFNAME_LEN], size_t n, size_t max)
{
	char line[512];
	bool header = true;
	while ((text = next_line(text, line, sizeof(line)))) {
		char dev[64];
		unsigned dst, gw, flags, refcnt, use, metric, mask;
		if (header) { /* "Iface Destination Gateway Flags ..." */
			header = false;
			continue;
		}
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", dev, &dst, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8)
			continue;
		if (dst == 0 && mask == 0 && (flags & RTF_UP_) && !(flags & RTF_REJECT_))
			n = dev_push(devs, n, max, dev);
	}
	return n;
}

size_t sg_default_route_devs6(const char *text, char (*devs)[SG_IFNAME_LEN], size_t n, size_t max)
{
	char line[512];
	while ((text = next_line(text, line, sizeof(line)))) {
		char dst[40], src[40], via[40], dev[64];
		unsigned dlen, slen, metric, refcnt, use, flags;
		if (sscanf(line, "%39s %x %39s %x %39s %x %x %x %x %63s", dst, &dlen, src, &slen, via,
			   &metric, &refcnt, &use, &flags, dev) != 10)
			continue;
		if (strlen(dst) != 32 || strspn(dst, "0") != 32 || dlen != 0)
			continue;
		if ((flags & RTF_UP_) && !(flags & RTF_REJECT_))
			n = dev_push(devs, n, max, dev);
	}
	return n;
}

/* ---- the routing tables of sgd's network namespace ---- */

static const char *route4_path = "/proc/net/route";
static const char *route6_path = "/proc/net/ipv6_route";

void sg_host_device_route_files(const char *route4, const char *route6)
{
	route4_path = route4 ? route4 : "/proc/net/route";
	route6_path = route6 ? route6 : "/proc/net/ipv6_route";
}

/* The whole file into *out (malloc'd, NUL-terminated); a missing file is
 * empty (no IPv6 in the kernel: no ipv6_route).  0 or -errno. */
static int slurp(const char *path, char **out)
{
	*out = NULL;
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		return (*out = strdup("")) ? 0 : -ENOMEM;
	}
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int rc = 0;
	for (;;) {
		if (cap - len < 4097) {
			char *nb = cap < (16u << 20) ? realloc(buf, cap ? cap * 2 : 8192) : NULL;
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
	}
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

int sg_default_route_devs(char (*devs)[SG_IFNAME_LEN], size_t max)
{
	char *t4 = NULL, *t6 = NULL;
	int rc = slurp(route4_path, &t4);
	if (!rc)
		rc = slurp(route6_path, &t6);
	size_t n = 0;
	if (!rc) {
		n = sg_default_route_devs4(t4, devs, n, max);
		n = sg_default_route_devs6(t6, devs, n, max);
	}
	free(t4);
	free(t6);
	return rc ? rc : (int)n;
}

int sg_host_device_allowed(const struct sg_env *env, const char *dev, struct sg_reply *r)
{
	char up[256][SG_IFNAME_LEN]; /* more default-route devices than any host has */
	if (!sg_ifname_ok(dev))
		return sg_fail(r, 400, "InvalidHostDevice.Malformed",
			       "The specified parameter HostDevice is not a valid interface name.");
	if (strcmp(dev, "lo") == 0)
		return sg_fail(r, 403, "InvalidHostDevice.NotAllowed",
			       "The host device lo is the loopback device: sgd never filters it.");
	int n = sg_default_route_devs(up, sizeof(up) / sizeof(up[0]));
	if (n < 0)
		return sg_fail(r, 500, "InternalError",
			       "The request processing has failed due to some unknown error: cannot read the routing table (%s).",
			       strerror(-n));
	for (int i = 0; i < n; i++)
		if (strcmp(up[i], dev) == 0)
			return sg_fail(r, 403, "InvalidHostDevice.NotAllowed",
				       "The host device %s carries a default route of this host: sgd never filters it.",
				       dev);
	if (!sg_host_device_listed(env->host_devices, dev))
		return sg_fail(r, 403, "InvalidHostDevice.NotAllowed",
			       "The host device %s is not one the operator allows (host_devices).", dev);
	return 0;
}
