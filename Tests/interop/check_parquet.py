#!/usr/bin/env python3
"""Checks that a Parquet file reads back, in pyarrow and in DuckDB, as exactly the expected Strata values.

    check_parquet.py FILE EXPECTED_JSONL SCHEMA_JSON
        Reads FILE with pyarrow and with DuckDB, converts both to the canonical JSON form (canonical.py) and
        compares column names, column types and every cell with EXPECTED_JSONL / SCHEMA_JSON.
        Exit 0: identical. Exit 1: a difference; the first one is printed as
            MISMATCH engine=<pyarrow|duckdb> row=<n|-> column=<name|-> expected=<...> got=<...>
        with row 0-based (line row+1 of EXPECTED_JSONL) and cells as canonical JSON; "-" marks a file-level
        difference (column names, types, row count, or a file the engine cannot read).
        Exit 2: bad usage or unreadable expectations.

    check_parquet.py --dump FILE
        Prints the canonical JSONL of FILE as pyarrow reads it (types derived from the file, including the
        narrowing rules of canonical.strata_type_for_arrow).

SCHEMA_JSON is a JSON array of {"name": ..., "type": <Strata type>, ...}; other keys are ignored. Types must be,
for pyarrow: bool, int32, int64, float, double, string (large_string / string_view accepted), date32,
timestamp[us, tz=UTC], timestamp[ns, tz=UTC] for timestamp_ns, binary for blob, time64[us] for time, and for decimal(P,S) an Arrow decimal of precision P and scale S (any width, whatever the
Parquet physical type: INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY); for DuckDB: BOOLEAN, INTEGER, BIGINT,
FLOAT, DOUBLE, VARCHAR, DATE, TIMESTAMP WITH TIME ZONE, TIMESTAMPTZ_NS, BLOB, TIME, DECIMAL(P,S). Decimal cells compare as exact text with
exactly S fraction digits (canonical.py).
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyarrow as pa  # noqa: E402

import canonical  # noqa: E402

DUCKDB_TYPES = {
    "bool": {"BOOLEAN"}, "int32": {"INTEGER"}, "int64": {"BIGINT"}, "float": {"FLOAT"}, "double": {"DOUBLE"},
    "string": {"VARCHAR"}, "date": {"DATE"}, "timestamp": {"TIMESTAMP WITH TIME ZONE"},
    "timestamp_ns": {"TIMESTAMPTZ_NS", "TIMESTAMP_NS WITH TIME ZONE"}, "blob": {"BLOB"}, "time": {"TIME"},
}


def duckdb_type_ok(strata_type: str, duck_type: str) -> bool:
    dec = canonical.decimal_type(strata_type)
    if dec is not None:
        return duck_type == f"DECIMAL({dec[0]},{dec[1]})"
    return duck_type in DUCKDB_TYPES.get(strata_type, set())


def pyarrow_type_ok(strata_type: str, t: pa.DataType) -> bool:
    dec = canonical.decimal_type(strata_type)
    if dec is not None:
        return pa.types.is_decimal(t) and (t.precision, t.scale) == dec
    if strata_type == "bool":
        return pa.types.is_boolean(t)
    if strata_type == "int32":
        return pa.types.is_int32(t)
    if strata_type == "int64":
        return pa.types.is_int64(t)
    if strata_type == "float":
        return pa.types.is_float32(t)
    if strata_type == "double":
        return pa.types.is_float64(t)
    if strata_type == "string":
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    if strata_type == "date":
        return pa.types.is_date32(t)
    if strata_type == "time":
        return pa.types.is_time64(t) and t.unit == "us"
    if strata_type == "blob":
        return pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t)
    if strata_type in ("timestamp", "timestamp_ns"):
        unit = "ns" if strata_type == "timestamp_ns" else "us"
        return pa.types.is_timestamp(t) and t.unit == unit and t.tz in ("UTC", "+00:00", "Etc/UTC")
    return False


class Mismatch(Exception):
    def __init__(self, engine: str, row, column, expected, got):
        super().__init__()
        self.fields = (engine, row, column, expected, got)

    def __str__(self) -> str:
        engine, row, column, expected, got = self.fields
        return (f"MISMATCH engine={engine} row={'-' if row is None else row} column={'-' if column is None else column}"
                f" expected={expected} got={got}")


def compare(engine: str, table: pa.Table, type_names: list[str], schema: list[dict], expected: list[dict]) -> None:
    names = [c["name"] for c in schema]
    types = [c["type"] for c in schema]
    if table.column_names != names:
        raise Mismatch(engine, None, None, f"columns {names}", f"columns {table.column_names}")
    for name, st, got_type in zip(names, types, type_names):
        if engine == "pyarrow":
            ok = pyarrow_type_ok(st, table.schema.field(name).type)
        else:
            ok = duckdb_type_ok(st, got_type)
        if not ok:
            raise Mismatch(engine, None, name, f"type {st}", f"type {got_type}")
    rows = canonical.table_rows(table, types)
    for r in range(min(len(rows), len(expected))):
        exp_row, got_row = expected[r], rows[r]
        if list(exp_row.keys()) != names:
            raise ValueError(f"expected row {r} has keys {list(exp_row.keys())}, schema has {names}")
        for name in names:
            e, g = canonical.dumps_cell(exp_row[name]), canonical.dumps_cell(got_row[name])
            if e != g:
                raise Mismatch(engine, r, name, e, g)
    if len(rows) != len(expected):
        raise Mismatch(engine, None, None, f"{len(expected)} rows", f"{len(rows)} rows")


def check(file: str, expected_path: str, schema_path: str) -> int:
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        if not isinstance(schema, list) or not all(isinstance(c, dict) and "name" in c and "type" in c
                                                   for c in schema):
            raise ValueError(f"{schema_path}: expected a JSON array of {{\"name\", \"type\"}} objects")
        for c in schema:
            if not canonical.is_strata_type(c["type"]):
                raise ValueError(f"{schema_path}: unknown Strata type {c['type']!r}")
        expected = canonical.read_jsonl(expected_path)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    engines = [
        ("pyarrow", lambda: _pyarrow(file)),
        ("duckdb", lambda: canonical.read_duckdb(file)),
    ]
    for engine, read in engines:
        try:
            table, type_names = read()
        except Exception as e:  # the engine could not read the file at all
            print(str(Mismatch(engine, None, None, "a readable file", f"error: {type(e).__name__}: {e}")))
            return 1
        try:
            compare(engine, table, type_names, schema, expected)
        except Mismatch as m:
            print(str(m))
            return 1
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    print(f"OK {file}: {len(expected)} rows, {len(schema)} columns match in pyarrow and duckdb")
    return 0


def _pyarrow(file: str) -> tuple[pa.Table, list[str]]:
    table = canonical.read_pyarrow(file)
    return table, [str(f.type) for f in table.schema]


def dump(file: str) -> int:
    try:
        rows = canonical.table_rows(canonical.read_pyarrow(file))
    except Exception as e:
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    try:
        for row in rows:
            sys.stdout.write(canonical.dumps_row(row) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--dump":
        return dump(argv[1])
    if len(argv) == 3 and not argv[0].startswith("-"):
        return check(*argv)
    print("usage: check_parquet.py FILE EXPECTED_JSONL SCHEMA_JSON\n       check_parquet.py --dump FILE",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")
    sys.exit(main(sys.argv[1:]))
