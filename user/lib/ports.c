// SPDX-License-Identifier: GPL-2.0-only
/* Port lists: "80,443,8000-8100" <-> a 65536-bit bitmap. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common.h"

/* A port's bit is that of its network-order value (see struct sg_ports). */
static void sg_ports_set(struct sg_ports *p, unsigned int port)
{
	unsigned int i = htons(port);

	p->bits[i >> 6] |= 1ULL << (i & 63);
}

bool sg_ports_test(const struct sg_ports *p, unsigned int port)
{
	unsigned int i = htons(port);

	return port < 65536 && (p->bits[i >> 6] >> (i & 63)) & 1;
}

/* Parses a decimal port at *s, advancing it; only digits are accepted. */
static int sg_port_number(const char **s, unsigned int *port)
{
	unsigned long v = 0;
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++)
		if (v <= 65535)
			v = v * 10 + (*p - '0');
	/* "0x50" or "80abc" is not a number, whatever its digits */
	if (isalnum((unsigned char)*p) || *p == '.')
		return -EINVAL;
	if (v == 0 || v > 65535)
		return -ERANGE;
	*port = v;
	*s = p;
	return 0;
}

static int sg_bad_ports(const char *spec, const char *item, size_t len, const char *why)
{
	char it[SG_QUOTE_MAX + 1];

	snprintf(it, sizeof(it), "%.*s", (int)len, item);
	if (len > SG_QUOTE_MAX)
		sg_err("bad port list '%s': an item %s", sg_quote(spec), why);
	else
		sg_err("bad port list '%s': '%s' %s", sg_quote(spec), sg_quote(it), why);
	return -EINVAL;
}

int sg_ports_parse(const char *spec, struct sg_ports *out)
{
	const char *s = spec;

	memset(out, 0, sizeof(*out));
	if (!spec || !*spec) {
		sg_err("empty port list (expected e.g. 80,443,8000-8100)");
		return -EINVAL;
	}
	for (;;) {
		const char *item = s;
		size_t len = strcspn(item, ",");
		unsigned int lo, hi, port;
		int err;

		err = sg_port_number(&s, &lo);
		if (err == -ERANGE)
			return sg_bad_ports(spec, item, len, "is out of range (ports are 1-65535)");
		if (err)
			return sg_bad_ports(spec, item, len,
					    "is not a port or range (expected N or N-M, 1-65535)");
		hi = lo;
		if (*s == '-') {
			s++;
			err = sg_port_number(&s, &hi);
			if (err == -ERANGE)
				return sg_bad_ports(spec, item, len,
						    "is out of range (ports are 1-65535)");
			if (err)
				return sg_bad_ports(spec, item, len,
						    "is not a port or range (expected N or N-M, 1-65535)");
			if (hi < lo)
				return sg_bad_ports(spec, item, len, "is a descending range");
		}
		if (*s != ',' && *s != '\0')
			return sg_bad_ports(spec, item, len,
					    "is not a port or range (expected N or N-M, 1-65535)");
		for (port = lo; port <= hi; port++)
			sg_ports_set(out, port);
		if (*s == '\0')
			return 0;
		s++;	/* ',' */
		if (*s == '\0')
			return sg_bad_ports(spec, s - 1, 1, "ends the list without a port after it");
	}
}

/* The bitmap as a minimal list of ports and ranges; caller frees. */
char *sg_ports_to_string(const struct sg_ports *p)
{
	size_t len = 65536 * 7 + 1, used = 0;	/* worst case: every other port */
	unsigned int port = 1, end;
	char *buf = malloc(len);

	if (!buf)
		return NULL;
	buf[0] = '\0';
	while (port < 65536) {
		if (!sg_ports_test(p, port)) {
			port++;
			continue;
		}
		end = port;
		while (end + 1 < 65536 && sg_ports_test(p, end + 1))
			end++;
		used += snprintf(buf + used, len - used, "%s%u", used ? "," : "", port);
		if (end != port)
			used += snprintf(buf + used, len - used, "-%u", end);
		port = end + 1;
	}
	return buf;
}
