#!/usr/bin/env bash
# Sets up, builds Strata (release) and runs the main job on the bundled sample data:
# imports Fixtures/sample/trips.parquet into a new store under .demo/ and prints what the store holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product strata
BIN="$(swift build -c release --show-bin-path)/strata"
rm -rf .demo
"$BIN" import Fixtures/sample/trips.parquet --store .demo/store --table trips
"$BIN" info .demo/store
