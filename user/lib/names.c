// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stable names for counters, events and modes: they are the JSON keys, the
 * values options take and what status prints, one table each.
 */
#include "common.h"
#include "handoff.h"
#include "names.h"

#define SG__NAME(name, json) [SG_STAT_##name] = #json,
static const char *const sg_stat_names[SG_STAT__MAX] = {
	SG_STATS_PASS(SG__NAME)
	SG_STATS_TX(SG__NAME)
	SG_STATS_DROP(SG__NAME)
	SG_STATS_INFO(SG__NAME)
};
#undef SG__NAME

const char *sg_stat_name(unsigned int stat)
{
	if (stat < SG_STAT__MAX && sg_stat_names[stat])
		return sg_stat_names[stat];
	return "unknown";
}

const struct sg_enum sg_cookie_modes[] = {
	{ "auto", SG_COOKIES_AUTO },
	{ "always", SG_COOKIES_ALWAYS },
	{ "off", SG_COOKIES_OFF },
	{}
};

const struct sg_enum sg_completions[] = { { "auto", SG_COMPLETION_AUTO },
					  { "reqsk", SG_COMPLETION_REQSK },
					  { "synproxy", SG_COMPLETION_SYNPROXY },
					  {} };

const struct sg_enum sg_roles[] = { { "server", SG_ROLE_SERVER },
				    { "gateway", SG_ROLE_GATEWAY },
				    {} };

const struct sg_enum sg_oos_modes[] = {
	{ "attack", SG_OOS_ATTACK },
	{ "always", SG_OOS_ALWAYS },
	{ "off", SG_OOS_OFF },
	{}
};

const struct sg_enum sg_xdp_modes[] = {
	{ "native", SG_XDP_MODE_NATIVE },
	{ "skb", SG_XDP_MODE_SKB },
	{}
};

const struct sg_enum sg_attach_kinds[] = {
	{ "libxdp-dispatcher", SG_ATTACH_DISPATCHER },
	{ "single-program", SG_ATTACH_SINGLE },
	{}
};

const struct sg_enum sg_event_kinds[] = {
	{ "drop_sample", SG_EV_DROP_SAMPLE },
	{ "key_rotation", SG_EV_KEY_ROTATION },
	{ "attack_started", SG_EV_ATTACK_START },
	{ "attack_ended", SG_EV_ATTACK_END },
	{}
};

const struct sg_enum sg_handoff_choices[] = {
	{ "auto", SG_HANDOFF_AUTO },
	{ "metadata", SG_HANDOFF_TRY_META },
	{ "map", SG_HANDOFF_FORCE_MAP },
	{}
};

/* status's "path": the three map paths differ only in their reason */
const struct sg_enum sg_handoff_paths[] = {
	{ "metadata", SG_HANDOFF_META },
	{ "map", SG_HANDOFF_MAP_KNOWN },
	{ "map", SG_HANDOFF_MAP_FORCED },
	{ "map", SG_HANDOFF_MAP_LEARNED },
	{}
};

const struct sg_enum sg_on_off[] = {
	{ "on", 1 },
	{ "off", 0 },
	{}
};
