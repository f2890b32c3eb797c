#!/usr/bin/env python3
"""What recording a performance report costs: the same queries with and without `--profile`, alternating.

Usage, from the repository root (release build; data as `compare.py` makes it):

    python3 Benchmarks/compare/profile_overhead.py --store .bench-data/store-1e7 [--runs 5] [--limit 256MB]

Each query runs `--runs` times without and `--runs` times with `--profile` (HTML into a scratch folder), the two
interleaved so that a busy machine slows both alike, through `strata sql STORE "<query>" --memory-limit L
--threads 2 --format csv` with its output thrown away. The table gives the median wall times and their ratio
(the goal is at most 1.02).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERIES = {
    "q1": "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    "q3": "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    "q10": "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
           "GROUP BY id1, id2, id3, id4, id5, id6",
    "sort": "SELECT * FROM x ORDER BY v3 DESC, id6",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", default="256MB")
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--strata", default=None, help="the strata binary (default: the release build)")
    args = parser.parse_args()
    strata = args.strata or subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True,
                                           capture_output=True, text=True).stdout.strip() + "/strata"
    print(f"| query | without (s) | with --profile (s) | ratio |")
    print(f"|---|---|---|---|")
    ratios = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.queries.split(","):
            sql = QUERIES[name]
            base = [strata, "sql", args.store, sql, "--memory-limit", args.limit, "--threads", "2",
                    "--format", "csv", "--no-progress"]
            plain, profiled = [], []
            for run in range(args.runs):
                for times, extra in ((plain, []), (profiled, ["--profile", f"{scratch}/{name}.html"])):
                    start = time.monotonic()
                    subprocess.run(base + extra, check=True, stdout=subprocess.DEVNULL)
                    times.append(time.monotonic() - start)
            a, b = statistics.median(plain), statistics.median(profiled)
            ratios.append(b / a)
            print(f"| {name} | {a:.2f} | {b:.2f} | {b / a:.3f} |", flush=True)
    print(f"\ngeometric mean of the ratios: {statistics.geometric_mean(ratios):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
