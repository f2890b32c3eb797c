#!/usr/bin/env python3
"""Generates the CSV import fixtures in this directory (see README.md and docs/csv-import.md).

    python3 Fixtures/csv/make_fixtures.py            # from the repository root

Every fixture NAME.csv is written from the exact bytes spelled out below (CRLF, BOMs and invalid UTF-8 are explicit
in the literals). A file Strata must import gets
  NAME.schema.json       [{"name": ..., "type": ...}]  (Strata type names)
  NAME.expected.jsonl    one canonical JSON object per row (format: Tests/interop/canonical.py)
  NAME.summary.json      {"rowsImported", "rowsRejected", "widenedColumns", "passes"}
  NAME.rejects.expected.csv   the exact rejects file (only for --on-error skip fixtures)
a file Strata must reject gets
  NAME.error.json        {"code", "line", "column", "contains", ...}  (see README.md)
and a fixture that needs non-default options gets
  NAME.options.json      {"delimiter", "quote", "header", "nullTokens", "schema", "onError", "sampleRows"}

The expectations are written by hand below. The generator then checks them three ways before writing anything:
  1. DuckDB's CSV reader (read_csv with all_varchar=true, header=false and the fixture's delimiter and quote) must
     split every file into exactly the raw fields the expectations were derived from, and for malformed files it
     must reject the same rows for the same reason, at the same byte offset and in the same column;
  2. a small reference model of the rules in docs/csv-import.md (delimiter and header sniffing, column naming,
     type sniffing, widening, explicit schemas, null handling, value conversion), run on DuckDB's fields, must
     produce exactly the hand-written schema, rows and summary;
  3. line numbers are recomputed from the byte offset of each bad row.
Python's strict UTF-8 decoder independently confirms the invalid-UTF-8 rows.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import struct
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "interop"))

import duckdb  # noqa: E402

import canonical  # noqa: E402

NAN, INF = math.nan, math.inf
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


# ---- helpers for writing expectations by hand ------------------------------------------------------------------


def utc(y, mo, d, h=0, mi=0, s=0, us=0) -> int:
    """Microseconds since the epoch of a UTC wall-clock time (computed with datetime, not with the reference)."""
    t = dt.datetime(y, mo, d, h, mi, s, us, tzinfo=dt.timezone.utc)
    return (t - EPOCH) // dt.timedelta(microseconds=1)


def f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


@dataclass
class Fixture:
    name: str
    data: bytes
    covers: str
    options: dict | None = None
    # good files
    columns: list[tuple[str, str]] | None = None
    rows: list[list] | None = None
    widened: list[str] = field(default_factory=list)
    passes: int = 1
    # --on-error skip: (line, column or None, reason, original row bytes)
    rejects: list[tuple[int, str | None, str, bytes]] = field(default_factory=list)
    # bad files
    error: dict | None = None
    # the bytes of the bad row (row errors), to recompute its line number
    bad_row: bytes | None = None
    # how DuckDB confirms the file: "rows" (split fields), "reject" (same rejected rows), or a reason it cannot
    duck: str = "rows"
    # DuckDB reads an empty line of a one-column file as a NULL row; the spec skips empty lines
    duck_drop_null_rows: bool = False


FIXTURES: list[Fixture] = []


def good(name, data, covers, columns, rows, options=None, widened=(), passes=1, **kw):
    FIXTURES.append(Fixture(name, data, covers, options, columns, rows, list(widened), passes, **kw))


def bad(name, data, covers, error, options=None, bad_row=None, duck="reject"):
    FIXTURES.append(Fixture(name, data, covers, options, error=error, bad_row=bad_row, duck=duck))


def skip(name, data, covers, columns, rows, rejects, options):
    opts = dict(options)
    opts["onError"] = "skip"
    FIXTURES.append(Fixture(name, data, covers, opts, columns, rows, rejects=rejects, duck="reject"))


# ================================================================================================================
# Dialect
# ================================================================================================================

good("rfc4180_quoting",
     b'id,text,n\n'
     b'1,"a,b",10\n'
     b'2,"say ""hi""",20\n'
     b'3,"line1\nline2",30\n'
     b'4,"cr\rinside",40\n'
     b'5,"crlf\r\ninside",50\n'
     b'6,"""",60\n'
     b'7,"",70\n'
     b'8,plain,80\n'
     b'9,",",90\n'
     b'10,"\n",100\n'
     b'11,"  padded  ",110\n'
     b'12,"\xc3\xa9t\xc3\xa9 \xf0\x9f\xa6\x80",120\n',
     "RFC 4180 quoting: delimiter, LF, CR and CRLF inside quotes, doubled quotes, a field that is one quote, a "
     "quoted empty string, a lone delimiter, a lone newline, spaces kept inside quotes, multi-byte UTF-8",
     [("id", "int64"), ("text", "string"), ("n", "int64")],
     [[1, "a,b", 10], [2, 'say "hi"', 20], [3, "line1\nline2", 30], [4, "cr\rinside", 40],
      [5, "crlf\r\ninside", 50], [6, '"', 60], [7, "", 70], [8, "plain", 80], [9, ",", 90], [10, "\n", 100],
      [11, "  padded  ", 110], [12, "été 🦀", 120]])

good("quoted_values_typed",
     b'id,n,d,b,day\n'
     b'"1","5","2.5","true","2024-01-01"\n'
     b'2,6,3.5,false,2024-01-02\n',
     "quoting only matters for empty fields: quoted non-empty values are typed like unquoted ones",
     [("id", "int64"), ("n", "int64"), ("d", "double"), ("b", "bool"), ("day", "date")],
     [[1, 5, 2.5, True, "2024-01-01"], [2, 6, 3.5, False, "2024-01-02"]])

good("crlf",
     b'id,name,note\r\n'
     b'1,ann,"two\r\nlines"\r\n'
     b'2,bob,\r\n'
     b'3,"c,d","x"\r\n',
     "CRLF records, CRLF kept inside a quoted field, empty last field before CRLF",
     [("id", "int64"), ("name", "string"), ("note", "string")],
     [[1, "ann", "two\r\nlines"], [2, "bob", None], [3, "c,d", "x"]])

good("mixed_newlines",
     b'a,b\n1,x\r\n2,"y\nz"\n3,w\r\n',
     "LF and CRLF record ends mixed in one file",
     [("a", "int64"), ("b", "string")],
     [[1, "x"], [2, "y\nz"], [3, "w"]])

good("bom",
     b'\xef\xbb\xbfid,name\n1,ann\n2,bob\n',
     "UTF-8 byte order mark before a header: skipped, the first column is named id",
     [("id", "int64"), ("name", "string")],
     [[1, "ann"], [2, "bob"]])

good("bom_no_header",
     b'\xef\xbb\xbf1,2.5\r\n3,4.5\r\n',
     "BOM before a typed first data row (no header), CRLF",
     [("column0", "int64"), ("column1", "double")],
     [[1, 2.5], [3, 4.5]])

good("no_trailing_newline",
     b'id,v\n1,a\n2,b\n3,',
     "last record without a newline, ending in an empty (NULL) field",
     [("id", "int64"), ("v", "string")],
     [[1, "a"], [2, "b"], [3, None]])

