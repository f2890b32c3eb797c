#!/usr/bin/env python3
"""Strata against DuckDB and Polars, side by side, in one run: the one command behind docs/benchmarks.md.

    python3 Benchmarks/compare/compare.py [--import-rows 1e7,1e8] [--rows 1e7] [--limited-rows 1e8]
        [--memory-limit 1GB] [--join-rows 1e7] [--join-memory-limit 256MB] [--threads 2] [--repeat 3]
        [--parts import,groupby,limited,join,join-limited] [--engines strata,duckdb,polars]
        [--questions 1,2,3,4,5,6,7,8,9,10] [--no-build] [--timeout 1800]

1. Builds the release binaries (unless --no-build): `swift build -c release --product strata` and
   `swift build -c release --package-path Benchmarks --product groupby-questions`.
2. Data: the h2oai db-benchmark groupby files G1_<rows>_1e2_0_0.csv, generated into --data (default
   Benchmarks/data/, git-ignored) by `../shared/tools/gen_groupby.py` (--generator) when missing; for the group-by
   parts also a Strata store and a DuckDB database of each file, built once and kept (see groupby.py).
3. Part `import` (csv_import.py), at each of --import-rows: CSV to ZSTD-compressed Parquet by `strata import`,
   DuckDB's COPY … TO … (FORMAT parquet, COMPRESSION zstd) and Polars' scan_csv().sink_parquet(); the outputs must
   agree (row count and per-column count, distinct count, sum, min, max).
4. Part `groupby` (groupby.py): the group-by questions q1-q10 (q8 is the window question: row_number per id6) at
   --rows, with each engine's default memory limit.
5. Part `limited` (groupby.py): the same questions at --limited-rows under --memory-limit: Strata --memory-limit,
   DuckDB SET memory_limit (spilling to a temp directory), Polars' streaming engine (it has no memory limit).
   Answers are checked against DuckDB's (Polars' where DuckDB failed): row counts and the sums of every numeric
   output column, doubles to 1e-9 relative.
6. Part `join` (join.py): the five db-benchmark join questions over x of --join-rows rows, each engine writing the
   whole result as ZSTD Parquet, with its default memory limit; part `join-limited`: the same under
   --join-memory-limit for Strata and DuckDB (Polars has no limit). Answers: rows and the sums of v1 and v2.
Every measurement is its own process under `/usr/bin/time -v` (wall time and peak RSS), --repeat rounds with the
engines interleaved, medians reported; every engine gets --threads threads. Times: Strata's import is its whole
process (fsyncs and commit included); every other time is the operation alone, timed inside the engine's process
(interpreter start, imports, opening the database excluded), as in db-benchmark; the process wall times are in the
JSON. Prints one Markdown table with Strata/peer ratios (below 1: Strata faster or smaller), writes everything to
Benchmarks/results/compare-<UTC time>.json, and exits with status 1 when answers disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys

import csv_import
import groupby
import join
from measure import (BENCH_DIR, DEFAULT_GENERATOR, ENGINES, NAMES, REPO_DIR, find_product, fmt, machine, mib,
                     parse_count, parse_engines, peer_modules, pretty_sci, ratio, write_results)

PARTS = ("import", "groupby", "limited", "join", "join-limited")


def parse_counts(text: str) -> list[int]:
    return [parse_count(t) for t in text.split(",") if t.strip()]


def cell(seconds, rss, status: str = "ok") -> str:
    """One engine's median time and peak RSS, or why it has none."""
    if status != "ok":
        return status
    return f"{fmt(seconds, '.2f')} s / {fmt(mib(rss), '.0f')} MiB"


def ratio_cell(s_seconds, s_rss, p_seconds, p_rss) -> str:
    """Strata/peer ratios of time and of peak RSS."""
    t, r = ratio(s_seconds, p_seconds), ratio(s_rss, p_rss)
    if t is None and r is None:
        return "-"
    return f"{fmt(t, '.2f')} / {fmt(r, '.2f')}"


def import_rows(results: dict, engines: list[str]) -> list[list[str]]:
    """Table lines of one import run: one line, the conversion."""
    es = results["engines"]
    s = es.get("strata")
    line = [f"CSV → ZSTD Parquet, {pretty_sci(results['rows'])} rows ({results['csv_bytes'] / 1e9:.2f} GB)", "import"]
    line += [cell(es[e]["import_s"], es[e]["peak_rss"], es[e]["status"]) for e in engines]
    if s is not None:
        line += [ratio_cell(s["import_s"], s["peak_rss"], es[e]["import_s"], es[e]["peak_rss"])
                 for e in engines if e != "strata"]
    line.append("agree" if results["agree"] else "DISAGREE")
    return [line]


