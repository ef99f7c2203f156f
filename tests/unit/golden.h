/* golden.h - compare a text with a golden file under tests/golden/.
 *
 * golden_check("x.nft", text) fails the test with the first line that
 * differs.  SGD_GOLDEN_UPDATE=1 writes the text into the file instead (then
 * review the change with git diff).  SGD_GOLDEN_DIR overrides the folder;
 * by default it is tests/golden relative to this header as the compiler saw
 * it, i.e. to the repository root that `make unit` runs in.  Header-only. */
#ifndef SGD_TEST_GOLDEN_H
#define SGD_TEST_GOLDEN_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static inline void golden_path(const char *name, char *buf, size_t len)
{
	const char *dir = getenv("SGD_GOLDEN_DIR");
	const char *here = __FILE__;
	const char *slash = strrchr(here, '/');

	if (dir && *dir)
		snprintf(buf, len, "%s/%s", dir, name);
	else if (slash)
		snprintf(buf, len, "%.*s/../golden/%s", (int)(slash - here), here, name);
	else
		snprintf(buf, len, "../golden/%s", name);
}

/* The whole file, NUL terminated; NULL when it cannot be read. */
static inline char *golden_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		s = malloc((size_t)n + 1);
		if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
			free(s);
			s = NULL;
		}
		if (s)
			s[n] = '\0';
	}
	fclose(f);
	return s;
}

static inline void golden_check(const char *name, const char *text)
{
	const char *upd = getenv("SGD_GOLDEN_UPDATE");
	char path[4096];
	char *want;

	assert_non_null(text);
	golden_path(name, path, sizeof(path));
	if (upd && strcmp(upd, "1") == 0) {
		FILE *f = fopen(path, "wb");

		if (!f || fputs(text, f) < 0 || fclose(f) != 0)
			fail_msg("cannot write golden file %s", path);
		print_message("golden: wrote %s\n", path);
		return;
	}
	want = golden_read(path);
	if (!want)
		fail_msg("cannot read golden file %s (run the tests from the repository root, "
			 "or create it with SGD_GOLDEN_UPDATE=1)", path);
	if (strcmp(want, text) != 0) {
		const char *a = want, *b = text;
		int line = 1;

		while (*a && *a == *b) {
			if (*a == '\n')
				line++;
			a++;
			b++;
		}
		while (a > want && a[-1] != '\n')
			a--, b--;
		fail_msg("%s differs from the golden file at line %d:\n  golden: %.*s\n  now:    %.*s\n"
			 "(if the change is intended: SGD_GOLDEN_UPDATE=1 make unit, then git diff tests/golden)",
			 path, line, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
	}
	free(want);
}

#endif
