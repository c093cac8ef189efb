/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TC ingress side of the handshake: an ACK that XDP found carrying a valid
 * cookie arrives with synguard's metadata in front of it, or, from a driver
 * with no metadata room, with an entry in handoff_map. The listener gets
 * a request socket built from what the cookie encoded, via
 * bpf_sk_assign_tcp_reqsk() (Linux 6.9), and accepts the connection as if
 * it had sent the SYN-ACK itself.
 */
#ifndef SG_BPF_REQSK_H
#define SG_BPF_REQSK_H

#include "common.h"
#include "handshakes.h"
#include "ack.h"
#include "handoff.h"
#include "live.h"
#include "parse.h"
#include "stats.h"

#define SG_TC_ACT_OK	0
#define SG_TC_ACT_SHOT	2

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs, int attrs__sz) __ksym __weak;

/* The listener gets a request socket for the ACK in @pkt, with the
 * options @m names. */
static sg_always_inline int sg_tc_assign(struct __sk_buff *skb, const struct sg_pkt *pkt,
					 const struct sg_config *cfg, const struct sg_meta *m)
{
	struct bpf_tcp_req_attrs attrs = {};
	struct bpf_sock *skc;
	struct sock *sk;
	int ret;

	skc = sg_lookup(skb, pkt);
	if (!skc)
		goto fail;
	if (skc->state != BPF_TCP_LISTEN) {
		/* a retransmitted ACK that raced its twin: the socket exists */
		bpf_sk_release(skc);
		return SG_TC_ACT_OK;
	}
	sk = (struct sock *)bpf_skc_to_tcp_sock(skc);
	if (!sk) {
		bpf_sk_release(skc);
		goto fail;
	}

	attrs.mss = m->mss;
	attrs.wscale_ok = !!(m->flags & SG_META_WSCALE_OK);
	attrs.snd_wscale = m->snd_wscale;
	attrs.rcv_wscale = attrs.wscale_ok ? cfg->rcv_wscale : 0;
	attrs.sack_ok = !!(m->flags & SG_META_SACK_OK);
	attrs.ecn_ok = !!(m->flags & SG_META_ECN_OK);
	attrs.tstamp_ok = !!(m->flags & SG_META_TSTAMP_OK);
	attrs.rcv_tsval = m->tsval;
	attrs.rcv_tsecr = m->tsecr;
	ret = bpf_sk_assign_tcp_reqsk(skb, sk, &attrs, sizeof(attrs));
	bpf_sk_release(skc);
	if (ret)
		goto fail;
	sg_count_handshake(pkt,
			   attrs.tstamp_ok ? sg_hs_rtt_us(sg_now_ms() - m->tsecr) : SG_HS_NO_RTT);
	return SG_TC_ACT_OK;
fail:
	/* Passing it on would only make the listener reset the client. */
	sg_count(SG_STAT_INFO_REQSK_FAILED, 0);
	return SG_TC_ACT_SHOT;
}

static sg_always_inline int sg_tc_complete(struct __sk_buff *skb, const struct sg_config *cfg)
{
	void *data = (void *)(long)skb->data;
	struct sg_meta *meta = (void *)(long)skb->data_meta;
	struct sg_pkt pkt = {};
	struct sg_meta m;

	if ((void *)(meta + 1) <= data && meta->magic == SG_META_MAGIC) {
		m = *meta;
		if (sg_parse_frame(data, (void *)(long)skb->data_end, &pkt).next != SG_NEXT_TCP)
			return SG_TC_ACT_OK;
		return sg_tc_assign(skb, &pkt, cfg, &m);
	}
	/* No metadata: a cookie ACK from a driver without it, perhaps. */
	if (!sg_handoff_open())
		return SG_TC_ACT_OK;
	if (sg_parse_frame(data, (void *)(long)skb->data_end, &pkt).next != SG_NEXT_TCP)
		return SG_TC_ACT_OK;
	/* an established flow the connection table knows has no entry */
	if ((cfg->flags & SG_CFG_LIVE) && sg_live_known(&pkt))
		return SG_TC_ACT_OK;
	if (!sg_handoff_take(&pkt, &m))
		return SG_TC_ACT_OK;
	return sg_tc_assign(skb, &pkt, cfg, &m);
}

#endif /* SG_BPF_REQSK_H */
