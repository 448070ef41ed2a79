#!/usr/bin/env bash
# Benchmarks rmmhunt against DuckDB on the same synthetic store.
#
#   bench/run.sh ROWS            # e.g. bench/run.sh 10000000
#
# Builds rmmhunt (pure Go) and the benchmark (cgo, DuckDB), writes a store
# of about ROWS DeviceFileCertificateInfo rows (20,000 devices, 30 days;
# process and network rows at ROWS/10 each) under a temporary folder,
# writes INGEST_ROWS (default 1,000,000) certificate rows as streaming-API
# JSON for the ingest case, runs every case RUNS times (default 3),
# alternating the engines, and prints a Markdown table of medians.
# Nothing is written into the repository. KEEP=1 keeps the folder;
# WORK=DIR uses (and keeps) DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

rows="${1:-10000000}"
runs="${RUNS:-3}"
ingest_rows="${INGEST_ROWS:-1000000}"
devices=20000
days=30
keep="${KEEP:-}"
if [ -n "${WORK:-}" ]; then
	work="$WORK"
	keep=1
	mkdir -p "$work"
else
	work="$(mktemp -d "${TMPDIR:-/tmp}/rmmhunt-bench.XXXXXX")"
fi
if [ -z "$keep" ]; then
	trap 'rm -rf "$work"' EXIT
fi

echo "== build (work folder $work)" >&2
CGO_ENABLED=0 go build -o "$work/rmmhunt" ./cmd/rmmhunt
(cd bench && CGO_ENABLED=1 go build -o "$work/bench" .)

# Workstations keep a quarter of their activity at weekends, so the mean
# per device and day is reached on about 0.82 of the days.
per_day() { awk -v r="$1" -v d="$devices" -v n="$days" 'BEGIN { printf "%.4f", r / (d * n * 0.82) }'; }
cert=$(per_day "$rows")
other=$(per_day "$((rows / 10))")

if [ ! -f "$work/store/manifest.json" ]; then
	echo "== gen --store: ~$rows certificate rows, ~$((rows / 10)) process and network rows each" >&2
	/usr/bin/time -f "gen: %e s, peak %M KiB" "$work/rmmhunt" gen --store "$work/store" --devices "$devices" --days "$days" \
		--cert-per-device-day "$cert" --process-per-device-day "$other" --network-per-device-day "$other" >&2
	du -sh "$work/store" >&2
fi

json="$work/json/DeviceFileCertificateInfo.json"
if [ ! -f "$json" ]; then
	echo "== gen --out: ~$ingest_rows certificate rows as streaming-API JSON" >&2
	"$work/rmmhunt" gen --out "$work/json" --devices 2000 --days "$days" \
		--cert-per-device-day "$(awk -v r="$ingest_rows" -v n="$days" 'BEGIN { printf "%.4f", r / (2000 * n * 0.82) }')" \
		--process-per-device-day 0.001 --network-per-device-day 0.001 >&2
	ls -l "$json" >&2
fi

echo "== bench ($runs alternating runs per case)" >&2
"$work/bench" -store "$work/store" -bin "$work/rmmhunt" -json "$json" -runs "$runs" -tmp "$work"
