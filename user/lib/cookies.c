// SPDX-License-Identifier: GPL-2.0-only
/*
 * SYN-cookie settings: which kernel features they need, the values the
 * SYN-ACK must carry to match what this host's kernel would send (MSS from
 * the MTU, window scale from tcp_rmem, ECN from tcp_ecn), and the master key
 * (getrandom() or an operator's key file shared by anycast peers).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <net/if.h>

#include "names.h"
#include "cookies.h"

/* Refuses, naming what is missing, rather than attaching something that
 * would reset every connection. The completion itself is checked when it
 * is picked (synproxy.c). */
int sg_cookies_require(const struct sg_features *f, const struct sg_config *cfg)
{
	const char *missing = NULL;
	bool reqsk = cfg->completion == SG_COMPLETION_REQSK;

	if (cfg->cookie_mode == SG_COOKIES_OFF)
		return 0;
	if (reqsk && !f->reqsk_kfunc)
		missing = "the bpf_sk_assign_tcp_reqsk kfunc (Linux >= 6.9)";
	else if (reqsk && !f->tcx)
		missing = "TCX attachment (Linux >= 6.6)";
	else if (!f->bpf_loop)
		missing = "bpf_loop (Linux >= 5.17)";
	else if (!f->ktime_tai)
		missing = "bpf_ktime_get_tai_ns (Linux >= 6.1)";
	if (missing) {
		sg_err("SYN cookies need %s, which kernel %s lacks; attach with --cookies off "
		       "(filtering only)", missing, f->release);
		return -EOPNOTSUPP;
	}
	if (reqsk && f->tcp_syncookies == 0) {
		sg_err("net.ipv4.tcp_syncookies is 0 in this network namespace; SYN cookies need "
		       "it non-zero (sysctl -w net.ipv4.tcp_syncookies=1), or use --cookies off");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The values a SYN-ACK from this host's kernel would carry. */
int sg_cookies_config(const struct sg_iface *ifc, struct sg_config *cfg)
{
	long rmem[3] = { 0, 0, 6291456 }, rmem_max = 0, ecn = 2, space;
	int mtu = sg_iface_mtu(ifc), wscale = 0;

	if (mtu < 576) {
		sg_err("cannot read a usable MTU of %s (%d)", ifc->name, mtu);
		return -EINVAL;
	}
	cfg->mss4 = mtu - 40;
	cfg->mss6 = mtu - 60;
	cfg->window = 65535 - 65535 % cfg->mss4;
	/* tcp_select_initial_window(): scale to fit the largest buffer */
	sg_read_ints("/proc/sys/net/ipv4/tcp_rmem", rmem, 3);
	sg_read_ints("/proc/sys/net/core/rmem_max", &rmem_max, 1);
	space = rmem[2] > rmem_max ? rmem[2] : rmem_max;
	while (space > 65535 && wscale < 14) {
		space >>= 1;
		wscale++;
	}
	cfg->rcv_wscale = wscale;
	sg_read_ints("/proc/sys/net/ipv4/tcp_ecn", &ecn, 1);
	if (ecn == 1 || ecn == 2)
		cfg->flags |= SG_CFG_ECN;
	if (!cfg->key_shift)
		cfg->key_shift = SG_DEFAULT_KEY_SHIFT;
	return 0;
}

static int sg_hex(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* A key file's @n bytes at @buf (named @name in errors): 32 hex digits
 * (128 bits), e.g. from 'head -c16 /dev/urandom | od -An -tx1 | tr -d " \n"',
 * and trailing white space. */
int sg_cookie_key_parse(const char *name, const char *buf, size_t n, struct sg_cookie_key *key)
{
	unsigned char raw[16];

	memset(key, 0, sizeof(*key));
	while (n && isspace((unsigned char)buf[n - 1]))
		n--;
	if (n != 32) {
		sg_err("bad key file %s: expected 32 hex digits (128 bits)", name);
		return -EINVAL;
	}
	for (int i = 0; i < 16; i++) {
		int hi = sg_hex((unsigned char)buf[2 * i]),
		    lo = sg_hex((unsigned char)buf[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			sg_err("bad key file %s: expected 32 hex digits (128 bits)", name);
			return -EINVAL;
		}
		raw[i] = hi << 4 | lo;
	}
	memcpy(key->k, raw, sizeof(raw));
	return 0;
}

/* The key in the file at @path, or a random one when @path is NULL. */
int sg_cookie_key_load(const char *path, struct sg_cookie_key *key)
{
	unsigned char raw[16];
	char buf[128];
	size_t n;
	FILE *f;

	memset(key, 0, sizeof(*key));
	if (path) {
		f = fopen(path, "r");
		if (!f) {
			sg_err("cannot read key file %s: %s", path, strerror(errno));
			return -ENOENT;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		return sg_cookie_key_parse(path, buf, n, key);
	}
	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw)) {
		sg_err("getrandom() failed: %s", strerror(errno));
		return -errno;
	}
	memcpy(key->k, raw, sizeof(raw));
	return 0;
}

/* The key epoch BPF computes from bpf_ktime_get_tai_ns(). */
__u64 sg_cookie_epoch_now(__u32 key_shift)
{
	struct timespec ts;

	clock_gettime(CLOCK_TAI, &ts);
	return (((__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec) >> SG_COOKIE_PERIOD_SHIFT) >>
	       key_shift;
}

/* Adaptive mode's thresholds: each CPU compares its own SYN count with its
 * share, so a flood spread over every CPU engages cookies at the threshold
 * (one aimed at a single CPU, sooner). */
void sg_adaptive_config(struct sg_config *cfg, __u32 syn_threshold, __u32 cooldown_ms)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		cpus = 1;
	cfg->syn_threshold = syn_threshold;
	cfg->syn_threshold_cpu = (syn_threshold + cpus - 1) / cpus;
	cfg->cooldown_ms = cooldown_ms;
}



/* Per-source limits: @v = SYN limit, burst, handshake limit, burst; a burst
 * of 0 means one second's worth. */
void sg_limits_config(struct sg_config *cfg, const __u32 v[4])
{
	cfg->syn_limit = v[0];
	cfg->syn_burst = v[1] ? v[1] : v[0];
	cfg->hs_limit = v[2];
	cfg->hs_burst = v[3] ? v[3] : v[2];
}

/* May an attachment whose TC link is @tc_link_id run with @cfg? */
int sg_cookies_can_turn_on(__u32 tc_link_id, const char *ifname, const struct sg_config *cfg)
{
	struct sg_features feat;

	if (cfg->cookie_mode == SG_COOKIES_OFF)
		return 0;
	if (!tc_link_id && cfg->completion == SG_COMPLETION_REQSK) {
		sg_err("%s was attached without the TC program that completes handshakes "
		       "(the kernel lacks it); use completion=synproxy",
		       ifname);
		return -EOPNOTSUPP;
	}
	sg_features_probe(&feat);
	return sg_cookies_require(&feat, cfg);
}
