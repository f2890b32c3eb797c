#!/usr/bin/env python3
"""Parquet write and full-scan throughput: Strata against pyarrow, on the same data, in one run.

    python3 Benchmarks/compare/parquet_throughput.py [--rows 10000000] [--codecs zstd,lz4] [--repeat 3]

First builds `parquet-throughput` (release) unless --no-build:
        swift build -c release --package-path Benchmarks --product parquet-throughput
Then, for each codec:
 1. Strata write: runs `parquet-throughput --rows N --codec C --dir D --repeat 1` (a separate process under
    `/usr/bin/time -v`); its write_s, scan_s and peak RSS.
    The data are generated in the process before timing and held in memory, so that process's peak RSS includes
    the input (about 0.8 GB at 1e7 rows).
 2. Strata scan RSS: runs `parquet-throughput --scan-only`, to measure the peak RSS of a process that only scans
    (Strata streams one row group at a time).
 3. pyarrow, in two modes: "1 thread" (pa.set_cpu_count(1), pa.set_io_thread_count(1), read_table(use_threads=False))
    and "default" (pyarrow's default thread pools, read_table(use_threads=True)). For each mode, one process reads
    Strata's partition files into one in-memory table (not timed) and times
        pq.write_table(table, path, compression=C, compression_level=1 for zstd, row_group_size=<Strata's rows per
        row group>)
    and another process times pq.read_table(path), a third ParquetFile(path).iter_batches(65536) (a streaming
    read, like Strata's scan, which never holds the whole table).
 Steps 1-3 form one round; --repeat rounds are run (interleaving the engines, so that a change in the machine's load
 hits both alike) and the medians reported.
 4. Checks that pyarrow's read of Strata's files equals pyarrow's read of its own files (Table.equals).

MB/s is always Strata's uncompressed Parquet data size (TableInfo.uncompressedBytes, the sum of the column chunks'
uncompressed sizes) divided by the time, for both engines, so MB/s ratios equal time ratios. The files are in the page
cache when read (they were just written): scans measure decompression and decoding, not the disk.

Results are written to Benchmarks/results/parquet_throughput-<UTC time>.json. Ratios are Strata / pyarrow: a time
ratio below 1 means Strata is faster.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from measure import (TIME_BIN, ensure_time_tool, find_product, fmt, machine, median, mib, peak_rss, ratio,
                     write_results)

BENCH_DIR = Path(__file__).resolve().parent.parent  # Benchmarks/
REPO_DIR = BENCH_DIR.parent
MODES = ("1 thread", "default")
STREAM_BATCH_ROWS = 65_536


# ---------------------------------------------------------------------------------------------------------------
# Child processes (pyarrow side): `parquet_throughput.py --child write|read …`, each run under /usr/bin/time -v
# ---------------------------------------------------------------------------------------------------------------

def configure_threads(mode: str) -> bool:
    """Sets pyarrow's thread pools for `mode`; returns the use_threads flag for read_table."""
    import pyarrow as pa

    if mode == "1 thread":
        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
        return False
    return True


def read_strata_files(files: list[str]):
    """Strata's partition files, in write order, as one pyarrow table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pa.concat_tables([pq.read_table(f) for f in files])


def pyarrow_codec(codec: str) -> dict:
    if codec == "zstd":
        return {"compression": "zstd", "compression_level": 1}
    if codec == "lz4":
        return {"compression": "lz4"}  # pyarrow writes LZ4_RAW, as Strata does
    return {"compression": "none"}


def child_write(args) -> dict:
    import pyarrow.parquet as pq

    configure_threads(args.mode)
    table = read_strata_files(args.files)
    if os.path.exists(args.out):
        os.remove(args.out)
    os.sync()
    start = time.perf_counter()
    pq.write_table(table, args.out, row_group_size=args.row_group_rows, **pyarrow_codec(args.codec))
    write_s = time.perf_counter() - start
    # Strata's append fsyncs its files; the same for pyarrow's file, timed apart.
    start = time.perf_counter()
    fd = os.open(args.out, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    fsync_s = time.perf_counter() - start
    meta = pq.ParquetFile(args.out).metadata
    return {"write_s": write_s, "fsync_s": fsync_s, "file_bytes": os.path.getsize(args.out),
            "row_groups": meta.num_row_groups, "rows": meta.num_rows, "arrow_bytes": table.nbytes,
            "codec_in_file": meta.row_group(0).column(0).compression}


def child_read(args) -> dict:
    import pyarrow.parquet as pq

    use_threads = configure_threads(args.mode)
    start = time.perf_counter()
    table = pq.read_table(args.out, use_threads=use_threads)
    scan_s = time.perf_counter() - start
    return {"scan_s": scan_s, "rows": table.num_rows}


def child_stream(args) -> dict:
    """Streams the file batch by batch, as Strata's scan does, instead of materialising one table."""
    import pyarrow.parquet as pq

    use_threads = configure_threads(args.mode)
    start = time.perf_counter()
    rows = 0
    for batch in pq.ParquetFile(args.out).iter_batches(batch_size=STREAM_BATCH_ROWS, use_threads=use_threads):
        rows += batch.num_rows
    scan_s = time.perf_counter() - start
    return {"scan_s": scan_s, "rows": rows}


