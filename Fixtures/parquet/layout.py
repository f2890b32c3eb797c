"""Reads the physical layout of a Parquet file (codecs, pages, encodings) straight from its Thrift structures.

pyarrow's metadata API does not expose page headers and reports LZ4 and LZ4_RAW under one name, so the fixture
generator uses this small Thrift compact-protocol reader to record exactly what each file contains.
"""

from __future__ import annotations

import struct

CODECS = {0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW"}
ENCODINGS = {
    0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
    6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT",
}
PAGE_TYPES = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"}
PHYSICAL = {0: "BOOLEAN", 1: "INT32", 2: "INT64", 3: "INT96", 4: "FLOAT", 5: "DOUBLE", 6: "BYTE_ARRAY",
            7: "FIXED_LEN_BYTE_ARRAY"}


class _Compact:
    """Generic Thrift compact-protocol decoder: structs become {field_id: value}."""

    def __init__(self, data: bytes, pos: int = 0):
        self.data = data
        self.pos = pos

    def byte(self) -> int:
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, ttype: int):
        if ttype in (1, 2):  # bool inside a collection: one byte
            return self.byte() == 1
        if ttype == 3:
            return struct.unpack("b", bytes([self.byte()]))[0]
        if ttype in (4, 5, 6):
            return self.zigzag()
        if ttype == 7:
            v = struct.unpack("<d", self.data[self.pos:self.pos + 8])[0]
            self.pos += 8
            return v
        if ttype == 8:
            n = self.varint()
            v = self.data[self.pos:self.pos + n]
            self.pos += n
            return v
        if ttype in (9, 10):
            head = self.byte()
            size, etype = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            return [self.value(etype) for _ in range(size)]
        if ttype == 11:
            size = self.varint()
            if size == 0:
                return {}
            kv = self.byte()
            return {self.value(kv >> 4): self.value(kv & 0x0F) for _ in range(size)}
        if ttype == 12:
            return self.struct()
        raise ValueError(f"bad thrift type {ttype} at {self.pos}")

    def struct(self) -> dict:
        fields = {}
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta, ttype = head >> 4, head & 0x0F
            fid = last + delta if delta else self.zigzag()
            last = fid
            if ttype == 1:
                fields[fid] = True
            elif ttype == 2:
                fields[fid] = False
            else:
                fields[fid] = self.value(ttype)


def file_metadata(data: bytes) -> dict:
    assert data[:4] == b"PAR1" and data[-4:] == b"PAR1", "not a Parquet file"
    length = struct.unpack("<I", data[-8:-4])[0]
    return _Compact(data, len(data) - 8 - length).struct()


def describe(path: str) -> dict:
    """{"created_by", "row_groups", "columns": {name: {"physical", "codec", "pages", "dictionary_pages",
    "page_types", "encodings"[, "type_length"]}}} with pages counted over all row groups; encodings are those of the
    data pages (a dictionary page's entries are always PLAIN); type_length only where the schema gives one
    (FIXED_LEN_BYTE_ARRAY)."""
    with open(path, "rb") as f:
        data = f.read()
    meta = file_metadata(data)
    # Leaf schema elements by dotted path: FIXED_LEN_BYTE_ARRAY's type_length.
    type_lengths: dict[str, int] = {}
    elements = iter(meta.get(2, [])[1:])

    def walk(prefix: str, children: int) -> None:
        for _ in range(children):
            element = next(elements)
            name = prefix + element[4].decode()
            if element.get(5):
                walk(name + ".", element[5])
            elif 2 in element:
                type_lengths[name] = element[2]

    walk("", (meta.get(2) or [{}])[0].get(5, 0))
    columns: dict[str, dict] = {}
    for rg in meta.get(4, []):
        for chunk in rg[1]:
            cm = chunk[3]
            name = ".".join(p.decode() for p in cm[3])
            info = columns.setdefault(name, {
                "physical": PHYSICAL[cm[1]], "codec": CODECS[cm[4]], "data_pages": 0, "dictionary_pages": 0,
                "page_types": set(), "encodings": set(),
            })
            if name in type_lengths:
                info["type_length"] = type_lengths[name]
            # The chunk starts at the dictionary page if there is one. Writers are inconsistent: some write a
            # dictionary offset of 0 for "none", and pyarrow's 0-row chunks have data_page_offset 0.
            offsets = [o for o in (cm.get(11), cm[9]) if o and o >= 4]
            if not offsets:
                continue
            start = min(offsets)
            end = start + cm[7]
            pos = start
            while pos < end:
                reader = _Compact(data, pos)
                header = reader.struct()
                ptype = header[1]
                info["page_types"].add(PAGE_TYPES[ptype])
                if ptype == 2:
                    info["dictionary_pages"] += 1
                elif ptype == 0:
                    info["data_pages"] += 1
                    info["encodings"].add(ENCODINGS[header[5][2]])
                elif ptype == 3:
                    info["data_pages"] += 1
                    info["encodings"].add(ENCODINGS[header[8][4]])
                pos = reader.pos + header[3]
    for info in columns.values():
        info["page_types"] = sorted(info["page_types"])
        info["encodings"] = sorted(info["encodings"])
    created_by = meta.get(6, b"").decode()
    return {"created_by": created_by, "row_groups": len(meta.get(4, [])), "columns": columns}
