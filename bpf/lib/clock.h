/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Clocks for the hot path. Reading a clocksource costs tens of nanoseconds
 * (more under a hypervisor), so per-packet code reads jiffies instead,
 * which the verifier inlines into one load:
 *  - sg_now_ms(): the SYN-ACK's timestamp value, in milliseconds.
 *  - sg_cookie_period(): the TAI cookie period, read from the clock at most
 *    once a second and whenever a period boundary is near; between reads,
 *    jiffies tell whether the cached period still holds.
 */
#ifndef SG_BPF_CLOCK_H
#define SG_BPF_CLOCK_H

#include "common.h"
#include "maps.h"

extern unsigned int CONFIG_HZ __kconfig __weak;

/* bpf_helper_defs.h of libbpf 1.1 predates this helper (Linux 6.1). */
static __u64 (* const sg_ktime_get_tai_ns)(void) = (void *)BPF_FUNC_ktime_get_tai_ns;

/*
 * The cookie period as of the last clock read, and until when (jiffies)
 * it holds, packed in one word: period << 32 | (__u32)jiffies. Shared by
 * every CPU and reached by address (no lookup): each packet reads it with
 * one load, so the pair is never torn, and it is written about once a
 * second, by whichever CPU finds it expired. Empty while the period is 0.
 * Pinned as clock_map.
 */
__u64 sg_clock SG_GLOBAL(clock) = 0;

static sg_always_inline __u64 sg_hz(void)
{
	return CONFIG_HZ ? CONFIG_HZ : 1000;
}

static sg_always_inline __u32 sg_now_ms(void)
{
	return bpf_jiffies64() * (1000 / sg_hz());
}

/* The TAI period as of the last clock read; exact, since the cached word
 * expires two jiffies before the next boundary and at most a second after
 * the read (so a stepped clock is seen within a second). */
static sg_always_inline __u64 sg_cookie_period(void)
{
	__u64 now = bpf_jiffies64(), word = *(volatile __u64 *)&sg_clock, tai, period, left;

	if ((word >> 32) && (__s32)((__u32)now - (__u32)word) < 0)
		return word >> 32;
	tai = sg_ktime_get_tai_ns();
	period = tai >> SG_COOKIE_PERIOD_SHIFT;
	left = (((period + 1) << SG_COOKIE_PERIOD_SHIFT) - tai) / (1000000000 / sg_hz());
	left = left > sg_hz() ? sg_hz() : left;
	if (left > 2)
		*(volatile __u64 *)&sg_clock = period << 32 | (__u32)(now + left - 2);
	return period;
}

#endif /* SG_BPF_CLOCK_H */
