#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel matrix: boots each kernel of tests/vm/kernels.conf (or those
# KERNELS names) under qemu, one after the other, and runs synguard's unit
# tests and the e2e tests marked `matrix` inside, with the kernel's expected
# mode asserted. Prints a table of the results and, last, one closing line
# "N passed, N failed, N skipped" summed over the guests.
#
#   tests/vm/matrix.sh
#   KERNELS="6.12 /path/to/kernel-dir" tests/vm/matrix.sh
#
# A kernel of your own is a folder holding vmlinuz, config, release (its
# `uname -r`) and lib/modules/RELEASE; its mode is reported, not asserted.
# The name "systemd" boots the 6.12 kernel with systemd as PID 1 and tests
# the Debian package there (tests/vm/systemd.sh); it runs by default.
# SG_VM_CPUS, SG_VM_TIMEOUT and SG_VM_CACHE tune scripts/vm/boot.sh.
set -u
cd "$(dirname "$0")/../.."
conf=tests/vm/kernels.conf
out=build/vm
mkdir -p "$out"

names=${KERNELS:-$(awk '!/^#/ && NF {print $1}' "$conf") systemd}
passed=0 failed=0 skipped=0 status=0
: >"$out/results.tsv"
for k in $names; do
	expect= dispatcher= nics= tests= systemd=
	if [ "$k" = systemd ]; then
		# the package, built here, installed in the guest
		if ! make -s deb >build/deb.log 2>&1; then
			tail -n 20 build/deb.log
			echo "matrix: make deb failed (build/deb.log)" >&2
			status=1
			failed=$((failed + 1))
			continue
		fi
		kdir=$(scripts/vm/kernels.sh 6.12 | tail -n 1) || { status=1; continue; }
		label=6.12+systemd
		systemd=1
	elif [ -d "$k" ]; then
		kdir=$(realpath "$k")
		label=$(cat "$kdir/release" 2>/dev/null || basename "$kdir")
	else
		read -r _ expect dispatcher nics tests _ < <(awk -F"\t" -v k="$k" \
			'$1 == k {print $1, $2, $3, $4, $5}' "$conf")
		if [ -z "$expect" ]; then
			echo "matrix: unknown kernel '$k' (see $conf, or name a kernel folder)" >&2
			status=1
			continue
		fi
		kdir=$(scripts/vm/kernels.sh "$k" | tail -n 1) || {
			echo "matrix: cannot fetch kernel $k" >&2
			status=1
			failed=$((failed + 1))
			continue
		}
		label=$k
	fi
	release=$(cat "$kdir/release")
	echo "== kernel $label ($release) in a VM =="
	env=(SG_IN_VM=1)
	[ -n "$expect" ] && env+=(SG_EXPECT_MODE="$expect")
	[ "$dispatcher" = yes ] && env+=(SG_EXPECT_DISPATCHER=1)
	# the e2e tests of a marker this guest leaves out (kernels.conf)
	[ -n "$tests" ] && [ "$tests" != all ] && env+=(SG_VM_DESELECT="$tests")
	qemu=()
	if [ "$nics" = yes ]; then
		# Three server NICs, each joined by a qemu hub of its own to a
		# virtio-net client NIC: nothing they send leaves qemu. Their
		# MACs tell tests/e2e/test_nics.py which is which.
		i=0
		for model in vmxnet3 virtio-net-pci e1000; do
			qemu+=(-q -netdev -q "hubport,id=s$i,hubid=$i"
			       -q -device -q "$model,netdev=s$i,mac=52:54:00:5a:0$i:01,romfile="
			       -q -netdev -q "hubport,id=c$i,hubid=$i"
			       -q -device -q "virtio-net-pci,netdev=c$i,mac=52:54:00:5a:0$i:02,romfile=")
			i=$((i + 1))
		done
		env+=(SG_EXPECT_NICS=1)
	fi
	gout=$out/$label
	rm -rf "$gout" && mkdir -p "$gout"
	start=$(date +%s)
	if [ -n "$systemd" ]; then
		scripts/vm/boot.sh -s -o "$gout" "$kdir" "tests/vm/systemd.sh"
	else
		scripts/vm/boot.sh "${qemu[@]}" -o "$gout" "$kdir" "env ${env[*]} tests/run.sh guest"
	fi
	rc=$?
	secs=$(($(date +%s) - start))
	line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed' "$gout/console.log" | tail -n 1)
	read -r p f s < <(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/')
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$line" ] || [ "$rc" -ne 0 ]; then
		status=1
		[ "$f" -gt 0 ] || f=1
	fi
	mode=$(sed -n 's/.*best mode: \([a-z-]*\).*/\1/p' "$gout/console.log" | tail -n 1)
	[ -n "$systemd" ] && mode=systemd
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$release" "${mode:-?}" "$p" "$f" "$s" \
		"$secs" >>"$out/results.tsv"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "== kernel matrix =="
printf '%-8s %-24s %-14s %6s %6s %7s %5s\n' kernel release mode passed failed skipped secs
while IFS=$'\t' read -r l r m p f s t; do
	printf '%-8s %-24s %-14s %6s %6s %7s %5s\n' "$l" "$r" "$m" "$p" "$f" "$s" "$t"
done <"$out/results.tsv"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
