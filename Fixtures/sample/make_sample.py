#!/usr/bin/env python3
"""Writes Fixtures/sample/trips.parquet and trips.csv.gz: 20,000 synthetic taxi trips (seeded, deterministic) used by
the demo and the tests; the CSV holds the same rows (timestamps ISO 8601 UTC, empty fields for nulls, gzip).

Columns cover every Strata type, with nulls: trip_id int64, vendor string, pickup timestamp (UTC, µs),
pickup_date date, passengers int32, distance_km double, fare double, tip float, paid_by_card bool.
Regenerate with: python3 Fixtures/sample/make_sample.py   (needs pyarrow, numpy)
"""
import os
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

rows = 20_000
rng = np.random.default_rng(20261121)
vendors = np.array(["Yellow Cab", "Green Taxi", "Night Owl Cars", "Über Black", "Cooperativa Táxi"])

start = np.datetime64("2026-01-01T00:00:00", "us").astype(np.int64)
pickup = start + np.sort(rng.integers(0, 90 * 86_400_000_000, rows))
distance = np.round(rng.gamma(2.0, 2.5, rows), 2)
fare = np.round(3.5 + distance * 1.9 + rng.normal(0, 1.0, rows).clip(-2, 5), 2)
tip = np.round(fare * rng.choice([0, 0.1, 0.15, 0.2], rows), 2).astype(np.float32)

def with_nulls(values, fraction):
    mask = rng.random(rows) < fraction
    return pa.array(values, mask=mask)

table = pa.table({
    "trip_id": pa.array(np.arange(1, rows + 1, dtype=np.int64)),
    "vendor": with_nulls(vendors[rng.integers(0, len(vendors), rows)], 0.01),
    "pickup": pa.array(pickup, type=pa.timestamp("us", tz="UTC")),
    "pickup_date": pa.array((pickup // 86_400_000_000).astype(np.int32), type=pa.date32()),
    "passengers": with_nulls(rng.integers(1, 7, rows).astype(np.int32), 0.02),
    "distance_km": with_nulls(distance, 0.005),
    "fare": pa.array(fare),
    "tip": with_nulls(tip, 0.03),
    "paid_by_card": with_nulls(rng.random(rows) < 0.7, 0.01),
})
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trips.parquet")
pq.write_table(table, out, compression="snappy", row_group_size=8_000)
print(out, os.path.getsize(out), "bytes")

# The same rows as gzip-compressed CSV (what most users start from). The header names the columns; nulls are empty.
import gzip
import pyarrow.csv as pacsv
import io
buffer = io.BytesIO()
pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=True))
csv_out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trips.csv.gz")
with open(csv_out, "wb") as f:
    # mtime=0 keeps the file byte-identical across runs.
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(buffer.getvalue())
print(csv_out, os.path.getsize(csv_out), "bytes")
