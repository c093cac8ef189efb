// SPDX-License-Identifier: GPL-2.0-only
/* Option values shared by the CLI and the lab tools. */
#include <ctype.h>
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
	/* digits only, with a '-' where negatives are allowed: strtol() would
	 * take " 5" and "+5" too */
	if (errno || *end || end == arg || v < min || v > max ||
	    !(isdigit((unsigned char)arg[0]) || (min < 0 && arg[0] == '-'))) {
		sg_err("bad %s '%s' (%ld-%ld)", opt, sg_quote(arg), min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}
