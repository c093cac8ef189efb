// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard reload IFACE [--config FILE]
 *
 * Applies the configuration file again (the one named at attach, or FILE,
 * which is then remembered): settings the file leaves out return to their
 * defaults, ports and the allow/deny lists change only if the file names
 * them. The file is checked whole first; a problem leaves the running
 * configuration untouched. Same program, counters and state.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "names.h"
#include "attachment.h"
#include "config_file.h"
#include "cookies.h"
#include "kernel_probe.h"
#include "settings.h"
#include "synproxy.h"
#include "verbs.h"

static int cmd_reload(int argc, char **argv);

static const struct sg_opt reload_opts[] = {
	{ .name = "config", .short_opt = 'f', .kind = SG_OPT_STRING, .arg = "FILE",
	  .off = offsetof(struct reload_cfg, config), .flags = SG_OPT_FILE,
	  .def = "the file given at attach",
	  .help = "apply FILE instead, and remember it from then on" },
	{}
};

const struct sg_verb sg_verb_reload = {
	.name = "reload",
	.usage = "IFACE [--config FILE]",
	.summary = "apply the configuration file again, while running",
	.about = "Apply the configuration file given at attach (or FILE) to the running "
		 "program on IFACE. Settings the file leaves out return to their defaults; "
		 "ports and the allow and deny lists change only if the file names them. A bad "
		 "file changes nothing.",
	.opts = reload_opts,
	.pos = "interface", .pos_min = 1, .pos_max = 1,
	.main = cmd_reload,
};

static int cmd_reload(int argc, char **argv)
{
	struct reload_cfg r = {};
	int first = sg_params_parse(&sg_verb_reload, argc, argv, &r);

	if (first <= 0)
		return first;
	r.ifname = argv[first];
	return do_reload(&r);
}

static int reload_locked(const void *arg)
{
	const struct reload_cfg *r = arg;
	struct sg_file_config *fc = NULL;
	struct sg_conf_path conf = {};
	const char *file = r->config;
	struct sg_attachment a;
	struct sg_config old;
	__u32 zero = 0, lists;
	int err, conf_fd = -1;

	err = sg_attachment_for("reload", r->ifname, &a);
	if (err)
		return err;
	fc = calloc(1, sizeof(*fc));
	conf_fd = sg_pin_get(a.dir, "conf_path_map");
	if (!fc || conf_fd < 0 || bpf_map_lookup_elem(conf_fd, &zero, &conf)) {
		err = fc ? -ENOENT : -ENOMEM;
		sg_err("cannot read the configuration of %s", a.ifname);
		goto out;
	}
	if (file) {
		err = sg_conf_path_resolve(file, &conf);
		if (err) {
			sg_err("cannot read %s: %s", file, strerror(-err));
			goto out;
		}
	} else if (!conf.path[0]) {
		err = -EINVAL;
		sg_err("%s was attached without --config; name the file with --config FILE",
		       a.ifname);
		goto out;
	}
	if (bpf_map_lookup_elem(a.config_fd, &zero, &fc->cfg)) {
		err = -errno;
		sg_err("cannot read the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	old = fc->cfg;
	lists = fc->cfg.lists;
	sg_settings_defaults(&fc->cfg);	/* what the file leaves out */
	err = sg_file_config_load(conf.path, fc);
	if (err)
		goto out;
	fc->cfg.lists = lists;	/* the tries' contents decide, below */
	err = sg_config_commit(&a, &old, &fc->cfg, fc->ports_set ? &fc->ports : NULL);
	if (err)
		goto out;
	if (bpf_map_update_elem(conf_fd, &zero, &conf, 0)) {
		err = -errno;
		sg_err("cannot write the configuration of %s: %s", a.ifname, strerror(errno));
		goto out;
	}
	if (fc->deny.present)
		err = sg_lists_replace(&a, true, fc->deny.items, fc->deny.n);
	if (!err && fc->allow.present)
		err = sg_lists_replace(&a, false, fc->allow.items, fc->allow.n);
	if (!err)
		sg_info("%s: reloaded %s (cookies %s, syn-threshold %u/s, out-of-state %s%s%s%s)",
			a.ifname, conf.path, sg_enum_name(sg_cookie_modes, fc->cfg.cookie_mode),
			fc->cfg.syn_threshold, sg_enum_name(sg_oos_modes, fc->cfg.out_of_state),
			fc->ports_set ? ", ports" : "", fc->allow.present ? ", allow list" : "",
			fc->deny.present ? ", deny list" : "");
out:
	if (conf_fd >= 0)
		close(conf_fd);
	if (fc)
		sg_file_config_free(fc);
	free(fc);
	sg_attachment_close(&a);
	return err;
}

/* reload, one change at a time (lock.c). */
int do_reload(const struct reload_cfg *r)
{
	return sg_change_locked("reload", reload_locked, r);
}
