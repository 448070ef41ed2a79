#!/usr/bin/env bash
# Runs every test of rmmhunt: vet, the unit and script tests, the CLI
# end-to-end scripts, the HTML report in headless Chromium (installed first
# when missing), and a short run of every fuzz target.
#
#   bash scripts/test.sh            # FUZZTIME=5s per fuzz target
#   FUZZTIME=0 bash scripts/test.sh # skip fuzzing
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-5s}"

echo "== go vet"
go vet ./...

echo "== CGO_ENABLED=0 build"
CGO_ENABLED=0 go build -o /dev/null ./cmd/rmmhunt

if [ "$fuzztime" != "0" ]; then
	echo "== fuzz targets, $fuzztime each"
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	for pkg in $(go list ./...); do
		dir=$(go list -f '{{.Dir}}' "$pkg")
		targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u || true)
		for t in $targets; do
			echo "-- $pkg $t"
			ok=0
			for attempt in 1 2; do
				if go test -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1; then
					ok=1
					break
				fi
				# The fuzzing engine itself sometimes stops with "context
				# deadline exceeded" when the time is up while a worker
				# starts; that is no finding (no failing input is
				# written), so it is run once more. Anything else fails.
				if grep -q "Failing input written" "$log" || ! grep -q "context deadline exceeded" "$log"; then
					break
				fi
				echo "   (fuzzing engine stopped at its deadline without a finding; running again)"
			done
			if [ "$ok" != 1 ]; then
				cat "$log"
				exit 1
			fi
		done
	done
fi

echo "== chromium for the HTML report's browser test"
bash scripts/install-chromium.sh

echo "== go test"
go test -count=1 ./...