def child_main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--child", choices=["write", "read", "stream"], required=True)
    p.add_argument("--mode", choices=MODES, required=True)
    p.add_argument("--codec", default="zstd")
    p.add_argument("--out", required=True)
    p.add_argument("--row-group-rows", type=int, default=1 << 20)
    p.add_argument("--files", nargs="*", default=[])
    args = p.parse_args(argv)
    result = {"write": child_write, "read": child_read, "stream": child_stream}[args.child](args)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------



def run_measured(cmd: list[str], use_time: bool) -> tuple[dict, int | None]:
    """Runs `cmd`, which prints one JSON line; returns it and the peak RSS in bytes (None without /usr/bin/time)."""
    full = [TIME_BIN, "-v"] + cmd if use_time else cmd
    proc = subprocess.run(full, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line), peak_rss(proc.stderr)


def verify(strata_files: list[str], pyarrow_file: str) -> bool:
    import pyarrow.parquet as pq

    ours = read_strata_files(strata_files)
    theirs = pq.read_table(pyarrow_file)
    return ours.schema.equals(theirs.schema) and ours.equals(theirs)


def main() -> None:
    if "--child" in sys.argv:
        child_main(sys.argv[1:])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--codecs", default="zstd,lz4", help="comma-separated: zstd, lz4, none")
    p.add_argument("--repeat", type=int, default=3, help="processes per measurement; medians are reported")
    p.add_argument("--dir", default=str(BENCH_DIR / "data"), help="scratch directory for stores and files")
    p.add_argument("--no-build", action="store_true", help="use the existing release build")
    p.add_argument("--keep", action="store_true", help="keep the written files")
    args = p.parse_args()

    exe = find_product(BENCH_DIR, "parquet-throughput", args.no_build)
    use_time = ensure_time_tool()
    if not use_time:
        print("warning: /usr/bin/time unavailable; peak RSS is not measured", file=sys.stderr)
    work = Path(args.dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    codecs = [c.strip() for c in args.codecs.split(",") if c.strip()]
    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "repeat": args.repeat, "machine": machine(["pyarrow"], swift=True), "codecs": {}}

    for codec in codecs:
        # Rounds interleave the engines, so that a change of load on the machine hits both alike.
        strata_runs, scan_only_runs = [], []
        pa_runs = {mode: {"writes": [], "reads": [], "streams": []} for mode in MODES}
        pa_files = {mode: str(work / f"pyarrow-{codec}-{mode.replace(' ', '')}.parquet") for mode in MODES}
        load_before = [round(x, 2) for x in os.getloadavg()]
        for round_ in range(args.repeat):
            print(f"[{codec}] round {round_ + 1}/{args.repeat}: Strata write+scan, Strata scan only, "
                  f"pyarrow write+read ({' and '.join(MODES)})", file=sys.stderr)
            base = [str(exe), "--rows", str(args.rows), "--codec", codec, "--dir", str(work), "--repeat", "1"]
            out, rss = run_measured(base, use_time)
            out["peak_rss"] = rss
            strata_runs.append(out)
            out, rss = run_measured(base + ["--scan-only"], use_time)
            out["peak_rss"] = rss
            scan_only_runs.append(out)
            files = strata_runs[-1]["parquet_files"]
            row_group_rows = -(-args.rows // max(1, strata_runs[-1]["row_groups"]))  # ceil: same group count
            for mode in MODES:
                out, rss = run_measured(me + ["--child", "write", "--mode", mode, "--codec", codec,
                                              "--out", pa_files[mode], "--row-group-rows", str(row_group_rows),
                                              "--files"] + files, use_time)
                out["peak_rss"] = rss
                pa_runs[mode]["writes"].append(out)
                for kind, runs in (("read", "reads"), ("stream", "streams")):
                    out, rss = run_measured(me + ["--child", kind, "--mode", mode, "--out", pa_files[mode]], use_time)
                    out["peak_rss"] = rss
                    pa_runs[mode][runs].append(out)
        load_after = [round(x, 2) for x in os.getloadavg()]

        last = strata_runs[-1]
        uncompressed = last["uncompressed_bytes"]
        engines = {"Strata": {
            "write_s": median(r["write_s"] for r in strata_runs),
            "scan_s": median(r["scan_s"] for r in strata_runs),
            "scan_only_s": median(r["scan_s"] for r in scan_only_runs),
            "file_bytes": last["bytes_on_disk"],
            "write_peak_rss": median(r["peak_rss"] for r in strata_runs),
            "scan_peak_rss": median(r["peak_rss"] for r in scan_only_runs),
            "row_groups": last["row_groups"], "partitions": last["partitions"],
            "runs": strata_runs, "scan_only_runs": scan_only_runs,
        }}
        for mode in MODES:
            writes, reads = pa_runs[mode]["writes"], pa_runs[mode]["reads"]
            engines[f"pyarrow ({mode})"] = {
                "write_s": median(r["write_s"] for r in writes),
                "fsync_s": median(r["fsync_s"] for r in writes),
                "scan_s": median(r["scan_s"] for r in reads),
                "file_bytes": writes[-1]["file_bytes"],
                "write_peak_rss": median(r["peak_rss"] for r in writes),
                "scan_peak_rss": median(r["peak_rss"] for r in reads),
                "row_groups": writes[-1]["row_groups"], "codec_in_file": writes[-1]["codec_in_file"],
                "arrow_bytes": writes[-1]["arrow_bytes"], "write_runs": writes, "read_runs": reads,
            }
        for mode in MODES:
            streams = pa_runs[mode]["streams"]
            engines[f"pyarrow stream ({mode})"] = {
                "write_s": None, "write_peak_rss": None,
                "scan_s": median(r["scan_s"] for r in streams),
                "scan_peak_rss": median(r["peak_rss"] for r in streams),
                "file_bytes": engines[f"pyarrow ({mode})"]["file_bytes"], "read_runs": streams,
            }
        print(f"[{codec}] verifying: pyarrow's read of Strata's files == pyarrow's read of its own files",
              file=sys.stderr)
        identical = all(verify(last["parquet_files"], pa_files[mode]) for mode in MODES)
        for e in engines.values():
            e["write_mb_s"] = ratio(uncompressed / 1e6, e["write_s"])
            e["scan_mb_s"] = ratio(uncompressed / 1e6, e["scan_s"])
        results["codecs"][codec] = {"uncompressed_bytes": uncompressed, "row_group_rows": row_group_rows,
                                    "identical": identical, "loadavg_before": load_before,
                                    "loadavg_after": load_after, "engines": engines}
        if not args.keep:
            for f in pa_files.values():
                os.remove(f)
            shutil.rmtree(last["store"], ignore_errors=True)

    # Report
    w = 28
    header = (f"{'engine':<{w}} {'codec':<5} {'write s':>8} {'write MB/s':>10} {'scan s':>8} {'scan MB/s':>9} "
              f"{'file MB':>8} {'RSS write':>9} {'RSS scan':>9}")
    print(f"\n{args.rows:,} rows; MB = 1e6 bytes of Strata's uncompressed column data; RSS = peak resident set of "
          f"the process, MiB;\nmedians of {args.repeat} rounds, one process per measurement. pyarrow scan = "
          f"pq.read_table (one table in memory); pyarrow stream scan = ParquetFile.iter_batches({STREAM_BATCH_ROWS})")
    print(header)
    print("-" * len(header))
    for codec, c in results["codecs"].items():
        for name, e in c["engines"].items():
            print(f"{name:<{w}} {codec:<5} {fmt(e['write_s'], '8.3f')} {fmt(e['write_mb_s'], '10.1f')} "
                  f"{fmt(e['scan_s'], '8.3f')} {fmt(e['scan_mb_s'], '9.1f')} {e['file_bytes'] / 1e6:8.1f} "
                  f"{fmt(mib(e['write_peak_rss']), '9.0f')} {fmt(mib(e['scan_peak_rss']), '9.0f')}")
        s = c["engines"]["Strata"]
        c["ratios"] = {}
        for name, e in c["engines"].items():
            if name == "Strata":
                continue
            r = {"write_time": ratio(s["write_s"], e["write_s"]), "scan_time": ratio(s["scan_s"], e["scan_s"]),
                 "file_bytes": ratio(s["file_bytes"], e["file_bytes"]),
                 "write_peak_rss": ratio(s["write_peak_rss"], e["write_peak_rss"]),
                 "scan_peak_rss": ratio(s["scan_peak_rss"], e["scan_peak_rss"])}
            c["ratios"][name] = r
            label = "Strata/" + name.replace("pyarrow", "pa")
            print(f"{label:<{w}} {codec:<5} {fmt(r['write_time'], '8.2f')} {'':>10} "
                  f"{fmt(r['scan_time'], '8.2f')} {'':>9} {fmt(r['file_bytes'], '8.2f')} "
                  f"{fmt(r['write_peak_rss'], '9.2f')} {fmt(r['scan_peak_rss'], '9.2f')}")
        print(f"{'':<{w}} {codec:<5} data identical (pyarrow read of both files): {c['identical']}")
    print("time ratio < 1: Strata faster. pyarrow's write time excludes an fsync of its file (fsync_s in the JSON); "
          "Strata's append includes its fsyncs.")
    for codec, c in results["codecs"].items():
        print(f"load average (1, 5, 15 min) for {codec}: before {c['loadavg_before']}, after {c['loadavg_after']}")

    out = write_results("parquet_throughput", results)
    print(f"results: {out.relative_to(REPO_DIR)}")
    if not all(c["identical"] for c in results["codecs"].values()):
        sys.exit("data mismatch between Strata's files and pyarrow's")


if __name__ == "__main__":
    main()
