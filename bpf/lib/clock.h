/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Clocks for the hot path. Reading a clocksource costs tens of nanoseconds
 * (more under a hypervisor), so per-packet code reads jiffies instead,
 * which the verifier inlines into one load:
 *  - sg_now_ms(): the SYN-ACK's timestamp value, in milliseconds.
 *  - sg_cookie_period(): the TAI cookie period, read from the clock at most
 *    once a second per CPU and whenever a period boundary is near; between
 *    reads, jiffies tell whether the cached period still holds.
 */
#ifndef SG_BPF_CLOCK_H
#define SG_BPF_CLOCK_H

#include "common.h"

extern unsigned int CONFIG_HZ __kconfig __weak;

/* bpf_helper_defs.h of libbpf 1.1 predates this helper (Linux 6.1). */
static __u64 (* const sg_ktime_get_tai_ns)(void) = (void *)BPF_FUNC_ktime_get_tai_ns;

struct sg_clock_cache {
	__u64 period;
	__u64 valid_until;	/* jiffies; 0: empty */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sg_clock_cache);
} clock_cache_map SEC(".maps");

static sg_always_inline __u64 sg_hz(void)
{
	return CONFIG_HZ ? CONFIG_HZ : 1000;
}

static sg_always_inline __u32 sg_now_ms(void)
{
	return bpf_jiffies64() * (1000 / sg_hz());
}

/* The TAI period as of the last clock read; exact, since the cache expires
 * two jiffies before the next boundary and at most a second after the read
 * (so a stepped clock is seen within a second). */
static sg_always_inline __u64 sg_cookie_period(void)
{
	__u64 now = bpf_jiffies64(), tai, left_ns, left;
	struct sg_clock_cache *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&clock_cache_map, &zero);
	if (c && now < c->valid_until)
		return c->period;
	tai = sg_ktime_get_tai_ns();
	if (!c)
		return tai >> SG_COOKIE_PERIOD_SHIFT;
	c->period = tai >> SG_COOKIE_PERIOD_SHIFT;
	left_ns = ((c->period + 1) << SG_COOKIE_PERIOD_SHIFT) - tai;
	left = left_ns / (1000000000 / sg_hz());
	left = left > sg_hz() ? sg_hz() : left;
	c->valid_until = left > 2 ? now + left - 2 : 0;
	return c->period;
}

#endif /* SG_BPF_CLOCK_H */
