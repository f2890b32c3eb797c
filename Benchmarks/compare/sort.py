#!/usr/bin/env python3
"""Sorts and window functions: Strata against DuckDB (and Polars), in one run, each writing the whole result.

    python3 Benchmarks/compare/sort.py [--rows 1e7] [--questions sort-v3,sort-id,sort-int,w1,...] [--memory-limit 256MB]
        [--threads 2] [--repeat 1] [--engines strata,duckdb,polars] [--no-build] [--timeout 1800]

Questions (DuckDB SQL; m-* over a Parquet file of --rows random rows, the others over the db-benchmark group-by
table x of --rows rows):
  m-int     SELECT k FROM read_parquet(micro) ORDER BY k          random int64 keys (the micro-benchmark)
  m-str     SELECT s FROM read_parquet(micro) ORDER BY s          random strings of 8-24 letters
  sort-int  SELECT id4, id5, id6, v1 FROM x ORDER BY id6, id4       integer keys
  sort-str  SELECT id3, id6, v3 FROM x ORDER BY id3, v3 DESC        string then double key
  sort-all  SELECT * FROM x ORDER BY v3 DESC, id6                   every column, double key first
  w-rank    SELECT id6, v3, rank() OVER (PARTITION BY id1 ORDER BY v3 DESC) AS r,
            dense_rank() OVER (PARTITION BY id1 ORDER BY v3 DESC) AS dr FROM x
  w-sum     SELECT id1, id6, v1, sum(v1) OVER (PARTITION BY id1 ORDER BY id6) AS running FROM x
  w-lag     SELECT id4, v3, lag(v3) OVER (PARTITION BY id4 ORDER BY v3) AS prev,
            lead(v3, 2) OVER (PARTITION BY id4 ORDER BY v3) AS next2 FROM x
  w-global  SELECT id6, v3, row_number() OVER (ORDER BY v3 DESC) AS rn FROM x
  q8        the db-benchmark's q8: the largest two v3 of each id6 (row_number, PARTITION BY id6)
Every answer is the same whatever order ties take (ranks, peers' running sums, lag/lead of the sort key itself).

Data: the group-by data of groupby.py (G1_<rows>_1e2_0_0.csv, the Strata store store-<rows>/ and the DuckDB database
duckdb-<rows>.db in --data), prepared the same way when missing; for m-*, sort-micro-<rows>.parquet (seeded numpy,
written once with pyarrow).

Each (engine, question) is its own process under `/usr/bin/time -v` and writes the whole result to a ZSTD Parquet
file (then deleted):
  strata  strata sql STORE "<q>" --format parquet --output F --timer [--memory-limit M] --threads T
  duckdb  this script as a child: the database read-only, SET threads, memory_limit, temp_directory,
          preserve_insertion_order (on, DuckDB's default, so ORDER BY reaches the file); times COPY (<q>) TO F
  polars  this script as a child: the store's partition files through scan_parquet, the same query as a lazy
          frame (sorts, and q8), sink_parquet; it has no memory limit and asks no window question but q8
Answers: read back with DuckDB: the row count, the sum of every numeric column, and for the sorts the number of
adjacent rows out of order (by the file's row numbers), which must be 0. Prints one Markdown table, writes the raw
results to DATA/sort-<rows>[-<limit>].json and exits with status 1 when an answer differs or an order is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import groupby
import join
import measure
from measure import (ENGINES, NAMES, REPO_DIR, DEFAULT_GENERATOR, ensure_csv, ensure_time_tool, find_product, fmt,
                     jsonable, machine, parse_count, parse_engines, peer_modules, pretty_sci)

QUESTIONS = {
    "m-int": "SELECT k FROM read_parquet('{micro}') ORDER BY k",
    "m-str": "SELECT s FROM read_parquet('{micro}') ORDER BY s",
    "sort-int": "SELECT id4, id5, id6, v1 FROM x ORDER BY id6, id4",
    "sort-str": "SELECT id3, id6, v3 FROM x ORDER BY id3, v3 DESC",
    "sort-all": "SELECT * FROM x ORDER BY v3 DESC, id6",
    "w-rank": "SELECT id6, v3, rank() OVER (PARTITION BY id1 ORDER BY v3 DESC) AS r, "
              "dense_rank() OVER (PARTITION BY id1 ORDER BY v3 DESC) AS dr FROM x",
    "w-sum": "SELECT id1, id6, v1, sum(v1) OVER (PARTITION BY id1 ORDER BY id6) AS running FROM x",
    "w-lag": "SELECT id4, v3, lag(v3) OVER (PARTITION BY id4 ORDER BY v3) AS prev, "
             "lead(v3, 2) OVER (PARTITION BY id4 ORDER BY v3) AS next2 FROM x",
    "w-global": "SELECT id6, v3, row_number() OVER (ORDER BY v3 DESC) AS rn FROM x",
    "q8": groupby.QUESTIONS[8],
}
# The sort keys of the sort questions, for the order check: (column, descending).
ORDER = {
    "m-int": [("k", False)],
    "m-str": [("s", False)],
    "sort-int": [("id6", False), ("id4", False)],
    "sort-str": [("id3", False), ("v3", True)],
    "sort-all": [("v3", True), ("id6", False)],
}
POLARS = {"m-int", "m-str", "sort-int", "sort-str", "sort-all", "q8"}


def micro_file(rows: int, data_dir: Path) -> Path:
    """The micro-benchmark's Parquet file: `rows` random int64 `k` (the whole range) and random strings `s` of 8-24
    letters, seeded; written once and kept."""
    path = data_dir / f"sort-micro-{pretty_sci(rows)}.parquet"
    if path.exists():
        return path
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(42)
    keys = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, rows, dtype=np.int64)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    lengths = rng.integers(8, 25, rows)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    data = letters[rng.integers(0, 26, int(offsets[-1]))]
    strings = pa.StringArray.from_buffers(rows, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data.tobytes()))
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(pa.table({"k": keys, "s": strings}), tmp, compression="zstd", row_group_size=1 << 20)
    tmp.rename(path)
    return path


def sql(q: str, paths: dict) -> str:
    """The SQL of question `q` with the micro file's path filled in."""
    return QUESTIONS[q].replace("{micro}", str(paths["micro"]))


