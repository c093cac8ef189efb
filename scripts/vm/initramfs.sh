#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the busybox initramfs that boots a matrix kernel into the host's root
# (read-only over 9p, a tmpfs overlay on top) and hands over to
# scripts/vm/guest.sh there.
#
#   scripts/vm/initramfs.sh KERNEL_DIR     writes KERNEL_DIR/initrd.img
set -euo pipefail

kdir=$(realpath "$1")
release=$(cat "$kdir/release")
out=$kdir/initrd.img
init_src=$(dirname "$(realpath "$0")")/init.sh
[ -s "$out" ] && [ "$out" -nt "$init_src" ] && exit 0

busybox=$(command -v busybox) || { echo "initramfs.sh: busybox-static is missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,mods,lower,upper,root}
cp "$busybox" "$tmp/bin/busybox"
cp "$init_src" "$tmp/init"
chmod 755 "$tmp/init"

# The modules /init needs to reach the host's root, in load order.
: >"$tmp/mods/order"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$kdir" -S "$release" --show-depends "$m" | while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		base=$(basename "$path")
		grep -qx "$base" "$tmp/mods/order" && continue
		cp "$path" "$tmp/mods/"
		echo "$base" >>"$tmp/mods/order"
	done
done
# Compressed modules (.ko.xz) go in as they are: busybox's insmod cannot
# read them, so unpack them here.
for f in "$tmp"/mods/*.xz; do
	[ -e "$f" ] || continue
	xz -d "$f"
	sed -i "s|^$(basename "$f")\$|$(basename "${f%.xz}")|" "$tmp/mods/order"
done
echo "$release" >"$tmp/release"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
