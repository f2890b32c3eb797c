#!/usr/bin/env python3
"""The db-benchmark group-by questions: Strata against DuckDB and Polars, in one run.

    python3 Benchmarks/compare/groupby.py --rows 1e7|1e8 [--questions 1,2,3,4,5,6,7,8,9,10] [--memory-limit 1GB]
        [--threads 2] [--repeat 1] [--engines strata,duckdb,polars] [--no-build] [--timeout 1800]

Questions (DuckDB SQL over table x):
  q1  SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1
  q2  SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2
  q3  SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3
  q4  SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4
  q5  SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6
  q6  SELECT id4, id5, median(v3) AS median_v3, stddev_samp(v3) AS sd_v3 FROM x GROUP BY id4, id5
  q7  SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3
  q8  SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC)
      AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2
  q9  SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4
  q10 SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6

Data, prepared once and kept in --data (default Benchmarks/data/, git-ignored):
  G1_<rows>_1e2_0_0.csv   generated with gen_groupby.py (--generator, default ../shared/tools/gen_groupby.py from
                          the repository root) when missing
  store-<rows>/           a Strata store, table x, from `strata import CSV --store ... --table x` (Strata's CLI is
                          built unless --no-build; --strata PATH uses a given binary)
  duckdb-<rows>.db        a DuckDB database, table x loaded from the CSV (id1-id3 VARCHAR, id4-id6, v1, v2 BIGINT,
                          v3 DOUBLE: the types Strata sniffs)
Each is built under a temporary name and renamed when complete, so an interrupted preparation is redone.

Every (engine, question) runs in its own process under `/usr/bin/time -v` (peak RSS); --repeat rounds, engines
interleaved; each prints one JSON line {"question", "seconds", "rows", "checksums"}:
  strata  Benchmarks/.build/release/groupby-questions --store STORE --table x --question N
          [--memory-limit SIZE] [--threads T]  (built from the benchmark package unless --no-build)
  duckdb  this script as a child: the database file read-only, SET memory_limit (--memory-limit), threads,
          temp_directory DATA/duckdb_tmp; times CREATE TEMP TABLE ans AS <question>
  polars  this script as a child (POLARS_MAX_THREADS = --threads): scan_parquet over the partition files of the
          store's latest manifest (not a glob: it could see uncommitted files), the question as a lazy query,
          collect(engine="streaming"); no memory limit (its RSS is reported as is)
The seconds are the query alone, timed inside the process (start-up, imports and checksums excluded), as in
db-benchmark. Checksums: the sum of every numeric output column (string keys have none). A child that fails (an
error, out of memory, killed) is reported as failed with its message; one that outlives --timeout as timeout.

Answers: per question, the rows and checksums of every engine against the reference's, DuckDB's (Polars' when DuckDB
failed, e.g. out of memory under the limit): integers exactly, doubles to a relative 1e-9; OK or MISMATCH. Prints a
Markdown table per run and writes the raw results to DATA/groupby-<rows>.json. Exits with status 1 when an answer
mismatches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import measure
from measure import (BENCH_DIR, DEFAULT_GENERATOR, ENGINES, NAMES, REPO_DIR, TIME_BIN, ensure_csv, ensure_time_tool,
                     find_product, fmt, jsonable, last_json_line, machine, peer_modules,
                     median, parse_count, parse_engines, peak_rss, pretty_sci, ratio)

TABLE = "x"
K = 100
REL_TOL = 1e-9
COLUMNS = {"id1": "VARCHAR", "id2": "VARCHAR", "id3": "VARCHAR", "id4": "BIGINT", "id5": "BIGINT", "id6": "BIGINT",
           "v1": "BIGINT", "v2": "BIGINT", "v3": "DOUBLE"}

QUESTIONS = {
    1: "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    2: "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
    3: "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    4: "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4",
    5: "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
    6: "SELECT id4, id5, median(v3) AS median_v3, stddev_samp(v3) AS sd_v3 FROM x GROUP BY id4, id5",
    7: "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
    8: "SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) "
       "AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2",
    9: "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4",
    10: "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
        "GROUP BY id1, id2, id3, id4, id5, id6",
}


def polars_question(pl, lf, q: int):
    """The lazy Polars query equivalent to QUESTIONS[q]."""
    if q == 1:
        return lf.group_by("id1").agg(pl.col("v1").sum())
    if q == 2:
        return lf.group_by("id1", "id2").agg(pl.col("v1").sum())
    if q == 3:
        return lf.group_by("id3").agg(pl.col("v1").sum(), pl.col("v3").mean())
    if q == 4:
        return lf.group_by("id4").agg(pl.col("v1").mean(), pl.col("v2").mean(), pl.col("v3").mean())
    if q == 5:
        return lf.group_by("id6").agg(pl.col("v1").sum(), pl.col("v2").sum(), pl.col("v3").sum())
    if q == 6:
        return lf.group_by("id4", "id5").agg(pl.col("v3").median().alias("median_v3"),
                                             pl.col("v3").std(ddof=1).alias("sd_v3"))
    if q == 7:
        return lf.group_by("id3").agg((pl.col("v1").max() - pl.col("v2").min()).alias("range_v1_v2"))
    if q == 8:
        return (lf.drop_nulls("v3").sort("v3", descending=True).group_by("id6")
                .agg(pl.col("v3").head(2).alias("largest2_v3")).explode("largest2_v3"))
    if q == 9:
        return lf.group_by("id2", "id4").agg((pl.corr("v1", "v2", method="pearson") ** 2).alias("r2"))
    if q == 10:
        return lf.group_by("id1", "id2", "id3", "id4", "id5", "id6").agg(pl.col("v3").sum(),
                                                                         pl.len().alias("count"))
    raise ValueError(f"no question {q}")


def sql_str(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def parse_questions(parser: argparse.ArgumentParser, text: str) -> list[int]:
    """--questions: comma-separated question numbers, each one of QUESTIONS."""
    try:
        questions = [int(q) for q in text.split(",") if q.strip()]
    except ValueError:
        parser.error(f"--questions: expected numbers, got {text!r}")
    if not questions or any(q not in QUESTIONS for q in questions):
        parser.error(f"--questions: choose among {','.join(str(q) for q in QUESTIONS)}")
    return questions


def number(v):
    """A checksum as JSON: ints stay ints, NaN and infinities become strings."""
    if v is None or isinstance(v, int):
        return v
    v = float(v)
    return v if math.isfinite(v) else repr(v)


# ---------------------------------------------------------------------------------------------------------------
# Child processes: `groupby.py --child duckdb|polars --question N ...`, each under /usr/bin/time -v
# ---------------------------------------------------------------------------------------------------------------

def child_duckdb(args) -> dict:
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    if args.memory_limit:
        con.execute(f"SET memory_limit = {sql_str(args.memory_limit)}")
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    con.execute(f"SET temp_directory = {sql_str(args.temp_dir)}")
    start = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE ans AS {QUESTIONS[args.question]}")
    seconds = time.perf_counter() - start
    cols = [(r[0], r[1]) for r in con.execute("DESCRIBE ans").fetchall()]
    numeric = [c for c, t in cols if t != "VARCHAR"]
    exprs = ["count(*)"] + [f'sum("{c}")' for c in numeric]
    values = con.execute(f"SELECT {', '.join(exprs)} FROM ans").fetchone()
    return {"question": args.question, "seconds": seconds, "rows": values[0],
            "checksums": {c: number(v) for c, v in zip(numeric, values[1:])},
            "settings": dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                         "('memory_limit', 'threads', 'temp_directory')").fetchall()),
            "version": duckdb.__version__}


def child_polars(args) -> dict:
    import polars as pl

    files = json.loads(Path(args.files).read_text())
    lf = polars_question(pl, pl.scan_parquet(files), args.question)
    start = time.perf_counter()
    ans = lf.collect(engine="streaming")
    seconds = time.perf_counter() - start
    numeric = [c for c, t in ans.schema.items() if t.is_numeric()]
    sums = ans.select(pl.col(c).sum() for c in numeric).row(0) if numeric else ()
    return {"question": args.question, "seconds": seconds, "rows": ans.height,
            "checksums": {c: number(v) for c, v in zip(numeric, sums)},
            "threads": pl.thread_pool_size(), "version": pl.__version__}


def child_main(argv: list[str]) -> None:
    measure.child_main(argv, {"duckdb": child_duckdb, "polars": child_polars}, ())


# ---------------------------------------------------------------------------------------------------------------
# Data preparation
# ---------------------------------------------------------------------------------------------------------------

def partition_files(store: Path, table: str) -> list[str]:
    """The Parquet files of the table's current version: its Delta log replayed (adds minus removes, in order), or
    the latest manifest of a store written before tables became Delta tables."""
    folder = store / "tables" / table
    log = folder / "_delta_log"
    if log.is_dir():
        live: dict[str, None] = {}
        for name in sorted(n for n in os.listdir(log) if len(n) == 25 and n.endswith(".json") and n[:20].isdigit()):
            for line in (log / name).read_text().splitlines():
                if not line.strip():
                    continue
                action = json.loads(line)
                if "add" in action:
                    live[action["add"]["path"]] = None
                elif "remove" in action:
                    live.pop(action["remove"]["path"], None)
        return [str(folder / path) for path in live]
    versions = folder / "_strata" / "versions"
    names = sorted(n for n in os.listdir(versions) if len(n) == 25 and n.endswith(".json") and n[:20].isdigit())
    if not names:
        raise FileNotFoundError(f"no Delta log or manifest in {folder}")
    manifest = json.loads((versions / names[-1]).read_text())
    return [str(folder / p["file"]) for p in manifest["partitions"]]


def ensure_store(csv: Path, store: Path, strata_cli: Path, threads: int | None) -> float | None:
    if store.exists():
        print(f"using existing {store}", file=sys.stderr)
        return None
    tmp = store.with_name(store.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [str(strata_cli), "import", str(csv), "--store", str(tmp), "--table", TABLE, "--quiet"]
    if threads:
        cmd += ["--threads", str(threads)]
    print("importing: " + " ".join(cmd), file=sys.stderr)
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    tmp.rename(store)
    return time.perf_counter() - start


def ensure_duckdb(csv: Path, db: Path, threads: int | None) -> float | None:
    if db.exists():
        print(f"using existing {db}", file=sys.stderr)
        return None
    import duckdb

    tmp = db.with_name(db.name + ".tmp")
    for f in (tmp, Path(str(tmp) + ".wal")):
        f.unlink(missing_ok=True)
    print(f"loading {csv.name} into {db}", file=sys.stderr)
    start = time.perf_counter()
    con = duckdb.connect(str(tmp))
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    cols = ", ".join(f"{sql_str(c)}: {sql_str(t)}" for c, t in COLUMNS.items())
    con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM read_csv({sql_str(str(csv))}, header = true, "
                f"columns = {{{cols}}})")
    con.execute("CHECKPOINT")
    con.close()
    tmp.rename(db)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------------------

def run_child(cmd: list[str], use_time: bool, timeout: float, env: dict | None = None) -> dict:
    """Runs one child in its own process group (under /usr/bin/time -v when available): status ok / failed /
    timeout, its JSON result, process wall time, peak RSS and the error text."""
    full = [TIME_BIN, "-v"] + cmd if use_time else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return {"status": "timeout", "process_wall_s": time.perf_counter() - start, "peak_rss": None,
                "error": f"killed after {timeout:g} s"}
    wall = time.perf_counter() - start
    time_at = err.find("\tCommand being timed:") if use_time else -1
    own_err = "\n".join(ln for ln in (err[:time_at] if time_at >= 0 else err).splitlines()
                        if not ln.startswith(("Command exited with non-zero status", "Command terminated by signal")))
    own_err = own_err.strip()
    run = {"process_wall_s": wall, "peak_rss": peak_rss(err) if use_time else None, "returncode": proc.returncode}
    result = last_json_line(out)
    if proc.returncode == 0 and result is not None and "error" not in result:
        run.update(status="ok", **{k: result[k] for k in ("seconds", "rows", "checksums")})
        run["info"] = {k: v for k, v in result.items() if k not in ("question", "seconds", "rows", "checksums")}
        return run
    message = (result or {}).get("error") or own_err[-2000:] or f"exit status {proc.returncode}"
    signalled = re.search(r"Command terminated by signal (\d+)", err)
    if signalled or proc.returncode < 0:
        message += f" (killed by signal {signalled.group(1) if signalled else -proc.returncode})"
    run.update(status="failed", error=message)
    return run


def same_number(a, b) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL)


def check_answer(run: dict, ref: dict) -> tuple[str, list[str]]:
    """OK / MISMATCH / '-' (a run missing) of `run` against the reference answer `ref`, with the differences."""
    if not run or not ref or run.get("status") != "ok" or ref.get("status") != "ok":
        return "-", []
    diffs = []
    if run["rows"] != ref["rows"]:
        diffs.append(f"rows {run['rows']} != {ref['rows']}")
    a, b = run["checksums"], ref["checksums"]
    for col in sorted(set(a) | set(b)):
        if col not in a or col not in b:
            diffs.append(f"{col}: checksum missing on one side")
        elif not same_number(a[col], b[col]):
            diffs.append(f"{col}: {a[col]!r} != {b[col]!r}")
    return ("MISMATCH" if diffs else "OK"), diffs


def judge(res: dict, runs: dict, engines: list[str]) -> dict:
    """`res` completed with each engine's summary of `runs`, the reference engine (DuckDB, or Polars when DuckDB
    failed, e.g. out of memory under the limit), each other engine's verdict against it and the differences;
    `mismatch_count` counts the answers that differ."""
    res.update(engines={e: summarize(runs[e]) for e in engines}, answers={}, differences={}, mismatch_count=0)
    ref_engine = next((e for e in ("duckdb", "polars") if e in engines and res["engines"][e]["status"] == "ok"), None)
    res["reference"] = ref_engine
    for e in engines:
        if ref_engine is not None and e != ref_engine and res["engines"][e]["status"] == "ok":
            verdict, diffs = check_answer(res["engines"][e], res["engines"][ref_engine])
            res["answers"][e] = verdict
            if diffs:
                res["differences"][e] = diffs
            res["mismatch_count"] += verdict == "MISMATCH"
    return res


def summarize(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        last = runs[-1]
        return {"status": last["status"], "error": last.get("error"), "seconds": None, "peak_rss": None,
                "runs": runs}
    return {"status": "ok", "seconds": median(r["seconds"] for r in ok), "peak_rss": median(r["peak_rss"] for r in ok),
            "process_wall_s": median(r["process_wall_s"] for r in ok), "rows": ok[-1]["rows"],
            "checksums": ok[-1]["checksums"], "runs": runs}


# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------

def cell(r: dict | None) -> str:
    if r is None:
        return ""
    if r["status"] != "ok":
        return r["status"]
    rss = "-" if r["peak_rss"] is None else f"{r['peak_rss'] / 2**20:.0f} MiB"
    return f"{r['seconds']:.3f} s / {rss}"


def answers_text(res: dict) -> str:
    """The verdicts of one question against its reference engine, e.g. "Strata OK, Polars OK (vs DuckDB)"."""
    if not res["answers"]:
        return "-"
    verdicts = ", ".join(f"{NAMES[e]} {v}" for e, v in res["answers"].items())
    return f"{verdicts} (vs {NAMES[res['reference']]})"


def problems(results: dict, engines: list[str]) -> list[str]:
    """One line per failed run and per answer that differs from the reference."""
    lines = []
    for q, res in results["questions"].items():
        for e in engines:
            r = res["engines"][e]
            if r["status"] != "ok":
                lines.append(f"q{q} {NAMES[e]} {r['status']}: {r.get('error')}")
        for e, d in res.get("differences", {}).items():
            lines.append(f"q{q} {NAMES[e]} differs from {NAMES[res['reference']]}: {'; '.join(d)}")
    return lines


def print_report(results: dict, engines: list[str]) -> None:
    rows = results["rows"]
    peers = [e for e in engines if e != "strata"]
    has_strata = "strata" in engines
    head = ["question"] + [f"{NAMES[e]} s / RSS" for e in engines]
    if has_strata:
        head += [f"time Strata/{NAMES[e]}" for e in peers] + [f"RSS Strata/{NAMES[e]}" for e in peers]
    head.append("answers")
    print(f"\n### {rows:,} rows ({pretty_sci(rows)}), threads {results['threads'] or 'default'}, memory limit "
          f"{results['memory_limit'] or 'none'}, median of {results['repeat']} run(s)\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    totals = {e: [0.0, 0, 0] for e in engines}  # seconds, peak RSS, questions done
    for q, res in results["questions"].items():
        line = [f"q{q}"] + [cell(res["engines"].get(e)) for e in engines]
        s = res["engines"].get("strata")
        for e in engines:
            r = res["engines"][e]
            if r["status"] == "ok":
                totals[e][0] += r["seconds"]
                totals[e][1] = max(totals[e][1], r["peak_rss"] or 0)
                totals[e][2] += 1
        if has_strata:
            line += [fmt(ratio(s["seconds"], res["engines"][e]["seconds"]), ".2f") for e in peers]
            line += [fmt(ratio(s["peak_rss"], res["engines"][e]["peak_rss"]), ".2f") for e in peers]
        line.append(answers_text(res))
        print("| " + " | ".join(line) + " |")
    total = ["total"] + [f"{t[0]:.3f} s / max {t[1] / 2**20:.0f} MiB ({t[2]} done)" for t in totals.values()]
    if has_strata:
        st = totals["strata"]
        complete = all(totals[e][2] == len(results["questions"]) for e in engines)
        total += [fmt(ratio(st[0], totals[e][0]) if complete else None, ".2f") for e in peers]
        total += [fmt(ratio(st[1], totals[e][1]) if complete else None, ".2f") for e in peers]
    total.append("")
    print("| " + " | ".join(total) + " |")
    print("\nTimes: the query alone, inside the engine's process. RSS: peak resident set of the whole process "
          "(/usr/bin/time -v). Ratios below 1: Strata faster / smaller. Totals: sums of the questions each engine "
          "completed (ratios only when every engine completed every question).")
    for problem in problems(results, engines):
        print(problem)


def run_questions(args: argparse.Namespace, engines: list[str], questions: list[int]) -> dict:
    """Prepares the data and asks `questions` of `engines` (Strata first); `args` carries the command-line options
    (rows, memory_limit, threads, repeat, timeout, data, generator, no_build, strata, questions_bin). Returns the
    results as written to the JSON file; `mismatches` counts the answers that differ from the reference."""
    data_dir = Path(args.data).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    csv, gen_s = ensure_csv(args.rows, K, data_dir, Path(args.generator).resolve())
    store = data_dir / f"store-{pretty_sci(args.rows)}"
    db = data_dir / f"duckdb-{pretty_sci(args.rows)}.db"

    needs_store = "strata" in engines or "polars" in engines
    strata_cli = Path(args.strata).resolve() if args.strata else None
    if strata_cli is None and needs_store and not store.exists():
        strata_cli = find_product(REPO_DIR, "strata", args.no_build)
    questions_bin = None
    if "strata" in engines:
        questions_bin = (Path(args.questions_bin).resolve() if args.questions_bin
                         else find_product(BENCH_DIR, "groupby-questions", args.no_build))
    prep = {"generate_csv_s": gen_s}
    if needs_store:
        prep["import_store_s"] = ensure_store(csv, store, strata_cli, args.threads)
    if "duckdb" in engines:
        prep["load_duckdb_s"] = ensure_duckdb(csv, db, args.threads)
    use_time = ensure_time_tool()
    if not use_time:
        print("warning: /usr/bin/time unavailable; peak RSS is not measured", file=sys.stderr)

    duck_tmp = data_dir / "duckdb_tmp"
    duck_tmp.mkdir(exist_ok=True)
    files_json = data_dir / f"store-{pretty_sci(args.rows)}.files.json"
    if "polars" in engines:
        files_json.write_text(json.dumps(partition_files(store, TABLE)))
    me = [sys.executable, str(Path(__file__).resolve())]
    polars_env = dict(os.environ, POLARS_MAX_THREADS=str(args.threads))

    def command(engine: str, q: int) -> list[str]:
        if engine == "strata":
            cmd = [str(questions_bin), "--store", str(store), "--table", TABLE, "--question", str(q),
                   "--threads", str(args.threads)]
            return cmd + (["--memory-limit", args.memory_limit] if args.memory_limit else [])
        if engine == "duckdb":
            cmd = me + ["--child", "duckdb", "--question", str(q), "--db", str(db), "--threads", str(args.threads),
                        "--temp-dir", str(duck_tmp)]
            return cmd + (["--memory-limit", args.memory_limit] if args.memory_limit else [])
        return me + ["--child", "polars", "--question", str(q), "--files", str(files_json)]

    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "csv": str(csv), "store": str(store), "duckdb_db": str(db), "threads": args.threads,
               "memory_limit": args.memory_limit, "repeat": args.repeat, "timeout_s": args.timeout,
               "engines": engines, "preparation": prep,
               "machine": machine(peer_modules(engines), swift="strata" in engines, strata_cli=strata_cli,
                                  repo_dir=REPO_DIR),
               "strata_questions_binary": str(questions_bin) if questions_bin else None,
               "sql": {q: QUESTIONS[q] for q in questions}, "questions": {}}
    results["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    mismatches = 0
    for q in questions:
        runs = {e: [] for e in engines}
        for round_ in range(args.repeat):
            for engine in engines:
                env = polars_env if engine == "polars" else None
                run = run_child(command(engine, q), use_time, args.timeout, env)
                runs[engine].append(run)
                what = (f"{run['seconds']:.3f} s, {run['rows']:,} rows" if run["status"] == "ok"
                        else f"{run['status']}: {run.get('error', '')[:200]}")
                rss = fmt(None if run["peak_rss"] is None else run["peak_rss"] / 2**20, ".0f")
                print(f"q{q} round {round_ + 1}/{args.repeat} {NAMES[engine]}: {what}, peak RSS {rss} MiB",
                      file=sys.stderr)
        res = judge({"sql": QUESTIONS[q]}, runs, engines)
        mismatches += res["mismatch_count"]
        results["questions"][q] = res
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["mismatches"] = mismatches
    return results


def main() -> None:
    if "--child" in sys.argv:
        child_main(sys.argv[1:])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=parse_count, default=parse_count("1e7"), help="rows of the data (1e7, 1e8)")
    p.add_argument("--questions", default=",".join(str(q) for q in QUESTIONS),
                   help="comma-separated question numbers (default: all ten)")
    measure.add_run_options(p, limit_example="1GB")
    p.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="path of gen_groupby.py")
    p.add_argument("--strata", help="path of the strata CLI used to import the store (no build)")
    p.add_argument("--questions-bin", help="path of the groupby-questions executable (no build)")
    args = p.parse_args()

    engines = parse_engines(p, args.engines, ENGINES)
    questions = parse_questions(p, args.questions)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")

    results = run_questions(args, engines, questions)
    print_report(results, engines)
    out = Path(args.data).resolve() / f"groupby-{pretty_sci(args.rows)}.json"
    out.write_text(json.dumps(jsonable(results), indent=2) + "\n")
    print(f"\nresults: {out}")
    print(f"load average (1, 5, 15 min): before {results['loadavg_before']}, after {results['loadavg_after']}")
    if results["mismatches"]:
        sys.exit(f"{results['mismatches']} answer(s) differ from the reference's")


if __name__ == "__main__":
    main()