def groupby_rows(results: dict, engines: list[str], title: str) -> list[list[str]]:
    """Table lines of one question run (group-by or join): a line per question and a total over the questions every
    engine did; an engine the run left out (Polars under a memory limit it does not have) shows as "-"."""
    lines = []
    done_by_all = []
    ran = [e for e in engines if e in results["engines"]]
    missing = {"status": "-", "seconds": None, "peak_rss": None}
    for q, res in results["questions"].items():
        es = res["engines"]
        line = [title, f"q{q}"]
        line += [cell(es.get(e, missing)["seconds"], es.get(e, missing)["peak_rss"], es.get(e, missing)["status"])
                 for e in engines]
        if "strata" in engines:
            s = es.get("strata", missing)
            line += [ratio_cell(s["seconds"], s["peak_rss"], es.get(e, missing)["seconds"],
                                es.get(e, missing)["peak_rss"]) for e in engines if e != "strata"]
        line.append(groupby.answers_text(res))
        lines.append(line)
        if all(es[e]["status"] == "ok" for e in ran):
            done_by_all.append(q)
    total = {e: (sum(results["questions"][q]["engines"][e]["seconds"] for q in done_by_all),
                 max((results["questions"][q]["engines"][e]["peak_rss"] or 0 for q in done_by_all), default=None))
             for e in ran}
    n = len(results["questions"])
    what = "total" if len(done_by_all) == n else f"total of the {len(done_by_all)} every engine completed"
    line = [title, what] + [cell(*total[e]) if done_by_all and e in total else "-" for e in engines]
    if "strata" in engines:
        line += [ratio_cell(total["strata"][0], total["strata"][1], total[e][0], total[e][1])
                 if "strata" in total and e in total else "-" for e in engines if e != "strata"]
    line.append("")
    lines.append(line)
    return lines


def print_table(summary: dict, engines: list[str]) -> None:
    peers = [e for e in engines if e != "strata"]
    head = ["part", "case"] + [f"{NAMES[e]} time / peak RSS" for e in engines]
    if "strata" in engines:
        head += [f"Strata/{NAMES[e]} time / RSS" for e in peers]
    head.append("answers")
    lines = []
    for part in summary["parts"]:
        if part["part"] == "import":
            lines += import_rows(part["results"], engines)
        else:
            lines += groupby_rows(part["results"], engines, part["title"])
    m = summary["machine"]
    print(f"\n## Strata against {', '.join(NAMES[e] for e in peers) or 'no peer'}"
          f" — {summary['started']}, median of {summary['repeat']}, {summary['threads']} threads each\n")
    print(f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {fmt(mib(m.get('mem_bytes')), '.0f')} MiB RAM, "
          f"Linux {m.get('kernel')}, {m.get('swift', 'Swift ?')}, DuckDB {m.get('duckdb', '-')}, "
          f"Polars {m.get('polars', '-')}, git {m.get('git_head', '?')[:12]}; load average before "
          f"{summary['loadavg_before']}, after {summary['loadavg_after']}.\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")
    print("\nTimes: Strata's import is its whole process (fsyncs and commit included); all other times are the "
          "operation alone, inside the engine's process. Peak RSS: the whole process (/usr/bin/time -v). Ratios "
          "below 1: Strata faster / smaller. Totals: the questions every engine completed; peak RSS the largest.")
    for part in summary["parts"]:
        if part["part"] == "import":
            for d in part["results"]["differences"]:
                print(f"{part['title']}: {d}")
            continue
        for problem in groupby.problems(part["results"], part["results"]["engines"]):
            print(f"{part['title']} {problem[:400]}")


