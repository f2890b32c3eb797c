#!/usr/bin/env python3
"""Fills in the expected results of the SQL logic tests (Tests/sql/**/*.slt) from DuckDB.

Usage, from the repository root (needs the `duckdb` Python package; tested with 2.0.0):

    python3 Tests/sql/complete.py                         # every Tests/sql/**/*.slt
    python3 Tests/sql/complete.py Tests/sql/basic/*.slt   # only these files
    python3 Tests/sql/complete.py --check [FILES]         # rewrite nothing: print a diff of what would change
                                                          # and exit with status 1 when something would

For each file it opens an in-memory DuckDB (one thread, UTC), turns each `load NAME PATH` into
`CREATE TABLE NAME AS SELECT * FROM read_parquet('PATH')` (PATH relative to the repository root; the script works
from the root whatever the current directory), then goes through the records:

- `query <types> [nosort|rowsort]`: runs the SQL and rewrites the rows after `----` in place (adding `----` when it
  is missing). Values are written as the Swift runner reads them: tab-separated, NULL as `NULL`, the empty string as
  `(empty)`, bools `true`/`false`, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` (fraction without
  trailing zeros), FLOAT/DOUBLE as Python's `repr(float)`, DECIMAL(p,s) as its exact value with exactly s digits
  after the point as DuckDB prints it (0.30 for DECIMAL(3,2), -0.05, 0.00, 5 for scale 0), except that a value
  below 1 always gets its 0 before the point (DuckDB drops it when p = s: .05 for DECIMAL(2,2); R values compare as
  numbers anyway), integers in decimal. `rowsort` rows are written sorted. The
  script stops with an error when the column count differs from the type string, when a letter does not fit
  DuckDB's column type (I: integer types, R: FLOAT/DOUBLE/DECIMAL, T: VARCHAR, B: BOOLEAN, D: DATE, P: TIMESTAMP),
  when a text value holds a tab or a newline, or when a `nosort` query with more than one row has no ORDER BY (or
  DESCRIBE or SUMMARIZE, whose rows come in the order of the columns they describe).
  Every query also runs against a second database whose tables hold the same rows in reverse order; a different
  answer (reals compared with the runner's tolerance) means the order or a LIMIT is not fully determined, and stops
  the script.
- `statement ok`: runs the SQL (in both databases: it may change tables); it must succeed.
- `statement error`: runs the SQL and prints a warning when DuckDB accepts it. The expected message after `----` is
  Strata's wording and is left alone. A record preceded by the comment line `# strata-only` is an error only Strata
  reports (or one DuckDB does not report the same way) and is not run at all.

A file is rewritten only when its text changes, so running the script twice changes nothing the second time.

The Swift runner (Tests/StrataTests/SQLLogic/) reads the same files, runs each under its `foreach` matrix (or the
default one: 1 thread with the default pool, 2 with 256KiB, 4 with 4MiB) and resolves `load` paths and string
literals starting with `Fixtures/` against the repository root, so table functions find their files from any
directory. The data comes from Fixtures/sql/make_data.py (and make_join_data.py, make_sort_data.py,
make_decimal_data.py next to it).
"""
import decimal
import difflib
import math
import os
import re
import sys

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SQL_DIR = os.path.join(ROOT, "Tests", "sql")
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                 "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-12


class SLTError(Exception):
    """A problem in a test file, reported with its file and line."""

    def __init__(self, path, line, message):
        super().__init__(f"{os.path.relpath(path, ROOT)}:{line}: {message}")


def letter_fits(letter, duck_type):
    """Whether the type letter `letter` fits the DuckDB column type named `duck_type`."""
    if letter == "I":
        return duck_type in INTEGER_TYPES
    if letter == "R":
        return duck_type in ("FLOAT", "DOUBLE") or duck_type.startswith("DECIMAL")
    return {"T": "VARCHAR", "B": "BOOLEAN", "D": "DATE", "P": "TIMESTAMP"}.get(letter) == duck_type


def format_decimal(value, duck_type):
    """A DECIMAL(p,s) value as DuckDB prints it: the exact value with exactly s fraction digits, no exponent."""
    match = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", duck_type)
    if match is None or not isinstance(value, decimal.Decimal):
        raise ValueError(f"{value!r} is not a value of {duck_type}")
    scale = int(match.group(2))
    with decimal.localcontext() as context:
        context.prec = 100
        unscaled = value.scaleb(scale)
    if unscaled != unscaled.to_integral_value():
        raise ValueError(f"{value!r} has more than {scale} fraction digits")
    unscaled = int(unscaled)
    digits = str(abs(unscaled)).rjust(scale + 1, "0")
    text = digits if scale == 0 else digits[:-scale] + "." + digits[-scale:]
    return ("-" if unscaled < 0 else "") + text


