// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which completion an attachment uses (reqsk or synproxy, see
 * include/synguard.h), and the SYNPROXY completion's kernel side: one
 * nftables table per interface, "inet synguard_IFINDEX", made and replaced
 * atomically through libnftables, and nf_conntrack_tcp_loose=0 in the
 * namespace while any such table exists:
 *   raw prerouting   SYNs to protected ports from IFACE: notrack
 *   input, forward   their untracked SYNs and invalid ACKs: synproxy with the
 *                    MSS and window scale synguard's SYN-ACKs announce; the
 *                    other invalid packets to protected ports: drop
 * (forward only for --role gateway). The protected ports are the table's
 * set "ports", which follows 'synguard set ports='.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nftables/libnftables.h>
#include <bpf/bpf.h>

#include "attachment.h"
#include "cookies.h"
#include "names.h"
#include "synproxy.h"

#define SG_LOOSE_PATH "/proc/sys/net/netfilter/nf_conntrack_tcp_loose"

int sg_completion_pick(const struct sg_features *f, struct sg_config *cfg, __u32 *why)
{
	bool reqsk = f->reqsk_kfunc && f->tcx, synproxy = f->raw_syncookie && f->ct_kfunc;
	bool off = cfg->cookie_mode == SG_COOKIES_OFF;
	bool gateway = cfg->role == SG_ROLE_GATEWAY;

	*why = SG_WHY_ASKED;
	switch (cfg->completion_req) {
	case SG_COMPLETION_REQSK:
		if (gateway) {
			sg_err("--completion reqsk completes handshakes for a local listener only; "
			       "--role gateway needs --completion synproxy (or auto)");
			return -EINVAL;
		}
		if (!reqsk && !off) {
			sg_err("--completion reqsk needs %s, which kernel %s lacks; %s",
			       f->reqsk_kfunc ? "TCX attachment (Linux >= 6.6)"
					      : "the bpf_sk_assign_tcp_reqsk kfunc (Linux >= 6.9)",
			       f->release,
			       synproxy ? "--completion synproxy works here"
					: "attach with --cookies off (filtering only)");
			return -EOPNOTSUPP;
		}
		cfg->completion = SG_COMPLETION_REQSK;
		return 0;
	case SG_COMPLETION_SYNPROXY:
		break;
	default:
		if (gateway)
			*why = SG_WHY_GATEWAY;
		else if (reqsk) {
			*why = SG_WHY_REQSK_KFUNC;
			cfg->completion = SG_COMPLETION_REQSK;
			return 0;
		} else
			*why = SG_WHY_NO_REQSK;
	}
	if (!synproxy && !off) {
		sg_err("the synproxy completion needs %s, which kernel %s lacks; attach with "
		       "--cookies off (filtering only)%s",
		       !f->raw_syncookie ? "bpf_tcp_raw_gen_syncookie_ipv4 (Linux >= 6.0)"
					 : "nf_conntrack's bpf_xdp_ct_lookup kfunc (Linux >= 5.18, "
					   "CONFIG_NF_CONNTRACK)",
		       f->release, gateway ? "" : " or use Linux >= 6.9 (--completion reqsk)");
		return -EOPNOTSUPP;
	}
	cfg->completion = SG_COMPLETION_SYNPROXY;
	if (off)
		*why = SG_WHY_COOKIES_OFF;
	return 0;
}

const char *sg_completion_reason(__u32 why, const struct sg_config *cfg)
{
	if (cfg->cookie_mode == SG_COOKIES_OFF)
		return "cookies off: nothing to complete";
	switch (why) {
	case SG_WHY_ASKED:
		return "--completion asked for it";
	case SG_WHY_REQSK_KFUNC:
		return "auto: the kernel has bpf_sk_assign_tcp_reqsk and the servers are local";
	case SG_WHY_NO_REQSK:
		return "auto: the kernel lacks bpf_sk_assign_tcp_reqsk (Linux >= 6.9) or TCX";
	case SG_WHY_GATEWAY:
		return "auto: --role gateway, the servers are behind this host";
	default:
		return "auto";
	}
}

/* A gateway's SYN-ACKs announce its servers' MSS and window scale, as
 * SYNPROXY will when it completes (the interface's, otherwise). */
void sg_synproxy_values(struct sg_config *cfg)
{
	if (cfg->role != SG_ROLE_GATEWAY)
		return;
	if (cfg->backend_mss) {
		cfg->mss4 = cfg->backend_mss;
		cfg->mss6 = cfg->backend_mss > 556 ? cfg->backend_mss - 20 : 536;
	}
	if (cfg->backend_wscale <= 14)
		cfg->rcv_wscale = cfg->backend_wscale;
}

bool sg_synproxy_wanted(const struct sg_config *cfg)
{
	return cfg->completion == SG_COMPLETION_SYNPROXY && cfg->cookie_mode != SG_COOKIES_OFF;
}

