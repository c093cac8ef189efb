// SPDX-License-Identifier: GPL-2.0-only
/* synguard attach IFACE --ports LIST [options]: parse, then do_attach() */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "names.h"
#include "attachment.h"
#include "handoff.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "live.h"
#include "config_file.h"
#include "pins.h"
#include "settings.h"
#include "synproxy.h"
#include "verbs.h"
#include "xdp_attach.h"
#include "synguard.skel.h"

static int cmd_attach(int argc, char **argv);

static const struct sg_opt attach_opts[] = {
	{ .kind = SG_OPT_SETTINGS, .off = offsetof(struct attach_cfg, settings) },
	{ .name = "config", .short_opt = 'f', .kind = SG_OPT_STRING, .arg = "FILE",
	  .off = offsetof(struct attach_cfg, config), .flags = SG_OPT_FILE,
	  .help = "settings from FILE (INI: the keys of 'synguard set', plus allow and deny); "
		  "options given here win",
	  .doc = "See Configuration file. 'synguard reload IFACE' applies FILE again." },
	{ .name = "key-file", .short_opt = 'k', .kind = SG_OPT_STRING, .arg = "PATH",
	  .off = offsetof(struct attach_cfg, key_file), .flags = SG_OPT_FILE,
	  .def = "a random key", .help = "the cookie master key, 32 hex digits (128 bits)",
	  .doc = "For example from `head -c16 /dev/urandom | od -An -tx1 | tr -d ' \\n'`. "
		 "Hosts behind one anycast or ECMP address that share the file (and a "
		 "synchronised clock) accept each other's cookies. Without it, the key comes "
		 "from getrandom()." },
	{ .name = "xdp-mode", .short_opt = 'm', .kind = SG_OPT_ENUM, .values = sg_xdp_modes,
	  .off = offsetof(struct attach_cfg, xdp_mode), .def = "native",
	  .help = "native (in the driver) or skb (generic XDP, for drivers without XDP "
		  "support)" },
	{ .name = "socket-counter", .kind = SG_OPT_ENUM, .values = sg_on_off,
	  .off = offsetof(struct attach_cfg, socket_counter), .def = "on",
	  .help = "count live sockets with a sockops program on the root cgroup, so that ACKs "
		  "from sources without one skip the socket lookup",
	  .doc = "on also keeps the connection table (see docs/design.md, Live sockets); off "
		 "attaches nothing there, and every ACK under cookies is looked up." },
	{ .name = "handoff", .kind = SG_OPT_ENUM, .values = sg_handoff_choices,
	  .off = offsetof(struct attach_cfg, handoff), .def = "auto",
	  .help = "how a validated cookie ACK's options reach the TC program that completes "
		  "the handshake: auto (metadata, or the map where the driver has none), "
		  "metadata, or map",
	  .doc = "auto uses XDP metadata, or the handoff map where the driver is known to give "
		 "native XDP no metadata room or refuses it once; metadata tries metadata on "
		 "any driver (a refusal still switches); map always uses the map (see "
		 "docs/design.md, NIC drivers and XDP metadata)." },
	{}
};

const struct sg_verb sg_verb_attach = {
	.name = "attach",
	.usage = "IFACE --ports LIST [options]",
	.summary = "attach to an interface and protect TCP ports",
	.about = "Attach synguard's XDP program to IFACE (through libxdp, so other XDP programs "
		 "can share it) and pin its maps for the other verbs. A failed attach leaves "
		 "nothing attached or pinned.",
	.opts = attach_opts,
	.pos = "interface", .pos_min = 1, .pos_max = 1,
	.main = cmd_attach,
};

int sg_attach_parse(int argc, char **argv, struct attach_cfg *a)
{
	int first;

	*a = (struct attach_cfg){ .xdp_mode = SG_XDP_MODE_NATIVE, .socket_counter = 1 };
	first = sg_params_parse(&sg_verb_attach, argc, argv, a);
	if (first <= 0)
		return first;
	a->ifname = argv[first];
	if (!sg_given_has(&a->settings, "ports") && !a->config) {
		sg_err("attach needs --ports (e.g. --ports 80,443)");
		return -EINVAL;
	}
	return 1;
}

