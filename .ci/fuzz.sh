#!/usr/bin/env bash
# fuzz.sh runs every `go test -fuzz` target of the module briefly: each
# FuzzX found by grep in a *_test.go file is fuzzed for $FUZZTIME (default
# 10000x: a count of executions, because a duration-based -fuzztime can end
# in a spurious "context deadline exceeded" failure on Go 1.26, a race in
# the fuzzing coordinator fixed in Go 1.27, golang/go#75804) in its own
# package, on top of its seed corpus in testdata/fuzz/.
# A failure leaves the crashing input in that package's testdata/fuzz/FuzzX/
# (commit it as a regression seed after fixing) and makes the script fail.
# Usage: .ci/fuzz.sh [PATTERN]   (PATTERN filters target names, e.g. LEEF)
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10000x}"
pattern="${1:-}"

targets=$(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' . | sed -E 's|^\./(.*)/[^/]+_test\.go:func |\1 |' | sort -u)
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

failed=0
while read -r dir name; do
	case "$name" in *"$pattern"*) ;; *) continue ;; esac
	echo "== fuzz ./$dir $name ($FUZZTIME)"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "./$dir"; then
		echo "fuzz.sh: $name in ./$dir failed" >&2
		failed=1
	fi
done <<<"$targets"
exit "$failed"