good("no_trailing_newline_quoted",
     b'id,v\r\n1,"a"\r\n2,"b\r\nc"',
     "last record without a newline, ending in a quoted field that holds a CRLF",
     [("id", "int64"), ("v", "string")],
     [[1, "a"], [2, "b\r\nc"]])

good("empty_lines",
     b'\nid,v\n\n1,a\r\n\r\n\n2,b\n\n\n',
     "empty lines (LF and CRLF) before the header, between records and at the end are skipped",
     [("id", "int64"), ("v", "string")],
     [[1, "a"], [2, "b"]])

good("single_column",
     b'name\nann\n\nbob\n\n',
     "one column: no candidate delimiter splits a row in more than one field (comma assumed); the empty lines "
     "are skipped, not NULL rows; the header is sniffed from an all-string column",
     [("name", "string")],
     [["ann"], ["bob"]],
     duck_drop_null_rows=True)

good("delim_tab",
     b'id\tnote\tprice\n1\ta, b\t2.5\n2\tc\t3\n3\t"x\ty"\t4.25\n',
     "tab sniffed; commas in the data split rows unevenly, a quoted field holds a tab",
     [("id", "int64"), ("note", "string"), ("price", "double")],
     [[1, "a, b", 2.5], [2, "c", 3.0], [3, "x\ty", 4.25]])

good("delim_semicolon",
     b'name;price;qty\napple;1,5;3\npear;2;4\n"a;b";0,75;5\n',
     "semicolon sniffed (decimal commas split rows unevenly); \"1,5\" is a string, not a number",
     [("name", "string"), ("price", "string"), ("qty", "int64")],
     [["apple", "1,5", 3], ["pear", "2", 4], ["a;b", "0,75", 5]])

good("delim_pipe",
     b'a|b|c\n1|x,y|true\n2|z;w|false\n3|"p|q"|TRUE\n',
     "pipe sniffed; commas and semicolons in the data split rows unevenly; a quoted field holds a pipe",
     [("a", "int64"), ("b", "string"), ("c", "bool")],
     [[1, "x,y", True], [2, "z;w", False], [3, "p|q", True]])

good("delim_explicit_tab",
     b'a,b\tc\n1,2\t3\n4,5\t6\n',
     "--delimiter tab on a file where a comma would also split every row evenly",
     [("a,b", "string"), ("c", "int64")],
     [["1,2", 3], ["4,5", 6]],
     options={"delimiter": "\t"})

good("quote_single",
     b"id,text\n1,'a,b'\n2,'it''s'\n3,\"x\"\n4,''\n",
     "--quote \"'\": single-quoted fields, doubled single quote, double quotes are plain data",
     [("id", "int64"), ("text", "string")],
     [[1, "a,b"], [2, "it's"], [3, '"x"'], [4, ""]],
     options={"quote": "'"})

# ================================================================================================================
# Header
# ================================================================================================================

good("header_strings",
     b'name,city\nann,paris\nbob,"new york"\n',
     "header sniffed on an all-string file: first row non-empty, distinct, no numbers",
     [("name", "string"), ("city", "string")],
     [["ann", "paris"], ["bob", "new york"]])

good("no_header_typed",
     b'1,2.5,true,2024-01-01\n2,3.5,false,2024-01-02\n',
     "no header: the first row parses under every sniffed type; columns named column0..",
     [("column0", "int64"), ("column1", "double"), ("column2", "bool"), ("column3", "date")],
     [[1, 2.5, True, "2024-01-01"], [2, 3.5, False, "2024-01-02"]])

good("no_header_duplicate",
     b'x,x\ny,z\n',
     "all strings, first row has a repeated value: not a header",
     [("column0", "string"), ("column1", "string")],
     [["x", "x"], ["y", "z"]])

good("no_header_number",
     b'abc,12\ndef,x1\n',
     "all strings, first row holds a number: not a header",
     [("column0", "string"), ("column1", "string")],
     [["abc", "12"], ["def", "x1"]])

good("no_header_empty",
     b'a,,c\nx,y,z\n',
     "all strings, first row has an empty value: not a header (the empty value is NULL)",
     [("column0", "string"), ("column1", "string"), ("column2", "string")],
     [["a", None, "c"], ["x", "y", "z"]])

good("header_forced_off",
     b'id,v\n1,2\n3,4\n',
     "--no-header on a file whose first row looks like a header: it becomes data and the columns strings",
     [("column0", "string"), ("column1", "string")],
     [["id", "v"], ["1", "2"], ["3", "4"]],
     options={"header": False})

good("header_forced_on",
     b'1,2\n3,4\n5,6\n',
     "--header on a file whose first row looks like data: its values become the column names",
     [("1", "int64"), ("2", "int64")],
     [[3, 4], [5, 6]],
     options={"header": True})

good("header_names",
     b'a,,a,b,a,\n1,2,3,4,5,6\n7,8,9,10,11,12\n',
     "empty header names become columnN (0-based position), repeated names get _1, _2",
     [("a", "int64"), ("column1", "int64"), ("a_1", "int64"), ("b", "int64"), ("a_2", "int64"),
      ("column5", "int64")],
     [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]])

# ================================================================================================================
# Nulls
# ================================================================================================================

good("nulls",
     b'id,s,n,x,d,b,e,q\n'
     b'1,,,,,,,""\n'
     b'2,"","","","","",,""\n'
     b'3,text,5,2.5,2024-01-01,true,,\n',
     "unquoted empty is NULL in every type; quoted \"\" is the empty string in a string column and NULL in the "
     "others; an all-NULL column is a string column; a column of only \"\" and empties is a string column",
     [("id", "int64"), ("s", "string"), ("n", "int64"), ("x", "double"), ("d", "date"), ("b", "bool"),
      ("e", "string"), ("q", "string")],
     [[1, None, None, None, None, None, None, ""],
      [2, "", None, None, None, None, None, ""],
      [3, "text", 5, 2.5, "2024-01-01", True, None, None]])

NULL_TOKENS_BYTES = (b'id,v,s,d\n'
                     b'1,NA,NA,NA\n'
                     b'2,\\N,"NA",2024-01-01\n'
                     b'3,5,"\\N",\\N\n'
                     b'4,,"",\n')

good("null_tokens", NULL_TOKENS_BYTES,
     "--null NA --null '\\N': unquoted tokens are NULL (so v stays int64, d date), quoted tokens are strings",
     [("id", "int64"), ("v", "int64"), ("s", "string"), ("d", "date")],
     [[1, None, None, None], [2, None, "NA", "2024-01-01"], [3, 5, "\\N", None], [4, None, "", None]],
     options={"nullTokens": ["NA", "\\N"]})

good("null_tokens_default", NULL_TOKENS_BYTES,
     "the same bytes as null_tokens without --null: NA and \\N are ordinary strings",
     [("id", "int64"), ("v", "string"), ("s", "string"), ("d", "string")],
     [[1, "NA", "NA", "NA"], [2, "\\N", "NA", "2024-01-01"], [3, "5", "\\N", "\\N"], [4, None, "", None]])

# ================================================================================================================
# Types
# ================================================================================================================

good("types_bool",
     b'flag,other\ntrue,TRUE\nfalse,False\nTRUE,tRuE\nfAlSe,\n',
     "bool sniffed from true/false in any case",
     [("flag", "bool"), ("other", "bool")],
     [[True, True], [False, False], [True, True], [False, None]])

