#!/usr/bin/env python3
"""Builds the expression oracle: a small table (input.json) and DuckDB's results for a list of expressions
(expected.json). Run from anywhere: python3 make_expressions.py (needs the duckdb module).

Expressions are written once, as prefix lists the Swift test parses into `Expr` values:
  ["col", name]  ["lit", type, value]  ["neg", e]  ["not", e]  [op, a, b] (op: + - * / // % = <> < <= > >= AND OR)
  ["isnull", e, negated]  ["in", e, [items], negated]  ["between", e, low, high, negated]
  ["like", e, pattern, negated, case_insensitive]  ["cast", e, type]  ["fn", name, [args]]
Literal values: int32/int64 numbers, double as repr text, string, bool, date "YYYY-MM-DD",
timestamp "YYYY-MM-DD HH:MM:SS[.ffffff]", type "null" for an untyped NULL.

Cell encoding in both files: null; bool; int32/int64 as JSON numbers; double as Python repr text; string as is;
date as days since 1970-01-01; timestamp as microseconds since the epoch.

Division follows DuckDB 2: `/` is real division (infinity or NaN for a zero divisor); `%` and `//` by zero
raise an error, which the oracle test expects from Strata as well.
"""
import datetime
import json
import os
import random

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH_DATE = datetime.date(1970, 1, 1)
EPOCH_TS = datetime.datetime(1970, 1, 1)
ROWS = 200

COLUMNS = [("i", "int32"), ("k", "int32"), ("big32", "int32"), ("b", "int64"), ("d", "double"),
           ("s", "string"), ("n", "string"), ("dt", "date"), ("ts", "timestamp"), ("f", "bool")]
SQL_TYPES = {"int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE", "string": "VARCHAR", "date": "DATE",
             "timestamp": "TIMESTAMP", "bool": "BOOLEAN", "float": "FLOAT"}
TYPE_NAMES = {v: k for k, v in SQL_TYPES.items()}

WORDS = ["", "abc", "ABC", "héllo", "日本語", "a_b", "100%", "  12 ", "2020-01-05", "Ünïcödé", "xyz",
         "hello world", "true", "Abcdef", "bca", "aXc", "ß", "€uro", "a", "ab"]
NUMERIC_TEXT = ["12", "-3", "2.5", "  7 ", "-2.5", "0", "1e3", "+4", "1234567", "0.5"]


def make_rows():
    rng = random.Random(20240601)
    rows = []
    for r in range(ROWS):
        def maybe(value):
            return None if rng.random() < 0.1 else value
        i = maybe(rng.choice([0, 1, -1, 100, -100]) if r % 7 == 0 else rng.randint(-100, 100))
        k = maybe(rng.randint(-5, 5))
        big32 = maybe(rng.choice([2147483647, -2147483648, 0, 2147483646, -2147483647]) if r % 5 == 0
                      else rng.randint(-2**31, 2**31 - 1))
        b = maybe(rng.choice([0, 2**60, -2**60, 2**53 + 1, -(2**53) - 1, 10**15, -1])
                  if r % 6 == 0 else rng.randint(-10**12, 10**12))
        d = maybe(rng.choice([0.0, -0.0, 2.5, -2.5, 0.5, -0.5, 1e-7, 1e20, 123456.789, 1.5]) if r % 4 == 0
                  else round(rng.uniform(-1000, 1000), rng.randint(0, 4)))
        s = maybe(rng.choice(WORDS))
        n = maybe(rng.choice(NUMERIC_TEXT))
        dt = maybe(rng.choice([0, -1, 10957, 18262, -719162]) if r % 9 == 0 else rng.randint(-25000, 50000))
        ts = maybe(rng.randint(-2 * 10**15, 4 * 10**15) // (1 if r % 3 else 86_400_000_000)
                   * (1 if r % 3 else 86_400_000_000))
        f = maybe(rng.random() < 0.5)
        rows.append([i, k, big32, b, d, s, n, dt, ts, f])
    return rows


