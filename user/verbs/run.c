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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "attachment.h"
#include "config_file.h"
#include "metrics.h"

#define SG_DEFAULT_METRICS "127.0.0.1:9199"

static void run_usage(FILE *f)
{
	fprintf(f,
		"Usage: synguard run --config FILE [IFACE] [options]\n"
		"\n"
		"Run as a service in the foreground: attach to IFACE (or the file's\n"
		"'interface') with FILE's settings, or adopt an existing attachment and\n"
		"apply FILE to it; serve metrics; print events as JSON lines; on SIGTERM\n"
		"detach. SIGHUP reloads FILE.\n"
		"\n"
		"  -f, --config FILE        the configuration file (required)\n"
		"  -M, --metrics ADDR:PORT  Prometheus metrics (default " SG_DEFAULT_METRICS
		"; off: none)\n"
		"  -k, --keep-attached      on SIGTERM, leave the protection in place\n"
		"  -h, --help               this text\n");
}

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

/* Calls another verb with its own argv, as the command line would. */
static int run_verb(int (*fn)(int, char **), int argc, char **argv)
{
	optind = 0;
	return fn(argc, argv);
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "keep-attached", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *config = NULL, *listen = SG_DEFAULT_METRICS, *ifname;
	struct sg_file_config *fc = NULL;
	struct sg_metrics *metrics = NULL;
	struct sg_attachment a;
	bool keep = false, have_a = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "f:M:kh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			config = optarg;
			break;
		case 'M':
			listen = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'h':
			run_usage(stdout);
			return 0;
		default:
			run_usage(stderr);
			return -EINVAL;
		}
	}
	if (!config) {
		sg_err("run needs --config FILE (see 'synguard run --help')");
		return -EINVAL;
	}
	if (optind < argc - 1) {
		sg_err("run takes at most one interface (see 'synguard run --help')");
		return -EINVAL;
	}
	if (sg_metrics_check(listen))
		return -EINVAL;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	err = sg_file_config_load(config, fc);	/* checked now, applied below */
	if (err)
		goto out;
	ifname = optind == argc - 1 ? argv[optind] : fc->interface;
	if (!ifname[0]) {
		sg_err("run needs an interface: give IFACE, or interface = ... in %s", config);
		err = -EINVAL;
		goto out;
	}
	err = sg_require_privileges("run");
	if (err)
		goto out;
	sg_info_to_stderr = true;	/* stdout: JSON lines only */
	sg_install_stop_handlers();	/* SIGTERM while attaching still detaches */

	if (!sg_attachment_find(ifname, &a)) {
		bool live = a.live;

		sg_attachment_close(&a);
		if (live) {
			char *rv[] = { "reload", (char *)ifname, "--config", (char *)config, NULL };

			err = run_verb(cmd_reload, 4, rv);
		} else {
			err = -ENOENT;	/* stale pins: attach cleans them up */
		}
		if (!err)
			run_log("adopted", ifname, "config", json_string(config));
	} else {
		err = -ENOENT;
	}
	if (err == -ENOENT) {
		char *av[] = { "attach", (char *)ifname, "--config", (char *)config, NULL };

		err = run_verb(cmd_attach, 4, av);
		if (!err)
			run_log("attached", ifname, "config", json_string(config));
	}
	if (err)
		goto out;
	err = sg_attachment_find(ifname, &a);
	if (err) {
		sg_err("cannot open the attachment on %s: %s", ifname, strerror(-err));
		goto out;
	}
	have_a = true;
	if (strcmp(listen, "off")) {
		metrics = sg_metrics_start(listen, &a);
		if (!metrics) {
			err = -EADDRNOTAVAIL;
			goto stop;
		}
		run_log("metrics", ifname, "listen", json_string(listen));
	}
	sg_install_hup_handler();
	for (;;) {
		char *ev[] = { "events", (char *)ifname, "--json", NULL };
		char *rv[] = { "reload", (char *)ifname, "--config", (char *)config, NULL };

		err = run_verb(cmd_events, 3, ev);	/* until a signal */
		if (err || !sg_hup)
			break;
		sg_hup = 0;	/* SIGHUP: reload, then back to the events */
		sg_stop = 0;
		if (run_verb(cmd_reload, 4, rv))
			run_log("reload_failed", ifname, "config", json_string(config));
		else
			run_log("reloaded", ifname, "config", json_string(config));
		if (sg_stop)	/* a SIGTERM during the reload */
			break;
	}
stop:
	sg_metrics_stop(metrics);
	if (!keep) {
		char *dv[] = { "detach", (char *)ifname, NULL };
		int derr = run_verb(cmd_detach, 2, dv);

		err = err ? err : derr;
	}
	run_log("stopped", ifname, "detached", json_boolean(!keep));
out:
	if (have_a)
		sg_attachment_close(&a);
	if (fc)
		sg_file_config_free(fc);
	free(fc);
	return err;
}