good("types_int64",
     b'i,big,neg\n0,9223372036854775807,-9223372036854775808\n1,9007199254740993,-1\n42,,-9007199254740993\n',
     "int64 sniffed: 0, the Int64 extremes, values beyond 2^53 (exact in an int64 column)",
     [("i", "int64"), ("big", "int64"), ("neg", "int64")],
     [[0, 2**63 - 1, -(2**63)], [1, 9007199254740993, -1], [42, None, -9007199254740993]])

good("types_double",
     b'd,e,f\n'
     b'0.5,1e10,3\n'
     b'-0.5,1E-3,.25\n'
     b'-0.0,2.5e+3,-.75\n'
     b'1.7976931348623157e308,5e-324,0\n'
     b'0.1,2.2250738585072014e-308,123.456\n',
     "double sniffed: signs, exponents (e/E, +/-), leading-dot forms, -0.0, extremes, subnormal, integers "
     "mixed with decimals",
     [("d", "double"), ("e", "double"), ("f", "double")],
     [[0.5, 1e10, 3.0], [-0.5, 1e-3, 0.25], [-0.0, 2500.0, -0.75],
      [1.7976931348623157e308, 5e-324, 0.0], [0.1, 2.2250738585072014e-308, 123.456]])

good("types_date",
     b'd,label\n2024-02-29,leap\n1970-01-01,epoch\n1969-12-31,before\n0001-01-01,min\n9999-12-31,max\n'
     b'2000-02-29,leap400\n1582-10-04,julian\n',
     "date sniffed: leap days, the epoch and the day before, 0001-01-01 and 9999-12-31, pre-Gregorian",
     [("d", "date"), ("label", "string")],
     [["2024-02-29", "leap"], ["1970-01-01", "epoch"], ["1969-12-31", "before"], ["0001-01-01", "min"],
      ["9999-12-31", "max"], ["2000-02-29", "leap400"], ["1582-10-04", "julian"]])

good("types_timestamp",
     b'label,ts\n'
     b'T,2024-01-02T03:04:05\n'
     b'space,2024-01-02 03:04:05\n'
     b'minutes,2024-01-02T03:04\n'
     b'minutes_space,2024-01-02 03:04\n'
     b'minutes_z,2024-01-02T03:04Z\n'
     b'half,2024-01-02T03:04:05.5\n'
     b'micros,2024-01-02T03:04:05.123456\n'
     b'nanos_zero,2024-01-02T03:04:05.123456000\n'
     b'seven_zero,2024-01-02T03:04:05.1234560\n'
     b'z,2024-01-02T03:04:05Z\n'
     b'frac_z,2024-01-02T03:04:05.25Z\n'
     b'plus_hh_mm,2024-01-02T03:04:05+02:00\n'
     b'minus_hh_mm,2024-01-02T03:04:05-05:30\n'
     b'plus_hhmm,2024-01-02T03:04:05+0530\n'
     b'minus_hh,2024-01-02T03:04:05-08\n'
     b'rollover,2024-01-02 00:30+01:00\n'
     b'before_epoch,1969-12-31T23:59:59.999999Z\n'
     b'epoch,1970-01-01T00:00:00Z\n'
     b'min,0001-01-01T00:00:00\n'
     b'max,9999-12-31T23:59:59.999999\n'
     b'leap,2000-02-29T12:00:00.1-00:30\n',
     "timestamp sniffed: T or space, with or without seconds, fractions (sub-microsecond digits all zero), Z, "
     "+HH:MM, -HH:MM, +HHMM, -HH offsets (stored as UTC), day rollover, extremes",
     [("label", "string"), ("ts", "timestamp")],
     [["T", utc(2024, 1, 2, 3, 4, 5)],
      ["space", utc(2024, 1, 2, 3, 4, 5)],
      ["minutes", utc(2024, 1, 2, 3, 4)],
      ["minutes_space", utc(2024, 1, 2, 3, 4)],
      ["minutes_z", utc(2024, 1, 2, 3, 4)],
      ["half", utc(2024, 1, 2, 3, 4, 5, 500_000)],
      ["micros", utc(2024, 1, 2, 3, 4, 5, 123_456)],
      ["nanos_zero", utc(2024, 1, 2, 3, 4, 5, 123_456)],
      ["seven_zero", utc(2024, 1, 2, 3, 4, 5, 123_456)],
      ["z", utc(2024, 1, 2, 3, 4, 5)],
      ["frac_z", utc(2024, 1, 2, 3, 4, 5, 250_000)],
      ["plus_hh_mm", utc(2024, 1, 2, 1, 4, 5)],
      ["minus_hh_mm", utc(2024, 1, 2, 8, 34, 5)],
      ["plus_hhmm", utc(2024, 1, 1, 21, 34, 5)],
      ["minus_hh", utc(2024, 1, 2, 11, 4, 5)],
      ["rollover", utc(2024, 1, 1, 23, 30)],
      ["before_epoch", -1],
      ["epoch", 0],
      ["min", utc(1, 1, 1)],
      ["max", utc(9999, 12, 31, 23, 59, 59, 999_999)],
      ["leap", utc(2000, 2, 29, 12, 30, 0, 100_000)]])

good("keep_strings",
     b'zeros,plus,space,trail,over,under,huge,subus,baddate,dot,lz_double\n'
     b'007,+5, 5,5 ,9223372036854775808,-9223372036854775809,1.5E+400,2024-01-02T03:04:05.1234567,2023-02-29,1.,00.5\n'
     b'12,6,7,8,1,2,2.5,2024-01-02T03:04:05,2024-01-01,2,1.5\n',
     "text that a narrower type would alter stays a string: leading zeros, +5, leading/trailing space, integers "
     "just beyond Int64, a double that overflows, a sub-microsecond fraction, an invalid date, 1., 00.5",
     [("zeros", "string"), ("plus", "string"), ("space", "string"), ("trail", "string"), ("over", "string"),
      ("under", "string"), ("huge", "string"), ("subus", "string"), ("baddate", "string"), ("dot", "string"),
      ("lz_double", "string")],
     [["007", "+5", " 5", "5 ", "9223372036854775808", "-9223372036854775809", "1.5E+400",
       "2024-01-02T03:04:05.1234567", "2023-02-29", "1.", "00.5"],
      ["12", "6", "7", "8", "1", "2", "2.5", "2024-01-02T03:04:05", "2024-01-01", "2", "1.5"]])

good("mixed_types_in_sample",
     b'int_date,bool_int,int_double,date_ts,big_double,bool_str\n'
     b'1,true,1,2024-01-01,9007199254740993,true\n'
     b'2024-01-01,1,2.5,2024-01-01T12:00:00,0.5,yes\n',
     "mixes within the sample: int+date and bool+int -> string, int+double -> double, date+timestamp -> "
     "timestamp (the date at midnight UTC), an int beyond 2^53 with a double -> string",
     [("int_date", "string"), ("bool_int", "string"), ("int_double", "double"), ("date_ts", "timestamp"),
      ("big_double", "string"), ("bool_str", "string")],
     [["1", "true", 1.0, utc(2024, 1, 1), "9007199254740993", "true"],
      ["2024-01-01", "1", 2.5, utc(2024, 1, 1, 12), "0.5", "yes"]])

