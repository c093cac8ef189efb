// SPDX-License-Identifier: GPL-2.0-only
/* Configuration files: parsed, or refused with one short error naming the
 * line; nothing leaks either way. */
#include "fuzz.h"
#include "config_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct sg_file_config c;
	char *s = fz_string(d, n), msg[512];
	int err;

	memset(&c, 0, sizeof(c));
	sg_err_capture(msg, sizeof(msg));
	/* the bytes as read: an embedded NUL is the parser's to refuse */
	memcpy(s, d, n);
	err = sg_file_config_parse("fuzz.conf", s, n, &c);
	fz_refusal(err, msg);
	sg_err_capture(NULL, 0);
	sg_file_config_free(&c);
	free(s);
	return 0;
}