def run_parts(args: argparse.Namespace, parts: list[str], engines: list[str], questions: list[int],
              import_sizes: list[int], common: dict, questions_bin, summary: dict) -> None:
    """Steps 3-5 of the module docstring; each part's results are appended to summary["parts"] when it ends."""
    # 3. CSV import.
    if "import" in parts:
        for rows in import_sizes:
            print(f"\n=== import: {pretty_sci(rows)} rows ===", file=sys.stderr)
            opts = argparse.Namespace(rows=rows, k=groupby.K, dir=None, memory_limit=None, keep=False, **common)
            res = csv_import.run_import(opts, engines)
            csv_import.print_import_report(res)
            summary["parts"].append({"part": "import", "title": f"import {pretty_sci(rows)}", "results": res})

    # 4-5. Group-by questions, unlimited then under the memory limit.
    runs = []
    if "groupby" in parts:
        runs.append(("groupby", args.rows, None))
    if "limited" in parts:
        runs.append(("limited", args.limited_rows, args.memory_limit))
    for part, rows, limit in runs:
        title = f"group-by {pretty_sci(rows)}" + (f", limit {limit}" if limit else "")
        print(f"\n=== {title} ===", file=sys.stderr)
        opts = argparse.Namespace(rows=rows, memory_limit=limit, timeout=args.timeout,
                                  questions_bin=str(questions_bin) if questions_bin else None, **common)
        res = groupby.run_questions(opts, engines, questions)
        groupby.print_report(res, engines)
        summary["parts"].append({"part": part, "title": title, "results": res})

    # 6. Join questions, unlimited (every engine) then under the join memory limit (engines that have one).
    joins = []
    if "join" in parts:
        joins.append(("join", None, engines))
    if "join-limited" in parts:
        joins.append(("join-limited", args.join_memory_limit, [e for e in engines if e != "polars"]))
    for part, limit, part_engines in joins:
        if not part_engines:
            continue
        title = f"join {pretty_sci(args.join_rows)}" + (f", limit {limit}" if limit else "")
        print(f"\n=== {title} ===", file=sys.stderr)
        opts = argparse.Namespace(rows=args.join_rows, memory_limit=limit, timeout=args.timeout,
                                  repeat=common["repeat"], data=common["data"], no_build=True,
                                  threads=common["threads"])
        res = join.run_questions(opts, part_engines, list(join.QUESTIONS))
        join.print_report(res)
        summary["parts"].append({"part": part, "title": title, "results": res})


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", default=",".join(PARTS),
                   help="comma-separated subset of: import,groupby,limited,join,join-limited")
    p.add_argument("--import-rows", default="1e7,1e8", help="CSV sizes of the import part (default 1e7,1e8)")
    p.add_argument("--rows", type=parse_count, default=parse_count("1e7"), help="rows of the group-by part")
    p.add_argument("--limited-rows", type=parse_count, default=parse_count("1e8"),
                   help="rows of the memory-limited group-by part (default 1e8)")
    p.add_argument("--memory-limit", default="1GB", help="Strata's and DuckDB's limit in the limited part")
    p.add_argument("--join-rows", type=parse_count, default=parse_count("1e7"), help="rows of x in the join parts")
    p.add_argument("--join-memory-limit", default="256MB", help="Strata's and DuckDB's limit in join-limited")
    p.add_argument("--threads", type=int, default=2, help="threads of every engine (default 2)")
    p.add_argument("--repeat", type=int, default=3, help="rounds of every measurement; medians (default 3)")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of: strata,duckdb,polars")
    p.add_argument("--questions", default=",".join(str(q) for q in groupby.QUESTIONS),
                   help="group-by questions (default: all ten, q1-q10)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a group-by child is killed")
    p.add_argument("--data", default=str(BENCH_DIR / "data"), help="data directory (default Benchmarks/data)")
    p.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="path of gen_groupby.py")
    p.add_argument("--no-build", action="store_true", help="use the existing release builds")
    args = p.parse_args()

    parts = [x.strip() for x in args.parts.split(",") if x.strip()]
    if not parts or any(x not in PARTS for x in parts):
        p.error(f"--parts: choose among {','.join(PARTS)}")
    parts = [x for x in PARTS if x in parts]
    engines = parse_engines(p, args.engines, ENGINES)
    questions = groupby.parse_questions(p, args.questions)
    try:
        import_sizes = parse_counts(args.import_rows)
    except (ValueError, argparse.ArgumentTypeError) as e:
        p.error(f"--import-rows: {e}")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")

    # 1. Release builds, once, when Strata is measured; the parts then run with no_build. (Without Strata, the
    #    strata CLI is built only if Polars needs a store that is missing.)
    strata_cli = questions_bin = None
    if "strata" in engines:
        strata_cli = find_product(REPO_DIR, "strata", args.no_build)
        if {"groupby", "limited"} & set(parts):
            questions_bin = find_product(BENCH_DIR, "groupby-questions", args.no_build)

    summary = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "repeat": args.repeat,
               "threads": args.threads, "engines": engines,
               "machine": machine(peer_modules(engines), swift=strata_cli is not None, strata_cli=strata_cli,
                                  repo_dir=REPO_DIR),
               "loadavg_before": [round(x, 2) for x in os.getloadavg()], "parts": []}
    common = dict(repeat=args.repeat, data=args.data, generator=args.generator, no_build=args.no_build,
                  strata=str(strata_cli) if strata_cli else None, threads=args.threads)

    try:
        run_parts(args, parts, engines, questions, import_sizes, common, questions_bin, summary)
    except (subprocess.CalledProcessError, OSError) as e:  # a build, a data preparation or a launch failed
        summary["error"] = f"{type(e).__name__}: {e}"
        print(f"error: {summary['error']}; writing what was measured so far", file=sys.stderr)
    summary["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print_table(summary, engines)
    out = write_results("compare", summary)
    print(f"\nresults: {out.relative_to(REPO_DIR)}")
    disagreements = sum(not x["results"]["agree"] for x in summary["parts"] if x["part"] == "import")
    disagreements += sum(x["results"]["mismatches"] for x in summary["parts"] if x["part"] != "import")
    if disagreements:
        sys.exit(f"{disagreements} disagreement(s) between the engines' answers")
    if "error" in summary:
        sys.exit(1)


if __name__ == "__main__":
    main()
