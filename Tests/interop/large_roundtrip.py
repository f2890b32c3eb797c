#!/usr/bin/env python3
"""Two-way interoperability check at scale (run by hand or with STRATA_SLOW_TESTS=1; not part of the fast suite).

1. Generates N rows (default 10,000,000) of random typed data with nulls in pyarrow (every Strata type, NaN/±inf,
   empty and non-ASCII strings, dates before 1970, µs timestamps), seeded.
2. Writes it with pyarrow in several variants (snappy/zstd, dictionary on/off, data pages V1/V2).
3. `strata import`s each variant into a store (Strata reads pyarrow's file, writes its own partitions, zstd or lz4).
4. Reads Strata's partitions back with pyarrow (must equal the original table exactly) and with DuckDB (an
   order-independent fingerprint per column must equal DuckDB's fingerprint of the original pyarrow file).

Usage: large_roundtrip.py [--rows N] [--strata PATH] [--workdir DIR]
Exit 0 when every variant is identical; prints one line per variant with sizes and timings.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def make_table(rows, seed=7):
    rng = np.random.default_rng(seed)

    def nulls(fraction=0.1):
        return rng.random(rows) < fraction

    doubles = rng.normal(0, 1e6, rows)
    special = rng.integers(0, 200, rows)
    doubles[special == 0] = np.nan
    doubles[special == 1] = np.inf
    doubles[special == 2] = -np.inf
    doubles[special == 3] = -0.0
    words = np.array(["", "a", "héllo", "日本語", "emoji 🎉", "x" * 40, "tab\tand\nnewline", "NULL"], dtype=object)
    low_card = words[rng.integers(0, len(words), rows)]
    high_card = np.char.add("user-", rng.integers(0, 1 << 40, rows).astype(str)).astype(object)
    return pa.table({
        "id": pa.array(np.arange(rows, dtype=np.int64)),
        "i32": pa.array(rng.integers(-(2**31), 2**31, rows, dtype=np.int64).astype(np.int32), mask=nulls()),
        "i64": pa.array(rng.integers(-(2**63), 2**63 - 1, rows, dtype=np.int64), mask=nulls()),
        "f32": pa.array(rng.normal(0, 1000, rows).astype(np.float32), mask=nulls()),
        "f64": pa.array(doubles, mask=nulls()),
        "flag": pa.array(rng.random(rows) < 0.5, mask=nulls()),
        "word": pa.array(low_card, type=pa.string(), mask=nulls()),
        "user": pa.array(high_card, type=pa.string(), mask=nulls(0.05)),
        "day": pa.array(rng.integers(-30000, 30000, rows).astype(np.int32), type=pa.date32(), mask=nulls()),
        "ts": pa.array(rng.integers(-(2**52), 2**52, rows), type=pa.timestamp("us", tz="UTC"), mask=nulls()),
    })


VARIANTS = [
    # name, pyarrow write options, strata codec
    ("snappy_v1_dict", dict(compression="snappy", use_dictionary=True, data_page_version="1.0"), "zstd"),
    ("snappy_v2_plain", dict(compression="snappy", use_dictionary=False, data_page_version="2.0"), "lz4"),
    ("zstd_v2_dict", dict(compression="zstd", use_dictionary=True, data_page_version="2.0"), "zstd"),
    ("zstd_v1_plain", dict(compression="zstd", use_dictionary=False, data_page_version="1.0"), "none"),
]


def same_table(a, b):
    """Exact equality, column by column; floats are compared by bit pattern (NaN == NaN, -0.0 != 0.0)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False, ["schema or row count"]
    differing = []
    for name in a.column_names:
        x, y = a[name].combine_chunks(), b[name].combine_chunks()
        if pa.types.is_float64(x.type):
            x, y = x.view(pa.int64()), y.view(pa.int64())
        elif pa.types.is_float32(x.type):
            x, y = x.view(pa.int32()), y.view(pa.int32())
        if not x.equals(y):
            differing.append(name)
    return not differing, differing


def fingerprint(con, source):
    cols = ["id", "i32", "i64", "f32", "f64", "flag", "word", "user", "day", "ts"]
    parts = [f"count(*)"]
    for c in cols:
        parts.append(f"count({c})")
        parts.append(f"sum(hash({c}))::HUGEINT")
    return con.sql(f"SELECT {', '.join(parts)} FROM {source}").fetchall()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--strata", default=None, help="path of the strata binary (default: release build)")
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    strata = args.strata
    if strata is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "strata"], cwd=root, check=True)
        bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root, check=True,
                                 capture_output=True, text=True).stdout.strip()
        strata = os.path.join(bin_dir, "strata")
    work = args.workdir or tempfile.mkdtemp(prefix="strata-roundtrip-")
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    table = make_table(args.rows)
    print(f"generated {args.rows} rows in {time.time() - t0:.1f} s", flush=True)
    con = duckdb.connect()
    failures = 0
    try:
        for name, options, codec in VARIANTS:
            source = os.path.join(work, f"{name}.parquet")
            pq.write_table(table, source, row_group_size=1_000_000, **options)
            store = os.path.join(work, f"store_{name}")
            t = time.time()
            result = subprocess.run([strata, "import", source, "--store", store, "--table", "t", "--codec", codec],
                                    capture_output=True, text=True)
            elapsed = time.time() - t
            if result.returncode != 0:
                print(f"FAIL {name}: strata import failed: {result.stderr.strip()}")
                failures += 1
                continue
            files = sorted(glob.glob(os.path.join(store, "tables", "t", "*.parquet")))
            back = pa.concat_tables([pq.read_table(f) for f in files])
            same_pyarrow, differing = same_table(back, table)
            glob_path = os.path.join(store, "tables", "t", "*.parquet")
            same_duckdb = fingerprint(con, f"read_parquet('{glob_path}')") == fingerprint(
                con, f"read_parquet('{source}')")
            size = sum(os.path.getsize(f) for f in files)
            status = "OK  " if same_pyarrow and same_duckdb else "FAIL"
            print(f"{status} {name}: pyarrow wrote {os.path.getsize(source):,} B; strata import ({codec}) "
                  f"{elapsed:.1f} s -> {len(files)} file(s), {size:,} B; pyarrow equal={same_pyarrow}, "
                  f"duckdb equal={same_duckdb}", flush=True)
            if not (same_pyarrow and same_duckdb):
                failures += 1
                print(f"     differing: {', '.join(differing)}")
            shutil.rmtree(store)
            os.remove(source)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(VARIANTS) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
