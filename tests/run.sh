#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs synguard's tests as root: the packet-level unit tests (cmocka, with
# BPF_PROG_TEST_RUN) and the end-to-end tests (pytest, in network
# namespaces). Prints one closing line: "N passed, N failed".
#
#   tests/run.sh [all|unit|e2e] [pytest args...]
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
[ $# -gt 0 ] && shift

if [ "$(id -u)" -ne 0 ]; then
	echo "tests need root (BPF programs, network namespaces): run 'sudo make test'" >&2
	exit 1
fi
# The tests pin under /sys/fs/bpf; a fresh machine may not have it mounted.
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf || { echo "cannot mount bpffs at /sys/fs/bpf" >&2; exit 1; }
fi
# Namespaces left by an earlier run that was killed (its pid is gone).
for ns in $(ip netns list 2>/dev/null | awk '/^sgt-[0-9]+-/ {print $1}'); do
	pid=${ns#sgt-}; pid=${pid%%-*}
	[ -d "/proc/$pid" ] || ip netns del "$ns" 2>/dev/null
done

passed=0
failed=0
status=0
mkdir -p build

if [ "$what" = all ] || [ "$what" = unit ]; then
	echo "== unit tests (BPF_PROG_TEST_RUN) =="
	build/unit_tests 2>&1 | tee build/unit.log
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	# one summary line per cmocka group
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' build/unit.log | awk '{s+=$1} END {if (NR) print s}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' build/unit.log | awk '{s+=$1} END {if (NR) print s}')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	[ -n "$p$f" ] || { echo "unit tests reported nothing" >&2; status=1; }
fi

if [ "$what" = all ] || [ "$what" = e2e ]; then
	echo "== end-to-end tests (network namespaces) =="
	rm -f build/e2e.xml
	/usr/bin/python3 -m pytest tests/e2e -v -p no:cacheprovider \
		--junitxml=build/e2e.xml "$@"
	[ $? -eq 0 ] || status=1
	if [ -f build/e2e.xml ]; then
		read -r p f < <(/usr/bin/python3 - <<'PY'
import xml.etree.ElementTree as ET
r = ET.parse("build/e2e.xml").getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
print(t - f - e - sk, f + e)
PY
)
		passed=$((passed + p))
		failed=$((failed + f))
	else
		echo "end-to-end tests reported nothing" >&2
		status=1
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
