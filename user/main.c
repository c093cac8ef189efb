// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard: XDP SYN-flood mitigation. Command-line entry point: global
 * options, then one verb (attach, detach, status, stats, events).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "xdp_attach.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} verbs[] = {
	{ "attach", cmd_attach, "attach to an interface and protect TCP ports" },
	{ "run", cmd_run, "run as a service: attach, metrics, events; detach on SIGTERM" },
	{ "detach", cmd_detach, "remove synguard from an interface" },
	{ "set", cmd_set, "change thresholds, ports or the cookie mode while running" },
	{ "reload", cmd_reload, "apply the configuration file again, while running" },
	{ "allow", cmd_allow, "sources that bypass cookies and limits (add|del|list)" },
	{ "deny", cmd_deny, "sources dropped before anything else (add|del|list)" },
	{ "status", cmd_status, "what is attached where, and kernel features" },
	{ "stats", cmd_stats, "counters and rates (--watch for a live view)" },
	{ "top", cmd_top, "full-screen live view (q quits)" },
	{ "events", cmd_events, "stream sampled events until Ctrl-C" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: synguard [-v] VERB [options]\n\nVerbs:\n");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n'synguard VERB --help' describes each verb.\n"
		   "  -v, --verbose   show libbpf/libxdp messages (twice: debug)\n"
		   "  -V, --version   print the version\n");
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			sg_verbose++;
		} else if (!strcmp(argv[i], "-vv")) {
			sg_verbose += 2;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("synguard %s\n", SG_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			sg_err("unknown option '%s' (see 'synguard --help')", argv[i]);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	sg_setup_library_logging();
	sg_xdp_use_own_dispatcher();
	for (size_t v = 0; v < ARRAY_SIZE(verbs); v++) {
		if (strcmp(argv[i], verbs[v].name))
			continue;
		/* getopt_long in each verb starts at the verb's own arguments */
		return verbs[v].fn(argc - i, argv + i) ? 1 : 0;
	}
	sg_err("unknown verb '%s' (see 'synguard --help')", argv[i]);
	return 2;
}
