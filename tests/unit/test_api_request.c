/* test_api_request.c - percent-decoding, form parsing, and the request
 * parser's refusals (bad encoding, non-UTF-8, control characters, path,
 * method, Format). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/api/api_internal.h"

static void test_decode_ok(void **state)
{
	char *o = NULL;

	assert_int_equal(sg_pct_decode("a%20b+c%2Ad", 11, true, &o), 0);
	assert_string_equal(o, "a b c*d");
	free(o);
	assert_int_equal(sg_pct_decode("a+b", 3, false, &o), 0);
	assert_string_equal(o, "a+b");
	free(o);
	/* UTF-8 (é, 中) passes */
	assert_int_equal(sg_pct_decode("%C3%A9%E4%B8%AD", 15, true, &o), 0);
	assert_string_equal(o, "\xc3\xa9\xe4\xb8\xad");
	free(o);
	assert_int_equal(sg_pct_decode("", 0, true, &o), 0);
	assert_string_equal(o, "");
	free(o);
}

static void test_decode_bad(void **state)
{
	char *o = (char *)0x1;

	assert_int_equal(sg_pct_decode("%", 1, true, &o), -EINVAL);
	assert_int_equal(sg_pct_decode("%2", 2, true, &o), -EINVAL);
	assert_int_equal(sg_pct_decode("%zz", 3, true, &o), -EINVAL);
	assert_int_equal(sg_pct_decode("ab%G0", 5, true, &o), -EINVAL);
	assert_int_equal(sg_pct_decode("%FF", 3, true, &o), -EILSEQ);     /* not UTF-8 */
	assert_int_equal(sg_pct_decode("%C0%AF", 6, true, &o), -EILSEQ);  /* overlong '/' */
	assert_int_equal(sg_pct_decode("%ED%A0%80", 9, true, &o), -EILSEQ); /* surrogate */
	assert_int_equal(sg_pct_decode("%E4%B8", 6, true, &o), -EILSEQ);  /* truncated */
	assert_int_equal(sg_pct_decode("a%00b", 5, true, &o), -EILSEQ);   /* NUL */
	assert_int_equal(sg_pct_decode("a%0Ab", 5, true, &o), -EILSEQ);   /* newline */
	assert_int_equal(sg_pct_decode("a%7F", 4, true, &o), -EILSEQ);    /* DEL */
	assert_int_equal(sg_pct_decode("a\tb", 3, true, &o), -EILSEQ);    /* raw control */
	assert_ptr_equal(o, (char *)0x1); /* untouched on failure */
}

static void test_encode(void **state)
{
	char *e = sg_pct_encode("a b*c~d-_.!'()/:=&+\xc3\xa9");
	assert_string_equal(e, "a%20b%2Ac~d-_.%21%27%28%29%2F%3A%3D%26%2B%C3%A9");
	free(e);
}

static void test_form_parse(void **state)
{
	struct sg_params p;
	struct sg_reply r;
	const char *s = "Action=X&&Permissions.1.PortRange=22%2F22&empty=&flag&a=1&a=2&";

	sg_params_init(&p);
	sg_reply_init(&r);
	assert_int_equal(sg_form_parse(s, strlen(s), &p, &r), 0);
	assert_string_equal(sg_param(&p, "Action"), "X");
	assert_string_equal(sg_param(&p, "Permissions.1.PortRange"), "22/22");
	assert_string_equal(sg_param(&p, "empty"), "");
	assert_string_equal(sg_param(&p, "flag"), "");
	assert_string_equal(sg_param(&p, "a"), "2"); /* last wins */
	sg_params_free(&p);
	sg_reply_free(&r);
}

static void expect_form_error(const char *s, const char *code)
{
	struct sg_params p;
	struct sg_reply r;

	sg_params_init(&p);
	sg_reply_init(&r);
	assert_int_equal(sg_form_parse(s, strlen(s), &p, &r), -1);
	assert_non_null(r.code);
	assert_string_equal(r.code, code);
	assert_int_equal(r.status, 400);
	sg_params_free(&p);
	sg_reply_free(&r);
}

static void test_form_errors(void **state)
{
	expect_form_error("a=%", "InvalidParameter.Encoding");
	expect_form_error("a=%zz", "InvalidParameter.Encoding");
	expect_form_error("a%=1", "InvalidParameter.Encoding");
	expect_form_error("=1", "InvalidParameter.Encoding");
	expect_form_error("a=%FF%FE", "InvalidParameter.Encoding");
	expect_form_error("a=x%0Dy", "InvalidParameter.Encoding");
}

