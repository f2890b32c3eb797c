#!/usr/bin/env python3
"""Generates the group-by oracle fixtures in this directory: datasets, queries.json and the expected answers.

    python3 Fixtures/groupby/make_groupby.py [--generator ../shared/tools/gen_groupby.py]   # from the repo root

Needs duckdb (tested with 2.0.0). Everything is deterministic: rerunning rewrites the same bytes.

Datasets (gzip CSV, gzip mtime 0; a header line, NULL = an empty unquoted field, "" = the empty string):
  G1_2e4_1e2.csv.gz         `gen_groupby.py 20000 100` (db-benchmark groupby data, 20,000 rows)
  G1_2e4_1e1_nulls.csv.gz   `gen_groupby.py 20000 10`, then ~5% of the values of every column blanked (NULL) with
                            random.Random(20240611)
  mixed.csv.gz              5,000 rows of other key and value types (make_mixed below): k int64 key (NULLs, a
                            one-row group, an all-NULL-values group, a constant group), b bool, d date, ts timestamp,
                            big int64 with values near +-9.2e18 (int64 sums that overflow), i small int64, x double
                            (negatives, zeros; no -0.0, NaN or inf), q double with few distinct values (a key),
                            s string (empty strings, non-ASCII text, a comma, a quote, NULLs)

queries.json: a list of objects, each
  name      file stem of the expected answer
  dataset   file name of the dataset (table x)
  sql       DuckDB SQL over table x (generated from the structured form below, so the two always agree)
  by        group key columns; [] = a global aggregate (one row, even over no input rows)
  aggs      [[function, argument, output name(, parameter)], ...]; function one of count_star (argument null),
            count, sum, min, max, avg, var_samp, stddev_samp, count_distinct, median, quantile (parameter = the
            fraction; exact, continuous interpolation = DuckDB quantile_cont), corr (argument = [col1, col2])
  where     optional AND of conjuncts [column, op, literal...]: op = < <= > >= <> with one literal, in with a list,
            between with two (inclusive), like with a pattern (% and _, case-sensitive), is_null / is_not_null with
            none. Literals are JSON numbers, strings (also for dates "YYYY-MM-DD" and timestamps
            "YYYY-MM-DD HH:MM:SS": convert to the column's type) or booleans. A NULL value satisfies no comparison.
  post      optional [[output, op, input...]] computed from aggregate outputs after grouping: ["-", a, b] = a - b,
            ["pow2", a] = a * a (double). Aggregate outputs not listed in select are dropped afterwards.
  select    output column order (keys, aggregate outputs, post outputs)
  order     optional [[column, "asc"|"desc"], ...] (NULLS LAST), only with limit; the order is total on the answer
  limit     optional row limit
  schema    [[column, Strata type], ...] of the answer (int64, double, string, bool, date, timestamp)
  rows      number of rows of the expected answer
  expect_error  true when the query must fail (then <name>.error holds the reason and there is no <name>.csv)
  expected  path of the answer relative to this directory: expected/<name>.csv, expected/<name>.csv.gz (answers
            over 200 kB, gzip) or expected/<name>.error
  covers    what the query is for

Expected answers: expected/<name>.csv (.csv.gz when over 200 kB) in DuckDB's CSV convention: a header line, NULL an empty unquoted field,
strings quoted only when empty ("") or holding a comma, quote, CR or LF (quotes doubled), integers plain, doubles
Python repr() (shortest round-trip: 0.1, 1e-05, 2.5e+20, 3.0, nan), dates YYYY-MM-DD, timestamps
YYYY-MM-DDTHH:MM:SS (Python isoformat(): a .ffffff fraction only when not zero), booleans true/false. Without
order, the rows are sorted by every output column, ascending, NULLS LAST (NaN after every number, before NULL;
strings by UTF-8 bytes; false before true).

Before writing, every query is also evaluated by a small reference implementation of the structured form (exact
rational arithmetic; DuckDB's NULL, NaN and interpolation rules), which must agree with DuckDB's answer to the
SQL: doubles to 1e-9 relative (or 1e-12 absolute), medians, quantiles, min, max and everything else exactly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_GENERATOR = os.path.join(os.path.dirname(ROOT), "shared", "tools", "gen_groupby.py")

G1 = "G1_2e4_1e2.csv.gz"
G1_NULLS = "G1_2e4_1e1_nulls.csv.gz"
MIXED = "mixed.csv.gz"
NULLS_SEED = 20240611
MIXED_SEED = 20240612
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
GZIP_ABOVE = 200_000  # expected answers larger than this (bytes) are stored as <name>.csv.gz

G1_TYPES = {"id1": "string", "id2": "string", "id3": "string", "id4": "int64", "id5": "int64", "id6": "int64",
            "v1": "int64", "v2": "int64", "v3": "double"}
MIXED_TYPES = {"k": "int64", "b": "bool", "d": "date", "ts": "timestamp", "big": "int64", "i": "int64",
               "x": "double", "q": "double", "s": "string"}
TYPES = {G1: G1_TYPES, G1_NULLS: G1_TYPES, MIXED: MIXED_TYPES}
DUCKDB_TYPE = {"int64": "BIGINT", "double": "DOUBLE", "string": "VARCHAR", "bool": "BOOLEAN", "date": "DATE",
               "timestamp": "TIMESTAMP"}
STRATA_TYPE = {"BIGINT": "int64", "HUGEINT": "int64", "DOUBLE": "double", "VARCHAR": "string", "BOOLEAN": "bool",
               "DATE": "date", "TIMESTAMP": "timestamp"}


# ---- datasets ---------------------------------------------------------------------------------------------------


def write_gz(path: str, text: str) -> None:
    """gzip with mtime 0 and no file name in the header, so the bytes only depend on the text."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as z:
        z.write(text.encode("utf-8"))


def run_generator(generator: str, n: int, k: int, tmp: str) -> str:
    subprocess.run([sys.executable, generator, str(n), str(k), tmp], check=True)
    name = "G1_%s_%s_0_0.csv" % (pretty_sci(n), pretty_sci(k))
    with open(os.path.join(tmp, name), encoding="utf-8") as f:
        return f.read()


def pretty_sci(n: int) -> str:
    s = "%d" % n
    return "%se%d" % (s[0], len(s) - 1)


def blank_values(text: str, seed: int, share: float = 0.05) -> str:
    """Blanks (NULL) about `share` of the fields of every data line."""
    rng = random.Random(seed)
    lines = text.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        out.append(",".join("" if rng.random() < share else v for v in line.split(",")))
    return "\n".join(out) + "\n"


