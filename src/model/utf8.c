/* utf8.c - text that reaches JSON must be valid UTF-8: jansson refuses
 * anything else, and an answer that cannot be rendered is a dropped
 * connection.  Names are limited in characters, not bytes. */
#include <stddef.h>

#include "sgd/model.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), 0 when there is none. */
static size_t seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!n)
		return 0;
	unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

bool sg_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = seq_len(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

size_t sg_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void sg_utf8_repair(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		size_t n = seq_len(p);
		if (n) {
			p += n;
			continue;
		}
		/* A sequence cut by truncation at the very end goes; any other
		 * bad byte becomes '?'. */
		size_t rest = 1;
		while (p[rest] && (p[rest] & 0xC0) == 0x80)
			rest++;
		if (!p[rest] && *p >= 0xC2 && *p <= 0xF4 && rest < 4) {
			*p = '\0';
			return;
		}
		*p++ = '?';
	}
}
