#!/usr/bin/env python3
"""Writes the DECIMAL table of the SQL logic tests (Tests/sql/types/decimal.slt) into Fixtures/sql/data/.

DuckDB computes every value from the row number with integer and exact DECIMAL arithmetic (no random numbers), and
writes the Parquet file itself, so the columns carry DuckDB's physical choices: DECIMAL(15,2) in INT64,
DECIMAL(38,6) in FIXED_LEN_BYTE_ARRAY(16), DECIMAL(4,1) in INT32. The same DuckDB version rewrites the same bytes.

- prices.parquet, 50 rows, one row group:
  id INTEGER 1..50;
  grp VARCHAR 'a', 'b', 'c', 'd' (NULL for id 50);
  price DECIMAL(15,2) 0.00..999.99 with NULLs (id 17, 34), 0.00 (id 25), 999.99 (id 1), 0.01 (id 2), and a few
  repeated prices (ids 40..44 share 12.50);
  qty DECIMAL(15,2) whole numbers 1.00..50.00 (as TPC-H's l_quantity) with a NULL (id 23, 46);
  discount DECIMAL(15,2) 0.00..0.10 (NULL for id 19, 38);
  tax DECIMAL(15,2) 0.00..0.08;
  big DECIMAL(38,6) magnitudes up to ~6.2e15, i.e. unscaled values beyond 2^63 (|x| * 10^6 > 9.22e18), both signs,
  one tiny value (-0.000001, id 3), NULL for id 13, 26, 39;
  small DECIMAL(4,1) steps of 2.5 in -10.0..10.0 (many repeats, for GROUP BY, DISTINCT and joins), the extremes
  99.9 (id 1) and -99.9 (id 2), NULL for id 11, 22, 33, 44.

Regenerate from the repository root with: python3 Fixtures/sql/make_decimal_data.py   (needs duckdb)
"""
from make_types_data import copy_table

QUERY = """
SELECT
    i::INTEGER AS id,
    CASE WHEN i = 50 THEN NULL ELSE ['a', 'b', 'c', 'd'][(i * 7 % 4) + 1] END AS grp,
    CASE WHEN i IN (17, 34) THEN NULL
         WHEN i = 25 THEN 0.00
         WHEN i = 1 THEN 999.99
         WHEN i = 2 THEN 0.01
         WHEN i BETWEEN 40 AND 44 THEN 12.50
         ELSE CAST((i * 7919) % 100000 AS DECIMAL(15, 0)) * 0.01 END::DECIMAL(15, 2) AS price,
    CASE WHEN i IN (23, 46) THEN NULL ELSE CAST((i * 37) % 50 + 1 AS DECIMAL(15, 2)) END AS qty,
    CASE WHEN i IN (19, 38) THEN NULL ELSE CAST((i * 3) % 11 AS DECIMAL(15, 0)) * 0.01 END::DECIMAL(15, 2)
        AS discount,
    (CAST((i * 5) % 9 AS DECIMAL(15, 0)) * 0.01)::DECIMAL(15, 2) AS tax,
    CASE WHEN i IN (13, 26, 39) THEN NULL
         WHEN i = 3 THEN -0.000001
         ELSE CAST(i * 123456789012345 + (i * 987654321) % 1000000007 AS DECIMAL(38, 0)) * 1.000001
              * CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END END::DECIMAL(38, 6) AS big,
    CASE WHEN i IN (11, 22, 33, 44) THEN NULL
         WHEN i = 1 THEN 99.9
         WHEN i = 2 THEN -99.9
         ELSE CAST(i % 9 - 4 AS DECIMAL(4, 0)) * 2.5 END::DECIMAL(4, 1) AS small
FROM range(1, 51) AS t(i)
ORDER BY id
"""


def main():
    con, target = copy_table("prices", QUERY, ["INTEGER", "VARCHAR", "DECIMAL(15,2)", "DECIMAL(15,2)",
                                                "DECIMAL(15,2)", "DECIMAL(15,2)", "DECIMAL(38,6)", "DECIMAL(4,1)"])
    (count, beyond) = con.sql(f"SELECT count(*), count(*) FILTER (WHERE abs(big) * 1000000 > 9223372036854775807)"
                              f" FROM read_parquet('{target}')").fetchall()[0]
    assert count == 50 and beyond >= 20, (count, beyond)
    con.close()


if __name__ == "__main__":
    main()
