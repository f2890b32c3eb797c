import StrataCore

/// Normalized sort keys: the ORDER BY columns of each row encoded into bytes whose `memcmp` order is the ORDER BY
/// order, so sorting and merging compare bytes instead of calling a comparator per key and type.
///
/// 1. Per key column, one byte places NULLs: with NULLS FIRST a NULL is 0x00 and a value 0x01; with NULLS LAST a
///    value is 0x00 and a NULL 0x01.
/// 2. Then the value in bytes that compare as the values do: integers (dates, timestamps) big-endian with the sign
///    bit flipped; floating point (floats widened to doubles) as its bits with the sign bit flipped for positives
///    and every bit flipped for negatives (-0.0 as 0.0, every NaN as one NaN above +infinity, as DuckDB orders
///    them); booleans one byte;
///    strings their bytes with 0x00 escaped as 0x00 0x01, ended by 0x00 0x00. A NULL writes zeros of the value's
///    width (a string's NULL just the terminator), so keys without string columns all have one width.
/// 3. A DESC key flips every value byte (not the NULL byte): each column's encoding is prefix-free, so flipping
///    reverses its order.
/// 4. A row's key is its columns' encodings one after another.
package struct SortKeyEncoder: Sendable {
    /// One key column's type and direction.
    package struct Key: Sendable {
        /// The column's type.
        package var type: DataType
        /// Ascending or descending.
        package var ascending: Bool
        /// Whether NULLs sort before values.
        package var nullsFirst: Bool

        /// A key column.
        package init(type: DataType, ascending: Bool, nullsFirst: Bool) {
            self.type = type
            self.ascending = ascending
            self.nullsFirst = nullsFirst
        }
    }

    /// The key columns, most significant first.
    package let keys: [Key]
    /// The bytes of every row's key when no key column is a string, else nil.
    package let fixedWidth: Int?

    /// An encoder for `keys`.
    package init(_ keys: [Key]) {
        self.keys = keys
        var width = 0
        var fixed = true
        for key in keys {
            guard let size = SortKeyEncoder.valueWidth(key.type) else {
                fixed = false
                continue
            }
            width += 1 + size
        }
        fixedWidth = fixed ? width : nil
    }

    /// The encoded width of a value of `type`, nil for strings.
    static func valueWidth(_ type: DataType) -> Int? {
        switch type.storage {
        case .bool: 1
        case .int32: 4
        case .int64, .double, .float: 8
        case .int128: 16
        case .string: nil
        }
    }

    /// The keys of `rows` rows whose key columns are `columns` (one per key), as one buffer: value `i` is row
    /// `i`'s key. Throws when the keys of one batch exceed 2 GiB.
    package func encode(_ columns: [Column], rows: Int) throws(StrataError) -> StringBuffer {
        // 1. Every row's length: the fixed part plus each string's escaped length.
        var offsets = [Int32](repeating: 0, count: rows + 1)
        var fixedPart = 0
        for key in keys { fixedPart += 1 + (SortKeyEncoder.valueWidth(key.type) ?? 2) }
        var total = fixedPart * rows
        for (column, key) in zip(columns, keys) where key.type.storage == .string {
            guard case let .string(strings) = column.data else { continue }
            total += SortKeyEncoder.escapedLengths(strings, column: column, into: &offsets)
        }
        guard total <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "the sort keys of one batch exceed 2 GiB")
        }
        offsets.withUnsafeMutableBufferPointer { ends in
            // `ends[i + 1]` holds row i's string bytes so far; add the fixed part and sum up.
            var at = 0
            for i in 0..<rows {
                at += fixedPart + Int(ends[i + 1])
                ends[i + 1] = Int32(truncatingIfNeeded: at)
            }
        }
        // 2. Each column writes its part of every row at the row's cursor.
        var cursor = [Int](repeating: 0, count: rows)
        offsets.withUnsafeBufferPointer { o in
            cursor.withUnsafeMutableBufferPointer { c in
                for i in 0..<rows { c[i] = Int(o[i]) }
            }
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            guard let base = out.baseAddress else {
                initialized = 0
                return
            }
            let raw = UnsafeMutableRawPointer(base)
            cursor.withUnsafeMutableBufferPointer { c in
                for (column, key) in zip(columns, keys) {
                    SortKeyEncoder.write(column, key, rows: rows, to: raw, cursor: c)
                }
            }
            initialized = total
        }
        return try StringBuffer(offsets: offsets, bytes: bytes)
    }

    /// Adds each row's escaped string length plus its terminator (2) to `lengths[row + 1]`; returns the sum.
    private static func escapedLengths(_ strings: StringBuffer, column: Column,
                                       into lengths: inout [Int32]) -> Int {
        var sum = 0
        strings.offsets.withUnsafeBufferPointer { o in
            strings.bytes.withUnsafeBufferPointer { b in
                lengths.withUnsafeMutableBufferPointer { out in
                    for i in 0..<(o.count - 1) {
                        var length = 0
                        if !column.isNull(i) {
                            let start = Int(o[i]), end = Int(o[i + 1])
                            length = end - start
                            for j in start..<end where b[j] == 0 { length += 1 }
                        }
                        // The fixed part counted 2 for the terminator already.
                        out[i + 1] += Int32(truncatingIfNeeded: length)
                        sum += length
                    }
                }
            }
        }
        return sum
    }

    /// A double's bits in an order that unsigned comparison keeps: -0.0 as 0.0, every NaN as one NaN above
    /// +infinity, the sign bit flipped for positives and every bit flipped for negatives.
    @inline(__always)
    static func orderedBits(_ value: Double) -> UInt64 {
        var x = value
        if x == 0 { x = 0 }
        if x.isNaN { x = .nan }
        let bits = x.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Writes `column`'s encoding of every row at `cursor[row]` and advances the cursors.
    private static func write(_ column: Column, _ key: Key, rows: Int, to out: UnsafeMutableRawPointer,
                              cursor: UnsafeMutableBufferPointer<Int>) {
        let valueByte: UInt8 = key.nullsFirst ? 1 : 0, nullByte: UInt8 = key.nullsFirst ? 0 : 1
        let flip: UInt64 = key.ascending ? 0 : ~0
        let validity = column.validity
        @inline(__always) func isNull(_ i: Int) -> Bool { validity.map { !$0.isValid(i) } ?? false }
        /// Writes the NULL byte and `width` big-endian bytes of `bits` (the value's top bytes when narrower).
        @inline(__always) func put(_ i: Int, _ bits: UInt64, width: Int) {
            let at = cursor[i]
            if isNull(i) {
                out.storeBytes(of: nullByte, toByteOffset: at, as: UInt8.self)
                for j in 1...width { out.storeBytes(of: 0, toByteOffset: at + j, as: UInt8.self) }
            } else {
                out.storeBytes(of: valueByte, toByteOffset: at, as: UInt8.self)
                let value = bits ^ flip
                switch width {
                case 8: out.storeBytes(of: value.bigEndian, toByteOffset: at + 1, as: UInt64.self)
                case 4: out.storeBytes(of: UInt32(truncatingIfNeeded: value >> 32).bigEndian, toByteOffset: at + 1,
                                       as: UInt32.self)
                default: out.storeBytes(of: UInt8(truncatingIfNeeded: value >> 56), toByteOffset: at + 1,
                                        as: UInt8.self)
                }
            }
            cursor[i] = at + 1 + width
        }
        switch column.data {
        case let .bool(v):
            v.withUnsafeBufferPointer { p in
                for i in 0..<rows { put(i, p[i] ? 1 << 56 : 0, width: 1) }
            }
        case let .int32(v):
            v.withUnsafeBufferPointer { p in
                for i in 0..<rows { put(i, UInt64(UInt32(bitPattern: p[i]) ^ 0x8000_0000) << 32, width: 4) }
            }
        case let .int64(v):
            v.withUnsafeBufferPointer { p in
                for i in 0..<rows { put(i, UInt64(bitPattern: p[i]) ^ (1 << 63), width: 8) }
            }
        case let .int128(v):
            v.withUnsafeBufferPointer { p in
                for i in 0..<rows {
                    let at = cursor[i]
                    let null = isNull(i)
                    let high = null ? 0 : UInt64(truncatingIfNeeded: p[i] >> 64) ^ (1 << 63) ^ flip
                    let low = null ? 0 : UInt64(truncatingIfNeeded: p[i]) ^ flip
                    out.storeBytes(of: null ? nullByte : valueByte, toByteOffset: at, as: UInt8.self)
                    out.storeBytes(of: high.bigEndian, toByteOffset: at + 1, as: UInt64.self)
                    out.storeBytes(of: low.bigEndian, toByteOffset: at + 9, as: UInt64.self)
                    cursor[i] = at + 17
                }
            }
        case let .float(v):
            v.withUnsafeBufferPointer { p in
                // A float orders as the double it widens to exactly (all 8 bytes: its mantissa reaches past 4).
                for i in 0..<rows { put(i, SortKeyEncoder.orderedBits(Double(p[i])), width: 8) }
            }
        case let .double(v):
            v.withUnsafeBufferPointer { p in
                for i in 0..<rows { put(i, SortKeyEncoder.orderedBits(p[i]), width: 8) }
            }
        case let .string(strings):
            let mask: UInt8 = key.ascending ? 0 : 0xFF
            strings.offsets.withUnsafeBufferPointer { o in
                strings.bytes.withUnsafeBufferPointer { b in
                    for i in 0..<rows {
                        var at = cursor[i]
                        if isNull(i) {
                            // The NULL byte decides; the terminator keeps every NULL's encoding the same length.
                            out.storeBytes(of: nullByte, toByteOffset: at, as: UInt8.self)
                            out.storeBytes(of: mask, toByteOffset: at + 1, as: UInt8.self)
                            out.storeBytes(of: mask, toByteOffset: at + 2, as: UInt8.self)
                            cursor[i] = at + 3
                            continue
                        }
                        out.storeBytes(of: valueByte, toByteOffset: at, as: UInt8.self)
                        at += 1
                        for j in Int(o[i])..<Int(o[i + 1]) {
                            let byte = b[j]
                            out.storeBytes(of: byte ^ mask, toByteOffset: at, as: UInt8.self)
                            at += 1
                            if byte == 0 {
                                out.storeBytes(of: 1 ^ mask, toByteOffset: at, as: UInt8.self)
                                at += 1
                            }
                        }
                        out.storeBytes(of: mask, toByteOffset: at, as: UInt8.self)
                        out.storeBytes(of: mask, toByteOffset: at + 1, as: UInt8.self)
                        cursor[i] = at + 2
                    }
                }
            }
        }
    }
}
