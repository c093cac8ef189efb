// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard: XDP SYN-flood mitigation. Command-line entry point: global
 * options, then one verb (user/verbs/).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "params.h"
#include "verbs.h"
#include "xdp_attach.h"

int main(int argc, char **argv)
{
	struct global_args g = {};
	int first = sg_params_parse(&sg_global, argc, argv, &g);

	if (first < 0)
		return 2;
	if (first == 0)
		return 0;	/* --help */
	if (g.version) {
		printf("synguard %s\n", SG_VERSION);
		return 0;
	}
	sg_verbose = g.verbose;
	if (first == argc) {
		sg_params_usage(&sg_global, stderr);
		return 2;
	}
	if (!strcmp(argv[first], "help")) {
		sg_params_usage(&sg_global, stdout);
		return 0;
	}
	sg_setup_library_logging();
	sg_xdp_use_own_dispatcher();
	for (size_t v = 0; v < sg_verbs_n; v++) {
		if (strcmp(argv[first], sg_verbs[v]->name))
			continue;
		/* each verb parses from its own name on */
		if (!sg_verbs[v]->main(argc - first, argv + first))
			return 0;
		return sg_usage_error ? 2 : 1;
	}
	sg_err("unknown verb '%s' (see 'synguard --help')", sg_quote(argv[first]));
	return 2;
}
