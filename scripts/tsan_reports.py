#!/usr/bin/env python3
"""Sorts the reports of a ThreadSanitizer run (the log of `bash scripts/tsan.sh`) into three kinds and exits 1 when
any report is of the third:

1. both accesses inside the body of a `Synchronization.Mutex` (`withLock`): under contention, Linux's Mutex hands the
   lock over through the kernel (priority-inheriting futex) in code TSan does not see, so TSan misses the ordering
   and reports the protected state (a ten-line program of four threads appending to a `Mutex<[Int]>` reproduces it).
2. writes to `_swiftEmptyArrayStorage`: the standard library writes a count of 0 into the shared empty array when
   `Array(unsafeUninitializedCapacity: 0, …)` finishes, a benign race of its own (swiftlang/swift PR 27808 fixed
   others of the kind).
3. anything else: a candidate race, printed with both stacks' top frames.

Usage: python3 scripts/tsan_reports.py LOG…  (TSan's log_path files, or a log holding its reports)
"""
import collections
import re
import sys

ACCESS = re.compile(r"\n\s+(?=(?:Previous )?(?:[Ww]rite|[Rr]ead|[Aa]tomic|[Mm]odifying|Read-only)[^\n]* by )")
# A closure taking `inout sending State` (Mutex.withLock's body) in one of a stack's top frames.
MUTEX_BODY = re.compile(r"zYu[A-Za-z0-9_]*XEfU\d*_")


def frames(block: str) -> list[str]:
    return re.findall(r"#\d+ (\S+)", block)


def main() -> int:
    text = "".join(open(path, errors="replace").read() for path in sys.argv[1:])
    # Reports inside captured subprocess output are escaped; unescape newlines so they parse the same way.
    text = text.replace("\\n", "\n")
    reports = text.split("WARNING: ThreadSanitizer:")[1:]
    mutex = empty = 0
    other: collections.Counter[tuple[str, ...]] = collections.Counter()
    for report in reports:
        blocks = ACCESS.split(report)[1:3]
        stacks = [frames(block)[:4] for block in blocks]
        if len(stacks) == 2 and all(any(MUTEX_BODY.search(f) for f in stack) for stack in stacks):
            mutex += 1
        elif "Location is global '_swiftEmptyArrayStorage'" in report:
            empty += 1
        else:
            kind = report.split("\n")[0].split(" (pid")[0].strip()
            other[(kind,) + tuple(f[:100] for stack in stacks for f in stack[:3])] += 1
    print(f"{len(reports)} reports: {mutex} inside Mutex bodies, {empty} on the empty array's storage (see the "
          f"docstring), {sum(other.values())} other")
    for key, count in other.most_common():
        print(f"\n{count} × {key[0]}")
        for frame in key[1:]:
            print("   ", frame)
    return 1 if other else 0


if __name__ == "__main__":
    sys.exit(main())
