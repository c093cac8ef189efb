/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every parser fuzz target (libFuzzer) shares: the input as a C
 * string, and the rule that a refusal is one bounded, printable error.
 */
#ifndef SG_FUZZ_H
#define SG_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* @d as a NUL-terminated copy (an embedded NUL ends it, as in argv). */
static inline char *fz_string(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* The error a refusal left in @err: there, short and printable. */
static inline void fz_refusal(int err, const char *msg)
{
	size_t n = strlen(msg);

	if (!err)
		return;
	if (!n || n > 400) {
		fprintf(stderr, "refused with %zu bytes of error: %s\n", n, msg);
		abort();
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] >= 0x7f) {
			fprintf(stderr, "unprintable byte 0x%02x in the error: %s\n",
				(unsigned char)msg[i], msg);
			abort();
		}
}

#endif
