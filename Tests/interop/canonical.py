"""Canonical text form of Strata column values, shared by the fixture generator and the interop checker.

Strata types and the canonical JSON value of a non-null cell (null is always JSON null):

    bool       JSON true / false
    int32      JSON number
    int64      JSON string of the decimal value, e.g. "-9223372036854775808"
    float      JSON string: shortest decimal that round-trips to the same 32-bit float, printed with Python's
               repr() rules, e.g. 0.1f -> "0.1" (not the widened double's "0.10000000149011612"), 1e-5f -> "1e-05",
               FLT_MAX -> "3.4028235e+38"; specials "nan", "inf", "-inf", "-0.0"
    double     JSON string: repr() of the 64-bit value (shortest round-trip); specials "nan", "inf", "-inf", "-0.0"
    string     JSON string (the UTF-8 text)
    date       JSON string "YYYY-MM-DD", proleptic Gregorian, year zero-padded to 4 digits, negative years get a
               leading "-", years above 9999 get more digits
    timestamp  JSON string of the integer microseconds since 1970-01-01T00:00:00 UTC
    timestamp_ns  JSON string of the integer nanoseconds since 1970-01-01T00:00:00 UTC
    time       JSON string of the integer microseconds since midnight (0 to 86400000000)
    blob       JSON string of the bytes in lower-case hex, two digits a byte ("" for no bytes), e.g. b"\xaa\x00a" ->
               "aa0061"
    decimal(P,S)  (written exactly so, no space; 1 <= P <= 38, 0 <= S <= P) JSON string of the exact value with
               exactly S digits after the point and no exponent, e.g. decimal(10,2): "12.30", "-0.01", "0.00",
               "-12345678.90"; a leading "0" before the point when |x| < 1 ("0.5000", "-0.5000"); no point at all
               when S = 0 ("5", "-17"); never "-0"

One row is one JSON object whose keys are the column names in schema order, serialised with
json.dumps(row, ensure_ascii=False, separators=(",", ":")): compact, UTF-8, no trailing spaces.

Arrow decimal columns (decimal32/64/128/256) of precision <= 38 map to decimal(P,S) with the same precision and
scale; wider ones have no Strata type. Arrow inputs wider than a Strata type are narrowed the way Strata reads them: int8/int16/uint8/uint16 -> int32,
uint32 -> int64, uint64 -> decimal(20,0), float16 -> float (exactly), time32/time64 -> time in microseconds, timestamp[s/ms/us] (with or without a time zone) -> timestamp in microseconds,
timestamp[ns] -> timestamp_ns.
"""

from __future__ import annotations

import decimal
import json
import math
import re
import struct
from fractions import Fraction

import pyarrow as pa

STRATA_TYPES = ("bool", "int32", "int64", "float", "double", "string", "date", "timestamp", "timestamp_ns", "blob",
                "time")
MAX_DECIMAL_PRECISION = 38
# Strata reads UINT64 as this decimal: every value up to 2^64 - 1, exactly.
UINT64_TYPE = "decimal(20,0)"
_DECIMAL_TYPE = re.compile(r"decimal\(([0-9]+),([0-9]+)\)")


def decimal_type(strata_type: str) -> tuple[int, int] | None:
    """(precision, scale) of a Strata type name "decimal(P,S)", None for any other name. Raises ValueError for a
    decimal name whose precision or scale is out of range."""
    m = _DECIMAL_TYPE.fullmatch(strata_type)
    if m is None:
        return None
    precision, scale = int(m.group(1)), int(m.group(2))
    if not (1 <= precision <= MAX_DECIMAL_PRECISION and 0 <= scale <= precision) or m.group(1)[0] == "0" \
            or (m.group(2)[0] == "0" and m.group(2) != "0"):
        raise ValueError(f"bad decimal type {strata_type!r}")
    return precision, scale


def decimal_type_name(precision: int, scale: int) -> str:
    return f"decimal({precision},{scale})"


def is_strata_type(name: str) -> bool:
    """Whether `name` is a Strata type name: one of STRATA_TYPES or "decimal(P,S)" with 1 <= P <= 38, 0 <= S <= P."""
    if name in STRATA_TYPES:
        return True
    try:
        return decimal_type(name) is not None
    except ValueError:
        return False


class UnsupportedType(Exception):
    """An Arrow type that has no Strata equivalent. `kind` is "nested" or "unsupported"."""

    def __init__(self, kind: str, arrow_type: pa.DataType):
        super().__init__(f"{kind}: {arrow_type}")
        self.kind = kind
        self.arrow_type = arrow_type


