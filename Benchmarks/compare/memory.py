#!/usr/bin/env python3
"""The memory contract, checked: peak RSS of Strata queries and imports against --memory-limit.

Usage, from the repository root (release build; data as `compare.py` makes it):

    python3 Benchmarks/compare/memory.py --store .bench-data/store-1e7 --csv .bench-data/G1_1e7_1e2_0_0.csv
    python3 Benchmarks/compare/memory.py --store S --limits 64MB,128MB --cases q1,q10,distinct

Each case runs once per limit through `strata sql STORE "<query>" --memory-limit L --threads 2 --format csv` with
its output thrown away (or `strata import` into a scratch store), under `/usr/bin/time -v`. The table gives peak
RSS, RSS ÷ limit (the contract allows 1.15) and "over" where it is broken; a failure is printed with its error.
Cases: the db-benchmark group-bys from 1e2 groups (q1) to 1e7 (q10), the same q10 into a Parquet file,
count(DISTINCT) by a small and a large key, the full sort and ORDER BY … LIMIT … OFFSET, and CSV imports of the
narrow db-benchmark file and of a generated file 20,000 columns wide (written once next to the store as wide.csv),
and `SELECT sum(c19999)` over that wide table as imported under the same limit (wide_sum), and the statements
that change tables (ctas, update, delete, insert), each run on a fresh copy of the store in the scratch folder.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402

GROUPBY = {
    "q1": "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    "q2": "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
    "q3": "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    "q5": "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
    "q10": "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
           "GROUP BY id1, id2, id3, id4, id5, id6",
    "distinct": "SELECT id1, count(DISTINCT id3) AS n FROM x GROUP BY id1",
    "distinct_mixed": "SELECT id3, count(DISTINCT id1) AS n, sum(v1) AS v1 FROM x GROUP BY id3",
    "sort": "SELECT * FROM x ORDER BY v3, id3",
    "offset": "SELECT * FROM x ORDER BY v3 LIMIT 1000 OFFSET 5000000",
}
# Statements that change table x: each runs on a fresh copy of the store.
WRITES = {
    "ctas": "CREATE TABLE y AS SELECT * FROM x",
    "update": "UPDATE x SET v1 = v1 + 1 WHERE id4 > 50",
    "delete": "DELETE FROM x WHERE id6 % 3 = 0",
    "insert": "INSERT INTO x SELECT * FROM x WHERE id4 < 30",
}
CASES = list(GROUPBY) + ["q10_parquet", "import", "import_wide", "wide_sum"] + list(WRITES)


def limit_bytes(text: str) -> int:
    units = {"MB": 10**6, "GB": 10**9, "MIB": 2**20, "GIB": 2**30}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def wide_csv(path: Path, columns: int = 20_000, rows: int = 1_000) -> Path:
    if path.exists():
        return path
    rng = random.Random(1)
    with open(path, "w") as f:
        f.write(",".join(f"c{i}" for i in range(columns)) + "\n")
        for _ in range(rows):
            f.write(",".join(str(rng.randint(0, 999)) for _ in range(columns)) + "\n")
    return path


def run(args: list[str]) -> tuple[int | None, str | None]:
    """Peak RSS in bytes and the error (None when the command succeeded)."""
    proc = subprocess.run([measure.TIME_BIN, "-v"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    rss = measure.peak_rss(proc.stderr)
    error = None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
        error = lines[0] if lines else f"exit {proc.returncode}"
    return rss, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a store with table x (the db-benchmark data)")
    parser.add_argument("--csv", help="the db-benchmark CSV, for the import case")
    parser.add_argument("--limits", default="64MB,128MB,256MB")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--strata", default=str(measure.REPO_DIR / ".build" / "release" / "strata"))
    args = parser.parse_args()
    if not measure.ensure_time_tool():
        print("error: /usr/bin/time is needed", file=sys.stderr)
        return 2
    cases = args.cases.split(",")
    for case in cases:
        if case not in CASES:
            parser.error(f"unknown case {case}; choose among {','.join(CASES)}")
    limits = args.limits.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="strata-memory-"))
    print(f"| case | {' | '.join(f'{lim}: RSS, ÷ limit' for lim in limits)} |")
    print("|---|" + "---|" * len(limits))
    broken = 0
    try:
        for case in cases:
            cells = []
            for lim in limits:
                common = ["--memory-limit", lim, "--threads", str(args.threads)]
                if case in GROUPBY:
                    cmd = [args.strata, "sql", args.store, GROUPBY[case], "--format", "csv"] + common
                elif case in WRITES:
                    copy = scratch / "write-store"
                    shutil.rmtree(copy, ignore_errors=True)
                    shutil.copytree(args.store, copy)
                    cmd = [args.strata, "sql", str(copy), WRITES[case], "--format", "csv"] + common
                elif case == "q10_parquet":
                    out = scratch / "q10.parquet"
                    cmd = [args.strata, "sql", args.store, GROUPBY["q10"], "--format", "parquet", "--output",
                           str(out)] + common
                elif case == "wide_sum":
                    store = scratch / f"wide-{lim}"
                    if not store.exists():
                        wide = str(wide_csv(Path(args.store).parent / "wide.csv"))
                        subprocess.run([args.strata, "import", wide, "--store", str(store), "--table", "t",
                                        "--quiet"] + common, check=True)
                    cmd = [args.strata, "sql", str(store), "SELECT sum(c19999) FROM t", "--format", "csv"] + common
                else:
                    source = args.csv if case == "import" else str(wide_csv(Path(args.store).parent / "wide.csv"))
                    if source is None:
                        cells.append("- (no --csv)")
                        continue
                    # The wide import's store stays for wide_sum under the same limit.
                    store = scratch / ("store" if case == "import" else f"wide-{lim}")
                    shutil.rmtree(store, ignore_errors=True)
                    cmd = [args.strata, "import", source, "--store", str(store), "--table", "t", "--quiet"] + common
                rss, error = run(cmd)
                if error or rss is None:
                    cells.append(f"failed: {error}")
                    continue
                share = rss / limit_bytes(lim)
                over = share > 1.15
                broken += over
                cells.append(f"{rss / 2**20:.0f} MiB, {share:.2f}{' **over**' if over else ''}")
            print(f"| {case} | {' | '.join(cells)} |", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{broken} of {len(cases) * len(limits)} runs above 1.15 × the limit")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