def polars_question(pl, lf, q: str, micro: str):
    if q == "m-int":
        return pl.scan_parquet(micro).select("k").sort("k")
    if q == "m-str":
        return pl.scan_parquet(micro).select("s").sort("s")
    if q == "sort-int":
        return lf.select("id4", "id5", "id6", "v1").sort(["id6", "id4"])
    if q == "sort-str":
        return lf.select("id3", "id6", "v3").sort(["id3", "v3"], descending=[False, True], nulls_last=True)
    if q == "sort-all":
        return lf.sort(["v3", "id6"], descending=[True, False], nulls_last=True)
    if q == "q8":
        return groupby.polars_question(pl, lf, 8)
    raise ValueError(f"Polars does not ask {q}")


# ---------------------------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------------------------

def child_duckdb(args) -> dict:
    return join.duckdb_copy(args, args.sql)


def child_polars(args) -> dict:
    import polars as pl

    files = json.loads(Path(args.files).read_text())
    lf = polars_question(pl, pl.scan_parquet(files["x"]), args.name, files["micro"])
    start = time.perf_counter()
    lf.sink_parquet(args.out, compression="zstd")
    return {"question": args.question, "seconds": time.perf_counter() - start, "rows": None, "checksums": {},
            "version": pl.__version__}


# ---------------------------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------------------------

def answer(path: Path, q: str) -> dict | None:
    """Rows, sums of the numeric columns and (for sorts) the adjacent pairs out of order, read back with DuckDB."""
    if not path.exists():
        return None
    import duckdb

    con = duckdb.connect()
    src = f"read_parquet({groupby.sql_str(str(path))}, file_row_number = true)"
    cols = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    numeric = [c[0] for c in cols if c[0] != "file_row_number" and c[1] in ("BIGINT", "INTEGER", "DOUBLE", "HUGEINT")]
    sums = ", ".join(f"sum({c})" for c in numeric)
    row = con.execute(f"SELECT count(*){', ' + sums if sums else ''} FROM {src}").fetchall()[0]
    result = {"rows": row[0], "checksums": {c: (float(v) if v is not None else None) for c, v in zip(numeric, row[1:])}}
    if q in ORDER:
        # A pair is out of order when the first key that differs goes the wrong way.
        keys = ORDER[q]
        prev = [f"lag({c}) OVER (ORDER BY file_row_number) AS p_{c}" for c, _ in keys]
        wrong, equal = [], []
        for c, desc in keys:
            op = "<" if desc else ">"
            wrong.append(" AND ".join(equal + [f"p_{c} {op} {c}"]))
            equal.append(f"p_{c} = {c}")
        bad = con.execute(f"SELECT count(*) FROM (SELECT *, {', '.join(prev)} FROM {src}) "
                          f"WHERE {' OR '.join('(' + w + ')' for w in wrong)}").fetchall()[0][0]
        result["out_of_order"] = bad
    return result


# ---------------------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------------------

