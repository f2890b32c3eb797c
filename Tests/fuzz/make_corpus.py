#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpus: Tests/fuzz/corpus/<harness>/ (small files, committed).

Usage, from the repository root: python3 Tests/fuzz/make_corpus.py  (needs pyarrow; rewrites every seed but the
spill runs, which are Strata's own format: swift run strata-fuzz seeds spill Tests/fuzz/corpus/spill)
"""
import json
import shutil
import struct
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent / "corpus"
REPO = Path(__file__).resolve().parents[2]


def fresh(name: str) -> Path:
    """The seed folder of a harness, emptied of generated seeds; inputs a fuzzer found (regression seeds, named by
    what they found, e.g. sql/order-by-offset-overflow.sql) are kept."""
    path = ROOT / name
    path.mkdir(parents=True, exist_ok=True)
    found = set(FOUND.get(name, []))
    for entry in path.iterdir():
        if entry.name not in found:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return path


# Inputs fuzzing found, committed as regression seeds.
FOUND = {"sql": ["order-by-offset-overflow.sql"]}


def parquet_seeds() -> None:
    out = fresh("parquet")
    footers = fresh("footer")
    table = pa.table({
        "i": pa.array([1, None, -3, 2**40], pa.int64()),
        "s": pa.array(["a", "bb", None, "a"], pa.string()),
        "d": pa.array([0.5, float("nan"), None, -1e300], pa.float64()),
        "b": pa.array([True, False, None, True], pa.bool_()),
    })
    typed = pa.table({
        "dec": pa.array([1, -250, None], pa.decimal128(9, 2)),
        "ts": pa.array([0, 1_700_000_000_000_000, None], pa.timestamp("us")),
        "day": pa.array([0, 19000, None], pa.date32()),
        "u": pa.array([1, 2**63 + 5, None], pa.uint64()),
        "bin": pa.array([b"\x00\xff", b"", None], pa.binary()),
    })
    variants = [
        ("plain_none", table, dict(compression="NONE", use_dictionary=False)),
        ("dict_snappy", table, dict(compression="SNAPPY")),
        ("v2_zstd", table, dict(compression="ZSTD", data_page_version="2.0")),
        ("gzip_small_pages", table, dict(compression="GZIP", data_page_size=16, write_batch_size=2)),
        ("delta", table.select(["i", "s"]), dict(compression="NONE", use_dictionary=False,
                                                 column_encoding={"i": "DELTA_BINARY_PACKED",
                                                                  "s": "DELTA_BYTE_ARRAY"})),
        ("types_lz4", typed, dict(compression="LZ4")),
        ("row_groups", table, dict(compression="NONE", row_group_size=1)),
    ]
    for name, data, options in variants:
        path = out / f"{name}.parquet"
        pq.write_table(data, path, **options)
        raw = path.read_bytes()
        length = struct.unpack("<I", raw[-8:-4])[0]
        (footers / f"{name}.thrift").write_bytes(raw[-8 - length:-8])


def csv_seeds() -> None:
    out = fresh("csv")
    kept = 0
    for path in sorted((REPO / "Fixtures" / "csv").glob("*.csv")):
        if path.stat().st_size <= 2048:
            shutil.copy(path, out / path.name)
            kept += 1
    (out / "types.csv").write_text("i,d,s,day,ts,b\n1,0.5,x,2024-01-02,2024-01-02 03:04:05,true\n"
                                   "-2,,\"q,\"\"uoted\",,,false\n")


def sql_seeds() -> None:
    out = fresh("sql")
    statements = [
        "SELECT i, d, s FROM t WHERE i > 0 ORDER BY i",
        "SELECT s, count(*), sum(i), avg(d), min(s), max(d) FROM t GROUP BY s HAVING count(*) > 0",
        "SELECT i // 2, i % 3, i * 9223372036854775807, CAST(s AS INTEGER) FROM t",
        "SELECT a.i, b.s FROM t a JOIN t b ON a.i = b.i LEFT JOIN t c ON c.s = a.s",
        "SELECT * FROM t WHERE i IN (SELECT i FROM t WHERE d > 0) OR EXISTS (SELECT 1 FROM t u WHERE u.i = t.i)",
        "SELECT row_number() OVER (PARTITION BY s ORDER BY d DESC), sum(i) OVER (ORDER BY i ROWS 1 PRECEDING) FROM t",
        "WITH x AS (SELECT i FROM t) SELECT * FROM x UNION ALL SELECT i FROM t EXCEPT SELECT 1",
        "SELECT CASE WHEN d IS NULL THEN 'n' ELSE substring(s FROM 1 FOR 2) END, coalesce(s, 'z') || 'y' FROM t",
        "SELECT date '2024-02-29' + INTERVAL 1 YEAR, extract(year FROM timestamp '2024-01-01 00:00:00')",
        "SELECT 0.1 + 0.2, CAST('1e400' AS DOUBLE), 12345678901234567890123456789.5::DECIMAL(38,1)",
        "SELECT string_agg(s, ',' ORDER BY i DESC), count(DISTINCT s), median(d) FROM t",
        "SELECT * FROM t ORDER BY 1 LIMIT 5 OFFSET 9223372036854775807",
        "SELECT count(*) FROM t AT (VERSION => 0) JOIN t AS u ON t.i = u.i",
        "SELECT * FROM t AT (VERSION => 9223372036854775807)",
        "SELECT * FROM delta_scan('/nonexistent', version = 1)",
    ]
    for n, text in enumerate(statements):
        (out / f"q{n:02d}.sql").write_text(text)


def manifest_seeds() -> None:
    out = fresh("manifest")
    manifest = {
        "committedAt": "2026-12-07T10:00:00.000Z", "formatVersion": 1, "operation": "append", "table": "t",
        "version": 2,
        "schema": [{"name": "i", "type": "int64"}, {"name": "s", "type": "string"}],
        "partitions": [{"bytes": 1234, "codec": "zstd", "crc32": 1, "file": "part-2-0-0123abcd.parquet",
                        "footerBytes": 300, "footerCRC32": 2, "rowGroups": 1, "rows": 10,
                        "uncompressedBytes": 2000}],
    }
    (out / "append.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


def delta_seeds() -> None:
    """Commit 1 of the `delta` harness's table (commit 0 adds data.parquet): a remove, a re-add with Strata's tags,
    a metaData with a changed and a nested schema, a protocol with table features."""
    out = fresh("delta")
    seeds = {
        'metadata.json': (
            '{"metaData":{"id":"x","name":null,"description":null,"format":{"provider":"parquet","options":{}},"schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"i\\",\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}},{\\"name\\":\\"s\\",\\"type\\":\\"string\\",\\"nullable\\":true,\\"metadata\\":{\\"strata.type\\":\\"string\\"}},{\\"name\\":\\"d\\",\\"type\\":\\"decimal(38,10)\\",\\"nullable\\":false,\\"metadata\\":{}},{\\"name\\":\\"n\\",\\"type\\":{\\"type\\":\\"array\\",\\"elementType\\":\\"long\\",\\"containsNull\\":true},\\"nullable\\":true,\\"metadata\\":{}}]}","partitionColumns":[],"createdTime":1796667528581,"configuration":{"delta.appendOnly":"false"}}}\n'
        ),
        'protocol-features.json': (
            '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["timestampNtz"],"writerFeatures":["timestampNtz","appendOnly"]}}\n'
            '{"add":{"path":"data%2Eparquet","partitionValues":{},"size":700,"modificationTime":0,"dataChange":false,"stats":null,"tags":null,"baseRowId":null,"defaultRowCommitVersion":null,"clusteringProvider":null}}\n'
        ),
        'readd-with-tags.json': (
            '{"commitInfo":{"engineInfo":"strata","operation":"WRITE","operationMetrics":{"numFiles":1,"numOutputRows":3},"operationParameters":{"mode":"Append"},"timestamp":1796667808601}}\n'
            '{"add":{"dataChange":true,"modificationTime":1796667808601,"partitionValues":{},"path":"data.parquet","size":700,"stats":"{\\"numRecords\\":3,\\"minValues\\":{\\"i\\":-3,\\"s\\":\\"a\\"},\\"maxValues\\":{\\"i\\":1,\\"s\\":\\"bb\\"},\\"nullCount\\":{\\"i\\":1,\\"s\\":1}}","tags":{"strata.codec":"zstd","strata.crc32":"12345","strata.footerBytes":"300","strata.footerCRC32":"678","strata.rowGroups":"1","strata.rows":"3","strata.uncompressedBytes":"200"}}}\n'
        ),
        'remove.json': (
            '{"commitInfo":{"timestamp":1796667528591,"operation":"DELETE","operationParameters":{"predicate":"i > 0"},"engineInfo":"delta-rs:py-1.6.6","operationMetrics":{"num_removed_files":1,"execution_time_ms":1}}}\n'
            '{"remove":{"path":"data.parquet","dataChange":true,"deletionTimestamp":1796667528590,"extendedFileMetadata":true,"partitionValues":{},"size":700}}\n'
        ),
    }
    for name, text in seeds.items():
        (out / name).write_text(text)


if __name__ == "__main__":
    parquet_seeds()
    csv_seeds()
    sql_seeds()
    manifest_seeds()
    delta_seeds()
    print("seeds written under", ROOT)
