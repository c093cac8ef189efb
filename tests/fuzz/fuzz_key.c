// SPDX-License-Identifier: GPL-2.0-only
/* Cookie key files: 32 hex digits and white space, or one short error. */
#include <ctype.h>

#include "fuzz.h"
#include "cookies.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char msg[512];
	struct sg_cookie_key k;
	int err;

	sg_err_capture(msg, sizeof(msg));
	err = sg_cookie_key_parse("fuzz.key", (const char *)d, n, &k);
	fz_refusal(err, msg);
	if (!err)
		for (size_t i = 0; i < 32; i++)
			if (!isxdigit(d[i]))
				abort();
	sg_err_capture(NULL, 0);
	return 0;
}
