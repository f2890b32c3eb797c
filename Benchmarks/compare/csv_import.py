#!/usr/bin/env python3
"""CSV to ZSTD Parquet: `strata import` against DuckDB and Polars, on the db-benchmark groupby data, in one run.

    python3 Benchmarks/compare/csv_import.py [--rows 1e7] [--engines strata,duckdb,polars] [--repeat 3]

1. Generates the h2oai db-benchmark groupby file G1_<rows>_1e2_0_0.csv into --data (default Benchmarks/data/)
   with `../shared/tools/gen_groupby.py` (relative to the repository root; --generator overrides), unless the file
   is already there. Nine columns: id1-id3 strings (id001…, id0000000001…), id4-id6, v1, v2 small integers,
   v3 a double with six decimals; about 509 MB at 1e7 rows, about 5 GB at 1e8.
2. Reads the CSV once (untimed), so every engine reads it from the page cache.
3. Unless --no-build (or --strata PATH), builds Strata's CLI:  swift build -c release --product strata
4. Runs --repeat rounds; a round runs each engine once, each in its own process under `/usr/bin/time -v` (peak RSS,
   "Maximum resident set size"), the engines interleaved so that a change of load on the machine hits all alike:
     strata   strata import CSV --store DIR/store --table g --quiet [--threads N] [--memory-limit SIZE]
     duckdb   COPY (SELECT * FROM read_csv('CSV')) TO 'DIR/duckdb.parquet' (FORMAT parquet, COMPRESSION zstd)
              (Python package, in-memory database, default settings; SET threads = N with --threads)
     polars   pl.scan_csv(CSV).sink_parquet('DIR/polars.parquet', compression='zstd')
              (default settings; POLARS_MAX_THREADS = N with --threads)
   Each engine's previous output is deleted before its run; the output's size is recorded.
   Time: Strata's is the wall time of the whole `strata import` process (which fsyncs its files and commits a
   version); DuckDB's and Polars' is the COPY / sink_parquet call alone, timed inside the process (interpreter
   start and `import` excluded; the output file is fsynced after the timer stops, fsync_s in the JSON).
5. Checks that the outputs agree, with DuckDB reading each one (Strata's as read_parquet('DIR/store/tables/g/
   *.parquet')): row count and, per column, count, count distinct (id columns), sum (integer columns; v3: sum to
   1e-6 relative, and the exact sum of round(v3 * 1e6)), min and max. Reports each engine's column types; Strata
   should sniff id1-id3 as string, id4-id6, v1, v2 as int64 and v3 as double.

Prints one table (engine, median wall s, median peak RSS MiB, output MiB, input MB/s with MB = 1e6 bytes of CSV,
Strata/peer ratios of time and peak RSS: below 1 means Strata is faster or smaller) and writes every run to
Benchmarks/results/csv_import-<UTC time>.json. Exits with status 1 when the outputs disagree or Strata's column
types are not the expected ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from measure import (BENCH_DIR, DEFAULT_GENERATOR, ENGINES, NAMES, REPO_DIR, TIME_BIN, ensure_csv, ensure_time_tool,
                     find_product, fmt, last_json_line, machine, mib, peer_modules,
                     median, parse_count, parse_engines, peak_rss, ratio, write_results)

TABLE = "g"
EXPECTED_STRATA_TYPES = {"id1": "string", "id2": "string", "id3": "string", "id4": "int64", "id5": "int64",
                         "id6": "int64", "v1": "int64", "v2": "int64", "v3": "double"}
V3_REL_TOL = 1e-6


def sql_str(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------------------------
# Child processes (peers): `csv_import.py --child duckdb|polars --csv FILE --out FILE`, each under /usr/bin/time -v
# ---------------------------------------------------------------------------------------------------------------

def fsync_file(path: str) -> float:
    start = time.perf_counter()
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    return time.perf_counter() - start


def child_duckdb(args) -> dict:
    import duckdb

    con = duckdb.connect()  # in-memory database, default memory limit
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    sql = (f"COPY (SELECT * FROM read_csv({sql_str(args.csv)})) TO {sql_str(args.out)} "
           f"(FORMAT parquet, COMPRESSION zstd)")
    start = time.perf_counter()
    res = con.execute(sql).fetchall()
    import_s = time.perf_counter() - start
    rows = res[0][0] if res and res[0] else None
    return {"import_s": import_s, "fsync_s": fsync_file(args.out), "output_bytes": os.path.getsize(args.out),
            "rows_reported": rows, "threads": threads, "version": duckdb.__version__, "sql": sql}


def child_polars(args) -> dict:
    import polars as pl

    start = time.perf_counter()
    pl.scan_csv(args.csv).sink_parquet(args.out, compression="zstd")
    import_s = time.perf_counter() - start
    return {"import_s": import_s, "fsync_s": fsync_file(args.out), "output_bytes": os.path.getsize(args.out),
            "threads": pl.thread_pool_size(), "version": pl.__version__,
            "code": f"pl.scan_csv({args.csv!r}).sink_parquet({args.out!r}, compression='zstd')"}


def child_main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--child", choices=["duckdb", "polars"], required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int)
    args = p.parse_args(argv)
    result = {"duckdb": child_duckdb, "polars": child_polars}[args.child](args)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------



def run_measured(cmd: list[str], use_time: bool, env: dict | None = None) -> dict:
    """Runs `cmd` (under /usr/bin/time -v when available): status ok or failed (with the end of its output), wall
    time, peak RSS in bytes and standard output."""
    full = [TIME_BIN, "-v"] + cmd if use_time else cmd
    start = time.perf_counter()
    proc = subprocess.run(full, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    run = {"status": "ok", "process_wall_s": wall, "peak_rss": peak_rss(proc.stderr), "stdout": proc.stdout}
    if proc.returncode != 0:
        own = proc.stderr
        for marker in ("Command exited with non-zero status", "Command terminated by signal", "\tCommand being timed:"):
            own = own.split(marker)[0] if use_time else own
        run.update(status="failed", error=f"exit status {proc.returncode}: {(proc.stdout + own).strip()[-1500:]}")
    return run


def warm_cache(path: Path) -> float:
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while f.read(16 << 20):
            pass
    return time.perf_counter() - start


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# ---------------------------------------------------------------------------------------------------------------
# Agreement: DuckDB aggregates over every engine's output
# ---------------------------------------------------------------------------------------------------------------

STRATA_TYPE_OF_DUCKDB = {"VARCHAR": "string", "BIGINT": "int64", "INTEGER": "int32", "DOUBLE": "double",
                         "FLOAT": "float", "BOOLEAN": "bool", "DATE": "date", "TIMESTAMP WITH TIME ZONE": "timestamp",
                         "TIMESTAMP": "timestamp (no tz)"}
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT"}
FLOAT_TYPES = {"FLOAT", "DOUBLE"}


def round_rel(x: float, rel: float = V3_REL_TOL):
    if x is None or x == 0 or not math.isfinite(x):
        return x
    digits = -int(math.floor(math.log10(abs(x)))) + int(round(-math.log10(rel)))
    return round(x, digits)


def output_glob(engine: str, work: Path) -> str:
    if engine == "strata":
        return str(work / "store" / "tables" / TABLE / "*.parquet")
    return str(work / f"{engine}.parquet")


def profile(con, source: str) -> dict:
    """Column types and aggregates of one output, computed by DuckDB."""
    rel = f"read_parquet({sql_str(source)})"
    described = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    types = {row[0]: row[1] for row in described}
    exprs, keys = ["count(*)"], [("rows", None)]

    def add(expr: str, col: str, what: str) -> None:
        exprs.append(expr)
        keys.append((col, what))

    for col, typ in types.items():
        q = '"' + col.replace('"', '""') + '"'
        add(f"count({q})", col, "count")
        if col.startswith("id"):
            add(f"count(DISTINCT {q})", col, "count_distinct")
        if typ in INTEGER_TYPES:
            add(f"sum({q})::HUGEINT", col, "sum")
        elif typ in FLOAT_TYPES:
            add(f"sum({q})", col, "sum")
            add(f"sum(round({q} * 1e6)::BIGINT)::HUGEINT", col, "sum_x1e6")
        add(f"min({q})", col, "min")
        add(f"max({q})", col, "max")
    start = time.perf_counter()
    values = con.execute(f"SELECT {', '.join(exprs)} FROM {rel}").fetchone()
    elapsed = time.perf_counter() - start
    aggregates: dict = {"rows": None, "columns": {}}
    for (col, what), v in zip(keys, values):
        if isinstance(v, float) and not math.isfinite(v):
            v = repr(v)
        if col == "rows":
            aggregates["rows"] = int(v)
        else:
            aggregates["columns"].setdefault(col, {})[what] = v
    files = sorted(glob.glob(source))
    meta = con.execute(f"SELECT DISTINCT compression FROM parquet_metadata({sql_str(source)})").fetchall()
    groups = con.execute(f"SELECT count(DISTINCT (file_name, row_group_id)) FROM parquet_metadata({sql_str(source)})"
                         ).fetchone()[0]
    return {"source": source, "files": len(files), "row_groups": groups,
            "codecs": sorted(str(r[0]) for r in meta), "duckdb_types": types,
            "types": {c: STRATA_TYPE_OF_DUCKDB.get(t, t) for c, t in types.items()},
            "aggregates": aggregates, "profile_s": elapsed}


def same(what: str, a, b) -> bool:
    if what == "sum" and isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=V3_REL_TOL)
    return a == b


def compare(profiles: dict) -> list[str]:
    """Differences between the engines' aggregates (empty when they all agree)."""
    names = list(profiles)
    if len(names) < 2:
        return []
    ref_name = names[0]
    ref = profiles[ref_name]["aggregates"]
    diffs = []
    for name in names[1:]:
        other = profiles[name]["aggregates"]
        if ref["rows"] != other["rows"]:
            diffs.append(f"rows: {NAMES[ref_name]} {ref['rows']} != {NAMES[name]} {other['rows']}")
        if list(ref["columns"]) != list(other["columns"]):
            diffs.append(f"columns: {NAMES[ref_name]} {list(ref['columns'])} != {NAMES[name]} {list(other['columns'])}")
        for col in ref["columns"]:
            a, b = ref["columns"][col], other["columns"].get(col, {})
            for what in sorted(set(a) | set(b)):
                if what not in a or what not in b or not same(what, a[what], b[what]):
                    diffs.append(f"{col}.{what}: {NAMES[ref_name]} {a.get(what, 'n/a')!r} != "
                                 f"{NAMES[name]} {b.get(what, 'n/a')!r}")
    return diffs


