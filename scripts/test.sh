#!/usr/bin/env bash
# Sets up the machine (see setup.sh), runs the whole default test suite, builds the API documentation, runs the
# embedding example, then a short fuzz run.
# Slow tests (large data, crash loops) run only with STRATA_SLOW_TESTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
# The API documentation (DocC, with the articles in Sources/Strata/Strata.docc) must build without a warning.
swift package --allow-writing-to-directory .build/docc generate-documentation --target Strata \
    --warnings-as-errors --output-path .build/docc > /dev/null
# The embedding example (Examples/EmbedStrata) builds with the tests; run it once on the sample data.
"$(swift build --show-bin-path)/strata-example" > /dev/null
# Every fuzz harness for 30 s from its seed corpus (libFuzzer + AddressSanitizer); longer runs: scripts/fuzz.sh.
STRATA_FUZZ_CONFIG=debug bash scripts/fuzz.sh 30
