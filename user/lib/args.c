// SPDX-License-Identifier: GPL-2.0-only
/* Option values shared by the CLI and the lab tools. */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

/* A decimal integer in [min, max] for option @opt, or a one-line error. */
int sg_parse_number(const char *opt, const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max) {
		sg_err("bad %s '%s' (%ld-%ld)", opt, arg, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}
