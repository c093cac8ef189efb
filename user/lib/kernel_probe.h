/* SPDX-License-Identifier: GPL-2.0-only */
/* What the running kernel offers synguard. */
#ifndef SG_USER_KERNEL_PROBE_H
#define SG_USER_KERNEL_PROBE_H

#include <stdbool.h>

struct sg_features {
	char release[65];
	bool xdp;		/* BPF_PROG_TYPE_XDP */
	bool ringbuf;		/* BPF_MAP_TYPE_RINGBUF, 5.8 */
	bool btf_vmlinux;	/* /sys/kernel/btf/vmlinux */
	bool bpf_loop;		/* bpf_loop(), 5.17 */
	bool raw_syncookie;	/* bpf_tcp_raw_{gen,check}_syncookie_*, 6.0 */
	bool reqsk_kfunc;	/* bpf_sk_assign_tcp_reqsk(), 6.9 */
	bool tcx;		/* TCX bpf_link attachment, 6.6 */
	bool ktime_tai;		/* bpf_ktime_get_tai_ns(), 6.1 */
	bool ct_kfunc;		/* bpf_xdp_ct_lookup(), 5.18, built in or nf_conntrack.ko */
	int tcp_syncookies;	/* net.ipv4.tcp_syncookies here, -1 unknown */
};

void sg_features_probe(struct sg_features *f);
int sg_features_require_base(const struct sg_features *f);
const char *sg_features_best_mode(const struct sg_features *f);
const char *sg_kconfig_lines(void);
int sg_conntrack_load(void);

#endif /* SG_USER_KERNEL_PROBE_H */