# ================================================================================================================
# Widening (sampleRows is lowered so that the late values come after the sample)
# ================================================================================================================

good("widen_int_double",
     b'id,x\n1,1\n2,2\n3,3\n4,2.5\n5,7\n',
     "int64 widened to double by a value after the sample (sampleRows 2)",
     [("id", "int64"), ("x", "double")],
     [[1, 1.0], [2, 2.0], [3, 3.0], [4, 2.5], [5, 7.0]],
     options={"sampleRows": 2}, widened=["x"], passes=2)

good("widen_int_string",
     b'id,x,y\n1,1,1\n2,2,2\n3,x,3\n4,4,99999999999999999999\n',
     "int64 widened to string by a word and by an integer beyond Int64 after the sample; original text kept",
     [("id", "int64"), ("x", "string"), ("y", "string")],
     [[1, "1", "1"], [2, "2", "2"], [3, "x", "3"], [4, "4", "99999999999999999999"]],
     options={"sampleRows": 2}, widened=["x", "y"], passes=2)

good("widen_big_int",
     b'id,big,neg,ctrl\n'
     b'1,1,-9007199254740993,9007199254740991\n'
     b'2,9007199254740993,-1,1\n'
     b'3,0.5,1.5,0.5\n',
     "an int64 column holding a value beyond +-2^53 widens straight to string when a double follows; within "
     "2^53 (2^53-1) it widens to double",
     [("id", "int64"), ("big", "string"), ("neg", "string"), ("ctrl", "double")],
     [[1, "1", "-9007199254740993", 9007199254740991.0],
      [2, "9007199254740993", "-1", 1.0],
      [3, "0.5", "1.5", 0.5]],
     options={"sampleRows": 2}, widened=["big", "neg", "ctrl"], passes=2)

good("widen_date_timestamp",
     b'id,d\n1,2024-01-01\n2,2024-01-02\n3,2024-01-03T10:00:00Z\n4,\n',
     "date widened to timestamp after the sample: earlier dates become midnight UTC",
     [("id", "int64"), ("d", "timestamp")],
     [[1, utc(2024, 1, 1)], [2, utc(2024, 1, 2)], [3, utc(2024, 1, 3, 10)], [4, None]],
     options={"sampleRows": 2}, widened=["d"], passes=2)

good("widen_bool_string",
     b'id,b\n1,true\n2,FALSE\n3,yes\n4,TRUE\n',
     "bool widened to string after the sample; the original spelling of true/false is kept",
     [("id", "int64"), ("b", "string")],
     [[1, "true"], [2, "FALSE"], [3, "yes"], [4, "TRUE"]],
     options={"sampleRows": 2}, widened=["b"], passes=2)

good("widen_sparse_null",
     b'id,s,t\n1,,\n2,,\n3,,\n4,5,\n5,6,\n',
     "a column that is NULL throughout the sample is a string column: later numbers stay strings, no widening "
     "and no second pass; a column NULL everywhere is a string column of NULLs",
     [("id", "int64"), ("s", "string"), ("t", "string")],
     [[1, None, None], [2, None, None], [3, None, None], [4, "5", None], [5, "6", None]],
     options={"sampleRows": 3})

good("widen_chain",
     b'id,a,b,e\n'
     b'1,1,2024-01-01,2024-01-01\n'
     b'2,2,2024-01-02,2024-01-02\n'
     b'3,2.5,2024-01-03T00:30:00+01:00,2024-01-03\n'
     b'4,x,2024-01-04,soon\n'
     b'5,5,,2024-01-05\n',
     "several widenings after the sample, one of them twice (int64 -> double -> string), date -> timestamp, "
     "date -> string: still one restart (passes 2)",
     [("id", "int64"), ("a", "string"), ("b", "timestamp"), ("e", "string")],
     [[1, "1", utc(2024, 1, 1), "2024-01-01"],
      [2, "2", utc(2024, 1, 2), "2024-01-02"],
      [3, "2.5", utc(2024, 1, 2, 23, 30), "2024-01-03"],
      [4, "x", utc(2024, 1, 4), "soon"],
      [5, "5", None, "2024-01-05"]],
     options={"sampleRows": 2}, widened=["a", "b", "e"], passes=2)

# ================================================================================================================
# Explicit schema
# ================================================================================================================

good("schema_full",
     b'a,b,c,d,e,f\n'
     b'+5,x,NaN,TRUE,2024-01-02,2024-01-02T03:04:05Z\n'
     b'007,y,inf,false,1999-12-31,2024-01-02 03:04\n'
     b'-3,z,-inf,,,\n'
     b'12,"",1.5,true,2000-01-01,2000-01-01T00:00:00+01:00\n',
     "--schema naming every column (names not in the header replace it); lenient +5, 007, NaN, inf, -inf",
     [("id", "int64"), ("name", "string"), ("score", "double"), ("ok", "bool"), ("day", "date"),
      ("at", "timestamp")],
     [[5, "x", NAN, True, "2024-01-02", utc(2024, 1, 2, 3, 4, 5)],
      [7, "y", INF, False, "1999-12-31", utc(2024, 1, 2, 3, 4)],
      [-3, "z", -INF, None, None, None],
      [12, "", 1.5, True, "2000-01-01", utc(1999, 12, 31, 23)]],
     options={"header": True, "schema": "id:int64,name:string,score:double,ok:bool,day:date,at:timestamp"})

good("schema_full_no_header",
     b'+5,NaN\n007,-inf\n3,2.5\n',
     "--schema on a file without header (--no-header): the schema names the columns",
     [("id", "int64"), ("score", "double")],
     [[5, NAN], [7, -INF], [3, 2.5]],
     options={"header": False, "schema": "id:int64,score:double"})

good("schema_partial",
     b'id,code,amount,note\n1,007,10,x\n2,+5,20,y\n3,12,30,z\n',
     "--schema naming a subset of the header: code fixed to int64 (lenient 007, +5), amount to double, the "
     "others sniffed",
     [("id", "int64"), ("code", "int64"), ("amount", "double"), ("note", "string")],
     [[1, 7, 10.0, "x"], [2, 5, 20.0, "y"], [3, 12, 30.0, "z"]],
     options={"schema": "code:int64,amount:double"})

good("schema_small_types",
     b'a,f,n\n2147483647,0.1,1\n-2147483648,3.4028235e38,2\n+7,NaN,3\n007,-inf,4\n,,\n',
     "--schema with int32 (range ends, lenient +7/007) and float (0.1 as float32, FLT_MAX, NaN, -inf); a row "
     "of empty fields is all NULL",
     [("a", "int32"), ("f", "float"), ("n", "int64")],
     [[2147483647, f32(0.1), 1], [-2147483648, f32(3.4028235e38), 2], [7, NAN, 3], [7, -INF, 4],
      [None, None, None]],
     options={"header": True, "schema": "a:int32,f:float,n:int64"})

# ================================================================================================================
# Bad rows (--on-error fail)
# ================================================================================================================

bad("err_too_few",
    b'a,b,c\n1,"x\ny",2\n\n3,z,4\n4,d\n5,e,6\n',
    "too few fields; the line counts the line inside a quoted field and the empty line",
    {"code": "invalidData", "line": 6, "column": "c", "contains": "expected 3 fields, found 2 | 4,d"},
    bad_row=b'4,d\n')

