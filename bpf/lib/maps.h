/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps every part of synguard shares: configuration, ports, counters,
 * events and the attachment's record. Each concern's own maps live beside
 * its code: cookie_key_map and the derived keys (cookie.h), peers_map
 * (peers.h), conn_map and live_sk_map (live.h), limits_map (limits.h), the
 * allow and deny tries (lists.h), syn_rate_map and the attack state
 * (adaptive.h), the clock (clock.h), handoff_map, handoff_scratch and
 * the handoff state (handoff.h), and hs_seen_map and hs_scratch
 * (handshakes.h). The loader pins them all under
 * /sys/fs/bpf/synguard/net<cookie>/if<ifindex>/ by their names.
 *
 * What every packet reads is a global variable in a data section of its
 * own (SG_GLOBAL): the program reaches it by address, with no map lookup.
 * A lookup is a helper call, which clobbers five of the ten registers, so
 * the parse results would go to the stack on every path.
 * libbpf makes each such section a one-entry array map whose value is the
 * variable; the loader pins ".data.NAME" as "NAME_map", so userspace reads
 * and writes it like the other one-entry maps.
 */
#ifndef SG_BPF_MAPS_H
#define SG_BPF_MAPS_H

#include "common.h"

#define SG_GLOBAL(name)	SEC(".data." #name)

/* pinned as config_map */
struct sg_config sg_cfg SG_GLOBAL(config) = {};

/* pinned as ports_map */
struct sg_ports sg_ports SG_GLOBAL(ports) = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SG_STAT__MAX);
	__type(key, __u32);
	__type(value, struct sg_counter);
} stats_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SG_EVENTS_BYTES);
} events_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_event_limit);
} event_limit_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_attach_info);
} info_map SEC(".maps");

/* Userspace's: the configuration file named at attach (never read here). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_conf_path);
} conf_path_map SEC(".maps");

#endif /* SG_BPF_MAPS_H */