def encode(value, type_):
    if value is None:
        return None
    if type_ == "double":
        return repr(float(value))
    if type_ == "date" and isinstance(value, datetime.date):
        return (value - EPOCH_DATE).days
    if type_ == "timestamp" and isinstance(value, datetime.datetime):
        delta = value - EPOCH_TS
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return value


def python_value(value, type_):
    if value is None:
        return None
    if type_ == "date":
        return EPOCH_DATE + datetime.timedelta(days=value)
    if type_ == "timestamp":
        return EPOCH_TS + datetime.timedelta(microseconds=value)
    return value


# --- expressions -------------------------------------------------------------------------------------------

def col(name): return ["col", name]
def i32(v): return ["lit", "int32", v]
def i64(v): return ["lit", "int64", v]
def dbl(v): return ["lit", "double", repr(float(v))]
def txt(v): return ["lit", "string", v]
def date(v): return ["lit", "date", v]
def ts(v): return ["lit", "timestamp", v]
def boolean(v): return ["lit", "bool", v]
NULL = ["lit", "null", None]
def fn(name, *args): return ["fn", name, list(args)]


EXPRESSIONS = [
    # arithmetic
    ["+", col("i"), col("k")], ["-", col("i"), i32(7)], ["*", col("i"), col("k")], ["%", col("i"), col("k")],
    ["/", col("i"), col("k")], ["+", col("b"), col("i")], ["*", col("b"), i64(3)], ["-", i64(0), col("b")],
    ["+", col("d"), col("i")], ["*", col("d"), dbl(2.5)], ["/", col("d"), col("k")], ["%", col("d"), dbl(3)],
    ["%", col("b"), i64(1000)], ["neg", col("i")], ["neg", col("d")], ["+", col("i"), NULL],
    ["+", col("big32"), i32(1)], ["*", col("b"), i64(2)], ["neg", col("big32")], ["-", col("big32"), col("i")],
    ["+", col("dt"), col("k")], ["-", col("dt"), i32(30)], ["+", i32(1), col("dt")], ["-", col("dt"), date("2000-01-01")],
    ["/", i32(5), i32(2)], ["%", col("k"), i32(0)], ["//", col("i"), i32(7)], ["//", col("b"), i64(-3)],
    ["//", col("d"), dbl(2)], ["/", col("d"), dbl(0)], ["%", col("i"), ["-", col("k"), i32(6)]],
    ["%", col("d"), ["+", col("k"), i32(6)]], ["//", col("i"), ["+", col("k"), i32(6)]],
    ["//", col("b"), ["-", col("k"), i32(6)]], ["//", col("k"), i32(0)],
    # comparisons
    ["<", col("i"), col("k")], ["=", col("i"), i32(0)], ["<>", col("s"), txt("abc")], [">=", col("s"), txt("b")],
    ["<", col("s"), col("n")], [">", col("i"), col("d")], ["<=", col("b"), col("d")], ["=", col("d"), dbl(2.5)],
    [">=", col("dt"), txt("2000-01-01")], ["<", col("ts"), txt("2001-09-09 01:46:40")], ["<=", col("dt"), col("ts")],
    ["=", col("dt"), ts("1970-01-01 00:00:00")], ["<", col("f"), boolean(True)], ["=", col("f"), NULL],
    [">", col("b"), i32(0)], ["=", col("i"), col("big32")], ["<>", col("d"), dbl(0)],
    # logic
    ["AND", [">", col("i"), i32(0)], col("f")], ["OR", [">", col("i"), i32(0)], col("f")], ["not", col("f")],
    ["AND", col("f"), NULL], ["OR", NULL, col("f")], ["AND", ["<", col("k"), i32(0)], ["<>", col("s"), txt("")]],
    ["isnull", col("s"), False], ["isnull", col("d"), True],
    # IN and BETWEEN
    ["in", col("i"), [i32(1), i32(0), i32(-1), i32(50)], False], ["in", col("k"), [i32(1), NULL], False],
    ["in", col("k"), [i32(1), NULL], True], ["in", col("s"), [txt("abc"), txt("héllo"), txt("")], False],
    ["in", col("s"), [txt("abc"), txt("xyz")], True], ["in", col("i"), [col("k"), ["*", col("k"), i32(2)]], False],
    ["in", col("dt"), [txt("1970-01-01"), date("2000-01-01")], False], ["in", col("d"), [dbl(2.5), i32(0)], False],
    ["in", col("b"), [i64(2**62), i64(0), i64(2**53 + 1)], False],
    ["between", col("i"), i32(-10), i32(10), False], ["between", col("d"), col("k"), col("i"), False],
    ["between", col("s"), txt("a"), txt("b"), True], ["between", col("dt"), txt("1960-01-01"), txt("2010-12-31"), False],
    # LIKE
    ["like", col("s"), txt("a%"), False, False], ["like", col("s"), txt("%c"), False, False],
    ["like", col("s"), txt("%b%"), False, False], ["like", col("s"), txt("a_c"), False, False],
    ["like", col("s"), txt("_"), False, False], ["like", col("s"), txt("%"), True, False],
    ["like", col("s"), txt(""), False, False], ["like", col("s"), txt("h_llo"), False, False],
    ["like", col("s"), txt("%l%o%"), False, False], ["like", col("s"), txt("a%"), False, True],
    ["like", col("s"), txt("%B%"), True, True], ["like", col("s"), txt("abc"), False, True],
    ["like", col("s"), col("n"), False, False], ["like", col("s"), txt("__"), False, False],
    # CAST
    ["cast", col("i"), "string"], ["cast", col("d"), "string"], ["cast", col("dt"), "string"],
    ["cast", col("ts"), "string"], ["cast", col("f"), "string"], ["cast", col("b"), "string"],
    ["cast", col("n"), "double"], ["cast", col("n"), "int64"], ["cast", col("n"), "int32"],
    ["cast", ["%", col("d"), dbl(1e6)], "int64"], ["cast", ["%", col("d"), dbl(1e6)], "int32"], ["cast", col("i"), "double"],
    ["cast", col("b"), "int32"], ["cast", col("dt"), "timestamp"], ["cast", col("ts"), "date"],
    ["cast", col("f"), "int32"], ["cast", col("k"), "bool"], ["cast", col("s"), "int32"],
    ["cast", col("d"), "bool"], ["cast", txt(" 2021-03-04 "), "date"], ["cast", txt("2021-03-04 05:06:07.5"), "timestamp"],
    # functions
    fn("lower", col("s")), fn("UPPER", col("s")), fn("length", col("s")), fn("substr", col("s"), i32(2)),
    fn("substr", col("s"), i32(2), i32(2)), fn("substring", col("s"), i32(0), i32(2)), fn("substr", col("s"), i32(-2)),
    fn("substr", col("s"), i32(-3), i32(2)), fn("substr", col("s"), col("k"), col("k")), fn("substr", col("s"), i32(3), i32(-2)),
    fn("abs", col("i")), fn("abs", col("d")), fn("abs", col("big32")), fn("round", col("d")),
    fn("round", col("d"), i32(2)), fn("round", col("d"), i32(-1)), fn("round", col("i"), i32(-1)), fn("round", col("i")),
    fn("pow", col("d"), i32(2)), fn("power", col("k"), dbl(0.5)), fn("sqrt", col("d")), fn("sqrt", col("i")),
    fn("year", col("dt")), fn("month", col("dt")), fn("day", col("dt")), fn("year", col("ts")), fn("month", col("ts")),
    fn("day", col("ts")),
    # errors (type errors are checked by the unit tests; these fail while evaluating)
    ["cast", col("b"), "int32"], ["*", col("big32"), col("big32")], ["*", col("b"), i64(16)], ["cast", col("d"), "int64"],
    ["+", col("big32"), i64(1)], ["-", i64(-9223372036854775807), ["%", col("b"), i64(7)]],
]


