#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The C style check: every line of C changed since .clang-format came in
# must be as clang-format writes it (git clang-format, Debian's
# clang-format). Lines from before keep their hand alignment, which
# clang-format 14 cannot express.
#
#   scripts/format.sh          check: the diff, and exit 1 if there is one
#   scripts/format.sh --fix    rewrite the changed lines in place
set -u
cd "$(dirname "$0")/.."
fix=${1:-}

if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "format: skipped: not a git checkout (the check compares with history)"
	exit 0
fi
base=$(git log --diff-filter=A --format=%H -- .clang-format | tail -n 1)
if [ -z "$base" ]; then
	echo "format: skipped: .clang-format is not committed yet"
	exit 0
fi
# vmlinux.h is generated; bpf/dispatcher/ is libxdp's layout, kept as theirs
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v -e '^vmlinux\.h$' -e '^bpf/dispatcher/')
if [ "$fix" = --fix ]; then
	exec git clang-format --force "$base" -- "${files[@]}"
fi
out=$(git clang-format --diff "$base" -- "${files[@]}")
if grep -q '^diff --git' <<<"$out"; then
	echo "$out"
	echo "format: the C above is not as .clang-format writes it: run scripts/format.sh --fix" >&2
	exit 1
fi
echo "format: every C line changed since ${base:0:7} is as clang-format writes it"
