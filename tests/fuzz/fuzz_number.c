// SPDX-License-Identifier: GPL-2.0-only
/* Numbers: only decimal digits (a '-' where negatives are allowed) in the
 * range; anything else one short error. The first byte picks the range. */
#include <ctype.h>

#include "fuzz.h"

static const long ranges[][2] = { { 0, 1000000 }, { 1, 65535 }, { -5, 5 }, { 0, 0x7fffffff } };

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const long *r = ranges[n ? d[0] % 4 : 0];
	char *s = fz_string(n ? d + 1 : d, n ? n - 1 : 0), msg[512];
	long v = 0;
	int err;

	sg_err_capture(msg, sizeof(msg));
	err = sg_parse_number("--x", s, r[0], r[1], &v);
	fz_refusal(err, msg);
	if (!err) {
		if (v < r[0] || v > r[1])
			abort();
		for (const char *c = s + (s[0] == '-'); *c; c++)
			if (!isdigit((unsigned char)*c))
				abort();
	}
	sg_err_capture(NULL, 0);
	free(s);
	return 0;
}
