#!/usr/bin/env python3
"""The h2oai db-benchmark join data (its _data/join-datagen.R, NA = 0, random order), generated with numpy.

    python3 Benchmarks/compare/join_datagen.py N [outdir]        (N >= 1e7; needs numpy and pyarrow)

Writes four CSV files with a header, named as db-benchmark names them for N = 1e7:
  J1_1e7_NA_0_0.csv   x:      N rows       id1, id2, id3 (integers), id4, id5, id6 ("id" + id1/id2/id3), v1
  J1_1e7_1e1_0_0.csv  small:  N/1e6 rows   id1, id4, v2
  J1_1e7_1e4_0_0.csv  medium: N/1e3 rows   id1, id2, id4, id5, v2
  J1_1e7_1e7_0_0.csv  big:    N rows       id1, id2, id3, id4, id5, id6, v2

The procedure is the R script's (the random numbers are numpy's, so the files are not byte for byte db-benchmark's):
1. Keys: for each of n = N/1e6, N/1e3 and N, the numbers 1..1.1n shuffled and split into x (the first 0.9n),
   l (the next 0.1n) and r (the last 0.1n): x is shared by both sides, l only on the left, r only on the right.
2. The left table draws id1, id2, id3 from x ∪ l of each key with `sample_all(keys, N)`: every key once, the
   rest sampled with replacement, shuffled; so id3 (N keys for N rows) is unique. v1 = round(uniform(0, 100), 6).
3. Each right table draws from x ∪ r the same way (small: id1 over N/1e6 rows; medium: id1 and id2 over N/1e3
   rows; big: id1, id2, id3 over N rows); its join key (small.id1, medium.id2, big.id3) is therefore unique, and
   about 10% of the keys of each side have no partner. v2 = round(uniform(0, 100), 6).
4. id4, id5, id6 are "id" followed by id1, id2, id3; v1 and v2 come last.
"""
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

SEED = 108


def pretty_sci(n: int) -> str:
    s = "%d" % n
    return "%se%d" % (s[0], len(s) - 1)


def split_xlr(rng, n: int):
    keys = rng.permutation(int(n * 1.1)) + 1
    shared = int(n * 0.9)
    return {"x": keys[:shared], "l": keys[shared:n], "r": keys[n:]}


def sample_all(rng, keys: np.ndarray, size: int) -> np.ndarray:
    if len(keys) > size:
        raise ValueError("sample_all needs at least as many draws as keys")
    drawn = np.concatenate([keys, rng.choice(keys, size - len(keys), replace=True)])
    rng.shuffle(drawn)
    return drawn


def ids(values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise("id", pc.cast(pa.array(values), pa.string()), "")


def write(path: str, columns: dict) -> None:
    table = pa.table(columns)
    with open(path + ".tmp", "wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    os.replace(path + ".tmp", path)
    print(f"wrote {path}: {table.num_rows} rows", file=sys.stderr)


def table(rng, keys: list, size: int, value: str) -> dict:
    columns = {}
    for i, k in enumerate(keys, start=1):
        columns[f"id{i}"] = pa.array(sample_all(rng, k, size), pa.int64())
    for i in range(1, len(keys) + 1):
        columns[f"id{i + 3}"] = ids(columns[f"id{i}"].to_numpy())
    columns[value] = pa.array(np.round(rng.uniform(0, 100, size), 6), pa.float64())
    return columns


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    n = int(float(sys.argv[1]))
    out = sys.argv[2] if len(sys.argv) > 2 else "."
    if n < 10_000_000:
        sys.exit("N must be at least 1e7 (the small table has N/1e6 rows)")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    key1, key2, key3 = split_xlr(rng, n // 1_000_000), split_xlr(rng, n // 1_000), split_xlr(rng, n)
    name = f"J1_{pretty_sci(n)}_%s_0_0.csv"

    def side(k, which):
        return np.concatenate([k["x"], k[which]])

    write(os.path.join(out, name % "NA"),
          table(rng, [side(key1, "l"), side(key2, "l"), side(key3, "l")], n, "v1"))
    write(os.path.join(out, name % pretty_sci(n // 1_000_000)), table(rng, [side(key1, "r")], n // 1_000_000, "v2"))
    write(os.path.join(out, name % pretty_sci(n // 1_000)),
          table(rng, [side(key1, "r"), side(key2, "r")], n // 1_000, "v2"))
    write(os.path.join(out, name % pretty_sci(n)),
          table(rng, [side(key1, "r"), side(key2, "r"), side(key3, "r")], n, "v2"))


if __name__ == "__main__":
    main()
