#!/usr/bin/env python3
"""Writes the join tables of the SQL logic tests (Tests/sql/join/*.slt) into Fixtures/sql/data/join/.

Seeded and deterministic (numpy's default_rng, fixed pyarrow writer options): a rerun writes the same rows. Explicit
Arrow types, all columns nullable; the keys repeat and hold NULLs on purpose:

- orders.parquet, 3,000 rows in 3 row groups: order_id int64 (unique), customer_id int64 (1..450, so some match no
  customer; NULL every 37th row), product string (p000..p249 and NULLs), region string, qty int32, day date32.
- customers.parquet, 400 rows: customer_id int64 (1..420 with duplicates and a few NULLs), name string, region
  string (NULLs), tier int32.
- products.parquet, 240 rows: product string (p000..p259, some twice, one NULL), category string, price double.
- regions.parquet, 6 rows: region string (one NULL), manager string.
- nothing.parquet, 0 rows: customer_id int64, note string.

Regenerate from the repository root with: python3 Fixtures/sql/make_join_data.py   (needs pyarrow and numpy)
"""
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "join")
REGIONS = ["north", "south", "east", "west", "central"]


def write(columns, schema, name, row_group_size=None):
    os.makedirs(OUT, exist_ok=True)
    table = pa.table(columns, schema=schema)
    pq.write_table(table, os.path.join(OUT, name), compression="snappy", row_group_size=row_group_size,
                   write_statistics=True)


def main():
    rng = np.random.default_rng(20261207)
    n = 3000
    customer = rng.integers(1, 451, n)
    write({
        "order_id": pa.array(np.arange(1, n + 1), pa.int64()),
        "customer_id": pa.array([None if i % 37 == 0 else int(c) for i, c in enumerate(customer)], pa.int64()),
        "product": pa.array([None if i % 53 == 0 else f"p{int(rng.integers(0, 250)):03d}" for i in range(n)],
                            pa.string()),
        "region": pa.array([REGIONS[int(r)] for r in rng.integers(0, 5, n)], pa.string()),
        "qty": pa.array(rng.integers(1, 20, n), pa.int32()),
        "day": pa.array(rng.integers(19358, 19358 + 365, n).astype("int32"), pa.date32()),
    }, pa.schema([("order_id", pa.int64()), ("customer_id", pa.int64()), ("product", pa.string()),
                  ("region", pa.string()), ("qty", pa.int32()), ("day", pa.date32())]),
        "orders.parquet", row_group_size=1000)

    m = 400
    ids = [int(x) for x in rng.integers(1, 421, m)]
    write({
        "customer_id": pa.array([None if i % 97 == 3 else ids[i] for i in range(m)], pa.int64()),
        "name": pa.array([f"c{i:03d}" for i in range(m)], pa.string()),
        "region": pa.array([None if i % 41 == 0 else REGIONS[int(r)] for i, r in enumerate(rng.integers(0, 5, m))],
                           pa.string()),
        "tier": pa.array(rng.integers(1, 4, m), pa.int32()),
    }, pa.schema([("customer_id", pa.int64()), ("name", pa.string()), ("region", pa.string()),
                  ("tier", pa.int32())]), "customers.parquet")

    products = [f"p{i:03d}" for i in range(0, 260, 1)][:230] + ["p001", "p002", "p010", "p100", "p200", "p201",
                                                                 "p202", "p203", "p204"] + [None]
    write({
        "product": pa.array(products, pa.string()),
        "category": pa.array([["tools", "toys", "food", "books"][i % 4] for i in range(len(products))], pa.string()),
        "price": pa.array(np.round(rng.uniform(1, 100, len(products)), 2), pa.float64()),
    }, pa.schema([("product", pa.string()), ("category", pa.string()), ("price", pa.float64())]),
        "products.parquet")

    write({
        "region": pa.array(["north", "south", "east", "west", "far", None], pa.string()),
        "manager": pa.array(["Ana", "Bo", "Cy", "Di", "Ed", "Flo"], pa.string()),
    }, pa.schema([("region", pa.string()), ("manager", pa.string())]), "regions.parquet")

    write({"customer_id": pa.array([], pa.int64()), "note": pa.array([], pa.string())},
          pa.schema([("customer_id", pa.int64()), ("note", pa.string())]), "nothing.parquet")


if __name__ == "__main__":
    main()
