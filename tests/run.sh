#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs synguard's tests as root: the packet-level unit tests (cmocka, with
# BPF_PROG_TEST_RUN), the end-to-end tests (pytest, in network namespaces)
# and the kernel matrix (the same tests in VMs, tests/vm/matrix.sh). Prints
# one closing line: "N passed, N failed, N skipped".
#
#   tests/run.sh [all|unit|e2e|fuzz|san|vm|guest] [pytest args...]
#
# all: the C style check, unit (the packet fuzzer's bounded run included),
# e2e, fuzz (the parsers), san (the CLI tests under sanitizers), then vm. guest: what each VM of the matrix runs (unit,
# and the e2e tests marked `matrix`). SG_VM=0 leaves the matrix out.
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
skipped=0
status=0
mkdir -p build

if [ "$what" = guest ]; then
	# the kernel and what synguard makes of it, for the matrix's table
	build/synguard status | head -n 1
	# the slowest tests' times, for the matrix's time budget
	set -- -m "matrix${SG_VM_DESELECT:+ and not $SG_VM_DESELECT}" --durations=12 "$@"
fi

if [ "$what" = all ]; then
	echo "== C style (scripts/format.sh) =="
	if scripts/format.sh; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		status=1
	fi
fi

if [ "$what" = all ] || [ "$what" = unit ] || [ "$what" = guest ]; then
	echo "== unit tests (BPF_PROG_TEST_RUN) =="
	build/unit_tests ${T:+"$T"} 2>&1 | tee build/unit.log
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	# one summary line per cmocka group
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' build/unit.log | awk '{s+=$1} END {if (NR) print s}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' build/unit.log | awk '{s+=$1} END {if (NR) print s}')
	k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' build/unit.log | awk '{s+=$1} END {if (NR) print s}')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${k:-0}))
	[ -n "$p$f" ] || { echo "unit tests reported nothing" >&2; status=1; }
fi

if [ "$what" = all ] || [ "$what" = e2e ] || [ "$what" = guest ]; then
	echo "== end-to-end tests (network namespaces) =="
	rm -f build/e2e.xml
	# the soak test is make soak's (a later -m wins)
	[ "$what" = guest ] || set -- -m "not soak" "$@"
	/usr/bin/python3 -m pytest tests/e2e -v -p no:cacheprovider \
		--junitxml=build/e2e.xml "$@"
	[ $? -eq 0 ] || status=1
	if [ -f build/e2e.xml ]; then
		/usr/bin/python3 - >build/e2e.counts <<'PY'
import xml.etree.ElementTree as ET
r = ET.parse("build/e2e.xml").getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
print(t - f - e - sk, f + e, sk)
PY
		p= f= k=
		read -r p f k <build/e2e.counts
		if [ -z "$k" ]; then
			echo "cannot read the end-to-end results in build/e2e.xml" >&2
			status=1
			f=1
		fi
		passed=$((passed + ${p:-0}))
		failed=$((failed + f))
		skipped=$((skipped + k))
	else
		echo "end-to-end tests reported nothing" >&2
		status=1
	fi
fi

# Hostile input, on the host: the parsers fuzzed (libFuzzer, tests/fuzz/,
# from the corpus in the tree), and the CLI tests against the CLI built with
# AddressSanitizer and UndefinedBehaviorSanitizer. `make fuzz` runs longer.
if [ "$what" = all ] || [ "$what" = fuzz ]; then
	secs=${SG_FUZZ_SECS:-2}
	echo "== parser fuzzing (libFuzzer, $secs s each) =="
	for f in build/fuzz/fuzz_*; do
		case $f in *.log) continue ;; esac	# the runs' logs sit beside them
		name=$(basename "$f")
		mkdir -p "build/fuzz/corpus/$name" "tests/fuzz/corpus/$name"
		if (cd build/fuzz && "./$name" -max_total_time="$secs" -max_len=4096 -timeout=10 \
			"corpus/$name" "../../tests/fuzz/corpus/$name") >"build/fuzz/$name.log" 2>&1; then
			echo "$name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' \
				"build/fuzz/$name.log" | tail -n 1)"
			passed=$((passed + 1))
		else
			echo "$name FAILED (build/fuzz/$name.log, the input: build/fuzz/crash-*):"
			grep -m 3 -E 'ERROR|refused|runtime error' "build/fuzz/$name.log"
			failed=$((failed + 1))
			status=1
		fi
	done
fi
if [ "$what" = all ] || [ "$what" = san ]; then
	echo "== the CLI tests under ASan and UBSan (build/san/synguard) =="
	rm -f build/san.xml
	SG_SYNGUARD=$PWD/build/san/synguard ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		/usr/bin/python3 -m pytest tests/e2e/test_cli.py tests/e2e/test_config.py \
		tests/e2e/test_lists.py -q -p no:cacheprovider --junitxml=build/san.xml
	[ $? -eq 0 ] || status=1
	read -r p f k <<<"$(/usr/bin/python3 - <<'PY'
import xml.etree.ElementTree as ET
try:
    r = ET.parse("build/san.xml").getroot()
    s = r if r.tag == "testsuite" else r.find("testsuite")
    t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    print(t - f - e - sk, f + e, sk)
except Exception:
    print(0, 1, 0)
PY
)"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
fi

# The host's own line of the README's "Tested kernels" (tests/vm/table.sh).
if [ "$what" = all ]; then
	mode=$(build/synguard status --json 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel"]["best_mode"])' \
		2>/dev/null)
	printf '%s\t%s\t%s\t%s\t%s\n' "$(uname -r)" "${mode:-?}" "$passed" "$failed" "$skipped" \
		>build/host.tsv
fi

# The matrix: where qemu cannot run at all, said in one line; on this
# project's machines and in CI (CI set), that is a failure.
if { [ "$what" = all ] && [ "${SG_VM:-1}" != 0 ]; } || [ "$what" = vm ]; then
	why=
	[ "$(uname -m)" = x86_64 ] || why="the matrix boots x86_64 kernels; this is $(uname -m)"
	[ -n "$why" ] || command -v qemu-system-x86_64 >/dev/null ||
		why="qemu-system-x86_64 is missing (scripts/deps.sh vm installs it)"
	if [ -n "$why" ]; then
		echo "kernel matrix skipped: $why"
		if [ -n "${CI:-}" ]; then
			echo "kernel matrix: a skip is a failure in CI" >&2
			failed=$((failed + 1))
		fi
	else
		tests/vm/matrix.sh | tee build/vm.log
		[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
		p= f= k=
		read -r p f k <<<"$(sed -n -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p' \
			build/vm.log | tail -n 1)"
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-1}))
		skipped=$((skipped + ${k:-0}))
	fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
