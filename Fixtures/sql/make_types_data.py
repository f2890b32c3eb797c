#!/usr/bin/env python3
"""Writes the tables of the SQL logic tests of the types Parquet files from other engines carry
(Tests/sql/types/uint64.slt, timestamp_ns.slt, blob.slt, time.slt) into Fixtures/sql/data/.

DuckDB computes every value from the row number (no random numbers) and writes each Parquet file itself, so the
columns carry DuckDB's physical choices; the same DuckDB version rewrites the same bytes.

- unsigned.parquet, 40 rows: id INTEGER 1..40; grp VARCHAR 'x', 'y', 'z' (NULL for id 40); u UBIGINT (INT64 with
  INTEGER(64, unsigned), read by Strata as DECIMAL(20,0)): 0 (id 1), 2^64 - 1 (id 2), 2^63 (id 3), 2^63 - 1
  (id 4), NULL (id 5, 20), values on both sides of 2^63 for the others, a few repeated (ids 30..33).

- events_ns.parquet, 40 rows: id INTEGER 1..40; grp VARCHAR 'a', 'b' (NULL for id 40); ts TIMESTAMP_NS (INT64
  TIMESTAMP(NANOS, isAdjustedToUTC=false)) with nanosecond digits: the epoch (id 1), 1 ns before it (id 2), values
  0.5 µs apart around a microsecond boundary (ids 3..6, for rounding to TIMESTAMP), midnights (ids 7, 8), NULL
  (id 9, 25), pairs equal to the nanosecond (ids 10/11) and 1 ns apart (ids 12/13), the rest spread over
  1843..2008 with nine fraction digits; d DATE, 2024-01-02 for every fifth id, else a day from 1970 on; us
  TIMESTAMP: ts rounded down to the microsecond for ids 1..6, days from 1970 on for the others (NULL for ids 9,
  25, 30), for comparisons and joins with TIMESTAMP.

- blobs.parquet, 30 rows: id INTEGER 1..30; grp VARCHAR 'p', 'q', 'r'; b BLOB (BYTE_ARRAY without annotation):
  the empty blob (id 1), NULL (ids 2, 20), bytes that are no UTF-8 (0xAA 0x00 ..., 0xFF, 0x80), printable text,
  quote and backslash bytes, a few repeated values (ids 10..13 share one), prefixes of each other (ids 14..16)
  for byte-wise order; k BLOB, b of another row for joins.

- times.parquet, 30 rows: id INTEGER 1..30; grp VARCHAR 'm', 'n'; t TIME (INT64 TIME(MICROS)): midnight (id 1),
  23:59:59.999999 (id 2), NULL (ids 3, 17), noon (ids 4, 5), values with and without fractions of a second,
  repeated values (ids 20..23); ts TIMESTAMP on several days, whose time of day equals t for ids 4..8.

Regenerate from the repository root with: python3 Fixtures/sql/make_types_data.py [NAME ...]   (needs duckdb)
"""
import os
import sys

import duckdb

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

