// SPDX-License-Identifier: GPL-2.0-only
/* 'set' pairs, KEY=VALUE: applied or refused with one short error. */
#include "fuzz.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct sg_ports ports;
	char *s = fz_string(d, n), *eq = strchr(s, '='), msg[512];
	struct sg_config cfg = {};
	bool set = false;
	int err;

	if (eq) {
		*eq = '\0';
		sg_err_capture(msg, sizeof(msg));
		err = sg_setting_apply(s, eq + 1, &cfg, &ports, &set);
		fz_refusal(err, msg);
		sg_err_capture(NULL, 0);
	}
	free(s);
	return 0;
}