bad("err_too_many",
    b'a,b,c\r\n1,"x\r\ny",2\r\n3,z,4\r\n5,e,6,7\r\n6,f,8\r\n',
    "too many fields (no column), CRLF file with a CRLF inside a quoted field",
    {"code": "invalidData", "line": 5, "column": None, "contains": "expected 3 fields, found 4 | 5,e,6,7"},
    bad_row=b'5,e,6,7\r\n')

bad("err_unterminated_quote",
    b'a,b,c\n1,x,2\n3,"open,4\n5,y,6\n',
    "a quote that never closes: the column where it opened, the line where the row starts",
    {"code": "invalidData", "line": 3, "column": "b", "contains": 'unterminated quoted field | 3,"open,4'},
    bad_row=b'3,"open,4\n')

bad("err_invalid_utf8",
    b'a,b,c\n1,x,2\n3,"multi\nline",4\n5,ab\xc3(cd,6\n',
    "invalid UTF-8 (a lead byte followed by ASCII) in column b, after a multi-line field",
    {"code": "invalidData", "line": 5, "column": "b", "contains": "invalid UTF-8 | 5,ab"},
    bad_row=b'5,ab\xc3(cd,6\n')

bad("err_long_row",
    b'a,b,c\n1,x,2\n3,' + b'y' * 150 + b'TAIL\n',
    "the row after | is cut at 120 bytes",
    {"code": "invalidData", "line": 3, "column": "c",
     "contains": "expected 3 fields, found 2 | 3," + "y" * 118, "notContains": ["TAIL", "y" * 119]},
    bad_row=b'3,' + b'y' * 150 + b'TAIL\n')

bad("err_schema_value",
    b'id,name,price\n1,a,3\n2,b,4\n3,pen,"12,5"\n4,c,5\n',
    "a value that does not parse under a fixed type (the example of the spec): a row error, not a widening",
    {"code": "invalidData", "line": 4, "column": "price", "contains": 'cannot parse "12,5" as int64 | 3,pen,"12,5"'},
    options={"schema": "price:int64"}, bad_row=b'3,pen,"12,5"\n', duck="cast")

bad("err_schema_int32",
    b'id,v\n1,a\n2147483648,b\n',
    "int32 is range-checked",
    {"code": "invalidData", "line": 3, "column": "id", "contains": 'cannot parse "2147483648" as int32 | 2147483648,b'},
    options={"header": True, "schema": "id:int32,v:string"}, bad_row=b'2147483648,b\n', duck="cast")

bad("err_empty", b'',
    "an empty file",
    {"code": "invalidData", "contains": "empty", "caseInsensitive": True}, duck="none: no bytes")

bad("err_header_only", b'a,b,c\n',
    "a header and no data rows",
    {"code": "invalidData", "contains": "no data rows", "caseInsensitive": True}, duck="header only")

bad("err_binary",
    b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa'
    b'\x00\x00\x00\x0cIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82',
    "a binary file (a PNG image: NUL bytes in the first block)",
    {"code": "invalidData", "contains": "binary", "caseInsensitive": True}, duck="none: not text")

# ================================================================================================================
# --on-error skip
# ================================================================================================================

skip("skip_rejects",
     b'a,b,c\n'
     b'1,"x\ny",2\n'
     b'\n'
     b'3,z,4\n'
     b'4,d\n'
     b'5,e,6,7\n'
     b'7,ab\xffcd,1\n'
     b'8,"q""uote",9\n'
     b'9,"never closed\n'
     b'10,z,11',
     "--on-error skip with --rejects: too few, too many, invalid UTF-8, and an unterminated quote that swallows "
     "the rest of the file (which has no final newline) into one rejected row",
     [("a", "int64"), ("b", "string"), ("c", "int64")],
     [[1, "x\ny", 2], [3, "z", 4], [8, 'q"uote', 9]],
     [(6, "c", "expected 3 fields, found 2", b'4,d'),
      (7, None, "expected 3 fields, found 4", b'5,e,6,7'),
      (8, "b", "invalid UTF-8", b'7,ab\xffcd,1'),
      (10, "b", "unterminated quoted field", b'9,"never closed\n10,z,11')],
     {})

skip("skip_invalid_utf8",
     b'id,s,t\n'
     b'1,ok,caf\xc3\xa9\n'
     b'2,\xc0\xaf,x\n'
     b'3,y,\xed\xa0\x80\n'
     b'4,\xe2\x82,z\n'
     b'5,\x80lone,w\n'
     b'6,"\xf0\x9f\xa6\x80",\xf4\x90\x80\x80\n'
     b'7,fine,\xf0\x9f\x98\x80\n',
     "invalid UTF-8 of every kind, each in a rejected row: overlong encoding, UTF-16 surrogate, a sequence cut "
     "short by the delimiter, a lone continuation byte, a code point above U+10FFFF",
     [("id", "int64"), ("s", "string"), ("t", "string")],
     [[1, "ok", "café"], [7, "fine", "😀"]],
     [(3, "s", "invalid UTF-8", b'2,\xc0\xaf,x'),
      (4, "t", "invalid UTF-8", b'3,y,\xed\xa0\x80'),
      (5, "s", "invalid UTF-8", b'4,\xe2\x82,z'),
      (6, "s", "invalid UTF-8", b'5,\x80lone,w'),
      (7, "t", "invalid UTF-8", b'6,"\xf0\x9f\xa6\x80",\xf4\x90\x80\x80')],
     {})

skip("skip_schema",
     b'id,n\n1,5\n2,x\n3,+6\n4,2.5\n5,\n',
     "--on-error skip with a fixed int64 column: values that do not parse are rejected rows",
     [("id", "int64"), ("n", "int64")],
     [[1, 5], [3, 6], [5, None]],
     [(3, "n", 'cannot parse "x" as int64', b'2,x'),
      (5, "n", 'cannot parse "2.5" as int64', b'4,2.5')],
     {"schema": "n:int64"})


# ================================================================================================================
# Reference model of docs/csv-import.md (used only to cross-check the hand-written expectations)
# ================================================================================================================

DIGITS = "[0-9]"
INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
DOUBLE_RE = re.compile(r"-?((0|[1-9][0-9]*)(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
TS_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?"
                   r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?")
LENIENT_INT_RE = re.compile(r"[+-]?[0-9]+")
LENIENT_DOUBLE_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
INT64 = (-(2**63), 2**63 - 1)
INT32 = (-(2**31), 2**31 - 1)


class Unparsable(Exception):
    pass


def ref_date(text: str) -> int | None:
    m = DATE_RE.fullmatch(text)
    if not m:
        return None
    try:
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return (d - dt.date(1970, 1, 1)).days


def ref_timestamp(text: str) -> int | None:
    m = TS_RE.fullmatch(text)
    if not m:
        return None
    frac = m[7] or ""
    if len(frac) > 6 and set(frac[6:]) != {"0"}:
        return None
    micros = int((frac + "000000")[:6])
    try:
        t = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), micros,
                        tzinfo=dt.timezone.utc)
    except ValueError:
        return None
    value = (t - EPOCH) // dt.timedelta(microseconds=1)
    zone = m[8]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
        value -= sign * offset * 60_000_000
    return value