def csv_field(v, ts_sep: str = " ") -> str:
    """One CSV field: NULL empty, booleans true/false, doubles repr(), timestamps YYYY-MM-DD<ts_sep>HH:MM:SS (a
    .ffffff fraction only when not zero), dates YYYY-MM-DD, strings quoted when needed."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat(ts_sep) if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, str):
        return quote_csv(v)
    return str(v)


def quote_csv(s: str) -> str:
    if s == "" or any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


STRINGS = ["", "apple", "Apple", "ab", "abc", "zebra", "é", "éclair", "naïve", "Zürich", "ß", "Ωmega", "日本語",
           "🙂smile", "a,b", 'say "hi"']
HUGE = {1: 9_000_000_000_000_000_011, 2: 9_100_000_000_000_000_007, 3: -9_200_000_000_000_000_003,
        4: -9_000_000_000_000_000_005, 5: 9_200_000_000_000_000_123, 6: INT64_MIN}


def make_mixed(n: int = 5000) -> str:
    """The mixed-types dataset. Every k group holds at most one huge `big` value and the other `big` values are in
    [0, 1e6], so sum(big) per k stays in int64 whatever the summation order; the positive huge values all have
    b = true, so sum(big) over big > 0 grouped by b overflows int64 whatever the order."""
    rng = random.Random(MIXED_SEED)
    epoch = dt.date(1970, 1, 1)
    dates = sorted({epoch + dt.timedelta(days=rng.randint(-2000, 24000)) for _ in range(300)})
    stamps = sorted({dt.datetime(1970, 1, 1) + dt.timedelta(seconds=rng.randint(-400_000_000, 2_100_000_000))
                     for _ in range(500)} | {dt.datetime(2000, 1, 1), dt.datetime(1969, 12, 31, 23, 59, 59)})
    qs = [0.5, -1.25, 0.0, 3.0, 1e-05, 2.5e+20, -7.75]

    def maybe(p, v):
        return None if rng.random() < p else v

    rows = []
    for r in range(n):
        x = maybe(0.03, 0.0 if rng.random() < 0.1 else round(rng.uniform(-100, 100), 3))
        if x == 0:
            x = 0.0  # never -0.0
        row = {"k": maybe(0.02, rng.randint(1, 25)), "b": maybe(0.05, rng.random() < 0.5),
               "d": maybe(0.03, rng.choice(dates)), "ts": maybe(0.03, rng.choice(stamps)),
               "big": maybe(0.02, rng.randint(0, 1_000_000)), "i": maybe(0.05, rng.randint(-50, 50)), "x": x,
               "q": maybe(0.05, rng.choice(qs)), "s": maybe(0.05, rng.choice(STRINGS))}
        rows.append(row)
    for j, (k, v) in enumerate(HUGE.items()):  # one huge value in groups k = 1..6
        rows[10 + j].update(k=k, big=v, b=True if v > 0 else rows[10 + j]["b"])
    rows[0].update(k=0, i=7, x=1.5)  # a group of one row: var/stddev NULL, corr NaN
    for r in (1, 2):  # a group whose value columns are all NULL
        rows[r].update(k=26, big=None, i=None, x=None, q=None, s=None, b=None, d=None, ts=None)
    for r in (3, 4, 5):  # a constant group: variance 0, corr NaN
        rows[r].update(k=27, i=4, x=2.25, big=12)
    cols = list(MIXED_TYPES)
    lines = [",".join(cols)] + [",".join(csv_field(row[c]) for c in cols) for row in rows]
    return "\n".join(lines) + "\n"


# ---- queries ----------------------------------------------------------------------------------------------------


def Q(name, dataset, by, aggs, select=None, where=None, post=None, order=None, limit=None, expect_error=False,
      covers=""):
    q = {"name": name, "dataset": dataset, "by": by, "aggs": aggs}
    if where:
        q["where"] = where
    if post:
        q["post"] = post
    q["select"] = select or (by + [a[2] for a in aggs])
    if order:
        q["order"], q["limit"] = order, limit
    if expect_error:
        q["expect_error"] = True
    q["covers"] = covers
    return q


def nine(dataset: str, prefix: str, what: str) -> list:
    return [
        Q(f"{prefix}_q1", dataset, ["id1"], [["sum", "v1", "v1"]], covers=f"q1 {what}: sum by a 100-value string"),
        Q(f"{prefix}_q2", dataset, ["id1", "id2"], [["sum", "v1", "v1"]], covers=f"q2 {what}: two string keys"),
        Q(f"{prefix}_q3", dataset, ["id3"], [["sum", "v1", "v1"], ["avg", "v3", "v3"]],
          covers=f"q3 {what}: sum and avg by a high-cardinality string"),
        Q(f"{prefix}_q4", dataset, ["id4"], [["avg", "v1", "v1"], ["avg", "v2", "v2"], ["avg", "v3", "v3"]],
          covers=f"q4 {what}: avg of ints and doubles by an int"),
        Q(f"{prefix}_q5", dataset, ["id6"], [["sum", "v1", "v1"], ["sum", "v2", "v2"], ["sum", "v3", "v3"]],
          covers=f"q5 {what}: sums by a high-cardinality int"),
        Q(f"{prefix}_q6", dataset, ["id4", "id5"], [["median", "v3", "median_v3"], ["stddev_samp", "v3", "sd_v3"]],
          covers=f"q6 {what}: median and stddev_samp by two ints"),
        Q(f"{prefix}_q7", dataset, ["id3"], [["max", "v1", "max_v1"], ["min", "v2", "min_v2"]],
          post=[["range_v1_v2", "-", "max_v1", "min_v2"]], select=["id3", "range_v1_v2"],
          covers=f"q7 {what}: max - min after grouping"),
        Q(f"{prefix}_q9", dataset, ["id2", "id4"], [["corr", ["v1", "v2"], "r"]], post=[["r2", "pow2", "r"]],
          select=["id2", "id4", "r2"], covers=f"q9 {what}: squared correlation (NaN for 1-row or constant groups)"),
        Q(f"{prefix}_q10", dataset, ["id1", "id2", "id3", "id4", "id5", "id6"],
          [["sum", "v3", "v3"], ["count_star", None, "count"]], covers=f"q10 {what}: six keys, nearly one row per group"),
    ]


def all_aggs_global(col_f="v3", col_i="v1", col_s="id3"):
    return [["count_star", None, "n"], ["count", col_f, "n_f"], ["sum", col_i, "sum_i"], ["sum", col_f, "sum_f"],
            ["avg", col_f, "avg_f"], ["min", col_s, "min_s"], ["max", col_s, "max_s"], ["min", col_f, "min_f"],
            ["max", col_i, "max_i"], ["median", col_f, "median_f"], ["quantile", col_f, "q90_f", 0.9],
            ["var_samp", col_f, "var_f"], ["stddev_samp", col_i, "sd_i"], ["count_distinct", col_s, "nd_s"],
            ["corr", [col_i, col_f], "r"]]


def g1_queries() -> list:
    qs = nine(G1, "g1", "on G1_2e4_1e2") + nine(G1_NULLS, "nulls", "on the NULL-sprinkled data")
    qs += [
        Q("g1_global", G1, [], all_aggs_global(), covers="global aggregate (no GROUP BY) of every function"),
        Q("g1_global_empty", G1, [], all_aggs_global(), where=[["v1", ">", 5]],
          covers="global aggregate over no rows: one row, counts 0, everything else NULL"),
        Q("g1_grouped_empty", G1, ["id1"], [["sum", "v1", "v1"], ["count_star", None, "n"]],
          where=[["id1", "=", "id999"]], covers="grouped aggregate over no rows: no rows"),
        Q("nulls_global", G1_NULLS, [], all_aggs_global(), covers="global aggregate of every function with NULLs"),
        Q("g1_quantiles", G1, ["id4"], [["quantile", "v3", "q90", 0.9], ["quantile", "v1", "q25", 0.25],
                                        ["median", "v1", "median_v1"], ["count_distinct", "id6", "nd_id6"],
                                        ["var_samp", "v2", "var_v2"], ["min", "v3", "min_v3"],
                                        ["max", "v3", "max_v3"]],
          covers="quantile_cont at 0.9 and 0.25, median of ints (double), count_distinct of ints, var_samp"),
        Q("nulls_quantiles", G1_NULLS, ["id4"], [["quantile", "v3", "q90", 0.9], ["median", "v1", "median_v1"],
                                                 ["count_distinct", "id3", "nd_id3"], ["count", "v3", "n_v3"],
                                                 ["min", "id2", "min_id2"], ["max", "id2", "max_id2"]],
          covers="quantiles, count, count_distinct, min/max of strings with NULL inputs and a NULL key"),
        Q("g1_top_v3", G1, ["id3"], [["sum", "v3", "v3"]], order=[["v3", "desc"]], limit=10,
          covers="top-N: ORDER BY a double sum DESC LIMIT 10 (no ties)"),
        Q("g1_top_count", G1, ["id1", "id2"], [["count_star", None, "n"], ["sum", "v1", "v1"]],
          order=[["n", "desc"], ["v1", "desc"], ["id1", "asc"], ["id2", "asc"]], limit=7,
          covers="top-N on counts with the tie order fully specified"),
        Q("g1_bottom_id6", G1, ["id6"], [["avg", "v3", "v3"]], order=[["v3", "asc"]], limit=5,
          covers="bottom-N: ORDER BY avg ASC LIMIT 5"),
        Q("nulls_top_id4", G1_NULLS, ["id4"], [["sum", "v2", "v2"]], order=[["id4", "desc"]], limit=11,
          covers="ORDER BY a key DESC NULLS LAST: the NULL group comes last"),
        # filters, one operator each
        Q("g1_f_eq", G1, ["id2"], [["sum", "v1", "v1"]], where=[["id1", "=", "id042"]], covers="filter = on a string"),
        Q("g1_f_ne", G1, ["id5"], [["count_star", None, "n"]], where=[["id4", "<>", 5]], covers="filter <> on an int"),
        Q("g1_f_lt", G1, ["id1"], [["avg", "v3", "v3"]], where=[["v3", "<", 10.5]], covers="filter < on a double"),
        Q("g1_f_le", G1, ["id4"], [["sum", "v2", "v2"]], where=[["v1", "<=", 2]], covers="filter <= on an int"),
        Q("g1_f_gt", G1, ["id1"], [["count_star", None, "n"], ["max", "v3", "max_v3"]], where=[["v2", ">", 10]],
          covers="filter > on an int"),
        Q("g1_f_ge", G1, ["id4"], [["min", "v3", "min_v3"]], where=[["id6", ">=", 150]], covers="filter >= on an int"),
        Q("g1_f_in", G1, ["id1", "id4"], [["sum", "v1", "v1"]],
          where=[["id1", "in", ["id001", "id002", "id050", "id100", "nope"]]], covers="filter IN on a string"),
        Q("g1_f_in_int", G1, ["id5"], [["sum", "v3", "v3"]], where=[["id4", "in", [1, 2, 3, 99, 1000]]],
          covers="filter IN on an int"),
        Q("g1_f_between", G1, ["id5"], [["count_star", None, "n"], ["sum", "v3", "v3"]],
          where=[["v3", "between", 25, 75.5]], covers="filter BETWEEN (inclusive) on a double"),
        Q("g1_f_like", G1, ["id1"], [["count_star", None, "n"]], where=[["id3", "like", "id00000001%"]],
          covers="filter LIKE prefix%"),
        Q("g1_f_like_underscore", G1, ["id2"], [["count_star", None, "n"]], where=[["id1", "like", "id_1_"]],
          covers="filter LIKE with _ wildcards"),
        Q("g1_f_and", G1, ["id2"], [["sum", "v1", "v1"], ["avg", "v3", "v3"]],
          where=[["v1", ">", 2], ["id2", "in", ["id001", "id010", "id020"]], ["v3", "is_not_null"]],
          covers="AND of three conjuncts"),
        Q("nulls_f_is_null", G1_NULLS, ["id2"], [["count_star", None, "n"], ["sum", "v1", "v1"]],
          where=[["id1", "is_null"]], covers="filter IS NULL on a string"),
        Q("nulls_f_is_not_null", G1_NULLS, ["id1"], [["avg", "v3", "v3"], ["count_star", None, "n"]],
          where=[["v3", "is_not_null"]], covers="filter IS NOT NULL on a double"),
        Q("nulls_f_ne", G1_NULLS, ["id4"], [["count_star", None, "n"]], where=[["id1", "<>", "id001"]],
          covers="filter <> drops NULL inputs"),
        Q("nulls_f_in", G1_NULLS, ["id1"], [["count", "v1", "n_v1"]], where=[["id5", "in", [1, 2]]],
          covers="filter IN drops NULL inputs"),
    ]
    return qs


def mixed_queries() -> list:
    M = MIXED
    return [
        Q("mixed_minmax", M, ["k"], [["min", "s", "min_s"], ["max", "s", "max_s"], ["min", "d", "min_d"],
                                     ["max", "d", "max_d"], ["min", "ts", "min_ts"], ["max", "ts", "max_ts"],
                                     ["min", "b", "min_b"], ["max", "b", "max_b"], ["min", "x", "min_x"],
                                     ["max", "x", "max_x"], ["min", "big", "min_big"], ["max", "big", "max_big"]],
          covers="min/max of strings (UTF-8 byte order), dates, timestamps, bools, doubles, int64 extremes"),
        Q("mixed_counts", M, ["k"], [["count_star", None, "n"], ["count", "s", "n_s"], ["count", "b", "n_b"],
                                     ["count", "ts", "n_ts"], ["count_distinct", "s", "nd_s"],
                                     ["count_distinct", "i", "nd_i"], ["count_distinct", "d", "nd_d"]],
          covers="count, count(col) skipping NULLs, count_distinct of strings, ints and dates"),
        Q("mixed_sums", M, ["k"], [["sum", "i", "sum_i"], ["avg", "i", "avg_i"], ["sum", "x", "sum_x"],
                                   ["avg", "x", "avg_x"], ["sum", "big", "sum_big"], ["avg", "big", "avg_big"]],
          covers="sum/avg of ints and doubles; int64 sums near +-9.2e18 that stay in range; all-NULL group"),
        Q("mixed_var", M, ["k"], [["var_samp", "x", "var_x"], ["stddev_samp", "x", "sd_x"],
                                  ["var_samp", "i", "var_i"], ["stddev_samp", "i", "sd_i"]],
          covers="var_samp/stddev_samp of doubles and ints; NULL for a 1-row group, 0 for a constant group"),
        Q("mixed_quantiles", M, ["k"], [["median", "i", "median_i"], ["median", "x", "median_x"],
                                        ["quantile", "x", "q90_x", 0.9], ["quantile", "i", "q25_i", 0.25],
                                        ["quantile", "x", "q0_x", 0.0], ["quantile", "x", "q100_x", 1.0]],
          covers="median of ints (double) and doubles, quantile_cont at 0.9, 0.25, 0 and 1"),
        Q("mixed_corr", M, ["k"], [["corr", ["i", "x"], "r"]], post=[["r2", "pow2", "r"]], select=["k", "r", "r2"],
          covers="corr of int and double: NaN for 1-row/constant groups, NULL when no pair is non-NULL"),
        Q("mixed_by_bool", M, ["b"], [["count_star", None, "n"], ["sum", "i", "sum_i"], ["min", "s", "min_s"],
                                      ["max", "ts", "max_ts"]], covers="group by a bool (with a NULL group)"),
        Q("mixed_by_date", M, ["d"], [["count_star", None, "n"], ["sum", "i", "sum_i"], ["max", "x", "max_x"]],
          covers="group by a date (pre-1970 dates, NULL group)"),
        Q("mixed_by_ts", M, ["ts"], [["count_star", None, "n"], ["min", "d", "min_d"]],
          covers="group by a timestamp (pre-1970 instants, NULL group)"),
        Q("mixed_by_double", M, ["q"], [["count_star", None, "n"], ["sum", "x", "sum_x"], ["avg", "i", "avg_i"]],
          covers="group by a double (0.0 but no -0.0, 1e-05, 2.5e+20; NULL group)"),
        Q("mixed_by_string", M, ["s"], [["count_star", None, "n"], ["count_distinct", "k", "nd_k"],
                                        ["min", "d", "min_d"]],
          covers="group by a string: empty string and NULL are different groups; non-ASCII keys"),
        Q("mixed_by_multi", M, ["b", "s", "k"], [["count_star", None, "n"], ["sum", "i", "sum_i"]],
          covers="three keys of different types, NULLs in every key"),
        Q("mixed_by_date_bool", M, ["d", "b"], [["sum", "x", "sum_x"], ["max", "s", "max_s"]],
          covers="date and bool keys together"),
        Q("mixed_global", M, [], [["count_star", None, "n"], ["count", "s", "n_s"], ["count_distinct", "s", "nd_s"],
                                  ["min", "s", "min_s"], ["max", "s", "max_s"], ["min", "d", "min_d"],
                                  ["max", "ts", "max_ts"], ["min", "b", "min_b"], ["max", "big", "max_big"],
                                  ["min", "big", "min_big"], ["sum", "i", "sum_i"], ["avg", "x", "avg_x"],
                                  ["median", "x", "median_x"], ["stddev_samp", "i", "sd_i"]],
          covers="global aggregate over every type"),
        Q("mixed_global_empty", M, [], [["count_star", None, "n"], ["count", "s", "n_s"],
                                        ["count_distinct", "s", "nd_s"], ["min", "s", "min_s"],
                                        ["max", "ts", "max_ts"], ["min", "b", "min_b"], ["sum", "big", "sum_big"],
                                        ["avg", "x", "avg_x"], ["median", "i", "median_i"],
                                        ["var_samp", "x", "var_x"], ["corr", ["i", "x"], "r"]],
          where=[["d", "<", "1900-01-01"]], covers="global aggregate over no rows: counts 0, NULL otherwise"),
        Q("mixed_overflow", M, ["b"], [["sum", "big", "sum_big"]], where=[["big", ">", 0]], expect_error=True,
          covers="int64 sum overflow: an error (DuckDB's HUGEINT sum would succeed)"),
        Q("mixed_overflow_global", M, [], [["sum", "big", "sum_big"]], where=[["big", ">=", 9_000_000_000_000_000_000]],
          expect_error=True, covers="int64 sum overflow in a global aggregate: an error"),
        Q("mixed_big_in_range", M, ["k"], [["sum", "big", "sum_big"], ["count", "big", "n_big"]],
          where=[["k", "between", 1, 6]], covers="int64 sums of one huge value plus small ones: exact, no overflow"),
        Q("mixed_f_date", M, ["b"], [["count_star", None, "n"]], where=[["d", "between", "1969-06-01", "2001-12-31"]],
          covers="filter BETWEEN on a date"),
        Q("mixed_f_ts", M, ["k"], [["count_star", None, "n"], ["min", "ts", "min_ts"]],
          where=[["ts", ">=", "1999-12-31 23:59:59"]], covers="filter >= on a timestamp"),
        Q("mixed_f_ts_lt", M, ["b"], [["count_star", None, "n"]], where=[["ts", "<", "1970-01-01 00:00:00"]],
          covers="filter < on a timestamp (before the epoch)"),
        Q("mixed_f_bool", M, ["k"], [["count_star", None, "n"], ["sum", "x", "sum_x"]], where=[["b", "=", True]],
          covers="filter = on a bool"),
        Q("mixed_f_empty_string", M, ["k"], [["count_star", None, "n"]], where=[["s", "=", ""]],
          covers="filter = '' matches empty strings, not NULLs"),
        Q("mixed_f_not_empty_string", M, ["b"], [["count_star", None, "n"]], where=[["s", "<>", ""]],
          covers="filter <> '' drops empty strings and NULLs"),
        Q("mixed_f_like_utf8", M, ["s"], [["count_star", None, "n"]], where=[["s", "like", "%é%"]],
          covers="LIKE %é% with a non-ASCII character"),
        Q("mixed_f_like_one", M, ["s"], [["count_star", None, "n"]], where=[["s", "like", "_"]],
          covers="LIKE '_' matches one-character strings (é, ß are one character)"),
        Q("mixed_f_string_lt", M, ["s"], [["count_star", None, "n"]], where=[["s", "<", "b"]],
          covers="filter < on strings (byte order: 'Apple' < 'Zürich' < 'ab' < 'b')"),
        Q("mixed_f_double_key", M, ["q"], [["count_star", None, "n"]], where=[["q", "in", [0.0, 1e-05, 2.5e+20]]],
          covers="filter IN on a double"),
        Q("mixed_f_is_null_multi", M, ["k"], [["count_star", None, "n"]], where=[["s", "is_null"], ["b", "is_not_null"]],
          covers="IS NULL and IS NOT NULL together"),
        Q("mixed_top", M, ["k"], [["sum", "i", "sum_i"], ["count_star", None, "n"]],
          order=[["sum_i", "desc"], ["k", "asc"]], limit=5, covers="top-N on an int sum, ties broken by the key"),
        Q("mixed_top_date", M, ["d"], [["count_star", None, "n"]], order=[["d", "desc"]], limit=3,
          covers="top-N on a date key DESC NULLS LAST"),
    ]


# ---- SQL from the structured form -------------------------------------------------------------------------------


def sql_literal(v, typ: str) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if typ == "date":
        return f"DATE '{v}'"
    if typ == "timestamp":
        return f"TIMESTAMP '{v}'"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    if isinstance(v, float):
        return repr(v)
    return str(v)


SQL_AGGREGATE = {"count_star": "count(*)", "count_distinct": "count(DISTINCT {0})",
                 "quantile": "quantile_cont({0}, {param!r})", "corr": "corr({0}, {1})"}


def agg_sql(a) -> str:
    args = a[1] if isinstance(a[1], list) else [a[1]]
    return SQL_AGGREGATE.get(a[0], a[0] + "({0})").format(*args, param=a[3] if len(a) > 3 else None)


def conjunct_sql(c, types) -> str:
    col, op, args = c[0], c[1], c[2:]
    t = types[col]
    if op == "is_null":
        return f"{col} IS NULL"
    if op == "is_not_null":
        return f"{col} IS NOT NULL"
    if op == "in":
        return f"{col} IN ({', '.join(sql_literal(v, t) for v in args[0])})"
    if op == "between":
        return f"{col} BETWEEN {sql_literal(args[0], t)} AND {sql_literal(args[1], t)}"
    if op == "like":
        return f"{col} LIKE {sql_literal(args[0], t)}"
    return f"{col} {op} {sql_literal(args[0], t)}"


def to_sql(q: dict) -> str:
    types = TYPES[q["dataset"]]
    exprs = {a[2]: agg_sql(a) for a in q["aggs"]}
    for p in q.get("post", []):
        out, op, ins = p[0], p[1], p[2:]
        exprs[out] = f"{exprs[ins[0]]} - {exprs[ins[1]]}" if op == "-" else f"pow({exprs[ins[0]]}, 2)"
    items = [c if c in q["by"] else f"{exprs[c]} AS {c}" for c in q["select"]]
    sql = f"SELECT {', '.join(items)} FROM x"
    if q.get("where"):
        sql += " WHERE " + " AND ".join(conjunct_sql(c, types) for c in q["where"])
    if q["by"]:
        sql += " GROUP BY " + ", ".join(q["by"])
    if q.get("order"):
        sql += " ORDER BY " + ", ".join(f"{c} {d.upper()} NULLS LAST" for c, d in q["order"])
        sql += f" LIMIT {q['limit']}"
    return sql


# ---- reference evaluation of the structured form ----------------------------------------------------------------


def literal(v, typ):
    if typ == "date" and isinstance(v, str):
        return dt.date.fromisoformat(v)
    if typ == "timestamp" and isinstance(v, str):
        return dt.datetime.fromisoformat(v)
    return v


def like_regex(pattern: str):
    return re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern) + r"\Z",
                      re.DOTALL)


def passes(row: dict, c, types) -> bool:
    col, op, args = c[0], c[1], c[2:]
    v = row[col]
    if op == "is_null":
        return v is None
    if op == "is_not_null":
        return v is not None
    if v is None:
        return False
    t = types[col]
    if op == "in":
        return any(v == literal(a, t) for a in args[0])
    if op == "between":
        return literal(args[0], t) <= v <= literal(args[1], t)
    if op == "like":
        return like_regex(args[0]).match(v) is not None
    a = literal(args[0], t)
    return {"=": v == a, "<>": v != a, "<": v < a, "<=": v <= a, ">": v > a, ">=": v >= a}[op]


def quantile_cont(values, frac: float):
    """DuckDB quantile_cont: pos = (n - 1) * frac; the value at floor(pos) when pos is whole, else
    fma(lo, 1 - d, hi * d) with d = pos - floor(pos): lo * (1 - d) + hi * d with the first product and the sum
    rounded once (Swift: (hi * d).addingProduct(lo, 1 - d)), in doubles (integers converted to double first)."""
    if not values:
        return None
    xs = sorted(float(v) for v in values)
    pos = (len(xs) - 1) * frac
    lo, hi = math.floor(pos), math.ceil(pos)
    d = pos - lo
    return xs[lo] if lo == hi else float(Fraction(xs[lo]) * Fraction(1.0 - d) + Fraction(xs[hi] * d))


def aggregate(fn: str, vals: list, param=None):
    if fn == "count_star":
        return len(vals)
    if fn == "corr":
        pairs = [(Fraction(a), Fraction(b)) for a, b in vals if a is not None and b is not None]
        if not pairs:
            return None
        n = len(pairs)
        sx, sy = sum(a for a, _ in pairs), sum(b for _, b in pairs)
        cov = sum(a * b for a, b in pairs) - sx * sy / n
        vx, vy = sum(a * a for a, _ in pairs) - sx * sx / n, sum(b * b for _, b in pairs) - sy * sy / n
        return math.nan if vx == 0 or vy == 0 else float(cov) / math.sqrt(float(vx * vy))
    vals = [v for v in vals if v is not None]
    if fn == "count":
        return len(vals)
    if fn == "count_distinct":
        return len(set(vals))
    if not vals:
        return None
    if fn in ("min", "max"):
        return (min if fn == "min" else max)(vals)
    if fn == "median":
        return quantile_cont(vals, 0.5)
    if fn == "quantile":
        return quantile_cont(vals, param)
    exact = [Fraction(v) for v in vals]
    total = sum(exact)
    if fn == "sum":
        return int(total) if all(isinstance(v, int) for v in vals) else float(total)
    if fn == "avg":
        return float(total / len(exact))
    if len(exact) < 2:
        return None
    var = (sum(v * v for v in exact) - total * total / len(exact)) / (len(exact) - 1)
    return float(var) if fn == "var_samp" else math.sqrt(float(var))


def sort_key(row, order=None):
    """NULLS LAST, NaN after numbers; `order` = [(index, descending)]."""
    key = []
    for i, desc in order or [(i, False) for i in range(len(row))]:
        v = row[i]
        rank = 2 if v is None else 1 if isinstance(v, float) and math.isnan(v) else 0
        key.append((rank, Desc(v) if desc and rank == 0 else v if rank == 0 else 0))
    return key


class Desc:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return other.v < self.v

    def __eq__(self, other):
        return self.v == other.v


def evaluate(q: dict, rows: list) -> list:
    types = TYPES[q["dataset"]]
    rows = [r for r in rows if all(passes(r, c, types) for c in q.get("where", []))]
    groups: dict = {}
    if not q["by"]:
        groups[()] = []
    for r in rows:
        groups.setdefault(tuple(r[k] for k in q["by"]), []).append(r)
    out = []
    for key, members in groups.items():
        vals = dict(zip(q["by"], key))
        for a in q["aggs"]:
            fn, arg = a[0], a[1]
            col = [None] * len(members) if arg is None else [
                tuple(m[c] for c in arg) if isinstance(arg, list) else m[arg] for m in members]
            vals[a[2]] = aggregate(fn, col, a[3] if len(a) > 3 else None)
        for p in q.get("post", []):
            ins = [vals[i] for i in p[2:]]
            if any(v is None for v in ins):
                vals[p[0]] = None
            else:
                vals[p[0]] = ins[0] - ins[1] if p[1] == "-" else float(ins[0]) * float(ins[0])
        out.append(tuple(vals[c] for c in q["select"]))
    if q.get("order"):
        idx = [(q["select"].index(c), d == "desc") for c, d in q["order"]]
        return sorted(out, key=lambda r: sort_key(r, idx))[:q["limit"]]
    return sorted(out, key=sort_key)


EXACT_FUNCTIONS = {"min", "max", "median", "quantile", "count", "count_star", "count_distinct"}


def same_value(a, b, exact: bool) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return False
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b if exact else math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b and isinstance(a, bool) == isinstance(b, bool)


# ---- expected answers -------------------------------------------------------------------------------------------


def load(con, path: str, types: dict) -> list:
    cols = ", ".join(f"'{c}': '{DUCKDB_TYPE[t]}'" for c, t in types.items())
    con.execute("DROP TABLE IF EXISTS x")
    con.execute(f"CREATE TABLE x AS SELECT * FROM read_csv('{path}', header = true, delim = ',', quote = '\"', "
                f"escape = '\"', columns = {{{cols}}}, allow_quoted_nulls = false, auto_detect = false)")
    names = list(types)
    return [dict(zip(names, r)) for r in con.execute("SELECT * FROM x").fetchall()]


def check_total_order(con, q: dict, sql: str) -> None:
    """An ORDER BY ... LIMIT answer must not depend on how ties or near-equal doubles are broken."""
    keys = [c for c, _ in q["order"]]
    full = con.execute(sql.rsplit(" LIMIT ", 1)[0]).fetchall()
    cols = [q["select"].index(c) for c in keys]
    tuples = [tuple(r[i] for i in cols) for r in full]
    if len(set(tuples)) != len(tuples):
        sys.exit(f"{q['name']}: the ORDER BY keys have ties")
    for a, b in zip(tuples[:q["limit"]], tuples[1:q["limit"] + 1]):
        for x, y in zip(a, b):
            if isinstance(x, float) and isinstance(y, float) and math.isclose(x, y, rel_tol=1e-7):
                sys.exit(f"{q['name']}: near-tie {x!r} / {y!r} within the first {q['limit'] + 1} rows")
            if x != y:
                break


def answer(con, q: dict, rows: list, out_dir: str) -> None:
    sql = q["sql"]
    if not q.get("order"):
        sql = f"SELECT * FROM ({sql}) ORDER BY " + ", ".join(f"{c} ASC NULLS LAST" for c in q["select"])
    else:
        check_total_order(con, q, sql)
    res = con.execute(sql)
    types = [STRATA_TYPE[str(d[1])] for d in res.description]
    got = res.fetchall()
    names = [d[0] for d in res.description]
    if names != q["select"]:
        sys.exit(f"{q['name']}: DuckDB's columns {names} are not {q['select']}")
    q["schema"] = [[c, t] for c, t in zip(names, types)]
    overflow = [(c, v) for r in got for c, v in zip(names, r)
                if isinstance(v, int) and not isinstance(v, bool) and not INT64_MIN <= v <= INT64_MAX]
    if bool(overflow) != bool(q.get("expect_error")):
        sys.exit(f"{q['name']}: expect_error is {q.get('expect_error', False)} but int64 overflow is {overflow}")
    ref = evaluate(q, rows)
    exact_cols = {a[2] for a in q["aggs"] if a[0] in EXACT_FUNCTIONS} | set(q["by"])
    if len(ref) != len(got):
        sys.exit(f"{q['name']}: reference has {len(ref)} rows, DuckDB {len(got)}")
    for rr, dr in zip(ref, got):
        for c, a, b in zip(names, rr, dr):
            if not same_value(a, b, c in exact_cols):
                sys.exit(f"{q['name']}: column {c}: reference {a!r} != DuckDB {b!r}\n  row {rr}\n  vs  {dr}")
    for ext in (".csv", ".csv.gz", ".error"):
        path = os.path.join(out_dir, q["name"] + ext)
        if os.path.exists(path):
            os.remove(path)
    if overflow:
        col, v = overflow[0]
        try:  # DuckDB's own message for the same sum narrowed to BIGINT
            con.execute(f"SELECT CAST({v} AS HUGEINT)::BIGINT").fetchall()
            msg = ""
        except duckdb.Error as e:
            msg = str(e)
        q["rows"] = None
        q["expected"] = f"expected/{q['name']}.error"
        with open(os.path.join(out_dir, q["name"] + ".error"), "w", encoding="utf-8") as f:
            f.write(f"int64 overflow: {col} = {v} is out of the int64 range (DuckDB's HUGEINT sum returns it; "
                    f"Strata sums int64 and must fail)\nDuckDB, narrowing to BIGINT: {msg}\n")
        return
    q["rows"] = len(got)
    text = ",".join(quote_csv(c) for c in names) + "\n" + "".join(
        ",".join(csv_field(v, "T") for v in r) + "\n" for r in got)
    if len(text.encode("utf-8")) > GZIP_ABOVE:
        q["expected"] = f"expected/{q['name']}.csv.gz"
        write_gz(os.path.join(out_dir, q["name"] + ".csv.gz"), text)
    else:
        q["expected"] = f"expected/{q['name']}.csv"
        with open(os.path.join(out_dir, q["name"] + ".csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)


README = """# Group-by oracle fixtures

