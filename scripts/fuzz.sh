#!/usr/bin/env bash
# Fuzzes Strata's input parsers with libFuzzer (and AddressSanitizer): builds `strata-fuzz` for fuzzing into
# .build-fuzz, then runs each harness for SECONDS (default 60) starting from its seed corpus in Tests/fuzz/corpus.
#
#   bash scripts/fuzz.sh [SECONDS] [HARNESS ...]      harnesses: csv parquet footer sql manifest spill delta (default: all)
#
# STRATA_FUZZ_CONFIG=debug builds unoptimised (a shorter build for the short CI run; release fuzzes faster).
#
# A crash, an ASan report or a hang (over 10 s on one input) stops the run with exit 1; the input that caused it is
# saved as .build-fuzz/crash-<harness>-… (replay it: swift run strata-fuzz <harness> FILE). New inputs the fuzzer
# finds go to a scratch copy of the corpus, not into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then harnesses=(csv parquet footer sql manifest spill delta); fi

config=${STRATA_FUZZ_CONFIG:-release}
swift build -c "$config" --product strata-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 \
    | grep -v "Cannot export local symbol" || true
binary=.build-fuzz/$config/strata-fuzz
[ -x "$binary" ] || { echo "fuzz build failed" >&2; exit 1; }

rm -f .build-fuzz/crash-*
status=0
for harness in "${harnesses[@]}"; do
    work=$(mktemp -d)
    cp Tests/fuzz/corpus/"$harness"/* "$work"/
    echo "== $harness: ${seconds} s"
    if ! STRATA_FUZZ="$harness" ASAN_OPTIONS=detect_leaks=0 "$binary" "$work" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix=".build-fuzz/crash-$harness-" 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written|==[0-9]+=="; then
        :
    fi
    if ls .build-fuzz/crash-"$harness"-* >/dev/null 2>&1; then
        echo "$harness: found a failing input:" .build-fuzz/crash-"$harness"-*
        status=1
    fi
    rm -rf "$work"
done
exit $status
