/* main.c - sgctl: parse the command line, send one request to sgd, print the
 * answer.  Only this file prints errors and picks the exit status. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "ctl.h"

#ifndef SGD_VERSION
#define SGD_VERSION "0.1"
#endif

static const char *socket_path(const struct ctl_req *r)
{
	const char *env = getenv("SGD_SOCKET");

	if (r->socket)
		return r->socket;
	return env && *env ? env : CTL_DEFAULT_SOCKET;
}

/* Prints an answer: the JSON on success, "Code: Message" on an API error. */
static int show_answer(const struct ctl_req *r, const struct ctl_answer *ans)
{
	json_error_t jerr;
	json_t *body = json_loadb(ans->body ? ans->body : "", ans->len, 0, &jerr);
	const char *code = json_string_value(json_object_get(body, "Code"));
	int status = CTL_EXIT_OK;

	if (!json_is_object(body)) {
		fprintf(stderr, "sgctl: HTTP %ld with an answer that is not a JSON object: %.200s\n",
			ans->status, ans->body ? ans->body : "");
		status = CTL_EXIT_API;
	} else if (code || ans->status >= 400) {
		const char *msg = json_string_value(json_object_get(body, "Message"));
		fprintf(stderr, "%s: %s\n", code ? code : "HTTPError", msg ? msg : "(no message)");
		status = CTL_EXIT_API;
	} else if (ctl_render(r, body, stdout) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "sgctl: cannot write the answer\n");
		status = CTL_EXIT_API;
	}
	json_decref(body);
	return status;
}

int main(int argc, char **argv)
{
	struct ctl_answer ans = { 0 };
	char err[512] = "";
	struct ctl_req r;
	int status = CTL_EXIT_OK;

	ctl_req_init(&r);
	if (ctl_parse(argc, argv, &r, err, sizeof(err), stderr) < 0) {
		fprintf(stderr, "sgctl: %s\n", err);
		status = CTL_EXIT_USAGE;
		goto out;
	}
	if (r.version) {
		printf("sgctl %s (API version %s)\n", SGD_VERSION, CTL_VERSION);
		goto out;
	}
	if (r.help) {
		if (r.action)
			ctl_print_action_help(stdout, r.action);
		else
			ctl_print_commands(stdout);
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "sgctl: cannot initialise libcurl\n");
		status = CTL_EXIT_TRANSPORT;
		goto out;
	}
	if (ctl_http_call(socket_path(&r), &r, &ans, err, sizeof(err)) < 0) {
		fprintf(stderr, "sgctl: %s\n", err);
		status = CTL_EXIT_TRANSPORT;
	} else {
		status = show_answer(&r, &ans);
	}
	ctl_answer_free(&ans);
	curl_global_cleanup();
out:
	ctl_req_free(&r);
	return status;
}
