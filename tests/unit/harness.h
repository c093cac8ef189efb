/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared fixture of the unit tests: the loaded skeleton and the helpers
 * that run one frame through synguard_xdp and check the counters. */
#ifndef SG_TEST_HARNESS_H
#define SG_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common.h"
#include "stats_read.h"
#include "pkt.h"
#include "synguard.skel.h"
#include "kernel_probe.h"

#define XDP_DROP_RC 1
#define XDP_PASS_RC 2
#define XDP_TX_RC 3

extern struct synguard_bpf *skel;
extern struct sg_features features;	/* the running kernel's (kernel_probe.h) */

int harness_init(void);
void harness_fini(void);
int harness_reset(void **state);
int harness_listen(uint16_t port, const uint8_t *master);
void set_config(__u32 event_rate);
void set_config_full(const struct sg_config *cfg);
struct sg_config harness_cookie_cfg(__u32 mode, __u32 ttl, __u32 rcv_wscale);
void reset_event_limit(void);
__u32 run(const struct pkt *p, __u32 repeat);
__u32 run_out(const struct pkt *p, uint8_t *out, __u32 *out_len);
void snapshot(struct sg_snapshot *s);
void expect(const struct pkt *p, __u32 stat);
void build(const struct pkt_spec *s, struct pkt *p);
void tcp4(struct pkt *p, uint16_t dport, uint8_t flags);
void tcp6(struct pkt *p, uint16_t dport, uint8_t flags);

int run_xdp_tests(void);
int run_cookie_tests(void);
int run_policy_tests(void);
int run_path_tests(void);
int run_synproxy_tests(void);
int run_fuzz_tests(void);

#endif
