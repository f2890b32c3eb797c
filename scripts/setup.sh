#!/usr/bin/env bash
# Installs what building and testing Strata needs, when missing: the system compression libraries
# (liblz4, libzstd, zlib, libbrotli) and the Python packages the interoperability tests use as independent oracles.
set -euo pipefail

need_apt=()
for pkg in liblz4-dev libzstd-dev zlib1g-dev libbrotli-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 -c "import pyarrow, duckdb, pytz" >/dev/null 2>&1; then
    echo "setup: installing pyarrow and duckdb (Python) for the interoperability tests"
    python3 -m pip install -q pyarrow==26.0.1 duckdb==2.0.0 pytz==2026.6
fi
