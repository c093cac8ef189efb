// SPDX-License-Identifier: GPL-2.0-only
/* "192.0.2.0/24", "2001:db8::/64" and plain addresses. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "cidr.h"

/* A plain address, as a host prefix. */
int sg_addr_parse(const char *s, struct sg_cidr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->addr) == 1) {
		out->family = 4;
		out->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->addr) == 1) {
		out->family = 6;
		out->prefix = 128;
		return 0;
	}
	sg_err("bad address '%s' (expected IPv4 or IPv6)", sg_quote(s));
	return -EINVAL;
}

int sg_cidr_parse(const char *s, struct sg_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long prefix;

	if (!s || strlen(s) >= sizeof(buf)) {
		sg_err("bad CIDR '%s' (expected e.g. 192.0.2.0/24 or 2001:db8::/64)", sg_quote(s));
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = 6;
	else {
		sg_err("bad CIDR '%s': '%s' is not an IPv4 or IPv6 address", sg_quote(s),
		       sg_quote(buf));
		return -EINVAL;
	}
	out->prefix = out->family == 4 ? 32 : 128;
	if (slash) {
		prefix = strtol(slash + 1, &end, 10);
		if (!isdigit((unsigned char)slash[1]) || *end || prefix < 0 ||
		    prefix > out->prefix) {
			sg_err("bad CIDR '%s': prefix must be 0-%d", sg_quote(s), out->prefix);
			return -EINVAL;
		}
		out->prefix = prefix;
	}
	return 0;
}
