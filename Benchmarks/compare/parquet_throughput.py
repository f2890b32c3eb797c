#!/usr/bin/env python3
"""Parquet write and full-scan throughput: Strata against pyarrow, on the same data, in one run.

    python3 Benchmarks/compare/parquet_throughput.py [--rows 10000000] [--codecs zstd,lz4] [--repeat 3]

Steps, for each codec:
 1. Builds `parquet-throughput` (release) unless --no-build:
        swift build -c release --package-path Benchmarks --product parquet-throughput
 2. Strata write: runs `parquet-throughput --rows N --codec C --dir D --repeat 1` --repeat times, each a separate
    process under `/usr/bin/time -v`; reports the medians of its write_s and scan_s and of the peak RSS.
    The data are generated in the process before timing and held in memory, so that process's peak RSS includes
    the input (about 0.9 GB at 1e7 rows).
 3. Strata scan RSS: runs `parquet-throughput --scan-only` --repeat times, to measure the peak RSS of a process that
    only scans (Strata streams one row group at a time).
 4. pyarrow, in two modes: "1 thread" (pa.set_cpu_count(1), pa.set_io_thread_count(1), read_table(use_threads=False))
    and "default" (pyarrow's default thread pools, read_table(use_threads=True)). For each mode, --repeat processes
    that read Strata's partition files into one in-memory table (not timed) and time
        pq.write_table(table, path, compression=C, compression_level=1 for zstd, row_group_size=<Strata's rows per
        row group>)
    and --repeat processes that time pq.read_table(path). Medians are reported.
 5. Checks that pyarrow's read of Strata's files equals pyarrow's read of its own file (Table.equals).

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
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent  # Benchmarks/
REPO_DIR = BENCH_DIR.parent
TIME_BIN = "/usr/bin/time"
MODES = ("1 thread", "default")


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


def child_main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--child", choices=["write", "read"], required=True)
    p.add_argument("--mode", choices=MODES, required=True)
    p.add_argument("--codec", default="zstd")
    p.add_argument("--out", required=True)
    p.add_argument("--row-group-rows", type=int, default=1 << 20)
    p.add_argument("--files", nargs="*", default=[])
    args = p.parse_args(argv)
    result = child_write(args) if args.child == "write" else child_read(args)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------

def ensure_time_tool() -> bool:
    if os.path.exists(TIME_BIN):
        return True
    print("note: /usr/bin/time is missing; installing Debian's `time` package", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "time"], env=env, check=False)
    return os.path.exists(TIME_BIN)


def run_measured(cmd: list[str], use_time: bool) -> tuple[dict, int | None]:
    """Runs `cmd`, which prints one JSON line; returns it and the peak RSS in bytes (None without /usr/bin/time)."""
    full = [TIME_BIN, "-v"] + cmd if use_time else cmd
    proc = subprocess.run(full, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    rss = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if m:
        rss = int(m.group(1)) * 1024
    return json.loads(line), rss


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def build(no_build: bool) -> Path:
    base = ["swift", "build", "-c", "release", "--package-path", str(BENCH_DIR)]
    if not no_build:
        print("building: " + " ".join(base + ["--product", "parquet-throughput"]), file=sys.stderr)
        subprocess.run(base + ["--product", "parquet-throughput"], check=True)
    bin_dir = subprocess.run(base + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    exe = Path(bin_dir) / "parquet-throughput"
    if not exe.exists():
        sys.exit(f"{exe} not found; build it with: {' '.join(base)} --product parquet-throughput")
    return exe


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import pyarrow as pa

    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_bytes": mem, "kernel": platform.release(),
            "python": platform.python_version(), "pyarrow": pa.__version__,
            "swift": swift[0] if swift else ""}


def verify(strata_files: list[str], pyarrow_file: str) -> bool:
    import pyarrow.parquet as pq

    ours = read_strata_files(strata_files)
    theirs = pq.read_table(pyarrow_file)
    return ours.schema.equals(theirs.schema) and ours.equals(theirs)


def fmt(v, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


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

    exe = build(args.no_build)
    use_time = ensure_time_tool()
    if not use_time:
        print("warning: /usr/bin/time unavailable; peak RSS is not measured", file=sys.stderr)
    work = Path(args.dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve())]
    codecs = [c.strip() for c in args.codecs.split(",") if c.strip()]
    results = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "rows": args.rows,
               "repeat": args.repeat, "machine": machine(), "codecs": {}}

    for codec in codecs:
        print(f"[{codec}] Strata: {args.repeat} x write+scan", file=sys.stderr)
        strata_runs = []
        for _ in range(args.repeat):
            out, rss = run_measured([str(exe), "--rows", str(args.rows), "--codec", codec, "--dir", str(work),
                                     "--repeat", "1"], use_time)
            out["peak_rss"] = rss
            strata_runs.append(out)
        last = strata_runs[-1]
        print(f"[{codec}] Strata: {args.repeat} x scan only", file=sys.stderr)
        scan_only_runs = []
        for _ in range(args.repeat):
            out, rss = run_measured([str(exe), "--rows", str(args.rows), "--codec", codec, "--dir", str(work),
                                     "--repeat", "1", "--scan-only"], use_time)
            out["peak_rss"] = rss
            scan_only_runs.append(out)
        files = last["parquet_files"]
        uncompressed = last["uncompressed_bytes"]
        row_group_rows = max(1, round(args.rows / max(1, last["row_groups"])))
        strata = {
            "write_s": median(r["write_s"] for r in strata_runs),
            "scan_s": median(r["scan_s"] for r in strata_runs),
            "scan_only_s": median(r["scan_s"] for r in scan_only_runs),
            "file_bytes": last["bytes_on_disk"],
            "write_peak_rss": median(r["peak_rss"] for r in strata_runs),
            "scan_peak_rss": median(r["peak_rss"] for r in scan_only_runs),
            "row_groups": last["row_groups"], "partitions": last["partitions"],
            "runs": strata_runs, "scan_only_runs": scan_only_runs,
        }

        pa_file = str(work / f"pyarrow-{codec}.parquet")
        engines = {"Strata": strata}
        for mode in MODES:
            print(f"[{codec}] pyarrow ({mode}): {args.repeat} x write, {args.repeat} x read", file=sys.stderr)
            writes, reads = [], []
            for _ in range(args.repeat):
                out, rss = run_measured(me + ["--child", "write", "--mode", mode, "--codec", codec, "--out", pa_file,
                                              "--row-group-rows", str(row_group_rows), "--files"] + files, use_time)
                out["peak_rss"] = rss
                writes.append(out)
            for _ in range(args.repeat):
                out, rss = run_measured(me + ["--child", "read", "--mode", mode, "--out", pa_file], use_time)
                out["peak_rss"] = rss
                reads.append(out)
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
        print(f"[{codec}] verifying: pyarrow's read of Strata's files == pyarrow's read of its own file",
              file=sys.stderr)
        identical = verify(files, pa_file)
        for name, e in engines.items():
            e["write_mb_s"] = ratio(uncompressed / 1e6, e["write_s"])
            e["scan_mb_s"] = ratio(uncompressed / 1e6, e["scan_s"])
        results["codecs"][codec] = {"uncompressed_bytes": uncompressed, "row_group_rows": row_group_rows,
                                    "identical": identical, "engines": engines}
        if not args.keep:
            os.remove(pa_file)
            shutil.rmtree(last["store"], ignore_errors=True)

    # Report
    header = (f"{'engine':<19} {'codec':<5} {'write s':>8} {'write MB/s':>10} {'scan s':>8} {'scan MB/s':>9} "
              f"{'file MB':>8} {'RSS write':>9} {'RSS scan':>9}")
    print(f"\n{args.rows:,} rows; MB = 1e6 bytes of Strata's uncompressed column data; "
          f"RSS = peak resident set of the process, MiB; medians of {args.repeat} processes")
    print(header)
    print("-" * len(header))
    for codec, c in results["codecs"].items():
        for name, e in c["engines"].items():
            mib = lambda v: None if v is None else v / 2**20  # noqa: E731
            print(f"{name:<19} {codec:<5} {fmt(e['write_s'], '8.3f')} {fmt(e['write_mb_s'], '10.1f')} "
                  f"{fmt(e['scan_s'], '8.3f')} {fmt(e['scan_mb_s'], '9.1f')} {e['file_bytes'] / 1e6:8.1f} "
                  f"{fmt(mib(e['write_peak_rss']), '9.0f')} {fmt(mib(e['scan_peak_rss']), '9.0f')}")
        s = c["engines"]["Strata"]
        c["ratios"] = {}
        for mode in MODES:
            e = c["engines"][f"pyarrow ({mode})"]
            r = {"write_time": ratio(s["write_s"], e["write_s"]), "scan_time": ratio(s["scan_s"], e["scan_s"]),
                 "file_bytes": ratio(s["file_bytes"], e["file_bytes"]),
                 "write_peak_rss": ratio(s["write_peak_rss"], e["write_peak_rss"]),
                 "scan_peak_rss": ratio(s["scan_peak_rss"], e["scan_peak_rss"])}
            c["ratios"][f"pyarrow ({mode})"] = r
            print(f"{'Strata/pa ' + mode:<19} {codec:<5} {fmt(r['write_time'], '8.2f')} {'':>10} "
                  f"{fmt(r['scan_time'], '8.2f')} {'':>9} {fmt(r['file_bytes'], '8.2f')} "
                  f"{fmt(r['write_peak_rss'], '9.2f')} {fmt(r['scan_peak_rss'], '9.2f')}")
        print(f"{'':<19} {codec:<5} data identical (pyarrow read of both files): {c['identical']}")
    print("time ratio < 1: Strata faster. pyarrow write time excludes an fsync of its file; Strata's append "
          "includes its fsyncs (see results JSON: fsync_s).")

    out_dir = BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"parquet_throughput-{stamp}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {out.relative_to(REPO_DIR)}")
    if not all(c["identical"] for c in results["codecs"].values()):
        sys.exit("data mismatch between Strata's files and pyarrow's")


if __name__ == "__main__":
    main()
