#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch the kernels of the VM matrix from Debian's own packages and unpack
# them into the cache, once: a second run downloads nothing.
#
#   scripts/vm/kernels.sh NAME...     NAME: 6.1 (bookworm), 6.12 (bookworm-backports)
#
# Each kernel lands in $SG_VM_CACHE/NAME/ as vmlinuz, config, the release in
# `release` and its modules under lib/modules/RELEASE.
set -euo pipefail

cache=${SG_VM_CACHE:-/var/cache/synguard-vm}
mkdir -p "$cache"

# The Debian mirror apt already uses, for the private backports source list.
mirror() {
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ {print $2; exit}' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
	[ -n "$uri" ] || { echo "kernels.sh: no Debian mirror found in /etc/apt" >&2; return 1; }
	echo "$uri"
}

# apt options for bookworm-backports alone, leaving the machine's apt untouched.
bpo_opts() {
	local d=$cache/apt-bpo
	mkdir -p "$d/lists/partial"
	[ -s "$d/sources.list" ] || echo "deb $(mirror) bookworm-backports main" >"$d/sources.list"
	echo "-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=- -o Dir::State::Lists=$d/lists"
}

# The newest linux-image-*-amd64 that the meta package @meta depends on.
image_pkg() {
	local meta=$1; shift
	apt-cache "$@" depends "$meta" 2>/dev/null |
		sed -n 's/^  Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

fetch() {
	local name=$1 dir=$cache/$1 pkg opts=() tmp
	[ -s "$dir/vmlinuz" ] && [ -s "$dir/release" ] && return 0
	case $name in
	6.1)
		pkg=$(image_pkg linux-image-amd64)
		if [ -z "$pkg" ]; then
			apt-get update -qq >&2
			pkg=$(image_pkg linux-image-amd64)
		fi
		;;
	6.12)
		read -ra opts <<<"$(bpo_opts)"
		[ -n "$(ls -A "$cache/apt-bpo/lists" 2>/dev/null | grep -v partial)" ] ||
			apt-get "${opts[@]}" update -qq >&2
		pkg=$(image_pkg linux-image-amd64 "${opts[@]}")
		;;
	*)
		echo "kernels.sh: unknown kernel '$name' (known: 6.1, 6.12)" >&2
		return 2
		;;
	esac
	[ -n "$pkg" ] || { echo "kernels.sh: no linux-image package found for $name" >&2; return 1; }
	echo "kernels.sh: fetching $pkg for $name" >&2
	tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
	chmod 755 "$tmp"	# apt downloads as _apt
	(cd "$tmp" && apt-get "${opts[@]}" download -qq "$pkg" >&2)
	mkdir -p "$tmp/x"
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	rm -rf "$dir.new" && mkdir -p "$dir.new/lib"
	mv "$tmp"/x/boot/vmlinuz-* "$dir.new/vmlinuz"
	mv "$tmp"/x/boot/config-* "$dir.new/config"
	mv "$tmp"/x/lib/modules "$dir.new/lib/modules"
	ls "$dir.new/lib/modules" >"$dir.new/release"
	depmod -b "$dir.new" "$(cat "$dir.new/release")"
	rm -rf "$tmp" "$dir"
	mv "$dir.new" "$dir"
}

for k in "$@"; do
	fetch "$k"
	echo "$cache/$k"
done
