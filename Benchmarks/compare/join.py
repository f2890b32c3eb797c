#!/usr/bin/env python3
"""The db-benchmark join questions: Strata against DuckDB and Polars, in one run, each writing the full result.

    python3 Benchmarks/compare/join.py [--rows 1e7] [--questions 1,2,3,4,5] [--memory-limit 256MB]
        [--threads 2] [--repeat 1] [--engines strata,duckdb,polars] [--no-build] [--timeout 1800]

Questions (DuckDB SQL; x has --rows rows, small rows/1e6, medium rows/1e3, big rows):
  q1  small inner on int    SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)
  q2  medium inner on int   SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4,
                            medium.id5 AS medium_id5, v2 FROM x JOIN medium USING (id2)
  q3  medium outer on int   the same with LEFT JOIN
  q4  medium inner on string SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2,
                            medium.id4 AS medium_id4, v2 FROM x JOIN medium USING (id5)
  q5  big inner on int      SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4,
                            big.id5 AS big_id5, big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)

Data, prepared once and kept in --data (default Benchmarks/data/, git-ignored):
  J1_<rows>_{NA,<rows/1e6>,<rows/1e3>,<rows>}_0_0.csv   x, small, medium, big, written by join_datagen.py
  join-store-<rows>/      a Strata store with the four tables (`strata import`)
  join-duckdb-<rows>.db   a DuckDB database with the four tables (id1-id3 BIGINT, id4-id6 VARCHAR, v1/v2 DOUBLE)

Each (engine, question) is its own process under `/usr/bin/time -v` (peak RSS) and writes the whole result to a
ZSTD-compressed Parquet file (then deleted), so no engine can skip materialising it:
  strata  strata sql STORE "<q>" --format parquet --output F --timer [--memory-limit M] --threads T; the time is
          the statement's (`Run Time`, parsing to the closed file)
  duckdb  this script as a child: the database read-only, SET threads, memory_limit, temp_directory; times
          COPY (<q>) TO F (FORMAT parquet, COMPRESSION zstd)
  polars  this script as a child (POLARS_MAX_THREADS = threads): scan_parquet over the Strata store's partition
          files, the join and the same columns as a lazy query, sink_parquet(F) (the streaming engine); it has no
          memory limit
Answers: the row count and the sums of v1 and v2 of each output file, read back with DuckDB, against DuckDB's
(Polars' where DuckDB failed): integers exactly, sums to a relative 1e-9. Prints one Markdown table, writes the raw
results to DATA/join-<rows>[-<limit>].json and exits with status 1 when an answer differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import groupby
import measure
from measure import (BENCH_DIR, ENGINES, NAMES, REPO_DIR, ensure_time_tool, find_product, fmt, jsonable, machine,
                     parse_count, parse_engines, peer_modules, pretty_sci, ratio)

TABLES = {"x": "NA", "small": "small", "medium": "medium", "big": "big"}
TYPES = {"id1": "BIGINT", "id2": "BIGINT", "id3": "BIGINT", "id4": "VARCHAR", "id5": "VARCHAR", "id6": "VARCHAR",
         "v1": "DOUBLE", "v2": "DOUBLE"}
X_COLUMNS = "x.id1, x.id2, x.id3, x.id4, x.id5, x.id6, x.v1"

QUESTIONS = {
    1: "SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)",
    2: "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
       "FROM x JOIN medium USING (id2)",
    3: "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
       "FROM x LEFT JOIN medium USING (id2)",
    4: "SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 "
       "FROM x JOIN medium USING (id5)",
    5: "SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, "
       "big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)",
}
TITLES = {1: "small inner on int", 2: "medium inner on int", 3: "medium outer on int", 4: "medium inner on string",
          5: "big inner on int"}


def csv_name(rows: int, table: str) -> str:
    size = {"x": "NA", "small": pretty_sci(rows // 1_000_000), "medium": pretty_sci(rows // 1_000),
            "big": pretty_sci(rows)}[table]
    return f"J1_{pretty_sci(rows)}_{size}_0_0.csv"


def polars_question(pl, scans: dict, q: int):
    """The lazy Polars query equivalent to QUESTIONS[q] (x's columns, then the right table's, renamed)."""
    x = scans["x"]
    if q == 1:
        right, on, how, keep = scans["small"], "id1", "inner", {"id4": "small_id4"}
    elif q in (2, 3):
        right, on, how = scans["medium"], "id2", "inner" if q == 2 else "left"
        keep = {"id1": "medium_id1", "id4": "medium_id4", "id5": "medium_id5"}
    elif q == 4:
        right, on, how, keep = scans["medium"], "id5", "inner", {"id1": "medium_id1", "id2": "medium_id2",
                                                                  "id4": "medium_id4"}
    else:
        right, on, how = scans["big"], "id3", "inner"
        keep = {"id1": "big_id1", "id2": "big_id2", "id4": "big_id4", "id5": "big_id5", "id6": "big_id6"}
    right = right.select([pl.col(on)] + [pl.col(c).alias(a) for c, a in keep.items()] + [pl.col("v2")])
    joined = x.join(right, on=on, how=how, coalesce=True)
    return joined.select(["id1", "id2", "id3", "id4", "id5", "id6", "v1"] + list(keep.values()) + ["v2"])


# ---------------------------------------------------------------------------------------------------------------
# Child processes: `join.py --child duckdb|polars --question N --out F ...`
# ---------------------------------------------------------------------------------------------------------------

def child_duckdb(args) -> dict:
    return duckdb_copy(args, QUESTIONS[args.question])


def duckdb_copy(args, sql: str) -> dict:
    """DuckDB's run of `sql` in a child: the database read-only, SET threads, memory_limit, temp_directory; times
    COPY (sql) TO args.out as ZSTD Parquet (rows and checksums are read back from the file by the driver)."""
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    if args.memory_limit:
        con.execute(f"SET memory_limit = {groupby.sql_str(args.memory_limit)}")
    con.execute(f"SET threads = {int(args.threads)}")
    con.execute(f"SET temp_directory = {groupby.sql_str(args.temp_dir)}")
    start = time.perf_counter()
    con.execute(f"COPY ({sql}) TO {groupby.sql_str(args.out)} (FORMAT parquet, COMPRESSION zstd)")
    return {"question": args.question, "seconds": time.perf_counter() - start, "rows": None, "checksums": {},
            "version": duckdb.__version__}


def child_polars(args) -> dict:
    import polars as pl

    files = json.loads(Path(args.files).read_text())
    scans = {t: pl.scan_parquet(f) for t, f in files.items()}
    lf = polars_question(pl, scans, args.question)
    start = time.perf_counter()
    lf.sink_parquet(args.out, compression="zstd")
    return {"question": args.question, "seconds": time.perf_counter() - start, "rows": None, "checksums": {},
            "version": pl.__version__, "threads": pl.thread_pool_size()}


def child_main(argv: list[str]) -> None:
    measure.child_main(argv, {"duckdb": child_duckdb, "polars": child_polars}, ("--out",))


# ---------------------------------------------------------------------------------------------------------------
# Data preparation
# ---------------------------------------------------------------------------------------------------------------

def ensure_csvs(rows: int, data_dir: Path) -> dict:
    paths = {t: data_dir / csv_name(rows, t) for t in TABLES}
    if all(p.exists() for p in paths.values()):
        return paths
    cmd = [sys.executable, str(Path(__file__).resolve().parent / "join_datagen.py"), str(rows), str(data_dir)]
    print("generating: " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return paths


def ensure_store(csvs: dict, store: Path, strata_cli: Path, threads: int) -> None:
    if store.exists():
        print(f"using existing {store}", file=sys.stderr)
        return
    tmp = store.with_name(store.name + ".tmp")
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    for table, csv in csvs.items():
        cmd = [str(strata_cli), "import", str(csv), "--store", str(tmp), "--table", table, "--quiet",
               "--threads", str(threads)]
        print("importing: " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
    tmp.rename(store)


def ensure_duckdb(csvs: dict, db: Path, threads: int) -> None:
    if db.exists():
        print(f"using existing {db}", file=sys.stderr)
        return
    import duckdb

    tmp = db.with_name(db.name + ".tmp")
    for f in (tmp, Path(str(tmp) + ".wal")):
        f.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute(f"SET threads = {int(threads)}")
    for table, csv in csvs.items():
        header = csv.open().readline().strip().split(",")
        cols = ", ".join(f"{groupby.sql_str(c)}: {groupby.sql_str(TYPES[c])}" for c in header)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv({groupby.sql_str(str(csv))}, header = true, "
                    f"columns = {{{cols}}})")
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(db)


def answer(path: Path) -> dict | None:
    """Rows and the sums of v1 and v2 of an output file, read back with DuckDB; None when it is missing."""
    if not path.exists():
        return None
    import duckdb

    rows, v1, v2 = duckdb.sql(f"SELECT count(*), sum(v1), sum(v2) FROM read_parquet("
                              f"{groupby.sql_str(str(path))})").fetchall()[0]
    return {"rows": rows, "checksums": {"v1": v1, "v2": v2}}


# ---------------------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------------------

def run_once(engine: str, q: int, args, paths: dict, use_time: bool) -> dict:
    run = run_engine(engine, QUESTIONS[q], Path(__file__), ["--question", str(q)], args, paths, use_time)
    return check_output(run, paths["out"], answer)


def run_engine(engine: str, sql: str, script: Path, child_args: list[str], args, paths: dict,
               use_time: bool) -> dict:
    """One run of `sql` writing paths["out"]: Strata's CLI, or `script` as the child of DuckDB or Polars with
    `child_args` (which name the question)."""
    out = paths["out"]
    out.unlink(missing_ok=True)
    if engine == "strata":
        cmd = [str(paths["strata"]), "sql", str(paths["store"]), sql, "--format", "parquet", "--output",
               str(out), "--timer", "--threads", str(args.threads)]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        return run_strata(cmd, use_time, args.timeout)
    me = [sys.executable, str(script.resolve()), "--child", engine] + child_args + [
        "--out", str(out), "--threads", str(args.threads)]
    if engine == "duckdb":
        me += ["--db", str(paths["duckdb"]), "--temp-dir", str(paths["duck_tmp"])]
        if args.memory_limit:
            me += ["--memory-limit", args.memory_limit]
    else:
        me += ["--files", str(paths["files"])]
    env = dict(os.environ, POLARS_MAX_THREADS=str(args.threads)) if engine == "polars" else None
    return groupby.run_child(me, use_time, args.timeout, env)


def check_output(run: dict, out: Path, read) -> dict:
    """`run` completed with what `read(out)` finds in its output file (which is then deleted)."""
    if run["status"] == "ok":
        got = read(out)
        if got is None:
            run.update(status="failed", error="no output file")
        else:
            run.update(got)
    out.unlink(missing_ok=True)
    return run


def run_strata(cmd: list[str], use_time: bool, timeout: float) -> dict:
    """`strata sql … --timer` under /usr/bin/time -v: status, the statement's time (its `Run Time` line), process
    wall time, peak RSS and the error text."""
    full = [groupby.TIME_BIN, "-v"] + cmd if use_time else cmd
    start = time.perf_counter()
    try:
        proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "process_wall_s": time.perf_counter() - start, "peak_rss": None,
                "error": f"killed after {timeout:g} s"}
    run = {"process_wall_s": time.perf_counter() - start, "returncode": proc.returncode,
           "peak_rss": groupby.peak_rss(proc.stderr) if use_time else None}
    m = re.search(r"Run Time: ([0-9.]+) s", proc.stderr)
    if proc.returncode == 0 and m:
        run.update(status="ok", seconds=float(m.group(1)))
    else:
        own = proc.stderr.split("\tCommand being timed:")[0].strip()
        run.update(status="failed", error=own[-2000:] or f"exit status {proc.returncode}")
    return run


def main() -> None:
    if "--child" in sys.argv:
        child_main(sys.argv[1:])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=parse_count, default=parse_count("1e7"), help="rows of x (1e7, 1e8)")
    p.add_argument("--questions", default=",".join(str(q) for q in QUESTIONS),
                   help="comma-separated question numbers (default: all five)")
    measure.add_run_options(p, limit_example="256MB")
    args = p.parse_args()
    results = run_questions(args, parse_engines(p, args.engines, ENGINES), parse_questions(p, args.questions))
    print_report(results)
    suffix = f"-{args.memory_limit}" if args.memory_limit else ""
    out = Path(args.data).resolve() / f"join-{pretty_sci(args.rows)}{suffix}.json"
    out.write_text(json.dumps(jsonable(results), indent=2) + "\n")
    print(f"\nresults: {out}")
    if results["mismatches"]:
        sys.exit(f"{results['mismatches']} answer(s) differ from the reference's")


def parse_questions(parser, text: str) -> list[int]:
    try:
        questions = [int(q) for q in text.split(",") if q.strip()]
    except ValueError:
        parser.error(f"--questions: expected numbers, got {text!r}")
    if not questions or any(q not in QUESTIONS for q in questions):
        parser.error(f"--questions: choose among {','.join(str(q) for q in QUESTIONS)}")
    return questions


def run_questions(args, engines: list[str], questions: list[int]) -> dict:
    """Prepares the data and asks `questions` of `engines`; returns the results as written to the JSON file."""
    data_dir = Path(args.data).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    csvs = ensure_csvs(args.rows, data_dir)
    store = data_dir / f"join-store-{pretty_sci(args.rows)}"
    db = data_dir / f"join-duckdb-{pretty_sci(args.rows)}.db"
    strata_cli = find_product(REPO_DIR, "strata", args.no_build)
    if "strata" in engines or "polars" in engines:
        ensure_store(csvs, store, strata_cli, args.threads)
    if "duckdb" in engines:
        ensure_duckdb(csvs, db, args.threads)
    use_time = ensure_time_tool()
    duck_tmp = data_dir / "duckdb_tmp"
    duck_tmp.mkdir(exist_ok=True)
    files = data_dir / f"join-store-{pretty_sci(args.rows)}.files.json"
    if "polars" in engines:
        files.write_text(json.dumps({t: groupby.partition_files(store, t) for t in TABLES}))
    paths = {"strata": strata_cli, "store": store, "duckdb": db, "duck_tmp": duck_tmp, "files": files,
             "out": data_dir / "join-answer.parquet"}
    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "threads": args.threads, "memory_limit": args.memory_limit, "repeat": args.repeat, "engines": engines,
               "machine": machine(peer_modules(engines), swift="strata" in engines, strata_cli=strata_cli,
                                  repo_dir=REPO_DIR),
               "sql": {q: QUESTIONS[q] for q in questions}, "questions": {}}
    results["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    mismatches = 0
    for q in questions:
        runs = {e: [] for e in engines}
        for round_ in range(args.repeat):
            for engine in engines:
                run = run_once(engine, q, args, paths, use_time)
                runs[engine].append(run)
                what = (f"{run['seconds']:.3f} s, {run['rows']:,} rows" if run["status"] == "ok"
                        else f"{run['status']}: {str(run.get('error', ''))[:300]}")
                rss = fmt(None if run["peak_rss"] is None else run["peak_rss"] / 2**20, ".0f")
                print(f"q{q} round {round_ + 1}/{args.repeat} {NAMES[engine]}: {what}, peak RSS {rss} MiB",
                      file=sys.stderr)
        res = groupby.judge({"sql": QUESTIONS[q]}, runs, engines)
        mismatches += res["mismatch_count"]
        results["questions"][q] = res
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["mismatches"] = mismatches
    return results


def print_report(results: dict) -> None:
    print_table(results, f"join, x of {results['rows']:,} rows", lambda q: f"q{q} {TITLES[int(q)]}")


def print_table(results: dict, title: str, label) -> None:
    """The Markdown table of a run: per question (named by `label`) each engine's time and RSS, Strata's time
    ratios, RSS against the limit and the verdicts; then the failed runs and differing answers. An engine that
    did not ask a question has an empty cell."""
    engines = results["engines"]
    limit = results["memory_limit"]
    limit_bytes = parse_size(limit) if limit else None
    peers = [e for e in engines if e != "strata"]
    head = ["question"] + [f"{NAMES[e]} s / RSS" for e in engines]
    if "strata" in engines:
        head += [f"time Strata/{NAMES[e]}" for e in peers]
    if limit_bytes:
        head += [f"{NAMES[e]} RSS / limit" for e in engines if e != "polars"]
    head.append("answers")
    print(f"\n### {title}, threads {results['threads']}, memory limit {limit or 'none'}, "
          f"median of {results['repeat']} run(s)\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for q, res in results["questions"].items():
        es = res["engines"]
        line = [label(q)] + [groupby.cell(es.get(e)) for e in engines]
        if "strata" in engines:
            line += [fmt(ratio(es["strata"]["seconds"], es[e]["seconds"]) if e in es else None, ".2f")
                     for e in peers]
        if limit_bytes:
            line += [fmt(ratio(es[e]["peak_rss"], limit_bytes) if e in es else None, ".2f")
                     for e in engines if e != "polars"]
        line.append(groupby.answers_text(res))
        print("| " + " | ".join(line) + " |")
    print("\nTimes: the statement alone (Strata's `Run Time`, DuckDB's COPY, Polars' sink_parquet), each writing the "
          "whole result as ZSTD Parquet. RSS: peak resident set of the whole process (/usr/bin/time -v).")
    for q, res in results["questions"].items():
        for e, r in res["engines"].items():
            if r["status"] != "ok":
                print(f"{label(q)} {NAMES[e]} {r['status']}: {r.get('error')}")
        for e, d in res.get("differences", {}).items():
            print(f"{label(q)} {NAMES[e]} differs from {NAMES[res['reference']]}: {'; '.join(d)}")


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?i?B?)\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"not a size: {text}")
    unit = m.group(2).upper().rstrip("B").rstrip("I")
    return int(float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}[unit])


if __name__ == "__main__":
    main()
