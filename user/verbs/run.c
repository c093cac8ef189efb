// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard run --config FILE [IFACE] [--metrics ADDR:PORT|off] [--keep-attached]
 *
 * The foreground daemon for systemd: attaches with FILE (or adopts the
 * attachment its pins describe, applying FILE to it live), serves
 * Prometheus metrics, streams events as JSON lines on stdout for the
 * journal, and on SIGTERM detaches, or leaves the protection in place with
 * --keep-attached so that a restart loses no connection and no counter.
 * SIGHUP applies FILE again, as 'synguard reload' does.
 * Cookie keys need no rotation from here: they are derived per epoch in BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "attachment.h"
#include "config_file.h"
#include "handoff.h"
#include "metrics.h"
#include "verbs.h"

#define SG_DEFAULT_METRICS "127.0.0.1:9199"

static void run_log(const char *kind, const char *ifname, const char *key, json_t *val)
{
	char ts[40];
	struct timespec now;
	struct tm tm;
	json_t *o;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%06ldZ", now.tv_nsec / 1000);
	o = json_pack("{s:s, s:s, s:s}", "ts", ts, "kind", kind, "interface", ifname);

	if (key)
		json_object_set_new(o, key, val);
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	fflush(stdout);
	json_decref(o);
}

struct run_args {
	const char *config;
	const char *metrics;
	bool keep;
};

static int cmd_run(int argc, char **argv);

static const struct sg_opt run_opts[] = {
	{ .name = "config", .short_opt = 'f', .kind = SG_OPT_STRING, .arg = "FILE",
	  .off = offsetof(struct run_args, config), .flags = SG_OPT_REQUIRED | SG_OPT_FILE,
	  .help = "the configuration file" },
	{ .name = "metrics", .short_opt = 'M', .kind = SG_OPT_STRING, .arg = "ADDR:PORT|off",
	  .off = offsetof(struct run_args, metrics), .def = SG_DEFAULT_METRICS,
	  .help = "where Prometheus metrics are served; off: nowhere" },
	{ .name = "keep-attached", .short_opt = 'k', .kind = SG_OPT_FLAG,
	  .off = offsetof(struct run_args, keep),
	  .help = "on SIGTERM, leave the protection in place" },
	{}
};

const struct sg_verb sg_verb_run = {
	.name = "run",
	.usage = "--config FILE [IFACE] [options]",
	.summary = "run as a service: attach, metrics, events; detach on SIGTERM",
	.about = "Run as a service in the foreground: attach to IFACE (or the file's "
		 "'interface') with FILE's settings, or adopt an existing attachment and apply "
		 "FILE to it; serve metrics; print events as JSON lines; on SIGTERM detach. "
		 "SIGHUP reloads FILE.",
	.opts = run_opts,
	.pos = "interface", .pos_min = 0, .pos_max = 1,
	.main = cmd_run,
};

static int cmd_run(int argc, char **argv)
{
	struct run_args args = { .metrics = SG_DEFAULT_METRICS };
	struct sg_file_config *fc = NULL;
	struct sg_metrics *metrics = NULL;
	struct sg_attachment a;
	const char *ifname;
	bool have_a = false;
	int first, err;

	first = sg_params_parse(&sg_verb_run, argc, argv, &args);
	if (first <= 0)
		return first;
	if (sg_metrics_check(args.metrics))
		return -EINVAL;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	err = sg_file_config_load(args.config, fc);	/* checked now, applied below */
	if (err)
		goto out;
	ifname = first < argc ? argv[first] : fc->interface;
	if (!ifname[0]) {
		sg_err("run needs an interface: give IFACE, or interface = ... in %s", args.config);
		err = -EINVAL;
		goto out;
	}
	err = sg_require_privileges("run");
	if (err)
		goto out;
	sg_info_to_stderr = true;	/* stdout: JSON lines only */
	sg_install_stop_handlers();	/* SIGTERM while attaching still detaches */

	struct reload_cfg reload = { .ifname = ifname, .config = args.config };
	struct events_cfg events = { .ifname = ifname, .json = true };
	struct detach_cfg detach = { .ifname = ifname };
	struct attach_cfg attach = {
		.ifname = ifname, .config = args.config, .xdp_mode = SG_XDP_MODE_NATIVE,
		.socket_counter = 1, .handoff = SG_HANDOFF_AUTO,
	};

	if (!sg_attachment_find(ifname, &a)) {
		bool live = a.live;

		sg_attachment_close(&a);
		err = live ? do_reload(&reload) : -ENOENT;	/* stale pins: attach cleans up */
		if (!err)
			run_log("adopted", ifname, "config", json_string(args.config));
	} else {
		err = -ENOENT;
	}
	if (err == -ENOENT) {
		err = do_attach(&attach);
		if (!err)
			run_log("attached", ifname, "config", json_string(args.config));
	}
	if (err)
		goto out;
	err = sg_attachment_find(ifname, &a);
	if (err) {
		sg_err("cannot open the attachment on %s: %s", ifname, strerror(-err));
		goto out;
	}
	have_a = true;
	if (strcmp(args.metrics, "off")) {
		metrics = sg_metrics_start(args.metrics, &a);
		if (!metrics) {
			err = -EADDRNOTAVAIL;
			goto stop;
		}
		run_log("metrics", ifname, "listen", json_string(args.metrics));
	}
	sg_install_hup_handler();
	for (;;) {
		err = do_events(&events);	/* until a signal */
		/* a SIGHUP reloads and resumes, even if it cut the event
		 * reader's start short */
		if (!sg_hup)
			break;
		sg_hup = 0;	/* SIGHUP: reload, then back to the events */
		sg_stop = 0;
		if (do_reload(&reload))
			run_log("reload_failed", ifname, "config", json_string(args.config));
		else
			run_log("reloaded", ifname, "config", json_string(args.config));
		if (sg_stop)	/* a SIGTERM during the reload */
			break;
	}
stop:
	sg_metrics_stop(metrics);
	if (!args.keep) {
		int derr = do_detach(&detach);

		err = err ? err : derr;
	}
	run_log("stopped", ifname, "detached", json_boolean(!args.keep));
out:
	if (have_a)
		sg_attachment_close(&a);
	if (fc)
		sg_file_config_free(fc);
	free(fc);
	return err;
}
