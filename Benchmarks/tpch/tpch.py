#!/usr/bin/env python3
"""TPC-H through Strata, checked against DuckDB.

Usage, from the repository root:

    python3 Benchmarks/tpch/tpch.py --sf 0.1                 # generate (once), import, run the 22 queries, compare
    python3 Benchmarks/tpch/tpch.py --sf 1 --memory-limit 1GB --queries 1,3,18

Data: DuckDB's TPC-H generator, which works offline from PyPI: a virtual environment in --data/venv gets
duckdb==1.5.5 and duckdb-extension-tpch==1.5.5, whose `tpch.duckdb_extension` file is LOADed (INSTALL cannot
download here) before `CALL dbgen(sf=…)`. The tables are written as Parquet (tpch-sf<SF>/<table>.parquet) and the
queries in DuckDB's own text (`tpch_queries()`) as q01.sql … q22.sql next to them. Columns keep TPC-H's
DECIMAL(15,2) types (`--types double` writes them as DOUBLE instead, into tpch-sf<SF>-double). DECIMAL answers must
equal DuckDB's exactly; DOUBLE answers (averages, ratios) within a relative 1e-9, since sums of doubles in another
order differ in their last digits.

Each query runs through `strata sql STORE "<query>" --format csv --timer [--memory-limit M] --threads T`; its
time is Strata's `Run Time`, its memory the process's peak RSS (/usr/bin/time -v). DuckDB (python duckdb, the one
the repository pins) runs the same text over views of the Parquet files twice: in this process without a memory
limit for the expected answers, and timed in a fresh process per query with the same threads and memory limit
(its query time and that process's peak RSS; a DuckDB failure is reported and does not stop the run).
"""
import argparse
import csv
import decimal
import io
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def generate(sf: str, data: Path, types: str) -> Path:
    out = data / (f"tpch-sf{sf}" if types == "decimal" else f"tpch-sf{sf}-double")
    if (out / "q22.sql").exists():
        return out
    venv = data / "venv-tpch"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "duckdb==1.5.5",
                        "duckdb-extension-tpch==1.5.5"], check=True)
    out.mkdir(parents=True, exist_ok=True)
    script = f"""
import duckdb, glob, os
ext = glob.glob(os.path.join(os.path.dirname(duckdb.__file__), '..', 'duckdb_extension_tpch', '**',
                             'tpch.duckdb_extension'), recursive=True)[0]
c = duckdb.connect()
c.execute(f"LOAD '{{ext}}'")
c.execute("CALL dbgen(sf={sf})")
for t in {TABLES!r}:
    cols = c.execute(f"DESCRIBE {{t}}").fetchall()
    sel = ", ".join(f'CAST("{{n}}" AS DOUBLE) AS "{{n}}"' if ty.startswith("DECIMAL") and {types!r} == "double"
                    else f'"{{n}}"' for n, ty, *_ in cols)
    c.execute(f"COPY (SELECT {{sel}} FROM {{t}}) TO '{out}/{{t}}.parquet' (FORMAT parquet)")
for n, q in c.execute("SELECT query_nr, query FROM tpch_queries()").fetchall():
    open(f"{out}/q{{n:02d}}.sql", "w").write(q)
"""
    subprocess.run([str(python), "-c", script], check=True)
    return out


def ensure_store(strata: Path, tables: Path) -> Path:
    store = tables / "store"
    if store.exists():
        return store
    tmp = tables / "store.tmp"
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    for t in TABLES:
        subprocess.run([str(strata), "import", str(tables / f"{t}.parquet"), "--store", str(tmp), "--table", t,
                        "--quiet"], check=True)
    tmp.rename(store)
    return store


def cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, decimal.Decimal):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def same(got, expected) -> bool:
    """Strata's CSV cell `got` (parsed by `cell`) against DuckDB's value: decimals exactly, with their scale."""
    if isinstance(expected, decimal.Decimal):
        return isinstance(got, str) and got == format(expected, "f")
    a, b = got, expected
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def duckdb_run(tables: Path, sql: str, threads: int, memory_limit) -> str:
    """DuckDB's time and peak RSS for `sql` in a fresh process, as "s / MiB" (or its error)."""
    script = f"""
import duckdb, sys, time
c = duckdb.connect()
c.execute("SET threads = {threads}")
{f'c.execute("SET memory_limit = {memory_limit!r}")' if memory_limit else ''}
for t in {TABLES!r}:
    c.execute(f"CREATE VIEW {{t}} AS SELECT * FROM read_parquet('{tables}/{{t}}.parquet')")
sql = sys.stdin.read()
start = time.perf_counter()
c.execute(sql).fetchall()
print(f"TIME {{time.perf_counter() - start:.3f}}")
"""
    run = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", script], input=sql, capture_output=True,
                         text=True)
    took = re.search(r"TIME ([0-9.]+)", run.stdout)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    if run.returncode != 0 or not took:
        reason = next((line for line in run.stderr.splitlines() if "Error" in line), "failed")
        return f"error: {reason[:60]}"
    return f"{float(took.group(1)):.3f} / {int(rss.group(1)) // 1024 if rss else '?'} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sf", default="0.1")
    parser.add_argument("--data", default=str(REPO / ".bench-data"))
    parser.add_argument("--queries", default=",".join(str(i) for i in range(1, 23)))
    parser.add_argument("--memory-limit")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--types", choices=["decimal", "double"], default="decimal",
                        help="keep TPC-H's DECIMAL columns (default) or write them as DOUBLE")
    parser.add_argument("--strata", default=str(REPO / ".build" / "release" / "strata"))
    args = parser.parse_args()
    import duckdb

    tables = generate(args.sf, Path(args.data).resolve(), args.types)
    strata = Path(args.strata)
    store = ensure_store(strata, tables)
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{tables / (t + '.parquet')}')")
    passed = 0
    print(f"TPC-H SF{args.sf} ({args.types}), {args.threads} threads, memory limit {args.memory_limit or 'none'}")
    print("| query | Strata s / RSS | DuckDB s / RSS | answer |")
    print("|---|---|---|---|")
    for n in [int(q) for q in args.queries.split(",")]:
        sql = (tables / f"q{n:02d}.sql").read_text()
        expected = [[cell(v) for v in row] for row in con.execute(sql).fetchall()]
        duck = duckdb_run(tables, sql, args.threads, args.memory_limit)
        cmd = ["/usr/bin/time", "-v", str(strata), "sql", str(store), sql, "--format", "csv", "--timer",
               "--threads", str(args.threads)]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        run = subprocess.run(cmd, capture_output=True, text=True)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
        took = re.search(r"Run Time: ([0-9.]+) s", run.stderr)
        if run.returncode != 0:
            message = next((line for line in run.stderr.splitlines() if "error" in line), "failed")
            print(f"| Q{n} | error | {duck} | {message[:80]} |")
            continue
        rows = list(csv.reader(io.StringIO(run.stdout)))[1:]
        # Cells where DuckDB has a decimal stay text, so the comparison sees Strata's exact digits.
        got = [[v if i < len(e) and isinstance(e[i], decimal.Decimal) and v != "" else cell(v)
                for i, v in enumerate(row)] for row, e in zip(rows, expected + [[]] * len(rows))]
        ok = len(got) == len(expected) and all(len(a) == len(b) and all(map(same, a, b))
                                                for a, b in zip(got, expected))
        passed += ok
        memory = f"{int(rss.group(1)) // 1024} MiB" if rss else "?"
        print(f"| Q{n} | {float(took.group(1)) if took else float('nan'):.3f} / {memory} | {duck} | "
              f"{'equal' if ok else 'DIFFERENT'} ({len(got)} rows) |")
    print(f"{passed} of {len(args.queries.split(','))} answers equal DuckDB's")


if __name__ == "__main__":
    main()
