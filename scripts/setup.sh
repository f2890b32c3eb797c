#!/usr/bin/env bash
# Installs what building and testing Strata needs, when missing: the system compression libraries
# (liblz4, libzstd, zlib, libbrotli), libedit (the shell's line editing), headless Chromium (the tests render the
# HTML performance report in it) and the Python packages the interoperability tests use as independent oracles.
set -euo pipefail

need_apt=()
for pkg in liblz4-dev libzstd-dev zlib1g-dev libbrotli-dev libedit-dev pkg-config chromium; do
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

if ! python3 -c "import deltalake, polars" >/dev/null 2>&1; then
    echo "setup: installing deltalake and polars (Python) for the Delta Lake interoperability tests"
    python3 -m pip install -q deltalake==1.6.6 polars==2.1.0
fi

# DuckDB's delta extension loads only into DuckDB 1.5.5: both go into a folder of their own (put on PYTHONPATH by
# Tests/interop/check_delta.py), apart from the DuckDB 2.0 the other tests use.
duckdb_delta="${XDG_CACHE_HOME:-$HOME/.cache}/strata/duckdb-1.5.5-delta"
if [ ! -d "$duckdb_delta/duckdb_extension_delta" ]; then
    echo "setup: installing DuckDB 1.5.5 with its delta extension into $duckdb_delta"
    python3 -m pip install -q --target "$duckdb_delta" duckdb==1.5.5 duckdb-extension-delta==1.5.5 pytz==2026.6
fi
