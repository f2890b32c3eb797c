#!/usr/bin/env python3
"""Checks Strata tables against independent Delta Lake readers, and writes Delta tables for Strata to read.

    check_delta.py read TABLE_DIR EXPECTED_DIR
        EXPECTED_DIR holds, for every version N of the table, `vN.jsonl` (the rows Strata reads at version N, in the
        canonical form of canonical.py) and `vN.schema.json` (its Strata schema). Reads every version with
        deltalake (delta-rs) and with Polars (`read_delta(version=N)`), and the latest with DuckDB 1.5.5's delta
        extension, imported from the folder STRATA_DUCKDB_DELTA names (default: DUCKDB_DELTA_DEFAULT below), which
        holds that duckdb package and the `duckdb_extension_delta` wheel: scripts/setup.sh installs them there, apart
        from the DuckDB 2.0 the other tests use, since only DuckDB 1.5.5 loads that extension.
        Rows are compared as multisets (Delta readers may return files in any order).
        Exit 0: identical; 1: a difference (printed as MISMATCH engine=… version=… detail=…); 2: bad usage.

    check_delta.py write TABLE_DIR OUT_DIR
        Writes a Delta table with deltalake.write_deltalake: version 0 creates it, 1 appends, 2 overwrites with
        fewer rows, 3 appends, then a checkpoint is written; a second table TABLE_DIR-cp gets a checkpoint after
        version 1 and one more append. For each table and version, writes OUT_DIR/<table>/vN.jsonl with the rows in
        canonical form, for Strata's reading to be compared against.

    check_delta.py duckdb TABLE_DIR
        (Run with STRATA_DUCKDB_DELTA on PYTHONPATH.) Prints the canonical JSONL of the table as DuckDB's
        delta_scan reads it.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import canonical  # noqa: E402

DUCKDB_DELTA_DEFAULT = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                                    "strata", "duckdb-1.5.5-delta")


def canonical_rows(table, schema) -> list[str]:
    """Canonical JSON lines of an Arrow table whose columns follow `schema` (Strata names and types)."""
    names = [f["name"] for f in schema]
    rows = canonical.table_rows(table.select(names), [f["type"] for f in schema])
    return [canonical.dumps_row(row) for row in rows]


def compare(engine: str, version, expected: list[str], got: list[str]) -> bool:
    if collections.Counter(expected) == collections.Counter(got):
        return True
    missing = collections.Counter(expected) - collections.Counter(got)
    extra = collections.Counter(got) - collections.Counter(expected)
    print(f"MISMATCH engine={engine} version={version} detail=expected {len(expected)} rows, got {len(got)}; "
          f"first missing {next(iter(missing), None)}; first extra {next(iter(extra), None)}")
    return False


def read_mode(table_dir: str, expected_dir: str) -> int:
    import deltalake
    import polars as pl

    versions = sorted(int(name[1:-6]) for name in os.listdir(expected_dir)
                      if name.startswith("v") and name.endswith(".jsonl"))
    if not versions:
        print("usage: no vN.jsonl in " + expected_dir, file=sys.stderr)
        return 2
    ok = True
    latest = deltalake.DeltaTable(table_dir).version()
    if latest != versions[-1]:
        print(f"MISMATCH engine=deltalake version=- detail=latest version {latest}, expected {versions[-1]}")
        ok = False
    for version in versions:
        with open(os.path.join(expected_dir, f"v{version}.jsonl"), encoding="utf-8") as f:
            expected = [canonical.dumps_row(json.loads(line)) for line in f.read().split("\n") if line]
        with open(os.path.join(expected_dir, f"v{version}.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        table = deltalake.DeltaTable(table_dir, version=version).to_pyarrow_table()
        ok = compare("deltalake", version, expected, canonical_rows(table, schema)) and ok
        frame = pl.read_delta(table_dir, version=version)
        ok = compare("polars", version, expected, canonical_rows(frame.to_arrow(), schema)) and ok
        if version == versions[-1]:
            folder = os.environ.get("STRATA_DUCKDB_DELTA") or DUCKDB_DELTA_DEFAULT
            if not os.path.isdir(os.path.join(folder, "duckdb_extension_delta")):
                print(f"MISMATCH engine=duckdb version={version} detail=DuckDB 1.5.5 with the delta extension is "
                      f"not installed in {folder}; run scripts/setup.sh")
                ok = False
                continue
            env = dict(os.environ, PYTHONPATH=folder)
            run = subprocess.run([sys.executable, os.path.abspath(__file__), "duckdb", table_dir],
                                 env=env, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"MISMATCH engine=duckdb version={version} detail={run.stderr.strip()[-400:]}")
                ok = False
            else:
                ok = compare("duckdb", version, expected, [line for line in run.stdout.split("\n") if line]) and ok
    return 0 if ok else 1


def duckdb_mode(table_dir: str) -> int:
    import glob

    import duckdb
    import duckdb_extension_delta

    base = os.path.dirname(duckdb_extension_delta.__file__)
    extension = glob.glob(os.path.join(base, "extensions", "*", "delta.duckdb_extension"))[0]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"LOAD '{extension}'")
    table = con.sql(f"SELECT * FROM delta_scan('{table_dir}')").arrow()
    if hasattr(table, "read_all"):
        table = table.read_all()
    schema = [{"name": field.name, "type": canonical.strata_type_for_arrow(field.type)} for field in table.schema]
    for line in canonical_rows(table, schema):
        print(line)
    return 0


def write_mode(table_dir: str, out_dir: str) -> int:
    import deltalake
    import pyarrow as pa

    def batch(start: int, rows: int):
        utc = datetime.timezone.utc
        return pa.table({
            "id": pa.array(range(start, start + rows), pa.int64()),
            "small": pa.array([i % 100 for i in range(rows)], pa.int32()),
            "name": pa.array([None if i % 7 == 0 else f"n{i} é" for i in range(start, start + rows)], pa.string()),
            "price": pa.array([decimal.Decimal(i) / 100 for i in range(start, start + rows)], pa.decimal128(12, 2)),
            "day": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 400) for i in range(rows)]),
            "at": pa.array([datetime.datetime(2021, 3, 4, tzinfo=utc) + datetime.timedelta(microseconds=7 * i)
                            for i in range(rows)], pa.timestamp("us", tz="UTC")),
            "ratio": pa.array([i / 3 for i in range(rows)], pa.float64()),
            "flag": pa.array([i % 2 == 0 for i in range(rows)], pa.bool_()),
        })

    def dump(path: str, name: str) -> None:
        folder = os.path.join(out_dir, name)
        os.makedirs(folder, exist_ok=True)
        latest = deltalake.DeltaTable(path).version()
        for version in range(latest + 1):
            table = deltalake.DeltaTable(path, version=version).to_pyarrow_table()
            schema = [{"name": f.name, "type": canonical.strata_type_for_arrow(f.type)} for f in table.schema]
            with open(os.path.join(folder, f"v{version}.jsonl"), "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in canonical_rows(table, schema)))

    deltalake.write_deltalake(table_dir, batch(0, 1000))
    deltalake.write_deltalake(table_dir, batch(1000, 500), mode="append")
    deltalake.write_deltalake(table_dir, batch(5000, 300), mode="overwrite")
    deltalake.write_deltalake(table_dir, batch(6000, 200), mode="append")
    deltalake.DeltaTable(table_dir).create_checkpoint()
    dump(table_dir, "plain")

    checkpointed = table_dir + "-cp"
    deltalake.write_deltalake(checkpointed, batch(0, 100))
    deltalake.write_deltalake(checkpointed, batch(100, 100), mode="append")
    deltalake.DeltaTable(checkpointed).create_checkpoint()
    deltalake.write_deltalake(checkpointed, batch(200, 100), mode="append")
    dump(checkpointed, "checkpointed")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "read":
        return read_mode(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "write":
        return write_mode(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "duckdb":
        return duckdb_mode(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    status = main(sys.argv)
    # deltalake 1.6.6 can abort the interpreter at exit ("terminate called without an active exception") after its
    # runtime threads have done their work; leave without running the teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