Queries for Strata's group-by executor with the answers DuckDB gives, on three small datasets. Everything here is
written by `make_groupby.py` (do not edit by hand); the Swift tests import each dataset into a store table `x`,
translate each query's structured form into the plan builder, run it and compare with the expected answer.

## Regenerate

    python3 Fixtures/groupby/make_groupby.py --generator ../shared/tools/gen_groupby.py   # from the repository root

Needs Python 3 with duckdb (tested with {duckdb_version}) and the db-benchmark data generator `gen_groupby.py` (not
part of this repository; `--generator` is its path, default `../shared/tools/gen_groupby.py` from the repository
root). The output is deterministic: the same bytes on every run (fixed seeds, gzip with mtime 0).

Before writing anything, the script evaluates every query a second time with a small reference implementation of
the structured form in Python (exact rational arithmetic for sums, averages, variances and correlations; DuckDB's
rules for NULLs, NaN and quantile interpolation) and stops unless it agrees with DuckDB's answer to the SQL: so
`sql` and the structured form mean the same thing, and the answers do not rest on DuckDB alone. Top-N queries are
checked to have no ties (or near-ties of doubles) in their ORDER BY keys within the rows kept and the next one.

## Files

| file | what |
|---|---|
| `G1_2e4_1e2.csv.gz` | `gen_groupby.py 20000 100`: the db-benchmark groupby data, 20,000 rows (id1-id3 strings, id4-id6, v1, v2 int64, v3 double) |
| `G1_2e4_1e1_nulls.csv.gz` | `gen_groupby.py 20000 10`, then about 5% of the values of every column blanked (NULL; `random.Random({nulls_seed})`) |
| `mixed.csv.gz` | 5,000 generated rows (`random.Random({mixed_seed})`): `k` int64 key, `b` bool, `d` date, `ts` timestamp (`YYYY-MM-DD HH:MM:SS`, UTC), `big` int64 with values near ±9.2e18 and Int64.min, `i` int64 in [-50, 50], `x` double in [-100, 100] with zeros, `q` double with 7 distinct values (a key), `s` string (empty strings, non-ASCII, a comma, a quote); NULLs in every column |
| `queries.json` | the queries (format below) |
| `expected/<name>.csv` | the answer to query `<name>` (`.csv.gz` when over 200 kB) |
| `expected/<name>.error` | for a query that must fail: why, and DuckDB's message for the same failure |
| `make_groupby.py` | the generator |