def format_value(value, letter, duck_type=""):
    """The text of one value in the runner's format."""
    if value is None:
        return "NULL"
    if letter == "I":
        return str(int(value))
    if letter == "R":
        if duck_type.startswith("DECIMAL"):
            return format_decimal(value, duck_type)
        return repr(float(value))
    if letter == "B":
        return "true" if value else "false"
    if letter == "D":
        return value.isoformat()
    if letter == "P":
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += ("." + f"{value.microsecond:06d}").rstrip("0")
        return text
    if value == "":
        return "(empty)"
    if "\t" in value or "\n" in value or "\r" in value:
        raise ValueError(f"text value {value!r} holds a tab or a line break")
    return value


def run_query(con, sql):
    """(DuckDB type names, rows of Python values) of `sql`."""
    relation = con.sql(sql)
    if relation is None:
        raise duckdb.Error("the statement returns no result")
    return [str(t) for t in relation.types], relation.fetchall()


def same_rows(expected, actual, types):
    """Whether two lists of formatted rows agree, reals within the runner's tolerance."""
    if len(expected) != len(actual):
        return False
    for row_a, row_b in zip(expected, actual):
        for letter, a, b in zip(types, row_a, row_b):
            if a == b:
                continue
            if letter != "R" or "NULL" in (a, b):
                return False
            x, y = float(a), float(b)
            if not (math.isnan(x) and math.isnan(y)) and not math.isclose(
                    x, y, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE):
                return False
    return True