def strata_type_for_arrow(t: pa.DataType) -> str:
    """Strata type a reader maps an Arrow type (as pyarrow reads a Parquet column) to, or raises UnsupportedType."""
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_int32(t) or pa.types.is_int16(t) or pa.types.is_int8(t):
        return "int32"
    if pa.types.is_uint8(t) or pa.types.is_uint16(t):
        return "int32"
    if pa.types.is_int64(t) or pa.types.is_uint32(t):
        return "int64"
    if pa.types.is_uint64(t):
        return UINT64_TYPE
    if pa.types.is_float32(t) or pa.types.is_float16(t):
        return "float"
    if pa.types.is_float64(t):
        return "double"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_date32(t):
        return "date"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) \
            or pa.types.is_binary_view(t):
        return "blob"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_timestamp(t):
        return "timestamp_ns" if t.unit == "ns" else "timestamp"
    if pa.types.is_decimal(t) and 1 <= t.precision <= MAX_DECIMAL_PRECISION and 0 <= t.scale <= t.precision:
        return decimal_type_name(t.precision, t.scale)
    if pa.types.is_nested(t):
        raise UnsupportedType("nested", t)
    raise UnsupportedType("unsupported", t)


# ---- scalar formatting ------------------------------------------------------------------------------------------


def format_double(x: float) -> str:
    # repr() already spells the specials "nan", "inf", "-inf" and keeps the sign of zero ("-0.0").
    return repr(float(x))


