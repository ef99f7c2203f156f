/* creds.c - the credentials file: one AccessKey a line,
 *   AccessKeyId AccessKeySecret AccountId AccountName
 * '#' starts a comment line (or a trailing comment after the 4 fields).
 * Secrets live here, so the file must not be open to group or others and
 * must belong to root or to sgd; no key may act as the local administrator's
 * account. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sgd/api.h"

void sg_creds_free(struct sg_creds *c)
{
	if (!c)
		return;
	if (c->v)
		OPENSSL_cleanse(c->v, c->n * sizeof(*c->v));
	free(c->v);
	free(c->accounts);
	memset(c, 0, sizeof(*c));
}

static int fail(char *errmsg, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *errmsg, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (errmsg && len) {
		va_start(ap, fmt);
		vsnprintf(errmsg, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int copy_tok(char *dst, size_t cap, const char *tok)
{
	size_t l = strlen(tok);
	if (l >= cap)
		return -EINVAL;
	memcpy(dst, tok, l + 1);
	return 0;
}

static int parse_account_id(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Keys are unique; an account id names one account and the other way round. */
static int add_account(struct sg_creds *c, const struct sg_account *a, int line, char *errmsg,
		       size_t len)
{
	for (size_t i = 0; i < c->naccounts; i++) {
		bool same_id = c->accounts[i].id == a->id;
		bool same_name = strcmp(c->accounts[i].name, a->name) == 0;
		if (same_id && same_name)
			return 0;
		if (same_id || same_name)
			return fail(errmsg, len, -EINVAL,
				    "line %d: account %llu \"%s\" conflicts with account %llu \"%s\" given earlier",
				    line, (unsigned long long)a->id, a->name,
				    (unsigned long long)c->accounts[i].id, c->accounts[i].name);
	}
	struct sg_account *t = realloc(c->accounts, (c->naccounts + 1) * sizeof(*t));
	if (!t)
		return fail(errmsg, len, -ENOMEM, "out of memory");
	c->accounts = t;
	c->accounts[c->naccounts++] = *a;
	return 0;
}

static int parse_line(struct sg_creds *c, char *s, int line, uint64_t admin_id, char *errmsg,
		      size_t len)
{
	char *tok[5], *save = NULL;
	int n = 0;
	struct sg_cred cr;

	for (char *t = strtok_r(s, " \t\r\n", &save); t && n < 5; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (t[0] == '#')
			break;
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (n != 4)
		return fail(errmsg, len, -EINVAL,
			    "line %d: expected 4 fields \"AccessKeyId AccessKeySecret AccountId AccountName\", found %s",
			    line, n < 4 ? "fewer" : "more");
	memset(&cr, 0, sizeof(cr));
	if (copy_tok(cr.key_id, sizeof(cr.key_id), tok[0]))
		return fail(errmsg, len, -EINVAL, "line %d: AccessKeyId longer than %zu characters",
			    line, sizeof(cr.key_id) - 1);
	if (copy_tok(cr.secret, sizeof(cr.secret), tok[1]))
		return fail(errmsg, len, -EINVAL, "line %d: AccessKeySecret longer than %zu characters",
			    line, sizeof(cr.secret) - 1);
	if (parse_account_id(tok[2], &cr.account.id))
		return fail(errmsg, len, -EINVAL,
			    "line %d: AccountId \"%.40s\" is not a positive decimal number", line, tok[2]);
	/* A key of the administrator's account would act on every account's
	 * resources over TCP with nothing but a signature. */
	if (cr.account.id == admin_id)
		return fail(errmsg, len, -EINVAL,
			    "line %d: AccountId %llu is the local administrator's account"
			    " (admin_account_id): an AccessKey may not act as the administrator;"
			    " give the key another account or change admin_account_id",
			    line, (unsigned long long)cr.account.id);
	if (copy_tok(cr.account.name, sizeof(cr.account.name), tok[3]))
		return fail(errmsg, len, -EINVAL, "line %d: AccountName longer than %zu characters",
			    line, sizeof(cr.account.name) - 1);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key_id, cr.key_id) == 0)
			return fail(errmsg, len, -EINVAL, "line %d: AccessKeyId %s is given twice", line,
				    cr.key_id);
	int rc = add_account(c, &cr.account, line, errmsg, len);
	if (rc)
		return rc;
	struct sg_cred *t = realloc(c->v, (c->n + 1) * sizeof(*t));
	if (!t)
		return fail(errmsg, len, -ENOMEM, "out of memory");
	c->v = t;
	c->v[c->n++] = cr;
	OPENSSL_cleanse(&cr, sizeof(cr));
	return 0;
}

/* Mode 0600 (or narrower) keeps others from reading the secrets; the owner
 * must be root or sgd itself, since the owner may chmod it open again or
 * add a key of its choosing. */
static int check_mode(int fd, const char *path, char *errmsg, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(errmsg, len, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(errmsg, len, -EINVAL, "%s: not a regular file", path);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return fail(errmsg, len, -EPERM,
			    "%s: owned by uid %u, who could change the secrets; it must be owned by root"
			    " or by sgd (uid %u): run chown root %s", path, (unsigned)st.st_uid,
			    (unsigned)geteuid(), path);
	if (st.st_mode & 077)
		return fail(errmsg, len, -EPERM,
			    "%s: mode %04o lets group or others at the secrets; run chmod 600 %s", path,
			    (unsigned)(st.st_mode & 07777), path);
	return 0;
}

/* "line 3: ..." becomes "/etc/sgd/credentials:3: ..." style context. */
static void prefix_path(char *errmsg, size_t len, const char *path)
{
	char tmp[512];

	if (!errmsg || !len)
		return;
	snprintf(tmp, sizeof(tmp), "%s", errmsg);
	snprintf(errmsg, len, "%s: %s", path, tmp);
}

int sg_creds_load(const char *path, uint64_t admin_account_id, struct sg_creds *out, char *errmsg,
		  size_t len)
{
	struct sg_creds c = { 0 };
	char *line = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	int fd, rc, lineno = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errmsg, len, -errno, "%s: %s", path, strerror(errno));
	rc = check_mode(fd, path, errmsg, len);
	if (rc) {
		close(fd);
		return rc;
	}
	f = fdopen(fd, "r");
	if (!f) {
		rc = fail(errmsg, len, -errno, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		rc = parse_line(&c, line, lineno, admin_account_id, errmsg, len);
		if (rc) {
			prefix_path(errmsg, len, path);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = fail(errmsg, len, -EIO, "%s: read error", path);
		goto out;
	}
	*out = c;
	memset(&c, 0, sizeof(c));
	rc = 0;
out:
	if (line) {
		OPENSSL_cleanse(line, cap);
		free(line);
	}
	fclose(f);
	sg_creds_free(&c);
	return rc;
}
