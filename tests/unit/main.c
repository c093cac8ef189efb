// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test runner: loads the BPF object once, runs every group.
 *
 *   build/unit_tests [PATTERN]
 *
 * PATTERN (cmocka's: * and ? as wildcards) runs only the tests whose names
 * match, e.g. 'test_handoff*'; `make unit T=PATTERN` passes it.
 */
#include "harness.h"
#include "common.h"

int main(int argc, char **argv)
{
	int failed;

	if (argc > 2) {
		fprintf(stderr, "usage: unit_tests [PATTERN]\n");
		return 2;
	}
	if (argc == 2)
		cmocka_set_test_filter(argv[1]);
	sg_setup_library_logging();
	if (harness_init())
		return 1;
	failed = run_xdp_tests();
	failed += run_cookie_tests();
	failed += run_policy_tests();
	failed += run_path_tests();
	failed += run_synproxy_tests();
	failed += run_fuzz_tests();
	harness_fini();
	return failed ? 1 : 0;
}
