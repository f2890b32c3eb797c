import StrataCore
import StrataExecution

/// DuckDB's shell line mode: each value on a line of its own as `name = value`, the names right-aligned to the
/// longest (at least 5 bytes wide, as DuckDB pads them), a blank line between rows. Values are written as text
/// (strings unquoted, NULL as `NULL`, numbers and dates as the table format shows them).
struct NamedLineFormat: LineFormat {
    let null: [UInt8] = Array("NULL".utf8)
    let quotesTemporalValues = false
    let rowEnd: [UInt8] = [UInt8(ascii: "\n")]
    let rowSeparator: [UInt8] = [UInt8(ascii: "\n")]

    func header(_ schema: Schema) -> [UInt8] { [] }

    func cellPrefixes(_ schema: Schema) -> [[UInt8]] {
        let width = schema.fields.reduce(5) { max($0, $1.name.utf8.count) }
        return schema.fields.enumerated().map { index, field in
            (index == 0 ? [] : rowEnd) + Array(repeating: UInt8(ascii: " "), count: width - field.name.utf8.count)
                + Array(field.name.utf8) + Array(" = ".utf8)
        }
    }

    func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: bytes)
    }
}
