/* testhook.c - see testhook.h. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testhook.h"

void sgd_test_hold(const char *point)
{
	const char *dir = getenv("SGD_TEST_HOLD_DIR");
	char path[PATH_MAX], buf[64];
	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/arm", dir);
	if (unlink(path) != 0)
		return; /* not armed */
	fprintf(stderr, "sgd: test hook: holding at %s\n", point);
	snprintf(path, sizeof(path), "%s/held", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC); /* blocks until the test listens */
	if (fd >= 0) {
		if (write(fd, point, strlen(point)) < 0 || write(fd, "\n", 1) < 0)
			perror("sgd: test hook: held");
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/release", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC); /* blocks until the test releases */
	if (fd >= 0) {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	fprintf(stderr, "sgd: test hook: released at %s\n", point);
}
