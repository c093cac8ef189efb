#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package that synguard's build, tests, demo and
# benchmark need. Idempotent: apt-get runs only when something is missing.
#
#   scripts/deps.sh            everything (all)
#   scripts/deps.sh build      only what `make` needs
#   scripts/deps.sh test       what `make test` and `make demo` need
#   scripts/deps.sh vm         what the kernel matrix in VMs needs (in test)
#   scripts/deps.sh deb        what `make deb` needs
#   scripts/deps.sh bench      what `make bench` needs
#   scripts/deps.sh --check SET  only say what SET lacks (plain `make`)
set -euo pipefail

check=
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi

build_pkgs=(
	make gcc clang llvm pkg-config
	libbpf-dev libxdp-dev bpftool
	libelf-dev zlib1g-dev linux-libc-dev
	libjansson-dev libinih-dev libmicrohttpd-dev libncurses-dev libnftables-dev
	libpcap-dev libmnl-dev
)
test_pkgs=(
	iproute2 iputils-ping ethtool procps kmod util-linux
	nginx-light curl wrk python3 python3-scapy python3-pytest
	libcmocka-dev man-db tmux clang-format git nftables
	libclang-rt-dev	# libFuzzer and the sanitizers' runtimes
	tshark tcpdump	# read back what synguard trace --pcap writes
)
# the kernel matrix: qemu, the initramfs, Debian's kernels; xdp-loader
# for the coexistence test
vm_pkgs=(qemu-system-x86 busybox-static cpio xz-utils kmod xdp-tools)
# make deb
deb_pkgs=(debhelper dpkg-dev lintian)
# the benchmark's netfilter SYNPROXY contender and its plots
bench_pkgs=(nftables gnuplot-nox)

want=("${build_pkgs[@]}")
case "${1:-all}" in
build) ;;
test) want+=("${test_pkgs[@]}" "${vm_pkgs[@]}" "${deb_pkgs[@]}") ;;
vm) want+=("${vm_pkgs[@]}") ;;
deb) want+=("${deb_pkgs[@]}") ;;
bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
all) want+=("${test_pkgs[@]}" "${vm_pkgs[@]}" "${deb_pkgs[@]}" "${bench_pkgs[@]}") ;;
*)
	echo "deps.sh: unknown set '$1' (use: build, test, vm, deb, bench, all)" >&2
	exit 2
	;;
esac

missing=()
for p in "${want[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ "$status" == ii* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ -n "$check" ]; then
	echo "missing Debian packages: ${missing[*]} (install them: sudo scripts/deps.sh ${1:-all})" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