def sniff_kind(text: str) -> str:
    """The narrowest sniffing type of one non-empty value."""
    if text.lower() in ("true", "false"):
        return "bool"
    if re.fullmatch(r"-?[0-9]+", text):
        if INT_RE.fullmatch(text) and INT64[0] <= int(text) <= INT64[1]:
            return "int64"
        return "string"  # leading zeros, or beyond the Int64 range: never a double either
    if DOUBLE_RE.fullmatch(text) and math.isfinite(float(text)):
        return "double"
    if ref_date(text) is not None:
        return "date"
    if ref_timestamp(text) is not None:
        return "timestamp"
    return "string"


def resolve(values: list[str]) -> str | None:
    """The type of a column holding these non-null texts (None when there are none)."""
    if not values:
        return None
    kinds = {sniff_kind(v) for v in values}
    if kinds == {"bool"}:
        return "bool"
    if kinds == {"int64"}:
        return "int64"
    if kinds <= {"int64", "double"}:
        big = any(sniff_kind(v) == "int64" and abs(int(v)) > 2**53 for v in values)
        return "string" if big else "double"
    if kinds == {"date"}:
        return "date"
    if kinds <= {"date", "timestamp"}:
        return "timestamp"
    return "string"


def is_number(text: str) -> bool:
    return sniff_kind(text) in ("int64", "double")


def convert(text: str | None, t: str, fixed: bool):
    """The Python value of one field under type t; raises Unparsable. None (NULL) for NULL fields."""
    if text is None:
        return None
    if text == "" and t != "string":
        return None  # quoted "" outside a string column
    if t == "string":
        return text
    if t == "bool":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise Unparsable
    if t in ("int64", "int32"):
        if (LENIENT_INT_RE if fixed else INT_RE).fullmatch(text):
            v = int(text)
            lo, hi = INT64 if t == "int64" else INT32
            if lo <= v <= hi:
                return v
        raise Unparsable
    if t in ("double", "float"):
        if fixed and text in ("NaN", "inf", "-inf"):
            return float(text)
        if (LENIENT_DOUBLE_RE if fixed else DOUBLE_RE).fullmatch(text):
            v = float(text)
            if t == "float":
                v = f32(v)
            if math.isfinite(v):
                return v
        raise Unparsable
    if t == "date":
        d = ref_date(text)
        if d is None:
            raise Unparsable
        return d
    if t == "timestamp":
        v = ref_timestamp(text)
        if v is None:
            d = ref_date(text)  # a date in a column widened to timestamp: midnight UTC
            if d is None or fixed:
                raise Unparsable
            v = d * 86_400_000_000
        return v
    raise AssertionError(t)


def split_records(data: bytes, delim: bytes, quote: bytes, null_tokens: list[str], strict: bool = True):
    """Our own quote-aware splitter (for delimiter sniffing; its output is compared with DuckDB's).
    Returns [(start_offset, [field])] where a field is None (NULL) or its unquoted text. Not strict (sniffing a
    malformed file): invalid UTF-8 is replaced and an unterminated quote ends the file."""
    if data.startswith(b"\xef\xbb\xbf"):
        start = 3
    else:
        start = 0
    records, fields, cur, quoted, inq, i, rec_start = [], [], bytearray(), False, False, start, start
    n = len(data)

    def end_field():
        nonlocal cur, quoted
        text = cur.decode("utf-8", "strict" if strict else "replace")
        if not quoted and (text == "" or text in null_tokens):
            fields.append(None)
        else:
            fields.append(text)
        cur, quoted = bytearray(), False

    while i < n:
        c = data[i:i + 1]
        if inq:
            if c == quote:
                if data[i + 1:i + 2] == quote:
                    cur += quote
                    i += 2
                    continue
                inq = False
            else:
                cur += c
            i += 1
            continue
        if c == quote and not cur and not quoted:
            inq, quoted = True, True
        elif c == delim:
            end_field()
        elif c == b"\n" or (c == b"\r" and data[i + 1:i + 2] == b"\n"):
            if fields or cur or quoted:
                end_field()
                records.append((rec_start, fields))
            fields = []
            i += 2 if c == b"\r" else 1
            rec_start = i
            continue
        else:
            cur += c
        i += 1
    assert not (inq and strict), "unterminated quote in a good fixture"
    if fields or cur or quoted:
        end_field()
        records.append((rec_start, fields))
    return records


def sniff_delimiter(data: bytes, quote: bytes, sample: int) -> str:
    for d in (",", "\t", ";", "|"):
        records = split_records(data, d.encode(), quote, [], strict=False)[:sample + 1]
        counts = {len(f) for _, f in records}
        if len(counts) == 1 and counts.pop() > 1:
            return d
    return ","


def reference(fx: Fixture, rows: list[list]) -> tuple[list[tuple[str, str]], list[list], list[str], int, list]:
    """Schema, typed rows, widened columns, passes and cast rejects (index, column, reason) from raw rows."""
    opts = fx.options or {}
    sample = opts.get("sampleRows", 20_480)
    header = opts.get("header")
    schema = [tuple(p.split(":")) for p in opts["schema"].split(",")] if "schema" in opts else None
    width = len(rows[0])
    if header is None:
        types = [resolve([r[c] for r in rows[1:sample + 1] if r[c]]) or "string" for c in range(width)]
        first = rows[0]
        header = False
        for c, t in enumerate(types):
            if t != "string" and first[c]:
                try:
                    convert(first[c], t, fixed=False)
                except Unparsable:
                    header = True
        if all(t == "string" for t in types):
            header = (all(first) and len(set(first)) == len(first) and not any(is_number(v) for v in first))
    if header:
        names, seen = [], {}
        for c, v in enumerate(rows[0]):
            base = v if v else f"column{c}"
            if base in seen:
                seen[base] += 1
                names.append(f"{base}_{seen[base]}")
            else:
                seen[base] = 0
                names.append(base)
        data_rows = rows[1:]
    else:
        names = [f"column{c}" for c in range(width)]
        data_rows = rows
    fixed: dict[int, str] = {}
    if schema:
        if header and all(n in names for n, _ in schema):
            fixed = {names.index(n): t for n, t in schema}
        else:
            assert len(schema) == width, f"{fx.name}: schema does not list every column"
            names = [n for n, _ in schema]
            fixed = {c: t for c, (_, t) in enumerate(schema)}
    # rows rejected by a fixed type are left out before the other columns are sniffed
    rejects, kept = [], []
    for i, r in enumerate(data_rows):
        bad = None
        for c, t in fixed.items():
            try:
                convert(r[c], t, fixed=True)
            except Unparsable:
                bad = (i, names[c], f'cannot parse "{r[c]}" as {t}')
                break
        if bad:
            rejects.append(bad)
        else:
            kept.append(r)
    types, widened = [], []
    for c in range(width):
        if c in fixed:
            types.append(fixed[c])
            continue
        sampled = resolve([r[c] for r in kept[:sample] if r[c]])
        if sampled is None:
            types.append("string")
            continue
        final = resolve([r[c] for r in kept if r[c]])
        types.append(final)
        if final != sampled:
            widened.append(names[c])
    typed = [[convert(r[c], types[c], c in fixed) for c in range(width)] for r in kept]
    return list(zip(names, types)), typed, widened, 2 if widened else 1, rejects


