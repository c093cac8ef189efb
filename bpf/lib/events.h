/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Sampled events into the ring buffer. A flood must not turn into an event
 * flood, so each CPU sends at most config.event_rate events per second
 * (fixed windows measured in jiffies, which the verifier inlines) and
 * counts what it skipped; the next event carries that count.
 */
#ifndef SG_BPF_EVENTS_H
#define SG_BPF_EVENTS_H

#include "clock.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"

static sg_always_inline bool sg_event_allowed(struct sg_event_limit *lim,
					      __u32 rate, __u32 *suppressed)
{
	__u64 now = bpf_jiffies64();
	__u64 hz = sg_hz();

	if (now - lim->window_start >= hz) {
		lim->window_start = now;
		lim->sent = 0;
	}
	if (lim->sent >= rate) {
		lim->suppressed++;
		return false;
	}
	lim->sent++;
	*suppressed = lim->suppressed;
	lim->suppressed = 0;
	return true;
}

static sg_always_inline void sg_event_fill_pkt(struct sg_event *e,
					       const struct sg_pkt *pkt)
{
	struct tcphdr *tcp = pkt->tcp;

	if (pkt->ip4) {
		e->family = 4;
		__builtin_memcpy(e->saddr, &pkt->ip4->saddr, 4);
		__builtin_memcpy(e->daddr, &pkt->ip4->daddr, 4);
	} else if (pkt->ip6) {
		e->family = 6;
		__builtin_memcpy(e->saddr, &pkt->ip6->saddr, 16);
		__builtin_memcpy(e->daddr, &pkt->ip6->daddr, 16);
	}
	if (tcp && (void *)(tcp + 1) <= pkt->data_end) {
		e->sport = bpf_ntohs(tcp->source);
		e->dport = bpf_ntohs(tcp->dest);
		e->tcp_flags = SG_TCP_FLAGS(tcp);
	}
}

/* A zeroed, stamped record, or NULL (counted as lost) if the ring is full. */
static sg_always_inline struct sg_event *sg_event_reserve(__u32 kind, __u32 reason)
{
	struct sg_event *e = bpf_ringbuf_reserve(&events_map, sizeof(*e), 0);

	if (!e) {
		sg_count(SG_STAT_INFO_EVENTS_LOST, 0);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->reason = reason;
	return e;
}

static sg_always_inline void sg_event_submit(struct sg_event *e)
{
	bpf_ringbuf_submit(e, 0);
	sg_count(SG_STAT_INFO_EVENTS_SENT, 0);
}

/* A drop sample's record, reserved and filled but for the packet, or NULL
 * when the sampling limit (or a full ring) says no. */
static sg_always_inline struct sg_event *sg_event_drop_begin(struct xdp_md *ctx, __u32 reason)
{
	__u32 zero = 0, suppressed;
	struct sg_config *cfg = &sg_cfg;
	struct sg_event_limit *lim = bpf_map_lookup_elem(&event_limit_map, &zero);
	struct sg_event *e;

	if (!lim || !cfg->event_rate)
		return NULL;
	if (!sg_event_allowed(lim, cfg->event_rate, &suppressed))
		return NULL;

	e = sg_event_reserve(SG_EV_DROP_SAMPLE, reason);
	if (!e)
		return NULL;
	e->ifindex = ctx->ingress_ifindex;
	e->suppressed = suppressed;
	return e;
}

static sg_always_inline void sg_event_drop_submit(struct sg_event *e)
{
	__u32 suppressed = e->suppressed;

	sg_event_submit(e);
	if (suppressed)
		sg_count_n(SG_STAT_INFO_EVENTS_SUPPRESSED, suppressed);
}

/*
 * A drop sample of @pkt, for every path that drops. With @parse (a
 * constant), @pkt is filled by parsing the frame again, and only once the
 * sampling limit said yes: a caller whose parse results are not at hand
 * then pays for them on sampled drops alone.
 */
static sg_always_inline void sg_event_drop(struct xdp_md *ctx, struct sg_pkt *pkt, __u32 reason,
					   const bool parse)
{
	struct sg_event *e = sg_event_drop_begin(ctx, reason);

	if (!e)
		return;
	if (parse)
		sg_parse(ctx, pkt);
	sg_event_fill_pkt(e, pkt);
	sg_event_drop_submit(e);
}

/* Not sampled: one per key epoch at most (see cookie.h). */
static sg_always_inline void sg_event_key_rotation(__u64 epoch)
{
	struct sg_event *e = sg_event_reserve(SG_EV_KEY_ROTATION, epoch);

	if (e)
		sg_event_submit(e);
}

#endif /* SG_BPF_EVENTS_H */
