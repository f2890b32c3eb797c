import StrataCore
import StrataExecution

/// One column of a batch as text cells as a line format spells them: one contiguous buffer and each cell's end.
///
/// The column is formatted in one pass over its typed buffer (no per-cell `Value`); the writers then interleave
/// the cells of all columns row by row.
struct FormattedColumn {
    /// The cells' text, one after another.
    private(set) var bytes: [UInt8] = []
    /// `ends[i]` is where cell `i` ends in `bytes` (it starts where cell `i - 1` ends).
    private(set) var ends: [Int] = []

    /// Formats every row of `column`.
    init(_ column: Column, format: some LineFormat) {
        ends.reserveCapacity(column.count)
        bytes.reserveCapacity(column.count * (column.type.fixedWidth.map { $0 * 2 + 2 } ?? 8))
        let validity = column.validity
        let quote = format.quotesTemporalValues ? [UInt8(ascii: "\"")] : []
        // Appends each row's text through `body` (given the row), or the NULL text, and records the cell's end.
        func each(_ body: (Int, inout [UInt8]) -> Void) {
            for i in 0..<column.count {
                if let validity, !validity.isValid(i) {
                    bytes.append(contentsOf: format.null)
                } else {
                    body(i, &bytes)
                }
                ends.append(bytes.count)
            }
        }
        func quoted(_ text: String, to out: inout [UInt8]) {
            out.append(contentsOf: quote)
            out.append(contentsOf: text.utf8)
            out.append(contentsOf: quote)
        }
        switch (column.type, column.data) {
        case let (_, .bool(v)): each { i, out in out.append(contentsOf: v[i] ? Self.trueText : Self.falseText) }
        case let (.date, .int32(v)): each { i, out in quoted(ValueText.format(date: v[i]), to: &out) }
        case let (_, .int32(v)): each { i, out in Self.appendDecimal(Int64(v[i]), to: &out) }
        case let (.timestamp, .int64(v)): each { i, out in quoted(ValueText.format(timestamp: v[i]), to: &out) }
        case let (.time, .int64(v)): each { i, out in quoted(TimeOfDay.format(micros: v[i]), to: &out) }
        case let (.timestampNanos, .int64(v)):
            each { i, out in quoted(ValueText.format(timestampNanos: v[i]), to: &out) }
        case let (.decimal(precision, scale), .int64(v)):
            let leading = precision != scale
            each { i, out in Self.appendDecimal(Int128(v[i]), scale: Int(scale), leadingZero: leading, to: &out) }
        case let (.decimal(precision, scale), .int128(v)):
            let leading = precision != scale
            each { i, out in Self.appendDecimal(v[i], scale: Int(scale), leadingZero: leading, to: &out) }
        case let (_, .int128(v)): each { i, out in Self.appendDecimal(v[i], scale: 0, leadingZero: true, to: &out) }
        case let (_, .int64(v)): each { i, out in Self.appendDecimal(v[i], to: &out) }
        case let (_, .float(v)): each { i, out in format.appendFloat(v[i], to: &out) }
        case let (_, .double(v)): each { i, out in format.appendDouble(v[i], to: &out) }
        case let (.blob, .string(buffer)):
            // DuckDB's `\xHH` text, then quoted and escaped as a string would be.
            var text: [UInt8] = []
            each { i, out in
                text.removeAll(keepingCapacity: true)
                BlobText.append(buffer.bytes[buffer.range(i)], to: &text)
                text.withUnsafeBytes { format.appendString($0, to: &out) }
            }
        case let (_, .string(buffer)):
            buffer.bytes.withUnsafeBytes { raw in
                each { i, out in
                    format.appendString(UnsafeRawBufferPointer(rebasing: raw[buffer.range(i)]), to: &out)
                }
            }
        }
    }

    /// Appends cell `row` to `out`.
    func append(row: Int, to out: inout [UInt8]) {
        out.append(contentsOf: bytes[(row == 0 ? 0 : ends[row - 1])..<ends[row]])
    }

    private static let trueText = Array("true".utf8)
    private static let falseText = Array("false".utf8)

    /// Appends `units` of 10^-scale with exactly `scale` digits after the point, as DuckDB prints decimals (no
    /// zero before the point unless `leadingZero`; DuckDB omits it when the precision equals the scale).
    private static func appendDecimal(_ units: Int128, scale: Int, leadingZero: Bool, to out: inout [UInt8]) {
        if units < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = units.magnitude
        let start = out.count
        var digits = 0
        repeat {
            if digits == scale && scale > 0 { out.append(UInt8(ascii: ".")) }
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
            digits += 1
        } while magnitude > 0 || digits < scale || (digits == scale && leadingZero)
        if digits == scale && scale > 0 { out.append(UInt8(ascii: ".")) }
        out[start...].reverse()
    }

    /// Appends the decimal digits of `value`.
    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }
}