# ================================================================================================================
# DuckDB
# ================================================================================================================


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def duck_read(path: str, fx: Fixture, names: list[str], delim: str, strict: bool, rejects: bool = False):
    """DuckDB's raw fields of every row (header=false, all_varchar) and, with rejects, its reject rows."""
    opts = fx.options or {}
    quote = opts.get("quote", '"')
    nulls = ", ".join(sql_str(t) for t in [""] + opts.get("nullTokens", []))
    cols = ", ".join(f"{sql_str(n)}: 'VARCHAR'" for n in names)
    params = [f"delim={sql_str(delim)}", f"quote={sql_str(quote)}", f"escape={sql_str(quote)}", "header=false",
              "all_varchar=true", "auto_detect=false", "allow_quoted_nulls=false", f"nullstr=[{nulls}]",
              f"columns={{{cols}}}", f"strict_mode={'true' if strict else 'false'}"]
    if rejects:
        params += ["ignore_errors=true", "store_rejects=true"]
    con = duckdb.connect()
    try:
        rows = [list(r) for r in con.sql(f"SELECT * FROM read_csv({sql_str(path)}, {', '.join(params)})").fetchall()]
        found = []
        if rejects:
            found = con.sql("SELECT line_byte_position, column_name, error_type, csv_line FROM reject_errors "
                            "ORDER BY line_byte_position").fetchall()
        return rows, found
    finally:
        con.close()


def physical_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def line_of(data: bytes, row: bytes) -> int:
    assert data.count(row) == 1, f"row {row!r} is not unique in the file"
    return physical_line(data, data.index(row))


DUCK_REASON = {"MISSING COLUMNS": "expected", "TOO MANY COLUMNS": "expected", "UNQUOTED VALUE": "unterminated",
               "INVALID ENCODING": "invalid UTF-8"}


def check_duck_rejects(fx: Fixture, found, expected: list[tuple[int, str | None, str]]):
    """DuckDB's rejects (byte position, column, type) must be the expected (line, column, reason)."""
    got = []
    for pos, column, kind, csv_line in found:
        # DuckDB reports a 1-based position; in a CRLF file it points at the LF ending the previous row
        offset = pos - 1
        while fx.data[offset:offset + 1] in (b"\r", b"\n"):
            offset += 1
        assert fx.data[offset:offset + 1] == csv_line.lstrip("\r\n").encode()[:1], (fx.name, pos, csv_line)
        got.append((physical_line(fx.data, offset), column if kind != "TOO MANY COLUMNS" else None,
                    DUCK_REASON[kind]))
    want = [(line, column, next(v for v in DUCK_REASON.values() if reason.startswith(v)))
            for line, column, reason in expected]
    assert got == want, f"{fx.name}: DuckDB rejects {got}, expected {want}"


def check(fx: Fixture, path: str):
    opts = fx.options or {}
    quote = opts.get("quote", '"').encode()
    if fx.error is not None and "line" not in fx.error:
        # whole-file errors
        if fx.name == "err_empty":
            assert fx.data == b""
        elif fx.name == "err_binary":
            assert b"\x00" in fx.data[:64] and not fx.data.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"PAR1"))
        elif fx.name == "err_header_only":
            rows, _ = duck_read(path, fx, ["a", "b", "c"], ",", strict=True)
            assert len(rows) == 1, rows
        return
    delim = opts.get("delimiter") or sniff_delimiter(fx.data, quote, opts.get("sampleRows", 20_480))
    if fx.error is not None:
        e = fx.error
        assert line_of(fx.data, fx.bad_row) == e["line"], f"{fx.name}: bad row is on line {line_of(fx.data, fx.bad_row)}"
        names = fx.data.split(b"\n", 1)[0].rstrip(b"\r").decode().split(delim)
        if fx.duck == "reject":
            _, found = duck_read(path, fx, names, delim, strict=True, rejects=True)
            reason = e["contains"].split(" | ")[0]
            check_duck_rejects(fx, found[:1], [(e["line"], e["column"], reason)])
            if "invalid UTF-8" in reason:
                try:
                    fx.bad_row.decode("utf-8")
                    raise AssertionError(f"{fx.name}: Python decodes the bad row")
                except UnicodeDecodeError:
                    pass
        elif fx.duck == "cast":
            rows, _ = duck_read(path, fx, names, delim, strict=True)
            _, _, _, _, rejects = reference(fx, rows)
            assert rejects, f"{fx.name}: the reference accepts every value"
            assert rejects[0][1] == e["column"] and e["contains"].startswith(rejects[0][2]), (fx.name, rejects[0])
        return

    names = [n for n, _ in fx.columns]
    if fx.rejects:
        rows, found = duck_read(path, fx, names, delim, strict=True, rejects=True)
        structural = [r for r in fx.rejects if not r[2].startswith("cannot parse")]
        check_duck_rejects(fx, found, [(line, column, reason) for line, column, reason, _ in structural])
        for line, _, reason, row in fx.rejects:
            assert line_of(fx.data, row) == line, f"{fx.name}: {row!r} is on line {line_of(fx.data, row)}"
            if reason == "invalid UTF-8":
                try:
                    row.decode("utf-8")
                    raise AssertionError(f"{fx.name}: Python decodes {row!r}")
                except UnicodeDecodeError:
                    pass
    else:
        rows, _ = duck_read(path, fx, [f"c{i}" for i in range(len(names))], delim, strict=False)
        ours = [f for _, f in split_records(fx.data, delim.encode(), quote, opts.get("nullTokens", []))]
        duck_rows = [r for r in rows if not (fx.duck_drop_null_rows and all(v is None for v in r))]
        assert duck_rows == ours, f"{fx.name}: DuckDB fields {duck_rows} != ours {ours}"
        rows = duck_rows
    columns, typed, widened, passes, cast_rejects = reference(fx, rows)
    assert columns == fx.columns, f"{fx.name}: reference schema {columns} != expected {fx.columns}"
    want_rows = canonical_rows(fx.columns, fx.rows)
    got_rows = [{n: canonical.canonical_value(t, v) for (n, t), v in zip(columns, r)} for r in typed]
    assert got_rows == want_rows, f"{fx.name}: reference rows {got_rows} != expected {want_rows}"
    assert widened == fx.widened and passes == fx.passes, f"{fx.name}: reference widened {widened}, passes {passes}"
    want_casts = [(c, reason) for _, c, reason, _ in fx.rejects if reason.startswith("cannot parse")]
    assert [(c, reason) for _, c, reason in cast_rejects] == want_casts, (fx.name, cast_rejects)


# ================================================================================================================
# Output
# ================================================================================================================


def canonical_rows(columns, rows) -> list[dict]:
    out = []
    for r in rows:
        assert len(r) == len(columns), r
        obj = {}
        for (name, t), v in zip(columns, r):
            if t == "date" and isinstance(v, str):
                v = (dt.date.fromisoformat(v) - dt.date(1970, 1, 1)).days
            obj[name] = canonical.canonical_value(t, v)
        out.append(obj)
    return out


def csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def rejects_bytes(rejects) -> bytes:
    out = b"line,column,error,row\n"
    for line, column, reason, row in rejects:
        out += f"{line},{csv_field(column or '')},{csv_field(reason)},".encode()
        out += b'"' + row.replace(b'"', b'""') + b'"\n'
    return out