def sql_literal(type_, value):
    if type_ == "null":
        return "NULL"
    if type_ == "string":
        return "'" + value.replace("'", "''") + "'"
    if type_ == "bool":
        return "TRUE" if value else "FALSE"
    if type_ == "double":
        return f"CAST('{value}' AS DOUBLE)"
    if type_ in ("date", "timestamp"):
        return f"{SQL_TYPES[type_]} '{value}'"
    return f"CAST({value} AS {SQL_TYPES[type_]})"


def to_sql(e):
    tag = e[0]
    if tag == "col":
        return '"' + e[1] + '"'
    if tag == "lit":
        return sql_literal(e[1], e[2])
    if tag == "neg":
        return f"(-{to_sql(e[1])})"
    if tag == "not":
        return f"(NOT {to_sql(e[1])})"
    if tag == "isnull":
        return f"({to_sql(e[1])} IS {'NOT ' if e[2] else ''}NULL)"
    if tag == "in":
        items = ", ".join(to_sql(x) for x in e[2])
        return f"({to_sql(e[1])} {'NOT ' if e[3] else ''}IN ({items}))"
    if tag == "between":
        return f"({to_sql(e[1])} {'NOT ' if e[4] else ''}BETWEEN {to_sql(e[2])} AND {to_sql(e[3])})"
    if tag == "like":
        op = ("NOT " if e[3] else "") + ("ILIKE" if e[4] else "LIKE")
        return f"({to_sql(e[1])} {op} {to_sql(e[2])})"
    if tag == "cast":
        return f"CAST({to_sql(e[1])} AS {SQL_TYPES[e[2]]})"
    if tag == "fn":
        return f"{e[1]}({', '.join(to_sql(x) for x in e[2])})"
    return f"({to_sql(e[1])} {tag} {to_sql(e[2])})"