static int sg_mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* A live attachment is an error; a stale one (left by a crash, or whose
 * program was removed by someone else) is cleaned up. */
static int attach_check_existing(const struct sg_iface *ifc, const char *dir)
{
	struct sg_attachment a;
	struct stat st;

	if (stat(dir, &st))
		return 0;
	if (!sg_attachment_open(dir, &a)) {
		bool live = a.live;
		__u32 id = a.info.xdp_prog_id;

		sg_attachment_close(&a);
		if (live) {
			sg_err("already attached to %s (prog id %u); detach it first",
			       ifc->name, id);
			return -EEXIST;
		}
	}
	return sg_pins_remove(dir);
}

static int attach_fill_maps(struct synguard_bpf *skel, const struct attach_cfg *args,
			    const struct sg_iface *ifc, const struct sg_ports *ports, __u32 prog_id,
			    __u32 tc_link_id, struct sg_config *cfgp, struct sg_cookie_key *key,
			    __u32 loose_saved, __u32 why)
{
	struct sg_config cfg = *cfgp;
	struct sg_attach_info info = {
		.ifindex = ifc->ifindex,
		.xdp_mode = args->xdp_mode,
		.attach_kind = sg_xdp_attach_kind(ifc->ifindex),
		.xdp_prog_id = prog_id,
		.attached_at = time(NULL),
		.tc_link_id = tc_link_id,
		.pin_layout = SG_PIN_LAYOUT,
		.loose_saved = loose_saved,
		.completion_why = why,
	};
	struct sg_handoff_state handoff = {};
	__u32 zero = 0;
	int err;

	snprintf(info.ifname, sizeof(info.ifname), "%s", ifc->name);
	sg_iface_driver(ifc->name, info.driver, sizeof(info.driver));	/* "" if none */
	handoff.path = sg_handoff_initial(args->handoff, args->xdp_mode == SG_XDP_MODE_NATIVE,
					  info.driver);
	err = sg_netns_cookie(&info.netns_cookie);
	if (err)
		return err;
	key->announced_epoch = sg_cookie_epoch_now(cfg.key_shift);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.cookie_key_map), &zero, key, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.data_config), &zero, &cfg, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.data_ports), &zero, ports, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.info_map), &zero, &info, 0) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.data_handoff_state), &zero, &handoff, 0)) {
		err = -errno;
		sg_err("cannot write synguard's configuration maps: %s", strerror(errno));
		return err;
	}
	return 0;
}

#define SG_BPF_TCX_INGRESS 46	/* enum bpf_attach_type, Linux 6.6 uapi */

/*
 * The name a map is pinned by: its own, or for a global variable's section
 * ".data.NAME" (bpf/lib/maps.h), "NAME_map". False for maps not pinned.
 */
static bool sg_map_pin_name(const struct bpf_map *map, char *buf, size_t size)
{
	const char *name = bpf_map__name(map);

	if (!bpf_map__is_internal(map)) {
		snprintf(buf, size, "%s", name);
		return true;
	}
	if (strncmp(name, ".data.", 6) || !name[6])
		return false;
	snprintf(buf, size, "%s_map", name + 6);
	return true;
}

/* synguard_tc at TC ingress as a TCX link, pinned so that it outlives us. */
static int attach_tc(struct synguard_bpf *skel, const struct sg_iface *ifc, const char *dir,
		     int *link_fd, __u32 *link_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int err;

	*link_fd = bpf_link_create(bpf_program__fd(skel->progs.synguard_tc), ifc->ifindex,
				   SG_BPF_TCX_INGRESS, NULL);
	if (*link_fd < 0) {
		err = -errno;
		*link_fd = -1;
		sg_err("cannot attach the TC ingress program to %s: %s", ifc->name, strerror(-err));
		return err;
	}
	sg_pin_path(path, sizeof(path), dir, SG_PIN_TC_LINK);
	if (bpf_obj_pin(*link_fd, path)) {
		err = -errno;
		sg_err("cannot pin the TC link at %s: %s", path, strerror(-err));
		return err;
	}
	if (!bpf_obj_get_info_by_fd(*link_fd, &info, &len))
		*link_id = info.id;
	return 0;
}

