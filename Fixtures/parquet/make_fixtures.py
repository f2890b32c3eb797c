#!/usr/bin/env python3
"""Generates the cross-engine Parquet interop fixtures in this directory.

    python3 Fixtures/parquet/make_fixtures.py            # from the repository root: every fixture
    python3 Fixtures/parquet/make_fixtures.py NAME ...   # only these fixtures (and README.md); the others keep
                                                         # their bytes (everything is generated in a temporary
                                                         # directory and only NAME.* are copied over)

Every readable fixture NAME.parquet gets
  NAME.schema.json     [{"name", "type" (Strata type), "nullable", "arrow_type", "physical", "codec", "encodings",
                         "data_pages", "dictionary_pages", ...}]  (everything but name/type is informational)
  NAME.expected.jsonl  one canonical JSON object per row (format: Tests/interop/canonical.py)
and every fixture Strata must reject gets
  NAME.schema.json     {"expect_error": "<substring>", "error_code": "<StrataError.Code>", "reason": "..."}

Expected values are computed from the generator's own source values, then checked against what pyarrow and DuckDB
read back from the written file, so a writer that silently changed a value would stop the generator. Data is
drawn from seeded random.Random instances: the same library versions regenerate identical files.

thrift_footer_pyarrow.parquet belongs to make_thrift_fixture.py and is left alone.
"""

from __future__ import annotations

import decimal
import json
import math
import os
import random
import shutil
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "interop"))
sys.path.insert(0, HERE)

import duckdb  # noqa: E402
import polars as pl  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import canonical  # noqa: E402
import handcraft  # noqa: E402
import layout  # noqa: E402

# Files in this directory written by other scripts.
OTHER_FILES = {"thrift_footer_pyarrow.parquet"}
# Where fixtures are written (a temporary directory when only some are regenerated).
OUT = HERE

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
FLT_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]
FLT_MIN_NORMAL = struct.unpack("<f", struct.pack("<I", 0x00800000))[0]
FLT_MIN_SUB = struct.unpack("<f", struct.pack("<I", 0x00000001))[0]
NAN, INF = math.nan, math.inf

ARROW_TYPE = {
    "bool": pa.bool_(), "int32": pa.int32(), "int64": pa.int64(), "float": pa.float32(), "double": pa.float64(),
    "string": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC"),
}
BASE_COLUMNS = [("b", "bool"), ("i32", "int32"), ("i64", "int64"), ("f32", "float"), ("f64", "double"),
                ("s", "string"), ("d", "date"), ("ts", "timestamp")]

# fixture name -> (what it covers, row count)
DESCRIPTIONS: dict[str, tuple[str, int]] = {}
ERRORS: dict[str, dict] = {}


def f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def days(y: int, m: int, d: int) -> int:
    yy = y - 1 if m <= 2 else y
    era = (yy if yy >= 0 else yy - 399) // 400
    yoe = yy - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# ---- source values ----------------------------------------------------------------------------------------------

SPECIALS = {
    "bool": [True, False, None],
    "int32": [INT32_MIN, INT32_MAX, 0, -1, 1, None, INT32_MIN + 1, INT32_MAX - 1],
    "int64": [INT64_MIN, INT64_MAX, 0, -1, 1, None, 2**53 + 1, -(2**53) - 1, INT32_MAX + 1, INT32_MIN - 1],
    "float": [NAN, INF, -INF, -0.0, 0.0, None, FLT_MAX, -FLT_MAX, FLT_MIN_SUB, FLT_MIN_NORMAL, f32(0.1),
              f32(1 / 3), f32(16777217.0), f32(1e-5), f32(-2.5)],
    "double": [NAN, INF, -INF, -0.0, 0.0, None, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               -1.7976931348623157e308, 0.1, 1 / 3, float(2**53), 1e16, 1e-5, 123456789.125],
    "string": ["", None, "a", "é", "日本語テキスト", "🎉 emoji 👍🏽", "Ünïcödé — “quotes” ‘single’", "line\nbreak\ttab\r",
               'quote " backslash \\ slash /', "\u0000nul inside", "e\u0301 combining", "\u200bzero width",
               "Ελληνικά кириллица עברית العربية", "x" * 300, " leading and trailing spaces "],
    "date": [0, -1, 1, None, days(1, 1, 1), days(9999, 12, 31), days(1900, 1, 1), days(1600, 2, 29),
             days(2000, 2, 29), days(1969, 7, 20), days(1582, 10, 4)],
    "timestamp": [0, -1, 1, None, 1_700_000_000_123_456, -1_234_567_890_123_457, -62_135_596_800_000_000,
                  253_402_300_799_999_999, 951_782_400_000_001, -14_182_940_000_000],
}

STRING_POOL_SEED = ["alpha", "beta", "gamma", "δέλτα", "ε", "Zürich", "São Paulo", "東京", "Москва", "naïve", "",
                    "a longer string value that repeats", "🙂", "tab\there", "line\nbreak"]


def random_value(rng: random.Random, strata_type: str, pool: list[str]):
    if strata_type == "bool":
        return rng.random() < 0.5
    if strata_type == "int32":
        return rng.randint(-1000, 1000) if rng.random() < 0.6 else rng.randint(INT32_MIN, INT32_MAX)
    if strata_type == "int64":
        return rng.randint(-10**6, 10**6) if rng.random() < 0.5 else rng.randint(INT64_MIN, INT64_MAX)
    if strata_type == "float":
        return f32(round(rng.uniform(-1e4, 1e4), rng.randint(0, 4)))
    if strata_type == "double":
        r = rng.random()
        if r < 0.4:
            return round(rng.uniform(-1e6, 1e6), rng.randint(0, 6))
        if r < 0.8:
            return rng.uniform(-1, 1) * 10.0 ** rng.randint(-300, 300)
        return float(rng.randint(-1000, 1000))
    if strata_type == "string":
        if rng.random() < 0.7:
            return rng.choice(pool)
        alphabet = "abcxyzABC019 _-éüßøñçåœ€日本中文한국어ÆΩж🙂🚀"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
    if strata_type == "date":
        return rng.randint(days(1, 1, 1), days(9999, 12, 31)) if rng.random() < 0.2 else rng.randint(-40000, 40000)
    if strata_type == "timestamp":
        if rng.random() < 0.2:
            return rng.randint(-62_135_596_800_000_000, 253_402_300_799_999_999)
        return rng.randint(-2_000_000_000_000_000, 4_000_000_000_000_000)
    raise ValueError(strata_type)


def column_values(rng: random.Random, strata_type: str, n: int, null_rate: float = 0.08,
                  specials: bool = True) -> list:
    pool = STRING_POOL_SEED + ["pool-" + str(i) for i in range(40)]
    head = list(SPECIALS[strata_type]) if specials else []
    rng.shuffle(head)
    values = head[:n]
    while len(values) < n:
        values.append(None if rng.random() < null_rate else random_value(rng, strata_type, pool))
    return values


def base_data(seed: int, n: int, columns=BASE_COLUMNS) -> tuple[list[tuple[str, str]], dict[str, list]]:
    rng = random.Random(seed)
    return list(columns), {name: column_values(rng, st, n) for name, st in columns}


def arrow_table(columns, data, arrow_types=None, nullable=True) -> pa.Table:
    arrow_types = arrow_types or {}
    fields, arrays = [], []
    for name, st in columns:
        t = arrow_types.get(name, ARROW_TYPE.get(st))
        if t is None and canonical.decimal_type(st):
            t = pa.decimal128(*canonical.decimal_type(st))
        fields.append(pa.field(name, t, nullable=nullable))
        arrays.append(pa.array(data[name], type=t))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


# ---- writing and verifying --------------------------------------------------------------------------------------


def path(name: str, suffix: str = ".parquet") -> str:
    return os.path.join(OUT, name + suffix)