The datasets are CSV with a header line; an empty unquoted field is NULL, `""` the empty string. Strata's CSV
import sniffs the types above (DuckDB loads them with exactly these types: VARCHAR, BIGINT, DOUBLE, BOOLEAN,
DATE, TIMESTAMP, `allow_quoted_nulls = false`).

Special rows of `mixed.csv.gz`: group `k = 0` has one row (var_samp/stddev_samp NULL, corr NaN); group `k = 26`
has two rows whose value columns are all NULL (sum/avg/min/max/median NULL, counts 0, corr NULL); group `k = 27`
is constant (variance 0, corr NaN); groups `k = 1..6` each hold one huge `big` value (every other `big` is in
[0, 1e6], so their int64 sums stay in range in any summation order), and the three positive huge values have
`b = true`, so `sum(big)` over `big > 0` grouped by `b` overflows whatever the order.

## queries.json

A JSON list; each query is an object:

| key | meaning |
|---|---|
| `name` | the query's name: the stem of its expected file |
| `dataset` | the dataset file, loaded as table `x` |
| `sql` | DuckDB SQL over `x`, generated from the structured form (so both always say the same) |
| `by` | group key columns; `[]` is a global aggregate: one row, even over no input rows |
| `aggs` | `[function, argument, output name]` or `[function, argument, output name, parameter]` |
| `where` | optional AND of conjuncts `[column, op, literal...]` |
| `post` | optional `[output, op, input...]` over aggregate outputs, computed after grouping |
| `select` | the output columns in order (keys, aggregate outputs, post outputs); aggregate outputs not listed are dropped |
| `order`, `limit` | optional `[[column, "asc" or "desc"], ...]` (NULLS LAST) and a row limit: a top-N query |
| `schema` | `[[column, Strata type], ...]` of the answer |
| `rows` | rows of the expected answer (null for an error) |
| `expect_error` | `true` when the query must fail (absent otherwise) |
| `expected` | the expected file, relative to this directory |
| `covers` | what the query is for |

