import StrataCore

// Dictionary builder for the writer (RLE_DICTIONARY pages).
//
// Algorithm:
// 1. Each valid value gets a 64-bit key: the bit pattern for INT32/INT64/FLOAT/DOUBLE (so -0.0, +0.0 and distinct
//    NaN payloads stay distinct and round-trip exactly), a hash of the bytes for strings.
// 2. An open-addressing table (power-of-two capacity, linear probing, load factor <= 1/2) maps a key to an entry
//    number + 1 (0 = empty slot). Fixed-width values match on the key; strings match on hash and then on bytes,
//    compared in place against the dictionary's own byte buffer (no per-value String or allocation).
// 3. A miss appends a new entry (string bytes are copied into the dictionary buffer) and grows the table by
//    doubling, rehashing from the stored keys, when half full.
// 4. The index of every valid value is appended to `indices`; the PLAIN size of the dictionary is tracked so that
//    `append` reports `false` as soon as it exceeds the byte limit, and the writer can fall back to PLAIN.

/// Assigns dictionary indices to the values of a column chunk and collects the dictionary entries.
package struct DictionaryBuilder: Sendable {
    private enum Kind: Sendable { case int32, int64, float, double, string }

    private let kind: Kind
    /// The dictionary size limit, in PLAIN-encoded bytes, beyond which `append` reports `false`.
    package let maxByteSize: Int
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    private var keys: [UInt64] = []
    private var stringOffsets: [Int32] = [0]
    private var stringBytes: [UInt8] = []
    /// The dictionary index of every valid value appended so far (nulls have none).
    package private(set) var indices: [UInt32] = []

    /// Creates a builder for a column of `type`; booleans cannot be dictionary encoded (`.invalidArgument`).
    package init(type: DataType, maxByteSize: Int = 1 << 20) throws(StrataError) {
        switch type {
        case .int32, .date: kind = .int32
        case .int64, .timestamp, .timestampNanos, .time: kind = .int64
        case .decimal where !type.isWideDecimal: kind = .int64
        case .decimal: throw StrataError(.invalidArgument, "wide decimal columns are not dictionary encoded")
        case .float: kind = .float
        case .double: kind = .double
        case .string, .blob: kind = .string
        case .bool: throw StrataError(.invalidArgument, "boolean columns are not dictionary encoded")
        }
        self.maxByteSize = maxByteSize
    }

    /// Number of distinct entries.
    package var count: Int { keys.count }

    /// Size of the dictionary page body when PLAIN encoded.
    package var byteSize: Int {
        switch kind {
        case .int32, .float: keys.count * 4
        case .int64, .double: keys.count * 8
        case .string: stringBytes.count + 4 * keys.count
        }
    }

    /// Whether the dictionary has outgrown `maxByteSize`.
    package var isOverLimit: Bool { byteSize > maxByteSize }

    /// Bit width of the indices in RLE_DICTIONARY data pages.
    package var indexBitWidth: Int { BitPacking.bitWidth(forMax: UInt64(Swift.max(keys.count, 1) - 1)) }

    /// Adds the valid values of rows `range` of `data`; returns `false` (and stops early) once the dictionary
    /// exceeds `maxByteSize`. Throws `.internal` when the buffer kind does not match the builder's type.
    package mutating func append(_ data: ColumnData, validity: ValidityMask?, range: Range<Int>)
        throws(StrataError) -> Bool {
        guard range.lowerBound >= 0, range.upperBound <= data.count else {
            throw StrataError(.internal, "row range \(range) outside a buffer of \(data.count) values")
        }
        switch (kind, data) {
        case let (.int32, .int32(v)):
            return appendFixed(range, validity) { UInt64(UInt32(bitPattern: v[$0])) }
        case let (.int64, .int64(v)):
            return appendFixed(range, validity) { UInt64(bitPattern: v[$0]) }
        case let (.float, .float(v)):
            return appendFixed(range, validity) { UInt64(v[$0].bitPattern) }
        case let (.double, .double(v)):
            return appendFixed(range, validity) { v[$0].bitPattern }
        case let (.string, .string(v)):
            return appendStrings(v, range, validity)
        default:
            throw StrataError(.internal, "dictionary builder got a buffer of the wrong kind")
        }
    }

    /// Returns the indices collected so far and clears them (the dictionary itself is kept).
    package mutating func takeIndices() -> [UInt32] {
        defer { indices = [] }
        return indices
    }

    /// The dictionary entries, in index order.
    package func dictionary() -> ColumnData {
        switch kind {
        case .int32: .int32(keys.map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) })
        case .int64: .int64(keys.map { Int64(bitPattern: $0) })
        case .float: .float(keys.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) })
        case .double: .double(keys.map { Double(bitPattern: $0) })
        case .string:
            // Offsets and bytes were built together, so they are consistent.
            .string((try? StringBuffer(offsets: stringOffsets, bytes: stringBytes)) ?? StringBuffer())
        }
    }

    @inline(__always)
    private static func slot(of key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) &>> 32) & mask
    }

    private mutating func appendFixed(_ range: Range<Int>, _ validity: ValidityMask?,
                                      _ key: (Int) -> UInt64) -> Bool {
        indices.reserveCapacity(indices.count + range.count)
        for i in range where validity?.isValid(i) ?? true {
            let k = key(i)
            var mask = slots.count - 1
            var s = Self.slot(of: k, mask: mask)
            var found = -1
            while true {
                let entry = Int(slots[s])
                if entry == 0 { break }
                if keys[entry - 1] == k {
                    found = entry - 1
                    break
                }
                s = (s + 1) & mask
            }
            if found < 0 {
                found = keys.count
                keys.append(k)
                slots[s] = Int32(truncatingIfNeeded: found + 1)
                if keys.count * 2 > slots.count {
                    grow()
                    mask = slots.count - 1
                }
                if isOverLimit { return false }
            }
            indices.append(UInt32(truncatingIfNeeded: found))
        }
        return true
    }

    private mutating func appendStrings(_ values: StringBuffer, _ range: Range<Int>,
                                        _ validity: ValidityMask?) -> Bool {
        indices.reserveCapacity(indices.count + range.count)
        return values.bytes.withUnsafeBytes { input in
            values.offsets.withUnsafeBufferPointer { offsets in
                for i in range where validity?.isValid(i) ?? true {
                    let value = UnsafeRawBufferPointer(rebasing: input[Int(offsets[i]) ..< Int(offsets[i + 1])])
                    let h = Self.hash(value)
                    let mask = slots.count - 1
                    var s = Self.slot(of: h, mask: mask)
                    var found = -1
                    while true {
                        let entry = Int(slots[s])
                        if entry == 0 { break }
                        if keys[entry - 1] == h, equalsEntry(entry - 1, value) {
                            found = entry - 1
                            break
                        }
                        s = (s + 1) & mask
                    }
                    if found < 0 {
                        guard stringBytes.count + value.count <= Int(Int32.max) else { return false }
                        found = keys.count
                        keys.append(h)
                        stringBytes.append(contentsOf: value)
                        stringOffsets.append(Int32(truncatingIfNeeded: stringBytes.count))
                        slots[s] = Int32(truncatingIfNeeded: found + 1)
                        if keys.count * 2 > slots.count { grow() }
                        if isOverLimit { return false }
                    }
                    indices.append(UInt32(truncatingIfNeeded: found))
                }
                return true
            }
        }
    }

    @inline(__always)
    private func equalsEntry(_ entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let lo = Int(stringOffsets[entry]), hi = Int(stringOffsets[entry + 1])
        guard hi - lo == value.count else { return false }
        return stringBytes.withUnsafeBytes { dict in
            ByteComparison.equal(UnsafeRawBufferPointer(rebasing: dict[lo ..< hi]), value)
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var fresh = [Int32](repeating: 0, count: capacity)
        for (entry, key) in keys.enumerated() {
            var s = Self.slot(of: key, mask: mask)
            while fresh[s] != 0 { s = (s + 1) & mask }
            fresh[s] = Int32(truncatingIfNeeded: entry + 1)
        }
        slots = fresh
    }

    /// A 64-bit hash of `bytes` (multiply-xorshift over 8-byte words).
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let m: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* m
            h ^= h &>> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) &<< shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* m
        h ^= h &>> 32
        return h &* m ^ (h &>> 29)
    }
}
