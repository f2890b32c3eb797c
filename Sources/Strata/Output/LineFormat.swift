import StrataCore
import StrataExecution

/// A line-oriented text format (CSV, JSON lines): how it lays out rows and spells values. Integers are decimal
/// digits and booleans `true`/`false` in every such format.
protocol LineFormat {
    /// The text of a NULL.
    var null: [UInt8] { get }
    /// Whether date and timestamp text is written as a quoted string.
    var quotesTemporalValues: Bool { get }
    /// Appends a string value given as its UTF-8 bytes, quoted or escaped as the format needs.
    func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8])
    /// Appends a double.
    func appendDouble(_ x: Double, to out: inout [UInt8])
    /// Appends a float.
    func appendFloat(_ x: Float, to out: inout [UInt8])
    /// What the output starts with (CSV's header line).
    func header(_ schema: Schema) -> [UInt8]
    /// The text before each column's cell in a row, one per column.
    func cellPrefixes(_ schema: Schema) -> [[UInt8]]
    /// The text that ends a row.
    var rowEnd: [UInt8] { get }
    /// The text between two rows (after the first row's end).
    var rowSeparator: [UInt8] { get }
}

extension LineFormat {
    /// No text between rows.
    var rowSeparator: [UInt8] { [] }

    /// Doubles as DuckDB casts them to text (`nan`, `inf`, `-inf`).
    func appendDouble(_ x: Double, to out: inout [UInt8]) {
        out.append(contentsOf: ValueText.format(x).utf8)
    }

    /// Floats as DuckDB casts them to text.
    func appendFloat(_ x: Float, to out: inout [UInt8]) {
        out.append(contentsOf: ValueText.format(x).utf8)
    }

    /// `text` (a column name) as the format spells a string.
    func spelled(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        Array(text.utf8).withUnsafeBytes { appendString($0, to: &out) }
        return out
    }
}