Example:

```json
{{"name": "g1_q7", "dataset": "G1_2e4_1e2.csv.gz",
 "sql": "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
 "by": ["id3"], "aggs": [["max", "v1", "max_v1"], ["min", "v2", "min_v2"]],
 "post": [["range_v1_v2", "-", "max_v1", "min_v2"]], "select": ["id3", "range_v1_v2"],
 "schema": [["id3", "string"], ["range_v1_v2", "int64"]], "rows": 200, "expected": "expected/g1_q7.csv", "covers": "..."}}
```

**Aggregate functions** (`argument` is a column name, `null` for `count_star`, `[x, y]` for `corr`); NULL inputs
are skipped by all but `count_star`; over no non-NULL input every function but the counts returns NULL:

| function | result | notes |
|---|---|---|
| `count_star` | int64 | rows of the group |
| `count` | int64 | non-NULL values |
| `count_distinct` | int64 | distinct non-NULL values |
| `sum` | int64 for int64 input (overflow is an error), double for double | |
| `min`, `max` | the input's type | strings by UTF-8 bytes (`"Apple" < "Zürich" < "ab"`), false < true |
| `avg` | double | |
| `var_samp`, `stddev_samp` | double | NULL for fewer than 2 values |
| `median` | double | = `quantile` at 0.5 (also for int64 input) |
| `quantile` | double | parameter = the fraction in [0, 1]; exact, continuous (DuckDB `quantile_cont`): with the n sorted values, pos = (n - 1) * fraction in doubles; the value at pos when pos is whole, else lo * (1 - d) + hi * d with d = pos - floor(pos), lo/hi the values at floor/ceil(pos) converted to double, and the product lo * (1 - d) fused with the sum (one rounding: Swift `(hi * d).addingProduct(lo, 1 - d)`, as DuckDB computes it) |
| `corr` | double | Pearson correlation over the rows where both are non-NULL: NULL when there are none, NaN when either variance is 0 (so also for a single row), as DuckDB |

