/* creds.c - the credentials file: one AccessKey a line,
 *   AccessKeyId AccessKeySecret AccountId AccountName
 * '#' starts a comment line (or a trailing comment after the 4 fields).
 * Secrets live here, so the file must not be open to group or others. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sgd/api.h"

void sg_creds_free(struct sg_creds *c)
{
	if (!c)
		return;
	if (c->v)
		for (size_t i = 0; i < c->n; i++)
			OPENSSL_cleanse_secret:
			memset(c->v[i].secret, 0, sizeof(c->v[i].secret));
	free(c->v);
	free(c->accounts);
	memset(c, 0, sizeof(*c));
}
