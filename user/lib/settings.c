// SPDX-License-Identifier: GPL-2.0-only
/*
 * The settings vocabulary shared by 'synguard set' (key=value arguments)
 * and configuration files (key = value lines): one place parses and checks
 * every key, so the two can never disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cookies.h"
#include "settings.h"

/* The numeric settings and their ranges, for 'set', configuration files
 * and attach's options alike. */
static const struct {
	const char *key;
	long min, max;
} sg_numbers[] = {
	{ "syn-threshold", 1, 100000000 },
	{ "cooldown", 1, 86400 },
	{ "syn-limit", 0, 100000000 },
	{ "syn-burst", 0, 100000000 },
	{ "handshake-limit", 0, 100000000 },
	{ "handshake-burst", 0, 100000000 },
	{ "event-rate", 0, 1000000 },
	{ "ttl", 1, 255 },
};

int sg_setting_number(const char *shown, const char *key, const char *val, long *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(sg_numbers); i++)
		if (!strcmp(key, sg_numbers[i].key))
			return sg_parse_number(shown, val, sg_numbers[i].min, sg_numbers[i].max, out);
	sg_err("internal: no numeric setting '%s'", key);
	return -EINVAL;
}

/* Applies @key = @val to @cfg (and @ports, setting *@ports_set). One line
 * on stderr and -EINVAL for an unknown key or a bad value. */
int sg_setting_apply(const char *key, const char *val, struct sg_config *cfg,
		     struct sg_ports *ports, bool *ports_set)
{
	static const char *const limits[] = {
		"syn-limit", "syn-burst", "handshake-limit", "handshake-burst",
	};
	long v;

	if (!strcmp(key, "cookies"))
		return sg_cookie_mode_parse(val, &cfg->cookie_mode) ? -EINVAL : 0;
	if (!strcmp(key, "out-of-state"))
		return sg_oos_mode_parse(val, &cfg->out_of_state) ? -EINVAL : 0;
	if (!strcmp(key, "ports")) {
		memset(ports, 0, sizeof(*ports));
		*ports_set = true;
		return sg_ports_parse(val, ports);
	}
	if (!strcmp(key, "syn-threshold")) {
		if (sg_setting_number(key, key, val, &v))
			return -EINVAL;
		sg_adaptive_config(cfg, v, cfg->cooldown_ms);
		return 0;
	}
	if (!strcmp(key, "cooldown")) {
		if (sg_setting_number(key, key, val, &v))
			return -EINVAL;
		cfg->cooldown_ms = v * 1000;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		__u32 *field[] = { &cfg->syn_limit, &cfg->syn_burst, &cfg->hs_limit,
				   &cfg->hs_burst };

		if (strcmp(key, limits[i]))
			continue;
		if (sg_setting_number(key, key, val, &v))
			return -EINVAL;
		*field[i] = v;
		/* a new limit with no burst of its own: one second's worth */
		if (i % 2 == 0 && !*field[i + 1])
			*field[i + 1] = v;
		return 0;
	}
	if (!strcmp(key, "event-rate")) {
		if (sg_setting_number(key, key, val, &v))
			return -EINVAL;
		cfg->event_rate = v;
		return 0;
	}
	if (!strcmp(key, "ttl")) {
		if (sg_setting_number(key, key, val, &v))
			return -EINVAL;
		cfg->ttl = v;
		return 0;
	}
	sg_err("unknown key '%s' (keys: %s)", key, SG_SETTING_KEYS);
	return -EINVAL;
}

/* The policy settings at their defaults, as attach starts and reload
 * returns to; what attach derives from the interface is left alone. */
void sg_settings_defaults(struct sg_config *cfg)
{
	__u32 no_limits[4] = {};

	cfg->event_rate = SG_DEFAULT_EVENT_RATE;
	cfg->cookie_mode = SG_COOKIES_AUTO;
	cfg->ttl = 64;
	sg_adaptive_config(cfg, SG_DEFAULT_SYN_THRESHOLD, SG_DEFAULT_COOLDOWN_MS);
	cfg->out_of_state = SG_OOS_ATTACK;
	sg_limits_config(cfg, no_limits);
}
