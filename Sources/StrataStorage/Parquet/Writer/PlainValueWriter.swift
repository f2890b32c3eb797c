import StrataCore

/// Appends the PLAIN encoding of the non-null values of rows `range` of a column to a page body.
///
/// Fixed-width values are little-endian in memory already, so a run of valid rows is one `memcpy`; strings become
/// `u32 length + bytes`; booleans are bit-packed LSB first.
enum PlainValueWriter {
    /// Appends rows `range` of `column` (nulls skipped) to `out`.
    static func append(_ column: Column, rows range: Range<Int>, to out: inout [UInt8]) {
        switch column.data {
        case let .bool(values): appendBools(values, validity: column.validity, range: range, to: &out)
        case let .int32(values): appendFixed(values, validity: column.validity, range: range, to: &out)
        case let .int64(values): appendFixed(values, validity: column.validity, range: range, to: &out)
        case let .float(values): appendFixed(values, validity: column.validity, range: range, to: &out)
        case let .double(values): appendFixed(values, validity: column.validity, range: range, to: &out)
        case let .string(buffer): appendStrings(buffer, validity: column.validity, range: range, to: &out)
        }
    }

    /// Appends all values of `data` (a dictionary: no nulls).
    static func append(_ data: ColumnData, to out: inout [UInt8]) {
        let range = 0..<data.count
        switch data {
        case let .bool(values): appendBools(values, validity: nil, range: range, to: &out)
        case let .int32(values): appendFixed(values, validity: nil, range: range, to: &out)
        case let .int64(values): appendFixed(values, validity: nil, range: range, to: &out)
        case let .float(values): appendFixed(values, validity: nil, range: range, to: &out)
        case let .double(values): appendFixed(values, validity: nil, range: range, to: &out)
        case let .string(buffer): appendStrings(buffer, validity: nil, range: range, to: &out)
        }
    }

    private static func appendFixed<T: BitwiseCopyable>(_ values: [T], validity: ValidityMask?, range: Range<Int>,
                                                        to out: inout [UInt8]) {
        values.withUnsafeBytes { raw in
            let width = MemoryLayout<T>.stride
            guard let validity else {
                out.append(contentsOf: raw[range.lowerBound * width ..< range.upperBound * width])
                return
            }
            // Copy maximal runs of valid rows at once.
            var i = range.lowerBound
            while i < range.upperBound {
                while i < range.upperBound && !validity.isValid(i) { i += 1 }
                let start = i
                while i < range.upperBound && validity.isValid(i) { i += 1 }
                if i > start { out.append(contentsOf: raw[start * width ..< i * width]) }
            }
        }
    }

    private static func appendStrings(_ buffer: StringBuffer, validity: ValidityMask?, range: Range<Int>,
                                      to out: inout [UInt8]) {
        let byteCount = Int(buffer.offsets[range.upperBound] - buffer.offsets[range.lowerBound])
        out.reserveCapacity(out.count + byteCount + 4 * range.count)
        buffer.offsets.withUnsafeBufferPointer { offsets in
            buffer.bytes.withUnsafeBytes { bytes in
                for i in range where validity?.isValid(i) ?? true {
                    let start = Int(offsets[i]), end = Int(offsets[i + 1])
                    let length = UInt32(end - start)
                    withUnsafeBytes(of: length.littleEndian) { out.append(contentsOf: $0) }
                    out.append(contentsOf: bytes[start ..< end])
                }
            }
        }
    }

    private static func appendBools(_ values: [Bool], validity: ValidityMask?, range: Range<Int>,
                                    to out: inout [UInt8]) {
        var current: UInt8 = 0
        var bit = 0
        for i in range where validity?.isValid(i) ?? true {
            if values[i] { current |= 1 << UInt8(bit) }
            bit += 1
            if bit == 8 {
                out.append(current)
                current = 0
                bit = 0
            }
        }
        if bit > 0 { out.append(current) }
    }
}