/* Runs @cmd in one libnftables transaction; @out (if not NULL) gets what
 * it printed. The first line of nft's error goes to stderr unless @quiet. */
static int sg_nft(const char *cmd, char **out, bool quiet)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *e;
	int rc;

	if (!nft) {
		sg_err("cannot start libnftables");
		return -ENOMEM;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	rc = nft_run_cmd_from_buffer(nft, cmd);
	if (rc && !quiet) {
		e = nft_ctx_get_error_buffer(nft);
		sg_err("nftables refused synguard's table: %.*s", (int)strcspn(e ? e : "", "\n"),
		       e ? e : "");
	}
	if (!rc && out)
		*out = strdup(nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return rc ? -EINVAL : 0;
}

static int sg_loose_write(int v)
{
	FILE *f = fopen(SG_LOOSE_PATH, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%d\n", v) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The chain rules for one hook: SYNPROXY for untracked SYNs and invalid
 * ACKs, per family (their MSS differ), then a drop for the rest of
 * what is invalid. */
static int sg_nft_chain(char *buf, size_t len, const char *name, const char *hook,
			const char *ifname, const struct sg_config *cfg)
{
	return snprintf(
		buf, len,
		"  chain %s {\n"
		"    type filter hook %s priority filter; policy accept;\n"
		"    iifname \"%s\" meta nfproto ipv4 tcp dport @ports ct state invalid,untracked "
		"synproxy mss %u wscale %u timestamp sack-perm\n"
		"    iifname \"%s\" meta nfproto ipv6 tcp dport @ports ct state invalid,untracked "
		"synproxy mss %u wscale %u timestamp sack-perm\n"
		"    iifname \"%s\" tcp dport @ports ct state invalid drop\n"
		"  }\n",
		name, hook, ifname, cfg->mss4, cfg->rcv_wscale, ifname, cfg->mss6, cfg->rcv_wscale,
		ifname);
}

/* Is another synguard table than @ifindex's in this namespace? */
static bool sg_synproxy_others(__u32 ifindex)
{
	char *out = NULL, mine[64], *p;
	bool other = false;

	if (sg_nft("list tables inet", &out, true) || !out)
		return false;
	snprintf(mine, sizeof(mine), "synguard_%u", ifindex);
	for (p = strstr(out, "table inet synguard_"); p && !other;
	     p = strstr(p + 1, "table inet synguard_")) {
		size_t n = strcspn(p + 11, " \n{");

		other = n != strlen(mine) || strncmp(p + 11, mine, n);
	}
	free(out);
	return other;
}

bool sg_synproxy_present(__u32 ifindex)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "list table inet synguard_%u", ifindex);
	return !sg_nft(cmd, NULL, true);
}

/*
 * Makes (or replaces, in the same transaction) @ifindex's table for @cfg
 * and @ports, and turns nf_conntrack_tcp_loose off, saving the value it
 * had in *@loose_saved (+ 1) unless synguard turned it off already.
 */
int sg_synproxy_install(__u32 ifindex, const char *ifname, const struct sg_config *cfg,
			const struct sg_ports *ports, __u32 *loose_saved)
{
	char *list = sg_ports_to_string(ports), *cmd = NULL;
	size_t len = 8192, n = 0;
	int loose, err;

	cmd = malloc(len);
	if (!list || !cmd) {
		free(list);
		free(cmd);
		return -ENOMEM;
	}
	if (sg_synproxy_present(ifindex))
		n += snprintf(cmd + n, len - n, "delete table inet synguard_%u\n", ifindex);
	n += snprintf(
		cmd + n, len - n,
		"table inet synguard_%u {\n"
		"  set ports { type inet_service; flags interval; elements = { %s } }\n"
		"  chain raw {\n"
		"    type filter hook prerouting priority raw; policy accept;\n"
		"    iifname \"%s\" tcp dport @ports tcp flags & (fin | syn | rst | ack) == syn "
		"notrack\n"
		"  }\n",
		ifindex, list, ifname);
	n += sg_nft_chain(cmd + n, len - n, "local", "input", ifname, cfg);
	if (cfg->role == SG_ROLE_GATEWAY)
		n += sg_nft_chain(cmd + n, len - n, "gateway", "forward", ifname, cfg);
	snprintf(cmd + n, len - n, "}\n");
	free(list);

	loose = sg_read_int(SG_LOOSE_PATH);
	if (loose < 0) {
		free(cmd);
		sg_err("cannot read %s: is nf_conntrack loaded?", SG_LOOSE_PATH);
		return -ENOENT;
	}
	err = sg_nft(cmd, NULL, false);
	free(cmd);
	if (err)
		return err;
	if (loose) {
		err = sg_loose_write(0);
		if (err) {
			sg_err("cannot set %s to 0: %s", SG_LOOSE_PATH, strerror(-err));
			sg_synproxy_remove(ifindex, 0);
			return err;
		}
		*loose_saved = loose + 1;
		fprintf(stderr,
			"%s: warning: net.netfilter.nf_conntrack_tcp_loose is 0 in this "
			"namespace until detach (it was %d): connections to the protected ports "
			"that conntrack has not tracked from their start are dropped as invalid\n",
			sg_prog_name, loose);
	}
	return 0;
}

/* The protected ports of @ifindex's table, replaced at once. */
int sg_synproxy_ports(__u32 ifindex, const struct sg_ports *ports)
{
	char *list = sg_ports_to_string(ports), *cmd;
	size_t len;
	int err;

	if (!list)
		return -ENOMEM;
	len = strlen(list) + 160;
	cmd = malloc(len);
	if (!cmd) {
		free(list);
		return -ENOMEM;
	}
	snprintf(cmd, len,
		 "flush set inet synguard_%u ports\nadd element inet synguard_%u ports "
		 "{ %s }\n",
		 ifindex, ifindex, list);
	err = sg_nft(cmd, NULL, false);
	free(cmd);
	free(list);
	return err;
}

/* Removes @ifindex's table, if there is one, and puts back the
 * nf_conntrack_tcp_loose value synguard found (@loose_saved - 1) once no
 * other synguard table needs it off. */
int sg_synproxy_remove(__u32 ifindex, __u32 loose_saved)
{
	char cmd[64];
	int err = 0;

	if (sg_synproxy_present(ifindex)) {
		snprintf(cmd, sizeof(cmd), "delete table inet synguard_%u", ifindex);
		err = sg_nft(cmd, NULL, false);
	}
	if (!err && loose_saved && !sg_synproxy_others(ifindex) && sg_read_int(SG_LOOSE_PATH) == 0)
		err = sg_loose_write(loose_saved - 1);
	return err;
}

/*
 * A new configuration @cfg for the running attachment @a, whose present
 * one is @old, with new @ports (NULL: unchanged): the completion is picked
 * again, SYNPROXY's table made, replaced or removed to match, and the
 * configuration written. SYNPROXY is in place before the first kernel
 * cookie goes out, and stays until the last has been answered. Nothing is
 * written if a check fails.
 */
int sg_config_commit(struct sg_attachment *a, const struct sg_config *old, struct sg_config *cfg,
		     const struct sg_ports *ports)
{
	bool had = sg_synproxy_wanted(old), want;
	struct sg_ports *now = NULL;
	struct sg_features feat;
	struct sg_iface ifc;
	__u32 zero = 0, why = a->info.completion_why;
	int err = 0;

	if (cfg->completion_req != old->completion_req || cfg->role != old->role ||
	    cfg->cookie_mode != old->cookie_mode || cfg->backend_mss != old->backend_mss ||
	    cfg->backend_wscale != old->backend_wscale) {
		sg_features_probe(&feat);
		err = sg_completion_pick(&feat, cfg, &why);
		if (!err)
			err = sg_cookies_can_turn_on(a->info.tc_link_id, a->ifname, cfg);
		if (!err)
			err = sg_iface_resolve(a->ifname, &ifc);
		if (!err)
			err = sg_cookies_config(&ifc, cfg);
		if (err)
			return err;
		sg_synproxy_values(cfg);
	}
	want = sg_synproxy_wanted(cfg);
	if (want && (!had || cfg->role != old->role || cfg->mss4 != old->mss4 ||
		     cfg->mss6 != old->mss6 || cfg->rcv_wscale != old->rcv_wscale)) {
		if (!ports) {
			now = calloc(1, sizeof(*now));
			if (!now || bpf_map_lookup_elem(a->ports_fd, &zero, now)) {
				free(now);
				sg_err("cannot read the ports of %s", a->ifname);
				return -EIO;
			}
		}
		err = sg_synproxy_install(a->info.ifindex, a->ifname, cfg, ports ? ports : now,
					  &a->info.loose_saved);
		free(now);
	} else if (want && ports) {
		err = sg_synproxy_ports(a->info.ifindex, ports);
	}
	if (err)
		return err;
	a->info.completion_why = why;
	if ((ports && bpf_map_update_elem(a->ports_fd, &zero, ports, 0)) ||
	    bpf_map_update_elem(a->config_fd, &zero, cfg, 0) ||
	    bpf_map_update_elem(a->info_fd, &zero, &a->info, 0)) {
		err = -errno;
		sg_err("cannot write the configuration of %s: %s", a->ifname, strerror(errno));
		return err;
	}
	if (had && !want) {
		err = sg_synproxy_remove(a->info.ifindex, a->info.loose_saved);
		a->info.loose_saved = 0;
		if (!err && bpf_map_update_elem(a->info_fd, &zero, &a->info, 0))
			err = -errno;
	}
	return err;
}
