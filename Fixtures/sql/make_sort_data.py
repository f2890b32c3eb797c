#!/usr/bin/env python3
"""Writes the tables of the sort and window SQL logic tests (Tests/sql/order/*.slt, Tests/sql/window/*.slt) into
Fixtures/sql/data/sort/.

Seeded and deterministic (numpy's default_rng, fixed pyarrow writer options): a rerun writes the same rows. Explicit
Arrow types, all columns nullable:

- keys.parquet, 20,000 rows in 5 row groups: id int64 (unique, shuffled), grp int32 (0..49, NULL every 97th row),
  small int32 (0..9, many ties), big int64 (full range, including the extremes, NULLs), dbl double (negative and
  positive, -0.0 and 0.0, +-infinity, NaN, NULLs), word string (NULLs, the empty string, shared prefixes, words
  longer than 16 bytes, non-ASCII letters), day date32, ts timestamp[us], flag bool (NULLs).

Regenerate from the repository root with: python3 Fixtures/sql/make_sort_data.py   (needs pyarrow and numpy)
"""
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "sort")
ROWS = 20_000


def main():
    rng = np.random.default_rng(20261207)
    ids = rng.permutation(ROWS).astype(np.int64) + 1
    grp = [None if i % 97 == 13 else int(rng.integers(0, 50)) for i in range(ROWS)]
    small = [int(x) for x in rng.integers(0, 10, ROWS)]
    big = []
    for i in range(ROWS):
        if i % 101 == 7:
            big.append(None)
        elif i % 1000 == 3:
            big.append(int(np.iinfo(np.int64).max))
        elif i % 1000 == 4:
            big.append(int(np.iinfo(np.int64).min))
        else:
            big.append(int(rng.integers(np.iinfo(np.int64).min // 2, np.iinfo(np.int64).max // 2)))
    specials = [-0.0, 0.0, float("inf"), float("-inf"), float("nan")]
    dbl = []
    for i in range(ROWS):
        if i % 89 == 5:
            dbl.append(None)
        elif i % 211 == 0:
            dbl.append(specials[(i // 211) % len(specials)])
        else:
            dbl.append(round(float(rng.normal(0, 1000)), 3))
    stems = ["", "a", "ab", "abc", "apple", "applesauce", "apple pie with cream and sugar", "banana", "Banana",
             "zeta", "über", "Ünïcödé strings sort by bytes", "x" * 40, "x" * 41, "prefix-shared-000"]
    word = []
    for i in range(ROWS):
        if i % 53 == 11:
            word.append(None)
        else:
            stem = stems[int(rng.integers(0, len(stems)))]
            word.append(stem if rng.random() < 0.5 else f"{stem}{int(rng.integers(0, 300))}")
    day = [int(x) for x in rng.integers(18_000, 20_000, ROWS)]
    ts = [int(x) * 1_000_000 + int(rng.integers(0, 1_000_000)) for x in rng.integers(1_500_000_000, 1_700_000_000, ROWS)]
    flag = [None if i % 31 == 2 else bool(rng.integers(0, 2)) for i in range(ROWS)]
    schema = pa.schema([("id", pa.int64()), ("grp", pa.int32()), ("small", pa.int32()), ("big", pa.int64()),
                        ("dbl", pa.float64()), ("word", pa.string()), ("day", pa.date32()),
                        ("ts", pa.timestamp("us")), ("flag", pa.bool_())])
    table = pa.table([ids, grp, small, big, dbl, word, day, ts, flag], schema=schema)
    os.makedirs(OUT, exist_ok=True)
    pq.write_table(table, os.path.join(OUT, "keys.parquet"), compression="snappy", row_group_size=4_000,
                   write_statistics=True)


if __name__ == "__main__":
    main()
