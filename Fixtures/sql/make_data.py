#!/usr/bin/env python3
"""Writes the small data sets of the SQL logic tests (Tests/sql/**/*.slt) into Fixtures/sql/data/.

Everything is seeded and deterministic (numpy's default_rng with fixed seeds, fixed pyarrow writer options), so a
rerun produces the same rows; commit the output. Explicit Arrow types, all columns nullable:

- people.parquet, 60 rows: id int64, name string (NULLs, one empty string, one with a quote and non-ASCII letters),
  age int32 (NULLs), city string (one NULL), score double (a NULL, negative and fractional values), joined date32,
  last_seen timestamp[us] without time zone (some with fractional seconds), active bool (NULLs).
- sales.parquet, 5,000 rows in 2 row groups: region string (6 values and NULLs), product string (200 values),
  qty int32, price double (2 decimals), day date32 (2023), returned bool (a few NULLs).
- events/part-{0,1,2}.parquet, 400 rows each: ts timestamp[us], kind string, user_id int64, value double (NULLs).
- cities.csv: city,country,population with a header.

Regenerate from the repository root with: python3 Fixtures/sql/make_data.py   (needs pyarrow and numpy)
"""
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
US_PER_DAY = 86_400_000_000


def write(table, relative, row_group_size=None):
    path = os.path.join(OUT, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(table, path, compression="snappy", row_group_size=row_group_size, write_statistics=True)


def days(text):
    return int(np.datetime64(text, "D").astype(np.int64))


def micros(text):
    return int(np.datetime64(text, "us").astype(np.int64))


def people():
    rng = np.random.default_rng(20261122)
    rows = 60
    first = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kemal", "Lena",
             "Mia", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sam", "Tariq"]
    names = [first[i % len(first)] + ("" if i < len(first) else " " + "ABC"[i // len(first) - 1])
             for i in range(rows)]
    names[6] = None
    names[22] = None
    names[40] = None
    names[11] = ""
    names[29] = "Zoë O'Brien"
    names[44] = "Łukasz"
    ages = rng.integers(18, 80, rows).astype(np.int32)
    age_null = np.zeros(rows, dtype=bool)
    age_null[[3, 17, 35, 52]] = True
    cities = np.array(["Berlin", "Lisbon", "Oslo", "Paris", "Porto", "Tokyo"])
    city = [str(c) for c in cities[rng.integers(0, len(cities), rows)]]
    city[57] = None
    score = np.round(rng.normal(50, 30, rows), 1)
    score[[4, 9]] = [-12.5, -0.25]
    score[19] = 0.0
    score_null = np.zeros(rows, dtype=bool)
    score_null[[8, 33]] = True
    joined = days("2015-01-01") + rng.integers(0, 3650, rows)
    seen = micros("2024-01-01T00:00:00") + rng.integers(0, 365 * 86_400, rows) * 1_000_000
    seen[::7] += rng.integers(1, 1_000_000, len(seen[::7]))
    seen[5] = micros("2024-06-30T23:59:59.5")
    active = rng.random(rows) < 0.6
    active_null = rng.random(rows) < 0.1
    table = pa.table({
        "id": pa.array(np.arange(1, rows + 1), type=pa.int64()),
        "name": pa.array(names, type=pa.string()),
        "age": pa.array(ages, type=pa.int32(), mask=age_null),
        "city": pa.array(city, type=pa.string()),
        "score": pa.array(score, type=pa.float64(), mask=score_null),
        "joined": pa.array(joined.astype(np.int32), type=pa.date32()),
        "last_seen": pa.array(seen, type=pa.timestamp("us")),
        "active": pa.array(active, type=pa.bool_(), mask=active_null),
    })
    write(table, "people.parquet")


def sales():
    rng = np.random.default_rng(20261123)
    rows = 5000
    regions = np.array(["north", "south", "east", "west", "central", "overseas"])
    region = [str(r) for r in regions[rng.integers(0, len(regions), rows)]]
    for i in rng.choice(rows, 60, replace=False):
        region[i] = None
    # A skewed product distribution: a few best sellers and a long tail.
    weights = 1.0 / np.arange(1, 201) ** 0.8
    product = [f"P{p:03d}" for p in rng.choice(np.arange(1, 201), rows, p=weights / weights.sum())]
    qty = rng.integers(1, 51, rows).astype(np.int32)
    price = np.round(rng.uniform(0.5, 250.0, rows), 2)
    day = days("2023-01-01") + rng.integers(0, 365, rows)
    returned = rng.random(rows) < 0.08
    returned_null = rng.random(rows) < 0.01
    table = pa.table({
        "region": pa.array(region, type=pa.string()),
        "product": pa.array(product, type=pa.string()),
        "qty": pa.array(qty, type=pa.int32()),
        "price": pa.array(price, type=pa.float64()),
        "day": pa.array(day.astype(np.int32), type=pa.date32()),
        "returned": pa.array(returned, type=pa.bool_(), mask=returned_null),
    })
    write(table, "sales.parquet", row_group_size=2500)


def events():
    rng = np.random.default_rng(20261124)
    kinds = np.array(["click", "view", "purchase", "signup", "logout"])
    for part in range(3):
        rows = 400
        start = micros("2024-03-01T00:00:00") + part * 10 * US_PER_DAY
        ts = start + np.sort(rng.integers(0, 10 * US_PER_DAY, rows))
        value = np.round(rng.exponential(20.0, rows), 3)
        table = pa.table({
            "ts": pa.array(ts, type=pa.timestamp("us")),
            "kind": pa.array([str(k) for k in kinds[rng.integers(0, len(kinds), rows)]], type=pa.string()),
            "user_id": pa.array(rng.integers(1, 61, rows), type=pa.int64()),
            "value": pa.array(value, type=pa.float64(), mask=rng.random(rows) < 0.05),
        })
        write(table, f"events/part-{part}.parquet")


def cities():
    rows = [
        ("Berlin", "Germany", 3850809),
        ("Lisbon", "Portugal", 545796),
        ("Oslo", "Norway", 709037),
        ("Paris", "France", 2102650),
        ("Porto", "Portugal", 231800),
        ("Tokyo", "Japan", 14047594),
        ("Hamburg", "Germany", 1892122),
        ("Kyoto", "Japan", 1463723),
        ("Bergen", "Norway", 291189),
        ("Lyon", "France", 522250),
    ]
    path = os.path.join(OUT, "cities.csv")
    os.makedirs(OUT, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("city,country,population\n")
        for city, country, population in rows:
            f.write(f"{city},{country},{population}\n")


if __name__ == "__main__":
    people()
    sales()
    events()
    cities()
