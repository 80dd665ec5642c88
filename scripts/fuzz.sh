#!/usr/bin/env bash
# Reruns every fuzz target of the module, one after the other, each for
# the same duration. Go keeps the inputs it finds in its cache
# ($(go env GOCACHE)/fuzz) and writes failing inputs to the package's
# testdata/fuzz/<Target>/, where they become seeds once committed.
#
# Usage: scripts/fuzz.sh [duration]     duration as for -fuzztime (default 2m)
# FUZZ_PARALLEL=n limits the fuzzing workers per target (default: GOMAXPROCS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration="${1:-2m}"
parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
	parallel=(-parallel "$FUZZ_PARALLEL")
fi

total=0
failed=()
for pkg in $(go list ./...); do
	# -list prints the matching test names, then "ok <pkg>".
	targets=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	for target in $targets; do
		total=$((total + 1))
		echo "== $pkg $target ($duration)"
		if ! go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" "${parallel[@]}"; then
			failed+=("$pkg $target")
		fi
	done
done

echo "fuzz: $total targets, ${#failed[@]} failed"
for f in "${failed[@]}"; do
	echo "failed: $f"
done
[[ ${#failed[@]} -eq 0 ]]