TABLES = {
    "unsigned": ("""
SELECT
    i::INTEGER AS id,
    CASE WHEN i = 40 THEN NULL ELSE ['x', 'y', 'z'][(i % 3) + 1] END AS grp,
    CASE WHEN i IN (5, 20) THEN NULL
         WHEN i = 1 THEN 0
         WHEN i = 2 THEN 18446744073709551615
         WHEN i = 3 THEN 9223372036854775808
         WHEN i = 4 THEN 9223372036854775807
         WHEN i BETWEEN 30 AND 33 THEN 12345678901234567890
         WHEN i % 2 = 0 THEN 9223372036854775808 + (i::UBIGINT * 1000000007)
         ELSE i::UBIGINT * 998244353 END::UBIGINT AS u
FROM range(1, 41) AS t(i)
ORDER BY id
""", ["INTEGER", "VARCHAR", "UBIGINT"]),
    "events_ns": ("""
SELECT
    i::INTEGER AS id,
    CASE WHEN i = 40 THEN NULL ELSE ['a', 'b'][(i % 2) + 1] END AS grp,
    make_timestamp_ns(CASE WHEN i IN (9, 25) THEN NULL
         WHEN i = 1 THEN 0
         WHEN i = 2 THEN -1
         WHEN i BETWEEN 3 AND 6 THEN 1704164645123456000 + (i - 3) * 500 - 1
         WHEN i = 7 THEN 1704153600000000000
         WHEN i = 8 THEN -86400000000000
         WHEN i IN (10, 11) THEN 1609459199999999999
         WHEN i = 12 THEN 1609459200000000000
         WHEN i = 13 THEN 1609459200000000001
         ELSE (i::BIGINT * 7919 % 40 - 20) * 200000000000000000 + i::BIGINT * 123456789 END) AS ts,
    CASE WHEN i % 5 = 0 THEN DATE '2024-01-02' ELSE CAST(make_timestamp_ns(CASE WHEN i = 2 THEN -1 ELSE
         i::BIGINT * 86400000000000 * 300 END) AS DATE) END AS d,
    CASE WHEN i IN (9, 25, 30) THEN NULL
         ELSE make_timestamp(CASE WHEN i = 2 THEN -1 WHEN i = 1 THEN 0
              WHEN i BETWEEN 3 AND 6 THEN 1704164645123456 ELSE i::BIGINT * 1000000 * 3600 * 24 * 200 END) END AS us
FROM range(1, 41) AS t(i)
ORDER BY id
""", ["INTEGER", "VARCHAR", "TIMESTAMP_NS", "DATE", "TIMESTAMP"]),
    "blobs": ("""
SELECT
    i::INTEGER AS id,
    ['p', 'q', 'r'][(i % 3) + 1] AS grp,
    CASE WHEN i IN (2, 20) THEN NULL
         WHEN i = 1 THEN ''::BLOB
         WHEN i = 3 THEN '\\xAA\\x00abc'::BLOB
         WHEN i = 4 THEN '\\xFF'::BLOB
         WHEN i = 5 THEN '\\x80\\x7F'::BLOB
         WHEN i = 6 THEN 'hello'::BLOB
         WHEN i = 7 THEN '\\x22quoted\\x22 \\x27single\\x27 \\x5C'::BLOB
         WHEN i = 8 THEN '\\x00'::BLOB
         WHEN i = 9 THEN '\\x00\\x00'::BLOB
         WHEN i BETWEEN 10 AND 13 THEN 'same\\x01'::BLOB
         WHEN i = 14 THEN 'ab'::BLOB
         WHEN i = 15 THEN 'abc'::BLOB
         WHEN i = 16 THEN 'abd'::BLOB
         ELSE ('v' || (i * 37 % 11)::VARCHAR || '\\x' || ['0A', 'C3', 'E9', '7E'][(i % 4) + 1])::BLOB END AS b,
    CASE WHEN i % 4 = 0 THEN 'same\\x01'::BLOB WHEN i % 4 = 1 THEN 'ab'::BLOB WHEN i % 4 = 2 THEN NULL
         ELSE '\\xFF'::BLOB END AS k
FROM range(1, 31) AS t(i)
ORDER BY id
""", ["INTEGER", "VARCHAR", "BLOB", "BLOB"]),
    "times": ("""
SELECT
    i::INTEGER AS id,
    ['m', 'n'][(i % 2) + 1] AS grp,
    CASE WHEN i IN (3, 17) THEN NULL
         WHEN i = 1 THEN TIME '00:00:00'
         WHEN i = 2 THEN TIME '23:59:59.999999'
         WHEN i IN (4, 5) THEN TIME '12:00:00'
         WHEN i BETWEEN 20 AND 23 THEN TIME '08:30:00.5'
         ELSE TIME '00:00:00' + to_microseconds(i::BIGINT * 2718281828 % 86400000000) END AS t,
    TIMESTAMP '2024-01-01 00:00:00' + to_days(i) + CASE WHEN i BETWEEN 4 AND 8 THEN
        to_microseconds(CASE WHEN i IN (4, 5) THEN 43200000000 ELSE i::BIGINT * 2718281828 % 86400000000 END)
        ELSE to_microseconds(i::BIGINT * 1000003) END AS ts
FROM range(1, 31) AS t(i)
ORDER BY id
""", ["INTEGER", "VARCHAR", "TIME", "TIMESTAMP"]),
}


def copy_table(name, query, types):
    """Writes `query` as OUT/<name>.parquet with DuckDB (one thread, snappy), checks its column types and returns
    the open connection and the file's path (the caller closes the connection)."""
    os.makedirs(OUT, exist_ok=True)
    target = os.path.join(OUT, name + ".parquet")
    if os.path.exists(target):
        os.remove(target)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
    got = [str(t) for t in con.sql(f"SELECT * FROM read_parquet('{target}')").types]
    assert got == types, (name, got)
    return con, target


def write(name):
    query, types = TABLES[name]
    con, _ = copy_table(name, query, types)
    con.close()


def main(names):
    for name in names or TABLES:
        write(name)


if __name__ == "__main__":
    main(sys.argv[1:])