def finish(name: str, columns, expected_rows: list[dict], description: str, notes: dict | None = None,
           nullable: bool = True, check_duckdb: bool = True) -> None:
    """Writes schema.json and expected.jsonl of an already written NAME.parquet and cross-checks the file."""
    file = path(name)
    notes = notes or {}
    pa_table = pq.read_table(file)
    types = [st for _, st in columns]
    assert pa_table.column_names == [c for c, _ in columns], (name, pa_table.column_names)
    for engine, table in [("pyarrow", pa_table)] + ([("duckdb", canonical.read_duckdb(file)[0])] if check_duckdb else []):
        got = canonical.table_rows(table, types)
        assert len(got) == len(expected_rows), (name, engine, len(got), len(expected_rows))
        for r, (g, e) in enumerate(zip(got, expected_rows)):
            if g != e:
                for k in e:
                    if canonical.dumps_cell(g[k]) != canonical.dumps_cell(e[k]):
                        raise AssertionError(f"{name}: {engine} row {r} column {k}: expected {e[k]!r}, got {g[k]!r}")
    info = layout.describe(file)
    schema = []
    for (col, st), field in zip(columns, pa_table.schema):
        c = info["columns"][col]
        entry = {"name": col, "type": st, "nullable": field.nullable, "arrow_type": str(field.type),
                 "physical": c["physical"], "codec": c["codec"], "encodings": c["encodings"],
                 "data_pages": c["data_pages"], "dictionary_pages": c["dictionary_pages"]}
        if col in notes:
            entry["note"] = notes[col]
        schema.append(entry)
    with open(path(name, ".schema.json"), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(" " + json.dumps(c, ensure_ascii=False) for c in schema) + "\n]\n")
    canonical.write_jsonl(path(name, ".expected.jsonl"), expected_rows)
    DESCRIPTIONS[name] = (description, len(expected_rows))


def expected_from_source(columns, data, convert=None) -> list[dict]:
    """Canonical rows from source values; `convert[col]` maps a raw source value to Strata's raw value."""
    convert = convert or {}
    n = len(data[columns[0][0]]) if columns else 0
    out = []
    for r in range(n):
        row = {}
        for col, st in columns:
            raw = data[col][r]
            if raw is not None and col in convert:
                raw = convert[col](raw)
            row[col] = canonical.canonical_value(st, raw)
        out.append(row)
    return out


def write_pyarrow(name: str, description: str, seed: int, n: int, columns=BASE_COLUMNS, notes=None, **options):
    cols, data = base_data(seed, n, columns)
    pq.write_table(arrow_table(cols, data), path(name), **options)
    finish(name, cols, expected_from_source(cols, data), description, notes)


def error_fixture(name: str, substring: str, code: str, reason: str) -> None:
    assert os.path.getsize(path(name)) > 0
    ERRORS[name] = {"expect_error": substring, "error_code": code, "reason": reason}
    with open(path(name, ".schema.json"), "w", encoding="utf-8") as f:
        json.dump(ERRORS[name], f, ensure_ascii=False, indent=1)
        f.write("\n")


# ---- the fixtures -----------------------------------------------------------------------------------------------