static void test_form_too_many(void **state)
{
	size_t n = SG_MAX_PARAMS + 1;
	char *s = malloc(n * 8 + 1), *p = s;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "k%zu=&", i);
	expect_form_error(s, "InvalidParameter.TooMany");
	free(s);
}

static int parse(const char *method, const char *uri, const char *ct, const char *body,
		 struct sg_api_req *q, struct sg_reply *r)
{
	struct sg_hdr h[2] = { { "Content-Type", ct }, { "x-acs-action", "HdrAction" } };
	struct sg_http_req rq = { .method = method, .uri = uri, .hdrs = h,
				  .nhdrs = ct ? 2 : 0, .body = body,
				  .body_len = body ? strlen(body) : 0 };
	sg_api_req_init(q);
	sg_reply_init(r);
	return sg_api_req_parse(&rq, q, r);
}

static void test_req_body_wins(void **state)
{
	struct sg_api_req q;
	struct sg_reply r;

	assert_int_equal(parse("POST", "/?Action=A&RegionId=q&Only=q", "application/x-www-form-urlencoded; charset=utf-8",
			       "RegionId=b&Version=2014-05-26", &q, &r), 0);
	assert_string_equal(q.action, "A");
	assert_string_equal(q.version, "2014-05-26");
	assert_string_equal(sg_param(&q.all, "RegionId"), "b");
	assert_string_equal(sg_param(&q.all, "Only"), "q");
	assert_string_equal(sg_param(&q.query, "RegionId"), "q");
	assert_null(sg_param(&q.query, "Version"));
	assert_false(q.xml);
	sg_api_req_free(&q);
	sg_reply_free(&r);
}

static void test_req_action_header(void **state)
{
	struct sg_api_req q;
	struct sg_reply r;

	assert_int_equal(parse("POST", "/?Format=xml", "application/x-www-form-urlencoded", "", &q, &r), 0);
	assert_string_equal(q.action, "HdrAction");
	assert_true(q.xml);
	sg_api_req_free(&q);
	sg_reply_free(&r);
	assert_int_equal(parse("GET", "/", NULL, NULL, &q, &r), 0);
	assert_null(q.action);
	assert_null(q.version);
	sg_api_req_free(&q);
	sg_reply_free(&r);
}

static void expect_req_error(const char *method, const char *uri, const char *ct,
			     const char *body, int status, const char *code)
{
	struct sg_api_req q;
	struct sg_reply r;

	assert_int_equal(parse(method, uri, ct, body, &q, &r), -1);
	assert_non_null(r.code);
	assert_string_equal(r.code, code);
	assert_int_equal(r.status, status);
	sg_api_req_free(&q);
	sg_reply_free(&r);
}

static void test_req_errors(void **state)
{
	expect_req_error("PUT", "/?Action=A", NULL, NULL, 405, "UnsupportedHTTPMethod");
	expect_req_error("DELETE", "/", NULL, NULL, 405, "UnsupportedHTTPMethod");
	expect_req_error("GET", "/x?Action=A", NULL, NULL, 404, "InvalidApi.NotFound");
	expect_req_error("GET", "/%2e%2e/", NULL, NULL, 404, "InvalidApi.NotFound");
	expect_req_error("GET", "/%zz", NULL, NULL, 400, "InvalidParameter.Encoding");
	expect_req_error("GET", "/?Action=%E4", NULL, NULL, 400, "InvalidParameter.Encoding");
	expect_req_error("GET", "/?Format=YAML", NULL, NULL, 400, "InvalidParameter.Format");
	expect_req_error("POST", "/", "application/json", "{}", 415, "InvalidParameter.ContentType");
	expect_req_error("POST", "/", "application/x-www-form-urlencodedX", "a=1", 415,
			 "InvalidParameter.ContentType");
	expect_req_error("POST", "/", "application/x-www-form-urlencoded", "a=%1", 400,
			 "InvalidParameter.Encoding");
}

static void test_req_error_format_xml(void **state)
{
	struct sg_api_req q;
	struct sg_reply r;

	/* The Format is known before the method is refused: the error is XML. */
	assert_int_equal(parse("PUT", "/?Format=XML", NULL, NULL, &q, &r), -1);
	assert_true(q.xml);
	sg_api_req_free(&q);
	sg_reply_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_ok),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_form_parse),
		cmocka_unit_test(test_form_errors),
		cmocka_unit_test(test_form_too_many),
		cmocka_unit_test(test_req_body_wins),
		cmocka_unit_test(test_req_action_header),
		cmocka_unit_test(test_req_errors),
		cmocka_unit_test(test_req_error_format_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
