"""Helpers shared by the comparison scripts: peak RSS through /usr/bin/time, medians, table formatting."""
import os
import re
import statistics
import subprocess
import sys

TIME_BIN = "/usr/bin/time"


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


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b