def _f32(x: float) -> float:
    """`x` rounded to the nearest float32 (NaN if it overflows the float32 range)."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.nan


def format_float32(x: float) -> str:
    """Shortest decimal that round-trips to the float32 value `x`, printed with repr() rules."""
    x = _f32(float(x))
    if math.isnan(x) or math.isinf(x) or x == 0.0:
        return repr(x)
    # Correctly rounded candidates with increasing significant digits; among candidates of the shortest length
    # also try the neighbours one unit in the last place away (the round-trip interval may be asymmetric at powers
    # of two) and keep the one closest to x.
    exact = Fraction(x)
    for digits in range(1, 10):
        mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")
        scale = int(exponent) - (digits - 1)
        scaled = int(mantissa.replace(".", ""))
        best = None
        for cand in (scaled - 1, scaled, scaled + 1):
            if cand <= 0:
                continue
            text = f"{'-' if x < 0 else ''}{cand}e{scale}"
            if _f32(float(text)) != x:
                continue
            # Closest to x wins; an exact tie goes to the even last digit.
            key = (abs(Fraction(cand) * Fraction(10) ** scale - abs(exact)), cand % 2)
            if best is None or key < best[0]:
                best = (key, text)
        if best is not None:
            # repr() of the double nearest to a <= 9 digit decimal prints exactly that decimal (15 digits are
            # always preserved by a double), so this is the canonical spelling of the float32 value.
            return repr(float(best[1]))
    raise AssertionError(f"no round-trip representation for float32 {x!r}")


def format_date(days: int) -> str:
    """YYYY-MM-DD of a day number (Howard Hinnant's civil_from_days; exact for any integer)."""
    z = days + 719468
    era = z // 146097  # floor division: the C original emulates it with (z - 146096) / 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    year = f"{abs(y):04d}"
    return f"{'-' if y < 0 else ''}{year}-{m:02d}-{d:02d}"


def decimal_unscaled(value, scale: int) -> int:
    """The unscaled integer of `value` (a decimal.Decimal or an int) at `scale`: value * 10^scale, which must be
    exact (a value with more fraction digits than `scale`, other than trailing zeros, raises ValueError)."""
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise ValueError(f"not a decimal value: {value!r}")
    if isinstance(value, int):
        return value * 10**scale
    if not value.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    sign, digits, exponent = value.as_tuple()
    magnitude = int("".join(map(str, digits)) or "0")
    shift = exponent + scale
    if shift >= 0:
        magnitude *= 10**shift
    else:
        magnitude, rest = divmod(magnitude, 10**-shift)
        if rest:
            raise ValueError(f"{value} has more than {scale} fraction digits")
    return -magnitude if sign else magnitude


def format_decimal(unscaled: int, precision: int, scale: int) -> str:
    """Canonical text of the decimal unscaled * 10^-scale: exactly `scale` fraction digits, "0" before the point when
    |x| < 1, no "-0". Raises ValueError when the value needs more than `precision` digits."""
    digits = str(abs(unscaled))
    if len(digits) > precision and unscaled != 0:
        raise ValueError(f"{unscaled} (scale {scale}) does not fit precision {precision}")
    sign = "-" if unscaled < 0 else ""
    if scale == 0:
        return sign + digits
    digits = digits.rjust(scale + 1, "0")
    return f"{sign}{digits[:-scale]}.{digits[-scale:]}"


def canonical_value(strata_type: str, raw):
    """Canonical JSON value of one cell. `raw` is the Python value: int for date (days) / timestamp (µs),
    decimal.Decimal (or int, the whole value, not the unscaled one) for decimal(P,S)."""
    if raw is None:
        return None
    if strata_type == "bool":
        return bool(raw)
    if strata_type == "int32":
        return int(raw)
    if strata_type == "int64":
        return str(int(raw))
    if strata_type == "float":
        return format_float32(raw)
    if strata_type == "double":
        return format_double(raw)
    if strata_type == "string":
        return str(raw)
    if strata_type == "date":
        return format_date(int(raw))
    if strata_type in ("timestamp", "timestamp_ns", "time"):
        return str(int(raw))
    if strata_type == "blob":
        return bytes(raw).hex()
    dec = decimal_type(strata_type)
    if dec is not None:
        precision, scale = dec
        return format_decimal(decimal_unscaled(raw, scale), precision, scale)
    raise ValueError(f"unknown Strata type {strata_type!r}")


# ---- Arrow columns ----------------------------------------------------------------------------------------------

_MICROS_PER_UNIT = {"s": (1_000_000, 1), "ms": (1_000, 1), "us": (1, 1), "ns": (1, 1_000)}
_NANOS_PER_UNIT = {"s": (1_000_000_000, 1), "ms": (1_000_000, 1), "us": (1_000, 1), "ns": (1, 1)}


def raw_values(column: pa.ChunkedArray | pa.Array, strata_type: str | None = None) -> list:
    """Python values of an Arrow column with dates as day numbers and timestamps as floored microseconds
    (nanoseconds when `strata_type` is timestamp_ns)."""
    t = column.type
    if isinstance(t, pa.BaseExtensionType):  # e.g. pyarrow's uuid: its bytes
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        return raw_values(pa.chunked_array([c.storage for c in chunks], type=t.storage_type), strata_type)
    if pa.types.is_date32(t):
        return column.cast(pa.int32()).to_pylist()
    if pa.types.is_time(t):  # microseconds since midnight (nanoseconds floored)
        mul, div = _MICROS_PER_UNIT[t.unit]
        ints = column.cast(pa.int32() if pa.types.is_time32(t) else pa.int64()).to_pylist()
        return [None if v is None else (v * mul) // div for v in ints]
    if pa.types.is_timestamp(t):
        mul, div = (_NANOS_PER_UNIT if strata_type == "timestamp_ns" else _MICROS_PER_UNIT)[t.unit]
        ints = column.cast(pa.int64()).to_pylist()
        return [None if v is None else (v * mul) // div for v in ints]
    if pa.types.is_string_view(t):
        return column.cast(pa.string()).to_pylist()
    if pa.types.is_binary_view(t):
        return column.cast(pa.binary()).to_pylist()
    return column.to_pylist()


def table_rows(table: pa.Table, types: list[str] | None = None) -> list[dict]:
    """Canonical rows of a table. `types` are the Strata types per column (derived from the Arrow schema if None)."""
    if types is None:
        types = [strata_type_for_arrow(f.type) for f in table.schema]
    columns = [
        [canonical_value(st, v) for v in raw_values(table.column(i), st)] for i, st in enumerate(types)
    ]
    names = table.column_names
    return [{names[c]: columns[c][r] for c in range(len(names))} for r in range(table.num_rows)]


def dumps_row(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def dumps_cell(value) -> str:
    """Canonical text of one cell, for exact comparison (distinguishes true from 1 and "1" from 1)."""
    return json.dumps(value, ensure_ascii=False)


def write_jsonl(path: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(dumps_row(row))
            f.write("\n")


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- readers ----------------------------------------------------------------------------------------------------


def read_pyarrow(file: str) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(file)


def read_duckdb(file: str) -> tuple[pa.Table, list[str]]:
    """The file as DuckDB's Parquet reader sees it: an Arrow table and DuckDB's SQL type names per column."""
    import duckdb

    con = duckdb.connect()
    try:
        quoted = "'" + file.replace("'", "''") + "'"
        rel = con.sql(f"SELECT * FROM read_parquet({quoted})")
        sql_types = [str(t) for t in rel.types]
        table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
        return table, sql_types
    finally:
        con.close()