def main():
    rows = make_rows()
    con = duckdb.connect()
    con.execute("CREATE TABLE t (" + ", ".join(f'"{n}" {SQL_TYPES[t]}' for n, t in COLUMNS) + ")")
    con.executemany("INSERT INTO t VALUES (" + ", ".join("?" for _ in COLUMNS) + ")",
                    [[python_value(v, t) for v, (_, t) in zip(row, COLUMNS)] for row in rows])
    table = {"columns": [{"name": n, "type": t, "values": [encode(row[c], t) for row in rows]}
                         for c, (n, t) in enumerate(COLUMNS)]}
    results = []
    for e in EXPRESSIONS:
        sql = to_sql(e)
        entry = {"expr": e, "sql": sql}
        try:
            rel = con.sql(f"SELECT {sql} AS r FROM t ORDER BY rowid")
            type_name = TYPE_NAMES[str(rel.types[0])]
            entry["type"] = type_name
            # Dates and timestamps leave DuckDB as numbers (Python's datetime cannot hold years before 1).
            numeric = {"date": "(r - DATE '1970-01-01')", "timestamp": "epoch_us(r)"}.get(type_name, "r")
            rel = con.sql(f"SELECT {numeric} FROM (SELECT {sql} AS r, rowid AS id FROM t) ORDER BY id")
            entry["values"] = [encode(r[0], type_name) for r in rel.fetchall()]
        except duckdb.Error as error:
            entry["error"] = str(error).splitlines()[0]
        results.append(entry)
    with open(os.path.join(HERE, "input.json"), "w") as out:
        json.dump(table, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        out.write("[\n")
        out.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in results))
        out.write("\n]\n")
    print(f"{len(results)} expressions, {sum('error' in r for r in results)} errors")


if __name__ == "__main__":
    main()
