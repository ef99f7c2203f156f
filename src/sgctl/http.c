/* http.c - one POST to sgd over its Unix socket with libcurl.  The body is
 * application/x-www-form-urlencoded, escaped by curl_easy_escape. */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctl.h"

#define CTL_TIMEOUT_S 120L /* a full rebuild of a big ruleset may take a while */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct ctl_answer *a = userdata;
	size_t n = size * nmemb;
	char *nb = realloc(a->body, a->len + n + 1);

	if (!nb)
		return 0; /* curl reports CURLE_WRITE_ERROR */
	memcpy(nb + a->len, ptr, n);
	a->len += n;
	nb[a->len] = '\0';
	a->body = nb;
	return n;
}

/* Appends "&key=value", both escaped, to *form (heap, grown). */
static int form_append(CURL *c, char **form, size_t *len, const char *key, const char *value)
{
	char *k = curl_easy_escape(c, key, 0);
	char *v = curl_easy_escape(c, value, 0);
	int rc = -ENOMEM;
	size_t add;
	char *nf;

	if (!k || !v)
		goto out;
	add = strlen(k) + strlen(v) + 2;
	nf = realloc(*form, *len + add + 1);
	if (!nf)
		goto out;
	snprintf(nf + *len, add + 1, "%s%s=%s", *len ? "&" : "", k, v);
	*len += strlen(nf + *len);
	*form = nf;
	rc = 0;
out:
	curl_free(k);
	curl_free(v);
	return rc;
}

/* Explains why the socket cannot be used, before curl's generic message. */
static int check_socket(const char *path, char *err, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int e = errno;
		snprintf(err, len, "cannot reach sgd at %s: %s%s", path, strerror(e),
			 e == ENOENT ? " (is sgd running? see --socket)" : "");
		return -e;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, len, "cannot reach sgd at %s: not a socket", path);
		return -ENOTSOCK;
	}
	/* connect(2) on a Unix socket needs write permission on it */
	if (access(path, W_OK) < 0) {
		int e = errno;
		snprintf(err, len, "cannot reach sgd at %s: %s (root or the admin group may "
				   "use the socket)", path, strerror(e));
		return -e;
	}
	return 0;
}

int ctl_http_call(const char *socket_path, const struct ctl_req *r, struct ctl_answer *ans,
		  char *err, size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	char *form = NULL;
	size_t flen = 0;
	CURL *c = NULL;
	CURLcode cc;
	int rc;

	memset(ans, 0, sizeof(*ans));
	if ((rc = check_socket(socket_path, err, errlen)) < 0)
		return rc;
	rc = -ENOMEM;
	c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "cannot initialise libcurl");
		goto out;
	}
	for (size_t i = 0; i < r->n; i++)
		if ((rc = form_append(c, &form, &flen, r->v[i].key, r->v[i].value)) < 0) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	hdrs = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
	hdrs = hdrs ? curl_slist_append(hdrs, "Accept: application/json") : NULL;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	curl_easy_setopt(c, CURLOPT_URL, "http://localhost/");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, form ? form : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)flen);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, ans);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, CTL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(c);
	if (cc == CURLE_COULDNT_CONNECT) {
		/* curl words this as "localhost port 80": say what it means here */
		snprintf(err, errlen, "cannot reach sgd at %s: connection refused (is sgd running?)",
			 socket_path);
		rc = -ECONNREFUSED;
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "cannot talk to sgd at %s: %s", socket_path,
			 *curl_err ? curl_err : curl_easy_strerror(cc));
		rc = cc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -ECONNREFUSED;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ans->status);
	rc = 0;
out:
	if (rc < 0)
		ctl_answer_free(ans);
	curl_slist_free_all(hdrs);
	if (c)
		curl_easy_cleanup(c);
	free(form);
	return rc;
}

void ctl_answer_free(struct ctl_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}