def run_import(args: argparse.Namespace, engines: list[str]) -> dict:
    """Steps 1-5 of the module docstring for `engines` (Strata first); `args` carries the command-line options
    (rows, k, repeat, data, dir, generator, no_build, strata, threads, memory_limit, keep). Returns the results,
    as written to the JSON file: per engine the medians, every run and DuckDB's profile of the output; `agree`,
    `differences` and `strata_types_as_expected`."""
    data_dir = Path(args.data).resolve()
    work = Path(args.dir).resolve() if args.dir else data_dir / "csv_import"
    csv, gen_s = ensure_csv(args.rows, args.k, data_dir, Path(args.generator).resolve())
    csv_bytes = csv.stat().st_size

    strata = None
    if "strata" in engines:
        strata = Path(args.strata).resolve() if args.strata else find_product(REPO_DIR, "strata", args.no_build)
        if not strata.exists():
            sys.exit(f"{strata} not found")
    use_time = ensure_time_tool()
    if not use_time:
        print("warning: /usr/bin/time unavailable; peak RSS is not measured", file=sys.stderr)
    work.mkdir(parents=True, exist_ok=True)

    print(f"reading {csv.name} once to warm the page cache", file=sys.stderr)
    warm_s = warm_cache(csv)

    me = [sys.executable, str(Path(__file__).resolve())]
    outputs = {"strata": work / "store", "duckdb": work / "duckdb.parquet", "polars": work / "polars.parquet"}
    peer_threads = ["--threads", str(args.threads)] if args.threads else []
    commands = {
        "duckdb": me + ["--child", "duckdb", "--csv", str(csv), "--out", str(outputs["duckdb"])] + peer_threads,
        "polars": me + ["--child", "polars", "--csv", str(csv), "--out", str(outputs["polars"])] + peer_threads,
    }
    polars_env = dict(os.environ, POLARS_MAX_THREADS=str(args.threads)) if args.threads else None
    if strata is not None:
        cmd = [str(strata), "import", str(csv), "--store", str(outputs["strata"]), "--table", TABLE, "--quiet"]
        if args.threads is not None:
            cmd += ["--threads", str(args.threads)]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        commands["strata"] = cmd

    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "k": args.k, "csv": str(csv), "csv_bytes": csv_bytes, "generate_s": gen_s, "warm_cache_s": warm_s,
               "repeat": args.repeat, "engines": {}, "machine": machine(peer_modules(engines), swift=strata is not None,
                                                                   strata_cli=strata,
                                                                   repo_dir=REPO_DIR if strata else None),
               "commands": {e: commands[e] for e in engines}}
    runs = {e: [] for e in engines}
    load_before = [round(x, 2) for x in os.getloadavg()]
    for round_ in range(args.repeat):
        for engine in engines:
            print(f"round {round_ + 1}/{args.repeat}: {NAMES[engine]}", file=sys.stderr)
            remove(outputs[engine])
            os.sync()
            run = run_measured(commands[engine], use_time, polars_env if engine == "polars" else None)
            if run["status"] != "ok":
                run.pop("stdout")
                runs[engine].append(run)
                print(f"  failed: {run['error'][-300:]}", file=sys.stderr)
                continue
            if engine == "strata":
                run["import_s"] = run["process_wall_s"]
                parts = glob.glob(output_glob("strata", work))
                run["output_bytes"] = sum(os.path.getsize(f) for f in parts)
                run["store_bytes"] = dir_bytes(outputs["strata"])
                run["partition_files"] = len(parts)
                run["summary"] = run.pop("stdout")
            else:
                out = run.pop("stdout")
                child = last_json_line(out)
                if child is None:
                    run.update(status="failed", error=f"no JSON result in the output: {out[-300:]}")
                    runs[engine].append(run)
                    continue
                run.update(child)
            runs[engine].append(run)
            print(f"  {run['import_s']:.3f} s, peak RSS "
                  f"{fmt(None if run['peak_rss'] is None else run['peak_rss'] / 2**20, '.0f')} MiB, "
                  f"output {run['output_bytes'] / 2**20:.1f} MiB", file=sys.stderr)
    load_after = [round(x, 2) for x in os.getloadavg()]
    results["loadavg_before"], results["loadavg_after"] = load_before, load_after

    for engine in engines:
        r = runs[engine]
        ok = [x for x in r if x["status"] == "ok"]
        if not ok:
            results["engines"][engine] = {"status": "failed", "error": r[-1].get("error"), "import_s": None,
                                          "process_wall_s": None, "peak_rss": None, "output_bytes": None,
                                          "input_mb_s": None, "runs": r}
            continue
        t = median(x["import_s"] for x in ok)
        results["engines"][engine] = {
            "status": "ok",
            "import_s": t,
            "process_wall_s": median(x["process_wall_s"] for x in ok),
            "peak_rss": median(x["peak_rss"] for x in ok),
            "output_bytes": ok[-1]["output_bytes"],
            "input_mb_s": ratio(csv_bytes / 1e6, t),
            "runs": r,
        }

    # Agreement, on the last successful run's outputs
    print("checking agreement: DuckDB aggregates over every output", file=sys.stderr)
    import duckdb

    done = [e for e in engines if results["engines"][e]["status"] == "ok"]
    con = duckdb.connect()
    profiles = {e: profile(con, output_glob(e, work)) for e in done}
    con.close()
    diffs = compare(profiles)
    strata_types_ok = None
    if "strata" in profiles:
        strata_types_ok = profiles["strata"]["types"] == EXPECTED_STRATA_TYPES
    for e in done:
        results["engines"][e]["check"] = profiles[e]
    results["agree"] = not diffs
    results["differences"] = diffs
    results["strata_types_as_expected"] = strata_types_ok
    results["expected_strata_types"] = EXPECTED_STRATA_TYPES

    s = results["engines"].get("strata")
    for e in engines:
        if e != "strata":
            results["engines"][e]["ratios"] = {
                "time": ratio(s["import_s"], results["engines"][e]["import_s"]) if s else None,
                "peak_rss": ratio(s["peak_rss"], results["engines"][e]["peak_rss"]) if s else None,
            }

    if not args.keep:
        for e in engines:
            remove(outputs[e])
    return results


