#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The README's "Tested kernels" table, from the last matrix run
# (build/vm/results.tsv) and the host's own run (build/host.tsv).
#
#   tests/vm/table.sh            print it
#   tests/vm/table.sh --update   replace it in README.md
set -euo pipefail
cd "$(dirname "$0")/../.."
conf=tests/vm/kernels.conf

table() {
	echo "| kernel | distributions | mode | tests passed | skipped | failed |"
	echo "|---|---|---|---|---|---|"
	if [ -s build/host.tsv ]; then
		IFS=$'\t' read -r r m p f s <build/host.tsv
		echo "| $r (development host) | | $m | $p | $s | $f |"
	fi
	while IFS=$'\t' read -r l r m p f s _; do
		d=$(awk -F'\t' -v k="$l" '$1 == k {print $6}' "$conf")
		case $l in
		*+systemd) d="systemd as PID 1: the Debian package and its unit" ;;
		esac
		echo "| $r | $d | $m | $p | $s | $f |"
	done <build/vm/results.tsv
}

if [ "${1:-}" = --update ]; then
	t=$(table)
	awk -v t="$t" '
		/<!-- kernels:begin -->/ { print; print t; skip = 1; next }
		/<!-- kernels:end -->/ { skip = 0 }
		!skip' README.md >README.md.tmp
	mv README.md.tmp README.md
else
	table
fi