/* The config file's lists, and its path for 'reload'. */
static int attach_from_file(struct synguard_bpf *skel, const char *dir,
			    const struct sg_iface *ifc, const struct sg_file_config *fc,
			    const struct sg_conf_path *conf)
{
	struct sg_attachment a = {};
	__u32 zero = 0;
	int err = 0;

	if (!conf->path[0])
		return 0;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.conf_path_map), &zero, conf, 0)) {
		err = -errno;
		sg_err("cannot record the configuration file: %s", strerror(errno));
		return err;
	}
	if (!fc->allow.present && !fc->deny.present)
		return 0;
	err = sg_attachment_open(dir, &a);
	if (err) {
		sg_err("cannot reopen the attachment on %s: %s", ifc->name, strerror(-err));
		return err;
	}
	if (fc->deny.present)
		err = sg_lists_replace(&a, true, fc->deny.items, fc->deny.n);
	if (!err && fc->allow.present)
		err = sg_lists_replace(&a, false, fc->allow.items, fc->allow.n);
	sg_attachment_close(&a);
	return err;
}

/*
 * After a failed attach: if the kernel's verifier refused one of the
 * programs, say which, its decisive line, and what would work instead, in
 * one line (-v prints the whole log). False if no program was refused.
 */
static bool attach_refused(const struct sg_features *feat)
{
	const char *prog, *line, *instead;

	if (!sg_bpf_refusal(&prog, &line))
		return false;
	if (!strcmp(prog, "synguard_tc"))
		instead = "attach with --completion synproxy, or --cookies off (filtering only)";
	else if (!strcmp(prog, "synguard_sockops"))
		instead = "attach with --socket-counter off (ACKs are then looked up)";
	else
		instead = "no mode works without it: please report this with the output of "
			  "'synguard -v attach ...'";
	sg_err("kernel %s refused program %s: \"%s\"; %s", feat->release, prog, line, instead);
	return true;
}

