// SPDX-License-Identifier: GPL-2.0-only
/* Stable names for counters, events and modes: they are the JSON keys. */
#include "common.h"

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

const char *sg_event_kind_name(unsigned int kind)
{
	switch (kind) {
	case SG_EV_DROP_SAMPLE:
		return "drop_sample";
	case SG_EV_KEY_ROTATION:
		return "key_rotation";
	case SG_EV_ATTACK_START:
		return "attack_started";
	case SG_EV_ATTACK_END:
		return "attack_ended";
	}
	return "unknown";
}

const char *sg_xdp_mode_name(unsigned int mode)
{
	switch (mode) {
	case SG_XDP_MODE_NATIVE:
		return "native";
	case SG_XDP_MODE_SKB:
		return "skb";
	}
	return "unknown";
}

const char *sg_attach_kind_name(unsigned int kind)
{
	switch (kind) {
	case SG_ATTACH_DISPATCHER:
		return "libxdp-dispatcher";
	case SG_ATTACH_SINGLE:
		return "single-program";
	}
	return "unknown";
}