def pyarrow_fixtures() -> None:
    write_pyarrow("pa_snappy_v1_dict", "pyarrow, SNAPPY, V1 data pages, dictionary encoding on (RLE_DICTIONARY"
                  " data pages after a PLAIN dictionary page; booleans PLAIN).", 101, 800,
                  compression="snappy", data_page_version="1.0", use_dictionary=True)
    write_pyarrow("pa_snappy_v2_plain", "pyarrow, SNAPPY, V2 data pages (uncompressed levels), dictionary off"
                  " (PLAIN values; booleans RLE as pyarrow writes them in V2).", 102, 800,
                  compression="snappy", data_page_version="2.0", use_dictionary=False)
    write_pyarrow("pa_zstd_v2_dict", "pyarrow, ZSTD, V2 data pages, dictionary on.", 103, 800,
                  compression="zstd", data_page_version="2.0", use_dictionary=True)
    write_pyarrow("pa_gzip_v1", "pyarrow, GZIP, V1 data pages, dictionary on (default).", 104, 600,
                  compression="gzip", data_page_version="1.0")
    write_pyarrow("pa_lz4raw", "pyarrow `compression='lz4'`, which writes codec LZ4_RAW (7), V1 pages.", 105, 600,
                  compression="lz4", data_page_version="1.0")
    write_pyarrow("pa_brotli", "pyarrow `compression='brotli'` (codec BROTLI, 4), V1 pages, dictionary on.", 109, 600,
                  compression="brotli", data_page_version="1.0", data_page_size=4096)
    write_pyarrow("pa_brotli_v2_plain", "pyarrow `compression='brotli'`, V2 pages (levels uncompressed), dictionary"
                  " off.", 119, 500, compression="brotli", data_page_version="2.0", use_dictionary=False)
    write_pyarrow("pa_uncompressed_v1_plain", "pyarrow, UNCOMPRESSED, V1 data pages, dictionary off (PLAIN).",
                  106, 500, compression="none", data_page_version="1.0", use_dictionary=False)
    write_pyarrow("pa_multi_rowgroup_pages", "pyarrow, SNAPPY, V1, dictionary on, row_group_size=250,"
                  " data_page_size=256, write_batch_size=32: several row groups, several data pages per column"
                  " chunk (see data_pages in the schema) and, with dictionary_pagesize_limit=1024, chunks whose"
                  " dictionary fills up so RLE_DICTIONARY pages are followed by PLAIN pages (dictionary fallback).", 107, 1600, compression="snappy", data_page_version="1.0",
                  row_group_size=250, data_page_size=256, write_batch_size=32,
                  dictionary_pagesize_limit=1024)
    write_pyarrow("pa_multi_rowgroup_pages_v2", "Same layout as pa_multi_rowgroup_pages but V2 data pages, ZSTD and"
                  " dictionary off (PLAIN pages, booleans RLE).", 108, 1000, compression="zstd",
                  data_page_version="2.0", use_dictionary=False, row_group_size=400, data_page_size=512,
                  write_batch_size=32)

    # Timestamp units and time zones: ms and µs map to Strata's timestamp (µs, UTC instant), ns to timestamp_ns.
    rng = random.Random(110)
    n = 500
    base_us = column_values(rng, "timestamp", n)
    ms = [None if v is None else v // 1000 for v in base_us]
    ns_whole = [None if v is None or not (-9_000_000_000_000_000 < v < 9_000_000_000_000_000) else v * 1000
                for v in base_us]
    ns_frac = [None if v is None else v + rng.randint(0, 999) for v in ns_whole]
    for i, v in enumerate([-1, 1, -999, -1000, -1001, 999, 1000, 1001]):  # floor division at the edges
        ns_frac[i] = v
    cols = [("ts_ms_utc", "timestamp"), ("ts_us_utc", "timestamp"), ("ts_ns_utc", "timestamp_ns"),
            ("ts_ns_subus_utc", "timestamp_ns"), ("ts_ms_naive", "timestamp"), ("ts_us_naive", "timestamp"),
            ("ts_ns_naive", "timestamp_ns")]
    data = {"ts_ms_utc": ms, "ts_us_utc": base_us, "ts_ns_utc": ns_whole, "ts_ns_subus_utc": ns_frac,
            "ts_ms_naive": ms, "ts_us_naive": base_us, "ts_ns_naive": ns_frac}
    types = {"ts_ms_utc": pa.timestamp("ms", tz="UTC"), "ts_us_utc": pa.timestamp("us", tz="UTC"),
             "ts_ns_utc": pa.timestamp("ns", tz="UTC"), "ts_ns_subus_utc": pa.timestamp("ns", tz="UTC"),
             "ts_ms_naive": pa.timestamp("ms"), "ts_us_naive": pa.timestamp("us"), "ts_ns_naive": pa.timestamp("ns")}
    pq.write_table(arrow_table(cols, data, types), path("pa_timestamp_units"), compression="snappy")
    to_us = {"ts_ms_utc": lambda v: v * 1000, "ts_ms_naive": lambda v: v * 1000}
    notes = {
        "ts_ms_utc": "TIMESTAMP(MILLIS, isAdjustedToUTC=true) -> timestamp: value * 1000",
        "ts_us_utc": "TIMESTAMP(MICROS, isAdjustedToUTC=true) -> timestamp: as stored",
        "ts_ns_utc": "TIMESTAMP(NANOS, isAdjustedToUTC=true) -> timestamp_ns: as stored; all values whole µs",
        "ts_ns_subus_utc": "TIMESTAMP(NANOS, isAdjustedToUTC=true) with sub-µs digits -> timestamp_ns: as stored,"
                           " nothing truncated (-1 ns, -1001 ns stay)",
        "ts_ms_naive": "TIMESTAMP(MILLIS, isAdjustedToUTC=false) -> timestamp: wall clock read as UTC, value * 1000",
        "ts_us_naive": "TIMESTAMP(MICROS, isAdjustedToUTC=false) -> timestamp: wall clock read as UTC, as stored",
        "ts_ns_naive": "TIMESTAMP(NANOS, isAdjustedToUTC=false) -> timestamp_ns: wall clock read as UTC, as"
                       " stored",
    }
    finish("pa_timestamp_units", cols, expected_from_source(cols, data, to_us),
           "Timestamps in ms, µs and ns, UTC-adjusted and naive (isAdjustedToUTC=false); ms and µs map to Strata"
           " timestamp (µs, ms * 1000), ns to timestamp_ns (as stored: the sub-µs digits of ts_ns_subus_utc and"
           " ts_ns_naive are kept). Values within the ns range (years 1677..2262) for the ns columns.", notes)

    # Narrow and unsigned integers.
    rng = random.Random(111)
    n = 600
    specs = [("i8", pa.int8(), -128, 127, "int32"), ("i16", pa.int16(), -32768, 32767, "int32"),
             ("u8", pa.uint8(), 0, 255, "int32"), ("u16", pa.uint16(), 0, 65535, "int32"),
             ("u32", pa.uint32(), 0, 2**32 - 1, "int64")]
    cols, data, types = [], {}, {}
    for col, t, lo, hi, st in specs:
        head = [lo, hi, 0, None, lo + 1, hi - 1, (lo + hi) // 2]
        if col == "u32":
            head += [2**31 - 1, 2**31, 2**31 + 1]
        vals = head + [None if rng.random() < 0.08 else rng.randint(lo, hi) for _ in range(n - len(head))]
        cols.append((col, st))
        data[col] = vals
        types[col] = t
    pq.write_table(arrow_table(cols, data, types), path("pa_small_ints"), compression="snappy")
    notes = {"i8": "INT(8, signed) -> int32", "i16": "INT(16, signed) -> int32", "u8": "INT(8, unsigned) -> int32",
             "u16": "INT(16, unsigned) -> int32",
             "u32": "INT(32, unsigned) -> int64; stored in INT32 as the two's complement bit pattern, so values"
                    " >= 2^31 must be reinterpreted as unsigned"}
    finish("pa_small_ints", cols, expected_from_source(cols, data),
           "int8/int16/uint8/uint16 (-> int32) and uint32 (-> int64) with each type's extremes; uint32 values"
           " above INT32_MAX check the unsigned reinterpretation.", notes)

    # uint64 -> decimal(20,0): values at and above 2^63 (negative as signed INT64) must come out unsigned, and so
    # must the statistics (TYPE_ORDER: unsigned order).
    rng = random.Random(115)
    n = 400
    head = [0, 1, 2**63 - 1, 2**63, 2**63 + 1, 2**64 - 1, 2**64 - 2, None, 2**32, 2**31]
    u64 = head + [None if rng.random() < 0.08 else rng.choice([rng.randrange(2**64), rng.randrange(1000)])
                  for _ in range(n - len(head))]
    high = [None if v is None else 2**63 + (v % 1000) for v in u64]  # every row >= 2^63: min/max both "negative"
    low_dict = [None if v is None else v % 7 for v in u64]
    cols = [("id", "int32"), ("u64", "decimal(20,0)"), ("u64_high", "decimal(20,0)"), ("u64_dict", "decimal(20,0)")]
    data = {"id": list(range(n)), "u64": u64, "u64_high": high, "u64_dict": low_dict}
    types = {"u64": pa.uint64(), "u64_high": pa.uint64(), "u64_dict": pa.uint64()}
    pq.write_table(arrow_table(cols, data, types), path("pa_uint64"), compression="snappy", row_group_size=150,
                   use_dictionary=["u64_dict"], data_page_size=512, write_batch_size=32)
    notes = {c: "INT(64, unsigned) -> decimal(20,0): the INT64 bits reinterpreted as unsigned; statistics in"
                " unsigned order" for c in ("u64", "u64_high", "u64_dict")}
    finish("pa_uint64", cols, expected_from_source(cols, data),
           "pyarrow uint64 (INT64 with INT(64, unsigned)) -> decimal(20,0), lossless, as DuckDB's UBIGINT prints:"
           " 0, 2^63 - 1, 2^63, 2^64 - 1, random values; u64_high holds only values >= 2^63 (its min/max"
           " statistics are negative as signed numbers); u64_dict dictionary-encoded. Three row groups, several"
           " pages per chunk.", notes)

    # Binary: BYTE_ARRAY without annotation (pa.binary(), pa.large_binary()) and FIXED_LEN_BYTE_ARRAY without DECIMAL
    # (pa.binary(16)) -> blob, bytes that are no UTF-8 included.
    rng = random.Random(116)
    n = 400
    head = [b"", None, b"\x00", b"\xaa\x00abc", b"\xff\xfe\xfd", "é".encode(), b"plain ascii", b"\\ ' \"",
            bytes(range(256)), b"\x80"]
    def random_blob():
        return bytes(rng.randrange(256) for _ in range(rng.randrange(12)))
    blobs = head + [None if rng.random() < 0.08 else random_blob() for _ in range(n - len(head))]
    few = [None if v is None else [b"a", b"\x00\x01", b"\xff", b""][i % 4] for i, v in enumerate(blobs)]
    fixed = [None if rng.random() < 0.08 else bytes(rng.randrange(256) for _ in range(16)) for _ in range(n)]
    fixed[0], fixed[1] = b"\x00" * 16, b"\xff" * 16
    cols = [("bin", "blob"), ("bin_dict", "blob"), ("large_bin", "blob"), ("fixed16", "blob")]
    data = {"bin": blobs, "bin_dict": few, "large_bin": list(reversed(blobs)), "fixed16": fixed}
    types = {"bin": pa.binary(), "bin_dict": pa.binary(), "large_bin": pa.large_binary(), "fixed16": pa.binary(16)}
    pq.write_table(arrow_table(cols, data, types), path("pa_binary"), compression="snappy", row_group_size=150,
                   use_dictionary=["bin_dict", "fixed16"], data_page_size=1024, write_batch_size=64)
    notes = {"bin": "pa.binary(): BYTE_ARRAY, no logical or converted type -> blob (DuckDB reads BLOB)",
             "bin_dict": "pa.binary() dictionary-encoded -> blob",
             "large_bin": "pa.large_binary(): BYTE_ARRAY, no annotation -> blob",
             "fixed16": "pa.binary(16): FIXED_LEN_BYTE_ARRAY(16) without annotation -> blob of 16 bytes"}
    finish("pa_binary", cols, expected_from_source(cols, data),
           "pyarrow binary columns -> blob: unannotated BYTE_ARRAY (binary, large_binary; plain and dictionary)"
           " and FIXED_LEN_BYTE_ARRAY(16) without DECIMAL; values that are not UTF-8 (0x80, 0xff, NUL), empty"
           " values, NULLs, all 256 byte values in one value. Three row groups, several pages per chunk.", notes)

    # UUID: FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type -> blob (DuckDB reads its UUID type, so the
    # cross-check is pyarrow's alone).
    uuids = [b"\x00" * 16, None, bytes(range(16)), b"\xff" * 16] + [bytes(rng.randrange(256) for _ in range(16))
                                                                  for _ in range(16)]
    cols = [("id", "int32"), ("uuid", "blob")]
    data = {"id": list(range(len(uuids))), "uuid": uuids}
    pq.write_table(arrow_table(cols, data, {"uuid": pa.uuid()}), path("pa_uuid"), compression="snappy")
    finish("pa_uuid", cols, expected_from_source(cols, data),
           "pyarrow pa.uuid(): FIXED_LEN_BYTE_ARRAY(16) with logical type UUID -> blob of the 16 bytes (DuckDB"
           " reads it as its UUID type; only pyarrow cross-checks this file).",
           {"uuid": "UUID -> blob (16 raw bytes)"}, check_duckdb=False)

    # TIME in ms (INT32), µs and ns (INT64) -> time (µs since midnight); the ns values are whole microseconds.
    rng = random.Random(117)
    n = 300
    day_us = 86_400_000_000
    base = [0, day_us - 1, 1, None, 43_200_000_000, 45_296_789_000] + [
        None if rng.random() < 0.08 else rng.randrange(day_us) for _ in range(n - 6)]
    ms = [None if v is None else v // 1000 for v in base]
    cols = [("t_ms", "time"), ("t_us", "time"), ("t_ns", "time"), ("t_us_dict", "time")]
    data = {"t_ms": ms, "t_us": base, "t_ns": [None if v is None else v * 1000 for v in base],
            "t_us_dict": [None if v is None else v % 4 * 900_000_000 for v in base]}
    types = {"t_ms": pa.time32("ms"), "t_us": pa.time64("us"), "t_ns": pa.time64("ns"), "t_us_dict": pa.time64("us")}
    pq.write_table(arrow_table(cols, data, types), path("pa_time"), compression="snappy", row_group_size=120,
                   use_dictionary=["t_us_dict"])
    to_us = {"t_ms": lambda v: v * 1000, "t_ns": lambda v: v // 1000}
    finish("pa_time", cols, expected_from_source(cols, data, to_us),
           "pyarrow time32('ms') (INT32 TIME(MILLIS)), time64('us') (INT64 TIME(MICROS)) and time64('ns') (INT64"
           " TIME(NANOS), every value a whole microsecond) -> time in microseconds since midnight: midnight,"
           " 23:59:59.999999, NULLs, random times; t_us_dict dictionary-encoded. Three row groups.",
           {"t_ms": "TIME(MILLIS) -> time: value * 1000", "t_us": "TIME(MICROS) -> time: as stored",
            "t_ns": "TIME(NANOS) -> time: value / 1000, exact here", "t_us_dict": "TIME(MICROS), dictionary"})

    # FLOAT16 (FIXED_LEN_BYTE_ARRAY(2), logical FLOAT16) -> float, exactly: every special half value and every bit
    # pattern's neighbourhood (zeros, subnormals, the normal range's ends, infinities, NaN).
    import numpy as np
    rng = random.Random(118)
    specials = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xC100, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00,
                0x7E00, 0x3555, 0x0200]
    bits = specials + [rng.randrange(0x10000) for _ in range(385)]
    nulls = {3, 40, 41, 200}
    halves = np.array(bits, dtype=np.uint16).view(np.float16)
    values = [None if i in nulls else float(h) for i, h in enumerate(halves)]
    mask = np.array([i in nulls for i in range(len(bits))])
    h_col = pa.array(halves, type=pa.float16(), mask=mask)
    cols = [("h", "float"), ("h_dict", "float")]
    data = {"h": values, "h_dict": [None if v is None else [0.5, -0.0, 65504.0][i % 3] for i, v in enumerate(values)]}
    t = pa.table({"h": h_col, "h_dict": pa.array(np.array([0x3800, 0x8000, 0x7BFF] * 134, dtype=np.uint16)[:400]
                                                 .view(np.float16), type=pa.float16(), mask=mask)})
    pq.write_table(t, path("pa_float16"), compression="snappy", row_group_size=150, use_dictionary=["h_dict"])
    finish("pa_float16", cols, expected_from_source(cols, data),
           "pyarrow pa.float16(): FIXED_LEN_BYTE_ARRAY(2) with logical type FLOAT16 -> float, converted exactly:"
           " ±0, the smallest and largest subnormals, the smallest normal, ±65504, ±inf, NaN, and random bit"
           " patterns; h_dict dictionary-encoded. Three row groups.",
           {"h": "FLOAT16 -> float", "h_dict": "FLOAT16, dictionary-encoded -> float"})

    # Non-default encodings (dictionary off so the requested encodings are used).
    for version, codec, seed in (("1.0", "none", 112), ("2.0", "zstd", 113)):
        rng = random.Random(seed)
        n = 600
        cols = [("i32_delta", "int32"), ("i64_delta", "int64"), ("d_delta", "date"), ("ts_delta", "timestamp"),
                ("s_delta_length", "string"), ("s_delta_byte_array", "string"), ("f32_bss", "float"),
                ("f64_bss", "double"), ("i32_bss", "int32"), ("i64_bss", "int64"), ("b_rle", "bool")]
        data = {c: column_values(rng, st, n) for c, st in cols}
        # Sorted-ish runs and adjacent extremes: small deltas, and deltas that wrap around.
        data["i32_delta"][20:60] = list(range(1000, 1040))
        data["i32_delta"][60:64] = [INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN]
        data["i64_delta"][20:60] = list(range(-5, 35))
        data["i64_delta"][60:64] = [INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN]
        data["d_delta"][20:60] = list(range(-20, 20))
        # Shared prefixes for DELTA_BYTE_ARRAY.
        data["s_delta_byte_array"][20:120] = [f"https://example.com/ünïcode/{i // 10}/{i}" for i in range(100)]
        enc = {"i32_delta": "DELTA_BINARY_PACKED", "i64_delta": "DELTA_BINARY_PACKED",
               "d_delta": "DELTA_BINARY_PACKED", "ts_delta": "DELTA_BINARY_PACKED",
               "s_delta_length": "DELTA_LENGTH_BYTE_ARRAY", "s_delta_byte_array": "DELTA_BYTE_ARRAY",
               "f32_bss": "BYTE_STREAM_SPLIT", "f64_bss": "BYTE_STREAM_SPLIT", "i32_bss": "BYTE_STREAM_SPLIT",
               "i64_bss": "BYTE_STREAM_SPLIT", "b_rle": "RLE"}
        name = f"pa_encodings_v{version[0]}"
        pq.write_table(arrow_table(cols, data), path(name), compression=codec, data_page_version=version,
                       use_dictionary=False, column_encoding=enc, data_page_size=1024, write_batch_size=64)
        info = layout.describe(path(name))
        for c, e in enc.items():
            assert e in info["columns"][c]["encodings"], (name, c, info["columns"][c])
        finish(name, cols, expected_from_source(cols, data),
               f"pyarrow column_encoding, V{version[0]} pages, {codec.upper()}: DELTA_BINARY_PACKED (int32 with"
               f" wrapping deltas between INT32_MIN/MAX, int64 likewise, date, timestamp), DELTA_LENGTH_BYTE_ARRAY,"
               f" DELTA_BYTE_ARRAY (shared prefixes), BYTE_STREAM_SPLIT (float, double, int32, int64), RLE"
               f" booleans. Several pages per chunk.")

    # All-null columns, one of each type, next to a non-null id.
    cols = [("id", "int32")] + [(f"null_{st}", st) for _, st in BASE_COLUMNS]
    n = 300
    data = {"id": list(range(n))}
    data.update({f"null_{st}": [None] * n for _, st in BASE_COLUMNS})
    pq.write_table(arrow_table(cols, data), path("pa_all_null"), compression="snappy")
    finish("pa_all_null", cols, expected_from_source(cols, data),
           "One column per Strata type holding only nulls (pyarrow writes no dictionary/values, only def levels),"
           " plus a non-null int32 id.")

    # Zero rows.
    cols = list(BASE_COLUMNS)
    pq.write_table(arrow_table(cols, {c: [] for c, _ in cols}), path("pa_empty"), compression="snappy")
    finish("pa_empty", cols, [], "Zero rows, one column of each Strata type; expected.jsonl is empty. pyarrow writes one row group with"
           " num_rows 0: the bool chunk has no pages, the others only an empty dictionary page and"
           " data_page_offset 0.")

    # REQUIRED columns (no definition levels at all).
    rng = random.Random(114)
    n = 500
    data = {}
    for c, st in BASE_COLUMNS:
        vals = column_values(rng, st, n)
        data[c] = [v if v is not None else random_value(rng, st, STRING_POOL_SEED) for v in vals]
    cols = list(BASE_COLUMNS)
    pq.write_table(arrow_table(cols, data, nullable=False), path("pa_required"), compression="snappy")
    finish("pa_required", cols, expected_from_source(cols, data),
           "Every column REQUIRED (non-nullable): pages carry no definition levels. No nulls (cannot have any);"
           " otherwise the same special values as the other files.", nullable=False)


def duckdb_copy(name: str, src: pa.Table, select: str, options: str = "FORMAT parquet", utc: bool = True) -> None:
    """Writes NAME.parquet with DuckDB's `COPY (select) TO ... (options)`, the Arrow table `src` as `src` (in a UTC
    session when `utc`)."""
    con = duckdb.connect()
    if utc:
        con.execute("SET TimeZone = 'UTC'")
    con.register("src", src)
    target = path(name)
    if os.path.exists(target):
        os.remove(target)
    con.execute(f"COPY ({select}) TO '{target}' ({options})")
    con.close()


def duckdb_fixtures() -> None:
    for name, opts, seed in (("duckdb_default", "FORMAT parquet", 201),
                             ("duckdb_zstd", "FORMAT parquet, COMPRESSION zstd", 202)):
        cols = list(BASE_COLUMNS) + [("ts_naive", "timestamp")]
        rng = random.Random(seed)
        data = {c: column_values(rng, st, 800) for c, st in cols}
        src = arrow_table(cols, data, {"ts_naive": pa.timestamp("us")})
        duckdb_copy(name, src, "SELECT b, i32, i64, f32, f64, s, d, ts, ts_naive FROM src", opts, utc=False)
        finish(name, cols, expected_from_source(cols, data),
               f"DuckDB `COPY (SELECT ...) TO ... ({opts})`: BOOLEAN, INTEGER, BIGINT, FLOAT, DOUBLE, VARCHAR,"
               f" DATE, TIMESTAMPTZ (-> TIMESTAMP(MICROS, UTC)) and TIMESTAMP (ts_naive -> TIMESTAMP(MICROS,"
               f" isAdjustedToUTC=false), read as timestamp).",
               {"ts_naive": "DuckDB TIMESTAMP: isAdjustedToUTC=false, read as UTC"})


def duckdb_new_type_fixtures() -> None:
    # BROTLI pages from DuckDB.
    cols = list(BASE_COLUMNS)
    rng = random.Random(205)
    data = {c: column_values(rng, st, 600) for c, st in cols}
    duckdb_copy("duckdb_brotli", arrow_table(cols, data), "SELECT * FROM src", "FORMAT parquet, COMPRESSION brotli")
    finish("duckdb_brotli", cols, expected_from_source(cols, data),
           "DuckDB `COPY ... (FORMAT parquet, COMPRESSION brotli)`: every base type in BROTLI pages.")

    # TIMESTAMP_NS (naive) and TIMESTAMPTZ_NS from DuckDB: nanosecond digits, values before the epoch, the ends of
    # the Int64 nanosecond range DuckDB accepts (its ±infinity values, Int64.max and -Int64.max, are left out).
    rng = random.Random(203)
    n = 300
    head = [0, -1, 1, 999, -999, 1_000, -1_001, 1_704_164_645_123_456_789, -9_223_372_036_854_775_806,
            9_223_372_036_854_775_806, None, 86_400_000_000_000 - 1]
    ns = head + [None if rng.random() < 0.08 else rng.randrange(-(2**62), 2**62) for _ in range(n - len(head))]
    cols = [("id", "int32"), ("ts_ns", "timestamp_ns"), ("tstz_ns", "timestamp_ns")]
    data = {"id": list(range(n)), "ts_ns": ns, "tstz_ns": list(reversed(ns))}
    src = pa.table({"id": pa.array(data["id"], pa.int32()), "a": pa.array(ns, pa.int64()),
                    "b": pa.array(data["tstz_ns"], pa.int64())})
    duckdb_copy("duckdb_timestamp_ns", src, "SELECT id, make_timestamp_ns(a) AS ts_ns,"
                " make_timestamp_ns(b)::TIMESTAMPTZ_NS AS tstz_ns FROM src ORDER BY id")
    finish("duckdb_timestamp_ns", cols, expected_from_source(cols, data),
           "DuckDB TIMESTAMP_NS (INT64 TIMESTAMP(NANOS, isAdjustedToUTC=false)) and TIMESTAMPTZ_NS"
           " (isAdjustedToUTC=true) -> timestamp_ns, every nanosecond kept: ±1 ns around the epoch, sub-µs digits,"
           " values near both ends of the Int64 range of nanoseconds (1677-09-21 and 2262-04-11).",
           {"ts_ns": "TIMESTAMP_NS -> TIMESTAMP(NANOS, isAdjustedToUTC=false), read as UTC",
            "tstz_ns": "TIMESTAMPTZ_NS -> TIMESTAMP(NANOS, isAdjustedToUTC=true)"})

    # BLOB and TIME from DuckDB: BYTE_ARRAY without annotation, INT64 TIME(MICROS, isAdjustedToUTC=false).
    rng = random.Random(204)
    n = 300
    blobs = [b"", None, b"\xaa\x00abc", b"\xff", b"\\", "é".encode()] + [
        None if rng.random() < 0.08 else bytes(rng.randrange(256) for _ in range(rng.randrange(10)))
        for _ in range(n - 6)]
    times = [0, 86_399_999_999, None, 1, 45_296_789_000, 43_200_000_000] + [
        None if rng.random() < 0.08 else rng.randrange(86_400_000_000) for _ in range(n - 6)]
    cols = [("id", "int32"), ("b", "blob"), ("t", "time")]
    data = {"id": list(range(n)), "b": blobs, "t": times}
    src = pa.table({"id": pa.array(data["id"], pa.int32()), "b": pa.array(blobs, pa.binary()),
                    "t": pa.array(times, pa.int64())})
    duckdb_copy("duckdb_blob_time", src, "SELECT id, b::BLOB AS b, CAST(TIME '00:00:00' + to_microseconds(t) AS TIME)"
                " AS t FROM src ORDER BY id")
    finish("duckdb_blob_time", cols, expected_from_source(cols, data),
           "DuckDB BLOB (BYTE_ARRAY without annotation -> blob: empty, NUL, bytes that are no UTF-8, a backslash)"
           " and TIME (INT64 TIME(MICROS, isAdjustedToUTC=false) -> time: midnight, 23:59:59.999999, random).",
           {"b": "BLOB -> BYTE_ARRAY, no annotation", "t": "TIME -> TIME(MICROS, isAdjustedToUTC=false)"})


def polars_fixtures() -> None:
    for name, kwargs, seed in (("polars_default", {}, 301), ("polars_lz4", {"compression": "lz4"}, 302)):
        cols = list(BASE_COLUMNS)
        rng = random.Random(seed)
        data = {c: column_values(rng, st, 800) for c, st in cols}
        df = pl.from_arrow(arrow_table(cols, data))
        df.write_parquet(path(name), **kwargs)
        codec = layout.describe(path(name))["columns"]["i32"]["codec"]
        finish(name, cols, expected_from_source(cols, data),
               f"polars `write_parquet({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})`"
               f" (polars writes codec {codec}" + (" for compression='lz4'" if kwargs else ", its default") + ").")


def polars_types_fixture() -> None:
    # The types of pandas/Polars frames Strata once rejected or truncated: UInt64 (-> decimal(20,0)),
    # Datetime("ns") (-> timestamp_ns), Binary (-> blob) and Time (nanoseconds, whole microseconds here -> time), as
    # polars' own writer stores them.
    rng = random.Random(303)
    n = 300
    u64 = [0, 2**64 - 1, 2**63, 2**63 - 1, None] + [None if rng.random() < 0.08 else rng.randrange(2**64)
                                                     for _ in range(n - 5)]
    ns = [0, -1, 1_704_164_645_123_456_789, None, -1_001] + [None if rng.random() < 0.08
                                                            else rng.randrange(-(2**62), 2**62) for _ in range(n - 5)]
    blobs = [b"", None, b"\xaa\x00abc", b"\xff"] + [None if rng.random() < 0.08 else
                                                 bytes(rng.randrange(256) for _ in range(rng.randrange(9)))
                                                 for _ in range(n - 4)]
    times = [0, 86_399_999_999, None, 45_296_789_123] + [None if rng.random() < 0.08 else rng.randrange(86_400_000_000)
                                                         for _ in range(n - 4)]
    cols = [("u64", "decimal(20,0)"), ("ts_ns", "timestamp_ns"), ("bin", "blob"), ("t", "time")]
    data = {"u64": u64, "ts_ns": ns, "bin": blobs, "t": times}
    df = pl.DataFrame({"u64": pl.Series(u64, dtype=pl.UInt64),
                       "ts_ns": pl.Series(ns, dtype=pl.Int64).cast(pl.Datetime("ns")),
                       "bin": pl.Series(blobs, dtype=pl.Binary),
                       "t": pl.Series([None if v is None else v * 1000 for v in times], dtype=pl.Int64).cast(pl.Time)})
    df.write_parquet(path("polars_types"))
    finish("polars_types", cols, expected_from_source(cols, data),
           "polars `write_parquet()` of UInt64 (INT64 with INT(64, unsigned) -> decimal(20,0)) and Datetime('ns')"
           " (INT64 TIMESTAMP(NANOS) -> timestamp_ns, nanoseconds kept), Binary (BYTE_ARRAY without annotation ->"
           " blob) and Time (INT64 TIME(NANOS), whole microseconds -> time).",
           {"u64": "pl.UInt64 -> decimal(20,0)", "ts_ns": "pl.Datetime('ns') -> timestamp_ns",
            "bin": "pl.Binary -> blob", "t": "pl.Time -> TIME(NANOS) -> time (µs)"})


# ---- decimals ---------------------------------------------------------------------------------------------------


def dec(unscaled: int, scale: int) -> decimal.Decimal:
    """The exact decimal unscaled * 10^-scale (Decimal's string constructor does not round)."""
    return decimal.Decimal(f"{unscaled}E-{scale}")


def decimal_values(rng: random.Random, precision: int, scale: int, n: int, null_rate: float = 0.08,
                   pool: int | None = None) -> list:
    """Decimal(precision, scale) values: the extremes ±(10^p - 1), zero, ±1 unit, ±0.5, ±1, the two's complement
    boundaries that fit (unscaled 2^k - 1, 2^k, -2^k, -2^k - 1 for k = 7, 8, 15, 16, 31, 32, 63, 64, 95, 96, 126) and
    a NULL first, shuffled, then random values of every magnitude (or drawn from `pool` distinct values, for
    dictionary encoding) with NULLs."""
    top = 10**precision - 1
    head = [top, -top, 0, 1, -1, None, top - 1, -top + 1]
    if scale > 0:
        head += [5 * 10**(scale - 1), -5 * 10**(scale - 1)]
    if precision > scale:
        head += [10**scale, -(10**scale)]
    for bits in (7, 8, 15, 16, 31, 32, 63, 64, 95, 96, 126):
        for u in (2**bits - 1, 2**bits, -(2**bits), -(2**bits) - 1):
            if abs(u) <= top:
                head.append(u)
    rng.shuffle(head)
    choices = None
    if pool:
        choices = [rng.randint(-top, top) // 10**rng.randint(0, precision - 1) for _ in range(pool)]
    values = head[:n]
    while len(values) < n:
        if rng.random() < null_rate:
            values.append(None)
        elif choices:
            values.append(rng.choice(choices))
        else:
            digits = rng.randint(1, precision)
            values.append(rng.randint(-(10**digits - 1), 10**digits - 1))
    return [None if u is None else dec(u, scale) for u in values]


def decimal_notes(name: str, columns, extra: dict | None = None) -> dict:
    """Per-column notes "DECIMAL(p,s) in <physical>[(length)]" from the written file (plus `extra` text)."""
    info = layout.describe(path(name))["columns"]
    notes = {}
    for col, st in columns:
        d = canonical.decimal_type(st)
        if d is None:
            continue
        c = info[col]
        physical = c["physical"] + (f"({c['type_length']})" if c["physical"] == "FIXED_LEN_BYTE_ARRAY" else "")
        notes[col] = f"DECIMAL({d[0]},{d[1]}) in {physical}" + ((extra or {}).get(col, ""))
    return notes


def check_physical(name: str, expected: dict[str, str]) -> None:
    info = layout.describe(path(name))["columns"]
    for col, physical in expected.items():
        got = info[col]["physical"] + (f"({info[col]['type_length']})" if "(" in physical else "")
        assert got == physical, (name, col, got, physical)


def decimal_fixtures() -> None:
    # pyarrow with store_decimal_as_integer=True: precision <= 9 in INT32, <= 18 in INT64, above in FLBA(16).
    rng = random.Random(401)
    n = 300
    cols = [("id", "int32"), ("dec9_2_int32", "decimal(9,2)"), ("dec4_4_int32", "decimal(4,4)"),
            ("dec1_0_int32", "decimal(1,0)"), ("dec18_4_int64_dict", "decimal(18,4)"),
            ("dec18_0_int64", "decimal(18,0)"), ("dec38_10_flba", "decimal(38,10)")]
    data = {"id": list(range(n))}
    for col, st in cols[1:]:
        p, s = canonical.decimal_type(st)
        data[col] = decimal_values(rng, p, s, n, pool=24 if col.endswith("_dict") else None)
    data["dec38_10_flba"][:4] = [dec(10**38 - 1, 10), dec(-(10**38 - 1), 10),
                                 decimal.Decimal("12345678901234567890.0123456789"),
                                 decimal.Decimal("-12345678901234567890.0123456789")]
    pq.write_table(arrow_table(cols, data), path("pa_decimal"), compression="snappy", store_decimal_as_integer=True,
                   row_group_size=150, data_page_size=256, write_batch_size=32,
                   use_dictionary=["dec18_4_int64_dict"])
    check_physical("pa_decimal", {"dec9_2_int32": "INT32", "dec4_4_int32": "INT32", "dec1_0_int32": "INT32",
                                  "dec18_4_int64_dict": "INT64", "dec18_0_int64": "INT64",
                                  "dec38_10_flba": "FIXED_LEN_BYTE_ARRAY(16)"})
    info = layout.describe(path("pa_decimal"))
    assert info["row_groups"] == 2 and info["columns"]["dec18_4_int64_dict"]["dictionary_pages"] == 2, info
    assert "RLE_DICTIONARY" in info["columns"]["dec18_4_int64_dict"]["encodings"], info
    assert info["columns"]["dec38_10_flba"]["encodings"] == ["PLAIN"], info
    finish("pa_decimal", cols, expected_from_source(cols, data),
           "pyarrow decimal128 with `store_decimal_as_integer=True`: DECIMAL(p<=9) in INT32, DECIMAL(p<=18) in INT64,"
           " DECIMAL(38,10) in FIXED_LEN_BYTE_ARRAY(16) with values beyond 64 bits (±(10^38-1)/10^10,"
           " ±12345678901234567890.0123456789, ±2^126 unscaled). Each column holds ±(10^p-1), 0, ±1 unit, ±0.5,"
           " the two's complement boundaries that fit, NULLs and random magnitudes; scale 0 and scale = precision"
           " (decimal(4,4)). Two row groups, several PLAIN pages per chunk; dec18_4_int64_dict dictionary-encoded.",
           decimal_notes("pa_decimal", cols, {"dec18_4_int64_dict": ", RLE_DICTIONARY"}))

    # pyarrow default writing: every decimal in FIXED_LEN_BYTE_ARRAY of the fewest bytes for the precision,
    # dictionary encoded (pyarrow's default).
    rng = random.Random(402)
    n = 200
    cols = [("dec9_2", "decimal(9,2)"), ("dec10_2", "decimal(10,2)"), ("dec18_4", "decimal(18,4)"),
            ("dec19_0", "decimal(19,0)"), ("dec38_10", "decimal(38,10)"), ("dec38_38", "decimal(38,38)")]
    data = {}
    for col, st in cols:
        p, s = canonical.decimal_type(st)
        data[col] = decimal_values(rng, p, s, n)
    data["dec10_2"][:4] = [decimal.Decimal("12345678.90"), decimal.Decimal("-0.01"), None, decimal.Decimal("0.00")]
    data["dec38_38"][:2] = [decimal.Decimal("0.12345678901234567890123456789012345678"),
                            decimal.Decimal("-0.99999999999999999999999999999999999999")]
    pq.write_table(arrow_table(cols, data), path("pa_decimal_flba"))
    check_physical("pa_decimal_flba", {"dec9_2": "FIXED_LEN_BYTE_ARRAY(4)", "dec10_2": "FIXED_LEN_BYTE_ARRAY(5)",
                                       "dec18_4": "FIXED_LEN_BYTE_ARRAY(8)", "dec19_0": "FIXED_LEN_BYTE_ARRAY(9)",
                                       "dec38_10": "FIXED_LEN_BYTE_ARRAY(16)", "dec38_38": "FIXED_LEN_BYTE_ARRAY(16)"})
    finish("pa_decimal_flba", cols, expected_from_source(cols, data),
           "pyarrow decimal128, default writing: every DECIMAL in FIXED_LEN_BYTE_ARRAY of the fewest bytes for its"
           " precision (4, 5, 8, 9, 16), big-endian two's complement, dictionary encoded (pyarrow's default). Same"
           " kinds of values as pa_decimal; decimal(38,38) holds ±0.999…9 (38 nines).",
           decimal_notes("pa_decimal_flba", cols))

    # BYTE_ARRAY decimals, which no library here writes: hand-crafted (handcraft.py), UNCOMPRESSED, V1 pages.
    rng = random.Random(403)
    n = 120
    cols = [("id", "int32"), ("dec9_2", "decimal(9,2)"), ("dec38_10", "decimal(38,10)"),
            ("dec18_4_dict", "decimal(18,4)"), ("dec5_0_padded", "decimal(5,0)")]
    data = {"id": list(range(n))}
    for col, st in cols[1:]:
        p, s = canonical.decimal_type(st)
        data[col] = decimal_values(rng, p, s, n, pool=12 if col.endswith("_dict") else None)
    data["dec38_10"][:3] = [dec(10**38 - 1, 10), dec(-(10**38 - 1), 10),
                            decimal.Decimal("12345678901234567890.0123456789")]
    unscaled = {col: [None if v is None else canonical.decimal_unscaled(v, canonical.decimal_type(st)[1])
                      for v in data[col]] for col, st in cols[1:]}
    pad = [rng.randint(1, 16) for _ in range(n)]
    columns = [
        handcraft.Column("id", handcraft.INT32, data["id"], optional=False),
        handcraft.Column("dec9_2", handcraft.BYTE_ARRAY,
                         [None if u is None else handcraft.twos_complement(u) for u in unscaled["dec9_2"]],
                         decimal=(9, 2)),
        handcraft.Column("dec38_10", handcraft.BYTE_ARRAY,
                         [None if u is None else handcraft.twos_complement(u) for u in unscaled["dec38_10"]],
                         decimal=(38, 10), page_rows=25),
        handcraft.Column("dec18_4_dict", handcraft.BYTE_ARRAY,
                         [None if u is None else handcraft.twos_complement(u) for u in unscaled["dec18_4_dict"]],
                         decimal=(18, 4), dictionary=True, page_rows=40),
        # Longer than needed: sign-extended to 1..16 bytes (the spec asks writers for the fewest bytes; readers
        # must take any length up to 16).
        handcraft.Column("dec5_0_padded", handcraft.BYTE_ARRAY,
                         [None if u is None else handcraft.twos_complement(u, max(k, len(handcraft.twos_complement(u))))
                          for u, k in zip(unscaled["dec5_0_padded"], pad)],
                         decimal=(5, 0)),
    ]
    handcraft.write(path("hand_decimal_byte_array"), columns, row_group_rows=60)
    check_physical("hand_decimal_byte_array", {c: "BYTE_ARRAY" for c, _ in cols[1:]})
    finish("hand_decimal_byte_array", cols, expected_from_source(cols, data),
           "Hand-crafted by `handcraft.py` (no library here writes it): DECIMAL in BYTE_ARRAY, big-endian two's"
           " complement of the unscaled value in the fewest bytes (dec9_2, dec38_10 up to 16 bytes,"
           " dec18_4_dict through a PLAIN dictionary page and RLE_DICTIONARY pages) or sign-extended to 1..16 bytes"
           " (dec5_0_padded); id INT32 REQUIRED; ConvertedType DECIMAL plus LogicalType DECIMAL; no statistics;"
           " two row groups, dec38_10 in pages of 25 rows; same kinds of values as pa_decimal.",
           decimal_notes("hand_decimal_byte_array", cols, {
               "dec9_2": ", fewest bytes", "dec38_10": ", fewest bytes",
               "dec18_4_dict": ", fewest bytes, dictionary", "dec5_0_padded": ", sign-extended to 1..16 bytes"}))

    # DuckDB picks the physical type by precision: INT32 (<= 9), INT64 (<= 18), FIXED_LEN_BYTE_ARRAY(16).
    rng = random.Random(404)
    n = 400
    cols = [("id", "int32"), ("dec4_1", "decimal(4,1)"), ("dec9_3", "decimal(9,3)"), ("dec18_2", "decimal(18,2)"),
            ("dec38_5", "decimal(38,5)")]
    data = {"id": list(range(n))}
    for col, st in cols[1:]:
        p, s = canonical.decimal_type(st)
        data[col] = decimal_values(rng, p, s, n)
    con = duckdb.connect()
    con.register("src", arrow_table(cols, data))
    target = path("duckdb_decimal")
    if os.path.exists(target):
        os.remove(target)
    con.execute(f"COPY (SELECT id, CAST(dec4_1 AS DECIMAL(4,1)) AS dec4_1, CAST(dec9_3 AS DECIMAL(9,3)) AS dec9_3,"
                f" CAST(dec18_2 AS DECIMAL(18,2)) AS dec18_2, CAST(dec38_5 AS DECIMAL(38,5)) AS dec38_5 FROM src"
                f" ORDER BY id) TO '{target}' (FORMAT parquet)")
    con.close()
    check_physical("duckdb_decimal", {"dec4_1": "INT32", "dec9_3": "INT32", "dec18_2": "INT64",
                                      "dec38_5": "FIXED_LEN_BYTE_ARRAY(16)"})
    finish("duckdb_decimal", cols, expected_from_source(cols, data),
           "DuckDB `COPY (SELECT ... CAST(x AS DECIMAL(p,s)) ...) TO ... (FORMAT parquet)`: DECIMAL(4,1) and"
           " DECIMAL(9,3) in INT32, DECIMAL(18,2) in INT64, DECIMAL(38,5) in FIXED_LEN_BYTE_ARRAY(16); same kinds of"
           " values as pa_decimal.", decimal_notes("duckdb_decimal", cols))

    # Polars pl.Decimal(precision, scale): INT32 / INT64 / FIXED_LEN_BYTE_ARRAY by precision, like DuckDB.
    rng = random.Random(405)
    n = 300
    cols = [("dec9_2", "decimal(9,2)"), ("dec12_3", "decimal(12,3)"), ("dec38_10", "decimal(38,10)")]
    data = {}
    for col, st in cols:
        p, s = canonical.decimal_type(st)
        data[col] = decimal_values(rng, p, s, n)
    df = pl.from_arrow(arrow_table(cols, data))
    assert df.schema == {"dec9_2": pl.Decimal(9, 2), "dec12_3": pl.Decimal(12, 3),
                         "dec38_10": pl.Decimal(38, 10)}, df.schema
    df.write_parquet(path("polars_decimal"))
    check_physical("polars_decimal", {"dec9_2": "INT32", "dec12_3": "INT64", "dec38_10": "FIXED_LEN_BYTE_ARRAY(16)"})
    finish("polars_decimal", cols, expected_from_source(cols, data),
           "polars `write_parquet()` of pl.Decimal(9,2) (INT32), pl.Decimal(12,3) (INT64) and pl.Decimal(38,10)"
           " (FIXED_LEN_BYTE_ARRAY(16)); same kinds of values as pa_decimal.", decimal_notes("polars_decimal", cols))


def bad_fixtures() -> None:
    t = pa.table({"id": pa.array([1, 2, 3, None], pa.int32()),
                  "xs": pa.array([[1, 2], [], None, [None, 9223372036854775807]], pa.list_(pa.int64()))})
    pq.write_table(t, path("err_nested_list"))
    error_fixture("err_nested_list", "nested", "unsupported", "column xs is list<int64> (repeated group)")

    t = pa.table({"id": pa.array([1, 2, None], pa.int32()),
                  "st": pa.array([{"a": 1, "b": "x"}, None, {"a": None, "b": "z"}],
                                 pa.struct([("a", pa.int64()), ("b", pa.string())]))})
    pq.write_table(t, path("err_nested_struct"))
    error_fixture("err_nested_struct", "nested", "unsupported", "column st is struct<a: int64, b: string> (group)")

    # TIME(NANOS) with a value between microseconds: Strata's TIME holds microseconds and refuses to round.
    t = pa.table({"id": pa.array([1, 2, 3], pa.int32()),
                  "t_ns": pa.array([45_296_789_000_000, 45_296_789_123_456, None], pa.time64("ns"))})
    pq.write_table(t, path("err_time_ns_fraction"))
    error_fixture("err_time_ns_fraction", "t_ns", "unsupported",
                  "column t_ns is TIME(NANOS) holding 12:34:56.789123456, which is no whole microsecond")

    # DECIMAL wider than 38 digits: no Strata type holds it (DuckDB reads such columns as DOUBLE, Strata refuses).
    t = pa.table({"id": pa.array([1, 2, 3], pa.int32()),
                  "dec": pa.array([dec(10**39 - 1, 2), None, dec(-5, 2)], pa.decimal256(39, 2))})
    pq.write_table(t, path("err_decimal_precision39"))
    assert layout.describe(path("err_decimal_precision39"))["columns"]["dec"]["physical"] == "FIXED_LEN_BYTE_ARRAY"
    error_fixture("err_decimal_precision39", "unsupported", "unsupported",
                  "column dec is DECIMAL(39,2) (FIXED_LEN_BYTE_ARRAY(17), Arrow decimal256): precision above 38")

    with open(path("pa_small_ints"), "rb") as f:
        good = f.read()
    with open(path("err_truncated"), "wb") as f:
        f.write(good[: len(good) // 2])
    error_fixture("err_truncated", "corrupt", "corrupt",
                  "first half of pa_small_ints.parquet: no footer, no trailing PAR1 magic")
    with open(path("err_bad_magic"), "wb") as f:
        f.write(good[:-4] + b"PAR0")
    error_fixture("err_bad_magic", "corrupt", "corrupt",
                  "pa_small_ints.parquet with the trailing magic changed to PAR0")
    footer_len = struct.unpack("<I", good[-8:-4])[0]
    with open(path("err_footer_length"), "wb") as f:
        f.write(good[:-8] + struct.pack("<I", len(good) * 2) + b"PAR1")
    error_fixture("err_footer_length", "corrupt", "corrupt",
                  f"pa_small_ints.parquet with the footer length ({footer_len}) replaced by twice the file size")


def write_readme() -> None:
    parquet_files = sorted(f for f in os.listdir(HERE) if f.endswith(".parquet"))
    sizes = {f: os.path.getsize(os.path.join(HERE, f)) for f in parquet_files}
    lines = [
        "# Parquet interop fixtures",
        "",
        "Small Parquet files written by other engines, with the values Strata must read from them, so the Swift",
        "tests can check the reader without running Python. Generated by `make_fixtures.py` (do not edit by hand).",
        "",
        "## Provenance",
        "",
        f"- Last run: Python {sys.version.split()[0]}, pyarrow {pa.__version__}, duckdb {duckdb.__version__},"
        f" polars {pl.__version__}; the table gives each file's own writer",
        "  (`created_by`): files not named in the last run may come from older versions.",
        "- Regenerate from the repository root: `python3 Fixtures/parquet/make_fixtures.py`, or only some fixtures",
        "  (and this README): `python3 Fixtures/parquet/make_fixtures.py NAME ...`",
        "  (seeded; the same library versions produce byte-identical files, newer versions may change the bytes",
        "  but not the expected values). The generator asserts that pyarrow and DuckDB read back exactly the",
        "  expected values before writing them. `hand_*` files are written byte by byte by `handcraft.py`;",
        "  `thrift_footer_pyarrow.parquet` comes from `make_thrift_fixture.py`.",
        "- `layout.py` reads codecs, page types and encodings from the Thrift page headers; they are recorded per",
        "  column in each `*.schema.json`.",
        "",
        "## File formats",
        "",
        "- `NAME.schema.json` for a readable file: a JSON array, one object per column in file order. `name` and",
        "  `type` (Strata type: bool, int32, int64, float, double, string, date, timestamp, timestamp_ns, blob, time, or",
        "  decimal(P,S) written without spaces, e.g. `decimal(10,2)`) are what the reader must produce; `nullable`, `arrow_type`,",
        "  `physical`, `codec`, `encodings`, `data_pages`, `dictionary_pages` and `note` document the file.",
        "- `NAME.expected.jsonl`: one JSON object per row, keys in column order, values in the canonical form of",
        "  `Tests/interop/canonical.py`: null -> null; bool -> true/false; int32 -> number; int64 -> string of the",
        "  decimal; float/double -> string of the shortest round-trip decimal in Python repr() style (float:",
        "  shortest for the 32-bit value, e.g. \"0.1\"), with \"nan\", \"inf\", \"-inf\", \"-0.0\"; string -> string;",
        "  date -> \"YYYY-MM-DD\"; timestamp -> string of integer microseconds since the epoch, UTC;",
        "  timestamp_ns -> string of integer nanoseconds since the epoch, UTC; blob -> string of the bytes in",
        "  lower-case hex, two digits a byte (\"aa0061\"; \"\" for no bytes); time -> string of integer microseconds",
        "  since midnight;",
        "  decimal(P,S) -> string of the exact value with exactly S digits after the point (\"12.30\", \"-0.01\",",
        "  \"0.00\", \"-0.5000\"; no point when S = 0: \"5\"; never \"-0\"), compared as text.",
        "  Compare float/double by parsing the string (NaN equals NaN; -0.0 differs from 0.0) or by string.",
        "- `NAME.schema.json` for a file Strata must reject: `{\"expect_error\": S, \"error_code\": C, \"reason\": ...}`.",
        "  The error's description must contain S (case-insensitive); C is the expected `StrataError.Code`.",
        "",
        "## Type mapping decided here",
        "",
        "- int8, int16, uint8, uint16 -> int32; uint32 -> int64 (reinterpret the INT32 bits as unsigned);",
        "  uint64 -> decimal(20,0) (reinterpret the INT64 bits as unsigned; lossless, prints as DuckDB's UBIGINT).",
        "- TIMESTAMP in MILLIS / MICROS, isAdjustedToUTC true or false -> timestamp (µs), millis * 1000; NANOS ->",
        "  timestamp_ns (nanoseconds, as stored). Naive (isAdjustedToUTC=false) values are read as if they were UTC.",
        "- DECIMAL(P,S) with P <= 38 in INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY (big-endian two's",
        "  complement of the unscaled value, any length up to 16 bytes) -> decimal(P,S), the same precision and",
        "  scale. P > 38 -> error \"unsupported\" (DuckDB would read it as DOUBLE).",
        "- BYTE_ARRAY with STRING, ENUM or JSON -> string; BYTE_ARRAY without annotation (or BSON, or unknown kinds)",
        "  and FIXED_LEN_BYTE_ARRAY without DECIMAL (UUID, INTERVAL, hashes) -> blob (raw bytes), as DuckDB reads",
        "  them (except that DuckDB reads UUID as its UUID type).",
        "- TIME(MILLIS) in INT32, TIME(MICROS) and TIME(NANOS) in INT64 -> time (microseconds since midnight); a",
        "  TIME(NANOS) value that is no whole microsecond -> error \"unsupported\" naming the column (DuckDB reads",
        "  TIME(NANOS) as its TIME_NS).",
        "- FLOAT16 (FIXED_LEN_BYTE_ARRAY(2)) -> float, exactly (subnormals, infinities, NaN included).",
        "- Nested columns (list, struct) -> error \"nested\".",
        "",
        "## Readable files",
        "",
        "| file | size | covers |",
        "|---|---|---|",
    ]
    for f in parquet_files:
        name = f[: -len(".parquet")]
        if name in DESCRIPTIONS:
            description, rows = DESCRIPTIONS[name]
            info = layout.describe(os.path.join(HERE, f))
            codecs = ", ".join(sorted({c["codec"] for c in info["columns"].values()}))
            lines.append(f"| `{f}` | {sizes[f]:,} B | {description} Rows: {rows}; row groups: {info['row_groups']};"
                         f" codec: {codecs}; written by `{info['created_by'].split(' (build')[0]}`. |")
    lines += ["", "## Files Strata must reject", "", "| file | size | expect_error | error_code | why |",
              "|---|---|---|---|---|"]
    for f in parquet_files:
        name = f[: -len(".parquet")]
        if name in ERRORS:
            e = ERRORS[name]
            lines.append(f"| `{f}` | {sizes[f]:,} B | `{e['expect_error']}` | `{e['error_code']}` | {e['reason']} |")
    lines += ["", f"Total Parquet bytes: {sum(sizes.values()):,}.", ""]
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


FIXTURE_SUFFIXES = (".parquet", ".expected.jsonl", ".schema.json")


def fixture_name(file: str) -> str | None:
    for suffix in FIXTURE_SUFFIXES:
        if file.endswith(suffix) and file not in OTHER_FILES:
            return file[: -len(suffix)]
    return None


def generate_all() -> None:
    pyarrow_fixtures()
    duckdb_fixtures()
    duckdb_new_type_fixtures()
    polars_fixtures()
    polars_types_fixture()
    decimal_fixtures()
    bad_fixtures()


def main(names: list[str]) -> None:
    global OUT
    if not names:
        for f in os.listdir(HERE):
            if fixture_name(f) is not None:
                os.remove(os.path.join(HERE, f))
        generate_all()
    else:
        # Generate everything elsewhere (the descriptions and the checks of every fixture run as usual), then
        # replace only the named fixtures, and remove files of fixtures the generator no longer makes.
        with tempfile.TemporaryDirectory(prefix="strata-parquet-fixtures-") as tmp:
            OUT = tmp
            generate_all()
            OUT = HERE
            known = set(DESCRIPTIONS) | set(ERRORS)
            unknown = sorted(set(names) - known)
            if unknown:
                sys.exit(f"unknown fixtures: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
            for f in sorted(os.listdir(HERE)):
                name = fixture_name(f)
                if name is not None and (name in names or name not in known):
                    os.remove(os.path.join(HERE, f))
            for f in sorted(os.listdir(tmp)):
                if fixture_name(f) in names:
                    shutil.copyfile(os.path.join(tmp, f), os.path.join(HERE, f))
    write_readme()
    total = 0
    for f in sorted(os.listdir(HERE)):
        size = os.path.getsize(os.path.join(HERE, f))
        total += size
        if f.endswith(".parquet"):
            assert size < 200 * 1024, (f, size)
    print(f"{len(DESCRIPTIONS)} readable fixtures, {len(ERRORS)} error fixtures, {total:,} bytes in {HERE}")


if __name__ == "__main__":
    main(sys.argv[1:])
