/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Adaptive cookies (--cookies auto). Each CPU counts the SYNs to protected
 * ports it sees, in windows of 1/8 s. A CPU whose count passes its share of
 * the threshold engages cookies for every CPU (sg_attack); once engaged,
 * half the share keeps them engaged, and they disengage after no CPU has
 * seen that much for the cooldown. While cookies are engaged, and for two
 * cookie periods after (the life of a cookie), ACKs reaching a listener are
 * checked; otherwise SYNs and ACKs go to the kernel untouched.
 *
 * The shared state is written on transitions, at most once a window per
 * CPU for the attack's heartbeat, and for a new peak: never per packet.
 */
#ifndef SG_BPF_ADAPTIVE_H
#define SG_BPF_ADAPTIVE_H

#include "common.h"
#include "clock.h"
#include "events.h"
#include "maps.h"

#define SG_RATE_WINDOW_SHIFT	3	/* windows of HZ / 8 */
#define SG_ACK_CHECK_SECS	150	/* two cookie periods (137 s) and a margin */

struct sg_syn_rate {
	__u64 window_start;	/* jiffies */
	__u64 beat;		/* window_start of the last heartbeat sent */
	__u32 count;		/* SYNs in this window */
	__u32 pad;
};

/* pinned as attack_map */
struct sg_attack sg_attack SG_GLOBAL(attack) = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_syn_rate);
} syn_rate_map SEC(".maps");

static sg_always_inline void sg_attack_event(__u32 kind, __u32 rate, __u32 duration_ms)
{
	struct sg_event *e = sg_event_reserve(kind, 0);

	if (!e)
		return;
	e->rate = rate;
	e->duration_ms = duration_ms;
	sg_event_submit(e);
}

/*
 * One SYN to a protected port, seen at @now (jiffies; never 0) with @hz
 * jiffies a second. Returns true if cookies are engaged. Time comes in as
 * arguments so that tests can drive it.
 */
static sg_always_inline bool sg_adaptive_syn(struct sg_syn_rate *r, struct sg_attack *a,
					     const struct sg_config *cfg, __u64 now, __u64 hz)
{
	__u64 win = hz >> SG_RATE_WINDOW_SHIFT, since, cooldown;
	__u32 limit = cfg->syn_threshold_cpu >> SG_RATE_WINDOW_SHIFT, rate;

	win = win ? win : 1;
	if (now - r->window_start >= win) {
		/* the window that closes sets the attack's peak */
		rate = r->count << SG_RATE_WINDOW_SHIFT;
		if (a->active_since && rate > a->peak_rate)
			a->peak_rate = rate;
		r->window_start = now;
		r->count = 0;
	}
	r->count++;
	limit = limit ? limit : 1;
	if (r->count > (a->active_since ? limit / 2 : limit)) {
		if (r->beat != r->window_start) {	/* once a window per CPU */
			r->beat = r->window_start;
			a->last_over = now;
		}
		if (!a->active_since && !__sync_val_compare_and_swap(&a->active_since, 0, now)) {
			/* the rate so far in this window, over a quarter of
			 * it at least (a burst in one jiffy says little) */
			since = now - r->window_start;
			since = since > win / 4 ? since : (win / 4 ? win / 4 : 1);
			rate = (__u64)r->count * hz / since;
			a->started_ns = bpf_ktime_get_ns();
			a->peak_rate = 0;	/* closed windows set it */
			a->attacks++;
			sg_attack_event(SG_EV_ATTACK_START, rate, 0);
		}
		return true;
	}
	since = a->active_since;
	cooldown = (__u64)cfg->cooldown_ms * hz / 1000;
	if (since && now - a->last_over > cooldown &&
	    __sync_val_compare_and_swap(&a->active_since, since, 0) == since) {
		a->ended_at = now;
		sg_attack_event(SG_EV_ATTACK_END, a->peak_rate, (now - since) * 1000 / hz);
		return false;
	}
	return a->active_since != 0;
}

/* Could an ACK at @now carry one of synguard's cookies? */
static sg_always_inline bool sg_adaptive_acks(const struct sg_attack *a, __u64 now, __u64 hz)
{
	return a->active_since || (a->ended_at && now - a->ended_at < SG_ACK_CHECK_SECS * hz);
}

#endif /* SG_BPF_ADAPTIVE_H */