def print_import_report(results: dict) -> None:
    """The table of medians and ratios, the column types and the agreement verdict."""
    engines = list(results["engines"])
    csv, csv_bytes = Path(results["csv"]), results["csv_bytes"]
    profiles = {e: r["check"] for e, r in results["engines"].items() if "check" in r}
    diffs = results["differences"]
    strata_types_ok = results["strata_types_as_expected"]
    load_before, load_after = results["loadavg_before"], results["loadavg_after"]
    print(f"\n{csv.name}: {results['rows']:,} rows, {csv_bytes / 1e6:.1f} MB of CSV; medians of {results['repeat']} "
          f"round(s), one process per run; MB = 1e6 bytes of CSV; RSS = peak resident set, MiB")
    header = (f"{'engine':<8} {'wall s':>8} {'peak RSS MiB':>12} {'output MiB':>10} {'input MB/s':>10} "
              f"{'Strata/peer time':>16} {'Strata/peer RSS':>15}")
    print(header)
    print("-" * len(header))
    for e in engines:
        r = results["engines"][e]
        rat = r.get("ratios", {})
        print(f"{NAMES[e]:<8} {fmt(r['import_s'], '8.3f')} {fmt(mib(r['peak_rss']), '12.0f')} "
              f"{fmt(mib(r['output_bytes']), '10.1f')} {fmt(r['input_mb_s'], '10.1f')} "
              f"{fmt(rat.get('time'), '16.2f') if e != 'strata' else '':>16} "
              f"{fmt(rat.get('peak_rss'), '15.2f') if e != 'strata' else '':>15}")
    print("Strata's time is its whole process (fsyncs included); DuckDB's and Polars' the COPY / sink_parquet call "
          "alone (no fsync).\nA ratio below 1: Strata faster / smaller.")
    for e in engines:
        if results["engines"][e]["status"] != "ok":
            print(f"{NAMES[e]} failed: {results['engines'][e]['error']}")
    engines = list(profiles)

    cols = list(EXPECTED_STRATA_TYPES)
    for e in engines:
        cols += [c for c in profiles[e]["types"] if c not in cols]
    print("\ncolumn types (as DuckDB reads each output; Strata's names):")
    print(f"{'column':<8} " + " ".join(f"{NAMES[e]:<10}" for e in engines)
          + ("   expected (Strata)" if "strata" in engines else ""))
    for c in cols:
        line = f"{c:<8} " + " ".join(f"{profiles[e]['types'].get(c, 'missing'):<10}" for e in engines)
        if "strata" in engines:
            line += f"   {EXPECTED_STRATA_TYPES.get(c, 'unexpected column')}"
        print(line)
    for e in engines:
        pr = profiles[e]
        print(f"{NAMES[e]}: {pr['aggregates']['rows']:,} rows, {pr['files']} file(s), {pr['row_groups']} row groups, "
              f"codec {'/'.join(pr['codecs'])}")
    if len(engines) > 1:
        agg = ("row count and per-column count, count distinct (id*), sum (ints; v3 to 1e-6 relative and "
               "sum(round(v3*1e6)) exactly), min, max")
        print(f"agreement of {', '.join(NAMES[e] for e in engines)} on {agg}: "
              f"{'yes' if not diffs else 'NO'}")
        for d in diffs:
            print(f"  {d}")
    if strata_types_ok is not None:
        print(f"Strata's column types as expected: {'yes' if strata_types_ok else 'NO'}")
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")


