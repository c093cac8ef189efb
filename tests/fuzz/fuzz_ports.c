// SPDX-License-Identifier: GPL-2.0-only
/* Port lists: a list that parses prints back to one that parses to the
 * same ports; one that does not gets one short error. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct sg_ports p, q;
	char *s = fz_string(d, n), msg[512], *back;
	int err;

	sg_err_capture(msg, sizeof(msg));
	err = sg_ports_parse(s, &p);
	fz_refusal(err, msg);
	if (!err) {
		back = sg_ports_to_string(&p);
		if (!back || sg_ports_parse(back, &q) || memcmp(&p, &q, sizeof(p)))
			abort();
		free(back);
	}
	sg_err_capture(NULL, 0);
	free(s);
	return 0;
}
