#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under qemu with the host's root (read-only, tmpfs overlay),
# run one shell command in the current folder inside (seen there at
# /sg-src), stream the console,
# and exit with the command's status.
#
#   scripts/vm/boot.sh [-s] [-c CPUS] [-m MEM] [-o OUTDIR] [-q QEMU_ARG]... KERNEL_DIR COMMAND
#
# KERNEL_DIR holds vmlinuz, config, release and lib/modules/RELEASE (what
# scripts/vm/kernels.sh writes, or a kernel of your own laid out alike).
# -s boots systemd as PID 1, which runs COMMAND as a service.
# OUTDIR is mounted read-write at /run/sg-out in the guest. Exit status 124:
# the guest timed out (SG_VM_TIMEOUT seconds, default 900); 125: it did not boot.
set -euo pipefail
here=$(dirname "$(realpath "$0")")

cpus=${SG_VM_CPUS:-2}
mem=2048
out=
qemu_extra=()
init_opt=
while getopts sc:m:o:q: opt; do
	case $opt in
	s) init_opt=sg.systemd=1 ;;
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	o) out=$OPTARG ;;
	q) qemu_extra+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: boot.sh [-c CPUS] [-m MEM] [-o OUTDIR] KERNEL_DIR COMMAND" >&2; exit 2; }
kdir=$(realpath "$1")
cmd=$2
for f in vmlinuz config release; do
	[ -s "$kdir/$f" ] || { echo "boot.sh: $kdir has no $f" >&2; exit 2; }
done
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "boot.sh: qemu-system-x86_64 is missing (scripts/deps.sh vm)" >&2; exit 2; }

"$here/initramfs.sh" "$kdir"
own_out=
if [ -z "$out" ]; then
	out=$(mktemp -d)
	own_out=$out
fi
mkdir -p "$out"
printf '%s\n' "$cmd" >"$out/cmd"
log=$out/console.log

# /dev/kvm here is paravirtual without vmx/svm, where a stock kernel hangs:
# TCG unless SG_VM_ACCEL says otherwise.
accel=${SG_VM_ACCEL:-tcg}
[ "$accel" = tcg ] && accel=tcg,thread=multi
timeout=${SG_VM_TIMEOUT:-900}
status=0
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
	-accel "$accel" -cpu max -m "$mem" -smp "$cpus" -nodefaults -display none \
	-serial stdio -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$kdir/initrd.img" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=out,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=out,mount_tag=out \
	-device virtio-rng-pci \
	"${qemu_extra[@]}" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 sg.guest=$here/guest.sh sg.kdir=$kdir sg.src=$PWD $init_opt" \
	</dev/null 2>&1 | tee "$log" || status=$?
rc=$(sed -n 's/^sg-vm: exit \([0-9]*\).*/\1/p' "$log" | tail -n 1)
[ -n "$own_out" ] && rm -rf "$own_out"
if [ -n "$rc" ]; then
	exit "$rc"
fi
[ "$status" -eq 124 ] && { echo "boot.sh: guest timed out after ${timeout}s" >&2; exit 124; }
echo "boot.sh: the guest ended without reporting a status" >&2
exit 125