**Filters** (`where`): `[col, "=" | "<>" | "<" | "<=" | ">" | ">=", literal]`, `[col, "in", [literal, ...]]`,
`[col, "between", low, high]` (inclusive), `[col, "like", pattern]` (`%` any run, `_` one character, not one byte;
case-sensitive), `[col, "is_null"]`, `[col, "is_not_null"]`. Literals are JSON numbers, strings and booleans, and
are converted to the column's type: dates are given as `"YYYY-MM-DD"`, timestamps as `"YYYY-MM-DD HH:MM:SS"`
(UTC). A NULL value satisfies no comparison, `in`, `between` or `like` (so `<>` drops NULLs as well).

**Post-projections** (`post`): `[out, "-", a, b]` is a - b (int64 - int64 stays int64), `[out, "pow2", a]` is
a * a as a double (SQL `pow(a, 2)`); NULL in, NULL out; NaN in, NaN out.

## Expected answers

`expected/<name>.csv` follows DuckDB's CSV conventions: a header line; NULL is an empty unquoted field; a string is
quoted only when it is empty (`""`) or holds a comma, a quote (doubled inside), CR or LF; integers plain; doubles in
Python `repr()` form, the shortest text that round-trips (`0.1`, `1e-05`, `2.5e+20`, `3.0`, `nan`); dates
`YYYY-MM-DD`; timestamps `YYYY-MM-DDTHH:MM:SS` (Python `isoformat()`: a `.ffffff` fraction only when it is not
zero); booleans `true` / `false`.

