"""A minimal Parquet writer for fixtures no library writes: flat columns, UNCOMPRESSED, V1 data pages.

Used by make_fixtures.py for DECIMAL in BYTE_ARRAY (pyarrow, DuckDB and polars write decimals only as INT32, INT64
or FIXED_LEN_BYTE_ARRAY). Everything is spelled out from the Parquet Thrift definitions (parquet.thrift) with the
Thrift compact protocol, so the bytes depend only on the inputs. The generator checks that pyarrow and DuckDB read
the result back exactly.

Supported: physical INT32 and BYTE_ARRAY values (already encoded as Python int / bytes), REQUIRED or OPTIONAL
columns, an optional DECIMAL(precision, scale) annotation (both the ConvertedType and the LogicalType), PLAIN data
pages split into pages of a given number of rows, or a PLAIN dictionary page followed by RLE_DICTIONARY data pages,
several row groups. Definition levels are RLE-encoded runs (bit width 1); dictionary indices one bit-packed run.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# Thrift compact protocol type ids.
T_BOOL_TRUE, T_BOOL_FALSE, T_I32, T_I64, T_BINARY, T_LIST, T_STRUCT = 1, 2, 5, 6, 8, 9, 12

# parquet.thrift enums.
INT32, BYTE_ARRAY = 1, 6
REQUIRED, OPTIONAL = 0, 1
CONVERTED_DECIMAL = 5
PLAIN, RLE, RLE_DICTIONARY = 0, 3, 8
UNCOMPRESSED = 0
DATA_PAGE, DICTIONARY_PAGE = 0, 2


# ---- Thrift compact protocol ------------------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _zigzag(n: int) -> bytes:
    return _varint((n << 1) ^ (n >> 63))


class Struct:
    """A Thrift struct under construction: fields must be added in increasing id order."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.last = 0

    def _header(self, fid: int, ttype: int) -> None:
        assert fid > self.last, "fields in increasing id order"
        delta = fid - self.last
        if delta <= 15:
            self.out.append((delta << 4) | ttype)
        else:
            self.out.append(ttype)
            self.out += _zigzag(fid)
        self.last = fid

    def i32(self, fid: int, v: int) -> "Struct":
        assert -(2**31) <= v < 2**31
        self._header(fid, T_I32)
        self.out += _zigzag(v)
        return self

    def i64(self, fid: int, v: int) -> "Struct":
        self._header(fid, T_I64)
        self.out += _zigzag(v)
        return self

    def boolean(self, fid: int, v: bool) -> "Struct":
        self._header(fid, T_BOOL_TRUE if v else T_BOOL_FALSE)
        return self

    def binary(self, fid: int, v: bytes | str) -> "Struct":
        v = v.encode() if isinstance(v, str) else v
        self._header(fid, T_BINARY)
        self.out += _varint(len(v)) + v
        return self

    def struct(self, fid: int, v: "Struct") -> "Struct":
        self._header(fid, T_STRUCT)
        self.out += v.bytes()
        return self

    def list(self, fid: int, etype: int, items: list) -> "Struct":
        self._header(fid, T_LIST)
        n = len(items)
        self.out += bytes([(n << 4) | etype]) if n < 15 else bytes([0xF0 | etype]) + _varint(n)
        for item in items:
            if etype == T_I32:
                self.out += _zigzag(item)
            elif etype == T_BINARY:
                item = item.encode() if isinstance(item, str) else item
                self.out += _varint(len(item)) + item
            elif etype == T_STRUCT:
                self.out += item.bytes()
            else:
                raise ValueError(etype)
        return self

    def bytes(self) -> bytes:
        return bytes(self.out) + b"\x00"


# ---- encodings --------------------------------------------------------------------------------------------------


def rle_runs(values: list[int], bit_width: int) -> bytes:
    """RLE/bit-packing hybrid made of RLE runs only."""
    out = bytearray()
    width = (bit_width + 7) // 8
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        out += _varint((j - i) << 1) + values[i].to_bytes(width, "little")
        i = j
    return bytes(out)


def bit_packed(values: list[int], bit_width: int) -> bytes:
    """RLE/bit-packing hybrid as one bit-packed run (the last group of 8 padded with zeros)."""
    groups = (len(values) + 7) // 8
    padded = values + [0] * (groups * 8 - len(values))
    acc = 0
    for k, v in enumerate(padded):
        acc |= v << (k * bit_width)
    return _varint((groups << 1) | 1) + acc.to_bytes(groups * bit_width, "little")


def plain(physical: int, values: list) -> bytes:
    if physical == INT32:
        return b"".join(struct.pack("<i", v) for v in values)
    if physical == BYTE_ARRAY:
        return b"".join(struct.pack("<I", len(v)) + v for v in values)
    raise ValueError(physical)


