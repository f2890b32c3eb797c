import StrataCore
import StrataExecution

/// CSV as DuckDB's writer produces it (`COPY … TO 'x.csv'`): a header line of the column names, comma-separated
/// fields, `\n` line ends. NULL is an empty unquoted field, the empty string `""`; a string (or name) is quoted,
/// with `"` doubled, when it holds a comma, a quote, CR or LF (leading or trailing spaces are no reason); doubles
/// and floats as DuckDB casts them to text (`nan`, `inf`, `-inf`); dates and timestamps unquoted.
struct CSVLineFormat: LineFormat {
    let null: [UInt8] = []
    let quotesTemporalValues = false
    let rowEnd: [UInt8] = [UInt8(ascii: "\n")]

    func header(_ schema: Schema) -> [UInt8] {
        guard schema.count > 0 else { return [] }
        return Array(schema.fields.map { spelled($0.name) }.joined(separator: [UInt8(ascii: ",")])) + rowEnd
    }

    func cellPrefixes(_ schema: Schema) -> [[UInt8]] {
        schema.fields.indices.map { $0 == 0 ? [] : [UInt8(ascii: ",")] }
    }

    func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\"")
        let needsQuotes = bytes.isEmpty || bytes.contains {
            $0 == UInt8(ascii: ",") || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
        }
        guard needsQuotes else { return out.append(contentsOf: bytes) }
        out.append(quote)
        for b in bytes {
            out.append(b)
            if b == quote { out.append(quote) }
        }
        out.append(quote)
    }
}
