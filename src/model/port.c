/* port.c - port ranges in the API's "start/end" form; "-1/-1" means any. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgd/model.h"

static int parse_int(const char *s, const char *end, long *out)
{
	if (s == end || end - s > 6)
		return -EINVAL;
	const char *p = s;
	if (*p == '-')
		p++;
	if (p == end)
		return -EINVAL;
	for (const char *q = p; q < end; q++)
		if (*q < '0' || *q > '9')
			return -EINVAL;
	*out = strtol(s, NULL, 10);
	return 0;
}

int sg_port_parse(const char *text, struct sg_port_range *out)
{
	if (!text)
		return -EINVAL;
	const char *slash = strchr(text, '/');
	long lo, hi;
	if (!slash || parse_int(text, slash, &lo) || parse_int(slash + 1, slash + 1 + strlen(slash + 1), &hi))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (lo == -1 && hi == -1) {
		out->any = true;
		out->lo = 0;
		out->hi = 65535;
		return 0;
	}
	if (lo < 1 || hi > 65535 || lo > hi)
		return -EINVAL;
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

void sg_port_format(const struct sg_port_range *p, char *buf, size_t len)
{
	if (p->any)
		snprintf(buf, len, "-1/-1");
	else
		snprintf(buf, len, "%u/%u", p->lo, p->hi);
}