def twos_complement(n: int, length: int | None = None) -> bytes:
    """Big-endian two's complement of `n` in `length` bytes (default: the fewest that hold it, at least 1)."""
    if length is None:
        length = 1
        while not -(1 << (8 * length - 1)) <= n < (1 << (8 * length - 1)):
            length += 1
    return n.to_bytes(length, "big", signed=True)


# ---- file -------------------------------------------------------------------------------------------------------


@dataclass
class Column:
    name: str
    physical: int  # INT32 or BYTE_ARRAY
    values: list  # encoded Python values (int / bytes), None for null
    optional: bool = True
    decimal: tuple[int, int] | None = None  # (precision, scale)
    dictionary: bool = False
    page_rows: int | None = None  # rows per data page within a row group (None: one page per chunk)


def _page(header_fields: Struct, page_type: int, body: bytes) -> bytes:
    header = (Struct().i32(1, page_type).i32(2, len(body)).i32(3, len(body)))
    if page_type == DATA_PAGE:
        header.struct(5, header_fields)
    else:
        header.struct(7, header_fields)
    return header.bytes() + body


def _chunk(column: Column, values: list, file_pos: int) -> tuple[bytes, Struct]:
    """The bytes of one column chunk starting at `file_pos`, and its ColumnMetaData."""
    out = bytearray()
    dictionary_offset = None
    if column.dictionary:
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        index = {v: i for i, v in enumerate(distinct)}
        dictionary_offset = file_pos
        out += _page(Struct().i32(1, len(distinct)).i32(2, PLAIN), DICTIONARY_PAGE, plain(column.physical, distinct))
    data_offset = file_pos + len(out)
    step = column.page_rows or max(1, len(values))
    for start in range(0, max(1, len(values)), step):
        rows = values[start:start + step]
        body = bytearray()
        if column.optional:
            levels = rle_runs([0 if v is None else 1 for v in rows], 1)
            body += struct.pack("<I", len(levels)) + levels
        present = [v for v in rows if v is not None]
        if column.dictionary:
            width = max(1, (len(index) - 1).bit_length())
            body += bytes([width]) + bit_packed([index[v] for v in present], width)
            encoding = RLE_DICTIONARY
        else:
            body += plain(column.physical, present)
            encoding = PLAIN
        out += _page(Struct().i32(1, len(rows)).i32(2, encoding).i32(3, RLE).i32(4, RLE), DATA_PAGE, bytes(body))
    encodings = [PLAIN, RLE] + ([RLE_DICTIONARY] if column.dictionary else [])
    meta = (Struct().i32(1, column.physical).list(2, T_I32, encodings).list(3, T_BINARY, [column.name])
            .i32(4, UNCOMPRESSED).i64(5, len(values)).i64(6, len(out)).i64(7, len(out)).i64(9, data_offset))
    if dictionary_offset is not None:
        meta.i64(11, dictionary_offset)
    return bytes(out), meta


def write(path: str, columns: list[Column], row_group_rows: int | None = None,
          created_by: str = "strata Fixtures/parquet/handcraft.py") -> None:
    n = len(columns[0].values)
    assert all(len(c.values) == n for c in columns)
    out = bytearray(b"PAR1")
    row_groups = []
    step = row_group_rows or max(1, n)
    for start in range(0, max(1, n), step):
        rows = min(step, n - start)
        chunks = []
        size = 0
        for column in columns:
            pos = len(out)
            data, meta = _chunk(column, column.values[start:start + rows], pos)
            out += data
            size += len(data)
            chunks.append(Struct().i64(2, pos).struct(3, meta))
        row_groups.append(Struct().list(1, T_STRUCT, chunks).i64(2, size).i64(3, rows))
    schema = [Struct().binary(4, "schema").i32(5, len(columns))]
    for column in columns:
        element = Struct().i32(1, column.physical).i32(3, OPTIONAL if column.optional else REQUIRED)
        element.binary(4, column.name)
        if column.decimal:
            precision, scale = column.decimal
            element.i32(6, CONVERTED_DECIMAL).i32(7, scale).i32(8, precision)
            element.struct(10, Struct().struct(5, Struct().i32(1, scale).i32(2, precision)))
        schema.append(element)
    footer = (Struct().i32(1, 1).list(2, T_STRUCT, schema).i64(3, n).list(4, T_STRUCT, row_groups)
              .binary(6, created_by).bytes())
    out += footer + struct.pack("<I", len(footer)) + b"PAR1"
    with open(path, "wb") as f:
        f.write(out)
