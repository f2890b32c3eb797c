"""Helpers shared by the comparison scripts: peak RSS through /usr/bin/time, medians, table formatting, the
db-benchmark CSV, Swift release builds, machine description, child-process JSON."""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

TIME_BIN = "/usr/bin/time"
BENCH_DIR = Path(__file__).resolve().parent.parent  # Benchmarks/
REPO_DIR = BENCH_DIR.parent
DEFAULT_GENERATOR = REPO_DIR.parent / "shared" / "tools" / "gen_groupby.py"  # db-benchmark data generator
ENGINES = ("strata", "duckdb", "polars")
NAMES = {"strata": "Strata", "duckdb": "DuckDB", "polars": "Polars"}


def ensure_time_tool() -> bool:
    """Whether /usr/bin/time exists, installing Debian's `time` package when it does not."""
    if os.path.exists(TIME_BIN):
        return True
    print("note: /usr/bin/time is missing; installing Debian's `time` package", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "time"], env=env, check=False)
    return os.path.exists(TIME_BIN)


def peak_rss(time_stderr: str):
    """Peak RSS in bytes from `/usr/bin/time -v` output, or None."""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_stderr)
    return int(m.group(1)) * 1024 if m else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec: str) -> str:
    if v is None:
        width = re.match(r"\d*", spec).group(0)
        return "-".rjust(int(width) if width else 1)
    return format(v, spec)


def mib(v):
    """Bytes as MiB, None staying None."""
    return None if v is None else v / 2**20


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def last_json_line(text: str) -> dict | None:
    """The last line of `text` that is a JSON object, or None."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def jsonable(v):
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def pretty_sci(n: int) -> str:
    """The generator's file-name form of a row count (1e7, 1e8)."""
    s = "%d" % n
    return "%se%d" % (s[0], len(s) - 1)


def parse_count(text: str) -> int:
    n = float(text)
    if n < 1 or n != int(n):
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text}")
    return int(n)


def ensure_csv(rows: int, k: int, data_dir: Path, generator: Path) -> tuple[Path, float | None]:
    """The db-benchmark groupby CSV G1_<rows>_<k>_0_0.csv in `data_dir`, generated with `generator`
    (gen_groupby.py) when missing; returns its path and the generation time (None when reused)."""
    path = data_dir / f"G1_{pretty_sci(rows)}_{pretty_sci(k)}_0_0.csv"
    if path.exists():
        print(f"using existing {path}", file=sys.stderr)
        return path, None
    if not generator.exists():
        sys.exit(f"generator {generator} not found; pass --generator PATH")
    data_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(generator), str(rows), str(k), str(data_dir)]
    print("generating: " + " ".join(cmd), file=sys.stderr)
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    if not path.exists():
        sys.exit(f"the generator did not write {path}")
    return path, time.perf_counter() - start


def find_product(package_dir: Path, product: str, no_build: bool) -> Path:
    """The release executable `product` of the Swift package at `package_dir`, built first unless `no_build`."""
    base = ["swift", "build", "-c", "release", "--package-path", str(package_dir)]
    if not no_build:
        print("building: " + " ".join(base + ["--product", product]), file=sys.stderr)
        subprocess.run(base + ["--product", product], check=True)
    bin_dir = subprocess.run(base + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    exe = Path(bin_dir) / product
    if not exe.exists():
        sys.exit(f"{exe} not found; build it with: {' '.join(base)} --product {product}")
    return exe


def machine(modules: list[str], swift: bool = False, strata_cli: Path | None = None,
            repo_dir: Path | None = None) -> dict:
    """CPU, memory, kernel, Python and the versions of `modules`; with `swift` the Swift version, with
    `strata_cli` that binary's path and `--version`, with `repo_dir` its git HEAD."""
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
    info = {"nproc": os.cpu_count(), "cpu": cpu, "mem_bytes": mem, "kernel": platform.release(),
            "python": platform.python_version()}
    for name in modules:
        info[name] = importlib.import_module(name).__version__
    if swift:
        out = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
        info["swift"] = out[0] if out else ""
    if strata_cli is not None:
        info["strata_binary"] = str(strata_cli)
        try:
            v = subprocess.run([str(strata_cli), "--version"], capture_output=True, text=True, timeout=30)
            info["strata_version"] = v.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    if repo_dir is not None:
        head = subprocess.run(["git", "-C", str(repo_dir), "rev-parse", "HEAD"], capture_output=True, text=True)
        info["git_head"] = head.stdout.strip()
    return info


def parse_engines(parser: argparse.ArgumentParser, text: str, known: tuple) -> list[str]:
    """--engines: a comma-separated subset of `known`, returned in the order of `known` (Strata first: the
    reference of the ratios)."""
    engines = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in engines if e not in known]
    if unknown or not engines or len(set(engines)) != len(engines):
        parser.error(f"--engines: expected a comma-separated subset of {','.join(known)}, got {text!r}")
    return [e for e in known if e in engines]


def peer_modules(engines: list[str]) -> list[str]:
    """The Python packages whose versions describe a run of `engines` (DuckDB always: it checks the answers)."""
    return ["duckdb"] + (["polars"] if "polars" in engines else [])


def write_results(name: str, results: dict) -> Path:
    """Writes `results` to Benchmarks/results/<name>-<UTC time>.json and returns the path."""
    out_dir = BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / f"{name}-{stamp}.json"
    out.write_text(json.dumps(jsonable(results), indent=2) + "\n")
    return out


def child_main(argv: list[str], runners: dict, extra: tuple = ()) -> None:
    """The entry of a comparison script run as a child (`--child ENGINE --question N …`): runs `runners[ENGINE]`
    with the parsed options (--db, --files, --threads, --memory-limit, --temp-dir and `extra`) and prints its result
    as one JSON line, or the error as {"question", "error"} with exit status 1."""
    p = argparse.ArgumentParser()
    p.add_argument("--child", choices=sorted(runners), required=True)
    p.add_argument("--question", type=int, required=True)
    for name in ("--db", "--files", "--threads", "--memory-limit", "--temp-dir") + tuple(extra):
        p.add_argument(name)
    args = p.parse_args(argv)
    try:
        result = runners[args.child](args)
    except Exception as e:  # reported by the driver as a failed run, with the message
        print(json.dumps({"question": args.question, "error": f"{type(e).__name__}: {e}"}))
        sys.exit(1)
    print(json.dumps(result))


def add_run_options(p: argparse.ArgumentParser, limit_example: str) -> None:
    """The options every comparison script shares: engines, memory limit, threads, repeat, timeout, data, no-build."""
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of: strata,duckdb,polars")
    p.add_argument("--memory-limit", help=f"Strata's and DuckDB's memory limit, e.g. {limit_example} (Polars has none)")
    p.add_argument("--threads", type=int, default=2, help="threads of every engine (default 2)")
    p.add_argument("--repeat", type=int, default=1, help="runs of each (engine, question); medians reported")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a child is killed (default 1800)")
    p.add_argument("--data", default=str(BENCH_DIR / "data"), help="where the data, stores and databases live")
    p.add_argument("--no-build", action="store_true", help="use the existing release builds")