Row order: with `order`, the answer's order (the keys are total: no ties). Without, the rows are sorted by every
output column in `select` order, ascending, NULLS LAST, NaN after every number and before NULL, strings by UTF-8
bytes, false before true; compare after sorting Strata's answer the same way. (The group keys come first in every
`select` and are unique, so a double's rounding never changes the order.)

**Comparing values.** Integers, strings, booleans, dates and timestamps exactly. Doubles: sums, averages,
variances, standard deviations and correlations depend on the order of summation, so compare with a relative
tolerance of 1e-9 **and an absolute floor of 1e-12**: `|a - b| <= max(1e-9 * max(|a|, |b|), 1e-12)`. The floor is
needed: where the exact answer is 0 (e.g. `r2` of groups whose v1 and v2 are uncorrelated, in `g1_q9`), DuckDB
returns values like 1.5e-31, and any other summation order gives another tiny value; no relative tolerance can
match those. NaN equals NaN. Medians, quantiles, min and max of doubles must match exactly (to the bit).

**Errors.** DuckDB sums int64 into a 128-bit HUGEINT and never overflows; Strata sums int64 into int64 and must
fail when a sum leaves the int64 range (whatever the summation order: every partial sum of the overflow queries'
groups is in range only while fewer than two of the positive huge values have been added). Such queries have
`"expect_error": true`, no expected rows, and `expected/<name>.error` gives the out-of-range sum and DuckDB's own
message for narrowing it to BIGINT. The generator also checks that no other query's int64 result leaves the range.

