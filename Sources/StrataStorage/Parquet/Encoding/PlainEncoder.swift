import StrataCore

// PLAIN encoder for the writer.
//
// Algorithm:
// 1. Only valid rows of the requested range are encoded (nulls live in the definition levels).
// 2. BOOLEAN: valid values are bit-packed LSB first, 8 per byte, the last byte zero-padded.
// 3. INT32/INT64/FLOAT/DOUBLE: little-endian bytes; runs of valid rows (whole 64-row mask words, or the entire
//    range when there is no mask) are copied with one memcpy each (the host is little-endian).
// 4. BYTE_ARRAY: for each valid value, a u32 LE length followed by its bytes, into space reserved up front.

/// Appends PLAIN-encoded values of a column range to a byte array.
package enum PlainEncoder {
    /// Appends the valid values of rows `range` of `data` (any buffer kind) to `out`.
    package static func append(_ data: ColumnData, validity: ValidityMask?, range: Range<Int>,
                               to out: inout [UInt8]) {
        switch data {
        case let .bool(v): appendBools(v, validity: validity, range: range, to: &out)
        case let .int32(v): appendFixedWidth(v, validity: validity, range: range, to: &out)
        case let .int64(v): appendFixedWidth(v, validity: validity, range: range, to: &out)
        case let .float(v): appendFixedWidth(v, validity: validity, range: range, to: &out)
        case let .double(v): appendFixedWidth(v, validity: validity, range: range, to: &out)
        case let .string(v): appendStrings(v, validity: validity, range: range, to: &out)
        case let .int128(v): appendBigEndian(v, validity: validity, range: range, to: &out)
        }
    }

    /// Appends valid `Int128` values of `range` as 16-byte big-endian two's complement (FIXED_LEN_BYTE_ARRAY
    /// decimals).
    package static func appendBigEndian(_ values: [Int128], validity: ValidityMask?, range: Range<Int>,
                                        to out: inout [UInt8]) {
        out.reserveCapacity(out.count + range.count * 16)
        values.withUnsafeBufferPointer { v in
            for i in range where validity?.isValid(i) ?? true {
                withUnsafeBytes(of: v[i].bigEndian) { out.append(contentsOf: $0) }
            }
        }
    }

    /// Appends valid booleans of `range`, bit-packed LSB first.
    package static func appendBools(_ values: [Bool], validity: ValidityMask?, range: Range<Int>,
                                    to out: inout [UInt8]) {
        var acc: UInt8 = 0
        var bits: UInt8 = 0
        values.withUnsafeBufferPointer { v in
            for i in range where validity?.isValid(i) ?? true {
                if v[i] { acc |= 1 << bits }
                bits += 1
                if bits == 8 {
                    out.append(acc)
                    acc = 0
                    bits = 0
                }
            }
        }
        if bits > 0 { out.append(acc) }
    }

    /// Appends valid fixed-width values (`Int32`, `Int64`, `Float`, `Double`) of `range` as little-endian bytes.
    package static func appendFixedWidth<T: BitwiseCopyable>(_ values: [T], validity: ValidityMask?,
                                                             range: Range<Int>, to out: inout [UInt8]) {
        let size = MemoryLayout<T>.stride
        values.withUnsafeBytes { raw in
            guard let src = raw.baseAddress else { return }
            func copy(_ r: Range<Int>) {
                out.append(contentsOf: UnsafeRawBufferPointer(start: src + r.lowerBound * size, count: r.count * size))
            }
            guard let validity else {
                copy(range)
                return
            }
            out.reserveCapacity(out.count + range.count * size)
            var i = range.lowerBound
            var runStart = i
            validity.words.withUnsafeBufferPointer { words in
                while i < range.upperBound {
                    if i & 63 == 0, i + 64 <= range.upperBound, words[i >> 6] == ~0 {
                        i += 64
                        continue
                    }
                    if (words[i >> 6] >> UInt64(i & 63)) & 1 == 0 {
                        if runStart < i { copy(runStart ..< i) }
                        runStart = i + 1
                    }
                    i += 1
                }
            }
            if runStart < range.upperBound { copy(runStart ..< range.upperBound) }
        }
    }

    /// Appends valid strings of `range` as u32 LE length + bytes.
    package static func appendStrings(_ values: StringBuffer, validity: ValidityMask?, range: Range<Int>,
                                      to out: inout [UInt8]) {
        guard !range.isEmpty else { return }
        let payload = Int(values.offsets[range.upperBound] - values.offsets[range.lowerBound])
        out.reserveCapacity(out.count + payload + 4 * range.count)
        values.bytes.withUnsafeBytes { bytes in
            for i in range where validity?.isValid(i) ?? true {
                let r = values.range(i)
                withUnsafeBytes(of: UInt32(r.count).littleEndian) { out.append(contentsOf: $0) }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[r]))
            }
        }
    }
}
