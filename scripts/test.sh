#!/usr/bin/env bash
# Sets up the machine (see setup.sh) and runs the whole default test suite.
# Slow tests (large data, crash loops) run only with STRATA_SLOW_TESTS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test