class Completer:
    """Rewrites one file."""

    def __init__(self, path):
        self.path = path
        self.con = self.connect()
        self.reversed_con = self.connect()
        self.warnings = []
        self.queries = 0

    @staticmethod
    def connect():
        con = duckdb.connect()
        con.execute("SET threads = 1")
        con.execute("SET TimeZone = 'UTC'")
        return con

    def fail(self, line, message):
        raise SLTError(self.path, line, message)

    def load(self, line, name, location):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            self.fail(line, f"bad table name {name!r}")
        if not os.path.exists(os.path.join(ROOT, location)):
            self.fail(line, f"{location} does not exist")
        quoted = location.replace("'", "''")
        self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{quoted}')")
        self.reversed_con.execute(
            f"CREATE TABLE {name} AS SELECT * EXCLUDE (file_row_number) FROM "
            f"read_parquet('{quoted}', file_row_number = true) ORDER BY file_row_number DESC")

    def answer(self, con, line, sql, types, sort_mode):
        """The formatted rows DuckDB gives for a query record."""
        try:
            duck_types, rows = run_query(con, sql)
        except duckdb.Error as error:
            self.fail(line, f"DuckDB rejects the query: {error}")
        if len(duck_types) != len(types):
            self.fail(line, f"the query returns {len(duck_types)} columns, the type string {types!r} has "
                            f"{len(types)}")
        for position, (letter, duck_type) in enumerate(zip(types, duck_types), start=1):
            if not letter_fits(letter, duck_type):
                self.fail(line, f"column {position} is {duck_type} in DuckDB, which does not fit type {letter!r}")
        try:
            formatted = [[format_value(v, letter, duck_type) for v, letter, duck_type in zip(row, types, duck_types)]
                         for row in rows]
        except ValueError as error:
            self.fail(line, str(error))
        if sort_mode == "rowsort":
            formatted.sort()
        return formatted

    def query(self, line, header, sql):
        parts = header.split()
        if len(parts) not in (2, 3) or not re.fullmatch(r"[IRTBDP]+", parts[1]):
            self.fail(line, f"expected `query <types> [nosort|rowsort]`, found {header!r}")
        types = parts[1]
        sort_mode = parts[2] if len(parts) == 3 else "nosort"
        if sort_mode not in ("nosort", "rowsort"):
            self.fail(line, f"unknown sort mode {sort_mode!r}")
        rows = self.answer(self.con, line, sql, types, sort_mode)
        if sort_mode == "nosort" and len(rows) > 1 and not re.search(r"\b(order\s+by|describe|summarize)\b", sql,
                                                                      re.IGNORECASE):
            self.fail(line, "a nosort query with more than one row needs an ORDER BY (or use rowsort)")
        reversed_rows = self.answer(self.reversed_con, line, sql, types, sort_mode)
        if not same_rows(rows, reversed_rows, types):
            self.fail(line, "the answer depends on the order of the input rows: make ORDER BY complete")
        self.queries += 1
        return ["\t".join(row) for row in rows]

    def statement(self, line, header, sql, strata_only):
        expect_error = header == "statement error"
        if header not in ("statement ok", "statement error"):
            self.fail(line, f"unknown statement kind {header!r}")
        if strata_only:
            if not expect_error:
                self.fail(line, "`# strata-only` applies to `statement error` records only")
            return
        try:
            for con in (self.con, self.reversed_con):  # both, so that statements changing tables change both
                relation = con.sql(sql)
                if relation is not None:
                    relation.fetchall()  # a relation is lazy: conversion and overflow errors happen when it runs
            accepted = True
        except duckdb.Error as error:
            accepted = False
            if not expect_error:
                self.fail(line, f"DuckDB rejects the statement: {error}")
        if expect_error and accepted:
            self.warnings.append(f"{os.path.relpath(self.path, ROOT)}:{line}: DuckDB accepts the statement "
                                 f"(mark it `# strata-only` if only Strata rejects it)")

    def complete(self):
        """The new text of the file."""
        with open(self.path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        out = []
        i = 0
        strata_only = False
        seen_record = False
        while i < len(lines):
            text = lines[i]
            stripped = text.strip()
            number = i + 1
            if not stripped:
                out.append(text)
                i += 1
                continue
            if stripped.startswith("#"):
                if stripped == "# strata-only":
                    strata_only = True
                out.append(text)
                i += 1
                continue
            words = stripped.split()
            if words[0] == "load":
                if len(words) != 3:
                    self.fail(number, "expected `load NAME PATH`")
                if seen_record:
                    self.fail(number, "`load` must come before the first record")
                self.load(number, words[1], words[2])
                out.append(text)
                i += 1
                continue
            if words[0] == "foreach":
                if seen_record:
                    self.fail(number, "`foreach` must come before the first record")
                out.append(text)
                i += 1
                continue
            if words[0] not in ("statement", "query"):
                self.fail(number, f"expected a record, found {text!r}")
            seen_record = True
            out.append(text)
            i += 1
            sql_lines = []
            while i < len(lines) and lines[i].strip() and lines[i] != "----":
                sql_lines.append(lines[i])
                i += 1
            if not sql_lines:
                self.fail(number, "the record has no SQL")
            out.extend(sql_lines)
            sql = "\n".join(sql_lines)
            has_result = i < len(lines) and lines[i] == "----"
            if words[0] == "query":
                rows = self.query(number, stripped, sql)
                i += 1 if has_result else 0
                while has_result and i < len(lines) and lines[i].strip():
                    i += 1
                out.append("----")
                out.extend(rows)
            else:
                self.statement(number, " ".join(words), sql, strata_only)
                if has_result:
                    if words[1] != "error":
                        self.fail(number, "only `statement error` takes a `----` section")
                    out.append(lines[i])
                    i += 1
                    while i < len(lines) and lines[i].strip():
                        out.append(lines[i])
                        i += 1
            strata_only = False
        return "\n".join(out) + "\n"


def main(arguments):
    check = "--check" in arguments
    arguments = [a for a in arguments if a != "--check"]
    if arguments:
        paths = [os.path.abspath(p) for p in arguments]
    else:
        paths = sorted(os.path.join(directory, name)
                       for directory, _, names in os.walk(SQL_DIR) for name in names if name.endswith(".slt"))
    os.chdir(ROOT)
    changed = 0
    for path in paths:
        completer = Completer(path)
        try:
            text = completer.complete()
        except SLTError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        for warning in completer.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        with open(path, encoding="utf-8") as f:
            old = f.read()
        relative = os.path.relpath(path, ROOT)
        if text != old:
            changed += 1
            if check:
                sys.stdout.writelines(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True),
                                                           "a/" + relative, "b/" + relative))
            else:
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
        print(f"{relative}: {completer.queries} queries")
    if check:
        print(f"{len(paths)} files, {changed} would change")
        return 1 if changed else 0
    print(f"{len(paths)} files, {changed} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