def main() -> None:
    if "--child" in sys.argv:
        child_main(sys.argv[1:])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=parse_count, default=parse_count("1e7"), help="rows of the CSV (1e7, 1e8)")
    p.add_argument("--k", type=parse_count, default=parse_count("1e2"), help="groups (K) of the generated data")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of: strata,duckdb,polars")
    p.add_argument("--repeat", type=int, default=3, help="rounds (one process per engine each); medians reported")
    p.add_argument("--data", default=str(BENCH_DIR / "data"), help="where the CSV is generated or found")
    p.add_argument("--dir", help="scratch directory for the outputs (default: DATA/csv_import)")
    p.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="path of gen_groupby.py")
    p.add_argument("--no-build", action="store_true", help="use the existing release build of strata")
    p.add_argument("--strata", help="path of a strata binary to use (no build)")
    p.add_argument("--threads", type=int, help="threads of every engine (default: each engine's own, one per core)")
    p.add_argument("--memory-limit", help="passed to strata import, e.g. 512MB")
    p.add_argument("--keep", action="store_true", help="keep the last run's outputs")
    args = p.parse_args()

    engines = parse_engines(p, args.engines, ENGINES)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    results = run_import(args, engines)
    print_import_report(results)
    out = write_results("csv_import", results)
    print(f"results: {out.relative_to(REPO_DIR)}")
    if results["differences"]:
        sys.exit("the outputs disagree")
    if results["strata_types_as_expected"] is False:
        sys.exit("Strata's column types are not the expected ones")


if __name__ == "__main__":
    main()
