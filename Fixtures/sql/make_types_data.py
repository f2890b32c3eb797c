#!/usr/bin/env python3
"""Writes the tables of the SQL logic tests of the types Parquet files from other engines carry
(Tests/sql/types/uint64.slt, timestamp_ns.slt, blob.slt, time.slt) into Fixtures/sql/data/.

DuckDB computes every value from the row number (no random numbers) and writes each Parquet file itself, so the
columns carry DuckDB's physical choices; the same DuckDB version rewrites the same bytes.

- unsigned.parquet, 40 rows: id INTEGER 1..40; grp VARCHAR 'x', 'y', 'z' (NULL for id 40); u UBIGINT (INT64 with
  INTEGER(64, unsigned), read by Strata as DECIMAL(20,0)): 0 (id 1), 2^64 - 1 (id 2), 2^63 (id 3), 2^63 - 1
  (id 4), NULL (id 5, 20), values on both sides of 2^63 for the others, a few repeated (ids 30..33).

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
}


def write(name):
    query, types = TABLES[name]
    os.makedirs(OUT, exist_ok=True)
    target = os.path.join(OUT, name + ".parquet")
    if os.path.exists(target):
        os.remove(target)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
    got = [str(t) for t in con.sql(f"SELECT * FROM read_parquet('{target}')").types]
    assert got == types, (name, got)
    con.close()


def main(names):
    for name in names or TABLES:
        write(name)


if __name__ == "__main__":
    main(sys.argv[1:])