## Queries

| name | dataset | rows | covers |
|---|---|---|---|
{query_table}
"""


def write_readme(out: str, queries: list) -> None:
    table = "\n".join(f"| `{q['name']}` | `{q['dataset']}` | {'error' if q.get('expect_error') else q['rows']} | "
                      f"{q['covers']} |" for q in queries)
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(README.format(duckdb_version=duckdb.__version__, nulls_seed=NULLS_SEED, mixed_seed=MIXED_SEED,
                              query_table=table))


# ---- main -------------------------------------------------------------------------------------------------------


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--generator", default=DEFAULT_GENERATOR, help="path of gen_groupby.py")
    p.add_argument("--out", default=HERE, help="output directory (default: this script's directory)")
    args = p.parse_args()
    if not os.path.exists(args.generator):
        sys.exit(f"generator {args.generator} not found; pass --generator PATH")
    out = os.path.abspath(args.out)
    expected = os.path.join(out, "expected")
    os.makedirs(expected, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        write_gz(os.path.join(out, G1), run_generator(args.generator, 20000, 100, tmp))
        write_gz(os.path.join(out, G1_NULLS), blank_values(run_generator(args.generator, 20000, 10, tmp), NULLS_SEED))
    write_gz(os.path.join(out, MIXED), make_mixed())

    queries = g1_queries() + mixed_queries()
    names = [q["name"] for q in queries]
    if len(set(names)) != len(names):
        sys.exit("duplicate query names")
    for stale in os.listdir(expected):
        if stale.split(".")[0] not in names:
            os.remove(os.path.join(expected, stale))
    con = duckdb.connect()
    con.execute("SET threads = 1")
    loaded = None
    for q in queries:
        if loaded != q["dataset"]:
            rows = load(con, os.path.join(out, q["dataset"]), TYPES[q["dataset"]])
            loaded = q["dataset"]
        q["sql"] = to_sql(q)
        answer(con, q, rows, expected)
        print(f"{q['name']:<28} {'error' if q.get('expect_error') else q['rows']}", file=sys.stderr)
    ordered = [{k: q[k] for k in ("name", "dataset", "sql", "by", "aggs", "where", "post", "select", "order",
                                  "limit", "schema", "rows", "expect_error", "expected", "covers") if k in q} for q in queries]
    with open(os.path.join(out, "queries.json"), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join("  " + json.dumps(q, ensure_ascii=False) for q in ordered) + "\n]\n")
    write_readme(out, queries)


if __name__ == "__main__":
    main()
