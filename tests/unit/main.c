// SPDX-License-Identifier: GPL-2.0-only
/* Unit test runner: loads the BPF object once, runs every group. */
#include "harness.h"
#include "common.h"

int main(void)
{
	int failed;

	sg_setup_library_logging();
	if (harness_init())
		return 1;
	failed = run_xdp_tests();
	failed += run_cookie_tests();
	failed += run_policy_tests();
	harness_fini();
	return failed ? 1 : 0;
}
