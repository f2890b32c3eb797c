#!/usr/bin/env bash
# Sets up, builds Strata (release) and runs the main job on the bundled sample data:
# imports the CSV file Fixtures/sample/trips.csv.gz (20,000 taxi trips, gzip) into a new store under .demo/, with
# the column types sniffed, then prints what the store holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product strata
BIN="$(swift build -c release --show-bin-path)/strata"
rm -rf .demo
"$BIN" import Fixtures/sample/trips.csv.gz --store .demo/store --table trips
"$BIN" info .demo/store