def write(path: str, content: bytes | str):
    with open(path, "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode("utf-8"))


def dump_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def main():
    names = [fx.name for fx in FIXTURES]
    assert len(set(names)) == len(names), "duplicate fixture names"
    for old in os.listdir(HERE):
        if old.split(".")[0] in names or old.startswith(("err_", "skip_")):
            os.remove(os.path.join(HERE, old))
    for fx in FIXTURES:
        base = os.path.join(HERE, fx.name)
        write(base + ".csv", fx.data)
        check(fx, base + ".csv")
        if fx.options:
            write(base + ".options.json", dump_json(fx.options))
        if fx.error is not None:
            write(base + ".error.json", dump_json(fx.error))
            continue
        write(base + ".schema.json", dump_json([{"name": n, "type": t} for n, t in fx.columns]))
        rows = canonical_rows(fx.columns, fx.rows)
        write(base + ".expected.jsonl", "".join(canonical.dumps_row(r) + "\n" for r in rows))
        write(base + ".summary.json", dump_json({"rowsImported": len(rows), "rowsRejected": len(fx.rejects),
                                                 "widenedColumns": fx.widened, "passes": fx.passes}))
        if fx.rejects:
            write(base + ".rejects.expected.csv", rejects_bytes(fx.rejects))
    write(os.path.join(HERE, "README.md"), readme())
    print(f"wrote {len(FIXTURES)} fixtures to {os.path.relpath(HERE, ROOT)}")


def readme() -> str:
    lines = [README_HEAD, "| fixture | bytes | options | expectation | covers |", "|---|---|---|---|---|"]
    for fx in FIXTURES:
        opts = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in (fx.options or {}).items())
        if fx.error is not None:
            e = fx.error
            where = f"line {e['line']}, column {e['column'] or '-'}: " if "line" in e else ""
            expect = f"error `{e['code']}` {where}`{e['contains'][:60]}`"
        else:
            expect = f"{len(fx.rows)} rows: " + ", ".join(f"{n}:{t}" for n, t in fx.columns)
            if fx.rejects:
                expect += f"; {len(fx.rejects)} rejected"
            if fx.widened:
                expect += f"; widened {', '.join(fx.widened)}"
        lines.append(f"| `{fx.name}.csv` | {len(fx.data)} | {opts.replace('|', '&#124;')} | "
                     f"{expect.replace('|', '&#124;')} | {fx.covers.replace('|', '&#124;')} |")
    return "\n".join(lines) + "\n\n" + README_TAIL


README_HEAD = """# CSV import fixtures

Small hand-crafted CSV files covering every rule of `docs/csv-import.md`, with what `Database.importCSV` must
produce from each: the schema and every value, or the exact error. `Tests/StrataTests/CSVFixtureTests.swift`
imports each one (also with tiny blocks and 1 or 4 threads) and compares; `CSVImportCLITests.swift` runs the bad
ones through `strata import`. Generated by `make_fixtures.py` (do not edit by hand).

## Regenerate

    python3 Fixtures/csv/make_fixtures.py        # from the repository root; needs duckdb (tested with 2.0.0)

The bytes of every file are literals in the script (CRLF, BOM and invalid UTF-8 are explicit). Before writing,
the script checks the hand-written expectations against DuckDB's CSV reader (`read_csv` with `all_varchar=true`,
`header=false`, the fixture's delimiter and quote, `allow_quoted_nulls=false`): DuckDB must split each good file
into the same raw fields, and must reject the same rows of each bad file for the same reason in the same column
(the line recomputed from DuckDB's byte offset). A small reference model of the spec's sniffing, widening and
conversion rules, run on DuckDB's fields, must then give exactly the hand-written schema, values and summary.

## Files

- `NAME.csv`: the input.
- `NAME.options.json` (only when not the defaults): `delimiter` (one character), `quote`, `header` (true/false;
  absent = sniff), `nullTokens` (list), `schema` (the `--schema` text), `onError` (`"skip"`), `sampleRows`
  (lowered so that a late value falls after the sample and forces a widening).
- Good files: `NAME.schema.json` (`[{"name", "type"}]`, Strata type names), `NAME.expected.jsonl` (one object per
  row, canonical form of `Tests/interop/canonical.py`: int64 and timestamp microseconds as decimal strings,
  doubles as Python `repr()` strings, dates `YYYY-MM-DD`, int32 as numbers, floats as the shortest float32
  repr), `NAME.summary.json` (`rowsImported`, `rowsRejected`, `widenedColumns`, `passes`), and for
  `--on-error skip` fixtures `NAME.rejects.expected.csv`, the exact bytes of the `--rejects` file.
- Bad files: `NAME.error.json`: `code` (`StrataError.Code`), `contains` (a substring of the error's message: the
  reason, ` | ` and the start of the row), optional `notContains` (substrings that must not appear) and
  `caseInsensitive`. Row errors also have `line` (1-based physical line where the row starts) and `column` (null:
  the error must name no column); whole-file errors (empty, header only, binary) have neither and are not checked
  for a line or column.

## Fixtures

"""

README_TAIL = """## Decisions where the spec leaves room

- Quoting matters only for empty fields: a quoted non-empty value (`"5"`) is typed like an unquoted one
  (`quoted_values_typed`).
- A date parses as a timestamp at midnight UTC, so dates and timestamps mixed in the sample give a timestamp
  column (`mixed_types_in_sample`), as the widening `date -> timestamp` does after the sample.
- The 2^53 rule applies inside the sample as well: int64 values beyond +-2^53 (strictly: |v| > 2^53) mixed with
  doubles give a string column. No fixture puts exactly 2^53 next to a double, nor a big integer after a sampled
  double column.
- A double whose decimal text does not survive the round trip (more than 17 significant digits) is not used:
  the spec does not say whether that counts as "altered".
- `-0` is not used (the spec does not say whether it is an int64 with leading sign or altered text); `-0.0` is a
  double.
- "None is a number" in header sniffing means the sniffing grammars of int64 and double; fixtures that need
  `+5` / `007` in a first row set `header` explicitly.
- Null tokens are compared exactly (case-sensitive); no fixture depends on case folding.
- When several delimiters would split every sampled row evenly the spec gives no priority; no fixture sniffs
  such a file (`delim_explicit_tab` passes `--delimiter` instead).
- Empty lines are skipped everywhere, including before the header and in one-column files.
- A record of empty fields (`,,`) is not an empty line: it is a row of NULLs.
- Lenient fixed-type parsing is only tested with `+5`, `007`, `NaN`, `inf`, `-inf`.
- Rejects file: header `line,column,error,row`, LF line ends, `line` a plain number, `column` empty when the
  error names none, `error` the reason alone (no ` | row`), `line`/`column`/`error` quoted only when they
  contain a comma, quote, CR or LF (RFC 4180, quotes doubled), `row` always quoted, holding the row's original
  bytes without its line end. The unterminated-quote row of `skip_rejects` runs to the end of a file that has
  no final newline, so whether a trailing newline would belong to it is not decided here.
- Error snippets: only the start of the row (before any control character) is matched; the escaped form of
  control characters and of invalid UTF-8 is not fixed, but the message must hold no raw control character.
  "Cut at 120 bytes" is checked exactly on a plain ASCII row (`err_long_row`).
- The summary's `widenedColumns` entries are matched by column name (an entry may add the final type).
"""


if __name__ == "__main__":
    main()
