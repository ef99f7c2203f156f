/* id.c - resource ids and timestamps in the cloud's forms. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sgd/model.h"

void sg_id_new(const char *prefix, char *buf, size_t len)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t rnd[20];
	size_t got = 0;
	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	size_t p = (size_t)snprintf(buf, len, "%s", prefix);
	for (size_t i = 0; i < sizeof(rnd) && p + 1 < len; i++)
		buf[p++] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	buf[p < len ? p : len - 1] = '\0';
}

void sg_time_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
