/* SPDX-License-Identifier: GPL-2.0-only */
/* The settings vocabulary of 'set' and of configuration files. */
#ifndef SG_USER_SETTINGS_H
#define SG_USER_SETTINGS_H

#include <stdbool.h>

#include "common.h"

#define SG_SETTING_KEYS "cookies, syn-threshold, cooldown, out-of-state, syn-limit, " \
	"syn-burst, handshake-limit, handshake-burst, ports, event-rate, ttl"

int sg_setting_apply(const char *key, const char *val, struct sg_config *cfg,
		     struct sg_ports *ports, bool *ports_set);

void sg_settings_defaults(struct sg_config *cfg);

/* @val of the numeric setting @key, in its range; errors name it @shown
 * (the key, or attach's option). */
int sg_setting_number(const char *shown, const char *key, const char *val, long *out);

#endif /* SG_USER_SETTINGS_H */
