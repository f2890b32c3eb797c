#!/usr/bin/env bash
# Runs the test suite under ThreadSanitizer (scratch folder .build-tsan) and sorts its reports with
# scripts/tsan_reports.py, which fails on any report that is not one of the two known artifacts it describes.
#
#   bash scripts/tsan.sh [swift test options, e.g. --filter HashJoin]
#
# Takes about an hour on 2 cores for the whole suite. Tests that measure memory or time may fail under TSan (it
# multiplies both); the verdict on races is the script's.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread || exit 1
# Reports go to files, one per process, so the CLI tests' child processes keep their exit codes and stderr.
rm -rf .build-tsan/reports && mkdir -p .build-tsan/reports
TSAN_OPTIONS="halt_on_error=0 exitcode=0 log_path=$PWD/.build-tsan/reports/tsan ${TSAN_OPTIONS:-}" \
    swift test --skip-build --scratch-path .build-tsan "$@" > .build-tsan/tsan.log 2>&1
echo "swift test exit status: $? (log: .build-tsan/tsan.log)"
grep -E "^✘ Test [^r]" .build-tsan/tsan.log | head -20
python3 scripts/tsan_reports.py .build-tsan/reports/tsan.*
