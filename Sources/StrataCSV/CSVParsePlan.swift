import StrataCore

/// Everything a parser thread needs to turn a chunk into a batch: the dialect and, per column, its name, its type
/// and whether that type is fixed (`--schema`, an existing table) or sniffed (and may widen).
package struct CSVParsePlan: Sendable {
    /// One column of the file.
    package struct ColumnPlan: Sendable, Hashable {
        /// Column name.
        package var name: String
        /// The type values are converted to.
        package var type: DataType
        /// True when the type was given (a value that does not parse is a row error), false when sniffed (a value
        /// that does not fit widens the column).
        package var fixed: Bool

        /// A column.
        package init(name: String, type: DataType, fixed: Bool) {
            self.name = name
            self.type = type
            self.fixed = fixed
        }
    }

    /// How records and fields are delimited.
    package var dialect: CSVDialect
    /// The columns in file order.
    package var columns: [ColumnPlan]
    /// The input's name for messages.
    package var fileName: String

    /// The schema batches will have.
    package var schema: Schema {
        Schema(unchecked: columns.map { Field($0.name, $0.type) })
    }

    /// A plan.
    package init(dialect: CSVDialect, columns: [ColumnPlan], fileName: String) {
        self.dialect = dialect
        self.columns = columns
        self.fileName = fileName
    }
}

/// A row that cannot be imported, with where it is and why.
package struct CSVRowError: Sendable {
    /// 1-based physical line where the row starts.
    package var line: Int
    /// Byte offset of the row in the (decompressed) input.
    package var offset: Int64
    /// The column at fault, when there is one.
    package var column: String?
    /// Why the row was rejected, e.g. `expected 3 fields, found 2`.
    package var reason: String
    /// The row's original bytes (without its line end).
    package var row: [UInt8]

    /// The error reported for this row: `file:line: column "c": reason | snippet`.
    package func error(fileName: String) -> StrataError {
        StrataError(.invalidData, reason + " | " + CSVRowError.snippet(row), path: fileName, offset: offset,
                    line: line, column: column)
    }

    /// The row cut at 120 bytes as readable text: invalid UTF-8 repaired, control characters escaped.
    package static func snippet(_ row: [UInt8]) -> String {
        let limit = 120
        let cut = row.count > limit ? Array(row[0..<limit]) : row
        var text = ""
        for scalar in String(decoding: cut, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    text += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return row.count > limit ? text + "…" : text
    }
}
