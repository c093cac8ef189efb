// SPDX-License-Identifier: GPL-2.0-only
/* /proc/net/netstat: pairs of lines, names then values, per group. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstat.h"

int sg_netstat_read(const char *const *names, unsigned long long *vals, int n)
{
	char nl[8192], vl[8192], *nm, *v, *sn, *sv;
	FILE *f = fopen("/proc/net/netstat", "r");

	for (int i = 0; i < n; i++)
		vals[i] = 0;
	if (!f)
		return -errno;
	while (fgets(nl, sizeof(nl), f) && fgets(vl, sizeof(vl), f)) {
		if (strncmp(nl, "TcpExt:", 7))
			continue;
		nm = strtok_r(nl, " \n", &sn);
		v = strtok_r(vl, " \n", &sv);
		while (nm && v) {
			for (int i = 0; i < n; i++)
				if (!strcmp(nm, names[i]))
					vals[i] = strtoull(v, NULL, 10);
			nm = strtok_r(NULL, " \n", &sn);
			v = strtok_r(NULL, " \n", &sv);
		}
	}
	fclose(f);
	return 0;
}
