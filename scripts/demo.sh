#!/usr/bin/env bash
# Sets up, builds Strata (release) and runs the main job on the bundled sample data:
# imports the CSV file Fixtures/sample/trips.csv.gz (20,000 taxi trips, gzip) into a new store under .demo/, with
# the column types sniffed, prints what the store holds and runs a SQL group-by over it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product strata
BIN="$(swift build -c release --show-bin-path)/strata"
rm -rf .demo
"$BIN" import Fixtures/sample/trips.csv.gz --store .demo/store --table trips
"$BIN" info .demo/store
"$BIN" sql .demo/store "SELECT vendor, count(*) AS trips, round(avg(fare), 2) AS avg_fare, round(sum(tip), 2) AS tips
                        FROM trips GROUP BY vendor ORDER BY trips DESC" --memory-limit 256MB
