// SPDX-License-Identifier: GPL-2.0-only
/* CIDRs and addresses: what parses has a family and a prefix in range;
 * what does not gets one short error. */
#include "fuzz.h"
#include "cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *s = fz_string(d, n), msg[512];
	struct sg_cidr c;
	int err;

	sg_err_capture(msg, sizeof(msg));
	err = sg_cidr_parse(s, &c);
	fz_refusal(err, msg);
	if (!err && !((c.family == 4 && c.prefix <= 32) || (c.family == 6 && c.prefix <= 128)))
		abort();
	sg_err_capture(msg, sizeof(msg));
	err = sg_addr_parse(s, &c);
	fz_refusal(err, msg);
	if (!err && c.prefix != (c.family == 4 ? 32 : 128))
		abort();
	sg_err_capture(NULL, 0);
	free(s);
	return 0;
}