def run_once(engine: str, q: str, args, paths: dict, use_time: bool) -> dict:
    run = join.run_engine(engine, sql(q, paths), Path(__file__),
                          ["--question", "0", "--name", q, "--sql", sql(q, paths)], args, paths, use_time)
    run = join.check_output(run, paths["out"], lambda out: answer(out, q))
    if run["status"] == "ok" and run.get("out_of_order"):
        run.update(status="failed", error=f"{run['out_of_order']} adjacent rows out of order")
    return run


def main() -> None:
    if "--child" in sys.argv:
        measure.child_main(sys.argv[1:], {"duckdb": child_duckdb, "polars": child_polars}, ("--out", "--name", "--sql"))
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=parse_count, default=parse_count("1e7"), help="rows of x (1e7, 1e8)")
    p.add_argument("--questions", default=",".join(QUESTIONS), help="comma-separated question names (default: all)")
    p.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="the db-benchmark group-by generator")
    measure.add_run_options(p, limit_example="256MB")
    args = p.parse_args()
    questions = [q.strip() for q in args.questions.split(",") if q.strip()]
    if not questions or any(q not in QUESTIONS for q in questions):
        p.error(f"--questions: choose among {','.join(QUESTIONS)}")
    results = run_questions(args, parse_engines(p, args.engines, ENGINES), questions)
    print_report(results)
    suffix = f"-{args.memory_limit}" if args.memory_limit else ""
    out = Path(args.data).resolve() / f"sort-{pretty_sci(args.rows)}{suffix}.json"
    out.write_text(json.dumps(jsonable(results), indent=2) + "\n")
    print(f"\nresults: {out}")
    if results["mismatches"] or results["failures"]:
        sys.exit(f"{results['mismatches']} answer(s) differ, {results['failures']} run(s) failed")


def run_questions(args, engines: list[str], questions: list[str]) -> dict:
    data_dir = Path(args.data).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    csv, _ = ensure_csv(args.rows, groupby.K, data_dir, Path(args.generator))
    store = data_dir / f"store-{pretty_sci(args.rows)}"
    db = data_dir / f"duckdb-{pretty_sci(args.rows)}.db"
    strata_cli = find_product(REPO_DIR, "strata", args.no_build)
    if "strata" in engines or "polars" in engines:
        groupby.ensure_store(csv, store, strata_cli, args.threads)
    if "duckdb" in engines:
        groupby.ensure_duckdb(csv, db, args.threads)
    use_time = ensure_time_tool()
    duck_tmp = data_dir / "duckdb_tmp"
    duck_tmp.mkdir(exist_ok=True)
    files = data_dir / f"sort-{pretty_sci(args.rows)}.files.json"
    micro = micro_file(args.rows, data_dir) if any(q.startswith("m-") for q in questions) else None
    if "polars" in engines:
        files.write_text(json.dumps({"x": groupby.partition_files(store, groupby.TABLE), "micro": str(micro)}))
    paths = {"strata": strata_cli, "store": store, "duckdb": db, "duck_tmp": duck_tmp, "files": files,
             "micro": micro, "out": data_dir / "sort-answer.parquet"}
    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "threads": args.threads, "memory_limit": args.memory_limit, "repeat": args.repeat, "engines": engines,
               "machine": machine(peer_modules(engines), swift="strata" in engines, strata_cli=strata_cli,
                                  repo_dir=REPO_DIR),
               "sql": {q: sql(q, paths) for q in questions}, "questions": {}}
    results["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    mismatches = failures = 0
    for q in questions:
        asked = [e for e in engines if e != "polars" or q in POLARS]
        runs = {e: [] for e in asked}
        for round_ in range(args.repeat):
            for engine in asked:
                run = run_once(engine, q, args, paths, use_time)
                runs[engine].append(run)
                failures += run["status"] != "ok"
                what = (f"{run['seconds']:.3f} s, {run['rows']:,} rows" if run["status"] == "ok"
                        else f"{run['status']}: {str(run.get('error', ''))[:300]}")
                rss = fmt(None if run["peak_rss"] is None else run["peak_rss"] / 2**20, ".0f")
                print(f"{q} round {round_ + 1}/{args.repeat} {NAMES[engine]}: {what}, peak RSS {rss} MiB",
                      file=sys.stderr)
        res = groupby.judge({"sql": sql(q, paths)}, runs, asked)
        ok = res["engines"].get("strata", {})
        if ok.get("status") == "ok" and ok.get("seconds"):
            res["strata_rows_per_second"] = ok["rows"] / ok["seconds"]
        mismatches += res["mismatch_count"]
        results["questions"][q] = res
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["mismatches"] = mismatches
    results["failures"] = failures
    return results


def print_report(results: dict) -> None:
    join.print_table(results, f"sorts and windows, {results['rows']:,} rows", str)


if __name__ == "__main__":
    main()