static int attach_locked(const void *arg)
{
	const struct attach_cfg *args = arg;
	enum xdp_attach_mode mode = args->xdp_mode == SG_XDP_MODE_SKB ? XDP_MODE_SKB :
				    XDP_MODE_NATIVE;
	struct sg_features feat;
	struct sg_iface ifc;
	struct sg_ports *ports = NULL;
	struct synguard_bpf *skel = NULL;
	struct xdp_program *prog = NULL;
	struct sg_cookie_key key;
	struct sg_config cfg = {};
	struct sg_file_config *fc = NULL;
	struct sg_conf_path conf = {};
	struct bpf_map *map;
	char dir[PATH_MAX], path[PATH_MAX], msg[256], *list = NULL;
	bool attached = false, with_tc, ports_set = false, synproxy = false;
	__u32 prog_id, tc_link_id = 0, loose_saved = 0, why = 0;
	int err, tc_link = -1, live_link = -1;
	bool live;

	err = sg_require_privileges("attach");
	if (!err)
		err = sg_iface_resolve(args->ifname, &ifc);
	if (err)
		return err;
	ports = calloc(1, sizeof(*ports));
	fc = calloc(1, sizeof(*fc));
	if (!ports || !fc) {
		err = -ENOMEM;
		goto out;
	}
	/* defaults, then the file, then the options given */
	sg_settings_defaults(&cfg);
	if (args->config) {
		fc->cfg = cfg;
		err = sg_file_config_load(args->config, fc);
		if (err)
			goto out;
		cfg = fc->cfg;
		if (fc->ports_set)
			*ports = fc->ports;
		ports_set = fc->ports_set;
		err = sg_conf_path_resolve(args->config, &conf);
		if (err) {
			sg_err("cannot record the path of %s for reload: %s", args->config,
			       strerror(-err));
			goto out;
		}
	}
	err = sg_settings_apply_given(&args->settings, &cfg, ports, &ports_set);
	if (!err && !ports_set) {
		sg_err("attach needs --ports, or ports = ... in %s", args->config);
		err = -EINVAL;
	}
	if (err)
		goto out;
	/* synguard_xdp calls nf_conntrack's kfuncs, whatever the mode */
	err = sg_conntrack_load();
	if (err)
		goto out;
	sg_features_probe(&feat);
	err = sg_features_require_base(&feat);
	/* The default mode, on a kernel without SYN cookies: filtering, said
	 * once. A mode the operator named is refused there instead. */
	if (!err && !sg_given_has(&args->settings, "cookies") && !fc->cookies_set &&
	    cfg.cookie_mode != SG_COOKIES_OFF && !strcmp(sg_features_best_mode(&feat), "filter-only")) {
		fprintf(stderr,
			"%s: kernel %s has neither bpf_sk_assign_tcp_reqsk (Linux >= 6.9) "
			"nor bpf_tcp_raw_gen_syncookie_ipv4 and nf_conntrack (Linux >= 6.0): SYN "
			"cookies off, filtering only ('--cookies off' says so and is quiet)\n",
			sg_prog_name, feat.release);
		cfg.cookie_mode = SG_COOKIES_OFF;
	}
	if (!err)
		err = sg_completion_pick(&feat, &cfg, &why);
	if (!err)
		err = sg_cookies_require(&feat, &cfg);
	if (!err)
		err = sg_cookie_key_load(args->key_file, &key);
	if (!err)
		err = sg_cookies_config(&ifc, &cfg);
	if (!err)
		sg_synproxy_values(&cfg);
	if (!err)
		err = sg_pin_dir(ifc.ifindex, dir, sizeof(dir));
	if (!err)
		err = attach_check_existing(&ifc, dir);
	if (!err)
		err = sg_xdp_check_shareable(&ifc, mode);
	if (err)
		goto out;

	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oopts, .kconfig = sg_kconfig_lines());
	skel = synguard_bpf__open_opts(&oopts);
	if (!skel) {
		err = -errno;
		sg_err("cannot open the BPF object: %s", strerror(errno));
		goto out;
	}
	err = sg_mkdir_p(dir);
	if (err) {
		sg_err("cannot create %s: %s", dir, strerror(-err));
		goto out;
	}
	/* libbpf creates and pins every map while libxdp loads the object. */
	bpf_object__for_each_map(map, skel->obj) {
		char name[64];

		if (!sg_map_pin_name(map, name, sizeof(name)))
			continue;		/* .kconfig: nothing to share */
		sg_pin_path(path, sizeof(path), dir, name);
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			sg_err("cannot set pin path %s: %s", path, strerror(-err));
			goto out;
		}
	}

	/* The TC program needs the reqsk kfunc and TCX. Where the kernel has
	 * them it is loaded whatever the mode, so that 'set cookies=' or 'set
	 * completion=' can turn the reqsk completion on later. */
	with_tc = feat.reqsk_kfunc && feat.tcx;
	bpf_program__set_autoload(skel->progs.synguard_tc, with_tc);
	/* The socket counter, wherever cookies may check the ACKs of local
	 * sockets, or the servers are local: it also takes the handshakes'
	 * RTTs. */
	live = args->socket_counter && (with_tc || cfg.role == SG_ROLE_SERVER);
	bpf_program__set_autoload(skel->progs.synguard_sockops, live);

	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = skel->obj,
			    .prog_name = "synguard_xdp");
	prog = xdp_program__create(&xopts);
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		libxdp_strerror(err, msg, sizeof(msg));
		sg_err("cannot prepare the XDP program: %s", msg);
		goto out;
	}
	err = xdp_program__attach(prog, ifc.ifindex, mode, 0);
	if (err && attach_refused(&feat))
		goto out;
	if (err == -ERANGE && mode == XDP_MODE_NATIVE) {
		/* the driver's single-buffer XDP limit: the frame and XDP's
		 * headroom in one page (veth: "Peer MTU is too large to set
		 * XDP") */
		sg_err("cannot attach to %s in native mode: its MTU %d is more than the driver "
		       "takes for single-buffer XDP (veth with 4 KiB pages takes at most 3506); "
		       "lower the MTU or use --xdp-mode skb",
		       ifc.name, sg_iface_mtu(&ifc));
		goto out;
	}
	if (err) {
		libxdp_strerror(err, msg, sizeof(msg));
		sg_err("cannot attach to %s in %s mode: %s%s", ifc.name,
		       mode == XDP_MODE_SKB ? "skb" : "native", msg,
		       mode == XDP_MODE_NATIVE && err == -EOPNOTSUPP ?
		       " (the driver lacks native XDP; try --xdp-mode skb)" : "");
		goto out;
	}
	attached = true;
	prog_id = xdp_program__id(prog);

	sg_pin_path(path, sizeof(path), dir, SG_PIN_XDP_PROG);
	if (bpf_obj_pin(xdp_program__fd(prog), path)) {
		err = -errno;
		sg_err("cannot pin the XDP program at %s: %s", path, strerror(errno));
		goto out;
	}
	if (with_tc) {
		err = attach_tc(skel, &ifc, dir, &tc_link, &tc_link_id);
		if (err)
			goto out;
	}
	/* Counting starts before the loader marks the sockets that exist, so
	 * none falls between; sockops counts only once the configuration
	 * names the namespace, and the second marking covers that gap. */
	if (live) /* a failure is said, and costs lookups only */
		sg_live_attach(skel->progs.synguard_sockops, dir, &live_link);
	err = sg_netns_cookie(&cfg.netns_cookie);
	if (!err)
		err = sg_live_conn_key(cfg.conn_key);
	if (err)
		goto out;
	if (live_link >= 0)
		cfg.flags |= SG_CFG_LIVE;
	cfg.kcookie_until = sg_live_kcookie_until();
	/* Sockets that exist now, before and after cookies turn on: those
	 * made in between were made while the program let SYNs through. */
	/* SYNPROXY is ready before the first kernel cookie goes out */
	if (sg_synproxy_wanted(&cfg)) {
		err = sg_synproxy_install(ifc.ifindex, ifc.name, &cfg, ports, &loose_saved);
		if (err)
			goto out;
		synproxy = true;
	}
	err = sg_peers_mark_existing(bpf_map__fd(skel->maps.peers_map));
	if (err >= 0)
		err = attach_fill_maps(skel, args, &ifc, ports, prog_id, tc_link_id, &cfg, &key,
				       loose_saved, why);
	if (!err)
		err = sg_peers_mark_existing(bpf_map__fd(skel->maps.peers_map));
	if (err < 0)
		goto out;
	err = attach_from_file(skel, dir, &ifc, fc, &conf);
	if (err)
		goto out;

	list = sg_ports_to_string(ports);
	sg_info("synguard attached to %s (%s mode, %s, prog id %u), protecting TCP ports %s, "
		"cookies %s%s%s",
		ifc.name, mode == XDP_MODE_SKB ? "skb" : "native",
		sg_enum_name(sg_attach_kinds, sg_xdp_attach_kind(ifc.ifindex)), prog_id,
		list ? list : "?", sg_enum_name(sg_cookie_modes, cfg.cookie_mode),
		cfg.cookie_mode != SG_COOKIES_OFF ? ", completion " : "",
		cfg.cookie_mode != SG_COOKIES_OFF ? sg_enum_name(sg_completions, cfg.completion)
						  : "");
out:
	if (err && synproxy)
		sg_synproxy_remove(ifc.ifindex, loose_saved);
	if (tc_link >= 0) {
		if (err)
			bpf_link_detach(tc_link);
		close(tc_link);
	}
	if (live_link >= 0) {
		if (err)
			bpf_link_detach(live_link);
		close(live_link);
	}
	if (err && attached)
		sg_xdp_detach_id(ifc.ifindex, xdp_program__id(prog));
	if (err && skel)
		sg_pins_remove(dir);
	xdp_program__close(prog);
	synguard_bpf__destroy(skel);
	if (fc)
		sg_file_config_free(fc);
	free(fc);
	free(list);
	free(ports);
	return err;
}

static int cmd_attach(int argc, char **argv)
{
	struct attach_cfg a;
	int err = sg_attach_parse(argc, argv, &a);

	return err <= 0 ? err : do_attach(&a);
}

/* attach, one change at a time (lock.c). */
int do_attach(const struct attach_cfg *args)
{
	return sg_change_locked("attach", attach_locked, args);
}
